/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-sim-risk.h"

/* Risk controls of InvestIQ (axum: serde's words for a body it cannot take) and of the
 * IBKR assistant (FastAPI: pydantic's validation list). */

static double
round2 (double value)
{
  return (double) (gint64) (value * 100.0 + (value < 0 ? -0.5 : 0.5)) / 100.0;
}

static void
add_double (JsonBuilder *b,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

/* ---- InvestIQ ---- */

/* The JSON object of the request, or NULL after answering as axum's Json extractor
 * does: 400 for a syntax error, 422 for another type. */
static JsonObject *
axum_body (TwSimRequest *req,
           JsonNode    **root)
{
  g_autoptr(GError) error = NULL;

  *root = tw_sim_message_get_json (req->msg, &error);
  if (*root == NULL)
    {
      g_autofree char *message =
        g_strdup_printf ("Failed to parse the request body as JSON: %s", error->message);

      tw_sim_reply_flavor_error (req, SOUP_STATUS_BAD_REQUEST, message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (*root))
    {
      tw_sim_reply_flavor_error (req, 422, "Failed to deserialize the JSON body into the "
                                 "target type: invalid type, expected a map");
      return NULL;
    }
  return json_node_get_object (*root);
}

static void
axum_deserialize_error (TwSimRequest *req,
                        const char   *detail)
{
  g_autofree char *message =
    g_strdup_printf ("Failed to deserialize the JSON body into the target type: %s", detail);

  tw_sim_reply_flavor_error (req, 422, message);
}

static GType
value_type (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return G_TYPE_INVALID;
  return json_node_get_value_type (node);
}

static gboolean
is_number (JsonNode *node)
{
  GType t = value_type (node);

  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

static void
circuit_breakers (TwSimRequest *req)
{
  TwSimRisk *risk = tw_sim_firm_get_risk (req->firm);
  TwSimInvestiq *iq = &risk->investiq;
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "trading_halted");
  json_builder_add_boolean_value (b, iq->halted);
  tw_sim_builder_add_string_or_null (b, "halt_reason", iq->halted ? iq->halt_reason : NULL);
  tw_sim_builder_add_time_or_null (b, "halted_at", iq->halted ? iq->halted_at_us : 0);
  tw_sim_builder_add_string_or_null (b, "halted_by", iq->halted ? iq->halted_by : NULL);
  json_builder_set_member_name (b, "consecutive_losses");
  json_builder_add_int_value (b, iq->consecutive_losses);
  json_builder_set_member_name (b, "max_consecutive_losses");
  json_builder_add_int_value (b, iq->max_consecutive_losses);
  add_double (b, "daily_loss_percent", round2 (tw_sim_risk_get_daily_loss_percent (risk)));
  add_double (b, "daily_loss_limit_percent", iq->daily_loss_limit_percent);
  add_double (b, "drawdown_percent", round2 (tw_sim_risk_get_drawdown_percent (risk)));
  add_double (b, "account_drawdown_limit_percent", iq->account_drawdown_limit_percent);
  add_double (b, "daily_pnl", round2 (tw_sim_risk_get_daily_pnl (risk)));
  add_double (b, "current_equity", round2 (tw_sim_risk_get_equity (risk)));
  add_double (b, "peak_equity", round2 (iq->peak_equity));
  json_builder_end_object (b);

  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static void
trading_halt (TwSimRequest *req)
{
  TwSimRisk *risk = tw_sim_firm_get_risk (req->firm);
  TwSimInvestiq *iq = &risk->investiq;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  JsonObject *obj = axum_body (req, &root);
  JsonNode *halt, *reason, *by;

  if (obj == NULL)
    return;

  /* serde reports the first missing field in declaration order: halt, reason, by */
  halt = json_object_get_member (obj, "halt");
  reason = json_object_get_member (obj, "reason");
  by = json_object_get_member (obj, "by");
  if (halt != NULL && value_type (halt) != G_TYPE_BOOLEAN)
    {
      axum_deserialize_error (req, "halt: invalid type, expected a boolean");
      return;
    }
  if (reason != NULL && value_type (reason) != G_TYPE_STRING)
    {
      axum_deserialize_error (req, "reason: invalid type, expected a string");
      return;
    }
  if (by != NULL && !JSON_NODE_HOLDS_NULL (by) && value_type (by) != G_TYPE_STRING)
    {
      axum_deserialize_error (req, "by: invalid type, expected a string");
      return;
    }
  if (halt == NULL)
    {
      axum_deserialize_error (req, "missing field `halt`");
      return;
    }
  if (reason == NULL)
    {
      axum_deserialize_error (req, "missing field `reason`");
      return;
    }

  if (json_node_get_boolean (halt))
    {
      /* 000's body is {halt, reason}: without "by" no one is named. */
      const char *who = by != NULL && !JSON_NODE_HOLDS_NULL (by) ? json_node_get_string (by) : NULL;

      tw_sim_risk_halt (risk, json_node_get_string (reason), who);
    }
  else
    {
      g_autofree char *refusal = NULL;

      if (!tw_sim_risk_resume (risk, &refusal))
        {
          tw_sim_reply_flavor_error (req, SOUP_STATUS_CONFLICT, refusal);
          return;
        }
    }

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "trading_halted");
  json_builder_add_boolean_value (b, iq->halted);
  tw_sim_builder_add_string_or_null (b, "halt_reason", iq->halt_reason);
  tw_sim_builder_add_time_or_null (b, "halted_at", iq->halted_at_us);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, iq->halted ? "Trading halted" : "Trading resumed");
  json_builder_end_object (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static void
reply_parameters (TwSimRequest *req)
{
  TwSimInvestiq *iq = &tw_sim_firm_get_risk (req->firm)->investiq;
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  /* 000, "If drawdown from position sizing error": {"max_position_size": 0.05} is 5 %.
   * The other names are assumed: the circuit breakers' limits, and the stop loss. */
  add_double (b, "max_position_size", iq->max_position_size);
  json_builder_set_member_name (b, "max_consecutive_losses");
  json_builder_add_int_value (b, iq->max_consecutive_losses);
  add_double (b, "daily_loss_limit_percent", iq->daily_loss_limit_percent);
  add_double (b, "account_drawdown_limit_percent", iq->account_drawdown_limit_percent);
  add_double (b, "stop_loss_percent", iq->stop_loss_percent);
  json_builder_end_object (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static void
get_parameters (TwSimRequest *req)
{
  reply_parameters (req);
}

static const char * const percent_fields[] = {
  "max_position_size", "daily_loss_limit_percent", "account_drawdown_limit_percent",
  "stop_loss_percent", NULL
};

static double *
percent_field (TwSimInvestiq *iq,
               const char    *name)
{
  if (g_str_equal (name, "max_position_size"))
    return &iq->max_position_size;
  if (g_str_equal (name, "daily_loss_limit_percent"))
    return &iq->daily_loss_limit_percent;
  if (g_str_equal (name, "account_drawdown_limit_percent"))
    return &iq->account_drawdown_limit_percent;
  if (g_str_equal (name, "stop_loss_percent"))
    return &iq->stop_loss_percent;
  g_assert_not_reached ();
}

/* A partial update, checked whole before any of it applies. */
static void
put_parameters (TwSimRequest *req)
{
  TwSimInvestiq *iq = &tw_sim_firm_get_risk (req->firm)->investiq;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj = axum_body (req, &root);
  JsonNode *losses;

  if (obj == NULL)
    return;

  for (guint i = 0; percent_fields[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (obj, percent_fields[i]);
      g_autofree char *message = NULL;
      double value;

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;
      if (!is_number (node))
        {
          message = g_strdup_printf ("%s: invalid type, expected f64", percent_fields[i]);
          {
            axum_deserialize_error (req, message);
            return;
          }
        }
      value = json_node_get_double (node);
      /* A fraction (0.05 is 5 %) or a percent (5 is 5 %). */
      if (i == 0 ? !(value > 0 && value <= 1) : !(value > 0 && value <= 100))
        {
          message = g_strdup_printf ("%s must be between 0 and %s", percent_fields[i],
                                     i == 0 ? "1" : "100");
          {
            tw_sim_reply_flavor_error (req, SOUP_STATUS_BAD_REQUEST, message);
            return;
          }
        }
    }
  losses = json_object_get_member (obj, "max_consecutive_losses");
  if (losses != NULL && !JSON_NODE_HOLDS_NULL (losses))
    {
      if (value_type (losses) != G_TYPE_INT64 || json_node_get_int (losses) < 0)
        {
          axum_deserialize_error (req, "max_consecutive_losses: invalid type, expected u32");
          return;
        }
      if (json_node_get_int (losses) < 1 || json_node_get_int (losses) > 100)
        {
          tw_sim_reply_flavor_error (req, SOUP_STATUS_BAD_REQUEST,
                                              "max_consecutive_losses must be between 1 and 100");
          return;
        }
    }

  for (guint i = 0; percent_fields[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (obj, percent_fields[i]);

      if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
        *percent_field (iq, percent_fields[i]) = json_node_get_double (node);
    }
  if (losses != NULL && !JSON_NODE_HOLDS_NULL (losses))
    iq->max_consecutive_losses = (guint) json_node_get_int (losses);

  reply_parameters (req);
}

const TwSimRoute tw_sim_investiq_risk_routes[] = {
  { "GET", "/api/risk/circuit-breakers", circuit_breakers },
  { "POST", "/api/risk/trading-halt", trading_halt },
  { "GET", "/api/risk/parameters", get_parameters },
  { "PUT", "/api/risk/parameters", put_parameters },
  { NULL }
};

/* ---- IBKR assistant ---- */

static void
fastapi_validation_error (TwSimRequest *req,
                          const char   *field,     /* NULL: the body itself */
                          const char   *msg,
                          const char   *type)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "detail");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "loc");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "body");
  if (field != NULL)
    json_builder_add_string_value (b, field);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "msg");
  json_builder_add_string_value (b, msg);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  tw_sim_reply_builder (req->msg, 422, b);
}

/* The body as a pydantic model with a required string "reason" and optional string
 * @optional: NULL after answering 422. */
static JsonObject *
fastapi_reason_body (TwSimRequest *req,
                     const char   *optional,
                     JsonNode    **root)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GError) error = NULL;
  JsonObject *obj;
  JsonNode *reason, *opt;

  if (body->length == 0)
    {
      fastapi_validation_error (req, NULL, "field required", "value_error.missing");
      return NULL;
    }
  *root = tw_sim_message_get_json (req->msg, &error);
  if (*root == NULL)
    {
      fastapi_validation_error (req, NULL, "Expecting value", "value_error.jsondecode");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (*root))
    {
      fastapi_validation_error (req, NULL, "value is not a valid dict", "type_error.dict");
      return NULL;
    }
  obj = json_node_get_object (*root);
  reason = json_object_get_member (obj, "reason");
  if (reason == NULL || JSON_NODE_HOLDS_NULL (reason))
    {
      fastapi_validation_error (req, "reason", "field required", "value_error.missing");
      return NULL;
    }
  if (value_type (reason) != G_TYPE_STRING)
    {
      fastapi_validation_error (req, "reason", "str type expected", "type_error.str");
      return NULL;
    }
  opt = optional != NULL ? json_object_get_member (obj, optional) : NULL;
  if (opt != NULL && !JSON_NODE_HOLDS_NULL (opt) && value_type (opt) != G_TYPE_STRING)
    {
      fastapi_validation_error (req, optional, "str type expected", "type_error.str");
      return NULL;
    }
  return obj;
}

/* GET /api/v1/kill-switch/status: {"enabled", "reason", "activated_at", "activated_by"}
 * ("Kill Switch Status", "Verification"). */
static void
kill_switch_status (TwSimRequest *req)
{
  TwSimKillSwitch *ks = &tw_sim_firm_get_risk (req->firm)->kill_switch;
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "enabled");
  json_builder_add_boolean_value (b, ks->enabled);
  tw_sim_builder_add_string_or_null (b, "reason", ks->reason);
  tw_sim_builder_add_time_or_null (b, "activated_at", ks->activated_at_us);
  tw_sim_builder_add_string_or_null (b, "activated_by", ks->activated_by);
  json_builder_end_object (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

/* The answer of activate and deactivate: {"status": "activated"|"deactivated", "reason",
 * ["activated_by",] "timestamp"}: what was asked, not the switch's state ("Activation
 * Methods", "Deactivation"). */
static void
reply_kill_switch_change (TwSimRequest *req,
                          const char   *status,
                          const char   *reason,
                          const char   *by)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, status);
  tw_sim_builder_add_string_or_null (b, "reason", reason);
  if (by != NULL)
    tw_sim_builder_add_string_or_null (b, "activated_by", by);
  tw_sim_builder_add_time_or_null (b, "timestamp", g_get_real_time ());
  json_builder_end_object (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static void
kill_switch_activate (TwSimRequest *req)
{
  TwSimRisk *risk = tw_sim_firm_get_risk (req->firm);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj = fastapi_reason_body (req, "activated_by", &root);
  const char *reason, *by;

  if (obj == NULL)
    return;

  reason = json_object_get_string_member (obj, "reason");
  by = json_object_get_string_member_with_default (obj, "activated_by", NULL);
  if (by == NULL)
    by = "api";   /* assumed: the runbook always sends activated_by */
  /* Forced on already: nothing to change, and the file keeps what it said. */
  if (!risk->kill_switch.forced_by_env)
    tw_sim_risk_kill_switch_set (risk, TRUE, reason, by);
  reply_kill_switch_change (req, "activated", reason, by);
}

/* "Kill Switch Won't Deactivate": with KILL_SWITCH_ENABLED set the call succeeds and the
 * switch stays on (the environment overrides the state file). Its diagnosis posts no
 * body at all, so the body is optional; one that is sent needs its "reason". */
static void
kill_switch_deactivate (TwSimRequest *req)
{
  TwSimRisk *risk = tw_sim_firm_get_risk (req->firm);
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(JsonNode) root = NULL;
  const char *reason = NULL;

  if (body->length > 0)
    {
      JsonObject *obj = fastapi_reason_body (req, NULL, &root);

      if (obj == NULL)
        return;
      reason = json_object_get_string_member (obj, "reason");
    }
  if (!risk->kill_switch.forced_by_env)
    tw_sim_risk_kill_switch_set (risk, FALSE, NULL, NULL);
  reply_kill_switch_change (req, "deactivated", reason, NULL);
}

const TwSimRoute tw_sim_ibkr_assistant_risk_routes[] = {
  { "GET", "/api/v1/kill-switch/status", kill_switch_status },
  { "POST", "/api/v1/kill-switch/activate", kill_switch_activate },
  { "POST", "/api/v1/kill-switch/deactivate", kill_switch_deactivate },
  { NULL }
};
