/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim-trading.h"

/* The IBKR assistant's pending orders and their approvals, as 003's "Stuck Order
 * Resolution" shows them: GET /api/v1/orders?status=PENDING answers {"orders":
 * [{"proposal_id", "symbol", "state", "created_at"}]}; an order's approval is keyed by
 * the order's id (/api/v1/approvals/order-123/status); its audit trail is GET
 * /api/v1/audit/correlation_id/order-123 ("Verify Resolution"), the order's id its
 * correlation id. FastAPI, errors {"detail": "…"}.
 * Assumed (the runbook is silent): the order's other fields (side, quantity,
 * order_type, limit_price, approval_status: "detailed order info including approval
 * token status"), the answers of cancel and of the approval calls, that an order
 * awaiting approval answers a cancel with 409 until its approval is invalidated, and
 * the audit trail's answer: the audit store's AuditEvent(type, correlation_id,
 * timestamp, data) records (Resolution step 4) as a JSON array, oldest first; 404 for
 * a correlation id with none. */

static TwSimPortfolio *
get_portfolio (TwSimRequest *req)
{
  return tw_sim_firm_get_portfolio (req->firm);
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_order (JsonBuilder    *b,
           TwSimPortfolio *portfolio,
           TwSimIbkrOrder *o)
{
  TwSimApproval *a = o->approval_id != NULL
    ? tw_sim_portfolio_find_approval (portfolio, o->approval_id) : NULL;

  json_builder_begin_object (b);
  add_string (b, "proposal_id", o->id);
  add_string (b, "symbol", o->symbol);
  add_string (b, "side", o->side);
  json_builder_set_member_name (b, "quantity");
  if (o->quantity == (gint64) o->quantity)
    json_builder_add_int_value (b, (gint64) o->quantity);
  else
    json_builder_add_double_value (b, o->quantity);
  add_string (b, "order_type", o->order_type);
  tw_sim_trading_add_double (b, "limit_price", o->limit_price);
  add_string (b, "state", o->status);
  tw_sim_trading_add_time (b, "created_at", o->created_at_us);
  add_string (b, "approval_status", a != NULL ? a->status : NULL);
  json_builder_end_object (b);
}

static void
reply_detail (TwSimRequest *req,
              guint         status,
              const char   *format,
              ...) G_GNUC_PRINTF (3, 4);

static void
reply_detail (TwSimRequest *req,
              guint         status,
              const char   *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  tw_sim_reply_flavor_error (req, status, message);
}

static void
get_orders (TwSimRequest *req)
{
  const char *status = tw_sim_request_get_query (req, "status");
  TwSimPortfolio *portfolio = get_portfolio (req);
  GPtrArray *orders = tw_sim_portfolio_get_ibkr_orders (portfolio);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "orders");
  json_builder_begin_array (b);
  for (guint i = 0; i < orders->len; i++)
    {
      TwSimIbkrOrder *o = g_ptr_array_index (orders, i);

      if (status != NULL && g_ascii_strcasecmp (status, o->status) != 0)
        continue;
      add_order (b, portfolio, o);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  tw_sim_trading_reply (req->msg, SOUP_STATUS_OK, b);
}

static void
get_order (TwSimRequest *req)
{
  const char *id = tw_sim_request_get_param (req, "id");
  TwSimPortfolio *portfolio = get_portfolio (req);
  TwSimIbkrOrder *o = tw_sim_portfolio_find_ibkr_order (portfolio, id);
  g_autoptr(JsonBuilder) b = NULL;

  if (o == NULL)
    {
      reply_detail (req, SOUP_STATUS_NOT_FOUND, "Order %s not found", id);
      return;
    }
  b = json_builder_new ();
  add_order (b, portfolio, o);
  tw_sim_trading_reply (req->msg, SOUP_STATUS_OK, b);
}

static void
post_cancel (TwSimRequest *req)
{
  const char *id = tw_sim_request_get_param (req, "id");
  TwSimPortfolio *portfolio = get_portfolio (req);
  TwSimIbkrOrder *o = tw_sim_portfolio_find_ibkr_order (portfolio, id);
  TwSimApproval *a;
  g_autoptr(JsonBuilder) b = NULL;

  if (o == NULL)
    {
      reply_detail (req, SOUP_STATUS_NOT_FOUND, "Order %s not found", id);
      return;
    }
  if (!g_str_equal (o->status, "PENDING"))
    {
      reply_detail (req, SOUP_STATUS_CONFLICT, "Order %s is already %s", o->id, o->status);
      return;
    }
  a = o->approval_id != NULL ? tw_sim_portfolio_find_approval (portfolio, o->approval_id) : NULL;
  if (a != NULL && g_str_equal (a->status, "PENDING_APPROVAL"))
    {
      reply_detail (req, SOUP_STATUS_CONFLICT,
                    "Order %s is awaiting approval; invalidate its approval first", o->id);
      return;
    }

  g_free (o->status);
  o->status = g_strdup ("CANCELLED");
  tw_sim_ibkr_order_audit (o, "OrderCancelled", g_get_real_time (), "{\"reason\": \"cancelled through the API\"}");

  b = json_builder_new ();
  json_builder_begin_object (b);
  add_string (b, "proposal_id", o->id);
  add_string (b, "state", o->status);
  json_builder_end_object (b);
  tw_sim_trading_reply (req->msg, SOUP_STATUS_OK, b);
}

static void
get_approval_status (TwSimRequest *req)
{
  const char *id = tw_sim_request_get_param (req, "id");
  TwSimApproval *a = tw_sim_portfolio_find_approval (get_portfolio (req), id);
  g_autoptr(JsonBuilder) b = NULL;

  if (a == NULL)
    {
      reply_detail (req, SOUP_STATUS_NOT_FOUND, "Approval %s not found", id);
      return;
    }
  b = json_builder_new ();
  json_builder_begin_object (b);
  add_string (b, "proposal_id", a->order_id);
  add_string (b, "status", a->status);
  tw_sim_trading_add_time (b, "expires_at", a->expires_at_us);
  json_builder_end_object (b);
  tw_sim_trading_reply (req->msg, SOUP_STATUS_OK, b);
}

static void
post_approval_invalidate (TwSimRequest *req)
{
  const char *id = tw_sim_request_get_param (req, "id");
  TwSimApproval *a = tw_sim_portfolio_find_approval (get_portfolio (req), id);
  g_autoptr(JsonBuilder) b = NULL;

  if (a == NULL)
    {
      reply_detail (req, SOUP_STATUS_NOT_FOUND, "Approval %s not found", id);
      return;
    }
  g_free (a->status);
  a->status = g_strdup ("INVALIDATED");
  {
    TwSimIbkrOrder *o = tw_sim_portfolio_find_ibkr_order (get_portfolio (req), a->order_id);

    if (o != NULL)
      tw_sim_ibkr_order_audit (o, "ApprovalInvalidated", g_get_real_time (),
                               "{\"reason\": \"approval token invalidated\"}");
  }

  b = json_builder_new ();
  json_builder_begin_object (b);
  add_string (b, "proposal_id", a->order_id);
  add_string (b, "status", a->status);
  json_builder_end_object (b);
  tw_sim_trading_reply (req->msg, SOUP_STATUS_OK, b);
}

static void
get_audit_trail (TwSimRequest *req)
{
  const char *id = tw_sim_request_get_param (req, "id");
  TwSimIbkrOrder *o = tw_sim_portfolio_find_ibkr_order (get_portfolio (req), id);
  g_autoptr(JsonBuilder) b = NULL;

  if (o == NULL || o->audit->len == 0)
    {
      reply_detail (req, SOUP_STATUS_NOT_FOUND, "No audit events for correlation_id %s", id);
      return;
    }
  b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; i < o->audit->len; i++)
    {
      TwSimAuditEvent *e = g_ptr_array_index (o->audit, i);
      g_autoptr(JsonNode) data = json_from_string (e->data, NULL);

      json_builder_begin_object (b);
      add_string (b, "type", e->type);
      add_string (b, "correlation_id", o->id);
      tw_sim_trading_add_time (b, "timestamp", e->time_us);
      json_builder_set_member_name (b, "data");
      if (data != NULL)
        json_builder_add_value (b, g_steal_pointer (&data));
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  tw_sim_trading_reply (req->msg, SOUP_STATUS_OK, b);
}

const TwSimRoute tw_sim_ibkr_assistant_trading_routes[] = {
  { "GET", "/api/v1/orders", get_orders },
  { "GET", "/api/v1/orders/{id}", get_order },
  { "POST", "/api/v1/orders/{id}/cancel", post_cancel },
  { "GET", "/api/v1/approvals/{id}/status", get_approval_status },
  { "POST", "/api/v1/approvals/{id}/invalidate", post_approval_invalidate },
  { "GET", "/api/v1/audit/correlation_id/{id}", get_audit_trail },
  { NULL }
};
