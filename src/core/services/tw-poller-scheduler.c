/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

/* The pollers' scheduler: one timer for every running poller of a main context, and
 * the requests in flight that pollers of one client with the same request share. */

#include "tw-clock.h"
#include "tw-poller-internal.h"
#include "tw-poller-private.h"

/* The shared timer fires on multiples of this: polls due within one slot go
 * together, so any number of pollers wake the main loop at most 10 times a second
 * (and the answers of a slot arrive close together, where the pages' idle
 * handlers coalesce them). */
#define SLOT_US          (100 * G_TIME_SPAN_MILLISECOND)
/* Polls started by one slot: at least this many, and twice the average demand. */
#define MIN_SLOT_BUDGET  8

static Share *
share_ref (Share *share)
{
  g_ref_count_inc (&share->ref_count);
  return share;
}

static void
share_unref (Share *share)
{
  if (!g_ref_count_dec (&share->ref_count))
    return;
  g_ptr_array_unref (share->members);
  g_free (share->key);
  g_free (share);
}

void
_tw_poller_request_free (Request *request)
{
  _tw_poller_request_unshare (request);
  g_ptr_array_unref (request->waiters);
  g_clear_object (&request->cancellable);
  g_clear_pointer (&request->share, share_unref);
  g_free (request);
}

/* No poller will join @request any more. */
void
_tw_poller_request_unshare (Request *request)
{
  if (request->share != NULL && request->share->request == request)
    request->share->request = NULL;
}

/* One timer for every running poller of a main context: the polls due and the
 * stale checks are folded into it, so hundreds of pollers cost the main loop one
 * source instead of two each (GLib walks every source on every iteration). */
struct _Scheduler
{
  GMainContext *context;
  GSource      *source;
  GPtrArray    *pollers;   /* TwPoller*, unowned: each removes itself when it stops */
  gint64        ready_us;  /* when the source fires, -1 when idle */
  GHashTable   *shares;    /* share key → Share */
};

static GMutex      schedulers_lock;
static GHashTable *schedulers;   /* GMainContext* → Scheduler* */

static gint64
slot_ceil (gint64 time_us)
{
  return (time_us + SLOT_US - 1) / SLOT_US * SLOT_US;
}

static gint64
stale_limit_us (TwPoller *self)
{
  return (gint64) self->interval_ms * 1000 * STALE_INTERVALS;
}

/* When @self next needs the scheduler: its poll, or the moment it goes stale. */
static gint64
next_event_us (TwPoller *self)
{
  gint64 next = self->due_us != 0 ? self->due_us : G_MAXINT64;

  if (!self->stale && self->reference_us != 0)
    next = MIN (next, self->reference_us + stale_limit_us (self) + 1);
  return next;
}

static void
scheduler_arm (Scheduler *scheduler,
               gint64     when_us)
{
  gint64 ready = when_us == G_MAXINT64 ? -1 : slot_ceil (when_us);

  if (scheduler->ready_us == ready)
    return;
  scheduler->ready_us = ready;
  g_source_set_ready_time (scheduler->source, ready);
}

/* @self has a new event: fire earlier if needed (later events are found when it fires). */
void
_tw_poller_scheduler_wake (Scheduler *scheduler,
                           TwPoller  *self)
{
  gint64 next = next_event_us (self);

  if (next == G_MAXINT64)
    return;
  if (scheduler->ready_us < 0 || slot_ceil (next) < scheduler->ready_us)
    scheduler_arm (scheduler, next);
}

static int
compare_due (gconstpointer a,
             gconstpointer b)
{
  const TwPoller *pa = *(TwPoller * const *) a;
  const TwPoller *pb = *(TwPoller * const *) b;

  return (pa->due_us > pb->due_us) - (pa->due_us < pb->due_us);
}

static gboolean
scheduler_run (gpointer user_data)
{
  Scheduler *scheduler = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) staling = g_ptr_array_new_with_free_func (g_object_unref);
  double demand = 0;
  guint budget;
  gint64 next = G_MAXINT64;

  scheduler->ready_us = -1;

  for (guint i = 0; i < scheduler->pollers->len; i++)
    {
      TwPoller *poller = g_ptr_array_index (scheduler->pollers, i);

      demand += (double) SLOT_US / ((gint64) poller->interval_ms * 1000);
      if (poller->due_us != 0 && poller->due_us <= now)
        g_ptr_array_add (due, g_object_ref (poller));
      if (!poller->stale && poller->reference_us != 0
          && now - poller->reference_us > stale_limit_us (poller))
        g_ptr_array_add (staling, g_object_ref (poller));
    }

  /* A burst (pollers started together) is spread over the next slots: each poll
   * keeps its cadence from its own start, so once spread they stay spread. */
  budget = MAX (MIN_SLOT_BUDGET, (guint) (2 * demand) + 1);
  if (due->len > budget)
    {
      g_ptr_array_sort (due, compare_due);
      g_ptr_array_set_size (due, budget);
    }
  for (guint i = 0; i < due->len; i++)
    {
      TwPoller *poller = g_ptr_array_index (due, i);

      /* Late by the slot's rounding: the cadence keeps its phase. Held back a slot
       * or more by the budget: this is its new phase, so a burst stays spread. */
      poller->phase_us = now - poller->due_us < SLOT_US ? poller->due_us : now;
      poller->due_us = 0;
    }

  /* Handlers of these notifications and polls may stop any poller: only those
   * still running here are touched. */
  for (guint i = 0; i < staling->len; i++)
    {
      TwPoller *poller = g_ptr_array_index (staling, i);

      if (poller->scheduler == scheduler)
        _tw_poller_check_stale (poller);
    }
  for (guint i = 0; i < due->len; i++)
    {
      TwPoller *poller = g_ptr_array_index (due, i);

      if (poller->scheduler == scheduler)
        _tw_poller_poll_once (poller);
    }

  /* The scheduler lives while a poller runs: the last one to stop destroyed the
   * source, and this (still referenced) callback must not touch it. */
  if (g_source_is_destroyed (g_main_current_source ()))
    return G_SOURCE_REMOVE;

  for (guint i = 0; i < scheduler->pollers->len; i++)
    next = MIN (next, next_event_us (g_ptr_array_index (scheduler->pollers, i)));
  /* Only the polls left over by the budget are due already: the next slot. */
  if (next <= now)
    next = now + SLOT_US;
  scheduler_arm (scheduler, next);
  return G_SOURCE_CONTINUE;
}

static void
scheduler_free (gpointer data)
{
  Scheduler *scheduler = data;

  g_ptr_array_unref (scheduler->pollers);
  g_hash_table_unref (scheduler->shares);
  g_main_context_unref (scheduler->context);
  g_free (scheduler);
}

void
_tw_poller_scheduler_attach (TwPoller *self)
{
  Scheduler *scheduler;

  g_mutex_lock (&schedulers_lock);
  if (schedulers == NULL)
    schedulers = g_hash_table_new (NULL, NULL);
  scheduler = g_hash_table_lookup (schedulers, self->context);
  if (scheduler == NULL)
    {
      scheduler = g_new0 (Scheduler, 1);
      scheduler->context = g_main_context_ref (self->context);
      scheduler->pollers = g_ptr_array_new ();
      /* The keys are the shares' own. */
      scheduler->shares = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                 (GDestroyNotify) share_unref);
      scheduler->ready_us = -1;
      scheduler->source = tw_ready_time_source_new (self->context, "[tw] poller scheduler",
                                                    scheduler_run, scheduler, scheduler_free);
      g_hash_table_insert (schedulers, self->context, scheduler);
    }
  g_mutex_unlock (&schedulers_lock);

  g_ptr_array_add (scheduler->pollers, self);
  self->scheduler = scheduler;

  if (self->share_key != NULL)
    {
      Share *share = g_hash_table_lookup (scheduler->shares, self->share_key);

      if (share == NULL)
        {
          share = g_new0 (Share, 1);
          g_ref_count_init (&share->ref_count);
          share->key = g_strdup (self->share_key);
          share->members = g_ptr_array_new ();
          g_hash_table_insert (scheduler->shares, share->key, share);
        }
      g_ptr_array_add (share->members, self);
      self->share = share_ref (share);
    }
}

void
_tw_poller_scheduler_detach (TwPoller *self)
{
  Scheduler *scheduler = self->scheduler;
  GSource *source;

  if (scheduler == NULL)
    return;
  self->scheduler = NULL;
  self->due_us = 0;
  g_ptr_array_remove_fast (scheduler->pollers, self);
  if (self->share != NULL)
    {
      Share *share = g_steal_pointer (&self->share);

      g_ptr_array_remove_fast (share->members, self);
      if (share->members->len == 0)
        g_hash_table_remove (scheduler->shares, share->key);
      share_unref (share);
    }
  if (scheduler->pollers->len > 0)
    return;

  g_mutex_lock (&schedulers_lock);
  g_hash_table_remove (schedulers, scheduler->context);
  g_mutex_unlock (&schedulers_lock);
  /* Frees the scheduler (its callback data) once no dispatch of it runs any more:
   * at once when none does, so nothing of it is read after this. */
  source = scheduler->source;
  g_source_destroy (source);
  g_source_unref (source);
}

/**
 * tw_poller_count_scheduler_sources:
 * @context: (nullable): a main context, NULL for the global default one
 *
 * For tests and diagnosis: how many timer sources the running pollers of @context
 * use (1 while any runs, else 0), however many pollers there are.
 *
 * Returns: the number of sources
 */
guint
tw_poller_count_scheduler_sources (GMainContext *context)
{
  guint n;

  if (context == NULL)
    context = g_main_context_default ();
  g_mutex_lock (&schedulers_lock);
  n = schedulers != NULL && g_hash_table_contains (schedulers, context) ? 1 : 0;
  g_mutex_unlock (&schedulers_lock);
  return n;
}

/* Joins the request in flight that @self shares with another poller, if any: its
 * answer is @self's too. */
gboolean
_tw_poller_join_request (TwPoller *self)
{
  Request *request;

  if (self->share == NULL)
    return FALSE;
  request = self->share->request;
  if (request == NULL)
    return FALSE;
  g_ptr_array_add (request->waiters, self);
  self->request = request;
  return TRUE;
}

/* A new request that @self waits for, which others of its share key may join. */
Request *
_tw_poller_request_new (TwPoller *self)
{
  Request *request = g_new0 (Request, 1);

  request->waiters = g_ptr_array_new ();
  request->cancellable = g_cancellable_new ();
  g_ptr_array_add (request->waiters, self);
  if (self->share != NULL)
    {
      request->share = share_ref (self->share);
      self->share->request = request;
    }
  self->request = request;
  return request;
}

/* A shared answer keeps the cadence of the pollers that got it together: the next
 * poll of @self goes with the next one of a running poller of the same request and
 * interval, when that is due within the interval. */
void
_tw_poller_align_with_share (TwPoller *self)
{
  GPtrArray *members;
  gint64 now;

  if (self->share == NULL || self->due_us == 0)
    return;
  members = self->share->members;
  if (members->len < 2)
    return;
  now = g_get_monotonic_time ();
  for (guint i = 0; i < members->len; i++)
    {
      TwPoller *other = g_ptr_array_index (members, i);

      if (other == self || other->interval_ms != self->interval_ms || other->due_us == 0 ||
          other->due_us <= now || other->due_us - now > (gint64) self->interval_ms * 1000)
        continue;
      if (other->due_us != self->due_us)
        {
          self->due_us = other->due_us;
          _tw_poller_scheduler_wake (self->scheduler, self);
        }
      return;
    }
}
