/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-service-details.h"

G_BEGIN_DECLS

/* An order's audit trail, opened from its correlation id on the service page: every
 * entry the service's audit store has for it (003: GET /api/v1/audit/correlation_id/ID),
 * oldest first, each with its time, event and details; what went wrong when it could
 * not be read (no trail: 404; an answer that is not one; no answer in time), with Try
 * Again; and the link to the Logs page filtered to the same id. */
#define TW_TYPE_ORDER_AUDIT_DIALOG (tw_order_audit_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TwOrderAuditDialog, tw_order_audit_dialog, TW, ORDER_AUDIT_DIALOG, AdwWindow)

/* Reads the trail at once. @parent: (nullable) */
GtkWidget  *tw_order_audit_dialog_new             (GtkWindow          *parent,
                                                   TwServiceDetails   *details,
                                                   const char         *correlation_id);
const char *tw_order_audit_dialog_get_correlation_id (TwOrderAuditDialog *self);
/* Reads it again. */
void        tw_order_audit_dialog_reload          (TwOrderAuditDialog *self);

/* For tests: whether a read is on its way; the entries shown; why it failed (NULL
 * when it did not); the note on entries left out (NULL when none). */
gboolean    tw_order_audit_dialog_is_loading      (TwOrderAuditDialog *self);
guint       tw_order_audit_dialog_get_n_entries   (TwOrderAuditDialog *self);
/* (nullable) row @i's event, details and time as shown */
const char *tw_order_audit_dialog_get_entry_event (TwOrderAuditDialog *self,
                                                   guint               i);
const char *tw_order_audit_dialog_get_entry_details (TwOrderAuditDialog *self,
                                                     guint               i);
const char *tw_order_audit_dialog_get_entry_time  (TwOrderAuditDialog *self,
                                                   guint               i);
const char *tw_order_audit_dialog_get_error       (TwOrderAuditDialog *self);
const char *tw_order_audit_dialog_get_note        (TwOrderAuditDialog *self);
/* (transfer none) the "Show Log Lines" button */
GtkWidget  *tw_order_audit_dialog_get_logs_button (TwOrderAuditDialog *self);

G_END_DECLS
