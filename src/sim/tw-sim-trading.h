/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-sim-private.h"
#include "tw-sim-portfolio.h"

G_BEGIN_DECLS

/* The positions-and-orders routes of each flavor (trading-wire.md), listed in the
 * flavor's extra_routes (one line each). */
extern const TwSimRoute tw_sim_alpaca_trading_routes[];
extern const TwSimRoute tw_sim_investiq_trading_routes[];
extern const TwSimRoute tw_sim_ibkr_assistant_trading_routes[];

/* The trading scenarios of POST /_sim/scenario: "hold-for-orders" {"symbol": "TSLA"}. */
extern const TwSimScenario tw_sim_trading_scenarios[];

/* tw-sim-trading-alpaca.c */
/* Applies Alpaca's rate limit to @req: sets the X-Ratelimit-* headers and, past the
 * limit, answers 429 with Retry-After and returns FALSE. Counts a request once however
 * often it is called. The trading routes call it first; to cover every Alpaca route,
 * the dispatcher may call it after the auth check. */
gboolean tw_sim_trading_alpaca_rate_limit   (TwSimRequest *req);

/* tw-sim-trading-common.c: the simulator's control API for trading. */

/* POST /_sim/config {"alpaca_rate_limit": N, "alpaca_rate_window": S, "price_walk": bool}
 * (any of them; a new limit starts an empty window) → 200 the whole config;
 * GET /_sim/config → the config. Answers @msg itself. */
void     tw_sim_trading_control_config      (TwSim             *sim,
                                             SoupServerMessage *msg);

/* Shared JSON helpers of the trading routes. */
/* Answers @builder's JSON with numbers as Rust and Python write them ("180.2", "50.0"). */
void     tw_sim_trading_reply               (SoupServerMessage *msg,
                                             guint              status,
                                             JsonBuilder       *builder);
char    *tw_sim_trading_format_number       (double             value);
void     tw_sim_trading_add_time            (JsonBuilder       *b,
                                             const char        *name,
                                             gint64             real_time_us);
void     tw_sim_trading_add_double          (JsonBuilder       *b,
                                             const char        *name,
                                             double             value);

G_END_DECLS
