/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-client.h"
#include "tw-connector-registry.h"
#include "tw-http.h"
#include "tw-poller.h"
#include "tw-profile.h"
#include "tw-secrets.h"

G_BEGIN_DECLS

/* A profile at work: one TwClient per service, the health pollers that keep each
 * TwService's state, and (later issues) the other pollers and actions.
 * Properties: "profile", "http", "secrets", "registry" (construct-only),
 *   "poll-interval" (guint ms, default 5000). */
#define TW_TYPE_WORKSPACE (tw_workspace_get_type ())
G_DECLARE_FINAL_TYPE (TwWorkspace, tw_workspace, TW, WORKSPACE, GObject)

TwWorkspace *tw_workspace_new               (TwProfile           *profile,
                                             TwConnectorRegistry *registry,
                                             TwHttp              *http,
                                             TwSecrets           *secrets);
TwProfile   *tw_workspace_get_profile       (TwWorkspace         *self);
TwHttp      *tw_workspace_get_http          (TwWorkspace         *self);
TwSecrets   *tw_workspace_get_secrets       (TwWorkspace         *self);
/* (transfer none) GListModel of TwService: the profile's services */
GListModel  *tw_workspace_get_services      (TwWorkspace         *self);
/* NULL when the service's connector is not installed (the service then shows an error). */
TwClient    *tw_workspace_get_client        (TwWorkspace         *self,
                                             const char          *service_id);
/* (transfer none) (nullable) the health poller of a service (NULL without connector). */
TwPoller    *tw_workspace_get_health_poller (TwWorkspace         *self,
                                             const char          *service_id);
/* After new secrets were stored: every client looks them up again. */
void         tw_workspace_reset_secrets     (TwWorkspace         *self);
void         tw_workspace_start             (TwWorkspace         *self);
void         tw_workspace_stop              (TwWorkspace         *self);
/* Polls every service now (Ctrl+R). */
void         tw_workspace_refresh           (TwWorkspace         *self);
guint        tw_workspace_get_poll_interval (TwWorkspace         *self);
void         tw_workspace_set_poll_interval (TwWorkspace         *self,
                                             guint                interval_ms);

G_END_DECLS
