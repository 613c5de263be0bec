/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-session.h"

G_BEGIN_DECLS

/* One text file an operator attaches to an incident ticket: the time, the profile, every
 * service's status (state, latency, data age, last error), each audit chain's
 * verification, the console's own audit rows of the last hour, and the last
 * TW_INCIDENT_TAIL_LINES lines of every log. Written in a worker thread (the file, the
 * audit query, the chains, the logs' tails), atomically. No secret: the profile holds
 * none, base URLs lose any user:password@, and every text from outside (log lines,
 * errors, audit rows) is scrubbed like the audit log's (tw_audit_scrub: long tokens and
 * key=/token=/secret=/password=/authorization: values redacted). */
#define TW_INCIDENT_TAIL_LINES 200

void      tw_incident_snapshot_write_async  (TwSession           *session,
                                             GFile               *file,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean  tw_incident_snapshot_write_finish (TwSession           *session,
                                             GAsyncResult        *result,
                                             GError             **error);
/* A name for the file: incident_YYYYMMDD_HHMMSS.txt (the runbook's). */
char     *tw_incident_snapshot_default_name (void);

G_END_DECLS
