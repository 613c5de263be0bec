/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The console's temporary files (.NAME.tw-backup-XXXXXX in a backup folder,
 * .BASE.tw-restore-XXXXXX beside a database) and the sweep of the ones a killed backup or
 * restore left behind.
 *
 * A temporary file is created with an flock() held on its descriptor until the file is
 * published, renamed or removed: the sweep removes a file only if it can take that lock
 * (nobody is still writing it), it is this user's, a regular file, and older than the
 * operation sweeping. flock() and SQLite's fcntl() locks are independent on Linux, so the
 * lock neither blocks SQLite nor is dropped when SQLite closes its own descriptor. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "tw-backup-private.h"
#include "tw-error.h"

int
_tw_temp_file_create (char    *tmpl,
                      GError **error)
{
  int fd = g_mkstemp_full (tmpl, O_RDWR | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Could not create “%s”: %s"), tmpl,
                   g_strerror (saved));
      return -1;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    g_debug ("Could not lock the temporary file %s: %s", tmpl, g_strerror (errno));

  return fd;
}

void
_tw_sweep_temporaries (const char *dir,
                       const char *prefix,
                       gint64      started,
                       GPtrArray  *removed)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  if (listing == NULL)
    return;

  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;
      int fd;

      if (!g_str_has_prefix (name, prefix))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_uid != geteuid ()
          || (gint64) st.st_mtime >= started)
        continue;

      fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
      if (fd < 0)
        continue;
      /* Taken: a backup or restore of this or another process still writes it. */
      if (flock (fd, LOCK_EX | LOCK_NB) == 0 && g_unlink (path) == 0)
        g_ptr_array_add (removed, g_steal_pointer (&path));
      close (fd);
    }
}
