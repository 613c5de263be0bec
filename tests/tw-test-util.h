/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "tw-sim.h"

G_BEGIN_DECLS

/* A simulator on its own thread for one test, on free loopback ports. */
TwSimThread *tw_test_sim_start          (void);
/* Blocking helpers for tests: POST/GET/DELETE @path on the flavor's port, body JSON or NULL.
 * Returns the parsed JSON answer (JSON null for an empty body); asserts on transport errors. */
JsonNode    *tw_test_sim_request        (TwSimThread *sim,
                                         const char  *flavor,
                                         const char  *method,
                                         const char  *path,
                                         const char  *json_body);
/* Like tw_test_sim_request(), also giving the HTTP status. Paths outside /_sim/ get the
 * flavor's valid credentials (X-API-Key, ai-trading's Bearer token, or Alpaca's key pair). */
JsonNode    *tw_test_sim_request_full   (TwSimThread *sim,
                                         const char  *flavor,
                                         const char  *method,
                                         const char  *path,
                                         const char  *json_body,
                                         guint       *status);
/* Like tw_test_sim_request_full(), giving the body as it came (for exact bodies). */
char        *tw_test_sim_request_text   (TwSimThread *sim,
                                         const char  *flavor,
                                         const char  *method,
                                         const char  *path,
                                         const char  *json_body,
                                         guint       *status);
/* Sets a component's health through /_sim/health; @json e.g.
 * "{\"component\":\"broker\",\"status\":\"unhealthy\"}" or "{\"reset\":true}". */
void         tw_test_sim_health         (TwSimThread *sim,
                                         const char  *flavor,
                                         const char  *json);
/* Injects a fault (see the simulator's /_sim/faults) for @flavor; @json e.g.
 * "{\"path\":\"/health\",\"kind\":\"status\",\"status\":503}". */
void         tw_test_sim_fault          (TwSimThread *sim,
                                         const char  *flavor,
                                         const char  *json);
void         tw_test_sim_clear_faults   (TwSimThread *sim);
/* Plays a scenario through POST /_sim/scenario (risk controls, trading); @json e.g.
 * "{\"name\":\"losing-streak\"}". Asserts it was accepted. */
void         tw_test_sim_scenario       (TwSimThread *sim,
                                         const char  *json);
/* The request log (array of {flavor, method, path, status, time}). */
JsonNode    *tw_test_sim_requests       (TwSimThread *sim);
/* The status the request log recorded for the last request that reached a flavor
 * (0 for a dropped connection). */
gint64       tw_test_sim_last_status    (TwSimThread *sim);

/* Raw requests from a plain client on a new connection, as a connector sees the sim:
 * for checking exact bodies, headers and transport errors. */
typedef enum
{
  TW_TEST_AUTH_GOOD,   /* the flavor's valid credentials */
  TW_TEST_AUTH_NONE,   /* no auth header */
  TW_TEST_AUTH_WRONG,  /* a wrong key (Alpaca: the right key id, a wrong secret) */
} TwTestAuth;

typedef struct
{
  guint               status;   /* 0 when no status line arrived */
  SoupMessageHeaders *headers;  /* the response headers */
  GBytes             *body;     /* NULL on a transport error */
  GError             *error;    /* the transport error, if any */
} TwTestAnswer;

TwTestAnswer *tw_test_sim_fetch         (TwSimThread  *sim,
                                         const char   *flavor,
                                         const char   *method,
                                         const char   *path,
                                         TwTestAuth    auth);
/* The status of tw_test_sim_fetch() with valid credentials. */
guint         tw_test_sim_status        (TwSimThread  *sim,
                                         const char   *flavor,
                                         const char   *method,
                                         const char   *path);
/* The body parsed as JSON / as text; both assert there was no transport error. */
JsonNode     *tw_test_answer_json       (TwTestAnswer *answer);
char         *tw_test_answer_text       (TwTestAnswer *answer);
void          tw_test_answer_free       (TwTestAnswer *answer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TwTestAnswer, tw_test_answer_free)

/* Runs the default main context until @done is TRUE or @timeout_ms passes; returns *done. */
gboolean     tw_test_run_until          (gboolean    *done,
                                         guint        timeout_ms);
/* Iterates the default main context for @ms milliseconds. */
void         tw_test_run_for            (guint        ms);

G_END_DECLS
