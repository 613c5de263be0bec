/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-application.h"
#include "tw-application-private.h"
#include "tw-heap.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>

#include "tw-close-ask.h"
#include "tw-demo.h"
#include "tw-ui-util.h"

#define DEFAULT_POLL_INTERVAL_S 5
/* How long quitting waits for the session's close (guarded actions time out sooner). */
#define SHUTDOWN_WAIT_S 15

enum {
  HALT_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TwApplication, tw_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Start the simulated trading services and open a demo profile"), NULL },
  { "profile", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Open the profile NAME"), N_("NAME") },
  { NULL }
};

TwSecrets *
_tw_application_get_keyring (TwApplication *self)
{
  if (self->keyring == NULL)
    self->keyring = tw_secrets_new_keyring ();
  return self->keyring;
}

void
_tw_application_show_error (TwApplication *self,
                            const char    *heading,
                            const char    *message)
{
  TwWindow *window = tw_application_get_window (self);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (window), heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_tw_application_toast (TwApplication *self,
                       const char    *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 5);
  tw_window_add_toast (tw_application_get_window (self), toast);
}

static guint
poll_interval_ms (TwApplication *self)
{
  guint seconds = DEFAULT_POLL_INTERVAL_S;

  if (self->settings != NULL)
    seconds = g_settings_get_uint (self->settings, "poll-interval");
  return MAX (1, seconds) * 1000;
}

static guint
rate_limit_s (TwApplication *self)
{
  if (self->settings != NULL)
    return g_settings_get_uint (self->settings, "notification-rate-limit");
  return 300;
}

static guint
unreachable_after_s (TwApplication *self)
{
  if (self->settings != NULL)
    return g_settings_get_uint (self->settings, "unreachable-alert-after");
  return 60;
}

static guint
stuck_threshold_s (TwApplication *self)
{
  if (self->settings != NULL)
    return MAX (1, g_settings_get_uint (self->settings, "stuck-order-minutes")) * 60;
  return TW_ORDER_DEFAULT_STUCK_THRESHOLD;
}

/* The settings the session takes, now and on every change. */
static void
settings_changed_cb (TwApplication *self)
{
  if (self->session == NULL)
    return;
  tw_session_set_poll_interval (self->session, poll_interval_ms (self));
  tw_session_set_notification_rate_limit (self->session, rate_limit_s (self));
  tw_session_set_stuck_threshold (self->session, stuck_threshold_s (self));
  if (tw_session_get_alert_engine (self->session) != NULL)
    tw_alert_engine_set_unreachable_after (tw_session_get_alert_engine (self->session),
                                           unreachable_after_s (self));
}

void
_tw_application_refresh_profile_names (TwApplication *self)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) profiles = tw_profile_list_all (&problems);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;

  for (guint i = 0; profiles != NULL && i < profiles->len; i++)
    g_strv_builder_add (builder, tw_profile_get_name (g_ptr_array_index (profiles, i)));
  names = g_strv_builder_end (builder);
  tw_window_set_profile_names (tw_application_get_window (self), (const char * const *) names);

  for (guint i = 0; problems != NULL && i < problems->len; i++)
    _tw_application_toast (self, g_ptr_array_index (problems, i));
}

static void
backup_alert_cb (TwBackupScheduler *scheduler,
                 const char        *key,
                 const char        *severity,
                 const char        *title,
                 const char        *body,
                 TwApplication     *self)
{
  g_autoptr(TwAlert) alert = NULL;
  g_autoptr(GError) error = NULL;

  /* With an alert engine the session raises it there (the Alerts page, storms). */
  if (self->session != NULL && tw_session_get_alert_engine (self->session) != NULL)
    return;
  alert = tw_backup_scheduler_make_alert (key, severity, title, body);
  if (self->notifier == NULL || !tw_notifier_show (self->notifier, alert, &error))
    {
      g_autofree char *message = g_strdup_printf ("%s: %s", title, body);

      if (error != NULL)
        g_debug ("Backup alert not shown as a notification: %s", error->message);
      _tw_application_toast (self, message);
    }
}

/* The simulator of a demo whose session is closing: stopped once nothing of the demo's
 * can still reach it. */
static void
session_closed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TwSimThread *sim = user_data;
  g_autoptr(GError) error = NULL;

  if (!tw_session_close_finish (TW_SESSION (object), result, &error))
    g_warning ("Closing profile “%s”: %s", tw_profile_get_name (tw_session_get_profile (TW_SESSION (object))),
               error->message);
  g_clear_pointer (&sim, tw_sim_thread_stop);
}

static gboolean
hand_window_session_cb (gpointer user_data)
{
  TwApplication *self = user_data;

  self->window_session_id = 0;
  if (self->window != NULL)
    tw_window_set_session (self->window, self->session);
  return G_SOURCE_REMOVE;
}

/* @keep_sim: the next profile is the demo's too. */
static void
close_session (TwApplication *self,
               gboolean       keep_sim)
{
  g_autoptr(TwSession) session = g_steal_pointer (&self->session);
  TwSimThread *sim = keep_sim ? NULL : g_steal_pointer (&self->sim);

  g_clear_handle_id (&self->window_session_id, g_source_remove);
  if (self->window != NULL)
    tw_window_set_session (self->window, NULL);
  if (self->notifier != NULL)
    tw_notifier_set_engine (self->notifier, NULL);
  if (self->notifier != NULL)
    tw_notifier_set_alerts (self->notifier, NULL);
  if (session != NULL)
    {
      g_signal_handlers_disconnect_by_data (session, self);
      g_signal_handlers_disconnect_by_data (tw_session_get_backup_scheduler (session), self);
      _tw_application_unwatch_keys (self, session);
      tw_session_close_async (session, NULL, session_closed_cb, sim);
    }
  else
    g_clear_pointer (&sim, tw_sim_thread_stop);
  _tw_application_update_actions (self);
}

void
tw_application_close_profile (TwApplication *self)
{
  g_return_if_fail (TW_IS_APPLICATION (self));

  close_session (self, FALSE);
}

static void
halting_changed_cb (TwApplication *self)
{
  _tw_application_update_actions (self);
}

void
_tw_application_open_profile (TwApplication *self,
                              TwProfile     *profile,
                              TwSecrets     *secrets,
                              gboolean       demo)
{
  const GError *audit_error;

  self->opened_once = TRUE;
  /* The session's objects and the window's next whole frame, on pages a worker makes
   * resident meanwhile (tw-heap.c). */
  tw_heap_warm (TW_HEAP_OPENING_RESERVE);
  close_session (self, demo);

  self->session = tw_session_new (profile, self->registry, self->http, secrets, demo);
  settings_changed_cb (self);
  audit_error = tw_session_get_audit_log_error (self->session);
  if (audit_error != NULL)
    {
      /* Without an audit log no guarded action may run: said so. */
      g_autofree char *message = g_strdup_printf (_("Guarded actions are disabled: %s"), audit_error->message);

      _tw_application_toast (self, message);
    }
  if (self->notifier != NULL)
    tw_notifier_set_engine (self->notifier, tw_session_get_alert_engine (self->session));
  if (self->notifier != NULL)
    tw_notifier_set_alerts (self->notifier, tw_session_get_alerts_service (self->session));
  g_signal_connect_object (tw_session_get_backup_scheduler (self->session), "alert",
                           G_CALLBACK (backup_alert_cb), self, 0);
  _tw_application_watch_keys (self, self->session);
  g_signal_connect_object (self->session, "notify::halting", G_CALLBACK (halting_changed_cb),
                           self, G_CONNECT_SWAPPED);

  /* The window starts the session after its first frame. Nor the demo's window size.
   * A window already there gets the session in a main-loop round of its own, before
   * the next frame (above drawing): this call is the opening's longest round already.
   * Whoever asks for the window first gets it with the session (tw_application_get_window). */
  if (self->window != NULL)
    self->window_session_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, hand_window_session_cb,
                                               self, NULL);
  else
    tw_application_get_window (self);
  tw_window_set_saves_state (self->window, !demo);
  /* Memory secrets (the demo, tests) mean a throw-away profile: never remembered. */
  if (tw_session_is_saved (self->session) && self->settings != NULL)
    g_settings_set_string (self->settings, "last-profile", tw_profile_get_name (profile));
  _tw_application_update_actions (self);
}

void
tw_application_open_profile (TwApplication *self,
                             TwProfile     *profile,
                             TwSecrets     *secrets)
{
  g_return_if_fail (TW_IS_APPLICATION (self));
  g_return_if_fail (TW_IS_PROFILE (profile));
  g_return_if_fail (TW_IS_SECRETS (secrets));

  _tw_application_open_profile (self, profile, secrets, tw_secrets_is_memory (secrets) && self->sim != NULL);
}

gboolean
tw_application_open_profile_by_name (TwApplication  *self,
                                     const char     *name,
                                     GError        **error)
{
  g_autoptr(TwProfile) profile = NULL;

  g_return_val_if_fail (TW_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  self->opened_once = TRUE;
  /* The name may come from D-Bus or the command line: checked, then NAME.conf only. */
  profile = tw_profile_load_by_name (name, error);
  if (profile == NULL)
    return FALSE;
  _tw_application_open_profile (self, profile, _tw_application_get_keyring (self), FALSE);
  return TRUE;
}

gboolean
tw_application_start_demo (TwApplication  *self,
                           GError        **error)
{
  static const char * const flavors[] = TW_SIM_FLAVORS;
  g_autoptr(TwSecrets) secrets = NULL;
  g_autoptr(TwProfile) profile = NULL;

  g_return_val_if_fail (TW_IS_APPLICATION (self), FALSE);

  self->opened_once = TRUE;
  if (self->sim == NULL)
    {
      self->sim = tw_sim_thread_start (0, error);
      if (self->sim == NULL)
        return FALSE;
      /* For scripts: where each simulated service listens. */
      for (guint i = 0; flavors[i] != NULL; i++)
        printf ("%s=%s\n", flavors[i], tw_sim_thread_get_url (self->sim, flavors[i]));
      fflush (stdout);
    }

  secrets = tw_secrets_new_memory ();
  profile = tw_demo_profile_new (self->sim, secrets, error);
  if (profile == NULL)
    return FALSE;
  _tw_application_open_profile (self, profile, secrets, TRUE);
  return TRUE;
}

gboolean
tw_application_is_demo (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), FALSE);

  return self->session != NULL && tw_session_is_demo (self->session);
}

static gboolean
window_close_request_cb (TwApplication *self)
{
  gboolean background;

  /* The first close with a profile open: ask whether to keep watching. */
  if (self->session != NULL && self->settings != NULL && self->window != NULL && !self->quitting
      && tw_close_ask_needed (self->settings))
    {
      tw_close_ask_present (GTK_WINDOW (self->window), self->settings);
      return TRUE;
    }
  background = self->settings != NULL && g_settings_get_boolean (self->settings, "run-in-background");

  /* Alerts keep coming with the window closed: hold the app, the pollers run on. */
  if (background && self->session != NULL && !self->held)
    {
      self->held = TRUE;
      g_application_hold (G_APPLICATION (self));
    }
  return FALSE;
}

/* A window on screen without a profile: the operator is about to pick one. The audit
 * log's file is made ready meanwhile (created, in WAL mode, its schema), in a thread: a
 * new log's first write waits for the disk (3-30 ms), which the call that opens the
 * profile would otherwise block the main loop for. Its key and head are the opening's
 * to read: a throw-away store here, so that nothing asks the keyring before a profile is
 * picked. A failure is left to the opening to report. Never for the demo, which touches
 * nothing of the user's; nothing holds the application. */
static void
prepare_audit_log_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  g_autoptr(TwSecrets) none = tw_secrets_new_memory ();
  g_autoptr(TwAuditLog) log = tw_audit_log_open_with_secrets (NULL, none, NULL);

  g_task_return_boolean (task, log != NULL);
}

static void
window_first_frame_cb (TwApplication *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->session != NULL || self->sim != NULL || tw_application_is_demo (self))
    return;
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, window_first_frame_cb);
  g_task_run_in_thread (task, prepare_audit_log_thread);
}

TwWindow *
tw_application_get_window (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  if (self->window_session_id != 0)
    {
      g_source_remove (self->window_session_id);
      hand_window_session_cb (self);
    }
  if (self->window == NULL)
    {
      self->window = tw_window_new (GTK_APPLICATION (self));
      g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      g_signal_connect_object (self->window, "close-request", G_CALLBACK (window_close_request_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->window, "first-frame", G_CALLBACK (window_first_frame_cb),
                               self, G_CONNECT_SWAPPED);
      tw_window_set_saves_state (self->window, !tw_application_is_demo (self));
      /* A window again: the app no longer needs holding for the background. */
      if (self->held)
        {
          self->held = FALSE;
          g_application_release (G_APPLICATION (self));
        }
      tw_window_set_session (self->window, self->session);
      _tw_application_refresh_profile_names (self);
    }
  return self->window;
}

/* GApplication */

static gboolean
quit_signal_cb (gpointer user_data)
{
  TwApplication *self = user_data;

  g_debug ("Quitting on a signal");
  g_action_group_activate_action (G_ACTION_GROUP (self), "quit", NULL);
  return G_SOURCE_CONTINUE;
}

static void
tw_application_startup (GApplication *application)
{
  TwApplication *self = TW_APPLICATION (application);

  G_APPLICATION_CLASS (tw_application_parent_class)->startup (application);
  tw_heap_init ();
  tw_ui_fix_accessible_labels ();
  /* A banner's selectable text (a failed halt's reasons, kept copyable) is often the
   * first focusable widget of its page: focused, GTK would show it all selected. */
  g_object_set (gtk_settings_get_default (), "gtk-label-select-on-focus", FALSE, NULL);

  self->http = tw_http_new ();
  self->registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (self->registry);
  self->settings = tw_ui_settings_new ();
  if (self->settings != NULL)
    {
      g_signal_connect_object (self->settings, "changed::poll-interval",
                               G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->settings, "changed::notification-rate-limit",
                               G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->settings, "changed::stuck-order-minutes",
                               G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->settings, "changed::unreachable-alert-after",
                               G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
    }

  _tw_application_add_actions (self);
  /* kill, Ctrl+C in the terminal, a session ending: quit as app.quit does. */
  self->quit_sources[0] = g_unix_signal_add (SIGTERM, quit_signal_cb, self);
  self->quit_sources[1] = g_unix_signal_add (SIGINT, quit_signal_cb, self);

  self->notifier = tw_notifier_new (G_ACTION_GROUP (self));
  _tw_application_update_actions (self);
}

static void
tw_application_activate (GApplication *application)
{
  TwApplication *self = TW_APPLICATION (application);
  TwWindow *window = tw_application_get_window (self);
  GPtrArray *problems = tw_connector_registry_get_problems (self->registry);

  if (!self->opened_once)
    {
      g_autofree char *last = NULL;

      self->opened_once = TRUE;
      if (self->settings != NULL)
        last = g_settings_get_string (self->settings, "last-profile");
      if (last != NULL && *last != '\0')
        {
          g_autoptr(GError) error = NULL;

          if (!tw_application_open_profile_by_name (self, last, &error))
            _tw_application_toast (self, error->message);
        }
    }

  for (guint i = 0; problems != NULL && i < problems->len; i++)
    _tw_application_toast (self, g_ptr_array_index (problems, i));

  gtk_window_present (GTK_WINDOW (window));
}

static int
tw_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  g_autoptr(GError) error = NULL;
  const char *profile = NULL;
  gboolean demo = g_variant_dict_contains (options, "demo");

  g_variant_dict_lookup (options, "profile", "&s", &profile);
  if (!demo && profile == NULL)
    return -1;

  /* Through the actions, so a second `tradewarden --demo` reaches the running console. */
  if (!g_application_register (application, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (demo)
    g_action_group_activate_action (G_ACTION_GROUP (application), "demo", NULL);
  else
    g_action_group_activate_action (G_ACTION_GROUP (application), "open-profile",
                                    g_variant_new_string (profile));
  return -1;
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Quitting waits (a while) for what the session must finish: the outcome rows of the
 * guarded actions in flight, the backups being written. */
static void
close_session_and_wait (TwApplication *self)
{
  g_autoptr(TwSession) session = self->session != NULL ? g_object_ref (self->session) : NULL;
  gint64 deadline = g_get_monotonic_time () + SHUTDOWN_WAIT_S * G_USEC_PER_SEC;
  guint wake;

  close_session (self, FALSE);
  if (session == NULL)
    return;
  wake = g_timeout_add (100, wake_cb, NULL);
  while (!tw_session_is_closed (session) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  if (!tw_session_is_closed (session))
    g_warning ("Quitting before profile “%s” closed", tw_profile_get_name (tw_session_get_profile (session)));
}

static void
tw_application_shutdown (GApplication *application)
{
  TwApplication *self = TW_APPLICATION (application);

  g_cancellable_cancel (self->cancellable);
  for (guint i = 0; i < G_N_ELEMENTS (self->quit_sources); i++)
    g_clear_handle_id (&self->quit_sources[i], g_source_remove);
  close_session_and_wait (self);
  g_clear_object (&self->notifier);

  G_APPLICATION_CLASS (tw_application_parent_class)->shutdown (application);
}

static void
tw_application_dispose (GObject *object)
{
  TwApplication *self = TW_APPLICATION (object);

  /* Disposing the session stops it at once. */
  g_clear_handle_id (&self->window_session_id, g_source_remove);
  g_clear_object (&self->session);
  g_clear_handle_id (&self->halt_toast_timeout, g_source_remove);
  g_clear_object (&self->halt_toast);
  g_clear_pointer (&self->halt_progress, g_ptr_array_unref);
  g_clear_pointer (&self->sim, tw_sim_thread_stop);
  g_clear_object (&self->notifier);
  for (guint i = 0; i < G_N_ELEMENTS (self->quit_sources); i++)
    g_clear_handle_id (&self->quit_sources[i], g_source_remove);
  g_clear_object (&self->keyring);
  g_clear_object (&self->registry);
  g_clear_object (&self->http);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (tw_application_parent_class)->dispose (object);
}

static void
tw_application_class_init (TwApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = tw_application_dispose;
  app_class->startup = tw_application_startup;
  app_class->activate = tw_application_activate;
  app_class->handle_local_options = tw_application_handle_local_options;
  app_class->shutdown = tw_application_shutdown;

  /**
   * TwApplication::halt-finished:
   * @results: (element-type TwActionResult): each service's result
   *
   * app.halt has an answer from every service.
   */
  signals[HALT_FINISHED] =
    g_signal_new ("halt-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
}

static void
tw_application_init (TwApplication *self)
{
  self->cancellable = g_cancellable_new ();
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
}

void
_tw_application_emit_halt_finished (TwApplication *self,
                                    GPtrArray     *results)
{
  g_signal_emit (self, signals[HALT_FINISHED], 0, results);
}

TwApplication *
tw_application_new (void)
{
  return g_object_new (TW_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/tradewarden/TradeWarden",
                       NULL);
}

TwHttp *
tw_application_get_http (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  return self->http;
}

TwConnectorRegistry *
tw_application_get_registry (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  return self->registry;
}

TwSession *
tw_application_get_session (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  return self->session;
}

TwWorkspace *
tw_application_get_workspace (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  return self->session != NULL ? tw_session_get_workspace (self->session) : NULL;
}

TwAuditLog *
tw_application_get_audit_log (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  return self->session != NULL ? tw_session_get_audit_log (self->session) : NULL;
}

TwRiskMonitor *
tw_application_get_risk_monitor (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  return self->session != NULL ? tw_session_get_risk_monitor (self->session) : NULL;
}

TwActionRunner *
tw_application_get_action_runner (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  return self->session != NULL ? tw_session_get_action_runner (self->session) : NULL;
}

TwAlertEngine *
tw_application_get_alert_engine (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  return self->session != NULL ? tw_session_get_alert_engine (self->session) : NULL;
}

TwNotifier *
tw_application_get_notifier (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  return self->notifier;
}

const char *
tw_application_get_halt_progress (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  /* While halting only: afterwards the same toast shows the result. */
  if (self->halt_progress == NULL || self->halt_toast == NULL)
    return NULL;
  return adw_toast_get_title (self->halt_toast);
}

GtkWidget *
tw_application_get_halt_dialog (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  return self->halt_dialog;
}

GPtrArray *
tw_application_get_last_halt (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  return self->session != NULL ? tw_session_get_last_halt (self->session) : NULL;
}

TwBreakersPage *
tw_application_get_breakers_page (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  return TW_BREAKERS_PAGE (tw_window_get_page (tw_application_get_window (self), "breakers"));
}

TwAuditPage *
tw_application_get_audit_page (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  return TW_AUDIT_PAGE (tw_window_get_page (tw_application_get_window (self), "audit"));
}

gboolean
tw_application_get_held (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), FALSE);

  return self->held;
}
