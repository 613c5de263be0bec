/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The _async/_finish variants of TwBackupManager: the blocking calls in a GTask thread,
 * progress marshalled to the caller's main context as the "progress" signal. */
#include "config.h"

#include "tw-backup-manager.h"

typedef struct
{
  char           *db_path;
  char           *backup_path;
  char           *backup_dir;
  char           *reason;
  gboolean        quick;
  guint           n_backups;
  guint           keep_days;
  TwRestoreFlags  flags;
  GPtrArray      *deleted;
  TwBackup       *pre_restore;
  TwRestoreOutcome outcome;
  GMainContext   *context;
  GWeakRef        manager;
} TaskData;

static void
task_data_free (gpointer p)
{
  TaskData *data = p;

  g_free (data->db_path);
  g_free (data->backup_path);
  g_free (data->backup_dir);
  g_free (data->reason);
  g_clear_pointer (&data->deleted, g_ptr_array_unref);
  g_clear_object (&data->pre_restore);
  g_clear_pointer (&data->context, g_main_context_unref);
  g_weak_ref_clear (&data->manager);
  g_free (data);
}

typedef struct
{
  GWeakRef     manager;
  TwBackupStep step;
  double       fraction;
} ProgressEvent;

static gboolean
emit_progress (gpointer p)
{
  ProgressEvent *event = p;
  g_autoptr(GObject) manager = g_weak_ref_get (&event->manager);

  if (manager != NULL)
    g_signal_emit_by_name (manager, "progress", event->step, event->fraction);

  return G_SOURCE_REMOVE;
}

static void
progress_event_free (gpointer p)
{
  ProgressEvent *event = p;

  g_weak_ref_clear (&event->manager);
  g_free (event);
}

/* Called in the worker: queues the signal emission on the caller's context. */
static void
on_worker_progress (TwBackupStep step,
                    double       fraction,
                    gpointer     user_data)
{
  TaskData *data = user_data;
  g_autoptr(GObject) manager = g_weak_ref_get (&data->manager);
  ProgressEvent *event;
  g_autoptr(GSource) source = NULL;

  if (manager == NULL)
    return;

  event = g_new0 (ProgressEvent, 1);
  g_weak_ref_init (&event->manager, manager);
  event->step = step;
  event->fraction = fraction;

  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit_progress, event, progress_event_free);
  g_source_set_static_name (source, "[tw] backup progress");
  g_source_attach (source, data->context);
}

static GTask *
task_new (TwBackupManager      *self,
          GCancellable         *cancellable,
          GAsyncReadyCallback   callback,
          gpointer              user_data,
          gpointer              source_tag,
          TaskData            **data_out)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  TaskData *data = g_new0 (TaskData, 1);

  g_task_set_source_tag (task, source_tag);
  data->context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&data->manager, self);
  g_task_set_task_data (task, data, task_data_free);
  *data_out = data;

  return task;
}

static void
create_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;
  TwBackup *backup;

  backup = tw_backup_manager_create (source, data->db_path, data->backup_dir,
                                     on_worker_progress, data, cancellable, &error);
  if (backup == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, backup, g_object_unref);
}

void
tw_backup_manager_create_async (TwBackupManager     *self,
                                const char          *db_path,
                                const char          *backup_dir,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (TW_IS_BACKUP_MANAGER (self));
  g_return_if_fail (db_path != NULL);

  task = task_new (self, cancellable, callback, user_data, tw_backup_manager_create_async, &data);
  data->db_path = g_strdup (db_path);
  data->backup_dir = g_strdup (backup_dir);
  g_task_run_in_thread (task, create_thread);
}

TwBackup *
tw_backup_manager_create_finish (TwBackupManager  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
verify_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;
  TwBackup *backup;

  on_worker_progress (TW_BACKUP_STEP_VERIFY, 0.0, data);
  backup = tw_backup_manager_verify (source, data->backup_path, data->quick, cancellable, &error);
  on_worker_progress (TW_BACKUP_STEP_VERIFY, 1.0, data);
  if (backup == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, backup, g_object_unref);
}

void
tw_backup_manager_verify_async (TwBackupManager     *self,
                                const char          *backup_path,
                                gboolean             quick,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (TW_IS_BACKUP_MANAGER (self));
  g_return_if_fail (backup_path != NULL);

  task = task_new (self, cancellable, callback, user_data, tw_backup_manager_verify_async, &data);
  data->backup_path = g_strdup (backup_path);
  data->quick = quick;
  g_task_run_in_thread (task, verify_thread);
}

TwBackup *
tw_backup_manager_verify_finish (TwBackupManager  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
list_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;
  GListModel *model;

  model = tw_backup_manager_list (source, data->db_path, data->backup_dir, &error);
  if (model == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, model, g_object_unref);
}

void
tw_backup_manager_list_async (TwBackupManager     *self,
                              const char          *db_path,
                              const char          *backup_dir,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (TW_IS_BACKUP_MANAGER (self));
  g_return_if_fail (db_path != NULL);

  task = task_new (self, cancellable, callback, user_data, tw_backup_manager_list_async, &data);
  data->db_path = g_strdup (db_path);
  data->backup_dir = g_strdup (backup_dir);
  g_task_run_in_thread (task, list_thread);
}

GListModel *
tw_backup_manager_list_finish (TwBackupManager  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
cleanup_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;

  on_worker_progress (TW_BACKUP_STEP_CLEANUP, 0.0, data);
  if (tw_backup_manager_cleanup (source, data->db_path, data->backup_dir, data->keep_days,
                                 &data->deleted, cancellable, &error))
    {
      on_worker_progress (TW_BACKUP_STEP_CLEANUP, 1.0, data);
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, error);
}

void
tw_backup_manager_cleanup_async (TwBackupManager     *self,
                                 const char          *db_path,
                                 const char          *backup_dir,
                                 guint                keep_days,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (TW_IS_BACKUP_MANAGER (self));
  g_return_if_fail (db_path != NULL);

  task = task_new (self, cancellable, callback, user_data, tw_backup_manager_cleanup_async, &data);
  data->db_path = g_strdup (db_path);
  data->backup_dir = g_strdup (backup_dir);
  data->keep_days = keep_days;
  g_task_run_in_thread (task, cleanup_thread);
}

gboolean
tw_backup_manager_cleanup_finish (TwBackupManager  *self,
                                  GAsyncResult     *result,
                                  GPtrArray       **deleted,
                                  GError          **error)
{
  TaskData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (deleted != NULL)
    *deleted = data->deleted != NULL ? g_ptr_array_ref (data->deleted) : NULL;

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
restore_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;

  if (tw_backup_manager_restore (source, data->db_path, data->backup_path, data->backup_dir,
                                 data->reason, data->flags, &data->pre_restore, &data->outcome,
                                 on_worker_progress, data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
tw_backup_manager_restore_async (TwBackupManager     *self,
                                 const char          *db_path,
                                 const char          *backup_path,
                                 const char          *backup_dir,
                                 const char          *reason,
                                 TwRestoreFlags       flags,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (TW_IS_BACKUP_MANAGER (self));
  g_return_if_fail (db_path != NULL && backup_path != NULL);

  task = task_new (self, cancellable, callback, user_data, tw_backup_manager_restore_async, &data);
  data->db_path = g_strdup (db_path);
  data->backup_path = g_strdup (backup_path);
  data->backup_dir = g_strdup (backup_dir);
  data->reason = g_strdup (reason);
  data->flags = flags;
  /* Once started, a restore runs to a safe end; cancelling only stops it before the replace. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, restore_thread);
}

gboolean
tw_backup_manager_restore_finish (TwBackupManager   *self,
                                  GAsyncResult      *result,
                                  TwBackup         **pre_restore,
                                  TwRestoreOutcome  *outcome,
                                  GError           **error)
{
  TaskData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (pre_restore != NULL)
    *pre_restore = data->pre_restore != NULL ? g_object_ref (data->pre_restore) : NULL;
  if (outcome != NULL)
    *outcome = data->outcome;

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
newest_valid_thread (GTask        *task,
                     gpointer      source,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;
  TwBackup *backup;

  backup = tw_backup_manager_find_newest_valid (source, data->db_path, data->backup_dir,
                                                &data->n_backups, cancellable, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, backup, g_object_unref);
}

void
tw_backup_manager_find_newest_valid_async (TwBackupManager     *self,
                                           const char          *db_path,
                                           const char          *backup_dir,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (TW_IS_BACKUP_MANAGER (self));
  g_return_if_fail (db_path != NULL);

  task = task_new (self, cancellable, callback, user_data,
                   tw_backup_manager_find_newest_valid_async, &data);
  data->db_path = g_strdup (db_path);
  data->backup_dir = g_strdup (backup_dir);
  g_task_run_in_thread (task, newest_valid_thread);
}

TwBackup *
tw_backup_manager_find_newest_valid_finish (TwBackupManager  *self,
                                            GAsyncResult     *result,
                                            guint            *n_backups,
                                            GError          **error)
{
  TaskData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (n_backups != NULL)
    *n_backups = data->n_backups;

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
recover_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;
  guint n = 0;

  if (!tw_backup_manager_recover (source, data->db_path, data->backup_dir, &n, &error))
    g_task_return_error (task, error);
  else
    g_task_return_int (task, n);
}

void
tw_backup_manager_recover_async (TwBackupManager     *self,
                                 const char          *db_path,
                                 const char          *backup_dir,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (TW_IS_BACKUP_MANAGER (self));
  g_return_if_fail (db_path != NULL);

  task = task_new (self, cancellable, callback, user_data, tw_backup_manager_recover_async, &data);
  data->db_path = g_strdup (db_path);
  data->backup_dir = g_strdup (backup_dir);
  g_task_run_in_thread (task, recover_thread);
}

gboolean
tw_backup_manager_recover_finish (TwBackupManager  *self,
                                  GAsyncResult     *result,
                                  guint            *n_interrupted,
                                  GError          **error)
{
  gssize n;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  n = g_task_propagate_int (G_TASK (result), error);
  if (n < 0)
    return FALSE;
  if (n_interrupted != NULL)
    *n_interrupted = (guint) n;
  return TRUE;
}
