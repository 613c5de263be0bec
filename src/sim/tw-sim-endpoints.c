/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tw-sim-private.h"

/* A service's second address (issue 15), each its own port:
 *
 * 001's rate gate (localhost:3001), from its runbook: "Rate Gate API Exhaustion" and
 * "Rate Limiting Issues": GET /status ("Check current quotas"), GET /metrics ("View rate
 * limiting metrics", "Monitor quota usage"; the alert's trigger is
 * rate_gate_backoff_count), POST /reset and POST /reset/{provider} ("Reset specific
 * provider quota", e.g. alphavantage). The runbook's curl sends no credentials. It shows
 * no answers: assumed are GET /status → {status, backoff_count, providers: {NAME: {used,
 * limit, remaining, window_seconds, reset_at, blocked}}}, /metrics in the Prometheus text
 * format, the resets answering {status, message, providers}, an unknown provider 404
 * {"detail": "Unknown provider: …"} (FastAPI's shape, as the rest of 001). The quotas
 * start near and over 80 %: alphavantage spent (the exchange blocks), polygon at 85 %.
 *
 * 000's ML service (signal-models, FastAPI on :8004), from its runbook: GET /health →
 * {"status": "healthy", "models_loaded": true, "model_names": [...]} and
 * ".model_performance" ("Verify calibration improved"). The models are the three the
 * runbook's fallback names (meta prediction, confidence calibration, weight
 * optimization); the fields of model_performance are assumed. The models are loaded
 * while InvestIQ's "ml_service" dependency is healthy (POST /_sim/health takes it
 * down): then {"status": "degraded", "models_loaded": false, "model_names": [],
 * "model_performance": {}}. */

typedef struct
{
  const char *name;
  guint       used;
  guint       limit;
  guint       window_s;
} Quota;

typedef struct
{
  Quota  quotas[3];
  guint  backoff_count;
  guint  requests_total;
  gint64 window_start_us;
} RateGate;

static RateGate *
rate_gate_get (TwSim *sim)
{
  RateGate *gate = g_object_get_data (G_OBJECT (sim), "tw-sim-rate-gate");

  if (gate == NULL)
    {
      static const Quota initial[] = {
        { "alphavantage", 5, 5, 60 },      /* spent: the exchange blocks */
        { "polygon", 85, 100, 60 },        /* above 80 % */
        { "binance", 300, 1200, 60 },
      };

      gate = g_new0 (RateGate, 1);
      memcpy (gate->quotas, initial, sizeof initial);
      gate->backoff_count = 14;   /* past the runbook's "> 10 per minute" */
      gate->requests_total = 1873;
      gate->window_start_us = g_get_real_time ();
      g_object_set_data_full (G_OBJECT (sim), "tw-sim-rate-gate", gate, g_free);
    }
  return gate;
}

static Quota *
find_quota (RateGate   *gate,
            const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (gate->quotas); i++)
    if (g_strcmp0 (gate->quotas[i].name, name) == 0)
      return &gate->quotas[i];
  return NULL;
}

static void
add_quota (JsonBuilder *b,
           RateGate    *gate,
           Quota       *q)
{
  /* The window rolls on; the firm's traffic fills each one as it did the last. */
  gint64 window_us = (gint64) q->window_s * G_USEC_PER_SEC;
  gint64 elapsed = MAX (g_get_real_time () - gate->window_start_us, 0);
  g_autofree char *reset_at = tw_sim_format_time (gate->window_start_us + (elapsed / window_us + 1) * window_us,
                                                  FALSE);

  json_builder_set_member_name (b, q->name);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "used");
  json_builder_add_int_value (b, q->used);
  json_builder_set_member_name (b, "limit");
  json_builder_add_int_value (b, q->limit);
  json_builder_set_member_name (b, "remaining");
  json_builder_add_int_value (b, q->limit - MIN (q->used, q->limit));
  json_builder_set_member_name (b, "window_seconds");
  json_builder_add_int_value (b, q->window_s);
  json_builder_set_member_name (b, "reset_at");
  json_builder_add_string_value (b, reset_at);
  json_builder_set_member_name (b, "blocked");
  json_builder_add_boolean_value (b, q->used >= q->limit);
  json_builder_end_object (b);
}

static void
rate_status (TwSimRequest *req)
{
  RateGate *gate = rate_gate_get (req->sim);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gboolean blocked = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (gate->quotas); i++)
    blocked |= gate->quotas[i].used >= gate->quotas[i].limit;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, blocked ? "backoff" : "ok");
  json_builder_set_member_name (b, "backoff_count");
  json_builder_add_int_value (b, gate->backoff_count);
  json_builder_set_member_name (b, "providers");
  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (gate->quotas); i++)
    add_quota (b, gate, &gate->quotas[i]);
  json_builder_end_object (b);
  json_builder_end_object (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static void
rate_metrics (TwSimRequest *req)
{
  RateGate *gate = rate_gate_get (req->sim);
  g_autoptr(GString) out = g_string_new (NULL);

  g_string_append (out, "# HELP rate_gate_requests_total Requests passed to the providers\n"
                        "# TYPE rate_gate_requests_total counter\n");
  for (guint i = 0; i < G_N_ELEMENTS (gate->quotas); i++)
    g_string_append_printf (out, "rate_gate_requests_total{provider=\"%s\"} %u\n", gate->quotas[i].name,
                            gate->requests_total / (i + 2));
  g_string_append (out, "# HELP rate_gate_quota_used Requests used in the current window\n"
                        "# TYPE rate_gate_quota_used gauge\n");
  for (guint i = 0; i < G_N_ELEMENTS (gate->quotas); i++)
    g_string_append_printf (out, "rate_gate_quota_used{provider=\"%s\"} %u\n", gate->quotas[i].name,
                            gate->quotas[i].used);
  g_string_append (out, "# HELP rate_gate_quota_limit Requests allowed per window\n"
                        "# TYPE rate_gate_quota_limit gauge\n");
  for (guint i = 0; i < G_N_ELEMENTS (gate->quotas); i++)
    g_string_append_printf (out, "rate_gate_quota_limit{provider=\"%s\"} %u\n", gate->quotas[i].name,
                            gate->quotas[i].limit);
  g_string_append_printf (out, "# HELP rate_gate_backoff_count Back-offs in the last minute\n"
                               "# TYPE rate_gate_backoff_count gauge\n"
                               "rate_gate_backoff_count %u\n", gate->backoff_count);
  tw_sim_reply_bytes (req->msg, SOUP_STATUS_OK, "text/plain; version=0.0.4; charset=utf-8",
                      out->str, out->len);
}

static void
reply_reset (TwSimRequest *req,
             const char   *message,
             Quota        *only)
{
  RateGate *gate = rate_gate_get (req->sim);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "reset");
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_set_member_name (b, "providers");
  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (gate->quotas); i++)
    if (only == NULL || only == &gate->quotas[i])
      json_builder_add_string_value (b, gate->quotas[i].name);
  json_builder_end_array (b);
  json_builder_end_object (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static void
rate_reset (TwSimRequest *req)
{
  RateGate *gate = rate_gate_get (req->sim);

  for (guint i = 0; i < G_N_ELEMENTS (gate->quotas); i++)
    gate->quotas[i].used = 0;
  gate->backoff_count = 0;
  gate->window_start_us = g_get_real_time ();
  reply_reset (req, "All provider quotas reset", NULL);
}

static void
rate_reset_provider (TwSimRequest *req)
{
  RateGate *gate = rate_gate_get (req->sim);
  const char *name = tw_sim_request_get_param (req, "provider");
  Quota *quota = find_quota (gate, name);
  g_autofree char *message = NULL;

  if (quota == NULL)
    {
      message = g_strdup_printf ("Unknown provider: %s", name);
      tw_sim_reply_flavor_error (req, SOUP_STATUS_NOT_FOUND, message);
      return;
    }
  quota->used = 0;
  message = g_strdup_printf ("Quota reset for %s", quota->name);
  reply_reset (req, message, quota);
}

static const TwSimRoute rate_gate_routes[] = {
  { "GET", "/status", rate_status },
  { "GET", "/metrics", rate_metrics },
  { "POST", "/reset", rate_reset },
  { "POST", "/reset/{provider}", rate_reset_provider },
  { NULL }
};

static const TwSimComponentSpec no_components[] = {
  { NULL }
};

const TwSimFlavor tw_sim_flavor_rate_gate = {
  .name = TW_SIM_FLAVOR_RATE_GATE,
  .server_header = "uvicorn",
  .errors = TW_SIM_ERRORS_FASTAPI,
  .auth = TW_SIM_AUTH_NONE,
  .routes = rate_gate_routes,
  .components = no_components,
  .levels = { "ok", "backoff", "down" },
};

/* ---- 000's ML service ---- */

static void
add_performance (JsonBuilder *b,
                 const char  *name,
                 double       accuracy,
                 double       calibration_error,
                 guint        samples,
                 const char  *version)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "accuracy");
  json_builder_add_double_value (b, accuracy);
  json_builder_set_member_name (b, "calibration_error");
  json_builder_add_double_value (b, calibration_error);
  json_builder_set_member_name (b, "samples");
  json_builder_add_int_value (b, samples);
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, version);
  json_builder_end_object (b);
}

static void
ml_health (TwSimRequest *req)
{
  static const char * const names[] = { "meta_model", "confidence_calibrator", "weight_optimizer" };
  TwSimComponent *ml = tw_sim_firm_get_component (req->firm, "investiq", "ml_service");
  gboolean loaded = ml == NULL || ml->level == TW_SIM_LEVEL_OK;
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, loaded ? "healthy" : "degraded");
  json_builder_set_member_name (b, "models_loaded");
  json_builder_add_boolean_value (b, loaded);
  json_builder_set_member_name (b, "model_names");
  json_builder_begin_array (b);
  for (guint i = 0; loaded && i < G_N_ELEMENTS (names); i++)
    json_builder_add_string_value (b, names[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "model_performance");
  json_builder_begin_object (b);
  if (loaded)
    {
      add_performance (b, names[0], 0.634, 0.041, 1843, "2026-02-01");
      add_performance (b, names[1], 0.712, 0.027, 1843, "2026-02-01");
      add_performance (b, names[2], 0.588, 0.063, 912, "2026-01-18");
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static const TwSimRoute ml_routes[] = {
  { "GET", "/health", ml_health },
  { NULL }
};

const TwSimFlavor tw_sim_flavor_ml_service = {
  .name = TW_SIM_FLAVOR_ML_SERVICE,
  .server_header = "uvicorn",
  .errors = TW_SIM_ERRORS_FASTAPI,
  .auth = TW_SIM_AUTH_NONE,
  .routes = ml_routes,
  .components = no_components,
  .levels = { "healthy", "degraded", "unhealthy" },
};
