/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-sim-private.h"

G_BEGIN_DECLS

/* tw-sim-demo-logs.c: "log-max-drawdown", "log-break-chain". */
extern const TwSimScenario tw_sim_log_scenarios[];

G_END_DECLS
