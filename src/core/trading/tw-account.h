/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The account summary of one broker service. Properties (mappable by connectors unless
 * marked):
 *   "service-id", "service-name" (not mapped: set by the portfolio),
 *   "account-number", "account-id" (the broker's own id of the account, beside its
 *   number), "status", "currency" (strings),
 *   "equity", "last-equity", "cash", "buying-power", "portfolio-value" (doubles),
 *   "trading-blocked", "account-blocked", "trade-suspended-by-user", "paper" (bools;
 *   when the connector does not map "paper", the portfolio decides it from the base URL
 *   and the profile's mode),
 *   "day-pl" (read-only: equity − last-equity), "day-pl-percent" (read-only, × 100),
 *   "updated-at" (GDateTime, not mapped), "stale" (bool, not mapped). */
#define TW_TYPE_ACCOUNT (tw_account_get_type ())
G_DECLARE_FINAL_TYPE (TwAccount, tw_account, TW, ACCOUNT, GObject)

TwAccount  *tw_account_new                         (const char *service_id);
const char *tw_account_get_service_id              (TwAccount  *self);
const char *tw_account_get_service_name            (TwAccount  *self);
const char *tw_account_get_account_number          (TwAccount  *self);
const char *tw_account_get_account_id              (TwAccount  *self);
const char *tw_account_get_status                  (TwAccount  *self);
const char *tw_account_get_currency                (TwAccount  *self);
double      tw_account_get_equity                  (TwAccount  *self);
double      tw_account_get_last_equity             (TwAccount  *self);
double      tw_account_get_cash                    (TwAccount  *self);
double      tw_account_get_buying_power            (TwAccount  *self);
double      tw_account_get_portfolio_value         (TwAccount  *self);
gboolean    tw_account_get_trading_blocked         (TwAccount  *self);
gboolean    tw_account_get_account_blocked         (TwAccount  *self);
gboolean    tw_account_get_trade_suspended_by_user (TwAccount  *self);
/* TRUE when any of the three blocks is set: the page shows it loudly. */
gboolean    tw_account_is_blocked                  (TwAccount  *self);
gboolean    tw_account_get_paper                   (TwAccount  *self);
/* TRUE once "paper" was set (by the connector's map or by the portfolio). */
gboolean    tw_account_get_paper_known             (TwAccount  *self);
void        tw_account_set_paper                   (TwAccount  *self,
                                                    gboolean    paper);
double      tw_account_get_day_pl                  (TwAccount  *self);
double      tw_account_get_day_pl_percent          (TwAccount  *self);
GDateTime  *tw_account_get_updated_at              (TwAccount  *self);
void        tw_account_set_updated_at              (TwAccount  *self,
                                                    GDateTime  *updated_at);
void        tw_account_set_stale                   (TwAccount  *self,
                                                    gboolean    stale);
/* Copies the mapped properties of @other (and its service name) into @self, notifying
 * only what changed. "paper" is copied only when @other knows it. */
void        tw_account_update_from                 (TwAccount  *self,
                                                    TwAccount  *other);

G_END_DECLS
