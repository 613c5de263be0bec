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
void        tw_audit_page_verify             (TwAuditPage    *self);
/* Writes the shown rows to @file (what Export… does after the file chooser). */
void        tw_audit_page_export_to_file     (TwAuditPage    *self,
                                              GFile          *file);

G_END_DECLS
