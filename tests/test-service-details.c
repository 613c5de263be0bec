/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tw-alert-private.h"
#include "tw-error.h"
#include "tw-service-details-fixture.h"

/* Each section of a service page against the simulator: what the connectors map from
 * the runbooks' answers, and the alerts of a failing security check and a model that
 * is not loaded. */

/* Only the sections the connector declares. */
static void
test_sections (Fixture       *fx,
               gconstpointer  data)
{
  static const struct { const char *id; gboolean sections[TW_DETAIL_N_SECTIONS]; } expected[] = {
    /*                   metrics rate   security trades models clock  orders limit-metrics */
    { "investiq",       { FALSE, FALSE, FALSE,   TRUE,  TRUE,  FALSE } },
    { "ibkr-assistant", { TRUE,  FALSE, FALSE,   FALSE, FALSE, FALSE, TRUE } },
    { "ai-trading",     { TRUE,  TRUE,  FALSE,   TRUE,  TRUE,  FALSE, FALSE, TRUE } },
    { "autotrader",     { FALSE, TRUE,  TRUE,    FALSE, FALSE, FALSE } },
    { "alpaca",         { FALSE, FALSE, FALSE,   FALSE, FALSE, TRUE } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(TwServiceDetails) details = details_for (fx, expected[i].id);

      for (guint s = 0; s < TW_DETAIL_N_SECTIONS; s++)
        {
          g_test_message ("%s: %s", expected[i].id, tw_detail_section_get_operation (s));
          g_assert_cmpint (tw_service_details_has_section (details, s), ==, expected[i].sections[s]);
        }
    }
}

static void
count_update (TwServiceDetails *details,
              guint             section,
              guint            *n)
{
  (*n)++;
}

/* 003's Prometheus text: key figures from the families, every sample in the table. */
static void
test_prometheus_metrics (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(TwServiceDetails) details = details_for (fx, "ibkr-assistant");
  TwDetailItem *figures = tw_service_details_get_figures (details);
  TwDetailItem *row;

  read_all (details);
  g_assert_null (tw_service_details_get_error (details, TW_DETAIL_METRICS));
  /* the runbook's key figures */
  g_assert_false (isnan (tw_detail_item_get_number (figures, "daily-pnl")));
  g_assert_cmpfloat (tw_detail_item_get_number (figures, "broker-errors"), ==, 2);
  g_assert_cmpfloat (tw_detail_item_get_number (figures, "risk-rejections"), >=, 4);
  g_assert_cmpfloat (tw_detail_item_get_number (figures, "latency-p95"), ==, 0.85);
  g_assert_cmpfloat (tw_detail_item_get_number (figures, "latency-p99"), ==, 1.9);
  g_assert_true (isnan (tw_detail_item_get_number (figures, "sharpe-ratio")));
  /* the rest: samples with their labels, the histogram's estimated quantiles */
  row = find_item (details, TW_DETAIL_METRICS, "ibkr_fill_latency_seconds (p95)");
  g_assert_nonnull (row);
  g_assert_cmpstr (tw_detail_item_get_string (row, "kind"), ==, "histogram");
  g_assert_cmpfloat (tw_detail_item_get_number (row, "value"), >, 0.5);
  g_assert_cmpfloat (tw_detail_item_get_number (row, "value"), <=, 1.0);
  row = find_item (details, TW_DETAIL_METRICS, "ibkr_risk_rejection_total");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (tw_detail_item_get_string (row, "labels"), "rule=\""));
  g_assert_true (tw_detail_item_matches (row, "max_position"));
  g_assert_nonnull (find_item (details, TW_DETAIL_METRICS, "ibkr_fill_latency_seconds_bucket"));

  /* Each read adds to the figures' last hour (the page's sparklines); none for a figure
   * the service does not report. */
  {
    guint n = 0, n_updates = 0;

    g_assert_nonnull (tw_service_details_get_figure_history (details, "latency-p95", &n));
    g_assert_cmpuint (n, ==, 1);
    g_signal_connect (details, "updated", G_CALLBACK (count_update), &n_updates);
    tw_service_details_refresh (details);
    tw_test_wait_until (n_updates >= 2, 10000);
    g_assert_nonnull (tw_service_details_get_figure_history (details, "latency-p95", &n));
    g_assert_cmpuint (n, ==, 2);
    g_assert_null (tw_service_details_get_figure_history (details, "sharpe-ratio", &n));
    g_assert_cmpuint (n, ==, 0);
  }
}

/* An exposition cut short (the connection closed half-way) is an error the section
 * shows; nothing half-read replaces the last good table. (A cut at a line's middle that
 * reaches the parser: test-prometheus.) */
static void
test_prometheus_truncated (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(TwServiceDetails) details = details_for (fx, "ibkr-assistant");
  GListModel *items = tw_service_details_get_items (details, TW_DETAIL_METRICS);
  guint n_before;

  read_all (details);
  n_before = g_list_model_get_n_items (items);
  g_assert_cmpuint (n_before, >, 10);

  tw_test_sim_fault (fx->f.sim, "ibkr-assistant",
                     "{\"path\":\"/api/v1/metrics\",\"kind\":\"truncated\"}");
  tw_service_details_refresh (details);
  tw_test_wait_until (tw_service_details_get_error (details, TW_DETAIL_METRICS) != NULL, 10000);
  g_test_message ("%s", tw_service_details_get_error (details, TW_DETAIL_METRICS));
  /* the last good table stays */
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, n_before);
}

/* 001's performance answer, mapped; its trades; its models. */
static void
test_ai_trading (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(TwServiceDetails) details = NULL;
  TwDetailItem *figures, *model;

  risk_scenario (&fx->f, "{\"name\":\"losing-streak\"}");
  details = details_for (fx, "ai-trading");
  figures = tw_service_details_get_figures (details);
  read_all (details);
  for (guint s = 0; s < TW_DETAIL_N_SECTIONS; s++)
    g_assert_null (tw_service_details_get_error (details, s));

  g_assert_false (isnan (tw_detail_item_get_number (figures, "sharpe-ratio")));
  g_assert_cmpfloat (tw_detail_item_get_number (figures, "win-rate"), >=, 0);
  g_assert_cmpfloat (tw_detail_item_get_number (figures, "total-trades"), >, 0);
  g_assert_nonnull (find_item (details, TW_DETAIL_METRICS, "sharpe_ratio"));

  g_assert_cmpuint (g_list_model_get_n_items (tw_service_details_get_items (details, TW_DETAIL_TRADES)), >, 0);
  {
    g_autoptr(TwDetailItem) trade = g_list_model_get_item (tw_service_details_get_items (details, TW_DETAIL_TRADES), 0);

    g_assert_nonnull (tw_detail_item_get_string (trade, "symbol"));
    g_assert_false (isnan (tw_detail_item_get_number (trade, "pnl")));
    g_assert_nonnull (tw_detail_item_get_string (trade, "time"));
  }

  model = find_item (details, TW_DETAIL_MODELS, "lstm_signal");
  g_assert_nonnull (model);
  g_assert_cmpint (tw_detail_item_get_health (model), ==, TW_HEALTH_OK);
  g_assert_cmpstr (tw_detail_item_get_string (model, "version"), ==, "2.3.1");
  g_assert_false (has_alert (fx, "model:ai-trading:lstm_signal"));

  /* The model unloads: an alert, once, until it is loaded again. */
  tw_test_sim_health (fx->f.sim, "ai-trading", "{\"component\":\"model\",\"status\":\"down\"}");
  tw_service_details_refresh (details);
  tw_test_wait_until (has_alert (fx, "model:ai-trading:lstm_signal"), 10000);
  model = find_item (details, TW_DETAIL_MODELS, "lstm_signal");
  g_assert_cmpint (tw_detail_item_get_health (model), ==, TW_HEALTH_DOWN);
  g_assert_cmpstr (tw_detail_item_get_string (model, "message"), ==, "model file not found");
  g_assert_true (tw_alert_engine_is_active (fx->engine, "model:ai-trading:lstm_signal"));
  tw_test_sim_health (fx->f.sim, "ai-trading", "{\"reset\":true}");
  tw_service_details_refresh (details);
  tw_test_wait_until (!tw_alert_engine_is_active (fx->engine, "model:ai-trading:lstm_signal"), 10000);
  g_assert_cmpuint (fx->alerts->len, ==, 1);
}

/* 004: rate limits near and over 80 %; a failing security check raises its alert once. */
static void
test_autotrader (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(TwServiceDetails) details = details_for (fx, "autotrader");
  TwDetailItem *item;
  guint n_alerts;
  guint n_updates = 0;

  read_all (details);
  g_assert_null (tw_service_details_get_error (details, TW_DETAIL_RATE_LIMITS));
  g_assert_null (tw_service_details_get_error (details, TW_DETAIL_SECURITY));

  item = find_item (details, TW_DETAIL_RATE_LIMITS, "coingecko");
  g_assert_nonnull (item);
  g_assert_cmpfloat (tw_detail_item_get_number (item, "limit"), ==, 30);
  g_assert_cmpfloat_with_epsilon (tw_detail_item_get_fraction (item), 22.0 / 30, 1e-9);
  g_assert_nonnull (tw_detail_item_get_string (item, "reset-at"));
  item = find_item (details, TW_DETAIL_RATE_LIMITS, "dexscreener");
  g_assert_cmpfloat (tw_detail_item_get_fraction (item), >, TW_RATE_LIMIT_WARNING);

  item = find_item (details, TW_DETAIL_SECURITY, "api_key_validation");
  g_assert_nonnull (item);
  g_assert_cmpint (tw_detail_item_get_health (item), ==, TW_HEALTH_DOWN);
  g_assert_nonnull (strstr (tw_detail_item_get_string (item, "message"), "GROQ_API_KEY"));
  g_assert_cmpstr (tw_detail_item_get_string (item, "kind"), ==, "high");
  item = find_item (details, TW_DETAIL_SECURITY, "ibkr_fa_scrubbing");
  g_assert_cmpint (tw_detail_item_get_health (item), ==, TW_HEALTH_OK);

  g_assert_true (has_alert (fx, "security:autotrader:api_key_validation"));
  g_assert_false (has_alert (fx, "security:autotrader:ibkr_fa_scrubbing"));
  n_alerts = fx->alerts->len;
  /* Still failing at the next two reads: no second alert. */
  g_signal_connect (details, "updated", G_CALLBACK (count_update), &n_updates);
  tw_service_details_refresh (details);
  tw_test_wait_until (n_updates >= 2, 10000);
  tw_service_details_refresh (details);
  tw_test_wait_until (n_updates >= 4, 10000);
  g_assert_cmpuint (fx->alerts->len, ==, n_alerts);
}

/* Alpaca's clock: open or closed, the next open and close. */
static void
test_clock (Fixture       *fx,
            gconstpointer  data)
{
  g_autoptr(TwServiceDetails) details = details_for (fx, "alpaca");
  TwDetailItem *clock = tw_service_details_get_clock (details);

  read_all (details);
  g_assert_null (tw_service_details_get_error (details, TW_DETAIL_CLOCK));
  g_assert_cmpint (tw_detail_item_get_health (clock), !=, TW_HEALTH_UNKNOWN);
  g_assert_cmpint (tw_detail_item_get_health (clock), !=, TW_HEALTH_DEGRADED);
  g_assert_nonnull (tw_detail_item_get_string (clock, "next-open"));
  g_assert_nonnull (tw_detail_item_get_string (clock, "next-close"));
}

/* 003: pending orders, one order's detail and its approval. */
static void
test_orders (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(TwServiceDetails) details = details_for (fx, "ibkr-assistant");
  GListModel *orders = tw_service_details_get_items (details, TW_DETAIL_ORDERS);
  g_autoptr(TwDetailItem) first = NULL;
  TwDetailItem *order;
  guint n_updates = 0;

  read_all (details);
  g_assert_null (tw_service_details_get_error (details, TW_DETAIL_ORDERS));
  g_assert_cmpuint (g_list_model_get_n_items (orders), >, 0);
  first = g_list_model_get_item (orders, 0);
  g_assert_nonnull (tw_detail_item_get_string (first, "id"));
  g_assert_nonnull (tw_detail_item_get_string (first, "symbol"));
  g_assert_cmpstr (tw_detail_item_get_string (first, "status"), ==, "PENDING");

  g_assert_null (tw_service_details_get_order (details));
  g_signal_connect (details, "updated", G_CALLBACK (count_update), &n_updates);
  tw_service_details_read_order (details, tw_detail_item_get_string (first, "id"));
  tw_test_wait_until (tw_service_details_get_order (details) != NULL, 10000);
  order = tw_service_details_get_order (details);
  g_assert_null (tw_service_details_get_order_error (details));
  g_assert_cmpstr (tw_detail_item_get_string (order, "id"), ==, tw_detail_item_get_string (first, "id"));
  g_assert_cmpstr (tw_detail_item_get_string (order, "symbol"), ==, tw_detail_item_get_string (first, "symbol"));
  g_assert_nonnull (tw_detail_item_get_string (order, "approval-status"));
  g_assert_cmpuint (n_updates, ==, 1);

  /* An order that is gone: the detail says so. */
  tw_service_details_read_order (details, "no-such-order");
  tw_test_wait_until (n_updates == 2, 10000);
  g_test_message ("%s", tw_service_details_get_order_error (details));
  g_assert_nonnull (tw_service_details_get_order_error (details));
}

/* The last hour of health: every answer recorded, older ones dropped. */
static void
test_history (Fixture       *fx,
              gconstpointer  data)
{
  TwService *service = tw_profile_lookup_service (fx->f.profile, "investiq");
  g_autoptr(TwServiceHistory) history = tw_service_history_new (service);
  gint64 now = g_get_real_time ();

  tw_service_history_add (history, now - 2 * TW_HISTORY_SPAN_US, 10, TW_SERVICE_STATE_OK);
  tw_service_history_add (history, now - 10 * G_USEC_PER_SEC, 12, TW_SERVICE_STATE_OK);
  tw_service_history_add (history, now, -1, TW_SERVICE_STATE_UNREACHABLE);
  g_assert_cmpuint (tw_service_history_get_n_samples (history), ==, 2);
  g_assert_cmpuint (tw_service_history_count_changes (history), ==, 1);

  tw_workspace_start (fx->f.workspace);
  tw_test_wait_until (tw_service_history_get_n_samples (history) >= 3, 10000);
  tw_workspace_refresh (fx->f.workspace);
  tw_test_wait_until (tw_service_history_get_n_samples (history) >= 4, 10000);
  g_assert_cmpfloat (tw_service_history_get_sample (history, 3)->latency_ms, >=, 0);
  tw_workspace_stop (fx->f.workspace);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/tw/core/service-details/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("sections", test_sections);
  ADD ("prometheus-metrics", test_prometheus_metrics);
  ADD ("prometheus-truncated", test_prometheus_truncated);
  ADD ("ai-trading", test_ai_trading);
  ADD ("autotrader", test_autotrader);
  ADD ("clock", test_clock);
  ADD ("orders", test_orders);
  ADD ("history", test_history);
#undef ADD

  return g_test_run ();
}
