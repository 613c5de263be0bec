/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "tw-sim.h"
#include "tw-test-util.h"

static void
assert_rfc3339 (const char *text)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (text, NULL);

  g_assert_nonnull (dt);
}

/* Health bodies */

static void
test_health_investiq (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(TwTestAnswer) a = tw_test_sim_fetch (sim, "investiq", "GET", "/health", TW_TEST_AUTH_GOOD);
  g_autoptr(JsonNode) node = tw_test_answer_json (a);
  JsonObject *o = json_node_get_object (node);
  JsonObject *deps = json_object_get_object_member (o, "dependencies");
  JsonObject *broker = json_object_get_object_member (deps, "alpaca");

  g_assert_cmpuint (a->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (a->headers, NULL), ==, "application/json");
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "healthy");
  g_assert_cmpstr (json_object_get_string_member (o, "version"), ==, "2.4.1");
  g_assert_cmpint (json_object_get_int_member (o, "uptime_seconds"), >=, 12345);
  assert_rfc3339 (json_object_get_string_member (o, "timestamp"));
  g_assert_cmpstr (json_object_get_string_member (broker, "status"), ==, "healthy");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (broker, "latency_ms"), 35.0, 1e-9);
  g_assert_cmpstr (json_object_get_string_member (broker, "message"), ==,
                   "connected to Alpaca (paper)");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (
                                    json_object_get_object_member (deps, "polygon"),
                                    "latency_ms"), 48.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (
                                    json_object_get_object_member (deps, "ml_service"),
                                    "latency_ms"), 3.1, 1e-9);
  g_assert_cmpuint (json_object_get_size (deps), ==, 3);

  tw_sim_thread_stop (sim);
}

/* 003's "Verify Services" answer: its seven components, the broker "connected", the kill
 * switch "enabled"; no credentials needed. */
static void
test_health_ibkr (void)
{
  static const char * const names[] = {
    "kill_switch", "audit_store", "broker", "approval_service", "risk_engine", "simulator",
    "order_submitter",
  };
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(TwTestAnswer) a = tw_test_sim_fetch (sim, "ibkr-assistant", "GET", "/api/v1/health", TW_TEST_AUTH_NONE);
  g_autoptr(JsonNode) node = tw_test_answer_json (a);
  JsonObject *o = json_node_get_object (node);
  JsonObject *c = json_object_get_object_member (o, "components");
  g_autoptr(GList) members = json_object_get_members (c);
  GList *l = members;

  g_assert_cmpuint (a->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "healthy");
  assert_rfc3339 (json_object_get_string_member (o, "timestamp"));
  g_assert_cmpuint (json_object_get_size (c), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++, l = l->next)
    {
      g_assert_cmpstr (l->data, ==, names[i]);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (c, names[i]),
                                                      "status"), ==, "ok");
    }
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (c, "broker"), "connected"));
  g_assert_false (json_object_get_boolean_member (json_object_get_object_member (c, "kill_switch"), "enabled"));

  tw_sim_thread_stop (sim);
}

static void
test_health_ai_trading (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(TwTestAnswer) a = tw_test_sim_fetch (sim, "ai-trading", "GET", "/api/health", TW_TEST_AUTH_GOOD);
  g_autoptr(JsonNode) node = tw_test_answer_json (a);
  JsonObject *o = json_node_get_object (node);
  JsonArray *services = json_object_get_array_member (o, "services");
  JsonObject *exchange = json_array_get_object_element (services, 0);

  g_assert_cmpuint (a->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "ok");
  /* 001 has no read-back of the trading state: the health answer gives none either. */
  g_assert_false (json_object_has_member (o, "trading_enabled"));
  assert_rfc3339 (json_object_get_string_member (o, "timestamp"));
  g_assert_cmpuint (json_array_get_length (services), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (exchange, "name"), ==, "exchange");
  g_assert_cmpstr (json_object_get_string_member (exchange, "status"), ==, "ok");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (exchange, "latency_ms"), 42.0, 1e-9);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (services, 1),
                                                  "name"), ==, "model");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (services, 2),
                                                  "name"), ==, "rate_gate");

  tw_sim_thread_stop (sim);
}

static void
test_health_autotrader (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(TwTestAnswer) a = tw_test_sim_fetch (sim, "autotrader", "GET", "/api/health", TW_TEST_AUTH_GOOD);
  g_autoptr(JsonNode) node = tw_test_answer_json (a);
  JsonObject *o = json_node_get_object (node);
  JsonObject *checks = json_object_get_object_member (o, "checks");

  g_assert_cmpuint (a->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "healthy");
  g_assert_cmpuint (json_object_get_size (checks), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (checks, "database"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (checks, "market_data"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (checks, "broker"), ==, "ok");
  g_assert_cmpfloat (json_object_get_double_member (o, "uptime"), >=, 1234.5);

  tw_sim_thread_stop (sim);
}

/* The simulator with its prices still from the start: the first step comes 1 s after
 * it starts, and a slow start (a sanitizer build on a loaded machine) saw it. */
static TwSimThread *
start_still (void)
{
  TwSimThread *sim;

  g_setenv ("TW_SIM_PRICE_WALK", "0", TRUE);
  sim = tw_test_sim_start ();
  g_unsetenv ("TW_SIM_PRICE_WALK");
  return sim;
}

static void
test_health_alpaca (void)
{
  static const char * const decimals[] = {
    "cash", "buying_power", "regt_buying_power", "non_marginable_buying_power", "equity",
    "last_equity", "portfolio_value", "long_market_value", "short_market_value",
    "initial_margin", "maintenance_margin", "multiplier", NULL
  };
  static const char * const flags[] = {
    "trading_blocked", "transfers_blocked", "account_blocked", "trade_suspended_by_user", NULL
  };
  TwSimThread *sim = start_still ();
  g_autoptr(TwTestAnswer) a = tw_test_sim_fetch (sim, "alpaca", "GET", "/v2/account", TW_TEST_AUTH_GOOD);
  g_autoptr(JsonNode) node = tw_test_answer_json (a);
  JsonObject *o = json_node_get_object (node);

  g_assert_cmpuint (a->status, ==, 200);
  g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (o, "id")));
  g_assert_cmpstr (json_object_get_string_member (o, "account_number"), ==, "PA3DEMO0001");
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "ACTIVE");
  g_assert_cmpstr (json_object_get_string_member (o, "currency"), ==, "USD");
  g_assert_cmpstr (json_object_get_string_member (o, "cash"), ==, "25000.00");
  g_assert_cmpstr (json_object_get_string_member (o, "buying_power"), ==, "100000.00");
  g_assert_cmpstr (json_object_get_string_member (o, "equity"), ==, "100250.37");
  g_assert_cmpstr (json_object_get_string_member (o, "last_equity"), ==, "100000.00");
  g_assert_cmpstr (json_object_get_string_member (o, "portfolio_value"), ==, "100250.37");
  g_assert_cmpstr (json_object_get_string_member (o, "multiplier"), ==, "4");
  for (guint i = 0; decimals[i] != NULL; i++)
    {
      JsonNode *n = json_object_get_member (o, decimals[i]);

      g_assert_nonnull (n);
      g_assert_cmpint (json_node_get_value_type (n), ==, G_TYPE_STRING);
      {
        const char *text = json_node_get_string (n);
        char *end = NULL;

        /* A decimal string (short market value is negative once shorts are held). */
        g_ascii_strtod (text, &end);
        g_assert_true (end != text && *end == '\0');
        g_assert_true (g_ascii_isdigit (text[text[0] == '-' ? 1 : 0]));
      }
    }
  for (guint i = 0; flags[i] != NULL; i++)
    g_assert_false (json_object_get_boolean_member (o, flags[i]));
  g_assert_true (json_object_get_boolean_member (o, "shorting_enabled"));
  assert_rfc3339 (json_object_get_string_member (o, "created_at"));

  tw_sim_thread_stop (sim);
}

/* Auth: wrong and missing credentials get each flavor's own answer. */

typedef struct
{
  const char *flavor;
  const char *path;
  guint       missing_status;
  const char *missing_body;
  guint       wrong_status;
  const char *wrong_body;
} AuthCase;

static const AuthCase auth_cases[] = {
  { "investiq", "/health",
    401, "{\"error\":\"Invalid or missing API key\"}",
    401, "{\"error\":\"Invalid or missing API key\"}" },
  /* 003 and 004: the runbooks' calls carry no credentials, and any key is ignored */
  { "ibkr-assistant", "/api/v1/health", 200, NULL, 200, NULL },
  { "ai-trading", "/api/health",
    403, "{\"detail\":\"Not authenticated\"}",
    401, "{\"detail\":\"Invalid authentication credentials\"}" },
  { "autotrader", "/api/health", 200, NULL, 200, NULL },
  { "alpaca", "/v2/account",
    401, "{\"code\":40110000,\"message\":\"request is not authorized\"}",
    401, "{\"code\":40110000,\"message\":\"request is not authorized\"}" },
};

static void
test_auth (gconstpointer data)
{
  const AuthCase *c = data;
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(TwTestAnswer) missing = tw_test_sim_fetch (sim, c->flavor, "GET", c->path, TW_TEST_AUTH_NONE);
  g_autoptr(TwTestAnswer) wrong = tw_test_sim_fetch (sim, c->flavor, "GET", c->path, TW_TEST_AUTH_WRONG);
  g_autoptr(TwTestAnswer) good = tw_test_sim_fetch (sim, c->flavor, "GET", c->path, TW_TEST_AUTH_GOOD);
  g_autofree char *missing_text = tw_test_answer_text (missing);
  g_autofree char *wrong_text = tw_test_answer_text (wrong);

  g_assert_cmpuint (missing->status, ==, c->missing_status);
  if (c->missing_body != NULL)
    g_assert_cmpstr (missing_text, ==, c->missing_body);
  g_assert_cmpstr (soup_message_headers_get_content_type (missing->headers, NULL), ==,
                   "application/json");
  g_assert_cmpuint (wrong->status, ==, c->wrong_status);
  if (c->wrong_body != NULL)
    g_assert_cmpstr (wrong_text, ==, c->wrong_body);
  g_assert_cmpuint (good->status, ==, 200);

  tw_sim_thread_stop (sim);
}

static void
test_not_found (void)
{
  static const struct { const char *flavor, *body; } cases[] = {
    { "investiq", "{\"error\":\"Not Found\"}" },
    { "ibkr-assistant", "{\"detail\":\"Not Found\"}" },
    { "ai-trading", "{\"detail\":\"Not Found\"}" },
    { "autotrader", "{\"detail\":\"Not Found\"}" },
    { "alpaca", "{\"code\":40410000,\"message\":\"endpoint not found\"}" },
  };
  TwSimThread *sim = tw_test_sim_start ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* Unknown paths answer 404 whatever the credentials, like the real routers. */
      g_autoptr(TwTestAnswer) a = tw_test_sim_fetch (sim, cases[i].flavor, "GET", "/no/such/path", TW_TEST_AUTH_NONE);
      g_autofree char *text = tw_test_answer_text (a);

      g_assert_cmpuint (a->status, ==, 404);
      g_assert_cmpstr (text, ==, cases[i].body);
    }

  {
    g_autoptr(TwTestAnswer) a = tw_test_sim_fetch (sim, "ai-trading", "DELETE", "/api/health", TW_TEST_AUTH_GOOD);
    g_autofree char *text = tw_test_answer_text (a);

    g_assert_cmpuint (a->status, ==, 405);
    g_assert_cmpstr (text, ==, "{\"detail\":\"Method Not Allowed\"}");
  }

  tw_sim_thread_stop (sim);
}

/* The request log */

static void
test_request_log (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(JsonNode) log = NULL;
  g_autoptr(JsonNode) filtered = NULL;
  g_autoptr(JsonNode) cleared = NULL;
  JsonArray *entries;
  JsonObject *e;
  gint64 last_seq = 0, last_time = 0;

  tw_test_answer_free (tw_test_sim_fetch (sim, "investiq", "GET", "/health", TW_TEST_AUTH_GOOD));
  tw_test_answer_free (tw_test_sim_fetch (sim, "alpaca", "GET", "/v2/account?x=1", TW_TEST_AUTH_WRONG));
  tw_test_answer_free (tw_test_sim_fetch (sim, "autotrader", "POST", "/api/nothing", TW_TEST_AUTH_GOOD));
  /* Control requests are not logged. */
  json_node_unref (tw_test_sim_request (sim, "investiq", "GET", "/_sim/faults", NULL));

  log = tw_test_sim_requests (sim);
  entries = json_node_get_array (log);
  g_assert_cmpuint (json_array_get_length (entries), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      e = json_array_get_object_element (entries, i);
      g_assert_cmpint (json_object_get_int_member (e, "seq"), >, last_seq);
      g_assert_cmpint (json_object_get_int_member (e, "time_us"), >=, last_time);
      assert_rfc3339 (json_object_get_string_member (e, "time"));
      last_seq = json_object_get_int_member (e, "seq");
      last_time = json_object_get_int_member (e, "time_us");
    }

  e = json_array_get_object_element (entries, 0);
  g_assert_cmpstr (json_object_get_string_member (e, "flavor"), ==, "investiq");
  g_assert_cmpstr (json_object_get_string_member (e, "method"), ==, "GET");
  g_assert_cmpstr (json_object_get_string_member (e, "path"), ==, "/health");
  g_assert_cmpint (json_object_get_int_member (e, "status"), ==, 200);
  e = json_array_get_object_element (entries, 1);
  g_assert_cmpstr (json_object_get_string_member (e, "flavor"), ==, "alpaca");
  g_assert_cmpstr (json_object_get_string_member (e, "path"), ==, "/v2/account");
  g_assert_cmpstr (json_object_get_string_member (e, "query"), ==, "x=1");
  g_assert_cmpint (json_object_get_int_member (e, "status"), ==, 401);
  e = json_array_get_object_element (entries, 2);
  g_assert_cmpstr (json_object_get_string_member (e, "method"), ==, "POST");
  g_assert_cmpint (json_object_get_int_member (e, "status"), ==, 404);

  filtered = tw_test_sim_request (sim, "autotrader", "GET", "/_sim/requests?flavor=alpaca", NULL);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (filtered)), ==, 1);

  /* ?since=SEQ: only the entries after that sequence number, with the flavor filter too. */
  {
    gint64 first_seq = json_object_get_int_member (json_array_get_object_element (entries, 0), "seq");
    g_autofree char *path = g_strdup_printf ("/_sim/requests?since=%" G_GINT64_FORMAT, first_seq);
    g_autofree char *path_flavor = g_strdup_printf ("/_sim/requests?flavor=investiq&since=%"
                                                    G_GINT64_FORMAT, first_seq);
    g_autofree char *path_last = g_strdup_printf ("/_sim/requests?since=%" G_GINT64_FORMAT, last_seq);
    g_autoptr(JsonNode) since = tw_test_sim_request (sim, "investiq", "GET", path, NULL);
    g_autoptr(JsonNode) since_flavor = tw_test_sim_request (sim, "investiq", "GET", path_flavor, NULL);
    g_autoptr(JsonNode) since_last = tw_test_sim_request (sim, "investiq", "GET", path_last, NULL);
    JsonArray *after = json_node_get_array (since);
    guint status = 0;
    g_autoptr(JsonNode) bad = NULL;

    g_assert_cmpuint (json_array_get_length (after), ==, 2);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (after, 0), "seq"),
                     ==, first_seq + 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (after, 0), "path"),
                     ==, "/v2/account");
    g_assert_cmpuint (json_array_get_length (json_node_get_array (since_flavor)), ==, 0);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (since_last)), ==, 0);
    {
      g_autofree char *path_limit = g_strdup_printf ("%s&limit=1", path);
      g_autoptr(JsonNode) page = tw_test_sim_request (sim, "investiq", "GET", path_limit, NULL);
      JsonArray *one = json_node_get_array (page);

      g_assert_cmpuint (json_array_get_length (one), ==, 1);
      g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (one, 0), "seq"),
                       ==, first_seq + 1);
    }
    json_node_unref (tw_test_sim_request_full (sim, "investiq", "GET", "/_sim/requests?limit=0",
                                               NULL, &status));
    g_assert_cmpuint (status, ==, 400);
    bad = tw_test_sim_request_full (sim, "investiq", "GET", "/_sim/requests?since=-1", NULL, &status);
    g_assert_cmpuint (status, ==, 400);
  }

  json_node_unref (tw_test_sim_request (sim, "alpaca", "DELETE", "/_sim/requests", NULL));
  cleared = tw_test_sim_requests (sim);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (cleared)), ==, 0);

  tw_sim_thread_stop (sim);
}

/* Component health through /_sim/health */

static char *
get_status_word (TwSimThread *sim,
                 const char  *flavor,
                 const char  *path)
{
  g_autoptr(JsonNode) node = tw_test_sim_request (sim, flavor, "GET", path, NULL);

  return g_strdup (json_object_get_string_member (json_node_get_object (node), "status"));
}

static void
test_health_control (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) bad = NULL;
  JsonObject *broker;
  char *word;
  guint status = 0;

  tw_test_sim_health (sim, "investiq", "{\"flavor\":\"investiq\",\"component\":\"alpaca\","
                      "\"status\":\"unhealthy\",\"message\":\"broker connection lost\"}");
  node = tw_test_sim_request (sim, "investiq", "GET", "/health", NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "status"), ==, "degraded");
  broker = json_object_get_object_member (json_object_get_object_member (json_node_get_object (node),
                                                                         "dependencies"), "alpaca");
  g_assert_cmpstr (json_object_get_string_member (broker, "status"), ==, "unhealthy");
  g_assert_cmpstr (json_object_get_string_member (broker, "message"), ==, "broker connection lost");

  /* ibkr-assistant: a minor component degrades, a critical one makes it unhealthy; the
   * broker's status is the runbook's "error", and it is no longer "connected". */
  tw_test_sim_health (sim, "ibkr-assistant", "{\"component\":\"simulator\",\"status\":\"degraded\"}");
  word = get_status_word (sim, "ibkr-assistant", "/api/v1/health");
  g_assert_cmpstr (word, ==, "degraded");
  g_free (word);
  tw_test_sim_health (sim, "ibkr-assistant", "{\"component\":\"broker\",\"status\":\"unhealthy\"}");
  word = get_status_word (sim, "ibkr-assistant", "/api/v1/health");
  g_assert_cmpstr (word, ==, "unhealthy");
  g_free (word);
  {
    g_autoptr(JsonNode) ib = tw_test_sim_request (sim, "ibkr-assistant", "GET", "/api/v1/health", NULL);
    JsonObject *ib_broker = json_object_get_object_member (
      json_object_get_object_member (json_node_get_object (ib), "components"), "broker");

    g_assert_cmpstr (json_object_get_string_member (ib_broker, "status"), ==, "error");
    g_assert_false (json_object_get_boolean_member (ib_broker, "connected"));
  }

  /* ai-trading speaks ok/degraded/down; generic words are translated. */
  tw_test_sim_health (sim, "ai-trading", "{\"component\":\"model\",\"status\":\"unhealthy\"}");
  word = get_status_word (sim, "ai-trading", "/api/health");
  g_assert_cmpstr (word, ==, "degraded");
  g_free (word);
  tw_test_sim_health (sim, "ai-trading", "{\"component\":\"exchange\",\"status\":\"down\"}");
  word = get_status_word (sim, "ai-trading", "/api/health");
  g_assert_cmpstr (word, ==, "down");
  g_free (word);

  tw_test_sim_health (sim, "autotrader", "{\"component\":\"market_data\",\"status\":\"failing\"}");
  {
    g_autoptr(JsonNode) at = tw_test_sim_request (sim, "autotrader", "GET", "/api/health", NULL);
    JsonObject *o = json_node_get_object (at);

    g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "degraded");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "checks"),
                                                    "market_data"), ==, "failing");
  }

  tw_test_sim_health (sim, "alpaca", "{\"component\":\"account\",\"status\":\"ACCOUNT_CLOSED\"}");
  word = get_status_word (sim, "alpaca", "/v2/account");
  g_assert_cmpstr (word, ==, "ACCOUNT_CLOSED");
  g_free (word);

  /* Reset restores every component of the flavor. */
  tw_test_sim_health (sim, "ai-trading", "{\"reset\":true}");
  word = get_status_word (sim, "ai-trading", "/api/health");
  g_assert_cmpstr (word, ==, "ok");
  g_free (word);
  tw_test_sim_health (sim, "investiq", "{\"flavor\":\"ibkr-assistant\",\"reset\":true}");
  word = get_status_word (sim, "ibkr-assistant", "/api/v1/health");
  g_assert_cmpstr (word, ==, "healthy");
  g_free (word);
  word = get_status_word (sim, "alpaca", "/v2/account");
  g_assert_cmpstr (word, ==, "ACCOUNT_CLOSED");
  g_free (word);

  bad = tw_test_sim_request_full (sim, "investiq", "POST", "/_sim/health",
                                  "{\"component\":\"warp_drive\",\"status\":\"unhealthy\"}", &status);
  g_assert_cmpuint (status, ==, 404);
  json_node_unref (tw_test_sim_request_full (sim, "investiq", "POST", "/_sim/health",
                                             "{\"component\":\"ml_service\",\"status\":\"on fire\"}",
                                             &status));
  g_assert_cmpuint (status, ==, 400);

  tw_sim_thread_stop (sim);
}

/* Credentials from the environment */

static void
test_env_credentials (void)
{
  TwSimThread *sim;
  g_autoptr(TwTestAnswer) demo = NULL;

  g_setenv ("API_KEYS", "first-key, second-key,,", TRUE);
  g_setenv ("ALPACA_API_KEY", "PKTESTENV", TRUE);
  g_setenv ("ALPACA_SECRET_KEY", "env-secret", TRUE);
  g_setenv ("LIVE_TRADING_KEY", "env-live", TRUE);
  sim = tw_test_sim_start ();
  g_unsetenv ("API_KEYS");
  g_unsetenv ("ALPACA_API_KEY");
  g_unsetenv ("ALPACA_SECRET_KEY");
  g_unsetenv ("LIVE_TRADING_KEY");

  g_assert_cmpstr (tw_sim_thread_get_credential (sim, "api_key"), ==, "first-key");
  g_assert_cmpstr (tw_sim_thread_get_credential (sim, "alpaca_key_id"), ==, "PKTESTENV");
  g_assert_cmpstr (tw_sim_thread_get_credential (sim, "alpaca_secret"), ==, "env-secret");
  g_assert_cmpstr (tw_sim_thread_get_credential (sim, "live_trading_key"), ==, "env-live");

  for (guint i = 0; i < 3; i++)
    {
      const char *key = (const char *[]) { "first-key", "second-key", TW_SIM_DEMO_API_KEY }[i];
      g_autoptr(SoupSession) session = soup_session_new ();
      g_autofree char *url = g_strconcat (tw_sim_thread_get_url (sim, "investiq"), "/health", NULL);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) error = NULL;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "X-API-Key", key);
      body = soup_session_send_and_read (session, msg, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (soup_message_get_status (msg), ==, i < 2 ? 200 : 401);
    }

  /* The helper's credentials are the env ones, so this passes auth. */
  g_assert_cmpuint (tw_test_sim_status (sim, "alpaca", "GET", "/v2/account"), ==, 200);
  demo = tw_test_sim_fetch (sim, "investiq", "GET", "/health", TW_TEST_AUTH_WRONG);
  g_assert_cmpuint (demo->status, ==, 401);

  tw_sim_thread_stop (sim);
}

static void
test_demo_credentials (void)
{
  TwSimThread *sim = tw_test_sim_start ();

  g_assert_cmpstr (tw_sim_thread_get_credential (sim, "api_key"), ==, TW_SIM_DEMO_API_KEY);
  g_assert_cmpstr (tw_sim_thread_get_credential (sim, "alpaca_key_id"), ==, TW_SIM_DEMO_ALPACA_KEY_ID);
  g_assert_cmpstr (tw_sim_thread_get_credential (sim, "alpaca_secret"), ==, TW_SIM_DEMO_ALPACA_SECRET);
  g_assert_cmpstr (tw_sim_thread_get_credential (sim, "live_trading_key"), ==,
                   TW_SIM_DEMO_LIVE_TRADING_KEY);
  g_assert_null (tw_sim_thread_get_credential (sim, "nope"));
  g_assert_null (tw_sim_thread_get_url (sim, "nope"));

  tw_sim_thread_stop (sim);
}

/* TwSim on the caller's own context, and its lifetime. */
static void
test_object_lifecycle (void)
{
  TwSim *sim = tw_sim_new ();
  g_autoptr(GError) error = NULL;
  static const char * const flavors[] = TW_SIM_FLAVORS;

  g_assert_null (tw_sim_get_url (sim, "investiq"));
  g_assert_true (tw_sim_start (sim, 0, &error));
  g_assert_no_error (error);
  for (guint i = 0; flavors[i] != NULL; i++)
    {
      const char *url = tw_sim_get_url (sim, flavors[i]);

      g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (url, !=, tw_sim_get_url (sim, flavors[j]));
    }
  g_assert_cmpuint (tw_sim_get_n_requests (sim), ==, 0);
  tw_sim_stop (sim);
  g_assert_null (tw_sim_get_url (sim, "investiq"));
  g_assert_finalize_object (sim);
}

/* The tradewarden-sim program */

static void
test_binary (void)
{
  const char *binary = g_getenv ("TW_SIM_BINARY");
  const char *argv[] = { binary, "--port", "0", NULL };
  static const char * const flavors[] = TW_SIM_FLAVORS;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (binary);
  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));

  for (guint i = 0; flavors[i] != NULL; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      g_autofree char *prefix = g_strconcat (flavors[i], "=http://127.0.0.1:", NULL);
      g_autoptr(SoupSession) session = soup_session_new ();
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autofree char *url = NULL;
      guint64 port = 0;

      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_assert_true (g_str_has_prefix (line, prefix));
      g_assert_true (g_ascii_string_to_unsigned (line + strlen (prefix), 10, 1, 65535, &port, NULL));

      /* Listening already: the control API answers. */
      url = g_strconcat (strchr (line, '=') + 1, "/_sim/requests", NULL);
      msg = soup_message_new ("GET", url);
      body = soup_session_send_and_read (session, msg, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    }

  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
}

static void
test_binary_help (void)
{
  const char *binary = g_getenv ("TW_SIM_BINARY");
  const char *argv[] = { binary, "--help", NULL };
  static const char * const words[] = {
    "API_KEYS", "LIVE_TRADING_KEY", "ALPACA_API_KEY", "ALPACA_SECRET_KEY",
    TW_SIM_DEMO_API_KEY, TW_SIM_DEMO_ALPACA_KEY_ID, "/_sim/faults", "/_sim/health",
    "/_sim/requests", "--port", NULL
  };
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_nonnull (binary);
  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  for (guint i = 0; words[i] != NULL; i++)
    g_assert_nonnull (strstr (text, words[i]));
}

int
main (int   argc,
      char *argv[])
{
  /* G_TEST_OPTION_ISOLATE_DIRS hides the system's GSettings schemas, which the GNOME
   * proxy resolver aborts without; loopback needs no proxy anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/sim/health/investiq", test_health_investiq);
  g_test_add_func ("/tw/sim/health/ibkr-assistant", test_health_ibkr);
  g_test_add_func ("/tw/sim/health/ai-trading", test_health_ai_trading);
  g_test_add_func ("/tw/sim/health/autotrader", test_health_autotrader);
  g_test_add_func ("/tw/sim/health/alpaca", test_health_alpaca);
  g_test_add_func ("/tw/sim/health/control", test_health_control);
  for (guint i = 0; i < G_N_ELEMENTS (auth_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tw/sim/auth/%s", auth_cases[i].flavor);

      g_test_add_data_func (path, &auth_cases[i], test_auth);
    }
  g_test_add_func ("/tw/sim/auth/env-credentials", test_env_credentials);
  g_test_add_func ("/tw/sim/auth/demo-credentials", test_demo_credentials);
  g_test_add_func ("/tw/sim/not-found", test_not_found);
  g_test_add_func ("/tw/sim/requests/log", test_request_log);
  g_test_add_func ("/tw/sim/lifecycle/object", test_object_lifecycle);
  g_test_add_func ("/tw/sim/binary/run", test_binary);
  g_test_add_func ("/tw/sim/binary/help", test_binary_help);

  return g_test_run ();
}
