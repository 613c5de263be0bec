/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim-private.h"
#include "tw-sim-details.h"
#include "tw-sim-risk.h"

/* autotrader: a FastAPI bot (004's Operations Runbooks). The runbook's calls send no
 * credentials. GET /api/health is assumed (the runbook shows /api/health/… only): its
 * checks are plain strings. */

static void
health (TwSimRequest *req)
{
  g_autoptr(GPtrArray) components = tw_sim_firm_list_components (req->firm, "autotrader");
  g_autoptr(JsonBuilder) b = json_builder_new ();
  TwSimLevel worst = tw_sim_firm_get_worst_level (req->firm, "autotrader");
  double uptime = 1234.5 + tw_sim_firm_get_uptime_us (req->firm) / (double) G_USEC_PER_SEC;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, worst == TW_SIM_LEVEL_OK ? "healthy" : "degraded");
  json_builder_set_member_name (b, "checks");
  json_builder_begin_object (b);
  for (guint i = 0; i < components->len; i++)
    {
      TwSimComponent *c = g_ptr_array_index (components, i);

      json_builder_set_member_name (b, c->name);
      json_builder_add_string_value (b, c->status);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "uptime");
  json_builder_add_double_value (b, uptime);
  json_builder_end_object (b);

  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static const TwSimRoute routes[] = {
  { "GET", "/api/health", health },
  { NULL }
};

/* The routes kept in other files: one line per table. */
static const TwSimRoute * const extra_routes[] = {
  tw_sim_autotrader_risk_routes,        /* risk controls: tw-sim-risk-*.c */
  tw_sim_autotrader_details_routes,     /* a page per service: tw-sim-details.c */
  NULL
};

static const TwSimComponentSpec components[] = {
  { "database", NULL, -1 },
  { "market_data", NULL, -1 },
  { "broker", NULL, -1 },
  { NULL }
};

const TwSimFlavor tw_sim_flavor_autotrader = {
  .name = "autotrader",
  .server_header = "uvicorn",
  .errors = TW_SIM_ERRORS_FASTAPI,
  .auth = TW_SIM_AUTH_NONE,
  .routes = routes,
  .extra_routes = extra_routes,
  .components = components,
  .levels = { "ok", "degraded", "failing" },
};
