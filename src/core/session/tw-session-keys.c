/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tw-alert-engine.h"
#include "tw-error.h"
#include "tw-keys-private.h"
#include "tw-session-private.h"

/* A rotation's grace period is over: the old key can be retired. An alert of the
 * console's own (the Alerts page, a notification while the window is closed). */
static void
grace_over_cb (TwKeys     *keys,
               const char *service_id,
               const char *secret,
               TwSession  *self)
{
  g_autofree char *key = g_strdup_printf ("keys-grace-%s-%s", service_id, secret);
  g_autofree char *body = NULL;

  body = g_strdup_printf (_("The grace period of the new key of %s is over: retire the old key "
                            "(remove it on the server, then prove it is refused)."),
                          tw_profile_get_service_name (self->profile, service_id));
  tw_alert_engine_raise_key_alert (self->alerts, key, TW_ALERT_WARNING, service_id,
                                   _("Retire the old key"), body);
}

/* A revoked key: critical, so it reaches an operator away from the window too. */
static void
key_revoked_cb (TwKeys     *keys,
                const char *service_id,
                const char *secret,
                const char *followup,
                TwSession  *self)
{
  g_autofree char *key = g_strdup_printf ("keys-revoked-%s-%s", service_id, secret);
  g_autofree char *body = NULL;

  body = g_strdup_printf (_("A key of %s was revoked: trading was halted, the service refuses "
                            "the key and it is deleted. Store a new key before resuming."),
                          tw_profile_get_service_name (self->profile, service_id));
  tw_alert_engine_raise_key_alert (self->alerts, key, TW_ALERT_CRITICAL, service_id,
                                   _("Key revoked"), body);
}

/* The keys service: rotations kept in the profile's state file (the demo: in memory). */
void
_tw_session_build_keys (TwSession *self)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (!self->demo)
    path = tw_keys_default_state_path (tw_profile_get_name (self->profile));
  self->keys = tw_keys_new (self->workspace, self->audit_log, path);
  if (!tw_keys_load (self->keys, &error))
    g_warning ("Key rotations are disabled: %s", error->message);
  if (self->alerts != NULL)
    {
      g_signal_connect (self->keys, "grace-over", G_CALLBACK (grace_over_cb), self);
      g_signal_connect (self->keys, "revoked", G_CALLBACK (key_revoked_cb), self);
    }
}

/* Emergency revoke: the guard (keys.revoke: a reason, and the service's name typed, always),
 * then Halt All, then the key revoked (tw-keys-revoke.c). */

typedef struct
{
  char           *service_id;
  char           *secret;
  char           *reason;
  gboolean        server_done;
} Revoke;

static void
revoke_free (Revoke *r)
{
  g_free (r->service_id);
  g_free (r->secret);
  g_free (r->reason);
  g_free (r);
}

static void
revoked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  TwKeyStep step = tw_keys_step_finish (TW_KEYS (source), result, &output, &error);

  g_object_set_data_full (G_OBJECT (task), "tw-output", g_steal_pointer (&output), g_free);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, step);
}

static void
halted_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwSession *self = TW_SESSION (source);
  Revoke *r = g_task_get_task_data (task);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;

  /* A halt that did not reach every service does not stop the revocation: a compromised
   * key is removed whatever trading does; the halt's failure is the session's alert. */
  results = tw_session_halt_all_finish (self, result, &error);
  if (error != NULL)
    g_warning ("Halt All before revoking a key: %s", error->message);
  if (g_task_return_error_if_cancelled (task))
    return;
  _tw_keys_start_step (self->keys, r->service_id, r->secret, NULL, r->reason, "keys.revoke",
                       r->server_done, NULL, _tw_keys_run_revoke, g_task_get_cancellable (task),
                       revoked_cb, g_object_ref (task));
}

void
tw_session_revoke_key_async (TwSession           *self,
                             const char          *service_id,
                             const char          *secret,
                             TwGuardRequest      *request,
                             gboolean             server_done,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *target = g_strdup_printf ("%s/%s", service_id, secret);
  g_autoptr(GError) error = NULL;
  const char *name = tw_profile_get_service_name (self->profile, service_id);
  const char *typed = request != NULL ? tw_guard_request_get_typed_confirmation (request) : NULL;
  Revoke *r;

  g_task_set_source_tag (task, tw_session_revoke_key_async);
  if (self->audit_log == NULL)
    error = g_error_new (TW_ERROR, TW_ERROR_FAILED, _("Keys cannot be revoked without the audit log"));
  else if (request == NULL ||
           g_strcmp0 (tw_guard_request_get_action (request), "keys.revoke") != 0 ||
           g_strcmp0 (tw_guard_request_get_target (request), target) != 0 ||
           g_strcmp0 (tw_guard_request_get_profile_name (request), tw_profile_get_name (self->profile)) != 0)
    error = g_error_new (TW_ERROR, TW_ERROR_REFUSED, _("Revoking a key needs the guard’s confirmation"));
  else if (tw_guard_request_check (request, &error))
    {
      if (typed == NULL || (g_strcmp0 (typed, name) != 0 && g_strcmp0 (typed, service_id) != 0))
        error = g_error_new (TW_ERROR, TW_ERROR_REFUSED,
                             _("Type the service’s name, %s, to revoke its key"), name);
    }
  if (error != NULL)
    {
      if (self->audit_log != NULL)
        tw_audit_log_record (self->audit_log, tw_profile_get_name (self->profile),
                             tw_profile_get_mode (self->profile), "keys.revoke", target,
                             request != NULL ? tw_guard_request_get_reason (request) : NULL,
                             TW_AUDIT_OUTCOME_REFUSED, 0, error->message, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  r = g_new0 (Revoke, 1);
  r->service_id = g_strdup (service_id);
  r->secret = g_strdup (secret);
  r->reason = g_strdup (tw_guard_request_get_reason (request));
  r->server_done = server_done;
  g_task_set_task_data (task, r, (GDestroyNotify) revoke_free);
  tw_session_halt_all_async (self, r->reason, cancellable, halted_cb, g_steal_pointer (&task));
}

TwKeyStep
tw_session_revoke_key_finish (TwSession     *self,
                              GAsyncResult  *result,
                              char         **output,
                              GError       **error)
{
  gssize step;

  g_return_val_if_fail (g_task_is_valid (result, self), TW_KEY_STEP_NONE);

  if (output != NULL)
    *output = g_strdup (g_object_get_data (G_OBJECT (result), "tw-output"));
  step = g_task_propagate_int (G_TASK (result), error);
  return step < 0 ? TW_KEY_STEP_NONE : (TwKeyStep) step;
}

/* No overlap (Alpaca): halt the service, prove the pasted keys, swap them in. */

typedef struct
{
  char       *service_id;
  char       *secret;
  char       *reason;
  GHashTable *values;
  gint64      halted_since;
} Swap;

static void
swap_free (Swap *s)
{
  g_free (s->service_id);
  g_free (s->secret);
  g_free (s->reason);
  g_clear_pointer (&s->values, g_hash_table_unref);
  g_free (s);
}

static void
swapped_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Swap *s = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  tw_keys_step_finish (TW_KEYS (source), result, NULL, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, g_get_monotonic_time () - s->halted_since);
}

static void
swap_halted_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwSession *self = TW_SESSION (source);
  Swap *s = g_task_get_task_data (task);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;

  results = tw_session_halt_all_finish (self, result, &error);
  if (error != NULL)
    g_warning ("Halting before swapping keys: %s", error->message);
  if (g_task_return_error_if_cancelled (task))
    return;
  _tw_keys_start_step (self->keys, s->service_id, s->secret, NULL, s->reason, NULL, FALSE,
                       s->values, _tw_keys_run_swap, g_task_get_cancellable (task), swapped_cb,
                       g_object_ref (task));
}

void
tw_session_swap_keys_async (TwSession           *self,
                            const char          *service_id,
                            GHashTable          *values,
                            TwGuardRequest      *request,
                            gint64               halted_since,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  const char * const ids[] = { service_id, NULL };
  TwClient *client = tw_workspace_get_client (self->workspace, service_id);
  const char *secret = NULL;
  GHashTableIter iter;
  gpointer name;
  Swap *s;

  g_task_set_source_tag (task, tw_session_swap_keys_async);
  g_hash_table_iter_init (&iter, values);
  while (client != NULL && g_hash_table_iter_next (&iter, &name, NULL))
    {
      const TwSecretSpec *spec = tw_connector_get_secret (tw_client_get_connector (client), name);

      if (spec != NULL && spec->prove_operation != NULL)
        secret = spec->name;
    }

  if (self->audit_log == NULL)
    error = g_error_new (TW_ERROR, TW_ERROR_FAILED, _("Keys cannot be changed without the audit log"));
  else if (secret == NULL)
    error = g_error_new (TW_ERROR, TW_ERROR_UNSUPPORTED,
                         _("The connector does not say how to prove these keys"));
  else if (request == NULL ||
           g_strcmp0 (tw_guard_request_get_action (request), "keys.rotate") != 0 ||
           g_strcmp0 (tw_guard_request_get_target (request), service_id) != 0 ||
           g_strcmp0 (tw_guard_request_get_profile_name (request), tw_profile_get_name (self->profile)) != 0)
    error = g_error_new (TW_ERROR, TW_ERROR_REFUSED, _("Changing keys needs the guard’s confirmation"));
  else
    tw_guard_request_check (request, &error);
  if (error != NULL)
    {
      if (self->audit_log != NULL)
        tw_audit_log_record (self->audit_log, tw_profile_get_name (self->profile),
                             tw_profile_get_mode (self->profile), "keys.rotate", service_id,
                             request != NULL ? tw_guard_request_get_reason (request) : NULL,
                             TW_AUDIT_OUTCOME_REFUSED, 0, error->message, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  s = g_new0 (Swap, 1);
  s->service_id = g_strdup (service_id);
  s->secret = g_strdup (secret);
  s->reason = g_strdup (tw_guard_request_get_reason (request));
  s->values = g_hash_table_ref (values);
  s->halted_since = halted_since > 0 ? halted_since : g_get_monotonic_time ();
  g_task_set_task_data (task, s, (GDestroyNotify) swap_free);
  /* Halted first, even when the operator halted it already (then it answers "already"). */
  tw_session_halt_services_async (self, s->reason, ids, cancellable, swap_halted_cb,
                                  g_steal_pointer (&task));
}

gint64
tw_session_swap_keys_finish (TwSession     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}
