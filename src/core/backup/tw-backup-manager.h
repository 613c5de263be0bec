/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-audit-log.h"
#include "tw-backup.h"
#include "tw-enums.h"

G_BEGIN_DECLS

/**
 * TwBackupStep:
 * The step a long operation is in, for progress reports.
 */
typedef enum
{
  TW_BACKUP_STEP_SNAPSHOT,            /* copying a consistent snapshot of the live database */
  TW_BACKUP_STEP_VERIFY,              /* integrity check of a backup */
  TW_BACKUP_STEP_PREFLIGHT,           /* restore: trading halted? nobody holds the database? */
  TW_BACKUP_STEP_PRE_RESTORE_BACKUP,  /* restore: backup of the current database */
  TW_BACKUP_STEP_REPLACE,             /* restore: new file built next to the target, renamed over it */
  TW_BACKUP_STEP_POST_VERIFY,         /* restore: integrity and row counts of the result */
  TW_BACKUP_STEP_CLEANUP,             /* retention */
  TW_BACKUP_STEP_DONE,
} TwBackupStep;

#define TW_TYPE_BACKUP_STEP (tw_backup_step_get_type ())
GType       tw_backup_step_get_type  (void) G_GNUC_CONST;

/* Progress of a blocking call, called in the calling thread; @fraction in [0, 1] for the step. */
typedef void (*TwBackupProgressFunc) (TwBackupStep  step,
                                      double        fraction,
                                      gpointer      user_data);

/**
 * TwRestoreFlags:
 * @TW_RESTORE_TRADING_HALTED: the caller states that trading is halted on every service
 *   using the database (the GUI checks the services; the command line has
 *   --yes-i-halted-trading). A restore without it is refused.
 */
typedef enum /*< flags >*/
{
  TW_RESTORE_NONE           = 0,
  TW_RESTORE_TRADING_HALTED = 1 << 0,
} TwRestoreFlags;

/**
 * TwRestoreOutcome:
 * @TW_RESTORE_OUTCOME_RESTORED: the backup is in place and passed its check
 * @TW_RESTORE_OUTCOME_UNTOUCHED: refused, or stopped before the replace: the database is
 *   as it was
 * @TW_RESTORE_OUTCOME_PUT_BACK: the restored file failed its check and the original was
 *   put back from the pre-restore backup
 * @TW_RESTORE_OUTCOME_BY_HAND: the restored file failed its check and putting the original
 *   back failed too: it must be restored by hand from the pre-restore backup
 * @TW_RESTORE_OUTCOME_CHECK: the restored file failed its check and there was no original
 *   to put back, or the state is not known: the database must be checked
 *
 * What a restore left behind, for a front end to say without reading the message.
 */
typedef enum
{
  TW_RESTORE_OUTCOME_RESTORED,
  TW_RESTORE_OUTCOME_UNTOUCHED,
  TW_RESTORE_OUTCOME_PUT_BACK,
  TW_RESTORE_OUTCOME_BY_HAND,
  TW_RESTORE_OUTCOME_CHECK,
} TwRestoreOutcome;

#define TW_TYPE_RESTORE_OUTCOME (tw_restore_outcome_get_type ())
/* nicks "restored", "untouched", "put-back", "by-hand", "check" */
GType       tw_restore_outcome_get_type  (void) G_GNUC_CONST;

/* Backups of a profile's SQLite databases: create, verify, list, retention, restore.
 * Backups are NAME_YYYYMMDD_HHMMSS.db (UTC; NAME the database file's name without its
 * extension; _2, _3… if the second is taken; "-pre-restore" before ".db" for the
 * automatic backup a restore takes) in the backup directory, DIR_OF_DB/backups by default.
 *
 * Properties: "audit-log" (TwAuditLog, nullable: restores then open the default log),
 * "profile" (string, for audit rows; default "cli"), "mode" (TwMode, for audit rows).
 * Signal "progress" (TwBackupStep step, double fraction): emitted during the _async
 * calls, on the thread-default main context of the caller.
 *
 * The blocking calls are for worker threads and the command line; the UI uses _async. */
#define TW_TYPE_BACKUP_MANAGER (tw_backup_manager_get_type ())
G_DECLARE_FINAL_TYPE (TwBackupManager, tw_backup_manager, TW, BACKUP_MANAGER, GObject)

TwBackupManager *tw_backup_manager_new              (TwAuditLog           *audit_log,
                                                     const char           *profile,
                                                     TwMode                mode);
TwAuditLog      *tw_backup_manager_get_audit_log    (TwBackupManager      *self);
const char      *tw_backup_manager_get_profile      (TwBackupManager      *self);
TwMode           tw_backup_manager_get_mode         (TwBackupManager      *self);

/* DIR_OF_DB/backups, @db_path as given (transfer full) */
char            *tw_backup_manager_default_dir      (const char           *db_path);

/* @backup_dir: (nullable) NULL or "" for the default. Returns the new backup, verified
 * with quick_check (transfer full). */
TwBackup        *tw_backup_manager_create           (TwBackupManager      *self,
                                                     const char           *db_path,
                                                     const char           *backup_dir,
                                                     TwBackupProgressFunc  progress,
                                                     gpointer              progress_data,
                                                     GCancellable         *cancellable,
                                                     GError              **error);
/* A new TwBackup for @backup_path, verified (full integrity_check unless @quick). A corrupt
 * file is a TwBackup with "valid" INVALID, not an error. */
TwBackup        *tw_backup_manager_verify           (TwBackupManager      *self,
                                                     const char           *backup_path,
                                                     gboolean              quick,
                                                     GCancellable         *cancellable,
                                                     GError              **error);
/* (transfer full) (element-type TwBackup) newest first, not verified. A missing
 * directory is an empty list. */
GListModel      *tw_backup_manager_list             (TwBackupManager      *self,
                                                     const char           *db_path,
                                                     const char           *backup_dir,
                                                     GError              **error);
/* Deletes the backups of @db_path older than @keep_days days (0: none), never the newest
 * valid one (checked with quick_check). @deleted: (out) (optional) (element-type utf8)
 * the paths deleted. Audited ("backup.cleanup") when something was deleted and the
 * manager has an audit log. */
gboolean         tw_backup_manager_cleanup          (TwBackupManager      *self,
                                                     const char           *db_path,
                                                     const char           *backup_dir,
                                                     guint                 keep_days,
                                                     GPtrArray           **deleted,
                                                     GCancellable         *cancellable,
                                                     GError              **error);
/* Seconds since the newest backup (by the time in its name), -1 if there is none. */
gint64           tw_backup_manager_get_newest_age   (TwBackupManager      *self,
                                                     const char           *db_path,
                                                     const char           *backup_dir);
/* The newest backup of @db_path that passes a quick check (the list newest first, each
 * verified until one is valid), pre-restore backups left out: they are snapshots of a
 * database being replaced, not backups to go back to. NULL without an error when none is
 * valid; @n_backups: (out) (optional) how many backups (pre-restore ones left out) there
 * are. Blocking (it reads the backups): use the _async variant on the main thread.
 * (transfer full) */
TwBackup        *tw_backup_manager_find_newest_valid (TwBackupManager     *self,
                                                      const char          *db_path,
                                                      const char          *backup_dir,
                                                      guint               *n_backups,
                                                      GCancellable        *cancellable,
                                                      GError             **error);
/* After a backup or restore that was killed: removes the temporary files it left (this
 * user's, not in use, older than now: "backup.sweep" in the audit log) and gives each
 * restore of @db_path that is still only "requested", while no restore runs, an
 * "interrupted" outcome that says what state the database is in (integrity check, tables
 * and rows, and whether the restored file had been renamed over it). Blocking: run at
 * start in a thread (the scheduler does). @n_interrupted: (out) (optional) */
gboolean         tw_backup_manager_recover          (TwBackupManager      *self,
                                                     const char           *db_path,
                                                     const char           *backup_dir,
                                                     guint                *n_interrupted,
                                                     GError              **error);

/* Restores @backup_path over @db_path, atomically and crash-safely. Both paths are
 * resolved once, first (symbolic links followed), and every step acts on the real files;
 * one restore at a time per folder (refused while another runs). Each backup and restore
 * first sweeps the temporaries a killed one left, and gives a killed restore of the
 * database its "interrupted" outcome (see tw_backup_manager_recover()).
 * 1. pre-flight: refused without TW_RESTORE_TRADING_HALTED, or when a process holds the
 *    database (named: "held by process 1234 (investiq)") or a connection has it locked;
 *    then the database is locked (SQLite's exclusive locking mode) until step 4's rename,
 *    so nothing written after the pre-flight can be lost;
 * 2. the backup is verified (integrity_check): a corrupt one is refused, nothing touched;
 * 3. the current database's WAL is checkpointed and a pre-restore backup taken through
 *    the lock (NAME_…-pre-restore.db in the backup directory), verified;
 * 4. the backup is copied next to the target (.NAME.tw-restore-XXXXXX), fsynced, given the
 *    target's journal mode, mode and owner (refused when the owner cannot be kept); the holders are looked for again (a process that opened the
 *    database meanwhile: refused, untouched); -wal/-shm/-journal removed; rename() over
 *    the target; the directory fsynced;
 * 5. post-verify (under a lock of the new file): integrity "ok" and row counts equal to
 *    the backup's, else the pre-restore backup is put back the same way.
 * Each step is audited ("backup.restore" request and outcome rows, and one row a step).
 * Errors (TW_ERROR_REFUSED for pre-flight and a corrupt backup) say whether the database
 * was left untouched or put back, for people; @outcome: (out) (optional) says it for
 * programs (TW_RESTORE_OUTCOME_RESTORED exactly when TRUE is returned).
 * @pre_restore: (out) (optional) (transfer full) the pre-restore backup, also when the
 * restore failed after taking it (NULL if none was taken: refused, or no database there).
 * @backup_dir: (nullable) where the pre-restore backup goes. */
gboolean         tw_backup_manager_restore          (TwBackupManager      *self,
                                                     const char           *db_path,
                                                     const char           *backup_path,
                                                     const char           *backup_dir,
                                                     const char           *reason,
                                                     TwRestoreFlags        flags,
                                                     TwBackup            **pre_restore,
                                                     TwRestoreOutcome     *outcome,
                                                     TwBackupProgressFunc  progress,
                                                     gpointer              progress_data,
                                                     GCancellable         *cancellable,
                                                     GError              **error);

/* Async variants: the blocking call in a GTask thread, progress as the "progress" signal. */
void             tw_backup_manager_create_async     (TwBackupManager      *self,
                                                     const char           *db_path,
                                                     const char           *backup_dir,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
TwBackup        *tw_backup_manager_create_finish    (TwBackupManager      *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void             tw_backup_manager_verify_async     (TwBackupManager      *self,
                                                     const char           *backup_path,
                                                     gboolean              quick,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
TwBackup        *tw_backup_manager_verify_finish    (TwBackupManager      *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void             tw_backup_manager_list_async       (TwBackupManager      *self,
                                                     const char           *db_path,
                                                     const char           *backup_dir,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
GListModel      *tw_backup_manager_list_finish      (TwBackupManager      *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void             tw_backup_manager_cleanup_async    (TwBackupManager      *self,
                                                     const char           *db_path,
                                                     const char           *backup_dir,
                                                     guint                 keep_days,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
/* @deleted: (out) (optional) (transfer full) (element-type utf8) */
gboolean         tw_backup_manager_cleanup_finish   (TwBackupManager      *self,
                                                     GAsyncResult         *result,
                                                     GPtrArray           **deleted,
                                                     GError              **error);
void             tw_backup_manager_restore_async    (TwBackupManager      *self,
                                                     const char           *db_path,
                                                     const char           *backup_path,
                                                     const char           *backup_dir,
                                                     const char           *reason,
                                                     TwRestoreFlags        flags,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
void             tw_backup_manager_find_newest_valid_async  (TwBackupManager     *self,
                                                             const char          *db_path,
                                                             const char          *backup_dir,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
void             tw_backup_manager_recover_async    (TwBackupManager      *self,
                                                     const char           *db_path,
                                                     const char           *backup_dir,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean         tw_backup_manager_recover_finish   (TwBackupManager      *self,
                                                     GAsyncResult         *result,
                                                     guint                *n_interrupted,
                                                     GError              **error);
/* NULL without an error when none is valid. (transfer full) */
TwBackup        *tw_backup_manager_find_newest_valid_finish (TwBackupManager     *self,
                                                             GAsyncResult        *result,
                                                             guint               *n_backups,
                                                             GError             **error);
/* @pre_restore: (out) (optional) (transfer full); @outcome: (out) (optional) as for
 * tw_backup_manager_restore() */
gboolean         tw_backup_manager_restore_finish   (TwBackupManager      *self,
                                                     GAsyncResult         *result,
                                                     TwBackup            **pre_restore,
                                                     TwRestoreOutcome     *outcome,
                                                     GError              **error);

G_END_DECLS
