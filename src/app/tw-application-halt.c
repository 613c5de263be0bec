/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-application-private.h"

#include <glib/gi18n.h>
#include <string.h>

/* app.halt: the session's Halt All (every service of the profile, in parallel, one click),
 * its results shown: while it waits, a toast with each service's result as it comes (the
 * fast ones are safe already); then a toast naming every kind of result and, when a
 * service did not halt or did not answer, a dialog with a Retry for each; a notification
 * when no window is on screen. The Breakers page's row comes from the session. */

#define RETRY_PREFIX "retry:"

static void halt_done_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data);

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
      title = tw_session_summarize_halt (results);
      body = tw_session_describe_halt (results, TW_HALT_DESCRIBE_FAILURES_FIRST);
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
  body = tw_session_describe_halt (results, TW_HALT_DESCRIBE_FAILURES_FIRST);
  dialog = adw_message_dialog_new (GTK_WINDOW (tw_application_get_window (self)),
                                   _("Halt All: Each Service"), body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
halt_failure_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          TwApplication    *self)
{
  if (g_strcmp0 (response, "breakers") == 0)
    tw_window_show_page (tw_application_get_window (self), "breakers");
  else if (g_str_has_prefix (response, RETRY_PREFIX) && self->session != NULL &&
           !tw_session_is_halting (self->session))
    {
      const char *ids[] = { response + strlen (RETRY_PREFIX), NULL };

      tw_session_halt_services_async (self->session, NULL, ids, NULL, halt_done_cb,
                                      g_object_ref (self));
    }
}

/* While halting: "Halting: InvestIQ halted · Alpaca halted · waiting for AI trading". */
static void
update_progress (TwApplication *self)
{
  g_autoptr(GString) title = g_string_new (NULL);
  GListModel *services;
  guint n;

  if (self->halt_toast == NULL || self->session == NULL)
    return;
  services = tw_workspace_get_services (tw_session_get_workspace (self->session));
  n = g_list_model_get_n_items (services);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      TwActionResult *latest = NULL;
      const char *word;

      for (guint j = 0; j < self->halt_progress->len; j++)
        if (g_strcmp0 (tw_action_result_get_service_id (g_ptr_array_index (self->halt_progress, j)),
                       tw_service_get_id (service)) == 0)
          latest = g_ptr_array_index (self->halt_progress, j);
      if (latest == NULL)
        continue;
      switch (tw_action_result_get_outcome (latest))
        {
        case TW_ACTION_OUTCOME_DONE:        word = _("halted"); break;
        case TW_ACTION_OUTCOME_ALREADY:     word = _("already halted"); break;
        case TW_ACTION_OUTCOME_UNKNOWN:     word = _("no answer yet, reading back"); break;
        case TW_ACTION_OUTCOME_UNSUPPORTED: word = _("cannot be halted here"); break;
        case TW_ACTION_OUTCOME_FAILED:
        default:                            word = _("NOT HALTED"); break;
        }
      g_string_append_printf (title, "%s%s %s", title->len > 0 ? " · " : "",
                              tw_service_get_name (service), word);
    }
  if (title->len == 0)
    adw_toast_set_title (self->halt_toast, _("Halting every service…"));
  else
    {
      /* Translators: the toast while Halt All waits; %s lists each service's result so far */
      g_autofree char *text = g_strdup_printf (_("Halting: %s"), title->str);

      adw_toast_set_title (self->halt_toast, text);
    }
}

static void
halt_result_cb (TwActionRunner *runner,
                TwActionResult *result,
                TwApplication  *self)
{
  if (self->halt_progress == NULL)
    return;
  for (guint i = 0; i < self->halt_progress->len; i++)
    if (g_strcmp0 (tw_action_result_get_service_id (g_ptr_array_index (self->halt_progress, i)),
                   tw_action_result_get_service_id (result)) == 0)
      {
        g_ptr_array_remove_index (self->halt_progress, i);
        break;
      }
  g_ptr_array_add (self->halt_progress, g_object_ref (result));
  update_progress (self);
}

/* Halt All has one toast, from "Halting every service…" to its result, reused by the
 * next Halt All while it is shown: libadwaita 1.2 aborts (adw-toast-overlay.c,
 * !info->widget) when a high-priority toast displaces one that comes back while an
 * earlier one is still hiding — two Halt Alls a second apart did it. */
static void
halt_toast_dismissed_cb (AdwToast      *toast,
                         TwApplication *self)
{
  if (self->halt_toast != toast)
    return;
  g_clear_handle_id (&self->halt_toast_timeout, g_source_remove);
  g_clear_object (&self->halt_toast);
}

static gboolean
halt_toast_timeout_cb (gpointer user_data)
{
  TwApplication *self = user_data;

  self->halt_toast_timeout = 0;
  if (self->halt_toast != NULL)
    adw_toast_dismiss (self->halt_toast);
  return G_SOURCE_REMOVE;
}

static AdwToast *
ensure_halt_toast (TwApplication *self)
{
  g_clear_handle_id (&self->halt_toast_timeout, g_source_remove);
  if (self->halt_toast == NULL)
    {
      self->halt_toast = g_object_ref_sink (adw_toast_new (_("Halting every service…")));
      adw_toast_set_priority (self->halt_toast, ADW_TOAST_PRIORITY_HIGH);
      adw_toast_set_timeout (self->halt_toast, 0);   /* dismissed by halt_toast_timeout_cb */
      g_signal_connect_object (self->halt_toast, "dismissed", G_CALLBACK (halt_toast_dismissed_cb),
                               self, 0);
      g_signal_connect_object (self->halt_toast, "button-clicked", G_CALLBACK (halt_details_cb),
                               self, 0);
      tw_window_add_toast (self->window, self->halt_toast);
    }
  return self->halt_toast;
}

static void
stop_progress (TwApplication *self)
{
  if (self->session != NULL && tw_session_get_action_runner (self->session) != NULL)
    g_signal_handlers_disconnect_by_func (tw_session_get_action_runner (self->session),
                                          halt_result_cb, self);
  g_clear_pointer (&self->halt_progress, g_ptr_array_unref);
}

static void
start_progress (TwApplication *self)
{
  AdwToast *toast;

  stop_progress (self);
  self->halt_progress = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (tw_session_get_action_runner (self->session), "halt-result",
                    G_CALLBACK (halt_result_cb), self);
  if (!window_shown (self))
    return;
  toast = ensure_halt_toast (self);
  adw_toast_set_button_label (toast, NULL);
  adw_toast_set_title (toast, _("Halting every service…"));
}

static void
show_failures (TwApplication *self,
               GPtrArray     *results,
               guint          n_failed)
{
  g_autofree char *heading = NULL;
  g_autofree char *summary = tw_session_summarize_halt (results);
  g_autofree char *lines = tw_session_describe_halt (results, TW_HALT_DESCRIBE_FAILURES_FIRST);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  /* Translators: the body of the dialog after Halt All; the summary, then a line a service */
  body = g_strdup_printf (_("Trading may still be running there. %s.\n\n%s"), summary, lines);
  /* A service that did not halt is loud: a dialog, and a row on the Breakers page. */
  heading = g_strdup_printf (ngettext ("%u Service Did Not Halt", "%u Services Did Not Halt",
                                       n_failed), n_failed);
  if (self->halt_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->halt_dialog));
  dialog = adw_message_dialog_new (GTK_WINDOW (tw_application_get_window (self)), heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  /* A Retry of its own for each service that failed or did not answer. */
  for (guint i = 0; i < results->len; i++)
    {
      TwActionResult *result = g_ptr_array_index (results, i);
      TwActionOutcome outcome = tw_action_result_get_outcome (result);
      g_autofree char *id = NULL;
      g_autofree char *label = NULL;

      if (outcome != TW_ACTION_OUTCOME_FAILED && outcome != TW_ACTION_OUTCOME_UNKNOWN)
        continue;
      id = g_strconcat (RETRY_PREFIX, tw_action_result_get_service_id (result), NULL);
      /* Translators: a button halting one service again; %s is its name */
      label = g_strdup_printf (_("Retry %s"), tw_action_result_get_service_name (result));
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), id, label);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), id,
                                                  ADW_RESPONSE_DESTRUCTIVE);
    }
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "breakers", _("_Open Breakers"));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "breakers",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "breakers");
  g_signal_connect_object (dialog, "response", G_CALLBACK (halt_failure_response_cb), self, 0);
  self->halt_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->halt_dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
halt_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TwApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  GPtrArray *all;
  guint n_failed;

  results = tw_session_halt_all_finish (TW_SESSION (object), result, &error);
  if ((TwSession *) object == self->session)
    stop_progress (self);
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

  /* A Retry's results are merged into the last Halt All's: the whole is shown. */
  all = tw_session_get_last_halt (TW_SESSION (object));
  if (all == NULL)
    all = results;
  n_failed = tw_session_count_halt_failures (all);

  if (!window_shown (self))
    {
      notify_results (self, all, n_failed, NULL);
      _tw_application_emit_halt_finished (self, results);
      return;
    }

  {
    g_autofree char *title = tw_session_summarize_halt (all);
    AdwToast *toast = ensure_halt_toast (self);

    adw_toast_set_title (toast, title);
    adw_toast_set_button_label (toast, _("_Details"));
    /* A failure stays until the operator dismisses it. */
    if (n_failed == 0)
      self->halt_toast_timeout = g_timeout_add_seconds (8, halt_toast_timeout_cb, self);
  }

  if (n_failed > 0)
    show_failures (self, all, n_failed);
  else if (self->halt_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->halt_dialog));

  _tw_application_emit_halt_finished (self, results);
}

void
_tw_application_halt (TwApplication *self)
{
  /* One at a time: a second click while halting does nothing more. */
  if (self->session == NULL || tw_session_get_action_runner (self->session) == NULL
      || tw_session_is_halting (self->session))
    return;
  start_progress (self);
  tw_session_halt_all_async (self->session, NULL, NULL, halt_done_cb, g_object_ref (self));
}
