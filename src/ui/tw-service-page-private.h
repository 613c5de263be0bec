/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-service-page.h"

G_BEGIN_DECLS

/* tw-service-page-rows.c: the rows of each section, and formatting */
GtkListBoxCreateWidgetFunc _tw_service_page_row_factory      (guint       section);
/* "NaN", "+Inf", "−Inf", whole numbers without decimals, else 6 significant digits */
char                      *_tw_service_page_format_number    (double      value);
/* An RFC 3339 time as the console shows times; the text itself when it is not one;
 * NULL for NULL */
char                      *_tw_service_page_format_iso_time  (const char *text);
GtkWidget                 *_tw_service_page_new_row          (const char *title,
                                                              const char *subtitle);
GtkWidget                 *_tw_service_page_suffix_label     (GtkWidget  *row,
                                                              const char *text,
                                                              const char *style);

G_END_DECLS
