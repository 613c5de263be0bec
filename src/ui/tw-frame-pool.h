/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

cairo_surface_t *tw_frame_pool_hold (GtkWidget *window);

G_END_DECLS
