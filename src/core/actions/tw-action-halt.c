/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-action-runner.h"

#include <glib/gi18n-lib.h>

#include "tw-action-private.h"
#include "tw-error.h"

/* Halt all (and the retry of some): one guarded "trading.halt" per service, in parallel,
 * one result per service of the profile in its order — those that cannot be halted from
 * here included, never left out. Each result is emitted ("halt-result") the moment it is
 * known. A request that got no answer in time may have reached the service: its outcome
 * is unknown until the service's state is read back (the risk monitor, polled at once
 * after every action), and the read-back decides it — and gets its own audit row. */

#define HALT_OPERATION "trading.halt"
/* How long a read-back may take before the outcome stays unknown: one poll's timeout and
 * a margin for a poll already on the wire. */
#define READBACK_TIMEOUT_MS (2 * TW_HTTP_DEFAULT_TIMEOUT_MS + 2000)
/* Answers showing the service still trading before that is believed: the first may come
 * from a poll sent before the halt reached it. */
#define READBACK_ANSWERS 2

typedef struct
{
  GPtrArray *results;   /* slots, NULL until that service's result is known */
  guint      pending;
} HaltAll;

typedef struct
{
  GTask          *task;
  guint           index;
  char           *service_id;
  char           *service_name;
  char           *reason;
  gint64          started;
  gboolean        was_halted;
  double          latency_ms;
  /* the read-back after no answer */
  TwTradingState *state;
  gulong          updated_id;
  gulong          error_id;
  gulong          cancel_id;
  guint           timeout_id;
  guint           answers;
  gboolean        concluded;
} HaltOne;

static void
halt_all_free (gpointer user_data)
{
  HaltAll *all = user_data;

  g_ptr_array_unref (all->results);
  g_free (all);
}

static void
halt_all_done_one (GTask *task)
{
  HaltAll *all = g_task_get_task_data (task);

  g_assert (all->pending > 0);
  if (--all->pending == 0)
    g_task_return_pointer (task, g_ptr_array_ref (all->results),
                           (GDestroyNotify) g_ptr_array_unref);
}

/* A result known before the whole is: emitted at once. */
static void
emit (GTask          *task,
      TwActionResult *result)
{
  _tw_action_runner_emit_halt_result (g_task_get_source_object (task), result);
}

/* @one's final result: in its slot, emitted, and @one freed. */
static void
finish_one (HaltOne        *one,
            TwActionResult *result)
{
  GTask *task = one->task;
  HaltAll *all = g_task_get_task_data (task);

  g_ptr_array_index (all->results, one->index) = result;
  emit (task, result);

  g_clear_object (&one->state);
  g_free (one->service_id);
  g_free (one->service_name);
  g_free (one->reason);
  g_free (one);

  halt_all_done_one (task);
  g_object_unref (task);
}

static void
record_read_back (HaltOne        *one,
                  TwAuditOutcome  outcome,
                  const char     *message)
{
  TwActionRunner *self = g_task_get_source_object (one->task);
  TwProfile *profile = tw_workspace_get_profile (tw_action_runner_get_workspace (self));
  g_autoptr(GError) error = NULL;

  if (tw_audit_log_record (tw_action_runner_get_audit_log (self), tw_profile_get_name (profile),
                           tw_profile_get_mode (profile), HALT_OPERATION, one->service_id,
                           one->reason, outcome, 0, message, &error) == 0)
    g_warning ("The read-back of “%s” on %s could not be written to the audit log: %s",
               HALT_OPERATION, one->service_id, error->message);
}

static void
read_back_conclude (HaltOne         *one,
                    TwActionOutcome  outcome,
                    const char      *message)
{
  if (one->concluded)
    return;
  one->concluded = TRUE;
  g_clear_signal_handler (&one->updated_id, one->state);
  g_clear_signal_handler (&one->error_id, one->state);
  g_clear_handle_id (&one->timeout_id, g_source_remove);
  /* Never from the "cancelled" handler itself: that one goes through an idle. */
  if (one->cancel_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (one->task), one->cancel_id);
  one->cancel_id = 0;

  /* The audit log follows what the read-back showed; an unknown stays the request's
   * "failed" row (no answer) alone. */
  if (outcome == TW_ACTION_OUTCOME_DONE)
    record_read_back (one, TW_AUDIT_OUTCOME_OK, "Read back after no answer: halted");
  else if (outcome == TW_ACTION_OUTCOME_FAILED)
    record_read_back (one, TW_AUDIT_OUTCOME_FAILED, "Read back after no answer: still trading");

  finish_one (one, _tw_action_result_new_full (one->service_id, one->service_name, outcome,
                                               outcome != TW_ACTION_OUTCOME_UNKNOWN, 0, message,
                                               one->latency_ms));
}

static void
read_back_updated_cb (TwTradingState *state,
                      GParamSpec     *pspec,
                      HaltOne        *one)
{
  TwActionRunner *self = g_task_get_source_object (one->task);
  g_autoptr(TwRiskMonitor) monitor = NULL;

  if (tw_trading_state_is_halted (state))
    {
      read_back_conclude (one, TW_ACTION_OUTCOME_DONE,
                          _("No answer in time, but its state read back shows it halted."));
      return;
    }
  if (++one->answers >= READBACK_ANSWERS)
    {
      read_back_conclude (one, TW_ACTION_OUTCOME_FAILED,
                          _("No answer in time, and its state read back shows it still "
                            "trading. Halt it again."));
      return;
    }
  /* That answer may have left before the halt arrived: ask once more. */
  monitor = tw_action_runner_dup_risk_monitor (self);
  if (monitor != NULL)
    tw_risk_monitor_refresh (monitor);
}

static void
read_back_error_cb (TwTradingState *state,
                    GParamSpec     *pspec,
                    HaltOne        *one)
{
  g_autofree char *error = NULL;
  g_autofree char *message = NULL;

  g_object_get (state, "last-error", &error, NULL);
  if (error == NULL)
    return;
  /* Translators: %s says why the state could not be read */
  message = g_strdup_printf (_("No answer in time, and its state could not be read back "
                               "(%s): it may or may not have halted."), error);
  read_back_conclude (one, TW_ACTION_OUTCOME_UNKNOWN, message);
}

static gboolean
read_back_timeout_cb (gpointer user_data)
{
  HaltOne *one = user_data;

  one->timeout_id = 0;
  read_back_conclude (one, TW_ACTION_OUTCOME_UNKNOWN,
                      _("No answer in time, and its state did not come back either: it may "
                        "or may not have halted."));
  return G_SOURCE_REMOVE;
}

static gboolean
read_back_cancelled_idle (gpointer user_data)
{
  HaltOne *one = user_data;

  one->timeout_id = 0;
  read_back_conclude (one, TW_ACTION_OUTCOME_UNKNOWN,
                      _("No answer in time; its state was not read back (cancelled): it may "
                        "or may not have halted."));
  return G_SOURCE_REMOVE;
}

/* Concluded from an idle in the timeout's place (a handler cannot disconnect itself), so
 * a conclusion before it runs removes it. */
static void
read_back_cancelled_cb (GCancellable *cancellable,
                        HaltOne      *one)
{
  g_clear_handle_id (&one->timeout_id, g_source_remove);
  one->timeout_id = g_idle_add (read_back_cancelled_idle, one);
}

/* No answer: the request may have reached the service. Unknown for now (emitted at once),
 * then what its state shows once read back. */
static void
read_back (HaltOne      *one,
           const GError *error)
{
  TwActionRunner *self = g_task_get_source_object (one->task);
  g_autoptr(TwRiskMonitor) monitor = tw_action_runner_dup_risk_monitor (self);
  g_autoptr(TwActionResult) interim = NULL;
  g_autoptr(GDateTime) updated = NULL;
  GCancellable *cancellable = g_task_get_cancellable (one->task);
  TwTradingState *state = monitor != NULL ? tw_risk_monitor_lookup (monitor, one->service_id) : NULL;

  if (state != NULL)
    g_object_get (state, "updated-at", &updated, NULL);
  /* Nothing follows its state (no monitor, or one that never polled it): unknown it stays. */
  if (state == NULL || updated == NULL)
    {
      g_autofree char *message =
        /* Translators: %s is the error (e.g. a timeout) */
        g_strdup_printf (_("No answer in time (%s): it may or may not have halted. Check its "
                           "state before acting again."), error->message);

      finish_one (one, _tw_action_result_new_full (one->service_id, one->service_name,
                                                   TW_ACTION_OUTCOME_UNKNOWN, FALSE, 0, message,
                                                   one->latency_ms));
      return;
    }

  interim = _tw_action_result_new_full (one->service_id, one->service_name,
                                        TW_ACTION_OUTCOME_UNKNOWN, FALSE, 0,
                                        _("No answer in time: reading its state back…"),
                                        one->latency_ms);
  emit (one->task, interim);

  one->state = g_object_ref (state);
  one->updated_id = g_signal_connect (state, "notify::updated-at",
                                      G_CALLBACK (read_back_updated_cb), one);
  one->error_id = g_signal_connect (state, "notify::last-error",
                                    G_CALLBACK (read_back_error_cb), one);
  one->timeout_id = g_timeout_add (READBACK_TIMEOUT_MS, read_back_timeout_cb, one);
  if (cancellable != NULL)
    one->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (read_back_cancelled_cb),
                                            one, NULL);
  /* The runner polled every service when the action ended; this one at once again, so
   * the first answer is one sent after the request timed out. */
  tw_risk_monitor_refresh (monitor);
}

static void
on_halt_one (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  HaltOne *one = user_data;
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  guint status;
  TwActionOutcome outcome;

  one->latency_ms = (g_get_monotonic_time () - one->started) / 1000.0;
  body = tw_action_runner_run_finish (TW_ACTION_RUNNER (source), result, &response, &error);
  status = response != NULL ? tw_http_response_get_status (response) : 0;

  if (g_error_matches (error, TW_ERROR, TW_ERROR_TIMEOUT))
    {
      read_back (one, error);
      return;
    }

  message = error != NULL ? g_strdup (error->message) : _tw_action_describe_success (body, status);
  if (error != NULL)
    outcome = TW_ACTION_OUTCOME_FAILED;
  else
    outcome = one->was_halted ? TW_ACTION_OUTCOME_ALREADY : TW_ACTION_OUTCOME_DONE;
  finish_one (one, _tw_action_result_new_full (one->service_id, one->service_name, outcome,
                                               FALSE, status, message, one->latency_ms));
}

static gboolean
wanted (const char * const *service_ids,
        const char         *service_id)
{
  return service_ids == NULL || g_strv_contains (service_ids, service_id);
}

/**
 * tw_action_runner_halt_services_async:
 * @service_ids: (nullable) (array zero-terminated=1): the services to halt; NULL: all
 *
 * As tw_action_runner_halt_all_async(), for @service_ids alone (a Retry).
 */
void
tw_action_runner_halt_services_async (TwActionRunner      *self,
                                      const char          *reason,
                                      const char * const  *service_ids,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *default_reason = NULL;
  g_autoptr(TwRiskMonitor) monitor = NULL;
  TwWorkspace *workspace;
  GListModel *services;
  HaltAll *all;
  guint n;

  g_return_if_fail (TW_IS_ACTION_RUNNER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_action_runner_halt_all_async);

  if (reason == NULL || *reason == '\0')
    reason = default_reason = tw_action_runner_default_reason ("trading.halt_all");

  all = g_new0 (HaltAll, 1);
  all->results = g_ptr_array_new_with_free_func (g_object_unref);
  g_task_set_task_data (task, all, halt_all_free);

  /* One pending for the loop itself, so no answer can finish the task early. */
  all->pending = 1;
  workspace = tw_action_runner_get_workspace (self);
  monitor = tw_action_runner_dup_risk_monitor (self);
  services = tw_workspace_get_services (workspace);
  n = g_list_model_get_n_items (services);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      const char *service_id = tw_service_get_id (service);
      TwClient *client = tw_workspace_get_client (workspace, service_id);
      g_autoptr(TwGuardRequest) request = NULL;
      TwTradingState *state = NULL;
      HaltOne *one;

      if (!wanted (service_ids, service_id))
        continue;

      if (client == NULL || !tw_client_has_operation (client, HALT_OPERATION))
        {
          /* Never left out: the operator must stop it some other way. */
          TwActionResult *result =
            client == NULL
            ? _tw_action_result_new_full (service_id, tw_service_get_name (service),
                                          TW_ACTION_OUTCOME_FAILED, FALSE, 0,
                                          _("Not sent: Trade Warden has no connection to it. "
                                            "Check its address and credentials in the profile."),
                                          0)
            : _tw_action_result_new_full (service_id, tw_service_get_name (service),
                                          TW_ACTION_OUTCOME_UNSUPPORTED, FALSE, 0,
                                          _("Its connector has no halt operation. Stop its "
                                            "trading where it runs, as its runbook says."),
                                          0);

          g_ptr_array_add (all->results, result);
          emit (task, result);
          continue;
        }

      request = tw_action_runner_new_request (self, HALT_OPERATION, service_id);
      tw_guard_request_set_reason (request, reason);

      one = g_new0 (HaltOne, 1);
      one->task = g_object_ref (task);
      one->index = all->results->len;
      one->service_id = g_strdup (service_id);
      one->service_name = g_strdup (tw_service_get_name (service));
      one->reason = g_strdup (reason);
      one->started = g_get_monotonic_time ();
      if (monitor != NULL)
        state = tw_risk_monitor_lookup (monitor, service_id);
      if (state != NULL)
        {
          g_autoptr(GDateTime) updated = NULL;

          g_object_get (state, "updated-at", &updated, NULL);
          one->was_halted = updated != NULL && tw_trading_state_is_halted (state);
        }
      g_ptr_array_add (all->results, NULL);
      all->pending++;

      tw_action_runner_run_async (self, request, one->service_id, HALT_OPERATION, NULL,
                                  cancellable, on_halt_one, one);
    }

  halt_all_done_one (task);
}

void
tw_action_runner_halt_all_async (TwActionRunner      *self,
                                 const char          *reason,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  tw_action_runner_halt_services_async (self, reason, NULL, cancellable, callback, user_data);
}

/**
 * tw_action_runner_halt_all_finish:
 *
 * Returns: (transfer full) (element-type TwActionResult): one result per service of the
 *   profile (or of those asked for), in the profile's order
 */
GPtrArray *
tw_action_runner_halt_all_finish (TwActionRunner  *self,
                                  GAsyncResult    *result,
                                  GError         **error)
{
  g_return_val_if_fail (TW_IS_ACTION_RUNNER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
