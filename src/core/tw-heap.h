/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What tw_heap_warm () keeps ready before a profile opens: the session's new objects
 * (about 2 MB for 200 services) and the window's next whole frame (3 MB at 1000×720). */
#define TW_HEAP_OPENING_RESERVE (8 << 20)

void     tw_heap_init     (void);
void     tw_heap_warm     (gsize    reserve);
gboolean tw_heap_populate (gpointer start,
                           gsize    length);

G_END_DECLS
