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
  /* Something on the page needs the operator: tw_page_row_set_badge(). An inscription,
   * sized by its number of characters: a new count of as many digits redraws the badge
   * and lays nothing out (a label lays the whole window out again for each new text). */
  badge = gtk_inscription_new (NULL);
  gtk_inscription_set_xalign (GTK_INSCRIPTION (badge), 0.5);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (badge), 1);
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

/* A badge changes with the next whole second (g_timeout_add_seconds ()), save when it
 * turns up or turns critical: in a large profile alerts come and go several times a
 * second, and each new count cost a frame of the whole window. The process's
 * whole-second timeouts fire together, so the Overview's once-a-second tick draws its
 * own changes in the same frame: a change shown at once after a quiet second (as
 * before) cost a frame of its own, at a time of its own, about once a second. */

typedef struct
{
  GtkListBoxRow *row;           /* unowned: owns this */
  guint          timeout_id;    /* the pending change's, 0 when none */
  char          *text;          /* the pending change */
  char          *style;
  char          *description;
} BadgeState;

static void
badge_state_free (gpointer data)
{
  BadgeState *state = data;

  g_clear_handle_id (&state->timeout_id, g_source_remove);
  g_free (state->text);
  g_free (state->style);
  g_free (state->description);
  g_free (state);
}

static void
show_badge (GtkListBoxRow *row,
            const char    *text,
            const char    *style,
            const char    *description)
{
  GtkWidget *badge = g_object_get_data (G_OBJECT (row), "tw-page-badge");
  const char *title = g_object_get_data (G_OBJECT (row), "tw-page-title");
  g_autofree char *name = NULL;
  guint chars;

  /* Nothing changed (the alerts' count is set again with every alert): no new frame. */
  if (g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (badge)), text) == 0
      && gtk_widget_get_visible (badge) == (text != NULL)
      && g_strcmp0 (tw_ui_get_status_style (badge), style) == 0
      && g_strcmp0 (g_object_get_data (G_OBJECT (badge), "tw-badge-description"), description) == 0)
    return;
  chars = text != NULL ? MAX (1u, (guint) g_utf8_strlen (text, -1)) : 1;
  if (gtk_inscription_get_min_chars (GTK_INSCRIPTION (badge)) != chars)
    gtk_inscription_set_min_chars (GTK_INSCRIPTION (badge), chars);
  gtk_inscription_set_text (GTK_INSCRIPTION (badge), text);
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

static void
show_pending (BadgeState *state)
{
  g_clear_handle_id (&state->timeout_id, g_source_remove);
  show_badge (state->row, state->text, state->style, state->description);
}

static gboolean
pending_timeout_cb (gpointer user_data)
{
  BadgeState *state = user_data;

  state->timeout_id = 0;
  show_pending (state);
  return G_SOURCE_REMOVE;
}

void
tw_page_row_set_badge (GtkListBoxRow *row,
                       const char    *text,
                       const char    *style,
                       const char    *description)
{
  GtkWidget *badge;
  BadgeState *state;
  gboolean urgent;

  g_return_if_fail (GTK_IS_LIST_BOX_ROW (row));

  badge = g_object_get_data (G_OBJECT (row), "tw-page-badge");
  g_return_if_fail (GTK_IS_INSCRIPTION (badge));

  state = g_object_get_data (G_OBJECT (row), "tw-page-badge-state");
  if (state == NULL)
    {
      state = g_new0 (BadgeState, 1);
      state->row = row;
      g_object_set_data_full (G_OBJECT (row), "tw-page-badge-state", state, badge_state_free);
    }
  g_free (state->text);
  g_free (state->style);
  g_free (state->description);
  state->text = g_strdup (text);
  state->style = g_strdup (style);
  state->description = g_strdup (description);

  /* A badge that turns up, or turns critical, is news: shown at once. */
  urgent = (text != NULL && !gtk_widget_get_visible (badge))
           || (g_strcmp0 (style, "error") == 0 && g_strcmp0 (tw_ui_get_status_style (badge), "error") != 0);
  if (urgent)
    show_pending (state);
  else if (state->timeout_id == 0)
    state->timeout_id = g_timeout_add_seconds (1, pending_timeout_cb, state);
}

/* What the badge shows (a change of a burst shows within two seconds). */
const char *
tw_page_row_get_badge (GtkListBoxRow *row)
{
  GtkWidget *badge;

  g_return_val_if_fail (GTK_IS_LIST_BOX_ROW (row), NULL);

  badge = g_object_get_data (G_OBJECT (row), "tw-page-badge");
  return gtk_widget_get_visible (badge) ? gtk_inscription_get_text (GTK_INSCRIPTION (badge)) : NULL;
}
