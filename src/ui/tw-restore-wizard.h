/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-action-runner.h"
#include "tw-backup-manager.h"
#include "tw-risk-monitor.h"
#include "tw-workspace.h"

G_BEGIN_DECLS

typedef enum
{
  TW_RESTORE_STEP_DATABASE = 1,  /* choose the database */
  TW_RESTORE_STEP_BACKUP,        /* choose the backup: validity, size, age, rows now vs then */
  TW_RESTORE_STEP_SAFETY,        /* trading state of the services, Halt All, the pre-flight */
  TW_RESTORE_STEP_CONFIRM,       /* typed database name (+ profile name when live), reason */
  TW_RESTORE_STEP_PROGRESS,      /* the manager's steps ticking off; the window cannot close */
  TW_RESTORE_STEP_RESULT,        /* what was restored, the pre-restore backup, Resume trading… */
} TwRestoreStep;

/* The guided restore: a modal window of six steps with Back / Next / Cancel, cancelable
 * until the restore starts. Halting is one click (toward safety); the restore itself is a
 * TwGuardRequest "backup.restore" checked by tw_guard_request_check; resuming afterwards
 * goes through the guard dialog ("trading.resume") and the action runner. The manager
 * audits every step of the restore.
 *
 * Actions (window-scoped): wizard.next, wizard.back, wizard.cancel, wizard.halt-all,
 * wizard.restore, wizard.copy-path, wizard.resume, wizard.close.
 * @runner and @monitor are nullable: without them the safety step cannot halt and only
 * the pre-flight protects the database. */
#define TW_TYPE_RESTORE_WIZARD (tw_restore_wizard_get_type ())
G_DECLARE_FINAL_TYPE (TwRestoreWizard, tw_restore_wizard, TW, RESTORE_WIZARD, AdwWindow)

TwRestoreWizard *tw_restore_wizard_new              (GtkWindow       *parent,
                                                     TwBackupManager *manager,
                                                     TwWorkspace     *workspace,
                                                     TwActionRunner  *runner,
                                                     TwRiskMonitor   *monitor);
/* Preselects the database (by its id in the profile) and optionally a backup of it;
 * with both, the wizard opens on the backup step. */
void             tw_restore_wizard_preselect        (TwRestoreWizard *self,
                                                     const char      *db_id,
                                                     const char      *backup_path);
TwRestoreStep    tw_restore_wizard_get_step         (TwRestoreWizard *self);
gboolean         tw_restore_wizard_get_can_next     (TwRestoreWizard *self);
gboolean         tw_restore_wizard_get_can_restore  (TwRestoreWizard *self);
/* TRUE while verifying, halting or restoring. */
gboolean         tw_restore_wizard_is_busy          (TwRestoreWizard *self);
/* Step 1 and 2 choices, as the operator would click them. */
gboolean         tw_restore_wizard_choose_database  (TwRestoreWizard *self,
                                                     const char      *db_id);
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
