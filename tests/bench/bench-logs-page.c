/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-logs-page FILE: the Logs page opening a big JSON-lines file, open → first screen
 * painted. The real page in a presented window, a profile with one log (FILE, JSON
 * lines); the clock starts when the logs start and the page gets them, and stops at the
 * first frame painted with rows on screen (the newest: the page follows). Prints, in
 * µs, that frame (wall clock; the CPU every thread of the process spent until then;
 * the main thread's CPU and its wait for a CPU, which a loaded machine lengthens), then
 * the end of the index, the longest main-loop stall meanwhile (a 10 ms timer's
 * lateness, CPU waits taken off: it still counts time off CPU for other reasons, and
 * misses up to 10 ms of a block) and the main thread's longest block of CPU (set_logs,
 * then one main-loop iteration), with when they happened. bench-logs.sh drives it.
 *
 * --first-show: the console's first showing of the page instead (pages are built hidden,
 * after the logs were read): the page gets the logs while hidden, the index ends, then
 * the clock starts as the page is shown, and stops at its first frame painted with rows
 * (the stall and block figures then cover that frame and the next ones, one second). */
#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

#include "tw-logs.h"
#include "tw-logs-page.h"
#include "tw-logs-page-private.h"
#include "tw-profile.h"

typedef struct
{
  TwLogsPage *page;
  gint64      start;
  gint64      start_cpu;
  gint64      start_thread_cpu;
  gint64      start_wait;
  gint64      first_paint;
  gint64      first_paint_cpu;         /* every thread of the process */
  gint64      first_paint_thread_cpu;  /* the main thread */
  gint64      first_paint_wait;        /* the main thread waiting for a CPU */
  guint       rows_painted;
  gboolean    at_bottom;
  gint64      meter_last;
  gint64      meter_wait;
  gint64      max_stall;
  gint64      max_stall_at;            /* since the start, µs */
  gint64      max_block_cpu;           /* the main thread's CPU in one main-loop iteration */
  gint64      max_block_at;
} Bench;

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

static gint64
process_cpu_us (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (gint64) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_USEC_PER_SEC
         + usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* TW_BENCH_PHASES=1: the main thread's CPU in each frame phase (over 1 ms) and when it
 * ended (ms since the start), to stderr. */
static gint64 phase_t;
static gint64 phase_start;
static void
phase_cb (GdkFrameClock *clock, gpointer name)
{
  gint64 now = thread_cpu_us ();

  if (phase_t != 0 && now - phase_t > 1000)
    g_printerr ("%s: %" G_GINT64_FORMAT " us (at %" G_GINT64_FORMAT " ms)\n", (char *) name, now - phase_t,
                phase_start != 0 ? (g_get_monotonic_time () - phase_start) / 1000 : 0);
  phase_t = now;
}

static gboolean
meter_cb (gpointer data)
{
  Bench *bench = data;
  gint64 now = g_get_monotonic_time ();
  gint64 wait = run_queue_wait_us ();

  if (bench->meter_last != 0
      && now - bench->meter_last - 10000 - (wait - bench->meter_wait) > bench->max_stall)
    {
      bench->max_stall = now - bench->meter_last - 10000 - (wait - bench->meter_wait);
      bench->max_stall_at = now - bench->start;
    }
  bench->meter_last = now;
  bench->meter_wait = wait;
  return G_SOURCE_CONTINUE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                Bench         *bench)
{
  GtkListView *list;
  GtkAdjustment *adj;
  guint rows = 0;

  if (bench->start == 0 || bench->first_paint != 0
      || g_list_model_get_n_items (G_LIST_MODEL (_tw_logs_page_get_view (bench->page))) == 0)
    return;
  list = _tw_logs_page_get_list_view (bench->page);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_mapped (child))
      rows++;
  if (rows == 0)
    return;
  bench->first_paint = g_get_monotonic_time () - bench->start;
  bench->first_paint_cpu = process_cpu_us () - bench->start_cpu;
  bench->first_paint_thread_cpu = thread_cpu_us () - bench->start_thread_cpu;
  bench->first_paint_wait = run_queue_wait_us () - bench->start_wait;
  bench->rows_painted = rows;
  adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
  bench->at_bottom = gtk_adjustment_get_value (adj)
                     >= gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 2;
}

static gboolean
indexing (TwLogs *logs)
{
  GListModel *sources = tw_logs_get_sources (logs);

  for (guint i = 0; i < g_list_model_get_n_items (sources); i++)
    {
      g_autoptr(TwLogSource) source = g_list_model_get_item (sources, i);

      if (tw_log_source_get_n_lines (source) == 0 || tw_log_source_get_indexing (source))
        return TRUE;
    }
  return FALSE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TwProfile) profile = NULL;
  g_autoptr(TwLogs) logs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *conf = NULL;
  Bench bench = { 0, };
  GtkWidget *window;
  gint64 deadline, indexed;
  gboolean first_show = argc == 3 && g_strcmp0 (argv[1], "--first-show") == 0;

  if (argc != 2 && !first_show)
    {
      g_printerr ("usage: bench-logs-page [--first-show] JSON_FILE\n");
      return 2;
    }
  gtk_init ();
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  conf = g_strdup_printf ("[Profile]\nName=bench\nMode=paper\n\n[Log api]\nPath=%s\nKind=json\n", argv[argc - 1]);
  profile = tw_profile_load_from_data (conf, "bench.conf", &error);
  if (profile == NULL)
    {
      g_printerr ("bench-logs-page: %s\n", error->message);
      return 1;
    }
  logs = tw_logs_new (profile);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  bench.page = TW_LOGS_PAGE (tw_logs_page_new ());
  gtk_widget_set_visible (GTK_WIDGET (bench.page), !first_show);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (bench.page));
  gtk_window_present (GTK_WINDOW (window));
  while (gtk_widget_get_frame_clock (window) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint_cb), &bench);
  if (g_getenv ("TW_BENCH_PHASES") != NULL)
    {
      g_signal_connect (gtk_widget_get_frame_clock (window), "before-paint", G_CALLBACK (phase_cb), "before-paint (since after-paint)");
      g_signal_connect (gtk_widget_get_frame_clock (window), "update", G_CALLBACK (phase_cb), "update");
      g_signal_connect (gtk_widget_get_frame_clock (window), "layout", G_CALLBACK (phase_cb), "layout");
      g_signal_connect (gtk_widget_get_frame_clock (window), "paint", G_CALLBACK (phase_cb), "paint");
      g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (phase_cb), "after-paint");
    }
  /* The empty page painted first, settled. */
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);

  if (first_show)
    {
      /* Read while hidden, as the console's lazy pages are. */
      tw_logs_start (logs);
      tw_logs_page_set_logs (bench.page, logs);
      deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
      while (indexing (logs) && g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, TRUE);
      deadline = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
      while (g_get_monotonic_time () < deadline)
        if (!g_main_context_iteration (NULL, FALSE))
          g_usleep (1000);
    }
  g_timeout_add (10, meter_cb, &bench);
  bench.start_cpu = process_cpu_us ();
  bench.start_thread_cpu = thread_cpu_us ();
  bench.start_wait = run_queue_wait_us ();
  bench.start = phase_start = g_get_monotonic_time ();
  if (first_show)
    gtk_widget_set_visible (GTK_WIDGET (bench.page), TRUE);
  else
    {
      tw_logs_start (logs);
      if (g_getenv ("TW_BENCH_PHASES") != NULL)
        g_printerr ("start: %" G_GINT64_FORMAT " us\n", thread_cpu_us () - bench.start_thread_cpu);
      tw_logs_page_set_logs (bench.page, logs);
    }
  if (g_getenv ("TW_BENCH_PHASES") != NULL)
    g_printerr ("set_logs: %" G_GINT64_FORMAT " us, %u rows\n", thread_cpu_us () - bench.start_thread_cpu, g_list_model_get_n_items (G_LIST_MODEL (_tw_logs_page_get_view (bench.page))));
  phase_t = thread_cpu_us ();
  deadline = bench.start + 60 * G_USEC_PER_SEC;
  /* set_logs is the first block; then each iteration's CPU (waiting in poll costs none). */
  bench.max_block_cpu = thread_cpu_us () - bench.start_thread_cpu;
  if (first_show)
    deadline = bench.start + G_USEC_PER_SEC;
  while ((bench.first_paint == 0 || indexing (logs) || first_show) && g_get_monotonic_time () < deadline)
    {
      gint64 cpu = thread_cpu_us ();

      g_main_context_iteration (NULL, TRUE);
      cpu = thread_cpu_us () - cpu;
      if (cpu > bench.max_block_cpu)
        {
          bench.max_block_cpu = cpu;
          bench.max_block_at = g_get_monotonic_time () - bench.start;
        }
    }
  indexed = g_get_monotonic_time () - bench.start;

  g_print ("FIRST_PAINT_US %" G_GINT64_FORMAT " rows %u at_bottom %s\n", bench.first_paint,
           bench.rows_painted, bench.at_bottom ? "yes" : "no");
  g_print ("FIRST_PAINT_CPU_US %" G_GINT64_FORMAT " main_thread %" G_GINT64_FORMAT " main_waited %" G_GINT64_FORMAT "\n",
           bench.first_paint_cpu, bench.first_paint_thread_cpu, bench.first_paint_wait);
  g_print ("PAGE_INDEX_US %" G_GINT64_FORMAT "\n", indexed);
  g_print ("PAGE_MAX_STALL_US %" G_GINT64_FORMAT " at_ms %" G_GINT64_FORMAT "\n", bench.max_stall,
           bench.max_stall_at / 1000);
  g_print ("PAGE_MAX_BLOCK_CPU_US %" G_GINT64_FORMAT " at_ms %" G_GINT64_FORMAT "\n", bench.max_block_cpu,
           bench.max_block_at / 1000);
  tw_logs_stop (logs);
  gtk_window_destroy (GTK_WINDOW (window));
  return bench.first_paint != 0 ? 0 : 1;
}
