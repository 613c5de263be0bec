/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-audit-log.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sqlite3.h>

#include "tw-audit-private.h"
#include "tw-error.h"
#include "tw-sqlite-util.h"

#define CANONICAL_TAG       "tw-audit-1"
#define CANONICAL_TAG_KEYED "tw-audit-2"
#define BUSY_TIMEOUT_MS 15000

G_DEFINE_FINAL_TYPE (TwAuditLog, tw_audit_log, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char schema_sql[] =
  "CREATE TABLE IF NOT EXISTS audit ("
  "  id INTEGER PRIMARY KEY,"
  "  time_us INTEGER NOT NULL,"
  "  profile TEXT NOT NULL,"
  "  mode TEXT NOT NULL,"
  "  actor TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  target TEXT NOT NULL,"
  "  reason TEXT NOT NULL,"
  "  outcome TEXT NOT NULL,"
  "  http_status INTEGER NOT NULL,"
  "  message TEXT NOT NULL,"
  "  request_id INTEGER NOT NULL,"
  "  prev_hash TEXT NOT NULL,"
  "  hash TEXT NOT NULL,"
  "  unkeyed INTEGER NOT NULL DEFAULT 0);"
  "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN"
  "  SELECT RAISE(ABORT, 'the audit log is append-only: its rows cannot be changed');"
  "END;"
  "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN"
  "  SELECT RAISE(ABORT, 'the audit log is append-only: its rows cannot be deleted');"
  "END;";

/* Logs from before rows could be written without the keyring get the "unkeyed" column,
 * 0 for their rows (a row from before keyed chains is told by its place, before the
 * keyring's first keyed row). Inside the open's write transaction. */
static gboolean
upgrade_schema (sqlite3     *db,
                const char  *what,
                GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean has_column = FALSE;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT 1 FROM pragma_table_info('audit') WHERE name = 'unkeyed'",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      has_column = rc == SQLITE_ROW;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _tw_sqlite_error (error, db, rc, what);
  if (has_column)
    return TRUE;
  return _tw_sqlite_exec (db, "ALTER TABLE audit ADD COLUMN unkeyed INTEGER NOT NULL DEFAULT 0",
                          what, error);
}

/* Canonical form: see tw-audit-log.h. */
char *
_tw_audit_row_hash (const TwAuditRow *row,
                    const guint8     *key)
{
  g_autoptr(GChecksum) sum = NULL;
  g_autoptr(GHmac) mac = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, row->id);
  g_autofree char *time_us = g_strdup_printf ("%" G_GINT64_FORMAT, row->time_us);
  g_autofree char *status = g_strdup_printf ("%u", row->http_status);
  g_autofree char *request_id = g_strdup_printf ("%" G_GINT64_FORMAT, row->request_id);
  const char *fields[] = {
    key != NULL ? CANONICAL_TAG_KEYED : CANONICAL_TAG, id, time_us, row->profile, row->mode,
    row->actor, row->action, row->target, row->reason, row->outcome, status, row->message,
    request_id, row->prev_hash,
  };

  if (key != NULL)
    mac = g_hmac_new (G_CHECKSUM_SHA256, key, TW_AUDIT_KEY_SIZE);
  else
    sum = g_checksum_new (G_CHECKSUM_SHA256);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *field = fields[i] != NULL ? fields[i] : "";

      if (i > 0)
        {
          if (mac != NULL)
            g_hmac_update (mac, (const guchar *) "\x1f", 1);
          else
            g_checksum_update (sum, (const guchar *) "\x1f", 1);
        }
      if (mac != NULL)
        g_hmac_update (mac, (const guchar *) field, -1);
      else
        g_checksum_update (sum, (const guchar *) field, -1);
    }

  return g_strdup (mac != NULL ? g_hmac_get_string (mac) : g_checksum_get_string (sum));
}

/* Object -------------------------------------------------------------------- */

static void
tw_audit_log_finalize (GObject *object)
{
  TwAuditLog *self = TW_AUDIT_LOG (object);

  /* The queued head writes first: they use the fields below. */
  g_thread_pool_free (self->head_writer, FALSE, TRUE);
  g_mutex_clear (&self->head_lock);
  g_cond_clear (&self->head_cond);
  g_clear_pointer (&self->db, sqlite3_close);
  g_mutex_clear (&self->lock);
  g_free (self->path);
  g_free (self->secret_name);
  g_clear_object (&self->secrets);
  explicit_bzero (self->key, sizeof self->key);

  G_OBJECT_CLASS (tw_audit_log_parent_class)->finalize (object);
}

static void
tw_audit_log_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TwAuditLog *self = TW_AUDIT_LOG (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_audit_log_class_init (TwAuditLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tw_audit_log_finalize;
  object_class->get_property = tw_audit_log_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

/* A job of the head writer (see chain_commit_locked). */
typedef struct
{
  TwAuditLog  *log;
  gboolean     warm;    /* the first job: read the keyring ahead of the first row */
  TwAuditHead  head;
  guint64      seq;
} HeadJob;

static void write_head_job (gpointer data,
                            gpointer user_data);

static void
tw_audit_log_init (TwAuditLog *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->head_lock);
  g_cond_init (&self->head_cond);
  self->head_writer = g_thread_pool_new (write_head_job, NULL, 1, FALSE, NULL);
}

char *
tw_audit_log_get_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "tradewarden", "audit.db", NULL);
}

/**
 * tw_audit_log_open:
 * @path: (nullable): the log, or %NULL for tw_audit_log_get_default_path()
 * @error: return location for a #GError
 *
 * Opens the log with its key and head in the keyring (tw_secrets_new_keyring()).
 *
 * Returns: (transfer full) (nullable): the log
 */
TwAuditLog *
tw_audit_log_open (const char  *path,
                   GError     **error)
{
  g_autoptr(TwSecrets) keyring = tw_secrets_new_keyring ();

  return tw_audit_log_open_with_secrets (path, keyring, error);
}

/**
 * tw_audit_log_open_with_secrets:
 * @path: (nullable): the log, or %NULL for tw_audit_log_get_default_path()
 * @secrets: where the log's key and head are kept: the keyring, or process memory for a
 *   throw-away log (the demo, tests)
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the log
 */
TwAuditLog *
tw_audit_log_open_with_secrets (const char  *path,
                                TwSecrets   *secrets,
                                GError     **error)
{
  g_autoptr(TwAuditLog) self = g_object_new (TW_TYPE_AUDIT_LOG, NULL);
  g_autofree char *dir = NULL;
  g_autofree char *what = NULL;

  g_return_val_if_fail (TW_IS_SECRETS (secrets), NULL);

  self->path = path != NULL ? g_strdup (path) : tw_audit_log_get_default_path ();
  self->secrets = g_object_ref (secrets);
  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                   _("Could not create the folder of the audit log “%s”: %s"), dir,
                   g_strerror (saved));
      return NULL;
    }

  self->db = _tw_sqlite_open (self->path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, FALSE, error);
  if (self->db == NULL)
    return NULL;

  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);
  what = g_strdup_printf (_("Could not set up the audit log “%s”"), self->path);
  if (!_tw_sqlite_exec (self->db, "PRAGMA journal_mode=WAL", what, error)
      || !_tw_sqlite_exec (self->db, "PRAGMA synchronous=FULL", what, error)
      || !_tw_sqlite_exec (self->db, "BEGIN IMMEDIATE", what, error))
    return NULL;
  if (!_tw_sqlite_exec (self->db, schema_sql, what, error)
      || !upgrade_schema (self->db, what, error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return NULL;
    }
  if (!_tw_sqlite_exec (self->db, "COMMIT", what, error))
    return NULL;
  self->secret_name = _tw_audit_secret_name (self->path);
  {
    HeadJob *warm = g_new0 (HeadJob, 1);

    warm->log = self;
    warm->warm = TRUE;
    g_thread_pool_push (self->head_writer, warm, NULL);
  }

  return g_steal_pointer (&self);
}

const char *
tw_audit_log_get_path (TwAuditLog *self)
{
  g_return_val_if_fail (TW_IS_AUDIT_LOG (self), NULL);

  return self->path;
}

void
_tw_audit_row_from_stmt (sqlite3_stmt *stmt,
                         TwAuditRow   *row)
{
  row->id = sqlite3_column_int64 (stmt, 0);
  row->time_us = sqlite3_column_int64 (stmt, 1);
  row->profile = (const char *) sqlite3_column_text (stmt, 2);
  row->mode = (const char *) sqlite3_column_text (stmt, 3);
  row->actor = (const char *) sqlite3_column_text (stmt, 4);
  row->action = (const char *) sqlite3_column_text (stmt, 5);
  row->target = (const char *) sqlite3_column_text (stmt, 6);
  row->reason = (const char *) sqlite3_column_text (stmt, 7);
  row->outcome = (const char *) sqlite3_column_text (stmt, 8);
  row->http_status = (guint) sqlite3_column_int64 (stmt, 9);
  row->message = (const char *) sqlite3_column_text (stmt, 10);
  row->request_id = sqlite3_column_int64 (stmt, 11);
  row->prev_hash = (const char *) sqlite3_column_text (stmt, 12);
  row->hash = (const char *) sqlite3_column_text (stmt, 13);
  row->unkeyed = sqlite3_column_int (stmt, 14) != 0;
}

/* TRUE when the log still holds the head's newest row, unchanged. Lock held. */
static gboolean
tail_matches_locked (TwAuditLog        *self,
                     gint64             last_id,
                     const TwAuditHead *head)
{
  sqlite3_stmt *stmt = NULL;
  gboolean same = FALSE;

  if (head->row == 0)
    return TRUE;
  if (last_id < head->row)
    return FALSE;
  if (sqlite3_prepare_v2 (self->db, "SELECT hash FROM audit WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, head->row);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    same = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), head->mac) == 0;
  sqlite3_finalize (stmt);
  return same;
}

/* SQLite's count of commits by other connections (0 when it cannot be read). */
static gint64
data_version_locked (TwAuditLog *self)
{
  sqlite3_stmt *stmt = NULL;
  gint64 version = 0;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA data_version", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

/* Whether this process may go on keying rows without reading the keyring: it has the
 * key and a head of its own to go on from. Lock held. */
static gboolean
can_key_without_keyring_locked (TwAuditLog *self)
{
  return self->have_key && self->head.keyed_from > 0;
}

/* Before a row is appended, inside its write transaction (so no other writer runs in
 * between): the key, made on first use (then cached), and the keyring's head, checked
 * against the log's tail — unless no one else wrote since this process's last row. The
 * head this process stores is written by the head writer, so the one read here may be a
 * little behind: a head behind the tail is consistent (its row is there, unchanged);
 * only a head past the tail, or naming a row that changed, means rows were lost. A log
 * found so still takes the new row — halting must never wait on the audit log's past —
 * but the finding is kept in the head for good (broken_at), so every later verification
 * reports it.
 *
 * Returns whether the row is keyed. When the keyring cannot be had (no Secret Service, a
 * locked keyring, a refused read, no answer within TW_AUDIT_KEYRING_TIMEOUT_MS) and this
 * process has no key and head of its own to go on from, the row is written without it
 * — unkeyed, chained — rather than not at all: an action is refused when its row cannot
 * be written, and a halt must never wait on the keyring. After a failure the keyring is
 * tried again TW_AUDIT_KEYRING_RETRY_S later (or by the next process to open the log),
 * not on every row. Lock held. */
static gboolean
chain_prepare_locked (TwAuditLog  *self,
                      gint64       last_id)
{
  g_autoptr(GError) local_error = NULL;
  TwAuditDeadline *deadline;
  TwAuditHead head;
  gboolean found = FALSE;
  gboolean read;
  gint64 now = g_get_monotonic_time ();

  /* Nothing committed by anyone else since this process's last row, which is still the
   * tail: the head is the one this process keeps (stored, or being stored). Any other
   * writer — another console, the command line, someone's sqlite3 — changes
   * data_version, and then the keyring is read. */
  if (can_key_without_keyring_locked (self) && self->head.row == last_id
      && self->data_version != 0 && data_version_locked (self) == self->data_version)
    return TRUE;

  /* The keyring failed lately: not tried again on every row. */
  if (self->keyring_failed_us != 0
      && now - self->keyring_failed_us < TW_AUDIT_KEYRING_RETRY_S * G_TIME_SPAN_SECOND)
    {
      if (!can_key_without_keyring_locked (self))
        g_debug ("The audit log “%s”: row %" G_GINT64_FORMAT " written without the keyring "
                 "(it failed %" G_GINT64_FORMAT " s ago)", self->path, last_id + 1,
                 (now - self->keyring_failed_us) / G_TIME_SPAN_SECOND);
      return can_key_without_keyring_locked (self);
    }

  deadline = _tw_audit_deadline_new (TW_AUDIT_KEYRING_TIMEOUT_MS);
  if (!self->have_key)
    self->have_key = _tw_audit_key_load (self->secrets, self->secret_name, TRUE, self->key,
                                         &found, _tw_audit_deadline_get_cancellable (deadline),
                                         &local_error);
  read = self->have_key
         && _tw_audit_head_read (self->secrets, self->secret_name, &head, &found,
                                 _tw_audit_deadline_get_cancellable (deadline), &local_error);
  _tw_audit_deadline_free (deadline, &local_error);

  if (!read)
    {
      self->keyring_failed_us = g_get_monotonic_time ();
      /* The key is known (cached): go on from what this process last wrote. */
      if (can_key_without_keyring_locked (self))
        {
          g_warning ("The audit log's head could not be read from the keyring (%s): going on "
                     "from the one this process wrote", local_error->message);
          return TRUE;
        }
      g_warning ("The audit log “%s” cannot have its key from the keyring (%s): its rows "
                 "from row %" G_GINT64_FORMAT " on are written without the keyring (chained, "
                 "not keyed; Verify lists them) until the keyring answers; trying again in "
                 "%d s.", self->path, local_error->message, last_id + 1,
                 TW_AUDIT_KEYRING_RETRY_S);
      return FALSE;
    }
  self->keyring_failed_us = 0;

  if (!found)
    {
      /* A new log, or one from before keyed chains: keyed from this row on — unless this
       * process already keys it and its first head is still being stored. */
      if (self->head.keyed_from == 0)
        self->head.keyed_from = last_id + 1;
      return TRUE;
    }

  if (!tail_matches_locked (self, last_id, &head) && head.broken_at == 0
      && self->head.broken_at == 0)
    {
      g_debug ("The audit log “%s” ends at row %" G_GINT64_FORMAT " but row %" G_GINT64_FORMAT
               " was written (or that row changed): recorded, Verify will report it",
               self->path, last_id, head.row);
      head.broken_at = last_id + 1;
      head.broken_last = last_id;
      head.broken_head = head.row;
    }
  /* A finding, once made here or by another process, is never dropped. */
  if (head.broken_at == 0 && self->head.broken_at != 0)
    {
      head.broken_at = self->head.broken_at;
      head.broken_last = self->head.broken_last;
      head.broken_head = self->head.broken_head;
    }
  if (self->head.keyed_from > 0)
    head.keyed_from = MIN (head.keyed_from, self->head.keyed_from);
  /* A replaced log may be shorter than where keying began: its new rows are keyed too. */
  head.keyed_from = MIN (head.keyed_from, last_id + 1);
  self->head = head;
  return TRUE;
}

/* Right after open, in the writer's thread: the key (made if the log has none) and the
 * head checked against the tail, under the log's write lock as an append would, so that
 * the first guarded action does not wait on the keyring. A failure is logged, and rows
 * are then written without the keyring at once (see chain_prepare_locked). */
static void
warm_up (TwAuditLog *self)
{
  sqlite3_stmt *stmt = NULL;
  gint64 last_id = 0;

  g_mutex_lock (&self->lock);
  if (sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK)
    {
      if (sqlite3_prepare_v2 (self->db, "SELECT id FROM audit ORDER BY id DESC LIMIT 1",
                              -1, &stmt, NULL) == SQLITE_OK
          && sqlite3_step (stmt) == SQLITE_ROW)
        last_id = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
      /* A failure is logged there; the first row then goes without the keyring at once. */
      chain_prepare_locked (self, last_id);
      self->data_version = data_version_locked (self);
      sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
    }
  g_mutex_unlock (&self->lock);
}

/* The head writer's job: stores its copy of the head unless a newer one is queued
 * (a burst of rows costs one keyring write or two). Takes no lock of the log's. */
static void
write_head_job (gpointer data,
                gpointer user_data)
{
  HeadJob *job = data;
  TwAuditLog *self = job->log;
  g_autoptr(GError) error = NULL;
  gboolean newest;

  if (job->warm)
    {
      warm_up (self);
      g_free (job);
      return;
    }

  g_mutex_lock (&self->head_lock);
  newest = job->seq == self->head_seq;
  g_mutex_unlock (&self->head_lock);

  /* A failure leaves the newest rows unanchored until the next write (they are keyed). */
  if (newest)
    {
      TwAuditDeadline *deadline = _tw_audit_deadline_new (TW_AUDIT_KEYRING_TIMEOUT_MS);

      _tw_audit_head_write (self->secrets, self->secret_name, &job->head,
                            _tw_audit_deadline_get_cancellable (deadline), &error);
      _tw_audit_deadline_free (deadline, &error);
    }
  if (error != NULL)
    g_warning ("The audit log's head could not be stored in the keyring: %s. Until it is, "
               "removing row %" G_GINT64_FORMAT " of the log would go unnoticed by Verify.",
               error->message, job->head.row);

  g_mutex_lock (&self->head_lock);
  self->head_pending--;
  g_cond_broadcast (&self->head_cond);
  g_mutex_unlock (&self->head_lock);
  g_free (job);
}

/* After the row is committed: the head names it, stored by the head writer. Lock held. */
static void
chain_commit_locked (TwAuditLog       *self,
                     const TwAuditRow *row)
{
  HeadJob *job = g_new0 (HeadJob, 1);

  self->head.row = row->id;
  g_strlcpy (self->head.mac, row->hash, sizeof self->head.mac);

  /* No reference: finalize waits for the queued writes before anything is freed. */
  job->log = self;
  job->head = self->head;
  g_mutex_lock (&self->head_lock);
  job->seq = ++self->head_seq;
  self->head_pending++;
  g_mutex_unlock (&self->head_lock);
  g_thread_pool_push (self->head_writer, job, NULL);
}

void
_tw_audit_head_flush (TwAuditLog *self)
{
  g_mutex_lock (&self->head_lock);
  while (self->head_pending > 0)
    g_cond_wait (&self->head_cond, &self->head_lock);
  g_mutex_unlock (&self->head_lock);
}

/* Appends one row in its own BEGIN IMMEDIATE transaction. When @request_id is
 * not 0, the request's profile, mode, action, target and reason are copied into
 * @row (which must leave them NULL). Called with the lock held. */
static gint64
append_locked (TwAuditLog  *self,
               TwAuditRow  *row,
               GError     **error)
{
  g_autofree char *what = g_strdup_printf (_("Could not write to the audit log “%s”"), self->path);
  g_autofree char *prev_hash = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *req_profile = NULL, *req_mode = NULL, *req_action = NULL;
  g_autofree char *req_target = NULL, *req_reason = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 last_id = 0;
  int rc;

  if (!_tw_sqlite_exec (self->db, "BEGIN IMMEDIATE", what, error))
    return 0;

  /* The previous hash is read inside the write transaction: another process may have
   * appended since we last looked. */
  rc = sqlite3_prepare_v2 (self->db, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      last_id = sqlite3_column_int64 (stmt, 0);
      prev_hash = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    goto db_error;

  if (row->request_id != 0)
    {
      rc = sqlite3_prepare_v2 (self->db, "SELECT profile, mode, action, target, reason, outcome "
                               "FROM audit WHERE id = ?", -1, &stmt, NULL);
      if (rc != SQLITE_OK)
        goto db_error;
      sqlite3_bind_int64 (stmt, 1, row->request_id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW
          && g_strcmp0 ((const char *) sqlite3_column_text (stmt, 5), "requested") == 0)
        {
          req_profile = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          req_mode = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          req_action = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
          req_target = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
          req_reason = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
        }
      sqlite3_finalize (stmt);
      stmt = NULL;
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        goto db_error;
      if (req_action == NULL)
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("Could not write to the audit log “%s”: row %lld is not a request, "
                         "so no outcome can be recorded for it"),
                       self->path, (long long) row->request_id);
          return 0;
        }
      row->profile = req_profile;
      row->mode = req_mode;
      row->action = req_action;
      row->target = req_target;
      row->reason = req_reason;
    }

  row->unkeyed = !chain_prepare_locked (self, last_id);
  row->id = last_id + 1;
  row->prev_hash = prev_hash != NULL ? prev_hash : TW_AUDIT_GENESIS;
  hash = _tw_audit_row_hash (row, row->unkeyed ? NULL : self->key);
  row->hash = hash;

  rc = sqlite3_prepare_v2 (self->db, "INSERT INTO audit (" TW_AUDIT_COLUMNS ") "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    goto db_error;
  sqlite3_bind_int64 (stmt, 1, row->id);
  sqlite3_bind_int64 (stmt, 2, row->time_us);
  sqlite3_bind_text (stmt, 3, row->profile, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, row->mode, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, row->actor, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, row->action, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, row->target, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, row->reason, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 9, row->outcome, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 10, row->http_status);
  sqlite3_bind_text (stmt, 11, row->message, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 12, row->request_id);
  sqlite3_bind_text (stmt, 13, row->prev_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 14, row->hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 15, row->unkeyed ? 1 : 0);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (rc != SQLITE_DONE)
    goto db_error;

  rc = sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    goto db_error;

  /* Only once the row is committed: an anchor never names a row that is not there. */
  self->data_version = data_version_locked (self);
  /* The head names keyed rows only: the newest row the keyring vouches for. */
  if (!row->unkeyed)
    chain_commit_locked (self, row);
  _tw_audit_anchor_write (self->path, row->id, row->hash);
  return row->id;

db_error:
  _tw_sqlite_error (error, self->db, rc, what);
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return 0;
}

static gint64
append (TwAuditLog     *self,
        const char     *profile,
        TwMode          mode,
        const char     *action,
        const char     *target,
        const char     *reason,
        TwAuditOutcome  outcome,
        guint           http_status,
        const char     *message,
        gint64          request_id,
        GError        **error)
{
  g_autofree char *clean_reason = tw_audit_scrub (reason != NULL ? reason : "");
  g_autofree char *clean_message = tw_audit_scrub (message != NULL ? message : "");
  TwAuditRow row = { 0, };
  gint64 id;

  row.time_us = g_get_real_time ();
  row.actor = g_get_user_name ();
  row.outcome = tw_audit_outcome_to_string (outcome);
  row.http_status = http_status;
  row.message = clean_message;
  row.request_id = request_id;
  if (request_id == 0)
    {
      row.profile = profile != NULL ? profile : "";
      row.mode = tw_mode_to_string (mode);
      row.action = action;
      row.target = target != NULL ? target : "";
      row.reason = clean_reason;
    }

  g_mutex_lock (&self->lock);
  id = append_locked (self, &row, error);
  g_mutex_unlock (&self->lock);

  return id;
}

gint64
tw_audit_log_request (TwAuditLog  *self,
                      const char  *profile,
                      TwMode       mode,
                      const char  *action,
                      const char  *target,
                      const char  *reason,
                      GError     **error)
{
  g_return_val_if_fail (TW_IS_AUDIT_LOG (self), 0);
  g_return_val_if_fail (action != NULL && *action != '\0', 0);

  return append (self, profile, mode, action, target, reason,
                 TW_AUDIT_OUTCOME_REQUESTED, 0, NULL, 0, error);
}

gint64
tw_audit_log_complete (TwAuditLog      *self,
                       gint64           request_id,
                       TwAuditOutcome   outcome,
                       guint            http_status,
                       const char      *message,
                       GError         **error)
{
  g_return_val_if_fail (TW_IS_AUDIT_LOG (self), 0);
  g_return_val_if_fail (request_id > 0, 0);
  g_return_val_if_fail (outcome != TW_AUDIT_OUTCOME_REQUESTED, 0);

  return append (self, NULL, TW_MODE_PAPER, NULL, NULL, NULL,
                 outcome, http_status, message, request_id, error);
}

gint64
tw_audit_log_record (TwAuditLog      *self,
                     const char      *profile,
                     TwMode           mode,
                     const char      *action,
                     const char      *target,
                     const char      *reason,
                     TwAuditOutcome   outcome,
                     guint            http_status,
                     const char      *message,
                     GError         **error)
{
  g_return_val_if_fail (TW_IS_AUDIT_LOG (self), 0);
  g_return_val_if_fail (action != NULL && *action != '\0', 0);

  return append (self, profile, mode, action, target, reason,
                 outcome, http_status, message, 0, error);
}
