/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Numbers of the Positions and Orders pages, formatted for the user's locale (digit
 * grouping as LC_NUMERIC says). Every function returns (transfer full). */

/* "9,115.00" */
char       *tw_trading_format_money          (double      value);
/* "+105.00", "−12.40", "0.00": a P/L always carries its sign. */
char       *tw_trading_format_signed_money   (double      value);
/* "+1.17 %", "−0.42 %" (@percent already × 100). */
char       *tw_trading_format_signed_percent (double      percent);
/* "50", "−15", "0.5": whole numbers without decimals, else up to four. */
char       *tw_trading_format_qty            (double      qty);
/* A broker's or API's word in one style, translated: "buy"/"BUY"/"BOT" → "Buy",
 * "limit"/"LMT" → "Limit", "partially_filled" → "Partially filled", "PENDING_APPROVAL" →
 * "Pending approval"; a word it does not know is spelled the same way ("done_for_day" →
 * "Done for day"). NULL or "" → NULL. The one mapping for every page and dialog. */
char       *tw_trading_format_broker_word    (const char *word);
/* "45 s", "12 min", "2 h 05 min", "—" when unknown (negative). */
char       *tw_trading_format_age            (gint64      seconds);
/* The icon that goes with a P/L: up, down, or a level dash. Never colour alone. */
const char *tw_trading_pl_icon               (double      value);
/* "success", "error" or NULL: the colour added to the sign and the icon. */
const char *tw_trading_pl_style              (double      value);
/* Shows a P/L in @image and @label: icon, signed text, colour class, and an accessible
 * description of the direction. @text: the formatted value. */
void        tw_trading_show_pl               (GtkImage   *image,
                                              GtkLabel   *label,
                                              double      value,
                                              const char *text);

G_END_DECLS
