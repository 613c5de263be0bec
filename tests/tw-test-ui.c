/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-test-ui.h"
#include "tw-test-timing.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#define STALL_PERIOD_US 5000

struct _TwStallMeter
{
  guint  source;
  gint64 last;
  gint64 last_run;    /* µs the main thread had run on a CPU, at the last tick */
  gint64 max;
  gint64 max_raw;
  int    schedstat;   /* /proc/thread-self/schedstat of the main thread, or -1 */
};

/* How long this thread has run on a CPU, in µs; -1 if the kernel does not say. */
static gint64
run_time_us (TwStallMeter *meter)
{
  char buf[128];
  ssize_t len;
  guint64 run_ns;

  if (meter->schedstat < 0)
    return -1;
  len = pread (meter->schedstat, buf, sizeof buf - 1, 0);
  if (len <= 0)
    return -1;
  buf[len] = '\0';
  if (sscanf (buf, "%" G_GUINT64_FORMAT, &run_ns) != 1)
    return -1;
  return (gint64) (run_ns / 1000);
}

/* A late tick is a stall of the main loop. What counts is the time the main thread ran
 * on a CPU between two ticks: the work the main loop did before it came back. The time
 * it waited — for a CPU, or for the X server and the simulator, which a loaded machine
 * starves as much as the test — is not (it showed as 86–177 ms stalls under
 * `stress-ng --cpu 2` on a window that does 5 ms of work a tick). The wall-clock gap is
 * kept as the raw figure. Without schedstat, the raw gap counts. */
static gboolean
stall_tick_cb (gpointer user_data)
{
  TwStallMeter *meter = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 run = run_time_us (meter);
  gint64 gap = now - meter->last - STALL_PERIOD_US;
  gint64 busy = gap;

  if (run >= 0 && meter->last_run >= 0)
    busy = run - meter->last_run;
  if (gap > meter->max_raw)
    meter->max_raw = gap;
  if (busy > meter->max)
    meter->max = busy;
  meter->last = now;
  meter->last_run = run;
  return G_SOURCE_CONTINUE;
}

TwStallMeter *
tw_test_stall_meter_start (void)
{
  TwStallMeter *meter = g_new0 (TwStallMeter, 1);

  meter->schedstat = open ("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  tw_test_stall_meter_resume (meter);
  return meter;
}

void
tw_test_stall_meter_pause (TwStallMeter *meter)
{
  /* Count what happened up to now, then stop watching. */
  if (meter->source != 0)
    stall_tick_cb (meter);
  g_clear_handle_id (&meter->source, g_source_remove);
}

void
tw_test_stall_meter_resume (TwStallMeter *meter)
{
  if (meter->source != 0)
    return;
  meter->last = g_get_monotonic_time ();
  meter->last_run = run_time_us (meter);
  meter->source = g_timeout_add (STALL_PERIOD_US / 1000, stall_tick_cb, meter);
}

gint64
tw_test_stall_meter_get_max (TwStallMeter *meter)
{
  return meter->max;
}

gint64
tw_test_stall_meter_get_max_raw (TwStallMeter *meter)
{
  return meter->max_raw;
}

void
tw_test_stall_meter_free (TwStallMeter *meter)
{
  g_clear_handle_id (&meter->source, g_source_remove);
  if (meter->schedstat >= 0)
    close (meter->schedstat);
  g_free (meter);
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
keep_ticking_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
tw_test_ui_wait_for (TwTestCondition condition,
                     gpointer        user_data,
                     guint           timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (tw_test_scale_timeout (timeout_ms), timeout_cb, &timed_out);
  /* Wakes the loop now and then so conditions on the clock are seen too. */
  guint tick = g_timeout_add (20, keep_ticking_cb, NULL);
  gboolean ok;

  while (!(ok = condition (user_data)) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (tick);
  if (!timed_out)
    g_source_remove (id);
  return ok;
}

static void
after_paint_cb (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

static gboolean
is_true (gpointer user_data)
{
  return *(gboolean *) user_data;
}

gboolean
tw_test_ui_wait_frame (GtkWidget *widget,
                       guint      timeout_ms)
{
  gboolean mapped_or_painted = FALSE;
  GdkFrameClock *clock;
  gulong handler;
  gboolean ok;

  /* First the widget must be mapped (it has a frame clock then). */
  if (!gtk_widget_get_mapped (widget))
    {
      g_signal_connect_swapped (widget, "map", G_CALLBACK (after_paint_cb), &mapped_or_painted);
      tw_test_ui_wait_for (is_true, &mapped_or_painted, timeout_ms);
      g_signal_handlers_disconnect_by_data (widget, &mapped_or_painted);
      if (!gtk_widget_get_mapped (widget))
        return FALSE;
      mapped_or_painted = FALSE;
    }

  clock = gtk_widget_get_frame_clock (widget);
  if (clock == NULL)
    return FALSE;
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &mapped_or_painted);
  gtk_widget_queue_draw (widget);
  ok = tw_test_ui_wait_for (is_true, &mapped_or_painted, timeout_ms);
  g_signal_handler_disconnect (clock, handler);
  return ok;
}

char *
tw_test_ui_save_png (GtkWidget  *widget,
                     const char *name)
{
  const char *dir = g_getenv ("TW_SCREENSHOT_DIR");
  g_autofree char *fallback = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  GskRenderer *renderer;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (dir == NULL || *dir == '\0')
    dir = fallback = g_build_filename (g_get_tmp_dir (), "tw-screenshots", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  path = g_build_filename (dir, name, NULL);

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  paintable = gtk_widget_paintable_new (widget);
  /* A window just presented may draw nothing for a frame or two on a loaded machine. */
  for (guint attempt = 0;; attempt++)
    {
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node != NULL || attempt == 20)
        break;
      tw_test_ui_wait_frame (widget, 1000);
    }
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_assert_nonnull (renderer);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_render_node_unref (node);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s (%d×%d)", path, width, height);

  return g_steal_pointer (&path);
}

static gboolean
is_icon_only_button (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget))
    return gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget)) != NULL
           && gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)) == NULL;
  if (GTK_IS_BUTTON (widget))
    return gtk_button_get_label (GTK_BUTTON (widget)) == NULL
           && (gtk_button_get_icon_name (GTK_BUTTON (widget)) != NULL
               || GTK_IS_IMAGE (gtk_button_get_child (GTK_BUTTON (widget))));
  return FALSE;
}

static void
check_tree (GtkWidget *widget,
            guint     *n_checked)
{
  if (is_icon_only_button (widget))
    {
      GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

      (*n_checked)++;
      if (!gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL)
          && !gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
        g_error ("Icon-only %s (icon “%s”, in %s) has no accessible label",
                 G_OBJECT_TYPE_NAME (widget),
                 GTK_IS_MENU_BUTTON (widget) ? gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget))
                                             : gtk_button_get_icon_name (GTK_BUTTON (widget)),
                 G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)));
      /* A menu button's inner toggle is its own implementation. */
      if (GTK_IS_MENU_BUTTON (widget))
        return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_tree (child, n_checked);
}

guint
tw_test_ui_assert_icon_buttons_labelled (GtkWidget *root)
{
  guint n_checked = 0;

  check_tree (root, &n_checked);
  return n_checked;
}
