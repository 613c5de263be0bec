/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-session-page.h"

#include "tw-workspace.h"
#include "tw-service-row.h"

G_BEGIN_DECLS

/* The Overview: a summary line and a list view of the workspace's services, one
 * TwServiceRow per service in view (rows are built for what is shown only).
 * Property: "workspace" (TwWorkspace, nullable). */
#define TW_TYPE_OVERVIEW_PAGE (tw_overview_page_get_type ())
G_DECLARE_FINAL_TYPE (TwOverviewPage, tw_overview_page, TW, OVERVIEW_PAGE, AdwBin)

GtkWidget    *tw_overview_page_new           (void);
TwWorkspace  *tw_overview_page_get_workspace (TwOverviewPage *self);
void          tw_overview_page_set_workspace (TwOverviewPage *self,
                                              TwWorkspace    *workspace);
/* (transfer none) (nullable) the row of @service_id: NULL when not in view. */
TwServiceRow *tw_overview_page_get_row       (TwOverviewPage *self,
                                              const char     *service_id);

G_END_DECLS
