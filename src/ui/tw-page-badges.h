/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-window.h"

G_BEGIN_DECLS

/* What the window's sidebar badges say, from a session: on Breakers the breakers tripped
 * and a Halt All that failed ("!"), on the Overview the services unreachable, in error or
 * refusing their credentials. Counted once per burst of poll answers (an idle), and set
 * with tw_window_set_page_badge. */
#define TW_TYPE_PAGE_BADGES (tw_page_badges_get_type ())
G_DECLARE_FINAL_TYPE (TwPageBadges, tw_page_badges, TW, PAGE_BADGES, GObject)

/* @window: not referenced (the window owns the badges). */
TwPageBadges *tw_page_badges_new         (TwWindow     *window);
void          tw_page_badges_set_session (TwPageBadges *self,
                                          TwSession    *session);

G_END_DECLS
