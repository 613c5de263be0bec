/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-breaker.h"
#include "tw-connector.h"
#include "tw-test-util.h"
#include "tw-conformance.h"

/* The Autotrader as 004's Operations Runbooks document it: the shipped connector against
 * the runbook's own examples (tests/fixtures/runbooks/004-autotrader, served by the
 * fixture server, never the simulator), then the simulator against the same examples.
 * The runbook shows paths and jq filters only; what it shows is what is checked. */

#define SYSTEM    "004-autotrader"
#define CONNECTOR "autotrader"

static const TwOperation *
op (Conformance *c,
    const char  *name)
{
  const TwOperation *operation = tw_connector_get_operation (tw_client_get_connector (c->client), name);

  g_assert_nonnull (operation);
  return operation;
}

/* .rate_limits.coingecko: one member per provider under "rate_limits"; no credentials. */
static void
test_rate_limits (void)
{
  Conformance c = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  JsonNode *selected;
  guint status = 0;

  conformance_setup (&c, SYSTEM, CONNECTOR, NULL);
  body = conformance_call (&c, "rate_limits.list", NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (tw_fixture_server_count (c.server, "GET", "/api/health/rate-limits"), ==, 1);
  g_assert_null (tw_fixture_server_last_header (c.server, "GET", "/api/health/rate-limits", "X-API-Key"));

  selected = tw_operation_select (op (&c, "rate_limits.list"), body, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (selected));
  g_assert_true (json_object_has_member (json_node_get_object (selected), "coingecko"));
  conformance_teardown (&c);

  /* Configured, the optional key is sent. */
  conformance_setup (&c, SYSTEM, CONNECTOR, "api_key=k-9");
  g_clear_pointer (&body, json_node_unref);
  body = conformance_call (&c, "rate_limits.list", NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tw_fixture_server_last_header (c.server, "GET", "/api/health/rate-limits", "X-API-Key"),
                   ==, "k-9");
  conformance_teardown (&c);
}

/* The runbook shows the breakers' path, not their fields: an answer without the assumed
 * "breakers" is no breaker and no error. A breaker is reset by the runbook's Python call,
 * never over HTTP: no reset operation, the call offered instead, with the breaker's name. */
static void
test_circuit_breakers (void)
{
  Conformance c = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) assumed = NULL;
  g_autoptr(GPtrArray) breakers = g_ptr_array_new_with_free_func (g_object_unref);
  TwBreaker *breaker;
  guint status = 0;

  conformance_setup (&c, SYSTEM, CONNECTOR, NULL);
  body = conformance_call (&c, "breakers.list", NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_null (tw_fixture_server_last_header (c.server, "GET", "/api/health/circuit-breakers", "X-API-Key"));
  g_assert_true (tw_operation_map_breakers (op (&c, "breakers.list"), body, breakers, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (breakers->len, ==, 0);

  g_assert_false (tw_client_has_operation (c.client, "breakers.reset"));
  g_assert_null (tw_operation_get_breaker_reset (op (&c, "breakers.list")));

  assumed = json_from_string ("{\"breakers\": {\"coingecko_api\": {\"state\": \"OPEN\", "
                              "\"failure_count\": 5, \"opened_at\": \"2025-12-25T08:45:00Z\"}, "
                              "\"dexscreener\": {\"state\": \"HALF_OPEN\", \"failure_count\": 5}}}", NULL);
  g_assert_true (tw_operation_map_breakers (op (&c, "breakers.list"), assumed, breakers, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (breakers->len, ==, 2);
  breaker = g_ptr_array_index (breakers, 0);
  g_assert_cmpstr (tw_breaker_get_id (breaker), ==, "coingecko_api");
  g_assert_cmpint (tw_breaker_get_state (breaker), ==, TW_BREAKER_OPEN);
  g_assert_cmpuint (tw_breaker_get_failure_count (breaker), ==, 5);
  g_assert_false (tw_breaker_get_can_reset (breaker));
  g_assert_cmpstr (tw_breaker_get_reset_instruction (breaker), ==,
                   "from src.services.reliability import CIRCUIT_REGISTRY\n"
                   "CIRCUIT_REGISTRY.get_monitor(\"coingecko_api\").reset()");
  breaker = g_ptr_array_index (breakers, 1);
  g_assert_cmpint (tw_breaker_get_state (breaker), ==, TW_BREAKER_HALF_OPEN);
  g_assert_nonnull (strstr (tw_breaker_get_reset_instruction (breaker), "get_monitor(\"dexscreener\")"));
  conformance_teardown (&c);
}

static void
check_sim (TwSimThread *sim,
           const char  *path)
{
  g_autoptr(TwFixtureServer) server = tw_fixture_server_new (SYSTEM);
  const TwFixture *fixture = tw_fixture_server_lookup (server, "GET", path);
  g_autoptr(TwTestAnswer) raw = tw_test_sim_fetch (sim, CONNECTOR, "GET", path, TW_TEST_AUTH_NONE);
  g_autoptr(JsonNode) answer = tw_test_answer_json (raw);
  g_autofree char *where = g_strdup_printf ("GET %s (%s)", path, fixture->file);

  g_assert_cmpuint (raw->status, ==, fixture->status);
  tw_fixture_assert_same_shape (fixture->body, answer, where);
}

/* The simulator: the same paths and fields, no credentials, the runbook's source names,
 * and no reset route (the runbook has none). */
static void
test_sim (void)
{
  static const char * const sources[] = { "coingecko_api", "dexscreener", "blockscout", "ethereum_rpc" };
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(JsonNode) node = NULL;
  JsonObject *breakers;
  guint status = 0;

  check_sim (sim, "/api/health/rate-limits");
  check_sim (sim, "/api/health/circuit-breakers");

  node = tw_test_sim_request (sim, CONNECTOR, "GET", "/api/health/circuit-breakers", NULL);
  breakers = json_object_get_object_member (json_node_get_object (node), "breakers");
  g_assert_cmpuint (json_object_get_size (breakers), ==, G_N_ELEMENTS (sources));
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    g_assert_true (json_object_has_member (breakers, sources[i]));

  g_clear_pointer (&node, json_node_unref);
  node = tw_test_sim_request_full (sim, CONNECTOR, "POST", "/api/health/circuit-breakers/coingecko_api/reset",
                                   NULL, &status);
  g_assert_cmpuint (status, ==, 404);

  tw_sim_thread_stop (sim);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/conformance/autotrader/rate-limits", test_rate_limits);
  g_test_add_func ("/tw/conformance/autotrader/circuit-breakers", test_circuit_breakers);
  g_test_add_func ("/tw/conformance/autotrader/simulator", test_sim);

  return g_test_run ();
}
