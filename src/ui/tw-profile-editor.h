/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-connector-registry.h"
#include "tw-profile.h"
#include "tw-secrets.h"
#include "tw-service-editor-row.h"

G_BEGIN_DECLS

/* The modal profile editor: name, mode (with the live warning), services and their
 * secrets. Save writes the profile (tw_profile_save), stores the typed secrets in
 * TwSecrets asynchronously, emits "saved" (TwProfile *) and closes.
 * Actions: editor.save, editor.add-service. */
#define TW_TYPE_PROFILE_EDITOR (tw_profile_editor_get_type ())
G_DECLARE_FINAL_TYPE (TwProfileEditor, tw_profile_editor, TW, PROFILE_EDITOR, AdwWindow)

/* @profile: (nullable) the profile to edit (saved under its own name), NULL for a new one. */
TwProfileEditor    *tw_profile_editor_new                (GtkWindow           *parent,
                                                          TwConnectorRegistry *registry,
                                                          TwSecrets           *secrets,
                                                          TwProfile           *profile);
void                tw_profile_editor_set_mode           (TwProfileEditor     *self,
                                                          TwMode               mode);
/* Adds a new service row (as editor.add-service does); returns it. (transfer none) */
TwServiceEditorRow *tw_profile_editor_add_service        (TwProfileEditor     *self);

G_END_DECLS
