/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-sim-private.h"

G_BEGIN_DECLS

/* The IBKR assistant's feature flags (003's RUNBOOK.md, Feature Flag Management), with
 * the runbook's three layers: the service's environment (read from the simulator's own
 * environment when the firm is made, and changed by the "flag-env" scenario, as a
 * restart with another environment would), feature_flags.json in $TW_SIM_DATA_DIR (read
 * once), and the code defaults. A runtime enable/disable is accepted even when the
 * environment pins the flag, which then keeps its value — as the real service does.
 * Scenarios: "flag-change" {"flag", "value"} (someone else toggled it at runtime) and
 * "flag-env" {"variable", "value" (string, or null to unset)}. */
TwSimFlags *tw_sim_flags_new  (void);
void        tw_sim_flags_free (TwSimFlags *flags);

extern const TwSimRoute    tw_sim_ibkr_assistant_flag_routes[];
extern const TwSimScenario tw_sim_flag_scenarios[];

G_END_DECLS
