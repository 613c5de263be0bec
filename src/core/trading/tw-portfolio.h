/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-account.h"
#include "tw-action-runner.h"
#include "tw-multistatus.h"
#include "tw-order.h"
#include "tw-position.h"
#include "tw-workspace.h"

G_BEGIN_DECLS

/* The positions-and-orders monitor of a workspace. For every service whose connector has
 * "account.get", "positions.list", "orders.list" (or "orders.pending"), one TwPoller per
 * operation at the workspace's poll interval. Refreshes update the model objects in place
 * by key ("service-id:symbol", "service-id:id"): gone ones are removed, new ones appended,
 * with minimal "items-changed", so a GtkColumnView keeps its selection and scroll.
 * Lists are mapped in a worker thread; only the merge runs on the main thread.
 * Properties: "workspace" (construct-only), "stuck-threshold" (uint seconds, default 300),
 * "background-interval" (uint ms, default 0): while no view holds the portfolio
 * (tw_portfolio_hold_view()), its pollers run at this slower interval — nobody reads
 * positions every second when no page shows them — and at the workspace's otherwise.
 * Signal "service-changed" (service_id): the data age, staleness or error of a service
 * changed. */
/* The background interval the console uses. */
#define TW_PORTFOLIO_BACKGROUND_INTERVAL_MS 30000

#define TW_TYPE_PORTFOLIO (tw_portfolio_get_type ())
G_DECLARE_FINAL_TYPE (TwPortfolio, tw_portfolio, TW, PORTFOLIO, GObject)

TwPortfolio *tw_portfolio_new                  (TwWorkspace  *workspace);
TwWorkspace *tw_portfolio_get_workspace        (TwPortfolio  *self);
/* (transfer none) GListModel of TwAccount, one per service with "account.get" that answered */
GListModel  *tw_portfolio_get_accounts         (TwPortfolio  *self);
/* (transfer none) GListStore of TwPosition across services */
GListModel  *tw_portfolio_get_positions        (TwPortfolio  *self);
/* (transfer none) GListStore of TwOrder across services */
GListModel  *tw_portfolio_get_orders           (TwPortfolio  *self);
TwPosition  *tw_portfolio_lookup_position      (TwPortfolio  *self,
                                                const char   *service_id,
                                                const char   *symbol);
TwOrder     *tw_portfolio_lookup_order         (TwPortfolio  *self,
                                                const char   *service_id,
                                                const char   *order_id);
guint        tw_portfolio_get_background_interval (TwPortfolio *self);
void         tw_portfolio_set_background_interval (TwPortfolio *self,
                                                   guint        interval_ms);
/* A view that shows the data (a page on screen) holds the portfolio while it does. */
void         tw_portfolio_hold_view            (TwPortfolio  *self);
void         tw_portfolio_release_view         (TwPortfolio  *self);
void         tw_portfolio_set_stuck_threshold  (TwPortfolio  *self,
                                                guint         seconds);
/* TRUE when the service has any of the three operations (it shows on the pages). */
gboolean     tw_portfolio_has_service          (TwPortfolio  *self,
                                                const char   *service_id);
/* (transfer none) (nullable) the last error of the service's pollers, NULL when all answered. */
const char  *tw_portfolio_get_error            (TwPortfolio  *self,
                                                const char   *service_id);
/* (transfer none) (nullable) when the service's data was last complete: the oldest of its
 * pollers' last successes; NULL until each has answered once. */
GDateTime   *tw_portfolio_get_updated_at       (TwPortfolio  *self,
                                                const char   *service_id);
/* Seconds since tw_portfolio_get_updated_at(), -1 if never. */
gint64       tw_portfolio_get_age_seconds      (TwPortfolio  *self,
                                                const char   *service_id);
/* TRUE when any poller of the service had no success for three intervals. */
gboolean     tw_portfolio_get_stale            (TwPortfolio  *self,
                                                const char   *service_id);
void         tw_portfolio_start                (TwPortfolio  *self);
void         tw_portfolio_stop                 (TwPortfolio  *self);
/* Polls every service now; @service_id (nullable) only that one. */
void         tw_portfolio_refresh              (TwPortfolio  *self,
                                                const char   *service_id);

/* Actions. Each goes through tw_action_runner_run_async() with @request (guarded as
 * destructive, audited); while it is in flight the row's "busy" is TRUE and a second
 * call is refused (TW_ERROR_REFUSED) without sending anything. On success the
 * service is polled again. Errors are explained for people. */

/* Closes @position: all of it (@qty and @percentage 0), @qty units, or @percentage
 * (0 < p ≤ 100) — Alpaca "positions.close" with var symbol and qty or percentage;
 * a connector whose "positions.close" takes neither closes whole positions only
 * (TW_ERROR_UNSUPPORTED for a part). A 403 from a connector that sends the
 * live-trading key is explained as the key missing or wrong. */
void         tw_portfolio_close_position_async  (TwPortfolio        *self,
                                                 TwActionRunner     *runner,
                                                 TwGuardRequest     *request,
                                                 TwPosition         *position,
                                                 double              qty,
                                                 double              percentage,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
/* @message: (out) (optional) (transfer full) what was done, for a toast. */
gboolean     tw_portfolio_close_position_finish (TwPortfolio        *self,
                                                 GAsyncResult       *result,
                                                 char              **message,
                                                 GError            **error);
/* Cancels @order: "orders.cancel" (Alpaca 204; a 422 explained from the order's status:
 * held, a cancel pending, being replaced, filled…).
 * The IBKR assistant answers 409 while the order awaits approval: then
 * "approvals.invalidate" of its approval and "orders.cancel" again, each step audited. */
void         tw_portfolio_cancel_order_async    (TwPortfolio        *self,
                                                 TwActionRunner     *runner,
                                                 TwGuardRequest     *request,
                                                 TwOrder            *order,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
gboolean     tw_portfolio_cancel_order_finish   (TwPortfolio        *self,
                                                 GAsyncResult       *result,
                                                 char              **message,
                                                 GError            **error);
/* "orders.cancel_all" of @service_id; the 207 answer parsed, its entries named by the
 * orders the portfolio holds (side, qty, symbol, short id). Refused entries are in the
 * result, not an error; the audit row is "failed" when there is any. */
void         tw_portfolio_cancel_all_async      (TwPortfolio        *self,
                                                 TwActionRunner     *runner,
                                                 TwGuardRequest     *request,
                                                 const char         *service_id,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
/* (transfer full) */
TwMultiStatus *tw_portfolio_cancel_all_finish   (TwPortfolio        *self,
                                                 GAsyncResult       *result,
                                                 GError            **error);
/* @order as a person reads it, for a guard dialog and the audit row's target:
 * "Alpaca (paper): sell 5 TSLA stop (order b83a1f2c)" — service, side, qty, symbol, type
 * and the short id. The request itself still uses the order's id. (transfer full) */
char          *tw_portfolio_dup_order_target    (TwPortfolio        *self,
                                                 TwOrder            *order);

G_END_DECLS
