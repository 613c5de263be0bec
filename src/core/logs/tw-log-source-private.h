/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-log-journal.h"
#include "tw-log-loki.h"
#include "tw-log-private.h"
#include "tw-log-source.h"

G_BEGIN_DECLS

/* TwLogSource's fields, for the files that make it up: tw-log-source.c (the object,
 * its worker, journal and Loki sources, what the main thread publishes),
 * tw-log-source-file.c (files: opened, indexed, followed through rotations),
 * tw-log-source-chain.c (audit chains), tw-log-date-pattern.c. */
struct _TwLogSource
{
  GObject        parent_instance;

  char          *id;
  char          *path;
  TwLogFormat   *format;
  GMainContext  *context;

  GMutex         lock;          /* segments, current_path, last_size */
  GPtrArray     *segments;      /* TwLogSegment, oldest first */
  char          *current_path;
  guint64        last_size;     /* the current file's size at the last check */
  gboolean       opened;

  /* Main thread: rows of each segment signalled so far (head, tail+cut). */
  GArray        *published_head;
  GArray        *published_rest;
  guint          n_lines;
  TwLogSnapshot *snapshot;      /* of the published rows, made on demand */

  char          *problem;
  gboolean       indexing;
  gboolean       started;
  gboolean       job_running;
  gboolean       check_again;
  guint          interval_ms;
  guint          timer_id;
  /* The current file's changes wake a check at once (inotify), the timer is the
   * fallback (rotations, file systems without inotify). */
  GFileMonitor  *monitor;
  char          *monitored_path;
  GCancellable  *cancellable;

  /* A journal: its entries copied as lines into an unlinked spool file, indexed. */
  gboolean       is_journal;
  char          *unit;
  char          *identifier;
  TwLogJournal  *journal;
  int            spool_fd;

  /* Loki: its entries written to a spool by tw-log-loki.c, indexed here. */
  TwLogLoki     *loki;

  /* Audit chains: verified after lines arrive, one verification at a time. */
  gboolean       chain_running;
  gboolean       chain_again;
  guint          chain_verified_lines;
  char          *chain_status;
  gboolean       chain_broken;
  guint          chain_broken_line;
};

/* From the worker: a new problem (when @set_problem), indexing (0 or 1; -1: unchanged),
 * and the lines indexed so far published on the source's main context. */
void       _tw_log_source_post      (TwLogSource  *self,
                                     gboolean      set_problem,
                                     const char   *problem,
                                     int           indexing);

/* tw-log-source-file.c, in the worker: a file source's first opening (its end
 * indexed first, then the rest, then the earlier files of a date pattern), and each
 * check after (appends, rotations, the next day's file). */
void       _tw_log_source_open_file   (TwLogSource  *self,
                                       GCancellable *cancellable);
void       _tw_log_source_follow_file (TwLogSource  *self,
                                       GCancellable *cancellable);

/* tw-log-source-chain.c: verifies the chain again (once more after the running one). */
void       _tw_log_source_run_chain (TwLogSource *self);

/* tw-log-date-pattern.c */
gboolean   _tw_log_is_date_pattern  (const char  *path);
/* (transfer full) today's file of @path, or @path when it has no pattern */
char      *_tw_log_expand_today     (const char  *path);
/* (transfer full) the earlier files of @pattern but @today, oldest first */
GPtrArray *_tw_log_list_earlier     (const char  *pattern,
                                     const char  *today);

G_END_DECLS
