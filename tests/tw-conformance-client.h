/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-connector-registry.h"
#include "tw-fixture-server.h"
#include "tw-risk-monitor.h"
#include "tw-workspace.h"

G_BEGIN_DECLS

/* A shipped connector pointed at a runbook's fixture server (tests/tw-fixture-server.h),
 * never at the simulator: a profile with one service (id = the connector's id) on the
 * server's URL, its workspace (not polling) and risk monitor (stopped). */
typedef struct
{
  TwFixtureServer     *server;
  TwConnectorRegistry *registry;
  TwSecrets           *secrets;
  TwHttp              *http;
  TwProfile           *profile;
  TwWorkspace         *workspace;
  TwRiskMonitor       *monitor;
  TwClient            *client;     /* the workspace's, unowned */
} Conformance;

/* @api_key: (nullable) stored as the service's "api_key" secret when given. */
void        conformance_setup     (Conformance  *c,
                                   const char   *system,
                                   const char   *connector_id,
                                   const char   *api_key);
void        conformance_teardown  (Conformance  *c);
/* Calls @operation through the client with @vars ("name=value|name=value", or NULL) and
 * waits. Returns the answer, or NULL with @error; @status the HTTP status (0: none). */
JsonNode   *conformance_call      (Conformance  *c,
                                   const char   *operation,
                                   const char   *vars,
                                   guint        *status,
                                   GError      **error);
/* The fixture of @method @path; asserts there is one. */
const TwFixture *conformance_fixture (Conformance *c,
                                      const char  *method,
                                      const char  *path);
/* Reads the service's kill switch / trading state back through the monitor and waits. */
TwTradingState *conformance_read_back (Conformance *c);

G_END_DECLS
