/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One entry of an Alpaca 207 multi-status answer. Properties (read-only):
 *   "id" (the symbol or the order id), "status" (uint, the entry's HTTP status),
 *   "ok" (bool: a 2xx status), "message" (string: the server's message for a refused
 *   entry, NULL on success), "order-id" (string: the closing order's id, if any). */
#define TW_TYPE_MULTI_STATUS_ITEM (tw_multi_status_item_get_type ())
G_DECLARE_FINAL_TYPE (TwMultiStatusItem, tw_multi_status_item, TW, MULTI_STATUS_ITEM, GObject)

TwMultiStatusItem *tw_multi_status_item_new          (const char        *id,
                                                      guint              status,
                                                      const char        *message,
                                                      const char        *order_id);
const char        *tw_multi_status_item_get_id       (TwMultiStatusItem *self);
guint              tw_multi_status_item_get_status   (TwMultiStatusItem *self);
gboolean           tw_multi_status_item_get_ok       (TwMultiStatusItem *self);
const char        *tw_multi_status_item_get_message  (TwMultiStatusItem *self);
const char        *tw_multi_status_item_get_order_id (TwMultiStatusItem *self);
/* The reason for people: the server's message, with what it means when known
 * ("insufficient qty available (held for orders)"). NULL when ok. (transfer full) */
char              *tw_multi_status_item_dup_reason   (TwMultiStatusItem *self);

/* A whole 207 answer (or the same kind of result built entry by entry).
 * Properties: "items" (GListModel of TwMultiStatusItem), "verb" ("closed", "canceled"),
 *   "n-ok", "n-failed" (uint), "summary" (string, e.g.
 *   "4 of 5 closed; TSLA refused: insufficient qty available (held for orders)"). */
#define TW_TYPE_MULTI_STATUS (tw_multi_status_get_type ())
G_DECLARE_FINAL_TYPE (TwMultiStatus, tw_multi_status, TW, MULTI_STATUS, GObject)

/* @verb: what an ok entry means: "closed", "canceled". */
TwMultiStatus *tw_multi_status_new            (const char     *verb);
/* Parses `[{"symbol"|"id", "status": int, "body": {...}|null}]`; TW_ERROR_BAD_RESPONSE
 * for anything else. A JSON null (an empty answer) is an empty result. */
TwMultiStatus *tw_multi_status_new_from_json  (JsonNode       *body,
                                               const char     *verb,
                                               GError        **error);
void           tw_multi_status_add            (TwMultiStatus  *self,
                                               TwMultiStatusItem *item);
GListModel    *tw_multi_status_get_items      (TwMultiStatus  *self);
const char    *tw_multi_status_get_verb       (TwMultiStatus  *self);
guint          tw_multi_status_get_n_ok       (TwMultiStatus  *self);
guint          tw_multi_status_get_n_failed   (TwMultiStatus  *self);
/* (transfer full) ids of the refused entries, (element-type utf8) */
GPtrArray     *tw_multi_status_dup_failed_ids (TwMultiStatus  *self);
/* (transfer full) */
char          *tw_multi_status_dup_summary    (TwMultiStatus  *self);

G_END_DECLS
