/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TwSession from core alone: open a profile on the simulator, start it, halt, switch to
 * another profile with a Halt All on the wire, close; every service finalized, the demo's
 * audit log removed, and no request of a closed profile reaches the simulator. */
#include "config.h"

#include "tw-poller-private.h"
#include "tw-portfolio-private.h"
#include "tw-risk-fixture.h"
#include "tw-session.h"

#define INTERVAL_MS 200
#define OTHER_PROFILE "other"
/* The other profile polls this flavor alone: any request to another is the first one's. */
#define OTHER_FLAVOR "investiq"

static const char * const flavors[] = TW_SIM_FLAVORS;

typedef struct
{
  RiskFixture  risk;
  TwProfile   *other;
} Fixture;

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(TwService) service = NULL;

  risk_fixture_setup (&f->risk, TW_MODE_PAPER, INTERVAL_MS);
  f->other = tw_profile_new (OTHER_PROFILE, TW_MODE_PAPER);
  service = tw_service_new (OTHER_FLAVOR, OTHER_FLAVOR, tw_sim_thread_get_url (f->risk.sim, OTHER_FLAVOR));
  tw_profile_add_service (f->other, service);
  risk_store_secrets (&f->risk, OTHER_PROFILE, OTHER_FLAVOR);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->other);
  tw_test_sim_clear_faults (f->risk.sim);
  risk_fixture_teardown (&f->risk);
}

static TwSession *
open_session (Fixture   *f,
              TwProfile *profile,
              gboolean   demo)
{
  TwSession *session = tw_session_new (profile, f->risk.registry, f->risk.http, f->risk.secrets, demo);

  tw_session_set_poll_interval (session, INTERVAL_MS);
  g_assert_cmpuint (tw_workspace_get_poll_interval (tw_session_get_workspace (session)), ==, INTERVAL_MS);
  g_assert_nonnull (tw_session_get_audit_log (session));
  g_assert_null (tw_session_get_audit_log_error (session));
  g_assert_nonnull (tw_session_get_risk_monitor (session));
  g_assert_nonnull (tw_session_get_action_runner (session));
  g_assert_nonnull (tw_session_get_alert_engine (session));
  g_assert_nonnull (tw_session_get_backup_manager (session));
  g_assert_nonnull (tw_session_get_backup_scheduler (session));
  g_assert_nonnull (tw_session_get_portfolio (session));
  g_assert_true (tw_session_get_profile (session) == profile);
  g_assert_false (tw_session_is_started (session));
  return session;
}

/* A reference on every service, for g_assert_finalize_object() after the close: those
 * that hold others first. */
static GPtrArray *
ref_services (TwSession *session)
{
  GPtrArray *services = g_ptr_array_new ();

  g_ptr_array_add (services, g_object_ref (tw_session_get_portfolio (session)));
  g_ptr_array_add (services, g_object_ref (tw_session_get_alert_engine (session)));
  g_ptr_array_add (services, g_object_ref (tw_session_get_action_runner (session)));
  g_ptr_array_add (services, g_object_ref (tw_session_get_risk_monitor (session)));
  g_ptr_array_add (services, g_object_ref (tw_session_get_backup_scheduler (session)));
  g_ptr_array_add (services, g_object_ref (tw_session_get_backup_manager (session)));
  g_ptr_array_add (services, g_object_ref (tw_session_get_workspace (session)));
  g_ptr_array_add (services, g_object_ref (tw_session_get_audit_log (session)));
  return services;
}

static void
assert_finalized (GPtrArray *services)
{
  for (guint i = 0; i < services->len; i++)
    {
      gpointer service = g_ptr_array_index (services, i);

      risk_wait_last_ref (service);
      g_assert_finalize_object (service);
    }
  g_ptr_array_unref (services);
}

static void
close_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (tw_session_close_finish (TW_SESSION (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
close_session (TwSession *session)
{
  gboolean done = FALSE;
  gboolean again = FALSE;

  tw_session_close_async (session, NULL, close_done_cb, &done);
  g_assert_true (tw_session_is_closing (session));
  /* Closing twice is closing once. */
  tw_session_close_async (session, NULL, close_done_cb, &again);
  g_assert_true (tw_test_run_until (&done, 10000));
  g_assert_true (tw_test_run_until (&again, 1000));
  g_assert_true (tw_session_is_closed (session));
  g_assert_null (tw_session_get_workspace (session));
  g_assert_null (tw_session_get_action_runner (session));
  g_assert_null (tw_session_get_portfolio (session));
  g_assert_null (tw_session_get_audit_log (session));
}

static gboolean
session_polled (gpointer data)
{
  TwSession *session = data;
  GListModel *states = tw_risk_monitor_get_states (tw_session_get_risk_monitor (session));
  guint n = g_list_model_get_n_items (states);

  if (n == 0 || tw_portfolio_get_updated_at (tw_session_get_portfolio (session), "alpaca") == NULL)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwTradingState) state = g_list_model_get_item (states, i);
      g_autoptr(GDateTime) updated = NULL;

      /* AI trading (001) has no call that reads its state back: nothing to poll. */
      if (!tw_trading_state_get_polled (state))
        continue;
      g_object_get (state, "updated-at", &updated, NULL);
      if (updated == NULL)
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  GPtrArray *results;
  GError    *error;
  gboolean   done;
} HaltWait;

static void
halt_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  HaltWait *wait = user_data;

  wait->results = tw_session_halt_all_finish (TW_SESSION (object), result, &wait->error);
  wait->done = TRUE;
}

typedef struct
{
  Fixture        *f;
  TwActionRunner *runner;
  guint           n;
} InFlight;

/* Every halt is in flight and its request reached the simulator (delayed there). */
static gboolean
halts_on_the_wire (gpointer data)
{
  InFlight *in_flight = data;
  g_autoptr(GPtrArray) posts = risk_changing_requests (&in_flight->f->risk, NULL);

  return tw_action_runner_get_n_in_flight (in_flight->runner) == in_flight->n
         && posts->len == in_flight->n;
}

typedef struct
{
  TwPoller *poller;
  guint     successes;
} Polls;

static void
poll_succeeded_cb (TwPoller *poller,
                   JsonNode *body,
                   gpointer  response,
                   Polls    *polls)
{
  polls->successes++;
}

static gboolean
polled_three_times (gpointer data)
{
  return ((Polls *) data)->successes >= 3;
}

static void
test_lifecycle (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(TwSession) first = NULL;
  g_autoptr(TwSession) second = NULL;
  g_autoptr(GPtrArray) first_services = NULL;
  g_autoptr(GPtrArray) second_services = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GListModel) rows = NULL;
  g_autofree char *demo_dir = NULL;
  HaltWait halt = { NULL, NULL, FALSE };
  HaltWait cancelled = { NULL, NULL, FALSE };
  InFlight in_flight = { f, NULL, 0 };
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  TwAuditLog *first_log;
  Polls polls = { NULL, 0 };
  guint n_halts;
  guint n_requested = 0;
  guint n_outcomes = 0;

  /* Open and start: every service polls. */
  first = open_session (f, f->risk.profile, FALSE);
  tw_session_start (first);
  g_assert_true (tw_session_is_started (first));
  /* As the Positions page does while it shows them. */
  tw_portfolio_hold_view (tw_session_get_portfolio (first));
  g_assert_true (risk_wait (session_polled, first, 10000));
  tw_portfolio_release_view (tw_session_get_portfolio (first));

  /* Halt All through the session: every service halted, no failure to show. */
  tw_session_halt_all_async (first, "test", NULL, halt_done_cb, &halt);
  g_assert_true (tw_session_is_halting (first));
  g_assert_true (tw_test_run_until (&halt.done, 10000));
  g_assert_no_error (halt.error);
  /* Every service named; Autotrader's connector cannot halt: nothing is sent to it. */
  g_assert_cmpuint (halt.results->len, ==, g_list_model_get_n_items (tw_workspace_get_services (tw_session_get_workspace (first))));
  g_assert_cmpuint (tw_session_count_halt_outcome (halt.results, TW_ACTION_OUTCOME_UNSUPPORTED), ==, 1);
  n_halts = halt.results->len - 1;
  g_assert_cmpuint (n_halts, >, 1);
  g_assert_cmpuint (tw_session_count_halt_failures (halt.results), ==, 0);
  g_assert_false (tw_session_is_halting (first));
  g_assert_true (tw_session_get_last_halt (first) == halt.results);
  g_assert_null (tw_session_get_halt_failure (first));
  g_clear_pointer (&halt.results, g_ptr_array_unref);

  /* A second Halt All, held on the wire by the simulator, when the profile is switched. */
  for (guint i = 0; flavors[i] != NULL; i++)
    tw_test_sim_fault (f->risk.sim, flavors[i],
                       "{\"path\":\"*\",\"method\":\"POST\",\"kind\":\"latency\",\"latency_ms\":60000}");
  risk_clear_requests (&f->risk);
  tw_session_halt_all_async (first, "test", NULL, halt_done_cb, &cancelled);
  in_flight.runner = tw_session_get_action_runner (first);
  in_flight.n = n_halts;
  g_assert_true (risk_wait (halts_on_the_wire, &in_flight, 10000));

  first_services = ref_services (first);
  first_log = g_object_ref (tw_session_get_audit_log (first));

  /* Switch: the other profile opens (the demo's way: a throw-away audit log), the first closes. */
  second = open_session (f, f->other, TRUE);
  g_assert_true (tw_session_is_demo (second));
  demo_dir = g_path_get_dirname (tw_audit_log_get_path (tw_session_get_audit_log (second)));
  g_assert_true (g_file_test (demo_dir, G_FILE_TEST_IS_DIR));
  tw_session_start (second);
  close_session (first);

  /* The Halt All under way was cancelled, and each halt got its outcome row. */
  g_assert_true (tw_test_run_until (&cancelled.done, 5000));
  g_assert_null (cancelled.results);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&cancelled.error);
  g_assert_cmpuint (tw_action_runner_get_n_in_flight (in_flight.runner), ==, 0);
  filter.action = "trading.halt";
  rows = tw_audit_log_query (first_log, &filter, NULL, NULL);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(TwAuditRecord) row = g_list_model_get_item (rows, i);

      if (tw_audit_record_get_outcome (row) == TW_AUDIT_OUTCOME_REQUESTED)
        n_requested++;
      else
        n_outcomes++;
    }
  g_assert_cmpuint (n_requested, ==, 2 * n_halts);
  g_assert_cmpuint (n_outcomes, ==, 2 * n_halts);
  g_object_unref (first_log);

  /* Every service of the closed profile is gone with it. */
  assert_finalized (g_steal_pointer (&first_services));

  /* No request of the closed profile: while the other one polls three times (the first
   * polled every INTERVAL_MS too), nothing reaches its other flavors. */
  risk_clear_requests (&f->risk);
  polls.poller = tw_workspace_get_health_poller (tw_session_get_workspace (second), OTHER_FLAVOR);
  g_signal_connect (polls.poller, "succeeded", G_CALLBACK (poll_succeeded_cb), &polls);
  g_assert_true (risk_wait (polled_three_times, &polls, 10000));
  g_signal_handlers_disconnect_by_data (polls.poller, &polls);
  {
    g_autoptr(JsonNode) log = tw_test_sim_requests (f->risk.sim);
    JsonArray *array = json_node_get_array (log);

    g_assert_cmpuint (json_array_get_length (array), >=, 3);
    for (guint i = 0; i < json_array_get_length (array); i++)
      {
        JsonObject *entry = json_array_get_object_element (array, i);

        if (g_str_has_prefix (json_object_get_string_member (entry, "path"), "/_sim"))
          continue;
        g_assert_cmpstr (json_object_get_string_member (entry, "flavor"), ==, OTHER_FLAVOR);
      }
  }

  /* The demo's close removes its audit log. */
  second_services = ref_services (second);
  close_session (second);
  g_assert_false (g_file_test (demo_dir, G_FILE_TEST_EXISTS));
  assert_finalized (g_steal_pointer (&second_services));
  g_assert_finalize_object (g_steal_pointer (&first));
  g_assert_finalize_object (g_steal_pointer (&second));
}

/* Disposed without a close (a crash path, a test's teardown): stopped, nothing leaks. */
static void
test_dispose_unclosed (Fixture       *f,
                       gconstpointer  data)
{
  TwSession *session = open_session (f, f->risk.profile, TRUE);
  g_autofree char *demo_dir = g_path_get_dirname (tw_audit_log_get_path (tw_session_get_audit_log (session)));
  GPtrArray *services;

  tw_session_start (session);
  tw_portfolio_hold_view (tw_session_get_portfolio (session));
  g_assert_true (risk_wait (session_polled, session, 10000));
  tw_portfolio_release_view (tw_session_get_portfolio (session));
  services = ref_services (session);
  g_assert_finalize_object (session);
  g_assert_false (g_file_test (demo_dir, G_FILE_TEST_EXISTS));
  for (guint i = 0; i < services->len; i++)
    if (TW_IS_BACKUP_SCHEDULER (g_ptr_array_index (services, i)))
      g_assert_false (tw_backup_scheduler_is_running (g_ptr_array_index (services, i)));
  assert_finalized (services);
}

static void
polled_once_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (tw_session_poll_once_finish (TW_SESSION (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

/* One round of polls of a session never started (the command line's status): every
 * service and trading state read once, a service that drops the connection unreachable,
 * and nothing scheduled after it. */
static void
test_poll_once (Fixture       *f,
                gconstpointer  data)
{
  TwSession *session = open_session (f, f->risk.profile, TRUE);
  TwWorkspace *workspace = tw_session_get_workspace (session);
  GListModel *states = tw_risk_monitor_get_states (tw_session_get_risk_monitor (session));
  gboolean done = FALSE;

  tw_test_sim_fault (f->risk.sim, "autotrader", "{\"path\":\"*\",\"kind\":\"drop\"}");
  tw_session_poll_once_async (session, polled_once_cb, &done);
  g_assert_true (risk_wait (is_true, &done, 10000));
  g_assert_false (tw_session_is_started (session));

  for (guint i = 0; flavors[i] != NULL; i++)
    {
      TwService *service = tw_profile_lookup_service (f->risk.profile, flavors[i]);

      g_assert_cmpint (tw_service_get_state (service), ==,
                       g_str_equal (flavors[i], "autotrader") ? TW_SERVICE_STATE_UNREACHABLE : TW_SERVICE_STATE_OK);
    }
  for (guint i = 0; i < g_list_model_get_n_items (states); i++)
    {
      g_autoptr(TwTradingState) state = g_list_model_get_item (states, i);
      g_autoptr(GDateTime) updated_at = NULL;
      g_autofree char *last_error = NULL;

      g_object_get (state, "updated-at", &updated_at, "last-error", &last_error, NULL);
      /* The AI Trading System has nothing to poll for its trading state (no read-back in
       * its runbook): never asked, never answered. */
      if (!tw_trading_state_get_polled (state))
        {
          g_assert_cmpstr (tw_trading_state_get_service_id (state), ==, "ai-trading");
          g_assert_null (updated_at);
          continue;
        }
      /* Answered, or said why not: never left as if it had not been asked. */
      g_assert_true ((updated_at != NULL) != (last_error != NULL));
      g_assert_true ((last_error != NULL) == g_str_equal (tw_trading_state_get_service_id (state), "autotrader"));
    }
  /* No poller runs after its one poll. */
  g_assert_cmpuint (tw_poller_count_scheduler_sources (NULL), ==, 0);
  g_assert_false (tw_poller_get_in_flight (tw_workspace_get_health_poller (workspace, "investiq")));

  close_session (session);
  g_object_unref (session);
}

/* The settings reach the services. */
static void
test_settings (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(TwSession) session = open_session (f, f->risk.profile, TRUE);

  tw_session_set_notification_rate_limit (session, 42);
  g_assert_cmpuint (tw_alert_engine_get_rate_limit (tw_session_get_alert_engine (session)), ==, 42);
  tw_session_set_stuck_threshold (session, 120);
  g_assert_cmpuint (tw_portfolio_get_stuck_threshold (tw_session_get_portfolio (session)), ==, 120);
  tw_session_set_poll_interval (session, 1500);
  g_assert_cmpuint (tw_workspace_get_poll_interval (tw_session_get_workspace (session)), ==, 1500);
  g_assert_false (tw_session_is_saved (session));
  close_session (session);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/tw/core/session/lifecycle", Fixture, NULL, fixture_setup, test_lifecycle, fixture_teardown);
  g_test_add ("/tw/core/session/dispose-unclosed", Fixture, NULL, fixture_setup, test_dispose_unclosed,
              fixture_teardown);
  g_test_add ("/tw/core/session/settings", Fixture, NULL, fixture_setup, test_settings, fixture_teardown);
  g_test_add ("/tw/core/session/poll-once", Fixture, NULL, fixture_setup, test_poll_once, fixture_teardown);

  return g_test_run ();
}
