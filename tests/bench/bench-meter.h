/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "bench-canaries.h"

G_BEGIN_DECLS

/* The 1 ms stall meter. */
#define METER_PERIOD_MS 1
/* Room for an hour's stalls over 5 ms (a few hundred in a soak). */
#define METER_STALLS 8192

typedef struct
{
  gint64 end_us;
  gint64 late_us;
  gint64 run_us;            /* the main thread on a CPU, and runnable waiting for one, */
  gint64 wait_us;           /* in the stall (its schedstat; -1 without it) */
  int    cpus[2];           /* the main thread's CPU at its start and end */
} MeterStall;

typedef struct
{
  guint  source_id;
  gint64 last_us;
  gint64 max_late_us;
  gint64 max_at_us;        /* monotonic time of the worst tick */
  guint  ticks;
  guint  over_5ms;
  guint  over_16ms;
  /* What the main thread did during the worst stall, from its schedstat (ns on a CPU,
   * ns runnable but waiting for one): ran our code, waited for a CPU (the machine's
   * other processes), or slept (blocked in a call, e.g. on the X server). */
  int    schedstat_fd;
  guint64 last_run_ns;
  guint64 last_wait_ns;
  gint64 max_run_us;
  gint64 max_wait_us;
  int    last_cpu;          /* the CPU the main thread ran the last tick on */
  int    max_cpus[2];       /* at the worst stall's start and end */
  /* Every stall over 5 ms, to weigh against the canaries (up to METER_STALLS). */
  MeterStall stalls[METER_STALLS];
  guint  n_stalls;
} Meter;
void      meter_reset       (Meter         *meter);
void      meter_start       (Meter         *meter);
void      meter_stop        (Meter         *meter);
void      meter_mark        (Meter         *meter);
gint64    stall_cpu_late_us (BenchCanaries *canaries,
                             gint64         end_us,
                             gint64         late_us,
                             const int      cpus[2]);
gint64    meter_own_max_us  (Meter         *meter,
                             BenchCanaries *canaries,
                             gint64        *at_us,
                             guint         *over_16ms);
const MeterStall *meter_own_max_stall (Meter         *meter,
                                       BenchCanaries *canaries);

G_END_DECLS
