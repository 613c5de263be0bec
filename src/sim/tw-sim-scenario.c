/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-sim-risk.h"
#include "tw-sim-trading.h"
#include "tw-sim-flags.h"
#include "tw-sim-demo-logs-private.h"
#include "tw-error.h"

/* POST /_sim/scenario {"name": …, args…} → 200 {"scenario": name, "ok": true}; errors
 * {"error": "…"} 400 like the rest of the control API. */

/* The scenario tables: one line per table. */
static const TwSimScenario * const scenario_tables[] = {
  tw_sim_risk_scenarios,          /* risk controls: below */
  tw_sim_trading_scenarios,       /* positions and orders: tw-sim-trading-common.c */
  tw_sim_flag_scenarios,          /* feature flags: tw-sim-flags.c */
  tw_sim_log_scenarios,           /* the demo's log files: tw-sim-demo-logs.c */
  NULL
};

/* ---- argument helpers ---- */

static gboolean
get_number (JsonObject  *args,
            const char  *name,
            gboolean     required,
            double      *value,
            GError     **error)
{
  JsonNode *node = json_object_get_member (args, name);
  GType t = node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node)
                                                        : G_TYPE_INVALID;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                     "The scenario needs a number “%s”", name);
      return !required;
    }
  if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID, "“%s” must be a number", name);
      return FALSE;
    }
  *value = json_node_get_double (node);
  return TRUE;
}

static const char *
get_string (JsonObject *args,
            const char *name,
            const char *fallback)
{
  JsonNode *node = json_object_get_member (args, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return fallback;
  return json_node_get_string (node);
}

static TwSimSource *
get_source (TwSimRisk   *risk,
            JsonObject  *args,
            GError     **error)
{
  const char *name = get_string (args, "source", NULL);
  TwSimSource *s = tw_sim_risk_get_source (risk, name);

  if (s == NULL)
    g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                 "Unknown Autotrader source “%s”: use coingecko_api, dexscreener, blockscout "
                 "or ethereum_rpc",
                 name != NULL ? name : "");
  return s;
}

/* ---- risk-control scenarios ---- */

static gboolean
losing_streak (TwSim       *sim,
               JsonObject  *args,
               GError     **error)
{
  TwSimFirm *firm = _tw_sim_get_firm (sim);
  TwSimInvestiq *iq = &tw_sim_firm_get_risk (firm)->investiq;
  static const char * const symbols[] = { "AAPL", "MSFT", "NVDA", "AMD", "TSLA", "SPY" };
  guint n = 3;

  /* Enough losses to reach the limit from where the count stands (3 from zero). */
  if (iq->max_consecutive_losses > iq->consecutive_losses)
    n = iq->max_consecutive_losses - iq->consecutive_losses;
  else
    n = 1;
  for (guint i = 0; i < n; i++)
    {
      double loss = 0.002 * tw_sim_risk_get_equity (tw_sim_firm_get_risk (firm));

      tw_sim_firm_book_trade (firm, symbols[i % G_N_ELEMENTS (symbols)],
                              -((double) (gint64) (loss * 100)) / 100);
    }
  return TRUE;
}

static gboolean
daily_loss (TwSim       *sim,
            JsonObject  *args,
            GError     **error)
{
  TwSimFirm *firm = _tw_sim_get_firm (sim);
  TwSimRisk *risk = tw_sim_firm_get_risk (firm);
  double percent, target, loss;

  if (!get_number (args, "percent", TRUE, &percent, error))
    return FALSE;
  if (!(percent > 0 && percent < 100))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   "“percent” must be between 0 and 100, e.g. 4.2");
      return FALSE;
    }

  /* One losing trade brings the day's P/L down to -percent of the day's start. */
  target = risk->investiq.day_start_equity * (1.0 - percent / 100.0);
  loss = tw_sim_risk_get_equity (risk) - target;
  if (loss > 0)
    tw_sim_firm_book_trade (firm, "SPY", -loss);
  return TRUE;
}

static gboolean
trade (TwSim       *sim,
       JsonObject  *args,
       GError     **error)
{
  double pnl;

  if (!get_number (args, "pnl", TRUE, &pnl, error))
    return FALSE;
  tw_sim_firm_book_trade (_tw_sim_get_firm (sim), get_string (args, "symbol", "SPY"), pnl);
  return TRUE;
}

static gboolean
source_outage (TwSim       *sim,
               JsonObject  *args,
               GError     **error)
{
  TwSimRisk *risk = tw_sim_firm_get_risk (_tw_sim_get_firm (sim));
  TwSimSource *s = get_source (risk, args, error);
  double timeout = 0, threshold = 0;

  if (s == NULL ||
      !get_number (args, "recovery_timeout", FALSE, &timeout, error) ||
      !get_number (args, "failure_threshold", FALSE, &threshold, error))
    return FALSE;
  if (timeout < 0 || timeout > 3600 || threshold < 0 || threshold > 1000)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   "“recovery_timeout” must be 1–3600 seconds and “failure_threshold” "
                   "1–1000");
      return FALSE;
    }
  if (threshold >= 1)
    s->failure_threshold = (guint) threshold;
  tw_sim_risk_source_set_outage (risk, s, TRUE, (guint) timeout);
  return TRUE;
}

static gboolean
source_recover (TwSim       *sim,
                JsonObject  *args,
                GError     **error)
{
  TwSimRisk *risk = tw_sim_firm_get_risk (_tw_sim_get_firm (sim));
  TwSimSource *s = get_source (risk, args, error);

  if (s == NULL)
    return FALSE;
  tw_sim_risk_source_set_outage (risk, s, FALSE, 0);
  return TRUE;
}

/* The runbook's manual reset, a Python call into the registry, not an HTTP route
 * (004, "Circuit Breaker Trips"): CIRCUIT_REGISTRY.get_monitor(NAME).reset(). */
static gboolean
source_reset (TwSim       *sim,
              JsonObject  *args,
              GError     **error)
{
  TwSimRisk *risk = tw_sim_firm_get_risk (_tw_sim_get_firm (sim));
  TwSimSource *s = get_source (risk, args, error);

  if (s == NULL)
    return FALSE;
  tw_sim_risk_source_reset (risk, s);
  return TRUE;
}

static gboolean
external_halt (TwSim       *sim,
               JsonObject  *args,
               GError     **error)
{
  TwSimFirm *firm = _tw_sim_get_firm (sim);
  TwSimRisk *risk = tw_sim_firm_get_risk (firm);
  const char *flavor = get_string (args, "flavor", NULL);
  const char *by = get_string (args, "by", "ops-oncall");
  const char *reason = get_string (args, "reason", "Halted from outside Trade Warden");

  if (g_strcmp0 (flavor, "investiq") == 0)
    tw_sim_risk_halt (risk, reason, by);
  else if (g_strcmp0 (flavor, "ibkr-assistant") == 0)
    {
      if (!risk->kill_switch.forced_by_env)
        tw_sim_risk_kill_switch_set (risk, TRUE, reason, by);
    }
  else if (g_strcmp0 (flavor, "ai-trading") == 0)
    tw_sim_risk_ai_set_enabled (risk, FALSE, reason, by);
  else if (g_strcmp0 (flavor, "alpaca") == 0)
    tw_sim_risk_alpaca_set_suspend (risk, firm, TRUE);
  else
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   "The external-halt scenario needs “flavor”: investiq, ibkr-assistant, "
                   "ai-trading or alpaca (the Autotrader cannot be halted)");
      return FALSE;
    }
  return TRUE;
}

static gboolean
reset (TwSim       *sim,
       JsonObject  *args,
       GError     **error)
{
  TwSimAccount *account = tw_sim_firm_get_account (_tw_sim_get_firm (sim));

  tw_sim_risk_reset (_tw_sim_get_firm (sim));
  account->trading_blocked = FALSE;
  account->account_blocked = FALSE;
  return TRUE;
}

const TwSimScenario tw_sim_risk_scenarios[] = {
  { "losing-streak", losing_streak },
  { "daily-loss", daily_loss },
  { "trade", trade },
  { "source-outage", source_outage },
  { "source-recover", source_recover },
  { "source-reset", source_reset },
  { "external-halt", external_halt },
  { "reset", reset },
  { NULL }
};

/* ---- the route ---- */

static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const char        *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  tw_sim_reply_builder (msg, status, b);
}

static const TwSimScenario *
lookup (const char *name)
{
  for (guint t = 0; scenario_tables[t] != NULL; t++)
    for (const TwSimScenario *s = scenario_tables[t]; s->name != NULL; s++)
      if (g_strcmp0 (s->name, name) == 0)
        return s;
  return NULL;
}

static char *
list_names (void)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint t = 0; scenario_tables[t] != NULL; t++)
    for (const TwSimScenario *s = scenario_tables[t]; s->name != NULL; s++)
      g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "", s->name);
  return g_string_free (g_steal_pointer (&names), FALSE);
}

void
tw_sim_scenario_handle (TwSim             *sim,
                        SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  const TwSimScenario *scenario;
  JsonObject *args;
  const char *name;

  if (!g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
                   "Use POST /_sim/scenario with {\"name\": …}");
      return;
    }

  root = tw_sim_message_get_json (msg, &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST,
                   error != NULL ? error->message
                                 : "The scenario must be a JSON object with a \"name\"");
      return;
    }
  args = json_node_get_object (root);
  name = get_string (args, "name", NULL);
  scenario = lookup (name);
  if (scenario == NULL)
    {
      g_autofree char *names = list_names ();
      g_autofree char *message =
        g_strdup_printf ("Unknown scenario “%s”: use one of %s", name != NULL ? name : "",
                         names);

      reply_error (msg, SOUP_STATUS_BAD_REQUEST, message);
      return;
    }

  if (!scenario->run (sim, args, &error))
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }

  g_debug ("scenario %s played", scenario->name);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "scenario");
  json_builder_add_string_value (b, scenario->name);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
  tw_sim_reply_builder (msg, SOUP_STATUS_OK, b);
}
