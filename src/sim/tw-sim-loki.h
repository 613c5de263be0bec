/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A Grafana Loki stand-in (001's log stack) on 127.0.0.1, written from Loki's HTTP API
 * documentation: GET /loki/api/v1/query_range (query: a LogQL stream selector
 * {name="v", name!="v", name=~"re", name!~"re"} with line filters |= != |~ !~; start
 * inclusive and end exclusive, as nanoseconds or RFC 3339, defaulting to an hour ago and
 * now; limit, 100 by default, at most 5000; direction backward (default) or forward),
 * answering {"status":"success","data":{"resultType":"streams","result":[{"stream":{…},
 * "values":[["<ns>","<line>"],…]}],"stats":{}}}; GET /loki/api/v1/tail, a WebSocket
 * (query, start, limit, delay_for) sending the entries since start then each pushed entry
 * as {"streams":[…],"dropped_entries":null}; GET /ready. Errors are plain text, as
 * Loki's are. Runs on the thread-default main context of the thread that starts it. */
#define TW_SIM_FLAVOR_LOKI "loki"

typedef enum
{
  TW_SIM_LOKI_FAULT_NONE,
  TW_SIM_LOKI_FAULT_STATUS_500,     /* query_range: 500, "internal error" */
  TW_SIM_LOKI_FAULT_STATUS_429,     /* query_range: 429 with Retry-After: 1 */
  TW_SIM_LOKI_FAULT_MALFORMED,      /* query_range: JSON cut short */
  TW_SIM_LOKI_FAULT_WRONG_SHAPE,    /* query_range: "result" an object */
  TW_SIM_LOKI_FAULT_MATRIX,         /* query_range: a metric answer */
  TW_SIM_LOKI_FAULT_ENDLESS,        /* query_range: a body that never ends */
  TW_SIM_LOKI_FAULT_NO_WEBSOCKET,   /* tail: answered 400 as a proxy without WebSockets does */
} TwSimLokiFault;

typedef struct _TwSimLoki TwSimLoki;

TwSimLoki  *tw_sim_loki_new           (void);
/* @port 0: any free port. */
gboolean    tw_sim_loki_start         (TwSimLoki      *self,
                                       guint           port,
                                       GError        **error);
/* "http://127.0.0.1:PORT" */
const char *tw_sim_loki_get_url       (TwSimLoki      *self);
/* Stores an entry and sends it to the tails whose query matches it. @time_ns 0: now.
 * @labels: "name=value,name=value". */
void        tw_sim_loki_push          (TwSimLoki      *self,
                                       gint64          time_ns,
                                       const char     *labels,
                                       const char     *line);
void        tw_sim_loki_set_fault     (TwSimLoki      *self,
                                       TwSimLokiFault  fault);
/* Requests must carry X-Scope-OrgID: @tenant (NULL: any), and Authorization: Bearer
 * @token (NULL: none); else 401 "no org id" / "unauthorized". */
void        tw_sim_loki_set_auth      (TwSimLoki      *self,
                                       const char     *tenant,
                                       const char     *token);
/* Sends @text as it is to every tail (hostile tests). */
void        tw_sim_loki_send_raw      (TwSimLoki      *self,
                                       const char     *text);
/* Closes every tail WebSocket (as a restarting Loki does). */
void        tw_sim_loki_close_tails   (TwSimLoki      *self);
guint       tw_sim_loki_get_n_tails   (TwSimLoki      *self);
/* Requests answered on @endpoint ("query_range", "tail"). */
guint       tw_sim_loki_get_n_requests (TwSimLoki     *self,
                                       const char     *endpoint);
void        tw_sim_loki_free          (TwSimLoki      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TwSimLoki, tw_sim_loki_free)

G_END_DECLS
