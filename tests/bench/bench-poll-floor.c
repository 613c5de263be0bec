/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

/* bench-poll-floor: the floor of bench-poll, what polling costs the HTTP library itself.
 *
 * A minimal client written against the same libraries as the console and nothing else:
 * one SoupSession (the console's options: its user agent, no session timeout, 60 s idle
 * timeout, 2 connections per host and 256 in all, no auth manager), the given GET
 * requests with the given headers (and the console's default "Accept:
 * application/json"), each sent once per interval, staggered evenly over the interval
 * and started from one timer on 100 ms slots like the console's poller scheduler,
 * never two of the same at once, every body parsed with a JsonParser.
 *
 * The request set comes on stdin as JSON (it carries the simulator's demo credentials,
 * so it is never written to a file):
 *
 *   { "requests": [ { "url": "http://127.0.0.1:P/path?query",
 *                     "headers": { "Name": "value", … } }, … ] }
 *
 * After --warmup seconds it measures --seconds of its own CPU (getrusage RUSAGE_SELF)
 * and prints one line:
 *
 *   FLOOR requests=N ok=N failed=N cpu_s=X wall_s=X bytes=N
 *
 * Run by bench-poll (see tests/bench/README.md), not alone. */

#include <gio/gunixinputstream.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#define SLOT_US (100 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  GUri        *uri;
  GPtrArray   *header_names;
  GPtrArray   *header_values;
  gint64       due_us;
  gboolean     in_flight;
} Request;

typedef struct
{
  SoupSession *session;
  GPtrArray   *requests;
  guint        interval_ms;
  gboolean     counting;
  guint        sent;
  guint        ok;
  guint        failed;
  guint64      bytes;
  GMainLoop   *loop;
} Floor;

typedef struct
{
  Floor   *floor;
  Request *request;
} Call;

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static void
request_free (gpointer data)
{
  Request *request = data;

  g_uri_unref (request->uri);
  g_ptr_array_unref (request->header_names);
  g_ptr_array_unref (request->header_values);
  g_free (request);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Call *call = user_data;
  Floor *floor = call->floor;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body != NULL && SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      ok = json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                       g_bytes_get_size (body), NULL);
    }
  if (floor->counting)
    {
      floor->ok += ok;
      floor->failed += !ok;
      floor->bytes += body != NULL ? g_bytes_get_size (body) : 0;
    }
  call->request->in_flight = FALSE;
  g_free (call);
}

static void
send_request (Floor   *floor,
              Request *request)
{
  g_autoptr(SoupMessage) msg = NULL;
  SoupMessageHeaders *headers;
  Call *call;

  if (request->in_flight)
    return;
  msg = soup_message_new_from_uri ("GET", request->uri);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (msg);
  for (guint i = 0; i < request->header_names->len; i++)
    soup_message_headers_replace (headers, g_ptr_array_index (request->header_names, i),
                                  g_ptr_array_index (request->header_values, i));
  if (soup_message_headers_get_one (headers, "Accept") == NULL)
    soup_message_headers_replace (headers, "Accept", "application/json");

  call = g_new0 (Call, 1);
  call->floor = floor;
  call->request = request;
  request->in_flight = TRUE;
  floor->sent += floor->counting;
  soup_session_send_and_read_async (floor->session, msg, G_PRIORITY_DEFAULT, NULL, on_read, call);
}

/* One timer on 100 ms slots: the requests due are sent, each then due an interval later. */
static gboolean
tick_cb (gpointer user_data)
{
  Floor *floor = user_data;
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; i < floor->requests->len; i++)
    {
      Request *request = g_ptr_array_index (floor->requests, i);

      if (request->due_us > now)
        continue;
      request->due_us += (gint64) floor->interval_ms * 1000;
      if (request->due_us <= now)
        request->due_us = now + (gint64) floor->interval_ms * 1000;
      send_request (floor, request);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
run_for (Floor *floor,
         double seconds)
{
  guint id = g_timeout_add ((guint) (seconds * 1000), quit_cb, floor->loop);

  g_main_loop_run (floor->loop);
  (void) id;
}

static gboolean
load_requests (Floor   *floor,
               GError **error)
{
  g_autoptr(GInputStream) in = g_unix_input_stream_new (0, FALSE);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *array;
  JsonNode *root;
  gint64 start = g_get_monotonic_time ();

  if (!json_parser_load_from_stream (parser, in, NULL, error))
    return FALSE;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "requests"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "stdin is no {\"requests\": […]}");
      return FALSE;
    }
  array = json_object_get_array_member (json_node_get_object (root), "requests");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      JsonObject *headers = json_object_get_object_member (object, "headers");
      Request *request = g_new0 (Request, 1);
      g_autoptr(GList) names = NULL;

      request->uri = g_uri_parse (json_object_get_string_member (object, "url"),
                                  SOUP_HTTP_URI_FLAGS, error);
      request->header_names = g_ptr_array_new_with_free_func (g_free);
      request->header_values = g_ptr_array_new_with_free_func (g_free);
      if (request->uri == NULL)
        {
          request_free (request);
          return FALSE;
        }
      names = headers != NULL ? json_object_get_members (headers) : NULL;
      for (GList *l = names; l != NULL; l = l->next)
        {
          g_ptr_array_add (request->header_names, g_strdup (l->data));
          g_ptr_array_add (request->header_values,
                           g_strdup (json_object_get_string_member (headers, l->data)));
        }
      g_ptr_array_add (floor->requests, request);
    }
  if (floor->requests->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "no requests on stdin");
      return FALSE;
    }

  /* Staggered evenly over the interval, from the next slot. */
  start = (start + SLOT_US - 1) / SLOT_US * SLOT_US;
  for (guint i = 0; i < floor->requests->len; i++)
    {
      Request *request = g_ptr_array_index (floor->requests, i);

      request->due_us = start + (gint64) floor->interval_ms * 1000 * i / floor->requests->len;
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int seconds = 30, warmup = 3, interval = 1;
  GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Measured window (default 30)", "S" },
    { "warmup", 0, 0, G_OPTION_ARG_INT, &warmup, "Seconds before it (default 3)", "S" },
    { "interval", 0, 0, G_OPTION_ARG_INT, &interval, "Interval in seconds (default 1)", "S" },
    { NULL }
  };
  Floor floor = { 0 };
  double cpu0, cpu1;
  gint64 t0, t1;
  guint source;

  context = g_option_context_new ("— the floor of bench-poll: bare libsoup + json-glib polling");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || seconds < 1 || interval < 1)
    {
      g_printerr ("bench-poll-floor: %s\n", error != NULL ? error->message : "bad arguments");
      return EXIT_FAILURE;
    }

  floor.interval_ms = (guint) interval * 1000;
  floor.requests = g_ptr_array_new_with_free_func (request_free);
  if (!load_requests (&floor, &error))
    {
      g_printerr ("bench-poll-floor: %s\n", error->message);
      return EXIT_FAILURE;
    }
  floor.session = soup_session_new_with_options ("user-agent", "TradeWarden/" PACKAGE_VERSION,
                                                 "timeout", 0,
                                                 "idle-timeout", 60,
                                                 "max-conns-per-host", 2,
                                                 "max-conns", 256,
                                                 NULL);
  /* The console's sessions have no auth manager (its credentials are headers). */
  soup_session_remove_feature_by_type (floor.session, SOUP_TYPE_AUTH_MANAGER);
  floor.loop = g_main_loop_new (NULL, FALSE);

  source = g_timeout_add (SLOT_US / 1000, tick_cb, &floor);
  run_for (&floor, warmup);

  floor.counting = TRUE;
  t0 = g_get_monotonic_time ();
  cpu0 = cpu_seconds ();
  run_for (&floor, seconds);
  cpu1 = cpu_seconds ();
  t1 = g_get_monotonic_time ();
  floor.counting = FALSE;
  g_source_remove (source);

  printf ("FLOOR requests=%u ok=%u failed=%u cpu_s=%.4f wall_s=%.3f bytes=%" G_GUINT64_FORMAT "\n",
          floor.sent, floor.ok, floor.failed, cpu1 - cpu0, (t1 - t0) / 1e6, floor.bytes);
  fflush (stdout);

  g_main_loop_unref (floor.loop);
  g_object_unref (floor.session);
  g_ptr_array_unref (floor.requests);
  return floor.ok > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
