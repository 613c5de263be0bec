/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "tw-component.h"
#include "tw-service-page-private.h"
#include "tw-trading-format.h"
#include "tw-ui-util.h"

/* The rows of a service page's sections, one builder per section, and the page's
 * formatting of numbers and times. */

char *
_tw_service_page_format_number (double value)
{
  if (isnan (value))
    return g_strdup ("NaN");
  if (isinf (value))
    return g_strdup (value > 0 ? "+Inf" : "−Inf");
  if (value == floor (value) && fabs (value) < 1e15)
    return g_strdup_printf ("%.0f", value);
  return g_strdup_printf ("%.6g", value);
}

char *
_tw_service_page_format_iso_time (const char *text)
{
  g_autoptr(GDateTime) when = NULL;

  if (text == NULL)
    return NULL;
  when = g_date_time_new_from_iso8601 (text, NULL);
  return when != NULL ? tw_ui_format_time (when) : g_strdup (text);
}

GtkWidget *
_tw_service_page_new_row (const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title != NULL ? title : "");
  if (subtitle != NULL && *subtitle != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

GtkWidget *
_tw_service_page_suffix_label (GtkWidget  *row,
              const char *text,
              const char *style)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  gtk_widget_add_css_class (label, "numeric");
  if (style != NULL)
    gtk_widget_add_css_class (label, style);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return label;
}

static void
flag_row (GtkWidget  *row,
          const char *style)
{
  if (style != NULL)
    gtk_widget_add_css_class (row, style);
}

/* ---- rows ---- */

static GtkWidget *
create_component_row (gpointer item,
                      gpointer user_data)
{
  TwComponent *component = item;
  const char *detail = tw_component_get_detail (component);
  const char *status = tw_component_get_status (component);
  g_autofree char *latency = tw_ui_format_latency (tw_component_get_latency_ms (component));
  g_autofree char *subtitle = NULL;
  TwHealth health = tw_component_get_health (component);
  GtkWidget *row, *icon;

  if (detail != NULL && status != NULL)
    subtitle = g_strdup_printf ("%s — %s", status, detail);
  else
    subtitle = g_strdup (detail != NULL ? detail : status);
  row = _tw_service_page_new_row (tw_component_get_name (component), subtitle);
  icon = gtk_image_new_from_icon_name (tw_ui_health_icon (health));
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  tw_ui_health_label (health), -1);
  tw_ui_set_status_style (icon, tw_ui_health_style (health));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  if (latency != NULL)
    _tw_service_page_suffix_label (row, latency, "dim-label");
  if (health == TW_HEALTH_DOWN || health == TW_HEALTH_DEGRADED)
    flag_row (row, health == TW_HEALTH_DOWN ? "error" : "warning");
  return row;
}

static GtkWidget *
create_metric_row (gpointer item,
                   gpointer user_data)
{
  TwDetailItem *metric = item;
  const char *labels = tw_detail_item_get_string (metric, "labels");
  const char *message = tw_detail_item_get_string (metric, "message");
  const char *status = tw_detail_item_get_string (metric, "status");
  const char *kind = tw_detail_item_get_string (metric, "kind");
  double value = tw_detail_item_get_number (metric, "value");
  g_autofree char *number = NULL;
  GtkWidget *row;

  row = _tw_service_page_new_row (tw_detail_item_get_name (metric), labels != NULL && *labels != '\0' ? labels : message);
  if (kind != NULL)
    _tw_service_page_suffix_label (row, kind, "dim-label");
  number = !isnan (value) || status == NULL ? _tw_service_page_format_number (value) : g_strdup (status);
  _tw_service_page_suffix_label (row, number, NULL);
  return row;
}

static GtkWidget *
create_rate_row (gpointer item,
                 gpointer user_data)
{
  TwDetailItem *limit = item;
  double fraction = tw_detail_item_get_fraction (limit);
  double used = tw_detail_item_get_number (limit, "used");
  double max = tw_detail_item_get_number (limit, "limit");
  double remaining = tw_detail_item_get_number (limit, "remaining");
  g_autofree char *reset = _tw_service_page_format_iso_time (tw_detail_item_get_string (limit, "reset-at"));
  g_autofree char *used_text = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *percent = NULL;
  gboolean warn = !isnan (fraction) && fraction > TW_RATE_LIMIT_WARNING;
  GtkWidget *row, *bar;

  if (isnan (used) && !isnan (max) && !isnan (remaining))
    used = max - remaining;
  if (!isnan (used) && !isnan (max))
    /* Translators: rate-limit usage, e.g. "22 of 30 requests used" */
    used_text = g_strdup_printf (_("%.0f of %.0f requests used"), used, max);
  else
    used_text = g_strdup (_("Usage not reported"));
  if (reset != NULL)
    /* Translators: "22 of 30 requests used · resets 14:02:00" */
    subtitle = g_strdup_printf (_("%s · resets %s"), used_text, reset);
  else
    subtitle = g_steal_pointer (&used_text);

  row = _tw_service_page_new_row (tw_detail_item_get_name (limit), subtitle);
  bar = gtk_level_bar_new_for_interval (0, 1);
  /* The accent colour up to 80 %, the warning colour above (004: "Rate limit usage >
   * 80%", style.css); no offsets, whose colours say the opposite of a quota's. */
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), isnan (fraction) ? 0 : CLAMP (fraction, 0, 1));
  gtk_widget_set_size_request (bar, 160, -1);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  tw_detail_item_get_name (limit), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), bar);
  percent = isnan (fraction) ? g_strdup ("—") : g_strdup_printf ("%.0f %%", fraction * 100);
  _tw_service_page_suffix_label (row, percent, warn ? "warning" : NULL);
  if (warn)
    {
      gtk_widget_add_css_class (bar, "tw-rate-warning");
      flag_row (row, "warning");
    }
  /* 001: one provider's quota reset (guarded: only when the exchange already blocks). */
  if (TW_IS_SERVICE_PAGE (user_data) && _tw_service_page_can_reset (user_data, TRUE))
    {
      GtkWidget *button = gtk_button_new_with_label (_("Reset…"));
      g_autofree char *label = g_strdup_printf (_("Reset the quota of %s"), tw_detail_item_get_name (limit));

      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "service.reset-quota");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", tw_detail_item_get_name (limit));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  return row;
}

static GtkWidget *
create_check_row (gpointer item,
                  gpointer user_data)
{
  TwDetailItem *check = item;
  TwHealth health = tw_detail_item_get_health (check);
  const char *severity = tw_detail_item_get_string (check, "kind");
  const char *status = tw_detail_item_get_string (check, "status");
  GtkWidget *row, *icon;
  const char *verdict;

  row = _tw_service_page_new_row (tw_detail_item_get_name (check), tw_detail_item_get_string (check, "message"));
  icon = gtk_image_new_from_icon_name (tw_ui_health_icon (health));
  tw_ui_set_status_style (icon, tw_ui_health_style (health));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  if (severity != NULL)
    _tw_service_page_suffix_label (row, severity, "dim-label");
  if (health == TW_HEALTH_OK)
    verdict = _("Passes");
  else if (health == TW_HEALTH_DOWN)
    verdict = _("Fails");
  else
    verdict = status != NULL ? status : _("Unknown");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, verdict, -1);
  _tw_service_page_suffix_label (row, verdict, tw_ui_health_style (health));
  if (health == TW_HEALTH_DOWN)
    flag_row (row, "error");
  return row;
}

static GtkWidget *
create_trade_row (gpointer item,
                  gpointer user_data)
{
  TwDetailItem *trade = item;
  const char *symbol = tw_detail_item_get_string (trade, "symbol");
  const char *side = tw_detail_item_get_string (trade, "side");
  double qty = tw_detail_item_get_number (trade, "qty");
  double price = tw_detail_item_get_number (trade, "price");
  double pnl = tw_detail_item_get_number (trade, "pnl");
  g_autofree char *when = _tw_service_page_format_iso_time (tw_detail_item_get_string (trade, "time"));
  g_autoptr(GString) title = g_string_new (symbol != NULL ? symbol : tw_detail_item_get_name (trade));
  GtkWidget *row;

  if (side != NULL)
    g_string_append_printf (title, " · %s", side);
  if (!isnan (qty))
    {
      g_autofree char *q = tw_trading_format_qty (qty);

      g_string_append_printf (title, " %s", q);
    }
  if (!isnan (price))
    {
      g_autofree char *p = tw_trading_format_money (price);

      g_string_append_printf (title, " @ %s", p);
    }
  row = _tw_service_page_new_row (title->str, when);
  if (!isnan (pnl))
    {
      g_autofree char *text = tw_trading_format_signed_money (pnl);

      _tw_service_page_suffix_label (row, text, tw_trading_pl_style (pnl));
    }
  return row;
}

static GtkWidget *
create_model_row (gpointer item,
                  gpointer user_data)
{
  TwDetailItem *model = item;
  TwHealth health = tw_detail_item_get_health (model);
  const char *version = tw_detail_item_get_string (model, "version");
  const char *message = tw_detail_item_get_string (model, "message");
  double accuracy = tw_detail_item_get_number (model, "accuracy");
  g_autoptr(GString) subtitle = g_string_new (NULL);
  GtkWidget *row;

  if (version != NULL)
    /* Translators: a model's version */
    g_string_append_printf (subtitle, _("version %s"), version);
  if (!isnan (accuracy))
    {
      if (subtitle->len > 0)
        g_string_append (subtitle, " · ");
      /* Translators: a model's accuracy, e.g. "accuracy 61.2 %" */
      g_string_append_printf (subtitle, _("accuracy %.1f %%"), accuracy * 100);
    }
  if (message != NULL)
    {
      if (subtitle->len > 0)
        g_string_append (subtitle, " · ");
      g_string_append (subtitle, message);
    }
  row = _tw_service_page_new_row (tw_detail_item_get_name (model), subtitle->str);
  /* No verdict for a model its service reports no state of (000's model_performance
   * rows: the summary row above them says whether they are loaded). */
  if (health != TW_HEALTH_UNKNOWN)
    _tw_service_page_suffix_label (row, health == TW_HEALTH_DOWN ? _("Not loaded")
                                        : health == TW_HEALTH_OK ? _("Loaded") : _("Unknown"),
                                   tw_ui_health_style (health));
  if (health == TW_HEALTH_DOWN)
    flag_row (row, "error");
  return row;
}

static GtkWidget *
create_order_row (gpointer item,
                  gpointer user_data)
{
  TwDetailItem *order = item;
  const char *symbol = tw_detail_item_get_string (order, "symbol");
  const char *side = tw_detail_item_get_string (order, "side");
  const char *state = tw_detail_item_get_string (order, "status");
  const char *approval = tw_detail_item_get_string (order, "approval-status");
  double qty = tw_detail_item_get_number (order, "qty");
  g_autoptr(GString) title = g_string_new (symbol != NULL ? symbol : tw_detail_item_get_string (order, "id"));
  g_autoptr(GString) subtitle = g_string_new (tw_detail_item_get_string (order, "id"));
  GtkWidget *row;

  if (side != NULL)
    g_string_append_printf (title, " · %s", side);
  if (!isnan (qty))
    {
      g_autofree char *q = tw_trading_format_qty (qty);

      g_string_append_printf (title, " %s", q);
    }
  if (approval != NULL)
    /* Translators: an order's approval state, e.g. "approval PENDING" */
    g_string_append_printf (subtitle, _(" · approval %s"), approval);
  row = _tw_service_page_new_row (title->str, subtitle->str);
  if (state != NULL)
    _tw_service_page_suffix_label (row, state, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  return row;
}

GtkListBoxCreateWidgetFunc
_tw_service_page_row_factory (guint section)
{
  switch (section)
    {
    case TW_DETAIL_METRICS:     return create_metric_row;
    case TW_DETAIL_LIMIT_METRICS: return create_metric_row;
    case TW_DETAIL_RATE_LIMITS: return create_rate_row;
    case TW_DETAIL_SECURITY:    return create_check_row;
    case TW_DETAIL_TRADES:      return create_trade_row;
    case TW_DETAIL_MODELS:      return create_model_row;
    case TW_DETAIL_ORDERS:      return create_order_row;
    case TW_SERVICE_PAGE_HEALTH: return create_component_row;
    default:                    return NULL;
    }
}

