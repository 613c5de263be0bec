/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>

#include "tw-connector-registry.h"
#include "tw-error.h"
#include "tw-flags.h"
#include "tw-test-util.h"

/* The OFREP connector, read-only, against a small OFREP server of the test's own over
 * real HTTP: the bulk evaluation's ETag sent back as If-None-Match, a 304 that keeps
 * the values, a change noticed, a 429 with Retry-After. */

typedef struct
{
  SoupServer *server;
  char       *url;
  char       *etag;          /* the current one, quoted */
  gboolean    checkout;      /* "new-checkout"'s value */
  guint       n_rate_limit;  /* answer 429 this many more times */
  guint       n_requests;
  guint       n_304;
  char       *last_if_none_match;
} Ofrep;

static void
reply (SoupServerMessage *msg,
       guint              status,
       const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Ofrep *o = user_data;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  const char *if_none_match;
  g_autofree char *body = NULL;

  if (g_str_equal (path, "/ofrep/v1/configuration"))
    {
      reply (msg, 200, "{\"name\": \"test-flagd\", \"capabilities\": {}}");
      return;
    }
  if (!g_str_equal (path, "/ofrep/v1/evaluate/flags") ||
      !g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      reply (msg, 404, "{\"errorDetails\": \"not found\"}");
      return;
    }

  o->n_requests++;
  if_none_match = soup_message_headers_get_one (request_headers, "If-None-Match");
  g_free (o->last_if_none_match);
  o->last_if_none_match = g_strdup (if_none_match);
  if (o->n_rate_limit > 0)
    {
      o->n_rate_limit--;
      soup_message_headers_replace (response_headers, "Retry-After", "1");
      reply (msg, 429, NULL);
      return;
    }
  if (if_none_match != NULL && g_strcmp0 (if_none_match, o->etag) == 0)
    {
      o->n_304++;
      reply (msg, 304, NULL);
      return;
    }
  soup_message_headers_replace (response_headers, "ETag", o->etag);
  body = g_strdup_printf ("{\"flags\": ["
                          "{\"key\": \"new-checkout\", \"value\": %s, \"reason\": \"STATIC\", \"variant\": \"%s\"},"
                          "{\"key\": \"max-items\", \"value\": 25, \"reason\": \"TARGETING_MATCH\", \"variant\": \"big\"},"
                          "{\"key\": \"broken\", \"errorCode\": \"PARSE_ERROR\", \"errorDetails\": \"bad rule\"}]}",
                          o->checkout ? "true" : "false", o->checkout ? "on" : "off");
  reply (msg, 200, body);
}

static void
ofrep_start (Ofrep *o)
{
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  o->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (o->server, NULL, handler, o, NULL);
  g_assert_true (soup_server_listen_local (o->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (o->server);
  o->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  o->etag = g_strdup ("\"v1\"");
  o->checkout = TRUE;
}

static void
ofrep_stop (Ofrep *o)
{
  soup_server_disconnect (o->server);
  g_clear_object (&o->server);
  g_free (o->url);
  g_free (o->etag);
  g_free (o->last_if_none_match);
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
refresh (TwFlags  *flags,
         GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tw_flags_refresh_async (flags, NULL, result_cb, &result);
  tw_test_wait_until (result != NULL, 10000);
  return tw_flags_refresh_finish (flags, result, error);
}

static void
count_cb (guint *n)
{
  (*n)++;
}

static void
test_ofrep (void)
{
  Ofrep o = { 0 };
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwProfile) profile = tw_profile_new ("flags", TW_MODE_PAPER);
  g_autoptr(TwService) service = NULL;
  g_autoptr(TwWorkspace) workspace = NULL;
  g_autoptr(TwFlags) flags = NULL;
  g_autoptr(GError) error = NULL;
  TwFlag *checkout, *items;
  guint changes = 0;

  ofrep_start (&o);
  tw_connector_registry_load_default (registry);
  service = tw_service_new ("flagd", "ofrep", o.url);
  tw_profile_add_service (profile, service);
  workspace = tw_workspace_new (profile, registry, http, secrets);
  flags = tw_flags_new (workspace, NULL);
  g_signal_connect_swapped (flags, "external-change", G_CALLBACK (count_cb), &changes);
  g_assert_true (tw_flags_has_services (flags));

  /* The evaluations, the failed one left out; read-only. */
  g_assert_true (refresh (flags, &error));
  g_assert_no_error (error);
  g_assert_null (o.last_if_none_match);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (flags)), ==, 2);
  checkout = tw_flags_lookup (flags, "flagd", "new-checkout");
  items = tw_flags_lookup (flags, "flagd", "max-items");
  g_assert_cmpstr (tw_flag_get_value (checkout), ==, "true");
  g_assert_cmpuint (tw_flag_get_flag_type (checkout), ==, TW_FLAG_TYPE_BOOLEAN);
  g_assert_cmpstr (tw_flag_get_value (items), ==, "25");
  g_assert_cmpuint (tw_flag_get_flag_type (items), ==, TW_FLAG_TYPE_NUMBER);
  g_assert_null (tw_flags_lookup (flags, "flagd", "broken"));
  g_assert_cmpuint (tw_flag_get_layer (checkout), ==, TW_FLAG_LAYER_UNKNOWN);
  g_assert_nonnull (strstr (tw_flag_get_layer_detail (checkout), "STATIC"));
  g_assert_null (tw_flags_operation_for (flags, checkout, "false"));

  /* Again: If-None-Match with the ETag, 304, the values kept, no error. */
  g_assert_true (refresh (flags, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (o.last_if_none_match, ==, "\"v1\"");
  g_assert_cmpuint (o.n_304, ==, 1);
  g_assert_cmpstr (tw_flag_get_value (checkout), ==, "true");
  g_assert_cmpstr (tw_flag_get_value (items), ==, "25");
  g_assert_null (tw_flags_get_service_error (flags, "flagd"));
  g_assert_cmpuint (changes, ==, 0);

  /* Changed on the flag service: a new ETag, the new value, someone else's change. */
  g_free (o.etag);
  o.etag = g_strdup ("\"v2\"");
  o.checkout = FALSE;
  g_assert_true (refresh (flags, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tw_flag_get_value (checkout), ==, "false");
  g_assert_cmpuint (changes, ==, 1);
  g_assert_true (refresh (flags, &error));
  g_assert_cmpstr (o.last_if_none_match, ==, "\"v2\"");
  g_assert_cmpuint (o.n_304, ==, 2);

  /* One 429 with Retry-After: 1: the same poll asks again after it, and gets its answer. */
  o.n_rate_limit = 1;
  o.n_requests = 0;
  g_assert_true (refresh (flags, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (o.n_requests, ==, 2);
  g_assert_cmpstr (tw_flag_get_value (checkout), ==, "false");

  /* Still 429 after the retry: the values stand, the service is not asked again before
   * the time it said, and then it is. */
  o.n_rate_limit = 2;
  o.n_requests = 0;
  g_assert_false (refresh (flags, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_RATE_LIMITED);
  g_clear_error (&error);
  g_assert_nonnull (tw_flags_get_service_error (flags, "flagd"));
  g_assert_cmpuint (o.n_requests, ==, 2);
  g_assert_true (refresh (flags, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (o.n_requests, ==, 2);
  g_assert_cmpstr (tw_flag_get_value (checkout), ==, "false");
  g_assert_cmpstr (tw_flag_get_value (items), ==, "25");
  {
    gint64 after = g_get_monotonic_time () + 1100 * G_TIME_SPAN_MILLISECOND;

    tw_test_wait_until (g_get_monotonic_time () > after, 5000);
  }
  g_assert_true (refresh (flags, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (o.n_requests, ==, 3);
  g_assert_null (tw_flags_get_service_error (flags, "flagd"));

  tw_flags_close (flags);
  tw_test_wait_until (G_OBJECT (flags)->ref_count == 1, 5000);
  g_assert_finalize_object (g_steal_pointer (&flags));
  ofrep_stop (&o);
}

/* The simulator's OFREP flavor: the same protocol from the simulator the demo and the
 * other tests use, its 304 counted in its own request log, a change played as a
 * scenario, its rate limit as a fault. */
static guint
count_status (TwSimThread *sim,
              gint64       status)
{
  g_autoptr(JsonNode) log = tw_test_sim_requests (sim);
  JsonArray *array = json_node_get_array (log);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (entry, "flavor", NULL), "ofrep") == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (entry, "path", NULL),
                     "/ofrep/v1/evaluate/flags") == 0 &&
          json_object_get_int_member_with_default (entry, "status", 0) == status)
        n++;
    }
  return n;
}

static void
test_ofrep_sim (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwProfile) profile = tw_profile_new ("flags", TW_MODE_PAPER);
  g_autoptr(TwService) service = NULL;
  g_autoptr(TwWorkspace) workspace = NULL;
  g_autoptr(TwFlags) flags = NULL;
  g_autoptr(GError) error = NULL;
  TwFlag *checkout;
  guint changes = 0;

  tw_connector_registry_load_default (registry);
  g_assert_nonnull (tw_sim_thread_get_url (sim, TW_SIM_FLAVOR_OFREP));
  service = tw_service_new ("flagd", "ofrep", tw_sim_thread_get_url (sim, TW_SIM_FLAVOR_OFREP));
  tw_profile_add_service (profile, service);
  workspace = tw_workspace_new (profile, registry, http, secrets);
  flags = tw_flags_new (workspace, NULL);
  g_signal_connect_swapped (flags, "external-change", G_CALLBACK (count_cb), &changes);

  g_assert_true (refresh (flags, &error));
  g_assert_no_error (error);
  /* Four evaluations; the fifth fails to evaluate and is left out. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (flags)), ==, 4);
  checkout = tw_flags_lookup (flags, "flagd", "new-checkout");
  g_assert_cmpstr (tw_flag_get_value (checkout), ==, "true");
  g_assert_cmpstr (tw_flag_get_value (tw_flags_lookup (flags, "flagd", "risk-model")), ==, "v2");
  g_assert_cmpuint (tw_flag_get_flag_type (tw_flags_lookup (flags, "flagd", "risk-model")), ==,
                    TW_FLAG_TYPE_STRING);
  g_assert_cmpfloat (tw_flag_get_number (tw_flags_lookup (flags, "flagd", "max-position-usd")), ==, 50000);
  g_assert_null (tw_flags_lookup (flags, "flagd", "broken-rule"));

  /* Unchanged: a 304, values kept. */
  g_assert_true (refresh (flags, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_status (sim, 304), ==, 1);
  g_assert_cmpuint (count_status (sim, 200), ==, 1);
  g_assert_cmpstr (tw_flag_get_value (checkout), ==, "true");

  /* Changed on the flag service. */
  tw_test_sim_scenario (sim, "{\"name\": \"ofrep-flag-change\", \"flag\": \"new-checkout\", \"value\": false}");
  g_assert_true (refresh (flags, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tw_flag_get_value (checkout), ==, "false");
  g_assert_cmpuint (changes, ==, 1);

  /* Rate limited twice (the request and its retry): the values stand. */
  tw_test_sim_fault (sim, "ofrep", "{\"path\": \"/ofrep/v1/evaluate/flags\", \"kind\": \"rate-limit\", "
                                   "\"retry_after\": 1, \"count\": 2}");
  g_assert_false (refresh (flags, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_RATE_LIMITED);
  g_clear_error (&error);
  g_assert_cmpuint (count_status (sim, 429), ==, 2);
  g_assert_cmpstr (tw_flag_get_value (checkout), ==, "false");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (flags)), ==, 4);

  tw_flags_close (flags);
  tw_test_wait_until (G_OBJECT (flags)->ref_count == 1, 5000);
  g_assert_finalize_object (g_steal_pointer (&flags));
  g_clear_object (&workspace);
  tw_sim_thread_stop (sim);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/flags/ofrep", test_ofrep);
  g_test_add_func ("/tw/core/flags/ofrep-sim", test_ofrep_sim);

  return g_test_run ();
}
