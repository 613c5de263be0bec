/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The numbers of the Positions and Orders pages: money, signed P/L, percentages and
 * quantities in the locale's grouping, ages, and the P/L's icon, colour and accessible
 * direction (never colour alone). Needs en_US.UTF-8 and de_DE.UTF-8: `build-aux/run deps`
 * installs them (locales-all). */
#include "config.h"

#include <locale.h>
#include <gtk/gtk.h>

#include "tw-trading-format.h"

#define MINUS "\342\210\222"   /* U+2212 */

static void
use_numeric_locale (const char *name)
{
  if (setlocale (LC_NUMERIC, name) == NULL)
    g_error ("The locale %s is missing: `build-aux/run deps` installs it (package locales-all)", name);
}

static void
assert_format (char       *text,
               const char *expected)
{
  g_assert_cmpstr (text, ==, expected);
  g_free (text);
}

static void
test_grouping_en (void)
{
  use_numeric_locale ("en_US.UTF-8");

  assert_format (tw_trading_format_money (1234567.891), "1,234,567.89");
  assert_format (tw_trading_format_money (9115), "9,115.00");
  assert_format (tw_trading_format_money (-1234.5), MINUS "1,234.50");
  assert_format (tw_trading_format_money (999.994), "999.99");
  /* What rounds to zero has no sign. */
  assert_format (tw_trading_format_money (-0.004), "0.00");

  assert_format (tw_trading_format_signed_money (105), "+105.00");
  assert_format (tw_trading_format_signed_money (1234.5), "+1,234.50");
  assert_format (tw_trading_format_signed_money (-12.4), MINUS "12.40");
  assert_format (tw_trading_format_signed_money (-25000), MINUS "25,000.00");
  assert_format (tw_trading_format_signed_money (0.004), "0.00");
  assert_format (tw_trading_format_signed_money (-0.004), "0.00");

  assert_format (tw_trading_format_signed_percent (1.17), "+1.17 %");
  assert_format (tw_trading_format_signed_percent (-0.42), MINUS "0.42 %");
  assert_format (tw_trading_format_signed_percent (0), "0.00 %");
  assert_format (tw_trading_format_signed_percent (1250), "+1,250.00 %");

  assert_format (tw_trading_format_qty (50), "50");
  assert_format (tw_trading_format_qty (-15), MINUS "15");
  assert_format (tw_trading_format_qty (0.5), "0.5");
  assert_format (tw_trading_format_qty (2.25), "2.25");
  assert_format (tw_trading_format_qty (12000), "12,000");
  assert_format (tw_trading_format_qty (-1500.125), MINUS "1,500.125");
}

/* Not hard-wired to commas: another locale, another grouping and decimal mark. */
static void
test_grouping_de (void)
{
  use_numeric_locale ("de_DE.UTF-8");

  assert_format (tw_trading_format_money (1234567.891), "1.234.567,89");
  assert_format (tw_trading_format_signed_money (-12.4), MINUS "12,40");
  assert_format (tw_trading_format_signed_percent (1.17), "+1,17 %");
  assert_format (tw_trading_format_qty (12000), "12.000");
  assert_format (tw_trading_format_qty (0.5), "0,5");

  /* And the C locale has no grouping at all. */
  use_numeric_locale ("C");
  assert_format (tw_trading_format_money (1234567.891), "1234567.89");
  use_numeric_locale ("en_US.UTF-8");
}

/* Broker and API words in one style, whatever their spelling. */
static void
test_broker_words (void)
{
  static const struct { const char *raw; const char *shown; } words[] = {
    { "buy", "Buy" }, { "BUY", "Buy" }, { "BOT", "Buy" }, { "sell", "Sell" }, { "SLD", "Sell" },
    { "limit", "Limit" }, { "LMT", "Limit" }, { "market", "Market" }, { "MKT", "Market" },
    { "STP LMT", "Stop limit" }, { "partially_filled", "Partially filled" },
    { "PENDING_APPROVAL", "Pending approval" }, { "accepted", "Accepted" },
    { "cancelled", "Canceled" }, { "done_for_day", "Done for day" }, { "SOMETHING_NEW", "Something new" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      g_autofree char *shown = tw_trading_format_broker_word (words[i].raw);

      g_assert_cmpstr (shown, ==, words[i].shown);
    }
  g_assert_null (tw_trading_format_broker_word (NULL));
  g_assert_null (tw_trading_format_broker_word (""));
}

static void
test_age (void)
{
  assert_format (tw_trading_format_age (-1), "—");
  assert_format (tw_trading_format_age (0), "0 s");
  assert_format (tw_trading_format_age (45), "45 s");
  assert_format (tw_trading_format_age (59), "59 s");
  assert_format (tw_trading_format_age (60), "1 min");
  assert_format (tw_trading_format_age (720), "12 min");
  assert_format (tw_trading_format_age (7500), "2 h 05 min");
}

static void
test_pl_icon (void)
{
  g_assert_cmpstr (tw_trading_pl_icon (105), ==, "go-up-symbolic");
  g_assert_cmpstr (tw_trading_pl_icon (0.005), ==, "go-up-symbolic");
  g_assert_cmpstr (tw_trading_pl_icon (-12.4), ==, "go-down-symbolic");
  g_assert_cmpstr (tw_trading_pl_icon (-0.005), ==, "go-down-symbolic");
  /* What shows as 0.00 is level, whatever its sign before rounding. */
  g_assert_cmpstr (tw_trading_pl_icon (0), ==, "list-remove-symbolic");
  g_assert_cmpstr (tw_trading_pl_icon (0.004), ==, "list-remove-symbolic");
  g_assert_cmpstr (tw_trading_pl_icon (-0.004), ==, "list-remove-symbolic");

  g_assert_cmpstr (tw_trading_pl_style (105), ==, "success");
  g_assert_cmpstr (tw_trading_pl_style (-12.4), ==, "error");
  g_assert_null (tw_trading_pl_style (0.004));
}

/* tw_trading_show_pl: icon, text, colour on both, and the direction in words for a
 * screen reader; a second value in the same direction keeps the style, a new one swaps it. */
static void
test_show_pl (void)
{
  GtkWidget *image = g_object_ref_sink (gtk_image_new ());
  GtkWidget *label = g_object_ref_sink (gtk_label_new (NULL));

  tw_trading_show_pl (GTK_IMAGE (image), GTK_LABEL (label), -12.4, MINUS "12.40");
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (image)), ==, "go-down-symbolic");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, MINUS "12.40");
  g_assert_true (gtk_widget_has_css_class (image, "error"));
  g_assert_true (gtk_widget_has_css_class (label, "error"));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, "Loss");

  tw_trading_show_pl (GTK_IMAGE (image), GTK_LABEL (label), -40, MINUS "40.00");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, MINUS "40.00");
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (image)), ==, "go-down-symbolic");

  tw_trading_show_pl (GTK_IMAGE (image), GTK_LABEL (label), 105, "+105.00");
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (image)), ==, "go-up-symbolic");
  g_assert_true (gtk_widget_has_css_class (image, "success"));
  g_assert_false (gtk_widget_has_css_class (image, "error"));
  g_assert_true (gtk_widget_has_css_class (label, "success"));
  g_assert_false (gtk_widget_has_css_class (label, "error"));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, "Gain");

  tw_trading_show_pl (GTK_IMAGE (image), GTK_LABEL (label), 0.001, "0.00");
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (image)), ==, "list-remove-symbolic");
  g_assert_false (gtk_widget_has_css_class (image, "success"));
  g_assert_false (gtk_widget_has_css_class (label, "success"));
  g_assert_false (gtk_widget_has_css_class (label, "error"));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, "Flat");

  g_assert_finalize_object (image);
  g_assert_finalize_object (label);
}

int
main (int   argc,
      char *argv[])
{
  /* Untranslated strings, whatever the caller's LANG. */
  g_setenv ("LANGUAGE", "C", TRUE);
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tw/ui/trading-format/grouping-en", test_grouping_en);
  g_test_add_func ("/tw/ui/trading-format/broker-words", test_broker_words);
  g_test_add_func ("/tw/ui/trading-format/grouping-de", test_grouping_de);
  g_test_add_func ("/tw/ui/trading-format/age", test_age);
  g_test_add_func ("/tw/ui/trading-format/pl-icon", test_pl_icon);
  g_test_add_func ("/tw/ui/trading-format/show-pl", test_show_pl);

  return g_test_run ();
}
