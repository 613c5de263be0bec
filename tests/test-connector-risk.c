/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-breaker.h"
#include "tw-connector-registry.h"
#include "tw-connector.h"
#include "tw-error.h"
#include "tw-trading-state.h"

/* The risk-controls rules of connectors ("trading", "breakers", the "clear" mapping) on
 * the wire contract's sample bodies for every shipped flavor, the loader's refusals of
 * bad rules, and the requests of the risk and trading operations. The positions and
 * orders lists are in test-connector-trading.c; all of them against the simulator over
 * real HTTP in test-connector-risk-sim.c. */

/* Helpers */

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static TwConnector *
load (const char *json)
{
  g_autoptr(GError) error = NULL;
  TwConnector *connector = tw_connector_new_from_data (json, -1, "test.json", &error);

  g_assert_no_error (error);
  g_assert_nonnull (connector);
  return connector;
}

static TwConnectorRegistry *
load_registry (void)
{
  TwConnectorRegistry *registry = tw_connector_registry_new ();

  tw_connector_registry_load_default (registry);
  g_assert_cmpuint (tw_connector_registry_get_problems (registry)->len, ==, 0);
  return registry;
}

static const TwOperation *
shipped_op (TwConnectorRegistry *registry,
            const char          *connector_id,
            const char          *name)
{
  TwConnector *connector = tw_connector_registry_lookup (registry, connector_id);
  const TwOperation *op;

  g_assert_nonnull (connector);
  op = tw_connector_get_operation (connector, name);
  if (op == NULL)
    g_error ("%s has no operation \"%s\"", connector_id, name);
  return op;
}

static TwTradingMode
eval_trading (const TwOperation *op,
              const char        *json)
{
  g_autoptr(JsonNode) root = parse (json);

  return tw_operation_eval_trading (op, root);
}

/* Maps @json onto @state with the operation's "map", then its "trading" rule. */
static void
map_state (const TwOperation *op,
           const char        *json,
           TwTradingState    *state)
{
  g_autoptr(JsonNode) root = parse (json);
  g_autoptr(GError) error = NULL;
  TwTradingMode mode;

  g_assert_true (tw_operation_map_object (op, tw_operation_select (op, root, NULL),
                                          G_OBJECT (state), &error));
  g_assert_no_error (error);
  mode = tw_operation_eval_trading (op, root);
  if (mode != TW_TRADING_UNKNOWN)
    g_object_set (state, "mode", mode, NULL);
}

static GPtrArray *
map_breakers (const TwOperation *op,
              const char        *json)
{
  g_autoptr(JsonNode) root = parse (json);
  g_autoptr(GPtrArray) breakers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  g_assert_true (tw_operation_map_breakers (op, root, breakers, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&breakers);
}

static TwBreaker *
breaker_at (GPtrArray *breakers,
            guint      index)
{
  g_assert_cmpuint (index, <, breakers->len);
  return g_ptr_array_index (breakers, index);
}

static char *
iso (GDateTime *when)
{
  g_assert_nonnull (when);
  return g_date_time_format_iso8601 (when);
}

/* InvestIQ: the halt and the three loss breakers */

#define INVESTIQ_ACTIVE \
  "{\"trading_halted\":false,\"halt_reason\":null,\"halted_at\":null,\"halted_by\":null," \
  "\"consecutive_losses\":1,\"max_consecutive_losses\":3,\"daily_loss_percent\":1.2," \
  "\"daily_loss_limit_percent\":5.0,\"drawdown_percent\":2.3,\"account_drawdown_limit_percent\":10.0," \
  "\"daily_pnl\":-1200.5,\"current_equity\":98800.0,\"peak_equity\":101100.0}"

#define INVESTIQ_TRIPPED \
  "{\"trading_halted\":true,\"halt_reason\":\"3 consecutive losses\"," \
  "\"halted_at\":\"2024-05-01T14:30:00Z\",\"halted_by\":\"circuit_breaker\"," \
  "\"consecutive_losses\":3,\"max_consecutive_losses\":3,\"daily_loss_percent\":5.2," \
  "\"daily_loss_limit_percent\":5.0,\"drawdown_percent\":4.0,\"account_drawdown_limit_percent\":10.0," \
  "\"daily_pnl\":-5200.0,\"current_equity\":94800.0,\"peak_equity\":100000.0}"

static void
test_investiq (void)
{
  g_autoptr(TwConnectorRegistry) registry = load_registry ();
  const TwOperation *op = shipped_op (registry, "investiq", "trading.status");
  g_autoptr(TwTradingState) state = tw_trading_state_new ("iq", "InvestIQ");
  g_autoptr(GPtrArray) active = NULL;
  g_autoptr(GPtrArray) tripped = NULL;
  g_autofree char *since = NULL;
  static const struct
  {
    const char *id, *label, *unit;
    double value, limit;
  } expected[] = {
    { "consecutive_losses", "Consecutive losses", "count", 1, 3 },
    { "daily_loss", "Daily loss", "percent", 1.2, 5.0 },
    { "drawdown", "Drawdown", "percent", 2.3, 10.0 },
  };

  g_assert_cmpstr (tw_operation_get_method (op), ==, "GET");
  g_assert_cmpstr (tw_operation_get_path_template (op), ==, "/api/risk/circuit-breakers");
  g_assert_cmpint (eval_trading (op, INVESTIQ_ACTIVE), ==, TW_TRADING_ACTIVE);
  g_assert_cmpint (eval_trading (op, INVESTIQ_TRIPPED), ==, TW_TRADING_HALTED);
  g_assert_cmpint (eval_trading (op, "{\"trading_halted\":null}"), ==, TW_TRADING_UNKNOWN);
  g_assert_cmpint (eval_trading (op, "{}"), ==, TW_TRADING_UNKNOWN);

  /* Halted by the breaker: reason, since and by; then resumed: all three cleared. */
  map_state (op, INVESTIQ_TRIPPED, state);
  g_assert_cmpint (tw_trading_state_get_mode (state), ==, TW_TRADING_HALTED);
  g_assert_cmpstr (tw_trading_state_get_reason (state), ==, "3 consecutive losses");
  g_assert_cmpstr (tw_trading_state_get_by (state), ==, "circuit_breaker");
  since = iso (tw_trading_state_get_since (state));
  g_assert_cmpstr (since, ==, "2024-05-01T14:30:00Z");
  map_state (op, INVESTIQ_ACTIVE, state);
  g_assert_cmpint (tw_trading_state_get_mode (state), ==, TW_TRADING_ACTIVE);
  g_assert_null (tw_trading_state_get_reason (state));
  g_assert_null (tw_trading_state_get_by (state));
  g_assert_null (tw_trading_state_get_since (state));

  active = map_breakers (op, INVESTIQ_ACTIVE);
  g_assert_cmpuint (active->len, ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      TwBreaker *b = breaker_at (active, i);

      g_assert_cmpstr (tw_breaker_get_id (b), ==, expected[i].id);
      g_assert_cmpstr (tw_breaker_get_label (b), ==, expected[i].label);
      g_assert_cmpstr (tw_breaker_get_kind (b), ==, "loss");
      g_assert_cmpstr (tw_breaker_get_unit (b), ==, expected[i].unit);
      g_assert_cmpfloat_with_epsilon (tw_breaker_get_value (b), expected[i].value, 1e-9);
      g_assert_cmpfloat_with_epsilon (tw_breaker_get_limit (b), expected[i].limit, 1e-9);
      g_assert_cmpint (tw_breaker_get_state (b), ==, TW_BREAKER_CLOSED);
      g_assert_false (tw_breaker_get_can_reset (b));
      g_assert_false (tw_breaker_is_tripped (b));
    }
  g_assert_cmpfloat_with_epsilon (tw_breaker_get_fraction (breaker_at (active, 1)), 0.24, 1e-9);

  /* 3 of 3 and 5.2 % of 5 % are open; 4 % of 10 % is not. */
  tripped = map_breakers (op, INVESTIQ_TRIPPED);
  g_assert_cmpint (tw_breaker_get_state (breaker_at (tripped, 0)), ==, TW_BREAKER_OPEN);
  g_assert_cmpint (tw_breaker_get_state (breaker_at (tripped, 1)), ==, TW_BREAKER_OPEN);
  g_assert_cmpint (tw_breaker_get_state (breaker_at (tripped, 2)), ==, TW_BREAKER_CLOSED);
  g_assert_true (tw_breaker_is_tripped (breaker_at (tripped, 0)));

  /* The halt's own answer says the new state too. */
  op = shipped_op (registry, "investiq", "trading.halt");
  g_assert_cmpint (eval_trading (op, "{\"trading_halted\":true,\"halt_reason\":\"x\",\"halted_at\":null,"
                                     "\"message\":\"Trading halted\"}"), ==, TW_TRADING_HALTED);
  op = shipped_op (registry, "investiq", "trading.resume");
  g_assert_cmpint (eval_trading (op, "{\"trading_halted\":false,\"halt_reason\":null,\"halted_at\":null,"
                                     "\"message\":\"Trading resumed\"}"), ==, TW_TRADING_ACTIVE);
  {
    g_autoptr(JsonNode) root = parse ("{}");

    g_assert_false (tw_operation_map_breakers (op, root, active, NULL));
    g_assert_cmpuint (active->len, ==, 3);
  }
}

/* IBKR assistant: the kill switch is its halt */

/* 003's status shape ("Kill Switch Status", "Verification"). Activate and deactivate
 * answer otherwise: see test-conformance-ibkr.c. */
#define KS_OFF "{\"enabled\":false,\"reason\":null,\"activated_at\":null,\"activated_by\":null}"
#define KS_ON  "{\"enabled\":true,\"reason\":\"Runaway orders\",\"activated_at\":\"2024-05-01T09:15:00+00:00\"," \
               "\"activated_by\":\"alice\"}"

static void
test_ibkr_assistant (void)
{
  g_autoptr(TwConnectorRegistry) registry = load_registry ();
  static const char * const ops[] = { "killswitch.status", "trading.status" };
  static const char * const changes[] = {
    "killswitch.activate", "killswitch.deactivate", "trading.halt", "trading.resume"
  };

  /* The changes' answers say what was asked: activate means halted; deactivate claims
   * nothing, since KILL_SWITCH_ENABLED may keep the switch on. */
  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      const TwOperation *op = shipped_op (registry, "ibkr-assistant", changes[i]);
      gboolean on = g_str_equal (changes[i], "killswitch.activate") || g_str_equal (changes[i], "trading.halt");

      g_assert_cmpint (eval_trading (op, "{\"status\":\"activated\",\"reason\":\"x\","
                                         "\"activated_by\":\"y\",\"timestamp\":\"2025-12-25T08:45:00Z\"}"),
                       ==, (on ? TW_TRADING_HALTED : TW_TRADING_UNKNOWN));
      g_assert_cmpint (eval_trading (op, "{\"status\":\"deactivated\",\"reason\":\"x\","
                                         "\"timestamp\":\"2025-12-25T09:00:00Z\"}"), ==, TW_TRADING_UNKNOWN);
      g_assert_cmpint (eval_trading (op, KS_OFF), ==, TW_TRADING_UNKNOWN);
      if (on)
        g_assert_null (tw_operation_get_unchanged (op));
      else
        g_assert_nonnull (tw_operation_get_unchanged (op));
    }


  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      const TwOperation *op = shipped_op (registry, "ibkr-assistant", ops[i]);
      g_autoptr(TwTradingState) state = tw_trading_state_new ("ib", "IBKR");
      g_autofree char *at = NULL;

      g_test_message ("operation %s", ops[i]);
      g_assert_cmpint (eval_trading (op, KS_OFF), ==, TW_TRADING_ACTIVE);
      g_assert_cmpint (eval_trading (op, KS_ON), ==, TW_TRADING_HALTED);

      map_state (op, KS_ON, state);
      g_assert_cmpint (tw_trading_state_get_mode (state), ==, TW_TRADING_HALTED);
      g_assert_true (tw_trading_state_get_kill_switch_active (state));
      g_assert_true (tw_trading_state_is_halted (state));
      g_assert_cmpstr (tw_trading_state_get_reason (state), ==, "Runaway orders");
      g_assert_cmpstr (tw_trading_state_get_by (state), ==, "alice");
      {
        g_autofree char *reason = NULL, *by = NULL;
        GDateTime *ks_at = NULL;

        g_object_get (state, "kill-switch-reason", &reason, "kill-switch-by", &by,
                      "kill-switch-at", &ks_at, NULL);
        g_assert_cmpstr (reason, ==, "Runaway orders");
        g_assert_cmpstr (by, ==, "alice");
        at = iso (ks_at);
        g_date_time_unref (ks_at);
        g_assert_cmpstr (at, ==, "2024-05-01T09:15:00Z");
      }

      map_state (op, KS_OFF, state);
      g_assert_cmpint (tw_trading_state_get_mode (state), ==, TW_TRADING_ACTIVE);
      g_assert_false (tw_trading_state_get_kill_switch_active (state));
      g_assert_null (tw_trading_state_get_reason (state));
      g_assert_false (tw_trading_state_is_halted (state));
    }
}

/* AI trading (001): disable and emergency stop, nothing that reads the state back */

static void
test_ai_trading (void)
{
  g_autoptr(TwConnectorRegistry) registry = load_registry ();
  TwConnector *connector = tw_connector_registry_lookup (registry, "ai-trading");
  const char *names[] = { "trading.halt", "trading.emergency_stop" };

  /* Not in the runbook: no guessed status or enable call. */
  g_assert_false (tw_connector_has_operation (connector, "trading.status"));
  g_assert_false (tw_connector_has_operation (connector, "trading.resume"));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const TwOperation *op = shipped_op (registry, "ai-trading", names[i]);

      /* The runbook shows no answer: whatever comes back is no state. */
      g_assert_cmpint (eval_trading (op, "{\"trading_enabled\":false}"), ==, TW_TRADING_UNKNOWN);
    }
}

/* Alpaca: suspend_trade is the halt; blocks shown */

#define ALPACA_CONFIG(suspend) \
  "{\"dtbp_check\":\"entry\",\"trade_confirm_email\":\"all\",\"suspend_trade\":" suspend "," \
  "\"no_shorting\":false,\"fractional_trading\":true,\"max_margin_multiplier\":\"4\",\"pdt_check\":\"entry\"}"

static void
test_alpaca (void)
{
  g_autoptr(TwConnectorRegistry) registry = load_registry ();
  static const char * const ops[] = { "trading.status", "trading.halt", "trading.resume", "config.get", "config.set" };
  g_autoptr(TwTradingState) state = tw_trading_state_new ("al", "Alpaca");
  const TwOperation *op;

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      op = shipped_op (registry, "alpaca", ops[i]);
      g_assert_cmpint (eval_trading (op, ALPACA_CONFIG ("false")), ==, TW_TRADING_ACTIVE);
      g_assert_cmpint (eval_trading (op, ALPACA_CONFIG ("true")), ==, TW_TRADING_HALTED);
    }

  op = shipped_op (registry, "alpaca", "account.status");
  g_assert_cmpstr (tw_operation_get_path_template (op), ==, "/v2/account");
  map_state (op, "{\"id\":\"x\",\"status\":\"ACTIVE\",\"trading_blocked\":true,\"account_blocked\":false,"
                 "\"trade_suspended_by_user\":false}", state);
  g_assert_true (tw_trading_state_get_trading_blocked (state));
  g_assert_false (tw_trading_state_get_account_blocked (state));
  g_assert_true (tw_trading_state_is_halted (state));
  map_state (op, "{\"trading_blocked\":false,\"account_blocked\":true}", state);
  g_assert_false (tw_trading_state_get_trading_blocked (state));
  g_assert_true (tw_trading_state_get_account_blocked (state));
}

/* Autotrader: per-source breakers (the fields are assumed: 004 shows the path only) */

#define AUTOTRADER_BREAKERS \
  "{\"breakers\":{" \
  "\"coingecko_api\":{\"state\":\"OPEN\",\"failure_count\":5,\"failure_threshold\":5,\"recovery_timeout_seconds\":30," \
  "\"last_failure_at\":\"2024-05-01T12:00:05Z\",\"opened_at\":\"2024-05-01T12:00:05Z\"}," \
  "\"blockscout\":{\"state\":\"CLOSED\",\"failure_count\":0,\"failure_threshold\":5,\"recovery_timeout_seconds\":30," \
  "\"last_failure_at\":null,\"opened_at\":null}," \
  "\"dexscreener\":{\"state\":\"HALF_OPEN\",\"failure_count\":5,\"failure_threshold\":5,\"recovery_timeout_seconds\":30," \
  "\"last_failure_at\":\"2024-05-01T11:59:00Z\",\"opened_at\":\"2024-05-01T11:59:00Z\"}}}"

static void
test_autotrader (void)
{
  g_autoptr(TwConnectorRegistry) registry = load_registry ();
  const TwOperation *op = shipped_op (registry, "autotrader", "breakers.list");
  g_autoptr(GPtrArray) breakers = map_breakers (op, AUTOTRADER_BREAKERS);
  g_autofree char *opened = NULL;
  static const struct
  {
    const char *id;
    TwBreakerState state;
    guint failures;
  } expected[] = {
    { "coingecko_api", TW_BREAKER_OPEN, 5 },
    { "blockscout", TW_BREAKER_CLOSED, 0 },
    { "dexscreener", TW_BREAKER_HALF_OPEN, 5 },
  };

  g_assert_cmpint (eval_trading (op, AUTOTRADER_BREAKERS), ==, TW_TRADING_UNKNOWN);
  g_assert_cmpuint (breakers->len, ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      TwBreaker *b = breaker_at (breakers, i);
      g_autofree char *call = g_strdup_printf ("CIRCUIT_REGISTRY.get_monitor(\"%s\").reset()", expected[i].id);

      g_assert_cmpstr (tw_breaker_get_id (b), ==, expected[i].id);
      g_assert_cmpstr (tw_breaker_get_label (b), ==, expected[i].id);
      g_assert_cmpstr (tw_breaker_get_kind (b), ==, "source");
      g_assert_cmpint (tw_breaker_get_state (b), ==, expected[i].state);
      g_assert_cmpuint (tw_breaker_get_failure_count (b), ==, expected[i].failures);
      /* 004 resets a breaker by a Python call into the registry, not over HTTP */
      g_assert_false (tw_breaker_get_can_reset (b));
      g_assert_nonnull (strstr (tw_breaker_get_reset_instruction (b), call));
      g_assert_cmpint (tw_breaker_is_tripped (b), ==, expected[i].state == TW_BREAKER_OPEN);
    }
  opened = iso (tw_breaker_get_opened_at (breaker_at (breakers, 0)));
  g_assert_cmpstr (opened, ==, "2024-05-01T12:00:05Z");
  g_assert_null (tw_breaker_get_opened_at (breaker_at (breakers, 1)));
  g_assert_null (tw_operation_get_breaker_reset (op));
  g_assert_null (tw_connector_get_operation (tw_connector_registry_lookup (registry, "autotrader"),
                                             "breakers.reset"));

  /* No breakers in the answer: none, and no error. */
  g_clear_pointer (&breakers, g_ptr_array_unref);
  breakers = map_breakers (op, "{\"status\":\"ok\"}");
  g_assert_cmpuint (breakers->len, ==, 0);
}

/* The rules themselves, on a test connector */

#define RULES_CONNECTOR \
  "{\"format\": 1, \"id\": \"r\", \"name\": \"R\", \"operations\": {" \
  " \"mode\": {\"method\": \"GET\", \"path\": \"/m\", \"result\": \"/data\"," \
  "   \"trading\": {\"pointer\": \"/mode\", \"halted\": [\"Halted\", \"KILLED\"], \"active\": [\"active\", true]," \
  "                 \"reducing\": [\"reduce_only\"]}}," \
  " \"inverted\": {\"method\": \"GET\", \"path\": \"/i\"," \
  "   \"trading\": {\"pointer\": \"/enabled\", \"halted\": [true], \"active\": [false], \"invert\": true}}," \
  " \"limits\": {\"method\": \"GET\", \"path\": \"/l\", \"result\": \"/risk\"," \
  "   \"breakers\": {\"items\": [" \
  "     {\"id\": \"losses\", \"value\": \"/losses\", \"limit\": 4}," \
  "     {\"id\": \"dd\", \"label\": \"Drawdown\", \"kind\": \"loss\", \"unit\": \"percent\", \"value\": \"/dd\", \"limit\": \"/max_dd\"}]," \
  "     \"reset\": \"reset.one\"}}," \
  " \"sources\": {\"method\": \"GET\", \"path\": \"/s\"," \
  "   \"breakers\": {\"pointer\": \"/list\", \"id\": \"/name\", \"label\": \"/title\", \"kind\": \"count\"," \
  "     \"map\": {\"failure_count\": \"/fails\"}," \
  "     \"state\": {\"pointer\": \"/s\", \"closed\": [\"ok\"], \"open\": [\"tripped\", true], \"half_open\": [\"probing\"]}}}," \
  " \"plain\": {\"method\": \"GET\", \"path\": \"/p\"," \
  "   \"breakers\": {\"pointer\": \"\", \"state\": {\"open\": [\"open\"], \"closed\": [\"closed\"]}}}," \
  " \"reset.one\": {\"method\": \"POST\", \"path\": \"/r\", \"query\": {\"name\": \"${breaker}\"}}" \
  "}}"

static void
test_rules (void)
{
  g_autoptr(TwConnector) connector = load (RULES_CONNECTOR);
  const TwOperation *mode = tw_connector_get_operation (connector, "mode");
  const TwOperation *inverted = tw_connector_get_operation (connector, "inverted");
  const TwOperation *limits = tw_connector_get_operation (connector, "limits");
  const TwOperation *sources = tw_connector_get_operation (connector, "sources");
  const TwOperation *plain = tw_connector_get_operation (connector, "plain");
  const TwOperation *reset = tw_connector_get_operation (connector, "reset.one");
  g_autoptr(GPtrArray) breakers = NULL;

  /* Words ignore case; booleans, numbers and strings compare by their text. */
  g_assert_cmpint (eval_trading (mode, "{\"data\": {\"mode\": \"HALTED\"}}"), ==, TW_TRADING_HALTED);
  g_assert_cmpint (eval_trading (mode, "{\"data\": {\"mode\": \"killed\"}}"), ==, TW_TRADING_HALTED);
  g_assert_cmpint (eval_trading (mode, "{\"data\": {\"mode\": \"Reduce_Only\"}}"), ==, TW_TRADING_REDUCING);
  g_assert_cmpint (eval_trading (mode, "{\"data\": {\"mode\": \"Active\"}}"), ==, TW_TRADING_ACTIVE);
  g_assert_cmpint (eval_trading (mode, "{\"data\": {\"mode\": true}}"), ==, TW_TRADING_ACTIVE);
  g_assert_cmpint (eval_trading (mode, "{\"data\": {\"mode\": \"true\"}}"), ==, TW_TRADING_ACTIVE);
  g_assert_cmpint (eval_trading (mode, "{\"data\": {\"mode\": \"paused\"}}"), ==, TW_TRADING_UNKNOWN);
  g_assert_cmpint (eval_trading (mode, "{\"data\": {\"mode\": {\"a\": 1}}}"), ==, TW_TRADING_UNKNOWN);
  g_assert_cmpint (eval_trading (mode, "{\"data\": {}}"), ==, TW_TRADING_UNKNOWN);
  g_assert_cmpint (eval_trading (inverted, "{\"enabled\": true}"), ==, TW_TRADING_ACTIVE);
  g_assert_cmpint (eval_trading (inverted, "{\"enabled\": false}"), ==, TW_TRADING_HALTED);
  g_assert_cmpint (eval_trading (inverted, "{\"enabled\": \"maybe\"}"), ==, TW_TRADING_UNKNOWN);
  g_assert_cmpint (tw_operation_eval_trading (mode, NULL), ==, TW_TRADING_UNKNOWN);
  /* No rule: unknown, and no breakers without an error. */
  g_assert_cmpint (eval_trading (limits, "{\"risk\": {}}"), ==, TW_TRADING_UNKNOWN);
  {
    g_autoptr(JsonNode) root = parse ("{\"data\": {\"mode\": \"active\"}}");
    g_autoptr(GPtrArray) none = g_ptr_array_new_with_free_func (g_object_unref);
    g_autoptr(GError) error = NULL;

    g_assert_false (tw_operation_map_breakers (mode, root, none, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (none->len, ==, 0);
    g_assert_null (tw_operation_get_breaker_reset (mode));
  }

  /* Fixed list: a number as the limit; strings holding numbers; limit reached is open. */
  breakers = map_breakers (limits, "{\"risk\": {\"losses\": 4, \"dd\": \"2.5\", \"max_dd\": \"10\"}}");
  g_assert_cmpuint (breakers->len, ==, 2);
  g_assert_cmpstr (tw_breaker_get_label (breaker_at (breakers, 0)), ==, "losses");
  g_assert_null (tw_breaker_get_kind (breaker_at (breakers, 0)));
  g_assert_cmpstr (tw_breaker_get_unit (breaker_at (breakers, 0)), ==, "count");
  g_assert_cmpfloat (tw_breaker_get_limit (breaker_at (breakers, 0)), ==, 4);
  g_assert_cmpint (tw_breaker_get_state (breaker_at (breakers, 0)), ==, TW_BREAKER_OPEN);
  g_assert_true (tw_breaker_get_can_reset (breaker_at (breakers, 0)));
  g_assert_cmpstr (tw_breaker_get_label (breaker_at (breakers, 1)), ==, "Drawdown");
  g_assert_cmpfloat (tw_breaker_get_value (breaker_at (breakers, 1)), ==, 2.5);
  g_assert_cmpfloat (tw_breaker_get_limit (breaker_at (breakers, 1)), ==, 10);
  g_assert_cmpint (tw_breaker_get_state (breaker_at (breakers, 1)), ==, TW_BREAKER_CLOSED);
  g_assert_cmpstr (tw_operation_get_breaker_reset (limits), ==, "reset.one");
  g_assert_nonnull (reset);

  /* A value the answer lacks: unknown; a zero limit never trips. */
  g_clear_pointer (&breakers, g_ptr_array_unref);
  breakers = map_breakers (limits, "{\"risk\": {\"dd\": 50, \"max_dd\": 0}}");
  g_assert_cmpint (tw_breaker_get_state (breaker_at (breakers, 0)), ==, TW_BREAKER_UNKNOWN);
  g_assert_cmpint (tw_breaker_get_state (breaker_at (breakers, 1)), ==, TW_BREAKER_CLOSED);

  /* A value that is not a number: an error naming the breaker, nothing appended. */
  {
    g_autoptr(JsonNode) root = parse ("{\"risk\": {\"losses\": 1, \"dd\": \"abc\"}}");
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_object_unref);
    g_autoptr(GError) error = NULL;

    g_assert_false (tw_operation_map_breakers (limits, root, out, &error));
    g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
    g_assert_nonnull (strstr (error->message, "R: operation \"limits\": breaker \"dd\": \"/dd\": "));
    g_assert_cmpuint (out->len, ==, 0);
  }

  /* Array collection: id and label by pointer, booleans as states, "map". */
  g_clear_pointer (&breakers, g_ptr_array_unref);
  breakers = map_breakers (sources, "{\"list\": [{\"name\": \"feed\", \"title\": \"Market feed\", \"s\": \"TRIPPED\", \"fails\": \"7\"},"
                                    " {\"name\": \"news\", \"s\": \"probing\", \"fails\": 1},"
                                    " {\"s\": true}, {\"name\": \"x\", \"s\": \"weird\"}]}");
  g_assert_cmpuint (breakers->len, ==, 4);
  g_assert_cmpstr (tw_breaker_get_id (breaker_at (breakers, 0)), ==, "feed");
  g_assert_cmpstr (tw_breaker_get_label (breaker_at (breakers, 0)), ==, "Market feed");
  g_assert_cmpstr (tw_breaker_get_kind (breaker_at (breakers, 0)), ==, "count");
  g_assert_cmpint (tw_breaker_get_state (breaker_at (breakers, 0)), ==, TW_BREAKER_OPEN);
  g_assert_cmpuint (tw_breaker_get_failure_count (breaker_at (breakers, 0)), ==, 7);
  g_assert_false (tw_breaker_get_can_reset (breaker_at (breakers, 0)));
  g_assert_cmpstr (tw_breaker_get_label (breaker_at (breakers, 1)), ==, "news");
  g_assert_cmpint (tw_breaker_get_state (breaker_at (breakers, 1)), ==, TW_BREAKER_HALF_OPEN);
  g_assert_cmpstr (tw_breaker_get_id (breaker_at (breakers, 2)), ==, "2");
  g_assert_cmpint (tw_breaker_get_state (breaker_at (breakers, 2)), ==, TW_BREAKER_OPEN);
  g_assert_cmpint (tw_breaker_get_state (breaker_at (breakers, 3)), ==, TW_BREAKER_UNKNOWN);

  /* Object collection whose values are the states themselves. */
  g_clear_pointer (&breakers, g_ptr_array_unref);
  breakers = map_breakers (plain, "{\"a\": \"OPEN\", \"b\": \"closed\"}");
  g_assert_cmpuint (breakers->len, ==, 2);
  g_assert_cmpstr (tw_breaker_get_id (breaker_at (breakers, 0)), ==, "a");
  g_assert_cmpint (tw_breaker_get_state (breaker_at (breakers, 0)), ==, TW_BREAKER_OPEN);
  g_assert_cmpint (tw_breaker_get_state (breaker_at (breakers, 1)), ==, TW_BREAKER_CLOSED);

  /* A single value where the collection should be: an error. */
  {
    g_autoptr(JsonNode) root = parse ("{\"list\": 3}");
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_object_unref);
    g_autoptr(GError) error = NULL;

    g_assert_false (tw_operation_map_breakers (sources, root, out, &error));
    g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
    g_assert_cmpstr (error->message, ==, "R: operation \"sources\": \"breakers\": expected an object "
                     "or a list at \"/list\" but the answer has a single value there");
  }

  g_assert_finalize_object (g_steal_pointer (&connector));
}

/* The loader's refusals of bad rules */

#define HEAD "\"format\": 1, \"id\": \"x\", \"name\": \"X\""
#define OP(rules) "{" HEAD ", \"operations\": {\"s\": {\"method\": \"GET\", \"path\": \"/s\", " rules "}}}"
#define OP2(rules, other) "{" HEAD ", \"operations\": {\"s\": {\"method\": \"GET\", \"path\": \"/s\", " rules "}, " other "}}"

typedef struct
{
  const char *json;
  const char *message;
} BadRule;

static const BadRule bad_rules[] = {
  { OP ("\"trading\": [true]"), "x.json: operation \"s\": \"trading\" must be an object, not an array" },
  { OP ("\"trading\": {\"halted\": [true]}"),
    "x.json: operation \"s\": \"trading\": \"pointer\" is missing (where the answer says whether it trades, e.g. \"/trading_halted\")" },
  { OP ("\"trading\": {\"pointer\": \"halted\", \"halted\": [true]}"),
    "x.json: operation \"s\": \"trading\": \"pointer\": \"halted\" is not a JSON Pointer (write \"\" or \"/name\", with \"~1\" for \"/\" and \"~0\" for \"~\")" },
  { OP ("\"trading\": {\"pointer\": \"/h\", \"active\": [false]}"),
    "x.json: operation \"s\": \"trading\": \"halted\" must list at least one value (e.g. [true])" },
  { OP ("\"trading\": {\"pointer\": \"/h\", \"halted\": true}"),
    "x.json: operation \"s\": \"trading\": \"halted\" must be an array of words, not a boolean" },
  { OP ("\"trading\": {\"pointer\": \"/h\", \"halted\": [1]}"),
    "x.json: operation \"s\": \"trading\": \"halted\" may only hold strings and booleans, not a number" },
  { OP ("\"trading\": {\"pointer\": \"/h\", \"halted\": [\"Off\"], \"active\": [\"OFF\"]}"),
    "x.json: operation \"s\": \"trading\": \"off\" is listed twice" },
  { OP ("\"trading\": {\"pointer\": \"/h\", \"halted\": [true], \"halt\": [false]}"),
    "x.json: operation \"s\": \"trading\": unknown key \"halt\" (expected one of pointer, active, reducing, halted, invert)" },
  { OP ("\"trading\": {\"pointer\": \"/h\", \"halted\": [true], \"invert\": \"yes\"}"),
    "x.json: operation \"s\": \"trading\": \"invert\" must be true or false, not a string" },
  { OP ("\"breakers\": {}"),
    "x.json: operation \"s\": \"breakers\": \"items\" or \"pointer\" is missing (a fixed list of limit breakers, or where the collection of breakers is)" },
  { OP ("\"breakers\": {\"items\": [], \"pointer\": \"/b\"}"),
    "x.json: operation \"s\": \"breakers\": give either \"items\" (a fixed list of limit breakers) or \"pointer\" (a collection of breakers), not both" },
  { OP ("\"breakers\": {\"items\": []}"), "x.json: operation \"s\": \"breakers\": \"items\" must list at least one breaker" },
  { OP ("\"breakers\": {\"items\": {}}"), "x.json: operation \"s\": \"breakers\": \"items\" must be an array, not an object" },
  { OP ("\"breakers\": {\"items\": [{\"value\": \"/v\"}]}"), "x.json: operation \"s\": \"breakers\": \"items\"[0]: \"id\" is missing" },
  { OP ("\"breakers\": {\"items\": [{\"id\": \"a\"}]}"),
    "x.json: operation \"s\": \"breakers\": \"items\"[0]: \"value\" is missing (a JSON Pointer to the breaker's current value, e.g. \"/consecutive_losses\")" },
  { OP ("\"breakers\": {\"items\": [{\"id\": \"a\", \"value\": \"/a\"}, {\"id\": \"a\", \"value\": \"/b\"}]}"),
    "x.json: operation \"s\": \"breakers\": \"items\"[1]: breaker \"a\" is listed twice" },
  { OP ("\"breakers\": {\"items\": [{\"id\": \"a\", \"value\": \"a\"}]}"),
    "x.json: operation \"s\": \"breakers\": \"items\"[0]: \"value\": \"a\" is not a JSON Pointer …" },
  { OP ("\"breakers\": {\"items\": [{\"id\": \"a\", \"value\": \"/a\", \"limit\": \"max\"}]}"),
    "x.json: operation \"s\": \"breakers\": \"items\"[0]: \"limit\": \"max\" is not a JSON Pointer (write \"/name\", or a number)" },
  { OP ("\"breakers\": {\"items\": [{\"id\": \"a\", \"value\": \"/a\", \"limit\": true}]}"),
    "x.json: operation \"s\": \"breakers\": \"items\"[0]: \"limit\" must be a JSON Pointer or a number, not a boolean" },
  { OP ("\"breakers\": {\"items\": [{\"id\": \"a\", \"value\": \"/a\", \"kind\": \"los\"}]}"),
    "x.json: operation \"s\": \"breakers\": \"items\"[0]: \"kind\" must be one of \"loss\", \"source\", \"count\", not \"los\"" },
  { OP ("\"breakers\": {\"items\": [{\"id\": \"a\", \"value\": \"/a\", \"unit\": \"%\"}]}"),
    "x.json: operation \"s\": \"breakers\": \"items\"[0]: \"unit\" must be one of \"count\", \"percent\", not \"%\"" },
  { OP ("\"breakers\": {\"items\": [{\"id\": \"a\", \"value\": \"/a\", \"state\": \"/s\"}]}"),
    "x.json: operation \"s\": \"breakers\": \"items\"[0]: unknown key \"state\" …" },
  { OP ("\"breakers\": {\"items\": [{\"id\": \"a\", \"value\": \"/a\"}], \"kind\": \"loss\"}"),
    "x.json: operation \"s\": \"breakers\": \"kind\" belongs to a collection (\"pointer\"); with \"items\", give it in each item" },
  { OP ("\"breakers\": {\"pointer\": \"/b\", \"id\": \"name\"}"),
    "x.json: operation \"s\": \"breakers\": \"id\" must be \"@key\" or a JSON Pointer, not \"name\"" },
  { OP ("\"breakers\": {\"pointer\": \"/b\", \"map\": {\"failure-count\": \"fails\"}}"),
    "x.json: operation \"s\": \"breakers\": \"map\": \"failure-count\": \"fails\" is not a JSON Pointer" },
  { OP ("\"breakers\": {\"pointer\": \"/b\", \"state\": {\"pointer\": \"/s\", \"closed\": [\"ok\"]}}"),
    "x.json: operation \"s\": \"breakers\": \"state\": \"open\" must list at least one word (e.g. [\"OPEN\"])" },
  { OP ("\"breakers\": {\"pointer\": \"/b\", \"state\": {\"open\": [\"x\"], \"halfopen\": [\"y\"]}}"),
    "x.json: operation \"s\": \"breakers\": \"state\": unknown key \"halfopen\" (expected one of pointer, closed, open, half_open)" },
  { OP ("\"breakers\": {\"pointer\": \"/b\", \"state\": {\"open\": [\"x\"], \"half_open\": [\"X\"]}}"),
    "x.json: operation \"s\": \"breakers\": \"state\": \"x\" is listed twice" },
  { OP ("\"breakers\": {\"pointer\": \"/b\", \"reset_instruction\": \"\"}"),
    "x.json: operation \"s\": \"breakers\": \"reset_instruction\" must say how to reset a breaker by hand (or be left out)" },
  { OP ("\"unchanged\": \"\""),
    "x.json: operation \"s\": \"unchanged\" must say why the state may not change (or be left out)" },
  { OP ("\"breakers\": {\"pointer\": \"/b\", \"reset\": \"\"}"),
    "x.json: operation \"s\": \"breakers\": \"reset\" must name an operation (e.g. \"breakers.reset\"), not \"\"" },
  { OP ("\"breakers\": {\"pointer\": \"/b\", \"reset\": \"breakers.rest\"}"),
    "x.json: operation \"s\": \"breakers\": \"reset\" names operation \"breakers.rest\", which this connector does not have" },
  { OP2 ("\"breakers\": {\"pointer\": \"/b\", \"reset\": \"r\"}", "\"r\": {\"method\": \"POST\", \"path\": \"/reset/${source}\"}"),
    "x.json: operation \"s\": \"breakers\": \"reset\" names operation \"r\", which does not use \"${breaker}\" (its path, query or body must name the breaker to reset)" },
  { OP ("\"map\": {\"reason\": {\"pointer\": \"/r\", \"required\": true, \"clear\": true}}"),
    "x.json: operation \"s\": \"map\": \"reason\": \"required\" and \"clear\" exclude each other (a required field is never missing)" },
  { OP ("\"map\": {\"reason\": {\"pointer\": \"/r\", \"clear\": 1}}"),
    "x.json: operation \"s\": \"map\": \"reason\": \"clear\" must be true or false, not a number" },
  { OP ("\"tradin\": {}"), "x.json: operation \"s\": unknown key \"tradin\" (expected one of …" },
};

static void
test_bad_rules (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_rules); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TwConnector) connector = NULL;
      const char *expected = bad_rules[i].message;

      g_test_message ("bad rule %u: %s", i, bad_rules[i].json);
      connector = tw_connector_new_from_data (bad_rules[i].json, -1, "x.json", &error);
      g_assert_null (connector);
      g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);

      if (g_str_has_suffix (expected, "…"))
        {
          g_autofree char *prefix = g_strndup (expected, strlen (expected) - strlen ("…"));

          if (!g_str_has_prefix (error->message, prefix))
            g_error ("bad rule %u: got \"%s\", expected it to start with \"%s\"", i, error->message, prefix);
        }
      else if (g_strcmp0 (error->message, expected) != 0)
        g_error ("bad rule %u: got \"%s\", expected \"%s\"", i, error->message, expected);
    }
}

/* Requests: each operation's method, path and body for given variables */

typedef struct
{
  const char *connector;
  const char *operation;
  const char *vars;      /* "name=value|name=value", or NULL */
  const char *method;
  const char *path;
  const char *body;      /* NULL: none */
} RequestCase;

static const RequestCase requests[] = {
  /* risk controls */
  { "investiq", "trading.status", NULL, "GET", "/api/risk/circuit-breakers", NULL },
  { "investiq", "trading.halt", "reason=Losing \"streak\"|actor=alice", "POST", "/api/risk/trading-halt",
    "{\"halt\":true,\"reason\":\"Losing \\\"streak\\\"\"}" },
  { "investiq", "trading.resume", "reason=Root cause fixed, checks green|actor=bob", "POST", "/api/risk/trading-halt",
    "{\"halt\":false,\"reason\":\"Root cause fixed, checks green\"}" },
  { "investiq", "risk.parameters.get", NULL, "GET", "/api/risk/parameters", NULL },
  { "investiq", "risk.parameters.set",
    "max_position_size=0.05|max_consecutive_losses=4|daily_loss_limit_percent=4.5|account_drawdown_limit_percent=10.0|stop_loss_percent=2",
    "PUT", "/api/risk/parameters",
    "{\"max_position_size\":0.05,\"max_consecutive_losses\":4,\"daily_loss_limit_percent\":4.5,"
    "\"account_drawdown_limit_percent\":10.0,\"stop_loss_percent\":2}" },
  { "ibkr-assistant", "killswitch.status", NULL, "GET", "/api/v1/kill-switch/status", NULL },
  { "ibkr-assistant", "killswitch.activate", "reason=Runaway orders|actor=alice", "POST", "/api/v1/kill-switch/activate",
    "{\"reason\":\"Runaway orders\",\"activated_by\":\"alice\"}" },
  { "ibkr-assistant", "killswitch.deactivate", "reason=Orders reconciled|actor=alice", "POST", "/api/v1/kill-switch/deactivate",
    "{\"reason\":\"Orders reconciled\"}" },
  { "ibkr-assistant", "trading.status", NULL, "GET", "/api/v1/kill-switch/status", NULL },
  { "ibkr-assistant", "trading.halt", "reason=Halted from Trade Warden by alice|actor=alice", "POST",
    "/api/v1/kill-switch/activate", "{\"reason\":\"Halted from Trade Warden by alice\",\"activated_by\":\"alice\"}" },
  { "ibkr-assistant", "trading.resume", "reason=All clear after review|actor=alice", "POST",
    "/api/v1/kill-switch/deactivate", "{\"reason\":\"All clear after review\"}" },
  /* 001: no body on either */
  { "ai-trading", "trading.halt", "reason=Model drift|actor=carol", "POST", "/api/trading/disable", NULL },
  { "ai-trading", "trading.emergency_stop", "reason=x|actor=carol", "POST", "/api/trading/emergency-stop", NULL },
  { "autotrader", "breakers.list", NULL, "GET", "/api/health/circuit-breakers", NULL },
  { "alpaca", "trading.status", NULL, "GET", "/v2/account/configurations", NULL },
  { "alpaca", "trading.halt", "reason=x|actor=y", "PATCH", "/v2/account/configurations", "{\"suspend_trade\":true}" },
  { "alpaca", "trading.resume", "reason=x|actor=y", "PATCH", "/v2/account/configurations", "{\"suspend_trade\":false}" },
  { "alpaca", "account.status", NULL, "GET", "/v2/account", NULL },
  /* positions and orders */
  { "alpaca", "account.get", NULL, "GET", "/v2/account", NULL },
  { "alpaca", "positions.list", NULL, "GET", "/v2/positions", NULL },
  { "alpaca", "positions.close", "symbol=AAPL", "DELETE", "/v2/positions/AAPL", NULL },
  { "alpaca", "positions.close", "symbol=AAPL|qty=10", "DELETE", "/v2/positions/AAPL?qty=10", NULL },
  { "alpaca", "positions.close", "symbol=BRK/B|percentage=25.5", "DELETE", "/v2/positions/BRK%2FB?percentage=25.5", NULL },
  { "alpaca", "positions.close_all", NULL, "DELETE", "/v2/positions?cancel_orders=true", NULL },
  { "alpaca", "orders.list", NULL, "GET", "/v2/orders?status=open&limit=500&direction=desc", NULL },
  { "alpaca", "orders.cancel", "id=61e69015-8549-4bfd-b9c3-01e75843f47d", "DELETE",
    "/v2/orders/61e69015-8549-4bfd-b9c3-01e75843f47d", NULL },
  { "alpaca", "orders.cancel_all", NULL, "DELETE", "/v2/orders", NULL },
  { "alpaca", "clock.get", NULL, "GET", "/v2/clock", NULL },
  { "alpaca", "config.get", NULL, "GET", "/v2/account/configurations", NULL },
  { "alpaca", "config.set", "config={\"no_shorting\":true}", "PATCH", "/v2/account/configurations",
    "{\"no_shorting\":true}" },
  { "investiq", "account.get", NULL, "GET", "/api/broker/account", NULL },
  { "investiq", "positions.list", NULL, "GET", "/api/broker/positions", NULL },
  { "investiq", "positions.close", "symbol=MSFT", "DELETE", "/api/broker/close/MSFT", NULL },
  { "investiq", "trades.list", "days=7", "GET", "/api/portfolio/trades?days=7", NULL },
  { "ibkr-assistant", "orders.list", NULL, "GET", "/api/v1/orders?status=PENDING", NULL },
  { "ibkr-assistant", "orders.get", "id=ord-1001", "GET", "/api/v1/orders/ord-1001", NULL },
  { "ibkr-assistant", "orders.cancel", "id=ord-1001", "POST", "/api/v1/orders/ord-1001/cancel", NULL },
  /* keyed by the order's id (003, Stuck Order Resolution) */
  { "ibkr-assistant", "approvals.status", "id=ord-1001", "GET", "/api/v1/approvals/ord-1001/status", NULL },
  { "ibkr-assistant", "approvals.invalidate", "id=ord-1001", "POST", "/api/v1/approvals/ord-1001/invalidate", NULL },
};

static GHashTable *
parse_vars (const char *spec)
{
  GHashTable *vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) pairs = NULL;

  if (spec == NULL)
    return vars;
  pairs = g_strsplit (spec, "|", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *eq = strchr (pairs[i], '=');

      g_assert_nonnull (eq);
      g_hash_table_insert (vars, g_strndup (pairs[i], eq - pairs[i]), g_strdup (eq + 1));
    }
  return vars;
}

static char *
lookup_secret (const char  *name,
               gpointer     user_data,
               GError     **error)
{
  if (g_str_equal (name, "live_trading_key"))
    return g_strdup ("live-123");
  return g_strdup ("k-1");
}

static void
test_requests (void)
{
  g_autoptr(TwConnectorRegistry) registry = load_registry ();

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      const RequestCase *c = &requests[i];
      const TwOperation *op = shipped_op (registry, c->connector, c->operation);
      g_autoptr(GHashTable) vars = parse_vars (c->vars);
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      g_autofree char *body = NULL;

      g_test_message ("%s %s", c->connector, c->operation);
      g_assert_cmpstr (tw_operation_get_method (op), ==, c->method);
      path = tw_operation_expand_path (op, vars, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (path, ==, c->path);
      body = tw_operation_expand_body (op, vars, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (body, ==, c->body);
      if (body != NULL)
        {
          /* Always valid JSON. */
          g_autoptr(JsonNode) node = parse (body);
        }
    }

  /* The halts need a reason and an actor: no silent empty reason. */
  {
    const TwOperation *op = shipped_op (registry, "investiq", "trading.halt");
    g_autoptr(GHashTable) vars = parse_vars ("actor=alice");
    g_autoptr(GError) error = NULL;

    g_assert_null (tw_operation_expand_body (op, vars, &error));
    g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  }

  /* risk.parameters.set takes numbers, not text that would break the JSON. */
  {
    const TwOperation *op = shipped_op (registry, "investiq", "risk.parameters.set");
    g_autoptr(GHashTable) vars = parse_vars ("max_position_size=0.1|max_consecutive_losses=3|"
                                             "daily_loss_limit_percent=five|account_drawdown_limit_percent=10|stop_loss_percent=2");
    g_autoptr(GError) error = NULL;

    g_assert_null (tw_operation_expand_body (op, vars, &error));
    g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  }

  /* InvestIQ's close sends the live-trading key; its other operations do not. */
  {
    const TwOperation *close = shipped_op (registry, "investiq", "positions.close");
    const TwOperation *list = shipped_op (registry, "investiq", "positions.list");
    g_autoptr(GHashTable) headers = tw_operation_expand_headers (close, NULL, lookup_secret, NULL, NULL);
    g_autoptr(GHashTable) list_headers = tw_operation_expand_headers (list, NULL, lookup_secret, NULL, NULL);

    g_assert_cmpstr (g_hash_table_lookup (headers, "X-Live-Trading-Key"), ==, "live-123");
    g_assert_cmpstr (g_hash_table_lookup (headers, "X-API-Key"), ==, "k-1");
    g_assert_null (g_hash_table_lookup (list_headers, "X-Live-Trading-Key"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/connector/risk/investiq", test_investiq);
  g_test_add_func ("/tw/core/connector/risk/ibkr-assistant", test_ibkr_assistant);
  g_test_add_func ("/tw/core/connector/risk/ai-trading", test_ai_trading);
  g_test_add_func ("/tw/core/connector/risk/alpaca", test_alpaca);
  g_test_add_func ("/tw/core/connector/risk/autotrader", test_autotrader);
  g_test_add_func ("/tw/core/connector/risk/rules", test_rules);
  g_test_add_func ("/tw/core/connector/risk/bad-rules", test_bad_rules);
  g_test_add_func ("/tw/core/connector/risk/requests", test_requests);

  return g_test_run ();
}
