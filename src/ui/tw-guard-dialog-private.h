/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-guard-dialog.h"

G_BEGIN_DECLS

/* For tests: what the widget shows, and the operator's hand. */

/* Whether the Confirm response is enabled now. */
gboolean        tw_guard_dialog_get_can_confirm  (TwGuardDialog  *self);
/* As if typed by the operator (for tests and scripts). */
void            tw_guard_dialog_set_reason       (TwGuardDialog  *self,
                                                  const char     *reason);
void            tw_guard_dialog_set_typed_name   (TwGuardDialog  *self,
                                                  const char     *text);
/* Ticks a manual item as the operator would; FALSE for an automatic or unknown item. */
gboolean        tw_guard_dialog_set_checked      (TwGuardDialog  *self,
                                                  const char     *check_id,
                                                  gboolean        checked);
/* Whether the item's check button can be toggled by the operator. */
gboolean        tw_guard_dialog_get_check_sensitive (TwGuardDialog *self,
                                                     const char   *check_id);
/* The line under an item: why an automatic one is (not) met. (nullable) */
const char     *tw_guard_dialog_get_check_note   (TwGuardDialog  *self,
                                                  const char     *check_id);
/* What is still missing, as shown under the form ("" when nothing). */
const char     *tw_guard_dialog_get_problem      (TwGuardDialog  *self);
gboolean        tw_guard_dialog_has_reason_entry (TwGuardDialog  *self);
gboolean        tw_guard_dialog_has_typed_entry  (TwGuardDialog  *self);
/* A feature flag's name typed (the flags issue); whether that entry is shown. */
void            tw_guard_dialog_set_typed_flag   (TwGuardDialog  *self,
                                                  const char     *text);
gboolean        tw_guard_dialog_has_flag_entry   (TwGuardDialog  *self);
/* The "Open Trades" link of "Recent trades reviewed" (transfer none), NULL when the item
 * is not asked for or the service lists no trades. */
GtkWidget      *tw_guard_dialog_get_trades_button (TwGuardDialog *self);

G_END_DECLS
