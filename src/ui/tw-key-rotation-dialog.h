/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-keys.h"

G_BEGIN_DECLS

/* The rotation of one key of one service, step by step (src/core/keys): prepare, the
 * server side (guided: the masked step and Copy; managed: the restart's output), prove,
 * promote, the grace period, retire. Opens on the rotation's current step, so a rotation
 * left open when the console quit goes on where it was. */
#define TW_TYPE_KEY_ROTATION_DIALOG (tw_key_rotation_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TwKeyRotationDialog, tw_key_rotation_dialog, TW, KEY_ROTATION_DIALOG, AdwWindow)

GtkWidget  *tw_key_rotation_dialog_new        (TwKeys       *keys,
                                               const char   *service_id,
                                               const char   *service_name,
                                               const char   *secret,
                                               const char   *secret_label);
/* For tests: the step shown, whether a step runs, and the texts shown. */
TwKeyStep   tw_key_rotation_dialog_get_step   (TwKeyRotationDialog *self);
gboolean    tw_key_rotation_dialog_is_busy    (TwKeyRotationDialog *self);
const char *tw_key_rotation_dialog_get_heading (TwKeyRotationDialog *self);
const char *tw_key_rotation_dialog_get_server_text (TwKeyRotationDialog *self);
const char *tw_key_rotation_dialog_get_problem (TwKeyRotationDialog *self);
/* The guard's dialog while it asks (weak), for tests. */
GtkWidget  *tw_key_rotation_dialog_get_guard_dialog (TwKeyRotationDialog *self);
void        tw_key_rotation_dialog_set_pasted (TwKeyRotationDialog *self,
                                               const char          *key);

G_END_DECLS
