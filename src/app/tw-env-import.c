/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-env-import.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tw-error.h"

static gboolean
profile_exists (const char *name)
{
  g_autofree char *dir = tw_profile_get_dir ();
  g_autofree char *basename = g_strconcat (name, ".conf", NULL);
  g_autofree char *path = g_build_filename (dir, basename, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

char *
tw_env_import_profile_name (GFile *file)
{
  g_autoptr(GFile) parent = NULL;
  g_autofree char *dirname = NULL;
  g_autoptr(GString) name = g_string_new (NULL);
  g_autofree char *base = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  parent = g_file_get_parent (file);
  if (parent != NULL)
    dirname = g_file_get_basename (parent);

  for (const char *p = dirname; p != NULL && *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '_')
        g_string_append_c (name, g_ascii_tolower (*p));
      else if (name->len > 0 && name->str[name->len - 1] != '-')
        g_string_append_c (name, '-');
    }
  while (name->len > 0 && name->str[name->len - 1] == '-')
    g_string_truncate (name, name->len - 1);

  if (name->len == 0 || name->len > 48 || !tw_profile_name_is_valid (name->str))
    base = g_strdup ("imported");
  else
    base = g_strdup (name->str);

  if (!profile_exists (base))
    return g_steal_pointer (&base);
  for (guint i = 2; i < 1000; i++)
    {
      g_autofree char *candidate = g_strdup_printf ("%s-%u", base, i);

      if (!profile_exists (candidate))
        return g_steal_pointer (&candidate);
    }
  return g_strdup_printf ("%s-%" G_GINT64_FORMAT, base, g_get_real_time ());
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GFile *file = task_data;
  TwSecrets *secrets = source_object;
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  g_autoptr(TwProfile) profile = NULL;
  g_autoptr(TwConnectorRegistry) registry = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, &error))
    {
      g_autofree char *path = g_file_get_parse_name (file);

      g_task_return_new_error (task, TW_ERROR, TW_ERROR_INVALID,
                               _("Could not read “%s”: %s. Check the file exists and is readable."),
                               path, error->message);
      return;
    }

  /* The connectors as they are now: their "env" keys say what each variable means. */
  registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (registry);
  name = tw_env_import_profile_name (file);
  profile = tw_profile_import_env (contents, name, registry, secrets, &error);
  /* The file's contents held secrets: wipe them now. */
  memset (contents, 0, length);
  if (profile == NULL || !tw_profile_save (profile, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&profile), g_object_unref);
}

void
tw_env_import_async (GFile               *file,
                     TwSecrets           *secrets,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (TW_IS_SECRETS (secrets));

  task = g_task_new (secrets, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_env_import_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, import_thread);
}

TwProfile *
tw_env_import_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tw_env_import_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
