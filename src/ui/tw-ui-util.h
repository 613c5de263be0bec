/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-enums.h"
#include "tw-risk-enums.h"

G_BEGIN_DECLS

/* How a state is shown: always an icon AND a word, never colour alone. */
const char *tw_ui_service_state_icon  (TwServiceState  state);
/* Translated word ("OK", "Unreachable", …). */
const char *tw_ui_service_state_label (TwServiceState  state);
/* "success", "warning", "error" or NULL. */
const char *tw_ui_service_state_style (TwServiceState  state);
const char *tw_ui_health_icon         (TwHealth        health);
const char *tw_ui_health_label        (TwHealth        health);
const char *tw_ui_health_style        (TwHealth        health);
/* One colour per trading state, on every page: HALTED "error" (red), REDUCING "warning",
 * ACTIVE "success", unknown none. */
const char *tw_ui_trading_mode_style  (TwTradingMode   mode);

/* Replaces any of the success/warning/error/accent classes of @widget by @style (nullable).
 * Those classes of @widget are set through it only: it does nothing when @style is the
 * one it set last. */
void        tw_ui_set_status_style    (GtkWidget      *widget,
                                       const char     *style);
/* The style tw_ui_set_status_style() last set on @widget, NULL for none. */
const char *tw_ui_get_status_style    (GtkWidget      *widget);
/* gtk_image_set_from_icon_name() (@icon_name nullable: no icon), only when @image does
 * not show that icon already: GTK 4.8 resets the image, and so lays out and redraws
 * it, even for the same name, which every answer's update did on every row. */
void        tw_ui_set_icon_name       (GtkImage       *image,
                                       const char     *icon_name);
/* gtk_widget_set_tooltip_text(), only when the text differs, and without asking the
 * display for a widget not on screen: GTK 4.8 asks where the pointer is (two round
 * trips to the X server) on every call for a visible widget, which the Positions and
 * Orders cells paid for each position an answer brought again, and the Overview's
 * rows three or four times each as they were built. */
void        tw_ui_set_tooltip_text    (GtkWidget      *widget,
                                       const char     *text);
/* The toast of an action's result: a success goes after 5 s, a failure stays in front
 * until dismissed, so it is not missed. (transfer full) */
AdwToast   *tw_ui_result_toast_new    (const char     *text,
                                       gboolean        ok);
/* "38 ms"; NULL when unknown (negative). */
char       *tw_ui_format_latency      (double          latency_ms);
/* "3 s ago", "4 min ago", "5 h ago", "3 days ago". (transfer full) */
char       *tw_ui_format_ago          (gint64          seconds);
/* "updated 3 s ago", "no answer yet", "stale — updated 4 min ago". */
char       *tw_ui_format_age          (gint64          age_seconds,
                                       gboolean        stale);

/* "since 14:02, 3 min ago" (local time; the date too when not today). (transfer full) */
char       *tw_ui_format_since        (GDateTime      *when);
/* "14:02:07" today, "2026-03-01 14:02:07" otherwise, local time. (transfer full) */
char       *tw_ui_format_time         (GDateTime      *when);

/* The app's GSettings, or NULL when the schema is not installed (then callers use
 * defaults). (transfer full) */
GSettings  *tw_ui_settings_new        (void);

typedef void (*TwUiUpdateFunc) (gpointer widget);

/* Runs @func (@widget) now when @widget is mapped, else once when it is next mapped
 * (however many times it was asked meanwhile): widgets off screen do no work per poll
 * answer. One @func per widget. */
void        tw_ui_update_when_mapped  (GtkWidget      *widget,
                                       TwUiUpdateFunc  func);
/* Runs the update @widget is waiting for, if any: for getters that report what it shows. */
void        tw_ui_flush_update        (GtkWidget      *widget);

/* Works around GTK 4.8 giving labelled buttons and check buttons their label twice as
 * accessible name (once with its mnemonic underscore). Once per process, before windows
 * are shown. */
void        tw_ui_fix_accessible_labels (void);

/* Draws @layout offscreen once: its font and glyphs warmed for a first frame. */
void        tw_ui_warm_layout         (PangoLayout    *layout);

G_END_DECLS
