/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "tw-sim.h"

static const char description[] =
  "Plays every system Trade Warden speaks to, on 127.0.0.1, one port per flavor:\n"
  "  investiq, ibkr-assistant, ai-trading, autotrader, alpaca\n"
  "Once listening it prints one “flavor=URL” line per flavor, then runs until\n"
  "SIGINT or SIGTERM. With --port 0 (the default) each flavor gets a free port;\n"
  "otherwise flavor i listens on PORT + i.\n"
  "\n"
  "Environment (credentials the simulator accepts):\n"
  "  API_KEYS           comma-separated keys for the X-API-Key header (ai-trading: the\n"
  "                     Authorization: Bearer token), several valid\n"
  "                     at once (default: " TW_SIM_DEMO_API_KEY ")\n"
  "  LIVE_TRADING_KEY   key that unlocks live-trading actions\n"
  "                     (default: " TW_SIM_DEMO_LIVE_TRADING_KEY ")\n"
  "  ALPACA_API_KEY     Alpaca APCA-API-KEY-ID (default: " TW_SIM_DEMO_ALPACA_KEY_ID ")\n"
  "  ALPACA_SECRET_KEY  Alpaca APCA-API-SECRET-KEY\n"
  "                     (default: " TW_SIM_DEMO_ALPACA_SECRET ")\n"
  "\n"
  "Control API, on every flavor's port, without auth and never logged:\n"
  "  POST   /_sim/faults        inject a fault: {\"path\": \"/health\" | \"/prefix*\" | \"*\",\n"
  "                             \"method\", \"kind\": latency|status|malformed|truncated|html|\n"
  "                             drop|huge|rate-limit, \"latency_ms\", \"status\", \"body\",\n"
  "                             \"headers\", \"retry_after\", \"size\", \"chunked\", \"count\",\n"
  "                             \"flavor\" (default: this port's)} → 201 {\"id\": N}\n"
  "  GET    /_sim/faults        list the faults; DELETE clears them all\n"
  "  DELETE /_sim/faults/ID     remove one fault\n"
  "  POST   /_sim/health        {\"component\": \"broker\", \"status\": \"unhealthy\",\n"
  "                             \"message\": \"…\"} or {\"reset\": true}; GET shows them\n"
  "  GET    /_sim/requests      the request log (?flavor=X; ?since=SEQ: only the entries\n"
  "                             after sequence number SEQ; ?limit=N: at most N of them);\n"
  "                             DELETE clears it\n"
  "  GET    /_sim/state         what no runbook reads back: {\"ai-trading\":\n"
  "                             {\"trading_enabled\", \"emergency_stop\", …}}\n"
  "  POST   /_sim/scenario      play a scenario → {\"scenario\": NAME, \"ok\": true}:\n"
  "           {\"name\": \"losing-streak\"}   InvestIQ books losing trades until the\n"
  "                                      consecutive-loss breaker trips (automatic halt)\n"
  "           {\"name\": \"daily-loss\", \"percent\": 4.2}  losses up to that daily loss\n"
  "           {\"name\": \"trade\", \"pnl\": -250.0, \"symbol\": \"SPY\"}  one trade outcome\n"
  "           {\"name\": \"source-outage\", \"source\": \"coingecko_api\", \"recovery_timeout\": 2,\n"
  "            \"failure_threshold\": 5}      an Autotrader source fails every call\n"
  "           {\"name\": \"source-recover\", \"source\": \"coingecko_api\"}  it answers again\n"
  "           {\"name\": \"source-reset\", \"source\": \"coingecko_api\"}  its breaker is reset\n"
  "                                      by hand (the runbook's CIRCUIT_REGISTRY call)\n"
  "           {\"name\": \"external-halt\", \"flavor\": \"investiq\" | \"ibkr-assistant\" |\n"
  "            \"ai-trading\" | \"alpaca\", \"by\": \"ops-oncall\", \"reason\": \"…\"}\n"
  "                                      someone else halts that system\n"
  "           {\"name\": \"account-blocks\", \"trading_blocked\": true,\n"
  "            \"account_blocked\": true, \"trade_suspended_by_user\": true}  Alpaca's\n"
  "                                      account blocks (false lifts one)\n"
  "           {\"name\": \"reset\"}           risk state back to the start\n"
  "\n"
  "Risk controls (with each flavor's auth):\n"
  "  investiq        GET /api/risk/circuit-breakers; POST /api/risk/trading-halt\n"
  "                  {\"halt\", \"reason\"}; GET|PUT /api/risk/parameters. Breakers\n"
  "                  trip at 3 consecutive losses, 5 % daily loss, 10 % drawdown.\n"
  "  ibkr-assistant  GET /api/v1/kill-switch/status; POST /api/v1/kill-switch/activate\n"
  "                  {\"reason\", \"activated_by\"} | deactivate {\"reason\"}\n"
  "  ai-trading      POST /api/trading/disable | emergency-stop (no body; an optional\n"
  "                  {\"reason\", \"by\"} is accepted). No read-back, no enable\n"
  "  autotrader      GET /api/health/circuit-breakers; POST\n"
  "                  /api/health/circuit-breakers/SOURCE/reset; GET /api/health/rate-limits\n"
  "  alpaca          GET|PATCH /v2/account/configurations (suspend_trade halts)\n"
  "\n"
  "  TW_SIM_STATE_DIR     where the kill switch is kept (kill_switch.json; default: a\n"
  "                       private temporary directory of the process)\n"
  "  KILL_SWITCH_ENABLED  true or 1: the kill switch is on; deactivating it succeeds\n"
  "                       but it stays on (KILL_SWITCH_REASON: its reason)\n";

static gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(TwSim) sim = NULL;
  static const char * const flavors[] = TW_SIM_FLAVORS;
  int port = 0;
  guint sigint_id, sigterm_id;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      "First port (flavor i listens on PORT + i); 0 for any free ports", "PORT" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("— the Trade Warden trading-system simulator");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context, description);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("tradewarden-sim: %s. Try --help.\n", error->message);
      return EXIT_FAILURE;
    }
  if (port < 0 || port > 65535 - 5)
    {
      g_printerr ("tradewarden-sim: --port %d is out of range: give 0 (any free ports) or "
                  "a port between 1 and 65530.\n", port);
      return EXIT_FAILURE;
    }

  loop = g_main_loop_new (NULL, FALSE);
  sim = tw_sim_new ();
  if (!tw_sim_start (sim, port, &error))
    {
      g_printerr ("tradewarden-sim: %s\n", error->message);
      return EXIT_FAILURE;
    }

  sigint_id = g_unix_signal_add (SIGINT, on_signal, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, loop);

  for (guint i = 0; flavors[i] != NULL; i++)
    printf ("%s=%s\n", flavors[i], tw_sim_get_url (sim, flavors[i]));
  /* the services' second addresses: 001's rate gate, 000's ML service */
  printf ("%s=%s\n", TW_SIM_FLAVOR_RATE_GATE, tw_sim_get_url (sim, TW_SIM_FLAVOR_RATE_GATE));
  printf ("%s=%s\n", TW_SIM_FLAVOR_ML_SERVICE, tw_sim_get_url (sim, TW_SIM_FLAVOR_ML_SERVICE));
  fflush (stdout);

  g_main_loop_run (loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  tw_sim_stop (sim);
  return EXIT_SUCCESS;
}
