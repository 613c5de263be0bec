/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-backup-manager.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "tw-backup-private.h"
#include "tw-enum-types.h"
#include "tw-error.h"
#include "tw-sandbox.h"
#include "tw-sqlite-util.h"

#define SNAPSHOT_BUSY_LIMIT_US (60 * G_USEC_PER_SEC)

struct _TwBackupManager
{
  GObject     parent_instance;

  GMutex      lock;
  TwAuditLog *audit_log;
  char       *profile;
  TwMode      mode;
};

G_DEFINE_FINAL_TYPE (TwBackupManager, tw_backup_manager, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (TwBackupStep, tw_backup_step,
  G_DEFINE_ENUM_VALUE (TW_BACKUP_STEP_SNAPSHOT, "snapshot"),
  G_DEFINE_ENUM_VALUE (TW_BACKUP_STEP_VERIFY, "verify"),
  G_DEFINE_ENUM_VALUE (TW_BACKUP_STEP_PREFLIGHT, "preflight"),
  G_DEFINE_ENUM_VALUE (TW_BACKUP_STEP_PRE_RESTORE_BACKUP, "pre-restore-backup"),
  G_DEFINE_ENUM_VALUE (TW_BACKUP_STEP_REPLACE, "replace"),
  G_DEFINE_ENUM_VALUE (TW_BACKUP_STEP_POST_VERIFY, "post-verify"),
  G_DEFINE_ENUM_VALUE (TW_BACKUP_STEP_CLEANUP, "cleanup"),
  G_DEFINE_ENUM_VALUE (TW_BACKUP_STEP_DONE, "done"))

G_DEFINE_ENUM_TYPE (TwRestoreOutcome, tw_restore_outcome,
  G_DEFINE_ENUM_VALUE (TW_RESTORE_OUTCOME_RESTORED, "restored"),
  G_DEFINE_ENUM_VALUE (TW_RESTORE_OUTCOME_UNTOUCHED, "untouched"),
  G_DEFINE_ENUM_VALUE (TW_RESTORE_OUTCOME_PUT_BACK, "put-back"),
  G_DEFINE_ENUM_VALUE (TW_RESTORE_OUTCOME_BY_HAND, "by-hand"),
  G_DEFINE_ENUM_VALUE (TW_RESTORE_OUTCOME_CHECK, "check"))

enum {
  PROP_0,
  PROP_AUDIT_LOG,
  PROP_PROFILE,
  PROP_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
tw_backup_manager_finalize (GObject *object)
{
  TwBackupManager *self = TW_BACKUP_MANAGER (object);

  g_clear_object (&self->audit_log);
  g_free (self->profile);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (tw_backup_manager_parent_class)->finalize (object);
}

static void
tw_backup_manager_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TwBackupManager *self = TW_BACKUP_MANAGER (object);

  switch (prop_id)
    {
    case PROP_AUDIT_LOG:
      g_value_set_object (value, self->audit_log);
      break;
    case PROP_PROFILE:
      g_value_set_string (value, self->profile);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_backup_manager_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TwBackupManager *self = TW_BACKUP_MANAGER (object);

  switch (prop_id)
    {
    case PROP_AUDIT_LOG:
      self->audit_log = g_value_dup_object (value);
      break;
    case PROP_PROFILE:
      g_free (self->profile);
      self->profile = g_strdup (g_value_get_string (value) != NULL ? g_value_get_string (value) : "cli");
      break;
    case PROP_MODE:
      self->mode = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_backup_manager_class_init (TwBackupManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = tw_backup_manager_finalize;
  object_class->get_property = tw_backup_manager_get_property;
  object_class->set_property = tw_backup_manager_set_property;

  properties[PROP_AUDIT_LOG] = g_param_spec_object ("audit-log", NULL, NULL, TW_TYPE_AUDIT_LOG, flags);
  properties[PROP_PROFILE] = g_param_spec_string ("profile", NULL, NULL, "cli", flags);
  properties[PROP_MODE] = g_param_spec_enum ("mode", NULL, NULL, TW_TYPE_MODE, TW_MODE_LIVE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                    TW_TYPE_BACKUP_STEP, G_TYPE_DOUBLE);
}

static void
tw_backup_manager_init (TwBackupManager *self)
{
  g_mutex_init (&self->lock);
  self->profile = g_strdup ("cli");
  self->mode = TW_MODE_LIVE;
}

TwBackupManager *
tw_backup_manager_new (TwAuditLog *audit_log,
                       const char *profile,
                       TwMode      mode)
{
  g_return_val_if_fail (audit_log == NULL || TW_IS_AUDIT_LOG (audit_log), NULL);

  return g_object_new (TW_TYPE_BACKUP_MANAGER,
                       "audit-log", audit_log,
                       "profile", profile,
                       "mode", mode,
                       NULL);
}

TwAuditLog *
tw_backup_manager_get_audit_log (TwBackupManager *self)
{
  g_return_val_if_fail (TW_IS_BACKUP_MANAGER (self), NULL);

  return self->audit_log;
}

const char *
tw_backup_manager_get_profile (TwBackupManager *self)
{
  g_return_val_if_fail (TW_IS_BACKUP_MANAGER (self), NULL);

  return self->profile;
}

TwMode
tw_backup_manager_get_mode (TwBackupManager *self)
{
  g_return_val_if_fail (TW_IS_BACKUP_MANAGER (self), TW_MODE_LIVE);

  return self->mode;
}

TwAuditLog *
_tw_backup_manager_ensure_audit (TwBackupManager  *self,
                                 GError          **error)
{
  TwAuditLog *log = NULL;

  g_mutex_lock (&self->lock);
  if (self->audit_log == NULL)
    self->audit_log = tw_audit_log_open (NULL, error);
  if (self->audit_log != NULL)
    log = g_object_ref (self->audit_log);
  g_mutex_unlock (&self->lock);

  return log;
}

char *
tw_backup_manager_default_dir (const char *db_path)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (db_path != NULL, NULL);

  dir = g_path_get_dirname (db_path);
  return g_build_filename (dir, "backups", NULL);
}

/* Backups are named after, and by default kept beside, the database a link points to:
 * the same whichever link or path names it. */
char *
_tw_backup_dir_for (const char *db_path,
                    const char *backup_dir)
{
  g_autofree char *real = NULL;

  if (backup_dir != NULL && *backup_dir != '\0')
    return g_strdup (backup_dir);

  real = _tw_backup_resolve_path (db_path, NULL);
  return tw_backup_manager_default_dir (real != NULL ? real : db_path);
}

char *
_tw_backup_db_name (const char *db_path)
{
  g_autofree char *real = _tw_backup_resolve_path (db_path, NULL);
  g_autofree char *base = g_path_get_basename (real != NULL ? real : db_path);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';

  return g_steal_pointer (&base);
}

static void
report (TwBackupProgressFunc progress,
        gpointer             data,
        TwBackupStep         step,
        double               fraction)
{
  if (progress != NULL)
    progress (step, fraction, data);
}

/* Gives @tmp its final name without ever replacing a file: link() fails on an existing
 * name, so two backups in the same second get _2, _3… */
static char *
publish_backup (const char  *tmp,
                const char  *backup_dir,
                const char  *db_name,
                const char  *suffix,
                GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d_%H%M%S");

  for (guint n = 1; n < 1000; n++)
    {
      g_autofree char *name = n == 1
        ? g_strdup_printf ("%s_%s%s.db", db_name, stamp, suffix)
        : g_strdup_printf ("%s_%s_%u%s.db", db_name, stamp, n, suffix);
      g_autofree char *path = g_build_filename (backup_dir, name, NULL);

      if (link (tmp, path) == 0)
        {
          g_unlink (tmp);
          return g_steal_pointer (&path);
        }
      if (errno == EEXIST)
        continue;
      if (errno == EPERM || errno == ENOTSUP || errno == EXDEV || errno == EMLINK)
        {
          /* A file system without hard links: check, then rename. */
          if (g_file_test (path, G_FILE_TEST_EXISTS))
            continue;
          if (g_rename (tmp, path) == 0)
            return g_steal_pointer (&path);
        }

      {
        int saved = errno;

        g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Could not name the backup “%s”: %s"),
                     path, g_strerror (saved));
        return NULL;
      }
    }

  g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
               _("Could not name the backup: too many backups of “%s” in the same second"),
               db_name);
  return NULL;
}

typedef struct
{
  const char *path;
  char       *sha256;
  guint64     size;
  GError     *error;
} FsyncJob;

/* Flushes the new backup to the disk and takes its SHA-256 for the manifest (from the
 * page cache). */
static gpointer
fsync_thread (gpointer data)
{
  FsyncJob *job = data;

  if (_tw_fsync_path (job->path, FALSE, &job->error))
    _tw_file_sha256 (job->path, &job->sha256, &job->size, NULL, &job->error);
  return NULL;
}

char *
_tw_backup_snapshot (const char            *db_path,
                     sqlite3               *source,
                     const char            *backup_dir,
                     const char            *suffix,
                     TwBackupProgressFunc   progress,
                     gpointer               progress_data,
                     TwBackup             **checked,
                     GCancellable          *cancellable,
                     GError               **error)
{
  g_autoptr(TwBackup) checked_backup = NULL;
  g_autofree char *db_name = _tw_backup_db_name (db_path);
  g_autofree char *tmp_template = NULL;
  g_autofree char *final_path = NULL;
  g_autofree char *what = NULL;
  g_autofree char *schema = NULL;
  FsyncJob job = { NULL, NULL, 0, NULL };
  sqlite3 *src = NULL, *dest = NULL;
  sqlite3_backup *backup;
  gint64 deadline;
  int fd, rc;

  /* In a Flatpak sandbox, folders not shared with it are not the host's: say so. */
  {
    g_autofree char *db_dir = g_path_get_dirname (db_path);

    if (!tw_sandbox_check_folder (db_dir, TW_SANDBOX_DATABASE, error)
        || !tw_sandbox_check_folder (backup_dir, TW_SANDBOX_BACKUPS, error))
      return NULL;
  }
  if (!g_file_test (db_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_NOT_FOUND,
                   _("Could not back up “%s”: the database does not exist (check the path in "
                     "the profile)"),
                   db_path);
      return NULL;
    }
  if (g_mkdir_with_parents (backup_dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                   _("Could not create the backup folder “%s”: %s"), backup_dir,
                   g_strerror (saved));
      return NULL;
    }

  report (progress, progress_data, TW_BACKUP_STEP_SNAPSHOT, 0.0);

  tmp_template = g_strdup_printf ("%s/.%s.tw-backup-XXXXXX", backup_dir, db_name);
  /* Kept open (and locked) until the backup is published: see tw-backup-temp.c. */
  fd = _tw_temp_file_create (tmp_template, NULL);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                   _("Could not write in the backup folder “%s”: %s"), backup_dir,
                   g_strerror (saved));
      return NULL;
    }

  what = g_strdup_printf (_("Could not back up “%s”"), db_path);
  if (source == NULL)
    {
      src = _tw_sqlite_open (db_path, SQLITE_OPEN_READONLY, FALSE, error);
      if (src == NULL)
        goto fail;
      sqlite3_busy_timeout (src, 5000);
    }
  dest = _tw_sqlite_open (tmp_template, SQLITE_OPEN_READWRITE, FALSE, error);
  if (dest == NULL)
    goto fail;
  /* The temporary file is nobody's database until it is renamed: no journal and no syncs
   * while the pages are copied (a crash leaves a temporary file to delete, never a
   * backup), then one fsync of the whole file before the rename. */
  if (!_tw_sqlite_exec (dest, "PRAGMA journal_mode=OFF", what, error) ||
      !_tw_sqlite_exec (dest, "PRAGMA synchronous=OFF", what, error))
    goto fail;

  backup = sqlite3_backup_init (dest, "main", source != NULL ? source : src, "main");
  if (backup == NULL)
    {
      _tw_sqlite_error (error, dest, sqlite3_errcode (dest), what);
      goto fail;
    }

  /* All pages in one step: stepping in chunks restarts whenever another connection
   * writes, which a busy writer turns into a livelock. BUSY/LOCKED: retry. */
  deadline = g_get_monotonic_time () + SNAPSHOT_BUSY_LIMIT_US;
  do
    {
      rc = sqlite3_backup_step (backup, -1);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        {
          if (g_get_monotonic_time () > deadline || g_cancellable_is_cancelled (cancellable))
            break;
          g_usleep (20 * 1000);
        }
    }
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish (backup);

  if (rc != SQLITE_DONE)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto fail;
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        g_set_error (error, TW_ERROR, TW_ERROR_DATABASE,
                     _("Could not back up “%s”: the database stayed locked by another "
                       "connection for a minute; try again when it is less busy"), db_path);
      else
        _tw_sqlite_error (error, dest, rc, what);
      goto fail;
    }

  report (progress, progress_data, TW_BACKUP_STEP_SNAPSHOT, 0.8);

  /* A self-contained file: no -wal next to it, whatever the live database uses. */
  if (!_tw_sqlite_exec (dest, "PRAGMA journal_mode=DELETE", what, error))
    goto fail;
  /* The source's schema at the snapshot, for the manifest. */
  if (!_tw_sqlite_describe (dest, NULL, NULL, &schema, error))
    goto fail;
  g_clear_pointer (&dest, sqlite3_close);
  g_clear_pointer (&src, sqlite3_close);

  job.path = tmp_template;
  if (checked == NULL)
    {
      fsync_thread (&job);
      if (job.error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&job.error));
          goto fail;
        }
    }
  else
    {
      /* The copy is in the page cache: its quick_check reads it from there while another
       * thread writes it to the disk and hashes it. It is published once both are done. */
      GThread *thread;
      gboolean verified;

      report (progress, progress_data, TW_BACKUP_STEP_SNAPSHOT, 1.0);
      report (progress, progress_data, TW_BACKUP_STEP_VERIFY, 0.0);
      thread = g_thread_new ("tw-backup-fsync", fsync_thread, &job);
      checked_backup = tw_backup_new_for_path (tmp_template, error);
      verified = checked_backup != NULL && tw_backup_verify (checked_backup, TRUE, cancellable, error);
      g_thread_join (thread);
      if (!verified)
        {
          g_clear_error (&job.error);
          goto fail;
        }
      if (job.error != NULL)
        {
          g_propagate_error (error, job.error);
          goto fail;
        }
    }
  final_path = publish_backup (tmp_template, backup_dir, db_name, suffix, error);
  if (final_path == NULL)
    goto fail;
  close (fd);
  fd = -1;
  {
    g_autoptr(GError) manifest_error = NULL;
    g_autofree char *manifest_tmp = g_strdup_printf ("%s/.%s.tw-backup-XXXXXX", backup_dir, db_name);

    /* Without its manifest the backup is still usable (as older ones are): say so, go on. */
    if (!_tw_backup_write_manifest (final_path, manifest_tmp, job.size, job.sha256, db_path,
                                    schema, &manifest_error))
      g_warning ("The backup %s has no manifest: %s", final_path, manifest_error->message);
    else if (checked_backup != NULL)
      _tw_backup_set_manifest (checked_backup, TW_BACKUP_MANIFEST_MATCHED);
  }
  g_free (job.sha256);
  if (!_tw_fsync_path (backup_dir, TRUE, error))
    return NULL;

  if (checked != NULL)
    {
      _tw_backup_set_path (checked_backup, final_path);
      *checked = g_steal_pointer (&checked_backup);
    }
  else
    report (progress, progress_data, TW_BACKUP_STEP_SNAPSHOT, 1.0);
  return g_steal_pointer (&final_path);

fail:
  g_clear_pointer (&dest, sqlite3_close);
  g_clear_pointer (&src, sqlite3_close);
  g_unlink (tmp_template);
  if (fd >= 0)
    close (fd);
  g_free (job.sha256);
  return NULL;
}

TwBackup *
tw_backup_manager_create (TwBackupManager       *self,
                          const char            *db_path,
                          const char            *backup_dir,
                          TwBackupProgressFunc   progress,
                          gpointer               progress_data,
                          GCancellable          *cancellable,
                          GError               **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(TwBackup) backup = NULL;

  g_return_val_if_fail (TW_IS_BACKUP_MANAGER (self), NULL);
  g_return_val_if_fail (db_path != NULL, NULL);

  dir = _tw_backup_dir_for (db_path, backup_dir);
  _tw_backup_manager_sweep (self, db_path, dir, g_get_real_time () / G_USEC_PER_SEC);
  /* Checked (quick_check, tables, row counts) before it is published. */
  path = _tw_backup_snapshot (db_path, NULL, dir, "", progress, progress_data, &backup,
                              cancellable, error);
  if (path == NULL)
    return NULL;
  report (progress, progress_data, TW_BACKUP_STEP_DONE, 1.0);

  return g_steal_pointer (&backup);
}

TwBackup *
tw_backup_manager_verify (TwBackupManager  *self,
                          const char       *backup_path,
                          gboolean          quick,
                          GCancellable     *cancellable,
                          GError          **error)
{
  g_autoptr(TwBackup) backup = NULL;
  g_autofree char *real = NULL;

  g_return_val_if_fail (TW_IS_BACKUP_MANAGER (self), NULL);
  g_return_val_if_fail (backup_path != NULL, NULL);

  /* The file a link points to is what is verified (and named in the result). */
  real = _tw_backup_resolve_path (backup_path, error);
  if (real == NULL)
    return NULL;
  backup = tw_backup_new_for_path (real, error);
  if (backup == NULL || !tw_backup_verify (backup, quick, cancellable, error))
    return NULL;

  return g_steal_pointer (&backup);
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  TwBackup *x = (TwBackup *) a, *y = (TwBackup *) b;
  int c = g_date_time_compare (tw_backup_get_created (y), tw_backup_get_created (x));

  return c != 0 ? c : g_strcmp0 (tw_backup_get_name (y), tw_backup_get_name (x));
}

GListModel *
tw_backup_manager_list (TwBackupManager  *self,
                        const char       *db_path,
                        const char       *backup_dir,
                        GError          **error)
{
  g_autoptr(GListStore) store = g_list_store_new (TW_TYPE_BACKUP);
  g_autofree char *dir = NULL;
  g_autofree char *db_name = NULL;
  g_autofree char *db_file_name = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;

  g_return_val_if_fail (TW_IS_BACKUP_MANAGER (self), NULL);
  g_return_val_if_fail (db_path != NULL, NULL);

  dir = _tw_backup_dir_for (db_path, backup_dir);
  db_name = _tw_backup_db_name (db_path);
  {
    g_autofree char *real = _tw_backup_resolve_path (db_path, NULL);

    db_file_name = g_path_get_basename (real != NULL ? real : db_path);
  }
  /* Not "no backups yet" when the sandbox cannot see the folder. */
  if (!tw_sandbox_check_folder (dir, TW_SANDBOX_BACKUPS, error))
    return NULL;
  listing = g_dir_open (dir, 0, &local_error);
  if (listing == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return G_LIST_MODEL (g_steal_pointer (&store));
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Could not list the backups in “%s”: %s"),
                   dir, local_error->message);
      return NULL;
    }

  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autoptr(GDateTime) when = tw_backup_parse_name (name, db_name, NULL);
      g_autoptr(GDateTime) runbook_when = NULL;
      gboolean runbook = FALSE;
      g_autofree char *path = NULL;
      g_autoptr(TwBackup) backup = NULL;

      /* The runbook's own backups too ("investiq.db.latest"…): they can be verified and
       * restored from the console. */
      if (when == NULL)
        runbook = tw_backup_parse_runbook_name (name, db_file_name, &runbook_when);
      if (when == NULL && !runbook)
        continue;
      path = g_build_filename (dir, name, NULL);
      backup = tw_backup_new_for_path (path, NULL);
      if (backup != NULL && runbook)
        _tw_backup_set_external (backup, runbook_when);
      if (backup != NULL)
        g_list_store_append (store, backup);
    }

  g_list_store_sort (store, compare_newest_first, NULL);
  return G_LIST_MODEL (g_steal_pointer (&store));
}

gboolean
tw_backup_manager_cleanup (TwBackupManager  *self,
                           const char       *db_path,
                           const char       *backup_dir,
                           guint             keep_days,
                           GPtrArray       **deleted,
                           GCancellable     *cancellable,
                           GError          **error)
{
  g_autoptr(GListModel) backups = NULL;
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) cutoff = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *source_schema = NULL;
  TwBackup *keep = NULL;
  guint n;

  g_return_val_if_fail (TW_IS_BACKUP_MANAGER (self), FALSE);
  g_return_val_if_fail (db_path != NULL, FALSE);

  dir = _tw_backup_dir_for (db_path, backup_dir);
  backups = tw_backup_manager_list (self, db_path, dir, error);
  if (backups == NULL)
    return FALSE;
  n = g_list_model_get_n_items (backups);

  _tw_backup_manager_sweep (self, db_path, dir, g_get_real_time () / G_USEC_PER_SEC);

  if (keep_days > 0)
    {
      cutoff = g_date_time_add_days (now, -(int) keep_days);

      /* The newest valid backup is kept whatever its age: a non-empty database with the
       * source's schema (an empty file, a link or another database's copy is not one). */
      source_schema = _tw_backup_source_schema (db_path);
      for (guint i = 0; i < n && keep == NULL; i++)
        {
          g_autoptr(TwBackup) backup = g_list_model_get_item (backups, i);

          g_autoptr(GError) local_error = NULL;

          if (!tw_backup_verify_for_source (backup, TRUE, source_schema, cancellable, &local_error))
            {
              if (g_error_matches (local_error, TW_ERROR, TW_ERROR_NOT_FOUND))
                continue;   /* deleted meanwhile */
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          if (tw_backup_get_valid (backup) == TW_BACKUP_VALIDITY_VALID)
            keep = backup;
        }

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(TwBackup) backup = g_list_model_get_item (backups, i);

          /* Not the console's to delete: the runbook's scripts keep their own. */
          if (backup == keep || tw_backup_get_external (backup) ||
              g_date_time_compare (tw_backup_get_created (backup), cutoff) >= 0)
            continue;
          if (g_unlink (tw_backup_get_path (backup)) != 0 && errno != ENOENT)
            {
              int saved = errno;

              g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                           _("Could not delete the old backup “%s”: %s"),
                           tw_backup_get_path (backup), g_strerror (saved));
              return FALSE;
            }
          g_ptr_array_add (removed, g_strdup (tw_backup_get_path (backup)));
          {
            g_autofree char *manifest = _tw_backup_manifest_path (tw_backup_get_path (backup));

            g_unlink (manifest);
          }
        }
    }

  if (removed->len > 0)
    {
      g_autoptr(GString) message = g_string_new (NULL);

      _tw_fsync_path (dir, TRUE, NULL);
      /* The audit log's own words: not translated. */
      g_string_printf (message, "deleted %u backup(s) older than %u day(s):", removed->len, keep_days);
      for (guint i = 0; i < removed->len; i++)
        {
          g_autofree char *base = g_path_get_basename (g_ptr_array_index (removed, i));

          g_string_append_printf (message, " %s", base);
        }
      if (self->audit_log != NULL)
        tw_audit_log_record (self->audit_log, self->profile, self->mode, "backup.cleanup",
                             db_path, "retention", TW_AUDIT_OUTCOME_OK, 0, message->str, NULL);
    }

  if (deleted != NULL)
    *deleted = g_steal_pointer (&removed);

  return TRUE;
}

gint64
tw_backup_manager_get_newest_age (TwBackupManager *self,
                                  const char      *db_path,
                                  const char      *backup_dir)
{
  g_autoptr(GListModel) backups = NULL;
  g_autoptr(TwBackup) newest = NULL;
  g_autoptr(GDateTime) now = NULL;

  g_return_val_if_fail (TW_IS_BACKUP_MANAGER (self), -1);

  backups = tw_backup_manager_list (self, db_path, backup_dir, NULL);
  if (backups == NULL || g_list_model_get_n_items (backups) == 0)
    return -1;

  newest = g_list_model_get_item (backups, 0);
  now = g_date_time_new_now_utc ();
  return MAX (0, g_date_time_difference (now, tw_backup_get_created (newest)) / G_TIME_SPAN_SECOND);
}

TwBackup *
tw_backup_manager_find_newest_valid (TwBackupManager  *self,
                                     const char       *db_path,
                                     const char       *backup_dir,
                                     guint            *n_backups,
                                     GCancellable     *cancellable,
                                     GError          **error)
{
  g_autoptr(GListModel) backups = NULL;
  g_autofree char *source_schema = NULL;
  guint n, counted = 0;
  TwBackup *found = NULL;

  g_return_val_if_fail (TW_IS_BACKUP_MANAGER (self), NULL);
  g_return_val_if_fail (db_path != NULL, NULL);

  if (n_backups != NULL)
    *n_backups = 0;
  backups = tw_backup_manager_list (self, db_path, backup_dir, error);
  if (backups == NULL)
    return NULL;
  n = g_list_model_get_n_items (backups);
  if (n > 0)
    source_schema = _tw_backup_source_schema (db_path);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwBackup) backup = g_list_model_get_item (backups, i);
      g_autoptr(GError) local_error = NULL;

      if (tw_backup_get_pre_restore (backup))
        continue;
      counted++;
      if (found != NULL)
        continue;
      if (!tw_backup_verify_for_source (backup, TRUE, source_schema, cancellable, &local_error))
        {
          if (g_error_matches (local_error, TW_ERROR, TW_ERROR_NOT_FOUND))
            continue;   /* deleted meanwhile */
          g_propagate_error (error, g_steal_pointer (&local_error));
          g_clear_object (&found);
          return NULL;
        }
      if (tw_backup_get_valid (backup) == TW_BACKUP_VALIDITY_VALID)
        found = g_steal_pointer (&backup);
    }

  if (n_backups != NULL)
    *n_backups = counted;
  return found;
}

gboolean
tw_backup_manager_is_due (TwBackupManager *self,
                          const char      *db_path,
                          const char      *backup_dir,
                          guint            schedule_hours)
{
  gint64 age;

  g_return_val_if_fail (TW_IS_BACKUP_MANAGER (self), FALSE);

  if (schedule_hours == 0)
    return FALSE;

  age = tw_backup_manager_get_newest_age (self, db_path, backup_dir);
  return age < 0 || age >= (gint64) schedule_hours * 3600;
}
