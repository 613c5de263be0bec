/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim-private.h"
#include "tw-sim-details.h"
#include "tw-sim-risk.h"

/* ai-trading (001): a FastAPI service behind a Bearer token ("Trading API … Bearer token
 * in 1Password"), an HTTPBearer dependency: a missing header gets FastAPI's own 403
 * "Not authenticated". GET /api/health is the runbook's; its answer is not shown there,
 * so its fields are assumed. The runbook has no read-back of the trading state. */

static void
health (TwSimRequest *req)
{
  g_autoptr(GPtrArray) components = tw_sim_firm_list_components (req->firm, "ai-trading");
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *now = tw_sim_format_time (g_get_real_time (), TRUE);
  TwSimComponent *exchange = tw_sim_firm_get_component (req->firm, "ai-trading", "exchange");
  TwSimLevel worst = tw_sim_firm_get_worst_level (req->firm, "ai-trading");
  const char *status;

  /* Without the exchange nothing trades: down. Anything else only degrades. */
  if (exchange->level == TW_SIM_LEVEL_BAD)
    status = "down";
  else
    status = worst == TW_SIM_LEVEL_OK ? "ok" : "degraded";

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, status);
  json_builder_set_member_name (b, "services");
  json_builder_begin_array (b);
  for (guint i = 0; i < components->len; i++)
    {
      TwSimComponent *c = g_ptr_array_index (components, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, c->name);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, c->status);
      if (c->latency_ms >= 0)
        {
          json_builder_set_member_name (b, "latency_ms");
          json_builder_add_double_value (b, c->latency_ms);
        }
      if (c->message != NULL)
        {
          json_builder_set_member_name (b, "message");
          json_builder_add_string_value (b, c->message);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_string_value (b, now);
  json_builder_end_object (b);

  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static const TwSimRoute routes[] = {
  { "GET", "/api/health", health },
  { NULL }
};

/* The routes kept in other files: one line per table. */
static const TwSimRoute * const extra_routes[] = {
  tw_sim_ai_trading_risk_routes,        /* risk controls: tw-sim-risk-*.c */
  tw_sim_ai_trading_details_routes,     /* a page per service: tw-sim-details.c */
  NULL
};

static const TwSimComponentSpec components[] = {
  { "exchange", NULL, 42.0 },
  { "model", NULL, -1 },
  { "rate_gate", NULL, -1 },
  { NULL }
};

const TwSimFlavor tw_sim_flavor_ai_trading = {
  .name = "ai-trading",
  .server_header = "uvicorn",
  .errors = TW_SIM_ERRORS_FASTAPI,
  .auth = TW_SIM_AUTH_BEARER,
  .missing_status = 403,
  .missing_body = "{\"detail\":\"Not authenticated\"}",
  .wrong_status = 401,
  .wrong_body = "{\"detail\":\"Invalid authentication credentials\"}",
  .routes = routes,
  .extra_routes = extra_routes,
  .components = components,
  .levels = { "ok", "degraded", "down" },
};
