/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-breakers-page.h"

G_BEGIN_DECLS

/* For tests: what the widget shows, and the operator's hand. */

/* (nullable) the failure row's text while it is shown */
const char          *tw_breakers_page_get_halt_failure   (TwBreakersPage *self);
/* (transfer none) (nullable) */
TwTradingStateGroup *tw_breakers_page_get_group          (TwBreakersPage *self,
                                                          const char     *service_id);
guint                tw_breakers_page_get_n_groups       (TwBreakersPage *self);
/* (transfer none) (nullable) the guard dialog opened by the last guarded action, while open */
GtkWidget           *tw_breakers_page_get_guard_dialog   (TwBreakersPage *self);
/* (nullable) the last result shown as a toast */
const char          *tw_breakers_page_get_last_result    (TwBreakersPage *self);

G_END_DECLS
