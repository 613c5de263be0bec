/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-http.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "tw-error.h"
#include "tw-json.h"
#include "tw-http-private.h"
#include "tw-util.h"

/* Guards the caches of every request (see _tw_http_request_get_cached()). */
G_LOCK_DEFINE_STATIC (cache);

/* TwHttpRequest and TwHttpResponse, the two halves of an exchange sent by TwHttp. */

/* ------------------------------------------------------------------------- */
/* TwHttpRequest                                                              */

G_DEFINE_BOXED_TYPE (TwHttpRequest, tw_http_request, tw_http_request_ref, tw_http_request_unref)

/**
 * tw_http_request_new:
 * @method: "GET", "POST", …
 * @base_url: "http://127.0.0.1:3000" or "https://host/api/v1"
 * @path: the already expanded and escaped path, with an optional "?query"
 *
 * Returns: (transfer full): a new request with the default timeout, size cap and
 *   retries.
 */
TwHttpRequest *
tw_http_request_new (const char *method,
                     const char *base_url,
                     const char *path)
{
  TwHttpRequest *request;

  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (base_url != NULL, NULL);

  request = g_new0 (TwHttpRequest, 1);
  g_atomic_ref_count_init (&request->ref_count);
  request->method = g_ascii_strup (method, -1);
  request->base_url = g_strdup (base_url);
  request->path = g_strdup (path != NULL ? path : "");
  request->header_names = g_ptr_array_new_with_free_func (g_free);
  /* Header values carry keys: wiped when freed. */
  request->header_values = g_ptr_array_new_with_free_func (tw_str_wipe_free);
  request->timeout_ms = TW_HTTP_DEFAULT_TIMEOUT_MS;
  request->max_body = TW_HTTP_DEFAULT_MAX_BODY;
  request->max_retries = TW_HTTP_DEFAULT_MAX_RETRIES;

  return request;
}

/**
 * tw_http_request_ref:
 *
 * Returns: (transfer full): @request
 */
TwHttpRequest *
tw_http_request_ref (TwHttpRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  g_atomic_ref_count_inc (&request->ref_count);
  return request;
}

void
tw_http_request_unref (TwHttpRequest *request)
{
  g_return_if_fail (request != NULL);

  if (!g_atomic_ref_count_dec (&request->ref_count))
    return;

  g_free (request->method);
  g_free (request->base_url);
  g_free (request->path);
  g_free (request->service_name);
  g_clear_pointer (&request->cached_uri, g_uri_unref);
  g_clear_pointer (&request->cached_service, g_ref_string_release);
  g_clear_pointer (&request->cached_what, g_ref_string_release);
  g_ptr_array_unref (request->header_names);
  g_ptr_array_unref (request->header_values);   /* wiped by its free function */
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request);
}

void
tw_http_request_set_service_name (TwHttpRequest *request,
                                  const char    *name)
{
  g_return_if_fail (request != NULL);

  g_free (request->service_name);
  request->service_name = (name != NULL && name[0] != '\0') ? g_strdup (name) : NULL;
  G_LOCK (cache);
  g_clear_pointer (&request->cached_service, g_ref_string_release);
  G_UNLOCK (cache);
}

/* Replaces an earlier header of the same name. */
void
tw_http_request_add_header (TwHttpRequest *request,
                            const char    *name,
                            const char    *value)
{
  g_autofree char *clean = NULL;

  g_return_if_fail (request != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (value != NULL);

  /* A key pasted with its trailing newline is the common case; anything else with a
   * line break could not be sent. The value itself is never logged. */
  clean = g_strstrip (g_strdup (value));
  if (strpbrk (clean, "\r\n") != NULL)
    {
      g_warning ("The value of the header %s contains a line break and was not set", name);
      explicit_bzero (clean, strlen (clean));
      return;
    }

  for (guint i = 0; i < request->header_names->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (request->header_names, i), name) == 0)
      {
        g_ptr_array_remove_index (request->header_names, i);
        g_ptr_array_remove_index (request->header_values, i);
        break;
      }

  g_ptr_array_add (request->header_names, g_strdup (name));
  g_ptr_array_add (request->header_values, g_steal_pointer (&clean));
}

void
tw_http_request_set_json_body (TwHttpRequest *request,
                               const char    *json)
{
  g_return_if_fail (request != NULL);

  g_clear_pointer (&request->body, g_bytes_unref);
  if (json != NULL)
    request->body = g_bytes_new (json, strlen (json));
}

void
tw_http_request_set_timeout (TwHttpRequest *request,
                             guint          timeout_ms)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (timeout_ms > 0);

  request->timeout_ms = timeout_ms;
}

void
tw_http_request_set_max_body_size (TwHttpRequest *request,
                                   gsize          max_bytes)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (max_bytes > 0);

  request->max_body = max_bytes;
}

void
tw_http_request_set_max_retries (TwHttpRequest *request,
                                 guint          max_retries)
{
  g_return_if_fail (request != NULL);

  request->max_retries = max_retries;
}

const char *
tw_http_request_get_method (TwHttpRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return request->method;
}

/**
 * tw_http_request_get_service_name:
 *
 * Returns: (nullable): the name set with tw_http_request_set_service_name()
 */
const char *
tw_http_request_get_service_name (TwHttpRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return request->service_name;
}

/**
 * tw_http_request_dup_url:
 *
 * Returns: (transfer full): the base URL joined with the path
 */
char *
tw_http_request_dup_url (TwHttpRequest *request)
{
  gsize base_len;
  const char *path;

  g_return_val_if_fail (request != NULL, NULL);

  base_len = strlen (request->base_url);
  while (base_len > 0 && request->base_url[base_len - 1] == '/')
    base_len--;
  path = request->path;
  while (path[0] == '/')
    path++;

  return g_strdup_printf ("%.*s/%s", (int) base_len, request->base_url, path);
}

char *
_tw_http_request_dup_display_name (TwHttpRequest *request)
{
  g_autoptr(GUri) uri = NULL;

  if (request->service_name != NULL)
    return g_strdup (request->service_name);

  uri = g_uri_parse (request->base_url, G_URI_FLAGS_NONE, NULL);
  if (uri != NULL && g_uri_get_host (uri) != NULL && g_uri_get_host (uri)[0] != '\0')
    {
      if (g_uri_get_port (uri) > 0)
        return g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
      return g_strdup (g_uri_get_host (uri));
    }
  /* Translators: stands for a service's name in messages, e.g. "Cannot reach the service at …" */
  return g_strdup (_("the service"));
}

char *
_tw_http_request_dup_what (TwHttpRequest *request)
{
  g_autofree char *url = tw_http_request_dup_url (request);
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  const char *query;
  int path_len;

  /* The whole path, base URL prefix included ("/api/v1/health"), never the query. */
  if (uri != NULL && g_uri_get_path (uri)[0] != '\0')
    return g_strdup_printf ("%s %s", request->method, g_uri_get_path (uri));

  query = strchr (request->path, '?');
  path_len = query != NULL ? (int) (query - request->path) : (int) strlen (request->path);
  if (path_len == 0)
    return g_strdup_printf ("%s /", request->method);
  return g_strdup_printf ("%s %s%.*s", request->method,
                          request->path[0] == '/' ? "" : "/", path_len, request->path);
}

void
_tw_http_request_get_cached (TwHttpRequest  *request,
                             GUri          **uri,
                             char          **service,
                             char          **what)
{
  G_LOCK (cache);
  if (!request->uri_parsed)
    {
      g_autofree char *url = tw_http_request_dup_url (request);

      request->cached_uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
      request->uri_parsed = TRUE;
    }
  if (request->cached_service == NULL)
    {
      g_autofree char *name = _tw_http_request_dup_display_name (request);

      request->cached_service = g_ref_string_new (name);
    }
  if (request->cached_what == NULL)
    {
      g_autofree char *text = _tw_http_request_dup_what (request);

      request->cached_what = g_ref_string_new (text);
    }
  *uri = request->cached_uri != NULL ? g_uri_ref (request->cached_uri) : NULL;
  *service = g_ref_string_acquire (request->cached_service);
  *what = g_ref_string_acquire (request->cached_what);
  G_UNLOCK (cache);
}

char *
_tw_http_request_dup_display_base (TwHttpRequest *request)
{
  g_autoptr(GUri) uri = g_uri_parse (request->base_url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *shown = NULL;
  gsize len;

  if (uri == NULL)
    return _tw_http_quote_text (request->base_url, -1);

  shown = g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO | G_URI_HIDE_QUERY |
                                        G_URI_HIDE_FRAGMENT);
  len = strlen (shown);
  while (len > 0 && shown[len - 1] == '/')
    shown[--len] = '\0';
  return g_steal_pointer (&shown);
}

/* ------------------------------------------------------------------------- */
/* TwHttpResponse                                                             */

G_DEFINE_BOXED_TYPE (TwHttpResponse, tw_http_response, tw_http_response_ref, tw_http_response_unref)

TwHttpResponse *
_tw_http_response_new (guint               status,
                       SoupMessageHeaders *headers,
                       const char         *service,
                       const char         *what)
{
  TwHttpResponse *response = g_new0 (TwHttpResponse, 1);

  g_atomic_ref_count_init (&response->ref_count);
  response->status = status;
  response->headers = headers != NULL ? soup_message_headers_ref (headers) : NULL;
  response->body = g_bytes_new (NULL, 0);
  response->service = g_strdup (service);
  response->what = g_strdup (what);

  return response;
}

/**
 * tw_http_response_ref:
 *
 * Returns: (transfer full): @response
 */
TwHttpResponse *
tw_http_response_ref (TwHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  g_atomic_ref_count_inc (&response->ref_count);
  return response;
}

void
tw_http_response_unref (TwHttpResponse *response)
{
  g_return_if_fail (response != NULL);

  if (!g_atomic_ref_count_dec (&response->ref_count))
    return;

  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response->service);
  g_free (response->what);
  g_free (response->server_message);
  g_free (response);
}

guint
tw_http_response_get_status (TwHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, 0);

  return response->status;
}

/**
 * tw_http_response_get_body:
 *
 * Returns: (transfer none): the body read (empty, never %NULL)
 */
GBytes *
tw_http_response_get_body (TwHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  return response->body;
}

/**
 * tw_http_response_get_header:
 *
 * Returns: (nullable): the value of the header @name, compared case-insensitively
 */
const char *
tw_http_response_get_header (TwHttpResponse *response,
                             const char     *name)
{
  g_return_val_if_fail (response != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (response->headers == NULL)
    return NULL;
  return soup_message_headers_get_one (response->headers, name);
}

/**
 * tw_http_response_parse_json:
 *
 * Returns: (transfer full): the parsed body; a JSON null node for an empty body (or
 *   one of only comments); %NULL with @error set otherwise
 */
JsonNode *
tw_http_response_parse_json (TwHttpResponse  *response,
                             GError         **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *content_type;
  const char *data;
  JsonNode *root;
  gsize len = 0;
  gsize i;

  g_return_val_if_fail (response != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (response->body, &len);
  for (i = 0; i < len && g_ascii_isspace (data[i]); i++)
    ;
  if (i == len)
    return json_node_new (JSON_NODE_NULL);

  content_type = tw_http_response_get_header (response, "Content-Type");
  if (_tw_http_body_is_html (response->body, content_type))
    {
      g_propagate_error (error, _tw_http_error_html (response->service, response->what,
                                                     response->status, response->body,
                                                     TW_ERROR_BAD_RESPONSE));
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!tw_json_parser_load (parser, data, len, &local_error))
    {
      g_autofree char *reason = NULL;
      guint line = 0, column = 0;
      int consumed = 0;

      if (g_error_matches (local_error, TW_ERROR, TW_ERROR_TOO_LARGE))
        {
          /* Translators: the second %s says which limit, e.g. "the JSON is nested deeper
           * than 512 levels"; the last one the request, e.g. "GET /health" */
          g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                       _("%s sent JSON past the console's limits: %s (%s)"), response->service,
                       local_error->message, response->what);
          return NULL;
        }

      /* json-glib says "<data>:1:21: Parse error: unexpected …": keep the words. */
      if (sscanf (local_error->message, "<data>:%u:%u: Parse error: %n", &line, &column, &consumed) == 2 &&
          consumed > 0)
        {
          /* Translators: json-glib's reason, e.g. "unexpected character at line 1, column 21" */
          g_autofree char *where = g_strdup_printf (_("%s at line %u, column %u"),
                                                    local_error->message + consumed, line, column);
          reason = _tw_http_quote_text (where, -1);
        }
      else
        reason = _tw_http_quote_text (local_error->message, -1);

      g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                   _("%s sent malformed JSON: %s (%s)"), response->service,
                   reason != NULL ? reason : _("unreadable"), response->what);
      return NULL;
    }

  /* json-glib skips C comments (and takes a lone "//" for one): a body of only comments
   * parses to no root at all, and is as empty as a blank body. */
  root = json_parser_steal_root (parser);
  return root != NULL ? root : json_node_new (JSON_NODE_NULL);
}

gint64
tw_http_response_get_latency_us (TwHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, 0);

  return response->latency_us;
}

guint
tw_http_response_get_attempts (TwHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, 0);

  return response->attempts;
}

/**
 * tw_http_response_get_server_message:
 *
 * Returns: (nullable): the server's own message, one line of at most 200 characters
 */
const char *
tw_http_response_get_server_message (TwHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  if (!response->server_message_done)
    {
      response->server_message =
        _tw_http_extract_server_message (response->body,
                                         tw_http_response_get_header (response, "Content-Type"));
      response->server_message_done = TRUE;
    }
  return response->server_message;
}
