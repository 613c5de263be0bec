/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-logs JSON_FILE TEXT_FILE CHAIN_FILE SUBSTRING REGEX: the logs core on big files
 * (bench-logs.sh generates them and times the shell tools beside it). Prints, in µs:
 * the first rows ready (start → the newest 50 rows read and parsed as the list would),
 * the full index, index bytes per line, a substring filter and a regex filter (JSON file),
 * the chain verification, and the longest main-loop stall of a 1 ms timer meanwhile.
 *
 * bench-logs --tail SECONDS RATE FILE [FILTER]: live tail. A child process appends RATE
 * JSON lines a second to FILE for SECONDS (in batches each millisecond, noting when it
 * wrote each line in shared memory); this process follows FILE as the console does (a
 * TwLogSource with its default interval, a TwLogView over it — the model the Logs page
 * shows — filtered by FILTER when given) and notes when each line appears in the view.
 * Prints the latency distribution, the lines over 250 ms, the console's CPU (every
 * thread of this process, not the writer) and the longest main-loop stall (a 10 ms
 * timer's lateness, its CPU waits taken off). */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tw-log-chain.h"
#include "tw-log-line.h"
#include "tw-log-source.h"
#include "tw-log-view.h"

static gint64 last_tick;
static gint64 last_wait;
static gint64 max_gap;
static gint64 max_gap_raw;

/* The time this thread waited for a CPU, µs (/proc/thread-self/schedstat's second field):
 * taken off a gap, as the UI tests' stall meter does, so a loaded machine is not counted. */
static gint64
run_queue_wait_us (void)
{
  g_autofree char *text = NULL;
  guint64 run = 0, wait = 0;

  if (!g_file_get_contents ("/proc/thread-self/schedstat", &text, NULL, NULL)
      || sscanf (text, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &run, &wait) != 2)
    return 0;
  return wait / 1000;
}

static gboolean
tick_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  gint64 wait = run_queue_wait_us ();

  if (last_tick != 0)
    {
      gint64 gap = now - last_tick - 1000;

      max_gap_raw = MAX (max_gap_raw, gap);
      max_gap = MAX (max_gap, gap - (wait - last_wait));
    }
  last_tick = g_get_monotonic_time ();
  last_wait = wait;
  return G_SOURCE_CONTINUE;
}

static void
spin_until (gboolean (*cond) (gpointer), gpointer data)
{
  while (!cond (data))
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
has_lines (gpointer data)
{
  return tw_log_source_get_n_lines (data) > 0;
}

static gboolean
indexed (gpointer data)
{
  return tw_log_source_get_n_lines (data) > 0 && !tw_log_source_get_indexing (data);
}

static gboolean
filtered (gpointer data)
{
  return !tw_log_view_get_filtering (data);
}

static gint64
median3 (const gint64 v[3])
{
  return MAX (MIN (v[0], v[1]), MIN (MAX (v[0], v[1]), v[2]));
}

static TwLogSource *
open_source (const char *id, const char *path, const char *kind,
             gint64 *first_us, gint64 *index_us)
{
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  TwLogSource *source;
  gint64 start;

  g_hash_table_insert (options, (char *) "Kind", (char *) kind);
  source = tw_log_source_new (id, path, options, NULL);
  start = g_get_monotonic_time ();
  tw_log_source_start (source);
  spin_until (has_lines, source);
  /* The rows a window shows first: the newest 50, made as the list makes them. */
  {
    g_autoptr(TwLogView) view = tw_log_view_new ();
    g_autoptr(GPtrArray) sources = g_ptr_array_new ();
    guint n;

    g_ptr_array_add (sources, source);
    tw_log_view_set_sources (view, sources);
    n = g_list_model_get_n_items (G_LIST_MODEL (view));
    for (guint i = n > 50 ? n - 50 : 0; i < n; i++)
      g_object_unref (g_list_model_get_item (G_LIST_MODEL (view), i));
  }
  *first_us = g_get_monotonic_time () - start;
  spin_until (indexed, source);
  *index_us = g_get_monotonic_time () - start;
  return source;
}

static gint64
run_filter (TwLogSource *source, const char *text, const char *regex, guint *matches)
{
  g_autoptr(TwLogView) view = tw_log_view_new ();
  g_autoptr(GPtrArray) sources = g_ptr_array_new ();
  TwLogFilter filter = { 0, };
  gint64 start;

  g_ptr_array_add (sources, source);
  tw_log_view_set_sources (view, sources);
  filter.text = (char *) text;
  filter.regex = (char *) regex;
  start = g_get_monotonic_time ();
  tw_log_view_set_filter (view, &filter, NULL);
  spin_until (filtered, view);
  *matches = tw_log_view_get_n_matches (view);
  return g_get_monotonic_time () - start;
}


/* Live tail */

#define TAIL_GOAL_US 250000

typedef struct
{
  gint64    *written;     /* shared with the writer: when line i was written, µs */
  guint      n_lines;
  guint      base;        /* the view's rows before the writer started */
  guint      seen;        /* lines seen in the view */
  gint32    *latency;     /* µs, per line */
  gboolean   done;
  gint64     grace_end;
  GMainLoop *loop;
  gint64     meter_last;
  gint64     meter_wait;
  gint64     max_stall;
} Tail;

static gint64
monotonic_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* The writer: RATE lines a second, each noted in @written just before its write(). */
static void
tail_writer (const char *path,
             guint       n_lines,
             guint       rate,
             gint64     *written,
             int         start_fd)
{
  static const char *levels[] = { "INFO", "INFO", "INFO", "INFO", "INFO", "INFO", "DEBUG", "WARNING", "ERROR" };
  static const char *messages[] = { "Order status polled", "Approval granted for proposal",
                                    "Position reconciled with broker", "Market data snapshot received" };
  char buf[64 * 1024];
  char go;
  int fd = open (path, O_WRONLY | O_APPEND | O_CLOEXEC);
  gint64 start;
  guint i = 0;

  if (fd < 0 || read (start_fd, &go, 1) != 1)
    _exit (1);
  start = monotonic_us ();
  while (i < n_lines)
    {
      guint due = MIN ((guint) ((monotonic_us () - start) * rate / G_USEC_PER_SEC) + 1, n_lines);
      gsize len = 0;
      gint64 now = monotonic_us ();
      guint first = i;

      for (; i < due && len < sizeof buf - 512; i++)
        len += g_snprintf (buf + len, sizeof buf - len,
                           "{\"timestamp\":\"2026-12-06T10:%02u:%02u.%03u\",\"level\":\"%s\",\"logger\":\"assistant_api\","
                           "\"message\":\"%s\",\"correlation_id\":\"order-%u\",\"symbol\":\"AAPL\",\"quantity\":%u,"
                           "\"path\":\"/api/v1/orders/%u\",\"status_code\":200,\"seq\":%u}\n",
                           (i / 60000) % 60, (i / 1000) % 60, i % 1000, levels[i % G_N_ELEMENTS (levels)],
                           messages[i % G_N_ELEMENTS (messages)], i % 99991, i % 500 + 1, i % 9999, i);
      for (guint k = first; k < i; k++)
        written[k] = now;
      if (len > 0 && write (fd, buf, len) != (gssize) len)
        _exit (1);
      g_usleep (1000);
    }
  close (fd);
  _exit (0);
}

static void
tail_items_changed_cb (GListModel *model,
                       guint       position,
                       guint       removed,
                       guint       added,
                       Tail       *tail)
{
  guint n = g_list_model_get_n_items (model);
  gint64 now = monotonic_us ();

  while (tail->seen < tail->n_lines && tail->base + tail->seen < n)
    {
      gint64 at = tail->written[tail->seen];

      tail->latency[tail->seen] = at > 0 ? (gint32) MIN (now - at, G_MAXINT32) : G_MAXINT32;
      tail->seen++;
    }
}

static gboolean
tail_meter_cb (gpointer data)
{
  Tail *tail = data;
  gint64 now = g_get_monotonic_time ();
  gint64 wait = run_queue_wait_us ();

  if (tail->meter_last != 0)
    tail->max_stall = MAX (tail->max_stall, now - tail->meter_last - 10000 - (wait - tail->meter_wait));
  tail->meter_last = now;
  tail->meter_wait = wait;
  return G_SOURCE_CONTINUE;
}

static void
tail_child_cb (GPid     pid,
               int      status,
               gpointer data)
{
  Tail *tail = data;

  tail->done = TRUE;
  if (!g_spawn_check_wait_status (status, NULL))
    g_printerr ("bench-logs: the writer failed\n");
}

static gboolean
tail_check_cb (gpointer data)
{
  Tail *tail = data;

  /* Done when every line is seen, or 5 s after the writer at the latest. */
  if (!tail->done)
    return G_SOURCE_CONTINUE;
  if (tail->grace_end == 0)
    tail->grace_end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  if (tail->seen >= tail->n_lines || g_get_monotonic_time () > tail->grace_end)
    g_main_loop_quit (tail->loop);
  return G_SOURCE_CONTINUE;
}

static int
compare_int32 (gconstpointer a,
               gconstpointer b)
{
  gint32 x = *(const gint32 *) a, y = *(const gint32 *) b;

  return (x > y) - (x < y);
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static int
run_tail (guint       seconds,
          guint       rate,
          const char *path,
          const char *filter_text)
{
  g_autoptr(TwLogSource) source = NULL;
  g_autoptr(TwLogView) view = NULL;
  g_autoptr(GPtrArray) sources = g_ptr_array_new ();
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  Tail tail = { 0, };
  int pipe_fds[2];
  guint over = 0, missed = 0;
  gboolean last_ok;
  gint64 start, wall;
  double cpu_start, cpu;
  pid_t pid;

  tail.n_lines = seconds * rate;
  tail.written = mmap (NULL, tail.n_lines * sizeof (gint64), PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  tail.latency = g_new0 (gint32, tail.n_lines);
  if (tail.written == MAP_FAILED || pipe (pipe_fds) != 0
      || !g_file_set_contents (path, "{\"level\":\"INFO\",\"message\":\"before the tail\",\"seq\":-1}\n", -1, NULL))
    {
      g_printerr ("bench-logs: cannot set the tail up\n");
      return 1;
    }
  /* Before any thread of ours. */
  pid = fork ();
  if (pid == 0)
    {
      close (pipe_fds[1]);
      tail_writer (path, tail.n_lines, rate, tail.written, pipe_fds[0]);
    }
  close (pipe_fds[0]);

  tail.loop = g_main_loop_new (NULL, FALSE);
  g_hash_table_insert (options, (char *) "Kind", (char *) "json");
  source = tw_log_source_new ("tail", path, options, NULL);
  tw_log_source_start (source);
  spin_until (indexed, source);
  view = tw_log_view_new ();
  g_ptr_array_add (sources, source);
  tw_log_view_set_sources (view, sources);
  if (filter_text != NULL)
    {
      TwLogFilter filter = { 0, };

      filter.text = (char *) filter_text;
      tw_log_view_set_filter (view, &filter, NULL);
      spin_until (filtered, view);
    }
  tail.base = g_list_model_get_n_items (G_LIST_MODEL (view));
  g_signal_connect (view, "items-changed", G_CALLBACK (tail_items_changed_cb), &tail);
  g_child_watch_add (pid, tail_child_cb, &tail);
  g_timeout_add (10, tail_meter_cb, &tail);
  g_timeout_add (50, tail_check_cb, &tail);

  cpu_start = cpu_seconds ();
  start = g_get_monotonic_time ();
  if (write (pipe_fds[1], "g", 1) != 1)
    return 1;
  close (pipe_fds[1]);
  g_main_loop_run (tail.loop);
  wall = g_get_monotonic_time () - start;
  cpu = cpu_seconds () - cpu_start;

  for (guint i = 0; i < tail.n_lines; i++)
    if (i >= tail.seen)
      missed++;
    else if (tail.latency[i] > TAIL_GOAL_US)
      over++;
  qsort (tail.latency, tail.seen, sizeof (gint32), compare_int32);

  /* The last row is the last line written, read back as the page reads it. */
  {
    guint n = g_list_model_get_n_items (G_LIST_MODEL (view));
    g_autoptr(TwLogLine) last = n > 0 ? g_list_model_get_item (G_LIST_MODEL (view), n - 1) : NULL;
    g_autofree char *want = g_strdup_printf ("\"seq\":%u}", tail.n_lines - 1);

    last_ok = last != NULL && g_str_has_suffix (tw_log_line_get_text (last), want);
    g_print ("TAIL_LAST_ROW %s\n", last_ok ? "ok" : "WRONG");
  }
  g_print ("TAIL_LINES %u seen %u missed %u over_250ms %u\n", tail.n_lines, tail.seen, missed, over);
  if (tail.seen > 0)
    g_print ("TAIL_LATENCY_US median %d p99 %d max %d\n", tail.latency[tail.seen / 2],
             tail.latency[MIN ((guint) (tail.seen * 0.99), tail.seen - 1)], tail.latency[tail.seen - 1]);
  g_print ("TAIL_CPU_PERCENT %.1f\n", 100.0 * cpu / (wall / 1e6));
  g_print ("TAIL_MAX_STALL_US %" G_GINT64_FORMAT "\n", tail.max_stall);
  munmap (tail.written, tail.n_lines * sizeof (gint64));
  g_free (tail.latency);
  g_main_loop_unref (tail.loop);
  return missed == 0 && last_ok ? 0 : 1;
}

int
main (int argc, char **argv)
{
  g_autoptr(TwLogSource) json = NULL;
  g_autoptr(TwLogSource) text = NULL;
  gint64 first_json, index_json, first_text, index_text, substring_us, regex_us, chain_us, start;
  guint substring_n, regex_n, n;
  TwChainResult chain;

  if (argc >= 5 && g_str_equal (argv[1], "--tail"))
    return run_tail (atoi (argv[2]), atoi (argv[3]), argv[4], argc > 5 ? argv[5] : NULL);

  if (argc != 6)
    {
      g_printerr ("usage: bench-logs JSON_FILE TEXT_FILE CHAIN_FILE SUBSTRING REGEX\n"
                  "       bench-logs --tail SECONDS RATE FILE [FILTER]\n");
      return 2;
    }
  g_timeout_add (1, tick_cb, NULL);

  /* The index timed as the tools are: the median of three (a fresh source each). */
  {
    gint64 firsts[3], indexes[3];

    for (guint r = 0; r < 3; r++)
      {
        if (json != NULL)
          {
            tw_log_source_stop (json);
            g_object_unref (json);
          }
        json = open_source ("json", argv[1], "json", &firsts[r], &indexes[r]);
      }
    first_json = median3 (firsts);
    index_json = median3 (indexes);
  }
  text = open_source ("text", argv[2], "text", &first_text, &index_text);
  n = tw_log_source_get_n_lines (json);
  substring_us = run_filter (json, argv[4], NULL, &substring_n);
  regex_us = run_filter (json, NULL, argv[5], &regex_n);

  start = g_get_monotonic_time ();
  tw_chain_verify_file (argv[3], NULL, NULL, &chain, NULL, NULL);
  chain_us = g_get_monotonic_time () - start;

  g_print ("lines %u\n", n);
  g_print ("FIRST_ROWS_JSON_US %" G_GINT64_FORMAT "\n", first_json);
  g_print ("FIRST_ROWS_TEXT_US %" G_GINT64_FORMAT "\n", first_text);
  g_print ("INDEX_JSON_US %" G_GINT64_FORMAT "\n", index_json);
  g_print ("INDEX_TEXT_US %" G_GINT64_FORMAT "\n", index_text);
  g_print ("INDEX_BYTES_PER_LINE %.2f\n", (double) tw_log_source_get_index_memory (json) / MAX (n, 1));
  g_print ("SUBSTRING_US %" G_GINT64_FORMAT " matches %u\n", substring_us, substring_n);
  g_print ("REGEX_US %" G_GINT64_FORMAT " matches %u\n", regex_us, regex_n);
  g_print ("CHAIN_US %" G_GINT64_FORMAT " %s\n", chain_us, chain.message);
  g_print ("MAX_STALL_US %" G_GINT64_FORMAT "\n", max_gap);
  g_print ("MAX_STALL_RAW_US %" G_GINT64_FORMAT "\n", max_gap_raw);
  tw_chain_result_clear (&chain);
  return 0;
}
