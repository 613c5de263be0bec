/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-action-runner.h"
#include "tw-breaker-row.h"
#include "tw-trading-state.h"

G_BEGIN_DECLS

/* One service's trading state on the Breakers page: its mode (icon and word) with
 * reason, since and by; the broker's blocks; the kill switch; its breakers (TwBreakerRow);
 * Halt (one click) and Resume… (guarded) buttons. Buttons activate the page's
 * "breakers.*" actions with the service id, and go insensitive while their action is
 * in flight. */
#define TW_TYPE_TRADING_STATE_GROUP (tw_trading_state_group_get_type ())
G_DECLARE_FINAL_TYPE (TwTradingStateGroup, tw_trading_state_group, TW, TRADING_STATE_GROUP, AdwPreferencesGroup)

/* @runner: (nullable) for the in-flight state; @client: (nullable) for the operations
 * the connector offers (kill switch). */
GtkWidget      *tw_trading_state_group_new              (TwTradingState      *state,
                                                         TwActionRunner      *runner,
                                                         TwClient            *client);
TwTradingState *tw_trading_state_group_get_state        (TwTradingStateGroup *self);
/* "HALTED", "ACTIVE", "REDUCING", "Unknown" */
const char     *tw_trading_state_group_get_mode_text    (TwTradingStateGroup *self);
/* "Circuit breaker: 3 consecutive losses — since 14:02, 3 min ago — by circuit_breaker" */
const char     *tw_trading_state_group_get_detail_text  (TwTradingStateGroup *self);
/* (nullable) the kill switch row's title when shown */
const char     *tw_trading_state_group_get_kill_switch_text (TwTradingStateGroup *self);
/* (nullable) the broker's block when shown */
const char     *tw_trading_state_group_get_blocked_text (TwTradingStateGroup *self);
gboolean        tw_trading_state_group_get_halt_sensitive   (TwTradingStateGroup *self);
gboolean        tw_trading_state_group_get_resume_sensitive (TwTradingStateGroup *self);
gboolean        tw_trading_state_group_get_halt_visible     (TwTradingStateGroup *self);
gboolean        tw_trading_state_group_get_resume_visible   (TwTradingStateGroup *self);
/* (transfer none) (nullable) */
TwBreakerRow   *tw_trading_state_group_get_breaker_row  (TwTradingStateGroup *self,
                                                         const char          *breaker_id);

G_END_DECLS
