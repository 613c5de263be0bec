/* SPDX-License-Identifier: GPL-3.0-or-later */

/* bench-canary: tells the machine's pauses from the console's stalls.
 *
 * Bound to one CPU (--cpu K), it does nothing but sleep 1 ms at a time for --seconds S,
 * and prints each wake-up that came more than 5 ms late, on CLOCK_MONOTONIC (the clock
 * of g_get_monotonic_time ()):
 *
 *   LATE end_us=T late_us=L
 *
 * then one line at the end:
 *
 *   CANARY cpu=K wakes=N max_late_us=L
 *
 * A process this small is never late by its own work. When one runs on every CPU and
 * all of them are late at once, the whole machine stood still (on a virtual machine,
 * the host did not run it), and a stall of the console at that moment is not the
 * console's. bench-poll runs one per CPU during its stall window; see
 * tests/bench/README.md. */

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PERIOD_NS     1000000L
#define REPORT_US     5000

static int64_t
monotonic_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
main (int   argc,
      char *argv[])
{
  int cpu = -1;
  double seconds = 0;
  int64_t start, last, end, max_late = 0;
  unsigned wakes = 0;

  for (int i = 1; i + 1 < argc; i += 2)
    {
      if (strcmp (argv[i], "--cpu") == 0)
        cpu = atoi (argv[i + 1]);
      else if (strcmp (argv[i], "--seconds") == 0)
        seconds = atof (argv[i + 1]);
    }
  if (cpu < 0 || seconds <= 0)
    {
      fprintf (stderr, "usage: bench-canary --cpu K --seconds S\n");
      return 2;
    }

  {
    cpu_set_t set;

    CPU_ZERO (&set);
    CPU_SET (cpu, &set);
    if (sched_setaffinity (0, sizeof set, &set) != 0)
      {
        fprintf (stderr, "bench-canary: cannot bind to CPU %d: %s\n", cpu, strerror (errno));
        return 1;
      }
  }

  start = last = monotonic_us ();
  end = start + (int64_t) (seconds * 1e6);
  while (last < end)
    {
      struct timespec period = { 0, PERIOD_NS };
      int64_t now, late;

      while (clock_nanosleep (CLOCK_MONOTONIC, 0, &period, &period) == EINTR)
        ;
      now = monotonic_us ();
      late = now - last - PERIOD_NS / 1000;
      if (late > REPORT_US)
        printf ("LATE end_us=%lld late_us=%lld\n", (long long) now, (long long) late);
      if (late > max_late)
        max_late = late;
      wakes++;
      last = now;
    }
  printf ("CANARY cpu=%d wakes=%u max_late_us=%lld\n", cpu, wakes, (long long) max_late);
  return 0;
}
