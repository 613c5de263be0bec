/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Backups page's actions that start work: Back Up Now, Verify, Restore… (the wizard). */
#include "config.h"

#include "tw-backups-page.h"
#include "tw-backups-page-private.h"

#include <glib/gi18n.h>

#include "tw-backup-ui-util.h"
#include "tw-error.h"
#include "tw-restore-wizard.h"
#include "tw-ui-util.h"

/* Back Up Now */

void
_tw_backups_page_progress_cb (TwBackupManager *manager,
                              TwBackupStep     step,
                              double           fraction,
                              TwBackupsPage   *self)
{
  for (guint i = 0; i < self->sections->len; i++)
    {
      Section *section = g_ptr_array_index (self->sections, i);

      if (section->creating && step == TW_BACKUP_STEP_SNAPSHOT)
        gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (section->progress), fraction * 0.8);
      else if (section->creating && step == TW_BACKUP_STEP_VERIFY)
        gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (section->progress), 0.8 + fraction * 0.2);
    }
}

static void
create_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) backup = tw_backup_manager_create_finish (TW_BACKUP_MANAGER (object), result, &error);
  Section *section = _tw_backups_page_lookup (op->page, op->id);
  g_autofree char *message = NULL;

  if (backup == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (section != NULL)
    {
      section->creating = FALSE;
      _tw_backups_page_update_backup_button (section);
    }
  if (backup == NULL)
    message = g_strdup_printf (_("Backup of %s failed: %s"), op->id, error->message);
  else
    {
      g_autofree char *size = g_format_size (tw_backup_get_size (backup));

      g_hash_table_replace (op->page->verified, g_strdup (tw_backup_get_path (backup)),
                            g_object_ref (backup));
      message = g_strdup_printf (_("%s backed up: %s (%s, %s)"), op->id, tw_backup_get_name (backup),
                                 size, tw_backup_ui_validity_label (tw_backup_get_valid (backup)));
    }
  _tw_backups_page_message (op->page, message);
  if (section != NULL)
    _tw_backups_page_list (op->page, section);
}

void
_tw_backups_page_backup_now_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TwBackupsPage *self = TW_BACKUPS_PAGE (widget);
  Section *section = _tw_backups_page_lookup (self, g_variant_get_string (parameter, NULL));

  if (self->manager == NULL || self->workspace == NULL)
    return;

  if (section == NULL || section->creating)
    return;
  section->creating = TRUE;
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (section->progress), 0);
  _tw_backups_page_update_backup_button (section);
  tw_backup_manager_create_async (self->manager, section->path, section->backup_dir,
                                  self->cancellable, create_done_cb,
                                  _tw_backups_page_op_new (self, section->id, NULL));
}

/* Verify */

static void
verify_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) backup = tw_backup_manager_verify_finish (TW_BACKUP_MANAGER (object), result, &error);
  g_autofree char *message = NULL;
  g_autofree char *name = g_path_get_basename (op->path);
  Section *section;

  if (backup == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (backup == NULL)
    message = g_strdup_printf (_("Could not verify %s: %s"), name, error->message);
  else
    {
      g_hash_table_replace (op->page->verified, g_strdup (op->path), g_object_ref (backup));
      if (tw_backup_get_valid (backup) == TW_BACKUP_VALIDITY_VALID)
        message = g_strdup_printf (_("%s is valid: integrity check ok, %lld rows"),
                                   name, (long long) tw_backup_get_total_rows (backup));
      else
        message = g_strdup_printf (_("%s is corrupt: %s. Do not restore it."), name,
                                   tw_backup_get_problem (backup) != NULL
                                   ? tw_backup_get_problem (backup) : _("unreadable"));
    }
  _tw_backups_page_message (op->page, message);

  section = _tw_backups_page_section_of (op->page, op->path, NULL);
  if (section != NULL)
    _tw_backups_page_list (op->page, section);
}

void
_tw_backups_page_verify_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TwBackupsPage *self = TW_BACKUPS_PAGE (widget);
  const char *path = g_variant_get_string (parameter, NULL);

  if (self->manager == NULL || self->workspace == NULL)
    return;

  tw_backup_manager_verify_async (self->manager, path, FALSE, self->cancellable,
                                  verify_done_cb, _tw_backups_page_op_new (self, NULL, path));
}

/* Restore… */

static void
wizard_destroyed_cb (GtkWidget     *wizard,
                     TwBackupsPage *self)
{
  tw_backups_page_refresh (self);
}

static void
open_wizard (TwBackupsPage *self,
             const char    *db_id,
             const char    *backup_path)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  TwRestoreWizard *wizard;

  wizard = tw_restore_wizard_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                  self->manager, self->workspace, self->runner, self->monitor);
  tw_restore_wizard_preselect (wizard, db_id, backup_path);
  g_signal_connect_object (wizard, "destroy", G_CALLBACK (wizard_destroyed_cb), self, 0);
  g_set_weak_pointer (&self->open_dialog, GTK_WIDGET (wizard));
  gtk_window_present (GTK_WINDOW (wizard));
}

void
_tw_backups_page_restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TwBackupsPage *self = TW_BACKUPS_PAGE (widget);
  const char *path = g_variant_get_string (parameter, NULL);
  Section *section = _tw_backups_page_section_of (self, path, NULL);

  if (self->manager == NULL || self->workspace == NULL)
    return;

  if (section != NULL)
    open_wizard (self, section->id, path);
}

void
_tw_backups_page_restore_database_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  TwBackupsPage *self = TW_BACKUPS_PAGE (widget);
  const char *id = g_variant_get_string (parameter, NULL);

  if (self->manager == NULL || self->workspace == NULL)
    return;

  if (_tw_backups_page_lookup (self, id) != NULL)
    open_wizard (self, id, NULL);
}
