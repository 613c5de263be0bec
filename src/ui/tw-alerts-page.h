/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-session-page.h"

G_BEGIN_DECLS

/* The Alerts page (issue 14): every active alert, the console's own and Alertmanager's,
 * in one list (severity, name, labels, since, state, source), grouped by alert name when
 * more than a handful show, filtered by severity and text. A row's details: labels,
 * annotations, the runbook link (opened with the desktop's URI launcher) or the runbook
 * section of a console alert, who acknowledged it, and Acknowledge, Unacknowledge,
 * Silence, Halt trading. Sets the sidebar badge: unacknowledged firing alerts. */
#define TW_TYPE_ALERTS_PAGE (tw_alerts_page_get_type ())
G_DECLARE_FINAL_TYPE (TwAlertsPage, tw_alerts_page, TW, ALERTS_PAGE, AdwBin)

GtkWidget *tw_alerts_page_new (void);

G_END_DECLS
