/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tw-risk-enums.h"

G_BEGIN_DECLS

/* One circuit breaker: a limit-type breaker (InvestIQ: consecutive losses 2/3, daily loss
 * 3.1 %/5 %, drawdown 4 %/10 %) or a per-source breaker (Autotrader: CLOSED / OPEN /
 * HALF_OPEN with a failure count). Properties, all mappable by connectors:
 *   "id" (string, construct), "label" (string), "kind" (string: "loss" for the loss
 *   breakers whose reset needs "recent trades reviewed", "source", "count"),
 *   "value" (double), "limit" (double, 0 when none), "unit" ("count" | "percent"),
 *   "state" (TwBreakerState), "failure-count" (uint), "opened-at" (GDateTime),
 *   "can-reset" (bool: the connector has breakers.reset for it),
 *   "reset-instruction" (string: how to reset it by hand, from the connector),
 *   "fraction" (double, read-only: value / limit clamped to 0..1, 1 when OPEN). */
#define TW_TYPE_BREAKER (tw_breaker_get_type ())
G_DECLARE_FINAL_TYPE (TwBreaker, tw_breaker, TW, BREAKER, GObject)

TwBreaker      *tw_breaker_new               (const char *id);
const char     *tw_breaker_get_id            (TwBreaker  *self);
const char     *tw_breaker_get_label         (TwBreaker  *self);
const char     *tw_breaker_get_kind          (TwBreaker  *self);
double          tw_breaker_get_value         (TwBreaker  *self);
double          tw_breaker_get_limit         (TwBreaker  *self);
const char     *tw_breaker_get_unit          (TwBreaker  *self);
TwBreakerState  tw_breaker_get_state         (TwBreaker  *self);
guint           tw_breaker_get_failure_count (TwBreaker  *self);
GDateTime      *tw_breaker_get_opened_at     (TwBreaker  *self);
gboolean        tw_breaker_get_can_reset     (TwBreaker  *self);
const char     *tw_breaker_get_reset_instruction (TwBreaker *self);
double          tw_breaker_get_fraction      (TwBreaker  *self);
/* TRUE when OPEN, or a limit breaker at or past its limit. */
gboolean        tw_breaker_is_tripped        (TwBreaker  *self);
/* Copies the mapped properties of @other into @self, notifying only what changed
 * (so rows bound to @self update in place). */
void            tw_breaker_update_from       (TwBreaker  *self,
                                              TwBreaker  *other);

G_END_DECLS
