/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "tw-sim-private.h"
#include "tw-sim-risk.h"
#include "tw-sim-trading.h"

/* What a service page reads beyond health and risk controls (issue 15):
 *   003 GET /api/v1/metrics: Prometheus text ("Metrics Endpoint", "Monitoring and
 *     Alerting"): ibkr_proposal_total{symbol,state}, ibkr_risk_rejection_total{rule},
 *     ibkr_broker_error_total, ibkr_daily_pnl_usd, ibkr_submission_latency_seconds
 *     (a summary: the runbook greps submission_latency_seconds{quantile="0.95"}) and
 *     ibkr_fill_latency_seconds (p50, p95, p99: assumed a histogram);
 *   001 GET /api/metrics/performance, /api/trades?limit=N, /api/models/status (the
 *     runbook shows no answers: every field is assumed);
 *   004 GET /api/health/security: {status, checks: {NAME: {status, severity, message}}}
 *     (".checks.api_key_validation"; statuses "passing" / "failing", severities
 *     critical / high / medium: "Security Check Failures"). api_key_validation fails,
 *     as the runbook's example does.
 * The firm's trade list is the one InvestIQ's /api/portfolio/trades serves. */

static double
daily_pnl (TwSimFirm *firm)
{
  g_autoptr(GPtrArray) trades = tw_sim_firm_list_trades (firm);
  gint64 since = g_get_real_time () - G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC;
  double pnl = 0;

  for (guint i = 0; i < trades->len; i++)
    {
      TwSimTrade *t = g_ptr_array_index (trades, i);

      if (t->time_us >= since)
        pnl += t->pnl;
    }
  return round (pnl * 100) / 100;
}

/* ---- 003: Prometheus text ---- */

static void
append_histogram (GString    *out,
                  const char *name,
                  const char *help,
                  guint       n,
                  double      scale)
{
  static const double bounds[] = { 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5 };
  /* A latency spread: most fast, a tail past a second. */
  static const double shares[] = { 0.30, 0.55, 0.75, 0.88, 0.95, 0.99, 1.0 };

  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name);
  for (guint i = 0; i < G_N_ELEMENTS (bounds); i++)
    {
      char le[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (le, sizeof le, "%g", bounds[i] * scale);
      /* Rounded up: each bucket holds at least its share, so the quantiles read from it
       * stay where the shares put them (p95 within a second) as n grows with the uptime. */
      g_string_append_printf (out, "%s_bucket{le=\"%s\"} %u\n", name, le,
                              MIN (n, (guint) ceil (shares[i] * n)));
    }
  g_string_append_printf (out, "%s_bucket{le=\"+Inf\"} %u\n", name, n);
  g_string_append_printf (out, "%s_sum %.3f\n%s_count %u\n", name, 0.31 * scale * n, name, n);
}

static void
ibkr_metrics (TwSimRequest *req)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint n = 40 + (guint) (tw_sim_firm_get_uptime_us (req->firm) / (5 * G_USEC_PER_SEC));
  char pnl[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out,
                   "# HELP ibkr_proposal_total Total number of proposals\n"
                   "# TYPE ibkr_proposal_total counter\n");
  g_string_append_printf (out, "ibkr_proposal_total{symbol=\"AAPL\",state=\"PENDING\"} %u\n", n / 8);
  g_string_append_printf (out, "ibkr_proposal_total{symbol=\"AAPL\",state=\"FILLED\"} %u\n", n / 2);
  g_string_append_printf (out, "ibkr_proposal_total{symbol=\"MSFT\",state=\"REJECTED\"} %u\n", n / 10);
  g_string_append (out,
                   "# HELP ibkr_risk_rejection_total Risk rejections by rule\n"
                   "# TYPE ibkr_risk_rejection_total counter\n");
  g_string_append_printf (out, "ibkr_risk_rejection_total{rule=\"max_position_size\"} %u\n", n / 10);
  g_string_append_printf (out, "ibkr_risk_rejection_total{rule=\"daily_loss_limit\"} %u\n", n / 40);
  g_string_append (out,
                   "# HELP ibkr_broker_error_total Broker errors\n"
                   "# TYPE ibkr_broker_error_total counter\n"
                   "ibkr_broker_error_total 2\n"
                   "# HELP ibkr_daily_pnl_usd Current daily P&L\n"
                   "# TYPE ibkr_daily_pnl_usd gauge\n");
  g_ascii_formatd (pnl, sizeof pnl, "%.2f", daily_pnl (req->firm));
  g_string_append_printf (out, "ibkr_daily_pnl_usd %s\n", pnl);
  g_string_append (out,
                   "# HELP ibkr_submission_latency_seconds Order submission latency\n"
                   "# TYPE ibkr_submission_latency_seconds summary\n"
                   "ibkr_submission_latency_seconds{quantile=\"0.5\"} 0.12\n"
                   "ibkr_submission_latency_seconds{quantile=\"0.95\"} 0.85\n"
                   "ibkr_submission_latency_seconds{quantile=\"0.99\"} 1.9\n");
  g_string_append_printf (out, "ibkr_submission_latency_seconds_sum %.2f\n"
                               "ibkr_submission_latency_seconds_count %u\n", 0.2 * n, n);
  append_histogram (out, "ibkr_fill_latency_seconds", "Order fill latency", n, 1.0);

  tw_sim_reply_bytes (req->msg, SOUP_STATUS_OK, "text/plain; version=0.0.4; charset=utf-8",
                      out->str, out->len);
}

const TwSimRoute tw_sim_ibkr_assistant_details_routes[] = {
  { "GET", "/api/v1/metrics", ibkr_metrics },
  { NULL }
};

/* ---- 001 ---- */

static void
add_number (JsonBuilder *b,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

static void
ai_performance (TwSimRequest *req)
{
  g_autoptr(GPtrArray) trades = tw_sim_firm_list_trades (req->firm);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  guint wins = 0;
  double total = 0;

  for (guint i = 0; i < trades->len; i++)
    {
      TwSimTrade *t = g_ptr_array_index (trades, i);

      total += t->pnl;
      if (t->pnl > 0)
        wins++;
    }
  json_builder_begin_object (b);
  add_number (b, "sharpe_ratio", trades->len > 0 && total < 0 ? -0.4 : 1.35);
  add_number (b, "win_rate", trades->len > 0 ? round (1000.0 * wins / trades->len) / 1000 : 0);
  add_number (b, "total_pnl", round (total * 100) / 100);
  add_number (b, "daily_pnl", daily_pnl (req->firm));
  add_number (b, "max_drawdown", 0.034);
  json_builder_set_member_name (b, "total_trades");
  json_builder_add_int_value (b, trades->len);
  json_builder_end_object (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static void
ai_trades (TwSimRequest *req)
{
  const char *limit_text = tw_sim_request_get_query (req, "limit");
  g_autoptr(GPtrArray) trades = tw_sim_firm_list_trades (req->firm);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  guint64 limit = 20;

  if (limit_text != NULL && !g_ascii_string_to_unsigned (limit_text, 10, 1, 1000, &limit, NULL))
    {
      tw_sim_reply_flavor_error (req, 422, "limit must be a whole number from 1 to 1000");
      return;
    }
  json_builder_begin_array (b);
  for (guint i = 0; i < trades->len && i < limit; i++)
    {
      TwSimTrade *t = g_ptr_array_index (trades, i);
      g_autofree char *when = tw_sim_format_time (t->time_us, FALSE);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, t->id);
      json_builder_set_member_name (b, "symbol");
      json_builder_add_string_value (b, t->symbol);
      json_builder_set_member_name (b, "side");
      json_builder_add_string_value (b, i % 2 == 0 ? "sell" : "buy");
      add_number (b, "pnl", round (t->pnl * 100) / 100);
      json_builder_set_member_name (b, "timestamp");
      json_builder_add_string_value (b, when);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

/* "lstm_signal" is loaded while the flavor's "model" component is healthy (the control
 * API takes it down); "regime_classifier" unloads two minutes after start, as a model
 * whose file went missing would. */
#define REGIME_UNLOAD_US (G_GINT64_CONSTANT (120) * G_USEC_PER_SEC)

static void
add_model (JsonBuilder *b,
           const char  *name,
           gboolean     loaded,
           const char  *version,
           double       accuracy)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "loaded");
  json_builder_add_boolean_value (b, loaded);
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, version);
  add_number (b, "accuracy", accuracy);
  if (!loaded)
    {
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, "model file not found");
    }
  json_builder_end_object (b);
}

static void
ai_models (TwSimRequest *req)
{
  TwSimComponent *model = tw_sim_firm_get_component (req->firm, "ai-trading", "model");
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "models");
  json_builder_begin_array (b);
  add_model (b, "lstm_signal", model == NULL || model->level == TW_SIM_LEVEL_OK, "2.3.1", 0.612);
  add_model (b, "regime_classifier", tw_sim_firm_get_uptime_us (req->firm) < REGIME_UNLOAD_US,
             "1.0.4", 0.574);
  json_builder_end_array (b);
  json_builder_end_object (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

const TwSimRoute tw_sim_ai_trading_details_routes[] = {
  { "GET", "/api/metrics/performance", ai_performance },
  { "GET", "/api/trades", ai_trades },
  { "GET", "/api/models/status", ai_models },
  { NULL }
};

/* ---- 004 ---- */

static void
add_check (JsonBuilder *b,
           const char  *name,
           gboolean     passing,
           const char  *severity,
           const char  *message)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, passing ? "passing" : "failing");
  json_builder_set_member_name (b, "severity");
  json_builder_add_string_value (b, severity);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
}

static void
autotrader_security (TwSimRequest *req)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "failing");
  json_builder_set_member_name (b, "checks");
  json_builder_begin_object (b);
  add_check (b, "api_key_validation", FALSE, "high", "Missing keys: GROQ_API_KEY, ETHERSCAN_API_KEY");
  add_check (b, "ibkr_fa_scrubbing", TRUE, "critical", "No FA account numbers in the logs");
  add_check (b, "dependency_vulnerabilities", TRUE, "medium", "0 critical, 0 high vulnerabilities");
  json_builder_end_object (b);
  json_builder_end_object (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

const TwSimRoute tw_sim_autotrader_details_routes[] = {
  { "GET", "/api/health/security", autotrader_security },
  { NULL }
};
