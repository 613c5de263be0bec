/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "tw-action-runner.h"
#include "tw-audit-log.h"
#include "tw-error.h"
#include "tw-flatten.h"
#include "tw-guard-live.h"
#include "tw-portfolio.h"
#include "tw-portfolio-private.h"
#include "tw-profile.h"

/* A trading system is data: a broker that exists only in tests/connectors/harbor.json
 * (its own paths, auth header, .env variables, live and paper hosts and refusal texts)
 * is installed as a user connector, imported from a .env, polled, halted, resumed and
 * flattened against a stand-in server in this file, with no C that knows it. */

#define PROFILE  "harbor-desk"
#define TOKEN    "hb_0123456789abcdefghijklmn"
#define OLD      "hb_zzzzzzzzzzzzzzzzzzzzzzzz"
#define REASON   "Incident 7: the desk's feed is stale"

/* The stand-in: Harbor's desk API as its (invented) documentation describes it. */
typedef struct
{
  SoupServer *server;
  char       *url;
  GPtrArray  *log;        /* "METHOD PATH" of every authorized request */
  guint       n_refused;  /* requests without the desk token */
  gboolean    frozen;
  char       *frozen_why;
  gboolean    acme_open;  /* ACME closes on liquidation; BOLT is locked by its tickets */
  gboolean    tk2_open;   /* tk-2 voids; tk-1 is final */
} Desk;

static void
reply (SoupServerMessage *msg,
       guint              status,
       const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

static void
on_desk (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Desk *desk = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  g_autofree char *body = NULL;

  if (g_strcmp0 (auth, "Harbor " TOKEN) != 0)
    {
      desk->n_refused++;
      reply (msg, 401, "{\"error\":\"DESK TOKEN REQUIRED\"}");
      return;
    }
  g_ptr_array_add (desk->log, g_strdup_printf ("%s %s", method, path));

  if (g_str_equal (path, "/desk/ping"))
    reply (msg, 200, "{\"state\":\"green\",\"build\":\"7.1.3\"}");
  else if (g_str_equal (path, "/desk/switch") && g_str_equal (method, "POST"))
    {
      SoupMessageBody *request = soup_server_message_get_request_body (msg);
      g_autoptr(JsonNode) node = json_from_string (request->data, NULL);
      JsonObject *object = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                           ? json_node_get_object (node) : NULL;

      if (object == NULL || !json_object_has_member (object, "frozen"))
        {
          reply (msg, 400, "{\"error\":\"frozen?\"}");
          return;
        }
      desk->frozen = json_object_get_boolean_member (object, "frozen");
      g_free (desk->frozen_why);
      desk->frozen_why = g_strdup (json_object_get_string_member_with_default (object, "why", ""));
      body = g_strdup_printf ("{\"frozen\":%s}", desk->frozen ? "true" : "false");
      reply (msg, 200, body);
    }
  else if (g_str_equal (path, "/desk/switch"))
    {
      body = g_strdup_printf ("{\"frozen\":%s}", desk->frozen ? "true" : "false");
      reply (msg, 200, body);
    }
  else if (g_str_equal (path, "/desk/wallet"))
    reply (msg, 200, "{\"wallet\":\"HB-0042\",\"net_usd\":\"25000.50\",\"cash_usd\":\"1200\","
                     "\"ccy\":\"USD\"}");
  else if (g_str_equal (path, "/desk/holdings"))
    {
      body = g_strdup_printf ("{\"holdings\":[%s{\"ticker\":\"BOLT\",\"units\":\"5\","
                              "\"direction\":\"long\",\"mark\":\"88.10\"}]}",
                              desk->acme_open ? "{\"ticker\":\"ACME\",\"units\":\"10\","
                                                "\"direction\":\"long\",\"mark\":\"12.50\"}," : "");
      reply (msg, 200, body);
    }
  else if (g_str_equal (path, "/desk/holdings/liquidate") && g_str_equal (method, "POST"))
    {
      desk->acme_open = FALSE;
      reply (msg, 207, "[{\"symbol\":\"ACME\",\"status\":200,\"body\":{\"id\":\"tk-9\"}},"
                       " {\"symbol\":\"BOLT\",\"status\":409,"
                       "  \"body\":{\"message\":\"BOLT LOCKED BY WORKING ORDERS (1 open)\"}}]");
    }
  else if (g_str_equal (path, "/desk/tickets"))
    {
      body = g_strdup_printf ("{\"tickets\":[{\"ticket\":\"tk-1\",\"ticker\":\"BOLT\","
                              "\"direction\":\"sell\",\"units\":\"5\",\"phase\":\"working\"}%s]}",
                              desk->tk2_open ? ",{\"ticket\":\"tk-2\",\"ticker\":\"ACME\","
                                               "\"direction\":\"buy\",\"units\":\"1\","
                                               "\"phase\":\"working\"}" : "");
      reply (msg, 200, body);
    }
  else if (g_str_equal (path, "/desk/tickets/void") && g_str_equal (method, "POST"))
    {
      desk->tk2_open = FALSE;
      reply (msg, 207, "[{\"id\":\"tk-1\",\"status\":409,\"body\":{\"message\":\"TICKET STATE FINAL\"}},"
                       " {\"id\":\"tk-2\",\"status\":200,\"body\":{\"id\":\"tk-2\"}}]");
    }
  else
    reply (msg, 404, "{\"error\":\"NO SUCH DESK PATH\"}");
}

static void
desk_start (Desk *desk)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *text = NULL;

  desk->log = g_ptr_array_new_with_free_func (g_free);
  desk->acme_open = TRUE;
  desk->tk2_open = TRUE;
  desk->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (desk->server, "/desk", on_desk, desk, NULL);
  g_assert_true (soup_server_listen_local (desk->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (desk->server);
  text = g_uri_to_string (uris->data);
  /* "http://127.0.0.1:PORT/" without the slash. */
  desk->url = g_strndup (text, strlen (text) - 1);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
}

static void
desk_stop (Desk *desk)
{
  soup_server_disconnect (desk->server);
  g_assert_finalize_object (g_steal_pointer (&desk->server));
  g_clear_pointer (&desk->log, g_ptr_array_unref);
  g_clear_pointer (&desk->url, g_free);
  g_clear_pointer (&desk->frozen_why, g_free);
}

static gboolean
desk_saw (Desk       *desk,
          const char *request)
{
  return g_ptr_array_find_with_equal_func (desk->log, request, g_str_equal, NULL);
}

static gboolean
on_wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until @check holds; FALSE after @timeout_ms. */
static gboolean
wait_for (gboolean (*check) (gpointer data),
          gpointer   data,
          guint      timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint wake = g_timeout_add (20, on_wake, NULL);
  gboolean ok;

  while (!(ok = check (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  return ok;
}

static gboolean
result_arrived (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The connector as a user installs one: a file in ~/.config/tradewarden/connectors/. */
static TwConnectorRegistry *
registry_with_harbor (void)
{
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "connectors", "harbor.json", NULL);
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "tradewarden", "connectors", NULL);
  g_autofree char *target = g_build_filename (dir, "harbor.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  TwConnectorRegistry *registry;
  gsize length;

  g_assert_true (g_file_get_contents (source, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (target, contents, length, &error));
  g_assert_no_error (error);

  registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (registry);
  g_assert_cmpuint (tw_connector_registry_get_problems (registry)->len, ==, 0);
  g_assert_nonnull (tw_connector_registry_lookup (registry, "harbor"));
  return registry;
}

static void
test_import (void)
{
  g_autoptr(TwConnectorRegistry) registry = registry_with_harbor ();
  TwConnector *harbor = tw_connector_registry_lookup (registry, "harbor");
  struct {
    const char *env;
    TwMode      mode;
    const char *name;
    const char *url;
  } cases[] = {
    /* The live host, the path the runbook writes after it stripped. */
    { "HARBOR_ENDPOINT=https://desk.harbor-brokerage.invalid/desk/\n"
      "HARBOR_DESK_TOKENS=\"" TOKEN ";" OLD "\"\nHARBOR_DESK=sandbox\n",
      TW_MODE_LIVE, "Harbor Brokerage (live)", "https://desk.harbor-brokerage.invalid" },
    /* No address: the connector's default, its paper host. */
    { "HARBOR_DESK_TOKENS=" TOKEN "\n", TW_MODE_PAPER, "Harbor Brokerage (paper)",
      "https://paper.harbor-brokerage.invalid" },
    /* A host it does not name (a proxy): its mode variable decides. */
    { "HB_URL=https://proxy.example.net\nHARBOR_DESK_TOKENS=" TOKEN "\nHARBOR_DESK=Production\n",
      TW_MODE_LIVE, "Harbor Brokerage (live)", "https://proxy.example.net" },
    { "HB_URL=https://proxy.example.net\nHARBOR_DESK_TOKENS=" TOKEN "\n",
      TW_MODE_PAPER, "Harbor Brokerage (paper)", "https://proxy.example.net" },
  };

  g_assert_true (tw_connector_has_role (harbor, TW_CONNECTOR_ROLE_BROKER));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
      g_autoptr(GError) error = NULL;
      g_autoptr(TwProfile) profile = tw_profile_import_env (cases[i].env, PROFILE, registry,
                                                            secrets, &error);
      g_autofree char *token = NULL;
      TwService *service;

      g_assert_no_error (error);
      g_assert_cmpint (tw_profile_get_mode (profile), ==, cases[i].mode);
      g_assert_cmpuint (g_list_model_get_n_items (tw_profile_get_services (profile)), ==, 1);
      service = tw_profile_lookup_service (profile, "harbor");
      g_assert_nonnull (service);
      g_assert_cmpstr (tw_service_get_connector_id (service), ==, "harbor");
      g_assert_cmpstr (tw_service_get_name (service), ==, cases[i].name);
      g_assert_cmpstr (tw_service_get_base_url (service), ==, cases[i].url);
      /* The first token of the list; the old one of a rotation is not stored. */
      token = tw_secrets_lookup_sync (secrets, PROFILE, "harbor", "desk_token", NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (token, ==, TOKEN);
    }

  /* A token of the wrong shape is refused by the connector's "format", never quoted. */
  {
    g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
    g_autoptr(GError) error = NULL;
    g_autoptr(TwProfile) profile =
      tw_profile_import_env ("HARBOR_DESK_TOKENS=not-a-desk-token\n", PROFILE, registry, secrets,
                             &error);

    g_assert_null (profile);
    g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
    g_assert_cmpstr (error->message, ==,
                     "HARBOR_DESK_TOKENS in the .env file does not look right: Desk token: a "
                     "Harbor desk token is hb_ followed by 24 lower-case letters and digits. Fix "
                     "it and import the file again.");
  }

  /* A file naming none of its variables lists them with the shipped ones'. */
  {
    g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
    g_autoptr(GError) error = NULL;
    g_autoptr(TwProfile) profile = tw_profile_import_env ("OTHER=1\n", PROFILE, registry, secrets,
                                                          &error);

    g_assert_null (profile);
    g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "HARBOR_DESK_TOKENS, HARBOR_ENDPOINT, HB_URL"));
  }
}

typedef struct
{
  Desk                 desk;
  TwConnectorRegistry *registry;
  TwSecrets           *secrets;
  TwHttp              *http;
  TwProfile           *profile;
  TwWorkspace         *workspace;
  TwAuditLog          *audit;
  TwActionRunner      *runner;
  TwPortfolio         *portfolio;
} Fixture;

static gboolean
harbor_green (gpointer data)
{
  Fixture *f = data;
  TwService *service = tw_profile_lookup_service (f->profile, "harbor");

  return tw_service_get_state (service) == TW_SERVICE_STATE_OK;
}

static gboolean
portfolio_loaded (gpointer data)
{
  Fixture *f = data;

  return tw_portfolio_lookup_position (f->portfolio, "harbor", "ACME") != NULL &&
         tw_portfolio_lookup_position (f->portfolio, "harbor", "BOLT") != NULL &&
         tw_portfolio_lookup_order (f->portfolio, "harbor", "tk-2") != NULL &&
         tw_portfolio_lookup_account (f->portfolio, "harbor") != NULL;
}

static JsonNode *
run (Fixture        *f,
     TwGuardRequest *request,
     const char     *operation,
     GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tw_action_runner_run_async (f->runner, request, "harbor", operation, NULL, NULL, on_result, &result);
  g_assert_true (wait_for (result_arrived, &result, 10000));
  return tw_action_runner_run_finish (f->runner, result, NULL, error);
}

static TwFlattenStep *
step_at (TwFlatten *flatten,
         guint      i)
{
  g_autoptr(TwFlattenStep) step = g_list_model_get_item (tw_flatten_get_steps (flatten), i);

  return step;   /* the flatten keeps it */
}

static void
test_desk (void)
{
  Fixture fx = { 0 };
  Fixture *f = &fx;
  g_autoptr(GError) error = NULL;
  g_autofree char *env = NULL;
  g_autoptr(TwGuardRequest) halt = NULL;
  g_autoptr(TwGuardRequest) resume = NULL;
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(TwFlatten) flatten = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) answer = NULL;
  TwService *source = NULL;
  TwAccount *account;
  const char *summary;

  desk_start (&f->desk);
  f->registry = registry_with_harbor ();
  f->secrets = tw_secrets_new_memory ();
  f->http = tw_http_new ();

  /* Imported from the desk's .env: the stand-in's address is one of Harbor's paper hosts. */
  env = g_strdup_printf ("HARBOR_ENDPOINT=%s/desk\nHARBOR_DESK_TOKENS=%s\n", f->desk.url, TOKEN);
  f->profile = tw_profile_import_env (env, PROFILE, f->registry, f->secrets, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tw_profile_get_mode (f->profile), ==, TW_MODE_PAPER);
  g_assert_cmpstr (tw_service_get_base_url (tw_profile_lookup_service (f->profile, "harbor")), ==,
                   f->desk.url);
  /* The operator marks the profile live (it trades live elsewhere): the account still reads
   * paper, from the host of its address. */
  tw_profile_set_mode (f->profile, TW_MODE_LIVE);

  f->workspace = tw_workspace_new (f->profile, f->registry, f->http, f->secrets);
  tw_workspace_set_poll_interval (f->workspace, 200);
  f->audit = tw_audit_log_open (NULL, &error);
  g_assert_no_error (error);
  f->runner = tw_action_runner_new (f->workspace, f->audit);
  f->portfolio = tw_portfolio_new (f->workspace);
  tw_workspace_start (f->workspace);
  tw_portfolio_start (f->portfolio);

  /* Polled: health, account, positions and orders through Harbor's own paths and header. */
  g_assert_true (wait_for (harbor_green, f, 10000));
  g_assert_cmpstr (tw_service_get_version (tw_profile_lookup_service (f->profile, "harbor")), ==,
                   "7.1.3");
  if (!wait_for (portfolio_loaded, f, 10000))
    g_error ("Harbor did not load: %s", tw_portfolio_get_error (f->portfolio, "harbor"));
  account = tw_portfolio_lookup_account (f->portfolio, "harbor");
  g_assert_cmpstr (tw_account_get_account_number (account), ==, "HB-0042");
  g_assert_cmpfloat (tw_account_get_equity (account), ==, 25000.50);
  g_assert_true (tw_account_get_paper (account));
  g_assert_cmpfloat (tw_position_get_qty (tw_portfolio_lookup_position (f->portfolio, "harbor", "BOLT")),
                     ==, 5);
  g_assert_cmpuint (f->desk.n_refused, ==, 0);

  /* The broker is the service whose connector has the role, whatever its id. */
  g_assert_true (tw_guard_live_broker_connected (f->workspace, NULL, &source, NULL));
  g_assert_true (source == tw_profile_lookup_service (f->profile, "harbor"));

  /* Halted in one click. */
  halt = tw_action_runner_new_request (f->runner, "trading.halt", "harbor");
  answer = run (f, halt, "trading.halt", &error);
  g_assert_no_error (error);
  g_assert_true (f->desk.frozen);
  g_assert_nonnull (strstr (f->desk.frozen_why, "Halted from Trade Warden"));
  g_clear_pointer (&answer, json_node_unref);

  /* Resumed with a reason: the runner's own checks find the broker connected by its role. */
  resume = tw_action_runner_new_request (f->runner, "trading.resume", "harbor");
  tw_guard_request_set_reason (resume, REASON);
  tw_guard_request_set_checked (resume, TW_GUARD_CHECK_ROOT_CAUSE, TRUE);
  answer = run (f, resume, "trading.resume", &error);
  g_assert_no_error (error);
  g_assert_true (tw_guard_request_get_checked (resume, TW_GUARD_CHECK_BROKER_CONNECTED));
  g_assert_false (f->desk.frozen);
  g_assert_cmpstr (f->desk.frozen_why, ==, REASON);

  /* Flattened in the safe order; the refusals explained by the connector's "refusals". */
  g_ptr_array_set_size (f->desk.log, 0);
  request = tw_action_runner_new_request (f->runner, "account.flatten", "harbor");
  tw_guard_request_set_reason (request, REASON);
  tw_guard_request_set_typed_confirmation (request, PROFILE);
  flatten = tw_flatten_new (f->runner, f->portfolio, "harbor", request);
  tw_flatten_run_async (flatten, NULL, on_result, &result);
  g_assert_true (wait_for (result_arrived, &result, 15000));
  g_assert_false (tw_flatten_run_finish (flatten, result, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_CONFLICT);
  g_test_message ("flatten: %s", error->message);

  g_assert_true (desk_saw (&f->desk, "POST /desk/switch"));
  g_assert_true (desk_saw (&f->desk, "POST /desk/tickets/void"));
  g_assert_true (desk_saw (&f->desk, "POST /desk/holdings/liquidate"));
  g_assert_true (f->desk.frozen);

  summary = tw_flatten_step_get_summary (step_at (flatten, 1));
  g_test_message ("void: %s", summary);
  g_assert_cmpint (tw_flatten_step_get_state (step_at (flatten, 1)), ==, TW_FLATTEN_STEP_PARTIAL);
  g_assert_nonnull (strstr (summary, "the broker will not cancel it in its current state (it was "
                                     "“working” at the last refresh"));
  g_assert_nonnull (strstr (summary, "(TICKET STATE FINAL)"));

  summary = tw_flatten_step_get_summary (step_at (flatten, 2));
  g_test_message ("liquidate: %s", summary);
  g_assert_cmpint (tw_flatten_step_get_state (step_at (flatten, 2)), ==, TW_FLATTEN_STEP_PARTIAL);
  g_assert_nonnull (strstr (summary, "1 of 2 closed"));
  g_assert_nonnull (strstr (summary, "BOLT refused: held for orders — open orders hold its "
                                     "quantity; cancel them first (BOLT LOCKED BY WORKING ORDERS "
                                     "(1 open))"));
  g_assert_nonnull (strstr (tw_flatten_get_result (flatten), "positions still open: BOLT"));
  g_assert_cmpuint (f->desk.n_refused, ==, 0);

  /* A refusal the connector explains in its own words. */
  {
    g_autofree char *own = tw_multi_status_explain (tw_connector_registry_lookup (f->registry, "harbor"),
                                                    409, "Auction in progress", NULL);

    g_assert_cmpstr (own, ==, "the closing auction is running: try again after it "
                              "(Auction in progress)");
  }

  tw_portfolio_stop (f->portfolio);
  tw_workspace_stop (f->workspace);
  g_clear_object (&flatten);
  g_clear_object (&request);
  g_clear_object (&halt);
  g_clear_object (&resume);
  g_clear_object (&f->portfolio);
  g_clear_object (&f->runner);
  g_clear_object (&f->audit);
  g_clear_object (&f->workspace);
  g_clear_object (&f->profile);
  g_clear_object (&f->http);
  g_clear_object (&f->secrets);
  g_clear_object (&f->registry);
  desk_stop (&f->desk);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/connector-data/import", test_import);
  g_test_add_func ("/tw/core/connector-data/desk", test_desk);

  return g_test_run ();
}
