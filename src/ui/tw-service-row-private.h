/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-service-row.h"

G_BEGIN_DECLS

/* For tests: what the widget shows, and the operator's hand. */

/* What the row shows, for tests and accessibility checks. */
const char *tw_service_row_get_state_text   (TwServiceRow *self);
/* NULL when no message is shown. */
const char *tw_service_row_get_message_text (TwServiceRow *self);
const char *tw_service_row_get_age_text     (TwServiceRow *self);
/* Rows of the components list currently built. */
guint       tw_service_row_get_n_component_rows (TwServiceRow *self);
/* Whether the row is held (tw_service_row_set_held), and the state word it draws now,
 * held or not (the getters above show what a held row waits to show first). */
gboolean    _tw_service_row_get_held        (TwServiceRow *self);
const char *_tw_service_row_peek_state_text (TwServiceRow *self);
/* The latency it draws now ("" when none). */
const char *_tw_service_row_peek_latency_text (TwServiceRow *self);
GtkWidget  *_tw_service_row_get_latency_widget (TwServiceRow *self);

G_END_DECLS
