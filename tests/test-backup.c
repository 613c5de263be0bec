/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>

#include <utime.h>
#include <json-glib/json-glib.h>

#include "tw-backup-manager.h"
#include "tw-backup-private.h"
#include "tw-error.h"
#include "tw-backup-test-helpers.h"

static char *self_exe;

typedef struct
{
  char            *dir;
  char            *db;
  char            *backups;
  TwAuditLog      *audit;
  TwBackupManager *manager;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *audit_path = NULL;

  f->dir = tw_test_temp_dir ();
  f->db = g_build_filename (f->dir, "investiq.db", NULL);
  f->backups = g_build_filename (f->dir, "backups", NULL);
  audit_path = g_build_filename (f->dir, "audit.db", NULL);
  f->audit = tw_audit_log_open (audit_path, &error);
  g_assert_no_error (error);
  f->manager = tw_backup_manager_new (f->audit, "test", TW_MODE_PAPER);
  tw_test_make_db (f->db, 200, 64, TRUE, 1);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->manager);
  g_assert_finalize_object (f->audit);
  tw_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->backups);
}

static void
assert_sqlite3_ok (const char *path)
{
  int status = -1;
  g_autofree char *out = tw_test_sqlite3 (path, "PRAGMA integrity_check", &status);

  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, "ok");
}

static void
test_create_verify_list (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) first = NULL;
  g_autoptr(TwBackup) second = NULL;
  g_autoptr(TwBackup) checked = NULL;
  g_autoptr(GListModel) list = NULL;
  g_autoptr(TwBackup) newest = NULL;
  g_autofree char *wal = NULL;
  const char * const *tables;

  first = tw_backup_manager_create (f->manager, f->db, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  second = tw_backup_manager_create (f->manager, f->db, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* Default dir, NAME_YYYYMMDD_HHMMSS.db, a suffix when the second collides. */
  g_assert_true (g_str_has_prefix (tw_backup_get_path (first), f->backups));
  g_assert_true (g_str_has_prefix (tw_backup_get_name (first), "investiq_"));
  g_assert_nonnull (tw_backup_parse_name (tw_backup_get_name (first), "investiq", NULL));
  g_assert_cmpstr (tw_backup_get_name (first), !=, tw_backup_get_name (second));
  g_assert_cmpint (tw_backup_get_valid (first), ==, TW_BACKUP_VALIDITY_VALID);
  g_assert_cmpuint (tw_backup_get_size (first), >, 0);
  wal = g_strconcat (tw_backup_get_path (first), "-wal", NULL);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  assert_sqlite3_ok (tw_backup_get_path (first));
  assert_sqlite3_ok (tw_backup_get_path (second));
  {
    g_autofree char *mode = tw_test_sqlite3 (tw_backup_get_path (first), "PRAGMA journal_mode", NULL);

    g_assert_cmpstr (mode, ==, "delete");
  }

  checked = tw_backup_manager_verify (f->manager, tw_backup_get_path (first), FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tw_backup_get_valid (checked), ==, TW_BACKUP_VALIDITY_VALID);
  g_assert_null (tw_backup_get_problem (checked));
  tables = tw_backup_get_tables (checked);
  g_assert_cmpstr (tables[0], ==, "items");
  g_assert_cmpstr (tables[1], ==, "ledger");
  g_assert_null (tables[2]);
  g_assert_cmpint (tw_backup_get_row_count (checked, "items"), ==, 200);
  g_assert_cmpint (tw_backup_get_row_count (checked, "ledger"), ==, 200);
  g_assert_cmpint (tw_backup_get_row_count (checked, "nope"), ==, -1);
  g_assert_cmpint (tw_backup_get_total_rows (checked), ==, 400);
  g_assert_cmpuint (strlen (tw_backup_get_fingerprint (checked)), ==, 64);
  g_assert_cmpstr (tw_backup_get_fingerprint (checked), ==, tw_backup_get_fingerprint (second));

  /* A missing file is an error, not an invalid backup. */
  g_assert_null (tw_backup_manager_verify (f->manager, "/nonexistent/x.db", TRUE, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_NOT_FOUND);
  g_clear_error (&error);

  list = tw_backup_manager_list (f->manager, f->db, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);
  newest = g_list_model_get_item (list, 0);
  g_assert_cmpstr (tw_backup_get_name (newest), ==, tw_backup_get_name (second));
  g_assert_cmpint (tw_backup_get_valid (newest), ==, TW_BACKUP_VALIDITY_UNKNOWN);

  /* A missing database */
  g_assert_null (tw_backup_manager_create (f->manager, "/nonexistent/db.db", NULL, NULL, NULL,
                                           NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_NOT_FOUND);
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) backup = NULL;
  g_autoptr(TwBackup) pre = NULL;
  g_autoptr(GListModel) rows = NULL;
  g_autofree char *before = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *after = NULL;
  g_autofree char *pre_sum = NULL;
  g_autofree char *mode = NULL;
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  g_autoptr(TwAuditRecord) last = NULL;
  int status;
  TwRestoreOutcome outcome = TW_RESTORE_OUTCOME_CHECK;

  before = tw_test_content_checksum (f->db);
  backup = tw_backup_manager_create (f->manager, f->db, f->backups, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_free (tw_test_sqlite3 (f->db, "INSERT INTO items (name) VALUES ('new'); DELETE FROM ledger "
                           "WHERE id < 50;", &status));
  g_assert_cmpint (status, ==, 0);
  changed = tw_test_content_checksum (f->db);
  g_assert_cmpstr (changed, !=, before);

  g_assert_true (tw_backup_manager_restore (f->manager, f->db, tw_backup_get_path (backup), NULL,
                                            "roll back the bad import", TW_RESTORE_TRADING_HALTED,
                                            &pre, &outcome, NULL, NULL, NULL, &error));
  g_assert_cmpint (outcome, ==, TW_RESTORE_OUTCOME_RESTORED);
  g_assert_no_error (error);
  after = tw_test_content_checksum (f->db);
  g_assert_cmpstr (after, ==, before);
  assert_sqlite3_ok (f->db);
  mode = tw_test_sqlite3 (f->db, "PRAGMA journal_mode", NULL);
  g_assert_cmpstr (mode, ==, "wal");   /* the target's journal mode is kept */

  g_assert_nonnull (pre);
  g_assert_true (tw_backup_get_pre_restore (pre));
  g_assert_true (g_str_has_suffix (tw_backup_get_name (pre), "-pre-restore.db"));
  pre_sum = tw_test_content_checksum (tw_backup_get_path (pre));
  g_assert_cmpstr (pre_sum, ==, changed);
  assert_sqlite3_ok (tw_backup_get_path (pre));

  /* Audited: request, each step, outcome. */
  rows = tw_audit_log_query (f->audit, &filter, NULL, &error);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 7);
  last = g_list_model_get_item (rows, 0);
  g_assert_cmpstr (tw_audit_record_get_action (last), ==, "backup.restore");
  g_assert_cmpint (tw_audit_record_get_outcome (last), ==, TW_AUDIT_OUTCOME_OK);
  g_assert_cmpint (tw_audit_record_get_request_id (last), ==, 1);
  g_assert_cmpstr (tw_audit_record_get_reason (last), ==, "roll back the bad import");
  g_assert_true (tw_audit_log_verify (f->audit, NULL, NULL, NULL, &error));
}

static void
assert_files_equal (const char *a,
                    const char *b)
{
  g_autofree char *x = NULL, *y = NULL;
  gsize lx = 0, ly = 0;

  g_assert_true (g_file_get_contents (a, &x, &lx, NULL));
  g_assert_true (g_file_get_contents (b, &y, &ly, NULL));
  g_assert_cmpmem (x, lx, y, ly);
}

static void
corrupt_middle (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_cmpuint (len, >, 8 * 4096);
  for (gsize i = len / 2 - 3 * 4096; i < len / 2 + 3 * 4096; i++)
    data[i] = (char) (data[i] ^ 0x5a);
  g_assert_true (g_file_set_contents (path, data, len, NULL));
}

static void
test_corrupt (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) backup = NULL;
  g_autoptr(TwBackup) checked = NULL;
  g_autoptr(TwBackup) pre = NULL;
  g_autofree char *copy = g_build_filename (f->dir, "copy.db", NULL);
  g_autoptr(GListModel) list = NULL;
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  g_autoptr(GListModel) refused = NULL;
  TwRestoreOutcome outcome = TW_RESTORE_OUTCOME_CHECK;

  tw_test_make_db (f->db, 2000, 200, FALSE, 3);
  backup = tw_backup_manager_create (f->manager, f->db, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  corrupt_middle (tw_backup_get_path (backup));

  checked = tw_backup_manager_verify (f->manager, tw_backup_get_path (backup), FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tw_backup_get_valid (checked), ==, TW_BACKUP_VALIDITY_INVALID);
  g_assert_nonnull (tw_backup_get_problem (checked));

  g_assert_true (g_file_set_contents (copy, "", 0, NULL));
  g_unlink (copy);
  {
    const char *argv[] = { "cp", f->db, copy, NULL };
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
  }

  g_assert_false (tw_backup_manager_restore (f->manager, f->db, tw_backup_get_path (backup), NULL,
                                             "test a corrupt one", TW_RESTORE_TRADING_HALTED,
                                             &pre, &outcome, NULL, NULL, NULL, &error));
  g_assert_cmpint (outcome, ==, TW_RESTORE_OUTCOME_UNTOUCHED);
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "corrupt"));
  g_assert_nonnull (strstr (error->message, "not touched"));
  g_assert_null (pre);
  assert_files_equal (f->db, copy);

  /* Refused before anything was done: no pre-restore backup either. */
  list = tw_backup_manager_list (f->manager, f->db, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);

  filter.outcome = TW_AUDIT_OUTCOME_REFUSED;
  refused = tw_audit_log_query (f->audit, &filter, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (refused), ==, 1);
}

static void
test_not_halted (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) backup = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  backup = tw_backup_manager_create (f->manager, f->db, NULL, NULL, NULL, NULL, &error);
  g_free (tw_test_sqlite3 (f->db, "INSERT INTO items (name) VALUES ('x')", NULL));
  before = tw_test_content_checksum (f->db);

  g_assert_false (tw_backup_manager_restore (f->manager, f->db, tw_backup_get_path (backup), NULL,
                                             "reason", TW_RESTORE_NONE, NULL, NULL, NULL, NULL, NULL,
                                             &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "halted"));
  g_clear_error (&error);

  g_assert_false (tw_backup_manager_restore (f->manager, f->db, tw_backup_get_path (backup), NULL,
                                             "  ", TW_RESTORE_TRADING_HALTED, NULL, NULL, NULL, NULL,
                                             NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "reason"));

  after = tw_test_content_checksum (f->db);
  g_assert_cmpstr (before, ==, after);
}

static void
test_held (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) backup = NULL;
  const char *argv[] = { self_exe, "--hold", f->db, NULL };
  g_autofree char *before = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *after = NULL;
  GPid pid;
  int out_fd;
  char c;

  backup = tw_backup_manager_create (f->manager, f->db, NULL, NULL, NULL, NULL, &error);
  before = tw_test_content_checksum (f->db);

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (read (out_fd, &c, 1), ==, 1);   /* the child has the database open */

  g_assert_false (tw_backup_manager_restore (f->manager, f->db, tw_backup_get_path (backup), NULL,
                                             "reason", TW_RESTORE_TRADING_HALTED, NULL, NULL, NULL,
                                             NULL, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  expected = g_strdup_printf ("held by process %d (", pid);
  g_assert_nonnull (strstr (error->message, expected));
  g_test_message ("%s", error->message);

  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  g_spawn_close_pid (pid);
  close (out_fd);

  after = tw_test_content_checksum (f->db);
  g_assert_cmpstr (before, ==, after);
}

static void
make_named_copy (const char *src,
                 const char *dir,
                 const char *name)
{
  g_autofree char *data = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  gsize len;

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_get_contents (src, &data, &len, NULL));
  g_assert_true (g_file_set_contents (path, data, len, NULL));
}

static void
test_retention (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) backup = NULL;
  g_autoptr(TwBackup) fresh = NULL;
  g_autoptr(GPtrArray) deleted = NULL;
  g_autoptr(GListModel) list = NULL;
  g_autoptr(TwBackup) kept = NULL;
  g_autofree char *corrupt = NULL;

  backup = tw_backup_manager_create (f->manager, f->db, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  make_named_copy (tw_backup_get_path (backup), f->backups, "investiq_20200101_000000.db");
  make_named_copy (tw_backup_get_path (backup), f->backups, "investiq_20200102_000000.db");
  corrupt = g_build_filename (f->backups, "investiq_20200103_000000.db", NULL);
  g_assert_true (g_file_set_contents (corrupt, "not a database at all, just text", -1, NULL));
  g_clear_pointer (&corrupt, g_free);
  make_named_copy (tw_backup_get_path (backup), f->backups, "other_20200101_000000.db");
  g_unlink (tw_backup_get_path (backup));

  /* All old: the newest *valid* one (01-02) stays, the newer corrupt one goes. */
  g_assert_true (tw_backup_manager_cleanup (f->manager, f->db, NULL, 7, &deleted, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (deleted->len, ==, 2);
  list = tw_backup_manager_list (f->manager, f->db, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  kept = g_list_model_get_item (list, 0);
  g_assert_cmpstr (tw_backup_get_name (kept), ==, "investiq_20200102_000000.db");
  g_clear_pointer (&deleted, g_ptr_array_unref);
  g_clear_object (&list);

  /* Another database's backups are not touched. */
  corrupt = g_build_filename (f->backups, "other_20200101_000000.db", NULL);
  g_assert_true (g_file_test (corrupt, G_FILE_TEST_EXISTS));

  /* keep_days 0: keep everything. */
  g_assert_true (tw_backup_manager_cleanup (f->manager, f->db, NULL, 0, &deleted, NULL, &error));
  g_assert_cmpuint (deleted->len, ==, 0);
  g_clear_pointer (&deleted, g_ptr_array_unref);

  /* With a fresh valid backup, the old one goes. */
  fresh = tw_backup_manager_create (f->manager, f->db, NULL, NULL, NULL, NULL, &error);
  g_assert_true (tw_backup_manager_cleanup (f->manager, f->db, NULL, 7, &deleted, NULL, &error));
  g_assert_cmpuint (deleted->len, ==, 1);
  list = tw_backup_manager_list (f->manager, f->db, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  g_clear_object (&kept);
  kept = g_list_model_get_item (list, 0);
  g_assert_cmpstr (tw_backup_get_name (kept), ==, tw_backup_get_name (fresh));
}

static void
test_schedule (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) backup = NULL;

  g_assert_cmpint (tw_backup_manager_get_newest_age (f->manager, f->db, NULL), ==, -1);
  g_assert_true (tw_backup_manager_is_due (f->manager, f->db, NULL, 24));
  g_assert_false (tw_backup_manager_is_due (f->manager, f->db, NULL, 0));

  make_named_copy (f->db, f->backups, "investiq_20200101_000000.db");
  g_assert_cmpint (tw_backup_manager_get_newest_age (f->manager, f->db, NULL), >, 86400 * 365);
  g_assert_true (tw_backup_manager_is_due (f->manager, f->db, NULL, 24));

  backup = tw_backup_manager_create (f->manager, f->db, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tw_backup_manager_get_newest_age (f->manager, f->db, NULL), <, 60);
  g_assert_false (tw_backup_manager_is_due (f->manager, f->db, NULL, 1));
}

/* Child: inserts a row into items and one into ledger in each transaction, forever. */
static int
writer_main (const char *path)
{
  sqlite3 *db = NULL;

  if (sqlite3_open (path, &db) != SQLITE_OK)
    return 3;
  sqlite3_busy_timeout (db, 5000);
  write (1, "w", 1);
  for (;;)
    {
      /* One byte a commit: the parent's proof that the writer went on. */
      if (sqlite3_exec (db, "BEGIN IMMEDIATE; INSERT INTO items (name, payload) VALUES ('w', randomblob(500));"
                        "INSERT INTO ledger (amount) VALUES (1.0); COMMIT;", NULL, NULL, NULL) == SQLITE_OK)
        write (1, "c", 1);
    }
  return 0;
}

/* Waits until the writer child committed again: it writes a byte to @out_fd after each
 * commit; those of earlier commits are drained first. */
static void
wait_commit (int out_fd)
{
  char buf[4096];
  int flags = fcntl (out_fd, F_GETFL);

  g_assert_cmpint (fcntl (out_fd, F_SETFL, flags | O_NONBLOCK), ==, 0);
  while (read (out_fd, buf, sizeof buf) > 0)
    ;
  g_assert_cmpint (fcntl (out_fd, F_SETFL, flags & ~O_NONBLOCK), ==, 0);
  g_assert_cmpint (read (out_fd, buf, 1), ==, 1);
}

static void
test_live_writer (Fixture       *f,
                  gconstpointer  data)
{
  const char *argv[] = { self_exe, "--writer", f->db, NULL };
  g_autoptr(GError) error = NULL;
  gint64 last_items = -1;
  GPid pid;
  int out_fd;
  char c;

  tw_test_make_db (f->db, 3000, 500, GPOINTER_TO_INT (data), 7);
  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (read (out_fd, &c, 1), ==, 1);

  for (int i = 0; i < 4; i++)
    {
      g_autoptr(TwBackup) backup = NULL;
      g_autoptr(TwBackup) checked = NULL;
      gint64 items, ledger;

      /* The writer committed more since the last backup. */
      wait_commit (out_fd);
      backup = tw_backup_manager_create (f->manager, f->db, NULL, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      assert_sqlite3_ok (tw_backup_get_path (backup));
      checked = tw_backup_manager_verify (f->manager, tw_backup_get_path (backup), FALSE, NULL, &error);
      g_assert_cmpint (tw_backup_get_valid (checked), ==, TW_BACKUP_VALIDITY_VALID);
      /* Consistent: the writer adds to both tables in one transaction. */
      items = tw_backup_get_row_count (checked, "items");
      ledger = tw_backup_get_row_count (checked, "ledger");
      g_assert_cmpint (items, ==, ledger);
      g_assert_cmpint (items, >, last_items);
      last_items = items;
    }
  g_assert_cmpint (last_items, >, 3000);   /* the writer really wrote meanwhile */

  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  g_spawn_close_pid (pid);
  close (out_fd);
}

static void
on_progress (TwBackupManager *manager,
             TwBackupStep     step,
             double           fraction,
             gpointer         user_data)
{
  GArray *steps = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_array_append_val (steps, step);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) steps = g_array_new (FALSE, FALSE, sizeof (TwBackupStep));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TwBackup) backup = NULL;
  g_autoptr(TwBackup) pre = NULL;
  g_autoptr(GListModel) list = NULL;
  gboolean saw_replace = FALSE;
  TwRestoreOutcome outcome = TW_RESTORE_OUTCOME_CHECK;

  g_signal_connect (f->manager, "progress", G_CALLBACK (on_progress), steps);

  tw_backup_manager_create_async (f->manager, f->db, NULL, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  backup = tw_backup_manager_create_finish (f->manager, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (backup);
  g_clear_object (&result);

  tw_backup_manager_list_async (f->manager, f->db, NULL, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  list = tw_backup_manager_list_finish (f->manager, result, &error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  g_clear_object (&result);

  tw_backup_manager_restore_async (f->manager, f->db, tw_backup_get_path (backup), NULL, "async",
                                   TW_RESTORE_TRADING_HALTED, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (tw_backup_manager_restore_finish (f->manager, result, &pre, &outcome, &error));
  g_assert_cmpint (outcome, ==, TW_RESTORE_OUTCOME_RESTORED);
  g_assert_no_error (error);
  g_assert_nonnull (pre);
  while (g_main_context_iteration (NULL, FALSE));

  g_assert_cmpuint (steps->len, >, 4);
  g_assert_cmpint (g_array_index (steps, TwBackupStep, 0), ==, TW_BACKUP_STEP_SNAPSHOT);
  for (guint i = 0; i < steps->len; i++)
    saw_replace |= g_array_index (steps, TwBackupStep, i) == TW_BACKUP_STEP_REPLACE;
  g_assert_true (saw_replace);
  g_assert_cmpint (g_array_index (steps, TwBackupStep, steps->len - 1), ==, TW_BACKUP_STEP_DONE);
  g_signal_handlers_disconnect_by_func (f->manager, on_progress, steps);

  /* The worker thread drops its reference to the task (and so the manager) just after. */
  g_clear_object (&result);
  for (int i = 0; i < 500 && G_OBJECT (f->manager)->ref_count > 1; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Issue 18 §2: a restore through a symbolic link restores the database it points to (the
 * link stays a link), keeping the database's mode and owner. */
static void
test_symlink_restore (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) backup = NULL;
  g_autofree char *srv = g_build_filename (f->dir, "srv", NULL);
  g_autofree char *real = g_build_filename (srv, "real.db", NULL);
  g_autofree char *linked = g_build_filename (f->dir, "linked.db", NULL);
  g_autofree char *other = g_build_filename (f->dir, "other.db", NULL);
  g_autofree char *wanted = NULL;
  g_autofree char *after = NULL;
  g_autofree char *target = NULL;
  GStatBuf st;

  g_assert_cmpint (g_mkdir (srv, 0755), ==, 0);
  tw_test_make_db (real, 300, 64, TRUE, 4);
  tw_test_make_db (other, 120, 64, TRUE, 5);
  wanted = tw_test_content_checksum (other);
  backup = tw_backup_manager_create (f->manager, other, f->backups, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (symlink ("srv/real.db", linked), ==, 0);
  /* A service running as another user reads it: 0644, owned by nobody. */
  g_assert_cmpint (g_chmod (real, 0644), ==, 0);
  if (geteuid () == 0)
    g_assert_cmpint (chown (real, 65534, 65534), ==, 0);

  g_assert_true (tw_backup_manager_restore (f->manager, linked, tw_backup_get_path (backup),
                                            f->backups, "through a link",
                                            TW_RESTORE_TRADING_HALTED, NULL, NULL, NULL, NULL, NULL,
                                            &error));
  g_assert_no_error (error);

  /* The link is still the link, and the database it points to was restored. */
  g_assert_cmpint (g_lstat (linked, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  target = g_file_read_link (linked, NULL);
  g_assert_cmpstr (target, ==, "srv/real.db");
  after = tw_test_content_checksum (real);
  g_assert_cmpstr (after, ==, wanted);
  assert_sqlite3_ok (real);

  g_assert_cmpint (g_stat (real, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0644);
  if (geteuid () == 0)
    {
      g_assert_cmpint (st.st_uid, ==, 65534);
      g_assert_cmpint (st.st_gid, ==, 65534);
    }
  else
    g_test_message ("not root: the owner half of the test is skipped");
}

/* Issue 18 §3: an empty file is not a valid backup: verify says so, a restore refuses it,
 * and cleanup never keeps it as "the newest valid backup" over the real ones. The same
 * for a table-less database, a symbolic link and another database's copy. */
static void
test_empty_backup (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) backup = NULL;
  g_autoptr(TwBackup) checked = NULL;
  g_autoptr(TwBackup) kept = NULL;
  g_autoptr(GPtrArray) deleted = NULL;
  g_autoptr(GListModel) list = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *before = tw_test_content_checksum (f->db);
  g_autofree char *after = NULL;
  g_autofree char *elsewhere = g_build_filename (f->dir, "elsewhere.db", NULL);
  g_autofree char *foreign = g_build_filename (f->dir, "foreign.db", NULL);
  g_autofree char *path = NULL;

  backup = tw_backup_manager_create (f->manager, f->db, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* Two real old backups (copies without a manifest, as the runbooks make them) */
  make_named_copy (tw_backup_get_path (backup), f->backups, "investiq_20200101_000000.db");
  make_named_copy (tw_backup_get_path (backup), f->backups, "investiq_20200102_000000.db");
  g_unlink (tw_backup_get_path (backup));
  {
    g_autofree char *manifest = g_strconcat (tw_backup_get_path (backup), ".manifest", NULL);

    g_unlink (manifest);
  }
  /* …and newer ones that are not backups of it: empty, a database with no tables, a link
   * to the live database, and a copy of another database. */
  empty = g_build_filename (f->backups, "investiq_20200105_000000.db", NULL);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_free (tw_test_sqlite3 (elsewhere, "PRAGMA user_version=3; VACUUM", NULL));
  make_named_copy (elsewhere, f->backups, "investiq_20200104_000000.db");
  path = g_build_filename (f->backups, "investiq_20200103_120000.db", NULL);
  g_assert_cmpint (symlink (f->db, path), ==, 0);
  g_free (tw_test_sqlite3 (foreign, "CREATE TABLE orders (id INTEGER PRIMARY KEY); "
                           "INSERT INTO orders DEFAULT VALUES", NULL));
  make_named_copy (foreign, f->backups, "investiq_20200103_000000.db");

  checked = tw_backup_manager_verify (f->manager, empty, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tw_backup_get_valid (checked), ==, TW_BACKUP_VALIDITY_INVALID);
  g_assert_nonnull (strstr (tw_backup_get_problem (checked), "empty"));
  g_clear_object (&checked);

  g_assert_false (tw_backup_manager_restore (f->manager, f->db, empty, NULL, "empty one",
                                             TW_RESTORE_TRADING_HALTED, NULL, NULL, NULL, NULL, NULL,
                                             &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "not touched"));
  g_clear_error (&error);
  /* Another database's copy is refused too: its schema is not this database's. */
  g_free (path);
  path = g_build_filename (f->backups, "investiq_20200103_000000.db", NULL);
  g_assert_false (tw_backup_manager_restore (f->manager, f->db, path, NULL, "wrong one",
                                             TW_RESTORE_TRADING_HALTED, NULL, NULL, NULL, NULL, NULL,
                                             &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_clear_error (&error);
  after = tw_test_content_checksum (f->db);
  g_assert_cmpstr (after, ==, before);

  /* All are old: only the newest real backup (01-02) is kept. */
  g_assert_true (tw_backup_manager_cleanup (f->manager, f->db, NULL, 1, &deleted, NULL, &error));
  g_assert_no_error (error);
  list = tw_backup_manager_list (f->manager, f->db, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  kept = g_list_model_get_item (list, 0);
  g_assert_cmpstr (tw_backup_get_name (kept), ==, "investiq_20200102_000000.db");
  /* The link went, not the database it pointed to. */
  g_assert_true (g_file_test (f->db, G_FILE_TEST_IS_REGULAR));
  after = (g_free (after), tw_test_content_checksum (f->db));
  g_assert_cmpstr (after, ==, before);
}

/* A byte flipped inside a row's payload: SQLite's checks cannot see it; the manifest can. */
static void
flip_payload_byte (const char *path)
{
  g_autofree char *data = NULL;
  guchar pattern[64];
  gsize len = 0;
  char *hit;

  /* Row 1000 of items in tw_test_make_db (…, 64, …, seed 6): its payload bytes. */
  for (int j = 0; j < 64; j++)
    pattern[j] = (guchar) (1000 * 31 + j * 7 + 6);
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  hit = NULL;
  for (gsize i = len / 4; hit == NULL && i + sizeof pattern < len * 3 / 4; i++)
    if (memcmp (data + i, pattern, sizeof pattern) == 0)
      hit = data + i;
  g_assert_nonnull (hit);
  hit[32] ^= 0x01;
  g_assert_true (g_file_set_contents (path, data, len, NULL));
}

static void
test_manifest (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) backup = NULL;
  g_autoptr(TwBackup) checked = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *manifest = NULL;
  g_autofree char *sum = NULL;
  g_autofree char *bare = NULL;
  g_autofree char *check = NULL;
  g_autofree char *before = NULL;
  JsonObject *object;

  tw_test_make_db (f->db, 2000, 64, TRUE, 6);
  backup = tw_backup_manager_create (f->manager, f->db, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tw_backup_get_manifest (backup), ==, TW_BACKUP_MANIFEST_MATCHED);

  /* BACKUP.manifest: size, SHA-256 (as sha256sum computes it), created, source schema. */
  manifest = g_strconcat (tw_backup_get_path (backup), ".manifest", NULL);
  g_assert_true (json_parser_load_from_file (parser, manifest, &error));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (object, "size"), ==, tw_backup_get_size (backup));
  {
    const char *argv[] = { "sha256sum", tw_backup_get_path (backup), NULL };
    g_autofree char *out = NULL;

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, NULL, &error);
    g_assert_no_error (error);
    out[64] = '\0';
    g_assert_cmpstr (json_object_get_string_member (object, "sha256"), ==, out);
  }
  g_assert_cmpstr (json_object_get_string_member (object, "source_schema"), ==,
                   tw_backup_get_fingerprint (backup));
  g_assert_nonnull (json_object_get_string_member (object, "created"));

  checked = tw_backup_manager_verify (f->manager, tw_backup_get_path (backup), FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tw_backup_get_valid (checked), ==, TW_BACKUP_VALIDITY_VALID);
  g_assert_cmpint (tw_backup_get_manifest (checked), ==, TW_BACKUP_MANIFEST_MATCHED);
  g_clear_object (&checked);

  /* A bit flip in a row: sqlite3 still says "ok", verify does not, restore refuses it. */
  flip_payload_byte (tw_backup_get_path (backup));
  check = tw_test_sqlite3 (tw_backup_get_path (backup), "PRAGMA integrity_check", NULL);
  g_assert_cmpstr (check, ==, "ok");
  checked = tw_backup_manager_verify (f->manager, tw_backup_get_path (backup), TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tw_backup_get_valid (checked), ==, TW_BACKUP_VALIDITY_INVALID);
  g_assert_cmpint (tw_backup_get_manifest (checked), ==, TW_BACKUP_MANIFEST_MISMATCHED);
  g_assert_nonnull (strstr (tw_backup_get_problem (checked), "SHA-256"));
  g_clear_object (&checked);
  before = tw_test_content_checksum (f->db);
  g_assert_false (tw_backup_manager_restore (f->manager, f->db, tw_backup_get_path (backup), NULL,
                                             "flipped", TW_RESTORE_TRADING_HALTED, NULL, NULL,
                                             NULL, NULL, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_clear_error (&error);
  sum = tw_test_content_checksum (f->db);
  g_assert_cmpstr (sum, ==, before);

  /* A backup without a manifest (the runbooks' investiq.db.YYYYMMDD…) is still usable,
   * and verify says its content could not be checked. */
  bare = g_build_filename (f->dir, "investiq.db.20240101_0300", NULL);
  {
    const char *argv[] = { "sqlite3", f->db, ".backup '%s'", NULL };
    g_autofree char *cmd = g_strdup_printf (".backup '%s'", bare);

    argv[2] = cmd;
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
  }
  checked = tw_backup_manager_verify (f->manager, bare, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tw_backup_get_valid (checked), ==, TW_BACKUP_VALIDITY_VALID);
  g_assert_cmpint (tw_backup_get_manifest (checked), ==, TW_BACKUP_MANIFEST_MISSING);
  g_assert_true (tw_backup_manager_restore (f->manager, f->db, bare, NULL, "runbook copy",
                                            TW_RESTORE_TRADING_HALTED, NULL, NULL, NULL, NULL, NULL,
                                            &error));
  g_assert_no_error (error);
}

/* Issue 18 §6: the temporaries a killed backup or restore left are swept (this user's, not
 * in use, older than the operation) before the next one, and the audit log says so. */
static void
test_sweep (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) backup = NULL;
  g_autofree char *old_backup_tmp = g_build_filename (f->backups, ".investiq.tw-backup-AbC123", NULL);
  g_autofree char *old_restore_tmp = g_build_filename (f->dir, ".investiq.db.tw-restore-XyZ789", NULL);
  g_autofree char *busy_tmp = g_build_filename (f->backups, ".investiq.tw-backup-XXXXXX", NULL);
  g_autofree char *not_ours = g_build_filename (f->backups, "investiq-notes.txt", NULL);
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(TwAuditRecord) row = NULL;
  struct utimbuf old_time = { 1000000000, 1000000000 };
  int busy_fd;

  g_assert_cmpint (g_mkdir_with_parents (f->backups, 0700), ==, 0);
  g_assert_true (g_file_set_contents (old_backup_tmp, "half a backup", -1, NULL));
  g_assert_true (g_file_set_contents (old_restore_tmp, "half a restore", -1, NULL));
  g_assert_true (g_file_set_contents (not_ours, "notes", -1, NULL));
  g_assert_cmpint (g_utime (old_backup_tmp, &old_time), ==, 0);
  g_assert_cmpint (g_utime (old_restore_tmp, &old_time), ==, 0);
  g_assert_cmpint (g_utime (not_ours, &old_time), ==, 0);
  /* A temporary file another backup is still writing (it holds its lock). */
  busy_fd = _tw_temp_file_create (busy_tmp, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_utime (busy_tmp, &old_time), ==, 0);

  backup = tw_backup_manager_create (f->manager, f->db, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_false (g_file_test (old_backup_tmp, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (old_restore_tmp, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (busy_tmp, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (not_ours, G_FILE_TEST_EXISTS));
  close (busy_fd);

  filter.action = "backup.sweep";
  rows = tw_audit_log_query (f->audit, &filter, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 1);
  row = g_list_model_get_item (rows, 0);
  g_assert_cmpint (tw_audit_record_get_outcome (row), ==, TW_AUDIT_OUTCOME_OK);
  g_assert_nonnull (strstr (tw_audit_record_get_message (row), ".investiq.tw-backup-AbC123"));
  g_assert_nonnull (strstr (tw_audit_record_get_message (row), ".investiq.db.tw-restore-XyZ789"));
  g_assert_null (strstr (tw_audit_record_get_message (row), busy_tmp));
}

int
main (int    argc,
      char **argv)
{
  if (argc == 3 && g_strcmp0 (argv[1], "--writer") == 0)
    return writer_main (argv[2]);
  if (argc == 3 && g_strcmp0 (argv[1], "--hold") == 0)
    {
      int fd = open (argv[2], O_RDONLY);

      write (1, "h", 1);
      pause ();
      close (fd);
      return 0;
    }

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  self_exe = g_file_read_link ("/proc/self/exe", NULL);

#define ADD(path, fn, data) \
  g_test_add (path, Fixture, data, fixture_setup, fn, fixture_teardown)
  ADD ("/tw/core/backup/create-verify-list", test_create_verify_list, NULL);
  ADD ("/tw/core/backup/round-trip", test_round_trip, NULL);
  ADD ("/tw/core/backup/corrupt", test_corrupt, NULL);
  ADD ("/tw/core/backup/not-halted", test_not_halted, NULL);
  ADD ("/tw/core/backup/held", test_held, NULL);
  ADD ("/tw/core/backup/retention", test_retention, NULL);
  ADD ("/tw/core/backup/schedule", test_schedule, NULL);
  ADD ("/tw/core/backup/live-writer-wal", test_live_writer, GINT_TO_POINTER (TRUE));
  ADD ("/tw/core/backup/live-writer-rollback", test_live_writer, GINT_TO_POINTER (FALSE));
  ADD ("/tw/core/backup/async", test_async, NULL);
  ADD ("/tw/core/backup/symlink-restore", test_symlink_restore, NULL);
  ADD ("/tw/core/backup/empty-backup", test_empty_backup, NULL);
  ADD ("/tw/core/backup/manifest", test_manifest, NULL);
  ADD ("/tw/core/backup/sweep", test_sweep, NULL);
#undef ADD

  return g_test_run ();
}
