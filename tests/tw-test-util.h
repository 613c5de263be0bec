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
 * flavor's valid credentials (X-API-Key, or Alpaca's key pair). */
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

/* Waits until at least @ms of the simulator's own time has passed on its main context,
 * where every simulated clock runs (the price walk, the breakers, the demo databases): a
 * polygon outage at Autotrader, started here, fails a call every 200 ms on it, so
 * @ms / 200 + 1 failures prove it. The proof that something the simulator would do on
 * a timer did not happen. Leaves Autotrader's polygon source in an outage. */
void         tw_test_sim_wait_ticks     (TwSimThread *sim,
                                         guint        ms);

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

/* How long this thread has waited for a CPU (runnable, not running) in µs, from
 * /proc/thread-self/schedstat; -1 when the kernel does not say. Stall meters take it off,
 * so a loaded machine does not fail them. */
gint64       tw_test_run_queue_wait_us  (void);

/* Tests wait for conditions, never for a time: there is no "run for N ms" here.
 * To show that something does NOT happen, wait for a later event that proves the quiet
 * period passed (the next poll answer, a sentinel request) and say so in a comment. */

/* Runs the default main context until @done is TRUE or @timeout_ms passes; returns *done. */
gboolean     tw_test_run_until          (gboolean    *done,
                                         guint        timeout_ms);

typedef gboolean (*TwTestCondition) (gpointer user_data);

/* Iterates the default main context until @condition holds or @timeout_ms passes;
 * returns whether it holds. The context is woken at least every 20 ms, so conditions
 * that change on other threads (the simulator, a child process) are seen too. */
gboolean     tw_test_wait_for           (TwTestCondition condition,
                                         gpointer        user_data,
                                         guint           timeout_ms);
/* One turn of the default main context, woken within 20 ms; FALSE once the monotonic
 * time @deadline_us has passed. The step of tw_test_wait_until(). */
gboolean     tw_test_wait_step          (gint64       deadline_us);

/* Spins the default main context until @expr holds; when @timeout_ms passes first, the
 * test fails with a message naming @expr. */
#define tw_test_wait_until(expr, timeout_ms)                                            \
  G_STMT_START {                                                                        \
    gint64 tw_deadline_ = g_get_monotonic_time () + (gint64) (timeout_ms) * 1000;       \
    while (!(expr))                                                                     \
      if (!tw_test_wait_step (tw_deadline_) && !(expr))                                 \
        {                                                                               \
          g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC,             \
                               "timed out after " #timeout_ms " ms waiting for: " #expr); \
          break;                                                                        \
        }                                                                               \
  } G_STMT_END

G_END_DECLS
