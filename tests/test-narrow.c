/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-backups-page-private.h"
#include "tw-guard-dialog.h"
#include "tw-orders-page-private.h"
#include "tw-overview-page-private.h"
#include "tw-positions-page-private.h"
#include "tw-service-row.h"
#include "tw-trading-cells-private.h"
#include "tw-trading-test.h"

/* The window works from GNOME's small size (360 px wide) up: no page makes it wider than
 * it is asked to be, the sidebar folds away, and the tables keep their action column in
 * sight. Screenshots of every page at 360, 800 and 1280 px. */

#define INTERVAL_MS 400

static TwApplication *app;

static const char * const pages[] = { "orders", "overview", "breakers", "backups", "positions", "audit" };
static const char * const narrow_pages[] = { "orders", "overview", "breakers", "backups", "positions", "audit" };

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

static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root)
      && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Whether @widget is drawn whole inside @area (both in window coordinates). */
static gboolean
inside (GtkWidget             *widget,
        GtkWidget             *window,
        const graphene_rect_t *area)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, window, &bounds));
  return bounds.origin.x >= area->origin.x - 0.5
    && bounds.origin.x + bounds.size.width <= area->origin.x + area->size.width + 0.5;
}

static void
collect_action_buttons (GtkWidget *root,
                        GPtrArray *found)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (tw_trading_cell_get_column (root), "actions") == 0)
    {
      if (gtk_widget_get_mapped (root))
        g_ptr_array_add (found, root);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_action_buttons (child, found);
}

/* Every row's Close… / Cancel… button is drawn inside the table's visible part, the
 * table scrolled to where it opens: either the table fits (columns given up if need be)
 * with the actions last, or (at 360 px) the actions come first. */
static void
assert_actions_in_sight (AppFixture    *f,
                         GtkColumnView *view,
                         gboolean       narrow)
{
  GtkWidget *window = GTK_WIDGET (f->window);
  GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_SCROLLED_WINDOW);
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GListModel *columns = gtk_column_view_get_columns (view);
  g_autoptr(GtkColumnViewColumn) first = g_list_model_get_item (columns, 0);
  graphene_rect_t area;
  guint n_visible = 0;

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      n_visible += gtk_column_view_column_get_visible (column);
    }
  g_assert_true (gtk_widget_compute_bounds (scroller, window, &area));
  {
    GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scroller));

    g_test_message ("first column %s, the table %.0f px of %.0f",
                    (const char *) g_object_get_data (G_OBJECT (first), "tw-column-id"),
                    gtk_adjustment_get_page_size (h), gtk_adjustment_get_upper (h));
    /* Either the table fits (nothing to scroll sideways) with the actions last, or they
     * come first. */
    if (g_strcmp0 (g_object_get_data (G_OBJECT (first), "tw-column-id"), "actions") != 0)
      g_assert_cmpfloat (gtk_adjustment_get_upper (h), <=, gtk_adjustment_get_page_size (h) + 0.5);
    if (!narrow)
      g_assert_cmpstr (g_object_get_data (G_OBJECT (first), "tw-column-id"), ==, "service");
  }
  g_assert_cmpfloat (area.origin.x, >=, 0);
  g_assert_cmpfloat (area.origin.x + area.size.width, <=, gtk_widget_get_width (window) + 0.5);
  collect_action_buttons (GTK_WIDGET (view), buttons);
  g_test_message ("%u action buttons on screen, %u columns shown, the table %.0f px wide",
                  buttons->len, n_visible, area.size.width);
  g_assert_cmpuint (buttons->len, >, 0);
  for (guint i = 0; i < buttons->len; i++)
    g_assert_true (inside (g_ptr_array_index (buttons, i), window, &area));
}

/* The Overview: the trading state's line whole (wrapped, never cut), and every service
 * row's buttons inside the window: at 360 px only the expander, the keys on the service's
 * page. */
static void
assert_overview (AppFixture *f,
                 gboolean    narrow)
{
  GtkWidget *window = GTK_WIDGET (f->window);
  TwOverviewPage *page = tw_window_get_overview_page (f->window);
  GListModel *services = tw_profile_get_services (tw_workspace_get_profile (tw_overview_page_get_workspace (page)));
  graphene_rect_t area = GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (window), gtk_widget_get_height (window));
  guint n_rows = 0;

  g_assert_cmpint (tw_overview_page_get_narrow (page), ==, narrow);
  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      TwServiceRow *row = tw_overview_page_get_row (page, tw_service_get_id (service));
      GtkWidget *keys;

      if (row == NULL || !gtk_widget_get_mapped (GTK_WIDGET (row)))
        continue;
      n_rows++;
      keys = tw_service_row_get_keys_button (row);
      g_test_message ("%s: row %d px tall", tw_service_get_id (service), gtk_widget_get_height (GTK_WIDGET (row)));
      g_assert_cmpint (gtk_widget_get_mapped (keys), ==, !narrow);
      if (!narrow)
        g_assert_true (inside (keys, window, &area));
      g_assert_true (inside (GTK_WIDGET (row), window, &area));
      /* A row is one service: two lines of text, not a column of words. */
      g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (row)), <=, 90);
    }
  g_assert_cmpuint (n_rows, >, 0);

  {
    GtkLabel *label = GTK_LABEL (find_label (window, tw_overview_page_get_trading_summary (page)));
    int needed;

    g_assert_nonnull (label);
    g_assert_cmpint (gtk_label_get_ellipsize (label), ==, PANGO_ELLIPSIZE_NONE);
    gtk_widget_measure (GTK_WIDGET (label), GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (GTK_WIDGET (label)),
                        &needed, NULL, NULL, NULL);
    g_test_message ("The trading line \"%s\": %d px wide, %d of %d px tall",
                    tw_overview_page_get_trading_summary (page), gtk_widget_get_width (GTK_WIDGET (label)),
                    needed, gtk_widget_get_height (GTK_WIDGET (label)));
    g_assert_cmpint (needed, <=, gtk_widget_get_height (GTK_WIDGET (label)));
    g_assert_true (inside (GTK_WIDGET (label), window, &area));
  }
}

static GtkWidget *
find_keys_button (GtkWidget *root)
{
  if (GTK_IS_BUTTON (root) && gtk_widget_get_mapped (root)
      && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), "win.show-page") == 0)
    {
      GVariant *target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (root));

      if (target != NULL && g_strcmp0 (g_variant_get_string (target, NULL), "keys") == 0)
        return root;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_keys_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* At 360 px the keys are on the service's page, in sight. */
static void
assert_service_page_keys (AppFixture *f)
{
  GtkWidget *window = GTK_WIDGET (f->window);
  TwOverviewPage *page = tw_window_get_overview_page (f->window);
  graphene_rect_t area = GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (window), gtk_widget_get_height (window));
  GtkWidget *keys;

  g_assert_null (find_keys_button (window));
  tw_overview_page_show_service (page, "investiq");
  tw_test_wait_until ((keys = find_keys_button (window)) != NULL, 5000);
  g_assert_true (tw_test_ui_wait_frame (window, 5000));
  g_assert_true (inside (keys, window, &area));
  app_save_png_light_dark (window, "narrow-360-service-page");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "overview.back", NULL));
  tw_test_wait_until (tw_overview_page_get_service_page (page) == NULL
                      || !gtk_widget_get_mapped (GTK_WIDGET (tw_overview_page_get_service_page (page))), 5000);
}

/* Every breaker row's title at 360 px: as wide as its longest word at least, so that it
 * wraps between words ("Consecutive losses"), never inside one ("Consecutiv-e"). */
static void
check_titles (GtkWidget *root,
              guint     *n_checked)
{
  if (g_str_equal (G_OBJECT_TYPE_NAME (root), "TwBreakerRow") && gtk_widget_get_mapped (root))
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root));
      g_auto(GStrv) words = g_strsplit (title, " ", -1);
      GtkWidget *label = find_label (root, title);
      int widest = 0;

      g_assert_nonnull (label);
      for (guint i = 0; words[i] != NULL; i++)
        {
          g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (label, words[i]);
          int width;

          pango_layout_get_pixel_size (layout, &width, NULL);
          widest = MAX (widest, width);
        }
      g_test_message ("breaker \"%s\": %d px for a longest word of %d", title,
                      gtk_widget_get_width (label), widest);
      g_assert_cmpint (gtk_widget_get_width (label), >=, widest);
      (*n_checked)++;
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_titles (child, n_checked);
}

/* The Backups page: a backup is two lines, its actions in a menu button in sight. */
static void
assert_backups (AppFixture *f,
                gboolean    narrow)
{
  TwBackupsPage *page = TW_BACKUPS_PAGE (trading_find_widget (GTK_WIDGET (f->window), TW_TYPE_BACKUPS_PAGE));

  g_assert_cmpint (tw_backups_page_get_narrow (page), ==, narrow);
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
          if (g_str_equal (list[p], "orders"))
            {
              TwOrdersPage *orders = TW_ORDERS_PAGE (trading_find_widget (GTK_WIDGET (f.window), TW_TYPE_ORDERS_PAGE));

              /* At 800 px the page beside the sidebar is under 600 px: narrow too. */
              if (widths[w] != 800)
                g_assert_cmpint (tw_orders_page_get_narrow (orders), ==, narrow);
              assert_actions_in_sight (&f, GTK_COLUMN_VIEW (trading_find_widget (GTK_WIDGET (orders), GTK_TYPE_COLUMN_VIEW)),
                                       tw_orders_page_get_narrow (orders));
            }
          else if (g_str_equal (list[p], "positions"))
            {
              if (widths[w] != 800)
                g_assert_cmpint (tw_positions_page_get_narrow (positions), ==, narrow);
              assert_actions_in_sight (&f, tw_positions_page_get_column_view (positions),
                                       tw_positions_page_get_narrow (positions));
            }
          else if (g_str_equal (list[p], "overview"))
            {
              assert_overview (&f, narrow);
              if (narrow)
                assert_service_page_keys (&f);
            }
          else if (g_str_equal (list[p], "breakers") && narrow)
            {
              guint n_checked = 0;

              check_titles (shown_page (&f), &n_checked);
              g_assert_cmpuint (n_checked, >, 0);
            }
          else if (g_str_equal (list[p], "backups"))
            assert_backups (&f, widths[w] == 800 ? TRUE : narrow);
        }
    }
  /* At 1000 px (the window's default width) the page (about 790 px) is narrower than the
   * table with its eleven columns: a few columns give way, and the table fits with its
   * actions last, nothing to scroll sideways. */
  resize (&f, 1000, 800);
  g_assert_true (tw_window_show_page (f.window, "positions"));
  tw_test_wait_until (tw_positions_page_get_narrow (positions), 5000);
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  assert_actions_in_sight (&f, tw_positions_page_get_column_view (positions), TRUE);
  app_save_png_light_dark (GTK_WIDGET (f.window), "narrow-1000-positions");
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
