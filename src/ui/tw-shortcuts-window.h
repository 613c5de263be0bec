/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkWindow *tw_shortcuts_window_present (GtkWindow *parent);
GtkWindow *tw_shortcuts_window_get     (GtkWindow *parent);

G_END_DECLS
