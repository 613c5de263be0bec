/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by test-backups-page.c and test-restore-wizard.c (header-only: each test is one
 * .c file in tests/meson.build): the demo profile in the app, widgets by type, PNGs in
 * light and dark, and the sqlite3 tool's view of a database. */

#include <adwaita.h>
#include <string.h>

#include "tw-application.h"
#include "tw-backups-page.h"
#include "tw-demo.h"
#include "tw-sim-demo-db.h"
#include "tw-test-ui.h"
#include "tw-test-util.h"

#define INTERVAL_MS 1000

typedef struct
{
  TwApplication *app;
  TwSimThread   *sim;
  TwSecrets     *secrets;
  TwProfile     *profile;
  TwWindow      *window;
  TwBackupsPage *page;
} BackupDemo;

static inline GtkWidget *
tw_test_find_widget (GtkWidget *root,
                     GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = tw_test_find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static inline void
backup_demo_open_mode (BackupDemo    *demo,
                       TwApplication *app,
                       TwMode         mode)
{
  g_autoptr(GError) error = NULL;

  demo->app = app;
  /* Rows arrive quickly, so "rows now" and "rows in the backup" differ within the test. */
  tw_sim_demo_db_set_interval (300);
  demo->sim = tw_test_sim_start ();
  demo->secrets = tw_secrets_new_memory ();
  demo->profile = tw_demo_profile_new (demo->sim, demo->secrets, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tw_profile_get_databases (demo->profile)->len, ==, 2);
  tw_profile_set_mode (demo->profile, mode);

  tw_application_open_profile (app, demo->profile, demo->secrets);
  tw_workspace_set_poll_interval (tw_application_get_workspace (app), INTERVAL_MS);
  demo->window = tw_application_get_window (app);
  gtk_window_set_default_size (GTK_WINDOW (demo->window), 1100, 900);
  gtk_window_present (GTK_WINDOW (demo->window));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (demo->window), 5000));
  g_assert_true (tw_window_show_page (demo->window, "backups"));
  demo->page = TW_BACKUPS_PAGE (tw_test_find_widget (GTK_WIDGET (demo->window), TW_TYPE_BACKUPS_PAGE));
  g_assert_nonnull (demo->page);
}

static inline void
backup_demo_open (BackupDemo    *demo,
                  TwApplication *app)
{
  backup_demo_open_mode (demo, app, TW_MODE_PAPER);
}

static inline void
backup_demo_close (BackupDemo *demo)
{
  tw_application_close_profile (demo->app);
  g_clear_object (&demo->profile);
  g_clear_object (&demo->secrets);
  g_clear_pointer (&demo->sim, tw_sim_thread_stop);
}

static inline const char *
backup_demo_db_path (BackupDemo *demo,
                     const char *id)
{
  GPtrArray *databases = tw_profile_get_databases (demo->profile);

  for (guint i = 0; i < databases->len; i++)
    {
      TwDatabaseConfig *config = g_ptr_array_index (databases, i);

      if (g_str_equal (config->id, id))
        return config->path;
    }
  g_assert_not_reached ();
  return NULL;
}

/* Saves NAME-light.png and NAME-dark.png of @window. */
/* Whether a widget of the type named @type_name is under @root (e.g. a toast still in its
 * hide animation). */
static inline gboolean
tw_test_has_widget_named (GtkWidget  *root,
                          const char *type_name)
{
  if (g_str_equal (G_OBJECT_TYPE_NAME (root), type_name))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (tw_test_has_widget_named (child, type_name))
      return TRUE;
  return FALSE;
}

static inline void
tw_test_save_pngs (GtkWidget  *window,
                   const char *name)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  const char *schemes[] = { "light", "dark" };

  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    {
      g_autofree char *file = g_strdup_printf ("%s-%s.png", name, schemes[i]);
      g_autofree char *path = NULL;

      adw_style_manager_set_color_scheme (style, i == 0 ? ADW_COLOR_SCHEME_FORCE_LIGHT
                                                        : ADW_COLOR_SCHEME_FORCE_DARK);
      /* Two frames: the style change is drawn by the second at the latest. */
      g_assert_true (tw_test_ui_wait_frame (window, 5000));
      g_assert_true (tw_test_ui_wait_frame (window, 5000));
      path = tw_test_ui_save_png (window, file);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

/* The sqlite3 tool's answer to @sql on @path, stripped. */
static inline char *
tw_test_sqlite3 (const char *path,
                 const char *sql)
{
  const char *argv[] = { "sqlite3", "-cmd", ".timeout 5000", path, sql, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  return g_strstrip (g_steal_pointer (&out));
}

static inline gint64
tw_test_count_rows (const char *path,
                    const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  g_autofree char *out = tw_test_sqlite3 (path, sql);

  return g_ascii_strtoll (out, NULL, 10);
}

static inline void
tw_test_ui_main_setup (int     *argc,
                       char  ***argv,
                       TwApplication **app)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dirs = g_strdup (g_getenv ("XDG_DATA_DIRS"));
  GtkIconTheme *icon_theme;

  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* As in test-window.c: the system's icon theme and schemas, the user dirs isolated. */
  g_setenv ("XDG_DATA_DIRS", data_dirs != NULL ? data_dirs : "/usr/local/share:/usr/share", TRUE);
  *app = tw_application_new ();
  g_application_set_flags (G_APPLICATION (*app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (*app), NULL, &error));
  g_assert_no_error (error);
  icon_theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  g_assert_true (gtk_icon_theme_has_icon (icon_theme, "emblem-ok-symbolic"));
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
}
