/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-alert-engine.h"
#include "tw-log-source.h"

G_BEGIN_DECLS

/* Alerts from logs (private to TwLogs). Per source, lines written while the profile is
 * open (not the history read at start) are matched in a worker thread against:
 *   - patterns (AlertPatterns=, ";"-separated; default "DRIFT ALERT;Circuit breaker": a
 *     warning) and critical patterns (CriticalPatterns=; default "MAX DRAWDOWN;CRITICAL;
 *     forced buy-in;BROKER RECALL": critical). A pattern all in capitals matches as
 *     written, any other ignores case (the runbooks grep "MAX DRAWDOWN" as is and
 *     "forced buy-in\|BROKER RECALL" with -i);
 *   - an error rate (ErrorRate=N, default 10, 0: off): more than N lines of level ERROR or
 *     above within a minute (warning).
 * A line matches one rule at most (the first: critical ones first). One alert per rule
 * per batch of lines: the first matching line, and how many more; the
 * engine rate-limits them (key "log:SOURCE:PATTERN", "log-error-rate:SOURCE"). */
typedef struct _TwLogAlerts TwLogAlerts;

typedef void (*TwLogAlertFocus) (const char *source_id,
                                 guint       row,
                                 gpointer    user_data);

TwLogAlerts *_tw_log_alerts_new   (TwAlertEngine   *engine,
                                   TwLogAlertFocus  focus,
                                   gpointer         user_data);
void         _tw_log_alerts_watch (TwLogAlerts     *self,
                                   TwLogSource     *source,
                                   GHashTable      *options);
void         _tw_log_alerts_free  (TwLogAlerts     *self);

G_END_DECLS
