/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-backups-page-private.h"
#include "tw-breakers-page-private.h"
#include "tw-guard-dialog.h"
#include "tw-orders-page-private.h"
#include "tw-overview-page-private.h"
#include "tw-positions-page-private.h"
#include "tw-service-row.h"
#include "tw-trading-cells-private.h"
#include "tw-trading-test.h"

/* The window works from GNOME's small size (360 px wide) up: no page makes it wider than
 * it is asked to be, the sidebar folds away, nothing scrolls sideways, and every action
 * the operator may need (Close…, Cancel…, Flatten…, Resume…, the failed-halt banner's
 * Retry) is in sight, in an incident (Halt All failed on one service). Screenshots of
 * every page at 360, 800 and 1280 px, light and dark. */

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

/* At 360 px the selected row's Cancel Selected… is in sight too, and opens the order's
 * guard. */
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

/* Halt All with AI trading refusing: the others halted (Resume… on Breakers, the account
 * cards' banners), and the failed-halt banner with its Retry (Halt All Again) on the
 * Overview and Breakers. */
static const char * const halting[] = { "investiq", "ibkr-assistant", "alpaca" };

static void
halt_finished_cb (TwApplication  *application,
                  GPtrArray      *results,
                  GPtrArray     **out)
{
  g_clear_pointer (out, g_ptr_array_unref);
  *out = g_ptr_array_ref (results);
}

static gboolean
is_set (gpointer user_data)
{
  return *(gpointer *) user_data != NULL;
}

static void
halt_all_failing (AppFixture *f)
{
  g_autoptr(GPtrArray) results = NULL;
  GtkWidget *dialog;

  tw_test_sim_fault (f->sim, "ai-trading",
                     "{\"path\":\"/api/trading/disable\",\"kind\":\"status\",\"status\":503}");
  g_signal_connect (app, "halt-finished", G_CALLBACK (halt_finished_cb), &results);
  g_action_group_activate_action (G_ACTION_GROUP (app), "halt", NULL);
  g_assert_true (tw_test_ui_wait_for (is_set, &results, 10000));
  g_signal_handlers_disconnect_by_func (app, halt_finished_cb, &results);
  for (guint i = 0; i < G_N_ELEMENTS (halting); i++)
    g_assert_true (app_wait_halted (f, halting[i], TRUE, 10000));
  dialog = tw_application_get_halt_dialog (app);
  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  if (dialog != NULL)
    gtk_window_close (GTK_WINDOW (dialog));
  tw_test_wait_until (dialog == NULL || !gtk_widget_get_visible (dialog), 5000);
  g_clear_weak_pointer (&dialog);
  g_assert_nonnull (tw_breakers_page_get_halt_failure (tw_application_get_breakers_page (app)));
}

/* No scrolled window of the page scrolls sideways: everything is in sight without it. */
static void
check_no_sideways_scrolling (GtkWidget  *root,
                             const char *name,
                             guint      *n_checked)
{
  if (!gtk_widget_get_mapped (root))
    return;
  if (GTK_IS_SCROLLED_WINDOW (root))
    {
      GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (root));
      double range = gtk_adjustment_get_upper (h) - gtk_adjustment_get_lower (h);

      if (range > gtk_adjustment_get_page_size (h) + 0.5)
        {
          GtkWidget *child = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (root));

          if (child != NULL && GTK_IS_VIEWPORT (child))
            child = gtk_viewport_get_child (GTK_VIEWPORT (child));
          g_test_message ("%s: a %s scrolls sideways: %.0f px in %.0f", name,
                          child != NULL ? G_OBJECT_TYPE_NAME (child) : "scrolled window",
                          range, gtk_adjustment_get_page_size (h));
        }
      g_assert_cmpfloat (range, <=, gtk_adjustment_get_page_size (h) + 0.5);
      (*n_checked)++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_no_sideways_scrolling (child, name, n_checked);
}

/* The actions an operator may be about to need: a row's Close… / Cancel… (the tables'
 * action column), an account's Flatten…, a halted service's Resume…, the failed-halt
 * banner's Retry (Halt All Again). */
static const char * const action_labels[] = { "Flatten…", "Resume…", "Halt All Again", NULL };

/* "Halt _All Again" → "Halt All Again". */
static char *
strip_underline (const char *label)
{
  GString *plain = g_string_new (NULL);

  for (const char *p = label; *p != '\0'; p++)
    if (*p != '_' || p[1] == '_')
      g_string_append_c (plain, *p == '_' ? *++p : *p);
  return g_string_free (plain, FALSE);
}

static gboolean
is_action_button (GtkWidget *widget,
                  gboolean  *whole)
{
  g_autofree char *label = NULL;

  *whole = FALSE;
  if (!GTK_IS_BUTTON (widget))
    return FALSE;
  if (g_strcmp0 (tw_trading_cell_get_column (widget), "actions") == 0)
    return TRUE;
  if (gtk_button_get_label (GTK_BUTTON (widget)) == NULL)
    return FALSE;
  label = strip_underline (gtk_button_get_label (GTK_BUTTON (widget)));
  /* Flatten… and Retry sit at the top of their page: in sight up and down too. */
  *whole = g_str_equal (label, "Flatten…") || g_str_equal (label, "Halt All Again");
  return g_strv_contains (action_labels, label);
}

/* Every such button is inside what the window and each scrolled window around it show:
 * sideways always, and up and down for those at the top of their page. */
static void
check_action_buttons (GtkWidget *root,
                      GtkWidget *window,
                      GPtrArray *found)
{
  gboolean whole;

  if (!gtk_widget_get_mapped (root))
    return;
  if (is_action_button (root, &whole))
    {
      graphene_rect_t bounds, area = GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (window),
                                                         gtk_widget_get_height (window));

      g_assert_true (gtk_widget_compute_bounds (root, window, &bounds));
      for (GtkWidget *up = gtk_widget_get_ancestor (root, GTK_TYPE_SCROLLED_WINDOW); up != NULL;
           up = gtk_widget_get_ancestor (gtk_widget_get_parent (up), GTK_TYPE_SCROLLED_WINDOW))
        {
          graphene_rect_t view;

          g_assert_true (gtk_widget_compute_bounds (up, window, &view));
          graphene_rect_intersection (&area, &view, &area);
          if (gtk_widget_get_parent (up) == NULL)
            break;
        }
      if (bounds.origin.x < area.origin.x - 0.5
          || bounds.origin.x + bounds.size.width > area.origin.x + area.size.width + 0.5
          || (whole && (bounds.origin.y < area.origin.y - 0.5
                        || bounds.origin.y + bounds.size.height > area.origin.y + area.size.height + 0.5)))
        g_error ("“%s” at %.0f,%.0f %.0f×%.0f, out of the part in sight (%.0f,%.0f %.0f×%.0f)",
                 gtk_button_get_label (GTK_BUTTON (root)), bounds.origin.x, bounds.origin.y,
                 bounds.size.width, bounds.size.height, area.origin.x, area.origin.y,
                 area.size.width, area.size.height);
      g_ptr_array_add (found, root);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_action_buttons (child, window, found);
}

static guint
count_buttons (GPtrArray  *buttons,
               const char *label)
{
  guint n = 0;

  for (guint i = 0; i < buttons->len; i++)
    {
      const char *text = gtk_button_get_label (g_ptr_array_index (buttons, i));
      g_autofree char *plain = text != NULL ? strip_underline (text) : NULL;

      n += g_strcmp0 (plain, label) == 0
           || (label == NULL && g_strcmp0 (tw_trading_cell_get_column (g_ptr_array_index (buttons, i)),
                                           "actions") == 0);
    }
  return n;
}

/* A wrapped label breaks its lines between words, never inside one ("investiq_2026-" /
 * "1206.db", "Consecutiv" / "e"): no line starts between two letters or digits. */
static void
check_word_breaks (GtkWidget  *root,
                   const char *name,
                   guint      *n_checked)
{
  if (!gtk_widget_get_mapped (root))
    return;
  if (GTK_IS_LABEL (root) && gtk_label_get_wrap (GTK_LABEL (root)))
    {
      PangoLayout *layout = gtk_label_get_layout (GTK_LABEL (root));
      const char *text = pango_layout_get_text (layout);
      PangoLayoutIter *iter = pango_layout_get_iter (layout);

      (*n_checked)++;
      while (pango_layout_iter_next_line (iter))
        {
          int index = pango_layout_iter_get_index (iter);
          const char *before;

          if (index <= 0 || text[index] == '\0')
            continue;
          before = g_utf8_find_prev_char (text, text + index);
          if (before != NULL && g_unichar_isalnum (g_utf8_get_char (before))
              && g_unichar_isalnum (g_utf8_get_char (text + index)))
            g_error ("%s: “%s” breaks a word at %d px wide: “%.*s” / “%s”", name, text,
                     gtk_widget_get_width (root), (int) (text + index - before), before, text + index);
        }
      pango_layout_iter_free (iter);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_word_breaks (child, name, n_checked);
}

/* Every icon drawn is one the icon theme has, and none that reads as a missing glyph
 * (Adwaita 43's dialog-question-symbolic is the replacement character's diamond). */
static void
check_icons (GtkWidget  *root,
             const char *name,
             guint      *n_checked)
{
  if (!gtk_widget_get_mapped (root))
    return;
  if (GTK_IS_IMAGE (root) && gtk_image_get_storage_type (GTK_IMAGE (root)) == GTK_IMAGE_ICON_NAME)
    {
      const char *icon = gtk_image_get_icon_name (GTK_IMAGE (root));
      GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (root));

      if (!gtk_icon_theme_has_icon (theme, icon) || g_str_equal (icon, "dialog-question-symbolic"))
        g_error ("%s: an icon “%s” %s", name, icon,
                 gtk_icon_theme_has_icon (theme, icon) ? "that reads as a missing glyph"
                                                       : "the theme does not have");
      (*n_checked)++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_icons (child, name, n_checked);
}

/* The failed-halt banner: its text wrapped whole (never cut), its Retry in sight. */
static void
assert_failure_banner (AppFixture *f,
                       GtkWidget  *page,
                       const char *name)
{
  GtkWidget *window = GTK_WIDGET (f->window);
  const char *failure = tw_breakers_page_get_halt_failure (tw_application_get_breakers_page (app));
  GtkWidget *label = find_label (page, failure);
  int needed;

  g_assert_nonnull (label);
  gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (label),
                      &needed, NULL, NULL, NULL);
  g_test_message ("%s: the failed-halt banner's text %d px wide, %d of %d px tall", name,
                  gtk_widget_get_width (label), needed, gtk_widget_get_height (label));
  g_assert_cmpint (needed, <=, gtk_widget_get_height (label));
  g_assert_cmpint (gtk_label_get_ellipsize (GTK_LABEL (label)), ==, PANGO_ELLIPSIZE_NONE);
  {
    graphene_rect_t bounds;

    g_assert_true (gtk_widget_compute_bounds (label, window, &bounds));
    g_assert_cmpfloat (bounds.origin.x, >=, 0);
    g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (window) + 0.5);
  }
}

/* Every page: nothing to scroll sideways, every action in sight, no word broken, no
 * missing-glyph icon. */
static void
assert_page_fits (AppFixture *f,
                  const char *page_id,
                  const char *name)
{
  GtkWidget *window = GTK_WIDGET (f->window);
  GtkWidget *page = shown_page (f);
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  guint n_scrollers = 0, n_labels = 0, n_icons = 0;

  check_no_sideways_scrolling (page, name, &n_scrollers);
  check_action_buttons (page, window, buttons);
  check_word_breaks (page, name, &n_labels);
  check_icons (page, name, &n_icons);
  g_test_message ("%s: %u scrolled windows, none sideways; %u action buttons in sight "
                  "(%u Close…/Cancel…, %u Flatten…, %u Resume…, %u Retry); %u wrapped labels, %u icons",
                  name, n_scrollers, buttons->len, count_buttons (buttons, NULL),
                  count_buttons (buttons, "Flatten…"), count_buttons (buttons, "Resume…"),
                  count_buttons (buttons, "Halt All Again"), n_labels, n_icons);
  g_assert_cmpuint (n_scrollers, >, 0);
  g_assert_cmpuint (n_icons, >, 0);
  if (g_str_equal (page_id, "positions"))
    {
      TwPositionsPage *positions = TW_POSITIONS_PAGE (page);
      TwPortfolio *portfolio = tw_positions_page_get_portfolio (positions);
      guint n_accounts = g_list_model_get_n_items (tw_portfolio_get_accounts (portfolio));

      /* Every account's Flatten… in sight, without scrolling. */
      g_assert_cmpuint (n_accounts, >=, 2);
      g_assert_cmpuint (count_buttons (buttons, "Flatten…"), ==, n_accounts);
      g_assert_cmpuint (count_buttons (buttons, NULL), >, 0);
    }
  else if (g_str_equal (page_id, "orders"))
    g_assert_cmpuint (count_buttons (buttons, NULL), >, 0);
  else if (g_str_equal (page_id, "breakers"))
    {
      /* The halted services' Resume… (InvestIQ, IBKR assistant) and the banner's Retry. */
      g_assert_cmpuint (count_buttons (buttons, "Resume…"), >=, 2);
      g_assert_cmpuint (count_buttons (buttons, "Halt All Again"), ==, 1);
      assert_failure_banner (f, page, name);
    }
  else if (g_str_equal (page_id, "overview"))
    {
      g_assert_cmpuint (count_buttons (buttons, "Halt All Again"), ==, 1);
      assert_failure_banner (f, page, name);
    }
}

/* Every row's Close… / Cancel… button is drawn inside the table's visible part, the
 * table scrolled to where it opens: the table fits (columns given up, or a row made two
 * lines, if need be) with the actions last, nothing to scroll sideways. */
static void
assert_actions_in_sight (AppFixture    *f,
                         GtkColumnView *view,
                         gboolean       narrow)
{
  GtkWidget *window = GTK_WIDGET (f->window);
  GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_SCROLLED_WINDOW);
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GListModel *columns = gtk_column_view_get_columns (view);
  const char *first = NULL, *last = NULL;
  graphene_rect_t area;
  guint n_visible = 0;

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (gtk_column_view_column_get_visible (column))
        {
          n_visible++;
          last = g_object_get_data (G_OBJECT (column), "tw-column-id");
          if (first == NULL)
            first = last;
        }
    }
  g_assert_true (gtk_widget_compute_bounds (scroller, window, &area));
  {
    GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scroller));

    g_test_message ("first column %s, the table %.0f px of %.0f%s", first,
                    gtk_adjustment_get_page_size (h), gtk_adjustment_get_upper (h),
                    tw_trading_view_get_compact (view) ? ", compact" : "");
    g_assert_cmpfloat (gtk_adjustment_get_upper (h), <=, gtk_adjustment_get_page_size (h) + 0.5);
    g_assert_cmpstr (last, ==, "actions");
    if (!narrow)
      g_assert_cmpstr (first, ==, "service");
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

/* At 360 px a row of the table is two lines (what the columns given up say) beside its
 * action, its first line (symbol, side, quantity) whole. */
static void
collect_line_cells (GtkWidget *root,
                    GPtrArray *found)
{
  const char *column = tw_trading_cell_get_column (root);

  if (g_strcmp0 (column, "order") == 0 || g_strcmp0 (column, "position") == 0)
    {
      if (gtk_widget_get_mapped (root))
        g_ptr_array_add (found, root);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_line_cells (child, found);
}

static void
assert_compact_rows (GtkColumnView *view,
                     const char    *name)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  GListModel *columns = gtk_column_view_get_columns (view);
  const char *id = NULL;

  /* The first column shown. */
  for (guint i = 0; i < g_list_model_get_n_items (columns) && id == NULL; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (gtk_column_view_column_get_visible (column))
        id = g_object_get_data (G_OBJECT (column), "tw-column-id");
    }
  g_assert_true (tw_trading_view_get_compact (view));
  g_assert_true (g_str_equal (id, "order") || g_str_equal (id, "position"));
  collect_line_cells (GTK_WIDGET (view), cells);
  g_assert_cmpuint (cells->len, >, 0);
  for (guint i = 0; i < cells->len; i++)
    {
      GtkWidget *cell = g_ptr_array_index (cells, i);
      GtkWidget *line = gtk_widget_get_first_child (cell);
      GtkWidget *second = gtk_widget_get_next_sibling (line);

      g_assert_true (GTK_IS_LABEL (line) && GTK_IS_LABEL (second));
      if (i == 0)
        g_test_message ("%s: a row “%s” / “%s” (%d px wide)", name, gtk_label_get_text (GTK_LABEL (line)),
                        gtk_label_get_text (GTK_LABEL (second)), gtk_widget_get_width (cell));
      g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (line))));
      /* The second line may be cut short: whole in its tooltip. */
      g_assert_true (gtk_widget_get_visible (second));
      g_assert_cmpstr (gtk_widget_get_tooltip_text (second), ==, gtk_label_get_text (GTK_LABEL (second)));
    }
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
  positions = TW_POSITIONS_PAGE (tw_window_get_page (f.window, "positions"));
  g_assert_true (tw_window_show_page (f.window, "positions"));
  wait = (TradingPositionWait) { tw_positions_page_get_portfolio (positions), "alpaca", "TSLA" };
  g_assert_true (tw_test_ui_wait_for (trading_position_known, &wait, 10000));
  g_assert_true (tw_test_ui_wait_for (trading_portfolio_loaded, &f, 10000));
  halt_all_failing (&f);

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
          if (!g_str_equal (list[p], "audit"))
            assert_page_fits (&f, list[p], name);
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
              if (narrow)
                assert_compact_rows (GTK_COLUMN_VIEW (trading_find_widget (GTK_WIDGET (orders), GTK_TYPE_COLUMN_VIEW)),
                                     name);
            }
          else if (g_str_equal (list[p], "positions"))
            {
              if (widths[w] != 800)
                g_assert_cmpint (tw_positions_page_get_narrow (positions), ==, narrow);
              assert_actions_in_sight (&f, tw_positions_page_get_column_view (positions),
                                       tw_positions_page_get_narrow (positions));
              if (narrow)
                assert_compact_rows (tw_positions_page_get_column_view (positions), name);
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
