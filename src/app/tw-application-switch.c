/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tw-application-private.h"
#include "tw-env-import.h"
#include "tw-trading-summary.h"

/* Profile switches are never a surprise: an imported .env is shown before anything is
 * stored or opened, and the open profile is never left during an incident without the
 * operator being told. */

char *
_tw_application_describe_incident (TwApplication *self)
{
  TwRiskMonitor *monitor;
  GListModel *states;
  TwTradingUrgency urgency = TW_TRADING_URGENCY_NONE;
  gboolean halted = FALSE;
  g_autofree char *summary = NULL;

  if (self->session == NULL)
    return NULL;
  monitor = tw_session_get_risk_monitor (self->session);
  if (monitor == NULL)
    return NULL;
  states = tw_risk_monitor_get_states (monitor);
  for (guint i = 0; i < g_list_model_get_n_items (states); i++)
    {
      g_autoptr(TwTradingState) state = g_list_model_get_item (states, i);
      TwTradingMode mode = tw_trading_state_get_mode (state);

      halted |= mode == TW_TRADING_HALTED || mode == TW_TRADING_REDUCING;
    }
  summary = tw_trading_summary_describe (states, tw_session_get_last_halt (self->session), &urgency);
  /* A halt, a tripped breaker or a failed halt: the operator is in the middle of it. */
  if (urgency != TW_TRADING_URGENCY_CRITICAL && !halted
      && tw_session_get_halt_failure (self->session) == NULL)
    return NULL;
  return g_steal_pointer (&summary);
}

/* ---- the guard of a switch ---- */

typedef struct
{
  TwApplication  *self;
  TwSwitchFunc    then;
  gpointer        data;
  GDestroyNotify  destroy;
} Switch;

static void
switch_free (gpointer  data,
             GClosure *closure)
{
  Switch *sw = data;

  if (sw->destroy != NULL)
    sw->destroy (sw->data);
  g_object_unref (sw->self);
  g_free (sw);
}

static void
switch_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    Switch           *sw)
{
  if (g_str_equal (response, "switch"))
    sw->then (sw->self, sw->data);
}

void
_tw_application_switch_guarded (TwApplication  *self,
                                const char     *next_name,
                                TwSwitchFunc    then,
                                gpointer        data,
                                GDestroyNotify  destroy)
{
  g_autofree char *incident = _tw_application_describe_incident (self);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *button = NULL;
  const char *current;
  GtkWidget *dialog;
  Switch *sw;

  if (incident == NULL)
    {
      then (self, data);
      if (destroy != NULL)
        destroy (data);
      return;
    }
  current = tw_profile_get_name (tw_session_get_profile (self->session));
  /* Translators: %s is the open profile's name */
  heading = g_strdup_printf (_("Leave “%s” During an Incident?"), current);
  /* Translators: the incident in one line, then the next profile's name */
  body = g_strdup_printf (_("%s.\n\nOpening “%s” stops watching this profile: its polls, alerts and "
                            "notifications stop until you open it again."), incident, next_name);
  /* Translators: %s is the next profile's name */
  button = g_strdup_printf (_("_Open “%s”"), next_name);
  dialog = adw_message_dialog_new (GTK_WINDOW (tw_application_get_window (self)), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Stay Here"),
                                    "switch", button,
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "switch", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  sw = g_new0 (Switch, 1);
  sw->self = g_object_ref (self);
  sw->then = then;
  sw->data = data;
  sw->destroy = destroy;
  g_signal_connect_data (dialog, "response", G_CALLBACK (switch_response_cb), sw, switch_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Import .env: the preview, then the import ---- */

typedef struct
{
  TwApplication *self;
  TwEnvPreview  *preview;
  GtkEntry      *name_entry;
  GtkLabel      *name_error;
  gboolean       open;
  gboolean       answered;   /* the first response counts: closing after it says "cancel" */
} Import;

static void
import_clear (Import *import)
{
  g_clear_pointer (&import->preview, tw_env_preview_free);
  g_clear_object (&import->self);
}

/* Held by the dialog's handler and by the import in flight. */
static void
import_free (Import *import)
{
  g_rc_box_release_full (import, (GDestroyNotify) import_clear);
}

static void
import_closure_free (gpointer  data,
                     GClosure *closure)
{
  import_free (data);
}

static void
imported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Import *import = user_data;
  TwApplication *self = import->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(TwProfile) profile = tw_env_import_finish (result, &error);
  g_autofree char *message = NULL;

  if (profile == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _tw_application_show_error (self, _("Could Not Import the .env File"), error->message);
      import_free (import);
      return;
    }
  _tw_application_refresh_profile_names (self);
  if (import->open)
    _tw_application_open_profile (self, profile, _tw_application_get_keyring (self), FALSE);
  /* Translators: %s is a profile's name */
  message = g_strdup_printf (import->open ? _("Imported and opened profile “%s”")
                                          : _("Imported as profile “%s”: open it from the main menu"),
                             tw_profile_get_name (profile));
  _tw_application_toast (self, message);
  import_free (import);
}

static void
preview_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     Import           *import)
{
  if (import->answered)
    return;
  import->answered = TRUE;
  if (!g_str_equal (response, "import") && !g_str_equal (response, "open"))
    return;
  import->open = g_str_equal (response, "open");
  tw_env_preview_import_async (import->preview, gtk_editable_get_text (GTK_EDITABLE (import->name_entry)),
                               _tw_application_get_keyring (import->self), import->self->cancellable,
                               imported_cb, g_rc_box_acquire (import));
}

static void
name_changed_cb (Import           *import,
                 GParamSpec       *pspec,
                 GtkEditable      *entry)
{
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (gtk_widget_get_root (GTK_WIDGET (entry)));
  gboolean ok = tw_env_preview_name_is_free (gtk_editable_get_text (entry), &error);

  gtk_label_set_text (import->name_error, ok ? "" : error->message);
  adw_message_dialog_set_response_enabled (dialog, "import", ok);
  adw_message_dialog_set_response_enabled (dialog, "open", ok);
}

static void
present_preview (TwApplication *self,
                 TwEnvPreview  *preview)
{
  TwProfile *profile = tw_env_preview_get_profile (preview);
  gboolean live = tw_profile_get_mode (profile) == TW_MODE_LIVE;
  guint n = g_list_model_get_n_items (tw_profile_get_services (profile));
  g_autofree char *incident = _tw_application_describe_incident (self);
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog, *box, *label, *entry, *error;
  Import *import;

  g_string_append_printf (body, ngettext ("It creates a %s profile with %u service:",
                                          "It creates a %s profile with %u services:", n),
                          live ? _("LIVE (real money)") : _("paper"), n);
  g_string_append_printf (body, "\n%s", tw_env_preview_get_details (preview));
  g_string_append (body, "\n\n");
  g_string_append (body, _("The keys go to the keyring, never to a file. Nothing is stored until you import."));
  if (self->session != NULL)
    {
      const char *current = tw_profile_get_name (tw_session_get_profile (self->session));

      g_string_append (body, "\n\n");
      if (incident != NULL)
        /* Translators: the open profile's name, then its incident in one line */
        g_string_append_printf (body, _("“%s” has an incident in progress: %s. Opening the new "
                                        "profile stops watching it; Import Only keeps it open."),
                                current, incident);
      else
        /* Translators: %s is the open profile's name */
        g_string_append_printf (body, _("“%s” stays open unless you choose Import and Open."), current);
    }
  dialog = adw_message_dialog_new (GTK_WINDOW (tw_application_get_window (self)),
                                   live ? _("Import a LIVE Profile?") : _("Import a Paper Profile?"),
                                   body->str);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  label = gtk_label_new_with_mnemonic (_("Profile _name"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  entry = gtk_entry_new ();
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), tw_env_preview_get_name (preview));
  error = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (error), 0);
  gtk_label_set_wrap (GTK_LABEL (error), TRUE);
  gtk_widget_add_css_class (error, "error");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), error);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "import", _("_Import Only"),
                                    "open", _("Import and _Open"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open",
                                              live || incident != NULL ? ADW_RESPONSE_DESTRUCTIVE
                                                                       : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  import = g_rc_box_new0 (Import);
  import->self = g_object_ref (self);
  import->preview = preview;
  import->name_entry = GTK_ENTRY (entry);
  import->name_error = GTK_LABEL (error);
  g_signal_connect_swapped (entry, "notify::text", G_CALLBACK (name_changed_cb), import);
  g_signal_connect_data (dialog, "response", G_CALLBACK (preview_response_cb), import,
                         import_closure_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  name_changed_cb (import, NULL, GTK_EDITABLE (entry));
}

static void
preview_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TwApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  TwEnvPreview *preview = tw_env_preview_finish (result, &error);

  if (preview == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _tw_application_show_error (self, _("Could Not Import the .env File"), error->message);
      return;
    }
  present_preview (self, preview);
}

void
_tw_application_import_env_file (TwApplication *self,
                                 GFile         *file)
{
  g_return_if_fail (TW_IS_APPLICATION (self));
  g_return_if_fail (G_IS_FILE (file));

  tw_env_preview_async (file, self->cancellable, preview_done_cb, g_object_ref (self));
}
