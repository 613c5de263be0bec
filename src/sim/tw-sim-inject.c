/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-sim-private.h"
#include "tw-json.h"

#define PADDING_CHUNK (16 * 1024 * 1024)

/* What a proxy in front of a dead upstream answers. */
#define NGINX_VERSION "nginx/1.22.1"

static const char malformed_body[] = "{\"status\": \"healthy\",,";

static void
finish (TwSimRequest *req,
        guint         status)
{
  tw_sim_log_set_status (_tw_sim_get_log (req->sim), req->entry, status);
  g_clear_signal_handler (&req->finished_id, req->msg);
  if (req->paused && !req->stolen)
    soup_server_message_unpause (req->msg);
  tw_sim_request_free (req);
}

static void
add_fault_headers (TwSimRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  g_autoptr(GList) names = NULL;

  if (req->fault == NULL || req->fault->headers == NULL)
    return;

  names = json_object_get_members (req->fault->headers);
  for (GList *l = names; l != NULL; l = l->next)
    soup_message_headers_replace (headers, l->data,
                                  json_object_get_string_member (req->fault->headers, l->data));
}

static void
reply_status (TwSimRequest *req)
{
  TwSimFault *fault = req->fault;
  g_autoptr(JsonParser) parser = NULL;
  const char *content_type = "application/json";

  if (fault->body == NULL)
    {
      tw_sim_reply_flavor_error (req, fault->status, NULL);
      return;
    }

  parser = json_parser_new ();
  if (!tw_json_parser_load (parser, fault->body, -1, NULL))
    content_type = "text/plain; charset=utf-8";
  tw_sim_reply_bytes (req->msg, fault->status, content_type, fault->body, strlen (fault->body));
}

static void
reply_html (TwSimRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  guint status = req->fault->status;
  const char *phrase = tw_sim_status_phrase (status);
  g_autofree char *title = g_strdup_printf ("%u %s", status, phrase ? phrase : "Error");
  g_autofree char *body = g_strdup_printf ("<html>\r\n"
                                           "<head><title>%s</title></head>\r\n"
                                           "<body>\r\n"
                                           "<center><h1>%s</h1></center>\r\n"
                                           "<hr><center>" NGINX_VERSION "</center>\r\n"
                                           "</body>\r\n"
                                           "</html>\r\n", title, title);

  tw_sim_reply_bytes (req->msg, status, "text/html", body, strlen (body));
  soup_message_headers_replace (headers, "Server", NGINX_VERSION);
}

static void
reply_rate_limit (TwSimRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  g_autofree char *retry_after = g_strdup_printf ("%u", req->fault->retry_after);

  tw_sim_reply_flavor_error (req, 429, "Rate limit exceeded");
  soup_message_headers_replace (headers, "Retry-After", retry_after);

  if (req->flavor->errors == TW_SIM_ERRORS_ALPACA)
    {
      gint64 reset = g_get_real_time () / G_USEC_PER_SEC + req->fault->retry_after;
      g_autofree char *reset_str = g_strdup_printf ("%" G_GINT64_FORMAT, reset);

      soup_message_headers_replace (headers, "X-Ratelimit-Limit", "200");
      soup_message_headers_replace (headers, "X-Ratelimit-Remaining", "0");
      soup_message_headers_replace (headers, "X-Ratelimit-Reset", reset_str);
    }
}

/* A valid JSON array of exactly @size bytes, "[0,0,…,0]", made of references to one
 * shared buffer so a gigabyte answer costs no more memory than a small one. */
static void
reply_huge (TwSimRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  SoupMessageBody *body = soup_server_message_get_response_body (req->msg);
  guint64 size = MAX (req->fault->size, 2);
  guint64 inner = size - 2;
  guint64 pairs;

  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, "OK");
  soup_message_headers_set_content_type (headers, "application/json", NULL);
  if (req->fault->chunked)
    soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  else
    soup_message_headers_set_content_length (headers, size);

  soup_message_body_append (body, SOUP_MEMORY_STATIC, "[", 1);
  if (inner > 0)
    {
      /* "0," pairs, then a last "0"; an even inner length ends with one space. */
      pairs = (inner % 2 == 1 ? inner : inner - 1) - 1;
      while (pairs > 0)
        {
          gsize len = MIN (pairs, PADDING_CHUNK);
          g_autoptr(GBytes) chunk = _tw_sim_get_padding (req->sim, len);

          soup_message_body_append_bytes (body, chunk);
          pairs -= len;
        }
      soup_message_body_append (body, SOUP_MEMORY_STATIC, "0", 1);
      if (inner % 2 == 0)
        soup_message_body_append (body, SOUP_MEMORY_STATIC, " ", 1);
    }
  soup_message_body_append (body, SOUP_MEMORY_STATIC, "]", 1);
  if (req->fault->chunked)
    soup_message_body_complete (body);
}

static GIOStream *
steal (TwSimRequest *req)
{
  req->stolen = TRUE;
  return soup_server_message_steal_connection (req->msg);
}

static void
drop (TwSimRequest *req)
{
  g_autoptr(GIOStream) stream = steal (req);

  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
}

/* Sends the flavor's real status and headers, promising the whole body, then closes the
 * connection half-way through it. */
static void
truncate_answer (TwSimRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  SoupMessageBody *body = soup_server_message_get_response_body (req->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = soup_date_time_to_string (now, SOUP_DATE_HTTP);
  g_autoptr(GIOStream) stream = NULL;
  SoupMessageHeadersIter iter;
  const char *name, *value;
  guint status = soup_server_message_get_status (req->msg);
  const char *phrase = soup_server_message_get_reason_phrase (req->msg);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  static const char filler[] = "[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]";

  if (len < 2)
    {
      data = filler;
      len = sizeof filler - 1;
      soup_message_headers_set_content_type (headers, "application/json", NULL);
    }

  g_string_append_printf (out, "HTTP/1.1 %u %s\r\nDate: %s\r\n", status,
                          phrase ? phrase : tw_sim_status_phrase (status), date);
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      if (g_ascii_strcasecmp (name, "Content-Length") == 0 ||
          g_ascii_strcasecmp (name, "Transfer-Encoding") == 0 ||
          g_ascii_strcasecmp (name, "Connection") == 0 ||
          g_ascii_strcasecmp (name, "Date") == 0)
        continue;
      g_string_append_printf (out, "%s: %s\r\n", name, value);
    }
  g_string_append_printf (out, "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n", len);
  g_string_append_len (out, data, len / 2);

  stream = steal (req);
  if (stream == NULL)
    return;
  /* A few hundred bytes on a loopback socket: the write does not block. */
  g_output_stream_write_all (g_io_stream_get_output_stream (stream), out->str, out->len,
                             NULL, NULL, NULL);
  g_output_stream_flush (g_io_stream_get_output_stream (stream), NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}

static void
respond (TwSimRequest *req)
{
  TwSimFaultKind kind = req->fault != NULL ? req->fault->kind : TW_SIM_FAULT_LATENCY;
  guint status;

  switch (kind)
    {
    case TW_SIM_FAULT_LATENCY:
      tw_sim_request_dispatch (req);
      break;
    case TW_SIM_FAULT_STATUS:
      reply_status (req);
      break;
    case TW_SIM_FAULT_MALFORMED:
      tw_sim_reply_bytes (req->msg, SOUP_STATUS_OK, "application/json",
                          malformed_body, sizeof malformed_body - 1);
      break;
    case TW_SIM_FAULT_HTML:
      reply_html (req);
      break;
    case TW_SIM_FAULT_HUGE:
      reply_huge (req);
      break;
    case TW_SIM_FAULT_RATE_LIMIT:
      reply_rate_limit (req);
      break;
    case TW_SIM_FAULT_DROP:
      drop (req);
      finish (req, 0);
      return;
    case TW_SIM_FAULT_TRUNCATED:
      tw_sim_request_dispatch (req);
      add_fault_headers (req);
      status = soup_server_message_get_status (req->msg);
      truncate_answer (req);
      finish (req, status);
      return;
    default:
      g_assert_not_reached ();
    }

  add_fault_headers (req);
  finish (req, soup_server_message_get_status (req->msg));
}

static gboolean
delay_done (gpointer data)
{
  TwSimRequest *req = data;

  g_clear_pointer (&req->delay, g_source_unref);
  _tw_sim_remove_pending (req->sim, req);
  respond (req);
  return G_SOURCE_REMOVE;
}

/* The connection went away while the answer was being delayed. */
static void
on_finished (SoupServerMessage *msg,
             TwSimRequest      *req)
{
  _tw_sim_remove_pending (req->sim, req);
  req->paused = FALSE;
  g_clear_signal_handler (&req->finished_id, req->msg);
  tw_sim_request_free (req);
}

void
tw_sim_request_begin (TwSimRequest *req)
{
  if (req->fault == NULL || req->fault->latency_ms == 0)
    {
      respond (req);
      return;
    }

  soup_server_message_pause (req->msg);
  req->paused = TRUE;
  req->finished_id = g_signal_connect (req->msg, "finished", G_CALLBACK (on_finished), req);
  req->delay = g_timeout_source_new (req->fault->latency_ms);
  g_source_set_callback (req->delay, delay_done, req, NULL);
  g_source_set_name (req->delay, "[tw-sim] fault latency");
  g_source_attach (req->delay, _tw_sim_get_context (req->sim));
  _tw_sim_add_pending (req->sim, req);
}
