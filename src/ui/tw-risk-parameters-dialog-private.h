/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-risk-parameters-dialog.h"

G_BEGIN_DECLS

/* For tests: what the widget shows, and the operator's hand. */

/* As if typed by the operator; FALSE for a key the dialog does not list. */
gboolean    tw_risk_parameters_dialog_set_value        (TwRiskParametersDialog *self,
                                                        const char             *key,
                                                        double                  value);
/* (nullable) the row's subtitle: "Now 5 %" or "5 % → 4.5 %" */
const char *tw_risk_parameters_dialog_get_row_subtitle (TwRiskParametersDialog *self,
                                                        const char             *key);
gboolean    tw_risk_parameters_dialog_get_can_save     (TwRiskParametersDialog *self);
/* Whether a guard dialog or a request is under way. */
gboolean    tw_risk_parameters_dialog_get_busy         (TwRiskParametersDialog *self);
/* (transfer none) (nullable) the guard dialog while it is open */
GtkWidget  *tw_risk_parameters_dialog_get_guard_dialog (TwRiskParametersDialog *self);
/* (nullable) the failure shown in the dialog */
const char *tw_risk_parameters_dialog_get_error        (TwRiskParametersDialog *self);

G_END_DECLS
