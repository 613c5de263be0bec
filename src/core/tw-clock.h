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

G_END_DECLS
