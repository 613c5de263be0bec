/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The application's preferences: every operator-facing GSettings key of the schema
 * (poll interval, notification rate limit, run in background, stuck-order threshold),
 * each bound to its key with g_settings_bind, so a change applies at once and a change
 * made elsewhere shows here. The window's size and the last profile are remembered by
 * the window itself and are not preferences. */
#define TW_TYPE_PREFERENCES_WINDOW (tw_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (TwPreferencesWindow, tw_preferences_window, TW, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* @settings: the application's io.github.tradewarden.TradeWarden settings. */
GtkWidget  *tw_preferences_window_new           (GtkWindow           *parent,
                                                 GSettings           *settings);

G_END_DECLS
