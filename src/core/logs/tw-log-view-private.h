/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-log-private.h"
#include "tw-log-view.h"

G_BEGIN_DECLS

/* A row of the view: its source's index and the row in that source. */
#define REF(source, row) (((guint64) (source) << 32) | (row))
#define REF_SOURCE(ref)  ((guint) ((ref) >> 32))
#define REF_ROW(ref)     ((guint) ((ref) & 0xffffffff))

/* A filter job: the sources' snapshots scanned in a thread for the rows that match. */
typedef struct
{
  GPtrArray   *snapshots;   /* TwLogSnapshot, one per source */
  GArray      *from;        /* guint first row of each to scan */
  TwLogFilter  filter;
  GRegex      *regex;
  char        *text;        /* ASCII-lowercased */
  gsize        text_len;
  gsize        anchor_off;  /* the longest run of @text without ASCII letters: the */
  gsize        anchor_len;  /* same in any case, so memmem() finds it (≥ 2 bytes) */
  gboolean     merge;
  gboolean     full;
  GArray      *last_times;  /* gint64 per source: carried in (to the scan's first
                             * lines without a time), then its last time out */
  GArray      *merged_times;
  gint        *progress;
  guint        total;
  guint        done;
  /* per source while scanning */
  TwLogFormat *format;
  guint        source;
  gint64       last_time;
  GArray      *refs;
  GArray      *times;
  GPtrArray   *results_refs;
  GPtrArray   *results_times;
} TwLogJob;

void     _tw_log_filter_copy       (TwLogFilter       *dest,
                                    const TwLogFilter *src);
GRegex  *_tw_log_regex_compile     (const char        *pattern,
                                    GError           **error);
void     _tw_log_job_choose_anchor (TwLogJob          *job);
void     _tw_log_job_free          (gpointer           data);
void     _tw_log_job_thread        (GTask             *task,
                                    gpointer           source_object,
                                    gpointer           task_data,
                                    GCancellable      *cancellable);

G_END_DECLS
