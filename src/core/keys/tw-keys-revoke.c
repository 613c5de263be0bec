/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tw-error.h"
#include "tw-keys-private.h"

/* Emergency revocation of a compromised key, in a worker thread (the session has halted
 * trading on every service of the profile before): the key removed on the server
 * (managed: from the list variable, then the restart; guided: the operator's word),
 * proven refused, then deleted from the keyring with whatever rotation it was in. The
 * runbook's follow-up goes to job->output. Audited as keys.revoke. */

static void
audit (TwKeyJob       *job,
       gint64          id,
       TwAuditOutcome  outcome,
       guint           status,
       const char     *message)
{
  if (id != 0)
    tw_audit_log_complete (job->keys->audit_log, id, outcome, status, message, NULL);
}

static char *
followup (TwKeyJob   *job,
          const char *key)
{
  gsize n = strlen (key);
  const char *tail = n >= 8 ? key + n - 4 : "";
  GString *out = g_string_new (NULL);

  for (guint i = 0; job->spec->revoke_followup != NULL && job->spec->revoke_followup[i] != NULL; i++)
    {
      const char *line = job->spec->revoke_followup[i];
      const char *at;

      if (out->len > 0)
        g_string_append_c (out, '\n');
      while ((at = strstr (line, "${tail}")) != NULL)
        {
          g_string_append_len (out, line, at - line);
          g_string_append (out, tail);
          line = at + 7;
        }
      g_string_append (out, line);
    }
  return g_string_free (out, out->len == 0);
}

TwKeyStep
_tw_keys_run_revoke (TwKeyJob  *job,
                     GError   **error)
{
  g_autofree char *current = NULL;
  g_autofree char *masked = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *target = g_strdup_printf ("%s/%s", job->service_id, job->secret);
  g_autofree char *pending_name = _tw_keys_secret_name (job->secret, "pending");
  g_autofree char *previous_name = _tw_keys_secret_name (job->secret, "previous");
  GError *local_error = NULL;
  TwKeys *keys = job->keys;
  guint status = 0;
  gint64 id;

  current = tw_secrets_lookup_sync (job->secrets, keys->profile, job->service_id, job->secret,
                                    NULL, &local_error);
  if (current == NULL)
    {
      if (local_error == NULL)
        local_error = g_error_new (TW_ERROR, TW_ERROR_SECRET,
                                   _("No %s is stored for this service: nothing to revoke"),
                                   job->spec->label);
      g_propagate_error (error, local_error);
      return TW_KEY_STEP_NONE;
    }
  masked = tw_secrets_mask (current);
  reason = g_strdup_printf ("%s (revoke key %s)", job->reason != NULL ? job->reason : "", masked);
  id = tw_audit_log_request (keys->audit_log, keys->profile, keys->mode, "keys.revoke", target,
                             reason, NULL);

  if (job->server.mode == TW_KEY_SERVER_MANAGED)
    {
      if (!_tw_keys_managed_edit (job, NULL, current, &local_error))
        {
          audit (job, id, TW_AUDIT_OUTCOME_FAILED, 0, local_error->message);
          g_propagate_error (error, local_error);
          return TW_KEY_STEP_NONE;
        }
    }
  else if (!job->server_done)
    {
      const TwEnvVariable *var = _tw_keys_list_variable (job->spec);
      g_autofree char *restart = _tw_keys_join_restart (job->server.argv);

      g_free (job->output);
      job->output = g_strdup_printf (_("Remove the key %s from %s in the service’s .env file, then "
                                       "restart the service%s%s"),
                                     masked, var != NULL ? var->name : job->spec->label,
                                     *restart != '\0' ? ": " : "", restart);
      audit (job, id, TW_AUDIT_OUTCOME_OK, 0, "trading halted; waiting for the key's removal on the server");
      return TW_KEY_STEP_NONE;
    }

  if (_tw_keys_prove (job, current, &status, &local_error))
    {
      const char *message = _("The revoked key is STILL ACCEPTED by the service: remove it on "
                               "the server. It stays in the keyring until it is refused");

      audit (job, id, TW_AUDIT_OUTCOME_FAILED, status, "revoked key still accepted");
      g_set_error_literal (error, TW_ERROR, TW_ERROR_CONFLICT, message);
      return TW_KEY_STEP_NONE;
    }
  if (local_error != NULL)
    {
      audit (job, id, TW_AUDIT_OUTCOME_FAILED, status, local_error->message);
      g_propagate_error (error, local_error);
      return TW_KEY_STEP_NONE;
    }

  if (!tw_secrets_clear_sync (job->secrets, keys->profile, job->service_id, job->secret, NULL,
                              &local_error))
    {
      audit (job, id, TW_AUDIT_OUTCOME_FAILED, status, local_error->message);
      g_propagate_error (error, local_error);
      return TW_KEY_STEP_NONE;
    }
  tw_secrets_clear_sync (job->secrets, keys->profile, job->service_id, pending_name, NULL, NULL);
  tw_secrets_clear_sync (job->secrets, keys->profile, job->service_id, previous_name, NULL, NULL);
  g_mutex_lock (&keys->lock);
  _tw_keys_remove_locked (keys, job->service_id, job->secret);
  _tw_keys_save_locked (keys, NULL);
  g_mutex_unlock (&keys->lock);

  g_free (job->output);
  job->output = followup (job, current);
  memset (current, 0, strlen (current));
  audit (job, id, TW_AUDIT_OUTCOME_OK, status, "the key is refused by the service and deleted");
  return TW_KEY_STEP_DONE;
}
