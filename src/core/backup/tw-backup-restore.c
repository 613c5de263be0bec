/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TwBackupManager: the atomic, crash-safe restore (see tw-backup-manager.h for the steps). */
#include "config.h"

#include "tw-backup-manager.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "tw-backup-private.h"
#include "tw-error.h"
#include "tw-sandbox.h"
#include "tw-sqlite-util.h"


/*
 * Locking. The pre-flight takes the database in SQLite's exclusive locking mode on one
 * connection (r->lock_db) and keeps it until the restored file has been renamed over the
 * target: from the pre-flight on, no other connection can read or write the database, the
 * pre-restore backup is read through that same connection, and just before the sidecars
 * are removed and the file renamed, the processes holding the database are looked for
 * again (a process that opened it after the pre-flight is still waiting for the lock: the
 * restore is refused, so its write lands in the untouched database). Its WAL is marked
 * persistent so that closing it never deletes the -wal of the file now at that path.
 *
 * POSIX drops every lock a process holds on a file when it closes any descriptor of that
 * file, so the byte copy of a damaged database reads through r->db_fd, a descriptor opened
 * once before the lock and closed after it.
 */

typedef struct
{
  TwBackupManager      *manager;
  TwAuditLog           *audit;
  const char           *target;        /* the database's path as given, for the audit log */
  const char           *db_path;       /* resolved once: every step acts on the real file */
  const char           *backup_path;   /* resolved once as well */
  gint64                started;       /* Unix seconds */
  char                 *backup_dir;
  TwBackupProgressFunc  progress;
  gpointer              progress_data;
  sqlite3              *lock_db;   /* the original database, locked from the pre-flight on */
  sqlite3              *new_lock;  /* the restored database, locked for the post-verify */
  int                   db_fd;
} Restore;

static TwRestoreTestHook test_hook;
static gpointer test_hook_data;

void
_tw_backup_restore_set_test_hook (TwRestoreTestHook hook,
                                  gpointer          data)
{
  test_hook = hook;
  test_hook_data = data;
}

/* The test hook's verdict at @point: FALSE (with @error set) makes the step fail. */
static gboolean
hook_allows (const char  *point,
             GError     **error)
{
  if (test_hook == NULL || test_hook (point, test_hook_data))
    return TRUE;

  g_set_error (error, TW_ERROR, TW_ERROR_FAILED, "a fault injected at “%s”", point);
  return FALSE;
}

static void
report (Restore      *r,
        TwBackupStep  step,
        double        fraction)
{
  if (r->progress != NULL)
    r->progress (step, fraction, r->progress_data);
}

static void
audit_step (Restore        *r,
            const char     *step,
            TwAuditOutcome  outcome,
            const char     *message)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *action = g_strconcat ("backup.restore.", step, NULL);

  if (tw_audit_log_record (r->audit, tw_backup_manager_get_profile (r->manager),
                           tw_backup_manager_get_mode (r->manager), action, r->target, "",
                           outcome, 0, message, &error) == 0)
    g_warning ("Could not audit the restore step %s: %s", step, error->message);
}

/* A connection holding @path in exclusive locking mode: nobody else reads or writes it
 * until the connection is closed. No waiting: a lock held elsewhere is a process still
 * using the database. NULL with @error set to SQLite's reason. */
static sqlite3 *
lock_database (const char  *path,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  sqlite3 *db;
  int persist = 1;

  db = _tw_sqlite_open (path, SQLITE_OPEN_READWRITE, FALSE, &local_error);
  if (db == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  sqlite3_busy_timeout (db, 0);
  if (sqlite3_exec (db, "PRAGMA locking_mode=EXCLUSIVE", NULL, NULL, NULL) != SQLITE_OK
      || sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL) != SQLITE_OK
      || sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_REFUSED, "%s", sqlite3_errmsg (db));
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_file_control (db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);

  return db;
}

/* Pre-flight checks on the live database: nobody holds it, no connection has it locked;
 * then takes the lock (r->lock_db), checkpoints its WAL into the main file and returns its
 * journal mode. */
static gboolean
preflight_database (Restore  *r,
                    char    **journal_mode,
                    GError  **error)
{
  g_autofree char *holders = _tw_find_holders (r->db_path);
  g_autoptr(GError) local_error = NULL;
  int rc;

  if (holders != NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_REFUSED,
                   _("Restore of “%s” refused: the database is held by %s. Stop that process "
                     "(halt trading, stop the service) and try again. The database was not "
                     "touched."),
                   r->db_path, holders);
      return FALSE;
    }

  r->db_fd = open (r->db_path, O_RDONLY | O_CLOEXEC);
  if (r->db_fd < 0)
    {
      int saved = errno;

      g_set_error (error, TW_ERROR, TW_ERROR_REFUSED, _("Restore refused: could not open “%s”: "
                                                        "%s. The database was not touched."),
                   r->db_path, g_strerror (saved));
      return FALSE;
    }

  r->lock_db = lock_database (r->db_path, &local_error);
  if (r->lock_db == NULL)
    {
      if (g_error_matches (local_error, TW_ERROR, TW_ERROR_REFUSED))
        g_set_error (error, TW_ERROR, TW_ERROR_REFUSED,
                     _("Restore of “%s” refused: another connection is using the database (%s). "
                       "Stop every process that uses it and try again. The database was not "
                       "touched."),
                     r->db_path, local_error->message);
      else
        g_set_error (error, TW_ERROR, TW_ERROR_REFUSED, _("Restore refused: %s. The database "
                                                          "was not touched."),
                     local_error->message);
      return FALSE;
    }

  *journal_mode = _tw_sqlite_journal_mode (r->lock_db);
  if (g_strcmp0 (*journal_mode, "wal") == 0)
    {
      rc = sqlite3_exec (r->lock_db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
      if (rc != SQLITE_OK)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_REFUSED,
                       _("Restore of “%s” refused: its write-ahead log could not be written "
                         "back into the database (%s). The database was not touched."),
                       r->db_path, sqlite3_errmsg (r->lock_db));
          return FALSE;
        }
    }

  return hook_allows ("locked", error);
}

/* The pre-restore backup: a snapshot read through the locked connection, or if the
 * database is too damaged for SQLite to read, a byte copy of the file (kept as evidence). */
static char *
take_pre_restore_backup (Restore       *r,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(GError) snap_error = NULL;
  g_autofree char *db_name = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *stamp = NULL;
  gboolean copied;
  int fd;

  if (!hook_allows ("pre-backup", error))
    return NULL;

  path = _tw_backup_snapshot (r->db_path, r->lock_db, r->backup_dir, "-pre-restore", NULL, NULL,
                              NULL, cancellable, &snap_error);
  if (path != NULL || !g_error_matches (snap_error, TW_ERROR, TW_ERROR_DATABASE))
    {
      if (path == NULL)
        g_propagate_error (error, g_steal_pointer (&snap_error));
      return g_steal_pointer (&path);
    }

  db_name = _tw_backup_db_name (r->db_path);
  tmp = g_strdup_printf ("%s/.%s.tw-backup-XXXXXX", r->backup_dir, db_name);
  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      g_propagate_error (error, g_steal_pointer (&snap_error));
      return NULL;
    }
  /* Through r->db_fd, not by path (see "Locking" above). */
  copied = _tw_copy_fd_synced (r->db_fd, r->db_path, fd, tmp, NULL, error);
  close (fd);
  if (!copied)
    {
      g_unlink (tmp);
      return NULL;
    }

  now = g_date_time_new_now_utc ();
  stamp = g_date_time_format (now, "%Y%m%d_%H%M%S");
  for (guint n = 1; n < 1000 && copy == NULL; n++)
    {
      g_autofree char *name = n == 1
        ? g_strdup_printf ("%s_%s-pre-restore.db", db_name, stamp)
        : g_strdup_printf ("%s_%s_%u-pre-restore.db", db_name, stamp, n);
      g_autofree char *candidate = g_build_filename (r->backup_dir, name, NULL);

      if (link (tmp, candidate) == 0)
        copy = g_steal_pointer (&candidate);
    }
  g_unlink (tmp);
  if (copy == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                   _("Could not store the pre-restore copy of “%s” in “%s”"),
                   r->db_path, r->backup_dir);
      return NULL;
    }
  _tw_fsync_path (r->backup_dir, TRUE, NULL);

  return g_steal_pointer (&copy);
}

/* Gives the file behind @fd the mode and owner of @db_path, if it exists: a service
 * running as another user keeps its access to the restored database. */
static gboolean
keep_mode_and_owner (int          fd,
                     const char  *db_path,
                     GError     **error)
{
  GStatBuf st;
  int saved;

  if (g_stat (db_path, &st) != 0)
    return TRUE;   /* no database there yet: the restoring user's, 0600 */

  if ((st.st_uid != geteuid () || st.st_gid != getegid ())
      && fchown (fd, st.st_uid, st.st_gid) != 0)
    {
      saved = errno;
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                   _("the restored copy cannot be given the database’s owner (user %u, group "
                     "%u): %s; restore as that user"),
                   (guint) st.st_uid, (guint) st.st_gid, g_strerror (saved));
      return FALSE;
    }
  if (fchmod (fd, st.st_mode & 07777) != 0)
    {
      saved = errno;
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                   _("the restored copy cannot be given the database’s mode %04o: %s"),
                   (guint) (st.st_mode & 07777), g_strerror (saved));
      return FALSE;
    }

  return TRUE;
}

/* Builds the new file from @source next to the target: copy, the database's journal mode,
 * a quick check, the target's mode and owner, fsync. Returns its path; *@tmp_fd is a
 * descriptor holding its flock() (see tw-backup-temp.c), for the caller to close once the
 * file is renamed or removed, and before it locks the file with SQLite. */
static char *
build_replacement (const char    *db_path,
                   const char    *source,
                   const char    *journal_mode,
                   int           *tmp_fd,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autofree char *dir = g_path_get_dirname (db_path);
  g_autofree char *base = g_path_get_basename (db_path);
  g_autofree char *tmp = g_strdup_printf ("%s/.%s.tw-restore-XXXXXX", dir, base);
  g_autofree char *check = NULL;
  g_autofree char *what = NULL;
  sqlite3 *db;
  int fd;

  *tmp_fd = -1;
  fd = _tw_temp_file_create (tmp, NULL);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                   _("Could not create a file next to “%s”: %s"), db_path, g_strerror (saved));
      return NULL;
    }

  if (!_tw_copy_file_synced (source, tmp, FALSE, cancellable, error))
    goto fail;

  db = _tw_sqlite_open (tmp, SQLITE_OPEN_READWRITE, FALSE, error);
  if (db == NULL)
    goto fail;
  what = g_strdup_printf ("Could not prepare the restored copy “%s”", tmp);
  if (journal_mode != NULL && g_strcmp0 (journal_mode, "delete") != 0)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA journal_mode=%s",
                                              g_strcmp0 (journal_mode, "wal") == 0 ? "WAL" : "DELETE");

      if (!_tw_sqlite_exec (db, sql, what, error))
        {
          sqlite3_close (db);
          goto fail;
        }
    }
  check = _tw_sqlite_check (db, TRUE);
  sqlite3_close (db);
  _tw_remove_sidecars (tmp, NULL);
  if (g_strcmp0 (check, "ok") != 0)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                   _("The copy of the backup next to “%s” failed its check: %s"), db_path, check);
      goto fail;
    }
  if (!keep_mode_and_owner (fd, db_path, error))
    goto fail;
  if (!_tw_fsync_path (tmp, FALSE, error))
    goto fail;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto fail;

  *tmp_fd = fd;
  return g_steal_pointer (&tmp);

fail:
  g_unlink (tmp);
  close (fd);
  return NULL;
}

/* Renames @tmp over the target, while this process holds the target's lock. First looks
 * again for other processes holding the target (refused, TW_ERROR_REFUSED: they opened it
 * after the pre-flight); then removes the stale -wal/-shm/-journal, which would be replayed
 * into the new file (the WAL was checkpointed under the lock, so they hold nothing).
 * @point_prefix names the test hook points ("" or "put-back-"). *@replaced tells whether
 * the rename happened. @tmp is removed on failure. */
static gboolean
swap_in (const char  *db_path,
         const char  *tmp,
         const char  *point_prefix,
         gboolean    *replaced,
         GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (db_path);
  g_autofree char *holders = NULL;
  g_autofree char *point = NULL;

  *replaced = FALSE;

  holders = _tw_find_other_holders (db_path);
  if (holders != NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_REFUSED,
                   _("%s opened the database during the restore; stop it and try again"), holders);
      goto fail;
    }
  if (!_tw_remove_sidecars (db_path, error))
    goto fail;
  point = g_strconcat (point_prefix, "sidecars-removed", NULL);
  if (!hook_allows (point, error))
    goto fail;
  if (g_rename (tmp, db_path) != 0)
    {
      int saved = errno;

      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Could not rename the restored copy over "
                                                       "“%s”: %s"),
                   db_path, g_strerror (saved));
      goto fail;
    }
  *replaced = TRUE;
  g_free (point);
  point = g_strconcat (point_prefix, "renamed", NULL);
  if (!hook_allows (point, error))
    return FALSE;

  return _tw_fsync_path (dir, TRUE, error);

fail:
  g_unlink (tmp);
  return FALSE;
}

/* Step 5: integrity "ok" and the same row counts as the backup, read through @db. */
static gboolean
post_verify (sqlite3     *db,
             TwBackup    *backup,
             GError     **error)
{
  g_auto(GStrv) tables = NULL;
  g_autoptr(GArray) counts = NULL;
  g_autofree char *check = NULL;

  if (!hook_allows ("post-verify", error))
    return FALSE;

  check = _tw_sqlite_check (db, FALSE);
  if (g_strcmp0 (check, "ok") != 0)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("the integrity check of the restored "
                                                       "database found problems: %s"), check);
      return FALSE;
    }
  if (!_tw_sqlite_describe (db, &tables, &counts, NULL, error))
    return FALSE;

  if (!g_strv_equal ((const char * const *) tables, tw_backup_get_tables (backup)))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                   _("the restored database does not have the backup's tables"));
      return FALSE;
    }
  for (guint i = 0; tables[i] != NULL; i++)
    if (g_array_index (counts, gint64, i) != tw_backup_get_row_count (backup, tables[i]))
      {
        g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                     _("table “%s” has %lld rows in the restored database but %lld in the "
                       "backup"),
                     tables[i], (long long) g_array_index (counts, gint64, i),
                     (long long) tw_backup_get_row_count (backup, tables[i]));
        return FALSE;
      }

  return TRUE;
}

/* Locks the restored database (r->new_lock) and checks it. */
static gboolean
lock_and_verify (Restore   *r,
                 TwBackup  *backup,
                 GError   **error)
{
  g_autoptr(GError) lock_error = NULL;
  gboolean ok;
  sqlite3 *db;

  r->new_lock = lock_database (r->db_path, &lock_error);
  if (r->new_lock != NULL)
    return post_verify (r->new_lock, backup, error);

  /* Someone opened the restored file at once: check it all the same, without the lock. */
  g_debug ("Could not lock the restored %s: %s", r->db_path, lock_error->message);
  db = _tw_sqlite_open (r->db_path, SQLITE_OPEN_READWRITE, FALSE, error);
  if (db == NULL)
    return FALSE;
  sqlite3_busy_timeout (db, 2000);
  ok = post_verify (db, backup, error);
  sqlite3_close (db);

  return ok;
}

/* Puts the original database back from @pre_path after a failed post-verify. */
static gboolean
put_back (Restore     *r,
          const char  *pre_path,
          const char  *journal_mode,
          GError     **error)
{
  g_autofree char *tmp = NULL;
  gboolean replaced = FALSE;
  gboolean ok;
  int tmp_fd;

  tmp = build_replacement (r->db_path, pre_path, journal_mode, &tmp_fd, NULL, error);
  if (tmp == NULL)
    return FALSE;
  if (!hook_allows ("put-back-built", error))
    {
      g_unlink (tmp);
      close (tmp_fd);
      return FALSE;
    }

  ok = swap_in (r->db_path, tmp, "put-back-", &replaced, error) || replaced;
  close (tmp_fd);
  return ok;
}

static void
unlink_and_free (char *path)
{
  g_unlink (path);
  g_free (path);
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;

  return TRUE;
}

static gboolean
run_restore (Restore           *r,
             const char        *reason,
             TwRestoreFlags     flags,
             TwBackup         **pre_restore_out,   /* set whenever one was taken */
             TwAuditOutcome    *outcome,
             TwRestoreOutcome  *result,
             GCancellable      *cancellable,
             GError           **error)
{
  g_autoptr(TwBackup) backup = NULL;
  TwBackup *pre_restore = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *journal_mode = NULL;
  g_autofree char *pre_path = NULL;
  g_autofree char *message = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *source_schema = NULL;
  gboolean target_exists;
  gboolean replaced = FALSE;
  int tmp_fd = -1;

  *outcome = TW_AUDIT_OUTCOME_REFUSED;
  *result = TW_RESTORE_OUTCOME_UNTOUCHED;

  /* 1. Pre-flight */
  report (r, TW_BACKUP_STEP_PREFLIGHT, 0.0);
  if (!(flags & TW_RESTORE_TRADING_HALTED))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_REFUSED,
                   _("Restore of “%s” refused: trading is not confirmed halted. Halt trading on "
                     "every service that uses this database, then confirm it. The database was "
                     "not touched."), r->db_path);
      goto refused;
    }
  if (is_blank (reason))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_REFUSED,
                   _("Restore of “%s” refused: a reason is required. The database was not "
                     "touched."), r->db_path);
      goto refused;
    }
  {
    /* In a Flatpak sandbox the replace needs the database's folder, not only the file. */
    g_autofree char *db_dir = g_path_get_dirname (r->db_path);
    g_autofree char *backup_dir = g_path_get_dirname (r->backup_path);

    if (!tw_sandbox_check_folder (db_dir, TW_SANDBOX_DATABASE, &local_error)
        || !tw_sandbox_check_folder (backup_dir, TW_SANDBOX_BACKUPS, &local_error))
      {
        g_set_error (error, TW_ERROR, TW_ERROR_REFUSED,
                     _("Restore of “%s” refused: %s The database was not touched."),
                     r->db_path, local_error->message);
        goto refused;
      }
  }
  if (!g_file_test (r->backup_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_REFUSED,
                   _("Restore of “%s” refused: the backup “%s” does not exist. The database was "
                     "not touched."),
                   r->db_path, r->backup_path);
      goto refused;
    }
  if (g_strcmp0 (r->db_path, r->backup_path) == 0)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_REFUSED,
                   _("Restore of “%s” refused: the backup is the database itself. The database "
                     "was not touched."), r->db_path);
      goto refused;
    }

  target_exists = g_file_test (r->db_path, G_FILE_TEST_EXISTS);
  if (target_exists)
    {
      if (!preflight_database (r, &journal_mode, error))
        goto refused;
    }
  else
    {
      g_autofree char *dir = g_path_get_dirname (r->db_path);

      if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
        {
          g_set_error (error, TW_ERROR, TW_ERROR_REFUSED,
                       _("Restore of “%s” refused: its folder “%s” does not exist."),
                       r->db_path, dir);
          goto refused;
        }
    }
  _tw_backup_manager_sweep (r->manager, r->target, r->backup_dir, r->started);
  message = g_strdup_printf ("restoring %s from %s; trading confirmed halted; %s", r->db_path,
                             r->backup_path,
                             target_exists ? "no process holds the database" : "no database there yet");
  audit_step (r, "preflight", TW_AUDIT_OUTCOME_OK, message);
  report (r, TW_BACKUP_STEP_PREFLIGHT, 1.0);

  /* 2. Verify the backup before touching anything */
  report (r, TW_BACKUP_STEP_VERIFY, 0.0);
  /* A backup without a manifest must have the database's schema. */
  if (r->lock_db != NULL)
    _tw_sqlite_describe (r->lock_db, NULL, NULL, &source_schema, NULL);
  backup = tw_backup_new_for_path (r->backup_path, error);
  if (backup == NULL
      || !tw_backup_verify_for_source (backup, FALSE, source_schema, cancellable, error))
    goto failed_untouched;
  if (tw_backup_get_valid (backup) != TW_BACKUP_VALIDITY_VALID)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_REFUSED,
                   _("Restore of “%s” refused: the backup “%s” is corrupt (%s). The database "
                     "was not touched. Choose another backup."),
                   r->db_path, r->backup_path, tw_backup_get_problem (backup));
      goto refused;
    }
  g_free (message);
  message = g_strdup_printf ("backup %s is valid: %u tables, %" G_GINT64_FORMAT " rows",
                             r->backup_path, g_strv_length ((GStrv) tw_backup_get_tables (backup)),
                             tw_backup_get_total_rows (backup));
  audit_step (r, "verify", TW_AUDIT_OUTCOME_OK, message);
  report (r, TW_BACKUP_STEP_VERIFY, 1.0);

  /* 3. Pre-restore backup of the current database */
  report (r, TW_BACKUP_STEP_PRE_RESTORE_BACKUP, 0.0);
  if (target_exists)
    {
      pre_path = take_pre_restore_backup (r, cancellable, &local_error);
      if (pre_path == NULL)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                       _("Restore of “%s” stopped: the current database could not be backed up "
                         "first (%s). The database was not touched."),
                       r->db_path, local_error->message);
          goto failed_untouched;
        }
      pre_restore = tw_backup_new_for_path (pre_path, error);
      *pre_restore_out = pre_restore;
      if (pre_restore == NULL)
        goto failed_untouched;
      tw_backup_verify (pre_restore, TRUE, NULL, NULL);
      g_free (message);
      message = g_strdup_printf ("pre-restore backup %s (%s)", pre_path,
                                 tw_backup_validity_to_string (tw_backup_get_valid (pre_restore)));
      audit_step (r, "pre-backup", TW_AUDIT_OUTCOME_OK, message);
    }
  report (r, TW_BACKUP_STEP_PRE_RESTORE_BACKUP, 1.0);

  /* 4. Replace */
  report (r, TW_BACKUP_STEP_REPLACE, 0.0);
  tmp = build_replacement (r->db_path, r->backup_path, journal_mode, &tmp_fd, cancellable,
                           &local_error);
  if (tmp != NULL && !hook_allows ("built", &local_error))
    g_clear_pointer (&tmp, unlink_and_free);
  if (tmp == NULL
      || !swap_in (r->db_path, tmp, "", &replaced, &local_error))
    {
      if (tmp_fd >= 0)
        close (tmp_fd);
      if (!replaced)
        {
          if (g_error_matches (local_error, TW_ERROR, TW_ERROR_REFUSED))
            {
              g_set_error (error, TW_ERROR, TW_ERROR_REFUSED, _("Restore of “%s” refused: %s. "
                                                                "The database was not touched."),
                           r->db_path, local_error->message);
              audit_step (r, "replace", TW_AUDIT_OUTCOME_REFUSED, (*error)->message);
              goto refused;
            }
          g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Restore of “%s” failed: %s. The "
                                                           "database was not touched."),
                       r->db_path, local_error->message);
          audit_step (r, "replace", TW_AUDIT_OUTCOME_FAILED, (*error)->message);
          goto failed_untouched;
        }
      /* Renamed, but the directory could not be flushed: the check below decides. */
      g_clear_error (&local_error);
    }
  else
    close (tmp_fd);
  audit_step (r, "replace", TW_AUDIT_OUTCOME_OK, "the restored file was renamed over the database");
  report (r, TW_BACKUP_STEP_REPLACE, 1.0);

  /* 5. Post-verify; put the old database back if the result is not right */
  report (r, TW_BACKUP_STEP_POST_VERIFY, 0.0);
  if (!lock_and_verify (r, backup, &local_error))
    {
      g_autoptr(GError) back_error = NULL;

      *outcome = TW_AUDIT_OUTCOME_FAILED;
      audit_step (r, "post-verify", TW_AUDIT_OUTCOME_FAILED, local_error->message);
      if (pre_path == NULL)
        {
          *result = TW_RESTORE_OUTCOME_CHECK;
          g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                       _("Restore of “%s” failed its check: %s. There was no database before "
                         "the restore."),
                       r->db_path, local_error->message);
        }
      else if (put_back (r, pre_path, journal_mode, &back_error))
        {
          *result = TW_RESTORE_OUTCOME_PUT_BACK;
          g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                       _("Restore of “%s” failed its check: %s. The original database was put "
                         "back from the pre-restore backup “%s”."),
                       r->db_path, local_error->message, pre_path);
          audit_step (r, "put-back", TW_AUDIT_OUTCOME_OK, (*error)->message);
        }
      else
        {
          *result = TW_RESTORE_OUTCOME_BY_HAND;
          g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                       _("Restore of “%s” failed its check: %s, and putting the original back "
                         "failed too (%s). Restore it by hand from the pre-restore backup “%s”."),
                       r->db_path, local_error->message, back_error->message, pre_path);
          audit_step (r, "put-back", TW_AUDIT_OUTCOME_FAILED, (*error)->message);
        }
      return FALSE;
    }
  audit_step (r, "post-verify", TW_AUDIT_OUTCOME_OK, "integrity ok, row counts equal the backup's");
  report (r, TW_BACKUP_STEP_POST_VERIFY, 1.0);
  report (r, TW_BACKUP_STEP_DONE, 1.0);

  *outcome = TW_AUDIT_OUTCOME_OK;
  *result = TW_RESTORE_OUTCOME_RESTORED;
  return TRUE;

failed_untouched:
  *outcome = TW_AUDIT_OUTCOME_FAILED;
  *result = TW_RESTORE_OUTCOME_UNTOUCHED;
  return FALSE;

refused:
  *outcome = TW_AUDIT_OUTCOME_REFUSED;
  *result = TW_RESTORE_OUTCOME_UNTOUCHED;
  return FALSE;
}

gboolean
tw_backup_manager_restore (TwBackupManager       *self,
                           const char            *db_path,
                           const char            *backup_path,
                           const char            *backup_dir,
                           const char            *reason,
                           TwRestoreFlags         flags,
                           TwBackup             **pre_restore,
                           TwRestoreOutcome      *outcome,
                           TwBackupProgressFunc   progress,
                           gpointer               progress_data,
                           GCancellable          *cancellable,
                           GError               **error)
{
  g_autoptr(TwAuditLog) audit = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) audit_error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *message = NULL;
  g_autofree char *real_db = NULL;
  g_autofree char *real_backup = NULL;
  TwAuditOutcome audit_outcome;
  TwRestoreOutcome result = TW_RESTORE_OUTCOME_UNTOUCHED;
  g_autoptr(TwBackup) taken = NULL;
  Restore r = { 0, };
  gint64 request;
  gint64 started = g_get_real_time () / G_USEC_PER_SEC;
  int restore_lock = -1;
  gboolean ok;

  g_return_val_if_fail (TW_IS_BACKUP_MANAGER (self), FALSE);
  g_return_val_if_fail (db_path != NULL && backup_path != NULL, FALSE);

  if (outcome != NULL)
    *outcome = TW_RESTORE_OUTCOME_UNTOUCHED;
  audit = _tw_backup_manager_ensure_audit (self, &local_error);
  if (audit == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_REFUSED,
                   _("Restore of “%s” refused: it cannot be audited (%s). The database was not "
                     "touched."),
                   db_path, local_error->message);
      return FALSE;
    }

  /* Resolved once: the checks, the lock, the copy and the rename all act on the real
   * files, never on a symbolic link to them (the rename would replace the link). */
  real_db = _tw_backup_resolve_path (db_path, &local_error);
  if (real_db == NULL)
    g_prefix_error (&local_error, _("Restore of “%s” refused: "), db_path);
  else
    {
      real_backup = _tw_backup_resolve_path (backup_path, NULL);
      /* One restore at a time per folder, from before its request row to its outcome. */
      restore_lock = _tw_backup_lock_restores (real_db, FALSE, &local_error);
      if (restore_lock < 0)
        g_prefix_error (&local_error, _("Restore of “%s” refused: "), db_path);
    }
  if (restore_lock < 0)
    {
      if (tw_audit_log_record (audit, tw_backup_manager_get_profile (self),
                               tw_backup_manager_get_mode (self), "backup.restore", db_path,
                               reason, TW_AUDIT_OUTCOME_REFUSED, 0, local_error->message,
                               &audit_error) == 0)
        g_warning ("Could not audit the refused restore of %s: %s", db_path, audit_error->message);
      g_set_error (error, TW_ERROR, TW_ERROR_REFUSED, _("%s. The database was not touched."),
                   local_error->message);
      return FALSE;
    }
  /* A restore of this database killed before its outcome: say so first. */
  _tw_backup_manager_complete_interrupted (self, audit, real_db, TRUE, NULL);

  request = tw_audit_log_request (audit, tw_backup_manager_get_profile (self),
                                  tw_backup_manager_get_mode (self), "backup.restore", db_path,
                                  reason, &local_error);
  if (request == 0)
    {
      close (restore_lock);
      g_set_error (error, TW_ERROR, TW_ERROR_REFUSED,
                   _("Restore of “%s” refused: it cannot be audited (%s). The database was not "
                     "touched."),
                   db_path, local_error->message);
      return FALSE;
    }

  dir = _tw_backup_dir_for (db_path, backup_dir);
  r.manager = self;
  r.audit = audit;
  r.target = db_path;
  r.db_path = real_db;
  r.backup_path = real_backup != NULL ? real_backup : backup_path;
  r.started = started;
  r.backup_dir = dir;
  r.progress = progress;
  r.progress_data = progress_data;
  r.db_fd = -1;

  ok = run_restore (&r, reason, flags, &taken, &audit_outcome, &result, cancellable, &local_error);
  if (outcome != NULL)
    *outcome = result;
  /* The pre-restore backup goes to the caller even when the restore failed: it is where
   * the original was put back from, or where to restore it from by hand. */
  if (pre_restore != NULL)
    *pre_restore = g_steal_pointer (&taken);
  /* The locks go last: the new file's, the original's, then the descriptor (see "Locking"). */
  g_clear_pointer (&r.new_lock, sqlite3_close);
  g_clear_pointer (&r.lock_db, sqlite3_close);
  if (r.db_fd >= 0)
    close (r.db_fd);
  message = ok ? g_strdup_printf ("restored from %s", backup_path) : g_strdup (local_error->message);
  if (tw_audit_log_complete (audit, request, audit_outcome, 0, message, &audit_error) == 0)
    g_warning ("Could not audit the outcome of the restore of %s: %s", db_path, audit_error->message);
  close (restore_lock);

  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return ok;
}
