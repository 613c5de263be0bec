/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* One open position of one broker service. Properties (mappable by connectors unless
 * marked):
 *   "service-id", "service-name" (strings, not mapped: set by the portfolio),
 *   "key" (read-only: "service-id:symbol"), "symbol", "side" ("long" | "short"),
 *   "qty", "qty-available", "avg-entry-price", "current-price", "market-value",
 *   "cost-basis", "unrealized-pl", "unrealized-plpc" (a fraction, as the APIs give it),
 *   "unrealized-intraday-pl", "change-today" (doubles; shorts have a negative qty),
 *   "unrealized-pl-percent" (read-only: unrealized-plpc × 100),
 *   "busy" (bool, not mapped: an action on this position is in flight). */
#define TW_TYPE_POSITION (tw_position_get_type ())
G_DECLARE_FINAL_TYPE (TwPosition, tw_position, TW, POSITION, GObject)

TwPosition *tw_position_new                         (const char *service_id,
                                                     const char *symbol);
const char *tw_position_get_service_id              (TwPosition *self);
const char *tw_position_get_service_name            (TwPosition *self);
/* "service-id:symbol" */
const char *tw_position_get_key                     (TwPosition *self);
const char *tw_position_get_symbol                  (TwPosition *self);
const char *tw_position_get_side                    (TwPosition *self);
double      tw_position_get_qty                     (TwPosition *self);
double      tw_position_get_qty_available           (TwPosition *self);
double      tw_position_get_avg_entry_price         (TwPosition *self);
double      tw_position_get_current_price           (TwPosition *self);
double      tw_position_get_market_value            (TwPosition *self);
double      tw_position_get_cost_basis              (TwPosition *self);
double      tw_position_get_unrealized_pl           (TwPosition *self);
double      tw_position_get_unrealized_plpc         (TwPosition *self);
double      tw_position_get_unrealized_pl_percent   (TwPosition *self);
double      tw_position_get_unrealized_intraday_pl  (TwPosition *self);
double      tw_position_get_change_today            (TwPosition *self);
gboolean    tw_position_get_busy                    (TwPosition *self);
void        tw_position_set_busy                    (TwPosition *self,
                                                     gboolean    busy);
/* Copies the mapped properties (and the service's id and name) of @other into @self,
 * notifying only what changed, so rows bound to @self update in place. */
void        tw_position_update_from                 (TwPosition *self,
                                                     TwPosition *other);

G_END_DECLS
