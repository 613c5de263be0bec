/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-action-runner.h"
#include "tw-alert-engine.h"
#include "tw-audit-log.h"
#include "tw-connector-registry.h"
#include "tw-risk-monitor.h"
#include "tw-test-util.h"
#include "tw-workspace.h"

G_BEGIN_DECLS

#define RISK_PROFILE "demo"

/* The simulated firm behind a profile with one service per flavor (id = flavor),
 * secrets stored, a workspace polling every @interval_ms, an audit log in the test's
 * own data dir, an action runner and a risk monitor (both stopped). */
typedef struct
{
  TwSimThread         *sim;
  TwConnectorRegistry *registry;
  TwSecrets           *secrets;
  TwHttp              *http;
  TwProfile           *profile;
  TwWorkspace         *workspace;
  TwAuditLog          *audit;
  TwActionRunner      *runner;
  TwRiskMonitor       *monitor;
} RiskFixture;

void            risk_fixture_setup        (RiskFixture   *f,
                                           TwMode         mode,
                                           guint          interval_ms);
void            risk_fixture_teardown     (RiskFixture   *f);
/* Stores the simulator's credentials of @service_id (a flavor) for @profile_name. */
void            risk_store_secrets        (RiskFixture   *f,
                                           const char    *profile_name,
                                           const char    *service_id);
/* GTask's worker threads drop their reference on the source object just after the
 * callback ran in the main thread: waits (up to 2 s) until @object's only reference is
 * the caller's, before g_assert_finalize_object(). */
void            risk_wait_last_ref        (gpointer       object);

/* POST /_sim/scenario with @json; asserts it was accepted. */
void            risk_scenario             (RiskFixture   *f,
                                           const char    *json);
void            risk_clear_requests       (RiskFixture   *f);
/* Requests in the simulator's log that change something (any method but GET) on
 * @flavor (NULL: any), outside /_sim. (transfer full) (element-type JsonObject) */
GPtrArray      *risk_changing_requests    (RiskFixture   *f,
                                           const char    *flavor);

/* Iterates the main context until @check (@data) is TRUE or @timeout_ms passed. */
gboolean        risk_wait                 (gboolean     (*check) (gpointer data),
                                           gpointer       data,
                                           guint          timeout_ms);

/* Iterates the main context until @service_id (NULL: every service the monitor follows)
 * answered its trading state @n more times. What a poll answer would set off (signals,
 * alerts) has run by then: the proof that a quiet period passed. */
gboolean        risk_wait_answers         (RiskFixture   *f,
                                           const char    *service_id,
                                           guint          n,
                                           guint          timeout_ms);

/* Runs an action through the runner and waits for its result. */
JsonNode       *risk_run                  (RiskFixture     *f,
                                           TwGuardRequest  *request,
                                           const char      *service_id,
                                           const char      *operation,
                                           GHashTable      *vars,
                                           TwHttpResponse **response,
                                           GError         **error);
/* A trading.resume request with a reason and the operator's checklist items ticked (a
 * loss breaker's too); health and broker are worked out by the runner when it runs, so
 * wait for risk_wait_healthy() first. */
TwGuardRequest *risk_resume_request       (RiskFixture   *f,
                                           const char    *service_id);
/* Starts the workspace's health polling, polls every service now and waits until all are healthy (the guard's live check). */
gboolean        risk_wait_healthy         (RiskFixture   *f,
                                           guint          timeout_ms);
GPtrArray      *risk_halt_all             (RiskFixture   *f,
                                           const char    *reason);

/* The audit rows, oldest first, optionally only those of @action. */
GPtrArray      *risk_audit_rows           (RiskFixture   *f,
                                           const char    *action);
void            risk_assert_audit_valid   (RiskFixture   *f);

/* The state the monitor keeps for @service_id (asserts there is one). */
TwTradingState *risk_state                (RiskFixture   *f,
                                           const char    *service_id);
/* Refreshes the monitor and waits until @service_id's halted flag is @halted. */
gboolean        risk_wait_halted          (RiskFixture   *f,
                                           const char    *service_id,
                                           gboolean       halted,
                                           guint          timeout_ms);

/* The flavors that can halt, in the profile's order, and the request that halts each. */
typedef struct
{
  const char *flavor;
  const char *halt_method;
  const char *halt_path;
} RiskHalting;

#define RISK_N_HALTING 4
extern const RiskHalting risk_halting[RISK_N_HALTING];

/* How many of the audit @rows have @outcome. */
guint           risk_count_rows           (GPtrArray      *rows,
                                           TwAuditOutcome  outcome);
/* Every outcome row points at a "requested" row of the same action and target. */
void            risk_assert_audit_pairs   (GPtrArray     *rows);

G_END_DECLS
