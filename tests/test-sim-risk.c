/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/stat.h>

#include "tw-sim.h"
#include "tw-sim-firm.h"
#include "tw-test-util.h"

/* The simulator's risk controls (risk-wire.md): every route with right and wrong input
 * and its exact body, InvestIQ's breakers and automatic halt, the kill switch's state
 * file and environment override, the Autotrader's breaker clock, the scenarios. */

/* Each test gets its own state directory, so a kill switch left on stays in its test. */
typedef struct
{
  char        *state_dir;
  TwSimThread *sim;
} Fixture;

static void
rm_rf (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->state_dir = g_dir_make_tmp ("test-sim-risk-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("TW_SIM_STATE_DIR", f->state_dir, TRUE);
  g_unsetenv ("KILL_SWITCH_ENABLED");
  f->sim = tw_test_sim_start ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->sim, tw_sim_thread_stop);
  g_unsetenv ("KILL_SWITCH_ENABLED");
  g_unsetenv ("TW_SIM_STATE_DIR");
  rm_rf (f->state_dir);
  g_free (f->state_dir);
}

static void
restart (Fixture *f)
{
  tw_sim_thread_stop (f->sim);
  f->sim = tw_test_sim_start ();
}

/* GET @path, asserting 200; the object. */
static JsonNode *
get_ok (Fixture    *f,
        const char *flavor,
        const char *path)
{
  guint status = 0;
  JsonNode *node = tw_test_sim_request_full (f->sim, flavor, "GET", path, NULL, &status);

  g_assert_cmpuint (status, ==, 200);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return node;
}

/* @method @path with @body: asserts the status and the exact body text. */
static void
assert_answer (Fixture    *f,
               const char *flavor,
               const char *method,
               const char *path,
               const char *body,
               guint       want_status,
               const char *want_body)
{
  guint status = 0;
  g_autofree char *text = tw_test_sim_request_text (f->sim, flavor, method, path, body, &status);

  g_assert_cmpuint (status, ==, want_status);
  if (want_body != NULL)
    g_assert_cmpstr (text, ==, want_body);
}

static void
assert_rfc3339 (const char *text)
{
  g_autoptr(GDateTime) dt = NULL;

  g_assert_nonnull (text);
  dt = g_date_time_new_from_iso8601 (text, NULL);
  g_assert_nonnull (dt);
}

static gboolean
member_is_null (JsonObject *o,
                const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node != NULL && JSON_NODE_HOLDS_NULL (node);
}

static void
assert_double (JsonObject *o,
               const char *name,
               double      want)
{
  g_assert_true (json_object_has_member (o, name));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, name), want, 0.006);
}

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
    "max_consecutive_losses", "daily_loss_percent", "max_daily_loss_percent",
    "drawdown_percent", "max_drawdown_percent", "daily_pnl", "current_equity",
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
  assert_double (o, "max_daily_loss_percent", 5.0);
  assert_double (o, "drawdown_percent", 0.0);
  assert_double (o, "max_drawdown_percent", 10.0);
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
                   "Circuit breaker: 3 consecutive losses");
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
                   "Circuit breaker: daily loss 5.2% exceeds limit 5.0%");
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
                 "{\"max_daily_loss_percent\":6.0}", 200, NULL);
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
                   "Circuit breaker: drawdown 10.4% exceeds limit 10.0%");
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

  /* without "by": "api" */
  assert_answer (f, "investiq", "POST", "/api/risk/trading-halt",
                 "{\"halt\":true,\"reason\":\"again\"}", 200, NULL);
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "halted_by"), ==, "api");

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
  assert_double (o, "max_position_size_percent", 10.0);
  g_assert_cmpint (json_object_get_int_member (o, "max_consecutive_losses"), ==, 3);
  g_assert_true (json_node_get_value_type (json_object_get_member (o, "max_consecutive_losses"))
                 == G_TYPE_INT64);
  assert_double (o, "max_daily_loss_percent", 5.0);
  assert_double (o, "max_drawdown_percent", 10.0);
  assert_double (o, "stop_loss_percent", 2.0);

  /* partial body → the whole object */
  answer = tw_test_sim_request_full (f->sim, "investiq", "PUT", "/api/risk/parameters",
                                     "{\"max_daily_loss_percent\":4.5,\"max_consecutive_losses\":2}",
                                     &status);
  g_assert_cmpuint (status, ==, 200);
  o = json_node_get_object (answer);
  g_assert_cmpuint (json_object_get_size (o), ==, 5);
  assert_double (o, "max_daily_loss_percent", 4.5);
  g_assert_cmpint (json_object_get_int_member (o, "max_consecutive_losses"), ==, 2);
  assert_double (o, "max_drawdown_percent", 10.0);

  /* out of range, wrong type: 400 / 422 and nothing changes */
  assert_answer (f, "investiq", "PUT", "/api/risk/parameters",
                 "{\"max_drawdown_percent\":8,\"max_daily_loss_percent\":150}", 400,
                 "{\"error\":\"max_daily_loss_percent must be between 0 and 100\"}");
  assert_answer (f, "investiq", "PUT", "/api/risk/parameters", "{\"stop_loss_percent\":0}", 400,
                 "{\"error\":\"stop_loss_percent must be between 0 and 100\"}");
  assert_answer (f, "investiq", "PUT", "/api/risk/parameters", "{\"max_consecutive_losses\":0}",
                 400, "{\"error\":\"max_consecutive_losses must be between 1 and 100\"}");
  assert_answer (f, "investiq", "PUT", "/api/risk/parameters",
                 "{\"max_drawdown_percent\":\"high\"}", 422, NULL);
  assert_answer (f, "investiq", "PUT", "/api/risk/parameters",
                 "{\"max_consecutive_losses\":2.5}", 422, NULL);
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "investiq", "/api/risk/parameters");
  assert_double (json_node_get_object (node), "max_drawdown_percent", 10.0);

  /* the new limits are the breakers' */
  tw_test_sim_scenario (f->sim, "{\"name\":\"losing-streak\"}");
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  o = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (o, "max_consecutive_losses"), ==, 2);
  assert_double (o, "max_daily_loss_percent", 4.5);
  g_assert_cmpstr (json_object_get_string_member (o, "halt_reason"), ==,
                   "Circuit breaker: 2 consecutive losses");
}

/* ---- IBKR assistant: the kill switch ---- */

static const char *
kill_switch_detail (Fixture *f)
{
  static char detail[256];
  g_autoptr(JsonNode) node = get_ok (f, "ibkr-assistant", "/api/v1/health");
  JsonObject *c = json_object_get_object_member (json_node_get_object (node), "components");

  g_strlcpy (detail, json_object_get_string_member (json_object_get_object_member (c, "kill_switch"),
                                                    "detail"), sizeof detail);
  return detail;
}

static void
test_ibkr_kill_switch (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *o;
  guint status = 0;

  assert_answer (f, "ibkr-assistant", "GET", "/api/v1/kill-switch/status", NULL, 200,
                 "{\"enabled\":false,\"reason\":null,\"activated_at\":null,"
                 "\"activated_by\":null,\"source\":\"file\"}");
  g_assert_cmpstr (kill_switch_detail (f), ==, "inactive");

  answer = tw_test_sim_request_full (f->sim, "ibkr-assistant", "POST", "/api/v1/kill-switch/activate",
                                     "{\"reason\":\"breaker tripped on ES\",\"activated_by\":\"ops\"}",
                                     &status);
  g_assert_cmpuint (status, ==, 200);
  o = json_node_get_object (answer);
  g_assert_cmpuint (json_object_get_size (o), ==, 5);
  g_assert_true (json_object_get_boolean_member (o, "enabled"));
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "breaker tripped on ES");
  g_assert_cmpstr (json_object_get_string_member (o, "activated_by"), ==, "ops");
  assert_rfc3339 (json_object_get_string_member (o, "activated_at"));
  g_assert_cmpstr (json_object_get_string_member (o, "source"), ==, "file");
  g_assert_cmpstr (kill_switch_detail (f), ==, "ACTIVE: breaker tripped on ES");

  /* wrong input: FastAPI's validation list */
  assert_answer (f, "ibkr-assistant", "POST", "/api/v1/kill-switch/deactivate", "{}", 422,
                 "{\"detail\":[{\"loc\":[\"body\",\"reason\"],\"msg\":\"field required\","
                 "\"type\":\"value_error.missing\"}]}");
  assert_answer (f, "ibkr-assistant", "POST", "/api/v1/kill-switch/activate",
                 "{\"activated_by\":\"ops\"}", 422,
                 "{\"detail\":[{\"loc\":[\"body\",\"reason\"],\"msg\":\"field required\","
                 "\"type\":\"value_error.missing\"}]}");
  assert_answer (f, "ibkr-assistant", "POST", "/api/v1/kill-switch/deactivate", NULL, 422,
                 "{\"detail\":[{\"loc\":[\"body\"],\"msg\":\"field required\","
                 "\"type\":\"value_error.missing\"}]}");
  assert_answer (f, "ibkr-assistant", "POST", "/api/v1/kill-switch/deactivate",
                 "{\"reason\":[1]}", 422,
                 "{\"detail\":[{\"loc\":[\"body\",\"reason\"],\"msg\":\"str type expected\","
                 "\"type\":\"type_error.str\"}]}");
  g_assert_cmpstr (kill_switch_detail (f), ==, "ACTIVE: breaker tripped on ES");

  assert_answer (f, "ibkr-assistant", "POST", "/api/v1/kill-switch/deactivate",
                 "{\"reason\":\"root cause fixed\"}", 200,
                 "{\"enabled\":false,\"reason\":null,\"activated_at\":null,"
                 "\"activated_by\":null,\"source\":\"file\"}");
  g_assert_cmpstr (kill_switch_detail (f), ==, "inactive");

  /* activated_by defaults to "api" */
  g_clear_pointer (&answer, json_node_unref);
  answer = tw_test_sim_request_full (f->sim, "ibkr-assistant", "POST", "/api/v1/kill-switch/activate",
                                     "{\"reason\":\"drill\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "activated_by"), ==,
                   "api");

  /* auth as for health */
  {
    g_autoptr(TwTestAnswer) a = tw_test_sim_fetch (f->sim, "ibkr-assistant", "GET",
                                                   "/api/v1/kill-switch/status", TW_TEST_AUTH_WRONG);

    g_assert_cmpuint (a->status, ==, 401);
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
  g_assert_cmpstr (json_object_get_string_member (o, "source"), ==, "file");
  g_assert_cmpstr (kill_switch_detail (f), ==, "ACTIVE: weekend maintenance");

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

static void
test_ibkr_kill_switch_env (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;
  static const char * const values[] = { "true", "1", "TRUE", NULL };

  for (guint i = 0; values[i] != NULL; i++)
    {
      g_setenv ("KILL_SWITCH_ENABLED", values[i], TRUE);
      restart (f);
      g_clear_pointer (&node, json_node_unref);
      node = get_ok (f, "ibkr-assistant", "/api/v1/kill-switch/status");
      o = json_node_get_object (node);
      g_assert_true (json_object_get_boolean_member (o, "enabled"));
      g_assert_cmpstr (json_object_get_string_member (o, "source"), ==, "env");
      g_assert_nonnull (json_object_get_string_member (o, "reason"));
    }

  assert_answer (f, "ibkr-assistant", "POST", "/api/v1/kill-switch/deactivate",
                 "{\"reason\":\"try anyway\"}", 409,
                 "{\"detail\":\"Kill switch is forced on by KILL_SWITCH_ENABLED; unset it and "
                 "restart the service\"}");
  /* a reset keeps what the environment forces */
  tw_test_sim_scenario (f->sim, "{\"name\":\"reset\"}");
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "ibkr-assistant", "/api/v1/kill-switch/status");
  g_assert_true (json_object_get_boolean_member (json_node_get_object (node), "enabled"));
  g_assert_cmpstr (kill_switch_detail (f), ==, "ACTIVE: Forced on by KILL_SWITCH_ENABLED");

  /* other values do not force it */
  g_setenv ("KILL_SWITCH_ENABLED", "false", TRUE);
  restart (f);
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "ibkr-assistant", "/api/v1/kill-switch/status");
  o = json_node_get_object (node);
  g_assert_false (json_object_get_boolean_member (o, "enabled"));
  g_assert_cmpstr (json_object_get_string_member (o, "source"), ==, "file");
}

/* ---- AI trading ---- */

static void
test_ai_trading (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;

  assert_answer (f, "ai-trading", "GET", "/api/trading/status", NULL, 200,
                 "{\"trading_enabled\":true,\"emergency_stop\":false,\"reason\":null,"
                 "\"changed_at\":null,\"changed_by\":null}");

  assert_answer (f, "ai-trading", "POST", "/api/trading/disable",
                 "{\"reason\":\"model drift\",\"by\":\"ops\"}", 200,
                 "{\"trading_enabled\":false,\"message\":\"Auto-trading disabled\"}");
  node = get_ok (f, "ai-trading", "/api/trading/status");
  o = json_node_get_object (node);
  g_assert_false (json_object_get_boolean_member (o, "trading_enabled"));
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "model drift");
  g_assert_cmpstr (json_object_get_string_member (o, "changed_by"), ==, "ops");
  assert_rfc3339 (json_object_get_string_member (o, "changed_at"));
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "ai-trading", "/api/health");
  g_assert_false (json_object_get_boolean_member (json_node_get_object (node), "trading_enabled"));

  /* enable without a body */
  assert_answer (f, "ai-trading", "POST", "/api/trading/enable", NULL, 200,
                 "{\"trading_enabled\":true,\"message\":\"Auto-trading enabled\"}");
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "ai-trading", "/api/health");
  g_assert_true (json_object_get_boolean_member (json_node_get_object (node), "trading_enabled"));

  /* emergency stop: closes what is open, once */
  assert_answer (f, "ai-trading", "POST", "/api/trading/emergency-stop", NULL, 200,
                 "{\"status\":\"emergency_stop\",\"trading_enabled\":false,"
                 "\"positions_closed\":4,\"orders_cancelled\":2}");
  assert_answer (f, "ai-trading", "POST", "/api/trading/emergency-stop", "{}", 200,
                 "{\"status\":\"emergency_stop\",\"trading_enabled\":false,"
                 "\"positions_closed\":0,\"orders_cancelled\":0}");
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "ai-trading", "/api/trading/status");
  o = json_node_get_object (node);
  g_assert_true (json_object_get_boolean_member (o, "emergency_stop"));
  g_assert_false (json_object_get_boolean_member (o, "trading_enabled"));
  g_assert_cmpstr (json_object_get_string_member (o, "changed_by"), ==, "api");

  /* enable clears the emergency stop */
  assert_answer (f, "ai-trading", "POST", "/api/trading/enable",
                 "{\"reason\":\"all clear\"}", 200, NULL);
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "ai-trading", "/api/trading/status");
  o = json_node_get_object (node);
  g_assert_false (json_object_get_boolean_member (o, "emergency_stop"));
  g_assert_true (json_object_get_boolean_member (o, "trading_enabled"));

  /* wrong input */
  assert_answer (f, "ai-trading", "POST", "/api/trading/disable", "{\"reason\":{}}", 422,
                 "{\"detail\":[{\"loc\":[\"body\",\"reason\"],\"msg\":\"str type expected\","
                 "\"type\":\"type_error.str\"}]}");
  assert_answer (f, "ai-trading", "POST", "/api/trading/disable", "{oops", 422, NULL);
  assert_answer (f, "ai-trading", "GET", "/api/trading/disable", NULL, 405,
                 "{\"detail\":\"Method Not Allowed\"}");
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "ai-trading", "/api/trading/status");
  g_assert_true (json_object_get_boolean_member (json_node_get_object (node), "trading_enabled"));
  {
    g_autoptr(TwTestAnswer) a = tw_test_sim_fetch (f->sim, "ai-trading", "POST",
                                                   "/api/trading/disable", TW_TEST_AUTH_NONE);

    g_assert_cmpuint (a->status, ==, 403);
  }
}

/* ---- Autotrader ---- */

static JsonObject *
source_of (JsonNode   *node,
           const char *name)
{
  JsonObject *breakers = json_object_get_object_member (json_node_get_object (node), "breakers");

  return json_object_get_object_member (breakers, name);
}

static void
test_autotrader_routes (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(JsonNode) node = get_ok (f, "autotrader", "/api/health/circuit-breakers");
  JsonObject *breakers = json_object_get_object_member (json_node_get_object (node), "breakers");
  static const char * const sources[] = { "polygon", "alpaca_data", "news_api", NULL };

  g_assert_cmpuint (json_object_get_size (json_node_get_object (node)), ==, 1);
  g_assert_cmpuint (json_object_get_size (breakers), ==, 3);
  for (guint i = 0; sources[i] != NULL; i++)
    {
      g_autoptr(JsonNode) one = json_node_init_object (json_node_alloc (),
                                                       json_object_get_object_member (breakers, sources[i]));
      g_autofree char *text = json_to_string (one, FALSE);

      g_assert_cmpstr (text, ==,
                       "{\"state\":\"CLOSED\",\"failure_count\":0,\"failure_threshold\":5,"
                       "\"recovery_timeout_seconds\":30,\"last_failure_at\":null,"
                       "\"opened_at\":null}");
    }

  assert_answer (f, "autotrader", "POST", "/api/health/circuit-breakers/polygon/reset", NULL, 200,
                 "{\"source\":\"polygon\",\"state\":\"CLOSED\",\"failure_count\":0}");
  assert_answer (f, "autotrader", "POST", "/api/health/circuit-breakers/x/reset", NULL, 404,
                 "{\"detail\":\"Unknown source 'x'\"}");
  assert_answer (f, "autotrader", "GET", "/api/health/circuit-breakers/polygon/reset", NULL, 405,
                 NULL);

  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "autotrader", "/api/health/rate-limits");
  {
    JsonObject *providers = json_object_get_object_member (json_node_get_object (node), "providers");
    JsonObject *p = json_object_get_object_member (providers, "polygon");

    g_assert_cmpuint (json_object_get_size (providers), ==, 3);
    g_assert_cmpint (json_object_get_int_member (p, "used"), ==, 120);
    g_assert_cmpint (json_object_get_int_member (p, "limit"), ==, 200);
    g_assert_cmpint (json_object_get_int_member (p, "window_seconds"), ==, 60);
    assert_double (p, "usage_percent", 60.0);
    for (guint i = 0; sources[i] != NULL; i++)
      g_assert_true (json_object_has_member (providers, sources[i]));
  }
}

/* Polls the breakers every 50 ms until @source is in @state; the elapsed seconds. */
static double
wait_for_state (Fixture    *f,
                const char *source,
                const char *state,
                double      timeout_s)
{
  gint64 start = g_get_monotonic_time ();

  while (g_get_monotonic_time () - start < timeout_s * G_USEC_PER_SEC)
    {
      g_autoptr(JsonNode) node = get_ok (f, "autotrader", "/api/health/circuit-breakers");

      if (g_str_equal (json_object_get_string_member (source_of (node, source), "state"), state))
        return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
      g_usleep (50 * 1000);
    }
  g_error ("The %s breaker did not reach %s within %.1f s", source, state, timeout_s);
}

static void
test_autotrader_timers (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *first_opened = NULL;
  JsonObject *s;
  double t;

  tw_test_sim_scenario (f->sim, "{\"name\":\"source-outage\",\"source\":\"polygon\","
                                "\"recovery_timeout\":1}");
  /* five failed calls, 200 ms apart */
  t = wait_for_state (f, "polygon", "OPEN", 3.0);
  g_assert_cmpfloat (t, >=, 0.5);
  node = get_ok (f, "autotrader", "/api/health/circuit-breakers");
  s = source_of (node, "polygon");
  g_assert_cmpint (json_object_get_int_member (s, "failure_count"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (s, "recovery_timeout_seconds"), ==, 1);
  assert_rfc3339 (json_object_get_string_member (s, "opened_at"));
  assert_rfc3339 (json_object_get_string_member (s, "last_failure_at"));
  first_opened = g_strdup (json_object_get_string_member (s, "opened_at"));
  /* the others are untouched */
  g_assert_cmpstr (json_object_get_string_member (source_of (node, "news_api"), "state"), ==, "CLOSED");

  /* still failing: HALF_OPEN after the timeout, the probe fails, OPEN again */
  t = wait_for_state (f, "polygon", "HALF_OPEN", 2.0);
  g_assert_cmpfloat (t, >=, 0.5);
  wait_for_state (f, "polygon", "OPEN", 2.0);
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "autotrader", "/api/health/circuit-breakers");
  s = source_of (node, "polygon");
  g_assert_cmpstr (json_object_get_string_member (s, "opened_at"), !=, first_opened);
  g_assert_cmpint (json_object_get_int_member (s, "failure_count"), ==, 6);

  /* recovered: HALF_OPEN after the timeout, then the next probe closes it */
  tw_test_sim_scenario (f->sim, "{\"name\":\"source-recover\",\"source\":\"polygon\"}");
  wait_for_state (f, "polygon", "HALF_OPEN", 2.0);
  t = wait_for_state (f, "polygon", "CLOSED", 2.0);
  g_assert_cmpfloat (t, >=, 0.5);
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "autotrader", "/api/health/circuit-breakers");
  s = source_of (node, "polygon");
  g_assert_cmpint (json_object_get_int_member (s, "failure_count"), ==, 0);
  g_assert_true (member_is_null (s, "opened_at"));

  /* a guarded reset closes an OPEN breaker at once */
  tw_test_sim_scenario (f->sim, "{\"name\":\"source-outage\",\"source\":\"news_api\","
                                "\"recovery_timeout\":30}");
  wait_for_state (f, "news_api", "OPEN", 3.0);
  tw_test_sim_scenario (f->sim, "{\"name\":\"source-recover\",\"source\":\"news_api\"}");
  assert_answer (f, "autotrader", "POST", "/api/health/circuit-breakers/news_api/reset", NULL, 200,
                 "{\"source\":\"news_api\",\"state\":\"CLOSED\",\"failure_count\":0}");
  g_clear_pointer (&node, json_node_unref);
  node = get_ok (f, "autotrader", "/api/health/circuit-breakers");
  g_assert_cmpstr (json_object_get_string_member (source_of (node, "news_api"), "state"), ==, "CLOSED");
}

/* ---- Alpaca ---- */

#define DEFAULT_CONFIG \
  "{\"dtbp_check\":\"entry\",\"trade_confirm_email\":\"all\",\"suspend_trade\":false," \
  "\"no_shorting\":false,\"fractional_trading\":true,\"max_margin_multiplier\":\"4\"," \
  "\"pdt_check\":\"entry\"}"

static gboolean
account_suspended (Fixture *f)
{
  g_autoptr(JsonNode) node = get_ok (f, "alpaca", "/v2/account");

  return json_object_get_boolean_member (json_node_get_object (node), "trade_suspended_by_user");
}

static void
test_alpaca_configurations (Fixture       *f,
                            gconstpointer  data)
{
  assert_answer (f, "alpaca", "GET", "/v2/account/configurations", NULL, 200, DEFAULT_CONFIG);
  g_assert_false (account_suspended (f));

  assert_answer (f, "alpaca", "PATCH", "/v2/account/configurations", "{\"suspend_trade\":true}", 200,
                 "{\"dtbp_check\":\"entry\",\"trade_confirm_email\":\"all\",\"suspend_trade\":true,"
                 "\"no_shorting\":false,\"fractional_trading\":true,\"max_margin_multiplier\":\"4\","
                 "\"pdt_check\":\"entry\"}");
  g_assert_true (account_suspended (f));

  /* a bad value: 400 and nothing changes, even the good part */
  assert_answer (f, "alpaca", "PATCH", "/v2/account/configurations",
                 "{\"suspend_trade\":\"yes\"}", 400,
                 "{\"code\":40010001,\"message\":\"invalid value for suspend_trade\"}");
  assert_answer (f, "alpaca", "PATCH", "/v2/account/configurations",
                 "{\"suspend_trade\":false,\"dtbp_check\":\"sometimes\"}", 400,
                 "{\"code\":40010001,\"message\":\"invalid value for dtbp_check\"}");
  assert_answer (f, "alpaca", "PATCH", "/v2/account/configurations", "suspend", 400,
                 "{\"code\":40010000,\"message\":\"request body format is invalid\"}");
  g_assert_true (account_suspended (f));

  assert_answer (f, "alpaca", "PATCH", "/v2/account/configurations",
                 "{\"suspend_trade\":false,\"pdt_check\":\"both\",\"max_margin_multiplier\":\"2\"}",
                 200,
                 "{\"dtbp_check\":\"entry\",\"trade_confirm_email\":\"all\",\"suspend_trade\":false,"
                 "\"no_shorting\":false,\"fractional_trading\":true,\"max_margin_multiplier\":\"2\","
                 "\"pdt_check\":\"both\"}");
  g_assert_false (account_suspended (f));

  {
    g_autoptr(TwTestAnswer) a = tw_test_sim_fetch (f->sim, "alpaca", "GET",
                                                   "/v2/account/configurations", TW_TEST_AUTH_WRONG);

    g_assert_cmpuint (a->status, ==, 401);
  }
}

/* ---- scenarios ---- */

static void
test_scenario_external_halt (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(JsonNode) iq = NULL;
  g_autoptr(JsonNode) ks = NULL;
  g_autoptr(JsonNode) ai = NULL;
  JsonObject *o;

  tw_test_sim_scenario (f->sim, "{\"name\":\"external-halt\",\"flavor\":\"investiq\","
                                "\"by\":\"ops-oncall\",\"reason\":\"exchange outage\"}");
  tw_test_sim_scenario (f->sim, "{\"name\":\"external-halt\",\"flavor\":\"ibkr-assistant\","
                                "\"by\":\"ops-oncall\",\"reason\":\"exchange outage\"}");
  tw_test_sim_scenario (f->sim, "{\"name\":\"external-halt\",\"flavor\":\"ai-trading\","
                                "\"by\":\"ops-oncall\",\"reason\":\"exchange outage\"}");
  tw_test_sim_scenario (f->sim, "{\"name\":\"external-halt\",\"flavor\":\"alpaca\","
                                "\"by\":\"ops-oncall\"}");

  iq = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  o = json_node_get_object (iq);
  g_assert_true (json_object_get_boolean_member (o, "trading_halted"));
  g_assert_cmpstr (json_object_get_string_member (o, "halted_by"), ==, "ops-oncall");
  g_assert_cmpstr (json_object_get_string_member (o, "halt_reason"), ==, "exchange outage");
  ks = get_ok (f, "ibkr-assistant", "/api/v1/kill-switch/status");
  o = json_node_get_object (ks);
  g_assert_true (json_object_get_boolean_member (o, "enabled"));
  g_assert_cmpstr (json_object_get_string_member (o, "activated_by"), ==, "ops-oncall");
  ai = get_ok (f, "ai-trading", "/api/trading/status");
  o = json_node_get_object (ai);
  g_assert_false (json_object_get_boolean_member (o, "trading_enabled"));
  g_assert_cmpstr (json_object_get_string_member (o, "changed_by"), ==, "ops-oncall");
  g_assert_true (account_suspended (f));

  /* reset: back to the start everywhere */
  tw_test_sim_scenario (f->sim, "{\"name\":\"source-outage\",\"source\":\"alpaca_data\"}");
  tw_test_sim_scenario (f->sim, "{\"name\":\"losing-streak\"}");
  tw_test_sim_scenario (f->sim, "{\"name\":\"reset\"}");
  assert_answer (f, "ibkr-assistant", "GET", "/api/v1/kill-switch/status", NULL, 200,
                 "{\"enabled\":false,\"reason\":null,\"activated_at\":null,"
                 "\"activated_by\":null,\"source\":\"file\"}");
  assert_answer (f, "ai-trading", "GET", "/api/trading/status", NULL, 200,
                 "{\"trading_enabled\":true,\"emergency_stop\":false,\"reason\":null,"
                 "\"changed_at\":null,\"changed_by\":null}");
  assert_answer (f, "alpaca", "GET", "/v2/account/configurations", NULL, 200, DEFAULT_CONFIG);
  g_assert_false (account_suspended (f));
  g_clear_pointer (&iq, json_node_unref);
  iq = get_ok (f, "investiq", "/api/risk/circuit-breakers");
  o = json_node_get_object (iq);
  g_assert_false (json_object_get_boolean_member (o, "trading_halted"));
  g_assert_cmpint (json_object_get_int_member (o, "consecutive_losses"), ==, 0);
  assert_double (o, "current_equity", 100250.37);
  tw_test_run_for (400);  /* the outage would have failed a call by now */
  {
    g_autoptr(JsonNode) node = get_ok (f, "autotrader", "/api/health/circuit-breakers");

    g_assert_cmpint (json_object_get_int_member (source_of (node, "alpaca_data"), "failure_count"),
                     ==, 0);
  }
}

static void
test_scenario_errors (Fixture       *f,
                      gconstpointer  data)
{
  guint status = 0;
  g_autofree char *text = NULL;

  text = tw_test_sim_request_text (f->sim, "autotrader", "POST", "/_sim/scenario",
                                   "{\"name\":\"meteor\"}", &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_nonnull (strstr (text, "Unknown scenario"));
  g_assert_nonnull (strstr (text, "losing-streak"));
  assert_answer (f, "investiq", "POST", "/_sim/scenario", "{\"name\":\"losing-streak\"}", 200,
                 "{\"scenario\":\"losing-streak\",\"ok\":true}");
  assert_answer (f, "investiq", "POST", "/_sim/scenario",
                 "{\"name\":\"external-halt\",\"flavor\":\"autotrader\"}", 400, NULL);
  assert_answer (f, "investiq", "POST", "/_sim/scenario",
                 "{\"name\":\"source-outage\",\"source\":\"bloomberg\"}", 400, NULL);
  assert_answer (f, "investiq", "POST", "/_sim/scenario", "{\"name\":\"trade\"}", 400, NULL);
  assert_answer (f, "investiq", "POST", "/_sim/scenario",
                 "{\"name\":\"daily-loss\",\"percent\":\"lots\"}", 400, NULL);
  assert_answer (f, "investiq", "POST", "/_sim/scenario", "not json", 400, NULL);
  assert_answer (f, "investiq", "GET", "/_sim/scenario", NULL, 405, NULL);
  /* the control API is not in the request log */
  {
    g_autoptr(JsonNode) log = tw_test_sim_requests (f->sim);

    g_assert_cmpuint (json_array_get_length (json_node_get_array (log)), ==, 0);
  }
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
  ADD ("ibkr/kill-switch-env", test_ibkr_kill_switch_env);
  ADD ("ai-trading/switch", test_ai_trading);
  ADD ("autotrader/routes", test_autotrader_routes);
  ADD ("autotrader/timers", test_autotrader_timers);
  ADD ("alpaca/configurations", test_alpaca_configurations);
  ADD ("scenario/external-halt-and-reset", test_scenario_external_halt);
  ADD ("scenario/errors", test_scenario_errors);

#undef ADD

  return g_test_run ();
}
