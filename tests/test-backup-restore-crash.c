/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Crash safety of the restore: the restore runs in a child process (this binary re-executed)
 * that is killed with SIGKILL; after each kill the database must open, pass its integrity
 * check, and hold either the old or the new content — and whenever it holds the new one,
 * the pre-restore backup of the old one must exist.
 *
 * The kills aim: the child reports each point of the restore's test hook on its stdout and
 * stops at the one it was told to, where the parent kills it — every step, the sidecar
 * removal → rename window and the put-back after a failed post-verify (forced through the
 * hook) are each hit several times. Random kills come on top, with a short pause at every
 * point to widen the windows between steps. The target is in WAL mode with a live -wal
 * (rows committed but not checkpointed), as a running service leaves it. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "tw-backup-manager.h"
#include "tw-backup-private.h"
#include "tw-error.h"
#include "tw-backup-test-helpers.h"

#define AIMED_KILLS_PER_POINT 4
#define RANDOM_KILLS          24

static const char *restore_points[] = {
  "locked", "pre-backup", "built", "sidecars-removed", "renamed", "post-verify",
};
static const char *put_back_points[] = {
  "put-back-built", "put-back-sidecars-removed", "put-back-renamed",
};

static char *self_exe;

typedef struct
{
  const char *stop_at;     /* wait there to be killed */
  guint       pause_ms;    /* pause at every point */
  gboolean    fail_check;  /* fail the post-verify: the put-back runs */
} ChildHook;

static gboolean
child_hook (const char *point,
            gpointer    data)
{
  ChildHook *hook = data;

  printf ("%s\n", point);
  fflush (stdout);
  if (g_strcmp0 (point, hook->stop_at) == 0)
    g_usleep (30 * G_USEC_PER_SEC);   /* fixed-delay: the parent kills us here */
  if (hook->pause_ms > 0)
    g_usleep (hook->pause_ms * 1000);   /* fixed-delay: room for a random kill */

  return !(hook->fail_check && g_str_equal (point, "post-verify"));
}

static int
restore_child (const char *db,
               const char *backup,
               const char *audit_path,
               const char *stop_at,
               const char *pause_ms,
               const char *fail_check)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwAuditLog) audit = tw_audit_log_open (audit_path, &error);
  g_autoptr(TwBackupManager) manager = NULL;
  ChildHook hook = { NULL, 0, FALSE };

  if (audit == NULL)
    return 3;
  hook.stop_at = g_str_equal (stop_at, "-") ? NULL : stop_at;
  hook.pause_ms = (guint) g_ascii_strtoull (pause_ms, NULL, 10);
  hook.fail_check = g_str_equal (fail_check, "1");
  _tw_backup_restore_set_test_hook (child_hook, &hook);

  manager = tw_backup_manager_new (audit, "crash-test", TW_MODE_PAPER);
  if (!tw_backup_manager_restore (manager, db, backup, NULL, "crash test",
                                  TW_RESTORE_TRADING_HALTED, NULL, NULL, NULL, NULL, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  return 0;
}

static char *
integrity (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK
      && sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else
    result = g_strdup (sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return result;
}

static void
copy_file (const char *src,
           const char *dest)
{
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (src, &data, &len, NULL));
  g_assert_true (g_file_set_contents (dest, data, len, NULL));
}

/* The database as it was before the restore: fresh copy, no sidecars, no pre-restore backups. */
static void
reset (const char *dir,
       const char *template_db,
       const char *db,
       const char *backups)
{
  g_autofree char *template_wal = g_strconcat (template_db, "-wal", NULL);
  g_autofree char *db_wal = g_strconcat (db, "-wal", NULL);
  g_autoptr(GDir) listing = NULL;
  const char *name;

  for (const char *suffix = "-wal"; suffix != NULL;
       suffix = g_strcmp0 (suffix, "-wal") == 0 ? "-shm" : g_strcmp0 (suffix, "-shm") == 0 ? "-journal" : NULL)
    {
      g_autofree char *side = g_strconcat (db, suffix, NULL);

      g_unlink (side);
    }
  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, ".investiq.db.tw-restore-"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);

        g_unlink (path);
      }
  g_clear_pointer (&listing, g_dir_close);
  listing = g_dir_open (backups, 0, NULL);
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (backups, name, NULL);

      g_unlink (path);
    }
  copy_file (template_db, db);
  copy_file (template_wal, db_wal);
}

/* A WAL database with a live -wal: @path and @path-wal as a running service leaves them,
 * with rows committed to the WAL and not yet checkpointed into the main file. */
static void
make_live_wal_template (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *saved_main = g_strconcat (path, ".main", NULL);
  g_autofree char *saved_wal = g_strconcat (path, ".wal", NULL);
  sqlite3 *db = NULL;

  tw_test_make_db (path, 6000, 300, TRUE, 1);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA wal_autocheckpoint=0;"
                                 "INSERT INTO items (name, payload) SELECT 'live-' || id, payload "
                                 "FROM items WHERE id <= 400;"
                                 "UPDATE ledger SET amount = -amount WHERE id % 7 = 0;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  /* Copied while the connection is open: closing it would checkpoint the WAL away. */
  copy_file (path, saved_main);
  copy_file (wal, saved_wal);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  copy_file (saved_main, path);
  copy_file (saved_wal, wal);
  g_unlink (saved_main);
  g_unlink (saved_wal);
}

/* Starts the restore child. With @stop_at, returns once it has stopped there. */
static GPid
spawn_restore (const char *db,
               const char *backup,
               const char *audit,
               const char *stop_at,
               guint       pause_ms,
               gboolean    fail_check)
{
  g_autofree char *pause = g_strdup_printf ("%u", pause_ms);
  const char *argv[] = { self_exe, "--restore-child", db, backup, audit,
                         stop_at != NULL ? stop_at : "-", pause, fail_check ? "1" : "0", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOChannel) channel = NULL;
  gboolean reached = FALSE;
  GPid pid;
  int out_fd = -1;

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                            G_SPAWN_DO_NOT_REAP_CHILD
                            | (stop_at == NULL ? G_SPAWN_STDOUT_TO_DEV_NULL : 0),
                            NULL, NULL, &pid, NULL, stop_at != NULL ? &out_fd : NULL, NULL, &error);
  g_assert_no_error (error);
  if (stop_at == NULL)
    return pid;

  channel = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (channel, TRUE);
  while (!reached)
    {
      g_autofree char *line = NULL;

      if (g_io_channel_read_line (channel, &line, NULL, NULL, NULL) != G_IO_STATUS_NORMAL)
        break;
      reached = g_str_equal (g_strchomp (line), stop_at);
    }
  g_assert_true (reached);   /* every aimed point is on the path of the run */

  return pid;
}

static int
wait_child (GPid pid)
{
  int status = 0;

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  return status;
}

/* The pre-restore backup in @backups, or NULL. */
static char *
find_pre_restore (const char *backups)
{
  g_autoptr(GDir) listing = g_dir_open (backups, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, "-pre-restore.db") && name[0] != '.')
      return g_build_filename (backups, name, NULL);

  return NULL;
}

typedef struct
{
  const char *db;
  const char *backups;
  const char *backup_path;
  const char *old_sum;
  const char *new_sum;
  guint       n_old;
  guint       n_new;
  guint       n_kills;
} Run;

/* After a kill: the database opens, is ok, holds the old or the new content, and the
 * pre-restore backup holds the old content whenever the new one is in place. */
static void
check_after_kill (Run        *run,
                  const char *what)
{
  g_autofree char *check = integrity (run->db);
  g_autofree char *sum = NULL;

  run->n_kills++;
  if (g_strcmp0 (check, "ok") != 0)
    g_error ("after a kill %s: integrity check says %s", what, check);
  sum = tw_test_content_checksum (run->db);
  g_assert_nonnull (sum);
  if (g_str_equal (sum, run->new_sum))
    {
      g_autofree char *pre = find_pre_restore (run->backups);
      g_autofree char *pre_sum = NULL;

      run->n_new++;
      if (pre == NULL)
        g_error ("after a kill %s: the new database is in place without a pre-restore backup", what);
      pre_sum = tw_test_content_checksum (pre);
      g_assert_cmpstr (pre_sum, ==, run->old_sum);
    }
  else if (g_str_equal (sum, run->old_sum))
    run->n_old++;
  else
    g_error ("after a kill %s: the database holds neither the old nor the new content", what);
}

static void
test_sigkill (void)
{
  g_autofree char *dir = tw_test_temp_dir ();
  g_autofree char *other = tw_test_temp_dir ();
  g_autofree char *db = g_build_filename (dir, "investiq.db", NULL);
  g_autofree char *db_wal = g_build_filename (dir, "investiq.db-wal", NULL);
  g_autofree char *backups = g_build_filename (dir, "backups", NULL);
  g_autofree char *template_db = g_build_filename (other, "template.db", NULL);
  g_autofree char *new_db = g_build_filename (other, "investiq.db", NULL);
  g_autofree char *audit_path = g_build_filename (other, "audit.db", NULL);
  g_autofree char *old_sum = NULL;
  g_autofree char *new_sum = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackupManager) manager = tw_backup_manager_new (NULL, "crash-test", TW_MODE_PAPER);
  g_autoptr(TwBackup) backup = NULL;
  g_autoptr(TwAuditLog) audit = NULL;
  GStatBuf st;
  Run run = { 0, };
  gint64 start, duration, test_start = g_get_monotonic_time ();
  int status;

  /* Old (with a live WAL) and new content, a few MB each, so that a restore takes a while. */
  make_live_wal_template (template_db);
  tw_test_make_db (new_db, 6500, 300, TRUE, 2);
  new_sum = tw_test_content_checksum (new_db);
  backup = tw_backup_manager_create (manager, new_db, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  reset (dir, template_db, db, backups);
  g_assert_cmpint (g_stat (db_wal, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 0);   /* the target has a live WAL */
  old_sum = tw_test_content_checksum (db);
  g_assert_cmpstr (old_sum, !=, new_sum);
  {
    /* the WAL's rows are part of the old content */
    g_autofree char *live = NULL;

    reset (dir, template_db, db, backups);
    live = tw_test_sqlite3 (db, "SELECT count(*) FROM items WHERE name LIKE 'live-%'", NULL);
    g_assert_cmpstr (live, ==, "400");
  }

  run.db = db;
  run.backups = backups;
  run.backup_path = tw_backup_get_path (backup);
  run.old_sum = old_sum;
  run.new_sum = new_sum;

  /* One full run to learn how long a restore takes here. */
  reset (dir, template_db, db, backups);
  start = g_get_monotonic_time ();
  status = wait_child (spawn_restore (db, run.backup_path, audit_path, NULL, 0, FALSE));
  duration = g_get_monotonic_time () - start;
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  {
    g_autofree char *restored = tw_test_content_checksum (db);

    g_assert_cmpstr (restored, ==, new_sum);
  }
  g_test_message ("a restore of %" G_GUINT64_FORMAT " bytes takes %" G_GINT64_FORMAT " ms",
                  tw_backup_get_size (backup), duration / 1000);

  /* The put-back path, to its end: the old content is back. */
  reset (dir, template_db, db, backups);
  status = wait_child (spawn_restore (db, run.backup_path, audit_path, NULL, 0, TRUE));
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  {
    g_autofree char *put_back = tw_test_content_checksum (db);

    g_assert_cmpstr (put_back, ==, old_sum);
  }

  /* Aimed kills: at every point of the restore, and of the put-back. */
  for (guint k = 0; k < AIMED_KILLS_PER_POINT; k++)
    for (guint p = 0; p < G_N_ELEMENTS (restore_points) + G_N_ELEMENTS (put_back_points); p++)
      {
        gboolean put_back = p >= G_N_ELEMENTS (restore_points);
        const char *point = put_back ? put_back_points[p - G_N_ELEMENTS (restore_points)]
                                     : restore_points[p];
        /* the first kill lands as the child stops there, the others a little later */
        gint64 delay = k == 0 ? 0 : g_test_rand_int_range (0, 3000);
        g_autofree char *what = g_strdup_printf ("at %s (+%" G_GINT64_FORMAT " us)", point, delay);
        GPid pid;

        reset (dir, template_db, db, backups);
        pid = spawn_restore (db, run.backup_path, audit_path, point, 0, put_back);
        g_usleep (delay);   /* fixed-delay: where the kill lands */
        kill (pid, SIGKILL);
        wait_child (pid);
        check_after_kill (&run, what);
      }

  /* Random kills over the whole run (a short pause at every point), half of them on the
   * put-back path. */
  for (int i = 0; i < RANDOM_KILLS; i++)
    {
      gboolean put_back = i % 2 == 1;
      gint64 delay = g_test_rand_int_range (0, (gint32) (duration * 15 / 10 + 6 * 10 * 1000));
      g_autofree char *what = g_strdup_printf ("after %" G_GINT64_FORMAT " us%s", delay,
                                               put_back ? " (put-back run)" : "");
      GPid pid;

      reset (dir, template_db, db, backups);
      pid = spawn_restore (db, run.backup_path, audit_path, NULL, 10, put_back);
      g_usleep (delay);   /* fixed-delay: where the kill lands */
      kill (pid, SIGKILL);
      wait_child (pid);
      check_after_kill (&run, what);
    }

  g_test_message ("%u kills in %" G_GINT64_FORMAT " s: %u left the old database, %u the new one",
                  run.n_kills, (g_get_monotonic_time () - test_start) / G_USEC_PER_SEC,
                  run.n_old, run.n_new);
  g_assert_cmpuint (run.n_kills, >=, 50);
  g_assert_cmpuint (run.n_old, >, 0);
  g_assert_cmpuint (run.n_new, >, 0);

  /* The audit log the killed children wrote to is still a valid chain. */
  audit = tw_audit_log_open (audit_path, &error);
  g_assert_no_error (error);
  g_assert_true (tw_audit_log_verify (audit, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  tw_test_remove_tree (dir);
  tw_test_remove_tree (other);
}

/* Issue 18 §6: a killed restore leaves a "requested" row with no outcome; the next start
 * (tw_backup_manager_recover, which the scheduler runs) gives it an "interrupted" one,
 * with the database's state checked — but never while the restore still runs. */
static void
test_interrupted (void)
{
  g_autofree char *dir = tw_test_temp_dir ();
  g_autofree char *db = g_build_filename (dir, "investiq.db", NULL);
  g_autofree char *new_db = g_build_filename (dir, "new.db", NULL);
  g_autofree char *audit_path = g_build_filename (dir, "audit.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TwAuditLog) audit = NULL;
  g_autoptr(TwBackupManager) manager = NULL;
  g_autoptr(TwBackup) backup = NULL;
  const char *points[] = { "pre-backup", "renamed", "post-verify" };

  tw_test_make_db (new_db, 500, 64, TRUE, 2);
  audit = tw_audit_log_open (audit_path, &error);
  g_assert_no_error (error);
  manager = tw_backup_manager_new (audit, "crash-test", TW_MODE_PAPER);
  backup = tw_backup_manager_create (manager, new_db, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint p = 0; p < G_N_ELEMENTS (points); p++)
    {
      TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
      g_autoptr(GListModel) rows = NULL;
      g_autoptr(TwAuditRecord) request = NULL;
      g_autoptr(TwAuditRecord) outcome = NULL;
      g_autofree char *check = NULL;
      guint n = 99;
      GPid pid;

      tw_test_make_db (db, 400, 64, TRUE, 1);
      pid = spawn_restore (db, tw_backup_get_path (backup), audit_path, points[p], 0, FALSE);

      /* Stopped there, alive: its restore is running, not interrupted. */
      g_assert_true (tw_backup_manager_recover (manager, db, NULL, &n, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (n, ==, 0);

      kill (pid, SIGKILL);
      wait_child (pid);

      g_assert_true (tw_backup_manager_recover (manager, db, NULL, &n, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (n, ==, 1);
      /* Once only. */
      g_assert_true (tw_backup_manager_recover (manager, db, NULL, &n, &error));
      g_assert_cmpuint (n, ==, 0);

      filter.action = "backup.restore";
      rows = tw_audit_log_query (audit, &filter, NULL, &error);
      g_assert_no_error (error);
      outcome = g_list_model_get_item (rows, 0);
      request = g_list_model_get_item (rows, 1);
      g_assert_cmpint (tw_audit_record_get_outcome (request), ==, TW_AUDIT_OUTCOME_REQUESTED);
      g_assert_cmpint (tw_audit_record_get_outcome (outcome), ==, TW_AUDIT_OUTCOME_INTERRUPTED);
      g_assert_cmpint (tw_audit_record_get_request_id (outcome), ==, tw_audit_record_get_id (request));
      g_test_message ("killed at %s: %s", points[p], tw_audit_record_get_message (outcome));
      g_assert_nonnull (strstr (tw_audit_record_get_message (outcome), "passes its integrity check"));
      /* After the audited replace step, the outcome says the new file is in place. */
      g_assert_true ((strstr (tw_audit_record_get_message (outcome), "was renamed over") != NULL)
                     == g_str_equal (points[p], "post-verify"));
      check = integrity (db);
      g_assert_cmpstr (check, ==, "ok");
    }

  g_assert_true (tw_audit_log_verify (audit, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&manager);
  tw_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  if (argc == 8 && g_strcmp0 (argv[1], "--restore-child") == 0)
    return restore_child (argv[2], argv[3], argv[4], argv[5], argv[6], argv[7]);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  self_exe = g_file_read_link ("/proc/self/exe", NULL);

  g_test_add_func ("/tw/core/backup-restore-crash/sigkill", test_sigkill);
  g_test_add_func ("/tw/core/backup-restore-crash/interrupted", test_interrupted);

  return g_test_run ();
}
