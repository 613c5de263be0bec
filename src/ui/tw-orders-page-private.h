/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-orders-page.h"

G_BEGIN_DECLS

/* For tests: what the widget shows, and the operator's hand. */

/* (transfer none) the rows as shown: stuck first */
GListModel         *tw_orders_page_get_model        (TwOrdersPage   *self);
/* (transfer none) the selection over the rows as shown */
GtkSingleSelection *tw_orders_page_get_selection    (TwOrdersPage   *self);
/* (transfer none) the selected row's Cancel… */
GtkWidget          *tw_orders_page_get_cancel_selected_button (TwOrdersPage *self);
/* (transfer none) (nullable) the guard dialog of the last action, while open */
GtkWidget          *tw_orders_page_get_guard_dialog (TwOrdersPage   *self);
const char         *tw_orders_page_get_last_result  (TwOrdersPage   *self);
/* (transfer none) (nullable) the dialog of "show-result", while open */
GtkWidget          *tw_orders_page_get_result_dialog (TwOrdersPage  *self);
/* "2 stuck orders" or "" */
const char         *tw_orders_page_get_stuck_text   (TwOrdersPage   *self);
/* "updated 2 s ago", "stale — updated 4 min ago", … */
const char         *tw_orders_page_get_age_text     (TwOrdersPage   *self);
gboolean            tw_orders_page_get_stale        (TwOrdersPage   *self);

/* Whether the table gave up columns or put its actions first to fit the page (a window
 * narrower than the table with every column). */
gboolean tw_orders_page_get_narrow (TwOrdersPage *self);

G_END_DECLS
