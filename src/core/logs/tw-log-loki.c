/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-log-loki.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tw-error.h"
#include "tw-http.h"
#include "tw-json.h"
#include "tw-log-format.h"
#include "tw-log-loki-private.h"

#define DEFAULT_SINCE_S      3600
#define DEFAULT_MAX_LINES    20000
#define DEFAULT_PAGE_SIZE    1000
#define MAX_PAGE_SIZE        5000   /* Loki's default max_entries_limit_per_query */
#define DEFAULT_POLL_MS      2000
#define DEFAULT_BACKOFF_MS   1000
#define MAX_BACKOFF_MS       30000
#define MAX_BODY             (64 * 1024 * 1024)
#define MAX_WS_PAYLOAD       (32 * 1024 * 1024)
#define MAX_PENDING_BYTES    (64 * 1024 * 1024)
#define NS_PER_US            1000

struct _TwLogLoki
{
  gint                ref_count;
  char               *id;
  char               *url;
  char               *query;
  char               *tenant;
  char               *auth;
  char               *user;
  guint               since_s;
  guint               max_lines;
  guint               page_size;
  guint               poll_ms;
  guint               timeout_s;
  guint               backoff_first_ms;
  guint               backoff_ms;

  TwSecrets          *secrets;
  char               *profile;
  char               *secret;

  TwHttp             *http;
  SoupSession        *ws_session;
  GCancellable       *cancellable;
  int                 spool_fd;
  TwLogLokiCallbacks  callbacks;
  gpointer            user_data;
  gboolean            started;
  gboolean            stopped;

  Dedup               dedup;         /* a job's while it runs */
  gint64              resume_ts;     /* ns: the newest entry written, read between jobs */
  GPtrArray          *history;       /* Entry, while the history is read */
  gint64              history_start; /* ns */
  gint64              history_end;   /* ns, exclusive */
  guint               page_start;    /* the last page's first entry in history */

  const char         *mode;
  SoupWebsocketConnection *ws;
  guint               retry_id;
  guint               poll_id;
  GPtrArray          *pending;       /* GBytes of tail messages not ingested yet */
  gsize               pending_bytes;
  gboolean            ingesting;
  guint64             dropped;
};

static TwLogLoki *
loki_ref (TwLogLoki *self)
{
  g_atomic_int_inc (&self->ref_count);
  return self;
}

static void
loki_unref (gpointer data)
{
  TwLogLoki *self = data;

  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;
  if (self->spool_fd >= 0)
    close (self->spool_fd);
  g_clear_object (&self->ws);
  g_clear_object (&self->ws_session);
  g_clear_object (&self->http);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->secrets);
  g_clear_pointer (&self->dedup.seen, g_hash_table_unref);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  if (self->secret != NULL)
    memset (self->secret, 0, strlen (self->secret));
  g_free (self->secret);
  g_free (self->profile);
  g_free (self->id);
  g_free (self->url);
  g_free (self->query);
  g_free (self->tenant);
  g_free (self->auth);
  g_free (self->user);
  g_free (self);
}

static guint
uint_option (GHashTable *options,
             const char *key,
             guint       fallback,
             guint       min,
             guint       max)
{
  const char *value = g_hash_table_lookup (options, key);
  guint64 number;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, min, max, &number, NULL))
    return fallback;
  return number;
}

TwLogLoki *
_tw_log_loki_new (const char  *id,
                  const char  *url,
                  GHashTable  *options,
                  GError     **error)
{
  TwLogLoki *self;
  const char *query = options != NULL ? g_hash_table_lookup (options, "Query") : NULL;
  const char *auth = options != NULL ? g_hash_table_lookup (options, "Auth") : NULL;
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *stripped = query != NULL ? g_strstrip (g_strdup (query)) : NULL;

  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0
                      && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("A Loki log's Path must be the Loki server's URL (http://host:3100), not “%s”."),
                   url);
      return NULL;
    }
  if (stripped == NULL || *stripped == '\0')
    {
      g_set_error_literal (error, TW_ERROR, TW_ERROR_INVALID,
                           _("A Loki log needs a Query: a LogQL selector such as {app=\"trading\"}."));
      return NULL;
    }
  if (auth != NULL && !g_str_equal (auth, "none") && !g_str_equal (auth, "bearer")
      && !g_str_equal (auth, "basic"))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("Unknown Loki Auth “%s”: use none, bearer or basic."), auth);
      return NULL;
    }

  self = g_new0 (TwLogLoki, 1);
  self->ref_count = 1;
  self->spool_fd = -1;
  self->id = g_strdup (id);
  self->url = g_strdup (url);
  while (g_str_has_suffix (self->url, "/"))
    self->url[strlen (self->url) - 1] = '\0';
  self->query = g_strdup (query);
  self->tenant = g_strdup (g_hash_table_lookup (options, "Tenant"));
  self->auth = g_strdup (auth != NULL && !g_str_equal (auth, "none") ? auth : NULL);
  self->user = g_strdup (g_hash_table_lookup (options, "User"));
  self->since_s = uint_option (options, "Since", DEFAULT_SINCE_S, 1, 90 * 24 * 3600);
  self->max_lines = uint_option (options, "MaxLines", DEFAULT_MAX_LINES, 1, 10000000);
  self->page_size = uint_option (options, "PageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
  self->poll_ms = uint_option (options, "PollInterval", DEFAULT_POLL_MS, 50, 3600000);
  self->timeout_s = uint_option (options, "Timeout", 10, 1, 600);
  self->backoff_first_ms = DEFAULT_BACKOFF_MS;
  self->mode = "";
  self->cancellable = g_cancellable_new ();
  self->dedup.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  return self;
}

void
_tw_log_loki_set_secrets (TwLogLoki  *self,
                          TwSecrets  *secrets,
                          const char *profile)
{
  g_set_object (&self->secrets, secrets);
  g_free (self->profile);
  self->profile = g_strdup (profile);
}

void
_tw_log_loki_set_backoff (TwLogLoki *self,
                          guint      first_ms)
{
  self->backoff_first_ms = MAX (first_ms, 10);
}

const char *
_tw_log_loki_get_mode (TwLogLoki *self)
{
  return self->mode;
}

static void
set_problem (TwLogLoki  *self,
             const char *problem)
{
  if (!self->stopped && self->callbacks.problem != NULL)
    self->callbacks.problem (problem, self->user_data);
}

static void
run_job (TwLogLoki           *self,
         Job                 *job,
         GAsyncReadyCallback  callback)
{
  g_autoptr(GTask) task = g_task_new (NULL, self->cancellable, callback, loki_ref (self));

  job->dedup = &self->dedup;
  job->fd = self->spool_fd;
  if (job->entries == NULL)
    job->entries = g_ptr_array_new_with_free_func (_tw_loki_entry_free);
  g_task_set_task_data (task, job, _tw_loki_job_free);
  g_task_set_source_tag (task, run_job);
  self->ingesting = TRUE;
  g_task_run_in_thread (task, _tw_loki_job_thread);
}

/* Requests */

static void
add_auth (TwLogLoki          *self,
          TwHttpRequest      *request,
          SoupMessageHeaders *headers)
{
  g_autofree char *value = NULL;

  if (self->tenant != NULL && *self->tenant != '\0')
    {
      if (request != NULL)
        tw_http_request_add_header (request, "X-Scope-OrgID", self->tenant);
      if (headers != NULL)
        soup_message_headers_replace (headers, "X-Scope-OrgID", self->tenant);
    }
  if (self->secret == NULL)
    return;
  if (g_strcmp0 (self->auth, "bearer") == 0)
    value = g_strdup_printf ("Bearer %s", self->secret);
  else
    {
      g_autofree char *pair = g_strdup_printf ("%s:%s", self->user != NULL ? self->user : "", self->secret);
      g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));

      memset (pair, 0, strlen (pair));
      value = g_strdup_printf ("Basic %s", encoded);
    }
  if (request != NULL)
    tw_http_request_add_header (request, "Authorization", value);
  if (headers != NULL)
    soup_message_headers_replace (headers, "Authorization", value);
  memset (value, 0, strlen (value));
}

static char *
query_path (TwLogLoki  *self,
            const char *endpoint,
            gint64      start,
            gint64      end,
            guint       limit,
            const char *direction)
{
  g_autofree char *query = g_uri_escape_string (self->query, NULL, FALSE);
  GString *path = g_string_new (NULL);

  g_string_append_printf (path, "/loki/api/v1/%s?query=%s&limit=%u&start=%" G_GINT64_FORMAT,
                          endpoint, query, limit, start);
  if (end > 0)
    g_string_append_printf (path, "&end=%" G_GINT64_FORMAT, end);
  if (direction != NULL)
    g_string_append_printf (path, "&direction=%s", direction);
  if (g_str_equal (endpoint, "tail"))
    g_string_append (path, "&delay_for=0");
  return g_string_free (path, FALSE);
}

static void
send_range (TwLogLoki           *self,
            gint64               start,
            gint64               end,
            guint                limit,
            const char          *direction,
            GAsyncReadyCallback  callback)
{
  g_autofree char *path = query_path (self, "query_range", start, end, limit, direction);
  g_autoptr(TwHttpRequest) request = tw_http_request_new ("GET", self->url, path);
  g_autofree char *name = g_strdup_printf ("Loki (%s)", self->id);

  tw_http_request_set_service_name (request, name);
  tw_http_request_set_max_body_size (request, MAX_BODY);
  tw_http_request_set_max_retries (request, 1);
  tw_http_request_set_timeout (request, self->timeout_s * 1000);
  add_auth (self, request, NULL);
  tw_http_send_async (self->http, request, self->cancellable, callback, loki_ref (self));
}

static gint64
now_ns (void)
{
  return g_get_real_time () * NS_PER_US;
}

static void start_live (TwLogLoki *self);
static void schedule_retry (TwLogLoki *self, void (*func) (TwLogLoki *self));
static void next_page (TwLogLoki *self);

/* History: pages backward from now */

static void
history_written_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  TwLogLoki *self = user_data;
  g_autoptr(GError) error = NULL;

  self->ingesting = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!self->stopped)
        set_problem (self, error->message);
      loki_unref (self);
      return;
    }
  if (!self->stopped)
    {
      /* With no history, the live tail starts where it ended. */
      if (self->dedup.max_ts == 0)
        self->dedup.max_ts = self->history_end;
      self->resume_ts = self->dedup.max_ts;
      if (self->callbacks.written != NULL)
        self->callbacks.written (self->user_data);
      if (self->callbacks.loading != NULL)
        self->callbacks.loading (FALSE, self->user_data);
      set_problem (self, NULL);
      start_live (self);
    }
  loki_unref (self);
}

static void
finish_history (TwLogLoki *self)
{
  Job *job = g_new0 (Job, 1);

  job->kind = JOB_WRITE;
  job->limit = self->max_lines;
  job->entries = g_steal_pointer (&self->history);
  run_job (self, job, history_written_cb);
}

static void
page_parsed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  TwLogLoki *self = user_data;
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  guint limit = job->limit;
  guint n;
  gint64 oldest;

  self->ingesting = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!self->stopped)
        {
          set_problem (self, error->message);
          schedule_retry (self, next_page);
        }
      loki_unref (self);
      return;
    }
  if (self->stopped)
    {
      loki_unref (self);
      return;
    }
  n = job->entries->len;
  /* The entries of the previous page's oldest nanosecond come again (end = it + 1):
   * not counted twice. */
  for (guint i = job->entries->len; i > 0; i--)
    {
      Entry *entry = g_ptr_array_index (job->entries, i - 1);

      for (guint j = self->page_start; entry->ts + 1 == self->history_end && j < self->history->len; j++)
        {
          Entry *known = g_ptr_array_index (self->history, j);

          if (known->ts != entry->ts)
            break;
          if (g_str_equal (known->line, entry->line) && g_str_equal (known->labels, entry->labels))
            {
              g_ptr_array_remove_index (job->entries, i - 1);
              break;
            }
        }
    }
  oldest = job->entries->len > 0 ? ((Entry *) g_ptr_array_index (job->entries, 0))->ts : 0;
  self->page_start = self->history->len;
  g_ptr_array_extend_and_steal (self->history, g_steal_pointer (&job->entries));
  self->backoff_ms = 0;
  if (n < limit || oldest == 0 || self->history->len >= self->max_lines)
    finish_history (self);
  else
    {
      /* The next page: up to the oldest entry, itself included (end is exclusive), so the
       * others of its nanosecond are not lost; it is written once. When a whole page
       * shares one nanosecond, the next page starts below it. */
      self->history_end = oldest + 1 < self->history_end ? oldest + 1 : oldest;
      if (self->history_end <= self->history_start)
        finish_history (self);
      else
        next_page (self);
    }
  loki_unref (self);
}

static void
page_answer_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  TwLogLoki *self = user_data;
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  Job *job;

  if (!tw_http_send_finish (TW_HTTP (object), result, &response, &error))
    {
      if (!self->stopped)
        {
          set_problem (self, error->message);
          schedule_retry (self, next_page);
        }
      loki_unref (self);
      return;
    }
  if (self->stopped)
    {
      loki_unref (self);
      return;
    }
  job = g_new0 (Job, 1);
  job->kind = JOB_PAGE;
  job->limit = MIN (self->page_size, self->max_lines - self->history->len + (self->history->len > 0 ? 1 : 0));
  job->bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_ptr_array_add (job->bodies, g_bytes_ref (tw_http_response_get_body (response)));
  run_job (self, job, page_parsed_cb);
  loki_unref (self);
}

static void
next_page (TwLogLoki *self)
{
  /* One more than wanted: the previous page's oldest may come again. */
  guint limit = MIN (self->page_size, self->max_lines - self->history->len + (self->history->len > 0 ? 1 : 0));

  send_range (self, self->history_start, self->history_end, limit, "backward", page_answer_cb);
}

/* Live: the tail WebSocket, or polling */

static void
tail_written_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data);

static void
pump_tail (TwLogLoki *self)
{
  Job *job;

  if (self->ingesting || self->pending->len == 0 || self->stopped)
    return;
  job = g_new0 (Job, 1);
  job->kind = JOB_TAIL;
  job->bodies = g_steal_pointer (&self->pending);
  /* messages left out when too many were waiting */
  job->dropped = self->dropped;
  self->dropped = 0;
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->pending_bytes = 0;
  run_job (self, job, tail_written_cb);
}

static void
tail_written_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TwLogLoki *self = user_data;
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  self->ingesting = FALSE;
  self->resume_ts = self->dedup.max_ts;
  if (!self->stopped)
    {
      if (job->written > 0 && self->callbacks.written != NULL)
        self->callbacks.written (self->user_data);
      if (!ok)
        set_problem (self, error->message);
      else if (job->dropped > 0)
        {
          /* said until entries arrive without a drop */
          guint dropped = (guint) MIN (job->dropped, G_MAXUINT);
          g_autofree char *problem = g_strdup_printf (
              g_dngettext (GETTEXT_PACKAGE,
                           "Loki dropped %u entry of the live tail (too many at once): search the time range again to see it.",
                           "Loki dropped %u entries of the live tail (too many at once): search the time range again to see them.",
                           dropped),
              dropped);
          set_problem (self, problem);
        }
      else if (job->written > 0)
        set_problem (self, NULL);
      pump_tail (self);
    }
  loki_unref (self);
}

static void
ws_message_cb (SoupWebsocketConnection *ws,
               gint                     type,
               GBytes                  *message,
               gpointer                 user_data)
{
  TwLogLoki *self = user_data;
  gsize size = g_bytes_get_size (message);

  if (self->stopped)
    return;
  self->backoff_ms = 0;
  if (self->pending_bytes + size > MAX_PENDING_BYTES)
    {
      /* A tail faster than it can be written: its messages are dropped, and said so. */
      self->dropped++;
      return;
    }
  self->pending_bytes += size;
  g_ptr_array_add (self->pending, g_bytes_ref (message));
  pump_tail (self);
}

static void connect_tail (TwLogLoki *self);

static void
drop_ws (TwLogLoki *self)
{
  if (self->ws == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->ws, self);
  if (soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&self->ws);
}

static void
ws_closed_cb (SoupWebsocketConnection *ws,
              gpointer                 user_data)
{
  TwLogLoki *self = user_data;
  g_autofree char *problem = NULL;
  const char *reason = soup_websocket_connection_get_close_data (ws);
  guint delay;

  if (self->stopped)
    return;
  drop_ws (self);
  delay = self->backoff_ms == 0 ? self->backoff_first_ms : MIN (self->backoff_ms * 2, MAX_BACKOFF_MS);
  if (reason != NULL && *reason != '\0')
    problem = g_strdup_printf (_("Loki ended the live tail (%s): reconnecting in %u s."),
                               reason, MAX (delay / 1000, 1));
  else
    problem = g_strdup_printf (_("Loki ended the live tail: reconnecting in %u s."), MAX (delay / 1000, 1));
  set_problem (self, problem);
  schedule_retry (self, connect_tail);
}

static void
ws_error_cb (SoupWebsocketConnection *ws,
             GError                  *error,
             gpointer                 user_data)
{
  TwLogLoki *self = user_data;

  /* "closed" follows; the reason is kept for it. */
  if (!self->stopped)
    set_problem (self, error->message);
}

static void poll_once (TwLogLoki *self);

/* A handshake has its own deadline: the session has no I/O timeout, which would also
 * end a quiet tail once connected. */
#define HANDSHAKE_TIMEOUT_S 15

typedef struct
{
  TwLogLoki    *self;
  SoupMessage  *msg;
  GCancellable *cancellable;  /* cancelled by the stop or the deadline */
  guint         deadline_id;
  gboolean      timed_out;
} Connect;

static void
cancel_child (GCancellable *parent,
              gpointer      child)
{
  g_cancellable_cancel (child);
}

static gboolean
handshake_deadline_cb (gpointer data)
{
  Connect *connect = data;

  connect->deadline_id = 0;
  connect->timed_out = TRUE;
  g_cancellable_cancel (connect->cancellable);
  return G_SOURCE_REMOVE;
}

static void
tail_connected_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Connect *connect = user_data;
  TwLogLoki *self = connect->self;
  g_autoptr(SoupMessage) msg = connect->msg;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *ws = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  guint status = soup_message_get_status (msg);
  gboolean timed_out = connect->timed_out;

  g_clear_handle_id (&connect->deadline_id, g_source_remove);
  g_cancellable_disconnect (self->cancellable, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (connect->cancellable), "tw-handler")));
  g_object_unref (connect->cancellable);
  g_free (connect);

  if (self->stopped)
    {
      g_clear_object (&ws);
      loki_unref (self);
      return;
    }
  if (ws == NULL)
    {
      g_autofree char *problem = NULL;

      if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
        {
          problem = g_strdup_printf (_("Loki refused the credentials of log “%s” (HTTP %u): check the token or password in the keyring."),
                                     self->id, status);
          set_problem (self, problem);
          schedule_retry (self, connect_tail);
        }
      else if ((status >= 200 && status < 300) || status == 400 || status == 404 || status == 405
               || status == 426 || status == 501)
        {
          /* No WebSocket there (a proxy in front of Loki): query_range every PollInterval. */
          g_message ("Loki log %s: the tail WebSocket was refused (HTTP %u), polling instead", self->id, status);
          self->mode = "poll";
          set_problem (self, NULL);
          poll_once (self);
        }
      else
        {
          if (timed_out)
            problem = g_strdup_printf (_("Loki did not open the live tail within %u s: retrying."),
                                       HANDSHAKE_TIMEOUT_S);
          else if (status >= 100)
            problem = g_strdup_printf (_("Loki's live tail failed (HTTP %u): retrying."), status);
          else
            problem = g_strdup_printf (_("Could not reach Loki at %s for the live tail: %s"), self->url,
                                       error->message);
          set_problem (self, problem);
          schedule_retry (self, connect_tail);
        }
      loki_unref (self);
      return;
    }
  self->ws = ws;
  self->mode = "tail";
  soup_websocket_connection_set_max_incoming_payload_size (ws, MAX_WS_PAYLOAD);
  soup_websocket_connection_set_keepalive_interval (ws, 30);
  g_signal_connect (ws, "message", G_CALLBACK (ws_message_cb), self);
  g_signal_connect (ws, "closed", G_CALLBACK (ws_closed_cb), self);
  g_signal_connect (ws, "error", G_CALLBACK (ws_error_cb), self);
  set_problem (self, NULL);
  loki_unref (self);
}

static void
connect_tail (TwLogLoki *self)
{
  g_autofree char *path = query_path (self, "tail", MAX (self->resume_ts, 1), 0, self->page_size, NULL);
  g_autofree char *uri = g_strconcat (self->url, path, NULL);
  SoupMessage *msg = soup_message_new ("GET", uri);
  Connect *connect;

  if (msg == NULL)
    {
      set_problem (self, _("The Loki URL is not valid."));
      return;
    }
  if (self->ws_session == NULL)
    self->ws_session = soup_session_new_with_options ("timeout", 0, "idle-timeout", 0, NULL);
  add_auth (self, NULL, soup_message_get_request_headers (msg));
  connect = g_new0 (Connect, 1);
  connect->self = loki_ref (self);
  connect->msg = msg;
  connect->cancellable = g_cancellable_new ();
  g_object_set_data (G_OBJECT (connect->cancellable), "tw-handler",
                     GSIZE_TO_POINTER (g_cancellable_connect (self->cancellable, G_CALLBACK (cancel_child),
                                                              connect->cancellable, NULL)));
  connect->deadline_id = g_timeout_add_seconds (HANDSHAKE_TIMEOUT_S, handshake_deadline_cb, connect);
  soup_session_websocket_connect_async (self->ws_session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        connect->cancellable, tail_connected_cb, connect);
}

/* Polling */

static void schedule_call (TwLogLoki *self, guint delay_ms, guint *id, void (*func) (TwLogLoki *self));

static void
poll_written_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TwLogLoki *self = user_data;
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->ingesting = FALSE;
  self->resume_ts = self->dedup.max_ts;
  if (self->stopped)
    {
      loki_unref (self);
      return;
    }
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      set_problem (self, error->message);
      schedule_retry (self, poll_once);
      loki_unref (self);
      return;
    }
  if (job->written > 0 && self->callbacks.written != NULL)
    self->callbacks.written (self->user_data);
  set_problem (self, NULL);
  self->backoff_ms = 0;
  /* A full page: more are waiting. */
  if (job->n_parsed >= job->limit && job->written > 0)
    poll_once (self);
  else
    schedule_call (self, self->poll_ms, &self->poll_id, poll_once);
  loki_unref (self);
}

static void
poll_answer_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  TwLogLoki *self = user_data;
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  if (!tw_http_send_finish (TW_HTTP (object), result, &response, &error))
    {
      if (!self->stopped)
        {
          set_problem (self, error->message);
          schedule_retry (self, poll_once);
        }
      loki_unref (self);
      return;
    }
  if (!self->stopped)
    {
      Job *job = g_new0 (Job, 1);

      job->kind = JOB_POLL;
      job->limit = self->page_size;
      job->bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      g_ptr_array_add (job->bodies, g_bytes_ref (tw_http_response_get_body (response)));
      run_job (self, job, poll_written_cb);
    }
  loki_unref (self);
}

static void
poll_once (TwLogLoki *self)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
  send_range (self, MAX (self->resume_ts, 1), now_ns () + NS_PER_US, self->page_size, "forward",
              poll_answer_cb);
}

static void
start_live (TwLogLoki *self)
{
  if (g_str_equal (self->mode, "poll"))
    poll_once (self);
  else
    connect_tail (self);
}

/* Retries */

typedef struct
{
  TwLogLoki *self;
  guint     *id;
  void     (*func) (TwLogLoki *self);
} Call;

static gboolean
call_cb (gpointer data)
{
  Call *call = data;

  *call->id = 0;
  if (!call->self->stopped)
    call->func (call->self);
  return G_SOURCE_REMOVE;
}

static void
call_free (gpointer data)
{
  Call *call = data;

  loki_unref (call->self);
  g_free (call);
}

static void
schedule_call (TwLogLoki *self,
               guint      delay_ms,
               guint     *id,
               void     (*func) (TwLogLoki *self))
{
  Call *call = g_new0 (Call, 1);

  call->self = loki_ref (self);
  call->id = id;
  call->func = func;
  g_clear_handle_id (id, g_source_remove);
  *id = g_timeout_add_full (G_PRIORITY_DEFAULT, delay_ms, call_cb, call, call_free);
}

static void
schedule_retry (TwLogLoki *self,
                void     (*func) (TwLogLoki *self))
{
  self->backoff_ms = self->backoff_ms == 0 ? self->backoff_first_ms : MIN (self->backoff_ms * 2, MAX_BACKOFF_MS);
  schedule_call (self, self->backoff_ms, &self->retry_id, func);
}

/* Start */

static void
begin (TwLogLoki *self)
{
  gint64 now = now_ns ();

  if (self->callbacks.loading != NULL)
    self->callbacks.loading (TRUE, self->user_data);
  self->history = g_ptr_array_new_with_free_func (_tw_loki_entry_free);
  self->history_end = now + NS_PER_US;
  self->history_start = now - (gint64) self->since_s * 1000000000;
  next_page (self);
}

static void
secret_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  TwLogLoki *self = user_data;
  g_autoptr(GError) error = NULL;
  char *secret = tw_secrets_lookup_finish (TW_SECRETS (object), result, &error);

  if (!self->stopped)
    {
      if (secret == NULL)
        {
          const char *name = g_str_equal (self->auth, "bearer") ? "token" : "password";
          g_autofree char *problem = NULL;

          if (error != NULL)
            problem = g_strdup_printf (_("Could not read Loki's %s for log “%s” from the keyring: %s"),
                                       name, self->id, error->message);
          else
            problem = g_strdup_printf (_("No Loki %s is stored in the keyring for log “%s” (service “log:%s”, name “%s”)."),
                                       name, self->id, self->id, name);
          set_problem (self, problem);
        }
      else
        {
          self->secret = secret;
          begin (self);
        }
    }
  else if (secret != NULL)
    {
      memset (secret, 0, strlen (secret));
      g_free (secret);
    }
  loki_unref (self);
}

void
_tw_log_loki_start (TwLogLoki                *self,
                    int                       spool_fd,
                    const TwLogLokiCallbacks *callbacks,
                    gpointer                  user_data)
{
  g_return_if_fail (!self->started);

  self->started = TRUE;
  self->spool_fd = spool_fd;
  self->callbacks = *callbacks;
  self->user_data = user_data;
  self->http = tw_http_new ();
  if (self->auth != NULL)
    {
      g_autofree char *service = g_strdup_printf ("log:%s", self->id);

      if (self->secrets == NULL)
        {
          set_problem (self, _("Loki's credentials are in the keyring, which this session has not opened."));
          return;
        }
      tw_secrets_lookup_async (self->secrets, self->profile, service,
                               g_str_equal (self->auth, "bearer") ? "token" : "password",
                               self->cancellable, secret_cb, loki_ref (self));
      return;
    }
  begin (self);
}

void
_tw_log_loki_stop (TwLogLoki *self)
{
  if (self->stopped)
    return;
  self->stopped = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  drop_ws (self);
}

void
_tw_log_loki_free (TwLogLoki *self)
{
  if (self == NULL)
    return;
  _tw_log_loki_stop (self);
  loki_unref (self);
}
