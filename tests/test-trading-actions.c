/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-http-private.h"
#include "tw-trading-actions-fixture.h"

/* Close, cancel, cancel all, flatten: over real HTTP against the simulator, guarded
 * and audited, with the order of the requests read from the simulator's log. */

static void
test_close_qty_percentage_all (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *outcomes = NULL;
  TwPosition *position;

  fixture_setup (&f, TW_MODE_PAPER);

  position = wait_position (&f, "alpaca", "AAPL");
  g_assert_true (close_position (&f, position, 10, 0, &message, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (message, "Closed 10 of AAPL"));
  g_assert_cmpfloat (sim_qty (&f, "AAPL"), ==, 40);
  g_assert_false (tw_position_get_busy (position));
  g_clear_pointer (&message, g_free);

  position = wait_position (&f, "alpaca", "MSFT");
  g_assert_true (close_position (&f, position, 0, 50, &message, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (message, "50 % of MSFT"));
  g_assert_cmpfloat (sim_qty (&f, "MSFT"), ==, 15);
  g_clear_pointer (&message, g_free);

  position = wait_position (&f, "alpaca", "NVDA");
  g_assert_true (close_position (&f, position, 0, 0, &message, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (sim_qty (&f, "NVDA"), ==, 0);

  /* Each one requested, then ok — and the guard's reason is on the rows. */
  outcomes = audit_outcomes (&f, "positions.close");
  g_assert_cmpstr (outcomes, ==, "requested,ok,requested,ok,requested,ok");
  {
    g_autoptr(GPtrArray) rows = risk_audit_rows (&f.risk, "positions.close");

    g_assert_cmpstr (tw_audit_record_get_reason (g_ptr_array_index (rows, 0)), ==, REASON);
    g_assert_cmpstr (tw_audit_record_get_target (g_ptr_array_index (rows, 0)), ==, "alpaca:AAPL");
  }

  /* Bad input is refused before anything is sent. */
  position = wait_position (&f, "alpaca", "SPY");
  g_assert_false (close_position (&f, position, 5, 50, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_clear_error (&error);

  /* The position disappears from the list at the next poll. */
  {
    Lookup l = { f.portfolio, "alpaca", "NVDA", NULL, 0 };

    for (gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
         check_position (&l) && g_get_monotonic_time () < deadline;)
      g_main_context_iteration (NULL, TRUE);
    g_assert_false (check_position (&l));
  }

  risk_assert_audit_valid (&f.risk);
  fixture_teardown (&f);
}

static void
test_double_submit (void)
{
  Fixture f = { 0 };
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *requests = NULL;
  TwPosition *position;

  fixture_setup (&f, TW_MODE_PAPER);
  position = wait_position (&f, "alpaca", "AMD");
  risk_clear_requests (&f.risk);

  request = request_for (&f, "positions.close", "alpaca:AMD");
  tw_portfolio_close_position_async (f.portfolio, f.risk.runner, request, position, 0, 0,
                                     NULL, on_result, &first);
  g_assert_true (tw_position_get_busy (position));
  tw_portfolio_close_position_async (f.portfolio, f.risk.runner, request, position, 0, 0,
                                     NULL, on_result, &second);
  g_assert_true (risk_wait (result_arrived, &second, 5000));
  g_assert_false (tw_portfolio_close_position_finish (f.portfolio, second, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_clear_error (&error);

  g_assert_true (risk_wait (result_arrived, &first, 10000));
  g_assert_true (tw_portfolio_close_position_finish (f.portfolio, first, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (tw_position_get_busy (position));

  requests = changing_requests (&f, "alpaca");
  g_assert_cmpstr (requests, ==, "DELETE /v2/positions/AMD");

  g_clear_object (&first);
  g_clear_object (&second);
  fixture_teardown (&f);
}

static void
test_investiq_live_key (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *outcomes = NULL;
  TwPosition *position;

  fixture_setup (&f, TW_MODE_PAPER);
  position = wait_position (&f, "investiq", "AAPL");

  /* Without the live-trading key: a 403 explained as such, audited as not done. */
  g_assert_true (tw_secrets_clear_sync (f.risk.secrets, RISK_PROFILE, "investiq",
                                        "live_trading_key", NULL, &error));
  g_assert_no_error (error);
  tw_workspace_reset_secrets (f.risk.workspace);

  g_assert_false (close_position (&f, position, 0, 0, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (error->message, "InvestIQ refused: the live-trading key is missing or wrong"));
  g_assert_nonnull (strstr (error->message, "profile editor"));
  g_clear_error (&error);
  outcomes = audit_outcomes (&f, "positions.close");
  g_assert_true (g_str_equal (outcomes, "requested,refused") || g_str_equal (outcomes, "requested,failed"));
  {
    g_autoptr(GPtrArray) rows = risk_audit_rows (&f.risk, "positions.close");

    g_assert_cmpuint (tw_audit_record_get_http_status (g_ptr_array_index (rows, 1)), ==, 403);
  }

  /* A part of a position: InvestIQ closes whole positions only, nothing sent. */
  g_assert_false (close_position (&f, position, 1, 0, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* With the key: closed. */
  g_assert_true (tw_secrets_store_sync (f.risk.secrets, RISK_PROFILE, "investiq", "live_trading_key",
                                        tw_sim_thread_get_credential (f.risk.sim, "live_trading_key"),
                                        NULL, &error));
  tw_workspace_reset_secrets (f.risk.workspace);
  g_assert_true (close_position (&f, position, 0, 0, &message, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (message, "Closed AAPL on InvestIQ"));

  fixture_teardown (&f);
}

static gboolean
is_new_limit (TwOrder *order)
{
  return g_strcmp0 (tw_order_get_status (order), "new") == 0;
}

static gboolean
cancel_order (Fixture  *f,
              TwOrder  *order,
              char    **message,
              GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *target = tw_portfolio_dup_order_target (f->portfolio, order);
  g_autoptr(TwGuardRequest) request = request_for (f, "orders.cancel", target);

  tw_portfolio_cancel_order_async (f->portfolio, f->risk.runner, request, order, NULL,
                                   on_result, &result);
  g_assert_true (risk_wait (result_arrived, &result, 10000));
  return tw_portfolio_cancel_order_finish (f->portfolio, result, message, error);
}

static gboolean
is_held (TwOrder *order)
{
  return g_strcmp0 (tw_order_get_status (order), "held") == 0;
}

static gboolean
has_held_order (gpointer data)
{
  GListModel *orders = tw_portfolio_get_orders (data);

  for (guint i = 0; i < g_list_model_get_n_items (orders); i++)
    {
      g_autoptr(TwOrder) order = g_list_model_get_item (orders, i);

      if (is_held (order))
        return TRUE;
    }
  return FALSE;
}

static void
test_cancel_alpaca (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *outcomes = NULL;
  g_autofree char *path = NULL;
  g_autofree char *requests = NULL;
  g_autoptr(TwOrder) order = NULL;
  g_autoptr(TwOrder) held = NULL;

  fixture_setup (&f, TW_MODE_PAPER);
  order = g_object_ref (find_order (&f, "alpaca", 3, is_new_limit));
  risk_clear_requests (&f.risk);

  g_assert_true (cancel_order (&f, order, &message, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (message, tw_order_get_symbol (order)));
  /* The request itself still names the order by its id. */
  path = g_strdup_printf ("DELETE /v2/orders/%s", tw_order_get_id (order));
  requests = changing_requests (&f, "alpaca");
  g_assert_cmpstr (requests, ==, path);

  /* The audit row's target is the order as a person reads it: service, side, qty,
   * symbol and the short id; not the internal key. */
  {
    g_autoptr(GPtrArray) rows = risk_audit_rows (&f.risk, "orders.cancel");
    const char *target = tw_audit_record_get_target (g_ptr_array_index (rows, 0));
    g_autofree char *short_id = g_strndup (tw_order_get_id (order), 8);

    g_test_message ("target: %s", target);
    g_assert_true (g_str_has_prefix (target, "Alpaca: "));
    g_assert_nonnull (strstr (target, tw_order_get_side (order)));
    g_assert_nonnull (strstr (target, tw_order_get_symbol (order)));
    g_assert_nonnull (strstr (target, short_id));
    g_assert_null (strstr (target, tw_order_get_key (order)));
    g_assert_null (strstr (target, tw_order_get_id (order)));
  }

  /* Again: 422, explained without claiming what the console does not know. */
  g_assert_false (cancel_order (&f, order, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_CONFLICT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "order is not cancelable"));
  g_clear_error (&error);

  outcomes = audit_outcomes (&f, "orders.cancel");
  g_assert_true (g_str_has_prefix (outcomes, "requested,ok,requested,"));
  g_assert_false (g_str_has_suffix (outcomes, ",ok"));

  /* An order the broker holds: 422 too, explained as held, not as filled or canceled. */
  risk_scenario (&f.risk, "{\"name\":\"hold-for-orders\",\"symbol\":\"TSLA\"}");
  g_assert_true (risk_wait (has_held_order, f.portfolio, 10000));
  held = g_object_ref (find_order (&f, "alpaca", 1, is_held));
  g_assert_false (cancel_order (&f, held, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_CONFLICT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "“held”"));
  g_assert_nonnull (strstr (error->message, "order is not cancelable"));
  g_assert_null (strstr (error->message, "already filled"));

  fixture_teardown (&f);
}

static gboolean
is_awaiting_approval (TwOrder *order)
{
  return g_strcmp0 (tw_order_get_approval_status (order), "PENDING_APPROVAL") == 0;
}

static void
test_cancel_ibkr_stuck (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *requests = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *outcomes = NULL;
  g_autoptr(TwOrder) order = NULL;
  g_autoptr(GPtrArray) log = NULL;

  fixture_setup (&f, TW_MODE_PAPER);
  order = g_object_ref (find_order (&f, "ibkr-assistant", 2, is_awaiting_approval));
  g_assert_true (tw_order_get_stuck (order));
  risk_clear_requests (&f.risk);

  g_assert_true (cancel_order (&f, order, &message, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (message, "after invalidating its approval"));

  /* 409 → invalidate → cancel, in that order (from the simulator's log). */
  expected = g_strdup_printf ("POST /api/v1/orders/%s/cancel; POST /api/v1/approvals/%s/invalidate; "
                              "POST /api/v1/orders/%s/cancel",
                              tw_order_get_id (order), tw_order_get_approval_id (order),
                              tw_order_get_id (order));
  requests = changing_requests (&f, "ibkr-assistant");
  g_assert_cmpstr (requests, ==, expected);
  log = risk_changing_requests (&f.risk, "ibkr-assistant");
  g_assert_cmpint (json_object_get_int_member (g_ptr_array_index (log, 0), "status"), ==, 409);
  g_assert_cmpint (json_object_get_int_member (g_ptr_array_index (log, 2), "status"), ==, 200);

  /* Each step audited. */
  outcomes = audit_outcomes (&f, "orders.cancel");
  g_assert_true (g_str_has_prefix (outcomes, "requested,"));
  g_assert_true (g_str_has_suffix (outcomes, "requested,ok,requested,ok"));
  {
    g_autoptr(GPtrArray) rows = risk_audit_rows (&f.risk, "orders.cancel");

    g_assert_cmpuint (rows->len, ==, 6);
  }

  fixture_teardown (&f);
}

static void
test_cancel_all (void)
{
  Fixture f = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(TwMultiStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  Lookup l;

  fixture_setup (&f, TW_MODE_PAPER);
  l = (Lookup) { f.portfolio, "alpaca", NULL, NULL, 3 };
  g_assert_true (risk_wait (check_orders, &l, 10000));

  request = request_for (&f, "orders.cancel_all", "alpaca");
  tw_portfolio_cancel_all_async (f.portfolio, f.risk.runner, request, "alpaca", NULL, on_result, &result);
  g_assert_true (risk_wait (result_arrived, &result, 10000));
  status = tw_portfolio_cancel_all_finish (f.portfolio, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tw_multi_status_get_n_ok (status), ==, 3);
  g_assert_cmpuint (tw_multi_status_get_n_failed (status), ==, 0);
  summary = tw_multi_status_dup_summary (status);
  g_assert_cmpstr (summary, ==, "3 of 3 canceled");
  {
    /* All went: "ok", with the count rather than a bare "Done (HTTP 207)". */
    g_autoptr(GPtrArray) rows = risk_audit_rows (&f.risk, "orders.cancel_all");

    g_assert_cmpuint (rows->len, ==, 2);
    g_assert_cmpint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 1)), ==, TW_AUDIT_OUTCOME_OK);
    g_assert_cmpstr (tw_audit_record_get_message (g_ptr_array_index (rows, 1)), ==, "3 of 3 canceled");
  }

  /* The list follows. */
  for (gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
       orders_of (f.portfolio, "alpaca") > 0 && g_get_monotonic_time () < deadline;)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (orders_of (f.portfolio, "alpaca"), ==, 0);

  g_clear_object (&result);
  fixture_teardown (&f);
}

static void
test_guard_refused (void)
{
  Fixture f = { 0 };
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(TwFlatten) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *requests = NULL;
  g_autofree char *outcomes = NULL;
  TwPosition *position;

  /* Live: a destructive action also needs the profile's name typed. */
  fixture_setup (&f, TW_MODE_LIVE);
  position = wait_position (&f, "alpaca", "AAPL");
  risk_clear_requests (&f.risk);

  g_assert_false (close_position (&f, position, 0, 0, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_clear_error (&error);

  request = request_for (&f, "account.flatten", "alpaca");
  run = tw_flatten_new (f.risk.runner, f.portfolio, "alpaca", request);
  g_assert_false (flatten (&f, run, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (tw_flatten_step_get_state (step_at (run, i)), ==, TW_FLATTEN_STEP_PENDING);

  /* Nothing reached the broker; both refusals are on the record. */
  requests = changing_requests (&f, NULL);
  g_assert_cmpstr (requests, ==, "");
  g_assert_cmpfloat (sim_qty (&f, "AAPL"), ==, 50);
  outcomes = audit_outcomes (&f, "positions.close");
  g_assert_cmpstr (outcomes, ==, "refused");
  g_clear_pointer (&outcomes, g_free);
  outcomes = audit_outcomes (&f, "account.flatten");
  g_assert_cmpstr (outcomes, ==, "refused");

  g_clear_object (&run);
  fixture_teardown (&f);
}

/* Cancel one order and cancel all, in a live profile without the typed profile name: the
 * guard refuses both, nothing reaches the broker (request log), both are audited refused. */
static void
test_cancel_guard_refused (void)
{
  Fixture f = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(TwMultiStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TwOrder) order = NULL;
  g_autofree char *requests = NULL;
  g_autofree char *outcomes = NULL;
  Lookup l;

  fixture_setup (&f, TW_MODE_LIVE);
  order = g_object_ref (find_order (&f, "alpaca", 3, is_new_limit));
  risk_clear_requests (&f.risk);

  g_assert_false (cancel_order (&f, order, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  request = request_for (&f, "orders.cancel_all", "alpaca");
  tw_portfolio_cancel_all_async (f.portfolio, f.risk.runner, request, "alpaca", NULL, on_result, &result);
  g_assert_true (risk_wait (result_arrived, &result, 10000));
  status = tw_portfolio_cancel_all_finish (f.portfolio, result, &error);
  g_assert_null (status);
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);

  /* A poll later (every poller of Alpaca answered a refresh sent after the refusal):
   * still nothing but GETs, and the orders are all there. */
  {
    g_autoptr(GDateTime) before = g_date_time_ref (tw_portfolio_get_updated_at (f.portfolio, "alpaca"));

    tw_portfolio_refresh (f.portfolio, "alpaca");
    tw_test_wait_until (!g_date_time_equal (tw_portfolio_get_updated_at (f.portfolio, "alpaca"), before),
                        5000);
  }
  requests = changing_requests (&f, NULL);
  g_assert_cmpstr (requests, ==, "");
  l = (Lookup) { f.portfolio, "alpaca", NULL, NULL, 3 };
  g_assert_true (risk_wait (check_orders, &l, 5000));
  outcomes = audit_outcomes (&f, "orders.cancel");
  g_assert_cmpstr (outcomes, ==, "refused");
  g_clear_pointer (&outcomes, g_free);
  outcomes = audit_outcomes (&f, "orders.cancel_all");
  g_assert_cmpstr (outcomes, ==, "refused");

  g_clear_object (&result);
  fixture_teardown (&f);
}

/* Cancel all with one order that will not cancel: Alpaca's 207 has a 422 entry; the
 * result carries every order's own outcome and names the refused one, not hidden behind
 * the three that went. */
static void
test_cancel_all_partial (void)
{
  Fixture f = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(TwMultiStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) failed = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *requests = NULL;
  g_autofree char *short_id = NULL;
  TwAuditRecord *outcome;
  GListModel *items;
  guint n_ok = 0;
  Lookup l;

  fixture_setup (&f, TW_MODE_PAPER);
  l = (Lookup) { f.portfolio, "alpaca", NULL, NULL, 3 };
  g_assert_true (risk_wait (check_orders, &l, 10000));
  risk_scenario (&f.risk, "{\"name\":\"hold-for-orders\",\"symbol\":\"TSLA\"}");
  l.n_orders = 4;
  g_assert_true (risk_wait (check_orders, &l, 10000));
  risk_clear_requests (&f.risk);

  request = request_for (&f, "orders.cancel_all", "alpaca");
  tw_portfolio_cancel_all_async (f.portfolio, f.risk.runner, request, "alpaca", NULL, on_result, &result);
  g_assert_true (risk_wait (result_arrived, &result, 10000));
  status = tw_portfolio_cancel_all_finish (f.portfolio, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (status);

  requests = changing_requests (&f, "alpaca");
  g_assert_cmpstr (requests, ==, "DELETE /v2/orders");
  g_assert_cmpuint (tw_multi_status_get_n_ok (status), ==, 3);
  g_assert_cmpuint (tw_multi_status_get_n_failed (status), ==, 1);
  items = tw_multi_status_get_items (status);
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, 4);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(TwMultiStatusItem) item = g_list_model_get_item (items, i);
      g_autofree char *reason = tw_multi_status_item_dup_reason (item);

      g_test_message ("%s %u %s", tw_multi_status_item_get_id (item),
                      tw_multi_status_item_get_status (item), reason != NULL ? reason : "ok");
      g_assert_nonnull (tw_multi_status_item_get_id (item));
      if (tw_multi_status_item_get_ok (item))
        {
          n_ok++;
          g_assert_null (reason);
        }
      else
        {
          g_assert_cmpuint (tw_multi_status_item_get_status (item), ==, 422);
          g_assert_nonnull (reason);
        }
    }
  g_assert_cmpuint (n_ok, ==, 3);
  failed = tw_multi_status_dup_failed_ids (status);
  g_assert_cmpuint (failed->len, ==, 1);
  summary = tw_multi_status_dup_summary (status);
  g_test_message ("%s", summary);
  g_assert_true (g_str_has_prefix (summary, "3 of 4 canceled; "));
  g_assert_nonnull (strstr (summary, "refused"));
  /* The refused order named as a person reads it (the portfolio knows it: a stop order on
   * TSLA, held at the broker) with its short id, not by its bare UUID. */
  short_id = g_strndup (g_ptr_array_index (failed, 0), 8);
  g_assert_true (g_regex_match_simple ("; (buy|sell) [0-9.]+ TSLA stop \\(order [0-9a-f]{8}\\) refused: ",
                                       summary, 0, 0));
  g_assert_nonnull (strstr (summary, short_id));
  g_assert_null (strstr (summary, g_ptr_array_index (failed, 0)));
  /* And why, rightly: held, not "already filled or canceled"; the server's words kept. */
  g_assert_nonnull (strstr (summary, "“held”"));
  g_assert_null (strstr (summary, "already filled"));
  g_assert_nonnull (strstr (summary, "order is not cancelable"));

  /* The held order is the one left open at the broker. */
  l.n_orders = 1;
  g_assert_true (risk_wait (check_orders, &l, 10000));

  /* Audited: the request, then the result — failed, not "ok": one order is still open,
   * and the row says which and why. */
  rows = risk_audit_rows (&f.risk, "orders.cancel_all");
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 0)), ==, TW_AUDIT_OUTCOME_REQUESTED);
  outcome = g_ptr_array_index (rows, 1);
  g_test_message ("audited: %d %s", tw_audit_record_get_outcome (outcome),
                  tw_audit_record_get_message (outcome));
  g_assert_cmpint (tw_audit_record_get_outcome (outcome), ==, TW_AUDIT_OUTCOME_FAILED);
  g_assert_cmpuint (tw_audit_record_get_http_status (outcome), ==, 207);
  g_assert_true (g_str_has_prefix (tw_audit_record_get_message (outcome), "Not all canceled: 3 of 4 canceled; "));
  g_assert_nonnull (strstr (tw_audit_record_get_message (outcome), short_id));
  g_assert_nonnull (strstr (tw_audit_record_get_message (outcome), "order is not cancelable"));
  g_assert_null (strstr (tw_audit_record_get_message (outcome), "Done"));
  risk_assert_audit_valid (&f.risk);

  g_clear_object (&result);
  fixture_teardown (&f);
}

/* Any 207 through the plain runner is audited by its entries too: a caller that does not
 * name them still cannot turn a refusal into "ok". */
static void
test_runner_207 (void)
{
  Fixture f = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  const char *message;

  fixture_setup (&f, TW_MODE_PAPER);
  risk_scenario (&f.risk, "{\"name\":\"hold-for-orders\",\"symbol\":\"TSLA\"}");
  g_assert_true (risk_wait (has_held_order, f.portfolio, 10000));

  request = request_for (&f, "orders.cancel_all", "alpaca");
  tw_action_runner_run_async (f.risk.runner, request, "alpaca", "orders.cancel_all", NULL, NULL,
                              on_result, &result);
  g_assert_true (risk_wait (result_arrived, &result, 10000));
  body = tw_action_runner_run_finish (f.risk.runner, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (body));

  rows = risk_audit_rows (&f.risk, "orders.cancel_all");
  g_assert_cmpuint (rows->len, ==, 2);
  message = tw_audit_record_get_message (g_ptr_array_index (rows, 1));
  g_test_message ("audited: %s", message);
  g_assert_cmpint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 1)), ==, TW_AUDIT_OUTCOME_FAILED);
  g_assert_true (g_str_has_prefix (message, "Not all canceled: "));
  /* By its short id: a whole UUID would be scrubbed from the row as if it were a key. */
  g_assert_true (g_regex_match_simple ("; order [0-9a-f]{8} refused: ", message, 0, 0));
  g_assert_null (strstr (message, "[redacted"));
  g_assert_nonnull (strstr (message, "(order is not cancelable)"));
  risk_assert_audit_valid (&f.risk);

  g_clear_object (&result);
  fixture_teardown (&f);
}

/* ---- rate limit ---- */

typedef struct
{
  guint ok;
  guint failed;
  guint done;
} Burst;

static void
on_burst_answer (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Burst *burst = user_data;
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  if (tw_http_send_finish (TW_HTTP (source), result, &response, &error))
    burst->ok++;
  else
    {
      g_test_message ("burst request failed: %s", error->message);
      burst->failed++;
    }
  burst->done++;
}

static gboolean
burst_done (gpointer data)
{
  Burst *burst = data;

  return burst->done == 40;
}

static void
test_rate_limit (void)
{
  Fixture f = { 0 };
  g_autoptr(JsonNode) answer = NULL;
  Burst burst = { 0 };
  guint status = 0;

  fixture_setup (&f, TW_MODE_PAPER);
  tw_portfolio_stop (f.portfolio);
  answer = tw_test_sim_request_full (f.risk.sim, "alpaca", "POST", "/_sim/config",
                                     "{\"alpaca_rate_limit\":20,\"alpaca_rate_window\":2}", &status);
  g_assert_cmpuint (status, ==, 200);

  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(TwHttpRequest) request =
        tw_http_request_new ("GET", tw_sim_thread_get_url (f.risk.sim, "alpaca"), "/v2/positions");

      tw_http_request_set_service_name (request, "Alpaca");
      tw_http_request_add_header (request, "APCA-API-KEY-ID",
                                  tw_sim_thread_get_credential (f.risk.sim, "alpaca_key_id"));
      tw_http_request_add_header (request, "APCA-API-SECRET-KEY",
                                  tw_sim_thread_get_credential (f.risk.sim, "alpaca_secret"));
      tw_http_send_async (f.risk.http, request, NULL, on_burst_answer, &burst);
    }
  g_assert_true (risk_wait (burst_done, &burst, 20000));

  /* Slowed by the server's reset, never turned into an error for the operator. */
  g_assert_cmpuint (burst.failed, ==, 0);
  g_assert_cmpuint (burst.ok, ==, 40);
  g_assert_cmpuint (tw_http_get_n_requests (f.risk.http), >, 40);

  fixture_teardown (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/trading-actions/close", test_close_qty_percentage_all);
  g_test_add_func ("/tw/core/trading-actions/double-submit", test_double_submit);
  g_test_add_func ("/tw/core/trading-actions/investiq-live-key", test_investiq_live_key);
  g_test_add_func ("/tw/core/trading-actions/cancel", test_cancel_alpaca);
  g_test_add_func ("/tw/core/trading-actions/cancel-ibkr-stuck", test_cancel_ibkr_stuck);
  g_test_add_func ("/tw/core/trading-actions/cancel-all", test_cancel_all);
  g_test_add_func ("/tw/core/trading-actions/cancel-guard-refused", test_cancel_guard_refused);
  g_test_add_func ("/tw/core/trading-actions/cancel-all-partial", test_cancel_all_partial);
  g_test_add_func ("/tw/core/trading-actions/runner-207", test_runner_207);
  g_test_add_func ("/tw/core/trading-actions/guard-refused", test_guard_refused);
  g_test_add_func ("/tw/core/trading-actions/rate-limit", test_rate_limit);

  return g_test_run ();
}
