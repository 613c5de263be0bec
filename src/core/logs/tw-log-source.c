/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-log-source.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tw-log-chain.h"
#include "tw-log-journal.h"
#include "tw-log-loki.h"
#include "tw-log-private.h"
#include "tw-log-source-private.h"
#include "tw-util.h"

#define DEFAULT_INTERVAL_MS 200


G_DEFINE_FINAL_TYPE (TwLogSource, tw_log_source, G_TYPE_OBJECT)

enum { PROP_0, PROP_ID, PROP_PATH, PROP_N_LINES, PROP_INDEXING, PROP_PROBLEM, PROP_CHAIN_STATUS,
       PROP_CHAIN_BROKEN, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { LINES_INSERTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
tw_log_source_dispose (GObject *object)
{
  TwLogSource *self = TW_LOG_SOURCE (object);

  tw_log_source_stop (self);
  G_OBJECT_CLASS (tw_log_source_parent_class)->dispose (object);
}

static void
tw_log_source_finalize (GObject *object)
{
  TwLogSource *self = TW_LOG_SOURCE (object);

  g_clear_object (&self->cancellable);
  g_free (self->monitored_path);
  g_clear_pointer (&self->journal, _tw_log_journal_free);
  g_clear_pointer (&self->loki, _tw_log_loki_free);
  if (self->spool_fd >= 0)
    close (self->spool_fd);
  g_free (self->unit);
  g_free (self->identifier);
  g_clear_pointer (&self->snapshot, _tw_log_snapshot_unref);
  g_ptr_array_unref (self->segments);
  g_array_unref (self->published_head);
  g_array_unref (self->published_rest);
  g_mutex_clear (&self->lock);
  tw_log_format_unref (self->format);
  g_main_context_unref (self->context);
  g_free (self->current_path);
  g_free (self->problem);
  g_free (self->chain_status);
  g_free (self->id);
  g_free (self->path);
  G_OBJECT_CLASS (tw_log_source_parent_class)->finalize (object);
}

static void
tw_log_source_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TwLogSource *self = TW_LOG_SOURCE (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_PATH: g_value_set_string (value, self->path); break;
    case PROP_N_LINES: g_value_set_uint (value, self->n_lines); break;
    case PROP_INDEXING: g_value_set_boolean (value, self->indexing); break;
    case PROP_PROBLEM: g_value_set_string (value, self->problem); break;
    case PROP_CHAIN_STATUS: g_value_set_string (value, self->chain_status); break;
    case PROP_CHAIN_BROKEN: g_value_set_boolean (value, self->chain_broken); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_log_source_class_init (TwLogSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tw_log_source_dispose;
  object_class->finalize = tw_log_source_finalize;
  object_class->get_property = tw_log_source_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_LINES] = g_param_spec_uint ("n-lines", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_INDEXING] = g_param_spec_boolean ("indexing", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PROBLEM] = g_param_spec_string ("problem", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CHAIN_STATUS] = g_param_spec_string ("chain-status", NULL, NULL, NULL,
                                                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CHAIN_BROKEN] = g_param_spec_boolean ("chain-broken", NULL, NULL, FALSE,
                                                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[LINES_INSERTED] = g_signal_new ("lines-inserted", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
tw_log_source_init (TwLogSource *self)
{
  g_mutex_init (&self->lock);
  self->segments = g_ptr_array_new_with_free_func ((GDestroyNotify) _tw_log_segment_unref);
  self->published_head = g_array_new (FALSE, TRUE, sizeof (guint));
  self->published_rest = g_array_new (FALSE, TRUE, sizeof (guint));
  self->interval_ms = DEFAULT_INTERVAL_MS;
  self->spool_fd = -1;
  self->context = g_main_context_ref_thread_default ();
}

TwLogSource *
tw_log_source_new (const char  *id,
                   const char  *path,
                   GHashTable  *options,
                   GError     **error)
{
  TwLogSource *self;
  TwLogFormat *format;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  format = tw_log_format_new (options, error);
  if (format == NULL)
    return NULL;
  self = g_object_new (TW_TYPE_LOG_SOURCE, NULL);
  self->id = g_strdup (id);
  self->path = g_strdup (path);
  self->format = format;
  if (options != NULL && g_strcmp0 (g_hash_table_lookup (options, "Kind"), "journal") == 0)
    {
      self->is_journal = TRUE;
      self->unit = g_strdup (g_hash_table_lookup (options, "Unit"));
      self->identifier = g_strdup (g_hash_table_lookup (options, "Identifier"));
    }
  else if (options != NULL && g_strcmp0 (g_hash_table_lookup (options, "Kind"), "loki") == 0)
    {
      self->loki = _tw_log_loki_new (id, path, options, error);
      if (self->loki == NULL)
        {
          g_object_unref (self);
          return NULL;
        }
    }
  return self;
}

const char *
tw_log_source_get_id (TwLogSource *self)
{
  return self->id;
}

const char *
tw_log_source_get_path (TwLogSource *self)
{
  return self->path;
}

char *
tw_log_source_dup_current_path (TwLogSource *self)
{
  char *path;

  g_mutex_lock (&self->lock);
  path = g_strdup (self->current_path != NULL ? self->current_path : self->path);
  g_mutex_unlock (&self->lock);
  return path;
}

TwLogFormat *
tw_log_source_get_format (TwLogSource *self)
{
  return self->format;
}

TwLogKind
tw_log_source_get_kind (TwLogSource *self)
{
  return tw_log_format_get_kind (self->format);
}

guint
tw_log_source_get_n_lines (TwLogSource *self)
{
  return self->n_lines;
}

gboolean
tw_log_source_get_indexing (TwLogSource *self)
{
  return self->indexing;
}

const char *
tw_log_source_get_problem (TwLogSource *self)
{
  return self->problem;
}

gsize
tw_log_source_get_index_memory (TwLogSource *self)
{
  gsize bytes = 0;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->segments->len; i++)
    bytes += _tw_log_segment_memory (g_ptr_array_index (self->segments, i));
  g_mutex_unlock (&self->lock);
  return bytes;
}

void
tw_log_source_set_interval (TwLogSource *self,
                            guint        interval_ms)
{
  self->interval_ms = MAX (interval_ms, 10);
}

/* The worker */

typedef struct
{
  TwLogSource *self;
  char        *problem;
  gboolean     set_problem;
  gboolean     indexing;
  gboolean     set_indexing;
} Update;

static void sync_published (TwLogSource *self);

static gboolean
update_cb (gpointer data)
{
  Update *update = data;
  TwLogSource *self = update->self;

  if (update->set_problem && tw_set_str (&self->problem, update->problem))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
  if (update->set_indexing && self->indexing != update->indexing)
    {
      self->indexing = update->indexing;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INDEXING]);
    }
  sync_published (self);
  return G_SOURCE_REMOVE;
}

static void
update_free (gpointer data)
{
  Update *update = data;

  g_object_unref (update->self);
  g_free (update->problem);
  g_free (update);
}

void
_tw_log_source_post (TwLogSource *self,
                     gboolean     set_problem,
                     const char  *problem,
                     int          indexing)
{
  Update *update = g_new0 (Update, 1);

  update->self = g_object_ref (self);
  update->set_problem = set_problem;
  update->problem = g_strdup (problem);
  update->set_indexing = indexing >= 0;
  update->indexing = indexing > 0;
  /* Always queued for the source's thread: g_main_context_invoke() ran it in this worker
   * thread when no thread held the context — between two g_main_context_iteration()
   * calls of the command line's waits, a test's or a benchmark's. */
  {
    GSource *source = g_idle_source_new ();

    g_source_set_priority (source, G_PRIORITY_DEFAULT);
    g_source_set_callback (source, update_cb, update, update_free);
    g_source_set_static_name (source, "[tw] log source update");
    g_source_attach (source, self->context);
    g_source_unref (source);
  }
}

/* A journal: opened once (the newest JOURNAL_HISTORY entries first), then each tick
 * copies the new entries into the spool and indexes them. */
#define JOURNAL_HISTORY 100000
#define JOURNAL_BATCH   50000

static void
journal_step (TwLogSource  *self,
              GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  TwLogSegment *segment;
  gboolean first = FALSE;
  gssize n;

  if (self->journal == NULL)
    {
      g_autofree char *spool = NULL;
      int read_fd;

      _tw_log_source_post (self, FALSE, NULL, TRUE);
      self->journal = _tw_log_journal_open (self->path, self->unit, self->identifier, JOURNAL_HISTORY, &error);
      if (self->journal == NULL)
        {
          _tw_log_source_post (self, TRUE, error->message, FALSE);
          return;
        }
      self->spool_fd = g_file_open_tmp ("tradewarden-journal-XXXXXX", &spool, &error);
      read_fd = self->spool_fd >= 0 ? g_open (spool, O_RDONLY | O_CLOEXEC, 0) : -1;
      if (spool != NULL)
        g_unlink (spool);  /* gone with the source */
      if (read_fd < 0)
        {
          _tw_log_source_post (self, TRUE, error != NULL ? error->message : g_strerror (errno), FALSE);
          g_clear_pointer (&self->journal, _tw_log_journal_free);
  g_clear_pointer (&self->loki, _tw_log_loki_free);
          return;
        }
      segment = _tw_log_segment_new (self->path, read_fd, 0, 0);
      segment->head_done = TRUE;
      g_mutex_lock (&self->lock);
      g_ptr_array_add (self->segments, segment);
      self->current_path = g_strdup (self->path);
      g_mutex_unlock (&self->lock);
      first = TRUE;
    }
  g_mutex_lock (&self->lock);
  segment = g_ptr_array_index (self->segments, 0);
  g_mutex_unlock (&self->lock);
  do
    {
      struct stat st;

      n = _tw_log_journal_export (self->journal, self->spool_fd, JOURNAL_BATCH, &error);
      if (n < 0)
        {
          _tw_log_source_post (self, TRUE, error->message, first ? FALSE : -1);
          return;
        }
      if (n > 0 && fstat (self->spool_fd, &st) == 0)
        {
          _tw_log_segment_index (segment, &segment->tail, segment->tail.end, st.st_size, cancellable);
          _tw_log_source_post (self, FALSE, NULL, -1);
        }
    }
  while (n == JOURNAL_BATCH && !g_cancellable_is_cancelled (cancellable));
  _tw_log_source_post (self, TRUE, NULL, first ? FALSE : -1);
}

/* Loki: what tw-log-loki.c wrote to the spool is indexed. */
static void
loki_step (TwLogSource  *self,
           GCancellable *cancellable)
{
  TwLogSegment *segment;
  struct stat st;

  g_mutex_lock (&self->lock);
  segment = self->segments->len > 0 ? g_ptr_array_index (self->segments, 0) : NULL;
  g_mutex_unlock (&self->lock);
  if (segment != NULL && fstat (segment->fd, &st) == 0 && (guint64) st.st_size > segment->tail.end)
    {
      _tw_log_segment_index (segment, &segment->tail, segment->tail.end, st.st_size, cancellable);
      _tw_log_source_post (self, FALSE, NULL, -1);
    }
}

static void
loki_written_cb (gpointer user_data)
{
  tw_log_source_check (user_data);
}

static void
loki_problem_cb (const char *problem,
                 gpointer    user_data)
{
  TwLogSource *self = user_data;

  if (tw_set_str (&self->problem, problem))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
}

static void
loki_loading_cb (gboolean loading,
                 gpointer user_data)
{
  TwLogSource *self = user_data;

  if (self->indexing != loading)
    {
      self->indexing = loading;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INDEXING]);
    }
}

/* The spool Loki's entries are written to (unlinked: gone with the source), and its
 * segment. FALSE with the problem set. */
static gboolean
loki_open (TwLogSource *self)
{
  static const TwLogLokiCallbacks callbacks = { loki_written_cb, loki_problem_cb, loki_loading_cb };
  g_autoptr(GError) error = NULL;
  g_autofree char *spool = NULL;
  int write_fd = g_file_open_tmp ("tradewarden-loki-XXXXXX", &spool, &error);
  int read_fd = write_fd >= 0 ? g_open (spool, O_RDONLY | O_CLOEXEC, 0) : -1;
  TwLogSegment *segment;

  if (spool != NULL)
    g_unlink (spool);
  if (read_fd < 0)
    {
      g_autofree char *problem = g_strdup_printf (_("Could not keep Loki's lines: %s"),
                                                  error != NULL ? error->message : g_strerror (errno));
      if (write_fd >= 0)
        close (write_fd);
      loki_problem_cb (problem, self);
      return FALSE;
    }
  segment = _tw_log_segment_new (self->path, read_fd, 0, 0);
  segment->head_done = TRUE;
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->segments, segment);
  self->current_path = g_strdup (self->path);
  g_mutex_unlock (&self->lock);
  _tw_log_loki_start (self->loki, write_fd, &callbacks, self);
  return TRUE;
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  TwLogSource *self = source_object;

  if (self->loki != NULL)
    loki_step (self, cancellable);
  else if (self->is_journal)
    journal_step (self, cancellable);
  else if (!self->opened)
    {
      self->opened = TRUE;
      _tw_log_source_open_file (self, cancellable);
    }
  else
    _tw_log_source_follow_file (self, cancellable);
  g_task_return_boolean (task, TRUE);
}

static void run_job (TwLogSource *self);

/* GLib sends a file's first change at once and the next ones at most every rate
 * limit: at 50 ms, a line written is read ≤ 50 ms later plus the indexing (the live
 * tail's goal is 250 ms), and a busy file costs 20 checks a second. */
#define MONITOR_RATE_LIMIT_MS 50

static void
monitor_changed_cb (GFileMonitor      *monitor,
                    GFile             *file,
                    GFile             *other,
                    GFileMonitorEvent  event,
                    gpointer           user_data)
{
  TwLogSource *self = user_data;

  if (event != G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED && event != G_FILE_MONITOR_EVENT_PRE_UNMOUNT)
    tw_log_source_check (self);
}

/* Watches the file to follow (today's, for a date pattern): from the start, before the
 * first read, so that no write falls between a read and the watch. A new day's file
 * is checked at once, as it may have been written before it was watched. */
static void
watch_current (TwLogSource *self)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  gboolean first = self->monitored_path == NULL;

  if (self->is_journal || !self->started || g_cancellable_is_cancelled (self->cancellable))
    return;
  path = _tw_log_expand_today (self->path);
  if (g_strcmp0 (path, self->monitored_path) == 0)
    return;
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->monitor, monitor_changed_cb, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  g_free (self->monitored_path);
  self->monitored_path = g_steal_pointer (&path);
  file = g_file_new_for_path (self->monitored_path);
  self->monitor = g_file_monitor_file (file, G_FILE_MONITOR_NONE, NULL, NULL);
  if (self->monitor != NULL)
    {
      g_file_monitor_set_rate_limit (self->monitor, MONITOR_RATE_LIMIT_MS);
      g_signal_connect (self->monitor, "changed", G_CALLBACK (monitor_changed_cb), self);
    }
  if (!first)
    self->check_again = TRUE;
}

static void
job_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  TwLogSource *self = TW_LOG_SOURCE (object);

  self->job_running = FALSE;
  sync_published (self);
  watch_current (self);
  if (self->check_again && !g_cancellable_is_cancelled (self->cancellable))
    {
      self->check_again = FALSE;
      run_job (self);
    }
}

static void
run_job (TwLogSource *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->job_running)
    {
      self->check_again = TRUE;
      return;
    }
  self->job_running = TRUE;
  task = g_task_new (self, self->cancellable, job_done_cb, NULL);
  g_task_set_source_tag (task, run_job);
  g_task_run_in_thread (task, job_thread);
}

static gboolean
tick_cb (gpointer user_data)
{
  TwLogSource *self = user_data;

  if (!self->job_running)
    run_job (self);
  return G_SOURCE_CONTINUE;
}

void
tw_log_source_start (TwLogSource *self)
{
  g_return_if_fail (TW_IS_LOG_SOURCE (self));

  if (self->started)
    return;
  self->started = TRUE;
  self->cancellable = g_cancellable_new ();
  if (self->loki != NULL)
    {
      /* Indexed when Loki's client has written lines, not by a timer. */
      loki_open (self);
      return;
    }
  watch_current (self);
  run_job (self);
  self->timer_id = g_timeout_add (self->interval_ms, tick_cb, self);
}

void
tw_log_source_stop (TwLogSource *self)
{
  g_return_if_fail (TW_IS_LOG_SOURCE (self));

  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->monitor, monitor_changed_cb, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  if (self->loki != NULL)
    _tw_log_loki_stop (self->loki);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

void
tw_log_source_set_secrets (TwLogSource *self,
                           TwSecrets   *secrets,
                           const char  *profile)
{
  g_return_if_fail (TW_IS_LOG_SOURCE (self));

  if (self->loki != NULL)
    _tw_log_loki_set_secrets (self->loki, secrets, profile);
}

TwLogLoki *
_tw_log_source_get_loki (TwLogSource *self)
{
  return self->loki;
}

void
tw_log_source_check (TwLogSource *self)
{
  g_return_if_fail (TW_IS_LOG_SOURCE (self));

  if (self->started && !g_cancellable_is_cancelled (self->cancellable))
    run_job (self);
}

/* The main thread's view */

static void
sync_published (TwLogSource *self)
{
  guint base = 0;
  guint n_segments;
  guint old_total = self->n_lines;

  g_mutex_lock (&self->lock);
  n_segments = self->segments->len;
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < n_segments; i++)
    {
      TwLogSegment *segment;
      guint head, rest;
      guint *pub_head, *pub_rest;

      g_mutex_lock (&self->lock);
      segment = g_ptr_array_index (self->segments, i);
      g_mutex_unlock (&self->lock);
      if (i >= self->published_head->len)
        {
          g_array_set_size (self->published_head, i + 1);
          g_array_set_size (self->published_rest, i + 1);
        }
      g_mutex_lock (&segment->lock);
      head = segment->head.n;
      rest = segment->tail.n + (segment->cut_end > segment->tail.end ? 1 : 0);
      g_mutex_unlock (&segment->lock);

      pub_head = &g_array_index (self->published_head, guint, i);
      pub_rest = &g_array_index (self->published_rest, guint, i);
      /* The end first when both grew (the index of a file opened, end first, had gone on
       * to its beginning before this ran): a view that gets its first rows shows the
       * newest of them, and the older ones come above. The other way round, it showed
       * the newest of the beginning's rows, the end's below them. */
      if (rest > *pub_rest)
        {
          guint position = base + *pub_head + *pub_rest;
          guint added = rest - *pub_rest;

          *pub_rest = rest;
          self->n_lines += added;
          g_clear_pointer (&self->snapshot, _tw_log_snapshot_unref);
          g_signal_emit (self, signals[LINES_INSERTED], 0, position, added);
        }
      if (head > *pub_head)
        {
          guint position = base + *pub_head;
          guint added = head - *pub_head;

          *pub_head = head;
          self->n_lines += added;
          g_clear_pointer (&self->snapshot, _tw_log_snapshot_unref);
          g_signal_emit (self, signals[LINES_INSERTED], 0, position, added);
        }
      base += *pub_head + *pub_rest;
    }
  if (self->n_lines != old_total)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LINES]);
  /* A chain is verified again once its index has caught up with what was written. */
  if (tw_log_format_get_kind (self->format) == TW_LOG_KIND_AUDIT_CHAIN && !self->job_running
      && self->cancellable != NULL && !g_cancellable_is_cancelled (self->cancellable)
      && (self->chain_status == NULL || self->n_lines != self->chain_verified_lines))
    _tw_log_source_run_chain (self);
}

/* (transfer full) of what was signalled. Used by the main thread only. */
TwLogSnapshot *
_tw_log_source_snapshot (TwLogSource *self)
{
  if (self->snapshot == NULL)
    {
      self->snapshot = _tw_log_snapshot_new (self->id, self->format);
      g_mutex_lock (&self->lock);
      for (guint i = 0; i < self->published_head->len; i++)
        _tw_log_snapshot_add (self->snapshot, g_ptr_array_index (self->segments, i),
                              g_array_index (self->published_head, guint, i),
                              g_array_index (self->published_head, guint, i)
                              + g_array_index (self->published_rest, guint, i));
      g_mutex_unlock (&self->lock);
    }
  return _tw_log_snapshot_ref (self->snapshot);
}

char *
tw_log_source_read_line (TwLogSource *self,
                         guint        row,
                         guint       *flags)
{
  g_autoptr(TwLogSnapshot) snapshot = _tw_log_source_snapshot (self);
  TwLogLineFlags line_flags = 0;
  char *text = _tw_log_snapshot_read (snapshot, row, &line_flags);

  if (flags != NULL)
    *flags = line_flags;
  return text;
}
