/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-flags.h"
#include "tw-session-page.h"

G_BEGIN_DECLS

/* The Flags page (a TwSessionPage): per service, per flag, the effective value, its type,
 * risk and description, the layer that decided it (or "unknown"), a lock when an
 * environment variable pins it, the last change from the audit log and a pending revert.
 * Booleans have a switch, numbers a Change button when the connector can set them; every
 * change goes through the guard dialog (toward safety: at once) and TwFlags, which reads
 * it back: a change that did not hold is shown in an error banner until dismissed.
 * A search entry filters by name or label.
 * Actions ("flags." prefix): set ((sss) service id, flag, value), cancel-revert ((ss)),
 * dismiss. Signal "change-finished" (service_id, flag, ok, message). */
#define TW_TYPE_FLAGS_PAGE (tw_flags_page_get_type ())
G_DECLARE_FINAL_TYPE (TwFlagsPage, tw_flags_page, TW, FLAGS_PAGE, AdwBin)

GtkWidget *tw_flags_page_new         (void);
/* @flags: (nullable) */
void       tw_flags_page_set_flags   (TwFlagsPage *self,
                                      TwFlags     *flags,
                                      TwWorkspace *workspace);
/* The text of the failure banner, NULL when hidden (for tests). */
const char *tw_flags_page_get_failure (TwFlagsPage *self);
/* The revert-after choice in seconds for a change now (0: never). */
guint      tw_flags_page_get_revert_after (TwFlagsPage *self);

G_END_DECLS
