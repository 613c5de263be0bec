/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-risk-parameters.h"

G_BEGIN_DECLS

/* Sets the value read from the service; notifies only what changed. */
void _tw_risk_parameter_update (TwRiskParameter *self,
                                double           value,
                                gboolean         is_integer);

G_END_DECLS
