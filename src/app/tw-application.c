/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-application.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "tw-audit-page.h"
#include "tw-breakers-page.h"
#include "tw-demo.h"
#include "tw-env-import.h"
#include "tw-notifier.h"
#include "tw-profile-editor.h"
#include "tw-sim.h"
#include "tw-ui-util.h"

/* Backups */
#include "tw-backup-scheduler.h"
#include "tw-backups-page.h"

/* Positions and orders */
#include "tw-orders-page.h"
#include "tw-portfolio.h"
#include "tw-positions-page.h"

#define DEFAULT_POLL_INTERVAL_S 5

struct _TwApplication
{
  AdwApplication       parent_instance;

  gint64               start_time_us;
  gboolean             first_frame_done;
  gboolean             opened_once;     /* a profile was opened or asked for */

  GSettings           *settings;        /* NULL without the schema */
  TwHttp              *http;
  TwConnectorRegistry *registry;
  TwSecrets           *keyring;         /* created on first use */
  TwSecrets           *secrets;         /* the workspace's: keyring, or memory in demo */
  TwWorkspace         *workspace;
  TwSimThread         *sim;             /* demo only */
  TwWindow            *window;
  GCancellable        *cancellable;

  /* Risk controls: one audit log for the app, the rest per workspace. */
  TwAuditLog          *audit_log;       /* NULL when it could not be opened */
  TwRiskMonitor       *monitor;
  TwActionRunner      *runner;
  TwAlertEngine       *alerts;
  TwNotifier          *notifier;
  TwBreakersPage      *breakers_page;   /* weak: the window's */
  TwAuditPage         *audit_page;      /* weak: the window's */
  GtkWidget           *halt_dialog;     /* weak */
  GCancellable        *halt_cancellable;
  GPtrArray           *last_halt;       /* TwActionResult of the last app.halt */
  gboolean             held;            /* run in background: window closed, app held */

  /* Backups: the manager and scheduler belong to the open profile. */
  TwBackupManager     *backups;
  TwBackupScheduler   *backup_scheduler;
  TwBackupsPage       *backups_page;    /* weak: the window's */

  /* Positions and orders: the portfolio belongs to the open profile. */
  TwPortfolio         *portfolio;
  TwPositionsPage     *positions_page;  /* weak: the window's */
  TwOrdersPage        *orders_page;     /* weak: the window's */
};

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

static void set_page_contexts (TwApplication *self,
                               gboolean       on);

static TwSecrets *
get_keyring (TwApplication *self)
{
  if (self->keyring == NULL)
    self->keyring = tw_secrets_new_keyring ();
  return self->keyring;
}

static void
show_error (TwApplication *self,
            const char    *heading,
            const char    *message)
{
  TwWindow *window = tw_application_get_window (self);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (window), heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
toast (TwApplication *self,
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

static void
update_actions (TwApplication *self)
{
  GAction *action;

  action = g_action_map_lookup_action (G_ACTION_MAP (self), "refresh");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), self->workspace != NULL);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "halt");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                               self->runner != NULL && self->halt_cancellable == NULL);
  /* The demo profile is never saved: nothing to edit. */
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "edit-profile");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                               self->workspace != NULL && !tw_secrets_is_memory (self->secrets));
}

static void
refresh_profile_names (TwApplication *self)
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
    toast (self, g_ptr_array_index (problems, i));
}

static void
set_page_contexts (TwApplication *self,
                   gboolean       on)
{
  if (self->breakers_page != NULL)
    tw_breakers_page_set_context (self->breakers_page,
                                  on ? self->workspace : NULL,
                                  on ? self->monitor : NULL,
                                  on ? self->runner : NULL);
  if (self->audit_page != NULL)
    tw_audit_page_set_context (self->audit_page, self->audit_log, on ? self->runner : NULL);
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
set_trading_page_contexts (TwApplication *self)
{
  if (self->positions_page != NULL)
    tw_positions_page_set_context (self->positions_page, self->portfolio,
                                   self->portfolio != NULL ? self->runner : NULL);
  if (self->orders_page != NULL)
    tw_orders_page_set_context (self->orders_page, self->portfolio,
                                self->portfolio != NULL ? self->runner : NULL);
}

static void
trading_open (TwApplication *self)
{
  self->portfolio = tw_portfolio_new (self->workspace);
  tw_portfolio_set_stuck_threshold (self->portfolio, stuck_threshold_s (self));
  tw_portfolio_start (self->portfolio);
  set_trading_page_contexts (self);
}

static void
trading_close (TwApplication *self)
{
  if (self->portfolio != NULL)
    tw_portfolio_stop (self->portfolio);
  g_clear_object (&self->portfolio);
  set_trading_page_contexts (self);
}

static void
add_trading_pages (TwApplication *self)
{
  GtkWidget *positions = tw_positions_page_new ();
  GtkWidget *orders = tw_orders_page_new ();

  tw_window_add_page (self->window, "positions", _("Positions"), "view-list-symbolic", positions);
  tw_window_add_page (self->window, "orders", _("Orders"), "view-list-bullet-symbolic", orders);
  self->positions_page = TW_POSITIONS_PAGE (positions);
  g_object_add_weak_pointer (G_OBJECT (positions), (gpointer *) &self->positions_page);
  self->orders_page = TW_ORDERS_PAGE (orders);
  g_object_add_weak_pointer (G_OBJECT (orders), (gpointer *) &self->orders_page);
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::stuck-order-minutes",
                             G_CALLBACK (stuck_minutes_changed_cb), self, G_CONNECT_SWAPPED);
  set_trading_page_contexts (self);
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
      toast (self, message);
    }
}

static void
set_backups_page_context (TwApplication *self)
{
  if (self->backups_page == NULL)
    return;
  tw_backups_page_set_save_profile (self->backups_page,
                                    self->secrets != NULL && !tw_secrets_is_memory (self->secrets));
  tw_backups_page_set_context (self->backups_page, self->backups, self->workspace,
                               self->runner, self->monitor, self->backup_scheduler);
}

static void
backups_open (TwApplication *self)
{
  TwProfile *profile = tw_workspace_get_profile (self->workspace);

  self->backups = tw_backup_manager_new (self->audit_log, tw_profile_get_name (profile),
                                         tw_profile_get_mode (profile));
  self->backup_scheduler = tw_backup_scheduler_new (self->backups, profile);
  g_signal_connect_object (self->backup_scheduler, "alert", G_CALLBACK (backup_alert_cb), self, 0);
  tw_backup_scheduler_start (self->backup_scheduler);
  set_backups_page_context (self);
}

static void
backups_close (TwApplication *self)
{
  if (self->backup_scheduler != NULL)
    tw_backup_scheduler_stop (self->backup_scheduler);
  g_clear_object (&self->backup_scheduler);
  g_clear_object (&self->backups);
  set_backups_page_context (self);
}

static void
add_backups_page (TwApplication *self)
{
  GtkWidget *page = tw_backups_page_new ();

  tw_window_add_page (self->window, "backups", _("Backups"), "drive-harddisk-symbolic", page);
  self->backups_page = TW_BACKUPS_PAGE (page);
  g_object_add_weak_pointer (G_OBJECT (page), (gpointer *) &self->backups_page);
  set_backups_page_context (self);
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

  if (self->window != NULL)
    tw_window_set_workspace (self->window, NULL);
  set_page_contexts (self, FALSE);
  backups_close (self);
  trading_close (self);
  if (self->halt_cancellable != NULL)
    g_cancellable_cancel (self->halt_cancellable);
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
  update_actions (self);
}

static void
open_profile (TwApplication *self,
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
  tw_workspace_start (self->workspace);

  /* Risk controls: the demo's actions are real actions on the simulator, audited too.
   * The log is opened with the first profile (not at startup: a command-line call of the
   * running console needs none). */
  if (self->audit_log == NULL)
    {
      g_autoptr(GError) error = NULL;

      self->audit_log = tw_audit_log_open (NULL, &error);
      if (self->audit_log == NULL)
        {
          /* Without an audit log no guarded action may run: no runner, and said so. */
          g_autofree char *message = g_strdup_printf (_("Guarded actions are disabled: %s"), error->message);

          g_warning ("%s", message);
          toast (self, message);
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
  tw_risk_monitor_start (self->monitor);
  set_page_contexts (self, TRUE);
  backups_open (self);
  trading_open (self);

  tw_window_set_workspace (tw_application_get_window (self), self->workspace);
  /* Memory secrets (the demo, tests) mean a throw-away profile: never remembered. */
  if (!tw_secrets_is_memory (secrets) && self->settings != NULL)
    g_settings_set_string (self->settings, "last-profile", tw_profile_get_name (profile));
  update_actions (self);
}

void
tw_application_open_profile (TwApplication *self,
                             TwProfile     *profile,
                             TwSecrets     *secrets)
{
  g_return_if_fail (TW_IS_APPLICATION (self));
  g_return_if_fail (TW_IS_PROFILE (profile));
  g_return_if_fail (TW_IS_SECRETS (secrets));

  open_profile (self, profile, secrets, tw_secrets_is_memory (secrets) && self->sim != NULL);
}

gboolean
tw_application_open_profile_by_name (TwApplication  *self,
                                     const char     *name,
                                     GError        **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *basename = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(TwProfile) profile = NULL;

  g_return_val_if_fail (TW_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  self->opened_once = TRUE;
  dir = tw_profile_get_dir ();
  basename = g_strconcat (name, ".conf", NULL);
  file = g_file_new_build_filename (dir, basename, NULL);
  profile = tw_profile_load (file, error);
  if (profile == NULL)
    return FALSE;
  open_profile (self, profile, get_keyring (self), FALSE);
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
  open_profile (self, profile, secrets, TRUE);
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

static void
add_risk_pages (TwApplication *self)
{
  GtkWidget *breakers = tw_breakers_page_new ();
  GtkWidget *audit = tw_audit_page_new ();

  tw_window_add_page (self->window, "breakers", _("Breakers"), "dialog-warning-symbolic", breakers);
  tw_window_add_page (self->window, "audit", _("Audit"), "document-properties-symbolic", audit);
  self->breakers_page = TW_BREAKERS_PAGE (breakers);
  g_object_add_weak_pointer (G_OBJECT (breakers), (gpointer *) &self->breakers_page);
  self->audit_page = TW_AUDIT_PAGE (audit);
  g_object_add_weak_pointer (G_OBJECT (audit), (gpointer *) &self->audit_page);
  set_page_contexts (self, self->workspace != NULL);
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
      add_risk_pages (self);
      add_backups_page (self);
      add_trading_pages (self);
      /* A window again: the app no longer needs holding for the background. */
      if (self->held)
        {
          self->held = FALSE;
          g_application_release (G_APPLICATION (self));
        }
      if (g_getenv ("TW_BENCH_FIRST_FRAME") != NULL)
        g_signal_connect_object (self->window, "map", G_CALLBACK (window_map_cb), self, 0);
      tw_window_set_workspace (self->window, self->workspace);
      refresh_profile_names (self);
    }
  return self->window;
}

/* Actions */

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  TwApplication *self = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* Closing lets each window remember its size. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
  g_application_quit (G_APPLICATION (self));
}

static void
refresh_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  TwApplication *self = user_data;

  if (self->workspace != NULL)
    tw_workspace_refresh (self->workspace);
}

static void
demo_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  TwApplication *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tw_application_start_demo (self, &error))
    show_error (self, _("Could Not Start the Demo"), error->message);
  gtk_window_present (GTK_WINDOW (tw_application_get_window (self)));
}

static void
editor_saved_cb (TwProfileEditor *editor,
                 TwProfile       *profile,
                 TwApplication   *self)
{
  g_autofree char *message = NULL;

  open_profile (self, profile, get_keyring (self), FALSE);
  refresh_profile_names (self);
  /* Translators: %s is a profile's name */
  message = g_strdup_printf (_("Profile “%s” saved"), tw_profile_get_name (profile));
  toast (self, message);
}

static void
present_editor (TwApplication *self,
                TwProfile     *profile)
{
  TwProfileEditor *editor = tw_profile_editor_new (GTK_WINDOW (tw_application_get_window (self)),
                                                   self->registry, get_keyring (self), profile);

  g_signal_connect_object (editor, "saved", G_CALLBACK (editor_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
new_profile_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  present_editor (TW_APPLICATION (user_data), NULL);
}

static void
edit_profile_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  TwApplication *self = user_data;

  if (self->workspace != NULL && !tw_secrets_is_memory (self->secrets))
    present_editor (self, tw_workspace_get_profile (self->workspace));
}

static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TwApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TwProfile) profile = tw_env_import_finish (result, &error);
  g_autofree char *message = NULL;

  if (profile == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("Could Not Import the .env File"), error->message);
      return;
    }
  open_profile (self, profile, get_keyring (self), FALSE);
  refresh_profile_names (self);
  /* Translators: %s is a profile's name */
  message = g_strdup_printf (_("Imported as profile “%s”"), tw_profile_get_name (profile));
  toast (self, message);
}

static void
import_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    TwApplication   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        tw_env_import_async (file, get_keyring (self), self->cancellable,
                             import_done_cb, g_object_ref (self));
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
import_env_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  TwApplication *self = user_data;
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Import a Runbook .env File"),
                                         GTK_WINDOW (tw_application_get_window (self)),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Import"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (import_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
open_profile_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  TwApplication *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tw_application_open_profile_by_name (self, g_variant_get_string (parameter, NULL), &error))
    show_error (self, _("Could Not Open the Profile"), error->message);
  gtk_window_present (GTK_WINDOW (tw_application_get_window (self)));
}

static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  TwApplication *self = user_data;
  TwWindow *window = tw_application_get_window (self);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  TwApplication *self = user_data;
  static const char *developers[] = { "The Trade Warden developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", tw_application_get_window (self),
                        "application-name", _("Trade Warden"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Trade Warden developers"),
                        "developers", developers,
                        "comments", _("A console for the on-call operator of automated trading systems: every service at a glance, halting in one click, risky moves made deliberate."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
show_page_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  TwApplication *self = user_data;
  TwWindow *window = tw_application_get_window (self);

  gtk_window_present (GTK_WINDOW (window));
  tw_window_show_page (window, g_variant_get_string (parameter, NULL));
}

/* app.halt: every service of the profile, in parallel, one click. */

static char *
describe_result (TwActionResult *result)
{
  const char *message = tw_action_result_get_message (result);

  if (tw_action_result_get_ok (result))
    /* Translators: one service's halt result; %s is its name, %.0f the latency */
    return g_strdup_printf (_("%s: halted (%.0f ms)"), tw_action_result_get_service_name (result),
                            tw_action_result_get_latency_ms (result));
  /* Translators: one service's failed halt; %s is its name, then why */
  return g_strdup_printf (_("%s: NOT HALTED — %s"), tw_action_result_get_service_name (result),
                          message != NULL ? message : _("no answer"));
}

static char *
describe_results (GPtrArray *results,
                  gboolean   failures_only)
{
  g_autoptr(GString) str = g_string_new (NULL);

  for (guint i = 0; i < results->len; i++)
    {
      TwActionResult *result = g_ptr_array_index (results, i);
      g_autofree char *line = NULL;

      if (failures_only && tw_action_result_get_ok (result))
        continue;
      line = describe_result (result);
      if (str->len > 0)
        g_string_append_c (str, '\n');
      g_string_append (str, line);
    }
  return g_string_free (g_steal_pointer (&str), FALSE);
}

static void
halt_details_cb (AdwToast      *toast,
                 TwApplication *self)
{
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (self->last_halt == NULL)
    return;
  body = describe_results (self->last_halt, FALSE);
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
  guint n_ok = 0;
  guint n_failed;

  results = tw_action_runner_halt_all_finish (TW_ACTION_RUNNER (object), result, &error);
  g_clear_object (&self->halt_cancellable);
  update_actions (self);
  if (results == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_error (self, _("Halt All Failed"), error->message);
      return;
    }

  for (guint i = 0; i < results->len; i++)
    if (tw_action_result_get_ok (g_ptr_array_index (results, i)))
      n_ok++;
  n_failed = results->len - n_ok;
  g_clear_pointer (&self->last_halt, g_ptr_array_unref);
  self->last_halt = g_ptr_array_ref (results);

  if (self->window != NULL || n_failed > 0)
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
      tw_window_add_toast (tw_application_get_window (self), toast);
    }

  if (n_failed > 0)
    {
      g_autofree char *heading = NULL;
      g_autofree char *failures = describe_results (results, TRUE);
      g_autofree char *body = g_strdup_printf (_("Trading may still be running there.\n\n%s"), failures);
      g_autofree char *banner = NULL;
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

      /* Translators: the Breakers page's error row; %s lists the services and why */
      banner = g_strdup_printf (_("Trading may still be running. The last Halt All did not reach:\n%s"), failures);
      if (self->breakers_page != NULL)
        tw_breakers_page_set_halt_failure (self->breakers_page, banner);
    }
  else if (self->breakers_page != NULL)
    tw_breakers_page_set_halt_failure (self->breakers_page, NULL);

  g_signal_emit (self, signals[HALT_FINISHED], 0, results);
}

static void
halt_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  TwApplication *self = user_data;

  /* One at a time: a second click while halting does nothing more. */
  if (self->runner == NULL || self->halt_cancellable != NULL)
    return;
  self->halt_cancellable = g_cancellable_new ();
  update_actions (self);
  tw_action_runner_halt_all_async (self->runner, NULL, self->halt_cancellable,
                                   halt_done_cb, g_object_ref (self));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
  { "refresh", refresh_action, NULL, NULL, NULL, { 0 } },
  { "demo", demo_action, NULL, NULL, NULL, { 0 } },
  { "new-profile", new_profile_action, NULL, NULL, NULL, { 0 } },
  { "edit-profile", edit_profile_action, NULL, NULL, NULL, { 0 } },
  { "import-env", import_env_action, NULL, NULL, NULL, { 0 } },
  { "open-profile", open_profile_action, "s", NULL, NULL, { 0 } },
  { "shortcuts", shortcuts_action, NULL, NULL, NULL, { 0 } },
  { "about", about_action, NULL, NULL, NULL, { 0 } },
  { "show-page", show_page_action, "s", NULL, NULL, { 0 } },
  { "halt", halt_action, NULL, NULL, NULL, { 0 } },
};

/* GApplication */

static void
tw_application_startup (GApplication *application)
{
  TwApplication *self = TW_APPLICATION (application);
  static const char *quit_accels[] = { "<Primary>q", NULL };
  static const char *refresh_accels[] = { "<Primary>r", NULL };
  static const char *shortcuts_accels[] = { "<Primary>question", NULL };
  static const char *halt_accels[] = { "<Primary><Shift>h", NULL };

  G_APPLICATION_CLASS (tw_application_parent_class)->startup (application);

  self->http = tw_http_new ();
  self->registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (self->registry);
  self->settings = tw_ui_settings_new ();
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::poll-interval",
                             G_CALLBACK (poll_interval_changed_cb), self, G_CONNECT_SWAPPED);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.refresh", refresh_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.shortcuts", shortcuts_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.halt", halt_accels);

  self->notifier = tw_notifier_new (G_ACTION_GROUP (self));
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::notification-rate-limit",
                             G_CALLBACK (rate_limit_changed_cb), self, G_CONNECT_SWAPPED);
  for (int i = 1; i <= 9; i++)
    {
      g_autofree char *detailed = g_strdup_printf ("win.page(%d)", i);
      g_autofree char *accel = g_strdup_printf ("<Primary>%d", i);
      const char *accels[] = { accel, NULL };

      gtk_application_set_accels_for_action (GTK_APPLICATION (self), detailed, accels);
    }
  update_actions (self);
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
            toast (self, error->message);
        }
    }

  for (guint i = 0; problems != NULL && i < problems->len; i++)
    toast (self, g_ptr_array_index (problems, i));

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
  tw_application_close_profile (self);
  g_clear_object (&self->notifier);

  G_APPLICATION_CLASS (tw_application_parent_class)->shutdown (application);
}

static void
tw_application_dispose (GObject *object)
{
  TwApplication *self = TW_APPLICATION (object);

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
  g_clear_object (&self->audit_log);
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

TwBreakersPage *
tw_application_get_breakers_page (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  tw_application_get_window (self);
  return self->breakers_page;
}

TwAuditPage *
tw_application_get_audit_page (TwApplication *self)
{
  g_return_val_if_fail (TW_IS_APPLICATION (self), NULL);

  tw_application_get_window (self);
  return self->audit_page;
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
