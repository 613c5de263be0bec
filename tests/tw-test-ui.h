/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Main-loop stall meter: a 5 ms timeout recording the largest gap beyond its period. */
typedef struct _TwStallMeter TwStallMeter;

TwStallMeter *tw_test_stall_meter_start    (void);
/* Pauses around work of the test itself (rendering a screenshot) that is not the app's. */
void          tw_test_stall_meter_pause    (TwStallMeter  *meter);
void          tw_test_stall_meter_resume   (TwStallMeter  *meter);
/* The largest stall seen so far, in µs: the main loop late, less the time its thread
 * waited for a CPU (/proc/thread-self/schedstat), so a loaded machine is not counted. */
gint64        tw_test_stall_meter_get_max  (TwStallMeter  *meter);
/* The same before taking off the time the main thread waited for a CPU. */
gint64        tw_test_stall_meter_get_max_raw (TwStallMeter *meter);
void          tw_test_stall_meter_free     (TwStallMeter  *meter);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TwStallMeter, tw_test_stall_meter_free)

typedef gboolean (*TwTestCondition) (gpointer user_data);

/* Iterates the default main context until @condition holds or @timeout_ms passes;
 * returns whether it holds. */
gboolean      tw_test_ui_wait_for          (TwTestCondition  condition,
                                            gpointer         user_data,
                                            guint            timeout_ms);
/* Queues a draw of @widget's surface and waits until a frame is painted. */
gboolean      tw_test_ui_wait_frame        (GtkWidget       *widget,
                                            guint            timeout_ms);
/* Renders @widget (a window) with its own renderer into $TW_SCREENSHOT_DIR/@name
 * (created if needed; a temporary folder when unset). Returns (transfer full) the path. */
char         *tw_test_ui_save_png          (GtkWidget       *widget,
                                            const char      *name);
/* Asserts every icon-only button under @root has an accessible label; returns how many
 * such buttons it checked. */
guint         tw_test_ui_assert_icon_buttons_labelled (GtkWidget *root);

G_END_DECLS
