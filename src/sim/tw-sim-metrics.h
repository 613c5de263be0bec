/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-sim-private.h"

G_BEGIN_DECLS

/* GET /metrics of the InvestIQ flavor (Prometheus text format, no API key, as a scrape
 * job reads it): investiq_errors_total, the runbook's HighErrorRate counter (000,
 * "rate(investiq_errors_total[5m]) > 0.1"), counted from the request log's 5xx answers
 * of the flavor. Assumed: the runbook names the metric, not the endpoint. */
extern const TwSimRoute tw_sim_investiq_metrics_routes[];

G_END_DECLS
