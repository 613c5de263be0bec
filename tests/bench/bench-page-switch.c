/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

/* The floor of the opening's first frame in bench-poll.sh: a libadwaita window
 * repainting all of itself with nothing new to build or load. When a profile opens in
 * a window already on screen, the console's next frame repaints the whole window (the
 * empty page gives way to the sidebar and the Overview); this measures what any such
 * frame costs on this machine and toolkit, whatever the application.
 *
 * A window of the console's default size shows an empty status page. A page (a
 * sidebar of 9 rows, a heading and a list of 40 rows) is built and shown once, then
 * the empty page again, so its fonts, glyphs and styles are loaded and its widgets
 * built. Then the page is shown again: that switch and the frames after it are
 * measured. A 1 ms timer on the main loop, as bench-poll's meter, measures the longest
 * stall from the switch until 1.5 s after it (not the switch's own dispatch). Prints one line, then quits:
 *
 *   PAGE_SWITCH worst_stall_us=N switch_us=N frame_us=N paint_us=N
 *
 * switch_us is the dispatch that shows the page; frame_us and paint_us the first frame
 * after it (from before-paint to after-paint, and its paint phase).
 *
 * --grow-mb N: the measured switch's dispatch also allocates N MB in blocks of 256
 * bytes, kept, as opening a profile builds its session's objects in the same dispatch
 * (200 services add about 26 MB): the frame's full-window image then takes fresh
 * pages, not the ones the earlier frames' images left free. */

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BENCH_APP_ID "io.github.tradewarden.BenchPageSwitch"
#define METER_PERIOD_MS 1
#define SETTLE_MS 1000
#define MEASURE_MS 1500
#define WIDTH 1000     /* the console's default size: ui/tw-window.ui */
#define HEIGHT 720

typedef struct
{
  GtkStack  *stack;
  gint64     last_tick_us;
  gint64     max_late_us;
  gint64     switch_us;
  gint64     frame_start_us;
  gint64     layout_done_us;
  gint64     frame_us;
  gint64     paint_us;
  guint      step;     /* the switches made */
  gboolean   started;
  gboolean   measuring;
  guint      grow_mb;
} State;

static gboolean
meter_tick_cb (gpointer user_data)
{
  State *state = user_data;
  gint64 now = g_get_monotonic_time ();

  if (state->last_tick_us != 0)
    state->max_late_us = MAX (state->max_late_us, now - state->last_tick_us - METER_PERIOD_MS * 1000);
  state->last_tick_us = now;
  return G_SOURCE_CONTINUE;
}

static GtkWidget *
build_page (void)
{
  static const char *pages[] = { "Overview", "Breakers", "Positions", "Orders", "Flags",
                                 "Backups", "Logs", "Alerts", "Keys" };
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *sidebar = gtk_list_box_new ();
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *title = gtk_label_new ("200 services · 200 OK");

  gtk_widget_add_css_class (sidebar, "navigation-sidebar");
  gtk_widget_set_size_request (sidebar, 220, -1);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    gtk_list_box_append (GTK_LIST_BOX (sidebar), gtk_label_new (pages[i]));
  gtk_box_append (GTK_BOX (box), sidebar);
  gtk_box_append (GTK_BOX (box), gtk_separator_new (GTK_ORIENTATION_VERTICAL));

  gtk_widget_add_css_class (title, "title-2");
  gtk_widget_set_margin_top (title, 18);
  gtk_box_append (GTK_BOX (content), title);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_widget_set_margin_start (list, 18);
  gtk_widget_set_margin_end (list, 18);
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("Service %u", i + 1);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), "OK · 12 ms · updated just now");
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (content), scrolled);
  gtk_widget_set_hexpand (content, TRUE);
  gtk_box_append (GTK_BOX (box), content);
  return box;
}

static gboolean
quit_cb (gpointer user_data)
{
  State *state = user_data;

  printf ("PAGE_SWITCH worst_stall_us=%" G_GINT64_FORMAT " switch_us=%" G_GINT64_FORMAT
          " frame_us=%" G_GINT64_FORMAT " paint_us=%" G_GINT64_FORMAT "\n",
          state->max_late_us, state->switch_us, state->frame_us, state->paint_us);
  fflush (stdout);
  g_application_quit (g_application_get_default ());
  return G_SOURCE_REMOVE;
}

static gboolean
switch_cb (gpointer user_data)
{
  State *state = user_data;
  gint64 start = g_get_monotonic_time ();

  state->step++;
  switch (state->step)
    {
    case 1:   /* built and shown once */
      gtk_stack_add_named (state->stack, build_page (), "main");
      gtk_stack_set_visible_child_name (state->stack, "main");
      break;
    case 2:   /* the empty page again */
      gtk_stack_set_visible_child_name (state->stack, "empty");
      break;
    default:  /* measured */
      state->max_late_us = 0;
      state->last_tick_us = 0;
      for (gsize i = 0, n = (gsize) state->grow_mb * 1024 * 1024 / 256; i < n; i++)
        memset (g_malloc (256), 1, 256);   /* kept to the end, as a session's objects */
      start = g_get_monotonic_time ();
      gtk_stack_set_visible_child_name (state->stack, "main");
      state->switch_us = g_get_monotonic_time () - start;
      state->measuring = TRUE;
      g_timeout_add (MEASURE_MS, quit_cb, state);
      return G_SOURCE_REMOVE;
    }
  g_timeout_add (SETTLE_MS, switch_cb, state);
  return G_SOURCE_REMOVE;
}

static void
before_paint_cb (GdkFrameClock *clock,
                 State         *state)
{
  state->frame_start_us = g_get_monotonic_time ();
  state->layout_done_us = state->frame_start_us;
}

static void
layout_cb (GdkFrameClock *clock,
           State         *state)
{
  state->layout_done_us = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                State         *state)
{
  gint64 now = g_get_monotonic_time ();

  if (!state->started)
    {
      /* The window's own first frame: let it settle, then start switching. */
      state->started = TRUE;
      g_timeout_add_full (G_PRIORITY_DEFAULT, METER_PERIOD_MS, meter_tick_cb, state, NULL);
      g_timeout_add (SETTLE_MS, switch_cb, state);
      return;
    }
  if (state->measuring && state->frame_us == 0 && state->frame_start_us != 0)
    {
      state->frame_us = now - state->frame_start_us;
      state->paint_us = now - state->layout_done_us;
    }
}

static void
map_cb (GtkWidget *window,
        State     *state)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), state);
  g_signal_connect (clock, "layout", G_CALLBACK (layout_cb), state);
  g_signal_connect_after (clock, "after-paint", G_CALLBACK (after_paint_cb), state);
}

static void
activate_cb (GtkApplication *app,
             State          *state)
{
  GtkWidget *window = adw_application_window_new (app);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *status = adw_status_page_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  gtk_window_set_title (GTK_WINDOW (window), "Page switch");
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "dialog-information-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (status), "No Profile");
  adw_status_page_set_description (ADW_STATUS_PAGE (status), "Open a profile to watch its services.");
  state->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (state->stack, status, "empty");
  gtk_widget_set_vexpand (GTK_WIDGET (state->stack), TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (state->stack));
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  g_signal_connect (window, "map", G_CALLBACK (map_cb), state);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = adw_application_new (BENCH_APP_ID, G_APPLICATION_NON_UNIQUE);
  State state = { 0, };

  if (argc == 3 && strcmp (argv[1], "--grow-mb") == 0)
    {
      state.grow_mb = (guint) strtoul (argv[2], NULL, 10);
      argc = 1;
    }
  else if (argc != 1)
    {
      fprintf (stderr, "usage: bench-page-switch [--grow-mb N]\n");
      return 2;
    }
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), &state);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
