/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-account.h"
#include "tw-connector-registry.h"
#include "tw-connector.h"
#include "tw-order.h"
#include "tw-position.h"

/* The positions-and-orders operations of the shipped connectors: account, positions and
 * orders mapped onto TwAccount, TwPosition and TwOrder from the wire contract's sample
 * bodies (their requests are checked in test-connector-risk.c). */

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static const TwOperation *
shipped_op (TwConnectorRegistry *registry,
            const char          *connector_id,
            const char          *name)
{
  TwConnector *connector = tw_connector_registry_lookup (registry, connector_id);
  const TwOperation *op;

  g_assert_nonnull (connector);
  op = tw_connector_get_operation (connector, name);
  if (op == NULL)
    g_error ("%s has no operation \"%s\"", connector_id, name);
  return op;
}

static TwConnectorRegistry *
load_registry (void)
{
  TwConnectorRegistry *registry = tw_connector_registry_new ();

  tw_connector_registry_load_default (registry);
  g_assert_cmpuint (tw_connector_registry_get_problems (registry)->len, ==, 0);
  return registry;
}

#define ALPACA_ACCOUNT \
  "{\"id\":\"e6fe16f3-64a4-4921-8928-cadf02f92f98\",\"account_number\":\"PA3717PJAYWN\",\"status\":\"ACTIVE\"," \
  "\"currency\":\"USD\",\"cash\":\"25000.50\",\"portfolio_value\":\"100250.37\",\"equity\":\"100250.37\"," \
  "\"last_equity\":\"100000\",\"buying_power\":\"200500.74\",\"trading_blocked\":false,\"account_blocked\":false," \
  "\"trade_suspended_by_user\":true,\"pattern_day_trader\":false}"

#define ALPACA_POSITIONS \
  "[{\"asset_id\":\"b0b6dd9d-8b9b-48a9-ba46-b9d54906e415\",\"symbol\":\"AAPL\",\"exchange\":\"NASDAQ\"," \
  "\"asset_class\":\"us_equity\",\"qty\":\"50\",\"qty_available\":\"50\",\"side\":\"long\"," \
  "\"avg_entry_price\":\"180.20\",\"market_value\":\"9115.00\",\"cost_basis\":\"9010.00\"," \
  "\"unrealized_pl\":\"105.00\",\"unrealized_plpc\":\"0.0116537181\",\"unrealized_intraday_pl\":\"12.5\"," \
  "\"unrealized_intraday_plpc\":\"0.0013\",\"current_price\":\"182.30\",\"lastday_price\":\"182.05\"," \
  "\"change_today\":\"0.0013732491\"}," \
  "{\"asset_id\":\"8ccae427-5dd0-45b3-b5fe-7ba5e422c766\",\"symbol\":\"TSLA\",\"exchange\":\"NASDAQ\"," \
  "\"asset_class\":\"us_equity\",\"qty\":\"-15\",\"qty_available\":\"0\",\"side\":\"short\"," \
  "\"avg_entry_price\":\"250\",\"market_value\":\"-3690\",\"cost_basis\":\"-3750\",\"unrealized_pl\":\"60\"," \
  "\"unrealized_plpc\":\"0.016\",\"unrealized_intraday_pl\":\"-3\",\"unrealized_intraday_plpc\":\"-0.0008\"," \
  "\"current_price\":\"246\",\"lastday_price\":\"245.8\",\"change_today\":\"0.0008\"}]"

#define ALPACA_ORDERS \
  "[{\"id\":\"61e69015-8549-4bfd-b9c3-01e75843f47d\",\"client_order_id\":\"eb9e2aaa-f71a-4f51-b5b4-52a6c565dad4\"," \
  "\"created_at\":\"2024-05-01T14:18:00.123456Z\",\"updated_at\":\"2024-05-01T14:18:00Z\"," \
  "\"submitted_at\":\"2024-05-01T14:18:00.2Z\",\"filled_at\":null,\"canceled_at\":null,\"symbol\":\"NVDA\"," \
  "\"qty\":\"10\",\"notional\":null,\"filled_qty\":\"4\",\"filled_avg_price\":\"880.1\",\"order_class\":\"\"," \
  "\"type\":\"limit\",\"side\":\"buy\",\"time_in_force\":\"day\",\"limit_price\":\"880.50\",\"stop_price\":null," \
  "\"status\":\"partially_filled\",\"extended_hours\":false}]"

#define INVESTIQ_ACCOUNT \
  "{\"account_id\":\"iq-1\",\"status\":\"ACTIVE\",\"currency\":\"USD\",\"equity\":100250.37," \
  "\"last_equity\":100000.0,\"cash\":25000.0,\"buying_power\":100000.0,\"trading_blocked\":false,\"paper\":true}"

#define INVESTIQ_POSITIONS \
  "[{\"symbol\":\"AAPL\",\"qty\":50.0,\"side\":\"long\",\"avg_entry_price\":180.2,\"current_price\":182.3," \
  "\"market_value\":9115.0,\"unrealized_pl\":105.0,\"unrealized_plpc\":0.0117}]"

/* 003's proposal_id, symbol, state, created_at; the other fields are assumed */
#define IBKR_ORDERS \
  "{\"orders\":[{\"proposal_id\":\"ord-1001\",\"symbol\":\"ES\",\"side\":\"BUY\",\"quantity\":2,\"order_type\":\"LMT\"," \
  "\"limit_price\":5012.25,\"state\":\"PENDING\",\"created_at\":\"2024-05-01T14:21:00Z\"," \
  "\"approval_status\":\"PENDING_APPROVAL\"}]}"

static GPtrArray *
map_list (const TwOperation *op,
          const char        *json,
          GType              type)
{
  g_autoptr(JsonNode) root = parse (json);
  g_autoptr(GError) error = NULL;
  GPtrArray *items;

  g_assert_true (tw_operation_is_list (op));
  items = tw_operation_map_list (op, root, type, &error);
  g_assert_no_error (error);
  g_assert_nonnull (items);
  return items;
}

static void
test_trading_lists (void)
{
  g_autoptr(TwConnectorRegistry) registry = load_registry ();
  g_autoptr(GPtrArray) positions = NULL;
  g_autoptr(GPtrArray) orders = NULL;
  g_autoptr(GError) error = NULL;
  const TwOperation *op;
  TwPosition *p;
  TwOrder *o;

  /* Alpaca: decimals as strings, shorts negative. */
  {
    g_autoptr(TwAccount) account = tw_account_new ("alpaca-paper");
    g_autoptr(JsonNode) root = parse (ALPACA_ACCOUNT);

    op = shipped_op (registry, "alpaca", "account.get");
    g_assert_true (tw_operation_map_object (op, tw_operation_select (op, root, NULL), G_OBJECT (account), &error));
    g_assert_no_error (error);
    g_assert_cmpstr (tw_account_get_account_number (account), ==, "PA3717PJAYWN");
    g_assert_cmpstr (tw_account_get_status (account), ==, "ACTIVE");
    g_assert_cmpstr (tw_account_get_currency (account), ==, "USD");
    g_assert_cmpfloat (tw_account_get_equity (account), ==, 100250.37);
    g_assert_cmpfloat (tw_account_get_last_equity (account), ==, 100000);
    g_assert_cmpfloat (tw_account_get_cash (account), ==, 25000.5);
    g_assert_cmpfloat (tw_account_get_buying_power (account), ==, 200500.74);
    g_assert_cmpfloat (tw_account_get_portfolio_value (account), ==, 100250.37);
    g_assert_false (tw_account_get_trading_blocked (account));
    g_assert_false (tw_account_get_account_blocked (account));
    g_assert_true (tw_account_get_trade_suspended_by_user (account));
  }

  op = shipped_op (registry, "alpaca", "positions.list");
  g_assert_cmpstr (tw_operation_get_key_pointer (op), ==, "/symbol");
  positions = map_list (op, ALPACA_POSITIONS, TW_TYPE_POSITION);
  g_assert_cmpuint (positions->len, ==, 2);
  p = g_ptr_array_index (positions, 0);
  g_assert_cmpstr (tw_position_get_symbol (p), ==, "AAPL");
  g_assert_cmpstr (tw_position_get_side (p), ==, "long");
  g_assert_cmpfloat (tw_position_get_qty (p), ==, 50);
  g_assert_cmpfloat (tw_position_get_qty_available (p), ==, 50);
  g_assert_cmpfloat (tw_position_get_avg_entry_price (p), ==, 180.2);
  g_assert_cmpfloat (tw_position_get_current_price (p), ==, 182.3);
  g_assert_cmpfloat (tw_position_get_market_value (p), ==, 9115);
  g_assert_cmpfloat (tw_position_get_cost_basis (p), ==, 9010);
  g_assert_cmpfloat (tw_position_get_unrealized_pl (p), ==, 105);
  g_assert_cmpfloat (tw_position_get_unrealized_plpc (p), ==, 0.0116537181);
  g_assert_cmpfloat (tw_position_get_unrealized_intraday_pl (p), ==, 12.5);
  g_assert_cmpfloat (tw_position_get_change_today (p), ==, 0.0013732491);
  p = g_ptr_array_index (positions, 1);
  g_assert_cmpstr (tw_position_get_side (p), ==, "short");
  g_assert_cmpfloat (tw_position_get_qty (p), ==, -15);
  g_assert_cmpfloat (tw_position_get_qty_available (p), ==, 0);
  g_assert_cmpfloat (tw_position_get_market_value (p), ==, -3690);

  op = shipped_op (registry, "alpaca", "orders.list");
  g_assert_cmpstr (tw_operation_get_key_pointer (op), ==, "/id");
  orders = map_list (op, ALPACA_ORDERS, TW_TYPE_ORDER);
  g_assert_cmpuint (orders->len, ==, 1);
  o = g_ptr_array_index (orders, 0);
  g_assert_cmpstr (tw_order_get_id (o), ==, "61e69015-8549-4bfd-b9c3-01e75843f47d");
  g_assert_cmpstr (tw_order_get_client_order_id (o), ==, "eb9e2aaa-f71a-4f51-b5b4-52a6c565dad4");
  g_assert_cmpstr (tw_order_get_symbol (o), ==, "NVDA");
  g_assert_cmpstr (tw_order_get_side (o), ==, "buy");
  g_assert_cmpstr (tw_order_get_order_type (o), ==, "limit");
  g_assert_cmpstr (tw_order_get_status (o), ==, "partially_filled");
  g_assert_cmpfloat (tw_order_get_qty (o), ==, 10);
  g_assert_cmpfloat (tw_order_get_filled_qty (o), ==, 4);
  g_assert_cmpfloat (tw_order_get_limit_price (o), ==, 880.5);
  g_assert_nonnull (tw_order_get_created_at (o));
  g_assert_cmpint (g_date_time_get_minute (tw_order_get_created_at (o)), ==, 18);
  g_assert_nonnull (tw_order_get_submitted_at (o));

  /* InvestIQ: plain JSON numbers. */
  {
    g_autoptr(TwAccount) account = tw_account_new ("iq");
    g_autoptr(JsonNode) root = parse (INVESTIQ_ACCOUNT);

    op = shipped_op (registry, "investiq", "account.get");
    g_assert_true (tw_operation_map_object (op, tw_operation_select (op, root, NULL), G_OBJECT (account), &error));
    g_assert_no_error (error);
    g_assert_cmpstr (tw_account_get_account_number (account), ==, "iq-1");
    g_assert_cmpfloat (tw_account_get_equity (account), ==, 100250.37);
    g_assert_cmpfloat (tw_account_get_last_equity (account), ==, 100000);
    g_assert_cmpfloat (tw_account_get_buying_power (account), ==, 100000);
    g_assert_true (tw_account_get_paper (account));
  }
  g_clear_pointer (&positions, g_ptr_array_unref);
  op = shipped_op (registry, "investiq", "positions.list");
  g_assert_cmpstr (tw_operation_get_key_pointer (op), ==, "/symbol");
  positions = map_list (op, INVESTIQ_POSITIONS, TW_TYPE_POSITION);
  g_assert_cmpuint (positions->len, ==, 1);
  p = g_ptr_array_index (positions, 0);
  g_assert_cmpstr (tw_position_get_symbol (p), ==, "AAPL");
  g_assert_cmpfloat (tw_position_get_qty (p), ==, 50);
  g_assert_cmpfloat (tw_position_get_unrealized_plpc (p), ==, 0.0117);

  /* IBKR assistant: the list is under "orders", with other field names. */
  g_clear_pointer (&orders, g_ptr_array_unref);
  op = shipped_op (registry, "ibkr-assistant", "orders.list");
  orders = map_list (op, IBKR_ORDERS, TW_TYPE_ORDER);
  g_assert_cmpuint (orders->len, ==, 1);
  o = g_ptr_array_index (orders, 0);
  g_assert_cmpstr (tw_order_get_id (o), ==, "ord-1001");
  g_assert_cmpstr (tw_order_get_side (o), ==, "BUY");
  g_assert_cmpfloat (tw_order_get_qty (o), ==, 2);
  g_assert_cmpstr (tw_order_get_order_type (o), ==, "LMT");
  g_assert_cmpfloat (tw_order_get_limit_price (o), ==, 5012.25);
  g_assert_cmpstr (tw_order_get_status (o), ==, "PENDING");
  g_assert_cmpstr (tw_order_get_approval_id (o), ==, "ord-1001");   /* keyed by the order */
  g_assert_cmpstr (tw_order_get_approval_status (o), ==, "PENDING_APPROVAL");
  g_assert_nonnull (tw_order_get_created_at (o));

  /* One order, and its approval, map onto the same model. */
  {
    g_autoptr(TwOrder) order = tw_order_new ("ib", "ord-1001");
    g_autoptr(JsonNode) one = parse ("{\"proposal_id\":\"ord-1001\",\"symbol\":\"ES\",\"state\":\"PENDING\"}");
    g_autoptr(JsonNode) approval = parse ("{\"proposal_id\":\"ord-1001\",\"status\":\"INVALIDATED\"}");

    op = shipped_op (registry, "ibkr-assistant", "orders.get");
    g_assert_true (tw_operation_map_object (op, one, G_OBJECT (order), &error));
    g_assert_no_error (error);
    op = shipped_op (registry, "ibkr-assistant", "approvals.invalidate");
    g_assert_true (tw_operation_map_object (op, approval, G_OBJECT (order), &error));
    g_assert_no_error (error);
    g_assert_cmpstr (tw_order_get_approval_status (order), ==, "INVALIDATED");
    g_assert_cmpstr (tw_order_get_status (order), ==, "PENDING");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/connector/trading/lists", test_trading_lists);

  return g_test_run ();
}
