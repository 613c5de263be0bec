/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "tw-command-private.h"
#include "tw-error.h"

/* The steps of a commands connector that deal with files: the saved copies ("save",
 * "load_saved") and the files looked at ("file": their age and mode). */

/* save: @text to SAVEDIR/NAME-TIMESTAMP.txt, readable by the user alone. */
void
_tw_command_do_save (GTask         *task,
                     TwCommandStep *step)
{
  TwCommandRun *steps = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = _tw_command_expand (steps, step->text, &error);
  g_autofree char *path = NULL;

  if (text == NULL)
    {
      _tw_command_fail_step (task, TW_ERROR_INVALID, error->message);
      return;
    }
  if (g_mkdir_with_parents (steps->save_dir, 0700) != 0)
    {
      int saved = errno;

      _tw_command_fail_step (task, TW_ERROR_FAILED, g_strerror (saved));
      return;
    }
  for (guint n = 1; path == NULL || g_file_test (path, G_FILE_TEST_EXISTS); n++)
    {
      g_autofree char *basename = NULL;

      g_free (path);
      basename = n == 1
        ? g_strdup_printf ("%s-%s.txt", step->name, (const char *) g_hash_table_lookup (steps->vars, "timestamp"))
        : g_strdup_printf ("%s-%s-%u.txt", step->name, (const char *) g_hash_table_lookup (steps->vars, "timestamp"), n);
      path = g_build_filename (steps->save_dir, basename, NULL);
    }
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      _tw_command_fail_step (task, TW_ERROR_FAILED, error->message);
      return;
    }
  _tw_command_set_var (steps, step->out, path);
  if (step->set != NULL)
    json_object_set_string_member (steps->doc, step->set, path);
  _tw_command_step_done (task);
}

/* load_saved: the newest NAME-*.txt of the save folder. */
void
_tw_command_do_load_saved (GTask         *task,
                           TwCommandStep *step)
{
  TwCommandRun *steps = g_task_get_task_data (task);
  g_autoptr(GDir) dir = g_dir_open (steps->save_dir, 0, NULL);
  g_autofree char *prefix = g_strconcat (step->name, "-", NULL);
  g_autofree char *newest = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix) && g_str_has_suffix (name, ".txt") &&
        (newest == NULL || strcmp (name, newest) > 0))
      {
        g_free (newest);
        newest = g_strdup (name);
      }
  if (newest == NULL)
    {
      g_autofree char *detail =
        g_strdup_printf (_("no saved copy in %s"), steps->save_dir);

      _tw_command_fail_step (task, TW_ERROR_NOT_FOUND, detail);
      return;
    }
  path = g_build_filename (steps->save_dir, newest, NULL);
  if (!g_file_get_contents (path, &text, NULL, &error))
    {
      _tw_command_fail_step (task, TW_ERROR_FAILED, error->message);
      return;
    }
  _tw_command_set_var (steps, step->out, text);
  if (step->set != NULL)
    json_object_set_string_member (steps->doc, step->set, path);
  _tw_command_step_done (task);
}

typedef struct
{
  char   *path;
  gint64  mtime;
  guint   mode;
} FileSeen;

static void
file_seen_free (FileSeen *seen)
{
  g_free (seen->path);
  g_free (seen);
}

static gboolean
has_glob (const char *text)
{
  return strpbrk (text, "*?[") != NULL;
}

/* The file @path, or the files its last part's glob matches. */
static GPtrArray *
find_files (const char *path)
{
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) file_seen_free);
  g_autofree char *dirname = g_path_get_dirname (path);
  g_autofree char *basename = g_path_get_basename (path);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  if (has_glob (dirname))
    return found;   /* only the last part may be a glob */
  if (has_glob (basename))
    {
      g_autoptr(GDir) dir = g_dir_open (dirname, 0, NULL);
      g_autoptr(GPatternSpec) spec = g_pattern_spec_new (basename);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        if (g_pattern_spec_match_string (spec, name))
          g_ptr_array_add (paths, g_build_filename (dirname, name, NULL));
    }
  else
    g_ptr_array_add (paths, g_strdup (path));

  for (guint i = 0; i < paths->len; i++)
    {
      GStatBuf st;
      FileSeen *seen;

      if (g_stat (g_ptr_array_index (paths, i), &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      seen = g_new0 (FileSeen, 1);
      seen->path = g_strdup (g_ptr_array_index (paths, i));
      seen->mtime = st.st_mtime;
      seen->mode = st.st_mode & 0777;
      g_ptr_array_add (found, seen);
    }
  return found;
}

/* "3 h 5 min", for details. */
static char *
format_age (gint64 seconds)
{
  int s = (int) CLAMP (seconds, 0, G_MAXINT);

  if (s < 60)
    return g_strdup_printf (_("%d s"), s);
  if (s < 3600)
    return g_strdup_printf (_("%d min"), s / 60);
  if (s < 2 * 86400)
    return g_strdup_printf (_("%d h %d min"), s / 3600, (s % 3600) / 60);
  return g_strdup_printf (_("%d days"), s / 86400);
}

/* file: what is there, how old, how open; as a member and as a health component. */
void
_tw_command_do_file (GTask         *task,
                     TwCommandStep *step)
{
  TwCommandRun *steps = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = _tw_command_expand (steps, step->path, &error);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GString) loose = g_string_new (NULL);
  FileSeen *newest = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint n_loose = 0;

  if (path == NULL)
    {
      _tw_command_fail_step (task, TW_ERROR_INVALID, error->message);
      return;
    }
  found = find_files (path);
  for (guint i = 0; i < found->len; i++)
    {
      FileSeen *seen = g_ptr_array_index (found, i);

      if (newest == NULL || seen->mtime > newest->mtime)
        newest = seen;
      if (step->mode >= 0 && (seen->mode & ~(guint) step->mode) != 0)
        {
          g_autofree char *basename = g_path_get_basename (seen->path);

          g_string_append_printf (loose, "%s%s %03o", n_loose > 0 ? ", " : "", basename, seen->mode);
          n_loose++;
        }
    }

  if (step->set != NULL)
    {
      JsonObject *member = json_object_new ();

      json_object_set_string_member (member, "path", newest != NULL ? newest->path : path);
      json_object_set_boolean_member (member, "exists", newest != NULL);
      if (newest != NULL)
        {
          g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (newest->mtime);
          g_autofree char *modified = g_date_time_format_iso8601 (at);
          g_autofree char *mode = g_strdup_printf ("%03o", newest->mode);

          json_object_set_string_member (member, "modified", modified);
          json_object_set_int_member (member, "age_s", MAX (now - newest->mtime, 0));
          json_object_set_string_member (member, "mode", mode);
        }
      json_object_set_object_member (steps->doc, step->set, member);
    }

  if (step->out != NULL)
    {
      g_autofree char *text = NULL;

      if (newest != NULL)
        {
          g_autofree char *basename = g_path_get_basename (newest->path);
          g_autofree char *age = format_age (now - newest->mtime);

          /* Translators: a file's name, then how long ago it changed ("3 h 5 min") */
          text = g_strdup_printf (_("%s changed %s ago"), basename, age);
        }
      else
        /* Translators: %s is a file's path or pattern */
        text = g_strdup_printf (_("No file %s"), path);
      _tw_command_set_var (steps, step->out, text);
    }

  if (step->component != NULL)
    {
      g_autofree char *detail = NULL;
      const char *status = "ok";

      if (newest == NULL)
        {
          status = "missing";
          /* Translators: %s is a file's path or pattern */
          detail = g_strdup_printf (_("No file %s"), path);
        }
      else if (n_loose > 0)
        {
          g_autofree char *mode = g_strdup_printf ("%03o", step->mode);

          status = "loose";
          /* Translators: the files and their modes ("a.enc 644"), then the mode they need
           * ("600"), twice */
          detail = g_strdup_printf (_("Readable by others: %s; they must be %s (chmod %s)"),
                                    loose->str, mode, mode);
        }
      else
        {
          g_autofree char *basename = g_path_get_basename (newest->path);
          g_autofree char *age = format_age (now - newest->mtime);

          if (step->max_age_s >= 0 && now - newest->mtime > step->max_age_s)
            status = "stale";
          if (step->mode >= 0)
            detail = g_strdup_printf (ngettext ("%u file, mode %03o or tighter",
                                                   "%u files, mode %03o or tighter", found->len),
                                      found->len, (guint) step->mode);
          else
            /* Translators: a file's name, then how long ago it changed ("3 h 5 min") */
            detail = g_strdup_printf (_("%s changed %s ago"), basename, age);
        }
      _tw_command_add_component (steps, step->component, status, detail, g_str_equal (status, "ok"));
    }
  _tw_command_step_done (task);
}

