/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TwBackupManager: paths resolved once, the sweep of a killed backup's or restore's
 * temporary files, and the "interrupted" outcome of a restore that never finished. */
#include "config.h"

#include "tw-backup-manager.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "tw-backup-private.h"
#include "tw-error.h"
#include "tw-sqlite-util.h"

char *
_tw_backup_resolve_path (const char  *path,
                         GError     **error)
{
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *real_dir = NULL;
  char *real = realpath (abs, NULL);

  if (real != NULL)
    {
      char *result = g_strdup (real);

      free (real);
      return result;
    }

  /* Not there (yet): its folder must be. */
  dir = g_path_get_dirname (abs);
  base = g_path_get_basename (abs);
  real = realpath (dir, NULL);
  if (real == NULL)
    {
      int saved = errno;

      g_set_error (error, TW_ERROR, TW_ERROR_NOT_FOUND, _("The folder “%s” cannot be read: %s"),
                   dir, g_strerror (saved));
      return NULL;
    }
  real_dir = g_strdup (real);
  free (real);

  return g_build_filename (real_dir, base, NULL);
}

char *
_tw_backup_source_schema (const char *db_path)
{
  g_autoptr(GError) error = NULL;
  char *schema = NULL;
  sqlite3 *db;

  if (!g_file_test (db_path, G_FILE_TEST_IS_REGULAR))
    return NULL;
  db = _tw_sqlite_open (db_path, SQLITE_OPEN_READONLY, FALSE, &error);
  if (db == NULL)
    return NULL;
  sqlite3_busy_timeout (db, 2000);
  if (!_tw_sqlite_describe (db, NULL, NULL, &schema, &error))
    g_debug ("Could not read the schema of %s: %s", db_path, error->message);
  sqlite3_close (db);

  return schema;
}

int
_tw_backup_lock_restores (const char  *real_db_path,
                          gboolean     wait,
                          GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (real_db_path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, TW_ERROR, TW_ERROR_NOT_FOUND, _("The folder “%s” cannot be read: %s"),
                   dir, g_strerror (saved));
      return -1;
    }
  while (flock (fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0)
    {
      int saved = errno;

      if (saved == EINTR)
        continue;
      close (fd);
      if (saved == EWOULDBLOCK)
        g_set_error (error, TW_ERROR, TW_ERROR_REFUSED,
                     _("another restore of a database in “%s” is running"), dir);
      else
        g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Could not lock the folder “%s”: %s"),
                     dir, g_strerror (saved));
      return -1;
    }

  return fd;
}

gboolean
_tw_backup_manager_sweep (TwBackupManager *self,
                          const char      *db_path,
                          const char      *backup_dir,
                          gint64           started)
{
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *real_db = _tw_backup_resolve_path (db_path, NULL);
  g_autofree char *dir = _tw_backup_dir_for (db_path, backup_dir);
  g_autofree char *db_name = _tw_backup_db_name (db_path);
  g_autofree char *backup_prefix = g_strdup_printf (".%s.tw-backup-", db_name);
  g_autoptr(GString) message = NULL;
  g_autoptr(TwAuditLog) audit = NULL;
  g_autoptr(GError) error = NULL;

  _tw_sweep_temporaries (dir, backup_prefix, started, removed);
  if (real_db != NULL)
    {
      g_autofree char *db_dir = g_path_get_dirname (real_db);
      g_autofree char *base = g_path_get_basename (real_db);
      g_autofree char *restore_prefix = g_strdup_printf (".%s.tw-restore-", base);

      _tw_sweep_temporaries (db_dir, restore_prefix, started, removed);
    }
  if (removed->len == 0)
    return FALSE;

  /* The audit log's own words: not translated. */
  message = g_string_new (NULL);
  g_string_printf (message, "removed %u temporary file(s) an interrupted backup or restore left:",
                   removed->len);
  for (guint i = 0; i < removed->len; i++)
    g_string_append_printf (message, " %s", (const char *) g_ptr_array_index (removed, i));
  g_message ("%s", message->str);

  audit = _tw_backup_manager_ensure_audit (self, &error);
  if (audit == NULL
      || tw_audit_log_record (audit, tw_backup_manager_get_profile (self),
                              tw_backup_manager_get_mode (self), "backup.sweep", db_path,
                              "leftovers", TW_AUDIT_OUTCOME_OK, 0, message->str, &error) == 0)
    g_warning ("Could not audit the sweep of %s: %s", db_path, error->message);

  return TRUE;
}

/* Whether a "backup.restore.replace" step succeeded for @target after request @request
 * (and before the next restore request of @target). */
static gboolean
was_replaced (GListModel *steps,
              GListModel *requests,
              gint64      request,
              const char *target)
{
  gint64 next = G_MAXINT64;
  guint n = g_list_model_get_n_items (requests);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwAuditRecord) row = g_list_model_get_item (requests, i);
      gint64 id = tw_audit_record_get_id (row);

      if (id > request && id < next && tw_audit_record_get_request_id (row) == 0
          && g_strcmp0 (tw_audit_record_get_target (row), target) == 0)
        next = id;
    }

  n = g_list_model_get_n_items (steps);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwAuditRecord) row = g_list_model_get_item (steps, i);
      gint64 id = tw_audit_record_get_id (row);

      if (id > request && id < next && tw_audit_record_get_outcome (row) == TW_AUDIT_OUTCOME_OK
          && g_strcmp0 (tw_audit_record_get_target (row), target) == 0)
        return TRUE;
    }

  return FALSE;
}

/* What an interrupted restore left: the database's integrity check and contents, as the
 * restore's crash test checks them. (transfer full) */
static char *
describe_state (const char *real_db,
                gboolean    replaced)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *check = NULL;
  g_auto(GStrv) tables = NULL;
  g_autoptr(GArray) counts = NULL;
  sqlite3 *db;

  /* The "replace" step is audited just after the rename: without it, the rename may
   * have happened or not. */
  g_string_append (text, replaced
                   ? "interrupted after the restored file was renamed over the database, "
                     "before its check finished; "
                   : "interrupted before its replace step was recorded (the database holds "
                     "its old content, or the backup's if the rename had just happened, its "
                     "pre-restore backup then holding the old); ");

  if (!g_file_test (real_db, G_FILE_TEST_IS_REGULAR))
    {
      g_string_append (text, "there is no database now");
      return g_string_free (g_steal_pointer (&text), FALSE);
    }
  /* Read-write, as a service would open it: a hot journal is rolled back first. */
  db = _tw_sqlite_open (real_db, SQLITE_OPEN_READWRITE, FALSE, &error);
  if (db == NULL)
    {
      g_string_append_printf (text, "the database cannot be opened (%s): restore it from its "
                              "pre-restore backup", error->message);
      return g_string_free (g_steal_pointer (&text), FALSE);
    }
  sqlite3_busy_timeout (db, 2000);
  check = _tw_sqlite_check (db, FALSE);
  if (g_strcmp0 (check, "ok") != 0)
    g_string_append_printf (text, "the database fails its integrity check (%s): restore it "
                            "from its pre-restore backup", check);
  else if (!_tw_sqlite_describe (db, &tables, &counts, NULL, &error))
    g_string_append_printf (text, "the database passes its integrity check but cannot be read "
                            "(%s)", error->message);
  else
    {
      gint64 total = 0;

      for (guint i = 0; i < counts->len; i++)
        total += g_array_index (counts, gint64, i);
      g_string_append_printf (text, "the database passes its integrity check: %u table(s), "
                              "%" G_GINT64_FORMAT " row(s)", g_strv_length (tables), total);
    }
  sqlite3_close (db);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

guint
_tw_backup_manager_complete_interrupted (TwBackupManager  *self,
                                         TwAuditLog       *audit,
                                         const char       *real_db,
                                         gboolean          locked,
                                         GError          **error)
{
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  g_autoptr(GListModel) requests = NULL;
  g_autoptr(GListModel) steps = NULL;
  g_autoptr(GHashTable) completed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  int lock_fd = -1;
  guint n, done = 0;

  filter.action = "backup.restore";
  requests = tw_audit_log_query (audit, &filter, NULL, error);
  if (requests == NULL)
    return 0;
  n = g_list_model_get_n_items (requests);
  /* The requests that have an outcome row. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwAuditRecord) row = g_list_model_get_item (requests, i);
      gint64 request = tw_audit_record_get_request_id (row);

      if (request != 0)
        g_hash_table_add (completed, g_memdup2 (&request, sizeof request));
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwAuditRecord) row = g_list_model_get_item (requests, i);
      gint64 id = tw_audit_record_get_id (row);
      g_autofree char *target = NULL;
      g_autofree char *message = NULL;
      g_autoptr(GError) local_error = NULL;

      if (tw_audit_record_get_outcome (row) != TW_AUDIT_OUTCOME_REQUESTED
          || g_hash_table_contains (completed, &id))
        continue;
      target = _tw_backup_resolve_path (tw_audit_record_get_target (row), NULL);
      if (g_strcmp0 (target, real_db) != 0)
        continue;

      /* A restore that still runs holds the folder's restore lock. */
      if (!locked && lock_fd < 0)
        {
          lock_fd = _tw_backup_lock_restores (real_db, FALSE, &local_error);
          if (lock_fd < 0)
            {
              g_debug ("Not completing the restores of %s: %s", real_db, local_error->message);
              break;
            }
        }

      if (steps == NULL)
        {
          TwAuditFilter step_filter = TW_AUDIT_FILTER_INIT;

          step_filter.action = "backup.restore.replace";
          steps = tw_audit_log_query (audit, &step_filter, NULL, error);
          if (steps == NULL)
            break;
        }
      message = describe_state (real_db, was_replaced (steps, requests, id,
                                                       tw_audit_record_get_target (row)));
      if (tw_audit_log_complete (audit, id, TW_AUDIT_OUTCOME_INTERRUPTED, 0, message,
                                 &local_error) == 0)
        {
          g_warning ("Could not record that the restore of %s was interrupted: %s", real_db,
                     local_error->message);
          continue;
        }
      g_message ("The restore of %s (audit row %" G_GINT64_FORMAT ") was %s", real_db, id, message);
      done++;
    }

  if (lock_fd >= 0)
    close (lock_fd);

  return done;
}

gboolean
tw_backup_manager_recover (TwBackupManager  *self,
                           const char       *db_path,
                           const char       *backup_dir,
                           guint            *n_interrupted,
                           GError          **error)
{
  g_autoptr(TwAuditLog) audit = NULL;
  g_autofree char *real_db = NULL;
  g_autoptr(GError) local_error = NULL;
  guint done;

  g_return_val_if_fail (TW_IS_BACKUP_MANAGER (self), FALSE);
  g_return_val_if_fail (db_path != NULL, FALSE);

  if (n_interrupted != NULL)
    *n_interrupted = 0;

  _tw_backup_manager_sweep (self, db_path, backup_dir, g_get_real_time () / G_USEC_PER_SEC);

  real_db = _tw_backup_resolve_path (db_path, &local_error);
  if (real_db == NULL)
    return TRUE;   /* its folder is gone: nothing to recover there */
  audit = _tw_backup_manager_ensure_audit (self, error);
  if (audit == NULL)
    return FALSE;
  done = _tw_backup_manager_complete_interrupted (self, audit, real_db, FALSE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (n_interrupted != NULL)
    *n_interrupted = done;

  return TRUE;
}
