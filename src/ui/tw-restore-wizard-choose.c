/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The restore wizard's steps 1 (choose the database) and 2 (choose the backup: verified,
 * compared with the live database). */
#include "config.h"

#include "tw-restore-wizard.h"
#include "tw-restore-wizard-private.h"

#include <glib/gi18n.h>

#include "tw-backup-ui-util.h"
#include "tw-error.h"
#include "tw-ui-util.h"

static void choose_backup (TwRestoreWizard *self,
                           const char      *path);

/* Step 1: the database */

static void
db_toggled_cb (GtkCheckButton  *button,
               TwRestoreWizard *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "tw-id");

  if (gtk_check_button_get_active (button))
    tw_restore_wizard_choose_database (self, id);
}

void
_tw_restore_wizard_build_databases (TwRestoreWizard *self)
{
  GPtrArray *databases = tw_profile_get_databases (tw_workspace_get_profile (self->workspace));
  GtkCheckButton *group = NULL;

  _tw_restore_wizard_clear_rows (self->db_group, self->db_rows);
  for (guint i = 0; databases != NULL && i < databases->len; i++)
    {
      TwDatabaseConfig *config = g_ptr_array_index (databases, i);
      GtkWidget *row = _tw_restore_wizard_add_row (self->db_group, self->db_rows, config->id, config->path);
      GtkWidget *check = gtk_check_button_new ();
      gint64 age = tw_backup_manager_get_newest_age (self->manager, config->path, config->backup_dir);
      g_autofree char *age_text = tw_backup_ui_format_age (age);
      g_autofree char *subtitle = NULL;

      /* Translators: a database path and the age of its newest backup */
      subtitle = g_strdup_printf (_("%s · newest backup: %s"), config->path, age_text);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      g_object_set_data_full (G_OBJECT (check), "tw-id", g_strdup (config->id), g_free);
      g_object_set_data (G_OBJECT (row), "tw-check", check);
      if (group != NULL)
        gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
      else
        group = GTK_CHECK_BUTTON (check);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), g_strcmp0 (self->db_id, config->id) == 0);
      g_signal_connect (check, "toggled", G_CALLBACK (db_toggled_cb), self);
      /* Named by its row: an activatable row labels its widget with its title. */
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
    }
}

gboolean
tw_restore_wizard_choose_database (TwRestoreWizard *self,
                                   const char      *db_id)
{
  TwDatabaseConfig *config;

  g_return_val_if_fail (TW_IS_RESTORE_WIZARD (self), FALSE);

  if (self->step > TW_RESTORE_STEP_CONFIRM)
    return FALSE;
  config = _tw_restore_wizard_lookup_database (self, db_id);
  if (config == NULL)
    return FALSE;
  if (g_strcmp0 (self->db_id, db_id) != 0)
    {
      g_free (self->db_id);
      self->db_id = g_strdup (config->id);
      g_free (self->db_path);
      self->db_path = g_strdup (config->path);
      g_free (self->backup_dir);
      self->backup_dir = config->backup_dir != NULL && *config->backup_dir != '\0'
        ? g_strdup (config->backup_dir) : tw_backup_manager_default_dir (config->path);
      g_clear_pointer (&self->backup_path, g_free);
      g_clear_object (&self->chosen);
      g_clear_object (&self->current);
    }
  for (guint i = 0; i < self->db_rows->len; i++)
    {
      GtkWidget *check = g_object_get_data (g_ptr_array_index (self->db_rows, i), "tw-check");

      if (g_strcmp0 (g_object_get_data (G_OBJECT (check), "tw-id"), db_id) == 0
          && !gtk_check_button_get_active (GTK_CHECK_BUTTON (check)))
        gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
    }
  _tw_restore_wizard_update_nav (self);
  return TRUE;
}

/* Step 2: the backup */

static void
show_details (TwRestoreWizard *self)
{
  g_autoptr(GString) comparison = g_string_new (NULL);
  const char * const *tables;
  GtkWidget *row;

  _tw_restore_wizard_clear_rows (self->details_group, self->detail_rows);
  _tw_restore_wizard_clear_rows (self->tables_group, self->table_rows);
  g_clear_pointer (&self->comparison, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->tables_group), FALSE);

  if (self->backup_path == NULL)
    return;
  if (self->chosen == NULL)
    {
      GtkWidget *spinner;

      row = _tw_restore_wizard_add_row (self->details_group, self->detail_rows,
                                        _("Verifying the backup…"),
                                        _("A full integrity check, and the rows of every table"));
      spinner = gtk_spinner_new ();

      gtk_spinner_start (GTK_SPINNER (spinner));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spinner);
      return;
    }

  {
    TwBackupValidity valid = tw_backup_get_valid (self->chosen);
    GtkWidget *badge = tw_backup_ui_badge_new ();
    g_autofree char *describe = tw_backup_ui_describe (self->chosen);
    const char *problem = tw_backup_get_problem (self->chosen);

    row = _tw_restore_wizard_add_row (self->details_group, self->detail_rows,
                                      tw_backup_get_name (self->chosen), describe);
    tw_backup_ui_badge_set (badge, valid);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
    if (valid != TW_BACKUP_VALIDITY_VALID)
      {
        g_autofree char *text = g_strdup_printf (_("This backup cannot be restored: %s"),
                                                 problem != NULL ? problem : _("it is not a readable database"));

        row = _tw_restore_wizard_add_row (self->details_group, self->detail_rows, text, NULL);
        _tw_restore_wizard_set_row_icon (row, "dialog-error-symbolic", "error");
        g_string_append (comparison, text);
        self->comparison = g_string_free (g_steal_pointer (&comparison), FALSE);
        return;
      }
  }

  tables = tw_backup_get_tables (self->chosen);
  for (guint i = 0; tables != NULL && tables[i] != NULL; i++)
    {
      gint64 then = tw_backup_get_row_count (self->chosen, tables[i]);
      gint64 now = self->current != NULL ? tw_backup_get_row_count (self->current, tables[i]) : -1;
      g_autofree char *subtitle = NULL;
      g_autofree char *delta = NULL;
      GtkWidget *label;

      if (now >= 0)
        {
          delta = tw_backup_ui_format_delta (then - now);
          /* Translators: rows now and in the backup, e.g. "240 now · 236 in the backup" */
          subtitle = g_strdup_printf (_("%lld now · %lld in the backup"),
                                      (long long) now, (long long) then);
          g_string_append_printf (comparison, "%s: %" G_GINT64_FORMAT " now, %" G_GINT64_FORMAT
                                  " in the backup (%s)\n", tables[i], now, then, delta);
        }
      else
        {
          delta = g_strdup (_("new"));
          subtitle = g_strdup_printf (_("not in the current database · %lld in the backup"),
                                      (long long) then);
          g_string_append_printf (comparison, "%s: %" G_GINT64_FORMAT " in the backup (not now)\n",
                                  tables[i], then);
        }
      row = _tw_restore_wizard_add_row (self->tables_group, self->table_rows, tables[i], subtitle);
      label = gtk_label_new (NULL);
      if (now >= 0 && then < now)
        {
          g_autofree char *text = g_strdup_printf (_("%s rows lost"), delta);

          gtk_label_set_label (GTK_LABEL (label), text);
          gtk_widget_add_css_class (label, "warning");
        }
      else if (now >= 0 && then > now)
        {
          g_autofree char *text = g_strdup_printf (_("%s rows back"), delta);

          gtk_label_set_label (GTK_LABEL (label), text);
          gtk_widget_add_css_class (label, "accent");
        }
      else
        {
          gtk_label_set_label (GTK_LABEL (label), now >= 0 ? _("unchanged") : delta);
          gtk_widget_add_css_class (label, "dim-label");
        }
      gtk_widget_add_css_class (label, "heading");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
  /* Tables the backup does not have are lost entirely. */
  tables = self->current != NULL ? tw_backup_get_tables (self->current) : NULL;
  for (guint i = 0; tables != NULL && tables[i] != NULL; i++)
    {
      gint64 now = tw_backup_get_row_count (self->current, tables[i]);
      g_autofree char *subtitle = NULL;
      g_autofree char *text = NULL;
      GtkWidget *label;

      if (tw_backup_get_row_count (self->chosen, tables[i]) >= 0)
        continue;
      subtitle = g_strdup_printf (_("%lld now · not in the backup: the table goes"),
                                  (long long) now);
      text = g_strdup_printf (ngettext ("−%lld row lost", "−%lld rows lost", (gulong) now),
                              (long long) now);
      g_string_append_printf (comparison, "%s: %" G_GINT64_FORMAT " now, not in the backup (−%"
                              G_GINT64_FORMAT ")\n", tables[i], now, now);
      row = _tw_restore_wizard_add_row (self->tables_group, self->table_rows, tables[i], subtitle);
      label = gtk_label_new (text);
      gtk_widget_add_css_class (label, "warning");
      gtk_widget_add_css_class (label, "heading");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->tables_group), self->table_rows->len > 0);
  if (comparison->len > 0)
    g_string_truncate (comparison, comparison->len - 1);
  self->comparison = g_string_free (g_steal_pointer (&comparison), FALSE);
}

static void
verify_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TwRestoreWizard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) backup = tw_backup_manager_verify_finish (TW_BACKUP_MANAGER (object), result, &error);
  if (backup == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _tw_restore_wizard_toast (self, error->message);
      _tw_restore_wizard_busy_pop (self);
      return;
    }
  if (g_strcmp0 (tw_backup_get_path (backup), self->backup_path) == 0)
    g_set_object (&self->chosen, backup);
  else if (g_strcmp0 (tw_backup_get_path (backup), self->db_path) == 0)
    g_set_object (&self->current, backup);
  show_details (self);
  _tw_restore_wizard_busy_pop (self);
}

static void
choose_backup (TwRestoreWizard *self,
               const char      *path)
{
  char *copy;

  if (g_strcmp0 (self->backup_path, path) == 0 && self->chosen != NULL)
    return;
  /* @path may be self->backup_path itself. */
  copy = g_strdup (path);
  g_free (self->backup_path);
  self->backup_path = copy;
  g_clear_object (&self->chosen);
  show_details (self);

  /* Verified now, whatever the list said: what is restored is what was just checked. */
  _tw_restore_wizard_busy_push (self);
  tw_backup_manager_verify_async (self->manager, self->backup_path, FALSE, self->cancellable,
                                  verify_done_cb, g_object_ref (self));
  if (self->current == NULL && g_file_test (self->db_path, G_FILE_TEST_EXISTS))
    {
      _tw_restore_wizard_busy_push (self);
      tw_backup_manager_verify_async (self->manager, self->db_path, TRUE, self->cancellable,
                                      verify_done_cb, g_object_ref (self));
    }
  _tw_restore_wizard_update_nav (self);
}

static void
backup_toggled_cb (GtkCheckButton  *button,
                   TwRestoreWizard *self)
{
  if (gtk_check_button_get_active (button))
    choose_backup (self, g_object_get_data (G_OBJECT (button), "tw-path"));
}

static void
show_backups (TwRestoreWizard *self)
{
  GtkCheckButton *group = NULL;

  _tw_restore_wizard_clear_rows (self->backup_group, self->backup_rows);
  for (guint i = 0; i < self->backups->len; i++)
    {
      TwBackup *backup = g_ptr_array_index (self->backups, i);
      g_autofree char *describe = tw_backup_ui_describe (backup);
      g_autofree char *subtitle = tw_backup_get_pre_restore (backup)
        ? g_strdup_printf (_("Pre-restore backup · %s"), describe) : g_strdup (describe);
      GtkWidget *row = _tw_restore_wizard_add_row (self->backup_group, self->backup_rows,
                                                   tw_backup_get_name (backup), subtitle);
      GtkWidget *check = gtk_check_button_new ();

      g_object_set_data_full (G_OBJECT (check), "tw-path", g_strdup (tw_backup_get_path (backup)), g_free);
      g_object_set_data (G_OBJECT (row), "tw-check", check);
      if (group != NULL)
        gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
      else
        group = GTK_CHECK_BUTTON (check);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   g_strcmp0 (self->backup_path, tw_backup_get_path (backup)) == 0);
      g_signal_connect (check, "toggled", G_CALLBACK (backup_toggled_cb), self);
      /* Named by its row: an activatable row labels its widget with its title. */
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
    }
  if (self->backups->len == 0)
    _tw_restore_wizard_add_row (self->backup_group, self->backup_rows,
                                _("This database has no backup yet"), self->backup_dir);
}

static void
list_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TwRestoreWizard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) list = tw_backup_manager_list_finish (TW_BACKUP_MANAGER (object), result, &error);

  if (list == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _tw_restore_wizard_toast (self, error->message);
      _tw_restore_wizard_busy_pop (self);
      return;
    }
  g_ptr_array_set_size (self->backups, 0);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    g_ptr_array_add (self->backups, g_list_model_get_item (list, i));
  g_free (self->listed_db);
  self->listed_db = g_strdup (self->db_id);
  show_backups (self);
  if (self->backup_path != NULL && self->chosen == NULL)
    choose_backup (self, self->backup_path);
  _tw_restore_wizard_busy_pop (self);
}

void
_tw_restore_wizard_enter_backup (TwRestoreWizard *self)
{
  g_autofree char *title = g_strdup_printf (_("Which backup of %s?"), self->db_id);

  adw_preferences_group_set_title (self->backup_group, title);
  if (g_strcmp0 (self->listed_db, self->db_id) != 0)
    {
      _tw_restore_wizard_busy_push (self);
      _tw_restore_wizard_clear_rows (self->backup_group, self->backup_rows);
      tw_backup_manager_list_async (self->manager, self->db_path, self->backup_dir,
                                    self->cancellable, list_done_cb, g_object_ref (self));
    }
  show_details (self);
}
