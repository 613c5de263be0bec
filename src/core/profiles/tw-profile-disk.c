/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-profile.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "tw-error.h"
#include "tw-profile-private.h"

/* Profiles on disk: their folder, reading a file only as a profile may be read, saving
 * atomically (0600), listing the folder. The format itself: tw-profile-file.c. */

/**
 * tw_profile_get_dir:
 *
 * Returns: (transfer full): `$XDG_CONFIG_HOME/tradewarden/profiles`
 */
char *
tw_profile_get_dir (void)
{
  return g_build_filename (g_get_user_config_dir (), "tradewarden", "profiles", NULL);
}

/**
 * tw_profile_default_file:
 *
 * Returns: (transfer full): `NAME.conf` in tw_profile_get_dir()
 */
GFile *
tw_profile_default_file (TwProfile *self)
{
  g_autofree char *dir = NULL;
  g_autofree char *basename = NULL;

  g_return_val_if_fail (TW_IS_PROFILE (self), NULL);

  dir = tw_profile_get_dir ();
  basename = g_strconcat (tw_profile_get_name (self), ".conf", NULL);
  return g_file_new_build_filename (dir, basename, NULL);
}

/* Loading */

/* Reads a profile file the way only a file of the profiles folder may be read: opened
 * without following a symbolic link, a regular file, owned by the user, writable by
 * nobody else (anyone who can write it could point the console's keys at their own
 * server), at most TW_PROFILE_MAX_SIZE bytes. The checks are made on the open file, so
 * the file cannot be swapped between the check and the read. */
static char *
read_profile_file (const char  *path,
                   const char  *basename,
                   GError     **error)
{
  g_autofree char *contents = NULL;
  struct stat st;
  gsize length = 0;
  int saved_errno;
  int fd;

  fd = g_open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0);
  if (fd < 0)
    {
      saved_errno = errno;
      if (saved_errno == ELOOP)
        g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                     _("The profile %s is a symbolic link: a profile must be a file of its own "
                       "in the profiles folder. Copy the file there instead of linking it."),
                     path);
      else
        g_set_error (error, TW_ERROR, saved_errno == ENOENT ? TW_ERROR_NOT_FOUND : TW_ERROR_INVALID,
                     _("Could not read the profile %s: %s. Check that the file exists and is "
                       "readable."),
                     path, g_strerror (saved_errno));
      return NULL;
    }

  if (fstat (fd, &st) != 0)
    {
      saved_errno = errno;
      close (fd);
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("Could not read the profile %s: %s. Check that the file exists and is "
                     "readable."),
                   path, g_strerror (saved_errno));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("The profile %s is not a regular file. Remove it from the profiles folder."),
                   path);
      return NULL;
    }
  if (st.st_uid != getuid ())
    {
      close (fd);
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("The profile %s belongs to another user, who could change where the "
                     "console sends your keys: it was refused. Copy it to a file of your own "
                     "(chmod 600)."),
                   path);
      return NULL;
    }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    {
      close (fd);
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("The profile %s can be changed by other users (mode %04o), who could "
                     "point the console's keys at their own server: it was refused. Run "
                     "“chmod 600 %s” and open it again."),
                   path, (guint) (st.st_mode & 07777), path);
      return NULL;
    }
  if (st.st_size > TW_PROFILE_MAX_SIZE)
    {
      close (fd);
      g_set_error (error, TW_ERROR, TW_ERROR_TOO_LARGE,
                   _("%s is larger than %u kB: it is not a profile. Remove it from the "
                     "profiles folder."),
                   basename, TW_PROFILE_MAX_SIZE / 1024);
      return NULL;
    }

  /* Read at most one byte past the cap: a file that grew since fstat is refused too. */
  contents = g_malloc (TW_PROFILE_MAX_SIZE + 2);
  while (length <= TW_PROFILE_MAX_SIZE)
    {
      gssize n = read (fd, contents + length, TW_PROFILE_MAX_SIZE + 1 - length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved_errno = errno;
          close (fd);
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("Could not read the profile %s: %s. Check that the file exists and is "
                         "readable."),
                       path, g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0)
        break;
      length += n;
    }
  close (fd);
  if (length > TW_PROFILE_MAX_SIZE)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_TOO_LARGE,
                   _("%s is larger than %u kB: it is not a profile. Remove it from the "
                     "profiles folder."),
                   basename, TW_PROFILE_MAX_SIZE / 1024);
      return NULL;
    }
  contents[length] = '\0';
  if (memchr (contents, '\0', length) != NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("%s is not a text file. Remove it from the profiles folder."),
                   basename);
      return NULL;
    }
  return g_steal_pointer (&contents);
}

/* The profile of the file at @path, named after the file (NAME.conf). @name_in_file:
 * the file's own Name=, when it says something else. */
static TwProfile *
load_path (const char  *path,
           char       **name_in_file,
           GError     **error)
{
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *name = _tw_profile_name_from_filename (basename);
  g_autofree char *contents = NULL;
  g_autoptr(TwProfile) profile = NULL;

  if (!g_str_has_suffix (basename, ".conf") || !tw_profile_name_is_valid (name))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("%s is not a profile file: a profile is NAME.conf, its name 1 to 64 "
                     "letters, digits, “-” or “_”. Rename the file."),
                   path);
      return NULL;
    }

  contents = read_profile_file (path, basename, error);
  if (contents == NULL)
    return NULL;
  profile = tw_profile_load_from_data (contents, basename, error);
  if (profile == NULL)
    return NULL;

  /* The file's name is the profile's name: its keys are looked up under it. A Name=
   * that says otherwise is not believed (a copied file would borrow the named
   * profile's keys and show its name). */
  if (!g_str_equal (tw_profile_get_name (profile), name))
    {
      g_debug ("%s says Name=%s: the profile is “%s”, its file's name", basename,
               tw_profile_get_name (profile), name);
      if (name_in_file != NULL)
        *name_in_file = g_strdup (tw_profile_get_name (profile));
      tw_profile_set_name (profile, name);
    }
  return g_steal_pointer (&profile);
}

/**
 * tw_profile_load:
 * @file: a profile file, `NAME.conf`
 * @error: return location for a #GError
 *
 * Loads a profile file. Its name is the file's (NAME of `NAME.conf`), whatever its
 * `Name=` says. Refused: a symbolic link, anything but a regular file owned by the user,
 * a file writable by group or others, a file over %TW_PROFILE_MAX_SIZE, and what
 * tw_profile_load_from_data() refuses.
 *
 * Returns: (transfer full) (nullable): the profile
 */
TwProfile *
tw_profile_load (GFile   *file,
                 GError **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *where = g_file_get_parse_name (file);

      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("Could not read the profile %s: a profile is a local file. Copy it to "
                     "the profiles folder."),
                   where);
      return NULL;
    }
  return load_path (path, NULL, error);
}

/**
 * tw_profile_check_name:
 * @name: a profile's name, as a person, a menu, D-Bus or the command line gave it
 * @error: return location for a #GError
 *
 * The one check of a profile name from outside: 1 to 64 ASCII letters, digits, “-” or
 * “_” — so no “/”, no “..”, no leading dot, nothing but a file of the profiles folder.
 *
 * Returns: %TRUE when @name may name a profile
 */
gboolean
tw_profile_check_name (const char  *name,
                       GError     **error)
{
  if (tw_profile_name_is_valid (name))
    return TRUE;

  /* The refused text is not quoted: it came from outside and may be anything. */
  g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
               _("That is not a profile name: a profile's name is 1 to 64 letters, digits, "
                 "“-” or “_”, and names a file in the profiles folder (no “/”, no “..”). "
                 "Choose a profile from the menu."));
  return FALSE;
}

/**
 * tw_profile_load_by_name:
 * @name: a profile's name (checked with tw_profile_check_name())
 * @error: return location for a #GError
 *
 * Loads `NAME.conf` of tw_profile_get_dir(), as tw_profile_load() does. Every way of
 * opening a profile by name — the menu, `--profile`, D-Bus `app.open-profile`, the
 * command line — goes through here.
 *
 * Returns: (transfer full) (nullable): the profile; %TW_ERROR_NOT_FOUND when there is
 *   no such profile
 */
TwProfile *
tw_profile_load_by_name (const char  *name,
                         GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *path = NULL;

  if (!tw_profile_check_name (name, error))
    return NULL;

  dir = tw_profile_get_dir ();
  basename = g_strconcat (name, ".conf", NULL);
  path = g_build_filename (dir, basename, NULL);
  return load_path (path, NULL, error);
}

/* Saving */

/**
 * tw_profile_save:
 * @self: a #TwProfile
 * @file: (nullable): where to write, or %NULL for tw_profile_default_file()
 * @error: return location for a #GError
 *
 * Writes the profile atomically, mode 0600, creating its folder (0700) if needed.
 * Refuses what tw_profile_load() would refuse, so a saved profile always loads again.
 *
 * Returns: %TRUE when written
 */
gboolean
tw_profile_save (TwProfile  *self,
                 GFile      *file,
                 GError    **error)
{
  g_autoptr(GFile) target = NULL;
  g_autoptr(TwProfile) check = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *basename = NULL;

  g_return_val_if_fail (TW_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (file == NULL || G_IS_FILE (file), FALSE);

  if (!tw_profile_name_is_valid (tw_profile_get_name (self)))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("The profile name must be 1 to 64 letters, digits, “-” or “_”. "
                     "Choose another name."));
      return FALSE;
    }

  target = file != NULL ? g_object_ref (file) : tw_profile_default_file (self);
  path = g_file_get_path (target);
  if (path == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("Profile “%s” can only be saved to a local file. Choose a file on this "
                     "computer."),
                   tw_profile_get_name (self));
      return FALSE;
    }
  basename = g_path_get_basename (path);

  /* Validate by loading what would be written: the same rules as for any file. */
  data = tw_profile_to_data (self);
  check = tw_profile_load_from_data (data, basename, error);
  if (check == NULL)
    return FALSE;

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                   _("Could not create the folder %s for profile “%s”: %s. "
                     "Check the folder's permissions."),
                   dir, tw_profile_get_name (self), g_strerror (saved_errno));
      return FALSE;
    }

  if (!g_file_set_contents_full (path, data, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &local_error))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                   _("Could not save profile “%s” to %s: %s. Check the folder's permissions "
                     "and free disk space."),
                   tw_profile_get_name (self), path, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* Listing */

static int
compare_profiles (gconstpointer a,
                  gconstpointer b)
{
  TwProfile *pa = *(TwProfile **)a;
  TwProfile *pb = *(TwProfile **)b;
  int cmp = g_ascii_strcasecmp (tw_profile_get_name (pa), tw_profile_get_name (pb));

  return cmp != 0 ? cmp : strcmp (tw_profile_get_name (pa), tw_profile_get_name (pb));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **)a, *(const char **)b);
}

/**
 * tw_profile_list_all:
 * @problems: (out) (optional) (transfer full) (element-type utf8): messages about the
 *   files that were refused
 *
 * Loads every `*.conf` of tw_profile_get_dir(). A missing folder is no error: there
 * are no profiles yet.
 *
 * Returns: (transfer full) (element-type TwProfile): the profiles, sorted by name
 */
GPtrArray *
tw_profile_list_all (GPtrArray **problems)
{
  g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) found_problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) filenames = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir_path = tw_profile_get_dir ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *entry;

  dir = g_dir_open (dir_path, 0, &local_error);
  if (dir == NULL && !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    g_ptr_array_add (found_problems,
                     g_strdup_printf (_("Could not read the profiles folder %s: %s. "
                                        "Check its permissions."),
                                      dir_path, local_error->message));

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_suffix (entry, ".conf") && entry[0] != '.')
        g_ptr_array_add (filenames, g_strdup (entry));
    }
  g_ptr_array_sort (filenames, compare_strings);

  for (guint i = 0; i < filenames->len; i++)
    {
      const char *filename = g_ptr_array_index (filenames, i);
      g_autofree char *path = g_build_filename (dir_path, filename, NULL);
      g_autofree char *name_in_file = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(TwProfile) profile = load_path (path, &name_in_file, &error);

      if (profile == NULL)
        {
          g_ptr_array_add (found_problems, g_strdup (error->message));
          continue;
        }

      if (name_in_file != NULL)
        g_ptr_array_add (found_problems,
                         g_strdup_printf (_("%s says Name=%s, but a profile is named after its "
                                            "file: it is profile “%s”, with the keys stored for "
                                            "“%s”. Rename the file or set Name=%s."),
                                          filename, name_in_file, tw_profile_get_name (profile),
                                          tw_profile_get_name (profile),
                                          tw_profile_get_name (profile)));
      g_ptr_array_add (profiles, g_steal_pointer (&profile));
    }

  g_ptr_array_sort (profiles, compare_profiles);

  for (guint i = 0; i < found_problems->len; i++)
    g_debug ("%s", (const char *)g_ptr_array_index (found_problems, i));

  if (problems != NULL)
    *problems = g_steal_pointer (&found_problems);

  return g_steal_pointer (&profiles);
}
