/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include "bench-canaries.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

/* A span of CLOCK_MONOTONIC µs. */
typedef struct
{
  gint64 from;
  gint64 to;
} Span;

/* A canary is started with posix_spawn (), which glibc runs as a vfork: GSubprocess
 * forks, and a fork marks every written page of this process copy-on-write, so the
 * console would pay a page fault on its next write to each one, in the opening or the
 * window the canaries are there to watch. */
typedef struct
{
  int              cpu;
  GPid             pid;       /* 0 once reaped */
  guint            watch_id;
  GCancellable    *cancellable;
  GOutputStream   *out_stream; /* its stdout, read into memory */
  gboolean         exited;
  gboolean         read;
  int              status;
  char            *out;
  GError          *error;
  gboolean         done;
  GArray          *lates;    /* (element-type Span): the spans it slept past its millisecond */
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

  /* Not finished yet: stopped, and reaped here (its watch removed first). */
  g_clear_handle_id (&canary->watch_id, g_source_remove);
  if (canary->cancellable != NULL)
    g_cancellable_cancel (canary->cancellable);
  if (canary->pid > 0)
    {
      kill (canary->pid, SIGKILL);
      while (waitpid (canary->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  g_clear_object (&canary->cancellable);
  g_clear_object (&canary->out_stream);
  g_clear_pointer (&canary->lates, g_array_unref);
  g_free (canary->out);
  g_clear_error (&canary->error);
  g_free (canary);
}

static void
canary_check_done (Canary *canary)
{
  if (canary->exited && canary->read)
    canary->done = TRUE;
}

static void
canary_exited_cb (GPid     pid,
                  int      status,
                  gpointer user_data)
{
  Canary *canary = user_data;

  g_spawn_close_pid (pid);
  canary->watch_id = 0;
  canary->pid = 0;
  canary->status = status;
  canary->exited = TRUE;
  canary_check_done (canary);
}

static void
canary_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Canary *canary;
  gssize n;

  n = g_output_stream_splice_finish (G_OUTPUT_STREAM (source), result, &error);
  /* Cancelled: the canary was freed. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  canary = user_data;
  if (n < 0)
    canary->error = g_steal_pointer (&error);
  else
    canary->out = g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (source)),
                             g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (source)));
  canary->read = TRUE;
  canary_check_done (canary);
}

/* Starts bench-canary on @canary's CPU for @duration s, its stdout read on the
 * thread-default main context. */
static gboolean
canary_spawn (Canary      *canary,
              const char  *exe,
              const char  *duration,
              GError     **error)
{
  g_autofree char *which = g_strdup_printf ("%d", canary->cpu);
  char *argv[] = { (char *) exe, "--cpu", which, "--seconds", (char *) duration, NULL };
  posix_spawn_file_actions_t actions;
  g_autoptr(GInputStream) in = NULL;
  int fds[2], res;
  pid_t pid;

  if (pipe2 (fds, O_CLOEXEC) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "pipe2: %s", g_strerror (saved));
      return FALSE;
    }
  posix_spawn_file_actions_init (&actions);
  /* dup2 () leaves the copy without FD_CLOEXEC: the canary's stdout. */
  posix_spawn_file_actions_adddup2 (&actions, fds[1], STDOUT_FILENO);
  res = posix_spawn (&pid, exe, &actions, NULL, argv, environ);
  posix_spawn_file_actions_destroy (&actions);
  close (fds[1]);
  if (res != 0)
    {
      close (fds[0]);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (res), "Could not start %s: %s", exe,
                   g_strerror (res));
      return FALSE;
    }
  canary->pid = pid;
  canary->watch_id = g_child_watch_add (pid, canary_exited_cb, canary);
  canary->cancellable = g_cancellable_new ();
  in = g_unix_input_stream_new (fds[0], TRUE);
  canary->out_stream = g_memory_output_stream_new_resizable ();
  g_output_stream_splice_async (canary->out_stream, in, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE,
                                G_PRIORITY_DEFAULT, canary->cancellable, canary_read_cb, canary);
  return TRUE;
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
      Canary *canary;

      if (!CPU_ISSET (cpu, &set))
        continue;
      canary = g_new0 (Canary, 1);
      canary->cpu = cpu;
      g_ptr_array_add (self->canaries, canary);
      if (!canary_spawn (canary, exe, duration, error))
        return NULL;
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
      if (!WIFEXITED (canary->status) || WEXITSTATUS (canary->status) != 0)
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
