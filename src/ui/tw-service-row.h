/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tw-service.h"
#include "tw-trading-state.h"

G_BEGIN_DECLS

/* One service of the Overview: name and connector, state as icon and word, latency,
 * data age, the actionable error message, and its components on expand.
 * The Overview's list view recycles rows: a row is bound to a service, then to
 * another (tw_service_row_set_service), and shows only what changes in words.
 * Properties: "service" (nullable), "connector-name" (string), "expanded" (bool). */
#define TW_TYPE_SERVICE_ROW (tw_service_row_get_type ())
G_DECLARE_FINAL_TYPE (TwServiceRow, tw_service_row, TW, SERVICE_ROW, GtkWidget)

GtkWidget  *tw_service_row_new            (TwService    *service,
                                           const char   *connector_name);
TwService  *tw_service_row_get_service    (TwServiceRow *self);
/* Binds the row to @service (NULL: unbound, it then keeps no reference). */
void        tw_service_row_set_service    (TwServiceRow *self,
                                           TwService    *service);
void        tw_service_row_set_connector_name (TwServiceRow *self,
                                               const char   *connector_name);
/* Data younger than this reads "updated just now" (the page sets twice the poll
 * interval): a poll on time then changes no text. Default 0: always in seconds. */
void        tw_service_row_set_fresh_seconds (TwServiceRow *self,
                                              guint         seconds);
/* The service's trading state, shown beside its health (NULL: it does not trade). */
void        tw_service_row_set_trading_state (TwServiceRow   *self,
                                              TwTradingState *state);
gboolean    tw_service_row_get_expanded   (TwServiceRow *self);
void        tw_service_row_set_expanded   (TwServiceRow *self,
                                           gboolean      expanded);
/* Re-reads the data age (the page calls it once a second for every row). */
void        tw_service_row_update_age     (TwServiceRow *self);
/* New latencies wait for tw_service_row_update_age() (a page's one-second tick). */
void        tw_service_row_set_defer_latency (TwServiceRow *self,
                                              gboolean      defer);
/* Out of the list's view: what changes waits (nothing laid out per answer) until the
 * row is shown again, or a getter asks what it shows. */
void        tw_service_row_set_held       (TwServiceRow *self,
                                           gboolean      held);

/* Narrow (the Overview under 500 px): the row keeps only its expander button; the keys
 * are one click away on the service's page. */
void        tw_service_row_set_narrow     (TwServiceRow *self,
                                           gboolean      narrow);
gboolean    tw_service_row_get_narrow     (TwServiceRow *self);
/* The row's Keys button (for tests). (transfer none) */
GtkWidget  *tw_service_row_get_keys_button (TwServiceRow *self);

/* NULL when the service has no trading state. */
const char *tw_service_row_get_trading_text (TwServiceRow *self);

G_END_DECLS
