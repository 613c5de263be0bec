/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-test-util.h"
#include "tw-test-timing.h"

#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

TwSimThread *
tw_test_sim_start (void)
{
  g_autoptr(GError) error = NULL;
  TwSimThread *sim = tw_sim_thread_start (0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (sim);
  return sim;
}

/* Sends @method @path with the flavor's credentials (outside /_sim) and @json_body. */
static GBytes *
sim_send (TwSimThread *sim,
          const char  *flavor,
          const char  *method,
          const char  *path,
          const char  *json_body,
          guint       *status)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  const char *base = tw_sim_thread_get_url (sim, flavor);
  SoupMessageHeaders *headers;
  GBytes *answer;

  g_assert_nonnull (base);
  url = g_strconcat (base, path, NULL);
  msg = soup_message_new (method, url);
  g_assert_nonnull (msg);
  headers = soup_message_get_request_headers (msg);

  if (!g_str_has_prefix (path, "/_sim"))
    {
      if (g_str_equal (flavor, "alpaca"))
        {
          soup_message_headers_replace (headers, "APCA-API-KEY-ID",
                                        tw_sim_thread_get_credential (sim, "alpaca_key_id"));
          soup_message_headers_replace (headers, "APCA-API-SECRET-KEY",
                                        tw_sim_thread_get_credential (sim, "alpaca_secret"));
        }
      else
        soup_message_headers_replace (headers, "X-API-Key",
                                      tw_sim_thread_get_credential (sim, "api_key"));
    }

  if (json_body != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (json_body, strlen (json_body));

      soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }

  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (status != NULL)
    *status = soup_message_get_status (msg);
  return answer;
}

JsonNode *
tw_test_sim_request_full (TwSimThread *sim,
                          const char  *flavor,
                          const char  *method,
                          const char  *path,
                          const char  *json_body,
                          guint       *status)
{
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  guint code = 0;
  gsize len;
  const char *data;

  answer = sim_send (sim, flavor, method, path, json_body, &code);
  if (status != NULL)
    *status = code;

  data = g_bytes_get_data (answer, &len);
  if (len == 0)
    return json_node_new (JSON_NODE_NULL);

  parser = json_parser_new ();
  json_parser_load_from_data (parser, data, len, &error);
  if (error != NULL)
    g_error ("%s %s on %s answered %u with a body that is not JSON (%s): %.*s", method, path,
             flavor, code, error->message, (int) MIN (len, 200), data);
  return json_node_ref (json_parser_get_root (parser));
}

char *
tw_test_sim_request_text (TwSimThread *sim,
                          const char  *flavor,
                          const char  *method,
                          const char  *path,
                          const char  *json_body,
                          guint       *status)
{
  g_autoptr(GBytes) answer = sim_send (sim, flavor, method, path, json_body, status);
  gsize len;
  const char *data = g_bytes_get_data (answer, &len);

  return g_strndup (data != NULL ? data : "", len);
}

JsonNode *
tw_test_sim_request (TwSimThread *sim,
                     const char  *flavor,
                     const char  *method,
                     const char  *path,
                     const char  *json_body)
{
  return tw_test_sim_request_full (sim, flavor, method, path, json_body, NULL);
}

void
tw_test_sim_fault (TwSimThread *sim,
                   const char  *flavor,
                   const char  *json)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = tw_test_sim_request_full (sim, flavor, "POST", "/_sim/faults", json, &status);
  if (status != SOUP_STATUS_CREATED)
    {
      g_autofree char *text = json_to_string (answer, FALSE);

      g_error ("The simulator refused the fault %s (%u): %s", json, status, text);
    }
}

void
tw_test_sim_health (TwSimThread *sim,
                    const char  *flavor,
                    const char  *json)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = tw_test_sim_request_full (sim, flavor, "POST", "/_sim/health", json, &status);
  if (status != SOUP_STATUS_OK)
    {
      g_autofree char *text = json_to_string (answer, FALSE);

      g_error ("The simulator refused the health change %s (%u): %s", json, status, text);
    }
}

void
tw_test_sim_scenario (TwSimThread *sim,
                      const char  *json)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = tw_test_sim_request_full (sim, "investiq", "POST", "/_sim/scenario", json, &status);
  if (status != SOUP_STATUS_OK)
    {
      g_autofree char *text = json_to_string (answer, FALSE);

      g_error ("The simulator refused the scenario %s (%u): %s", json, status, text);
    }
}

void
tw_test_sim_clear_faults (TwSimThread *sim)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = tw_test_sim_request_full (sim, "investiq", "DELETE", "/_sim/faults", NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_NO_CONTENT);
}

JsonNode *
tw_test_sim_requests (TwSimThread *sim)
{
  guint status = 0;
  JsonNode *answer;

  answer = tw_test_sim_request_full (sim, "investiq", "GET", "/_sim/requests", NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (answer));
  return answer;
}

static gint64
polygon_failures (TwSimThread *sim)
{
  g_autoptr(JsonNode) node = tw_test_sim_request (sim, "autotrader", "GET",
                                                  "/api/health/circuit-breakers", NULL);
  JsonObject *breakers = json_object_get_object_member (json_node_get_object (node), "breakers");

  return json_object_get_int_member (json_object_get_object_member (breakers, "polygon"),
                                     "failure_count");
}

void
tw_test_sim_wait_ticks (TwSimThread *sim,
                        guint        ms)
{
  tw_test_sim_scenario (sim, "{\"name\":\"source-outage\",\"source\":\"polygon\","
                             "\"failure_threshold\":1000}");
  tw_test_wait_until (polygon_failures (sim) >= ms / 200 + 1, ms + 10000);
}

void
tw_test_answer_free (TwTestAnswer *a)
{
  if (a == NULL)
    return;
  g_clear_pointer (&a->headers, soup_message_headers_unref);
  g_clear_pointer (&a->body, g_bytes_unref);
  g_clear_error (&a->error);
  g_free (a);
}

TwTestAnswer *
tw_test_sim_fetch (TwSimThread *sim,
                   const char  *flavor,
                   const char  *method,
                   const char  *path,
                   TwTestAuth   auth)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autofree char *url = g_strconcat (tw_sim_thread_get_url (sim, flavor), path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  TwTestAnswer *a = g_new0 (TwTestAnswer, 1);

  if (auth != TW_TEST_AUTH_NONE && g_str_equal (flavor, "alpaca"))
    {
      soup_message_headers_replace (headers, "APCA-API-KEY-ID",
                                    tw_sim_thread_get_credential (sim, "alpaca_key_id"));
      soup_message_headers_replace (headers, "APCA-API-SECRET-KEY",
                                    auth == TW_TEST_AUTH_GOOD
                                    ? tw_sim_thread_get_credential (sim, "alpaca_secret")
                                    : "not-the-secret");
    }
  else if (auth != TW_TEST_AUTH_NONE)
    soup_message_headers_replace (headers, "X-API-Key",
                                  auth == TW_TEST_AUTH_GOOD
                                  ? tw_sim_thread_get_credential (sim, "api_key")
                                  : "wrong-key");

  a->body = soup_session_send_and_read (session, msg, NULL, &a->error);
  a->status = soup_message_get_status (msg);
  a->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  return a;
}

JsonNode *
tw_test_answer_json (TwTestAnswer *a)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data;

  g_assert_no_error (a->error);
  data = g_bytes_get_data (a->body, &len);
  json_parser_load_from_data (parser, data, len, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

char *
tw_test_answer_text (TwTestAnswer *a)
{
  g_assert_no_error (a->error);
  return g_strndup (g_bytes_get_data (a->body, NULL), g_bytes_get_size (a->body));
}

gint64
tw_test_sim_last_status (TwSimThread *sim)
{
  g_autoptr(JsonNode) log = tw_test_sim_requests (sim);
  JsonArray *entries = json_node_get_array (log);
  guint n = json_array_get_length (entries);

  g_assert_cmpuint (n, >, 0);
  return json_object_get_int_member (json_array_get_object_element (entries, n - 1), "status");
}

guint
tw_test_sim_status (TwSimThread *sim,
                    const char  *flavor,
                    const char  *method,
                    const char  *path)
{
  g_autoptr(TwTestAnswer) a = tw_test_sim_fetch (sim, flavor, method, path, TW_TEST_AUTH_GOOD);

  return a->status;
}

static gboolean
on_timeout (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
tw_test_run_until (gboolean *done,
                   guint     timeout_ms)
{
  GMainContext *context = g_main_context_default ();
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (tw_test_scale_timeout (timeout_ms), on_timeout, &timed_out);

  while (!*done && !timed_out)
    g_main_context_iteration (context, TRUE);

  if (!timed_out)
    g_source_remove (id);
  return *done;
}

gint64
tw_test_run_queue_wait_us (void)
{
  g_autofree char *text = NULL;
  guint64 run_ns, wait_ns;

  if (!g_file_get_contents ("/proc/thread-self/schedstat", &text, NULL, NULL))
    return -1;
  if (sscanf (text, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &run_ns, &wait_ns) != 2)
    return -1;
  return (gint64) (wait_ns / 1000);
}

static gboolean
keep_ticking (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
tw_test_wait_step (gint64 deadline_us)
{
  guint tick;

  if (g_get_monotonic_time () >= deadline_us)
    return FALSE;
  tick = g_timeout_add (20, keep_ticking, NULL);
  g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return g_get_monotonic_time () < deadline_us;
}

gboolean
tw_test_wait_for (TwTestCondition condition,
                  gpointer        user_data,
                  guint           timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (user_data))
    if (!tw_test_wait_step (deadline))
      return condition (user_data);
  return TRUE;
}
