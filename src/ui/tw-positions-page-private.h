/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-positions-page.h"
#include "tw-narrow.h"

G_BEGIN_DECLS

struct _TwPositionsPage
{
  AdwBin              parent_instance;

  TwPortfolio        *portfolio;
  TwPortfolio        *held;            /* its view held while the page is mapped */
  TwActionRunner     *runner;
  GCancellable       *cancellable;
  GtkFilterListModel *filter_model;    /* owned by the sort model */
  GtkSortListModel   *sort_model;      /* owned by the selection */
  GtkStringFilter    *symbol_filter;   /* owned by the filter model */
  GtkSingleSelection *selection;
  guint               tick_id;
  guint               update_id;       /* the coalesced update_age/mode/totals */
  gboolean            update_pending;
  gboolean            stale;
  gboolean            cards_bound;     /* the account cards built: once shown or asked */
  char               *totals_text;
  char               *last_result;
  GtkWidget          *close_dialog;    /* weak */
  GtkWidget          *guard_dialog;    /* weak */
  GtkWidget          *flatten_dialog;  /* weak */

  GtkStack           *stack;
  GtkLabel           *mode_label;
  GtkImage           *stale_image;
  GtkLabel           *age_label;
  GtkWidget          *market_clock;  /* TwMarketClock: the broker's market clock */
  GtkFlowBox         *accounts_box;
  GtkSearchEntry     *search_entry;
  GtkButton          *close_selected_button;
  TwPosition         *watched_selection;  /* its "busy" followed for the button */
  GtkScrolledWindow  *scroller;
  GtkColumnView      *column_view;
  TwNarrow            narrow;          /* fewer columns, the actions first */
  GtkLabel           *count_label;
  GtkLabel           *shared_label;
  GtkLabel           *total_value_label;
  GtkImage           *total_pl_image;
  GtkLabel           *total_pl_label;
};

/* tw-positions-page-actions.c: positions.close and positions.flatten. */
void _tw_positions_page_install_actions (GtkWidgetClass  *widget_class);
void _tw_positions_page_emit_finished   (TwPositionsPage *self,
                                         const char      *operation,
                                         gboolean         ok,
                                         const char      *message);

/* For tests: what the widget shows, and the operator's hand. */

TwPortfolio      *tw_positions_page_get_portfolio     (TwPositionsPage *self);
GtkColumnView    *tw_positions_page_get_column_view   (TwPositionsPage *self);
/* (transfer none) the selection over the sorted, filtered positions */
GtkSingleSelection *tw_positions_page_get_selection   (TwPositionsPage *self);
/* (transfer none) the scrolled window of the table */
GtkScrolledWindow *tw_positions_page_get_scroller     (TwPositionsPage *self);
/* As if typed in the search entry. */
void              tw_positions_page_set_search_text   (TwPositionsPage *self,
                                                       const char      *text);
/* The totals row: "6 positions · market value 58,210.00 · unrealized P/L +310.25" */
const char       *tw_positions_page_get_totals_text   (TwPositionsPage *self);
/* The services that reach one broker account, one line per account; NULL when none. */
const char       *tw_positions_page_get_shared_text   (TwPositionsPage *self);
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

/* Whether the table gave up columns or put its actions first to fit the page (a window
 * narrower than the table with every column). */
gboolean tw_positions_page_get_narrow (TwPositionsPage *self);

G_END_DECLS
