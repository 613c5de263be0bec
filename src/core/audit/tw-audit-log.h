/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-audit-record.h"
#include "tw-enums.h"
#include "tw-secrets.h"

G_BEGIN_DECLS

/* The local audit log: an append-only, keyed, hash-chained SQLite table in
 * $XDG_DATA_HOME/tradewarden/audit.db (WAL, synchronous=FULL).
 *
 * Every guarded action writes a "requested" row before it is carried out
 * (tw_audit_log_request → its row id) and an outcome row after
 * (tw_audit_log_complete: ok / failed / refused, HTTP status, the server's message),
 * which repeats the request's fields and points at it through "request-id".
 * Something refused before it was requested is one tw_audit_log_record row.
 *
 * Chain: each row stores the previous row's hash (64 zeros for the first row) and
 * hash = HMAC-SHA-256 (hex, lowercase) of its canonical form under the log's key, which
 * is these fields joined by the byte 0x1f (unit separator), in this order, integers in
 * decimal:
 *   "tw-audit-2", id, time_us, profile, mode, actor, action, target, reason,
 *   outcome, http_status, message, request_id, prev_hash
 * Rows written before keyed chains (a log of an earlier version) hold the plain SHA-256
 * of the same form tagged "tw-audit-1"; such a log is keyed from its next row on.
 * The key (32 random bytes, made on first use) and the head — the first keyed row, the
 * newest row written and its MAC — are kept in the TwSecrets given at open (the keyring),
 * per log (its canonical path): see tw-audit-key.c. Triggers refuse UPDATE and DELETE;
 * tw_audit_log_verify walks the chain and checks the head, so a row changed, removed or
 * added, a truncated, replaced, recomputed or deleted log shows to whoever lacks the key.
 * Tail anchor: after each row, its id and hash also go to "PATH.anchor" (0600, never
 * moved back), which is all a log from before keyed chains has.
 *
 * Secrets: reason and message are scrubbed before they are written: every run of
 * 20 or more characters of [A-Za-z0-9_-] holding both a letter and a digit, and
 * the value after "key", "token", "secret", "password" or "authorization"
 * followed by '=' or ':', is replaced by "[redacted …abcd]" (its last 4 characters).
 *
 * Safe from several processes (the app and the command line): every write is one
 * BEGIN IMMEDIATE transaction that reads the previous hash inside it. The object is
 * thread-safe; the _async variants run in a worker thread for the UI. */
#define TW_TYPE_AUDIT_LOG (tw_audit_log_get_type ())
G_DECLARE_FINAL_TYPE (TwAuditLog, tw_audit_log, TW, AUDIT_LOG, GObject)

/* A query filter: NULL/empty fields match anything; @outcome -1 for any;
 * @text matches action, target, reason, message, profile or actor (substring,
 * case-insensitive); @limit 0 for no limit. Results are newest first. */
typedef struct
{
  const char *profile;
  const char *action;
  int         outcome;
  const char *text;
  guint       limit;
} TwAuditFilter;

#define TW_AUDIT_FILTER_INIT { NULL, NULL, -1, NULL, 0 }

/* What tw_audit_log_verify_full() checked. */
typedef struct
{
  guint64 n_rows;        /* rows walked */
  gint64  bad_row;       /* the first wrong row; 0 when intact or no row can be named */
  gint64  keyed_from;    /* the first row under the key; rows before it are from before
                          * keyed chains. 0: the keyring has no record of this log (a log
                          * from before keyed chains, never written since, or empty) */
  gint64  recorded_row;  /* the newest row the keyring records (0: none) */
} TwAuditVerdict;

/* $XDG_DATA_HOME/tradewarden/audit.db (transfer full) */
char          *tw_audit_log_get_default_path (void);
/* Opens (creating the file, its directory and schema if needed) the log at @path,
 * or at the default path if NULL; its key and head in the keyring. */
TwAuditLog    *tw_audit_log_open           (const char          *path,
                                            GError             **error);
/* The same with the key and head in @secrets (memory for a throw-away log). */
TwAuditLog    *tw_audit_log_open_with_secrets (const char       *path,
                                               TwSecrets        *secrets,
                                               GError          **error);
const char    *tw_audit_log_get_path       (TwAuditLog          *self);

/* Returns the new row's id (> 0), or 0 with @error set. */
gint64         tw_audit_log_request        (TwAuditLog          *self,
                                            const char          *profile,
                                            TwMode               mode,
                                            const char          *action,
                                            const char          *target,
                                            const char          *reason,
                                            GError             **error);
/* The outcome of request @request_id (which must exist and be a "requested" row);
 * @outcome is not TW_AUDIT_OUTCOME_REQUESTED. Returns the new row's id or 0. */
gint64         tw_audit_log_complete       (TwAuditLog          *self,
                                            gint64               request_id,
                                            TwAuditOutcome       outcome,
                                            guint                http_status,
                                            const char          *message,
                                            GError             **error);
/* One row on its own (e.g. refused before it was requested; a step of a longer action). */
gint64         tw_audit_log_record         (TwAuditLog          *self,
                                            const char          *profile,
                                            TwMode               mode,
                                            const char          *action,
                                            const char          *target,
                                            const char          *reason,
                                            TwAuditOutcome       outcome,
                                            guint                http_status,
                                            const char          *message,
                                            GError             **error);

void           tw_audit_log_request_async  (TwAuditLog          *self,
                                            const char          *profile,
                                            TwMode               mode,
                                            const char          *action,
                                            const char          *target,
                                            const char          *reason,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gint64         tw_audit_log_request_finish (TwAuditLog          *self,
                                            GAsyncResult        *result,
                                            GError             **error);
void           tw_audit_log_complete_async (TwAuditLog          *self,
                                            gint64               request_id,
                                            TwAuditOutcome       outcome,
                                            guint                http_status,
                                            const char          *message,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gint64         tw_audit_log_complete_finish (TwAuditLog         *self,
                                             GAsyncResult       *result,
                                             GError            **error);

/* Walks the whole chain and checks the keyring's head. TRUE if every row matches and
 * the log reaches the newest row written; otherwise FALSE, @bad_row set to the first row
 * that does not (its id) and @error (TW_ERROR_CONFLICT) saying what is wrong with it. A
 * log that is missing where rows were written is FALSE. @n_rows: rows checked. Database
 * or keyring errors: FALSE, @bad_row 0. */
gboolean       tw_audit_log_verify_full    (TwAuditLog          *self,
                                            TwAuditVerdict      *verdict,
                                            GCancellable        *cancellable,
                                            GError             **error);
gboolean       tw_audit_log_verify         (TwAuditLog          *self,
                                            guint64             *n_rows,
                                            gint64              *bad_row,
                                            GCancellable        *cancellable,
                                            GError             **error);
void           tw_audit_log_verify_async   (TwAuditLog          *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean       tw_audit_log_verify_finish  (TwAuditLog          *self,
                                            GAsyncResult        *result,
                                            guint64             *n_rows,
                                            gint64              *bad_row,
                                            GError             **error);
/* @verdict: (out caller-allocates) */
gboolean       tw_audit_log_verify_finish_full (TwAuditLog      *self,
                                                GAsyncResult    *result,
                                                TwAuditVerdict  *verdict,
                                                GError         **error);

/* (transfer full) (element-type TwAuditRecord) a GListStore, newest first.
 * @filter: (nullable) */
GListModel    *tw_audit_log_query          (TwAuditLog          *self,
                                            const TwAuditFilter *filter,
                                            GCancellable        *cancellable,
                                            GError             **error);
void           tw_audit_log_query_async    (TwAuditLog          *self,
                                            const TwAuditFilter *filter,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
GListModel    *tw_audit_log_query_finish   (TwAuditLog          *self,
                                            GAsyncResult        *result,
                                            GError             **error);

/* JSON lines, oldest first, one object a row with every column:
 * {"id","time" (RFC 3339 UTC, µs),"time_us","profile","mode","actor","action","target",
 *  "reason","outcome","http_status","message","request_id","prev_hash","hash"} ("hash"
 *  being the row's MAC, or its SHA-256 for a row from before keyed chains).
 * @filter: (nullable). @n_rows: (out) (optional) rows written. */
gboolean       tw_audit_log_export         (TwAuditLog          *self,
                                            const TwAuditFilter *filter,
                                            GOutputStream       *stream,
                                            guint64             *n_rows,
                                            GCancellable        *cancellable,
                                            GError             **error);
void           tw_audit_log_export_async   (TwAuditLog          *self,
                                            const TwAuditFilter *filter,
                                            GOutputStream       *stream,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean       tw_audit_log_export_finish  (TwAuditLog          *self,
                                            GAsyncResult        *result,
                                            GError             **error);

/* (transfer full) @text with key-like values replaced (see above); NULL for NULL. */
char          *tw_audit_scrub              (const char          *text);

G_END_DECLS
