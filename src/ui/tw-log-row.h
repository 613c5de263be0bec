/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tw-logs.h"

G_BEGIN_DECLS

/* One row of the Logs page: one widget that draws its columns (source, time, level, a
 * flag, the text with the filter's matches marked, the correlation id) itself, so that
 * the 200 rows GtkListView 4.8 builds before its first frame cost little. The text is
 * laid out only when the row is drawn. A click on the id activates "logs.filter-id". */
#define TW_TYPE_LOG_ROW (tw_log_row_get_type ())
G_DECLARE_FINAL_TYPE (TwLogRow, tw_log_row, TW, LOG_ROW, GtkWidget)

GtkWidget  *tw_log_row_new                (void);
/* @line (nullable); @match_text (nullable): a substring marked regardless of case;
 * @match_regex (nullable): its matches marked too. A line of the same log with the same
 * text and marks as the row's keeps the row's layout. */
void        tw_log_row_set_line           (TwLogRow   *self,
                                           TwLogLine  *line,
                                           const char *match_text,
                                           GRegex     *match_regex);
/* (nullable) */
TwLogLine  *tw_log_row_get_line           (TwLogRow   *self);
/* The height a row's line takes with @widget's fonts (the row's own, or the list's
 * before any row exists): the taller of its font and the monospace text's. */
int         tw_log_row_get_line_height    (GtkWidget  *widget);
/* Prepares the fonts a row draws with (@widget's, as tw_log_row_get_line_height()) and
 * their glyphs, one of a few steps (from 0) a call, so that the first rows drawn do not
 * find them all cold; FALSE once @step is past the last. */
gboolean    tw_log_row_warm_up            (GtkWidget  *widget,
                                           guint       step);
/* What a screen reader says of @line: time, level, source, text, flag, id (newly
 * allocated). */
char       *tw_log_row_describe_line      (TwLogLine  *line);

G_END_DECLS
