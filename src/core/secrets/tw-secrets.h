/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TW_SECRET_SCHEMA_NAME "io.github.tradewarden.TradeWarden.Secret"

#define TW_TYPE_SECRETS (tw_secrets_get_type ())
G_DECLARE_FINAL_TYPE (TwSecrets, tw_secrets, TW, SECRETS, GObject)

/* The Secret Service (gnome-keyring; the secret portal inside Flatpak). */
TwSecrets *tw_secrets_new_keyring   (void);
/* Process memory only: demo mode and tests. Nothing touches the disk. */
TwSecrets *tw_secrets_new_memory    (void);
gboolean   tw_secrets_is_memory     (TwSecrets           *self);

/* Secrets are keyed by profile + service + name (the schema's attributes). */
void       tw_secrets_store_async   (TwSecrets           *self,
                                     const char          *profile,
                                     const char          *service,
                                     const char          *name,
                                     const char          *value,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean   tw_secrets_store_finish  (TwSecrets           *self,
                                     GAsyncResult        *result,
                                     GError             **error);
/* Result: (transfer full) the secret, or NULL with no error when none is stored. */
void       tw_secrets_lookup_async  (TwSecrets           *self,
                                     const char          *profile,
                                     const char          *service,
                                     const char          *name,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
char      *tw_secrets_lookup_finish (TwSecrets           *self,
                                     GAsyncResult        *result,
                                     GError             **error);

/* Blocking variants: the command line, tests and worker threads only, never the main loop. */
gboolean   tw_secrets_store_sync    (TwSecrets           *self,
                                     const char          *profile,
                                     const char          *service,
                                     const char          *name,
                                     const char          *value,
                                     GCancellable        *cancellable,
                                     GError             **error);
char      *tw_secrets_lookup_sync   (TwSecrets           *self,
                                     const char          *profile,
                                     const char          *service,
                                     const char          *name,
                                     GCancellable        *cancellable,
                                     GError             **error);
gboolean   tw_secrets_clear_sync    (TwSecrets           *self,
                                     const char          *profile,
                                     const char          *service,
                                     const char          *name,
                                     GCancellable        *cancellable,
                                     GError             **error);
/* Removes every secret of @profile. */
gboolean   tw_secrets_clear_profile_sync (TwSecrets      *self,
                                          const char     *profile,
                                          GCancellable   *cancellable,
                                          GError        **error);

/* When the secret was last stored, in seconds since the epoch (the keyring item's
 * modification time, tw-secrets-age.c); 0 when unknown (memory) or not stored. Blocking. */
gint64     tw_secrets_get_stored_time_sync (TwSecrets    *self,
                                            const char   *profile,
                                            const char   *service,
                                            const char   *name,
                                            GCancellable *cancellable,
                                            GError      **error);

/* "••••abcd" masking for anything shown or logged: at most the last 4 characters; shorter
 * than 8 characters: fully masked ("••••••••"); NULL or "": "". (transfer full) */
char      *tw_secrets_mask          (const char          *value);

G_END_DECLS
