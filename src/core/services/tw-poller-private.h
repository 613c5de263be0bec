/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-poller.h"

G_BEGIN_DECLS

/* For tests. Every running poller of a main context shares one timer source: how many the
 * pollers of @context (NULL: the global default) use now, 0 or 1. */
guint      tw_poller_count_scheduler_sources  (GMainContext *context);

G_END_DECLS
