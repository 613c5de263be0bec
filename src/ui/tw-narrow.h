/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A page's narrow mode, without AdwBreakpoint (libadwaita 1.4): the page (a bin: one
 * child) gets a layout manager that reports its width after each allocation, and when the
 * width crosses the threshold the page is told, once the frame is done (never in the
 * middle of its own layout).
 *
 * The wide layout must fit the threshold (its minimum width no larger), so that a window
 * made narrower crosses the threshold before it reaches the wide layout's minimum. */

typedef void (*TwNarrowFunc) (GtkWidget *widget,
                              gboolean   narrow);

/* The width the wide layout needs now, measured while it is shown. */
typedef int  (*TwNarrowMeasure) (GtkWidget *widget);

typedef struct
{
  GtkWidget    *widget;      /* unowned: the page */
  TwNarrowFunc  func;
  TwNarrowMeasure measure;   /* nullable: the threshold then stays as set */
  int           threshold;
  gboolean      narrow;
  gboolean      pending;     /* the value to apply */
  guint         idle_id;
} TwNarrow;

/* Sets @widget's layout manager (a GtkBinLayout's): @widget lays out one child. */
void     tw_narrow_init     (TwNarrow     *narrow,
                             GtkWidget    *widget,
                             int           threshold,
                             TwNarrowFunc  func);
/* The threshold follows what the wide layout needs (e.g. a table's every column, its
 * actions last), measured at each allocation while the page is wide: it turns narrow as
 * soon as the wide layout no longer fits, and wide again once the width it needed is
 * back. */
void     tw_narrow_set_measure (TwNarrow        *narrow,
                                TwNarrowMeasure  measure);
/* Called by the layout; for a widget that allocates itself. */
void     tw_narrow_allocate (TwNarrow     *narrow,
                             int           width);
/* From dispose. */
void     tw_narrow_clear    (TwNarrow     *narrow);

G_END_DECLS
