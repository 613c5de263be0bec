/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * TwAuditOutcome:
 * @TW_AUDIT_OUTCOME_REQUESTED: written before the action is carried out
 * @TW_AUDIT_OUTCOME_OK: the action succeeded
 * @TW_AUDIT_OUTCOME_FAILED: the action was tried and failed
 * @TW_AUDIT_OUTCOME_REFUSED: the action was refused (by the guard, a pre-flight check or the server)
 * @TW_AUDIT_OUTCOME_INTERRUPTED: the process carrying it out ended before it finished
 *   (written at the next start, e.g. for a killed restore)
 */
typedef enum
{
  TW_AUDIT_OUTCOME_REQUESTED,
  TW_AUDIT_OUTCOME_OK,
  TW_AUDIT_OUTCOME_FAILED,
  TW_AUDIT_OUTCOME_REFUSED,
  TW_AUDIT_OUTCOME_INTERRUPTED,
} TwAuditOutcome;

#define TW_TYPE_AUDIT_OUTCOME (tw_audit_outcome_get_type ())
GType       tw_audit_outcome_get_type    (void) G_GNUC_CONST;
/* "requested", "ok", "failed", "refused", "interrupted": stored in the database and the export. */
const char *tw_audit_outcome_to_string   (TwAuditOutcome  outcome);
gboolean    tw_audit_outcome_from_string (const char     *str,
                                          TwAuditOutcome *outcome);

/* One row of the audit log, read-only. Properties (for UI binding):
 *   "id" (int64), "time" (GDateTime, UTC), "time-us" (int64, µs since the epoch),
 *   "profile", "mode", "actor", "action", "target", "reason" (strings),
 *   "outcome" (TwAuditOutcome), "http-status" (uint, 0 if none), "message" (string),
 *   "request-id" (int64: for an outcome row, the id of its "requested" row; 0 otherwise),
 *   "prev-hash", "hash" (lowercase hex SHA-256). */
#define TW_TYPE_AUDIT_RECORD (tw_audit_record_get_type ())
G_DECLARE_FINAL_TYPE (TwAuditRecord, tw_audit_record, TW, AUDIT_RECORD, GObject)

gint64          tw_audit_record_get_id          (TwAuditRecord *self);
/* (transfer full) */
GDateTime      *tw_audit_record_dup_time        (TwAuditRecord *self);
const char     *tw_audit_record_get_profile     (TwAuditRecord *self);
const char     *tw_audit_record_get_mode        (TwAuditRecord *self);
const char     *tw_audit_record_get_actor       (TwAuditRecord *self);
const char     *tw_audit_record_get_action      (TwAuditRecord *self);
const char     *tw_audit_record_get_target      (TwAuditRecord *self);
const char     *tw_audit_record_get_reason      (TwAuditRecord *self);
TwAuditOutcome  tw_audit_record_get_outcome     (TwAuditRecord *self);
guint           tw_audit_record_get_http_status (TwAuditRecord *self);
const char     *tw_audit_record_get_message     (TwAuditRecord *self);
gint64          tw_audit_record_get_request_id  (TwAuditRecord *self);
const char     *tw_audit_record_get_prev_hash   (TwAuditRecord *self);
const char     *tw_audit_record_get_hash        (TwAuditRecord *self);

G_END_DECLS
