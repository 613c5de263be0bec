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
gboolean         tw_restore_wizard_get_can_restore  (TwRestoreWizard *self);
/* Step 1 choice, as the operator would click it. */
gboolean         tw_restore_wizard_choose_database  (TwRestoreWizard *self,
                                                     const char      *db_id);

G_END_DECLS
