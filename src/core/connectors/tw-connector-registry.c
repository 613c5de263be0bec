/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-connector-registry.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "tw-core-resources.h"
#include "tw-error.h"

#define CONNECTORS_RESOURCE_PATH "/io/github/tradewarden/TradeWarden/connectors/"

/* Every connector the console knows: the shipped ones (compiled into the core as
 * resources) and the user's, which add to or override them by id. */

struct _TwConnectorRegistry
{
  GObject     parent_instance;

  GHashTable *by_id;     /* id → TwConnector */
  GListStore *model;     /* TwConnector sorted by name */
  GPtrArray  *problems;  /* messages of refused files */
};

G_DEFINE_FINAL_TYPE (TwConnectorRegistry, tw_connector_registry, G_TYPE_OBJECT)

static void
tw_connector_registry_finalize (GObject *object)
{
  TwConnectorRegistry *self = TW_CONNECTOR_REGISTRY (object);

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_object (&self->model);
  g_clear_pointer (&self->problems, g_ptr_array_unref);

  G_OBJECT_CLASS (tw_connector_registry_parent_class)->finalize (object);
}

static void
tw_connector_registry_class_init (TwConnectorRegistryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tw_connector_registry_finalize;
}

static void
tw_connector_registry_init (TwConnectorRegistry *self)
{
  self->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->model = g_list_store_new (TW_TYPE_CONNECTOR);
  self->problems = g_ptr_array_new_with_free_func (g_free);
}

TwConnectorRegistry *
tw_connector_registry_new (void)
{
  return g_object_new (TW_TYPE_CONNECTOR_REGISTRY, NULL);
}

static int
compare_by_name (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  TwConnector *ca = (TwConnector *) a;
  TwConnector *cb = (TwConnector *) b;
  g_autofree char *ka = g_utf8_collate_key (tw_connector_get_name (ca), -1);
  g_autofree char *kb = g_utf8_collate_key (tw_connector_get_name (cb), -1);
  int cmp = strcmp (ka, kb);

  return cmp != 0 ? cmp : strcmp (tw_connector_get_id (ca), tw_connector_get_id (cb));
}

/**
 * tw_connector_registry_add:
 * @self: a registry
 * @connector: a connector; one with the same id is replaced
 */
void
tw_connector_registry_add (TwConnectorRegistry *self,
                           TwConnector         *connector)
{
  TwConnector *old;
  guint position;

  g_return_if_fail (TW_IS_CONNECTOR_REGISTRY (self));
  g_return_if_fail (TW_IS_CONNECTOR (connector));

  old = g_hash_table_lookup (self->by_id, tw_connector_get_id (connector));
  if (old == connector)
    return;
  if (old != NULL && g_list_store_find (self->model, old, &position))
    g_list_store_remove (self->model, position);

  g_hash_table_replace (self->by_id, g_strdup (tw_connector_get_id (connector)),
                        g_object_ref (connector));
  g_list_store_insert_sorted (self->model, connector, compare_by_name, NULL);
}

/**
 * tw_connector_registry_lookup:
 *
 * Returns: (transfer none) (nullable): the connector with @id
 */
TwConnector *
tw_connector_registry_lookup (TwConnectorRegistry *self,
                              const char          *id)
{
  g_return_val_if_fail (TW_IS_CONNECTOR_REGISTRY (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->by_id, id);
}

GListModel *
tw_connector_registry_get_model (TwConnectorRegistry *self)
{
  g_return_val_if_fail (TW_IS_CONNECTOR_REGISTRY (self), NULL);
  return G_LIST_MODEL (self->model);
}

GPtrArray *
tw_connector_registry_get_problems (TwConnectorRegistry *self)
{
  g_return_val_if_fail (TW_IS_CONNECTOR_REGISTRY (self), NULL);
  return self->problems;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
load_shipped (TwConnectorRegistry *self)
{
  g_auto(GStrv) children = NULL;
  g_autoptr(GError) error = NULL;

  /* Referencing the resource keeps the linker from dropping it (and its constructor,
   * which registers it) from the static core library. */
  (void) tw_core_get_resource ();
  children = g_resources_enumerate_children (CONNECTORS_RESOURCE_PATH,
                                             G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (children == NULL)
    {
      g_ptr_array_add (self->problems,
                       g_strdup_printf (_("The built-in connectors are missing (%s): "
                                          "this build of Trade Warden is broken"),
                                        error->message));
      return;
    }

  qsort (children, g_strv_length (children), sizeof (char *), compare_strings);
  for (guint i = 0; children[i] != NULL; i++)
    {
      g_autofree char *uri = NULL;
      g_autoptr(GFile) file = NULL;
      g_autoptr(TwConnector) connector = NULL;
      g_autoptr(GError) local_error = NULL;

      if (!g_str_has_suffix (children[i], ".json"))
        continue;

      uri = g_strconcat ("resource://" CONNECTORS_RESOURCE_PATH, children[i], NULL);
      file = g_file_new_for_uri (uri);
      connector = tw_connector_new_from_file (file, &local_error);
      if (connector == NULL)
        g_ptr_array_add (self->problems, g_strdup (local_error->message));
      else
        tw_connector_registry_add (self, connector);
    }
}

static gboolean
folder_failed (TwConnectorRegistry  *self,
               const char           *path,
               const GError         *cause,
               GError              **error)
{
  char *message = g_strdup_printf (_("The connector folder %s could not be read: %s"),
                                   path, cause->message);

  g_set_error_literal (error, TW_ERROR, TW_ERROR_INVALID, message);
  g_ptr_array_add (self->problems, message);
  return FALSE;
}

/**
 * tw_connector_registry_load_dir:
 * @self: a registry
 * @dir: a folder of connector files
 * @error: return location for a #GError
 *
 * Loads every `*.json` of @dir in name order (later files win on equal ids). A file
 * that is refused is recorded in the problems and skipped. A missing folder is not an
 * error.
 *
 * Returns: %TRUE when every file loaded; otherwise %FALSE with @error naming the first
 *   refused file
 */
gboolean
tw_connector_registry_load_dir (TwConnectorRegistry  *self,
                                GFile                *dir,
                                GError              **error)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) first_error = NULL;
  guint n_refused = 0;

  g_return_val_if_fail (TW_IS_CONNECTOR_REGISTRY (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (dir), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  enumerator = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                          G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                          G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if (enumerator == NULL)
    {
      g_autofree char *path = NULL;

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return TRUE;

      path = g_file_get_parse_name (dir);
      return folder_failed (self, path, local_error, error);
    }

  names = g_ptr_array_new_with_free_func (g_free);
  for (;;)
    {
      GFileInfo *info = NULL;

      if (!g_file_enumerator_iterate (enumerator, &info, NULL, NULL, &local_error))
        {
          g_autofree char *path = g_file_get_parse_name (dir);

          return folder_failed (self, path, local_error, error);
        }
      if (info == NULL)
        break;
      if (!g_str_has_suffix (g_file_info_get_name (info), ".json"))
        continue;
      /* A folder named like a connector file is a mistake worth saying, not skipping. */
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          g_autoptr(GFile) child = g_file_get_child (dir, g_file_info_get_name (info));
          g_autofree char *path = g_file_get_parse_name (child);
          g_autoptr(GError) folder_error =
            g_error_new (TW_ERROR, TW_ERROR_INVALID,
                         _("%s is a folder, not a connector file: it was skipped. Move the "
                           "connector file it holds into the connectors folder, or rename it."),
                         path);

          g_ptr_array_add (self->problems, g_strdup (folder_error->message));
          if (first_error == NULL)
            first_error = g_steal_pointer (&folder_error);
          n_refused++;
          continue;
        }
      g_ptr_array_add (names, g_strdup (g_file_info_get_name (info)));
    }

  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr(GFile) file = g_file_get_child (dir, g_ptr_array_index (names, i));
      g_autoptr(TwConnector) connector = NULL;
      g_autoptr(GError) file_error = NULL;

      connector = tw_connector_new_from_file (file, &file_error);
      if (connector == NULL)
        {
          g_ptr_array_add (self->problems, g_strdup (file_error->message));
          if (first_error == NULL)
            first_error = g_steal_pointer (&file_error);
          n_refused++;
          continue;
        }
      tw_connector_registry_add (self, connector);
    }

  if (first_error != NULL)
    {
      if (n_refused == 1)
        g_propagate_error (error, g_steal_pointer (&first_error));
      else
        g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                     /* Only ever more than one: a single refusal is its own error. */
                     g_dngettext (GETTEXT_PACKAGE,
                                  "%u connector file was refused, first: %s",
                                  "%u connector files were refused, first: %s", n_refused),
                     n_refused,
                     first_error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * tw_connector_registry_load_default:
 * @self: a registry
 *
 * Loads the shipped connectors, then the user's from
 * `$XDG_CONFIG_HOME/tradewarden/connectors/`. Problems of an earlier load are forgotten.
 */
void
tw_connector_registry_load_default (TwConnectorRegistry *self)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) dir = NULL;

  g_return_if_fail (TW_IS_CONNECTOR_REGISTRY (self));

  g_ptr_array_set_size (self->problems, 0);
  load_shipped (self);

  path = g_build_filename (g_get_user_config_dir (), "tradewarden", "connectors", NULL);
  dir = g_file_new_for_path (path);
  /* Refused files are in the problems; the others are loaded. */
  tw_connector_registry_load_dir (self, dir, NULL);
}
