/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The one simulated firm that every flavor reports on: the broker account and the
 * health of each system's components. Later state (positions, orders, breakers, the
 * kill switch, flags) belongs here too, so that all flavors tell one story. */
typedef struct _TwSimFirm TwSimFirm;

typedef enum
{
  TW_SIM_LEVEL_OK,
  TW_SIM_LEVEL_DEGRADED,
  TW_SIM_LEVEL_BAD,
} TwSimLevel;

typedef struct
{
  char       *flavor;
  char       *name;
  char       *status;          /* in the flavor's own words */
  TwSimLevel  level;
  char       *message;         /* NULL: none */
  double      latency_ms;      /* < 0: not reported */
  char       *default_status;
  char       *default_message;
} TwSimComponent;

/* The Alpaca account; money in dollars, formatted as decimal strings on the wire. */
typedef struct
{
  char   *id;
  char   *account_number;
  char   *currency;
  double  cash;
  double  buying_power;
  double  regt_buying_power;
  double  non_marginable_buying_power;
  double  last_equity;
  double  long_market_value;
  double  short_market_value;
  double  initial_margin;
  double  maintenance_margin;
  int     multiplier;
  gboolean trading_blocked;
  gboolean transfers_blocked;
  gboolean account_blocked;
  gboolean trade_suspended_by_user;
  gboolean shorting_enabled;
  gint64  created_at_us;       /* real time */
} TwSimAccount;

TwSimFirm      *tw_sim_firm_new               (void);
void            tw_sim_firm_free              (TwSimFirm   *firm);

/* Microseconds since the firm was created (monotonic). */
gint64          tw_sim_firm_get_uptime_us     (TwSimFirm   *firm);
TwSimAccount   *tw_sim_firm_get_account       (TwSimFirm   *firm);
/* equity = cash + long + short market value */
double          tw_sim_firm_get_equity        (TwSimFirm   *firm);

/* Registers a component with its healthy defaults (done once per flavor at start). */
void            tw_sim_firm_add_component     (TwSimFirm   *firm,
                                               const char  *flavor,
                                               const char  *name,
                                               const char  *status,
                                               const char  *message,
                                               double       latency_ms);
TwSimComponent *tw_sim_firm_get_component     (TwSimFirm   *firm,
                                               const char  *flavor,
                                               const char  *name);
/* The components of @flavor in registration order (transfer container). */
GPtrArray      *tw_sim_firm_list_components   (TwSimFirm   *firm,
                                               const char  *flavor);
/* @message NULL keeps the default message when back to ok, else clears it. */
void            tw_sim_firm_set_component     (TwSimFirm   *firm,
                                               TwSimComponent *component,
                                               const char  *status,
                                               TwSimLevel   level,
                                               const char  *message);
void            tw_sim_firm_reset_components  (TwSimFirm   *firm,
                                               const char  *flavor);
/* The worst level among @flavor's components. */
TwSimLevel      tw_sim_firm_get_worst_level   (TwSimFirm   *firm,
                                               const char  *flavor);

/* ---- Risk controls: trade outcomes and risk state (risk-controls simulator) ---- */

/* The risk-control state of every flavor (InvestIQ breakers, kill switch, AI-trading
 * switch, Autotrader source breakers, Alpaca configurations): src/sim/tw-sim-risk.h. */
typedef struct _TwSimRisk TwSimRisk;

/* One trade outcome: a closed position's realized P/L. */
typedef struct
{
  char   *id;         /* UUIDv4 */
  char   *symbol;
  double  pnl;        /* dollars; < 0 a loss */
  gint64  time_us;    /* real time it was booked */
} TwSimTrade;

/* Books a trade outcome: appended to the trade list and fed to InvestIQ's breakers
 * (consecutive losses, daily loss, drawdown), which may halt trading automatically. */
void            tw_sim_firm_book_trade        (TwSimFirm   *firm,
                                               const char  *symbol,
                                               double       pnl);
/* The trade outcomes, newest first (transfer container; the items stay the firm's). */
GPtrArray      *tw_sim_firm_list_trades       (TwSimFirm   *firm);
/* Forgets every trade outcome (the "reset" scenario). */
void            tw_sim_firm_clear_trades      (TwSimFirm   *firm);
TwSimRisk      *tw_sim_firm_get_risk          (TwSimFirm   *firm);
/* The IBKR assistant's feature flags (tw-sim-flags.c), made on first use. */
typedef struct _TwSimFlags TwSimFlags;
TwSimFlags     *tw_sim_firm_get_flags         (TwSimFirm   *firm);

/* ---- end of risk controls ---- */

/* ---- Positions and orders (trading simulator) ---- */

/* The firm's positions, orders and trading state: src/sim/tw-sim-portfolio.h. Made on
 * first use, on the simulator's thread (its price walk runs on that main context). */
typedef struct _TwSimPortfolio TwSimPortfolio;

TwSimPortfolio *tw_sim_firm_get_portfolio     (TwSimFirm   *firm);

/* ---- end of positions and orders ---- */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TwSimFirm, tw_sim_firm_free)

G_END_DECLS
