/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sqlite-util.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "tw-error.h"

gboolean
_tw_sqlite_error (GError     **error,
                  sqlite3     *db,
                  int          rc,
                  const char  *what)
{
  const char *msg = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  g_set_error (error, TW_ERROR, TW_ERROR_DATABASE, "%s: %s", what, msg);
  return FALSE;
}

sqlite3 *
_tw_sqlite_open (const char  *path,
                 int          flags,
                 gboolean     immutable,
                 GError     **error)
{
  sqlite3 *db = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *what = NULL;
  int rc;

  if (immutable)
    {
      g_autofree char *abs = g_canonicalize_filename (path, NULL);
      g_autofree char *file_uri = g_filename_to_uri (abs, NULL, error);

      if (file_uri == NULL)
        return NULL;
      uri = g_strconcat (file_uri, "?immutable=1", NULL);
      flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
    }

  rc = sqlite3_open_v2 (uri != NULL ? uri : path, &db, flags | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      what = g_strdup_printf (_("Could not open the database “%s”"), path);
      _tw_sqlite_error (error, db, rc, what);
      sqlite3_close (db);
      return NULL;
    }

  sqlite3_extended_result_codes (db, 0);
  return db;
}

gboolean
_tw_sqlite_exec (sqlite3     *db,
                 const char  *sql,
                 const char  *what,
                 GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return _tw_sqlite_error (error, db, rc, what);

  return TRUE;
}

char *
_tw_sqlite_check (sqlite3  *db,
                  gboolean  quick)
{
  g_autoptr(GString) out = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, quick ? "PRAGMA quick_check" : "PRAGMA integrity_check",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      g_string_assign (out, sqlite3_errmsg (db));
      sqlite3_finalize (stmt);
      return g_string_free (g_steal_pointer (&out), FALSE);
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *line = (const char *) sqlite3_column_text (stmt, 0);

      if (out->len > 0)
        g_string_append (out, "; ");
      g_string_append (out, line != NULL ? line : "");
    }

  if (rc != SQLITE_DONE)
    {
      if (out->len > 0)
        g_string_append (out, "; ");
      g_string_append (out, sqlite3_errmsg (db));
    }
  sqlite3_finalize (stmt);

  if (out->len == 0)
    g_string_assign (out, _("no result from the integrity check"));

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

gboolean
_tw_sqlite_describe (sqlite3  *db,
                     GStrv    *tables,
                     GArray  **counts,
                     char    **fingerprint,
                     GError  **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) sqls = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) row_counts = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT type, name, sql FROM sqlite_master", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _tw_sqlite_error (error, db, rc, _("Could not read the schema"));

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *type = (const char *) sqlite3_column_text (stmt, 0);
      const char *name = (const char *) sqlite3_column_text (stmt, 1);
      const char *sql = (const char *) sqlite3_column_text (stmt, 2);

      if (sql != NULL)
        g_ptr_array_add (sqls, g_strdup (sql));
      if (g_strcmp0 (type, "table") == 0 && name != NULL && !g_str_has_prefix (name, "sqlite_"))
        g_ptr_array_add (names, g_strdup (name));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _tw_sqlite_error (error, db, rc, _("Could not read the schema"));

  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_sort (sqls, compare_strings);

  for (guint i = 0; i < sqls->len; i++)
    {
      if (i > 0)
        g_checksum_update (sum, (const guchar *) "\n", 1);
      g_checksum_update (sum, g_ptr_array_index (sqls, i), -1);
    }

  /* Only the fingerprint: no need to count every row. */
  for (guint i = 0; (tables != NULL || counts != NULL) && i < names->len; i++)
    {
      g_autoptr(GString) quoted = g_string_new (g_ptr_array_index (names, i));
      g_autofree char *sql = NULL;
      gint64 count = -1;

      g_string_replace (quoted, "\"", "\"\"", 0);
      sql = g_strdup_printf ("SELECT count(*) FROM \"%s\"", quoted->str);
      rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          rc = sqlite3_step (stmt);
          if (rc == SQLITE_ROW)
            count = sqlite3_column_int64 (stmt, 0);
        }
      if (rc != SQLITE_ROW)
        {
          g_autofree char *what = g_strdup_printf (_("Could not count the rows of table “%s”"),
                                                   (const char *) g_ptr_array_index (names, i));
          _tw_sqlite_error (error, db, rc, what);
          sqlite3_finalize (stmt);
          return FALSE;
        }
      sqlite3_finalize (stmt);
      g_array_append_val (row_counts, count);
    }

  if (tables != NULL)
    {
      g_ptr_array_add (names, NULL);
      *tables = (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
    }
  if (counts != NULL)
    *counts = g_steal_pointer (&row_counts);
  if (fingerprint != NULL)
    *fingerprint = g_strdup (g_checksum_get_string (sum));

  return TRUE;
}

char *
_tw_sqlite_journal_mode (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  char *mode = NULL;

  if (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    mode = g_ascii_strdown ((const char *) sqlite3_column_text (stmt, 0), -1);
  sqlite3_finalize (stmt);

  return mode;
}

gboolean
_tw_fsync_path (const char  *path,
                gboolean     directory,
                GError     **error)
{
  int fd = open (path, (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
  int saved;

  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                   _("Could not open “%s” to flush it to disk: %s"), path, g_strerror (saved));
      return FALSE;
    }

  if (fsync (fd) != 0)
    {
      saved = errno;
      close (fd);
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Could not flush “%s” to disk: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }

  close (fd);
  return TRUE;
}

gboolean
_tw_copy_fd_synced (int            in,
                    const char    *src,
                    int            out,
                    const char    *dest,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autofree char *buf = g_malloc (1 << 20);
  off_t offset = 0;
  int saved;

  for (;;)
    {
      ssize_t n = pread (in, buf, 1 << 20, offset);
      ssize_t done = 0;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved = errno;
          g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Could not read “%s”: %s"),
                       src, g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        break;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      while (done < n)
        {
          ssize_t w = write (out, buf + done, n - done);

          if (w < 0 && errno == EINTR)
            continue;
          if (w < 0)
            {
              saved = errno;
              g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                           _("Could not write “%s”: %s (is the disk full?)"),
                           dest, g_strerror (saved));
              return FALSE;
            }
          done += w;
        }
      offset += n;
    }

  if (fsync (out) != 0)
    {
      saved = errno;
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Could not flush “%s” to disk: %s"),
                   dest, g_strerror (saved));
      return FALSE;
    }

  return TRUE;
}

gboolean
_tw_copy_file_synced (const char    *src,
                      const char    *dest,
                      gboolean       exclusive,
                      GCancellable  *cancellable,
                      GError       **error)
{
  int in = -1, out = -1, saved = 0;
  gboolean ok;

  in = open (src, O_RDONLY | O_CLOEXEC);
  if (in < 0)
    {
      saved = errno;
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Could not read “%s”: %s"),
                   src, g_strerror (saved));
      return FALSE;
    }

  out = open (dest, O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC), 0600);
  if (out < 0)
    {
      saved = errno;
      close (in);
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Could not create “%s”: %s"),
                   dest, g_strerror (saved));
      return FALSE;
    }

  ok = _tw_copy_fd_synced (in, src, out, dest, cancellable, error);
  close (in);
  if (close (out) != 0 && ok)
    {
      saved = errno;
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Could not write “%s”: %s"),
                   dest, g_strerror (saved));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (dest);

  return ok;
}

static char *
find_holders (const char *path,
              gboolean    skip_self)
{
  g_autofree char *self_pid = g_strdup_printf ("%d", (int) getpid ());
  g_autoptr(GString) found = g_string_new (NULL);
  g_autofree char *real = realpath (path, NULL);
  g_autofree char *wal = NULL;
  g_autofree char *journal = NULL;
  g_autoptr(GDir) proc = NULL;
  const char *pid;

  if (real == NULL)
    real = g_canonicalize_filename (path, NULL);
  wal = g_strconcat (real, "-wal", NULL);
  journal = g_strconcat (real, "-journal", NULL);

  proc = g_dir_open ("/proc", 0, NULL);
  if (proc == NULL)
    return NULL;

  while ((pid = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *fd_dir_path = NULL;
      g_autoptr(GDir) fd_dir = NULL;
      const char *fd;
      gboolean holds = FALSE;

      if (!g_ascii_isdigit (pid[0]) || (skip_self && strcmp (pid, self_pid) == 0))
        continue;

      fd_dir_path = g_build_filename ("/proc", pid, "fd", NULL);
      fd_dir = g_dir_open (fd_dir_path, 0, NULL);
      if (fd_dir == NULL)
        continue;   /* gone, or another user's: the BEGIN EXCLUSIVE probe covers those */

      while (!holds && (fd = g_dir_read_name (fd_dir)) != NULL)
        {
          g_autofree char *link = g_build_filename (fd_dir_path, fd, NULL);
          g_autofree char *target = g_file_read_link (link, NULL);

          holds = target != NULL
            && (strcmp (target, real) == 0 || strcmp (target, wal) == 0
                || strcmp (target, journal) == 0);
        }

      if (holds)
        {
          g_autofree char *comm_path = g_build_filename ("/proc", pid, "comm", NULL);
          g_autofree char *comm = NULL;

          if (g_file_get_contents (comm_path, &comm, NULL, NULL))
            g_strstrip (comm);
          if (found->len > 0)
            g_string_append (found, ", ");
          g_string_append_printf (found, "process %s (%s)", pid, comm != NULL ? comm : "?");
        }
    }

  if (found->len == 0)
    return NULL;

  return g_string_free (g_steal_pointer (&found), FALSE);
}

char *
_tw_find_holders (const char *path)
{
  return find_holders (path, FALSE);
}

char *
_tw_find_other_holders (const char *path)
{
  return find_holders (path, TRUE);
}

gboolean
_tw_remove_sidecars (const char  *path,
                     GError     **error)
{
  static const char *suffixes[] = { "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *side = g_strconcat (path, suffixes[i], NULL);

      if (g_unlink (side) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Could not remove “%s”: %s"),
                       side, g_strerror (saved));
          return FALSE;
        }
    }

  return TRUE;
}
