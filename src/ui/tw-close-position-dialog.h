/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-position.h"

G_BEGIN_DECLS

typedef enum
{
  TW_CLOSE_ALL,
  TW_CLOSE_QUANTITY,
  TW_CLOSE_PERCENTAGE,
} TwCloseMode;

/* How much of a position to close: all of it, a quantity, or a percentage (presets
 * 25 / 50 / 75 / 100). Responses: "cancel" (default), "close" (destructive, enabled
 * while the amount is valid). What follows (the guard) is the caller's. */
#define TW_TYPE_CLOSE_POSITION_DIALOG (tw_close_position_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TwClosePositionDialog, tw_close_position_dialog, TW, CLOSE_POSITION_DIALOG, AdwMessageDialog)

/* @whole_only: the service closes whole positions only (quantity and percentage off). */
GtkWidget   *tw_close_position_dialog_new            (GtkWindow             *parent,
                                                      TwPosition            *position,
                                                      gboolean               whole_only);
TwCloseMode  tw_close_position_dialog_get_mode       (TwClosePositionDialog *self);
/* Units to close (TW_CLOSE_QUANTITY), else 0. */
double       tw_close_position_dialog_get_qty        (TwClosePositionDialog *self);
/* Percent to close (TW_CLOSE_PERCENTAGE), else 0. */
double       tw_close_position_dialog_get_percentage (TwClosePositionDialog *self);

G_END_DECLS
