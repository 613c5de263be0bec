/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TW_SIM_LOG_CAPACITY 10000

/* The request log: the last TW_SIM_LOG_CAPACITY requests that reached the flavors.
 * Entries are reference counted so a delayed answer can set its status even after the
 * entry left the log. Thread-safe. */
typedef struct _TwSimLog TwSimLog;

typedef struct
{
  guint64  seq;
  char    *flavor;
  char    *method;
  char    *path;
  char    *query;    /* "" when none */
  guint    status;   /* 0 until answered; stays 0 for a dropped connection */
  gint64   time_us;  /* real time of arrival */
} TwSimLogEntry;

TwSimLog      *tw_sim_log_new          (void);
void           tw_sim_log_free         (TwSimLog      *log);
/* Returns a new reference to the appended entry. */
TwSimLogEntry *tw_sim_log_append       (TwSimLog      *log,
                                        const char    *flavor,
                                        const char    *method,
                                        const char    *path,
                                        const char    *query);
void           tw_sim_log_set_status   (TwSimLog      *log,
                                        TwSimLogEntry *entry,
                                        guint          status);
void           tw_sim_log_clear        (TwSimLog      *log);
/* How many requests were ever appended (clearing does not reset it). */
guint          tw_sim_log_get_total    (TwSimLog      *log);
/* A JSON array of the entries of @flavor (all when NULL) whose seq is over
 * @since (0: every entry), oldest first, at most @limit of them (0: no limit). */
JsonNode      *tw_sim_log_to_json      (TwSimLog      *log,
                                        const char    *flavor,
                                        guint64        since,
                                        guint          limit);

TwSimLogEntry *tw_sim_log_entry_ref    (TwSimLogEntry *entry);
void           tw_sim_log_entry_unref  (TwSimLogEntry *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TwSimLogEntry, tw_sim_log_entry_unref)

G_END_DECLS
