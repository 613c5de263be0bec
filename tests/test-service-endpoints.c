/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tw-alert-private.h"
#include "tw-audit-record.h"
#include "tw-error.h"
#include "tw-guard.h"
#include "tw-service-details-fixture.h"

/* A service's second address (issue 15), over real HTTP against the simulator: 001's
 * rate gate (its quotas, its metrics, the guarded and audited reset read back) and 000's
 * ML service (models loaded, their performance, an alert when they unload). The
 * simulator serves each on its own port; the profile names them (RateGateUrl=,
 * MlServiceUrl=). */

/* How many requests for exactly @method @path reached @flavor. */
static guint
count_requests (Fixture    *fx,
                const char *flavor,
                const char *method,
                const char *path)
{
  g_autoptr(JsonNode) log = tw_test_sim_requests (fx->f.sim);
  JsonArray *array = json_node_get_array (log);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (entry, "flavor", NULL), flavor) == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (entry, "method", NULL), method) == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (entry, "path", NULL), path) == 0)
        n++;
    }
  return n;
}

typedef struct
{
  GAsyncResult *result;
} Wait;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
}

static char *
reset (Fixture           *fx,
       TwServiceDetails  *details,
       const char        *provider,
       gboolean           ticked,
       GError           **error)
{
  g_autoptr(TwGuardRequest) request = NULL;
  Wait wait = { NULL };
  char *text;

  request = tw_action_runner_new_request (fx->f.runner, "ratelimit.reset",
                                          provider != NULL ? provider : "all quotas");
  tw_guard_request_set_reason (request, "alphavantage answers 429 to every call since 09:12");
  if (ticked)
    tw_guard_request_set_checked (request, TW_GUARD_CHECK_EXCHANGE_BLOCKING, TRUE);
  tw_service_details_reset_rate_limits_async (details, fx->f.runner, request, provider, NULL,
                                              on_done, &wait);
  tw_test_wait_until (wait.result != NULL, 10000);
  text = tw_service_details_reset_rate_limits_finish (details, wait.result, error);
  g_object_unref (wait.result);
  return text;
}

/* 001's rate gate: its quotas in the Rate limits section (near and over 80 %), its
 * Prometheus metrics, read from its own address without the API's Bearer token. */
static void
test_rate_gate_read (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(TwServiceDetails) details = details_for (fx, "ai-trading");
  g_autofree char *address = NULL;
  TwDetailItem *item;

  g_assert_true (tw_service_details_has_section (details, TW_DETAIL_RATE_LIMITS));
  g_assert_true (tw_service_details_has_section (details, TW_DETAIL_LIMIT_METRICS));
  g_assert_true (tw_service_details_can_reset_rate_limits (details, FALSE));
  g_assert_true (tw_service_details_can_reset_rate_limits (details, TRUE));
  address = tw_service_details_dup_section_address (details, TW_DETAIL_RATE_LIMITS);
  g_test_message ("%s", address);
  g_assert_true (g_str_has_prefix (address, "Rate gate · "));
  g_assert_nonnull (strstr (address, tw_sim_thread_get_url (fx->f.sim, TW_SIM_FLAVOR_RATE_GATE)));
  g_assert_null (tw_service_details_dup_section_address (details, TW_DETAIL_TRADES));

  read_all (details);
  for (guint s = 0; s < TW_DETAIL_N_SECTIONS; s++)
    g_assert_null (tw_service_details_get_error (details, s));

  item = find_item (details, TW_DETAIL_RATE_LIMITS, "alphavantage");
  g_assert_nonnull (item);
  g_assert_cmpfloat (tw_detail_item_get_number (item, "used"), ==, 5);
  g_assert_cmpfloat (tw_detail_item_get_number (item, "limit"), ==, 5);
  g_assert_cmpfloat (tw_detail_item_get_fraction (item), ==, 1.0);
  g_assert_nonnull (tw_detail_item_get_string (item, "reset-at"));
  item = find_item (details, TW_DETAIL_RATE_LIMITS, "polygon");
  g_assert_cmpfloat (tw_detail_item_get_fraction (item), >, TW_RATE_LIMIT_WARNING);
  item = find_item (details, TW_DETAIL_RATE_LIMITS, "binance");
  g_assert_cmpfloat (tw_detail_item_get_fraction (item), <, TW_RATE_LIMIT_WARNING);

  /* the runbook's alert trigger, parsed from the rate gate's /metrics */
  item = find_item (details, TW_DETAIL_LIMIT_METRICS, "rate_gate_backoff_count");
  g_assert_nonnull (item);
  g_assert_cmpfloat (tw_detail_item_get_number (item, "value"), ==, 14);
  g_assert_cmpstr (tw_detail_item_get_string (item, "kind"), ==, "gauge");
  item = find_item (details, TW_DETAIL_LIMIT_METRICS, "rate_gate_quota_used");
  g_assert_nonnull (item);
  g_assert_nonnull (strstr (tw_detail_item_get_string (item, "labels"), "provider=\""));

  /* The rate gate got its two reads on its own port; the API none of them. */
  g_assert_cmpuint (count_requests (fx, TW_SIM_FLAVOR_RATE_GATE, "GET", "/status"), ==, 1);
  g_assert_cmpuint (count_requests (fx, TW_SIM_FLAVOR_RATE_GATE, "GET", "/metrics"), ==, 1);
  g_assert_cmpuint (count_requests (fx, "ai-trading", "GET", "/status"), ==, 0);
}

/* The connector's secrets stay with the service's own address: an endpoint operation
 * lists none and sends no Authorization header. */
static void
test_endpoint_headers (Fixture       *fx,
                       gconstpointer  data)
{
  TwClient *client = tw_workspace_get_client (fx->f.workspace, "ai-trading");
  TwConnector *connector = tw_client_get_connector (client);
  const TwOperation *op = tw_connector_get_operation (connector, "rate_limits.list");
  const TwOperation *api = tw_connector_get_operation (connector, "trades.list");
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GHashTable) headers = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (tw_operation_get_endpoint (op), ==, "rate_gate");
  g_assert_null (tw_operation_get_endpoint (api));
  names = tw_operation_list_secret_names (op);
  g_assert_cmpuint (names->len, ==, 0);
  headers = tw_operation_expand_headers (op, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_hash_table_contains (headers, "Authorization"));
  g_clear_pointer (&names, g_ptr_array_unref);
  names = tw_operation_list_secret_names (api);
  g_assert_cmpuint (names->len, ==, 1);
}

/* The reset: refused without the runbook's checklist item (nothing sent, a "refused"
 * row); with it, sent to the rate gate, audited, read back: the service's own words and
 * the quota now, and a row of its own for the read-back. */
static void
test_rate_gate_reset (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(TwServiceDetails) details = details_for (fx, "ai-trading");
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  TwAuditRecord *last;

  read_all (details);

  /* the exchange does not block yet (not ticked): refused, nothing sent */
  text = reset (fx, details, "alphavantage", FALSE, &error);
  g_assert_null (text);
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_test_message ("refused: %s", error->message);
  g_assert_cmpuint (count_requests (fx, TW_SIM_FLAVOR_RATE_GATE, "POST", "/reset"), ==, 0);
  rows = risk_audit_rows (&fx->f, "ratelimit.reset");
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 0)), ==, TW_AUDIT_OUTCOME_REFUSED);
  g_clear_pointer (&rows, g_ptr_array_unref);
  g_clear_error (&error);

  /* ticked: one provider's quota (the reset, its audit rows and the read-back) */
  {
    gint64 start = g_get_monotonic_time ();

    text = reset (fx, details, "alphavantage", TRUE, &error);
    g_test_message ("reset, audited and read back in %.1f ms",
                    (g_get_monotonic_time () - start) / 1000.0);
  }
  g_assert_no_error (error);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "“Quota reset for alphavantage”"));
  g_assert_nonnull (strstr (text, "alphavantage 0 of 5 used (0 %)"));
  g_assert_cmpuint (count_requests (fx, TW_SIM_FLAVOR_RATE_GATE, "POST", "/reset/alphavantage"), ==, 1);
  /* the section shows the read-back at once; polygon was not reset */
  g_assert_cmpfloat (tw_detail_item_get_number (find_item (details, TW_DETAIL_RATE_LIMITS, "alphavantage"),
                                                "used"), ==, 0);
  g_assert_cmpfloat (tw_detail_item_get_number (find_item (details, TW_DETAIL_RATE_LIMITS, "polygon"),
                                                "used"), ==, 85);
  rows = risk_audit_rows (&fx->f, "ratelimit.reset");
  /* refused, requested, ok, the read-back */
  g_assert_cmpuint (rows->len, ==, 4);
  g_assert_cmpint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 1)), ==, TW_AUDIT_OUTCOME_REQUESTED);
  g_assert_cmpint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 2)), ==, TW_AUDIT_OUTCOME_OK);
  g_assert_cmpuint (tw_audit_record_get_http_status (g_ptr_array_index (rows, 2)), ==, 200);
  last = g_ptr_array_index (rows, 3);
  g_assert_cmpint (tw_audit_record_get_outcome (last), ==, TW_AUDIT_OUTCOME_OK);
  g_assert_cmpstr (tw_audit_record_get_message (last), ==,
                   "Read back after the reset: alphavantage 0 of 5 used (0 %)");
  g_clear_pointer (&rows, g_ptr_array_unref);
  g_clear_pointer (&text, g_free);

  /* an unknown provider: the service's 404 and its words, no read-back row */
  text = reset (fx, details, "nosuch", TRUE, &error);
  g_assert_null (text);
  g_assert_nonnull (error);
  g_test_message ("unknown provider: %s", error->message);
  g_assert_nonnull (strstr (error->message, "Unknown provider: nosuch"));
  rows = risk_audit_rows (&fx->f, "ratelimit.reset");
  g_assert_cmpuint (rows->len, ==, 6);
  g_assert_cmpint (tw_audit_record_get_outcome (g_ptr_array_index (rows, 5)), ==, TW_AUDIT_OUTCOME_FAILED);
  g_assert_cmpuint (tw_audit_record_get_http_status (g_ptr_array_index (rows, 5)), ==, 404);
  g_clear_pointer (&rows, g_ptr_array_unref);
  g_clear_error (&error);

  /* every quota */
  text = reset (fx, details, NULL, TRUE, &error);
  g_assert_no_error (error);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "“All provider quotas reset”"));
  g_assert_nonnull (strstr (text, "polygon 0 of 100 used"));
  g_assert_nonnull (strstr (text, "binance 0 of 1200 used"));
  g_assert_cmpuint (count_requests (fx, TW_SIM_FLAVOR_RATE_GATE, "POST", "/reset"), ==, 1);
  risk_assert_audit_valid (&fx->f);
}

/* The read-back shows the quota still spent (the rate gate accepted the reset and did
 * nothing): the operator is told, and the read-back row is "failed". */
static void
test_rate_gate_reset_not_taken (Fixture       *fx,
                                gconstpointer  data)
{
  g_autoptr(TwServiceDetails) details = details_for (fx, "ai-trading");
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  TwAuditRecord *last;

  read_all (details);
  tw_test_sim_fault (fx->f.sim, TW_SIM_FLAVOR_RATE_GATE,
                     "{\"method\":\"POST\",\"path\":\"/reset/alphavantage\",\"kind\":\"status\",\"status\":200,"
                     "\"body\":\"{\\\"message\\\":\\\"queued\\\"}\"}");
  text = reset (fx, details, "alphavantage", TRUE, &error);
  g_assert_no_error (error);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "“queued”"));
  g_assert_nonnull (strstr (text, "alphavantage 5 of 5 used (100 %)"));
  g_assert_nonnull (strstr (text, "the reset did not take"));
  rows = risk_audit_rows (&fx->f, "ratelimit.reset");
  last = g_ptr_array_index (rows, rows->len - 1);
  g_assert_cmpint (tw_audit_record_get_outcome (last), ==, TW_AUDIT_OUTCOME_FAILED);
  g_assert_nonnull (strstr (tw_audit_record_get_message (last), "still above 80 %"));
}

/* An endpoint's address: the profile's setting, checked; an unreachable one says which
 * address of which service failed. */
static void
test_endpoint_address (Fixture       *fx,
                       gconstpointer  data)
{
  TwService *service = tw_profile_lookup_service (fx->f.profile, "ai-trading");
  TwClient *client = tw_workspace_get_client (fx->f.workspace, "ai-trading");
  g_autoptr(TwServiceDetails) details = details_for (fx, "ai-trading");
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *closed = NULL;
  const char *message;

  url = tw_client_dup_base_url (client, "rate_gate", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, tw_sim_thread_get_url (fx->f.sim, TW_SIM_FLAVOR_RATE_GATE));
  g_clear_pointer (&url, g_free);

  tw_service_set_setting (service, "RateGateUrl", "ftp://127.0.0.1:3001");
  url = tw_client_dup_base_url (client, "rate_gate", &error);
  g_assert_null (url);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "RateGateUrl=ftp://127.0.0.1:3001"));
  g_clear_error (&error);
  url = tw_client_dup_base_url (client, "no_such", &error);
  g_assert_null (url);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_clear_error (&error);

  /* a port where nothing listens */
  {
    g_autoptr(GSocketListener) listener = g_socket_listener_new ();
    guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

    g_assert_no_error (error);
    g_socket_listener_close (listener);
    closed = g_strdup_printf ("http://127.0.0.1:%u", port);
  }
  tw_service_set_setting (service, "RateGateUrl", closed);
  read_all (details);
  message = tw_service_details_get_error (details, TW_DETAIL_RATE_LIMITS);
  g_test_message ("%s", message);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "AI trading (Rate gate)"));
  /* the API's own sections are not affected */
  g_assert_null (tw_service_details_get_error (details, TW_DETAIL_TRADES));
}

/* A connector that names an endpoint it does not declare, or a setting of the console's
 * own, is refused with the file's name. */
static void
test_endpoint_loader (Fixture       *fx,
                      gconstpointer  data)
{
  static const struct { const char *json; const char *says; } bad[] = {
    { "{\"format\":1,\"id\":\"x\",\"name\":\"X\",\"operations\":{\"health\":{\"method\":\"GET\","
      "\"path\":\"/h\",\"endpoint\":\"gate\"}}}", "\"gate\" is not one of" },
    { "{\"format\":1,\"id\":\"x\",\"name\":\"X\",\"endpoints\":{\"gate\":{\"name\":\"Gate\","
      "\"setting\":\"BaseUrl\"}},\"operations\":{\"health\":{\"method\":\"GET\",\"path\":\"/h\"}}}",
      "key of the console itself" },
    { "{\"format\":1,\"id\":\"x\",\"name\":\"X\",\"endpoints\":{\"gate\":{\"name\":\"Gate\","
      "\"setting\":\"gate_url\"}},\"operations\":{\"health\":{\"method\":\"GET\",\"path\":\"/h\"}}}",
      "profile key" },
    { "{\"format\":1,\"id\":\"x\",\"name\":\"X\",\"endpoints\":{\"gate\":{\"name\":\"Gate\","
      "\"setting\":\"GateUrl\",\"default_base_url\":\"file:///tmp\"}},\"operations\":{\"health\":"
      "{\"method\":\"GET\",\"path\":\"/h\"}}}", "not an http://" },
    { "{\"format\":1,\"id\":\"x\",\"name\":\"X\",\"endpoints\":{\"gate\":{\"name\":\"Gate\","
      "\"setting\":\"GateUrl\",\"port\":1}},\"operations\":{\"health\":{\"method\":\"GET\",\"path\":\"/h\"}}}",
      "port" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TwConnector) connector = tw_connector_new_from_data (bad[i].json, -1, "x.json", &error);

      g_assert_null (connector);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "x.json"));
      g_assert_nonnull (strstr (error->message, bad[i].says));
    }
}

/* 000's ML service: models loaded (the summary row), each model's performance; the
 * models unload (its dependency down): the summary is down and an alert is raised. */
static void
test_ml_service (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(TwServiceDetails) details = details_for (fx, "investiq");
  GListModel *items = tw_service_details_get_items (details, TW_DETAIL_MODELS);
  g_autofree char *address = NULL;
  TwDetailItem *item;

  g_assert_true (tw_service_details_has_section (details, TW_DETAIL_MODELS));
  address = tw_service_details_dup_section_address (details, TW_DETAIL_MODELS);
  g_assert_true (g_str_has_prefix (address, "ML service · "));
  read_all (details);
  g_assert_null (tw_service_details_get_error (details, TW_DETAIL_MODELS));
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, 4);
  {
    g_autoptr(TwDetailItem) first = g_list_model_get_item (items, 0);

    g_assert_cmpstr (tw_detail_item_get_name (first), ==, "signal-models");
    g_assert_cmpint (tw_detail_item_get_health (first), ==, TW_HEALTH_OK);
    g_assert_cmpstr (tw_detail_item_get_string (first, "status"), ==, "healthy");
  }
  item = find_item (details, TW_DETAIL_MODELS, "meta_model");
  g_assert_nonnull (item);
  g_assert_cmpfloat (tw_detail_item_get_number (item, "accuracy"), ==, 0.634);
  g_assert_cmpstr (tw_detail_item_get_string (item, "version"), ==, "2026-02-01");
  g_assert_nonnull (find_item (details, TW_DETAIL_MODELS, "confidence_calibrator"));
  g_assert_false (has_alert (fx, "model:investiq:signal-models"));
  g_assert_cmpuint (count_requests (fx, TW_SIM_FLAVOR_ML_SERVICE, "GET", "/health"), ==, 1);

  /* The models unload: the summary row says so, and one alert until they are back. */
  tw_test_sim_health (fx->f.sim, "investiq", "{\"component\":\"ml_service\",\"status\":\"down\"}");
  tw_service_details_refresh (details);
  tw_test_wait_until (has_alert (fx, "model:investiq:signal-models"), 10000);
  {
    g_autoptr(TwDetailItem) first = g_list_model_get_item (items, 0);

    g_assert_cmpint (tw_detail_item_get_health (first), ==, TW_HEALTH_DOWN);
    g_assert_cmpstr (tw_detail_item_get_string (first, "message"), ==, "degraded");
  }
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, 1);
  tw_test_sim_health (fx->f.sim, "investiq", "{\"reset\":true}");
  tw_service_details_refresh (details);
  tw_test_wait_until (!tw_alert_engine_is_active (fx->engine, "model:investiq:signal-models"), 10000);
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, 4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/tw/core/service-endpoints/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("rate-gate-read", test_rate_gate_read);
  ADD ("headers", test_endpoint_headers);
  ADD ("rate-gate-reset", test_rate_gate_reset);
  ADD ("rate-gate-reset-not-taken", test_rate_gate_reset_not_taken);
  ADD ("address", test_endpoint_address);
  ADD ("loader", test_endpoint_loader);
  ADD ("ml-service", test_ml_service);
#undef ADD

  return g_test_run ();
}
