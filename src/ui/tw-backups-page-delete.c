/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Backups page: Delete… (guarded, destructive, audited) and what the page shows. */
#include "config.h"

#include "tw-backups-page.h"
#include "tw-backups-page-private.h"

#include <glib/gi18n.h>

#include "tw-backup-ui-util.h"
#include "tw-error.h"
#include "tw-guard-dialog.h"

/* Delete… (guarded: destructive) */

typedef struct
{
  Op             *op;
  TwGuardRequest *request;
  gint64          audit_id;
} Deletion;

static void
deletion_free (Deletion *deletion)
{
  g_clear_pointer (&deletion->op, _tw_backups_page_op_free);
  g_clear_object (&deletion->request);
  g_free (deletion);
}

static void
delete_audited_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (tw_audit_log_complete_finish (TW_AUDIT_LOG (object), result, &error) == 0)
    g_warning ("Could not audit a backup deletion: %s", error->message);
}

static void
file_deleted_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Deletion *deletion = user_data;
  TwBackupsPage *self = deletion->op->page;
  TwAuditLog *audit = tw_backup_manager_get_audit_log (self->manager);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_path_get_basename (deletion->op->path);
  g_autofree char *message = NULL;
  gboolean ok = g_file_delete_finish (G_FILE (object), result, &error);
  Section *section;

  if (ok)
    message = g_strdup_printf (_("Deleted %s"), name);
  else
    message = g_strdup_printf (_("Could not delete %s: %s"), name, error->message);
  if (audit != NULL && deletion->audit_id > 0)
    tw_audit_log_complete_async (audit, deletion->audit_id,
                                 ok ? TW_AUDIT_OUTCOME_OK : TW_AUDIT_OUTCOME_FAILED, 0,
                                 ok ? "deleted" : error->message, NULL, delete_audited_cb, NULL);
  g_hash_table_remove (self->verified, deletion->op->path);
  _tw_backups_page_message (self, message);
  section = _tw_backups_page_section_of (self, deletion->op->path, NULL);
  if (section != NULL)
    _tw_backups_page_list (self, section);
  deletion_free (deletion);
}

static void
delete_requested_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Deletion *deletion = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (deletion->op->path);

  deletion->audit_id = tw_audit_log_request_finish (TW_AUDIT_LOG (object), result, &error);
  if (deletion->audit_id == 0)
    {
      /* Nothing is deleted that could not be audited. */
      g_autofree char *message = g_strdup_printf (_("Not deleted: the audit log could not be written (%s)"),
                                                  error->message);

      _tw_backups_page_message (deletion->op->page, message);
      deletion_free (deletion);
      return;
    }
  g_file_delete_async (file, G_PRIORITY_DEFAULT, deletion->op->page->cancellable,
                       file_deleted_cb, deletion);
}

static void
delete_confirmed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Deletion *deletion = user_data;
  TwBackupsPage *self = deletion->op->page;
  TwAuditLog *audit = tw_backup_manager_get_audit_log (self->manager);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;

  /* Answered programmatically (a script, a test), the dialog would stay up. */
  if (self->open_dialog != NULL && TW_IS_GUARD_DIALOG (self->open_dialog))
    gtk_window_destroy (GTK_WINDOW (self->open_dialog));
  if (!tw_guard_confirm_finish (result, &error) || !tw_guard_request_check (deletion->request, &error))
    {
      /* Cancel in the dialog, or the page going away: nothing to say. */
      if (!g_error_matches (error, TW_ERROR, TW_ERROR_DISMISSED)
          && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _tw_backups_page_message (self, error->message);
      deletion_free (deletion);
      return;
    }

  if (audit != NULL)
    {
      tw_audit_log_request_async (audit, tw_guard_request_get_profile_name (deletion->request),
                                  tw_guard_request_get_mode (deletion->request), "backup.delete",
                                  deletion->op->path, tw_guard_request_get_reason (deletion->request),
                                  NULL, delete_requested_cb, deletion);
      return;
    }
  file = g_file_new_for_path (deletion->op->path);
  g_file_delete_async (file, G_PRIORITY_DEFAULT, self->cancellable, file_deleted_cb, deletion);
}

void
_tw_backups_page_delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TwBackupsPage *self = TW_BACKUPS_PAGE (widget);
  const char *path = g_variant_get_string (parameter, NULL);
  TwProfile *profile = tw_workspace_get_profile (self->workspace);
  GtkRoot *root = gtk_widget_get_root (widget);
  Deletion *deletion;
  GtkWidget *dialog;

  if (self->manager == NULL || self->workspace == NULL)
    return;
  deletion = g_new0 (Deletion, 1);

  deletion->op = _tw_backups_page_op_new (self, NULL, path);
  deletion->request = tw_guard_request_new ("backup.delete", path, tw_profile_get_name (profile),
                                            tw_profile_get_mode (profile));
  dialog = tw_guard_confirm_async (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   deletion->request, self->workspace, NULL, self->cancellable,
                                   delete_confirmed_cb, deletion);
  g_set_weak_pointer (&self->open_dialog, dialog);
}

gboolean
tw_backups_page_is_busy (TwBackupsPage *self)
{
  g_return_val_if_fail (TW_IS_BACKUPS_PAGE (self), FALSE);

  return self->n_busy > 0;
}

guint
tw_backups_page_get_n_backups (TwBackupsPage *self,
                               const char    *db_id)
{
  Section *section;

  g_return_val_if_fail (TW_IS_BACKUPS_PAGE (self), 0);

  section = _tw_backups_page_lookup (self, db_id);
  return section != NULL ? section->backups->len : 0;
}

TwBackup *
tw_backups_page_get_backup (TwBackupsPage *self,
                            const char    *db_id,
                            guint          index)
{
  Section *section;

  g_return_val_if_fail (TW_IS_BACKUPS_PAGE (self), NULL);

  section = _tw_backups_page_lookup (self, db_id);
  if (section == NULL || index >= section->backups->len)
    return NULL;
  return g_ptr_array_index (section->backups, index);
}

const char *
tw_backups_page_get_newest_text (TwBackupsPage *self,
                                 const char    *db_id)
{
  Section *section;

  g_return_val_if_fail (TW_IS_BACKUPS_PAGE (self), NULL);

  section = _tw_backups_page_lookup (self, db_id);
  return section != NULL ? section->newest_text : NULL;
}

gboolean
tw_backups_page_get_newest_warning (TwBackupsPage *self,
                                    const char    *db_id)
{
  Section *section;

  g_return_val_if_fail (TW_IS_BACKUPS_PAGE (self), FALSE);

  section = _tw_backups_page_lookup (self, db_id);
  return section != NULL && section->newest_warning;
}

const char *
tw_backups_page_get_validity_text (TwBackupsPage *self,
                                   const char    *path)
{
  TwBackup *backup = NULL;

  g_return_val_if_fail (TW_IS_BACKUPS_PAGE (self), NULL);

  if (_tw_backups_page_section_of (self, path, &backup) == NULL)
    return NULL;
  return tw_backup_ui_validity_label (tw_backup_get_valid (backup));
}

const char *
tw_backups_page_get_last_message (TwBackupsPage *self)
{
  g_return_val_if_fail (TW_IS_BACKUPS_PAGE (self), NULL);

  return self->last_message;
}

GtkWidget *
tw_backups_page_get_open_dialog (TwBackupsPage *self)
{
  g_return_val_if_fail (TW_IS_BACKUPS_PAGE (self), NULL);

  return self->open_dialog;
}

