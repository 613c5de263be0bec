/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-alert-private.h"
#include "tw-guard-dialog-private.h"
#include "tw-logs-page.h"
#include "tw-logs-page-private.h"
#include "tw-overview-page.h"
#include "tw-service-editor-row-private.h"
#include "tw-order-audit-dialog.h"
#include "tw-service-page.h"
#include "tw-trading-test.h"

/* A service page's second addresses and its links (issue 15), in the demo profile on a
 * simulator of the test's own: 001's rate gate (its quotas, its metrics, the guarded
 * quota reset read back), 000's ML service (its models); the guard's "Recent trades
 * reviewed" opening the service's trades; an order's correlation id opening the Logs
 * page filtered to it. PNGs of the pages with the rate gate and the ML service. */

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

static TwServicePage *
open_service (AppFixture *f,
              const char *service_id)
{
  TwOverviewPage *overview = tw_window_get_overview_page (f->window);
  TwServicePage *page;

  g_assert_true (tw_window_show_page (f->window, "overview"));
  if (tw_overview_page_get_service_page (overview) != NULL)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (overview), "overview.back", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (services_list (f)), "list.activate-item", "u",
                                             service_position (f, service_id)));
  page = tw_overview_page_get_service_page (overview);
  g_assert_nonnull (page);
  g_assert_cmpstr (tw_service_page_get_service_id (page), ==, service_id);
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f->window), 5000));
  return page;
}

static void
save (AppFixture *f,
      const char *name)
{
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f->window), 5000));
  app_save_png_light_dark (GTK_WIDGET (f->window), name);
}

static gboolean
dialog_shown (gpointer data)
{
  return tw_service_page_get_guard_dialog (data) != NULL;
}

static gboolean
result_known (gpointer data)
{
  return tw_service_page_get_last_result (data) != NULL;
}

static gboolean
alphavantage_reset (gpointer data)
{
  TwServicePage *page = data;

  return !tw_service_page_row_is_flagged (page, TW_DETAIL_RATE_LIMITS,
                                          find_row (page, TW_DETAIL_RATE_LIMITS, "alphavantage"));
}

/* 001: the rate gate's quotas and metrics on the AI trading page; one provider's quota
 * reset through the guard (refused until the exchange is said to block), read back. */
static void
test_rate_gate (void)
{
  AppFixture f = { 0, };
  TwServicePage *page;
  TwGuardDialog *dialog;
  const char *text;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1100, 1000);

  page = open_service (&f, "ai-trading");
  g_assert_true (tw_service_page_shows_section (page, TW_DETAIL_RATE_LIMITS));
  g_assert_true (tw_service_page_shows_section (page, TW_DETAIL_LIMIT_METRICS));
  wait_rows (page, TW_DETAIL_RATE_LIMITS, 3);
  wait_rows (page, TW_DETAIL_LIMIT_METRICS, 10);
  g_assert_null (tw_service_page_get_error (page, TW_DETAIL_RATE_LIMITS));
  /* spent and above 80 %: warnings; binance at 25 %: none */
  g_assert_true (tw_service_page_row_is_flagged (page, TW_DETAIL_RATE_LIMITS,
                                                 find_row (page, TW_DETAIL_RATE_LIMITS, "alphavantage")));
  g_assert_true (tw_service_page_row_is_flagged (page, TW_DETAIL_RATE_LIMITS,
                                                 find_row (page, TW_DETAIL_RATE_LIMITS, "polygon")));
  g_assert_false (tw_service_page_row_is_flagged (page, TW_DETAIL_RATE_LIMITS,
                                                  find_row (page, TW_DETAIL_RATE_LIMITS, "binance")));
  find_row (page, TW_DETAIL_LIMIT_METRICS, "rate_gate_backoff_count");
  g_assert_cmpuint (tw_test_ui_assert_icon_buttons_labelled (GTK_WIDGET (page)), >=, 1);
  tw_service_page_scroll_to (page, TW_DETAIL_RATE_LIMITS);
  save (&f, "service-ai-trading-rate-gate");

  /* One provider's reset: the guard asks for the runbook's one item. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "service.reset-quota", "s", "alphavantage"));
  g_assert_true (tw_test_ui_wait_for (dialog_shown, page, 5000));
  dialog = TW_GUARD_DIALOG (tw_service_page_get_guard_dialog (page));
  tw_guard_dialog_set_reason (dialog, "alphavantage answers 429 to every call");
  g_assert_false (tw_guard_dialog_get_can_confirm (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "masks quota leaks"));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (dialog), 5000));
  g_free (app_save_png (GTK_WIDGET (dialog), "service-rate-gate-reset-guard.png"));
  g_assert_true (tw_guard_dialog_set_checked (dialog, TW_GUARD_CHECK_EXCHANGE_BLOCKING, TRUE));
  g_assert_true (tw_guard_dialog_get_can_confirm (dialog));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
  g_assert_true (tw_test_ui_wait_for (result_known, page, 10000));
  text = tw_service_page_get_last_result (page);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "AI trading: quota of alphavantage reset."));
  g_assert_nonnull (strstr (text, "“Quota reset for alphavantage”"));
  g_assert_nonnull (strstr (text, "alphavantage 0 of 5 used (0 %)"));
  g_assert_true (tw_test_ui_wait_for (alphavantage_reset, page, 10000));
  g_assert_true (tw_service_page_row_is_flagged (page, TW_DETAIL_RATE_LIMITS,
                                                 find_row (page, TW_DETAIL_RATE_LIMITS, "polygon")));
  /* audited: requested, ok, the read-back */
  {
    TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
    g_autoptr(GListModel) audit = NULL;
    g_autoptr(GError) error = NULL;

    filter.action = "ratelimit.reset";
    audit = tw_audit_log_query (tw_application_get_audit_log (app), &filter, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (audit), ==, 3);
  }
  save (&f, "service-ai-trading-rate-gate-reset");
  app_fixture_close (&f);
}

/* 000: the ML service's models on the InvestIQ page; they unload: the row says so. */
static gboolean
models_down (gpointer data)
{
  TwServicePage *page = data;

  return tw_service_page_get_n_rows (page, TW_DETAIL_MODELS) >= 1 &&
         tw_service_page_row_is_flagged (page, TW_DETAIL_MODELS, 0);
}

static void
test_ml_service (void)
{
  AppFixture f = { 0, };
  TwServicePage *page;
  TwAlertEngine *alerts;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1100, 1000);
  alerts = tw_session_get_alert_engine (tw_application_get_session (app));

  page = open_service (&f, "investiq");
  g_assert_true (tw_service_page_shows_section (page, TW_DETAIL_MODELS));
  wait_rows (page, TW_DETAIL_MODELS, 4);
  g_assert_cmpstr (tw_service_page_get_row_title (page, TW_DETAIL_MODELS, 0), ==, "signal-models");
  g_assert_false (tw_service_page_row_is_flagged (page, TW_DETAIL_MODELS, 0));
  find_row (page, TW_DETAIL_MODELS, "meta_model");
  tw_service_page_scroll_to (page, TW_DETAIL_MODELS);
  save (&f, "service-investiq-ml-service");

  tw_test_sim_health (f.sim, "investiq", "{\"component\":\"ml_service\",\"status\":\"down\"}");
  g_assert_true (tw_test_ui_wait_for (models_down, page, 10000));
  g_assert_true (tw_alert_engine_is_active (alerts, "model:investiq:signal-models"));
  save (&f, "service-investiq-ml-service-unloaded");
  tw_test_sim_health (f.sim, "investiq", "{\"reset\":true}");
  app_fixture_close (&f);
}

/* The guard's "Recent trades reviewed": its link opens the service's page at its
 * trades, and lets go of the window; the dialog stays with what was typed. */
static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static gboolean
trades_in_view (gpointer data)
{
  TwOverviewPage *overview = data;
  TwServicePage *page = tw_overview_page_get_service_page (overview);

  return page != NULL && tw_service_page_get_n_rows (page, TW_DETAIL_TRADES) > 0 &&
         tw_service_page_section_in_view (page, TW_DETAIL_TRADES);
}

static void
test_guard_trades_link (void)
{
  AppFixture f = { 0, };
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TwOverviewPage *overview;
  TwServicePage *page;
  TwGuardDialog *dialog;
  GtkWidget *button;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1100, 900);
  overview = tw_window_get_overview_page (f.window);
  /* a losing streak: trades to review, a loss breaker tripped */
  app_scenario (&f, "{\"name\":\"losing-streak\"}");
  g_assert_true (tw_window_show_page (f.window, "breakers"));

  /* Resuming after a loss breaker: the runbook asks for the trades reviewed. */
  request = tw_action_runner_new_request (tw_application_get_action_runner (app), "trading.resume", "InvestIQ");
  tw_guard_request_set_breaker_kind (request, "loss");
  dialog = TW_GUARD_DIALOG (tw_guard_confirm_async (GTK_WINDOW (f.window), request,
                                                    tw_application_get_workspace (app), "investiq",
                                                    NULL, store_result_cb, &result));
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  tw_guard_dialog_set_reason (dialog, "bad symbol removed from the universe");
  button = tw_guard_dialog_get_trades_button (dialog);
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "Open _Trades");

  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpstr (tw_window_get_visible_page (f.window), ==, "overview");
  page = tw_overview_page_get_service_page (overview);
  g_assert_nonnull (page);
  g_assert_cmpstr (tw_service_page_get_service_id (page), ==, "investiq");
  g_assert_true (tw_test_ui_wait_for (trades_in_view, overview, 15000));
  /* the window is the operator's again; the dialog stays, with the reason */
  g_assert_false (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_cmpstr (tw_guard_request_get_reason (request), ==, "bad symbol removed from the universe");
  g_assert_null (result);
  save (&f, "guard-trades-link");

  /* A service that lists no trades has no link. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_assert_true (tw_test_ui_wait_for (is_set, &result, 5000));
  g_assert_false (tw_guard_confirm_finish (result, &error));
  g_clear_object (&result);
  g_clear_error (&error);
  g_clear_object (&request);
  request = tw_action_runner_new_request (tw_application_get_action_runner (app), "trading.resume", "Autotrader");
  tw_guard_request_set_breaker_kind (request, "loss");
  dialog = TW_GUARD_DIALOG (tw_guard_confirm_async (GTK_WINDOW (f.window), request,
                                                    tw_application_get_workspace (app), "autotrader",
                                                    NULL, store_result_cb, &result));
  g_assert_nonnull (dialog);
  g_assert_null (tw_guard_dialog_get_trades_button (dialog));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_assert_true (tw_test_ui_wait_for (is_set, &result, 5000));
  app_fixture_close (&f);
}

/* An order's correlation id opens the Logs page filtered to it. */
static gboolean
order_shown (gpointer data)
{
  return tw_service_page_get_order_field (data, "Approval") != NULL;
}

static void
test_correlation_link (void)
{
  AppFixture f = { 0, };
  TwServicePage *page;
  TwLogsPage *logs;
  g_autofree char *id = NULL;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1100, 900);

  page = open_service (&f, "ibkr-assistant");
  wait_rows (page, TW_DETAIL_ORDERS, 1);
  tw_service_page_activate_row (page, TW_DETAIL_ORDERS, 0);
  g_assert_true (tw_test_ui_wait_for (order_shown, page, 10000));
  id = g_strdup (tw_service_page_get_order_field (page, "Correlation ID"));
  g_assert_nonnull (id);

  g_assert_true (tw_service_page_activate_order_field (page, "Correlation ID"));
  g_assert_cmpstr (tw_window_get_visible_page (f.window), ==, "logs");
  logs = TW_LOGS_PAGE (tw_window_get_page (f.window, "logs"));
  g_assert_nonnull (logs);
  g_assert_cmpstr (_tw_logs_page_get_filter_id (logs), ==, id);
  save (&f, "logs-from-correlation-id");

  /* The audit trail's own link to the same lines: the window closes, the Logs page
   * shows them */
  g_assert_true (tw_window_show_page (f.window, "overview"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "service.show-audit-trail", "s", "corr-456"));
  {
    GtkWidget *dialog = tw_service_page_get_audit_dialog (page);

    g_assert_nonnull (dialog);
    g_assert_true (gtk_widget_get_visible (tw_order_audit_dialog_get_logs_button (TW_ORDER_AUDIT_DIALOG (dialog))));
    g_signal_emit_by_name (tw_order_audit_dialog_get_logs_button (TW_ORDER_AUDIT_DIALOG (dialog)), "clicked");
    g_assert_cmpstr (tw_window_get_visible_page (f.window), ==, "logs");
    g_assert_cmpstr (_tw_logs_page_get_filter_id (logs), ==, "corr-456");
    g_assert_null (tw_service_page_get_audit_dialog (page));
  }

  /* the window's action on its own, as the audit rows or any page may use it */
  g_assert_true (tw_window_show_page (f.window, "overview"));
  g_action_group_activate_action (G_ACTION_GROUP (f.window), "show-logs-for-correlation",
                                  g_variant_new_string ("corr-123"));
  g_assert_cmpstr (tw_window_get_visible_page (f.window), ==, "logs");
  g_assert_cmpstr (_tw_logs_page_get_filter_id (logs), ==, "corr-123");
  app_fixture_close (&f);
}

/* A row edited through the profile editor, saved as a profile file and read back. */
static TwService *
round_trip (TwServiceEditorRow *row)
{
  g_autoptr(TwService) built = NULL;
  g_autoptr(TwProfile) profile = tw_profile_new ("endpoints", TW_MODE_PAPER);
  g_autoptr(TwProfile) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *problems = tw_service_editor_row_validate (row);
  g_autofree char *data = NULL;
  TwService *service;

  g_assert_null (problems);
  built = tw_service_editor_row_build_service (row);
  tw_profile_add_service (profile, built);
  data = tw_profile_to_data (profile);
  loaded = tw_profile_load_from_data (data, "endpoints.conf", &error);
  g_assert_no_error (error);
  service = tw_profile_lookup_service (loaded, tw_service_get_id (built));
  g_assert_nonnull (service);
  return g_object_ref (service);
}

/* The profile editor's fields for an endpoint's address (001's rate gate: RateGateUrl,
 * 000's ML service: MlServiceUrl), only for the connectors that have one: shown from
 * the profile, validated like the base URL, saved and read back; empty for the
 * connector's default; dropped when the service gets another connector. */
static void
test_editor_endpoints (void)
{
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwService) service = tw_service_new ("ai", "ai-trading", "http://127.0.0.1:8000");
  g_autoptr(TwService) saved = NULL;
  g_autoptr(TwService) built = NULL;
  g_autofree char *problems = NULL;
  GtkWidget *row;

  tw_connector_registry_load_default (registry);
  tw_service_set_setting (service, "RateGateUrl", "http://10.0.0.5:3001");
  row = g_object_ref_sink (tw_service_editor_row_new (registry, service));
  g_assert_cmpstr (tw_service_editor_row_get_endpoint_url (TW_SERVICE_EDITOR_ROW (row), "RateGateUrl"), ==,
                   "http://10.0.0.5:3001");
  g_assert_null (tw_service_editor_row_get_endpoint_url (TW_SERVICE_EDITOR_ROW (row), "MlServiceUrl"));
  saved = round_trip (TW_SERVICE_EDITOR_ROW (row));
  g_assert_cmpstr (tw_service_get_setting (saved, "RateGateUrl"), ==, "http://10.0.0.5:3001");
  g_clear_object (&saved);

  /* Changed, and refused when it is no address */
  g_assert_true (tw_service_editor_row_set_endpoint_url (TW_SERVICE_EDITOR_ROW (row), "RateGateUrl",
                                                         "gate.internal:3001"));
  problems = tw_service_editor_row_validate (TW_SERVICE_EDITOR_ROW (row));
  g_assert_nonnull (problems);
  g_test_message ("%s", problems);
  g_assert_nonnull (strstr (problems, "Rate gate address"));
  g_clear_pointer (&problems, g_free);
  g_assert_true (tw_service_editor_row_set_endpoint_url (TW_SERVICE_EDITOR_ROW (row), "RateGateUrl",
                                                         "https://gate.internal:3443"));
  saved = round_trip (TW_SERVICE_EDITOR_ROW (row));
  g_assert_cmpstr (tw_service_get_setting (saved, "RateGateUrl"), ==, "https://gate.internal:3443");
  /* ... and shown again by an editor of the saved service */
  {
    g_autoptr(GtkWidget) again = g_object_ref_sink (tw_service_editor_row_new (registry, saved));

    g_assert_cmpstr (tw_service_editor_row_get_endpoint_url (TW_SERVICE_EDITOR_ROW (again), "RateGateUrl"), ==,
                     "https://gate.internal:3443");
  }
  g_clear_object (&saved);

  /* Empty: no key, the connector's default address */
  g_assert_true (tw_service_editor_row_set_endpoint_url (TW_SERVICE_EDITOR_ROW (row), "RateGateUrl", ""));
  saved = round_trip (TW_SERVICE_EDITOR_ROW (row));
  g_assert_null (tw_service_get_setting (saved, "RateGateUrl"));
  g_clear_object (&saved);

  /* Another connector: its own addresses, not this one's */
  g_assert_true (tw_service_editor_row_set_endpoint_url (TW_SERVICE_EDITOR_ROW (row), "RateGateUrl",
                                                         "http://10.0.0.6:3001"));
  g_assert_true (tw_service_editor_row_set_connector_id (TW_SERVICE_EDITOR_ROW (row), "autotrader"));
  g_assert_null (tw_service_editor_row_get_endpoint_url (TW_SERVICE_EDITOR_ROW (row), "RateGateUrl"));
  built = tw_service_editor_row_build_service (TW_SERVICE_EDITOR_ROW (row));
  g_assert_null (tw_service_get_setting (built, "RateGateUrl"));
  g_clear_object (&built);
  g_assert_true (tw_service_editor_row_set_connector_id (TW_SERVICE_EDITOR_ROW (row), "investiq"));
  g_assert_cmpstr (tw_service_editor_row_get_endpoint_url (TW_SERVICE_EDITOR_ROW (row), "MlServiceUrl"), ==, "");
  g_assert_true (tw_service_editor_row_set_endpoint_url (TW_SERVICE_EDITOR_ROW (row), "MlServiceUrl",
                                                         "http://10.0.0.7:8004"));
  saved = round_trip (TW_SERVICE_EDITOR_ROW (row));
  g_assert_cmpstr (tw_service_get_setting (saved, "MlServiceUrl"), ==, "http://10.0.0.7:8004");
  g_assert_null (tw_service_get_setting (saved, "RateGateUrl"));

  /* How it looks: the row expanded, the address field last */
  {
    GtkWidget *window = gtk_window_new ();
    GtkWidget *list = gtk_list_box_new ();

    gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
    gtk_widget_add_css_class (list, "boxed-list");
    gtk_widget_set_margin_top (list, 12);
    gtk_widget_set_margin_bottom (list, 12);
    gtk_widget_set_margin_start (list, 12);
    gtk_widget_set_margin_end (list, 12);
    gtk_list_box_append (GTK_LIST_BOX (list), row);
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
    gtk_window_set_child (GTK_WINDOW (window), list);
    gtk_window_set_default_size (GTK_WINDOW (window), 560, -1);
    gtk_window_present (GTK_WINDOW (window));
    g_assert_true (tw_test_ui_wait_frame (window, 5000));
    app_save_png_light_dark (window, "profile-editor-endpoint");
    gtk_window_destroy (GTK_WINDOW (window));
  }
  g_object_unref (row);
}

int
main (int   argc,
      char *argv[])
{
  app = app_fixture_init (&argc, &argv);
  g_test_add_func ("/tw/ui/service-links/rate-gate", test_rate_gate);
  g_test_add_func ("/tw/ui/service-links/ml-service", test_ml_service);
  g_test_add_func ("/tw/ui/service-links/guard-trades", test_guard_trades_link);
  g_test_add_func ("/tw/ui/service-links/correlation", test_correlation_link);
  g_test_add_func ("/tw/ui/service-links/editor-endpoints", test_editor_endpoints);

  return g_test_run ();
}
