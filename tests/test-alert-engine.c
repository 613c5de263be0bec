/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-alert-private.h"
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

      /* AI trading (001) has no call that reads its state back: nothing to poll. */
      if (!tw_trading_state_get_polled (state))
        continue;
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
  g_assert_nonnull (strstr (tw_alert_get_body (alert), "3 consecutive losses"));
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
  KeyCheck check = { &fx, "trip:autotrader:coingecko_api" };
  TwAlert *alert = NULL;

  fixture_setup (&fx);
  risk_scenario (&fx.f, "{\"name\":\"source-outage\",\"source\":\"coingecko_api\",\"recovery_timeout\":1,"
                        "\"failure_threshold\":2}");
  g_assert_true (risk_wait (has_alert_key, &check, 10000));
  check.key = "reopen:autotrader:coingecko_api";
  g_assert_true (risk_wait (has_alert_key, &check, 15000));
  for (guint i = 0; i < fx.alerts->len; i++)
    if (g_str_equal (tw_alert_get_key (alert_at (&fx, i)), "reopen:autotrader:coingecko_api"))
      alert = alert_at (&fx, i);
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_WARNING);
  g_assert_cmpstr (tw_alert_get_service_id (alert), ==, "autotrader");
  g_assert_cmpstr (tw_alert_get_page (alert), ==, "breakers");
  g_assert_nonnull (strstr (tw_alert_get_title (alert), "coingecko_api breaker re-opened"));
  g_assert_nonnull (strstr (tw_alert_get_body (alert), "still down"));

  /* It keeps re-opening every second or so: rate-limited to one. */
  tw_test_wait_until (tw_alert_engine_get_n_suppressed (fx.engine) >= 1, 10000);
  g_assert_cmpuint (count_key (&fx, "reopen:autotrader:coingecko_api"), ==, 1);
  g_assert_cmpuint (count_key (&fx, "trip:autotrader:coingecko_api"), ==, 1);

  /* The source recovers: closed, and no re-open alert for it. */
  risk_scenario (&fx.f, "{\"name\":\"source-recover\",\"source\":\"coingecko_api\"}");
  tw_risk_monitor_refresh (fx.f.monitor);
  tw_test_wait_until (tw_breaker_get_state (tw_trading_state_lookup_breaker (risk_state (&fx.f, "autotrader"),
                                                                            "coingecko_api"))
                      == TW_BREAKER_CLOSED, 10000);
  /* Three more answers of Autotrader with the breaker closed: no re-open alert. */
  g_assert_true (risk_wait_answers (&fx.f, "autotrader", 3, 5000));
  g_assert_cmpuint (count_key (&fx, "reopen:autotrader:coingecko_api"), ==, 1);

  fixture_teardown (&fx);
}

/* The runbooks' health alerts. The simulator's component names are read from it, and a
 * user copy of the shipped connector (which overrides it by id) gets an "alerts" naming
 * them, so these tests follow the simulator wherever its names go. */

#define CONNECTORS_RESOURCE "/io/github/tradewarden/TradeWarden/connectors/"

/* The name of the first health component the simulator gives @flavor. */
static char *
sim_component (const char *flavor)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autofree char *path = g_strdup_printf ("/_sim/health?flavor=%s", flavor);
  g_autoptr(JsonNode) answer = tw_test_sim_request (sim, flavor, "GET", path, NULL);
  JsonArray *components = json_object_get_array_member (json_node_get_object (answer), "components");
  char *name;

  g_assert_cmpuint (json_array_get_length (components), >, 0);
  name = g_strdup (json_object_get_string_member (json_array_get_object_element (components, 0), "name"));
  tw_sim_thread_stop (sim);
  return name;
}

/* The shipped connector of @flavor with @alerts as its "alerts", in the user's connectors. */
static void
install_alerts (const char *flavor,
                const char *alerts)
{
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autofree char *resource = g_strconcat (CONNECTORS_RESOURCE, flavor, ".json", NULL);
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "tradewarden", "connectors", NULL);
  g_autofree char *file_name = g_strconcat (flavor, ".json", NULL);
  g_autofree char *path = g_build_filename (dir, file_name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) alerts_parser = json_parser_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* Loading the shipped connectors registers their resource. */
  tw_connector_registry_load_default (registry);
  bytes = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);
  json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  json_parser_load_from_data (alerts_parser, alerts, -1, &error);
  g_assert_no_error (error);
  json_object_set_member (json_node_get_object (json_parser_get_root (parser)), "alerts",
                          json_node_copy (json_parser_get_root (alerts_parser)));
  text = json_to_string (json_parser_get_root (parser), TRUE);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
}

static void
set_health (Fixture    *fx,
            const char *flavor,
            const char *component,
            const char *status)
{
  g_autofree char *json = g_strdup_printf ("{\"component\":\"%s\",\"status\":\"%s\"}", component, status);

  tw_test_sim_health (fx->f.sim, flavor, json);
}

typedef struct
{
  Fixture    *fx;
  const char *key;
} ActiveCheck;

static gboolean
is_cleared (gpointer data)
{
  ActiveCheck *check = data;

  return !tw_alert_engine_is_active (check->fx->engine, check->key);
}

static gboolean
has_n_key (gpointer data)
{
  KeyCheck *check = data;

  return count_key (check->fx, check->key) >= 2;
}

/* A component the runbook names goes down: an alert as loud as the runbook says, naming
 * its section, once while it stays down, and again when it goes down a second time. */
static void
test_health_runbook (void)
{
  Fixture fx = { 0 };
  g_autofree char *component = sim_component ("ibkr-assistant");
  g_autofree char *alerts = g_strdup_printf ("{\"runbook\":\"IBKR AI Broker\",\"components\":{\"%s\":"
                                             "{\"down\":\"critical\",\"section\":\"Alert Scenarios: "
                                             "1. Broker Disconnect\"}}}", component);
  g_autofree char *key = g_strdup_printf ("health-down:ibkr-assistant:%s", component);
  g_autofree char *title = g_strdup_printf ("IBKR assistant: %s is down", component);
  KeyCheck check = { &fx, key };
  ActiveCheck cleared = { &fx, key };
  TwAlert *alert;

  install_alerts ("ibkr-assistant", alerts);
  fixture_setup (&fx);
  g_assert_true (risk_wait_healthy (&fx.f, 5000));

  set_health (&fx, "ibkr-assistant", component, "unhealthy");
  g_assert_true (risk_wait (has_alert_key, &check, 5000));
  g_assert_cmpuint (count_key (&fx, key), ==, 1);
  alert = alert_at (&fx, 0);
  g_assert_cmpstr (tw_alert_get_key (alert), ==, key);
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_CRITICAL);
  g_assert_cmpstr (tw_alert_get_title (alert), ==, title);
  g_assert_nonnull (strstr (tw_alert_get_body (alert), "Runbook: IBKR AI Broker — Alert Scenarios: 1. Broker Disconnect"));
  g_assert_cmpstr (tw_alert_get_service_id (alert), ==, "ibkr-assistant");
  g_assert_cmpstr (tw_alert_get_page (alert), ==, "overview");
  g_assert_cmpstr (tw_alert_get_category (alert), ==, "x-tradewarden.service");
  g_assert_true (tw_alert_get_offers_halt (alert));
  g_assert_true (tw_alert_engine_is_active (fx.engine, key));

  /* Back: the condition clears; down again: a new alert. */
  tw_test_sim_health (fx.f.sim, "ibkr-assistant", "{\"reset\":true}");
  g_assert_true (risk_wait (is_cleared, &cleared, 5000));
  g_assert_cmpuint (count_key (&fx, key), ==, 1);
  set_health (&fx, "ibkr-assistant", component, "unhealthy");
  g_assert_true (risk_wait (has_n_key, &check, 5000));

  fixture_teardown (&fx);
}

/* A component the runbook does not name: still an alert (info when degraded, warning when
 * down), saying no runbook section is known. */
static void
test_health_unnamed (void)
{
  Fixture fx = { 0 };
  g_autofree char *component = sim_component ("investiq");
  g_autofree char *degraded = g_strdup_printf ("health-degraded:investiq:%s", component);
  g_autofree char *down = g_strdup_printf ("health-down:investiq:%s", component);
  KeyCheck check = { &fx, degraded };
  TwAlert *alert = NULL;

  install_alerts ("investiq", "{\"runbook\":\"InvestIQ On-Call Runbook\"}");
  fixture_setup (&fx);
  g_assert_true (risk_wait_healthy (&fx.f, 5000));

  set_health (&fx, "investiq", component, "degraded");
  g_assert_true (risk_wait (has_alert_key, &check, 5000));
  alert = alert_at (&fx, fx.alerts->len - 1);
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_INFO);
  g_assert_nonnull (strstr (tw_alert_get_body (alert), "No runbook section"));
  g_assert_false (tw_alert_get_offers_halt (alert));

  check.key = down;
  set_health (&fx, "investiq", component, "unhealthy");
  g_assert_true (risk_wait (has_alert_key, &check, 5000));
  alert = alert_at (&fx, fx.alerts->len - 1);
  g_assert_cmpstr (tw_alert_get_key (alert), ==, down);
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_WARNING);

  fixture_teardown (&fx);
}

/* A service whose own health says down, no component to blame: the runbook's "service". */
static void
test_health_service (void)
{
  Fixture fx = { 0 };
  g_autofree char *component = sim_component ("alpaca");
  KeyCheck check = { &fx, "health-down:alpaca:" };
  TwAlert *alert = NULL;

  install_alerts ("alpaca", "{\"runbook\":\"Broker runbook\",\"service\":{\"down\":\"critical\","
                            "\"section\":\"Account blocked\"}}");
  fixture_setup (&fx);
  g_assert_true (risk_wait_healthy (&fx.f, 5000));

  set_health (&fx, "alpaca", component, "ACCOUNT_CLOSED");
  g_assert_true (risk_wait (has_alert_key, &check, 5000));
  for (guint i = 0; i < fx.alerts->len; i++)
    if (g_str_equal (tw_alert_get_key (alert_at (&fx, i)), "health-down:alpaca:"))
      alert = alert_at (&fx, i);
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_CRITICAL);
  g_assert_nonnull (strstr (tw_alert_get_title (alert), "reports itself down"));
  g_assert_nonnull (strstr (tw_alert_get_body (alert), "Runbook: Broker runbook — Account blocked"));

  fixture_teardown (&fx);
}

typedef struct
{
  TwRiskMonitor *monitor;
  char          *breaker;  /* the first source breaker's id, once seen */
  gboolean       open;
} SourceCheck;

static gboolean
source_seen (gpointer data)
{
  SourceCheck *check = data;
  TwTradingState *state = tw_risk_monitor_lookup (check->monitor, "autotrader");
  GListModel *breakers = tw_trading_state_get_breakers (state);

  tw_risk_monitor_refresh (check->monitor);
  for (guint i = 0; i < g_list_model_get_n_items (breakers); i++)
    {
      g_autoptr(TwBreaker) breaker = g_list_model_get_item (breakers, i);

      if (g_strcmp0 (tw_breaker_get_kind (breaker), "source") != 0)
        continue;
      if (check->breaker == NULL)
        check->breaker = g_strdup (tw_breaker_get_id (breaker));
      if (g_str_equal (check->breaker, tw_breaker_get_id (breaker)))
        return !check->open || tw_breaker_get_state (breaker) == TW_BREAKER_OPEN;
    }
  return FALSE;
}

/* A data source already open when the console first looks: an alert all the same, naming
 * the runbook's section for breakers. */
static void
test_source_open_at_start (void)
{
  Fixture fx = { 0 };
  SourceCheck source = { NULL, NULL, FALSE };
  g_autofree char *scenario = NULL;
  g_autofree char *key = NULL;
  KeyCheck check = { &fx, NULL };
  TwAlert *alert = NULL;

  install_alerts ("autotrader", "{\"runbook\":\"Autotrader Operations Runbooks\","
                                "\"breakers\":{\"section\":\"Circuit Breaker Trips\"}}");
  risk_fixture_setup (&fx.f, TW_MODE_PAPER, INTERVAL);

  /* Another monitor finds the source and sees it open, so the engine's first look does. */
  source.monitor = tw_risk_monitor_new (fx.f.workspace);
  tw_risk_monitor_start (source.monitor);
  g_assert_true (risk_wait (source_seen, &source, 5000));
  scenario = g_strdup_printf ("{\"name\":\"source-outage\",\"source\":\"%s\",\"recovery_timeout\":600,"
                              "\"failure_threshold\":1}", source.breaker);
  risk_scenario (&fx.f, scenario);
  source.open = TRUE;
  g_assert_true (risk_wait (source_seen, &source, 15000));
  g_clear_object (&source.monitor);

  fx.engine = tw_alert_engine_new (fx.f.workspace, fx.f.monitor, fx.f.runner);
  fx.alerts = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (fx.engine, "alert", G_CALLBACK (on_alert), &fx);
  tw_risk_monitor_start (fx.f.monitor);

  key = g_strdup_printf ("trip:autotrader:%s", source.breaker);
  check.key = key;
  g_assert_true (risk_wait (has_alert_key, &check, 5000));
  alert = alert_at (&fx, 0);
  g_assert_cmpstr (tw_alert_get_key (alert), ==, key);
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_CRITICAL);
  g_assert_nonnull (strstr (tw_alert_get_body (alert), "Runbook: Autotrader Operations Runbooks — Circuit Breaker Trips"));

  g_free (source.breaker);
  fixture_teardown (&fx);
}

/* What the shipped connectors say, from the runbooks: 003's broker disconnect is critical,
 * 000's ML service down a warning, 004's breakers and data sources have their sections. */
static void
test_shipped_runbooks (void)
{
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  const TwComponentAlert *entry;
  TwConnector *connector;

  tw_connector_registry_load_default (registry);

  connector = tw_connector_registry_lookup (registry, "ibkr-assistant");
  g_assert_cmpstr (tw_connector_get_runbook (connector), ==, "IBKR AI Broker");
  entry = tw_connector_lookup_component_alert (connector, "broker");
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->down, ==, "critical");
  g_assert_cmpstr (entry->section, ==, "Alert Scenarios: 1. Broker Disconnect");

  connector = tw_connector_registry_lookup (registry, "investiq");
  entry = tw_connector_lookup_component_alert (connector, "ml_service");
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->down, ==, "warning");
  g_assert_cmpstr (entry->section, ==, "Alert Response Procedures: 5. MLServiceDown");
  g_assert_cmpstr (tw_connector_get_service_alert (connector)->down, ==, "critical");
  g_assert_null (tw_connector_lookup_component_alert (connector, "redis"));

  connector = tw_connector_registry_lookup (registry, "autotrader");
  g_assert_cmpstr (tw_connector_get_breaker_alert (connector)->section, ==, "Circuit Breaker Trips");
  entry = tw_connector_lookup_component_alert (connector, "coingecko_api");
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->section, ==, "Data Freshness Issues");
  /* "degraded" defaults to a warning, never louder than "down". */
  g_assert_cmpstr (entry->degraded, ==, "warning");
}

/* A connector's "alerts" is checked when it loads. */
static void
test_alerts_refused (void)
{
  static const char * const bad[][2] = {
    { "{\"runbook\":\"R\",\"components\":{\"x\":{\"down\":\"loud\",\"section\":\"S\"}}}", "loud" },
    { "{\"runbook\":\"R\",\"components\":{\"x\":{\"down\":\"warning\"}}}", "section" },
    { "{\"components\":{}}", "runbook" },
    { "{\"runbook\":\"R\",\"breakers\":{\"down\":\"critical\",\"section\":\"S\"}}", "down" },
    { "{\"runbook\":\"R\",\"pages\":{}}", "pages" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *data = g_strdup_printf ("{\"format\":1,\"id\":\"t\",\"name\":\"T\",\"alerts\":%s,"
                                               "\"operations\":{\"health\":{\"method\":\"GET\","
                                               "\"path\":\"/health\"}}}", bad[i][0]);
      g_autoptr(GError) error = NULL;
      g_autoptr(TwConnector) connector = tw_connector_new_from_data (data, -1, "t.json", &error);

      g_assert_null (connector);
      g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, bad[i][1]));
    }
}

/* The history keeps the newest TW_ALERT_HISTORY_MAX alerts: a console raising alerts for
 * days does not keep them all. */
static void
test_history_bounded (void)
{
  Fixture fx = { 0 };
  g_autoptr(TwAlert) newest = NULL;

  fixture_setup (&fx);
  for (guint i = 0; i < TW_ALERT_HISTORY_MAX + 10; i++)
    {
      g_autofree char *key = g_strdup_printf ("log:test:%u", i);

      tw_alert_engine_raise_log_alert (fx.engine, key, TW_ALERT_WARNING, "A line matched", "body");
    }
  g_assert_cmpuint (fx.alerts->len, ==, TW_ALERT_HISTORY_MAX + 10);
  g_assert_cmpuint (g_list_model_get_n_items (tw_alert_engine_get_history (fx.engine)), ==,
                    TW_ALERT_HISTORY_MAX);
  newest = g_list_model_get_item (tw_alert_engine_get_history (fx.engine), 0);
  g_assert_cmpstr (tw_alert_get_key (newest), ==, "log:test:265");
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
  g_test_add_func ("/tw/core/alert-engine/health-runbook", test_health_runbook);
  g_test_add_func ("/tw/core/alert-engine/health-unnamed", test_health_unnamed);
  g_test_add_func ("/tw/core/alert-engine/health-service", test_health_service);
  g_test_add_func ("/tw/core/alert-engine/source-open-at-start", test_source_open_at_start);
  g_test_add_func ("/tw/core/alert-engine/shipped-runbooks", test_shipped_runbooks);
  g_test_add_func ("/tw/core/alert-engine/alerts-refused", test_alerts_refused);
  g_test_add_func ("/tw/core/alert-engine/history-bounded", test_history_bounded);

  return g_test_run ();
}
