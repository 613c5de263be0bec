/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-error.h"
#include "tw-risk-fixture.h"

#define INTERVAL 250

/* Every signal of the monitor, as "signal service[/breaker]" lines. */
typedef struct
{
  GPtrArray *events;
} Recorder;

static void
record (Recorder       *rec,
        const char     *name,
        TwTradingState *state,
        TwBreaker      *breaker)
{
  g_ptr_array_add (rec->events,
                   g_strdup_printf ("%s %s%s%s", name, tw_trading_state_get_service_id (state),
                                    breaker != NULL ? "/" : "",
                                    breaker != NULL ? tw_breaker_get_id (breaker) : ""));
  g_test_message ("event: %s", (char *) g_ptr_array_index (rec->events, rec->events->len - 1));
}

static void
on_tripped (TwRiskMonitor *m, TwTradingState *s, TwBreaker *b, Recorder *rec)
{
  record (rec, "tripped", s, b);
}

static void
on_warning (TwRiskMonitor *m, TwTradingState *s, TwBreaker *b, Recorder *rec)
{
  record (rec, "warning", s, b);
}

static void
on_reset (TwRiskMonitor *m, TwTradingState *s, TwBreaker *b, Recorder *rec)
{
  record (rec, "reset", s, b);
}

static void
on_halted (TwRiskMonitor *m, TwTradingState *s, Recorder *rec)
{
  record (rec, "halted", s, NULL);
}

static void
on_resumed (TwRiskMonitor *m, TwTradingState *s, Recorder *rec)
{
  record (rec, "resumed", s, NULL);
}

static void
recorder_attach (Recorder      *rec,
                 TwRiskMonitor *monitor)
{
  rec->events = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (monitor, "breaker-tripped", G_CALLBACK (on_tripped), rec);
  g_signal_connect (monitor, "breaker-warning", G_CALLBACK (on_warning), rec);
  g_signal_connect (monitor, "breaker-reset", G_CALLBACK (on_reset), rec);
  g_signal_connect (monitor, "halted", G_CALLBACK (on_halted), rec);
  g_signal_connect (monitor, "resumed", G_CALLBACK (on_resumed), rec);
}

static void
recorder_detach (Recorder      *rec,
                 TwRiskMonitor *monitor)
{
  g_signal_handlers_disconnect_by_data (monitor, rec);
  g_clear_pointer (&rec->events, g_ptr_array_unref);
}

static guint
count (Recorder   *rec,
       const char *event)
{
  guint n = 0;

  for (guint i = 0; i < rec->events->len; i++)
    if (g_str_equal (g_ptr_array_index (rec->events, i), event))
      n++;
  return n;
}

/* Every state has been polled once. */
static gboolean
all_polled (gpointer data)
{
  RiskFixture *f = data;
  GListModel *states = tw_risk_monitor_get_states (f->monitor);

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
start_and_settle (RiskFixture *f)
{
  tw_risk_monitor_start (f->monitor);
  g_assert_true (risk_wait (all_polled, f, 5000));
  /* Two more answers of every state so the baseline of every poller is in. */
  g_assert_true (risk_wait_answers (f, NULL, 2, 5000));
}

static TwBreaker *
breaker (RiskFixture *f,
         const char  *service_id,
         const char  *breaker_id)
{
  TwBreaker *b = tw_trading_state_lookup_breaker (risk_state (f, service_id), breaker_id);

  g_assert_nonnull (b);
  return b;
}

/* One state per service that can trade, in the profile's order, with what its
 * connector offers; the first poll emits nothing. */
static void
test_states (void)
{
  static const char *expected[] = { "investiq", "ibkr-assistant", "ai-trading", "autotrader", "alpaca" };
  RiskFixture f = { 0 };
  Recorder rec = { 0 };
  GListModel *states;
  TwBreaker *b;

  risk_fixture_setup (&f, TW_MODE_PAPER, INTERVAL);
  recorder_attach (&rec, f.monitor);
  states = tw_risk_monitor_get_states (f.monitor);
  g_assert_cmpuint (g_list_model_get_n_items (states), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(TwTradingState) state = g_list_model_get_item (states, i);

      g_assert_cmpstr (tw_trading_state_get_service_id (state), ==, expected[i]);
    }
  g_assert_null (tw_risk_monitor_lookup (f.monitor, "nope"));

  start_and_settle (&f);
  g_assert_cmpuint (rec.events->len, ==, 0);

  g_assert_cmpstr (tw_trading_state_get_service_name (risk_state (&f, "investiq")), ==, "InvestIQ");
  g_assert_cmpint (tw_trading_state_get_mode (risk_state (&f, "investiq")), ==, TW_TRADING_ACTIVE);
  g_assert_cmpint (tw_trading_state_get_mode (risk_state (&f, "ibkr-assistant")), ==, TW_TRADING_ACTIVE);
  /* 001 has no read-back of its state: never a guessed one. */
  g_assert_cmpint (tw_trading_state_get_mode (risk_state (&f, "ai-trading")), ==, TW_TRADING_UNKNOWN);
  g_assert_false (tw_trading_state_get_reported (risk_state (&f, "ai-trading")));
  g_assert_true (tw_trading_state_get_can_halt (risk_state (&f, "ai-trading")));
  g_assert_false (tw_trading_state_get_can_resume (risk_state (&f, "ai-trading")));
  g_assert_true (tw_trading_state_get_reported (risk_state (&f, "investiq")));
  g_assert_false (tw_trading_state_get_polled (risk_state (&f, "ai-trading")));
  g_assert_true (tw_trading_state_get_polled (risk_state (&f, "autotrader")));
  g_assert_false (tw_trading_state_get_reported (risk_state (&f, "autotrader")));
  g_assert_cmpint (tw_trading_state_get_mode (risk_state (&f, "alpaca")), ==, TW_TRADING_ACTIVE);
  g_assert_true (tw_trading_state_get_can_halt (risk_state (&f, "investiq")));
  g_assert_true (tw_trading_state_get_can_resume (risk_state (&f, "alpaca")));
  g_assert_false (tw_trading_state_get_can_halt (risk_state (&f, "autotrader")));
  g_assert_true (tw_trading_state_get_kill_switch_supported (risk_state (&f, "ibkr-assistant")));
  g_assert_false (tw_trading_state_get_kill_switch_supported (risk_state (&f, "investiq")));
  g_assert_false (tw_trading_state_is_halted (risk_state (&f, "ibkr-assistant")));

  g_assert_cmpuint (g_list_model_get_n_items (tw_trading_state_get_breakers (risk_state (&f, "investiq"))), ==, 3);
  b = breaker (&f, "investiq", "consecutive_losses");
  g_assert_cmpfloat (tw_breaker_get_limit (b), ==, 3);
  g_assert_cmpstr (tw_breaker_get_kind (b), ==, "loss");
  g_assert_cmpfloat (tw_breaker_get_limit (breaker (&f, "investiq", "daily_loss")), ==, 5);
  g_assert_cmpfloat (tw_breaker_get_limit (breaker (&f, "investiq", "drawdown")), ==, 10);

  b = breaker (&f, "autotrader", "coingecko_api");
  g_assert_cmpint (tw_breaker_get_state (b), ==, TW_BREAKER_CLOSED);
  /* 004 resets by hand (the registry's reset()): no reset over HTTP, the call instead */
  g_assert_false (tw_breaker_get_can_reset (b));
  g_assert_nonnull (strstr (tw_breaker_get_reset_instruction (b), "get_monitor(\"coingecko_api\")"));
  g_assert_nonnull (breaker (&f, "autotrader", "dexscreener"));

  recorder_detach (&rec, f.monitor);
  risk_fixture_teardown (&f);
}

static gboolean
investiq_halted (gpointer data)
{
  RiskFixture *f = data;

  return tw_trading_state_is_halted (risk_state (f, "investiq"));
}

/* Three losses: exactly one breaker-tripped and one halted, halted by the breaker. */
static void
test_losing_streak (void)
{
  RiskFixture f = { 0 };
  Recorder rec = { 0 };
  TwTradingState *state;

  risk_fixture_setup (&f, TW_MODE_PAPER, INTERVAL);
  recorder_attach (&rec, f.monitor);
  start_and_settle (&f);

  risk_scenario (&f, "{\"name\":\"losing-streak\"}");
  g_assert_true (risk_wait (investiq_halted, &f, 5000));
  /* Three more answers of every state: no second trip or halt. */
  g_assert_true (risk_wait_answers (&f, NULL, 3, 5000));

  g_assert_cmpuint (count (&rec, "tripped investiq/consecutive_losses"), ==, 1);
  g_assert_cmpuint (count (&rec, "halted investiq"), ==, 1);
  g_assert_cmpuint (rec.events->len, ==, 2);
  /* The trip comes before the halt it caused. */
  g_assert_cmpstr (g_ptr_array_index (rec.events, 0), ==, "tripped investiq/consecutive_losses");

  state = risk_state (&f, "investiq");
  g_assert_cmpint (tw_trading_state_get_mode (state), ==, TW_TRADING_HALTED);
  g_assert_cmpstr (tw_trading_state_get_reason (state), ==, "3 consecutive losses");
  g_assert_cmpstr (tw_trading_state_get_by (state), ==, "circuit_breaker");
  g_assert_nonnull (tw_trading_state_get_since (state));
  g_assert_true (tw_breaker_is_tripped (breaker (&f, "investiq", "consecutive_losses")));
  g_assert_false (tw_action_runner_did_recently (f.runner, "investiq", "trading.halt", 30));

  recorder_detach (&rec, f.monitor);
  risk_fixture_teardown (&f);
}

static gboolean
coingecko_open (gpointer data)
{
  RiskFixture *f = data;

  return tw_breaker_get_state (breaker (f, "autotrader", "coingecko_api")) == TW_BREAKER_OPEN;
}

static gboolean
coingecko_closed (gpointer data)
{
  RiskFixture *f = data;

  return tw_breaker_get_state (breaker (f, "autotrader", "coingecko_api")) == TW_BREAKER_CLOSED;
}

/* A data source fails: its breaker opens (one trip); after recovery it half-opens and
 * closes (one reset). */
static void
test_source_outage (void)
{
  RiskFixture f = { 0 };
  Recorder rec = { 0 };

  risk_fixture_setup (&f, TW_MODE_PAPER, INTERVAL);
  recorder_attach (&rec, f.monitor);
  start_and_settle (&f);

  risk_scenario (&f, "{\"name\":\"source-outage\",\"source\":\"coingecko_api\",\"recovery_timeout\":1}");
  g_assert_true (risk_wait (coingecko_open, &f, 10000));
  g_assert_cmpuint (tw_breaker_get_failure_count (breaker (&f, "autotrader", "coingecko_api")), >=, 5);
  g_assert_nonnull (tw_breaker_get_opened_at (breaker (&f, "autotrader", "coingecko_api")));
  g_assert_cmpuint (count (&rec, "tripped autotrader/coingecko_api"), ==, 1);

  risk_scenario (&f, "{\"name\":\"source-recover\",\"source\":\"coingecko_api\"}");
  g_assert_true (risk_wait (coingecko_closed, &f, 10000));
  /* Two more answers of Autotrader: one trip and one reset, no more. */
  g_assert_true (risk_wait_answers (&f, "autotrader", 2, 5000));
  g_assert_cmpuint (count (&rec, "tripped autotrader/coingecko_api"), ==, 1);
  g_assert_cmpuint (count (&rec, "reset autotrader/coingecko_api"), ==, 1);
  /* Autotrader cannot halt: no halted signal for it. */
  g_assert_cmpuint (count (&rec, "halted autotrader"), ==, 0);

  recorder_detach (&rec, f.monitor);
  risk_fixture_teardown (&f);
}

static gboolean
has_event (gpointer data)
{
  Recorder *rec = data;

  return rec->events->len > 0;
}

/* The daily loss passes 80 % of its limit: one warning, no trip, no halt. */
static void
test_loss_warning (void)
{
  RiskFixture f = { 0 };
  Recorder rec = { 0 };

  risk_fixture_setup (&f, TW_MODE_PAPER, INTERVAL);
  recorder_attach (&rec, f.monitor);
  start_and_settle (&f);

  risk_scenario (&f, "{\"name\":\"daily-loss\",\"percent\":4.2}");
  g_assert_true (risk_wait (has_event, &rec, 5000));
  /* Three more answers of every state: one warning, nothing else. */
  g_assert_true (risk_wait_answers (&f, NULL, 3, 5000));

  g_assert_cmpuint (count (&rec, "warning investiq/daily_loss"), ==, 1);
  g_assert_cmpuint (rec.events->len, ==, 1);
  g_assert_cmpfloat (tw_breaker_get_fraction (breaker (&f, "investiq", "daily_loss")), >=, 0.8);
  g_assert_false (tw_trading_state_is_halted (risk_state (&f, "investiq")));

  recorder_detach (&rec, f.monitor);
  risk_fixture_teardown (&f);
}

/* Someone else halts every flavor: one halted each; the reset brings one resumed each.
 * Our own halt then resume through the runner is seen too. */
static void
test_external_halt (void)
{
  /* Not ai-trading: nothing in its runbook reads a halt back. */
  static const char *halting[] = { "investiq", "ibkr-assistant", "alpaca" };
  RiskFixture f = { 0 };
  Recorder rec = { 0 };

  risk_fixture_setup (&f, TW_MODE_PAPER, INTERVAL);
  recorder_attach (&rec, f.monitor);
  start_and_settle (&f);

  for (guint i = 0; i < G_N_ELEMENTS (halting); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"name\":\"external-halt\",\"flavor\":\"%s\","
                                               "\"by\":\"ops-oncall\",\"reason\":\"Broker maintenance window\"}",
                                               halting[i]);

      risk_scenario (&f, json);
    }
  for (guint i = 0; i < G_N_ELEMENTS (halting); i++)
    g_assert_true (risk_wait_halted (&f, halting[i], TRUE, 5000));
  /* Two more answers of every state: one halted each, no more. */
  g_assert_true (risk_wait_answers (&f, NULL, 2, 5000));

  for (guint i = 0; i < G_N_ELEMENTS (halting); i++)
    {
      g_autofree char *event = g_strconcat ("halted ", halting[i], NULL);

      g_assert_cmpuint (count (&rec, event), ==, 1);
    }
  g_assert_true (tw_trading_state_get_kill_switch_active (risk_state (&f, "ibkr-assistant")));
  g_assert_cmpstr (tw_trading_state_get_by (risk_state (&f, "investiq")), ==, "ops-oncall");

  risk_scenario (&f, "{\"name\":\"reset\"}");
  for (guint i = 0; i < G_N_ELEMENTS (halting); i++)
    g_assert_true (risk_wait_halted (&f, halting[i], FALSE, 5000));
  g_assert_true (risk_wait_answers (&f, NULL, 2, 5000));
  for (guint i = 0; i < G_N_ELEMENTS (halting); i++)
    {
      g_autofree char *event = g_strconcat ("resumed ", halting[i], NULL);

      g_assert_cmpuint (count (&rec, event), ==, 1);
    }
  g_assert_cmpuint (rec.events->len, ==, 2 * G_N_ELEMENTS (halting));

  recorder_detach (&rec, f.monitor);
  risk_fixture_teardown (&f);
}

static gboolean
has_last_error (gpointer data)
{
  RiskFixture *f = data;

  g_autofree char *last_error = NULL;

  g_object_get (risk_state (f, "investiq"), "last-error", &last_error, NULL);
  return last_error != NULL;
}

/* A failing status poll shows as "last-error"; the next good one clears it. */
static void
test_last_error (void)
{
  RiskFixture f = { 0 };

  risk_fixture_setup (&f, TW_MODE_PAPER, INTERVAL);
  start_and_settle (&f);

  tw_test_sim_fault (f.sim, "investiq",
                     "{\"path\":\"/api/risk/circuit-breakers\",\"kind\":\"status\",\"status\":500}");
  tw_risk_monitor_refresh (f.monitor);
  g_assert_true (risk_wait (has_last_error, &f, 5000));

  tw_test_sim_clear_faults (f.sim);
  tw_risk_monitor_refresh (f.monitor);
  /* The next good answer clears it. */
  tw_test_wait_until (!has_last_error (&f), 5000);

  risk_fixture_teardown (&f);
}

static gboolean
alpaca_trading_blocked (gpointer data)
{
  return tw_trading_state_get_trading_blocked (risk_state (data, "alpaca"));
}

/* Alpaca's state comes from two requests: its configurations (the halt) and its
 * account (the blocks). An answer of one that changes its fields leaves the other's in
 * place, whether the other's next answer is the same as its last or not; and with both
 * unchanged, the state stops changing. */
static void
test_two_requests (void)
{
  RiskFixture f = { 0 };
  TwTradingState *state;
  guint64 changes;

  risk_fixture_setup (&f, TW_MODE_PAPER, INTERVAL);
  start_and_settle (&f);
  state = risk_state (&f, "alpaca");
  changes = tw_trading_state_get_changes (state);
  g_assert_true (risk_wait_answers (&f, "alpaca", 4, 5000));
  g_assert_cmpuint (tw_trading_state_get_changes (state), ==, changes);

  /* The account blocks trading; the configurations answer the same as before. */
  risk_scenario (&f, "{\"name\":\"account-blocks\",\"trading_blocked\":true}");
  g_assert_true (risk_wait (alpaca_trading_blocked, &f, 5000));
  g_assert_true (risk_wait_answers (&f, "alpaca", 4, 5000));
  g_assert_true (tw_trading_state_get_trading_blocked (state));
  g_assert_cmpint (tw_trading_state_get_mode (state), ==, TW_TRADING_ACTIVE);

  /* Someone suspends trading; the account answers the same as before. */
  risk_scenario (&f, "{\"name\":\"external-halt\",\"flavor\":\"alpaca\",\"by\":\"ops-oncall\","
                     "\"reason\":\"Broker maintenance window\"}");
  g_assert_true (risk_wait_halted (&f, "alpaca", TRUE, 5000));
  g_assert_true (risk_wait_answers (&f, "alpaca", 4, 5000));
  g_assert_cmpint (tw_trading_state_get_mode (state), ==, TW_TRADING_HALTED);
  g_assert_true (tw_trading_state_get_trading_blocked (state));

  /* The block lifts: the halt stays. */
  risk_scenario (&f, "{\"name\":\"account-blocks\",\"trading_blocked\":false}");
  tw_test_wait_until (!alpaca_trading_blocked (&f), 5000);
  g_assert_true (risk_wait_answers (&f, "alpaca", 4, 5000));
  g_assert_cmpint (tw_trading_state_get_mode (state), ==, TW_TRADING_HALTED);
  changes = tw_trading_state_get_changes (state);
  g_assert_true (risk_wait_answers (&f, "alpaca", 4, 5000));
  g_assert_cmpuint (tw_trading_state_get_changes (state), ==, changes);

  risk_fixture_teardown (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/risk-monitor/states", test_states);
  g_test_add_func ("/tw/core/risk-monitor/losing-streak", test_losing_streak);
  g_test_add_func ("/tw/core/risk-monitor/source-outage", test_source_outage);
  g_test_add_func ("/tw/core/risk-monitor/loss-warning", test_loss_warning);
  g_test_add_func ("/tw/core/risk-monitor/external-halt", test_external_halt);
  g_test_add_func ("/tw/core/risk-monitor/last-error", test_last_error);
  g_test_add_func ("/tw/core/risk-monitor/two-requests", test_two_requests);

  return g_test_run ();
}
