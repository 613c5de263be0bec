/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-connector-registry.h"
#include "tw-service.h"

G_BEGIN_DECLS

/* One service in the profile editor: connector, id, display name, base URL, the address
 * of each of the connector's other endpoints (RateGateUrl=, MlServiceUrl=: empty for the
 * connector's default), and a password row per secret the connector needs (empty keeps
 * the stored one).
 * Signals: "changed" (a field changed), "remove" (the operator asked to remove it). */
#define TW_TYPE_SERVICE_EDITOR_ROW (tw_service_editor_row_get_type ())
G_DECLARE_FINAL_TYPE (TwServiceEditorRow, tw_service_editor_row, TW, SERVICE_EDITOR_ROW, AdwExpanderRow)

/* @service: (nullable) an existing service to edit, or NULL for a new one. */
GtkWidget   *tw_service_editor_row_new              (TwConnectorRegistry *registry,
                                                     TwService           *service);
gboolean     tw_service_editor_row_set_connector_id (TwServiceEditorRow  *self,
                                                     const char          *connector_id);
const char  *tw_service_editor_row_get_service_id   (TwServiceEditorRow  *self);
/* (transfer full) (element-type utf8 utf8) name → value of the secrets typed in (non-empty). */
GHashTable  *tw_service_editor_row_collect_secrets  (TwServiceEditorRow  *self);
/* Empties every password row (after they were stored). */
void         tw_service_editor_row_clear_secrets    (TwServiceEditorRow  *self);
/* Marks the invalid fields; returns (transfer full) the problems, one per line, or NULL. */
char        *tw_service_editor_row_validate         (TwServiceEditorRow  *self);
/* A TwService from the fields (call after validate). (transfer full) */
TwService   *tw_service_editor_row_build_service    (TwServiceEditorRow  *self);

G_END_DECLS
