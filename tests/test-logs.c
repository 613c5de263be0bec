/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The logs core: formats and the line index over real files (rotation of both kinds, a
 * line cut by rotation, date patterns, a file that vanishes, binary and huge lines). Views,
 * filters and the session's logs service: test-logs-view.c. */
#include "config.h"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tw-error.h"
#include "tw-log-source-private.h"
#include "tw-json.h"
#include "tw-test-util.h"
#include "tw-logs-fixture.h"

static char *
row_text (TwLogSource *source, guint row, guint *flags)
{
  return tw_log_source_read_line (source, row, flags);
}

static void
assert_row (TwLogSource *source, guint row, const char *text, guint flags)
{
  guint got_flags = 0;
  g_autofree char *got = row_text (source, row, &got_flags);

  g_assert_cmpstr (got, ==, text);
  g_assert_cmpuint (got_flags, ==, flags);
}

static void
wait_idle (TwLogSource *source)
{
  tw_test_wait_until (!tw_log_source_get_indexing (source), 10000);
}

/* Formats */

static void
test_format_defaults (void)
{
  g_autoptr(TwLogFormat) text = tw_log_format_new (NULL, NULL);
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(TwLogFormat) json = NULL;
  TwLogFields fields;
  const char *line;

  line = "2026-12-06 02:30:00,123 - trading - WARNING - DRIFT ALERT: accuracy 0.41 request_id=abc-1";
  tw_log_format_parse (text, line, strlen (line), &fields);
  g_assert_cmpint (fields.level, ==, TW_LOG_LEVEL_WARNING);
  g_assert_cmpstr (fields.message, ==, "DRIFT ALERT: accuracy 0.41 request_id=abc-1");
  g_assert_cmpstr (fields.correlation_id, ==, "abc-1");
  g_assert_cmpint (fields.time_us % G_USEC_PER_SEC, ==, 123000);
  g_assert_cmpint (fields.time_us, >, 0);
  tw_log_fields_clear (&fields);

  line = "CRITICAL:trading:MAX DRAWDOWN REACHED";
  tw_log_format_parse (text, line, strlen (line), &fields);
  g_assert_cmpint (fields.level, ==, TW_LOG_LEVEL_CRITICAL);
  g_assert_cmpstr (fields.message, ==, "MAX DRAWDOWN REACHED");
  g_assert_cmpint (fields.time_us, ==, 0);
  tw_log_fields_clear (&fields);

  line = "no level here";
  tw_log_format_parse (text, line, strlen (line), &fields);
  g_assert_cmpint (fields.level, ==, TW_LOG_LEVEL_UNKNOWN);
  g_assert_cmpstr (fields.message, ==, "no level here");
  tw_log_fields_clear (&fields);

  g_hash_table_insert (options, (char *) "Kind", (char *) "json");
  json = tw_log_format_new (options, NULL);
  line = "{\"timestamp\":\"2026-12-06T02:30:00Z\",\"levelname\":\"ERROR\",\"msg\":\"order rejected\",\"correlation_id\":\"order-123\"}";
  tw_log_format_parse (json, line, strlen (line), &fields);
  g_assert_cmpint (fields.level, ==, TW_LOG_LEVEL_ERROR);
  g_assert_cmpstr (fields.message, ==, "order rejected");
  g_assert_cmpstr (fields.correlation_id, ==, "order-123");
  g_assert_cmpint (fields.time_us, ==, G_GINT64_CONSTANT (1796524200) * G_USEC_PER_SEC);
  g_assert_false (fields.malformed);
  tw_log_fields_clear (&fields);

  line = "{\"level\": \"info\", \"message\": trunc";
  tw_log_format_parse (json, line, strlen (line), &fields);
  g_assert_true (fields.malformed);
  g_assert_cmpstr (fields.message, ==, line);
  tw_log_fields_clear (&fields);
}

/* Issue 18: a JSON-lines log's line goes through the guarded parse. A line nested a
 * million deep (2 MB, under any size limit) overflowed json-glib's recursion and crashed
 * the console reading the log; it is a malformed line, shown as it is. So is a line
 * with a "\u" escape that names no character, which json-glib made into a string that
 * is not UTF-8. */
static void
test_format_hostile (void)
{
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(TwLogFormat) json = NULL;
  g_autoptr(GString) deep = g_string_new ("{\"level\": \"error\", \"message\": ");
  const guint depth = 1000000;
  TwLogFields fields;
  const char *line;

  g_hash_table_insert (options, (char *) "Kind", (char *) "json");
  json = tw_log_format_new (options, NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  tw_log_format_parse (json, deep->str, deep->len, &fields);
  g_assert_true (fields.malformed);
  g_assert_cmpuint (strlen (fields.message), ==, deep->len);
  tw_log_fields_clear (&fields);
  g_assert_cmpint (tw_log_format_parse_level (json, deep->str, deep->len), ==, TW_LOG_LEVEL_UNKNOWN);

  /* Nested as deep as the guard allows: read as JSON. */
  g_string_assign (deep, "{\"level\": \"error\", \"message\": \"deep\", \"x\": ");
  for (guint i = 0; i < TW_JSON_MAX_DEPTH - 2; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < TW_JSON_MAX_DEPTH - 2; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  tw_log_format_parse (json, deep->str, deep->len, &fields);
  g_assert_false (fields.malformed);
  g_assert_cmpint (fields.level, ==, TW_LOG_LEVEL_ERROR);
  g_assert_cmpstr (fields.message, ==, "deep");
  tw_log_fields_clear (&fields);

  line = "{\"level\": \"error\", \"message\": \"half \\ud83d a character\"}";
  tw_log_format_parse (json, line, strlen (line), &fields);
  g_assert_true (fields.malformed);
  g_assert_true (g_utf8_validate (fields.message, -1, NULL));
  tw_log_fields_clear (&fields);
}

static void
test_format_errors (void)
{
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;

  g_hash_table_insert (options, (char *) "Kind", (char *) "xml");
  g_assert_null (tw_log_format_new (options, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_clear_error (&error);
  g_hash_table_remove (options, "Kind");
  g_hash_table_insert (options, (char *) "Pattern", (char *) "(?<level>[A-Z");
  g_assert_null (tw_log_format_new (options, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
}

/* Files */

static void
test_plain_follow (TwLogsFixture *f, gconstpointer data)
{
  g_autofree char *path = tw_logs_fixture_write (f, "a.log", "one\ntwo\r\nthree\n", -1);
  g_autoptr(TwLogSource) source = tw_logs_start_source ("a", path, NULL);

  tw_test_wait_until (tw_log_source_get_n_lines (source) == 3, 5000);
  assert_row (source, 1, "two", 0);
  tw_logs_append (path, "four\nfi");
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 4, 5000);
  /* "fi" is being written: not a line yet. */
  tw_logs_append (path, "ve\n");
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 5, 5000);
  assert_row (source, 4, "five", 0);
  g_assert_null (tw_log_source_get_problem (source));
}

/* A change wakes the source at once (inotify): with a 10-minute timer, an appended
 * line and a rename rotation's new file are still read within seconds. */
static void
test_woken_by_change (TwLogsFixture *f, gconstpointer data)
{
  g_autofree char *path = tw_logs_fixture_write (f, "w.log", "one\n", -1);
  g_autofree char *rotated = g_build_filename (f->dir, "w.log.1", NULL);
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(TwLogSource) source = tw_log_source_new ("w", path, options, NULL);

  tw_log_source_set_interval (source, 600000);
  tw_log_source_start (source);
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 1 && !tw_log_source_get_indexing (source), 5000);
  tw_logs_append (path, "two\n");
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 2, 5000);
  assert_row (source, 1, "two", 0);
  g_assert_cmpint (g_rename (path, rotated), ==, 0);
  g_free (tw_logs_fixture_write (f, "w.log", "three\n", -1));
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 3, 5000);
  assert_row (source, 2, "three", 0);
  tw_logs_append (path, "four\n");
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 4, 5000);
  assert_row (source, 3, "four", 0);
}

#define PAD "................................................................................" \
            "......................................................................"

static void
test_large_tail_first (TwLogsFixture *f, gconstpointer data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autoptr(TwLogSource) source = NULL;
  guint n = 40000;

  /* Lines of every length from 45 to 194 bytes: their ends fall at every place of the
   * index's 64-byte scans and its 256 KiB reads. */
  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "2026-12-06 02:30:00,000 - bot - INFO - line %u %.*s\n", i,
                            (int) (i * 37 % 150), PAD);
  path = tw_logs_fixture_write (f, "big.log", text->str, text->len);
  source = tw_logs_start_source ("big", path, NULL);
  tw_test_wait_until (tw_log_source_get_n_lines (source) == n, 10000);
  wait_idle (source);
  g_assert_cmpuint (tw_log_source_get_n_lines (source), ==, n);
  for (guint i = 0; i < n; i += (i < 300 ? 1 : 997))
    {
      g_autofree char *want = g_strdup_printf ("2026-12-06 02:30:00,000 - bot - INFO - line %u %.*s", i,
                                               (int) (i * 37 % 150), PAD);
      assert_row (source, i, want, 0);
    }
  {
    g_autofree char *want = g_strdup_printf ("2026-12-06 02:30:00,000 - bot - INFO - line 39999 %.*s",
                                             (int) (39999u * 37 % 150), PAD);
    assert_row (source, n - 1, want, 0);
  }
  /* 8 bytes a line, in chunks. */
  g_assert_cmpuint (tw_log_source_get_index_memory (source), <=, 16 * n + 2 * TW_LOG_CHUNK_LINES * 8 + 4096);
}

/* The first lines a source signals are its end, the newest, even when its index had
 * gone on to the beginning before the main loop ran: a view's first screen shows the
 * newest lines, the older ones come above (they came first, and the first screen
 * showed the beginning's newest rows with the end's below them). */
typedef struct
{
  TwLogSource *source;
  guint        signals;
  char        *first_last_row;  /* the last row when the first lines came */
} EndFirst;

static void
end_first_inserted_cb (TwLogSource *source, guint position, guint n_added, EndFirst *ef)
{
  if (ef->signals++ == 0)
    ef->first_last_row = tw_log_source_read_line (source, tw_log_source_get_n_lines (source) - 1, NULL);
}

static gboolean
head_indexed (TwLogSource *source)
{
  TwLogSegment *segment = NULL;
  gboolean done = FALSE;

  g_mutex_lock (&source->lock);
  if (source->segments->len > 0)
    segment = g_ptr_array_index (source->segments, 0);
  g_mutex_unlock (&source->lock);
  if (segment != NULL)
    {
      g_mutex_lock (&segment->lock);
      done = segment->head_done && segment->head.n > 0;
      g_mutex_unlock (&segment->lock);
    }
  return done;
}

static void
test_end_signalled_first (TwLogsFixture *f, gconstpointer data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *path = NULL;
  g_autoptr(TwLogSource) source = NULL;
  g_autofree char *last = NULL;
  EndFirst ef = { 0, };
  guint n = 20000;
  gint64 deadline;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "2026-12-06 02:30:00,000 - bot - INFO - line %u\n", i);
  path = tw_logs_fixture_write (f, "end-first.log", text->str, text->len);
  source = tw_log_source_new ("end", path, options, NULL);
  ef.source = source;
  g_signal_connect (source, "lines-inserted", G_CALLBACK (end_first_inserted_cb), &ef);
  /* The whole file indexed in its thread before this thread's main loop runs (the
   * context held meanwhile, as a running main loop holds it). */
  g_assert_true (g_main_context_acquire (NULL));
  tw_log_source_start (source);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!head_indexed (source) && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_main_context_release (NULL);
  g_assert_true (head_indexed (source));
  tw_test_wait_until (tw_log_source_get_n_lines (source) == n, 10000);
  g_assert_cmpuint (tw_log_source_get_n_lines (source), ==, n);
  g_assert_cmpuint (ef.signals, ==, 2);
  g_assert_cmpstr (ef.first_last_row, ==, "2026-12-06 02:30:00,000 - bot - INFO - line 19999");
  last = tw_log_source_read_line (source, 0, NULL);
  g_assert_cmpstr (last, ==, "2026-12-06 02:30:00,000 - bot - INFO - line 0");
  g_signal_handlers_disconnect_by_data (source, &ef);
  tw_log_source_stop (source);
  g_free (ef.first_last_row);
}

static void
test_rename_rotation_cut (TwLogsFixture *f, gconstpointer data)
{
  g_autofree char *path = tw_logs_fixture_write (f, "bot.log", "a\nb\npart", -1);
  g_autofree char *rotated = g_build_filename (f->dir, "bot.log.1", NULL);
  g_autoptr(TwLogSource) source = tw_logs_start_source ("bot", path, NULL);

  tw_test_wait_until (tw_log_source_get_n_lines (source) == 2, 5000);
  g_assert_cmpint (g_rename (path, rotated), ==, 0);
  g_assert_true (g_file_set_contents (path, "c\n", -1, NULL));
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 4, 5000);
  assert_row (source, 0, "a", 0);
  assert_row (source, 2, "part", TW_LOG_LINE_CUT);
  assert_row (source, 3, "c", 0);
  tw_logs_append (path, "d\n");
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 5, 5000);
  assert_row (source, 4, "d", 0);
}

static void
test_copy_truncate (TwLogsFixture *f, gconstpointer data)
{
  g_autofree char *path = tw_logs_fixture_write (f, "api.log", "first line\nsecond\n", -1);
  g_autofree char *copy = g_build_filename (f->dir, "api.log.1", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(TwLogSource) source = tw_logs_start_source ("api", path, NULL);
  FILE *file;

  tw_test_wait_until (tw_log_source_get_n_lines (source) == 2, 5000);
  /* logrotate's copytruncate: copy, then truncate in place, then the writer goes on. */
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_file_set_contents (copy, contents, -1, NULL));
  file = fopen (path, "w");
  fclose (file);
  tw_logs_append (path, "third\n");
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 3, 5000);
  assert_row (source, 0, "first line", 0);
  assert_row (source, 1, "second", 0);
  assert_row (source, 2, "third", 0);
}

static void
test_copy_truncate_lost (TwLogsFixture *f, gconstpointer data)
{
  g_autofree char *path = tw_logs_fixture_write (f, "api.log", "first line\nsecond\n", -1);
  g_autoptr(TwLogSource) source = tw_logs_start_source ("api", path, NULL);
  FILE *file;

  tw_test_wait_until (tw_log_source_get_n_lines (source) == 2, 5000);
  file = fopen (path, "w");
  fclose (file);
  tw_logs_append (path, "x\n");
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 3, 5000);
  /* No copy: the lines are still rows, marked as no longer in the file. */
  assert_row (source, 0, "", TW_LOG_LINE_LOST);
  assert_row (source, 2, "x", 0);
}

static void
test_date_pattern (TwLogsFixture *f, gconstpointer data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today_name = g_date_time_format (now, "trading_%Y%m%d.log");
  g_autofree char *p1 = tw_logs_fixture_write (f, "trading_20200101.log", "old 1\n", -1);
  g_autofree char *p2 = tw_logs_fixture_write (f, "trading_20200102.log", "old 2\nold 2b\n", -1);
  g_autofree char *other = tw_logs_fixture_write (f, "trading_notes.log", "not a day\n", -1);
  g_autofree char *today = tw_logs_fixture_write (f, today_name, "today\n", -1);
  g_autofree char *pattern = g_build_filename (f->dir, "trading_%Y%m%d.log", NULL);
  g_autofree char *current = NULL;
  g_autoptr(TwLogSource) source = tw_logs_start_source ("trading", pattern, NULL);

  tw_test_wait_until (tw_log_source_get_n_lines (source) == 4, 5000);
  wait_idle (source);
  assert_row (source, 0, "old 1", 0);
  assert_row (source, 1, "old 2", 0);
  assert_row (source, 2, "old 2b", 0);
  assert_row (source, 3, "today", 0);
  current = tw_log_source_dup_current_path (source);
  g_assert_cmpstr (current, ==, today);
}

static void
test_vanish_and_return (TwLogsFixture *f, gconstpointer data)
{
  g_autofree char *path = tw_logs_fixture_write (f, "v.log", "kept\n", -1);
  g_autoptr(TwLogSource) source = tw_logs_start_source ("v", path, NULL);

  tw_test_wait_until (tw_log_source_get_n_lines (source) == 1, 5000);
  g_assert_cmpint (g_unlink (path), ==, 0);
  tw_test_wait_until (tw_log_source_get_problem (source) != NULL, 5000);
  g_assert_nonnull (strstr (tw_log_source_get_problem (source), "vanished"));
  assert_row (source, 0, "kept", 0);
  g_assert_true (g_file_set_contents (path, "back\n", -1, NULL));
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 2, 5000);
  tw_test_wait_until (tw_log_source_get_problem (source) == NULL, 5000);
  assert_row (source, 1, "back", 0);
}

static void
test_missing_file (TwLogsFixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "later.log", NULL);
  g_autoptr(TwLogSource) source = tw_logs_start_source ("later", path, NULL);

  tw_test_wait_until (tw_log_source_get_problem (source) != NULL, 5000);
  g_assert_nonnull (strstr (tw_log_source_get_problem (source), "does not exist"));
  g_assert_true (g_file_set_contents (path, "now\n", -1, NULL));
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 1, 5000);
}

static void
test_binary_and_huge (TwLogsFixture *f, gconstpointer data)
{
  static const char binary[] = "ok\n\x01\x02\0\xff\xfe garbage\n";
  gsize huge_len = 10 * 1024 * 1024;
  g_autofree char *huge = g_malloc (huge_len + 1);
  g_autofree char *bin_path = tw_logs_fixture_write (f, "bin.log", binary, sizeof binary - 1);
  g_autofree char *huge_path = NULL;
  g_autoptr(TwLogSource) bin = tw_logs_start_source ("bin", bin_path, NULL);
  g_autoptr(TwLogSource) big = NULL;
  g_autofree char *text = NULL;
  guint flags = 0;

  memset (huge, 'x', huge_len);
  huge[huge_len] = '\n';
  huge_path = tw_logs_fixture_write (f, "huge.log", huge, huge_len + 1);
  big = tw_logs_start_source ("huge", huge_path, NULL);

  tw_test_wait_until (tw_log_source_get_n_lines (bin) == 2, 5000);
  text = row_text (bin, 1, &flags);
  g_assert_true (flags & TW_LOG_LINE_BINARY);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpstr (text, ==, "\\x01\\x02\\x00\\xff\\xfe garbage");
  g_clear_pointer (&text, g_free);

  tw_test_wait_until (tw_log_source_get_n_lines (big) == 1, 10000);
  text = row_text (big, 0, &flags);
  g_assert_true (flags & TW_LOG_LINE_SHORTENED);
  g_assert_cmpuint (strlen (text), ==, TW_LOG_LINE_DISPLAY_MAX);
}

/* Views */

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/logs/format/defaults", test_format_defaults);
  g_test_add_func ("/tw/core/logs/format/errors", test_format_errors);
  g_test_add_func ("/tw/core/logs/format/hostile", test_format_hostile);
#define ADD(path, func) g_test_add (path, TwLogsFixture, NULL, tw_logs_fixture_setup, func, tw_logs_fixture_teardown)
  ADD ("/tw/core/logs/file/follow", test_plain_follow);
  ADD ("/tw/core/logs/file/woken-by-change", test_woken_by_change);
  ADD ("/tw/core/logs/file/tail-first", test_large_tail_first);
  ADD ("/tw/core/logs/file/end-signalled-first", test_end_signalled_first);
  ADD ("/tw/core/logs/file/rename-rotation-cut", test_rename_rotation_cut);
  ADD ("/tw/core/logs/file/copy-truncate", test_copy_truncate);
  ADD ("/tw/core/logs/file/copy-truncate-lost", test_copy_truncate_lost);
  ADD ("/tw/core/logs/file/date-pattern", test_date_pattern);
  ADD ("/tw/core/logs/file/vanish", test_vanish_and_return);
  ADD ("/tw/core/logs/file/missing", test_missing_file);
  ADD ("/tw/core/logs/file/binary-and-huge", test_binary_and_huge);
  return g_test_run ();
}
