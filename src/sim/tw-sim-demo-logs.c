/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim-demo-logs.h"
#include "tw-sim-demo-logs-private.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "tw-error.h"
#include "tw-log-chain.h"
#include "tw-sim-demo-db.h"
#include "tw-sim-firm.h"
#include "tw-sim-loki.h"
#include "tw-sim-portfolio.h"

#define TICK_MS 1000

static const char *symbols[] = { "AAPL", "MSFT", "NVDA", "SPY", "TSLA", "AMZN" };

typedef struct
{
  TwSim   *sim;
  GRand   *rand;
  char    *dir;
  GSource *timer;
  guint    tick;
  guint    live_from;   /* the first tick written live (the ones before are history) */
  guint    next_order;
  TwSimLoki *loki;      /* 001's Loki: the AI trading system's lines */
} DemoLogs;

static void
demo_logs_free (gpointer data)
{
  DemoLogs *self = data;

  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_source_unref (self->timer);
    }
  g_clear_pointer (&self->loki, tw_sim_loki_free);
  g_rand_free (self->rand);
  g_free (self->dir);
  g_free (self);
}

static char *
path_for (DemoLogs   *self,
          const char *pattern,
          GDateTime  *day)
{
  g_autofree char *name = g_date_time_format (day, pattern);

  return g_build_filename (self->dir, name, NULL);
}

static void
append_line (const char *path,
             const char *line)
{
  FILE *file = fopen (path, "a");

  if (file == NULL)
    return;
  fputs (line, file);
  fputc ('\n', file);
  fclose (file);
}

static void
trading_line (DemoLogs   *self,
              GDateTime  *time,
              const char *level,
              const char *message)
{
  g_autofree char *path = path_for (self, TW_SIM_DEMO_LOG_TRADING, time);
  g_autofree char *stamp = g_date_time_format (time, "%Y-%m-%d %H:%M:%S");
  g_autofree char *line = g_strdup_printf ("%s,%03d - trading - %s - %s", stamp,
                                           g_date_time_get_microsecond (time) / 1000, level, message);

  append_line (path, line);
}

/* 001's services log JSON lines (pino-style keys) shipped to Loki by promtail. */
static void
loki_tick (DemoLogs  *self,
           GDateTime *time)
{
  static const char *routes[] = { "/api/health", "/api/metrics/performance", "/api/trades", "/api/models/status" };
  gint64 ns = g_date_time_to_unix (time) * G_GINT64_CONSTANT (1000000000)
              + (gint64) g_date_time_get_microsecond (time) * 1000;
  g_autofree char *iso = g_date_time_format_iso8601 (time);
  g_autofree char *request = g_strdup_printf ("req-%08x", g_rand_int (self->rand));
  g_autofree char *api = NULL;

  if (self->loki == NULL)
    return;
  api = g_strdup_printf ("{\"time\":\"%s\",\"level\":\"info\",\"msg\":\"GET %s 200 %d ms\",\"request_id\":\"%s\"}",
                         iso, routes[self->tick % G_N_ELEMENTS (routes)], g_rand_int_range (self->rand, 3, 180), request);
  tw_sim_loki_push (self->loki, ns, "app=ai-trading,env=paper,service=api", api);
  if (self->tick % 4 == 1)
    {
      g_autofree char *gate = g_strdup_printf ("{\"time\":\"%s\",\"level\":\"%s\",\"msg\":\"rate gate: %s\",\"request_id\":\"%s\"}",
                                               iso, self->tick % 36 == 1 ? "warn" : "info",
                                               self->tick % 36 == 1 ? "backoff 2 s (quota 95% used)" : "quota ok",
                                               request);
      tw_sim_loki_push (self->loki, ns + 1000, "app=ai-trading,env=paper,service=rate-gate", gate);
    }
  if (self->tick % 23 == 7)
    {
      g_autofree char *error = g_strdup_printf ("{\"time\":\"%s\",\"level\":\"error\",\"msg\":\"database pool: "
                                                "timeout acquiring a connection (20/20 in use)\",\"request_id\":\"%s\"}",
                                                iso, request);
      tw_sim_loki_push (self->loki, ns + 2000, "app=ai-trading,env=paper,service=api", error);
    }
}

static void
write_tick (DemoLogs  *self,
            GDateTime *time)
{
  const char *symbol = symbols[g_rand_int_range (self->rand, 0, G_N_ELEMENTS (symbols))];
  double price = g_rand_double_range (self->rand, 90, 480);
  double predicted = price * (1 + g_rand_double_range (self->rand, -0.012, 0.012));
  g_autofree char *message = g_strdup_printf ("Prediction: %s current=%.2f predicted=%.2f confidence=%.2f",
                                              symbol, price, predicted, g_rand_double_range (self->rand, 0.5, 0.95));
  g_autofree char *api = g_build_filename (self->dir, TW_SIM_DEMO_LOG_API, NULL);
  g_autofree char *audit = g_build_filename (self->dir, TW_SIM_DEMO_LOG_AUDIT, NULL);
  g_autofree char *iso = g_date_time_format_iso8601 (time);
  g_autofree char *order_id = NULL;
  g_autofree char *json = NULL;
  TwSimFirm *firm = self->sim != NULL ? _tw_sim_get_firm (self->sim) : NULL;
  GPtrArray *orders = firm != NULL ? tw_sim_portfolio_get_ibkr_orders (tw_sim_firm_get_portfolio (firm)) : NULL;

  trading_line (self, time, "INFO", message);
  loki_tick (self, time);
  if (self->tick % 3 == 0)
    {
      g_autofree char *signal = g_strdup_printf ("Signal: %s %s qty=%d", predicted > price ? "BUY" : "SELL",
                                                 symbol, g_rand_int_range (self->rand, 1, 50));
      trading_line (self, time, "INFO", signal);
    }
  /* Now and then in the history; live, every ten minutes (an alert each time). */
  if (self->tick < self->live_from ? self->tick % 45 == 17 : (self->tick - self->live_from) % 600 == 599)
    trading_line (self, time, "WARNING", "DRIFT ALERT: directional_accuracy=0.48 MSE=0.0312 (threshold 0.0250)");
  if (self->tick % 29 == 11)
    trading_line (self, time, "ERROR", "Schwab API error: 503 Service Unavailable, retrying in 5 s");

  /* The assistant's API log: its orders' ids as correlation ids. */
  if (orders != NULL && orders->len > 0 && self->tick % 2 == 0)
    {
      TwSimIbkrOrder *order = g_ptr_array_index (orders, g_rand_int_range (self->rand, 0, orders->len));
      order_id = g_strdup (order->id);
    }
  else
    order_id = g_strdup_printf ("order-%u", 100 + self->next_order++ % 50);
  json = g_strdup_printf ("{\"timestamp\":\"%s\",\"level\":\"%s\",\"logger\":\"assistant_api\","
                          "\"message\":\"%s\",\"correlation_id\":\"%s\",\"submission_latency\":%.3f}",
                          iso, self->tick % 31 == 5 ? "ERROR" : "INFO",
                          self->tick % 31 == 5 ? "Order submission failed: broker timeout" : "Order status polled",
                          order_id, g_rand_double_range (self->rand, 0.05, 0.9));
  append_line (api, json);

  if (self->tick % 5 == 0)
    {
      g_autofree char *entry = g_strdup_printf ("{\"timestamp\":\"%s\",\"action\":\"%s\",\"status\":\"filled\","
                                                "\"details\":{\"symbol\":\"%s\",\"price\":%.2f}}",
                                                iso, predicted > price ? "BUY" : "SELL", symbol, price);
      tw_chain_append (audit, entry, NULL);
    }
  self->tick++;
}

static gboolean
tick_cb (gpointer data)
{
  DemoLogs *self = data;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  write_tick (self, now);
  return G_SOURCE_CONTINUE;
}

static gboolean
write_history (DemoLogs  *self,
               GError   **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *audit_dir = g_build_filename (self->dir, "logs", "audit", NULL);
  g_autofree char *today = path_for (self, TW_SIM_DEMO_LOG_TRADING, now);

  if (g_mkdir_with_parents (audit_dir, 0700) != 0)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, "The demo's log directory “%s” could not be made",
                   audit_dir);
      return FALSE;
    }
  self->live_from = G_MAXUINT;
  if (g_file_test (today, G_FILE_TEST_EXISTS))
    {
      self->live_from = 0;
      return TRUE;  /* another simulator of this process wrote it */
    }
  /* Yesterday's file, then two hours of today's. */
  for (int i = 600; i > 0; i--)
    {
      g_autoptr(GDateTime) time = g_date_time_add_seconds (now, -(double) i * (i > 300 ? 300 : 24));
      write_tick (self, time);
    }
  self->live_from = self->tick;
  return TRUE;
}

gboolean
tw_sim_demo_logs_attach (TwSim   *sim,
                         GError **error)
{
  DemoLogs *self;
  GMainContext *context = _tw_sim_get_context (sim);

  g_return_val_if_fail (context != NULL, FALSE);

  self = g_new0 (DemoLogs, 1);
  self->sim = sim;
  self->rand = g_rand_new ();
  self->dir = g_strdup (tw_sim_get_data_dir ());
  /* 001's Loki, on this thread's context like the flavors */
  {
    g_autoptr(GError) loki_error = NULL;

    self->loki = tw_sim_loki_new ();
    if (!tw_sim_loki_start (self->loki, 0, &loki_error))
      {
        g_warning ("The demo's Loki did not start: %s", loki_error->message);
        g_clear_pointer (&self->loki, tw_sim_loki_free);
      }
    else
      g_object_set_data_full (G_OBJECT (sim), "tw-sim-loki-url",
                              g_strdup (tw_sim_loki_get_url (self->loki)), g_free);
  }
  if (!write_history (self, error))
    {
      demo_logs_free (self);
      return FALSE;
    }
  self->timer = g_timeout_source_new (TICK_MS);
  g_source_set_callback (self->timer, tick_cb, self, NULL);
  g_source_set_name (self->timer, "tw-sim-demo-logs");
  g_source_attach (self->timer, context);
  g_object_set_data_full (G_OBJECT (sim), "tw-sim-demo-logs", self, demo_logs_free);
  return TRUE;
}

/* Scenarios */

static gboolean
max_drawdown_scenario (TwSim       *sim,
                       JsonObject  *args,
                       GError     **error)
{
  DemoLogs *self = g_object_get_data (G_OBJECT (sim), "tw-sim-demo-logs");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (self == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID, "This simulator writes no logs (it is not the demo's)");
      return FALSE;
    }
  trading_line (self, now, "CRITICAL", "MAX DRAWDOWN REACHED: -10.4% (limit -10.0%). Stopping all trading.");
  return TRUE;
}

static gboolean
break_chain_scenario (TwSim       *sim,
                      JsonObject  *args,
                      GError     **error)
{
  DemoLogs *self = g_object_get_data (G_OBJECT (sim), "tw-sim-demo-logs");
  g_autofree char *audit = NULL;
  g_autofree char *contents = NULL;
  char *filled;
  FILE *file;

  if (self == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID, "This simulator writes no logs (it is not the demo's)");
      return FALSE;
    }
  audit = g_build_filename (self->dir, TW_SIM_DEMO_LOG_AUDIT, NULL);
  /* Someone rewrites an old fill in place: same length, so nothing else moves. */
  if (!g_file_get_contents (audit, &contents, NULL, error)
      || (filled = strstr (contents, "\"status\":\"filled\"")) == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, TW_ERROR, TW_ERROR_INVALID, "The audit chain has no fill to edit yet");
      return FALSE;
    }
  file = fopen (audit, "r+");
  if (file == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, "The audit chain could not be opened");
      return FALSE;
    }
  fseek (file, filled - contents + strlen ("\"status\":\""), SEEK_SET);
  fputs ("FILLD", file);
  fclose (file);
  return TRUE;
}

const TwSimScenario tw_sim_log_scenarios[] = {
  { "log-max-drawdown", max_drawdown_scenario },
  { "log-break-chain", break_chain_scenario },
  { NULL, NULL }
};
