/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-page-row.h"

#include <glib/gi18n.h>

#include "tw-ui-util.h"

/* The badge's tooltip, asked for when shown: setting a tooltip's text makes GTK query
 * the tooltip under the pointer again (and build its window again), and the alerts'
 * count changes with every alert. */
static gboolean
badge_query_tooltip_cb (GtkWidget  *badge,
                        int         x,
                        int         y,
                        gboolean    keyboard,
                        GtkTooltip *tooltip,
                        gpointer    user_data)
{
  const char *description = g_object_get_data (G_OBJECT (badge), "tw-badge-description");

  if (description == NULL || !gtk_widget_get_visible (badge))
    return FALSE;
  gtk_tooltip_set_text (tooltip, description);
  return TRUE;
}

GtkWidget *
tw_page_row_new (const char *id,
                 const char *title,
                 const char *icon_name)
{
  GtkWidget *row;
  GtkWidget *box;
  GtkWidget *label;
  GtkWidget *badge;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (title != NULL, NULL);

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  label = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  if (icon_name != NULL)
    gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (icon_name));
  gtk_box_append (GTK_BOX (box), label);
  /* Something on the page needs the operator: tw_page_row_set_badge(). */
  badge = gtk_label_new (NULL);
  gtk_widget_add_css_class (badge, "tw-page-badge");
  gtk_widget_set_has_tooltip (badge, TRUE);
  g_signal_connect (badge, "query-tooltip", G_CALLBACK (badge_query_tooltip_cb), NULL);
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (badge, FALSE);
  gtk_box_append (GTK_BOX (box), badge);

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "tw-page-id", g_strdup (id), g_free);
  g_object_set_data_full (G_OBJECT (row), "tw-page-title", g_strdup (title), g_free);
  g_object_set_data (G_OBJECT (row), "tw-page-badge", badge);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  return row;
}

const char *
tw_page_row_get_id (GtkListBoxRow *row)
{
  g_return_val_if_fail (GTK_IS_LIST_BOX_ROW (row), NULL);

  return g_object_get_data (G_OBJECT (row), "tw-page-id");
}

void
tw_page_row_set_badge (GtkListBoxRow *row,
                       const char    *text,
                       const char    *style,
                       const char    *description)
{
  GtkWidget *badge;
  const char *title;
  g_autofree char *name = NULL;

  g_return_if_fail (GTK_IS_LIST_BOX_ROW (row));

  badge = g_object_get_data (G_OBJECT (row), "tw-page-badge");
  title = g_object_get_data (G_OBJECT (row), "tw-page-title");
  g_return_if_fail (GTK_IS_LABEL (badge));

  /* Nothing changed (the alerts' count is set again with every alert): no new frame. */
  if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (badge)), text != NULL ? text : "") == 0
      && gtk_widget_get_visible (badge) == (text != NULL)
      && g_strcmp0 (tw_ui_get_status_style (badge), style) == 0
      && g_strcmp0 (g_object_get_data (G_OBJECT (badge), "tw-badge-description"), description) == 0)
    return;
  gtk_label_set_label (GTK_LABEL (badge), text != NULL ? text : "");
  gtk_widget_set_visible (badge, text != NULL);
  tw_ui_set_status_style (badge, style);
  g_object_set_data_full (G_OBJECT (badge), "tw-badge-description", g_strdup (description), g_free);
  /* A screen reader hears the page and what needs the operator on it. */
  if (text != NULL && description != NULL)
    /* Translators: a sidebar row with a badge, e.g. "Breakers: 1 breaker tripped" */
    name = g_strdup_printf (_("%s: %s"), title, description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name != NULL ? name : title, -1);
}

const char *
tw_page_row_get_badge (GtkListBoxRow *row)
{
  GtkWidget *badge;

  g_return_val_if_fail (GTK_IS_LIST_BOX_ROW (row), NULL);

  badge = g_object_get_data (G_OBJECT (row), "tw-page-badge");
  return gtk_widget_get_visible (badge) ? gtk_label_get_label (GTK_LABEL (badge)) : NULL;
}
