/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-connector.h"

G_BEGIN_DECLS

#define TW_TYPE_CONNECTOR_REGISTRY (tw_connector_registry_get_type ())
G_DECLARE_FINAL_TYPE (TwConnectorRegistry, tw_connector_registry, TW, CONNECTOR_REGISTRY, GObject)

TwConnectorRegistry *tw_connector_registry_new          (void);
/* The shipped connectors (compiled in as resources) then the user's
 * ($XDG_CONFIG_HOME/tradewarden/connectors/ *.json), which add to or override
 * them by id. A bad user file does not stop the others: it is recorded in
 * tw_connector_registry_get_problems(). */
void                 tw_connector_registry_load_default (TwConnectorRegistry *self);
/* Loads every *.json of @dir; returns FALSE if any file was refused (others still load). */
gboolean             tw_connector_registry_load_dir     (TwConnectorRegistry *self,
                                                         GFile               *dir,
                                                         GError             **error);
void                 tw_connector_registry_add          (TwConnectorRegistry *self,
                                                         TwConnector         *connector);
TwConnector         *tw_connector_registry_lookup       (TwConnectorRegistry *self,
                                                         const char          *id);
/* (transfer none) a GListModel of TwConnector sorted by name, for pickers. */
GListModel          *tw_connector_registry_get_model    (TwConnectorRegistry *self);
/* (transfer none) (element-type utf8) messages for files that were refused. */
GPtrArray           *tw_connector_registry_get_problems (TwConnectorRegistry *self);

G_END_DECLS
