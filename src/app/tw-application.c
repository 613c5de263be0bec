/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-application.h"
#include "tw-application-private.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>

#include "tw-demo.h"
#include "tw-ui-util.h"

#define DEFAULT_POLL_INTERVAL_S 5
/* How long a window on its way to the screen may hold the profile's pollers back. */
#define FIRST_FRAME_WAIT_MS 1000

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

static void
poll_interval_changed_cb (TwApplication *self)
{
  if (self->workspace != NULL)
    tw_workspace_set_poll_interval (self->workspace, poll_interval_ms (self));
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

static guint
rate_limit_s (TwApplication *self)
{
  if (self->settings != NULL)
    return g_settings_get_uint (self->settings, "notification-rate-limit");
  return 300;
}

static void
rate_limit_changed_cb (TwApplication *self)
{
  if (self->alerts != NULL)
    tw_alert_engine_set_rate_limit (self->alerts, rate_limit_s (self));
}

/* Positions and orders */

static guint
stuck_threshold_s (TwApplication *self)
{
  if (self->settings != NULL)
    return MAX (1, g_settings_get_uint (self->settings, "stuck-order-minutes")) * 60;
  return TW_ORDER_DEFAULT_STUCK_THRESHOLD;
}

static void
stuck_minutes_changed_cb (TwApplication *self)
{
  if (self->portfolio != NULL)
    tw_portfolio_set_stuck_threshold (self->portfolio, stuck_threshold_s (self));
}

static void
trading_open (TwApplication *self)
{
  self->portfolio = tw_portfolio_new (self->workspace);
  tw_portfolio_set_stuck_threshold (self->portfolio, stuck_threshold_s (self));
  /* Positions and orders at the poll interval while the Positions or Orders page shows
   * them; otherwise (another page, the window closed) every 30 s. */
  tw_portfolio_set_background_interval (self->portfolio, TW_PORTFOLIO_BACKGROUND_INTERVAL_MS);
  _tw_application_set_trading_page_contexts (self);
}

static void
trading_close (TwApplication *self)
{
  if (self->portfolio != NULL)
    tw_portfolio_stop (self->portfolio);
  g_clear_object (&self->portfolio);
  _tw_application_set_trading_page_contexts (self);
}

/* Backups */

static void
backup_alert_cb (TwBackupScheduler *scheduler,
                 const char        *key,
                 const char        *severity,
                 const char        *title,
                 const char        *body,
                 TwApplication     *self)
{
  g_autoptr(TwAlert) alert = tw_backup_scheduler_make_alert (key, severity, title, body);
  g_autoptr(GError) error = NULL;

  if (self->notifier == NULL || !tw_notifier_show (self->notifier, alert, &error))
    {
      g_autofree char *message = g_strdup_printf ("%s: %s", title, body);

      if (error != NULL)
        g_debug ("Backup alert not shown as a notification: %s", error->message);
      _tw_application_toast (self, message);
    }
}

static void
backups_open (TwApplication *self)
{
  TwProfile *profile = tw_workspace_get_profile (self->workspace);

  self->backups = tw_backup_manager_new (self->audit_log, tw_profile_get_name (profile),
                                         tw_profile_get_mode (profile));
  self->backup_scheduler = tw_backup_scheduler_new (self->backups, profile);
  g_signal_connect_object (self->backup_scheduler, "alert", G_CALLBACK (backup_alert_cb), self, 0);
  _tw_application_set_backups_page_context (self);
}

static void
backups_close (TwApplication *self)
{
  if (self->backup_scheduler != NULL)
    tw_backup_scheduler_stop (self->backup_scheduler);
  g_clear_object (&self->backup_scheduler);
  g_clear_object (&self->backups);
  _tw_application_set_backups_page_context (self);
}

/* The profile at work: its pollers (services, trading states, positions and orders) and its
 * backup scheduler start once the window shows its first frame, which then waits for none
 * of their answers; at once when the window is on screen already or none is coming. */

static void
start_profile (TwApplication *self)
{
  self->start_pending = FALSE;
  g_clear_handle_id (&self->start_idle_id, g_source_remove);
  g_clear_handle_id (&self->start_timeout_id, g_source_remove);
  if (self->workspace == NULL)
    return;

  tw_workspace_start (self->workspace);
  if (self->monitor != NULL)
    tw_risk_monitor_start (self->monitor);
  if (self->backup_scheduler != NULL)
    tw_backup_scheduler_start (self->backup_scheduler);
  if (self->portfolio != NULL)
    tw_portfolio_start (self->portfolio);
}

static gboolean
start_timeout_cb (gpointer user_data)
{
  TwApplication *self = user_data;

  self->start_timeout_id = 0;
  start_profile (self);
  return G_SOURCE_REMOVE;
}

static gboolean
start_idle_cb (gpointer user_data)
{
  TwApplication *self = user_data;

  self->start_idle_id = 0;
  /* A window on its way to the screen: after its first frame (window_first_frame_cb), or
   * after a while if it never paints. */
  if (self->window != NULL && gtk_widget_get_visible (GTK_WIDGET (self->window))
      && !tw_window_has_painted (self->window))
    {
      if (self->start_timeout_id == 0)
        self->start_timeout_id = g_timeout_add (FIRST_FRAME_WAIT_MS, start_timeout_cb, self);
      return G_SOURCE_REMOVE;
    }
  start_profile (self);
  return G_SOURCE_REMOVE;
}

/* The window is presented after the profile opens (demo, command line, tests): decide
 * once the caller is done, in an idle. */
static void
schedule_start (TwApplication *self)
{
  if (self->window != NULL && tw_window_has_painted (self->window))
    {
      start_profile (self);
      return;
    }
  self->start_pending = TRUE;
  if (self->start_idle_id == 0)
    self->start_idle_id = g_idle_add (start_idle_cb, self);
}

static void
cancel_start (TwApplication *self)
{
  self->start_pending = FALSE;
  g_clear_handle_id (&self->start_idle_id, g_source_remove);
  g_clear_handle_id (&self->start_timeout_id, g_source_remove);
}

static void
window_first_frame_cb (TwApplication *self)
{
  if (self->start_pending)
    start_profile (self);
}

static void
stop_sim (TwApplication *self)
{
  g_clear_pointer (&self->sim, tw_sim_thread_stop);
}

void
tw_application_close_profile (TwApplication *self)
{
  g_return_if_fail (TW_IS_APPLICATION (self));

  cancel_start (self);
  if (self->window != NULL)
    tw_window_set_workspace (self->window, NULL);
  _tw_application_set_page_contexts (self, FALSE);
  backups_close (self);
  trading_close (self);
  if (self->halt_cancellable != NULL)
    g_cancellable_cancel (self->halt_cancellable);
  /* The last Halt All was about this profile's services. */
  g_clear_pointer (&self->halt_failure, g_free);
  if (self->breakers_page != NULL)
    tw_breakers_page_set_halt_failure (self->breakers_page, NULL);
  if (self->notifier != NULL)
    tw_notifier_set_engine (self->notifier, NULL);
  g_clear_object (&self->alerts);
  if (self->monitor != NULL)
    tw_risk_monitor_stop (self->monitor);
  g_clear_object (&self->monitor);
  g_clear_object (&self->runner);
  if (self->workspace != NULL)
    tw_workspace_stop (self->workspace);
  g_clear_object (&self->workspace);
  g_clear_object (&self->secrets);
  /* The workspace is stopped first: no request is left for the simulator. */
  stop_sim (self);
  _tw_application_update_actions (self);
}

/* The demo touches nothing of the user's: its audit log is a throw-away file, removed
 * with its directory when the demo ends (another profile opens, or the app quits). */

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
      else if (g_unlink (child) != 0)
        g_warning ("Could not remove the demo's %s: %s", child, g_strerror (errno));
    }
  if (g_rmdir (path) != 0 && errno != ENOENT)
    g_warning ("Could not remove the demo's %s: %s", path, g_strerror (errno));
}

static void
close_audit_log (TwApplication *self)
{
  /* Whoever still holds it (the Audit page) gets the next one with the next profile. */
  g_clear_object (&self->audit_log);
  self->audit_log_is_demo = FALSE;
  if (self->demo_dir != NULL)
    {
      remove_tree (self->demo_dir);
      g_clear_pointer (&self->demo_dir, g_free);
    }
}

static TwAuditLog *
open_audit_log (TwApplication  *self,
                gboolean        demo,
                GError        **error)
{
  g_autofree char *path = NULL;

  if (demo)
    {
      self->demo_dir = g_dir_make_tmp ("tradewarden-demo-audit-XXXXXX", error);
      if (self->demo_dir == NULL)
        return NULL;
      path = g_build_filename (self->demo_dir, "audit.db", NULL);
    }
  self->audit_log_is_demo = demo;
  /* The demo's throw-away log keeps its key and head with the demo's keys, in memory:
   * nothing of it is left in the keyring. */
  if (demo)
    return tw_audit_log_open_with_secrets (path, self->secrets, error);
  return tw_audit_log_open (path, error);
}

void
_tw_application_open_profile (TwApplication *self,
                              TwProfile     *profile,
                              TwSecrets     *secrets,
                              gboolean       demo)
{
  g_autoptr(TwWorkspace) workspace = NULL;
  TwSimThread *sim = NULL;

  self->opened_once = TRUE;

  /* Keep the simulator across the switch only when the new profile is the demo's. */
  if (demo)
    sim = g_steal_pointer (&self->sim);
  tw_application_close_profile (self);
  self->sim = sim;

  workspace = tw_workspace_new (profile, self->registry, self->http, secrets);
  tw_workspace_set_poll_interval (workspace, poll_interval_ms (self));
  self->workspace = g_steal_pointer (&workspace);
  self->secrets = g_object_ref (secrets);

  /* Risk controls: the demo's actions are real actions on the simulator, audited too, in
   * a throw-away log. The log is opened with the first profile (not at startup: a
   * command-line call of the running console needs none). */
  if (self->audit_log != NULL && self->audit_log_is_demo != demo)
    close_audit_log (self);
  if (self->audit_log == NULL)
    {
      g_autoptr(GError) error = NULL;

      self->audit_log = open_audit_log (self, demo, &error);
      if (self->audit_log == NULL)
        {
          /* Without an audit log no guarded action may run: no runner, and said so. */
          g_autofree char *message = g_strdup_printf (_("Guarded actions are disabled: %s"), error->message);

          g_warning ("%s", message);
          _tw_application_toast (self, message);
        }
    }
  self->monitor = tw_risk_monitor_new (self->workspace);
  if (self->audit_log != NULL)
    self->runner = tw_action_runner_new (self->workspace, self->audit_log);
  if (self->runner != NULL)
    {
      self->alerts = tw_alert_engine_new (self->workspace, self->monitor, self->runner);
      tw_alert_engine_set_rate_limit (self->alerts, rate_limit_s (self));
      if (self->notifier != NULL)
        tw_notifier_set_engine (self->notifier, self->alerts);
    }
  _tw_application_set_page_contexts (self, TRUE);
  backups_open (self);
  trading_open (self);

  tw_window_set_workspace (tw_application_get_window (self), self->workspace);
  /* Nor the demo's window size. */
  tw_window_set_saves_state (self->window, !demo);
  schedule_start (self);
  /* Memory secrets (the demo, tests) mean a throw-away profile: never remembered. */
  if (!tw_secrets_is_memory (secrets) && self->settings != NULL)
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

  return self->sim != NULL && self->workspace != NULL;
}

/* TW_BENCH_FIRST_FRAME: report the first painted frame and quit. */

static gboolean
quit_idle_cb (gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_REMOVE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                TwApplication *self)
{
  if (self->first_frame_done)
    return;
  self->first_frame_done = TRUE;
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, self);
  printf ("FIRST_FRAME %" G_GINT64_FORMAT "\n", g_get_monotonic_time () - self->start_time_us);
  fflush (stdout);
  g_idle_add (quit_idle_cb, self);
}

static void
window_map_cb (GtkWidget     *window,
               TwApplication *self)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (window), "after-paint",
                           G_CALLBACK (after_paint_cb), self, 0);
}

static gboolean
window_close_request_cb (TwApplication *self)
{
  gboolean background = self->settings != NULL
                        && g_settings_get_boolean (self->settings, "run-in-background");

  /* Alerts keep coming with the window closed: hold the app, the pollers run on. */
  if (background && self->workspace != NULL && !self->held)
    {
      self->held = TRUE;
      g_application_hold (G_APPLICATION (self));
    }
  return FALSE;
}

TwWindow *
tw_application_get_window (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  if (self->window == NULL)
    {
      self->window = tw_window_new (GTK_APPLICATION (self));
      g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      g_signal_connect_object (self->window, "close-request", G_CALLBACK (window_close_request_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->window, "first-frame", G_CALLBACK (window_first_frame_cb),
                               self, G_CONNECT_SWAPPED);
      _tw_application_add_pages (self);
      tw_window_set_saves_state (self->window, !self->audit_log_is_demo);
      /* A window again: the app no longer needs holding for the background. */
      if (self->held)
        {
          self->held = FALSE;
          g_application_release (G_APPLICATION (self));
        }
      if (g_getenv ("TW_BENCH_FIRST_FRAME") != NULL)
        g_signal_connect_object (self->window, "map", G_CALLBACK (window_map_cb), self, 0);
      tw_window_set_workspace (self->window, self->workspace);
      _tw_application_refresh_profile_names (self);
    }
  return self->window;
}

/* Actions */

/* app.halt: every service of the profile, in parallel, one click. */


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

  self->http = tw_http_new ();
  self->registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (self->registry);
  self->settings = tw_ui_settings_new ();
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::poll-interval",
                             G_CALLBACK (poll_interval_changed_cb), self, G_CONNECT_SWAPPED);

  _tw_application_add_actions (self);
  /* kill, Ctrl+C in the terminal, a session ending: quit as app.quit does. */
  self->sigterm_id = g_unix_signal_add (SIGTERM, quit_signal_cb, self);
  self->sigint_id = g_unix_signal_add (SIGINT, quit_signal_cb, self);

  self->notifier = tw_notifier_new (G_ACTION_GROUP (self));
  if (self->settings != NULL)
    {
      g_signal_connect_object (self->settings, "changed::notification-rate-limit",
                               G_CALLBACK (rate_limit_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->settings, "changed::stuck-order-minutes",
                               G_CALLBACK (stuck_minutes_changed_cb), self, G_CONNECT_SWAPPED);
    }
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

static void
tw_application_shutdown (GApplication *application)
{
  TwApplication *self = TW_APPLICATION (application);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  g_clear_handle_id (&self->sigint_id, g_source_remove);
  tw_application_close_profile (self);
  g_clear_object (&self->notifier);
  if (self->audit_log_is_demo)
    close_audit_log (self);

  G_APPLICATION_CLASS (tw_application_parent_class)->shutdown (application);
}

static void
tw_application_dispose (GObject *object)
{
  TwApplication *self = TW_APPLICATION (object);

  cancel_start (self);
  if (self->workspace != NULL)
    tw_workspace_stop (self->workspace);
  if (self->monitor != NULL)
    tw_risk_monitor_stop (self->monitor);
  g_clear_object (&self->alerts);
  if (self->backup_scheduler != NULL)
    tw_backup_scheduler_stop (self->backup_scheduler);
  g_clear_object (&self->backup_scheduler);
  g_clear_object (&self->backups);
  if (self->portfolio != NULL)
    tw_portfolio_stop (self->portfolio);
  g_clear_object (&self->portfolio);
  g_clear_object (&self->monitor);
  g_clear_object (&self->runner);
  g_clear_object (&self->notifier);
  g_clear_object (&self->halt_cancellable);
  g_clear_pointer (&self->last_halt, g_ptr_array_unref);
  g_clear_pointer (&self->halt_failure, g_free);
  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  g_clear_handle_id (&self->sigint_id, g_source_remove);
  close_audit_log (self);
  g_clear_object (&self->workspace);
  stop_sim (self);
  g_clear_object (&self->secrets);
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
  self->start_time_us = g_get_monotonic_time ();
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

void
tw_application_set_start_time (TwApplication *self,
                               gint64         monotonic_us)
{
  g_return_if_fail (TW_IS_APPLICATION (self));

  self->start_time_us = monotonic_us;
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

TwWorkspace *
tw_application_get_workspace (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  return self->workspace;
}

TwAuditLog *
tw_application_get_audit_log (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  return self->audit_log;
}

TwRiskMonitor *
tw_application_get_risk_monitor (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  return self->monitor;
}

TwActionRunner *
tw_application_get_action_runner (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  return self->runner;
}

TwAlertEngine *
tw_application_get_alert_engine (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  return self->alerts;
}

TwNotifier *
tw_application_get_notifier (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  return self->notifier;
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

  return self->last_halt;
}

gboolean
tw_application_get_held (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), FALSE);

  return self->held;
}
