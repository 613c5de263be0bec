/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-alerts-page-private.h"

#include <glib/gi18n.h>

/* The Alerts page's words, icons and colours for a severity and a state. */

const char *
_tw_alerts_page_severity_icon (TwAlertSeverity severity)
{
  switch (severity)
    {
    case TW_ALERT_CRITICAL:
      return "dialog-error-symbolic";
    case TW_ALERT_WARNING:
      return "dialog-warning-symbolic";
    case TW_ALERT_INFO:
    default:
      return "dialog-information-symbolic";
    }
}

const char *
_tw_alerts_page_severity_style (TwAlertSeverity severity)
{
  return severity == TW_ALERT_CRITICAL ? "error" : severity == TW_ALERT_WARNING ? "warning" : "accent";
}

const char *
_tw_alerts_page_severity_name (TwAlertSeverity severity)
{
  switch (severity)
    {
    case TW_ALERT_CRITICAL:
      return _("Critical");
    case TW_ALERT_WARNING:
      return _("Warning");
    case TW_ALERT_INFO:
    default:
      return _("Info");
    }
}

char *
_tw_alerts_page_format_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("—");
  local = g_date_time_to_local (time);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

char *
_tw_alerts_page_state_text (TwAlertItem *item)
{
  switch (tw_alert_item_get_state (item))
    {
    case TW_ALERT_STATE_FIRING:
      return g_strdup (_("Firing"));
    case TW_ALERT_STATE_ACKNOWLEDGED:
      /* TRANSLATORS: %s is a user name */
      return g_strdup_printf (_("Acknowledged by %s"), tw_alert_item_get_acked_by (item));
    case TW_ALERT_STATE_SILENCED:
      return g_strdup (_("Silenced"));
    case TW_ALERT_STATE_RESOLVED:
    default:
      return g_strdup (_("Resolved"));
    }
}

const char *
_tw_alerts_page_state_style (TwAlertItem *item)
{
  switch (tw_alert_item_get_state (item))
    {
    case TW_ALERT_STATE_FIRING:
      return tw_alert_item_get_severity (item) == TW_ALERT_CRITICAL ? "error" : "warning";
    case TW_ALERT_STATE_ACKNOWLEDGED:
      return "accent";
    case TW_ALERT_STATE_RESOLVED:
      return "success";
    case TW_ALERT_STATE_SILENCED:
    default:
      return "dim-label";
    }
}

void
_tw_alerts_page_set_style (GtkWidget  *widget,
                           const char *style)
{
  static const char * const styles[] = { "error", "warning", "accent", "success", "dim-label", NULL };

  for (guint i = 0; styles[i] != NULL; i++)
    gtk_widget_remove_css_class (widget, styles[i]);
  if (style != NULL)
    gtk_widget_add_css_class (widget, style);
}
