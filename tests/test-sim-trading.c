/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "tw-sim.h"
#include "tw-test-util.h"

/* The simulator's positions-and-orders routes (trading-wire.md), over real HTTP. */

/* ---- helpers ---- */

static JsonNode *
request (TwSimThread *sim,
         const char  *flavor,
         const char  *method,
         const char  *path,
         guint        expected_status)
{
  guint status = 0;
  JsonNode *node = tw_test_sim_request_full (sim, flavor, method, path, NULL, &status);

  if (status != expected_status)
    {
      g_autofree char *text = json_to_string (node, FALSE);

      g_error ("%s %s on %s: expected %u, got %u: %s", method, path, flavor, expected_status,
               status, text);
    }
  return node;
}

/* The body exactly, as compact JSON. */
static void
assert_body (JsonNode   *node,
             const char *expected)
{
  g_autofree char *text = json_to_string (node, FALSE);

  g_assert_cmpstr (text, ==, expected);
}

static void
scenario (TwSimThread *sim,
          const char  *json)
{
  guint status = 0;
  g_autoptr(JsonNode) node = tw_test_sim_request_full (sim, "alpaca", "POST", "/_sim/scenario",
                                                       json, &status);

  g_assert_cmpuint (status, ==, 200);
}

/* Holds prices still from the start, for tests that check exact values: the first step
 * comes 1 s after the simulator starts, and a slow start (a sanitizer build on a loaded
 * machine) saw it before /_sim/config could stop the walk. */
static TwSimThread *
start_still (void)
{
  TwSimThread *sim;
  guint status = 0;
  g_autoptr(JsonNode) node = NULL;

  g_setenv ("TW_SIM_PRICE_WALK", "0", TRUE);
  sim = tw_test_sim_start ();
  g_unsetenv ("TW_SIM_PRICE_WALK");
  node = tw_test_sim_request_full (sim, "alpaca", "GET", "/_sim/config", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (node), "price_walk"));
  return sim;
}

static JsonObject *
find_by (JsonArray  *array,
         const char *member,
         const char *value)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (o, member, NULL), value) == 0)
        return o;
    }
  return NULL;
}

static const char *
str (JsonObject *o,
     const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_STRING);
  return json_node_get_string (node);
}

static double
num (JsonObject *o,
     const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  return json_node_get_double (node);
}

static double
age_seconds (const char *rfc3339)
{
  g_autoptr(GDateTime) then = g_date_time_new_from_iso8601 (rfc3339, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_assert_nonnull (then);
  return g_date_time_difference (now, then) / (double) G_USEC_PER_SEC;
}

/* A request with extra headers, for X-Live-Trading-Key; the flavor's API key is added. */
static guint
fetch_with (TwSimThread  *sim,
            const char   *flavor,
            const char   *method,
            const char   *path,
            const char   *header,
            const char   *value,
            JsonNode    **node)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (tw_sim_thread_get_url (sim, flavor), path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  soup_message_headers_replace (headers, "X-API-Key", tw_sim_thread_get_credential (sim, "api_key"));
  if (header != NULL)
    soup_message_headers_replace (headers, header, value);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  *node = json_node_ref (json_parser_get_root (parser));
  return soup_message_get_status (msg);
}

static const char * const position_fields[] = {
  "asset_id", "symbol", "exchange", "asset_class", "qty", "qty_available", "side",
  "avg_entry_price", "market_value", "cost_basis", "unrealized_pl", "unrealized_plpc",
  "unrealized_intraday_pl", "unrealized_intraday_plpc", "current_price", "lastday_price",
  "change_today", NULL
};

static const char * const order_fields[] = {
  "id", "client_order_id", "created_at", "updated_at", "submitted_at", "filled_at",
  "canceled_at", "symbol", "qty", "notional", "filled_qty", "filled_avg_price", "order_class",
  "type", "side", "time_in_force", "limit_price", "stop_price", "status", "extended_hours", NULL
};

static void
assert_order_shape (JsonObject *o)
{
  for (guint i = 0; order_fields[i] != NULL; i++)
    g_assert_true (json_object_has_member (o, order_fields[i]));
  g_assert_true (g_uuid_string_is_valid (str (o, "id")));
  age_seconds (str (o, "created_at"));
  str (o, "qty");
  str (o, "filled_qty");
  g_assert_true (json_object_get_boolean_member (o, "extended_hours") == FALSE);
}

/* ---- Alpaca: positions ---- */

static void
test_alpaca_positions (void)
{
  TwSimThread *sim = start_still ();
  g_autoptr(JsonNode) list = request (sim, "alpaca", "GET", "/v2/positions", 200);
  g_autoptr(JsonNode) one = NULL;
  g_autoptr(JsonNode) missing = NULL;
  JsonArray *a = json_node_get_array (list);
  JsonObject *aapl, *tsla;

  g_assert_cmpuint (json_array_get_length (a), ==, 6);
  for (guint i = 0; i < json_array_get_length (a); i++)
    for (guint j = 0; position_fields[j] != NULL; j++)
      {
        JsonObject *p = json_array_get_object_element (a, i);

        /* Every decimal is a JSON string. */
        if (!g_str_equal (position_fields[j], "asset_id"))
          str (p, position_fields[j]);
      }

  aapl = find_by (a, "symbol", "AAPL");
  g_assert_nonnull (aapl);
  g_assert_true (g_uuid_string_is_valid (str (aapl, "asset_id")));
  g_assert_cmpstr (str (aapl, "qty"), ==, "50");
  g_assert_cmpstr (str (aapl, "qty_available"), ==, "50");
  g_assert_cmpstr (str (aapl, "side"), ==, "long");
  g_assert_cmpstr (str (aapl, "asset_class"), ==, "us_equity");
  g_assert_cmpstr (str (aapl, "avg_entry_price"), ==, "180.2");
  g_assert_cmpstr (str (aapl, "current_price"), ==, "182.3");
  g_assert_cmpstr (str (aapl, "market_value"), ==, "9115.00");
  g_assert_cmpstr (str (aapl, "cost_basis"), ==, "9010.00");
  g_assert_cmpstr (str (aapl, "unrealized_pl"), ==, "105.00");
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (str (aapl, "unrealized_plpc"), NULL),
                                  105.0 / 9010.0, 1e-6);

  /* A short: negative qty and market value. */
  tsla = find_by (a, "symbol", "TSLA");
  g_assert_nonnull (tsla);
  g_assert_cmpstr (str (tsla, "qty"), ==, "-15");
  g_assert_cmpstr (str (tsla, "side"), ==, "short");
  g_assert_cmpstr (str (tsla, "market_value"), ==, "-3600.00");
  g_assert_cmpstr (str (tsla, "unrealized_pl"), ==, "129.00");

  one = request (sim, "alpaca", "GET", "/v2/positions/MSFT", 200);
  g_assert_cmpstr (str (json_node_get_object (one), "symbol"), ==, "MSFT");
  g_assert_cmpstr (str (json_node_get_object (one), "qty"), ==, "30");

  missing = request (sim, "alpaca", "GET", "/v2/positions/XYZ", 404);
  assert_body (missing, "{\"code\":40410000,\"message\":\"position does not exist\"}");

  /* The trading routes need the key pair like the rest. */
  g_assert_cmpuint (tw_test_sim_status (sim, "alpaca", "GET", "/v2/positions"), ==, 200);
  {
    g_autoptr(TwTestAnswer) none = tw_test_sim_fetch (sim, "alpaca", "GET", "/v2/positions",
                                                      TW_TEST_AUTH_NONE);

    g_assert_cmpuint (none->status, ==, 401);
  }

  tw_sim_thread_stop (sim);
}

static void
test_alpaca_close (void)
{
  TwSimThread *sim = start_still ();
  g_autoptr(JsonNode) order = request (sim, "alpaca", "DELETE", "/v2/positions/AAPL?qty=10", 200);
  JsonObject *o = json_node_get_object (order);
  g_autoptr(JsonNode) aapl = NULL, msft = NULL, pct = NULL, all = NULL, gone = NULL;
  g_autoptr(JsonNode) both = NULL, missing = NULL, too_much = NULL, bad = NULL, closed = NULL;

  assert_order_shape (o);
  g_assert_cmpstr (str (o, "status"), ==, "accepted");
  g_assert_cmpstr (str (o, "symbol"), ==, "AAPL");
  g_assert_cmpstr (str (o, "side"), ==, "sell");
  g_assert_cmpstr (str (o, "type"), ==, "market");
  g_assert_cmpstr (str (o, "qty"), ==, "10");

  aapl = request (sim, "alpaca", "GET", "/v2/positions/AAPL", 200);
  g_assert_cmpstr (str (json_node_get_object (aapl), "qty"), ==, "40");

  /* By percentage: half of MSFT's 30. */
  pct = request (sim, "alpaca", "DELETE", "/v2/positions/MSFT?percentage=50", 200);
  g_assert_cmpstr (str (json_node_get_object (pct), "qty"), ==, "15");
  msft = request (sim, "alpaca", "GET", "/v2/positions/MSFT", 200);
  g_assert_cmpstr (str (json_node_get_object (msft), "qty"), ==, "15");

  /* All of it: the position is gone. */
  all = request (sim, "alpaca", "DELETE", "/v2/positions/NVDA", 200);
  g_assert_cmpstr (str (json_node_get_object (all), "qty"), ==, "40");
  gone = request (sim, "alpaca", "GET", "/v2/positions/NVDA", 404);

  /* A short closes with a buy. */
  {
    g_autoptr(JsonNode) cover = request (sim, "alpaca", "DELETE", "/v2/positions/TSLA?qty=5", 200);
    g_autoptr(JsonNode) tsla = request (sim, "alpaca", "GET", "/v2/positions/TSLA", 200);

    g_assert_cmpstr (str (json_node_get_object (cover), "side"), ==, "buy");
    g_assert_cmpstr (str (json_node_get_object (tsla), "qty"), ==, "-10");
  }

  both = request (sim, "alpaca", "DELETE", "/v2/positions/SPY?qty=1&percentage=10", 422);
  assert_body (both, "{\"code\":42210000,\"message\":\"only one of qty or percentage may be specified\"}");
  missing = request (sim, "alpaca", "DELETE", "/v2/positions/XYZ", 404);
  assert_body (missing, "{\"code\":40410000,\"message\":\"position does not exist\"}");
  too_much = request (sim, "alpaca", "DELETE", "/v2/positions/SPY?qty=100", 403);
  assert_body (too_much, "{\"code\":40310000,\"message\":\"insufficient qty available for order "
                         "(requested: 100, available: 40)\"}");
  bad = request (sim, "alpaca", "DELETE", "/v2/positions/SPY?qty=-3", 422);
  {
    g_autoptr(JsonNode) over = request (sim, "alpaca", "DELETE", "/v2/positions/SPY?percentage=150",
                                        422);
    g_autoptr(JsonNode) spy = request (sim, "alpaca", "GET", "/v2/positions/SPY", 200);

    g_assert_cmpstr (str (json_node_get_object (spy), "qty"), ==, "40");
  }

  /* The closing orders are in the book, filled. */
  closed = request (sim, "alpaca", "GET", "/v2/orders?status=closed", 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (closed)), ==, 4);
  g_assert_cmpstr (str (json_array_get_object_element (json_node_get_array (closed), 0), "status"),
                   ==, "filled");

  tw_sim_thread_stop (sim);
}

static void
test_alpaca_close_held (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(JsonNode) refused = NULL, tsla = NULL, open = NULL, cancel = NULL;
  JsonObject *held;

  scenario (sim, "{\"name\":\"hold-for-orders\",\"symbol\":\"TSLA\"}");

  tsla = request (sim, "alpaca", "GET", "/v2/positions/TSLA", 200);
  g_assert_cmpstr (str (json_node_get_object (tsla), "qty"), ==, "-15");
  g_assert_cmpstr (str (json_node_get_object (tsla), "qty_available"), ==, "0");

  refused = request (sim, "alpaca", "DELETE", "/v2/positions/TSLA", 403);
  assert_body (refused, "{\"code\":40310000,\"message\":\"insufficient qty available for order "
                        "(requested: 15, available: 0)\"}");

  /* The holding order is open and will not cancel. */
  open = request (sim, "alpaca", "GET", "/v2/orders?status=open&symbols=TSLA", 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (open)), ==, 1);
  held = json_array_get_object_element (json_node_get_array (open), 0);
  g_assert_cmpstr (str (held, "side"), ==, "buy");
  g_assert_cmpstr (str (held, "qty"), ==, "15");
  {
    g_autofree char *path = g_strdup_printf ("/v2/orders/%s", str (held, "id"));

    cancel = request (sim, "alpaca", "DELETE", path, 422);
    assert_body (cancel, "{\"code\":42210000,\"message\":\"order is not cancelable\"}");
  }

  /* InvestIQ closes through the same broker, which refuses too. */
  {
    g_autoptr(JsonNode) iq = NULL;
    guint status = fetch_with (sim, "investiq", "DELETE", "/api/broker/close/TSLA",
                               "X-Live-Trading-Key",
                               tw_sim_thread_get_credential (sim, "live_trading_key"), &iq);

    g_assert_cmpuint (status, ==, 409);
    g_assert_nonnull (strstr (str (json_node_get_object (iq), "error"),
                              "insufficient qty available for order (requested: 15, available: 0)"));
  }

  /* Without cancel_orders the open orders stay; the held position is refused. */
  {
    g_autoptr(JsonNode) result = request (sim, "alpaca", "DELETE", "/v2/positions", 207);
    g_autoptr(JsonNode) orders = request (sim, "alpaca", "GET", "/v2/orders", 200);
    JsonArray *entries = json_node_get_array (result);

    g_assert_cmpuint (json_array_get_length (entries), ==, 6);
    g_assert_cmpint (json_object_get_int_member (find_by (entries, "symbol", "TSLA"), "status"),
                     ==, 403);
    g_assert_cmpint (json_object_get_int_member (find_by (entries, "symbol", "SPY"), "status"),
                     ==, 200);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (orders)), ==, 4);
  }

  /* Bad scenario arguments are refused with a sentence. */
  {
    guint status = 0;
    g_autoptr(JsonNode) a = tw_test_sim_request_full (sim, "alpaca", "POST", "/_sim/scenario",
                                                      "{\"name\":\"hold-for-orders\"}", &status);
    g_autoptr(JsonNode) b = NULL;

    g_assert_cmpuint (status, ==, 400);
    g_assert_nonnull (strstr (str (json_node_get_object (a), "error"), "symbol"));
    b = tw_test_sim_request_full (sim, "alpaca", "POST", "/_sim/scenario",
                                  "{\"name\":\"hold-for-orders\",\"symbol\":\"XYZ\"}", &status);
    g_assert_cmpuint (status, ==, 400);
    g_assert_nonnull (strstr (str (json_node_get_object (b), "error"), "XYZ"));
  }

  tw_sim_thread_stop (sim);
}

static void
test_alpaca_close_all_partial (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(JsonNode) result = NULL, left = NULL, open = NULL;
  JsonArray *entries;
  JsonObject *tsla, *body;
  guint ok = 0;

  scenario (sim, "{\"name\":\"hold-for-orders\",\"symbol\":\"TSLA\"}");
  result = request (sim, "alpaca", "DELETE", "/v2/positions?cancel_orders=true", 207);
  entries = json_node_get_array (result);
  g_assert_cmpuint (json_array_get_length (entries), ==, 6);

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);

      g_assert_cmpuint (json_object_get_size (e), ==, 3);
      str (e, "symbol");
      if (json_object_get_int_member (e, "status") != 200)
        continue;
      body = json_object_get_object_member (e, "body");
      assert_order_shape (body);
      g_assert_cmpstr (str (body, "status"), ==, "accepted");
      g_assert_cmpstr (str (body, "symbol"), ==, str (e, "symbol"));
      ok++;
    }
  g_assert_cmpuint (ok, ==, 5);

  tsla = find_by (entries, "symbol", "TSLA");
  g_assert_cmpint (json_object_get_int_member (tsla, "status"), ==, 403);
  assert_body (json_object_get_member (tsla, "body"),
               "{\"code\":40310000,\"message\":\"insufficient qty available for order "
               "(requested: 15, available: 0)\"}");

  left = request (sim, "alpaca", "GET", "/v2/positions", 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (left)), ==, 1);
  g_assert_cmpstr (str (json_array_get_object_element (json_node_get_array (left), 0), "symbol"),
                   ==, "TSLA");

  /* cancel_orders=true canceled every other open order first. */
  open = request (sim, "alpaca", "GET", "/v2/orders?status=open", 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (open)), ==, 1);
  g_assert_cmpstr (str (json_array_get_object_element (json_node_get_array (open), 0), "symbol"),
                   ==, "TSLA");

  tw_sim_thread_stop (sim);
}

/* ---- Alpaca: orders ---- */

static void
test_alpaca_orders (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(JsonNode) open = request (sim, "alpaca", "GET",
                                      "/v2/orders?status=open&limit=500&direction=desc", 200);
  g_autoptr(JsonNode) closed = NULL, all = NULL, asc = NULL, bad = NULL, one = NULL, missing = NULL;
  JsonArray *a = json_node_get_array (open);
  JsonObject *stuck, *partial, *fresh;

  g_assert_cmpuint (json_array_get_length (a), ==, 3);
  for (guint i = 0; i < 3; i++)
    assert_order_shape (json_array_get_object_element (a, i));

  fresh = find_by (a, "status", "new");
  partial = find_by (a, "status", "partially_filled");
  stuck = find_by (a, "status", "accepted");
  g_assert_nonnull (fresh);
  g_assert_nonnull (partial);
  g_assert_nonnull (stuck);
  g_assert_cmpstr (str (fresh, "type"), ==, "limit");
  g_assert_cmpstr (str (fresh, "side"), ==, "buy");
  g_assert_cmpstr (str (fresh, "limit_price"), ==, "175");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (fresh, "stop_price")));
  g_assert_cmpstr (str (partial, "filled_qty"), ==, "4");
  g_assert_cmpstr (str (partial, "filled_avg_price"), ==, "869.8");
  /* The stuck one has hung for 12 minutes; the others are younger than 5. */
  g_assert_cmpfloat (age_seconds (str (stuck, "created_at")), >=, 11.9 * 60);
  g_assert_cmpfloat (age_seconds (str (stuck, "created_at")), <, 13 * 60);
  g_assert_cmpfloat (age_seconds (str (fresh, "created_at")), <, 5 * 60);
  g_assert_cmpfloat (age_seconds (str (partial, "created_at")), <, 5 * 60);
  /* Newest first. */
  g_assert_true (json_array_get_object_element (a, 0) == fresh);
  g_assert_true (json_array_get_object_element (a, 2) == stuck);

  asc = request (sim, "alpaca", "GET", "/v2/orders?direction=asc", 200);
  g_assert_cmpstr (str (json_array_get_object_element (json_node_get_array (asc), 0), "status"),
                   ==, "accepted");
  closed = request (sim, "alpaca", "GET", "/v2/orders?status=closed", 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (closed)), ==, 0);
  all = request (sim, "alpaca", "GET", "/v2/orders?status=all&limit=2", 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (all)), ==, 2);
  bad = request (sim, "alpaca", "GET", "/v2/orders?status=pending", 422);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (bad), "code"), ==, 42210000);

  {
    g_autofree char *path = g_strdup_printf ("/v2/orders/%s", str (stuck, "id"));

    one = request (sim, "alpaca", "GET", path, 200);
    g_assert_cmpstr (str (json_node_get_object (one), "id"), ==, str (stuck, "id"));
  }
  missing = request (sim, "alpaca", "GET", "/v2/orders/6f1c2f9e-0000-4000-8000-000000000000", 404);
  assert_body (missing, "{\"code\":40410000,\"message\":\"order not found\"}");

  tw_sim_thread_stop (sim);
}

static void
test_alpaca_cancel (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(JsonNode) open = request (sim, "alpaca", "GET", "/v2/orders", 200);
  JsonObject *stuck = find_by (json_node_get_array (open), "status", "accepted");
  g_autofree char *path = g_strdup_printf ("/v2/orders/%s", str (stuck, "id"));
  g_autoptr(JsonNode) done = NULL, again = NULL, missing = NULL, closed = NULL, still = NULL;
  g_autoptr(TwTestAnswer) raw = NULL;
  JsonObject *canceled;

  /* 204 with no body. */
  raw = tw_test_sim_fetch (sim, "alpaca", "DELETE", path, TW_TEST_AUTH_GOOD);
  g_assert_cmpuint (raw->status, ==, 204);
  g_assert_cmpuint (g_bytes_get_size (raw->body), ==, 0);

  again = request (sim, "alpaca", "DELETE", path, 422);
  assert_body (again, "{\"code\":42210000,\"message\":\"order is not cancelable\"}");
  missing = request (sim, "alpaca", "DELETE", "/v2/orders/6f1c2f9e-0000-4000-8000-000000000000", 404);
  assert_body (missing, "{\"code\":40410000,\"message\":\"order not found\"}");

  closed = request (sim, "alpaca", "GET", "/v2/orders?status=closed", 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (closed)), ==, 1);
  canceled = json_array_get_object_element (json_node_get_array (closed), 0);
  g_assert_cmpstr (str (canceled, "status"), ==, "canceled");
  g_assert_cmpfloat (age_seconds (str (canceled, "canceled_at")), <, 10);
  still = request (sim, "alpaca", "GET", "/v2/orders", 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (still)), ==, 2);

  tw_sim_thread_stop (sim);
}

static void
test_alpaca_cancel_all (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(JsonNode) result = NULL, open = NULL, empty = NULL;
  JsonArray *entries;
  guint ok = 0, refused = 0;

  scenario (sim, "{\"name\":\"hold-for-orders\",\"symbol\":\"TSLA\"}");
  result = request (sim, "alpaca", "DELETE", "/v2/orders", 207);
  entries = json_node_get_array (result);
  g_assert_cmpuint (json_array_get_length (entries), ==, 4);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);

      g_assert_true (g_uuid_string_is_valid (str (e, "id")));
      if (json_object_get_int_member (e, "status") == 200)
        {
          g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (e, "body")));
          ok++;
        }
      else
        {
          g_assert_cmpint (json_object_get_int_member (e, "status"), ==, 422);
          assert_body (json_object_get_member (e, "body"),
                       "{\"code\":42210000,\"message\":\"order is not cancelable\"}");
          refused++;
        }
    }
  g_assert_cmpuint (ok, ==, 3);
  g_assert_cmpuint (refused, ==, 1);

  open = request (sim, "alpaca", "GET", "/v2/orders", 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (open)), ==, 1);

  /* Nothing left to cancel but the stuck one. */
  empty = request (sim, "alpaca", "DELETE", "/v2/orders", 207);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (empty)), ==, 1);

  tw_sim_thread_stop (sim);
}

static void
test_alpaca_clock (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(JsonNode) node = request (sim, "alpaca", "GET", "/v2/clock", 200);
  JsonObject *o = json_node_get_object (node);
  g_autoptr(GDateTime) open = g_date_time_new_from_iso8601 (str (o, "next_open"), NULL);
  g_autoptr(GDateTime) close = g_date_time_new_from_iso8601 (str (o, "next_close"), NULL);
  gboolean is_open = json_object_get_boolean_member (o, "is_open");

  g_assert_cmpuint (json_object_get_size (o), ==, 4);
  g_assert_cmpfloat (fabs (age_seconds (str (o, "timestamp"))), <, 10);
  g_assert_nonnull (open);
  g_assert_nonnull (close);
  /* Open: it closes before it opens again; closed: it opens before it closes. */
  g_assert_cmpint (g_date_time_compare (close, open), ==, is_open ? -1 : 1);
  g_assert_cmpfloat (age_seconds (str (o, "next_close")), <, 0);

  tw_sim_thread_stop (sim);
}

static const char *
header (TwTestAnswer *a,
        const char   *name)
{
  const char *value = soup_message_headers_get_one (a->headers, name);

  g_assert_nonnull (value);
  return value;
}

static void
test_alpaca_rate_limit (void)
{
  TwSimThread *sim;
  g_autoptr(JsonNode) config = NULL;
  g_autoptr(TwTestAnswer) refused = NULL;
  g_autoptr(TwTestAnswer) after = NULL;
  g_autoptr(JsonNode) body = NULL;
  gint64 reset, now;
  guint status = 0;

  /* The suites lift the budget through the environment (tests/meson.build); this test
   * checks the real default, so the simulator it starts must not see that. */
  g_unsetenv ("TW_SIM_ALPACA_RATE_LIMIT");
  sim = tw_test_sim_start ();

  /* The default: 200 a minute, on every answer. */
  {
    g_autoptr(TwTestAnswer) a = tw_test_sim_fetch (sim, "alpaca", "GET", "/v2/positions",
                                                   TW_TEST_AUTH_GOOD);

    g_assert_cmpstr (header (a, "X-Ratelimit-Limit"), ==, "200");
    g_assert_cmpstr (header (a, "X-Ratelimit-Remaining"), ==, "199");
  }

  config = tw_test_sim_request_full (sim, "alpaca", "POST", "/_sim/config",
                                     "{\"alpaca_rate_limit\":20,\"alpaca_rate_window\":2}", &status);
  g_assert_cmpuint (status, ==, 200);
  assert_body (config, "{\"alpaca_rate_limit\":20,\"alpaca_rate_window\":2,\"price_walk\":true}");

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(TwTestAnswer) a = tw_test_sim_fetch (sim, "alpaca", "GET", "/v2/orders",
                                                     TW_TEST_AUTH_GOOD);
      g_autofree char *remaining = g_strdup_printf ("%u", 19 - i);

      g_assert_cmpuint (a->status, ==, 200);
      g_assert_cmpstr (header (a, "X-Ratelimit-Limit"), ==, "20");
      g_assert_cmpstr (header (a, "X-Ratelimit-Remaining"), ==, remaining);
    }

  refused = tw_test_sim_fetch (sim, "alpaca", "GET", "/v2/positions", TW_TEST_AUTH_GOOD);
  g_assert_cmpuint (refused->status, ==, 429);
  body = tw_test_answer_json (refused);
  assert_body (body, "{\"code\":42910000,\"message\":\"rate limit exceeded\"}");
  g_assert_cmpstr (header (refused, "X-Ratelimit-Limit"), ==, "20");
  g_assert_cmpstr (header (refused, "X-Ratelimit-Remaining"), ==, "0");
  g_assert_cmpint (atoi (header (refused, "Retry-After")), >=, 1);
  g_assert_cmpint (atoi (header (refused, "Retry-After")), <=, 2);
  reset = g_ascii_strtoll (header (refused, "X-Ratelimit-Reset"), NULL, 10);
  now = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpint (reset, >=, now);
  g_assert_cmpint (reset, <=, now + 3);

  /* Past the reset (and 100 ms, the window's own rounding) a slot is free again: the
   * condition here is the clock itself. */
  while (g_get_real_time () < reset * G_USEC_PER_SEC + 100 * 1000)
    g_usleep (50 * 1000);
  after = tw_test_sim_fetch (sim, "alpaca", "GET", "/v2/positions", TW_TEST_AUTH_GOOD);
  g_assert_cmpuint (after->status, ==, 200);

  /* Bad config values are refused. */
  {
    g_autoptr(JsonNode) bad = tw_test_sim_request_full (sim, "alpaca", "POST", "/_sim/config",
                                                        "{\"alpaca_rate_limit\":0}", &status);

    g_assert_cmpuint (status, ==, 400);
  }

  tw_sim_thread_stop (sim);
}

/* ---- InvestIQ ---- */

static void
test_investiq_account_positions (void)
{
  TwSimThread *sim = start_still ();
  g_autoptr(JsonNode) account = request (sim, "investiq", "GET", "/api/broker/account", 200);
  g_autoptr(JsonNode) positions = request (sim, "investiq", "GET", "/api/broker/positions", 200);
  JsonObject *a = json_node_get_object (account);
  JsonObject *aapl = find_by (json_node_get_array (positions), "symbol", "AAPL");
  JsonObject *tsla = find_by (json_node_get_array (positions), "symbol", "TSLA");

  /* 000 names buying_power, pattern_day_trader, account_blocked; the rest is assumed. */
  g_assert_cmpuint (json_object_get_size (a), ==, 11);
  g_assert_false (json_object_get_boolean_member (a, "pattern_day_trader"));
  g_assert_false (json_object_get_boolean_member (a, "account_blocked"));
  str (a, "account_id");
  g_assert_cmpstr (str (a, "status"), ==, "ACTIVE");
  g_assert_cmpstr (str (a, "currency"), ==, "USD");
  g_assert_cmpfloat_with_epsilon (num (a, "equity"), 100250.37, 1e-6);
  g_assert_cmpfloat_with_epsilon (num (a, "last_equity"), 100000.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (num (a, "cash"), 25000.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (num (a, "buying_power"), 100000.0, 1e-6);
  g_assert_false (json_object_get_boolean_member (a, "trading_blocked"));
  g_assert_true (json_object_get_boolean_member (a, "paper"));

  g_assert_cmpuint (json_array_get_length (json_node_get_array (positions)), ==, 6);
  g_assert_cmpuint (json_object_get_size (aapl), ==, 8);
  g_assert_cmpfloat_with_epsilon (num (aapl, "qty"), 50.0, 1e-9);
  g_assert_cmpstr (str (aapl, "side"), ==, "long");
  g_assert_cmpfloat_with_epsilon (num (aapl, "avg_entry_price"), 180.2, 1e-9);
  g_assert_cmpfloat_with_epsilon (num (aapl, "current_price"), 182.3, 1e-9);
  g_assert_cmpfloat_with_epsilon (num (aapl, "market_value"), 9115.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (num (aapl, "unrealized_pl"), 105.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (num (aapl, "unrealized_plpc"), 0.0117, 1e-9);
  g_assert_cmpstr (str (tsla, "side"), ==, "short");
  g_assert_cmpfloat (num (tsla, "market_value"), <, 0);

  /* Numbers written as Rust writes f64: shortest form, whole ones with ".0". */
  {
    g_autoptr(TwTestAnswer) raw = tw_test_sim_fetch (sim, "investiq", "GET",
                                                     "/api/broker/positions", TW_TEST_AUTH_GOOD);
    g_autofree char *text = tw_test_answer_text (raw);

    g_assert_true (g_str_has_prefix (text, "[{\"symbol\":\"AAPL\",\"qty\":50.0,\"side\":\"long\","
                                     "\"avg_entry_price\":180.2,\"current_price\":182.3,"
                                     "\"market_value\":9115.0,\"unrealized_pl\":105.0,"
                                     "\"unrealized_plpc\":0.0117},"));
  }

  tw_sim_thread_stop (sim);
}

static void
test_investiq_close (void)
{
  TwSimThread *sim = start_still ();
  const char *key = tw_sim_thread_get_credential (sim, "live_trading_key");
  g_autoptr(JsonNode) no_key = NULL, wrong = NULL, ok = NULL, again = NULL, trades = NULL;
  g_autoptr(JsonNode) loss = NULL, breakers = NULL, positions = NULL;
  JsonObject *o, *t;
  guint status;

  status = fetch_with (sim, "investiq", "DELETE", "/api/broker/close/AAPL", NULL, NULL, &no_key);
  g_assert_cmpuint (status, ==, 403);
  assert_body (no_key, "{\"error\":\"Live trading key required for this operation\"}");
  status = fetch_with (sim, "investiq", "DELETE", "/api/broker/close/AAPL",
                       "X-Live-Trading-Key", "not-the-key", &wrong);
  g_assert_cmpuint (status, ==, 403);
  assert_body (wrong, "{\"error\":\"Live trading key required for this operation\"}");

  /* Nothing was closed by the refused attempts. */
  positions = request (sim, "investiq", "GET", "/api/broker/positions", 200);
  g_assert_nonnull (find_by (json_node_get_array (positions), "symbol", "AAPL"));

  status = fetch_with (sim, "investiq", "DELETE", "/api/broker/close/AAPL",
                       "X-Live-Trading-Key", key, &ok);
  g_assert_cmpuint (status, ==, 200);
  o = json_node_get_object (ok);
  g_assert_cmpuint (json_object_get_size (o), ==, 5);
  g_assert_cmpstr (str (o, "symbol"), ==, "AAPL");
  g_assert_cmpfloat_with_epsilon (num (o, "closed_qty"), 50.0, 1e-9);
  g_assert_true (g_uuid_string_is_valid (str (o, "order_id")));
  g_assert_cmpstr (str (o, "message"), ==, "Position closed");
  g_assert_cmpfloat_with_epsilon (num (o, "realized_pnl"), 105.0, 1e-9);

  status = fetch_with (sim, "investiq", "DELETE", "/api/broker/close/AAPL",
                       "X-Live-Trading-Key", key, &again);
  g_assert_cmpuint (status, ==, 404);
  assert_body (again, "{\"error\":\"No open position for AAPL\"}");

  /* The same firm: Alpaca no longer has it either. */
  {
    g_autoptr(JsonNode) gone = request (sim, "alpaca", "GET", "/v2/positions/AAPL", 404);
  }

  /* Closed trades are the trade outcomes, newest first. */
  status = fetch_with (sim, "investiq", "DELETE", "/api/broker/close/AMD",
                       "X-Live-Trading-Key", key, &loss);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpfloat (num (json_node_get_object (loss), "realized_pnl"), <, 0);

  trades = request (sim, "investiq", "GET", "/api/portfolio/trades?days=7", 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (trades)), ==, 2);
  t = json_array_get_object_element (json_node_get_array (trades), 0);
  g_assert_cmpstr (str (t, "symbol"), ==, "AMD");
  g_assert_cmpstr (str (t, "side"), ==, "long");
  g_assert_cmpfloat_with_epsilon (num (t, "qty"), 25.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (num (t, "entry_price"), 165.3, 1e-9);
  g_assert_cmpfloat_with_epsilon (num (t, "pnl"), num (json_node_get_object (loss), "realized_pnl"),
                                  1e-9);
  g_assert_cmpfloat (num (t, "pnl_percent"), <, 0);
  str (t, "id");
  age_seconds (str (t, "opened_at"));
  g_assert_cmpfloat (age_seconds (str (t, "closed_at")), <, 10);
  g_assert_cmpstr (str (json_array_get_object_element (json_node_get_array (trades), 1), "symbol"),
                   ==, "AAPL");

  /* …which InvestIQ's breakers read: one loss in a row. */
  breakers = request (sim, "investiq", "GET", "/api/risk/circuit-breakers", 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (breakers),
                                               "consecutive_losses"), ==, 1);

  {
    g_autoptr(JsonNode) bad = request (sim, "investiq", "GET", "/api/portfolio/trades?days=x", 400);
  }

  tw_sim_thread_stop (sim);
}

/* ---- IBKR assistant ---- */

/* 003's Stuck Order Resolution: pending orders with proposal_id and state, the order's
 * approval keyed by the order's id; cancel refused (assumed 409) until the approval is
 * invalidated. */
static void
test_ibkr_cancel (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(JsonNode) pending = request (sim, "ibkr-assistant", "GET",
                                         "/api/v1/orders?status=PENDING", 200);
  g_autoptr(JsonNode) missing = NULL, approval = NULL, conflict = NULL, invalidated = NULL;
  g_autoptr(JsonNode) cancelled = NULL, after = NULL, one = NULL, log = NULL;
  JsonObject *p = json_node_get_object (pending);
  JsonObject *o;
  JsonArray *entries;
  const char *expected[] = { "/api/v1/orders/ord-1001/cancel", "/api/v1/approvals/ord-1001/invalidate",
                             "/api/v1/orders/ord-1001/cancel" };
  guint n = 0;

  g_assert_cmpuint (json_object_get_size (p), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (p, "orders")), ==, 2);
  o = find_by (json_object_get_array_member (p, "orders"), "proposal_id", "ord-1001");
  g_assert_nonnull (o);
  g_assert_cmpuint (json_object_get_size (o), ==, 9);
  g_assert_cmpstr (str (o, "symbol"), ==, "ES");
  g_assert_cmpstr (str (o, "side"), ==, "BUY");
  g_assert_cmpint (json_object_get_int_member (o, "quantity"), ==, 2);
  g_assert_cmpstr (str (o, "order_type"), ==, "LMT");
  g_assert_cmpfloat_with_epsilon (num (o, "limit_price"), 5012.25, 1e-9);
  g_assert_cmpstr (str (o, "state"), ==, "PENDING");
  g_assert_cmpstr (str (o, "approval_status"), ==, "PENDING_APPROVAL");
  g_assert_cmpfloat (age_seconds (str (o, "created_at")), >=, 8.9 * 60);
  g_assert_cmpfloat (age_seconds (str (o, "created_at")), <, 10 * 60);

  missing = request (sim, "ibkr-assistant", "GET", "/api/v1/orders/ord-9", 404);
  assert_body (missing, "{\"detail\":\"Order ord-9 not found\"}");

  approval = request (sim, "ibkr-assistant", "GET", "/api/v1/approvals/ord-1001/status", 200);
  o = json_node_get_object (approval);
  g_assert_cmpstr (str (o, "proposal_id"), ==, "ord-1001");
  g_assert_cmpstr (str (o, "status"), ==, "PENDING_APPROVAL");
  g_assert_cmpfloat (age_seconds (str (o, "expires_at")), <, 0);

  conflict = request (sim, "ibkr-assistant", "POST", "/api/v1/orders/ord-1001/cancel", 409);
  assert_body (conflict, "{\"detail\":\"Order ord-1001 is awaiting approval; "
                         "invalidate its approval first\"}");
  invalidated = request (sim, "ibkr-assistant", "POST", "/api/v1/approvals/ord-1001/invalidate", 200);
  assert_body (invalidated, "{\"proposal_id\":\"ord-1001\",\"status\":\"INVALIDATED\"}");
  cancelled = request (sim, "ibkr-assistant", "POST", "/api/v1/orders/ord-1001/cancel", 200);
  assert_body (cancelled, "{\"proposal_id\":\"ord-1001\",\"state\":\"CANCELLED\"}");

  after = request (sim, "ibkr-assistant", "GET", "/api/v1/orders?status=PENDING", 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (after), "orders")),
                    ==, 1);
  one = request (sim, "ibkr-assistant", "GET", "/api/v1/orders/ord-1001", 200);
  g_assert_cmpstr (str (json_node_get_object (one), "state"), ==, "CANCELLED");
  g_assert_cmpstr (str (json_node_get_object (one), "approval_status"), ==, "INVALIDATED");

  /* The approved one cancels at once; a 404 for an unknown approval. */
  {
    g_autoptr(JsonNode) direct = request (sim, "ibkr-assistant", "POST",
                                          "/api/v1/orders/ord-1002/cancel", 200);
    g_autoptr(JsonNode) twice = request (sim, "ibkr-assistant", "POST",
                                         "/api/v1/orders/ord-1002/cancel", 409);
    g_autoptr(JsonNode) no_approval = request (sim, "ibkr-assistant", "GET",
                                               "/api/v1/approvals/ord-9/status", 404);

    assert_body (no_approval, "{\"detail\":\"Approval ord-9 not found\"}");
  }

  /* The request log shows the three steps in order. */
  log = tw_test_sim_requests (sim);
  entries = json_node_get_array (log);
  for (guint i = 0; i < json_array_get_length (entries) && n < G_N_ELEMENTS (expected); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);

      if (g_str_equal (json_object_get_string_member (e, "method"), "POST") &&
          g_str_equal (json_object_get_string_member (e, "path"), expected[n]))
        n++;
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));

  tw_sim_thread_stop (sim);
}

/* ---- the book moves ---- */

static double
total_market_value (JsonNode *positions)
{
  JsonArray *a = json_node_get_array (positions);
  double total = 0;

  for (guint i = 0; i < json_array_get_length (a); i++)
    total += g_ascii_strtod (str (json_array_get_object_element (a, i), "market_value"), NULL);
  return total;
}

static void
test_prices_move (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(JsonNode) before = request (sim, "alpaca", "GET", "/v2/positions", 200);
  g_autoptr(JsonNode) later = NULL;
  g_autoptr(JsonNode) account = NULL;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  gboolean moved = FALSE;
  JsonObject *a;
  double cash, equity;

  while (!moved && g_get_monotonic_time () < deadline)
    {
      JsonArray *was = json_node_get_array (before), *now;

      g_usleep (300 * 1000);
      g_clear_pointer (&later, json_node_unref);
      later = request (sim, "alpaca", "GET", "/v2/positions", 200);
      now = json_node_get_array (later);
      for (guint i = 0; i < json_array_get_length (now); i++)
        {
          JsonObject *p = json_array_get_object_element (now, i);
          JsonObject *q = find_by (was, "symbol", str (p, "symbol"));
          double p0 = g_ascii_strtod (str (q, "current_price"), NULL);
          double p1 = g_ascii_strtod (str (p, "current_price"), NULL);

          /* At most ±0.3 % a step. */
          if (p0 != p1)
            {
              moved = TRUE;
              g_assert_cmpfloat (fabs (p1 / p0 - 1), <=, 0.0031 * 20);
            }
        }
    }
  g_assert_true (moved);

  /* Held still, they stay put. */
  {
    guint status = 0;
    g_autoptr(JsonNode) config = tw_test_sim_request_full (sim, "alpaca", "POST", "/_sim/config",
                                                           "{\"price_walk\":false}", &status);
    g_autoptr(JsonNode) still_a = request (sim, "alpaca", "GET", "/v2/positions", 200);
    g_autoptr(JsonNode) still_b = NULL;
    g_autofree char *ta = NULL, *tb = NULL;

    g_assert_cmpuint (status, ==, 200);
    /* Past a step of the walk (every second) on the simulator's own clock. */
    tw_test_sim_wait_ticks (sim, 1200);
    still_b = request (sim, "alpaca", "GET", "/v2/positions", 200);
    ta = json_to_string (still_a, FALSE);
    tb = json_to_string (still_b, FALSE);
    g_assert_cmpstr (ta, ==, tb);
  }

  /* The account follows the book: equity = cash + the positions' market value. */
  account = request (sim, "alpaca", "GET", "/v2/account", 200);
  g_clear_pointer (&later, json_node_unref);
  later = request (sim, "alpaca", "GET", "/v2/positions", 200);
  a = json_node_get_object (account);
  cash = g_ascii_strtod (str (a, "cash"), NULL);
  equity = g_ascii_strtod (str (a, "equity"), NULL);
  /* A price step may fall between the two requests. */
  g_assert_cmpfloat (fabs (equity - (cash + total_market_value (later))), <, 0.0031 * 90000);

  tw_sim_thread_stop (sim);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/sim/trading/alpaca/positions", test_alpaca_positions);
  g_test_add_func ("/tw/sim/trading/alpaca/close", test_alpaca_close);
  g_test_add_func ("/tw/sim/trading/alpaca/close-held", test_alpaca_close_held);
  g_test_add_func ("/tw/sim/trading/alpaca/close-all-partial", test_alpaca_close_all_partial);
  g_test_add_func ("/tw/sim/trading/alpaca/orders", test_alpaca_orders);
  g_test_add_func ("/tw/sim/trading/alpaca/cancel", test_alpaca_cancel);
  g_test_add_func ("/tw/sim/trading/alpaca/cancel-all", test_alpaca_cancel_all);
  g_test_add_func ("/tw/sim/trading/alpaca/clock", test_alpaca_clock);
  g_test_add_func ("/tw/sim/trading/alpaca/rate-limit", test_alpaca_rate_limit);
  g_test_add_func ("/tw/sim/trading/investiq/account-positions", test_investiq_account_positions);
  g_test_add_func ("/tw/sim/trading/investiq/close", test_investiq_close);
  g_test_add_func ("/tw/sim/trading/ibkr/cancel", test_ibkr_cancel);
  g_test_add_func ("/tw/sim/trading/prices-move", test_prices_move);

  return g_test_run ();
}
