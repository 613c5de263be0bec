/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The _async/_finish variants of TwAuditLog: each runs the blocking call in a GTask thread. */
#include "config.h"

#include "tw-audit-log.h"

#include "tw-error.h"

typedef struct
{
  char           *profile;
  TwMode          mode;
  char           *action;
  char           *target;
  char           *reason;
  gint64          request_id;
  TwAuditOutcome  outcome;
  guint           http_status;
  char           *message;
  /* query / export filter (owned copies of the strings) */
  TwAuditFilter   filter;
  gboolean        has_filter;
  char           *f_profile;
  char           *f_action;
  char           *f_text;
  GOutputStream  *stream;
  /* verify results */
  TwAuditVerdict  verdict;
} AuditTaskData;

static void
audit_task_data_free (gpointer p)
{
  AuditTaskData *data = p;

  g_free (data->profile);
  g_free (data->action);
  g_free (data->target);
  g_free (data->reason);
  g_free (data->message);
  g_free (data->f_profile);
  g_free (data->f_action);
  g_free (data->f_text);
  g_clear_object (&data->stream);
  g_free (data);
}

static void
copy_filter (AuditTaskData       *data,
             const TwAuditFilter *filter)
{
  if (filter == NULL)
    return;

  data->has_filter = TRUE;
  data->f_profile = g_strdup (filter->profile);
  data->f_action = g_strdup (filter->action);
  data->f_text = g_strdup (filter->text);
  data->filter.profile = data->f_profile;
  data->filter.action = data->f_action;
  data->filter.text = data->f_text;
  data->filter.outcome = filter->outcome;
  data->filter.limit = filter->limit;
}

static GTask *
audit_task_new (TwAuditLog          *self,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data,
                gpointer             source_tag,
                AuditTaskData      **data_out)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  AuditTaskData *data = g_new0 (AuditTaskData, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, audit_task_data_free);
  *data_out = data;

  return task;
}

static void
request_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  AuditTaskData *data = task_data;
  GError *error = NULL;
  gint64 id;

  id = tw_audit_log_request (source, data->profile, data->mode, data->action,
                             data->target, data->reason, &error);
  if (id == 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, id);
}

void
tw_audit_log_request_async (TwAuditLog          *self,
                            const char          *profile,
                            TwMode               mode,
                            const char          *action,
                            const char          *target,
                            const char          *reason,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AuditTaskData *data;

  g_return_if_fail (TW_IS_AUDIT_LOG (self));
  g_return_if_fail (action != NULL && *action != '\0');

  task = audit_task_new (self, cancellable, callback, user_data, tw_audit_log_request_async, &data);
  data->profile = g_strdup (profile);
  data->mode = mode;
  data->action = g_strdup (action);
  data->target = g_strdup (target);
  data->reason = g_strdup (reason);
  g_task_run_in_thread (task, request_thread);
}

gint64
tw_audit_log_request_finish (TwAuditLog    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  return g_task_propagate_int (G_TASK (result), error);
}

static void
complete_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  AuditTaskData *data = task_data;
  GError *error = NULL;
  gint64 id;

  id = tw_audit_log_complete (source, data->request_id, data->outcome, data->http_status,
                              data->message, &error);
  if (id == 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, id);
}

void
tw_audit_log_complete_async (TwAuditLog          *self,
                             gint64               request_id,
                             TwAuditOutcome       outcome,
                             guint                http_status,
                             const char          *message,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AuditTaskData *data;

  g_return_if_fail (TW_IS_AUDIT_LOG (self));
  g_return_if_fail (request_id > 0);
  g_return_if_fail (outcome != TW_AUDIT_OUTCOME_REQUESTED);

  task = audit_task_new (self, cancellable, callback, user_data, tw_audit_log_complete_async, &data);
  data->request_id = request_id;
  data->outcome = outcome;
  data->http_status = http_status;
  data->message = g_strdup (message);
  /* An outcome is written even if the caller cancelled meanwhile: the trail must be complete. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, complete_thread);
}

gint64
tw_audit_log_complete_finish (TwAuditLog    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  return g_task_propagate_int (G_TASK (result), error);
}

static void
verify_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  AuditTaskData *data = task_data;
  GError *error = NULL;

  if (tw_audit_log_verify_full (source, &data->verdict, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
tw_audit_log_verify_async (TwAuditLog          *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AuditTaskData *data;

  g_return_if_fail (TW_IS_AUDIT_LOG (self));

  task = audit_task_new (self, cancellable, callback, user_data, tw_audit_log_verify_async, &data);
  g_task_run_in_thread (task, verify_thread);
}

gboolean
tw_audit_log_verify_finish (TwAuditLog    *self,
                            GAsyncResult  *result,
                            guint64       *n_rows,
                            gint64        *bad_row,
                            GError       **error)
{
  AuditTaskData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (n_rows != NULL)
    *n_rows = data->verdict.n_rows;
  if (bad_row != NULL)
    *bad_row = data->verdict.bad_row;

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
tw_audit_log_verify_finish_full (TwAuditLog      *self,
                                 GAsyncResult    *result,
                                 TwAuditVerdict  *verdict,
                                 GError         **error)
{
  AuditTaskData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (verdict != NULL, FALSE);

  data = g_task_get_task_data (G_TASK (result));
  *verdict = data->verdict;

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
query_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  AuditTaskData *data = task_data;
  GError *error = NULL;
  GListModel *model;

  model = tw_audit_log_query (source, data->has_filter ? &data->filter : NULL, cancellable, &error);
  if (model == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, model, g_object_unref);
}

void
tw_audit_log_query_async (TwAuditLog          *self,
                          const TwAuditFilter *filter,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AuditTaskData *data;

  g_return_if_fail (TW_IS_AUDIT_LOG (self));

  task = audit_task_new (self, cancellable, callback, user_data, tw_audit_log_query_async, &data);
  copy_filter (data, filter);
  g_task_run_in_thread (task, query_thread);
}

GListModel *
tw_audit_log_query_finish (TwAuditLog    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  AuditTaskData *data = task_data;
  GError *error = NULL;

  if (tw_audit_log_export (source, data->has_filter ? &data->filter : NULL, data->stream,
                           NULL, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
tw_audit_log_export_async (TwAuditLog          *self,
                           const TwAuditFilter *filter,
                           GOutputStream       *stream,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AuditTaskData *data;

  g_return_if_fail (TW_IS_AUDIT_LOG (self));
  g_return_if_fail (G_IS_OUTPUT_STREAM (stream));

  task = audit_task_new (self, cancellable, callback, user_data, tw_audit_log_export_async, &data);
  copy_filter (data, filter);
  data->stream = g_object_ref (stream);
  g_task_run_in_thread (task, export_thread);
}

gboolean
tw_audit_log_export_finish (TwAuditLog    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
