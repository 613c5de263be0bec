/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tw-session.h"

G_BEGIN_DECLS

/* The market clock of the session's broker (the first service whose connector declares
 * "clock.get", Alpaca's /v2/clock): "Market open · closes 16:00" or "Market closed ·
 * opens 09:30", hidden when no service has a clock. Reads it when shown. */
#define TW_TYPE_MARKET_CLOCK (tw_market_clock_get_type ())
G_DECLARE_FINAL_TYPE (TwMarketClock, tw_market_clock, TW, MARKET_CLOCK, GtkWidget)

GtkWidget  *tw_market_clock_new         (void);
/* @session: (nullable) */
void        tw_market_clock_set_session (TwMarketClock *self,
                                         TwSession     *session);
/* (nullable) what it shows, NULL when hidden */
const char *tw_market_clock_get_text    (TwMarketClock *self);

G_END_DECLS
