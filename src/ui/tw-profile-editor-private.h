/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-profile-editor.h"

G_BEGIN_DECLS

/* For tests: what the widget shows, and the operator's hand. */

void                tw_profile_editor_set_profile_name   (TwProfileEditor     *self,
                                                          const char          *name);
/* The problems shown inline, or NULL when the profile is valid. */
const char         *tw_profile_editor_get_problems       (TwProfileEditor     *self);

G_END_DECLS
