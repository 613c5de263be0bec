/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-connector-registry.h"
#include "tw-alert-private.h"
#include "tw-test-app.h"

#define INTERVAL_MS 400

static TwApplication *app;

/* The test session's notification recorder (tests/notification-recorder.py). */

static GVariant *
recorder_call (const char *method,
               GVariant   *parameters)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  g_assert_nonnull (bus);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.Notifications",
                                       "/io/github/tradewarden/Test/Recorder",
                                       "io.github.tradewarden.Test.Recorder", method, parameters,
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
  return reply;
}

/* The Notify calls recorded, as a JSON array. */
static JsonArray *
recorded (void)
{
  g_autoptr(GVariant) reply = recorder_call ("GetNotifications", NULL);
  g_autoptr(JsonNode) node = NULL;
  const char *json;

  g_variant_get (reply, "(&s)", &json);
  node = json_from_string (json, NULL);
  g_assert_nonnull (node);
  return json_array_ref (json_node_get_array (node));
}

static guint
count_matching (const char *title_part,
                int         urgency)
{
  g_autoptr(JsonArray) calls = recorded ();
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (calls); i++)
    {
      JsonObject *call = json_array_get_object_element (calls, i);

      if (title_part != NULL && strstr (json_object_get_string_member (call, "summary"), title_part) == NULL)
        continue;
      if (urgency >= 0 && json_object_get_int_member (call, "urgency") != urgency)
        continue;
      n++;
    }
  return n;
}

typedef struct
{
  const char *title_part;
  int         urgency;
  guint       n;
} NotifyWait;

static gboolean
has_notifications (gpointer user_data)
{
  NotifyWait *wait = user_data;

  return count_matching (wait->title_part, wait->urgency) >= wait->n;
}

static JsonObject *
find_notification (const char *title_part)
{
  g_autoptr(JsonArray) calls = recorded ();

  for (guint i = 0; i < json_array_get_length (calls); i++)
    {
      JsonObject *call = json_array_get_object_element (calls, i);

      if (strstr (json_object_get_string_member (call, "summary"), title_part) != NULL)
        return json_object_ref (call);
    }
  return NULL;
}

static gboolean
has_action (JsonObject *call,
            const char *key)
{
  JsonArray *actions = json_object_get_array_member (call, "actions");

  for (guint i = 0; i + 1 < json_array_get_length (actions); i += 2)
    if (g_strcmp0 (json_array_get_string_element (actions, i), key) == 0)
      return TRUE;
  return FALSE;
}

static void
halt_finished_cb (TwApplication  *application,
                  GPtrArray      *results,
                  GPtrArray     **out)
{
  *out = g_ptr_array_ref (results);
}

static gboolean
is_set (gpointer user_data)
{
  return *(gpointer *) user_data != NULL;
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
resume_investiq (AppFixture *f)
{
  TwActionRunner *runner = tw_application_get_action_runner (app);
  g_autoptr(TwGuardRequest) request = tw_action_runner_new_request (runner, "trading.resume", "InvestIQ");
  GPtrArray *checklist;
  g_autoptr(GAsyncResult) result = NULL;

  tw_guard_request_set_reason (request, "Losing streak reviewed with the desk");
  tw_guard_request_set_breaker_kind (request, "loss");
  checklist = tw_guard_request_get_checklist (request);
  for (guint i = 0; i < checklist->len; i++)
    tw_guard_request_set_checked (request, g_ptr_array_index (checklist, i), TRUE);

  tw_action_runner_run_async (runner, request, "investiq", "trading.resume", NULL, NULL,
                              store_result_cb, &result);
  g_assert_true (tw_test_ui_wait_for (is_set, &result, 10000));
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = tw_action_runner_run_finish (runner, result, NULL, &error);

    g_assert_no_error (error);
  }
  g_assert_true (app_wait_halted (f, "investiq", FALSE, 10000));
}

static double
daily_loss_fraction (AppFixture *f)
{
  TwTradingState *state = tw_risk_monitor_lookup (tw_application_get_risk_monitor (f->app), "investiq");
  TwBreaker *breaker = state != NULL ? tw_trading_state_lookup_breaker (state, "daily_loss") : NULL;

  return breaker != NULL ? tw_breaker_get_fraction (breaker) : 1;
}

static void
test_losing_streak (void)
{
  AppFixture f = { 0, };
  g_autoptr(JsonObject) trip = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GVariant) reply = NULL;
  static const char * const halting[] = { "investiq", "ibkr-assistant", "ai-trading", "alpaca" };
  NotifyWait wait;
  guint n_suppressed;

  if (g_getenv ("TW_NOTIFY_LOG") == NULL)
    {
      g_test_skip ("needs the notification recorder of tests/session.sh");
      return;
    }

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  g_assert_true (app_wait_states_known (&f, 10000));
  g_clear_pointer (&reply, g_variant_unref);
  reply = recorder_call ("Clear", NULL);

  /* 1. The losing streak: exactly one critical notification, with Halt trading. */
  app_scenario (&f, "{\"name\":\"losing-streak\"}");
  wait = (NotifyWait) { NULL, 2, 1 };
  g_assert_true (tw_test_ui_wait_for (has_notifications, &wait, 5000));
  /* Three more answers of every service: nothing else may come (no "halted by someone
   * else" for a breaker's halt). The app's notifications and the recorder queries share
   * this process's bus connection, so one sent before is counted. */
  g_assert_true (app_wait_answers (&f, NULL, 3, 5000));
  g_assert_cmpuint (count_matching (NULL, -1), ==, 1);
  g_assert_cmpuint (count_matching (NULL, 2), ==, 1);
  {
    g_autoptr(JsonArray) calls = recorded ();

    trip = json_object_ref (json_array_get_object_element (calls, 0));
  }
  g_test_message ("trip notification: %s — %s", json_object_get_string_member (trip, "summary"),
                  json_object_get_string_member (trip, "body"));
  g_assert_cmpstr (json_object_get_string_member (trip, "category"), ==, "x-tradewarden.breaker");
  g_assert_cmpstr (json_object_get_string_member (trip, "desktop-entry"), ==, APP_ID);
  g_assert_true (has_action (trip, "halt"));
  g_assert_true (has_action (trip, "open"));
  g_assert_cmpuint (tw_notifier_get_n_open (tw_application_get_notifier (app)), ==, 1);

  /* 2. Its Halt trading button halts every service that can halt, in parallel. */
  app_clear_requests (&f);
  g_signal_connect (app, "halt-finished", G_CALLBACK (halt_finished_cb), &results);
  g_clear_pointer (&reply, g_variant_unref);
  reply = recorder_call ("InvokeAction",
                         g_variant_new ("(us)", (guint32) json_object_get_int_member (trip, "id"), "halt"));
  g_assert_true (tw_test_ui_wait_for (is_set, &results, 10000));
  g_signal_handlers_disconnect_by_func (app, halt_finished_cb, &results);
  /* The halting ones, and Autotrader that cannot be halted from here. */
  g_assert_cmpuint (results->len, ==, G_N_ELEMENTS (halting) + 1);
  for (guint i = 0; i < results->len; i++)
    {
      TwActionResult *result = g_ptr_array_index (results, i);

      g_assert_cmpint (tw_action_result_get_ok (result), ==,
                       !g_str_equal (tw_action_result_get_service_id (result), "autotrader"));
    }
  for (guint i = 0; i < G_N_ELEMENTS (halting); i++)
    {
      g_assert_cmpuint (app_changing_requests (&f, halting[i]), >=, 1);
      g_assert_true (app_wait_halted (&f, halting[i], TRUE, 5000));
    }
  /* The notification was closed by the server after its button: let go of it. */
  tw_test_wait_until (tw_notifier_get_n_open (tw_application_get_notifier (app)) == 0, 5000);

  /* 3. Resumed (a reset of the breaker), then tripped again within the hour: critical
   *    "re-tripped", shown even though the first trip was less than 300 s ago. */
  resume_investiq (&f);
  app_scenario (&f, "{\"name\":\"losing-streak\"}");
  wait = (NotifyWait) { "re-tripped", 2, 1 };
  g_assert_true (tw_test_ui_wait_for (has_notifications, &wait, 5000));
  {
    g_autoptr(JsonObject) retrip = find_notification ("re-tripped");

    g_assert_nonnull (retrip);
    g_assert_true (has_action (retrip, "halt"));
    g_test_message ("re-trip notification: %s", json_object_get_string_member (retrip, "summary"));
  }

  /* 4. A loss breaker past 80 %: a warning; the same warning again within 300 s is held back. */
  app_scenario (&f, "{\"name\":\"reset\"}");
  g_assert_true (app_wait_halted (&f, "investiq", FALSE, 10000));
  app_scenario (&f, "{\"name\":\"daily-loss\",\"percent\":4.2}");
  wait = (NotifyWait) { NULL, 1, 1 };
  g_assert_true (tw_test_ui_wait_for (has_notifications, &wait, 5000));
  g_assert_cmpuint (count_matching (NULL, 1), ==, 1);
  {
    g_autoptr(JsonArray) calls = recorded ();

    for (guint i = 0; i < json_array_get_length (calls); i++)
      {
        JsonObject *call = json_array_get_object_element (calls, i);

        if (json_object_get_int_member (call, "urgency") == 1)
          g_assert_true (has_action (call, "halt"));
      }
  }
  n_suppressed = tw_alert_engine_get_n_suppressed (tw_application_get_alert_engine (app));
  app_scenario (&f, "{\"name\":\"reset\"}");
  /* The monitor saw the loss back under 80 %, so the next one is a new warning. */
  tw_risk_monitor_refresh (tw_application_get_risk_monitor (app));
  tw_test_wait_until (daily_loss_fraction (&f) < 0.5, 10000);
  app_scenario (&f, "{\"name\":\"daily-loss\",\"percent\":4.2}");
  tw_risk_monitor_refresh (tw_application_get_risk_monitor (app));
  /* Held back: the engine counts it when it decides, where it would have notified. */
  tw_test_wait_until (tw_alert_engine_get_n_suppressed (tw_application_get_alert_engine (app)) > n_suppressed,
                      10000);
  g_assert_cmpuint (count_matching (NULL, 1), ==, 1);

  app_fixture_close (&f);
}

/* A component the IBKR assistant's health answer says is down: a notification as loud as
 * its connector's "alerts" says, its body naming the runbook section when the connector
 * names one (the simulator's component names are read from it, not assumed). */
static void
test_health_component (void)
{
  AppFixture f = { 0, };
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonObject) call = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *title = NULL;
  g_autofree char *health = NULL;
  const TwComponentAlert *entry;
  const char *component;
  NotifyWait wait;
  int urgency;

  if (g_getenv ("TW_NOTIFY_LOG") == NULL)
    {
      g_test_skip ("needs the notification recorder of tests/session.sh");
      return;
    }

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  g_assert_true (app_wait_states_known (&f, 10000));
  reply = recorder_call ("Clear", NULL);

  answer = tw_test_sim_request (f.sim, "ibkr-assistant", "GET", "/_sim/health?flavor=ibkr-assistant", NULL);
  component = json_object_get_string_member (json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (answer), "components"), 0), "name");
  tw_connector_registry_load_default (registry);
  entry = tw_connector_lookup_component_alert (tw_connector_registry_lookup (registry, "ibkr-assistant"),
                                               component);
  urgency = entry == NULL || g_str_equal (entry->down, "warning") ? 1
            : g_str_equal (entry->down, "critical") ? 2 : 0;

  health = g_strdup_printf ("{\"component\":\"%s\",\"status\":\"unhealthy\"}", component);
  tw_test_sim_health (f.sim, "ibkr-assistant", health);
  title = g_strdup_printf ("IBKR assistant: %s is down", component);
  wait = (NotifyWait) { title, urgency, 1 };
  g_assert_true (tw_test_ui_wait_for (has_notifications, &wait, 10000));
  call = find_notification (title);
  g_test_message ("health notification: %s — %s", json_object_get_string_member (call, "summary"),
                  json_object_get_string_member (call, "body"));
  g_assert_cmpstr (json_object_get_string_member (call, "category"), ==, "x-tradewarden.service");
  if (entry != NULL)
    {
      g_autofree char *line = g_strdup_printf ("Runbook: IBKR AI Broker — %s", entry->section);

      g_assert_nonnull (strstr (json_object_get_string_member (call, "body"), line));
    }
  else
    g_assert_nonnull (strstr (json_object_get_string_member (call, "body"), "No runbook section"));

  tw_test_sim_health (f.sim, "ibkr-assistant", "{\"reset\":true}");
  app_fixture_close (&f);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  app = app_fixture_init (&argc, &argv);
  g_test_add_func ("/tw/ui/notifier/losing-streak", test_losing_streak);
  g_test_add_func ("/tw/ui/notifier/health-component", test_health_component);
  status = g_test_run ();
  tw_application_close_profile (app);
  g_clear_object (&app);
  return status;
}
