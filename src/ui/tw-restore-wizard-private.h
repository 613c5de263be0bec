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

G_END_DECLS
