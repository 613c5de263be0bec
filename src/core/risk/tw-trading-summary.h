/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-trading-state.h"

G_BEGIN_DECLS

/**
 * TwTradingUrgency:
 * @TW_TRADING_URGENCY_NONE: nothing that trades (no state to summarize)
 * @TW_TRADING_URGENCY_OK: every service trading normally (or with breakers only), every
 *   state read
 * @TW_TRADING_URGENCY_WARNING: halted, reducing, or a state not read now
 * @TW_TRADING_URGENCY_CRITICAL: a breaker tripped, or a Halt All that did not halt
 */
typedef enum
{
  TW_TRADING_URGENCY_NONE,
  TW_TRADING_URGENCY_OK,
  TW_TRADING_URGENCY_WARNING,
  TW_TRADING_URGENCY_CRITICAL,
} TwTradingUrgency;

/* Whether trading is safe, in one line: "Trading halted on 3 of 5 · 1 breaker tripped ·
 * halt failed on AI trading". @states: (element-type TwTradingState) the risk monitor's;
 * @last_halt: (nullable) (element-type TwActionResult) the last Halt All's results, whose
 * failures are named. Returns NULL (urgency NONE) when @states is empty. */
char       *tw_trading_summary_describe   (GListModel       *states,
                                           GPtrArray        *last_halt,
                                           TwTradingUrgency *urgency);
/* Breakers of @state tripped now. */
guint       tw_trading_summary_n_tripped  (TwTradingState   *state);
/* A state as one word, read or not: "HALTED" (by any means), "REDUCING", "ACTIVE",
 * "unknown", or "no halt switch" for a service with breakers only; @last_known is set when the word is only the last one read (the last poll
 * failed). */
const char *tw_trading_summary_mode_word  (TwTradingState   *state,
                                           gboolean         *last_known);

/* (nullable) What still holds @state halted besides its own switch, for the resume guard:
 * "the Consecutive losses breaker, still at 3 of 3; the kill switch"; NULL when nothing. */
char       *tw_trading_summary_describe_holds (TwTradingState *state);

G_END_DECLS
