/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The guided restore: the window, navigation, and steps 1 (database) and 2 (backup).
 * Steps 3 to 6 are in tw-restore-wizard-steps.c. */
#include "config.h"

#include "tw-restore-wizard.h"
#include "tw-restore-wizard-private.h"

#include <glib/gi18n.h>

#include "tw-backup-ui-util.h"
#include "tw-error.h"
#include "tw-ui-util.h"

G_DEFINE_FINAL_TYPE (TwRestoreWizard, tw_restore_wizard, ADW_TYPE_WINDOW)

static const char * const step_names[] = {
  N_("Database"), N_("Backup"), N_("Safety"), N_("Confirm"), N_("Restore"), N_("Result"),
};

static void choose_backup (TwRestoreWizard *self,
                           const char      *path);

/* Helpers shared with the steps file */

gboolean
_tw_restore_wizard_is_cancelled (GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
    || g_error_matches (error, TW_ERROR, TW_ERROR_CANCELLED);
}

void
_tw_restore_wizard_toast (TwRestoreWizard *self,
                          const char      *message)
{
  AdwToast *toast = adw_toast_new (message);

  /* One at a time: the newest is what matters. */
  if (self->toast != NULL)
    adw_toast_dismiss (self->toast);
  g_set_weak_pointer (&self->toast, toast);
  g_free (self->last_message);
  self->last_message = g_strdup (message);
  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
_tw_restore_wizard_clear_rows (AdwPreferencesGroup *group,
                               GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

GtkWidget *
_tw_restore_wizard_add_row (AdwPreferencesGroup *group,
                            GPtrArray           *rows,
                            const char          *title,
                            const char          *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_preferences_group_add (group, row);
  g_ptr_array_add (rows, row);
  return row;
}

/* A status icon at the start of @row (created on first use). */
void
_tw_restore_wizard_set_row_icon (GtkWidget  *row,
                                 const char *icon_name,
                                 const char *style)
{
  GtkWidget *icon = g_object_get_data (G_OBJECT (row), "tw-icon");

  if (icon == NULL)
    {
      icon = gtk_image_new ();
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      g_object_set_data (G_OBJECT (row), "tw-icon", icon);
    }
  gtk_image_set_from_icon_name (GTK_IMAGE (icon), icon_name);
  tw_ui_set_status_style (icon, style);
}

static void
busy_push (TwRestoreWizard *self)
{
  self->n_busy++;
}

static void
busy_pop (TwRestoreWizard *self)
{
  g_return_if_fail (self->n_busy > 0);
  self->n_busy--;
  _tw_restore_wizard_update_nav (self);
}

static TwDatabaseConfig *
lookup_database (TwRestoreWizard *self,
                 const char      *id)
{
  GPtrArray *databases = tw_profile_get_databases (tw_workspace_get_profile (self->workspace));

  for (guint i = 0; databases != NULL && i < databases->len; i++)
    {
      TwDatabaseConfig *config = g_ptr_array_index (databases, i);

      if (g_strcmp0 (config->id, id) == 0)
        return config;
    }
  return NULL;
}

/* Navigation */

static gboolean
compute_can_next (TwRestoreWizard *self)
{
  switch (self->step)
    {
    case TW_RESTORE_STEP_DATABASE:
      return self->db_id != NULL;
    case TW_RESTORE_STEP_BACKUP:
      return self->chosen != NULL && self->n_busy == 0
        && tw_backup_get_valid (self->chosen) == TW_BACKUP_VALIDITY_VALID;
    case TW_RESTORE_STEP_SAFETY:
      return !self->halting && _tw_restore_wizard_all_halted (self);
    case TW_RESTORE_STEP_CONFIRM:
    case TW_RESTORE_STEP_PROGRESS:
    case TW_RESTORE_STEP_RESULT:
    default:
      return FALSE;
    }
}

void
_tw_restore_wizard_update_nav (TwRestoreWizard *self)
{
  gboolean before_restore = self->step < TW_RESTORE_STEP_PROGRESS;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next", compute_can_next (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.back",
                                 before_restore && self->step > TW_RESTORE_STEP_DATABASE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.cancel", before_restore);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.restore",
                                 tw_restore_wizard_get_can_restore (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.halt-all",
                                 self->runner != NULL && !self->halting && !self->restoring);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.close", self->finished);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.copy-path", self->pre_restore_path != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.resume",
                                 self->finished && self->runner != NULL && !self->resumed);

  gtk_widget_set_visible (self->next_button, self->step < TW_RESTORE_STEP_CONFIRM);
  gtk_widget_set_visible (self->restore_button, self->step == TW_RESTORE_STEP_CONFIRM);
  gtk_widget_set_visible (self->close_button, self->step == TW_RESTORE_STEP_RESULT);
  gtk_widget_set_visible (self->back_button, before_restore);
  gtk_widget_set_visible (self->cancel_button, before_restore);
}

static void
update_step_indicator (TwRestoreWizard *self)
{
  g_autofree char *subtitle = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (self->step_labels); i++)
    {
      GtkWidget *label = self->step_labels[i];
      guint n = i + 1;

      gtk_widget_remove_css_class (label, "accent");
      gtk_widget_remove_css_class (label, "heading");
      gtk_widget_remove_css_class (label, "dim-label");
      if (n == self->step)
        {
          gtk_widget_add_css_class (label, "accent");
          gtk_widget_add_css_class (label, "heading");
        }
      else if (n > self->step)
        gtk_widget_add_css_class (label, "dim-label");
    }
  /* Translators: "Step 2 of 6: Backup" */
  subtitle = g_strdup_printf (_("Step %u of %u: %s"), self->step, 6,
                              _(step_names[self->step - 1]));
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

static void enter_backup (TwRestoreWizard *self);

static void
go_to (TwRestoreWizard *self,
       TwRestoreStep    step)
{
  char name[2] = { (char) ('0' + step), '\0' };

  if (self->step == TW_RESTORE_STEP_SAFETY && step != TW_RESTORE_STEP_SAFETY)
    _tw_restore_wizard_unwatch_states (self);
  self->step = step;
  gtk_stack_set_visible_child_name (self->stack, name);

  switch (step)
    {
    case TW_RESTORE_STEP_BACKUP:
      enter_backup (self);
      break;
    case TW_RESTORE_STEP_SAFETY:
      _tw_restore_wizard_enter_safety (self);
      break;
    case TW_RESTORE_STEP_CONFIRM:
      _tw_restore_wizard_enter_confirm (self);
      break;
    case TW_RESTORE_STEP_DATABASE:
    case TW_RESTORE_STEP_PROGRESS:
    case TW_RESTORE_STEP_RESULT:
    default:
      break;
    }
  update_step_indicator (self);
  _tw_restore_wizard_update_nav (self);
}

/* Step 1: the database */

static void
db_toggled_cb (GtkCheckButton  *button,
               TwRestoreWizard *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "tw-id");

  if (gtk_check_button_get_active (button))
    tw_restore_wizard_choose_database (self, id);
}

static void
build_databases (TwRestoreWizard *self)
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
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, config->id, -1);
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
  config = lookup_database (self, db_id);
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
          subtitle = g_strdup_printf (_("%" G_GINT64_FORMAT " now · %" G_GINT64_FORMAT " in the backup"),
                                      now, then);
          g_string_append_printf (comparison, "%s: %" G_GINT64_FORMAT " now, %" G_GINT64_FORMAT
                                  " in the backup (%s)\n", tables[i], now, then, delta);
        }
      else
        {
          delta = g_strdup (_("new"));
          subtitle = g_strdup_printf (_("not in the current database · %" G_GINT64_FORMAT " in the backup"),
                                      then);
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
      subtitle = g_strdup_printf (_("%" G_GINT64_FORMAT " now · not in the backup: the table goes"), now);
      text = g_strdup_printf (_("−%" G_GINT64_FORMAT " rows lost"), now);
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
      if (!_tw_restore_wizard_is_cancelled (error))
        _tw_restore_wizard_toast (self, error->message);
      busy_pop (self);
      return;
    }
  if (g_strcmp0 (tw_backup_get_path (backup), self->backup_path) == 0)
    g_set_object (&self->chosen, backup);
  else if (g_strcmp0 (tw_backup_get_path (backup), self->db_path) == 0)
    g_set_object (&self->current, backup);
  show_details (self);
  busy_pop (self);
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
  busy_push (self);
  tw_backup_manager_verify_async (self->manager, self->backup_path, FALSE, self->cancellable,
                                  verify_done_cb, g_object_ref (self));
  if (self->current == NULL && g_file_test (self->db_path, G_FILE_TEST_EXISTS))
    {
      busy_push (self);
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
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      tw_backup_get_name (backup), -1);
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
      if (!_tw_restore_wizard_is_cancelled (error))
        _tw_restore_wizard_toast (self, error->message);
      busy_pop (self);
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
  busy_pop (self);
}

static void
enter_backup (TwRestoreWizard *self)
{
  g_autofree char *title = g_strdup_printf (_("Which backup of %s?"), self->db_id);

  adw_preferences_group_set_title (self->backup_group, title);
  if (g_strcmp0 (self->listed_db, self->db_id) != 0)
    {
      busy_push (self);
      _tw_restore_wizard_clear_rows (self->backup_group, self->backup_rows);
      tw_backup_manager_list_async (self->manager, self->db_path, self->backup_dir,
                                    self->cancellable, list_done_cb, g_object_ref (self));
    }
  show_details (self);
}

gboolean
tw_restore_wizard_choose_backup (TwRestoreWizard *self,
                                 const char      *backup_path)
{
  g_return_val_if_fail (TW_IS_RESTORE_WIZARD (self), FALSE);
  g_return_val_if_fail (backup_path != NULL, FALSE);

  if (self->step != TW_RESTORE_STEP_BACKUP)
    return FALSE;
  for (guint i = 0; i < self->backup_rows->len; i++)
    {
      GtkWidget *check = g_object_get_data (g_ptr_array_index (self->backup_rows, i), "tw-check");

      if (check != NULL && g_strcmp0 (g_object_get_data (G_OBJECT (check), "tw-path"), backup_path) == 0)
        {
          if (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)))
            choose_backup (self, backup_path);
          else
            gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
          return TRUE;
        }
    }
  return FALSE;
}

/* Actions */

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TwRestoreWizard *self = TW_RESTORE_WIZARD (widget);

  if (compute_can_next (self))
    go_to (self, self->step + 1);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TwRestoreWizard *self = TW_RESTORE_WIZARD (widget);

  if (self->step > TW_RESTORE_STEP_DATABASE && self->step < TW_RESTORE_STEP_PROGRESS)
    go_to (self, self->step - 1);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TwRestoreWizard *self = TW_RESTORE_WIZARD (widget);

  if (self->step < TW_RESTORE_STEP_PROGRESS)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  TwRestoreWizard *self = TW_RESTORE_WIZARD (widget);

  if (!self->restoring)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TwRestoreWizard *self = TW_RESTORE_WIZARD (widget);

  if (!tw_restore_wizard_get_can_restore (self))
    return;
  go_to (self, TW_RESTORE_STEP_PROGRESS);
  _tw_restore_wizard_start_restore (self);
}

static void
halt_all_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  _tw_restore_wizard_halt_all (TW_RESTORE_WIZARD (widget));
}

static void
resume_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  _tw_restore_wizard_resume (TW_RESTORE_WIZARD (widget));
}

static void
copy_path_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  _tw_restore_wizard_copy_path (TW_RESTORE_WIZARD (widget));
}

static void
confirm_changed_cb (TwRestoreWizard *self)
{
  _tw_restore_wizard_update_confirm (self);
}

/* GtkWindow */

static gboolean
tw_restore_wizard_close_request (GtkWindow *window)
{
  TwRestoreWizard *self = TW_RESTORE_WIZARD (window);

  if (self->restoring)
    {
      /* The restore finishes or puts the database back by itself; closing would only hide it. */
      _tw_restore_wizard_toast (self, _("A restore cannot be interrupted: wait until it has finished"));
      return TRUE;
    }
  g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (tw_restore_wizard_parent_class)->close_request (window);
}

/* GObject */

static void
tw_restore_wizard_dispose (GObject *object)
{
  TwRestoreWizard *self = TW_RESTORE_WIZARD (object);

  g_cancellable_cancel (self->cancellable);
  _tw_restore_wizard_unwatch_states (self);
  g_clear_weak_pointer (&self->guard_dialog);
  g_clear_weak_pointer (&self->toast);
  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_RESTORE_WIZARD);
  g_clear_object (&self->manager);
  g_clear_object (&self->workspace);
  g_clear_object (&self->runner);
  g_clear_object (&self->monitor);
  g_clear_object (&self->chosen);
  g_clear_object (&self->current);
  g_clear_object (&self->request);

  G_OBJECT_CLASS (tw_restore_wizard_parent_class)->dispose (object);
}

static void
tw_restore_wizard_finalize (GObject *object)
{
  TwRestoreWizard *self = TW_RESTORE_WIZARD (object);

  g_clear_object (&self->cancellable);
  g_free (self->db_id);
  g_free (self->db_path);
  g_free (self->backup_dir);
  g_free (self->backup_path);
  g_free (self->listed_db);
  g_free (self->comparison);
  g_free (self->safety_text);
  g_free (self->result_text);
  g_free (self->pre_restore_path);
  g_free (self->last_message);
  g_ptr_array_unref (self->backups);
  g_ptr_array_unref (self->db_rows);
  g_ptr_array_unref (self->backup_rows);
  g_ptr_array_unref (self->detail_rows);
  g_ptr_array_unref (self->table_rows);
  g_ptr_array_unref (self->service_rows);
  g_ptr_array_unref (self->preflight_rows);
  g_ptr_array_unref (self->watched_states);

  G_OBJECT_CLASS (tw_restore_wizard_parent_class)->finalize (object);
}

static void
tw_restore_wizard_class_init (TwRestoreWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = tw_restore_wizard_dispose;
  object_class->finalize = tw_restore_wizard_finalize;
  window_class->close_request = tw_restore_wizard_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-restore-wizard.ui");
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, window_title);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, steps_box);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, stack);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, db_group);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, backup_group);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, details_group);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, tables_group);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, services_group);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, halt_button);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, preflight_group);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, confirm_label);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, name_entry);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, profile_entry);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, problem_label);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, progress_group);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, result_icon);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, result_title);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, result_label);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, pre_restore_row);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, resume_group);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, next_button);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, restore_button);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, close_button);
  gtk_widget_class_bind_template_child (widget_class, TwRestoreWizard, back_button);
  gtk_widget_class_bind_template_callback (widget_class, confirm_changed_cb);

  gtk_widget_class_install_action (widget_class, "wizard.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "wizard.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "wizard.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "wizard.restore", NULL, restore_action);
  gtk_widget_class_install_action (widget_class, "wizard.halt-all", NULL, halt_all_action);
  gtk_widget_class_install_action (widget_class, "wizard.resume", NULL, resume_action);
  gtk_widget_class_install_action (widget_class, "wizard.copy-path", NULL, copy_path_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "wizard.cancel", NULL);
}

static void
tw_restore_wizard_init (TwRestoreWizard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->step = TW_RESTORE_STEP_DATABASE;
  self->backups = g_ptr_array_new_with_free_func (g_object_unref);
  self->db_rows = g_ptr_array_new ();
  self->backup_rows = g_ptr_array_new ();
  self->detail_rows = g_ptr_array_new ();
  self->table_rows = g_ptr_array_new ();
  self->service_rows = g_ptr_array_new ();
  self->preflight_rows = g_ptr_array_new ();
  self->watched_states = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < G_N_ELEMENTS (self->step_labels); i++)
    {
      /* Translators: a step of the wizard with its number, "2 Backup" */
      g_autofree char *text = g_strdup_printf (_("%u %s"), i + 1, _(step_names[i]));

      if (i > 0)
        {
          GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

          gtk_widget_add_css_class (arrow, "dim-label");
          gtk_accessible_update_property (GTK_ACCESSIBLE (arrow), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
          gtk_box_append (self->steps_box, arrow);
        }
      self->step_labels[i] = gtk_label_new (text);
      gtk_box_append (self->steps_box, self->step_labels[i]);
    }
  _tw_restore_wizard_build_progress (self);
}

TwRestoreWizard *
tw_restore_wizard_new (GtkWindow       *parent,
                       TwBackupManager *manager,
                       TwWorkspace     *workspace,
                       TwActionRunner  *runner,
                       TwRiskMonitor   *monitor)
{
  TwRestoreWizard *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (TW_IS_BACKUP_MANAGER (manager), NULL);
  g_return_val_if_fail (TW_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (runner == NULL || TW_IS_ACTION_RUNNER (runner), NULL);
  g_return_val_if_fail (monitor == NULL || TW_IS_RISK_MONITOR (monitor), NULL);

  self = g_object_new (TW_TYPE_RESTORE_WIZARD, "transient-for", parent, NULL);
  self->manager = g_object_ref (manager);
  self->workspace = g_object_ref (workspace);
  self->runner = runner != NULL ? g_object_ref (runner) : NULL;
  self->monitor = monitor != NULL ? g_object_ref (monitor) : NULL;
  if (parent != NULL && gtk_window_get_application (parent) != NULL)
    gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));

  build_databases (self);
  go_to (self, TW_RESTORE_STEP_DATABASE);
  return self;
}

void
tw_restore_wizard_preselect (TwRestoreWizard *self,
                             const char      *db_id,
                             const char      *backup_path)
{
  g_return_if_fail (TW_IS_RESTORE_WIZARD (self));
  g_return_if_fail (self->step == TW_RESTORE_STEP_DATABASE);

  if (db_id == NULL || !tw_restore_wizard_choose_database (self, db_id))
    return;
  if (backup_path != NULL)
    {
      g_free (self->backup_path);
      self->backup_path = g_strdup (backup_path);
      go_to (self, TW_RESTORE_STEP_BACKUP);
    }
}

/* Getters */

TwRestoreStep
tw_restore_wizard_get_step (TwRestoreWizard *self)
{
  g_return_val_if_fail (TW_IS_RESTORE_WIZARD (self), 0);

  return self->step;
}

gboolean
tw_restore_wizard_get_can_next (TwRestoreWizard *self)
{
  g_return_val_if_fail (TW_IS_RESTORE_WIZARD (self), FALSE);

  return compute_can_next (self);
}

gboolean
tw_restore_wizard_is_busy (TwRestoreWizard *self)
{
  g_return_val_if_fail (TW_IS_RESTORE_WIZARD (self), FALSE);

  return self->n_busy > 0 || self->halting || self->restoring;
}

const char *
tw_restore_wizard_get_comparison (TwRestoreWizard *self)
{
  g_return_val_if_fail (TW_IS_RESTORE_WIZARD (self), NULL);

  return self->comparison;
}

const char *
tw_restore_wizard_get_safety_text (TwRestoreWizard *self)
{
  g_return_val_if_fail (TW_IS_RESTORE_WIZARD (self), NULL);

  return self->safety_text;
}

gboolean
tw_restore_wizard_get_succeeded (TwRestoreWizard *self)
{
  g_return_val_if_fail (TW_IS_RESTORE_WIZARD (self), FALSE);

  return self->succeeded;
}

const char *
tw_restore_wizard_get_result_text (TwRestoreWizard *self)
{
  g_return_val_if_fail (TW_IS_RESTORE_WIZARD (self), NULL);

  return self->result_text;
}

const char *
tw_restore_wizard_get_pre_restore_path (TwRestoreWizard *self)
{
  g_return_val_if_fail (TW_IS_RESTORE_WIZARD (self), NULL);

  return self->pre_restore_path;
}

const char *
tw_restore_wizard_get_last_message (TwRestoreWizard *self)
{
  g_return_val_if_fail (TW_IS_RESTORE_WIZARD (self), NULL);

  return self->last_message;
}

GtkWidget *
tw_restore_wizard_get_guard_dialog (TwRestoreWizard *self)
{
  g_return_val_if_fail (TW_IS_RESTORE_WIZARD (self), NULL);

  return self->guard_dialog;
}
