/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The service page's sections: a group per kind of detail the connector reads, each with
 * its list, its search and its error, bound to the details while the page is shown. */
#include "config.h"

#include <glib/gi18n.h>

#include "tw-service-page-private.h"
#include "tw-ui-util.h"

static const char *
section_title (guint section)
{
  switch (section)
    {
    case TW_DETAIL_METRICS:     return _("Metrics");
    case TW_DETAIL_RATE_LIMITS: return _("Rate Limits");
    case TW_DETAIL_SECURITY:    return _("Security Checks");
    case TW_DETAIL_TRADES:      return _("Trades");
    case TW_DETAIL_MODELS:      return _("Models");
    case TW_DETAIL_CLOCK:       return _("Market Clock");
    case TW_DETAIL_ORDERS:      return _("Orders and Approvals");
    case TW_DETAIL_LIMIT_METRICS: return _("Rate-Limit Metrics");
    case TW_SERVICE_PAGE_HEALTH:
    default:                    return _("Health");
    }
}

static void
order_activated_cb (GtkListBox    *list,
                    GtkListBoxRow *row,
                    TwServicePage *self)
{
  g_autoptr(TwDetailItem) order = NULL;
  const char *id;

  if (self->details == NULL)
    return;
  order = g_list_model_get_item (tw_service_details_get_items (self->details, TW_DETAIL_ORDERS),
                                 gtk_list_box_row_get_index (row));
  id = order != NULL ? tw_detail_item_get_string (order, "id") : NULL;
  if (id != NULL)
    tw_service_details_read_order (self->details, id);
}

static gboolean
filter_item (gpointer item,
             gpointer user_data)
{
  GtkEditable *entry = user_data;
  g_autofree char *folded = g_utf8_casefold (gtk_editable_get_text (entry), -1);

  return tw_detail_item_matches (item, g_strstrip (folded));
}

static void
search_changed_cb (GtkSearchEntry *entry,
                   GtkFilter      *filter)
{
  gtk_filter_changed (filter, GTK_FILTER_CHANGE_DIFFERENT);
}

static GtkWidget *
add_group (TwServicePage *self,
           guint          section)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *error = gtk_label_new (NULL);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), section_title (section));
  /* A section read from another address of the service (001's rate gate, 000's ML
   * service) says which. */
  if (section < TW_DETAIL_N_SECTIONS && self->details != NULL)
    {
      g_autofree char *address = tw_service_details_dup_section_address (self->details, section);

      if (address != NULL)
        adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), address);
    }
  gtk_label_set_wrap (GTK_LABEL (error), TRUE);
  gtk_label_set_xalign (GTK_LABEL (error), 0);
  gtk_widget_add_css_class (error, "error");
  gtk_widget_set_visible (error, FALSE);
  gtk_widget_set_margin_bottom (error, 6);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), error);
  self->errors[section] = GTK_LABEL (error);
  self->groups[section] = group;
  gtk_box_append (self->sections_box, group);
  return group;
}

static void
add_list (TwServicePage *self,
          guint          section,
          gboolean       searchable)
{
  GtkWidget *group = self->groups[section];
  GtkWidget *list = gtk_list_box_new ();

  if (searchable)
    {
      GtkWidget *entry = gtk_search_entry_new ();
      g_autoptr(GtkCustomFilter) filter = NULL;

      gtk_widget_set_margin_bottom (entry, 6);
      g_object_set (entry, "placeholder-text",
                    section == TW_DETAIL_TRADES ? _("Filter by symbol or side") : _("Search metrics"), NULL);
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      section == TW_DETAIL_TRADES ? _("Filter trades") : _("Search metrics"), -1);
      filter = gtk_custom_filter_new (filter_item, entry, NULL);
      g_signal_connect_object (entry, "search-changed", G_CALLBACK (search_changed_cb), filter, 0);
      self->filtered[section] = gtk_filter_list_model_new (NULL, GTK_FILTER (g_steal_pointer (&filter)));
      self->searches[section] = GTK_SEARCH_ENTRY (entry);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), entry);
    }
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  section_title (section), -1);
  self->lists[section] = GTK_LIST_BOX (list);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), list);
}

void
_tw_service_page_clear_sections (TwServicePage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->sections_box))) != NULL)
    gtk_box_remove (self->sections_box, child);
  for (guint s = 0; s < N_GROUPS; s++)
    {
      self->groups[s] = NULL;
      self->errors[s] = NULL;
      self->lists[s] = NULL;
      self->searches[s] = NULL;
      g_clear_object (&self->filtered[s]);
    }
  self->sparkline = NULL;
  self->health_summary = NULL;
  self->figures_box = NULL;
  self->clock_row = NULL;
  self->order_list = NULL;
}

/* Binds the lists to their models (shown) or lets go of them (hidden): a hidden page's
 * rows are not rebuilt at each answer. */
void
_tw_service_page_bind_lists (TwServicePage *self,
                             gboolean       bind)
{
  for (guint s = 0; s < N_GROUPS; s++)
    {
      GListModel *model = NULL;

      if (self->lists[s] == NULL)
        continue;
      if (bind && s == TW_SERVICE_PAGE_HEALTH)
        model = self->service != NULL ? tw_service_get_components (self->service) : NULL;
      else if (bind && self->details != NULL)
        model = tw_service_details_get_items (self->details, s);
      if (self->filtered[s] != NULL)
        {
          gtk_filter_list_model_set_model (self->filtered[s], model);
          model = bind ? G_LIST_MODEL (self->filtered[s]) : NULL;
        }
      gtk_list_box_bind_model (self->lists[s], model, model != NULL ? _tw_service_page_row_factory (s) : NULL,
                               self, NULL);
    }
}

static const guint section_order[] = {
  TW_DETAIL_CLOCK, TW_DETAIL_SECURITY, TW_DETAIL_RATE_LIMITS, TW_DETAIL_LIMIT_METRICS,
  TW_DETAIL_MODELS, TW_DETAIL_ORDERS, TW_DETAIL_METRICS, TW_DETAIL_TRADES,
};
G_STATIC_ASSERT (G_N_ELEMENTS (section_order) == TW_DETAIL_N_SECTIONS);

void
_tw_service_page_build_sections (TwServicePage *self)
{
  GtkWidget *group, *box;

  _tw_service_page_clear_sections (self);
  if (self->service == NULL)
    return;

  group = add_group (self, TW_SERVICE_PAGE_HEALTH);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_add_css_class (box, "card");
  self->sparkline = TW_SPARKLINE (tw_sparkline_new ());
  gtk_widget_set_margin_start (GTK_WIDGET (self->sparkline), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->sparkline), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->sparkline), 12);
  tw_sparkline_set_history (self->sparkline, self->details != NULL ? tw_service_details_get_history (self->details)
                                                                   : NULL);
  self->health_summary = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->health_summary, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->health_summary), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->health_summary), "dim-label");
  gtk_widget_set_margin_start (GTK_WIDGET (self->health_summary), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->health_summary), 8);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->sparkline));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->health_summary));
  gtk_widget_set_margin_bottom (box, 12);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), box);
  add_list (self, TW_SERVICE_PAGE_HEALTH, FALSE);

  if (self->details == NULL)
    return;

  /* Only what the connector declares: no empty sections. The short ones first, the long
   * tables (metrics, trades) last, so none is buried under them. */
  for (guint k = 0; k < G_N_ELEMENTS (section_order); k++)
    {
      guint s = section_order[k];

      if (!tw_service_details_has_section (self->details, s))
        continue;
      group = add_group (self, s);
      if (s == TW_DETAIL_METRICS)
        {
          self->figures_box = GTK_FLOW_BOX (gtk_flow_box_new ());
          gtk_flow_box_set_selection_mode (self->figures_box, GTK_SELECTION_NONE);
          gtk_flow_box_set_max_children_per_line (self->figures_box, 6);
          gtk_flow_box_set_homogeneous (self->figures_box, TRUE);
          gtk_widget_set_margin_bottom (GTK_WIDGET (self->figures_box), 6);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->figures_box));
          add_list (self, s, TRUE);
        }
      else if (s == TW_DETAIL_CLOCK)
        {
          GtkWidget *list = gtk_list_box_new ();

          gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
          gtk_widget_add_css_class (list, "boxed-list");
          self->clock_row = ADW_ACTION_ROW (_tw_service_page_new_row (_("Reading the market clock…"), NULL));
          gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->clock_row));
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), list);
        }
      else if (s == TW_DETAIL_ORDERS)
        {
          add_list (self, s, FALSE);
          g_signal_connect (self->lists[s], "row-activated", G_CALLBACK (order_activated_cb), self);
          self->order_list = GTK_LIST_BOX (gtk_list_box_new ());
          gtk_list_box_set_selection_mode (self->order_list, GTK_SELECTION_NONE);
          gtk_widget_add_css_class (GTK_WIDGET (self->order_list), "boxed-list");
          gtk_widget_set_margin_top (GTK_WIDGET (self->order_list), 12);
          gtk_widget_set_visible (GTK_WIDGET (self->order_list), FALSE);
          gtk_accessible_update_property (GTK_ACCESSIBLE (self->order_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _("The order's detail"), -1);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->order_list));
        }
      else if (s == TW_DETAIL_RATE_LIMITS)
        {
          add_list (self, s, FALSE);
          if (_tw_service_page_can_reset (self, FALSE))
            {
              GtkWidget *button = gtk_button_new_with_mnemonic (_("_Reset All Quotas…"));

              gtk_widget_add_css_class (button, "flat");
              gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
              gtk_widget_set_tooltip_text (button, _("Only when the exchanges already block: resetting "
                                                     "early masks quota leaks (the runbook's caution)"));
              gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "service.reset-quota");
              gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", "");
              adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), button);
            }
        }
      else
        add_list (self, s, s == TW_DETAIL_TRADES || s == TW_DETAIL_LIMIT_METRICS);
    }
}
