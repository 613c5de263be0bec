/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim-private.h"
#include "tw-sim-risk.h"
#include "tw-sim-trading.h"

/* ibkr-assistant: a FastAPI service under /api/v1 in front of the IBKR gateway. */

/* Losing the database or the gateway makes the service unhealthy; anything else
 * degrades it. */
static const char *
overall_status (TwSimFirm *firm)
{
  g_autoptr(GPtrArray) components = tw_sim_firm_list_components (firm, "ibkr-assistant");
  TwSimLevel worst = TW_SIM_LEVEL_OK;

  for (guint i = 0; i < components->len; i++)
    {
      TwSimComponent *c = g_ptr_array_index (components, i);
      gboolean critical = g_str_equal (c->name, "database") || g_str_equal (c->name, "ibkr_gateway");

      if (c->level == TW_SIM_LEVEL_BAD && critical)
        return "unhealthy";
      worst = MAX (worst, c->level);
    }
  return worst == TW_SIM_LEVEL_OK ? "healthy" : "degraded";
}

static void
health (TwSimRequest *req)
{
  g_autoptr(GPtrArray) components = tw_sim_firm_list_components (req->firm, "ibkr-assistant");
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, overall_status (req->firm));
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, "1.8.0");
  json_builder_set_member_name (b, "environment");
  json_builder_add_string_value (b, "paper");
  json_builder_set_member_name (b, "components");
  json_builder_begin_object (b);
  for (guint i = 0; i < components->len; i++)
    {
      TwSimComponent *c = g_ptr_array_index (components, i);

      g_autofree char *kill_switch = NULL;
      const char *detail = c->message;

      /* risk controls: the kill switch's detail follows its state while healthy */
      if (g_str_equal (c->name, "kill_switch") && c->level == TW_SIM_LEVEL_OK)
        detail = kill_switch = tw_sim_risk_kill_switch_detail (tw_sim_firm_get_risk (req->firm));

      json_builder_set_member_name (b, c->name);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, c->status);
      if (detail != NULL)
        {
          json_builder_set_member_name (b, "detail");
          json_builder_add_string_value (b, detail);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);

  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static const TwSimRoute routes[] = {
  { "GET", "/api/v1/health", health },
  { NULL }
};

/* The routes kept in other files: one line per table. */
static const TwSimRoute * const extra_routes[] = {
  tw_sim_ibkr_assistant_risk_routes,        /* risk controls: tw-sim-risk-*.c */
  tw_sim_ibkr_assistant_trading_routes,     /* positions and orders: tw-sim-trading-*.c */
  NULL
};

static const TwSimComponentSpec components[] = {
  { "database", NULL, -1 },
  { "ibkr_gateway", "connected, authenticated", -1 },
  { "kill_switch", "inactive", -1 },
  { "scheduler", NULL, -1 },
  { NULL }
};

const TwSimFlavor tw_sim_flavor_ibkr_assistant = {
  .name = "ibkr-assistant",
  .server_header = "uvicorn",
  .errors = TW_SIM_ERRORS_FASTAPI,
  .auth = TW_SIM_AUTH_API_KEY,
  .missing_status = 401,
  .missing_body = "{\"detail\":\"Invalid API key\"}",
  .wrong_status = 401,
  .wrong_body = "{\"detail\":\"Invalid API key\"}",
  .routes = routes,
  .extra_routes = extra_routes,
  .components = components,
  .levels = { "healthy", "degraded", "unhealthy" },
};
