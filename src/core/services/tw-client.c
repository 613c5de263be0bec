/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-client.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-command.h"
#include "tw-connector-private.h"
#include "tw-error.h"
#include "tw-http-private.h"
#include "tw-util.h"

struct _TwClient
{
  GObject      parent_instance;

  TwHttp      *http;
  TwSecrets   *secrets;
  TwConnector *connector;
  char        *profile_name;
  TwService   *service;

  /* secret name → value, filled by the first call that needs it */
  GHashTable  *secret_cache;

  /* bodies of at least this many bytes are parsed in a worker thread */
  guint64      parse_thread_threshold;

  /* TwOperation* → TwHttpRequest built for a call without variables or body (the
   * polls): made once, sent again and again; dropped with the secrets, or when the
   * service's name or address changes. */
  GHashTable  *requests;
  gulong       service_url_id;
  gulong       service_name_id;
  /* 0: TwHttp's default */
  guint        request_timeout_ms;
};

G_DEFINE_FINAL_TYPE (TwClient, tw_client, G_TYPE_OBJECT)

typedef struct
{
  TwHttpRequest *request;
  guint          max_retries;
  /* The last answer's body, and its tree once it came twice (sealed: immutable, so
   * shared safely). */
  GBytes        *last_body;
  JsonNode      *last_node;
} CachedRequest;

static void
cached_request_free (gpointer data)
{
  CachedRequest *cached = data;

  tw_http_request_unref (cached->request);
  g_clear_pointer (&cached->last_body, g_bytes_unref);
  g_clear_pointer (&cached->last_node, json_node_unref);
  g_free (cached);
}

enum {
  PROP_0,
  PROP_HTTP,
  PROP_SECRETS,
  PROP_CONNECTOR,
  PROP_PROFILE_NAME,
  PROP_SERVICE,
  PROP_PARSE_THREAD_THRESHOLD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Secrets are wiped before their memory is given back. */
static void
secret_free (gpointer data)
{
  char *value = data;

  tw_str_wipe_free (value);
}

static GHashTable *
secret_cache_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, secret_free);
}

static void
tw_client_dispose (GObject *object)
{
  TwClient *self = TW_CLIENT (object);

  g_clear_object (&self->http);
  g_clear_object (&self->secrets);
  g_clear_object (&self->connector);
  if (self->service != NULL)
    {
      g_clear_signal_handler (&self->service_url_id, self->service);
      g_clear_signal_handler (&self->service_name_id, self->service);
    }
  g_clear_object (&self->service);
  if (self->requests != NULL)
    g_hash_table_remove_all (self->requests);

  G_OBJECT_CLASS (tw_client_parent_class)->dispose (object);
}

static void
tw_client_finalize (GObject *object)
{
  TwClient *self = TW_CLIENT (object);

  g_clear_pointer (&self->profile_name, g_free);
  g_clear_pointer (&self->secret_cache, g_hash_table_unref);
  g_clear_pointer (&self->requests, g_hash_table_unref);

  G_OBJECT_CLASS (tw_client_parent_class)->finalize (object);
}

static void
tw_client_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TwClient *self = TW_CLIENT (object);

  switch (prop_id)
    {
    case PROP_HTTP:
      g_value_set_object (value, self->http);
      break;
    case PROP_SECRETS:
      g_value_set_object (value, self->secrets);
      break;
    case PROP_CONNECTOR:
      g_value_set_object (value, self->connector);
      break;
    case PROP_PROFILE_NAME:
      g_value_set_string (value, self->profile_name);
      break;
    case PROP_SERVICE:
      g_value_set_object (value, self->service);
      break;
    case PROP_PARSE_THREAD_THRESHOLD:
      g_value_set_uint64 (value, self->parse_thread_threshold);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_client_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TwClient *self = TW_CLIENT (object);

  switch (prop_id)
    {
    case PROP_HTTP:
      self->http = g_value_dup_object (value);
      break;
    case PROP_SECRETS:
      self->secrets = g_value_dup_object (value);
      break;
    case PROP_CONNECTOR:
      self->connector = g_value_dup_object (value);
      break;
    case PROP_PROFILE_NAME:
      self->profile_name = g_value_dup_string (value);
      break;
    case PROP_SERVICE:
      self->service = g_value_dup_object (value);
      break;
    case PROP_PARSE_THREAD_THRESHOLD:
      tw_client_set_parse_thread_threshold (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The requests built for the old base URL or name are forgotten. */
static void
on_service_notify (TwService  *service,
                   GParamSpec *pspec,
                   TwClient   *self)
{
  g_hash_table_remove_all (self->requests);
}

static void
tw_client_constructed (GObject *object)
{
  TwClient *self = TW_CLIENT (object);

  G_OBJECT_CLASS (tw_client_parent_class)->constructed (object);

  /* Only these two: every answer notifies the service's latency and last success. */
  if (self->service != NULL)
    {
      self->service_url_id = g_signal_connect (self->service, "notify::base-url",
                                                  G_CALLBACK (on_service_notify), self);
      self->service_name_id = g_signal_connect (self->service, "notify::name",
                                                G_CALLBACK (on_service_notify), self);
    }
}

static void
tw_client_class_init (TwClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = tw_client_constructed;
  object_class->dispose = tw_client_dispose;
  object_class->finalize = tw_client_finalize;
  object_class->get_property = tw_client_get_property;
  object_class->set_property = tw_client_set_property;

  properties[PROP_HTTP] =
    g_param_spec_object ("http", NULL, NULL, TW_TYPE_HTTP, flags);
  properties[PROP_SECRETS] =
    g_param_spec_object ("secrets", NULL, NULL, TW_TYPE_SECRETS, flags);
  properties[PROP_CONNECTOR] =
    g_param_spec_object ("connector", NULL, NULL, TW_TYPE_CONNECTOR, flags);
  properties[PROP_PROFILE_NAME] =
    g_param_spec_string ("profile-name", NULL, NULL, NULL, flags);
  properties[PROP_SERVICE] =
    g_param_spec_object ("service", NULL, NULL, TW_TYPE_SERVICE, flags);
  properties[PROP_PARSE_THREAD_THRESHOLD] =
    g_param_spec_uint64 ("parse-thread-threshold", NULL, NULL,
                         0, G_MAXUINT64, TW_CLIENT_DEFAULT_PARSE_THREAD_THRESHOLD,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_client_init (TwClient *self)
{
  self->secret_cache = secret_cache_new ();
  self->requests = g_hash_table_new_full (NULL, NULL, NULL, cached_request_free);
  self->parse_thread_threshold = TW_CLIENT_DEFAULT_PARSE_THREAD_THRESHOLD;
}

/**
 * tw_client_new:
 * @http: the one HTTP session
 * @secrets: where the service's secrets are stored
 * @connector: how to speak to the service
 * @profile_name: the profile the service belongs to (keys the secrets)
 * @service: the service called
 *
 * Returns: (transfer full): a new client
 */
TwClient *
tw_client_new (TwHttp      *http,
               TwSecrets   *secrets,
               TwConnector *connector,
               const char  *profile_name,
               TwService   *service)
{
  g_return_val_if_fail (TW_IS_HTTP (http), NULL);
  g_return_val_if_fail (TW_IS_SECRETS (secrets), NULL);
  g_return_val_if_fail (TW_IS_CONNECTOR (connector), NULL);
  g_return_val_if_fail (profile_name != NULL, NULL);
  g_return_val_if_fail (TW_IS_SERVICE (service), NULL);

  return g_object_new (TW_TYPE_CLIENT,
                       "http", http,
                       "secrets", secrets,
                       "connector", connector,
                       "profile-name", profile_name,
                       "service", service,
                       NULL);
}

/**
 * tw_client_get_connector:
 *
 * Returns: (transfer none): the connector
 */
TwConnector *
tw_client_get_connector (TwClient *self)
{
  g_return_val_if_fail (TW_IS_CLIENT (self), NULL);

  return self->connector;
}

/**
 * tw_client_get_service:
 *
 * Returns: (transfer none): the service
 */
TwService *
tw_client_get_service (TwClient *self)
{
  g_return_val_if_fail (TW_IS_CLIENT (self), NULL);

  return self->service;
}

gboolean
tw_client_has_operation (TwClient   *self,
                         const char *operation)
{
  g_return_val_if_fail (TW_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (operation != NULL, FALSE);

  return tw_connector_has_operation (self->connector, operation);
}

void
tw_client_reset_secrets (TwClient *self)
{
  g_return_if_fail (TW_IS_CLIENT (self));

  g_hash_table_remove_all (self->secret_cache);
  g_hash_table_remove_all (self->requests);
}

/**
 * tw_client_get_parse_thread_threshold:
 *
 * Returns: the body size, in bytes, from which answers are parsed in a worker thread
 */
guint64
tw_client_get_parse_thread_threshold (TwClient *self)
{
  g_return_val_if_fail (TW_IS_CLIENT (self), 0);

  return self->parse_thread_threshold;
}

/**
 * tw_client_set_parse_thread_threshold:
 * @min_bytes: answers of at least this size are parsed in a worker thread;
 *   G_MAXUINT64 for never, 0 for always
 *
 * The default, %TW_CLIENT_DEFAULT_PARSE_THREAD_THRESHOLD, keeps the main loop
 * free during big answers without paying a thread hop for small ones.
 */
void
tw_client_set_parse_thread_threshold (TwClient *self,
                                      guint64   min_bytes)
{
  g_return_if_fail (TW_IS_CLIENT (self));

  if (self->parse_thread_threshold == min_bytes)
    return;
  self->parse_thread_threshold = min_bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PARSE_THREAD_THRESHOLD]);
}

guint
tw_client_get_request_timeout (TwClient *self)
{
  g_return_val_if_fail (TW_IS_CLIENT (self), 0);

  return self->request_timeout_ms;
}

void
tw_client_set_request_timeout (TwClient *self,
                               guint     timeout_ms)
{
  g_return_if_fail (TW_IS_CLIENT (self));

  self->request_timeout_ms = timeout_ms;
}

typedef struct
{
  const TwOperation *op;         /* owned by the connector, which the client keeps */
  GHashTable        *vars;
  GPtrArray         *to_lookup;  /* secret names not in the cache yet */
  guint              next;
  guint              max_retries;
  TwHttpResponse    *response;
  TwHttpRequest     *polled;     /* the poll's request sent (self->requests), or NULL */
} CallData;

static void
call_data_free (gpointer data)
{
  CallData *call = data;

  g_clear_pointer (&call->vars, g_hash_table_unref);
  g_clear_pointer (&call->to_lookup, g_ptr_array_unref);
  g_clear_pointer (&call->response, tw_http_response_unref);
  g_clear_pointer (&call->polled, tw_http_request_unref);
  g_free (call);
}

static const TwSecretSpec *
find_secret_spec (TwClient   *self,
                  const char *name)
{
  GPtrArray *specs = tw_connector_get_secrets (self->connector);

  for (guint i = 0; specs != NULL && i < specs->len; i++)
    {
      const TwSecretSpec *spec = g_ptr_array_index (specs, i);

      if (g_strcmp0 (spec->name, name) == 0)
        return spec;
    }
  return NULL;
}

/* An optional secret that is not stored gives NULL without error: the header
 * that uses it is left out. */
static char *
lookup_cached_secret (const char  *name,
                      gpointer     user_data,
                      GError     **error)
{
  TwClient *self = user_data;
  const char *value = g_hash_table_lookup (self->secret_cache, name);

  return g_strdup (value);
}

/* Runs in a worker thread, which has its own JsonParser (made by the parse call);
 * the response is only read here, and the tree is handed back through the task. */
static void
parse_in_thread (GTask        *parse,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  TwHttpResponse *response = task_data;
  GError *error = NULL;
  JsonNode *node;

  node = tw_http_response_parse_json (response, &error);
  if (node == NULL)
    g_task_return_error (parse, error);
  else
    g_task_return_pointer (parse, node, (GDestroyNotify) json_node_unref);
}

/* Back on the caller's context. */
static void
on_parsed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  JsonNode *node;

  node = g_task_propagate_pointer (G_TASK (result), &error);
  if (node == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwClient *self = g_task_get_source_object (task);
  CallData *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) parse = NULL;
  GCancellable *cancellable;
  JsonNode *node;

  if (!tw_http_send_finish (TW_HTTP (source), result, &call->response, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (tw_operation_is_text (call->op))
    {
      GBytes *bytes = tw_http_response_get_body (call->response);
      gsize size = 0;
      const char *data = g_bytes_get_data (bytes, &size);
      g_autofree char *text = g_strndup (data != NULL ? data : "", size);

      if ((size > 0 && memchr (data, 0, size) != NULL) || !g_utf8_validate (text, -1, NULL))
        {
          g_task_return_new_error (task, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                                   _("%s answered with something that is not text"),
                                   tw_service_get_name (self->service));
          return;
        }
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (node, text);
      g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
      return;
    }

  if (g_bytes_get_size (tw_http_response_get_body (call->response)) < self->parse_thread_threshold)
    {
      GBytes *body = tw_http_response_get_body (call->response);
      CachedRequest *cached = call->polled != NULL ? g_hash_table_lookup (self->requests, call->op) : NULL;
      gboolean same;

      /* A poll answered as the last time (about half of them, in the bench's 200
       * services): that answer's tree again, not a parse (5-7 µs of a ~200 µs poll).
       * The tree is kept once the same body came twice: the answers that change each
       * time (a health answer's uptime or timestamp) keep only their bytes, not a tree
       * (about 20 kB a service in the bench). */
      if (cached != NULL && cached->request != call->polled)
        cached = NULL;
      same = cached != NULL && cached->last_body != NULL && g_bytes_equal (body, cached->last_body);
      if (same && cached->last_node != NULL)
        {
          g_task_return_pointer (task, json_node_ref (cached->last_node),
                                 (GDestroyNotify) json_node_unref);
          return;
        }
      node = tw_http_response_parse_json (call->response, &error);
      if (node == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (cached != NULL)
        {
          g_clear_pointer (&cached->last_body, g_bytes_unref);
          g_clear_pointer (&cached->last_node, json_node_unref);
          cached->last_body = g_bytes_ref (body);
          if (same && json_node_is_immutable (node))
            cached->last_node = json_node_ref (node);
        }
      g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
      return;
    }

  /* No source object: a parse abandoned on cancel may end after everyone let go of
   * the client, and the client (with its HTTP session) must not die in the worker.
   * Returning on cancel leaves that parse to finish, and free its tree, there. */
  cancellable = g_task_get_cancellable (task);
  parse = g_task_new (NULL, cancellable, on_parsed, g_steal_pointer (&task));
  g_task_set_source_tag (parse, parse_in_thread);
  g_task_set_name (parse, "[tw-client] parse JSON");
  g_task_set_task_data (parse, tw_http_response_ref (call->response),
                        (GDestroyNotify) tw_http_response_unref);
  g_task_set_return_on_cancel (parse, TRUE);
  g_task_run_in_thread (parse, parse_in_thread);
}

static void
send_request (GTask *task)
{
  TwClient *self = g_task_get_source_object (task);
  CallData *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(TwHttpRequest) request = NULL;
  g_autoptr(GHashTable) headers = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *service_name = NULL;
  GHashTableIter iter;
  gpointer name, value;
  gboolean reusable;

  /* A poll: the request built for the last one, unless something it carries changed. */
  reusable = call->vars == NULL;
  if (reusable)
    {
      CachedRequest *cached = g_hash_table_lookup (self->requests, call->op);

      if (cached != NULL && cached->max_retries == call->max_retries)
        {
          call->polled = tw_http_request_ref (cached->request);
          tw_http_send_async (self->http, cached->request, g_task_get_cancellable (task),
                              on_sent, g_object_ref (task));
          return;
        }
    }

  path = tw_operation_expand_path (call->op, call->vars, &error);
  if (path == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  body = tw_operation_expand_body (call->op, call->vars, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  headers = tw_operation_expand_headers (call->op, call->vars, lookup_cached_secret, self, &error);
  if (headers == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  base_url = tw_client_dup_base_url (self, tw_operation_get_endpoint (call->op), &error);
  if (base_url == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  request = tw_http_request_new (tw_operation_get_method (call->op), base_url, path);
  service_name = tw_client_dup_endpoint_name (self, tw_operation_get_endpoint (call->op));
  tw_http_request_set_service_name (request, service_name);
  g_hash_table_iter_init (&iter, headers);
  while (g_hash_table_iter_next (&iter, &name, &value))
    if (value != NULL)
      tw_http_request_add_header (request, name, value);
  if (body != NULL)
    tw_http_request_set_json_body (request, body);
  if (call->max_retries != TW_CLIENT_DEFAULT_RETRIES)
    tw_http_request_set_max_retries (request, call->max_retries);
  if (self->request_timeout_ms != 0)
    tw_http_request_set_timeout (request, self->request_timeout_ms);
  if (reusable && body == NULL)
    {
      CachedRequest *cached = g_new0 (CachedRequest, 1);

      cached->request = tw_http_request_ref (request);
      cached->max_retries = call->max_retries;
      g_hash_table_replace (self->requests, (gpointer) call->op, cached);
      call->polled = tw_http_request_ref (request);
    }

  tw_http_send_async (self->http, request, g_task_get_cancellable (task),
                      on_sent, g_object_ref (task));
}

/**
 * tw_client_dup_endpoint_name:
 * @endpoint: (nullable): an endpoint id of the connector, NULL for the service itself
 *
 * Returns: (transfer full): what messages call it: "AI trading", "AI trading (Rate gate)"
 */
char *
tw_client_dup_endpoint_name (TwClient   *self,
                             const char *endpoint)
{
  const TwEndpoint *spec;

  g_return_val_if_fail (TW_IS_CLIENT (self), NULL);

  spec = endpoint != NULL ? tw_connector_get_endpoint (self->connector, endpoint) : NULL;
  if (spec == NULL)
    return g_strdup (tw_service_get_name (self->service));
  /* Translators: a service's name and one of its other addresses, e.g. "AI trading (Rate gate)" */
  return g_strdup_printf (_("%s (%s)"), tw_service_get_name (self->service), spec->name);
}

/**
 * tw_client_dup_base_url:
 * @endpoint: (nullable): an endpoint id of the connector, NULL for the service itself
 *
 * The service's base URL, or the address of one of its "endpoints": the profile's
 * setting the endpoint names, else the endpoint's default.
 *
 * Returns: (transfer full) (nullable): the URL, or NULL with @error saying what to set
 */
char *
tw_client_dup_base_url (TwClient    *self,
                        const char  *endpoint,
                        GError     **error)
{
  const char *base_url;

  g_return_val_if_fail (TW_IS_CLIENT (self), NULL);

  if (endpoint != NULL)
    {
      const TwEndpoint *spec = tw_connector_get_endpoint (self->connector, endpoint);

      if (spec == NULL)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("The connector “%s” of %s has no endpoint “%s”. Update the connector."),
                       tw_connector_get_id (self->connector), tw_service_get_name (self->service),
                       endpoint);
          return NULL;
        }
      base_url = tw_service_get_setting (self->service, spec->setting);
      if (base_url == NULL || *base_url == '\0')
        base_url = spec->default_base_url;
      if (base_url == NULL || *base_url == '\0')
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("%s has no address for its %s. Add %s=http://… to the service in the profile."),
                       tw_service_get_name (self->service), spec->name, spec->setting);
          return NULL;
        }
      if (!_tw_endpoint_url_is_valid (base_url))
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("The address of the %s of %s (%s=%s) is not an http:// or https:// "
                         "address with a host. Fix it in the profile."),
                       spec->name, tw_service_get_name (self->service), spec->setting, base_url);
          return NULL;
        }
      return g_strdup (base_url);
    }

  base_url = tw_service_get_base_url (self->service);
  if (base_url == NULL || *base_url == '\0')
    base_url = tw_connector_get_default_base_url (self->connector);
  if (base_url == NULL || *base_url == '\0')
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("%s has no base URL. Set one in the profile editor."),
                   tw_service_get_name (self->service));
      return NULL;
    }

  if (g_str_has_prefix (base_url, "file:"))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("%s has a folder (%s) for its address, but its connector "
                     "speaks HTTP. Set an http:// address in the profile editor."),
                   tw_service_get_name (self->service), base_url);
      return NULL;
    }
  return g_strdup (base_url);
}

/* The steps' document stands for an answer; the "response" carries the time they took
 * (status 0: no HTTP was spoken). */
static void
on_commands_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwClient *self = g_task_get_source_object (task);
  CallData *call = g_task_get_task_data (task);
  GError *error = NULL;
  JsonNode *node;
  gint64 run_us = 0;

  call->response = _tw_http_response_new (0, NULL, tw_service_get_name (self->service),
                                          tw_operation_get_name (call->op));
  node = tw_command_operation_run_finish (result, &run_us, &error);
  call->response->latency_us = run_us;
  if (node == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

static void lookup_next_secret (GTask *task);

static void
on_secret_looked_up (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwClient *self = g_task_get_source_object (task);
  CallData *call = g_task_get_task_data (task);
  const char *name = g_ptr_array_index (call->to_lookup, call->next);
  const TwSecretSpec *spec = find_secret_spec (self, name);
  g_autoptr(GError) error = NULL;
  char *value;

  value = tw_secrets_lookup_finish (TW_SECRETS (source), result, &error);
  if (error != NULL)
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_SECRET,
                               _("The “%s” of %s could not be read from the keyring: %s. "
                                 "Unlock the keyring and try again."),
                               spec != NULL && spec->label != NULL ? spec->label : name,
                               tw_service_get_name (self->service), error->message);
      return;
    }

  if (value == NULL || *value == '\0')
    {
      secret_free (value);
      if (spec == NULL || spec->required)
        {
          g_task_return_new_error (task, TW_ERROR, TW_ERROR_SECRET,
                                   _("No “%s” is stored for %s in profile “%s”. "
                                     "Enter it in the profile editor."),
                                   spec != NULL && spec->label != NULL ? spec->label : name,
                                   tw_service_get_name (self->service),
                                   self->profile_name);
          return;
        }
    }
  else
    g_hash_table_replace (self->secret_cache, g_strdup (name), value);

  call->next++;
  lookup_next_secret (task);
}

static void
lookup_next_secret (GTask *task)
{
  TwClient *self = g_task_get_source_object (task);
  CallData *call = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (call->to_lookup == NULL || call->next >= call->to_lookup->len)
    {
      send_request (task);
      return;
    }

  tw_secrets_lookup_async (self->secrets,
                           self->profile_name,
                           tw_service_get_id (self->service),
                           g_ptr_array_index (call->to_lookup, call->next),
                           g_task_get_cancellable (task),
                           on_secret_looked_up,
                           g_object_ref (task));
}

/**
 * tw_client_call_async:
 * @self: a client
 * @operation: the console operation ("health", "positions.list", …)
 * @vars: (nullable) (element-type utf8 utf8): template variables
 * @cancellable: (nullable): cancels the lookup and the request
 *
 * Calls @operation: looks up the secrets its headers need (once), expands the
 * templates and sends the request. Finish with tw_client_call_finish().
 */
void
tw_client_call_async (TwClient            *self,
                      const char          *operation,
                      GHashTable          *vars,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  tw_client_call_full_async (self, operation, vars, TW_CLIENT_DEFAULT_RETRIES,
                             cancellable, callback, user_data);
}

void
tw_client_call_full_async (TwClient            *self,
                           const char          *operation,
                           GHashTable          *vars,
                           guint                max_retries,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) names = NULL;
  CallData *call;

  g_return_if_fail (TW_IS_CLIENT (self));
  g_return_if_fail (operation != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_client_call_async);

  call = g_new0 (CallData, 1);
  call->op = tw_connector_get_operation (self->connector, operation);
  call->vars = vars != NULL ? g_hash_table_ref (vars) : NULL;
  call->max_retries = max_retries;
  g_task_set_task_data (task, call, call_data_free);

  if (call->op == NULL)
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_UNSUPPORTED,
                               _("The connector “%s” of %s has no “%s” operation. "
                                 "Update the connector or use another one."),
                               tw_connector_get_id (self->connector),
                               tw_service_get_name (self->service), operation);
      return;
    }

  /* A system with no API: the operation is local commands and files. */
  if (tw_connector_is_commands (self->connector))
    {
      tw_command_operation_run_async (call->op, self->service, self->profile_name, vars,
                                      cancellable, on_commands_done, g_steal_pointer (&task));
      return;
    }

  /* A poll whose request was built before: its secrets were read for it (they are
   * forgotten together). */
  if (vars != NULL || !g_hash_table_contains (self->requests, call->op))
    {
      names = tw_operation_list_secret_names (call->op);
      for (guint i = 0; names != NULL && i < names->len; i++)
        {
          const char *name = g_ptr_array_index (names, i);

          if (g_hash_table_contains (self->secret_cache, name))
            continue;
          if (call->to_lookup == NULL)
            call->to_lookup = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (call->to_lookup, g_strdup (name));
        }
    }

  lookup_next_secret (task);
}

JsonNode *
tw_client_call_finish (TwClient        *self,
                       GAsyncResult    *result,
                       TwHttpResponse **response,
                       GError         **error)
{
  CallData *call;

  g_return_val_if_fail (TW_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tw_client_call_async, NULL);

  call = g_task_get_task_data (G_TASK (result));
  if (response != NULL)
    *response = call->response != NULL ? tw_http_response_ref (call->response) : NULL;

  return g_task_propagate_pointer (G_TASK (result), error);
}
