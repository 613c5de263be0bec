/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One bench-canary per CPU this process may run on (tests/bench/bench-canary.c): the
 * moments every CPU stood still at once, to tell them from the console's own stalls. */
typedef struct _BenchCanaries BenchCanaries;

BenchCanaries *bench_canaries_start          (const char     *dir,
                                              double          seconds,
                                              GError        **error);
gboolean       bench_canaries_finished       (BenchCanaries  *self);
gboolean       bench_canaries_collect        (BenchCanaries  *self,
                                              GError        **error);
guint          bench_canaries_get_n_cpus     (BenchCanaries  *self);
guint          bench_canaries_get_n_pauses   (BenchCanaries  *self);
gint64         bench_canaries_get_longest_us (BenchCanaries  *self);
gint64         bench_canaries_paused_us      (BenchCanaries  *self,
                                              gint64          from_us,
                                              gint64          to_us);
gint64         bench_canaries_cpu_late_us    (BenchCanaries  *self,
                                              int             cpu,
                                              gint64          from_us,
                                              gint64          to_us);
void           bench_canaries_free           (BenchCanaries  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BenchCanaries, bench_canaries_free)

G_END_DECLS
