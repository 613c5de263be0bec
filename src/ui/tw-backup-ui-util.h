/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "tw-backup.h"

G_BEGIN_DECLS

/* How the Backups page and the restore wizard word a backup: an icon AND a word. */
const char *tw_backup_ui_validity_icon  (TwBackupValidity  validity);
/* "Valid", "Corrupt", "Not checked" (translated) */
const char *tw_backup_ui_validity_label (TwBackupValidity  validity);
/* "success", "error" or NULL */
const char *tw_backup_ui_validity_style (TwBackupValidity  validity);
/* A badge: icon + word, styled; updated with tw_backup_ui_badge_set. */
GtkWidget  *tw_backup_ui_badge_new      (void);
void        tw_backup_ui_badge_set      (GtkWidget        *badge,
                                         TwBackupValidity  validity);
/* "just now", "4 min ago", "3 h ago", "2 days ago" (transfer full) */
char       *tw_backup_ui_format_age     (gint64            seconds);
/* "14:02:07 · 1.2 MB" style subtitle of a backup: local time and size. (transfer full) */
char       *tw_backup_ui_describe       (TwBackup         *backup);
/* "+12", "−3", "±0" (transfer full) */
char       *tw_backup_ui_format_delta   (gint64            delta);

G_END_DECLS
