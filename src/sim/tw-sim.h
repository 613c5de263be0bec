/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The flavors, in the order they are started and printed. Each equals the id of the
 * shipped connector that speaks it. */
#define TW_SIM_FLAVORS { "investiq", "ibkr-assistant", "ai-trading", "autotrader", "alpaca", NULL }
/* A flag service speaking OpenFeature's remote evaluation protocol, the shipped "ofrep"
 * connector's: served after the trading systems, not one of TW_SIM_FLAVORS. */
#define TW_SIM_FLAVOR_OFREP "ofrep"
/* A service's second address, each on its own port, served after the others (issue 15):
 * 001's rate gate (:3001 in its runbook) and 000's ML service (:8004). */
#define TW_SIM_FLAVOR_RATE_GATE  "rate-gate"
#define TW_SIM_FLAVOR_ML_SERVICE "ml-service"

/* Credentials the simulator accepts: from the environment (API_KEYS comma-separated,
 * LIVE_TRADING_KEY, ALPACA_API_KEY, ALPACA_SECRET_KEY), else these demo values. */
#define TW_SIM_DEMO_API_KEY           "demo-api-key-1"
#define TW_SIM_DEMO_LIVE_TRADING_KEY  "demo-live-trading-key"
#define TW_SIM_DEMO_ALPACA_KEY_ID     "PKDEMO0000000000000"
#define TW_SIM_DEMO_ALPACA_SECRET     "demo-alpaca-secret-0000000000000000000000"

/* The simulated firm and one SoupServer per flavor on 127.0.0.1, all on the
 * thread-default main context of the thread that calls tw_sim_start(). */
/* Every port also serves the control API of the wire contract (sim-spec): /_sim/faults
 * (POST, GET, DELETE, DELETE /{id}), /_sim/health (POST; GET shows the components of
 * ?flavor=X or of the port's flavor) and /_sim/requests (GET ?flavor=X&since=SEQ&limit=N,
 * DELETE). Unknown paths answer 404 before any auth check, as the real routers do; a
 * known path with another method answers 405 in the flavor's error format. */
#define TW_TYPE_SIM (tw_sim_get_type ())
G_DECLARE_FINAL_TYPE (TwSim, tw_sim, TW, SIM, GObject)

TwSim      *tw_sim_new                 (void);
/* @base_port 0: any free port per flavor; otherwise flavor i listens on base_port + i. */
gboolean    tw_sim_start               (TwSim       *self,
                                        guint        base_port,
                                        GError     **error);
void        tw_sim_stop                (TwSim       *self);
/* "http://127.0.0.1:PORT" for @flavor, NULL if unknown or not started. */
const char *tw_sim_get_url             (TwSim       *self,
                                        const char  *flavor);
/* The credential values in force (env or demo): name is one of "api_key" (the first of
 * API_KEYS), "live_trading_key", "alpaca_key_id", "alpaca_secret". */
const char *tw_sim_get_credential      (TwSim       *self,
                                        const char  *name);
/* How many requests reached the flavors (not /_sim), for tests and benchmarks. */
guint       tw_sim_get_n_requests      (TwSim       *self);

/* Runs a TwSim on its own thread and main context, so a slow fault never stalls the
 * caller's loop. Used by `tradewarden --demo` and the tests. */
typedef struct _TwSimThread TwSimThread;

TwSimThread *tw_sim_thread_start       (guint         base_port,
                                        GError      **error);
/* Thread-safe: the URLs and credentials are fixed once started. */
const char  *tw_sim_thread_get_url     (TwSimThread  *thread,
                                        const char   *flavor);
const char  *tw_sim_thread_get_credential (TwSimThread *thread,
                                        const char   *name);
void         tw_sim_thread_stop        (TwSimThread  *thread);

G_END_DECLS
