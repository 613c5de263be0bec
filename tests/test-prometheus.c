/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "tw-error.h"
#include "tw-prometheus.h"

/* The text exposition format's own edge cases, as Prometheus documents them. */

static GPtrArray *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *families = tw_prometheus_parse (text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (families);
  return families;
}

static TwMetricSample *
sample_at (GPtrArray *families, const char *family, guint i)
{
  TwMetricFamily *f = tw_metric_families_find (families, family);

  g_assert_nonnull (f);
  g_assert_cmpuint (i, <, f->samples->len);
  return g_ptr_array_index (f->samples, i);
}

/* 003's metrics as its runbook names them: HELP, TYPE, labels. */
static void
test_counter_help_type (void)
{
  g_autoptr(GPtrArray) families = parse_ok (
    "# HELP ibkr_proposal_total Total number of proposals\n"
    "# TYPE ibkr_proposal_total counter\n"
    "ibkr_proposal_total{symbol=\"AAPL\",state=\"PENDING\"} 0\n"
    "ibkr_proposal_total{symbol=\"MSFT\",state=\"FILLED\"} 3\n"
    "# a plain comment\n"
    "\n"
    "# TYPE ibkr_daily_pnl_usd gauge\n"
    "ibkr_daily_pnl_usd -125.5\n");
  TwMetricFamily *proposals = tw_metric_families_find (families, "ibkr_proposal_total");
  TwMetricFamily *pnl = tw_metric_families_find (families, "ibkr_daily_pnl_usd");
  double sum = 0;

  g_assert_cmpuint (families->len, ==, 2);
  g_assert_cmpstr (proposals->help, ==, "Total number of proposals");
  g_assert_cmpint (proposals->type, ==, TW_METRIC_COUNTER);
  g_assert_cmpuint (proposals->samples->len, ==, 2);
  g_assert_cmpstr (tw_metric_sample_get_label (sample_at (families, "ibkr_proposal_total", 1), "state"), ==, "FILLED");
  g_assert_true (tw_metric_family_sum (proposals, NULL, &sum));
  g_assert_cmpfloat (sum, ==, 3);
  g_assert_cmpint (pnl->type, ==, TW_METRIC_GAUGE);
  g_assert_null (pnl->help);
  g_assert_cmpfloat (sample_at (families, "ibkr_daily_pnl_usd", 0)->value, ==, -125.5);
}

static void
test_label_escapes (void)
{
  g_autoptr(GPtrArray) families = parse_ok (
    "# HELP msg A help with a \\\\ backslash and a\\nnew line\n"
    "msg{path=\"C:\\\\dir\\\\file\",quote=\"say \\\"hi\\\"\",nl=\"a\\nb\",brace=\"}{,=\",} 1\n");
  TwMetricSample *s = sample_at (families, "msg", 0);
  g_autofree char *shown = tw_metric_sample_format_labels (s, "nl");

  g_assert_cmpstr (tw_metric_families_find (families, "msg")->help, ==,
                   "A help with a \\ backslash and a\nnew line");
  g_assert_cmpstr (tw_metric_sample_get_label (s, "path"), ==, "C:\\dir\\file");
  g_assert_cmpstr (tw_metric_sample_get_label (s, "quote"), ==, "say \"hi\"");
  g_assert_cmpstr (tw_metric_sample_get_label (s, "nl"), ==, "a\nb");
  g_assert_cmpstr (tw_metric_sample_get_label (s, "brace"), ==, "}{,=");
  g_assert_cmpstr (shown, ==, "path=\"C:\\\\dir\\\\file\", quote=\"say \\\"hi\\\"\", brace=\"}{,=\"");
}

static void
test_special_values_timestamps (void)
{
  g_autoptr(GPtrArray) families = parse_ok (
    "a NaN\n"
    "b +Inf 1700000000000\n"
    "c -Inf\n"
    "d 1.5e3   -42\n"
    "e{} 7\r\n"
    "  f\t2\n"
    "g 3");   /* a complete last line without its newline */

  g_assert_true (isnan (sample_at (families, "a", 0)->value));
  g_assert_true (isinf (sample_at (families, "b", 0)->value) && sample_at (families, "b", 0)->value > 0);
  g_assert_true (sample_at (families, "b", 0)->has_timestamp);
  g_assert_cmpint (sample_at (families, "b", 0)->timestamp_ms, ==, G_GINT64_CONSTANT (1700000000000));
  g_assert_true (isinf (sample_at (families, "c", 0)->value) && sample_at (families, "c", 0)->value < 0);
  g_assert_false (sample_at (families, "c", 0)->has_timestamp);
  g_assert_cmpfloat (sample_at (families, "d", 0)->value, ==, 1500);
  g_assert_cmpint (sample_at (families, "d", 0)->timestamp_ms, ==, -42);
  g_assert_cmpfloat (sample_at (families, "e", 0)->value, ==, 7);
  g_assert_cmpfloat (sample_at (families, "f", 0)->value, ==, 2);
  g_assert_cmpfloat (sample_at (families, "g", 0)->value, ==, 3);
  g_assert_cmpint (tw_metric_families_find (families, "a")->type, ==, TW_METRIC_UNTYPED);
}

static void
test_histogram (void)
{
  g_autoptr(GPtrArray) families = parse_ok (
    "# HELP ibkr_submission_latency_seconds Order submission latency\n"
    "# TYPE ibkr_submission_latency_seconds histogram\n"
    "ibkr_submission_latency_seconds_bucket{le=\"0.1\"} 50\n"
    "ibkr_submission_latency_seconds_bucket{le=\"0.5\"} 90\n"
    "ibkr_submission_latency_seconds_bucket{le=\"1\"} 95\n"
    "ibkr_submission_latency_seconds_bucket{le=\"5\"} 100\n"
    "ibkr_submission_latency_seconds_bucket{le=\"+Inf\"} 100\n"
    "ibkr_submission_latency_seconds_sum 31.5\n"
    "ibkr_submission_latency_seconds_count 100\n");
  TwMetricFamily *f = tw_metric_families_find (families, "ibkr_submission_latency_seconds");
  double value = 0;

  g_assert_cmpuint (families->len, ==, 1);
  g_assert_cmpint (f->type, ==, TW_METRIC_HISTOGRAM);
  g_assert_cmpuint (f->samples->len, ==, 7);
  g_assert_true (tw_metric_family_sum (f, "_count", &value));
  g_assert_cmpfloat (value, ==, 100);
  g_assert_true (tw_metric_family_sum (f, "_sum", &value));
  g_assert_cmpfloat (value, ==, 31.5);
  /* 50th of 100: the end of the first bucket; 95th: the end of le=1; 99th: inside le=5. */
  g_assert_true (tw_metric_family_quantile (f, 0.5, &value));
  g_assert_cmpfloat_with_epsilon (value, 0.1, 1e-9);
  g_assert_true (tw_metric_family_quantile (f, 0.95, &value));
  g_assert_cmpfloat_with_epsilon (value, 1.0, 1e-9);
  g_assert_true (tw_metric_family_quantile (f, 0.99, &value));
  g_assert_cmpfloat_with_epsilon (value, 1.0 + 4.0 * 4.0 / 5.0, 1e-9);
  g_assert_true (tw_metric_family_quantile (f, 0.7, &value));
  g_assert_cmpfloat_with_epsilon (value, 0.1 + 0.4 * 20.0 / 40.0, 1e-9);
}

static void
test_summary (void)
{
  g_autoptr(GPtrArray) families = parse_ok (
    "# TYPE ibkr_fill_latency_seconds summary\n"
    "ibkr_fill_latency_seconds{quantile=\"0.5\"} 0.2\n"
    "ibkr_fill_latency_seconds{quantile=\"0.95\"} 1.2\n"
    "ibkr_fill_latency_seconds{quantile=\"0.99\"} NaN\n"
    "ibkr_fill_latency_seconds_sum 12\n"
    "ibkr_fill_latency_seconds_count 40\n");
  TwMetricFamily *f = tw_metric_families_find (families, "ibkr_fill_latency_seconds");
  double value = 0;

  g_assert_cmpuint (families->len, ==, 1);
  g_assert_cmpint (f->type, ==, TW_METRIC_SUMMARY);
  g_assert_true (tw_metric_family_quantile (f, 0.95, &value));
  g_assert_cmpfloat (value, ==, 1.2);
  g_assert_true (tw_metric_family_quantile (f, 0.99, &value));
  g_assert_true (isnan (value));
  g_assert_false (tw_metric_family_quantile (f, 0.9, &value));
  g_assert_true (tw_metric_family_sum (f, "_count", &value));
  g_assert_cmpfloat (value, ==, 40);
}

static void
assert_refused (const char *text,
                const char *line,
                const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) families = tw_prometheus_parse (text, -1, &error);

  g_assert_null (families);
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, line));
  g_assert_nonnull (strstr (error->message, words));
}

static void
test_refused (void)
{
  /* A body cut short in the middle of a line: the line number and what is missing. */
  assert_refused ("a 1\nb{x=\"1\"} 2\nc{x=\"tru", "line 3", "not closed");
  assert_refused ("a 1\nb{x=\"1\"", "line 2", "not closed");
  assert_refused ("a 1\nb{x=\"1\"}", "line 2", "has no value");
  assert_refused ("a 1\nb", "line 2", "has no value");
  assert_refused ("a one\n", "line 1", "not a number");
  assert_refused ("a 1 12.5\n", "line 1", "not a timestamp");
  assert_refused ("a 1 2 3\n", "line 1", "more than");
  assert_refused ("a{x=1} 1\n", "line 1", "not in quotes");
  assert_refused ("a{x=\"\\t\"} 1\n", "line 1", "unknown escape");
  assert_refused ("a{x=\"1\",x=\"2\"} 1\n", "line 1", "twice");
  assert_refused ("# TYPE a gauge\n# TYPE a counter\n", "line 2", "second TYPE");
  assert_refused ("# TYPE a meter\n", "line 1", "not a metric type");
  assert_refused ("a 1\n# TYPE a gauge\n", "line 2", "after its samples");
  assert_refused ("a 1\nb 2\na 3\n", "line 3", "not all together");
  assert_refused ("# TYPE h histogram\nh_bucket 1\n", "line 2", "no “le”");
  assert_refused ("# TYPE h histogram\nh_bucket{le=\"x\"} 1\n", "line 2", "not a number");
  assert_refused ("9a 1\n", "line 1", "metric name");
}

static void
test_not_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) families = tw_prometheus_parse ("a 1\0b 2", 7, &error);

  g_assert_null (families);
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_clear_error (&error);
  g_assert_null (tw_prometheus_parse ("a 1\n\xff\xfe 2\n", -1, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_clear_pointer (&families, g_ptr_array_unref);
  families = tw_prometheus_parse ("", 0, &error);
}

static void
test_format_value (void)
{
  g_autofree char *nan = tw_metric_format_value (NAN);
  g_autofree char *inf = tw_metric_format_value (INFINITY);
  g_autofree char *ninf = tw_metric_format_value (-INFINITY);
  g_autofree char *num = tw_metric_format_value (0.25);

  g_assert_cmpstr (nan, ==, "NaN");
  g_assert_cmpstr (inf, ==, "+Inf");
  g_assert_cmpstr (ninf, ==, "-Inf");
  g_assert_cmpstr (num, ==, "0.25");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/prometheus/counter-help-type", test_counter_help_type);
  g_test_add_func ("/tw/core/prometheus/label-escapes", test_label_escapes);
  g_test_add_func ("/tw/core/prometheus/special-values-timestamps", test_special_values_timestamps);
  g_test_add_func ("/tw/core/prometheus/histogram", test_histogram);
  g_test_add_func ("/tw/core/prometheus/summary", test_summary);
  g_test_add_func ("/tw/core/prometheus/refused", test_refused);
  g_test_add_func ("/tw/core/prometheus/not-text", test_not_text);
  g_test_add_func ("/tw/core/prometheus/format-value", test_format_value);

  return g_test_run ();
}
