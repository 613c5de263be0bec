/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-overview-page.h"

G_BEGIN_DECLS

/* For tests: what the widget shows, and the operator's hand. */

/* The summary line as shown ("5 of 5 services OK"). */
const char   *tw_overview_page_get_summary   (TwOverviewPage *self);
/* The broker accounts whose mode is not the profile's, one a line; NULL when none. */
const char   *tw_overview_page_get_mode_warning (TwOverviewPage *self);

/* Whether the page is in its narrow layout (under 500 px wide). */
gboolean      tw_overview_page_get_narrow    (TwOverviewPage *self);

G_END_DECLS
