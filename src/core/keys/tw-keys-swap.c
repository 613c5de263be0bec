/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tw-client.h"
#include "tw-error.h"
#include "tw-http.h"
#include "tw-key-env.h"
#include "tw-keys-private.h"

#include <glib/gstdio.h>

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

/* Sends the connector's proof with @candidate's secrets. TRUE with @status when an HTTP
 * answer came (whatever its status); FALSE with @error when none did. */
static gboolean
send_proof (TwKeyJob    *job,
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
  /* Once: a proof is never retried (the gate's call must not be sent twice). */
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
  if (node != NULL && *status == 0)
    *status = 200;
  if (*status != 0)
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* TRUE: accepted; FALSE with @status 401/403: refused; FALSE with @error otherwise.
 * A read proof: 2xx is acceptance. A gate proof ("proof": "gate"): anything below 500
 * but 401/403 is (the gated call cannot act: a close of a symbol nobody holds). */
static gboolean
prove_all (TwKeyJob    *job,
           TwSecrets   *candidate,
           guint       *status,
           GError     **error)
{
  if (!send_proof (job, candidate, status, error))
    return FALSE;
  if (*status == 401 || *status == 403)
    return FALSE;
  if ((*status >= 200 && *status < 300) || (job->spec->prove_gate && *status < 500))
    return TRUE;
  g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
               _("The proof got HTTP %u, which neither accepts nor refuses the key"), *status);
  return FALSE;
}

/* A gate proof's other two halves, the runbook's "should fail without the key" and the
 * old key refused: the call sent without the secret, then with the value stored now.
 * Both must be refused (401/403). */
static gboolean
prove_gate_refusals (TwKeyJob   *job,
                     TwSecrets  *candidate,
                     GString    *log,
                     GError    **error)
{
  g_autoptr(TwSecrets) without = tw_secrets_new_memory ();
  g_autofree char *old = NULL;
  GPtrArray *specs = tw_connector_get_secrets (job->connector);
  GError *local_error = NULL;
  guint status = 0;

  /* Without: every other secret, not this one. */
  for (guint i = 0; i < specs->len; i++)
    {
      const TwSecretSpec *spec = g_ptr_array_index (specs, i);
      g_autofree char *value = NULL;

      if (g_str_equal (spec->name, job->spec->name))
        continue;
      value = tw_secrets_lookup_sync (candidate, job->keys->profile, job->service_id, spec->name, NULL, NULL);
      if (value != NULL)
        tw_secrets_store_sync (without, job->keys->profile, job->service_id, spec->name, value, NULL, NULL);
      if (value != NULL)
        memset (value, 0, strlen (value));
    }
  if (!send_proof (job, without, &status, &local_error))
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  g_string_append_printf (log, "HTTP %u without the key", status);
  if (status != 401 && status != 403)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_CONFLICT,
                   _("The service does not refuse the live call without the key (HTTP %u where the "
                     "runbook says 403): its gate is open. Nothing was stored"), status);
      return FALSE;
    }

  /* The old value, when one is stored and differs. */
  old = tw_secrets_lookup_sync (job->secrets, job->keys->profile, job->service_id, job->spec->name, NULL, NULL);
  if (old != NULL && *old != '\0'
      && g_strcmp0 (old, g_hash_table_lookup (job->values, job->spec->name)) != 0)
    {
      g_autoptr(TwSecrets) with_old = tw_secrets_new_memory ();
      GPtrArray *all = tw_connector_get_secrets (job->connector);

      for (guint i = 0; i < all->len; i++)
        {
          const TwSecretSpec *spec = g_ptr_array_index (all, i);
          g_autofree char *value = g_str_equal (spec->name, job->spec->name)
                                   ? g_strdup (old)
                                   : tw_secrets_lookup_sync (candidate, job->keys->profile, job->service_id,
                                                             spec->name, NULL, NULL);

          if (value != NULL)
            tw_secrets_store_sync (with_old, job->keys->profile, job->service_id, spec->name, value, NULL, NULL);
          if (value != NULL)
            memset (value, 0, strlen (value));
        }
      memset (old, 0, strlen (old));
      if (!send_proof (job, with_old, &status, &local_error))
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      g_string_append_printf (log, ", HTTP %u with the old key", status);
      if (status != 401 && status != 403)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_CONFLICT,
                       _("The old key is STILL ACCEPTED by the service (HTTP %u): it was not replaced "
                         "on the server. Nothing was stored"), status);
          return FALSE;
        }
    }
  return TRUE;
}

/* The managed server side of a swap: the variable set to the new value in the service's
 * .env (a 0600 backup beside it), then the restart command. */
typedef struct
{
  char *variable;
  char *before;     /* the old value, wiped when freed */
  char *backup;
  gboolean changed;
} ManagedEdit;

static void
managed_edit_clear (ManagedEdit *edit)
{
  g_free (edit->variable);
  if (edit->before != NULL)
    memset (edit->before, 0, strlen (edit->before));
  g_free (edit->before);
  g_free (edit->backup);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ManagedEdit, managed_edit_clear)

static void managed_put_back (TwKeyJob     *job,
                              ManagedEdit  *edit,
                              GError      **error);

static gboolean
managed_replace (TwKeyJob     *job,
                 ManagedEdit  *edit,
                 GError      **error)
{
  const char *value = g_hash_table_lookup (job->values, job->spec->name);
  GError *local_error = NULL;

  if (job->server.env_file == NULL || job->spec->env_variables == NULL || job->spec->env_variables->len == 0)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("The service is managed but no .env file or variable is known for this key"));
      return FALSE;
    }
  if (!_tw_keys_can_restart (job, error))
    return FALSE;
  edit->variable = g_strdup (((TwEnvVariable *) g_ptr_array_index (job->spec->env_variables, 0))->name);
  edit->before = tw_key_env_get (job->server.env_file, edit->variable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (!tw_key_env_set (job->server.env_file, edit->variable, value, &edit->backup, error))
    return FALSE;
  edit->changed = TRUE;
  if (!_tw_keys_run_restart (job, &local_error))
    {
      managed_put_back (job, edit, &local_error);
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/* The proof failed: the .env file as it was, the service restarted on it; @error
 * (in, out) says so. */
static void
managed_put_back (TwKeyJob     *job,
                  ManagedEdit  *edit,
                  GError      **error)
{
  g_autofree char *undo_backup = NULL;
  g_autoptr(GError) undo_error = NULL;

  if (!edit->changed)
    return;
  if (!tw_key_env_set (job->server.env_file, edit->variable, edit->before != NULL ? edit->before : "",
                       &undo_backup, &undo_error)
      || !_tw_keys_run_restart (job, &undo_error))
    {
      g_prefix_error (error, _("The .env file or the service could not be put back (%s; its copy is %s): "),
                      undo_error->message, edit->backup);
      return;
    }
  g_unlink (undo_backup);
  g_unlink (edit->backup);
  edit->changed = FALSE;
  if (*error != NULL)
    {
      GError *said = g_error_new ((*error)->domain, (*error)->code,
                                  _("%s. The .env file was put back as it was and the service restarted"),
                                  (*error)->message);

      g_clear_error (error);
      *error = said;
    }
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
  g_auto(ManagedEdit) server = { 0 };
  gboolean managed;
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

  managed = job->spec->prove_gate && job->server.mode == TW_KEY_SERVER_MANAGED;
  reason = g_strdup_printf ("%s (swap with no overlap: %s%s)", job->reason != NULL ? job->reason : "",
                            tails->str, managed ? "; managed: the .env edited, the restart command run" : "");
  id = tw_audit_log_request (keys->audit_log, keys->profile, keys->mode, "keys.rotate",
                             job->service_id, reason, NULL);
  /* Managed (the runbook's sed on LIVE_TRADING_KEY, then the restart): the console
   * writes the new key to the service's .env and restarts it before the proof. */
  if (managed && !managed_replace (job, &server, &local_error))
    {
      tw_audit_log_complete (keys->audit_log, id, TW_AUDIT_OUTCOME_FAILED, 0, local_error->message, NULL);
      g_propagate_error (error, local_error);
      return TW_KEY_STEP_NONE;
    }
  if (!prove_all (job, candidate, &status, &local_error))
    {
      if (local_error == NULL && job->spec->prove_gate)
        local_error = g_error_new (TW_ERROR, TW_ERROR_AUTH,
                                   _("The service refuses the new key (HTTP %u): the server does not "
                                     "have it yet — check its .env file and restart. Nothing was stored"),
                                   status);
      if (local_error == NULL)
        local_error = g_error_new (TW_ERROR, TW_ERROR_AUTH,
                                   _("The service refuses the new keys (HTTP %u): check what you "
                                     "pasted. Nothing was stored"), status);
      if (managed)
        managed_put_back (job, &server, &local_error);
      tw_audit_log_complete (keys->audit_log, id, TW_AUDIT_OUTCOME_FAILED, status,
                             local_error->message, NULL);
      g_propagate_error (error, local_error);
      return TW_KEY_STEP_NONE;
    }

  if (job->spec->prove_gate)
    {
      g_autoptr(GString) log = g_string_new (NULL);

      g_string_append_printf (log, "HTTP %u with the new key, ", status);
      if (!prove_gate_refusals (job, candidate, log, &local_error))
        {
          g_autofree char *message = NULL;

          if (managed)
            managed_put_back (job, &server, &local_error);
          message = g_strdup_printf ("%s (%s)", local_error->message, log->str);

          tw_audit_log_complete (keys->audit_log, id, TW_AUDIT_OUTCOME_FAILED, status, message, NULL);
          g_propagate_error (error, local_error);
          return TW_KEY_STEP_NONE;
        }
      g_free (job->output);
      job->output = g_string_free (g_steal_pointer (&log), FALSE);
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
  if (server.backup != NULL)
    g_unlink (server.backup);
  if (job->spec->prove_gate)
    {
      g_autofree char *message = g_strdup_printf ("the new key is proven by the gate (%s) and in use",
                                                  job->output);

      tw_audit_log_complete (keys->audit_log, id, TW_AUDIT_OUTCOME_OK, status, message, NULL);
    }
  else
    tw_audit_log_complete (keys->audit_log, id, TW_AUDIT_OUTCOME_OK, status,
                           "the new keys are proven and in use", NULL);
  return TW_KEY_STEP_DONE;
}

char *
tw_keys_describe_proof (TwKeys     *self,
                        const char *service_id,
                        const char *secret)
{
  TwService *service;
  TwClient *client;
  TwConnector *connector;
  const TwSecretSpec *spec;
  const TwOperation *op;
  g_autofree char *url = NULL;
  g_autofree char *base = NULL;

  g_return_val_if_fail (TW_IS_KEYS (self), NULL);

  service = tw_profile_lookup_service (tw_workspace_get_profile (self->workspace), service_id);
  client = tw_workspace_get_client (self->workspace, service_id);
  if (service == NULL || client == NULL)
    return NULL;
  connector = tw_client_get_connector (client);
  spec = tw_connector_get_secret (connector, secret);
  if (spec == NULL || spec->prove_operation == NULL
      || (op = tw_connector_get_operation (connector, spec->prove_operation)) == NULL)
    return NULL;
  base = g_strdup (tw_service_get_base_url (service));
  while (*base != '\0' && base[strlen (base) - 1] == '/')
    base[strlen (base) - 1] = '\0';
  url = g_strconcat (base, tw_operation_get_path_template (op), NULL);
  if (!spec->prove_gate)
    return g_strdup_printf (_("%s %s, once, with the new key: it must be accepted (2xx)."),
                            tw_operation_get_method (op), url);
  return g_strdup_printf (_("%s %s, sent once each (never retried):\n"
                            "• with the new key: it must not be refused (no position can be closed: "
                            "nobody holds that symbol);\n"
                            "• without the %s: it must be refused (403), as the runbook says;\n"
                            "• with the old key: it must be refused (403).\n"
                            "Nothing is stored unless all three answer so."),
                          tw_operation_get_method (op), url,
                          g_dgettext (GETTEXT_PACKAGE, spec->label));
}

char *
tw_keys_generate_key (TwKeys      *self,
                      const char  *service_id,
                      const char  *secret,
                      GError     **error)
{
  TwClient *client;
  const TwSecretSpec *spec;

  g_return_val_if_fail (TW_IS_KEYS (self), NULL);

  client = tw_workspace_get_client (self->workspace, service_id);
  spec = client != NULL ? tw_connector_get_secret (tw_client_get_connector (client), secret) : NULL;
  if (spec == NULL || spec->rotate_bytes == 0)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_UNSUPPORTED,
                   _("The connector does not say how to make this key: paste the one the vendor issued"));
      return NULL;
    }
  return _tw_keys_generate (spec->rotate_bytes, spec->rotate_encoding, error);
}
