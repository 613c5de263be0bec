/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-breaker.h"
#include "tw-risk-enums.h"

G_BEGIN_DECLS

/* The trading state of one service that can trade, as the Breakers page shows it and the
 * alert rules read it. Properties (mappable by connectors unless marked):
 *   "service-id" (construct), "service-name",
 *   "mode" (TwTradingMode), "reason" (string), "since" (GDateTime), "by" (string),
 *   "kill-switch-supported" (bool, not mapped), "kill-switch-active" (bool),
 *   "kill-switch-reason", "kill-switch-at" (GDateTime), "kill-switch-by",
 *   "trading-blocked" (bool), "account-blocked" (bool)  (Alpaca),
 *   "can-halt", "can-resume", "can-reduce" (bool, not mapped: from the connector's operations),
 *   "reported" (bool, not mapped: FALSE when the connector has no operation that reads the
 *     trading state back, as the AI Trading System's runbook has none: "mode" then stays
 *     UNKNOWN and the console shows its own last action instead of a guessed state),
 *   "polled" (bool, not mapped: FALSE when the connector has nothing to poll for it at all,
 *     so "updated-at" stays unset),
 *   "last-action" (the operation, "trading.halt"…), "last-action-at", "last-action-by"
 *     (not mapped: the last halt, resume or emergency stop that succeeded from this console),
 *   "breakers" (GListModel of TwBreaker, not mapped: merged in place by id),
 *   "last-error" (string, not mapped), "updated-at" (GDateTime, not mapped),
 *   "n-causes" (uint, read-only: see tw_trading_state_note_cause), "n-tripped" (uint,
 *   read-only: breakers tripped after the last tw_trading_state_merge_breakers). */
#define TW_TYPE_TRADING_STATE (tw_trading_state_get_type ())
G_DECLARE_FINAL_TYPE (TwTradingState, tw_trading_state, TW, TRADING_STATE, GObject)

TwTradingState *tw_trading_state_new                 (const char     *service_id,
                                                      const char     *service_name);
const char     *tw_trading_state_get_service_id      (TwTradingState *self);
const char     *tw_trading_state_get_service_name    (TwTradingState *self);
TwTradingMode   tw_trading_state_get_mode            (TwTradingState *self);
const char     *tw_trading_state_get_reason          (TwTradingState *self);
GDateTime      *tw_trading_state_get_since           (TwTradingState *self);
const char     *tw_trading_state_get_by              (TwTradingState *self);
gboolean        tw_trading_state_get_kill_switch_supported (TwTradingState *self);
gboolean        tw_trading_state_get_kill_switch_active    (TwTradingState *self);
gboolean        tw_trading_state_get_trading_blocked (TwTradingState *self);
gboolean        tw_trading_state_get_account_blocked (TwTradingState *self);
gboolean        tw_trading_state_get_can_halt        (TwTradingState *self);
gboolean        tw_trading_state_get_can_resume      (TwTradingState *self);
GListModel     *tw_trading_state_get_breakers        (TwTradingState *self);
TwBreaker      *tw_trading_state_lookup_breaker      (TwTradingState *self,
                                                      const char     *breaker_id);
/* Merges @breakers (element-type TwBreaker) by id: existing objects updated in place,
 * gone ones removed, new ones appended. */
void            tw_trading_state_merge_breakers      (TwTradingState *self,
                                                      GPtrArray      *breakers);
gboolean        tw_trading_state_get_reported        (TwTradingState *self);
gboolean        tw_trading_state_get_polled          (TwTradingState *self);
const char     *tw_trading_state_get_last_action     (TwTradingState *self);
GDateTime      *tw_trading_state_get_last_action_at  (TwTradingState *self);
const char     *tw_trading_state_get_last_action_by  (TwTradingState *self);
/* TRUE when the service does not report its state and this console's last action on it
 * was a successful halt or emergency stop: all that is known of it, for a gate that must
 * not go on while it trades (never shown as its state). */
gboolean        tw_trading_state_is_halted_by_console (TwTradingState *self);
/* Records that @operation succeeded from this console now, by @by (nullable). */
void            tw_trading_state_note_action         (TwTradingState *self,
                                                      const char     *operation,
                                                      const char     *by);
/* An answer came at @updated_at, with @last_error (NULL: none): the "updated-at" and
 * "last-error" properties, notified only when they change (as g_object_set () would,
 * without its look-ups by name: it is called for every answer). */
void            tw_trading_state_set_answered        (TwTradingState *self,
                                                      GDateTime      *updated_at,
                                                      const char     *last_error);
/* How many times a property other than "updated-at" changed: equal before and after a
 * mapping when the mapping changed nothing. */
guint64         tw_trading_state_get_changes         (TwTradingState *self);
/* TRUE when halted by any means: mode HALTED, kill switch active, or trading blocked. */
gboolean        tw_trading_state_is_halted           (TwTradingState *self);

/* Remembers why it is halted: called after each answer is mapped. The first cause seen
 * while halted is kept; a different reason or author later (Halt All on top of a tripped
 * breaker) is added after it, never in its place. Cleared once it no longer is halted. */
void            tw_trading_state_note_cause          (TwTradingState *self);
guint           tw_trading_state_get_n_causes        (TwTradingState *self);
guint           tw_trading_state_get_n_tripped       (TwTradingState *self);
/* @reason, @by (nullable), @since: (transfer none) the @index-th cause, first first. */
gboolean        tw_trading_state_get_cause           (TwTradingState  *self,
                                                      guint            index,
                                                      const char     **reason,
                                                      const char     **by,
                                                      GDateTime      **since);

G_END_DECLS
