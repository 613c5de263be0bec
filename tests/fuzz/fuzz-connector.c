/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-connector.h"
#include "tw-fuzz.h"

/* A connector file, as the console loads it from data/connectors or the user's folder:
 * the loader, then what the console does with every operation of a connector it
 * accepted (paths, bodies and headers expanded from variables and secrets). */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  tw_fuzz_init ();
  return 0;
}

static char *
lookup_secret (const char  *name,
               gpointer     user_data,
               GError     **error)
{
  return g_strdup ("fuzz-secret-\"\\${x}");
}

static void
use_operation (const TwOperation *op,
               GHashTable        *vars)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) headers = NULL;
  g_autoptr(GPtrArray) secret_names = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;

  g_assert_nonnull (tw_operation_get_name (op));
  g_assert_nonnull (tw_operation_get_method (op));
  (void) tw_operation_get_path_template (op);
  (void) tw_operation_get_key_pointer (op);
  (void) tw_operation_get_breaker_reset (op);

  path = tw_operation_expand_path (op, vars, &error);
  g_assert ((path == NULL) == (error != NULL));
  g_clear_error (&error);

  body = tw_operation_expand_body (op, vars, &error);
  g_clear_error (&error);

  headers = tw_operation_expand_headers (op, vars, lookup_secret, NULL, &error);
  g_assert ((headers == NULL) == (error != NULL));
  g_clear_error (&error);

  secret_names = tw_operation_list_secret_names (op);
  g_assert_nonnull (secret_names);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(TwConnector) connector = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GHashTable) vars = NULL;

  connector = tw_connector_new_from_data ((const char *) data, size, "fuzz.json", &error);
  if (connector == NULL)
    {
      g_assert_nonnull (error);
      tw_fuzz_assert_utf8 (error->message);
      return 0;
    }
  g_assert_no_error (error);

  g_assert_nonnull (tw_connector_get_id (connector));
  (void) tw_connector_get_name (connector);
  (void) tw_connector_get_description (connector);
  (void) tw_connector_get_default_base_url (connector);
  g_assert_nonnull (tw_connector_get_secrets (connector));

  /* Some variables set, the others missing: both kinds of expansion. */
  vars = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (vars, "symbol", "SPY/\"x\"?&");
  g_hash_table_insert (vars, "id", "b83a1f2c-0000");
  g_hash_table_insert (vars, "breaker", "polygon");
  g_hash_table_insert (vars, "reason", "fuzz \"reason\" \\ ${symbol}");
  g_hash_table_insert (vars, "actor", "");
  g_hash_table_insert (vars, "qty", "5");
  g_hash_table_insert (vars, "config", "{\"x\": [1, 2.5]}");

  names = tw_connector_list_operations (connector);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      const TwOperation *op = tw_connector_get_operation (connector, name);

      g_assert_nonnull (op);
      g_assert_true (tw_connector_has_operation (connector, name));
      use_operation (op, vars);
    }

  return 0;
}
