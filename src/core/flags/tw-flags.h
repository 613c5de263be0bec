/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-alert-engine.h"
#include "tw-audit-log.h"
#include "tw-flag.h"
#include "tw-guard.h"
#include "tw-workspace.h"

G_BEGIN_DECLS

/* The runtime flags of every service of a profile whose connector has "flags.list", as
 * a GListModel of TwFlag (service order, then the connector's flag order, then flags the
 * connector does not list). Polled every "poll-interval" ms once started.
 *
 * Layers: where a service's TwService names its .env ("env-file") and its
 * feature_flags.json ("flags-file"), both are read (never written) at each poll: a flag
 * whose variable is in the .env is "env" and locked; one in the JSON file is "file";
 * with both files read and neither naming it, "default"; otherwise "unknown".
 *
 * A value that changes between two polls without this console changing it is
 * "external-change" (TwFlag *flag, const char *old_value, const char *new_value), and an
 * alert through the "alert-engine" (nullable): critical when the change is away from
 * safety (it offers Halt trading), a warning otherwise.
 *
 * Changes (tw-flags-change.c) are guarded, audited ("requested", then "ok" or "failed"
 * with old → new in the target), and read back: a change the service accepted but did
 * not keep is "failed", saying what pins it. */
#define TW_TYPE_FLAGS (tw_flags_get_type ())
G_DECLARE_FINAL_TYPE (TwFlags, tw_flags, TW, FLAGS, GObject)

/* @audit_log: (nullable) without one, no change is possible (reading still is). */
TwFlags        *tw_flags_new                (TwWorkspace         *workspace,
                                             TwAuditLog          *audit_log);
void            tw_flags_set_alert_engine   (TwFlags             *self,
                                             TwAlertEngine       *engine);
guint           tw_flags_get_poll_interval  (TwFlags             *self);
void            tw_flags_set_poll_interval  (TwFlags             *self,
                                             guint                interval_ms);
/* TRUE when some service of the profile has flags. */
gboolean        tw_flags_has_services       (TwFlags             *self);
void            tw_flags_start              (TwFlags             *self);
void            tw_flags_stop               (TwFlags             *self);
/* Nothing more is sent; pending reverts are dropped (each audited as not carried out). */
void            tw_flags_close              (TwFlags             *self);
/* Changes whose outcome row is not yet written (the session waits for them). Each change
 * of it is "in-flight-changed". */
guint           tw_flags_get_n_in_flight    (TwFlags             *self);
/* (nullable) (transfer none) */
TwFlag         *tw_flags_lookup             (TwFlags             *self,
                                             const char          *service_id,
                                             const char          *name);
/* (nullable) why the last read of @service_id failed */
const char     *tw_flags_get_service_error  (TwFlags             *self,
                                             const char          *service_id);
/* One read of every service's flags (and files) now. */
void            tw_flags_refresh_async      (TwFlags             *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean        tw_flags_refresh_finish     (TwFlags             *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* tw-flags-change.c */

/* The operation that sets @flag to @new_value ("flags.enable", "flags.disable",
 * "flags.set"), or NULL when its connector has none (the change is not possible). */
const char     *tw_flags_operation_for      (TwFlags             *self,
                                             TwFlag              *flag,
                                             const char          *new_value);
/* A guard request for setting @flag to @new_value ("true", "false", a number), the
 * flag's policy set (tw_guard_request_set_flag). (transfer full) */
TwGuardRequest *tw_flags_new_request        (TwFlags             *self,
                                             TwFlag              *flag,
                                             const char          *new_value);
/* Checks @request (refused: a "refused" row, nothing sent, TW_ERROR_REFUSED), checks a
 * number against the flag's bounds (TW_ERROR_INVALID), writes the "requested" row, sends
 * the operation, reads the flag back and writes the outcome: TRUE when the flag now holds
 * @new_value; otherwise FALSE with TW_ERROR_CONFLICT ("the service kept … : VAR=… in its
 * environment overrides it") or the request's own error, the row "failed".
 * @revert_after: seconds after which the console sets the flag back to its value before
 * this change (0: never); the revert is its own audited change, visible as the flag's
 * "revert-at" and cancellable with tw_flags_cancel_revert(). */
void            tw_flags_change_async       (TwFlags             *self,
                                             TwFlag              *flag,
                                             TwGuardRequest      *request,
                                             const char          *new_value,
                                             guint                revert_after,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean        tw_flags_change_finish      (TwFlags             *self,
                                             GAsyncResult        *result,
                                             GError             **error);
/* Drops @flag's pending revert (audited). FALSE when none was pending. */
gboolean        tw_flags_cancel_revert      (TwFlags             *self,
                                             TwFlag              *flag);

G_END_DECLS
