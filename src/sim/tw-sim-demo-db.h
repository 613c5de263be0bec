/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-sim.h"

G_BEGIN_DECLS

/* The simulated firm's own SQLite databases, for backing up and restoring in --demo:
 *   investiq.db  InvestIQ: trades, trade_outcomes, audit_events
 *   audit.db     the IBKR assistant: events (003's table)
 * in WAL mode, like the real services. They live in the data directory: $TW_SIM_DATA_DIR,
 * else the one set with tw_sim_set_data_dir(), else a private temporary directory of
 * the process (removed when the last simulator using it stops).
 *
 * Every couple of seconds the simulator gathers, on its own main context, what happened
 * (random trades with realistic symbols and prices, the firm's booked trade outcomes, the
 * requests each flavor served as audit events) and a writer thread appends it, opening
 * each database only for that transaction. A service that is halted writes nothing:
 * InvestIQ while its trading is halted, the IBKR assistant while its kill switch is on —
 * which is what lets a restore take the database in the demo. */

#define TW_SIM_DEMO_DB_INVESTIQ "investiq.db"
#define TW_SIM_DEMO_DB_AUDIT    "audit.db"

/* Sets the data directory for simulators attached afterwards (NULL: back to the
 * default). $TW_SIM_DATA_DIR still wins. */
void        tw_sim_set_data_dir          (const char *dir);
/* The data directory in force, created if needed. (transfer none) */
const char *tw_sim_get_data_dir          (void);

/* Creates the databases (schema and some history) in the data directory if needed and
 * starts appending to them from @sim's main context (which must be started); stops when
 * @sim is finalized. Returns FALSE with @error when the directory or a database cannot
 * be written. */
gboolean    tw_sim_demo_db_attach        (TwSim      *sim,
                                          GError    **error);
/* For tests: the period of the appends in ms (default 2000), for simulators attached
 * afterwards. */
void        tw_sim_demo_db_set_interval  (guint       interval_ms);

G_END_DECLS
