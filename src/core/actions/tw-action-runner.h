/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "tw-audit-log.h"
#include "tw-guard.h"
#include "tw-http.h"
#include "tw-multistatus.h"
#include "tw-risk-monitor.h"
#include "tw-workspace.h"

G_BEGIN_DECLS

/* The result of one service's part of a multi-service action (halt all). */
#define TW_TYPE_ACTION_RESULT (tw_action_result_get_type ())
G_DECLARE_FINAL_TYPE (TwActionResult, tw_action_result, TW, ACTION_RESULT, GObject)

/* What became of one service's part:
 * @TW_ACTION_OUTCOME_DONE: it answered that it was done (or, after no answer, its state
 *   read back shows it done)
 * @TW_ACTION_OUTCOME_ALREADY: done, and its state was so before the request
 * @TW_ACTION_OUTCOME_FAILED: it refused or failed (the message says why), or after no
 *   answer its state read back shows it was not done
 * @TW_ACTION_OUTCOME_UNKNOWN: no answer in time, and no read-back could tell: the request
 *   may or may not have reached the service
 * @TW_ACTION_OUTCOME_UNSUPPORTED: it cannot be done from the console (its connector has no
 *   such operation); nothing was sent, the message says what to do instead */
typedef enum
{
  TW_ACTION_OUTCOME_DONE,
  TW_ACTION_OUTCOME_ALREADY,
  TW_ACTION_OUTCOME_FAILED,
  TW_ACTION_OUTCOME_UNKNOWN,
  TW_ACTION_OUTCOME_UNSUPPORTED,
} TwActionOutcome;

/* Properties: "service-id", "service-name", "ok" (bool: done or already done),
 * "outcome" (TwActionOutcome, as uint), "read-back" (bool: the outcome comes from reading
 * the service's state back after a request that got no answer), "http-status" (uint),
 * "message" (string: the error message on failure, the server's message on success),
 * "latency-ms" (double). */
const char *tw_action_result_get_service_id   (TwActionResult *self);
const char *tw_action_result_get_service_name (TwActionResult *self);
gboolean    tw_action_result_get_ok           (TwActionResult *self);
guint       tw_action_result_get_http_status  (TwActionResult *self);
const char *tw_action_result_get_message      (TwActionResult *self);
double      tw_action_result_get_latency_ms   (TwActionResult *self);
TwActionOutcome tw_action_result_get_outcome  (TwActionResult *self);
gboolean    tw_action_result_get_read_back    (TwActionResult *self);

/* Carries out guarded actions: the one path from an operator's intent to a request.
 *   1. the checklist's automatic items (health green, broker connected) worked out from the
 *      workspace's service states now (tw_guard_live_apply(), over any caller's tick), then
 *      tw_guard_request_check(): refused → a "refused" audit row, nothing sent, TW_ERROR_REFUSED;
 *   2. a "requested" audit row (written before the request is sent);
 *   3. the connector operation through the service's TwClient;
 *   4. the outcome row (ok / failed, HTTP status, the server's message; a 207 multi-status
 *      with any entry refused is "failed", naming each refused entry and why);
 *   5. the workspace and risk pollers refreshed.
 * While an action is in flight for (service, operation) a second one is refused
 * (TW_ERROR_REFUSED "already in progress") — no double submit; "in-flight-changed"
 * (service_id, operation, in_flight) lets widgets go insensitive.
 * Properties: "workspace", "audit-log" (construct-only). */
#define TW_TYPE_ACTION_RUNNER (tw_action_runner_get_type ())
G_DECLARE_FINAL_TYPE (TwActionRunner, tw_action_runner, TW, ACTION_RUNNER, GObject)

TwActionRunner *tw_action_runner_new              (TwWorkspace         *workspace,
                                                   TwAuditLog          *audit_log);
TwWorkspace    *tw_action_runner_get_workspace    (TwActionRunner      *self);
TwAuditLog     *tw_action_runner_get_audit_log    (TwActionRunner      *self);
/* A request pre-filled with the workspace's profile name and mode. (transfer full) */
TwGuardRequest *tw_action_runner_new_request      (TwActionRunner      *self,
                                                   const char          *action,
                                                   const char          *target);
/* @vars: (nullable) (element-type utf8 utf8); "reason" and "actor" are added from the
 * request when absent. The audit target is the request's target. */
void            tw_action_runner_run_async        (TwActionRunner      *self,
                                                   TwGuardRequest      *request,
                                                   const char          *service_id,
                                                   const char          *operation,
                                                   GHashTable          *vars,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
JsonNode       *tw_action_runner_run_finish       (TwActionRunner      *self,
                                                   GAsyncResult        *result,
                                                   TwHttpResponse     **response,
                                                   GError             **error);
/* As run_async, for an operation answered with a multi-status (Alpaca's 207): the answer's
 * entries go into @result (empty; seeded with tw_multi_status_know() so the audit row names
 * them as people know them), and the outcome row is "failed" when any entry was refused,
 * its message tw_multi_status_dup_outcome(). (Any 207 through run_async is audited the same
 * way, its entries named by their ids.) */
void            tw_action_runner_run_multi_async  (TwActionRunner      *self,
                                                   TwGuardRequest      *request,
                                                   const char          *service_id,
                                                   const char          *operation,
                                                   GHashTable          *vars,
                                                   TwMultiStatus       *result,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* (transfer full) @result filled; NULL with @error (TW_ERROR_BAD_RESPONSE for an answer
 * that is not a multi-status). */
TwMultiStatus  *tw_action_runner_run_multi_finish (TwActionRunner      *self,
                                                   GAsyncResult        *result,
                                                   TwHttpResponse     **response,
                                                   GError             **error);
gboolean        tw_action_runner_is_in_flight     (TwActionRunner      *self,
                                                   const char          *service_id,
                                                   const char          *operation);
/* Actions whose "requested" row is written and whose outcome row is not yet; each change
 * is an "in-flight-changed". */
guint           tw_action_runner_get_n_in_flight  (TwActionRunner      *self);
/* The profile is closing: from now on nothing is sent. A new action fails at once
 * (G_IO_ERROR_CANCELLED, no audit row); one whose "requested" row is being written gets
 * a "failed" outcome row instead of its request; requests on the wire get their answers. */
void            tw_action_runner_close            (TwActionRunner      *self);
/* Halts every service of the profile whose connector has "trading.halt", in parallel,
 * one "trading.halt" guard request each (toward safety: no reason needed; @reason NULL →
 * "Halted from Trade Warden by USER"). Finishes when all have answered.
 * Result: (transfer full) (element-type TwActionResult), one per service of the profile,
 * in its order: those whose connector cannot halt are there too (outcome UNSUPPORTED,
 * nothing sent); a halt that got no answer in time is read back (its state polled at
 * once) and its outcome is what the read-back showed (DONE / FAILED with "read-back",
 * or UNKNOWN), the read-back written to the audit log as its own row. "halt-result"
 * (TwActionResult) is emitted for each as soon as it is known.
 * FALSE-free: failures are in the results, never hidden. */
void            tw_action_runner_halt_all_async   (TwActionRunner      *self,
                                                   const char          *reason,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* As halt_all, for @service_ids alone (NULL: all): a Retry. Finish with halt_all_finish. */
void            tw_action_runner_halt_services_async (TwActionRunner     *self,
                                                   const char          *reason,
                                                   const char * const  *service_ids,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
GPtrArray      *tw_action_runner_halt_all_finish  (TwActionRunner      *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
/* TRUE when this console itself sent @operation to @service_id within @seconds: the
 * alert rules use it to tell "halted by someone else" from our own halt. */
gboolean        tw_action_runner_did_recently     (TwActionRunner      *self,
                                                   const char          *service_id,
                                                   const char          *operation,
                                                   guint                seconds);

/* Additions of the risk core. The risk monitor to refresh after each action (held by a
 * weak reference; tw_alert_engine_new() sets it when none is set). Property "risk-monitor". */
void            tw_action_runner_set_risk_monitor (TwActionRunner      *self,
                                                   TwRiskMonitor       *monitor);
/* (transfer full) (nullable) */
TwRiskMonitor  *tw_action_runner_dup_risk_monitor (TwActionRunner      *self);
/* The reason used when an action toward safety comes without one:
 * "Halted from Trade Warden by USER" for trading.halt, otherwise
 * "<action title> from Trade Warden by USER". (transfer full) */
char           *tw_action_runner_default_reason   (const char          *action);

G_END_DECLS
