/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-preferences-window.h"

G_BEGIN_DECLS

/* For tests: what the widget shows, and the operator's hand. */

/* The widget that edits @key (a GtkSpinButton or a GtkSwitch), or NULL; for tests. */
GtkWidget  *tw_preferences_window_get_editor    (TwPreferencesWindow *self,
                                                 const char          *key);

G_END_DECLS
