/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-action-runner.h"
#include "tw-breaker-row.h"
#include "tw-risk-parameters.h"
#include "tw-trading-state.h"

G_BEGIN_DECLS

/* One service's trading state on the Breakers page: its mode (icon and word) with
 * reason, since and by; the broker's blocks; the kill switch; its breakers (TwBreakerRow);
 * Halt (one click), Emergency Stop (one click, where the connector has
 * "trading.emergency_stop") and Resume… (guarded) buttons; where halting and resuming
 * are the kill switch's own requests, only the kill switch's buttons are shown. Buttons activate the page's
 * "breakers.*" actions with the service id, and go insensitive while their action is
 * in flight.
 * When the connector has "risk.parameters.get": a "Risk parameters" expander row listing
 * them read-only (read when the group is made and each time it is expanded), with an
 * Edit… button (the group's action "risk-parameters.edit", when the connector also has
 * "risk.parameters.set") that opens a TwRiskParametersDialog. */
#define TW_TYPE_TRADING_STATE_GROUP (tw_trading_state_group_get_type ())
G_DECLARE_FINAL_TYPE (TwTradingStateGroup, tw_trading_state_group, TW, TRADING_STATE_GROUP, AdwPreferencesGroup)

/* @runner: (nullable) for the in-flight state; @client: (nullable) for the operations
 * the connector offers (kill switch). */
GtkWidget      *tw_trading_state_group_new              (TwTradingState      *state,
                                                         TwActionRunner      *runner,
                                                         TwClient            *client);
TwTradingState *tw_trading_state_group_get_state        (TwTradingStateGroup *self);

G_END_DECLS
