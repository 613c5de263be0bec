/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-alert-engine.h"
#include "tw-log-source.h"
#include "tw-log-view.h"
#include "tw-profile.h"

G_BEGIN_DECLS

/* The logs of a profile: one TwLogSource per [Log ID] group, in the profile's order.
 * Built by the session (nothing read yet), started with it (each source indexed, then
 * followed), stopped when it closes. A group that cannot be read as configured (a bad
 * Kind= or Pattern=) is left out, and tw_logs_get_problems() says why. */
#define TW_TYPE_LOGS (tw_logs_get_type ())
G_DECLARE_FINAL_TYPE (TwLogs, tw_logs, TW, LOGS, GObject)

TwLogs      *tw_logs_new           (TwProfile  *profile);
/* (transfer none) GListModel of TwLogSource */
GListModel  *tw_logs_get_sources   (TwLogs     *self);
TwLogSource *tw_logs_lookup        (TwLogs     *self,
                                    const char *id);
/* (transfer none) (element-type utf8) one message per group left out */
GPtrArray   *tw_logs_get_problems  (TwLogs     *self);
/* Alerts from the sources' new lines (tw-log-alerts.h) through @engine. Once. */
void         tw_logs_set_alert_engine (TwLogs        *self,
                                       TwAlertEngine *engine);
/* The line of the latest log alert, for the page's "Open": a serial that grows with each
 * (0: none yet), and the line. */
guint        tw_logs_get_focus     (TwLogs      *self,
                                    const char **source_id,
                                    guint       *row);
/* Where Loki sources find their credentials (tw_log_source_set_secrets()); before start. */
void         tw_logs_set_secrets   (TwLogs     *self,
                                    TwSecrets  *secrets,
                                    const char *profile);
void         tw_logs_start         (TwLogs     *self);
void         tw_logs_stop          (TwLogs     *self);
gboolean     tw_logs_is_started    (TwLogs     *self);

G_END_DECLS
