/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include "bench-canaries.h"

#include <sched.h>
#include <stdio.h>

/* A span of CLOCK_MONOTONIC µs. */
typedef struct
{
  gint64 from;
  gint64 to;
} Span;

typedef struct
{
  int          cpu;
  GSubprocess *process;
  char        *out;
  GError      *error;
  gboolean     done;
  GArray      *lates;    /* (element-type Span): the spans it slept past its millisecond */
} Canary;

struct _BenchCanaries
{
  GPtrArray *canaries;   /* (element-type Canary) */
  GArray    *pauses;     /* (element-type Span): every canary late at once */
};

static void
canary_free (gpointer data)
{
  Canary *canary = data;

  /* Not waited for yet: it would print into a pipe nobody reads. */
  if (!canary->done && canary->process != NULL)
    g_subprocess_force_exit (canary->process);
  g_clear_object (&canary->process);
  g_clear_pointer (&canary->lates, g_array_unref);
  g_free (canary->out);
  g_clear_error (&canary->error);
  g_free (canary);
}

static void
canary_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Canary *canary = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &canary->out, NULL,
                                        &canary->error);
  canary->done = TRUE;
}

/**
 * bench_canaries_start:
 * @dir: where bench-canary is (beside the bench)
 * @seconds: how long they run
 *
 * Starts one canary per CPU of this process's affinity mask. Their output is read on
 * the thread-default main context: run it until bench_canaries_finished ().
 */
BenchCanaries *
bench_canaries_start (const char  *dir,
                      double       seconds,
                      GError     **error)
{
  g_autoptr(BenchCanaries) self = g_new0 (BenchCanaries, 1);
  g_autofree char *exe = g_build_filename (dir, "bench-canary", NULL);
  g_autofree char *duration = g_strdup_printf ("%.1f", seconds);
  cpu_set_t set;

  self->canaries = g_ptr_array_new_with_free_func (canary_free);
  self->pauses = g_array_new (FALSE, FALSE, sizeof (Span));
  if (sched_getaffinity (0, sizeof set, &set) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "sched_getaffinity failed");
      return NULL;
    }
  for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
    {
      g_autofree char *which = NULL;
      Canary *canary;

      if (!CPU_ISSET (cpu, &set))
        continue;
      which = g_strdup_printf ("%d", cpu);
      canary = g_new0 (Canary, 1);
      canary->cpu = cpu;
      g_ptr_array_add (self->canaries, canary);
      canary->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, error, exe,
                                          "--cpu", which, "--seconds", duration, NULL);
      if (canary->process == NULL)
        return NULL;
      g_subprocess_communicate_utf8_async (canary->process, NULL, NULL, canary_done_cb, canary);
    }
  return g_steal_pointer (&self);
}

gboolean
bench_canaries_finished (BenchCanaries *self)
{
  for (guint i = 0; i < self->canaries->len; i++)
    if (!((Canary *) g_ptr_array_index (self->canaries, i))->done)
      return FALSE;
  return TRUE;
}

/* The spans in @a that are also in @b (each sorted, none overlapping another). */
static GArray *
intersect (GArray *a,
           GArray *b)
{
  GArray *both = g_array_new (FALSE, FALSE, sizeof (Span));
  guint i = 0, j = 0;

  while (i < a->len && j < b->len)
    {
      Span *x = &g_array_index (a, Span, i), *y = &g_array_index (b, Span, j);
      Span span = { MAX (x->from, y->from), MIN (x->to, y->to) };

      if (span.from < span.to)
        g_array_append_val (both, span);
      if (x->to < y->to)
        i++;
      else
        j++;
    }
  return both;
}

/* A canary's late wake-ups, as the spans it slept past its millisecond. */
static GArray *
parse_lates (const char  *out,
             GError     **error)
{
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (Span));
  g_auto(GStrv) lines = g_strsplit (out != NULL ? out : "", "\n", -1);
  gboolean ended = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      long long end, late;

      if (sscanf (lines[i], "LATE end_us=%lld late_us=%lld", &end, &late) == 2)
        {
          Span span = { end - late, end };

          g_array_append_val (spans, span);
        }
      else if (g_str_has_prefix (lines[i], "CANARY "))
        ended = TRUE;
    }
  if (!ended)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "A canary printed no CANARY line: %s",
                   out != NULL ? out : "");
      return NULL;
    }
  return g_steal_pointer (&spans);
}

/**
 * bench_canaries_collect:
 *
 * Once they all finished: the spans in which every canary was late at once.
 */
gboolean
bench_canaries_collect (BenchCanaries  *self,
                        GError        **error)
{
  g_autoptr(GArray) all = NULL;

  for (guint i = 0; i < self->canaries->len; i++)
    {
      Canary *canary = g_ptr_array_index (self->canaries, i);

      if (canary->error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&canary->error));
          return FALSE;
        }
      if (!g_subprocess_get_successful (canary->process))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "A canary failed: %s",
                       canary->out != NULL ? canary->out : "");
          return FALSE;
        }
      g_clear_pointer (&canary->lates, g_array_unref);
      canary->lates = parse_lates (canary->out, error);
      if (canary->lates == NULL)
        return FALSE;
      if (all == NULL)
        all = g_array_ref (canary->lates);
      else
        {
          GArray *both = intersect (all, canary->lates);

          g_array_unref (all);
          all = both;
        }
    }
  g_array_set_size (self->pauses, 0);
  if (all != NULL)
    g_array_append_vals (self->pauses, all->data, all->len);
  return TRUE;
}

guint
bench_canaries_get_n_cpus (BenchCanaries *self)
{
  return self->canaries->len;
}

guint
bench_canaries_get_n_pauses (BenchCanaries *self)
{
  return self->pauses->len;
}

gint64
bench_canaries_get_longest_us (BenchCanaries *self)
{
  gint64 longest = 0;

  for (guint i = 0; i < self->pauses->len; i++)
    {
      Span *span = &g_array_index (self->pauses, Span, i);

      longest = MAX (longest, span->to - span->from);
    }
  return longest;
}

static gint64
overlap_us (GArray *spans,
            gint64  from_us,
            gint64  to_us)
{
  gint64 total = 0;

  for (guint i = 0; spans != NULL && i < spans->len; i++)
    {
      Span *span = &g_array_index (spans, Span, i);

      total += MAX (0, MIN (span->to, to_us) - MAX (span->from, from_us));
    }
  return total;
}

/* How much of [from_us, to_us] the whole machine stood still. */
gint64
bench_canaries_paused_us (BenchCanaries *self,
                          gint64         from_us,
                          gint64         to_us)
{
  return overlap_us (self->pauses, from_us, to_us);
}

/* How much of [from_us, to_us] CPU @cpu ran nothing new: its canary, which a fresh
 * wake-up lets run within a few milliseconds whatever else runs there, was late.
 * -1 without a canary on it. */
gint64
bench_canaries_cpu_late_us (BenchCanaries *self,
                            int            cpu,
                            gint64         from_us,
                            gint64         to_us)
{
  for (guint i = 0; i < self->canaries->len; i++)
    {
      Canary *canary = g_ptr_array_index (self->canaries, i);

      if (canary->cpu == cpu)
        return overlap_us (canary->lates, from_us, to_us);
    }
  return -1;
}

void
bench_canaries_free (BenchCanaries *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->canaries, g_ptr_array_unref);
  g_clear_pointer (&self->pauses, g_array_unref);
  g_free (self);
}
