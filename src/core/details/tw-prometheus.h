/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The Prometheus text exposition format (version 0.0.4): "# HELP", "# TYPE",
 * comments, samples `name{label="value",…} value [timestamp_ms]`, label values with
 * the escapes \\ \" \n, values NaN, +Inf, -Inf. */

typedef enum
{
  TW_METRIC_UNTYPED,
  TW_METRIC_COUNTER,
  TW_METRIC_GAUGE,
  TW_METRIC_HISTOGRAM,
  TW_METRIC_SUMMARY,
} TwMetricType;

typedef struct
{
  char *name;
  char *value;        /* unescaped */
} TwMetricLabel;

typedef struct
{
  char      *name;           /* the sample's own name: foo_bucket, foo_sum… */
  GPtrArray *labels;         /* (element-type TwMetricLabel) in the order written */
  double     value;
  gboolean   has_timestamp;
  gint64     timestamp_ms;
} TwMetricSample;

typedef struct
{
  char         *name;        /* the family: foo for foo_bucket, foo_sum, foo_count */
  char         *help;        /* unescaped, nullable */
  TwMetricType  type;
  GPtrArray    *samples;     /* (element-type TwMetricSample) */
} TwMetricFamily;

/* Parses a whole exposition. Returns (transfer full) (element-type TwMetricFamily) the
 * families in the order they first appear, or NULL and an error naming the line and
 * what is wrong with it (TW_ERROR_BAD_RESPONSE): a line cut short, a bad value, a
 * second TYPE, a sample whose family was declared elsewhere… */
GPtrArray      *tw_prometheus_parse          (const char            *text,
                                              gssize                 length,
                                              GError               **error);
const char     *tw_metric_type_to_string     (TwMetricType           type);
/* The value of the label @name of @sample, NULL when it has none. */
const char     *tw_metric_sample_get_label   (const TwMetricSample  *sample,
                                              const char            *name);
/* The labels other than @except ("le", "quantile"), as `a="x", b="y"` ("" when none). */
char           *tw_metric_sample_format_labels (const TwMetricSample *sample,
                                                const char           *except);
/* (nullable) (transfer none) the family named @name. */
TwMetricFamily *tw_metric_families_find      (GPtrArray             *families,
                                              const char            *name);
/* Sum of the samples named @family's name (counters, gauges, untyped), of its _sum
 * (histograms, summaries) with @suffix "_sum", or its _count with "_count". FALSE when
 * the family has no such sample. */
gboolean        tw_metric_family_sum         (const TwMetricFamily  *family,
                                              const char            *suffix,
                                              double                *value);
/* The @q quantile (0 < q < 1): a summary's own (the first series that has it); a
 * histogram's estimated from its buckets summed over its series, interpolated within
 * the bucket as Prometheus's histogram_quantile() does. FALSE when neither applies. */
gboolean        tw_metric_family_quantile    (const TwMetricFamily  *family,
                                              double                 q,
                                              double                *value);
/* A number as the exposition writes it: NaN, +Inf, -Inf, else %g. */
char           *tw_metric_format_value       (double                 value);

G_END_DECLS
