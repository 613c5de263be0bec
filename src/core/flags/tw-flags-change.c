/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-flags.h"

#include <glib/gi18n-lib.h>

#include "tw-client.h"
#include "tw-error.h"
#include "tw-flags-private.h"
#include "tw-profile.h"

/* Changing a flag: guard, "requested" row, the operation, a read-back of the flag, the
 * outcome row. The read-back decides the outcome: a service that answered 200 and kept
 * its value (an environment variable pins it) is "failed". */

typedef struct
{
  TwFlag         *flag;
  TwGuardRequest *request;
  TwClient       *client;
  char           *operation;
  char           *old_value;
  char           *new_value;
  char           *target;
  guint           revert_after;
  gint64          request_id;
  guint           http_status;
  GError         *error;        /* why it did not hold */
  gboolean        counted;      /* in n_in_flight and own */
} ChangeData;

static void
change_data_free (ChangeData *data)
{
  g_clear_object (&data->flag);
  g_clear_object (&data->request);
  g_clear_object (&data->client);
  g_free (data->operation);
  g_free (data->old_value);
  g_free (data->new_value);
  g_free (data->target);
  g_clear_error (&data->error);
  g_free (data);
}

const char *
tw_flags_operation_for (TwFlags    *self,
                        TwFlag     *flag,
                        const char *new_value)
{
  TwClient *client;
  const char *operation;

  g_return_val_if_fail (TW_IS_FLAGS (self), NULL);
  g_return_val_if_fail (TW_IS_FLAG (flag), NULL);
  g_return_val_if_fail (new_value != NULL, NULL);

  if (tw_flag_get_flag_type (flag) == TW_FLAG_TYPE_BOOLEAN)
    operation = g_str_equal (new_value, "true") ? "flags.enable" : "flags.disable";
  else
    operation = "flags.set";
  client = tw_workspace_get_client (_tw_flags_get_workspace (self), tw_flag_get_service_id (flag));
  return client != NULL && tw_client_has_operation (client, operation) ? operation : NULL;
}

TwGuardRequest *
tw_flags_new_request (TwFlags    *self,
                      TwFlag     *flag,
                      const char *new_value)
{
  TwProfile *profile;
  TwGuardRequest *request;
  const char *action;
  g_autofree char *target = NULL;
  g_autofree char *old_text = NULL;
  g_autofree char *new_text = NULL;

  g_return_val_if_fail (TW_IS_FLAGS (self), NULL);
  g_return_val_if_fail (TW_IS_FLAG (flag), NULL);
  g_return_val_if_fail (new_value != NULL, NULL);

  if (tw_flag_get_flag_type (flag) == TW_FLAG_TYPE_BOOLEAN)
    action = g_str_equal (new_value, "true") ? "flags.enable" : "flags.disable";
  else
    action = "flags.set";
  profile = tw_workspace_get_profile (_tw_flags_get_workspace (self));
  /* What the guard dialog shows: the flag and old → new, as the audit row will say it. */
  old_text = tw_flag_format_value (flag, tw_flag_get_value (flag));
  new_text = tw_flag_format_value (flag, new_value);
  target = g_strdup_printf ("%s/%s: %s → %s", tw_flag_get_service_id (flag),
                            tw_flag_get_name (flag), old_text, new_text);
  request = tw_guard_request_new (action, target, tw_profile_get_name (profile),
                                  tw_profile_get_mode (profile));
  tw_guard_request_set_flag (request, tw_flag_get_name (flag),
                             tw_flag_risk_to_string (tw_flag_get_risk (flag)),
                             tw_flag_is_toward_safety (flag, new_value));
  return request;
}

static void schedule_revert (TwFlags    *self,
                             TwFlag     *flag,
                             const char *value,
                             const char *reason,
                             guint       seconds);

static void
finish_change (GTask *task)
{
  TwFlags *self = g_task_get_source_object (task);
  ChangeData *data = g_task_get_task_data (task);

  if (data->counted)
    {
      data->counted = FALSE;
      _tw_flags_own_change (self, data->flag, FALSE);
      _tw_flags_work_changed (self, -1);
    }
  _tw_flags_reload_history (self);
  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    {
      if (data->revert_after > 0 && !_tw_flags_is_closed (self))
        schedule_revert (self, data->flag, data->old_value,
                         tw_guard_request_get_reason (data->request), data->revert_after);
      g_task_return_boolean (task, TRUE);
    }
}

static void
complete_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ChangeData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (tw_audit_log_complete_finish (TW_AUDIT_LOG (source), result, &error) == 0)
    {
      g_warning ("The outcome of %s was not written to the audit log: %s", data->target,
                 error->message);
      if (data->error == NULL)
        data->error = g_error_new (TW_ERROR, TW_ERROR_DATABASE,
                                   _("The flag changed, but its audit row could not be "
                                     "written: %s"), error->message);
    }
  finish_change (task);
}

/* Takes @task. */
static void
write_outcome (GTask *task)
{
  TwFlags *self = g_task_get_source_object (task);
  ChangeData *data = g_task_get_task_data (task);

  tw_audit_log_complete_async (_tw_flags_get_audit_log (self), data->request_id,
                               data->error == NULL ? TW_AUDIT_OUTCOME_OK : TW_AUDIT_OUTCOME_FAILED,
                               data->http_status,
                               data->error != NULL ? data->error->message : NULL,
                               NULL, complete_cb, task);
}

/* The loud sentence for a change the service did not keep. */
static char *
describe_unchanged (TwFlag     *flag,
                    TwClient   *client,
                    const char *operation)
{
  const TwOperation *op = tw_connector_get_operation (tw_client_get_connector (client), operation);
  g_autofree char *now = tw_flag_format_value (flag, tw_flag_get_value (flag));
  const char *env_value = _tw_flag_get_env_value (flag);

  if (tw_flag_get_locked (flag) && env_value != NULL)
    {
      g_autofree char *detail = g_strdup (tw_flag_get_layer_detail (flag));

      /* Translators: a service's name, a flag's name, its value (“on”), then where the
       * pinning variable is, e.g. “LIVE_TRADING_MODE=true in /srv/ibkr/.env” */
      return g_strdup_printf (_("%s kept %s %s: %s in its environment overrides it. Change "
                                "the variable and restart the service."),
                              tw_flag_get_service_name (flag), tw_flag_get_name (flag), now,
                              detail);
    }
  if (op != NULL && tw_operation_get_unchanged (op) != NULL)
    /* Translators: a service's name, a flag's name, its value, then why (the connector's words) */
    return g_strdup_printf (_("%s kept %s %s. %s"), tw_flag_get_service_name (flag),
                            tw_flag_get_name (flag), now, tw_operation_get_unchanged (op));
  /* Translators: a service's name, a flag's name, its value */
  return g_strdup_printf (_("%s accepted the change but kept %s %s."),
                          tw_flag_get_service_name (flag), tw_flag_get_name (flag), now);
}

static void
read_back_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwFlags *self = TW_FLAGS (source);
  ChangeData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  tw_flags_refresh_finish (self, result, &error);
  if (!_tw_flag_values_equal (tw_flag_get_value (data->flag), data->new_value))
    {
      g_autofree char *message = error != NULL
        /* Translators: a service's name, a flag's name, then why the read failed */
        ? g_strdup_printf (_("%s answered the change of %s, but reading it back failed: %s. "
                             "Whether it holds is not known."),
                           tw_flag_get_service_name (data->flag), tw_flag_get_name (data->flag),
                           error->message)
        : describe_unchanged (data->flag, data->client, data->operation);

      data->error = g_error_new_literal (TW_ERROR, TW_ERROR_CONFLICT, message);
    }
  write_outcome (g_steal_pointer (&task));
}

static void
call_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwFlags *self = g_task_get_source_object (task);
  ChangeData *data = g_task_get_task_data (task);
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = tw_client_call_finish (TW_CLIENT (source), result, &response, &error);
  if (response != NULL)
    data->http_status = tw_http_response_get_status (response);
  if (node == NULL)
    {
      data->error = g_steal_pointer (&error);
      write_outcome (g_steal_pointer (&task));
      return;
    }
  /* Read back: the answer says what was asked, the list says what holds. */
  tw_flags_refresh_async (self, NULL, read_back_cb, g_steal_pointer (&task));
}

static void
request_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwFlags *self = g_task_get_source_object (task);
  ChangeData *data = g_task_get_task_data (task);
  g_autoptr(GHashTable) vars = NULL;
  g_autoptr(GError) error = NULL;

  data->request_id = tw_audit_log_request_finish (TW_AUDIT_LOG (source), result, &error);
  if (data->request_id == 0)
    {
      data->error = g_error_new (TW_ERROR, TW_ERROR_DATABASE,
                                 _("Nothing was sent: the audit log could not be written: %s"),
                                 error->message);
      finish_change (task);
      return;
    }
  if (_tw_flags_is_closed (self))
    {
      data->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                         _("The profile closed before the change was sent"));
      write_outcome (g_steal_pointer (&task));
      return;
    }

  vars = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (vars, "flag", g_strdup (tw_flag_get_name (data->flag)));
  g_hash_table_insert (vars, "value", g_strdup (data->new_value));
  g_hash_table_insert (vars, "reason", g_strdup (tw_guard_request_get_reason (data->request) ?: ""));
  g_hash_table_insert (vars, "actor", g_strdup (g_get_user_name ()));
  /* Not retried: a change is not idempotent in the audit log's eyes. */
  tw_client_call_full_async (data->client, data->operation, vars, 0, NULL, call_cb,
                             g_steal_pointer (&task));
}

void
tw_flags_change_async (TwFlags             *self,
                       TwFlag              *flag,
                       TwGuardRequest      *request,
                       const char          *new_value,
                       guint                revert_after,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_text = NULL;
  g_autofree char *new_text = NULL;
  TwAuditLog *audit_log;
  TwProfile *profile;
  ChangeData *data;
  const char *operation;

  g_return_if_fail (TW_IS_FLAGS (self));
  g_return_if_fail (TW_IS_FLAG (flag));
  g_return_if_fail (TW_IS_GUARD_REQUEST (request));
  g_return_if_fail (new_value != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_flags_change_async);
  audit_log = _tw_flags_get_audit_log (self);
  profile = tw_workspace_get_profile (_tw_flags_get_workspace (self));

  if (_tw_flags_is_closed (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The profile is closed"));
      return;
    }
  if (audit_log == NULL)
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_REFUSED,
                               _("Flags cannot be changed without an audit log"));
      return;
    }
  operation = tw_flags_operation_for (self, flag, new_value);
  if (operation == NULL)
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_UNSUPPORTED,
                               /* Translators: a service's name, a flag's name, its variable */
                               _("%s offers no runtime change of %s: set %s in its "
                                 "environment and restart it"),
                               tw_flag_get_service_name (flag), tw_flag_get_name (flag),
                               tw_flag_get_env_variable (flag) ?: _("the flag"));
      return;
    }
  if (tw_flag_get_flag_type (flag) == TW_FLAG_TYPE_NUMBER)
    {
      double min, max, value;
      char *end = NULL;

      value = g_ascii_strtod (new_value, &end);
      if (end == new_value || *end != '\0' ||
          (tw_flag_get_bounds (flag, &min, &max) && (value < min || value > max)))
        {
          g_task_return_new_error (task, TW_ERROR, TW_ERROR_INVALID,
                                   /* Translators: a flag's name, the value, its bounds */
                                   _("%s must be a number from %g to %g, not “%s”"),
                                   tw_flag_get_name (flag), min, max, new_value);
          return;
        }
    }

  old_text = tw_flag_format_value (flag, tw_flag_get_value (flag));
  new_text = tw_flag_format_value (flag, new_value);
  data = g_new0 (ChangeData, 1);
  data->flag = g_object_ref (flag);
  data->request = g_object_ref (request);
  data->client = g_object_ref (tw_workspace_get_client (_tw_flags_get_workspace (self),
                                                        tw_flag_get_service_id (flag)));
  data->operation = g_strdup (operation);
  data->old_value = g_strdup (tw_flag_get_value (flag));
  data->new_value = g_strdup (new_value);
  data->revert_after = revert_after;
  /* The audit target: "SERVICE/FLAG: old → new" (the page finds a flag's last change by it) */
  data->target = g_strdup_printf ("%s/%s: %s → %s", tw_flag_get_service_id (flag),
                                  tw_flag_get_name (flag), old_text, new_text);
  g_task_set_task_data (task, data, (GDestroyNotify) change_data_free);

  if (!tw_guard_request_check (request, &error))
    {
      g_autoptr(GError) audit_error = NULL;

      if (tw_audit_log_record (audit_log, tw_profile_get_name (profile), tw_profile_get_mode (profile),
                               tw_guard_request_get_action (request), data->target,
                               tw_guard_request_get_reason (request), TW_AUDIT_OUTCOME_REFUSED, 0,
                               error->message, &audit_error) == 0)
        g_warning ("A refused flag change was not audited: %s", audit_error->message);
      _tw_flags_reload_history (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->counted = TRUE;
  _tw_flags_own_change (self, flag, TRUE);
  _tw_flags_work_changed (self, +1);
  tw_audit_log_request_async (audit_log, tw_profile_get_name (profile),
                              tw_profile_get_mode (profile),
                              tw_guard_request_get_action (request), data->target,
                              tw_guard_request_get_reason (request), NULL, request_cb,
                              g_steal_pointer (&task));
}

gboolean
tw_flags_change_finish (TwFlags       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (TW_IS_FLAGS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- revert after ---- */

typedef struct
{
  TwFlags *flags;     /* unowned: the timeout dies with it */
  TwFlag  *flag;
  char    *value;
  char    *reason;
  guint    id;
} Revert;

static void
revert_free (Revert *revert)
{
  g_clear_object (&revert->flag);
  g_free (revert->value);
  g_free (revert->reason);
  g_free (revert);
}

static void
revert_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TwFlag) flag = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = tw_flags_change_finish (TW_FLAGS (source), result, &error);
  if (!ok)
    g_warning ("The scheduled revert did not hold: %s", error->message);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _tw_flags_tell_revert (TW_FLAGS (source), flag, ok, error != NULL ? error->message : NULL);
}

static gboolean
revert_cb (gpointer user_data)
{
  Revert *revert = user_data;
  TwFlags *self = revert->flags;
  g_autoptr(TwGuardRequest) request = NULL;
  g_autofree char *reason = NULL;

  revert->id = 0;
  _tw_flag_set_revert_at (revert->flag, NULL);
  /* Authorised when it was scheduled: the revert carries that reason and the typed
   * confirmations the guard would ask for. */
  request = tw_flags_new_request (self, revert->flag, revert->value);
  /* Translators: the reason of the change the revert undoes */
  reason = g_strdup_printf (_("Scheduled revert of: %s"), revert->reason ?: "");
  tw_guard_request_set_reason (request, reason);
  tw_guard_request_set_typed_flag (request, tw_flag_get_name (revert->flag));
  tw_guard_request_set_typed_confirmation (request, tw_guard_request_get_profile_name (request));
  tw_flags_change_async (self, revert->flag, request, revert->value, 0, NULL, revert_done_cb,
                         g_object_ref (revert->flag));
  g_object_set_data (G_OBJECT (revert->flag), "tw-flags-revert", NULL);
  return G_SOURCE_REMOVE;
}

static void
revert_cancel (gpointer data)
{
  Revert *revert = data;

  g_clear_handle_id (&revert->id, g_source_remove);
  revert_free (revert);
}

static void
schedule_revert (TwFlags    *self,
                 TwFlag     *flag,
                 const char *value,
                 const char *reason,
                 guint       seconds)
{
  Revert *revert;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) at = g_date_time_add_seconds (now, seconds);

  if (value == NULL)
    return;
  revert = g_new0 (Revert, 1);
  revert->flags = self;
  revert->flag = g_object_ref (flag);
  revert->value = g_strdup (value);
  revert->reason = g_strdup (reason);
  revert->id = g_timeout_add_seconds (seconds, revert_cb, revert);
  /* The flag holds its one pending revert; a new one replaces it, close drops it. */
  g_object_set_data_full (G_OBJECT (flag), "tw-flags-revert", revert, revert_cancel);
  _tw_flag_set_revert_at (flag, at);
}

gboolean
tw_flags_cancel_revert (TwFlags *self,
                        TwFlag  *flag)
{
  Revert *revert;
  TwProfile *profile;
  g_autofree char *target = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (TW_IS_FLAGS (self), FALSE);
  g_return_val_if_fail (TW_IS_FLAG (flag), FALSE);

  revert = g_object_get_data (G_OBJECT (flag), "tw-flags-revert");
  if (revert == NULL)
    return FALSE;
  target = g_strdup_printf ("%s/%s: revert to %s cancelled", tw_flag_get_service_id (flag),
                            tw_flag_get_name (flag), revert->value);
  profile = tw_workspace_get_profile (_tw_flags_get_workspace (self));
  if (_tw_flags_get_audit_log (self) != NULL &&
      tw_audit_log_record (_tw_flags_get_audit_log (self), tw_profile_get_name (profile),
                           tw_profile_get_mode (profile), "flags.revert.cancel", target, NULL,
                           TW_AUDIT_OUTCOME_OK, 0, NULL, &error) == 0)
    g_warning ("The cancelled revert was not audited: %s", error->message);
  g_object_set_data (G_OBJECT (flag), "tw-flags-revert", NULL);
  _tw_flag_set_revert_at (flag, NULL);
  return TRUE;
}
