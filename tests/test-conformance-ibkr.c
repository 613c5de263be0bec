/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tw-component.h"
#include "tw-connector.h"
#include "tw-order.h"
#include "tw-prometheus.h"
#include "tw-service-details.h"
#include "tw-test-util.h"
#include "tw-conformance.h"

/* The IBKR assistant as 003's RUNBOOK.md documents it: the shipped connector against the
 * runbook's own examples (tests/fixtures/runbooks/003-ibkr-assistant*, served by the
 * fixture server, never the simulator), then the simulator against the same examples. */

#define SYSTEM        "003-ibkr-assistant"
#define SYSTEM_ACTIVE "003-ibkr-assistant-active"
#define CONNECTOR     "ibkr-assistant"

static const TwOperation *
op (Conformance *c,
    const char  *name)
{
  const TwOperation *operation = tw_connector_get_operation (tw_client_get_connector (c->client), name);

  g_assert_nonnull (operation);
  return operation;
}

static const char *
member (JsonNode   *node,
        const char *name)
{
  return json_object_get_string_member (json_node_get_object (node), name);
}

/* The runbook sends no credentials: none unless one is configured, then X-API-Key. */
static void
test_health (void)
{
  static const char * const runbook_components[] = {
    "kill_switch", "audit_store", "broker", "approval_service", "risk_engine", "simulator",
    "order_submitter",
  };
  Conformance c = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GListStore) components = g_list_store_new (TW_TYPE_COMPONENT);
  g_autofree char *detail = NULL;
  guint status = 0;

  conformance_setup (&c, SYSTEM, CONNECTOR, NULL);
  body = conformance_call (&c, "health", NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_null (tw_fixture_server_last_header (c.server, "GET", "/api/v1/health", "X-API-Key"));
  g_assert_null (tw_fixture_server_last_header (c.server, "GET", "/api/v1/health", "Authorization"));

  g_assert_cmpint (tw_operation_eval_health (op (&c, "health"), body, &detail), ==, TW_HEALTH_OK);
  g_assert_cmpstr (detail, ==, "healthy");
  g_assert_true (tw_operation_map_components (op (&c, "health"), body, components, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (components)), ==,
                    G_N_ELEMENTS (runbook_components));
  for (guint i = 0; i < G_N_ELEMENTS (runbook_components); i++)
    {
      g_autoptr(TwComponent) component = g_list_model_get_item (G_LIST_MODEL (components), i);

      g_assert_cmpstr (tw_component_get_name (component), ==, runbook_components[i]);
      g_assert_cmpstr (tw_component_get_status (component), ==, "ok");
      g_assert_cmpint (tw_component_get_health (component), ==, TW_HEALTH_OK);
    }
  conformance_teardown (&c);

  /* A deployment that wants a key: sent when configured. */
  conformance_setup (&c, SYSTEM, CONNECTOR, "api_key=k-123");
  g_clear_pointer (&body, json_node_unref);
  body = conformance_call (&c, "health", NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tw_fixture_server_last_header (c.server, "GET", "/api/v1/health", "X-API-Key"),
                   ==, "k-123");
  conformance_teardown (&c);
}

/* A broker that is not connected is "error" (Troubleshooting 1): the component is down. */
static void
test_health_broker_error (void)
{
  Conformance c = { 0 };
  g_autoptr(GListStore) components = g_list_store_new (TW_TYPE_COMPONENT);
  g_autoptr(JsonNode) body = json_from_string ("{\"status\": \"unhealthy\", \"components\": "
                                               "{\"broker\": {\"status\": \"error\", \"connected\": false}}}",
                                               NULL);
  g_autoptr(TwComponent) broker = NULL;
  g_autoptr(GError) error = NULL;

  conformance_setup (&c, SYSTEM, CONNECTOR, NULL);
  g_assert_cmpint (tw_operation_eval_health (op (&c, "health"), body, NULL), ==, TW_HEALTH_DOWN);
  g_assert_true (tw_operation_map_components (op (&c, "health"), body, components, &error));
  broker = g_list_model_get_item (G_LIST_MODEL (components), 0);
  g_assert_cmpstr (tw_component_get_name (broker), ==, "broker");
  g_assert_cmpint (tw_component_get_health (broker), ==, TW_HEALTH_DOWN);
  conformance_teardown (&c);
}

static void
test_kill_switch_off (void)
{
  Conformance c = { 0 };
  TwTradingState *state;

  conformance_setup (&c, SYSTEM, CONNECTOR, NULL);
  state = conformance_read_back (&c);
  g_assert_true (tw_trading_state_get_kill_switch_supported (state));
  g_assert_false (tw_trading_state_get_kill_switch_active (state));
  g_assert_cmpint (tw_trading_state_get_mode (state), ==, TW_TRADING_ACTIVE);
  g_assert_null (tw_trading_state_get_reason (state));
  g_assert_null (tw_trading_state_get_by (state));
  g_assert_null (tw_trading_state_get_since (state));
  g_assert_false (tw_trading_state_is_halted (state));
  conformance_teardown (&c);
}

/* Activate sends the runbook's body and answers {"status": "activated", …}: not the
 * status shape, and not mistaken for it. The console's halt is the same request. */
static void
test_activate (void)
{
  static const char * const operations[] = { "killswitch.activate", "trading.halt" };
  Conformance c = { 0 };

  conformance_setup (&c, SYSTEM, CONNECTOR, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (operations); i++)
    {
      const TwFixture *fixture = conformance_fixture (&c, "POST", "/api/v1/kill-switch/activate");
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) body = NULL;
      g_autoptr(JsonNode) sent = NULL;
      g_autoptr(TwTradingState) state = tw_trading_state_new (CONNECTOR, "IBKR");
      g_autoptr(GDateTime) at = NULL;
      g_autofree char *reason = NULL;
      g_autofree char *by = NULL;
      JsonObject *request;
      guint status = 0;

      body = conformance_call (&c, operations[i],
                               "reason=Broker connection lost - emergency halt|actor=ops@example.com",
                               &status, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (status, ==, 200);
      g_assert_true (json_node_equal (body, fixture->body));

      sent = tw_fixture_server_last_body (c.server, "POST", "/api/v1/kill-switch/activate");
      g_assert_nonnull (sent);
      request = json_node_get_object (sent);
      g_assert_cmpuint (json_object_get_size (request), ==, 2);
      g_assert_cmpstr (json_object_get_string_member (request, "reason"), ==,
                       "Broker connection lost - emergency halt");
      g_assert_cmpstr (json_object_get_string_member (request, "activated_by"), ==, "ops@example.com");
      g_assert_cmpstr (tw_fixture_server_last_header (c.server, "POST", "/api/v1/kill-switch/activate",
                                                      "Content-Type"), ==, "application/json");
      g_assert_null (tw_fixture_server_last_header (c.server, "POST", "/api/v1/kill-switch/activate",
                                                    "X-API-Key"));

      g_assert_cmpint (tw_operation_eval_trading (op (&c, operations[i]), body), ==, TW_TRADING_HALTED);
      g_assert_true (tw_operation_map_object (op (&c, operations[i]), body, G_OBJECT (state), &error));
      g_assert_no_error (error);
      g_object_get (state, "kill-switch-reason", &reason, "kill-switch-by", &by,
                    "kill-switch-at", &at, NULL);
      g_assert_cmpstr (reason, ==, "Broker connection lost - emergency halt");
      g_assert_cmpstr (by, ==, "ops@example.com");
      g_assert_nonnull (at);
      g_assert_cmpint (g_date_time_get_hour (at), ==, 8);
      g_assert_cmpint (g_date_time_get_minute (at), ==, 45);
    }
  g_assert_cmpuint (tw_fixture_server_count (c.server, "POST", "/api/v1/kill-switch/activate"), ==, 2);
  conformance_teardown (&c);
}

/* Kill Switch Won't Deactivate: the call succeeds, the switch stays on. The deactivate's
 * answer claims nothing about the state; the read-back says it is still on, and the
 * connector says why. */
static void
test_deactivate_still_on (void)
{
  static const char * const operations[] = { "killswitch.deactivate", "trading.resume" };
  Conformance c = { 0 };
  TwTradingState *state;
  g_autoptr(GDateTime) since_expected = g_date_time_new_from_iso8601 ("2025-12-25T08:45:00.123456Z", NULL);

  conformance_setup (&c, SYSTEM_ACTIVE, CONNECTOR, NULL);
  state = conformance_read_back (&c);
  g_assert_true (tw_trading_state_get_kill_switch_active (state));
  g_assert_cmpint (tw_trading_state_get_mode (state), ==, TW_TRADING_HALTED);
  g_assert_cmpstr (tw_trading_state_get_reason (state), ==, "Broker connection lost - emergency halt");
  g_assert_cmpstr (tw_trading_state_get_by (state), ==, "ops@example.com");
  g_assert_true (g_date_time_equal (tw_trading_state_get_since (state), since_expected));

  for (guint i = 0; i < G_N_ELEMENTS (operations); i++)
    {
      const TwFixture *fixture = conformance_fixture (&c, "POST", "/api/v1/kill-switch/deactivate");
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) body = NULL;
      g_autoptr(JsonNode) sent = NULL;
      guint status = 0;

      body = conformance_call (&c, operations[i],
                               "reason=Issue resolved - broker connection restored|actor=ops",
                               &status, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (status, ==, 200);
      g_assert_true (json_node_equal (body, fixture->body));
      sent = tw_fixture_server_last_body (c.server, "POST", "/api/v1/kill-switch/deactivate");
      g_assert_cmpuint (json_object_get_size (json_node_get_object (sent)), ==, 1);
      g_assert_cmpstr (member (sent, "reason"), ==, "Issue resolved - broker connection restored");

      /* "deactivated" is what was asked, not the state. */
      g_assert_cmpint (tw_operation_eval_trading (op (&c, operations[i]), body), ==, TW_TRADING_UNKNOWN);
      g_assert_nonnull (strstr (tw_operation_get_unchanged (op (&c, operations[i])), "KILL_SWITCH_ENABLED"));

      state = conformance_read_back (&c);
      g_assert_true (tw_trading_state_get_kill_switch_active (state));
      g_assert_true (tw_trading_state_is_halted (state));
    }
  conformance_teardown (&c);
}

/* The pending orders: proposal_id and state, not id and status; the approval is keyed by
 * the order's id. The list the runbook shows maps whole. */
static void
test_orders (void)
{
  Conformance c = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GPtrArray) orders = NULL;
  g_autoptr(GDateTime) created = g_date_time_new_from_iso8601 ("2025-12-25T08:00:00Z", NULL);
  g_autofree char *path = NULL;
  TwOrder *order;
  guint status = 0;

  conformance_setup (&c, SYSTEM, CONNECTOR, NULL);
  path = tw_operation_expand_path (op (&c, "orders.list"), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, "/api/v1/orders?status=PENDING");

  body = conformance_call (&c, "orders.list", NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  orders = tw_operation_map_list (op (&c, "orders.list"), body, TW_TYPE_ORDER, &error);
  g_assert_no_error (error);
  g_assert_nonnull (orders);
  g_assert_cmpuint (orders->len, ==, 1);
  order = g_ptr_array_index (orders, 0);
  g_assert_cmpstr (tw_order_get_id (order), ==, "order-123");
  g_assert_cmpstr (tw_order_get_symbol (order), ==, "AAPL");
  g_assert_cmpstr (tw_order_get_status (order), ==, "PENDING");
  g_assert_true (tw_order_status_is_pending (tw_order_get_status (order)));
  g_assert_true (g_date_time_equal (tw_order_get_created_at (order), created));
  g_assert_cmpstr (tw_order_get_approval_id (order), ==, "order-123");
  g_assert_cmpstr (tw_operation_get_key_pointer (op (&c, "orders.list")), ==, "/proposal_id");
  conformance_teardown (&c);
}

/* Stuck Order Resolution's requests and its check, each as the runbook writes it (the runbook shows
 * none of their answers: the fixture server answers 404, the request is what counts). */
static void
test_stuck_order_requests (void)
{
  static const struct
  {
    const char *operation;
    const char *method;
    const char *path;
  } steps[] = {
    { "orders.get", "GET", "/api/v1/orders/order-123" },
    { "orders.cancel", "POST", "/api/v1/orders/order-123/cancel" },
    { "approvals.status", "GET", "/api/v1/approvals/order-123/status" },
    { "approvals.invalidate", "POST", "/api/v1/approvals/order-123/invalidate" },
    /* Verify Resolution: the order's audit trail */
    { "audit.trail", "GET", "/api/v1/audit/correlation_id/order-123" },
  };
  Conformance c = { 0 };

  conformance_setup (&c, SYSTEM, CONNECTOR, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) body = NULL;
      guint status = 0;

      body = conformance_call (&c, steps[i].operation, "id=order-123|order_id=order-123", &status, &error);
      g_assert_cmpuint (status, ==, 404);
      g_assert_cmpuint (tw_fixture_server_count (c.server, steps[i].method, steps[i].path), ==, 1);
      g_assert_null (tw_fixture_server_last_header (c.server, steps[i].method, steps[i].path, "X-API-Key"));
    }
  conformance_teardown (&c);
}

/* The simulator against the same examples: same paths, fields and status codes, without
 * credentials. */
/* Metrics Endpoint: the runbook's Prometheus text, parsed into the page's table. */
static void
test_metrics (void)
{
  Conformance c = { 0 };
  g_autoptr(TwServiceDetails) details = NULL;
  GListModel *rows;
  g_autoptr(TwDetailItem) row = NULL;

  conformance_setup (&c, SYSTEM, CONNECTOR, NULL);
  details = tw_service_details_new (c.client, NULL);
  g_assert_true (tw_service_details_has_section (details, TW_DETAIL_METRICS));
  tw_service_details_refresh (details);
  tw_test_wait_until (tw_service_details_is_loaded (details, TW_DETAIL_METRICS), 5000);
  g_assert_null (tw_service_details_get_error (details, TW_DETAIL_METRICS));
  g_assert_cmpuint (tw_fixture_server_count (c.server, "GET", "/api/v1/metrics"), ==, 1);

  rows = tw_service_details_get_items (details, TW_DETAIL_METRICS);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 1);
  row = g_list_model_get_item (rows, 0);
  g_assert_cmpstr (tw_detail_item_get_name (row), ==, "ibkr_proposal_total");
  g_assert_cmpstr (tw_detail_item_get_string (row, "kind"), ==, "counter");
  g_assert_cmpstr (tw_detail_item_get_string (row, "labels"), ==, "symbol=\"AAPL\", state=\"PENDING\"");
  g_assert_cmpstr (tw_detail_item_get_string (row, "message"), ==, "Total number of proposals");
  g_assert_cmpfloat (tw_detail_item_get_number (row, "value"), ==, 0);
  /* The example names none of the key figures: none is made up. */
  g_assert_true (isnan (tw_detail_item_get_number (tw_service_details_get_figures (details), "daily-pnl")));

  g_clear_object (&details);
  conformance_teardown (&c);
}

static void
check_sim (TwSimThread *sim,
           const char  *system,
           const char  *method,
           const char  *path,
           const char  *query,
           const char  *request_body)
{
  g_autoptr(TwFixtureServer) server = tw_fixture_server_new (system);
  const TwFixture *fixture = tw_fixture_server_lookup (server, method, path);
  g_autofree char *where = g_strdup_printf ("%s %s (%s)", method, path, fixture->file);
  g_autofree char *full = g_strconcat (path, query, NULL);
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  g_assert_nonnull (fixture);
  if (g_str_equal (method, "GET"))
    {
      g_autoptr(TwTestAnswer) raw = tw_test_sim_fetch (sim, CONNECTOR, method, full, TW_TEST_AUTH_NONE);

      status = raw->status;
      answer = tw_test_answer_json (raw);
    }
  else
    answer = tw_test_sim_request_full (sim, CONNECTOR, method, full, request_body, &status);
  g_assert_cmpuint (status, ==, fixture->status);
  tw_fixture_assert_same_shape (fixture->body, answer, where);
}

static void
test_sim (void)
{
  g_autofree char *state_dir = g_build_filename (g_get_user_state_dir (), "sim", NULL);
  TwSimThread *sim;

  g_assert_cmpint (g_mkdir_with_parents (state_dir, 0700), ==, 0);
  g_setenv ("TW_SIM_STATE_DIR", state_dir, TRUE);
  g_unsetenv ("KILL_SWITCH_ENABLED");
  sim = tw_test_sim_start ();

  check_sim (sim, SYSTEM, "GET", "/api/v1/health", "", NULL);
  check_sim (sim, SYSTEM, "GET", "/api/v1/kill-switch/status", "", NULL);
  check_sim (sim, SYSTEM, "GET", "/api/v1/orders", "?status=PENDING", NULL);
  check_sim (sim, SYSTEM, "POST", "/api/v1/kill-switch/activate", "",
             "{\"reason\": \"Broker connection lost - emergency halt\", \"activated_by\": \"ops@example.com\"}");
  check_sim (sim, SYSTEM_ACTIVE, "GET", "/api/v1/kill-switch/status", "", NULL);
  check_sim (sim, SYSTEM_ACTIVE, "POST", "/api/v1/kill-switch/deactivate", "",
             "{\"reason\": \"Issue resolved - broker connection restored\"}");
  check_sim (sim, SYSTEM, "GET", "/api/v1/kill-switch/status", "", NULL);
  {
    /* The simulator's exposition has the runbook's family, and parses. */
    g_autoptr(TwTestAnswer) raw = tw_test_sim_fetch (sim, CONNECTOR, "GET", "/api/v1/metrics", TW_TEST_AUTH_NONE);
    g_autofree char *text = tw_test_answer_text (raw);
    g_autoptr(GPtrArray) families = NULL;
    g_autoptr(GError) error = NULL;
    TwMetricFamily *family;

    g_assert_cmpuint (raw->status, ==, 200);
    families = tw_prometheus_parse (text, -1, &error);
    g_assert_no_error (error);
    family = tw_metric_families_find (families, "ibkr_proposal_total");
    g_assert_nonnull (family);
    g_assert_cmpint (family->type, ==, TW_METRIC_COUNTER);
    g_assert_cmpstr (family->help, ==, "Total number of proposals");
    g_assert_nonnull (tw_metric_sample_get_label (g_ptr_array_index (family->samples, 0), "symbol"));
    g_assert_nonnull (tw_metric_sample_get_label (g_ptr_array_index (family->samples, 0), "state"));
  }

  tw_sim_thread_stop (sim);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/conformance/ibkr/health", test_health);
  g_test_add_func ("/tw/conformance/ibkr/health-broker-error", test_health_broker_error);
  g_test_add_func ("/tw/conformance/ibkr/kill-switch-off", test_kill_switch_off);
  g_test_add_func ("/tw/conformance/ibkr/activate", test_activate);
  g_test_add_func ("/tw/conformance/ibkr/deactivate-still-on", test_deactivate_still_on);
  g_test_add_func ("/tw/conformance/ibkr/orders", test_orders);
  g_test_add_func ("/tw/conformance/ibkr/stuck-order-requests", test_stuck_order_requests);
  g_test_add_func ("/tw/conformance/ibkr/metrics", test_metrics);
  g_test_add_func ("/tw/conformance/ibkr/simulator", test_sim);

  return g_test_run ();
}
