/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-alert-engine.h"
#include "tw-connector.h"
#include "tw-service.h"

G_BEGIN_DECLS

/* The notifications' categories (x- for the spec's vendor ones). */
#define CATEGORY_BREAKER "x-tradewarden.breaker"
#define CATEGORY_HALT    "x-tradewarden.halt"
#define CATEGORY_SERVICE "x-tradewarden.service"

TwAlert *_tw_alert_new (const char      *key,
                        TwAlertSeverity  severity,
                        const char      *title,
                        const char      *body,
                        const char      *service_id,
                        const char      *page,
                        gboolean         offers_halt,
                        const char      *category);

/* tw-alert-health.c: the runbooks' health alerts. */
TwAlertSeverity  _tw_alert_severity_from_string (const char             *severity);
/* "Runbook: TITLE — SECTION", or NULL when the connector names no runbook for @entry. */
char            *_tw_alert_runbook_line         (TwConnector            *connector,
                                                 const TwComponentAlert *entry);
GPtrArray       *_tw_alert_health_conditions    (TwService              *service,
                                                 TwConnector            *connector);

/* tw-alert-keys.c: the console's key refused where it was accepted before, or NULL. */
TwAlert         *_tw_alert_key_refused          (TwService              *service);

/* tw-alert-engine.c, for tw-alert-raise.c: shows @alert (taken) under the engine's rate
 * limit and active set; the keys of the conditions still on. */
/* tw-alert-words.c */
char            *_tw_alert_breaker_label        (TwBreaker              *breaker);
gboolean         _tw_alert_breaker_is_percent   (TwBreaker              *breaker);
/* "3 consecutive losses", "daily loss 5.2 % (limit 5.0 %)", "polygon OPEN after 5 failures" */
char            *_tw_alert_describe_breaker     (TwBreaker              *breaker);
const char      *_tw_alert_service_name         (TwTradingState         *state);
/* What to do about @breaker's trip, as @state stands. */
char            *_tw_alert_trip_advice          (TwTradingState         *state,
                                                 TwBreaker              *breaker);

void             _tw_alert_engine_raise         (TwAlertEngine          *self,
                                                 TwAlert                *alert);
GHashTable      *_tw_alert_engine_get_active    (TwAlertEngine          *self);

/* For tests. */

/* (transfer none) GListModel of TwAlert raised so far, newest first: the last
 * TW_ALERT_HISTORY_MAX (a console polling for days keeps no more). */
#define TW_ALERT_HISTORY_MAX 256
GListModel    *tw_alert_engine_get_history    (TwAlertEngine  *self);
/* How many alerts were held back (rate limit or still active) so far. */
guint          tw_alert_engine_get_n_suppressed      (TwAlertEngine *self);
/* TRUE while the condition of the alert @key is still on (no new alert for it until it
 * clears): a critical alert until its reset or resume, a health alert until an answer
 * says the component (or service) is no longer down or degraded. */
gboolean       tw_alert_engine_is_active             (TwAlertEngine *self,
                                                      const char    *key);

G_END_DECLS
