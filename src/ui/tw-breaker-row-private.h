/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-breaker-row.h"

G_BEGIN_DECLS

/* For tests: what the widget shows, and the operator's hand. */

/* "2 of 3", "3.1 % of 5.0 %", or the state word and failures of a source breaker. */
const char *tw_breaker_row_get_value_text   (TwBreakerRow *self);
/* "Tripped", "Near its limit", "OK", "Open", "Half-open", "Closed". */
const char *tw_breaker_row_get_state_text   (TwBreakerRow *self);
/* The level bar's value (0..1), -1 when the row has none. */
double      tw_breaker_row_get_level        (TwBreakerRow *self);
gboolean    tw_breaker_row_get_can_reset    (TwBreakerRow *self);

G_END_DECLS
