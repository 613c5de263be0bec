/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-session.h"
#include "tw-flags.h"
#include "tw-keys.h"

G_BEGIN_DECLS

/* TwSession across its files: tw-session.c (services, settings, start and close),
 * tw-session-halt.c (Halt All and its results), tw-session-poll.c (one round of polls). */
struct _TwSession
{
  GObject              parent_instance;

  /* What it was opened with */
  TwProfile           *profile;
  TwConnectorRegistry *registry;
  TwHttp              *http;
  TwSecrets           *secrets;
  gboolean             demo;

  /* The services, in start order; NULL once closed */
  char                *demo_dir;        /* the demo's throw-away audit log lives here */
  TwAuditLog          *audit_log;
  GError              *audit_log_error;
  TwWorkspace         *workspace;
  TwRiskMonitor       *monitor;
  TwActionRunner      *runner;
  TwAlertEngine       *alerts;
  TwBackupManager     *backups;
  TwBackupScheduler   *scheduler;
  TwPortfolio         *portfolio;
  GHashTable          *details;         /* service id → TwServiceDetails */
  TwFlags             *flags;
  TwAlertsService     *alerts_service;
  TwKeys              *keys;
  TwLogs              *logs;

  /* Settings */
  guint                poll_interval_ms;
  guint                rate_limit_s;
  guint                stuck_threshold_s;

  /* Lifecycle */
  gboolean             started;
  gboolean             closed;
  GPtrArray           *close_tasks;     /* GTask: closes waiting for the end; NULL if none began */

  /* Halt All */
  GCancellable        *halt_cancellable; /* non-NULL while halting */
  GPtrArray           *last_halt;
  char                *halt_failure;
};

/* tw-session.c */
typedef enum
{
  SESSION_PROP_0,
  SESSION_PROP_PROFILE,
  SESSION_PROP_REGISTRY,
  SESSION_PROP_HTTP,
  SESSION_PROP_SECRETS,
  SESSION_PROP_DEMO,
  SESSION_PROP_POLL_INTERVAL,
  SESSION_PROP_NOTIFICATION_RATE_LIMIT,
  SESSION_PROP_STUCK_THRESHOLD,
  SESSION_PROP_STARTED,
  SESSION_PROP_CLOSED,
  SESSION_PROP_HALTING,
  SESSION_PROP_HALT_FAILURE,
  SESSION_N_PROPS
} TwSessionProperty;

void _tw_session_notify (TwSession         *self,
                         TwSessionProperty  property);

/* tw-session-halt.c */
void _tw_session_cancel_halt (TwSession *self);
void _tw_session_clear_halt  (TwSession *self);

/* tw-session-details.c: the service pages' data */
void _tw_session_build_details   (TwSession *self);
void _tw_session_start_details   (TwSession *self);
void _tw_session_stop_details    (TwSession *self);
void _tw_session_release_details (TwSession *self);
/* tw-session-keys.c */
void _tw_session_build_keys (TwSession *self);

G_END_DECLS
