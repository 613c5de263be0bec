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

/* ---- a banner: its button beside its text, or under it ---- */

/* The text's room beside the button, at least (or its whole line when shorter). */
#define BANNER_TEXT_MIN 240
#define BANNER_SPACING  12

#define TW_TYPE_BANNER_LAYOUT (tw_banner_layout_get_type ())
G_DECLARE_FINAL_TYPE (TwBannerLayout, tw_banner_layout, TW, BANNER_LAYOUT, GtkLayoutManager)

struct _TwBannerLayout
{
  GtkLayoutManager parent_instance;
};

G_DEFINE_FINAL_TYPE (TwBannerLayout, tw_banner_layout, GTK_TYPE_LAYOUT_MANAGER)

typedef struct
{
  GtkWidget *icon, *text, *button;
  int        spacing;
  int        icon_width, button_width;
} BannerParts;

static gboolean
banner_parts (GtkWidget   *widget,
              BannerParts *parts)
{
  parts->icon = gtk_widget_get_first_child (widget);
  parts->text = parts->icon != NULL ? gtk_widget_get_next_sibling (parts->icon) : NULL;
  parts->button = parts->text != NULL ? gtk_widget_get_next_sibling (parts->text) : NULL;
  if (parts->button == NULL)
    return FALSE;
  parts->spacing = BANNER_SPACING;
  gtk_widget_measure (parts->icon, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &parts->icon_width, NULL, NULL);
  gtk_widget_measure (parts->button, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &parts->button_width, NULL, NULL);
  return TRUE;
}

/* Whether the button goes beside the text at @width. */
static gboolean
banner_one_line (BannerParts *parts,
                 int          width)
{
  int text_min, text_nat;

  gtk_widget_measure (parts->text, GTK_ORIENTATION_HORIZONTAL, -1, &text_min, &text_nat, NULL, NULL);
  return width - parts->icon_width - parts->button_width - 2 * parts->spacing
         >= MAX (text_min, MIN (text_nat, BANNER_TEXT_MIN));
}

static void
tw_banner_layout_measure (GtkLayoutManager *manager,
                          GtkWidget        *widget,
                          GtkOrientation    orientation,
                          int               for_size,
                          int              *minimum,
                          int              *natural,
                          int              *minimum_baseline,
                          int              *natural_baseline)
{
  BannerParts parts;

  if (!banner_parts (widget, &parts))
    return;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int text_min, text_nat, button_min;

      gtk_widget_measure (parts.text, orientation, -1, &text_min, &text_nat, NULL, NULL);
      gtk_widget_measure (parts.button, orientation, -1, &button_min, NULL, NULL, NULL);
      /* At the narrowest, the button under the text. */
      *minimum = MAX (parts.icon_width + parts.spacing + text_min, button_min);
      *natural = parts.icon_width + text_nat + parts.button_width + 2 * parts.spacing;
    }
  else
    {
      int width = for_size >= 0 ? for_size : G_MAXINT / 2;
      gboolean one_line = banner_one_line (&parts, width);
      int text_width = width - parts.icon_width - parts.spacing
                       - (one_line ? parts.button_width + parts.spacing : 0);
      int icon_h, text_min, text_nat, button_h;

      if (for_size < 0)
        text_width = -1;
      gtk_widget_measure (parts.icon, orientation, -1, NULL, &icon_h, NULL, NULL);
      gtk_widget_measure (parts.text, orientation, text_width, &text_min, &text_nat, NULL, NULL);
      gtk_widget_measure (parts.button, orientation, -1, NULL, &button_h, NULL, NULL);
      if (one_line)
        {
          *minimum = MAX (MAX (icon_h, text_min), button_h);
          *natural = MAX (MAX (icon_h, text_nat), button_h);
        }
      else
        {
          *minimum = MAX (icon_h, text_min) + parts.spacing + button_h;
          *natural = MAX (icon_h, text_nat) + parts.spacing + button_h;
        }
    }
}

static void
tw_banner_layout_allocate (GtkLayoutManager *manager,
                           GtkWidget        *widget,
                           int               width,
                           int               height,
                           int               baseline)
{
  BannerParts parts;
  gboolean one_line;
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  int text_width, text_height, icon_h, button_h;

  if (!banner_parts (widget, &parts))
    return;
  one_line = banner_one_line (&parts, width);
  text_width = width - parts.icon_width - parts.spacing
               - (one_line ? parts.button_width + parts.spacing : 0);
  text_width = MAX (text_width, 0);
  gtk_widget_measure (parts.icon, GTK_ORIENTATION_VERTICAL, -1, NULL, &icon_h, NULL, NULL);
  gtk_widget_measure (parts.button, GTK_ORIENTATION_VERTICAL, -1, NULL, &button_h, NULL, NULL);
  gtk_widget_measure (parts.text, GTK_ORIENTATION_VERTICAL, text_width, &text_height, NULL, NULL, NULL);
  if (one_line)
    text_height = height;
  {
    int icon_x = rtl ? width - parts.icon_width : 0;
    int text_x = rtl ? width - parts.icon_width - parts.spacing - text_width
                     : parts.icon_width + parts.spacing;
    int button_width = MIN (parts.button_width, width);
    int button_x = rtl ? 0 : width - button_width;
    int button_y = one_line ? (height - button_h) / 2 : height - button_h;

    gtk_widget_size_allocate (parts.icon,
                              &(GtkAllocation) { icon_x, 0, parts.icon_width, icon_h }, -1);
    gtk_widget_size_allocate (parts.text,
                              &(GtkAllocation) { text_x, 0, text_width, text_height }, -1);
    gtk_widget_size_allocate (parts.button,
                              &(GtkAllocation) { button_x, button_y, button_width, button_h }, -1);
  }
}

static GtkSizeRequestMode
tw_banner_layout_get_request_mode (GtkLayoutManager *manager,
                                   GtkWidget        *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
tw_banner_layout_class_init (TwBannerLayoutClass *klass)
{
  GtkLayoutManagerClass *manager_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  manager_class->get_request_mode = tw_banner_layout_get_request_mode;
  manager_class->measure = tw_banner_layout_measure;
  manager_class->allocate = tw_banner_layout_allocate;
}

static void
tw_banner_layout_init (TwBannerLayout *self)
{
}

struct _TwBannerBox
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (TwBannerBox, tw_banner_box, GTK_TYPE_WIDGET)

static void
tw_banner_box_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (tw_banner_box_parent_class)->dispose (object);
}

static void
tw_banner_box_class_init (TwBannerBoxClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tw_banner_box_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), TW_TYPE_BANNER_LAYOUT);
  /* A group, as the GtkBox it replaces: GTK 4.8's AT-SPI bridge crashed on the banner's
   * children under a plain widget's role (test-a11y). */
  gtk_widget_class_set_accessible_role (GTK_WIDGET_CLASS (klass), GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
tw_banner_box_init (TwBannerBox *self)
{
}
