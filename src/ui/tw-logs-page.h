/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-session-page.h"
#include "tw-logs.h"

G_BEGIN_DECLS

/* The Logs page: the profile's log sources in a GtkListView over a TwLogView (a row's
 * object is made only when it is on screen), all sources merged by time or one at a
 * time, each line saying its source, time, level and correlation id (a click on the id
 * filters every source to it). Follow (on by default) keeps the newest lines in view and
 * goes off when the operator scrolls up; "N new lines" brings it back. Filters (minimum
 * level, text, regex — an invalid one is shown as an error and not applied —,
 * correlation id, a time range) combine and run in a worker thread with a progress bar
 * and a Stop button; the count of matches, next and previous match; matches are
 * highlighted. Actions: logs.follow (state), logs.next-match, logs.previous-match,
 * logs.copy, logs.open-folder, logs.cancel-filter, logs.show-new, logs.filter-id (s),
 * logs.show-line ((su): a source's row, shown and selected), logs.snapshot (the incident
 * snapshot, tw-incident-snapshot.h, to a file the operator chooses). */
#define TW_TYPE_LOGS_PAGE (tw_logs_page_get_type ())
G_DECLARE_FINAL_TYPE (TwLogsPage, tw_logs_page, TW, LOGS_PAGE, AdwBin)

GtkWidget *tw_logs_page_new      (void);
/* (nullable) */
void       tw_logs_page_set_logs (TwLogsPage *self,
                                  TwLogs     *logs);

G_END_DECLS
