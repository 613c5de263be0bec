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

/* The width the page's present layout needs. */
typedef int      (*TwNarrowMeasure) (GtkWidget *widget);
/* Lays the page out for @width (e.g. a table gives up columns until it fits); returns
 * whether anything was given up, and in @fits whether it fits now. */
typedef gboolean (*TwNarrowFit)     (GtkWidget *widget,
                                     int        width,
                                     gboolean  *fits);

typedef struct
{
  GtkWidget    *widget;      /* unowned: the page */
  TwNarrowFunc  func;
  TwNarrowFit   fit;         /* nullable: a threshold's two layouts then */
  TwNarrowMeasure measure;
  int           fitted_width;
  int           refit_width;   /* fitted again (rows grew) at this width */
  int           pending_width;
  gboolean      fits;
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
/* Instead of a threshold: @fit is called (once the frame is done) whenever the page's
 * width changes, and when the layout it chose no longer fits (@measure: its minimum
 * width, e.g. wider rows have come). A layout that could not fit is not tried again
 * before the width changes: no frame after frame of relayout. */
void     tw_narrow_set_fit  (TwNarrow        *narrow,
                             TwNarrowFit      fit,
                             TwNarrowMeasure  measure);
/* Called by the layout; for a widget that allocates itself. */
void     tw_narrow_allocate (TwNarrow     *narrow,
                             int           width);
/* From dispose. */
void     tw_narrow_clear    (TwNarrow     *narrow);

/* A banner's box (for templates): an icon, a text and a button, in that order, 12 px
 * apart: the three on one line while the text has room beside the button (its whole
 * line, or 240 px), else the button on a line of its own under the text, at the end. */
#define TW_TYPE_BANNER_BOX (tw_banner_box_get_type ())
G_DECLARE_FINAL_TYPE (TwBannerBox, tw_banner_box, TW, BANNER_BOX, GtkWidget)

G_END_DECLS
