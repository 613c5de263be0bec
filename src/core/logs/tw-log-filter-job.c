/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A log view's filters and the job that applies them in a thread. */
#define _GNU_SOURCE  /* memmem */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-error.h"
#include "tw-log-view-private.h"

void
tw_log_filter_clear (TwLogFilter *filter)
{
  g_clear_pointer (&filter->text, g_free);
  g_clear_pointer (&filter->regex, g_free);
  g_clear_pointer (&filter->correlation_id, g_free);
  memset (filter, 0, sizeof *filter);
}

gboolean
tw_log_filter_is_empty (const TwLogFilter *filter)
{
  return filter->min_level == TW_LOG_LEVEL_UNKNOWN
         && (filter->text == NULL || *filter->text == '\0')
         && (filter->regex == NULL || *filter->regex == '\0')
         && (filter->correlation_id == NULL || *filter->correlation_id == '\0')
         && filter->time_from == 0 && filter->time_to == 0;
}

void
_tw_log_filter_copy (TwLogFilter       *dest,
                     const TwLogFilter *src)
{
  tw_log_filter_clear (dest);
  *dest = *src;
  dest->text = src->text != NULL && *src->text != '\0' ? g_strdup (src->text) : NULL;
  dest->regex = src->regex != NULL && *src->regex != '\0' ? g_strdup (src->regex) : NULL;
  dest->correlation_id = src->correlation_id != NULL && *src->correlation_id != '\0'
                         ? g_strdup (src->correlation_id) : NULL;
}

GRegex *
_tw_log_regex_compile (const char  *pattern,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GRegex *regex = g_regex_new (pattern, G_REGEX_OPTIMIZE | G_REGEX_RAW, 0, &local_error);

  if (regex == NULL)
    g_set_error (error, TW_ERROR, TW_ERROR_INVALID, _("Not a valid regular expression: %s"),
                 local_error->message);
  return regex;
}

gboolean
tw_log_regex_check (const char  *pattern,
                    GError     **error)
{
  g_autoptr(GRegex) regex = _tw_log_regex_compile (pattern, error);

  return regex != NULL;
}

/* The job */



void
_tw_log_job_free (gpointer data)
{
  TwLogJob *job = data;

  g_ptr_array_unref (job->snapshots);
  g_array_unref (job->from);
  g_array_unref (job->last_times);
  g_clear_pointer (&job->merged_times, g_array_unref);
  tw_log_filter_clear (&job->filter);
  g_clear_pointer (&job->regex, g_regex_unref);
  g_free (job->text);
  g_clear_pointer (&job->results_refs, g_ptr_array_unref);
  g_clear_pointer (&job->results_times, g_ptr_array_unref);
  g_free (job);
}

static gboolean
find_ci (const char *hay,
         gsize       len,
         const char *needle,
         gsize       n)
{
  char first = needle[0];
  char upper = g_ascii_toupper (first);

  if (n == 0)
    return TRUE;
  for (gsize i = 0; i + n <= len; i++)
    {
      const char *p = hay + i;
      const char *a = memchr (p, first, len - i - n + 1);
      const char *b = first != upper ? memchr (p, upper, (a != NULL ? (gsize) (a - p) : len - i - n + 1)) : NULL;
      const char *c = b != NULL ? b : a;

      if (c == NULL)
        return FALSE;
      if (g_ascii_strncasecmp (c, needle, n) == 0)
        return TRUE;
      i = c - hay;
    }
  return FALSE;
}

/* find_ci() through the anchor: memmem() for the bytes that have no case, then
 * the whole needle compared around each hit. A needle such as "order-4242" is found
 * at grep's pace, not one memchr() per "o" of a line. */
static gboolean
find_anchored (const char     *hay,
               gsize           len,
               const TwLogJob *job)
{
  const char *anchor = job->text + job->anchor_off;
  gsize after = job->text_len - job->anchor_off - job->anchor_len;
  const char *p = hay + job->anchor_off;
  const char *end;

  if (len < job->text_len)
    return FALSE;
  end = hay + len - after;
  while (p < end)
    {
      const char *q = memmem (p, end - p, anchor, job->anchor_len);

      if (q == NULL)
        return FALSE;
      if (g_ascii_strncasecmp (q - job->anchor_off, job->text, job->text_len) == 0)
        return TRUE;
      p = q + 1;
    }
  return FALSE;
}

void
_tw_log_job_choose_anchor (TwLogJob *job)
{
  gsize run = 0;

  job->anchor_off = job->anchor_len = 0;
  for (gsize i = 0; i <= job->text_len; i++)
    {
      if (i < job->text_len && !g_ascii_isalpha (job->text[i]))
        {
          run++;
          continue;
        }
      if (run > job->anchor_len)
        {
          job->anchor_len = run;
          job->anchor_off = i - run;
        }
      run = 0;
    }
}

static gboolean
scan_line (guint       row,
           const char *line,
           gsize       len,
           gpointer    user_data)
{
  TwLogJob *job = user_data;
  TwLogFilter *f = &job->filter;
  gboolean need_fields = f->min_level != TW_LOG_LEVEL_UNKNOWN || f->correlation_id != NULL
                         || f->time_from != 0 || f->time_to != 0 || job->merge;
  gint64 time = 0;

  job->done++;
  if ((job->done & 0x3fff) == 0)
    g_atomic_int_set (job->progress, (gint) (1000.0 * job->done / MAX (job->total, 1)));

  if (job->text != NULL
      && !(job->anchor_len >= 2 ? find_anchored (line, len, job) : find_ci (line, len, job->text, job->text_len)))
    goto no_match_time;
  if (f->correlation_id != NULL && memmem (line, len, f->correlation_id, strlen (f->correlation_id)) == NULL)
    goto no_match_time;
  if (job->regex != NULL && !g_regex_match_full (job->regex, line, len, 0, 0, NULL, NULL))
    goto no_match_time;

  if (need_fields)
    {
      TwLogFields fields;

      tw_log_format_parse (job->format, line, len, &fields);
      time = fields.time_us != 0 ? fields.time_us : job->last_time;
      if (fields.time_us != 0)
        job->last_time = fields.time_us;
      if ((f->min_level != TW_LOG_LEVEL_UNKNOWN && fields.level < f->min_level)
          || (f->correlation_id != NULL && g_strcmp0 (fields.correlation_id, f->correlation_id) != 0)
          || (f->time_from != 0 && time < f->time_from)
          || (f->time_to != 0 && time > f->time_to))
        {
          tw_log_fields_clear (&fields);
          return TRUE;
        }
      tw_log_fields_clear (&fields);
    }
  {
    guint64 ref = REF (job->source, row);
    g_array_append_val (job->refs, ref);
    if (job->merge)
      g_array_append_val (job->times, time);
  }
  return TRUE;

no_match_time:
  if (job->merge)
    {
      /* Keep the carried time right for the lines after. */
      TwLogFields fields;

      if (f->min_level == TW_LOG_LEVEL_UNKNOWN && f->time_from == 0 && f->time_to == 0
          && f->correlation_id == NULL)
        return TRUE;
      tw_log_format_parse (job->format, line, len, &fields);
      if (fields.time_us != 0)
        job->last_time = fields.time_us;
      tw_log_fields_clear (&fields);
    }
  return TRUE;
}

void
_tw_log_job_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  TwLogJob *job = task_data;
  GArray *merged = g_array_new (FALSE, FALSE, sizeof (guint64));

  job->results_refs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  job->results_times = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint i = 0; i < job->snapshots->len; i++)
    {
      TwLogSnapshot *snapshot = g_ptr_array_index (job->snapshots, i);
      job->total += snapshot->n_rows - MIN (snapshot->n_rows, g_array_index (job->from, guint, i));
    }
  for (guint i = 0; i < job->snapshots->len; i++)
    {
      TwLogSnapshot *snapshot = g_ptr_array_index (job->snapshots, i);

      job->format = snapshot->format;
      job->source = i;
      job->last_time = g_array_index (job->last_times, gint64, i);
      job->refs = g_array_new (FALSE, FALSE, sizeof (guint64));
      job->times = g_array_new (FALSE, FALSE, sizeof (gint64));
      _tw_log_snapshot_scan (snapshot, g_array_index (job->from, guint, i), snapshot->n_rows,
                             scan_line, job, cancellable);
      g_array_index (job->last_times, gint64, i) = job->last_time;
      g_ptr_array_add (job->results_refs, job->refs);
      g_ptr_array_add (job->results_times, job->times);
    }
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_array_unref (merged);
      g_task_return_error_if_cancelled (task);
      return;
    }

  if (!job->merge)
    {
      for (guint i = 0; i < job->results_refs->len; i++)
        {
          GArray *refs = g_ptr_array_index (job->results_refs, i);
          g_array_append_vals (merged, refs->data, refs->len);
        }
    }
  else
    {
      guint n = job->results_refs->len;
      g_autofree guint *pos = g_new0 (guint, n);

      job->merged_times = g_array_new (FALSE, FALSE, sizeof (gint64));

      for (;;)
        {
          guint best = G_MAXUINT;
          gint64 best_time = G_MAXINT64;

          for (guint i = 0; i < n; i++)
            {
              GArray *times = g_ptr_array_index (job->results_times, i);

              if (pos[i] < times->len && g_array_index (times, gint64, pos[i]) < best_time)
                {
                  best = i;
                  best_time = g_array_index (times, gint64, pos[i]);
                }
            }
          if (best == G_MAXUINT)
            break;
          g_array_append_val (merged, g_array_index ((GArray *) g_ptr_array_index (job->results_refs, best),
                                                     guint64, pos[best]));
          g_array_append_val (job->merged_times, best_time);
          pos[best]++;
        }
    }
  g_task_return_pointer (task, merged, (GDestroyNotify) g_array_unref);
}
