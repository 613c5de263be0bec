/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "tw-application-private.h"
#include "tw-test-app.h"

/* Profile switches are never a surprise: Import .env shows what it will create and asks
 * before storing or opening anything; the open profile is never left during an incident
 * without the operator being told; the demo can be reopened from the main menu. */

#define INTERVAL_MS 400

static TwApplication *app;

static AdwMessageDialog *
shown_dialog (void)
{
  g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
has_dialog (gpointer user_data)
{
  return shown_dialog () != NULL;
}

static gboolean
no_dialog (gpointer user_data)
{
  return shown_dialog () == NULL;
}

/* As a click on a response's button: the response, then the dialog closes. */
static void
answer (AdwMessageDialog *dialog,
        const char       *response)
{
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  adw_message_dialog_response (dialog, response);
  if (dialog != NULL)
    gtk_window_close (GTK_WINDOW (dialog));
  g_clear_weak_pointer (&dialog);
  g_assert_true (tw_test_ui_wait_for (no_dialog, NULL, 5000));
}

static GtkWidget *
find_entry (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_ENTRY (child))
        return child;
      if ((found = find_entry (child)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
profile_file_exists (const char *name)
{
  g_autofree char *dir = tw_profile_get_dir ();
  g_autofree char *basename = g_strconcat (name, ".conf", NULL);
  g_autofree char *path = g_build_filename (dir, basename, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
profile_saved (gpointer user_data)
{
  return profile_file_exists (user_data);
}

static gboolean
profile_open (gpointer user_data)
{
  TwWorkspace *workspace = tw_application_get_workspace (app);

  return workspace != NULL
    && g_strcmp0 (tw_profile_get_name (tw_workspace_get_profile (workspace)), user_data) == 0;
}

static gboolean
demo_open (gpointer user_data)
{
  return tw_application_is_demo (app);
}

static GFile *
write_env (const char *root,
           const char *folder,
           const char *text)
{
  g_autofree char *dir = g_build_filename (root, folder, NULL);
  g_autofree char *path = g_build_filename (dir, ".env", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static void
test_import_preview (void)
{
  AppFixture f = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) live_env = NULL;
  g_autoptr(GFile) paper_env = NULL;
  g_autofree char *root = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_auto(GStrv) parts = g_strsplit (uuid, "-", -1);
  g_autofree char *hex = g_strjoinv ("", parts);
  g_autofree char *key_id = g_strdup_printf ("AK%.18s", hex);
  g_autofree char *secret = g_strdup_printf ("secret-%s", uuid);
  g_autofree char *live_text = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  const char *body;

  if (g_getenv ("TW_TEST_SESSION") == NULL)
    {
      g_test_skip ("needs the test session's keyring: run it with `build-aux/run test`");
      return;
    }
  root = g_dir_make_tmp ("tw-switch-XXXXXX", &error);
  g_assert_no_error (error);
  live_text = g_strdup_printf ("ALPACA_API_KEY=%s\nALPACA_SECRET_KEY=%s\n"
                               "ALPACA_BASE_URL=https://api.alpaca.markets\n", key_id, secret);
  live_env = write_env (root, "Night Desk", live_text);
  /* A paper service nobody answers on: opening it sends nothing anywhere. */
  paper_env = write_env (root, "Lab", "INVESTIQ_URL=http://127.0.0.1:9\nAPI_KEYS=lab-key-123456\n");

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  g_assert_true (app_wait_states_known (&f, 15000));
  /* The demo as it starts is no incident. */
  {
    g_autofree char *incident = _tw_application_describe_incident (app);

    g_test_message ("at start: %s", incident != NULL ? incident : "(no incident)");
    g_assert_null (incident);
  }

  /* A LIVE .env: what it creates, before anything is stored or opened. */
  _tw_application_import_env_file (app, live_env);
  g_assert_true (tw_test_ui_wait_for (has_dialog, NULL, 10000));
  dialog = shown_dialog ();
  body = adw_message_dialog_get_body (dialog);
  g_test_message ("%s\n%s", adw_message_dialog_get_heading (dialog), body);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Import a LIVE Profile?");
  g_assert_nonnull (strstr (body, "Alpaca (live) — https://api.alpaca.markets"));
  g_assert_nonnull (strstr (body, "to the keyring: "));
  g_assert_nonnull (strstr (body, "(ALPACA_API_KEY)"));
  g_assert_nonnull (strstr (body, "(ALPACA_SECRET_KEY)"));
  g_assert_null (strstr (body, key_id));
  g_assert_null (strstr (body, secret));
  g_assert_nonnull (strstr (body, "“demo” stays open"));
  entry = find_entry (GTK_WIDGET (dialog));
  g_assert_nonnull (entry);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "night-desk");
  g_assert_false (profile_file_exists ("night-desk"));
  g_assert_true (profile_open ((gpointer) "demo"));
  app_save_png_light_dark (GTK_WIDGET (dialog), "import-preview-live");
  /* A name taken or invalid cannot be imported. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "../etc");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "import"));
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "open"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "night-live");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "open"));
  /* Imported only: saved under the name given, the demo still open. */
  answer (dialog, "import");
  g_assert_true (tw_test_ui_wait_for (profile_saved, (gpointer) "night-live", 15000));
  g_assert_false (profile_file_exists ("night-desk"));
  g_assert_true (profile_open ((gpointer) "demo"));

  /* An incident in the demo: a tripped breaker halts InvestIQ. */
  app_scenario (&f, "{\"name\":\"losing-streak\"}");
  g_assert_true (app_wait_halted (&f, "investiq", TRUE, 10000));
  {
    g_autofree char *incident = NULL;

    tw_test_wait_until ((incident = _tw_application_describe_incident (app)) != NULL, 10000);
    g_assert_nonnull (incident);
    g_test_message ("incident: %s", incident);
  }

  /* Opening another profile from the menu says so first; staying keeps the demo. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-profile", g_variant_new_string ("night-live"));
  g_assert_true (tw_test_ui_wait_for (has_dialog, NULL, 5000));
  dialog = shown_dialog ();
  g_test_message ("%s\n%s", adw_message_dialog_get_heading (dialog), adw_message_dialog_get_body (dialog));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Leave “demo” During an Incident?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "1 breaker tripped"));
  app_save_png_light_dark (GTK_WIDGET (dialog), "switch-during-incident");
  answer (dialog, "cancel");
  g_assert_true (profile_open ((gpointer) "demo"));

  /* The preview of another .env says it too; Import and Open switches. */
  _tw_application_import_env_file (app, paper_env);
  g_assert_true (tw_test_ui_wait_for (has_dialog, NULL, 10000));
  dialog = shown_dialog ();
  body = adw_message_dialog_get_body (dialog);
  g_test_message ("%s\n%s", adw_message_dialog_get_heading (dialog), body);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Import a Paper Profile?");
  g_assert_nonnull (strstr (body, "“demo” has an incident in progress: "));
  g_assert_nonnull (strstr (body, "InvestIQ — http://127.0.0.1:9"));
  app_save_png_light_dark (GTK_WIDGET (dialog), "import-preview-incident");
  answer (dialog, "open");
  g_assert_true (tw_test_ui_wait_for (profile_open, (gpointer) "lab", 15000));
  g_assert_true (profile_file_exists ("lab"));

  /* The demo again, from the main menu's action: no incident here, no question. Its
   * simulator starts anew and prints its addresses for scripts on standard output,
   * which is this test's TAP stream: sent to /dev/null meanwhile. */
  {
    int saved = dup (STDOUT_FILENO);
    int null_fd = open ("/dev/null", O_WRONLY | O_CLOEXEC);

    g_assert_cmpint (saved, >=, 0);
    g_assert_cmpint (null_fd, >=, 0);
    fflush (stdout);
    g_assert_cmpint (dup2 (null_fd, STDOUT_FILENO), ==, STDOUT_FILENO);
    g_action_group_activate_action (G_ACTION_GROUP (app), "demo", NULL);
    fflush (stdout);
    g_assert_cmpint (dup2 (saved, STDOUT_FILENO), ==, STDOUT_FILENO);
    close (saved);
    close (null_fd);
  }
  g_assert_true (tw_test_ui_wait_for (demo_open, NULL, 15000));

  app_fixture_close (&f);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  app = app_fixture_init (&argc, &argv);
  g_test_add_func ("/tw/app/profile-switch/import-preview", test_import_preview);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
