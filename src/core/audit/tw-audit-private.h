/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to src/core: the audit log's row and helpers shared with its record type. */

#include "tw-audit-record.h"

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
} TwAuditRow;

TwAuditRecord *_tw_audit_record_new     (const TwAuditRow *row);
/* (transfer full) lowercase hex SHA-256 of the row's canonical form (see tw-audit-log.c). */
char          *_tw_audit_row_hash       (const TwAuditRow *row);

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
