/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sandbox.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-error.h"

/* Inside a Flatpak sandbox the console sees only the host folders it was granted
 * (`flatpak override --filesystem=…`, see the README). Everything else is the
 * sandbox's own: its root (where $HOME is made, without the home grant) is a
 * tmpfs that vanishes when the app quits, and /tmp and /var/tmp are the app's
 * private folders. A backup written there would be lost, and a database there
 * is not the operator's.
 *
 * Flatpak mounts each granted folder at its host path, so a folder is shared
 * when the mount that holds it (or its nearest existing ancestor: a backup
 * folder may be made later) is one of those, not the root or one of the
 * sandbox's private folders. In the private /tmp, what the app made itself
 * (the demo's databases) is its own to use; what Flatpak made there (the path
 * down to $HOME when $HOME is under /tmp) is not a host folder. */

/* Mount points of the sandbox's private temporary folders. */
static const char * const private_mounts[] = { "/tmp", "/var/tmp", NULL };

/* Backups run in worker threads: asked from any thread, answered once. */
gboolean
tw_sandbox_is_flatpak (void)
{
  static gsize is_flatpak = 0;

  if (g_once_init_enter (&is_flatpak))
    g_once_init_leave (&is_flatpak, g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) ? 2 : 1);
  return is_flatpak == 2;
}

static gboolean
is_under (const char *path,
          const char *mount_point)
{
  gsize n = strlen (mount_point);

  if (g_str_equal (mount_point, "/"))
    return TRUE;
  return strncmp (path, mount_point, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* The mount point of the mount that holds @path, from /proc/self/mountinfo. */
static char *
mount_point_of (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  char *best = NULL;

  if (!g_file_get_contents ("/proc/self/mountinfo", &text, NULL, NULL))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", 6);
      g_autofree char *mount_point = NULL;

      if (g_strv_length (fields) < 5)
        continue;
      /* Field 5; spaces and the like are octal escapes (\040). */
      mount_point = g_strcompress (fields[4]);
      if (is_under (path, mount_point) && (best == NULL || strlen (mount_point) >= strlen (best)))
        {
          g_free (best);
          best = g_steal_pointer (&mount_point);
        }
    }
  return best;
}

static gboolean
folder_is_shared (const char *folder)
{
  g_autofree char *path = g_canonicalize_filename (folder, NULL);
  g_autofree char *mount_point = NULL;

  while (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *parent = g_path_get_dirname (path);

      if (g_str_equal (parent, path))
        break;
      g_free (path);
      path = g_steal_pointer (&parent);
    }
  mount_point = mount_point_of (path);
  if (mount_point == NULL)
    return TRUE;   /* no mount table: do not refuse on a guess */
  if (g_str_equal (mount_point, "/"))
    return FALSE;  /* the root tmpfs: gone when the app quits */
  if (g_strv_contains (private_mounts, mount_point))
    return !g_str_equal (path, mount_point) && !is_under (g_get_home_dir (), path);
  return TRUE;
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
