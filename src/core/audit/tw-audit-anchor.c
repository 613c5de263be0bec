/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "tw-audit-private.h"
#include "tw-error.h"

/* The anchor: "tw-audit-anchor-1 ID HASH\n" in "LOG.anchor", the newest row this
 * console (or another process) wrote. The chain alone cannot tell a log whose newest
 * rows were deleted, or that was swapped for an older copy, from a shorter one: the
 * anchor, kept outside the database, can. */
#define ANCHOR_MAGIC "tw-audit-anchor-1"

char *
_tw_audit_anchor_path (const char *log_path)
{
  return g_strconcat (log_path, ".anchor", NULL);
}

gboolean
_tw_audit_anchor_read (const char  *log_path,
                       gint64      *id,
                       char       **hash,
                       GError     **error)
{
  g_autofree char *path = _tw_audit_anchor_path (log_path);
  g_autofree char *contents = NULL;
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) fields = NULL;
  char *end = NULL;
  gint64 value;

  *id = 0;
  *hash = NULL;
  if (!g_file_get_contents (path, &contents, NULL, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;   /* a log from before anchors, or never written to */
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                   _("Could not read the audit log's anchor “%s”: %s"), path, local->message);
      return FALSE;
    }

  fields = g_strsplit (g_strstrip (contents), " ", -1);
  if (g_strv_length (fields) == 3 && g_str_equal (fields[0], ANCHOR_MAGIC))
    {
      errno = 0;
      value = g_ascii_strtoll (fields[1], &end, 10);
      if (errno == 0 && end != fields[1] && *end == '\0' && value > 0 && strlen (fields[2]) == 64)
        {
          *id = value;
          *hash = g_strdup (fields[2]);
          return TRUE;
        }
    }
  g_set_error (error, TW_ERROR, TW_ERROR_CONFLICT,
               _("The audit log's anchor “%s” is not one Trade Warden wrote: it was altered "
                 "outside Trade Warden, so the newest rows of the log cannot be vouched for"),
               path);
  return FALSE;
}

void
_tw_audit_anchor_write (const char *log_path,
                        gint64      id,
                        const char *hash)
{
  g_autofree char *path = _tw_audit_anchor_path (log_path);
  g_autofree char *text = NULL;
  g_autofree char *old_hash = NULL;
  g_autoptr(GError) error = NULL;
  gint64 old_id = 0;

  /* Another process may have anchored a newer row: never move the anchor back. */
  if (_tw_audit_anchor_read (log_path, &old_id, &old_hash, NULL) && old_id >= id)
    return;

  text = g_strdup_printf (ANCHOR_MAGIC " %" G_GINT64_FORMAT " %s\n", id, hash);
  /* Durable: the anchor is what vouches for the newest rows after a crash. */
  if (g_file_set_contents_full (path, text, -1,
                                G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                0600, &error))
    return;
  /* The log's file itself was removed or moved (its handle still writes to it): there is
   * nothing at its path left to anchor. */
  if (!g_file_test (log_path, G_FILE_TEST_EXISTS))
    g_debug ("No anchor written for the audit log “%s”: the file is gone (%s)", log_path,
             error->message);
  else
    g_warning ("The audit log's anchor “%s” could not be written: %s. Until it is, removing "
               "the newest rows of the log would go unnoticed by Verify.", path, error->message);
}
