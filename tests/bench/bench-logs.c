/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-logs JSON_FILE TEXT_FILE CHAIN_FILE SUBSTRING REGEX: the logs core on big files
 * (bench-logs.sh generates them and times the shell tools beside it). Prints, in µs:
 * the first rows ready (start → the newest 50 rows read and parsed as the list would),
 * the full index, index bytes per line, a substring filter and a regex filter (JSON file),
 * the chain verification, and the longest main-loop stall of a 1 ms timer meanwhile. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tw-log-chain.h"
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

int
main (int argc, char **argv)
{
  g_autoptr(TwLogSource) json = NULL;
  g_autoptr(TwLogSource) text = NULL;
  gint64 first_json, index_json, first_text, index_text, substring_us, regex_us, chain_us, start;
  guint substring_n, regex_n, n;
  TwChainResult chain;

  if (argc != 6)
    {
      g_printerr ("usage: bench-logs JSON_FILE TEXT_FILE CHAIN_FILE SUBSTRING REGEX\n");
      return 2;
    }
  g_timeout_add (1, tick_cb, NULL);

  json = open_source ("json", argv[1], "json", &first_json, &index_json);
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
