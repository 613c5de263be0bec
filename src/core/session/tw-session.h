/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-action-runner.h"
#include "tw-alert-engine.h"
#include "tw-alerts-service.h"
#include "tw-audit-log.h"
#include "tw-backup-manager.h"
#include "tw-backup-scheduler.h"
#include "tw-connector-registry.h"
#include "tw-flags.h"
#include "tw-http.h"
#include "tw-keys.h"
#include "tw-logs.h"
#include "tw-portfolio.h"
#include "tw-profile.h"
#include "tw-risk-monitor.h"
#include "tw-secrets.h"
#include "tw-service-details.h"
#include "tw-workspace.h"

G_BEGIN_DECLS

/* What "a profile is open" means: one object owning every per-profile service and the
 * order in which they start and stop. The window, the command line and the tests open a
 * profile through it; nothing else builds these services for a profile.
 *
 * Built (by tw_session_new, nothing polled yet): the workspace (one client and health
 * poller per service), the audit log, the risk monitor, the action runner and the alert
 * engine (both NULL without an audit log: no guarded action without a trail), the backup
 * manager and scheduler, the portfolio, the alerts service (issue 14: started with the
 * rest, its webhook receiver listening when the profile has [Alerts] WebhookPort).
 * tw_session_start(): workspace pollers, risk monitor, backup scheduler, portfolio.
 * tw_session_close_async(): the reverse; see there.
 *
 * The audit log is $XDG_DATA_HOME/tradewarden/audit.db, or with "demo" a throw-away log
 * in a temporary directory that close removes. One that cannot be opened is no error:
 * tw_session_get_audit_log_error() says why guarded actions are disabled.
 *
 * Properties: "profile", "registry", "http", "secrets", "demo" (construct-only);
 * "poll-interval" (uint ms, default 5000), "notification-rate-limit" (uint s, default
 * 300), "stuck-threshold" (uint s, default TW_ORDER_DEFAULT_STUCK_THRESHOLD): the
 * settings, pushed to the services; "started", "closed" (read-only); "halting",
 * "halt-failure" (read-only, see tw_session_halt_all_async). */
#define TW_TYPE_SESSION (tw_session_get_type ())
G_DECLARE_FINAL_TYPE (TwSession, tw_session, TW, SESSION, GObject)

TwSession           *tw_session_new                         (TwProfile            *profile,
                                                             TwConnectorRegistry  *registry,
                                                             TwHttp               *http,
                                                             TwSecrets            *secrets,
                                                             gboolean              demo);
TwProfile           *tw_session_get_profile                 (TwSession            *self);
TwConnectorRegistry *tw_session_get_registry                (TwSession            *self);
TwHttp              *tw_session_get_http                    (TwSession            *self);
TwSecrets           *tw_session_get_secrets                 (TwSession            *self);
gboolean             tw_session_is_demo                     (TwSession            *self);
/* TRUE when the profile is saved: its secrets in the keyring, not in memory (the demo,
 * tests), so it may be edited and remembered. */
gboolean             tw_session_is_saved                    (TwSession            *self);

/* The services, (transfer none); NULL once closed. */
TwWorkspace         *tw_session_get_workspace               (TwSession            *self);
/* (nullable) NULL when it could not be opened (see the error). */
TwAuditLog          *tw_session_get_audit_log               (TwSession            *self);
/* (nullable) why there is no audit log */
const GError        *tw_session_get_audit_log_error         (TwSession            *self);
TwRiskMonitor       *tw_session_get_risk_monitor            (TwSession            *self);
/* (nullable) without an audit log */
TwActionRunner      *tw_session_get_action_runner           (TwSession            *self);
/* (nullable) without an audit log */
TwAlertEngine       *tw_session_get_alert_engine            (TwSession            *self);
/* The Alerts page's alerts (issue 14): the engine's and the Alertmanagers'. */
TwAlertsService     *tw_session_get_alerts_service          (TwSession            *self);
TwBackupManager     *tw_session_get_backup_manager          (TwSession            *self);
TwBackupScheduler   *tw_session_get_backup_scheduler        (TwSession            *self);
TwPortfolio         *tw_session_get_portfolio               (TwSession            *self);
/* The feature flags of the profile's services (src/core/flags). (transfer none) */
TwFlags             *tw_session_get_flags                   (TwSession            *self);
/* Key rotation (src/core/keys): steps refuse to run without an audit log. */
TwKeys              *tw_session_get_keys                    (TwSession            *self);
/* Emergency revoke of a compromised key (tw-session-keys.c): @request is the guard's
 * keys.revoke for "SERVICE/SECRET" with a reason and the service's name (or id) typed as
 * its typed confirmation, else refused (audited) and nothing is sent. Then Halt All, then
 * the key removed on the server (managed; guided: when @server_done, else the step to do
 * comes back in @output and the finish says TW_KEY_STEP_NONE), proven refused, deleted.
 * TW_KEY_STEP_DONE: revoked, @output the runbook's follow-up. A key still accepted is
 * TW_ERROR_CONFLICT and stays in the keyring. */
void                 tw_session_revoke_key_async            (TwSession            *self,
                                                             const char           *service_id,
                                                             const char           *secret,
                                                             TwGuardRequest       *request,
                                                             gboolean              server_done,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
/* Where the server takes no overlap (Alpaca's regenerate invalidates the old pair at once):
 * @request is the guard's keys.rotate for @service_id; the service halted first, then
 * @values (secret name → pasted value) proven together with the connector's read
 * operation, then stored in place of the old ones. Finish: the outage in µs since
 * @halted_since (the monotonic time the operator halted it; 0: this call's halt), or -1
 * with @error (nothing stored). Trading stays halted: resuming is the guarded Resume. */
void                 tw_session_swap_keys_async             (TwSession            *self,
                                                             const char           *service_id,
                                                             GHashTable           *values,
                                                             TwGuardRequest       *request,
                                                             gint64                halted_since,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
gint64               tw_session_swap_keys_finish            (TwSession            *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);
TwKeyStep            tw_session_revoke_key_finish           (TwSession            *self,
                                                             GAsyncResult         *result,
                                                             char                **output,
                                                             GError              **error);
/* The profile's log sources (tw-logs.h): read and followed once started. */
TwLogs              *tw_session_get_logs                    (TwSession            *self);

/* Settings. */
guint                tw_session_get_poll_interval           (TwSession            *self);
void                 tw_session_set_poll_interval           (TwSession            *self,
                                                             guint                 interval_ms);
guint                tw_session_get_notification_rate_limit (TwSession            *self);
void                 tw_session_set_notification_rate_limit (TwSession            *self,
                                                             guint                 seconds);
guint                tw_session_get_stuck_threshold         (TwSession            *self);
void                 tw_session_set_stuck_threshold         (TwSession            *self,
                                                             guint                 seconds);

/* Starts polling (workspace, risk monitor, portfolio) and the backup schedule. Once;
 * nothing after close. */
void                 tw_session_start                       (TwSession            *self);
gboolean             tw_session_is_started                  (TwSession            *self);
/* Stops the backup schedule, the portfolio, the risk monitor and the workspace's pollers
 * (their requests on the wire cancelled), cancels a Halt All under way, closes the action
 * runner (nothing more is sent), then waits for what must finish: each guarded action in
 * flight gets its outcome row, each backup, cleanup or stale check under way ends. Then
 * the session lets go of every service (whoever still holds one holds a stopped one) and
 * removes the demo's audit log. No request of the profile is sent after it finishes.
 * Closing twice is closing once; @cancellable stops the waiting only (never the close). */
void                 tw_session_close_async                 (TwSession            *self,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
gboolean             tw_session_close_finish                (TwSession            *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);
/* TRUE once a close started. */
gboolean             tw_session_is_closing                  (TwSession            *self);
/* TRUE once a close finished. */
gboolean             tw_session_is_closed                   (TwSession            *self);

/* One round of polls (tw-session-poll.c): every service's health and every trading
 * state's status requests sent once, concurrently, whether the session is started or not
 * (nothing is scheduled after them). Finishes when each has answered or failed (each
 * within its connector's timeout); the services and the risk monitor's states then say
 * what was found, an unanswered poll as unreachable or as the state's last error, never
 * as fresh. Fails (TW_ERROR_REFUSED) only when the profile is closing. */
void                 tw_session_poll_once_async             (TwSession            *self,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
gboolean             tw_session_poll_once_finish            (TwSession            *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);

/* Halt All (tw-session-halt.c): "trading.halt" on every service of the profile that has
 * it, in parallel (tw_action_runner_halt_all_async). One at a time: a second call while
 * one is under way ("halting") fails with TW_ERROR_REFUSED, as does one without an action
 * runner. The results are kept (tw_session_get_last_halt) and, when a service did not
 * halt, "halt-failure" says which (the Breakers page shows it until a Halt All reaches
 * every service). Result: (transfer full) (element-type TwActionResult), one per service
 * of the profile: since issue 9 those that cannot be halted from here are in it too
 * (outcome TW_ACTION_OUTCOME_UNSUPPORTED, "ok" FALSE) and a halt with no answer is
 * UNKNOWN or what its read-back showed; count with tw_session_count_halt_failures()
 * (failed or unknown: worth a retry), not by "ok". Each service's result as it comes:
 * the action runner's "halt-result". */
void                 tw_session_halt_all_async              (TwSession            *self,
                                                             const char           *reason,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
GPtrArray           *tw_session_halt_all_finish             (TwSession            *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);
/* A Retry: as halt_all, for @service_ids alone; its results replace theirs in the last
 * Halt All's (and "halt-failure" follows). Finish with tw_session_halt_all_finish (the
 * results of @service_ids alone). */
void                 tw_session_halt_services_async         (TwSession            *self,
                                                             const char           *reason,
                                                             const char * const   *service_ids,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
gboolean             tw_session_is_halting                  (TwSession            *self);
/* (nullable) (transfer none) (element-type TwActionResult) the last Halt All's results */
GPtrArray           *tw_session_get_last_halt               (TwSession            *self);
/* (nullable) "Trading may still be running. The last Halt All did not reach: …" */
const char          *tw_session_get_halt_failure            (TwSession            *self);
/* Halt All results for people, one line a service ("Alpaca: halted (12 ms)", "IBKR: NOT
 * HALTED — why"): every result, only the failures, or the failures first. (transfer full) */
typedef enum
{
  TW_HALT_DESCRIBE_ALL,
  TW_HALT_DESCRIBE_FAILURES,
  TW_HALT_DESCRIBE_FAILURES_FIRST,
} TwHaltDescribe;
char                *tw_session_describe_halt               (GPtrArray            *results,
                                                             TwHaltDescribe        which);
/* How many of @results failed or are unknown (no answer): those worth a Retry. */
guint                tw_session_count_halt_failures         (GPtrArray            *results);
/* How many of @results have @outcome (a TwActionOutcome). */
guint                tw_session_count_halt_outcome          (GPtrArray            *results,
                                                             guint                 outcome);
/* The summary of a Halt All, naming every kind of result: "Halted 3 of 5 services ·
 * 1 failed · 1 cannot be halted here". (transfer full) */
char                *tw_session_summarize_halt              (GPtrArray            *results);

/* The data of a service's page (tw-session-details.c). */
TwServiceDetails    *tw_session_get_service_details         (TwSession            *self,
                                                             const char           *service_id);

G_END_DECLS
