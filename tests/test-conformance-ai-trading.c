/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-conformance.h"
#include "tw-test-util.h"
#include "tw-trading-state.h"

/* The AI Trading System (001) against its runbook's own examples
 * (tests/fixtures/runbooks/001-ai-trading): a Bearer token on every call, the runbook's
 * disable and emergency stop without a body, and no guessed read-back of the trading
 * state. Then the simulator against the same examples. */

#define SYSTEM "001-ai-trading"
#define TOKEN  "ai-bearer-token-0123456789"

static gboolean
service_polled (gpointer data)
{
  return tw_service_get_state (data) != TW_SERVICE_STATE_UNKNOWN;
}

static void
test_health (void)
{
  Conformance c = { 0 };
  TwService *service;

  conformance_setup (&c, SYSTEM, "ai-trading", "api_key=" TOKEN);
  service = tw_client_get_service (c.client);
  tw_workspace_start (c.workspace);
  tw_workspace_refresh (c.workspace);
  g_assert_true (tw_test_wait_for (service_polled, service, 5000));

  g_assert_cmpuint (tw_fixture_server_count (c.server, "GET", "/api/health"), ==, 1);
  g_assert_cmpstr (tw_fixture_server_last_header (c.server, "GET", "/api/health", "Authorization"),
                   ==, "Bearer " TOKEN);
  g_assert_null (tw_fixture_server_last_header (c.server, "GET", "/api/health", "X-API-Key"));
  /* It answered; the runbook shows no status word, so the console does not call it
   * healthy, nor unreachable or refused. */
  g_assert_cmpint (tw_service_get_state (service), ==, TW_SERVICE_STATE_DEGRADED);

  conformance_teardown (&c);
}

static void
on_run (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  GError **error = user_data;
  g_autoptr(JsonNode) body = tw_action_runner_run_finish (TW_ACTION_RUNNER (source), result, NULL, error);

  if (*error == NULL)
    g_assert_nonnull (body);
  else
    g_assert_null (body);
}

static gboolean
action_noted (gpointer data)
{
  TwTradingState *state = data;

  return tw_trading_state_get_last_action (state) != NULL;
}

static gboolean
stop_noted (gpointer data)
{
  TwTradingState *state = data;

  return g_strcmp0 (tw_trading_state_get_last_action (state), "trading.emergency_stop") == 0;
}

typedef struct
{
  TwFixtureServer *server;
  guint            before;
} HealthWait;

static gboolean
health_polled_again (gpointer data)
{
  HealthWait *wait = data;

  return tw_fixture_server_count (wait->server, "GET", "/api/health") > wait->before;
}

/* The console's halt is the runbook's disable: no body, Bearer token; the state stays
 * unknown and the console keeps its own last action instead. */
static void
test_halt_and_emergency_stop (void)
{
  Conformance c = { 0 };
  g_autoptr(TwGuardRequest) halt = NULL;
  g_autoptr(TwGuardRequest) stop = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  TwTradingState *state;

  conformance_setup (&c, SYSTEM, "ai-trading", "api_key=" TOKEN);
  state = tw_risk_monitor_lookup (c.monitor, "ai-trading");
  g_assert_nonnull (state);
  g_assert_false (tw_trading_state_get_reported (state));
  g_assert_true (tw_trading_state_get_can_halt (state));
  g_assert_false (tw_trading_state_get_can_resume (state));
  tw_risk_monitor_start (c.monitor);

  halt = tw_action_runner_new_request (c.runner, "trading.halt", "ai-trading");
  tw_action_runner_run_async (c.runner, halt, "ai-trading", "trading.halt", NULL, NULL, on_run, &error);
  g_assert_true (tw_test_wait_for (action_noted, state, 5000));
  g_assert_no_error (error);
  g_assert_cmpuint (tw_fixture_server_count (c.server, "POST", "/api/trading/disable"), ==, 1);
  g_assert_cmpstr (tw_fixture_server_last_header (c.server, "POST", "/api/trading/disable", "Authorization"),
                   ==, "Bearer " TOKEN);
  body = tw_fixture_server_last_body (c.server, "POST", "/api/trading/disable");
  g_assert_null (body);
  g_assert_cmpstr (tw_trading_state_get_last_action (state), ==, "trading.halt");
  g_assert_cmpstr (tw_trading_state_get_last_action_by (state), ==, g_get_user_name ());
  g_assert_nonnull (tw_trading_state_get_last_action_at (state));
  g_assert_cmpint (tw_trading_state_get_mode (state), ==, TW_TRADING_UNKNOWN);

  stop = tw_action_runner_new_request (c.runner, "trading.emergency_stop", "ai-trading");
  tw_action_runner_run_async (c.runner, stop, "ai-trading", "trading.emergency_stop", NULL, NULL,
                              on_run, &error);
  g_assert_true (tw_test_wait_for (stop_noted, state, 5000));
  g_assert_no_error (error);
  g_assert_cmpuint (tw_fixture_server_count (c.server, "POST", "/api/trading/emergency-stop"), ==, 1);
  g_assert_null (tw_fixture_server_last_body (c.server, "POST", "/api/trading/emergency-stop"));
  g_assert_cmpstr (tw_fixture_server_last_header (c.server, "POST", "/api/trading/emergency-stop",
                                                  "Authorization"), ==, "Bearer " TOKEN);

  /* Nothing guessed: after the pollers ran again, no status or enable route was ever
   * asked for. */
  {
    HealthWait wait = { c.server, tw_fixture_server_count (c.server, "GET", "/api/health") };

    tw_workspace_start (c.workspace);
    tw_risk_monitor_refresh (c.monitor);
    tw_workspace_refresh (c.workspace);
    g_assert_true (tw_test_wait_for (health_polled_again, &wait, 5000));
  }
  g_assert_cmpuint (tw_fixture_server_count (c.server, "GET", "/api/trading/status"), ==, 0);
  g_assert_cmpuint (tw_fixture_server_count (c.server, "POST", "/api/trading/enable"), ==, 0);
  g_assert_cmpint (tw_trading_state_get_mode (state), ==, TW_TRADING_UNKNOWN);

  conformance_teardown (&c);
}

static void
test_sim (void)
{
  conformance_check_sim (SYSTEM, "ai-trading", NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/conformance/ai-trading/health", test_health);
  g_test_add_func ("/tw/conformance/ai-trading/halt-emergency-stop", test_halt_and_emergency_stop);
  g_test_add_func ("/tw/conformance/ai-trading/simulator", test_sim);

  return g_test_run ();
}
