/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The demo's cron bot (002) in the window: the Overview tells its crontab entry, its
 * process and its log as any service's components; the Breakers page halts it with one
 * click, like any service, and shows it halted. PNGs of both, light and dark. Its
 * commands are the demo's stand-ins (never the user's crontab). */
#include "config.h"

#include <string.h>

#include "tw-breakers-page-private.h"
#include "tw-component.h"
#include "tw-overview-page.h"
#include "tw-service-row-private.h"
#include "tw-test-app.h"
#include "tw-trading-state-group-private.h"

#define INTERVAL_MS 400
#define BOT "cron-bot"

static TwApplication *app;

static gboolean
is_set (gpointer user_data)
{
  return *(gpointer *) user_data != NULL;
}

static void
action_finished_cb (TwBreakersPage *page,
                    const char     *service_id,
                    const char     *operation,
                    gboolean        ok,
                    const char     *message,
                    char          **out)
{
  g_free (*out);
  *out = g_strdup_printf ("%s %s %s %s", service_id, operation, ok ? "ok" : "failed", message);
}

static TwComponent *
component_of (AppFixture *f,
              const char *name)
{
  TwService *service = tw_profile_lookup_service (f->profile, BOT);
  GListModel *components = tw_service_get_components (service);

  for (guint i = 0; i < g_list_model_get_n_items (components); i++)
    {
      g_autoptr(TwComponent) component = g_list_model_get_item (components, i);

      if (g_strcmp0 (tw_component_get_name (component), name) == 0)
        return component;
    }
  return NULL;
}

static gboolean
component_says (AppFixture *f,
                const char *name,
                const char *status)
{
  TwComponent *component = component_of (f, name);

  return component != NULL && g_strcmp0 (tw_component_get_status (component), status) == 0;
}

static void
test_halt (void)
{
  AppFixture f = { .with_cron_bot = TRUE };
  TwOverviewPage *overview;
  TwBreakersPage *page;
  TwTradingStateGroup *group;
  TwServiceRow *row;
  g_autofree char *finished = NULL;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  overview = tw_window_get_overview_page (f.window);
  g_assert_true (app_wait_states_known (&f, 10000));
  row = tw_overview_page_get_row (overview, BOT);
  g_assert_nonnull (row);
  tw_test_wait_until (g_strcmp0 (tw_service_row_get_state_text (row), "OK") == 0, 10000);
  tw_test_wait_until (component_says (&f, "process", "running"), 10000);
  g_assert_true (component_says (&f, "crontab", "present"));
  g_assert_cmpstr (tw_service_row_get_trading_text (row), ==, "ACTIVE");

  /* One click on its Breakers group: the runbook's STOP ALL TRADING, read back. */
  page = tw_application_get_breakers_page (app);
  g_assert_true (tw_window_show_page (f.window, "breakers"));
  group = tw_breakers_page_get_group (page, BOT);
  g_assert_nonnull (group);
  g_assert_true (tw_trading_state_group_get_halt_visible (group));
  g_signal_connect (page, "action-finished", G_CALLBACK (action_finished_cb), &finished);
  gtk_widget_activate_action (GTK_WIDGET (group), "breakers.halt", "s", BOT);
  g_assert_true (tw_test_ui_wait_for (is_set, &finished, 15000));
  g_test_message ("%s", finished);
  g_assert_true (g_str_has_prefix (finished, BOT " trading.halt ok"));
  g_signal_handlers_disconnect_by_func (page, action_finished_cb, &finished);
  g_assert_true (app_wait_halted (&f, BOT, TRUE, 10000));
  tw_test_wait_until (g_strcmp0 (tw_trading_state_group_get_mode_text (group), "HALTED") == 0, 10000);
  g_test_message ("Breakers: %s — %s", tw_trading_state_group_get_mode_text (group),
                  tw_trading_state_group_get_detail_text (group));
  /* Away from safety, guarded: resume is offered (with its checklist), halt is done. */
  g_assert_true (tw_trading_state_group_get_resume_visible (group));
  /* Its group is the last of the page: scrolled to the bottom. */
  {
    GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (group), GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adjustment;

    g_assert_nonnull (scrolled);
    adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
    g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  }
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  app_save_png_light_dark (GTK_WIDGET (f.window), "breakers-cron-bot-halted");
  /* The group alone, without the halt's toast over it. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_free (app_save_png (GTK_WIDGET (group), "breakers-cron-bot-group-halted-light.png"));

  /* The Overview: HALTED, and why in its components (no entry, no process). */
  g_assert_true (tw_window_show_page (f.window, "overview"));
  tw_test_wait_until (component_says (&f, "process", "stopped"), 10000);
  g_assert_true (component_says (&f, "crontab", "absent"));
  g_assert_true (g_str_has_prefix (tw_component_get_detail (component_of (&f, "crontab")),
                                   "absent — no line matches "));
  g_assert_cmpstr (tw_component_get_detail (component_of (&f, "process")), ==, "stopped");
  tw_test_wait_until (g_strcmp0 (tw_service_row_get_trading_text (row), "HALTED") == 0, 10000);
  g_assert_cmpstr (tw_service_row_get_state_text (row), ==, "OK");
  tw_service_row_set_expanded (row, TRUE);
  /* Its row is the last: scrolled to the bottom. */
  {
    GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (row), GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adjustment;

    g_assert_nonnull (scrolled);
    adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
    g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  }
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  app_save_png_light_dark (GTK_WIDGET (f.window), "overview-cron-bot-halted");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_free (app_save_png (GTK_WIDGET (row), "overview-cron-bot-row-halted-light.png"));

  app_fixture_close (&f);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  app = app_fixture_init (&argc, &argv);
  g_test_add_func ("/tw/ui/cron-bot/halt", test_halt);
  status = g_test_run ();
  tw_application_close_profile (app);
  g_clear_object (&app);
  return status;
}
