/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `tradewarden status` and `tradewarden halt`, the real verbs run as a child process
 * against the simulator: a saved profile whose secrets are in the session's keyring. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <json-glib/json-glib.h>

#include "tw-audit-log.h"
#include "tw-cli.h"
#include "tw-connector-registry.h"
#include "tw-fixture-server.h"
#include "tw-profile.h"
#include "tw-secrets.h"
#include "tw-test-util.h"

#define PROFILE "ops"

static char *self_exe;
static const char *flavors[] = TW_SIM_FLAVORS;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

typedef struct
{
  TwSimThread *sim;
  Run          run;
} Fixture;

static void
run_cli (Run *r,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = NULL;
  const char *arg;
  int wait_status = 0;
  va_list args;

  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
  g_ptr_array_add (argv, self_exe);
  g_ptr_array_add (argv, (char *) "--run-cli");
  va_start (args, r);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  envp = g_environ_setenv (g_get_environ (), "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  envp = g_environ_unsetenv (envp, "NO_COLOR");
  g_spawn_sync (NULL, (char **) argv->pdata, envp, 0, NULL, NULL, &r->out, &r->err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  r->status = WEXITSTATUS (wait_status);
  g_test_message ("exit %d\n--- stdout\n%s--- stderr\n%s", r->status, r->out, r->err);
}

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

/* Saves the profile @name with a service for each of @ids (connector ids), at @urls, its
 * secrets in the keyring: @credential (spec) gives each secret's value, NULL to store none. */
static void
save_profile_at (const char          *name,
                 const char * const  *ids,
                 const char * const  *urls,
                 const char        *(*credential) (gpointer data, const TwSecretSpec *spec),
                 gpointer             data)
{
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwSecrets) keyring = tw_secrets_new_keyring ();
  g_autoptr(TwProfile) profile = tw_profile_new (name, TW_MODE_PAPER);
  g_autofree char *dir = tw_profile_get_dir ();
  g_autofree char *file_name = g_strconcat (name, ".conf", NULL);
  g_autofree char *path = g_build_filename (dir, file_name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  tw_connector_registry_load_default (registry);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(TwService) service = tw_service_new (ids[i], ids[i], urls[i]);
      GPtrArray *specs = tw_connector_get_secrets (tw_connector_registry_lookup (registry, ids[i]));

      tw_profile_add_service (profile, service);
      for (guint j = 0; j < specs->len; j++)
        {
          const TwSecretSpec *spec = g_ptr_array_index (specs, j);
          const char *value = credential (data, spec);

          if (value == NULL)
            continue;
          g_assert_true (tw_secrets_store_sync (keyring, name, ids[i], spec->name, value, NULL, &error));
          g_assert_no_error (error);
        }
    }
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (tw_profile_save (profile, file, &error));
  g_assert_no_error (error);
}

static const char *
sim_credential (gpointer            data,
                const TwSecretSpec *spec)
{
  return credential_for (data, spec);
}

/* Saves the profile @name with a service for each of @ids (flavors) on the simulator. */
static void
save_profile (Fixture            *f,
              const char         *name,
              const char * const *ids)
{
  g_autoptr(GPtrArray) urls = g_ptr_array_new ();

  for (guint i = 0; ids[i] != NULL; i++)
    g_ptr_array_add (urls, (gpointer) tw_sim_thread_get_url (f->sim, ids[i]));
  g_ptr_array_add (urls, NULL);
  save_profile_at (name, ids, (const char * const *) urls->pdata, sim_credential, f->sim);
}

/* The saved profile PROFILE: one service per flavor, its secrets in the keyring. */
static gboolean
fixture_setup (Fixture *f)
{
  g_autofree char *state_dir = g_build_filename (g_get_user_state_dir (), "sim", NULL);

  if (g_getenv ("TW_TEST_SESSION") == NULL)
    {
      g_test_skip ("needs the keyring of the test session: run it with build-aux/run test");
      return FALSE;
    }

  /* The simulated kill switch persists in a file: one per test (isolated dirs). */
  g_assert_cmpint (g_mkdir_with_parents (state_dir, 0700), ==, 0);
  g_setenv ("TW_SIM_STATE_DIR", state_dir, TRUE);
  f->sim = tw_test_sim_start ();
  save_profile (f, PROFILE, flavors);
  return TRUE;
}

static void
fixture_teardown (Fixture *f)
{
  g_clear_pointer (&f->sim, tw_sim_thread_stop);
  g_clear_pointer (&f->run.out, g_free);
  g_clear_pointer (&f->run.err, g_free);
}

static JsonArray *
parse_array (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  return json_array_ref (json_node_get_array (root));
}

static JsonObject *
service_of (JsonArray  *services,
            const char *id)
{
  for (guint i = 0; i < json_array_get_length (services); i++)
    {
      JsonObject *service = json_array_get_object_element (services, i);

      if (g_strcmp0 (json_object_get_string_member (service, "id"), id) == 0)
        return service;
    }
  g_assert_not_reached ();
}

static JsonObject *
breaker_of (JsonObject *service,
            const char *id)
{
  JsonArray *breakers = json_object_get_array_member (json_object_get_object_member (service, "trading"),
                                                      "breakers");

  for (guint i = 0; i < json_array_get_length (breakers); i++)
    {
      JsonObject *breaker = json_array_get_object_element (breakers, i);

      if (g_strcmp0 (json_object_get_string_member (breaker, "id"), id) == 0)
        return breaker;
    }
  g_assert_not_reached ();
}

static gboolean
has_problem (JsonObject *service,
             const char *problem)
{
  JsonArray *problems = json_object_get_array_member (service, "problems");

  for (guint i = 0; i < json_array_get_length (problems); i++)
    if (g_strcmp0 (json_array_get_string_element (problems, i), problem) == 0)
      return TRUE;
  return FALSE;
}

static void
assert_healthy (JsonObject *service)
{
  JsonObject *health = json_object_get_object_member (service, "health");
  JsonArray *components = json_object_get_array_member (health, "components");

  g_assert_true (json_object_get_boolean_member (service, "ok"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (service, "problems")), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (health, "state"), ==, "ok");
  g_assert_false (json_object_get_boolean_member (health, "stale"));
  g_assert_true (json_object_get_null_member (health, "error"));
  g_assert_cmpfloat (json_object_get_double_member (health, "latency_ms"), >=, 0);
  g_assert_nonnull (json_object_get_string_member (health, "last_success"));
  for (guint i = 0; i < json_array_get_length (components); i++)
    {
      JsonObject *component = json_array_get_object_element (components, i);

      g_assert_nonnull (json_object_get_string_member (component, "name"));
      g_assert_cmpstr (json_object_get_string_member (component, "health"), ==, "ok");
    }
}

/* Every service answers and trades: exit 0, every field of the JSON as the simulator has it. */
static void
test_status_healthy (void)
{
  Fixture f = { 0 };
  g_autoptr(JsonArray) services = NULL;
  JsonObject *investiq, *ibkr, *autotrader, *trading, *kill_switch, *breaker;

  if (!fixture_setup (&f))
    return;

  run_cli (&f.run, "status", "--profile", PROFILE, NULL);
  g_assert_cmpint (f.run.status, ==, 0);
  for (guint i = 0; flavors[i] != NULL; i++)
    g_assert_nonnull (strstr (f.run.out, flavors[i]));
  g_assert_nonnull (strstr (f.run.out, "Every service is OK and trading."));
  g_assert_null (strstr (f.run.out, "\033["));   /* no colour into a pipe */

  run_cli (&f.run, "status", "--profile", PROFILE, "--json", NULL);
  g_assert_cmpint (f.run.status, ==, 0);
  services = parse_array (f.run.out);
  g_assert_cmpuint (json_array_get_length (services), ==, g_strv_length ((GStrv) flavors));
  for (guint i = 0; flavors[i] != NULL; i++)
    {
      JsonObject *service = json_array_get_object_element (services, i);

      g_assert_cmpstr (json_object_get_string_member (service, "id"), ==, flavors[i]);
      g_assert_cmpstr (json_object_get_string_member (service, "connector"), ==, flavors[i]);
      g_assert_cmpstr (json_object_get_string_member (service, "url"), ==,
                       tw_sim_thread_get_url (f.sim, flavors[i]));
      assert_healthy (service);
    }

  investiq = service_of (services, "investiq");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
    json_object_get_object_member (investiq, "health"), "components")), >, 0);
  trading = json_object_get_object_member (investiq, "trading");
  g_assert_cmpstr (json_object_get_string_member (trading, "state"), ==, "ACTIVE");
  g_assert_true (json_object_get_boolean_member (trading, "reported"));
  g_assert_true (json_object_get_null_member (trading, "error"));
  g_assert_true (json_object_get_null_member (trading, "kill_switch"));
  breaker = breaker_of (investiq, "consecutive_losses");
  g_assert_cmpstr (json_object_get_string_member (breaker, "state"), ==, "closed");
  g_assert_false (json_object_get_boolean_member (breaker, "tripped"));
  g_assert_cmpfloat (json_object_get_double_member (breaker, "value"), ==, 0);
  g_assert_cmpfloat (json_object_get_double_member (breaker, "limit"), >, 0);
  g_assert_cmpstr (json_object_get_string_member (breaker, "unit"), ==, "count");

  ibkr = service_of (services, "ibkr-assistant");
  kill_switch = json_object_get_object_member (json_object_get_object_member (ibkr, "trading"), "kill_switch");
  g_assert_nonnull (kill_switch);
  g_assert_false (json_object_get_boolean_member (kill_switch, "active"));

  /* Breakers only, no trading switch: its trading state is not reported, never guessed. */
  autotrader = service_of (services, "autotrader");
  trading = json_object_get_object_member (autotrader, "trading");
  g_assert_false (json_object_get_boolean_member (trading, "reported"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (trading, "breakers")), >, 0);

  fixture_teardown (&f);
}

/* A breaker tripped by the simulator's scenario: exit 1, the breaker and the halt shown. */
static void
test_status_breaker_tripped (void)
{
  Fixture f = { 0 };
  g_autoptr(JsonArray) services = NULL;
  JsonObject *investiq, *breaker;

  if (!fixture_setup (&f))
    return;

  tw_test_sim_scenario (f.sim, "{\"name\":\"losing-streak\"}");
  run_cli (&f.run, "status", "--profile", PROFILE, "--json", NULL);
  g_assert_cmpint (f.run.status, ==, 1);
  services = parse_array (f.run.out);
  investiq = service_of (services, "investiq");
  g_assert_false (json_object_get_boolean_member (investiq, "ok"));
  g_assert_true (has_problem (investiq, "breaker consecutive_losses tripped"));
  g_assert_true (has_problem (investiq, "trading HALTED"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (investiq, "trading"),
                                                  "state"), ==, "HALTED");
  breaker = breaker_of (investiq, "consecutive_losses");
  g_assert_true (json_object_get_boolean_member (breaker, "tripped"));
  g_assert_cmpfloat (json_object_get_double_member (breaker, "value"), >=,
                     json_object_get_double_member (breaker, "limit"));
  /* The others are not touched. */
  assert_healthy (service_of (services, "alpaca"));

  run_cli (&f.run, "status", "--profile", PROFILE, NULL);
  g_assert_cmpint (f.run.status, ==, 1);
  g_assert_nonnull (strstr (f.run.out, "TRIPPED"));
  g_assert_nonnull (strstr (f.run.out, "NOT every service is OK and trading"));

  fixture_teardown (&f);
}

/* A service that does not answer is unreachable with the error, never OK; its trading
 * state is unknown, not the last one seen. */
static void
test_status_service_down (void)
{
  Fixture f = { 0 };
  g_autoptr(JsonArray) services = NULL;
  JsonObject *ai, *autotrader, *health, *trading;

  if (!fixture_setup (&f))
    return;

  tw_test_sim_fault (f.sim, "ai-trading", "{\"path\":\"*\",\"kind\":\"drop\"}");
  /* Slower than any timeout: unreachable too, with the timeout said. */
  tw_test_sim_fault (f.sim, "autotrader", "{\"path\":\"*\",\"kind\":\"latency\",\"latency_ms\":60000}");
  tw_test_sim_health (f.sim, "ibkr-assistant", "{\"component\":\"audit_store\",\"status\":\"degraded\"}");
  run_cli (&f.run, "status", "--profile", PROFILE, "--json", NULL);
  g_assert_cmpint (f.run.status, ==, 1);
  services = parse_array (f.run.out);

  ai = service_of (services, "ai-trading");
  health = json_object_get_object_member (ai, "health");
  g_assert_false (json_object_get_boolean_member (ai, "ok"));
  g_assert_cmpstr (json_object_get_string_member (health, "state"), ==, "unreachable");
  g_assert_nonnull (json_object_get_string_member (health, "error"));
  g_assert_true (json_object_get_null_member (health, "latency_ms"));
  g_assert_true (json_object_get_null_member (health, "last_success"));
  /* Its runbook gives no read-back of its trading state: never asked, so no error, and
   * never a guessed state. */
  trading = json_object_get_object_member (ai, "trading");
  g_assert_cmpstr (json_object_get_string_member (trading, "state"), ==, "unknown");
  g_assert_false (json_object_get_boolean_member (trading, "reported"));
  g_assert_true (has_problem (ai, "health unreachable"));

  autotrader = service_of (services, "autotrader");
  health = json_object_get_object_member (autotrader, "health");
  g_assert_false (json_object_get_boolean_member (autotrader, "ok"));
  g_assert_cmpstr (json_object_get_string_member (health, "state"), ==, "unreachable");
  g_test_message ("slow service: %s", json_object_get_string_member (health, "error"));
  g_assert_nonnull (json_object_get_string_member (health, "error"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (autotrader, "trading"),
                                                  "state"), ==, "unknown");

  /* A degraded component makes its service not OK. */
  g_assert_false (json_object_get_boolean_member (service_of (services, "ibkr-assistant"), "ok"));
  g_assert_true (has_problem (service_of (services, "ibkr-assistant"), "audit_store degraded"));
  assert_healthy (service_of (services, "investiq"));

  fixture_teardown (&f);
}

static guint
count_audit_rows (const char *action,
                  const char *text)
{
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  g_autoptr(TwAuditLog) audit = NULL;
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(GError) error = NULL;

  audit = tw_audit_log_open (NULL, &error);
  g_assert_no_error (error);
  filter.profile = PROFILE;
  filter.action = action;
  filter.text = text;
  rows = tw_audit_log_query (audit, &filter, NULL, &error);
  g_assert_no_error (error);
  return g_list_model_get_n_items (rows);
}

static JsonObject *
result_of (JsonArray  *results,
           const char *id)
{
  return service_of (results, id);
}

/* Every service that can halt halts, audited, and says so when read back. */
static void
test_halt (void)
{
  Fixture f = { 0 };
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonArray) services = NULL;
  guint n_halted = 0;

  if (!fixture_setup (&f))
    return;

  run_cli (&f.run, "halt", "--profile", PROFILE, "--reason", "cli drill 7", "--json", NULL);
  g_assert_cmpint (f.run.status, ==, 0);
  results = parse_array (f.run.out);
  g_assert_cmpuint (json_array_get_length (results), ==, g_strv_length ((GStrv) flavors));
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *result = json_array_get_object_element (results, i);
      const char *word = json_object_get_string_member (result, "result");

      if (g_str_equal (word, "cannot-halt"))
        {
          g_assert_false (json_object_get_boolean_member (result, "halted"));
          g_assert_nonnull (strstr (json_object_get_string_member (result, "detail"), "runbook"));
          continue;
        }
      g_assert_cmpstr (word, ==, "halted");
      g_assert_true (json_object_get_boolean_member (result, "halted"));
      g_assert_cmpint (json_object_get_int_member (result, "http_status"), >=, 200);
      g_assert_cmpint (json_object_get_int_member (result, "http_status"), <, 300);
      n_halted++;
    }
  g_assert_cmpuint (n_halted, >=, 3);
  /* Read back: the service's own word, not our assumption. */
  g_assert_cmpstr (json_object_get_string_member (result_of (results, "investiq"), "trading_state"), ==, "HALTED");
  g_assert_cmpstr (json_object_get_string_member (result_of (results, "autotrader"), "result"), ==, "cannot-halt");

  /* Audited: a "requested" and an outcome row per service halted, with the reason. */
  g_assert_cmpuint (count_audit_rows ("trading.halt", "cli drill 7"), >=, 2 * n_halted);

  /* And status now says so. */
  run_cli (&f.run, "status", "--profile", PROFILE, "--json", NULL);
  g_assert_cmpint (f.run.status, ==, 1);
  services = parse_array (f.run.out);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
    service_of (services, "investiq"), "trading"), "state"), ==, "HALTED");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
    service_of (services, "investiq"), "trading"), "reason"), ==, "cli drill 7");

  run_cli (&f.run, "halt", "--profile", PROFILE, NULL);
  g_assert_cmpint (f.run.status, ==, 0);
  g_assert_nonnull (strstr (f.run.out, "Every service that can halt is halted."));

  fixture_teardown (&f);
}

/* Services halted by someone else before: halted, as they say (this simulator takes the new
 * halt and its reason; a service that keeps the first one is "already halted", with its
 * reason), and no failure. */
static void
test_halt_already (void)
{
  Fixture f = { 0 };
  g_autoptr(JsonArray) results = NULL;

  if (!fixture_setup (&f))
    return;

  tw_test_sim_scenario (f.sim, "{\"name\":\"external-halt\",\"flavor\":\"investiq\",\"by\":\"desk\","
                               "\"reason\":\"desk stop 4\"}");
  tw_test_sim_scenario (f.sim, "{\"name\":\"external-halt\",\"flavor\":\"ibkr-assistant\",\"by\":\"desk\","
                               "\"reason\":\"desk stop 4\"}");
  run_cli (&f.run, "halt", "--profile", PROFILE, "--reason", "cli drill 9", "--json", NULL);
  g_assert_cmpint (f.run.status, ==, 0);
  results = parse_array (f.run.out);
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *result = json_array_get_object_element (results, i);

      const char *id = json_object_get_string_member (result, "id");
      const char *word = json_object_get_string_member (result, "result");
      const char *detail = json_object_get_string_member (result, "detail");

      g_test_message ("%s: %s — %s", id, word, detail);
      if (!g_str_equal (id, "investiq") && !g_str_equal (id, "ibkr-assistant"))
        continue;
      g_assert_true (json_object_get_boolean_member (result, "halted"));
      g_assert_cmpstr (json_object_get_string_member (result, "trading_state"), ==, "HALTED");
      if (g_str_equal (word, "already-halted"))
        g_assert_nonnull (strstr (detail, "desk stop 4"));
      else
        {
          g_assert_cmpstr (word, ==, "halted");
          g_assert_nonnull (strstr (detail, "cli drill 9"));
        }
    }
  fixture_teardown (&f);
}

/* A halt refused by one service and unanswered by another: exit 1, each said, the others halted. */
static void
test_halt_fails (void)
{
  Fixture f = { 0 };
  g_autoptr(JsonArray) results = NULL;
  JsonObject *alpaca, *ai;

  if (!fixture_setup (&f))
    return;

  tw_test_sim_fault (f.sim, "alpaca", "{\"path\":\"*\",\"method\":\"PATCH\",\"kind\":\"status\",\"status\":500}");
  tw_test_sim_fault (f.sim, "alpaca", "{\"path\":\"*\",\"method\":\"POST\",\"kind\":\"status\",\"status\":500}");
  tw_test_sim_fault (f.sim, "ai-trading", "{\"path\":\"*\",\"method\":\"POST\",\"kind\":\"drop\"}");
  run_cli (&f.run, "halt", "--profile", PROFILE, "--json", NULL);
  g_assert_cmpint (f.run.status, ==, 1);
  results = parse_array (f.run.out);

  alpaca = result_of (results, "alpaca");
  g_assert_cmpstr (json_object_get_string_member (alpaca, "result"), ==, "failed");
  g_assert_false (json_object_get_boolean_member (alpaca, "halted"));
  g_assert_cmpint (json_object_get_int_member (alpaca, "http_status"), ==, 500);

  ai = result_of (results, "ai-trading");
  g_assert_cmpstr (json_object_get_string_member (ai, "result"), ==, "unknown");
  g_assert_false (json_object_get_boolean_member (ai, "halted"));
  g_assert_true (json_object_get_null_member (ai, "http_status"));

  g_assert_cmpstr (json_object_get_string_member (result_of (results, "investiq"), "result"), ==, "halted");

  run_cli (&f.run, "halt", "--profile", PROFILE, NULL);
  g_assert_cmpint (f.run.status, ==, 1);
  g_assert_nonnull (strstr (f.run.out, "FAILED"));
  g_assert_nonnull (strstr (f.run.out, "NOT every service halted"));

  fixture_teardown (&f);
}

/* The cron bot (no API) whose crontab cannot be written: its own result, "failed" with
 * the crontab's words, exit 1. A stand-in crontab in a private folder: never the user's. */
static void
test_halt_cron_bot_fails (void)
{
  static const char script[] =
    "#!/bin/sh\n"
    "root=$(dirname \"$0\")/..\n"
    "case \"$1\" in\n"
    "  -l) cat \"$root/crontab.txt\" ;;\n"
    "  -) echo \"crontab: installing new crontab failed: read-only spool\" >&2; exit 1 ;;\n"
    "  *) exit 2 ;;\n"
    "esac\n";
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tw-cli-cron-XXXXXX", &error);
  g_autofree char *bin = g_build_filename (dir, "bin", NULL);
  g_autofree char *crontab = g_build_filename (bin, "crontab", NULL);
  g_autofree char *table = g_build_filename (dir, "crontab.txt", NULL);
  g_autofree char *pattern = g_build_filename (dir, "live_trading.py", NULL);
  g_autofree char *line = g_strdup_printf ("*/5 9-16 * * 1-5 /bin/sh %s\n", pattern);
  g_autofree char *url = g_filename_to_uri (dir, NULL, NULL);
  g_autoptr(TwProfile) profile = tw_profile_new ("cron", TW_MODE_PAPER);
  g_autoptr(TwService) service = tw_service_new ("bot", "cron-bot", url);
  g_autofree char *profiles = tw_profile_get_dir ();
  g_autofree char *path = g_build_filename (profiles, "cron.conf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(JsonArray) results = NULL;
  JsonObject *bot;
  Run r = { 0, };

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (bin, 0700), ==, 0);
  g_assert_true (g_file_set_contents_full (crontab, script, -1, G_FILE_SET_CONTENTS_NONE, 0755, NULL));
  g_assert_true (g_file_set_contents_full (table, line, -1, G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  tw_service_set_name (service, "Cron bot");
  tw_service_set_setting (service, "Pattern", pattern);
  tw_service_set_setting (service, "CommandPath", bin);
  tw_profile_add_service (profile, service);
  g_assert_cmpint (g_mkdir_with_parents (profiles, 0700), ==, 0);
  g_assert_true (tw_profile_save (profile, file, &error));
  g_assert_no_error (error);

  run_cli (&r, "halt", "--profile", "cron", "--json", NULL);
  g_assert_cmpint (r.status, ==, 1);
  results = parse_array (r.out);
  bot = result_of (results, "bot");
  g_assert_cmpstr (json_object_get_string_member (bot, "result"), ==, "failed");
  g_assert_false (json_object_get_boolean_member (bot, "halted"));

  run_cli (&r, "halt", "--profile", "cron", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "failed: Cron bot: Could not remove the bot's lines from the crontab"));
  g_assert_nonnull (strstr (r.out, "read-only spool"));
  /* The table is as it was. */
  {
    g_autofree char *text = NULL;

    g_assert_true (g_file_get_contents (table, &text, NULL, NULL));
    g_assert_cmpstr (text, ==, line);
  }
  g_clear_pointer (&r.out, g_free);
  g_clear_pointer (&r.err, g_free);
  g_remove (crontab);
  g_remove (table);
  g_remove (bin);
  g_remove (dir);
}

/* A profile none of whose services can be halted from here: nothing is known to have
 * stopped, so the halt fails, saying what to do for each. */
static void
test_halt_none (void)
{
  Fixture f = { 0 };
  static const char * const breakers_only[] = { "autotrader", NULL };
  g_autoptr(JsonArray) results = NULL;

  if (!fixture_setup (&f))
    return;

  save_profile (&f, "sources", breakers_only);
  run_cli (&f.run, "halt", "--profile", "sources", "--json", NULL);
  g_assert_cmpint (f.run.status, ==, 1);
  results = parse_array (f.run.out);
  g_assert_cmpuint (json_array_get_length (results), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (result_of (results, "autotrader"), "result"), ==, "cannot-halt");
  run_cli (&f.run, "halt", "--profile", "sources", NULL);
  g_assert_cmpint (f.run.status, ==, 1);
  g_assert_nonnull (strstr (f.run.out, "No service of this profile can be halted from here"));

  fixture_teardown (&f);
}

/* Usage errors exit 2 with one line; --help exits 0. No keyring needed. */
static void
test_usage (void)
{
  Run r = { 0, };
  const char *verbs[] = { "status", "halt" };

  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    {
      run_cli (&r, verbs[i], "--profile", "../etc", NULL);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_nonnull (strstr (r.err, "--profile: "));
      run_cli (&r, verbs[i], "--profile", "a/b", NULL);
      g_assert_cmpint (r.status, ==, 2);
      run_cli (&r, verbs[i], "--profile", "x", "--demo", NULL);
      g_assert_cmpint (r.status, ==, 2);
      run_cli (&r, verbs[i], "--frobnicate", NULL);
      g_assert_cmpint (r.status, ==, 2);
      run_cli (&r, verbs[i], "extra", "--demo", NULL);
      g_assert_cmpint (r.status, ==, 2);
      /* No profile named and none last opened (GSETTINGS_BACKEND=memory). */
      run_cli (&r, verbs[i], NULL);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_nonnull (strstr (r.err, "--profile NAME"));
      /* A valid name that is not saved is no usage error. */
      run_cli (&r, verbs[i], "--profile", "nosuch", NULL);
      g_assert_cmpint (r.status, ==, 1);
      g_assert_nonnull (strstr (r.err, "no saved profile"));

      run_cli (&r, verbs[i], "--help", NULL);
      g_assert_cmpint (r.status, ==, 0);
      g_assert_nonnull (strstr (r.out, "--profile"));
      g_assert_nonnull (strstr (r.out, "--demo"));
      g_assert_nonnull (strstr (r.out, "--json"));
    }
  run_cli (&r, "halt", "--help", NULL);
  g_assert_nonnull (strstr (r.out, "--reason"));

  g_clear_pointer (&r.out, g_free);
  g_clear_pointer (&r.err, g_free);
}

/* `tradewarden --help` (the real program) lists both verbs, each pointing to its --help. */
static void
test_top_level_help (void)
{
  g_autofree char *binary = g_test_build_filename (G_TEST_BUILT, "..", "src", "tradewarden", NULL);
  const char *argv[] = { binary, "--help", NULL };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = g_environ_unsetenv (g_get_environ (), "DISPLAY");
  g_autofree char *out = NULL;
  int wait_status = 0;

  envp = g_environ_unsetenv (envp, "WAYLAND_DISPLAY");
  g_spawn_sync (NULL, (char **) argv, envp, 0, NULL, NULL, &out, NULL, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 0);
  g_assert_nonnull (strstr (out, "\n  status "));
  g_assert_nonnull (strstr (out, "\n  halt "));
  g_assert_nonnull (strstr (out, "tradewarden status --help"));
  g_assert_nonnull (strstr (out, "tradewarden halt --help"));
}

/* --demo: the built-in simulator, started and stopped by the verb. */
static void
test_demo (void)
{
  Run r = { 0, };
  g_autoptr(JsonArray) services = NULL;
  JsonObject *investiq;

  run_cli (&r, "status", "--demo", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  services = parse_array (r.out);
  /* One service per simulator flavor, and the cron bot (no API: stand-in commands). */
  g_assert_cmpuint (json_array_get_length (services), ==, g_strv_length ((GStrv) flavors) + 1);
  g_assert_nonnull (service_of (services, "cron-bot"));
  for (guint i = 0; i < json_array_get_length (services); i++)
    assert_healthy (json_array_get_object_element (services, i));
  /* Every breaker of the demo has its limit: InvestIQ's losses, the Autotrader's sources. */
  investiq = service_of (services, "investiq");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_object_get_object_member (investiq, "trading"), "breakers")), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_object_get_object_member (service_of (services, "autotrader"), "trading"),
                      "breakers")), ==, 4);
  for (guint s = 0; s < json_array_get_length (services); s++)
    {
      JsonObject *trading = json_object_get_object_member (json_array_get_object_element (services, s),
                                                           "trading");
      JsonArray *breakers = json_object_get_array_member (trading, "breakers");

      for (guint i = 0; breakers != NULL && i < json_array_get_length (breakers); i++)
        g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (breakers, i), "limit"), >, 0);
    }

  run_cli (&r, "halt", "--demo", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "HALTED"));
  g_assert_nonnull (strstr (r.out, "commands run"));

  g_clear_pointer (&r.out, g_free);
  g_clear_pointer (&r.err, g_free);
}

/* The runbooks' own examples (tests/fixtures/runbooks), served by the fixture server, not
 * the simulator: the verbs read what the real services document. */
typedef struct
{
  TwFixtureServer *investiq;
  TwFixtureServer *ibkr;
  Run              run;
} Examples;

static const char *
example_credential (gpointer            data,
                    const TwSecretSpec *spec)
{
  return "runbook-example-key";
}

static gboolean
examples_setup (Examples   *e,
                const char *ibkr_system)
{
  const char *ids[] = { "investiq", "ibkr-assistant", NULL };
  const char *urls[3] = { NULL, };

  if (g_getenv ("TW_TEST_SESSION") == NULL)
    {
      g_test_skip ("needs the keyring of the test session: run it with build-aux/run test");
      return FALSE;
    }
  e->investiq = tw_fixture_server_new ("000-investiq");
  e->ibkr = tw_fixture_server_new (ibkr_system);
  urls[0] = tw_fixture_server_get_url (e->investiq);
  urls[1] = tw_fixture_server_get_url (e->ibkr);
  save_profile_at ("runbook", ids, urls, example_credential, NULL);
  return TRUE;
}

static void
examples_teardown (Examples *e)
{
  g_clear_pointer (&e->investiq, tw_fixture_server_free);
  g_clear_pointer (&e->ibkr, tw_fixture_server_free);
  g_clear_pointer (&e->run.out, g_free);
  g_clear_pointer (&e->run.err, g_free);
}

static gboolean
has_component (JsonObject *service,
               const char *name)
{
  JsonArray *components = json_object_get_array_member (json_object_get_object_member (service, "health"),
                                                        "components");

  for (guint i = 0; i < json_array_get_length (components); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (components, i), "name"),
                   name) == 0)
      return TRUE;
  return FALSE;
}

static void
assert_breaker (JsonObject *service,
                const char *id,
                double      value,
                double      limit,
                gboolean    tripped)
{
  JsonObject *breaker = breaker_of (service, id);

  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (breaker, "value"), value, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (breaker, "limit"), limit, 1e-9);
  g_assert_true (json_object_get_boolean_member (breaker, "tripped") == tripped);
}

/* 000's circuit-breaker state (halted after 3 consecutive losses, limits 5 %, 3, 10 %) and
 * 003's kill switch after activation: status says exactly that, with the runbooks' limits
 * and components, and exits 1. */
static void
test_status_runbook_examples (void)
{
  Examples e = { 0 };
  g_autoptr(JsonArray) services = NULL;
  JsonObject *investiq, *ibkr, *trading, *kill_switch;

  if (!examples_setup (&e, "003-ibkr-assistant-active"))
    return;

  run_cli (&e.run, "status", "--profile", "runbook", "--json", NULL);
  g_assert_cmpint (e.run.status, ==, 1);
  services = parse_array (e.run.out);
  g_assert_cmpuint (json_array_get_length (services), ==, 2);

  investiq = service_of (services, "investiq");
  trading = json_object_get_object_member (investiq, "trading");
  g_assert_cmpstr (json_object_get_string_member (trading, "state"), ==, "HALTED");
  g_assert_nonnull (strstr (json_object_get_string_member (trading, "reason"), "3 consecutive losses"));
  assert_breaker (investiq, "consecutive_losses", 3, 3, TRUE);
  assert_breaker (investiq, "daily_loss", 1.5, 5, FALSE);
  assert_breaker (investiq, "drawdown", 2.5, 10, FALSE);
  g_assert_true (has_component (investiq, "polygon"));
  g_assert_true (has_component (investiq, "alpaca"));
  g_assert_true (has_component (investiq, "ml_service"));
  g_assert_cmpstr (tw_fixture_server_last_header (e.investiq, "GET", "/api/risk/circuit-breakers", "X-API-Key"),
                   ==, "runbook-example-key");

  ibkr = service_of (services, "ibkr-assistant");
  trading = json_object_get_object_member (ibkr, "trading");
  kill_switch = json_object_get_object_member (trading, "kill_switch");
  g_assert_nonnull (kill_switch);
  g_assert_true (json_object_get_boolean_member (kill_switch, "active"));
  g_assert_cmpstr (json_object_get_string_member (trading, "state"), ==, "HALTED");
  g_assert_nonnull (strstr (json_object_get_string_member (trading, "reason"),
                            "Broker connection lost - emergency halt"));
  g_assert_cmpuint (tw_fixture_server_count (e.ibkr, "GET", "/api/v1/kill-switch/status"), >=, 1);

  examples_teardown (&e);
}

/* Halt against the runbooks' examples: InvestIQ takes 000's request (halt, reason) and its
 * breakers read back halted; 003's activate answers "activated", but its status example
 * still says the switch is off, and halt says so instead of trusting the answer: exit 1. */
static void
test_halt_runbook_examples (void)
{
  Examples e = { 0 };
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonNode) sent = NULL;
  JsonObject *investiq, *ibkr;

  if (!examples_setup (&e, "003-ibkr-assistant"))
    return;

  run_cli (&e.run, "halt", "--profile", "runbook", "--reason", "runbook drill", "--json", NULL);
  g_assert_cmpint (e.run.status, ==, 1);
  results = parse_array (e.run.out);

  g_assert_cmpuint (tw_fixture_server_count (e.investiq, "POST", "/api/risk/trading-halt"), ==, 1);
  sent = tw_fixture_server_last_body (e.investiq, "POST", "/api/risk/trading-halt");
  g_assert_nonnull (sent);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (sent), "halt"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (sent), "reason"), ==, "runbook drill");
  investiq = result_of (results, "investiq");
  g_assert_true (json_object_get_boolean_member (investiq, "halted"));
  g_assert_cmpstr (json_object_get_string_member (investiq, "trading_state"), ==, "HALTED");

  g_assert_cmpuint (tw_fixture_server_count (e.ibkr, "POST", "/api/v1/kill-switch/activate"), ==, 1);
  ibkr = result_of (results, "ibkr-assistant");
  g_assert_false (json_object_get_boolean_member (ibkr, "halted"));
  g_assert_cmpstr (json_object_get_string_member (ibkr, "result"), ==, "not-confirmed");
  g_assert_cmpstr (json_object_get_string_member (ibkr, "trading_state"), ==, "ACTIVE");

  /* 003's health example: every component it names, the broker among them, OK. */
  run_cli (&e.run, "status", "--profile", "runbook", "--json", NULL);
  g_clear_pointer (&results, json_array_unref);
  results = parse_array (e.run.out);
  ibkr = service_of (results, "ibkr-assistant");
  g_assert_true (has_component (ibkr, "broker"));
  g_assert_true (has_component (ibkr, "kill_switch"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (ibkr, "health"), "state"),
                   ==, "ok");

  examples_teardown (&e);
}

int
main (int    argc,
      char **argv)
{
  if (argc > 1 && g_strcmp0 (argv[1], "--run-cli") == 0)
    {
      argv[1] = (char *) "tradewarden";
      return tw_cli_main (argc - 1, argv + 1);
    }

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  self_exe = g_file_read_link ("/proc/self/exe", NULL);

  g_test_add_func ("/tw/cli/status/usage", test_usage);
  g_test_add_func ("/tw/cli/status/top-level-help", test_top_level_help);
  g_test_add_func ("/tw/cli/status/demo", test_demo);
  g_test_add_func ("/tw/cli/status/healthy", test_status_healthy);
  g_test_add_func ("/tw/cli/status/breaker-tripped", test_status_breaker_tripped);
  g_test_add_func ("/tw/cli/status/service-down", test_status_service_down);
  g_test_add_func ("/tw/cli/halt/all", test_halt);
  g_test_add_func ("/tw/cli/halt/failures", test_halt_fails);
  g_test_add_func ("/tw/cli/halt/none", test_halt_none);
  g_test_add_func ("/tw/cli/halt/cron-bot-fails", test_halt_cron_bot_fails);
  g_test_add_func ("/tw/cli/halt/already", test_halt_already);
  g_test_add_func ("/tw/cli/status/runbook-examples", test_status_runbook_examples);
  g_test_add_func ("/tw/cli/halt/runbook-examples", test_halt_runbook_examples);

  return g_test_run ();
}
