/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Inside the poller: TwPoller's fields, shared by tw-poller.c (one poller's polls,
 * answers and backoff) and tw-poller-scheduler.c (the one timer of all running pollers
 * of a main context, and the requests pollers share). Not for other code. */

#include "tw-poller.h"

G_BEGIN_DECLS

#define STALE_INTERVALS  3

typedef struct _Scheduler Scheduler;
typedef struct _Request Request;
typedef struct _Share Share;

struct _TwPoller
{
  GObject       parent_instance;

  TwClient     *client;
  char         *operation;
  guint         interval_ms;

  GMainContext *context;       /* thread-default context at start */
  Scheduler    *scheduler;     /* of that context, while running */
  gint64        due_us;        /* monotonic time of the next poll, 0 when none */
  struct _Request *request;    /* the request in flight this poller waits for, NULL when none */
  char         *share_key;     /* client + request key while running: pollers with equal
                                * keys share one request, NULL when it cannot be shared */
  Share        *share;         /* of share_key in the scheduler, while attached to it */

  gboolean      running;
  gboolean      in_flight;
  guint         consecutive_failures;
  guint         backoff_level;  /* failures since the last success or poll_now */
  guint         backoff_limit_ms; /* longest delay while failing, 0 for MAX_BACKOFF_MS */
  gint64        last_start_us;  /* monotonic */
  gint64        phase_us;       /* when the last poll was due (its start may be a slot later) */
  gint64        reference_us;   /* monotonic: last success, else start */
  GDateTime    *last_success;
  guint64       body_hash;      /* of the last success, 0 when none */
  gboolean      stale;
  GPtrArray    *once_tasks;     /* GTask* of tw_poller_poll_once_async, answered by the next answer */
};

/* A request in flight and the pollers waiting for its answer: one, or every running
 * poller of the same client whose operation sends the same request (Alpaca's
 * /v2/account is the health, the account and its blocks). It keeps none of them
 * alive: a poller leaves it when it stops, and the last one to leave cancels it. */
struct _Request
{
  GPtrArray    *waiters;      /* TwPoller*, unowned */
  GCancellable *cancellable;
  Share        *share;        /* a reference, NULL when not shared */
};

/* The running pollers of a scheduler with one share key, and the request in flight
 * they may join: found by the key once, when a poller starts, not at every poll. */
struct _Share
{
  grefcount     ref_count;
  char         *key;
  GPtrArray    *members;      /* the running TwPoller* with this key, unowned */
  Request      *request;      /* in flight, that the others may join; NULL when none */
};

/* tw-poller-scheduler.c */
void      _tw_poller_request_free        (Request   *request);
void      _tw_poller_request_unshare     (Request   *request);
Request  *_tw_poller_request_new         (TwPoller  *self);
void      _tw_poller_scheduler_attach    (TwPoller  *self);
void      _tw_poller_scheduler_detach    (TwPoller  *self);
void      _tw_poller_scheduler_wake      (Scheduler *scheduler,
                                          TwPoller  *self);
gboolean  _tw_poller_join_request        (TwPoller  *self);
void      _tw_poller_align_with_share    (TwPoller  *self);

/* tw-poller.c, called by the scheduler */
void      _tw_poller_check_stale         (TwPoller  *self);
void      _tw_poller_poll_once           (TwPoller  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, _tw_poller_request_free)

G_END_DECLS
