/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-alert-engine.h"
#include "tw-alert-item.h"
#include "tw-alert-receiver.h"
#include "tw-audit-log.h"
#include "tw-profile.h"
#include "tw-secrets.h"
#include "tw-workspace.h"

G_BEGIN_DECLS

/* More than this many notifications in TW_ALERTS_STORM_WINDOW_S seconds is a storm: one
 * summary notification instead. */
#define TW_ALERTS_STORM_LIMIT 10
#define TW_ALERTS_STORM_WINDOW_S 10
/* An acknowledgement lasts at most this long. */
#define TW_ALERTS_MAX_ACK_S (24 * 3600)
/* A silence of a critical alert longer than this needs the alert's name typed. */
#define TW_ALERTS_LONG_SILENCE_S (4 * 3600)
/* Resolved alerts stay on the page this long. */
#define TW_ALERTS_KEEP_RESOLVED_S 3600

/* The profile's alerts (issue 14): the console's own (from the alert engine) and those
 * of every Alertmanager of the profile (its services whose connector has the
 * "alertmanager" role), polled with "alerts.list" and pushed by the webhook receiver
 * (the profile's [Alerts] WebhookPort). Alertmanager alerts are merged by fingerprint,
 * each saying which Alertmanagers report it.
 *
 * Notifications: it decides, the application's notifier shows them. "notify-alert"
 * (TwAlertItem) for an Alertmanager alert that starts firing (not silenced, not
 * acknowledged; again after "rate-limit" seconds, a critical one at once and every
 * "rate-limit" seconds while unacknowledged), "withdraw-alert" (TwAlertItem) when it
 * resolves, is silenced or acknowledged, and "notify-summary" (const char *key, int
 * severity, const char *title, const char *body) instead of individual notifications
 * when more than TW_ALERTS_STORM_LIMIT would reach the desktop in
 * TW_ALERTS_STORM_WINDOW_S seconds (the same key: it replaces the last summary).
 * The console's own alerts (the engine's "alert", already deduplicated and rate-limited
 * by the engine) are notified through "notify-alert" too, unless acknowledged, and count
 * toward a storm like Alertmanager's.
 *
 * Acknowledgement and silences: tw-alerts-ack.c.
 * Properties: "n-unacknowledged" (uint: firing, not acknowledged, not silenced),
 * "rate-limit" (uint s), "poll-interval" (uint ms). */
#define TW_TYPE_ALERTS_SERVICE (tw_alerts_service_get_type ())
G_DECLARE_FINAL_TYPE (TwAlertsService, tw_alerts_service, TW, ALERTS_SERVICE, GObject)

/* @engine, @audit_log: (nullable) */
TwAlertsService *tw_alerts_service_new                (TwProfile        *profile,
                                                       TwWorkspace      *workspace,
                                                       TwSecrets        *secrets,
                                                       TwAlertEngine    *engine,
                                                       TwAuditLog       *audit_log);
/* Acknowledgements survive a restart in @path (a JSON file, mode 0600; NULL: they do
 * not), read now: an alert acknowledged before is acknowledged again when it is seen,
 * for what is left of its time; an entry whose alert an Alertmanager no longer lists
 * (it resolved meanwhile) goes, its ack silence expired. Call before start. */
void             tw_alerts_service_set_state_path     (TwAlertsService  *self,
                                                       const char       *path);
/* $XDG_STATE_HOME/tradewarden/alerts/PROFILE.json (transfer full) */
char            *tw_alerts_service_default_state_path (const char       *profile);
/* Acknowledgements read from the state file whose alert has not been seen yet. */
guint            tw_alerts_service_get_n_pending_acks (TwAlertsService  *self);
/* (transfer none) (nullable) the engine whose alerts this service notifies */
TwAlertEngine   *tw_alerts_service_get_engine         (TwAlertsService  *self);

/* Starts the webhook receiver (when the profile has a port) and the polling. */
void             tw_alerts_service_start              (TwAlertsService  *self);
/* Stops both, cancels every request (an action called with no cancellable of its own
 * too); nothing more is sent. Ack silences are left to Alertmanager's end time. */
void             tw_alerts_service_stop               (TwAlertsService  *self);
/* (transfer none) GListModel of TwAlertItem: every alert shown (resolved ones for an hour) */
GListModel      *tw_alerts_service_get_model          (TwAlertsService  *self);
/* (transfer none) (nullable) */
TwAlertItem     *tw_alerts_service_lookup             (TwAlertsService  *self,
                                                       const char       *key);
guint            tw_alerts_service_get_n_unacknowledged (TwAlertsService *self);
/* (transfer none) the receiver (listening or not) */
TwAlertReceiver *tw_alerts_service_get_receiver       (TwAlertsService  *self);
/* (nullable) why the receiver does not listen */
const GError    *tw_alerts_service_get_receiver_error (TwAlertsService  *self);
/* The Alertmanager services' names (transfer container) (element-type utf8) */
GPtrArray       *tw_alerts_service_list_alertmanagers (TwAlertsService  *self);

void             tw_alerts_service_set_rate_limit     (TwAlertsService  *self,
                                                       guint             seconds);
guint            tw_alerts_service_get_rate_limit     (TwAlertsService  *self);
void             tw_alerts_service_set_poll_interval  (TwAlertsService  *self,
                                                       guint             interval_ms);

/* More than @limit notifications in TW_ALERTS_STORM_WINDOW_S is a storm (0: the default,
 * TW_ALERTS_STORM_LIMIT). The benchmark raises it to time single notifications. */
void             tw_alerts_service_set_storm_limit    (TwAlertsService  *self,
                                                       guint             limit);

/* Polls every Alertmanager once now (the page's refresh; after an ack or a silence). */
void             tw_alerts_service_refresh            (TwAlertsService  *self);

/* Counters, for tests and the benchmark. */
guint            tw_alerts_service_get_n_notified     (TwAlertsService  *self);
guint            tw_alerts_service_get_n_summaries    (TwAlertsService  *self);

/* tw-alerts-ack.c */

/* Acknowledges @key as the OS user, with @note, for @duration_s seconds (0: until it
 * resolves; at most TW_ALERTS_MAX_ACK_S). An Alertmanager alert gets a silence matching
 * exactly its labels in the Alertmanager that reports it (createdBy the user, the note as
 * comment), expired by the console when the alert resolves; when the ack ends and the
 * alert still fires it is notified again. A console alert is acknowledged locally. Each
 * is an audit row ("alert.acknowledge"). */
void             tw_alerts_service_acknowledge_async  (TwAlertsService     *self,
                                                       const char          *key,
                                                       const char          *note,
                                                       guint                duration_s,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean         tw_alerts_service_acknowledge_finish (TwAlertsService     *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* Ends the acknowledgement (its silence expired): "alert.unacknowledge". */
void             tw_alerts_service_unacknowledge_async  (TwAlertsService     *self,
                                                         const char          *key,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean         tw_alerts_service_unacknowledge_finish (TwAlertsService     *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
/* What tw_alerts_service_silence_async() refuses: NULL when @reason and @typed_name are
 * enough for a silence of @item lasting @duration_s (a reason always; the alert's name
 * typed for a critical alert silenced past TW_ALERTS_LONG_SILENCE_S). (transfer full) */
char            *tw_alerts_service_check_silence      (TwAlertItem         *item,
                                                       guint                duration_s,
                                                       const char          *reason,
                                                       const char          *typed_name);
/* A silence in the Alertmanager reporting @key: @matchers_json (an Alertmanager matcher
 * array; NULL: exactly the alert's labels), @duration_s, the reason as comment. Refused
 * (TW_ERROR_REFUSED) as tw_alerts_service_check_silence() says. Audited
 * ("alert.silence"). Result: the silence id. */
void             tw_alerts_service_silence_async      (TwAlertsService     *self,
                                                       const char          *key,
                                                       const char          *matchers_json,
                                                       guint                duration_s,
                                                       const char          *reason,
                                                       const char          *typed_name,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
char            *tw_alerts_service_silence_finish     (TwAlertsService     *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* One silence of an Alertmanager of the profile (tw_alerts_service_list_silences_async). */
typedef struct
{
  char      *id;
  char      *service_id;  /* the Alertmanager's service */
  char      *source;      /* its name */
  char      *state;       /* "active", "pending" */
  char      *created_by;
  char      *comment;
  char      *matchers;    /* "alertname=HighErrorRate, service=investiq" */
  GDateTime *ends_at;
} TwAlertSilence;

void             tw_alert_silence_free                (TwAlertSilence      *silence);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TwAlertSilence, tw_alert_silence_free)

/* The active and pending silences of every Alertmanager of the profile, soonest end
 * first; an Alertmanager that does not answer is left out (its error in the log).
 * Result: (element-type TwAlertSilence) (transfer full). */
void             tw_alerts_service_list_silences_async  (TwAlertsService     *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GPtrArray       *tw_alerts_service_list_silences_finish (TwAlertsService     *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
/* Expires silence @silence_id of the Alertmanager @service_id, with a @reason (refused,
 * TW_ERROR_REFUSED, without one). Audited ("alert.silence-expire"). */
void             tw_alerts_service_expire_silence_async  (TwAlertsService     *self,
                                                          const char          *service_id,
                                                          const char          *silence_id,
                                                          const char          *reason,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean         tw_alerts_service_expire_silence_finish (TwAlertsService     *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

G_END_DECLS
