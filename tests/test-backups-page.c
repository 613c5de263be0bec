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

typedef struct
{
  GtkWidget     *window;
  TwBackupsPage *page;
  int            width;
  gboolean       narrow;
} LayoutWait;

static gboolean
has_layout (gpointer user_data)
{
  LayoutWait *wait = user_data;

  return ABS (gtk_widget_get_width (wait->window) - wait->width) <= 24
    && tw_backups_page_get_narrow (wait->page) == wait->narrow;
}

/* The widgets that want more than @limit px, for a failure's message. */
static void
dump_wide (GtkWidget *widget,
           int        limit,
           int        depth)
{
  int min;

  if (!gtk_widget_get_visible (widget))
    return;
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  if (min <= limit)
    return;
  g_test_message ("%*s%s: at least %d px", depth * 2, "", G_OBJECT_TYPE_NAME (widget), min);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    dump_wide (child, limit, depth + 1);
}

/* The window @width px wide, the page in its narrow or wide layout, drawn. */
static void
resize_to (BackupDemo *demo,
           int         width,
           gboolean    narrow)
{
  LayoutWait wait = { GTK_WIDGET (demo->window), demo->page, width, narrow };

  gtk_window_set_default_size (GTK_WINDOW (demo->window), width, 900);
  /* The wide layout may hold the window wider until the page turns narrow: asked again
   * then, the window takes the width. */
  tw_test_wait_until (tw_backups_page_get_narrow (demo->page) == narrow, 10000);
  g_assert_true (tw_test_ui_wait_frame (wait.window, 5000));
  gtk_window_set_default_size (GTK_WINDOW (demo->window), width + 1, 900);
  g_assert_true (tw_test_ui_wait_frame (wait.window, 5000));
  gtk_window_set_default_size (GTK_WINDOW (demo->window), width, 900);
  if (!tw_test_ui_wait_for (has_layout, &wait, 10000))
    dump_wide (GTK_WIDGET (demo->window), width, 0);
  if (!has_layout (&wait))
    g_error ("The window is %d px wide (not %d), the page %s", gtk_widget_get_width (wait.window),
             width, tw_backups_page_get_narrow (demo->page) ? "narrow" : "wide");
  g_assert_true (tw_test_ui_wait_frame (wait.window, 5000));
  g_assert_true (tw_test_ui_wait_frame (wait.window, 5000));
}

/* A widget of type @type_name among @row's descendants, visible or not. */
static GtkWidget *
find_named (GtkWidget  *root,
            const char *type_name)
{
  if (g_str_equal (G_OBJECT_TYPE_NAME (root), type_name))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, type_name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Every shown backup of investiq: the row's height (at most @max_height), and its actions
 * (the buttons wide, the menu button narrow) drawn inside the window. */
static void
assert_rows (BackupDemo *demo,
             gboolean    narrow,
             int         max_height)
{
  int window_width = gtk_widget_get_width (GTK_WIDGET (demo->window));
  guint n = tw_backups_page_get_n_backups (demo->page, "investiq");

  g_assert_cmpuint (n, >, 0);
  for (guint i = 0; i < n; i++)
    {
      TwBackup *backup = tw_backups_page_get_backup (demo->page, "investiq", i);
      GtkWidget *row = tw_backups_page_get_backup_row (demo->page, tw_backup_get_path (backup));
      GtkWidget *menu = find_named (row, "GtkMenuButton");
      GtkWidget *shown = narrow ? menu : gtk_widget_get_parent (find_named (row, "GtkButton"));
      graphene_rect_t bounds;

      g_assert_nonnull (row);
      g_assert_nonnull (menu);
      g_test_message ("%d px wide: %s is %d px tall", window_width, tw_backup_get_name (backup),
                      gtk_widget_get_height (row));
      g_assert_cmpint (gtk_widget_get_height (row), <=, max_height);
      g_assert_true (gtk_widget_get_mapped (shown));
      g_assert_cmpint (gtk_widget_get_mapped (menu), ==, narrow);
      g_assert_true (gtk_widget_compute_bounds (shown, GTK_WIDGET (demo->window), &bounds));
      g_assert_cmpfloat (bounds.origin.x, >=, 0);
      g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, window_width);
      if (narrow)
        {
          /* The validity word is in the subtitle, its icon in front. */
          const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
          const char *word = tw_backups_page_get_validity_text (demo->page, tw_backup_get_path (backup));

          g_assert_true (g_str_has_prefix (subtitle, word));
        }
    }
}

/* The corrupt backup's menu: Verify and Delete…, and a Restore… without an action. */
static void
assert_corrupt_menu (BackupDemo *demo,
                     const char *path)
{
  GtkWidget *row = tw_backups_page_get_backup_row (demo->page, path);
  GMenuModel *model = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (find_named (row, "GtkMenuButton")));
  g_autofree char *verify = NULL;
  g_autofree char *restore = NULL;
  g_autofree char *delete = NULL;

  g_assert_cmpint (g_menu_model_get_n_items (model), ==, 3);
  g_assert_true (g_menu_model_get_item_attribute (model, 0, G_MENU_ATTRIBUTE_ACTION, "s", &verify));
  g_assert_cmpstr (verify, ==, "backups.verify");
  g_assert_false (g_menu_model_get_item_attribute (model, 1, G_MENU_ATTRIBUTE_ACTION, "s", &restore));
  g_assert_true (g_menu_model_get_item_attribute (model, 2, G_MENU_ATTRIBUTE_ACTION, "s", &delete));
  g_assert_cmpstr (delete, ==, "backups.delete");
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

  /* At 360 px (GNOME's small size) a backup is two lines, its actions in a menu button in
   * sight; at 1280 px the rows keep their buttons. */
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "appmenu:close", NULL);
  resize_to (&demo, 1280, FALSE);
  assert_rows (&demo, FALSE, 72);
  tw_test_save_pngs (GTK_WIDGET (demo.window), "backups-page-1280");
  resize_to (&demo, 360, TRUE);
  {
    int page_min;

    gtk_widget_measure (GTK_WIDGET (demo.page), GTK_ORIENTATION_HORIZONTAL, -1, &page_min, NULL, NULL, NULL);
    g_test_message ("At 360 px the page needs at least %d px", page_min);
    g_assert_cmpint (page_min, <=, 360);
  }
  assert_rows (&demo, TRUE, 80);
  assert_corrupt_menu (&demo, corrupt);
  g_assert_cmpuint (tw_test_ui_assert_icon_buttons_labelled (GTK_WIDGET (demo.page)), >, 0);
  tw_test_save_pngs (GTK_WIDGET (demo.window), "backups-page-360");
  resize_to (&demo, 1100, FALSE);
  assert_rows (&demo, FALSE, 72);

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
