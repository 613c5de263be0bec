/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>

#include "tw-logs-fixture.h"

void
tw_logs_fixture_setup (TwLogsFixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("tw-logs-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_unlink (child);
    }
  g_rmdir (path);
}

void
tw_logs_fixture_teardown (TwLogsFixture *f, gconstpointer data)
{
  remove_dir (f->dir);
  g_free (f->dir);
}

char *
tw_logs_fixture_write (TwLogsFixture *f, const char *name, const char *contents, gssize len)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  return path;
}

void
tw_logs_append (const char *path, const char *text)
{
  FILE *file = fopen (path, "a");
  g_assert_nonnull (file);
  fputs (text, file);
  fclose (file);
}

TwLogSource *
tw_logs_start_source (const char *id, const char *path, const char *kind)
{
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  TwLogSource *source;

  if (kind != NULL)
    g_hash_table_insert (options, (char *) "Kind", (char *) kind);
  source = tw_log_source_new (id, path, options, &error);
  g_assert_no_error (error);
  tw_log_source_set_interval (source, 20);
  tw_log_source_start (source);
  return source;
}
