/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-alert-engine.h"

G_BEGIN_DECLS

/* Where an alert comes from. */
typedef enum
{
  TW_ALERT_SOURCE_CONSOLE,      /* the console's own alert engine */
  TW_ALERT_SOURCE_ALERTMANAGER, /* one or more Alertmanagers (API v2 or webhook v4) */
} TwAlertSourceKind;

/* What an alert is doing now, as the Alerts page shows it. */
typedef enum
{
  TW_ALERT_STATE_FIRING,
  TW_ALERT_STATE_ACKNOWLEDGED,
  TW_ALERT_STATE_SILENCED,
  TW_ALERT_STATE_RESOLVED,
} TwAlertState;

/* One alert of the Alerts page: an Alertmanager alert (identified by its fingerprint,
 * merged across the Alertmanagers that report it) or one of the console's own
 * (identified by its engine key). Its fields change as answers and webhooks come; the
 * alerts service replaces it in its list model when they do ("changed" is emitted too).
 * Read-only for everyone but the alerts service. */
#define TW_TYPE_ALERT_ITEM (tw_alert_item_get_type ())
G_DECLARE_FINAL_TYPE (TwAlertItem, tw_alert_item, TW, ALERT_ITEM, GObject)

/* "am:FINGERPRINT" or "console:KEY": unique in a service */
const char         *tw_alert_item_get_key            (TwAlertItem *self);
TwAlertSourceKind   tw_alert_item_get_source_kind    (TwAlertItem *self);
/* The Alertmanager fingerprint (NULL for a console alert). */
const char         *tw_alert_item_get_fingerprint    (TwAlertItem *self);
/* "alertname" label, or the console alert's title. */
const char         *tw_alert_item_get_name           (TwAlertItem *self);
TwAlertSeverity     tw_alert_item_get_severity       (TwAlertItem *self);
/* The raw "severity" label (NULL when none). */
const char         *tw_alert_item_get_severity_label (TwAlertItem *self);
TwAlertState        tw_alert_item_get_state          (TwAlertItem *self);
gboolean            tw_alert_item_is_resolved        (TwAlertItem *self);
/* (transfer none) (element-type utf8 utf8) label → value; empty for a console alert */
GHashTable         *tw_alert_item_get_labels         (TwAlertItem *self);
/* (transfer none) (element-type utf8 utf8) annotation → value */
GHashTable         *tw_alert_item_get_annotations    (TwAlertItem *self);
/* Label names, sorted (transfer container). */
GPtrArray          *tw_alert_item_list_label_names   (TwAlertItem *self);
/* "service=api, instance=host-a" (sorted, alertname and severity left out) (transfer full) */
char               *tw_alert_item_format_labels      (TwAlertItem *self);
const char         *tw_alert_item_get_summary        (TwAlertItem *self);
const char         *tw_alert_item_get_description    (TwAlertItem *self);
/* The "runbook_url" annotation when it is an http(s) URL, else NULL. */
const char         *tw_alert_item_get_runbook_url    (TwAlertItem *self);
/* For a console alert: "Runbook: TITLE — SECTION" of its body, else NULL. */
const char         *tw_alert_item_get_runbook_line   (TwAlertItem *self);
const char         *tw_alert_item_get_generator_url  (TwAlertItem *self);
GDateTime          *tw_alert_item_get_starts_at      (TwAlertItem *self);
/* When it resolved (NULL while firing). */
GDateTime          *tw_alert_item_get_resolved_at    (TwAlertItem *self);
/* (transfer none) (element-type utf8) where it was seen: the Alertmanager services'
 * names, "webhook (URL)" for a webhook naming no known one, "Trade Warden" */
GPtrArray          *tw_alert_item_get_sources        (TwAlertItem *self);
/* "Alertmanager (am-1, am-2)" style, for a column (transfer full) */
char               *tw_alert_item_format_sources     (TwAlertItem *self);
/* (transfer none) (element-type utf8) ids of the silences Alertmanager says mute it */
GPtrArray          *tw_alert_item_get_silenced_by    (TwAlertItem *self);

/* Acknowledgement (NULL / 0 when not acknowledged). */
gboolean            tw_alert_item_is_acknowledged    (TwAlertItem *self);
const char         *tw_alert_item_get_acked_by       (TwAlertItem *self);
const char         *tw_alert_item_get_ack_note       (TwAlertItem *self);
GDateTime          *tw_alert_item_get_acked_at       (TwAlertItem *self);
/* NULL: until resolved (at most 24 h) */
GDateTime          *tw_alert_item_get_ack_until      (TwAlertItem *self);
/* The silence the acknowledgement created in Alertmanager (NULL for a console alert). */
const char         *tw_alert_item_get_ack_silence_id (TwAlertItem *self);

/* Console alerts: the page to open and whether it offers Halt trading. */
const char         *tw_alert_item_get_page           (TwAlertItem *self);
gboolean            tw_alert_item_get_offers_halt    (TwAlertItem *self);
const char         *tw_alert_item_get_body           (TwAlertItem *self);
/* Console alerts: the freedesktop category of their notification ("x-tradewarden.breaker"). */
const char         *tw_alert_item_get_category       (TwAlertItem *self);

const char         *tw_alert_state_to_string         (TwAlertState state);
/* "critical" → CRITICAL; "warning", "high", "medium", "error" → WARNING; else INFO. */
TwAlertSeverity     tw_alert_severity_from_label     (const char  *label);

G_END_DECLS
