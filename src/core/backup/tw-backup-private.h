/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to src/core: shared by tw-backup-manager.c and tw-backup-restore.c. */

#include <sqlite3.h>

#include "tw-backup-manager.h"

G_BEGIN_DECLS

/* Writes a consistent snapshot of @db_path into @backup_dir as NAME_YYYYMMDD_HHMMSS@suffix.db
 * (temporary name, fsync, rename, fsync of the directory). Returns its path. @source, when
 * not NULL, is a connection to @db_path to read through (the restore's locked one).
 * @checked, when not NULL, gets the new backup verified (quick_check, tables, row counts)
 * before it was published: the check runs while the temporary file is synced. */
char       *_tw_backup_snapshot            (const char            *db_path,
                                            sqlite3               *source,
                                            const char            *backup_dir,
                                            const char            *suffix,
                                            TwBackupProgressFunc   progress,
                                            gpointer               progress_data,
                                            TwBackup             **checked,
                                            GCancellable          *cancellable,
                                            GError               **error);
/* Gives a backup checked under its temporary name its published one. */
void        _tw_backup_set_path            (TwBackup              *backup,
                                            const char            *path);
/* The manager's audit log, opening the default one the first time if none was given.
 * (transfer full) */
TwAuditLog *_tw_backup_manager_ensure_audit (TwBackupManager      *self,
                                            GError              **error);
/* @backup_dir, or the default for @db_path when NULL or empty. (transfer full) */
char       *_tw_backup_dir_for              (const char           *db_path,
                                            const char           *backup_dir);
/* The database's file name without extension. (transfer full) */
char       *_tw_backup_db_name              (const char           *db_path);

/* Test-only fault and pause hook of the restore: called at each named point (see
 * tw-backup-restore.c); returning FALSE makes the restore fail there as a real error
 * would. Only tests set it; there is no setting or variable that reaches it. */
typedef gboolean (*TwRestoreTestHook) (const char *point,
                                       gpointer    data);

void        _tw_backup_restore_set_test_hook (TwRestoreTestHook  hook,
                                              gpointer           data);

/* For tests. */

/* TRUE when @schedule_hours > 0 and the newest backup is at least that old (or none exists). */
gboolean         tw_backup_manager_is_due           (TwBackupManager      *self,
                                                     const char           *db_path,
                                                     const char           *backup_dir,
                                                     guint                 schedule_hours);

G_END_DECLS
