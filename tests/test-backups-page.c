/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "tw-backup-ui-test.h"
#include "tw-backups-page-private.h"
#include "tw-guard-dialog.h"
#include "tw-guard-dialog-private.h"

static TwApplication *app;

typedef struct
{
  TwBackupsPage *page;
  const char    *db_id;
  guint          n;
} CountWait;

static gboolean
has_backups (gpointer user_data)
{
  CountWait *wait = user_data;

  return !tw_backups_page_is_busy (wait->page)
    && tw_backups_page_get_n_backups (wait->page, wait->db_id) == wait->n;
}

static gboolean
has_at_least (gpointer user_data)
{
  CountWait *wait = user_data;

  return !tw_backups_page_is_busy (wait->page)
    && tw_backups_page_get_n_backups (wait->page, wait->db_id) >= wait->n;
}

typedef struct
{
  TwBackupsPage *page;
  const char    *path;
  const char    *word;
} ValidityWait;

static gboolean
shows_validity (gpointer user_data)
{
  ValidityWait *wait = user_data;

  return !tw_backups_page_is_busy (wait->page)
    && g_strcmp0 (tw_backups_page_get_validity_text (wait->page, wait->path), wait->word) == 0;
}

static gboolean
not_busy (gpointer user_data)
{
  return !tw_backups_page_is_busy (TW_BACKUPS_PAGE (user_data));
}

static gboolean
dialog_gone (gpointer user_data)
{
  return tw_backups_page_get_open_dialog (TW_BACKUPS_PAGE (user_data)) == NULL
    && !tw_backups_page_is_busy (TW_BACKUPS_PAGE (user_data));
}

/* A copy of @source named as a backup taken @hours ago, in @dir. */
static char *
plant_backup (const char *dir,
              const char *db_name,
              int         hours,
              const char *contents,
              gsize       len)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_hours (now, -hours);
  g_autofree char *stamp = g_date_time_format (then, "%Y%m%d_%H%M%S");
  g_autofree char *name = g_strdup_printf ("%s_%s.db", db_name, stamp);
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  return path;
}

static guint
count_audit (const char *action)
{
  g_autoptr(GError) error = NULL;
  TwAuditLog *audit = tw_application_get_audit_log (app);
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  g_autoptr(GListModel) rows = NULL;

  g_assert_nonnull (audit);
  filter.action = action;
  rows = tw_audit_log_query (audit, &filter, NULL, &error);
  g_assert_no_error (error);
  return g_list_model_get_n_items (rows);
}

static void
test_backups_page (void)
{
  BackupDemo demo = { 0, };
  CountWait count;
  ValidityWait validity;
  TwBackup *newest;
  GtkWidget *dialog;
  g_autofree char *backup_dir = NULL;
  g_autofree char *newest_path = NULL;
  g_autofree char *unchecked = NULL;
  g_autofree char *corrupt = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *check = NULL;
  gsize len;
  guint n, n_delete_rows;

  backup_demo_open (&demo, app);
  g_assert_cmpstr (tw_window_get_visible_page (demo.window), ==, "backups");

  /* The scheduler (every hour in the demo) backs both databases up as the profile opens. */
  count.page = demo.page;
  count.db_id = "investiq";
  count.n = 1;
  g_assert_true (tw_test_ui_wait_for (has_at_least, &count, 20000));
  count.db_id = "ibkr-audit";
  g_assert_true (tw_test_ui_wait_for (has_at_least, &count, 20000));
  g_assert_false (tw_backups_page_get_newest_warning (demo.page, "investiq"));
  g_assert_true (g_str_has_prefix (tw_backups_page_get_newest_text (demo.page, "investiq"), "investiq_"));
  g_assert_nonnull (strstr (tw_backups_page_get_newest_text (demo.page, "investiq"), "just now"));

  /* Back Up Now: a new, valid backup appears at the top, and the sqlite3 tool agrees. */
  n = tw_backups_page_get_n_backups (demo.page, "investiq");
  gtk_widget_activate_action (GTK_WIDGET (demo.page), "backups.backup-now", "s", "investiq");
  g_assert_true (tw_backups_page_is_busy (demo.page));
  count.db_id = "investiq";
  count.n = n + 1;
  g_assert_true (tw_test_ui_wait_for (has_backups, &count, 20000));
  newest = tw_backups_page_get_backup (demo.page, "investiq", 0);
  g_assert_nonnull (newest);
  g_assert_cmpint (tw_backup_get_valid (newest), ==, TW_BACKUP_VALIDITY_VALID);
  newest_path = g_strdup (tw_backup_get_path (newest));
  g_assert_cmpstr (tw_backups_page_get_validity_text (demo.page, newest_path), ==, "Valid");
  g_assert_nonnull (strstr (tw_backups_page_get_last_message (demo.page), "investiq backed up"));
  check = tw_test_sqlite3 (newest_path, "PRAGMA integrity_check");
  g_assert_cmpstr (check, ==, "ok");
  g_assert_cmpint (tw_test_count_rows (newest_path, "trades"), >, 0);

  /* A backup nobody checked yet, and a corrupt one: Verify tells them apart. */
  backup_dir = g_path_get_dirname (newest_path);
  g_assert_true (g_file_get_contents (newest_path, &contents, &len, NULL));
  unchecked = plant_backup (backup_dir, "investiq", 5, contents, len);
  memset (contents + 100, 0x5a, len - 200);
  corrupt = plant_backup (backup_dir, "investiq", 6, contents, len);
  gtk_widget_activate_action (GTK_WIDGET (demo.page), "backups.refresh", NULL);
  count.n = n + 3;
  g_assert_true (tw_test_ui_wait_for (has_backups, &count, 10000));
  g_assert_cmpstr (tw_backups_page_get_validity_text (demo.page, unchecked), ==, "Not checked");
  g_assert_cmpstr (tw_backups_page_get_validity_text (demo.page, corrupt), ==, "Not checked");

  validity.page = demo.page;
  validity.path = unchecked;
  validity.word = "Valid";
  gtk_widget_activate_action (GTK_WIDGET (demo.page), "backups.verify", "s", unchecked);
  g_assert_true (tw_test_ui_wait_for (shows_validity, &validity, 10000));
  g_assert_nonnull (strstr (tw_backups_page_get_last_message (demo.page), "is valid"));
  validity.path = corrupt;
  validity.word = "Corrupt";
  gtk_widget_activate_action (GTK_WIDGET (demo.page), "backups.verify", "s", corrupt);
  g_assert_true (tw_test_ui_wait_for (shows_validity, &validity, 10000));
  g_assert_nonnull (strstr (tw_backups_page_get_last_message (demo.page), "is corrupt"));

  tw_test_save_pngs (GTK_WIDGET (demo.window), "backups-page");
  g_assert_cmpuint (tw_test_ui_assert_icon_buttons_labelled (GTK_WIDGET (demo.page)), >, 0);

  /* Delete… is guarded: without a reason nothing is deleted. */
  n_delete_rows = count_audit ("backup.delete");
  gtk_widget_activate_action (GTK_WIDGET (demo.page), "backups.delete", "s", corrupt);
  dialog = tw_backups_page_get_open_dialog (demo.page);
  g_assert_true (TW_IS_GUARD_DIALOG (dialog));
  g_assert_true (tw_guard_dialog_has_reason_entry (TW_GUARD_DIALOG (dialog)));
  g_assert_false (tw_guard_dialog_get_can_confirm (TW_GUARD_DIALOG (dialog)));
  tw_test_save_pngs (dialog, "backups-delete-dialog");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
  g_assert_true (tw_test_ui_wait_for (dialog_gone, demo.page, 5000));
  g_assert_true (g_file_test (corrupt, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (tw_backups_page_get_n_backups (demo.page, "investiq"), ==, n + 3);

  /* With a reason it is deleted, and audited (request and outcome). */
  gtk_widget_activate_action (GTK_WIDGET (demo.page), "backups.delete", "s", corrupt);
  dialog = tw_backups_page_get_open_dialog (demo.page);
  g_assert_true (TW_IS_GUARD_DIALOG (dialog));
  tw_guard_dialog_set_reason (TW_GUARD_DIALOG (dialog), "corrupt copy from the disk test");
  g_assert_true (tw_guard_dialog_get_can_confirm (TW_GUARD_DIALOG (dialog)));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
  count.n = n + 2;
  g_assert_true (tw_test_ui_wait_for (has_backups, &count, 10000));
  g_assert_false (g_file_test (corrupt, G_FILE_TEST_EXISTS));
  g_assert_nonnull (strstr (tw_backups_page_get_last_message (demo.page), "Deleted"));
  g_assert_cmpuint (count_audit ("backup.delete"), ==, n_delete_rows + 2);

  /* Schedule and retention go into the profile. */
  tw_backups_page_set_schedule (demo.page, "investiq", 4, 3);
  /* Saved: the page says so. */
  tw_test_wait_until (g_strcmp0 (tw_backups_page_get_last_message (demo.page),
                                 "investiq: a backup every 4 hours; keeping 3 days") == 0, 10000);
  g_assert_true (tw_test_ui_wait_for (not_busy, demo.page, 5000));
  {
    GPtrArray *databases = tw_profile_get_databases (tw_workspace_get_profile (tw_application_get_workspace (app)));
    TwDatabaseConfig *config = NULL;

    for (guint i = 0; i < databases->len; i++)
      if (g_str_equal (((TwDatabaseConfig *) g_ptr_array_index (databases, i))->id, "investiq"))
        config = g_ptr_array_index (databases, i);
    g_assert_nonnull (config);
    g_assert_cmpuint (config->schedule_hours, ==, 4);
    g_assert_cmpuint (config->retention_days, ==, 3);
  }
  g_assert_cmpstr (tw_backups_page_get_last_message (demo.page), ==,
                   "investiq: a backup every 4 hours; keeping 3 days");

  backup_demo_close (&demo);
  g_assert_cmpuint (tw_backups_page_get_n_backups (demo.page, "investiq"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tw_test_ui_main_setup (&argc, &argv, &app);
  g_test_add_func ("/tw/ui/backups-page/demo", test_backups_page);
  status = g_test_run ();
  tw_application_close_profile (app);
  g_clear_object (&app);
  return status;
}
