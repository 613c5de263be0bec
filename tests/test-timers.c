/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-clock.h"
#include "tw-test-util.h"

/* tw_timer_add(): many repeating timers in one source, as g_timeout_add () each. */

typedef struct
{
  guint  calls;
  guint  stop_after;   /* 0: never */
  gint64 first_us;     /* monotonic time of the first call */
  guint *remove;       /* a timer id removed by the first call, or NULL */
} Counter;

static gboolean
count_cb (gpointer user_data)
{
  Counter *counter = user_data;

  if (counter->calls++ == 0)
    counter->first_us = g_get_monotonic_time ();
  if (counter->remove != NULL)
    g_clear_handle_id (counter->remove, tw_timer_remove);
  if (counter->stop_after != 0 && counter->calls >= counter->stop_after)
    return G_SOURCE_REMOVE;
  return G_SOURCE_CONTINUE;
}

/* Counts the default context's sources by their id: each new source takes the next. */
static guint
count_sources (void)
{
  GSource *probe = g_idle_source_new ();
  guint last = g_source_attach (probe, NULL);
  guint n = 0;

  for (guint id = 1; id < last; id++)
    n += g_main_context_find_source_by_id (NULL, id) != NULL;
  g_source_destroy (probe);
  g_source_unref (probe);
  return n;
}

static void
test_timers (void)
{
  Counter fast = { 0 }, slow = { 0, 0 }, once = { 0, 1 }, victim = { 0 }, killer = { 0 };
  guint fast_id, slow_id, victim_id;
  guint sources_before, n_before;
  gint64 start;

  /* The shared source exists once a timer was added: count from then. */
  tw_timer_remove (tw_timer_add (1000, 1000, count_cb, &fast));
  sources_before = count_sources ();
  n_before = tw_timer_count ();

  start = g_get_monotonic_time ();
  fast_id = tw_timer_add (10, 0, count_cb, &fast);
  slow_id = tw_timer_add (60000, 50, count_cb, &slow);
  tw_timer_add (10, 20, count_cb, &once);
  victim_id = tw_timer_add (10, 5000, count_cb, &victim);
  killer.remove = &victim_id;
  tw_timer_add (10, 30, count_cb, &killer);
  /* Five timers, no new source. */
  g_assert_cmpuint (tw_timer_count (), ==, n_before + 5);
  g_assert_cmpuint (count_sources (), ==, sources_before);

  tw_test_wait_until (fast.calls >= 5 && slow.calls >= 1 && once.calls >= 1 && killer.calls >= 1, 10000);
  /* The first call after its first delay, not before. */
  g_assert_cmpint (slow.first_us - start, >=, 50 * 1000);
  g_assert_cmpint (once.first_us - start, >=, 20 * 1000);
  /* A timer that returned G_SOURCE_REMOVE, or that another removed, is not called again. */
  g_assert_cmpuint (victim.calls, ==, 0);
  g_assert_cmpuint (victim_id, ==, 0);
  g_assert_cmpuint (tw_timer_count (), ==, n_before + 3);   /* fast, slow, killer */
  tw_test_wait_until (fast.calls >= 10, 10000);
  g_assert_cmpuint (once.calls, ==, 1);
  /* The slow one waits its minute. */
  g_assert_cmpuint (slow.calls, ==, 1);

  tw_timer_remove (fast_id);
  tw_timer_remove (slow_id);
  g_assert_cmpuint (tw_timer_count (), ==, n_before + 1);
  tw_timer_remove (0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/tw/core/clock/timers", test_timers);
  return g_test_run ();
}
