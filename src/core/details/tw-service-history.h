/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-service.h"

G_BEGIN_DECLS

/* One health answer (or failure) of a service. */
typedef struct
{
  gint64          time_us;     /* g_get_real_time () */
  double          latency_ms;  /* -1: no answer */
  TwServiceState  state;
} TwHealthSample;

/* The last hour of a service's health, recorded from its "last-success" and "state"
 * changes, in steps of 10 s: the answers of one step with one state make one sample
 * (its first answer's time, their worst latency); emits "changed" when a sample is
 * added or updated. */
#define TW_HISTORY_SPAN_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define TW_HISTORY_STEP_US (G_GINT64_CONSTANT (10) * G_USEC_PER_SEC)
#define TW_TYPE_SERVICE_HISTORY (tw_service_history_get_type ())
G_DECLARE_FINAL_TYPE (TwServiceHistory, tw_service_history, TW, SERVICE_HISTORY, GObject)

TwServiceHistory     *tw_service_history_new        (TwService        *service);
/* Stops following the service (kept samples stay). */
void                  tw_service_history_detach     (TwServiceHistory *self);
/* Records an answer at @time_us: a sample of its own, or merged into the last one
 * when of its step and state; drops samples older than an hour before it. */
void                  tw_service_history_add        (TwServiceHistory *self,
                                                     gint64            time_us,
                                                     double            latency_ms,
                                                     TwServiceState    state);
guint                 tw_service_history_get_n_samples (TwServiceHistory *self);
const TwHealthSample *tw_service_history_get_sample (TwServiceHistory *self,
                                                     guint             i);
/* How many times the state changed among the kept samples. */
guint                 tw_service_history_count_changes (TwServiceHistory *self);

G_END_DECLS
