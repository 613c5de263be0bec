/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "tw-alert-item.h"

G_BEGIN_DECLS

/* What one webhook or API answer says of one Alertmanager alert. */
typedef struct
{
  char       *fingerprint;
  GHashTable *labels;       /* utf8 → utf8 */
  GHashTable *annotations;  /* utf8 → utf8 */
  GDateTime  *starts_at;
  GDateTime  *ends_at;      /* NULL when absent or the zero time */
  char       *generator_url;
  gboolean    resolved;     /* webhook "status": "resolved" */
  GPtrArray  *silenced_by;  /* API v2 status.silencedBy (utf8) */
} TwAmAlertData;

void          _tw_am_alert_data_free     (TwAmAlertData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TwAmAlertData, _tw_am_alert_data_free)

/* tw-alert-parse.c: the one parser of Alertmanager's alerts, for the webhook (version 4)
 * and GET /api/v2/alerts. Strict: a missing or mistyped required field is an error
 * naming it (TW_ERROR_INVALID), never a crash. (element-type TwAmAlertData)
 * @external_url: the payload's "externalURL" (nullable), set only when it is accepted. */
GPtrArray    *_tw_am_parse_webhook       (const char    *body,
                                          gsize          length,
                                          char         **external_url,
                                          GError       **error);
GPtrArray    *_tw_am_parse_alerts        (JsonNode      *root,
                                          GError       **error);
/* "2026-12-06T02:21:54.123Z" → GDateTime; NULL for NULL, "" or Go's zero time. */
GDateTime    *_tw_am_parse_time          (const char    *text);
/* RFC 3339 UTC with milliseconds (transfer full) */
char         *_tw_am_format_time         (GDateTime     *time);

/* tw-alert-item.c: the service's writes. */
TwAlertItem  *_tw_alert_item_new_am      (const char    *fingerprint);
TwAlertItem  *_tw_alert_item_new_console (TwAlert       *alert);
/* The engine raised @alert again: its body, severity and Halt button (TRUE on a change). */
gboolean      _tw_alert_item_update_console (TwAlertItem *self,
                                             TwAlert     *alert);
/* Takes what @data says (labels, annotations, times, resolved, silenced_by when
 * @with_silences). TRUE when something shown changed. */
gboolean      _tw_alert_item_update_am   (TwAlertItem   *self,
                                          TwAmAlertData *data,
                                          gboolean       with_silences);
gboolean      _tw_alert_item_add_source  (TwAlertItem   *self,
                                          const char    *source);
gboolean      _tw_alert_item_remove_source (TwAlertItem *self,
                                            const char  *source);
gboolean      _tw_alert_item_has_source  (TwAlertItem   *self,
                                          const char    *source);
void          _tw_alert_item_set_resolved (TwAlertItem  *self,
                                           GDateTime    *resolved_at);
void          _tw_alert_item_set_firing  (TwAlertItem   *self);
void          _tw_alert_item_set_ack     (TwAlertItem   *self,
                                          const char    *by,
                                          const char    *note,
                                          GDateTime     *at,
                                          GDateTime     *until,
                                          const char    *silence_id,
                                          const char    *silence_service);
void          _tw_alert_item_clear_ack   (TwAlertItem   *self);
const char   *_tw_alert_item_get_ack_silence_service (TwAlertItem *self);
void          _tw_alert_item_set_silenced_by (TwAlertItem *self,
                                              GPtrArray   *ids);
/* The matchers of a silence for exactly this alert's labels, as Alertmanager's JSON
 * (transfer full). */
char         *_tw_alert_item_matchers_json (TwAlertItem *self);

/* Notification bookkeeping of the service. */
gint64        _tw_alert_item_get_last_notified (TwAlertItem *self);
void          _tw_alert_item_set_last_notified (TwAlertItem *self,
                                                gint64       when);

G_END_DECLS
