/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A body past this is refused (413) without being kept. */
#define TW_ALERT_RECEIVER_MAX_BODY (1024 * 1024)
/* A client that has not sent its whole request after this is dropped. */
#define TW_ALERT_RECEIVER_DEFAULT_TIMEOUT_MS 10000

/* The console's webhook receiver for Alertmanager (webhook_config, payload version 4):
 * an HTTP server on 127.0.0.1 (another address only with allow_remote and a bearer token,
 * which Alertmanager's http_config sends as "Authorization: Bearer …"). POST on any path:
 * 200 for a payload taken, 400 and a log line for a bad one, 401 without the token,
 * 405 for another method, 413 past TW_ALERT_RECEIVER_MAX_BODY. Payloads are parsed off
 * the main thread; a slow client is dropped after the timeout. Nothing it receives can
 * block the main loop for long.
 * Property "port" (uint, read-only: 0 while not listening).
 * Signal "payload" (GPtrArray *alerts of the private TwAmAlertData, const char
 * *external_url (nullable)): a payload taken, on the main thread. */
#define TW_TYPE_ALERT_RECEIVER (tw_alert_receiver_get_type ())
G_DECLARE_FINAL_TYPE (TwAlertReceiver, tw_alert_receiver, TW, ALERT_RECEIVER, GObject)

TwAlertReceiver *tw_alert_receiver_new             (void);
/* @address NULL for 127.0.0.1; @port 0 for any free port. Refuses (TW_ERROR_REFUSED) an
 * address that is not loopback unless @allow_remote and @token (non-empty) are given. */
gboolean         tw_alert_receiver_listen          (TwAlertReceiver  *self,
                                                    const char       *address,
                                                    guint             port,
                                                    gboolean          allow_remote,
                                                    const char       *token,
                                                    GError          **error);
void             tw_alert_receiver_stop            (TwAlertReceiver  *self);
/* The port it listens on (0 when not listening). */
guint            tw_alert_receiver_get_port        (TwAlertReceiver  *self);
/* "http://127.0.0.1:PORT/" (transfer full, NULL when not listening) */
char            *tw_alert_receiver_get_url         (TwAlertReceiver  *self);
void             tw_alert_receiver_set_timeout     (TwAlertReceiver  *self,
                                                    guint             timeout_ms);
/* Counters: payloads taken, requests refused (any 4xx), clients dropped for slowness. */
guint            tw_alert_receiver_get_n_accepted  (TwAlertReceiver  *self);
guint            tw_alert_receiver_get_n_refused   (TwAlertReceiver  *self);
guint            tw_alert_receiver_get_n_dropped   (TwAlertReceiver  *self);

G_END_DECLS
