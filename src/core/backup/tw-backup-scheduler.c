/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-backup-scheduler.h"
#include "tw-backup-scheduler-private.h"

#include <glib/gi18n-lib.h>

#include "tw-alert-private.h"
#include "tw-error.h"

#define CRITICAL_STALE_AFTER_S (72 * 3600)

/* One scheduled database: a copy of its configuration (the profile's may be replaced). */
typedef struct
{
  TwBackupScheduler *scheduler;   /* unowned */
  char              *id;
  char              *path;
  char              *backup_dir;
  guint              retention_days;
  guint              schedule_hours;
  guint              timer_id;
  gboolean           busy;
  gboolean           failed;      /* the last scheduled backup failed */
  GCancellable      *cancellable;
} Entry;

struct _TwBackupScheduler
{
  GObject          parent_instance;

  TwBackupManager *manager;
  TwProfile       *profile;
  GPtrArray       *entries;       /* Entry */
  guint            stale_timer_id;
  guint            hour_seconds;
  gboolean         running;
  guint            n_jobs;        /* backups, cleanups and stale checks in flight */
};

G_DEFINE_FINAL_TYPE (TwBackupScheduler, tw_backup_scheduler, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MANAGER,
  PROP_PROFILE,
  PROP_IDLE,
  N_PROPS
};

enum {
  SIGNAL_ALERT,
  SIGNAL_BACKUP_FINISHED,
  SIGNAL_STALE_CHECKED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_clear_handle_id (&entry->timer_id, g_source_remove);
  g_cancellable_cancel (entry->cancellable);
  g_clear_object (&entry->cancellable);
  g_free (entry->id);
  g_free (entry->path);
  g_free (entry->backup_dir);
  g_free (entry);
}

/* An entry outlives its removal from the list while a backup of it is in flight. */
typedef struct
{
  TwBackupScheduler *scheduler;   /* strong */
  Entry             *entry;       /* borrowed: valid while it is in scheduler->entries */
  char              *id;
  TwBackup          *backup;      /* the new backup, once made */
} Job;

static Job *
job_new (TwBackupScheduler *self,
         Entry             *entry)
{
  Job *job = g_new0 (Job, 1);

  job->scheduler = g_object_ref (self);
  job->entry = entry;
  job->id = g_strdup (entry->id);
  if (self->n_jobs++ == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDLE]);
  return job;
}

/* Jobs end in their callbacks, on the main thread. */
static void
job_free (Job *job)
{
  g_assert (job->scheduler->n_jobs > 0);
  if (--job->scheduler->n_jobs == 0)
    g_object_notify_by_pspec (G_OBJECT (job->scheduler), properties[PROP_IDLE]);
  g_clear_object (&job->scheduler);
  g_clear_object (&job->backup);
  g_free (job->id);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

static Entry *
lookup_entry (TwBackupScheduler *self,
              const char        *id,
              Entry             *expected)
{
  for (guint i = 0; self->entries != NULL && i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry == expected && g_strcmp0 (entry->id, id) == 0)
        return entry;
    }
  return NULL;
}

static void
emit_alert (TwBackupScheduler *self,
            const char        *key,
            const char        *severity,
            const char        *title,
            const char        *body)
{
  g_signal_emit (self, signals[SIGNAL_ALERT], 0, key, severity, title, body);
}

static void
finish_job (Job *job)
{
  Entry *entry = lookup_entry (job->scheduler, job->id, job->entry);

  if (entry != NULL)
    entry->busy = FALSE;
  g_signal_emit (job->scheduler, signals[SIGNAL_BACKUP_FINISHED], 0, job->id, job->backup);
}

static void
cleanup_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;

  if (!tw_backup_manager_cleanup_finish (TW_BACKUP_MANAGER (object), result, NULL, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* The backup exists; only the retention failed: said in the log, not as an alert. */
    g_warning ("Retention cleanup for %s failed: %s", job->id, error->message);
  finish_job (job);
}

static void
create_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  Entry *entry;

  job->backup = tw_backup_manager_create_finish (TW_BACKUP_MANAGER (object), result, &error);
  entry = lookup_entry (job->scheduler, job->id, job->entry);

  if (job->backup == NULL)
    {
      g_autofree char *key = NULL;
      g_autofree char *title = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || entry == NULL)
        {
          finish_job (job);
          return;
        }
      entry->failed = TRUE;
      key = g_strconcat ("backup-failed:", job->id, NULL);
      title = g_strdup_printf (_("Scheduled backup of %s failed"), job->id);
      emit_alert (job->scheduler, key, "warning", title, error->message);
      finish_job (job);
      return;
    }

  if (entry != NULL)
    entry->failed = FALSE;
  if (entry != NULL && entry->retention_days > 0)
    {
      TwBackupManager *manager = job->scheduler->manager;

      tw_backup_manager_cleanup_async (manager, entry->path, entry->backup_dir,
                                       entry->retention_days, entry->cancellable,
                                       cleanup_done_cb, g_steal_pointer (&job));
      return;
    }
  finish_job (job);
}

static void
run_backup (TwBackupScheduler *self,
            Entry             *entry)
{
  Job *job;

  if (entry->busy)
    return;
  entry->busy = TRUE;
  job = job_new (self, entry);
  tw_backup_manager_create_async (self->manager, entry->path, entry->backup_dir,
                                  entry->cancellable, create_done_cb, job);
}

static gboolean
is_due (TwBackupScheduler *self,
        Entry             *entry)
{
  gint64 age;

  if (entry->schedule_hours == 0)
    return FALSE;
  age = tw_backup_manager_get_newest_age (self->manager, entry->path, entry->backup_dir);
  return age < 0 || age >= (gint64) entry->schedule_hours * self->hour_seconds;
}

static gboolean
entry_timer_cb (gpointer user_data)
{
  Entry *entry = user_data;

  /* A failed backup is tried again at the next period, whatever the newest's age. */
  if (entry->failed || is_due (entry->scheduler, entry))
    run_backup (entry->scheduler, entry);
  return G_SOURCE_CONTINUE;
}

/*
 * The stale check goes by the newest *valid* backup: a corrupt newest one is no backup to
 * go back to, so it neither ends nor hides the alert. Pre-restore backups do not count
 * either: they are snapshots of a database that was being replaced (a byte copy when it
 * was damaged), taken by a restore, not by the schedule. Verifying reads the backups, so
 * the check runs off the main thread (tw_backup_manager_find_newest_valid_async); each
 * database's check ends with the "stale-checked" signal.
 */
static void
stale_checked_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Job) job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) newest = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *key = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  TwBackupScheduler *self = job->scheduler;
  Entry *entry;
  guint n_backups = 0;
  gint64 age;

  newest = tw_backup_manager_find_newest_valid_finish (TW_BACKUP_MANAGER (object), result,
                                                       &n_backups, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  entry = lookup_entry (self, job->id, job->entry);
  if (entry == NULL)
    return;
  key = g_strconcat ("backup-stale:", entry->id, NULL);

  if (error != NULL && entry->schedule_hours > 0)
    {
      /* The scheduled backup into that folder fails too, and that failure is alerted. */
      g_debug ("Stale check of %s: %s", entry->id, error->message);
    }
  else if (error != NULL)
    {
      title = g_strdup_printf (_("Backups of %s could not be checked"), entry->id);
      body = g_strdup_printf (_("The backups of “%s” could not be read: %s. "
                                "Check the backup folder from the Backups page."),
                              entry->path, error->message);
      emit_alert (self, key, "warning", title, body);
    }
  else if (newest == NULL && n_backups > 0)
    {
      title = g_strdup_printf (_("%s has no valid backup"), entry->id);
      body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "The %u backup of “%s” does not pass its integrity "
                                           "check. Back it up now from the Backups page.",
                                           "None of the %u backups of “%s” passes its integrity "
                                           "check. Back it up now from the Backups page.",
                                           n_backups),
                              n_backups, entry->path);
      emit_alert (self, key, "critical", title, body);
    }
  else if (newest == NULL)
    {
      /* With a schedule, a backup is on its way (or its failure is alerted). */
      if (entry->schedule_hours == 0)
        {
          title = g_strdup_printf (_("%s has never been backed up"), entry->id);
          body = g_strdup_printf (_("No backup of “%s” exists and no schedule is set. "
                                    "Back it up now from the Backups page and set a schedule."),
                                  entry->path);
          emit_alert (self, key, "critical", title, body);
        }
    }
  else
    {
      now = g_date_time_new_now_utc ();
      age = MAX (0, g_date_time_difference (now, tw_backup_get_created (newest)) / G_TIME_SPAN_SECOND);
      if (age > TW_BACKUP_STALE_AFTER_S)
        {
          title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "Newest valid backup of %s is %lld hour old",
                                                "Newest valid backup of %s is %lld hours old",
                                                (gulong) (age / 3600)),
                                   entry->id, (long long) (age / 3600));
          if (entry->failed)
            body = g_strdup_printf (_("The newest valid backup of “%s” (%s) is older than 24 "
                                      "hours and the last scheduled backup failed. Back it up "
                                      "now from the Backups page and check the schedule."),
                                    entry->path, tw_backup_get_name (newest));
          else
            body = g_strdup_printf (_("The newest valid backup of “%s” (%s) is older than 24 "
                                      "hours. Back it up now from the Backups page and check "
                                      "the schedule."),
                                    entry->path, tw_backup_get_name (newest));
          emit_alert (self, key, age > CRITICAL_STALE_AFTER_S ? "critical" : "warning", title, body);
        }
    }

  g_signal_emit (self, signals[SIGNAL_STALE_CHECKED], 0, entry->id);
}

static void
check_entry_stale (TwBackupScheduler *self,
                   Entry             *entry)
{
  Job *job;

  if (!g_file_test (entry->path, G_FILE_TEST_EXISTS))
    return;

  job = job_new (self, entry);
  tw_backup_manager_find_newest_valid_async (self->manager, entry->path, entry->backup_dir,
                                             entry->cancellable, stale_checked_cb, job);
}

void
tw_backup_scheduler_check_stale (TwBackupScheduler *self)
{
  g_return_if_fail (TW_IS_BACKUP_SCHEDULER (self));

  for (guint i = 0; self->entries != NULL && i < self->entries->len; i++)
    check_entry_stale (self, g_ptr_array_index (self->entries, i));
}

static gboolean
stale_timer_cb (gpointer user_data)
{
  tw_backup_scheduler_check_stale (TW_BACKUP_SCHEDULER (user_data));
  return G_SOURCE_CONTINUE;
}

static void
recovered_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autofree char *db_path = user_data;
  g_autoptr(GError) error = NULL;

  if (!tw_backup_manager_recover_finish (TW_BACKUP_MANAGER (object), result, NULL, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not check %s for an interrupted backup or restore: %s", db_path,
               error->message);
}

void
tw_backup_scheduler_start (TwBackupScheduler *self)
{
  GPtrArray *databases;

  g_return_if_fail (TW_IS_BACKUP_SCHEDULER (self));

  tw_backup_scheduler_stop (self);
  self->running = TRUE;
  self->entries = g_ptr_array_new_with_free_func (entry_free);
  databases = tw_profile_get_databases (self->profile);

  for (guint i = 0; databases != NULL && i < databases->len; i++)
    {
      TwDatabaseConfig *config = g_ptr_array_index (databases, i);
      Entry *entry = g_new0 (Entry, 1);

      entry->scheduler = self;
      entry->id = g_strdup (config->id);
      entry->path = g_strdup (config->path);
      entry->backup_dir = g_strdup (config->backup_dir);
      entry->retention_days = config->retention_days;
      entry->schedule_hours = config->schedule_hours;
      entry->cancellable = g_cancellable_new ();
      g_ptr_array_add (self->entries, entry);

      /* What a killed backup or restore left: its temporaries, its "requested" row. */
      tw_backup_manager_recover_async (self->manager, entry->path, entry->backup_dir,
                                       entry->cancellable, recovered_cb, g_strdup (entry->path));

      if (entry->schedule_hours == 0)
        continue;
      entry->timer_id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT,
                                                    entry->schedule_hours * self->hour_seconds,
                                                    entry_timer_cb, entry, NULL);
      if (is_due (self, entry))
        run_backup (self, entry);
    }

  tw_backup_scheduler_check_stale (self);
  self->stale_timer_id = g_timeout_add_seconds (self->hour_seconds, stale_timer_cb, self);
}

void
tw_backup_scheduler_stop (TwBackupScheduler *self)
{
  g_return_if_fail (TW_IS_BACKUP_SCHEDULER (self));

  self->running = FALSE;
  g_clear_handle_id (&self->stale_timer_id, g_source_remove);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
}

gboolean
tw_backup_scheduler_is_running (TwBackupScheduler *self)
{
  g_return_val_if_fail (TW_IS_BACKUP_SCHEDULER (self), FALSE);

  return self->running;
}

gboolean
tw_backup_scheduler_is_idle (TwBackupScheduler *self)
{
  g_return_val_if_fail (TW_IS_BACKUP_SCHEDULER (self), TRUE);

  return self->n_jobs == 0;
}

gboolean
tw_backup_scheduler_is_busy (TwBackupScheduler *self,
                             const char        *db_id)
{
  g_return_val_if_fail (TW_IS_BACKUP_SCHEDULER (self), FALSE);

  for (guint i = 0; self->entries != NULL && i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (g_strcmp0 (entry->id, db_id) == 0)
        return entry->busy;
    }
  return FALSE;
}

void
tw_backup_scheduler_set_hour_seconds (TwBackupScheduler *self,
                                      guint              seconds)
{
  g_return_if_fail (TW_IS_BACKUP_SCHEDULER (self));
  g_return_if_fail (seconds > 0);

  self->hour_seconds = seconds;
}

TwBackupManager *
tw_backup_scheduler_get_manager (TwBackupScheduler *self)
{
  g_return_val_if_fail (TW_IS_BACKUP_SCHEDULER (self), NULL);

  return self->manager;
}

TwAlert *
tw_backup_scheduler_make_alert (const char *key,
                                const char *severity,
                                const char *title,
                                const char *body)
{
  g_return_val_if_fail (key != NULL, NULL);

  return _tw_alert_new (key,
                        g_strcmp0 (severity, "critical") == 0 ? TW_ALERT_CRITICAL : TW_ALERT_WARNING,
                        title, body, NULL, "backups", FALSE, "x-tradewarden.backup");
}

static void
tw_backup_scheduler_dispose (GObject *object)
{
  TwBackupScheduler *self = TW_BACKUP_SCHEDULER (object);

  tw_backup_scheduler_stop (self);
  g_clear_object (&self->manager);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (tw_backup_scheduler_parent_class)->dispose (object);
}

static void
tw_backup_scheduler_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TwBackupScheduler *self = TW_BACKUP_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, self->manager);
      break;
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;
    case PROP_IDLE:
      g_value_set_boolean (value, self->n_jobs == 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_backup_scheduler_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  TwBackupScheduler *self = TW_BACKUP_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      self->manager = g_value_dup_object (value);
      break;
    case PROP_PROFILE:
      self->profile = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_backup_scheduler_class_init (TwBackupSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tw_backup_scheduler_dispose;
  object_class->get_property = tw_backup_scheduler_get_property;
  object_class->set_property = tw_backup_scheduler_set_property;

  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL, TW_TYPE_BACKUP_MANAGER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, TW_TYPE_PROFILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IDLE] =
    g_param_spec_boolean ("idle", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_ALERT] =
    g_signal_new ("alert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_BACKUP_FINISHED] =
    g_signal_new ("backup-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, TW_TYPE_BACKUP);
  signals[SIGNAL_STALE_CHECKED] =
    g_signal_new ("stale-checked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tw_backup_scheduler_init (TwBackupScheduler *self)
{
  self->hour_seconds = 3600;
}

TwBackupScheduler *
tw_backup_scheduler_new (TwBackupManager *manager,
                         TwProfile       *profile)
{
  g_return_val_if_fail (TW_IS_BACKUP_MANAGER (manager), NULL);
  g_return_val_if_fail (TW_IS_PROFILE (profile), NULL);

  return g_object_new (TW_TYPE_BACKUP_SCHEDULER, "manager", manager, "profile", profile, NULL);
}
