/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tw-enums.h"

G_BEGIN_DECLS

/* One part of a service's health body: InvestIQ "dependencies", IBKR "components", … */
#define TW_TYPE_COMPONENT (tw_component_get_type ())
G_DECLARE_FINAL_TYPE (TwComponent, tw_component, TW, COMPONENT, GObject)

TwComponent *tw_component_new        (const char  *name);
const char  *tw_component_get_name   (TwComponent *self);
/* Properties, all mappable by connectors:
 *   "name" (string), "health" (TwHealth), "status" (string: the raw value),
 *   "detail" (string), "latency-ms" (double, -1 when unknown) */
TwHealth     tw_component_get_health (TwComponent *self);
void         tw_component_set_health (TwComponent *self,
                                      TwHealth     health);
const char  *tw_component_get_status (TwComponent *self);
void         tw_component_set_status (TwComponent *self,
                                      const char  *status);
const char  *tw_component_get_detail (TwComponent *self);
void         tw_component_set_detail (TwComponent *self,
                                      const char  *detail);
double       tw_component_get_latency_ms (TwComponent *self);
void         tw_component_set_latency_ms (TwComponent *self,
                                          double       latency_ms);
void         tw_component_set_name   (TwComponent *self,
                                      const char  *name);
/* Copies health, status, detail and latency of @from (same name or not) into @self,
 * notifying only what changed: how a poll updates a row in place. */
void         tw_component_update_from (TwComponent *self,
                                       TwComponent *from);

G_END_DECLS
