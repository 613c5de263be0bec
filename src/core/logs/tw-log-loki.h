/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-secrets.h"

G_BEGIN_DECLS

/* A Grafana Loki log source (private to TwLogSource). Its history comes from
 * GET /loki/api/v1/query_range (the profile's LogQL selector, paged backward by time from
 * now to Since, at most MaxLines lines), then it is followed live through the WebSocket
 * GET /loki/api/v1/tail, reconnecting with a backoff when it drops (from the last entry
 * received, none lost or repeated), or by polling query_range when the server refuses the
 * WebSocket. Answers are parsed (tw-json.h's guarded parse) in a worker thread.
 *
 * Each entry is written to the source's spool file as one line, the form logcli prints:
 *   2026-12-06T05:00:00.123456Z {app="ai-trading", level="info"} <the line>
 * (UTC time of Loki's timestamp, the stream's labels sorted by name, the line with its
 * newlines made spaces), so the source indexes, filters and follows it like a file and
 * tw-log-format reads it (Kind=loki: the time from Loki, level, message and correlation
 * id from the line, JSON or text, the level from a level label when the line has none).
 *
 * The profile's keys (a [Log ID] group, Kind=loki): Path= the Loki base URL, Query= the
 * LogQL selector (required), Tenant= (X-Scope-OrgID header), Since= history in seconds
 * (default 3600), MaxLines= (default 20000), PageSize= entries a request (default 1000,
 * at most 5000), PollInterval= ms when polling (default 2000), Timeout= seconds a
 * query_range answer may take, body included (default 10), Auth= none|bearer|basic
 * (default none), User= (basic). The token or password is in the keyring under
 * (profile, "log:ID", "token" or "password"), never in the profile. */
typedef struct _TwLogLoki TwLogLoki;

/* Main thread. @written: lines were appended to the spool (index them). @problem: a
 * message for people, or NULL once it works again. @loading: the history is being read. */
typedef struct
{
  void (*written) (gpointer user_data);
  void (*problem) (const char *problem, gpointer user_data);
  void (*loading) (gboolean loading, gpointer user_data);
} TwLogLokiCallbacks;

/* Checks the options (Path an http(s) URL, a Query). */
TwLogLoki *_tw_log_loki_new        (const char               *id,
                                    const char               *url,
                                    GHashTable               *options,
                                    GError                  **error);
void       _tw_log_loki_set_secrets (TwLogLoki               *self,
                                    TwSecrets                *secrets,
                                    const char               *profile);
/* Reconnection delays start at @first_ms (default 1000), double, stop at 30 s. */
void       _tw_log_loki_set_backoff (TwLogLoki               *self,
                                    guint                     first_ms);
/* Starts reading into @spool_fd (owned: closed by free). Once. */
void       _tw_log_loki_start      (TwLogLoki                *self,
                                    int                       spool_fd,
                                    const TwLogLokiCallbacks *callbacks,
                                    gpointer                  user_data);
void       _tw_log_loki_stop       (TwLogLoki                *self);
/* "tail", "poll" or "" (not live yet); tests. */
const char *_tw_log_loki_get_mode  (TwLogLoki                *self);
void       _tw_log_loki_free       (TwLogLoki                *self);

/* Kind=loki lines: splits a spool line into its time (Unix µs, 0 if none), its labels
 * (start and length within @line, "{…}") and the logged line. FALSE when @line is not in
 * the spool's form. Thread-safe. */
gboolean   _tw_log_loki_split_line (const char               *line,
                                    gsize                     len,
                                    gint64                   *time_us,
                                    gsize                    *labels_start,
                                    gsize                    *labels_len,
                                    gsize                    *rest_start);

G_END_DECLS
