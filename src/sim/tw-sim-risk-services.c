/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-sim-risk.h"
#include "tw-util.h"

/* Risk controls of AI trading (its switch and emergency stop), the Autotrader (breakers
 * per data source, rate limits) and Alpaca (account configurations). */

/* GLib 2.74 has no g_set_str. */
static GType
value_type (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return G_TYPE_INVALID;
  return json_node_get_value_type (node);
}

static void
fastapi_validation_error (TwSimRequest *req,
                          const char   *field,
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

/* ---- AI trading ---- */

/* The optional body {"reason": "…", "by": "…"}: FALSE after answering 422. */
static gboolean
ai_body (TwSimRequest  *req,
         const char   **reason,
         const char   **by,
         JsonNode     **root)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GError) error = NULL;
  static const char * const fields[] = { "reason", "by", NULL };
  JsonObject *obj;

  *reason = NULL;
  *by = NULL;
  if (body->length == 0)
    return TRUE;
  *root = tw_sim_message_get_json (req->msg, &error);
  if (*root == NULL)
    {
      fastapi_validation_error (req, NULL, "Expecting value", "value_error.jsondecode");
      return FALSE;
    }
  if (JSON_NODE_HOLDS_NULL (*root))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (*root))
    {
      fastapi_validation_error (req, NULL, "value is not a valid dict", "type_error.dict");
      return FALSE;
    }
  obj = json_node_get_object (*root);
  for (guint i = 0; fields[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (obj, fields[i]);

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;
      if (value_type (node) != G_TYPE_STRING)
        {
          fastapi_validation_error (req, fields[i], "str type expected", "type_error.str");
          return FALSE;
        }
      if (i == 0)
        *reason = json_node_get_string (node);
      else
        *by = json_node_get_string (node);
    }
  return TRUE;
}

static void
ai_disable (TwSimRequest *req)
{
  TwSimRisk *risk = tw_sim_firm_get_risk (req->firm);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *reason, *by;

  if (!ai_body (req, &reason, &by, &root))
    return;

  tw_sim_risk_ai_set_enabled (risk, FALSE, reason, by != NULL ? by : "api");

  /* Assumed: the runbook shows no answer. */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "trading_enabled");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, "Auto-trading disabled");
  json_builder_end_object (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static void
ai_emergency_stop (TwSimRequest *req)
{
  TwSimAiTrading *ai = &tw_sim_firm_get_risk (req->firm)->ai_trading;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *reason, *by;
  guint closed, cancelled;

  if (!ai_body (req, &reason, &by, &root))
    return;

  closed = ai->open_positions;
  cancelled = ai->open_orders;
  ai->open_positions = 0;
  ai->open_orders = 0;
  tw_sim_risk_ai_set_enabled (tw_sim_firm_get_risk (req->firm), FALSE,
                              reason != NULL ? reason : "Emergency stop",
                              by != NULL ? by : "api");
  ai->emergency_stop = TRUE;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "emergency_stop");
  json_builder_set_member_name (b, "trading_enabled");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_set_member_name (b, "positions_closed");
  json_builder_add_int_value (b, closed);
  json_builder_set_member_name (b, "orders_cancelled");
  json_builder_add_int_value (b, cancelled);
  json_builder_end_object (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

/* 001 documents these two only, both without a body (one is accepted, as FastAPI would
 * ignore it); nothing reads the trading state back or enables it again. */
const TwSimRoute tw_sim_ai_trading_risk_routes[] = {
  { "POST", "/api/trading/disable", ai_disable },
  { "POST", "/api/trading/emergency-stop", ai_emergency_stop },
  { NULL }
};

void
tw_sim_risk_control_state (TwSim             *sim,
                           SoupServerMessage *msg)
{
  TwSimAiTrading *ai = &tw_sim_firm_get_risk (_tw_sim_get_firm (sim))->ai_trading;
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (!g_str_equal (soup_server_message_get_method (msg), "GET"))
    {
      static const char body[] = "{\"error\":\"/_sim/state takes GET\"}";

      tw_sim_reply_bytes (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "application/json", body,
                          sizeof body - 1);
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ai-trading");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "trading_enabled");
  json_builder_add_boolean_value (b, ai->trading_enabled);
  json_builder_set_member_name (b, "emergency_stop");
  json_builder_add_boolean_value (b, ai->emergency_stop);
  tw_sim_builder_add_string_or_null (b, "reason", ai->reason);
  tw_sim_builder_add_time_or_null (b, "changed_at", ai->changed_at_us);
  tw_sim_builder_add_string_or_null (b, "changed_by", ai->changed_by);
  json_builder_end_object (b);
  json_builder_end_object (b);
  tw_sim_reply_builder (msg, SOUP_STATUS_OK, b);
}

/* ---- Autotrader ---- */

/* 004 shows the paths only: GET /api/health/circuit-breakers (watched with jq, states
 * OPEN and HALF_OPEN, "Circuit Breaker Trips") and GET /api/health/rate-limits, one
 * member per provider under "rate_limits" ("Data Freshness Issues"). Assumed: the
 * breakers' answer's shape and every field inside each entry. There is no reset route:
 * the runbook resets a breaker by a Python call into the registry (the source-reset
 * scenario). */

static void
breakers (TwSimRequest *req)
{
  TwSimRisk *risk = tw_sim_firm_get_risk (req->firm);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "breakers");
  json_builder_begin_object (b);
  for (guint i = 0; i < TW_SIM_N_SOURCES; i++)
    {
      TwSimSource *s = &risk->sources[i];

      json_builder_set_member_name (b, s->name);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, tw_sim_source_state_to_string (s->state));
      json_builder_set_member_name (b, "failure_count");
      json_builder_add_int_value (b, s->failure_count);
      json_builder_set_member_name (b, "failure_threshold");
      json_builder_add_int_value (b, s->failure_threshold);
      json_builder_set_member_name (b, "recovery_timeout_seconds");
      json_builder_add_int_value (b, s->recovery_timeout_s);
      tw_sim_builder_add_time_or_null (b, "last_failure_at", s->last_failure_at_us);
      tw_sim_builder_add_time_or_null (b, "opened_at", s->opened_at_us);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static void
rate_limits (TwSimRequest *req)
{
  TwSimRisk *risk = tw_sim_firm_get_risk (req->firm);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rate_limits");
  json_builder_begin_object (b);
  for (guint i = 0; i < TW_SIM_N_SOURCES; i++)
    {
      TwSimSource *s = &risk->sources[i];
      double percent = s->rate_limit > 0 ? 100.0 * s->rate_used / s->rate_limit : 0.0;

      json_builder_set_member_name (b, s->provider);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "used");
      json_builder_add_int_value (b, s->rate_used);
      json_builder_set_member_name (b, "limit");
      json_builder_add_int_value (b, s->rate_limit);
      json_builder_set_member_name (b, "window_seconds");
      json_builder_add_int_value (b, 60);
      json_builder_set_member_name (b, "usage_percent");
      json_builder_add_double_value (b, (double) (gint64) (percent * 10 + 0.5) / 10);
      {
        /* assumed: when the 60 s window ends (the service page's reset time) */
        gint64 now = g_get_real_time ();
        gint64 window = 60 * G_USEC_PER_SEC;
        g_autofree char *reset_at = tw_sim_format_time (now - now % window + window, FALSE);

        json_builder_set_member_name (b, "reset_at");
        json_builder_add_string_value (b, reset_at);
      }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

const TwSimRoute tw_sim_autotrader_risk_routes[] = {
  { "GET", "/api/health/circuit-breakers", breakers },
  { "GET", "/api/health/rate-limits", rate_limits },
  { NULL }
};

/* ---- Alpaca ---- */

static void
reply_configurations (TwSimRequest *req)
{
  TwSimAlpacaConfig *c = &tw_sim_firm_get_risk (req->firm)->alpaca;
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "dtbp_check");
  json_builder_add_string_value (b, c->dtbp_check);
  json_builder_set_member_name (b, "trade_confirm_email");
  json_builder_add_string_value (b, c->trade_confirm_email);
  json_builder_set_member_name (b, "suspend_trade");
  json_builder_add_boolean_value (b, c->suspend_trade);
  json_builder_set_member_name (b, "no_shorting");
  json_builder_add_boolean_value (b, c->no_shorting);
  json_builder_set_member_name (b, "fractional_trading");
  json_builder_add_boolean_value (b, c->fractional_trading);
  json_builder_set_member_name (b, "max_margin_multiplier");
  json_builder_add_string_value (b, c->max_margin_multiplier);
  json_builder_set_member_name (b, "pdt_check");
  json_builder_add_string_value (b, c->pdt_check);
  json_builder_end_object (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static void
get_configurations (TwSimRequest *req)
{
  reply_configurations (req);
}

typedef enum
{
  FIELD_BOOL,
  FIELD_WORD,
} FieldKind;

static const struct
{
  const char  *name;
  FieldKind    kind;
  const char  *words[4];   /* accepted values of a FIELD_WORD */
} config_fields[] = {
  { "dtbp_check", FIELD_WORD, { "both", "entry", "exit", NULL } },
  { "trade_confirm_email", FIELD_WORD, { "all", "none", NULL } },
  { "suspend_trade", FIELD_BOOL, { NULL } },
  { "no_shorting", FIELD_BOOL, { NULL } },
  { "fractional_trading", FIELD_BOOL, { NULL } },
  { "max_margin_multiplier", FIELD_WORD, { "1", "2", "4", NULL } },
  { "pdt_check", FIELD_WORD, { "both", "entry", "exit", NULL } },
};

static gboolean
config_value_ok (guint     i,
                 JsonNode *node)
{
  if (config_fields[i].kind == FIELD_BOOL)
    return value_type (node) == G_TYPE_BOOLEAN;
  if (value_type (node) != G_TYPE_STRING)
    return FALSE;
  return g_strv_contains (config_fields[i].words, json_node_get_string (node));
}

static void
alpaca_error (TwSimRequest *req,
              guint         status,
              gint64        code,
              const char   *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_int_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  tw_sim_reply_builder (req->msg, status, b);
}

/* A partial update, checked whole before any of it applies. */
static void
patch_configurations (TwSimRequest *req)
{
  TwSimRisk *risk = tw_sim_firm_get_risk (req->firm);
  TwSimAlpacaConfig *c = &risk->alpaca;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = tw_sim_message_get_json (req->msg, &error);
  JsonObject *obj;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      alpaca_error (req, SOUP_STATUS_BAD_REQUEST, 40010000, "request body format is invalid");
      return;
    }
  obj = json_node_get_object (root);

  for (guint i = 0; i < G_N_ELEMENTS (config_fields); i++)
    {
      JsonNode *node = json_object_get_member (obj, config_fields[i].name);

      if (node != NULL && !config_value_ok (i, node))
        {
          g_autofree char *message =
            g_strdup_printf ("invalid value for %s", config_fields[i].name);

          alpaca_error (req, SOUP_STATUS_BAD_REQUEST, 40010001, message);
          return;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (config_fields); i++)
    {
      JsonNode *node = json_object_get_member (obj, config_fields[i].name);
      const char *name = config_fields[i].name;

      if (node == NULL)
        continue;
      if (g_str_equal (name, "dtbp_check"))
        tw_set_str (&c->dtbp_check, json_node_get_string (node));
      else if (g_str_equal (name, "trade_confirm_email"))
        tw_set_str (&c->trade_confirm_email, json_node_get_string (node));
      else if (g_str_equal (name, "suspend_trade"))
        tw_sim_risk_alpaca_set_suspend (risk, req->firm, json_node_get_boolean (node));
      else if (g_str_equal (name, "no_shorting"))
        {
          c->no_shorting = json_node_get_boolean (node);
          tw_sim_firm_get_account (req->firm)->shorting_enabled = !c->no_shorting;
        }
      else if (g_str_equal (name, "fractional_trading"))
        c->fractional_trading = json_node_get_boolean (node);
      else if (g_str_equal (name, "max_margin_multiplier"))
        tw_set_str (&c->max_margin_multiplier, json_node_get_string (node));
      else if (g_str_equal (name, "pdt_check"))
        tw_set_str (&c->pdt_check, json_node_get_string (node));
    }

  reply_configurations (req);
}

const TwSimRoute tw_sim_alpaca_risk_routes[] = {
  { "GET", "/v2/account/configurations", get_configurations },
  { "PATCH", "/v2/account/configurations", patch_configurations },
  { NULL }
};
