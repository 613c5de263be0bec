/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tw-sim-private.h"
#include "tw-json.h"
#include "tw-sim-trading.h"
#include "tw-error.h"

void
tw_sim_request_free (TwSimRequest *req)
{
  if (req == NULL)
    return;

  g_clear_signal_handler (&req->finished_id, req->msg);
  if (req->delay != NULL)
    {
      g_source_destroy (req->delay);
      g_clear_pointer (&req->delay, g_source_unref);
    }
  g_clear_object (&req->msg);
  g_free (req->method);
  g_free (req->path);
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_clear_pointer (&req->params, g_hash_table_unref);
  g_clear_pointer (&req->entry, tw_sim_log_entry_unref);
  g_clear_pointer (&req->fault, tw_sim_fault_unref);
  g_free (req);
}

char *
tw_sim_format_time (gint64   real_time_us,
                    gboolean with_us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (real_time_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) full = g_date_time_add (dt, real_time_us % G_USEC_PER_SEC);

  return g_date_time_format (full, with_us ? "%Y-%m-%dT%H:%M:%S.%fZ" : "%Y-%m-%dT%H:%M:%SZ");
}

char *
tw_sim_format_decimal (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.2f", value));
}

const char *
tw_sim_status_phrase (guint status)
{
  /* libsoup 3.2 does not know every status the vendors send. */
  switch (status)
    {
    case 207: return "Multi-Status";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    default:  return soup_status_get_phrase (status);
    }
}

void
tw_sim_reply_bytes (SoupServerMessage *msg,
                    guint              status,
                    const char        *content_type,
                    const char        *body,
                    gsize              len)
{
  soup_server_message_set_status (msg, status, tw_sim_status_phrase (status));
  if (body != NULL && status != SOUP_STATUS_NO_CONTENT && status != SOUP_STATUS_NOT_MODIFIED)
    soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, len);
}

/* The shortest decimal that reads back as @value, as the services' own JSON libraries
 * write it (serde, Python): 0.35 rather than json-glib's 0.34999999999999998, and
 * 5.0 for a whole number. */
static void
append_double (GString *out,
               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  for (int precision = 15; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  g_string_append (out, buf);
  if (strpbrk (buf, ".eEn") == NULL)
    g_string_append (out, ".0");
}

static void
append_string (GString    *out,
               const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

static void
append_node (GString  *out,
             JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            append_string (out, name);
            g_string_append_c (out, ':');
            append_node (out, member);
          }
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          append_string (out, json_node_get_string (node));
          break;
        default:
          g_string_append (out, "null");
        }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

void
tw_sim_reply_json (SoupServerMessage *msg,
                   guint              status,
                   JsonNode          *node)
{
  g_autoptr(GString) text = g_string_new (NULL);

  append_node (text, node);
  tw_sim_reply_bytes (msg, status, "application/json", text->str, text->len);
}

void
tw_sim_reply_builder (SoupServerMessage *msg,
                      guint              status,
                      JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  tw_sim_reply_json (msg, status, root);
}

char *
tw_sim_flavor_error_body (const TwSimFlavor *flavor,
                          guint              status,
                          const char        *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *lower = NULL;

  if (message == NULL)
    message = tw_sim_status_phrase (status);
  if (message == NULL || *message == '\0')
    message = "Error";

  json_builder_begin_object (b);
  switch (flavor->errors)
    {
    case TW_SIM_ERRORS_AXUM:
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, message);
      break;
    case TW_SIM_ERRORS_FASTAPI:
      json_builder_set_member_name (b, "detail");
      json_builder_add_string_value (b, message);
      break;
    case TW_SIM_ERRORS_OFREP:
      json_builder_set_member_name (b, "errorDetails");
      json_builder_add_string_value (b, message);
      break;
    case TW_SIM_ERRORS_ALPACA:
      /* Alpaca's codes are the HTTP status followed by five digits; messages are lower case. */
      lower = g_ascii_strdown (message, -1);
      json_builder_set_member_name (b, "code");
      json_builder_add_int_value (b, (gint64) status * 100000 + 10000);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, lower);
      break;
    default:
      g_assert_not_reached ();
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

void
tw_sim_reply_flavor_error (TwSimRequest *req,
                           guint         status,
                           const char   *message)
{
  g_autofree char *body = tw_sim_flavor_error_body (req->flavor, status, message);

  tw_sim_reply_bytes (req->msg, status, "application/json", body, strlen (body));
}

const char *
tw_sim_request_get_query (TwSimRequest *req,
                          const char   *name)
{
  return g_hash_table_lookup (req->query, name);
}

const char *
tw_sim_request_get_param (TwSimRequest *req,
                          const char   *name)
{
  return g_hash_table_lookup (req->params, name);
}

JsonNode *
tw_sim_message_get_json (SoupServerMessage  *msg,
                         GError            **error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  if (len == 0)
    {
      g_set_error_literal (error, TW_ERROR, TW_ERROR_INVALID,
                           "The request has no body: send a JSON object");
      return NULL;
    }
  if (!tw_json_parser_load (parser, data, len, &local_error))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   "The request body is not valid JSON: %s", local_error->message);
      return NULL;
    }
  /* A body of only comments (json-glib skips them) has no root. */
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, TW_ERROR, TW_ERROR_INVALID,
                           "The request body holds no JSON value: send a JSON object");
      return NULL;
    }
  return json_node_ref (json_parser_get_root (parser));
}

static gboolean
check_auth (TwSimRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const TwSimFlavor *flavor = req->flavor;
  gboolean missing, ok;

  if (flavor->auth == TW_SIM_AUTH_NONE)
    return TRUE;
  if (flavor->auth == TW_SIM_AUTH_ALPACA)
    {
      const char *key_id = soup_message_headers_get_one (headers, "APCA-API-KEY-ID");
      const char *secret = soup_message_headers_get_one (headers, "APCA-API-SECRET-KEY");

      missing = key_id == NULL || *key_id == '\0' || secret == NULL || *secret == '\0';
      ok = !missing && _tw_sim_check_alpaca (req->sim, flavor->name, key_id, secret);
    }
  else if (flavor->auth == TW_SIM_AUTH_BEARER)
    {
      const char *value = soup_message_headers_get_one (headers, "Authorization");
      const char *key = value != NULL && g_ascii_strncasecmp (value, "Bearer ", 7) == 0
                        ? value + 7 : NULL;

      missing = key == NULL || *key == '\0';
      ok = !missing && _tw_sim_check_api_key (req->sim, flavor->name, key);
    }
  else
    {
      const char *key = soup_message_headers_get_one (headers, "X-API-Key");

      missing = key == NULL || *key == '\0';
      ok = !missing && _tw_sim_check_api_key (req->sim, flavor->name, key);
    }

  if (ok)
    return TRUE;

  if (missing)
    tw_sim_reply_bytes (req->msg, flavor->missing_status, "application/json",
                        flavor->missing_body, strlen (flavor->missing_body));
  else
    tw_sim_reply_bytes (req->msg, flavor->wrong_status, "application/json",
                        flavor->wrong_body, strlen (flavor->wrong_body));
  return FALSE;
}

/* Matches @path against @pattern segment by segment, capturing "{name}" segments. */
static gboolean
route_matches (const char *pattern,
               const char *path,
               GHashTable *params)
{
  g_auto(GStrv) want = g_strsplit (pattern, "/", -1);
  g_auto(GStrv) have = g_strsplit (path, "/", -1);
  guint n = g_strv_length (want);

  if (n != g_strv_length (have))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      gsize len = strlen (want[i]);

      if (len > 2 && want[i][0] == '{' && want[i][len - 1] == '}')
        {
          if (have[i][0] == '\0')
            return FALSE;
          if (params != NULL)
            g_hash_table_insert (params, g_strndup (want[i] + 1, len - 2), g_strdup (have[i]));
        }
      else if (!g_str_equal (want[i], have[i]))
        return FALSE;
    }

  return TRUE;
}

/* Looks for @req's route in @routes: TRUE once answered; *path_match set when only the
 * method differed. */
static gboolean
dispatch_table (TwSimRequest      *req,
                const TwSimRoute  *routes,
                const TwSimRoute **path_match)
{
  for (const TwSimRoute *route = routes; route->method != NULL; route++)
    {
      if (!route_matches (route->pattern, req->path, NULL))
        continue;
      *path_match = route;
      if (!g_str_equal (route->method, req->method))
        continue;

      g_hash_table_remove_all (req->params);
      route_matches (route->pattern, req->path, req->params);
      if (!route->no_auth && !check_auth (req))
        return TRUE;
      /* Alpaca's 200 requests a minute per key cover every route, account included. */
      if (req->flavor == &tw_sim_flavor_alpaca && !route->no_auth &&
          !tw_sim_trading_alpaca_rate_limit (req))
        return TRUE;
      route->handler (req);
      return TRUE;
    }
  return FALSE;
}

void
tw_sim_request_dispatch (TwSimRequest *req)
{
  const TwSimRoute *path_match = NULL;

  if (dispatch_table (req, req->flavor->routes, &path_match))
    return;
  if (req->flavor->extra_routes != NULL)
    for (guint i = 0; req->flavor->extra_routes[i] != NULL; i++)
      if (dispatch_table (req, req->flavor->extra_routes[i], &path_match))
        return;

  if (path_match != NULL)
    tw_sim_reply_flavor_error (req, SOUP_STATUS_METHOD_NOT_ALLOWED,
                               req->flavor->errors == TW_SIM_ERRORS_ALPACA
                               ? "method not allowed" : "Method Not Allowed");
  else if (req->flavor->errors == TW_SIM_ERRORS_ALPACA)
    tw_sim_reply_flavor_error (req, SOUP_STATUS_NOT_FOUND, "endpoint not found");
  else
    tw_sim_reply_flavor_error (req, SOUP_STATUS_NOT_FOUND, "Not Found");
}
