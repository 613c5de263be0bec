/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Verification of the audit log: the chain, the keyring's head, the anchor file. */
#include "config.h"

#include "tw-audit-log.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <sqlite3.h>

#include "tw-audit-private.h"
#include "tw-error.h"
#include "tw-sqlite-util.h"

/* Verify ------------------------------------------------------------------- */

/* What the keyring says of the log: its head and, if it has one, its key. FALSE with
 * @error when the keyring cannot be read or lacks the key of a recorded log. */
static gboolean
read_keyring_locked (TwAuditLog   *self,
                     TwAuditHead  *head,
                     gboolean     *have_head,
                     guint8        key[TW_AUDIT_KEY_SIZE],
                     GError      **error)
{
  gboolean have_key = FALSE;

  if (!_tw_audit_head_read (self->secrets, self->secret_name, head, have_head, error)
      || (*have_head && !_tw_audit_key_load (self->secrets, self->secret_name, FALSE, key,
                                              &have_key, error)))
    {
      g_prefix_error (error, _("The audit log “%s” could not be verified: "), self->path);
      return FALSE;
    }
  if (*have_head && !have_key)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_SECRET,
                   _("The audit log “%s” could not be verified: the keyring records its rows "
                     "but no longer holds its key"), self->path);
      return FALSE;
    }
  return TRUE;
}

/* The checks of the keyring's head once the chain itself held. */
static gboolean
check_head (TwAuditLog         *self,
            const TwAuditHead  *head,
            guint64             count,
            gint64              last_id,
            const char         *anchored_mac,
            gint64             *bad,
            GError            **error)
{
  if (count == 0 && head->row > 0)
    {
      *bad = 1;
      g_set_error (error, TW_ERROR, TW_ERROR_CONFLICT,
                   _("The audit log “%s” is missing: it holds no rows, but %lld rows were "
                     "written to it (the keyring records them). The file was deleted or "
                     "replaced."),
                   self->path, (long long) head->row);
      return FALSE;
    }
  if (last_id < head->row)
    {
      *bad = last_id + 1;
      g_set_error (error, TW_ERROR, TW_ERROR_CONFLICT,
                   _("The audit log “%s” was truncated: it ends at row %lld but row %lld was "
                     "written (the keyring records it): rows %lld to %lld were removed, or the "
                     "log was replaced by an older copy"),
                   self->path, (long long) last_id, (long long) head->row,
                   (long long) (last_id + 1), (long long) head->row);
      return FALSE;
    }
  if (head->row > 0 && g_strcmp0 (anchored_mac, head->mac) != 0)
    {
      *bad = head->row;
      g_set_error (error, TW_ERROR, TW_ERROR_CONFLICT,
                   _("The audit log “%s” was tampered with at row %lld: it is not the row "
                     "written then (the keyring records another): the log was replaced or "
                     "rewritten"),
                   self->path, (long long) head->row);
      return FALSE;
    }
  if (head->broken_at > 0)
    {
      *bad = head->broken_at;
      g_set_error (error, TW_ERROR, TW_ERROR_CONFLICT,
                   _("The audit log “%s” lost rows before row %lld: when that row was written "
                     "the log ended at row %lld, but row %lld had been written (the keyring "
                     "records it). Rows were removed or the file replaced; the rows written "
                     "since are intact."),
                   self->path, (long long) head->broken_at, (long long) head->broken_last,
                   (long long) head->broken_head);
      return FALSE;
    }
  return TRUE;
}

/**
 * tw_audit_log_verify_full:
 * @self: a #TwAuditLog
 * @verdict: (out caller-allocates): what was checked
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Walks the whole chain: each row's link to the one before and its MAC (its plain
 * SHA-256 before @verdict->keyed_from), then the keyring's head (the newest row written
 * is there, unchanged, and no loss was found when writing) and the anchor file.
 *
 * Returns: %TRUE when the log is intact; otherwise %FALSE, @verdict->bad_row the first
 *   row that is wrong (0 when no row can be named) and @error (%TW_ERROR_CONFLICT when
 *   the log was altered) saying what
 */
gboolean
tw_audit_log_verify_full (TwAuditLog      *self,
                          TwAuditVerdict  *verdict,
                          GCancellable    *cancellable,
                          GError         **error)
{
  g_autofree char *what = NULL;
  g_autofree char *prev_hash = g_strdup (TW_AUDIT_GENESIS);
  g_autofree char *anchor_hash = NULL;
  g_autofree char *anchored_row_hash = NULL;
  g_autofree char *head_row_mac = NULL;
  guint8 key[TW_AUDIT_KEY_SIZE] = { 0, };
  TwAuditHead head;
  gboolean have_head = FALSE;
  sqlite3_stmt *stmt = NULL;
  gint64 anchor_id = 0;
  gint64 prev_id = 0;
  guint64 count = 0;
  gint64 bad = 0;
  gboolean ok = TRUE;
  int rc;

  g_return_val_if_fail (TW_IS_AUDIT_LOG (self), FALSE);
  g_return_val_if_fail (verdict != NULL, FALSE);

  memset (verdict, 0, sizeof *verdict);
  what = g_strdup_printf (_("Could not read the audit log “%s”"), self->path);
  /* This process's newest head first: the keyring is what is checked. */
  _tw_audit_head_flush (self);
  g_mutex_lock (&self->lock);

  /* Read before the rows: a head or anchor written meanwhile names a row the walk sees. */
  if (!read_keyring_locked (self, &head, &have_head, key, error)
      || !_tw_audit_anchor_read (self->path, &anchor_id, &anchor_hash, error))
    {
      g_mutex_unlock (&self->lock);
      explicit_bzero (key, sizeof key);
      return FALSE;   /* no row to name: the keyring or the anchor is what is wrong */
    }

  /* One read transaction: a consistent snapshot even while others append. */
  rc = sqlite3_exec (self->db, "BEGIN", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (self->db, "SELECT " TW_AUDIT_COLUMNS " FROM audit ORDER BY id", -1, &stmt, NULL);

  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TwAuditRow row;
      g_autofree char *hash = NULL;
      gboolean keyed;

      _tw_audit_row_from_stmt (stmt, &row);
      count++;
      keyed = have_head && row.id >= head.keyed_from;

      if (row.id != prev_id + 1)
        {
          bad = row.id;
          g_set_error (error, TW_ERROR, TW_ERROR_CONFLICT,
                       _("The audit log “%s” was tampered with at row %lld: rows %lld to %lld "
                         "are missing (removed from the log)"),
                       self->path, (long long) row.id, (long long) (prev_id + 1),
                       (long long) (row.id - 1));
          ok = FALSE;
          break;
        }
      if (g_strcmp0 (row.prev_hash, prev_hash) != 0)
        {
          bad = row.id;
          g_set_error (error, TW_ERROR, TW_ERROR_CONFLICT,
                       _("The audit log “%s” was tampered with at row %lld: its previous hash "
                         "does not match the hash of row %lld (a row before it was changed, "
                         "removed or inserted)"),
                       self->path, (long long) row.id, (long long) prev_id);
          ok = FALSE;
          break;
        }
      hash = _tw_audit_row_hash (&row, keyed ? key : NULL);
      if (g_strcmp0 (hash, row.hash) != 0)
        {
          bad = row.id;
          if (keyed)
            g_set_error (error, TW_ERROR, TW_ERROR_CONFLICT,
                         _("The audit log “%s” was tampered with at row %lld: its content does "
                           "not match its MAC (the row was changed or written without the "
                           "log's key)"),
                         self->path, (long long) row.id);
          else
            g_set_error (error, TW_ERROR, TW_ERROR_CONFLICT,
                         _("The audit log “%s” was tampered with at row %lld: its content does "
                           "not match its hash (the row was changed after it was written)"),
                         self->path, (long long) row.id);
          ok = FALSE;
          break;
        }

      g_free (prev_hash);
      prev_hash = g_strdup (row.hash);
      prev_id = row.id;
      if (row.id == anchor_id)
        anchored_row_hash = g_strdup (row.hash);
      if (have_head && row.id == head.row)
        head_row_mac = g_strdup (row.hash);

      if ((count & 1023) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      rc = SQLITE_OK;
    }
  explicit_bzero (key, sizeof key);

  if (ok && rc != SQLITE_DONE)
    ok = _tw_sqlite_error (error, self->db, rc, what);

  if (ok && have_head)
    ok = check_head (self, &head, count, prev_id, head_row_mac, &bad, error);

  /* The anchor file beside the log (what logs from before keyed chains have). */
  if (ok && anchor_id > prev_id)
    {
      bad = prev_id + 1;
      g_set_error (error, TW_ERROR, TW_ERROR_CONFLICT,
                   _("The audit log “%s” was truncated: it ends at row %lld but row %lld was "
                     "written (its anchor says so): rows %lld to %lld were removed, or the "
                     "log was replaced by an older copy"),
                   self->path, (long long) prev_id, (long long) anchor_id,
                   (long long) (prev_id + 1), (long long) anchor_id);
      ok = FALSE;
    }
  else if (ok && anchor_id > 0 && g_strcmp0 (anchored_row_hash, anchor_hash) != 0)
    {
      bad = anchor_id;
      g_set_error (error, TW_ERROR, TW_ERROR_CONFLICT,
                   _("The audit log “%s” was tampered with at row %lld: its hash is not the "
                     "one anchored when it was written (rows up to it were removed and others "
                     "written in their place, or rewritten with their hashes)"),
                   self->path, (long long) anchor_id);
      ok = FALSE;
    }

  sqlite3_finalize (stmt);
  sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
  g_mutex_unlock (&self->lock);

  verdict->n_rows = count;
  verdict->bad_row = bad;
  verdict->keyed_from = have_head ? head.keyed_from : 0;
  verdict->recorded_row = have_head ? head.row : 0;

  return ok;
}

/* The same, for callers that want only the row counts. */
gboolean
tw_audit_log_verify (TwAuditLog    *self,
                     guint64       *n_rows,
                     gint64        *bad_row,
                     GCancellable  *cancellable,
                     GError       **error)
{
  TwAuditVerdict verdict;
  gboolean ok;

  g_return_val_if_fail (TW_IS_AUDIT_LOG (self), FALSE);

  ok = tw_audit_log_verify_full (self, &verdict, cancellable, error);
  if (n_rows != NULL)
    *n_rows = verdict.n_rows;
  if (bad_row != NULL)
    *bad_row = verdict.bad_row;
  return ok;
}
