/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-overview-page.h"

G_BEGIN_DECLS

/* For tests: what the widget shows, and the operator's hand. */

/* The summary line as shown ("5 of 5 services OK"). */
const char   *tw_overview_page_get_summary   (TwOverviewPage *self);

G_END_DECLS
