/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-action-runner.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-action-private.h"
#include "tw-error.h"
#include "tw-guard-live.h"
#include "tw-multistatus.h"
#include "tw-profile.h"

#define HALT_OPERATION "trading.halt"

struct _TwActionRunner
{
  GObject      parent_instance;

  TwWorkspace *workspace;
  TwAuditLog  *audit_log;
  GWeakRef     risk_monitor;

  /* "service\x1foperation" → NULL: actions in flight (no double submit) */
  GHashTable  *in_flight;
  /* same key → gint64 monotonic µs when the request was last sent */
  GHashTable  *recent;
  /* tw_action_runner_close(): nothing more is sent */
  gboolean     closed;
};

G_DEFINE_FINAL_TYPE (TwActionRunner, tw_action_runner, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_WORKSPACE,
  PROP_AUDIT_LOG,
  PROP_RISK_MONITOR,
  N_PROPS
};

enum {
  IN_FLIGHT_CHANGED,
  HALT_RESULT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* One guarded action on its way. */
typedef struct
{
  TwClient       *client;
  char           *service_id;
  char           *operation;
  char           *key;
  GHashTable     *vars;
  char           *profile;
  TwMode          mode;
  char           *action;
  char           *target;
  char           *reason;
  gboolean        marked;       /* holds the in-flight mark of key */
  gint64          request_id;
  JsonNode       *body;
  TwHttpResponse *response;
  GError         *error;        /* why it was refused or failed */
  TwMultiStatus  *multi;        /* a 207 answer, per entry (the caller's, naming them) */
} RunData;

static void
run_data_free (gpointer user_data)
{
  RunData *data = user_data;

  g_clear_object (&data->client);
  g_free (data->service_id);
  g_free (data->operation);
  g_free (data->key);
  g_clear_pointer (&data->vars, g_hash_table_unref);
  g_free (data->profile);
  g_free (data->action);
  g_free (data->target);
  g_free (data->reason);
  g_clear_pointer (&data->body, json_node_unref);
  g_clear_pointer (&data->response, tw_http_response_unref);
  g_clear_error (&data->error);
  g_clear_object (&data->multi);
  g_free (data);
}

static char *
make_key (const char *service_id,
          const char *operation)
{
  return g_strconcat (service_id, "\x1f", operation, NULL);
}

static void
set_in_flight (TwActionRunner *self,
               RunData        *data,
               gboolean        in_flight)
{
  if (in_flight == data->marked)
    return;
  data->marked = in_flight;
  if (in_flight)
    g_hash_table_add (self->in_flight, g_strdup (data->key));
  else
    g_hash_table_remove (self->in_flight, data->key);
  g_signal_emit (self, signals[IN_FLIGHT_CHANGED], 0,
                 data->service_id, data->operation, in_flight);
}

static void
refresh_after_action (TwActionRunner *self,
                      RunData        *data)
{
  g_autoptr(TwRiskMonitor) monitor = g_weak_ref_get (&self->risk_monitor);

  tw_workspace_refresh (self->workspace);
  if (monitor == NULL)
    return;
  /* What this console last did, for a service that cannot say its state itself. */
  if (data->error == NULL)
    tw_risk_monitor_note_action (monitor, data->service_id, data->operation,
                                 g_hash_table_lookup (data->vars, "actor"));
  tw_risk_monitor_refresh (monitor);
}

/* Refusals before anything is sent: one "refused" row (written in a worker thread,
 * the log being thread-safe), then the error. */
static void
refuse_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TwActionRunner *self = source_object;
  RunData *data = task_data;
  g_autoptr(GError) audit_error = NULL;

  if (tw_audit_log_record (self->audit_log, data->profile, data->mode, data->action,
                           data->target, data->reason, TW_AUDIT_OUTCOME_REFUSED, 0,
                           data->error->message, &audit_error) == 0)
    g_warning ("The refusal of “%s” on %s could not be written to the audit log: %s",
               data->action, data->target, audit_error->message);

  g_task_return_error (task, g_error_copy (data->error));
}

static void
refuse (GTask   *task,
        RunData *data,
        GError  *error)
{
  data->error = error;
  g_task_run_in_thread (task, refuse_thread);
}

/* What an ok entry of @operation's multi-status answer means. */
static const char *
multi_status_verb (const char *operation)
{
  if (strstr (operation, "cancel") != NULL)
    return "canceled";
  if (strstr (operation, "close") != NULL)
    return "closed";
  return "done";
}

/* The server's message of a success body, or a plain statement of it. Written to the
 * audit log only, in English, like the default reason below (which the server keeps). */
char *
_tw_action_describe_success (JsonNode *body,
                             guint     status)
{
  if (body != NULL && JSON_NODE_HOLDS_OBJECT (body))
    {
      JsonObject *obj = json_node_get_object (body);
      static const char * const members[] = { "message", "status", "detail" };

      for (guint i = 0; i < G_N_ELEMENTS (members); i++)
        {
          JsonNode *member = json_object_get_member (obj, members[i]);

          if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
              json_node_get_value_type (member) == G_TYPE_STRING)
            return g_strdup (json_node_get_string (member));
        }
    }
  return g_strdup_printf ("Done (HTTP %u)", status);
}

static void
on_completed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwActionRunner *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* The action happened (or failed) already: a lost outcome row is reported, not
   * turned into a failure of the action. */
  if (tw_audit_log_complete_finish (TW_AUDIT_LOG (source), result, &error) == 0)
    g_warning ("The outcome of “%s” on %s could not be written to the audit log: %s",
               data->action, data->target, error->message);

  set_in_flight (self, data, FALSE);
  refresh_after_action (self, data);

  if (data->error != NULL)
    g_task_return_error (task, g_error_copy (data->error));
  else
    g_task_return_pointer (task, json_node_ref (data->body), (GDestroyNotify) json_node_unref);
}

static void
on_called (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwActionRunner *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  TwAuditOutcome outcome;
  g_autofree char *message = NULL;
  guint status;

  data->body = tw_client_call_finish (TW_CLIENT (source), result, &data->response, &data->error);
  status = data->response != NULL ? tw_http_response_get_status (data->response) : 0;

  /* A multi-status answer is as good as its entries: one refused and the action did not
   * (wholly) happen. The row says so, with each refused entry and why. */
  if (data->error == NULL && data->body != NULL && (status == 207 || data->multi != NULL))
    {
      if (data->multi == NULL)
        {
          data->multi = tw_multi_status_new (multi_status_verb (data->operation));
          /* Whole UUIDs would read as keys to the audit log's scrubber: "order 1370f5c9". */
          if (g_str_has_prefix (data->operation, "orders."))
            tw_multi_status_set_entry_noun (data->multi, "order");
        }
      /* The connector says what its broker's refusals mean. */
      tw_multi_status_set_connector (data->multi, tw_client_get_connector (TW_CLIENT (source)));
      if (!tw_multi_status_parse (data->multi, data->body, &data->error))
        {
          outcome = TW_AUDIT_OUTCOME_FAILED;
          message = g_strdup (data->error->message);
        }
      else
        {
          outcome = tw_multi_status_get_n_failed (data->multi) > 0 ? TW_AUDIT_OUTCOME_FAILED
                                                                    : TW_AUDIT_OUTCOME_OK;
          message = tw_multi_status_dup_outcome (data->multi);
        }
    }
  else if (data->error == NULL)
    {
      outcome = TW_AUDIT_OUTCOME_OK;
      message = _tw_action_describe_success (data->body, status);
    }
  else
    {
      /* The server refusing in the state it is in (409, 422, 403) is a refusal. */
      if (g_error_matches (data->error, TW_ERROR, TW_ERROR_CONFLICT) ||
          g_error_matches (data->error, TW_ERROR, TW_ERROR_FORBIDDEN))
        outcome = TW_AUDIT_OUTCOME_REFUSED;
      else
        outcome = TW_AUDIT_OUTCOME_FAILED;
      message = g_strdup (data->error->message);
    }

  tw_audit_log_complete_async (self->audit_log, data->request_id, outcome, status, message,
                               NULL, on_completed, g_steal_pointer (&task));
}

static void
on_requested (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwActionRunner *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  data->request_id = tw_audit_log_request_finish (TW_AUDIT_LOG (source), result, &error);
  if (data->request_id == 0)
    {
      /* Never act without a trail: nothing is sent. */
      set_in_flight (self, data, FALSE);
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_DATABASE,
                               _("“%s” on %s was not sent because the audit log could not "
                                 "be written (%s). Check the disk space and the permissions "
                                 "of %s."),
                               data->action, data->target, error->message,
                               tw_audit_log_get_path (self->audit_log));
      return;
    }

  /* Closed while the "requested" row was written: the row gets its outcome, nothing is sent. */
  if (self->closed)
    {
      data->error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _("“%s” on %s was not sent: the profile was closed."),
                                 data->action, data->target);
      tw_audit_log_complete_async (self->audit_log, data->request_id, TW_AUDIT_OUTCOME_FAILED, 0,
                                   data->error->message, NULL, on_completed,
                                   g_steal_pointer (&task));
      return;
    }

  g_hash_table_insert (self->recent, g_strdup (data->key),
                       g_memdup2 (&(gint64) { g_get_monotonic_time () }, sizeof (gint64)));
  cancellable = g_task_get_cancellable (task);
  tw_client_call_async (data->client, data->operation, data->vars,
                        cancellable, on_called, g_steal_pointer (&task));
}

char *
tw_action_runner_default_reason (const char *action)
{
  const TwGuardActionInfo *info = tw_guard_lookup_action (action);

  if (g_strcmp0 (action, HALT_OPERATION) == 0 || g_strcmp0 (action, "trading.halt_all") == 0)
    return g_strdup_printf ("Halted from Trade Warden by %s", g_get_user_name ());
  return g_strdup_printf ("%s from Trade Warden by %s",
                          info != NULL ? info->title : action, g_get_user_name ());
}

static void
run (TwActionRunner      *self,
     TwGuardRequest      *request,
     const char          *service_id,
     const char          *operation,
     GHashTable          *vars,
     TwMultiStatus       *multi,
     GCancellable        *cancellable,
     GAsyncReadyCallback  callback,
     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *live = NULL;
  RunData *data;
  TwClient *client;
  const char *reason;

  g_return_if_fail (TW_IS_ACTION_RUNNER (self));
  g_return_if_fail (TW_IS_GUARD_REQUEST (request));
  g_return_if_fail (service_id != NULL);
  g_return_if_fail (operation != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_action_runner_run_async);

  /* Nothing was requested: no row to write. */
  if (self->closed)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("“%s” was not sent: the profile was closed."),
                               tw_guard_request_get_action (request));
      return;
    }

  data = g_new0 (RunData, 1);
  g_task_set_task_data (task, data, run_data_free);
  data->multi = multi != NULL ? g_object_ref (multi) : NULL;
  data->service_id = g_strdup (service_id);
  data->operation = g_strdup (operation);
  data->key = make_key (service_id, operation);
  data->profile = g_strdup (tw_guard_request_get_profile_name (request));
  data->mode = tw_guard_request_get_mode (request);
  data->action = g_strdup (tw_guard_request_get_action (request));
  data->target = g_strdup (tw_guard_request_get_target (request) != NULL ?
                           tw_guard_request_get_target (request) : service_id);

  reason = tw_guard_request_get_reason (request);
  if ((reason == NULL || *reason == '\0') &&
      tw_guard_request_get_direction (request) == TW_GUARD_TOWARD_SAFETY)
    data->reason = tw_action_runner_default_reason (data->action);
  else
    data->reason = g_strdup (reason);

  client = tw_workspace_get_client (self->workspace, service_id);
  if (client == NULL || !tw_client_has_operation (client, operation))
    {
      refuse (task, data,
              g_error_new (TW_ERROR, TW_ERROR_UNSUPPORTED,
                           _("%s cannot do “%s”: its connector has no “%s” operation. "
                             "Check the service's connector in the profile editor."),
                           tw_profile_get_service_name (tw_workspace_get_profile (self->workspace),
                                                        service_id),
                           data->action, operation));
      return;
    }
  data->client = g_object_ref (client);

  if (g_hash_table_contains (self->in_flight, data->key))
    {
      refuse (task, data,
              g_error_new (TW_ERROR, TW_ERROR_REFUSED,
                           _("“%s” on %s is already in progress; wait for its result."),
                           data->action, data->target));
      return;
    }

  /* The live items are worked out here, at send time, from the services' state: a
   * caller's tick cannot make a red service green. */
  live = tw_guard_live_apply (request, self->workspace, service_id);
  if (!tw_guard_request_check (request, &error))
    {
      if (live != NULL)
        refuse (task, data, g_error_new (TW_ERROR, TW_ERROR_REFUSED,
                                         /* Translators: the guard's refusal, then what the
                                          * live checks found */
                                         _("%s Checked just now: %s."),
                                         error->message, live));
      else
        refuse (task, data, g_steal_pointer (&error));
      return;
    }

  data->vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (vars != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, vars);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (data->vars, g_strdup (key), g_strdup (value));
    }
  if (!g_hash_table_contains (data->vars, "reason") && data->reason != NULL)
    g_hash_table_insert (data->vars, g_strdup ("reason"), g_strdup (data->reason));
  if (!g_hash_table_contains (data->vars, "actor"))
    g_hash_table_insert (data->vars, g_strdup ("actor"), g_strdup (g_get_user_name ()));

  set_in_flight (self, data, TRUE);
  tw_audit_log_request_async (self->audit_log, data->profile, data->mode, data->action,
                              data->target, data->reason, NULL,
                              on_requested, g_steal_pointer (&task));
}

void
tw_action_runner_run_async (TwActionRunner      *self,
                            TwGuardRequest      *request,
                            const char          *service_id,
                            const char          *operation,
                            GHashTable          *vars,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  run (self, request, service_id, operation, vars, NULL, cancellable, callback, user_data);
}

void
tw_action_runner_run_multi_async (TwActionRunner      *self,
                                  TwGuardRequest      *request,
                                  const char          *service_id,
                                  const char          *operation,
                                  GHashTable          *vars,
                                  TwMultiStatus       *result,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (TW_IS_MULTI_STATUS (result));
  g_return_if_fail (tw_multi_status_get_n_ok (result) + tw_multi_status_get_n_failed (result) == 0);

  run (self, request, service_id, operation, vars, result, cancellable, callback, user_data);
}

/**
 * tw_action_runner_run_multi_finish:
 * @response: (out) (optional) (transfer full): the server's answer, also on error
 *
 * Returns: (transfer full): the caller's multi-status, filled with the answer's entries,
 *   or %NULL with @error
 */
TwMultiStatus *
tw_action_runner_run_multi_finish (TwActionRunner  *self,
                                   GAsyncResult    *result,
                                   TwHttpResponse **response,
                                   GError         **error)
{
  g_autoptr(JsonNode) body = NULL;
  RunData *data;

  body = tw_action_runner_run_finish (self, result, response, error);
  if (body == NULL)
    return NULL;
  data = g_task_get_task_data (G_TASK (result));
  g_return_val_if_fail (data->multi != NULL, NULL);
  return g_object_ref (data->multi);
}

/**
 * tw_action_runner_run_finish:
 * @response: (out) (optional) (transfer full): the server's answer, also on error
 *
 * Returns: (transfer full): the parsed answer, or %NULL with @error
 */
JsonNode *
tw_action_runner_run_finish (TwActionRunner  *self,
                             GAsyncResult    *result,
                             TwHttpResponse **response,
                             GError         **error)
{
  RunData *data;

  g_return_val_if_fail (TW_IS_ACTION_RUNNER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (response != NULL)
    *response = data->response != NULL ? tw_http_response_ref (data->response) : NULL;

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
tw_action_runner_is_in_flight (TwActionRunner *self,
                               const char     *service_id,
                               const char     *operation)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (TW_IS_ACTION_RUNNER (self), FALSE);
  g_return_val_if_fail (service_id != NULL && operation != NULL, FALSE);

  key = make_key (service_id, operation);
  return g_hash_table_contains (self->in_flight, key);
}

guint
tw_action_runner_get_n_in_flight (TwActionRunner *self)
{
  g_return_val_if_fail (TW_IS_ACTION_RUNNER (self), 0);

  return g_hash_table_size (self->in_flight);
}

void
tw_action_runner_close (TwActionRunner *self)
{
  g_return_if_fail (TW_IS_ACTION_RUNNER (self));

  self->closed = TRUE;
}

gboolean
tw_action_runner_did_recently (TwActionRunner *self,
                               const char     *service_id,
                               const char     *operation,
                               guint           seconds)
{
  g_autofree char *key = NULL;
  gint64 *sent;

  g_return_val_if_fail (TW_IS_ACTION_RUNNER (self), FALSE);
  g_return_val_if_fail (service_id != NULL && operation != NULL, FALSE);

  key = make_key (service_id, operation);
  sent = g_hash_table_lookup (self->recent, key);
  return sent != NULL && g_get_monotonic_time () - *sent <= (gint64) seconds * G_USEC_PER_SEC;
}

/**
 * tw_action_runner_new_request:
 *
 * Returns: (transfer full): a guard request for @action on @target in the workspace's profile
 */
TwGuardRequest *
tw_action_runner_new_request (TwActionRunner *self,
                              const char     *action,
                              const char     *target)
{
  TwProfile *profile;

  g_return_val_if_fail (TW_IS_ACTION_RUNNER (self), NULL);
  g_return_val_if_fail (action != NULL, NULL);

  profile = tw_workspace_get_profile (self->workspace);
  return tw_guard_request_new (action, target, tw_profile_get_name (profile),
                               tw_profile_get_mode (profile));
}

static void
tw_action_runner_dispose (GObject *object)
{
  TwActionRunner *self = TW_ACTION_RUNNER (object);

  g_weak_ref_set (&self->risk_monitor, NULL);
  g_clear_object (&self->workspace);
  g_clear_object (&self->audit_log);

  G_OBJECT_CLASS (tw_action_runner_parent_class)->dispose (object);
}

static void
tw_action_runner_finalize (GObject *object)
{
  TwActionRunner *self = TW_ACTION_RUNNER (object);

  g_weak_ref_clear (&self->risk_monitor);
  g_hash_table_unref (self->in_flight);
  g_hash_table_unref (self->recent);

  G_OBJECT_CLASS (tw_action_runner_parent_class)->finalize (object);
}

static void
tw_action_runner_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TwActionRunner *self = TW_ACTION_RUNNER (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      g_value_set_object (value, self->workspace);
      break;
    case PROP_AUDIT_LOG:
      g_value_set_object (value, self->audit_log);
      break;
    case PROP_RISK_MONITOR:
      g_value_take_object (value, g_weak_ref_get (&self->risk_monitor));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_action_runner_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TwActionRunner *self = TW_ACTION_RUNNER (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      self->workspace = g_value_dup_object (value);
      break;
    case PROP_AUDIT_LOG:
      self->audit_log = g_value_dup_object (value);
      break;
    case PROP_RISK_MONITOR:
      tw_action_runner_set_risk_monitor (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_action_runner_class_init (TwActionRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = tw_action_runner_dispose;
  object_class->finalize = tw_action_runner_finalize;
  object_class->get_property = tw_action_runner_get_property;
  object_class->set_property = tw_action_runner_set_property;

  properties[PROP_WORKSPACE] =
    g_param_spec_object ("workspace", NULL, NULL, TW_TYPE_WORKSPACE, construct);
  properties[PROP_AUDIT_LOG] =
    g_param_spec_object ("audit-log", NULL, NULL, TW_TYPE_AUDIT_LOG, construct);
  properties[PROP_RISK_MONITOR] =
    g_param_spec_object ("risk-monitor", NULL, NULL, TW_TYPE_RISK_MONITOR,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TwActionRunner::in-flight-changed:
   * @service_id: the service
   * @operation: the connector operation
   * @in_flight: whether an action is now in flight for them
   */
  signals[IN_FLIGHT_CHANGED] =
    g_signal_new ("in-flight-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN);

  /**
   * TwActionRunner::halt-result:
   * @result: one service's result of a halt (all), as soon as it is known
   *
   * Emitted for each service of a tw_action_runner_halt_all_async() (or
   * tw_action_runner_halt_services_async()) the moment its result is known, before the
   * whole finishes: a service that got no answer is emitted as "unknown" and again when
   * its state was read back.
   */
  signals[HALT_RESULT] =
    g_signal_new ("halt-result", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TW_TYPE_ACTION_RESULT);
}

void
_tw_action_runner_emit_halt_result (TwActionRunner *self,
                                    TwActionResult *result)
{
  g_signal_emit (self, signals[HALT_RESULT], 0, result);
}

static void
tw_action_runner_init (TwActionRunner *self)
{
  g_weak_ref_init (&self->risk_monitor, NULL);
  self->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->recent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

TwActionRunner *
tw_action_runner_new (TwWorkspace *workspace,
                      TwAuditLog  *audit_log)
{
  g_return_val_if_fail (TW_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (TW_IS_AUDIT_LOG (audit_log), NULL);

  return g_object_new (TW_TYPE_ACTION_RUNNER,
                       "workspace", workspace,
                       "audit-log", audit_log,
                       NULL);
}

/** tw_action_runner_get_workspace: Returns: (transfer none) */
TwWorkspace *
tw_action_runner_get_workspace (TwActionRunner *self)
{
  g_return_val_if_fail (TW_IS_ACTION_RUNNER (self), NULL);

  return self->workspace;
}

/** tw_action_runner_get_audit_log: Returns: (transfer none) */
TwAuditLog *
tw_action_runner_get_audit_log (TwActionRunner *self)
{
  g_return_val_if_fail (TW_IS_ACTION_RUNNER (self), NULL);

  return self->audit_log;
}

/* The last actions of this profile in the audit log, newest first: a service that cannot
 * report its state starts with what this console last did to it, not with nothing. */
static void
on_last_actions (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(TwRiskMonitor) monitor = g_weak_ref_get (ref);
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (ref);
  g_free (ref);
  rows = tw_audit_log_query_finish (TW_AUDIT_LOG (source), result, &error);
  if (rows == NULL)
    {
      g_debug ("The last actions could not be read from the audit log: %s", error->message);
      return;
    }
  if (monitor == NULL)
    return;
  /* Oldest first, so the newest of each service is noted last. */
  for (guint i = g_list_model_get_n_items (rows); i > 0; i--)
    {
      g_autoptr(TwAuditRecord) row = g_list_model_get_item (rows, i - 1);
      TwTradingState *state = tw_risk_monitor_lookup (monitor, tw_audit_record_get_target (row));
      g_autoptr(GDateTime) at = NULL;

      if (state == NULL || tw_trading_state_get_reported (state) ||
          !tw_risk_monitor_is_noted_action (tw_audit_record_get_action (row)))
        continue;
      at = tw_audit_record_dup_time (row);
      g_object_set (state, "last-action-at", at, "last-action-by", tw_audit_record_get_actor (row),
                    "last-action", tw_audit_record_get_action (row), NULL);
    }
}

static void
read_last_actions (TwActionRunner *self,
                   TwRiskMonitor  *monitor)
{
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  filter.profile = tw_profile_get_name (tw_workspace_get_profile (self->workspace));
  filter.outcome = TW_AUDIT_OUTCOME_OK;
  filter.limit = 500;
  g_weak_ref_init (ref, monitor);
  tw_audit_log_query_async (self->audit_log, &filter, NULL, on_last_actions, ref);
}

void
tw_action_runner_set_risk_monitor (TwActionRunner *self,
                                   TwRiskMonitor  *monitor)
{
  g_autoptr(TwRiskMonitor) old = NULL;

  g_return_if_fail (TW_IS_ACTION_RUNNER (self));
  g_return_if_fail (monitor == NULL || TW_IS_RISK_MONITOR (monitor));

  old = g_weak_ref_get (&self->risk_monitor);
  if (old == monitor)
    return;
  g_weak_ref_set (&self->risk_monitor, monitor);
  if (monitor != NULL && self->audit_log != NULL)
    read_last_actions (self, monitor);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RISK_MONITOR]);
}

TwRiskMonitor *
tw_action_runner_dup_risk_monitor (TwActionRunner *self)
{
  g_return_val_if_fail (TW_IS_ACTION_RUNNER (self), NULL);

  return g_weak_ref_get (&self->risk_monitor);
}
