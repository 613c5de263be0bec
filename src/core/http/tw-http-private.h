/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "tw-error.h"
#include "tw-http.h"

G_BEGIN_DECLS

/* How many characters of a server's own message an error quotes. */
#define TW_HTTP_QUOTE_MAX_CHARS 200

struct _TwHttpRequest
{
  gatomicrefcount  ref_count;
  char            *method;
  char            *base_url;
  char            *path;
  char            *service_name;
  GPtrArray       *header_names;
  GPtrArray       *header_values;
  GBytes          *body;
  guint            timeout_ms;
  gsize            max_body;
  guint            max_retries;
  /* Worked out on the first send and kept for the next (a poll sends one request
   * again and again): under the cache lock of tw-http-request.c. */
  GUri            *cached_uri;
  gboolean         uri_parsed;
  char            *cached_service;  /* GRefString */
  char            *cached_what;     /* GRefString */
};

struct _TwHttpResponse
{
  gatomicrefcount     ref_count;
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;
  gint64              latency_us;
  guint               attempts;
  char               *service;        /* display name, for error messages */
  char               *what;           /* "GET /health", for error messages */
  char               *server_message; /* computed on first use */
  gboolean            server_message_done;
};

TwHttpResponse *_tw_http_response_new              (guint               status,
                                                    SoupMessageHeaders *headers,
                                                    const char         *service,
                                                    const char         *what);

/* The service's name for messages: the one set on the request, else the host. */
char           *_tw_http_request_dup_display_name  (TwHttpRequest      *request);
/* "GET /health": the method and the path without its query (which may carry tokens). */
char           *_tw_http_request_dup_what          (TwHttpRequest      *request);
/* The request's URL parsed (NULL when it is not a URL), its display name and "what",
 * worked out once per request: (transfer full), the strings are GRefStrings. */
guint           _tw_http_get_n_sessions            (TwHttp             *self);
void            _tw_http_request_get_cached        (TwHttpRequest      *request,
                                                    GUri              **uri,
                                                    char              **service,
                                                    char              **what);
/* The base URL without any user info, for messages. */
char           *_tw_http_request_dup_display_base  (TwHttpRequest      *request);

/* One line, at most TW_HTTP_QUOTE_MAX_CHARS characters, valid UTF-8. */
char           *_tw_http_quote_text                (const char         *text,
                                                    gssize              len);
gboolean        _tw_http_body_is_html              (GBytes             *body,
                                                    const char         *content_type);
/* The <title> of an HTML page, quoted-ready; NULL if none. */
char           *_tw_http_html_title                (GBytes             *body);
/* The message of a JSON error body ({"message"}, {"detail"}, {"detail":[{"msg"}]},
 * {"error"}, {"error":{"message"}}) or a short plain-text body; NULL if none. */
char           *_tw_http_extract_server_message    (GBytes             *body,
                                                    const char         *content_type);

/* Errors (TW_ERROR domain), each naming the service and saying what to do. */
GError         *_tw_http_error_for_status          (TwHttpResponse     *response,
                                                    gint64              retry_after_s);
GError         *_tw_http_error_for_network         (TwHttpRequest      *request,
                                                    const GError       *error);
GError         *_tw_http_error_timeout             (TwHttpRequest      *request);
GError         *_tw_http_error_too_large           (TwHttpRequest      *request);
GError         *_tw_http_error_cut_off             (TwHttpRequest      *request,
                                                    gsize               received);
GError         *_tw_http_error_cancelled           (TwHttpRequest      *request);
GError         *_tw_http_error_html                (const char         *service,
                                                    const char         *what,
                                                    guint               status,
                                                    GBytes             *body,
                                                    TwError             code);

/* Total requests sent (attempts), for tests and benchmarks. */
guint64  tw_http_get_n_requests (TwHttp *self);

G_END_DECLS
