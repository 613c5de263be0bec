/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to src/core: the audit log's row and helpers shared with its record type. */

#include <sqlite3.h>

#include "tw-audit-log.h"
#include "tw-audit-record.h"
#include "tw-secrets.h"

G_BEGIN_DECLS

/* One row as stored; strings borrowed. */
typedef struct
{
  gint64      id;
  gint64      time_us;
  const char *profile;
  const char *mode;
  const char *actor;
  const char *action;
  const char *target;
  const char *reason;
  const char *outcome;
  guint       http_status;
  const char *message;
  gint64      request_id;
  const char *prev_hash;
  const char *hash;
  gboolean    unkeyed;    /* written without the keyring: hash is the plain SHA-256 */
} TwAuditRow;

#define TW_AUDIT_KEY_SIZE 32
#define TW_AUDIT_GENESIS  "0000000000000000000000000000000000000000000000000000000000000000"

/* How long one exchange with the keyring may take before the row is written without it
 * (a keyring waiting on an unlock prompt nobody sees, a bus that does not answer), and
 * how long after a failure this process writes without trying the keyring again. */
/* How long an exchange with the keyring may take before the log goes on without it:
 * 1000 ms, or $TW_AUDIT_KEYRING_TIMEOUT_MS (a sanitizer build of the tests is that much
 * slower; `build-aux/run test --sanitize` sets it). */
guint _tw_audit_keyring_timeout_ms (void);
#define TW_AUDIT_KEYRING_TIMEOUT_MS (_tw_audit_keyring_timeout_ms ())
#define TW_AUDIT_KEYRING_RETRY_S    60

/* The keyed chain's record in the keyring (tw-audit-key.c). */
typedef struct
{
  gint64 keyed_from;    /* the first row under the key (0: no record) */
  gint64 row;           /* the newest row written, 0 for none */
  char   mac[65];       /* its MAC */
  gint64 broken_at;     /* 0, or the row being appended when rows were found missing */
  gint64 broken_last;   /* the log's last row then */
  gint64 broken_head;   /* the recorded newest row then */
} TwAuditHead;

/* Shared by tw-audit-log.c and tw-audit-verify.c. */
struct _TwAuditLog
{
  GObject  parent_instance;

  char        *path;
  GMutex       lock;      /* one statement sequence at a time on db, and the fields below */
  sqlite3     *db;

  TwSecrets   *secrets;
  char        *secret_name;
  guint8       key[TW_AUDIT_KEY_SIZE];
  gboolean     have_key;
  TwAuditHead  head;      /* as last read or written by this process; keyed_from 0: none */
  gint64       data_version;  /* PRAGMA data_version after this process's last commit */
  gint64       keyring_failed_us;  /* monotonic time of the last failed keyring exchange, 0: none */

  /* The head goes to the keyring in a thread of its own, off the path of the action
   * being audited: the newest state, once per burst of rows. */
  GThreadPool *head_writer;
  GMutex       head_lock;
  GCond        head_cond;
  guint        head_pending;   /* writes queued or running (head_lock) */
  guint64      head_seq;       /* of the newest queued write (head_lock) */
};

/* Waits until the head this process wrote is in the keyring. */
void           _tw_audit_head_flush     (TwAuditLog       *self);

#define TW_AUDIT_COLUMNS "id, time_us, profile, mode, actor, action, target, reason, outcome, " \
                "http_status, message, request_id, prev_hash, hash, unkeyed"

void           _tw_audit_row_from_stmt  (sqlite3_stmt     *stmt,
                                         TwAuditRow       *row);
TwAuditRecord *_tw_audit_record_new     (const TwAuditRow *row);
/* (transfer full) lowercase hex of the row's canonical form (see tw-audit-log.h):
 * HMAC-SHA-256 under @key, or with @key NULL the plain SHA-256 of rows written before
 * keyed chains. */
char          *_tw_audit_row_hash       (const TwAuditRow *row,
                                         const guint8     *key);

/* The name the log's key and head are kept under: its canonical path. */
char          *_tw_audit_secret_name    (const char  *log_path);
/* A bound on keyring calls: @cancellable is cancelled after @timeout_ms unless the
 * deadline is freed first (tw-audit-key.c). */
typedef struct _TwAuditDeadline TwAuditDeadline;
TwAuditDeadline *_tw_audit_deadline_new  (guint             timeout_ms);
GCancellable  *_tw_audit_deadline_get_cancellable (TwAuditDeadline *deadline);
/* Stops the timer; an @error that is the deadline's cancellation says the keyring did not
 * answer in time. */
void           _tw_audit_deadline_free  (TwAuditDeadline  *deadline,
                                         GError          **error);

/* @found FALSE (and TRUE returned) when there is no key and @create is FALSE. */
gboolean       _tw_audit_key_load       (TwSecrets    *secrets,
                                         const char   *name,
                                         gboolean      create,
                                         guint8        key[TW_AUDIT_KEY_SIZE],
                                         gboolean     *found,
                                         GCancellable *cancellable,
                                         GError      **error);
gboolean       _tw_audit_head_read      (TwSecrets    *secrets,
                                         const char   *name,
                                         TwAuditHead  *head,
                                         gboolean     *found,
                                         GCancellable *cancellable,
                                         GError      **error);
gboolean       _tw_audit_head_write     (TwSecrets         *secrets,
                                         const char        *name,
                                         const TwAuditHead *head,
                                         GCancellable      *cancellable,
                                         GError           **error);

/* The anchor of the log's tail, kept next to it in "LOG.anchor" (tw-audit-anchor.c). */
char          *_tw_audit_anchor_path    (const char  *log_path);
/* @id 0 and @hash NULL when there is no anchor; FALSE with @error when it cannot be read
 * or is not one Trade Warden wrote. */
gboolean       _tw_audit_anchor_read    (const char  *log_path,
                                         gint64      *id,
                                         char       **hash,
                                         GError     **error);
/* Anchors row @id (newer rows only: an anchor is never moved back). A failure is logged. */
void           _tw_audit_anchor_write   (const char  *log_path,
                                         gint64       id,
                                         const char  *hash);

G_END_DECLS
