/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <sys/types.h>

#include "tw-log-format.h"
#include "tw-log-line.h"

G_BEGIN_DECLS

/* The line-offset index. A segment is one file as it was followed: the file a source's
 * path named until a rotation, or one of a date pattern's earlier files. Its lines are in
 * runs of contiguous lines (the head of the file, indexed last, and its tail, indexed
 * first so the newest lines show at once), each run an array of 8-byte start offsets in
 * chunks (no per-line object: 8 bytes a line). Runs grow in a worker thread under the
 * segment's lock; the chunks never move, so readers copy a chunk pointer under the lock
 * and read it without. Refcounted, shared with filter threads. */

#define TW_LOG_CHUNK_LINES 16384

typedef struct
{
  GPtrArray *chunks;   /* guint64[TW_LOG_CHUNK_LINES] */
  guint      n;        /* complete lines */
  guint64    start;    /* first byte of the run */
  guint64    end;      /* byte after the last complete line's newline */
} TwLogRun;

typedef struct _TwLogSegment TwLogSegment;
struct _TwLogSegment
{
  gint      ref_count;
  GMutex    lock;
  char     *path;
  int       fd;          /* -1 when its content is gone */
  dev_t     dev;
  ino_t     ino;
  TwLogRun  head;        /* [0, tail.start): filled after the tail */
  TwLogRun  tail;        /* [tail.start, …): grows as the file grows */
  gboolean  head_done;
  gboolean  closed;      /* rotated away or an earlier file: no longer grows */
  guint64   cut_end;     /* closed with an unterminated last line: its end (> tail.end) */
  gboolean  lost;        /* copy-truncated and no copy found: lines unreadable */
  char      head_bytes[256];
  gsize     n_head_bytes;
};


TwLogSegment *_tw_log_segment_new        (const char   *path,
                                          int           fd,
                                          dev_t         dev,
                                          ino_t         ino);
TwLogSegment *_tw_log_segment_ref        (TwLogSegment *segment);
void          _tw_log_segment_unref      (TwLogSegment *segment);
/* Rows now (under the lock): head, tail, and the cut line. */
guint         _tw_log_segment_count      (TwLogSegment *segment);
/* Byte range of @row, the head's first @n_head rows coming first (the rows a snapshot
 * knows of); FALSE when not there. */
gboolean      _tw_log_segment_row_range  (TwLogSegment *segment,
                                          guint         n_head,
                                          guint         row,
                                          guint64      *start,
                                          guint64      *end,
                                          gboolean     *cut);
/* Worker thread: indexes [from, to) of the file into @run (lines ending in it).
 * Returns the offset where the next line starts (an unterminated rest is left). */
guint64       _tw_log_segment_index      (TwLogSegment *segment,
                                          TwLogRun     *run,
                                          guint64       from,
                                          guint64       to,
                                          GCancellable *cancellable);
gsize         _tw_log_segment_memory     (TwLogSegment *segment);

/* A consistent view of some segments' first rows, for the main thread and for threads. */
typedef struct
{
  gint          ref_count;
  GPtrArray    *segments;  /* TwLogSegment */
  GArray       *counts;    /* guint rows of each */
  GArray       *heads;     /* guint head rows of each */
  guint         n_rows;
  TwLogFormat  *format;
  char         *source_id;
} TwLogSnapshot;

TwLogSnapshot *_tw_log_snapshot_new      (const char    *source_id,
                                          TwLogFormat   *format);
void           _tw_log_snapshot_add      (TwLogSnapshot *snapshot,
                                          TwLogSegment  *segment,
                                          guint          n_head,
                                          guint          n_rows);
TwLogSnapshot *_tw_log_snapshot_ref      (TwLogSnapshot *snapshot);
void           _tw_log_snapshot_unref    (TwLogSnapshot *snapshot);
/* The text of @row: at most TW_LOG_LINE_DISPLAY_MAX bytes, valid UTF-8, no newline. */
char          *_tw_log_snapshot_read     (TwLogSnapshot *snapshot,
                                          guint          row,
                                          TwLogLineFlags *flags);
/* Raw bytes of @row, whole (however long), without the newline. NULL on error. */
GBytes        *_tw_log_snapshot_read_raw (TwLogSnapshot *snapshot,
                                          guint          row,
                                          TwLogLineFlags *flags);

/* Calls @func for each row in [@from, @to) in order, reading in large blocks. Stops when
 * @func returns FALSE or @cancellable is cancelled. Lost rows are given as empty. */
typedef gboolean (*TwLogScanFunc) (guint        row,
                                   const char  *line,
                                   gsize        len,
                                   gpointer     user_data);
void           _tw_log_snapshot_scan     (TwLogSnapshot *snapshot,
                                          guint          from,
                                          guint          to,
                                          TwLogScanFunc  func,
                                          gpointer       user_data,
                                          GCancellable  *cancellable);

typedef struct _TwLogSource TwLogSource;
typedef struct _TwLogLoki TwLogLoki;
/* A Loki source's client (tw-log-loki.h), NULL for the other kinds. */
TwLogLoki     *_tw_log_source_get_loki   (TwLogSource   *self);
/* (transfer full) the rows signalled so far; main thread. */
TwLogSnapshot *_tw_log_source_snapshot   (TwLogSource   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TwLogSnapshot, _tw_log_snapshot_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TwLogSegment, _tw_log_segment_unref)

G_END_DECLS
