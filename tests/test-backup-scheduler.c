/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "tw-backup-scheduler.h"
#include "tw-backup-scheduler-private.h"
#include "tw-backup-test-helpers.h"
#include "tw-test-util.h"

typedef struct
{
  char      *dir;
  char      *db_path;
  char      *backup_dir;
  GPtrArray *alerts;      /* "key|severity|title" */
  guint      n_finished;
  guint      n_failed;
  guint      n_checked;
  char      *last_body;
  /* The test's scheduler: one of an earlier test may still finish a check (its job holds
   * it) and emit into a fixture at the same address. */
  gpointer   scheduler;
  /* GWeakRef of every scheduler the test made: tear-down disconnects those a job
   * still holds, so none emits into this fixture once it is freed. */
  GPtrArray *made;
} Fixture;

static void
on_stale_checked (TwBackupScheduler *scheduler,
                  const char        *db_id,
                  Fixture           *fixture)
{
  if (scheduler != fixture->scheduler)
    return;
  g_assert_cmpstr (db_id, ==, "ledger");
  fixture->n_checked++;
}

/* Waits for the @n-th stale check (they run in a thread). */
static void
run_until_checked (Fixture *fixture,
                   guint    n)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (fixture->n_checked < n && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->n_checked, >=, n);
}

static void
on_alert (TwBackupScheduler *scheduler,
          const char        *key,
          const char        *severity,
          const char        *title,
          const char        *body,
          Fixture           *fixture)
{
  if (scheduler != fixture->scheduler)
    return;
  g_assert_nonnull (title);
  g_assert_nonnull (body);
  g_assert_cmpuint (strlen (body), >, 20);
  g_ptr_array_add (fixture->alerts, g_strdup_printf ("%s|%s|%s", key, severity, title));
  g_free (fixture->last_body);
  fixture->last_body = g_strdup (body);
}

static void
on_finished (TwBackupScheduler *scheduler,
             const char        *db_id,
             TwBackup          *backup,
             Fixture           *fixture)
{
  if (scheduler != fixture->scheduler)
    return;
  g_assert_cmpstr (db_id, ==, "ledger");
  fixture->n_finished++;
  if (backup == NULL)
    fixture->n_failed++;
  else
    g_assert_cmpint (tw_backup_get_valid (backup), ==, TW_BACKUP_VALIDITY_VALID);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("tw-scheduler-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db_path = g_build_filename (fixture->dir, "ledger.db", NULL);
  fixture->backup_dir = g_build_filename (fixture->dir, "backups", NULL);
  fixture->alerts = g_ptr_array_new_with_free_func (g_free);
  fixture->made = g_ptr_array_new ();
  tw_test_make_db (fixture->db_path, 200, 64, TRUE, 1);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  for (guint i = 0; i < fixture->made->len; i++)
    {
      GWeakRef *ref = g_ptr_array_index (fixture->made, i);
      g_autoptr(GObject) scheduler = g_weak_ref_get (ref);

      if (scheduler != NULL)
        {
          g_test_message ("a scheduler still finishing a check at tear-down: disconnected");
          g_signal_handlers_disconnect_by_data (scheduler, fixture);
        }
      g_weak_ref_clear (ref);
      g_free (ref);
    }
  g_ptr_array_unref (fixture->made);
  g_chmod (fixture->backup_dir, 0755);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->db_path);
  g_free (fixture->backup_dir);
  g_ptr_array_unref (fixture->alerts);
  g_free (fixture->last_body);
}

static TwBackupScheduler *
make_scheduler (Fixture  *fixture,
                guint     schedule_hours,
                guint     retention_days)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *audit_path = g_build_filename (fixture->dir, "audit.db", NULL);
  g_autoptr(TwAuditLog) audit = tw_audit_log_open (audit_path, &error);
  g_autoptr(TwBackupManager) manager = NULL;
  g_autoptr(TwProfile) profile = tw_profile_new ("sched", TW_MODE_PAPER);
  TwBackupScheduler *scheduler;
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_assert_no_error (error);
  manager = tw_backup_manager_new (audit, "sched", TW_MODE_PAPER);
  tw_profile_add_database (profile, "ledger", fixture->db_path, fixture->backup_dir,
                           retention_days, schedule_hours);
  scheduler = tw_backup_scheduler_new (manager, profile);
  fixture->scheduler = scheduler;
  g_weak_ref_init (ref, scheduler);
  g_ptr_array_add (fixture->made, ref);
  g_signal_connect (scheduler, "alert", G_CALLBACK (on_alert), fixture);
  g_signal_connect (scheduler, "backup-finished", G_CALLBACK (on_finished), fixture);
  g_signal_connect (scheduler, "stale-checked", G_CALLBACK (on_stale_checked), fixture);
  return scheduler;
}

static guint
count_backups (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackupManager) manager = tw_backup_manager_new (NULL, "sched", TW_MODE_PAPER);
  g_autoptr(GListModel) list = tw_backup_manager_list (manager, fixture->db_path,
                                                       fixture->backup_dir, &error);

  g_assert_no_error (error);
  return g_list_model_get_n_items (list);
}

static void
run_until_finished (Fixture *fixture,
                    guint    n,
                    guint    timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;

  while (fixture->n_finished < n && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->n_finished, >=, n);
}

/* A due database is backed up at start, then again each period; retention keeps the newest. */
static void
test_scheduled_backup (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(TwBackupScheduler) scheduler = make_scheduler (fixture, 1, 0);

  g_assert_cmpuint (count_backups (fixture), ==, 0);
  tw_backup_scheduler_set_hour_seconds (scheduler, 1);
  tw_backup_scheduler_start (scheduler);
  g_assert_true (tw_backup_scheduler_is_running (scheduler));
  g_assert_true (tw_backup_scheduler_is_busy (scheduler, "ledger"));

  run_until_finished (fixture, 1, 10000);
  g_assert_cmpuint (fixture->n_failed, ==, 0);
  g_assert_cmpuint (count_backups (fixture), ==, 1);
  g_assert_false (tw_backup_scheduler_is_busy (scheduler, "ledger"));

  /* One "hour" (a second here) later the newest is due again: a second backup, another name. */
  run_until_finished (fixture, 2, 10000);
  g_assert_cmpuint (fixture->n_failed, ==, 0);
  g_assert_cmpuint (count_backups (fixture), ==, 2);
  /* Fresh backups: no stale alert, no failure alert. */
  g_assert_cmpuint (fixture->alerts->len, ==, 0);

  tw_backup_scheduler_stop (scheduler);
  g_assert_false (tw_backup_scheduler_is_running (scheduler));
  /* A check still running in a thread holds it until it comes home. */
  {
    gpointer weak = scheduler;
    gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    g_object_add_weak_pointer (G_OBJECT (scheduler), &weak);
    g_clear_object (&scheduler);
    while (weak != NULL && g_get_monotonic_time () < end)
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    g_assert_null (weak);
  }
}

/* No schedule: nothing is backed up. */
static void
test_no_schedule (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(TwBackupScheduler) scheduler = make_scheduler (fixture, 0, 7);

  tw_backup_scheduler_set_hour_seconds (scheduler, 1);
  tw_backup_scheduler_start (scheduler);
  g_assert_false (tw_backup_scheduler_is_busy (scheduler, "ledger"));
  /* The check at the start and the one an "hour" (1 s) later: a schedule would have
   * fired by then. */
  run_until_checked (fixture, 2);
  g_assert_cmpuint (count_backups (fixture), ==, 0);
  g_assert_cmpuint (fixture->n_finished, ==, 0);
  /* Never backed up and not scheduled: a critical alert says so. */
  g_assert_cmpuint (fixture->alerts->len, >=, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (fixture->alerts, 0),
                                   "backup-stale:ledger|critical|ledger has never been backed up"));
}

/* A backup directory that cannot be written: the scheduled backup fails with a warning. */
static void
test_failed_backup (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(TwBackupScheduler) scheduler = NULL;
  const char *alert;

  if (getuid () == 0)
    {
      /* root writes anywhere: make the backup "directory" a plain file instead. */
      g_assert_true (g_file_set_contents (fixture->backup_dir, "not a directory", -1, NULL));
    }
  else
    {
      g_assert_cmpint (g_mkdir (fixture->backup_dir, 0555), ==, 0);
    }

  scheduler = make_scheduler (fixture, 1, 7);
  tw_backup_scheduler_set_hour_seconds (scheduler, 1);
  tw_backup_scheduler_start (scheduler);
  run_until_finished (fixture, 1, 10000);
  g_assert_cmpuint (fixture->n_failed, ==, 1);

  g_assert_cmpuint (fixture->alerts->len, ==, 1);
  alert = g_ptr_array_index (fixture->alerts, 0);
  g_assert_cmpstr (alert, ==, "backup-failed:ledger|warning|Scheduled backup of ledger failed");

  /* Tried again the next period (and fails again, alerting again: the notifier dedups). */
  run_until_finished (fixture, 2, 10000);
  g_assert_cmpuint (fixture->n_failed, ==, 2);
  g_assert_cmpuint (fixture->alerts->len, >=, 2);
  g_unlink (fixture->backup_dir);
}

/* The newest backup is 30 hours old: the stale check warns (critical only past 72 h). */
static void
test_stale_backup (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(TwBackupScheduler) scheduler = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) old = g_date_time_add_hours (now, -30);
  g_autofree char *stamp = g_date_time_format (old, "%Y%m%d_%H%M%S");
  g_autofree char *name = g_strdup_printf ("ledger_%s.db", stamp);
  g_autofree char *old_path = g_build_filename (fixture->backup_dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize len;
  const char *alert;

  g_assert_cmpint (g_mkdir_with_parents (fixture->backup_dir, 0755), ==, 0);
  g_assert_true (g_file_get_contents (fixture->db_path, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (old_path, contents, len, NULL));

  /* No schedule: only the check runs; at start and every "hour". */
  scheduler = make_scheduler (fixture, 0, 0);
  tw_backup_scheduler_set_hour_seconds (scheduler, 1);
  tw_backup_scheduler_start (scheduler);
  run_until_checked (fixture, 1);
  g_assert_cmpuint (fixture->alerts->len, ==, 1);
  alert = g_ptr_array_index (fixture->alerts, 0);
  g_assert_cmpstr (alert, ==, "backup-stale:ledger|warning|Newest valid backup of ledger is 30 hours old");
  run_until_checked (fixture, 2);
  g_assert_cmpuint (fixture->alerts->len, >=, 2);

  /* A fresh backup ends it. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TwBackup) backup = tw_backup_manager_create (tw_backup_scheduler_get_manager (scheduler),
                                                           fixture->db_path, fixture->backup_dir,
                                                           NULL, NULL, NULL, &error);
    guint before;

    g_assert_no_error (error);
    g_assert_nonnull (backup);
    tw_backup_scheduler_stop (scheduler);
    before = fixture->alerts->len;
    fixture->n_checked = 0;
    tw_backup_scheduler_start (scheduler);
    run_until_checked (fixture, 1);
    g_assert_cmpuint (fixture->alerts->len, ==, before);
  }
}

/* A backup file named as made @hours_ago: a copy of the database, or with flipped pages. */
static char *
put_backup (Fixture    *fixture,
            int         hours_ago,
            const char *suffix,
            gboolean    corrupt)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_hours (now, -hours_ago);
  g_autofree char *stamp = g_date_time_format (then, "%Y%m%d_%H%M%S");
  g_autofree char *name = g_strdup_printf ("ledger_%s%s.db", stamp, suffix);
  char *path = g_build_filename (fixture->backup_dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_cmpint (g_mkdir_with_parents (fixture->backup_dir, 0755), ==, 0);
  g_assert_true (g_file_get_contents (fixture->db_path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 3 * 4096);
  if (corrupt)
    memset (contents + 4096, 0xab, 2 * 4096);
  g_assert_true (g_file_set_contents (path, contents, len, NULL));

  return path;
}

/* The newest backup is corrupt and a pre-restore backup is fresh: neither counts, the
 * alert is about the newest valid one, 30 hours old, and names it. */
static void
test_stale_corrupt_newest (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(TwBackupScheduler) scheduler = NULL;
  g_autofree char *old_path = NULL;
  g_autofree char *corrupt_path = NULL;
  g_autofree char *pre_path = NULL;
  g_autofree char *old_name = NULL;
  const char *alert;

  /* the database in rollback mode: its file alone is the whole database */
  g_free (tw_test_sqlite3 (fixture->db_path, "PRAGMA journal_mode=DELETE", NULL));
  old_path = put_backup (fixture, 30, "", FALSE);
  corrupt_path = put_backup (fixture, 1, "", TRUE);
  pre_path = put_backup (fixture, 0, "-pre-restore", FALSE);
  old_name = g_path_get_basename (old_path);

  scheduler = make_scheduler (fixture, 0, 0);
  tw_backup_scheduler_start (scheduler);
  run_until_checked (fixture, 1);
  g_assert_cmpuint (fixture->alerts->len, ==, 1);
  alert = g_ptr_array_index (fixture->alerts, 0);
  g_assert_cmpstr (alert, ==, "backup-stale:ledger|warning|Newest valid backup of ledger is 30 hours old");
  g_assert_nonnull (strstr (fixture->last_body, old_name));
  tw_backup_scheduler_stop (scheduler);

  /* Every backup corrupt: critical, whatever the schedule. */
  g_unlink (old_path);
  g_unlink (pre_path);
  g_clear_object (&scheduler);
  fixture->n_checked = 0;
  g_ptr_array_set_size (fixture->alerts, 0);
  scheduler = make_scheduler (fixture, 24, 0);
  tw_backup_scheduler_start (scheduler);
  run_until_checked (fixture, 1);
  g_assert_cmpuint (fixture->alerts->len, ==, 1);
  alert = g_ptr_array_index (fixture->alerts, 0);
  g_assert_cmpstr (alert, ==, "backup-stale:ledger|critical|ledger has no valid backup");
  g_assert_nonnull (strstr (fixture->last_body, "The 1 backup of"));
}

static void
test_make_alert (void)
{
  g_autoptr(TwAlert) alert = tw_backup_scheduler_make_alert ("backup-failed:x", "warning",
                                                             "Scheduled backup of x failed",
                                                             "Could not write");
  g_autoptr(TwAlert) critical = tw_backup_scheduler_make_alert ("backup-stale:x", "critical",
                                                                "Old", "Very old");

  g_assert_cmpstr (tw_alert_get_key (alert), ==, "backup-failed:x");
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_WARNING);
  g_assert_cmpint (tw_alert_get_severity (critical), ==, TW_ALERT_CRITICAL);
  g_assert_cmpstr (tw_alert_get_page (alert), ==, "backups");
  g_assert_false (tw_alert_get_offers_halt (alert));
  g_assert_cmpstr (tw_alert_get_category (alert), ==, "x-tradewarden.backup");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/tw/core/backup-scheduler/scheduled", Fixture, NULL,
              fixture_set_up, test_scheduled_backup, fixture_tear_down);
  g_test_add ("/tw/core/backup-scheduler/no-schedule", Fixture, NULL,
              fixture_set_up, test_no_schedule, fixture_tear_down);
  g_test_add ("/tw/core/backup-scheduler/failed", Fixture, NULL,
              fixture_set_up, test_failed_backup, fixture_tear_down);
  g_test_add ("/tw/core/backup-scheduler/stale", Fixture, NULL,
              fixture_set_up, test_stale_backup, fixture_tear_down);
  g_test_add ("/tw/core/backup-scheduler/stale-corrupt-newest", Fixture, NULL,
              fixture_set_up, test_stale_corrupt_newest, fixture_tear_down);
  g_test_add_func ("/tw/core/backup-scheduler/make-alert", test_make_alert);

  return g_test_run ();
}
