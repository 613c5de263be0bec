/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-session-page.h"

#include "tw-action-runner.h"
#include "tw-backup-manager.h"
#include "tw-backup-scheduler.h"
#include "tw-risk-monitor.h"
#include "tw-workspace.h"

G_BEGIN_DECLS

/* The Backups page: one section per database of the workspace's profile (its path, the
 * newest backup and its age — warning style past 24 h or when there is none —,
 * Back Up Now with progress, schedule and retention saved into the profile), and its
 * backups (name, local time, size, validity as icon + word, pre-restore marked) with
 * Verify, Delete… (guarded: backup.delete) and Restore… (the restore wizard).
 * All disk work goes through the manager's _async API.
 *
 * Actions (page-scoped): backups.backup-now (s: database id), backups.verify (s: backup
 * path), backups.delete (s: backup path), backups.restore (s: backup path),
 * backups.restore-database (s: database id), backups.refresh.
 * Property: "save-profile" (bool: write settings with tw_profile_save; FALSE for a
 * throw-away profile such as the demo's). */
#define TW_TYPE_BACKUPS_PAGE (tw_backups_page_get_type ())
G_DECLARE_FINAL_TYPE (TwBackupsPage, tw_backups_page, TW, BACKUPS_PAGE, AdwBin)

GtkWidget *tw_backups_page_new                (void);
/* The profile at work and what acts on it (all NULL: no profile, the page is empty).
 * @runner, @monitor, @scheduler: (nullable) */
void       tw_backups_page_set_context        (TwBackupsPage     *self,
                                               TwBackupManager   *manager,
                                               TwWorkspace       *workspace,
                                               TwActionRunner    *runner,
                                               TwRiskMonitor     *monitor,
                                               TwBackupScheduler *scheduler);
void       tw_backups_page_set_save_profile   (TwBackupsPage     *self,
                                               gboolean           save);
/* Lists every database's backups again. */
void       tw_backups_page_refresh            (TwBackupsPage     *self);

G_END_DECLS
