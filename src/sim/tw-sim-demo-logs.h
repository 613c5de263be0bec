/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-sim.h"

G_BEGIN_DECLS

/* The firm's log files for --demo, in the data directory (tw-sim-demo-db.h), in the
 * runbooks' formats:
 *   logs/trading_YYYYMMDD.log  002's bot (Python logging: predictions, signals, now and
 *                              then a DRIFT ALERT), yesterday's file too
 *   logs/assistant_api.log     003's JSON lines, correlation ids of the IBKR assistant's
 *                              orders
 *   logs/audit/audit_log.jsonl 002's hash-chained audit (tw-log-chain.h's default form)
 * written with some history, then appended to every second from @sim's main context
 * until @sim is finalized. Scenarios (POST /_sim/scenario): "log-max-drawdown" writes
 * 002's "MAX DRAWDOWN REACHED" line; "log-break-chain" edits a line of the audit chain
 * in place. */
#define TW_SIM_DEMO_LOG_TRADING "logs/trading_%Y%m%d.log"
#define TW_SIM_DEMO_LOG_API     "logs/assistant_api.log"
#define TW_SIM_DEMO_LOG_AUDIT   "logs/audit/audit_log.jsonl"

gboolean tw_sim_demo_logs_attach (TwSim   *sim,
                                  GError **error);

G_END_DECLS
