/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "test-sim-risk-fixture.h"

/* The simulator's risk controls (risk-wire.md), part one: trade outcomes, InvestIQ's
 * breakers and automatic halt, its halt and parameters routes, the IBKR kill switch
 * with its state file and environment override. Part two: test-sim-risk-services.c. */

/* ---- trade outcomes (the firm, no HTTP) ---- */

static void
test_trades_list (void)
{
  g_autoptr(TwSimFirm) firm = tw_sim_firm_new ();
  g_autoptr(GPtrArray) trades = NULL;
  TwSimTrade *t;

  tw_sim_firm_book_trade (firm, "AAPL", 105.0);
  tw_sim_firm_book_trade (firm, "TSLA", -42.5);
  trades = tw_sim_firm_list_trades (firm);

  g_assert_cmpuint (trades->len, ==, 2);
  t = g_ptr_array_index (trades, 0);
  g_assert_cmpstr (t->symbol, ==, "TSLA");
  g_assert_cmpfloat (t->pnl, ==, -42.5);
  g_assert_true (g_uuid_string_is_valid (t->id));
  g_assert_cmpint (ABS (g_get_real_time () - t->time_us), <, 10 * G_USEC_PER_SEC);
  t = g_ptr_array_index (trades, 1);
  g_assert_cmpstr (t->symbol, ==, "AAPL");
  g_assert_cmpfloat (t->pnl, ==, 105.0);

  tw_sim_firm_clear_trades (firm);
  g_clear_pointer (&trades, g_ptr_array_unref);
  trades = tw_sim_firm_list_trades (firm);
  g_assert_cmpuint (trades->len, ==, 0);
}

/* ---- InvestIQ ---- */

static void
test_investiq_initial (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(JsonNode) node = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  JsonObject *o = json_node_get_object (node);
  static const char * const members[] = {
    "trading_halted", "halt_reason", "halted_at", "halted_by", "consecutive_losses",
    "max_consecutive_losses", "daily_loss_percent", "daily_loss_limit_percent",
    "drawdown_percent", "account_drawdown_limit_percent", "daily_pnl", "current_equity",
    "peak_equity", NULL
  };

  g_assert_cmpuint (json_object_get_size (o), ==, g_strv_length ((char **) members));
  for (guint i = 0; members[i] != NULL; i++)
    g_assert_true (json_object_has_member (o, members[i]));
  g_assert_false (json_object_get_boolean_member (o, "trading_halted"));
  g_assert_true (member_is_null (o, "halt_reason"));
  g_assert_true (member_is_null (o, "halted_at"));
  g_assert_true (member_is_null (o, "halted_by"));
  g_assert_cmpint (json_object_get_int_member (o, "consecutive_losses"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (o, "max_consecutive_losses"), ==, 3);
  assert_double (o, "daily_loss_percent", 0.0);
  assert_double (o, "daily_loss_limit_percent", 5.0);
  assert_double (o, "drawdown_percent", 0.0);
  assert_double (o, "account_drawdown_limit_percent", 10.0);
  /* the same money as the broker account: equity 100250.37 against 100000 yesterday */
  assert_double (o, "daily_pnl", 250.37);
  assert_double (o, "current_equity", 100250.37);
  assert_double (o, "peak_equity", 100250.37);

  /* auth as for health; another method 405 */
  g_assert_cmpuint (tw_test_sim_status (f->sim, "investiq", "DELETE", "/api/risk/circuit-breakers"),
                    ==, 405);
  {
    g_autoptr(TwTestAnswer) a = tw_test_sim_fetch (f->sim, "investiq", "GET",
                                                   "/api/risk/circuit-breakers", TW_TEST_AUTH_NONE);
    g_autofree char *text = tw_test_answer_text (a);

    g_assert_cmpuint (a->status, ==, 401);
    g_assert_cmpstr (text, ==, "{\"error\":\"Invalid or missing API key\"}");
  }
}

static void
test_investiq_consecutive (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;

  /* a win resets the count */
  tw_test_sim_scenario (f->sim, "{\"name\":\"trade\",\"pnl\":-100}");
  tw_test_sim_scenario (f->sim, "{\"name\":\"trade\",\"pnl\":-100,\"symbol\":\"MSFT\"}");
  before = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (before),
                                               "consecutive_losses"), ==, 2);
  assert_double (json_node_get_object (before), "daily_pnl", 50.37);
  tw_test_sim_scenario (f->sim, "{\"name\":\"trade\",\"pnl\":50}");
  g_clear_pointer (&before, json_node_unref);
  before = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (before),
                                               "consecutive_losses"), ==, 0);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (before), "trading_halted"));

  tw_test_sim_scenario (f->sim, "{\"name\":\"losing-streak\"}");
  node = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  o = json_node_get_object (node);
  g_assert_true (json_object_get_boolean_member (o, "trading_halted"));
  g_assert_cmpstr (json_object_get_string_member (o, "halt_reason"), ==,
                   "3 consecutive losses");
  g_assert_cmpstr (json_object_get_string_member (o, "halted_by"), ==, "circuit_breaker");
  assert_rfc3339 (json_object_get_string_member (o, "halted_at"));
  g_assert_cmpint (json_object_get_int_member (o, "consecutive_losses"), ==, 3);
  /* three losses of 0.2 % of equity each: below the other limits */
  g_assert_cmpfloat (json_object_get_double_member (o, "daily_loss_percent"), >, 0.3);
  g_assert_cmpfloat (json_object_get_double_member (o, "daily_loss_percent"), <, 1.0);

  /* resume resets the count, then a new streak trips again */
  assert_answer (f, "investiq", "POST", "/api/risk/trading-halt",
                 "{\"halt\":false,\"reason\":\"root cause found, checklist done\"}", 200, NULL);
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  o = json_node_get_object (node);
  g_assert_false (json_object_get_boolean_member (o, "trading_halted"));
  g_assert_cmpint (json_object_get_int_member (o, "consecutive_losses"), ==, 0);
  tw_test_sim_scenario (f->sim, "{\"name\":\"losing-streak\"}");
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  g_assert_true (json_object_get_boolean_member (json_node_get_object (node), "trading_halted"));
}

static void
test_investiq_daily_loss (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;

  /* 84 % of the limit: no trip */
  tw_test_sim_scenario (f->sim, "{\"name\":\"daily-loss\",\"percent\":4.2}");
  node = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  o = json_node_get_object (node);
  g_assert_false (json_object_get_boolean_member (o, "trading_halted"));
  assert_double (o, "daily_loss_percent", 4.2);
  assert_double (o, "daily_pnl", -4200.0);
  assert_double (o, "current_equity", 95800.0);
  g_assert_cmpint (json_object_get_int_member (o, "consecutive_losses"), ==, 1);

  tw_test_sim_scenario (f->sim, "{\"name\":\"daily-loss\",\"percent\":5.2}");
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  o = json_node_get_object (node);
  g_assert_true (json_object_get_boolean_member (o, "trading_halted"));
  g_assert_cmpstr (json_object_get_string_member (o, "halt_reason"), ==,
                   "Daily loss limit exceeded");
  g_assert_cmpstr (json_object_get_string_member (o, "halted_by"), ==, "circuit_breaker");

  /* resume refused past the limit; still halted */
  assert_answer (f, "investiq", "POST", "/api/risk/trading-halt",
                 "{\"halt\":false,\"reason\":\"trying to resume anyway\"}", 409,
                 "{\"error\":\"Cannot resume: daily loss 5.2% exceeds limit 5.0%\"}");
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  g_assert_true (json_object_get_boolean_member (json_node_get_object (node), "trading_halted"));

  /* a raised limit lets it resume */
  assert_answer (f, "investiq", "PUT", "/api/risk/parameters",
                 "{\"daily_loss_limit_percent\":6.0}", 200, NULL);
  assert_answer (f, "investiq", "POST", "/api/risk/trading-halt",
                 "{\"halt\":false,\"reason\":\"limit raised by the risk officer\"}", 200, NULL);
}

static void
test_investiq_drawdown (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;

  /* a new peak, then a fall of 10.4 % from it while the day is down only 1.2 % */
  tw_test_sim_scenario (f->sim, "{\"name\":\"trade\",\"pnl\":10000}");
  tw_test_sim_scenario (f->sim, "{\"name\":\"trade\",\"pnl\":-11500}");
  node = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  o = json_node_get_object (node);
  g_assert_true (json_object_get_boolean_member (o, "trading_halted"));
  g_assert_cmpstr (json_object_get_string_member (o, "halt_reason"), ==,
                   "Account drawdown limit");
  assert_double (o, "peak_equity", 110250.37);
  assert_double (o, "current_equity", 98750.37);
  assert_double (o, "drawdown_percent", 10.43);
  assert_double (o, "daily_loss_percent", 1.25);

  assert_answer (f, "investiq", "POST", "/api/risk/trading-halt",
                 "{\"halt\":false,\"reason\":\"trying to resume anyway\"}", 409,
                 "{\"error\":\"Cannot resume: drawdown 10.4% exceeds limit 10.0%\"}");
}

static void
test_investiq_halt_resume (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) log = NULL;
  JsonObject *o;
  guint status = 0;
  gboolean logged = FALSE;

  tw_test_sim_scenario (f->sim, "{\"name\":\"trade\",\"pnl\":-20}");
  answer = tw_test_sim_request_full (f->sim, "investiq", "POST", "/api/risk/trading-halt",
                                     "{\"halt\":true,\"reason\":\"Halted from Trade Warden by ops\","
                                     "\"by\":\"tradewarden:ops\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  o = json_node_get_object (answer);
  g_assert_cmpuint (json_object_get_size (o), ==, 4);
  g_assert_true (json_object_get_boolean_member (o, "trading_halted"));
  g_assert_cmpstr (json_object_get_string_member (o, "halt_reason"), ==,
                   "Halted from Trade Warden by ops");
  assert_rfc3339 (json_object_get_string_member (o, "halted_at"));
  g_assert_cmpstr (json_object_get_string_member (o, "message"), ==, "Trading halted");
  node = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "halted_by"), ==,
                   "tradewarden:ops");

  /* without "by", the runbook's body (000): no one named */
  assert_answer (f, "investiq", "POST", "/api/risk/trading-halt",
                 "{\"halt\":true,\"reason\":\"again\"}", 200, NULL);
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  g_assert_true (json_object_get_null_member (json_node_get_object (node), "halted_by"));

  /* resume: the exact body */
  assert_answer (f, "investiq", "POST", "/api/risk/trading-halt",
                 "{\"halt\":false,\"reason\":\"root cause fixed, health green\"}", 200,
                 "{\"trading_halted\":false,\"halt_reason\":null,\"halted_at\":null,"
                 "\"message\":\"Trading resumed\"}");
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  o = json_node_get_object (node);
  g_assert_false (json_object_get_boolean_member (o, "trading_halted"));
  g_assert_true (member_is_null (o, "halted_by"));
  g_assert_cmpint (json_object_get_int_member (o, "consecutive_losses"), ==, 0);

  /* wrong input */
  assert_answer (f, "investiq", "POST", "/api/risk/trading-halt", "{\"halt\":true}", 422,
                 "{\"error\":\"Failed to deserialize the JSON body into the target type: "
                 "missing field `reason`\"}");
  assert_answer (f, "investiq", "POST", "/api/risk/trading-halt", "{\"reason\":\"x\"}", 422,
                 "{\"error\":\"Failed to deserialize the JSON body into the target type: "
                 "missing field `halt`\"}");
  assert_answer (f, "investiq", "POST", "/api/risk/trading-halt",
                 "{\"halt\":\"yes\",\"reason\":\"x\"}", 422,
                 "{\"error\":\"Failed to deserialize the JSON body into the target type: "
                 "halt: invalid type, expected a boolean\"}");
  assert_answer (f, "investiq", "POST", "/api/risk/trading-halt", "{not json", 400, NULL);
  assert_answer (f, "investiq", "POST", "/api/risk/trading-halt", "[1]", 422, NULL);
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  g_assert_false (json_object_get_boolean_member (json_node_get_object (node), "trading_halted"));

  /* every request is in the request log */
  log = tw_test_sim_requests (f->sim);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (log)); i++)
    {
      JsonObject *e = json_array_get_object_element (json_node_get_array (log), i);

      if (g_str_equal (json_object_get_string_member (e, "path"), "/api/risk/trading-halt") &&
          json_object_get_int_member (e, "status") == 422)
        logged = TRUE;
    }
  g_assert_true (logged);
}

static void
test_investiq_parameters (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *o;
  guint status = 0;

  node = get_ok (f, "investiq", "/api/risk/parameters");
  o = json_node_get_object (node);
  g_assert_cmpuint (json_object_get_size (o), ==, 5);
  assert_double (o, "max_position_size", 0.1);
  g_assert_cmpint (json_object_get_int_member (o, "max_consecutive_losses"), ==, 3);
  g_assert_true (json_node_get_value_type (json_object_get_member (o, "max_consecutive_losses"))
                 == G_TYPE_INT64);
  assert_double (o, "daily_loss_limit_percent", 5.0);
  assert_double (o, "account_drawdown_limit_percent", 10.0);
  assert_double (o, "stop_loss_percent", 2.0);

  /* partial body → the whole object */
  answer = tw_test_sim_request_full (f->sim, "investiq", "PUT", "/api/risk/parameters",
                                     "{\"daily_loss_limit_percent\":4.5,\"max_consecutive_losses\":2}",
                                     &status);
  g_assert_cmpuint (status, ==, 200);
  o = json_node_get_object (answer);
  g_assert_cmpuint (json_object_get_size (o), ==, 5);
  assert_double (o, "daily_loss_limit_percent", 4.5);
  g_assert_cmpint (json_object_get_int_member (o, "max_consecutive_losses"), ==, 2);
  assert_double (o, "account_drawdown_limit_percent", 10.0);

  /* out of range, wrong type: 400 / 422 and nothing changes */
  assert_answer (f, "investiq", "PUT", "/api/risk/parameters",
                 "{\"account_drawdown_limit_percent\":8,\"daily_loss_limit_percent\":150}", 400,
                 "{\"error\":\"daily_loss_limit_percent must be between 0 and 100\"}");
  assert_answer (f, "investiq", "PUT", "/api/risk/parameters", "{\"stop_loss_percent\":0}", 400,
                 "{\"error\":\"stop_loss_percent must be between 0 and 100\"}");
  assert_answer (f, "investiq", "PUT", "/api/risk/parameters", "{\"max_consecutive_losses\":0}",
                 400, "{\"error\":\"max_consecutive_losses must be between 1 and 100\"}");
  assert_answer (f, "investiq", "PUT", "/api/risk/parameters",
                 "{\"account_drawdown_limit_percent\":\"high\"}", 422, NULL);
  assert_answer (f, "investiq", "PUT", "/api/risk/parameters",
                 "{\"max_consecutive_losses\":2.5}", 422, NULL);
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "investiq", "/api/risk/parameters");
  assert_double (json_node_get_object (node), "account_drawdown_limit_percent", 10.0);

  /* the new limits are the breakers' */
  tw_test_sim_scenario (f->sim, "{\"name\":\"losing-streak\"}");
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  o = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (o, "max_consecutive_losses"), ==, 2);
  assert_double (o, "daily_loss_limit_percent", 4.5);
  g_assert_cmpstr (json_object_get_string_member (o, "halt_reason"), ==,
                   "2 consecutive losses");
}

/* ---- IBKR assistant: the kill switch (003, "Kill Switch Operations") ---- */

static gboolean
kill_switch_enabled_in_health (Fixture *f)
{
  g_autoptr(JsonNode) node = get_ok (f, "ibkr-assistant", "/api/v1/health");
  JsonObject *c = json_object_get_object_member (json_node_get_object (node), "components");

  return json_object_get_boolean_member (json_object_get_object_member (c, "kill_switch"), "enabled");
}

static void
test_ibkr_kill_switch (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;
  guint status = 0;

  assert_answer (f, "ibkr-assistant", "GET", "/api/v1/kill-switch/status", NULL, 200,
                 "{\"enabled\":false,\"reason\":null,\"activated_at\":null,"
                 "\"activated_by\":null}");
  g_assert_false (kill_switch_enabled_in_health (f));

  /* activate answers what was done, not the status shape */
  answer = tw_test_sim_request_full (f->sim, "ibkr-assistant", "POST", "/api/v1/kill-switch/activate",
                                     "{\"reason\":\"breaker tripped on ES\",\"activated_by\":\"ops\"}",
                                     &status);
  g_assert_cmpuint (status, ==, 200);
  o = json_node_get_object (answer);
  g_assert_cmpuint (json_object_get_size (o), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "activated");
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "breaker tripped on ES");
  g_assert_cmpstr (json_object_get_string_member (o, "activated_by"), ==, "ops");
  assert_rfc3339 (json_object_get_string_member (o, "timestamp"));
  g_assert_true (kill_switch_enabled_in_health (f));
  node = get_ok (f, "ibkr-assistant", "/api/v1/kill-switch/status");
  o = json_node_get_object (node);
  g_assert_cmpuint (json_object_get_size (o), ==, 4);
  g_assert_true (json_object_get_boolean_member (o, "enabled"));
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "breaker tripped on ES");
  g_assert_cmpstr (json_object_get_string_member (o, "activated_by"), ==, "ops");
  assert_rfc3339 (json_object_get_string_member (o, "activated_at"));

  /* wrong input: FastAPI's validation list */
  assert_answer (f, "ibkr-assistant", "POST", "/api/v1/kill-switch/deactivate", "{}", 422,
                 "{\"detail\":[{\"loc\":[\"body\",\"reason\"],\"msg\":\"field required\","
                 "\"type\":\"value_error.missing\"}]}");
  assert_answer (f, "ibkr-assistant", "POST", "/api/v1/kill-switch/activate",
                 "{\"activated_by\":\"ops\"}", 422,
                 "{\"detail\":[{\"loc\":[\"body\",\"reason\"],\"msg\":\"field required\","
                 "\"type\":\"value_error.missing\"}]}");
  assert_answer (f, "ibkr-assistant", "POST", "/api/v1/kill-switch/activate", NULL, 422,
                 "{\"detail\":[{\"loc\":[\"body\"],\"msg\":\"field required\","
                 "\"type\":\"value_error.missing\"}]}");
  assert_answer (f, "ibkr-assistant", "POST", "/api/v1/kill-switch/deactivate",
                 "{\"reason\":[1]}", 422,
                 "{\"detail\":[{\"loc\":[\"body\",\"reason\"],\"msg\":\"str type expected\","
                 "\"type\":\"type_error.str\"}]}");
  g_assert_true (kill_switch_enabled_in_health (f));

  /* deactivate: the all-clear reason comes back */
  g_clear_pointer (&answer, json_node_unref);
  answer = tw_test_sim_request_full (f->sim, "ibkr-assistant", "POST", "/api/v1/kill-switch/deactivate",
                                     "{\"reason\":\"root cause fixed\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  o = json_node_get_object (answer);
  g_assert_cmpuint (json_object_get_size (o), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "deactivated");
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "root cause fixed");
  assert_rfc3339 (json_object_get_string_member (o, "timestamp"));
  g_assert_false (kill_switch_enabled_in_health (f));
  assert_answer (f, "ibkr-assistant", "GET", "/api/v1/kill-switch/status", NULL, 200,
                 "{\"enabled\":false,\"reason\":null,\"activated_at\":null,"
                 "\"activated_by\":null}");

  /* "Kill Switch Won't Deactivate" diagnoses with a bare POST: no body is fine */
  g_clear_pointer (&answer, json_node_unref);
  answer = tw_test_sim_request_full (f->sim, "ibkr-assistant", "POST", "/api/v1/kill-switch/deactivate",
                                     NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "status"), ==,
                   "deactivated");

  /* activated_by defaults to "api" */
  g_clear_pointer (&answer, json_node_unref);
  answer = tw_test_sim_request_full (f->sim, "ibkr-assistant", "POST", "/api/v1/kill-switch/activate",
                                     "{\"reason\":\"drill\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "activated_by"), ==,
                   "api");

  /* no credentials, as in the runbook */
  {
    g_autoptr(TwTestAnswer) a = tw_test_sim_fetch (f->sim, "ibkr-assistant", "GET",
                                                   "/api/v1/kill-switch/status", TW_TEST_AUTH_NONE);

    g_assert_cmpuint (a->status, ==, 200);
  }
}

static void
test_ibkr_kill_switch_persisted (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = g_build_filename (f->state_dir, "kill_switch.json", NULL);
  g_autofree char *activated_at = NULL;
  GStatBuf st;
  JsonObject *o;

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  assert_answer (f, "ibkr-assistant", "POST", "/api/v1/kill-switch/activate",
                 "{\"reason\":\"weekend maintenance\",\"activated_by\":\"ops\"}", 200, NULL);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  node = get_ok (f, "ibkr-assistant", "/api/v1/kill-switch/status");
  activated_at = g_strdup (json_object_get_string_member (json_node_get_object (node), "activated_at"));

  /* the service restarts with the same state directory: still on, same story */
  restart (f);
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "ibkr-assistant", "/api/v1/kill-switch/status");
  o = json_node_get_object (node);
  g_assert_true (json_object_get_boolean_member (o, "enabled"));
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "weekend maintenance");
  g_assert_cmpstr (json_object_get_string_member (o, "activated_by"), ==, "ops");
  g_assert_cmpstr (json_object_get_string_member (o, "activated_at"), ==, activated_at);
  g_assert_true (kill_switch_enabled_in_health (f));

  assert_answer (f, "ibkr-assistant", "POST", "/api/v1/kill-switch/deactivate",
                 "{\"reason\":\"maintenance over\"}", 200, NULL);
  restart (f);
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "ibkr-assistant", "/api/v1/kill-switch/status");
  g_assert_false (json_object_get_boolean_member (json_node_get_object (node), "enabled"));

  /* an unreadable file: off, with a warning */
  g_assert_true (g_file_set_contents (path, "{broken", -1, NULL));
  g_test_expect_message ("tw-sim", G_LOG_LEVEL_WARNING, "*kill-switch state file*unreadable*");
  restart (f);
  g_test_assert_expected_messages ();
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "ibkr-assistant", "/api/v1/kill-switch/status");
  g_assert_false (json_object_get_boolean_member (json_node_get_object (node), "enabled"));
}

/* Without TW_SIM_STATE_DIR: a private directory of the process, kept across restarts
 * within it. */
static void
test_ibkr_kill_switch_default_dir (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = g_build_filename (f->state_dir, "kill_switch.json", NULL);

  g_unsetenv ("TW_SIM_STATE_DIR");
  restart (f);
  assert_answer (f, "ibkr-assistant", "POST", "/api/v1/kill-switch/activate",
                 "{\"reason\":\"default dir\"}", 200, NULL);
  restart (f);
  node = get_ok (f, "ibkr-assistant", "/api/v1/kill-switch/status");
  g_assert_true (json_object_get_boolean_member (json_node_get_object (node), "enabled"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  assert_answer (f, "ibkr-assistant", "POST", "/api/v1/kill-switch/deactivate",
                 "{\"reason\":\"done\"}", 200, NULL);
}

/* KILL_SWITCH_ENABLED overrides the state file: on at start (KILL_SWITCH_REASON its
 * reason), and a deactivate succeeds while the switch stays on ("Kill Switch Won't
 * Deactivate"). */
static void
test_ibkr_kill_switch_env (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *o;
  guint status = 0;
  static const char * const values[] = { "true", "1", "TRUE", NULL };

  for (guint i = 0; values[i] != NULL; i++)
    {
      g_setenv ("KILL_SWITCH_ENABLED", values[i], TRUE);
      restart (f);
      g_clear_pointer (&node, json_node_unref);
      node = get_ok (f, "ibkr-assistant", "/api/v1/kill-switch/status");
      o = json_node_get_object (node);
      g_assert_true (json_object_get_boolean_member (o, "enabled"));
      g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "Forced on by KILL_SWITCH_ENABLED");
    }
  g_setenv ("KILL_SWITCH_REASON", "Emergency halt via env var", TRUE);
  restart (f);
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "ibkr-assistant", "/api/v1/kill-switch/status");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "reason"), ==,
                   "Emergency halt via env var");

  answer = tw_test_sim_request_full (f->sim, "ibkr-assistant", "POST", "/api/v1/kill-switch/deactivate",
                                     "{\"reason\":\"try anyway\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "status"), ==,
                   "deactivated");
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "ibkr-assistant", "/api/v1/kill-switch/status");
  g_assert_true (json_object_get_boolean_member (json_node_get_object (node), "enabled"));
  g_assert_true (kill_switch_enabled_in_health (f));

  /* a reset keeps what the environment forces */
  tw_test_sim_scenario (f->sim, "{\"name\":\"reset\"}");
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "ibkr-assistant", "/api/v1/kill-switch/status");
  g_assert_true (json_object_get_boolean_member (json_node_get_object (node), "enabled"));

  /* other values do not force it */
  g_unsetenv ("KILL_SWITCH_REASON");
  g_setenv ("KILL_SWITCH_ENABLED", "false", TRUE);
  restart (f);
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "ibkr-assistant", "/api/v1/kill-switch/status");
  o = json_node_get_object (node);
  g_assert_false (json_object_get_boolean_member (o, "enabled"));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/tw/sim/risk/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/tw/sim/risk/trades/list", test_trades_list);
  ADD ("investiq/initial", test_investiq_initial);
  ADD ("investiq/consecutive-losses", test_investiq_consecutive);
  ADD ("investiq/daily-loss", test_investiq_daily_loss);
  ADD ("investiq/drawdown", test_investiq_drawdown);
  ADD ("investiq/halt-resume", test_investiq_halt_resume);
  ADD ("investiq/parameters", test_investiq_parameters);
  ADD ("ibkr/kill-switch", test_ibkr_kill_switch);
  ADD ("ibkr/kill-switch-persisted", test_ibkr_kill_switch_persisted);
  ADD ("ibkr/kill-switch-default-dir", test_ibkr_kill_switch_default_dir);
  ADD ("ibkr/kill-switch-env", test_ibkr_kill_switch_env);

#undef ADD

  return g_test_run ();
}
