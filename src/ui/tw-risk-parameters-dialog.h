/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-action-runner.h"
#include "tw-risk-parameters.h"

G_BEGIN_DECLS

/* Edits one service's risk parameters: one row per parameter with a spin button and
 * "current → new". Save… (action "risk-parameters.save", enabled when something changed
 * and nothing is in flight) asks the guard ("risk.parameters.set", away from safety:
 * reason and checklist) and sends every field through the action runner. On success the
 * service's answer updates the TwRiskParameters, a toast says so and the window closes;
 * on failure the service's message is shown and what was typed stays. Cancelled in the
 * guard dialog: nothing is sent.
 * Signal "finished" (gboolean ok, const char *message): after each attempt that was sent,
 * and after a guard refusal (ok FALSE). */
#define TW_TYPE_RISK_PARAMETERS_DIALOG (tw_risk_parameters_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TwRiskParametersDialog, tw_risk_parameters_dialog, TW, RISK_PARAMETERS_DIALOG, AdwWindow)

GtkWidget  *tw_risk_parameters_dialog_new              (GtkWindow              *parent,
                                                        TwRiskParameters       *parameters,
                                                        TwActionRunner         *runner,
                                                        const char             *service_id);

G_END_DECLS
