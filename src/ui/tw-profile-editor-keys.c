/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tw-profile-editor-private.h"
#include "tw-service-editor-row.h"

/* A key already stored for a service of the profile is not overwritten silently: a key
 * the console can rotate goes through Keys → Rotate… (the new key proven before it is
 * used, the old one kept until it is proven refused); any other needs the guard's
 * keys.rotate confirmation. */
char *
_tw_profile_editor_check_replaced_keys (TwProfile            *original,
                                        TwConnectorRegistry  *registry,
                                        GPtrArray            *service_rows,
                                        TwGuardRequest      **request)
{
  g_autoptr(GString) refused = g_string_new (NULL);
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);

  *request = NULL;
  if (original == NULL)
    return NULL;

  for (guint i = 0; i < service_rows->len; i++)
    {
      TwServiceEditorRow *row = g_ptr_array_index (service_rows, i);
      const char *id = tw_service_editor_row_get_service_id (row);
      TwService *stored = id != NULL ? tw_profile_lookup_service (original, id) : NULL;
      g_autoptr(GHashTable) secrets = NULL;
      TwConnector *connector;
      GHashTableIter iter;
      gpointer key;

      if (stored == NULL)
        continue;
      connector = tw_connector_registry_lookup (registry, tw_service_get_connector_id (stored));
      secrets = tw_service_editor_row_collect_secrets (row);
      g_hash_table_iter_init (&iter, secrets);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          const TwSecretSpec *spec = connector != NULL ? tw_connector_get_secret (connector, key) : NULL;

          if (spec != NULL && spec->prove_operation != NULL && spec->rotate_overlap)
            {
              if (refused->len > 0)
                g_string_append_c (refused, '\n');
              g_string_append_printf (refused,
                                      _("%s of %s: replace a stored key with Keys → Rotate…, which "
                                        "proves the new key before the console uses it (leave the "
                                        "field empty to keep the stored one)"),
                                      g_dgettext (GETTEXT_PACKAGE, spec->label),
                                      tw_service_get_name (stored));
            }
          else
            g_ptr_array_add (targets, g_strdup_printf ("%s/%s", id, (char *) key));
        }
    }

  if (refused->len > 0)
    return g_string_free (g_steal_pointer (&refused), FALSE);
  if (targets->len > 0)
    {
      g_autofree char *target = NULL;

      g_ptr_array_add (targets, NULL);
      target = g_strjoinv (", ", (char **) targets->pdata);
      *request = tw_guard_request_new ("keys.rotate", target, tw_profile_get_name (original),
                                       tw_profile_get_mode (original));
    }
  return NULL;
}
