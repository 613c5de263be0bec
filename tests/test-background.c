/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-breakers-page-private.h"
#include "tw-test-app.h"
#include "tw-test-recorder.h"

/* The application as it really runs: g_application_run, the window closed by the operator.
 * Each test runs in a subprocess of its own, since an application runs once. */

#define INTERVAL_MS 400
/* Long enough for a quitting application to have quit. */
#define SETTLE_MS 2500

static TwApplication *app;

typedef struct
{
  AppFixture  f;
  gboolean    background;
  const char *answer;       /* not NULL: the setting never written, the first close asks */
  GSourceFunc step2;
  gboolean    step2_ran;
  gboolean    step2_done;
} Run;

static gboolean
no_windows (gpointer user_data)
{
  return gtk_application_get_windows (GTK_APPLICATION (app)) == NULL;
}

static gboolean
step2_cb (gpointer user_data)
{
  Run *run = user_data;

  run->step2_ran = TRUE;
  if (run->step2 != NULL)
    run->step2 (run);
  run->step2_done = TRUE;
  /* Whatever happened: end the run. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static AdwMessageDialog *
close_question (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  /* Not the application's: a toplevel of its own. */
  {
    g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

        if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
          return ADW_MESSAGE_DIALOG (window);
      }
  }
  return NULL;
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
}

static gboolean
has_close_question (gpointer user_data)
{
  return close_question () != NULL;
}

static gboolean
no_close_question (gpointer user_data)
{
  return close_question () == NULL;
}

/* The first step: a profile, its window on screen, the setting, the window closed. */
static gboolean
step1_cb (gpointer user_data)
{
  Run *run = user_data;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  if (run->answer == NULL)
    g_settings_set_boolean (settings, "run-in-background", run->background);
  else
    g_settings_reset (settings, "run-in-background");
  app_fixture_open (&run->f, app, TW_MODE_PAPER, INTERVAL_MS);
  g_assert_true (app_wait_states_known (&run->f, 15000));
  tw_test_recorder_clear ();

  /* As the operator does: the window's close button. */
  gtk_window_close (GTK_WINDOW (run->f.window));
  if (run->answer != NULL)
    {
      AdwMessageDialog *dialog;

      /* The first time: a question, the window still there. */
      g_assert_true (tw_test_ui_wait_for (has_close_question, NULL, 5000));
      dialog = close_question ();
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (run->f.window)));
      g_assert_true (adw_message_dialog_has_response (dialog, "quit"));
      g_assert_true (adw_message_dialog_has_response (dialog, "background"));
      g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "To quit then"));
      app_save_png_light_dark (GTK_WIDGET (dialog), "close-question");
      /* Cancel: nothing remembered, the window stays. */
      answer (dialog, "cancel");
      g_assert_true (tw_test_ui_wait_for (no_close_question, NULL, 5000));
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (run->f.window)));
      g_assert_null (g_settings_get_user_value (settings, "run-in-background"));
      /* Again, and answered. */
      gtk_window_close (GTK_WINDOW (run->f.window));
      g_assert_true (tw_test_ui_wait_for (has_close_question, NULL, 5000));
      answer (close_question (), run->answer);
    }
  run->f.window = NULL;
  g_assert_true (tw_test_ui_wait_for (no_windows, NULL, 5000));
  g_assert_cmpint (tw_application_get_held (app), ==, run->background);
  if (run->answer != NULL)
    {
      g_autoptr(GVariant) remembered = g_settings_get_user_value (settings, "run-in-background");

      /* The answer is remembered: the next close asks nothing. */
      g_assert_nonnull (remembered);
      g_assert_cmpint (g_variant_get_boolean (remembered), ==, run->background);
    }

  g_timeout_add (SETTLE_MS, step2_cb, run);
  return G_SOURCE_REMOVE;
}

static gboolean
activate_cb (gpointer user_data)
{
  g_idle_add (step1_cb, user_data);
  return FALSE;
}

static int
run_app (Run *run)
{
  char *argv[] = { (char *) g_get_prgname (), NULL };
  int status;

  g_signal_connect_swapped (app, "activate", G_CALLBACK (activate_cb), run);
  status = g_application_run (G_APPLICATION (app), 1, argv);
  app_fixture_close (&run->f);
  return status;
}

/* Setting off: closing the window quits the application, pollers and all. */
static void
test_off_quits (void)
{
  Run run = { .background = FALSE };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  g_assert_cmpint (run_app (&run), ==, 0);
  /* g_application_run returned by itself, before the second step was due. */
  g_assert_false (run.step2_ran);
  g_assert_null (tw_application_get_workspace (app));
}

/* The setting never written: the first close asks. Answered "Quit": the application
 * quits, and remembers it. */
static void
test_first_close_quit (void)
{
  Run run = { .background = FALSE, .answer = "quit" };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  g_assert_cmpint (run_app (&run), ==, 0);
  g_assert_false (run.step2_ran);
  g_assert_null (tw_application_get_workspace (app));
}

/* Answered "Keep Watching": the application stays, held, polling. */
static void
test_first_close_background (void)
{
  Run run = { .background = TRUE, .answer = "background" };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  g_assert_cmpint (run_app (&run), ==, 0);
  g_assert_true (run.step2_ran);
}

static TwWindow *
shown_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (TW_IS_WINDOW (l->data) && gtk_widget_get_mapped (l->data))
      return l->data;
  return NULL;
}

static gboolean
window_on_page (gpointer user_data)
{
  TwWindow *window = shown_window ();

  return window != NULL && g_strcmp0 (tw_window_get_visible_page (window), user_data) == 0;
}

/* Setting on, window closed: a breaker trip still raises its notification, and its Open
 * button brings the window back on the Breakers page. */
static gboolean
open_step (gpointer user_data)
{
  Run *run = user_data;
  g_autoptr(JsonObject) trip = NULL;

  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_assert_nonnull (tw_application_get_workspace (app));

  app_scenario (&run->f, "{\"name\":\"losing-streak\"}");
  trip = tw_test_recorder_wait (NULL, 2, 15000);
  g_assert_nonnull (trip);
  g_test_message ("with the window closed: %s — %s", json_object_get_string_member (trip, "summary"),
                  json_object_get_string_member (trip, "body"));
  g_assert_true (tw_test_recorder_has_action (trip, "open"));
  g_assert_true (tw_test_recorder_has_action (trip, "halt"));
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));

  tw_test_recorder_invoke (trip, "open");
  g_assert_true (tw_test_ui_wait_for (window_on_page, (gpointer) "breakers", 10000));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (shown_window ()), 5000));
  /* A window again: no longer held for the background. */
  g_assert_false (tw_application_get_held (app));
  g_assert_true (tw_window_get_workspace (shown_window ()) == tw_application_get_workspace (app));
  return G_SOURCE_REMOVE;
}

static void
test_on_alerts_and_open (void)
{
  Run run = { .background = TRUE, .step2 = open_step };

  if (!tw_test_recorder_available ())
    {
      /* In the test session (build-aux/run test) it is there: missing, it is a failure. */
      g_assert_null (g_getenv ("TW_TEST_SESSION"));
      g_test_skip ("needs the notification recorder of tests/session.sh");
      return;
    }
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  g_assert_cmpint (run_app (&run), ==, 0);
  g_assert_true (run.step2_done);
}

/* Setting on, window closed, a service refuses to halt: Halt trading on the trip's
 * notification answers with a notification (no window, no dialog), critical and naming
 * the service and why; its own Halt trading tries again, and the success says so. */
static gboolean
halt_step (gpointer user_data)
{
  Run *run = user_data;
  g_autoptr(JsonObject) trip = NULL;
  g_autoptr(JsonObject) failed = NULL;
  g_autoptr(JsonObject) halted = NULL;
  const char *body;

  tw_test_sim_fault (run->f.sim, "ai-trading",
                     "{\"path\":\"/api/trading/disable\",\"kind\":\"status\",\"status\":500}");
  app_scenario (&run->f, "{\"name\":\"losing-streak\"}");
  trip = tw_test_recorder_wait (NULL, 2, 15000);
  g_assert_nonnull (trip);
  tw_test_recorder_invoke (trip, "halt");

  failed = tw_test_recorder_wait ("Did Not Halt", 2, 20000);
  g_assert_nonnull (failed);
  body = json_object_get_string_member (failed, "body");
  g_test_message ("failed halt: %s — %s", json_object_get_string_member (failed, "summary"), body);
  g_assert_cmpstr (json_object_get_string_member (failed, "summary"), ==, "1 Service Did Not Halt");
  g_assert_nonnull (strstr (body, "AI trading: NOT HALTED"));
  g_assert_nonnull (strstr (body, "500"));
  /* Failures first, then the services that did halt. */
  /* InvestIQ's breaker had halted it already: said so, not claimed as this halt's. */
  g_assert_nonnull (strstr (body, "InvestIQ: "));
  g_assert_true (strstr (body, "AI trading") < strstr (body, "InvestIQ: "));
  g_assert_nonnull (strstr (body, "Alpaca (paper): halted"));
  /* Every service named: Autotrader cannot be halted from here. */
  g_assert_nonnull (strstr (body, "Autotrader: cannot be halted here"));
  g_assert_cmpstr (json_object_get_string_member (failed, "desktop-entry"), ==, APP_ID);
  g_assert_true (tw_test_recorder_has_action (failed, "halt"));
  g_assert_true (tw_test_recorder_has_action (failed, "open"));
  /* Nothing was built for a window nobody sees. */
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_assert_null (tw_application_get_halt_dialog (app));
  g_assert_true (app_wait_halted (&run->f, "investiq", TRUE, 10000));
  g_assert_true (app_wait_halted (&run->f, "ai-trading", FALSE, 10000));

  /* The window, opened afterwards, says so on its Breakers page. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "show-page", g_variant_new_string ("breakers"));
  g_assert_true (tw_test_ui_wait_for (window_on_page, (gpointer) "breakers", 10000));
  {
    const char *failure = tw_breakers_page_get_halt_failure (tw_application_get_breakers_page (app));

    g_assert_nonnull (failure);
    g_assert_nonnull (strstr (failure, "AI trading"));
  }
  gtk_window_close (GTK_WINDOW (shown_window ()));
  g_assert_true (tw_test_ui_wait_for (no_windows, NULL, 5000));

  /* The service answers again: Halt trading on the failure notification. */
  tw_test_sim_clear_faults (run->f.sim);
  tw_test_recorder_invoke (failed, "halt");
  halted = tw_test_recorder_wait ("Halted 4 of 5 services · 1 cannot be halted here", 1, 20000);
  g_assert_nonnull (halted);
  body = json_object_get_string_member (halted, "body");
  g_test_message ("halt again: %s — %s", json_object_get_string_member (halted, "summary"), body);
  g_assert_nonnull (strstr (body, "AI trading: halted"));
  g_assert_null (strstr (body, "NOT HALTED"));
  g_assert_true (app_wait_halted (&run->f, "ai-trading", TRUE, 10000));
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  return G_SOURCE_REMOVE;
}

static void
test_halt_results_notified (void)
{
  Run run = { .background = TRUE, .step2 = halt_step };

  if (!tw_test_recorder_available ())
    {
      /* In the test session (build-aux/run test) it is there: missing, it is a failure. */
      g_assert_null (g_getenv ("TW_TEST_SESSION"));
      g_test_skip ("needs the notification recorder of tests/session.sh");
      return;
    }
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 150 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  g_assert_cmpint (run_app (&run), ==, 0);
  g_assert_true (run.step2_done);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  app = app_fixture_init (&argc, &argv);
  g_test_add_func ("/tw/app/background/off-closing-quits", test_off_quits);
  g_test_add_func ("/tw/app/background/first-close-asks-quit", test_first_close_quit);
  g_test_add_func ("/tw/app/background/first-close-asks-background", test_first_close_background);
  g_test_add_func ("/tw/app/background/on-alerts-then-open", test_on_alerts_and_open);
  g_test_add_func ("/tw/app/background/halt-results-notified", test_halt_results_notified);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
