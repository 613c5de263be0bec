/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A portfolio answer mapped to accounts, positions and orders: run in a worker thread,
 * on objects no one else holds yet. */
#include "config.h"

#include "tw-json-pointer.h"
#include "tw-portfolio-private.h"

/* Items lacking their identity get it from the operation's "key" pointer. */
static void
fill_identity (const TwOperation *op,
               JsonNode          *body,
               GPtrArray         *items,
               const char        *property)
{
  const char *pointer = tw_operation_get_key_pointer (op);
  JsonNode *selected;
  JsonArray *array;

  if (pointer == NULL)
    return;
  selected = tw_operation_select (op, body, NULL);
  if (selected == NULL || !JSON_NODE_HOLDS_ARRAY (selected))
    return;
  array = json_node_get_array (selected);

  for (guint i = 0; i < items->len && i < json_array_get_length (array); i++)
    {
      g_autofree char *current = NULL;
      JsonNode *value;

      g_object_get (g_ptr_array_index (items, i), property, &current, NULL);
      if (current != NULL)
        continue;
      value = tw_json_pointer_get (json_array_get_element (array, i), pointer);
      if (value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
          json_node_get_value_type (value) == G_TYPE_STRING)
        g_object_set (g_ptr_array_index (items, i), property, json_node_get_string (value), NULL);
    }
}

TwAccount *
_tw_portfolio_map_account (const TwOperation  *op,
                           JsonNode           *body,
                           const char         *service_id,
                           GError            **error)
{
  g_autoptr(TwAccount) account = tw_account_new (service_id);
  JsonNode *selected = tw_operation_select (op, body, error);

  if (selected == NULL || !tw_operation_map_object (op, selected, G_OBJECT (account), error))
    return NULL;
  return g_steal_pointer (&account);
}

GPtrArray *
_tw_portfolio_map_items (const TwOperation  *op,
                         JsonNode           *body,
                         GType               type,
                         const char         *service_id,
                         const char         *service_name,
                         GError            **error)
{
  g_autoptr(GPtrArray) items = tw_operation_map_list (op, body, type, error);
  gboolean positions = type == TW_TYPE_POSITION;

  if (items == NULL)
    return NULL;
  fill_identity (op, body, items, positions ? "symbol" : "id");
  /* The objects are not shared yet: setting their service here costs the main thread nothing. */
  for (guint i = 0; i < items->len; i++)
    {
      GObject *item = g_ptr_array_index (items, i);

      g_object_set (item, "service-id", service_id, "service-name", service_name, NULL);
      if (positions && tw_position_get_side (TW_POSITION (item)) == NULL)
        g_object_set (item, "side", tw_position_get_qty (TW_POSITION (item)) < 0 ? "short" : "long", NULL);
    }
  return g_steal_pointer (&items);
}
