/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tw-client.h"
#include "tw-error.h"
#include "tw-http.h"
#include "tw-keys-private.h"

/* A swap where the server takes no overlap (Alpaca: regenerating invalidates the old
 * pair at once), in a worker: the service is halted by the session first; the pasted
 * values (with the service's other secrets from the keyring) are proven together with the
 * connector's read operation, on the service's own host; then they replace the stored
 * ones. Audited as keys.rotate. */

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Wait;

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *w = user_data;

  w->result = g_object_ref (result);
  w->done = TRUE;
}

/* TRUE: accepted; FALSE with @status 401/403: refused; FALSE with @error otherwise. */
static gboolean
prove_all (TwKeyJob    *job,
           TwSecrets   *candidate,
           guint       *status,
           GError     **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(TwHttp) http = NULL;
  g_autoptr(TwClient) client = NULL;
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) local_error = NULL;
  Wait w = { 0 };

  g_main_context_push_thread_default (context);
  http = tw_http_new ();
  client = tw_client_new (http, candidate, job->connector, job->keys->profile, job->service);
  tw_client_call_full_async (client, job->spec->prove_operation, NULL, 1, NULL, wait_cb, &w);
  while (!w.done)
    g_main_context_iteration (context, TRUE);
  node = tw_client_call_finish (client, w.result, &response, &local_error);
  g_clear_object (&w.result);
  g_clear_object (&client);
  g_clear_object (&http);
  while (g_main_context_pending (context))
    g_main_context_iteration (context, FALSE);
  g_main_context_pop_thread_default (context);

  *status = response != NULL ? tw_http_response_get_status (response) : 0;
  if (node != NULL)
    return TRUE;
  if (*status == 401 || *status == 403)
    return FALSE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

TwKeyStep
_tw_keys_run_swap (TwKeyJob  *job,
                   GError   **error)
{
  g_autoptr(TwSecrets) candidate = tw_secrets_new_memory ();
  g_autofree char *reason = NULL;
  g_autoptr(GString) tails = g_string_new (NULL);
  GPtrArray *specs = tw_connector_get_secrets (job->connector);
  TwKeys *keys = job->keys;
  GError *local_error = NULL;
  guint status = 0;
  gint64 id;

  if (job->spec->prove_operation == NULL ||
      !tw_connector_has_operation (job->connector, job->spec->prove_operation))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_UNSUPPORTED,
                   _("The connector names no operation that proves a key works"));
      return TW_KEY_STEP_NONE;
    }
  /* The pasted values, the others as stored. */
  for (guint i = 0; i < specs->len; i++)
    {
      const TwSecretSpec *spec = g_ptr_array_index (specs, i);
      const char *pasted = g_hash_table_lookup (job->values, spec->name);
      g_autofree char *value = NULL;

      if (pasted != NULL)
        {
          g_autofree char *masked = tw_secrets_mask (pasted);

          if (!tw_connector_check_secret (job->connector, spec->name, pasted, error))
            return TW_KEY_STEP_NONE;
          value = g_strdup (pasted);
          g_string_append_printf (tails, "%s%s %s", tails->len > 0 ? ", " : "", spec->name, masked);
        }
      else
        value = tw_secrets_lookup_sync (job->secrets, keys->profile, job->service_id, spec->name,
                                        NULL, NULL);
      if (value != NULL)
        tw_secrets_store_sync (candidate, keys->profile, job->service_id, spec->name, value, NULL, NULL);
      if (value != NULL)
        memset (value, 0, strlen (value));
    }

  reason = g_strdup_printf ("%s (swap with no overlap: %s)", job->reason != NULL ? job->reason : "",
                            tails->str);
  id = tw_audit_log_request (keys->audit_log, keys->profile, keys->mode, "keys.rotate",
                             job->service_id, reason, NULL);
  if (!prove_all (job, candidate, &status, &local_error))
    {
      if (local_error == NULL)
        local_error = g_error_new (TW_ERROR, TW_ERROR_AUTH,
                                   _("The service refuses the new keys (HTTP %u): check what you "
                                     "pasted. Nothing was stored"), status);
      tw_audit_log_complete (keys->audit_log, id, TW_AUDIT_OUTCOME_FAILED, status,
                             local_error->message, NULL);
      g_propagate_error (error, local_error);
      return TW_KEY_STEP_NONE;
    }

  {
    GHashTableIter iter;
    gpointer name, value;

    g_hash_table_iter_init (&iter, job->values);
    while (g_hash_table_iter_next (&iter, &name, &value))
      if (!tw_secrets_store_sync (job->secrets, keys->profile, job->service_id, name, value, NULL,
                                  &local_error))
        {
          tw_audit_log_complete (keys->audit_log, id, TW_AUDIT_OUTCOME_FAILED, status,
                                 local_error->message, NULL);
          g_propagate_error (error, local_error);
          return TW_KEY_STEP_NONE;
        }
  }
  job->promoted = TRUE;
  tw_audit_log_complete (keys->audit_log, id, TW_AUDIT_OUTCOME_OK, status,
                         "the new keys are proven and in use", NULL);
  return TW_KEY_STEP_DONE;
}
