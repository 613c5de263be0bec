/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE  /* memmem */
#include "config.h"

#include "tw-log-view.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-error.h"
#include "tw-log-private.h"
#include "tw-log-view-private.h"

struct _TwLogView
{
  GObject       parent_instance;

  GPtrArray    *sources;       /* TwLogSource */
  TwLogFilter   filter;
  gboolean      direct;        /* one source, no filter: its rows as they are */
  guint         n_direct;

  GArray       *refs;          /* guint64 REF() of the rows shown */
  GArray       *times;         /* gint64 time of each ref, when merged (several sources) */
  GArray       *scanned;       /* guint rows of each source the refs cover */
  GArray       *last_times;    /* gint64 each source's time carried to its next rows */
  gboolean      filtering;
  gboolean      full_pending;
  GCancellable *cancellable;
  gint          progress_permille;  /* atomic, written by the job */
  double        progress;
  guint         progress_id;

  /* The first screen: when armed, the next rows to come into an empty view show only
   * their newest first_screen rows (none when hold_all); the held rows above come at
   * tw_log_view_show_held(). */
  guint         first_screen;
  gboolean      hold_all;
  guint         held;
};

static void tw_log_view_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TwLogView, tw_log_view, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, tw_log_view_model_init))

enum { PROP_0, PROP_FILTERING, PROP_PROGRESS, PROP_N_MATCHES, PROP_N_HELD, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* Rows of the view, the held ones included. */
static guint
total_rows (TwLogView *self)
{
  return self->direct ? self->n_direct : self->refs->len;
}

static void
set_held (TwLogView *self,
          guint      held)
{
  if (self->held == held)
    return;
  self->held = held;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_HELD]);
}

/* items-changed for a change in the view's rows (@position, @removed: the held rows
 * included), once it is made: rows held at the top stay held when rows are added above
 * them or at the end; any other change shows as many of the newest rows as were shown
 * (none if none was: every row held) and holds the rest. An empty view that gets rows
 * while the first screen is armed shows only the newest first_screen (none when it
 * holds them all). */
static void
rows_changed (TwLogView *self,
              guint      position,
              guint      removed,
              guint      added)
{
  GListModel *model = G_LIST_MODEL (self);
  guint shown_before = total_rows (self) + removed - added - self->held;
  guint shown;

  if (self->held > 0)
    {
      if (removed == 0 && position <= self->held)
        {
          set_held (self, self->held + added);
          return;
        }
      if (position >= self->held)
        {
          /* below the held rows: rows found later merged among those shown */
          g_list_model_items_changed (model, position - self->held, removed, added);
          return;
        }
      /* Any other change (a merge found again when a source's first lines came after
       * the others'): as many of the newest rows as were shown, in one change, the rest
       * held (the held ones that went away are never shown). Showing them all would
       * leave the list at the top, at the oldest. */
      shown = MIN (total_rows (self), shown_before);
      set_held (self, total_rows (self) - shown);
      if (shown_before > 0 || shown > 0)
        g_list_model_items_changed (model, 0, shown_before, shown);
      return;
    }
  if ((self->first_screen > 0 || self->hold_all) && shown_before == 0 && removed == 0 && added > 0)
    {
      shown = self->hold_all ? 0 : MIN (added, self->first_screen);

      self->first_screen = 0;
      self->hold_all = FALSE;
      set_held (self, added - shown);
      if (shown > 0)
        g_list_model_items_changed (model, 0, 0, shown);
      return;
    }
  if (removed > 0 || added > 0)
    g_list_model_items_changed (model, position, removed, added);
}


static void start_job (TwLogView *self, gboolean full);

typedef struct
{
  guint64 ref;
  gint64  time;
} Row;

/* How far back rows found later are merged on the main thread; further, a full job
 * merges every row in a thread. */
#define MERGE_MAX_ROWS 65536

/* Rows a job found after those shown (several sources: @found_times), merged by time:
 * a source's lines that come later can be older than another source's newest rows
 * shown (a Loki history after the files', a file whose first lines came while a job
 * ran, a stream or a writer a moment late). The rows from the first one newer than the
 * oldest found are merged again with them as a full job would, each source's rows in
 * their order, ties to the source listed first. FALSE when that is more than
 * MERGE_MAX_ROWS back. */
static gboolean
merge_found (TwLogView *self,
             GArray    *found,
             GArray    *found_times)
{
  guint old_n = self->refs->len;
  guint n_sources = self->sources->len;
  gint64 oldest = G_MAXINT64;
  guint start = old_n;
  guint n_merged, same;
  g_autofree GArray **lists = NULL;
  g_autofree guint *pos = NULL;
  g_autoptr(GArray) merged = NULL;

  for (guint i = 0; i < found_times->len; i++)
    oldest = MIN (oldest, g_array_index (found_times, gint64, i));
  while (start > 0 && g_array_index (self->times, gint64, start - 1) > oldest)
    {
      if (old_n - start >= MERGE_MAX_ROWS)
        return FALSE;
      start--;
    }
  if (start == old_n)
    {
      g_array_append_vals (self->refs, found->data, found->len);
      g_array_append_vals (self->times, found_times->data, found_times->len);
      rows_changed (self, old_n, 0, found->len);
      return TRUE;
    }

  /* each source's rows: those shown from @start, then those found */
  lists = g_new0 (GArray *, n_sources);
  pos = g_new0 (guint, n_sources);
  for (guint s = 0; s < n_sources; s++)
    lists[s] = g_array_new (FALSE, FALSE, sizeof (Row));
  for (guint i = start; i < old_n; i++)
    {
      Row row = { g_array_index (self->refs, guint64, i), g_array_index (self->times, gint64, i) };
      g_array_append_val (lists[REF_SOURCE (row.ref)], row);
    }
  for (guint i = 0; i < found->len; i++)
    {
      Row row = { g_array_index (found, guint64, i), g_array_index (found_times, gint64, i) };
      g_array_append_val (lists[REF_SOURCE (row.ref)], row);
    }
  n_merged = old_n - start + found->len;
  merged = g_array_sized_new (FALSE, FALSE, sizeof (Row), n_merged);
  for (;;)
    {
      guint best = G_MAXUINT;

      for (guint s = 0; s < n_sources; s++)
        if (pos[s] < lists[s]->len
            && (best == G_MAXUINT
                || g_array_index (lists[s], Row, pos[s]).time < g_array_index (lists[best], Row, pos[best]).time))
          best = s;
      if (best == G_MAXUINT)
        break;
      g_array_append_val (merged, g_array_index (lists[best], Row, pos[best]));
      pos[best]++;
    }
  for (guint s = 0; s < n_sources; s++)
    g_array_unref (lists[s]);

  /* One change, from the first row that moved. */
  for (same = 0; same < old_n - start; same++)
    if (g_array_index (merged, Row, same).ref != g_array_index (self->refs, guint64, start + same))
      break;
  g_array_set_size (self->refs, start + same);
  g_array_set_size (self->times, start + same);
  for (guint i = same; i < n_merged; i++)
    {
      Row *row = &g_array_index (merged, Row, i);

      g_array_append_val (self->refs, row->ref);
      g_array_append_val (self->times, row->time);
    }
  rows_changed (self, start + same, old_n - start - same, n_merged - same);
  return TRUE;
}

static void
set_filtering (TwLogView *self,
               gboolean   filtering)
{
  if (self->filtering == filtering)
    return;
  self->filtering = filtering;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTERING]);
}

static gboolean
progress_cb (gpointer user_data)
{
  TwLogView *self = user_data;
  double progress = g_atomic_int_get (&self->progress_permille) / 1000.0;

  if (progress != self->progress)
    {
      self->progress = progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
  return G_SOURCE_CONTINUE;
}

static void
job_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  TwLogView *self = TW_LOG_VIEW (object);
  TwLogJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GArray) found = g_task_propagate_pointer (G_TASK (result), NULL);
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  guint old_n;

  if (cancellable != self->cancellable)
    return;  /* a newer job replaced it */
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  set_filtering (self, FALSE);
  if (found == NULL)
    return;  /* cancelled */

  for (guint i = 0; i < job->snapshots->len; i++)
    {
      g_array_index (self->scanned, guint, i) = ((TwLogSnapshot *) g_ptr_array_index (job->snapshots, i))->n_rows;
      g_array_index (self->last_times, gint64, i) = g_array_index (job->last_times, gint64, i);
    }

  old_n = self->refs->len;
  if (!job->full && self->full_pending)
    {
      /* Older lines came above meanwhile: its rows are numbered as before them, and
       * every row is found again now. */
    }
  else if (job->full)
    {
      g_array_set_size (self->refs, 0);
      g_array_append_vals (self->refs, found->data, found->len);
      g_array_set_size (self->times, 0);
      if (job->merged_times != NULL)
        g_array_append_vals (self->times, job->merged_times->data, job->merged_times->len);
      rows_changed (self, 0, old_n, self->refs->len);
    }
  else if (found->len > 0 && !job->merge)
    {
      g_array_append_vals (self->refs, found->data, found->len);
      rows_changed (self, old_n, 0, found->len);
    }
  else if (found->len > 0 && !merge_found (self, found, job->merged_times))
    self->full_pending = TRUE;  /* too far back for the main thread: all again */
  if (old_n != self->refs->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MATCHES]);
  self->progress = 1.0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);

  if (self->full_pending)
    start_job (self, TRUE);
  else
    for (guint i = 0; i < self->sources->len; i++)
      if (tw_log_source_get_n_lines (g_ptr_array_index (self->sources, i)) > g_array_index (self->scanned, guint, i))
        {
          start_job (self, FALSE);
          break;
        }
}

static void
start_job (TwLogView *self,
           gboolean   full)
{
  g_autoptr(GTask) task = NULL;
  TwLogJob *job;

  if (self->cancellable != NULL)
    {
      if (!full)
        return;  /* the running job's end starts the next */
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
  self->full_pending = FALSE;
  job = g_new0 (TwLogJob, 1);
  job->snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) _tw_log_snapshot_unref);
  job->from = g_array_new (FALSE, TRUE, sizeof (guint));
  _tw_log_filter_copy (&job->filter, &self->filter);
  if (job->filter.regex != NULL)
    job->regex = _tw_log_regex_compile (job->filter.regex, NULL);
  if (job->filter.text != NULL)
    {
      job->text = g_ascii_strdown (job->filter.text, -1);
      job->text_len = strlen (job->text);
      _tw_log_job_choose_anchor (job);
    }
  job->merge = self->sources->len > 1;
  job->full = full;
  job->last_times = g_array_sized_new (FALSE, TRUE, sizeof (gint64), self->sources->len);
  job->progress = &self->progress_permille;
  for (guint i = 0; i < self->sources->len; i++)
    {
      guint from = full ? 0 : g_array_index (self->scanned, guint, i);
      gint64 last_time = full ? 0 : g_array_index (self->last_times, gint64, i);

      g_array_append_val (job->last_times, last_time);

      g_ptr_array_add (job->snapshots, _tw_log_source_snapshot (g_ptr_array_index (self->sources, i)));
      g_array_append_val (job->from, from);
    }

  g_atomic_int_set (&self->progress_permille, 0);
  if (full)
    {
      self->progress = 0.0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
      set_filtering (self, TRUE);
      if (self->progress_id == 0)
        self->progress_id = g_timeout_add (100, progress_cb, self);
    }
  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, job_done_cb, NULL);
  g_task_set_source_tag (task, start_job);
  g_task_set_task_data (task, job, _tw_log_job_free);
  g_task_run_in_thread (task, _tw_log_job_thread);
}

/* Sources */

static void
lines_inserted_cb (TwLogSource *source,
                   guint        position,
                   guint        n_added,
                   TwLogView   *self)
{
  guint index;

  if (!g_ptr_array_find (self->sources, source, &index))
    return;
  if (self->direct)
    {
      self->n_direct += n_added;
      rows_changed (self, position, 0, n_added);
      return;
    }
  /* A source's first lines after the others' (a Loki history, a file that appeared):
   * merged by time with what is shown, not put below it. */
  if (position == 0 && g_array_index (self->scanned, guint, index) == 0 && self->refs->len > 0)
    {
      self->full_pending = TRUE;
      if (self->cancellable == NULL)
        start_job (self, TRUE);
      return;
    }
  if (position < g_array_index (self->scanned, guint, index))
    {
      /* Older lines above: the rows below moved; found again from the start. */
      for (guint i = 0; i < self->refs->len; i++)
        {
          guint64 *ref = &g_array_index (self->refs, guint64, i);

          if (REF_SOURCE (*ref) == index && REF_ROW (*ref) >= position)
            *ref += n_added;
        }
      g_array_index (self->scanned, guint, index) += n_added;
      self->full_pending = TRUE;
      if (self->cancellable == NULL)
        start_job (self, TRUE);
      return;
    }
  if (self->cancellable == NULL)
    start_job (self, FALSE);
}

static void
disconnect_sources (TwLogView *self)
{
  for (guint i = 0; self->sources != NULL && i < self->sources->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->sources, i), lines_inserted_cb, self);
}

static void
refresh (TwLogView *self)
{
  gboolean was_direct = self->direct;
  guint old_n = total_rows (self);

  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
  g_clear_handle_id (&self->progress_id, g_source_remove);
  set_filtering (self, FALSE);
  self->direct = self->sources->len == 1 && tw_log_filter_is_empty (&self->filter);
  g_array_set_size (self->scanned, self->sources->len);
  g_array_set_size (self->last_times, self->sources->len);
  for (guint i = 0; i < self->sources->len; i++)
    {
      g_array_index (self->scanned, guint, i) = 0;
      g_array_index (self->last_times, gint64, i) = 0;
    }
  if (self->direct)
    {
      g_array_set_size (self->refs, 0);
      g_array_set_size (self->times, 0);
      self->n_direct = tw_log_source_get_n_lines (g_ptr_array_index (self->sources, 0));
      rows_changed (self, 0, old_n, self->n_direct);
    }
  else
    {
      /* The rows shown stay until the new ones are found; a source's own rows (they
       * have no refs) go at once. */
      self->n_direct = 0;
      if (self->sources->len == 0 || was_direct)
        {
          g_array_set_size (self->refs, 0);
          g_array_set_size (self->times, 0);
          rows_changed (self, 0, old_n, 0);
        }
      if (self->sources->len > 0)
        start_job (self, TRUE);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MATCHES]);
}

void
tw_log_view_set_sources (TwLogView *self,
                         GPtrArray *sources)
{
  guint old_n;

  g_return_if_fail (TW_IS_LOG_VIEW (self));

  old_n = total_rows (self);
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
  disconnect_sources (self);
  g_ptr_array_set_size (self->sources, 0);
  for (guint i = 0; sources != NULL && i < sources->len; i++)
    {
      TwLogSource *source = g_ptr_array_index (sources, i);

      g_ptr_array_add (self->sources, g_object_ref (source));
      g_signal_connect (source, "lines-inserted", G_CALLBACK (lines_inserted_cb), self);
    }
  g_array_set_size (self->refs, 0);
  g_array_set_size (self->times, 0);
  self->n_direct = 0;
  self->direct = FALSE;
  rows_changed (self, 0, old_n, 0);
  refresh (self);
}

gboolean
tw_log_view_set_filter (TwLogView          *self,
                        const TwLogFilter  *filter,
                        GError            **error)
{
  g_return_val_if_fail (TW_IS_LOG_VIEW (self), FALSE);

  if (filter->regex != NULL && *filter->regex != '\0' && !tw_log_regex_check (filter->regex, error))
    return FALSE;
  _tw_log_filter_copy (&self->filter, filter);
  refresh (self);
  return TRUE;
}

gboolean
tw_log_view_get_filtering (TwLogView *self)
{
  return self->filtering;
}

double
tw_log_view_get_progress (TwLogView *self)
{
  return self->progress;
}

guint
tw_log_view_get_n_matches (TwLogView *self)
{
  return self->direct ? self->n_direct : self->refs->len;
}

void
tw_log_view_cancel (TwLogView *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

/* A row's position in the model: a held row is shown first. */
static guint
shown_position (TwLogView *self,
                guint      row)
{
  if (row < self->held)
    tw_log_view_show_held (self, G_MAXUINT);
  return row - self->held;
}

void
tw_log_view_set_first_screen (TwLogView *self,
                              guint      n_rows)
{
  g_return_if_fail (TW_IS_LOG_VIEW (self));

  self->first_screen = n_rows;
  self->hold_all = FALSE;
}

void
tw_log_view_hold_first_screen (TwLogView *self)
{
  g_return_if_fail (TW_IS_LOG_VIEW (self));

  self->first_screen = 0;
  self->hold_all = TRUE;
}

guint
tw_log_view_get_n_held (TwLogView *self)
{
  g_return_val_if_fail (TW_IS_LOG_VIEW (self), 0);

  return self->held;
}

void
tw_log_view_show_held (TwLogView *self,
                       guint      n_rows)
{
  guint n;

  g_return_if_fail (TW_IS_LOG_VIEW (self));

  self->first_screen = 0;
  self->hold_all = FALSE;
  n = MIN (n_rows, self->held);
  if (n == 0)
    return;
  set_held (self, self->held - n);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, n);
}

guint
tw_log_view_find (TwLogView  *self,
                  const char *source_id,
                  guint       row)
{
  for (guint s = 0; s < self->sources->len; s++)
    {
      if (g_strcmp0 (tw_log_source_get_id (g_ptr_array_index (self->sources, s)), source_id) != 0)
        continue;
      if (self->direct)
        return row < self->n_direct ? shown_position (self, row) : G_MAXUINT;
      for (guint i = 0; i < self->refs->len; i++)
        if (g_array_index (self->refs, guint64, i) == REF (s, row))
          return shown_position (self, i);
    }
  return G_MAXUINT;
}

/* GListModel */

static GType
tw_log_view_get_item_type (GListModel *model)
{
  return TW_TYPE_LOG_LINE;
}

static guint
tw_log_view_get_n_items (GListModel *model)
{
  TwLogView *self = TW_LOG_VIEW (model);

  return total_rows (self) - self->held;
}

static gpointer
tw_log_view_get_item (GListModel *model,
                      guint       position)
{
  TwLogView *self = TW_LOG_VIEW (model);
  TwLogSource *source;
  guint row;
  guint flags = 0;
  char *text;

  if (position >= total_rows (self) - self->held)
    return NULL;
  position += self->held;
  if (self->direct)
    {
      if (position >= self->n_direct)
        return NULL;
      source = g_ptr_array_index (self->sources, 0);
      row = position;
    }
  else
    {
      guint64 ref;

      if (position >= self->refs->len)
        return NULL;
      ref = g_array_index (self->refs, guint64, position);
      source = g_ptr_array_index (self->sources, REF_SOURCE (ref));
      row = REF_ROW (ref);
    }
  text = tw_log_source_read_line (source, row, &flags);
  return tw_log_line_new (tw_log_source_get_id (source), row, text, flags,
                          tw_log_source_get_format (source));
}

static void
tw_log_view_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tw_log_view_get_item_type;
  iface->get_n_items = tw_log_view_get_n_items;
  iface->get_item = tw_log_view_get_item;
}

static void
tw_log_view_dispose (GObject *object)
{
  TwLogView *self = TW_LOG_VIEW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  disconnect_sources (self);
  g_ptr_array_set_size (self->sources, 0);
  G_OBJECT_CLASS (tw_log_view_parent_class)->dispose (object);
}

static void
tw_log_view_finalize (GObject *object)
{
  TwLogView *self = TW_LOG_VIEW (object);

  tw_log_filter_clear (&self->filter);
  g_ptr_array_unref (self->sources);
  g_array_unref (self->refs);
  g_array_unref (self->times);
  g_array_unref (self->scanned);
  g_array_unref (self->last_times);
  G_OBJECT_CLASS (tw_log_view_parent_class)->finalize (object);
}

static void
tw_log_view_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TwLogView *self = TW_LOG_VIEW (object);

  switch (prop_id)
    {
    case PROP_FILTERING: g_value_set_boolean (value, self->filtering); break;
    case PROP_PROGRESS: g_value_set_double (value, self->progress); break;
    case PROP_N_MATCHES: g_value_set_uint (value, tw_log_view_get_n_matches (self)); break;
    case PROP_N_HELD: g_value_set_uint (value, self->held); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_log_view_class_init (TwLogViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = tw_log_view_dispose;
  object_class->finalize = tw_log_view_finalize;
  object_class->get_property = tw_log_view_get_property;

  properties[PROP_FILTERING] = g_param_spec_boolean ("filtering", NULL, NULL, FALSE, flags);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0, 1, 0, flags);
  properties[PROP_N_MATCHES] = g_param_spec_uint ("n-matches", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_HELD] = g_param_spec_uint ("n-held", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_log_view_init (TwLogView *self)
{
  self->sources = g_ptr_array_new_with_free_func (g_object_unref);
  self->refs = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->scanned = g_array_new (FALSE, TRUE, sizeof (guint));
  self->last_times = g_array_new (FALSE, TRUE, sizeof (gint64));
}

TwLogView *
tw_log_view_new (void)
{
  return g_object_new (TW_TYPE_LOG_VIEW, NULL);
}
