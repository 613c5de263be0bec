/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Loki's answers parsed, and written to the spool, in worker threads (tw-log-loki.h). */

#define TW_LOKI_DEDUP_WINDOW_NS (G_GINT64_CONSTANT (10) * 1000000000)

/* One log entry. */
typedef struct
{
  gint64  ts;       /* ns */
  char   *labels;   /* {a="b", …} */
  char   *line;
} Entry;

/* Entries written lately: what a reconnection or a poll gives again is skipped. Used by
 * one ingest at a time. */
typedef struct
{
  GHashTable *seen;   /* "ts hash hash" → ts */
  gint64      max_ts;
} Dedup;

/* The ingest job: parses answers, and writes the entries not written yet. */
typedef enum { JOB_PAGE, JOB_WRITE, JOB_TAIL, JOB_POLL } JobKind;

typedef struct
{
  JobKind    kind;
  GPtrArray *bodies;      /* GBytes */
  GPtrArray *entries;     /* Entry: a page's (out) or the history's (in) */
  Dedup     *dedup;       /* the loki's, used by this job alone */
  int        fd;
  guint      limit;       /* a page's: full when it has this many */
  guint      n_parsed;
  guint      written;
  guint64    dropped;
} Job;

void _tw_loki_entry_free (gpointer      data);
void _tw_loki_job_free   (gpointer      data);
/* GTaskThreadFunc: the task's data is a Job; returns a boolean or an error. */
void _tw_loki_job_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable);

G_END_DECLS
