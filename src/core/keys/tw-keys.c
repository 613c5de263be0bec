/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "tw-error.h"
#include "tw-json.h"
#include "tw-keys-private.h"

enum { SIGNAL_CHANGED, SIGNAL_GRACE_OVER, SIGNAL_REVOKED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TwKeys, tw_keys, G_TYPE_OBJECT)

static const char * const step_names[] = {
  "none", "prepared", "added", "proven", "grace", "removed", "done",
};

const char *
tw_key_step_to_string (TwKeyStep step)
{
  if ((guint) step >= G_N_ELEMENTS (step_names))
    return "none";
  return step_names[step];
}

static void
rotation_free (gpointer data)
{
  TwKeyRotation *r = data;

  g_free (r->service_id);
  g_free (r->secret);
  g_free (r->new_tail);
  g_free (r->old_tail);
  g_free (r->problem);
  g_clear_pointer (&r->backups, g_ptr_array_unref);
  g_free (r);
}

static void
server_free (gpointer data)
{
  TwKeyServer *s = data;

  g_free (s->env_file);
  g_strfreev (s->argv);
  g_free (s);
}

void
tw_key_rotation_info_free (TwKeyRotationInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->service_id);
  g_free (info->secret);
  g_free (info->new_tail);
  g_free (info->old_tail);
  g_free (info->problem);
  g_free (info);
}

static char *
rotation_key (const char *service_id,
              const char *secret)
{
  return g_strconcat (service_id, "\n", secret, NULL);
}

TwKeyRotation *
_tw_keys_lookup_locked (TwKeys     *self,
                        const char *service_id,
                        const char *secret)
{
  g_autofree char *key = rotation_key (service_id, secret);

  return g_hash_table_lookup (self->rotations, key);
}

TwKeyRotation *
_tw_keys_insert_locked (TwKeys     *self,
                        const char *service_id,
                        const char *secret)
{
  TwKeyRotation *r = g_new0 (TwKeyRotation, 1);

  r->service_id = g_strdup (service_id);
  r->secret = g_strdup (secret);
  r->backups = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_replace (self->rotations, rotation_key (service_id, secret), r);
  return r;
}

void
_tw_keys_remove_locked (TwKeys     *self,
                        const char *service_id,
                        const char *secret)
{
  g_autofree char *key = rotation_key (service_id, secret);

  g_hash_table_remove (self->rotations, key);
}

char *
_tw_keys_secret_name (const char *secret,
                      const char *slot)
{
  return slot == NULL ? g_strdup (secret) : g_strconcat (secret, ".", slot, NULL);
}

const TwEnvVariable *
_tw_keys_list_variable (const TwSecretSpec *spec)
{
  for (guint i = 0; spec->env_variables != NULL && i < spec->env_variables->len; i++)
    {
      const TwEnvVariable *var = g_ptr_array_index (spec->env_variables, i);

      if (var->separator != NULL)
        return var;
    }
  return NULL;
}

char *
_tw_keys_join_restart (char **argv)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; argv != NULL && argv[i] != NULL; i++)
    {
      g_autofree char *q = g_shell_quote (argv[i]);

      if (i > 0)
        g_string_append_c (s, ' ');
      /* plain words stay plain */
      g_string_append (s, strpbrk (argv[i], " \t'\"\\$`*?[]{}()<>|&;#~") != NULL || *argv[i] == '\0'
                          ? q : argv[i]);
    }
  return g_string_free (s, FALSE);
}

/* Grace timer: the earliest end of a grace period still ahead, then "grace-over". */

static void schedule_grace (TwKeys *self);

static gboolean
grace_timer_cb (gpointer user_data)
{
  TwKeys *self = user_data;
  gint64 now = g_get_real_time ();
  g_autoptr(GPtrArray) over = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer value;

  self->grace_timer = 0;
  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->rotations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TwKeyRotation *r = value;

      if (r->step == TW_KEY_STEP_GRACE && r->grace_until_us <= now)
        {
          g_ptr_array_add (over, g_strdup (r->service_id));
          g_ptr_array_add (over, g_strdup (r->secret));
        }
    }
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i + 1 < over->len; i += 2)
    g_signal_emit (self, signals[SIGNAL_GRACE_OVER], 0,
                   g_ptr_array_index (over, i), g_ptr_array_index (over, i + 1));
  schedule_grace (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_grace (TwKeys *self)
{
  gint64 now = g_get_real_time (), next = G_MAXINT64;
  GHashTableIter iter;
  gpointer value;

  g_clear_handle_id (&self->grace_timer, g_source_remove);
  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->rotations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TwKeyRotation *r = value;

      /* one reminder per period: those over when the console starts are reminded at once */
      if (r->step == TW_KEY_STEP_GRACE && r->grace_until_us > now - G_USEC_PER_SEC)
        next = MIN (next, r->grace_until_us);
      else if (r->step == TW_KEY_STEP_GRACE && next == G_MAXINT64)
        next = now;
    }
  g_mutex_unlock (&self->lock);
  if (next == G_MAXINT64)
    return;
  self->grace_timer = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT,
                                                  (guint) CLAMP ((next - now) / G_USEC_PER_SEC + 1, 1, 3600),
                                                  grace_timer_cb, self, NULL);
}

static void
tw_keys_finalize (GObject *object)
{
  TwKeys *self = TW_KEYS (object);

  g_clear_handle_id (&self->grace_timer, g_source_remove);
  g_clear_object (&self->workspace);
  g_clear_object (&self->audit_log);
  g_free (self->state_path);
  g_free (self->profile);
  g_hash_table_unref (self->rotations);
  g_hash_table_unref (self->servers);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (tw_keys_parent_class)->finalize (object);
}

static void
tw_keys_class_init (TwKeysClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tw_keys_finalize;

  /* A rotation moved, failed or was cancelled: (service id, secret). */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /* A key was revoked (proven refused and deleted): (service id, secret, follow-up). */
  signals[SIGNAL_REVOKED] =
    g_signal_new ("revoked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  /* The grace period of a rotation is over: the old key can be retired. */
  signals[SIGNAL_GRACE_OVER] =
    g_signal_new ("grace-over", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
tw_keys_init (TwKeys *self)
{
  g_mutex_init (&self->lock);
  self->grace_s = TW_KEYS_DEFAULT_GRACE_S;
  self->rotations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, rotation_free);
  self->servers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, server_free);
}

TwKeys *
tw_keys_new (TwWorkspace *workspace,
             TwAuditLog  *audit_log,
             const char  *state_path)
{
  TwKeys *self;
  TwProfile *profile;

  g_return_val_if_fail (TW_IS_WORKSPACE (workspace), NULL);

  self = g_object_new (TW_TYPE_KEYS, NULL);
  self->workspace = g_object_ref (workspace);
  self->audit_log = audit_log != NULL ? g_object_ref (audit_log) : NULL;
  self->state_path = g_strdup (state_path);
  profile = tw_workspace_get_profile (workspace);
  self->profile = g_strdup (tw_profile_get_name (profile));
  self->mode = tw_profile_get_mode (profile);
  return self;
}

char *
tw_keys_default_state_path (const char *profile)
{
  g_autofree char *file = g_strconcat (profile, ".json", NULL);

  return g_build_filename (g_get_user_state_dir (), "tradewarden", "keys", file, NULL);
}


void
tw_keys_start (TwKeys *self)
{
  schedule_grace (self);
}

gboolean
tw_keys_set_server (TwKeys             *self,
                    const char         *service_id,
                    TwKeyServerMode     mode,
                    const char         *env_file,
                    const char * const *restart_argv,
                    guint               timeout_s,
                    GError            **error)
{
  TwKeyServer *s;
  gboolean ok;

  g_return_val_if_fail (TW_IS_KEYS (self), FALSE);

  if (mode == TW_KEY_SERVER_MANAGED &&
      (env_file == NULL || !g_path_is_absolute (env_file) || restart_argv == NULL ||
       restart_argv[0] == NULL || *restart_argv[0] == '\0'))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("A managed service needs the full path of its .env file and a restart command"));
      return FALSE;
    }
  s = g_new0 (TwKeyServer, 1);
  s->mode = mode;
  s->env_file = g_strdup (env_file);
  s->argv = g_strdupv ((char **) restart_argv);
  s->timeout_s = timeout_s > 0 ? timeout_s : TW_KEYS_DEFAULT_RESTART_TIMEOUT_S;
  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->servers, g_strdup (service_id), s);
  ok = _tw_keys_save_locked (self, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

TwKeyServerMode
tw_keys_get_server_mode (TwKeys     *self,
                         const char *service_id)
{
  TwKeyServer *s;
  TwKeyServerMode mode;

  g_mutex_lock (&self->lock);
  s = g_hash_table_lookup (self->servers, service_id);
  mode = s != NULL ? s->mode : TW_KEY_SERVER_GUIDED;
  g_mutex_unlock (&self->lock);
  return mode;
}

void
tw_keys_dup_server (TwKeys       *self,
                    const char   *service_id,
                    char        **env_file,
                    char       ***restart_argv,
                    guint        *timeout_s)
{
  TwKeyServer *s;

  g_mutex_lock (&self->lock);
  s = g_hash_table_lookup (self->servers, service_id);
  if (env_file != NULL)
    *env_file = s != NULL ? g_strdup (s->env_file) : NULL;
  if (restart_argv != NULL)
    *restart_argv = s != NULL ? g_strdupv (s->argv) : NULL;
  if (timeout_s != NULL)
    *timeout_s = s != NULL ? s->timeout_s : TW_KEYS_DEFAULT_RESTART_TIMEOUT_S;
  g_mutex_unlock (&self->lock);
}

void
tw_keys_set_grace (TwKeys *self,
                   guint   seconds)
{
  g_mutex_lock (&self->lock);
  self->grace_s = seconds;
  _tw_keys_save_locked (self, NULL);
  g_mutex_unlock (&self->lock);
}

const char *
tw_keys_get_profile_name (TwKeys *self)
{
  return self->profile;
}

TwMode
tw_keys_get_mode (TwKeys *self)
{
  return self->mode;
}

guint
tw_keys_get_grace (TwKeys *self)
{
  return self->grace_s;
}

static TwKeyRotationInfo *
info_from (TwKeyRotation *r)
{
  TwKeyRotationInfo *info = g_new0 (TwKeyRotationInfo, 1);

  info->service_id = g_strdup (r->service_id);
  info->secret = g_strdup (r->secret);
  info->step = r->step;
  info->started_us = r->started_us;
  info->grace_until_us = r->grace_until_us;
  info->new_tail = g_strdup (r->new_tail);
  info->old_tail = g_strdup (r->old_tail);
  info->problem = g_strdup (r->problem);
  info->still_accepted = r->still_accepted;
  return info;
}

TwKeyRotationInfo *
tw_keys_get_rotation (TwKeys     *self,
                      const char *service_id,
                      const char *secret)
{
  TwKeyRotation *r;
  TwKeyRotationInfo *info = NULL;

  g_return_val_if_fail (TW_IS_KEYS (self), NULL);

  g_mutex_lock (&self->lock);
  r = _tw_keys_lookup_locked (self, service_id, secret);
  if (r != NULL)
    info = info_from (r);
  g_mutex_unlock (&self->lock);
  return info;
}

GPtrArray *
tw_keys_list_rotations (TwKeys *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) tw_key_rotation_info_free);
  GHashTableIter iter;
  gpointer value;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->rotations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (out, info_from (value));
  g_mutex_unlock (&self->lock);
  return out;
}

static gboolean
find_spec (TwKeys              *self,
           const char          *service_id,
           const char          *secret,
           TwClient           **client_out,
           const TwSecretSpec **spec_out,
           GError             **error)
{
  TwClient *client = tw_workspace_get_client (self->workspace, service_id);
  const TwSecretSpec *spec;

  if (client == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_NOT_FOUND,
                   _("The service “%s” is not in this profile, or its connector is not installed"),
                   service_id);
      return FALSE;
    }
  spec = tw_connector_get_secret (tw_client_get_connector (client), secret);
  if (spec == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_NOT_FOUND, _("The service “%s” has no key “%s”"),
                   service_id, secret);
      return FALSE;
    }
  if (client_out != NULL)
    *client_out = client;
  *spec_out = spec;
  return TRUE;
}

gboolean
tw_keys_can_rotate (TwKeys     *self,
                    const char *service_id,
                    const char *secret,
                    GError    **error)
{
  const TwSecretSpec *spec;

  if (!find_spec (self, service_id, secret, NULL, &spec, error))
    return FALSE;
  if (spec->prove_operation == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_UNSUPPORTED,
                   _("The connector does not say how to prove a new %s works: it cannot be "
                     "rotated here"), spec->label);
      return FALSE;
    }
  if (!spec->rotate_overlap)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_UNSUPPORTED,
                   _("No overlap: a new %s replaces the old one at once. Use Swap… (halt, "
                     "paste, prove, swap)"), spec->label);
      return FALSE;
    }
  return TRUE;
}

char *
tw_keys_dup_server_step (TwKeys     *self,
                         const char *service_id,
                         const char *secret,
                         gboolean    reveal,
                         GError    **error)
{
  g_autoptr(TwKeyRotationInfo) info = tw_keys_get_rotation (self, service_id, secret);
  g_autofree char *restart = NULL;
  g_autofree char *old_key = NULL;
  g_autofree char *new_key = NULL;
  const TwEnvVariable *var;
  const TwSecretSpec *spec;
  TwKeyServer *s;
  TwSecrets *secrets = tw_workspace_get_secrets (self->workspace);

  if (!find_spec (self, service_id, secret, NULL, &spec, error))
    return NULL;
  var = _tw_keys_list_variable (spec);
  if (info == NULL || var == NULL ||
      (info->step != TW_KEY_STEP_PREPARED && info->step != TW_KEY_STEP_GRACE))
    return NULL;

  g_mutex_lock (&self->lock);
  s = g_hash_table_lookup (self->servers, service_id);
  restart = s != NULL && s->argv != NULL ? _tw_keys_join_restart (s->argv) : NULL;
  g_mutex_unlock (&self->lock);

  if (reveal)
    {
      /* The real text, for Copy: read from the keyring (blocking: the caller is a worker
       * or the command line). */
      g_autofree char *cur = tw_secrets_lookup_sync (secrets, self->profile, service_id, secret, NULL, error);
      g_autofree char *pending_name = _tw_keys_secret_name (secret, "pending");
      g_autofree char *pending = NULL;

      if (cur == NULL)
        return NULL;
      if (info->step == TW_KEY_STEP_PREPARED)
        {
          pending = tw_secrets_lookup_sync (secrets, self->profile, service_id, pending_name, NULL, error);
          if (pending == NULL)
            return NULL;
          old_key = g_steal_pointer (&cur);
          new_key = g_steal_pointer (&pending);
        }
      else
        new_key = g_steal_pointer (&cur);
    }
  else
    {
      old_key = g_strdup (info->old_tail);
      new_key = g_strdup (info->new_tail);
    }

  if (info->step == TW_KEY_STEP_PREPARED)
    return g_strdup_printf (_("In the service’s .env file add the new key after the keys it has:\n"
                              "%s=%s%s%s\nthen restart the service%s%s"),
                            var->name, old_key, var->separator, new_key,
                            restart != NULL ? ": " : "", restart != NULL ? restart : "");
  return g_strdup_printf (_("In the service’s .env file remove the old key:\n%s=%s\n"
                            "then restart the service%s%s"),
                          var->name, new_key,
                          restart != NULL ? ": " : "", restart != NULL ? restart : "");
}

/* The steps, in a worker thread */

static void
job_free (TwKeyJob *job)
{
  g_clear_object (&job->keys);
  g_free (job->service_id);
  g_free (job->secret);
  g_free (job->reason);
  if (job->pasted != NULL)
    {
      memset (job->pasted, 0, strlen (job->pasted));
      g_free (job->pasted);
    }
  g_clear_object (&job->connector);
  g_clear_object (&job->service);
  g_clear_object (&job->secrets);
  g_free (job->server.env_file);
  g_strfreev (job->server.argv);
  g_free (job->output);
  g_clear_pointer (&job->values, g_hash_table_unref);
  g_free (job);
}

static void
step_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TwKeyJob *job = task_data;
  TwKeyStepFunc func = g_object_get_data (G_OBJECT (task), "tw-step-func");
  GError *error = NULL;
  TwKeyStep step = func (job, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, step);
}

void
_tw_keys_start_step (TwKeys              *self,
                     const char          *service_id,
                     const char          *secret,
                     const char          *pasted,
                     const char          *reason,
                     const char          *action,
                     gboolean             server_done,
                     GHashTable          *values,
                     TwKeyStepFunc        func,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  TwClient *client = NULL;
  const TwSecretSpec *spec;
  TwKeyJob *job;
  TwKeyServer *s;
  TwKeyRotation *r;

  g_task_set_source_tag (task, _tw_keys_start_step);
  if (self->audit_log == NULL)
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_FAILED,
                               _("Keys cannot be rotated without the audit log"));
      return;
    }
  if (self->load_failed)
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_FAILED,
                               _("The key rotations file could not be read: fix or move it first"));
      return;
    }
  if (!find_spec (self, service_id, secret, &client, &spec, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_mutex_lock (&self->lock);
  r = _tw_keys_lookup_locked (self, service_id, secret);
  if (r != NULL && r->busy)
    {
      g_mutex_unlock (&self->lock);
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_CONFLICT,
                               _("A step of this rotation is already running"));
      return;
    }
  if (r != NULL)
    r->busy = TRUE;
  job = g_new0 (TwKeyJob, 1);
  s = g_hash_table_lookup (self->servers, service_id);
  if (s != NULL)
    {
      job->server.mode = s->mode;
      job->server.env_file = g_strdup (s->env_file);
      job->server.argv = g_strdupv (s->argv);
      job->server.timeout_s = s->timeout_s;
    }
  g_mutex_unlock (&self->lock);

  job->keys = g_object_ref (self);
  job->service_id = g_strdup (service_id);
  job->secret = g_strdup (secret);
  job->pasted = g_strdup (pasted);
  job->reason = g_strdup (reason);
  job->action = action;
  job->server_done = server_done;
  job->values = values != NULL ? g_hash_table_ref (values) : NULL;
  job->connector = g_object_ref (tw_client_get_connector (client));
  job->service = g_object_ref (tw_client_get_service (client));
  job->secrets = g_object_ref (tw_workspace_get_secrets (self->workspace));
  job->spec = spec;
  g_object_set_data (G_OBJECT (task), "tw-step-func", func);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, step_thread);
}

/* The guard: nothing starts without a passing keys.rotate request for this key. */
static gboolean
check_request (TwKeys          *self,
               TwGuardRequest  *request,
               const char      *service_id,
               const char      *secret,
               GError         **error)
{
  g_autofree char *target = g_strdup_printf ("%s/%s", service_id, secret);
  g_autoptr(GError) local_error = NULL;

  if (request == NULL)
    local_error = g_error_new (TW_ERROR, TW_ERROR_REFUSED,
                               _("Rotating a key needs the guard’s confirmation"));
  else if (g_strcmp0 (tw_guard_request_get_action (request), "keys.rotate") != 0 ||
           g_strcmp0 (tw_guard_request_get_target (request), target) != 0 ||
           g_strcmp0 (tw_guard_request_get_profile_name (request), self->profile) != 0)
    local_error = g_error_new (TW_ERROR, TW_ERROR_REFUSED,
                               _("The guard’s confirmation is for another action or key"));
  else
    tw_guard_request_check (request, &local_error);

  if (local_error == NULL)
    return TRUE;
  if (self->audit_log != NULL)
    tw_audit_log_record (self->audit_log, self->profile, self->mode, "keys.rotate", target,
                         request != NULL ? tw_guard_request_get_reason (request) : NULL,
                         TW_AUDIT_OUTCOME_REFUSED, 0, local_error->message, NULL);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

void
tw_keys_prepare_async (TwKeys              *self,
                       const char          *service_id,
                       const char          *secret,
                       const char          *pasted,
                       TwGuardRequest      *request,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TW_IS_KEYS (self));

  if (!check_request (self, request, service_id, secret, &error))
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, _tw_keys_start_step);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  _tw_keys_start_step (self, service_id, secret, pasted, tw_guard_request_get_reason (request),
                       NULL, FALSE, NULL, _tw_keys_run_prepare, cancellable, callback, user_data);
}

void
tw_keys_advance_async (TwKeys              *self,
                       const char          *service_id,
                       const char          *secret,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (TW_IS_KEYS (self));
  _tw_keys_start_step (self, service_id, secret, NULL, NULL, NULL, FALSE, NULL, _tw_keys_run_advance,
                       cancellable, callback, user_data);
}

void
tw_keys_cancel_async (TwKeys              *self,
                      const char          *service_id,
                      const char          *secret,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_return_if_fail (TW_IS_KEYS (self));
  _tw_keys_start_step (self, service_id, secret, NULL, NULL, NULL, FALSE, NULL, _tw_keys_run_cancel,
                       cancellable, callback, user_data);
}

TwKeyStep
tw_keys_step_finish (TwKeys        *self,
                     GAsyncResult  *result,
                     char         **output,
                     GError       **error)
{
  GTask *task = G_TASK (result);
  TwKeyJob *job = g_task_get_task_data (task);
  TwKeyRotation *r;
  g_autoptr(GError) local_error = NULL;
  gssize step;

  g_return_val_if_fail (g_task_is_valid (result, self), TW_KEY_STEP_NONE);

  step = g_task_propagate_int (task, &local_error);
  if (job != NULL)
    {
      g_mutex_lock (&self->lock);
      r = _tw_keys_lookup_locked (self, job->service_id, job->secret);
      if (r != NULL)
        r->busy = FALSE;
      /* On failure: where the rotation stays */
      if (local_error != NULL)
        step = r != NULL ? r->step : TW_KEY_STEP_NONE;
      g_mutex_unlock (&self->lock);

      if (output != NULL)
        *output = g_strdup (job->output);
      if (job->promoted)
        tw_workspace_reset_secrets (self->workspace);
      schedule_grace (self);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0, job->service_id, job->secret);
      if (local_error == NULL && step == TW_KEY_STEP_DONE &&
          g_strcmp0 (job->action, "keys.revoke") == 0)
        g_signal_emit (self, signals[SIGNAL_REVOKED], 0, job->service_id, job->secret, job->output);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return job != NULL ? (TwKeyStep) step : TW_KEY_STEP_NONE;
    }
  return (TwKeyStep) step;
}
