/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>

#include "tw-connector-registry.h"
#include "tw-error.h"
#include "tw-flags.h"
#include "tw-test-util.h"

/* A number flag set through "flags.set", its bounds and the guard, over real HTTP: no
 * shipped system has a runtime call for a number (the IBKR runbook sets
 * AUTO_APPROVAL_MAX_NOTIONAL in the environment), so a connector of the test's own
 * speaks to a small server of the test's own. */

static const char connector_json[] =
  "{\"format\": 1, \"id\": \"numbers\", \"name\": \"Numbers\","
  " \"flags\": {"
  "   \"max_orders\": {\"label\": \"Max orders\", \"type\": \"number\", \"unit\": \"orders\","
  "                    \"min\": 1, \"max\": 100, \"safe\": \"lower\", \"risk\": \"high\","
  "                    \"env\": \"MAX_ORDERS\", \"default\": 10}"
  " },"
  " \"operations\": {"
  "   \"health\": {\"method\": \"GET\", \"path\": \"/health\"},"
  "   \"flags.list\": {\"method\": \"GET\", \"path\": \"/flags\"},"
  "   \"flags.set\": {\"method\": \"PUT\", \"path\": \"/flags/${flag}\","
  "                   \"body\": {\"value\": \"${value:raw}\", \"reason\": \"${reason}\"}}"
  " }}";

typedef struct
{
  SoupServer *server;
  char       *url;
  double      max_orders;
  guint       n_puts;
  char       *last_body;
} Numbers;

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Numbers *n = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *body = NULL;

  if (g_str_equal (path, "/health"))
    body = g_strdup ("{\"status\": \"ok\"}");
  else if (g_str_equal (path, "/flags") && g_str_equal (method, "GET"))
    body = g_strdup_printf ("{\"max_orders\": %g}", n->max_orders);
  else if (g_str_equal (path, "/flags/max_orders") && g_str_equal (method, "PUT"))
    {
      SoupMessageBody *request = soup_server_message_get_request_body (msg);
      g_autoptr(JsonParser) parser = json_parser_new ();

      n->n_puts++;
      g_free (n->last_body);
      n->last_body = g_strndup (request->data, request->length);
      g_assert_true (json_parser_load_from_data (parser, request->data, request->length, NULL));
      n->max_orders = json_object_get_double_member (json_node_get_object (json_parser_get_root (parser)), "value");
      body = g_strdup_printf ("{\"max_orders\": %g}", n->max_orders);
    }
  else
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
set_number (TwFlags     *flags,
            TwFlag      *flag,
            const char  *value,
            const char  *reason,
            const char  *typed,
            GError     **error)
{
  g_autoptr(TwGuardRequest) request = tw_flags_new_request (flags, flag, value);
  g_autoptr(GAsyncResult) result = NULL;

  tw_guard_request_set_reason (request, reason);
  tw_guard_request_set_typed_flag (request, typed);
  tw_flags_change_async (flags, flag, request, value, 0, NULL, result_cb, &result);
  tw_test_wait_until (result != NULL, 10000);
  return tw_flags_change_finish (flags, result, error);
}

static void
test_set_number (void)
{
  Numbers n = { 0 };
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwConnector) connector = NULL;
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwProfile) profile = tw_profile_new ("numbers", TW_MODE_PAPER);
  g_autoptr(TwService) service = NULL;
  g_autoptr(TwWorkspace) workspace = NULL;
  g_autoptr(TwAuditLog) audit = NULL;
  g_autoptr(TwFlags) flags = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) rows = NULL;
  g_autoslist(GUri) uris = NULL;
  g_autofree char *audit_path = g_build_filename (g_get_user_data_dir (), "audit.db", NULL);
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  TwFlag *flag;
  double min, max;

  n.max_orders = 10;
  n.server = soup_server_new (NULL, NULL);
  soup_server_add_handler (n.server, NULL, handler, &n, NULL);
  g_assert_true (soup_server_listen_local (n.server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (n.server);
  n.url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));

  connector = tw_connector_new_from_data (connector_json, -1, "numbers.json", &error);
  g_assert_no_error (error);
  tw_connector_registry_add (registry, connector);
  service = tw_service_new ("numbers", "numbers", n.url);
  tw_profile_add_service (profile, service);
  workspace = tw_workspace_new (profile, registry, http, secrets);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  audit = tw_audit_log_open_with_secrets (audit_path, secrets, &error);
  g_assert_no_error (error);
  flags = tw_flags_new (workspace, audit);

  tw_flags_refresh_async (flags, NULL, result_cb, &result);
  tw_test_wait_until (result != NULL, 10000);
  g_assert_true (tw_flags_refresh_finish (flags, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  flag = tw_flags_lookup (flags, "numbers", "max_orders");
  g_assert_cmpfloat (tw_flag_get_number (flag), ==, 10);
  g_assert_true (tw_flag_get_bounds (flag, &min, &max));
  g_assert_cmpfloat (min, ==, 1);
  g_assert_cmpfloat (max, ==, 100);
  g_assert_cmpstr (tw_flags_operation_for (flags, flag, "5"), ==, "flags.set");

  /* Lower is toward safety: no reason needed; the body carries the number as a number. */
  g_assert_true (set_number (flags, flag, "5", NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (tw_flag_get_number (flag), ==, 5);
  g_assert_nonnull (strstr (n.last_body, "\"value\":5"));

  /* Out of bounds: refused before anything is sent. */
  g_assert_false (set_number (flags, flag, "500", "Black Friday volume", "max_orders", &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (n.n_puts, ==, 1);

  /* Higher on a high-risk flag: a reason and its name typed. */
  g_assert_false (set_number (flags, flag, "50", "Black Friday volume", NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_cmpuint (n.n_puts, ==, 1);
  g_assert_true (set_number (flags, flag, "50", "Black Friday volume", "max_orders", &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (tw_flag_get_number (flag), ==, 50);
  g_assert_cmpuint (n.n_puts, ==, 2);

  /* Audited with old → new and its unit. */
  filter.action = "flags.set";
  rows = tw_audit_log_query (audit, &filter, NULL, &error);
  g_assert_no_error (error);
  /* 2 × (requested, ok) and the guard's refusal; out of bounds is bad input, not an action */
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 5);
  {
    g_autoptr(TwAuditRecord) newest = g_list_model_get_item (rows, 0);

    g_assert_cmpuint (tw_audit_record_get_outcome (newest), ==, TW_AUDIT_OUTCOME_OK);
    g_assert_cmpstr (tw_audit_record_get_target (newest), ==, "numbers/max_orders: 5 orders → 50 orders");
  }

  tw_flags_close (flags);
  tw_test_wait_until (G_OBJECT (flags)->ref_count == 1, 5000);
  g_assert_finalize_object (g_steal_pointer (&flags));
  soup_server_disconnect (n.server);
  g_clear_object (&n.server);
  g_free (n.url);
  g_free (n.last_body);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/flags/set-number", test_set_number);

  return g_test_run ();
}
