/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * TwBackupValidity:
 * @TW_BACKUP_VALIDITY_UNKNOWN: not verified yet
 * @TW_BACKUP_VALIDITY_VALID: a non-empty SQLite database with at least one table, whose
 *   integrity check said "ok", every table of which could be counted, with its source's
 *   schema (the one its manifest records, else the live database's when a source was
 *   given), and whose size and SHA-256 equal its manifest's when it has one
 * @TW_BACKUP_VALIDITY_INVALID: empty, corrupt, not a database, another database's, or
 *   changed since it was made; see the "problem" property
 */
typedef enum
{
  TW_BACKUP_VALIDITY_UNKNOWN,
  TW_BACKUP_VALIDITY_VALID,
  TW_BACKUP_VALIDITY_INVALID,
} TwBackupValidity;

#define TW_TYPE_BACKUP_VALIDITY (tw_backup_validity_get_type ())
GType       tw_backup_validity_get_type  (void) G_GNUC_CONST;
/* "unknown", "valid", "invalid" */
const char *tw_backup_validity_to_string (TwBackupValidity validity);

/**
 * TwBackupManifest:
 * @TW_BACKUP_MANIFEST_UNCHECKED: not verified yet
 * @TW_BACKUP_MANIFEST_MISSING: no BACKUP.manifest beside it (an older backup, or one made
 *   by hand): its content could not be checked against a manifest
 * @TW_BACKUP_MANIFEST_MATCHED: its size and SHA-256 equal the manifest's
 * @TW_BACKUP_MANIFEST_MISMATCHED: they differ, or the manifest cannot be read: invalid
 */
typedef enum
{
  TW_BACKUP_MANIFEST_UNCHECKED,
  TW_BACKUP_MANIFEST_MISSING,
  TW_BACKUP_MANIFEST_MATCHED,
  TW_BACKUP_MANIFEST_MISMATCHED,
} TwBackupManifest;

#define TW_TYPE_BACKUP_MANIFEST (tw_backup_manifest_get_type ())
GType       tw_backup_manifest_get_type  (void) G_GNUC_CONST;

/* One backup file. Properties (read-only, for UI binding):
 *   "path", "name" (file name), "size" (uint64 bytes), "created" (GDateTime, UTC: from
 *   the name NAME_YYYYMMDD_HHMMSS, else the file's modification time),
 *   "pre-restore" (bool: taken automatically before a restore),
 *   "valid" (TwBackupValidity), "problem" (string: the integrity check's words, NULL if valid),
 *   "tables" (GStrv: table names, sorted), "total-rows" (int64, -1 unknown),
 *   "fingerprint" (string: SHA-256 of the sorted schema SQL),
 *   "manifest" (TwBackupManifest: how its content compared with BACKUP.manifest). */
#define TW_TYPE_BACKUP (tw_backup_get_type ())
G_DECLARE_FINAL_TYPE (TwBackup, tw_backup, TW, BACKUP, GObject)

/* Reads size and time of @path (no verification). NULL with @error if it is not there. */
TwBackup          *tw_backup_new_for_path     (const char   *path,
                                               GError      **error);
const char        *tw_backup_get_path         (TwBackup     *self);
const char        *tw_backup_get_name         (TwBackup     *self);
guint64            tw_backup_get_size         (TwBackup     *self);
GDateTime         *tw_backup_get_created      (TwBackup     *self);
gboolean           tw_backup_get_pre_restore  (TwBackup     *self);
TwBackupValidity   tw_backup_get_valid        (TwBackup     *self);
const char        *tw_backup_get_problem      (TwBackup     *self);
const char * const *tw_backup_get_tables      (TwBackup     *self);
/* Rows of @table as last verified; -1 if unknown. */
gint64             tw_backup_get_row_count    (TwBackup     *self,
                                               const char   *table);
gint64             tw_backup_get_total_rows   (TwBackup     *self);
const char        *tw_backup_get_fingerprint  (TwBackup     *self);
TwBackupManifest   tw_backup_get_manifest     (TwBackup     *self);

/* Checks the file now (blocking: a worker thread or the command line) and updates the
 * properties: PRAGMA quick_check if @quick, else integrity_check; tables, row counts,
 * fingerprint. Returns FALSE with @error only if the check could not run (the file
 * is gone, cancelled); a corrupt file gives TRUE with "valid" = INVALID. The file's
 * SHA-256 is compared with its manifest's (read side by side with the check). A
 * symbolic link is not a backup file: INVALID (resolve it first to verify what it
 * points to). */
gboolean           tw_backup_verify           (TwBackup     *self,
                                               gboolean      quick,
                                               GCancellable *cancellable,
                                               GError      **error);
/* The same, and a backup without a manifest must have @source_schema (nullable: the
 * fingerprint of the database it is a backup of, when that can be read). */
gboolean           tw_backup_verify_for_source (TwBackup    *self,
                                               gboolean      quick,
                                               const char   *source_schema,
                                               GCancellable *cancellable,
                                               GError      **error);

/* Parses a backup named as a runbook's own scripts name them, "DB_FILE.SUFFIX" for the
 * database file name @db_file_name: "investiq.db.20260211_031500" (`date
 * +%Y%m%d_%H%M%S`), "investiq.db.20260211", "investiq.db.latest",
 * "investiq.db.LAST_GOOD" (000, "Database Backup and Restore"). TRUE when @file_name is
 * one; @created: (out) (optional) (nullable) the UTC time a date suffix spells (read as
 * local time, as `date` writes it), NULL for a word. */
gboolean           tw_backup_parse_runbook_name (const char *file_name,
                                                 const char *db_file_name,
                                                 GDateTime **created);
/* TRUE for a backup named by a runbook's scripts, not by the console: listed, verified
 * and restored like the console's own, never deleted by its cleanup. */
gboolean           tw_backup_get_external     (TwBackup     *self);

/* Parses "NAME_YYYYMMDD_HHMMSS[_N][-pre-restore].db" for @db_name (the database's file name
 * without extension); returns the UTC time, or NULL if @file_name is not such a backup. */
GDateTime         *tw_backup_parse_name       (const char   *file_name,
                                               const char   *db_name,
                                               gboolean     *pre_restore);

G_END_DECLS
