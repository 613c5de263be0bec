/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-secrets.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <libsecret/secret.h>

#include "tw-crypto.h"
#include "tw-error.h"
#include "tw-util.h"

/* Two backends behind one API: the Secret Service through libsecret (the keyring;
 * inside Flatpak libsecret uses the secret portal by itself), and a table in process
 * memory for demo mode and tests. The memory table is locked: the .env import and the
 * command line call the sync variants from worker threads. */
struct _TwSecrets
{
  GObject     parent_instance;

  gboolean    memory;
  GMutex      lock;
  GHashTable *table;   /* "profile\037service\037name" → value (memory backend only) */
};

G_DEFINE_FINAL_TYPE (TwSecrets, tw_secrets, G_TYPE_OBJECT)

static const SecretSchema tw_secret_schema = {
  TW_SECRET_SCHEMA_NAME,
  SECRET_SCHEMA_NONE,
  {
    { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "service", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "name",    SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

static void
wipe_string (char *str)
{
  tw_str_wipe_free (str);
}

static char *
memory_key (const char *profile,
            const char *service,
            const char *name)
{
  return g_strconcat (profile, "\037", service, "\037", name, NULL);
}

/* Turns what libsecret or D-Bus said into a TW_ERROR a person can act on. The
 * underlying message names the D-Bus failure; it never contains the secret.
 * @what: translated, e.g. "Storing the secret in the keyring". */
static void
propagate_keyring_error (GError     **error,
                         GError      *keyring_error,
                         const char  *what)
{
  if (g_error_matches (keyring_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   _("%s was cancelled."), what);
    }
  else
    {
      g_set_error (error, TW_ERROR, TW_ERROR_SECRET,
                   _("%s failed: the keyring is locked or unavailable (%s). "
                     "Unlock the login keyring (or start gnome-keyring) and try again."),
                   what, keyring_error->message);
    }
  g_error_free (keyring_error);
}

static char *
make_label (const char *profile,
            const char *service,
            const char *name)
{
  return g_strdup_printf ("Trade Warden: %s / %s / %s", profile, service, name);
}

static void
tw_secrets_finalize (GObject *object)
{
  TwSecrets *self = (TwSecrets *)object;

  g_clear_pointer (&self->table, g_hash_table_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (tw_secrets_parent_class)->finalize (object);
}

static void
tw_secrets_class_init (TwSecretsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tw_secrets_finalize;
}

static void
tw_secrets_init (TwSecrets *self)
{
  g_mutex_init (&self->lock);
}

/**
 * tw_secrets_new_keyring:
 *
 * Returns: (transfer full): secrets kept by the Secret Service (gnome-keyring, or
 *   the secret portal inside Flatpak), in its default collection.
 */
TwSecrets *
tw_secrets_new_keyring (void)
{
  /* libsecret starts libgcrypt when it opens its session, in whichever thread first
   * asks (a pool thread, for an asynchronous lookup), and libgcrypt's start is not
   * thread-safe: a checksum begun on another thread meanwhile failed with "Not
   * operational". Started here first, in the thread that makes the keyring, before
   * any lookup can run. */
  tw_crypto_init ();
  return g_object_new (TW_TYPE_SECRETS, NULL);
}

/**
 * tw_secrets_new_memory:
 *
 * Returns: (transfer full): secrets kept in process memory only (demo mode, tests).
 */
TwSecrets *
tw_secrets_new_memory (void)
{
  TwSecrets *self = g_object_new (TW_TYPE_SECRETS, NULL);

  self->memory = TRUE;
  self->table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify)wipe_string);
  return self;
}

gboolean
tw_secrets_is_memory (TwSecrets *self)
{
  g_return_val_if_fail (TW_IS_SECRETS (self), FALSE);

  return self->memory;
}

/* Memory backend */

static void
memory_store (TwSecrets  *self,
              const char *profile,
              const char *service,
              const char *name,
              const char *value)
{
  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->table, memory_key (profile, service, name), g_strdup (value));
  g_mutex_unlock (&self->lock);
}

static char *
memory_lookup (TwSecrets  *self,
               const char *profile,
               const char *service,
               const char *name)
{
  g_autofree char *key = memory_key (profile, service, name);
  char *value;

  g_mutex_lock (&self->lock);
  value = g_strdup (g_hash_table_lookup (self->table, key));
  g_mutex_unlock (&self->lock);
  return value;
}

static void
memory_clear (TwSecrets  *self,
              const char *profile,
              const char *service,
              const char *name)
{
  g_autofree char *key = memory_key (profile, service, name);

  g_mutex_lock (&self->lock);
  g_hash_table_remove (self->table, key);
  g_mutex_unlock (&self->lock);
}

static void
memory_clear_profile (TwSecrets  *self,
                      const char *profile)
{
  g_autofree char *prefix = g_strconcat (profile, "\037", NULL);
  GHashTableIter iter;
  const char *key;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->table);
  while (g_hash_table_iter_next (&iter, (gpointer *)&key, NULL))
    {
      if (g_str_has_prefix (key, prefix))
        g_hash_table_iter_remove (&iter);
    }
  g_mutex_unlock (&self->lock);
}

/* Async */

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *keyring_error = NULL;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &keyring_error))
    {
      propagate_keyring_error (&error, keyring_error, _("Storing the secret in the keyring"));
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * tw_secrets_store_async:
 * @self: a #TwSecrets
 * @profile: the profile's name
 * @service: the service id
 * @name: the secret's name (as the connector declares it)
 * @value: the secret
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when stored
 * @user_data: data for @callback
 *
 * Stores @value, replacing any secret with the same attributes.
 */
void
tw_secrets_store_async (TwSecrets           *self,
                        const char          *profile,
                        const char          *service,
                        const char          *name,
                        const char          *value,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (TW_IS_SECRETS (self));
  g_return_if_fail (profile != NULL && service != NULL && name != NULL);
  g_return_if_fail (value != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_secrets_store_async);

  if (self->memory)
    {
      memory_store (self, profile, service, name, value);
      g_task_return_boolean (task, TRUE);
      return;
    }

  label = make_label (profile, service, name);
  secret_password_store (&tw_secret_schema, SECRET_COLLECTION_DEFAULT, label, value,
                         cancellable, store_cb, g_steal_pointer (&task),
                         "profile", profile,
                         "service", service,
                         "name", name,
                         NULL);
}

gboolean
tw_secrets_store_finish (TwSecrets     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (TW_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *keyring_error = NULL;
  GError *error = NULL;
  char *password;

  password = secret_password_lookup_finish (result, &keyring_error);
  if (keyring_error != NULL)
    {
      propagate_keyring_error (&error, keyring_error, _("Reading the secret from the keyring"));
      g_task_return_error (task, error);
      return;
    }

  /* Hand out a g_free()-able copy; libsecret's own buffer is wiped by secret_password_free. */
  g_task_return_pointer (task, g_strdup (password), (GDestroyNotify)wipe_string);
  secret_password_free (password);
}

/**
 * tw_secrets_lookup_async:
 * @self: a #TwSecrets
 * @profile: the profile's name
 * @service: the service id
 * @name: the secret's name
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Looks a secret up; see tw_secrets_lookup_finish().
 */
void
tw_secrets_lookup_async (TwSecrets           *self,
                         const char          *profile,
                         const char          *service,
                         const char          *name,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TW_IS_SECRETS (self));
  g_return_if_fail (profile != NULL && service != NULL && name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_secrets_lookup_async);

  if (self->memory)
    {
      g_task_return_pointer (task, memory_lookup (self, profile, service, name),
                             (GDestroyNotify)wipe_string);
      return;
    }

  secret_password_lookup (&tw_secret_schema, cancellable, lookup_cb, g_steal_pointer (&task),
                          "profile", profile,
                          "service", service,
                          "name", name,
                          NULL);
}

/**
 * tw_secrets_lookup_finish:
 * @self: a #TwSecrets
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the secret, or %NULL without an error when
 *   none is stored. Free it with g_free().
 */
char *
tw_secrets_lookup_finish (TwSecrets     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (TW_IS_SECRETS (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Sync */

gboolean
tw_secrets_store_sync (TwSecrets     *self,
                       const char    *profile,
                       const char    *service,
                       const char    *name,
                       const char    *value,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autofree char *label = NULL;
  GError *keyring_error = NULL;

  g_return_val_if_fail (TW_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (profile != NULL && service != NULL && name != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (self->memory)
    {
      memory_store (self, profile, service, name, value);
      return TRUE;
    }

  label = make_label (profile, service, name);
  if (!secret_password_store_sync (&tw_secret_schema, SECRET_COLLECTION_DEFAULT, label, value,
                                   cancellable, &keyring_error,
                                   "profile", profile,
                                   "service", service,
                                   "name", name,
                                   NULL))
    {
      propagate_keyring_error (error, keyring_error, _("Storing the secret in the keyring"));
      return FALSE;
    }
  return TRUE;
}

/**
 * tw_secrets_lookup_sync:
 *
 * Returns: (transfer full) (nullable): the secret, or %NULL without an error when
 *   none is stored.
 */
char *
tw_secrets_lookup_sync (TwSecrets     *self,
                        const char    *profile,
                        const char    *service,
                        const char    *name,
                        GCancellable  *cancellable,
                        GError       **error)
{
  GError *keyring_error = NULL;
  char *password;
  char *copy;

  g_return_val_if_fail (TW_IS_SECRETS (self), NULL);
  g_return_val_if_fail (profile != NULL && service != NULL && name != NULL, NULL);

  if (self->memory)
    return memory_lookup (self, profile, service, name);

  password = secret_password_lookup_sync (&tw_secret_schema, cancellable, &keyring_error,
                                          "profile", profile,
                                          "service", service,
                                          "name", name,
                                          NULL);
  if (keyring_error != NULL)
    {
      propagate_keyring_error (error, keyring_error, _("Reading the secret from the keyring"));
      return NULL;
    }

  copy = g_strdup (password);
  secret_password_free (password);
  return copy;
}

/* Removing something that is not stored is not an error. */
gboolean
tw_secrets_clear_sync (TwSecrets     *self,
                       const char    *profile,
                       const char    *service,
                       const char    *name,
                       GCancellable  *cancellable,
                       GError       **error)
{
  GError *keyring_error = NULL;

  g_return_val_if_fail (TW_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (profile != NULL && service != NULL && name != NULL, FALSE);

  if (self->memory)
    {
      memory_clear (self, profile, service, name);
      return TRUE;
    }

  secret_password_clear_sync (&tw_secret_schema, cancellable, &keyring_error,
                              "profile", profile,
                              "service", service,
                              "name", name,
                              NULL);
  if (keyring_error != NULL)
    {
      propagate_keyring_error (error, keyring_error, _("Removing the secret from the keyring"));
      return FALSE;
    }
  return TRUE;
}

gboolean
tw_secrets_clear_profile_sync (TwSecrets     *self,
                               const char    *profile,
                               GCancellable  *cancellable,
                               GError       **error)
{
  GError *keyring_error = NULL;

  g_return_val_if_fail (TW_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);

  if (self->memory)
    {
      memory_clear_profile (self, profile);
      return TRUE;
    }

  /* The schema has SECRET_SCHEMA_NONE: a partial match removes every unlocked item of
   * the profile (and only ours: libsecret also matches xdg:schema). */
  secret_password_clear_sync (&tw_secret_schema, cancellable, &keyring_error,
                              "profile", profile,
                              NULL);
  if (keyring_error != NULL)
    {
      propagate_keyring_error (error, keyring_error,
                               _("Removing the profile's secrets from the keyring"));
      return FALSE;
    }
  return TRUE;
}

/**
 * tw_secrets_mask:
 * @value: (nullable): a secret
 *
 * Masks a secret for display or logs: "••••abcd" keeps at most the last four
 * characters; a value shorter than eight characters is masked entirely (as eight
 * dots, so its length does not show either). %NULL or "" gives "".
 *
 * Returns: (transfer full): the masked text
 */
char *
tw_secrets_mask (const char *value)
{
  static const char dot[] = "\xe2\x80\xa2"; /* • */
  GString *masked;
  glong len;

  if (value == NULL || *value == '\0')
    return g_strdup ("");

  masked = g_string_new (NULL);
  len = g_utf8_validate (value, -1, NULL) ? g_utf8_strlen (value, -1) : 0;

  if (len < 8)
    {
      for (guint i = 0; i < 8; i++)
        g_string_append (masked, dot);
    }
  else
    {
      for (guint i = 0; i < 4; i++)
        g_string_append (masked, dot);
      g_string_append (masked, g_utf8_offset_to_pointer (value, len - 4));
    }

  return g_string_free (masked, FALSE);
}
