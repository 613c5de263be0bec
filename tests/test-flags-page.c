/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-flags-page-private.h"
#include "tw-guard-dialog-private.h"
#include "tw-service-editor-row-private.h"
#include "tw-test-app.h"

/* The Flags page on the demo profile's simulator: the flags as read, a flag the
 * environment pins shown locked, a change that did not hold said loudly, the guard
 * dialog of a critical flag. */

#define IBKR "ibkr-assistant"

static TwApplication *app;

typedef struct
{
  gboolean  done;
  gboolean  ok;
  char     *message;
} Finished;

static void
change_finished_cb (TwFlagsPage *page,
                    const char  *service_id,
                    const char  *flag,
                    gboolean     ok,
                    const char  *message,
                    Finished    *out)
{
  out->done = TRUE;
  out->ok = ok;
  g_free (out->message);
  out->message = g_strdup (message);
}

static guint
n_visible_rows (TwFlagsPage *page)
{
  static const char * const names[] = {
    "live_trading_mode", "auto_approval", "auto_approval_max_notional", "new_risk_rules",
    "strict_validation", "enable_dashboard", "enable_mcp_server",
  };
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    n += gtk_widget_get_visible (tw_flags_page_get_row (page, IBKR, names[i]));
  return n;
}

static void
test_page (void)
{
  AppFixture f;
  g_autofree char *env_path = NULL;
  g_autofree char *json_path = NULL;
  g_autoptr(GError) error = NULL;
  TwService *service;
  TwFlagsPage *page;
  TwFlags *flags;
  TwFlag *live;
  GtkWidget *toggle, *dialog;
  Finished finished = { 0 };

  /* The simulated service reads its feature_flags.json from here, as the profile does. */
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  json_path = g_build_filename (g_get_user_data_dir (), "feature_flags.json", NULL);
  g_assert_true (g_file_set_contents (json_path, "{\"enable_dashboard\": false}", -1, &error));
  g_setenv ("TW_SIM_DATA_DIR", g_get_user_data_dir (), TRUE);
  app_fixture_open (&f, app, TW_MODE_PAPER, 400);
  flags = tw_session_get_flags (tw_application_get_session (app));
  g_assert_nonnull (flags);
  tw_flags_set_poll_interval (flags, 300);

  /* The service's environment pins live trading on; the profile knows its files. */
  env_path = g_build_filename (g_get_user_data_dir (), "ibkr.env", NULL);
  g_assert_true (g_file_set_contents (env_path, "ENV=paper\nLIVE_TRADING_MODE=true\n", -1, &error));
  service = tw_profile_lookup_service (f.profile, IBKR);
  g_assert_nonnull (service);
  tw_service_set_env_file (service, env_path);
  tw_service_set_flags_file (service, json_path);
  app_scenario (&f, "{\"name\": \"flag-env\", \"variable\": \"LIVE_TRADING_MODE\", \"value\": \"true\"}");

  g_assert_true (tw_window_show_page (f.window, "flags"));
  page = TW_FLAGS_PAGE (tw_window_get_page (f.window, "flags"));
  g_signal_connect (page, "change-finished", G_CALLBACK (change_finished_cb), &finished);
  live = tw_flags_lookup (flags, IBKR, "live_trading_mode");
  tw_test_wait_until (tw_flag_get_locked (live) && g_strcmp0 (tw_flag_get_value (live), "true") == 0, 10000);
  tw_test_wait_until (tw_flag_get_layer (tw_flags_lookup (flags, IBKR, "enable_dashboard")) == TW_FLAG_LAYER_FILE, 5000);

  /* Every flag has its row; switches have accessible names. */
  g_assert_cmpuint (n_visible_rows (page), ==, 7);
  toggle = tw_flags_page_get_switch (page, IBKR, "live_trading_mode");
  g_assert_nonnull (toggle);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Toggle live_trading_mode");
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (toggle)));
  /* The number has no runtime call in the runbook: no switch, no Change button. */
  g_assert_null (tw_flags_page_get_switch (page, IBKR, "auto_approval_max_notional"));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  app_save_png_light_dark (GTK_WIDGET (f.window), "flags-page-locked");

  /* Search */
  gtk_editable_set_text (GTK_EDITABLE (tw_flags_page_get_search_entry (page)), "auto");
  tw_test_wait_until (n_visible_rows (page) == 2, 5000);
  g_assert_true (gtk_widget_get_visible (tw_flags_page_get_row (page, IBKR, "auto_approval")));
  g_assert_false (gtk_widget_get_visible (tw_flags_page_get_row (page, IBKR, "live_trading_mode")));
  gtk_editable_set_text (GTK_EDITABLE (tw_flags_page_get_search_entry (page)), "");
  tw_test_wait_until (n_visible_rows (page) == 7, 5000);

  /* Toward safety: at once, no dialog; the service keeps it on, and the page says so. */
  app_clear_requests (&f);
  gtk_widget_activate_action (GTK_WIDGET (page), "flags.set", "(sss)", IBKR, "live_trading_mode", "false");
  g_assert_null (tw_flags_page_get_guard_dialog (page));
  tw_test_wait_until (finished.done, 10000);
  g_assert_false (finished.ok);
  g_assert_nonnull (strstr (finished.message, "LIVE_TRADING_MODE=true"));
  g_assert_cmpstr (tw_flags_page_get_failure (page), ==, finished.message);
  g_assert_cmpuint (app_changing_requests (&f, IBKR), ==, 1);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (toggle)));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  g_free (app_save_png (GTK_WIDGET (f.window), "flags-page-did-not-hold.png"));
  gtk_widget_activate_action (GTK_WIDGET (page), "flags.dismiss", NULL);
  g_assert_null (tw_flags_page_get_failure (page));

  /* The variable removed and the service restarted: live trading off, not locked. */
  g_assert_true (g_file_set_contents (env_path, "ENV=paper\n", -1, &error));
  app_scenario (&f, "{\"name\": \"flag-env\", \"variable\": \"LIVE_TRADING_MODE\", \"value\": null}");
  tw_test_wait_until (!tw_flag_get_locked (live) && g_strcmp0 (tw_flag_get_value (live), "false") == 0, 10000);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (toggle)));

  /* Critical, away from safety: the guard dialog asks for a reason and the flag's name. */
  app_clear_requests (&f);
  finished.done = FALSE;
  gtk_widget_activate_action (GTK_WIDGET (page), "flags.set", "(sss)", IBKR, "live_trading_mode", "true");
  dialog = tw_flags_page_get_guard_dialog (page);
  g_assert_true (TW_IS_GUARD_DIALOG (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "ibkr-assistant/live_trading_mode: off → on"));
  g_assert_true (tw_guard_dialog_has_reason_entry (TW_GUARD_DIALOG (dialog)));
  g_assert_true (tw_guard_dialog_has_flag_entry (TW_GUARD_DIALOG (dialog)));
  g_assert_false (tw_guard_dialog_has_typed_entry (TW_GUARD_DIALOG (dialog)));
  g_assert_false (tw_guard_dialog_get_can_confirm (TW_GUARD_DIALOG (dialog)));
  tw_guard_dialog_set_reason (TW_GUARD_DIALOG (dialog), "Go-live approved by risk");
  g_assert_false (tw_guard_dialog_get_can_confirm (TW_GUARD_DIALOG (dialog)));
  g_assert_nonnull (strstr (tw_guard_dialog_get_problem (TW_GUARD_DIALOG (dialog)), "live_trading_mode"));
  g_assert_true (tw_test_ui_wait_frame (dialog, 5000));
  app_save_png_light_dark (dialog, "flags-guard-critical");
  tw_guard_dialog_set_typed_flag (TW_GUARD_DIALOG (dialog), "live_trading_mode");
  g_assert_true (tw_guard_dialog_get_can_confirm (TW_GUARD_DIALOG (dialog)));
  /* Cancelled: nothing reaches the service, the switch stays off. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  tw_test_wait_until (tw_flags_page_get_guard_dialog (page) == NULL, 5000);
  g_assert_cmpuint (app_changing_requests (&f, IBKR), ==, 0);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (toggle)));
  g_assert_false (finished.done);

  g_free (finished.message);
  app_fixture_close (&f);
  g_unsetenv ("TW_SIM_DATA_DIR");
}

/* The profile editor keeps a service's files, and wants full paths. */
static void
test_editor_files (void)
{
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwService) service = tw_service_new ("ibkr", "ibkr-assistant", "http://127.0.0.1:8000");
  g_autoptr(TwService) built = NULL;
  g_autofree char *problems = NULL;
  GtkWidget *row;

  tw_connector_registry_load_default (registry);
  tw_service_set_env_file (service, "/srv/ibkr/.env");
  tw_service_set_flags_file (service, "/srv/ibkr/feature_flags.json");
  row = g_object_ref_sink (tw_service_editor_row_new (registry, service));

  built = tw_service_editor_row_build_service (TW_SERVICE_EDITOR_ROW (row));
  g_assert_cmpstr (tw_service_get_env_file (built), ==, "/srv/ibkr/.env");
  g_assert_cmpstr (tw_service_get_flags_file (built), ==, "/srv/ibkr/feature_flags.json");
  g_assert_null (tw_service_editor_row_validate (TW_SERVICE_EDITOR_ROW (row)));

  tw_service_editor_row_set_env_file (TW_SERVICE_EDITOR_ROW (row), "ibkr.env");
  problems = tw_service_editor_row_validate (TW_SERVICE_EDITOR_ROW (row));
  g_assert_nonnull (problems);
  g_assert_nonnull (strstr (problems, "full paths"));
  g_clear_object (&built);
  tw_service_editor_row_set_env_file (TW_SERVICE_EDITOR_ROW (row), "");
  built = tw_service_editor_row_build_service (TW_SERVICE_EDITOR_ROW (row));
  g_assert_null (tw_service_get_env_file (built));
  g_object_unref (row);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  app = app_fixture_init (&argc, &argv);
  g_test_add_func ("/tw/ui/flags/page", test_page);
  g_test_add_func ("/tw/ui/flags/editor-files", test_editor_files);
  status = g_test_run ();
  tw_application_close_profile (app);
  g_clear_object (&app);
  return status;
}
