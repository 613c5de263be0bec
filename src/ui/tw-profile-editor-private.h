/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-profile-editor.h"
#include "tw-guard.h"

G_BEGIN_DECLS

/* For tests: what the widget shows, and the operator's hand. */

void                tw_profile_editor_set_profile_name   (TwProfileEditor     *self,
                                                          const char          *name);
/* The problems shown inline, or NULL when the profile is valid. */
const char         *tw_profile_editor_get_problems       (TwProfileEditor     *self);

/* tw-profile-editor-keys.c: stored keys the form would replace. Returns why the save is
 * refused (a rotatable key: use Keys → Rotate…), or NULL and in @request (nullable) the
 * guard's keys.rotate request the replacement needs. (transfer full) */
char               *_tw_profile_editor_check_replaced_keys (TwProfile            *original,
                                                            TwConnectorRegistry  *registry,
                                                            GPtrArray            *service_rows,
                                                            TwGuardRequest      **request);

G_END_DECLS
