/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-alerts-private.h"
#include "tw-alerts-service.h"
#include "tw-client.h"

G_BEGIN_DECLS

/* An acknowledgement read from the state file, waiting for its alert (tw-alerts-ack-store.c). */
typedef struct _TwPendingAck TwPendingAck;
void _tw_pending_ack_free (TwPendingAck *ack);

/* One Alertmanager of the profile. */
typedef struct
{
  char     *id;
  char     *name;      /* what the page says the alert came from */
  char     *base_url;
  TwClient *client;
  gboolean  polling;
} TwAmSource;

struct _TwAlertsService
{
  GObject          parent_instance;

  TwProfile       *profile;
  TwWorkspace     *workspace;
  TwSecrets       *secrets;
  TwAlertEngine   *engine;      /* nullable */
  TwAuditLog      *audit_log;   /* nullable */

  TwAlertReceiver *receiver;
  GError          *receiver_error;
  GPtrArray       *ams;         /* TwAmSource */
  GListStore      *store;       /* TwAlertItem */
  GHashTable      *items;       /* key → TwAlertItem */
  GHashTable      *ack_timers;  /* key → GSource id */
  GHashTable      *console_active; /* keys of console alerts seen active */
  GHashTable      *pending_acks;   /* key → TwPendingAck (borrowed key) */
  char            *state_path;     /* nullable: acks not kept */
  GCancellable    *cancellable;

  guint            poll_id;
  guint            repeat_id;
  guint            poll_interval_ms;
  guint            rate_limit_s;

  GQueue          *recent;      /* gint64 monotonic µs of each notification, newest last */
  gint64           storm_until;
  guint            storm_limit;
  guint            storm_timer_id;

  guint            n_unacked;
  guint            n_notified;
  guint            n_summaries;
  gboolean         started;
};

/* tw-alerts-service.c */
void        _tw_alerts_service_item_changed   (TwAlertsService *self,
                                               TwAlertItem     *item);
/* Notifies @item now (an ack that ended, say), whatever the repeat limit. */
void        _tw_alerts_service_notify_now     (TwAlertsService *self,
                                               TwAlertItem     *item);
void        _tw_alerts_service_withdraw       (TwAlertsService *self,
                                               TwAlertItem     *item);
/* The Alertmanager to speak to about @item: the first that reports it (nullable). */
TwAmSource *_tw_alerts_service_am_for_item    (TwAlertsService *self,
                                               TwAlertItem     *item);
TwAmSource *_tw_alerts_service_am_by_id       (TwAlertsService *self,
                                               const char      *id);
void        _tw_alerts_service_audit          (TwAlertsService *self,
                                               const char      *action,
                                               TwAlertItem     *item,
                                               const char      *silence_id,
                                               const char      *reason,
                                               gboolean         ok,
                                               const char      *message);

void        _tw_alerts_service_recount        (TwAlertsService *self);
void        _tw_alerts_service_items_changed  (TwAlertsService *self,
                                               GPtrArray       *changed);
/* @candidates start (or again) firing: the repeat limit (critical bypasses it), then one
 * notification each or, in a storm, the summary. @force: whatever the repeat limit. */
void        _tw_alerts_service_notify_items   (TwAlertsService *self,
                                               GPtrArray       *candidates,
                                               gboolean         force);

/* An audit row on something else than an alert (a silence listed alone). */
void        _tw_alerts_service_audit_target   (TwAlertsService *self,
                                               const char      *action,
                                               const char      *target,
                                               const char      *reason,
                                               gboolean         ok,
                                               const char      *message);

/* tw-alerts-merge.c */
void        _tw_alerts_service_payload_cb     (TwAlertReceiver *receiver,
                                               GPtrArray       *alerts,
                                               const char      *external_url,
                                               TwAlertsService *self);
void        _tw_alerts_service_engine_alert_cb (TwAlertEngine  *engine,
                                                TwAlert        *alert,
                                                TwAlertsService *self);
/* Console alerts resolved by the engine; resolved alerts gone after an hour. */
void        _tw_alerts_service_tick           (TwAlertsService *self);

/* tw-alerts-ack.c */
/* @item resolved: its ack silence expired, its ack timer gone. */
void        _tw_alerts_ack_item_resolved      (TwAlertsService *self,
                                               TwAlertItem     *item);
void        _tw_alerts_ack_clear_timers       (TwAlertsService *self);
/* Ends the ack of @item in @duration_s (the end of its time, or of TW_ALERTS_MAX_ACK_S). */
void        _tw_alerts_ack_start_timer        (TwAlertsService *self,
                                               TwAlertItem     *item,
                                               guint            duration_s);
/* Expires an ack silence of an alert that is not on the list (audited by @key). */
void        _tw_alerts_ack_expire_by_id       (TwAlertsService *self,
                                               const char      *key,
                                               const char      *am_id,
                                               const char      *silence_id,
                                               const char      *reason);

/* tw-alerts-ack-store.c: acknowledgements kept in the state file */
gboolean    _tw_alerts_ack_load               (TwAlertsService *self,
                                               GError         **error);
void        _tw_alerts_ack_save               (TwAlertsService *self);
void        _tw_alerts_ack_restore            (TwAlertsService *self,
                                               TwAlertItem     *item);
/* @listed: (element-type utf8) keys "am:FP" of what Alertmanager @am_id lists now. */
void        _tw_alerts_ack_prune_pending      (TwAlertsService *self,
                                               const char      *am_id,
                                               GHashTable      *listed);

G_END_DECLS
