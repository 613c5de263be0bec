/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-http-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-error.h"
#include "tw-json.h"

/* Messages for people: what failed, naming the service, and what to do. Nothing in
 * here ever reads a request header, so no secret can reach an error message. */

/* Enough of a body to find a message or a title in. */
#define SNIFF_MAX (64 * 1024)

char *
_tw_http_quote_text (const char *text,
                     gssize      len)
{
  g_autofree char *valid = NULL;
  GString *out;
  gboolean space = FALSE;
  guint n_chars = 0;
  const char *p;

  if (text == NULL)
    return NULL;
  if (len < 0)
    len = strlen (text);

  valid = g_utf8_make_valid (text, MIN (len, (gssize) (TW_HTTP_QUOTE_MAX_CHARS * 8)));
  out = g_string_new (NULL);

  for (p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        {
          space = out->len > 0;
          continue;
        }
      if (n_chars >= TW_HTTP_QUOTE_MAX_CHARS)
        {
          g_string_append (out, "\xe2\x80\xa6"); /* … */
          break;
        }
      if (space)
        {
          g_string_append_c (out, ' ');
          n_chars++;
          space = FALSE;
        }
      g_string_append_unichar (out, c);
      n_chars++;
    }

  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

static const char *
first_non_space (const char *data,
                 gsize       len,
                 gsize      *offset)
{
  gsize i;

  for (i = 0; i < len; i++)
    if (!g_ascii_isspace (data[i]))
      {
        *offset = i;
        return data + i;
      }
  return NULL;
}

gboolean
_tw_http_body_is_html (GBytes     *body,
                       const char *content_type)
{
  const char *data;
  const char *first;
  gsize len = 0;
  gsize offset = 0;

  if (content_type != NULL &&
      (g_ascii_strncasecmp (content_type, "text/html", 9) == 0 ||
       g_ascii_strncasecmp (content_type, "application/xhtml", 17) == 0))
    return TRUE;
  if (body == NULL)
    return FALSE;

  data = g_bytes_get_data (body, &len);
  first = first_non_space (data, len, &offset);
  return first != NULL && *first == '<';
}

static const char *
find_ascii_caseless (const char *haystack,
                     gsize       len,
                     const char *needle)
{
  gsize n = strlen (needle);
  gsize i;

  for (i = 0; i + n <= len; i++)
    if (g_ascii_strncasecmp (haystack + i, needle, n) == 0)
      return haystack + i;
  return NULL;
}

char *
_tw_http_html_title (GBytes *body)
{
  const char *data;
  const char *start;
  const char *end;
  gsize len = 0;

  if (body == NULL)
    return NULL;

  data = g_bytes_get_data (body, &len);
  len = MIN (len, SNIFF_MAX);
  start = find_ascii_caseless (data, len, "<title");
  if (start == NULL)
    return NULL;
  start = memchr (start, '>', len - (start - data));
  if (start == NULL)
    return NULL;
  start++;
  end = find_ascii_caseless (start, len - (start - data), "</title");
  if (end == NULL)
    return NULL;

  return _tw_http_quote_text (start, end - start);
}

static char *
json_error_message (JsonNode *root)
{
  JsonObject *object;
  JsonNode *node;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);

  /* FastAPI: {"detail": "…"} or validation errors {"detail": [{"msg": "…"}, …]} */
  node = json_object_get_member (object, "detail");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      GString *joined = g_string_new (NULL);
      guint i;

      for (i = 0; i < json_array_get_length (array) && joined->len < SNIFF_MAX; i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          const char *msg;

          if (!JSON_NODE_HOLDS_OBJECT (item))
            continue;
          msg = json_object_get_string_member_with_default (json_node_get_object (item),
                                                            "msg", NULL);
          if (msg == NULL)
            continue;
          if (joined->len > 0)
            g_string_append (joined, "; ");
          g_string_append (joined, msg);
        }
      if (joined->len > 0)
        return g_string_free (joined, FALSE);
      g_string_free (joined, TRUE);
    }

  /* {"error": "…"} or {"error": {"message": "…"}} */
  node = json_object_get_member (object, "error");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      const char *msg = json_object_get_string_member_with_default (json_node_get_object (node),
                                                                    "message", NULL);
      if (msg != NULL)
        return g_strdup (msg);
    }

  /* Alpaca {"code": 40110000, "message": "…"} and the many {"message": "…"} */
  node = json_object_get_member (object, "message");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));

  return NULL;
}

char *
_tw_http_extract_server_message (GBytes     *body,
                                 const char *content_type)
{
  const char *data;
  const char *first;
  gsize len = 0;
  gsize offset = 0;
  gsize n;
  const char *end = NULL;

  if (body == NULL || _tw_http_body_is_html (body, content_type))
    return NULL;

  data = g_bytes_get_data (body, &len);
  first = first_non_space (data, len, &offset);
  if (first == NULL)
    return NULL;

  if (*first == '{' || *first == '[')
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();

      if (len <= SNIFF_MAX &&
          tw_json_parser_load (parser, data, len, NULL))
        {
          g_autofree char *message = json_error_message (json_parser_get_root (parser));

          return _tw_http_quote_text (message, -1);
        }
    }

  /* Not JSON we understand: a short text answer is still the server's own words.
   * Only a character cut at the 1 KiB mark is forgiven; binary is never quoted. */
  n = MIN (len - offset, 1024);
  if (!g_utf8_validate_len (first, n, &end) && (gsize) (end - first) + 4 < n)
    return NULL;
  return _tw_http_quote_text (first, end - first);
}

static TwError
code_for_status (guint status)
{
  if (status == 401)
    return TW_ERROR_AUTH;
  if (status == 403)
    return TW_ERROR_FORBIDDEN;
  if (status == 404)
    return TW_ERROR_NOT_FOUND;
  if (status == 409 || status == 422)
    return TW_ERROR_CONFLICT;
  if (status == 429)
    return TW_ERROR_RATE_LIMITED;
  if (status >= 500 && status < 600)
    return TW_ERROR_SERVER;
  return TW_ERROR_BAD_RESPONSE;
}

GError *
_tw_http_error_html (const char *service,
                     const char *what,
                     guint       status,
                     GBytes     *body,
                     TwError     code)
{
  g_autofree char *title = _tw_http_html_title (body);
  g_autofree char *status_part = NULL;
  g_autofree char *title_part = NULL;

  if (status >= 300)
    status_part = g_strdup_printf (" %u", status);
  if (title != NULL)
    /* Translators: the title of an HTML error page, quoted after a message */
    title_part = g_strdup_printf (_(": “%s”"), title);

  /* Translators: "InvestIQ answered 502 with an HTML page instead of JSON
   * (GET /health): “Bad Gateway”. …"; the second %s is " 502" or empty */
  return g_error_new (TW_ERROR, code,
                      _("%s answered%s with an HTML page instead of JSON (%s)%s. "
                        "A proxy or gateway error? Check that the service behind it is "
                        "running and that the base URL points at its API."),
                      service, status_part ? status_part : "", what,
                      title_part ? title_part : "");
}

GError *
_tw_http_error_for_status (TwHttpResponse *response,
                           gint64          retry_after_s)
{
  guint status = response->status;
  TwError code = code_for_status (status);
  const char *content_type = NULL;
  const char *message;
  g_autofree char *head = NULL;

  if (response->headers != NULL)
    content_type = soup_message_headers_get_one (response->headers, "Content-Type");

  if (status >= 300 && status < 400)
    {
      const char *location = NULL;
      g_autofree char *shown = NULL;

      if (response->headers != NULL)
        location = soup_message_headers_get_one (response->headers, "Location");
      shown = _tw_http_quote_text (location, -1);

      if (shown != NULL)
        return g_error_new (TW_ERROR, TW_ERROR_BAD_RESPONSE,
                            _("%s answered %u with a redirect to %s (%s). Trade Warden does "
                              "not follow redirects: check the base URL (http vs https, "
                              "paper vs live)."),
                            response->service, status, shown, response->what);
      return g_error_new (TW_ERROR, TW_ERROR_BAD_RESPONSE,
                          _("%s answered %u, a redirect without a Location (%s). Trade "
                            "Warden does not follow redirects: check the base URL (http vs "
                            "https, paper vs live)."),
                          response->service, status, response->what);
    }

  if (_tw_http_body_is_html (response->body, content_type))
    return _tw_http_error_html (response->service, response->what, status,
                                response->body, code);

  message = tw_http_response_get_server_message (response);
  if (message != NULL)
    /* Translators: "401 from Alpaca: “request is not authorized”" */
    head = g_strdup_printf (_("%u from %s: “%s”"),
                            status, response->service, message);
  else
    /* Translators: "502 Bad Gateway from InvestIQ" (the phrase is HTTP's own) */
    head = g_strdup_printf (_("%u %s from %s"), status,
                            soup_status_get_phrase (status), response->service);

  switch ((int) code)
    {
    case TW_ERROR_AUTH:
      return g_error_new (TW_ERROR, code,
                          _("%s. The keys were rejected — check the keys stored for this "
                            "profile match the base URL (paper or live)."), head);

    case TW_ERROR_FORBIDDEN:
      return g_error_new (TW_ERROR, code,
                          _("%s (%s). The service refused this action with the keys given — "
                            "check that the profile holds the key it needs (a live-trading "
                            "key, for instance) and that the key has this permission."),
                          head, response->what);

    case TW_ERROR_NOT_FOUND:
      return g_error_new (TW_ERROR, code,
                          _("%s (%s). The service has no such path or object — check the "
                            "base URL and that the connector matches the service's version."),
                          head, response->what);

    case TW_ERROR_CONFLICT:
      return g_error_new (TW_ERROR, code,
                          _("%s (%s). The service refused the request in its current state; "
                            "refresh, check, then try again."), head, response->what);

    case TW_ERROR_RATE_LIMITED:
      if (retry_after_s >= 0)
        return g_error_new (TW_ERROR, code,
                            _("%s (%s) — rate limited (429); retry after %lld s."),
                            head, response->what, (long long) retry_after_s);
      return g_error_new (TW_ERROR, code,
                          _("%s (%s) — rate limited (429); wait a little before retrying."),
                          head, response->what);

    case TW_ERROR_SERVER:
      return g_error_new (TW_ERROR, code,
                          _("%s (%s). The service failed to handle the request — check its "
                            "logs and its health."), head, response->what);

    default:
      if (status >= 400 && status < 500)
        return g_error_new (TW_ERROR, code,
                            _("%s (%s). The service rejected the request as sent — the "
                              "connector may not match this service's version."),
                            head, response->what);
      return g_error_new (TW_ERROR, code,
                          _("%s sent an unexpected answer, %s (%s)."),
                          response->service, head, response->what);
    }
}

/* Each continues "Cannot reach InvestIQ at http://…: ", so starts lower-case. */
static char *
describe_network_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_strdup (_("connection refused"));
  if (error->domain == G_RESOLVER_ERROR)
    return g_strdup (_("the host name could not be resolved"));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    return g_strdup (_("no route to the host"));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED))
    return g_strdup (_("the connection was closed before any answer"));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_strdup (_("the connection timed out"));

  /* GIO's own words, lower-cased to continue the sentence. */
  if (error->message != NULL && error->message[0] != '\0')
    {
      g_autofree char *quoted = _tw_http_quote_text (error->message, -1);
      if (quoted != NULL)
        {
          quoted[0] = g_ascii_tolower (quoted[0]);
          return g_steal_pointer (&quoted);
        }
    }
  return g_strdup (_("a network error"));
}

GError *
_tw_http_error_for_network (TwHttpRequest *request,
                            const GError  *error)
{
  g_autofree char *service = _tw_http_request_dup_display_name (request);
  g_autofree char *base = _tw_http_request_dup_display_base (request);
  g_autofree char *what = _tw_http_request_dup_what (request);

  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    return g_error_new (TW_ERROR, TW_ERROR_TLS,
                        _("The TLS certificate of %s at %s is not trusted. Trade Warden never "
                          "disables certificate verification: give the service a certificate "
                          "from a trusted authority, or add its CA to the system's trusted "
                          "certificates."), service, base);
  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_NOT_TLS))
    return g_error_new (TW_ERROR, TW_ERROR_TLS,
                        _("%s at %s does not speak TLS. Check the base URL: http:// or "
                          "https://?"), service, base);
  if (error->domain == G_TLS_ERROR)
    {
      g_autofree char *reason = _tw_http_quote_text (error->message, -1);

      return g_error_new (TW_ERROR, TW_ERROR_TLS,
                          _("The secure (TLS) connection to %s at %s failed: %s. Trade Warden "
                            "never disables certificate verification."), service, base,
                          reason != NULL ? reason : _("unknown error"));
    }

  if (g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_PARSING) ||
      g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_ENCODING))
    return g_error_new (TW_ERROR, TW_ERROR_BAD_RESPONSE,
                        _("%s at %s sent an answer that is not valid HTTP (%s). Check that "
                          "the base URL points at the service's API, not at another program."),
                        service, base, what);

  {
    g_autofree char *cause = describe_network_error (error);

    return g_error_new (TW_ERROR, TW_ERROR_UNREACHABLE,
                        _("Cannot reach %s at %s: %s. Is the service running and the base "
                          "URL right?"), service, base, cause);
  }
}

static char *
format_seconds (guint ms)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", ms / 1000.0));
}

GError *
_tw_http_error_timeout (TwHttpRequest *request)
{
  g_autofree char *service = _tw_http_request_dup_display_name (request);
  g_autofree char *what = _tw_http_request_dup_what (request);
  g_autofree char *seconds = format_seconds (request->timeout_ms);

  return g_error_new (TW_ERROR, TW_ERROR_TIMEOUT,
                      _("%s did not answer within %s s (%s)"), service, seconds, what);
}

static char *
format_size (gsize bytes)
{
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
    return g_strdup_printf ("%" G_GSIZE_FORMAT " MiB", bytes / (1024 * 1024));
  if (bytes >= 1024 && bytes % 1024 == 0)
    return g_strdup_printf ("%" G_GSIZE_FORMAT " KiB", bytes / 1024);
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

GError *
_tw_http_error_too_large (TwHttpRequest *request)
{
  g_autofree char *service = _tw_http_request_dup_display_name (request);
  g_autofree char *what = _tw_http_request_dup_what (request);
  g_autofree char *size = format_size (request->max_body);

  return g_error_new (TW_ERROR, TW_ERROR_TOO_LARGE,
                      _("The answer from %s is larger than %s and was refused (%s)"),
                      service, size, what);
}

GError *
_tw_http_error_cut_off (TwHttpRequest *request,
                        gsize          received)
{
  g_autofree char *service = _tw_http_request_dup_display_name (request);
  g_autofree char *what = _tw_http_request_dup_what (request);

  /* Translators: the first %s is the service, %lu the bytes received, the last
   * %s the request (e.g. "GET /api/broker/positions") */
  return g_error_new (TW_ERROR, TW_ERROR_BAD_RESPONSE,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "The answer from %s was cut off after %lu byte (%s): the "
                                   "connection closed before the whole answer arrived. Try "
                                   "again; if it keeps happening, check the service and any "
                                   "proxy in between.",
                                   "The answer from %s was cut off after %lu bytes (%s): the "
                                   "connection closed before the whole answer arrived. Try "
                                   "again; if it keeps happening, check the service and any "
                                   "proxy in between.",
                                   received),
                      service, (unsigned long) received, what);
}

GError *
_tw_http_error_cancelled (TwHttpRequest *request)
{
  g_autofree char *service = _tw_http_request_dup_display_name (request);
  g_autofree char *what = _tw_http_request_dup_what (request);

  return g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                      _("The request to %s was cancelled (%s)"), service, what);
}
