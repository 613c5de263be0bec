/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-sim-private.h"

G_BEGIN_DECLS

/* The risk-control state of the simulated firm (wire contract: risk-wire.md), one part
 * per flavor. Kept inside the TwSimFirm (tw_sim_firm_get_risk()); the route handlers
 * of tw-sim-risk-*.c read and change it, the scenarios of tw-sim-scenario.c drive it.
 * Times are real time in microseconds, 0 for "never". */

/* InvestIQ's breakers read the trade outcomes (tw_sim_firm_book_trade()). */
typedef struct
{
  gboolean  halted;
  char     *halt_reason;
  gint64    halted_at_us;
  char     *halted_by;
  guint     consecutive_losses;
  double    base_equity;       /* equity when the firm opened, before any booked trade */
  double    booked_pnl;        /* sum of every booked trade */
  double    day_start_equity;  /* equity at the start of the (UTC) day */
  double    peak_equity;
  gint      day;               /* days since the epoch of the current trading day */
  /* risk parameters */
  double    max_position_size;          /* a fraction of equity: 0.10 */
  guint     max_consecutive_losses;
  double    daily_loss_limit_percent;
  double    account_drawdown_limit_percent;
  double    stop_loss_percent;
} TwSimInvestiq;

/* The IBKR assistant's kill switch, persisted in $TW_SIM_STATE_DIR/kill_switch.json. */
typedef struct
{
  gboolean  enabled;
  char     *reason;
  gint64    activated_at_us;
  char     *activated_by;
  gboolean  forced_by_env;     /* KILL_SWITCH_ENABLED=true|1 when the firm opened */
  char     *state_dir;         /* NULL: the process's private temp dir, made on first write */
} TwSimKillSwitch;

typedef struct
{
  gboolean  trading_enabled;
  gboolean  emergency_stop;
  char     *reason;
  gint64    changed_at_us;
  char     *changed_by;
  guint     open_positions;    /* what an emergency stop closes */
  guint     open_orders;       /* what an emergency stop cancels */
} TwSimAiTrading;

typedef enum
{
  TW_SIM_SOURCE_CLOSED,
  TW_SIM_SOURCE_OPEN,
  TW_SIM_SOURCE_HALF_OPEN,
} TwSimSourceState;

/* One Autotrader data source behind its own breaker. */
typedef struct
{
  const char       *name;                /* coingecko_api, dexscreener, blockscout, ethereum_rpc */
  const char       *provider;            /* its rate limits': coingecko, … */
  TwSimSourceState  state;
  guint             failure_count;
  guint             failure_threshold;
  guint             recovery_timeout_s;
  gint64            last_failure_at_us;
  gint64            opened_at_us;
  gint64            changed_mono_us;     /* monotonic time of the last state change */
  gint64            next_probe_mono_us;  /* monotonic time of the next call the bot makes */
  gboolean          outage;              /* the source fails every call */
  guint             rate_used;
  guint             rate_limit;
} TwSimSource;

#define TW_SIM_N_SOURCES 4

typedef struct
{
  char     *dtbp_check;
  char     *trade_confirm_email;
  gboolean  suspend_trade;
  gboolean  no_shorting;
  gboolean  fractional_trading;
  char     *max_margin_multiplier;
  char     *pdt_check;
} TwSimAlpacaConfig;

struct _TwSimRisk
{
  TwSimInvestiq      investiq;
  TwSimKillSwitch    kill_switch;
  TwSimAiTrading     ai_trading;
  TwSimSource        sources[TW_SIM_N_SOURCES];
  TwSimAlpacaConfig  alpaca;
  GSource           *timer;      /* the Autotrader breakers' clock, while started */
};

/* @equity: the firm's equity when it opens; @day_start_equity: yesterday's close. */
TwSimRisk   *tw_sim_risk_new                 (double        equity,
                                              double        day_start_equity);
void         tw_sim_risk_free                (TwSimRisk    *risk);

/* Called by tw_sim_firm_book_trade(): counts the outcome and trips InvestIQ's
 * breakers (automatic halt, halted_by "circuit_breaker"). */
void         tw_sim_risk_on_trade            (TwSimRisk    *risk,
                                              const TwSimTrade *trade);

/* InvestIQ's figures now. */
double       tw_sim_risk_get_equity          (TwSimRisk    *risk);
double       tw_sim_risk_get_daily_pnl       (TwSimRisk    *risk);
double       tw_sim_risk_get_daily_loss_percent (TwSimRisk *risk);
double       tw_sim_risk_get_drawdown_percent (TwSimRisk   *risk);
/* The breaker that would trip or forbid resuming, as the runbook's halt_reason ("Daily
 * loss limit exceeded"), or NULL. @with_losses includes the consecutive-loss breaker.
 * @detail: (out) (optional) for a loss limit, "daily loss 5.2% exceeds limit 5.0%". */
char        *tw_sim_risk_get_tripped         (TwSimRisk    *risk,
                                              gboolean      with_losses,
                                              char        **detail);
void         tw_sim_risk_halt                (TwSimRisk    *risk,
                                              const char   *reason,
                                              const char   *by);
/* FALSE with @error (a sentence) when a breaker still forbids it. */
gboolean     tw_sim_risk_resume              (TwSimRisk    *risk,
                                              char        **error);

/* The kill switch; activating/deactivating writes the state file. */
void         tw_sim_risk_kill_switch_set     (TwSimRisk    *risk,
                                              gboolean      enabled,
                                              const char   *reason,
                                              const char   *by);
/* The path of the state file (for tests and --help). */
char        *tw_sim_risk_kill_switch_path    (TwSimRisk    *risk);

void         tw_sim_risk_ai_set_enabled      (TwSimRisk    *risk,
                                              gboolean      enabled,
                                              const char   *reason,
                                              const char   *by);

TwSimSource *tw_sim_risk_get_source          (TwSimRisk    *risk,
                                              const char   *name);
const char  *tw_sim_source_state_to_string   (TwSimSourceState state);
void         tw_sim_risk_source_reset        (TwSimRisk    *risk,
                                              TwSimSource  *source);
/* Starts or ends an outage; @recovery_timeout_s 0 keeps the current timeout. */
void         tw_sim_risk_source_set_outage   (TwSimRisk    *risk,
                                              TwSimSource  *source,
                                              gboolean      outage,
                                              guint         recovery_timeout_s);
/* Runs the bot's calls to its sources: failures accrue during an outage (CLOSED →
 * OPEN), OPEN → HALF_OPEN after the recovery timeout, a probe in HALF_OPEN → CLOSED or
 * OPEN again. Called by the clock; public for tests. */
void         tw_sim_risk_tick                (TwSimRisk    *risk);
/* The clock on @context (the simulator's own), every 100 ms. */
void         tw_sim_risk_start               (TwSimRisk    *risk,
                                              GMainContext *context);
void         tw_sim_risk_stop                (TwSimRisk    *risk);

/* Alpaca's suspend_trade, mirrored in the account's trade_suspended_by_user. */
void         tw_sim_risk_alpaca_set_suspend  (TwSimRisk    *risk,
                                              TwSimFirm    *firm,
                                              gboolean      suspend);

/* Back to the starting state (the "reset" scenario): trading active everywhere,
 * counters zero, breakers closed, kill switch off unless forced by the environment,
 * trade outcomes forgotten. */
void         tw_sim_risk_reset               (TwSimFirm    *firm);

/* The route tables of the flavors' risk controls (tw-sim-risk-investiq.c,
 * tw-sim-risk-services.c), listed in each flavor's extra_routes. */
extern const TwSimRoute tw_sim_investiq_risk_routes[];
extern const TwSimRoute tw_sim_ibkr_assistant_risk_routes[];
extern const TwSimRoute tw_sim_ai_trading_risk_routes[];
extern const TwSimRoute tw_sim_autotrader_risk_routes[];
extern const TwSimRoute tw_sim_alpaca_risk_routes[];

/* The risk-control scenarios (tw-sim-scenario.c). */
extern const TwSimScenario tw_sim_risk_scenarios[];

/* JSON helpers of the risk routes: null for NULL / 0. */
void         tw_sim_builder_add_string_or_null (JsonBuilder *b,
                                              const char   *name,
                                              const char   *value);
void         tw_sim_builder_add_time_or_null (JsonBuilder  *b,
                                              const char   *name,
                                              gint64        real_time_us);

/* tw-sim-scenario.c: POST /_sim/scenario. */
/* GET /_sim/state: the state a system keeps but its runbook has no call to read, for the
 * tests: {"ai-trading": {"trading_enabled", "emergency_stop", "reason", "changed_at",
 * "changed_by"}}. */
void         tw_sim_risk_control_state       (TwSim             *sim,
                                              SoupServerMessage *msg);
void         tw_sim_scenario_handle          (TwSim        *sim,
                                              SoupServerMessage *msg);

G_END_DECLS
