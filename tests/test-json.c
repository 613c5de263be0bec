/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-connector.h"
#include "tw-error.h"
#include "tw-http.h"
#include "tw-json.h"
#include "tw-test-util.h"

/* The guarded JSON parse: json-glib recurses with no depth limit, so a body of 100,000
 * '[' crashes whoever parses it. Every JSON the console and the simulator read goes
 * through tw_json_parser_load(); these tests feed it what crashed them before. */

#define HOSTILE_DEPTH 100000

/* @depth '[' then @depth ']', a 2 × @depth byte text. */
static char *
nested_arrays (guint depth)
{
  char *text = g_malloc (2 * depth + 1);

  memset (text, '[', depth);
  memset (text + depth, ']', depth);
  text[2 * depth] = '\0';
  return text;
}

static void
test_limits (void)
{
  g_autofree char *at_limit = nested_arrays (TW_JSON_MAX_DEPTH);
  g_autofree char *past_limit = nested_arrays (TW_JSON_MAX_DEPTH + 1);
  g_autofree char *in_strings = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  GString *many;

  g_assert_true (tw_json_check_limits (at_limit, strlen (at_limit), &error));
  g_assert_no_error (error);
  node = tw_json_parse (at_limit, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  g_clear_pointer (&node, json_node_unref);

  g_assert_false (tw_json_check_limits (past_limit, strlen (past_limit), &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "512"));
  g_clear_error (&error);

  /* Brackets inside strings, escaped quotes among them, are not nesting. */
  {
    GString *text = g_string_new ("{\"a\": \"");

    for (guint i = 0; i < 2000; i++)
      g_string_append (text, "[{\\\"");
    g_string_append (text, "\", \"b\": [1, 2]}");
    in_strings = g_string_free (text, FALSE);
  }
  node = tw_json_parse (in_strings, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_clear_pointer (&node, json_node_unref);

  /* Too many values, each tiny. */
  many = g_string_new ("[");
  for (guint i = 0; i < TW_JSON_MAX_VALUES; i++)
    g_string_append (many, "0,");
  g_string_append (many, "0]");
  g_assert_false (tw_json_check_limits (many->str, many->len, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_string_free (many, TRUE);

  /* An empty text is JSON null, as an empty HTTP body is. */
  node = tw_json_parse ("", 0, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_NULL (node));
}

/* json-glib turns a malformed \u escape or a lone surrogate into a string that is not
 * UTF-8 (found by fuzz-multistatus: an Alpaca id "…\uDatabase…" became a label GTK and
 * D-Bus refuse): the guarded parse refuses them, and passes real characters. */
static void
test_unicode_escapes (void)
{
  static const char * const bad[] = {
    "[\"\\uDatabase\"]", "[\"\\uDC00\"]", "[\"\\uD800x\"]", "[\"\\uD800\\u0041\"]",
    "{\"id\": \"\\u12\"}", "[\"\\u",
    /* Not JSON escapes, read by json-glib as GScanner's: "\631" an octal byte (found by
     * fuzz-multistatus: an order id that was not UTF-8). */
    "[{\"id\":\"d24\\631f\",\"status\":200}]", "[\"\\x41\"]", "[\"\\'\"]", "[\"\\",
  };
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) refused = tw_json_parse (bad[i], -1, &error);

      g_assert_null (refused);
      g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
      g_test_message ("%s: %s", bad[i], error->message);
      g_clear_error (&error);
    }

  node = tw_json_parse ("[\"caf\\u00e9 \\uD83D\\uDE00\", \"\\\\uDC00\", \"\\u0041\", \"\\\"\\/\\b\\f\\n\\r\\t\"]", -1, &error);
  g_assert_no_error (error);
  array = json_node_get_array (node);
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "caf\u00e9 \U0001F600");
  g_assert_cmpstr (json_array_get_string_element (array, 1), ==, "\\uDC00");
  g_assert_cmpstr (json_array_get_string_element (array, 2), ==, "A");
  g_assert_cmpstr (json_array_get_string_element (array, 3), ==, "\"/\b\f\n\r\t");
}

/* json-glib quotes the text around a fault cut at a byte, here inside the emoji; the
 * guarded parse's error is UTF-8 all the same (found by fuzz-connector: a connector file
 * with an unclosed string ending in an emoji made a load error that was not UTF-8). */
static void
test_error_is_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node =
    tw_json_parse ("{\"a\": 1, \"p\": \"/api/v1/approvals/${id}/stat\\ud83d\\ude00m\": 2}", -1, &error);
  g_autoptr(TwConnector) connector = NULL;

  g_assert_null (node);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);

  connector = tw_connector_new_from_data ("{\"id\": \"x\",\n"
                                          " \"name\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxx\\ud83d\\ude00\": 1}",
                                          -1, "x.json", &error);
  g_assert_null (connector);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_true (g_str_has_prefix (error->message, "x.json: line "));
}

typedef struct
{
  gboolean        done;
  TwHttpResponse *response;
  GError         *error;
} Sent;

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Sent *sent = user_data;

  tw_http_send_finish (TW_HTTP (source), result, &sent->response, &sent->error);
  sent->done = TRUE;
}

/* A polled service answers 200 with 100,000 nested arrays: the console's parse says
 * which service sent what, and nothing crashes. */
static void
test_hostile_answer (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autofree char *body = nested_arrays (HOSTILE_DEPTH);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) fault = NULL;
  g_autofree char *fault_json = NULL;
  g_autoptr(TwHttpRequest) request = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  Sent sent = { 0 };

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, "/health");
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, "status");
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, 200);
  json_builder_set_member_name (builder, "body");
  json_builder_add_string_value (builder, body);
  json_builder_end_object (builder);
  fault = json_builder_get_root (builder);
  fault_json = json_to_string (fault, FALSE);
  tw_test_sim_fault (sim, "investiq", fault_json);

  request = tw_http_request_new ("GET", tw_sim_thread_get_url (sim, "investiq"), "/health");
  tw_http_request_set_service_name (request, "InvestIQ");
  tw_http_request_add_header (request, "X-API-Key", tw_sim_thread_get_credential (sim, "api_key"));
  tw_http_send_async (http, request, NULL, sent_cb, &sent);
  g_assert_true (tw_test_run_until (&sent.done, 20000));
  g_assert_no_error (sent.error);
  g_assert_cmpuint (tw_http_response_get_status (sent.response), ==, 200);

  root = tw_http_response_parse_json (sent.response, &error);
  g_assert_null (root);
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "InvestIQ sent JSON past the console's limits: "));
  g_assert_nonnull (strstr (error->message, "512 levels (GET /health)"));

  tw_http_response_unref (sent.response);
  tw_sim_thread_stop (sim);
}

/* The simulator, sent the same body, answers 400 and keeps serving. */
static void
test_hostile_request (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autofree char *body = nested_arrays (HOSTILE_DEPTH);
  g_autofree char *answer = NULL;
  guint status = 0;

  answer = tw_test_sim_request_text (sim, "investiq", "POST", "/_sim/faults", body, &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_nonnull (strstr (answer, "nested deeper than 512 levels"));
  g_assert_cmpuint (tw_test_sim_status (sim, "investiq", "GET", "/health"), ==, 200);
  tw_sim_thread_stop (sim);
}

/* A body of only comments (json-glib skips C comments, and takes a lone "//" for one) is
 * an empty answer, a JSON null, not a parse with no result and no error; the simulator
 * refuses such a request.
 * Found by the fuzz-answer target (input "//"). */
static void
test_comment_only (void)
{
  static const char * const bodies[] = { "//", "/* nothing */", " /**/\n/* x */ " };
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(TwHttp) http = tw_http_new ();

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) fault = NULL;
      g_autofree char *fault_json = NULL;
      g_autofree char *answer = NULL;
      g_autoptr(TwHttpRequest) request = NULL;
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(GError) error = NULL;
      Sent sent = { 0 };
      guint status = 0;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, "/health");
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, "status");
      json_builder_set_member_name (builder, "status");
      json_builder_add_int_value (builder, 200);
      json_builder_set_member_name (builder, "body");
      json_builder_add_string_value (builder, bodies[i]);
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, 1);
      json_builder_end_object (builder);
      fault = json_builder_get_root (builder);
      fault_json = json_to_string (fault, FALSE);
      tw_test_sim_fault (sim, "investiq", fault_json);

      request = tw_http_request_new ("GET", tw_sim_thread_get_url (sim, "investiq"), "/health");
      tw_http_request_add_header (request, "X-API-Key",
                                  tw_sim_thread_get_credential (sim, "api_key"));
      tw_http_send_async (http, request, NULL, sent_cb, &sent);
      g_assert_true (tw_test_run_until (&sent.done, 20000));
      g_assert_no_error (sent.error);

      root = tw_http_response_parse_json (sent.response, &error);
      g_assert_no_error (error);
      g_assert_nonnull (root);
      g_assert_true (JSON_NODE_HOLDS_NULL (root));
      tw_http_response_unref (sent.response);

      answer = tw_test_sim_request_text (sim, "investiq", "POST", "/_sim/faults", bodies[i],
                                         &status);
      g_assert_cmpuint (status, ==, 400);
      g_assert_nonnull (strstr (answer, "no JSON value"));
    }

  g_assert_cmpuint (tw_test_sim_status (sim, "investiq", "GET", "/health"), ==, 200);
  tw_sim_thread_stop (sim);
}

/* A connector file nested that deep is reported as a bad connector. */
static void
test_hostile_connector (void)
{
  g_autofree char *nested = nested_arrays (HOSTILE_DEPTH);
  g_autofree char *text = g_strdup_printf ("{\"id\": \"deep\", \"name\": \"Deep\", \"x\": %s}", nested);
  g_autoptr(GError) error = NULL;
  g_autoptr(TwConnector) connector = NULL;

  connector = tw_connector_new_from_data (text, -1, "deep.json", &error);
  g_assert_null (connector);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "deep.json: "));
  g_assert_nonnull (strstr (error->message, "512"));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/json/limits", test_limits);
  g_test_add_func ("/tw/core/json/hostile-answer", test_hostile_answer);
  g_test_add_func ("/tw/core/json/hostile-request", test_hostile_request);
  g_test_add_func ("/tw/core/json/hostile-connector", test_hostile_connector);
  g_test_add_func ("/tw/core/json/comment-only", test_comment_only);
  g_test_add_func ("/tw/core/json/unicode-escapes", test_unicode_escapes);
  g_test_add_func ("/tw/core/json/error-is-utf8", test_error_is_utf8);

  return g_test_run ();
}
