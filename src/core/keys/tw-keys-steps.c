/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "tw-client.h"
#include "tw-error.h"
#include "tw-host-command.h"
#include "tw-http.h"
#include "tw-key-command.h"
#include "tw-key-env.h"
#include "tw-keys-private.h"

/* The steps of a rotation, each in a worker thread: keyring, .env file and audit log are
 * blocking, and the restart command and the proofs run on the thread's own main context
 * (with their own TwHttp) so the window's loop never waits on them.
 *
 * Every step may be run again after an interruption (the console quit half-way): the
 * state file says which step was last finished, and each step finds what it already did
 * (the key already in the list, the old key already kept as previous). */

#define AUDIT_ACTION "keys.rotate"

static char *
target_of (TwKeyJob *job)
{
  return g_strdup_printf ("%s/%s", job->service_id, job->secret);
}

static gint64
audit_request (TwKeyJob   *job,
               const char *reason)
{
  g_autofree char *target = target_of (job);
  g_autoptr(GError) error = NULL;
  gint64 id = tw_audit_log_request (job->keys->audit_log, job->keys->profile, job->keys->mode,
                                    job->action != NULL ? job->action : AUDIT_ACTION, target,
                                    reason, &error);

  if (id == 0)
    g_warning ("Could not audit the key rotation: %s", error->message);
  return id;
}

static void
audit_complete (TwKeyJob       *job,
                gint64          id,
                TwAuditOutcome  outcome,
                guint           status,
                const char     *message)
{
  g_autoptr(GError) error = NULL;

  if (id != 0 &&
      tw_audit_log_complete (job->keys->audit_log, id, outcome, status, message, &error) == 0)
    g_warning ("Could not audit the key rotation: %s", error->message);
}

static char *
lookup (TwKeyJob    *job,
        const char  *slot,
        GError     **error)
{
  g_autofree char *name = _tw_keys_secret_name (job->secret, slot);

  return tw_secrets_lookup_sync (job->secrets, job->keys->profile, job->service_id, name, NULL,
                                 error);
}

static gboolean
store (TwKeyJob    *job,
       const char  *slot,
       const char  *value,
       GError     **error)
{
  g_autofree char *name = _tw_keys_secret_name (job->secret, slot);

  return tw_secrets_store_sync (job->secrets, job->keys->profile, job->service_id, name, value,
                                NULL, error);
}

static gboolean
clear (TwKeyJob    *job,
       const char  *slot,
       GError     **error)
{
  g_autofree char *name = _tw_keys_secret_name (job->secret, slot);

  return tw_secrets_clear_sync (job->secrets, job->keys->profile, job->service_id, name, NULL,
                                error);
}

static void
wipe_free (char *value)
{
  if (value != NULL)
    {
      memset (value, 0, strlen (value));
      g_free (value);
    }
}
typedef char WipedString;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WipedString, wipe_free)

/* Sets the rotation's step (and problem) and writes the state file. */
static gboolean
save_step (TwKeyJob   *job,
           TwKeyStep   step,
           GError    **error)
{
  TwKeys *keys = job->keys;
  TwKeyRotation *r;
  gboolean ok;

  g_mutex_lock (&keys->lock);
  r = _tw_keys_lookup_locked (keys, job->service_id, job->secret);
  if (r != NULL)
    {
      r->step = step;
      g_clear_pointer (&r->problem, g_free);
      r->still_accepted = FALSE;
    }
  ok = _tw_keys_save_locked (keys, error);
  g_mutex_unlock (&keys->lock);
  return ok;
}

static void
save_problem (TwKeyJob   *job,
              const char *problem,
              gboolean    still_accepted)
{
  TwKeys *keys = job->keys;
  TwKeyRotation *r;

  g_mutex_lock (&keys->lock);
  r = _tw_keys_lookup_locked (keys, job->service_id, job->secret);
  if (r != NULL)
    {
      g_free (r->problem);
      r->problem = g_strdup (problem);
      r->still_accepted = still_accepted;
    }
  _tw_keys_save_locked (keys, NULL);
  g_mutex_unlock (&keys->lock);
}

static void
add_backup (TwKeyJob   *job,
            const char *path)
{
  TwKeys *keys = job->keys;
  TwKeyRotation *r;

  g_mutex_lock (&keys->lock);
  r = _tw_keys_lookup_locked (keys, job->service_id, job->secret);
  if (r != NULL)
    g_ptr_array_add (r->backups, g_strdup (path));
  _tw_keys_save_locked (keys, NULL);
  g_mutex_unlock (&keys->lock);
}

/* The backups hold keys the server no longer accepts once the rotation is over. */
static void
remove_backups (TwKeyJob *job)
{
  TwKeys *keys = job->keys;
  TwKeyRotation *r;

  g_mutex_lock (&keys->lock);
  r = _tw_keys_lookup_locked (keys, job->service_id, job->secret);
  for (guint i = 0; r != NULL && i < r->backups->len; i++)
    g_unlink (g_ptr_array_index (r->backups, i));
  if (r != NULL)
    g_ptr_array_set_size (r->backups, 0);
  g_mutex_unlock (&keys->lock);
}

/* Waits on the thread's own context for *@done. */
static void
iterate_until (GMainContext *context,
               gboolean     *done)
{
  while (!*done)
    g_main_context_iteration (context, TRUE);
}

typedef struct
{
  gboolean        done;
  GAsyncResult   *result;
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

/* The connector's proof, sent with @key alone. TRUE: accepted (2xx). FALSE with
 * @status 401/403: refused. FALSE with @error: no answer that tells. */
gboolean
_tw_keys_prove (TwKeyJob    *job,
       const char  *key,
       guint       *status,
       GError     **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwHttp) http = NULL;
  g_autoptr(TwClient) client = NULL;
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) local_error = NULL;
  Wait w = { 0 };

  *status = 0;
  if (job->spec->prove_operation == NULL ||
      !tw_connector_has_operation (job->connector, job->spec->prove_operation))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_UNSUPPORTED,
                   _("The connector names no operation that proves a key works"));
      return FALSE;
    }

  g_main_context_push_thread_default (context);
  http = tw_http_new ();
  tw_secrets_store_sync (secrets, job->keys->profile, job->service_id, job->secret, key, NULL, NULL);
  client = tw_client_new (http, secrets, job->connector, job->keys->profile, job->service);
  tw_client_call_full_async (client, job->spec->prove_operation, NULL, 1, NULL, wait_cb, &w);
  iterate_until (context, &w.done);
  node = tw_client_call_finish (client, w.result, &response, &local_error);
  g_clear_object (&w.result);
  g_clear_object (&client);
  g_clear_object (&http);
  /* let libsoup finish with the connection on this context */
  while (g_main_context_pending (context))
    g_main_context_iteration (context, FALSE);
  g_main_context_pop_thread_default (context);

  if (node != NULL)
    {
      *status = response != NULL ? tw_http_response_get_status (response) : 200;
      return TRUE;
    }
  if (response != NULL)
    *status = tw_http_response_get_status (response);
  if (*status == 401 || *status == 403)
    return FALSE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* The restart command as it is run: inside the Flatpak sandbox, on the host through
 * flatpak-spawn --host when the profile allows it; otherwise refused, saying what to
 * change, before the .env file is touched. Without a command (NULL, no error),
 * tw_key_command_run_async() says none is set. */
static char **
restart_argv (TwKeyJob  *job,
              GError   **error)
{
  if (job->server.argv == NULL || job->server.argv[0] == NULL || *job->server.argv[0] == '\0')
    return NULL;
  return tw_host_command_argv ((const char * const *) job->server.argv,
                               tw_service_get_host_commands (job->service),
                               tw_host_command_get_flatpak_info (), error);
}

static gboolean
run_restart (TwKeyJob    *job,
             char       **argv,
             GError     **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autofree char *output = NULL;
  Wait w = { 0 };
  gboolean ok;

  g_main_context_push_thread_default (context);
  tw_key_command_run_async ((const char * const *) argv, job->server.timeout_s, NULL,
                            wait_cb, &w);
  iterate_until (context, &w.done);
  ok = tw_key_command_run_finish (w.result, &output, error);
  g_clear_object (&w.result);
  while (g_main_context_pending (context))
    g_main_context_iteration (context, FALSE);
  g_main_context_pop_thread_default (context);

  g_free (job->output);
  job->output = g_steal_pointer (&output);
  return ok;
}

/* The restart command may run: inside a Flatpak without the profile's permission it
 * may not, and @error says what to change. Checked before a .env file is touched. */
gboolean
_tw_keys_can_restart (TwKeyJob  *job,
                      GError   **error)
{
  g_autoptr(GError) refused = NULL;
  g_auto(GStrv) argv = restart_argv (job, &refused);

  if (refused != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&refused));
      return FALSE;
    }
  return TRUE;
}

gboolean
_tw_keys_run_restart (TwKeyJob  *job,
                      GError   **error)
{
  g_autoptr(GError) refused = NULL;
  g_auto(GStrv) argv = restart_argv (job, &refused);

  if (refused != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&refused));
      return FALSE;
    }
  return run_restart (job, argv, error);
}

/* The list variable's items after adding @add and removing @remove (either nullable),
 * joined with its separator; the other items as they were. */
static char *
edit_list (const char          *value,
           const TwEnvVariable *var,
           const char          *add,
           const char          *remove,
           gboolean            *changed)
{
  g_auto(GStrv) items = g_strsplit (value != NULL ? value : "", var->separator, -1);
  GString *out = g_string_new (NULL);
  gboolean has_add = FALSE, first = TRUE;

  *changed = FALSE;
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (items[i]));

      if (*stripped == '\0' && items[1] == NULL)
        continue;
      if (remove != NULL && g_str_equal (stripped, remove))
        {
          *changed = TRUE;
          continue;
        }
      if (add != NULL && g_str_equal (stripped, add))
        has_add = TRUE;
      if (!first)
        g_string_append (out, var->separator);
      g_string_append (out, items[i]);
      first = FALSE;
    }
  if (add != NULL && !has_add)
    {
      if (!first)
        g_string_append (out, var->separator);
      g_string_append (out, add);
      *changed = TRUE;
    }
  return g_string_free (out, FALSE);
}

/* Managed server side: the .env edit, then the restart. On failure the file is put back
 * as it was (the old key was in both: the console's key works either way). */
gboolean
_tw_keys_managed_edit (TwKeyJob    *job,
              const char  *add,
              const char  *remove,
              GError     **error)
{
  const TwEnvVariable *var = _tw_keys_list_variable (job->spec);
  g_autoptr(WipedString) before = NULL;
  g_autoptr(WipedString) after = NULL;
  g_autofree char *backup = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) refused = NULL;
  g_auto(GStrv) argv = NULL;
  gboolean changed;

  if (job->server.env_file == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("The service is managed but no .env file is set for it"));
      return FALSE;
    }
  argv = restart_argv (job, &refused);
  if (refused != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&refused));
      return FALSE;
    }
  before = tw_key_env_get (job->server.env_file, var->name, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  after = edit_list (before, var, add, remove, &changed);
  if (changed)
    {
      if (!tw_key_env_set (job->server.env_file, var->name, after, &backup, error))
        return FALSE;
      add_backup (job, backup);
    }

  if (!run_restart (job, argv, &local_error))
    {
      g_autoptr(GError) undo_error = NULL;
      g_autofree char *undo_backup = NULL;

      if (changed &&
          !tw_key_env_set (job->server.env_file, var->name, before != NULL ? before : "",
                           &undo_backup, &undo_error))
        g_prefix_error (&local_error, _("%s; the .env file could not be put back either (%s): "),
                        undo_error->message, backup);
      else if (changed)
        {
          GError *said = g_error_new (local_error->domain, local_error->code,
                                      _("%s. The .env file was put back as it was; the service "
                                        "still accepts the old key"), local_error->message);

          g_unlink (undo_backup);
          g_clear_error (&local_error);
          local_error = said;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* Step 1 */

char *
_tw_keys_generate (guint       bytes,
                   const char *encoding,
                   GError    **error)
{
  g_autofree guchar *buf = g_malloc (bytes);
  g_autoptr(GFile) file = g_file_new_for_path ("/dev/urandom");
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, error);
  gsize got = 0;
  char *out;

  if (in == NULL || !g_input_stream_read_all (G_INPUT_STREAM (in), buf, bytes, &got, NULL, error))
    return NULL;
  if (got != bytes)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("/dev/urandom gave too few bytes"));
      return NULL;
    }
  if (g_str_equal (encoding, "base64url"))
    {
      out = g_base64_encode (buf, bytes);
      g_strdelimit (out, "+", '-');
      g_strdelimit (out, "/", '_');
      for (char *p = strchr (out, '='); p != NULL; p = NULL)
        *p = '\0';
    }
  else
    {
      GString *s = g_string_sized_new (bytes * 2 + 1);

      for (guint i = 0; i < bytes; i++)
        g_string_append_printf (s, "%02x", buf[i]);
      out = g_string_free (s, FALSE);
    }
  memset (buf, 0, bytes);
  return out;
}

TwKeyStep
_tw_keys_run_prepare (TwKeyJob  *job,
                      GError   **error)
{
  g_autoptr(WipedString) current = NULL;
  g_autoptr(WipedString) fresh = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *new_tail = NULL;
  g_autofree char *old_tail = NULL;
  g_autoptr(GError) local_error = NULL;
  TwKeys *keys = job->keys;
  TwKeyRotation *r;
  gint64 id;

  if (!tw_keys_can_rotate (keys, job->service_id, job->secret, error))
    return TW_KEY_STEP_NONE;

  g_mutex_lock (&keys->lock);
  r = _tw_keys_lookup_locked (keys, job->service_id, job->secret);
  if (r != NULL && r->step != TW_KEY_STEP_DONE)
    {
      g_mutex_unlock (&keys->lock);
      g_set_error (error, TW_ERROR, TW_ERROR_CONFLICT,
                   _("A rotation of this key is already open: finish or cancel it first"));
      return TW_KEY_STEP_NONE;
    }
  g_mutex_unlock (&keys->lock);

  if (job->pasted != NULL && *job->pasted != '\0')
    {
      fresh = g_strstrip (g_strdup (job->pasted));
      if (!tw_connector_check_secret (job->connector, job->secret, fresh, error))
        return TW_KEY_STEP_NONE;
    }
  else if (job->spec->rotate_bytes > 0)
    {
      fresh = _tw_keys_generate (job->spec->rotate_bytes, job->spec->rotate_encoding, error);
      if (fresh == NULL)
        return TW_KEY_STEP_NONE;
    }
  else
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("The vendor issues this key: paste the new one"));
      return TW_KEY_STEP_NONE;
    }

  current = lookup (job, NULL, &local_error);
  if (current == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, TW_ERROR, TW_ERROR_SECRET,
                     _("No %s is stored for this service: there is nothing to rotate. Store "
                       "it in the profile editor first"), job->spec->label);
      return TW_KEY_STEP_NONE;
    }
  if (g_str_equal (current, fresh))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("The new key is the key in use: paste a new one"));
      return TW_KEY_STEP_NONE;
    }

  new_tail = tw_secrets_mask (fresh);
  old_tail = tw_secrets_mask (current);
  reason = g_strdup_printf ("%s (prepare: new key %s to replace %s)",
                            job->reason != NULL ? job->reason : "", new_tail, old_tail);
  id = audit_request (job, reason);
  if (!store (job, "pending", fresh, error))
    {
      audit_complete (job, id, TW_AUDIT_OUTCOME_FAILED, 0, (*error)->message);
      return TW_KEY_STEP_NONE;
    }
  /* a key left over from an earlier rotation that never finished */
  clear (job, "previous", NULL);

  g_mutex_lock (&keys->lock);
  r = _tw_keys_insert_locked (keys, job->service_id, job->secret);
  r->busy = TRUE;
  r->step = TW_KEY_STEP_PREPARED;
  r->started_us = g_get_real_time ();
  r->new_tail = g_strdup (new_tail);
  r->old_tail = g_strdup (old_tail);
  if (!_tw_keys_save_locked (keys, &local_error))
    {
      _tw_keys_remove_locked (keys, job->service_id, job->secret);
      g_mutex_unlock (&keys->lock);
      clear (job, "pending", NULL);
      audit_complete (job, id, TW_AUDIT_OUTCOME_FAILED, 0, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return TW_KEY_STEP_NONE;
    }
  g_mutex_unlock (&keys->lock);
  audit_complete (job, id, TW_AUDIT_OUTCOME_OK, 0, "new key stored as pending");
  return TW_KEY_STEP_PREPARED;
}

/* Steps 2 to 6 */

static TwKeyStep
fail_step (TwKeyJob    *job,
           gint64       id,
           TwKeyStep    stays,
           guint        status,
           GError      *error,
           GError     **out)
{
  audit_complete (job, id, TW_AUDIT_OUTCOME_FAILED, status, error->message);
  save_problem (job, error->message, FALSE);
  g_propagate_error (out, error);
  return stays;
}

static TwKeyStep
step_add (TwKeyJob  *job,
          GError   **error)
{
  g_autoptr(WipedString) pending = NULL;
  GError *local_error = NULL;
  gint64 id;

  pending = lookup (job, "pending", &local_error);
  if (pending == NULL)
    {
      if (local_error == NULL)
        local_error = g_error_new (TW_ERROR, TW_ERROR_SECRET,
                                   _("The new key is no longer in the keyring: cancel this rotation"));
      g_propagate_error (error, local_error);
      return TW_KEY_STEP_PREPARED;
    }

  id = audit_request (job, job->server.mode == TW_KEY_SERVER_MANAGED
                             ? "server: add the new key (managed)"
                             : "server: add the new key (guided, done by the operator)");
  if (job->server.mode == TW_KEY_SERVER_MANAGED &&
      !_tw_keys_managed_edit (job, pending, NULL, &local_error))
    return fail_step (job, id, TW_KEY_STEP_PREPARED, 0, local_error, error);
  if (!save_step (job, TW_KEY_STEP_ADDED, &local_error))
    return fail_step (job, id, TW_KEY_STEP_PREPARED, 0, local_error, error);
  audit_complete (job, id, TW_AUDIT_OUTCOME_OK, 0, "the server has the new key");
  return TW_KEY_STEP_ADDED;
}

static TwKeyStep
step_prove_new (TwKeyJob  *job,
                GError   **error)
{
  g_autoptr(WipedString) pending = NULL;
  GError *local_error = NULL;
  guint status = 0;
  gint64 id;

  pending = lookup (job, "pending", &local_error);
  if (pending == NULL)
    {
      if (local_error == NULL)
        local_error = g_error_new (TW_ERROR, TW_ERROR_SECRET,
                                   _("The new key is no longer in the keyring: cancel this rotation"));
      g_propagate_error (error, local_error);
      return TW_KEY_STEP_ADDED;
    }
  id = audit_request (job, "prove the new key");
  if (!_tw_keys_prove (job, pending, &status, &local_error))
    {
      if (local_error == NULL)
        local_error = g_error_new (TW_ERROR, TW_ERROR_AUTH,
                                   _("The service refuses the new key (HTTP %u): the server "
                                     "does not have it yet — check its .env file and restart"),
                                   status);
      return fail_step (job, id, TW_KEY_STEP_ADDED, status, local_error, error);
    }
  if (!save_step (job, TW_KEY_STEP_PROVEN, &local_error))
    return fail_step (job, id, TW_KEY_STEP_ADDED, status, local_error, error);
  audit_complete (job, id, TW_AUDIT_OUTCOME_OK, status, "the new key is accepted");
  return TW_KEY_STEP_PROVEN;
}

static TwKeyStep
step_promote (TwKeyJob  *job,
              GError   **error)
{
  g_autoptr(WipedString) pending = NULL;
  g_autoptr(WipedString) current = NULL;
  g_autoptr(WipedString) previous = NULL;
  GError *local_error = NULL;
  TwKeys *keys = job->keys;
  TwKeyRotation *r;
  gint64 id;

  pending = lookup (job, "pending", &local_error);
  if (local_error == NULL)
    current = lookup (job, NULL, &local_error);
  if (local_error == NULL)
    previous = lookup (job, "previous", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return TW_KEY_STEP_PROVEN;
    }
  if (pending == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_SECRET,
                   _("The new key is no longer in the keyring: cancel this rotation"));
      return TW_KEY_STEP_PROVEN;
    }

  id = audit_request (job, "promote the new key");
  /* The old key first kept as previous (not again when an earlier try got this far). */
  if (previous == NULL && current != NULL && !g_str_equal (current, pending) &&
      !store (job, "previous", current, &local_error))
    return fail_step (job, id, TW_KEY_STEP_PROVEN, 0, local_error, error);
  if (!store (job, NULL, pending, &local_error))
    return fail_step (job, id, TW_KEY_STEP_PROVEN, 0, local_error, error);

  g_mutex_lock (&keys->lock);
  r = _tw_keys_lookup_locked (keys, job->service_id, job->secret);
  if (r != NULL)
    {
      r->step = TW_KEY_STEP_GRACE;
      r->grace_until_us = g_get_real_time () + (gint64) keys->grace_s * G_USEC_PER_SEC;
      g_clear_pointer (&r->problem, g_free);
    }
  _tw_keys_save_locked (keys, NULL);
  g_mutex_unlock (&keys->lock);
  clear (job, "pending", NULL);
  job->promoted = TRUE;
  audit_complete (job, id, TW_AUDIT_OUTCOME_OK, 0, "the console uses the new key; the old one is kept until the grace period ends");
  return TW_KEY_STEP_GRACE;
}

static TwKeyStep
step_remove (TwKeyJob  *job,
             GError   **error)
{
  g_autoptr(WipedString) previous = NULL;
  GError *local_error = NULL;
  gint64 id;

  previous = lookup (job, "previous", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return TW_KEY_STEP_GRACE;
    }
  id = audit_request (job, job->server.mode == TW_KEY_SERVER_MANAGED
                             ? "server: remove the old key (managed)"
                             : "server: remove the old key (guided, done by the operator)");
  if (job->server.mode == TW_KEY_SERVER_MANAGED && previous != NULL &&
      !_tw_keys_managed_edit (job, NULL, previous, &local_error))
    return fail_step (job, id, TW_KEY_STEP_GRACE, 0, local_error, error);
  if (!save_step (job, TW_KEY_STEP_REMOVED, &local_error))
    return fail_step (job, id, TW_KEY_STEP_GRACE, 0, local_error, error);
  audit_complete (job, id, TW_AUDIT_OUTCOME_OK, 0, "the server no longer has the old key");
  return TW_KEY_STEP_REMOVED;
}

static TwKeyStep
step_retire (TwKeyJob  *job,
             GError   **error)
{
  g_autoptr(WipedString) previous = NULL;
  GError *local_error = NULL;
  guint status = 0;
  gint64 id;

  previous = lookup (job, "previous", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return TW_KEY_STEP_REMOVED;
    }
  id = audit_request (job, "prove the old key is refused");
  /* No previous key: an earlier try proved it refused and deleted it before it could
   * write the state file. */
  if (previous != NULL)
    {
      if (_tw_keys_prove (job, previous, &status, &local_error))
        {
          const char *message = _("The old key is STILL ACCEPTED by the service: it was not "
                                  "removed on the server. The rotation stays open");

          audit_complete (job, id, TW_AUDIT_OUTCOME_FAILED, status, "old key still accepted");
          save_problem (job, message, TRUE);
          g_set_error_literal (error, TW_ERROR, TW_ERROR_CONFLICT, message);
          return TW_KEY_STEP_REMOVED;
        }
      if (local_error != NULL)
        return fail_step (job, id, TW_KEY_STEP_REMOVED, status, local_error, error);
      if (!clear (job, "previous", &local_error))
        return fail_step (job, id, TW_KEY_STEP_REMOVED, status, local_error, error);
    }
  remove_backups (job);
  if (!save_step (job, TW_KEY_STEP_DONE, &local_error))
    return fail_step (job, id, TW_KEY_STEP_REMOVED, status, local_error, error);
  audit_complete (job, id, TW_AUDIT_OUTCOME_OK, status, "the old key is refused and deleted");
  return TW_KEY_STEP_DONE;
}

TwKeyStep
_tw_keys_run_advance (TwKeyJob  *job,
                      GError   **error)
{
  TwKeys *keys = job->keys;
  TwKeyRotation *r;
  TwKeyStep step;

  g_mutex_lock (&keys->lock);
  r = _tw_keys_lookup_locked (keys, job->service_id, job->secret);
  step = r != NULL ? r->step : TW_KEY_STEP_NONE;
  g_mutex_unlock (&keys->lock);

  switch (step)
    {
    case TW_KEY_STEP_PREPARED:
      return step_add (job, error);
    case TW_KEY_STEP_ADDED:
      return step_prove_new (job, error);
    case TW_KEY_STEP_PROVEN:
      return step_promote (job, error);
    case TW_KEY_STEP_GRACE:
      return step_remove (job, error);
    case TW_KEY_STEP_REMOVED:
      return step_retire (job, error);
    case TW_KEY_STEP_NONE:
    case TW_KEY_STEP_DONE:
    default:
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID, _("No rotation of this key is open"));
      return step;
    }
}

/* Cancel: put everything back. */
TwKeyStep
_tw_keys_run_cancel (TwKeyJob  *job,
                     GError   **error)
{
  g_autoptr(WipedString) pending = NULL;
  g_autoptr(WipedString) current = NULL;
  g_autoptr(WipedString) previous = NULL;
  GError *local_error = NULL;
  TwKeys *keys = job->keys;
  TwKeyRotation *r;
  TwKeyStep step;
  const char *fresh;
  gint64 id;

  g_mutex_lock (&keys->lock);
  r = _tw_keys_lookup_locked (keys, job->service_id, job->secret);
  step = r != NULL ? r->step : TW_KEY_STEP_NONE;
  g_mutex_unlock (&keys->lock);

  if (step == TW_KEY_STEP_NONE || step == TW_KEY_STEP_DONE)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID, _("No rotation of this key is open"));
      return step;
    }
  if (step == TW_KEY_STEP_REMOVED)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_REFUSED,
                   _("The old key was already removed from the server: finish the rotation"));
      return step;
    }

  pending = lookup (job, "pending", &local_error);
  if (local_error == NULL)
    current = lookup (job, NULL, &local_error);
  if (local_error == NULL)
    previous = lookup (job, "previous", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return step;
    }
  /* The new key: pending before promotion, current after. */
  fresh = step == TW_KEY_STEP_GRACE ? current : pending;

  id = audit_request (job, "cancel the rotation");
  if (step >= TW_KEY_STEP_ADDED && fresh != NULL)
    {
      if (job->server.mode == TW_KEY_SERVER_MANAGED)
        {
          if (!_tw_keys_managed_edit (job, NULL, fresh, &local_error))
            return fail_step (job, id, step, 0, local_error, error);
        }
      else
        {
          g_autofree char *masked = tw_secrets_mask (fresh);
          const TwEnvVariable *var = _tw_keys_list_variable (job->spec);

          g_free (job->output);
          job->output = g_strdup_printf (_("Remove the new key %s from %s in the service’s .env "
                                           "file and restart the service"),
                                         masked, var != NULL ? var->name : job->spec->label);
        }
    }
  if (step == TW_KEY_STEP_GRACE && previous != NULL)
    {
      if (!store (job, NULL, previous, &local_error))
        return fail_step (job, id, step, 0, local_error, error);
      job->promoted = TRUE;
    }
  clear (job, "pending", NULL);
  clear (job, "previous", NULL);
  remove_backups (job);

  g_mutex_lock (&keys->lock);
  _tw_keys_remove_locked (keys, job->service_id, job->secret);
  _tw_keys_save_locked (keys, NULL);
  g_mutex_unlock (&keys->lock);
  audit_complete (job, id, TW_AUDIT_OUTCOME_OK, 0, "cancelled: the old key is in use again");
  return TW_KEY_STEP_NONE;
}
