/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-clock.h"

/* How long the local time zone is kept before it is read again: a change of the
 * system's zone shows within this. */
#define LOCAL_ZONE_TTL_US (60 * G_USEC_PER_SEC)

static GMutex     zone_lock;
static GTimeZone *zone;
static gint64     zone_read_us;
static char      *zone_tz;      /* $TZ when it was read */

/**
 * tw_date_time_new_now_local:
 *
 * g_date_time_new_now_local(), without reading the time zone each time: GLib 2.74's
 * g_time_zone_new_local() drops its cached zone whenever $TZ is unset (its identifier,
 * "UTC" or "Europe/Berlin", is never equal to the NULL of the environment) and parses
 * /etc/localtime again, which every poll's answer paid, several times. Here the zone is
 * read again at most once a minute, or at once when $TZ changed.
 *
 * Returns: (transfer full): now, in the local time zone
 */
GDateTime *
tw_date_time_new_now_local (void)
{
  const char *tz = g_getenv ("TZ");
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GTimeZone) local = NULL;

  g_mutex_lock (&zone_lock);
  if (zone == NULL || now - zone_read_us > LOCAL_ZONE_TTL_US || g_strcmp0 (tz, zone_tz) != 0)
    {
      g_clear_pointer (&zone, g_time_zone_unref);
      zone = g_time_zone_new_local ();
      zone_read_us = now;
      g_free (zone_tz);
      zone_tz = g_strdup (tz);
    }
  local = g_time_zone_ref (zone);
  g_mutex_unlock (&zone_lock);

  return g_date_time_new_now (local);
}

static gboolean
ready_time_dispatch (GSource     *source,
                     GSourceFunc  callback,
                     gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs ready_time_funcs = {
  .dispatch = ready_time_dispatch,
};

/**
 * tw_ready_time_source_new:
 * @context: (nullable): where it is attached (the global default when %NULL)
 * @static_name: its name, a string that lives as long as the program
 * @func: called when the ready time passes; it sets the next one
 * @notify: (nullable): frees @data with the source
 *
 * One source for many deadlines: it never fires until g_source_set_ready_time() gives
 * it a time. Dispatching does not reset that time: @func sets the next one, or -1, or
 * it fires again at the next iteration. A timeout source each would cost an attach and
 * a destroy per deadline, and every main-loop iteration walks them all.
 *
 * Returns: (transfer full): the source, attached
 */
GSource *
tw_ready_time_source_new (GMainContext   *context,
                          const char     *static_name,
                          GSourceFunc     func,
                          gpointer        data,
                          GDestroyNotify  notify)
{
  GSource *source = g_source_new (&ready_time_funcs, sizeof (GSource));

  g_source_set_static_name (source, static_name);
  g_source_set_callback (source, func, data, notify);
  g_source_set_ready_time (source, -1);
  g_source_attach (source, context);
  return source;
}

/* Many repeating timers in one source: see tw_timer_add(). On the global default main
 * context, from the thread that runs it, as g_timeout_add (). */

typedef struct
{
  guint        id;
  gint64       due_us;
  guint        interval_ms;
  GSourceFunc  func;
  gpointer     data;
} Timer;

static GSource    *timers_source;
static GHashTable *timers;          /* id → Timer* */
static guint       timers_last_id;

static void
timers_arm (void)
{
  GHashTableIter iter;
  gpointer value;
  gint64 next = -1;

  g_hash_table_iter_init (&iter, timers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Timer *timer = value;

      if (next < 0 || timer->due_us < next)
        next = timer->due_us;
    }
  g_source_set_ready_time (timers_source, next);
}

static gboolean
timers_dispatch (gpointer user_data)
{
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GArray) due = g_array_new (FALSE, FALSE, sizeof (guint));
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, timers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Timer *) value)->due_us <= now)
      g_array_append_val (due, ((Timer *) value)->id);

  /* A callback may add or remove timers, its own too: each is looked up again. */
  for (guint i = 0; i < due->len; i++)
    {
      guint id = g_array_index (due, guint, i);
      Timer *timer = g_hash_table_lookup (timers, GUINT_TO_POINTER (id));

      if (timer == NULL)
        continue;
      timer->due_us = now + (gint64) timer->interval_ms * 1000;
      if (!timer->func (timer->data))
        g_hash_table_remove (timers, GUINT_TO_POINTER (id));
    }
  timers_arm ();
  return G_SOURCE_CONTINUE;
}

/**
 * tw_timer_add:
 * @interval_ms: the time between two calls
 * @first_ms: the time until the first call
 * @func: called when due; it returns %G_SOURCE_REMOVE to stop
 * @data: its data
 *
 * A repeating timer of the default main context, as g_timeout_add () but with its first
 * call after @first_ms: every such timer shares one source. A profile has a timer for
 * each of its services (their details, read every minute), and each main-loop iteration
 * walks every source of the context: 200 timeout sources cost every iteration of the
 * console, all of them but one waiting for the minute's end.
 *
 * Returns: its id, never 0, for tw_timer_remove()
 */
guint
tw_timer_add (guint       interval_ms,
              guint       first_ms,
              GSourceFunc func,
              gpointer    data)
{
  Timer *timer;

  g_return_val_if_fail (func != NULL, 0);

  if (timers_source == NULL)
    {
      timers = g_hash_table_new_full (NULL, NULL, NULL, g_free);
      timers_source = tw_ready_time_source_new (NULL, "[tw] timers", timers_dispatch, NULL, NULL);
    }
  timer = g_new0 (Timer, 1);
  timer->id = ++timers_last_id != 0 ? timers_last_id : ++timers_last_id;
  timer->due_us = g_get_monotonic_time () + (gint64) first_ms * 1000;
  timer->interval_ms = interval_ms;
  timer->func = func;
  timer->data = data;
  g_hash_table_insert (timers, GUINT_TO_POINTER (timer->id), timer);
  if (g_source_get_ready_time (timers_source) < 0 || timer->due_us < g_source_get_ready_time (timers_source))
    g_source_set_ready_time (timers_source, timer->due_us);
  return timer->id;
}

/**
 * tw_timer_remove:
 * @id: a timer of tw_timer_add(), or 0 (nothing)
 *
 * Stops it: its function is not called again. The source stays for the next timer.
 */
void
tw_timer_remove (guint id)
{
  if (id == 0 || timers == NULL)
    return;
  if (g_hash_table_remove (timers, GUINT_TO_POINTER (id)))
    timers_arm ();
}

/* How many timers run (for tests). */
guint
tw_timer_count (void)
{
  return timers != NULL ? g_hash_table_size (timers) : 0;
}
