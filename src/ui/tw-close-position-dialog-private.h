/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-close-position-dialog.h"

G_BEGIN_DECLS

/* For tests: what the widget shows, and the operator's hand. */

TwPosition  *tw_close_position_dialog_get_position   (TwClosePositionDialog *self);
/* As the operator would: clicks the preset button when @percentage is 25, 50, 75 or 100. */
void         tw_close_position_dialog_set_percentage (TwClosePositionDialog *self,
                                                      double                 percentage);
/* "Closes 25 of 50 AAPL (long)": what Close will do. */
const char  *tw_close_position_dialog_get_summary    (TwClosePositionDialog *self);

G_END_DECLS
