/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Crash safety of the restore: the restore runs in a child process (this binary re-executed)
 * that is killed with SIGKILL at random moments; after each kill the database must open,
 * pass its integrity check, and hold either the old or the new content — and whenever it
 * holds the new one, the pre-restore backup of the old one must exist. */
#include "config.h"

#include <signal.h>
#include <sys/wait.h>

#include "tw-backup-manager.h"
#include "tw-error.h"
#include "tw-backup-test-helpers.h"

#define ITERATIONS 50

static char *self_exe;

static int
restore_child (const char *db,
               const char *backup,
               const char *audit_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwAuditLog) audit = tw_audit_log_open (audit_path, &error);
  g_autoptr(TwBackupManager) manager = NULL;

  if (audit == NULL)
    return 3;
  manager = tw_backup_manager_new (audit, "crash-test", TW_MODE_PAPER);
  if (!tw_backup_manager_restore (manager, db, backup, NULL, "crash test",
                                  TW_RESTORE_TRADING_HALTED, NULL, NULL, NULL, NULL, &error))
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
}

static GPid
spawn_restore (const char *db,
               const char *backup,
               const char *audit)
{
  const char *argv[] = { self_exe, "--restore-child", db, backup, audit, NULL };
  g_autoptr(GError) error = NULL;
  GPid pid;

  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error);
  g_assert_no_error (error);
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

static void
test_sigkill (void)
{
  g_autofree char *dir = tw_test_temp_dir ();
  g_autofree char *other = tw_test_temp_dir ();
  g_autofree char *db = g_build_filename (dir, "investiq.db", NULL);
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
  guint n_old = 0, n_new = 0;
  gint64 start, duration;
  int status;

  /* Old and new content, a few MB each, so that a restore takes a while. */
  tw_test_make_db (template_db, 12000, 300, TRUE, 1);
  tw_test_make_db (new_db, 12500, 300, TRUE, 2);
  old_sum = tw_test_content_checksum (template_db);
  new_sum = tw_test_content_checksum (new_db);
  g_assert_cmpstr (old_sum, !=, new_sum);
  backup = tw_backup_manager_create (manager, new_db, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* One full run to learn how long a restore takes here. */
  reset (dir, template_db, db, backups);
  start = g_get_monotonic_time ();
  status = wait_child (spawn_restore (db, tw_backup_get_path (backup), audit_path));
  duration = g_get_monotonic_time () - start;
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (tw_test_content_checksum (db), ==, new_sum);
  g_test_message ("a restore of %" G_GUINT64_FORMAT " bytes takes %" G_GINT64_FORMAT " ms",
                  tw_backup_get_size (backup), duration / 1000);

  for (int i = 0; i < ITERATIONS; i++)
    {
      g_autofree char *check = NULL;
      g_autofree char *sum = NULL;
      g_autofree char *pre = NULL;
      gint64 delay = g_test_rand_int_range (0, (gint32) (duration * 13 / 10));
      GPid pid;

      reset (dir, template_db, db, backups);
      pid = spawn_restore (db, tw_backup_get_path (backup), audit_path);
      g_usleep (delay);
      kill (pid, SIGKILL);
      wait_child (pid);

      check = integrity (db);
      g_assert_cmpstr (check, ==, "ok");
      sum = tw_test_content_checksum (db);
      g_assert_nonnull (sum);
      g_assert_true (g_str_equal (sum, old_sum) || g_str_equal (sum, new_sum));
      if (g_str_equal (sum, new_sum))
        {
          g_autofree char *pre_sum = NULL;

          n_new++;
          pre = find_pre_restore (backups);
          g_assert_nonnull (pre);
          pre_sum = tw_test_content_checksum (pre);
          g_assert_cmpstr (pre_sum, ==, old_sum);
        }
      else
        n_old++;
    }

  g_test_message ("%d kills: %u left the old database, %u the new one", ITERATIONS, n_old, n_new);
  g_assert_cmpuint (n_old, >, 0);
  g_assert_cmpuint (n_new, >, 0);

  /* The audit log the killed children wrote to is still a valid chain. */
  audit = tw_audit_log_open (audit_path, &error);
  g_assert_no_error (error);
  g_assert_true (tw_audit_log_verify (audit, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  tw_test_remove_tree (dir);
  tw_test_remove_tree (other);
}

int
main (int    argc,
      char **argv)
{
  if (argc == 5 && g_strcmp0 (argv[1], "--restore-child") == 0)
    return restore_child (argv[2], argv[3], argv[4]);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  self_exe = g_file_read_link ("/proc/self/exe", NULL);

  g_test_add_func ("/tw/core/backup-restore-crash/sigkill", test_sigkill);

  return g_test_run ();
}
