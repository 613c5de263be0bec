/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The guided restore: the window, navigation and actions. Steps 1 (database) and 2
 * (backup) are in tw-restore-wizard-choose.c, steps 3 to 6 in tw-restore-wizard-steps.c. */
#include "config.h"

#include "tw-restore-wizard.h"
#include "tw-restore-wizard-private.h"

#include <glib/gi18n.h>

#include "tw-backup-ui-util.h"
#include "tw-ui-util.h"

G_DEFINE_FINAL_TYPE (TwRestoreWizard, tw_restore_wizard, ADW_TYPE_WINDOW)

static const char * const step_names[] = {
  N_("Database"), N_("Backup"), N_("Safety"), N_("Confirm"), N_("Restore"), N_("Result"),
};

/* Helpers shared with the steps file */

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

/* A toast belongs to the step it was shown on: moving on dismisses it. */
void
_tw_restore_wizard_clear_toast (TwRestoreWizard *self)
{
  if (self->toast != NULL)
    adw_toast_dismiss (self->toast);
  g_clear_weak_pointer (&self->toast);
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

void
_tw_restore_wizard_busy_push (TwRestoreWizard *self)
{
  self->n_busy++;
}

void
_tw_restore_wizard_busy_pop (TwRestoreWizard *self)
{
  g_return_if_fail (self->n_busy > 0);
  self->n_busy--;
  _tw_restore_wizard_update_nav (self);
}

TwDatabaseConfig *
_tw_restore_wizard_lookup_database (TwRestoreWizard *self,
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

static void
go_to (TwRestoreWizard *self,
       TwRestoreStep    step)
{
  char name[2] = { (char) ('0' + step), '\0' };

  if (self->step == TW_RESTORE_STEP_SAFETY && step != TW_RESTORE_STEP_SAFETY)
    _tw_restore_wizard_unwatch_states (self);
  if (step != self->step)
    _tw_restore_wizard_clear_toast (self);
  self->step = step;
  gtk_stack_set_visible_child_name (self->stack, name);

  switch (step)
    {
    case TW_RESTORE_STEP_BACKUP:
      _tw_restore_wizard_enter_backup (self);
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

/* Enter in one of the confirm step's entries: on to the next one shown (never the
 * restore itself, which stays a click or Alt+R on its button). */
static void
confirm_entry_activated_cb (TwRestoreWizard *self,
                            AdwEntryRow     *entry)
{
  GtkWidget *next = NULL;

  if (entry == self->name_entry && gtk_widget_get_visible (GTK_WIDGET (self->profile_entry)))
    next = GTK_WIDGET (self->profile_entry);
  else if (entry == self->name_entry || entry == self->profile_entry)
    next = GTK_WIDGET (self->reason_entry);
  if (next != NULL)
    gtk_widget_grab_focus (next);
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
  gtk_widget_class_bind_template_callback (widget_class, confirm_entry_activated_cb);

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

  _tw_restore_wizard_build_databases (self);
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

const char *
tw_restore_wizard_get_problem (TwRestoreWizard *self)
{
  g_return_val_if_fail (TW_IS_RESTORE_WIZARD (self), NULL);

  return gtk_label_get_label (self->problem_label);
}

const char *
tw_restore_wizard_get_result_title (TwRestoreWizard *self)
{
  g_return_val_if_fail (TW_IS_RESTORE_WIZARD (self), NULL);

  return gtk_label_get_label (self->result_title);
}

gboolean
tw_restore_wizard_has_toast (TwRestoreWizard *self)
{
  g_return_val_if_fail (TW_IS_RESTORE_WIZARD (self), FALSE);

  return self->toast != NULL;
}

GtkWidget *
tw_restore_wizard_get_guard_dialog (TwRestoreWizard *self)
{
  g_return_val_if_fail (TW_IS_RESTORE_WIZARD (self), NULL);

  return self->guard_dialog;
}
