/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-application-private.h"

#include <glib/gi18n.h>

/* app.halt: the session's Halt All (every service of the profile, in parallel, one click),
 * its results shown: a toast and, when a service did not halt, a dialog; a notification
 * when no window is on screen. The Breakers page's row comes from the session. */

static gboolean
window_shown (TwApplication *self)
{
  return self->window != NULL && gtk_widget_get_visible (GTK_WIDGET (self->window));
}

/* No window on screen (run in background, the notification's Halt trading button): the
 * result goes where the click came from, a notification; nothing is built for a window
 * nobody sees. Critical when a service did not halt, with Halt trading to try again. */
static void
notify_results (TwApplication *self,
                GPtrArray     *results,
                guint          n_failed,
                const GError  *error)
{
  g_autoptr(GError) notify_error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  guint n_ok = results != NULL ? results->len - n_failed : 0;

  if (self->notifier == NULL)
    return;
  if (results == NULL)
    {
      title = g_strdup (_("Halt All Failed"));
      /* Translators: the body of a failed Halt All notification; %s says why */
      body = g_strdup_printf (_("Trading may still be running on every service.\n%s"), error->message);
    }
  else if (n_failed > 0)
    {
      g_autofree char *lines = tw_session_describe_halt (results, TW_HALT_DESCRIBE_FAILURES_FIRST);

      title = g_strdup_printf (ngettext ("%u Service Did Not Halt", "%u Services Did Not Halt",
                                         n_failed), n_failed);
      body = g_strdup_printf (_("Trading may still be running there.\n%s"), lines);
    }
  else
    {
      /* Translators: the summary of Halt All, e.g. "Halted 4 of 4 services" */
      title = g_strdup_printf (ngettext ("Halted %u of %u service", "Halted %u of %u services",
                                         results->len), n_ok, results->len);
      body = tw_session_describe_halt (results, TW_HALT_DESCRIBE_ALL);
    }

  if (!tw_notifier_notify (self->notifier, "halt-all-result",
                           /* success at normal urgency: a confirmation, not a problem */
                           results == NULL || n_failed > 0 ? TW_ALERT_CRITICAL : TW_ALERT_WARNING,
                           "x-tradewarden.halt", title, body, "breakers",
                           results == NULL || n_failed > 0, &notify_error))
    g_warning ("Halt All: %s — %s (%s)", title, body, notify_error->message);
}

static void
halt_details_cb (AdwToast      *toast,
                 TwApplication *self)
{
  GPtrArray *results = tw_application_get_last_halt (self);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (results == NULL)
    return;
  body = tw_session_describe_halt (results, TW_HALT_DESCRIBE_ALL);
  dialog = adw_message_dialog_new (GTK_WINDOW (tw_application_get_window (self)),
                                   _("Halt All: Each Service"), body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
halt_failure_response_cb (TwApplication *self)
{
  tw_window_show_page (tw_application_get_window (self), "breakers");
}

static void
halt_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TwApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autofree char *title = NULL;
  guint n_ok;
  guint n_failed;

  results = tw_session_halt_all_finish (TW_SESSION (object), result, &error);
  if (results == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (window_shown (self))
        _tw_application_show_error (self, _("Halt All Failed"), error->message);
      else
        notify_results (self, NULL, 0, error);
      return;
    }

  n_failed = tw_session_count_halt_failures (results);
  n_ok = results->len - n_failed;

  if (!window_shown (self))
    {
      notify_results (self, results, n_failed, NULL);
      _tw_application_emit_halt_finished (self, results);
      return;
    }

  {
    AdwToast *toast;

    /* Translators: the summary of Halt All, e.g. "Halted 4 of 4 services" */
    title = g_strdup_printf (ngettext ("Halted %u of %u service", "Halted %u of %u services",
                                       results->len), n_ok, results->len);
    toast = adw_toast_new (title);
    adw_toast_set_button_label (toast, _("_Details"));
    adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
    adw_toast_set_timeout (toast, n_failed > 0 ? 0 : 8);
    g_signal_connect_object (toast, "button-clicked", G_CALLBACK (halt_details_cb), self, 0);
    tw_window_add_toast (self->window, toast);
  }

  if (n_failed > 0)
    {
      g_autofree char *heading = NULL;
      g_autofree char *failures = tw_session_describe_halt (results, TW_HALT_DESCRIBE_FAILURES);
      g_autofree char *body = g_strdup_printf (_("Trading may still be running there.\n\n%s"), failures);
      GtkWidget *dialog;

      /* A service that did not halt is loud: a dialog, and a row on the Breakers page. */
      heading = g_strdup_printf (ngettext ("%u Service Did Not Halt", "%u Services Did Not Halt",
                                           n_failed), n_failed);
      if (self->halt_dialog != NULL)
        gtk_window_destroy (GTK_WINDOW (self->halt_dialog));
      dialog = adw_message_dialog_new (GTK_WINDOW (tw_application_get_window (self)), heading, body);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "close", _("_Close"),
                                        "breakers", _("_Open Breakers"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "breakers",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "breakers");
      g_signal_connect_object (dialog, "response::breakers", G_CALLBACK (halt_failure_response_cb),
                               self, G_CONNECT_SWAPPED);
      self->halt_dialog = dialog;
      g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->halt_dialog);
      gtk_window_present (GTK_WINDOW (dialog));
    }

  _tw_application_emit_halt_finished (self, results);
}

void
_tw_application_halt (TwApplication *self)
{
  /* One at a time: a second click while halting does nothing more. */
  if (self->session == NULL || tw_session_get_action_runner (self->session) == NULL
      || tw_session_is_halting (self->session))
    return;
  tw_session_halt_all_async (self->session, NULL, NULL, halt_done_cb, g_object_ref (self));
}
