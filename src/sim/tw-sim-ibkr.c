/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim-private.h"
#include "tw-sim-details.h"
#include "tw-sim-risk.h"
#include "tw-sim-trading.h"
#include "tw-sim-flags.h"

/* ibkr-assistant: a FastAPI service under /api/v1 in front of the IBKR gateway, as
 * 003's RUNBOOK.md shows it: no credentials on any call, GET /api/v1/health answers
 * {"status", "timestamp", "components": {NAME: {"status": "ok"|…}}}, the broker with
 * "connected" and the kill switch with "enabled" ("Verify Services"; a broken broker is
 * "error", "Troubleshooting: Broker Connection Failed"). */

/* Losing the audit store or the broker makes the service unhealthy; anything else
 * degrades it (assumed: the runbook shows "healthy" only). */
static const char *
overall_status (TwSimFirm *firm)
{
  g_autoptr(GPtrArray) components = tw_sim_firm_list_components (firm, "ibkr-assistant");
  TwSimLevel worst = TW_SIM_LEVEL_OK;

  for (guint i = 0; i < components->len; i++)
    {
      TwSimComponent *c = g_ptr_array_index (components, i);
      gboolean critical = g_str_equal (c->name, "audit_store") || g_str_equal (c->name, "broker");

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
  TwSimKillSwitch *ks = &tw_sim_firm_get_risk (req->firm)->kill_switch;
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, overall_status (req->firm));
  tw_sim_builder_add_time_or_null (b, "timestamp", g_get_real_time ());
  json_builder_set_member_name (b, "components");
  json_builder_begin_object (b);
  for (guint i = 0; i < components->len; i++)
    {
      TwSimComponent *c = g_ptr_array_index (components, i);

      json_builder_set_member_name (b, c->name);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, c->status);
      if (g_str_equal (c->name, "broker"))
        {
          json_builder_set_member_name (b, "connected");
          json_builder_add_boolean_value (b, c->level != TW_SIM_LEVEL_BAD);
        }
      else if (g_str_equal (c->name, "kill_switch"))
        {
          json_builder_set_member_name (b, "enabled");
          json_builder_add_boolean_value (b, ks->enabled);
        }
      /* assumed: an injected fault's message, which the runbook does not show */
      if (c->message != NULL)
        {
          json_builder_set_member_name (b, "detail");
          json_builder_add_string_value (b, c->message);
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
  tw_sim_ibkr_assistant_details_routes,     /* a page per service: tw-sim-details.c */
  tw_sim_ibkr_assistant_trading_routes,     /* positions and orders: tw-sim-trading-*.c */
  tw_sim_ibkr_assistant_flag_routes,        /* feature flags: tw-sim-flags.c */
  NULL
};

/* The runbook's components, in its order ("Verify Services"). */
static const TwSimComponentSpec components[] = {
  { "kill_switch", NULL, -1 },
  { "audit_store", NULL, -1 },
  { "broker", NULL, -1 },
  { "approval_service", NULL, -1 },
  { "risk_engine", NULL, -1 },
  { "simulator", NULL, -1 },
  { "order_submitter", NULL, -1 },
  { NULL }
};

const TwSimFlavor tw_sim_flavor_ibkr_assistant = {
  .name = "ibkr-assistant",
  .server_header = "uvicorn",
  .errors = TW_SIM_ERRORS_FASTAPI,
  .auth = TW_SIM_AUTH_NONE,
  .routes = routes,
  .extra_routes = extra_routes,
  .components = components,
  /* components: "ok" and "error" are the runbook's; "degraded" assumed */
  .levels = { "ok", "degraded", "error" },
};
