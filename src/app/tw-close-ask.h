/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The first time the window is closed with a profile open, the operator is asked whether
 * Trade Warden keeps watching in the background (and how to quit then) or quits. The
 * answer is the "run-in-background" setting, written: a setting the operator (or the
 * Preferences) ever wrote is never asked about again. */

/* TRUE when "run-in-background" was never written. */
gboolean   tw_close_ask_needed  (GSettings *settings);
/* Presents the question over @window; the answer written, the window is closed again
 * (Cancel keeps it open and asks the next time). Returns the dialog. (transfer none) */
GtkWidget *tw_close_ask_present (GtkWindow *window,
                                 GSettings *settings);

G_END_DECLS
