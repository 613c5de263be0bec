/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-log-format.h"
#include "tw-log-line.h"
#include "tw-log-source.h"

G_BEGIN_DECLS

/* What a view shows: every condition set must hold. */
typedef struct
{
  TwLogLevel  min_level;       /* UNKNOWN: any line */
  char       *text;            /* case-insensitive substring, NULL or "": none */
  char       *regex;           /* GRegex pattern, NULL or "": none */
  char       *correlation_id;  /* exact id, NULL or "": none */
  gint64      time_from;       /* Unix µs, 0: none */
  gint64      time_to;         /* Unix µs, 0: none */
} TwLogFilter;

void         tw_log_filter_clear  (TwLogFilter       *filter);
gboolean     tw_log_filter_is_empty (const TwLogFilter *filter);

/* A GListModel of TwLogLine over one or several sources: a line object is made only when
 * the list asks for its row. One source and no filter: the source's rows as they are
 * indexed. Otherwise the rows that match, found in a worker thread (cancelled by the
 * next filter, with "progress"), the sources merged by time (a line without a time takes
 * the time of the line before it in its source); lines written later are filtered as they
 * come and added at the end. Properties: "filtering" (bool), "progress" (double 0–1),
 * "n-matches" (uint: rows shown when filtered). */
#define TW_TYPE_LOG_VIEW (tw_log_view_get_type ())
G_DECLARE_FINAL_TYPE (TwLogView, tw_log_view, TW, LOG_VIEW, GObject)

TwLogView   *tw_log_view_new            (void);
/* @sources: (element-type TwLogSource) the sources shown, in this order for equal times. */
void         tw_log_view_set_sources    (TwLogView         *self,
                                         GPtrArray         *sources);
/* Fails (TW_ERROR_INVALID, a message for people) on a regex that does not compile; the
 * filter in force is kept then. */
gboolean     tw_log_view_set_filter     (TwLogView         *self,
                                         const TwLogFilter *filter,
                                         GError           **error);
gboolean     tw_log_view_get_filtering  (TwLogView         *self);
double       tw_log_view_get_progress   (TwLogView         *self);
guint        tw_log_view_get_n_matches  (TwLogView         *self);
/* Cancels the filter under way (the rows found so far are not shown). */
void         tw_log_view_cancel         (TwLogView         *self);
/* The position of @source_id's @row in the view, or G_MAXUINT. */
guint        tw_log_view_find           (TwLogView         *self,
                                         const char        *source_id,
                                         guint              row);
/* The first screen: the next time the view goes from no row to some, only the newest
 * @n_rows of them are in the model (a list shows them at once, the newest at the end,
 * without laying out rows it will scroll away from); the rows above are held until
 * tw_log_view_show_held() inserts them at the top. Rows added at the end meanwhile are
 * shown; any other change (rows found again) keeps as many of the newest rows as were
 * shown and holds the rest. 0: off. */
void         tw_log_view_set_first_screen (TwLogView       *self,
                                           guint            n_rows);
/* The first screen when its size is not known yet (a list not laid out): the next time
 * the view goes from no row to some, every row is held (the model stays empty,
 * "n-held" says they came) until tw_log_view_show_held() shows the newest of them.
 * Cleared by tw_log_view_set_first_screen(). */
void         tw_log_view_hold_first_screen (TwLogView      *self);
/* Rows held above the model's first (not in it yet); notified as "n-held". */
guint        tw_log_view_get_n_held     (TwLogView         *self);
/* Inserts the lowest @n_rows held rows (G_MAXUINT: all) at the top of the model. */
void         tw_log_view_show_held      (TwLogView         *self,
                                         guint              n_rows);
/* Checks a regex as the view would compile it. */
gboolean     tw_log_regex_check         (const char        *pattern,
                                         GError           **error);

G_END_DECLS
