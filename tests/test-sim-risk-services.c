/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "test-sim-risk-fixture.h"

/* The simulator's risk controls (risk-wire.md), part two: AI trading's switch and
 * emergency stop, the Autotrader's source breakers and their clock, Alpaca's account
 * configurations, the scenarios. */

/* ---- AI trading ---- */

static void
test_ai_trading (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;

  assert_answer (f, "ai-trading", "GET", "/api/trading/status", NULL, 200,
                 "{\"trading_enabled\":true,\"emergency_stop\":false,\"reason\":null,"
                 "\"changed_at\":null,\"changed_by\":null}");

  assert_answer (f, "ai-trading", "POST", "/api/trading/disable",
                 "{\"reason\":\"model drift\",\"by\":\"ops\"}", 200,
                 "{\"trading_enabled\":false,\"message\":\"Auto-trading disabled\"}");
  node = get_ok (f, "ai-trading", "/api/trading/status");
  o = json_node_get_object (node);
  g_assert_false (json_object_get_boolean_member (o, "trading_enabled"));
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "model drift");
  g_assert_cmpstr (json_object_get_string_member (o, "changed_by"), ==, "ops");
  assert_rfc3339 (json_object_get_string_member (o, "changed_at"));
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "ai-trading", "/api/health");
  g_assert_false (json_object_get_boolean_member (json_node_get_object (node), "trading_enabled"));

  /* enable without a body */
  assert_answer (f, "ai-trading", "POST", "/api/trading/enable", NULL, 200,
                 "{\"trading_enabled\":true,\"message\":\"Auto-trading enabled\"}");
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "ai-trading", "/api/health");
  g_assert_true (json_object_get_boolean_member (json_node_get_object (node), "trading_enabled"));

  /* emergency stop: closes what is open, once */
  assert_answer (f, "ai-trading", "POST", "/api/trading/emergency-stop", NULL, 200,
                 "{\"status\":\"emergency_stop\",\"trading_enabled\":false,"
                 "\"positions_closed\":4,\"orders_cancelled\":2}");
  assert_answer (f, "ai-trading", "POST", "/api/trading/emergency-stop", "{}", 200,
                 "{\"status\":\"emergency_stop\",\"trading_enabled\":false,"
                 "\"positions_closed\":0,\"orders_cancelled\":0}");
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "ai-trading", "/api/trading/status");
  o = json_node_get_object (node);
  g_assert_true (json_object_get_boolean_member (o, "emergency_stop"));
  g_assert_false (json_object_get_boolean_member (o, "trading_enabled"));
  g_assert_cmpstr (json_object_get_string_member (o, "changed_by"), ==, "api");

  /* enable clears the emergency stop */
  assert_answer (f, "ai-trading", "POST", "/api/trading/enable",
                 "{\"reason\":\"all clear\"}", 200, NULL);
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "ai-trading", "/api/trading/status");
  o = json_node_get_object (node);
  g_assert_false (json_object_get_boolean_member (o, "emergency_stop"));
  g_assert_true (json_object_get_boolean_member (o, "trading_enabled"));

  /* wrong input */
  assert_answer (f, "ai-trading", "POST", "/api/trading/disable", "{\"reason\":{}}", 422,
                 "{\"detail\":[{\"loc\":[\"body\",\"reason\"],\"msg\":\"str type expected\","
                 "\"type\":\"type_error.str\"}]}");
  assert_answer (f, "ai-trading", "POST", "/api/trading/disable", "{oops", 422, NULL);
  assert_answer (f, "ai-trading", "GET", "/api/trading/disable", NULL, 405,
                 "{\"detail\":\"Method Not Allowed\"}");
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "ai-trading", "/api/trading/status");
  g_assert_true (json_object_get_boolean_member (json_node_get_object (node), "trading_enabled"));
  {
    g_autoptr(TwTestAnswer) a = tw_test_sim_fetch (f->sim, "ai-trading", "POST",
                                                   "/api/trading/disable", TW_TEST_AUTH_NONE);

    g_assert_cmpuint (a->status, ==, 403);
  }
}

/* ---- Autotrader ---- */

static JsonObject *
source_of (JsonNode   *node,
           const char *name)
{
  JsonObject *breakers = json_object_get_object_member (json_node_get_object (node), "breakers");

  return json_object_get_object_member (breakers, name);
}

static void
test_autotrader_routes (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(JsonNode) node = get_ok (f, "autotrader", "/api/health/circuit-breakers");
  JsonObject *breakers = json_object_get_object_member (json_node_get_object (node), "breakers");
  static const char * const sources[] = { "polygon", "alpaca_data", "news_api", NULL };

  g_assert_cmpuint (json_object_get_size (json_node_get_object (node)), ==, 1);
  g_assert_cmpuint (json_object_get_size (breakers), ==, 3);
  for (guint i = 0; sources[i] != NULL; i++)
    {
      g_autoptr(JsonNode) one = json_node_init_object (json_node_alloc (),
                                                       json_object_get_object_member (breakers, sources[i]));
      g_autofree char *text = json_to_string (one, FALSE);

      g_assert_cmpstr (text, ==,
                       "{\"state\":\"CLOSED\",\"failure_count\":0,\"failure_threshold\":5,"
                       "\"recovery_timeout_seconds\":30,\"last_failure_at\":null,"
                       "\"opened_at\":null}");
    }

  assert_answer (f, "autotrader", "POST", "/api/health/circuit-breakers/polygon/reset", NULL, 200,
                 "{\"source\":\"polygon\",\"state\":\"CLOSED\",\"failure_count\":0}");
  assert_answer (f, "autotrader", "POST", "/api/health/circuit-breakers/x/reset", NULL, 404,
                 "{\"detail\":\"Unknown source 'x'\"}");
  assert_answer (f, "autotrader", "GET", "/api/health/circuit-breakers/polygon/reset", NULL, 405,
                 NULL);

  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "autotrader", "/api/health/rate-limits");
  {
    JsonObject *providers = json_object_get_object_member (json_node_get_object (node), "providers");
    JsonObject *p = json_object_get_object_member (providers, "polygon");

    g_assert_cmpuint (json_object_get_size (providers), ==, 3);
    g_assert_cmpint (json_object_get_int_member (p, "used"), ==, 120);
    g_assert_cmpint (json_object_get_int_member (p, "limit"), ==, 200);
    g_assert_cmpint (json_object_get_int_member (p, "window_seconds"), ==, 60);
    assert_double (p, "usage_percent", 60.0);
    for (guint i = 0; sources[i] != NULL; i++)
      g_assert_true (json_object_has_member (providers, sources[i]));
  }
}

/* The failure count Autotrader reports for @source. */
static gint64
source_failures (Fixture    *f,
                 const char *source)
{
  g_autoptr(JsonNode) node = get_ok (f, "autotrader", "/api/health/circuit-breakers");

  return json_object_get_int_member (source_of (node, source), "failure_count");
}

/* Polls the breakers every 50 ms until @source is in @state; the elapsed seconds. */
static double
wait_for_state (Fixture    *f,
                const char *source,
                const char *state,
                double      timeout_s)
{
  gint64 start = g_get_monotonic_time ();

  while (g_get_monotonic_time () - start < timeout_s * G_USEC_PER_SEC)
    {
      g_autoptr(JsonNode) node = get_ok (f, "autotrader", "/api/health/circuit-breakers");

      if (g_str_equal (json_object_get_string_member (source_of (node, source), "state"), state))
        return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
      g_usleep (50 * 1000);
    }
  g_error ("The %s breaker did not reach %s within %.1f s", source, state, timeout_s);
}

static void
test_autotrader_timers (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *first_opened = NULL;
  JsonObject *s;
  double t;

  tw_test_sim_scenario (f->sim, "{\"name\":\"source-outage\",\"source\":\"polygon\","
                                "\"recovery_timeout\":1}");
  /* five failed calls, 200 ms apart */
  t = wait_for_state (f, "polygon", "OPEN", 3.0);
  g_assert_cmpfloat (t, >=, 0.5);
  node = get_ok (f, "autotrader", "/api/health/circuit-breakers");
  s = source_of (node, "polygon");
  g_assert_cmpint (json_object_get_int_member (s, "failure_count"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (s, "recovery_timeout_seconds"), ==, 1);
  assert_rfc3339 (json_object_get_string_member (s, "opened_at"));
  assert_rfc3339 (json_object_get_string_member (s, "last_failure_at"));
  first_opened = g_strdup (json_object_get_string_member (s, "opened_at"));
  /* the others are untouched */
  g_assert_cmpstr (json_object_get_string_member (source_of (node, "news_api"), "state"), ==, "CLOSED");

  /* still failing: HALF_OPEN after the timeout, the probe fails, OPEN again */
  t = wait_for_state (f, "polygon", "HALF_OPEN", 2.0);
  g_assert_cmpfloat (t, >=, 0.5);
  wait_for_state (f, "polygon", "OPEN", 2.0);
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "autotrader", "/api/health/circuit-breakers");
  s = source_of (node, "polygon");
  g_assert_cmpstr (json_object_get_string_member (s, "opened_at"), !=, first_opened);
  g_assert_cmpint (json_object_get_int_member (s, "failure_count"), ==, 6);

  /* recovered: HALF_OPEN after the timeout, then the next probe closes it */
  tw_test_sim_scenario (f->sim, "{\"name\":\"source-recover\",\"source\":\"polygon\"}");
  wait_for_state (f, "polygon", "HALF_OPEN", 2.0);
  t = wait_for_state (f, "polygon", "CLOSED", 2.0);
  g_assert_cmpfloat (t, >=, 0.5);
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "autotrader", "/api/health/circuit-breakers");
  s = source_of (node, "polygon");
  g_assert_cmpint (json_object_get_int_member (s, "failure_count"), ==, 0);
  g_assert_true (member_is_null (s, "opened_at"));

  /* a guarded reset closes an OPEN breaker at once */
  tw_test_sim_scenario (f->sim, "{\"name\":\"source-outage\",\"source\":\"news_api\","
                                "\"recovery_timeout\":30}");
  wait_for_state (f, "news_api", "OPEN", 3.0);
  tw_test_sim_scenario (f->sim, "{\"name\":\"source-recover\",\"source\":\"news_api\"}");
  assert_answer (f, "autotrader", "POST", "/api/health/circuit-breakers/news_api/reset", NULL, 200,
                 "{\"source\":\"news_api\",\"state\":\"CLOSED\",\"failure_count\":0}");
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "autotrader", "/api/health/circuit-breakers");
  g_assert_cmpstr (json_object_get_string_member (source_of (node, "news_api"), "state"), ==, "CLOSED");
}

/* ---- Alpaca ---- */

#define DEFAULT_CONFIG \
  "{\"dtbp_check\":\"entry\",\"trade_confirm_email\":\"all\",\"suspend_trade\":false," \
  "\"no_shorting\":false,\"fractional_trading\":true,\"max_margin_multiplier\":\"4\"," \
  "\"pdt_check\":\"entry\"}"

static gboolean
account_suspended (Fixture *f)
{
  g_autoptr(JsonNode) node = get_ok (f, "alpaca", "/v2/account");

  return json_object_get_boolean_member (json_node_get_object (node), "trade_suspended_by_user");
}

static void
test_alpaca_configurations (Fixture       *f,
                            gconstpointer  data)
{
  assert_answer (f, "alpaca", "GET", "/v2/account/configurations", NULL, 200, DEFAULT_CONFIG);
  g_assert_false (account_suspended (f));

  assert_answer (f, "alpaca", "PATCH", "/v2/account/configurations", "{\"suspend_trade\":true}", 200,
                 "{\"dtbp_check\":\"entry\",\"trade_confirm_email\":\"all\",\"suspend_trade\":true,"
                 "\"no_shorting\":false,\"fractional_trading\":true,\"max_margin_multiplier\":\"4\","
                 "\"pdt_check\":\"entry\"}");
  g_assert_true (account_suspended (f));

  /* a bad value: 400 and nothing changes, even the good part */
  assert_answer (f, "alpaca", "PATCH", "/v2/account/configurations",
                 "{\"suspend_trade\":\"yes\"}", 400,
                 "{\"code\":40010001,\"message\":\"invalid value for suspend_trade\"}");
  assert_answer (f, "alpaca", "PATCH", "/v2/account/configurations",
                 "{\"suspend_trade\":false,\"dtbp_check\":\"sometimes\"}", 400,
                 "{\"code\":40010001,\"message\":\"invalid value for dtbp_check\"}");
  assert_answer (f, "alpaca", "PATCH", "/v2/account/configurations", "suspend", 400,
                 "{\"code\":40010000,\"message\":\"request body format is invalid\"}");
  g_assert_true (account_suspended (f));

  assert_answer (f, "alpaca", "PATCH", "/v2/account/configurations",
                 "{\"suspend_trade\":false,\"pdt_check\":\"both\",\"max_margin_multiplier\":\"2\"}",
                 200,
                 "{\"dtbp_check\":\"entry\",\"trade_confirm_email\":\"all\",\"suspend_trade\":false,"
                 "\"no_shorting\":false,\"fractional_trading\":true,\"max_margin_multiplier\":\"2\","
                 "\"pdt_check\":\"both\"}");
  g_assert_false (account_suspended (f));

  {
    g_autoptr(TwTestAnswer) a = tw_test_sim_fetch (f->sim, "alpaca", "GET",
                                                   "/v2/account/configurations", TW_TEST_AUTH_WRONG);

    g_assert_cmpuint (a->status, ==, 401);
  }
}

/* ---- scenarios ---- */

static void
test_scenario_external_halt (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(JsonNode) iq = NULL;
  g_autoptr(JsonNode) ks = NULL;
  g_autoptr(JsonNode) ai = NULL;
  JsonObject *o;

  tw_test_sim_scenario (f->sim, "{\"name\":\"external-halt\",\"flavor\":\"investiq\","
                                "\"by\":\"ops-oncall\",\"reason\":\"exchange outage\"}");
  tw_test_sim_scenario (f->sim, "{\"name\":\"external-halt\",\"flavor\":\"ibkr-assistant\","
                                "\"by\":\"ops-oncall\",\"reason\":\"exchange outage\"}");
  tw_test_sim_scenario (f->sim, "{\"name\":\"external-halt\",\"flavor\":\"ai-trading\","
                                "\"by\":\"ops-oncall\",\"reason\":\"exchange outage\"}");
  tw_test_sim_scenario (f->sim, "{\"name\":\"external-halt\",\"flavor\":\"alpaca\","
                                "\"by\":\"ops-oncall\"}");

  iq = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  o = json_node_get_object (iq);
  g_assert_true (json_object_get_boolean_member (o, "trading_halted"));
  g_assert_cmpstr (json_object_get_string_member (o, "halted_by"), ==, "ops-oncall");
  g_assert_cmpstr (json_object_get_string_member (o, "halt_reason"), ==, "exchange outage");
  ks = get_ok (f, "ibkr-assistant", "/api/v1/kill-switch/status");
  o = json_node_get_object (ks);
  g_assert_true (json_object_get_boolean_member (o, "enabled"));
  g_assert_cmpstr (json_object_get_string_member (o, "activated_by"), ==, "ops-oncall");
  ai = get_ok (f, "ai-trading", "/api/trading/status");
  o = json_node_get_object (ai);
  g_assert_false (json_object_get_boolean_member (o, "trading_enabled"));
  g_assert_cmpstr (json_object_get_string_member (o, "changed_by"), ==, "ops-oncall");
  g_assert_true (account_suspended (f));

  /* reset: back to the start everywhere */
  tw_test_sim_scenario (f->sim, "{\"name\":\"source-outage\",\"source\":\"alpaca_data\"}");
  tw_test_sim_scenario (f->sim, "{\"name\":\"losing-streak\"}");
  tw_test_sim_scenario (f->sim, "{\"name\":\"reset\"}");
  assert_answer (f, "ibkr-assistant", "GET", "/api/v1/kill-switch/status", NULL, 200,
                 "{\"enabled\":false,\"reason\":null,\"activated_at\":null,"
                 "\"activated_by\":null,\"source\":\"file\"}");
  assert_answer (f, "ai-trading", "GET", "/api/trading/status", NULL, 200,
                 "{\"trading_enabled\":true,\"emergency_stop\":false,\"reason\":null,"
                 "\"changed_at\":null,\"changed_by\":null}");
  assert_answer (f, "alpaca", "GET", "/v2/account/configurations", NULL, 200, DEFAULT_CONFIG);
  g_assert_false (account_suspended (f));
  g_clear_pointer (&iq, json_node_unref);
  iq = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  o = json_node_get_object (iq);
  g_assert_false (json_object_get_boolean_member (o, "trading_halted"));
  g_assert_cmpint (json_object_get_int_member (o, "consecutive_losses"), ==, 0);
  assert_double (o, "current_equity", 100250.37);
  /* The outage of alpaca_data is gone, not only its count: 1.2 s of the simulator's
   * time takes it past its next call (1 s after the reset). */
  tw_test_sim_wait_ticks (f->sim, 1200);
  g_assert_cmpint (source_failures (f, "alpaca_data"), ==, 0);
}

/* account-blocks: Alpaca's own blocks on the account, as GET /v2/account shows them;
 * reset lifts them. */
static void
test_scenario_account_blocks (Fixture       *f,
                            gconstpointer  data)
{
  JsonObject *o;

  tw_test_sim_scenario (f->sim, "{\"name\":\"account-blocks\",\"trading_blocked\":true}");
  {
    g_autoptr(JsonNode) account = get_ok (f, "alpaca", "/v2/account");

    o = json_node_get_object (account);
    g_assert_true (json_object_get_boolean_member (o, "trading_blocked"));
    g_assert_false (json_object_get_boolean_member (o, "account_blocked"));
  }
  tw_test_sim_scenario (f->sim, "{\"name\":\"account-blocks\",\"account_blocked\":true}");
  {
    g_autoptr(JsonNode) account = get_ok (f, "alpaca", "/v2/account");

    o = json_node_get_object (account);
    g_assert_true (json_object_get_boolean_member (o, "trading_blocked"));
    g_assert_true (json_object_get_boolean_member (o, "account_blocked"));
  }
  assert_answer (f, "investiq", "POST", "/_sim/scenario", "{\"name\":\"account-blocks\"}", 400, NULL);
  assert_answer (f, "investiq", "POST", "/_sim/scenario",
                 "{\"name\":\"account-blocks\",\"trading_blocked\":\"yes\"}", 400, NULL);
  tw_test_sim_scenario (f->sim, "{\"name\":\"reset\"}");
  {
    g_autoptr(JsonNode) account = get_ok (f, "alpaca", "/v2/account");

    o = json_node_get_object (account);
    g_assert_false (json_object_get_boolean_member (o, "trading_blocked"));
    g_assert_false (json_object_get_boolean_member (o, "account_blocked"));
  }
}

static void
test_scenario_errors (Fixture       *f,
                      gconstpointer  data)
{
  guint status = 0;
  g_autofree char *text = NULL;

  text = tw_test_sim_request_text (f->sim, "autotrader", "POST", "/_sim/scenario",
                                   "{\"name\":\"meteor\"}", &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_nonnull (strstr (text, "Unknown scenario"));
  g_assert_nonnull (strstr (text, "losing-streak"));
  assert_answer (f, "investiq", "POST", "/_sim/scenario", "{\"name\":\"losing-streak\"}", 200,
                 "{\"scenario\":\"losing-streak\",\"ok\":true}");
  assert_answer (f, "investiq", "POST", "/_sim/scenario",
                 "{\"name\":\"external-halt\",\"flavor\":\"autotrader\"}", 400, NULL);
  assert_answer (f, "investiq", "POST", "/_sim/scenario",
                 "{\"name\":\"source-outage\",\"source\":\"bloomberg\"}", 400, NULL);
  assert_answer (f, "investiq", "POST", "/_sim/scenario", "{\"name\":\"trade\"}", 400, NULL);
  assert_answer (f, "investiq", "POST", "/_sim/scenario",
                 "{\"name\":\"daily-loss\",\"percent\":\"lots\"}", 400, NULL);
  assert_answer (f, "investiq", "POST", "/_sim/scenario", "not json", 400, NULL);
  assert_answer (f, "investiq", "GET", "/_sim/scenario", NULL, 405, NULL);
  /* the control API is not in the request log */
  {
    g_autoptr(JsonNode) log = tw_test_sim_requests (f->sim);

    g_assert_cmpuint (json_array_get_length (json_node_get_array (log)), ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/tw/sim/risk/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("ai-trading/switch", test_ai_trading);
  ADD ("autotrader/routes", test_autotrader_routes);
  ADD ("autotrader/timers", test_autotrader_timers);
  ADD ("alpaca/configurations", test_alpaca_configurations);
  ADD ("scenario/external-halt-and-reset", test_scenario_external_halt);
  ADD ("scenario/account-blocks", test_scenario_account_blocks);
  ADD ("scenario/errors", test_scenario_errors);

#undef ADD

  return g_test_run ();
}
