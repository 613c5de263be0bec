/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-positions-page.h"

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
  char               *totals_text;
  char               *last_result;
  GtkWidget          *close_dialog;    /* weak */
  GtkWidget          *guard_dialog;    /* weak */
  GtkWidget          *flatten_dialog;  /* weak */

  GtkStack           *stack;
  GtkLabel           *mode_label;
  GtkImage           *stale_image;
  GtkLabel           *age_label;
  GtkFlowBox         *accounts_box;
  GtkSearchEntry     *search_entry;
  GtkButton          *close_selected_button;
  TwPosition         *watched_selection;  /* its "busy" followed for the button */
  GtkScrolledWindow  *scroller;
  GtkColumnView      *column_view;
  GtkLabel           *count_label;
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

G_END_DECLS
