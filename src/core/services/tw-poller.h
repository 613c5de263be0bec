/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "tw-client.h"

G_BEGIN_DECLS

#define TW_POLLER_DEFAULT_INTERVAL_MS 5000

/* Calls one operation of a client every interval: never two requests in flight,
 * backoff while failing (interval × 2^n, at most 60 s, with jitter), poll_now() for
 * Ctrl+R. Signals:
 *   "succeeded" (JsonNode *body, TwHttpResponse *response)
 *   "failed"    (GError *error)
 * Properties: "interval" (guint ms), "in-flight" (bool), "consecutive-failures" (guint),
 *   "last-success" (GDateTime), "stale" (bool: no success for three intervals). */
#define TW_TYPE_POLLER (tw_poller_get_type ())
G_DECLARE_FINAL_TYPE (TwPoller, tw_poller, TW, POLLER, GObject)

TwPoller  *tw_poller_new                      (TwClient   *client,
                                               const char *operation,
                                               guint       interval_ms);
void       tw_poller_start                    (TwPoller   *self);
/* Starts with the first poll after @delay_ms (to spread the polls of many pollers). */
void       tw_poller_start_delayed            (TwPoller   *self,
                                               guint       delay_ms);
void       tw_poller_stop                     (TwPoller   *self);
/* Polls now unless a request is in flight; resets the backoff. */
void       tw_poller_poll_now                 (TwPoller   *self);
/* One poll now, running or not; finishes once its answer was signalled (TRUE) or with
 * the poll's error. Never schedules another poll of a stopped poller. */
void       tw_poller_poll_once_async          (TwPoller            *self,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean   tw_poller_poll_once_finish         (TwPoller            *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void       tw_poller_set_interval             (TwPoller   *self,
                                               guint       interval_ms);
/* The longest delay between polls while they fail (default 60 s; never less than the
 * interval); 0 for the default. Takes effect from the next failure. */
void       tw_poller_set_backoff_limit        (TwPoller   *self,
                                               guint       limit_ms);
guint      tw_poller_get_backoff_limit        (TwPoller   *self);
gboolean   tw_poller_get_in_flight            (TwPoller   *self);
guint      tw_poller_get_consecutive_failures (TwPoller   *self);
GDateTime *tw_poller_get_last_success         (TwPoller   *self);
gboolean   tw_poller_get_stale                (TwPoller   *self);
TwClient  *tw_poller_get_client               (TwPoller   *self);
/* A 64-bit hash of the body of the answer being signalled (the last success), 0 when
 * there is none (no body, or an answer of local commands). Equal hashes: the body is
 * byte for byte the same, so what maps it may skip mapping an answer it mapped. */
guint64    tw_poller_get_body_hash            (TwPoller   *self);


G_END_DECLS
