/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-http.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "tw-clock.h"
#include "tw-error.h"
#include "tw-http-private.h"

/* TwHttp: the one HTTP path. One SoupSession per origin (session_for_uri); each send
 * is a chain of attempts. Each attempt has its own deadline covering connect + headers
 * + body. One internal
 * GCancellable per send is what libsoup sees: the caller's cancellable, the deadline
 * and a refused answer all cancel it, and the flags below say which one did.
 *
 * The deadlines of the attempts in flight share one source of the session's main
 * context (a queue in deadline order): a timeout source each cost its attach and
 * destroy, and every main-loop iteration walked all of them (hundreds of requests a
 * second, dozens waiting in libsoup's queue at once). An attempt sent from another
 * thread-default context runs a timeout source of its own there. */

#define READ_CHUNK        (64 * 1024)
/* The first read of a body: most answers of a poll fit; later reads double it. */
#define READ_FIRST_CHUNK  (8 * 1024)
/* Read in one go when it has come already (read_next) */
#define READ_NOW_MAX      (256 * 1024)
#define BACKOFF_BASE_MS   250
#define BACKOFF_MAX_MS    5000
#define RETRY_AFTER_MAX_S 30
#define MAX_CONNS_PER_HOST 2

/* A debug line is formatted only when it would be shown (G_MESSAGES_DEBUG names the
 * domain, or g_log_set_debug_enabled()): g_debug() formats it always, and a poll of
 * every service every second made that 0.7 % of the console's samples. */
#define http_debug(...) \
  G_STMT_START { \
    if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN)) \
      g_debug (__VA_ARGS__); \
  } G_STMT_END

struct _TwHttp
{
  GObject       parent_instance;

  GMutex        sessions_lock;
  GHashTable   *sessions;           /* Origin → SoupSession */
  guint64       n_requests;

  /* The shared deadlines: attempts sent from deadline_context, soonest first. */
  GMainContext *deadline_context;
  GSource      *deadline_source;
  GQueue        deadlines;          /* SendData*, through their deadline_link */
};

G_DEFINE_FINAL_TYPE (TwHttp, tw_http, G_TYPE_OBJECT)

typedef struct
{
  TwHttpRequest  *request;
  GUri           *uri;
  char           *service;         /* GRefString, the request's */
  char           *what;            /* GRefString, the request's */
  GMainContext   *context;
  GCancellable   *cancellable;     /* internal, handed to libsoup */
  GCancellable   *caller;
  gulong          caller_handler;
  GSource        *timer;           /* an attempt's own timer, off the session's context */
  GList           deadline_link;   /* in the session's deadlines while one runs */
  gint64          deadline_us;     /* 0 when none runs */
  TwHttp         *http;            /* unowned: the task holds it */
  SoupSession    *session;         /* the origin's */
  GSource        *wait_source;
  GSource        *wait_cancel_source;
  SoupMessage    *message;
  GInputStream   *stream;
  GByteArray     *buffer;
  guint           read_offset;     /* where the read in flight writes into buffer */
  gboolean        pollable;        /* stream can be read without blocking */
  goffset         expected;        /* the body's Content-Length, -1 when not given */
  TwHttpResponse *response;        /* the last attempt's answer, if any */
  guint           attempts;
  gint64          started_us;
  gboolean        timed_out;
} SendData;

static void start_attempt (GTask *task);

/* The key of a session: looked up by an Origin on the stack pointing into the request's
 * GUri, for every request (a "scheme://host:port" string built each time cost its
 * format, copy and free). */
typedef struct
{
  char *scheme;
  char *host;
  int   port;
} Origin;

static guint
origin_hash (gconstpointer data)
{
  const Origin *origin = data;

  return (g_str_hash (origin->host) * 31 + (guint) origin->port) * 31 + g_str_hash (origin->scheme);
}

static gboolean
origin_equal (gconstpointer a,
              gconstpointer b)
{
  const Origin *origin_a = a, *origin_b = b;

  return origin_a->port == origin_b->port && g_str_equal (origin_a->host, origin_b->host)
         && g_str_equal (origin_a->scheme, origin_b->scheme);
}

static void
origin_free (gpointer data)
{
  Origin *origin = data;

  g_free (origin->scheme);
  g_free (origin->host);
  g_free (origin);
}

/* The session of @uri's origin, made on its first request. One SoupSession for every
 * host cost each request a read of every idle connection of every host: libsoup 3.2
 * checks them all (soup_connection_manager_cleanup () → soup_connection_is_idle_open (),
 * a one-byte non-blocking recv each, failing with EAGAIN and a GError) whenever it runs
 * its queue and picks a connection, and a profile polls dozens of hosts every second.
 * One session per origin checks at most its own MAX_CONNS_PER_HOST; and a host's
 * requests never close another host's idle connection to make room (one session with
 * libsoup's 10 connections in all did, for every request past the tenth host). */
static SoupSession *
session_for_uri (TwHttp *self,
                 GUri   *uri)
{
  Origin key = { (char *) g_uri_get_scheme (uri), (char *) g_uri_get_host (uri),
                 g_uri_get_port (uri) };
  SoupSession *session;

  g_mutex_lock (&self->sessions_lock);
  session = g_hash_table_lookup (self->sessions, &key);
  if (session == NULL)
    {
      Origin *origin;

      /* No session timeout: each request runs its own timer. Redirects are refused per
       * message. Certificates are always verified (libsoup's default, never changed). */
      session = soup_session_new_with_options ("user-agent", "TradeWarden/" PACKAGE_VERSION,
                                               "timeout", 0,
                                               "idle-timeout", 60,
                                               "max-conns-per-host", MAX_CONNS_PER_HOST,
                                               "max-conns", MAX_CONNS_PER_HOST,
                                               NULL);
      /* Credentials are the connector's headers, read from the keyring; a 401 is the
       * connector's to report. libsoup's auth manager would only use a URL's own
       * userinfo (which profiles refuse) and answer its "authenticate" signal (which
       * no one connects), and it hooks five handlers onto every message, looks its URL
       * up in its cache and takes the handlers off again: some 46,000 instructions of
       * the 660,000 a poll cost in callgrind. */
      soup_session_remove_feature_by_type (session, SOUP_TYPE_AUTH_MANAGER);
      origin = g_new (Origin, 1);
      origin->scheme = g_strdup (key.scheme);
      origin->host = g_strdup (key.host);
      origin->port = key.port;
      g_hash_table_insert (self->sessions, origin, session);
    }
  g_object_ref (session);
  g_mutex_unlock (&self->sessions_lock);

  return session;
}

static void
on_stream_closed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  /* Closing after an error or a refusal fails by design; nothing to report. */
  g_input_stream_close_finish (G_INPUT_STREAM (source), result, NULL);
}

/* After the body's end was read: libsoup has nothing left to read, so closing does not
 * block, and costs no main-loop round (closing asynchronously waits for the message's
 * source and completes in an idle). */
static void
close_stream_at_end (SendData *data)
{
  g_autoptr(GInputStream) stream = g_steal_pointer (&data->stream);

  if (stream != NULL)
    g_input_stream_close (stream, NULL, NULL);
}

/* Never while a read is pending: only from the read's own callback or after it. */
static void
close_stream (SendData *data)
{
  g_autoptr(GInputStream) stream = g_steal_pointer (&data->stream);

  if (stream != NULL)
    g_input_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, on_stream_closed, NULL);
}

static void
stop_timer (SendData *data)
{
  if (data->timer != NULL)
    g_source_destroy (data->timer);
  g_clear_pointer (&data->timer, g_source_unref);
  /* Leaving the queue never moves the source: it fires at worst once, early. */
  if (data->deadline_us != 0)
    {
      g_queue_unlink (&data->http->deadlines, &data->deadline_link);
      data->deadline_us = 0;
    }
}

static void
clear_sources (SendData *data)
{
  stop_timer (data);
  if (data->wait_source != NULL)
    g_source_destroy (data->wait_source);
  g_clear_pointer (&data->wait_source, g_source_unref);
  if (data->wait_cancel_source != NULL)
    g_source_destroy (data->wait_cancel_source);
  g_clear_pointer (&data->wait_cancel_source, g_source_unref);
}

static void
send_data_free (SendData *data)
{
  if (data->caller_handler != 0)
    g_cancellable_disconnect (data->caller, data->caller_handler);
  clear_sources (data);
  close_stream (data);
  g_clear_pointer (&data->request, tw_http_request_unref);
  g_clear_pointer (&data->uri, g_uri_unref);
  g_clear_pointer (&data->service, g_ref_string_release);
  g_clear_pointer (&data->what, g_ref_string_release);
  g_clear_pointer (&data->context, g_main_context_unref);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->caller);
  g_clear_object (&data->message);
  g_clear_object (&data->session);
  if (data->buffer != NULL)
    g_byte_array_unref (data->buffer);
  g_clear_pointer (&data->response, tw_http_response_unref);
  g_free (data);
}

static gboolean
caller_cancelled (SendData *data)
{
  return data->caller != NULL && g_cancellable_is_cancelled (data->caller);
}

static void
return_error (GTask  *task,
              GError *error)
{
  SendData *data = g_task_get_task_data (task);

  clear_sources (data);
  http_debug ("%s: %s failed: %s", data->service, data->what,
              error->domain == TW_ERROR ? tw_error_nick (error->code) : "cancelled");
  g_task_return_error (task, error);
}

static gboolean
retries_left (SendData *data)
{
  return data->attempts <= data->request->max_retries;
}

static gboolean
is_get (SendData *data)
{
  return g_str_equal (data->request->method, "GET");
}

/* Exponential backoff with "equal jitter": half the delay fixed, half random, so the
 * retries of many clients spread out. @retry_index is 0 for the first retry. */
static guint
backoff_ms (guint retry_index)
{
  guint delay = BACKOFF_BASE_MS << MIN (retry_index, 5u);

  delay = MIN (delay, BACKOFF_MAX_MS);
  return delay / 2 + (guint) g_random_int_range (0, (gint32) (delay / 2) + 1);
}

/* What the server asked to wait, in seconds (Retry-After as seconds or an HTTP date,
 * else X-Ratelimit-Reset as epoch seconds); -1 if it did not say. */
static gint64
retry_after_seconds (TwHttpResponse *response)
{
  const char *value = tw_http_response_get_header (response, "Retry-After");
  gint64 now_s = g_get_real_time () / G_USEC_PER_SEC;

  if (value != NULL)
    {
      guint64 seconds;
      g_autoptr(GDateTime) date = NULL;

      while (g_ascii_isspace (*value))
        value++;
      if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT32, &seconds, NULL))
        return (gint64) seconds;

      date = soup_date_time_new_from_http_string (value);
      if (date != NULL)
        return MAX (0, g_date_time_to_unix (date) - now_s);
    }

  value = tw_http_response_get_header (response, "X-Ratelimit-Reset");
  if (value != NULL)
    {
      guint64 reset;

      if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT64, &reset, NULL))
        {
          /* An epoch time; a small number can only be a delay in seconds. */
          if (reset > 1000000000)
            return MAX (0, (gint64) reset - now_s);
          return (gint64) reset;
        }
    }

  return -1;
}

static gboolean
on_wait_done (gpointer user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);
  SendData *data = g_task_get_task_data (task);

  clear_sources (data);
  start_attempt (task);
  return G_SOURCE_REMOVE;
}

static gboolean
on_wait_cancelled (GCancellable *cancellable,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);
  SendData *data = g_task_get_task_data (task);

  return_error (task, _tw_http_error_cancelled (data->request));
  return G_SOURCE_REMOVE;
}

static void
retry_later (GTask *task,
             guint  delay_ms)
{
  SendData *data = g_task_get_task_data (task);

  http_debug ("%s: %s, retry %u in %u ms", data->service, data->what, data->attempts, delay_ms);

  data->wait_source = g_timeout_source_new (delay_ms);
  g_source_set_static_name (data->wait_source, "[tw-http] retry wait");
  g_source_set_callback (data->wait_source, on_wait_done, g_object_ref (task), g_object_unref);
  g_source_attach (data->wait_source, data->context);

  data->wait_cancel_source = g_cancellable_source_new (data->cancellable);
  g_source_set_static_name (data->wait_cancel_source, "[tw-http] retry cancel");
  g_source_set_callback (data->wait_cancel_source, G_SOURCE_FUNC (on_wait_cancelled),
                         g_object_ref (task), g_object_unref);
  g_source_attach (data->wait_cancel_source, data->context);
}

static gboolean
on_timeout (gpointer user_data)
{
  SendData *data = user_data;

  data->timed_out = TRUE;
  g_clear_pointer (&data->timer, g_source_unref);
  g_cancellable_cancel (data->cancellable);
  return G_SOURCE_REMOVE;
}

/* The source fires when the soonest deadline may have passed; attempts that ended
 * since left the queue, so it may find none due. */
static gboolean
on_deadlines (gpointer user_data)
{
  g_autoptr(TwHttp) self = g_object_ref (user_data);
  gint64 now = g_get_monotonic_time ();
  GList *head;

  while ((head = g_queue_peek_head_link (&self->deadlines)) != NULL &&
         ((SendData *) head->data)->deadline_us <= now)
    {
      SendData *data = head->data;

      g_queue_unlink (&self->deadlines, head);
      data->deadline_us = 0;
      data->timed_out = TRUE;
      /* Handlers of the cancel may end other attempts: the head is looked up again. */
      g_cancellable_cancel (data->cancellable);
    }

  head = g_queue_peek_head_link (&self->deadlines);
  if (self->deadline_source != NULL)
    g_source_set_ready_time (self->deadline_source,
                             head != NULL ? ((SendData *) head->data)->deadline_us : -1);
  return G_SOURCE_CONTINUE;
}

static void
start_timer (TwHttp   *self,
             SendData *data,
             guint     timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  GList *before;

  if (self->deadline_source == NULL)
    {
      self->deadline_context = g_main_context_ref (data->context);
      self->deadline_source = tw_ready_time_source_new (self->deadline_context,
                                                        "[tw-http] request deadlines",
                                                        on_deadlines, self, NULL);
    }

  if (data->context != self->deadline_context)
    {
      data->timer = g_timeout_source_new (timeout_ms);
      g_source_set_static_name (data->timer, "[tw-http] request timeout");
      g_source_set_callback (data->timer, on_timeout, data, NULL);
      g_source_attach (data->timer, data->context);
      return;
    }

  /* Most requests have the same timeout: their place is at the tail. */
  data->deadline_us = deadline;
  data->deadline_link.data = data;
  for (before = self->deadlines.tail; before != NULL; before = before->prev)
    if (((SendData *) before->data)->deadline_us <= deadline)
      break;
  if (before != NULL)
    g_queue_insert_after_link (&self->deadlines, before, &data->deadline_link);
  else
    g_queue_push_head_link (&self->deadlines, &data->deadline_link);

  /* Only a sooner deadline moves the source (each move wakes the main loop). */
  if (g_source_get_ready_time (self->deadline_source) < 0 ||
      deadline < g_source_get_ready_time (self->deadline_source))
    g_source_set_ready_time (self->deadline_source, deadline);
}

/* The attempt ended without an answer (refused, reset, dropped, timed out…). */
static void
attempt_failed (GTask        *task,
                const GError *error)
{
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GError) mapped = NULL;

  stop_timer (data);

  if (caller_cancelled (data))
    {
      return_error (task, _tw_http_error_cancelled (data->request));
      return;
    }
  if (data->timed_out)
    {
      return_error (task, _tw_http_error_timeout (data->request));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      return_error (task, _tw_http_error_cancelled (data->request));
      return;
    }

  mapped = _tw_http_error_for_network (data->request, error);
  http_debug ("%s: %s attempt %u: %s", data->service, data->what, data->attempts,
              error->message);

  /* The request may have been acted on before the connection broke: only GET is
   * safe to send again. A timeout is never retried, pollers report it promptly. */
  if (mapped->code == TW_ERROR_UNREACHABLE && is_get (data) && retries_left (data))
    {
      retry_later (task, backoff_ms (data->attempts - 1));
      return;
    }

  return_error (task, g_steal_pointer (&mapped));
}

static void
refuse_too_large (GTask *task)
{
  SendData *data = g_task_get_task_data (task);

  stop_timer (data);
  data->response->latency_us = g_get_monotonic_time () - data->started_us;
  if (data->buffer != NULL)
    g_byte_array_set_size (data->buffer, 0);

  /* Cancelling the message makes libsoup drop the connection rather than read the
   * rest of the body to keep it alive. */
  g_cancellable_cancel (data->cancellable);
  close_stream (data);

  return_error (task, _tw_http_error_too_large (data->request));
}

/* The body could not be read to its end. */
static void
body_failed (GTask        *task,
             const GError *error)
{
  SendData *data = g_task_get_task_data (task);
  gsize received = data->buffer->len;

  stop_timer (data);
  data->response->latency_us = g_get_monotonic_time () - data->started_us;
  g_bytes_unref (data->response->body);
  data->response->body = g_byte_array_free_to_bytes (g_steal_pointer (&data->buffer));
  close_stream (data);

  if (caller_cancelled (data))
    {
      return_error (task, _tw_http_error_cancelled (data->request));
      return;
    }
  if (data->timed_out)
    {
      return_error (task, _tw_http_error_timeout (data->request));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      return_error (task, _tw_http_error_cancelled (data->request));
      return;
    }

  http_debug ("%s: %s body cut off: %s", data->service, data->what, error->message);
  return_error (task, _tw_http_error_cut_off (data->request, received));
}

/* The server answered and the whole body was read. */
static void
attempt_answered (GTask *task)
{
  SendData *data = g_task_get_task_data (task);
  TwHttpResponse *response = data->response;
  guint status = response->status;
  guint server_wait_ms;
  gint64 wait_s;

  stop_timer (data);
  response->latency_us = g_get_monotonic_time () - data->started_us;
  g_bytes_unref (response->body);
  response->body = g_byte_array_free_to_bytes (g_steal_pointer (&data->buffer));
  close_stream_at_end (data);

  http_debug ("%s: %s → %u in %" G_GINT64_FORMAT " µs (attempt %u)", data->service,
              data->what, status, response->latency_us, data->attempts);

  if (status >= 200 && status < 300)
    {
      clear_sources (data);
      g_task_return_boolean (task, TRUE);
      return;
    }

  wait_s = retry_after_seconds (response);
  server_wait_ms = wait_s >= 0 ? (guint) MIN (wait_s, RETRY_AFTER_MAX_S) * 1000 : 0;

  /* 429: the server did not act on the request, so any method may be sent again. */
  if (status == 429)
    {
      if (retries_left (data))
        retry_later (task, wait_s >= 0 ? server_wait_ms : backoff_ms (data->attempts - 1));
      else
        return_error (task, _tw_http_error_for_status (response, wait_s));
      return;
    }

  if ((status == 502 || status == 503 || status == 504) && is_get (data) && retries_left (data))
    {
      retry_later (task, (status == 503 && wait_s >= 0)
                         ? server_wait_ms : backoff_ms (data->attempts - 1));
      return;
    }

  return_error (task, _tw_http_error_for_status (response, -1));
}

static void read_next (GTask *task);

/* What a read gave. FALSE when the body is done with: answered, failed or refused. */
static gboolean
body_read (GTask        *task,
           gssize        n,
           const GError *error)
{
  SendData *data = g_task_get_task_data (task);

  /* The buffer holds what was read: the room given to the read is given back. */
  g_byte_array_set_size (data->buffer, data->read_offset + MAX (n, 0));
  if (n < 0)
    {
      body_failed (task, error);
      return FALSE;
    }
  if (n == 0)
    {
      attempt_answered (task);
      return FALSE;
    }
  if (data->buffer->len > data->request->max_body)
    {
      refuse_too_large (task);
      return FALSE;
    }
  return TRUE;
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (body_read (task, n, error))
    read_next (task);
}

/* Makes room for the next read at the buffer's end and returns its size: with a
 * Content-Length, what is left of it; otherwise room for 8 kB first and then as much
 * again as was read, at most 64 kB a read. */
static gsize
prepare_read (SendData *data)
{
  gsize room = data->request->max_body + 1 - data->buffer->len;
  gsize chunk = CLAMP ((gsize) data->buffer->len, READ_FIRST_CHUNK, READ_CHUNK);

  /* A body of a told length: the rest of it and one byte, to see its end (or more). */
  if (data->expected >= 0 && (goffset) data->buffer->len < data->expected)
    chunk = MIN ((gsize) (data->expected - data->buffer->len) + 1, (gsize) READ_CHUNK);
  else if (data->expected >= 0)
    chunk = 1;

  /* Never ask for more than one byte past the cap. */
  chunk = MIN (chunk, room);
  data->read_offset = data->buffer->len;
  g_byte_array_set_size (data->buffer, data->read_offset + chunk);
  return chunk;
}

/* Reads straight into the body's buffer (no GBytes per read, no copy). What has come
 * already is read at once, without the main loop's round and the GTask of an
 * asynchronous read each time: a poll's answer mostly comes with its headers, and its
 * end is then known at once too. At most READ_NOW_MAX so, then the main loop runs:
 * a large body still lets the window draw. */
static void
read_next (GTask *task)
{
  SendData *data = g_task_get_task_data (task);
  gsize read_now = 0;
  gsize chunk;

  while (data->pollable && read_now < READ_NOW_MAX)
    {
      g_autoptr(GError) error = NULL;
      gssize n;

      chunk = prepare_read (data);
      n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (data->stream),
                                                    data->buffer->data + data->read_offset, chunk,
                                                    data->cancellable, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_byte_array_set_size (data->buffer, data->read_offset);
          break;
        }
      if (!body_read (task, n, error))
        return;
      read_now += n;
    }

  chunk = prepare_read (data);
  g_input_stream_read_async (data->stream, data->buffer->data + data->read_offset, chunk,
                             G_PRIORITY_DEFAULT, data->cancellable, on_read, g_object_ref (task));
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  GInputStream *stream;

  stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (stream == NULL)
    {
      attempt_failed (task, error);
      return;
    }

  data->stream = stream;
  data->pollable = G_IS_POLLABLE_INPUT_STREAM (stream) &&
                   g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (stream));
  headers = soup_message_get_response_headers (data->message);
  data->response = _tw_http_response_new (soup_message_get_status (data->message), headers,
                                          data->service, data->what);
  data->response->attempts = data->attempts;

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > (goffset) data->request->max_body &&
      !g_str_equal (data->request->method, "HEAD"))
    {
      refuse_too_large (task);
      return;
    }

  /* With a Content-Length, the buffer is allocated once, to the size (and one byte). */
  data->expected = soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
                   ? soup_message_headers_get_content_length (headers) : -1;
  if (data->expected >= 0 && data->expected < (goffset) data->request->max_body)
    data->buffer = g_byte_array_sized_new ((guint) data->expected + 1);
  else
    data->buffer = g_byte_array_new ();
  read_next (task);
}

static void
start_attempt (GTask *task)
{
  TwHttp *self = g_task_get_source_object (task);
  SendData *data = g_task_get_task_data (task);
  TwHttpRequest *request = data->request;
  SoupMessageHeaders *headers;
  gboolean has_accept = FALSE;

  data->attempts++;
  self->n_requests++;
  data->timed_out = FALSE;
  g_clear_pointer (&data->response, tw_http_response_unref);
  g_clear_object (&data->message);

  data->message = soup_message_new_from_uri (request->method, data->uri);
  soup_message_add_flags (data->message, SOUP_MESSAGE_NO_REDIRECT);
  if (request->body != NULL)
    soup_message_set_request_body_from_bytes (data->message, "application/json",
                                              request->body);

  headers = soup_message_get_request_headers (data->message);
  for (guint i = 0; i < request->header_names->len; i++)
    {
      const char *name = g_ptr_array_index (request->header_names, i);

      has_accept |= g_ascii_strcasecmp (name, "Accept") == 0;
      soup_message_headers_replace (headers, name, g_ptr_array_index (request->header_values, i));
    }
  if (!has_accept)
    soup_message_headers_replace (headers, "Accept", "application/json");

  start_timer (self, data, request->timeout_ms);

  data->started_us = g_get_monotonic_time ();
  soup_session_send_async (data->session, data->message, G_PRIORITY_DEFAULT,
                           data->cancellable, on_sent, g_object_ref (task));
}

static void
on_caller_cancelled (GCancellable *caller,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/**
 * tw_http_send_async:
 * @self: a #TwHttp
 * @request: what to send
 * @cancellable: (nullable): cancels the request, retries included
 *
 * Sends @request, retrying as its method and the answers allow. Runs on the
 * thread-default main context of the caller.
 */
void
tw_http_send_async (TwHttp              *self,
                    TwHttpRequest       *request,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SendData *data;

  g_return_if_fail (TW_IS_HTTP (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_http_send_async);
  g_task_set_name (task, "[tw-http] send");
  /* Our own errors say more than GIO's "Operation was cancelled". */
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (SendData, 1);
  data->http = self;
  data->request = tw_http_request_ref (request);
  data->context = g_main_context_ref_thread_default ();
  data->cancellable = g_cancellable_new ();
  _tw_http_request_get_cached (request, &data->uri, &data->service, &data->what);
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);

  if (data->uri == NULL ||
      (g_strcmp0 (g_uri_get_scheme (data->uri), "http") != 0 &&
       g_strcmp0 (g_uri_get_scheme (data->uri), "https") != 0) ||
      g_uri_get_host (data->uri) == NULL || g_uri_get_host (data->uri)[0] == '\0')
    {
      g_autofree char *shown = _tw_http_request_dup_display_base (request);

      g_task_return_new_error (task, TW_ERROR, TW_ERROR_INVALID,
                               _("The base URL “%s” of %s is not a valid http:// or https:// "
                                 "address. Correct it in the profile."), shown, data->service);
      return;
    }
  data->session = session_for_uri (self, data->uri);

  if (cancellable != NULL)
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          g_task_return_error (task, _tw_http_error_cancelled (request));
          return;
        }
      data->caller = g_object_ref (cancellable);
      data->caller_handler = g_cancellable_connect (cancellable,
                                                    G_CALLBACK (on_caller_cancelled),
                                                    g_object_ref (data->cancellable),
                                                    g_object_unref);
    }

  start_attempt (task);
}

/**
 * tw_http_send_finish:
 * @response: (out) (optional) (nullable): the last answer, whenever there was one
 *
 * Returns: %TRUE for a 2xx answer
 */
gboolean
tw_http_send_finish (TwHttp          *self,
                     GAsyncResult    *result,
                     TwHttpResponse **response,
                     GError         **error)
{
  SendData *data;

  g_return_val_if_fail (TW_IS_HTTP (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tw_http_send_async, FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (response != NULL)
    *response = data->response != NULL ? tw_http_response_ref (data->response) : NULL;

  return g_task_propagate_boolean (G_TASK (result), error);
}

guint64
tw_http_get_n_requests (TwHttp *self)
{
  g_return_val_if_fail (TW_IS_HTTP (self), 0);

  return self->n_requests;
}

/* For tests: the sessions made so far, one per origin. */
guint
_tw_http_get_n_sessions (TwHttp *self)
{
  guint n;

  g_return_val_if_fail (TW_IS_HTTP (self), 0);

  g_mutex_lock (&self->sessions_lock);
  n = g_hash_table_size (self->sessions);
  g_mutex_unlock (&self->sessions_lock);
  return n;
}

TwHttp *
tw_http_new (void)
{
  return g_object_new (TW_TYPE_HTTP, NULL);
}

static void
tw_http_dispose (GObject *object)
{
  TwHttp *self = TW_HTTP (object);

  g_clear_pointer (&self->sessions, g_hash_table_unref);
  if (self->deadline_source != NULL)
    g_source_destroy (self->deadline_source);
  g_clear_pointer (&self->deadline_source, g_source_unref);
  g_clear_pointer (&self->deadline_context, g_main_context_unref);

  G_OBJECT_CLASS (tw_http_parent_class)->dispose (object);
}

static void
tw_http_finalize (GObject *object)
{
  TwHttp *self = TW_HTTP (object);

  g_mutex_clear (&self->sessions_lock);

  G_OBJECT_CLASS (tw_http_parent_class)->finalize (object);
}

static void
tw_http_class_init (TwHttpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tw_http_dispose;
  object_class->finalize = tw_http_finalize;
}

static void
tw_http_init (TwHttp *self)
{
  g_mutex_init (&self->sessions_lock);
  self->sessions = g_hash_table_new_full (origin_hash, origin_equal, origin_free, g_object_unref);
}
