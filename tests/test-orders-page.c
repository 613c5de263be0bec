/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-guard-dialog.h"
#include "tw-guard-dialog-private.h"
#include "tw-orders-page-private.h"
#include "tw-trading-test.h"

#define INTERVAL_MS 400

static TwApplication *app;

static gboolean
has_stuck (gpointer data)
{
  GListModel *rows = tw_orders_page_get_model (data);
  g_autoptr(TwOrder) first = NULL;

  if (g_list_model_get_n_items (rows) < 3)
    return FALSE;
  first = g_list_model_get_item (rows, 0);
  return tw_order_get_stuck (first);
}

static void
test_orders (void)
{
  AppFixture f = { 0, };
  TwOrdersPage *page;
  GListModel *rows;
  gboolean seen_fresh = FALSE;
  guint n_stuck = 0;
  g_autofree char *finished = NULL;
  GtkWidget *dialog;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  page = TW_ORDERS_PAGE (trading_find_widget (GTK_WIDGET (f.window), TW_TYPE_ORDERS_PAGE));
  g_assert_nonnull (page);
  g_assert_true (tw_window_show_page (f.window, "orders"));
  g_assert_true (tw_test_ui_wait_for (has_stuck, page, 10000));
  g_assert_true (tw_test_ui_wait_for (trading_portfolio_loaded, &f, 10000));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));

  /* Stuck ones first, each with "Stuck" in its status cell; then the others. */
  rows = tw_orders_page_get_model (page);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(TwOrder) order = g_list_model_get_item (rows, i);
      const char *status = trading_cell_text (GTK_WIDGET (page), order, "status");
      const char *age = trading_cell_text (GTK_WIDGET (page), order, "age");

      g_test_message ("%s %s %s %s", tw_order_get_service_id (order), tw_order_get_symbol (order),
                      status, age);
      /* The broker's words in one style: "Buy", "Limit", "Accepted", never "BUY", "lmt". */
      {
        const char *side = trading_cell_text (GTK_WIDGET (page), order, "side");
        const char *type = trading_cell_text (GTK_WIDGET (page), order, "type");

        g_assert_true (g_str_equal (side, "Buy") || g_str_equal (side, "Sell"));
        g_assert_true (g_ascii_isupper (type[0]) && strchr (type, '_') == NULL);
        g_assert_true (g_ascii_isupper (status[tw_order_get_stuck (order) ? strlen ("Stuck · ") : 0]));
        g_assert_null (strchr (status, '_'));
      }
      if (tw_order_get_stuck (order))
        {
          g_assert_false (seen_fresh);
          n_stuck++;
          g_assert_true (g_str_has_prefix (status, "Stuck · "));
          if (tw_order_get_approval_status (order) != NULL)
            g_assert_cmpstr (tw_order_get_approval_status (order), ==, "PENDING_APPROVAL");
          g_assert_true (g_str_has_suffix (age, " min"));
        }
      else
        {
          seen_fresh = TRUE;
          g_assert_null (strstr (status, "Stuck"));
        }
    }
  g_assert_cmpuint (n_stuck, >=, 1);
  g_assert_nonnull (strstr (tw_orders_page_get_stuck_text (page), "stuck"));
  {
    /* Alpaca's "accepted" order of 12 minutes ago. */
    g_autoptr(TwOrder) first = g_list_model_get_item (rows, 0);

    g_assert_true (tw_order_get_stuck (first));
    g_assert_cmpint (tw_order_get_age_seconds (first), >=, 300);
  }

  g_assert_cmpuint (tw_test_ui_assert_icon_buttons_labelled (GTK_WIDGET (f.window)), >=, 1);
  app_save_png_light_dark (GTK_WIDGET (f.window), "orders");

  /* Cancel one Alpaca order through the guard: reaches the simulator once. */
  app_clear_requests (&f);
  {
    g_autoptr(TwOrder) order = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (rows) && order == NULL; i++)
      {
        g_autoptr(TwOrder) o = g_list_model_get_item (rows, i);

        if (g_str_equal (tw_order_get_service_id (o), "alpaca"))
          order = g_steal_pointer (&o);
      }
    g_assert_nonnull (order);
    g_signal_connect (page, "action-finished", G_CALLBACK (trading_finished_cb), &finished);
    gtk_widget_activate_action (GTK_WIDGET (page), "orders.cancel", "s", tw_order_get_key (order));
    dialog = tw_orders_page_get_guard_dialog (page);
    g_assert_true (TW_IS_GUARD_DIALOG (dialog));
    /* "Cancel Order" / "Keep Order", never "Cancel" beside "Cancel an order". */
    g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), "confirm"), ==,
                     "C_ancel Order");
    g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), "cancel"), ==,
                     "_Keep Order");
    {
      /* The target as a person reads it: service, side, qty, symbol, short id; the
       * internal key stays out of sight. */
      const char *body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog));
      g_autofree char *short_id = g_strndup (tw_order_get_id (order), 8);
      g_autofree char *expected = g_strdup_printf ("Target: %s: %s ", tw_order_get_service_name (order),
                                                   tw_order_get_side (order));

      g_test_message ("guard: %s", body);
      g_assert_true (g_str_has_prefix (body, expected));
      g_assert_nonnull (strstr (body, tw_order_get_symbol (order)));
      g_assert_nonnull (strstr (body, short_id));
      g_assert_null (strstr (body, tw_order_get_id (order)));
      g_assert_null (strstr (body, tw_order_get_key (order)));
      app_save_png_light_dark (dialog, "orders-cancel-guard");
    }
    tw_guard_dialog_set_reason (TW_GUARD_DIALOG (dialog), "Stale limit order, market moved away");
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
    g_assert_true (tw_test_ui_wait_for (trading_is_set, &finished, 10000));
    g_test_message ("%s", finished);
    g_assert_true (g_str_has_prefix (finished, "orders.cancel ok"));
    g_assert_cmpuint (app_changing_requests (&f, "alpaca"), ==, 1);
    g_signal_handlers_disconnect_by_func (page, trading_finished_cb, &finished);
  }

  /* The IBKR assistant's stuck order awaits approval: the result tells of the invalidation. */
  g_clear_pointer (&finished, g_free);
  {
    TwOrder *es = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (rows) && es == NULL; i++)
      {
        g_autoptr(TwOrder) o = g_list_model_get_item (rows, i);

        if (g_str_equal (tw_order_get_service_id (o), "ibkr-assistant") && tw_order_get_stuck (o))
          es = o;
      }
    g_assert_nonnull (es);
    g_signal_connect (page, "action-finished", G_CALLBACK (trading_finished_cb), &finished);
    gtk_widget_activate_action (GTK_WIDGET (page), "orders.cancel", "s", tw_order_get_key (es));
    dialog = tw_orders_page_get_guard_dialog (page);
    g_assert_true (TW_IS_GUARD_DIALOG (dialog));
    tw_guard_dialog_set_reason (TW_GUARD_DIALOG (dialog), "Stuck order awaiting approval for 9 minutes");
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
    g_assert_true (tw_test_ui_wait_for (trading_is_set, &finished, 10000));
    g_test_message ("%s", finished);
    g_assert_true (g_str_has_prefix (finished, "orders.cancel ok"));
    g_assert_nonnull (strstr (finished, "invalidating"));
    g_assert_cmpstr (tw_orders_page_get_last_result (page), ==, finished + strlen ("orders.cancel ok "));
    g_signal_handlers_disconnect_by_func (page, trading_finished_cb, &finished);
  }

  app_fixture_close (&f);
}

static gboolean
alpaca_orders_at_least (gpointer data)
{
  TwOrdersPage *page = data;
  GListModel *rows = tw_orders_page_get_model (page);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(TwOrder) o = g_list_model_get_item (rows, i);

      if (g_str_equal (tw_order_get_service_id (o), "alpaca") && g_str_equal (tw_order_get_symbol (o), "TSLA")
          && g_strcmp0 (tw_order_get_status (o), "held") == 0)
        n++;
    }
  return n > 0;
}

/* Cancel all on Alpaca: the guard cancelled sends nothing; confirmed with an order that
 * will not cancel, the result counts each order and names the refused one. */
static void
test_cancel_all (void)
{
  AppFixture f = { 0, };
  TwOrdersPage *page;
  g_autofree char *finished = NULL;
  GtkWidget *dialog;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  page = TW_ORDERS_PAGE (trading_find_widget (GTK_WIDGET (f.window), TW_TYPE_ORDERS_PAGE));
  g_assert_true (tw_window_show_page (f.window, "orders"));
  g_assert_true (tw_test_ui_wait_for (has_stuck, page, 10000));
  app_scenario (&f, "{\"name\":\"hold-for-orders\",\"symbol\":\"TSLA\"}");
  g_assert_true (tw_test_ui_wait_for (alpaca_orders_at_least, page, 10000));
  app_clear_requests (&f);

  /* Refused in the guard dialog: nothing on the wire. */
  g_signal_connect (page, "action-finished", G_CALLBACK (trading_finished_cb), &finished);
  gtk_widget_activate_action (GTK_WIDGET (page), "orders.cancel-all", "s", "alpaca");
  dialog = tw_orders_page_get_guard_dialog (page);
  g_assert_true (TW_IS_GUARD_DIALOG (dialog));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  /* Two answers of Alpaca's next polls: a cancel sent on the response would have gone out
   * before them. */
  g_assert_true (app_wait_answers (&f, "alpaca", 2, 5000));
  g_assert_cmpuint (app_changing_requests (&f, NULL), ==, 0);
  g_assert_null (finished);
  g_assert_nonnull (strstr (tw_orders_page_get_last_result (page), "nothing was sent"));

  /* Confirmed: one DELETE /v2/orders; 207 with the held order refused, named in the result. */
  gtk_widget_activate_action (GTK_WIDGET (page), "orders.cancel-all", "s", "alpaca");
  dialog = tw_orders_page_get_guard_dialog (page);
  g_assert_true (TW_IS_GUARD_DIALOG (dialog));
  tw_guard_dialog_set_reason (TW_GUARD_DIALOG (dialog), "Strategy misfiring, pulling every order");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
  g_assert_true (tw_test_ui_wait_for (trading_is_set, &finished, 10000));
  g_test_message ("%s", finished);
  g_assert_cmpuint (app_changing_requests (&f, "alpaca"), ==, 1);
  /* Not a success: it says so first, then each order's own result, in the audit log's
   * wording; the held order named by what it is and why it stays. */
  g_assert_true (g_str_has_prefix (finished, "orders.cancel_all failed Alpaca (paper): Not all canceled: 3 of 4 canceled; "));
  g_assert_true (g_regex_match_simple ("; (buy|sell) [0-9.]+ TSLA stop \\(order [0-9a-f]{8}\\) refused: ",
                                       finished, 0, 0));
  g_assert_nonnull (strstr (finished, "“held”"));
  g_assert_null (strstr (finished, "already filled"));
  g_assert_nonnull (strstr (tw_orders_page_get_last_result (page), "refused"));
  {
    /* The same words as the audit row. */
    TwAuditLog *audit = tw_application_get_audit_log (f.app);
    TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
    g_autoptr(GListModel) rows = NULL;
    g_autoptr(TwAuditRecord) last = NULL;
    g_autoptr(GError) error = NULL;

    filter.action = "orders.cancel_all";
    rows = tw_audit_log_query (audit, &filter, NULL, &error);
    g_assert_no_error (error);
    last = g_list_model_get_item (rows, 0);
    g_assert_cmpint (tw_audit_record_get_outcome (last), ==, TW_AUDIT_OUTCOME_FAILED);
    g_assert_nonnull (strstr (finished, tw_audit_record_get_message (last)));

    /* The toast's "Details": the same lines, one a line, nothing cut off. */
    g_assert_null (tw_orders_page_get_result_dialog (page));
    gtk_widget_activate_action (GTK_WIDGET (page), "orders.show-result", NULL);
    dialog = tw_orders_page_get_result_dialog (page);
    g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
    {
      g_auto(GStrv) lines = g_strsplit (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "\n", -1);
      g_autofree char *joined = g_strjoinv ("; ", lines);

      g_assert_cmpuint (g_strv_length (lines), ==, 2);
      g_assert_cmpstr (lines[0], ==, "Not all canceled: 3 of 4 canceled");
      g_assert_cmpstr (joined, ==, tw_audit_record_get_message (last));
      g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                       "Not All Alpaca (paper) Orders Canceled");
    }
    app_save_png_light_dark (dialog, "orders-cancel-all-details");
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  }
  g_signal_handlers_disconnect_by_func (page, trading_finished_cb, &finished);
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  app_save_png_light_dark (GTK_WIDGET (f.window), "orders-cancel-all-partial");

  app_fixture_close (&f);
}

static gboolean
orders_stale (gpointer data)
{
  return tw_orders_page_get_stale (data);
}

static gboolean
orders_fresh (gpointer data)
{
  return g_str_has_prefix (tw_orders_page_get_age_text (data), "updated");
}

/* The Orders page says how old its data is, as Positions does: an Alpaca that stops
 * answering makes it stale, in words, in the warning style. It said nothing before. */
static void
test_age (void)
{
  AppFixture f = { 0, };
  TwOrdersPage *page;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  page = TW_ORDERS_PAGE (trading_find_widget (GTK_WIDGET (f.window), TW_TYPE_ORDERS_PAGE));
  g_assert_true (tw_window_show_page (f.window, "orders"));
  g_assert_true (tw_test_ui_wait_for (trading_portfolio_loaded, &f, 10000));
  g_assert_true (tw_test_ui_wait_for (orders_fresh, page, 10000));
  g_test_message ("%s", tw_orders_page_get_age_text (page));
  app_save_png_light_dark (GTK_WIDGET (f.window), "orders-age");

  tw_test_sim_fault (f.sim, "alpaca", "{\"kind\":\"status\",\"status\":503}");
  g_assert_true (tw_test_ui_wait_for (orders_stale, page, 15000));
  g_test_message ("%s", tw_orders_page_get_age_text (page));
  g_assert_true (g_str_has_prefix (tw_orders_page_get_age_text (page), "stale"));
  app_save_png_light_dark (GTK_WIDGET (f.window), "orders-stale");
  tw_test_sim_clear_faults (f.sim);
  app_fixture_close (&f);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  trading_use_grouping_locale ();
  app = app_fixture_init (&argc, &argv);
  g_test_add_func ("/tw/ui/orders-page/stuck-and-cancel", test_orders);
  g_test_add_func ("/tw/ui/orders-page/cancel-all", test_cancel_all);
  g_test_add_func ("/tw/ui/orders-page/age", test_age);
  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}
