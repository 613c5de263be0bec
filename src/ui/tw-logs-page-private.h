/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-logs-page.h"

G_BEGIN_DECLS

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
