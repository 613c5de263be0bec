/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-alert-engine.h"
#include "tw-backup-manager.h"
#include "tw-profile.h"

G_BEGIN_DECLS

/* Scheduled backups of a profile's databases while the app runs.
 *
 * At start, for each database: tw_backup_manager_recover() in a thread (the temporaries
 * of a killed backup or restore swept, a killed restore's "requested" row given its
 * "interrupted" outcome). For each database with schedule_hours > 0: a backup when the newest one is at least
 * schedule_hours old (at start, then checked every schedule_hours), made off the main
 * thread (tw_backup_manager_create_async), followed by the retention cleanup
 * (retention_days). Every hour, the age of each database's newest backup is checked.
 *
 * Signals:
 *   "alert" (const char *key, const char *severity, const char *title, const char *body):
 *     severity "warning" or "critical"; keys "backup-failed:DB_ID" (a scheduled backup
 *     failed, warning), "backup-stale:DB_ID" (the newest valid backup — pre-restore ones
 *     left out — is older than 24 h, warning; critical past 72 h, when none of its backups
 *     is valid, or when the database never had one and no schedule).
 *   "backup-finished" (const char *db_id, TwBackup *backup or NULL on failure): after each
 *     scheduled backup (and its cleanup), so views can refresh.
 *   "stale-checked" (const char *db_id): a database's stale check (run in a thread, as it
 *     verifies backups) is done, after its alert if any.
 * Properties: "manager", "profile" (construct-only), "idle" (read-only: no backup, cleanup
 * or stale check in flight; after stop, the ones under way end soon, cancelled). */
#define TW_TYPE_BACKUP_SCHEDULER (tw_backup_scheduler_get_type ())
G_DECLARE_FINAL_TYPE (TwBackupScheduler, tw_backup_scheduler, TW, BACKUP_SCHEDULER, GObject)

#define TW_BACKUP_STALE_AFTER_S (24 * 3600)

TwBackupScheduler *tw_backup_scheduler_new             (TwBackupManager   *manager,
                                                        TwProfile         *profile);
TwBackupManager   *tw_backup_scheduler_get_manager     (TwBackupScheduler *self);
/* Reads the profile's databases and arms the timers (again, after a settings change). */
void               tw_backup_scheduler_start           (TwBackupScheduler *self);
void               tw_backup_scheduler_stop            (TwBackupScheduler *self);
gboolean           tw_backup_scheduler_is_running      (TwBackupScheduler *self);
gboolean           tw_backup_scheduler_is_idle         (TwBackupScheduler *self);
/* Whether a scheduled backup of @db_id is being made now. */
gboolean           tw_backup_scheduler_is_busy         (TwBackupScheduler *self,
                                                        const char        *db_id);
/* Checks every database's newest valid backup's age now (also done hourly), in a thread. */
void               tw_backup_scheduler_check_stale     (TwBackupScheduler *self);


/* A TwAlert for the notifier from the "alert" signal's arguments: page "backups",
 * category "x-tradewarden.backup". (transfer full) */
TwAlert           *tw_backup_scheduler_make_alert      (const char        *key,
                                                        const char        *severity,
                                                        const char        *title,
                                                        const char        *body);

G_END_DECLS
