/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-trading-state.h"
#include "tw-workspace.h"

G_BEGIN_DECLS

/* Keeps one TwTradingState per service whose connector has any of "trading.status",
 * "breakers.list", "killswitch.status" (or "trading.halt"), polling those operations at
 * the workspace's interval (TwPoller each) and mapping them onto the state
 * (tw_operation_map_object, tw_operation_eval_trading, tw_operation_map_breakers).
 * Signals, emitted on transitions seen between two polls (never on the first poll):
 *   "breaker-tripped"  (TwTradingState *state, TwBreaker *breaker)
 *   "breaker-warning"  (TwTradingState *state, TwBreaker *breaker)  a "loss" breaker passed 80 %
 *   "breaker-reset"    (TwTradingState *state, TwBreaker *breaker)  tripped → not tripped
 *   "halted"           (TwTradingState *state)  became halted (mode, kill switch or block)
 *   "resumed"          (TwTradingState *state)
 * Property: "workspace" (construct-only).
 * Details of the implementation: status operations with the same method and path (the
 * IBKR assistant's trading.status and killswitch.status) share one poller, the answer
 * mapped by each; the state's breakers are the union of every poller's latest. A source
 * breaker going OPEN → HALF_OPEN is not yet a reset (HALF_OPEN → OPEN is not a new trip):
 * "breaker-reset" comes when it is CLOSED again. "halted" / "resumed" wait until every
 * poller of the service has answered once. */
#define TW_TYPE_RISK_MONITOR (tw_risk_monitor_get_type ())
G_DECLARE_FINAL_TYPE (TwRiskMonitor, tw_risk_monitor, TW, RISK_MONITOR, GObject)

TwRiskMonitor  *tw_risk_monitor_new        (TwWorkspace   *workspace);
/* (transfer none) GListModel of TwTradingState, in the profile's order */
GListModel     *tw_risk_monitor_get_states (TwRiskMonitor *self);
TwTradingState *tw_risk_monitor_lookup     (TwRiskMonitor *self,
                                            const char    *service_id);
void            tw_risk_monitor_start      (TwRiskMonitor *self);
void            tw_risk_monitor_stop       (TwRiskMonitor *self);
void            tw_risk_monitor_refresh    (TwRiskMonitor *self);
/* Reads @service_id's kill switch (else trading state) once and maps it onto its state. */
void            tw_risk_monitor_read_back_async  (TwRiskMonitor       *self,
                                                  const char          *service_id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean        tw_risk_monitor_read_back_finish (TwRiskMonitor       *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
/* An action succeeded on @service_id: a halt, resume, emergency stop or kill-switch
 * change is kept on its trading state (tw_trading_state_note_action()); other
 * operations are ignored. */
/* TRUE for the operations tw_risk_monitor_note_action() keeps. */
gboolean        tw_risk_monitor_is_noted_action (const char *operation);
void            tw_risk_monitor_note_action (TwRiskMonitor *self,
                                             const char    *service_id,
                                             const char    *operation,
                                             const char    *actor);
/* (transfer full) (element-type TwPoller) its pollers, for one round of polls. */
GPtrArray      *tw_risk_monitor_dup_pollers (TwRiskMonitor *self);

G_END_DECLS
