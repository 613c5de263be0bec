/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Loki log sources over real HTTP and WebSockets on 127.0.0.1, against the simulator's
 * Loki (tw-sim-loki.h): the history paged by time, the live tail, a reconnection, polling
 * when the WebSocket is refused, the tenant and token, and hostile answers. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tw-error.h"
#include "tw-log-loki.h"
#include "tw-log-private.h"
#include "tw-log-source.h"
#include "tw-log-view.h"
#include "tw-profile.h"
#include "tw-secrets.h"
#include "tw-sim-loki.h"
#include "tw-test-util.h"

#define NS G_GINT64_CONSTANT (1000000000)

typedef struct
{
  TwSimLoki *loki;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->loki = tw_sim_loki_new ();
  g_assert_true (tw_sim_loki_start (f->loki, 0, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  tw_sim_loki_free (f->loki);
}

static TwLogSource *
make_source (Fixture *f, const char *first_key, ...)
{
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  TwLogSource *source;
  va_list args;
  const char *key;

  g_hash_table_insert (options, (char *) "Kind", (char *) "loki");
  g_hash_table_insert (options, (char *) "Query", (char *) "{app=\"ai-trading\"}");
  va_start (args, first_key);
  for (key = first_key; key != NULL; key = va_arg (args, const char *))
    g_hash_table_insert (options, (char *) key, va_arg (args, char *));
  va_end (args);
  source = tw_log_source_new ("ai", tw_sim_loki_get_url (f->loki), options, &error);
  g_assert_no_error (error);
  _tw_log_loki_set_backoff (_tw_log_source_get_loki (source), 50);
  return source;
}

static char *
row (TwLogSource *source, guint n)
{
  return tw_log_source_read_line (source, n, NULL);
}

static gboolean
has_problem (TwLogSource *source, const char *part)
{
  const char *problem = tw_log_source_get_problem (source);
  return problem != NULL && strstr (problem, part) != NULL;
}

static void
test_format (void)
{
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(TwLogFormat) format = NULL;
  TwLogFields fields;
  const char *line;

  g_hash_table_insert (options, (char *) "Kind", (char *) "loki");
  format = tw_log_format_new (options, NULL);
  g_assert_cmpint (tw_log_format_get_kind (format), ==, TW_LOG_KIND_LOKI);

  line = "2026-12-06T05:00:00.250000Z {app=\"ai\", service=\"api\"} {\"level\":\"error\",\"msg\":\"pool timeout\",\"request_id\":\"req-1\"}";
  tw_log_format_parse (format, line, strlen (line), &fields);
  g_assert_cmpint (fields.level, ==, TW_LOG_LEVEL_ERROR);
  g_assert_cmpstr (fields.message, ==, "pool timeout");
  g_assert_cmpstr (fields.correlation_id, ==, "req-1");
  g_assert_cmpint (fields.time_us, ==, G_GINT64_CONSTANT (1796533200250000));
  g_assert_false (fields.malformed);
  tw_log_fields_clear (&fields);

  /* A text line; braces and quotes inside a label value do not end the labels. */
  line = "2026-12-06T05:00:01.000000Z {app=\"a}\\\"b\"} 2026-12-06 05:00:01,000 - gate - WARNING - backoff correlation_id=c-9";
  tw_log_format_parse (format, line, strlen (line), &fields);
  g_assert_cmpint (fields.level, ==, TW_LOG_LEVEL_WARNING);
  g_assert_cmpstr (fields.message, ==, "backoff correlation_id=c-9");
  g_assert_cmpstr (fields.correlation_id, ==, "c-9");
  tw_log_fields_clear (&fields);

  /* No level in the line: the level label. A "{" line that is not JSON: text. */
  line = "2026-12-06T05:00:02.000000Z {app=\"ai\", level=\"warn\"} {not json";
  tw_log_format_parse (format, line, strlen (line), &fields);
  g_assert_cmpint (fields.level, ==, TW_LOG_LEVEL_WARNING);
  g_assert_false (fields.malformed);
  g_assert_cmpstr (fields.message, ==, "{not json");
  tw_log_fields_clear (&fields);
}

static gboolean
tail_open (gpointer data)
{
  Fixture *f = data;
  return tw_sim_loki_get_n_tails (f->loki) == 1;
}

/* The client's side of the tail is open too. */
static void
wait_tail (Fixture *f, TwLogSource *source)
{
  TwLogLoki *loki = _tw_log_source_get_loki (source);

  g_assert_true (tw_test_wait_for (tail_open, f, 10000));
  tw_test_wait_until (g_str_equal (_tw_log_loki_get_mode (loki), "tail"), 10000);
  g_assert_cmpstr (_tw_log_loki_get_mode (loki), ==, "tail");
}

/* 2,350 lines over 50 minutes, paged by 500 (five requests at least), eleven of them in
 * one nanosecond around a page boundary; lines of another app are not shown. */
static void
test_range_paging (Fixture *f, gconstpointer data)
{
  gint64 now = g_get_real_time () * 1000;
  g_autoptr(TwLogSource) source = NULL;
  guint total = 2350;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autofree char *shared = NULL;

  for (guint i = 0; i < total; i++)
    {
      /* i counts from the oldest; the 495th-505th newest share one time */
      guint from_newest = total - 1 - i;
      gint64 ts = now - 50 * 60 * NS + (gint64) i * NS;
      g_autofree char *line = g_strdup_printf ("{\"level\":\"info\",\"msg\":\"line %u\"}", i);

      if (from_newest >= 495 && from_newest <= 505)
        ts = now - 50 * 60 * NS + (gint64) (total - 506) * NS;
      tw_sim_loki_push (f->loki, ts, i % 2 ? "app=ai-trading,service=api" : "app=ai-trading,service=gate", line);
      if (i % 100 == 0)
        tw_sim_loki_push (f->loki, ts, "app=other", "not this one");
    }
  source = make_source (f, "PageSize", "500", NULL);
  tw_log_source_start (source);
  tw_test_wait_until (tw_log_source_get_n_lines (source) >= total && !tw_log_source_get_indexing (source), 20000);
  g_assert_cmpuint (tw_log_source_get_n_lines (source), ==, total);
  g_assert_cmpuint (tw_sim_loki_get_n_requests (f->loki, "query_range"), >=, 5);
  first = row (source, 0);
  last = row (source, total - 1);
  g_assert_nonnull (strstr (first, "\"msg\":\"line 0\""));
  g_assert_nonnull (strstr (first, "{app=\"ai-trading\", service=\"gate\"} "));
  g_assert_nonnull (strstr (last, "line 2349"));
  shared = row (source, total - 500);
  g_assert_nonnull (strstr (shared, "line "));
  g_assert_null (tw_log_source_get_problem (source));
  wait_tail (f, source);
  tw_log_source_stop (source);
}

/* MaxLines keeps the newest. */
static void
test_max_lines (Fixture *f, gconstpointer data)
{
  gint64 now = g_get_real_time () * 1000;
  g_autoptr(TwLogSource) source = NULL;
  g_autofree char *first = NULL;

  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *line = g_strdup_printf ("line %u", i);
      tw_sim_loki_push (f->loki, now - 600 * NS + (gint64) i * NS, "app=ai-trading", line);
    }
  source = make_source (f, "PageSize", "70", "MaxLines", "100", NULL);
  tw_log_source_start (source);
  tw_test_wait_until (tw_log_source_get_n_lines (source) >= 100 && !tw_log_source_get_indexing (source), 10000);
  g_assert_cmpuint (tw_log_source_get_n_lines (source), ==, 100);
  first = row (source, 0);
  g_assert_true (g_str_has_suffix (first, "} line 200"));
  tw_log_source_stop (source);
}

/* Lines pushed after the history arrive through the tail; a dropped tail reconnects and
 * brings what was pushed meanwhile, once. */
static void
test_tail_reconnect (Fixture *f, gconstpointer data)
{
  g_autoptr(TwLogSource) source = NULL;
  g_autofree char *last = NULL;
  guint tails_before;

  tw_sim_loki_push (f->loki, 0, "app=ai-trading", "before");
  source = make_source (f, NULL);
  tw_log_source_start (source);
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 1, 10000);
  wait_tail (f, source);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *line = g_strdup_printf ("{\"level\":\"error\",\"msg\":\"live %u\",\"request_id\":\"r%u\"}", i, i);
      tw_sim_loki_push (f->loki, 0, "app=ai-trading,service=api", line);
    }
  tw_sim_loki_push (f->loki, 0, "app=other", "not shown");
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 6, 10000);
  g_assert_cmpuint (tw_log_source_get_n_lines (source), ==, 6);
  last = row (source, 5);
  g_assert_nonnull (strstr (last, "live 4"));

  /* Loki restarts: the tail is closed, lines are pushed while it is away. */
  tails_before = tw_sim_loki_get_n_requests (f->loki, "tail");
  tw_sim_loki_close_tails (f->loki);
  tw_sim_loki_push (f->loki, 0, "app=ai-trading", "while away 1");
  tw_sim_loki_push (f->loki, 0, "app=ai-trading", "while away 2");
  tw_test_wait_until (tw_sim_loki_get_n_requests (f->loki, "tail") > tails_before, 10000);
  g_assert_cmpuint (tw_sim_loki_get_n_requests (f->loki, "tail"), >, tails_before);
  tw_test_wait_until (tw_log_source_get_n_lines (source) >= 8, 10000);
  wait_tail (f, source);
  tw_sim_loki_push (f->loki, 0, "app=ai-trading", "after");
  tw_test_wait_until (tw_log_source_get_n_lines (source) >= 9, 10000);
  /* Nothing repeated: the reconnection started from the last entry, skipped once. */
  g_assert_cmpuint (tw_log_source_get_n_lines (source), ==, 9);
  {
    g_autofree char *r6 = row (source, 6);
    g_autofree char *r8 = row (source, 8);
    g_assert_true (g_str_has_suffix (r6, "while away 1"));
    g_assert_true (g_str_has_suffix (r8, "after"));
  }
  /* A stream that lagged: an entry a minute old, arriving now, is kept. */
  tw_sim_loki_push (f->loki, g_get_real_time () * 1000 - 60 * NS, "app=ai-trading,service=slow", "late");
  tw_test_wait_until (tw_log_source_get_n_lines (source) >= 10, 10000);
  g_assert_cmpuint (tw_log_source_get_n_lines (source), ==, 10);
  tw_test_wait_until (tw_log_source_get_problem (source) == NULL, 5000);
  g_assert_null (tw_log_source_get_problem (source));
  tw_log_source_stop (source);
}

/* A proxy without WebSockets: query_range is polled. */
static void
test_poll_fallback (Fixture *f, gconstpointer data)
{
  g_autoptr(TwLogSource) source = make_source (f, "PollInterval", "100", NULL);
  TwLogLoki *loki = _tw_log_source_get_loki (source);

  tw_sim_loki_set_fault (f->loki, TW_SIM_LOKI_FAULT_NO_WEBSOCKET);
  tw_sim_loki_push (f->loki, 0, "app=ai-trading", "old");
  tw_log_source_start (source);
  tw_test_wait_until (g_str_equal (_tw_log_loki_get_mode (loki), "poll"), 10000);
  g_assert_cmpstr (_tw_log_loki_get_mode (loki), ==, "poll");
  tw_sim_loki_push (f->loki, 0, "app=ai-trading", "new 1");
  tw_sim_loki_push (f->loki, 0, "app=ai-trading", "new 2");
  tw_test_wait_until (tw_log_source_get_n_lines (source) >= 3, 10000);
  g_assert_cmpuint (tw_log_source_get_n_lines (source), ==, 3);
  {
    g_autofree char *r2 = row (source, 2);
    g_assert_true (g_str_has_suffix (r2, "new 2"));
  }
  /* polled again, nothing repeated */
  {
    guint polls = tw_sim_loki_get_n_requests (f->loki, "query_range");
    tw_test_wait_until (tw_sim_loki_get_n_requests (f->loki, "query_range") >= polls + 3, 10000);
  }
  g_assert_cmpuint (tw_log_source_get_n_lines (source), ==, 3);
  tw_log_source_stop (source);
}

/* Hostile answers: each a clear problem, then the source recovers. */
static void
test_hostile_range (Fixture *f, gconstpointer data)
{
  static const struct { TwSimLokiFault fault; const char *part; } cases[] = {
    { TW_SIM_LOKI_FAULT_STATUS_500, "500" },
    { TW_SIM_LOKI_FAULT_STATUS_429, "429" },
    { TW_SIM_LOKI_FAULT_MALFORMED, "JSON" },
    { TW_SIM_LOKI_FAULT_WRONG_SHAPE, "documented form" },
    { TW_SIM_LOKI_FAULT_MATRIX, "log query" },
    { TW_SIM_LOKI_FAULT_ENDLESS, "" },
  };

  tw_sim_loki_push (f->loki, 0, "app=ai-trading", "the line");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TwLogSource) source = make_source (f, "Timeout", "1", NULL);
      gint64 started = g_get_monotonic_time ();

      g_test_message ("fault %d", cases[i].fault);
      tw_sim_loki_set_fault (f->loki, cases[i].fault);
      tw_log_source_start (source);
      tw_test_wait_until (tw_log_source_get_problem (source) != NULL, 15000);
      g_test_message ("problem: %s", tw_log_source_get_problem (source));
      g_assert_true (has_problem (source, cases[i].part));
      g_assert_cmpuint (tw_log_source_get_n_lines (source), ==, 0);
      /* never longer than the timeout and a retry */
      g_assert_cmpint (g_get_monotonic_time () - started, <, 8 * G_USEC_PER_SEC);
      tw_sim_loki_set_fault (f->loki, TW_SIM_LOKI_FAULT_NONE);
      tw_test_wait_until (tw_log_source_get_n_lines (source) == 1, 15000);
      g_assert_cmpuint (tw_log_source_get_n_lines (source), ==, 1);
      tw_test_wait_until (tw_log_source_get_problem (source) == NULL, 5000);
      g_assert_null (tw_log_source_get_problem (source));
      tw_log_source_stop (source);
    }
}

/* A malformed tail message is named; a 10 MB line is kept, shown shortened; later lines
 * still arrive. */
static void
test_hostile_tail (Fixture *f, gconstpointer data)
{
  g_autoptr(TwLogSource) source = make_source (f, NULL);
  g_autofree char *huge = g_malloc (10 * 1024 * 1024 + 1);
  guint flags = 0;
  g_autofree char *shown = NULL;

  tw_log_source_start (source);
  wait_tail (f, source);
  tw_sim_loki_send_raw (f->loki, "{\"streams\":[{\"stream\":{\"app\":\"ai-trading\"},\"values\":[[\"12\"");
  tw_test_wait_until (tw_log_source_get_problem (source) != NULL, 10000);
  g_assert_true (has_problem (source, "JSON"));
  tw_sim_loki_send_raw (f->loki, "{\"streams\":7}");
  tw_test_wait_until (has_problem (source, "documented form"), 10000);
  g_assert_true (has_problem (source, "documented form"));

  /* Loki says it dropped entries (a tail too fast for it): said. */
  tw_sim_loki_send_raw (f->loki, "{\"streams\":[],\"dropped_entries\":[{\"labels\":{\"app\":\"ai-trading\"},\"timestamp\":\"1\"},"
                                 "{\"labels\":{\"app\":\"ai-trading\"},\"timestamp\":\"2\"}]}");
  tw_test_wait_until (has_problem (source, "dropped 2 entries"), 10000);
  g_assert_true (has_problem (source, "dropped 2 entries"));

  memset (huge, 'x', 10 * 1024 * 1024);
  huge[10 * 1024 * 1024] = '\0';
  tw_sim_loki_push (f->loki, 0, "app=ai-trading", huge);
  tw_sim_loki_push (f->loki, 0, "app=ai-trading", "after the huge one");
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 2, 20000);
  g_assert_cmpuint (tw_log_source_get_n_lines (source), ==, 2);
  shown = tw_log_source_read_line (source, 0, &flags);
  g_assert_true (flags & TW_LOG_LINE_SHORTENED);
  g_assert_cmpuint (strlen (shown), <=, 64 * 1024 + 8);
  {
    g_autofree char *after = row (source, 1);
    g_assert_true (g_str_has_suffix (after, "after the huge one"));
  }
  /* whole messages again: the problem is gone */
  tw_test_wait_until (tw_log_source_get_problem (source) == NULL, 5000);
  g_assert_null (tw_log_source_get_problem (source));
  tw_log_source_stop (source);
}

/* The tenant header from the profile, the token from the keyring (never the profile). */
static void
test_auth (Fixture *f, gconstpointer data)
{
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwLogSource) source = NULL;
  g_autoptr(TwLogSource) missing = NULL;
  g_autoptr(TwLogSource) wrong = NULL;
  g_autoptr(GError) error = NULL;

  tw_sim_loki_set_auth (f->loki, "trading", "s3cret-token");
  tw_sim_loki_push (f->loki, 0, "app=ai-trading", "authorized");

  /* No token stored: said so, naming where it belongs. */
  missing = make_source (f, "Tenant", "trading", "Auth", "bearer", NULL);
  tw_log_source_set_secrets (missing, secrets, "paper");
  tw_log_source_start (missing);
  tw_test_wait_until (tw_log_source_get_problem (missing) != NULL, 5000);
  g_assert_true (has_problem (missing, "log:ai"));
  tw_log_source_stop (missing);

  g_assert_true (tw_secrets_store_sync (secrets, "paper", "log:ai", "token", "wrong", NULL, &error));
  wrong = make_source (f, "Tenant", "trading", "Auth", "bearer", NULL);
  tw_log_source_set_secrets (wrong, secrets, "paper");
  tw_log_source_start (wrong);
  tw_test_wait_until (tw_log_source_get_problem (wrong) != NULL, 5000);
  g_assert_true (has_problem (wrong, "401"));
  g_assert_false (has_problem (wrong, "wrong"));
  tw_log_source_stop (wrong);

  g_assert_true (tw_secrets_store_sync (secrets, "paper", "log:ai", "token", "s3cret-token", NULL, &error));
  source = make_source (f, "Tenant", "trading", "Auth", "bearer", NULL);
  tw_log_source_set_secrets (source, secrets, "paper");
  tw_log_source_start (source);
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 1, 10000);
  g_assert_cmpuint (tw_log_source_get_n_lines (source), ==, 1);
  /* the tail is authorized too */
  wait_tail (f, source);
  tw_sim_loki_push (f->loki, 0, "app=ai-trading", "live authorized");
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 2, 10000);
  g_assert_cmpuint (tw_log_source_get_n_lines (source), ==, 2);
  tw_log_source_stop (source);
}

/* A tail that never stops: 20,000 lines pushed at once all arrive, in order, once; and a
 * 20,000-line history in pages of 5,000. Times printed for the README. */
static void
test_flood (Fixture *f, gconstpointer data)
{
  g_autoptr(TwLogSource) source = NULL;
  gint64 now = g_get_real_time () * 1000;
  gint64 started;
  guint n = 20000;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *line = g_strdup_printf ("{\"level\":\"info\",\"msg\":\"history %u\",\"request_id\":\"req-%u\"}", i, i);
      tw_sim_loki_push (f->loki, now - 1800 * NS + (gint64) i * (NS / 100), "app=ai-trading,service=api", line);
    }
  source = make_source (f, "PageSize", "5000", NULL);
  started = g_get_monotonic_time ();
  tw_log_source_start (source);
  tw_test_wait_until (tw_log_source_get_n_lines (source) == n && !tw_log_source_get_indexing (source), 30000);
  g_assert_cmpuint (tw_log_source_get_n_lines (source), ==, n);
  g_test_message ("history of %u lines: %.0f ms", n, (g_get_monotonic_time () - started) / 1000.0);
  wait_tail (f, source);

  started = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *line = g_strdup_printf ("{\"level\":\"info\",\"msg\":\"live %u\"}", i);
      tw_sim_loki_push (f->loki, 0, "app=ai-trading,service=api", line);
    }
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 2 * n, 60000);
  g_assert_cmpuint (tw_log_source_get_n_lines (source), ==, 2 * n);
  g_test_message ("tail of %u lines pushed at once: %.0f ms", n, (g_get_monotonic_time () - started) / 1000.0);
  {
    g_autofree char *last = row (source, 2 * n - 1);
    g_autofree char *first_live = row (source, n);
    g_assert_true (g_str_has_suffix (last, "\"live 19999\"}"));
    g_assert_true (g_str_has_suffix (first_live, "\"live 0\"}"));
  }
  g_assert_null (tw_log_source_get_problem (source));
  tw_log_source_stop (source);
}

static void
append_file (const char *path, const char *text)
{
  FILE *file = fopen (path, "a");
  g_assert_nonnull (file);
  fputs (text, file);
  fclose (file);
}

static char *
iso_time (gint64 ns)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ns / NS);
  g_autofree char *base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%06dZ", base, (int) (ns % NS / 1000));
}

static char *
file_line (gint64 ns, const char *message)
{
  g_autofree char *time = iso_time (ns);

  return g_strdup_printf ("{\"timestamp\":\"%s\",\"level\":\"INFO\",\"message\":\"%s\"}\n", time, message);
}

/* Every row of the view in time order; the number of rows from @source_id. */
static guint
assert_view_in_time_order (TwLogView *view, const char *source_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (view));
  gint64 before = 0;
  guint from_source = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwLogLine) line = g_list_model_get_item (G_LIST_MODEL (view), i);
      gint64 time = tw_log_line_get_time (line);

      if (time < before)
        g_error ("row %u of %u (%s: %s) is older than the row above it", i, n,
                 tw_log_line_get_source_id (line), tw_log_line_get_text (line));
      before = time;
      if (g_str_equal (tw_log_line_get_source_id (line), source_id))
        from_source++;
    }
  return from_source;
}

static gboolean
view_settled (TwLogView *view, guint n)
{
  return g_list_model_get_n_items (G_LIST_MODEL (view)) == n && tw_log_view_get_n_matches (view) == n
         && !tw_log_view_get_filtering (view);
}

/* A file and a Loki merged by time in one view, always: Loki's history comes in pages
 * while the file's rows are shown, and lines the file gets later that are older than
 * Loki's newest go above it, not below (they were appended at the end). */
static void
test_view_merge (Fixture *f, gconstpointer data)
{
  gint64 base = (g_get_real_time () - 600 * G_USEC_PER_SEC) * 1000;
  g_autofree char *dir = g_dir_make_tmp ("tw-loki-view-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "api.log", NULL);
  g_autoptr(GString) contents = g_string_new (NULL);
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autoptr(TwLogSource) file = NULL;
  g_autoptr(TwLogSource) loki = NULL;
  g_autoptr(TwLogView) view = tw_log_view_new ();
  g_autoptr(GPtrArray) sources = g_ptr_array_new ();
  guint n = 150;

  /* the file at even seconds, Loki at odd ones */
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *message = g_strdup_printf ("file %u", i);
      g_autofree char *line = file_line (base + (gint64) (2 * i) * NS, message);
      g_autofree char *loki_line = g_strdup_printf ("{\"level\":\"info\",\"msg\":\"loki %u\"}", i);

      g_string_append (contents, line);
      tw_sim_loki_push (f->loki, base + (gint64) (2 * i + 1) * NS, "app=ai-trading", loki_line);
    }
  g_assert_true (g_file_set_contents (path, contents->str, contents->len, NULL));
  g_hash_table_insert (options, (char *) "Kind", (char *) "json");
  file = tw_log_source_new ("api", path, options, &error);
  g_assert_no_error (error);
  tw_log_source_set_interval (file, 20);
  loki = make_source (f, "PageSize", "40", NULL);
  g_ptr_array_add (sources, file);
  g_ptr_array_add (sources, loki);
  tw_log_view_set_sources (view, sources);

  tw_log_source_start (file);
  tw_test_wait_until (view_settled (view, n), 10000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (view)), ==, n);
  tw_log_source_start (loki);
  tw_test_wait_until (view_settled (view, 2 * n), 20000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (view)), ==, 2 * n);
  g_assert_cmpuint (tw_sim_loki_get_n_requests (f->loki, "query_range"), >=, 4);
  g_assert_cmpuint (assert_view_in_time_order (view, "ai"), ==, n);
  wait_tail (f, loki);

  /* Written later, older than Loki's newest line (a second before it): above it. */
  {
    g_autofree char *late = file_line (base + (gint64) (2 * n - 2) * NS + NS / 2, "file late");
    g_autofree char *last = file_line (base + (gint64) (2 * n) * NS, "file last");

    append_file (path, late);
    tw_test_wait_until (view_settled (view, 2 * n + 1), 10000);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (view)), ==, 2 * n + 1);
    assert_view_in_time_order (view, "ai");
    append_file (path, last);
    tw_sim_loki_push (f->loki, base + (gint64) (2 * n - 1) * NS + NS / 2, "app=ai-trading", "loki late");
    tw_test_wait_until (view_settled (view, 2 * n + 3), 10000);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (view)), ==, 2 * n + 3);
    g_assert_cmpuint (assert_view_in_time_order (view, "ai"), ==, n + 1);
  }
  tw_log_source_stop (loki);
  tw_log_source_stop (file);
  g_unlink (path);
  g_rmdir (dir);
}

/* The README's example loads as a profile (nothing in it looks like a secret), its keys
 * kept for the source. */
static void
test_profile (void)
{
  static const char data[] =
    "[Profile]\nName=ops\nMode=paper\n"
    "[Log ai-trading]\nPath=http://localhost:3100\nKind=loki\nQuery={app=\"ai-trading\"} != \"healthz\"\n"
    "Tenant=trading\nAuth=bearer\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(TwProfile) profile = tw_profile_load_from_data (data, "ops.conf", &error);
  TwLogConfig *log;
  g_autoptr(TwLogSource) source = NULL;

  g_assert_no_error (error);
  log = g_ptr_array_index (tw_profile_get_logs (profile), 0);
  g_assert_cmpstr (log->path, ==, "http://localhost:3100");
  g_assert_cmpstr (g_hash_table_lookup (log->options, "Query"), ==, "{app=\"ai-trading\"} != \"healthz\"");
  source = tw_log_source_new (log->id, log->path, log->options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tw_log_source_get_kind (source), ==, TW_LOG_KIND_LOKI);
}

static void
test_bad_config (void)
{
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  TwLogSource *source;

  g_hash_table_insert (options, (char *) "Kind", (char *) "loki");
  source = tw_log_source_new ("x", "http://127.0.0.1:3100", options, &error);
  g_assert_null (source);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_clear_error (&error);
  g_hash_table_insert (options, (char *) "Query", (char *) "{app=\"x\"}");
  source = tw_log_source_new ("x", "/var/log/loki", options, &error);
  g_assert_null (source);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/logs/loki/format", test_format);
  g_test_add_func ("/logs/loki/bad-config", test_bad_config);
  g_test_add_func ("/logs/loki/profile", test_profile);
#define ADD(path, func) g_test_add ("/logs/loki/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("range-paging", test_range_paging);
  ADD ("max-lines", test_max_lines);
  ADD ("tail-reconnect", test_tail_reconnect);
  ADD ("poll-fallback", test_poll_fallback);
  ADD ("hostile-range", test_hostile_range);
  ADD ("hostile-tail", test_hostile_tail);
  ADD ("auth", test_auth);
  ADD ("flood", test_flood);
  ADD ("view-merge", test_view_merge);
  return g_test_run ();
}
