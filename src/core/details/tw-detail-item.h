/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-enums.h"

G_BEGIN_DECLS

/* One row of a service page's section, filled by the connector's "map" (property names
 * as below; a number not given stays NaN, a string NULL):
 *   strings "name", "status", "message", "version", "reset-at", "symbol", "side", "time",
 *           "kind", "labels", "next-open", "next-close", "id", "type", "created-at",
 *           "approval-id", "approval-status"
 *   numbers "used", "limit", "remaining", "qty", "price", "pnl", "value", "accuracy",
 *           "limit-price"
 *   the key figures of "metrics": "daily-pnl", "total-pnl", "win-rate", "sharpe-ratio",
 *           "max-drawdown", "risk-rejections", "broker-errors", "latency-p50",
 *           "latency-p95", "latency-p99", "total-trades"
 *   "health" (TwHealth): the operation's "health" rule applied to the row. */
#define TW_TYPE_DETAIL_ITEM (tw_detail_item_get_type ())
G_DECLARE_FINAL_TYPE (TwDetailItem, tw_detail_item, TW, DETAIL_ITEM, GObject)

TwDetailItem *tw_detail_item_new          (const char   *name);
const char   *tw_detail_item_get_string   (TwDetailItem *self,
                                           const char   *property);
/* NaN when not given. */
double        tw_detail_item_get_number   (TwDetailItem *self,
                                           const char   *property);
void          tw_detail_item_set_string   (TwDetailItem *self,
                                           const char   *property,
                                           const char   *value);
void          tw_detail_item_set_number   (TwDetailItem *self,
                                           const char   *property,
                                           double        value);
const char   *tw_detail_item_get_name     (TwDetailItem *self);
TwHealth      tw_detail_item_get_health   (TwDetailItem *self);
void          tw_detail_item_set_health   (TwDetailItem *self,
                                           TwHealth      health);
/* A rate limit's share used, 0…1 (or more): used / limit, else (limit − remaining) /
 * limit; NaN when neither can be told. */
double        tw_detail_item_get_fraction (TwDetailItem *self);
/* Whether @text (folded) is in the name, status, message, symbol, kind or labels. */
gboolean      tw_detail_item_matches      (TwDetailItem *self,
                                           const char   *folded_text);
/* (transfer none) (array zero-terminated=1) the names of the key figures, in the order
 * a page shows them. */
const char * const *tw_detail_item_key_figures (void);

G_END_DECLS
