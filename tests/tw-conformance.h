/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-action-runner.h"
#include "tw-connector-registry.h"
#include "tw-fixture-server.h"
#include "tw-risk-monitor.h"
#include "tw-sim.h"
#include "tw-workspace.h"

G_BEGIN_DECLS

/* Conformance tests of one connector against a runbook's examples
 * (tests/fixtures/runbooks/SYSTEM): a profile with one service, id = the connector's id,
 * at the fixture server's address, its secrets in memory, a workspace, an audit log, a
 * risk monitor and an action runner (all stopped) — the console's own path, no simulator. */
typedef struct
{
  TwFixtureServer     *server;
  char                *system;
  TwConnectorRegistry *registry;
  TwSecrets           *secrets;
  TwHttp              *http;
  TwProfile           *profile;
  TwWorkspace         *workspace;
  TwAuditLog          *audit;
  TwRiskMonitor       *monitor;
  TwActionRunner      *runner;
  TwClient            *client;
} Conformance;

/* @secrets: "name=value|name=value" for the connector's secrets (e.g. "api_key=k-1"),
 * or NULL. */
void       conformance_setup           (Conformance *c,
                                        const char  *system,
                                        const char  *connector_id,
                                        const char  *secrets);
void       conformance_teardown        (Conformance *c);
/* Calls @operation through the service's client and waits. @vars: "name=value|…" or
 * NULL. Returns the answer (JSON null for an empty one), or NULL with @error. */
JsonNode  *conformance_call            (Conformance *c,
                                        const char  *operation,
                                        const char  *vars,
                                        guint       *status,
                                        GError     **error);
/* (nullable) (transfer full) the "request" member of a fixture file: the request body
 * the runbook shows. */
JsonNode  *conformance_fixture_request (const char      *system,
                                        const TwFixture *fixture);
/* The simulator against the same fixtures: each fixture's request (with its "request"
 * body) goes to @flavor of a new simulator; the status must be the fixture's and the
 * answer must have the fixture's shape (tw_fixture_assert_same_shape()). @prepare, when
 * given, runs first on the simulator (a scenario that puts it in the example's state).
 * A fixture's "credentials" names the headers the runbook sends besides the flavor's
 * auth, each with the simulator's credential: {"X-Live-Trading-Key": "live_trading_key"}. */
void       conformance_check_sim       (const char  *system,
                                        const char  *flavor,
                                        void       (*prepare) (TwSimThread *sim));
/* The fixture of @method @path; asserts there is one. */
const TwFixture *conformance_fixture   (Conformance *c,
                                        const char  *method,
                                        const char  *path);
/* Reads the service's kill switch / trading state back through the monitor and waits. */
TwTradingState  *conformance_read_back (Conformance *c);

G_END_DECLS
