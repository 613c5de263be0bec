/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE  /* sched_getcpu () */
#include "config.h"

/* bench-poll's stall meter: a 1 ms G_PRIORITY_DEFAULT timer (the priority of input
 * events) whose lateness is the main loop's stall; for each stall over 5 ms, where the
 * main thread's time went (its schedstat) and on which CPU, to weigh against the
 * canaries (bench-canaries.c). */

#include "bench-meter.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

/* The main thread's time on a CPU and waiting for one, in ns (/proc/thread-self/schedstat,
 * kept open: one pread a tick). FALSE without it. */
static gboolean
read_schedstat (Meter   *meter,
                guint64 *run_ns,
                guint64 *wait_ns)
{
  char buf[128];
  ssize_t n;

  if (meter->schedstat_fd < 0)
    return FALSE;
  n = pread (meter->schedstat_fd, buf, sizeof buf - 1, 0);
  if (n <= 0)
    return FALSE;
  buf[n] = '\0';
  return sscanf (buf, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, run_ns, wait_ns) == 2;
}

static gboolean
meter_tick_cb (gpointer user_data)
{
  Meter *meter = user_data;
  gint64 now = g_get_monotonic_time ();
  guint64 run_ns = 0, wait_ns = 0;
  gboolean sched = read_schedstat (meter, &run_ns, &wait_ns);

  if (meter->last_us != 0)
    {
      gint64 late = now - meter->last_us - METER_PERIOD_MS * 1000;

      if (late > meter->max_late_us)
        {
          meter->max_late_us = late;
          meter->max_at_us = now;
          meter->max_run_us = sched ? (gint64) (run_ns - meter->last_run_ns) / 1000 : -1;
          meter->max_wait_us = sched ? (gint64) (wait_ns - meter->last_wait_ns) / 1000 : -1;
          meter->max_cpus[0] = meter->last_cpu;
          meter->max_cpus[1] = sched_getcpu ();
        }
      meter->over_5ms += late > 5000;
      if (late > 5000 && meter->n_stalls < METER_STALLS)
        meter->stalls[meter->n_stalls++] = (MeterStall) {
          now, late,
          sched ? (gint64) (run_ns - meter->last_run_ns) / 1000 : -1,
          sched ? (gint64) (wait_ns - meter->last_wait_ns) / 1000 : -1,
          { meter->last_cpu, sched_getcpu () } };
      meter->over_16ms += late > 16000;
      /* For a profiler's timeline (perf record -k CLOCK_MONOTONIC): when each long
       * stall ended, on CLOCK_MONOTONIC as g_get_monotonic_time () reads it. */
      if (late > 16000 && g_getenv ("TW_BENCH_POLL_TRACE") != NULL)
        g_printerr ("bench-poll: stall %.1f ms ending at %.6f s (ran %.1f, waited for a CPU %.1f ms)\n",
                    late / 1000.0, now / 1e6, sched ? (run_ns - meter->last_run_ns) / 1e6 : -1.0,
                    sched ? (wait_ns - meter->last_wait_ns) / 1e6 : -1.0);
    }
  meter->ticks++;
  meter->last_us = now;
  meter->last_run_ns = run_ns;
  meter->last_wait_ns = wait_ns;
  meter->last_cpu = sched_getcpu ();
  return G_SOURCE_CONTINUE;
}

void
meter_reset (Meter *meter)
{
  guint source_id = meter->source_id;
  int fd = meter->schedstat_fd;

  memset (meter, 0, sizeof *meter);
  meter->source_id = source_id;
  meter->schedstat_fd = fd;
}

void
meter_start (Meter *meter)
{
  /* 0: not opened yet (the Bench starts zeroed, and stdin is never this file); -1: it
   * could not be, and the stalls are not split. */
  if (meter->schedstat_fd == 0)
    meter->schedstat_fd = open ("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  meter_reset (meter);
  meter->source_id = g_timeout_add_full (G_PRIORITY_DEFAULT, METER_PERIOD_MS,
                                         meter_tick_cb, meter, NULL);
}

/* The next tick's stall counts from now, its schedstat too (the opening's call, which
 * blocks the main loop before any tick could run). */
void
meter_mark (Meter *meter)
{
  guint64 run_ns = 0, wait_ns = 0;

  read_schedstat (meter, &run_ns, &wait_ns);
  meter->last_us = g_get_monotonic_time ();
  meter->last_run_ns = run_ns;
  meter->last_wait_ns = wait_ns;
  meter->last_cpu = sched_getcpu ();
}

void
meter_stop (Meter *meter)
{
  g_clear_handle_id (&meter->source_id, g_source_remove);
}

/* The time the main thread's CPU ran nothing new in a stall, from its canary: where it
 * began or where it ended, whichever stood still longer. */
gint64
stall_cpu_late_us (BenchCanaries *canaries,
                   gint64         end_us,
                   gint64         late_us,
                   const int      cpus[2])
{
  return MAX (0, MAX (bench_canaries_cpu_late_us (canaries, cpus[0], end_us - late_us, end_us),
                      bench_canaries_cpu_late_us (canaries, cpus[1], end_us - late_us, end_us)));
}

static gint64
stall_own_us (const MeterStall *stall,
              BenchCanaries    *canaries)
{
  return stall->late_us - stall_cpu_late_us (canaries, stall->end_us, stall->late_us, stall->cpus);
}

/* The stall over 5 ms that is the longest once the time its CPU stood still is taken
 * out of each, or NULL when there was none. */
const MeterStall *
meter_own_max_stall (Meter         *meter,
                     BenchCanaries *canaries)
{
  const MeterStall *max = NULL;
  gint64 own_max = 0;

  for (guint i = 0; i < meter->n_stalls; i++)
    {
      gint64 own = stall_own_us (&meter->stalls[i], canaries);

      if (own > own_max)
        {
          own_max = own;
          max = &meter->stalls[i];
        }
    }
  return max;
}

/* The longest stall once the time its CPU stood still is taken out of each: what the
 * console's own work (and its waits) made. */
gint64
meter_own_max_us (Meter         *meter,
                  BenchCanaries *canaries,
                  gint64        *at_us,
                  guint         *over_16ms)
{
  const MeterStall *max = meter_own_max_stall (meter, canaries);
  gint64 own_max = max != NULL ? stall_own_us (max, canaries) : 0;

  *over_16ms = 0;
  for (guint i = 0; i < meter->n_stalls; i++)
    *over_16ms += stall_own_us (&meter->stalls[i], canaries) > 16000;
  if (max != NULL)
    *at_us = max->end_us;
  /* A meter with every slot full saw more stalls than it kept: the rest are not weighed. */
  if (meter->n_stalls == METER_STALLS)
    return MAX (own_max, meter->max_late_us);
  return own_max;
}
