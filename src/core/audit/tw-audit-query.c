/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading the audit log: the rows matching a filter, and their export as JSON lines. */
#include "config.h"

#include "tw-audit-log.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "tw-audit-private.h"
#include "tw-error.h"
#include "tw-sqlite-util.h"

/* Runs @fn on each row matching @filter, in id order (newest first if @newest_first).
 * Called with the lock held. */
typedef gboolean (*RowFunc) (const TwAuditRow *row, gpointer data, GError **error);

static gboolean
foreach_row_locked (TwAuditLog          *self,
                    const TwAuditFilter *filter,
                    gboolean             newest_first,
                    RowFunc              fn,
                    gpointer             data,
                    GCancellable        *cancellable,
                    GError             **error)
{
  g_autofree char *what = g_strdup_printf (_("Could not read the audit log “%s”"), self->path);
  g_autoptr(GString) sql = g_string_new ("SELECT " TW_AUDIT_COLUMNS " FROM audit WHERE 1");
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;
  guint n = 0;
  int idx = 1;
  int rc;

  if (filter != NULL && filter->profile != NULL && *filter->profile != '\0')
    g_string_append (sql, " AND profile = ?");
  if (filter != NULL && filter->action != NULL && *filter->action != '\0')
    g_string_append (sql, " AND action = ?");
  if (filter != NULL && filter->outcome >= 0)
    g_string_append (sql, " AND outcome = ?");
  if (filter != NULL && filter->text != NULL && *filter->text != '\0')
    g_string_append (sql, " AND (instr(lower(action), lower(?1000)) OR instr(lower(target), lower(?1000))"
                     " OR instr(lower(reason), lower(?1000)) OR instr(lower(message), lower(?1000))"
                     " OR instr(lower(profile), lower(?1000)) OR instr(lower(actor), lower(?1000)))");
  g_string_append (sql, newest_first ? " ORDER BY id DESC" : " ORDER BY id");
  if (filter != NULL && filter->limit > 0)
    g_string_append_printf (sql, " LIMIT %u", filter->limit);

  rc = sqlite3_prepare_v2 (self->db, sql->str, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _tw_sqlite_error (error, self->db, rc, what);

  if (filter != NULL && filter->profile != NULL && *filter->profile != '\0')
    sqlite3_bind_text (stmt, idx++, filter->profile, -1, SQLITE_TRANSIENT);
  if (filter != NULL && filter->action != NULL && *filter->action != '\0')
    sqlite3_bind_text (stmt, idx++, filter->action, -1, SQLITE_TRANSIENT);
  if (filter != NULL && filter->outcome >= 0)
    sqlite3_bind_text (stmt, idx++, tw_audit_outcome_to_string (filter->outcome), -1, SQLITE_TRANSIENT);
  if (filter != NULL && filter->text != NULL && *filter->text != '\0')
    sqlite3_bind_text (stmt, 1000, filter->text, -1, SQLITE_TRANSIENT);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TwAuditRow row;

      _tw_audit_row_from_stmt (stmt, &row);
      if (!fn (&row, data, error))
        {
          ok = FALSE;
          break;
        }
      if ((++n & 255) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
    }
  if (ok && rc != SQLITE_DONE)
    ok = _tw_sqlite_error (error, self->db, rc, what);
  sqlite3_finalize (stmt);

  return ok;
}

static gboolean
add_record (const TwAuditRow  *row,
            gpointer           data,
            GError           **error)
{
  g_autoptr(TwAuditRecord) record = _tw_audit_record_new (row);

  g_list_store_append (data, record);
  return TRUE;
}

GListModel *
tw_audit_log_query (TwAuditLog           *self,
                    const TwAuditFilter  *filter,
                    GCancellable         *cancellable,
                    GError              **error)
{
  g_autoptr(GListStore) store = g_list_store_new (TW_TYPE_AUDIT_RECORD);
  gboolean ok;

  g_return_val_if_fail (TW_IS_AUDIT_LOG (self), NULL);

  g_mutex_lock (&self->lock);
  ok = foreach_row_locked (self, filter, TRUE, add_record, store, cancellable, error);
  g_mutex_unlock (&self->lock);

  return ok ? G_LIST_MODEL (g_steal_pointer (&store)) : NULL;
}

typedef struct
{
  GOutputStream *stream;
  GCancellable  *cancellable;
  guint64        count;
} ExportData;

static gboolean
write_json_line (const TwAuditRow  *row,
                 gpointer           data,
                 GError           **error)
{
  ExportData *export = data;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) epoch = g_date_time_new_from_unix_utc (0);
  g_autoptr(GDateTime) time = g_date_time_add (epoch, row->time_us);
  g_autofree char *iso = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S.%fZ");
  g_autofree char *line = NULL;
  g_autofree char *with_newline = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, row->id);
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, iso);
  json_builder_set_member_name (builder, "time_us");
  json_builder_add_int_value (builder, row->time_us);
#define ADD_STRING(name, value) \
  json_builder_set_member_name (builder, name); \
  json_builder_add_string_value (builder, value != NULL ? value : "")
  ADD_STRING ("profile", row->profile);
  ADD_STRING ("mode", row->mode);
  ADD_STRING ("actor", row->actor);
  ADD_STRING ("action", row->action);
  ADD_STRING ("target", row->target);
  ADD_STRING ("reason", row->reason);
  ADD_STRING ("outcome", row->outcome);
  json_builder_set_member_name (builder, "http_status");
  json_builder_add_int_value (builder, row->http_status);
  ADD_STRING ("message", row->message);
  json_builder_set_member_name (builder, "request_id");
  json_builder_add_int_value (builder, row->request_id);
  ADD_STRING ("prev_hash", row->prev_hash);
  ADD_STRING ("hash", row->hash);
#undef ADD_STRING
  json_builder_set_member_name (builder, "unkeyed");
  json_builder_add_boolean_value (builder, row->unkeyed);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  line = json_to_string (root, FALSE);
  with_newline = g_strconcat (line, "\n", NULL);
  export->count++;

  return g_output_stream_write_all (export->stream, with_newline, strlen (with_newline),
                                    NULL, export->cancellable, error);
}

gboolean
tw_audit_log_export (TwAuditLog           *self,
                     const TwAuditFilter  *filter,
                     GOutputStream        *stream,
                     guint64              *n_rows,
                     GCancellable         *cancellable,
                     GError              **error)
{
  ExportData data = { stream, cancellable, 0 };
  gboolean ok;

  g_return_val_if_fail (TW_IS_AUDIT_LOG (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  g_mutex_lock (&self->lock);
  sqlite3_exec (self->db, "BEGIN", NULL, NULL, NULL);
  ok = foreach_row_locked (self, filter, FALSE, write_json_line, &data, cancellable, error);
  sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
  g_mutex_unlock (&self->lock);

  if (ok)
    ok = g_output_stream_flush (stream, cancellable, error);
  if (n_rows != NULL)
    *n_rows = data.count;

  return ok;
}
