/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tw-frame-pool.c on the X server of the test session with the cairo renderer: without
 * the hold, cairo-xlib lets go of the shared-memory segment of a window's whole frame
 * and makes a new one for the next (the control: skipped where cairo keeps it anyway);
 * with it, every whole frame and small frame after the first reuses the first frame's
 * segment. Segments are read from /proc/sysvipc/shm (those this process created, still
 * attached). */
#include "config.h"

#include <unistd.h>

#include "tw-frame-pool.h"
#include "tw-test-ui.h"

#define WIDTH 640
#define HEIGHT 480

typedef struct
{
  GtkWidget       *window;
  GtkWidget       *corner;     /* a small widget, for a small frame */
  cairo_surface_t *held;
  gboolean         hold;
  gboolean         painted;
} Fixture;

/* The shmids of this process's attached segments of at least a whole frame's size. */
static GArray *
read_frame_segments (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GArray *shmids = g_array_new (FALSE, FALSE, sizeof (int));

  g_assert_true (g_file_get_contents ("/proc/sysvipc/shm", &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      long long key, size;
      int shmid, perms, cpid, lpid, nattch;

      if (sscanf (lines[i], "%lld %d %o %lld %d %d %d", &key, &shmid, &perms, &size, &cpid, &lpid,
                  &nattch) != 7)
        continue;
      if (cpid == getpid () && nattch > 0 && size >= (long long) WIDTH * HEIGHT * 4)
        g_array_append_val (shmids, shmid);
    }
  return shmids;
}

static void
map_cb (GtkWidget *window,
        Fixture   *f)
{
  if (f->hold && f->held == NULL)
    f->held = tw_frame_pool_hold (window);
}

static void
after_paint_cb (GdkFrameClock *clock,
                Fixture       *f)
{
  f->painted = TRUE;
}

static gboolean
is_painted (gpointer data)
{
  return ((Fixture *) data)->painted;
}

static gboolean
x11_with_cairo (GtkWidget *window)
{
  GdkDisplay *display = gtk_widget_get_display (window);

  return g_str_has_prefix (G_OBJECT_TYPE_NAME (display), "GdkX11") &&
         GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (GTK_NATIVE (window)));
}

/* A frame of the small widget alone. */
static void
wait_small_frame (Fixture *f)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (f->window);
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), f);

  f->painted = FALSE;
  gtk_widget_queue_draw (f->corner);
  g_assert_true (tw_test_ui_wait_for (is_painted, f, 5000));
  g_signal_handler_disconnect (clock, handler);
}

/* Returns the segments after the window's first frame through @after, after two small
 * and two whole frames; FALSE (skipped) where the pool cannot be looked at. */
static gboolean
run_frames (Fixture  *f,
            GArray  **first,
            GArray  **after)
{
  GtkWidget *box;

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), WIDTH, HEIGHT);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  f->corner = gtk_label_new ("·");
  gtk_widget_set_halign (f->corner, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (box), f->corner);
  gtk_window_set_child (GTK_WINDOW (f->window), box);
  g_signal_connect (f->window, "map", G_CALLBACK (map_cb), f);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (tw_test_ui_wait_frame (f->window, 5000));
  if (!x11_with_cairo (f->window))
    {
      g_test_skip ("Not an X11 display with the cairo renderer");
      return FALSE;
    }

  *first = read_frame_segments ();
  for (int i = 0; i < 2; i++)
    {
      wait_small_frame (f);
      g_assert_true (tw_test_ui_wait_frame (f->window, 5000));
    }
  *after = read_frame_segments ();
  return TRUE;
}

static void
fixture_teardown (Fixture *f)
{
  g_clear_pointer (&f->held, cairo_surface_destroy);
  g_clear_pointer ((GtkWindow **) &f->window, gtk_window_destroy);
}

static gboolean
same_segments (GArray *a,
               GArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (g_array_index (a, int, i) != g_array_index (b, int, i))
      return FALSE;
  return TRUE;
}

static void
test_without_hold (void)
{
  Fixture f = { .hold = FALSE };
  g_autoptr(GArray) first = NULL;
  g_autoptr(GArray) after = NULL;

  if (run_frames (&f, &first, &after) && same_segments (first, after) && first->len > 0)
    g_test_skip ("cairo-xlib kept the whole frame's segment on its own");
  fixture_teardown (&f);
}

static void
test_hold (void)
{
  Fixture f = { .hold = TRUE };
  g_autoptr(GArray) first = NULL;
  g_autoptr(GArray) after = NULL;

  if (run_frames (&f, &first, &after))
    {
      g_assert_nonnull (f.held);
      g_assert_cmpuint (first->len, ==, 1);
      g_assert_true (same_segments (first, after));
    }
  fixture_teardown (&f);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tw/frame-pool/without-hold", test_without_hold);
  g_test_add_func ("/tw/frame-pool/hold", test_hold);

  return g_test_run ();
}
