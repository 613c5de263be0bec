/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>

#include "tw-fixture-server.h"

/* The conformance tests' server itself: it answers a runbook's example as written,
 * records what it was sent, and its shape check catches a missing or mistyped field. */

static JsonNode *
fetch (const char *url,
       const char *method,
       const char *path,
       guint      *status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strconcat (url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonNode *node;

  soup_message_headers_append (soup_message_get_request_headers (msg), "X-Probe", "1");
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
test_serves (void)
{
  g_autoptr(TwFixtureServer) server = tw_fixture_server_new ("000-investiq-ml");
  const TwFixture *fixture = tw_fixture_server_lookup (server, "GET", "/health");
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) missing = NULL;
  guint status = 0;

  g_assert_nonnull (fixture);
  g_assert_true (fixture->partial);
  g_assert_nonnull (g_strstr_len (fixture->source, -1, "000_"));

  answer = fetch (tw_fixture_server_get_url (server), "GET", "/health?verbose=1", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_node_equal (answer, fixture->body));
  g_assert_cmpuint (tw_fixture_server_count (server, "GET", "/health"), ==, 1);
  g_assert_cmpstr (tw_fixture_server_last_header (server, "GET", "/health", "X-Probe"), ==, "1");
  g_assert_null (tw_fixture_server_last_header (server, "GET", "/health", "Authorization"));

  missing = fetch (tw_fixture_server_get_url (server), "POST", "/health", &status);
  g_assert_cmpuint (status, ==, 404);
  g_assert_cmpuint (tw_fixture_server_count (server, "POST", "/health"), ==, 1);
}

static void
test_shape (void)
{
  g_autoptr(TwFixtureServer) server = tw_fixture_server_new ("000-investiq-ml");
  const TwFixture *fixture = tw_fixture_server_lookup (server, "GET", "/health");

  if (g_test_subprocess ())
    {
      const char *which = g_getenv ("SHAPE_CASE");
      g_autoptr(JsonNode) actual = NULL;

      if (g_strcmp0 (which, "more") == 0)
        actual = json_from_string ("{\"status\": \"degraded\", \"models_loaded\": false, "
                                   "\"model_names\": [\"a\", \"b\"], \"uptime\": 3}", NULL);
      else if (g_strcmp0 (which, "missing") == 0)
        actual = json_from_string ("{\"status\": \"healthy\", \"model_names\": []}", NULL);
      else
        actual = json_from_string ("{\"status\": \"healthy\", \"models_loaded\": \"yes\", "
                                   "\"model_names\": []}", NULL);
      tw_fixture_assert_same_shape (fixture->body, actual, "GET /health");
      return;
    }

  /* Other values and more fields: the same shape. */
  g_setenv ("SHAPE_CASE", "more", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();

  g_setenv ("SHAPE_CASE", "missing", TRUE);
  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*GET /health.models_loaded: in the runbook, missing from the answer*");

  g_setenv ("SHAPE_CASE", "mistyped", TRUE);
  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*GET /health.models_loaded: the runbook has a boolean, the answer a string*");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/conformance/fixture-server/serves", test_serves);
  g_test_add_func ("/tw/conformance/fixture-server/shape", test_shape);

  return g_test_run ();
}
