/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-log-source-private.h"

/* A file log's date pattern (logs/trading_%Y%m%d.log): today's file and the earlier
 * ones. */

gboolean
_tw_log_is_date_pattern (const char *path)
{
  return strchr (path, '%') != NULL;
}

char *
_tw_log_expand_today (const char *path)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  char *expanded;

  if (!_tw_log_is_date_pattern (path))
    return g_strdup (path);
  expanded = g_date_time_format (now, path);
  return expanded != NULL ? expanded : g_strdup (path);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* The earlier files of a pattern (a file-name pattern; the folder is literal). */
GPtrArray *
_tw_log_list_earlier (const char *pattern,
                      const char *today)
{
  g_autofree char *dir = g_path_get_dirname (pattern);
  g_autofree char *base = g_path_get_basename (pattern);
  g_autoptr(GString) regex = g_string_new ("^");
  g_autoptr(GRegex) re = NULL;
  g_autoptr(GDir) listing = NULL;
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  for (const char *p = base; *p != '\0'; p++)
    {
      if (*p == '%' && p[1] != '\0')
        {
          p++;
          switch (*p)
            {
            case 'Y': g_string_append (regex, "\\d{4}"); break;
            case 'm': case 'd': case 'H': case 'M': case 'S': case 'y':
              g_string_append (regex, "\\d{2}"); break;
            case 'j': g_string_append (regex, "\\d{3}"); break;
            case '%': g_string_append (regex, "%"); break;
            default: g_string_append (regex, ".+"); break;
            }
          continue;
        }
      {
        g_autofree char *escaped = g_regex_escape_string (p, 1);
        g_string_append (regex, escaped);
      }
    }
  g_string_append (regex, "$");
  re = g_regex_new (regex->str, 0, 0, NULL);
  listing = g_dir_open (dir, 0, NULL);
  while (re != NULL && listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *full = g_build_filename (dir, name, NULL);

      if (g_regex_match (re, name, 0, NULL) && g_strcmp0 (full, today) != 0
          && g_file_test (full, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (found, g_steal_pointer (&full));
    }
  /* The patterns the runbooks use are fixed-width numbers: name order is date order. */
  g_ptr_array_sort (found, compare_paths);
  return found;
}
