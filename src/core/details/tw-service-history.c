/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-service-history.h"

struct _TwServiceHistory
{
  GObject    parent_instance;

  TwService *service;     /* weak: the history outlives no one, but is told to detach */
  GArray    *samples;     /* TwHealthSample, oldest first */
  gulong     success_id;
  gulong     state_id;
};

G_DEFINE_FINAL_TYPE (TwServiceHistory, tw_service_history, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
record (TwServiceHistory *self)
{
  TwServiceState state = tw_service_get_state (self->service);

  tw_service_history_add (self, g_get_real_time (),
                          state == TW_SERVICE_STATE_OK || state == TW_SERVICE_STATE_DEGRADED
                            ? tw_service_get_latency_ms (self->service) : -1,
                          state);
}

static void
on_success (TwServiceHistory *self)
{
  record (self);
}

static void
on_state (TwServiceHistory *self)
{
  /* A good answer notifies both: record it once, on "last-success". */
  TwServiceState state = tw_service_get_state (self->service);

  if (state != TW_SERVICE_STATE_OK && state != TW_SERVICE_STATE_DEGRADED)
    record (self);
}

void
tw_service_history_detach (TwServiceHistory *self)
{
  g_return_if_fail (TW_IS_SERVICE_HISTORY (self));

  if (self->service == NULL)
    return;
  g_clear_signal_handler (&self->success_id, self->service);
  g_clear_signal_handler (&self->state_id, self->service);
  g_clear_object (&self->service);
}

static void
tw_service_history_dispose (GObject *object)
{
  tw_service_history_detach (TW_SERVICE_HISTORY (object));
  G_OBJECT_CLASS (tw_service_history_parent_class)->dispose (object);
}

static void
tw_service_history_finalize (GObject *object)
{
  g_array_unref (TW_SERVICE_HISTORY (object)->samples);
  G_OBJECT_CLASS (tw_service_history_parent_class)->finalize (object);
}

static void
tw_service_history_class_init (TwServiceHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tw_service_history_dispose;
  object_class->finalize = tw_service_history_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tw_service_history_init (TwServiceHistory *self)
{
  self->samples = g_array_new (FALSE, FALSE, sizeof (TwHealthSample));
}

TwServiceHistory *
tw_service_history_new (TwService *service)
{
  TwServiceHistory *self;

  g_return_val_if_fail (TW_IS_SERVICE (service), NULL);

  self = g_object_new (TW_TYPE_SERVICE_HISTORY, NULL);
  self->service = g_object_ref (service);
  self->success_id = g_signal_connect_swapped (service, "notify::last-success", G_CALLBACK (on_success), self);
  self->state_id = g_signal_connect_swapped (service, "notify::state", G_CALLBACK (on_state), self);
  return self;
}

void
tw_service_history_add (TwServiceHistory *self,
                        gint64            time_us,
                        double            latency_ms,
                        TwServiceState    state)
{
  TwHealthSample sample = { time_us, latency_ms, state };
  TwHealthSample *last;
  guint drop = 0;

  g_return_if_fail (TW_IS_SERVICE_HISTORY (self));

  while (drop < self->samples->len &&
         g_array_index (self->samples, TwHealthSample, drop).time_us < time_us - TW_HISTORY_SPAN_US)
    drop++;
  if (drop > 0)
    g_array_remove_range (self->samples, 0, drop);

  /* Answers of one step with the state of the step's sample go into it, with the
   * worst latency: at most TW_HISTORY_SPAN_US / TW_HISTORY_STEP_US samples in steady
   * state (a poll a second would otherwise keep 3,600 a service, and a profile of 200
   * services would grow by 17 MB over its first hour), every change of state kept. */
  last = self->samples->len > 0
         ? &g_array_index (self->samples, TwHealthSample, self->samples->len - 1) : NULL;
  if (last != NULL && last->state == state && time_us >= last->time_us &&
      time_us / TW_HISTORY_STEP_US == last->time_us / TW_HISTORY_STEP_US)
    last->latency_ms = MAX (last->latency_ms, latency_ms);
  else
    g_array_append_val (self->samples, sample);
  g_signal_emit (self, signals[CHANGED], 0);
}

guint
tw_service_history_get_n_samples (TwServiceHistory *self)
{
  g_return_val_if_fail (TW_IS_SERVICE_HISTORY (self), 0);
  return self->samples->len;
}

const TwHealthSample *
tw_service_history_get_sample (TwServiceHistory *self,
                               guint             i)
{
  g_return_val_if_fail (TW_IS_SERVICE_HISTORY (self), NULL);
  g_return_val_if_fail (i < self->samples->len, NULL);
  return &g_array_index (self->samples, TwHealthSample, i);
}

guint
tw_service_history_count_changes (TwServiceHistory *self)
{
  guint changes = 0;

  g_return_val_if_fail (TW_IS_SERVICE_HISTORY (self), 0);

  for (guint i = 1; i < self->samples->len; i++)
    if (g_array_index (self->samples, TwHealthSample, i).state !=
        g_array_index (self->samples, TwHealthSample, i - 1).state)
      changes++;
  return changes;
}
