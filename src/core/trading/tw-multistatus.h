/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "tw-connector.h"

G_BEGIN_DECLS

/* One entry of a broker's 207 multi-status answer (`[{"symbol"|"id", "status", "body"}]`). Properties (read-only):
 *   "id" (the symbol or the order id), "status" (uint, the entry's HTTP status),
 *   "ok" (bool: a 2xx status), "message" (string: the server's message for a refused
 *   entry, NULL on success), "order-id" (string: the closing order's id, if any),
 *   "label" (string: how a person names the entry, e.g. "sell 5 TSLA stop (order b83a1f2c)";
 *   the id when the console did not know it), "state" (string, nullable: the order's status
 *   as the console last saw it, e.g. "held", which explains a refusal). */
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
const char        *tw_multi_status_item_get_label    (TwMultiStatusItem *self);
const char        *tw_multi_status_item_get_state    (TwMultiStatusItem *self);
/* The reason for people: what the refusal means, then the server's own words in
 * parentheses (tw_multi_status_explain()). NULL when ok. (transfer full) */
char              *tw_multi_status_item_dup_reason   (TwMultiStatusItem *self);
/* "LABEL refused: REASON" for a refused entry, NULL when ok. (transfer full) */
char              *tw_multi_status_item_dup_result   (TwMultiStatusItem *self);

/* What a broker's refusal of one order or position means, for people, followed by the
 * server's message in parentheses. The meaning comes from @connector's "refusals"
 * (e.g. Alpaca's 403 "insufficient qty available" is "held for orders"); a
 * "not-cancelable" refusal is explained by @state, the order's status as the console
 * last saw it (held, pending_cancel, pending_replace, filled…), and without one claims
 * nothing it does not know. Without @connector or a matching rule: the message alone.
 * (transfer full) */
char              *tw_multi_status_explain           (TwConnector       *connector,
                                                      guint              http_status,
                                                      const char        *message,
                                                      const char        *state);

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
/* What the console knows of entry @id before the answer: @label (how a person names
 * it), @state (nullable, an order's status). Entries added later with that id get them. */
void           tw_multi_status_know           (TwMultiStatus  *self,
                                               const char     *id,
                                               const char     *label,
                                               const char     *state);
/* Entries added later explain their refusals by @connector's "refusals" (nullable). */
void           tw_multi_status_set_connector  (TwMultiStatus  *self,
                                               TwConnector    *connector);
/* Entries added later that the console does not know are labelled "@noun SHORT-ID"
 * ("order 1370f5c9") rather than by a bare UUID. */
void           tw_multi_status_set_entry_noun (TwMultiStatus  *self,
                                               const char     *noun);
/* UUIDs (Alpaca's order ids) by their first 8 characters, as its dashboard shows them; shorter ids
 * whole. (transfer full) */
char          *tw_multi_status_dup_short_id   (const char     *id);
/* Adds the entries of @body (as tw_multi_status_new_from_json()); on error adds none. */
gboolean       tw_multi_status_parse          (TwMultiStatus  *self,
                                               JsonNode       *body,
                                               GError        **error);
void           tw_multi_status_add            (TwMultiStatus  *self,
                                               TwMultiStatusItem *item);
GListModel    *tw_multi_status_get_items      (TwMultiStatus  *self);
const char    *tw_multi_status_get_verb       (TwMultiStatus  *self);
guint          tw_multi_status_get_n_ok       (TwMultiStatus  *self);
guint          tw_multi_status_get_n_failed   (TwMultiStatus  *self);
/* (transfer full) ids of the refused entries, (element-type utf8) */
GPtrArray     *tw_multi_status_dup_failed_ids (TwMultiStatus  *self);
/* "3 of 4 canceled; sell 5 TSLA stop (order b83a1f2c) refused: …" (transfer full) */
char          *tw_multi_status_dup_summary    (TwMultiStatus  *self);
/* The result as the audit log records it, one line an element: with refusals
 * "Not all canceled: 3 of 4 canceled", then one "LABEL refused: REASON" per refused entry;
 * without, the summary alone. The audit message is these lines joined by "; "; the
 * dialogs show them one a line. (transfer full) */
GStrv          tw_multi_status_dup_lines      (TwMultiStatus  *self);
/* The lines joined by "; ". (transfer full) */
char          *tw_multi_status_dup_outcome    (TwMultiStatus  *self);

G_END_DECLS
