/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsecret/secret.h>

#include "tw-error.h"
#include "tw-secrets.h"

/* When a key was stored: the keyring item's own "modified" time (set when the secret was
 * last written), so the age of a key needs no file of ours. The same schema as
 * tw-secrets.c. */
static const SecretSchema age_schema = {
  TW_SECRET_SCHEMA_NAME,
  SECRET_SCHEMA_NONE,
  {
    { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "service", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "name",    SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

gint64
tw_secrets_get_stored_time_sync (TwSecrets     *self,
                                 const char    *profile,
                                 const char    *service,
                                 const char    *name,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  GList *items;
  gint64 when = 0;

  g_return_val_if_fail (TW_IS_SECRETS (self), 0);

  if (tw_secrets_is_memory (self))
    return 0;
  items = secret_password_search_sync (&age_schema, SECRET_SEARCH_NONE, cancellable, &local_error,
                                       "profile", profile, "service", service, "name", name, NULL);
  if (local_error != NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_SECRET, "%s", local_error->message);
      return 0;
    }
  for (GList *l = items; l != NULL; l = l->next)
    when = MAX (when, (gint64) secret_retrievable_get_modified (l->data));
  g_list_free_full (items, g_object_unref);
  return when;
}
