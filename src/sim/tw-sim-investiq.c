/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim-metrics.h"
#include "tw-sim-private.h"
#include "tw-sim-risk.h"
#include "tw-sim-trading.h"

/* InvestIQ: a Rust/axum API (port 3000 in real life). Errors are {"error": "…"}. */

static void
health (TwSimRequest *req)
{
  g_autoptr(GPtrArray) components = tw_sim_firm_list_components (req->firm, "investiq");
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *now = tw_sim_format_time (g_get_real_time (), TRUE);
  TwSimLevel worst = tw_sim_firm_get_worst_level (req->firm, "investiq");

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, worst == TW_SIM_LEVEL_OK ? "healthy" : "degraded");
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, "2.4.1");
  json_builder_set_member_name (b, "uptime_seconds");
  json_builder_add_int_value (b, 12345 + tw_sim_firm_get_uptime_us (req->firm) / G_USEC_PER_SEC);
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_string_value (b, now);
  json_builder_set_member_name (b, "dependencies");
  json_builder_begin_object (b);
  for (guint i = 0; i < components->len; i++)
    {
      TwSimComponent *c = g_ptr_array_index (components, i);

      json_builder_set_member_name (b, c->name);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, c->status);
      json_builder_set_member_name (b, "latency_ms");
      json_builder_add_double_value (b, c->latency_ms);
      if (c->message != NULL)
        {
          json_builder_set_member_name (b, "message");
          json_builder_add_string_value (b, c->message);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);

  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static const TwSimRoute routes[] = {
  { "GET", "/health", health },
  { NULL }
};

/* The routes kept in other files: one line per table. */
static const TwSimRoute * const extra_routes[] = {
  tw_sim_investiq_risk_routes,        /* risk controls: tw-sim-risk-*.c */
  tw_sim_investiq_trading_routes,     /* positions and orders: tw-sim-trading-*.c */
  tw_sim_investiq_metrics_routes,     /* Prometheus metrics (issue 14): tw-sim-metrics.c */
  NULL
};

/* 000, Dependency Health Checks: .dependencies.polygon, .alpaca, .ml_service */
static const TwSimComponentSpec components[] = {
  { "polygon", NULL, 48.0 },
  { "alpaca", "connected to Alpaca (paper)", 35.0 },
  { "ml_service", NULL, 3.1 },
  { NULL }
};

const TwSimFlavor tw_sim_flavor_investiq = {
  .name = "investiq",
  .server_header = NULL,
  .errors = TW_SIM_ERRORS_AXUM,
  .auth = TW_SIM_AUTH_API_KEY,
  .missing_status = 401,
  .missing_body = "{\"error\":\"Invalid or missing API key\"}",
  .wrong_status = 401,
  .wrong_body = "{\"error\":\"Invalid or missing API key\"}",
  .routes = routes,
  .extra_routes = extra_routes,
  .components = components,
  .levels = { "healthy", "degraded", "unhealthy" },
};
