/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-session-page.h"

#include "tw-action-runner.h"
#include "tw-audit-log.h"

G_BEGIN_DECLS

/* The Audit page: the audit log's rows, newest first (time local, profile, mode as
 * PAPER or LIVE (error-styled), actor,
 * action, target, reason, outcome as icon and word, HTTP status, message), filtered by
 * profile, action, outcome and text; Verify walks the hash chain and shows the result
 * ("Chain intact: N rows", or the broken row, error-styled); Export… writes JSON lines.
 * Refreshed after each action of the runner. Actions: audit.refresh, audit.verify,
 * audit.export. Signals: "refreshed", "verified". */
#define TW_TYPE_AUDIT_PAGE (tw_audit_page_get_type ())
G_DECLARE_FINAL_TYPE (TwAuditPage, tw_audit_page, TW, AUDIT_PAGE, AdwBin)

GtkWidget  *tw_audit_page_new                (void);
/* Both nullable. */
void        tw_audit_page_set_context        (TwAuditPage    *self,
                                              TwAuditLog     *log,
                                              TwActionRunner *runner);
void        tw_audit_page_refresh            (TwAuditPage    *self);
/* (transfer none) GListModel of TwAuditRecord, as shown */
GListModel *tw_audit_page_get_rows           (TwAuditPage    *self);
void        tw_audit_page_set_search_text    (TwAuditPage    *self,
                                              const char     *text);
/* @outcome: a TwAuditOutcome, or -1 for any */
void        tw_audit_page_set_outcome_filter (TwAuditPage    *self,
                                              int             outcome);
/* FALSE when no row of the log has this value yet. NULL for all. */
gboolean    tw_audit_page_set_action_filter  (TwAuditPage    *self,
                                              const char     *action);
gboolean    tw_audit_page_set_profile_filter (TwAuditPage    *self,
                                              const char     *profile);
void        tw_audit_page_verify             (TwAuditPage    *self);
/* (nullable) the verification result as shown; @ok: (out) (optional) */
const char *tw_audit_page_get_verify_text    (TwAuditPage    *self,
                                              gboolean       *ok);
/* Writes the shown rows to @file (what Export… does after the file chooser). */
void        tw_audit_page_export_to_file     (TwAuditPage    *self,
                                              GFile          *file);

G_END_DECLS
