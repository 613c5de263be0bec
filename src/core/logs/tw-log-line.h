/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tw-log-format.h"

G_BEGIN_DECLS

/* How a line is shown when it is not simply a line. */
typedef enum
{
  TW_LOG_LINE_CUT       = 1 << 0,  /* cut mid-way by a rotation */
  TW_LOG_LINE_LOST      = 1 << 1,  /* no longer in the file (copy-truncate, no copy) */
  TW_LOG_LINE_BINARY    = 1 << 2,  /* NUL bytes or not UTF-8 */
  TW_LOG_LINE_SHORTENED = 1 << 3,  /* longer than TW_LOG_LINE_DISPLAY_MAX */
  TW_LOG_LINE_UNREADABLE = 1 << 4, /* a read error */
} TwLogLineFlags;

#define TW_LOG_LINE_DISPLAY_MAX (64 * 1024)

/* One row of a log view, made only when a list asks for it (the rows on screen).
 * Properties (read-only): "source-id", "row" (in its source), "text" (the line as
 * shown), "level" (TwLogLevel as int), "time" (gint64 Unix µs, 0 unknown), "message",
 * "correlation-id" (nullable), "flags" (TwLogLineFlags: cut, lost, binary, shortened),
 * "malformed" (bool: a JSON source's line that is not JSON). */
#define TW_TYPE_LOG_LINE (tw_log_line_get_type ())
G_DECLARE_FINAL_TYPE (TwLogLine, tw_log_line, TW, LOG_LINE, GObject)

TwLogLine   *tw_log_line_new                (const char  *source_id,
                                             guint        row,
                                             char        *text,
                                             guint        flags,
                                             TwLogFormat *format);
const char  *tw_log_line_get_source_id      (TwLogLine   *self);
guint        tw_log_line_get_row            (TwLogLine   *self);
const char  *tw_log_line_get_text           (TwLogLine   *self);
TwLogLevel   tw_log_line_get_level          (TwLogLine   *self);
gint64       tw_log_line_get_time           (TwLogLine   *self);
const char  *tw_log_line_get_message        (TwLogLine   *self);
const char  *tw_log_line_get_correlation_id (TwLogLine   *self);
guint        tw_log_line_get_flags          (TwLogLine   *self);
gboolean     tw_log_line_get_malformed      (TwLogLine   *self);

G_END_DECLS
