/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-breaker.h"

G_BEGIN_DECLS

/* One circuit breaker on the Breakers page, updated in place from its TwBreaker:
 * a limit breaker as a level bar (warning from 80 %, error at 100 %) and its numbers
 * in words ("2 of 3", "3.1 % of 5.0 %"); a per-source breaker as CLOSED / OPEN /
 * HALF_OPEN (icon and word) with its failure count. A Reset… button, when the
 * connector can reset it, activates "breakers.reset" ((ss) service id, breaker id). */
#define TW_TYPE_BREAKER_ROW (tw_breaker_row_get_type ())
G_DECLARE_FINAL_TYPE (TwBreakerRow, tw_breaker_row, TW, BREAKER_ROW, AdwActionRow)

GtkWidget  *tw_breaker_row_new              (TwBreaker    *breaker,
                                             const char   *service_id);
TwBreaker  *tw_breaker_row_get_breaker      (TwBreakerRow *self);
void        tw_breaker_row_set_in_flight    (TwBreakerRow *self,
                                             gboolean      in_flight);
gboolean    tw_breaker_row_get_reset_sensitive (TwBreakerRow *self);
/* @stale: its service's last poll failed: the row shows the last answer greyed, dated
 * @as_of (nullable: never read), never in the OK colour. */
void        tw_breaker_row_set_last_known   (TwBreakerRow *self,
                                             gboolean      stale,
                                             GDateTime    *as_of);
/* "success", "warning", "error" or NULL (greyed). */
const char *tw_breaker_row_get_state_style  (TwBreakerRow *self);
const char *tw_breaker_row_get_subtitle     (TwBreakerRow *self);

G_END_DECLS
