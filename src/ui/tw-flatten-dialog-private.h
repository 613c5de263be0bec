/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-flatten-dialog.h"

G_BEGIN_DECLS

/* For tests: what the widget shows, and the operator's hand. */

gboolean    tw_flatten_dialog_get_finished     (TwFlattenDialog *self);
/* What the dialog shows, for tests: the state word of step @i ("Pending", "Running",
 * "Done", "Partly done", "Failed"), its detail (summary and refused items), the result. */
const char *tw_flatten_dialog_get_step_state   (TwFlattenDialog *self,
                                                guint            i);
/* (transfer full) */
char       *tw_flatten_dialog_dup_step_detail  (TwFlattenDialog *self,
                                                guint            i);
const char *tw_flatten_dialog_get_result_text  (TwFlattenDialog *self);

G_END_DECLS
