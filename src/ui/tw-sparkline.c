/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "tw-sparkline.h"

#define STRIP_HEIGHT 6.0
#define GAP          3.0

struct _TwSparkline
{
  GtkWidget         parent_instance;

  TwServiceHistory *history;
  GArray           *values;     /* TwFigureSample: a number's hour, or NULL */
  guint             n_points;
  guint             n_segments;
};

G_DEFINE_FINAL_TYPE (TwSparkline, tw_sparkline, GTK_TYPE_WIDGET)

static void
history_changed_cb (TwSparkline *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
is_dark (void)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ());
}

static GdkRGBA
state_colour (TwServiceState state)
{
  GdkRGBA colour;

  /* libadwaita's success, warning and error colours */
  switch (state)
    {
    case TW_SERVICE_STATE_OK:
      gdk_rgba_parse (&colour, is_dark () ? "#26a269" : "#2ec27e");
      break;
    case TW_SERVICE_STATE_DEGRADED:
      gdk_rgba_parse (&colour, is_dark () ? "#cd9309" : "#e5a50a");
      break;
    case TW_SERVICE_STATE_UNKNOWN:
      gdk_rgba_parse (&colour, "#9a9996");
      break;
    default:
      gdk_rgba_parse (&colour, is_dark () ? "#c01c28" : "#e01b24");
      break;
    }
  return colour;
}

static void
line_to (GtkSnapshot   *snapshot,
         const GdkRGBA *colour,
         double         px,
         double         py,
         double         x,
         double         y)
{
  double dx = x - px, dy = y - py;
  double length = sqrt (dx * dx + dy * dy);

  if (length <= 0.5)
    return;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (px, py));
  gtk_snapshot_rotate (snapshot, atan2 (dy, dx) * 180 / G_PI);
  gtk_snapshot_append_color (snapshot, colour, &GRAPHENE_RECT_INIT (0, -1, length, 2));
  gtk_snapshot_restore (snapshot);
}

/* A number's last hour: a line between its lowest and highest readings. */
static void
snapshot_values (TwSparkline *self,
                 GtkSnapshot *snapshot,
                 double       width,
                 double       height)
{
  gint64 now = g_get_real_time ();
  gint64 start = now - TW_HISTORY_SPAN_US;
  double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;
  double px = 0, py = 0;
  GdkRGBA line, baseline;

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &line);
  baseline = line;
  baseline.alpha = 0.15;
  gtk_snapshot_append_color (snapshot, &baseline, &GRAPHENE_RECT_INIT (0, height - 1, width, 1));
  for (guint i = 0; i < self->values->len; i++)
    {
      const TwFigureSample *s = &g_array_index (self->values, TwFigureSample, i);

      if (isfinite (s->value))
        {
          lo = MIN (lo, s->value);
          hi = MAX (hi, s->value);
        }
    }
  for (guint i = 0; i < self->values->len; i++)
    {
      const TwFigureSample *s = &g_array_index (self->values, TwFigureSample, i);
      double x = width * (double) (MAX (s->time_us, start) - start) / TW_HISTORY_SPAN_US;
      double y;

      if (!isfinite (s->value))
        continue;
      y = hi > lo ? height - 2 - (height - 4) * (s->value - lo) / (hi - lo) : height / 2;
      if (self->n_points > 0)
        line_to (snapshot, &line, px, py, x, y);
      gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (x - 1, y - 1, 2, 2));
      px = x;
      py = y;
      self->n_points++;
    }
}

static void
tw_sparkline_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  TwSparkline *self = TW_SPARKLINE (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double plot_height = height - STRIP_HEIGHT - GAP;
  guint n = self->history != NULL ? tw_service_history_get_n_samples (self->history) : 0;
  gint64 now = g_get_real_time ();
  gint64 start = now - TW_HISTORY_SPAN_US;
  double max_latency = 1;
  GdkRGBA line, baseline;

  self->n_points = 0;
  self->n_segments = 0;
  if (self->values != NULL && width > 0 && height > 0)
    {
      snapshot_values (self, snapshot, width, height);
      return;
    }
  if (width <= 0 || plot_height <= 0)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &line);
  baseline = line;
  baseline.alpha = 0.15;
  /* The frame of the hour: a faint baseline, so an empty history still shows its place. */
  gtk_snapshot_append_color (snapshot, &baseline, &GRAPHENE_RECT_INIT (0, plot_height - 1, width, 1));
  gtk_snapshot_append_color (snapshot, &baseline, &GRAPHENE_RECT_INIT (0, height - STRIP_HEIGHT, width, STRIP_HEIGHT));

  for (guint i = 0; i < n; i++)
    max_latency = MAX (max_latency, tw_service_history_get_sample (self->history, i)->latency_ms);

  /* The state strip: each sample's state until the next one (the last until now). */
  for (guint i = 0; i < n; i++)
    {
      const TwHealthSample *s = tw_service_history_get_sample (self->history, i);
      gint64 end = i + 1 < n ? tw_service_history_get_sample (self->history, i + 1)->time_us : now;
      double x0 = width * (double) (MAX (s->time_us, start) - start) / TW_HISTORY_SPAN_US;
      double x1 = width * (double) (MAX (end, start) - start) / TW_HISTORY_SPAN_US;
      GdkRGBA colour = state_colour (s->state);

      if (i + 1 < n && tw_service_history_get_sample (self->history, i + 1)->state == s->state)
        continue;  /* merged with the next: one segment per state run */
      {
        /* back to where this run began */
        guint first = i;
        double xs;

        while (first > 0 && tw_service_history_get_sample (self->history, first - 1)->state == s->state)
          first--;
        xs = width * (double) (MAX (tw_service_history_get_sample (self->history, first)->time_us, start) - start)
             / TW_HISTORY_SPAN_US;
        x0 = MIN (x0, xs);
      }
      gtk_snapshot_append_color (snapshot, &colour,
                                 &GRAPHENE_RECT_INIT (x0, height - STRIP_HEIGHT, MAX (x1 - x0, 2), STRIP_HEIGHT));
      self->n_segments++;
    }

  /* The latency: a 2 px line from point to point; gaps where there was no answer. */
  for (guint i = 0; i < n; i++)
    {
      const TwHealthSample *s = tw_service_history_get_sample (self->history, i);
      double x = width * (double) (MAX (s->time_us, start) - start) / TW_HISTORY_SPAN_US;
      double y;

      if (s->latency_ms < 0)
        continue;
      y = plot_height - 2 - (plot_height - 4) * s->latency_ms / max_latency;
      self->n_points++;
      if (i > 0)
        {
          const TwHealthSample *p = tw_service_history_get_sample (self->history, i - 1);

          if (p->latency_ms >= 0)
            line_to (snapshot, &line,
                     width * (double) (MAX (p->time_us, start) - start) / TW_HISTORY_SPAN_US,
                     plot_height - 2 - (plot_height - 4) * p->latency_ms / max_latency, x, y);
        }
      gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (x - 1.5, y - 1.5, 3, 3));
    }
}

static void
tw_sparkline_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  TwSparkline *self = TW_SPARKLINE (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 60;
      *natural = self->values != NULL ? 100 : 360;
    }
  else
    {
      *minimum = self->values != NULL ? 16 : 40;
      *natural = self->values != NULL ? 20 : 56;
    }
}

static void
tw_sparkline_dispose (GObject *object)
{
  tw_sparkline_set_history (TW_SPARKLINE (object), NULL);
  g_clear_pointer (&TW_SPARKLINE (object)->values, g_array_unref);
  G_OBJECT_CLASS (tw_sparkline_parent_class)->dispose (object);
}

static void
tw_sparkline_class_init (TwSparklineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_sparkline_dispose;
  widget_class->snapshot = tw_sparkline_snapshot;
  widget_class->measure = tw_sparkline_measure;
  gtk_widget_class_set_css_name (widget_class, "sparkline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
tw_sparkline_init (TwSparkline *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Latency and state over the last hour"), -1);
}

GtkWidget *
tw_sparkline_new (void)
{
  return g_object_new (TW_TYPE_SPARKLINE, NULL);
}

void
tw_sparkline_set_history (TwSparkline      *self,
                          TwServiceHistory *history)
{
  g_return_if_fail (TW_IS_SPARKLINE (self));

  if (self->history == history)
    return;
  if (self->history != NULL)
    g_signal_handlers_disconnect_by_data (self->history, self);
  g_set_object (&self->history, history);
  if (history != NULL)
    g_signal_connect_swapped (history, "changed", G_CALLBACK (history_changed_cb), self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

TwServiceHistory *
tw_sparkline_get_history (TwSparkline *self)
{
  g_return_val_if_fail (TW_IS_SPARKLINE (self), NULL);
  return self->history;
}

guint
tw_sparkline_get_n_points (TwSparkline *self)
{
  g_return_val_if_fail (TW_IS_SPARKLINE (self), 0);
  return self->n_points;
}

guint
tw_sparkline_get_n_segments (TwSparkline *self)
{
  g_return_val_if_fail (TW_IS_SPARKLINE (self), 0);
  return self->n_segments;
}

void
tw_sparkline_set_values (TwSparkline          *self,
                         const TwFigureSample *samples,
                         guint                 n_samples)
{
  g_return_if_fail (TW_IS_SPARKLINE (self));

  g_clear_pointer (&self->values, g_array_unref);
  self->values = g_array_sized_new (FALSE, FALSE, sizeof (TwFigureSample), n_samples);
  if (n_samples > 0)
    g_array_append_vals (self->values, samples, n_samples);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}
