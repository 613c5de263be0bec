/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-overview-page.h"
#include "tw-service-details.h"
#include "tw-service-page.h"
#include "tw-trading-test.h"

/* Large text and the high-contrast style, as an operator with low vision sets them:
 * every page at the window's default size (1100×740), saved as
 * appearance-large-text-PAGE.png and appearance-high-contrast-PAGE.png for a person to
 * look at, and checked for what can be measured: no label cut short ("…") that does
 * not give its whole text in a tooltip, no page that makes the window wider than its
 * default size.
 *
 * Large text is GNOME's text-scaling-factor 1.5, which reaches GTK on X11 as the
 * Xft resolution (gsd-xsettings: 96 dpi × 1.5); the test sets it on GtkSettings.
 * High contrast is libadwaita's own (AdwStyleManager:high-contrast), read from the
 * settings portal or GSettings when the session starts; the test runs that part in a
 * subprocess started with ADW_DEBUG_HIGH_CONTRAST=1, libadwaita's switch for it. */

#define INTERVAL_MS 400
#define DEFAULT_WIDTH 1100
#define DEFAULT_HEIGHT 740

static TwApplication *app;

static const char * const pages[] = {
  "overview", "breakers", "audit", "backups", "positions", "orders", "flags", "alerts",
  "keys", "logs",
};

/* What the test says: in the high-contrast subprocess, on its standard error (the
 * parent's: its standard output is not the parent's TAP stream). */
static void G_GNUC_PRINTF (1, 2)
note (const char *format,
      ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  if (g_test_subprocess ())
    g_printerr ("# %s\n", text);
  else
    g_test_message ("%s", text);
}

/* Labels ellipsized on screen whose text is nowhere else to read. */
static void
collect_cut_labels (GtkWidget *widget,
                    GPtrArray *cut)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget) && gtk_label_get_ellipsize (GTK_LABEL (widget)) != PANGO_ELLIPSIZE_NONE)
    {
      PangoLayout *layout = gtk_label_get_layout (GTK_LABEL (widget));
      const char *tooltip = gtk_widget_get_tooltip_text (widget);
      GtkWidget *parent = gtk_widget_get_parent (widget);
      const char *parent_tooltip = parent != NULL ? gtk_widget_get_tooltip_text (parent) : NULL;
      const char *text = gtk_label_get_text (GTK_LABEL (widget));

      if (pango_layout_is_ellipsized (layout) && *text != '\0' &&
          g_strcmp0 (tooltip, text) != 0 && g_strcmp0 (parent_tooltip, text) != 0)
        g_ptr_array_add (cut, g_strdup_printf ("%s “%s”", G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)),
                                               text));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_cut_labels (child, cut);
}

static guint
check_and_save (AppFixture *f,
                const char *mode,
                const char *page)
{
  g_autofree char *name = g_strdup_printf ("appearance-%s-%s.png", mode, page);
  g_autoptr(GPtrArray) cut = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *path = NULL;
  int width = gtk_widget_get_width (GTK_WIDGET (f->window));

  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f->window), 5000));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f->window), 5000));
  /* The page fits the window as it is: it did not make it wider. */
  g_assert_cmpint (ABS (width - DEFAULT_WIDTH), <=, 24);
  collect_cut_labels (GTK_WIDGET (f->window), cut);
  for (guint i = 0; i < cut->len; i++)
    note ("%s, %s: cut short: %s", mode, page, (const char *) g_ptr_array_index (cut, i));
  path = app_save_png (GTK_WIDGET (f->window), name);
  note ("%s", path);
  return cut->len;
}

static gboolean
service_rows_in (gpointer data)
{
  return tw_service_page_get_n_rows (data, TW_DETAIL_RATE_LIMITS) >= 4 &&
         tw_service_page_get_n_rows (data, TW_DETAIL_SECURITY) >= 3;
}

static void
walk_pages (const char *mode)
{
  AppFixture f = { 0, };
  TwPositionsPage *positions;
  TradingPositionWait wait;
  TwOverviewPage *overview;
  TwServicePage *service_page;
  guint cut = 0;

  /* The header's window buttons as GNOME draws them (Close only), not Xvfb's three. */
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "appmenu:close", NULL);
  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  gtk_window_set_default_size (GTK_WINDOW (f.window), DEFAULT_WIDTH, DEFAULT_HEIGHT);
  g_assert_true (app_wait_states_known (&f, 15000));
  positions = TW_POSITIONS_PAGE (tw_window_get_page (f.window, "positions"));
  wait = (TradingPositionWait) { tw_positions_page_get_portfolio (positions), "alpaca", "TSLA" };
  g_assert_true (tw_test_ui_wait_for (trading_position_known, &wait, 10000));
  g_assert_true (tw_test_ui_wait_for (trading_portfolio_loaded, &f, 10000));

  for (guint p = 0; p < G_N_ELEMENTS (pages); p++)
    {
      g_assert_true (tw_window_show_page (f.window, pages[p]));
      cut += check_and_save (&f, mode, pages[p]);
    }

  /* A service's own page, from its Overview row: Autotrader's rate limits and
   * security checks, once they are in. */
  g_assert_true (tw_window_show_page (f.window, "overview"));
  overview = tw_window_get_overview_page (f.window);
  tw_overview_page_show_service (overview, "autotrader");
  service_page = tw_overview_page_get_service_page (overview);
  g_assert_nonnull (service_page);
  g_assert_true (tw_test_ui_wait_for (service_rows_in, service_page, 10000));
  cut += check_and_save (&f, mode, "service-autotrader");
  tw_overview_page_show_service (overview, NULL);

  app_fixture_close (&f);
  /* Every page saved first, for a person to look at; then what was cut short fails. */
  g_assert_cmpuint (cut, ==, 0);
}

/* GNOME's Large Text: text-scaling-factor 1.5. */
static void
test_large_text (void)
{
  GtkSettings *settings = gtk_settings_get_default ();
  int dpi = 0;

  g_object_set (settings, "gtk-xft-dpi", (int) (1.5 * 96 * 1024), NULL);
  g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);
  g_assert_cmpint (dpi, ==, 147456);
  walk_pages ("large-text");
  gtk_settings_reset_property (settings, "gtk-xft-dpi");
}

static void
test_high_contrast (void)
{
  if (g_test_subprocess ())
    {
      g_assert_true (adw_style_manager_get_high_contrast (adw_style_manager_get_default ()));
      walk_pages ("high-contrast");
      return;
    }
  /* libadwaita reads it once, when it starts: a process of its own. */
  g_setenv ("ADW_DEBUG_HIGH_CONTRAST", "1", TRUE);
  g_test_trap_subprocess (NULL, 300 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("ADW_DEBUG_HIGH_CONTRAST");
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  int status;

  app = app_fixture_init (&argc, &argv);
  g_test_add_func ("/tw/ui/appearance/large-text", test_large_text);
  g_test_add_func ("/tw/ui/appearance/high-contrast", test_high_contrast);
  status = g_test_run ();
  tw_application_close_profile (app);
  g_clear_object (&app);
  return status;
}
