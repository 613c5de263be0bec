/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-alert-private.h"
#include "tw-market-clock.h"
#include "tw-order-audit-dialog.h"
#include "tw-overview-page.h"
#include "tw-service-history.h"
#include "tw-service-page.h"
#include "tw-trading-test.h"

/* A page per service: pushed from the Overview by activating a service's row (what a
 * click or Enter does), back with the Back action; each section against the simulator,
 * only where the connector declares it; a PNG of each service's page, light and dark. */

#define INTERVAL_MS 400

static TwApplication *app;

typedef struct
{
  TwServicePage *page;
  guint          section;
  guint          n;
} RowsWait;

static gboolean
has_rows (gpointer data)
{
  RowsWait *wait = data;

  return tw_service_page_get_n_rows (wait->page, wait->section) >= wait->n;
}

static gboolean
has_figures (gpointer data)
{
  return tw_service_page_get_n_figures (data) >= 4;
}

static gboolean
sparkline_drawn (gpointer data)
{
  TwSparkline *sparkline = data;

  gtk_widget_queue_draw (GTK_WIDGET (sparkline));
  return tw_sparkline_get_n_points (sparkline) >= 2 && tw_sparkline_get_n_segments (sparkline) >= 1;
}

static gboolean
positions_clock_known (gpointer data)
{
  const char *text = tw_market_clock_get_text (data);

  return text != NULL && (g_str_has_prefix (text, "Market open") || g_str_has_prefix (text, "Market closed"));
}

static gboolean
has_components (gpointer data)
{
  return g_list_model_get_n_items (tw_service_get_components (data)) > 0;
}

static gboolean
order_shown (gpointer data)
{
  return tw_service_page_get_order_field (data, "Approval") != NULL;
}

static gboolean
audit_read (gpointer data)
{
  return !tw_order_audit_dialog_is_loading (data);
}

static gboolean
metrics_error_shown (gpointer data)
{
  return tw_service_page_get_error (data, TW_DETAIL_METRICS) != NULL;
}

static gboolean
clock_known (gpointer data)
{
  const char *text = tw_service_page_get_clock_text (data);

  return text != NULL && (g_str_equal (text, "Market open") || g_str_equal (text, "Market closed"));
}

static void
wait_rows (TwServicePage *page,
           guint          section,
           guint          n)
{
  RowsWait wait = { page, section, n };

  if (!tw_test_ui_wait_for (has_rows, &wait, 10000))
    g_error ("section %u has %u rows, not %u", section, tw_service_page_get_n_rows (page, section), n);
}

static guint
find_row (TwServicePage *page,
          guint          section,
          const char    *title)
{
  guint n = tw_service_page_get_n_rows (page, section);

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (tw_service_page_get_row_title (page, section, i), title) == 0)
      return i;
  g_error ("no row “%s” in section %u", title, section);
}

static void
assert_sections (TwServicePage *page,
                 const guint   *shown,
                 guint          n_shown)
{
  g_assert_true (tw_service_page_shows_section (page, TW_SERVICE_PAGE_HEALTH));
  for (guint s = 0; s < TW_DETAIL_N_SECTIONS; s++)
    {
      gboolean expected = FALSE;

      for (guint i = 0; i < n_shown; i++)
        expected |= shown[i] == s;
      g_test_message ("%s: section %u", tw_service_page_get_service_id (page), s);
      g_assert_cmpint (tw_service_page_shows_section (page, s), ==, expected);
    }
}

static GtkListView *
services_list (AppFixture *f)
{
  TwOverviewPage *overview = tw_window_get_overview_page (f->window);

  return GTK_LIST_VIEW (trading_find_widget (GTK_WIDGET (overview), GTK_TYPE_LIST_VIEW));
}

static guint
service_position (AppFixture *f,
                  const char *service_id)
{
  GListModel *services = tw_workspace_get_services (tw_window_get_workspace (f->window));

  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);

      if (g_str_equal (tw_service_get_id (service), service_id))
        return i;
    }
  g_error ("no service %s", service_id);
}

/* Activates the service's row as a click or Enter on it does, and returns its page. */
static TwServicePage *
open_service (AppFixture *f,
              const char *service_id)
{
  TwOverviewPage *overview = tw_window_get_overview_page (f->window);
  TwServicePage *page;

  g_assert_true (tw_window_show_page (f->window, "overview"));
  g_assert_null (tw_overview_page_get_service_page (overview));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (services_list (f)), "list.activate-item", "u",
                                             service_position (f, service_id)));
  page = tw_overview_page_get_service_page (overview);
  g_assert_nonnull (page);
  g_assert_cmpstr (tw_service_page_get_service_id (page), ==, service_id);
  g_assert_true (gtk_widget_has_focus (tw_service_page_get_back_button (page)));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f->window), 5000));
  return page;
}

static void
go_back (AppFixture *f)
{
  TwOverviewPage *overview = tw_window_get_overview_page (f->window);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (overview), "overview.back", NULL));
  g_assert_null (tw_overview_page_get_service_page (overview));
  g_assert_cmpstr (tw_window_get_visible_page (f->window), ==, "overview");
  /* the keyboard is back on the services */
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)), GTK_WIDGET (services_list (f))) ||
                 gtk_root_get_focus (GTK_ROOT (f->window)) == GTK_WIDGET (services_list (f)));
}

static void
save (AppFixture *f,
      const char *name)
{
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f->window), 5000));
  app_save_png_light_dark (GTK_WIDGET (f->window), name);
}

static void
test_pages (void)
{
  AppFixture f = { 0, };
  TwServicePage *page;
  TwAlertEngine *alerts;
  guint i;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1100, 1000);
  alerts = tw_session_get_alert_engine (tw_application_get_session (app));
  g_assert_nonnull (alerts);

  /* Autotrader (004): rate limits and security checks, nothing else. */
  page = open_service (&f, "autotrader");
  assert_sections (page, (guint[]) { TW_DETAIL_RATE_LIMITS, TW_DETAIL_SECURITY }, 2);
  g_assert_cmpuint (tw_test_ui_assert_icon_buttons_labelled (GTK_WIDGET (page)), >=, 1);
  wait_rows (page, TW_DETAIL_RATE_LIMITS, 4);
  wait_rows (page, TW_DETAIL_SECURITY, 3);
  /* 004's rule: above 80 % is a warning; 73 % is not */
  g_assert_true (tw_service_page_row_is_flagged (page, TW_DETAIL_RATE_LIMITS,
                                                 find_row (page, TW_DETAIL_RATE_LIMITS, "dexscreener")));
  g_assert_false (tw_service_page_row_is_flagged (page, TW_DETAIL_RATE_LIMITS,
                                                  find_row (page, TW_DETAIL_RATE_LIMITS, "coingecko")));
  g_assert_true (tw_service_page_row_is_flagged (page, TW_DETAIL_SECURITY,
                                                 find_row (page, TW_DETAIL_SECURITY, "api_key_validation")));
  g_assert_false (tw_service_page_row_is_flagged (page, TW_DETAIL_SECURITY,
                                                  find_row (page, TW_DETAIL_SECURITY, "ibkr_fa_scrubbing")));
  /* a failing check raises its alert */
  g_assert_true (tw_alert_engine_is_active (alerts, "security:autotrader:api_key_validation"));
  /* Health: the components, and the last hour drawn */
  {
    TwService *service = tw_profile_lookup_service (tw_session_get_profile (tw_application_get_session (app)),
                                                    "autotrader");
    guint n;

    g_assert_true (tw_test_ui_wait_for (has_components, service, 10000));
    n = g_list_model_get_n_items (tw_service_get_components (service));
    wait_rows (page, TW_SERVICE_PAGE_HEALTH, n);
  }
  /* Two points are two of the history's 10 s steps: the second comes up to a whole step
   * after the first answer, so the wait is a step and more. */
  g_assert_true (tw_test_ui_wait_for (sparkline_drawn, tw_service_page_get_sparkline (page),
                                      TW_HISTORY_STEP_US / 1000 + 10000));
  g_assert_null (tw_service_page_get_error (page, TW_DETAIL_RATE_LIMITS));
  save (&f, "service-autotrader");
  tw_service_page_scroll_to (page, TW_DETAIL_RATE_LIMITS);
  save (&f, "service-autotrader-limits");
  go_back (&f);

  /* IBKR assistant (003): Prometheus metrics, key figures first, a searchable table. */
  page = open_service (&f, "ibkr-assistant");
  assert_sections (page, (guint[]) { TW_DETAIL_METRICS, TW_DETAIL_ORDERS }, 2);
  g_assert_true (tw_test_ui_wait_for (has_figures, page, 10000));
  wait_rows (page, TW_DETAIL_METRICS, 20);
  save (&f, "service-ibkr-assistant");
  tw_service_page_scroll_to (page, TW_DETAIL_METRICS);
  save (&f, "service-ibkr-assistant-metrics");
  tw_service_page_set_search (page, TW_DETAIL_METRICS, "risk_rejection");
  g_assert_cmpuint (tw_service_page_get_n_rows (page, TW_DETAIL_METRICS), ==, 2);
  for (i = 0; i < 2; i++)
    g_assert_cmpstr (tw_service_page_get_row_title (page, TW_DETAIL_METRICS, i), ==, "ibkr_risk_rejection_total");
  tw_service_page_set_search (page, TW_DETAIL_METRICS, "");
  wait_rows (page, TW_DETAIL_METRICS, 20);
  /* Orders and approvals: a pending order's detail and approval, one activation away. */
  wait_rows (page, TW_DETAIL_ORDERS, 1);
  tw_service_page_activate_row (page, TW_DETAIL_ORDERS, 0);
  g_assert_true (tw_test_ui_wait_for (order_shown, page, 10000));
  g_assert_nonnull (tw_service_page_get_order_field (page, "Correlation ID"));
  g_assert_cmpstr (tw_service_page_get_order_field (page, "State"), ==, "PENDING");
  tw_service_page_scroll_to (page, TW_DETAIL_ORDERS);
  save (&f, "service-ibkr-assistant-orders");

  /* The order's audit trail, from its correlation id: each entry's time, event and
   * details, oldest first (003's Verify Resolution). */
  {
    TwOrderAuditDialog *dialog;
    /* a copy: the order detail's rows are rebuilt at each read */
    g_autofree char *id = g_strdup (tw_service_page_get_order_field (page, "Correlation ID"));
    g_autofree char *hostile = NULL;

    g_assert_true (tw_service_page_activate_order_field (page, "Audit Trail"));
    dialog = TW_ORDER_AUDIT_DIALOG (tw_service_page_get_audit_dialog (page));
    g_assert_nonnull (dialog);
    g_assert_cmpstr (tw_order_audit_dialog_get_correlation_id (dialog), ==, id);
    g_assert_true (tw_test_ui_wait_for (audit_read, dialog, 10000));
    g_assert_null (tw_order_audit_dialog_get_error (dialog));
    g_assert_null (tw_order_audit_dialog_get_note (dialog));
    g_assert_cmpuint (tw_order_audit_dialog_get_n_entries (dialog), >=, 3);
    g_assert_cmpstr (tw_order_audit_dialog_get_entry_event (dialog, 0), ==, "ProposalCreated");
    g_assert_cmpstr (tw_order_audit_dialog_get_entry_event (dialog, 1), ==, "RiskEvaluated");
    g_assert_nonnull (strstr (tw_order_audit_dialog_get_entry_details (dialog, 0), "symbol: "));
    g_assert_nonnull (tw_order_audit_dialog_get_entry_time (dialog, 0));
    g_assert_true (g_ascii_isdigit (tw_order_audit_dialog_get_entry_time (dialog, 0)[0]));
    g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (dialog), 5000));
    g_assert_cmpuint (tw_test_ui_assert_icon_buttons_labelled (GTK_WIDGET (dialog)), >=, 1);
    app_save_png_light_dark (GTK_WIDGET (dialog), "service-ibkr-assistant-audit-trail");

    /* No trail for it (404): said, with the id, and Try Again */
    tw_test_sim_fault (f.sim, "ibkr-assistant",
                       "{\"path\":\"/api/v1/audit/correlation_id/*\",\"kind\":\"status\",\"status\":404,"
                       "\"body\":\"{\\\"detail\\\": \\\"No audit events\\\"}\",\"count\":1}");
    tw_order_audit_dialog_reload (dialog);
    g_assert_true (tw_test_ui_wait_for (audit_read, dialog, 10000));
    g_test_message ("%s", tw_order_audit_dialog_get_error (dialog));
    g_assert_nonnull (tw_order_audit_dialog_get_error (dialog));
    g_assert_nonnull (strstr (tw_order_audit_dialog_get_error (dialog), "404"));
    g_assert_nonnull (strstr (tw_order_audit_dialog_get_error (dialog), id));
    g_assert_cmpuint (tw_order_audit_dialog_get_n_entries (dialog), ==, 0);
    g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (dialog), 5000));
    app_save_png_light_dark (GTK_WIDGET (dialog), "service-ibkr-assistant-audit-trail-error");

    /* A hostile answer: markup shown as text, an entry of another order left out and
     * said so */
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *fault = NULL;

      hostile = g_strdup_printf ("[{\"type\": \"<b>Injected</b>\", \"correlation_id\": \"%s\", "
                                 "\"timestamp\": \"2026-12-06T07:00:00Z\", \"data\": {\"note\": \"<i>x</i> &amp;\"}},"
                                 " {\"type\": \"Other\", \"correlation_id\": \"someone-else\", \"data\": {}}]", id);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, "/api/v1/audit/correlation_id/*");
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, "status");
      json_builder_set_member_name (b, "status");
      json_builder_add_int_value (b, 200);
      json_builder_set_member_name (b, "body");
      json_builder_add_string_value (b, hostile);
      json_builder_set_member_name (b, "count");
      json_builder_add_int_value (b, 1);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      fault = json_to_string (node, FALSE);
      tw_test_sim_fault (f.sim, "ibkr-assistant", fault);
    }
    tw_order_audit_dialog_reload (dialog);
    g_assert_true (tw_test_ui_wait_for (audit_read, dialog, 10000));
    g_assert_null (tw_order_audit_dialog_get_error (dialog));
    g_assert_cmpuint (tw_order_audit_dialog_get_n_entries (dialog), ==, 1);
    g_assert_cmpstr (tw_order_audit_dialog_get_entry_event (dialog, 0), ==, "<b>Injected</b>");
    g_assert_cmpstr (tw_order_audit_dialog_get_entry_details (dialog, 0), ==, "note: <i>x</i> &amp;");
    g_assert_nonnull (tw_order_audit_dialog_get_note (dialog));
    g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (dialog), 5000));
    gtk_window_destroy (GTK_WINDOW (dialog));
    g_assert_null (tw_service_page_get_audit_dialog (page));
  }

  /* A body the page cannot read: the section says so, its table stays. */
  tw_test_sim_fault (f.sim, "ibkr-assistant", "{\"path\":\"/api/v1/metrics\",\"kind\":\"malformed\"}");
  g_assert_true (tw_test_ui_wait_for (metrics_error_shown, page, 10000));
  g_test_message ("%s", tw_service_page_get_error (page, TW_DETAIL_METRICS));
  g_assert_nonnull (strstr (tw_service_page_get_error (page, TW_DETAIL_METRICS), "line 1"));
  wait_rows (page, TW_DETAIL_METRICS, 20);
  go_back (&f);
  tw_test_sim_clear_faults (f.sim);

  /* AI trading (001): performance, trades, models. */
  app_scenario (&f, "{\"name\":\"losing-streak\"}");
  page = open_service (&f, "ai-trading");
  assert_sections (page, (guint[]) { TW_DETAIL_METRICS, TW_DETAIL_TRADES, TW_DETAIL_MODELS,
                                     TW_DETAIL_RATE_LIMITS, TW_DETAIL_LIMIT_METRICS }, 5);
  g_assert_true (tw_test_ui_wait_for (has_figures, page, 10000));
  wait_rows (page, TW_DETAIL_TRADES, 3);
  wait_rows (page, TW_DETAIL_MODELS, 2);
  g_assert_false (tw_service_page_row_is_flagged (page, TW_DETAIL_MODELS,
                                                  find_row (page, TW_DETAIL_MODELS, "lstm_signal")));
  save (&f, "service-ai-trading");
  tw_service_page_scroll_to (page, TW_DETAIL_TRADES);
  save (&f, "service-ai-trading-trades");
  tw_service_page_set_search (page, TW_DETAIL_TRADES, "no such symbol");
  g_assert_cmpuint (tw_service_page_get_n_rows (page, TW_DETAIL_TRADES), ==, 0);
  tw_service_page_set_search (page, TW_DETAIL_TRADES, "");
  wait_rows (page, TW_DETAIL_TRADES, 3);
  go_back (&f);

  /* InvestIQ (000): its trades, its ML service's models. */
  page = open_service (&f, "investiq");
  assert_sections (page, (guint[]) { TW_DETAIL_TRADES, TW_DETAIL_MODELS }, 2);
  wait_rows (page, TW_DETAIL_TRADES, 3);
  tw_service_page_scroll_to (page, TW_DETAIL_TRADES);
  save (&f, "service-investiq");
  go_back (&f);

  /* Alpaca: the market clock. */
  page = open_service (&f, "alpaca");
  assert_sections (page, (guint[]) { TW_DETAIL_CLOCK }, 1);
  g_assert_true (tw_test_ui_wait_for (clock_known, page, 10000));
  save (&f, "service-alpaca");
  go_back (&f);

  /* The clock in the Positions page's header too. */
  g_assert_true (tw_window_show_page (f.window, "positions"));
  {
    TwMarketClock *clock = TW_MARKET_CLOCK (trading_find_widget (GTK_WIDGET (f.window), TW_TYPE_MARKET_CLOCK));

    g_assert_nonnull (clock);
    g_assert_true (tw_test_ui_wait_for (positions_clock_known, clock, 10000));
    g_test_message ("%s", tw_market_clock_get_text (clock));
    save (&f, "positions-market-clock");
  }

  app_fixture_close (&f);
}

int
main (int   argc,
      char *argv[])
{
  app = app_fixture_init (&argc, &argv);
  g_test_add_func ("/tw/ui/service-page/pages", test_pages);

  return g_test_run ();
}
