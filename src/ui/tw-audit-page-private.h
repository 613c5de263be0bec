/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-audit-page.h"

G_BEGIN_DECLS

/* For tests: what the widget shows, and the operator's hand. */

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
/* (nullable) the verification result as shown; @ok: (out) (optional) */
const char *tw_audit_page_get_verify_text    (TwAuditPage    *self,
                                              gboolean       *ok);

/* Appends the table's columns to @view (tw-audit-columns.c). */
void        tw_audit_columns_add             (GtkColumnView  *view);

G_END_DECLS
