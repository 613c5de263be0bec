/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-window-links.h"

#include "tw-service-page.h"

/* A correlation id (an order's, an approval's) shown on the Logs page: every source
 * filtered to the lines that carry it. */
static void
show_logs_for_correlation_action (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  TwWindow *self = user_data;
  const char *id = g_variant_get_string (parameter, NULL);
  GtkWidget *logs;

  if (tw_window_get_session (self) == NULL || *id == '\0' || !tw_window_show_page (self, "logs"))
    return;
  logs = tw_window_get_page (self, "logs");
  if (logs != NULL)
    gtk_widget_activate_action (logs, "logs.filter-id", "s", id);
}

/* A service's page, at one of its sections: the guard's checklist links here. */
static void
show_service_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  static const struct { const char *name; guint section; } sections[] = {
    { "trades", TW_DETAIL_TRADES }, { "rate-limits", TW_DETAIL_RATE_LIMITS },
    { "models", TW_DETAIL_MODELS }, { "security", TW_DETAIL_SECURITY },
    { "metrics", TW_DETAIL_METRICS }, { "orders", TW_DETAIL_ORDERS },
    { "clock", TW_DETAIL_CLOCK },
  };
  TwWindow *self = user_data;
  const char *id, *section;
  TwOverviewPage *overview;
  TwServicePage *page;

  g_variant_get (parameter, "(&s&s)", &id, &section);
  if (tw_window_get_session (self) == NULL || !tw_window_show_page (self, "overview"))
    return;
  overview = tw_window_get_overview_page (self);
  if (overview == NULL)
    return;
  gtk_widget_activate_action (GTK_WIDGET (overview), "overview.show-service", "s", id);
  page = tw_overview_page_get_service_page (overview);
  if (page == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    if (g_str_equal (section, sections[i].name))
      tw_service_page_reveal_section (page, sections[i].section);
}

static const GActionEntry link_actions[] = {
  { "show-logs-for-correlation", show_logs_for_correlation_action, "s", NULL, NULL, { 0 } },
  { "show-service", show_service_action, "(ss)", NULL, NULL, { 0 } },
};

void
_tw_window_add_link_actions (TwWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), link_actions, G_N_ELEMENTS (link_actions), self);
}
