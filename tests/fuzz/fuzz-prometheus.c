/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "tw-prometheus.h"
#include "tw-fuzz.h"

/* A service's Prometheus text exposition (003's /api/v1/metrics): the parser, then
 * everything a service page computes and shows of it. */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  tw_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) families = NULL;
  g_autoptr(GError) error = NULL;

  families = tw_prometheus_parse ((const char *) data, size, &error);
  if (families == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  g_assert_no_error (error);

  for (guint i = 0; i < families->len; i++)
    {
      TwMetricFamily *family = g_ptr_array_index (families, i);
      static const double qs[] = { 0.5, 0.9, 0.95, 0.99 };
      double value;

      g_assert_true (tw_metric_families_find (families, family->name) == family);
      g_assert_nonnull (tw_metric_type_to_string (family->type));
      tw_metric_family_sum (family, NULL, &value);
      tw_metric_family_sum (family, "_sum", &value);
      tw_metric_family_sum (family, "_count", &value);
      for (guint q = 0; q < G_N_ELEMENTS (qs); q++)
        if (tw_metric_family_quantile (family, qs[q], &value))
          {
            g_autofree char *text = tw_metric_format_value (value);

            g_assert_nonnull (text);
          }
      for (guint s = 0; s < family->samples->len; s++)
        {
          TwMetricSample *sample = g_ptr_array_index (family->samples, s);
          g_autofree char *labels = tw_metric_sample_format_labels (sample, "le");
          g_autofree char *text = tw_metric_format_value (sample->value);

          g_assert_true (g_utf8_validate (labels, -1, NULL));
          g_assert_nonnull (text);
          tw_metric_sample_get_label (sample, "quantile");
        }
    }
  return 0;
}
