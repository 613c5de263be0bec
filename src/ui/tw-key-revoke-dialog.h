/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-session.h"

G_BEGIN_DECLS

/* Emergency revoke of one key: a reason and the service's name typed (Revoke stays
 * disabled until both are there), then the session halts every service, removes the key
 * (guided: shows the step and waits for "I Removed It"), proves it refused and deletes
 * it; the result and the runbook's follow-up, ready to copy, are shown in the dialog. */
#define TW_TYPE_KEY_REVOKE_DIALOG (tw_key_revoke_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TwKeyRevokeDialog, tw_key_revoke_dialog, TW, KEY_REVOKE_DIALOG, AdwWindow)

GtkWidget  *tw_key_revoke_dialog_new          (TwSession   *session,
                                               const char  *service_id,
                                               const char  *secret,
                                               const char  *secret_label);
/* For tests: the operator's hand and what is shown. */
void        tw_key_revoke_dialog_set_reason   (TwKeyRevokeDialog *self,
                                               const char        *reason);
void        tw_key_revoke_dialog_set_typed    (TwKeyRevokeDialog *self,
                                               const char        *text);
gboolean    tw_key_revoke_dialog_can_revoke   (TwKeyRevokeDialog *self);
gboolean    tw_key_revoke_dialog_is_busy      (TwKeyRevokeDialog *self);
/* "form", "server" (guided: waiting for the operator), "done", "failed" */
const char *tw_key_revoke_dialog_get_state    (TwKeyRevokeDialog *self);
const char *tw_key_revoke_dialog_get_text     (TwKeyRevokeDialog *self);
/* As a click on the dialog's button. */
void        tw_key_revoke_dialog_activate     (TwKeyRevokeDialog *self);

G_END_DECLS
