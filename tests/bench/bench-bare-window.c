/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

/* The baseline of bench-startup.sh: the smallest libadwaita application — one
 * AdwApplicationWindow with a header bar and a label — built with the same flags
 * as tradewarden. Like `TW_BENCH_FIRST_FRAME=1 tradewarden`, it prints
 * "FIRST_FRAME <µs since main>" once its first frame is painted, then quits. */

#include <adwaita.h>
#include <stdio.h>

#define BARE_APP_ID "io.github.tradewarden.BenchBareWindow"

typedef struct
{
  gint64   start_time_us;
  gboolean done;
} BareState;

static gboolean
quit_idle_cb (gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_REMOVE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  GApplication *app = g_application_get_default ();
  BareState *state = user_data;

  if (state->done)
    return;
  state->done = TRUE;
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, user_data);
  printf ("FIRST_FRAME %" G_GINT64_FORMAT "\n", g_get_monotonic_time () - state->start_time_us);
  fflush (stdout);
  g_idle_add (quit_idle_cb, app);
}

static void
window_map_cb (GtkWidget *window,
               gpointer   user_data)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (after_paint_cb), user_data);
}

static void
activate_cb (GApplication *app,
             gpointer      user_data)
{
  GtkWidget *window;
  GtkWidget *box;
  GtkWidget *label;

  window = adw_application_window_new (GTK_APPLICATION (app));
  gtk_window_set_title (GTK_WINDOW (window), "Bare Window");
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  label = gtk_label_new ("Hello from GTK 4 and libadwaita");
  gtk_widget_set_vexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);

  if (g_getenv ("TW_BENCH_FIRST_FRAME") != NULL)
    g_signal_connect (window, "map", G_CALLBACK (window_map_cb), user_data);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  BareState state = { g_get_monotonic_time (), FALSE };
  g_autoptr(AdwApplication) app = NULL;

  app = adw_application_new (BARE_APP_ID, G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), &state);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
