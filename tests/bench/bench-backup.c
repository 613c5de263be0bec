/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-backup: the core's backup and verify, for tests/bench/bench-backup.sh.
 *
 *   bench-backup create DB DIR   one tw_backup_manager_create (prints the backup's path)
 *   bench-backup verify BACKUP   one full tw_backup_manager_verify (prints the verdict)
 *   bench-backup stall DB DIR    a GLib main loop with a 1 ms timer while
 *                                tw_backup_manager_create_async and then a full
 *                                tw_backup_manager_verify_async of the result run:
 *                                prints STALL_MAX_US, the ticks later than 16 ms, and
 *                                how long each took. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <glib/gstdio.h>

#include "tw-backup-manager.h"

typedef struct
{
  GMainLoop       *loop;
  TwBackupManager *manager;
  gint64           last_tick;
  gint64           max_stall;
  guint            n_ticks;
  guint            n_late;
  gint64           started;
  gint64           create_us;
  gint64           verify_us;
  gboolean         ok;
} Stall;

static gboolean
tick_cb (gpointer user_data)
{
  Stall *stall = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 late = now - stall->last_tick - 1000;

  if (late > stall->max_stall)
    stall->max_stall = late;
  if (late > 16000)
    stall->n_late++;
  stall->n_ticks++;
  stall->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
verify_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Stall *stall = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) backup = tw_backup_manager_verify_finish (TW_BACKUP_MANAGER (object), result, &error);

  stall->verify_us = g_get_monotonic_time () - stall->started;
  if (backup == NULL)
    g_printerr ("bench-backup: verify failed: %s\n", error->message);
  stall->ok = backup != NULL && tw_backup_get_valid (backup) == TW_BACKUP_VALIDITY_VALID;
  if (backup != NULL)
    g_unlink (tw_backup_get_path (backup));
  g_main_loop_quit (stall->loop);
}

static void
create_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Stall *stall = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) backup = tw_backup_manager_create_finish (TW_BACKUP_MANAGER (object), result, &error);

  stall->create_us = g_get_monotonic_time () - stall->started;
  if (backup == NULL)
    {
      g_printerr ("bench-backup: backup failed: %s\n", error->message);
      g_main_loop_quit (stall->loop);
      return;
    }
  stall->started = g_get_monotonic_time ();
  tw_backup_manager_verify_async (stall->manager, tw_backup_get_path (backup), FALSE, NULL,
                                  verify_done_cb, stall);
}

/* When the snapshot step reported its end (the copy is made): the rest of create is its
 * fsync and quick_check, side by side, and its publication. */
static void
create_progress_cb (TwBackupStep step,
                    double       fraction,
                    gpointer     user_data)
{
  gint64 *snapshot_end = user_data;

  if (step == TW_BACKUP_STEP_SNAPSHOT && fraction >= 1.0)
    *snapshot_end = g_get_monotonic_time ();
}

static int
run_stall (TwBackupManager *manager,
           const char      *db,
           const char      *dir)
{
  Stall stall = { 0, };
  guint timer;

  stall.loop = g_main_loop_new (NULL, FALSE);
  stall.manager = manager;
  stall.last_tick = g_get_monotonic_time ();
  timer = g_timeout_add (1, tick_cb, &stall);
  stall.started = g_get_monotonic_time ();
  tw_backup_manager_create_async (manager, db, dir, NULL, create_done_cb, &stall);
  g_main_loop_run (stall.loop);
  g_source_remove (timer);
  g_main_loop_unref (stall.loop);

  printf ("STALL_MAX_US %" G_GINT64_FORMAT "\n", stall.max_stall);
  printf ("STALL_TICKS %u\nSTALL_LATE_TICKS %u\n", stall.n_ticks, stall.n_late);
  printf ("ASYNC_CREATE_US %" G_GINT64_FORMAT "\nASYNC_VERIFY_US %" G_GINT64_FORMAT "\n",
          stall.create_us, stall.verify_us);
  return stall.ok ? 0 : 1;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TwBackupManager) manager = tw_backup_manager_new (NULL, "bench", TW_MODE_PAPER);
  g_autoptr(GError) error = NULL;

  if (argc == 4 && g_str_equal (argv[1], "create"))
    {
      gint64 start = g_get_monotonic_time ();
      gint64 snapshot_end = 0;
      g_autoptr(TwBackup) backup = tw_backup_manager_create (manager, argv[2], argv[3],
                                                             create_progress_cb, &snapshot_end,
                                                             NULL, &error);
      gint64 end = g_get_monotonic_time ();

      if (backup == NULL)
        {
          g_printerr ("bench-backup: %s\n", error->message);
          return 1;
        }
      printf ("BACKUP %s\nSNAPSHOT_US %" G_GINT64_FORMAT "\nCHECK_US %" G_GINT64_FORMAT "\n",
              tw_backup_get_path (backup), snapshot_end - start, end - snapshot_end);
      return 0;
    }
  if (argc == 3 && g_str_equal (argv[1], "verify"))
    {
      g_autoptr(TwBackup) backup = tw_backup_manager_verify (manager, argv[2], FALSE, NULL, &error);

      if (backup == NULL)
        {
          g_printerr ("bench-backup: %s\n", error->message);
          return 1;
        }
      printf ("%s\n", tw_backup_validity_to_string (tw_backup_get_valid (backup)));
      return tw_backup_get_valid (backup) == TW_BACKUP_VALIDITY_VALID ? 0 : 1;
    }
  if (argc == 4 && g_str_equal (argv[1], "stall"))
    return run_stall (manager, argv[2], argv[3]);

  g_printerr ("usage: bench-backup create DB DIR | verify BACKUP | stall DB DIR\n");
  return 2;
}
