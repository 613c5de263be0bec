/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The guided restore, steps 3 (safety), 4 (confirm), 5 (progress) and 6 (result). */
#include "config.h"

#include "tw-restore-wizard.h"
#include "tw-restore-wizard-private.h"

#include <glib/gi18n.h>

#include "tw-backup-ui-util.h"
#include "tw-error.h"
#include "tw-guard-dialog.h"
#include "tw-ui-util.h"

/* Step 3: safety */

/* A service counts when it can be halted from here (or reports being halted). */
static gboolean
state_counts (TwTradingState *state)
{
  return tw_trading_state_get_can_halt (state) || tw_trading_state_get_kill_switch_supported (state)
    || tw_trading_state_is_halted (state);
}

/* Halted as far as can be known: a service that cannot say (AI trading) when this
 * console's last halt or emergency stop on it succeeded. */
static gboolean
state_halted (TwTradingState *state)
{
  return tw_trading_state_is_halted (state) || tw_trading_state_is_halted_by_console (state);
}

gboolean
_tw_restore_wizard_all_halted (TwRestoreWizard *self)
{
  GListModel *states;

  if (self->monitor == NULL)
    return TRUE;   /* nothing to check here: the pre-flight still refuses a held database */
  states = tw_risk_monitor_get_states (self->monitor);
  for (guint i = 0; i < g_list_model_get_n_items (states); i++)
    {
      g_autoptr(TwTradingState) state = g_list_model_get_item (states, i);

      if (state_counts (state) && !state_halted (state))
        return FALSE;
    }
  return TRUE;
}

static const char *
mode_word (TwTradingState *state)
{
  if (!tw_trading_state_get_reported (state))
    return tw_trading_state_is_halted_by_console (state) ? _("Halted from here") : _("Not reported");
  if (tw_trading_state_get_kill_switch_active (state))
    return _("Kill switch on");
  if (tw_trading_state_get_trading_blocked (state))
    return _("Trading blocked");
  switch (tw_trading_state_get_mode (state))
    {
    case TW_TRADING_ACTIVE:
      return _("ACTIVE");
    case TW_TRADING_REDUCING:
      return _("REDUCING");
    case TW_TRADING_HALTED:
      return _("HALTED");
    case TW_TRADING_UNKNOWN:
    default:
      return _("Not known yet");
    }
}

static void
update_safety (TwRestoreWizard *self)
{
  GListModel *states = self->monitor != NULL ? tw_risk_monitor_get_states (self->monitor) : NULL;
  guint n_counted = 0, n_halted = 0;
  gboolean all_halted;
  GtkWidget *row;

  _tw_restore_wizard_clear_rows (self->services_group, self->service_rows);
  _tw_restore_wizard_clear_rows (self->preflight_group, self->preflight_rows);

  for (guint i = 0; states != NULL && i < g_list_model_get_n_items (states); i++)
    {
      g_autoptr(TwTradingState) state = g_list_model_get_item (states, i);
      gboolean halted = state_halted (state);
      gboolean counts = state_counts (state);
      g_autofree char *subtitle = NULL;
      GtkWidget *word;
      const char *reason = tw_trading_state_get_reason (state);

      n_counted += counts;
      n_halted += counts && halted;
      if (!counts)
        subtitle = g_strdup (_("Cannot be halted from Trade Warden: stop it by hand if it writes to this database"));
      else if (!tw_trading_state_get_reported (state))
        subtitle = g_strdup (halted ? _("Halted from this console; the service does not report its state")
                                    : _("The service does not report its state: halt it from here before restoring"));
      else if (halted && reason != NULL && *reason != '\0')
        subtitle = g_strdup (reason);
      else if (!halted)
        subtitle = g_strdup (_("Still trading: halt it before restoring"));
      row = _tw_restore_wizard_add_row (self->services_group, self->service_rows,
                                        tw_trading_state_get_service_name (state), subtitle);
      _tw_restore_wizard_set_row_icon (row,
                                       halted ? "media-playback-stop-symbolic"
                                       : counts ? "dialog-warning-symbolic" : "action-unavailable-symbolic",
                                       halted ? tw_ui_trading_mode_style (TW_TRADING_HALTED)
                                       : counts ? "warning" : NULL);
      word = gtk_label_new (counts ? mode_word (state) : _("No halt control"));
      gtk_widget_add_css_class (word, "heading");
      /* HALTED in the same red as on Breakers: one colour per state everywhere. */
      tw_ui_set_status_style (word, halted ? tw_ui_trading_mode_style (TW_TRADING_HALTED)
                                    : counts ? "warning" : NULL);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), word);
    }
  if (states == NULL)
    _tw_restore_wizard_add_row (self->services_group, self->service_rows,
                                _("The services' trading state is not watched in this window"),
                                _("Stop every service that writes to this database before you go on"));

  all_halted = _tw_restore_wizard_all_halted (self);
  g_free (self->safety_text);
  if (self->halting)
    self->safety_text = g_strdup (_("Halting every service…"));
  else if (n_counted == 0)
    self->safety_text = g_strdup (_("No service here can trade"));
  else if (all_halted)
    self->safety_text = g_strdup_printf (ngettext ("The %u service that can trade is halted",
                                                   "All %u services that can trade are halted",
                                                   n_counted), n_counted);
  else
    self->safety_text = g_strdup_printf (ngettext ("%u of %u service is halted: halt all before restoring",
                                                   "%u of %u services are halted: halt all before restoring",
                                                   n_counted), n_halted, n_counted);

  row = _tw_restore_wizard_add_row (self->preflight_group, self->preflight_rows,
                                    _("Trading halted or kill switch on"), self->safety_text);
  _tw_restore_wizard_set_row_icon (row, all_halted ? "emblem-ok-symbolic" : "dialog-warning-symbolic",
                                   all_halted ? "success" : "warning");

  row = _tw_restore_wizard_add_row (self->preflight_group, self->preflight_rows,
                                    _("No other process holds the database"),
                                    _("Checked when the restore starts: a process with the file open, or a connection holding a lock, makes it refuse"));
  _tw_restore_wizard_set_row_icon (row, "radio-symbolic", NULL);

  {
    gboolean valid = self->chosen != NULL && tw_backup_get_valid (self->chosen) == TW_BACKUP_VALIDITY_VALID;
    g_autofree char *subtitle = g_strdup_printf (_("%s: integrity check %s"),
                                                 self->chosen != NULL ? tw_backup_get_name (self->chosen) : "",
                                                 valid ? _("ok") : _("failed"));

    row = _tw_restore_wizard_add_row (self->preflight_group, self->preflight_rows,
                                      _("Backup verified"), subtitle);
    _tw_restore_wizard_set_row_icon (row, valid ? "emblem-ok-symbolic" : "dialog-error-symbolic",
                                     valid ? "success" : "error");
  }

  gtk_widget_set_sensitive (self->halt_button, self->runner != NULL && !self->halting && !all_halted);
  _tw_restore_wizard_update_nav (self);
}

static void
state_changed_cb (TwRestoreWizard *self)
{
  if (self->step == TW_RESTORE_STEP_SAFETY)
    update_safety (self);
}

void
_tw_restore_wizard_unwatch_states (TwRestoreWizard *self)
{
  for (guint i = 0; i < self->watched_states->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched_states, i), self);
  g_ptr_array_set_size (self->watched_states, 0);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (tw_risk_monitor_get_states (self->monitor), self);
}

void
_tw_restore_wizard_enter_safety (TwRestoreWizard *self)
{
  _tw_restore_wizard_unwatch_states (self);
  if (self->monitor != NULL)
    {
      GListModel *states = tw_risk_monitor_get_states (self->monitor);

      g_signal_connect_swapped (states, "items-changed", G_CALLBACK (_tw_restore_wizard_enter_safety), self);
      for (guint i = 0; i < g_list_model_get_n_items (states); i++)
        {
          TwTradingState *state = g_list_model_get_item (states, i);

          g_signal_connect_swapped (state, "notify", G_CALLBACK (state_changed_cb), self);
          g_ptr_array_add (self->watched_states, state);
        }
      tw_risk_monitor_refresh (self->monitor);
    }
  update_safety (self);
}

static void
halt_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TwRestoreWizard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = tw_action_runner_halt_all_finish (TW_ACTION_RUNNER (object), result, &error);
  g_autoptr(GString) failed = g_string_new (NULL);
  guint n_ok = 0;

  self->halting = FALSE;
  if (results == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _tw_restore_wizard_toast (self, error->message);
      update_safety (self);
      return;
    }
  for (guint i = 0; i < results->len; i++)
    {
      TwActionResult *r = g_ptr_array_index (results, i);

      if (tw_action_result_get_ok (r))
        n_ok++;
      /* Those with no halt control are shown as such in the list: not a failure of this halt. */
      else if (tw_action_result_get_outcome (r) == TW_ACTION_OUTCOME_UNSUPPORTED)
        continue;
      else
        g_string_append_printf (failed, "%s%s: %s", failed->len > 0 ? "; " : "",
                                tw_action_result_get_service_name (r), tw_action_result_get_message (r));
    }
  if (failed->len == 0)
    {
      g_autofree char *message = g_strdup_printf (ngettext ("Halted %u service", "Halted %u services", n_ok), n_ok);

      _tw_restore_wizard_toast (self, message);
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("Not every service halted — %s"), failed->str);

      _tw_restore_wizard_toast (self, message);
    }
  if (self->monitor != NULL)
    tw_risk_monitor_refresh (self->monitor);
  update_safety (self);
}

void
_tw_restore_wizard_halt_all (TwRestoreWizard *self)
{
  g_autofree char *reason = NULL;

  if (self->runner == NULL || self->halting)
    return;
  self->halting = TRUE;
  /* Toward safety: one click, no dialog; the reason says why for the audit log. */
  reason = g_strdup_printf ("Halted from Trade Warden to restore %s", self->db_id != NULL ? self->db_id : "a database");
  tw_action_runner_halt_all_async (self->runner, reason, self->cancellable, halt_done_cb, g_object_ref (self));
  update_safety (self);
}

/* Step 4: confirm */

void
_tw_restore_wizard_enter_confirm (TwRestoreWizard *self)
{
  TwProfile *profile = tw_workspace_get_profile (self->workspace);
  g_autofree char *basename = g_path_get_basename (self->db_path);
  g_autofree char *name_title = NULL;
  g_autofree char *profile_title = NULL;
  g_autofree char *text = NULL;
  g_autofree char *when = NULL;
  gboolean live = tw_profile_get_mode (profile) == TW_MODE_LIVE;

  if (self->request == NULL
      || g_strcmp0 (tw_guard_request_get_target (self->request), self->db_path) != 0)
    {
      g_clear_object (&self->request);
      self->request = tw_guard_request_new ("backup.restore", self->db_path,
                                            tw_profile_get_name (profile), tw_profile_get_mode (profile));
    }

  when = self->chosen != NULL ? tw_backup_ui_describe (self->chosen) : g_strdup ("");
  text = g_markup_printf_escaped (_("You are about to replace <b>%s</b> with the backup <b>%s</b> (%s).\n"
                                    "The database as it is now is first saved as a pre-restore backup, "
                                    "and put back if the result does not check out."),
                                  self->db_path, self->chosen != NULL ? tw_backup_get_name (self->chosen) : "",
                                  when);
  gtk_label_set_markup (self->confirm_label, text);

  /* Translators: %s is a file name such as investiq.db */
  name_title = g_strdup_printf (_("Type the database's file name: %s"), basename);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_entry), name_title);
  profile_title = g_strdup_printf (_("LIVE profile — type its name: %s"), tw_profile_get_name (profile));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->profile_entry), profile_title);
  gtk_widget_set_visible (GTK_WIDGET (self->profile_entry), live);
  _tw_restore_wizard_update_confirm (self);
  /* What this step asks first is typing: the keyboard starts in the file name. */
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

static const char *
typed_problem (TwRestoreWizard *self)
{
  g_autofree char *basename = NULL;

  if (self->db_path == NULL)
    return _("Choose a database first");
  basename = g_path_get_basename (self->db_path);
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->name_entry)), basename) != 0)
    return _("Type the database's file name exactly");
  return NULL;
}

void
_tw_restore_wizard_update_confirm (TwRestoreWizard *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *needed = NULL;
  const char *problem;

  if (self->request == NULL)
    return;
  tw_guard_request_set_reason (self->request, gtk_editable_get_text (GTK_EDITABLE (self->reason_entry)));
  tw_guard_request_set_typed_confirmation (self->request,
                                           gtk_editable_get_text (GTK_EDITABLE (self->profile_entry)));
  problem = typed_problem (self);
  if (problem != NULL)
    gtk_label_set_label (self->problem_label, problem);
  else if ((missing = tw_guard_request_dup_missing (self->request)) != NULL)
    {
      /* Nothing was refused yet: only what is still needed. */
      /* Translators: %s lists what the guard still needs, e.g. "a reason of at least 10 characters" */
      needed = g_strdup_printf (_("Still needed: %s."), missing);
      gtk_label_set_label (self->problem_label, needed);
    }
  else if (!tw_guard_request_check (self->request, &error))
    gtk_label_set_label (self->problem_label, error->message);
  else
    gtk_label_set_label (self->problem_label, "");
  _tw_restore_wizard_update_nav (self);
}

gboolean
tw_restore_wizard_get_can_restore (TwRestoreWizard *self)
{
  g_return_val_if_fail (TW_IS_RESTORE_WIZARD (self), FALSE);

  return self->step == TW_RESTORE_STEP_CONFIRM && self->request != NULL && !self->restoring
    && self->chosen != NULL && tw_backup_get_valid (self->chosen) == TW_BACKUP_VALIDITY_VALID
    && typed_problem (self) == NULL && tw_guard_request_check (self->request, NULL)
    && _tw_restore_wizard_all_halted (self);
}

void
tw_restore_wizard_set_typed_name (TwRestoreWizard *self,
                                  const char      *text)
{
  g_return_if_fail (TW_IS_RESTORE_WIZARD (self));

  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), text != NULL ? text : "");
}

void
tw_restore_wizard_set_typed_profile (TwRestoreWizard *self,
                                     const char      *text)
{
  g_return_if_fail (TW_IS_RESTORE_WIZARD (self));

  gtk_editable_set_text (GTK_EDITABLE (self->profile_entry), text != NULL ? text : "");
}

void
tw_restore_wizard_set_reason (TwRestoreWizard *self,
                              const char      *reason)
{
  g_return_if_fail (TW_IS_RESTORE_WIZARD (self));

  gtk_editable_set_text (GTK_EDITABLE (self->reason_entry), reason != NULL ? reason : "");
}

/* Step 5: progress */

static const struct
{
  TwBackupStep  step;
  const char   *title;
  const char   *pending;
} progress_steps[TW_RESTORE_N_PROGRESS] = {
  { TW_BACKUP_STEP_PREFLIGHT, N_("Pre-flight"), N_("Trading halted, nobody holding the database, the backup verified") },
  { TW_BACKUP_STEP_PRE_RESTORE_BACKUP, N_("Pre-restore backup"), N_("The database as it is now, saved and verified") },
  { TW_BACKUP_STEP_REPLACE, N_("Replace"), N_("The backup copied next to the database, synced, renamed over it") },
  { TW_BACKUP_STEP_POST_VERIFY, N_("Post-verify"), N_("Integrity check and row counts of the result") },
};

static void
set_progress_state (TwRestoreWizard *self,
                    guint            index,
                    const char      *state,
                    const char      *subtitle)
{
  TwRestoreProgressRow *p = &self->progress[index];
  gboolean running = g_str_equal (state, "running");

  p->state = state;
  gtk_widget_set_visible (p->spinner, running);
  gtk_widget_set_visible (p->icon, !running);
  if (running)
    gtk_spinner_start (GTK_SPINNER (p->spinner));
  else
    gtk_spinner_stop (GTK_SPINNER (p->spinner));

  if (g_str_equal (state, "done"))
    {
      gtk_image_set_from_icon_name (GTK_IMAGE (p->icon), "emblem-ok-symbolic");
      tw_ui_set_status_style (p->icon, "success");
    }
  else if (g_str_equal (state, "failed"))
    {
      gtk_image_set_from_icon_name (GTK_IMAGE (p->icon), "dialog-error-symbolic");
      tw_ui_set_status_style (p->icon, "error");
    }
  else
    {
      gtk_image_set_from_icon_name (GTK_IMAGE (p->icon), "radio-symbolic");
      tw_ui_set_status_style (p->icon, NULL);
    }
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (p->row), subtitle);
}

void
_tw_restore_wizard_build_progress (TwRestoreWizard *self)
{
  for (guint i = 0; i < TW_RESTORE_N_PROGRESS; i++)
    {
      TwRestoreProgressRow *p = &self->progress[i];
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

      p->step = progress_steps[i].step;
      p->row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (p->row), _(progress_steps[i].title));
      p->icon = gtk_image_new ();
      gtk_accessible_update_property (GTK_ACCESSIBLE (p->icon), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
      p->spinner = gtk_spinner_new ();
      gtk_box_append (GTK_BOX (box), p->icon);
      gtk_box_append (GTK_BOX (box), p->spinner);
      adw_action_row_add_prefix (ADW_ACTION_ROW (p->row), box);
      adw_preferences_group_add (self->progress_group, p->row);
      set_progress_state (self, i, "pending", _(progress_steps[i].pending));
    }
}

const char *
tw_restore_wizard_get_step_state (TwRestoreWizard *self,
                                  TwBackupStep     step)
{
  g_return_val_if_fail (TW_IS_RESTORE_WIZARD (self), NULL);

  for (guint i = 0; i < TW_RESTORE_N_PROGRESS; i++)
    if (self->progress[i].step == step)
      return self->progress[i].state;
  return NULL;
}

static void
progress_cb (TwBackupManager *manager,
             TwBackupStep     step,
             double           fraction,
             TwRestoreWizard *self)
{
  gint index = -1;

  if (!self->restoring)
    return;
  for (guint i = 0; i < TW_RESTORE_N_PROGRESS; i++)
    if (self->progress[i].step == step)
      index = i;
  if (index < 0)
    return;   /* a snapshot or verify inside a step, or another operation of the manager */
  /* Reaching a step means the earlier ones succeeded. */
  for (gint i = 0; i < index; i++)
    if (!g_str_equal (self->progress[i].state, "done"))
      set_progress_state (self, i, "done", NULL);
  if (fraction >= 1.0)
    set_progress_state (self, index, "done", NULL);
  else if (!g_str_equal (self->progress[index].state, "running"))
    set_progress_state (self, index, "running", NULL);
}

static void show_result (TwRestoreWizard  *self,
                         TwRestoreOutcome  outcome,
                         GError           *error,
                         TwBackup         *pre_restore);

static void
restore_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TwRestoreWizard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) pre_restore = NULL;
  TwRestoreOutcome outcome = TW_RESTORE_OUTCOME_CHECK;
  gboolean ok;

  ok = tw_backup_manager_restore_finish (TW_BACKUP_MANAGER (object), result, &pre_restore, &outcome,
                                         &error);
  g_signal_handlers_disconnect_by_func (object, progress_cb, self);
  self->restoring = FALSE;
  gtk_window_set_deletable (GTK_WINDOW (self), TRUE);

  for (guint i = 0; i < TW_RESTORE_N_PROGRESS; i++)
    {
      const char *state = self->progress[i].state;

      if (ok)
        set_progress_state (self, i, "done", NULL);
      else if (g_str_equal (state, "running")
               || (g_str_equal (state, "pending") && (i == 0 || g_str_equal (self->progress[i - 1].state, "done"))))
        {
          /* The step that was under way (or about to start) is the one that failed. */
          set_progress_state (self, i, "failed", error->message);
          break;
        }
    }
  show_result (self, ok ? TW_RESTORE_OUTCOME_RESTORED : outcome, ok ? NULL : error, pre_restore);
}

void
_tw_restore_wizard_start_restore (TwRestoreWizard *self)
{
  TwRestoreFlags flags = _tw_restore_wizard_all_halted (self) ? TW_RESTORE_TRADING_HALTED : TW_RESTORE_NONE;

  self->restoring = TRUE;
  gtk_window_set_deletable (GTK_WINDOW (self), FALSE);
  for (guint i = 0; i < TW_RESTORE_N_PROGRESS; i++)
    set_progress_state (self, i, i == 0 ? "running" : "pending", NULL);
  g_signal_connect (self->manager, "progress", G_CALLBACK (progress_cb), self);
  /* Not cancellable: once started, the restore finishes or puts the database back. */
  tw_backup_manager_restore_async (self->manager, self->db_path, self->backup_path, self->backup_dir,
                                   tw_guard_request_get_reason (self->request), flags, NULL,
                                   restore_done_cb, g_object_ref (self));
  _tw_restore_wizard_update_nav (self);
}

/* Step 6: result */

static gboolean
any_halted (TwRestoreWizard *self)
{
  GListModel *states = self->monitor != NULL ? tw_risk_monitor_get_states (self->monitor) : NULL;

  for (guint i = 0; states != NULL && i < g_list_model_get_n_items (states); i++)
    {
      g_autoptr(TwTradingState) state = g_list_model_get_item (states, i);

      if (tw_trading_state_is_halted (state))
        return TRUE;
    }
  return FALSE;
}

/* The result's heading for a restore that did not succeed: what the database is now. */
static char *
failure_title (TwRestoreOutcome  outcome,
               const char       *basename)
{
  switch (outcome)
    {
    case TW_RESTORE_OUTCOME_PUT_BACK:
      /* Translators: the restore failed after the replace; %s is a database file name */
      return g_strdup_printf (_("Not restored: %s put back as it was"), basename);
    case TW_RESTORE_OUTCOME_UNTOUCHED:
      /* Translators: the restore was refused or stopped before the replace; %s is a
       * database file name */
      return g_strdup_printf (_("Not restored: %s untouched"), basename);
    case TW_RESTORE_OUTCOME_BY_HAND:
      /* Translators: the restore and putting the original back both failed; %s is a
       * database file name */
      return g_strdup_printf (_("Restore failed: %s must be restored by hand"), basename);
    case TW_RESTORE_OUTCOME_RESTORED:
    case TW_RESTORE_OUTCOME_CHECK:
    default:
      /* Translators: the state of the database after the restore is not known; %s is a
       * database file name */
      return g_strdup_printf (_("Restore failed: check %s"), basename);
    }
}

static void
show_result (TwRestoreWizard  *self,
             TwRestoreOutcome  outcome,
             GError           *error,
             TwBackup         *pre_restore)
{
  g_autofree char *title = NULL;
  g_autofree char *basename = g_path_get_basename (self->db_path);

  self->finished = TRUE;
  self->succeeded = error == NULL;
  g_free (self->pre_restore_path);
  self->pre_restore_path = pre_restore != NULL ? g_strdup (tw_backup_get_path (pre_restore)) : NULL;
  g_free (self->result_text);

  if (error == NULL)
    {
      g_autofree char *describe = tw_backup_ui_describe (self->chosen);
      const char * const *tables = tw_backup_get_tables (self->chosen);

      title = g_strdup_printf (_("%s restored"), basename);
      self->result_text =
        g_strdup_printf (_("%s now holds the backup %s (%s): %lld rows in %u tables, "
                           "integrity check ok and row counts equal to the backup's.\n"
                           "Check the restored data before resuming trading."),
                         self->db_path, tw_backup_get_name (self->chosen), describe,
                         (long long) tw_backup_get_total_rows (self->chosen),
                         tables != NULL ? g_strv_length ((GStrv) tables) : 0);
      gtk_image_set_from_icon_name (self->result_icon, "emblem-ok-symbolic");
      tw_ui_set_status_style (GTK_WIDGET (self->result_icon), "success");
    }
  else
    {
      /* The manager's message says it for people; the outcome says it for the heading. */
      const char *state = outcome == TW_RESTORE_OUTCOME_CHECK || outcome == TW_RESTORE_OUTCOME_RESTORED
        ? _("Check the database before resuming trading: the restore may have stopped halfway.")
        : NULL;

      title = failure_title (outcome, basename);
      self->result_text = state != NULL ? g_strdup_printf ("%s\n%s", error->message, state)
                                        : g_strdup (error->message);
      gtk_image_set_from_icon_name (self->result_icon, "dialog-error-symbolic");
      tw_ui_set_status_style (GTK_WIDGET (self->result_icon), "error");
    }
  gtk_label_set_label (self->result_title, title);
  gtk_label_set_label (self->result_label, self->result_text);

  gtk_widget_set_visible (gtk_widget_get_parent (gtk_widget_get_parent (GTK_WIDGET (self->pre_restore_row))),
                          self->pre_restore_path != NULL);
  if (self->pre_restore_path != NULL)
    adw_action_row_set_subtitle (self->pre_restore_row, self->pre_restore_path);
  gtk_widget_set_visible (GTK_WIDGET (self->resume_group), self->runner != NULL && any_halted (self));
  adw_preferences_group_set_description (self->resume_group,
                                         error == NULL
                                         ? _("Resume only after checking the restored data. Resuming is guarded: a reason and the runbook's checklist.")
                                         : _("Nothing was restored. Resume only once the reason for halting is resolved; resuming is guarded: a reason and the runbook's checklist."));

  _tw_restore_wizard_clear_toast (self);
  gtk_stack_set_visible_child_name (self->stack, "6");
  self->step = TW_RESTORE_STEP_RESULT;
  {
    /* Translators: "Step 6 of 6: Result" */
    g_autofree char *subtitle = g_strdup_printf (_("Step %u of %u: %s"), 6, 6, _("Result"));

    adw_window_title_set_subtitle (self->window_title, subtitle);
    for (guint i = 0; i < G_N_ELEMENTS (self->step_labels); i++)
      {
        gtk_widget_remove_css_class (self->step_labels[i], "accent");
        gtk_widget_remove_css_class (self->step_labels[i], "heading");
      }
    gtk_widget_add_css_class (self->step_labels[5], "accent");
    gtk_widget_add_css_class (self->step_labels[5], "heading");
  }
  _tw_restore_wizard_update_nav (self);
}

void
_tw_restore_wizard_copy_path (TwRestoreWizard *self)
{
  if (self->pre_restore_path == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->pre_restore_path);
  _tw_restore_wizard_toast (self, _("Path copied"));
}

/* Resume trading…: guarded (away from safety), through the action runner. */

typedef struct
{
  TwRestoreWizard *wizard;
  guint            pending;
  guint            n_ok;
  GString         *failed;
} Resume;

static void
resume_unref (Resume *resume)
{
  if (--resume->pending > 0)
    return;
  {
    g_autofree char *message = NULL;

    if (resume->failed->len == 0)
      message = g_strdup_printf (ngettext ("Resumed trading on %u service", "Resumed trading on %u services",
                                           resume->n_ok), resume->n_ok);
    else
      message = g_strdup_printf (_("Resumed %u; not resumed — %s"), resume->n_ok, resume->failed->str);
    _tw_restore_wizard_toast (resume->wizard, message);
    resume->wizard->resumed = resume->failed->len == 0;
    if (resume->wizard->resumed)
      {
        /* The group no longer says "still halted" once it is not. */
        adw_preferences_group_set_title (resume->wizard->resume_group, _("Trading resumed"));
        adw_preferences_group_set_description (resume->wizard->resume_group, message);
      }
    _tw_restore_wizard_update_nav (resume->wizard);
  }
  g_object_unref (resume->wizard);
  g_string_free (resume->failed, TRUE);
  g_free (resume);
}

static void
resume_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Resume *resume = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = tw_action_runner_run_finish (TW_ACTION_RUNNER (object), result, NULL, &error);
  if (error == NULL)
    resume->n_ok++;
  else
    g_string_append_printf (resume->failed, "%s%s", resume->failed->len > 0 ? "; " : "", error->message);
  resume_unref (resume);
}

static void
resume_confirmed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(TwRestoreWizard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TwGuardRequest) confirmed = NULL;
  GListModel *states = tw_risk_monitor_get_states (self->monitor);
  Resume *resume;

  if (self->guard_dialog != NULL)
    confirmed = g_object_ref (tw_guard_dialog_get_request (TW_GUARD_DIALOG (self->guard_dialog)));
  if (self->guard_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->guard_dialog));
  if (!tw_guard_confirm_finish (result, &error) || confirmed == NULL)
    {
      /* Cancel in the dialog, or the wizard going away: nothing to say. */
      if (error != NULL && !g_error_matches (error, TW_ERROR, TW_ERROR_DISMISSED)
          && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _tw_restore_wizard_toast (self, error->message);
      return;
    }

  resume = g_new0 (Resume, 1);
  resume->wizard = g_object_ref (self);
  resume->failed = g_string_new (NULL);
  resume->pending = 1;
  for (guint i = 0; i < g_list_model_get_n_items (states); i++)
    {
      g_autoptr(TwTradingState) state = g_list_model_get_item (states, i);
      const char *service_id = tw_trading_state_get_service_id (state);
      g_autoptr(TwGuardRequest) request = NULL;
      GPtrArray *checklist;

      if (!tw_trading_state_is_halted (state) || !tw_trading_state_get_can_resume (state))
        continue;
      /* One request a service, carrying what the operator gave in the dialog. */
      request = tw_action_runner_new_request (self->runner, "trading.resume", service_id);
      tw_guard_request_set_reason (request, tw_guard_request_get_reason (confirmed));
      tw_guard_request_set_typed_confirmation (request, tw_guard_request_get_typed_confirmation (confirmed));
      checklist = tw_guard_request_get_checklist (request);
      for (guint j = 0; checklist != NULL && j < checklist->len; j++)
        {
          const char *id = g_ptr_array_index (checklist, j);

          tw_guard_request_set_checked (request, id, tw_guard_request_get_checked (confirmed, id));
        }
      resume->pending++;
      tw_action_runner_run_async (self->runner, request, service_id, "trading.resume", NULL,
                                  self->cancellable, resume_done_cb, resume);
    }
  resume_unref (resume);
}

void
_tw_restore_wizard_resume (TwRestoreWizard *self)
{
  g_autoptr(TwGuardRequest) request = NULL;
  GtkWidget *dialog;

  if (self->runner == NULL || self->monitor == NULL || !self->finished)
    return;
  request = tw_action_runner_new_request (self->runner, "trading.resume", _("every halted service"));
  dialog = tw_guard_confirm_async (GTK_WINDOW (self), request, self->workspace, NULL, self->cancellable,
                                   resume_confirmed_cb, g_object_ref (self));
  g_set_weak_pointer (&self->guard_dialog, dialog);
}
