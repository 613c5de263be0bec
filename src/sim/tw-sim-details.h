/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-sim-private.h"

G_BEGIN_DECLS

/* What a service page reads beyond health and risk controls (tw-sim-details.c). */
extern const TwSimRoute tw_sim_ibkr_assistant_details_routes[];
extern const TwSimRoute tw_sim_ai_trading_details_routes[];
extern const TwSimRoute tw_sim_autotrader_details_routes[];

G_END_DECLS
