/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-alert-receiver.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "tw-alerts-private.h"
#include "tw-error.h"
#include "tw-util.h"

struct _TwAlertReceiver
{
  GObject     parent_instance;

  SoupServer *server;
  char       *token;          /* wiped on free */
  guint       port;
  char       *host;
  guint       timeout_ms;
  GHashTable *requests;       /* SoupServerMessage → Request, alive while being read */
  GCancellable *cancellable;  /* parses under way */

  guint       n_accepted;
  guint       n_refused;
  guint       n_dropped;
};

G_DEFINE_FINAL_TYPE (TwAlertReceiver, tw_alert_receiver, G_TYPE_OBJECT)

enum {
  SIGNAL_PAYLOAD,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_PORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What we know of one request while it is read. */
typedef struct
{
  TwAlertReceiver   *self;
  SoupServerMessage *msg;       /* weak: the server owns it */
  guint              timeout_id;
  goffset            received;
  gboolean           too_large;
  gboolean           handled;   /* the handler has it: no more timeout */
} Request;

static void
request_free (Request *request)
{
  g_clear_handle_id (&request->timeout_id, g_source_remove);
  g_free (request);
}

static void
refuse (TwAlertReceiver   *self,
        SoupServerMessage *msg,
        guint              status,
        const char        *why)
{
  GInetSocketAddress *remote = G_INET_SOCKET_ADDRESS (soup_server_message_get_remote_address (msg));
  g_autofree char *from = remote != NULL
                          ? g_inet_address_to_string (g_inet_socket_address_get_address (remote))
                          : g_strdup ("?");

  self->n_refused++;
  /* The log line of a refusal: who, what, why; never the body (it may hold anything). */
  g_message ("Webhook: refused %s %s from %s with %u: %s",
             soup_server_message_get_method (msg),
             g_uri_get_path (soup_server_message_get_uri (msg)), from, status, why);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_COPY,
                                    why, strlen (why));
}

/* A client that never finishes: its socket is shut, libsoup then ends the request. */
static gboolean
timeout_cb (gpointer user_data)
{
  Request *request = user_data;
  GSocket *socket;

  request->timeout_id = 0;
  if (request->handled)
    return G_SOURCE_REMOVE;
  request->self->n_dropped++;
  g_message ("Webhook: dropped a client that did not send its request within %u ms",
             request->self->timeout_ms);
  socket = soup_server_message_get_socket (request->msg);
  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static void
got_headers_cb (SoupServerMessage *msg,
                Request           *request)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > TW_ALERT_RECEIVER_MAX_BODY)
    {
      /* Read and thrown away, never kept. */
      request->too_large = TRUE;
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
    }
}

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              Request           *request)
{
  request->received += g_bytes_get_size (chunk);
  if (!request->too_large && request->received > TW_ALERT_RECEIVER_MAX_BODY)
    {
      request->too_large = TRUE;
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      soup_message_body_truncate (soup_server_message_get_request_body (msg));
    }
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    TwAlertReceiver   *self)
{
  Request *request = g_new0 (Request, 1);

  request->self = self;
  request->msg = msg;
  request->timeout_id = g_timeout_add (self->timeout_ms, timeout_cb, request);
  g_hash_table_insert (self->requests, msg, request);
  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers_cb), request);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), request);
}

static void
request_done_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 TwAlertReceiver   *self)
{
  Request *request = g_hash_table_lookup (self->requests, msg);

  if (request == NULL)
    return;
  g_signal_handlers_disconnect_by_data (msg, request);
  g_hash_table_remove (self->requests, msg);
}

/* Parse off the main thread */

typedef struct
{
  GBytes    *body;
  GPtrArray *alerts;
  char      *external_url;
} ParseData;

static void
parse_data_free (ParseData *data)
{
  g_bytes_unref (data->body);
  g_clear_pointer (&data->alerts, g_ptr_array_unref);
  g_free (data->external_url);
  g_free (data);
}

static void
parse_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ParseData *data = task_data;
  GError *error = NULL;
  gsize length;
  const char *body = g_bytes_get_data (data->body, &length);

  data->alerts = _tw_am_parse_webhook (body, length, &data->external_url, &error);
  if (data->alerts == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
parsed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  g_autoptr(GError) error = NULL;
  GTask *task = G_TASK (result);
  ParseData *data = g_task_get_task_data (task);
  TwAlertReceiver *self;

  if (!g_task_propagate_boolean (task, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self = TW_ALERT_RECEIVER (object);
      refuse (self, msg, SOUP_STATUS_BAD_REQUEST, error->message);
      soup_server_message_unpause (msg);
      return;
    }

  self = TW_ALERT_RECEIVER (object);
  self->n_accepted++;
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_unpause (msg);
  g_signal_emit (self, signals[SIGNAL_PAYLOAD], 0, data->alerts, data->external_url);
}

static gboolean
token_matches (const char *expected,
               const char *header)
{
  gsize n, m;
  guint diff = 0;

  if (header == NULL || !g_str_has_prefix (header, "Bearer "))
    return FALSE;
  header += strlen ("Bearer ");
  n = strlen (expected);
  m = strlen (header);
  /* Constant time in the token's length. */
  for (gsize i = 0; i < n; i++)
    diff |= (guchar) expected[i] ^ (guchar) (i < m ? header[i] : 0);
  return diff == 0 && n == m;
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  TwAlertReceiver *self = user_data;
  Request *request = g_hash_table_lookup (self->requests, msg);
  SoupMessageBody *body;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GTask) task = NULL;
  ParseData *data;

  if (request != NULL)
    {
      request->handled = TRUE;
      g_clear_handle_id (&request->timeout_id, g_source_remove);
    }

  if (self->token != NULL
      && !token_matches (self->token,
                         soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                       "Authorization")))
    {
      refuse (self, msg, SOUP_STATUS_UNAUTHORIZED, _("A bearer token is needed"));
      return;
    }
  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      soup_message_headers_append (soup_server_message_get_response_headers (msg), "Allow", "POST");
      refuse (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, _("Only POST is taken"));
      return;
    }
  if (request != NULL && request->too_large)
    {
      refuse (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, _("The payload is over 1 MB"));
      return;
    }

  body = soup_server_message_get_request_body (msg);
  bytes = soup_message_body_flatten (body);
  if (g_bytes_get_size (bytes) > TW_ALERT_RECEIVER_MAX_BODY)
    {
      refuse (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, _("The payload is over 1 MB"));
      return;
    }

  data = g_new0 (ParseData, 1);
  data->body = g_bytes_ref (bytes);
  soup_server_message_pause (msg);
  task = g_task_new (self, self->cancellable, parsed_cb, g_object_ref (msg));
  g_task_set_source_tag (task, handler_cb);
  g_task_set_task_data (task, data, (GDestroyNotify) parse_data_free);
  g_task_run_in_thread (task, parse_thread);
}

gboolean
tw_alert_receiver_listen (TwAlertReceiver  *self,
                          const char       *address,
                          guint             port,
                          gboolean          allow_remote,
                          const char       *token,
                          GError          **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GError) local_error = NULL;
  GSList *uris;

  g_return_val_if_fail (TW_IS_ALERT_RECEIVER (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  if (address == NULL || *address == '\0')
    address = "127.0.0.1";
  inet = g_inet_address_new_from_string (address);
  if (inet == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("The webhook receiver's address “%s” is not an IP address"), address);
      return FALSE;
    }
  if (port > 65535)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("The webhook receiver's port %u is not a port (1–65535)"), port);
      return FALSE;
    }
  if (!g_inet_address_get_is_loopback (inet)
      && (!allow_remote || token == NULL || *token == '\0'))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_REFUSED,
                   _("The webhook receiver listens on other machines' reach (%s) only when the "
                     "profile allows it and sets a bearer token. It listens on 127.0.0.1 otherwise."),
                   address);
      return FALSE;
    }

  self->server = soup_server_new ("server-header", "TradeWarden ", NULL);
  g_signal_connect (self->server, "request-started", G_CALLBACK (request_started_cb), self);
  g_signal_connect (self->server, "request-finished", G_CALLBACK (request_done_cb), self);
  g_signal_connect (self->server, "request-aborted", G_CALLBACK (request_done_cb), self);
  soup_server_add_handler (self->server, NULL, handler_cb, self, NULL);

  socket_address = g_inet_socket_address_new (inet, port);
  if (!soup_server_listen (self->server, socket_address, 0, &local_error))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                   _("The webhook receiver could not listen on %s port %u: %s"),
                   address, port, local_error->message);
      tw_alert_receiver_stop (self);
      return FALSE;
    }

  uris = soup_server_get_uris (self->server);
  if (uris != NULL)
    self->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_free (self->host);
  self->host = g_inet_address_to_string (inet);
  tw_str_wipe_free (self->token);
  self->token = token != NULL && *token != '\0' ? g_strdup (token) : NULL;
  g_debug ("Webhook receiver on %s port %u", self->host, self->port);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
  return TRUE;
}

void
tw_alert_receiver_stop (TwAlertReceiver *self)
{
  g_return_if_fail (TW_IS_ALERT_RECEIVER (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (self->server != NULL)
    {
      GHashTableIter iter;
      gpointer msg, request;

      g_signal_handlers_disconnect_by_data (self->server, self);
      g_hash_table_iter_init (&iter, self->requests);
      while (g_hash_table_iter_next (&iter, &msg, &request))
        g_signal_handlers_disconnect_by_data (msg, request);
      g_hash_table_remove_all (self->requests);
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
  if (self->port != 0)
    {
      self->port = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
    }
  g_clear_pointer (&self->token, tw_str_wipe_free);
}

guint
tw_alert_receiver_get_port (TwAlertReceiver *self)
{
  g_return_val_if_fail (TW_IS_ALERT_RECEIVER (self), 0);
  return self->port;
}

char *
tw_alert_receiver_get_url (TwAlertReceiver *self)
{
  g_return_val_if_fail (TW_IS_ALERT_RECEIVER (self), NULL);

  if (self->server == NULL)
    return NULL;
  if (strchr (self->host, ':') != NULL)
    return g_strdup_printf ("http://[%s]:%u/", self->host, self->port);
  return g_strdup_printf ("http://%s:%u/", self->host, self->port);
}

void
tw_alert_receiver_set_timeout (TwAlertReceiver *self,
                               guint            timeout_ms)
{
  g_return_if_fail (TW_IS_ALERT_RECEIVER (self));
  self->timeout_ms = MAX (timeout_ms, 1);
}

guint
tw_alert_receiver_get_n_accepted (TwAlertReceiver *self)
{
  g_return_val_if_fail (TW_IS_ALERT_RECEIVER (self), 0);
  return self->n_accepted;
}

guint
tw_alert_receiver_get_n_refused (TwAlertReceiver *self)
{
  g_return_val_if_fail (TW_IS_ALERT_RECEIVER (self), 0);
  return self->n_refused;
}

guint
tw_alert_receiver_get_n_dropped (TwAlertReceiver *self)
{
  g_return_val_if_fail (TW_IS_ALERT_RECEIVER (self), 0);
  return self->n_dropped;
}

static void
tw_alert_receiver_dispose (GObject *object)
{
  TwAlertReceiver *self = TW_ALERT_RECEIVER (object);

  tw_alert_receiver_stop (self);
  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (tw_alert_receiver_parent_class)->dispose (object);
}

static void
tw_alert_receiver_finalize (GObject *object)
{
  TwAlertReceiver *self = TW_ALERT_RECEIVER (object);

  g_clear_object (&self->cancellable);
  g_hash_table_unref (self->requests);
  g_free (self->host);

  G_OBJECT_CLASS (tw_alert_receiver_parent_class)->finalize (object);
}

static void
tw_alert_receiver_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TwAlertReceiver *self = TW_ALERT_RECEIVER (object);

  switch (prop_id)
    {
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_alert_receiver_class_init (TwAlertReceiverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tw_alert_receiver_dispose;
  object_class->finalize = tw_alert_receiver_finalize;
  object_class->get_property = tw_alert_receiver_get_property;

  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, 65535, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PAYLOAD] =
    g_signal_new ("payload", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_PTR_ARRAY, G_TYPE_STRING);
}

static void
tw_alert_receiver_init (TwAlertReceiver *self)
{
  self->timeout_ms = TW_ALERT_RECEIVER_DEFAULT_TIMEOUT_MS;
  self->requests = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) request_free);
  self->cancellable = g_cancellable_new ();
}

TwAlertReceiver *
tw_alert_receiver_new (void)
{
  return g_object_new (TW_TYPE_ALERT_RECEIVER, NULL);
}
