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

G_END_DECLS
