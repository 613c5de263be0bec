/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-portfolio.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-error.h"
#include "tw-portfolio-private.h"

/* The actions half of TwPortfolio: close, cancel, cancel all. Every request goes
 * through the action runner (guard, audit); this file only chooses the operations,
 * their order and how their errors read. */

#define LIVE_KEY_SECRET "live_trading_key"

static const char *
service_name (TwPortfolio *self,
              const char  *service_id)
{
  return tw_profile_get_service_name (tw_workspace_get_profile (tw_portfolio_get_workspace (self)),
                                      service_id);
}

static const TwOperation *
lookup_operation (TwPortfolio *self,
                  const char  *service_id,
                  const char  *operation)
{
  TwClient *client = tw_workspace_get_client (tw_portfolio_get_workspace (self), service_id);

  if (client == NULL)
    return NULL;
  return tw_connector_get_operation (tw_client_get_connector (client), operation);
}

/* (nullable) (transfer none) */
static TwConnector *
lookup_connector (TwPortfolio *self,
                  const char  *service_id)
{
  TwClient *client = tw_workspace_get_client (tw_portfolio_get_workspace (self), service_id);

  return client != NULL ? tw_client_get_connector (client) : NULL;
}

static gboolean
operation_sends_secret (const TwOperation *op,
                        const char        *secret)
{
  g_autoptr(GPtrArray) names = NULL;

  if (op == NULL)
    return FALSE;
  names = tw_operation_list_secret_names (op);
  return g_ptr_array_find_with_equal_func (names, secret, g_str_equal, NULL);
}

/**
 * _tw_portfolio_explain_error:
 *
 * Returns: (transfer full): @error, reworded for people where its meaning is known
 */
GError *
_tw_portfolio_explain_error (TwPortfolio  *self,
                             const char   *service_id,
                             const char   *operation,
                             const GError *error,
                             guint         http_status)
{
  const char *name = service_name (self, service_id);
  const char *message = error->message;
  TwConnector *connector = lookup_connector (self, service_id);

  if (error->domain != TW_ERROR)
    return g_error_copy (error);

  if (error->code == TW_ERROR_FORBIDDEN &&
      operation_sends_secret (lookup_operation (self, service_id, operation), LIVE_KEY_SECRET))
    return g_error_new (TW_ERROR, TW_ERROR_FORBIDDEN,
                        _("%s refused: the live-trading key is missing or wrong — store it in "
                          "the profile editor (%s)"), name, message);

  if (error->code == TW_ERROR_FORBIDDEN && connector != NULL &&
      tw_connector_match_refusal (connector, http_status, message, NULL) == TW_REFUSAL_HELD_FOR_ORDERS)
    return g_error_new (TW_ERROR, TW_ERROR_FORBIDDEN,
                        _("%s refused: the quantity is held by open orders — cancel those "
                          "orders first (%s)"), name, message);

  if (error->code == TW_ERROR_CONFLICT && http_status == 422 &&
      g_str_has_prefix (operation, "orders.cancel"))
    {
      /* Without the order's status the reason claims nothing (see _tw_portfolio_explain_cancel). */
      g_autofree char *reason = tw_multi_status_explain (connector, 422, message, NULL);

      return g_error_new (TW_ERROR, TW_ERROR_CONFLICT, _("%s did not cancel the order: %s"),
                          name, reason);
    }

  if (error->code == TW_ERROR_NOT_FOUND && g_str_has_prefix (operation, "positions."))
    return g_error_new (TW_ERROR, TW_ERROR_NOT_FOUND,
                        _("%s has no such open position any more — it may have been closed "
                          "already (%s)"), name, message);

  if (error->code == TW_ERROR_NOT_FOUND && g_str_has_prefix (operation, "orders."))
    return g_error_new (TW_ERROR, TW_ERROR_NOT_FOUND,
                        _("%s does not know this order any more — it may have been filled or "
                          "canceled already (%s)"), name, message);

  return g_error_copy (error);
}

/* A request for one step of a larger action, carrying the operator's reason and typed
 * confirmation from @parent. */
static TwGuardRequest *
step_request (TwActionRunner *runner,
              TwGuardRequest *parent,
              const char     *action,
              const char     *target)
{
  TwGuardRequest *request = tw_action_runner_new_request (runner, action, target);

  tw_guard_request_set_reason (request, tw_guard_request_get_reason (parent));
  tw_guard_request_set_typed_confirmation (request, tw_guard_request_get_typed_confirmation (parent));
  return request;
}

static char *
format_number (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.10g", value));
}

/* "sell 5 TSLA stop (order b83a1f2c)": also the audit log's target, so not translated. */
static char *
order_label (TwOrder *order)
{
  g_autoptr(GString) label = g_string_new (NULL);
  g_autofree char *id = tw_multi_status_dup_short_id (tw_order_get_id (order));
  const char *side = tw_order_get_side (order);
  const char *type = tw_order_get_order_type (order);

  if (side != NULL && *side != '\0')
    g_string_append_printf (label, "%s ", side);
  if (tw_order_get_qty (order) > 0)
    {
      g_autofree char *qty = format_number (tw_order_get_qty (order));

      g_string_append_printf (label, "%s ", qty);
    }
  g_string_append (label, tw_order_get_symbol (order) != NULL ? tw_order_get_symbol (order) : "?");
  if (type != NULL && *type != '\0')
    g_string_append_printf (label, " %s", type);
  g_string_append_printf (label, " (order %s)", id);
  return g_string_free (g_steal_pointer (&label), FALSE);
}

/**
 * tw_portfolio_dup_order_target:
 *
 * Returns: (transfer full): @order as a person reads it
 */
char *
tw_portfolio_dup_order_target (TwPortfolio *self,
                               TwOrder     *order)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (TW_IS_PORTFOLIO (self), NULL);
  g_return_val_if_fail (TW_IS_ORDER (order), NULL);

  label = order_label (order);
  return g_strdup_printf ("%s: %s", service_name (self, tw_order_get_service_id (order)), label);
}

/**
 * _tw_portfolio_new_cancel_results:
 *
 * Returns: (transfer full): an empty result that knows the service's orders
 */
TwMultiStatus *
_tw_portfolio_new_cancel_results (TwPortfolio *self,
                                  const char  *service_id)
{
  TwMultiStatus *results = tw_multi_status_new ("canceled");
  GListModel *orders = tw_portfolio_get_orders (self);
  guint n = g_list_model_get_n_items (orders);

  /* An order placed since the last refresh: "order 1370f5c9". */
  tw_multi_status_set_entry_noun (results, "order");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwOrder) order = g_list_model_get_item (orders, i);
      g_autofree char *label = NULL;

      if (g_strcmp0 (tw_order_get_service_id (order), service_id) != 0 ||
          tw_order_get_id (order) == NULL)
        continue;
      label = order_label (order);
      tw_multi_status_know (results, tw_order_get_id (order), label, tw_order_get_status (order));
    }
  return results;
}

void
_tw_portfolio_know_orders (TwMultiStatus *results,
                           GPtrArray     *orders)
{
  for (guint i = 0; i < orders->len; i++)
    {
      TwOrder *order = g_ptr_array_index (orders, i);
      g_autofree char *label = NULL;

      if (tw_order_get_id (order) == NULL)
        continue;
      label = order_label (order);
      tw_multi_status_know (results, tw_order_get_id (order), label, tw_order_get_status (order));
    }
}

/* The status of @order as the portfolio last saw it, NULL once it left the open orders. */
static const char *
known_state (TwPortfolio *self,
             TwOrder     *order)
{
  TwOrder *current = tw_portfolio_lookup_order (self, tw_order_get_service_id (order),
                                                tw_order_get_id (order));

  return current != NULL ? tw_order_get_status (current) : NULL;
}

static char *
dup_body_string (JsonNode   *body,
                 const char *member)
{
  JsonNode *node;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return NULL;
  node = json_object_get_member (json_node_get_object (body), member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

/* ---- close a position ---- */

typedef struct
{
  TwActionRunner *runner;
  TwPosition     *position;
  char           *service_id;
  char           *symbol;
  double          qty;
  double          percentage;
} CloseData;

static void
close_data_free (CloseData *data)
{
  if (data->position != NULL)
    tw_position_set_busy (data->position, FALSE);
  g_clear_object (&data->runner);
  g_clear_object (&data->position);
  g_free (data->service_id);
  g_free (data->symbol);
  g_free (data);
}

/* TRUE when the operation's path uses @var (a "query" entry or the path itself). */
static gboolean
operation_takes (const TwOperation *op,
                 const char        *var)
{
  g_autoptr(GHashTable) with = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) without = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  g_hash_table_insert (with, "symbol", "X");
  g_hash_table_insert (with, "id", "X");
  g_hash_table_insert (without, "symbol", "X");
  g_hash_table_insert (without, "id", "X");
  g_hash_table_insert (with, (gpointer) var, "1");
  a = tw_operation_expand_path (op, with, NULL);
  b = tw_operation_expand_path (op, without, NULL);
  return a != NULL && g_strcmp0 (a, b) != 0;
}

static void
on_closed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwPortfolio *self = g_task_get_source_object (task);
  CloseData *data = g_task_get_task_data (task);
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *order_id = NULL;
  g_autofree char *what = NULL;

  body = tw_action_runner_run_finish (TW_ACTION_RUNNER (source), result, &response, &error);
  /* The row is usable again before the caller hears the result. */
  tw_position_set_busy (data->position, FALSE);
  tw_portfolio_refresh (self, data->service_id);

  if (body == NULL)
    {
      g_task_return_error (task, _tw_portfolio_explain_error (
                             self, data->service_id, "positions.close", error,
                             response != NULL ? tw_http_response_get_status (response) : 0));
      return;
    }

  order_id = dup_body_string (body, "id");
  if (order_id == NULL)
    order_id = dup_body_string (body, "order_id");

  if (data->qty > 0)
    {
      g_autofree char *qty = format_number (data->qty);

      /* Translators: a quantity and a symbol: "Closed 5 of TSLA" */
      what = g_strdup_printf (_("Closed %s of %s"), qty, data->symbol);
    }
  else if (data->percentage > 0)
    {
      g_autofree char *percentage = format_number (data->percentage);

      what = g_strdup_printf (_("Closed %s %% of %s"), percentage, data->symbol);
    }
  else
    what = g_strdup_printf (_("Closed %s"), data->symbol);

  g_task_return_pointer (task,
                         order_id != NULL
                         /* Translators: what was closed, the service and the closing order's id */
                         ? g_strdup_printf (_("%s on %s (order %s)"), what,
                                            service_name (self, data->service_id), order_id)
                         /* Translators: what was closed and the service */
                         : g_strdup_printf (_("%s on %s"), what,
                                            service_name (self, data->service_id)),
                         g_free);
}

void
tw_portfolio_close_position_async (TwPortfolio        *self,
                                   TwActionRunner     *runner,
                                   TwGuardRequest     *request,
                                   TwPosition         *position,
                                   double              qty,
                                   double              percentage,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) vars = NULL;
  const TwOperation *op;
  const char *service_id, *symbol;
  CloseData *data;

  g_return_if_fail (TW_IS_PORTFOLIO (self));
  g_return_if_fail (TW_IS_ACTION_RUNNER (runner));
  g_return_if_fail (TW_IS_GUARD_REQUEST (request));
  g_return_if_fail (TW_IS_POSITION (position));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_portfolio_close_position_async);

  service_id = tw_position_get_service_id (position);
  symbol = tw_position_get_symbol (position);

  if (tw_position_get_busy (position))
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_REFUSED,
                               _("Closing %s on %s is already in progress; wait for its result."),
                               symbol, service_name (self, service_id));
      return;
    }
  if (qty < 0 || percentage < 0 || percentage > 100 || (qty > 0 && percentage > 0))
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_INVALID,
                               _("Close %s by a quantity or by a percentage (up to 100), "
                                 "not both."),
                               symbol);
      return;
    }

  op = lookup_operation (self, service_id, "positions.close");
  if (op != NULL && ((qty > 0 && !operation_takes (op, "qty")) ||
                     (percentage > 0 && percentage < 100 && !operation_takes (op, "percentage"))))
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_UNSUPPORTED,
                               _("%s closes whole positions only: close all of %s, or close it "
                                 "in part from the broker's own tools."),
                               service_name (self, service_id), symbol);
      return;
    }

  data = g_new0 (CloseData, 1);
  data->runner = g_object_ref (runner);
  data->service_id = g_strdup (service_id);
  data->symbol = g_strdup (symbol);
  data->qty = qty;
  data->percentage = percentage;
  g_task_set_task_data (task, data, (GDestroyNotify) close_data_free);

  vars = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (vars, "symbol", g_strdup (symbol));
  if (qty > 0)
    g_hash_table_insert (vars, "qty", format_number (qty));
  /* 100 % is all of it: the plain close works on every connector. */
  else if (percentage > 0 && percentage < 100)
    g_hash_table_insert (vars, "percentage", format_number (percentage));

  data->position = g_object_ref (position);
  tw_position_set_busy (position, TRUE);
  tw_action_runner_run_async (runner, request, service_id, "positions.close", vars,
                              cancellable, on_closed, g_steal_pointer (&task));
}

/* The end of an action whose task returns its message (transfer full) on success:
 * TRUE with *@message set, or FALSE with @error. */
static gboolean
finish_with_message (GTask   *task,
                     char   **message,
                     GError **error)
{
  g_autofree char *text = g_task_propagate_pointer (task, error);

  if (message != NULL)
    *message = g_steal_pointer (&text);
  return !g_task_had_error (task);
}

gboolean
tw_portfolio_close_position_finish (TwPortfolio   *self,
                                    GAsyncResult  *result,
                                    char         **message,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return finish_with_message (G_TASK (result), message, error);
}

/* ---- cancel an order ---- */

typedef enum
{
  CANCEL_FIRST,
  CANCEL_INVALIDATE,
  CANCEL_AGAIN,
} CancelStep;

typedef struct
{
  TwActionRunner *runner;
  TwGuardRequest *request;
  TwOrder        *order;
  char           *service_id;
  char           *order_id;
  char           *approval_id;
  CancelStep      step;
} CancelData;

static void
cancel_data_free (CancelData *data)
{
  if (data->order != NULL)
    tw_order_set_busy (data->order, FALSE);
  g_clear_object (&data->runner);
  g_clear_object (&data->request);
  g_clear_object (&data->order);
  g_free (data->service_id);
  g_free (data->order_id);
  g_free (data->approval_id);
  g_free (data);
}

static void on_cancel_step (GObject *source, GAsyncResult *result, gpointer user_data);

static void
run_cancel_step (GTask *task)
{
  CancelData *data = g_task_get_task_data (task);
  g_autoptr(GHashTable) vars = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(TwGuardRequest) request = NULL;
  g_autofree char *target = NULL;

  if (data->step == CANCEL_INVALIDATE)
    {
      /* "approvals.invalidate" is part of cancelling the order: audited as such. */
      target = g_strdup_printf ("%s (approval %s)", tw_guard_request_get_target (data->request) != NULL
                                ? tw_guard_request_get_target (data->request) : data->order_id,
                                data->approval_id);
      request = step_request (data->runner, data->request, "orders.cancel", target);
      g_hash_table_insert (vars, "id", data->approval_id);
      g_hash_table_insert (vars, "approval_id", data->approval_id);
      g_hash_table_insert (vars, "order_id", data->order_id);
      tw_action_runner_run_async (data->runner, request, data->service_id, "approvals.invalidate",
                                  vars, g_task_get_cancellable (task), on_cancel_step, task);
      return;
    }

  request = data->step == CANCEL_FIRST ? g_object_ref (data->request)
            : step_request (data->runner, data->request, "orders.cancel",
                            tw_guard_request_get_target (data->request));
  g_hash_table_insert (vars, "id", data->order_id);
  g_hash_table_insert (vars, "order_id", data->order_id);
  tw_action_runner_run_async (data->runner, request, data->service_id, "orders.cancel",
                              vars, g_task_get_cancellable (task), on_cancel_step, task);
}

/* The approval id in the server's own 409 message ("… awaiting approval apr-77 …") when the
 * order does not carry it. @message is the server's, never ours (which is translated). */
static char *
approval_from_message (const char *message)
{
  const char *p = message != NULL ? strstr (message, "awaiting approval ") : NULL;
  const char *end;

  if (p == NULL)
    return NULL;
  p += strlen ("awaiting approval ");
  for (end = p; *end != '\0' && (g_ascii_isalnum (*end) || *end == '-' || *end == '_'); end++)
    ;
  return end > p ? g_strndup (p, end - p) : NULL;
}

static void
on_cancel_step (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;   /* adopted below */
  g_autoptr(GTask) owned = task;
  TwPortfolio *self = g_task_get_source_object (task);
  CancelData *data = g_task_get_task_data (task);
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  body = tw_action_runner_run_finish (TW_ACTION_RUNNER (source), result, &response, &error);
  status = response != NULL ? tw_http_response_get_status (response) : 0;

  if (body == NULL)
    {
      if (data->step == CANCEL_FIRST && status == 409)
        {
          TwClient *client = tw_workspace_get_client (tw_portfolio_get_workspace (self),
                                                      data->service_id);

          if (data->approval_id == NULL)
            data->approval_id = approval_from_message (tw_http_response_get_server_message (response));
          if (data->approval_id != NULL && client != NULL &&
              tw_client_has_operation (client, "approvals.invalidate"))
            {
              data->step = CANCEL_INVALIDATE;
              run_cancel_step (g_steal_pointer (&owned));
              return;
            }
        }
      if (data->step != CANCEL_INVALIDATE && status == 422 &&
          g_error_matches (error, TW_ERROR, TW_ERROR_CONFLICT))
        {
          /* Why the broker will not cancel it, from the status the order had. */
          const char *server = tw_http_response_get_server_message (response);
          g_autofree char *label = order_label (data->order);
          g_autofree char *reason =
            tw_multi_status_explain (lookup_connector (self, data->service_id), 422, server,
                                     known_state (self, data->order));

          tw_order_set_busy (data->order, FALSE);
          tw_portfolio_refresh (self, data->service_id);
          g_task_return_new_error (task, TW_ERROR, TW_ERROR_CONFLICT,
                                   /* Translators: the service, the order, why */
                                   _("%s did not cancel %s: %s"),
                                   service_name (self, data->service_id), label, reason);
          return;
        }
      tw_order_set_busy (data->order, FALSE);
      tw_portfolio_refresh (self, data->service_id);
      g_task_return_error (task, _tw_portfolio_explain_error (
                             self, data->service_id,
                             data->step == CANCEL_INVALIDATE ? "approvals.invalidate" : "orders.cancel",
                             error, status));
      return;
    }

  if (data->step == CANCEL_INVALIDATE)
    {
      data->step = CANCEL_AGAIN;
      run_cancel_step (g_steal_pointer (&owned));
      return;
    }

  tw_order_set_busy (data->order, FALSE);
  tw_portfolio_refresh (self, data->service_id);
  {
    g_autofree char *label = order_label (data->order);

    g_task_return_pointer (task,
                           data->step == CANCEL_AGAIN
                           ? g_strdup_printf (_("Canceled %s on %s after invalidating its "
                                                "approval %s"), label,
                                              service_name (self, data->service_id), data->approval_id)
                           : g_strdup_printf (_("Canceled %s on %s"), label,
                                              service_name (self, data->service_id)),
                           g_free);
  }
}

void
tw_portfolio_cancel_order_async (TwPortfolio        *self,
                                 TwActionRunner     *runner,
                                 TwGuardRequest     *request,
                                 TwOrder            *order,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  CancelData *data;

  g_return_if_fail (TW_IS_PORTFOLIO (self));
  g_return_if_fail (TW_IS_ACTION_RUNNER (runner));
  g_return_if_fail (TW_IS_GUARD_REQUEST (request));
  g_return_if_fail (TW_IS_ORDER (order));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_portfolio_cancel_order_async);

  if (tw_order_get_busy (order))
    {
      g_autofree char *label = order_label (order);

      g_task_return_new_error (task, TW_ERROR, TW_ERROR_REFUSED,
                               _("Cancelling %s on %s is already in progress; wait for its "
                                 "result."), label,
                               service_name (self, tw_order_get_service_id (order)));
      return;
    }

  data = g_new0 (CancelData, 1);
  data->runner = g_object_ref (runner);
  data->request = g_object_ref (request);
  data->order = g_object_ref (order);
  data->service_id = g_strdup (tw_order_get_service_id (order));
  data->order_id = g_strdup (tw_order_get_id (order));
  data->approval_id = g_strdup (tw_order_get_approval_id (order));
  data->step = CANCEL_FIRST;
  g_task_set_task_data (task, data, (GDestroyNotify) cancel_data_free);

  tw_order_set_busy (order, TRUE);
  run_cancel_step (g_steal_pointer (&task));
}

gboolean
tw_portfolio_cancel_order_finish (TwPortfolio   *self,
                                  GAsyncResult  *result,
                                  char         **message,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return finish_with_message (G_TASK (result), message, error);
}

/* ---- cancel all ---- */

static void
on_canceled_all (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwPortfolio *self = g_task_get_source_object (task);
  const char *service_id = g_task_get_task_data (task);
  g_autoptr(TwHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  TwMultiStatus *status;

  status = tw_action_runner_run_multi_finish (TW_ACTION_RUNNER (source), result, &response, &error);
  tw_portfolio_refresh (self, service_id);
  if (status == NULL)
    {
      g_task_return_error (task, _tw_portfolio_explain_error (
                             self, service_id, "orders.cancel_all", error,
                             response != NULL ? tw_http_response_get_status (response) : 0));
      return;
    }
  g_task_return_pointer (task, status, g_object_unref);
}

void
tw_portfolio_cancel_all_async (TwPortfolio        *self,
                               TwActionRunner     *runner,
                               TwGuardRequest     *request,
                               const char         *service_id,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_autoptr(TwMultiStatus) results = NULL;
  GTask *task;

  g_return_if_fail (TW_IS_PORTFOLIO (self));
  g_return_if_fail (TW_IS_ACTION_RUNNER (runner));
  g_return_if_fail (TW_IS_GUARD_REQUEST (request));
  g_return_if_fail (service_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_portfolio_cancel_all_async);
  g_task_set_task_data (task, g_strdup (service_id), g_free);
  /* The orders as they are now: the refused ones are named by what they are. */
  results = _tw_portfolio_new_cancel_results (self, service_id);
  tw_action_runner_run_multi_async (runner, request, service_id, "orders.cancel_all", NULL,
                                    results, cancellable, on_canceled_all, task);
}

TwMultiStatus *
tw_portfolio_cancel_all_finish (TwPortfolio   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
