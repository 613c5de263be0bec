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
TwPortfolio      *tw_positions_page_get_portfolio     (TwPositionsPage *self);
GtkColumnView    *tw_positions_page_get_column_view   (TwPositionsPage *self);
/* (transfer none) the selection over the sorted, filtered positions */
GtkSingleSelection *tw_positions_page_get_selection   (TwPositionsPage *self);
/* (transfer none) the scrolled window of the table */
GtkScrolledWindow *tw_positions_page_get_scroller     (TwPositionsPage *self);
/* Sorts by a column id as a click on its header does. */
void              tw_positions_page_sort_by           (TwPositionsPage *self,
                                                       const char      *column_id,
                                                       GtkSortType      order);
/* As if typed in the search entry. */
void              tw_positions_page_set_search_text   (TwPositionsPage *self,
                                                       const char      *text);
/* The totals row: "6 positions · market value 58,210.00 · unrealized P/L +310.25" */
const char       *tw_positions_page_get_totals_text   (TwPositionsPage *self);
/* "PAPER", "LIVE", "PAPER and LIVE" or "" */
const char       *tw_positions_page_get_mode_text     (TwPositionsPage *self);
/* "updated 2 s ago", "stale — updated 4 min ago", … */
const char       *tw_positions_page_get_age_text      (TwPositionsPage *self);
gboolean          tw_positions_page_get_stale         (TwPositionsPage *self);
/* (transfer none) (nullable) */
TwAccountCard    *tw_positions_page_get_account_card  (TwPositionsPage *self,
                                                       const char      *service_id);
/* (transfer none) (nullable) the dialogs opened by the last action, while open */
GtkWidget        *tw_positions_page_get_close_dialog  (TwPositionsPage *self);
GtkWidget        *tw_positions_page_get_guard_dialog  (TwPositionsPage *self);
GtkWidget        *tw_positions_page_get_flatten_dialog (TwPositionsPage *self);
/* (nullable) the last result shown as a toast */
const char       *tw_positions_page_get_last_result   (TwPositionsPage *self);

G_END_DECLS
