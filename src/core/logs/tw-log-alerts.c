/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-log-alerts.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-log-private.h"

#define DEFAULT_PATTERNS          "DRIFT ALERT;Circuit breaker"
#define DEFAULT_CRITICAL_PATTERNS "MAX DRAWDOWN;CRITICAL;forced buy-in;BROKER RECALL"
#define DEFAULT_ERROR_RATE        10
#define BODY_LINE_MAX             300

typedef struct
{
  char            *pattern;
  gboolean         exact_case;
  TwAlertSeverity  severity;
} Rule;

typedef struct
{
  gint       ref_count;
  GPtrArray *rules;   /* Rule */
} Rules;

typedef struct
{
  TwLogAlerts *owner;
  TwLogSource *source;
  Rules       *rules;
  guint        error_rate;
  GQueue      *error_times;   /* gint64 monotonic µs of recent error lines */
  guint        scanned;       /* rows before this are not alerted on */
  gboolean     ready;         /* the history is indexed: new rows are new lines */
  gboolean     running;
  gboolean     again;
  GCancellable *cancellable;
} Watch;

struct _TwLogAlerts
{
  TwAlertEngine   *engine;
  TwLogAlertFocus  focus;
  gpointer         focus_data;
  GPtrArray       *watches;
};

static void
rule_free (gpointer data)
{
  Rule *rule = data;

  g_free (rule->pattern);
  g_free (rule);
}

static Rules *
rules_ref (Rules *rules)
{
  g_atomic_int_inc (&rules->ref_count);
  return rules;
}

static void
rules_unref (Rules *rules)
{
  if (g_atomic_int_dec_and_test (&rules->ref_count))
    {
      g_ptr_array_unref (rules->rules);
      g_free (rules);
    }
}

static void
add_rules (GPtrArray       *rules,
           const char      *list,
           TwAlertSeverity  severity)
{
  g_auto(GStrv) patterns = g_strsplit (list, ";", -1);

  for (guint i = 0; patterns[i] != NULL; i++)
    {
      char *pattern = g_strstrip (patterns[i]);
      Rule *rule;
      g_autofree char *upper = NULL;

      if (*pattern == '\0')
        continue;
      rule = g_new0 (Rule, 1);
      rule->pattern = g_strdup (pattern);
      upper = g_ascii_strup (pattern, -1);
      rule->exact_case = g_str_equal (upper, pattern);
      rule->severity = severity;
      g_ptr_array_add (rules, rule);
    }
}

static void
watch_free (gpointer data)
{
  Watch *watch = data;

  g_cancellable_cancel (watch->cancellable);
  g_signal_handlers_disconnect_by_data (watch->source, watch);
  g_object_unref (watch->source);
  g_object_unref (watch->cancellable);
  rules_unref (watch->rules);
  g_queue_free_full (watch->error_times, g_free);
  g_free (watch);
}

/* The scan */

typedef struct
{
  guint    row;
  char    *line;
  guint    count;
} Hit;

typedef struct
{
  TwLogSnapshot *snapshot;
  Rules         *rules;
  guint          from;
  guint          to;
  Hit           *hits;       /* one per rule */
  guint          n_errors;
  Hit            last_error;
} Scan;

static void
scan_free (gpointer data)
{
  Scan *scan = data;

  for (guint i = 0; i < scan->rules->rules->len; i++)
    g_free (scan->hits[i].line);
  g_free (scan->hits);
  g_free (scan->last_error.line);
  rules_unref (scan->rules);
  _tw_log_snapshot_unref (scan->snapshot);
  g_free (scan);
}

static gboolean
find (const char *line,
      gsize       len,
      const Rule *rule)
{
  gsize n = strlen (rule->pattern);

  if (n > len)
    return FALSE;
  for (gsize i = 0; i + n <= len; i++)
    if (rule->exact_case ? memcmp (line + i, rule->pattern, n) == 0
                         : g_ascii_strncasecmp (line + i, rule->pattern, n) == 0)
      return TRUE;
  return FALSE;
}

static char *
shown_line (const char *line,
            gsize       len)
{
  return g_utf8_make_valid (line, MIN (len, BODY_LINE_MAX));
}

static gboolean
scan_line (guint       row,
           const char *line,
           gsize       len,
           gpointer    user_data)
{
  Scan *scan = user_data;

  /* One rule a line, the first that matches (the critical ones come first). */
  for (guint i = 0; i < scan->rules->rules->len; i++)
    if (find (line, len, g_ptr_array_index (scan->rules->rules, i)))
      {
        if (scan->hits[i].count++ == 0)
          {
            scan->hits[i].row = row;
            scan->hits[i].line = shown_line (line, len);
          }
        break;
      }
  if (tw_log_format_parse_level (scan->snapshot->format, line, len) >= TW_LOG_LEVEL_ERROR)
    {
      scan->n_errors++;
      g_free (scan->last_error.line);
      scan->last_error.line = shown_line (line, len);
      scan->last_error.row = row;
    }
  return TRUE;
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Scan *scan = task_data;

  _tw_log_snapshot_scan (scan->snapshot, scan->from, scan->to, scan_line, scan, cancellable);
  g_task_return_boolean (task, !g_cancellable_is_cancelled (cancellable));
}

static void start_scan (Watch *watch);

static void
scan_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Watch *watch = user_data;
  Scan *scan = g_task_get_task_data (G_TASK (result));
  TwLogAlerts *self;
  const char *id;
  gint64 now = g_get_monotonic_time ();

  /* Cancelled: the watch is gone (its cancellable lives on with the task), and nothing
   * of it may be read, not even its owner (AddressSanitizer: a use after free when a
   * session closed during a scan). */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result)))
      || !g_task_propagate_boolean (G_TASK (result), NULL))
    return;
  self = watch->owner;
  watch->running = FALSE;
  id = tw_log_source_get_id (watch->source);
  for (guint i = 0; i < scan->rules->rules->len; i++)
    {
      Rule *rule = g_ptr_array_index (scan->rules->rules, i);
      Hit *hit = &scan->hits[i];
      g_autofree char *key = NULL;
      g_autofree char *title = NULL;
      g_autofree char *body = NULL;

      if (hit->count == 0)
        continue;
      key = g_strdup_printf ("log:%s:%s", id, rule->pattern);
      title = g_strdup_printf (_("“%s” in the %s log"), rule->pattern, id);
      if (hit->count > 1)
        body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s\n(and %u more line)", "%s\n(and %u more lines)",
                                             hit->count - 1), hit->line, hit->count - 1);
      else
        body = g_strdup (hit->line);
      if (self->focus != NULL)
        self->focus (id, hit->row, self->focus_data);
      tw_alert_engine_raise_log_alert (self->engine, key, rule->severity, title, body);
    }
  if (watch->error_rate > 0 && scan->n_errors > 0)
    {
      guint n = MIN (scan->n_errors, watch->error_rate + 1);

      for (guint i = 0; i < n; i++)
        g_queue_push_tail (watch->error_times, g_memdup2 (&now, sizeof now));
      while (!g_queue_is_empty (watch->error_times)
             && (g_queue_get_length (watch->error_times) > watch->error_rate + 1
                 || *(gint64 *) g_queue_peek_head (watch->error_times) < now - 60 * G_USEC_PER_SEC))
        g_free (g_queue_pop_head (watch->error_times));
      if (g_queue_get_length (watch->error_times) > watch->error_rate)
        {
          g_autofree char *key = g_strdup_printf ("log-error-rate:%s", id);
          g_autofree char *title = g_strdup_printf (_("Errors are piling up in the %s log"), id);
          g_autofree char *body = g_strdup_printf (_("More than %u errors within a minute. The latest:\n%s"),
                                                   watch->error_rate, scan->last_error.line);

          if (self->focus != NULL)
            self->focus (id, scan->last_error.row, self->focus_data);
          tw_alert_engine_raise_log_alert (self->engine, key, TW_ALERT_WARNING, title, body);
        }
    }
  if (watch->again)
    start_scan (watch);
}

static void
start_scan (Watch *watch)
{
  g_autoptr(GTask) task = NULL;
  Scan *scan;
  guint n = tw_log_source_get_n_lines (watch->source);

  watch->again = FALSE;
  if (n <= watch->scanned)
    return;
  if (watch->running)
    {
      watch->again = TRUE;
      return;
    }
  scan = g_new0 (Scan, 1);
  scan->snapshot = _tw_log_source_snapshot (watch->source);
  scan->rules = rules_ref (watch->rules);
  scan->from = watch->scanned;
  scan->to = n;
  scan->hits = g_new0 (Hit, watch->rules->rules->len);
  watch->scanned = n;
  watch->running = TRUE;
  task = g_task_new (NULL, watch->cancellable, scan_done_cb, watch);
  g_task_set_source_tag (task, start_scan);
  g_task_set_task_data (task, scan, scan_free);
  g_task_run_in_thread (task, scan_thread);
}

static void
lines_inserted_cb (TwLogSource *source,
                   guint        position,
                   guint        n_added,
                   Watch       *watch)
{
  if (!watch->ready)
    return;
  if (position < watch->scanned)
    {
      /* Older lines above (an earlier file indexed late): not new, only moved. */
      watch->scanned += n_added;
      return;
    }
  start_scan (watch);
}

static void
indexing_changed_cb (TwLogSource *source,
                     GParamSpec  *pspec,
                     Watch       *watch)
{
  if (watch->ready || tw_log_source_get_indexing (source))
    return;
  /* What was there when the profile opened is history, not news. */
  watch->ready = TRUE;
  watch->scanned = tw_log_source_get_n_lines (source);
}

TwLogAlerts *
_tw_log_alerts_new (TwAlertEngine   *engine,
                    TwLogAlertFocus  focus,
                    gpointer         user_data)
{
  TwLogAlerts *self = g_new0 (TwLogAlerts, 1);

  self->engine = g_object_ref (engine);
  self->focus = focus;
  self->focus_data = user_data;
  self->watches = g_ptr_array_new_with_free_func (watch_free);
  return self;
}

void
_tw_log_alerts_watch (TwLogAlerts *self,
                      TwLogSource *source,
                      GHashTable  *options)
{
  Watch *watch = g_new0 (Watch, 1);
  const char *patterns = options != NULL ? g_hash_table_lookup (options, "AlertPatterns") : NULL;
  const char *critical = options != NULL ? g_hash_table_lookup (options, "CriticalPatterns") : NULL;
  const char *rate = options != NULL ? g_hash_table_lookup (options, "ErrorRate") : NULL;

  watch->owner = self;
  watch->source = g_object_ref (source);
  watch->rules = g_new0 (Rules, 1);
  watch->rules->ref_count = 1;
  watch->rules->rules = g_ptr_array_new_with_free_func (rule_free);
  add_rules (watch->rules->rules, critical != NULL ? critical : DEFAULT_CRITICAL_PATTERNS, TW_ALERT_CRITICAL);
  add_rules (watch->rules->rules, patterns != NULL ? patterns : DEFAULT_PATTERNS, TW_ALERT_WARNING);
  watch->error_rate = rate != NULL ? (guint) g_ascii_strtoull (rate, NULL, 10) : DEFAULT_ERROR_RATE;
  watch->error_times = g_queue_new ();
  watch->cancellable = g_cancellable_new ();
  g_signal_connect (source, "lines-inserted", G_CALLBACK (lines_inserted_cb), watch);
  g_signal_connect (source, "notify::indexing", G_CALLBACK (indexing_changed_cb), watch);
  g_ptr_array_add (self->watches, watch);
}

void
_tw_log_alerts_free (TwLogAlerts *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->watches);
  g_object_unref (self->engine);
  g_free (self);
}
