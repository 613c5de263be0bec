/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-session.h"

G_BEGIN_DECLS

/* New keys where the server takes no overlap (Alpaca): halt → paste → prove → swap, and
 * the outage measured from the halt; resuming is left to the guarded Resume. */
#define TW_TYPE_KEY_SWAP_DIALOG (tw_key_swap_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TwKeySwapDialog, tw_key_swap_dialog, TW, KEY_SWAP_DIALOG, AdwWindow)

GtkWidget  *tw_key_swap_dialog_new         (TwSession       *session,
                                            const char      *service_id);
/* For tests: the operator's hand and what is shown. */
void        tw_key_swap_dialog_set_value   (TwKeySwapDialog *self,
                                            const char      *secret,
                                            const char      *value);
void        tw_key_swap_dialog_set_reason  (TwKeySwapDialog *self,
                                            const char      *reason);
void        tw_key_swap_dialog_activate    (TwKeySwapDialog *self);
gboolean    tw_key_swap_dialog_is_busy     (TwKeySwapDialog *self);
gboolean    tw_key_swap_dialog_can_go_on   (TwKeySwapDialog *self);
/* "halt", "paste", "done" */
const char *tw_key_swap_dialog_get_state   (TwKeySwapDialog *self);
const char *tw_key_swap_dialog_get_message (TwKeySwapDialog *self);
gint64      tw_key_swap_dialog_get_outage_us (TwKeySwapDialog *self);
/* Clicks the Generate button of @secret's row (a key the connector says how to make).
 * FALSE when the row has none. */
gboolean    tw_key_swap_dialog_generate     (TwKeySwapDialog *self,
                                             const char      *secret);
/* (nullable) what the proof sends, as the dialog shows it before anything is sent */
const char *tw_key_swap_dialog_get_proof_text (TwKeySwapDialog *self);

G_END_DECLS
