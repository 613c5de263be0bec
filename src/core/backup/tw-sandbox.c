/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sandbox.h"

#include <glib/gi18n-lib.h>
#include <sys/stat.h>

#include "tw-error.h"

/* Inside a Flatpak sandbox the console sees only the host folders it was granted
 * (`flatpak override --filesystem=…`, see the README). Everything else — $HOME
 * included — is on the sandbox's own root, a tmpfs that vanishes when the app
 * quits: a backup written there would be lost, and a database there is not the
 * operator's. The root is one file system; every granted folder is a bind mount
 * of a host one, so a folder is shared when its nearest existing ancestor is on
 * another device than "/". */

static int is_flatpak = -1;

gboolean
tw_sandbox_is_flatpak (void)
{
  if (is_flatpak < 0)
    is_flatpak = g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
  return is_flatpak;
}

static gboolean
folder_is_shared (const char *folder)
{
  g_autofree char *path = g_canonicalize_filename (folder, NULL);
  struct stat root_st, st;

  if (stat ("/", &root_st) != 0)
    return TRUE;
  /* The nearest ancestor that exists: the folder may be made later (backups). */
  while (stat (path, &st) != 0)
    {
      g_autofree char *parent = g_path_get_dirname (path);

      if (g_str_equal (parent, path))
        return TRUE;
      g_free (path);
      path = g_steal_pointer (&parent);
    }
  return st.st_dev != root_st.st_dev;
}

/* Outside Flatpak, or when @folder is shared with the host: TRUE. Otherwise FALSE
 * and an error that names the folder and the command that grants it. */
gboolean
tw_sandbox_check_folder (const char    *folder,
                         TwSandboxUse   use,
                         GError       **error)
{
  g_autofree char *command = NULL;

  g_return_val_if_fail (folder != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!tw_sandbox_is_flatpak () || folder_is_shared (folder))
    return TRUE;
  command = g_strdup_printf ("flatpak override --user --filesystem=%s %s", folder, APP_ID);
  switch (use)
    {
    case TW_SANDBOX_DATABASE:
      /* TRANSLATORS: the second placeholder is a shell command, in English */
      g_set_error (error, TW_ERROR, TW_ERROR_NOT_FOUND,
                   _("The database folder “%s” is not shared with Trade Warden’s Flatpak "
                     "sandbox. Grant the folder (a restore replaces the database inside it), "
                     "then start Trade Warden again: %s"),
                   folder, command);
      break;
    case TW_SANDBOX_BACKUPS:
    default:
      /* TRANSLATORS: the second placeholder is a shell command, in English */
      g_set_error (error, TW_ERROR, TW_ERROR_NOT_FOUND,
                   _("The backup folder “%s” is not shared with Trade Warden’s Flatpak sandbox: "
                     "a backup there would be lost when Trade Warden quits. Grant the folder, "
                     "then start Trade Warden again: %s"),
                   folder, command);
      break;
    }
  return FALSE;
}
