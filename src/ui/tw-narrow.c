/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-narrow.h"

/* The page's layout: GtkBinLayout's (final, so not derived), which tells the page its
 * width after each allocation (a widget with a layout manager never has its size_allocate
 * vfunc called). */
#define TW_TYPE_NARROW_LAYOUT (tw_narrow_layout_get_type ())
G_DECLARE_FINAL_TYPE (TwNarrowLayout, tw_narrow_layout, TW, NARROW_LAYOUT, GtkLayoutManager)

struct _TwNarrowLayout
{
  GtkLayoutManager  parent_instance;
  TwNarrow         *narrow;      /* unowned: in the page, which owns the layout */
};

G_DEFINE_FINAL_TYPE (TwNarrowLayout, tw_narrow_layout, GTK_TYPE_LAYOUT_MANAGER)

static void
tw_narrow_layout_measure (GtkLayoutManager *manager,
                          GtkWidget        *widget,
                          GtkOrientation    orientation,
                          int               for_size,
                          int              *minimum,
                          int              *natural,
                          int              *minimum_baseline,
                          int              *natural_baseline)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_min = 0, child_nat = 0;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, orientation, for_size, &child_min, &child_nat, NULL, NULL);
      *minimum = MAX (*minimum, child_min);
      *natural = MAX (*natural, child_nat);
    }
}

static void
tw_narrow_layout_allocate (GtkLayoutManager *manager,
                           GtkWidget        *widget,
                           int               width,
                           int               height,
                           int               baseline)
{
  TwNarrowLayout *self = TW_NARROW_LAYOUT (manager);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_should_layout (child))
      gtk_widget_allocate (child, width, height, baseline, NULL);
  if (self->narrow != NULL)
    tw_narrow_allocate (self->narrow, width);
}

static void
tw_narrow_layout_class_init (TwNarrowLayoutClass *klass)
{
  GTK_LAYOUT_MANAGER_CLASS (klass)->measure = tw_narrow_layout_measure;
  GTK_LAYOUT_MANAGER_CLASS (klass)->allocate = tw_narrow_layout_allocate;
}

static void
tw_narrow_layout_init (TwNarrowLayout *self)
{
}

void
tw_narrow_init (TwNarrow     *narrow,
                GtkWidget    *widget,
                int           threshold,
                TwNarrowFunc  func)
{
  g_return_if_fail (narrow != NULL);
  g_return_if_fail (GTK_IS_WIDGET (widget));

  narrow->widget = widget;
  narrow->func = func;
  narrow->fit = NULL;
  narrow->measure = NULL;
  narrow->fitted_width = -1;
  narrow->refit_width = -1;
  narrow->pending_width = -1;
  narrow->fits = TRUE;
  narrow->threshold = threshold;
  narrow->narrow = FALSE;
  narrow->pending = FALSE;
  narrow->idle_id = 0;
  {
    TwNarrowLayout *layout = g_object_new (TW_TYPE_NARROW_LAYOUT, NULL);

    layout->narrow = narrow;
    gtk_widget_set_layout_manager (widget, GTK_LAYOUT_MANAGER (layout));
  }
}

static gboolean
apply_cb (gpointer user_data)
{
  TwNarrow *narrow = user_data;

  narrow->idle_id = 0;
  if (narrow->narrow != narrow->pending)
    {
      narrow->narrow = narrow->pending;
      narrow->func (narrow->widget, narrow->narrow);
    }
  return G_SOURCE_REMOVE;
}

static gboolean
fit_cb (gpointer user_data)
{
  TwNarrow *narrow = user_data;

  narrow->idle_id = 0;
  narrow->fitted_width = narrow->pending_width;
  narrow->narrow = narrow->fit (narrow->widget, narrow->fitted_width, &narrow->fits);
  return G_SOURCE_REMOVE;
}

void
tw_narrow_set_fit (TwNarrow        *narrow,
                   TwNarrowFit      fit,
                   TwNarrowMeasure  measure)
{
  g_return_if_fail (narrow != NULL);
  g_return_if_fail (fit != NULL && measure != NULL);

  narrow->fit = fit;
  narrow->measure = measure;
}

void
tw_narrow_allocate (TwNarrow *narrow,
                    int       width)
{
  g_return_if_fail (narrow != NULL && narrow->widget != NULL);

  /* An unallocated page (hidden in a stack) says nothing about the window. */
  if (width <= 0)
    return;
  if (narrow->fit != NULL)
    {
      narrow->pending_width = width;
      /* Once per width for a layout that turned out not to fit (new, wider rows): never a
       * relayout frame after frame. */
      if (narrow->idle_id == 0
          && (width != narrow->fitted_width
              || (narrow->fits && narrow->refit_width != width
                  && narrow->measure (narrow->widget) > width)))
        {
          if (width == narrow->fitted_width)
            narrow->refit_width = width;
          narrow->idle_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, fit_cb, narrow, NULL);
        }
      return;
    }
  narrow->pending = width < narrow->threshold;
  if (narrow->pending == narrow->narrow)
    {
      g_clear_handle_id (&narrow->idle_id, g_source_remove);
      return;
    }
  /* Before the next frame is laid out (GDK's paint runs at G_PRIORITY_HIGH_IDLE + 10). */
  if (narrow->idle_id == 0)
    narrow->idle_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, apply_cb, narrow, NULL);
}

void
tw_narrow_clear (TwNarrow *narrow)
{
  g_return_if_fail (narrow != NULL);

  g_clear_handle_id (&narrow->idle_id, g_source_remove);
  if (narrow->widget != NULL && TW_IS_NARROW_LAYOUT (gtk_widget_get_layout_manager (narrow->widget)))
    TW_NARROW_LAYOUT (gtk_widget_get_layout_manager (narrow->widget))->narrow = NULL;
}
