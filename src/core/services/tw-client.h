/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "tw-connector.h"
#include "tw-http.h"
#include "tw-secrets.h"
#include "tw-service.h"

G_BEGIN_DECLS

/* Calls a connector's operations for one service of one profile: expands the
 * templates, takes the auth headers' secrets from TwSecrets (cached after the first
 * lookup), sends through the one TwHttp. */
#define TW_TYPE_CLIENT (tw_client_get_type ())
G_DECLARE_FINAL_TYPE (TwClient, tw_client, TW, CLIENT, GObject)

TwClient    *tw_client_new            (TwHttp              *http,
                                       TwSecrets           *secrets,
                                       TwConnector         *connector,
                                       const char          *profile_name,
                                       TwService           *service);
TwConnector *tw_client_get_connector  (TwClient            *self);
TwService   *tw_client_get_service    (TwClient            *self);
gboolean     tw_client_has_operation  (TwClient            *self,
                                       const char          *operation);
/* @vars: (nullable) (element-type utf8 utf8) template variables. */
void         tw_client_call_async     (TwClient            *self,
                                       const char          *operation,
                                       GHashTable          *vars,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
/* As tw_client_call_async(), with at most @max_retries retries of the request
 * (TW_CLIENT_DEFAULT_RETRIES: TwHttp's default). Pollers retry by themselves and
 * use few, so a failing service shows as failing within an interval or two. */
#define TW_CLIENT_DEFAULT_RETRIES G_MAXUINT
void         tw_client_call_full_async (TwClient           *self,
                                        const char         *operation,
                                        GHashTable         *vars,
                                        guint               max_retries,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data);
/* Finishes both. Returns (transfer full) the parsed body (a JSON null node for an empty body), or NULL
 * with @error. @response: (out) (optional) what the server answered, also on error. */
JsonNode    *tw_client_call_finish    (TwClient            *self,
                                       GAsyncResult        *result,
                                       TwHttpResponse     **response,
                                       GError             **error);
/* The service's base URL (@endpoint NULL) or the address of one of the connector's
 * "endpoints" (the profile's setting it names, else its default). (transfer full)
 * NULL with @error saying what to set. */
char        *tw_client_dup_base_url   (TwClient            *self,
                                       const char          *endpoint,
                                       GError             **error);
/* (transfer full) the service's name, or "Service (Endpoint)" for an endpoint */
char        *tw_client_dup_endpoint_name (TwClient         *self,
                                       const char          *endpoint);
/* Forget cached secrets (after the profile editor stored new ones). */
void         tw_client_reset_secrets  (TwClient            *self);

/* Answers of at least this many bytes are parsed in a worker thread, smaller ones
 * at once: a thread hop costs more than parsing a few KiB, and parsing 2 MB takes
 * tens of milliseconds. The "parse-thread-threshold" property; G_MAXUINT64 parses
 * everything on the caller's thread, 0 everything in a worker. */
#define TW_CLIENT_DEFAULT_PARSE_THREAD_THRESHOLD (64 * 1024)
guint64      tw_client_get_parse_thread_threshold (TwClient *self);
void         tw_client_set_parse_thread_threshold (TwClient *self,
                                                   guint64   min_bytes);

/* How long one HTTP attempt of a call may take; 0 (the default) for TwHttp's
 * TW_HTTP_DEFAULT_TIMEOUT_MS. */
guint        tw_client_get_request_timeout        (TwClient *self);
void         tw_client_set_request_timeout        (TwClient *self,
                                                   guint     timeout_ms);

G_END_DECLS
