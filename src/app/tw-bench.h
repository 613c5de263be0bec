/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* TW_BENCH_FIRST_FRAME (tests/bench/bench-startup.sh): prints "FIRST_FRAME <µs>" when the
 * first window of @application painted its first frame, counted from @start_us
 * (g_get_monotonic_time() at main()), then quits. */
void tw_bench_report_first_frame (GtkApplication *application,
                                  gint64          start_us);

G_END_DECLS
