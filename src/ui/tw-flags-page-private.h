/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-flags-page.h"

G_BEGIN_DECLS

/* For tests. */

/* (nullable) (transfer none) the guard dialog of the change under way */
GtkWidget  *tw_flags_page_get_guard_dialog (TwFlagsPage *self);
/* (nullable) (transfer none) the row of a flag, and its switch (NULL for a number) */
GtkWidget  *tw_flags_page_get_row          (TwFlagsPage *self,
                                            const char  *service_id,
                                            const char  *name);
GtkWidget  *tw_flags_page_get_search_entry (TwFlagsPage *self);
GtkWidget  *tw_flags_page_get_switch       (TwFlagsPage *self,
                                            const char  *service_id,
                                            const char  *name);

G_END_DECLS
