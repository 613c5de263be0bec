/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-trading-format.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "tw-ui-util.h"

#define MINUS_SIGN "\342\210\222"   /* U+2212, easier to see than a hyphen */

/* Half a cent: what rounds to "0.00" has no sign. */
#define EPSILON 0.005

char *
tw_trading_format_money (double value)
{
  if (fabs (value) < EPSILON)
    value = 0;
  if (value < 0)
    return g_strdup_printf (MINUS_SIGN "%'.2f", -value);
  return g_strdup_printf ("%'.2f", value);
}

char *
tw_trading_format_signed_money (double value)
{
  if (fabs (value) < EPSILON)
    return g_strdup_printf ("%'.2f", 0.0);
  if (value < 0)
    return g_strdup_printf (MINUS_SIGN "%'.2f", -value);
  return g_strdup_printf ("+%'.2f", value);
}

char *
tw_trading_format_signed_percent (double percent)
{
  if (fabs (percent) < EPSILON)
    return g_strdup_printf ("%'.2f %%", 0.0);
  if (percent < 0)
    return g_strdup_printf (MINUS_SIGN "%'.2f %%", -percent);
  return g_strdup_printf ("+%'.2f %%", percent);
}

char *
tw_trading_format_qty (double qty)
{
  char *text;
  char *end;

  if (fabs (qty - round (qty)) < 1e-9)
    {
      if (qty < 0)
        return g_strdup_printf (MINUS_SIGN "%'.0f", -qty);
      return g_strdup_printf ("%'.0f", qty);
    }
  text = qty < 0 ? g_strdup_printf (MINUS_SIGN "%'.4f", -qty) : g_strdup_printf ("%'.4f", qty);
  /* Trailing zeros of the fraction say nothing. */
  end = text + strlen (text) - 1;
  while (end > text && *end == '0')
    *end-- = '\0';
  return text;
}

char *
tw_trading_format_age (gint64 seconds)
{
  if (seconds < 0)
    return g_strdup ("—");
  if (seconds < 60)
    /* Translators: an order's age in seconds */
    return g_strdup_printf (_("%d s"), (int) seconds);
  if (seconds < 3600)
    /* Translators: an order's age in minutes, e.g. "12 min" */
    return g_strdup_printf (_("%d min"), (int) (seconds / 60));
  /* Translators: an order's age in hours and minutes, e.g. "2 h 05 min" */
  return g_strdup_printf (_("%d h %02d min"), (int) (seconds / 3600), (int) (seconds % 3600 / 60));
}

const char *
tw_trading_pl_icon (double value)
{
  if (value >= EPSILON)
    return "go-up-symbolic";
  if (value <= -EPSILON)
    return "go-down-symbolic";
  return "list-remove-symbolic";
}

const char *
tw_trading_pl_style (double value)
{
  if (value >= EPSILON)
    return "success";
  if (value <= -EPSILON)
    return "error";
  return NULL;
}

void
tw_trading_show_pl (GtkImage   *image,
                    GtkLabel   *label,
                    double      value,
                    const char *text)
{
  const char *style = tw_trading_pl_style (value);

  gtk_image_set_from_icon_name (image, tw_trading_pl_icon (value));
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  value >= EPSILON ? _("Gain")
                                  : value <= -EPSILON ? _("Loss") : _("Flat"), -1);
  gtk_label_set_text (label, text);
  tw_ui_set_status_style (GTK_WIDGET (image), style);
  tw_ui_set_status_style (GTK_WIDGET (label), style);
}
