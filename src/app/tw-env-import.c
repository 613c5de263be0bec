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

/* ---- the preview: what an import would create, nothing stored ---- */

struct _TwEnvPreview
{
  char      *contents;    /* the file's text: secrets; wiped when freed */
  gsize      length;
  char      *name;        /* the name proposed */
  TwProfile *profile;     /* as it would be created, secrets in no keyring */
  char      *details;     /* services, mode, keys for the keyring: no secret */
};

void
tw_env_preview_free (TwEnvPreview *preview)
{
  if (preview == NULL)
    return;
  if (preview->contents != NULL)
    memset (preview->contents, 0, preview->length);
  g_free (preview->contents);
  g_free (preview->name);
  g_clear_object (&preview->profile);
  g_free (preview->details);
  g_free (preview);
}

const char *
tw_env_preview_get_name (TwEnvPreview *preview)
{
  return preview->name;
}

TwProfile *
tw_env_preview_get_profile (TwEnvPreview *preview)
{
  return preview->profile;
}

const char *
tw_env_preview_get_details (TwEnvPreview *preview)
{
  return preview->details;
}

/* One line a service: "Alpaca (live) — https://api.alpaca.markets; to the keyring: API key
 * ID, secret key". The names of the keys, never their values. */
static char *
describe_preview (TwProfile           *profile,
                  TwConnectorRegistry *registry,
                  TwSecrets           *memory)
{
  GListModel *services = tw_profile_get_services (profile);
  g_autoptr(GString) str = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      TwConnector *connector = tw_connector_registry_lookup (registry, tw_service_get_connector_id (service));
      g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
      GPtrArray *specs = connector != NULL ? tw_connector_get_secrets (connector) : NULL;

      for (guint k = 0; specs != NULL && k < specs->len; k++)
        {
          const TwSecretSpec *spec = g_ptr_array_index (specs, k);
          g_autofree char *value = tw_secrets_lookup_sync (memory, tw_profile_get_name (profile),
                                                           tw_service_get_id (service), spec->name,
                                                           NULL, NULL);

          if (value == NULL)
            continue;
          memset (value, 0, strlen (value));
          /* Translators: a key that goes to the keyring: its label, then the .env variable */
          g_ptr_array_add (keys, spec->env != NULL
                                 ? g_strdup_printf (_("%s (%s)"), g_dgettext (GETTEXT_PACKAGE, spec->label), spec->env)
                                 : g_strdup (g_dgettext (GETTEXT_PACKAGE, spec->label)));
        }
      if (str->len > 0)
        g_string_append_c (str, '\n');
      /* Translators: a service an import creates: its name, then its address */
      g_string_append_printf (str, _("• %s — %s"), tw_service_get_name (service), tw_service_get_base_url (service));
      if (keys->len > 0)
        {
          g_autofree char *joined = NULL;

          g_ptr_array_add (keys, NULL);
          joined = g_strjoinv (_(", "), (char **) keys->pdata);
          /* Translators: the keys of a service an import stores in the keyring */
          g_string_append_printf (str, _("\n   to the keyring: %s"), joined);
        }
      else
        g_string_append_printf (str, "\n   %s", _("no key"));
    }
  return g_string_free (g_steal_pointer (&str), FALSE);
}

static void
preview_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autoptr(TwSecrets) memory = tw_secrets_new_memory ();
  g_autoptr(TwConnectorRegistry) registry = NULL;
  g_autoptr(GError) error = NULL;
  TwEnvPreview *preview = g_new0 (TwEnvPreview, 1);

  if (!g_file_load_contents (file, cancellable, &preview->contents, &preview->length, NULL, &error))
    {
      g_autofree char *path = g_file_get_parse_name (file);

      tw_env_preview_free (preview);
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_INVALID,
                               _("Could not read “%s”: %s. Check the file exists and is readable."),
                               path, error->message);
      return;
    }
  registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (registry);
  preview->name = tw_env_import_profile_name (file);
  /* Into memory only: the keyring gets the secrets when the operator says so. A copy:
   * the text is kept for that import. */
  {
    char *copy = g_strndup (preview->contents, preview->length);

    preview->profile = tw_profile_import_env (copy, preview->name, registry, memory, &error);
    memset (copy, 0, preview->length);
    g_free (copy);
  }
  if (preview->profile == NULL)
    {
      tw_env_preview_free (preview);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  preview->details = describe_preview (preview->profile, registry, memory);
  tw_secrets_clear_profile_sync (memory, preview->name, NULL, NULL);
  g_task_return_pointer (task, preview, (GDestroyNotify) tw_env_preview_free);
}

void
tw_env_preview_async (GFile               *file,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_env_preview_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, preview_thread);
}

TwEnvPreview *
tw_env_preview_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tw_env_preview_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- the import ---- */

typedef struct
{
  TwEnvPreview *preview;   /* (not owned) its text, imported under @name */
  char         *name;
} ImportData;

static void
import_data_free (ImportData *data)
{
  g_free (data->name);
  g_free (data);
}

static void
import_text_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  ImportData *data = task_data;
  TwSecrets *secrets = source_object;
  g_autoptr(TwProfile) profile = NULL;
  g_autoptr(TwConnectorRegistry) registry = NULL;
  g_autoptr(GError) error = NULL;

  if (!tw_profile_check_name (data->name, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (profile_exists (data->name))
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_INVALID,
                               _("A profile named “%s” exists already: choose another name."), data->name);
      return;
    }
  registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (registry);
  {
    char *copy = g_strndup (data->preview->contents, data->preview->length);

    profile = tw_profile_import_env (copy, data->name, registry, secrets, &error);
    memset (copy, 0, data->preview->length);
    g_free (copy);
  }
  if (profile == NULL || !tw_profile_save (profile, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&profile), g_object_unref);
}

void
tw_env_preview_import_async (TwEnvPreview        *preview,
                             const char          *name,
                             TwSecrets           *secrets,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ImportData *data;

  g_return_if_fail (preview != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (TW_IS_SECRETS (secrets));

  data = g_new0 (ImportData, 1);
  data->preview = preview;
  data->name = g_strdup (name);
  task = g_task_new (secrets, cancellable, callback, user_data);
  /* Finished by tw_env_import_finish(). */
  g_task_set_source_tag (task, tw_env_import_async);
  g_task_set_task_data (task, data, (GDestroyNotify) import_data_free);
  g_task_run_in_thread (task, import_text_thread);
}

gboolean
tw_env_preview_name_is_free (const char  *name,
                             GError     **error)
{
  if (!tw_profile_check_name (name, error))
    return FALSE;
  if (profile_exists (name))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("A profile named “%s” exists already: choose another name."), name);
      return FALSE;
    }
  return TRUE;
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
