/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-trading-actions-fixture.h"

/* Flatten in the safe order — suspend new orders, cancel all, close all — over real HTTP
 * against the simulator, guarded and audited, each step read from the simulator's log. */

static void
test_flatten_partial (void)
{
  Fixture f = { 0 };
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(TwFlatten) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GPtrArray) failed = NULL;
  g_autofree char *outcomes = NULL;
  const char *methods[] = { "PATCH", "DELETE", "DELETE" };
  const char *paths[] = { "/v2/account/configurations", "/v2/orders", "/v2/positions" };
  TwFlattenStep *close;

  fixture_setup (&f, TW_MODE_PAPER);
  wait_position (&f, "alpaca", "TSLA");
  risk_scenario (&f.risk, "{\"name\":\"hold-for-orders\",\"symbol\":\"TSLA\"}");
  risk_clear_requests (&f.risk);

  request = request_for (&f, "account.flatten", "alpaca");
  run = tw_flatten_new (f.risk.runner, f.portfolio, "alpaca", request);
  g_assert_cmpuint (g_list_model_get_n_items (tw_flatten_get_steps (run)), ==, 3);
  g_assert_cmpint (tw_flatten_step_get_state (step_at (run, 0)), ==, TW_FLATTEN_STEP_PENDING);

  g_assert_false (flatten (&f, run, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "TSLA"));
  g_assert_cmpstr (error->message, ==, tw_flatten_get_result (run));
  g_test_message ("flatten: %s", error->message);

  /* The safe order, from the simulator's log. */
  log = risk_changing_requests (&f.risk, "alpaca");
  g_assert_cmpuint (log->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *entry = g_ptr_array_index (log, i);

      g_assert_cmpstr (json_object_get_string_member (entry, "method"), ==, methods[i]);
      g_assert_cmpstr (json_object_get_string_member (entry, "path"), ==, paths[i]);
    }

  g_assert_cmpint (tw_flatten_step_get_state (step_at (run, 0)), ==, TW_FLATTEN_STEP_OK);
  /* The held order will not cancel: that step is partial too, not hidden. */
  g_assert_cmpint (tw_flatten_step_get_state (step_at (run, 1)), !=, TW_FLATTEN_STEP_FAILED);
  close = step_at (run, 2);
  g_assert_cmpint (tw_flatten_step_get_state (close), ==, TW_FLATTEN_STEP_PARTIAL);
  g_assert_nonnull (strstr (tw_flatten_step_get_summary (close), "TSLA refused"));
  g_assert_nonnull (tw_flatten_step_get_result (close));
  failed = tw_multi_status_dup_failed_ids (tw_flatten_step_get_result (close));
  g_assert_cmpuint (failed->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (failed, 0), ==, "TSLA");
  g_assert_cmpuint (tw_multi_status_get_n_ok (tw_flatten_step_get_result (close)), >=, 5);
  /* What is left open, exactly; the held order by what it is, not its UUID. */
  g_assert_nonnull (strstr (tw_flatten_get_result (run), "positions still open: TSLA"));
  g_assert_cmpint (tw_flatten_step_get_state (step_at (run, 1)), ==, TW_FLATTEN_STEP_PARTIAL);
  {
    g_autoptr(GPtrArray) open_orders = tw_multi_status_dup_failed_ids (tw_flatten_step_get_result (step_at (run, 1)));
    g_autofree char *short_id = NULL;

    g_assert_cmpuint (open_orders->len, ==, 1);
    short_id = g_strndup (g_ptr_array_index (open_orders, 0), 8);
    g_assert_nonnull (strstr (tw_flatten_get_result (run), "orders still open: "));
    g_assert_nonnull (strstr (tw_flatten_get_result (run), short_id));
    g_assert_null (strstr (tw_flatten_get_result (run), g_ptr_array_index (open_orders, 0)));
  }
  g_assert_false (tw_flatten_get_running (run));

  /* Every step audited under its own action, and the flatten as a whole. */
  outcomes = audit_outcomes (&f, "account.flatten");
  g_assert_cmpstr (outcomes, ==, "requested,failed");
  g_clear_pointer (&outcomes, g_free);
  outcomes = audit_outcomes (&f, "trading.halt");
  g_assert_cmpstr (outcomes, ==, "requested,ok");
  g_clear_pointer (&outcomes, g_free);
  /* The 207 steps with a refusal are audited as failed, naming what was refused and why. */
  g_clear_pointer (&outcomes, g_free);
  outcomes = audit_outcomes (&f, "orders.cancel_all");
  g_assert_cmpstr (outcomes, ==, "requested,failed");
  g_clear_pointer (&outcomes, g_free);
  outcomes = audit_outcomes (&f, "positions.close_all");
  g_assert_cmpstr (outcomes, ==, "requested,failed");
  {
    g_autoptr(GPtrArray) rows = risk_audit_rows (&f.risk, "positions.close_all");
    const char *message = tw_audit_record_get_message (g_ptr_array_index (rows, 1));

    g_test_message ("close all audited: %s", message);
    g_assert_true (g_str_has_prefix (message, "Not all closed: "));
    g_assert_nonnull (strstr (message, "TSLA refused: held for orders"));
    g_assert_nonnull (strstr (message, "insufficient qty available for order"));
  }
  risk_assert_audit_valid (&f.risk);

  /* A flatten runs once. */
  g_clear_error (&error);
  g_assert_false (flatten (&f, run, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);

  g_clear_object (&run);
  fixture_teardown (&f);
}

static void
test_flatten_clean (void)
{
  Fixture f = { 0 };
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(TwFlatten) run = NULL;
  g_autoptr(GError) error = NULL;

  fixture_setup (&f, TW_MODE_PAPER);
  wait_position (&f, "alpaca", "AAPL");

  request = request_for (&f, "account.flatten", "alpaca");
  run = tw_flatten_new (f.risk.runner, f.portfolio, "alpaca", request);
  g_assert_true (flatten (&f, run, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (tw_flatten_step_get_state (step_at (run, i)), ==, TW_FLATTEN_STEP_OK);
  /* Claimed as read back from the broker after the last step, nothing more. */
  g_assert_nonnull (strstr (tw_flatten_get_result (run), "read back from the broker: no open position, no open order"));
  g_assert_cmpfloat (sim_qty (&f, "AAPL"), ==, 0);
  g_assert_cmpfloat (sim_qty (&f, "TSLA"), ==, 0);

  g_clear_object (&run);
  fixture_teardown (&f);
}

static gboolean
investiq_loaded (gpointer data)
{
  Fixture *f = data;
  guint n = g_list_model_get_n_items (tw_portfolio_get_positions (f->portfolio)), count = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwPosition) position = g_list_model_get_item (tw_portfolio_get_positions (f->portfolio), i);

      count += g_strcmp0 (tw_position_get_service_id (position), "investiq") == 0;
    }
  return count >= 2;
}

/* A connector without "orders.cancel_all" and "positions.close_all": the cancel step is
 * skipped and said so, each position is closed on its own, still halted first. */
static void
test_flatten_per_position (void)
{
  Fixture f = { 0 };
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(TwFlatten) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(JsonNode) left = NULL;
  TwFlattenStep *close;
  guint n_closes = 0;

  fixture_setup (&f, TW_MODE_PAPER);
  g_assert_true (risk_wait (investiq_loaded, &f, 10000));
  risk_clear_requests (&f.risk);

  request = request_for (&f, "account.flatten", "investiq");
  run = tw_flatten_new (f.risk.runner, f.portfolio, "investiq", request);
  /* InvestIQ can neither cancel nor list orders: the positions are closed (and read back
   * so), but the flatten does not claim "flat" — orders may still be open. */
  g_assert_false (flatten (&f, run, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "orders may still be open"));
  g_assert_nonnull (strstr (error->message, "Orders page"));
  g_assert_null (strstr (error->message, "positions still open"));
  g_assert_null (strstr (error->message, "canceled"));

  g_assert_cmpint (tw_flatten_step_get_state (step_at (run, 1)), ==, TW_FLATTEN_STEP_SKIPPED);
  g_assert_nonnull (strstr (tw_flatten_step_get_summary (step_at (run, 1)), "Skipped"));
  g_assert_nonnull (strstr (tw_flatten_step_get_summary (step_at (run, 1)), "Orders page"));
  close = step_at (run, 2);
  g_assert_cmpint (tw_flatten_step_get_state (close), ==, TW_FLATTEN_STEP_OK);
  g_assert_cmpuint (tw_multi_status_get_n_failed (tw_flatten_step_get_result (close)), ==, 0);

  /* The halt first, then one DELETE per position. */
  log = risk_changing_requests (&f.risk, "investiq");
  g_assert_cmpuint (log->len, >=, 3);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (log, 0), "path"), ==,
                   "/api/risk/trading-halt");
  for (guint i = 1; i < log->len; i++)
    {
      JsonObject *entry = g_ptr_array_index (log, i);

      g_assert_cmpstr (json_object_get_string_member (entry, "method"), ==, "DELETE");
      g_assert_true (g_str_has_prefix (json_object_get_string_member (entry, "path"), "/api/broker/close/"));
      n_closes++;
    }
  g_assert_cmpuint (n_closes, ==, tw_multi_status_get_n_ok (tw_flatten_step_get_result (close)));
  left = tw_test_sim_request (f.risk.sim, "investiq", "GET", "/api/broker/positions", NULL);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (left)), ==, 0);

  g_clear_object (&run);
  fixture_teardown (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/flatten/partial", test_flatten_partial);
  g_test_add_func ("/tw/core/flatten/clean", test_flatten_clean);
  g_test_add_func ("/tw/core/flatten/per-position", test_flatten_per_position);

  return g_test_run ();
}
