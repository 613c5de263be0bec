/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-session-page.h"

#include "tw-account-card.h"
#include "tw-action-runner.h"
#include "tw-portfolio.h"

G_BEGIN_DECLS

/* The Positions page: PAPER/LIVE and the data age on top, one TwAccountCard per broker
 * account, a search entry (symbol), a GtkColumnView of the portfolio's positions (every
 * column sortable) and a totals row. Refreshes change the model objects in place, so
 * selection and scroll survive a poll.
 * Actions (widget-scoped, "positions." prefix):
 *   close (s position key "service-id:symbol")  the close dialog, then the guard, then
 *                                               tw_portfolio_close_position_async()
 *   flatten (s service id)                      the guard, then the flatten dialog
 * "Close Selected…" above the table does positions.close for the selected row.
 * Results are toasts (failures stay until dismissed).
 * Signal "action-finished" (operation, ok, message). */
#define TW_TYPE_POSITIONS_PAGE (tw_positions_page_get_type ())
G_DECLARE_FINAL_TYPE (TwPositionsPage, tw_positions_page, TW, POSITIONS_PAGE, AdwBin)

/* Column ids, in order: "service", "symbol", "side", "qty", "avg-entry", "price",
 * "market-value", "pl", "pl-percent", "intraday-pl", "actions". */
GtkWidget        *tw_positions_page_new               (void);
/* All NULL to clear. */
void              tw_positions_page_set_context       (TwPositionsPage *self,
                                                       TwPortfolio     *portfolio,
                                                       TwActionRunner  *runner);
/* Sorts by a column id as a click on its header does. */
void              tw_positions_page_sort_by           (TwPositionsPage *self,
                                                       const char      *column_id,
                                                       GtkSortType      order);

G_END_DECLS
