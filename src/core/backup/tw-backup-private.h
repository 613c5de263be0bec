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
/* Records that @backup's manifest was just written from its content. */
void        _tw_backup_set_manifest        (TwBackup              *backup,
                                            TwBackupManifest       manifest);
/* The manager's audit log, opening the default one the first time if none was given.
 * (transfer full) */
TwAuditLog *_tw_backup_manager_ensure_audit (TwBackupManager      *self,
                                            GError              **error);
/* @backup_dir, or the default for @db_path (links resolved) when NULL or empty.
 * (transfer full) */
char       *_tw_backup_dir_for              (const char           *db_path,
                                            const char           *backup_dir);
/* The file name without extension of the database @db_path names (links resolved).
 * (transfer full) */
char       *_tw_backup_db_name              (const char           *db_path);

/* Creates @tmpl (…XXXXXX, replaced) with mode 0600 and an flock() on the returned
 * descriptor: keep it open until the file is published or removed, so that the sweep
 * knows it is in use. -1 with @error on failure. */
int         _tw_temp_file_create            (char                 *tmpl,
                                             GError              **error);
/* Removes the files of @dir named @prefix… that are this user's regular files, last
 * changed before @started (Unix seconds) and not locked by _tw_temp_file_create();
 * their paths are added to @removed. */
void        _tw_sweep_temporaries           (const char           *dir,
                                             const char           *prefix,
                                             gint64                started,
                                             GPtrArray            *removed);

/* BACKUP.manifest (transfer full) */
char       *_tw_backup_manifest_path        (const char           *backup_path);
/* SHA-256 (lowercase hex) and size of the file at @path. */
gboolean    _tw_file_sha256                 (const char           *path,
                                             char                **sha256,
                                             guint64              *size,
                                             GCancellable         *cancellable,
                                             GError              **error);
/* Writes BACKUP.manifest (JSON: format, file, size, sha256, created, source, source_schema)
 * through a temporary file made from @tmp_template (in the backup folder). */
gboolean    _tw_backup_write_manifest       (const char           *backup_path,
                                             const char           *tmp_template,
                                             guint64               size,
                                             const char           *sha256,
                                             const char           *source_path,
                                             const char           *source_schema,
                                             GError              **error);
/* Reads BACKUP.manifest: *@exists FALSE (and TRUE returned) when there is none; FALSE
 * with @error when it is there but unreadable or malformed. */
gboolean    _tw_backup_read_manifest        (const char           *backup_path,
                                             gboolean             *exists,
                                             guint64              *size,
                                             char                **sha256,
                                             char                **source_schema,
                                             GError              **error);
/* @path with every symbolic link resolved; a path that does not exist yet gets its
 * folder resolved. NULL with @error when the folder does not exist. (transfer full) */
char       *_tw_backup_resolve_path         (const char           *path,
                                             GError              **error);
/* The schema fingerprint of the database at @db_path (read-only), NULL if it cannot
 * be read. */
char       *_tw_backup_source_schema        (const char           *db_path);

/* Takes the restore lock of @real_db_path's folder (flock() on the folder): held from
 * before a restore's "requested" audit row until its outcome row, so that a "requested"
 * row while the lock is free belongs to a restore that was killed. Returns the
 * descriptor to close, or -1 with @error (TW_ERROR_REFUSED: another restore holds it). */
int         _tw_backup_lock_restores        (const char           *real_db_path,
                                             gboolean              wait,
                                             GError              **error);
/* Sweeps the temporaries of @db_path's backups and restores older than @started (Unix
 * seconds), audited as "backup.sweep" when any was removed. TRUE if any was. */
gboolean    _tw_backup_manager_sweep        (TwBackupManager      *self,
                                             const char           *db_path,
                                             const char           *backup_dir,
                                             gint64                started);
/* Gives each "requested" restore of @real_db without an outcome an "interrupted" one,
 * with the database's state. @locked: the caller holds the folder's restore lock (else it
 * is taken, and nothing is done while another restore holds it). Returns how many. */
guint       _tw_backup_manager_complete_interrupted (TwBackupManager *self,
                                                     TwAuditLog      *audit,
                                                     const char      *real_db,
                                                     gboolean         locked,
                                                     GError         **error);

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
