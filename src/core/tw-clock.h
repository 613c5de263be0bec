/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GDateTime *tw_date_time_new_now_local (void);

GSource   *tw_ready_time_source_new   (GMainContext   *context,
                                       const char     *static_name,
                                       GSourceFunc     func,
                                       gpointer        data,
                                       GDestroyNotify  notify);

guint      tw_timer_add               (guint           interval_ms,
                                       guint           first_ms,
                                       GSourceFunc     func,
                                       gpointer        data);
void       tw_timer_remove            (guint           id);
guint      tw_timer_count             (void);

G_END_DECLS
