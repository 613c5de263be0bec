/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-restore-wizard.h"

G_BEGIN_DECLS

#define TW_RESTORE_N_PROGRESS 4

typedef struct
{
  TwBackupStep  step;
  GtkWidget    *row;
  GtkWidget    *icon;
  GtkWidget    *spinner;
  const char   *state;        /* "pending", "running", "done", "failed" */
} TwRestoreProgressRow;

struct _TwRestoreWizard
{
  AdwWindow             parent_instance;

  TwBackupManager      *manager;
  TwWorkspace          *workspace;
  TwActionRunner       *runner;
  TwRiskMonitor        *monitor;
  GCancellable         *cancellable;

  TwRestoreStep         step;
  char                 *db_id;
  char                 *db_path;
  char                 *backup_dir;
  char                 *backup_path;     /* chosen */
  char                 *listed_db;       /* the database whose backups are listed */
  GPtrArray            *backups;         /* TwBackup listed, newest first */
  TwBackup             *chosen;          /* the chosen backup, verified */
  TwBackup             *current;         /* the live database, counted */
  TwGuardRequest       *request;         /* backup.restore */
  guint                 n_busy;
  gboolean              halting;
  gboolean              restoring;
  gboolean              finished;
  gboolean              succeeded;
  gboolean              resumed;
  char                 *comparison;
  char                 *safety_text;
  char                 *result_text;
  char                 *pre_restore_path;
  char                 *last_message;
  GPtrArray            *db_rows;
  GPtrArray            *backup_rows;
  GPtrArray            *detail_rows;
  GPtrArray            *table_rows;
  GPtrArray            *service_rows;
  GPtrArray            *preflight_rows;
  GPtrArray            *watched_states;  /* TwTradingState with a notify handler */
  GtkWidget            *guard_dialog;    /* weak */
  AdwToast             *toast;           /* weak: the one shown */
  GtkWidget            *step_labels[6];
  TwRestoreProgressRow  progress[TW_RESTORE_N_PROGRESS];

  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkBox               *steps_box;
  GtkStack             *stack;
  AdwPreferencesGroup  *db_group;
  AdwPreferencesGroup  *backup_group;
  AdwPreferencesGroup  *details_group;
  AdwPreferencesGroup  *tables_group;
  AdwPreferencesGroup  *services_group;
  GtkWidget            *halt_button;
  AdwPreferencesGroup  *preflight_group;
  GtkLabel             *confirm_label;
  AdwEntryRow          *name_entry;
  AdwEntryRow          *profile_entry;
  AdwEntryRow          *reason_entry;
  GtkLabel             *problem_label;
  AdwPreferencesGroup  *progress_group;
  GtkImage             *result_icon;
  GtkLabel             *result_title;
  GtkLabel             *result_label;
  AdwActionRow         *pre_restore_row;
  AdwPreferencesGroup  *resume_group;
  GtkWidget            *cancel_button;
  GtkWidget            *next_button;
  GtkWidget            *restore_button;
  GtkWidget            *close_button;
  GtkWidget            *back_button;
};

/* tw-restore-wizard.c */
void     _tw_restore_wizard_update_nav       (TwRestoreWizard *self);
void     _tw_restore_wizard_toast            (TwRestoreWizard *self,
                                              const char      *message);
void     _tw_restore_wizard_clear_toast      (TwRestoreWizard *self);
void     _tw_restore_wizard_clear_rows       (AdwPreferencesGroup *group,
                                              GPtrArray       *rows);
GtkWidget *_tw_restore_wizard_add_row        (AdwPreferencesGroup *group,
                                              GPtrArray       *rows,
                                              const char      *title,
                                              const char      *subtitle);
void     _tw_restore_wizard_set_row_icon     (GtkWidget       *row,
                                              const char      *icon_name,
                                              const char      *style);
void     _tw_restore_wizard_busy_push        (TwRestoreWizard *self);
void     _tw_restore_wizard_busy_pop         (TwRestoreWizard *self);
TwDatabaseConfig *_tw_restore_wizard_lookup_database (TwRestoreWizard *self,
                                                      const char      *id);

/* tw-restore-wizard-choose.c: database, backup */
void     _tw_restore_wizard_build_databases  (TwRestoreWizard *self);
void     _tw_restore_wizard_enter_backup     (TwRestoreWizard *self);

/* tw-restore-wizard-steps.c: safety, confirm, progress, result */
void     _tw_restore_wizard_enter_safety     (TwRestoreWizard *self);
gboolean _tw_restore_wizard_all_halted       (TwRestoreWizard *self);
void     _tw_restore_wizard_unwatch_states   (TwRestoreWizard *self);
void     _tw_restore_wizard_enter_confirm    (TwRestoreWizard *self);
void     _tw_restore_wizard_update_confirm   (TwRestoreWizard *self);
void     _tw_restore_wizard_build_progress   (TwRestoreWizard *self);
void     _tw_restore_wizard_start_restore    (TwRestoreWizard *self);
void     _tw_restore_wizard_halt_all         (TwRestoreWizard *self);
void     _tw_restore_wizard_resume           (TwRestoreWizard *self);
void     _tw_restore_wizard_copy_path        (TwRestoreWizard *self);

/* For tests: what the widget shows, and the operator's hand. */

TwRestoreStep    tw_restore_wizard_get_step         (TwRestoreWizard *self);
gboolean         tw_restore_wizard_get_can_next     (TwRestoreWizard *self);
/* TRUE while verifying, halting or restoring. */
gboolean         tw_restore_wizard_is_busy          (TwRestoreWizard *self);
/* Step 4 entries, as typed. */
void             tw_restore_wizard_set_typed_name   (TwRestoreWizard *self,
                                                     const char      *text);
void             tw_restore_wizard_set_typed_profile (TwRestoreWizard *self,
                                                     const char      *text);
void             tw_restore_wizard_set_reason       (TwRestoreWizard *self,
                                                     const char      *reason);
/* Step 2: the chosen backup's validity and the per-table comparison, as shown
 * ("trades: 240 now, 236 in the backup (−4)"); NULL before it is known. */
const char      *tw_restore_wizard_get_comparison   (TwRestoreWizard *self);
/* Step 3: the pre-flight line about trading ("All 4 services that can trade are halted"). */
const char      *tw_restore_wizard_get_safety_text  (TwRestoreWizard *self);
/* Step 4: what the form still needs, as shown under it ("" when nothing). */
const char      *tw_restore_wizard_get_problem      (TwRestoreWizard *self);
/* Step 5: the state of each of the manager's steps: "pending", "running", "done", "failed". */
const char      *tw_restore_wizard_get_step_state   (TwRestoreWizard *self,
                                                     TwBackupStep     step);
/* Step 6 */
gboolean         tw_restore_wizard_get_succeeded    (TwRestoreWizard *self);
const char      *tw_restore_wizard_get_result_text  (TwRestoreWizard *self);
/* (nullable) */
const char      *tw_restore_wizard_get_pre_restore_path (TwRestoreWizard *self);
/* The last toast's text (e.g. why the window would not close). */
const char      *tw_restore_wizard_get_last_message (TwRestoreWizard *self);
/* The result's heading: "investiq.db restored", "Not restored: investiq.db put back as it was"… */
const char      *tw_restore_wizard_get_result_title (TwRestoreWizard *self);
/* Whether a toast is shown (toasts are dismissed when the wizard changes step). */
gboolean         tw_restore_wizard_has_toast        (TwRestoreWizard *self);
/* The guard dialog of Resume trading…, while open. (transfer none) (nullable) */
GtkWidget       *tw_restore_wizard_get_guard_dialog (TwRestoreWizard *self);

G_END_DECLS
