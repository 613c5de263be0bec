/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "tw-sim.h"
#include "tw-sim-firm.h"
#include "tw-sim-faults.h"
#include "tw-sim-log.h"

G_BEGIN_DECLS

typedef struct _TwSimRequest TwSimRequest;
typedef struct _TwSimFlavor  TwSimFlavor;

typedef void (*TwSimHandler) (TwSimRequest *req);

/* One row of a flavor's route table. @pattern is a path whose segments may be
 * "{name}" (captured into req->params); @no_auth for routes open to anyone. */
typedef struct
{
  const char   *method;
  const char   *pattern;
  TwSimHandler  handler;
  gboolean      no_auth;
} TwSimRoute;

/* How a flavor words its errors. */
typedef enum
{
  TW_SIM_ERRORS_AXUM,     /* {"error": "…"} */
  TW_SIM_ERRORS_FASTAPI,  /* {"detail": "…"} */
  TW_SIM_ERRORS_ALPACA,   /* {"code": SSS10000, "message": "…"} */
  TW_SIM_ERRORS_OFREP,    /* {"errorDetails": "…"} (OFREP's generalErrorResponse) */
} TwSimErrorStyle;

typedef enum
{
  TW_SIM_AUTH_API_KEY,    /* X-API-Key ∈ API_KEYS */
  TW_SIM_AUTH_ALPACA,     /* APCA-API-KEY-ID + APCA-API-SECRET-KEY */
  TW_SIM_AUTH_NONE,       /* the runbook's calls send no credentials (003, 004) */
  TW_SIM_AUTH_BEARER,     /* Authorization: Bearer KEY, KEY ∈ API_KEYS */
} TwSimAuthKind;

/* A component whose health the control API can change. */
typedef struct
{
  const char *name;
  const char *message;     /* default message/detail, or NULL */
  double      latency_ms;  /* < 0: the body has no latency field */
} TwSimComponentSpec;

struct _TwSimFlavor
{
  const char               *name;
  const char               *server_header;  /* NULL: none */
  TwSimErrorStyle           errors;
  TwSimAuthKind             auth;
  guint                     missing_status; /* auth header absent */
  const char               *missing_body;
  guint                     wrong_status;   /* auth header wrong */
  const char               *wrong_body;
  const TwSimRoute         *routes;         /* ends with a NULL method */
  /* Further route tables kept in their own files (risk controls, positions and
   * orders…): a NULL-terminated list of tables, each ending with a NULL method.
   * Searched after @routes, in order. Add one line per table in the flavor's file. */
  const TwSimRoute * const *extra_routes;
  const TwSimComponentSpec *components;     /* ends with a NULL name */
  const char               *levels[3];      /* status words for ok, degraded, bad */
  const char * const       *extra_statuses; /* other accepted words (level bad), or NULL */
};

extern const TwSimFlavor tw_sim_flavor_investiq;
extern const TwSimFlavor tw_sim_flavor_ibkr_assistant;
extern const TwSimFlavor tw_sim_flavor_ai_trading;
extern const TwSimFlavor tw_sim_flavor_autotrader;
extern const TwSimFlavor tw_sim_flavor_alpaca;
/* Not a trading system: a flag service speaking OFREP (tw-sim-flags.c). Started with the
 * others, after them, but not in TW_SIM_FLAVORS (whose list is the trading systems). */
extern const TwSimFlavor tw_sim_flavor_ofrep;
/* Second addresses of 001 and 000 (tw-sim-endpoints.c), after OFREP. */
extern const TwSimFlavor tw_sim_flavor_rate_gate;
extern const TwSimFlavor tw_sim_flavor_ml_service;

/* NULL-terminated, in TW_SIM_FLAVORS order. */
const TwSimFlavor * const *tw_sim_flavors           (void);
const TwSimFlavor         *tw_sim_flavor_lookup     (const char *name);

/* One request that reached a flavor (not /_sim), alive until it is answered. */
struct _TwSimRequest
{
  TwSim              *sim;
  TwSimFirm          *firm;
  const TwSimFlavor  *flavor;
  SoupServerMessage  *msg;
  char               *method;
  char               *path;
  GHashTable         *query;     /* decoded name → value, never NULL */
  GHashTable         *params;    /* route captures, never NULL */
  TwSimLogEntry      *entry;
  TwSimFault         *fault;     /* the fault applied, or NULL */
  GSource            *delay;
  gulong              finished_id;
  gboolean            paused;
  gboolean            stolen;
};

/* tw-sim.c: internals shared by the sim files. */
TwSimFirm   *_tw_sim_get_firm              (TwSim        *self);
struct _TwSimKeys *_tw_sim_get_keys        (TwSim        *self);
TwSimFaults *_tw_sim_get_faults            (TwSim        *self);
TwSimLog    *_tw_sim_get_log               (TwSim        *self);
GMainContext *_tw_sim_get_context          (TwSim        *self);
/* @flavor's own key set (/_sim/keys) when it has one, else the process-wide keys. */
gboolean     _tw_sim_check_api_key         (TwSim        *self,
                                            const char   *flavor,
                                            const char   *key);
gboolean     _tw_sim_check_alpaca          (TwSim        *self,
                                            const char   *flavor,
                                            const char   *key_id,
                                            const char   *secret);
/* The shared padding for huge bodies: @len bytes of "0,0,0,…" (len even, ≤ 16 MiB). */
GBytes      *_tw_sim_get_padding           (TwSim        *self,
                                            gsize         len);
void         _tw_sim_add_pending           (TwSim        *self,
                                            TwSimRequest *req);
void         _tw_sim_remove_pending        (TwSim        *self,
                                            TwSimRequest *req);

/* tw-sim-inject.c: takes over @req, applies its fault (delay, broken answers) around
 * the flavor's own answer, logs the status and frees @req. */
void         tw_sim_request_begin          (TwSimRequest *req);

/* tw-sim-request.c: answering. */
void         tw_sim_request_free           (TwSimRequest *req);
/* Routes @req through its flavor's table (auth, 404, 405) and answers it. */
void         tw_sim_request_dispatch       (TwSimRequest *req);
/* The reason phrase for @status, including those libsoup does not know (429…). */
const char  *tw_sim_status_phrase          (guint         status);
void         tw_sim_reply_bytes            (SoupServerMessage *msg,
                                            guint         status,
                                            const char   *content_type,
                                            const char   *body,
                                            gsize         len);
void         tw_sim_reply_json             (SoupServerMessage *msg,
                                            guint         status,
                                            JsonNode     *node);
void         tw_sim_reply_builder          (SoupServerMessage *msg,
                                            guint         status,
                                            JsonBuilder  *builder);
/* The flavor's own error body for @status with @message (a reason phrase if NULL). */
char        *tw_sim_flavor_error_body      (const TwSimFlavor *flavor,
                                            guint         status,
                                            const char   *message);
void         tw_sim_reply_flavor_error     (TwSimRequest *req,
                                            guint         status,
                                            const char   *message);
const char  *tw_sim_request_get_query      (TwSimRequest *req,
                                            const char   *name);
const char  *tw_sim_request_get_param      (TwSimRequest *req,
                                            const char   *name);
/* The request body as JSON; NULL with @error set when absent or invalid. */
JsonNode    *tw_sim_message_get_json       (SoupServerMessage *msg,
                                            GError      **error);
/* RFC 3339 in UTC; @with_us adds microseconds. */
char        *tw_sim_format_time            (gint64        real_time_us,
                                            gboolean      with_us);
char        *tw_sim_format_decimal         (double        value);

/* A scenario of POST /_sim/scenario {"name": …, args…}: changes the firm, or fails with
 * @error (a sentence saying what to send instead; answered 400). Tables end with a NULL
 * name; tw-sim-scenario.c lists them (one line per table). */
typedef struct
{
  const char *name;
  gboolean  (*run) (TwSim       *sim,
                    JsonObject  *args,
                    GError     **error);
} TwSimScenario;

/* tw-sim-control.c: /_sim/… on every port. */
void         tw_sim_control_handle         (TwSim        *self,
                                            const TwSimFlavor *flavor,
                                            SoupServerMessage *msg,
                                            const char   *path,
                                            GHashTable   *query);

G_END_DECLS
