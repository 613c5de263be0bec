/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cron bot (002): a connector of local commands and files, driven through a real
 * TwSession — Halt All, resume with its checklist, the state the risk monitor reads, the
 * health the alert engine watches — against a fake `crontab` and a fake bot process in a
 * private PATH and folder. Never the machine's crontab: every command runs with the
 * fake's folder first in PATH, and the bot's pattern is its private path. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include "tw-command.h"
#include "tw-component.h"
#include "tw-error.h"
#include "tw-session.h"
#include "tw-test-util.h"

#define PROFILE "cron-test"
#define SERVICE "bot"
#define INTERVAL_MS 200
#define OTHER_JOB "0 2 * * * /usr/local/bin/nightly-backup.sh"

/* A crontab(1) of the test's own: its table is crontab.txt beside its bin/ folder. */
static const char fake_crontab[] =
  "#!/bin/sh\n"
  "# A fake crontab(1): its table is a file of the test's folder, never the user's.\n"
  "root=$(dirname \"$0\")/..\n"
  "table=\"$root/crontab.txt\"\n"
  "case \"$1\" in\n"
  "  -l)\n"
  "    if [ -e \"$root/crontab.broken\" ]; then echo \"crontab: cannot open spool\" >&2; exit 1; fi\n"
  "    if [ -f \"$table\" ]; then cat \"$table\"; else echo \"no crontab for $(id -un)\" >&2; exit 1; fi ;;\n"
  "  -r) rm -f \"$table\" ;;\n"
  "  -)\n"
  "    if [ -e \"$root/crontab.refuse\" ]; then\n"
  "      echo \"crontab: installing new crontab failed: no space left\" >&2; exit 1\n"
  "    fi\n"
  "    cat > \"$table\" ;;\n"
  "  *) echo \"usage: crontab [-l|-r|-]\" >&2; exit 2 ;;\n"
  "esac\n";

/* The bot: goes on TERM (after its current nap), or, stubborn, ignores it; either ends
 * with the test ($1 is its pid), even one that aborted before its teardown. */
static const char fake_bot[] =
  "#!/bin/sh\n"
  "trap 'exit 0' TERM\n"
  "while kill -0 \"$1\" 2>/dev/null; do sleep 0.1; done\n";
static const char stubborn_bot[] =
  "#!/bin/sh\n"
  "trap '' TERM\n"
  "while kill -0 \"$1\" 2>/dev/null; do sleep 0.1; done\n";

typedef struct
{
  char                *dir;
  char                *bot_path;
  GSubprocess         *bot;
  TwConnectorRegistry *registry;
  TwSecrets           *secrets;
  TwHttp              *http;
  TwProfile           *profile;
  TwSession           *session;
  GPtrArray           *alerts;
  TwSimThread         *sim;        /* with a broker: the simulator's Alpaca */
  char                *saved_path; /* PATH before pretend_sandboxed() */
} Fixture;

static void
write_file (const char *path,
            const char *text,
            int         mode)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_NONE, mode, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

static char *
path_in (Fixture    *f,
         const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

static char *
read_table (Fixture *f)
{
  g_autofree char *path = path_in (f, "crontab.txt");
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return text;
}

static void
start_bot (Fixture    *f,
           const char *script)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());

  write_file (f->bot_path, script, 0755);
  /* Silenced: it holds none of the test's output pipes. */
  f->bot = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                             &error, "/bin/sh", f->bot_path, pid, NULL);
  g_assert_no_error (error);
}

static gboolean
bot_alive (Fixture *f)
{
  return f->bot != NULL && g_subprocess_get_identifier (f->bot) != NULL;
}

static void
on_alert (TwAlertEngine *engine,
          TwAlert       *alert,
          Fixture       *f)
{
  g_ptr_array_add (f->alerts, g_object_ref (alert));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwService) service = NULL;
  g_autofree char *bin = NULL;
  g_autofree char *crontab = NULL;
  g_autofree char *logs = NULL;
  g_autofree char *url = NULL;
  g_autofree char *save_dir = NULL;
  g_autofree char *table = NULL;
  g_autofree char *log = NULL;
  g_autofree char *data_file = NULL;
  g_autofree char *schwab = NULL;
  g_autofree char *reddit = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y%m%d");
  g_autofree char *log_name = g_strdup_printf ("trading_%s.log", today);

  f->dir = g_dir_make_tmp ("tw-cron-bot-XXXXXX", &error);
  g_assert_no_error (error);
  bin = path_in (f, "bin");
  logs = path_in (f, "logs");
  g_assert_cmpint (g_mkdir (bin, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (logs, 0700), ==, 0);
  crontab = g_build_filename (bin, "crontab", NULL);
  write_file (crontab, fake_crontab, 0755);
  f->bot_path = path_in (f, "live_trading.py");

  /* The bot's job, and one of someone else's that a halt must leave alone. */
  table = g_strdup_printf ("%s\n*/5 9-16 * * 1-5 /bin/sh %s >> logs/cron_trading.log 2>&1\n",
                           OTHER_JOB, f->bot_path);
  {
    g_autofree char *path = path_in (f, "crontab.txt");

    write_file (path, table, 0600);
  }
  log = g_build_filename (logs, log_name, NULL);
  write_file (log, "2026-12-06 09:30:00 INFO prediction: 0.62\n", 0644);
  data_file = path_in (f, "processed_stock_data.csv");
  write_file (data_file, "date,close\n2026-12-05,101.5\n", 0644);
  schwab = path_in (f, ".schwab_config.enc");
  reddit = path_in (f, ".reddit_config.enc");
  write_file (schwab, "not-a-real-credential", 0600);
  write_file (reddit, "not-a-real-credential", 0600);

  f->registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (f->registry);
  f->secrets = tw_secrets_new_memory ();
  f->http = tw_http_new ();
  f->alerts = g_ptr_array_new_with_free_func (g_object_unref);

  url = g_filename_to_uri (f->dir, NULL, &error);
  g_assert_no_error (error);
  save_dir = path_in (f, "saved");
  f->profile = tw_profile_new (PROFILE, TW_MODE_PAPER);
  service = tw_service_new (SERVICE, "cron-bot", url);
  tw_service_set_name (service, "Cron bot");
  /* The pattern is the fake bot's private path: pkill -f finds nothing else. */
  tw_service_set_setting (service, "Pattern", f->bot_path);
  tw_service_set_setting (service, "CommandPath", bin);
  tw_service_set_setting (service, "SaveDir", save_dir);
  tw_profile_add_service (f->profile, service);

  /* The bot trades through a broker the console can see (resuming wants it connected). */
  if (data != NULL)
    {
      g_autoptr(TwService) broker = NULL;

      f->sim = tw_test_sim_start ();
      broker = tw_service_new ("alpaca", "alpaca", tw_sim_thread_get_url (f->sim, "alpaca"));
      tw_profile_add_service (f->profile, broker);
      g_assert_true (tw_secrets_store_sync (f->secrets, PROFILE, "alpaca", "key_id",
                                            tw_sim_thread_get_credential (f->sim, "alpaca_key_id"),
                                            NULL, &error));
      g_assert_true (tw_secrets_store_sync (f->secrets, PROFILE, "alpaca", "secret_key",
                                            tw_sim_thread_get_credential (f->sim, "alpaca_secret"),
                                            NULL, &error));
      g_assert_no_error (error);
    }
}

static void
open_session (Fixture *f)
{
  f->session = tw_session_new (f->profile, f->registry, f->http, f->secrets, TRUE);
  tw_session_set_poll_interval (f->session, INTERVAL_MS);
  g_assert_nonnull (tw_session_get_action_runner (f->session));
  g_signal_connect (tw_session_get_alert_engine (f->session), "alert", G_CALLBACK (on_alert), f);
  tw_session_start (f->session);
}

static void
on_closed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;

  tw_session_close_finish (TW_SESSION (source), result, NULL);
  *done = TRUE;
}

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
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->session != NULL)
    {
      gboolean closed = FALSE;

      tw_session_close_async (f->session, NULL, on_closed, &closed);
      tw_test_wait_until (closed, 10000);
      g_clear_object (&f->session);
    }
  if (f->bot != NULL)
    {
      g_subprocess_force_exit (f->bot);
      g_subprocess_wait (f->bot, NULL, NULL);
      g_clear_object (&f->bot);
    }
  g_unsetenv ("TW_TEST_FLATPAK_INFO");
  if (f->saved_path != NULL)
    g_setenv ("PATH", f->saved_path, TRUE);
  g_clear_pointer (&f->saved_path, g_free);
  g_clear_pointer (&f->alerts, g_ptr_array_unref);
  g_clear_object (&f->profile);
  g_clear_object (&f->http);
  g_clear_object (&f->secrets);
  g_clear_object (&f->registry);
  g_clear_pointer (&f->sim, tw_sim_thread_stop);
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->bot_path);
}

static TwTradingState *
state_of (Fixture *f)
{
  return tw_risk_monitor_lookup (tw_session_get_risk_monitor (f->session), SERVICE);
}

static gboolean
state_is (Fixture      *f,
          TwTradingMode mode)
{
  TwTradingState *state = state_of (f);
  g_autoptr(GDateTime) updated = NULL;
  TwTradingMode now;

  if (state == NULL)
    return FALSE;
  g_object_get (state, "updated-at", &updated, "mode", &now, NULL);
  return updated != NULL && now == mode;
}

typedef struct
{
  gboolean   done;
  GPtrArray *results;
  JsonNode  *body;
  GError    *error;
} Wait;

static void
on_halted (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *wait = user_data;

  wait->results = tw_session_halt_all_finish (TW_SESSION (source), result, &wait->error);
  wait->done = TRUE;
}

static TwActionResult *
halt_all (Fixture *f,
          Wait    *wait)
{
  tw_session_halt_all_async (f->session, "test: stop all trading", NULL, on_halted, wait);
  tw_test_wait_until (wait->done, 30000);
  g_assert_no_error (wait->error);
  for (guint i = 0; i < wait->results->len; i++)
    {
      TwActionResult *result = g_ptr_array_index (wait->results, i);

      if (g_strcmp0 (tw_action_result_get_service_id (result), SERVICE) == 0)
        return result;
    }
  g_assert_not_reached ();
  return NULL;
}

static void
on_ran (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Wait *wait = user_data;

  wait->body = tw_action_runner_run_finish (TW_ACTION_RUNNER (source), result, NULL, &wait->error);
  wait->done = TRUE;
}

/* The rows the audit log holds for @action on the bot, oldest first. */
static GListModel *
audit_rows (Fixture    *f,
            const char *action)
{
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  g_autoptr(GError) error = NULL;
  GListModel *rows;

  filter.action = action;
  rows = tw_audit_log_query (tw_session_get_audit_log (f->session), &filter, NULL, &error);
  g_assert_no_error (error);
  return rows;
}

static gboolean
has_outcome_row (Fixture        *f,
                 const char     *action,
                 TwAuditOutcome  outcome)
{
  g_autoptr(GListModel) rows = audit_rows (f, action);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(TwAuditRecord) row = g_list_model_get_item (rows, i);

      if (tw_audit_record_get_outcome (row) == outcome)
        return TRUE;
    }
  return FALSE;
}

static guint
count_saved (Fixture *f)
{
  g_autofree char *save_dir = path_in (f, "saved");
  g_autoptr(GDir) dir = g_dir_open (save_dir, 0, NULL);
  guint n = 0;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "crontab-"))
      n++;
  return n;
}

/* The connector file: commands, not requests; no shell line, no secret on a command line. */
static void
test_load (void)
{
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  static const char * const bad[][2] = {
    { "\"steps\": [ { \"run\": \"crontab -r\" } ]", "never a shell line" },
    { "\"steps\": [ { \"run\": [\"crontab\", \"${secret:key}\"] } ]", "no place for a secret" },
    { "\"steps\": [ { \"run\": [\"pgrep\"], \"true\": [0] } ]", "go together" },
    { "\"steps\": [ { \"file\": \"/x\", \"mode\": \"rw\" } ]", "octal" },
    { "\"steps\": [ { \"run\": [\"a\"], \"save\": \"x\", \"text\": \"\" } ]", "one step does one thing" },
    { "\"method\": \"GET\", \"path\": \"/x\"", "unknown key" },
  };
  TwConnector *connector;
  GPtrArray *settings;

  tw_connector_registry_load_default (registry);
  connector = tw_connector_registry_lookup (registry, "cron-bot");
  g_assert_nonnull (connector);
  g_assert_true (tw_connector_is_commands (connector));
  g_assert_true (tw_connector_has_operation (connector, "trading.halt"));
  g_assert_true (tw_connector_has_operation (connector, "trading.resume"));
  g_assert_true (tw_connector_has_operation (connector, "trading.status"));
  g_assert_true (tw_connector_has_operation (connector, "health"));
  settings = tw_connector_get_settings (connector);
  g_assert_cmpuint (settings->len, ==, 4);
  g_assert_cmpstr (((TwCommandSetting *) g_ptr_array_index (settings, 0))->name, ==, "Pattern");
  g_assert_cmpstr (((TwCommandSetting *) g_ptr_array_index (settings, 0))->fallback, ==, "live_trading.py");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text =
        g_strdup_printf ("{ \"format\": 1, \"id\": \"x\", \"name\": \"X\", \"kind\": \"commands\", "
                         "\"secrets\": [ { \"name\": \"key\" } ], "
                         "\"operations\": { \"trading.halt\": { %s } } }", bad[i][0]);
      g_autoptr(GError) error = NULL;
      g_autoptr(TwConnector) refused = tw_connector_new_from_data (text, -1, "x.json", &error);

      g_assert_null (refused);
      g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, bad[i][1]));
      g_assert_nonnull (strstr (error->message, "x.json"));
    }
}

static TwComponent *
find_component (TwService  *service,
                const char *name)
{
  GListModel *components = tw_service_get_components (service);

  for (guint i = 0; i < g_list_model_get_n_items (components); i++)
    {
      g_autoptr(TwComponent) component = g_list_model_get_item (components, i);

      if (g_strcmp0 (tw_component_get_name (component), name) == 0)
        return component;
    }
  return NULL;
}

static TwService *
bot_service (Fixture *f)
{
  return tw_profile_lookup_service (f->profile, SERVICE);
}

static gboolean
component_says (Fixture    *f,
                const char *name,
                const char *status)
{
  TwComponent *component = find_component (bot_service (f), name);

  return component != NULL && g_strcmp0 (tw_component_get_status (component), status) == 0;
}

/* A profile keeps the bot's folder and its keys through a save and a load. */
static void
test_profile (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = tw_profile_to_data (f->profile);
  g_autoptr(TwProfile) loaded = tw_profile_load_from_data (text, "cron-test.conf", &error);
  TwService *service;

  g_assert_no_error (error);
  service = tw_profile_lookup_service (loaded, SERVICE);
  g_assert_nonnull (service);
  g_assert_true (g_str_has_prefix (tw_service_get_base_url (service), "file:///"));
  g_assert_cmpstr (tw_service_get_setting (service, "Pattern"), ==, f->bot_path);
  g_assert_nonnull (tw_service_get_setting (service, "CommandPath"));
  g_assert_null (tw_service_get_setting (service, "Name"));
}

/* Running: the state says so; Halt All stops it the runbook's way and reads it back;
 * the crontab is saved first and only the bot's line goes; resume needs the checklist
 * and puts the saved crontab back. */
static void
test_halt_resume (Fixture       *f,
                  gconstpointer  data)
{
  Wait halt = { 0, }, refused = { 0, }, resumed = { 0, }, again = { 0, };
  g_autoptr(TwGuardRequest) request = NULL;
  g_autofree char *table = NULL;
  g_autofree char *original = read_table (f);
  TwActionResult *result;
  TwActionRunner *runner;

  start_bot (f, fake_bot);
  open_session (f);
  tw_test_wait_until (state_is (f, TW_TRADING_ACTIVE), 10000);
  g_assert_true (tw_trading_state_get_can_halt (state_of (f)));
  /* What the Overview tells of it: the entry, the process, the log. */
  tw_test_wait_until (component_says (f, "process", "running"), 10000);
  g_assert_true (component_says (f, "crontab", "present"));
  g_assert_nonnull (strstr (tw_component_get_detail (find_component (bot_service (f), "crontab")),
                            "*/5 9-16 * * 1-5"));
  g_assert_nonnull (strstr (tw_component_get_detail (find_component (bot_service (f), "log")),
                            "changed"));

  result = halt_all (f, &halt);
  g_assert_cmpuint (tw_action_result_get_outcome (result), ==, TW_ACTION_OUTCOME_DONE);
  g_assert_nonnull (strstr (tw_action_result_get_message (result), "1 crontab line(s)"));
  /* Where the crontab was saved, for whoever must put it back by hand. */
  g_assert_nonnull (strstr (tw_action_result_get_message (result), "/saved/crontab-"));
  /* The bot's line is gone, the other job stays; the crontab was saved before. */
  table = read_table (f);
  g_assert_cmpstr (table, ==, OTHER_JOB "\n");
  g_assert_cmpuint (count_saved (f), ==, 1);
  tw_test_wait_until (!bot_alive (f), 5000);
  g_assert_true (has_outcome_row (f, "trading.halt", TW_AUDIT_OUTCOME_OK));
  tw_test_wait_until (state_is (f, TW_TRADING_HALTED), 10000);
  tw_test_wait_until (component_says (f, "process", "stopped"), 10000);
  g_assert_true (component_says (f, "crontab", "absent"));
  /* Halted is no fault: the service stays green. */
  tw_test_wait_until (tw_service_get_state (bot_service (f)) == TW_SERVICE_STATE_OK, 10000);

  /* Away from safety: refused without the checklist, nothing changes. */
  runner = tw_session_get_action_runner (f->session);
  request = tw_action_runner_new_request (runner, "trading.resume", SERVICE);
  tw_action_runner_run_async (runner, request, SERVICE, "trading.resume", NULL, NULL, on_ran, &refused);
  tw_test_wait_until (refused.done, 10000);
  g_assert_error (refused.error, TW_ERROR, TW_ERROR_REFUSED);
  g_clear_error (&refused.error);
  g_clear_pointer (&table, g_free);
  table = read_table (f);
  g_assert_cmpstr (table, ==, OTHER_JOB "\n");
  g_assert_true (has_outcome_row (f, "trading.resume", TW_AUDIT_OUTCOME_REFUSED));

  tw_guard_request_set_reason (request, "Root cause fixed: bad data regenerated, backtest green");
  tw_guard_request_set_checked (request, TW_GUARD_CHECK_ROOT_CAUSE, TRUE);
  tw_action_runner_run_async (runner, request, SERVICE, "trading.resume", NULL, NULL, on_ran, &resumed);
  tw_test_wait_until (resumed.done, 10000);
  g_assert_no_error (resumed.error);
  g_clear_pointer (&resumed.body, json_node_unref);
  g_clear_pointer (&table, g_free);
  table = read_table (f);
  g_assert_cmpstr (table, ==, original);
  g_assert_true (has_outcome_row (f, "trading.resume", TW_AUDIT_OUTCOME_OK));
  /* The entry alone is trading again (cron starts the bot at its time). */
  tw_test_wait_until (state_is (f, TW_TRADING_ACTIVE), 10000);

  /* Halted twice: the second has nothing to remove and saves nothing. */
  g_ptr_array_unref (halt.results);
  result = halt_all (f, &again);
  g_assert_cmpuint (tw_action_result_get_outcome (result), ==, TW_ACTION_OUTCOME_DONE);
  g_clear_pointer (&again.results, g_ptr_array_unref);
  again.done = FALSE;
  tw_test_wait_until (state_is (f, TW_TRADING_HALTED), 10000);
  result = halt_all (f, &again);
  g_assert_cmpuint (tw_action_result_get_outcome (result), ==, TW_ACTION_OUTCOME_ALREADY);
  g_assert_true (g_str_has_prefix (tw_action_result_get_message (result), "Halted: no crontab line matches"));
  g_assert_cmpuint (count_saved (f), ==, 2);
  g_clear_pointer (&again.results, g_ptr_array_unref);
}

/* A crontab that cannot be written: the halt failed, and the console and the audit log
 * say so; the table is as it was and a saved copy exists. */
static void
test_crontab_fails (Fixture       *f,
                    gconstpointer  data)
{
  Wait halt = { 0, };
  g_autofree char *refuse = path_in (f, "crontab.refuse");
  g_autofree char *original = read_table (f);
  g_autofree char *table = NULL;
  TwActionResult *result;

  write_file (refuse, "", 0600);
  open_session (f);
  result = halt_all (f, &halt);
  g_test_message ("%s", tw_action_result_get_message (result));
  g_assert_cmpuint (tw_action_result_get_outcome (result), ==, TW_ACTION_OUTCOME_FAILED);
  g_assert_false (tw_action_result_get_ok (result));
  g_assert_nonnull (strstr (tw_action_result_get_message (result),
                            "Could not remove the bot's lines from the crontab"));
  g_assert_nonnull (strstr (tw_action_result_get_message (result), "no space left"));
  g_assert_true (has_outcome_row (f, "trading.halt", TW_AUDIT_OUTCOME_FAILED));
  g_assert_false (has_outcome_row (f, "trading.halt", TW_AUDIT_OUTCOME_OK));
  table = read_table (f);
  g_assert_cmpstr (table, ==, original);
  g_assert_cmpuint (count_saved (f), ==, 1);
  /* The session's failure names it, for the alert and the Breakers page. */
  g_assert_nonnull (tw_session_get_halt_failure (f->session));
  g_ptr_array_unref (halt.results);
}

static gboolean
has_state_error (Fixture *f)
{
  g_autofree char *error = NULL;

  if (state_of (f) == NULL)
    return FALSE;
  g_object_get (state_of (f), "last-error", &error, NULL);
  return error != NULL;
}

/* A crontab that cannot even be read: the state is not guessed. */
static void
test_crontab_unreadable (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *broken = path_in (f, "crontab.broken");
  g_autofree char *error = NULL;

  write_file (broken, "", 0600);
  open_session (f);
  tw_test_wait_until (has_state_error (f), 10000);
  g_object_get (state_of (f), "last-error", &error, NULL);
  g_assert_nonnull (strstr (error, "Could not read the crontab"));
  g_assert_nonnull (strstr (error, "cannot open spool"));
  g_assert_false (state_is (f, TW_TRADING_HALTED));
}

/* A process that ignores pkill's TERM: the entry is gone but the halt failed, and says
 * what to do. */
static void
test_process_survives (Fixture       *f,
                       gconstpointer  data)
{
  Wait halt = { 0, };
  g_autofree char *table = NULL;
  TwActionResult *result;

  start_bot (f, stubborn_bot);
  open_session (f);
  result = halt_all (f, &halt);
  g_assert_cmpuint (tw_action_result_get_outcome (result), ==, TW_ACTION_OUTCOME_FAILED);
  g_assert_nonnull (strstr (tw_action_result_get_message (result), "is still running"));
  g_assert_nonnull (strstr (tw_action_result_get_message (result), "pkill -KILL -f"));
  g_assert_true (has_outcome_row (f, "trading.halt", TW_AUDIT_OUTCOME_FAILED));
  g_assert_true (bot_alive (f));
  table = read_table (f);
  g_assert_cmpstr (table, ==, OTHER_JOB "\n");
  g_ptr_array_unref (halt.results);
}

static gboolean
has_alert (Fixture    *f,
           const char *component)
{
  g_autofree char *key = g_strdup_printf (":" SERVICE ":%s", component);

  for (guint i = 0; i < f->alerts->len; i++)
    if (g_str_has_suffix (tw_alert_get_key (g_ptr_array_index (f->alerts, i)), key))
      return TRUE;
  return FALSE;
}

/* Health: fresh data and 600 credentials are OK; a credential file readable by others is
 * a critical alert; old data a stale component. */
static void
test_health (Fixture       *f,
             gconstpointer  data)
{
  TwService *service = tw_profile_lookup_service (f->profile, SERVICE);
  g_autofree char *reddit = path_in (f, ".reddit_config.enc");
  g_autofree char *data_file = path_in (f, "processed_stock_data.csv");
  struct utimbuf old = { 0, };
  TwComponent *component;

  open_session (f);
  tw_test_wait_until (tw_service_get_state (service) == TW_SERVICE_STATE_OK, 10000);
  g_assert_cmpuint (g_list_model_get_n_items (tw_service_get_components (service)), ==, 5);
  /* No bot process in this test: stopped, and that is no fault. */
  g_assert_true (component_says (f, "process", "stopped"));
  g_assert_false (has_alert (f, "credentials"));

  g_assert_cmpint (g_chmod (reddit, 0644), ==, 0);
  old.actime = old.modtime = time (NULL) - 5 * 86400;
  g_assert_cmpint (g_utime (data_file, &old), ==, 0);
  tw_test_wait_until (has_alert (f, "credentials"), 10000);
  component = find_component (service, "credentials");
  g_assert_cmpint (tw_component_get_health (component), ==, TW_HEALTH_DOWN);
  g_assert_nonnull (strstr (tw_component_get_detail (component), ".reddit_config.enc 644"));
  g_assert_nonnull (strstr (tw_component_get_detail (component), "chmod 600"));
  component = find_component (service, "data");
  g_assert_cmpint (tw_component_get_health (component), ==, TW_HEALTH_DEGRADED);
  g_assert_cmpstr (tw_component_get_status (component), ==, "stale");
  for (guint i = 0; i < f->alerts->len; i++)
    {
      TwAlert *alert = g_ptr_array_index (f->alerts, i);

      if (g_str_has_suffix (tw_alert_get_key (alert), ":credentials"))
        {
          g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_CRITICAL);
          g_assert_nonnull (strstr (tw_alert_get_body (alert), "chmod 600"));
        }
    }
}

/* A flatpak-spawn(1) of the test's own, in its bin/: it notes how it was called, then
 * runs the command after its options with the environment they set, as the host would. */
static const char fake_flatpak_spawn[] =
  "#!/bin/sh\n"
  "root=$(dirname \"$0\")/..\n"
  "echo \"$*\" >> \"$root/flatpak-spawn.log\"\n"
  "while [ $# -gt 0 ]; do\n"
  "  case \"$1\" in\n"
  "    --) shift; break ;;\n"
  "    --env=*) export \"${1#--env=}\"; shift ;;\n"
  "    --*) shift ;;\n"
  "    *) break ;;\n"
  "  esac\n"
  "done\n"
  "exec \"$@\"\n";

/* Runs the console as if inside the Flatpak sandbox: a /.flatpak-info of the test's
 * own (TW_TEST_FLATPAK_INFO), granting org.freedesktop.Flatpak when @granted. */
static void
pretend_sandboxed (Fixture  *f,
                   gboolean  granted)
{
  g_autofree char *info = path_in (f, "flatpak-info");
  g_autofree char *spawn = g_build_filename (f->dir, "bin", "flatpak-spawn", NULL);
  g_autofree char *text = g_strdup_printf ("[Application]\nname=%s\n\n[Context]\nshared=network;ipc;\n%s",
                                           APP_ID, granted ? "\n[Session Bus Policy]\n"
                                                             "org.freedesktop.Flatpak=talk\n" : "");

  write_file (info, text, 0644);
  write_file (spawn, fake_flatpak_spawn, 0755);
  g_setenv ("TW_TEST_FLATPAK_INFO", info, TRUE);
  /* The console finds flatpak-spawn in its own PATH, as in the sandbox (/usr/bin). */
  {
    g_autofree char *bin = g_path_get_dirname (spawn);
    g_autofree char *path = g_strconcat (bin, ":", g_getenv ("PATH"), NULL);

    f->saved_path = g_strdup (g_getenv ("PATH"));
    g_setenv ("PATH", path, TRUE);
  }
}

static char *
state_error (Fixture *f)
{
  char *error = NULL;

  g_object_get (state_of (f), "last-error", &error, NULL);
  return error;
}

static gboolean
spawn_logged (Fixture *f)
{
  g_autofree char *log = path_in (f, "flatpak-spawn.log");

  return g_file_test (log, G_FILE_TEST_EXISTS);
}

/* In the sandbox, a profile that does not allow host commands: nothing runs, and the
 * state says what to change. */
static void
test_sandboxed_refused (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *error = NULL;
  g_autofree char *table = read_table (f);
  g_autofree char *after = NULL;

  pretend_sandboxed (f, TRUE);
  g_assert_false (tw_profile_get_host_commands (f->profile));
  open_session (f);
  tw_test_wait_until (has_state_error (f), 10000);
  error = state_error (f);
  g_assert_nonnull (strstr (error, "Cron bot is run by commands on this computer. "
                                   "This profile does not allow host commands: “crontab”"));
  g_assert_nonnull (strstr (error, "HostCommands=true"));
  g_assert_false (state_is (f, TW_TRADING_HALTED));
  g_assert_false (spawn_logged (f));
  after = read_table (f);
  g_assert_cmpstr (after, ==, table);
  g_unsetenv ("TW_TEST_FLATPAK_INFO");
}

/* Allowed by the profile, but the sandbox may not reach flatpak-spawn's service:
 * the state says which override to grant. */
static void
test_sandboxed_not_granted (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *error = NULL;

  pretend_sandboxed (f, FALSE);
  tw_profile_set_host_commands (f->profile, TRUE);
  open_session (f);
  tw_test_wait_until (has_state_error (f), 10000);
  error = state_error (f);
  g_assert_nonnull (strstr (error, "flatpak override --user --talk-name=org.freedesktop.Flatpak " APP_ID));
  g_assert_false (spawn_logged (f));
  g_unsetenv ("TW_TEST_FLATPAK_INFO");
}

/* Allowed and granted: every command goes through flatpak-spawn --host, and the state is
 * read as outside the sandbox. */
static void
test_sandboxed_allowed (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *log_path = path_in (f, "flatpak-spawn.log");
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;

  pretend_sandboxed (f, TRUE);
  tw_profile_set_host_commands (f->profile, TRUE);
  g_assert_true (tw_service_get_host_commands (bot_service (f)));
  start_bot (f, fake_bot);
  open_session (f);
  tw_test_wait_until (state_is (f, TW_TRADING_ACTIVE) || has_state_error (f), 10000);
  if (has_state_error (f))
    {
      g_autofree char *error = state_error (f);

      g_error ("The state was not read through flatpak-spawn: %s", error);
    }
  g_assert_true (g_file_get_contents (log_path, &log, NULL, NULL));
  lines = g_strsplit (log, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >=, 2);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    g_assert_true (g_str_has_prefix (lines[i], "--host --env=LC_ALL=C --env=PATH="));
  g_assert_nonnull (strstr (log, " --watch-bus -- crontab -l\n"));
  g_unsetenv ("TW_TEST_FLATPAK_INFO");
}

/* One command alone: its timeout kills it; a missing program says so. */
static void
on_command (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;
  TwCommandOutput *output = tw_command_run_finish (result, &wait->error);

  g_assert_null (output);
  wait->done = TRUE;
}

static void
test_command (void)
{
  const char * const sleeper[] = { "sleep", "30", NULL };
  const char * const missing[] = { "no-such-program-tw", NULL };
  TwCommandSpec spec = { sleeper, NULL, NULL, FALSE, 300 };
  Wait slow = { 0, }, absent = { 0, };
  gint64 start = g_get_monotonic_time ();

  tw_command_run_async (&spec, NULL, on_command, &slow);
  tw_test_wait_until (slow.done, 10000);
  g_assert_error (slow.error, TW_ERROR, TW_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_clear_error (&slow.error);

  spec.argv = missing;
  tw_command_run_async (&spec, NULL, on_command, &absent);
  tw_test_wait_until (absent.done, 10000);
  g_assert_error (absent.error, TW_ERROR, TW_ERROR_NOT_FOUND);
  g_clear_error (&absent.error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/cron-bot/load", test_load);
  g_test_add_func ("/tw/core/cron-bot/command", test_command);
  g_test_add ("/tw/core/cron-bot/profile", Fixture, NULL, fixture_setup, test_profile, fixture_teardown);
  g_test_add ("/tw/core/cron-bot/halt-resume", Fixture, "broker", fixture_setup, test_halt_resume, fixture_teardown);
  g_test_add ("/tw/core/cron-bot/crontab-fails", Fixture, NULL, fixture_setup, test_crontab_fails, fixture_teardown);
  g_test_add ("/tw/core/cron-bot/crontab-unreadable", Fixture, NULL, fixture_setup, test_crontab_unreadable, fixture_teardown);
  g_test_add ("/tw/core/cron-bot/process-survives", Fixture, NULL, fixture_setup, test_process_survives, fixture_teardown);
  g_test_add ("/tw/core/cron-bot/health", Fixture, NULL, fixture_setup, test_health, fixture_teardown);
  g_test_add ("/tw/core/cron-bot/sandboxed-refused", Fixture, NULL, fixture_setup, test_sandboxed_refused, fixture_teardown);
  g_test_add ("/tw/core/cron-bot/sandboxed-not-granted", Fixture, NULL, fixture_setup, test_sandboxed_not_granted, fixture_teardown);
  g_test_add ("/tw/core/cron-bot/sandboxed-allowed", Fixture, NULL, fixture_setup, test_sandboxed_allowed, fixture_teardown);

  return g_test_run ();
}
