/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-service-details.h"

G_BEGIN_DECLS

/* An answer (or @call_error) of @section's operation, applied as a poll's is: rows,
 * error line, alerts, then "updated". */
void      _tw_service_details_apply      (TwServiceDetails *self,
                                          TwDetailSection   section,
                                          JsonNode         *root,
                                          const GError     *call_error);
/* (transfer none) (nullable) */
TwClient *_tw_service_details_get_client (TwServiceDetails *self);

G_END_DECLS
