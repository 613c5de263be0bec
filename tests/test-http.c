/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "tw-error.h"
#include "tw-http.h"
#include "tw-http-private.h"
#include "tw-test-timing.h"
#include "tw-test-util.h"

/* TwHttp over real loopback HTTP against the simulator, faults injected through its
 * control API. A log writer watches every message for the credentials. */

#define CANARY_KEY "canary-secret-key-7f3a9c"

typedef struct
{
  TwSimThread *sim;
  TwHttp      *http;
} Fixture;

typedef struct
{
  gboolean        done;
  gboolean        ok;
  TwHttpResponse *response;
  GError         *error;
  gint64          elapsed_ms;
} Result;

static GPtrArray *secrets; /* every credential value a test used */
static guint http_debug_lines; /* tw-http's debug lines the writer watched */

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->response, tw_http_response_unref);
  g_clear_error (&result->error);
}

static void
assert_no_secret (const char *text)
{
  if (text == NULL)
    return;
  for (guint i = 0; i < secrets->len; i++)
    if (strstr (text, g_ptr_array_index (secrets, i)) != NULL)
      g_error ("a secret leaked into: %s", text);
}

static GLogWriterOutput
secret_watching_writer (GLogLevelFlags   log_level,
                        const GLogField *fields,
                        gsize            n_fields,
                        gpointer         user_data)
{
  gboolean from_http = FALSE;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
        assert_no_secret (fields[i].value);
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN") && fields[i].length < 0)
        from_http = g_strcmp0 (fields[i].value, "tw-http") == 0;
    }
  if ((log_level & G_LOG_LEVEL_DEBUG) && from_http)
    http_debug_lines++;
  /* Debug output is on for the watch (main()); shown only when asked for. */
  if ((log_level & G_LOG_LEVEL_DEBUG) && g_getenv ("G_MESSAGES_DEBUG") == NULL)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->sim = tw_test_sim_start ();
  fixture->http = tw_http_new ();

  g_ptr_array_add (secrets, g_strdup (tw_sim_thread_get_credential (fixture->sim, "api_key")));
  g_ptr_array_add (secrets, g_strdup (tw_sim_thread_get_credential (fixture->sim, "alpaca_key_id")));
  g_ptr_array_add (secrets, g_strdup (tw_sim_thread_get_credential (fixture->sim, "alpaca_secret")));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_assert_finalize_object (fixture->http);
  tw_sim_thread_stop (fixture->sim);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Result *r = user_data;

  r->ok = tw_http_send_finish (TW_HTTP (source), result, &r->response, &r->error);
  r->done = TRUE;
}

static void
send_and_wait (TwHttp        *http,
               TwHttpRequest *request,
               GCancellable  *cancellable,
               Result        *r)
{
  gint64 start = g_get_monotonic_time ();

  tw_http_send_async (http, request, cancellable, on_sent, r);
  g_assert_false (r->done); /* never completes inside the call */
  g_assert_true (tw_test_run_until (&r->done, 20000));
  r->elapsed_ms = (g_get_monotonic_time () - start) / 1000;

  g_assert_true (r->ok == (r->error == NULL));
  if (r->error != NULL)
    {
      g_test_message ("error (%s): %s", tw_error_nick (r->error->code), r->error->message);
      assert_no_secret (r->error->message);
    }
}

static TwHttpRequest *
investiq_request (Fixture    *fixture,
                  const char *method,
                  const char *path)
{
  TwHttpRequest *request;

  request = tw_http_request_new (method, tw_sim_thread_get_url (fixture->sim, "investiq"), path);
  tw_http_request_set_service_name (request, "InvestIQ");
  tw_http_request_add_header (request, "X-API-Key",
                              tw_sim_thread_get_credential (fixture->sim, "api_key"));
  return request;
}

static TwHttpRequest *
alpaca_request (Fixture    *fixture,
                const char *method,
                const char *path,
                const char *key_id,
                const char *secret)
{
  TwHttpRequest *request;

  request = tw_http_request_new (method, tw_sim_thread_get_url (fixture->sim, "alpaca"), path);
  tw_http_request_set_service_name (request, "Alpaca");
  tw_http_request_add_header (request, "APCA-API-KEY-ID", key_id);
  tw_http_request_add_header (request, "APCA-API-SECRET-KEY", secret);
  return request;
}

/* Requests the simulator logged for @flavor, @method and @path. */
static guint
count_logged (Fixture    *fixture,
              const char *flavor,
              const char *method,
              const char *path)
{
  g_autoptr(JsonNode) log = tw_test_sim_requests (fixture->sim);
  JsonArray *array;
  guint n = 0;

  g_assert_true (JSON_NODE_HOLDS_ARRAY (log));
  array = json_node_get_array (log);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (entry, "flavor", ""), flavor) == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (entry, "method", ""), method) == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (entry, "path", ""), path) == 0)
        n++;
    }
  return n;
}

static void
assert_error_contains (Result     *r,
                       TwError     code,
                       const char *fragment)
{
  g_assert_false (r->ok);
  g_assert_error (r->error, TW_ERROR, (int) code);
  if (fragment != NULL && strstr (r->error->message, fragment) == NULL)
    g_error ("“%s” not in “%s”", fragment, r->error->message);
}

static void
test_ok (Fixture       *fixture,
         gconstpointer  user_data)
{
  g_autoptr(TwHttpRequest) request = investiq_request (fixture, "GET", "/health");
  g_autofree char *pasted = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  Result r = { 0 };

  /* A key pasted with its newline still works. */
  pasted = g_strdup_printf ("%s\n", tw_sim_thread_get_credential (fixture->sim, "api_key"));
  tw_http_request_add_header (request, "x-api-key", pasted);
  send_and_wait (fixture->http, request, NULL, &r);

  g_assert_true (r.ok);
  g_assert_nonnull (r.response);
  g_assert_cmpuint (tw_http_response_get_status (r.response), ==, 200);
  g_assert_cmpint (tw_http_response_get_latency_us (r.response), >, 0);
  g_assert_cmpuint (tw_http_response_get_attempts (r.response), ==, 1);
  g_assert_cmpuint (tw_http_get_n_requests (fixture->http), ==, 1);
  g_assert_true (g_str_has_prefix (tw_http_response_get_header (r.response, "content-type"),
                                   "application/json"));

  root = tw_http_response_parse_json (r.response, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "status"), ==, "healthy");
  g_assert_cmpuint (count_logged (fixture, "investiq", "GET", "/health"), ==, 1);

  result_clear (&r);
}

static void
test_no_content (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(TwHttpRequest) request = investiq_request (fixture, "GET", "/health");
  g_autoptr(TwHttpRequest) multi = investiq_request (fixture, "DELETE", "/v2/positions");
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  Result r = { 0 };
  Result r207 = { 0 };

  tw_test_sim_fault (fixture->sim, "investiq",
                     "{\"path\":\"/health\",\"kind\":\"status\",\"status\":204,\"body\":\"\"}");
  send_and_wait (fixture->http, request, NULL, &r);
  g_assert_true (r.ok);
  g_assert_cmpuint (tw_http_response_get_status (r.response), ==, 204);
  root = tw_http_response_parse_json (r.response, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_NULL (root));

  tw_test_sim_fault (fixture->sim, "investiq",
                     "{\"path\":\"/v2/positions\",\"kind\":\"status\",\"status\":207,"
                     "\"body\":\"[{\\\"symbol\\\":\\\"AAPL\\\",\\\"status\\\":200}]\"}");
  send_and_wait (fixture->http, multi, NULL, &r207);
  g_assert_true (r207.ok);
  g_assert_cmpuint (tw_http_response_get_status (r207.response), ==, 207);

  result_clear (&r);
  result_clear (&r207);
}

static void
test_timeout (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(TwHttpRequest) request = investiq_request (fixture, "GET", "/health");
  Result r = { 0 };

  tw_test_sim_fault (fixture->sim, "investiq",
                     "{\"path\":\"/health\",\"kind\":\"latency\",\"latency_ms\":2000}");
  tw_http_request_set_timeout (request, 300);
  send_and_wait (fixture->http, request, NULL, &r);

  assert_error_contains (&r, TW_ERROR_TIMEOUT, "InvestIQ did not answer within 0.3 s (GET /health)");
  g_assert_cmpint (r.elapsed_ms, >=, 290);
  g_assert_cmpint (r.elapsed_ms, <, 1000);
  /* A timeout is reported, never retried. */
  g_assert_cmpuint (tw_http_get_n_requests (fixture->http), ==, 1);

  result_clear (&r);
}

static void
test_retry_after (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(TwHttpRequest) request = investiq_request (fixture, "GET", "/health");
  Result r = { 0 };

  tw_test_sim_fault (fixture->sim, "investiq",
                     "{\"path\":\"/health\",\"kind\":\"rate-limit\",\"retry_after\":1,\"count\":1}");
  send_and_wait (fixture->http, request, NULL, &r);

  g_assert_true (r.ok);
  g_assert_cmpuint (tw_http_response_get_status (r.response), ==, 200);
  g_assert_cmpuint (tw_http_response_get_attempts (r.response), ==, 2);
  g_assert_cmpint (r.elapsed_ms, >=, 1000);
  g_assert_cmpint (r.elapsed_ms, <, 3000);
  g_assert_cmpuint (count_logged (fixture, "investiq", "GET", "/health"), ==, 2);

  result_clear (&r);
}

static void
test_rate_limited (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(TwHttpRequest) request = NULL;
  Result r = { 0 };

  /* A 429 is retried for any method, as the server did not act: POST included. */
  request = alpaca_request (fixture, "POST", "/v2/account",
                            tw_sim_thread_get_credential (fixture->sim, "alpaca_key_id"),
                            tw_sim_thread_get_credential (fixture->sim, "alpaca_secret"));
  tw_http_request_set_max_retries (request, 1);
  tw_test_sim_fault (fixture->sim, "alpaca",
                     "{\"path\":\"/v2/account\",\"kind\":\"rate-limit\",\"retry_after\":0}");
  send_and_wait (fixture->http, request, NULL, &r);

  assert_error_contains (&r, TW_ERROR_RATE_LIMITED, "rate limited (429); retry after 0 s");
  g_assert_nonnull (strstr (r.error->message, "Alpaca"));
  g_assert_nonnull (strstr (r.error->message, "“rate limit exceeded”"));
  g_assert_nonnull (r.response);
  g_assert_cmpuint (tw_http_response_get_status (r.response), ==, 429);
  g_assert_cmpuint (tw_http_response_get_attempts (r.response), ==, 2);
  g_assert_cmpuint (count_logged (fixture, "alpaca", "POST", "/v2/account"), ==, 2);

  result_clear (&r);
}

/* Without Retry-After: Alpaca's X-Ratelimit-Reset (epoch seconds); and Retry-After as
 * an HTTP date. Both ask for about 2 s, far above the 125–250 ms first backoff. */
static void
test_rate_limit_reset (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(TwHttpRequest) reset = NULL;
  g_autoptr(TwHttpRequest) dated = investiq_request (fixture, "GET", "/health");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 2);
  g_autoptr(GDateTime) now2 = NULL;
  g_autoptr(GDateTime) later2 = NULL;
  g_autofree char *http_date = NULL;
  g_autofree char *fault = NULL;
  Result r = { 0 };
  Result rd = { 0 };

  reset = alpaca_request (fixture, "GET", "/v2/account",
                          tw_sim_thread_get_credential (fixture->sim, "alpaca_key_id"),
                          tw_sim_thread_get_credential (fixture->sim, "alpaca_secret"));
  fault = g_strdup_printf ("{\"path\":\"/v2/account\",\"kind\":\"status\",\"status\":429,\"count\":1,"
                           "\"body\":\"{\\\"code\\\":42910000,\\\"message\\\":\\\"rate limit exceeded\\\"}\","
                           "\"headers\":{\"X-Ratelimit-Reset\":\"%" G_GINT64_FORMAT "\"}}",
                           g_date_time_to_unix (later));
  tw_test_sim_fault (fixture->sim, "alpaca", fault);
  send_and_wait (fixture->http, reset, NULL, &r);
  g_assert_true (r.ok);
  g_assert_cmpuint (tw_http_response_get_attempts (r.response), ==, 2);
  g_assert_cmpint (r.elapsed_ms, >=, 900);
  g_assert_cmpint (r.elapsed_ms, <, 4000);

  now2 = g_date_time_new_now_utc ();
  later2 = g_date_time_add_seconds (now2, 2);
  http_date = soup_date_time_to_string (later2, SOUP_DATE_HTTP);
  g_clear_pointer (&fault, g_free);
  fault = g_strdup_printf ("{\"path\":\"/health\",\"kind\":\"status\",\"status\":429,\"count\":1,"
                           "\"body\":\"{}\",\"headers\":{\"Retry-After\":\"%s\"}}", http_date);
  tw_test_sim_fault (fixture->sim, "investiq", fault);
  send_and_wait (fixture->http, dated, NULL, &rd);
  g_assert_true (rd.ok);
  g_assert_cmpuint (tw_http_response_get_attempts (rd.response), ==, 2);
  g_assert_cmpint (rd.elapsed_ms, >=, 400);
  g_assert_cmpint (rd.elapsed_ms, <, 4000);

  result_clear (&r);
  result_clear (&rd);
}

static void
test_server_error (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(TwHttpRequest) get = investiq_request (fixture, "GET", "/health");
  g_autoptr(TwHttpRequest) post = investiq_request (fixture, "POST", "/api/risk/trading-halt");
  Result r = { 0 };
  Result rp = { 0 };

  tw_test_sim_fault (fixture->sim, "investiq",
                     "{\"path\":\"/health\",\"kind\":\"status\",\"status\":503,"
                     "\"body\":\"{\\\"error\\\":\\\"database is down\\\"}\"}");
  tw_http_request_set_max_retries (get, 2);
  send_and_wait (fixture->http, get, NULL, &r);

  assert_error_contains (&r, TW_ERROR_SERVER, "503 from InvestIQ: “database is down” (GET /health)");
  g_assert_cmpuint (tw_http_response_get_attempts (r.response), ==, 3);
  g_assert_cmpuint (count_logged (fixture, "investiq", "GET", "/health"), ==, 3);
  /* Backoff: 250 ms then 500 ms, each with jitter down to half. */
  g_assert_cmpint (r.elapsed_ms, >=, 375);
  g_assert_cmpint (r.elapsed_ms, <, 3000);

  tw_test_sim_fault (fixture->sim, "investiq",
                     "{\"path\":\"/api/risk/trading-halt\",\"kind\":\"status\",\"status\":502,"
                     "\"body\":\"upstream broker gateway failed\"}");
  tw_http_request_set_json_body (post, "{\"halt\":true,\"reason\":\"test\"}");
  send_and_wait (fixture->http, post, NULL, &rp);

  assert_error_contains (&rp, TW_ERROR_SERVER, "502 from InvestIQ: “upstream broker gateway failed”");
  g_assert_cmpuint (tw_http_response_get_attempts (rp.response), ==, 1);
  g_assert_cmpuint (count_logged (fixture, "investiq", "POST", "/api/risk/trading-halt"), ==, 1);

  result_clear (&r);
  result_clear (&rp);
}

static void
test_service_unavailable_retry_after (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  g_autoptr(TwHttpRequest) request = investiq_request (fixture, "GET", "/health");
  Result r = { 0 };

  tw_test_sim_fault (fixture->sim, "investiq",
                     "{\"path\":\"/health\",\"kind\":\"status\",\"status\":503,\"count\":1,"
                     "\"body\":\"{}\",\"headers\":{\"Retry-After\":\"1\"}}");
  send_and_wait (fixture->http, request, NULL, &r);

  g_assert_true (r.ok);
  g_assert_cmpuint (tw_http_response_get_attempts (r.response), ==, 2);
  /* The server's 1 s, not the 250 ms backoff. */
  g_assert_cmpint (r.elapsed_ms, >=, 1000);

  result_clear (&r);
}

static void
test_malformed (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(TwHttpRequest) request = investiq_request (fixture, "GET", "/health");
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  Result r = { 0 };

  tw_test_sim_fault (fixture->sim, "investiq", "{\"path\":\"/health\",\"kind\":\"malformed\"}");
  send_and_wait (fixture->http, request, NULL, &r);
  g_assert_true (r.ok);

  root = tw_http_response_parse_json (r.response, &error);
  g_assert_null (root);
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "InvestIQ sent malformed JSON: "));
  g_assert_nonnull (strstr (error->message, "(GET /health)"));

  result_clear (&r);
}

static void
test_truncated (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(TwHttpRequest) request = investiq_request (fixture, "GET", "/health");
  Result r = { 0 };

  tw_test_sim_fault (fixture->sim, "investiq", "{\"path\":\"/health\",\"kind\":\"truncated\"}");
  send_and_wait (fixture->http, request, NULL, &r);

  assert_error_contains (&r, TW_ERROR_BAD_RESPONSE, "The answer from InvestIQ was cut off");
  g_assert_nonnull (r.response);
  g_assert_cmpuint (tw_http_response_get_status (r.response), ==, 200);
  /* An answer arrived, so even a GET is not sent again. */
  g_assert_cmpuint (count_logged (fixture, "investiq", "GET", "/health"), ==, 1);

  result_clear (&r);
}

static void
test_html (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(TwHttpRequest) request = investiq_request (fixture, "GET", "/health");
  g_autoptr(TwHttpRequest) again = investiq_request (fixture, "GET", "/health");
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  Result r = { 0 };
  Result r200 = { 0 };

  tw_test_sim_fault (fixture->sim, "investiq", "{\"path\":\"/health\",\"kind\":\"html\",\"count\":1}");
  tw_http_request_set_max_retries (request, 0);
  send_and_wait (fixture->http, request, NULL, &r);
  assert_error_contains (&r, TW_ERROR_SERVER, "InvestIQ answered 502 with an HTML page");
  g_assert_nonnull (strstr (r.error->message, "“502 Bad Gateway”"));
  g_assert_nonnull (strstr (r.error->message, "proxy or gateway"));

  /* An HTML page with 200 passes as an answer, and is refused as JSON. */
  tw_test_sim_fault (fixture->sim, "investiq",
                     "{\"path\":\"/health\",\"kind\":\"html\",\"status\":200,\"count\":1}");
  send_and_wait (fixture->http, again, NULL, &r200);
  g_assert_true (r200.ok);
  root = tw_http_response_parse_json (r200.response, &error);
  g_assert_null (root);
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "HTML page"));

  result_clear (&r);
  result_clear (&r200);
}

static void
test_dropped (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(TwHttpRequest) get = investiq_request (fixture, "GET", "/health");
  g_autoptr(TwHttpRequest) post = investiq_request (fixture, "POST", "/api/risk/trading-halt");
  g_autofree char *expected = NULL;
  Result r = { 0 };
  Result rp = { 0 };

  tw_test_sim_fault (fixture->sim, "investiq", "{\"kind\":\"drop\"}");
  tw_http_request_set_max_retries (get, 2);
  send_and_wait (fixture->http, get, NULL, &r);

  expected = g_strdup_printf ("Cannot reach InvestIQ at %s: ",
                              tw_sim_thread_get_url (fixture->sim, "investiq"));
  assert_error_contains (&r, TW_ERROR_UNREACHABLE, expected);
  g_assert_null (r.response);
  g_assert_cmpuint (tw_http_get_n_requests (fixture->http), ==, 3);
  g_assert_cmpuint (count_logged (fixture, "investiq", "GET", "/health"), ==, 3);

  tw_http_request_set_json_body (post, "{\"halt\":true}");
  send_and_wait (fixture->http, post, NULL, &rp);
  assert_error_contains (&rp, TW_ERROR_UNREACHABLE, expected);
  g_assert_cmpuint (count_logged (fixture, "investiq", "POST", "/api/risk/trading-halt"), ==, 1);

  result_clear (&r);
  result_clear (&rp);
}

static void
check_huge (Fixture    *fixture,
            gboolean    chunked)
{
  g_autoptr(TwHttpRequest) request = investiq_request (fixture, "GET", "/health");
  g_autoptr(TwHttpRequest) after = investiq_request (fixture, "GET", "/health");
  g_autofree char *fault = NULL;
  Result r = { 0 };
  Result ra = { 0 };

  fault = g_strdup_printf ("{\"path\":\"/health\",\"kind\":\"huge\",\"size\":%d,"
                           "\"chunked\":%s,\"count\":1}",
                           4 * 1024 * 1024, chunked ? "true" : "false");
  tw_test_sim_fault (fixture->sim, "investiq", fault);
  tw_http_request_set_max_body_size (request, 1024 * 1024);
  send_and_wait (fixture->http, request, NULL, &r);

  assert_error_contains (&r, TW_ERROR_TOO_LARGE,
                         "The answer from InvestIQ is larger than 1 MiB and was refused (GET /health)");
  g_assert_nonnull (r.response);
  g_assert_cmpuint (tw_http_response_get_status (r.response), ==, 200);
  g_assert_cmpuint (g_bytes_get_size (tw_http_response_get_body (r.response)), ==, 0);
  g_assert_cmpuint (tw_http_response_get_attempts (r.response), ==, 1);
  g_assert_cmpint (r.elapsed_ms, <, 1500);

  /* The session is still good for the next request. */
  send_and_wait (fixture->http, after, NULL, &ra);
  g_assert_true (ra.ok);

  result_clear (&r);
  result_clear (&ra);
}

static void
test_huge (Fixture       *fixture,
           gconstpointer  user_data)
{
  check_huge (fixture, FALSE);
}

static void
test_huge_chunked (Fixture       *fixture,
                   gconstpointer  user_data)
{
  check_huge (fixture, TRUE);
}

/* The default cap, 8 MiB, against a 512 MiB answer: refused promptly, never buffered
 * (within 500 ms; in a sanitizer build that many times TW_TEST_TIMEOUT_SCALE, where it
 * took 1.7 s on a loaded machine). */
static void
test_huge_default_cap (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(TwHttpRequest) request = investiq_request (fixture, "GET", "/health");
  Result r = { 0 };

  tw_test_sim_fault (fixture->sim, "investiq",
                     "{\"path\":\"/health\",\"kind\":\"huge\",\"size\":536870912}");
  send_and_wait (fixture->http, request, NULL, &r);

  assert_error_contains (&r, TW_ERROR_TOO_LARGE,
                         "The answer from InvestIQ is larger than 8 MiB and was refused (GET /health)");
  g_assert_cmpint (r.elapsed_ms, <, tw_test_scale_timeout (500));

  result_clear (&r);
}

static void
test_huge_under_cap (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(TwHttpRequest) request = investiq_request (fixture, "GET", "/health");
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  Result r = { 0 };

  /* 2 MiB under the default 8 MiB cap: read whole, in chunks. */
  tw_test_sim_fault (fixture->sim, "investiq",
                     "{\"path\":\"/health\",\"kind\":\"huge\",\"size\":2097152,\"chunked\":true}");
  send_and_wait (fixture->http, request, NULL, &r);
  g_assert_true (r.ok);
  g_assert_cmpuint (g_bytes_get_size (tw_http_response_get_body (r.response)), ==, 2097152);
  root = tw_http_response_parse_json (r.response, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));

  result_clear (&r);
}

static void
test_auth (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(TwHttpRequest) alpaca = NULL;
  g_autoptr(TwHttpRequest) investiq = investiq_request (fixture, "GET", "/health");
  Result r = { 0 };
  Result ri = { 0 };

  alpaca = alpaca_request (fixture, "GET", "/v2/account", "PKWRONG" CANARY_KEY, CANARY_KEY "-secret");
  send_and_wait (fixture->http, alpaca, NULL, &r);
  assert_error_contains (&r, TW_ERROR_AUTH,
                         "401 from Alpaca: “request is not authorized”. The keys were rejected — "
                         "check the keys stored for this profile match the base URL (paper or live).");
  g_assert_cmpstr (tw_http_response_get_server_message (r.response), ==, "request is not authorized");
  g_assert_cmpuint (tw_http_response_get_attempts (r.response), ==, 1);

  tw_http_request_add_header (investiq, "X-API-Key", CANARY_KEY);
  send_and_wait (fixture->http, investiq, NULL, &ri);
  assert_error_contains (&ri, TW_ERROR_AUTH, "401 from InvestIQ: “Invalid or missing API key”");

  result_clear (&r);
  result_clear (&ri);
}

static void
test_status_codes (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(TwHttpRequest) forbidden = NULL;
  g_autoptr(TwHttpRequest) missing = investiq_request (fixture, "GET", "/no/such/path?token=x");
  g_autoptr(TwHttpRequest) conflict = investiq_request (fixture, "DELETE", "/api/broker/close/AAPL");
  g_autoptr(TwHttpRequest) bad = investiq_request (fixture, "PUT", "/api/risk/parameters");
  Result r403 = { 0 }, r404 = { 0 }, r422 = { 0 }, r400 = { 0 };

  /* ai-trading without its key header: 403 from FastAPI. */
  forbidden = tw_http_request_new ("GET", tw_sim_thread_get_url (fixture->sim, "ai-trading"),
                                   "/api/health?verbose=1");
  send_and_wait (fixture->http, forbidden, NULL, &r403);
  g_assert_nonnull (r403.error);
  g_assert_error (r403.error, TW_ERROR, TW_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (r403.error->message, "“Not authenticated”"));
  /* Without a service name, the host names the service. */
  g_assert_true (g_str_has_prefix (r403.error->message, "403 from 127.0.0.1:"));

  send_and_wait (fixture->http, missing, NULL, &r404);
  assert_error_contains (&r404, TW_ERROR_NOT_FOUND, "404 from InvestIQ: “Not Found” (GET /no/such/path)");
  g_assert_null (strstr (r404.error->message, "token"));

  tw_test_sim_fault (fixture->sim, "investiq",
                     "{\"path\":\"/api/broker/close/*\",\"kind\":\"status\",\"status\":422,"
                     "\"body\":\"{\\\"detail\\\":[{\\\"loc\\\":[\\\"qty\\\"],\\\"msg\\\":\\\"qty must be positive\\\"}]}\"}");
  send_and_wait (fixture->http, conflict, NULL, &r422);
  assert_error_contains (&r422, TW_ERROR_CONFLICT, "422 from InvestIQ: “qty must be positive”");
  g_assert_cmpuint (tw_http_response_get_attempts (r422.response), ==, 1);

  tw_test_sim_fault (fixture->sim, "investiq",
                     "{\"path\":\"/api/risk/parameters\",\"kind\":\"status\",\"status\":400,"
                     "\"body\":\"{\\\"error\\\":{\\\"message\\\":\\\"max_position_pct out of range\\\"}}\"}");
  tw_http_request_set_json_body (bad, "{\"max_position_pct\":900}");
  send_and_wait (fixture->http, bad, NULL, &r400);
  assert_error_contains (&r400, TW_ERROR_BAD_RESPONSE, "400 from InvestIQ: “max_position_pct out of range”");

  result_clear (&r403);
  result_clear (&r404);
  result_clear (&r422);
  result_clear (&r400);
}

static void
test_redirect (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(TwHttpRequest) request = investiq_request (fixture, "GET", "/health");
  g_autofree char *location = NULL;
  g_autofree char *fault = NULL;
  Result r = { 0 };

  location = g_strdup_printf ("%s/moved-health", tw_sim_thread_get_url (fixture->sim, "investiq"));
  fault = g_strdup_printf ("{\"path\":\"/health\",\"kind\":\"status\",\"status\":302,\"body\":\"\","
                           "\"headers\":{\"Location\":\"%s\"}}", location);
  tw_test_sim_fault (fixture->sim, "investiq", fault);
  send_and_wait (fixture->http, request, NULL, &r);

  assert_error_contains (&r, TW_ERROR_BAD_RESPONSE, location);
  g_assert_nonnull (strstr (r.error->message, "http vs https, paper vs live"));
  g_assert_cmpuint (tw_http_response_get_status (r.response), ==, 302);
  g_assert_cmpuint (count_logged (fixture, "investiq", "GET", "/moved-health"), ==, 0);
  g_assert_cmpuint (count_logged (fixture, "investiq", "GET", "/health"), ==, 1);

  result_clear (&r);
}

static guint
closed_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  /* Bind a free port, then close it: nothing listens there. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return port;
}

static void
test_refused (void)
{
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwHttpRequest) request = NULL;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", closed_port ());
  g_autofree char *expected = NULL;
  Result r = { 0 };

  request = tw_http_request_new ("GET", url, "/health");
  tw_http_request_set_service_name (request, "InvestIQ");
  tw_http_request_add_header (request, "X-API-Key", CANARY_KEY);
  tw_http_request_set_max_retries (request, 1);
  send_and_wait (http, request, NULL, &r);

  expected = g_strdup_printf ("Cannot reach InvestIQ at %s: connection refused. "
                              "Is the service running and the base URL right?", url);
  g_assert_error (r.error, TW_ERROR, TW_ERROR_UNREACHABLE);
  g_assert_cmpstr (r.error->message, ==, expected);
  g_assert_null (r.response);
  g_assert_cmpuint (tw_http_get_n_requests (http), ==, 2);

  result_clear (&r);
}

static void
test_invalid_url (void)
{
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwHttpRequest) request = tw_http_request_new ("GET", "ftp://example.org", "/x");
  Result r = { 0 };

  send_and_wait (http, request, NULL, &r);
  g_assert_error (r.error, TW_ERROR, TW_ERROR_INVALID);
  g_assert_cmpuint (tw_http_get_n_requests (http), ==, 0);

  result_clear (&r);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(TwHttpRequest) slow = investiq_request (fixture, "GET", "/health");
  g_autoptr(TwHttpRequest) limited = investiq_request (fixture, "GET", "/api/broker/account");
  g_autoptr(TwHttpRequest) early = investiq_request (fixture, "GET", "/health");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) cancellable2 = g_cancellable_new ();
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  Result r = { 0 };
  Result rw = { 0 };
  Result re = { 0 };

  /* While waiting for the answer. */
  tw_test_sim_fault (fixture->sim, "investiq",
                     "{\"path\":\"/health\",\"kind\":\"latency\",\"latency_ms\":3000}");
  g_timeout_add (100, cancel_cb, cancellable);
  send_and_wait (fixture->http, slow, cancellable, &r);
  /* A program's cancellation is GIO's, whatever it cancelled. */
  g_assert_false (r.ok);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (r.error->message, "(GET /health)"));
  g_assert_cmpint (r.elapsed_ms, <, 1000);

  /* While waiting to retry after a 429. */
  tw_test_sim_fault (fixture->sim, "investiq",
                     "{\"path\":\"/api/broker/account\",\"kind\":\"rate-limit\",\"retry_after\":10}");
  g_timeout_add (300, cancel_cb, cancellable2);
  send_and_wait (fixture->http, limited, cancellable2, &rw);
  g_assert_false (rw.ok);
  g_assert_error (rw.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (rw.elapsed_ms, <, 1500);
  g_assert_cmpuint (count_logged (fixture, "investiq", "GET", "/api/broker/account"), ==, 1);

  /* Already cancelled: nothing is sent. */
  g_cancellable_cancel (cancelled);
  send_and_wait (fixture->http, early, cancelled, &re);
  g_assert_false (re.ok);
  g_assert_error (re.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (tw_http_get_n_requests (fixture->http), ==, 2);

  result_clear (&r);
  result_clear (&rw);
  result_clear (&re);
}

/* The API key is sent as a header in every failing case; no message may carry it. */
static void
test_no_secret_in_errors (Fixture       *fixture,
                          gconstpointer  user_data)
{
  const char *faults[] = {
    "{\"kind\":\"status\",\"status\":500,\"body\":\"{\\\"detail\\\":\\\"boom\\\"}\"}",
    "{\"kind\":\"drop\"}",
    "{\"kind\":\"truncated\"}",
    "{\"kind\":\"html\"}",
    "{\"kind\":\"rate-limit\",\"retry_after\":0}",
    "{\"kind\":\"huge\",\"size\":300000}",
    "{\"kind\":\"latency\",\"latency_ms\":1000}",
    "{\"kind\":\"status\",\"status\":401,\"body\":\"\"}",
  };
  guint lines_before = http_debug_lines;

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autoptr(TwHttpRequest) request = NULL;
      Result r = { 0 };

      tw_test_sim_clear_faults (fixture->sim);
      tw_test_sim_fault (fixture->sim, "investiq", faults[i]);
      request = investiq_request (fixture, "GET", "/health");
      tw_http_request_add_header (request, "Authorization", "Bearer " CANARY_KEY);
      tw_http_request_set_max_retries (request, 0);
      tw_http_request_set_max_body_size (request, 100000);
      tw_http_request_set_timeout (request, 400);
      send_and_wait (fixture->http, request, NULL, &r);

      g_assert_false (r.ok);
      g_assert_null (strstr (r.error->message, CANARY_KEY));
      if (r.response != NULL)
        assert_no_secret (tw_http_response_get_server_message (r.response));
      result_clear (&r);
    }
  /* TwHttp formats its debug lines only when they would be shown: they were, and
   * the writer watched them (a line per failure at least). */
  g_assert_cmpuint (http_debug_lines - lines_before, >=, G_N_ELEMENTS (faults));
}

static void
test_server_message (void)
{
  const struct { const char *body; const char *type; const char *expected; } cases[] = {
    { "{\"code\":40110000,\"message\":\"request is not authorized\"}", "application/json", "request is not authorized" },
    { "{\"detail\":\"Invalid API key\"}", "application/json", "Invalid API key" },
    { "{\"detail\":[{\"loc\":[\"body\",\"qty\"],\"msg\":\"field required\"},{\"msg\":\"bad side\"}]}", NULL, "field required; bad side" },
    { "{\"error\":\"Invalid or missing API key\"}", NULL, "Invalid or missing API key" },
    { "{\"error\":{\"message\":\"nested\",\"type\":\"x\"}}", NULL, "nested" },
    { "{\"message\":\"line one\\nline   two\"}", NULL, "line one line two" },
    { "{\"status\":\"healthy\"}", NULL, NULL },
    { "<html><title>502</title></html>", "text/html", NULL },
    { "plain words from a proxy\r\n", "text/plain", "plain words from a proxy" },
    { "", NULL, NULL },
  };
  g_autofree char *longer = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GBytes) long_body = NULL;
  GString *json;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = g_bytes_new_static (cases[i].body, strlen (cases[i].body));
      g_autofree char *got = _tw_http_extract_server_message (body, cases[i].type);

      g_assert_cmpstr (got, ==, cases[i].expected);
    }

  /* Quoted at most 200 characters, on one line. */
  json = g_string_new ("{\"message\":\"");
  for (guint i = 0; i < 500; i++)
    g_string_append (json, "é");
  g_string_append (json, "\"}");
  long_body = g_bytes_new_take (json->str, json->len);
  g_string_free (json, FALSE);
  message = _tw_http_extract_server_message (long_body, "application/json");
  g_assert_cmpuint (g_utf8_strlen (message, -1), ==, 201);
  g_assert_true (g_str_has_suffix (message, "…"));
}

/* A server of our own, to see the connections: an answer read at once (its body came
 * with its headers) leaves the connection to the next request; a body that comes in
 * two parts is read across the wait. */
typedef struct
{
  SoupServer *server;
  GHashTable *ports;   /* the client ports the server saw */
} KeepAlive;

static gboolean
finish_slow_body (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  SoupServer *server = g_object_get_data (G_OBJECT (msg), "test-server");

  soup_message_body_append (body, SOUP_MEMORY_STATIC, "1}", 2);
  soup_message_body_complete (body);
  soup_server_unpause_message (server, msg);
  g_object_unref (msg);
  return G_SOURCE_REMOVE;
}

static void
keep_alive_handler (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  KeepAlive *keep = user_data;
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  g_hash_table_add (keep->ports,
                    GUINT_TO_POINTER (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote))));
  if (g_str_equal (path, "/slow"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg), SOUP_ENCODING_CHUNKED);
      soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg), "application/json", NULL);
      soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC, "{\"part\":", 8);
      g_object_set_data (G_OBJECT (msg), "test-server", server);
      soup_server_pause_message (server, msg);
      /* The server's behaviour, not a wait of the test: the rest comes later. */
      g_timeout_add (100, finish_slow_body, g_object_ref (msg));
      return;
    }
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{\"ok\":true}", 11);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
}

static void
test_keep_alive (void)
{
  KeepAlive keep = { soup_server_new (NULL, NULL), g_hash_table_new (NULL, NULL) };
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *base = NULL;

  soup_server_add_handler (keep.server, NULL, keep_alive_handler, &keep, NULL);
  g_assert_true (soup_server_listen_local (keep.server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (keep.server);
  base = g_uri_to_string (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(TwHttpRequest) request = tw_http_request_new ("GET", base, "/ok");
      Result r = { 0 };
      gsize size;
      const char *data;

      send_and_wait (http, request, NULL, &r);
      g_assert_true (r.ok);
      data = g_bytes_get_data (tw_http_response_get_body (r.response), &size);
      g_assert_cmpmem (data, size, "{\"ok\":true}", 11);
      result_clear (&r);
    }
  g_assert_cmpuint (g_hash_table_size (keep.ports), ==, 1);

  {
    g_autoptr(TwHttpRequest) request = tw_http_request_new ("GET", base, "/slow");
    g_autoptr(JsonNode) root = NULL;
    Result r = { 0 };

    send_and_wait (http, request, NULL, &r);
    g_assert_true (r.ok);
    root = tw_http_response_parse_json (r.response, &error);
    g_assert_no_error (error);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "part"), ==, 1);
    result_clear (&r);
  }
  g_assert_cmpuint (g_hash_table_size (keep.ports), ==, 1);

  g_hash_table_unref (keep.ports);
  soup_server_disconnect (keep.server);
  g_object_unref (keep.server);
}

static char *
keep_alive_listen (KeepAlive *keep)
{
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  keep->server = soup_server_new (NULL, NULL);
  keep->ports = g_hash_table_new (NULL, NULL);
  soup_server_add_handler (keep->server, NULL, keep_alive_handler, keep, NULL);
  g_assert_true (soup_server_listen_local (keep->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (keep->server);
  return g_uri_to_string (uris->data);
}

/* Each origin has its own session (libsoup checks every idle connection of a session
 * each time it schedules a request): requests to two hosts alternating keep one
 * connection each, and a third origin, the same host under another name, is a third
 * session. */
static void
test_origins (void)
{
  KeepAlive a, b;
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autofree char *base_a = keep_alive_listen (&a);
  g_autofree char *base_b = keep_alive_listen (&b);
  g_autoptr(GUri) uri_b = g_uri_parse (base_b, G_URI_FLAGS_NONE, NULL);
  g_autofree char *base_b_named = g_strdup_printf ("http://localhost:%d", g_uri_get_port (uri_b));

  g_assert_cmpuint (_tw_http_get_n_sessions (http), ==, 0);
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(TwHttpRequest) request = tw_http_request_new ("GET", i % 2 == 0 ? base_a : base_b, "/ok");
      Result r = { 0 };

      send_and_wait (http, request, NULL, &r);
      g_assert_true (r.ok);
      result_clear (&r);
    }
  g_assert_cmpuint (_tw_http_get_n_sessions (http), ==, 2);
  g_assert_cmpuint (g_hash_table_size (a.ports), ==, 1);
  g_assert_cmpuint (g_hash_table_size (b.ports), ==, 1);

  {
    g_autoptr(TwHttpRequest) request = tw_http_request_new ("GET", base_b_named, "/ok");
    Result r = { 0 };

    send_and_wait (http, request, NULL, &r);
    /* localhost may resolve to ::1 first, where the IPv4-only server does not listen:
     * the answer does not matter here, the session does. */
    result_clear (&r);
  }
  g_assert_cmpuint (_tw_http_get_n_sessions (http), ==, 3);

  for (guint i = 0; i < 2; i++)
    {
      KeepAlive *keep = i == 0 ? &a : &b;

      g_hash_table_unref (keep->ports);
      soup_server_disconnect (keep->server);
      g_object_unref (keep->server);
    }
}

static void
test_request (void)
{
  g_autoptr(TwHttpRequest) request = tw_http_request_new ("get", "http://127.0.0.1:9/api/", "/v1/x?y=1");
  g_autoptr(TwHttpRequest) plain = tw_http_request_new ("GET", "https://user:pw@paper-api.example:8443", "v2/account");
  g_autofree char *url = tw_http_request_dup_url (request);
  g_autofree char *what = _tw_http_request_dup_what (request);
  g_autofree char *name = _tw_http_request_dup_display_name (plain);
  g_autofree char *base = _tw_http_request_dup_display_base (plain);

  g_assert_cmpstr (tw_http_request_get_method (request), ==, "GET");
  g_assert_cmpstr (url, ==, "http://127.0.0.1:9/api/v1/x?y=1");
  g_assert_cmpstr (what, ==, "GET /api/v1/x");
  g_assert_null (tw_http_request_get_service_name (plain));
  g_assert_cmpstr (name, ==, "paper-api.example:8443");
  g_assert_cmpstr (base, ==, "https://paper-api.example:8443");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* G_TEST_OPTION_ISOLATE_DIRS hides the system's GSettings schemas, which the GNOME
   * proxy resolver aborts without; loopback needs no proxy anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_log_set_writer_func (secret_watching_writer, NULL, NULL);
  /* TwHttp's debug lines are formatted only when debug output is on: on, so the
   * writer sees every one of them. */
  g_log_set_debug_enabled (TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  secrets = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (secrets, g_strdup (CANARY_KEY));

  g_test_add_func ("/tw/core/http/request", test_request);
  g_test_add_func ("/tw/core/http/server-message", test_server_message);
  g_test_add_func ("/tw/core/http/invalid-url", test_invalid_url);
  g_test_add_func ("/tw/core/http/refused", test_refused);
  g_test_add_func ("/tw/core/http/keep-alive", test_keep_alive);
  g_test_add_func ("/tw/core/http/origins", test_origins);
#define ADD(path, func) \
  g_test_add ("/tw/core/http/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("ok", test_ok);
  ADD ("no-content", test_no_content);
  ADD ("timeout", test_timeout);
  ADD ("retry-after", test_retry_after);
  ADD ("rate-limited", test_rate_limited);
  ADD ("rate-limit-reset", test_rate_limit_reset);
  ADD ("server-error", test_server_error);
  ADD ("503-retry-after", test_service_unavailable_retry_after);
  ADD ("malformed", test_malformed);
  ADD ("truncated", test_truncated);
  ADD ("html", test_html);
  ADD ("dropped", test_dropped);
  ADD ("huge", test_huge);
  ADD ("huge-chunked", test_huge_chunked);
  ADD ("huge-default-cap", test_huge_default_cap);
  ADD ("huge-under-cap", test_huge_under_cap);
  ADD ("auth", test_auth);
  ADD ("status-codes", test_status_codes);
  ADD ("redirect", test_redirect);
  ADD ("cancel", test_cancel);
  ADD ("no-secret-in-errors", test_no_secret_in_errors);
#undef ADD

  ret = g_test_run ();
  g_ptr_array_unref (secrets);
  return ret;
}
