/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-action-runner.h"
#include "tw-risk-monitor.h"
#include "tw-workspace.h"

G_BEGIN_DECLS

typedef enum
{
  TW_ALERT_INFO,
  TW_ALERT_WARNING,
  TW_ALERT_CRITICAL,
} TwAlertSeverity;

#define TW_TYPE_ALERT_SEVERITY (tw_alert_severity_get_type ())
GType tw_alert_severity_get_type (void) G_GNUC_CONST;

/* One alert. Properties: "key" (dedup key, e.g. "trip:investiq:consecutive_losses"),
 * "severity" (TwAlertSeverity), "title", "body", "service-id", "page" (the window page to
 * open: "breakers", "overview"…), "offers-halt" (bool: loss and trip alerts carry a
 * Halt trading button), "category" (freedesktop category: "x-tradewarden.breaker" …),
 * "raised-at" (GDateTime). */
#define TW_TYPE_ALERT (tw_alert_get_type ())
G_DECLARE_FINAL_TYPE (TwAlert, tw_alert, TW, ALERT, GObject)

const char      *tw_alert_get_key         (TwAlert *self);
TwAlertSeverity  tw_alert_get_severity    (TwAlert *self);
const char      *tw_alert_get_title       (TwAlert *self);
const char      *tw_alert_get_body        (TwAlert *self);
const char      *tw_alert_get_service_id  (TwAlert *self);
const char      *tw_alert_get_page        (TwAlert *self);
gboolean         tw_alert_get_offers_halt (TwAlert *self);
const char      *tw_alert_get_category    (TwAlert *self);
/* (transfer none) addition of the risk core */
GDateTime       *tw_alert_get_raised_at   (TwAlert *self);

/* The alert rules of the risk-controls issue, fed by the risk monitor, the services'
 * health and the action runner:
 *   a breaker trips (critical, offers halt); a loss breaker passes 80 % (warning, offers
 *   halt); the kill switch or a halt is set by someone other than this console (critical);
 *   a service unreachable for more than 60 s (warning); a breaker re-trips within one hour
 *   of a reset (critical: "re-tripped — stop and page the whole team"); a source breaker
 *   re-opens, its trial call after the recovery timeout failing (HALF_OPEN → OPEN: warning,
 *   key "reopen:SERVICE:BREAKER"), or is already open when first seen (a trip);
 *   a health answer saying a component is down or degraded, or the service itself when no
 *   component explains it (key "health-down:SERVICE:COMPONENT", "health-degraded:…"; the
 *   service's own with an empty COMPONENT): as loud as the connector's "alerts" says
 *   (a component it does not name: warning when down, info when degraded), once per
 *   condition until it clears, the body ending "Runbook: TITLE — SECTION" when the
 *   connector names one (breaker alerts too).
 * Deduplicated per key and rate-limited to one per key per "rate-limit" seconds (default
 * 300); critical alerts bypass the limit. Emits "alert" (TwAlert *) for each alert to show.
 * A service answering 5xx (TW_ERROR_SERVER) for more than "server-error-after" seconds
 * (warning, key "server-error:SERVICE"); a Halt All that did not halt every service
 * (tw_alert_engine_raise_halt_failure: critical, key "halt-failed").
 * Properties: "workspace", "risk-monitor", "action-runner" (construct-only),
 * "rate-limit" (uint seconds), "unreachable-after" (uint seconds, default 60; the
 * "unreachable-alert-after" setting), "server-error-after" (uint seconds, default 30). */
#define TW_TYPE_ALERT_ENGINE (tw_alert_engine_get_type ())
G_DECLARE_FINAL_TYPE (TwAlertEngine, tw_alert_engine, TW, ALERT_ENGINE, GObject)

TwAlertEngine *tw_alert_engine_new            (TwWorkspace    *workspace,
                                               TwRiskMonitor  *monitor,
                                               TwActionRunner *runner);
void           tw_alert_engine_set_rate_limit (TwAlertEngine  *self,
                                               guint           seconds);

/* Additions of the risk core. */
guint          tw_alert_engine_get_rate_limit        (TwAlertEngine *self);
void           tw_alert_engine_set_unreachable_after (TwAlertEngine *self,
                                                      guint          seconds);
/* @failure: (nullable) what did not halt (the session's "halt-failure"): a critical alert
 * that opens Breakers and offers Halt All again; NULL once a Halt All reached everything. */
void           tw_alert_engine_raise_halt_failure    (TwAlertEngine *self,
                                                      const char    *failure);
/* A condition a service page found (a failing security check, a model not loaded): one
 * alert while it lasts; clear it when it no longer holds. */
void           tw_alert_engine_raise_condition       (TwAlertEngine   *self,
                                                      const char      *key,
                                                      TwAlertSeverity  severity,
                                                      const char      *title,
                                                      const char      *body,
                                                      const char      *service_id,
                                                      const char      *page);
void           tw_alert_engine_clear_condition       (TwAlertEngine   *self,
                                                      const char      *key);
/* A feature flag changed by someone else (TwFlags): key "flag:SERVICE:FLAG:VALUE", page
 * "flags"; a critical one (moved away from safety) offers Halt trading and stays active
 * (no second alert) until tw_alert_engine_clear_flag_change(). */
void           tw_alert_engine_raise_flag_change     (TwAlertEngine   *self,
                                                      const char      *service_id,
                                                      const char      *flag,
                                                      const char      *value,
                                                      TwAlertSeverity  severity,
                                                      const char      *title,
                                                      const char      *body);
void           tw_alert_engine_clear_flag_change     (TwAlertEngine   *self,
                                                      const char      *service_id,
                                                      const char      *flag);
/* A log line matched a rule (the logs service, tw-log-alerts.c): an alert keyed @key,
 * opening the Logs page, category "x-tradewarden.log". Rate-limited per key like every
 * alert; a critical one bypasses the limit (each is shown: a log has no "cleared"). */
void           tw_alert_engine_raise_log_alert       (TwAlertEngine   *self,
                                                      const char      *key,
                                                      TwAlertSeverity  severity,
                                                      const char      *title,
                                                      const char      *body);
/* A key rotation's event (the keys service: a grace period over, a key revoked): an
 * alert keyed @key for @service_id, opening the Keys page, category
 * "x-tradewarden.keys". Like a log line it has no condition that clears. */
void           tw_alert_engine_raise_key_alert       (TwAlertEngine   *self,
                                                      const char      *key,
                                                      TwAlertSeverity  severity,
                                                      const char      *service_id,
                                                      const char      *title,
                                                      const char      *body);
/* An alert made elsewhere (the backup scheduler's "alert"): shown like the engine's own,
 * deduplicated and rate-limited per key; a critical one is never held as active. */
void           tw_alert_engine_raise_alert           (TwAlertEngine   *self,
                                                      TwAlert         *alert);

G_END_DECLS
