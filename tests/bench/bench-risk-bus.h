/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* bench-risk's view of the session bus: a second connection of the process that
 * becomes a bus monitor (org.freedesktop.DBus.Monitoring.BecomeMonitor) for the
 * org.freedesktop.Notifications Notify calls, each timestamped (monotonic µs) in GDBus's
 * worker thread as the bus delivers it; and the test notification server's own count. */

#define BENCH_URGENCY_CRITICAL 2

typedef struct _BenchBusMonitor BenchBusMonitor;

BenchBusMonitor *bench_bus_monitor_start (GError          **error);
void             bench_bus_monitor_free  (BenchBusMonitor  *monitor);
/* Notify calls seen so far. Thread-safe. */
guint            bench_bus_monitor_count (BenchBusMonitor  *monitor);
/* The time of the first Notify seen from index @from on, at or after @since_us, with
 * @urgency and a summary starting with @prefix; 0 if none yet. @sender: (out) (optional)
 * the caller's unique name, set when found and *@sender is NULL. */
gint64           bench_bus_monitor_find  (BenchBusMonitor  *monitor,
                                          guint             from,
                                          gint64            since_us,
                                          guint8            urgency,
                                          const char       *prefix,
                                          char            **sender);

/* How many Notify calls of @sender with @urgency and a summary starting with @prefix the
 * test notification server (tests/notification-recorder.py) recorded; -1 when it cannot
 * tell (another notification server). */
int              bench_recorder_count    (const char       *sender,
                                          guint8            urgency,
                                          const char       *prefix);

G_END_DECLS
