/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-session-page.h"

#include "tw-session.h"
#include "tw-workspace.h"
#include "tw-service-row.h"
#include "tw-service-page.h"

G_BEGIN_DECLS

/* The Overview: whether trading is safe (tw_trading_summary_describe of the session's
 * risk monitor, in the urgency's colour), the last Halt All's failure, a health summary
 * line and a list view of the workspace's services, one TwServiceRow per service in view
 * (rows are built for what is shown only), each with its trading state.
 * Property: "workspace" (TwWorkspace, nullable). */
#define TW_TYPE_OVERVIEW_PAGE (tw_overview_page_get_type ())
G_DECLARE_FINAL_TYPE (TwOverviewPage, tw_overview_page, TW, OVERVIEW_PAGE, AdwBin)

GtkWidget    *tw_overview_page_new           (void);
TwWorkspace  *tw_overview_page_get_workspace (TwOverviewPage *self);
void          tw_overview_page_set_workspace (TwOverviewPage *self,
                                              TwWorkspace    *workspace);
/* The session: its workspace, risk monitor and "halt-failure" (NULL: none). */
void          tw_overview_page_set_session   (TwOverviewPage *self,
                                              TwSession      *session);
/* (nullable) The first line as shown ("Trading halted on 3 of 5 services · …"); NULL when
 * no service can trade. Its style: "success", "warning", "error" or NULL. */
const char   *tw_overview_page_get_trading_summary (TwOverviewPage *self);
const char   *tw_overview_page_get_trading_style   (TwOverviewPage *self);
/* (nullable) The failed-halt banner's text, NULL when hidden. */
const char   *tw_overview_page_get_halt_failure    (TwOverviewPage *self);
/* (transfer none) (nullable) the row of @service_id: NULL when not in view. */
TwServiceRow *tw_overview_page_get_row       (TwOverviewPage *self,
                                              const char     *service_id);

/* The fonts and glyphs of the page's first frame, warmed in idle steps while the window
 * shows no profile yet (tw-overview-page-warm.c). */
void          tw_overview_page_warm_up       (TwOverviewPage *self);

/* A page per service: pushes the page of @service_id over the Overview (NULL: back to
 * the Overview). Also the actions "overview.show-service" (s) and "overview.back". */
void           tw_overview_page_show_service     (TwOverviewPage *self,
                                                  const char     *service_id);
/* (transfer none) (nullable) the service page when it is shown */
TwServicePage *tw_overview_page_get_service_page (TwOverviewPage *self);

G_END_DECLS
