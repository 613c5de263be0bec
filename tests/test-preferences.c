/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-preferences-window.h"
#include "tw-preferences-window-private.h"
#include "tw-test-app.h"

static TwApplication *app;

static TwPreferencesWindow *
find_preferences (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (TW_IS_PREFERENCES_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
preferences_shown (gpointer user_data)
{
  TwPreferencesWindow *preferences = find_preferences ();

  return preferences != NULL && gtk_widget_get_mapped (GTK_WIDGET (preferences));
}

static gboolean
preferences_gone (gpointer user_data)
{
  return find_preferences () == NULL;
}

static guint
unreachable_after (TwApplication *application)
{
  guint seconds = 0;

  g_object_get (tw_application_get_alert_engine (application), "unreachable-after", &seconds, NULL);
  return seconds;
}

static void
test_preferences (void)
{
  AppFixture f = { 0, };
  /* Another GSettings object on the same (memory) backend: what the app reads. */
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_auto(GStrv) accels = NULL;
  TwPreferencesWindow *preferences;
  GtkWidget *editor;

  app_fixture_open (&f, app, TW_MODE_PAPER, 1000);

  /* The action, its shortcut, and one window however often it is asked for. */
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.preferences");
  g_assert_nonnull (accels);
  g_assert_cmpstr (accels[0], ==, "<Control>comma");
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (tw_test_ui_wait_for (preferences_shown, NULL, 5000));
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  preferences = find_preferences ();
  g_assert_nonnull (preferences);
  /* A frame of it after the second activation: a second window would be there too. */
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (preferences), 5000));
  {
    guint n = 0;

    for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
      n += TW_IS_PREFERENCES_WINDOW (l->data);
    g_assert_cmpuint (n, ==, 1);
  }
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (preferences)) == GTK_WINDOW (f.window));

  /* Every operator-facing key of the schema has its editor, showing the key's value. */
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (tw_preferences_window_get_editor (preferences, "poll-interval"))),
                     ==, g_settings_get_uint (settings, "poll-interval"));
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (tw_preferences_window_get_editor (preferences, "notification-rate-limit"))),
                     ==, g_settings_get_uint (settings, "notification-rate-limit"));
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (tw_preferences_window_get_editor (preferences, "stuck-order-minutes"))),
                     ==, g_settings_get_uint (settings, "stuck-order-minutes"));
  g_assert_cmpint (gtk_switch_get_active (GTK_SWITCH (tw_preferences_window_get_editor (preferences, "run-in-background"))),
                   ==, g_settings_get_boolean (settings, "run-in-background"));

  app_save_png_light_dark (GTK_WIDGET (preferences), "preferences");

  /* Through the widgets → GSettings → the running profile. */
  editor = tw_preferences_window_get_editor (preferences, "poll-interval");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor), 17);
  g_assert_cmpuint (g_settings_get_uint (settings, "poll-interval"), ==, 17);
  g_assert_cmpuint (tw_workspace_get_poll_interval (tw_application_get_workspace (app)), ==, 17000);
  /* Out of the schema's range: the spin button stops at its bounds, the key stays valid. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor), 100000);
  g_assert_cmpuint (g_settings_get_uint (settings, "poll-interval"), ==, 300);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor), 0);
  g_assert_cmpuint (g_settings_get_uint (settings, "poll-interval"), ==, 1);

  editor = tw_preferences_window_get_editor (preferences, "notification-rate-limit");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor), 600);
  g_assert_cmpuint (g_settings_get_uint (settings, "notification-rate-limit"), ==, 600);

  /* The unreachable alert's delay reaches the running profile's alert engine. */
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (tw_preferences_window_get_editor (preferences, "unreachable-alert-after"))),
                     ==, 60);
  g_assert_cmpuint (unreachable_after (app), ==, 60);
  editor = tw_preferences_window_get_editor (preferences, "unreachable-alert-after");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor), 15);
  g_assert_cmpuint (g_settings_get_uint (settings, "unreachable-alert-after"), ==, 15);
  g_assert_cmpuint (unreachable_after (app), ==, 15);

  editor = tw_preferences_window_get_editor (preferences, "stuck-order-minutes");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor), 12);
  g_assert_cmpuint (g_settings_get_uint (settings, "stuck-order-minutes"), ==, 12);

  editor = tw_preferences_window_get_editor (preferences, "run-in-background");
  gtk_switch_set_active (GTK_SWITCH (editor), !g_settings_get_boolean (settings, "run-in-background"));
  g_assert_true (g_settings_get_boolean (settings, "run-in-background"));

  /* And the other way: a change made elsewhere shows at once. */
  g_settings_set_uint (settings, "stuck-order-minutes", 42);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (editor = tw_preferences_window_get_editor (preferences, "stuck-order-minutes"))),
                     ==, 42);
  g_settings_set_boolean (settings, "run-in-background", FALSE);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (tw_preferences_window_get_editor (preferences, "run-in-background"))));

  g_assert_cmpuint (tw_test_ui_assert_icon_buttons_labelled (GTK_WIDGET (preferences)), >, 0);
  gtk_window_close (GTK_WINDOW (preferences));
  g_assert_true (tw_test_ui_wait_for (preferences_gone, NULL, 5000));

  g_settings_reset (settings, "poll-interval");
  g_settings_reset (settings, "notification-rate-limit");
  g_settings_reset (settings, "unreachable-alert-after");
  g_settings_reset (settings, "stuck-order-minutes");
  g_settings_reset (settings, "run-in-background");
  app_fixture_close (&f);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  app = app_fixture_init (&argc, &argv);
  g_test_add_func ("/tw/ui/preferences/bound-to-settings", test_preferences);
  status = g_test_run ();
  tw_application_close_profile (app);
  g_clear_object (&app);
  return status;
}
