/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-breakers-page-private.h"
#include "tw-guard-dialog.h"
#include "tw-guard-dialog-private.h"
#include "tw-risk-parameters-dialog.h"
#include "tw-risk-parameters-dialog-private.h"
#include "tw-test-app.h"
#include "tw-trading-state-group-private.h"

#define INTERVAL_MS 400

static TwApplication *app;

typedef struct
{
  TwTradingStateGroup *group;
  const char          *key;
  const char          *text;
} TextWait;

static gboolean
param_text_is (gpointer user_data)
{
  TextWait *wait = user_data;

  return g_strcmp0 (tw_trading_state_group_get_risk_parameter_text (wait->group, wait->key), wait->text) == 0;
}

static gboolean
not_busy (gpointer user_data)
{
  return !tw_risk_parameters_dialog_get_busy (user_data);
}

static gboolean
is_null (gpointer user_data)
{
  return *(gpointer *) user_data == NULL;
}

static gboolean
guard_can_confirm (gpointer user_data)
{
  return tw_guard_dialog_get_can_confirm (user_data);
}

static double
sim_value (AppFixture *f,
           const char *key)
{
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;

  node = tw_test_sim_request_full (f->sim, "investiq", "GET", "/api/risk/parameters", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  return json_object_get_double_member (json_node_get_object (node), key);
}

/* Opens the guard dialog from Save… and fills what it asks for. */
static TwGuardDialog *
save_and_fill_guard (TwRiskParametersDialog *dialog)
{
  TwGuardDialog *guard;
  GPtrArray *checklist;

  g_assert_true (tw_risk_parameters_dialog_get_can_save (dialog));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "risk-parameters.save", NULL);
  guard = (TwGuardDialog *) tw_risk_parameters_dialog_get_guard_dialog (dialog);
  g_assert_nonnull (guard);
  g_assert_true (TW_IS_GUARD_DIALOG (guard));
  g_assert_true (tw_risk_parameters_dialog_get_busy (dialog));
  g_assert_false (tw_risk_parameters_dialog_get_can_save (dialog));
  g_assert_true (tw_guard_dialog_has_reason_entry (guard));
  g_assert_false (tw_guard_dialog_get_can_confirm (guard));

  tw_guard_dialog_set_reason (guard, "Desk asked for a tighter daily loss limit");
  checklist = tw_guard_request_get_checklist (tw_guard_dialog_get_request (guard));
  for (guint i = 0; i < checklist->len; i++)
    if (!tw_guard_check_is_automatic (g_ptr_array_index (checklist, i)))
      g_assert_true (tw_guard_dialog_set_checked (guard, g_ptr_array_index (checklist, i), TRUE));
  g_assert_true (tw_test_ui_wait_for (guard_can_confirm, guard, 10000));
  return guard;
}

static void
test_dialog (void)
{
  AppFixture f = { 0, };
  TwBreakersPage *page;
  TwTradingStateGroup *investiq;
  TwTradingStateGroup *ibkr;
  TwRiskParametersDialog *dialog;
  GtkWidget *dialog_widget;
  TwGuardDialog *guard;
  TextWait wait;
  g_autofree char *previous_error = NULL;
  guint before;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  page = tw_application_get_breakers_page (app);
  g_assert_true (tw_window_show_page (f.window, "breakers"));
  g_assert_true (app_wait_states_known (&f, 10000));

  /* The InvestIQ group lists its five parameters, read-only; others have none. */
  investiq = tw_breakers_page_get_group (page, "investiq");
  g_assert_nonnull (investiq);
  g_assert_nonnull (tw_trading_state_group_get_risk_parameters (investiq));
  wait = (TextWait) { investiq, "daily_loss_limit_percent", "5 %" };
  g_assert_true (tw_test_ui_wait_for (param_text_is, &wait, 10000));
  g_assert_cmpstr (tw_trading_state_group_get_risk_parameter_text (investiq, "max_consecutive_losses"), ==, "3");
  g_assert_cmpstr (tw_trading_state_group_get_risk_parameter_text (investiq, "max_position_size"), ==, "0.1");
  g_assert_cmpstr (tw_trading_state_group_get_risk_parameter_text (investiq, "stop_loss_percent"), ==, "2 %");
  g_assert_cmpstr (tw_trading_state_group_get_risk_parameters_subtitle (investiq), ==,
                   "As the service enforces them; changes are guarded and audited");
  ibkr = tw_breakers_page_get_group (page, "ibkr-assistant");
  g_assert_nonnull (ibkr);
  g_assert_null (tw_trading_state_group_get_risk_parameters (ibkr));
  g_assert_null (tw_trading_state_group_get_risk_parameters_subtitle (ibkr));
  /* The Breakers page with the new row (collapsed, as it opens). */
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1100, 1300);
  g_free (app_save_png (GTK_WIDGET (f.window), "breakers-risk-parameters-light.png"));
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1100, 740);

  /* Edit… opens the dialog: nothing changed, nothing to save. */
  before = app_changing_requests (&f, "investiq");
  gtk_widget_activate_action (GTK_WIDGET (investiq), "risk-parameters.edit", NULL);
  dialog_widget = tw_trading_state_group_get_risk_parameters_dialog (investiq);
  g_assert_nonnull (dialog_widget);
  dialog = TW_RISK_PARAMETERS_DIALOG (dialog_widget);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (f.window));
  g_assert_false (tw_risk_parameters_dialog_get_can_save (dialog));
  g_assert_cmpstr (tw_risk_parameters_dialog_get_row_subtitle (dialog, "daily_loss_limit_percent"), ==, "Now 5 %");
  g_assert_false (tw_risk_parameters_dialog_set_value (dialog, "no_such_key", 1));

  /* Typed values show current → new. */
  g_assert_true (tw_risk_parameters_dialog_set_value (dialog, "daily_loss_limit_percent", 4.5));
  g_assert_true (tw_risk_parameters_dialog_set_value (dialog, "max_consecutive_losses", 4));
  g_assert_cmpstr (tw_risk_parameters_dialog_get_row_subtitle (dialog, "daily_loss_limit_percent"), ==, "5 % → 4.5 %");
  g_assert_cmpstr (tw_risk_parameters_dialog_get_row_subtitle (dialog, "max_consecutive_losses"), ==, "3 → 4");
  g_assert_cmpstr (tw_risk_parameters_dialog_get_row_subtitle (dialog, "stop_loss_percent"), ==, "Now 2 %");
  g_assert_true (tw_risk_parameters_dialog_get_can_save (dialog));
  g_assert_cmpuint (tw_test_ui_assert_icon_buttons_labelled (GTK_WIDGET (dialog)), >, 0);
  app_save_png_light_dark (GTK_WIDGET (dialog), "risk-parameters-dialog");

  /* Cancel in the guard: nothing is sent, the typed values stay. */
  guard = save_and_fill_guard (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (guard), "cancel");
  g_assert_true (tw_test_ui_wait_for (not_busy, dialog, 5000));
  /* Two answers of InvestIQ's next polls: a change sent on the response would have gone
   * out before them. */
  g_assert_true (app_wait_answers (&f, "investiq", 2, 5000));
  g_assert_cmpuint (app_changing_requests (&f, "investiq"), ==, before);
  g_assert_nonnull (tw_risk_parameters_dialog_get_error (dialog));
  g_assert_nonnull (strstr (tw_risk_parameters_dialog_get_error (dialog), "nothing was sent"));
  g_assert_cmpstr (tw_risk_parameters_dialog_get_row_subtitle (dialog, "daily_loss_limit_percent"), ==, "5 % → 4.5 %");
  g_assert_cmpfloat (sim_value (&f, "daily_loss_limit_percent"), ==, 5.0);

  /* Out of range: the service's 400 is shown in the dialog, which stays open. */
  g_assert_true (tw_risk_parameters_dialog_set_value (dialog, "daily_loss_limit_percent", 150));
  guard = save_and_fill_guard (dialog);
  g_free (previous_error);
  previous_error = g_strdup (tw_risk_parameters_dialog_get_error (dialog));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (guard), "confirm");
  /* The save runs after the guard's answer: done once its own error is shown. */
  tw_test_wait_until (!tw_risk_parameters_dialog_get_busy (dialog)
                      && g_strcmp0 (tw_risk_parameters_dialog_get_error (dialog), previous_error) != 0, 10000);
  g_assert_nonnull (tw_risk_parameters_dialog_get_error (dialog));
  g_test_message ("%s", tw_risk_parameters_dialog_get_error (dialog));
  g_assert_nonnull (strstr (tw_risk_parameters_dialog_get_error (dialog),
                            "daily_loss_limit_percent must be between 0 and 100"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_cmpuint (app_changing_requests (&f, "investiq"), ==, before + 1);
  g_assert_cmpfloat (sim_value (&f, "daily_loss_limit_percent"), ==, 5.0);
  g_free (app_save_png (GTK_WIDGET (dialog), "risk-parameters-dialog-refused-light.png"));

  /* A valid change goes through end to end: the service, the group, the dialog closed. */
  g_assert_true (tw_risk_parameters_dialog_set_value (dialog, "daily_loss_limit_percent", 4.5));
  guard = save_and_fill_guard (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (guard), "confirm");
  dialog_widget = GTK_WIDGET (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog_widget), (gpointer *) &dialog_widget);
  g_assert_true (tw_test_ui_wait_for (is_null, &dialog_widget, 10000));
  g_assert_null (tw_trading_state_group_get_risk_parameters_dialog (investiq));
  g_assert_cmpuint (app_changing_requests (&f, "investiq"), ==, before + 2);
  g_assert_cmpfloat (sim_value (&f, "daily_loss_limit_percent"), ==, 4.5);
  g_assert_cmpfloat (sim_value (&f, "max_consecutive_losses"), ==, 4);
  g_assert_cmpfloat (sim_value (&f, "account_drawdown_limit_percent"), ==, 10);
  wait = (TextWait) { investiq, "daily_loss_limit_percent", "4.5 %" };
  g_assert_true (tw_test_ui_wait_for (param_text_is, &wait, 5000));
  g_assert_cmpstr (tw_trading_state_group_get_risk_parameter_text (investiq, "max_consecutive_losses"), ==, "4");

  /* Audited: requested + failed (the 400), requested + ok. */
  {
    TwAuditLog *audit = tw_action_runner_get_audit_log (tw_application_get_action_runner (app));
    TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
    g_autoptr(GListModel) rows = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(TwAuditRecord) newest = NULL;
    g_autoptr(TwAuditRecord) failed = NULL;

    filter.action = "risk.parameters.set";
    rows = tw_audit_log_query (audit, &filter, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 4);
    newest = g_list_model_get_item (rows, 0);
    failed = g_list_model_get_item (rows, 2);
    g_assert_cmpint (tw_audit_record_get_outcome (newest), ==, TW_AUDIT_OUTCOME_OK);
    g_assert_cmpint (tw_audit_record_get_outcome (failed), ==, TW_AUDIT_OUTCOME_FAILED);
    g_assert_cmpuint (tw_audit_record_get_http_status (failed), ==, 400);
    g_assert_cmpstr (tw_audit_record_get_reason (newest), ==, "Desk asked for a tighter daily loss limit");
  }

  app_fixture_close (&f);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  app = app_fixture_init (&argc, &argv);
  g_test_add_func ("/tw/ui/risk-parameters/dialog", test_dialog);
  status = g_test_run ();
  tw_application_close_profile (app);
  g_clear_object (&app);
  return status;
}
