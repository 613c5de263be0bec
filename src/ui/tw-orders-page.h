/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-session-page.h"

#include "tw-action-runner.h"
#include "tw-portfolio.h"

G_BEGIN_DECLS

/* The Orders page: the open and pending orders of every service in a GtkColumnView,
 * stuck ones first (icon, "Stuck" and the warning style), with age, filled quantity
 * and the IBKR assistant's approval status; a "Cancel All…" button per service.
 * Actions (widget-scoped, "orders." prefix), guarded as destructive:
 *   cancel (s order key "service-id:id")   tw_portfolio_cancel_order_async()
 *   cancel-all (s service id)              tw_portfolio_cancel_all_async()
 *   show-result                            the last cancel all's refusals, one a line
 * Results are toasts (failures and refusals stay until dismissed); a partial cancel all's
 * toast has a "Details" button (show-result) with the audit log's own lines.
 * Signal "action-finished" (operation, ok, message).
 * Column ids: "service", "symbol", "side", "qty", "filled", "type", "status", "age",
 * "actions". The IBKR assistant's approval status shows under the order's status. */
#define TW_TYPE_ORDERS_PAGE (tw_orders_page_get_type ())
G_DECLARE_FINAL_TYPE (TwOrdersPage, tw_orders_page, TW, ORDERS_PAGE, AdwBin)

GtkWidget          *tw_orders_page_new              (void);
void                tw_orders_page_set_context      (TwOrdersPage   *self,
                                                     TwPortfolio    *portfolio,
                                                     TwActionRunner *runner);

G_END_DECLS
