/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-session-page.h"

G_BEGIN_DECLS

/* The Keys page: every key of every service of the profile, with its rotation (the step,
 * the grace period's time left, "still accepted" loudly) and Rotate…/Continue… opening
 * TwKeyRotationDialog, Revoke… (emergency) opening TwKeyRevokeDialog; per service, how
 * its server side is changed (guided, or managed with its .env file and restart command).
 * Actions: keys.rotate, keys.revoke (s: "SERVICE/SECRET"). */
#define TW_TYPE_KEYS_PAGE (tw_keys_page_get_type ())
G_DECLARE_FINAL_TYPE (TwKeysPage, tw_keys_page, TW, KEYS_PAGE, AdwBin)

GtkWidget *tw_keys_page_new            (void);
/* The subtitle shown for @service_id's @secret, for tests. (transfer none) */
const char *tw_keys_page_get_status    (TwKeysPage *self,
                                        const char *service_id,
                                        const char *secret);
/* The dialog last opened by keys.rotate or keys.revoke (weak), for tests. */
GtkWidget *tw_keys_page_get_dialog     (TwKeysPage *self);

G_END_DECLS
