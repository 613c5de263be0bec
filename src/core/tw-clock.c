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
