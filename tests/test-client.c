/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-client.h"
#include "tw-connector-registry.h"
#include "tw-error.h"
#include "tw-test-util.h"

#define PROFILE "demo"

typedef struct
{
  TwSimThread         *sim;
  TwConnectorRegistry *registry;
  TwSecrets           *secrets;
  TwHttp              *http;
  TwService           *service;
  TwClient            *client;
} Fixture;

static void
fixture_setup (Fixture    *f,
               const char *flavor)
{
  f->sim = tw_test_sim_start ();
  f->registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (f->registry);
  f->secrets = tw_secrets_new_memory ();
  f->http = tw_http_new ();
  f->service = tw_service_new (flavor, flavor, tw_sim_thread_get_url (f->sim, flavor));
  tw_service_set_name (f->service, "InvestIQ");
  f->client = tw_client_new (f->http, f->secrets,
                             tw_connector_registry_lookup (f->registry, flavor),
                             PROFILE, f->service);
}

static void
fixture_teardown (Fixture *f)
{
  g_assert_finalize_object (g_steal_pointer (&f->client));
  g_assert_finalize_object (g_steal_pointer (&f->service));
  g_clear_object (&f->http);
  g_clear_object (&f->secrets);
  g_clear_object (&f->registry);
  tw_sim_thread_stop (f->sim);
}

static void
store (Fixture    *f,
       const char *name,
       const char *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tw_secrets_store_sync (f->secrets, PROFILE, tw_service_get_id (f->service),
                                        name, value, NULL, &error));
  g_assert_no_error (error);
}

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Calls @operation and waits for the answer. */
static JsonNode *
call (Fixture         *f,
      const char      *operation,
      TwHttpResponse **response,
      GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  tw_client_call_async (f->client, operation, NULL, NULL, on_result, &result);
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (result);

  return tw_client_call_finish (f->client, result, response, error);
}

static void
test_health (void)
{
  Fixture f = { 0 };
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  fixture_setup (&f, "investiq");
  store (&f, "api_key", tw_sim_thread_get_credential (f.sim, "api_key"));
  /* live_trading_key is optional: not stored, its header is left out. */

  body = call (&f, "health", &response, &error);
  g_assert_no_error (error);
  g_assert_nonnull (body);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (body));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "status"), ==, "healthy");
  g_assert_nonnull (response);
  g_assert_cmpuint (tw_http_response_get_status (response), ==, 200);

  fixture_teardown (&f);
}

static void
test_wrong_key (void)
{
  Fixture f = { 0 };
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  fixture_setup (&f, "investiq");
  store (&f, "api_key", "wrong-key-0000");

  body = call (&f, "health", &response, &error);
  g_assert_null (body);
  g_assert_error (error, TW_ERROR, TW_ERROR_AUTH);
  g_assert_true (strstr (error->message, "InvestIQ") != NULL);
  g_assert_true (strstr (error->message, "wrong-key-0000") == NULL);
  /* The answer is there on error too. */
  g_assert_nonnull (response);
  g_assert_cmpuint (tw_http_response_get_status (response), ==, 401);

  fixture_teardown (&f);
}

static void
test_missing_secret (void)
{
  Fixture f = { 0 };
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  fixture_setup (&f, "investiq");
  body = call (&f, "health", &response, &error);
  g_assert_null (body);
  g_assert_null (response);
  g_assert_error (error, TW_ERROR, TW_ERROR_SECRET);
  g_assert_cmpstr (error->message, ==,
                   "No “API key” is stored for InvestIQ in profile “demo”. "
                   "Enter it in the profile editor.");
  g_assert_cmpuint (tw_http_get_n_requests (f.http), ==, 0);

  fixture_teardown (&f);
}

static void
test_secret_cache (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;

  fixture_setup (&f, "investiq");
  store (&f, "api_key", tw_sim_thread_get_credential (f.sim, "api_key"));
  {
    g_autoptr(JsonNode) body = call (&f, "health", NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (body);
  }

  /* Removed from the store: the client still has it… */
  g_assert_true (tw_secrets_clear_sync (f.secrets, PROFILE, "investiq", "api_key", NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(JsonNode) body = call (&f, "health", NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (body);
  }

  /* …until it forgets. */
  tw_client_reset_secrets (f.client);
  {
    g_autoptr(JsonNode) body = call (&f, "health", NULL, &error);

    g_assert_null (body);
    g_assert_error (error, TW_ERROR, TW_ERROR_SECRET);
  }

  fixture_teardown (&f);
}

static void
test_unsupported (void)
{
  Fixture f = { 0 };
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  fixture_setup (&f, "investiq");
  g_assert_true (tw_client_has_operation (f.client, "health"));
  g_assert_false (tw_client_has_operation (f.client, "no.such.operation"));
  g_assert_true (tw_client_get_service (f.client) == f.service);
  g_assert_nonnull (tw_client_get_connector (f.client));

  body = call (&f, "no.such.operation", &response, &error);
  g_assert_null (body);
  g_assert_null (response);
  g_assert_error (error, TW_ERROR, TW_ERROR_UNSUPPORTED);
  g_assert_true (strstr (error->message, "no.such.operation") != NULL);

  fixture_teardown (&f);
}

static void
test_cancel (void)
{
  Fixture f = { 0 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  fixture_setup (&f, "investiq");
  store (&f, "api_key", tw_sim_thread_get_credential (f.sim, "api_key"));
  tw_test_sim_fault (f.sim, "investiq", "{\"path\":\"/health\",\"kind\":\"latency\",\"latency_ms\":3000}");

  start = g_get_monotonic_time ();
  tw_client_call_async (f.client, "health", NULL, cancellable, on_result, &result);
  tw_test_run_for (200);
  g_cancellable_cancel (cancellable);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  body = tw_client_call_finish (f.client, result, NULL, &error);
  g_assert_null (body);
  g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
                 g_error_matches (error, TW_ERROR, TW_ERROR_CANCELLED));
  g_clear_object (&result);   /* the task holds the client */

  fixture_teardown (&f);
}

int
main (int   argc,
      char *argv[])
{
  /* The isolated XDG dirs hide the system's GSettings schemas, which the GNOME
   * proxy resolver aborts without; loopback needs no proxy anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/client/health", test_health);
  g_test_add_func ("/tw/core/client/wrong-key", test_wrong_key);
  g_test_add_func ("/tw/core/client/missing-secret", test_missing_secret);
  g_test_add_func ("/tw/core/client/secret-cache", test_secret_cache);
  g_test_add_func ("/tw/core/client/unsupported", test_unsupported);
  g_test_add_func ("/tw/core/client/cancel", test_cancel);

  return g_test_run ();
}
