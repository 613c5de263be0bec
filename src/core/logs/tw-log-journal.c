/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-log-journal.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>
#if HAVE_LIBSYSTEMD
#include <systemd/sd-journal.h>
#endif
#include <unistd.h>

#include "tw-error.h"

#if HAVE_LIBSYSTEMD

struct _TwLogJournal
{
  sd_journal *journal;
  gboolean    started;
  char       *cursor;   /* of the last entry written */
  guint64     last_usec;  /* its time */
  char       *path;
  char       *unit;
  char       *identifier;
  gint64      dir_mtime;  /* a folder of journal files: reopened when it changes */
};

/* What a folder of journal files looks like now: its files' sizes and times (0: not a
 * folder). A change means files were added or written. */
static gint64
mtime_of (const char *path)
{
  GStatBuf st;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  gint64 signature;

  if (path == NULL || g_stat (path, &st) != 0 || !S_ISDIR (st.st_mode))
    return 0;
  signature = (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_str_has_suffix (name, ".journal") && g_stat (child, &st) == 0)
        signature += st.st_size * 7 + st.st_mtim.tv_nsec / 1000 + (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC;
    }
  return signature;
}

static int
open_journal (sd_journal **journal,
              const char  *path,
              const char  *unit,
              const char  *identifier)
{
  int r;

  if (path == NULL || g_str_equal (path, "system"))
    r = sd_journal_open (journal, SD_JOURNAL_LOCAL_ONLY);
  else if (g_file_test (path, G_FILE_TEST_IS_DIR))
    r = sd_journal_open_directory (journal, path, 0);
  else
    {
      const char *paths[] = { path, NULL };
      r = sd_journal_open_files (journal, paths, 0);
    }
  if (r < 0)
    return r;
  /* Sets up the inotify watch sd_journal_process() reports new entries by. */
  sd_journal_get_fd (*journal);
  if (unit != NULL && *unit != '\0')
    {
      g_autofree char *match = g_strdup_printf ("_SYSTEMD_UNIT=%s", unit);
      sd_journal_add_match (*journal, match, 0);
    }
  if (identifier != NULL && *identifier != '\0')
    {
      g_autofree char *match = g_strdup_printf ("SYSLOG_IDENTIFIER=%s", identifier);
      sd_journal_add_match (*journal, match, 0);
    }
  return 0;
}

static const char *
level_of (int priority)
{
  if (priority <= 2)
    return "CRITICAL";
  if (priority == 3)
    return "ERROR";
  if (priority == 4)
    return "WARNING";
  if (priority <= 6)
    return "INFO";
  return "DEBUG";
}

/* The value of @field of the current entry, or NULL. */
static char *
field (sd_journal *journal,
       const char *name)
{
  const void *data;
  size_t length;
  gsize prefix = strlen (name) + 1;

  if (sd_journal_get_data (journal, name, &data, &length) < 0 || length < prefix)
    return NULL;
  return g_strndup ((const char *) data + prefix, length - prefix);
}

TwLogJournal *
_tw_log_journal_open (const char  *path,
                      const char  *unit,
                      const char  *identifier,
                      guint        max_history,
                      GError     **error)
{
  TwLogJournal *self = g_new0 (TwLogJournal, 1);
  int r = open_journal (&self->journal, path, unit, identifier);

  if (r < 0)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_NOT_FOUND, _("Could not open the journal %s: %s"),
                   path != NULL ? path : "system", g_strerror (-r));
      g_free (self);
      return NULL;
    }
  self->path = g_strdup (path);
  self->unit = g_strdup (unit);
  self->identifier = g_strdup (identifier);
  self->dir_mtime = mtime_of (path);
  if (max_history > 0)
    {
      /* Onto the entry before the newest @max_history: next() then reads them. A shorter
       * journal is read from its head. */
      sd_journal_seek_tail (self->journal);
      if (sd_journal_previous_skip (self->journal, max_history + 1) < (int) max_history + 1)
        sd_journal_seek_head (self->journal);
      self->started = TRUE;
    }
  else
    sd_journal_seek_head (self->journal);
  return self;
}

gssize
_tw_log_journal_export (TwLogJournal  *self,
                        int            fd,
                        guint          max,
                        GError       **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gssize n = 0;
  int r;

  /* A folder whose files changed: opened again, the read going on after the last entry
   * written. */
  if (self->dir_mtime != 0 && self->cursor != NULL && mtime_of (self->path) != self->dir_mtime)
    {
      sd_journal *reopened = NULL;

      self->dir_mtime = mtime_of (self->path);
      if (open_journal (&reopened, self->path, self->unit, self->identifier) >= 0)
        {
          sd_journal_close (self->journal);
          self->journal = reopened;
          /* From the last entry written on, by time; it itself is skipped below. */
          sd_journal_seek_realtime_usec (self->journal, self->last_usec);
        }
    }
  /* New files of the system journal: added by process(); then the read goes on from the
   * last entry written. */
  else if (sd_journal_process (self->journal) == SD_JOURNAL_INVALIDATE && self->cursor != NULL
      && sd_journal_seek_cursor (self->journal, self->cursor) >= 0
      && sd_journal_next (self->journal) > 0
      && sd_journal_test_cursor (self->journal, self->cursor) <= 0)
    sd_journal_previous (self->journal);
  while (n < (gssize) max && (r = sd_journal_next (self->journal)) > 0)
    {
      g_autofree char *message = field (self->journal, "MESSAGE");
      g_autofree char *priority = field (self->journal, "PRIORITY");
      g_autofree char *ident = field (self->journal, "SYSLOG_IDENTIFIER");
      g_autoptr(GDateTime) time = NULL;
      g_autofree char *stamp = NULL;
      uint64_t usec = 0;

      /* Written already (a reopened journal may give the last entry again). */
      if (self->cursor != NULL && sd_journal_test_cursor (self->journal, self->cursor) > 0)
        continue;
      sd_journal_get_realtime_usec (self->journal, &usec);
      if (usec < self->last_usec)
        continue;
      if (ident == NULL)
        ident = field (self->journal, "_COMM");
      time = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
      stamp = g_date_time_format (time, "%Y-%m-%d %H:%M:%S");
      if (message != NULL)
        g_strdelimit (message, "\n\r", ' ');
      g_string_append_printf (out, "%s,%03u - %s - %s - %s\n", stamp, (guint) ((usec / 1000) % 1000),
                              ident != NULL ? ident : "?",
                              level_of (priority != NULL ? atoi (priority) : 6),
                              message != NULL ? message : "");
      n++;
      {
        char *cursor = NULL;

        self->last_usec = usec;
        if (sd_journal_get_cursor (self->journal, &cursor) >= 0)
          {
            g_free (self->cursor);
            self->cursor = g_strdup (cursor);
            free (cursor);
          }
      }
    }
  if (n > 0)
    {
      gsize done = 0;

      while (done < out->len)
        {
          gssize wrote = write (fd, out->str + done, out->len - done);

          if (wrote < 0 && errno == EINTR)
            continue;
          if (wrote <= 0)
            {
              g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Could not copy the journal: %s"),
                           g_strerror (errno));
              return -1;
            }
          done += wrote;
        }
    }
  return n;
}

void
_tw_log_journal_free (TwLogJournal *self)
{
  if (self == NULL)
    return;
  sd_journal_close (self->journal);
  g_free (self->cursor);
  g_free (self->path);
  g_free (self->unit);
  g_free (self->identifier);
  g_free (self);
}

#else /* !HAVE_LIBSYSTEMD */

/* Built without libsystemd (the Flatpak's local runtime): a journal source says so. */
struct _TwLogJournal
{
  int unused;
};

TwLogJournal *
_tw_log_journal_open (const char  *path,
                      const char  *unit,
                      const char  *identifier,
                      guint        max_history,
                      GError     **error)
{
  g_set_error_literal (error, TW_ERROR, TW_ERROR_UNSUPPORTED,
                       _("This build of Trade Warden cannot read the systemd journal (it was "
                         "built without libsystemd): show the service's log file instead."));
  return NULL;
}

gssize
_tw_log_journal_export (TwLogJournal  *self,
                        int            fd,
                        guint          max,
                        GError       **error)
{
  g_set_error_literal (error, TW_ERROR, TW_ERROR_UNSUPPORTED,
                       _("This build of Trade Warden cannot read the systemd journal."));
  return -1;
}

void
_tw_log_journal_free (TwLogJournal *self)
{
  g_free (self);
}

#endif
