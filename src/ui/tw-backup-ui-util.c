/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-backup-ui-util.h"

#include <glib/gi18n.h>

#include "tw-ui-util.h"

const char *
tw_backup_ui_validity_icon (TwBackupValidity validity)
{
  switch (validity)
    {
    case TW_BACKUP_VALIDITY_VALID:
      return "emblem-ok-symbolic";
    case TW_BACKUP_VALIDITY_INVALID:
      return "dialog-error-symbolic";
    case TW_BACKUP_VALIDITY_UNKNOWN:
    default:
      return "radio-symbolic";
    }
}

const char *
tw_backup_ui_validity_label (TwBackupValidity validity)
{
  switch (validity)
    {
    case TW_BACKUP_VALIDITY_VALID:
      return _("Valid");
    case TW_BACKUP_VALIDITY_INVALID:
      return _("Corrupt");
    case TW_BACKUP_VALIDITY_UNKNOWN:
    default:
      return _("Not checked");
    }
}

const char *
tw_backup_ui_validity_style (TwBackupValidity validity)
{
  switch (validity)
    {
    case TW_BACKUP_VALIDITY_VALID:
      return "success";
    case TW_BACKUP_VALIDITY_INVALID:
      return "error";
    case TW_BACKUP_VALIDITY_UNKNOWN:
    default:
      return NULL;
    }
}

GtkWidget *
tw_backup_ui_badge_new (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *image = gtk_image_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_size_request (label, 80, -1);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  tw_backup_ui_badge_set (box, TW_BACKUP_VALIDITY_UNKNOWN);
  return box;
}

void
tw_backup_ui_badge_set (GtkWidget        *badge,
                        TwBackupValidity  validity)
{
  GtkWidget *image = gtk_widget_get_first_child (badge);
  GtkWidget *label = gtk_widget_get_next_sibling (image);

  gtk_image_set_from_icon_name (GTK_IMAGE (image), tw_backup_ui_validity_icon (validity));
  gtk_label_set_label (GTK_LABEL (label), tw_backup_ui_validity_label (validity));
  tw_ui_set_status_style (badge, tw_backup_ui_validity_style (validity));
  if (validity == TW_BACKUP_VALIDITY_UNKNOWN)
    gtk_widget_add_css_class (badge, "dim-label");
  else
    gtk_widget_remove_css_class (badge, "dim-label");
}

char *
tw_backup_ui_format_age (gint64 seconds)
{
  if (seconds < 0)
    return g_strdup (_("never"));
  if (seconds < 60)
    return g_strdup (_("just now"));
  return tw_ui_format_ago (seconds);
}

char *
tw_backup_ui_describe (TwBackup *backup)
{
  g_autofree char *time = NULL;
  g_autofree char *size = g_format_size (tw_backup_get_size (backup));
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *age = NULL;
  GDateTime *created = tw_backup_get_created (backup);

  if (created == NULL)
    return g_strdup (size);
  time = tw_ui_format_time (created);
  age = tw_backup_ui_format_age (g_date_time_difference (now, created) / G_USEC_PER_SEC);
  /* Translators: local time, its age, the file size: "14:02:07 (3 min ago) · 1.2 MB" */
  return g_strdup_printf (_("%s (%s) · %s"), time, age, size);
}

char *
tw_backup_ui_format_delta (gint64 delta)
{
  if (delta > 0)
    return g_strdup_printf ("+%" G_GINT64_FORMAT, delta);
  if (delta < 0)
    return g_strdup_printf ("−%" G_GINT64_FORMAT, -delta);
  return g_strdup ("±0");
}
