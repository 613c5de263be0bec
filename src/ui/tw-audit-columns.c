/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Audit page's table: one column per field of a row, each a box with an (optional)
 * icon and a label. */
#include "config.h"

#include "tw-audit-page-private.h"

#include <glib/gi18n.h>

#include "tw-ui-util.h"

typedef enum
{
  COLUMN_TIME,
  COLUMN_PROFILE,
  COLUMN_MODE,
  COLUMN_ACTOR,
  COLUMN_ACTION,
  COLUMN_TARGET,
  COLUMN_REASON,
  COLUMN_OUTCOME,
  COLUMN_HTTP,
  COLUMN_MESSAGE,
  N_COLUMNS
} Column;

static const char *
outcome_icon (TwAuditOutcome outcome)
{
  switch (outcome)
    {
    case TW_AUDIT_OUTCOME_OK:
      return "emblem-ok-symbolic";
    case TW_AUDIT_OUTCOME_FAILED:
      return "dialog-error-symbolic";
    case TW_AUDIT_OUTCOME_REFUSED:
      return "action-unavailable-symbolic";
    case TW_AUDIT_OUTCOME_INTERRUPTED:
      return "dialog-warning-symbolic";
    case TW_AUDIT_OUTCOME_REQUESTED:
    default:
      return "mail-send-symbolic";
    }
}

static const char *
outcome_word (TwAuditOutcome outcome)
{
  switch (outcome)
    {
    case TW_AUDIT_OUTCOME_OK:
      return _("OK");
    case TW_AUDIT_OUTCOME_FAILED:
      return _("Failed");
    case TW_AUDIT_OUTCOME_REFUSED:
      return _("Refused");
    case TW_AUDIT_OUTCOME_INTERRUPTED:
      return _("Interrupted");
    case TW_AUDIT_OUTCOME_REQUESTED:
    default:
      return _("Requested");
    }
}

static const char *
outcome_style (TwAuditOutcome outcome)
{
  switch (outcome)
    {
    case TW_AUDIT_OUTCOME_OK:
      return "success";
    case TW_AUDIT_OUTCOME_FAILED:
      return "error";
    case TW_AUDIT_OUTCOME_REFUSED:
    case TW_AUDIT_OUTCOME_INTERRUPTED:
      return "warning";
    case TW_AUDIT_OUTCOME_REQUESTED:
    default:
      return NULL;
    }
}

/* "PAPER" / "LIVE", as the window's badge says it; a row from before modes were
 * recorded shows what it holds. */
static const char *
mode_word (const char *mode)
{
  if (g_strcmp0 (mode, "live") == 0)
    return _("LIVE");
  if (g_strcmp0 (mode, "paper") == 0)
    return _("PAPER");
  return mode;
}

/* Columns: one factory per column, a box with an (optional) icon and a label. */

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *image = gtk_image_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_widget_set_visible (image, FALSE);
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), label);
  if (GPOINTER_TO_INT (user_data) == COLUMN_MODE)
    {
      gtk_widget_add_css_class (label, "tw-audit-mode");
      gtk_widget_add_css_class (label, "caption-heading");
    }
  gtk_list_item_set_child (item, box);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  TwAuditRecord *record = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *image = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_last_child (box);
  g_autofree char *owned = NULL;
  const char *text = NULL;

  gtk_widget_set_visible (image, FALSE);
  tw_ui_set_status_style (label, NULL);
  switch (column)
    {
    case COLUMN_TIME:
      {
        g_autoptr(GDateTime) time = tw_audit_record_dup_time (record);

        text = owned = time != NULL ? tw_ui_format_time (time) : NULL;
      }
      break;
    case COLUMN_PROFILE:
      text = tw_audit_record_get_profile (record);
      break;
    case COLUMN_MODE:
      text = mode_word (tw_audit_record_get_mode (record));
      /* A live row is unmistakable, as the LIVE badge is. */
      if (g_strcmp0 (tw_audit_record_get_mode (record), "live") == 0)
        tw_ui_set_status_style (label, "error");
      break;
    case COLUMN_ACTOR:
      text = tw_audit_record_get_actor (record);
      break;
    case COLUMN_ACTION:
      text = tw_audit_record_get_action (record);
      break;
    case COLUMN_TARGET:
      text = tw_audit_record_get_target (record);
      break;
    case COLUMN_REASON:
      text = tw_audit_record_get_reason (record);
      break;
    case COLUMN_OUTCOME:
      {
        TwAuditOutcome outcome = tw_audit_record_get_outcome (record);

        gtk_image_set_from_icon_name (GTK_IMAGE (image), outcome_icon (outcome));
        tw_ui_set_status_style (image, outcome_style (outcome));
        tw_ui_set_status_style (label, outcome_style (outcome));
        gtk_widget_set_visible (image, TRUE);
        text = outcome_word (outcome);
      }
      break;
    case COLUMN_HTTP:
      if (tw_audit_record_get_http_status (record) != 0)
        text = owned = g_strdup_printf ("%u", tw_audit_record_get_http_status (record));
      break;
    case COLUMN_MESSAGE:
      text = tw_audit_record_get_message (record);
      break;
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
  gtk_label_set_label (GTK_LABEL (label), text != NULL ? text : "");
  /* Setting a tooltip costs a round trip to the display server: only when it changes. */
  {
    const char *tooltip = text != NULL && *text != '\0' ? text : NULL;
    const char *current = gtk_widget_get_tooltip_text (label);

    if (g_strcmp0 (current, tooltip) != 0)
      gtk_widget_set_tooltip_text (label, tooltip);
  }
}

void
tw_audit_columns_add (GtkColumnView *view)
{
  const char *titles[N_COLUMNS] = {
    _("Time"), _("Profile"), _("Mode"), _("Actor"), _("Action"), _("Target"),
    _("Reason"), _("Outcome"), _("HTTP"), _("Message"),
  };

  for (int i = 0; i < N_COLUMNS; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), GINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), GINT_TO_POINTER (i));
      column = gtk_column_view_column_new (titles[i], factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      if (i == COLUMN_MESSAGE || i == COLUMN_REASON)
        gtk_column_view_column_set_expand (column, TRUE);
      gtk_column_view_append_column (view, column);
    }
}
