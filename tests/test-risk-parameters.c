/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "tw-error.h"
#include "tw-risk-fixture.h"
#include "tw-risk-parameters.h"

#define INTERVAL 300

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
result_arrived (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static gboolean
refresh (TwRiskParameters  *params,
         GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tw_risk_parameters_refresh_async (params, NULL, on_result, &result);
  g_assert_true (risk_wait (result_arrived, &result, 10000));
  return tw_risk_parameters_refresh_finish (params, result, error);
}

static TwRiskParameters *
investiq_parameters (RiskFixture *f)
{
  TwClient *client = tw_workspace_get_client (f->workspace, "investiq");
  g_autoptr(GError) error = NULL;
  TwRiskParameters *params;

  g_assert_nonnull (client);
  g_assert_true (tw_client_has_operation (client, "risk.parameters.get"));
  params = tw_risk_parameters_new (client);
  g_assert_true (refresh (params, &error));
  g_assert_no_error (error);
  return params;
}

static double
value_of (TwRiskParameters *params,
          const char       *key)
{
  TwRiskParameter *param = tw_risk_parameters_lookup (params, key);

  g_assert_nonnull (param);
  return tw_risk_parameter_get_value (param);
}

static void
count_changes (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               guint      *count)
{
  (*count)++;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* A refresh lists the five parameters in the service's order; a second one with
 * nothing changed neither splices nor notifies. */
static void
test_refresh (void)
{
  static const struct { const char *key, *label, *unit; double value; gboolean integer; } expected[] = {
    /* 000: a fraction, 0.05 is 5 % */
    { "max_position_size",              "Max position size",      "",  0.1,  FALSE },
    { "max_consecutive_losses",         "Max consecutive losses", "",  3.0,  TRUE },
    { "daily_loss_limit_percent",       "Max daily loss",         "%", 5.0,  FALSE },
    { "account_drawdown_limit_percent", "Max drawdown",           "%", 10.0, FALSE },
    { "stop_loss_percent",              "Stop loss",              "%", 2.0,  FALSE },
  };
  RiskFixture f = { 0 };
  g_autoptr(TwRiskParameters) params = NULL;
  g_autoptr(GError) error = NULL;
  guint splices = 0, notifies = 0;

  risk_fixture_setup (&f, TW_MODE_PAPER, INTERVAL);
  params = tw_risk_parameters_new (tw_workspace_get_client (f.workspace, "investiq"));
  g_assert_false (tw_risk_parameters_get_loaded (params));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (params)), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (params)) == TW_TYPE_RISK_PARAMETER);
  g_signal_connect (params, "items-changed", G_CALLBACK (count_changes), &splices);

  g_assert_true (refresh (params, &error));
  g_assert_no_error (error);
  g_assert_true (tw_risk_parameters_get_loaded (params));
  g_assert_null (tw_risk_parameters_get_last_error (params));
  g_assert_cmpuint (splices, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (params)), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(TwRiskParameter) param = g_list_model_get_item (G_LIST_MODEL (params), i);
      g_autofree char *label = NULL;
      double value = 0;

      g_assert_cmpstr (tw_risk_parameter_get_key (param), ==, expected[i].key);
      g_assert_cmpstr (tw_risk_parameter_get_label (param), ==, expected[i].label);
      g_assert_cmpstr (tw_risk_parameter_get_unit (param), ==, expected[i].unit);
      g_assert_cmpfloat (tw_risk_parameter_get_value (param), ==, expected[i].value);
      g_assert_cmpint (tw_risk_parameter_get_is_integer (param), ==, expected[i].integer);
      g_object_get (param, "label", &label, "value", &value, NULL);
      g_assert_cmpstr (label, ==, expected[i].label);
      g_assert_cmpfloat (value, ==, expected[i].value);
      g_signal_connect (param, "notify", G_CALLBACK (count_notify), &notifies);
    }
  g_assert_null (tw_risk_parameters_lookup (params, "nope"));

  g_assert_true (refresh (params, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (splices, ==, 1);
  g_assert_cmpuint (notifies, ==, 0);

  /* A service that does not answer: the error says so, the values stay as last read. */
  tw_test_sim_fault (f.sim, "investiq", "{\"path\":\"/api/risk/parameters\",\"kind\":\"status\",\"status\":503}");
  g_assert_false (refresh (params, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (tw_risk_parameters_get_last_error (params));
  g_assert_cmpfloat (value_of (params, "daily_loss_limit_percent"), ==, 5.0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (params)), ==, 5);
  g_clear_error (&error);
  tw_test_sim_clear_faults (f.sim);
  g_assert_true (refresh (params, &error));
  g_assert_null (tw_risk_parameters_get_last_error (params));

  g_clear_object (&params);
  risk_fixture_teardown (&f);
}

/* Labels of unknown keys are made readable; values are formatted as the service takes them. */
static void
test_labels_and_format (void)
{
  g_autoptr(TwRiskParameter) percent = tw_risk_parameter_new ("max_order_value_percent", 4.5, FALSE);
  g_autoptr(TwRiskParameter) count = tw_risk_parameter_new ("max_open_orders", 7, TRUE);
  char *text;

  g_assert_cmpstr (tw_risk_parameter_get_label (percent), ==, "Max order value");
  g_assert_cmpstr (tw_risk_parameter_get_unit (percent), ==, "%");
  g_assert_cmpstr (tw_risk_parameter_get_label (count), ==, "Max open orders");
  g_assert_cmpstr (tw_risk_parameter_get_unit (count), ==, "");
  text = tw_risk_parameter_label_for_key ("stop_loss_percent");
  g_assert_cmpstr (text, ==, "Stop loss");
  g_free (text);
  text = tw_risk_parameter_label_for_key ("_percent");
  g_assert_cmpstr (text, ==, "Percent");
  g_free (text);

  text = tw_risk_parameter_format_value (percent, 4.5);
  g_assert_cmpstr (text, ==, "4.5");
  g_free (text);
  text = tw_risk_parameter_format_value (percent, 10.0);
  g_assert_cmpstr (text, ==, "10");
  g_free (text);
  text = tw_risk_parameter_format_value (percent, 0.1);
  g_assert_cmpstr (text, ==, "0.1");
  g_free (text);
  text = tw_risk_parameter_format_value (count, 4.4);
  g_assert_cmpstr (text, ==, "4");
  g_free (text);
}

/* On screen a value reads in the locale's decimal mark, as the spin button it is typed
 * into shows it; what is sent to the service stays "4.5" whatever the locale. */
static void
test_format_display_locale (void)
{
  g_autoptr(TwRiskParameter) percent = tw_risk_parameter_new ("max_order_value_percent", 4.5, FALSE);
  g_autoptr(TwRiskParameter) count = tw_risk_parameter_new ("max_open_orders", 7, TRUE);
  g_autofree char *saved = g_strdup (setlocale (LC_NUMERIC, NULL));
  char *text;

  if (setlocale (LC_NUMERIC, "de_DE.UTF-8") == NULL)
    {
      g_test_skip ("no de_DE.UTF-8 locale: `build-aux/run deps` installs it (locales-all)");
      return;
    }
  text = tw_risk_parameter_format_display (percent, 4.5);
  g_assert_cmpstr (text, ==, "4,5");
  g_free (text);
  text = tw_risk_parameter_format_display (percent, 0.1);
  g_assert_cmpstr (text, ==, "0,1");
  g_free (text);
  text = tw_risk_parameter_format_display (percent, 12500.0);
  g_assert_cmpstr (text, ==, "12500");
  g_free (text);
  text = tw_risk_parameter_format_display (count, 4.4);
  g_assert_cmpstr (text, ==, "4");
  g_free (text);
  text = tw_risk_parameter_format_value (percent, 4.5);
  g_assert_cmpstr (text, ==, "4.5");
  g_free (text);

  setlocale (LC_NUMERIC, "C");
  text = tw_risk_parameter_format_display (percent, 4.5);
  g_assert_cmpstr (text, ==, "4.5");
  g_free (text);
  setlocale (LC_NUMERIC, saved);
}

/* build_vars: every field's current value, the changed ones replaced. */
static void
test_build_vars (void)
{
  RiskFixture f = { 0 };
  g_autoptr(TwRiskParameters) params = NULL;
  g_autoptr(GHashTable) changes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) vars = NULL;
  g_autoptr(GHashTable) unchanged = NULL;
  g_autoptr(JsonNode) bad = NULL;
  g_autoptr(GError) error = NULL;

  risk_fixture_setup (&f, TW_MODE_PAPER, INTERVAL);
  params = investiq_parameters (&f);

  unchanged = tw_risk_parameters_build_vars (params, NULL);
  g_assert_cmpuint (g_hash_table_size (unchanged), ==, 5);
  g_assert_cmpstr (g_hash_table_lookup (unchanged, "max_position_size"), ==, "0.1");
  g_assert_cmpstr (g_hash_table_lookup (unchanged, "max_consecutive_losses"), ==, "3");
  g_assert_cmpstr (g_hash_table_lookup (unchanged, "daily_loss_limit_percent"), ==, "5");
  g_assert_cmpstr (g_hash_table_lookup (unchanged, "account_drawdown_limit_percent"), ==, "10");
  g_assert_cmpstr (g_hash_table_lookup (unchanged, "stop_loss_percent"), ==, "2");

  g_hash_table_insert (changes, "daily_loss_limit_percent", "4.5");
  g_hash_table_insert (changes, "max_consecutive_losses", "4");
  vars = tw_risk_parameters_build_vars (params, changes);
  g_assert_cmpuint (g_hash_table_size (vars), ==, 5);
  g_assert_cmpstr (g_hash_table_lookup (vars, "daily_loss_limit_percent"), ==, "4.5");
  g_assert_cmpstr (g_hash_table_lookup (vars, "max_consecutive_losses"), ==, "4");
  g_assert_cmpstr (g_hash_table_lookup (vars, "stop_loss_percent"), ==, "2");
  /* The model itself is untouched until the service answers. */
  g_assert_cmpfloat (value_of (params, "daily_loss_limit_percent"), ==, 5.0);

  /* An answer that is not the parameters is refused, the model kept. */
  bad = json_from_string ("[1, 2]", NULL);
  g_assert_false (tw_risk_parameters_apply_json (params, bad, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "InvestIQ"));
  g_clear_error (&error);
  g_clear_pointer (&bad, json_node_unref);
  bad = json_from_string ("{\"status\":\"ok\"}", NULL);
  g_assert_false (tw_risk_parameters_apply_json (params, bad, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (params)), ==, 5);

  g_clear_object (&params);
  risk_fixture_teardown (&f);
}

static TwGuardRequest *
satisfied_request (RiskFixture *f)
{
  TwGuardRequest *request = tw_action_runner_new_request (f->runner, "risk.parameters.set", "InvestIQ");
  GPtrArray *checklist = tw_guard_request_get_checklist (request);

  g_assert_cmpint (tw_guard_request_get_direction (request), ==, TW_GUARD_AWAY_FROM_SAFETY);
  g_assert_true (tw_guard_request_needs_reason (request));
  g_assert_cmpuint (checklist->len, >, 0);
  tw_guard_request_set_reason (request, "Desk asked for a tighter daily loss limit");
  for (guint i = 0; i < checklist->len; i++)
    tw_guard_request_set_checked (request, g_ptr_array_index (checklist, i), TRUE);
  /* Health and broker are worked out by the runner from the services' state. */
  g_assert_true (risk_wait_healthy (f, 10000));
  return request;
}

/* A set through the runner changes the service's values (read back with a GET) and
 * writes requested + ok audit rows. */
static void
test_set (void)
{
  RiskFixture f = { 0 };
  g_autoptr(TwRiskParameters) params = NULL;
  g_autoptr(TwRiskParameters) again = NULL;
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(GHashTable) changes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) vars = NULL;
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;

  risk_fixture_setup (&f, TW_MODE_PAPER, INTERVAL);
  params = investiq_parameters (&f);
  risk_clear_requests (&f);

  g_hash_table_insert (changes, "daily_loss_limit_percent", "4.5");
  g_hash_table_insert (changes, "max_consecutive_losses", "4");
  vars = tw_risk_parameters_build_vars (params, changes);
  request = satisfied_request (&f);
  body = risk_run (&f, request, "investiq", "risk.parameters.set", vars, &response, &error);
  g_assert_no_error (error);
  g_assert_nonnull (body);
  g_assert_cmpuint (tw_http_response_get_status (response), ==, 200);

  /* One PUT. */
  sent = risk_changing_requests (&f, "investiq");
  g_assert_cmpuint (sent->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (sent, 0), "method"), ==, "PUT");
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (sent, 0), "path"), ==, "/api/risk/parameters");
  /* The count went as a JSON integer ("4", not "4.0"), or the service would have
   * answered 422 "expected u32". */

  /* The PUT's answer is the whole new set; a fresh GET agrees. */
  g_assert_true (tw_risk_parameters_apply_json (params, body, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (value_of (params, "daily_loss_limit_percent"), ==, 4.5);
  again = investiq_parameters (&f);
  g_assert_cmpfloat (value_of (again, "daily_loss_limit_percent"), ==, 4.5);
  g_assert_cmpfloat (value_of (again, "max_consecutive_losses"), ==, 4);
  g_assert_cmpfloat (value_of (again, "account_drawdown_limit_percent"), ==, 10);
  g_assert_cmpfloat (value_of (again, "stop_loss_percent"), ==, 2);

  rows = risk_audit_rows (&f, "risk.parameters.set");
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 0)), ==, TW_AUDIT_OUTCOME_REQUESTED);
  g_assert_cmpint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 1)), ==, TW_AUDIT_OUTCOME_OK);
  g_assert_cmpuint (tw_audit_record_get_http_status (g_ptr_array_index (rows, 1)), ==, 200);
  g_assert_cmpstr (tw_audit_record_get_reason (g_ptr_array_index (rows, 0)), ==,
                   "Desk asked for a tighter daily loss limit");
  g_assert_cmpstr (tw_audit_record_get_target (g_ptr_array_index (rows, 0)), ==, "InvestIQ");
  risk_assert_audit_valid (&f);

  g_clear_object (&params);
  g_clear_object (&again);
  risk_fixture_teardown (&f);
}

/* Out of range: the service's 400 message reaches the caller and a failed row; nothing changes. */
static void
test_out_of_range (void)
{
  RiskFixture f = { 0 };
  g_autoptr(TwRiskParameters) params = NULL;
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(GHashTable) changes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) vars = NULL;
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;

  risk_fixture_setup (&f, TW_MODE_PAPER, INTERVAL);
  params = investiq_parameters (&f);

  g_hash_table_insert (changes, "daily_loss_limit_percent", "150");
  vars = tw_risk_parameters_build_vars (params, changes);
  request = satisfied_request (&f);
  body = risk_run (&f, request, "investiq", "risk.parameters.set", vars, &response, &error);
  g_assert_null (body);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "daily_loss_limit_percent must be between 0 and 100"));
  g_assert_nonnull (response);
  g_assert_cmpuint (tw_http_response_get_status (response), ==, 400);

  rows = risk_audit_rows (&f, "risk.parameters.set");
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 1)), ==, TW_AUDIT_OUTCOME_FAILED);
  g_assert_cmpuint (tw_audit_record_get_http_status (g_ptr_array_index (rows, 1)), ==, 400);
  g_assert_nonnull (strstr (tw_audit_record_get_message (g_ptr_array_index (rows, 1)),
                            "daily_loss_limit_percent must be between 0 and 100"));

  g_assert_true (refresh (params, NULL));
  g_assert_cmpfloat (value_of (params, "daily_loss_limit_percent"), ==, 5.0);
  risk_assert_audit_valid (&f);

  g_clear_object (&params);
  risk_fixture_teardown (&f);
}

/* The guard refusing (no reason, nothing ticked): nothing is sent, a refused row. */
static void
test_refused (void)
{
  RiskFixture f = { 0 };
  g_autoptr(TwRiskParameters) params = NULL;
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(GHashTable) changes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) vars = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;

  risk_fixture_setup (&f, TW_MODE_PAPER, INTERVAL);
  params = investiq_parameters (&f);
  risk_clear_requests (&f);

  g_hash_table_insert (changes, "daily_loss_limit_percent", "9");
  vars = tw_risk_parameters_build_vars (params, changes);
  request = tw_action_runner_new_request (f.runner, "risk.parameters.set", "InvestIQ");
  tw_guard_request_set_reason (request, "short");
  body = risk_run (&f, request, "investiq", "risk.parameters.set", vars, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);

  sent = risk_changing_requests (&f, "investiq");
  g_assert_cmpuint (sent->len, ==, 0);
  rows = risk_audit_rows (&f, "risk.parameters.set");
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 0)), ==, TW_AUDIT_OUTCOME_REFUSED);
  g_assert_true (refresh (params, NULL));
  g_assert_cmpfloat (value_of (params, "daily_loss_limit_percent"), ==, 5.0);

  g_clear_object (&params);
  risk_fixture_teardown (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/risk-parameters/refresh", test_refresh);
  g_test_add_func ("/tw/core/risk-parameters/labels-and-format", test_labels_and_format);
  g_test_add_func ("/tw/core/risk-parameters/format-display-locale", test_format_display_locale);
  g_test_add_func ("/tw/core/risk-parameters/build-vars", test_build_vars);
  g_test_add_func ("/tw/core/risk-parameters/set", test_set);
  g_test_add_func ("/tw/core/risk-parameters/out-of-range", test_out_of_range);
  g_test_add_func ("/tw/core/risk-parameters/refused", test_refused);
  return g_test_run ();
}
