/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tw-service-history.h"
#include "tw-service-details.h"

G_BEGIN_DECLS

/* The last hour of a service's health, drawn with GtkSnapshot: its latency as a line
 * (scaled to the hour's highest) and, under it, a strip coloured by state (ok, degraded,
 * failing), so a state change shows where it happened. Redrawn when the history changes. */
#define TW_TYPE_SPARKLINE (tw_sparkline_get_type ())
G_DECLARE_FINAL_TYPE (TwSparkline, tw_sparkline, TW, SPARKLINE, GtkWidget)

GtkWidget        *tw_sparkline_new         (void);
/* @history: (nullable) */
void              tw_sparkline_set_history (TwSparkline      *self,
                                            TwServiceHistory *history);
TwServiceHistory *tw_sparkline_get_history (TwSparkline      *self);
/* Draws @samples (the last hour of a number, oldest first) as a line scaled between
 * their lowest and highest, instead of a history. Copied. */
void              tw_sparkline_set_values  (TwSparkline          *self,
                                            const TwFigureSample *samples,
                                            guint                 n_samples);
/* For tests: how many latency points and state segments the last snapshot drew. */
guint             tw_sparkline_get_n_points   (TwSparkline   *self);
guint             tw_sparkline_get_n_segments (TwSparkline   *self);

G_END_DECLS
