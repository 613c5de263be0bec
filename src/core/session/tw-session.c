/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-session.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>

#include "tw-session-private.h"

#define DEFAULT_POLL_INTERVAL_MS 5000
#define DEFAULT_RATE_LIMIT_S     300

G_DEFINE_FINAL_TYPE (TwSession, tw_session, G_TYPE_OBJECT)

static GParamSpec *properties[SESSION_N_PROPS];

void
_tw_session_notify (TwSession         *self,
                    TwSessionProperty  property)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[property]);
}

/* The demo touches nothing of the user's: its audit log is a throw-away file, removed
 * with its directory when the session closes. */

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      /* SQLite may remove its -wal file itself as the log closes: gone is removed. */
      else if (g_unlink (child) != 0 && errno != ENOENT)
        g_warning ("Could not remove the demo's %s: %s", child, g_strerror (errno));
    }
  if (g_rmdir (path) != 0 && errno != ENOENT)
    g_warning ("Could not remove the demo's %s: %s", path, g_strerror (errno));
}

/* The audit log opens in a thread of its own while the session builds its services:
 * a new log's first write waits for the disk (3-30 ms), and the call that opens a
 * profile blocks the main loop for the longer of the two, not for both. The thread
 * touches only this job (and the secrets, which lock). */
typedef struct
{
  TwSecrets  *secrets;
  gboolean    demo;
  char       *demo_dir;   /* out */
  TwAuditLog *log;        /* out */
  GError     *error;      /* out */
} AuditOpen;

static gpointer
open_audit_log (gpointer data)
{
  AuditOpen *job = data;
  g_autofree char *path = NULL;

  if (job->demo)
    {
      job->demo_dir = g_dir_make_tmp ("tradewarden-demo-audit-XXXXXX", &job->error);
      if (job->demo_dir == NULL)
        return NULL;
      path = g_build_filename (job->demo_dir, "audit.db", NULL);
      /* The demo's throw-away log keeps its key and head with the demo's keys, in
       * memory: nothing of it is left in the keyring. */
      job->log = tw_audit_log_open_with_secrets (path, job->secrets, &job->error);
      return NULL;
    }
  job->log = tw_audit_log_open (path, &job->error);
  return NULL;
}

/* A Halt All that did not halt everything is a critical alert too, as a notification
 * reaches an operator away from the window; one that did clears it. */
static void
halt_failure_changed_cb (TwSession *self)
{
  if (self->alerts != NULL)
    tw_alert_engine_raise_halt_failure (self->alerts, self->halt_failure);
}

/* The backup scheduler's alerts (a failed or stale backup) are the console's own: through
 * the engine they reach the Alerts page and the storm count like every other. */
static void
backup_alert_cb (TwBackupScheduler *scheduler,
                 const char        *key,
                 const char        *severity,
                 const char        *title,
                 const char        *body,
                 TwSession         *self)
{
  g_autoptr(TwAlert) alert = tw_backup_scheduler_make_alert (key, severity, title, body);

  if (self->alerts != NULL)
    tw_alert_engine_raise_alert (self->alerts, alert);
}

/* Build: every service of the profile, none started. */
static void
build_services (TwSession *self)
{
  AuditOpen job = { self->secrets, self->demo, NULL, NULL, NULL };
  GThread *thread;

  /* The demo's actions are real actions on the simulator, audited too. Without a
   * thread, here and now. */
  thread = g_thread_try_new ("tw-audit-open", open_audit_log, &job, NULL);
  if (thread == NULL)
    open_audit_log (&job);

  self->workspace = tw_workspace_new (self->profile, self->registry, self->http, self->secrets);
  tw_workspace_set_poll_interval (self->workspace, self->poll_interval_ms);
  self->monitor = tw_risk_monitor_new (self->workspace);

  /* What follows needs to know whether there is a log. */
  if (thread != NULL)
    g_thread_join (thread);
  self->demo_dir = job.demo_dir;
  self->audit_log = job.log;
  if (self->audit_log == NULL)
    {
      g_warning ("Guarded actions are disabled: %s", job.error->message);
      self->audit_log_error = g_steal_pointer (&job.error);
    }
  g_clear_error (&job.error);
  /* Without an audit log no guarded action may run: no runner, and no alert engine (its
   * rules need the runner to tell our own halts from someone else's). */
  if (self->audit_log != NULL)
    {
      self->runner = tw_action_runner_new (self->workspace, self->audit_log);
      self->alerts = tw_alert_engine_new (self->workspace, self->monitor, self->runner);
      tw_alert_engine_set_rate_limit (self->alerts, self->rate_limit_s);
      g_signal_connect (self, "notify::halt-failure", G_CALLBACK (halt_failure_changed_cb), NULL);
    }

  self->backups = tw_backup_manager_new (self->audit_log, tw_profile_get_name (self->profile),
                                         tw_profile_get_mode (self->profile));
  self->scheduler = tw_backup_scheduler_new (self->backups, self->profile);
  if (self->alerts != NULL)
    g_signal_connect (self->scheduler, "alert", G_CALLBACK (backup_alert_cb), self);

  /* The Alerts page's alerts: the engine's and the profile's Alertmanagers'. */
  self->alerts_service = tw_alerts_service_new (self->profile, self->workspace, self->secrets,
                                                self->alerts, self->audit_log);
  tw_alerts_service_set_rate_limit (self->alerts_service, self->rate_limit_s);
  tw_alerts_service_set_poll_interval (self->alerts_service, self->poll_interval_ms);
  /* Acknowledgements survive a restart (not the demo's: a throw-away profile). */
  if (!self->demo)
    {
      g_autofree char *acks_path = tw_alerts_service_default_state_path (tw_profile_get_name (self->profile));

      tw_alerts_service_set_state_path (self->alerts_service, acks_path);
    }

  self->portfolio = tw_portfolio_new (self->workspace);
  tw_portfolio_set_stuck_threshold (self->portfolio, self->stuck_threshold_s);
  /* Positions and orders at the poll interval while a page shows them (it holds the
   * portfolio's view); otherwise every 30 s. */
  tw_portfolio_set_background_interval (self->portfolio, TW_PORTFOLIO_BACKGROUND_INTERVAL_MS);
  _tw_session_build_details (self);

  /* Feature flags: read without an audit log, changed only with one. */
  self->flags = tw_flags_new (self->workspace, self->audit_log);
  tw_flags_set_poll_interval (self->flags, self->poll_interval_ms);
  tw_flags_set_alert_engine (self->flags, self->alerts);

  _tw_session_build_keys (self);

  self->logs = tw_logs_new (self->profile);
  /* Loki sources' tokens */
  if (self->secrets != NULL)
    tw_logs_set_secrets (self->logs, self->secrets, tw_profile_get_name (self->profile));
  if (self->alerts != NULL)
    tw_logs_set_alert_engine (self->logs, self->alerts);
}

/* Stop: the reverse of start, then no more request from the runner. */
static void
stop_services (TwSession *self)
{
  _tw_session_stop_details (self);
  if (self->flags != NULL)
    tw_flags_close (self->flags);
  if (self->scheduler != NULL)
    tw_backup_scheduler_stop (self->scheduler);
  if (self->logs != NULL)
    tw_logs_stop (self->logs);
  if (self->portfolio != NULL)
    tw_portfolio_stop (self->portfolio);
  if (self->alerts_service != NULL)
    tw_alerts_service_stop (self->alerts_service);
  if (self->monitor != NULL)
    tw_risk_monitor_stop (self->monitor);
  if (self->workspace != NULL)
    tw_workspace_stop (self->workspace);
  _tw_session_cancel_halt (self);
  if (self->runner != NULL)
    tw_action_runner_close (self->runner);
}

/* Release: the session lets go, last built first. */
static void
release_services (TwSession *self)
{
  _tw_session_release_details (self);
  g_clear_object (&self->flags);
  g_clear_object (&self->keys);
  g_clear_object (&self->logs);
  g_clear_object (&self->portfolio);
  g_clear_object (&self->alerts_service);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->backups);
  g_clear_object (&self->alerts);
  g_clear_object (&self->runner);
  g_clear_object (&self->monitor);
  g_clear_object (&self->workspace);
  g_clear_object (&self->audit_log);
  if (self->demo_dir != NULL)
    {
      remove_tree (self->demo_dir);
      g_clear_pointer (&self->demo_dir, g_free);
    }
}

/* Close */

static gboolean
must_wait (TwSession *self)
{
  return (self->runner != NULL && tw_action_runner_get_n_in_flight (self->runner) > 0)
         || (self->scheduler != NULL && !tw_backup_scheduler_is_idle (self->scheduler))
         || (self->flags != NULL && tw_flags_get_n_in_flight (self->flags) > 0);
}

static void
finish_close (TwSession *self)
{
  g_autoptr(GPtrArray) tasks = NULL;

  if (self->closed || must_wait (self))
    return;

  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  if (self->flags != NULL)
    g_signal_handlers_disconnect_by_data (self->flags, self);
  release_services (self);
  self->closed = TRUE;
  g_debug ("Profile “%s” closed", tw_profile_get_name (self->profile));
  _tw_session_notify (self, SESSION_PROP_CLOSED);

  tasks = g_steal_pointer (&self->close_tasks);
  self->close_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < tasks->len; i++)
    g_task_return_boolean (g_ptr_array_index (tasks, i), TRUE);
}

/* Checked in an idle: the last action's or backup's own callback is over by then, and
 * with it its hold on the services. */
static gboolean
finish_close_idle_cb (gpointer user_data)
{
  finish_close (TW_SESSION (user_data));
  return G_SOURCE_REMOVE;
}

static void
work_changed_cb (TwSession *self)
{
  if (!must_wait (self))
    g_idle_add_full (G_PRIORITY_DEFAULT, finish_close_idle_cb, g_object_ref (self), g_object_unref);
}

void
tw_session_close_async (TwSession           *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  gboolean first;

  g_return_if_fail (TW_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_session_close_async);
  if (self->closed)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  first = self->close_tasks == NULL;
  if (first)
    self->close_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->close_tasks, g_steal_pointer (&task));
  if (!first)
    return;

  g_debug ("Closing profile “%s”", tw_profile_get_name (self->profile));
  stop_services (self);
  if (self->runner != NULL)
    g_signal_connect_object (self->runner, "in-flight-changed", G_CALLBACK (work_changed_cb),
                             self, G_CONNECT_SWAPPED);
  if (self->scheduler != NULL)
    g_signal_connect_object (self->scheduler, "notify::idle", G_CALLBACK (work_changed_cb),
                             self, G_CONNECT_SWAPPED);
  if (self->flags != NULL)
    g_signal_connect_object (self->flags, "in-flight-changed", G_CALLBACK (work_changed_cb),
                             self, G_CONNECT_SWAPPED);
  work_changed_cb (self);
}

gboolean
tw_session_close_finish (TwSession     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (TW_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tw_session_close_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
tw_session_is_closing (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), FALSE);

  return self->close_tasks != NULL;
}

gboolean
tw_session_is_closed (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), FALSE);

  return self->closed;
}

void
tw_session_start (TwSession *self)
{
  g_return_if_fail (TW_IS_SESSION (self));

  if (self->started || self->close_tasks != NULL)
    return;
  self->started = TRUE;
  g_debug ("Starting profile “%s”", tw_profile_get_name (self->profile));

  tw_workspace_start (self->workspace);
  tw_risk_monitor_start (self->monitor);
  tw_backup_scheduler_start (self->scheduler);
  tw_portfolio_start (self->portfolio);
  _tw_session_start_details (self);
  tw_flags_start (self->flags);
  tw_alerts_service_start (self->alerts_service);
  tw_keys_start (self->keys);
  tw_logs_start (self->logs);
  _tw_session_notify (self, SESSION_PROP_STARTED);
}

gboolean
tw_session_is_started (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), FALSE);

  return self->started;
}

/* GObject */

static void
tw_session_constructed (GObject *object)
{
  TwSession *self = TW_SESSION (object);

  G_OBJECT_CLASS (tw_session_parent_class)->constructed (object);

  g_assert (self->profile != NULL && self->registry != NULL && self->http != NULL
            && self->secrets != NULL);
  build_services (self);
}

static void
tw_session_dispose (GObject *object)
{
  TwSession *self = TW_SESSION (object);

  /* Never closed (or still waiting): stopped now, nothing more sent. */
  if (!self->closed)
    {
      stop_services (self);
      if (self->runner != NULL)
        g_signal_handlers_disconnect_by_data (self->runner, self);
      if (self->scheduler != NULL)
        g_signal_handlers_disconnect_by_data (self->scheduler, self);
      release_services (self);
    }
  _tw_session_clear_halt (self);
  g_clear_pointer (&self->close_tasks, g_ptr_array_unref);

  G_OBJECT_CLASS (tw_session_parent_class)->dispose (object);
}

static void
tw_session_finalize (GObject *object)
{
  TwSession *self = TW_SESSION (object);

  g_clear_error (&self->audit_log_error);
  g_clear_object (&self->profile);
  g_clear_object (&self->registry);
  g_clear_object (&self->http);
  g_clear_object (&self->secrets);

  G_OBJECT_CLASS (tw_session_parent_class)->finalize (object);
}

static void
tw_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  TwSession *self = TW_SESSION (object);

  switch ((TwSessionProperty) prop_id)
    {
    case SESSION_PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;
    case SESSION_PROP_REGISTRY:
      g_value_set_object (value, self->registry);
      break;
    case SESSION_PROP_HTTP:
      g_value_set_object (value, self->http);
      break;
    case SESSION_PROP_SECRETS:
      g_value_set_object (value, self->secrets);
      break;
    case SESSION_PROP_DEMO:
      g_value_set_boolean (value, self->demo);
      break;
    case SESSION_PROP_POLL_INTERVAL:
      g_value_set_uint (value, self->poll_interval_ms);
      break;
    case SESSION_PROP_NOTIFICATION_RATE_LIMIT:
      g_value_set_uint (value, self->rate_limit_s);
      break;
    case SESSION_PROP_STUCK_THRESHOLD:
      g_value_set_uint (value, self->stuck_threshold_s);
      break;
    case SESSION_PROP_STARTED:
      g_value_set_boolean (value, self->started);
      break;
    case SESSION_PROP_CLOSED:
      g_value_set_boolean (value, self->closed);
      break;
    case SESSION_PROP_HALTING:
      g_value_set_boolean (value, self->halt_cancellable != NULL);
      break;
    case SESSION_PROP_HALT_FAILURE:
      g_value_set_string (value, self->halt_failure);
      break;
    case SESSION_PROP_0:
    case SESSION_N_PROPS:
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_session_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  TwSession *self = TW_SESSION (object);

  switch ((TwSessionProperty) prop_id)
    {
    case SESSION_PROP_PROFILE:
      self->profile = g_value_dup_object (value);
      break;
    case SESSION_PROP_REGISTRY:
      self->registry = g_value_dup_object (value);
      break;
    case SESSION_PROP_HTTP:
      self->http = g_value_dup_object (value);
      break;
    case SESSION_PROP_SECRETS:
      self->secrets = g_value_dup_object (value);
      break;
    case SESSION_PROP_DEMO:
      self->demo = g_value_get_boolean (value);
      break;
    case SESSION_PROP_POLL_INTERVAL:
      tw_session_set_poll_interval (self, g_value_get_uint (value));
      break;
    case SESSION_PROP_NOTIFICATION_RATE_LIMIT:
      tw_session_set_notification_rate_limit (self, g_value_get_uint (value));
      break;
    case SESSION_PROP_STUCK_THRESHOLD:
      tw_session_set_stuck_threshold (self, g_value_get_uint (value));
      break;
    case SESSION_PROP_0:
    case SESSION_PROP_STARTED:
    case SESSION_PROP_CLOSED:
    case SESSION_PROP_HALTING:
    case SESSION_PROP_HALT_FAILURE:
    case SESSION_N_PROPS:
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_session_class_init (TwSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  const GParamFlags setting = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags state = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = tw_session_constructed;
  object_class->dispose = tw_session_dispose;
  object_class->finalize = tw_session_finalize;
  object_class->get_property = tw_session_get_property;
  object_class->set_property = tw_session_set_property;

  properties[SESSION_PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, TW_TYPE_PROFILE, construct);
  properties[SESSION_PROP_REGISTRY] =
    g_param_spec_object ("registry", NULL, NULL, TW_TYPE_CONNECTOR_REGISTRY, construct);
  properties[SESSION_PROP_HTTP] =
    g_param_spec_object ("http", NULL, NULL, TW_TYPE_HTTP, construct);
  properties[SESSION_PROP_SECRETS] =
    g_param_spec_object ("secrets", NULL, NULL, TW_TYPE_SECRETS, construct);
  properties[SESSION_PROP_DEMO] =
    g_param_spec_boolean ("demo", NULL, NULL, FALSE, construct);
  properties[SESSION_PROP_POLL_INTERVAL] =
    g_param_spec_uint ("poll-interval", NULL, NULL, 1, G_MAXUINT, DEFAULT_POLL_INTERVAL_MS, setting);
  properties[SESSION_PROP_NOTIFICATION_RATE_LIMIT] =
    g_param_spec_uint ("notification-rate-limit", NULL, NULL, 0, G_MAXUINT, DEFAULT_RATE_LIMIT_S,
                       setting);
  properties[SESSION_PROP_STUCK_THRESHOLD] =
    g_param_spec_uint ("stuck-threshold", NULL, NULL, 1, G_MAXUINT,
                       TW_ORDER_DEFAULT_STUCK_THRESHOLD, setting);
  properties[SESSION_PROP_STARTED] =
    g_param_spec_boolean ("started", NULL, NULL, FALSE, state);
  properties[SESSION_PROP_CLOSED] =
    g_param_spec_boolean ("closed", NULL, NULL, FALSE, state);
  properties[SESSION_PROP_HALTING] =
    g_param_spec_boolean ("halting", NULL, NULL, FALSE, state);
  properties[SESSION_PROP_HALT_FAILURE] =
    g_param_spec_string ("halt-failure", NULL, NULL, NULL, state);
  g_object_class_install_properties (object_class, SESSION_N_PROPS, properties);
}

static void
tw_session_init (TwSession *self)
{
  self->poll_interval_ms = DEFAULT_POLL_INTERVAL_MS;
  self->rate_limit_s = DEFAULT_RATE_LIMIT_S;
  self->stuck_threshold_s = TW_ORDER_DEFAULT_STUCK_THRESHOLD;
}

TwSession *
tw_session_new (TwProfile           *profile,
                TwConnectorRegistry *registry,
                TwHttp              *http,
                TwSecrets           *secrets,
                gboolean             demo)
{
  g_return_val_if_fail (TW_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (TW_IS_CONNECTOR_REGISTRY (registry), NULL);
  g_return_val_if_fail (TW_IS_HTTP (http), NULL);
  g_return_val_if_fail (TW_IS_SECRETS (secrets), NULL);

  return g_object_new (TW_TYPE_SESSION,
                       "profile", profile,
                       "registry", registry,
                       "http", http,
                       "secrets", secrets,
                       "demo", demo,
                       NULL);
}

/* Getters */

TwProfile *
tw_session_get_profile (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), NULL);

  return self->profile;
}

TwConnectorRegistry *
tw_session_get_registry (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), NULL);

  return self->registry;
}

TwHttp *
tw_session_get_http (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), NULL);

  return self->http;
}

TwSecrets *
tw_session_get_secrets (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), NULL);

  return self->secrets;
}

gboolean
tw_session_is_demo (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), FALSE);

  return self->demo;
}

gboolean
tw_session_is_saved (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), FALSE);

  return !tw_secrets_is_memory (self->secrets);
}

TwWorkspace *
tw_session_get_workspace (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), NULL);

  return self->workspace;
}

TwAuditLog *
tw_session_get_audit_log (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), NULL);

  return self->audit_log;
}

const GError *
tw_session_get_audit_log_error (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), NULL);

  return self->audit_log_error;
}

TwRiskMonitor *
tw_session_get_risk_monitor (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), NULL);

  return self->monitor;
}

TwActionRunner *
tw_session_get_action_runner (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), NULL);

  return self->runner;
}

TwAlertEngine *
tw_session_get_alert_engine (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), NULL);

  return self->alerts;
}

TwAlertsService *
tw_session_get_alerts_service (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), NULL);

  return self->alerts_service;
}

TwBackupManager *
tw_session_get_backup_manager (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), NULL);

  return self->backups;
}

TwKeys *
tw_session_get_keys (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), NULL);

  return self->keys;
}

TwBackupScheduler *
tw_session_get_backup_scheduler (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), NULL);

  return self->scheduler;
}

TwFlags *
tw_session_get_flags (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), NULL);

  return self->flags;
}

TwLogs *
tw_session_get_logs (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), NULL);

  return self->logs;
}

TwPortfolio *
tw_session_get_portfolio (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), NULL);

  return self->portfolio;
}

/* Settings */

guint
tw_session_get_poll_interval (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), 0);

  return self->poll_interval_ms;
}

void
tw_session_set_poll_interval (TwSession *self,
                              guint      interval_ms)
{
  g_return_if_fail (TW_IS_SESSION (self));
  g_return_if_fail (interval_ms > 0);

  if (self->poll_interval_ms == interval_ms)
    return;
  self->poll_interval_ms = interval_ms;
  if (self->workspace != NULL)
    tw_workspace_set_poll_interval (self->workspace, interval_ms);
  if (self->flags != NULL)
    tw_flags_set_poll_interval (self->flags, interval_ms);
  if (self->alerts_service != NULL)
    tw_alerts_service_set_poll_interval (self->alerts_service, interval_ms);
  _tw_session_notify (self, SESSION_PROP_POLL_INTERVAL);
}

guint
tw_session_get_notification_rate_limit (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), 0);

  return self->rate_limit_s;
}

void
tw_session_set_notification_rate_limit (TwSession *self,
                                        guint      seconds)
{
  g_return_if_fail (TW_IS_SESSION (self));

  if (self->rate_limit_s == seconds)
    return;
  self->rate_limit_s = seconds;
  if (self->alerts != NULL)
    tw_alert_engine_set_rate_limit (self->alerts, seconds);
  if (self->alerts_service != NULL)
    tw_alerts_service_set_rate_limit (self->alerts_service, seconds);
  _tw_session_notify (self, SESSION_PROP_NOTIFICATION_RATE_LIMIT);
}

guint
tw_session_get_stuck_threshold (TwSession *self)
{
  g_return_val_if_fail (TW_IS_SESSION (self), 0);

  return self->stuck_threshold_s;
}

void
tw_session_set_stuck_threshold (TwSession *self,
                                guint      seconds)
{
  g_return_if_fail (TW_IS_SESSION (self));
  g_return_if_fail (seconds > 0);

  if (self->stuck_threshold_s == seconds)
    return;
  self->stuck_threshold_s = seconds;
  if (self->portfolio != NULL)
    tw_portfolio_set_stuck_threshold (self->portfolio, seconds);
  _tw_session_notify (self, SESSION_PROP_STUCK_THRESHOLD);
}
