/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The simulated firm's SQLite databases (src/sim/tw-sim-demo-db.h). */
#include "config.h"

#include <sqlite3.h>
#include <glib/gstdio.h>

#include "tw-backup-manager.h"
#include "tw-sim-demo-db.h"
#include "tw-test-util.h"

static gint64
count_rows (const char *path,
            const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* Waits for the simulator's writer to append to @table of @path. */
static void
wait_append (const char *path,
             const char *table)
{
  gint64 n = count_rows (path, table);

  tw_test_wait_until (count_rows (path, table) > n, 10000);
}

/* A request to @flavor: the writer turns it into an audit event of the flavor's database
 * in the next batch it gathers (unless the flavor is halted). */
static void
poke (TwSimThread *sim,
      const char  *flavor,
      const char  *path)
{
  g_autoptr(JsonNode) answer = tw_test_sim_request (sim, flavor, "GET", path, NULL);
}

static char *
journal_mode (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *mode = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    mode = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return mode;
}

/* In the data directory given by the environment: both databases, WAL, rows that grow
 * while trading and stop while halted; a restore can take them while halted. */
static void
test_demo_db (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tw-demo-db-XXXXXX", &error);
  g_autofree char *investiq = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *mode = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(TwBackupManager) manager = tw_backup_manager_new (NULL, "demo", TW_MODE_PAPER);
  g_autoptr(TwBackup) backup = NULL;
  g_autoptr(TwBackup) pre_restore = NULL;
  TwSimThread *sim;
  gint64 trades, events, ibkr_events;

  g_assert_no_error (error);
  g_setenv ("TW_SIM_DATA_DIR", dir, TRUE);
  g_assert_cmpstr (tw_sim_get_data_dir (), ==, dir);
  tw_sim_demo_db_set_interval (200);
  investiq = g_build_filename (dir, TW_SIM_DEMO_DB_INVESTIQ, NULL);
  audit = g_build_filename (dir, TW_SIM_DEMO_DB_AUDIT, NULL);

  sim = tw_test_sim_start ();
  g_assert_true (g_file_test (investiq, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (audit, G_FILE_TEST_IS_REGULAR));
  mode = journal_mode (investiq);
  g_assert_cmpstr (mode, ==, "wal");
  /* Some history from the start. */
  g_assert_cmpint (count_rows (investiq, "trades"), >=, 200);
  g_assert_cmpint (count_rows (investiq, "trade_outcomes"), ==, 0);
  g_assert_cmpint (count_rows (audit, "audit_events"), >=, 100);

  /* Trading: trades arrive; requests become audit events of their service. */
  trades = count_rows (investiq, "trades");
  events = count_rows (investiq, "audit_events");
  ibkr_events = count_rows (audit, "audit_events");
  answer = tw_test_sim_request (sim, "investiq", "GET", "/api/risk/circuit-breakers", NULL);
  g_clear_pointer (&answer, json_node_unref);
  answer = tw_test_sim_request (sim, "ibkr-assistant", "GET", "/api/v1/kill-switch/status", NULL);
  g_clear_pointer (&answer, json_node_unref);
  tw_test_wait_until (count_rows (investiq, "trades") > trades, 10000);
  tw_test_wait_until (count_rows (investiq, "audit_events") > events, 10000);
  tw_test_wait_until (count_rows (audit, "audit_events") > ibkr_events, 10000);

  /* The kill switch stops the assistant's log. InvestIQ, still trading, is the clock:
   * the writer appends one batch at a time, InvestIQ's part then the assistant's, so once
   * the batch holding a request made after the assistant's own has put it in InvestIQ's
   * audit and the next batch is in, that batch's part for the assistant is written. */
  answer = tw_test_sim_request (sim, "ibkr-assistant", "POST", "/api/v1/kill-switch/activate",
                                "{\"reason\":\"demo db test\",\"activated_by\":\"test\"}");
  g_clear_pointer (&answer, json_node_unref);
  poke (sim, "investiq", "/health");
  wait_append (investiq, "audit_events");
  wait_append (investiq, "trades");
  ibkr_events = count_rows (audit, "audit_events");
  poke (sim, "ibkr-assistant", "/api/v1/kill-switch/status");
  poke (sim, "investiq", "/health");
  wait_append (investiq, "audit_events");
  wait_append (investiq, "trades");
  g_assert_cmpint (count_rows (audit, "audit_events"), ==, ibkr_events);

  /* Halted: InvestIQ writes nothing more. The assistant (its kill switch reset) is the
   * clock now: a batch holding a request made after InvestIQ's wrote InvestIQ's part
   * (nothing) before the assistant's. */
  tw_test_sim_scenario (sim, "{\"name\":\"reset\"}");
  answer = tw_test_sim_request (sim, "investiq", "POST", "/api/risk/trading-halt",
                                "{\"halt\":true,\"reason\":\"demo db test\"}");
  g_clear_pointer (&answer, json_node_unref);
  poke (sim, "investiq", "/health");
  poke (sim, "ibkr-assistant", "/api/v1/kill-switch/status");
  wait_append (audit, "audit_events");
  trades = count_rows (investiq, "trades");
  events = count_rows (investiq, "audit_events");
  poke (sim, "investiq", "/health");
  poke (sim, "ibkr-assistant", "/api/v1/kill-switch/status");
  wait_append (audit, "audit_events");
  g_assert_cmpint (count_rows (investiq, "trades"), ==, trades);
  g_assert_cmpint (count_rows (investiq, "audit_events"), ==, events);

  /* Nobody holds the database while halted: the restore's pre-flight lets it through. */
  backup = tw_backup_manager_create (manager, investiq, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tw_backup_manager_restore (manager, investiq, tw_backup_get_path (backup), NULL,
                                            "demo database test", TW_RESTORE_TRADING_HALTED,
                                            &pre_restore, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (investiq, "trades"), ==, trades);

  /* Resumed: it trades again, into the restored file. */
  answer = tw_test_sim_request (sim, "investiq", "POST", "/api/risk/trading-halt",
                                "{\"halt\":false,\"reason\":\"demo db test over\"}");
  g_clear_pointer (&answer, json_node_unref);
  tw_test_wait_until (count_rows (investiq, "trades") > trades, 10000);

  tw_sim_thread_stop (sim);
  /* A directory given to the simulator is the caller's: kept. */
  g_assert_true (g_file_test (investiq, G_FILE_TEST_IS_REGULAR));
  g_unsetenv ("TW_SIM_DATA_DIR");

  {
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    g_autofree char *backups = g_build_filename (dir, "backups", NULL);
    g_autoptr(GDir) backup_listing = g_dir_open (backups, 0, NULL);
    const char *name;

    while (backup_listing != NULL && (name = g_dir_read_name (backup_listing)) != NULL)
      {
        g_autofree char *path = g_build_filename (backups, name, NULL);

        g_unlink (path);
      }
    g_rmdir (backups);
    while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);

        g_unlink (path);
      }
    g_rmdir (dir);
  }
}

/* Without a directory: a private temporary one, removed when the simulator stops. */
static void
test_temp_dir (void)
{
  TwSimThread *sim;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;

  g_unsetenv ("TW_SIM_DATA_DIR");
  sim = tw_test_sim_start ();
  dir = g_strdup (tw_sim_get_data_dir ());
  base = g_path_get_basename (dir);
  g_assert_true (g_str_has_prefix (base, "tradewarden-demo-"));
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  tw_sim_thread_stop (sim);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/sim/demo-db/write-halt-restore", test_demo_db);
  g_test_add_func ("/tw/sim/demo-db/temp-dir", test_temp_dir);

  return g_test_run ();
}
