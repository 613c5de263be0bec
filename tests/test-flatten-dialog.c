/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-flatten-dialog.h"
#include "tw-flatten-dialog-private.h"
#include "tw-guard-dialog.h"
#include "tw-guard-dialog-private.h"
#include "tw-positions-page-private.h"
#include "tw-trading-test.h"

#define INTERVAL_MS 400

static TwApplication *app;

typedef struct
{
  TwPositionsPage *page;
  const char      *state;
  guint            step;
} StepWait;

static gboolean
step_is (gpointer data)
{
  StepWait *wait = data;
  GtkWidget *dialog = tw_positions_page_get_flatten_dialog (wait->page);

  return dialog != NULL
         && g_strcmp0 (tw_flatten_dialog_get_step_state (TW_FLATTEN_DIALOG (dialog), wait->step), wait->state) == 0;
}

static gboolean
dialog_finished (gpointer data)
{
  GtkWidget *dialog = tw_positions_page_get_flatten_dialog (data);

  return dialog != NULL && tw_flatten_dialog_get_finished (TW_FLATTEN_DIALOG (dialog));
}

/* @detail, its lines joined by "; ", is the message of the last outcome row of @action,
 * and that row says "failed". */
static void
assert_as_audited (AppFixture *f,
                   const char *action,
                   const char *detail)
{
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(TwAuditRecord) last = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = g_strsplit (detail, "\n", -1);
  g_autofree char *joined = g_strjoinv ("; ", lines);

  filter.action = action;
  rows = tw_audit_log_query (tw_application_get_audit_log (f->app), &filter, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (rows), >=, 2);
  last = g_list_model_get_item (rows, 0);
  g_assert_cmpint (tw_audit_record_get_outcome (last), ==, TW_AUDIT_OUTCOME_FAILED);
  g_assert_cmpstr (tw_audit_record_get_message (last), ==, joined);
}

static void
test_flatten_partial (void)
{
  AppFixture f = { 0, };
  TwPositionsPage *page;
  TradingPositionWait wait;
  StepWait step_wait;
  g_autofree char *finished = NULL;
  g_autofree char *detail = NULL;
  g_autoptr(GPtrArray) deletes = NULL;
  GtkWidget *dialog;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  page = TW_POSITIONS_PAGE (tw_window_get_page (f.window, "positions"));
  g_assert_true (tw_window_show_page (f.window, "positions"));
  wait = (TradingPositionWait) { tw_positions_page_get_portfolio (page), "alpaca", "TSLA" };
  g_assert_true (tw_test_ui_wait_for (trading_position_known, &wait, 10000));
  /* Every poller of Alpaca answered once: the account, positions and orders are in. */
  tw_test_wait_until (tw_portfolio_get_updated_at (tw_positions_page_get_portfolio (page), "alpaca") != NULL,
                      10000);

  /* TSLA's quantity held by an order that will not cancel; cancelling orders is slow. */
  app_scenario (&f, "{\"name\":\"hold-for-orders\",\"symbol\":\"TSLA\"}");
  tw_test_sim_fault (f.sim, "alpaca", "{\"path\":\"/v2/orders\",\"method\":\"DELETE\",\"kind\":\"latency\",\"latency_ms\":1500}");
  app_clear_requests (&f);

  /* The guard first, then the dialog. */
  g_signal_connect (page, "action-finished", G_CALLBACK (trading_finished_cb), &finished);
  gtk_widget_activate_action (GTK_WIDGET (page), "positions.flatten", "s", "alpaca");
  dialog = tw_positions_page_get_guard_dialog (page);
  g_assert_true (TW_IS_GUARD_DIALOG (dialog));
  g_assert_null (tw_positions_page_get_flatten_dialog (page));
  /* The button names what it flattens, counted. */
  {
    TwPortfolio *portfolio = tw_positions_page_get_portfolio (page);
    guint n_positions = 0, n_orders = 0;
    g_autofree char *expected = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (tw_portfolio_get_positions (portfolio)); i++)
      {
        g_autoptr(TwPosition) p = g_list_model_get_item (tw_portfolio_get_positions (portfolio), i);

        n_positions += g_str_equal (tw_position_get_service_id (p), "alpaca");
      }
    for (guint i = 0; i < g_list_model_get_n_items (tw_portfolio_get_orders (portfolio)); i++)
      {
        g_autoptr(TwOrder) o = g_list_model_get_item (tw_portfolio_get_orders (portfolio), i);

        n_orders += g_str_equal (tw_order_get_service_id (o), "alpaca");
      }
    g_assert_cmpuint (n_positions, >, 1);
    g_assert_cmpuint (n_orders, >, 1);
    expected = g_strdup_printf ("_Flatten Alpaca (paper): %u positions, %u orders", n_positions, n_orders);
    g_test_message ("%s", adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), "confirm"));
    g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), "confirm"), ==, expected);
    app_save_png_light_dark (dialog, "flatten-guard");
  }
  tw_guard_dialog_set_reason (TW_GUARD_DIALOG (dialog), "Strategy misbehaving, flattening Alpaca");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
  g_assert_true (tw_test_ui_wait_for (trading_has_flatten_dialog, page, 5000));
  dialog = tw_positions_page_get_flatten_dialog (page);
  g_assert_true (TW_IS_FLATTEN_DIALOG (dialog));

  /* Mid-way: step 1 done, step 2 running; the dialog refuses to close. */
  step_wait = (StepWait) { page, "Running", 1 };
  g_assert_true (tw_test_ui_wait_for (step_is, &step_wait, 10000));
  g_assert_cmpstr (tw_flatten_dialog_get_step_state (TW_FLATTEN_DIALOG (dialog), 0), ==, "Done");
  g_assert_cmpstr (tw_flatten_dialog_get_step_state (TW_FLATTEN_DIALOG (dialog), 2), ==, "Pending");
  g_assert_true (tw_flatten_dialog_get_running (TW_FLATTEN_DIALOG (dialog)));
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (tw_positions_page_get_flatten_dialog (page) == dialog);
  g_assert_true (gtk_widget_get_visible (dialog));
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "close"));
  app_save_png_light_dark (dialog, "flatten-midway");

  /* The end: partial, naming TSLA and why; no success toast. */
  g_assert_true (tw_test_ui_wait_for (dialog_finished, page, 20000));
  g_test_message ("result: %s", tw_flatten_dialog_get_result_text (TW_FLATTEN_DIALOG (dialog)));
  /* Step 2: cancel all, partial too (the held order will not cancel), each order's own
   * result in its detail. */
  g_assert_cmpstr (tw_flatten_dialog_get_step_state (TW_FLATTEN_DIALOG (dialog), 1), ==, "Partly done");
  {
    g_autofree char *cancel_detail = tw_flatten_dialog_dup_step_detail (TW_FLATTEN_DIALOG (dialog), 1);

    g_test_message ("step 2: %s", cancel_detail);
    /* The held order by what it is, and why it stays: held, not "already filled". */
    g_assert_true (g_str_has_prefix (cancel_detail, "Not all canceled: "));
    g_assert_true (g_regex_match_simple ("\n(buy|sell) [0-9.]+ TSLA stop \\(order [0-9a-f]{8}\\) refused: ",
                                         cancel_detail, 0, 0));
    g_assert_nonnull (strstr (cancel_detail, "“held”"));
    g_assert_null (strstr (cancel_detail, "already filled"));
    /* In the audit log's own words, one line per refused order. */
    assert_as_audited (&f, "orders.cancel_all", cancel_detail);
  }
  g_assert_cmpstr (tw_flatten_dialog_get_step_state (TW_FLATTEN_DIALOG (dialog), 2), ==, "Partly done");
  detail = tw_flatten_dialog_dup_step_detail (TW_FLATTEN_DIALOG (dialog), 2);
  g_test_message ("step 3: %s", detail);
  g_assert_nonnull (strstr (detail, "\nTSLA refused: held for orders"));
  g_assert_nonnull (strstr (detail, "insufficient qty"));
  assert_as_audited (&f, "positions.close_all", detail);
  g_assert_nonnull (strstr (tw_flatten_dialog_get_result_text (TW_FLATTEN_DIALOG (dialog)), "TSLA"));
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "close"));
  g_assert_nonnull (finished);
  g_assert_true (g_str_has_prefix (finished, "account.flatten failed"));
  app_save_png_light_dark (dialog, "flatten-partial-failure");

  /* The three steps in the safe order on the wire: each changing request exactly once,
   * suspend_trade first, then cancel all, then close all (a missing one fails). */
  {
    g_autoptr(JsonNode) log = tw_test_sim_requests (f.sim);
    JsonArray *array = json_node_get_array (log);
    g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_free);
    g_autofree char *joined = NULL;

    for (guint i = 0; i < json_array_get_length (array); i++)
      {
        JsonObject *entry = json_array_get_object_element (array, i);
        const char *method = json_object_get_string_member (entry, "method");
        const char *query = json_object_get_string_member (entry, "query");

        if (g_strcmp0 (json_object_get_string_member (entry, "flavor"), "alpaca") != 0
            || g_str_equal (method, "GET"))
          continue;
        g_ptr_array_add (sent, g_strdup_printf ("%s %s%s%s", method,
                                                json_object_get_string_member (entry, "path"),
                                                query != NULL && *query != '\0' ? "?" : "",
                                                query != NULL ? query : ""));
      }
    g_ptr_array_add (sent, NULL);
    joined = g_strjoinv ("; ", (char **) sent->pdata);
    g_test_message ("%s", joined);
    g_assert_cmpstr (joined, ==, "PATCH /v2/account/configurations; DELETE /v2/orders; "
                                 "DELETE /v2/positions?cancel_orders=true");
  }
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_signal_handlers_disconnect_by_func (page, trading_finished_cb, &finished);
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
  g_test_add_func ("/tw/ui/flatten-dialog/partial-failure", test_flatten_partial);
  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}
