/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-window.h"

G_BEGIN_DECLS

/* The window's links from one page into another (tw-window-links.c):
 *   win.show-service (ss): a service's page at a section ("trades", "rate-limits",
 *     "models", "security", "metrics", "orders", "clock"; "" its top) — the guard's
 *     "Recent trades reviewed" links here;
 *   win.show-logs-for-correlation (s): the Logs page filtered to a correlation id. */
void _tw_window_add_link_actions (TwWindow *self);

G_END_DECLS
