/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A row of the window's sidebar: a page's icon, its title, and a badge when something
 * on the page needs the operator. */
GtkWidget  *tw_page_row_new        (const char    *id,
                                    const char    *title,
                                    const char    *icon_name);
const char *tw_page_row_get_id     (GtkListBoxRow *row);
/* @text NULL hides the badge; @style one of tw_ui_set_status_style()'s; @description
 * its tooltip and, after the page's title, what a screen reader hears of the row. */
void        tw_page_row_set_badge  (GtkListBoxRow *row,
                                    const char    *text,
                                    const char    *style,
                                    const char    *description);
/* The badge's text, NULL when it is hidden */
const char *tw_page_row_get_badge  (GtkListBoxRow *row);

G_END_DECLS
