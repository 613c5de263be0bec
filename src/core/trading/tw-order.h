/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TW_ORDER_DEFAULT_STUCK_THRESHOLD 300

/* One open or pending order of one service. Properties (mappable by connectors unless
 * marked):
 *   "service-id", "service-name" (not mapped: set by the portfolio),
 *   "key" (read-only: "service-id:id"),
 *   "id", "client-order-id", "symbol", "side", "type", "status" (strings),
 *   "qty", "filled-qty", "limit-price" (doubles),
 *   "created-at", "submitted-at" (GDateTime),
 *   "approval-id", "approval-status" (strings: the IBKR assistant's approval),
 *   "stuck-threshold" (uint seconds, not mapped: set by the portfolio, default 300),
 *   "age-seconds" (int64, read-only: at the last tw_order_update_age(), -1 unknown),
 *   "stuck" (bool, read-only: in a pending status for at least the threshold),
 *   "busy" (bool, not mapped: an action on this order is in flight). */
#define TW_TYPE_ORDER (tw_order_get_type ())
G_DECLARE_FINAL_TYPE (TwOrder, tw_order, TW, ORDER, GObject)

TwOrder    *tw_order_new                 (const char *service_id,
                                          const char *id);
const char *tw_order_get_service_id      (TwOrder    *self);
const char *tw_order_get_service_name    (TwOrder    *self);
const char *tw_order_get_key             (TwOrder    *self);
const char *tw_order_get_id              (TwOrder    *self);
const char *tw_order_get_client_order_id (TwOrder    *self);
const char *tw_order_get_symbol          (TwOrder    *self);
const char *tw_order_get_side            (TwOrder    *self);
const char *tw_order_get_order_type      (TwOrder    *self);
const char *tw_order_get_status          (TwOrder    *self);
double      tw_order_get_qty             (TwOrder    *self);
double      tw_order_get_filled_qty      (TwOrder    *self);
double      tw_order_get_limit_price     (TwOrder    *self);
GDateTime  *tw_order_get_created_at      (TwOrder    *self);
GDateTime  *tw_order_get_submitted_at    (TwOrder    *self);
const char *tw_order_get_approval_id     (TwOrder    *self);
const char *tw_order_get_approval_status (TwOrder    *self);
guint       tw_order_get_stuck_threshold (TwOrder    *self);
void        tw_order_set_stuck_threshold (TwOrder    *self,
                                          guint       seconds);
gint64      tw_order_get_age_seconds     (TwOrder    *self);
gboolean    tw_order_get_stuck           (TwOrder    *self);
gboolean    tw_order_get_busy            (TwOrder    *self);
void        tw_order_set_busy            (TwOrder    *self,
                                          gboolean    busy);
/* TRUE for the statuses of an order still waiting: new, accepted, pending_new,
 * partially_filled, held, PENDING, PENDING_APPROVAL (any case). */
gboolean    tw_order_status_is_pending   (const char *status);
/* Recomputes "age-seconds" (from created-at, else submitted-at) and "stuck" at @now. */
void        tw_order_update_age          (TwOrder    *self,
                                          GDateTime  *now);
/* Copies the mapped properties (and the service's id and name) of @other into @self,
 * notifying only what changed. The age is recomputed by the next update_age. */
void        tw_order_update_from         (TwOrder    *self,
                                          TwOrder    *other);

G_END_DECLS
