/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>

#include "tw-account.h"
#include "tw-component.h"
#include "tw-connector-registry.h"
#include "tw-connector.h"
#include "tw-http-private.h"
#include "tw-order.h"
#include "tw-position.h"
#include "tw-service.h"
#include "tw-trading-state.h"
#include "tw-fuzz.h"

/* A service's answer, as the console takes it: the HTTP layer's guarded parse and its
 * reading of an error body, then every operation of every shipped connector mapping the
 * parsed answer onto the model object the console maps it onto. */

static TwConnectorRegistry *registry;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  tw_fuzz_init ();
  registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (registry);
  g_assert (g_list_model_get_n_items (tw_connector_registry_get_model (registry)) > 0);
  return 0;
}

static GObject *
target_for (const char *operation)
{
  if (g_str_equal (operation, "health"))
    return G_OBJECT (tw_service_new ("fuzz", "fuzz", "http://127.0.0.1:1"));
  if (g_str_has_prefix (operation, "account."))
    return G_OBJECT (tw_account_new ("fuzz"));
  if (g_str_has_prefix (operation, "positions."))
    return G_OBJECT (tw_position_new ("fuzz", "SPY"));
  if (g_str_has_prefix (operation, "orders."))
    return G_OBJECT (tw_order_new ("fuzz", "1"));
  return G_OBJECT (tw_trading_state_new ("fuzz", "Fuzz"));
}

static GType
item_type_for (const char *operation)
{
  return g_str_has_prefix (operation, "orders.") ? TW_TYPE_ORDER : TW_TYPE_POSITION;
}

static void
map_answer (const TwOperation *op,
            const char        *name,
            JsonNode          *root)
{
  g_autoptr(GObject) target = target_for (name);
  g_autoptr(GListStore) components = g_list_store_new (TW_TYPE_COMPONENT);
  g_autoptr(GPtrArray) breakers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  JsonNode *selected;

  if (tw_operation_is_list (op))
    {
      g_autoptr(GPtrArray) items = tw_operation_map_list (op, root, item_type_for (name), &error);

      g_assert ((items == NULL) == (error != NULL));
      g_clear_error (&error);
    }
  else
    {
      selected = tw_operation_select (op, root, &error);
      g_assert ((selected == NULL) == (error != NULL));
      if (selected != NULL && !tw_operation_map_object (op, selected, target, &error))
        g_assert_nonnull (error);
      g_clear_error (&error);
    }

  (void) tw_operation_eval_health (op, root, &detail);
  if (!tw_operation_map_components (op, root, components, &error))
    g_clear_error (&error);
  (void) tw_operation_eval_trading (op, root);
  if (!tw_operation_map_breakers (op, root, breakers, &error))
    g_clear_error (&error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *connectors = tw_connector_registry_get_model (registry);
  guint n_connectors = g_list_model_get_n_items (connectors);

  soup_message_headers_append (headers, "Content-Type", "application/json");
  response = _tw_http_response_new (500, headers, "Fuzz", "GET /fuzz");
  g_bytes_unref (response->body);
  response->body = g_bytes_new (data, size);

  /* What an error answer says, as the console quotes it. */
  error = _tw_http_error_for_status (response, -1);
  g_assert_nonnull (error);
  tw_fuzz_assert_utf8 (error->message);
  g_clear_error (&error);

  root = tw_http_response_parse_json (response, &error);
  if (root == NULL)
    {
      g_assert_nonnull (error);
      tw_fuzz_assert_utf8 (error->message);
      return 0;
    }

  for (guint i = 0; i < n_connectors; i++)
    {
      g_autoptr(TwConnector) connector = g_list_model_get_item (connectors, i);
      g_autoptr(GPtrArray) names = tw_connector_list_operations (connector);

      for (guint j = 0; j < names->len; j++)
        {
          const char *name = g_ptr_array_index (names, j);

          map_answer (tw_connector_get_operation (connector, name), name, root);
        }
    }

  return 0;
}
