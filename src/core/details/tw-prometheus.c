/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "tw-error.h"
#include "tw-prometheus.h"

/* A parser for the text exposition format as Prometheus's own (expfmt) reads it:
 * line by line; "#" lines are HELP, TYPE or comments; a sample is a metric name, an
 * optional label set, a value and an optional timestamp in milliseconds. A line that
 * stops in the middle (a body cut short) is an error naming its number, never a
 * sample with a made-up value. */

static void
label_free (gpointer data)
{
  TwMetricLabel *label = data;

  g_free (label->name);
  g_free (label->value);
  g_free (label);
}

static void
sample_free (gpointer data)
{
  TwMetricSample *sample = data;

  g_free (sample->name);
  g_ptr_array_unref (sample->labels);
  g_free (sample);
}

static void
family_free (gpointer data)
{
  TwMetricFamily *family = data;

  g_free (family->name);
  g_free (family->help);
  g_ptr_array_unref (family->samples);
  g_free (family);
}

static TwMetricFamily *
family_new (const char *name)
{
  TwMetricFamily *family = g_new0 (TwMetricFamily, 1);

  family->name = g_strdup (name);
  family->type = TW_METRIC_UNTYPED;
  family->samples = g_ptr_array_new_with_free_func (sample_free);
  return family;
}

typedef struct
{
  const char *p;
  const char *end;
  guint       line;
  GPtrArray  *families;      /* TwMetricFamily */
  GHashTable *by_name;       /* family name → TwMetricFamily (unowned) */
  GHashTable *closed;        /* families whose samples ended: a later one is an error */
  TwMetricFamily *current;   /* the family of the previous line */
} Parser;

static gboolean G_GNUC_PRINTF (3, 4)
fail (Parser     *parser,
      GError    **error,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
               _("The metrics could not be read: line %u: %s"), parser->line, message);
  return FALSE;
}

static gboolean
is_name_start (char c, gboolean colon)
{
  return g_ascii_isalpha (c) || c == '_' || (colon && c == ':');
}

static gboolean
is_name_char (char c, gboolean colon)
{
  return g_ascii_isalnum (c) || c == '_' || (colon && c == ':');
}

static void
skip_blanks (const char **p, const char *end)
{
  while (*p < end && (**p == ' ' || **p == '\t'))
    (*p)++;
}

/* A metric name (colons allowed) or a label name (not). NULL when none starts at *p. */
static char *
read_name (const char **p, const char *end, gboolean colon)
{
  const char *start = *p;

  if (*p >= end || !is_name_start (**p, colon))
    return NULL;
  while (*p < end && is_name_char (**p, colon))
    (*p)++;
  return g_strndup (start, *p - start);
}

static gboolean
parse_float (const char *text,
             double     *value)
{
  g_autofree char *lower = g_ascii_strdown (text, -1);
  const char *s = lower;
  char *rest = NULL;
  gboolean negative = FALSE;

  if (*s == '+' || *s == '-')
    {
      negative = *s == '-';
      s++;
    }
  if (g_str_equal (s, "nan"))
    {
      *value = NAN;
      return TRUE;
    }
  if (g_str_equal (s, "inf") || g_str_equal (s, "infinity"))
    {
      *value = negative ? -INFINITY : INFINITY;
      return TRUE;
    }
  if (*text == '\0')
    return FALSE;
  *value = g_ascii_strtod (text, &rest);
  return rest != NULL && *rest == '\0' && rest != text;
}

static TwMetricFamily *
lookup_family (Parser     *parser,
               const char *name)
{
  TwMetricFamily *family = g_hash_table_lookup (parser->by_name, name);

  if (family == NULL)
    {
      family = family_new (name);
      g_ptr_array_add (parser->families, family);
      g_hash_table_insert (parser->by_name, family->name, family);
    }
  return family;
}

/* The family a sample belongs to: foo_bucket, foo_sum and foo_count belong to a
 * histogram foo; foo_sum and foo_count to a summary foo; anything else to itself. */
static TwMetricFamily *
family_of_sample (Parser     *parser,
                  const char *name)
{
  static const char * const suffixes[] = { "_bucket", "_sum", "_count", NULL };

  for (guint i = 0; suffixes[i] != NULL; i++)
    if (g_str_has_suffix (name, suffixes[i]))
      {
        g_autofree char *base = g_strndup (name, strlen (name) - strlen (suffixes[i]));
        TwMetricFamily *family = g_hash_table_lookup (parser->by_name, base);

        if (family != NULL &&
            (family->type == TW_METRIC_HISTOGRAM ||
             (family->type == TW_METRIC_SUMMARY && i > 0)))
          return family;
      }
  return lookup_family (parser, name);
}

/* Moving to another family closes the previous one: the format keeps a family's
 * samples together. */
static gboolean
enter_family (Parser          *parser,
              TwMetricFamily  *family,
              GError         **error)
{
  if (parser->current == family)
    return TRUE;
  if (g_hash_table_contains (parser->closed, family->name))
    return fail (parser, error, _("the samples of “%s” are not all together"), family->name);
  if (parser->current != NULL)
    g_hash_table_add (parser->closed, g_strdup (parser->current->name));
  parser->current = family;
  return TRUE;
}

static char *
unescape (const char  *start,
          const char  *end,
          gboolean     quotes)
{
  GString *out = g_string_sized_new (end - start);

  for (const char *p = start; p < end; p++)
    {
      if (*p == '\\' && p + 1 < end)
        {
          p++;
          if (*p == 'n')
            g_string_append_c (out, '\n');
          else if (*p == '\\' || (quotes && *p == '"'))
            g_string_append_c (out, *p);
          else
            {
              g_string_append_c (out, '\\');
              g_string_append_c (out, *p);
            }
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static gboolean
parse_comment (Parser      *parser,
               const char  *p,
               const char  *end,
               GError     **error)
{
  g_autofree char *keyword = NULL;
  g_autofree char *name = NULL;
  TwMetricFamily *family;

  p++;  /* '#' */
  skip_blanks (&p, end);
  keyword = read_name (&p, end, FALSE);
  if (keyword == NULL || (!g_str_equal (keyword, "HELP") && !g_str_equal (keyword, "TYPE")))
    return TRUE;  /* a comment */
  if (p < end && *p != ' ' && *p != '\t')
    return TRUE;  /* "# HELPER …" is a comment too */
  skip_blanks (&p, end);
  name = read_name (&p, end, TRUE);
  if (name == NULL)
    return fail (parser, error, _("“# %s” names no metric"), keyword);
  if (p < end && *p != ' ' && *p != '\t')
    return fail (parser, error, _("“# %s %s” is followed by “%c”"), keyword, name, *p);
  skip_blanks (&p, end);

  family = lookup_family (parser, name);
  if (!enter_family (parser, family, error))
    return FALSE;

  if (g_str_equal (keyword, "HELP"))
    {
      if (family->help != NULL)
        return fail (parser, error, _("a second HELP for “%s”"), name);
      family->help = unescape (p, end, FALSE);
      return TRUE;
    }

  {
    static const char * const types[] = { "untyped", "counter", "gauge", "histogram", "summary", NULL };
    g_autofree char *word = g_strstrip (g_strndup (p, end - p));
    guint i;

    for (i = 0; types[i] != NULL; i++)
      if (g_str_equal (word, types[i]))
        break;
    if (types[i] == NULL)
      return fail (parser, error, _("“%s” is not a metric type (counter, gauge, histogram, summary, untyped)"),
                   word);
    if (family->samples->len > 0)
      return fail (parser, error, _("the TYPE of “%s” comes after its samples"), name);
    if (family->type != TW_METRIC_UNTYPED)
      return fail (parser, error, _("a second TYPE for “%s”"), name);
    family->type = (TwMetricType) i;
  }
  return TRUE;
}

static gboolean
parse_labels (Parser      *parser,
              const char **pp,
              const char  *end,
              GPtrArray   *labels,
              GError     **error)
{
  const char *p = *pp + 1;  /* '{' */

  for (;;)
    {
      g_autofree char *name = NULL;
      TwMetricLabel *label;
      const char *start;

      skip_blanks (&p, end);
      if (p >= end)
        return fail (parser, error, _("the labels are not closed with “}” (the answer may be cut short)"));
      if (*p == '}')
        break;
      name = read_name (&p, end, FALSE);
      if (name == NULL)
        return fail (parser, error, _("a label name is expected, not “%c”"), *p);
      skip_blanks (&p, end);
      if (p >= end || *p != '=')
        return fail (parser, error, _("the label “%s” has no “=”"), name);
      p++;
      skip_blanks (&p, end);
      if (p >= end || *p != '"')
        return fail (parser, error, _("the value of the label “%s” is not in quotes"), name);
      start = ++p;
      while (p < end && *p != '"')
        {
          if (*p == '\\')
            {
              if (p + 1 >= end)
                break;
              if (p[1] != '\\' && p[1] != '"' && p[1] != 'n')
                return fail (parser, error, _("the value of the label “%s” has an unknown escape “\\%c”"),
                             name, p[1]);
              p++;
            }
          p++;
        }
      if (p >= end)
        return fail (parser, error, _("the value of the label “%s” is not closed (the answer may be cut short)"),
                     name);
      for (guint i = 0; i < labels->len; i++)
        if (g_str_equal (((TwMetricLabel *) g_ptr_array_index (labels, i))->name, name))
          return fail (parser, error, _("the label “%s” is given twice"), name);
      label = g_new0 (TwMetricLabel, 1);
      label->name = g_steal_pointer (&name);
      label->value = unescape (start, p, TRUE);
      g_ptr_array_add (labels, label);
      p++;  /* closing quote */
      skip_blanks (&p, end);
      if (p < end && *p == ',')
        {
          p++;
          continue;
        }
      if (p < end && *p == '}')
        break;
      if (p >= end)
        return fail (parser, error, _("the labels are not closed with “}” (the answer may be cut short)"));
      return fail (parser, error, _("“,” or “}” is expected after a label, not “%c”"), *p);
    }
  *pp = p + 1;
  return TRUE;
}

static gboolean
parse_sample (Parser      *parser,
              const char  *p,
              const char  *end,
              GError     **error)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (label_free);
  g_autofree char *name = read_name (&p, end, TRUE);
  g_auto(GStrv) words = NULL;
  g_autofree char *rest = NULL;
  TwMetricFamily *family;
  TwMetricSample *sample;
  double value;
  guint n_words;

  if (name == NULL)
    return fail (parser, error, _("a metric name is expected, not “%c”"), *p);
  {
    const char *after_name = p;

    skip_blanks (&p, end);
    if (p < end && *p == '{')
      {
        if (!parse_labels (parser, &p, end, labels, error))
          return FALSE;
        if (p < end && *p != ' ' && *p != '\t')
          return fail (parser, error, _("“%s” is followed by “%c”"), name, *p);
      }
    else if (p == after_name && p < end)
      return fail (parser, error, _("“%s” is followed by “%c”"), name, *p);
  }

  rest = g_strstrip (g_strndup (p, end - p));
  words = g_strsplit_set (rest, " \t", -1);
  n_words = 0;
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      words[n_words++] = words[i];
    else
      g_free (words[i]);
  words[n_words] = NULL;

  if (n_words == 0)
    return fail (parser, error, _("the sample “%s” has no value (the answer may be cut short)"), name);
  if (n_words > 2)
    return fail (parser, error, _("the sample “%s” has more than a value and a timestamp"), name);
  if (!parse_float (words[0], &value))
    return fail (parser, error, _("“%s” is not a number (the value of “%s”)"), words[0], name);

  family = family_of_sample (parser, name);
  if (!enter_family (parser, family, error))
    return FALSE;

  if (family->type == TW_METRIC_HISTOGRAM && g_str_has_suffix (name, "_bucket"))
    {
      gboolean has_le = FALSE;

      for (guint i = 0; i < labels->len; i++)
        {
          TwMetricLabel *label = g_ptr_array_index (labels, i);
          double le;

          if (g_str_equal (label->name, "le"))
            {
              if (!parse_float (label->value, &le))
                return fail (parser, error, _("the bucket bound le=\"%s\" of “%s” is not a number"),
                             label->value, name);
              has_le = TRUE;
            }
        }
      if (!has_le)
        return fail (parser, error, _("the bucket “%s” has no “le” label"), name);
    }

  sample = g_new0 (TwMetricSample, 1);
  sample->name = g_steal_pointer (&name);
  sample->labels = g_steal_pointer (&labels);
  sample->value = value;
  if (n_words == 2)
    {
      char *endp = NULL;
      gint64 ts = g_ascii_strtoll (words[1], &endp, 10);

      if (endp == NULL || *endp != '\0' || endp == words[1])
        {
          sample_free (sample);
          return fail (parser, error, _("“%s” is not a timestamp in milliseconds"), words[1]);
        }
      sample->has_timestamp = TRUE;
      sample->timestamp_ms = ts;
    }
  g_ptr_array_add (family->samples, sample);
  return TRUE;
}

/**
 * tw_prometheus_parse:
 *
 * Returns: (transfer full) (element-type TwMetricFamily): the families, or NULL and @error
 */
GPtrArray *
tw_prometheus_parse (const char  *text,
                     gssize       length,
                     GError     **error)
{
  g_autoptr(GPtrArray) families = g_ptr_array_new_with_free_func (family_free);
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) closed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Parser parser = { 0 };

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  if (length < 0)
    length = strlen (text);
  parser.p = text;
  parser.end = text + length;
  parser.families = families;
  parser.by_name = by_name;
  parser.closed = closed;

  if (memchr (text, '\0', length) != NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                   _("The metrics could not be read: the answer holds a NUL byte"));
      return NULL;
    }
  if (!g_utf8_validate (text, length, NULL))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                   _("The metrics could not be read: the answer is not UTF-8 text"));
      return NULL;
    }

  while (parser.p < parser.end)
    {
      const char *eol = memchr (parser.p, '\n', parser.end - parser.p);
      const char *line_end = eol != NULL ? eol : parser.end;
      const char *p = parser.p;

      parser.line++;
      if (line_end > p && line_end[-1] == '\r')
        line_end--;
      skip_blanks (&p, line_end);
      if (p < line_end)
        {
          gboolean ok = *p == '#' ? parse_comment (&parser, p, line_end, error)
                                  : parse_sample (&parser, p, line_end, error);
          if (!ok)
            return NULL;
        }
      parser.p = eol != NULL ? eol + 1 : parser.end;
    }

  return g_steal_pointer (&families);
}

const char *
tw_metric_type_to_string (TwMetricType type)
{
  switch (type)
    {
    case TW_METRIC_COUNTER:   return "counter";
    case TW_METRIC_GAUGE:     return "gauge";
    case TW_METRIC_HISTOGRAM: return "histogram";
    case TW_METRIC_SUMMARY:   return "summary";
    case TW_METRIC_UNTYPED:
    default:                  return "untyped";
    }
}

const char *
tw_metric_sample_get_label (const TwMetricSample *sample,
                            const char           *name)
{
  g_return_val_if_fail (sample != NULL, NULL);

  for (guint i = 0; i < sample->labels->len; i++)
    {
      TwMetricLabel *label = g_ptr_array_index (sample->labels, i);

      if (g_str_equal (label->name, name))
        return label->value;
    }
  return NULL;
}

char *
tw_metric_sample_format_labels (const TwMetricSample *sample,
                                const char           *except)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < sample->labels->len; i++)
    {
      TwMetricLabel *label = g_ptr_array_index (sample->labels, i);
      g_autofree char *shown = g_strescape (label->value, NULL);

      if (except != NULL && g_str_equal (label->name, except))
        continue;
      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append_printf (out, "%s=\"%s\"", label->name, shown);
    }
  return g_string_free (out, FALSE);
}

TwMetricFamily *
tw_metric_families_find (GPtrArray  *families,
                         const char *name)
{
  g_return_val_if_fail (families != NULL, NULL);

  for (guint i = 0; i < families->len; i++)
    {
      TwMetricFamily *family = g_ptr_array_index (families, i);

      if (g_str_equal (family->name, name))
        return family;
    }
  return NULL;
}

gboolean
tw_metric_family_sum (const TwMetricFamily *family,
                      const char           *suffix,
                      double               *value)
{
  g_autofree char *wanted = g_strconcat (family->name, suffix != NULL ? suffix : "", NULL);
  gboolean found = FALSE;
  double sum = 0;

  for (guint i = 0; i < family->samples->len; i++)
    {
      TwMetricSample *sample = g_ptr_array_index (family->samples, i);

      if (g_str_equal (sample->name, wanted))
        {
          sum += sample->value;
          found = TRUE;
        }
    }
  if (found)
    *value = sum;
  return found;
}

typedef struct
{
  double le;
  double count;
} Bucket;

static int
compare_buckets (gconstpointer a,
                 gconstpointer b)
{
  const Bucket *x = a, *y = b;

  return x->le < y->le ? -1 : x->le > y->le ? 1 : 0;
}

static gboolean
histogram_quantile (const TwMetricFamily *family,
                    double                q,
                    double               *value)
{
  g_autofree char *wanted = g_strconcat (family->name, "_bucket", NULL);
  g_autoptr(GArray) buckets = g_array_new (FALSE, FALSE, sizeof (Bucket));
  double rank, previous_le = 0, previous_count = 0;
  Bucket *last;

  /* Sum the series bound by bound (histogram_quantile over sum by (le)). */
  for (guint i = 0; i < family->samples->len; i++)
    {
      TwMetricSample *sample = g_ptr_array_index (family->samples, i);
      const char *le_text;
      double le;
      guint j;

      if (!g_str_equal (sample->name, wanted) ||
          (le_text = tw_metric_sample_get_label (sample, "le")) == NULL ||
          !parse_float (le_text, &le) || isnan (sample->value))
        continue;
      for (j = 0; j < buckets->len; j++)
        if (g_array_index (buckets, Bucket, j).le == le)
          break;
      if (j < buckets->len)
        g_array_index (buckets, Bucket, j).count += sample->value;
      else
        g_array_append_val (buckets, ((Bucket) { le, sample->value }));
    }
  if (buckets->len < 2)
    return FALSE;
  g_array_sort (buckets, compare_buckets);
  last = &g_array_index (buckets, Bucket, buckets->len - 1);
  if (!isinf (last->le) || last->count <= 0)
    return FALSE;

  rank = q * last->count;
  for (guint i = 0; i < buckets->len; i++)
    {
      Bucket *b = &g_array_index (buckets, Bucket, i);

      if (b->count >= rank)
        {
          if (isinf (b->le))
            {
              /* In the +Inf bucket: the highest finite bound, as Prometheus answers. */
              *value = g_array_index (buckets, Bucket, buckets->len - 2).le;
              return TRUE;
            }
          if (i == 0 && b->le <= 0)
            {
              *value = b->le;
              return TRUE;
            }
          if (b->count == previous_count)
            *value = b->le;
          else
            *value = previous_le + (b->le - previous_le) * (rank - previous_count) / (b->count - previous_count);
          return TRUE;
        }
      previous_le = b->le;
      previous_count = b->count;
    }
  return FALSE;
}

gboolean
tw_metric_family_quantile (const TwMetricFamily *family,
                           double                q,
                           double               *value)
{
  g_return_val_if_fail (family != NULL, FALSE);

  if (family->type == TW_METRIC_HISTOGRAM)
    return histogram_quantile (family, q, value);

  if (family->type == TW_METRIC_SUMMARY)
    for (guint i = 0; i < family->samples->len; i++)
      {
        TwMetricSample *sample = g_ptr_array_index (family->samples, i);
        const char *text = tw_metric_sample_get_label (sample, "quantile");
        double sample_q;

        if (text != NULL && g_str_equal (sample->name, family->name) &&
            parse_float (text, &sample_q) && fabs (sample_q - q) < 1e-9)
          {
            *value = sample->value;
            return TRUE;
          }
      }
  return FALSE;
}

char *
tw_metric_format_value (double value)
{
  if (isnan (value))
    return g_strdup ("NaN");
  if (isinf (value))
    return g_strdup (value > 0 ? "+Inf" : "-Inf");
  return g_strdup_printf ("%g", value);
}
