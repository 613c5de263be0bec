/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  TW_SIM_FAULT_LATENCY,
  TW_SIM_FAULT_STATUS,
  TW_SIM_FAULT_MALFORMED,
  TW_SIM_FAULT_TRUNCATED,
  TW_SIM_FAULT_HTML,
  TW_SIM_FAULT_DROP,
  TW_SIM_FAULT_HUGE,
  TW_SIM_FAULT_RATE_LIMIT,
} TwSimFaultKind;

#define TW_SIM_HUGE_DEFAULT_SIZE (16 * 1024 * 1024)

/* One injected fault, as posted to /_sim/faults. Reference counted: a request keeps
 * the fault it matched even after the fault is removed. */
typedef struct
{
  guint           id;
  char           *flavor;
  char           *path;        /* exact, "prefix*" or "*" */
  char           *method;      /* NULL: any */
  TwSimFaultKind  kind;
  guint           latency_ms;
  guint           status;
  char           *body;        /* NULL: the flavor's own error body */
  JsonObject     *headers;     /* NULL: none */
  guint           retry_after;
  guint64         size;
  gboolean        chunked;
  guint           count;       /* remaining uses; 0 = until cleared */
  guint           hits;
} TwSimFault;

typedef struct _TwSimFaults TwSimFaults;

TwSimFaults *tw_sim_faults_new         (void);
void         tw_sim_faults_free        (TwSimFaults  *faults);
/* Parses a /_sim/faults body; @default_flavor when it names none. Returns the new
 * fault (owned by @faults) or NULL with a TW_ERROR_INVALID error. */
TwSimFault  *tw_sim_faults_add_json    (TwSimFaults  *faults,
                                        JsonNode     *node,
                                        const char   *default_flavor,
                                        GError      **error);
/* The first fault matching the request, with a new reference; spends one use of a
 * counted fault and removes it when none remain. NULL if none matches. */
TwSimFault  *tw_sim_faults_take_match  (TwSimFaults  *faults,
                                        const char   *flavor,
                                        const char   *method,
                                        const char   *path);
gboolean     tw_sim_faults_remove      (TwSimFaults  *faults,
                                        guint         id);
/* Removes the faults of @flavor, or all when NULL. */
void         tw_sim_faults_clear       (TwSimFaults  *faults,
                                        const char   *flavor);
JsonNode    *tw_sim_faults_to_json     (TwSimFaults  *faults,
                                        const char   *flavor);
JsonNode    *tw_sim_fault_to_json      (TwSimFault   *fault);
const char  *tw_sim_fault_kind_to_string (TwSimFaultKind kind);

TwSimFault  *tw_sim_fault_ref          (TwSimFault   *fault);
void         tw_sim_fault_unref        (TwSimFault   *fault);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TwSimFault, tw_sim_fault_unref)

G_END_DECLS
