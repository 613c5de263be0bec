/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-bench.h"

#include <stdio.h>

typedef struct
{
  GApplication *application;   /* unowned: it outlives its windows */
  gint64        start_us;
  gboolean      done;
} FirstFrame;

static gboolean
quit_idle_cb (gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_REMOVE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                FirstFrame    *first)
{
  if (first->done)
    return;
  first->done = TRUE;
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, first);
  printf ("FIRST_FRAME %" G_GINT64_FORMAT "\n", g_get_monotonic_time () - first->start_us);
  fflush (stdout);
  g_idle_add (quit_idle_cb, first->application);
}

static void
window_map_cb (GtkWidget  *window,
               FirstFrame *first)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (after_paint_cb), first);
}

static void
window_added_cb (GtkApplication *application,
                 GtkWindow      *window,
                 FirstFrame     *first)
{
  g_signal_handlers_disconnect_by_func (application, window_added_cb, first);
  g_signal_connect (window, "map", G_CALLBACK (window_map_cb), first);
}

void
tw_bench_report_first_frame (GtkApplication *application,
                             gint64          start_us)
{
  /* One report a process, which it ends. */
  static FirstFrame first;

  g_return_if_fail (GTK_IS_APPLICATION (application));

  first.application = G_APPLICATION (application);
  first.start_us = start_us;
  g_signal_connect (application, "window-added", G_CALLBACK (window_added_cb), &first);
}
