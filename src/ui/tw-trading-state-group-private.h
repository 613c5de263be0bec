/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-trading-state-group.h"

G_BEGIN_DECLS

/* For tests: what the widget shows, and the operator's hand. */

/* "HALTED", "ACTIVE", "REDUCING", "Unknown" */
const char     *tw_trading_state_group_get_mode_text    (TwTradingStateGroup *self);
/* "Circuit breaker: 3 consecutive losses — since 14:02, 3 min ago — by circuit_breaker" */
const char     *tw_trading_state_group_get_detail_text  (TwTradingStateGroup *self);
/* (nullable) the kill switch row's title when shown */
const char     *tw_trading_state_group_get_kill_switch_text (TwTradingStateGroup *self);
/* (nullable) the broker's block when shown */
const char     *tw_trading_state_group_get_blocked_text (TwTradingStateGroup *self);
gboolean        tw_trading_state_group_get_halt_sensitive   (TwTradingStateGroup *self);
gboolean        tw_trading_state_group_get_halt_visible     (TwTradingStateGroup *self);
gboolean        tw_trading_state_group_get_resume_visible   (TwTradingStateGroup *self);
/* The one-click emergency stop (AI trading's "trading.emergency_stop"). */
gboolean        tw_trading_state_group_get_emergency_stop_visible   (TwTradingStateGroup *self);
gboolean        tw_trading_state_group_get_emergency_stop_sensitive (TwTradingStateGroup *self);
/* How many one-click stop buttons are shown (Halt, Activate Kill Switch, Emergency Stop):
 * a halt that is the kill switch's own request is shown once, as the kill switch. */
guint           tw_trading_state_group_count_stop_controls (TwTradingStateGroup *self);
/* (nullable) the kill switch's activate button label when shown */
const char     *tw_trading_state_group_get_kill_activate_label (TwTradingStateGroup *self);
/* (transfer none) (nullable) */
TwBreakerRow   *tw_trading_state_group_get_breaker_row  (TwTradingStateGroup *self,
                                                         const char          *breaker_id);
/* (transfer none) (nullable) NULL when the connector has no "risk.parameters.get" */
TwRiskParameters *tw_trading_state_group_get_risk_parameters (TwTradingStateGroup *self);
/* (nullable) the value shown for @key in the expander row ("5 %") */
const char     *tw_trading_state_group_get_risk_parameter_text (TwTradingStateGroup *self,
                                                                const char          *key);
/* (nullable) the expander row's subtitle (the read error when there is one) */
const char     *tw_trading_state_group_get_risk_parameters_subtitle (TwTradingStateGroup *self);
/* (transfer none) (nullable) the dialog opened by Edit…, while open */
GtkWidget      *tw_trading_state_group_get_risk_parameters_dialog (TwTradingStateGroup *self);

G_END_DECLS
