/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-error.h"
#include "tw-risk-fixture.h"

#define INTERVAL 250

typedef struct
{
  RiskFixture    f;
  TwAlertEngine *engine;
  GPtrArray     *alerts;       /* TwAlert, in the order raised */
  guint          n_warnings;   /* the monitor's breaker-warning signals */
} Fixture;

static void
on_alert (TwAlertEngine *engine,
          TwAlert       *alert,
          Fixture       *fx)
{
  g_test_message ("alert [%s] %s — %s", tw_alert_get_key (alert), tw_alert_get_title (alert),
                  tw_alert_get_body (alert));
  g_ptr_array_add (fx->alerts, g_object_ref (alert));
}

static void
on_warning (TwRiskMonitor  *monitor,
            TwTradingState *state,
            TwBreaker      *breaker,
            Fixture        *fx)
{
  fx->n_warnings++;
}

static gboolean
all_polled (gpointer data)
{
  Fixture *fx = data;
  GListModel *states = tw_risk_monitor_get_states (fx->f.monitor);

  for (guint i = 0; i < g_list_model_get_n_items (states); i++)
    {
      g_autoptr(TwTradingState) state = g_list_model_get_item (states, i);
      g_autoptr(GDateTime) updated_at = NULL;

      g_object_get (state, "updated-at", &updated_at, NULL);
      if (updated_at == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
fixture_setup (Fixture *fx)
{
  risk_fixture_setup (&fx->f, TW_MODE_PAPER, INTERVAL);
  fx->engine = tw_alert_engine_new (fx->f.workspace, fx->f.monitor, fx->f.runner);
  fx->alerts = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (fx->engine, "alert", G_CALLBACK (on_alert), fx);
  g_signal_connect (fx->f.monitor, "breaker-warning", G_CALLBACK (on_warning), fx);

  tw_risk_monitor_start (fx->f.monitor);
  g_assert_true (risk_wait (all_polled, fx, 5000));
  /* Two more answers of every service: the baseline raised no alert. */
  g_assert_true (risk_wait_answers (&fx->f, NULL, 2, 5000));
  g_assert_cmpuint (fx->alerts->len, ==, 0);
}

static void
fixture_teardown (Fixture *fx)
{
  g_signal_handlers_disconnect_by_data (fx->f.monitor, fx);
  g_assert_finalize_object (g_steal_pointer (&fx->engine));
  g_clear_pointer (&fx->alerts, g_ptr_array_unref);
  risk_fixture_teardown (&fx->f);
}

static TwAlert *
alert_at (Fixture *fx,
          guint    i)
{
  g_assert_cmpuint (i, <, fx->alerts->len);
  return g_ptr_array_index (fx->alerts, i);
}

typedef struct
{
  Fixture *fx;
  guint    n;
} CountCheck;

static gboolean
has_n_alerts (gpointer data)
{
  CountCheck *check = data;

  return check->fx->alerts->len >= check->n;
}

static gboolean
wait_alerts (Fixture *fx,
             guint    n,
             guint    timeout_ms)
{
  CountCheck check = { fx, n };

  return risk_wait (has_n_alerts, &check, timeout_ms);
}

/* Three losses: exactly one critical alert, offering to halt everything. */
static void
test_losing_streak (void)
{
  Fixture fx = { 0 };
  TwAlert *alert;

  fixture_setup (&fx);
  risk_scenario (&fx.f, "{\"name\":\"losing-streak\"}");
  g_assert_true (wait_alerts (&fx, 1, 5000));
  /* Three more answers of every service: still the one alert. */
  g_assert_true (risk_wait_answers (&fx.f, NULL, 3, 5000));

  g_assert_cmpuint (fx.alerts->len, ==, 1);
  alert = alert_at (&fx, 0);
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_CRITICAL);
  g_assert_true (tw_alert_get_offers_halt (alert));
  g_assert_cmpstr (tw_alert_get_key (alert), ==, "trip:investiq:consecutive_losses");
  g_assert_cmpstr (tw_alert_get_title (alert), ==, "InvestIQ halted: 3 consecutive losses");
  g_assert_nonnull (strstr (tw_alert_get_body (alert), "Circuit breaker: 3 consecutive losses"));
  g_assert_cmpstr (tw_alert_get_service_id (alert), ==, "investiq");
  g_assert_cmpstr (tw_alert_get_page (alert), ==, "breakers");
  g_assert_cmpstr (tw_alert_get_category (alert), ==, "x-tradewarden.breaker");
  g_assert_nonnull (tw_alert_get_raised_at (alert));

  g_assert_cmpuint (g_list_model_get_n_items (tw_alert_engine_get_history (fx.engine)), ==, 1);

  fixture_teardown (&fx);
}

static gboolean
daily_loss_clear (gpointer data)
{
  Fixture *fx = data;
  TwBreaker *b = tw_trading_state_lookup_breaker (risk_state (&fx->f, "investiq"), "daily_loss");

  return b != NULL && tw_breaker_get_fraction (b) < 0.5;
}

typedef struct
{
  Fixture *fx;
  guint    n;
} WarnCheck;

static gboolean
has_n_warnings (gpointer data)
{
  WarnCheck *check = data;

  return check->fx->n_warnings >= check->n;
}

/* Brings the daily loss back to zero, then to @percent, and waits for the monitor's
 * @n-th breaker-warning. */
static void
loss_again (Fixture    *fx,
            const char *percent,
            guint       n)
{
  g_autofree char *json = g_strdup_printf ("{\"name\":\"daily-loss\",\"percent\":%s}", percent);
  WarnCheck check = { fx, n };

  risk_scenario (&fx->f, "{\"name\":\"reset\"}");
  tw_risk_monitor_refresh (fx->f.monitor);
  g_assert_true (risk_wait (daily_loss_clear, fx, 5000));
  risk_scenario (&fx->f, json);
  tw_risk_monitor_refresh (fx->f.monitor);
  g_assert_true (risk_wait (has_n_warnings, &check, 5000));
  /* The engine handles the warning when the monitor emits it; one more answer of
   * InvestIQ lets a late alert show up before the caller counts. */
  g_assert_true (risk_wait_answers (&fx->f, "investiq", 1, 5000));
}

/* A warning again within the rate limit is held back; with no limit it is shown. */
static void
test_warning_rate_limit (void)
{
  Fixture fx = { 0 };
  TwAlert *alert;

  fixture_setup (&fx);
  g_assert_cmpuint (tw_alert_engine_get_rate_limit (fx.engine), ==, 300);

  risk_scenario (&fx.f, "{\"name\":\"daily-loss\",\"percent\":4.2}");
  g_assert_true (wait_alerts (&fx, 1, 5000));
  alert = alert_at (&fx, 0);
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_WARNING);
  g_assert_true (tw_alert_get_offers_halt (alert));
  g_assert_cmpstr (tw_alert_get_key (alert), ==, "warn:investiq:daily_loss");
  g_assert_nonnull (strstr (tw_alert_get_title (alert), "InvestIQ"));
  g_assert_nonnull (strstr (tw_alert_get_title (alert), "daily loss"));
  g_assert_nonnull (strstr (tw_alert_get_body (alert), "4.2 %"));
  g_assert_cmpuint (tw_alert_engine_get_n_suppressed (fx.engine), ==, 0);

  /* The same warning again: the monitor tells it, the engine holds it back. */
  loss_again (&fx, "4.3", 2);
  g_assert_cmpuint (fx.alerts->len, ==, 1);
  g_assert_cmpuint (tw_alert_engine_get_n_suppressed (fx.engine), ==, 1);

  /* Without a rate limit it is shown. */
  tw_alert_engine_set_rate_limit (fx.engine, 0);
  loss_again (&fx, "4.4", 3);
  g_assert_cmpuint (fx.alerts->len, ==, 2);
  g_assert_cmpstr (tw_alert_get_key (alert_at (&fx, 1)), ==, "warn:investiq:daily_loss");
  g_assert_cmpuint (g_list_model_get_n_items (tw_alert_engine_get_history (fx.engine)), ==, 2);

  fixture_teardown (&fx);
}

/* Trip, guarded resume (the reset), trip again within the hour: critical "re-tripped". */
static void
test_retrip (void)
{
  Fixture fx = { 0 };
  g_autoptr(TwGuardRequest) resume = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TwAlert) newest = NULL;
  TwAlert *alert;

  fixture_setup (&fx);
  risk_scenario (&fx.f, "{\"name\":\"losing-streak\"}");
  g_assert_true (wait_alerts (&fx, 1, 5000));
  g_assert_true (risk_wait_halted (&fx.f, "investiq", TRUE, 5000));

  g_assert_true (risk_wait_healthy (&fx.f, 10000));
  resume = risk_resume_request (&fx.f, "investiq");
  body = risk_run (&fx.f, resume, "investiq", "trading.resume", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (risk_wait_halted (&fx.f, "investiq", FALSE, 5000));
  /* Two more answers of every service after the resume: no alert for it. */
  g_assert_true (risk_wait_answers (&fx.f, NULL, 2, 5000));
  g_assert_cmpuint (fx.alerts->len, ==, 1);

  risk_scenario (&fx.f, "{\"name\":\"losing-streak\"}");
  g_assert_true (wait_alerts (&fx, 2, 5000));
  /* Three more answers: the re-trip is alerted once. */
  g_assert_true (risk_wait_answers (&fx.f, NULL, 3, 5000));

  g_assert_cmpuint (fx.alerts->len, ==, 2);
  alert = alert_at (&fx, 1);
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_CRITICAL);
  g_assert_cmpstr (tw_alert_get_key (alert), ==, "retrip:investiq:consecutive_losses");
  g_assert_nonnull (strstr (tw_alert_get_title (alert), "re-tripped"));
  g_assert_nonnull (strstr (tw_alert_get_body (alert), "page the whole team"));
  g_assert_true (tw_alert_get_offers_halt (alert));

  /* Newest first in the history. */
  newest = g_list_model_get_item (tw_alert_engine_get_history (fx.engine), 0);
  g_assert_true (newest == alert);

  fixture_teardown (&fx);
}

/* A halt or kill switch set by someone else is critical; our own halt is not an alert. */
static void
test_external_halt (void)
{
  Fixture fx = { 0 };
  g_autoptr(TwGuardRequest) halt = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  TwAlert *alert;

  fixture_setup (&fx);

  /* Ours first: nothing. */
  halt = tw_action_runner_new_request (fx.f.runner, "trading.halt", "alpaca");
  body = risk_run (&fx.f, halt, "alpaca", "trading.halt", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (risk_wait_halted (&fx.f, "alpaca", TRUE, 5000));
  /* Three more answers of every service showing our halt: no alert for it. */
  g_assert_true (risk_wait_answers (&fx.f, NULL, 3, 5000));
  g_assert_cmpuint (fx.alerts->len, ==, 0);

  risk_scenario (&fx.f, "{\"name\":\"external-halt\",\"flavor\":\"investiq\",\"by\":\"ops-oncall\","
                        "\"reason\":\"Broker maintenance window\"}");
  g_assert_true (wait_alerts (&fx, 1, 5000));
  alert = alert_at (&fx, 0);
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_CRITICAL);
  g_assert_cmpstr (tw_alert_get_key (alert), ==, "halt:investiq");
  g_assert_cmpstr (tw_alert_get_title (alert), ==, "InvestIQ halted by ops-oncall");
  g_assert_nonnull (strstr (tw_alert_get_body (alert), "Broker maintenance window"));
  g_assert_false (tw_alert_get_offers_halt (alert));

  risk_scenario (&fx.f, "{\"name\":\"external-halt\",\"flavor\":\"ibkr-assistant\",\"by\":\"ops-oncall\","
                        "\"reason\":\"Suspicious fills\"}");
  g_assert_true (wait_alerts (&fx, 2, 5000));
  alert = alert_at (&fx, 1);
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_CRITICAL);
  g_assert_cmpstr (tw_alert_get_title (alert), ==, "IBKR assistant kill switch activated by ops-oncall");

  /* Three more answers of every service: one alert per external halt. */
  g_assert_true (risk_wait_answers (&fx.f, NULL, 3, 5000));
  g_assert_cmpuint (fx.alerts->len, ==, 2);

  fixture_teardown (&fx);
}

/* A service that stops answering: one warning after "unreachable-after". */
static void
test_unreachable (void)
{
  Fixture fx = { 0 };
  TwAlert *alert;
  gint64 start;

  fixture_setup (&fx);
  g_object_set (fx.engine, "unreachable-after", 2, NULL);
  tw_workspace_start (fx.f.workspace);
  /* AI trading's health known before it stops answering. */
  tw_test_wait_until (tw_service_get_state (tw_profile_lookup_service (fx.f.profile, "ai-trading"))
                      == TW_SERVICE_STATE_OK, 5000);

  tw_test_sim_fault (fx.f.sim, "ai-trading", "{\"path\":\"*\",\"kind\":\"drop\"}");
  start = g_get_monotonic_time ();
  g_assert_true (wait_alerts (&fx, 1, 8000));
  g_test_message ("unreachable alert after %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 2 * G_USEC_PER_SEC - INTERVAL * 1000);

  alert = alert_at (&fx, 0);
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_WARNING);
  g_assert_cmpstr (tw_alert_get_key (alert), ==, "unreachable:ai-trading");
  g_assert_cmpstr (tw_alert_get_page (alert), ==, "overview");
  g_assert_nonnull (strstr (tw_alert_get_title (alert), "AI trading unreachable"));
  g_assert_false (tw_alert_get_offers_halt (alert));

  /* Ten more answers of InvestIQ (2.5 s, past two of the engine's once-a-second checks):
   * still one alert for the outage that goes on. */
  g_assert_true (risk_wait_answers (&fx.f, "investiq", 10, 10000));
  g_assert_cmpuint (fx.alerts->len, ==, 1);

  fixture_teardown (&fx);
}

/* A service answering 5xx: one warning after "server-error-after", naming the status. */
static void
test_server_errors (void)
{
  Fixture fx = { 0 };
  TwAlert *alert;
  gint64 start;
  guint after = 0;

  fixture_setup (&fx);
  g_object_get (fx.engine, "server-error-after", &after, NULL);
  g_assert_cmpuint (after, ==, 30);
  g_object_set (fx.engine, "server-error-after", 2, NULL);
  tw_workspace_start (fx.f.workspace);
  tw_test_wait_until (tw_service_get_state (tw_profile_lookup_service (fx.f.profile, "ai-trading"))
                      == TW_SERVICE_STATE_OK, 5000);

  tw_test_sim_fault (fx.f.sim, "ai-trading", "{\"path\":\"/api/health\",\"kind\":\"status\",\"status\":500}");
  start = g_get_monotonic_time ();
  g_assert_true (wait_alerts (&fx, 1, 8000));
  g_test_message ("server-error alert after %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 2 * G_USEC_PER_SEC - INTERVAL * 1000);
  alert = alert_at (&fx, 0);
  g_assert_cmpstr (tw_alert_get_key (alert), ==, "server-error:ai-trading");
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_WARNING);
  g_assert_nonnull (strstr (tw_alert_get_title (alert), "AI trading has answered with server errors"));
  g_assert_nonnull (strstr (tw_alert_get_body (alert), "500"));

  /* The same episode: no second alert. */
  g_assert_true (risk_wait_answers (&fx.f, "investiq", 10, 10000));
  g_assert_cmpuint (fx.alerts->len, ==, 1);

  fixture_teardown (&fx);
}

/* A Halt All that did not halt everything: critical, offering Halt All again, once per
 * failure until a Halt All reaches everything. */
static void
test_halt_failure (void)
{
  Fixture fx = { 0 };
  TwAlert *alert;

  fixture_setup (&fx);
  tw_alert_engine_raise_halt_failure (fx.engine, "AI trading: NOT HALTED — 503");
  g_assert_cmpuint (fx.alerts->len, ==, 1);
  alert = alert_at (&fx, 0);
  g_assert_cmpstr (tw_alert_get_key (alert), ==, "halt-failed");
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_CRITICAL);
  g_assert_true (tw_alert_get_offers_halt (alert));
  g_assert_cmpstr (tw_alert_get_page (alert), ==, "breakers");
  g_assert_nonnull (strstr (tw_alert_get_body (alert), "AI trading"));

  tw_alert_engine_raise_halt_failure (fx.engine, "AI trading: NOT HALTED — 503");
  g_assert_cmpuint (fx.alerts->len, ==, 1);
  tw_alert_engine_raise_halt_failure (fx.engine, NULL);
  tw_alert_engine_raise_halt_failure (fx.engine, "IBKR assistant: NOT HALTED — 502");
  g_assert_cmpuint (fx.alerts->len, ==, 2);

  fixture_teardown (&fx);
}

typedef struct
{
  Fixture    *fx;
  const char *key;
} KeyCheck;

static gboolean
has_alert_key (gpointer data)
{
  KeyCheck *check = data;

  for (guint i = 0; i < check->fx->alerts->len; i++)
    if (g_str_equal (tw_alert_get_key (alert_at (check->fx, i)), check->key))
      return TRUE;
  return FALSE;
}

static guint
count_key (Fixture    *fx,
           const char *key)
{
  guint n = 0;

  for (guint i = 0; i < fx->alerts->len; i++)
    if (g_str_equal (tw_alert_get_key (alert_at (fx, i)), key))
      n++;
  return n;
}

/* An Autotrader source that stays down: it trips (critical), goes HALF_OPEN after its
 * recovery timeout, its trial call fails and it re-opens: one warning that names it,
 * and no second one within the rate limit though it keeps re-opening. */
static void
test_source_reopen (void)
{
  Fixture fx = { 0 };
  KeyCheck check = { &fx, "trip:autotrader:polygon" };
  TwAlert *alert = NULL;

  fixture_setup (&fx);
  risk_scenario (&fx.f, "{\"name\":\"source-outage\",\"source\":\"polygon\",\"recovery_timeout\":1,"
                        "\"failure_threshold\":2}");
  g_assert_true (risk_wait (has_alert_key, &check, 10000));
  check.key = "reopen:autotrader:polygon";
  g_assert_true (risk_wait (has_alert_key, &check, 15000));
  for (guint i = 0; i < fx.alerts->len; i++)
    if (g_str_equal (tw_alert_get_key (alert_at (&fx, i)), "reopen:autotrader:polygon"))
      alert = alert_at (&fx, i);
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_WARNING);
  g_assert_cmpstr (tw_alert_get_service_id (alert), ==, "autotrader");
  g_assert_cmpstr (tw_alert_get_page (alert), ==, "breakers");
  g_assert_nonnull (strstr (tw_alert_get_title (alert), "polygon breaker re-opened"));
  g_assert_nonnull (strstr (tw_alert_get_body (alert), "still down"));

  /* It keeps re-opening every second or so: rate-limited to one. */
  tw_test_wait_until (tw_alert_engine_get_n_suppressed (fx.engine) >= 1, 10000);
  g_assert_cmpuint (count_key (&fx, "reopen:autotrader:polygon"), ==, 1);
  g_assert_cmpuint (count_key (&fx, "trip:autotrader:polygon"), ==, 1);

  /* The source recovers: closed, and no re-open alert for it. */
  risk_scenario (&fx.f, "{\"name\":\"source-recover\",\"source\":\"polygon\"}");
  tw_risk_monitor_refresh (fx.f.monitor);
  tw_test_wait_until (tw_breaker_get_state (tw_trading_state_lookup_breaker (risk_state (&fx.f, "autotrader"),
                                                                            "polygon"))
                      == TW_BREAKER_CLOSED, 10000);
  /* Three more answers of Autotrader with the breaker closed: no re-open alert. */
  g_assert_true (risk_wait_answers (&fx.f, "autotrader", 3, 5000));
  g_assert_cmpuint (count_key (&fx, "reopen:autotrader:polygon"), ==, 1);

  fixture_teardown (&fx);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/alert-engine/losing-streak", test_losing_streak);
  g_test_add_func ("/tw/core/alert-engine/warning-rate-limit", test_warning_rate_limit);
  g_test_add_func ("/tw/core/alert-engine/retrip", test_retrip);
  g_test_add_func ("/tw/core/alert-engine/external-halt", test_external_halt);
  g_test_add_func ("/tw/core/alert-engine/unreachable", test_unreachable);
  g_test_add_func ("/tw/core/alert-engine/server-errors", test_server_errors);
  g_test_add_func ("/tw/core/alert-engine/halt-failure", test_halt_failure);
  g_test_add_func ("/tw/core/alert-engine/source-reopen", test_source_reopen);

  return g_test_run ();
}
