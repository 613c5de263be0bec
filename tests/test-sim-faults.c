/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "tw-sim.h"
#include "tw-test-util.h"

/* Fault injection (/_sim/faults), observed from a plain SoupSession. */


/* Faults */

static void
test_fault_latency (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  gint64 start;
  g_autoptr(TwTestAnswer) slow = NULL;
  g_autoptr(TwTestAnswer) fast = NULL;

  tw_test_sim_fault (sim, "investiq", "{\"path\":\"/health\",\"kind\":\"latency\",\"latency_ms\":400}");
  start = g_get_monotonic_time ();
  slow = tw_test_sim_fetch (sim, "investiq", "GET", "/health", TW_TEST_AUTH_GOOD);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 400 * 1000);
  g_assert_cmpuint (slow->status, ==, 200);
  json_node_unref (tw_test_answer_json (slow));
  g_assert_cmpint (tw_test_sim_last_status (sim), ==, 200);

  /* Latency combines with another kind. */
  tw_test_sim_fault (sim, "ai-trading",
                     "{\"kind\":\"status\",\"status\":503,\"latency_ms\":200,\"count\":1}");
  start = g_get_monotonic_time ();
  fast = tw_test_sim_fetch (sim, "ai-trading", "GET", "/api/health", TW_TEST_AUTH_GOOD);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 200 * 1000);
  g_assert_cmpuint (fast->status, ==, 503);

  tw_sim_thread_stop (sim);
}

typedef struct
{
  gboolean  done;
  gint64    finished_at;
  guint     status;
} Pending;

static void
on_slow_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pending *p = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  p->status = soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (source),
                                                                              result));
  p->finished_at = g_get_monotonic_time ();
  p->done = TRUE;
}

/* Whether a request for @path reached the simulator (logged when it arrives). */
static gboolean
arrived (TwSimThread *sim,
         const char  *path)
{
  g_autoptr(JsonNode) log = tw_test_sim_requests (sim);
  JsonArray *array = json_node_get_array (log);

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (array, i), "path"),
                   path) == 0)
      return TRUE;
  return FALSE;
}

/* A delayed answer does not hold up the others. */
static void
test_fault_latency_concurrent (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (tw_sim_thread_get_url (sim, "investiq"), "/health", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(TwTestAnswer) other = NULL;
  Pending p = { 0 };
  gint64 start, other_done;

  tw_test_sim_fault (sim, "investiq", "{\"path\":\"/health\",\"latency_ms\":1500}");
  soup_message_headers_replace (soup_message_get_request_headers (msg), "X-API-Key",
                                tw_sim_thread_get_credential (sim, "api_key"));
  start = g_get_monotonic_time ();
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_slow_done, &p);
  /* The simulator holds the slow one. */
  tw_test_wait_until (arrived (sim, "/health"), 5000);

  other = tw_test_sim_fetch (sim, "alpaca", "GET", "/v2/account", TW_TEST_AUTH_GOOD);
  other_done = g_get_monotonic_time ();
  g_assert_cmpuint (other->status, ==, 200);
  g_assert_false (p.done);

  g_assert_true (tw_test_run_until (&p.done, 10000));
  g_assert_cmpuint (p.status, ==, 200);
  g_assert_cmpint (p.finished_at - start, >=, 1500 * 1000);
  g_assert_cmpint (other_done, <, p.finished_at);

  tw_sim_thread_stop (sim);
}

static void
test_fault_status (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(TwTestAnswer) custom = NULL;
  g_autoptr(TwTestAnswer) fallback = NULL;
  g_autoptr(TwTestAnswer) redirect = NULL;
  g_autofree char *custom_text = NULL;
  g_autofree char *fallback_text = NULL;

  tw_test_sim_fault (sim, "ibkr-assistant",
                     "{\"path\":\"/api/v1/health\",\"kind\":\"status\",\"status\":503,"
                     "\"body\":\"{\\\"detail\\\":\\\"maintenance\\\"}\",\"count\":1}");
  custom = tw_test_sim_fetch (sim, "ibkr-assistant", "GET", "/api/v1/health", TW_TEST_AUTH_GOOD);
  custom_text = tw_test_answer_text (custom);
  g_assert_cmpuint (custom->status, ==, 503);
  g_assert_cmpstr (custom_text, ==, "{\"detail\":\"maintenance\"}");

  /* Without a body: the flavor's own error body; default status 500. */
  tw_test_sim_fault (sim, "alpaca", "{\"kind\":\"status\",\"count\":1}");
  fallback = tw_test_sim_fetch (sim, "alpaca", "GET", "/v2/account", TW_TEST_AUTH_GOOD);
  fallback_text = tw_test_answer_text (fallback);
  g_assert_cmpuint (fallback->status, ==, 500);
  g_assert_cmpstr (fallback_text, ==, "{\"code\":50010000,\"message\":\"internal server error\"}");

  /* Extra headers, e.g. a redirect (which a connector must not follow). */
  tw_test_sim_fault (sim, "investiq",
                     "{\"kind\":\"status\",\"status\":301,\"headers\":{\"Location\":\"http://example.invalid/\"},"
                     "\"count\":1}");
  {
    g_autoptr(SoupSession) session = soup_session_new ();
    g_autofree char *url = g_strconcat (tw_sim_thread_get_url (sim, "investiq"), "/health", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr(GBytes) body = NULL;
    g_autoptr(GError) error = NULL;

    soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
    body = soup_session_send_and_read (session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 301);
    g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                   "Location"), ==, "http://example.invalid/");
  }
  redirect = tw_test_sim_fetch (sim, "investiq", "GET", "/health", TW_TEST_AUTH_GOOD);
  g_assert_cmpuint (redirect->status, ==, 200);

  tw_sim_thread_stop (sim);
}

static void
test_fault_malformed (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(TwTestAnswer) a = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;

  tw_test_sim_fault (sim, "autotrader", "{\"path\":\"/api/health\",\"kind\":\"malformed\"}");
  a = tw_test_sim_fetch (sim, "autotrader", "GET", "/api/health", TW_TEST_AUTH_GOOD);
  text = tw_test_answer_text (a);
  g_assert_cmpuint (a->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (a->headers, NULL), ==, "application/json");
  g_assert_false (json_parser_load_from_data (parser, text, -1, NULL));
  g_assert_cmpint (tw_test_sim_last_status (sim), ==, 200);

  tw_sim_thread_stop (sim);
}

static void
test_fault_truncated (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(TwTestAnswer) a = NULL;

  tw_test_sim_fault (sim, "investiq", "{\"path\":\"/health\",\"kind\":\"truncated\"}");
  a = tw_test_sim_fetch (sim, "investiq", "GET", "/health", TW_TEST_AUTH_GOOD);
  /* The headers arrived, promising more than the body that came. */
  g_assert_error (a->error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  g_assert_cmpuint (a->status, ==, 200);
  g_assert_cmpint (soup_message_headers_get_content_length (a->headers), >, 100);
  g_assert_cmpint (tw_test_sim_last_status (sim), ==, 200);

  tw_sim_thread_stop (sim);
}

static void
test_fault_html (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(TwTestAnswer) a = NULL;
  g_autoptr(TwTestAnswer) b = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_b = NULL;

  tw_test_sim_fault (sim, "alpaca", "{\"kind\":\"html\",\"count\":1}");
  a = tw_test_sim_fetch (sim, "alpaca", "GET", "/v2/account", TW_TEST_AUTH_GOOD);
  text = tw_test_answer_text (a);
  g_assert_cmpuint (a->status, ==, 502);
  g_assert_cmpstr (soup_message_headers_get_content_type (a->headers, NULL), ==, "text/html");
  g_assert_true (g_str_has_prefix (text, "<html>"));
  g_assert_nonnull (strstr (text, "<title>502 Bad Gateway</title>"));
  g_assert_nonnull (strstr (text, "nginx"));

  tw_test_sim_fault (sim, "alpaca", "{\"kind\":\"html\",\"status\":504,\"count\":1}");
  b = tw_test_sim_fetch (sim, "alpaca", "GET", "/v2/account", TW_TEST_AUTH_GOOD);
  text_b = tw_test_answer_text (b);
  g_assert_cmpuint (b->status, ==, 504);
  g_assert_nonnull (strstr (text_b, "504 Gateway Timeout"));
  g_assert_cmpint (tw_test_sim_last_status (sim), ==, 504);

  tw_sim_thread_stop (sim);
}

static void
test_fault_drop (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(TwTestAnswer) a = NULL;
  g_autoptr(TwTestAnswer) delayed = NULL;

  tw_test_sim_fault (sim, "ai-trading", "{\"kind\":\"drop\",\"count\":1}");
  a = tw_test_sim_fetch (sim, "ai-trading", "GET", "/api/health", TW_TEST_AUTH_GOOD);
  /* No status line at all. */
  g_assert_nonnull (a->error);
  g_assert_true (a->error->domain == G_IO_ERROR);
  g_assert_cmpuint (a->status, ==, 0);
  g_assert_cmpint (tw_test_sim_last_status (sim), ==, 0);

  tw_test_sim_fault (sim, "ai-trading", "{\"kind\":\"drop\",\"latency_ms\":100,\"count\":1}");
  delayed = tw_test_sim_fetch (sim, "ai-trading", "GET", "/api/health", TW_TEST_AUTH_GOOD);
  g_assert_nonnull (delayed->error);
  g_assert_cmpuint (delayed->status, ==, 0);

  tw_sim_thread_stop (sim);
}

/* Reads a streamed answer, counting bytes and keeping the first and last few. */
static guint64
read_all (TwSimThread *sim,
          gboolean    *chunked,
          char         head[8],
          char         tail[8])
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (tw_sim_thread_get_url (sim, "investiq"), "/health", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *buf = g_malloc (1 << 20);
  guint64 total = 0;
  gssize n;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "X-API-Key",
                                tw_sim_thread_get_credential (sim, "api_key"));
  in = soup_session_send (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  *chunked = soup_message_headers_get_encoding (soup_message_get_response_headers (msg))
             == SOUP_ENCODING_CHUNKED;
  memset (tail, 0, 8);
  while ((n = g_input_stream_read (in, buf, 1 << 20, NULL, &error)) > 0)
    {
      if (total == 0)
        memcpy (head, buf, MIN (n, 8));
      for (gssize i = 0; i < n; i++)
        {
          memmove (tail, tail + 1, 7);
          tail[7] = buf[i];
        }
      total += n;
    }
  g_assert_no_error (error);
  return total;
}

static void
test_fault_huge (void)
{
  static const guint small[] = { 2, 3, 4, 5, 10, 11, 64 };
  TwSimThread *sim = tw_test_sim_start ();
  char head[8], tail[8];
  gboolean chunked;
  guint64 n;

  tw_test_sim_fault (sim, "investiq", "{\"kind\":\"huge\",\"count\":1}");
  n = read_all (sim, &chunked, head, tail);
  g_assert_cmpuint (n, ==, 16 * 1024 * 1024);
  g_assert_false (chunked);
  g_assert_cmpint (head[0], ==, '[');
  g_assert_cmpint (tail[7], ==, ']');

  tw_test_sim_fault (sim, "investiq",
                     "{\"kind\":\"huge\",\"size\":40000001,\"chunked\":true,\"count\":1}");
  n = read_all (sim, &chunked, head, tail);
  g_assert_cmpuint (n, ==, 40000001);
  g_assert_true (chunked);
  g_assert_cmpint (tail[6], ==, '0');
  g_assert_cmpint (tail[7], ==, ']');

  /* Every size is valid JSON, of exactly that size. */
  for (guint i = 0; i < G_N_ELEMENTS (small); i++)
    {
      g_autofree char *fault = g_strdup_printf ("{\"kind\":\"huge\",\"size\":%u,\"count\":1}",
                                                small[i]);
      g_autoptr(TwTestAnswer) a = NULL;
      g_autoptr(JsonNode) node = NULL;

      tw_test_sim_fault (sim, "investiq", fault);
      a = tw_test_sim_fetch (sim, "investiq", "GET", "/health", TW_TEST_AUTH_GOOD);
      g_assert_cmpuint (g_bytes_get_size (a->body), ==, small[i]);
      node = tw_test_answer_json (a);
      g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
    }

  tw_sim_thread_stop (sim);
}

static void
test_fault_rate_limit (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(TwTestAnswer) a = NULL;
  g_autoptr(TwTestAnswer) b = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_b = NULL;
  gint64 reset;

  tw_test_sim_fault (sim, "alpaca", "{\"kind\":\"rate-limit\",\"retry_after\":3,\"count\":1}");
  a = tw_test_sim_fetch (sim, "alpaca", "GET", "/v2/account", TW_TEST_AUTH_GOOD);
  text = tw_test_answer_text (a);
  g_assert_cmpuint (a->status, ==, 429);
  g_assert_cmpstr (text, ==, "{\"code\":42910000,\"message\":\"rate limit exceeded\"}");
  g_assert_cmpstr (soup_message_headers_get_one (a->headers, "Retry-After"), ==, "3");
  g_assert_cmpstr (soup_message_headers_get_one (a->headers, "X-Ratelimit-Limit"), ==, "200");
  g_assert_cmpstr (soup_message_headers_get_one (a->headers, "X-Ratelimit-Remaining"), ==, "0");
  reset = g_ascii_strtoll (soup_message_headers_get_one (a->headers, "X-Ratelimit-Reset"), NULL, 10);
  g_assert_cmpint (reset, >=, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpint (tw_test_sim_last_status (sim), ==, 429);

  tw_test_sim_fault (sim, "autotrader", "{\"kind\":\"rate-limit\",\"count\":1}");
  b = tw_test_sim_fetch (sim, "autotrader", "GET", "/api/health", TW_TEST_AUTH_GOOD);
  text_b = tw_test_answer_text (b);
  g_assert_cmpuint (b->status, ==, 429);
  g_assert_cmpstr (soup_message_headers_get_one (b->headers, "Retry-After"), ==, "1");
  g_assert_true (g_str_has_prefix (text_b, "{\"detail\":"));

  tw_sim_thread_stop (sim);
}


static void
test_fault_count (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(JsonNode) listed = NULL;
  g_autoptr(JsonNode) after = NULL;
  JsonObject *fault;

  tw_test_sim_fault (sim, "investiq", "{\"path\":\"/health\",\"kind\":\"status\",\"status\":503,\"count\":2}");
  g_assert_cmpuint (tw_test_sim_status (sim, "investiq", "GET", "/health"), ==, 503);

  listed = tw_test_sim_request (sim, "investiq", "GET", "/_sim/faults", NULL);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (listed)), ==, 1);
  fault = json_array_get_object_element (json_node_get_array (listed), 0);
  g_assert_cmpint (json_object_get_int_member (fault, "count"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (fault, "kind"), ==, "status");
  g_assert_cmpstr (json_object_get_string_member (fault, "flavor"), ==, "investiq");

  g_assert_cmpuint (tw_test_sim_status (sim, "investiq", "GET", "/health"), ==, 503);
  g_assert_cmpuint (tw_test_sim_status (sim, "investiq", "GET", "/health"), ==, 200);
  after = tw_test_sim_request (sim, "investiq", "GET", "/_sim/faults", NULL);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (after)), ==, 0);

  /* count 0: until cleared. */
  tw_test_sim_fault (sim, "investiq", "{\"kind\":\"status\",\"status\":500}");
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (tw_test_sim_status (sim, "investiq", "GET", "/health"), ==, 500);
  tw_test_sim_clear_faults (sim);
  g_assert_cmpuint (tw_test_sim_status (sim, "investiq", "GET", "/health"), ==, 200);

  tw_sim_thread_stop (sim);
}

static void
test_fault_matching (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(JsonNode) added = NULL;
  g_autoptr(JsonNode) removed = NULL;
  guint status = 0;
  g_autofree char *delete_path = NULL;

  /* A prefix ending in "*". */
  tw_test_sim_fault (sim, "ibkr-assistant", "{\"path\":\"/api/v1/*\",\"kind\":\"status\",\"status\":502}");
  g_assert_cmpuint (tw_test_sim_status (sim, "ibkr-assistant", "GET", "/api/v1/health"), ==, 502);
  g_assert_cmpuint (tw_test_sim_status (sim, "ibkr-assistant", "GET", "/api/v1/other"), ==, 502);
  g_assert_cmpuint (tw_test_sim_status (sim, "ibkr-assistant", "GET", "/health"), ==, 404);
  /* Other flavors are untouched. */
  g_assert_cmpuint (tw_test_sim_status (sim, "ai-trading", "GET", "/api/health"), ==, 200);
  tw_test_sim_clear_faults (sim);

  /* An exact path does not match longer ones; a method limits it. */
  tw_test_sim_fault (sim, "investiq", "{\"path\":\"/health\",\"method\":\"POST\",\"kind\":\"status\",\"status\":503}");
  g_assert_cmpuint (tw_test_sim_status (sim, "investiq", "GET", "/health"), ==, 200);
  g_assert_cmpuint (tw_test_sim_status (sim, "investiq", "POST", "/health"), ==, 503);
  g_assert_cmpuint (tw_test_sim_status (sim, "investiq", "GET", "/healthz"), ==, 404);
  tw_test_sim_clear_faults (sim);

  /* A fault posted on one port for another flavor; removed by id. */
  added = tw_test_sim_request_full (sim, "investiq", "POST", "/_sim/faults",
                                    "{\"flavor\":\"autotrader\",\"kind\":\"status\",\"status\":418}",
                                    &status);
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpuint (tw_test_sim_status (sim, "autotrader", "GET", "/api/health"), ==, 418);
  g_assert_cmpuint (tw_test_sim_status (sim, "investiq", "GET", "/health"), ==, 200);
  delete_path = g_strdup_printf ("/_sim/faults/%" G_GINT64_FORMAT,
                                 json_object_get_int_member (json_node_get_object (added), "id"));
  removed = tw_test_sim_request_full (sim, "alpaca", "DELETE", delete_path, NULL, &status);
  g_assert_cmpuint (status, ==, 204);
  g_assert_cmpuint (tw_test_sim_status (sim, "autotrader", "GET", "/api/health"), ==, 200);
  json_node_unref (tw_test_sim_request_full (sim, "alpaca", "DELETE", delete_path, NULL, &status));
  g_assert_cmpuint (status, ==, 404);

  tw_sim_thread_stop (sim);
}

static void
test_fault_invalid (void)
{
  static const char * const bad[] = {
    "not json",
    "[1, 2]",
    "{}",
    "{\"kind\":\"explode\"}",
    "{\"kind\":\"status\",\"status\":42}",
    "{\"kind\":\"status\",\"status\":\"500\"}",
    "{\"kind\":\"latency\",\"latency_ms\":-5}",
    "{\"kind\":\"huge\",\"chunked\":\"yes\"}",
    "{\"kind\":\"drop\",\"flavor\":\"nasdaq\"}",
    "{\"kind\":\"drop\",\"path\":\"health\"}",
    "{\"kind\":\"status\",\"headers\":{\"X\":1}}",
  };
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(JsonNode) list = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) answer = NULL;
      guint status = 0;

      answer = tw_test_sim_request_full (sim, "investiq", "POST", "/_sim/faults", bad[i], &status);
      g_assert_cmpuint (status, ==, 400);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (answer));
      g_assert_true (json_object_has_member (json_node_get_object (answer), "error"));
    }
  list = tw_test_sim_request (sim, "investiq", "GET", "/_sim/faults", NULL);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 0);

  tw_sim_thread_stop (sim);
}

/* A delayed answer still pending when the sim stops is dropped cleanly. */
static void
test_stop_with_pending (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (tw_sim_thread_get_url (sim, "investiq"), "/health", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  Pending p = { 0 };

  tw_test_sim_fault (sim, "investiq", "{\"latency_ms\":60000}");
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_slow_done, &p);
  /* The simulator holds it (a minute's latency) when it stops. */
  tw_test_wait_until (arrived (sim, "/health"), 5000);
  g_assert_false (p.done);
  tw_sim_thread_stop (sim);
  g_assert_true (tw_test_run_until (&p.done, 10000));
  g_assert_cmpuint (p.status, !=, 200);
}

int
main (int   argc,
      char *argv[])
{
  /* G_TEST_OPTION_ISOLATE_DIRS hides the system's GSettings schemas, which the GNOME
   * proxy resolver aborts without; loopback needs no proxy anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/sim/faults/latency", test_fault_latency);
  g_test_add_func ("/tw/sim/faults/latency-concurrent", test_fault_latency_concurrent);
  g_test_add_func ("/tw/sim/faults/status", test_fault_status);
  g_test_add_func ("/tw/sim/faults/malformed", test_fault_malformed);
  g_test_add_func ("/tw/sim/faults/truncated", test_fault_truncated);
  g_test_add_func ("/tw/sim/faults/html", test_fault_html);
  g_test_add_func ("/tw/sim/faults/drop", test_fault_drop);
  g_test_add_func ("/tw/sim/faults/huge", test_fault_huge);
  g_test_add_func ("/tw/sim/faults/rate-limit", test_fault_rate_limit);
  g_test_add_func ("/tw/sim/faults/count", test_fault_count);
  g_test_add_func ("/tw/sim/faults/matching", test_fault_matching);
  g_test_add_func ("/tw/sim/faults/invalid", test_fault_invalid);
  g_test_add_func ("/tw/sim/lifecycle/stop-with-pending", test_stop_with_pending);

  return g_test_run ();
}
