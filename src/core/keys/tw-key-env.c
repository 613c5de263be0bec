/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "tw-error.h"
#include "tw-key-env.h"

#define MAX_ENV_SIZE (1024 * 1024)

/* Where the value of @variable starts and ends in @line (no line ending), or FALSE. */
static gboolean
find_value (const char *line,
            gsize       len,
            const char *variable,
            gsize      *start,
            gsize      *end)
{
  gsize i = 0, n = strlen (variable);

  while (i < len && (line[i] == ' ' || line[i] == '\t'))
    i++;
  if (len - i > 7 && strncmp (line + i, "export", 6) == 0 && (line[i + 6] == ' ' || line[i + 6] == '\t'))
    {
      i += 7;
      while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    }
  if (len - i <= n || strncmp (line + i, variable, n) != 0)
    return FALSE;
  i += n;
  while (i < len && (line[i] == ' ' || line[i] == '\t'))
    i++;
  if (i >= len || line[i] != '=')
    return FALSE;
  i++;
  *start = i;
  *end = len;
  /* trailing blanks are not part of the value */
  while (*end > *start && (line[*end - 1] == ' ' || line[*end - 1] == '\t' || line[*end - 1] == '\r'))
    (*end)--;
  while (*start < *end && (line[*start] == ' ' || line[*start] == '\t'))
    (*start)++;
  return TRUE;
}

static gboolean
read_env (const char   *path,
          char        **contents,
          gsize        *length,
          struct stat  *st,
          GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  if (g_lstat (path, st) != 0)
    {
      int saved = errno;

      g_set_error (error, TW_ERROR, TW_ERROR_NOT_FOUND, _("Cannot read %s: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  if (S_ISLNK (st->st_mode) || !S_ISREG (st->st_mode))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("%s is not a regular file (a symbolic link is refused): name the file itself"),
                   path);
      return FALSE;
    }
  if (st->st_uid != getuid ())
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID, _("%s does not belong to you"), path);
      return FALSE;
    }
  if (st->st_size > MAX_ENV_SIZE)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_TOO_LARGE, _("%s is larger than 1 MiB: not a .env file"),
                   path);
      return FALSE;
    }
  if (!g_file_get_contents (path, contents, length, &local_error))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Cannot read %s: %s"), path,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

char *
tw_key_env_get (const char  *path,
                const char  *variable,
                GError     **error)
{
  g_autofree char *contents = NULL;
  struct stat st;
  gsize length;
  const char *p, *end;
  char *found = NULL;

  if (!read_env (path, &contents, &length, &st, error))
    return NULL;

  for (p = contents, end = contents + length; p < end;)
    {
      const char *nl = memchr (p, '\n', end - p);
      gsize len = (nl != NULL ? nl : end) - p;
      gsize s, e;

      if (find_value (p, len, variable, &s, &e))
        {
          if (e - s >= 2 && (p[s] == '"' || p[s] == '\'') && p[e - 1] == p[s])
            s++, e--;
          g_free (found);
          found = g_strndup (p + s, e - s);
        }
      p += len + (nl != NULL ? 1 : 0);
    }
  return found;
}

/* Writes @data to a new file @path with @mode, synced. */
static gboolean
write_new_file (const char  *path,
                const char  *data,
                gsize        len,
                mode_t       mode,
                GError     **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  gsize done = 0;

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Cannot create %s: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  fchmod (fd, mode);
  while (done < len)
    {
      gssize n = write (fd, data + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          close (fd);
          g_unlink (path);
          g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Cannot write %s: %s"), path,
                       g_strerror (saved));
          return FALSE;
        }
      done += n;
    }
  if (fsync (fd) != 0 || close (fd) != 0)
    {
      int saved = errno;

      g_unlink (path);
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Cannot write %s: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
tw_key_env_set (const char  *path,
                const char  *variable,
                const char  *value,
                char       **backup_path,
                GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *tmp = NULL;
  g_autoptr(GString) out = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%S");
  struct stat st;
  gsize length;
  const char *p, *end;
  gboolean replaced = FALSE;

  g_return_val_if_fail (strchr (value, '\n') == NULL, FALSE);

  if (!read_env (path, &contents, &length, &st, error))
    return FALSE;

  out = g_string_sized_new (length + strlen (value) + 32);
  for (p = contents, end = contents + length; p < end;)
    {
      const char *nl = memchr (p, '\n', end - p);
      gsize len = (nl != NULL ? nl : end) - p;
      gsize s, e;

      if (find_value (p, len, variable, &s, &e))
        {
          char quote = (e - s >= 2 && (p[s] == '"' || p[s] == '\'') && p[e - 1] == p[s]) ? p[s] : 0;

          g_string_append_len (out, p, s);
          if (quote)
            g_string_append_c (out, quote);
          g_string_append (out, value);
          if (quote)
            g_string_append_c (out, quote);
          g_string_append_len (out, p + e, len - e);
          replaced = TRUE;
        }
      else
        g_string_append_len (out, p, len);
      if (nl != NULL)
        g_string_append_c (out, '\n');
      p += len + (nl != NULL ? 1 : 0);
    }
  if (!replaced)
    {
      if (out->len > 0 && out->str[out->len - 1] != '\n')
        g_string_append_c (out, '\n');
      g_string_append_printf (out, "%s=%s\n", variable, value);
    }

  /* The backup first: the old file as it was, readable by the user alone. */
  for (guint i = 0; backup == NULL || g_file_test (backup, G_FILE_TEST_EXISTS); i++)
    {
      g_free (backup);
      backup = i == 0 ? g_strdup_printf ("%s.tw-backup-%s", path, stamp)
                      : g_strdup_printf ("%s.tw-backup-%s-%u", path, stamp, i);
    }
  if (!write_new_file (backup, contents, length, 0600, error))
    return FALSE;

  tmp = g_strdup_printf ("%s.tw-new-%s", path, stamp);
  g_unlink (tmp);
  if (!write_new_file (tmp, out->str, out->len, st.st_mode & 07777, error))
    return FALSE;
  /* Same owner and group; the owner is the user (checked), the group may be refused. */
  if (chown (tmp, st.st_uid, st.st_gid) != 0)
    g_debug ("Could not keep the group of %s: %s", path, g_strerror (errno));
  if (g_rename (tmp, path) != 0)
    {
      int saved = errno;

      g_unlink (tmp);
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Cannot replace %s: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }

  if (backup_path != NULL)
    *backup_path = g_steal_pointer (&backup);
  return TRUE;
}
