/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-log-view.h"
#include "tw-logs-page.h"

G_BEGIN_DECLS

/* The page's fields, for the files that make it up: tw-logs-page.c (the list, follow,
 * filters, the logs), tw-logs-page-actions.c (its actions and the incident snapshot). */
struct _TwLogsPage
{
  AdwBin              parent_instance;

  TwLogs             *logs;
  TwSession          *session;
  GCancellable       *cancellable;
  char               *snapshot_result;
  char               *snapshot_path;
  TwLogView          *view;
  GtkMultiSelection  *selection;
  GPtrArray          *shown;          /* TwLogSource */
  GtkStringList      *source_names;
  TwLogFilter         filter;         /* in force, for highlighting */
  GRegex             *highlight_regex;
  char               *filter_error;
  char               *new_lines_text;
  char               *count_text;
  gboolean            follow;
  gboolean            scrolling;      /* the page moves the adjustment itself */
  double              last_value;
  guint               new_lines;
  guint               filter_timeout;
  guint               scroll_tick;
  guint               show_held_tick; /* the rows above the first screen, after it */
  guint               show_held_frames;
  guint               warm_id;        /* the rows' fonts warmed, a step an idle */
  guint               warm_step;
  int                 row_height;     /* a row's, once one was laid out */
  guint               focus_seen;     /* the logs' focus serial last shown */

  GtkDropDown        *source_dropdown;
  GtkDropDown        *level_dropdown;
  GtkSearchEntry     *text_entry;
  GtkEntry           *regex_entry;
  GtkEntry           *id_entry;
  GtkEntry           *from_entry;
  GtkEntry           *to_entry;
  GtkLabel           *filter_error_label;
  GtkProgressBar     *progress_bar;
  GtkButton          *cancel_button;
  GtkLabel           *count_label;
  GtkToggleButton    *follow_button;
  GtkLabel           *status_label;
  GtkLabel           *chain_label;
  GtkScrolledWindow  *scroller;
  GtkListView        *list_view;
  GtkButton          *new_lines_button;
};

/* tw-logs-page.c */
void         _tw_logs_page_set_follow        (TwLogsPage *self,
                                              gboolean    follow);
/* The filter entries' values in force (an invalid one shown beside them, not applied). */
void         _tw_logs_page_apply_filters     (TwLogsPage *self);
/* (nullable) the first shown log that is a file (a Loki log has no folder) */
TwLogSource *_tw_logs_page_first_file_source (TwLogsPage *self);
/* tw-logs-page-actions.c: the logs.* actions but logs.follow */
void         _tw_logs_page_install_actions   (GtkWidgetClass *widget_class);


/* For tests: what the page shows. */
TwLogView   *_tw_logs_page_get_view          (TwLogsPage *self);
GtkListView *_tw_logs_page_get_list_view     (TwLogsPage *self);
gboolean     _tw_logs_page_get_follow        (TwLogsPage *self);
/* (nullable) the filter error beside the entries, the "N new lines" label, the count */
const char  *_tw_logs_page_get_filter_error  (TwLogsPage *self);
const char  *_tw_logs_page_get_new_lines     (TwLogsPage *self);
const char  *_tw_logs_page_get_count_text    (TwLogsPage *self);
const char  *_tw_logs_page_get_chain_text    (TwLogsPage *self);
/* the correlation-id filter's text */
const char  *_tw_logs_page_get_filter_id     (TwLogsPage *self);
/* The filter widgets, set as a person would; applied at once (no typing delay). */
void         _tw_logs_page_set_filter_text   (TwLogsPage *self,
                                              guint       level,
                                              const char *text,
                                              const char *regex,
                                              const char *correlation_id);
/* 0: all sources merged; n: the nth source */
void         _tw_logs_page_select_source     (TwLogsPage *self,
                                              guint       index);
/* Scrolls the list to its top, as a person scrolling up would. */
void         _tw_logs_page_scroll_up         (TwLogsPage *self);
/* What logs.snapshot does once a file is chosen; the result as the toast says it. */
void         _tw_logs_page_write_snapshot     (TwLogsPage *self,
                                               GFile      *file);
const char  *_tw_logs_page_get_snapshot_result (TwLogsPage *self);
/* The text logs.copy puts on the clipboard. */
char        *_tw_logs_page_dup_selected_text (TwLogsPage *self);

G_END_DECLS
