/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-flatten.h"

#include <glib/gi18n-lib.h>

#include "tw-error.h"
#include "tw-flatten-private.h"
#include "tw-portfolio-private.h"

/* ---- TwFlatten ---- */

enum { STEP_HALT, STEP_CANCEL, STEP_CLOSE, N_STEPS };

struct _TwFlatten
{
  GObject         parent_instance;

  TwActionRunner *runner;
  TwPortfolio    *portfolio;
  char           *service_id;
  TwGuardRequest *request;
  GListStore     *steps;
  gboolean        running;
  gboolean        started;
  char           *result;
};

G_DEFINE_FINAL_TYPE (TwFlatten, tw_flatten, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVICE_ID,
  PROP_STEPS,
  PROP_RUNNING,
  PROP_RESULT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tw_flatten_dispose (GObject *object)
{
  TwFlatten *self = TW_FLATTEN (object);

  g_clear_object (&self->runner);
  g_clear_object (&self->portfolio);
  g_clear_object (&self->request);

  G_OBJECT_CLASS (tw_flatten_parent_class)->dispose (object);
}

static void
tw_flatten_finalize (GObject *object)
{
  TwFlatten *self = TW_FLATTEN (object);

  g_free (self->service_id);
  g_free (self->result);
  g_clear_object (&self->steps);

  G_OBJECT_CLASS (tw_flatten_parent_class)->finalize (object);
}

static void
tw_flatten_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  TwFlatten *self = TW_FLATTEN (object);

  switch (prop_id)
    {
    case PROP_SERVICE_ID: g_value_set_string (value, self->service_id); break;
    case PROP_STEPS:      g_value_set_object (value, self->steps); break;
    case PROP_RUNNING:    g_value_set_boolean (value, self->running); break;
    case PROP_RESULT:     g_value_set_string (value, self->result); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_flatten_class_init (TwFlattenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = tw_flatten_dispose;
  object_class->finalize = tw_flatten_finalize;
  object_class->get_property = tw_flatten_get_property;

  properties[PROP_SERVICE_ID] = g_param_spec_string ("service-id", NULL, NULL, NULL, ro);
  properties[PROP_STEPS] = g_param_spec_object ("steps", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  properties[PROP_RESULT] = g_param_spec_string ("result", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_flatten_init (TwFlatten *self)
{
  g_autoptr(TwFlattenStep) halt = NULL;
  g_autoptr(TwFlattenStep) cancel = NULL;
  g_autoptr(TwFlattenStep) close = NULL;

  self->steps = g_list_store_new (TW_TYPE_FLATTEN_STEP);
  /* The titles are static: gettext's strings live as long as the process. */
  halt = _tw_flatten_step_new ("trading.halt", _("Suspend new orders"), _("Waiting"));
  cancel = _tw_flatten_step_new ("orders.cancel_all", _("Cancel all orders"),
                     _("Waiting for new orders to be suspended"));
  close = _tw_flatten_step_new ("positions.close_all", _("Close all positions"),
                    _("Waiting for the orders to be canceled"));
  g_list_store_append (self->steps, halt);
  g_list_store_append (self->steps, cancel);
  g_list_store_append (self->steps, close);
}

TwFlatten *
tw_flatten_new (TwActionRunner *runner,
                TwPortfolio    *portfolio,
                const char     *service_id,
                TwGuardRequest *request)
{
  TwFlatten *self;

  g_return_val_if_fail (TW_IS_ACTION_RUNNER (runner), NULL);
  g_return_val_if_fail (TW_IS_PORTFOLIO (portfolio), NULL);
  g_return_val_if_fail (service_id != NULL, NULL);
  g_return_val_if_fail (TW_IS_GUARD_REQUEST (request), NULL);

  self = g_object_new (TW_TYPE_FLATTEN, NULL);
  self->runner = g_object_ref (runner);
  self->portfolio = g_object_ref (portfolio);
  self->service_id = g_strdup (service_id);
  self->request = g_object_ref (request);
  return self;
}

GListModel *
tw_flatten_get_steps (TwFlatten *self)
{
  g_return_val_if_fail (TW_IS_FLATTEN (self), NULL);
  return G_LIST_MODEL (self->steps);
}

gboolean
tw_flatten_get_running (TwFlatten *self)
{
  g_return_val_if_fail (TW_IS_FLATTEN (self), FALSE);
  return self->running;
}

const char *
tw_flatten_get_result (TwFlatten *self)
{
  g_return_val_if_fail (TW_IS_FLATTEN (self), NULL);
  return self->result;
}

/* ---- the run ---- */

typedef struct
{
  gint64         audit_id;
  guint          step;
  GError        *error;          /* the hard failure that stopped the run */
  TwMultiStatus *closes;         /* built entry by entry without positions.close_all */
  GPtrArray     *to_close;       /* (element-type TwPosition) idem */
  guint          close_index;
  GPtrArray     *left_open;      /* (element-type utf8) from the verification read */
  TwMultiStatus *cancels;        /* the cancel step's result, knowing the open orders */
  gboolean       orders_read;
  gboolean       verified;
  gboolean       orders_verified; /* the orders read back after the last step */
  guint          orders_left;     /* idem: how many still open */
  gboolean       flat;
} RunData;

static void
run_data_free (RunData *data)
{
  g_clear_error (&data->error);
  g_clear_object (&data->closes);
  g_clear_pointer (&data->to_close, g_ptr_array_unref);
  g_clear_pointer (&data->left_open, g_ptr_array_unref);
  g_clear_object (&data->cancels);
  g_free (data);
}

static TwFlattenStep *
get_step (TwFlatten *self,
          guint      index)
{
  g_autoptr(TwFlattenStep) step = g_list_model_get_item (G_LIST_MODEL (self->steps), index);

  return step;   /* the store keeps it alive */
}

static const char *
name_of_service (TwFlatten *self)
{
  return tw_profile_get_service_name (
    tw_workspace_get_profile (tw_action_runner_get_workspace (self->runner)), self->service_id);
}

static TwClient *
client_of (TwFlatten *self)
{
  return tw_workspace_get_client (tw_action_runner_get_workspace (self->runner), self->service_id);
}

static void
set_running (TwFlatten *self,
             gboolean   running)
{
  if (self->running == running)
    return;
  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static TwGuardRequest *
step_request (TwFlatten  *self,
              const char *action,
              const char *target)
{
  TwGuardRequest *request = tw_action_runner_new_request (self->runner, action, target);

  tw_guard_request_set_reason (request, tw_guard_request_get_reason (self->request));
  tw_guard_request_set_typed_confirmation (request,
                                           tw_guard_request_get_typed_confirmation (self->request));
  return request;
}

static void run_step (GTask *task);
static void finish (GTask *task);

static void
stop_with (GTask  *task,
           GError *error)
{
  TwFlatten *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  TwFlattenStep *failed = get_step (self, data->step);
  /* Translators: %s is a step's title, e.g. "Suspend new orders" */
  g_autofree char *why = g_strdup_printf (_("Not started: “%s” failed"),
                                          tw_flatten_step_get_title (failed));

  _tw_flatten_step_set (failed, TW_FLATTEN_STEP_FAILED, error->message, NULL);
  for (guint i = data->step + 1; i < N_STEPS; i++)
    _tw_flatten_step_set (get_step (self, i), TW_FLATTEN_STEP_PENDING, why, NULL);
  data->error = error;
  finish (task);
}

static void
on_step_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwFlatten *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  TwFlattenStep *step = get_step (self, data->step);
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TwMultiStatus) status = NULL;
  g_autofree char *summary = NULL;

  /* Cancel all and close all answer 207: the runner reads it (and audits each entry). */
  if (data->step == STEP_HALT)
    body = tw_action_runner_run_finish (self->runner, result, &response, &error);
  else
    status = tw_action_runner_run_multi_finish (self->runner, result, &response, &error);
  if (body == NULL && status == NULL)
    {
      stop_with (g_steal_pointer (&task),
                 _tw_portfolio_explain_error (self->portfolio, self->service_id,
                                              tw_flatten_step_get_operation (step), error,
                                              response ? tw_http_response_get_status (response) : 0));
      return;
    }

  if (data->step == STEP_HALT)
    _tw_flatten_step_set (step, TW_FLATTEN_STEP_OK, _("New orders suspended"), NULL);
  else
    {
      summary = tw_multi_status_dup_summary (status);
      _tw_flatten_step_set (step,
                            tw_multi_status_get_n_failed (status) > 0 ? TW_FLATTEN_STEP_PARTIAL
                                                                      : TW_FLATTEN_STEP_OK,
                            summary, status);
    }

  data->step++;
  run_step (g_steal_pointer (&task));
}

static void close_next (GTask *task);

/* The answer of a list read (@operation) as objects of @type; NULL with @error set when the
 * read failed, or without when the answer does not map. */
static GPtrArray *
finish_list (GObject       *source,
             GAsyncResult  *result,
             const char    *operation,
             GType          type,
             GError       **error)
{
  g_autoptr(JsonNode) body = tw_client_call_finish (TW_CLIENT (source), result, NULL, error);
  const TwOperation *op;

  if (body == NULL)
    return NULL;
  op = tw_connector_get_operation (tw_client_get_connector (TW_CLIENT (source)), operation);
  return tw_operation_map_list (op, body, type, NULL);
}

/* The open orders as the broker has them now, new orders suspended: the cancel step's
 * refusals are named by what they are (a read: not guarded). A failed read only costs
 * the names. */
static void
on_orders_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwFlatten *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) orders = finish_list (source, result, "orders.list", TW_TYPE_ORDER, &error);

  if (orders != NULL)
    _tw_portfolio_know_orders (data->cancels, orders);
  else if (error != NULL)
    g_debug ("The open orders of %s could not be read before cancelling them: %s",
             self->service_id, error->message);
  run_step (g_steal_pointer (&task));
}

static void
on_one_closed (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwFlatten *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  TwPosition *position = g_ptr_array_index (data->to_close, data->close_index);
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TwMultiStatusItem) item = NULL;

  body = tw_action_runner_run_finish (self->runner, result, &response, &error);
  if (body != NULL)
    {
      JsonNode *id = JSON_NODE_HOLDS_OBJECT (body)
                     ? json_object_get_member (json_node_get_object (body), "order_id") : NULL;
      gboolean is_string = id != NULL && JSON_NODE_HOLDS_VALUE (id) &&
                           json_node_get_value_type (id) == G_TYPE_STRING;

      item = tw_multi_status_item_new (tw_position_get_symbol (position),
                                       response ? tw_http_response_get_status (response) : 200,
                                       NULL, is_string ? json_node_get_string (id) : NULL);
    }
  else
    {
      g_autoptr(GError) explained =
        _tw_portfolio_explain_error (self->portfolio, self->service_id, "positions.close", error,
                                     response ? tw_http_response_get_status (response) : 0);

      item = tw_multi_status_item_new (tw_position_get_symbol (position),
                                       response ? tw_http_response_get_status (response) : 0,
                                       explained->message, NULL);
    }
  tw_multi_status_add (data->closes, item);
  data->close_index++;
  close_next (g_steal_pointer (&task));
}

/* Without "positions.close_all": one guarded "positions.close" per position. */
static void
close_next (GTask *task)
{
  TwFlatten *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  TwFlattenStep *step = get_step (self, STEP_CLOSE);
  g_autofree char *summary = tw_multi_status_dup_summary (data->closes);
  g_autoptr(GHashTable) vars = NULL;
  g_autoptr(TwGuardRequest) request = NULL;
  g_autofree char *target = NULL;
  TwPosition *position;

  if (data->close_index >= data->to_close->len)
    {
      _tw_flatten_step_set (step,
                            tw_multi_status_get_n_failed (data->closes) > 0 ? TW_FLATTEN_STEP_PARTIAL
                                                                            : TW_FLATTEN_STEP_OK,
                            summary, data->closes);
      data->step++;
      run_step (task);
      return;
    }

  _tw_flatten_step_set (step, TW_FLATTEN_STEP_RUNNING, summary, data->closes);
  position = g_ptr_array_index (data->to_close, data->close_index);
  target = g_strdup_printf ("%s:%s", self->service_id, tw_position_get_symbol (position));
  request = step_request (self, "positions.close", target);
  vars = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (vars, "symbol", (gpointer) tw_position_get_symbol (position));
  tw_action_runner_run_async (self->runner, request, self->service_id, "positions.close", vars,
                              g_task_get_cancellable (task), on_one_closed, task);
}

static void
run_step (GTask *task)
{
  TwFlatten *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  TwClient *client = client_of (self);
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(GHashTable) vars = NULL;
  TwFlattenStep *step;

  if (data->step >= N_STEPS)
    {
      finish (task);
      return;
    }

  step = get_step (self, data->step);
  if (client == NULL)
    {
      stop_with (task, g_error_new (TW_ERROR, TW_ERROR_UNSUPPORTED,
                                    _("%s has no working connector; check it in the profile "
                                      "editor"),
                                    name_of_service (self)));
      return;
    }

  switch (data->step)
    {
    case STEP_HALT:
      if (!tw_client_has_operation (client, "trading.halt"))
        {
          stop_with (task, g_error_new (TW_ERROR, TW_ERROR_UNSUPPORTED,
                                        _("%s cannot suspend new orders (its connector has no "
                                          "“trading.halt”); cancelling and closing without it "
                                          "would race new orders, so nothing was sent"),
                                        name_of_service (self)));
          return;
        }
      break;

    case STEP_CANCEL:
      if (!tw_client_has_operation (client, "orders.cancel_all"))
        {
          _tw_flatten_step_set (step, TW_FLATTEN_STEP_SKIPPED,
                                _("Skipped: this connector cannot cancel all orders (no “orders.cancel_all”). "
                                  "Orders may still be open: look at the Orders page."),
                                NULL);
          data->step++;
          run_step (task);
          return;
        }
      if (data->cancels == NULL)
        data->cancels = _tw_portfolio_new_cancel_results (self->portfolio, self->service_id);
      if (!data->orders_read && tw_client_has_operation (client, "orders.list"))
        {
          data->orders_read = TRUE;
          _tw_flatten_step_set (step, TW_FLATTEN_STEP_RUNNING, _("Reading the open orders…"), NULL);
          tw_client_call_async (client, "orders.list", NULL, g_task_get_cancellable (task),
                                on_orders_read, task);
          return;
        }
      break;

    case STEP_CLOSE:
      if (!tw_client_has_operation (client, "positions.close_all"))
        {
          if (!tw_client_has_operation (client, "positions.close"))
            {
              stop_with (task, g_error_new (TW_ERROR, TW_ERROR_UNSUPPORTED,
                                            _("%s cannot close positions (its connector has no "
                                              "“positions.close_all” or “positions.close”)"),
                                            name_of_service (self)));
              return;
            }
          data->closes = tw_multi_status_new ("closed");
          data->to_close = _tw_portfolio_list_positions (self->portfolio, self->service_id);
          data->close_index = 0;
          close_next (task);
          return;
        }
      vars = g_hash_table_new (g_str_hash, g_str_equal);
      g_hash_table_insert (vars, "cancel_orders", "true");
      break;

    default:
      g_assert_not_reached ();
    }

  _tw_flatten_step_set (step, TW_FLATTEN_STEP_RUNNING, _("Sending…"), NULL);
  request = step_request (self, tw_flatten_step_get_operation (step), self->service_id);
  if (data->step == STEP_HALT)
    tw_action_runner_run_async (self->runner, request, self->service_id,
                                tw_flatten_step_get_operation (step), vars,
                                g_task_get_cancellable (task), on_step_done, task);
  else
    {
      /* The orders named as the portfolio knows them; positions by their symbols. */
      g_autoptr(TwMultiStatus) results =
        data->step == STEP_CANCEL ? g_object_ref (data->cancels) : tw_multi_status_new ("closed");

      tw_action_runner_run_multi_async (self->runner, request, self->service_id,
                                        tw_flatten_step_get_operation (step), vars, results, g_task_get_cancellable (task), on_step_done,
                                        task);
    }
}

static char *
join_ids (GPtrArray *ids)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", (char *) g_ptr_array_index (ids, i));
  return g_string_free (text, FALSE);
}

/* Between the parts of what is left open. */
static void
append_separator (GString *left)
{
  if (left->len > 0)
    g_string_append (left, "; ");
}

/* The refused entries as people know them ("sell 5 TSLA stop (order b83a1f2c)"). */
static GPtrArray *
dup_failed_labels (TwMultiStatus *status)
{
  GListModel *items = tw_multi_status_get_items (status);
  GPtrArray *labels = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(TwMultiStatusItem) item = g_list_model_get_item (items, i);

      if (!tw_multi_status_item_get_ok (item))
        g_ptr_array_add (labels, g_strdup (tw_multi_status_item_get_label (item)));
    }
  return labels;
}

/* The final word: what is left open, exactly. Sets data->flat. */
static char *
describe_result (TwFlatten *self,
                 RunData   *data)
{
  g_autoptr(GString) left = g_string_new (NULL);
  TwFlattenStep *halt = get_step (self, STEP_HALT);
  TwFlattenStep *cancel = get_step (self, STEP_CANCEL);
  TwFlattenStep *close = get_step (self, STEP_CLOSE);
  TwMultiStatus *cancel_result = tw_flatten_step_get_result (cancel);
  const char *name = name_of_service (self);

  data->flat = FALSE;
  if (tw_flatten_step_get_state (halt) != TW_FLATTEN_STEP_OK)
    return g_strdup_printf (_("%s was not flattened: new orders could not be suspended (%s). "
                              "Nothing was canceled or closed; every order and position is "
                              "still open."), name,
                            data->error != NULL ? data->error->message
                                                : tw_flatten_step_get_summary (halt));

  if (cancel_result != NULL && tw_multi_status_get_n_failed (cancel_result) > 0)
    {
      g_autoptr(GPtrArray) ids = dup_failed_labels (cancel_result);
      g_autofree char *joined = join_ids (ids);

      /* Translators: %s lists order ids */
      g_string_append_printf (left, _("orders still open: %s"), joined);
    }
  else if (data->orders_verified)
    {
      /* Read back after the last step: the broker's word, not the steps'. */
      if (data->orders_left > 0)
        g_string_append_printf (left, g_dngettext (GETTEXT_PACKAGE, "%u order still open",
                                                   "%u orders still open", data->orders_left),
                                data->orders_left);
    }
  else if (tw_flatten_step_get_state (cancel) == TW_FLATTEN_STEP_SKIPPED)
    g_string_append (left, _("orders may still be open (this connector can neither cancel "
                             "nor list them): look at the Orders page"));
  else if (tw_flatten_step_get_state (cancel) != TW_FLATTEN_STEP_OK)
    g_string_append (left, _("open orders were not canceled"));

  if (data->verified && data->left_open->len > 0)
    {
      g_autofree char *joined = join_ids (data->left_open);

      append_separator (left);
      /* Translators: %s lists symbols */
      g_string_append_printf (left, _("positions still open: %s"), joined);
    }
  else if (!data->verified && tw_flatten_step_get_result (close) != NULL &&
           tw_multi_status_get_n_failed (tw_flatten_step_get_result (close)) > 0)
    {
      g_autoptr(GPtrArray) ids = tw_multi_status_dup_failed_ids (tw_flatten_step_get_result (close));
      g_autofree char *joined = join_ids (ids);

      append_separator (left);
      g_string_append_printf (left, _("positions still open: %s"), joined);
    }
  else if (tw_flatten_step_get_state (close) != TW_FLATTEN_STEP_OK &&
           tw_flatten_step_get_state (close) != TW_FLATTEN_STEP_PARTIAL)
    {
      append_separator (left);
      g_string_append (left, _("no position was closed"));
    }
  else if (!data->verified)
    {
      /* Closed as the broker answered, but not read back: not claimed. */
      append_separator (left);
      g_string_append (left, _("the positions could not be read back to check that none is open"));
    }

  if (left->len == 0 && data->error == NULL)
    {
      data->flat = TRUE;
      if (data->orders_verified)
        return g_strdup_printf (_("%s is flat: new orders suspended; read back from the broker: "
                                  "no open position, no open order."), name);
      return g_strdup_printf (_("%s is flat: new orders suspended, orders canceled; read back "
                                "from the broker: no open position."), name);
    }

  if (tw_flatten_step_get_state (close) == TW_FLATTEN_STEP_PARTIAL)
    /* Translators: "InvestIQ is not flat — positions still open: AAPL. Closing: 1 of 2
     * closed. New orders stay suspended." */
    return g_strdup_printf (_("%s is not flat — %s. Closing: %s. New orders stay suspended."),
                            name, left->str, tw_flatten_step_get_summary (close));
  if (data->error != NULL)
    return g_strdup_printf (_("%s is not flat — %s. Stopped: %s. New orders stay suspended."),
                            name, left->str, data->error->message);
  return g_strdup_printf (_("%s is not flat — %s. New orders stay suspended."), name, left->str);
}

static void
on_flatten_audited (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwFlatten *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (tw_audit_log_complete_finish (TW_AUDIT_LOG (source), result, &error) == 0)
    g_warning ("The outcome of the flatten of %s could not be written to the audit log: %s",
               self->service_id, error->message);

  set_running (self, FALSE);
  tw_portfolio_refresh (self->portfolio, self->service_id);

  if (data->flat)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_new_error (task, data->error != NULL ? data->error->domain : TW_ERROR,
                             data->error != NULL ? data->error->code : TW_ERROR_CONFLICT,
                             "%s", self->result);
}

static void
complete (GTask *task)
{
  TwFlatten *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  gboolean ok = data->flat;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
  tw_audit_log_complete_async (tw_action_runner_get_audit_log (self->runner), data->audit_id,
                               ok ? TW_AUDIT_OUTCOME_OK : TW_AUDIT_OUTCOME_FAILED, 0,
                               self->result, NULL, on_flatten_audited, task);
}

static void
conclude (GTask *task)
{
  TwFlatten *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);

  g_free (self->result);
  self->result = describe_result (self, data);
  complete (task);
}

static void
on_orders_verified (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) orders = finish_list (source, result, "orders.list", TW_TYPE_ORDER, &error);

  if (orders != NULL)
    {
      data->orders_verified = TRUE;
      data->orders_left = 0;
      for (guint i = 0; i < orders->len; i++)
        if (tw_order_status_is_pending (tw_order_get_status (g_ptr_array_index (orders, i))))
          data->orders_left++;
    }
  conclude (task);
}

/* After the positions, the orders as the broker has them now (a read: not guarded). */
static void
read_orders_back (GTask *task)
{
  TwFlatten *self = g_task_get_source_object (task);
  TwClient *client = client_of (self);

  if (client != NULL && tw_client_has_operation (client, "orders.list"))
    {
      tw_client_call_async (client, "orders.list", NULL, g_task_get_cancellable (task),
                            on_orders_verified, task);
      return;
    }
  conclude (task);
}

static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = finish_list (source, result, "positions.list", TW_TYPE_POSITION,
                                            &error);

  if (items != NULL)
    {
      data->verified = TRUE;
      data->left_open = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < items->len; i++)
        {
          TwPosition *position = g_ptr_array_index (items, i);
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          g_ptr_array_add (data->left_open,
                           g_strdup_printf ("%s (%s)", tw_position_get_symbol (position),
                                            g_ascii_formatd (buf, sizeof buf, "%g",
                                                             tw_position_get_qty (position))));
        }
    }

  read_orders_back (g_steal_pointer (&task));
}

static void
finish (GTask *task)
{
  TwFlatten *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  TwClient *client = client_of (self);

  /* Ask the broker what is still open rather than infer it (a read: not guarded). */
  if (data->error == NULL && client != NULL && tw_client_has_operation (client, "positions.list"))
    {
      tw_client_call_async (client, "positions.list", NULL, g_task_get_cancellable (task),
                            on_verified, task);
      return;
    }
  if (data->error == NULL)
    {
      read_orders_back (task);
      return;
    }
  conclude (task);
}

static void
on_flatten_requested (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwFlatten *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->audit_id = tw_audit_log_request_finish (TW_AUDIT_LOG (source), result, &error);
  if (data->audit_id == 0)
    {
      set_running (self, FALSE);
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_DATABASE,
                               _("The flatten of %s was not started because the audit log could "
                                 "not be written (%s)"), name_of_service (self), error->message);
      return;
    }
  run_step (g_steal_pointer (&task));
}

static void
refuse_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  TwFlatten *self = source_object;
  GError *refusal = task_data;
  g_autoptr(GError) error = NULL;

  if (tw_audit_log_record (tw_action_runner_get_audit_log (self->runner),
                           tw_guard_request_get_profile_name (self->request),
                           tw_guard_request_get_mode (self->request),
                           tw_guard_request_get_action (self->request),
                           tw_guard_request_get_target (self->request) != NULL
                           ? tw_guard_request_get_target (self->request) : self->service_id,
                           tw_guard_request_get_reason (self->request),
                           TW_AUDIT_OUTCOME_REFUSED, 0, refusal->message, &error) == 0)
    g_warning ("The refused flatten of %s could not be written to the audit log: %s",
               self->service_id, error->message);
  g_task_return_error (task, g_error_copy (refusal));
}

void
tw_flatten_run_async (TwFlatten           *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  RunData *data;

  g_return_if_fail (TW_IS_FLATTEN (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_flatten_run_async);

  if (self->started)
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_REFUSED,
                               _("This flatten of %s has already run; start a new one."),
                               name_of_service (self));
      return;
    }
  self->started = TRUE;

  /* The one policy: a refused flatten sends nothing and is audited as refused. */
  if (!tw_guard_request_check (self->request, &error))
    {
      for (guint i = 0; i < N_STEPS; i++)
        _tw_flatten_step_set (get_step (self, i), TW_FLATTEN_STEP_PENDING,
                              _("Not started: the guard refused"), NULL);
      g_task_set_task_data (task, g_steal_pointer (&error), (GDestroyNotify) g_error_free);
      g_task_run_in_thread (task, refuse_in_thread);
      return;
    }

  data = g_new0 (RunData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);
  set_running (self, TRUE);
  tw_audit_log_request_async (tw_action_runner_get_audit_log (self->runner),
                              tw_guard_request_get_profile_name (self->request),
                              tw_guard_request_get_mode (self->request),
                              tw_guard_request_get_action (self->request),
                              tw_guard_request_get_target (self->request) != NULL
                              ? tw_guard_request_get_target (self->request) : self->service_id,
                              tw_guard_request_get_reason (self->request),
                              NULL, on_flatten_requested, g_steal_pointer (&task));
}

gboolean
tw_flatten_run_finish (TwFlatten     *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (TW_IS_FLATTEN (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
