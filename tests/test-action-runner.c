/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-error.h"
#include "tw-risk-fixture.h"

#define INTERVAL 300

static gboolean
last_action_known (gpointer data)
{
  return g_strcmp0 (tw_trading_state_get_last_action (data), "trading.halt") == 0;
}

/* Halt then resume @flavor through the runner: both reach the simulator, the monitor
 * sees halted then active, the audit log holds requested + ok rows for each. */
static void
test_halt_resume (gconstpointer data)
{
  guint index = GPOINTER_TO_UINT (data);
  const char *flavor = risk_halting[index].flavor;
  RiskFixture f = { 0 };
  g_autoptr(TwGuardRequest) halt = NULL;
  g_autoptr(TwGuardRequest) resume = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) body2 = NULL;
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) halt_rows = NULL;
  g_autoptr(GPtrArray) resume_rows = NULL;

  gboolean reported;

  risk_fixture_setup (&f, TW_MODE_PAPER, INTERVAL);
  tw_risk_monitor_start (f.monitor);
  /* AI trading (001) has no read-back of its state and no resume: its halt is checked
   * by what reaches the simulator and by the console's own last action. */
  reported = tw_trading_state_get_reported (risk_state (&f, flavor));
  g_assert_true (reported || risk_wait_healthy (&f, 10000));
  g_assert_true (!reported || risk_wait_halted (&f, flavor, FALSE, 5000));
  g_assert_true (tw_trading_state_get_can_halt (risk_state (&f, flavor)));
  g_assert_cmpint (tw_trading_state_get_can_resume (risk_state (&f, flavor)), ==, reported);
  g_assert_null (tw_trading_state_get_last_action (risk_state (&f, flavor)));
  risk_clear_requests (&f);

  /* Toward safety: one click, no reason needed. */
  halt = tw_action_runner_new_request (f.runner, "trading.halt", flavor);
  body = risk_run (&f, halt, flavor, "trading.halt", NULL, &response, &error);
  g_assert_no_error (error);
  g_assert_nonnull (body);
  g_assert_cmpuint (tw_http_response_get_status (response), ==, 200);
  g_assert_true (tw_action_runner_did_recently (f.runner, flavor, "trading.halt", 30));
  g_assert_false (tw_action_runner_is_in_flight (f.runner, flavor, "trading.halt"));

  sent = risk_changing_requests (&f, NULL);
  g_assert_cmpuint (sent->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (sent, 0), "flavor"), ==, flavor);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (sent, 0), "method"), ==,
                   risk_halting[index].halt_method);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (sent, 0), "path"), ==,
                   risk_halting[index].halt_path);
  g_assert_cmpstr (tw_trading_state_get_last_action (risk_state (&f, flavor)), ==, "trading.halt");
  g_assert_cmpstr (tw_trading_state_get_last_action_by (risk_state (&f, flavor)), ==, g_get_user_name ());
  g_assert_nonnull (tw_trading_state_get_last_action_at (risk_state (&f, flavor)));
  if (!reported)
    {
      /* Never a guessed state, after two more polls of the services that are polled
       * (this one has nothing to poll). */
      g_assert_false (tw_trading_state_get_polled (risk_state (&f, flavor)));
      g_assert_true (risk_wait_answers (&f, NULL, 2, 10 * INTERVAL));
      g_assert_cmpint (tw_trading_state_get_mode (risk_state (&f, flavor)), ==, TW_TRADING_UNKNOWN);
      halt_rows = risk_audit_rows (&f, "trading.halt");
      g_assert_cmpuint (risk_count_rows (halt_rows, TW_AUDIT_OUTCOME_OK), ==, 1);

      /* A console started later knows its last action from the audit log. */
      {
        g_autoptr(TwRiskMonitor) monitor = tw_risk_monitor_new (f.workspace);
        g_autoptr(TwActionRunner) runner = tw_action_runner_new (f.workspace, f.audit);
        TwTradingState *later = tw_risk_monitor_lookup (monitor, flavor);

        g_assert_null (tw_trading_state_get_last_action (later));
        tw_action_runner_set_risk_monitor (runner, monitor);
        g_assert_true (risk_wait (last_action_known, later, 5000));
        g_assert_cmpstr (tw_trading_state_get_last_action_by (later), ==, g_get_user_name ());
        g_assert_nonnull (tw_trading_state_get_last_action_at (later));
        risk_wait_last_ref (runner);
      }
      risk_fixture_teardown (&f);
      return;
    }
  g_assert_true (risk_wait_halted (&f, flavor, TRUE, 5000));

  /* Away from safety: a reason and the checklist (health and broker: live). */
  g_assert_true (risk_wait_healthy (&f, 10000));
  resume = risk_resume_request (&f, flavor);
  g_clear_pointer (&response, tw_http_response_unref);
  body2 = risk_run (&f, resume, flavor, "trading.resume", NULL, &response, &error);
  g_assert_no_error (error);
  g_assert_nonnull (body2);
  g_assert_true (risk_wait_halted (&f, flavor, FALSE, 5000));
  g_assert_cmpint (tw_trading_state_get_mode (risk_state (&f, flavor)), !=, TW_TRADING_HALTED);

  halt_rows = risk_audit_rows (&f, "trading.halt");
  g_assert_cmpuint (halt_rows->len, ==, 2);
  g_assert_cmpint (tw_audit_record_get_outcome (g_ptr_array_index (halt_rows, 0)), ==, TW_AUDIT_OUTCOME_REQUESTED);
  g_assert_cmpint (tw_audit_record_get_outcome (g_ptr_array_index (halt_rows, 1)), ==, TW_AUDIT_OUTCOME_OK);
  g_assert_cmpuint (tw_audit_record_get_http_status (g_ptr_array_index (halt_rows, 1)), ==, 200);
  g_assert_cmpstr (tw_audit_record_get_target (g_ptr_array_index (halt_rows, 0)), ==, flavor);
  g_assert_cmpstr (tw_audit_record_get_actor (g_ptr_array_index (halt_rows, 0)), ==, g_get_user_name ());
  g_assert_true (g_str_has_prefix (tw_audit_record_get_reason (g_ptr_array_index (halt_rows, 0)),
                                   "Halted from Trade Warden by "));
  risk_assert_audit_pairs (halt_rows);

  resume_rows = risk_audit_rows (&f, "trading.resume");
  g_assert_cmpuint (resume_rows->len, ==, 2);
  g_assert_cmpuint (risk_count_rows (resume_rows, TW_AUDIT_OUTCOME_REQUESTED), ==, 1);
  g_assert_cmpuint (risk_count_rows (resume_rows, TW_AUDIT_OUTCOME_OK), ==, 1);
  g_assert_cmpstr (tw_audit_record_get_reason (g_ptr_array_index (resume_rows, 0)), ==,
                   "Root cause fixed: bad feed replaced, tests green");
  risk_assert_audit_pairs (resume_rows);
  risk_assert_audit_valid (&f);

  risk_fixture_teardown (&f);
}

/* The guard refuses: nothing reaches the simulator, one "refused" row each. */
static void
test_guard_refuses (void)
{
  RiskFixture f = { 0 };
  g_autoptr(TwGuardRequest) no_reason = NULL;
  g_autoptr(TwGuardRequest) unticked = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;

  risk_fixture_setup (&f, TW_MODE_PAPER, INTERVAL);
  g_assert_true (risk_wait_healthy (&f, 10000));
  risk_clear_requests (&f);

  /* Resume without a reason. */
  no_reason = risk_resume_request (&f, "investiq");
  tw_guard_request_set_reason (no_reason, NULL);
  body = risk_run (&f, no_reason, "investiq", "trading.resume", NULL, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "reason"));
  g_clear_error (&error);

  /* Resume with a reason but "root cause identified" not ticked. */
  unticked = risk_resume_request (&f, "ibkr-assistant");
  tw_guard_request_set_checked (unticked, TW_GUARD_CHECK_ROOT_CAUSE, FALSE);
  body = risk_run (&f, unticked, "ibkr-assistant", "trading.resume", NULL, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_clear_error (&error);

  sent = risk_changing_requests (&f, NULL);
  g_assert_cmpuint (sent->len, ==, 0);

  rows = risk_audit_rows (&f, NULL);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpuint (risk_count_rows (rows, TW_AUDIT_OUTCOME_REFUSED), ==, 2);
  g_assert_cmpstr (tw_audit_record_get_target (g_ptr_array_index (rows, 0)), ==, "investiq");
  g_assert_cmpstr (tw_audit_record_get_target (g_ptr_array_index (rows, 1)), ==, "ibkr-assistant");
  risk_assert_audit_valid (&f);

  risk_fixture_teardown (&f);
}

static gboolean
service_not_ok (gpointer data)
{
  TwService *service = data;

  return tw_service_get_state (service) != TW_SERVICE_STATE_OK;
}

static TwService *
lookup_service (RiskFixture *f,
                const char  *id)
{
  TwService *service = tw_profile_lookup_service (f->profile, id);

  g_assert_nonnull (service);
  return service;
}

/* Health red: the runner works the live items out itself at send time. A caller that
 * ticks "health green" and "broker connected" by hand is still refused, audited as
 * refused, and nothing reaches the simulator; once the services are back it is sent. */
static void
test_guard_live_health (void)
{
  RiskFixture f = { 0 };
  g_autoptr(TwGuardRequest) resume = NULL;
  g_autoptr(TwGuardRequest) reset = NULL;
  g_autoptr(TwGuardRequest) again = NULL;
  g_autoptr(GHashTable) vars = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  TwService *autotrader;

  risk_fixture_setup (&f, TW_MODE_PAPER, INTERVAL);
  g_assert_true (risk_wait_healthy (&f, 10000));

  /* Halted first, so that a resume would really change something. */
  {
    g_autoptr(TwGuardRequest) halt = tw_action_runner_new_request (f.runner, "trading.halt", "investiq");
    g_autoptr(JsonNode) halted = risk_run (&f, halt, "investiq", "trading.halt", NULL, NULL, &error);

    g_assert_no_error (error);
  }

  /* Autotrader answers 503 to everything: the profile's health is red. */
  autotrader = lookup_service (&f, "autotrader");
  tw_test_sim_fault (f.sim, "autotrader", "{\"kind\":\"status\",\"status\":503}");
  tw_workspace_refresh (f.workspace);
  g_assert_true (risk_wait (service_not_ok, autotrader, 10000));
  risk_clear_requests (&f);

  /* A front end that ticks everything by hand, the live items too. */
  resume = risk_resume_request (&f, "investiq");
  tw_guard_request_set_checked (resume, TW_GUARD_CHECK_HEALTH_GREEN, TRUE);
  tw_guard_request_set_checked (resume, TW_GUARD_CHECK_BROKER_CONNECTED, TRUE);
  body = risk_run (&f, resume, "investiq", "trading.resume", NULL, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "All services healthy"));
  g_assert_nonnull (strstr (error->message, "Autotrader is"));
  /* The request now says what the runner found. */
  g_assert_false (tw_guard_request_get_checked (resume, TW_GUARD_CHECK_HEALTH_GREEN));
  g_clear_error (&error);

  /* An operation the connector does not have (the Autotrader resets its breakers by
   * hand, 004): refused as unsupported before anything is sent, and audited. */
  reset = tw_action_runner_new_request (f.runner, "breakers.reset", "Autotrader / coingecko_api");
  tw_guard_request_set_reason (reset, "Provider confirmed the feed is back");
  tw_guard_request_set_checked (reset, TW_GUARD_CHECK_ROOT_CAUSE, TRUE);
  g_hash_table_insert (vars, "breaker", "coingecko_api");
  body = risk_run (&f, reset, "autotrader", "breakers.reset", vars, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, TW_ERROR, TW_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* Nothing reached the simulator (its own request log), and both are audited refused. */
  sent = risk_changing_requests (&f, NULL);
  g_assert_cmpuint (sent->len, ==, 0);
  rows = risk_audit_rows (&f, "trading.resume");
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 0)), ==, TW_AUDIT_OUTCOME_REFUSED);
  g_assert_nonnull (strstr (tw_audit_record_get_message (g_ptr_array_index (rows, 0)), "Autotrader"));
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = risk_audit_rows (&f, "breakers.reset");
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 0)), ==, TW_AUDIT_OUTCOME_REFUSED);
  g_clear_pointer (&rows, g_ptr_array_unref);
  g_clear_pointer (&sent, g_ptr_array_unref);

  /* Healthy again: the same operator input goes through. */
  tw_test_sim_clear_faults (f.sim);
  g_assert_true (risk_wait_healthy (&f, 10000));
  again = risk_resume_request (&f, "investiq");
  body = risk_run (&f, again, "investiq", "trading.resume", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (body);
  sent = risk_changing_requests (&f, "investiq");
  g_assert_cmpuint (sent->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (sent, 0), "path"), ==,
                   "/api/risk/trading-halt");
  risk_assert_audit_valid (&f);

  risk_fixture_teardown (&f);
}

/* Broker not connected: InvestIQ's health reports its broker down. The runner refuses
 * a resume on InvestIQ whatever the caller ticked, and says why. */
static void
test_guard_live_broker (void)
{
  RiskFixture f = { 0 };
  g_autoptr(TwGuardRequest) resume = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;

  risk_fixture_setup (&f, TW_MODE_PAPER, INTERVAL);
  g_assert_true (risk_wait_healthy (&f, 10000));
  tw_test_sim_health (f.sim, "investiq", "{\"component\":\"alpaca\",\"status\":\"unhealthy\"}");
  tw_workspace_refresh (f.workspace);
  g_assert_true (risk_wait (service_not_ok, lookup_service (&f, "investiq"), 10000));
  risk_clear_requests (&f);

  resume = risk_resume_request (&f, "investiq");
  tw_guard_request_set_checked (resume, TW_GUARD_CHECK_HEALTH_GREEN, TRUE);
  tw_guard_request_set_checked (resume, TW_GUARD_CHECK_BROKER_CONNECTED, TRUE);
  body = risk_run (&f, resume, "investiq", "trading.resume", NULL, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "Broker connected"));
  g_assert_nonnull (strstr (error->message, "InvestIQ reports its broker"));
  g_assert_false (tw_guard_request_get_checked (resume, TW_GUARD_CHECK_BROKER_CONNECTED));

  sent = risk_changing_requests (&f, NULL);
  g_assert_cmpuint (sent->len, ==, 0);
  rows = risk_audit_rows (&f, "trading.resume");
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 0)), ==, TW_AUDIT_OUTCOME_REFUSED);
  risk_assert_audit_valid (&f);

  tw_test_sim_health (f.sim, "investiq", "{\"reset\":true}");
  risk_fixture_teardown (&f);
}

/* Audit coverage of the other risk actions, over real HTTP: each writes a "requested"
 * row before its request and an outcome row after, linked, with the server's status. */
static const struct
{
  const char *action;
  const char *flavor;
  const char *target;
  const char *breaker;     /* vars: breaker=… (NULL: none) */
  const char *method;
  const char *path;
} audited[] = {
  { "killswitch.activate",    "ibkr-assistant", "IBKR assistant", NULL, "POST", "/api/v1/kill-switch/activate" },
  { "killswitch.deactivate",  "ibkr-assistant", "IBKR assistant", NULL, "POST", "/api/v1/kill-switch/deactivate" },
  { "trading.emergency_stop", "ai-trading",     "AI trading",     NULL, "POST", "/api/trading/emergency-stop" },
};

static void
test_audit_coverage (gconstpointer data)
{
  guint index = GPOINTER_TO_UINT (data);
  const char *action = audited[index].action;
  const char *flavor = audited[index].flavor;
  RiskFixture f = { 0 };
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(GHashTable) vars = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  TwAuditRecord *requested, *outcome;

  risk_fixture_setup (&f, TW_MODE_PAPER, INTERVAL);
  g_assert_true (risk_wait_healthy (&f, 10000));
  if (audited[index].breaker != NULL)
    {
      /* A source that really tripped. */
      risk_scenario (&f, "{\"name\":\"source-outage\",\"source\":\"coingecko_api\",\"recovery_timeout\":600,"
                         "\"failure_threshold\":1}");
      g_hash_table_insert (vars, "breaker", (gpointer) audited[index].breaker);
    }
  if (g_str_equal (action, "killswitch.deactivate"))
    {
      /* Someone activated it; this console deactivates it. */
      risk_scenario (&f, "{\"name\":\"external-halt\",\"flavor\":\"ibkr-assistant\"}");
    }
  risk_clear_requests (&f);

  request = tw_action_runner_new_request (f.runner, action, audited[index].target);
  if (tw_guard_request_get_direction (request) == TW_GUARD_AWAY_FROM_SAFETY)
    {
      /* Guarded: refused first without its reason and checklist, and nothing is sent. */
      body = risk_run (&f, request, flavor, action, vars, NULL, &error);
      g_assert_null (body);
      g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
      g_clear_error (&error);
      sent = risk_changing_requests (&f, NULL);
      g_assert_cmpuint (sent->len, ==, 0);
      g_clear_pointer (&sent, g_ptr_array_unref);

      tw_guard_request_set_reason (request, "Root cause found: provider outage is over");
      tw_guard_request_set_checked (request, TW_GUARD_CHECK_ROOT_CAUSE, TRUE);
    }
  else
    g_assert_cmpint (tw_guard_request_get_direction (request), ==, TW_GUARD_TOWARD_SAFETY);

  body = risk_run (&f, request, flavor, action, vars, &response, &error);
  g_assert_no_error (error);
  g_assert_nonnull (body);
  g_assert_cmpuint (tw_http_response_get_status (response), ==, 200);

  sent = risk_changing_requests (&f, NULL);
  g_assert_cmpuint (sent->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (sent, 0), "flavor"), ==, flavor);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (sent, 0), "method"), ==,
                   audited[index].method);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (sent, 0), "path"), ==,
                   audited[index].path);

  rows = risk_audit_rows (&f, action);
  if (tw_guard_request_get_direction (request) == TW_GUARD_AWAY_FROM_SAFETY)
    {
      g_assert_cmpuint (rows->len, ==, 3);
      g_assert_cmpint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 0)), ==, TW_AUDIT_OUTCOME_REFUSED);
      g_ptr_array_remove_index (rows, 0);
    }
  g_assert_cmpuint (rows->len, ==, 2);
  requested = g_ptr_array_index (rows, 0);
  outcome = g_ptr_array_index (rows, 1);
  g_assert_cmpint (tw_audit_record_get_outcome (requested), ==, TW_AUDIT_OUTCOME_REQUESTED);
  g_assert_cmpint (tw_audit_record_get_outcome (outcome), ==, TW_AUDIT_OUTCOME_OK);
  g_assert_cmpint (tw_audit_record_get_request_id (outcome), ==, tw_audit_record_get_id (requested));
  g_assert_cmpuint (tw_audit_record_get_http_status (outcome), ==, 200);
  g_assert_cmpstr (tw_audit_record_get_target (requested), ==, audited[index].target);
  g_assert_cmpstr (tw_audit_record_get_actor (requested), ==, g_get_user_name ());
  g_assert_cmpstr (tw_audit_record_get_profile (requested), ==, RISK_PROFILE);
  if (tw_guard_request_get_direction (request) == TW_GUARD_TOWARD_SAFETY)
    g_assert_true (g_str_has_suffix (tw_audit_record_get_reason (requested), g_get_user_name ()));
  else
    g_assert_cmpstr (tw_audit_record_get_reason (requested), ==, "Root cause found: provider outage is over");
  risk_assert_audit_pairs (rows);
  risk_assert_audit_valid (&f);

  risk_fixture_teardown (&f);
}

/* In a live profile a destructive action needs the profile's name typed. */
static void
test_guard_live_typed_name (void)
{
  RiskFixture f = { 0 };
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(GHashTable) vars = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;

  risk_fixture_setup (&f, TW_MODE_LIVE, INTERVAL);
  risk_clear_requests (&f);

  request = tw_action_runner_new_request (f.runner, "positions.close", "investiq");
  g_assert_true (tw_guard_request_needs_typed_name (request));
  tw_guard_request_set_reason (request, "Flatten AAPL before the earnings call");
  tw_guard_request_set_typed_confirmation (request, "not the name");
  g_hash_table_insert (vars, "symbol", "AAPL");

  body = risk_run (&f, request, "investiq", "positions.close", vars, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);

  sent = risk_changing_requests (&f, NULL);
  g_assert_cmpuint (sent->len, ==, 0);
  rows = risk_audit_rows (&f, "positions.close");
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 0)), ==, TW_AUDIT_OUTCOME_REFUSED);
  g_assert_cmpstr (tw_audit_record_get_mode (g_ptr_array_index (rows, 0)), ==, "live");

  risk_fixture_teardown (&f);
}

/* An operation the connector lacks is refused and audited, nothing sent. */
static void
test_unsupported (void)
{
  RiskFixture f = { 0 };
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;

  risk_fixture_setup (&f, TW_MODE_PAPER, INTERVAL);
  risk_clear_requests (&f);

  request = tw_action_runner_new_request (f.runner, "trading.halt", "autotrader");
  body = risk_run (&f, request, "autotrader", "trading.halt", NULL, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, TW_ERROR, TW_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "Autotrader"));

  sent = risk_changing_requests (&f, NULL);
  g_assert_cmpuint (sent->len, ==, 0);
  rows = risk_audit_rows (&f, "trading.halt");
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 0)), ==, TW_AUDIT_OUTCOME_REFUSED);

  risk_fixture_teardown (&f);
}

/* The server refusing (409: resume while the daily loss is past its limit) is an
 * audited refusal with the server's own words; a 500 is a failure. */
static void
test_server_refuses_and_fails (void)
{
  RiskFixture f = { 0 };
  g_autoptr(TwGuardRequest) resume = NULL;
  g_autoptr(TwGuardRequest) halt = NULL;
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  TwAuditRecord *outcome;

  risk_fixture_setup (&f, TW_MODE_PAPER, INTERVAL);
  risk_scenario (&f, "{\"name\":\"daily-loss\",\"percent\":5.4}");
  g_assert_true (risk_wait_healthy (&f, 10000));

  resume = risk_resume_request (&f, "investiq");
  body = risk_run (&f, resume, "investiq", "trading.resume", NULL, &response, &error);
  g_assert_null (body);
  g_assert_error (error, TW_ERROR, TW_ERROR_CONFLICT);
  g_assert_nonnull (response);
  g_assert_cmpuint (tw_http_response_get_status (response), ==, 409);
  g_clear_error (&error);

  rows = risk_audit_rows (&f, "trading.resume");
  g_assert_cmpuint (rows->len, ==, 2);
  outcome = g_ptr_array_index (rows, 1);
  g_assert_cmpint (tw_audit_record_get_outcome (outcome), ==, TW_AUDIT_OUTCOME_REFUSED);
  g_assert_cmpuint (tw_audit_record_get_http_status (outcome), ==, 409);
  g_assert_nonnull (strstr (tw_audit_record_get_message (outcome), "Cannot resume"));
  g_clear_pointer (&rows, g_ptr_array_unref);

  tw_test_sim_fault (f.sim, "ai-trading",
                     "{\"path\":\"/api/trading/disable\",\"kind\":\"status\",\"status\":500}");
  halt = tw_action_runner_new_request (f.runner, "trading.halt", "ai-trading");
  body = risk_run (&f, halt, "ai-trading", "trading.halt", NULL, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, TW_ERROR, TW_ERROR_SERVER);

  rows = risk_audit_rows (&f, "trading.halt");
  g_assert_cmpuint (rows->len, ==, 2);
  outcome = g_ptr_array_index (rows, 1);
  g_assert_cmpint (tw_audit_record_get_outcome (outcome), ==, TW_AUDIT_OUTCOME_FAILED);
  g_assert_cmpuint (tw_audit_record_get_http_status (outcome), ==, 500);
  risk_assert_audit_valid (&f);

  risk_fixture_teardown (&f);
}

typedef struct
{
  guint on;
  guint off;
} FlightCount;

static void
on_in_flight_changed (TwActionRunner *runner,
                      const char     *service_id,
                      const char     *operation,
                      gboolean        in_flight,
                      FlightCount    *count)
{
  g_assert_cmpstr (service_id, ==, "investiq");
  g_assert_cmpstr (operation, ==, "trading.halt");
  if (in_flight)
    count->on++;
  else
    count->off++;
}

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
both_arrived (gpointer data)
{
  GAsyncResult **results = data;

  return results[0] != NULL && results[1] != NULL;
}

/* A second submit while the first is in flight is refused; one request is sent. */
static void
test_no_double_submit (void)
{
  RiskFixture f = { 0 };
  g_autoptr(TwGuardRequest) first = NULL;
  g_autoptr(TwGuardRequest) second = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body1 = NULL;
  g_autoptr(JsonNode) body2 = NULL;
  GAsyncResult *results[2] = { NULL, NULL };
  FlightCount count = { 0, 0 };

  risk_fixture_setup (&f, TW_MODE_PAPER, INTERVAL);
  tw_test_sim_fault (f.sim, "investiq",
                     "{\"path\":\"/api/risk/trading-halt\",\"kind\":\"latency\",\"latency_ms\":300}");
  risk_clear_requests (&f);
  g_signal_connect (f.runner, "in-flight-changed", G_CALLBACK (on_in_flight_changed), &count);

  first = tw_action_runner_new_request (f.runner, "trading.halt", "investiq");
  second = tw_action_runner_new_request (f.runner, "trading.halt", "investiq");
  tw_action_runner_run_async (f.runner, first, "investiq", "trading.halt", NULL, NULL,
                              on_run_done, &results[0]);
  g_assert_true (tw_action_runner_is_in_flight (f.runner, "investiq", "trading.halt"));
  g_assert_cmpuint (count.on, ==, 1);
  tw_action_runner_run_async (f.runner, second, "investiq", "trading.halt", NULL, NULL,
                              on_run_done, &results[1]);
  g_assert_true (risk_wait (both_arrived, results, 10000));

  body1 = tw_action_runner_run_finish (f.runner, results[0], NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (body1);
  body2 = tw_action_runner_run_finish (f.runner, results[1], NULL, &error);
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "already in progress"));
  g_assert_null (body2);
  g_assert_false (tw_action_runner_is_in_flight (f.runner, "investiq", "trading.halt"));
  g_assert_cmpuint (count.on, ==, 1);
  g_assert_cmpuint (count.off, ==, 1);

  sent = risk_changing_requests (&f, "investiq");
  g_assert_cmpuint (sent->len, ==, 1);
  rows = risk_audit_rows (&f, "trading.halt");
  g_assert_cmpuint (risk_count_rows (rows, TW_AUDIT_OUTCOME_REQUESTED), ==, 1);
  g_assert_cmpuint (risk_count_rows (rows, TW_AUDIT_OUTCOME_OK), ==, 1);
  g_assert_cmpuint (risk_count_rows (rows, TW_AUDIT_OUTCOME_REFUSED), ==, 1);

  g_signal_handlers_disconnect_by_data (f.runner, &count);
  g_clear_object (&results[0]);
  g_clear_object (&results[1]);
  risk_fixture_teardown (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (risk_halting); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tw/core/action-runner/halt-resume/%s",
                                               risk_halting[i].flavor);

      g_test_add_data_func (path, GUINT_TO_POINTER (i), test_halt_resume);
    }
  g_test_add_func ("/tw/core/action-runner/guard-refuses", test_guard_refuses);
  for (guint i = 0; i < G_N_ELEMENTS (audited); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tw/core/action-runner/audit/%s", audited[i].action);

      g_test_add_data_func (path, GUINT_TO_POINTER (i), test_audit_coverage);
    }
  g_test_add_func ("/tw/core/action-runner/guard-live-health", test_guard_live_health);
  g_test_add_func ("/tw/core/action-runner/guard-live-broker", test_guard_live_broker);
  g_test_add_func ("/tw/core/action-runner/guard-live-typed-name", test_guard_live_typed_name);
  g_test_add_func ("/tw/core/action-runner/unsupported", test_unsupported);
  g_test_add_func ("/tw/core/action-runner/server-refuses-and-fails", test_server_refuses_and_fails);
  g_test_add_func ("/tw/core/action-runner/no-double-submit", test_no_double_submit);

  return g_test_run ();
}
