/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Inside the risk monitor: its entries (one per trading service) and their pollers'
 * groups, shared by tw-risk-monitor.c (the entries, pollers, read-backs) and
 * tw-risk-monitor-answers.c (answers mapped onto the states, and the transitions
 * they make). Not for other code. */

#include "tw-risk-monitor.h"

G_BEGIN_DECLS

#define LOSS_WARNING_FRACTION 0.8

enum {
  BREAKER_TRIPPED,
  BREAKER_WARNING,
  BREAKER_RESET,
  HALTED,
  RESUMED,
  N_SIGNALS
};

extern guint _tw_risk_monitor_signals[N_SIGNALS];

/* Where a breaker stood at the previous poll. HALF_OPEN counts as not yet reset, so an
 * outage that probes OPEN → HALF_OPEN → OPEN is one trip, and the reset is its return
 * to CLOSED (or, for a limit breaker, below its limit). */
typedef enum
{
  PHASE_CLOSED,
  PHASE_HALF_OPEN,
  PHASE_TRIPPED,
} Phase;

typedef struct
{
  Phase    phase;
  gboolean warned;
} Snapshot;

typedef struct _Entry Entry;

/* One poller and the operations mapped from its answers. */
typedef struct
{
  Entry     *entry;          /* unowned: the entry owns the group */
  TwPoller  *poller;
  GPtrArray *operations;     /* const TwOperation * */
  GPtrArray *breakers;       /* TwBreaker: the last answer's, or NULL without a rule */
  gboolean   answered;
  gboolean   refresh_pending;
  guint64    mapped_hash;    /* the body hash of the answer mapped last, 0 when none */
  guint64    mapped_at;      /* the state's changes after that mapping */
} Group;

struct _Entry
{
  TwRiskMonitor  *monitor;   /* unowned */
  TwService      *service;
  TwClient       *client;
  TwTradingState *state;
  GPtrArray      *groups;    /* Group* */
  GHashTable     *snapshots; /* breaker id → Snapshot* */
  gboolean        have_halted;
  gboolean        halted;
  gulong          connector_changed_id;
  GBinding       *name_binding;
};

gboolean  _tw_risk_monitor_map_answer        (Group     *group,
                                              JsonNode  *body,
                                              GError   **error);
void      _tw_risk_monitor_emit_transitions  (Entry     *entry);
void      _tw_risk_monitor_status_succeeded  (TwPoller       *poller,
                                              JsonNode       *body,
                                              TwHttpResponse *response,
                                              Group          *group);
void      _tw_risk_monitor_status_failed     (TwPoller  *poller,
                                              GError    *error,
                                              Group     *group);

G_END_DECLS
