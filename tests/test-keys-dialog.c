/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Keys page and the rotation dialog on the demo profile and a simulator of the test's
 * own: a guided rotation of InvestIQ's API key step by step, "still accepted" shown
 * loudly, a PNG of every step in light and dark. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tw-guard-dialog-private.h"
#include "tw-key-revoke-dialog.h"
#include "tw-key-rotation-dialog.h"
#include "tw-alert-item.h"
#include "tw-alerts-service.h"
#include "tw-audit-record.h"
#include "tw-key-swap-dialog.h"
#include "tw-profile-editor-private.h"
#include "tw-service-editor-row.h"
#include "tw-service-editor-row-private.h"
#include "tw-keys-page.h"
#include "tw-test-app.h"
#include "tw-test-recorder.h"

#define INTERVAL_MS 500

static TwApplication *app;

static void
set_sim_keys (AppFixture *f,
              const char *a,
              const char *b)
{
  g_autofree char *json = b != NULL ? g_strdup_printf ("{\"api_keys\":[\"%s\",\"%s\"]}", a, b)
                                    : g_strdup_printf ("{\"api_keys\":[\"%s\"]}", a);
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = tw_test_sim_request_full (f->sim, "investiq", "PUT", "/_sim/keys", json, &status);
  g_assert_cmpuint (status, ==, 200);
}

static char *
lookup (AppFixture *f,
        const char *name)
{
  return tw_secrets_lookup_sync (f->secrets, tw_profile_get_name (f->profile), "investiq", name,
                                 NULL, NULL);
}

typedef struct
{
  gboolean  pending;
  char     *text;
} ClipboardRead;

static void
clipboard_read_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ClipboardRead *r = user_data;

  g_free (r->text);
  r->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  r->pending = FALSE;
}

/* Reads the clipboard (again when a read finished) until it holds @part. */
static gboolean
clipboard_holds (GtkWidget     *widget,
                 ClipboardRead *r,
                 const char    *part)
{
  if (r->text != NULL && strstr (r->text, part) != NULL)
    return TRUE;
  if (!r->pending)
    {
      r->pending = TRUE;
      gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, clipboard_read_cb, r);
    }
  return FALSE;
}

static void
next_step (TwKeyRotationDialog *dialog,
           TwKeyStep            expected)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "rotation.next", NULL));
  tw_test_wait_until (!tw_key_rotation_dialog_is_busy (dialog), 20000);
  g_assert_cmpint (tw_key_rotation_dialog_get_step (dialog), ==, expected);
}

/* The Keys button of a service row on the Overview. */
static GtkWidget *
find_keys_button (GtkWidget *root)
{
  if (GTK_IS_BUTTON (root) && gtk_widget_get_mapped (root) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), "win.show-page") == 0)
    {
      GVariant *target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (root));

      if (target != NULL && g_strcmp0 (g_variant_get_string (target, NULL), "keys") == 0)
        return root;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_keys_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_guided_rotation (void)
{
  AppFixture f = { 0 };
  TwKeysPage *page;
  TwKeyRotationDialog *dialog;
  GtkWidget *guard;
  g_autofree char *old_key = NULL;
  g_autofree char *new_key = NULL;
  g_autofree char *current = NULL;
  const char *server;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  old_key = lookup (&f, "api_key");
  g_assert_nonnull (old_key);
  set_sim_keys (&f, old_key, NULL);

  /* From a service row of the Overview. */
  {
    GtkWidget *button;

    g_assert_true (tw_window_show_page (f.window, "overview"));
    tw_test_wait_until ((button = find_keys_button (GTK_WIDGET (f.window))) != NULL, 5000);
    g_assert_true (gtk_widget_activate (button));
    tw_test_wait_until (g_strcmp0 (tw_window_get_visible_page (f.window), "keys") == 0, 5000);
  }
  page = TW_KEYS_PAGE (tw_window_get_page (f.window, "keys"));
  tw_test_wait_until (tw_keys_page_get_status (page, "investiq", "api_key") != NULL, 5000);
  g_assert_cmpstr (tw_keys_page_get_status (page, "investiq", "api_key"), ==, "No rotation open");
  /* Alpaca's keys have no overlap: not offered here. */
  g_assert_null (tw_keys_page_get_status (page, "alpaca", "key_id"));
  app_save_png_light_dark (GTK_WIDGET (f.window), "keys-page");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "keys.rotate", "s", "investiq/api_key"));
  dialog = TW_KEY_ROTATION_DIALOG (tw_keys_page_get_dialog (page));
  g_assert_nonnull (dialog);
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (dialog), 5000));
  g_assert_cmpint (tw_key_rotation_dialog_get_step (dialog), ==, TW_KEY_STEP_NONE);
  tw_test_ui_assert_icon_buttons_labelled (GTK_WIDGET (dialog));
  app_save_png_light_dark (GTK_WIDGET (dialog), "keys-1-prepare");

  /* 1 → 2: the guard first (a reason), then the guided step, masked; the real keys
   * nowhere on screen. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "rotation.next", NULL));
  tw_test_wait_until ((guard = tw_key_rotation_dialog_get_guard_dialog (dialog)) != NULL, 5000);
  g_assert_false (tw_guard_dialog_get_can_confirm (TW_GUARD_DIALOG (guard)));
  tw_guard_dialog_set_reason (TW_GUARD_DIALOG (guard), "Quarterly rotation, runbook 000");
  g_assert_true (tw_guard_dialog_get_can_confirm (TW_GUARD_DIALOG (guard)));
  g_assert_true (tw_test_ui_wait_frame (guard, 5000));
  app_save_png_light_dark (guard, "keys-1-guard");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (guard), "confirm");
  gtk_window_destroy (GTK_WINDOW (guard));
  tw_test_wait_until (!tw_key_rotation_dialog_is_busy (dialog), 20000);
  g_assert_cmpint (tw_key_rotation_dialog_get_step (dialog), ==, TW_KEY_STEP_PREPARED);
  new_key = lookup (&f, "api_key.pending");
  g_assert_nonnull (new_key);
  server = tw_key_rotation_dialog_get_server_text (dialog);
  g_assert_nonnull (server);
  g_assert_nonnull (strstr (server, "API_KEYS=••••"));
  g_assert_null (strstr (server, new_key));
  g_assert_null (strstr (server, old_key));
  g_assert_cmpstr (tw_keys_page_get_status (page, "investiq", "api_key"), ==,
                   "Rotation open: the server needs the new key");
  app_save_png_light_dark (GTK_WIDGET (dialog), "keys-2-server");

  /* Copy: the real text on the clipboard (read from the keyring in a worker). */
  {
    ClipboardRead r = { 0 };
    g_autofree char *line = g_strdup_printf ("API_KEYS=%s,%s", old_key, new_key);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "rotation.copy", NULL));
    tw_test_wait_until (clipboard_holds (GTK_WIDGET (dialog), &r, line), 10000);
    g_free (r.text);
  }

  /* The operator makes the change on the server, then 3, 4. */
  set_sim_keys (&f, old_key, new_key);
  next_step (dialog, TW_KEY_STEP_ADDED);
  app_save_png_light_dark (GTK_WIDGET (dialog), "keys-3-prove");
  next_step (dialog, TW_KEY_STEP_PROVEN);
  app_save_png_light_dark (GTK_WIDGET (dialog), "keys-4-promote");
  next_step (dialog, TW_KEY_STEP_GRACE);
  current = lookup (&f, "api_key");
  g_assert_cmpstr (current, ==, new_key);
  g_assert_nonnull (strstr (tw_keys_page_get_status (page, "investiq", "api_key"), "Grace period: 2"));
  app_save_png_light_dark (GTK_WIDGET (dialog), "keys-5-grace");

  /* 5 → 6 without removing it on the server: still accepted, loudly. */
  next_step (dialog, TW_KEY_STEP_REMOVED);
  next_step (dialog, TW_KEY_STEP_REMOVED);
  g_assert_nonnull (strstr (tw_key_rotation_dialog_get_problem (dialog), "STILL ACCEPTED"));
  g_assert_cmpstr (tw_keys_page_get_status (page, "investiq", "api_key"), ==,
                   "The old key is STILL ACCEPTED by the service");
  app_save_png_light_dark (GTK_WIDGET (dialog), "keys-6-still-accepted");

  set_sim_keys (&f, new_key, NULL);
  next_step (dialog, TW_KEY_STEP_DONE);
  g_assert_null (lookup (&f, "api_key.previous"));
  g_assert_null (tw_key_rotation_dialog_get_problem (dialog));
  app_save_png_light_dark (GTK_WIDGET (dialog), "keys-7-done");

  gtk_window_destroy (GTK_WINDOW (dialog));
  app_fixture_close (&f);
}

typedef struct
{
  gboolean  done;
  TwKeyStep step;
} Wait;

static void
step_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *w = user_data;
  g_autoptr(GError) error = NULL;

  w->step = tw_keys_step_finish (TW_KEYS (source), result, NULL, &error);
  g_assert_no_error (error);
  w->done = TRUE;
}

static TwKeyStep
core_step (TwKeys         *keys,
           TwGuardRequest *request)
{
  Wait w = { 0 };

  if (request != NULL)
    tw_keys_prepare_async (keys, "investiq", "api_key", NULL, request, NULL, step_cb, &w);
  else
    tw_keys_advance_async (keys, "investiq", "api_key", NULL, step_cb, &w);
  tw_test_wait_until (w.done, 20000);
  return w.step;
}

/* The grace period's end is told by a notification with the window closed; its Open
 * button shows the Keys page. */
static void
test_grace_reminder (void)
{
  AppFixture f = { 0 };
  TwKeys *keys;
  g_autoptr(TwGuardRequest) request = NULL;
  g_autofree char *old_key = NULL;
  g_autofree char *new_key = NULL;
  g_autoptr(JsonObject) call = NULL;

  if (!tw_test_recorder_available ())
    {
      g_test_skip ("Needs the notification recorder: run it with `build-aux/run test`.");
      return;
    }
  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  tw_test_recorder_clear ();
  keys = tw_session_get_keys (tw_application_get_session (app));
  tw_keys_set_grace (keys, 2);
  old_key = lookup (&f, "api_key");
  request = tw_guard_request_new ("keys.rotate", "investiq/api_key",
                                  tw_profile_get_name (f.profile), TW_MODE_PAPER);
  tw_guard_request_set_reason (request, "Weekly rotation, runbook 001");

  g_assert_cmpint (core_step (keys, request), ==, TW_KEY_STEP_PREPARED);
  new_key = lookup (&f, "api_key.pending");
  set_sim_keys (&f, old_key, new_key);
  g_assert_cmpint (core_step (keys, NULL), ==, TW_KEY_STEP_ADDED);
  g_assert_cmpint (core_step (keys, NULL), ==, TW_KEY_STEP_PROVEN);
  gtk_widget_set_visible (GTK_WIDGET (f.window), FALSE);
  g_assert_cmpint (core_step (keys, NULL), ==, TW_KEY_STEP_GRACE);

  call = tw_test_recorder_wait ("Retire the old key", -1, 15000);
  g_assert_nonnull (call);
  /* A console alert like the others: on the Alerts page too. */
  {
    TwAlertsService *alerts = tw_session_get_alerts_service (tw_application_get_session (app));
    TwAlertItem *item = tw_alerts_service_lookup (alerts, "console:keys-grace-investiq-api_key");

    g_assert_nonnull (item);
    g_assert_cmpstr (tw_alert_item_get_name (item), ==, "Retire the old key");
  }
  g_assert_null (strstr (json_object_get_string_member (call, "body"), new_key));
  g_assert_null (strstr (json_object_get_string_member (call, "body"), old_key));
  g_assert_true (tw_test_recorder_has_action (call, "open"));
  tw_test_recorder_invoke (call, "open");
  tw_test_wait_until (gtk_widget_get_visible (GTK_WIDGET (f.window)) &&
                      g_strcmp0 (tw_window_get_visible_page (f.window), "keys") == 0, 5000);
  app_fixture_close (&f);
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (TW_IS_SERVICE_EDITOR_ROW (widget))
    g_ptr_array_add (rows, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

static TwServiceEditorRow *
editor_row (TwProfileEditor *editor,
            const char      *service_id)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_rows (GTK_WIDGET (editor), rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (tw_service_editor_row_get_service_id (g_ptr_array_index (rows, i)), service_id) == 0)
      return g_ptr_array_index (rows, i);
  g_assert_not_reached ();
  return NULL;
}

static GtkWidget *
find_guard_dialog (void)
{
  GListModel *windows = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (windows); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (windows, i);

      if (TW_IS_GUARD_DIALOG (w) && gtk_widget_get_visible (w))
        return w;
    }
  return NULL;
}

static void
saved_cb (TwProfileEditor *editor,
          TwProfile       *profile,
          gboolean        *saved)
{
  *saved = TRUE;
}

/* The profile editor no longer overwrites a stored key silently: a rotatable key is sent
 * to Keys → Rotate…, any other needs the guard. */
static void
test_editor_routes_keys (void)
{
  AppFixture f = { 0 };
  TwProfileEditor *editor;
  g_autofree char *old_key = NULL;
  g_autofree char *still = NULL;
  g_autofree char *alpaca = NULL;
  GtkWidget *guard;
  gboolean saved = FALSE;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  old_key = lookup (&f, "api_key");
  editor = tw_profile_editor_new (GTK_WINDOW (f.window), tw_application_get_registry (app),
                                  f.secrets, f.profile);
  g_signal_connect (editor, "saved", G_CALLBACK (saved_cb), &saved);
  gtk_window_present (GTK_WINDOW (editor));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (editor), 5000));

  g_assert_true (tw_service_editor_row_set_secret (editor_row (editor, "investiq"), "api_key",
                                                   "a-replacement-key-0000000000000000"));
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  g_assert_nonnull (tw_profile_editor_get_problems (editor));
  g_assert_nonnull (strstr (tw_profile_editor_get_problems (editor), "Keys → Rotate…"));
  still = lookup (&f, "api_key");
  g_assert_cmpstr (still, ==, old_key);
  g_assert_false (saved);
  g_assert_true (tw_service_editor_row_set_secret (editor_row (editor, "investiq"), "api_key", ""));

  /* Alpaca's key ID cannot be rotated with an overlap: the guard asks first. */
  g_assert_true (tw_service_editor_row_set_secret (editor_row (editor, "alpaca"), "key_id",
                                                   "PKROTATED0000000000"));
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  tw_test_wait_until ((guard = find_guard_dialog ()) != NULL, 5000);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (guard), "cancel");
  /* a response given by hand does not close it (as the button would) */
  gtk_window_destroy (GTK_WINDOW (guard));
  g_assert_false (saved);
  alpaca = tw_secrets_lookup_sync (f.secrets, tw_profile_get_name (f.profile), "alpaca", "key_id", NULL, NULL);
  g_assert_cmpstr (alpaca, !=, "PKROTATED0000000000");

  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  tw_test_wait_until ((guard = find_guard_dialog ()) != NULL, 5000);
  tw_guard_dialog_set_reason (TW_GUARD_DIALOG (guard), "Alpaca key regenerated by the vendor");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (guard), "confirm");
  gtk_window_destroy (GTK_WINDOW (guard));
  tw_test_wait_until (saved, 10000);
  g_clear_pointer (&alpaca, g_free);
  alpaca = tw_secrets_lookup_sync (f.secrets, tw_profile_get_name (f.profile), "alpaca", "key_id", NULL, NULL);
  g_assert_cmpstr (alpaca, ==, "PKROTATED0000000000");
  app_fixture_close (&f);
}

/* Emergency revoke, guided: the form holds the button until a reason and the service's
 * name are there; trading is halted before anything else; the step, then the follow-up. */
static void
test_revoke (void)
{
  AppFixture f = { 0 };
  TwKeysPage *page;
  TwKeyRevokeDialog *dialog;
  g_autofree char *old_key = NULL;
  g_autoptr(JsonObject) call = NULL;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  old_key = lookup (&f, "api_key");
  set_sim_keys (&f, old_key, "another-client-key-000000000000");
  tw_test_recorder_clear ();
  g_assert_true (tw_window_show_page (f.window, "keys"));
  page = TW_KEYS_PAGE (tw_window_get_page (f.window, "keys"));
  tw_test_wait_until (tw_keys_page_get_status (page, "investiq", "api_key") != NULL, 5000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "keys.revoke", "s", "investiq/api_key"));
  dialog = TW_KEY_REVOKE_DIALOG (tw_keys_page_get_dialog (page));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (dialog), 5000));
  g_assert_false (tw_key_revoke_dialog_can_revoke (dialog));
  tw_key_revoke_dialog_set_reason (dialog, "Key pasted into a public chat");
  g_assert_false (tw_key_revoke_dialog_can_revoke (dialog));
  tw_key_revoke_dialog_set_typed (dialog, "InvestIQ");
  g_assert_true (tw_key_revoke_dialog_can_revoke (dialog));
  app_save_png_light_dark (GTK_WIDGET (dialog), "keys-revoke-1-form");

  app_clear_requests (&f);
  tw_key_revoke_dialog_activate (dialog);
  tw_test_wait_until (!tw_key_revoke_dialog_is_busy (dialog), 20000);
  g_assert_cmpstr (tw_key_revoke_dialog_get_state (dialog), ==, "server");
  g_assert_cmpuint (app_changing_requests (&f, NULL), >, 0);
  g_assert_nonnull (strstr (tw_key_revoke_dialog_get_text (dialog), "API_KEYS"));
  g_assert_null (strstr (tw_key_revoke_dialog_get_text (dialog), old_key));
  app_save_png_light_dark (GTK_WIDGET (dialog), "keys-revoke-2-server");

  set_sim_keys (&f, "another-client-key-000000000000", NULL);
  tw_key_revoke_dialog_activate (dialog);
  tw_test_wait_until (!tw_key_revoke_dialog_is_busy (dialog), 20000);
  g_assert_cmpstr (tw_key_revoke_dialog_get_state (dialog), ==, "done");
  g_assert_nonnull (strstr (tw_key_revoke_dialog_get_text (dialog), "audit_log"));
  g_assert_null (lookup (&f, "api_key"));
  app_save_png_light_dark (GTK_WIDGET (dialog), "keys-revoke-3-done");
  if (tw_test_recorder_available ())
    {
      call = tw_test_recorder_wait ("Key revoked", 2, 10000);
      g_assert_nonnull (call);
    }
  gtk_window_destroy (GTK_WINDOW (dialog));
  app_fixture_close (&f);
}

/* Managed: a restart command that fails shows its output and leaves the rotation where
 * it was. */
static void
test_managed_restart_fails (void)
{
  AppFixture f = { 0 };
  TwKeysPage *page;
  TwKeyRotationDialog *dialog;
  TwKeys *keys;
  GtkWidget *guard;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tw-keys-env-XXXXXX", NULL);
  g_autofree char *env = g_build_filename (dir, ".env", NULL);
  g_autofree char *old_key = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *after = NULL;
  const char *argv[] = { "/bin/sh", "-c",
                         "echo 'Restarting api-server ...'; echo 'Error: no such service: api-server' >&2; exit 1",
                         NULL };

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  old_key = lookup (&f, "api_key");
  contents = g_strdup_printf ("API_KEYS=%s\nLOG_LEVEL=info\n", old_key);
  g_assert_true (g_file_set_contents (env, contents, -1, &error));
  keys = tw_session_get_keys (tw_application_get_session (app));
  g_assert_true (tw_keys_set_server (keys, "investiq", TW_KEY_SERVER_MANAGED, env, argv, 10, &error));
  g_assert_no_error (error);

  g_assert_true (tw_window_show_page (f.window, "keys"));
  page = TW_KEYS_PAGE (tw_window_get_page (f.window, "keys"));
  tw_test_wait_until (tw_keys_page_get_status (page, "investiq", "api_key") != NULL, 5000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "keys.rotate", "s", "investiq/api_key"));
  dialog = TW_KEY_ROTATION_DIALOG (tw_keys_page_get_dialog (page));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "rotation.next", NULL));
  tw_test_wait_until ((guard = tw_key_rotation_dialog_get_guard_dialog (dialog)) != NULL, 5000);
  tw_guard_dialog_set_reason (TW_GUARD_DIALOG (guard), "Quarterly rotation, runbook 000");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (guard), "confirm");
  gtk_window_destroy (GTK_WINDOW (guard));
  tw_test_wait_until (!tw_key_rotation_dialog_is_busy (dialog), 20000);
  g_assert_cmpint (tw_key_rotation_dialog_get_step (dialog), ==, TW_KEY_STEP_PREPARED);
  /* managed: no guided step to copy */
  g_assert_null (tw_key_rotation_dialog_get_server_text (dialog));
  app_save_png_light_dark (GTK_WIDGET (dialog), "keys-managed-1-prepared");

  next_step (dialog, TW_KEY_STEP_PREPARED);
  g_assert_nonnull (strstr (tw_key_rotation_dialog_get_problem (dialog), "exit status 1"));
  after = lookup (&f, "api_key");
  g_assert_cmpstr (after, ==, old_key);
  g_clear_pointer (&after, g_free);
  g_assert_true (g_file_get_contents (env, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, contents);
  app_save_png_light_dark (GTK_WIDGET (dialog), "keys-managed-2-restart-failed");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "rotation.cancel", NULL));
  tw_test_wait_until (!tw_key_rotation_dialog_is_busy (dialog), 20000);
  g_assert_cmpint (tw_key_rotation_dialog_get_step (dialog), ==, TW_KEY_STEP_NONE);
  g_assert_null (lookup (&f, "api_key.pending"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  app_fixture_close (&f);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);

        g_unlink (path);
      }
    g_rmdir (dir);
  }
}

/* Alpaca, no overlap: halt → (regenerate at the vendor) paste → prove → swap, the outage
 * measured; a wrong paste is refused and stores nothing. */
static void
test_swap_no_overlap (void)
{
  AppFixture f = { 0 };
  TwKeysPage *page;
  TwKeySwapDialog *dialog;
  g_autoptr(JsonNode) fresh = NULL;
  g_autofree char *old_id = NULL;
  g_autofree char *stored_id = NULL;
  g_autofree char *stored_secret = NULL;
  const char *new_id, *new_secret;
  const char *profile;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  profile = tw_profile_get_name (f.profile);
  old_id = tw_secrets_lookup_sync (f.secrets, profile, "alpaca", "key_id", NULL, NULL);
  g_assert_true (tw_window_show_page (f.window, "keys"));
  page = TW_KEYS_PAGE (tw_window_get_page (f.window, "keys"));
  tw_test_wait_until (tw_keys_page_get_status (page, "investiq", "api_key") != NULL, 5000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "keys.swap", "s", "alpaca"));
  dialog = TW_KEY_SWAP_DIALOG (tw_keys_page_get_dialog (page));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (dialog), 5000));
  g_assert_cmpstr (tw_key_swap_dialog_get_state (dialog), ==, "halt");
  app_save_png_light_dark (GTK_WIDGET (dialog), "keys-swap-1-halt");

  app_clear_requests (&f);
  tw_key_swap_dialog_activate (dialog);
  tw_test_wait_until (!tw_key_swap_dialog_is_busy (dialog), 20000);
  g_assert_cmpstr (tw_key_swap_dialog_get_state (dialog), ==, "paste");
  g_assert_cmpuint (app_changing_requests (&f, "alpaca"), >, 0);

  /* Regenerated at the vendor: the old pair is refused at once. */
  fresh = tw_test_sim_request (f.sim, "alpaca", "POST", "/_sim/keys/regenerate", NULL);
  new_id = json_object_get_string_member (json_node_get_object (fresh), "key_id");
  new_secret = json_object_get_string_member (json_node_get_object (fresh), "secret");

  tw_key_swap_dialog_set_value (dialog, "key_id", new_id);
  tw_key_swap_dialog_set_value (dialog, "secret_key", "WRONGSECRET00000000000000000000000000000");
  g_assert_false (tw_key_swap_dialog_can_go_on (dialog));
  tw_key_swap_dialog_set_reason (dialog, "Monthly Alpaca key regeneration");
  g_assert_true (tw_key_swap_dialog_can_go_on (dialog));
  tw_key_swap_dialog_activate (dialog);
  tw_test_wait_until (!tw_key_swap_dialog_is_busy (dialog), 20000);
  g_assert_cmpstr (tw_key_swap_dialog_get_state (dialog), ==, "paste");
  g_assert_nonnull (strstr (tw_key_swap_dialog_get_message (dialog), "refuses the new keys"));
  stored_id = tw_secrets_lookup_sync (f.secrets, profile, "alpaca", "key_id", NULL, NULL);
  g_assert_cmpstr (stored_id, ==, old_id);
  app_save_png_light_dark (GTK_WIDGET (dialog), "keys-swap-2-refused");

  tw_key_swap_dialog_set_value (dialog, "secret_key", new_secret);
  tw_key_swap_dialog_activate (dialog);
  tw_test_wait_until (!tw_key_swap_dialog_is_busy (dialog), 20000);
  g_assert_cmpstr (tw_key_swap_dialog_get_state (dialog), ==, "done");
  g_assert_cmpint (tw_key_swap_dialog_get_outage_us (dialog), >, 0);
  g_clear_pointer (&stored_id, g_free);
  stored_id = tw_secrets_lookup_sync (f.secrets, profile, "alpaca", "key_id", NULL, NULL);
  stored_secret = tw_secrets_lookup_sync (f.secrets, profile, "alpaca", "secret_key", NULL, NULL);
  g_assert_cmpstr (stored_id, ==, new_id);
  g_assert_cmpstr (stored_secret, ==, new_secret);
  g_assert_null (strstr (tw_key_swap_dialog_get_message (dialog), new_secret));
  app_save_png_light_dark (GTK_WIDGET (dialog), "keys-swap-3-done");
  gtk_window_destroy (GTK_WINDOW (dialog));
  app_fixture_close (&f);
}

static void
assert_no_key_in_audit (const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) rows = tw_audit_log_query (tw_session_get_audit_log (tw_application_get_session (app)),
                                                   NULL, NULL, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(TwAuditRecord) record = g_list_model_get_item (rows, i);

      g_assert_null (strstr (tw_audit_record_get_message (record) ?: "", key));
      g_assert_null (strstr (tw_audit_record_get_reason (record) ?: "", key));
      g_assert_null (strstr (tw_audit_record_get_target (record) ?: "", key));
    }
}

/* The live-trading key's proof requests in the simulator's log, in order: their statuses. */
static GArray *
proof_statuses (AppFixture *f)
{
  g_autoptr(JsonNode) log = tw_test_sim_requests (f->sim);
  JsonArray *array = json_node_get_array (log);
  GArray *statuses = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);
      guint status;

      if (g_strcmp0 (json_object_get_string_member (entry, "path"), "/api/broker/close/TW-KEY-PROOF") != 0)
        continue;
      g_assert_cmpstr (json_object_get_string_member (entry, "method"), ==, "DELETE");
      status = (guint) json_object_get_int_member (entry, "status");
      g_array_append_val (statuses, status);
    }
  return statuses;
}

static guint
n_positions (AppFixture *f)
{
  g_autoptr(JsonNode) positions = tw_test_sim_request (f->sim, "investiq", "GET", "/api/broker/positions", NULL);

  return json_array_get_length (json_node_get_array (positions));
}

/* InvestIQ's live-trading key (000, Rotate live trading key): one LIVE_TRADING_KEY, no
 * overlap. The dialog says what the proof sends before anything is sent; then halt → the
 * new key on the server → paste → the runbook's key-gated test, made safe: a close of a
 * symbol nobody holds, sent with the new key (not refused), without the key (403, as the
 * runbook says) and with the old key (403). Nothing trades; a wrong paste stores nothing. */
static void
test_live_key_swap (void)
{
  AppFixture f = { 0 };
  TwKeysPage *page;
  TwKeySwapDialog *dialog;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GArray) statuses = NULL;
  g_autofree char *old_key = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *body = NULL;
  const char *new_key = "4f1c0a9e2b7d4c3e8a6f5b1d9c2e7a40b3f8d6e1c5a9b7f2e4d8c6a1b3e5f7a9";
  const char *wrong_key = "0000000000000000000000000000000000000000000000000000000000000bad";
  const char *proof;
  guint before;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  old_key = lookup (&f, "live_trading_key");
  g_assert_nonnull (old_key);
  g_assert_true (tw_window_show_page (f.window, "keys"));
  page = TW_KEYS_PAGE (tw_window_get_page (f.window, "keys"));
  tw_test_wait_until (tw_keys_page_get_status (page, "investiq", "api_key") != NULL, 5000);
  app_clear_requests (&f);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "keys.swap", "s", "investiq"));
  dialog = TW_KEY_SWAP_DIALOG (tw_keys_page_get_dialog (page));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (dialog), 5000));
  g_assert_cmpstr (tw_key_swap_dialog_get_state (dialog), ==, "halt");

  /* Before anything is sent: exactly what the proof sends */
  proof = tw_key_swap_dialog_get_proof_text (dialog);
  g_assert_nonnull (proof);
  g_assert_nonnull (strstr (proof, "DELETE http://127.0.0.1:"));
  g_assert_nonnull (strstr (proof, "/api/broker/close/TW-KEY-PROOF"));
  g_assert_nonnull (strstr (proof, "without the Live-trading key"));
  g_assert_nonnull (strstr (proof, "with the old key"));
  g_assert_cmpuint (proof_statuses (&f)->len, ==, 0);
  app_save_png_light_dark (GTK_WIDGET (dialog), "keys-live-1-halt");

  /* Halt first */
  tw_key_swap_dialog_activate (dialog);
  tw_test_wait_until (!tw_key_swap_dialog_is_busy (dialog), 20000);
  g_assert_cmpstr (tw_key_swap_dialog_get_state (dialog), ==, "paste");
  g_assert_true (app_wait_halted (&f, "investiq", TRUE, 10000));
  before = n_positions (&f);

  /* The runbook's server side: LIVE_TRADING_KEY replaced, the API server restarted */
  body = g_strdup_printf ("{\"live_trading_key\": \"%s\"}", new_key);
  answer = tw_test_sim_request (f.sim, "investiq", "PUT", "/_sim/keys", body);
  g_assert_nonnull (answer);

  /* A wrong paste: refused by the gate, nothing stored */
  tw_key_swap_dialog_set_value (dialog, "live_trading_key", wrong_key);
  tw_key_swap_dialog_set_reason (dialog, "Quarterly live-trading key rotation");
  g_assert_true (tw_key_swap_dialog_can_go_on (dialog));
  tw_key_swap_dialog_activate (dialog);
  tw_test_wait_until (!tw_key_swap_dialog_is_busy (dialog), 20000);
  g_assert_cmpstr (tw_key_swap_dialog_get_state (dialog), ==, "paste");
  g_assert_nonnull (strstr (tw_key_swap_dialog_get_message (dialog), "refuses the new key"));
  stored = lookup (&f, "live_trading_key");
  g_assert_cmpstr (stored, ==, old_key);
  g_clear_pointer (&stored, g_free);
  statuses = proof_statuses (&f);
  g_assert_cmpuint (statuses->len, ==, 1);
  g_assert_cmpuint (g_array_index (statuses, guint, 0), ==, 403);
  g_clear_pointer (&statuses, g_array_unref);

  /* A server whose gate is open (it answers the same without the key): said loudly,
   * nothing stored */
  tw_key_swap_dialog_set_value (dialog, "live_trading_key", new_key);
  tw_test_sim_fault (f.sim, "investiq",
                     "{\"path\":\"/api/broker/close/TW-KEY-PROOF\",\"kind\":\"status\",\"status\":404}");
  tw_key_swap_dialog_activate (dialog);
  tw_test_wait_until (!tw_key_swap_dialog_is_busy (dialog), 20000);
  g_assert_cmpstr (tw_key_swap_dialog_get_state (dialog), ==, "paste");
  g_assert_nonnull (strstr (tw_key_swap_dialog_get_message (dialog), "gate is open"));
  stored = lookup (&f, "live_trading_key");
  g_assert_cmpstr (stored, ==, old_key);
  g_clear_pointer (&stored, g_free);
  tw_test_sim_clear_faults (f.sim);
  statuses = proof_statuses (&f);
  g_assert_cmpuint (statuses->len, ==, 3);
  g_clear_pointer (&statuses, g_array_unref);

  /* The right one: accepted with it, refused without and with the old one */
  tw_key_swap_dialog_activate (dialog);
  tw_test_wait_until (!tw_key_swap_dialog_is_busy (dialog), 20000);
  g_assert_cmpstr (tw_key_swap_dialog_get_state (dialog), ==, "done");
  stored = lookup (&f, "live_trading_key");
  g_assert_cmpstr (stored, ==, new_key);
  statuses = proof_statuses (&f);
  g_assert_cmpuint (statuses->len, ==, 6);
  g_assert_cmpuint (g_array_index (statuses, guint, 3), ==, 404);  /* new key: no such position */
  g_assert_cmpuint (g_array_index (statuses, guint, 4), ==, 403);  /* without the key */
  g_assert_cmpuint (g_array_index (statuses, guint, 5), ==, 403);  /* the old key */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GListModel) rows = tw_audit_log_query (tw_session_get_audit_log (tw_application_get_session (app)),
                                                     NULL, NULL, &error);
    gboolean found = FALSE;

    g_assert_no_error (error);
    for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
      {
        g_autoptr(TwAuditRecord) record = g_list_model_get_item (rows, i);
        const char *message = tw_audit_record_get_message (record);

        if (g_strcmp0 (tw_audit_record_get_action (record), "keys.rotate") == 0 && message != NULL
            && strstr (message, "HTTP 404 with the new key, HTTP 403 without the key, HTTP 403 with the old key") != NULL)
          found = TRUE;
        g_assert_null (strstr (message ?: "", new_key));
        g_assert_null (strstr (tw_audit_record_get_reason (record) ?: "", new_key));
      }
    g_assert_true (found);
  }
  /* Nothing traded */
  g_assert_cmpuint (n_positions (&f), ==, before);
  g_assert_null (strstr (tw_key_swap_dialog_get_message (dialog), new_key));
  app_save_png_light_dark (GTK_WIDGET (dialog), "keys-live-2-done");
  gtk_window_destroy (GTK_WINDOW (dialog));
  app_fixture_close (&f);
}

/* Managed (000's sed on LIVE_TRADING_KEY and the restart, done by the console): the .env
 * edited (every other byte and the mode kept), the restart command run, the gate's proof;
 * a failed proof puts the file back and restarts the service on it. */
static void
test_live_key_managed (void)
{
  AppFixture f = { 0 };
  TwKeysPage *page;
  TwKeySwapDialog *dialog;
  TwKeys *keys;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GArray) statuses = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tw-live-env-XXXXXX", NULL);
  g_autofree char *env = g_build_filename (dir, ".env", NULL);
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "keys-restart.sh", NULL);
  g_autofree char *api_key = NULL;
  g_autofree char *old_key = NULL;
  g_autofree char *original = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *now = NULL;
  g_autofree char *body = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *new_key = NULL;
  const char *argv[] = { "/bin/sh", script, NULL, NULL };
  GStatBuf st;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  api_key = lookup (&f, "api_key");
  old_key = lookup (&f, "live_trading_key");
  original = g_strdup_printf ("# InvestIQ\nAPI_KEYS=%s\nexport LIVE_TRADING_KEY=\"%s\"\nLOG_LEVEL=info\n",
                              api_key, old_key);
  g_assert_true (g_file_set_contents (env, original, -1, &error));
  g_assert_cmpint (g_chmod (env, 0640), ==, 0);
  /* The simulator's InvestIQ reads its keys from that file (on each restart) */
  body = g_strdup_printf ("{\"env_file\": \"%s\"}", env);
  answer = tw_test_sim_request (f.sim, "investiq", "PUT", "/_sim/keys", body);
  g_assert_nonnull (answer);
  argv[2] = tw_sim_thread_get_url (f.sim, "investiq");
  keys = tw_session_get_keys (tw_application_get_session (app));
  g_assert_true (tw_keys_set_server (keys, "investiq", TW_KEY_SERVER_MANAGED, env, argv, 20, &error));
  g_assert_no_error (error);

  g_assert_true (tw_window_show_page (f.window, "keys"));
  page = TW_KEYS_PAGE (tw_window_get_page (f.window, "keys"));
  tw_test_wait_until (tw_keys_page_get_status (page, "investiq", "api_key") != NULL, 5000);
  app_clear_requests (&f);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "keys.swap", "s", "investiq"));
  dialog = TW_KEY_SWAP_DIALOG (tw_keys_page_get_dialog (page));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (dialog), 5000));
  tw_key_swap_dialog_activate (dialog);
  tw_test_wait_until (!tw_key_swap_dialog_is_busy (dialog), 20000);
  g_assert_cmpstr (tw_key_swap_dialog_get_state (dialog), ==, "paste");

  /* A gate that does not refuse: the proof fails, the file is put back, nothing stored */
  tw_test_sim_fault (f.sim, "investiq",
                     "{\"path\":\"/api/broker/close/TW-KEY-PROOF\",\"kind\":\"status\",\"status\":404}");
  /* The runbook's openssl rand -hex 32, by the console's Generate */
  g_assert_true (tw_key_swap_dialog_generate (dialog, "live_trading_key"));
  tw_key_swap_dialog_set_reason (dialog, "Quarterly live-trading key rotation");
  tw_key_swap_dialog_activate (dialog);
  tw_test_wait_until (!tw_key_swap_dialog_is_busy (dialog), 30000);
  g_assert_cmpstr (tw_key_swap_dialog_get_state (dialog), ==, "paste");
  g_assert_nonnull (strstr (tw_key_swap_dialog_get_message (dialog), "put back"));
  g_assert_true (g_file_get_contents (env, &now, NULL, NULL));
  g_assert_cmpstr (now, ==, original);
  g_clear_pointer (&now, g_free);
  stored = lookup (&f, "live_trading_key");
  g_assert_cmpstr (stored, ==, old_key);
  g_clear_pointer (&stored, g_free);
  tw_test_sim_clear_faults (f.sim);
  app_save_png_light_dark (GTK_WIDGET (dialog), "keys-live-managed-1-put-back");

  /* Again, the gate working: the .env's one line changed, the mode kept, proven, stored */
  app_clear_requests (&f);
  tw_key_swap_dialog_activate (dialog);
  tw_test_wait_until (!tw_key_swap_dialog_is_busy (dialog), 30000);
  g_assert_cmpstr (tw_key_swap_dialog_get_state (dialog), ==, "done");
  g_assert_true (g_file_get_contents (env, &now, NULL, NULL));
  g_assert_cmpint (g_stat (env, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0640);
  new_key = lookup (&f, "live_trading_key");
  g_assert_cmpuint (strlen (new_key), ==, 64);
  g_assert_cmpstr (new_key, !=, old_key);
  for (const char *c = new_key; *c != '\0'; c++)
    g_assert_true (g_ascii_isxdigit (*c) && !g_ascii_isupper (*c));
  expected = g_strdup_printf ("# InvestIQ\nAPI_KEYS=%s\nexport LIVE_TRADING_KEY=\"%s\"\nLOG_LEVEL=info\n",
                              api_key, new_key);
  g_assert_cmpstr (now, ==, expected);
  statuses = proof_statuses (&f);
  g_assert_cmpuint (statuses->len, ==, 3);
  g_assert_cmpuint (g_array_index (statuses, guint, 0), ==, 404);
  g_assert_cmpuint (g_array_index (statuses, guint, 1), ==, 403);
  g_assert_cmpuint (g_array_index (statuses, guint, 2), ==, 403);
  /* No copy of the old file left beside it: it held a key the server refuses now */
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    guint n = 0;

    while (g_dir_read_name (d) != NULL)
      n++;
    g_assert_cmpuint (n, ==, 1);
  }
  g_assert_null (strstr (tw_key_swap_dialog_get_message (dialog), new_key));
  assert_no_key_in_audit (new_key);
  app_save_png_light_dark (GTK_WIDGET (dialog), "keys-live-managed-2-done");
  gtk_window_destroy (GTK_WINDOW (dialog));
  app_fixture_close (&f);
  g_unlink (env);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  app = app_fixture_init (&argc, &argv);
  g_test_add_func ("/tw/ui/keys/guided-rotation", test_guided_rotation);
  g_test_add_func ("/tw/ui/keys/grace-reminder", test_grace_reminder);
  g_test_add_func ("/tw/ui/keys/editor-routes-keys", test_editor_routes_keys);
  g_test_add_func ("/tw/ui/keys/revoke", test_revoke);
  g_test_add_func ("/tw/ui/keys/managed-restart-fails", test_managed_restart_fails);
  g_test_add_func ("/tw/ui/keys/swap-no-overlap", test_swap_no_overlap);
  g_test_add_func ("/tw/ui/keys/live-key-swap", test_live_key_swap);
  g_test_add_func ("/tw/ui/keys/live-key-managed", test_live_key_managed);
  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}
