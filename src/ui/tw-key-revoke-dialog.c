/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tw-key-revoke-dialog.h"

struct _TwKeyRevokeDialog
{
  AdwWindow     parent_instance;

  TwSession    *session;
  char         *service_id;
  char         *service_name;
  char         *secret;
  GCancellable *cancellable;
  const char   *state;
  gboolean      busy;

  GtkLabel     *heading;
  GtkLabel     *body;
  GtkWidget    *form;
  GtkEditable  *reason_entry;
  GtkEditable  *typed_entry;
  GtkLabel     *text_label;
  GtkSpinner   *spinner;
  GtkButton    *action_button;
};

G_DEFINE_FINAL_TYPE (TwKeyRevokeDialog, tw_key_revoke_dialog, ADW_TYPE_WINDOW)

static gboolean
form_ready (TwKeyRevokeDialog *self)
{
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (self->reason_entry)));
  const char *typed = gtk_editable_get_text (self->typed_entry);

  return g_utf8_strlen (reason, -1) >= TW_GUARD_MIN_REASON_LENGTH &&
         (g_strcmp0 (typed, self->service_name) == 0 || g_strcmp0 (typed, self->service_id) == 0);
}

static void
update (TwKeyRevokeDialog *self)
{
  gboolean form = g_str_equal (self->state, "form");
  gboolean finished = g_str_equal (self->state, "done") || g_str_equal (self->state, "failed");

  gtk_widget_set_visible (self->form, form);
  gtk_widget_set_visible (GTK_WIDGET (self->text_label), !form && *gtk_label_get_label (self->text_label) != '\0');
  gtk_spinner_set_spinning (self->spinner, self->busy);
  gtk_button_set_label (self->action_button,
                        finished ? _("_Close")
                        : g_str_equal (self->state, "server") ? _("I _Removed It")
                        : _("_Halt Trading and Revoke"));
  if (finished)
    gtk_widget_remove_css_class (GTK_WIDGET (self->action_button), "destructive-action");
  gtk_widget_set_sensitive (GTK_WIDGET (self->action_button),
                            !self->busy && (!form || form_ready (self)));
}

static void
revoked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TwKeyRevokeDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  TwKeyStep step = tw_session_revoke_key_finish (TW_SESSION (source), result, &output, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  if (error != NULL)
    {
      self->state = "failed";
      gtk_label_set_label (self->heading, _("The key is not revoked"));
      gtk_label_set_label (self->body, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->body), "error");
      gtk_label_set_label (self->text_label, "");
    }
  else if (step == TW_KEY_STEP_DONE)
    {
      self->state = "done";
      gtk_label_set_label (self->heading, _("Key revoked"));
      gtk_label_set_label (self->body, _("Trading was halted, the service refuses the key, and it "
                                         "is deleted from the keyring. Store a new key before "
                                         "resuming. What the runbook says to do next:"));
      gtk_label_set_label (self->text_label, output != NULL ? output : "");
    }
  else
    {
      self->state = "server";
      gtk_label_set_label (self->heading, _("Remove the key on the server"));
      gtk_label_set_label (self->body, _("Trading is halted. Make this change on the server, then "
                                         "say it is done: the console proves the key is refused."));
      gtk_label_set_label (self->text_label, output != NULL ? output : "");
    }
  update (self);
}

static void
run (TwKeyRevokeDialog *self,
     gboolean           server_done)
{
  g_autofree char *target = g_strdup_printf ("%s/%s", self->service_id, self->secret);
  g_autoptr(TwProfile) profile = g_object_ref (tw_session_get_profile (self->session));
  g_autoptr(TwGuardRequest) request =
    tw_guard_request_new ("keys.revoke", target, tw_profile_get_name (profile),
                          tw_profile_get_mode (profile));

  tw_guard_request_set_reason (request, gtk_editable_get_text (self->reason_entry));
  tw_guard_request_set_typed_confirmation (request, gtk_editable_get_text (self->typed_entry));
  self->busy = TRUE;
  tw_session_revoke_key_async (self->session, self->service_id, self->secret, request, server_done,
                               self->cancellable, revoked_cb, g_object_ref (self));
  update (self);
}

static void
action_clicked_cb (TwKeyRevokeDialog *self)
{
  if (self->busy)
    return;
  if (g_str_equal (self->state, "done") || g_str_equal (self->state, "failed"))
    gtk_window_close (GTK_WINDOW (self));
  else
    run (self, g_str_equal (self->state, "server"));
}

static void
tw_key_revoke_dialog_dispose (GObject *object)
{
  TwKeyRevokeDialog *self = TW_KEY_REVOKE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (tw_key_revoke_dialog_parent_class)->dispose (object);
}

static void
tw_key_revoke_dialog_finalize (GObject *object)
{
  TwKeyRevokeDialog *self = TW_KEY_REVOKE_DIALOG (object);

  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_free (self->service_id);
  g_free (self->service_name);
  g_free (self->secret);

  G_OBJECT_CLASS (tw_key_revoke_dialog_parent_class)->finalize (object);
}

static void
tw_key_revoke_dialog_class_init (TwKeyRevokeDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_key_revoke_dialog_dispose;
  object_class->finalize = tw_key_revoke_dialog_finalize;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

/* Built in code: a header, the form (reason, name) or the step/follow-up text, a button. */
static void
tw_key_revoke_dialog_init (TwKeyRevokeDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *reason = adw_entry_row_new ();
  GtkWidget *typed = adw_entry_row_new ();

  self->cancellable = g_cancellable_new ();
  self->state = "form";
  gtk_window_set_title (GTK_WINDOW (self), _("Revoke a Key"));
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 620, 520);

  gtk_box_append (GTK_BOX (outer), adw_header_bar_new ());
  g_object_set (box, "margin-start", 18, "margin-end", 18, "margin-top", 18, "margin-bottom", 18, NULL);
  self->heading = GTK_LABEL (gtk_label_new (_("Revoke a compromised key")));
  gtk_label_set_xalign (self->heading, 0);
  gtk_label_set_wrap (self->heading, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->heading), "title-2");
  self->body = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->body, 0);
  gtk_label_set_wrap (self->body, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->heading));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->body));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (reason), _("Reason (at least 10 characters)"));
  self->reason_entry = GTK_EDITABLE (reason);
  self->typed_entry = GTK_EDITABLE (typed);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), reason);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), typed);
  self->form = group;
  gtk_box_append (GTK_BOX (box), group);
  g_signal_connect_swapped (reason, "changed", G_CALLBACK (update), self);
  g_signal_connect_swapped (typed, "changed", G_CALLBACK (update), self);

  self->text_label = GTK_LABEL (gtk_label_new (""));
  gtk_label_set_xalign (self->text_label, 0);
  gtk_label_set_wrap (self->text_label, TRUE);
  gtk_label_set_wrap_mode (self->text_label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (self->text_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->text_label), "monospace");
  gtk_widget_add_css_class (GTK_WIDGET (self->text_label), "card");
  gtk_widget_add_css_class (GTK_WIDGET (self->text_label), "tw-key-step");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->text_label));

  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (outer), scrolled);

  g_object_set (bar, "margin-start", 18, "margin-end", 18, "margin-bottom", 18, NULL);
  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->spinner), TRUE);
  gtk_widget_set_halign (GTK_WIDGET (self->spinner), GTK_ALIGN_END);
  self->action_button = GTK_BUTTON (gtk_button_new ());
  gtk_button_set_use_underline (self->action_button, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->action_button), "destructive-action");
  g_signal_connect_swapped (self->action_button, "clicked", G_CALLBACK (action_clicked_cb), self);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->spinner));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->action_button));
  gtk_box_append (GTK_BOX (outer), bar);
  adw_window_set_content (ADW_WINDOW (self), outer);
}

GtkWidget *
tw_key_revoke_dialog_new (TwSession  *session,
                          const char *service_id,
                          const char *secret,
                          const char *secret_label)
{
  TwKeyRevokeDialog *self = g_object_new (TW_TYPE_KEY_REVOKE_DIALOG, NULL);
  g_autofree char *body = NULL;
  g_autofree char *typed_title = NULL;

  self->session = g_object_ref (session);
  self->service_id = g_strdup (service_id);
  self->service_name = g_strdup (tw_profile_get_service_name (tw_session_get_profile (session), service_id));
  self->secret = g_strdup (secret);
  body = g_strdup_printf (_("Trading is halted on every service of the profile first. Then the %s "
                            "of %s is removed on the server, proven refused and deleted from the "
                            "keyring. The service cannot be used until a new key is stored."),
                          secret_label, self->service_name);
  gtk_label_set_label (self->body, body);
  typed_title = g_strdup_printf (_("Type “%s” to confirm"), self->service_name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->typed_entry), typed_title);
  update (self);
  return GTK_WIDGET (self);
}

void
tw_key_revoke_dialog_set_reason (TwKeyRevokeDialog *self,
                                 const char        *reason)
{
  gtk_editable_set_text (self->reason_entry, reason);
}

void
tw_key_revoke_dialog_set_typed (TwKeyRevokeDialog *self,
                                const char        *text)
{
  gtk_editable_set_text (self->typed_entry, text);
}

gboolean
tw_key_revoke_dialog_can_revoke (TwKeyRevokeDialog *self)
{
  return gtk_widget_get_sensitive (GTK_WIDGET (self->action_button));
}

gboolean
tw_key_revoke_dialog_is_busy (TwKeyRevokeDialog *self)
{
  return self->busy;
}

const char *
tw_key_revoke_dialog_get_state (TwKeyRevokeDialog *self)
{
  return self->state;
}

const char *
tw_key_revoke_dialog_get_text (TwKeyRevokeDialog *self)
{
  return gtk_label_get_label (self->text_label);
}

void
tw_key_revoke_dialog_activate (TwKeyRevokeDialog *self)
{
  action_clicked_cb (self);
}
