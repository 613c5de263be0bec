/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-component.h"
#include "tw-connector-registry.h"
#include "tw-error.h"
#include "tw-poller.h"
#include "tw-poller-private.h"
#include "tw-profile.h"
#include "tw-test-timing.h"
#include "tw-test-util.h"
#include "tw-workspace.h"

#define PROFILE   "demo"
#define INTERVAL  400

static const char *flavors[] = TW_SIM_FLAVORS;

typedef struct
{
  TwSimThread         *sim;
  TwConnectorRegistry *registry;
  TwSecrets           *secrets;
  TwHttp              *http;
  TwProfile           *profile;
  TwWorkspace         *workspace;
} Fixture;

/* The simulator's credential that fills a connector's secret, by the runbooks' variable. */
static const char *
credential_for (TwSimThread        *sim,
                const TwSecretSpec *spec)
{
  static const struct { const char *env, *name; } map[] = {
    { "API_KEYS",          "api_key" },
    { "LIVE_TRADING_KEY",  "live_trading_key" },
    { "ALPACA_API_KEY",    "alpaca_key_id" },
    { "ALPACA_SECRET_KEY", "alpaca_secret" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    for (guint j = 0; j < spec->env_variables->len; j++)
      if (g_strcmp0 (((TwEnvVariable *) g_ptr_array_index (spec->env_variables, j))->name,
                     map[i].env) == 0)
        return tw_sim_thread_get_credential (sim, map[i].name);
  return NULL;
}

static void
store_secrets (Fixture    *f,
               const char *service_id,
               const char *override_value)
{
  TwConnector *connector = tw_connector_registry_lookup (f->registry, service_id);
  GPtrArray *specs;

  g_assert_nonnull (connector);
  specs = tw_connector_get_secrets (connector);
  for (guint i = 0; i < specs->len; i++)
    {
      const TwSecretSpec *spec = g_ptr_array_index (specs, i);
      const char *value = override_value != NULL ? override_value : credential_for (f->sim, spec);
      g_autoptr(GError) error = NULL;

      if (value == NULL)
        continue;
      g_assert_true (tw_secrets_store_sync (f->secrets, PROFILE, service_id, spec->name,
                                            value, NULL, &error));
      g_assert_no_error (error);
    }
}

/* A profile with one service per flavor (id = flavor = connector id), secrets
 * stored except for @no_secrets, a workspace polling every INTERVAL ms. */
static void
fixture_setup (Fixture    *f,
               const char *no_secrets)
{
  f->sim = tw_test_sim_start ();
  f->registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (f->registry);
  f->secrets = tw_secrets_new_memory ();
  f->http = tw_http_new ();
  f->profile = tw_profile_new (PROFILE, TW_MODE_PAPER);

  for (guint i = 0; flavors[i] != NULL; i++)
    {
      g_autoptr(TwService) service = tw_service_new (flavors[i], flavors[i],
                                                     tw_sim_thread_get_url (f->sim, flavors[i]));

      tw_profile_add_service (f->profile, service);
      if (g_strcmp0 (no_secrets, flavors[i]) != 0)
        store_secrets (f, flavors[i], NULL);
    }

  f->workspace = tw_workspace_new (f->profile, f->registry, f->http, f->secrets);
  tw_workspace_set_poll_interval (f->workspace, INTERVAL);
}

static void
fixture_teardown (Fixture *f)
{
  tw_workspace_stop (f->workspace);
  g_assert_finalize_object (g_steal_pointer (&f->workspace));
  g_clear_object (&f->profile);
  g_clear_object (&f->http);
  g_clear_object (&f->secrets);
  g_clear_object (&f->registry);
  tw_sim_thread_stop (f->sim);
}

static TwService *
service (Fixture    *f,
         const char *id)
{
  TwService *s = tw_profile_lookup_service (f->profile, id);

  g_assert_nonnull (s);
  return s;
}

static gboolean
on_wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until @check is TRUE or @timeout_ms passed. */
static gboolean
wait_until (gboolean (*check) (gpointer),
            gpointer   data,
            guint      timeout_ms)
{
  /* longer in a sanitizer build (TW_TEST_TIMEOUT_SCALE) */
  gint64 deadline = g_get_monotonic_time () + (gint64) tw_test_scale_timeout (timeout_ms) * 1000;
  guint wake = g_timeout_add (20, on_wake, NULL);
  gboolean done;

  while (!(done = check (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  return done;
}

static gboolean
all_ok (gpointer data)
{
  Fixture *f = data;

  for (guint i = 0; flavors[i] != NULL; i++)
    if (tw_service_get_state (service (f, flavors[i])) != TW_SERVICE_STATE_OK)
      return FALSE;
  return TRUE;
}

static gboolean
state_known (gpointer data)
{
  return tw_service_get_state (data) != TW_SERVICE_STATE_UNKNOWN;
}

static gboolean
not_ok (gpointer data)
{
  TwServiceState state = tw_service_get_state (data);

  return state != TW_SERVICE_STATE_OK && state != TW_SERVICE_STATE_UNKNOWN;
}

static gboolean
is_stale (gpointer data)
{
  return tw_service_get_stale (data);
}

/* The services' last successes when taken; answered_again() is TRUE once each of them
 * (but @except) has answered a poll since. */
typedef struct
{
  Fixture    *f;
  const char *except;
  GPtrArray  *before;   /* GDateTime or NULL, one per flavor */
} AnswerMark;

static void
answer_mark_take (AnswerMark *mark,
                  Fixture    *f,
                  const char *except)
{
  mark->f = f;
  mark->except = except;
  mark->before = g_ptr_array_new_with_free_func ((GDestroyNotify) g_date_time_unref);
  for (guint i = 0; flavors[i] != NULL; i++)
    {
      GDateTime *last = tw_service_get_last_success (service (f, flavors[i]));

      g_ptr_array_add (mark->before, last != NULL ? g_date_time_ref (last) : NULL);
    }
}

static gboolean
answered_again (gpointer data)
{
  AnswerMark *mark = data;

  for (guint i = 0; flavors[i] != NULL; i++)
    {
      GDateTime *last = tw_service_get_last_success (service (mark->f, flavors[i]));
      GDateTime *before = g_ptr_array_index (mark->before, i);

      if (g_strcmp0 (flavors[i], mark->except) == 0)
        continue;
      if (last == NULL || (before != NULL && g_date_time_compare (last, before) <= 0))
        return FALSE;
    }
  return TRUE;
}

/* How many requests of @flavor reached the simulator (path prefix @path or any). */
static guint
count_requests (Fixture    *f,
                const char *flavor,
                GArray     *times_us)
{
  g_autoptr(JsonNode) log = tw_test_sim_requests (f->sim);
  JsonArray *array = json_node_get_array (log);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (entry, "flavor"), flavor) != 0)
        continue;
      n++;
      if (times_us != NULL)
        {
          gint64 t = json_object_get_int_member (entry, "time_us");

          g_array_append_val (times_us, t);
        }
    }
  return n;
}

static void
dump_states (Fixture *f)
{
  for (guint i = 0; flavors[i] != NULL; i++)
    {
      TwService *s = service (f, flavors[i]);

      g_test_message ("%s: %s (%s)", flavors[i],
                      tw_service_state_to_string (tw_service_get_state (s)),
                      tw_service_get_last_error (s) ? tw_service_get_last_error (s) : "no error");
    }
}

static void
test_all_flavors_ok (void)
{
  Fixture f = { 0 };

  fixture_setup (&f, NULL);
  tw_workspace_start (f.workspace);
  if (!wait_until (all_ok, &f, 5000))
    dump_states (&f);
  g_assert_true (all_ok (&f));

  for (guint i = 0; flavors[i] != NULL; i++)
    {
      TwService *s = service (&f, flavors[i]);
      GListModel *components = tw_service_get_components (s);

      g_assert_nonnull (tw_service_get_last_success (s));
      g_assert_null (tw_service_get_last_error (s));
      g_assert_cmpfloat (tw_service_get_latency_ms (s), >=, 0);
      g_assert_false (tw_service_get_stale (s));
      g_assert_nonnull (tw_workspace_get_client (f.workspace, flavors[i]));
      /* Alpaca's account has no components; every other flavor does. */
      if (g_strcmp0 (flavors[i], "alpaca") == 0)
        continue;
      g_assert_cmpuint (g_list_model_get_n_items (components), >=, 3);
      for (guint j = 0; j < g_list_model_get_n_items (components); j++)
        {
          g_autoptr(TwComponent) c = g_list_model_get_item (components, j);

          g_assert_nonnull (tw_component_get_name (c));
          g_assert_cmpint (tw_component_get_health (c), ==, TW_HEALTH_OK);
        }
    }
  g_assert_cmpstr (tw_service_get_version (service (&f, "investiq")), ==, "2.4.1");
  g_assert_cmpstr (tw_service_get_status_text (service (&f, "investiq")), ==, "healthy");

  fixture_teardown (&f);
}

static void
test_component_unhealthy (void)
{
  Fixture f = { 0 };
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(TwComponent) broker = NULL;
  TwService *iq;
  GListModel *components;

  fixture_setup (&f, NULL);
  iq = service (&f, "investiq");
  components = tw_service_get_components (iq);
  tw_workspace_start (f.workspace);
  g_assert_true (wait_until (all_ok, &f, 5000));

  for (guint j = 0; j < g_list_model_get_n_items (components) && broker == NULL; j++)
    {
      g_autoptr(TwComponent) c = g_list_model_get_item (components, j);

      if (g_strcmp0 (tw_component_get_name (c), "alpaca") == 0)
        broker = g_steal_pointer (&c);
    }
  g_assert_nonnull (broker);

  answer = tw_test_sim_request (f.sim, "investiq", "POST", "/_sim/health",
                                "{\"flavor\":\"investiq\",\"component\":\"alpaca\","
                                "\"status\":\"unhealthy\",\"message\":\"broker connection lost\"}");
  g_assert_true (wait_until (not_ok, iq, 3 * INTERVAL));
  g_assert_cmpint (tw_service_get_state (iq), ==, TW_SERVICE_STATE_DEGRADED);
  /* Updated in place: the same object now says it is down. */
  g_assert_cmpint (tw_component_get_health (broker), ==, TW_HEALTH_DOWN);
  g_assert_cmpstr (tw_component_get_detail (broker), ==, "broker connection lost");
  {
    g_autoptr(TwComponent) again = NULL;

    for (guint j = 0; j < g_list_model_get_n_items (components); j++)
      {
        g_autoptr(TwComponent) c = g_list_model_get_item (components, j);

        if (g_strcmp0 (tw_component_get_name (c), "alpaca") == 0)
          again = g_steal_pointer (&c);
      }
    g_assert_true (again == broker);
  }

  g_clear_object (&broker);
  fixture_teardown (&f);
}

static void
test_status_fault (void)
{
  Fixture f = { 0 };
  TwService *iq;
  gint64 start;

  fixture_setup (&f, NULL);
  iq = service (&f, "investiq");
  tw_workspace_start (f.workspace);
  g_assert_true (wait_until (all_ok, &f, 5000));

  tw_test_sim_fault (f.sim, "investiq", "{\"path\":\"/health\",\"kind\":\"status\",\"status\":503}");
  start = g_get_monotonic_time ();
  g_assert_true (wait_until (not_ok, iq, 2 * INTERVAL + 300));
  g_test_message ("left OK after %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpint (tw_service_get_state (iq), ==, TW_SERVICE_STATE_ERROR);
  g_assert_nonnull (tw_service_get_last_error (iq));
  g_assert_true (strstr (tw_service_get_last_error (iq), "503") != NULL);
  /* The data age keeps growing from the last success. */
  g_assert_nonnull (tw_service_get_last_success (iq));

  /* The others answer their next polls and stay OK. */
  {
    AnswerMark mark;

    answer_mark_take (&mark, &f, "investiq");
    g_assert_true (wait_until (answered_again, &mark, 3000));
    g_ptr_array_unref (mark.before);
  }
  for (guint i = 0; flavors[i] != NULL; i++)
    if (g_strcmp0 (flavors[i], "investiq") != 0)
      g_assert_cmpint (tw_service_get_state (service (&f, flavors[i])), ==, TW_SERVICE_STATE_OK);

  /* Cleared: back to OK at the next polls. */
  tw_test_sim_clear_faults (f.sim);
  tw_workspace_refresh (f.workspace);
  g_assert_true (wait_until (all_ok, &f, 3000));

  fixture_teardown (&f);
}

static void
test_no_overlap (void)
{
  Fixture f = { 0 };
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  TwPoller *poller;
  gint64 start, elapsed_ms;
  guint n;
  const guint latency = 1000;

  fixture_setup (&f, NULL);
  /* An answer slower than 2 s is "degraded": the 1 s latency plus a sanitizer build's
   * slowness (TW_TEST_TIMEOUT_SCALE) has passed it on a loaded machine. */
  tw_service_set_slow_ms (service (&f, "autotrader"), tw_test_scale_timeout (TW_SERVICE_DEFAULT_SLOW_MS));
  poller = tw_workspace_get_health_poller (f.workspace, "autotrader");
  g_assert_nonnull (poller);
  tw_test_sim_fault (f.sim, "autotrader", "{\"path\":\"/api/health\",\"kind\":\"latency\",\"latency_ms\":1000}");
  start = g_get_monotonic_time ();
  tw_workspace_start (f.workspace);
  /* Three polls: with one at a time, the third is sent after two answers (2 s). */
  tw_test_wait_until (count_requests (&f, "autotrader", NULL) >= 3, 10000);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_assert_true (tw_poller_get_in_flight (poller) || tw_poller_get_consecutive_failures (poller) == 0);

  n = count_requests (&f, "autotrader", times);
  g_test_message ("%u requests in %" G_GINT64_FORMAT " ms with %u ms latency", n, elapsed_ms, latency);
  /* At most one per latency period (+1 for the one in flight), and polling goes on. */
  g_assert_cmpuint (n, <=, elapsed_ms / latency + 1);
  g_assert_cmpuint (n, >=, 3);
  for (guint i = 1; i < times->len; i++)
    {
      gint64 gap_ms = (g_array_index (times, gint64, i) - g_array_index (times, gint64, i - 1)) / 1000;

      g_assert_cmpint (gap_ms, >=, latency * 9 / 10);
    }
  g_assert_cmpint (tw_service_get_state (service (&f, "autotrader")), ==, TW_SERVICE_STATE_OK);

  fixture_teardown (&f);
}

static void
test_backoff (void)
{
  Fixture f = { 0 };
  TwPoller *poller;
  guint n;
  gint64 start, elapsed_ms;

  fixture_setup (&f, NULL);
  poller = tw_workspace_get_health_poller (f.workspace, "ai-trading");
  /* 500 is not retried by TwHttp: each poll is one request. */
  tw_test_sim_fault (f.sim, "ai-trading", "{\"path\":\"/api/health\",\"kind\":\"status\",\"status\":500}");
  start = g_get_monotonic_time ();
  tw_workspace_start (f.workspace);
  tw_test_wait_until (tw_poller_get_consecutive_failures (poller) >= 4, 15000);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;

  n = count_requests (&f, "ai-trading", NULL);
  g_test_message ("%u requests in %" G_GINT64_FORMAT " ms while failing, %u failures", n,
                  elapsed_ms, tw_poller_get_consecutive_failures (poller));
  /* Without backoff the fourth poll is sent at 3 × INTERVAL = 1.2 s. With it: 0, 0.4,
   * 1.2, 2.8 s (each delay ±10 %): the fourth no sooner than 2.52 s. */
  g_assert_cmpint (elapsed_ms, >=, 2520);
  /* The fifth is 3.2 s after the fourth: not sent yet. */
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (tw_poller_get_consecutive_failures (poller), ==, n);
  g_assert_cmpint (tw_service_get_state (service (&f, "ai-trading")), ==, TW_SERVICE_STATE_ERROR);

  /* poll_now resets the backoff: a success soon after the fault is cleared. */
  tw_test_sim_clear_faults (f.sim);
  tw_poller_poll_now (poller);
  g_assert_true (wait_until (all_ok, &f, 2000));
  g_assert_cmpuint (tw_poller_get_consecutive_failures (poller), ==, 0);

  fixture_teardown (&f);
}

/* Issue 18 §6: with a backoff limit (the risk monitor's breaker and kill-switch reads use
 * 3 intervals), a failing poll is retried at least that often, not once a minute. */
static void
test_backoff_limit (void)
{
  Fixture f = { 0 };
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  TwPoller *poller;
  guint n;

  fixture_setup (&f, NULL);
  poller = tw_workspace_get_health_poller (f.workspace, "ai-trading");
  g_assert_cmpuint (tw_poller_get_backoff_limit (poller), ==, 60000);
  tw_poller_set_backoff_limit (poller, 3 * INTERVAL);
  g_assert_cmpuint (tw_poller_get_backoff_limit (poller), ==, 3 * INTERVAL);
  tw_test_sim_fault (f.sim, "ai-trading", "{\"path\":\"/api/health\",\"kind\":\"status\",\"status\":500}");
  tw_workspace_start (f.workspace);
  /* 0, 0.4, 1.2, 2.4, 3.6, 4.8, 6 s (±10 %); without the limit 0, 0.4, 1.2, 2.8, 6, 12.4 s:
   * the seventh request comes, and no gap between two is longer than the limit. */
  tw_test_wait_until (count_requests (&f, "ai-trading", NULL) >= 7, 20000);

  n = count_requests (&f, "ai-trading", times);
  g_test_message ("%u requests while failing with a limit of %u ms", n, 3 * INTERVAL);
  for (guint i = 1; i < times->len; i++)
    {
      gint64 gap_ms = (g_array_index (times, gint64, i) - g_array_index (times, gint64, i - 1)) / 1000;

      /* the limit, its jitter, and up to 400 ms for the failing answer itself (more in
       * a sanitizer build: without the limit, the gaps would reach 6.4 s) */
      g_assert_cmpint (gap_ms, <=, 3 * INTERVAL * 11 / 10 + tw_test_scale_timeout (400));
    }

  fixture_teardown (&f);
}

static void
test_stale (void)
{
  Fixture f = { 0 };
  TwService *ibkr;
  TwPoller *poller;
  gint64 age_us;

  fixture_setup (&f, NULL);
  ibkr = service (&f, "ibkr-assistant");
  poller = tw_workspace_get_health_poller (f.workspace, "ibkr-assistant");
  tw_workspace_start (f.workspace);
  g_assert_true (wait_until (all_ok, &f, 5000));
  g_assert_false (tw_service_get_stale (ibkr));

  tw_test_sim_fault (f.sim, "ibkr-assistant", "{\"kind\":\"drop\"}");
  g_assert_true (wait_until (not_ok, ibkr, 3000));
  g_assert_cmpint (tw_service_get_state (ibkr), ==, TW_SERVICE_STATE_UNREACHABLE);
  g_assert_false (tw_service_get_stale (ibkr));

  g_assert_true (wait_until (is_stale, ibkr, 5000));
  g_assert_true (tw_poller_get_stale (poller));
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();

    age_us = g_date_time_difference (now, tw_service_get_last_success (ibkr));
  }
  g_assert_cmpint (age_us, >=, 3 * INTERVAL * 1000 - 50000);
  g_assert_false (tw_service_get_stale (service (&f, "investiq")));

  tw_test_sim_clear_faults (f.sim);
  tw_poller_poll_now (poller);
  g_assert_true (wait_until (all_ok, &f, 3000));
  g_assert_false (tw_service_get_stale (ibkr));
  g_assert_false (tw_poller_get_stale (poller));

  fixture_teardown (&f);
}

static void
test_wrong_key (void)
{
  Fixture f = { 0 };
  TwService *iq;

  fixture_setup (&f, NULL);
  store_secrets (&f, "investiq", "not-the-key");
  iq = service (&f, "investiq");
  tw_workspace_start (f.workspace);
  g_assert_true (wait_until (state_known, iq, 3000));
  g_assert_cmpint (tw_service_get_state (iq), ==, TW_SERVICE_STATE_AUTH_FAILED);
  g_test_message ("%s", tw_service_get_last_error (iq));
  g_assert_true (strstr (tw_service_get_last_error (iq), "Invalid or missing API key") != NULL);
  /* The key itself never shows. */
  g_assert_true (strstr (tw_service_get_last_error (iq), "not-the-key") == NULL);

  fixture_teardown (&f);
}

static void
test_missing_secret (void)
{
  Fixture f = { 0 };
  TwService *iq;

  fixture_setup (&f, "investiq");
  iq = service (&f, "investiq");
  tw_workspace_start (f.workspace);
  g_assert_true (wait_until (all_ok, &f, 1500) == FALSE);
  g_assert_cmpint (tw_service_get_state (iq), ==, TW_SERVICE_STATE_ERROR);
  g_assert_cmpstr (tw_service_get_last_error (iq), ==,
                   "No “API key” is stored for investiq in profile “demo”. "
                   "Enter it in the profile editor.");
  g_assert_cmpint (tw_service_get_state (service (&f, "autotrader")), ==, TW_SERVICE_STATE_OK);
  g_assert_cmpuint (count_requests (&f, "investiq", NULL), ==, 0);
  g_assert_cmpuint (count_requests (&f, "autotrader", NULL), >, 0);

  /* Stored later: after reset_secrets the next poll finds it. */
  store_secrets (&f, "investiq", NULL);
  tw_workspace_reset_secrets (f.workspace);
  tw_workspace_refresh (f.workspace);
  g_assert_true (wait_until (all_ok, &f, 3000));

  fixture_teardown (&f);
}

/* The IBKR assistant's runbook sends no credentials: without a key stored it is polled
 * all the same. */
static void
test_optional_secret (void)
{
  Fixture f = { 0 };

  fixture_setup (&f, "ibkr-assistant");
  tw_workspace_start (f.workspace);
  g_assert_true (wait_until (all_ok, &f, 3000));
  g_assert_cmpuint (count_requests (&f, "ibkr-assistant", NULL), >, 0);

  fixture_teardown (&f);
}

static void
test_missing_connector (void)
{
  Fixture f = { 0 };
  g_autoptr(TwService) extra = tw_service_new ("gone", "no-such-connector", "http://127.0.0.1:1");

  fixture_setup (&f, NULL);
  tw_workspace_start (f.workspace);
  /* Added while running: it is picked up (here: put in error). */
  tw_profile_add_service (f.profile, extra);
  g_assert_cmpint (tw_service_get_state (extra), ==, TW_SERVICE_STATE_ERROR);
  g_assert_true (g_str_has_prefix (tw_service_get_last_error (extra),
                                   "The connector “no-such-connector” of gone is not installed."));
  g_assert_null (tw_workspace_get_client (f.workspace, "gone"));

  /* Fixing the connector id starts polling it. */
  tw_service_set_base_url (extra, tw_sim_thread_get_url (f.sim, "investiq"));
  store_secrets (&f, "investiq", NULL);
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (tw_secrets_store_sync (f.secrets, PROFILE, "gone", "api_key",
                                          tw_sim_thread_get_credential (f.sim, "api_key"),
                                          NULL, &error));
  }
  tw_service_set_connector_id (extra, "investiq");
  g_assert_nonnull (tw_workspace_get_client (f.workspace, "gone"));
  g_assert_true (wait_until (all_ok, &f, 3000));
  tw_test_wait_until (tw_service_get_state (extra) == TW_SERVICE_STATE_OK, 3000);

  /* Removed: its poller stops. */
  g_assert_true (tw_profile_remove_service (f.profile, "gone"));
  g_assert_null (tw_workspace_get_client (f.workspace, "gone"));

  fixture_teardown (&f);
}

static void
test_poll_now (void)
{
  Fixture f = { 0 };
  TwService *iq;
  guint before;

  fixture_setup (&f, NULL);
  tw_workspace_set_poll_interval (f.workspace, 30000);
  iq = service (&f, "investiq");
  tw_workspace_start (f.workspace);
  g_assert_true (wait_until (all_ok, &f, 5000));
  /* Answered: the one request is in the simulator's log. */
  before = count_requests (&f, "investiq", NULL);
  g_assert_cmpuint (before, ==, 1);

  tw_workspace_refresh (f.workspace);
  /* A second poll_now while the first is in flight is skipped. */
  tw_workspace_refresh (f.workspace);
  {
    AnswerMark mark;

    /* Every service answered the refresh; a second request would have been sent with
     * the first, before its answer. */
    answer_mark_take (&mark, &f, NULL);
    g_assert_true (wait_until (answered_again, &mark, 5000));
    g_ptr_array_unref (mark.before);
  }
  g_assert_cmpuint (count_requests (&f, "investiq", NULL), ==, 2);
  g_assert_cmpint (tw_service_get_state (iq), ==, TW_SERVICE_STATE_OK);

  fixture_teardown (&f);
}

typedef struct
{
  guint succeeded;
  guint failed;
} Counts;

static void
on_succeeded (TwPoller       *poller,
              JsonNode       *body,
              TwHttpResponse *response,
              Counts         *counts)
{
  g_assert_nonnull (body);
  g_assert_cmpuint (tw_http_response_get_status (response), ==, 200);
  counts->succeeded++;
}

static void
on_failed (TwPoller *poller,
           GError   *error,
           Counts   *counts)
{
  counts->failed++;
}

static gboolean
poller_succeeded (gpointer data)
{
  return ((Counts *) data)->succeeded > 0;
}

static void
test_stop_cancels (void)
{
  Fixture f = { 0 };
  Counts counts = { 0 };
  g_autoptr(TwClient) client = NULL;
  g_autoptr(TwPoller) poller = NULL;
  TwConnector *connector;
  guint before;

  fixture_setup (&f, NULL);
  connector = tw_connector_registry_lookup (f.registry, "investiq");
  client = tw_client_new (f.http, f.secrets, connector, PROFILE, service (&f, "investiq"));
  poller = tw_poller_new (client, "health", INTERVAL);
  g_signal_connect (poller, "succeeded", G_CALLBACK (on_succeeded), &counts);
  g_signal_connect (poller, "failed", G_CALLBACK (on_failed), &counts);

  /* A plain success first. */
  tw_poller_start (poller);
  g_assert_true (wait_until (poller_succeeded, &counts, 3000));
  g_assert_nonnull (tw_poller_get_last_success (poller));
  g_assert_cmpuint (counts.failed, ==, 0);

  tw_poller_stop (poller);
  tw_test_sim_fault (f.sim, "investiq", "{\"path\":\"/health\",\"kind\":\"latency\",\"latency_ms\":1500}");
  before = count_requests (&f, "investiq", NULL);
  counts.succeeded = 0;
  tw_poller_start (poller);
  g_assert_true (tw_poller_get_in_flight (poller));
  /* Stopped while the simulator holds the request. */
  tw_test_wait_until (count_requests (&f, "investiq", NULL) == before + 1, 5000);
  tw_poller_stop (poller);
  g_assert_false (tw_poller_get_in_flight (poller));
  /* A sentinel poller on the same client, started after the stop: its request has the
   * same latency, so once it succeeded the cancelled one would have been answered. */
  {
    g_autoptr(TwPoller) sentinel = tw_poller_new (client, "health", INTERVAL);
    Counts sentinel_counts = { 0 };

    g_signal_connect (sentinel, "succeeded", G_CALLBACK (on_succeeded), &sentinel_counts);
    tw_poller_start (sentinel);
    g_assert_true (wait_until (poller_succeeded, &sentinel_counts, 10000));
    tw_poller_stop (sentinel);
    g_signal_handlers_disconnect_by_data (sentinel, &sentinel_counts);
  }
  /* Cancelled: neither signal, and no new request (the one more is the sentinel's). */
  g_assert_cmpuint (counts.succeeded, ==, 0);
  g_assert_cmpuint (counts.failed, ==, 0);
  g_assert_cmpuint (count_requests (&f, "investiq", NULL), ==, before + 2);

  /* Restarting works, and the poller goes away cleanly while a request is in flight. */
  tw_poller_start (poller);
  g_assert_true (tw_poller_get_in_flight (poller));
  g_signal_handlers_disconnect_by_data (poller, &counts);
  g_assert_finalize_object (g_steal_pointer (&poller));
  /* The cancelled request drops its reference on the client when its task completes. */
  tw_test_wait_until (g_atomic_int_get (&G_OBJECT (client)->ref_count) == 1, 5000);
  g_assert_finalize_object (g_steal_pointer (&client));

  fixture_teardown (&f);
}

typedef struct
{
  Counts   *counts;
  guint     signalled;   /* the counts when the poll finished */
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Once;

static void
on_polled_once (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Once *once = user_data;

  once->ok = tw_poller_poll_once_finish (TW_POLLER (object), result, &once->error);
  once->signalled = once->counts->succeeded + once->counts->failed;
  once->done = TRUE;
}

static gboolean
only_ref (gpointer data)
{
  return G_OBJECT (data)->ref_count == 1;
}

static gboolean
once_done (gpointer data)
{
  return ((Once *) data)->done;
}

/* One poll of a stopped poller: its answer signalled first, then the poll finishes; no
 * timer is left; a failure finishes with its error; a stop finishes it as cancelled. */
static void
test_poll_once (void)
{
  Fixture f = { 0 };
  Counts counts = { 0 };
  g_autoptr(TwClient) client = NULL;
  g_autoptr(TwPoller) poller = NULL;
  Once once = { &counts, 0, FALSE, FALSE, NULL };

  fixture_setup (&f, NULL);
  client = tw_client_new (f.http, f.secrets, tw_connector_registry_lookup (f.registry, "investiq"),
                          PROFILE, service (&f, "investiq"));
  poller = tw_poller_new (client, "health", INTERVAL);
  g_signal_connect (poller, "succeeded", G_CALLBACK (on_succeeded), &counts);
  g_signal_connect (poller, "failed", G_CALLBACK (on_failed), &counts);

  tw_poller_poll_once_async (poller, on_polled_once, &once);
  g_assert_true (tw_poller_get_in_flight (poller));
  g_assert_true (wait_until (once_done, &once, 5000));
  g_assert_no_error (once.error);
  g_assert_true (once.ok);
  g_assert_cmpuint (once.signalled, ==, 1);
  g_assert_cmpuint (counts.succeeded, ==, 1);
  g_assert_false (tw_poller_get_in_flight (poller));
  /* Stopped, it schedules nothing after its one poll. */
  g_assert_cmpuint (tw_poller_count_scheduler_sources (NULL), ==, 0);

  tw_test_sim_fault (f.sim, "investiq", "{\"path\":\"/health\",\"kind\":\"status\",\"status\":503}");
  once = (Once) { &counts, 0, FALSE, FALSE, NULL };
  tw_poller_poll_once_async (poller, on_polled_once, &once);
  g_assert_true (wait_until (once_done, &once, 5000));
  g_assert_false (once.ok);
  g_assert_error (once.error, TW_ERROR, TW_ERROR_SERVER);
  g_assert_cmpuint (counts.failed, ==, 1);
  g_clear_error (&once.error);

  tw_test_sim_clear_faults (f.sim);
  tw_test_sim_fault (f.sim, "investiq", "{\"path\":\"/health\",\"kind\":\"latency\",\"latency_ms\":1500}");
  once = (Once) { &counts, 0, FALSE, FALSE, NULL };
  tw_poller_poll_once_async (poller, on_polled_once, &once);
  tw_poller_stop (poller);
  g_assert_true (wait_until (once_done, &once, 1000));
  g_assert_error (once.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&once.error);

  g_signal_handlers_disconnect_by_data (poller, &counts);
  g_assert_finalize_object (g_steal_pointer (&poller));
  /* The cancelled request lets go of the client once its cancellation is handled. */
  g_assert_true (wait_until (only_ref, client, 2000));
  g_assert_finalize_object (g_steal_pointer (&client));
  fixture_teardown (&f);
}

static void
test_unsupported_operation (void)
{
  Fixture f = { 0 };
  g_autoptr(TwClient) client = NULL;
  g_autoptr(TwPoller) poller = NULL;
  g_autoptr(GError) error = NULL;
  Counts counts = { 0 };

  fixture_setup (&f, NULL);
  client = tw_client_new (f.http, f.secrets,
                          tw_connector_registry_lookup (f.registry, "autotrader"),
                          PROFILE, service (&f, "autotrader"));
  g_assert_false (tw_client_has_operation (client, "no.such.operation"));
  poller = tw_poller_new (client, "no.such.operation", INTERVAL);
  g_signal_connect (poller, "failed", G_CALLBACK (on_failed), &counts);
  tw_poller_start (poller);
  tw_test_wait_until (counts.failed >= 1, 5000);
  g_assert_cmpuint (counts.failed, ==, 1);
  g_assert_cmpuint (tw_poller_get_consecutive_failures (poller), ==, 1);
  tw_poller_stop (poller);
  g_signal_handlers_disconnect_by_data (poller, &counts);
  g_assert_finalize_object (g_steal_pointer (&poller));

  fixture_teardown (&f);
}

static gboolean
on_sentinel (gpointer data)
{
  return G_SOURCE_REMOVE;
}

/* The id of a source attached now: every source attached later has a larger one. */
static guint
source_id_now (void)
{
  guint id = g_idle_add (on_sentinel, NULL);

  g_source_remove (id);
  return id;
}

/* How many sources of the default context with ids in [@first, @last] belong to
 * pollers (all their sources are named "[tw] poller …"). */
static guint
count_poller_sources (guint first,
                      guint last)
{
  guint n = 0;

  for (guint id = first; id <= last; id++)
    {
      GSource *source = g_main_context_find_source_by_id (NULL, id);

      if (source != NULL && g_source_get_name (source) != NULL
          && g_str_has_prefix (g_source_get_name (source), "[tw] poller"))
        n++;
    }
  return n;
}

typedef struct
{
  GPtrArray *pollers;
  guint      first_id;
  guint      max_sources;
} Crowd;

static gboolean
crowd_all_succeeded (gpointer data)
{
  Crowd *crowd = data;

  /* Checked on every wake-up while they poll, not only at the end. */
  crowd->max_sources = MAX (crowd->max_sources,
                            count_poller_sources (crowd->first_id, source_id_now ()));
  for (guint i = 0; i < crowd->pollers->len; i++)
    if (tw_poller_get_last_success (g_ptr_array_index (crowd->pollers, i)) == NULL)
      return FALSE;
  return TRUE;
}

#define CROWD 200

/* 200 running pollers use one timer source between them (two each before), and
 * poll through it; stopped, they leave none. */
static void
test_shared_timer (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);
  Crowd crowd = { 0 };

  fixture_setup (&f, NULL);
  g_assert_cmpuint (tw_poller_count_scheduler_sources (NULL), ==, 0);

  crowd.pollers = g_ptr_array_new_with_free_func (g_object_unref);
  crowd.first_id = source_id_now ();
  for (guint i = 0; i < CROWD; i++)
    {
      /* A client each: the pollers of one client that send the same request share it. */
      TwClient *client = tw_client_new (f.http, f.secrets,
                                        tw_connector_registry_lookup (f.registry, "investiq"),
                                        PROFILE, service (&f, "investiq"));
      TwPoller *poller = tw_poller_new (client, "health", 60000);

      g_ptr_array_add (clients, client);
      g_ptr_array_add (crowd.pollers, poller);
      /* The first polls spread over 500 ms: none at once. */
      tw_poller_start_delayed (poller, 1 + i * 500 / CROWD);
      g_assert_false (tw_poller_get_in_flight (poller));
    }
  g_assert_cmpuint (count_poller_sources (crowd.first_id, source_id_now ()), ==, 1);
  g_assert_cmpuint (tw_poller_count_scheduler_sources (NULL), ==, 1);

  g_assert_true (wait_until (crowd_all_succeeded, &crowd, 10000));
  g_test_message ("%u pollers answered, at most %u poller sources", CROWD, crowd.max_sources);
  g_assert_cmpuint (crowd.max_sources, ==, 1);
  g_assert_cmpuint (count_requests (&f, "investiq", NULL), ==, CROWD);

  for (guint i = 0; i < CROWD; i++)
    tw_poller_stop (g_ptr_array_index (crowd.pollers, i));
  g_assert_cmpuint (count_poller_sources (crowd.first_id, source_id_now ()), ==, 0);
  g_assert_cmpuint (tw_poller_count_scheduler_sources (NULL), ==, 0);

  for (guint i = 0; i < CROWD; i++)
    g_assert_finalize_object (g_ptr_array_steal_index_fast (crowd.pollers, 0));
  g_ptr_array_unref (crowd.pollers);
  for (guint i = 0; i < CROWD; i++)
    {
      TwClient *client = g_ptr_array_index (clients, i);

      tw_test_wait_until (g_atomic_int_get (&G_OBJECT (client)->ref_count) == 1, 5000);
    }
  while (clients->len > 0)
    g_assert_finalize_object (g_ptr_array_steal_index_fast (clients, 0));
  fixture_teardown (&f);
}

typedef struct
{
  guint health;
  guint account;
  guint config;
  guint64 hash;
} Shared;

static void
shared_health_cb (TwPoller *poller, JsonNode *body, TwHttpResponse *response, Shared *shared)
{
  shared->health++;
  shared->hash = tw_poller_get_body_hash (poller);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (body));
}

static void
shared_account_cb (TwPoller *poller, JsonNode *body, TwHttpResponse *response, Shared *shared)
{
  shared->account++;
  g_assert_cmpuint (tw_poller_get_body_hash (poller), !=, 0);
}

static void
shared_config_cb (TwPoller *poller, JsonNode *body, TwHttpResponse *response, Shared *shared)
{
  shared->config++;
}

static guint
count_path (Fixture    *f,
            const char *flavor,
            const char *path)
{
  g_autoptr(JsonNode) log = tw_test_sim_requests (f->sim);
  JsonArray *array = json_node_get_array (log);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);

      n += g_strcmp0 (json_object_get_string_member (entry, "flavor"), flavor) == 0 &&
           g_strcmp0 (json_object_get_string_member (entry, "path"), path) == 0;
    }
  return n;
}

static gboolean
shared_polled_thrice (gpointer data)
{
  Shared *shared = data;

  return shared->health >= 3 && shared->account >= 3 && shared->config >= 3;
}

/* Alpaca's health and account are one request (GET /v2/account): two pollers of one
 * client send it once per interval and both get its answer; its configurations, another
 * path, are their own request. A poller stopped while it waits leaves the other its
 * answer; the last one to stop cancels it. */
static void
test_shared_request (void)
{
  Fixture f = { 0 };
  g_autoptr(TwClient) client = NULL;
  g_autoptr(TwPoller) health = NULL;
  g_autoptr(TwPoller) account = NULL;
  g_autoptr(TwPoller) config = NULL;
  Shared shared = { 0 };
  guint account_requests;

  fixture_setup (&f, NULL);
  client = tw_client_new (f.http, f.secrets, tw_connector_registry_lookup (f.registry, "alpaca"),
                          PROFILE, service (&f, "alpaca"));
  health = tw_poller_new (client, "health", 300);
  account = tw_poller_new (client, "account.get", 300);
  config = tw_poller_new (client, "trading.status", 300);
  g_signal_connect (health, "succeeded", G_CALLBACK (shared_health_cb), &shared);
  g_signal_connect (account, "succeeded", G_CALLBACK (shared_account_cb), &shared);
  g_signal_connect (config, "succeeded", G_CALLBACK (shared_config_cb), &shared);

  tw_poller_start (health);
  tw_poller_start (account);
  tw_poller_start (config);
  /* Both wait for the one request in flight. */
  g_assert_true (tw_poller_get_in_flight (health));
  g_assert_true (tw_poller_get_in_flight (account));
  g_assert_true (wait_until (shared_polled_thrice, &shared, 10000));

  tw_poller_stop (health);
  tw_poller_stop (account);
  tw_poller_stop (config);
  account_requests = count_path (&f, "alpaca", "/v2/account");
  g_test_message ("health %u, account %u answers, %u requests of /v2/account; config %u",
                  shared.health, shared.account, account_requests, shared.config);
  /* Every answer went to both (one more request may have been in flight at the stop). */
  g_assert_cmpuint (account_requests, <=, MAX (shared.health, shared.account) + 1);
  g_assert_cmpuint (account_requests, <, shared.health + shared.account);
  g_assert_cmpuint (count_path (&f, "alpaca", "/v2/account/configurations"), >=, shared.config);

  /* Stopped while waiting: the other still gets the answer. */
  shared.health = shared.account = 0;
  tw_poller_start (health);
  tw_poller_start (account);
  g_assert_true (tw_poller_get_in_flight (account));
  tw_poller_stop (health);
  g_assert_false (tw_poller_get_in_flight (health));
  g_assert_true (tw_poller_get_in_flight (account));
  tw_test_wait_until (shared.account >= 1, 5000);
  g_assert_cmpuint (shared.account, >=, 1);
  g_assert_cmpuint (shared.health, ==, 0);
  tw_poller_stop (account);

  g_clear_object (&health);
  g_clear_object (&account);
  g_clear_object (&config);
  tw_test_wait_until (g_atomic_int_get (&G_OBJECT (client)->ref_count) == 1, 5000);
  g_assert_finalize_object (g_steal_pointer (&client));
  fixture_teardown (&f);
}

static gint
compare_time (gconstpointer a,
              gconstpointer b)
{
  gint64 ta = *(const gint64 *) a, tb = *(const gint64 *) b;

  return (ta > tb) - (ta < tb);
}

/* A workspace spreads its first polls over the interval, and they stay spread.
 *
 * The times are when the simulator's thread received each request. A sanitizer build
 * (TW_TEST_TIMEOUT_SCALE) delivers requests there late by up to hundreds of ms, more
 * than the bounds below, so each gap and the first polls' spread are timing goals,
 * checked only in a normal build; the sanitizer build checks the cadence over more
 * polls instead: their number over the time they span, a poll per interval, never more. */
static void
test_stagger (void)
{
  Fixture f = { 0 };
  g_autoptr(GArray) firsts = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint min_polls = tw_test_timing_is_checked () ? 4 : 16;
  gint64 spread_us;

  fixture_setup (&f, NULL);
  tw_workspace_start (f.workspace);
  g_assert_true (wait_until (all_ok, &f, 5000));
  for (guint i = 0; flavors[i] != NULL; i++)
    tw_test_wait_until (count_requests (&f, flavors[i], NULL) >= min_polls, tw_test_scale_timeout (10000));

  for (guint i = 0; flavors[i] != NULL; i++)
    {
      g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
      gint64 span_us;
      guint n;

      count_requests (&f, flavors[i], times);
      g_assert_cmpuint (times->len, >=, min_polls);
      g_array_append_val (firsts, g_array_index (times, gint64, 0));
      n = times->len;
      span_us = g_array_index (times, gint64, n - 1) - g_array_index (times, gint64, 0);
      g_test_message ("%s: %u polls over %" G_GINT64_FORMAT " ms", flavors[i], n, span_us / 1000);
      /* One poll per interval (one started late in its slot may be followed by one on
       * time): n − 1 gaps of at least INTERVAL − 100 ms, less the first request's
       * delivery delay (up to 100 ms, times the sanitizer's scale). */
      g_assert_cmpint ((gint64) (n - 1) * (INTERVAL - 100) * 1000, <=,
                       span_us + (gint64) tw_test_scale_timeout (100) * 1000);
      /* Still on its own phase a few intervals later: each gap. */
      for (guint j = 1; j < n && tw_test_timing_is_checked (); j++)
        g_assert_cmpint (g_array_index (times, gint64, j) - g_array_index (times, gint64, j - 1),
                         >=, (INTERVAL - 100) * 1000);
    }
  g_array_sort (firsts, compare_time);
  spread_us = g_array_index (firsts, gint64, firsts->len - 1) - g_array_index (firsts, gint64, 0);
  g_test_message ("first polls of %u services spread over %" G_GINT64_FORMAT " ms",
                  firsts->len, spread_us / 1000);
  /* 5 services over 400 ms: 0, 80, … 320 ms (not all in the same millisecond),
   * each late by at most the shared timer's slot (100 ms). */
  if (tw_test_timing_is_checked ())
    {
      g_assert_cmpint (spread_us, >=, INTERVAL * 1000 / 2);
      g_assert_cmpint (spread_us, <, INTERVAL * 1000 + 100 * 1000);
    }

  fixture_teardown (&f);
}

int
main (int   argc,
      char *argv[])
{
  /* The isolated XDG dirs hide the system's GSettings schemas, which the GNOME
   * proxy resolver aborts without; loopback needs no proxy anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/poller/all-flavors-ok", test_all_flavors_ok);
  g_test_add_func ("/tw/core/poller/component-unhealthy", test_component_unhealthy);
  g_test_add_func ("/tw/core/poller/status-fault", test_status_fault);
  g_test_add_func ("/tw/core/poller/no-overlap", test_no_overlap);
  g_test_add_func ("/tw/core/poller/backoff", test_backoff);
  g_test_add_func ("/tw/core/poller/backoff-limit", test_backoff_limit);
  g_test_add_func ("/tw/core/poller/stale", test_stale);
  g_test_add_func ("/tw/core/poller/wrong-key", test_wrong_key);
  g_test_add_func ("/tw/core/poller/missing-secret", test_missing_secret);
  g_test_add_func ("/tw/core/poller/optional-secret", test_optional_secret);
  g_test_add_func ("/tw/core/poller/missing-connector", test_missing_connector);
  g_test_add_func ("/tw/core/poller/poll-now", test_poll_now);
  g_test_add_func ("/tw/core/poller/stop-cancels", test_stop_cancels);
  g_test_add_func ("/tw/core/poller/poll-once", test_poll_once);
  g_test_add_func ("/tw/core/poller/unsupported-operation", test_unsupported_operation);
  g_test_add_func ("/tw/core/poller/shared-timer", test_shared_timer);
  g_test_add_func ("/tw/core/poller/shared-request", test_shared_request);
  g_test_add_func ("/tw/core/poller/stagger", test_stagger);

  return g_test_run ();
}
