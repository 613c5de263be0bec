/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim-risk.h"
#include "tw-util.h"
#include "tw-json.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>

/* The risk-control state of the simulated firm. Only its own main context touches a
 * TwSimRisk; the one thing shared between simulators of a process is the private
 * state directory used when TW_SIM_STATE_DIR is unset. */

#define TICK_MS              100
#define OUTAGE_CALL_US       (200 * G_TIME_SPAN_MILLISECOND)  /* calls during an outage */
#define PROBE_US             G_TIME_SPAN_SECOND               /* calls while up */
#define KILL_SWITCH_FILE     "kill_switch.json"

/* 004's data sources: its breakers are named as the registry names them
 * (CIRCUIT_REGISTRY.get_monitor("coingecko_api"), "Circuit Breaker Trips"), its rate
 * limits by provider (.rate_limits.coingecko, "Data Freshness Issues"). The names of the
 * other three, and the figures, are assumed. */
static const struct
{
  const char *name;
  const char *provider;
  guint       used;
  guint       limit;
} source_defaults[TW_SIM_N_SOURCES] = {
  { "coingecko_api", "coingecko", 22, 30 },
  /* over and near 004's 80 % warning, for the service page's level bars */
  { "dexscreener", "dexscreener", 255, 300 },
  { "blockscout", "blockscout", 45, 600 },
  { "ethereum_rpc", "ethereum_rpc", 790, 1000 },
};

void
tw_sim_builder_add_string_or_null (JsonBuilder *b,
                                   const char  *name,
                                   const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
tw_sim_builder_add_time_or_null (JsonBuilder *b,
                                 const char  *name,
                                 gint64       real_time_us)
{
  g_autofree char *text = real_time_us != 0 ? tw_sim_format_time (real_time_us, TRUE) : NULL;

  tw_sim_builder_add_string_or_null (b, name, text);
}

/* ---- InvestIQ ---- */

static gint
today (void)
{
  return (gint) (g_get_real_time () / (G_USEC_PER_SEC * (gint64) 86400));
}

static void
investiq_defaults (TwSimInvestiq *iq)
{
  g_clear_pointer (&iq->halt_reason, g_free);
  g_clear_pointer (&iq->halted_by, g_free);
  iq->halted = FALSE;
  iq->halted_at_us = 0;
  iq->consecutive_losses = 0;
  iq->booked_pnl = 0;
  iq->peak_equity = MAX (iq->base_equity, iq->day_start_equity);
  iq->day = today ();
  iq->max_position_size = 0.10;
  iq->max_consecutive_losses = 3;
  iq->daily_loss_limit_percent = 5.0;
  iq->account_drawdown_limit_percent = 10.0;
  iq->stop_loss_percent = 2.0;
}

double
tw_sim_risk_get_equity (TwSimRisk *risk)
{
  return risk->investiq.base_equity + risk->investiq.booked_pnl;
}

/* A new UTC day starts from the equity of the previous one. */
static void
roll_day (TwSimRisk *risk)
{
  gint now = today ();

  if (now != risk->investiq.day)
    {
      risk->investiq.day = now;
      risk->investiq.day_start_equity = tw_sim_risk_get_equity (risk);
    }
}

double
tw_sim_risk_get_daily_pnl (TwSimRisk *risk)
{
  roll_day (risk);
  return tw_sim_risk_get_equity (risk) - risk->investiq.day_start_equity;
}

double
tw_sim_risk_get_daily_loss_percent (TwSimRisk *risk)
{
  double pnl = tw_sim_risk_get_daily_pnl (risk);

  if (pnl >= 0 || risk->investiq.day_start_equity <= 0)
    return 0.0;
  return -pnl / risk->investiq.day_start_equity * 100.0;
}

double
tw_sim_risk_get_drawdown_percent (TwSimRisk *risk)
{
  double peak = risk->investiq.peak_equity;
  double equity = tw_sim_risk_get_equity (risk);

  if (peak <= 0 || equity >= peak)
    return 0.0;
  return (peak - equity) / peak * 100.0;
}

/* A limit reached, allowing for the rounding of sums of money. */
static gboolean
reached (double value,
         double limit)
{
  return value >= limit - 1e-9;
}

static char *
format_percent_sentence (const char *what,
                         double      value,
                         double      limit)
{
  char v[G_ASCII_DTOSTR_BUF_SIZE], l[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup_printf ("%s %s%% exceeds limit %s%%", what,
                          g_ascii_formatd (v, sizeof v, "%.1f", value),
                          g_ascii_formatd (l, sizeof l, "%.1f", limit));
}

/* The halt reasons are the runbook's (000, "CircuitBreakerTripped": "3 consecutive
 * losses", "Daily loss limit exceeded", "Account drawdown limit"); @detail, when given,
 * gets the numbers behind a loss limit. */
char *
tw_sim_risk_get_tripped (TwSimRisk  *risk,
                         gboolean    with_losses,
                         char      **detail)
{
  TwSimInvestiq *iq = &risk->investiq;
  double daily = tw_sim_risk_get_daily_loss_percent (risk);
  double drawdown = tw_sim_risk_get_drawdown_percent (risk);

  if (with_losses && iq->consecutive_losses >= iq->max_consecutive_losses)
    return g_strdup_printf ("%u consecutive losses", iq->consecutive_losses);
  if (reached (daily, iq->daily_loss_limit_percent))
    {
      if (detail != NULL)
        *detail = format_percent_sentence ("daily loss", daily, iq->daily_loss_limit_percent);
      return g_strdup ("Daily loss limit exceeded");
    }
  if (reached (drawdown, iq->account_drawdown_limit_percent))
    {
      if (detail != NULL)
        *detail = format_percent_sentence ("drawdown", drawdown, iq->account_drawdown_limit_percent);
      return g_strdup ("Account drawdown limit");
    }
  return NULL;
}

void
tw_sim_risk_halt (TwSimRisk  *risk,
                  const char *reason,
                  const char *by)
{
  TwSimInvestiq *iq = &risk->investiq;

  iq->halted = TRUE;
  tw_set_str (&iq->halt_reason, reason);
  tw_set_str (&iq->halted_by, by);
  iq->halted_at_us = g_get_real_time ();
}

gboolean
tw_sim_risk_resume (TwSimRisk  *risk,
                    char      **error)
{
  TwSimInvestiq *iq = &risk->investiq;
  g_autofree char *detail = NULL;
  g_autofree char *tripped = tw_sim_risk_get_tripped (risk, FALSE, &detail);

  if (tripped != NULL)
    {
      *error = g_strdup_printf ("Cannot resume: %s", detail != NULL ? detail : tripped);
      return FALSE;
    }

  iq->halted = FALSE;
  g_clear_pointer (&iq->halt_reason, g_free);
  g_clear_pointer (&iq->halted_by, g_free);
  iq->halted_at_us = 0;
  iq->consecutive_losses = 0;
  return TRUE;
}

void
tw_sim_risk_on_trade (TwSimRisk        *risk,
                      const TwSimTrade *trade)
{
  TwSimInvestiq *iq = &risk->investiq;
  g_autofree char *tripped = NULL;

  roll_day (risk);
  iq->booked_pnl += trade->pnl;
  if (trade->pnl < 0)
    iq->consecutive_losses++;
  else if (trade->pnl > 0)
    iq->consecutive_losses = 0;
  iq->peak_equity = MAX (iq->peak_equity, tw_sim_risk_get_equity (risk));

  if (iq->halted)
    return;
  tripped = tw_sim_risk_get_tripped (risk, TRUE, NULL);
  if (tripped != NULL)
    {
      g_debug ("InvestIQ halts: %s", tripped);
      tw_sim_risk_halt (risk, tripped, "circuit_breaker");
    }
}

/* ---- IBKR kill switch ---- */

G_LOCK_DEFINE_STATIC (process_dir);
static char *process_dir;

/* The private directory goes with the process. */
static void
remove_process_dir (void)
{
  g_autofree char *path = NULL;

  G_LOCK (process_dir);
  if (process_dir != NULL)
    {
      path = g_build_filename (process_dir, KILL_SWITCH_FILE, NULL);
      g_unlink (path);
      g_rmdir (process_dir);
    }
  G_UNLOCK (process_dir);
}

/* The directory of the state file: TW_SIM_STATE_DIR, else a private temp dir of the
 * process (made when @create). NULL when there is none yet. */
static const char *
state_dir (TwSimRisk *risk,
           gboolean   create)
{
  const char *dir;

  if (risk->kill_switch.state_dir != NULL)
    return risk->kill_switch.state_dir;

  G_LOCK (process_dir);
  if (process_dir == NULL && create)
    {
      g_autoptr(GError) error = NULL;

      process_dir = g_dir_make_tmp ("tradewarden-sim-XXXXXX", &error);
      if (process_dir != NULL)
        atexit (remove_process_dir);
      else
        g_warning ("The simulator could not make its state directory: %s. The kill "
                   "switch will not survive a restart; set TW_SIM_STATE_DIR to a "
                   "writable directory", error->message);
    }
  dir = process_dir;
  G_UNLOCK (process_dir);
  return dir;
}

char *
tw_sim_risk_kill_switch_path (TwSimRisk *risk)
{
  const char *dir = state_dir (risk, TRUE);

  return dir != NULL ? g_build_filename (dir, KILL_SWITCH_FILE, NULL) : NULL;
}

static void
kill_switch_load (TwSimRisk *risk)
{
  TwSimKillSwitch *ks = &risk->kill_switch;
  const char *dir = state_dir (risk, FALSE);
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *obj;
  const char *at;

  if (dir == NULL)
    return;
  path = g_build_filename (dir, KILL_SWITCH_FILE, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return;
  if (!g_file_get_contents (path, &text, &length, &error) ||
      !tw_json_parser_load (parser, text, length, &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_warning ("The simulator's kill-switch state file %s is unreadable (%s); the kill "
                 "switch starts off. Delete the file to silence this warning", path,
                 error != NULL ? error->message : "not a JSON object");
      return;
    }

  obj = json_node_get_object (json_parser_get_root (parser));
  ks->enabled = json_object_get_boolean_member_with_default (obj, "enabled", FALSE);
  tw_set_str (&ks->reason, json_object_get_string_member_with_default (obj, "reason", NULL));
  tw_set_str (&ks->activated_by,
           json_object_get_string_member_with_default (obj, "activated_by", NULL));
  at = json_object_get_string_member_with_default (obj, "activated_at", NULL);
  ks->activated_at_us = 0;
  if (at != NULL)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (at, NULL);

      if (dt != NULL)
        ks->activated_at_us = g_date_time_to_unix (dt) * G_USEC_PER_SEC +
                              g_date_time_get_microsecond (dt);
    }
}

static void
kill_switch_save (TwSimRisk *risk)
{
  TwSimKillSwitch *ks = &risk->kill_switch;
  g_autofree char *path = tw_sim_risk_kill_switch_path (risk);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "enabled");
  json_builder_add_boolean_value (b, ks->enabled);
  json_builder_set_member_name (b, "reason");
  if (ks->reason != NULL)
    json_builder_add_string_value (b, ks->reason);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "activated_at");
  if (ks->activated_at_us != 0)
    {
      g_autofree char *at = tw_sim_format_time (ks->activated_at_us, TRUE);

      json_builder_add_string_value (b, at);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "activated_by");
  if (ks->activated_by != NULL)
    json_builder_add_string_value (b, ks->activated_by);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, TRUE);

  if (g_mkdir_with_parents (ks->state_dir != NULL ? ks->state_dir : state_dir (risk, TRUE),
                            0700) != 0 ||
      !g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_warning ("The simulator could not write its kill-switch state to %s (%s): the "
               "state will not survive a restart. Check TW_SIM_STATE_DIR",
               path, error != NULL ? error->message : g_strerror (errno));
}

static gboolean
env_forces_kill_switch (void)
{
  const char *value = g_getenv ("KILL_SWITCH_ENABLED");

  return value != NULL && (g_ascii_strcasecmp (value, "true") == 0 || g_str_equal (value, "1"));
}

/* The environment wins over the file; the file keeps what it said. */
static void
kill_switch_apply_env (TwSimRisk *risk)
{
  TwSimKillSwitch *ks = &risk->kill_switch;
  /* KILL_SWITCH_REASON is the runbook's ("Activation Methods", method 2); the default
   * is assumed. */
  const char *reason = g_getenv ("KILL_SWITCH_REASON");

  ks->forced_by_env = env_forces_kill_switch ();
  if (!ks->forced_by_env || ks->enabled)
    return;
  ks->enabled = TRUE;
  tw_set_str (&ks->reason, reason != NULL && *reason != '\0' ? reason : "Forced on by KILL_SWITCH_ENABLED");
  tw_set_str (&ks->activated_by, "environment");
  ks->activated_at_us = g_get_real_time ();
}

void
tw_sim_risk_kill_switch_set (TwSimRisk  *risk,
                             gboolean    enabled,
                             const char *reason,
                             const char *by)
{
  TwSimKillSwitch *ks = &risk->kill_switch;

  ks->enabled = enabled;
  if (enabled)
    {
      tw_set_str (&ks->reason, reason);
      tw_set_str (&ks->activated_by, by);
      ks->activated_at_us = g_get_real_time ();
    }
  else
    {
      g_clear_pointer (&ks->reason, g_free);
      g_clear_pointer (&ks->activated_by, g_free);
      ks->activated_at_us = 0;
    }
  kill_switch_save (risk);
}

/* ---- AI trading ---- */

static void
ai_defaults (TwSimAiTrading *ai)
{
  ai->trading_enabled = TRUE;
  ai->emergency_stop = FALSE;
  g_clear_pointer (&ai->reason, g_free);
  g_clear_pointer (&ai->changed_by, g_free);
  ai->changed_at_us = 0;
  ai->open_positions = 4;
  ai->open_orders = 2;
}

void
tw_sim_risk_ai_set_enabled (TwSimRisk  *risk,
                            gboolean    enabled,
                            const char *reason,
                            const char *by)
{
  TwSimAiTrading *ai = &risk->ai_trading;

  ai->trading_enabled = enabled;
  if (enabled)
    ai->emergency_stop = FALSE;
  tw_set_str (&ai->reason, reason);
  tw_set_str (&ai->changed_by, by);
  ai->changed_at_us = g_get_real_time ();
}

/* ---- Autotrader sources ---- */

const char *
tw_sim_source_state_to_string (TwSimSourceState state)
{
  switch (state)
    {
    case TW_SIM_SOURCE_CLOSED: return "CLOSED";
    case TW_SIM_SOURCE_OPEN: return "OPEN";
    case TW_SIM_SOURCE_HALF_OPEN: return "HALF_OPEN";
    default: g_assert_not_reached ();
    }
}

static void
source_defaults_apply (TwSimSource *s,
                       guint        i)
{
  gint64 now = g_get_monotonic_time ();

  s->name = source_defaults[i].name;
  s->state = TW_SIM_SOURCE_CLOSED;
  s->failure_count = 0;
  s->failure_threshold = 5;
  s->recovery_timeout_s = 30;
  s->last_failure_at_us = 0;
  s->opened_at_us = 0;
  s->changed_mono_us = now;
  s->next_probe_mono_us = now + PROBE_US;
  s->outage = FALSE;
  s->provider = source_defaults[i].provider;
  s->rate_used = source_defaults[i].used;
  s->rate_limit = source_defaults[i].limit;
}

TwSimSource *
tw_sim_risk_get_source (TwSimRisk  *risk,
                        const char *name)
{
  for (guint i = 0; i < TW_SIM_N_SOURCES; i++)
    if (g_strcmp0 (risk->sources[i].name, name) == 0)
      return &risk->sources[i];
  return NULL;
}

static void
source_set_state (TwSimSource      *s,
                  TwSimSourceState  state,
                  gint64            now)
{
  if (s->state != state)
    g_debug ("autotrader source %s: %s → %s", s->name,
             tw_sim_source_state_to_string (s->state), tw_sim_source_state_to_string (state));
  s->state = state;
  s->changed_mono_us = now;
  if (state == TW_SIM_SOURCE_OPEN)
    s->opened_at_us = g_get_real_time ();
  else if (state == TW_SIM_SOURCE_CLOSED)
    {
      s->opened_at_us = 0;
      s->failure_count = 0;
    }
}

void
tw_sim_risk_source_reset (TwSimRisk   *risk,
                          TwSimSource *source)
{
  gint64 now = g_get_monotonic_time ();

  source_set_state (source, TW_SIM_SOURCE_CLOSED, now);
  source->next_probe_mono_us = now + (source->outage ? OUTAGE_CALL_US : PROBE_US);
}

void
tw_sim_risk_source_set_outage (TwSimRisk   *risk,
                               TwSimSource *source,
                               gboolean     outage,
                               guint        recovery_timeout_s)
{
  gint64 now = g_get_monotonic_time ();

  if (recovery_timeout_s > 0)
    source->recovery_timeout_s = recovery_timeout_s;
  source->outage = outage;
  if (outage && source->state == TW_SIM_SOURCE_CLOSED)
    source->next_probe_mono_us = now;  /* the next call fails at once */
}

static void
source_fail (TwSimSource *s,
             gint64       now)
{
  s->failure_count++;
  s->last_failure_at_us = g_get_real_time ();
}

static void
source_tick (TwSimSource *s,
             gint64       now)
{
  switch (s->state)
    {
    case TW_SIM_SOURCE_CLOSED:
      if (now < s->next_probe_mono_us)
        return;
      if (s->outage)
        {
          source_fail (s, now);
          if (s->failure_count >= s->failure_threshold)
            source_set_state (s, TW_SIM_SOURCE_OPEN, now);
          s->next_probe_mono_us = now + OUTAGE_CALL_US;
        }
      else
        {
          s->failure_count = 0;  /* a success clears the count */
          s->next_probe_mono_us = now + PROBE_US;
        }
      break;

    case TW_SIM_SOURCE_OPEN:
      if (now - s->changed_mono_us >= (gint64) s->recovery_timeout_s * G_USEC_PER_SEC)
        {
          source_set_state (s, TW_SIM_SOURCE_HALF_OPEN, now);
          s->next_probe_mono_us = now + PROBE_US;
        }
      break;

    case TW_SIM_SOURCE_HALF_OPEN:
      if (now < s->next_probe_mono_us)
        return;
      if (s->outage)
        {
          source_fail (s, now);
          source_set_state (s, TW_SIM_SOURCE_OPEN, now);
        }
      else
        source_set_state (s, TW_SIM_SOURCE_CLOSED, now);
      s->next_probe_mono_us = now + PROBE_US;
      break;

    default:
      g_assert_not_reached ();
    }
}

void
tw_sim_risk_tick (TwSimRisk *risk)
{
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; i < TW_SIM_N_SOURCES; i++)
    source_tick (&risk->sources[i], now);
}

static gboolean
on_tick (gpointer data)
{
  tw_sim_risk_tick (data);
  return G_SOURCE_CONTINUE;
}

void
tw_sim_risk_start (TwSimRisk    *risk,
                   GMainContext *context)
{
  g_return_if_fail (risk->timer == NULL);

  risk->timer = g_timeout_source_new (TICK_MS);
  g_source_set_callback (risk->timer, on_tick, risk, NULL);
  g_source_set_static_name (risk->timer, "[tw-sim] autotrader breakers");
  g_source_attach (risk->timer, context);
}

void
tw_sim_risk_stop (TwSimRisk *risk)
{
  if (risk->timer == NULL)
    return;
  g_source_destroy (risk->timer);
  g_clear_pointer (&risk->timer, g_source_unref);
}

/* ---- Alpaca ---- */

static void
alpaca_defaults (TwSimAlpacaConfig *c)
{
  tw_set_str (&c->dtbp_check, "entry");
  tw_set_str (&c->trade_confirm_email, "all");
  c->suspend_trade = FALSE;
  c->no_shorting = FALSE;
  c->fractional_trading = TRUE;
  tw_set_str (&c->max_margin_multiplier, "4");
  tw_set_str (&c->pdt_check, "entry");
}

void
tw_sim_risk_alpaca_set_suspend (TwSimRisk *risk,
                                TwSimFirm *firm,
                                gboolean   suspend)
{
  risk->alpaca.suspend_trade = suspend;
  tw_sim_firm_get_account (firm)->trade_suspended_by_user = suspend;
}

/* ---- the whole ---- */

TwSimRisk *
tw_sim_risk_new (double equity,
                 double day_start_equity)
{
  TwSimRisk *risk = g_new0 (TwSimRisk, 1);
  const char *dir = g_getenv ("TW_SIM_STATE_DIR");

  risk->investiq.base_equity = equity;
  risk->investiq.day_start_equity = day_start_equity;
  investiq_defaults (&risk->investiq);

  if (dir != NULL && *dir != '\0')
    risk->kill_switch.state_dir = g_strdup (dir);
  kill_switch_load (risk);
  kill_switch_apply_env (risk);

  ai_defaults (&risk->ai_trading);
  for (guint i = 0; i < TW_SIM_N_SOURCES; i++)
    source_defaults_apply (&risk->sources[i], i);
  alpaca_defaults (&risk->alpaca);

  return risk;
}

void
tw_sim_risk_free (TwSimRisk *risk)
{
  if (risk == NULL)
    return;

  tw_sim_risk_stop (risk);
  g_free (risk->investiq.halt_reason);
  g_free (risk->investiq.halted_by);
  g_free (risk->kill_switch.reason);
  g_free (risk->kill_switch.activated_by);
  g_free (risk->kill_switch.state_dir);
  g_free (risk->ai_trading.reason);
  g_free (risk->ai_trading.changed_by);
  g_free (risk->alpaca.dtbp_check);
  g_free (risk->alpaca.trade_confirm_email);
  g_free (risk->alpaca.max_margin_multiplier);
  g_free (risk->alpaca.pdt_check);
  g_free (risk);
}

void
tw_sim_risk_reset (TwSimFirm *firm)
{
  TwSimRisk *risk = tw_sim_firm_get_risk (firm);
  TwSimAccount *account = tw_sim_firm_get_account (firm);

  tw_sim_firm_clear_trades (firm);
  risk->investiq.day_start_equity = account->last_equity;
  investiq_defaults (&risk->investiq);

  if (risk->kill_switch.enabled)
    tw_sim_risk_kill_switch_set (risk, FALSE, NULL, NULL);
  kill_switch_apply_env (risk);

  ai_defaults (&risk->ai_trading);
  for (guint i = 0; i < TW_SIM_N_SOURCES; i++)
    source_defaults_apply (&risk->sources[i], i);
  alpaca_defaults (&risk->alpaca);
  tw_sim_risk_alpaca_set_suspend (risk, firm, FALSE);
  account->shorting_enabled = TRUE;
}
