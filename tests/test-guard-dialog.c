/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-error.h"
#include "tw-guard-dialog.h"
#include "tw-test-app.h"

#define INTERVAL_MS 400

static TwApplication *app;

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
is_set (gpointer user_data)
{
  return *(gpointer *) user_data != NULL;
}

static gboolean
all_services_ok (gpointer user_data)
{
  GListModel *services = tw_workspace_get_services (tw_application_get_workspace (app));

  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);

      if (tw_service_get_state (service) != TW_SERVICE_STATE_OK)
        return FALSE;
    }
  return TRUE;
}

static gboolean
health_unmet (gpointer user_data)
{
  TwGuardDialog *dialog = user_data;

  return !tw_guard_request_get_checked (tw_guard_dialog_get_request (dialog), TW_GUARD_CHECK_HEALTH_GREEN);
}

static void
test_toward_safety (void)
{
  AppFixture f = { 0, };
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  app_fixture_open (&f, app, TW_MODE_LIVE, INTERVAL_MS);
  request = tw_action_runner_new_request (tw_application_get_action_runner (app), "trading.halt", "InvestIQ");
  /* Toward safety: no dialog at all, even in a live profile. */
  g_assert_null (tw_guard_confirm_async (GTK_WINDOW (f.window), request, tw_application_get_workspace (app),
                                         "investiq", NULL, store_result_cb, &result));
  g_assert_true (tw_test_ui_wait_for (is_set, &result, 1000));
  g_assert_true (tw_guard_confirm_finish (result, &error));
  g_assert_no_error (error);
  app_fixture_close (&f);
}

static void
test_away (void)
{
  AppFixture f = { 0, };
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TwGuardDialog *dialog;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  g_assert_true (tw_test_ui_wait_for (all_services_ok, NULL, 10000));
  app_clear_requests (&f);

  request = tw_action_runner_new_request (tw_application_get_action_runner (app), "trading.resume", "InvestIQ");
  tw_guard_request_set_breaker_kind (request, "loss");
  dialog = TW_GUARD_DIALOG (tw_guard_confirm_async (GTK_WINDOW (f.window), request,
                                                    tw_application_get_workspace (app), "investiq",
                                                    NULL, store_result_cb, &result));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (dialog)), ==, "cancel");
  g_assert_true (tw_guard_dialog_has_reason_entry (dialog));
  g_assert_false (tw_guard_dialog_has_typed_entry (dialog));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ADW_MESSAGE_DIALOG (dialog), "confirm"), ==,
                   ADW_RESPONSE_SUGGESTED);

  /* Automatic items come from the services' live state, and cannot be ticked by hand. */
  g_assert_false (tw_guard_dialog_get_check_sensitive (dialog, TW_GUARD_CHECK_HEALTH_GREEN));
  g_assert_false (tw_guard_dialog_get_check_sensitive (dialog, TW_GUARD_CHECK_BROKER_CONNECTED));
  g_assert_false (tw_guard_dialog_set_checked (dialog, TW_GUARD_CHECK_HEALTH_GREEN, FALSE));
  g_assert_true (tw_guard_request_get_checked (request, TW_GUARD_CHECK_HEALTH_GREEN));
  g_assert_true (tw_guard_request_get_checked (request, TW_GUARD_CHECK_BROKER_CONNECTED));
  g_assert_cmpstr (tw_guard_dialog_get_check_note (dialog, TW_GUARD_CHECK_HEALTH_GREEN), ==,
                   "Automatic — all 5 services are OK");

  /* Confirm stays off until a reason of 10+ characters and the manual items. */
  g_assert_false (tw_guard_dialog_get_can_confirm (dialog));
  tw_guard_dialog_set_reason (dialog, "fixed");
  g_assert_false (tw_guard_dialog_get_can_confirm (dialog));
  tw_guard_dialog_set_reason (dialog, "Losing streak reviewed with the desk");
  g_assert_false (tw_guard_dialog_get_can_confirm (dialog));
  g_assert_nonnull (strstr (tw_guard_dialog_get_problem (dialog), "Root cause identified"));
  g_assert_true (tw_guard_dialog_set_checked (dialog, TW_GUARD_CHECK_ROOT_CAUSE, TRUE));
  g_assert_false (tw_guard_dialog_get_can_confirm (dialog));
  app_save_png_light_dark (GTK_WIDGET (dialog), "guard-away-incomplete");
  g_assert_true (tw_guard_dialog_set_checked (dialog, TW_GUARD_CHECK_TRADES_REVIEWED, TRUE));
  g_assert_true (tw_guard_dialog_get_can_confirm (dialog));
  tw_test_ui_assert_icon_buttons_labelled (GTK_WIDGET (dialog));
  app_save_png_light_dark (GTK_WIDGET (dialog), "guard-away");

  /* A service goes down: health is no longer green, Confirm goes off again, and says why. */
  tw_test_sim_fault (f.sim, "autotrader", "{\"kind\":\"status\",\"status\":503}");
  g_assert_true (tw_test_ui_wait_for (health_unmet, dialog, 10000));
  g_assert_false (tw_guard_dialog_get_can_confirm (dialog));
  g_assert_nonnull (strstr (tw_guard_dialog_get_check_note (dialog, TW_GUARD_CHECK_HEALTH_GREEN), "Autotrader"));
  app_save_png (GTK_WIDGET (dialog), "guard-away-health-red-light.png");

  /* Even a programmatic Confirm does not get past the guard; Cancel sends nothing. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
  g_assert_true (tw_test_ui_wait_for (is_set, &result, 1000));
  g_assert_false (tw_guard_confirm_finish (result, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_CANCELLED);
  tw_test_run_for (3 * INTERVAL_MS);
  g_assert_cmpuint (app_changing_requests (&f, NULL), ==, 0);

  tw_test_sim_clear_faults (f.sim);
  app_fixture_close (&f);
}

static void
test_destructive_live (void)
{
  AppFixture f = { 0, };
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TwGuardDialog *dialog;

  app_fixture_open (&f, app, TW_MODE_LIVE, INTERVAL_MS);
  request = tw_action_runner_new_request (tw_application_get_action_runner (app), "positions.close",
                                          "Alpaca (paper) / AAPL");
  dialog = TW_GUARD_DIALOG (tw_guard_confirm_async (GTK_WINDOW (f.window), request,
                                                    tw_application_get_workspace (app), "alpaca",
                                                    NULL, store_result_cb, &result));
  g_assert_nonnull (dialog);
  g_assert_true (tw_guard_dialog_has_reason_entry (dialog));
  g_assert_true (tw_guard_dialog_has_typed_entry (dialog));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ADW_MESSAGE_DIALOG (dialog), "confirm"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "LIVE"));

  tw_guard_dialog_set_reason (dialog, "Position breaches the desk limit");
  g_assert_false (tw_guard_dialog_get_can_confirm (dialog));
  tw_guard_dialog_set_typed_name (dialog, "dem");
  g_assert_false (tw_guard_dialog_get_can_confirm (dialog));
  app_save_png_light_dark (GTK_WIDGET (dialog), "guard-destructive-live");
  tw_guard_dialog_set_typed_name (dialog, "demo");
  g_assert_true (tw_guard_dialog_get_can_confirm (dialog));

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
  g_assert_true (tw_test_ui_wait_for (is_set, &result, 1000));
  g_assert_true (tw_guard_confirm_finish (result, &error));
  g_assert_no_error (error);
  app_fixture_close (&f);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  app = app_fixture_init (&argc, &argv);
  g_test_add_func ("/tw/ui/guard-dialog/toward-safety", test_toward_safety);
  g_test_add_func ("/tw/ui/guard-dialog/away", test_away);
  g_test_add_func ("/tw/ui/guard-dialog/destructive-live", test_destructive_live);
  status = g_test_run ();
  tw_application_close_profile (app);
  g_clear_object (&app);
  return status;
}
