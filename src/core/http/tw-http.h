/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TW_HTTP_DEFAULT_TIMEOUT_MS   10000
#define TW_HTTP_DEFAULT_MAX_BODY     (8 * 1024 * 1024)
#define TW_HTTP_DEFAULT_MAX_RETRIES  3

/* A request, built once and sent by TwHttp. Reference counted. */
typedef struct _TwHttpRequest TwHttpRequest;

#define TW_TYPE_HTTP_REQUEST (tw_http_request_get_type ())
GType          tw_http_request_get_type          (void) G_GNUC_CONST;
/* @path is already expanded (and URL-escaped); it may carry a query string. */
TwHttpRequest *tw_http_request_new               (const char    *method,
                                                  const char    *base_url,
                                                  const char    *path);
TwHttpRequest *tw_http_request_ref               (TwHttpRequest *request);
void           tw_http_request_unref             (TwHttpRequest *request);
/* The name used in error messages ("InvestIQ", "Alpaca (paper)"). */
void           tw_http_request_set_service_name  (TwHttpRequest *request,
                                                  const char    *name);
void           tw_http_request_add_header        (TwHttpRequest *request,
                                                  const char    *name,
                                                  const char    *value);
/* Sets Content-Type: application/json. */
void           tw_http_request_set_json_body     (TwHttpRequest *request,
                                                  const char    *json);
void           tw_http_request_set_timeout       (TwHttpRequest *request,
                                                  guint          timeout_ms);
void           tw_http_request_set_max_body_size (TwHttpRequest *request,
                                                  gsize          max_bytes);
/* Retries for network errors and 5xx apply to GET only; 429 is retried for
 * any method since the server did not act on it. */
void           tw_http_request_set_max_retries   (TwHttpRequest *request,
                                                  guint          max_retries);
const char    *tw_http_request_get_method        (TwHttpRequest *request);
const char    *tw_http_request_get_service_name  (TwHttpRequest *request);
/* base_url + path, for logs (never carries secrets: those are headers). */
char          *tw_http_request_dup_url           (TwHttpRequest *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TwHttpRequest, tw_http_request_unref)

/* What the server answered. Reference counted. */
typedef struct _TwHttpResponse TwHttpResponse;

#define TW_TYPE_HTTP_RESPONSE (tw_http_response_get_type ())
GType           tw_http_response_get_type        (void) G_GNUC_CONST;
TwHttpResponse *tw_http_response_ref             (TwHttpResponse *response);
void            tw_http_response_unref           (TwHttpResponse *response);
guint           tw_http_response_get_status      (TwHttpResponse *response);
GBytes         *tw_http_response_get_body        (TwHttpResponse *response);
/* Case-insensitive; NULL if absent. */
const char     *tw_http_response_get_header      (TwHttpResponse *response,
                                                  const char     *name);
/* Parses the body as JSON; (transfer full). An empty body (204) gives a JSON null node. */
JsonNode       *tw_http_response_parse_json      (TwHttpResponse *response,
                                                  GError        **error);
/* Wall time of the last attempt, request sent to body read. */
gint64          tw_http_response_get_latency_us  (TwHttpResponse *response);
/* 1 when the first try answered. */
guint           tw_http_response_get_attempts    (TwHttpResponse *response);
/* The server's own message from an error body: Alpaca {code,message},
 * FastAPI {detail}, {error}, {message}; NULL if none. */
const char     *tw_http_response_get_server_message (TwHttpResponse *response);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TwHttpResponse, tw_http_response_unref)

#define TW_TYPE_HTTP (tw_http_get_type ())
G_DECLARE_FINAL_TYPE (TwHttp, tw_http, TW, HTTP, GObject)

TwHttp  *tw_http_new          (void);
void     tw_http_send_async   (TwHttp              *self,
                               TwHttpRequest       *request,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);
/* Returns TRUE for a 2xx answer (204 and 207 included). On FALSE @error is set
 * (TW_ERROR_*) with a message naming the service and the status and quoting
 * the server's message; @response is set whenever the server answered at all,
 * so callers can read the status and body of an error answer too. */
gboolean tw_http_send_finish  (TwHttp              *self,
                               GAsyncResult        *result,
                               TwHttpResponse     **response,
                               GError             **error);


G_END_DECLS
