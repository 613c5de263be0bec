/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-account.h"
#include "tw-breaker.h"
#include "tw-component.h"
#include "tw-conformance.h"
#include "tw-position.h"
#include "tw-test-util.h"
#include "tw-trading-state.h"

/* InvestIQ (000) and its broker Alpaca as 000 uses it, against the runbook's own examples
 * (tests/fixtures/runbooks/000-investiq, 000-alpaca): what the connectors send and what
 * the console makes of the answers. Then the simulator against the same examples. */

#define SYSTEM    "000-investiq"
#define API_KEY   "iq-key-0123456789abcdef"
#define LIVE_KEY  "iq-live-key-fedcba9876543210"
#define SECRETS   "api_key=" API_KEY "|live_trading_key=" LIVE_KEY

static gboolean
service_polled (gpointer data)
{
  return tw_service_get_state (data) != TW_SERVICE_STATE_UNKNOWN;
}

/* GET /health: .dependencies.polygon, .alpaca, .ml_service are the components, and the
 * alpaca one is the broker connection the guard asks about. */
static void
test_health (void)
{
  Conformance c = { 0 };
  TwService *service;
  GListModel *components;
  static const char * const names[] = { "polygon", "alpaca", "ml_service" };

  conformance_setup (&c, SYSTEM, "investiq", SECRETS);
  service = tw_client_get_service (c.client);
  tw_workspace_start (c.workspace);
  tw_workspace_refresh (c.workspace);
  g_assert_true (tw_test_wait_for (service_polled, service, 5000));

  g_assert_cmpstr (tw_fixture_server_last_header (c.server, "GET", "/health", "X-API-Key"), ==, API_KEY);
  components = tw_service_get_components (service);
  g_assert_cmpuint (g_list_model_get_n_items (components), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(TwComponent) component = g_list_model_get_item (components, i);

      g_assert_cmpstr (tw_component_get_name (component), ==, names[i]);
    }
  g_assert_cmpstr (tw_connector_get_broker_component (tw_client_get_connector (c.client)), ==, "alpaca");
  /* The runbook shows no status words: an answer without them is not called healthy. */
  g_assert_cmpint (tw_service_get_state (service), ==, TW_SERVICE_STATE_DEGRADED);

  conformance_teardown (&c);
}

static gboolean
state_polled (gpointer data)
{
  g_autoptr(GDateTime) updated_at = NULL;

  g_object_get (data, "updated-at", &updated_at, NULL);
  return updated_at != NULL;
}

/* GET /api/risk/circuit-breakers: the halt, its reason and time, and three breakers with
 * the runbook's limits. */
static void
test_circuit_breakers (void)
{
  Conformance c = { 0 };
  TwTradingState *state;
  TwBreaker *b;
  g_autoptr(GDateTime) expected = g_date_time_new_utc (2026, 2, 11, 3, 0, 0);

  conformance_setup (&c, SYSTEM, "investiq", SECRETS);
  tw_risk_monitor_start (c.monitor);
  state = tw_risk_monitor_lookup (c.monitor, "investiq");
  g_assert_nonnull (state);
  g_assert_true (tw_test_wait_for (state_polled, state, 5000));

  g_assert_cmpstr (tw_fixture_server_last_header (c.server, "GET", "/api/risk/circuit-breakers",
                                                  "X-API-Key"), ==, API_KEY);
  g_assert_true (tw_trading_state_get_reported (state));
  g_assert_cmpint (tw_trading_state_get_mode (state), ==, TW_TRADING_HALTED);
  g_assert_cmpstr (tw_trading_state_get_reason (state), ==, "3 consecutive losses");
  g_assert_true (g_date_time_equal (tw_trading_state_get_since (state), expected));

  b = tw_trading_state_lookup_breaker (state, "consecutive_losses");
  g_assert_nonnull (b);
  g_assert_cmpfloat (tw_breaker_get_value (b), ==, 3);
  g_assert_cmpfloat (tw_breaker_get_limit (b), ==, 3);
  g_assert_cmpint (tw_breaker_get_state (b), ==, TW_BREAKER_OPEN);
  b = tw_trading_state_lookup_breaker (state, "daily_loss");
  g_assert_nonnull (b);
  g_assert_cmpfloat (tw_breaker_get_value (b), ==, 1.5);
  g_assert_cmpfloat (tw_breaker_get_limit (b), ==, 5);
  g_assert_cmpint (tw_breaker_get_state (b), ==, TW_BREAKER_CLOSED);
  b = tw_trading_state_lookup_breaker (state, "drawdown");
  g_assert_nonnull (b);
  g_assert_cmpfloat (tw_breaker_get_value (b), ==, 2.5);
  g_assert_cmpfloat (tw_breaker_get_limit (b), ==, 10);
  g_assert_cmpint (tw_breaker_get_state (b), ==, TW_BREAKER_CLOSED);

  conformance_teardown (&c);
}

/* The request's members are exactly the runbook's, with the same types. */
static void
assert_same_members (JsonNode *runbook,
                     JsonNode *sent)
{
  g_autoptr(GList) members = json_object_get_members (json_node_get_object (runbook));

  g_assert_nonnull (sent);
  tw_fixture_assert_same_shape (runbook, sent, "request");
  g_assert_cmpuint (json_object_get_size (json_node_get_object (sent)), ==, g_list_length (members));
}

/* POST /api/risk/trading-halt: {"halt": true|false, "reason": …}, as the runbook sends it. */
static void
test_halt_resume (void)
{
  Conformance c = { 0 };
  const TwFixture *fixture;
  g_autoptr(JsonNode) runbook = NULL;
  g_autoptr(JsonNode) sent = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  conformance_setup (&c, SYSTEM, "investiq", SECRETS);
  fixture = tw_fixture_server_lookup (c.server, "POST", "/api/risk/trading-halt");
  runbook = conformance_fixture_request (SYSTEM, fixture);

  answer = conformance_call (&c, "trading.halt",
                             "reason=Manual halt: investigating strategy anomaly|actor=alice", &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  sent = tw_fixture_server_last_body (c.server, "POST", "/api/risk/trading-halt");
  g_assert_true (json_node_equal (sent, runbook));
  g_assert_cmpstr (tw_fixture_server_last_header (c.server, "POST", "/api/risk/trading-halt",
                                                  "X-API-Key"), ==, API_KEY);
  g_assert_cmpstr (tw_fixture_server_last_header (c.server, "POST", "/api/risk/trading-halt",
                                                  "Content-Type"), ==, "application/json");
  /* The answer is not in the runbook: no state is read from it. */
  g_assert_cmpint (tw_operation_eval_trading (tw_connector_get_operation (tw_client_get_connector (c.client),
                                                                          "trading.halt"), answer),
                   ==, TW_TRADING_UNKNOWN);

  g_clear_pointer (&answer, json_node_unref);
  g_clear_pointer (&sent, json_node_unref);
  answer = conformance_call (&c, "trading.resume", "reason=Investigated - bad symbol removed|actor=alice",
                             &status, &error);
  g_assert_no_error (error);
  sent = tw_fixture_server_last_body (c.server, "POST", "/api/risk/trading-halt");
  assert_same_members (runbook, sent);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (sent), "halt"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (sent), "reason"), ==,
                   "Investigated - bad symbol removed");
  g_assert_cmpuint (tw_fixture_server_count (c.server, "POST", "/api/risk/trading-halt"), ==, 2);

  conformance_teardown (&c);
}

/* PUT /api/risk/parameters: max_position_size is a fraction, 0.05 for 5 %. */
static void
test_parameters (void)
{
  Conformance c = { 0 };
  g_autoptr(JsonNode) runbook = NULL;
  g_autoptr(JsonNode) sent = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *o;

  conformance_setup (&c, SYSTEM, "investiq", SECRETS);
  runbook = conformance_fixture_request (SYSTEM, tw_fixture_server_lookup (c.server, "PUT", "/api/risk/parameters"));
  answer = conformance_call (&c, "risk.parameters.set",
                             "max_position_size=0.05|max_consecutive_losses=3|daily_loss_limit_percent=5|"
                             "account_drawdown_limit_percent=10|stop_loss_percent=2", NULL, &error);
  g_assert_no_error (error);
  sent = tw_fixture_server_last_body (c.server, "PUT", "/api/risk/parameters");
  g_assert_nonnull (sent);
  /* The runbook's member, with its value and type; the others are the limits' names. */
  tw_fixture_assert_same_shape (runbook, sent, "PUT /api/risk/parameters");
  o = json_node_get_object (sent);
  g_assert_cmpfloat (json_object_get_double_member (o, "max_position_size"), ==, 0.05);
  g_assert_cmpfloat (json_object_get_double_member (o, "daily_loss_limit_percent"), ==, 5);
  g_assert_cmpfloat (json_object_get_double_member (o, "account_drawdown_limit_percent"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (o, "max_consecutive_losses"), ==, 3);

  conformance_teardown (&c);
}

/* The broker routes: account, positions, close (with the live-trading key), trades. */
static void
test_broker (void)
{
  Conformance c = { 0 };
  TwConnector *connector;
  g_autoptr(JsonNode) account = NULL;
  g_autoptr(JsonNode) positions = NULL;
  g_autoptr(JsonNode) closed = NULL;
  g_autoptr(JsonNode) trades = NULL;
  g_autoptr(TwAccount) model = tw_account_new ("investiq");
  g_autoptr(TwPosition) position = tw_position_new ("investiq", "?");
  g_autoptr(GError) error = NULL;
  guint status = 0;

  conformance_setup (&c, SYSTEM, "investiq", SECRETS);
  connector = tw_client_get_connector (c.client);

  account = conformance_call (&c, "account.get", NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (tw_operation_map_object (tw_connector_get_operation (connector, "account.get"),
                                          account, G_OBJECT (model), &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (tw_account_get_buying_power (model), ==, 200000.0);
  g_assert_false (tw_account_get_account_blocked (model));

  positions = conformance_call (&c, "positions.list", NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (positions));
  g_assert_true (tw_operation_map_object (tw_connector_get_operation (connector, "positions.list"),
                                          json_array_get_element (json_node_get_array (positions), 0),
                                          G_OBJECT (position), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tw_position_get_symbol (position), ==, "SPY");

  closed = conformance_call (&c, "positions.close", "symbol=SPY", &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (tw_fixture_server_last_header (c.server, "DELETE", "/api/broker/close/SPY", "X-API-Key"),
                   ==, API_KEY);
  g_assert_cmpstr (tw_fixture_server_last_header (c.server, "DELETE", "/api/broker/close/SPY",
                                                  "X-Live-Trading-Key"), ==, LIVE_KEY);

  trades = conformance_call (&c, "trades.list", "days=1", &status, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (trades));
  g_assert_cmpuint (tw_fixture_server_count (c.server, "GET", "/api/portfolio/trades"), ==, 1);

  conformance_teardown (&c);
}

/* Alpaca as 000 uses it: the key pair on every call, the account and the clock. */
static void
test_alpaca (void)
{
  Conformance c = { 0 };
  g_autoptr(JsonNode) account = NULL;
  g_autoptr(JsonNode) clock = NULL;
  g_autoptr(TwAccount) model = tw_account_new ("alpaca");
  g_autoptr(GError) error = NULL;
  TwService *service;

  conformance_setup (&c, "000-alpaca", "alpaca",
                     "key_id=PKTEST1234567890ABCD|secret_key=alpaca-secret-0123456789");
  service = tw_client_get_service (c.client);
  tw_workspace_start (c.workspace);
  tw_workspace_refresh (c.workspace);
  g_assert_true (tw_test_wait_for (service_polled, service, 5000));
  g_assert_cmpint (tw_service_get_state (service), ==, TW_SERVICE_STATE_OK);
  g_assert_cmpstr (tw_fixture_server_last_header (c.server, "GET", "/v2/account", "APCA-API-KEY-ID"),
                   ==, "PKTEST1234567890ABCD");
  g_assert_cmpstr (tw_fixture_server_last_header (c.server, "GET", "/v2/account", "APCA-API-SECRET-KEY"),
                   ==, "alpaca-secret-0123456789");

  account = conformance_call (&c, "account.get", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tw_operation_map_object (tw_connector_get_operation (tw_client_get_connector (c.client),
                                                                      "account.get"),
                                          account, G_OBJECT (model), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tw_account_get_account_number (model), ==, "PA3T2D8YA1UB");
  g_assert_cmpstr (tw_account_get_status (model), ==, "ACTIVE");
  g_assert_cmpfloat (tw_account_get_buying_power (model), ==, 200000.0);
  g_assert_cmpfloat (tw_account_get_cash (model), ==, 100000.0);
  g_assert_false (tw_account_get_account_blocked (model));

  clock = conformance_call (&c, "clock.get", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (clock), "is_open"));

  conformance_teardown (&c);
}

/* The simulator against the same examples. The breakers' example is a halt: play the
 * runbook's losing streak first. */
static void
halt_by_losing_streak (TwSimThread *sim)
{
  tw_test_sim_scenario (sim, "{\"name\":\"losing-streak\"}");
}

static void
test_sim_investiq (void)
{
  conformance_check_sim (SYSTEM, "investiq", halt_by_losing_streak);
}

static void
test_sim_alpaca (void)
{
  conformance_check_sim ("000-alpaca", "alpaca", NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/conformance/investiq/health", test_health);
  g_test_add_func ("/tw/conformance/investiq/circuit-breakers", test_circuit_breakers);
  g_test_add_func ("/tw/conformance/investiq/halt-resume", test_halt_resume);
  g_test_add_func ("/tw/conformance/investiq/parameters", test_parameters);
  g_test_add_func ("/tw/conformance/investiq/broker", test_broker);
  g_test_add_func ("/tw/conformance/investiq/alpaca", test_alpaca);
  g_test_add_func ("/tw/conformance/investiq/simulator", test_sim_investiq);
  g_test_add_func ("/tw/conformance/investiq/simulator-alpaca", test_sim_alpaca);

  return g_test_run ();
}
