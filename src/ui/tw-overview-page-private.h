/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-overview-page.h"
#include "tw-narrow.h"
#include "tw-service-page.h"

G_BEGIN_DECLS

/* Rows a frame lays out for the first time, at most, while a large list grows. */
#define TW_OVERVIEW_ROWS_PER_FRAME 3

/* For tests: what the widget shows, and the operator's hand. */

/* The summary line as shown ("5 of 5 services OK"). */
const char   *tw_overview_page_get_summary   (TwOverviewPage *self);
/* The broker accounts whose mode is not the profile's, one a line; NULL when none. */
const char   *tw_overview_page_get_mode_warning (TwOverviewPage *self);

/* Whether every style of tw_overview_page_warm_up () is warm. */
gboolean      tw_overview_page_is_warm       (TwOverviewPage *self);

/* Whether the page is in its narrow layout (under 500 px wide). */
gboolean      tw_overview_page_get_narrow    (TwOverviewPage *self);

/* Between the page's files (tw-overview-page-summary.c: the lines above the list). */

/* The parent of each wrapping line above the list: its width measured once for any height. */
#define TW_TYPE_WRAP_BIN (tw_wrap_bin_get_type ())
G_DECLARE_FINAL_TYPE (TwWrapBin, tw_wrap_bin, TW, WRAP_BIN, GtkWidget)

struct _TwOverviewPage
{
  AdwBin       parent_instance;

  TwWorkspace *workspace;
  GListModel  *services;      /* the workspace's, watched for items-changed */
  GtkSliceListModel *shown;   /* its first rows, one more a main-loop round (grow_rows) */
  guint        grow_id;
  guint        grown_this_frame; /* rows grown since the last frame (ROWS_PER_FRAME) */
  GdkFrameClock *grow_clock;  /* whose after-paint lets the next rows in, while growing */
  gulong       grow_paint_id;
  guint        list_tick;     /* the list waits for the page's first frame (list_later) */
  guint        rows_idle;     /* its first rows wait for the opening's call to end */
  guint        list_frames;
  GPtrArray   *hidden;        /* TwServiceRow built but not shown yet, the next first */
  GdkFrameClock *reveal_clock; /* whose after-paint shows the next of them */
  gulong       reveal_paint_id;
  GPtrArray   *watched;       /* TwService whose state feeds the summary */
  GHashTable  *expanded;      /* service ids whose components are shown */
  GPtrArray   *rows;          /* TwServiceRow bound to a service now */
  guint        age_timer;
  GdkFrameClock *layout_clock; /* its "layout" releases the rows allocated in view */
  gulong       layout_handler;
  TwSession   *session;       /* its "halt-failure" and last Halt All */
  GListModel  *states;        /* the risk monitor's TwTradingState, watched */
  GPtrArray   *watched_states;
  guint        trading_idle;
  gboolean     trading_dirty; /* changed while unmapped: caught up on map */
  GListModel  *accounts;      /* the portfolio's TwAccount, whose mode is checked */
  GPtrArray   *watched_accounts;
  TwNarrow     narrow;        /* under 500 px: the rows' secondary buttons give way */
  guint        warm_id;       /* tw-overview-page-warm.c: a style warmed an idle */
  guint        warm_step;

  GtkBox      *trading_box;
  GtkImage    *trading_icon;
  GtkLabel    *trading_label;
  GtkRevealer *failure_revealer;
  GtkLabel    *failure_label;
  GtkImage    *summary_icon;
  GtkLabel    *summary_label;
  GtkBox      *mode_box;
  GtkImage    *mode_icon;
  GtkLabel    *mode_label;
  GtkStack    *list_stack;
  GtkListView *services_list;

  /* A page per service: pushed over the Overview, back with Back, Escape or Alt+Left */
  AdwLeaflet    *navigation;
  GtkWidget     *overview_child;
  TwServicePage *service_page;
};

void            _tw_overview_page_update_summary       (TwOverviewPage *self);
void            _tw_overview_page_update_trading       (TwOverviewPage *self);
TwTradingState *_tw_overview_page_lookup_state         (TwOverviewPage *self,
                                                        const char     *service_id);
void            _tw_overview_page_unwatch_states       (TwOverviewPage *self);
void            _tw_overview_page_rewatch_states       (TwOverviewPage *self);
void            _tw_overview_page_halt_failure_changed (TwOverviewPage *self);
void            _tw_overview_page_rewatch_accounts     (TwOverviewPage *self);
void            _tw_overview_page_stop_warming         (TwOverviewPage *self);

G_END_DECLS
