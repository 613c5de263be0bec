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
