/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-session-page.h"

#include "tw-action-runner.h"
#include "tw-risk-monitor.h"
#include "tw-trading-state-group.h"
#include "tw-workspace.h"

G_BEGIN_DECLS

/* The Breakers page (a TwSessionPage): one TwTradingStateGroup per TwTradingState of the
 * session's risk monitor, and, after a Halt All that did not reach every service, an
 * error-styled row on top until the next successful one (the session's "halt-failure").
 * Actions (widget-scoped, "breakers." prefix), each through the action runner:
 *   halt (s service id)                       toward safety: one click
 *   resume (s)                                guarded (reason + checklist)
 *   kill-switch-activate (s)                  toward safety
 *   kill-switch-deactivate (s)                guarded
 *   reset ((ss) service id, breaker id)       guarded
 * Results are shown as toasts (the server's message on failure).
 * Signal "action-finished" (service_id, operation, ok, message). */
#define TW_TYPE_BREAKERS_PAGE (tw_breakers_page_get_type ())
G_DECLARE_FINAL_TYPE (TwBreakersPage, tw_breakers_page, TW, BREAKERS_PAGE, AdwBin)

GtkWidget           *tw_breakers_page_new                (void);
/* All three NULL to clear. */
void                 tw_breakers_page_set_context        (TwBreakersPage *self,
                                                          TwWorkspace    *workspace,
                                                          TwRiskMonitor  *monitor,
                                                          TwActionRunner *runner);

G_END_DECLS
