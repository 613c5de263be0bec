/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-backup.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "tw-backup-private.h"
#include "tw-error.h"
#include "tw-sandbox.h"
#include "tw-sqlite-util.h"
#include "tw-util.h"

struct _TwBackup
{
  GObject           parent_instance;

  char             *path;
  char             *name;
  guint64           size;
  GDateTime        *created;
  gboolean          pre_restore;
  gboolean          external;
  TwBackupValidity  valid;
  char             *problem;
  GStrv             tables;
  GArray           *counts;      /* gint64, parallel to tables */
  gint64            total_rows;
  char             *fingerprint;
  TwBackupManifest  manifest;
};

G_DEFINE_FINAL_TYPE (TwBackup, tw_backup, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (TwBackupValidity, tw_backup_validity,
  G_DEFINE_ENUM_VALUE (TW_BACKUP_VALIDITY_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (TW_BACKUP_VALIDITY_VALID, "valid"),
  G_DEFINE_ENUM_VALUE (TW_BACKUP_VALIDITY_INVALID, "invalid"))

G_DEFINE_ENUM_TYPE (TwBackupManifest, tw_backup_manifest,
  G_DEFINE_ENUM_VALUE (TW_BACKUP_MANIFEST_UNCHECKED, "unchecked"),
  G_DEFINE_ENUM_VALUE (TW_BACKUP_MANIFEST_MISSING, "missing"),
  G_DEFINE_ENUM_VALUE (TW_BACKUP_MANIFEST_MATCHED, "matched"),
  G_DEFINE_ENUM_VALUE (TW_BACKUP_MANIFEST_MISMATCHED, "mismatched"))

enum {
  PROP_0,
  PROP_PATH,
  PROP_NAME,
  PROP_SIZE,
  PROP_CREATED,
  PROP_PRE_RESTORE,
  PROP_VALID,
  PROP_PROBLEM,
  PROP_TABLES,
  PROP_TOTAL_ROWS,
  PROP_FINGERPRINT,
  PROP_MANIFEST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
tw_backup_validity_to_string (TwBackupValidity validity)
{
  switch (validity)
    {
    case TW_BACKUP_VALIDITY_VALID:   return "valid";
    case TW_BACKUP_VALIDITY_INVALID: return "invalid";
    case TW_BACKUP_VALIDITY_UNKNOWN:
    default:                         return "unknown";
    }
}

static void
tw_backup_finalize (GObject *object)
{
  TwBackup *self = TW_BACKUP (object);

  g_free (self->path);
  g_free (self->name);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_free (self->problem);
  g_strfreev (self->tables);
  g_clear_pointer (&self->counts, g_array_unref);
  g_free (self->fingerprint);

  G_OBJECT_CLASS (tw_backup_parent_class)->finalize (object);
}

static void
tw_backup_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TwBackup *self = TW_BACKUP (object);

  switch (prop_id)
    {
    case PROP_PATH:        g_value_set_string (value, self->path); break;
    case PROP_NAME:        g_value_set_string (value, self->name); break;
    case PROP_SIZE:        g_value_set_uint64 (value, self->size); break;
    case PROP_CREATED:     g_value_set_boxed (value, self->created); break;
    case PROP_PRE_RESTORE: g_value_set_boolean (value, self->pre_restore); break;
    case PROP_VALID:       g_value_set_enum (value, self->valid); break;
    case PROP_PROBLEM:     g_value_set_string (value, self->problem); break;
    case PROP_TABLES:      g_value_set_boxed (value, self->tables); break;
    case PROP_TOTAL_ROWS:  g_value_set_int64 (value, self->total_rows); break;
    case PROP_FINGERPRINT: g_value_set_string (value, self->fingerprint); break;
    case PROP_MANIFEST:    g_value_set_enum (value, self->manifest); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_backup_class_init (TwBackupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tw_backup_finalize;
  object_class->get_property = tw_backup_get_property;

  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_SIZE] = g_param_spec_uint64 ("size", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_CREATED] = g_param_spec_boxed ("created", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_PRE_RESTORE] = g_param_spec_boolean ("pre-restore", NULL, NULL, FALSE, flags);
  properties[PROP_VALID] = g_param_spec_enum ("valid", NULL, NULL, TW_TYPE_BACKUP_VALIDITY,
                                              TW_BACKUP_VALIDITY_UNKNOWN, flags);
  properties[PROP_PROBLEM] = g_param_spec_string ("problem", NULL, NULL, NULL, flags);
  properties[PROP_TABLES] = g_param_spec_boxed ("tables", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_TOTAL_ROWS] = g_param_spec_int64 ("total-rows", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_FINGERPRINT] = g_param_spec_string ("fingerprint", NULL, NULL, NULL, flags);
  properties[PROP_MANIFEST] = g_param_spec_enum ("manifest", NULL, NULL, TW_TYPE_BACKUP_MANIFEST,
                                                 TW_BACKUP_MANIFEST_UNCHECKED, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_backup_init (TwBackup *self)
{
  self->total_rows = -1;
}

GDateTime *
tw_backup_parse_name (const char *file_name,
                      const char *db_name,
                      gboolean   *pre_restore)
{
  const char *p;
  int y, mo, d, h, mi, s;
  gsize len;

  g_return_val_if_fail (file_name != NULL && db_name != NULL, NULL);

  len = strlen (db_name);
  if (strncmp (file_name, db_name, len) != 0 || file_name[len] != '_')
    return NULL;
  p = file_name + len + 1;

  /* YYYYMMDD_HHMMSS */
  for (int i = 0; i < 15; i++)
    if (i == 8 ? p[i] != '_' : !g_ascii_isdigit (p[i]))
      return NULL;
  if (sscanf (p, "%4d%2d%2d_%2d%2d%2d", &y, &mo, &d, &h, &mi, &s) != 6)
    return NULL;
  p += 15;

  if (*p == '_')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return NULL;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if (pre_restore != NULL)
    *pre_restore = g_str_has_prefix (p, "-pre-restore");
  if (g_str_has_prefix (p, "-pre-restore"))
    p += strlen ("-pre-restore");
  if (strcmp (p, ".db") != 0)
    return NULL;

  return g_date_time_new_utc (y, mo, d, h, mi, s);
}

gboolean
tw_backup_parse_runbook_name (const char  *file_name,
                              const char  *db_file_name,
                              GDateTime  **created)
{
  gsize len;
  const char *suffix;
  int y, mo, d, h = 0, mi = 0, s = 0;
  gsize n;

  g_return_val_if_fail (file_name != NULL && db_file_name != NULL, FALSE);

  if (created != NULL)
    *created = NULL;
  len = strlen (db_file_name);
  if (len == 0 || strncmp (file_name, db_file_name, len) != 0 || file_name[len] != '.')
    return FALSE;
  suffix = file_name + len + 1;
  /* A word or a date; not a database's own side files, nor anything hidden. */
  if (*suffix == '\0' || *suffix == '.' || strchr (suffix, '/') != NULL ||
      g_str_has_suffix (suffix, "-wal") || g_str_has_suffix (suffix, "-shm") ||
      g_str_has_suffix (suffix, "-journal") || g_str_has_suffix (suffix, ".manifest"))
    return FALSE;

  /* "YYYYMMDD" or "YYYYMMDD_HHMMSS", as `date +%Y%m%d[_%H%M%S]` writes them: local time. */
  n = strlen (suffix);
  for (gsize i = 0; i < n; i++)
    if (i == 8 ? suffix[i] != '_' : !g_ascii_isdigit (suffix[i]))
      return TRUE;
  if (n != 8 && n != 15)
    return TRUE;
  if (sscanf (suffix, "%4d%2d%2d", &y, &mo, &d) != 3 ||
      (n == 15 && sscanf (suffix + 9, "%2d%2d%2d", &h, &mi, &s) != 3))
    return TRUE;
  if (created != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_new_local (y, mo, d, h, mi, s);

      *created = local != NULL ? g_date_time_to_utc (local) : NULL;
    }
  return TRUE;
}

void
_tw_backup_set_external (TwBackup  *self,
                         GDateTime *created)
{
  self->external = TRUE;
  if (created != NULL)
    {
      g_clear_pointer (&self->created, g_date_time_unref);
      self->created = g_date_time_ref (created);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED]);
    }
}

gboolean
tw_backup_get_external (TwBackup *self)
{
  g_return_val_if_fail (TW_IS_BACKUP (self), FALSE);
  return self->external;
}

/* NAME_YYYYMMDD_HHMMSS…: NAME is whatever comes before the first "_YYYYMMDD_". NULL
 * when @name is not a backup's name. */
static GDateTime *
parse_created (const char *name,
               gboolean   *pre_restore)
{
  GDateTime *created = NULL;

  for (const char *u = strchr (name, '_'); u != NULL && created == NULL; u = strchr (u + 1, '_'))
    {
      g_autofree char *db_name = g_strndup (name, u - name);

      created = tw_backup_parse_name (name, db_name, pre_restore);
    }
  return created;
}

TwBackup *
tw_backup_new_for_path (const char  *path,
                        GError     **error)
{
  g_autoptr(TwBackup) self = NULL;
  GStatBuf st;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    {
      int saved = errno;
      g_autofree char *dir = g_path_get_dirname (path);

      if (!tw_sandbox_check_folder (dir, TW_SANDBOX_BACKUPS, error))
        return NULL;
      g_set_error (error, TW_ERROR, TW_ERROR_NOT_FOUND, _("The backup “%s” cannot be read: %s"),
                   path, S_ISREG (st.st_mode) || saved != 0 ? g_strerror (saved) : _("not a file"));
      return NULL;
    }

  self = g_object_new (TW_TYPE_BACKUP, NULL);
  self->path = g_strdup (path);
  self->name = g_path_get_basename (path);
  self->size = st.st_size;
  self->created = parse_created (self->name, &self->pre_restore);
  if (self->created == NULL)
    self->created = g_date_time_new_from_unix_utc (st.st_mtime);

  return g_steal_pointer (&self);
}

void
_tw_backup_set_path (TwBackup   *self,
                     const char *path)
{
  gboolean pre_restore = FALSE;
  GDateTime *created;

  g_return_if_fail (TW_IS_BACKUP (self));
  g_return_if_fail (path != NULL);

  g_object_freeze_notify (G_OBJECT (self));
  g_free (self->path);
  self->path = g_strdup (path);
  g_free (self->name);
  self->name = g_path_get_basename (path);
  created = parse_created (self->name, &pre_restore);
  if (created != NULL)
    {
      g_clear_pointer (&self->created, g_date_time_unref);
      self->created = created;
      self->pre_restore = pre_restore;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRE_RESTORE]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
_tw_backup_set_manifest (TwBackup         *self,
                         TwBackupManifest  manifest)
{
  g_return_if_fail (TW_IS_BACKUP (self));

  if (self->manifest == manifest)
    return;
  self->manifest = manifest;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MANIFEST]);
}

#define GETTER(type, name, field, dflt) \
  type \
  tw_backup_get_##name (TwBackup *self) \
  { \
    g_return_val_if_fail (TW_IS_BACKUP (self), dflt); \
    return self->field; \
  }

GETTER (const char *, path, path, NULL)
GETTER (const char *, name, name, NULL)
GETTER (guint64, size, size, 0)
GETTER (GDateTime *, created, created, NULL)
GETTER (gboolean, pre_restore, pre_restore, FALSE)
GETTER (TwBackupValidity, valid, valid, TW_BACKUP_VALIDITY_UNKNOWN)
GETTER (const char *, problem, problem, NULL)
GETTER (gint64, total_rows, total_rows, -1)
GETTER (const char *, fingerprint, fingerprint, NULL)
GETTER (TwBackupManifest, manifest, manifest, TW_BACKUP_MANIFEST_UNCHECKED)

#undef GETTER

const char * const *
tw_backup_get_tables (TwBackup *self)
{
  g_return_val_if_fail (TW_IS_BACKUP (self), NULL);

  return (const char * const *) self->tables;
}

gint64
tw_backup_get_row_count (TwBackup   *self,
                         const char *table)
{
  g_return_val_if_fail (TW_IS_BACKUP (self), -1);

  if (self->tables == NULL || self->counts == NULL)
    return -1;
  for (guint i = 0; self->tables[i] != NULL; i++)
    if (g_strcmp0 (self->tables[i], table) == 0)
      return g_array_index (self->counts, gint64, i);

  return -1;
}

typedef struct
{
  const char *path;
  char       *sha256;
  guint64     size;
  GError     *error;
} HashJob;

static gpointer
hash_thread (gpointer data)
{
  HashJob *job = data;

  _tw_file_sha256 (job->path, &job->sha256, &job->size, NULL, &job->error);
  return NULL;
}

/* The SQLite side of the check: NULL when the file is a database with tables whose
 * integrity check says "ok", else the problem. */
static char *
check_database (const char  *path,
                gboolean     quick,
                GStrv       *tables,
                GArray     **counts,
                char       **fingerprint)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *check = NULL;
  char *problem = NULL;
  sqlite3 *db;

  db = _tw_sqlite_open (path, SQLITE_OPEN_READONLY, TRUE, &local_error);
  if (db == NULL)
    return g_strdup (local_error->message);

  check = _tw_sqlite_check (db, quick);
  if (g_strcmp0 (check, "ok") != 0)
    problem = g_strdup_printf (_("the integrity check found problems: %s"), check);
  else if (!_tw_sqlite_describe (db, tables, counts, fingerprint, &local_error))
    problem = g_strdup (local_error->message);
  else if ((*tables)[0] == NULL)
    problem = g_strdup (_("it holds no tables: not a backup of a database"));
  sqlite3_close (db);

  return problem;
}

gboolean
tw_backup_verify (TwBackup      *self,
                  gboolean       quick,
                  GCancellable  *cancellable,
                  GError       **error)
{
  return tw_backup_verify_for_source (self, quick, NULL, cancellable, error);
}

gboolean
tw_backup_verify_for_source (TwBackup      *self,
                             gboolean       quick,
                             const char    *source_schema,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) tables = NULL;
  g_autoptr(GArray) counts = NULL;
  g_autofree char *fingerprint = NULL;
  TwBackupValidity valid = TW_BACKUP_VALIDITY_INVALID;
  TwBackupManifest manifest = TW_BACKUP_MANIFEST_MISSING;
  g_autofree char *problem = NULL;
  g_autofree char *manifest_sha = NULL;
  g_autofree char *manifest_schema = NULL;
  guint64 manifest_size = 0;
  gboolean has_manifest = FALSE;
  gint64 total = -1;
  GStatBuf st;

  g_return_val_if_fail (TW_IS_BACKUP (self), FALSE);

  if (g_lstat (self->path, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, TW_ERROR, TW_ERROR_NOT_FOUND, _("The backup “%s” cannot be read: %s"),
                   self->path, g_strerror (saved));
      return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (S_ISLNK (st.st_mode))
    {
      g_autofree char *target = g_file_read_link (self->path, NULL);

      problem = g_strdup_printf (_("it is a symbolic link to “%s”, not a backup file"),
                                 target != NULL ? target : "?");
    }
  else if (!S_ISREG (st.st_mode))
    problem = g_strdup (_("it is not a file"));
  else if (st.st_size == 0)
    problem = g_strdup (_("it is empty (0 bytes): not a database"));
  else if (!_tw_backup_read_manifest (self->path, &has_manifest, &manifest_size, &manifest_sha,
                                      &manifest_schema, &local_error))
    {
      manifest = TW_BACKUP_MANIFEST_MISMATCHED;
      problem = g_strdup (local_error->message);
    }
  else
    {
      HashJob job = { self->path, NULL, 0, NULL };
      GThread *thread = NULL;

      /* The checksum reads the file in a second thread while SQLite checks it. */
      if (has_manifest)
        thread = g_thread_new ("tw-backup-hash", hash_thread, &job);
      problem = check_database (self->path, quick, &tables, &counts, &fingerprint);
      if (thread != NULL)
        {
          g_thread_join (thread);
          if (job.error != NULL)
            {
              g_propagate_error (error, job.error);
              return FALSE;
            }
          if (job.size != manifest_size || g_strcmp0 (job.sha256, manifest_sha) != 0)
            {
              manifest = TW_BACKUP_MANIFEST_MISMATCHED;
              g_free (problem);
              problem = job.size != manifest_size
                /* %llu, not G_GUINT64_FORMAT: xgettext cannot see through a macro. */
                ? g_strdup_printf (_("its size (%llu bytes) is not the %llu bytes its manifest "
                                     "records: it changed since it was made"),
                                   (unsigned long long) job.size,
                                   (unsigned long long) manifest_size)
                : g_strdup (_("its content is not what its manifest records (SHA-256 "
                              "differs): it changed since it was made"));
            }
          else
            manifest = TW_BACKUP_MANIFEST_MATCHED;
          g_free (job.sha256);
        }

      /* The schema it must have: its source's, as its manifest records it, else the
       * live database's. */
      if (problem == NULL && !has_manifest)
        tw_set_str (&manifest_schema, source_schema);
      if (problem == NULL && manifest_schema != NULL
          && g_strcmp0 (fingerprint, manifest_schema) != 0)
        problem = g_strdup (has_manifest
                            ? _("its schema is not the one its manifest records")
                            : _("its schema is not the database's: a backup of another database"));
      if (problem == NULL)
        {
          valid = TW_BACKUP_VALIDITY_VALID;
          total = 0;
          for (guint i = 0; i < counts->len; i++)
            total += g_array_index (counts, gint64, i);
        }
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  if ((guint64) st.st_size != self->size)
    {
      self->size = st.st_size;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
    }
  if (valid != self->valid)
    {
      self->valid = valid;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
    }
  if (manifest != self->manifest)
    {
      self->manifest = manifest;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MANIFEST]);
    }
  if (tw_set_str (&self->problem, problem))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
  if (valid == TW_BACKUP_VALIDITY_VALID)
    {
      if (!g_strv_equal ((const char * const *) tables,
                         (const char * const *) (self->tables != NULL ? self->tables
                                                                      : (GStrv) (const char *[]) { NULL })))
        {
          g_strfreev (self->tables);
          self->tables = g_steal_pointer (&tables);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TABLES]);
        }
      g_clear_pointer (&self->counts, g_array_unref);
      self->counts = g_steal_pointer (&counts);
      if (tw_set_str (&self->fingerprint, fingerprint))
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINGERPRINT]);
    }
  if (total != self->total_rows)
    {
      self->total_rows = total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_ROWS]);
    }
  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}
