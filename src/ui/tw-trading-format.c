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

static const struct
{
  const char *word;     /* lower case, spaces as underscores */
  const char *label;
} broker_words[] = {
  /* Translators: a side, order type or status as a broker or service sends it */
  { "buy", NC_("broker", "Buy") },
  { "bot", NC_("broker", "Buy") },
  { "sell", NC_("broker", "Sell") },
  { "sld", NC_("broker", "Sell") },
  { "sell_short", NC_("broker", "Sell short") },
  { "long", NC_("broker", "Long") },
  { "short", NC_("broker", "Short") },
  { "market", NC_("broker", "Market") },
  { "mkt", NC_("broker", "Market") },
  { "limit", NC_("broker", "Limit") },
  { "lmt", NC_("broker", "Limit") },
  { "stop", NC_("broker", "Stop") },
  { "stp", NC_("broker", "Stop") },
  { "stop_limit", NC_("broker", "Stop limit") },
  { "stp_lmt", NC_("broker", "Stop limit") },
  { "trailing_stop", NC_("broker", "Trailing stop") },
  { "trail", NC_("broker", "Trailing stop") },
  { "new", NC_("broker", "New") },
  { "accepted", NC_("broker", "Accepted") },
  { "pending", NC_("broker", "Pending") },
  { "pending_new", NC_("broker", "Pending new") },
  { "pendingsubmit", NC_("broker", "Pending submit") },
  { "presubmitted", NC_("broker", "Pre-submitted") },
  { "submitted", NC_("broker", "Submitted") },
  { "partially_filled", NC_("broker", "Partially filled") },
  { "filled", NC_("broker", "Filled") },
  { "held", NC_("broker", "Held") },
  { "canceled", NC_("broker", "Canceled") },
  { "cancelled", NC_("broker", "Canceled") },
  { "pending_cancel", NC_("broker", "Pending cancel") },
  { "rejected", NC_("broker", "Rejected") },
  { "expired", NC_("broker", "Expired") },
  { "replaced", NC_("broker", "Replaced") },
  { "done_for_day", NC_("broker", "Done for day") },
  { "pending_approval", NC_("broker", "Pending approval") },
  { "approved", NC_("broker", "Approved") },
  { "paper", NC_("broker", "Paper") },
  { "live", NC_("broker", "Live") },
};

char *
tw_trading_format_broker_word (const char *word)
{
  g_autofree char *key = NULL;
  char *label;

  if (word == NULL || *word == '\0')
    return NULL;
  key = g_ascii_strdown (word, -1);
  g_strstrip (key);
  g_strdelimit (key, " -", '_');
  for (guint i = 0; i < G_N_ELEMENTS (broker_words); i++)
    if (g_str_equal (key, broker_words[i].word))
      return g_strdup (g_dpgettext2 (NULL, "broker", broker_words[i].label));

  /* Not known: spelled the same way, "done_for_day" → "Done for day". */
  label = g_strdelimit (g_strdup (key), "_", ' ');
  label[0] = g_ascii_toupper (label[0]);
  return label;
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
  static GQuark direction_quark;
  int direction = value >= EPSILON ? 1 : value <= -EPSILON ? -1 : 0;
  const char *style = tw_trading_pl_style (value);

  if (direction_quark == 0)
    direction_quark = g_quark_from_static_string ("tw-pl-direction");
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
  /* A refresh changes thousands of values, rarely their direction: only then restyle. */
  if (GPOINTER_TO_INT (g_object_get_qdata (G_OBJECT (image), direction_quark)) == direction + 2)
    return;
  g_object_set_qdata (G_OBJECT (image), direction_quark, GINT_TO_POINTER (direction + 2));
  tw_ui_set_icon_name (image, tw_trading_pl_icon (value));
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  direction > 0 ? _("Gain") : direction < 0 ? _("Loss") : _("Flat"), -1);
  tw_ui_set_status_style (GTK_WIDGET (image), style);
  tw_ui_set_status_style (GTK_WIDGET (label), style);
}
