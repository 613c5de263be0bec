/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-breakers-page-private.h"
#include "tw-error.h"
#include "tw-guard-dialog.h"
#include "tw-guard-dialog-private.h"
#include "tw-guard-live.h"
#include "tw-orders-page-private.h"
#include "tw-profile.h"
#include "tw-test-timing.h"
#include "tw-trading-test.h"

#define INTERVAL_MS 400

/* The services are polled every 400 ms and go stale after three intervals without an
 * answer (1.2 s), which unticks the guard's automatic "All services healthy". A
 * sanitizer build stalls the main loop longer than that (a light and a dark screenshot
 * restyle the whole window): it polls TW_TEST_TIMEOUT_SCALE times slower, so that only
 * a service that stops answering goes stale there. */
static guint
interval_ms (void)
{
  return tw_test_scale_timeout (INTERVAL_MS);
}

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

/* Every service OK and answering lately (not stale): what the guard's automatic
 * "All services healthy" item checks. */
static gboolean
all_services_ok (gpointer user_data)
{
  return tw_guard_live_health_green (tw_application_get_workspace (app), NULL);
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

  app_fixture_open (&f, app, TW_MODE_LIVE, interval_ms ());
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

  app_fixture_open (&f, app, TW_MODE_PAPER, interval_ms ());
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

  /* Cancel sends nothing: a person dismissed it, which is not a program's cancellation. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_assert_true (tw_test_ui_wait_for (is_set, &result, 1000));
  g_assert_false (tw_guard_confirm_finish (result, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_DISMISSED);
  g_assert_cmpuint (app_changing_requests (&f, NULL), ==, 0);

  app_fixture_close (&f);
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
laid_out (gpointer user_data)
{
  return gtk_widget_get_width (GTK_WIDGET (user_data)) > 0;
}

/* Nothing moves under the pointer: the Confirm button keeps its place (and the dialog its
 * size) when the "Still needed…" line empties as the form completes. */
static void
test_confirm_stays (void)
{
  AppFixture f = { 0, };
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TwGuardDialog *dialog;
  GtkWidget *confirm;
  graphene_rect_t before, after;
  int width, height;

  app_fixture_open (&f, app, TW_MODE_PAPER, interval_ms ());
  g_assert_true (tw_test_ui_wait_for (all_services_ok, NULL, 10000));

  request = tw_action_runner_new_request (tw_application_get_action_runner (app), "trading.resume", "InvestIQ");
  tw_guard_request_set_breaker_kind (request, "loss");
  dialog = TW_GUARD_DIALOG (tw_guard_confirm_async (GTK_WINDOW (f.window), request,
                                                    tw_application_get_workspace (app), "investiq",
                                                    NULL, store_result_cb, &result));
  confirm = find_button (GTK_WIDGET (dialog),
                         adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), "confirm"));
  g_assert_nonnull (confirm);
  g_assert_true (tw_test_ui_wait_for (laid_out, confirm, 5000));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (dialog), 5000));

  /* The operator fills the form, the pointer on its way to Confirm. */
  tw_guard_dialog_set_reason (dialog, "Losing streak reviewed with the desk");
  g_assert_true (tw_guard_dialog_set_checked (dialog, TW_GUARD_CHECK_ROOT_CAUSE, TRUE));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (dialog), 5000));
  g_assert_false (tw_guard_dialog_get_can_confirm (dialog));
  g_assert_true (gtk_widget_compute_bounds (confirm, GTK_WIDGET (dialog), &before));
  width = gtk_widget_get_width (GTK_WIDGET (dialog));
  height = gtk_widget_get_height (GTK_WIDGET (dialog));
  app_save_png_light_dark (GTK_WIDGET (dialog), "guard-confirm-before");

  g_assert_true (tw_guard_dialog_set_checked (dialog, TW_GUARD_CHECK_TRADES_REVIEWED, TRUE));
  g_assert_true (tw_guard_dialog_get_can_confirm (dialog));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (dialog), 5000));
  g_assert_true (gtk_widget_compute_bounds (confirm, GTK_WIDGET (dialog), &after));
  app_save_png_light_dark (GTK_WIDGET (dialog), "guard-confirm-after");
  g_test_message ("confirm at y %.0f → %.0f; dialog %d×%d → %d×%d", before.origin.y, after.origin.y,
                  width, height, gtk_widget_get_width (GTK_WIDGET (dialog)),
                  gtk_widget_get_height (GTK_WIDGET (dialog)));
  g_assert_cmpfloat (after.origin.x, ==, before.origin.x);
  g_assert_cmpfloat (after.origin.y, ==, before.origin.y);
  g_assert_cmpfloat (after.size.width, ==, before.size.width);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (dialog)), ==, width);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (dialog)), ==, height);

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_assert_true (tw_test_ui_wait_for (is_set, &result, 1000));
  g_assert_false (tw_guard_confirm_finish (result, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_DISMISSED);
  app_fixture_close (&f);
}

/* The caller's cancellable, not a person: the dialog closes and the answer is GIO's
 * cancellation, not TW_ERROR_DISMISSED; a dialog a person dismisses is never
 * G_IO_ERROR_CANCELLED. Already cancelled: no dialog at all. */
static void
test_cancellable (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(TwGuardRequest) request = tw_guard_request_new ("trading.resume", "investiq", "demo",
                                                            TW_MODE_PAPER);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;

  dialog = tw_guard_confirm_async (NULL, request, NULL, NULL, cancellable, store_result_cb, &result);
  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_true (tw_test_ui_wait_frame (dialog, 5000));
  g_cancellable_cancel (cancellable);
  g_assert_true (tw_test_ui_wait_for (is_set, &result, 1000));
  g_assert_false (tw_guard_confirm_finish (result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (dialog);
  g_clear_object (&result);
  g_clear_error (&error);

  dialog = tw_guard_confirm_async (NULL, request, NULL, NULL, cancellable, store_result_cb, &result);
  g_assert_null (dialog);
  g_assert_true (tw_test_ui_wait_for (is_set, &result, 1000));
  g_assert_false (tw_guard_confirm_finish (result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&result);
  g_clear_error (&error);

  /* Dismissed by a person, the same cancellable live again: TW_ERROR_DISMISSED, and the
   * cancellable no longer reaches the finished request. */
  g_cancellable_reset (cancellable);
  dialog = tw_guard_confirm_async (NULL, request, NULL, NULL, cancellable, store_result_cb, &result);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_assert_true (tw_test_ui_wait_for (is_set, &result, 1000));
  g_assert_false (tw_guard_confirm_finish (result, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_DISMISSED);
  g_cancellable_cancel (cancellable);
}

/* What the Breakers page reports when an action ends. */
static void
page_finished_cb (TwBreakersPage *page,
                  const char     *service_id,
                  const char     *operation,
                  gboolean        ok,
                  const char     *message,
                  char          **out)
{
  g_free (*out);
  *out = g_strdup_printf ("%s %s %s %s", service_id, operation, ok ? "ok" : "failed", message);
}

typedef struct
{
  TwBreakersPage *page;
  const char     *text;
} ResultWait;

static gboolean
page_result_has (gpointer user_data)
{
  ResultWait *wait = user_data;
  const char *result = tw_breakers_page_get_last_result (wait->page);

  return result != NULL && strstr (result, wait->text) != NULL;
}

static gboolean
breaker_open (gpointer user_data)
{
  TwTradingState *state = tw_risk_monitor_lookup (tw_application_get_risk_monitor (app), "autotrader");
  TwBreaker *breaker = state != NULL ? tw_trading_state_lookup_breaker (state, user_data) : NULL;

  tw_risk_monitor_refresh (tw_application_get_risk_monitor (app));
  return breaker != NULL && tw_breaker_is_tripped (breaker);
}

static TwService *
app_service (const char *id)
{
  return tw_profile_lookup_service (tw_workspace_get_profile (tw_application_get_workspace (app)), id);
}

static gboolean
service_not_ok (gpointer user_data)
{
  return tw_service_get_state (user_data) != TW_SERVICE_STATE_OK;
}

/* Opens the page's guard dialog for @action on @service_id with @vars and fills the
 * operator's part (reason, manual items). */
static TwGuardDialog *
page_open_guard (TwBreakersPage *page,
                 const char     *action,
                 GVariant       *parameter)
{
  TwGuardDialog *dialog;
  GPtrArray *checklist;

  gtk_widget_activate_action_variant (GTK_WIDGET (page), action, parameter);
  dialog = TW_GUARD_DIALOG (tw_breakers_page_get_guard_dialog (page));
  g_assert_nonnull (dialog);
  tw_guard_dialog_set_reason (dialog, "Root cause found and fixed with the desk");
  checklist = tw_guard_request_get_checklist (tw_guard_dialog_get_request (dialog));
  for (guint i = 0; i < checklist->len; i++)
    {
      const char *id = g_ptr_array_index (checklist, i);

      if (!tw_guard_check_is_automatic (id))
        g_assert_true (tw_guard_dialog_set_checked (dialog, id, TRUE));
    }
  return dialog;
}

/* The real page actions, checked on the simulator's request log: with a service red
 * the Breakers page's resume and reset send nothing; with every requirement met they
 * are sent, once. */
static void
test_page_health_red (void)
{
  AppFixture f = { 0, };
  TwBreakersPage *page;
  TwGuardDialog *dialog;
  g_autofree char *finished = NULL;
  ResultWait wait;

  app_fixture_open (&f, app, TW_MODE_PAPER, interval_ms ());
  page = tw_application_get_breakers_page (app);
  g_assert_true (tw_window_show_page (f.window, "breakers"));
  g_assert_true (app_wait_states_known (&f, 10000));
  g_assert_true (tw_test_ui_wait_for (all_services_ok, NULL, 10000));
  g_signal_connect (page, "action-finished", G_CALLBACK (page_finished_cb), &finished);

  /* InvestIQ halted (one click), an Autotrader source OPEN. */
  gtk_widget_activate_action (GTK_WIDGET (page), "breakers.halt", "s", "investiq");
  g_assert_true (tw_test_ui_wait_for (is_set, &finished, 10000));
  g_assert_true (g_str_has_prefix (finished, "investiq trading.halt ok"));
  g_assert_true (app_wait_halted (&f, "investiq", TRUE, 10000));
  app_scenario (&f, "{\"name\":\"source-outage\",\"source\":\"coingecko_api\",\"recovery_timeout\":600}");
  g_assert_true (tw_test_ui_wait_for (breaker_open, (gpointer) "coingecko_api", 15000));
  g_clear_pointer (&finished, g_free);

  /* The IBKR assistant goes down: health is red. */
  tw_test_sim_fault (f.sim, "ibkr-assistant", "{\"kind\":\"status\",\"status\":503}");
  g_assert_true (tw_test_ui_wait_for (service_not_ok, app_service ("ibkr-assistant"), 10000));
  app_clear_requests (&f);

  /* Resume: the dialog says why Confirm is off; confirming anyway sends nothing. */
  dialog = page_open_guard (page, "breakers.resume", g_variant_new_string ("investiq"));
  g_assert_true (tw_test_ui_wait_for (health_unmet, dialog, 10000));
  g_assert_false (tw_guard_dialog_get_can_confirm (dialog));
  g_assert_nonnull (strstr (tw_guard_dialog_get_check_note (dialog, TW_GUARD_CHECK_HEALTH_GREEN),
                            "IBKR assistant"));
  g_free (app_save_png (GTK_WIDGET (dialog), "guard-away-health-red-light.png"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
  wait = (ResultWait) { page, "nothing was sent" };
  g_assert_true (tw_test_ui_wait_for (page_result_has, &wait, 5000));


  /* Back to green: the same operator input is sent, once each. */
  tw_test_sim_clear_faults (f.sim);
  g_assert_true (tw_test_ui_wait_for (all_services_ok, NULL, 10000));
  dialog = page_open_guard (page, "breakers.resume", g_variant_new_string ("investiq"));
  g_assert_true (tw_guard_dialog_get_can_confirm (dialog));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
  g_assert_true (tw_test_ui_wait_for (is_set, &finished, 10000));
  g_test_message ("%s", finished);
  g_assert_true (g_str_has_prefix (finished, "investiq trading.resume ok"));
  g_assert_cmpuint (app_changing_requests (&f, "investiq"), ==, 1);
  g_assert_true (app_wait_halted (&f, "investiq", FALSE, 10000));
  g_clear_pointer (&finished, g_free);

  g_signal_handlers_disconnect_by_func (page, page_finished_cb, &finished);
  app_fixture_close (&f);
}

/* 003's "Kill Switch Won't Deactivate": with KILL_SWITCH_ENABLED in the service's
 * environment the deactivate succeeds and the switch stays on. The page reads the state
 * back and says so, with the connector's why, instead of "deactivated". */
static void
test_page_kill_switch_stays_on (void)
{
  AppFixture f = { 0, };
  TwBreakersPage *page;
  TwGuardDialog *dialog;
  g_autofree char *finished = NULL;

  g_setenv ("KILL_SWITCH_ENABLED", "true", TRUE);
  app_fixture_open (&f, app, TW_MODE_PAPER, interval_ms ());
  page = tw_application_get_breakers_page (app);
  g_assert_true (tw_window_show_page (f.window, "breakers"));
  g_assert_true (app_wait_states_known (&f, 10000));
  g_assert_true (tw_test_ui_wait_for (all_services_ok, NULL, 10000));
  g_assert_true (app_wait_halted (&f, "ibkr-assistant", TRUE, 10000));
  g_signal_connect (page, "action-finished", G_CALLBACK (page_finished_cb), &finished);
  app_clear_requests (&f);

  dialog = page_open_guard (page, "breakers.kill-switch-deactivate", g_variant_new_string ("ibkr-assistant"));
  g_assert_true (tw_guard_dialog_get_can_confirm (dialog));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
  g_assert_true (tw_test_ui_wait_for (is_set, &finished, 10000));
  g_test_message ("%s", finished);
  g_assert_true (g_str_has_prefix (finished, "ibkr-assistant killswitch.deactivate failed"));
  g_assert_nonnull (strstr (finished, "accepted the deactivation, but its kill switch is still on"));
  g_assert_nonnull (strstr (finished, "KILL_SWITCH_ENABLED"));
  g_assert_nonnull (strstr (tw_breakers_page_get_last_result (page), "still on"));
  /* Sent once; the switch is on as the service says. */
  g_assert_cmpuint (app_changing_requests (&f, "ibkr-assistant"), ==, 1);
  g_assert_true (app_wait_halted (&f, "ibkr-assistant", TRUE, 1000));
  /* Said in a dialog, not a toast: the why is long and must not be missed. */
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    AdwMessageDialog *still_on = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && still_on == NULL; i++)
      {
        g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

        if (ADW_IS_MESSAGE_DIALOG (window) &&
            g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)), "Kill Switch Still On") == 0)
          still_on = ADW_MESSAGE_DIALOG (window);
      }
    g_assert_nonnull (still_on);
    g_assert_nonnull (strstr (adw_message_dialog_get_body (still_on), "unset KILL_SWITCH_ENABLED"));
    g_free (app_save_png (GTK_WIDGET (still_on), "breakers-kill-switch-still-on.png"));
    adw_message_dialog_response (still_on, "close");
  }

  g_signal_handlers_disconnect_by_func (page, page_finished_cb, &finished);
  app_fixture_close (&f);
  g_unsetenv ("KILL_SWITCH_ENABLED");
}

static gboolean
has_alpaca_order (gpointer user_data)
{
  GListModel *rows = tw_orders_page_get_model (user_data);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(TwOrder) order = g_list_model_get_item (rows, i);

      if (g_str_equal (tw_order_get_service_id (order), "alpaca"))
        return TRUE;
    }
  return FALSE;
}

static gboolean
orders_cancelled (gpointer user_data)
{
  return g_strcmp0 (tw_orders_page_get_last_result (user_data), "Cancelled, nothing was sent") == 0;
}

/* In a live profile a destructive page action (cancel an order) with a wrongly typed
 * profile name sends nothing; typed right, it is sent once. */
static void
test_destructive_live (void)
{
  AppFixture f = { 0, };
  TwOrdersPage *page;
  GListModel *rows;
  g_autoptr(TwOrder) order = NULL;
  g_autofree char *finished = NULL;
  TwGuardDialog *dialog;

  app_fixture_open (&f, app, TW_MODE_LIVE, interval_ms ());
  page = TW_ORDERS_PAGE (trading_find_widget (GTK_WIDGET (f.window), TW_TYPE_ORDERS_PAGE));
  g_assert_nonnull (page);
  g_assert_true (tw_window_show_page (f.window, "orders"));
  g_assert_true (tw_test_ui_wait_for (has_alpaca_order, page, 10000));
  rows = tw_orders_page_get_model (page);
  for (guint i = 0; i < g_list_model_get_n_items (rows) && order == NULL; i++)
    {
      g_autoptr(TwOrder) o = g_list_model_get_item (rows, i);

      if (g_str_equal (tw_order_get_service_id (o), "alpaca"))
        order = g_steal_pointer (&o);
    }
  app_clear_requests (&f);
  g_signal_connect (page, "action-finished", G_CALLBACK (trading_finished_cb), &finished);

  gtk_widget_activate_action (GTK_WIDGET (page), "orders.cancel", "s", tw_order_get_key (order));
  dialog = TW_GUARD_DIALOG (tw_orders_page_get_guard_dialog (page));
  g_assert_nonnull (dialog);
  g_assert_true (tw_guard_dialog_has_reason_entry (dialog));
  g_assert_true (tw_guard_dialog_has_typed_entry (dialog));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ADW_MESSAGE_DIALOG (dialog), "confirm"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "LIVE"));
  tw_guard_dialog_set_reason (dialog, "Stale limit order, market moved away");
  g_assert_false (tw_guard_dialog_get_can_confirm (dialog));
  tw_guard_dialog_set_typed_name (dialog, "dem");
  g_assert_false (tw_guard_dialog_get_can_confirm (dialog));
  app_save_png_light_dark (GTK_WIDGET (dialog), "guard-destructive-live");
  /* Confirmed anyway: nothing reaches the simulator. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
  g_assert_true (tw_test_ui_wait_for (orders_cancelled, page, 5000));
  /* Two answers of Alpaca's next polls: a cancel sent on the confirm would have gone out
   * before them. */
  g_assert_true (app_wait_answers (&f, "alpaca", 2, 5000));
  g_assert_cmpuint (app_changing_requests (&f, NULL), ==, 0);
  g_assert_null (finished);

  /* The name typed right: sent once. */
  gtk_widget_activate_action (GTK_WIDGET (page), "orders.cancel", "s", tw_order_get_key (order));
  dialog = TW_GUARD_DIALOG (tw_orders_page_get_guard_dialog (page));
  tw_guard_dialog_set_reason (dialog, "Stale limit order, market moved away");
  tw_guard_dialog_set_typed_name (dialog, "demo");
  g_assert_true (tw_guard_dialog_get_can_confirm (dialog));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "confirm");
  g_assert_true (tw_test_ui_wait_for (is_set, &finished, 10000));
  g_test_message ("%s", finished);
  g_assert_true (g_str_has_prefix (finished, "orders.cancel ok"));
  g_assert_cmpuint (app_changing_requests (&f, "alpaca"), ==, 1);
  g_assert_cmpuint (app_changing_requests (&f, NULL), ==, 1);

  g_signal_handlers_disconnect_by_func (page, trading_finished_cb, &finished);
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
  g_test_add_func ("/tw/ui/guard-dialog/confirm-stays", test_confirm_stays);
  g_test_add_func ("/tw/ui/guard-dialog/cancellable", test_cancellable);
  g_test_add_func ("/tw/ui/guard-dialog/page-health-red", test_page_health_red);
  g_test_add_func ("/tw/ui/guard-dialog/page-kill-switch-stays-on", test_page_kill_switch_stays_on);
  g_test_add_func ("/tw/ui/guard-dialog/destructive-live", test_destructive_live);
  status = g_test_run ();
  tw_application_close_profile (app);
  g_clear_object (&app);
  return status;
}
