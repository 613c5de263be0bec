/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-alerts-page-private.h"

#include <glib/gi18n.h>

/* The Alerts page's Silences window: the active and pending silences of the profile's
 * Alertmanagers, each with Expire (a reason asked first). */

static void load_silences (TwAlertsPage *self);

static void
expired_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TwAlertsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  self->busy--;
  g_clear_pointer (&self->last_error, g_free);
  if (!tw_alerts_service_expire_silence_finish (TW_ALERTS_SERVICE (object), result, &error))
    self->last_error = g_strdup (error->message);
  load_silences (self);
}

static void
expire_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    TwAlertsPage     *self)
{
  TwAlertSilence *silence = g_object_get_data (G_OBJECT (dialog), "tw-silence");
  GtkEditable *reason = g_object_get_data (G_OBJECT (dialog), "tw-reason");

  if (g_strcmp0 (response, "expire") != 0 || self->alerts == NULL)
    return;
  self->busy++;
  tw_alerts_service_expire_silence_async (self->alerts, silence->service_id, silence->id,
                                          gtk_editable_get_text (reason), NULL, expired_cb,
                                          g_object_ref (self));
}

static void
reason_changed_cb (GtkEditable      *reason,
                   AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (reason)));

  adw_message_dialog_set_response_enabled (dialog, "expire", *text != '\0');
}

static TwAlertSilence *
silence_copy (const TwAlertSilence *silence)
{
  TwAlertSilence *copy = g_new0 (TwAlertSilence, 1);

  copy->id = g_strdup (silence->id);
  copy->service_id = g_strdup (silence->service_id);
  copy->source = g_strdup (silence->source);
  copy->state = g_strdup (silence->state);
  copy->created_by = g_strdup (silence->created_by);
  copy->comment = g_strdup (silence->comment);
  copy->matchers = g_strdup (silence->matchers);
  copy->ends_at = silence->ends_at != NULL ? g_date_time_ref (silence->ends_at) : NULL;
  return copy;
}

AdwMessageDialog *
_tw_alerts_page_open_expire_dialog (TwAlertsPage *self,
                                    guint         index)
{
  TwAlertSilence *silence;
  GtkWidget *reason = gtk_entry_new ();
  GtkWidget *dialog;

  g_return_val_if_fail (self->silences != NULL && index < self->silences->len, NULL);

  silence = g_ptr_array_index (self->silences, index);
  dialog = adw_message_dialog_new (self->silences_window, _("Expire Silence?"), silence->matchers);
  gtk_entry_set_placeholder_text (GTK_ENTRY (reason), _("Reason (required)"));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), reason);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "expire", _("_Expire"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "expire", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "expire", FALSE);
  g_object_set_data_full (G_OBJECT (dialog), "tw-silence", silence_copy (silence),
                          (GDestroyNotify) tw_alert_silence_free);
  g_object_set_data (G_OBJECT (dialog), "tw-reason", reason);
  g_signal_connect (reason, "changed", G_CALLBACK (reason_changed_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (expire_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return ADW_MESSAGE_DIALOG (dialog);
}

static void
expire_clicked_cb (GtkButton    *button,
                   TwAlertsPage *self)
{
  _tw_alerts_page_open_expire_dialog (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "tw-index")));
}

static void
show_silences (TwAlertsPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->silences_box))) != NULL)
    gtk_list_box_remove (self->silences_box, child);

  if (self->silences == NULL || self->silences->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No active silences"));
      gtk_list_box_append (self->silences_box, row);
      return;
    }
  for (guint i = 0; i < self->silences->len; i++)
    {
      TwAlertSilence *silence = g_ptr_array_index (self->silences, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Expire…"));
      g_autofree char *until = _tw_alerts_page_format_time (silence->ends_at);
      g_autofree char *subtitle = NULL;

      /* TRANSLATORS: who · until when · which Alertmanager · the comment */
      subtitle = g_strdup_printf (_("by %s · until %s · %s · %s"), silence->created_by ?: "?", until,
                                  silence->source, silence->comment ?: "");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), silence->matchers);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "destructive-action");
      g_object_set_data (G_OBJECT (button), "tw-index", GUINT_TO_POINTER (i));
      g_signal_connect (button, "clicked", G_CALLBACK (expire_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (self->silences_box, row);
    }
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TwAlertsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *silences = tw_alerts_service_list_silences_finish (TW_ALERTS_SERVICE (object), result, &error);

  self->n_silence_loads++;
  g_clear_pointer (&self->silences, g_ptr_array_unref);
  self->silences = silences;
  if (self->silences_box != NULL)
    show_silences (self);
}

static void
load_silences (TwAlertsPage *self)
{
  if (self->alerts == NULL)
    return;
  tw_alerts_service_list_silences_async (self->alerts, NULL, listed_cb, g_object_ref (self));
}

static void
silences_window_destroyed_cb (TwAlertsPage *self)
{
  self->silences_window = NULL;
  self->silences_box = NULL;
}

GtkWindow *
_tw_alerts_page_open_silences (TwAlertsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *window, *box, *header, *scrolled, *clamp, *list;

  if (self->silences_window != NULL)
    {
      gtk_window_present (self->silences_window);
      load_silences (self);
      return self->silences_window;
    }
  window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), _("Silences"));
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 420);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_widget_set_margin_top (list, 12);
  gtk_widget_set_margin_bottom (list, 12);
  clamp = adw_clamp_new ();
  adw_clamp_set_child (ADW_CLAMP (clamp), list);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_window_set_content (ADW_WINDOW (window), box);
  self->silences_window = GTK_WINDOW (window);
  self->silences_box = GTK_LIST_BOX (list);
  g_signal_connect_object (window, "destroy", G_CALLBACK (silences_window_destroyed_cb), self,
                           G_CONNECT_SWAPPED);
  show_silences (self);
  load_silences (self);
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

guint
_tw_alerts_page_get_n_silences (TwAlertsPage *self)
{
  return self->silences != NULL ? self->silences->len : 0;
}

guint
_tw_alerts_page_get_n_silence_loads (TwAlertsPage *self)
{
  return self->n_silence_loads;
}
