/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-profile.h"
#include "tw-secrets.h"

G_BEGIN_DECLS

/* The profile name for an imported .env: its folder's name made valid ("my_bot" →
 * "my_bot", "Trading Bot" → "trading-bot"), else "imported"; "-2", "-3"… appended while
 * a profile of that name exists. (transfer full) */
char      *tw_env_import_profile_name (GFile               *file);
/* Reads @file, imports it (tw_profile_import_env: secrets into @secrets, with the
 * connectors installed now, shipped and the user's) and saves the profile, all in a worker
 * thread (the keyring calls block). */
void       tw_env_import_async        (GFile               *file,
                                       TwSecrets           *secrets,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
/* (transfer full) the saved profile, or NULL with @error. */
TwProfile *tw_env_import_finish       (GAsyncResult        *result,
                                       GError             **error);

/* What an import would create, before anything is stored: the profile (secrets in no
 * keyring), the proposed name, one line a service with the names of its keys. The file's
 * text is kept (wiped when freed) for the import the operator confirms. */
typedef struct _TwEnvPreview TwEnvPreview;

void          tw_env_preview_async        (GFile               *file,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
TwEnvPreview *tw_env_preview_finish       (GAsyncResult        *result,
                                           GError             **error);
void          tw_env_preview_free         (TwEnvPreview        *preview);
const char   *tw_env_preview_get_name     (TwEnvPreview        *preview);
TwProfile    *tw_env_preview_get_profile  (TwEnvPreview        *preview);
const char   *tw_env_preview_get_details  (TwEnvPreview        *preview);
/* Whether @name can be a new profile's (valid, not taken), else why. */
gboolean      tw_env_preview_name_is_free (const char          *name,
                                           GError             **error);
/* Imports the previewed text as profile @name (secrets into @secrets, saved), in a worker
 * thread; @preview must outlive it. Finish with tw_env_import_finish(). */
void          tw_env_preview_import_async (TwEnvPreview        *preview,
                                           const char          *name,
                                           TwSecrets           *secrets,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TwEnvPreview, tw_env_preview_free)

G_END_DECLS
