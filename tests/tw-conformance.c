/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-conformance.h"

#include "tw-profile.h"
#include "tw-test-util.h"

#define WAIT_MS 10000

static GHashTable *
parse_vars (const char *text)
{
  GHashTable *vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) parts = text != NULL ? g_strsplit (text, "|", -1) : g_new0 (char *, 1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *eq = strchr (parts[i], '=');

      g_assert_nonnull (eq);
      g_hash_table_insert (vars, g_strndup (parts[i], eq - parts[i]), g_strdup (eq + 1));
    }
  return vars;
}

void
conformance_setup (Conformance *c,
                   const char  *system,
                   const char  *connector_id,
                   const char  *secrets)
{
  g_autoptr(GHashTable) values = parse_vars (secrets);
  g_autoptr(TwService) service = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer name, value;

  c->system = g_strdup (system);
  c->server = tw_fixture_server_new (system);
  c->registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (c->registry);
  g_assert_nonnull (tw_connector_registry_lookup (c->registry, connector_id));
  c->secrets = tw_secrets_new_memory ();
  c->http = tw_http_new ();
  c->profile = tw_profile_new ("conformance", TW_MODE_PAPER);
  service = tw_service_new (connector_id, connector_id, tw_fixture_server_get_url (c->server));
  tw_profile_add_service (c->profile, service);

  g_hash_table_iter_init (&iter, values);
  while (g_hash_table_iter_next (&iter, &name, &value))
    {
      g_assert_true (tw_secrets_store_sync (c->secrets, "conformance", connector_id, name, value,
                                            NULL, &error));
      g_assert_no_error (error);
    }

  c->workspace = tw_workspace_new (c->profile, c->registry, c->http, c->secrets);
  c->client = tw_workspace_get_client (c->workspace, connector_id);
  g_assert_nonnull (c->client);
  c->audit = tw_audit_log_open (NULL, &error);
  g_assert_no_error (error);
  c->monitor = tw_risk_monitor_new (c->workspace);
  c->runner = tw_action_runner_new (c->workspace, c->audit);
  tw_action_runner_set_risk_monitor (c->runner, c->monitor);
}

void
conformance_teardown (Conformance *c)
{
  tw_risk_monitor_stop (c->monitor);
  tw_workspace_stop (c->workspace);
  g_clear_object (&c->runner);
  g_clear_object (&c->monitor);
  g_clear_object (&c->audit);
  g_clear_object (&c->workspace);
  g_clear_object (&c->profile);
  g_clear_object (&c->http);
  g_clear_object (&c->secrets);
  g_clear_object (&c->registry);
  g_clear_pointer (&c->server, tw_fixture_server_free);
  g_clear_pointer (&c->system, g_free);
  c->client = NULL;
}

static void
on_called (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_task_return_pointer (G_TASK (user_data), g_object_ref (result), g_object_unref);
  g_object_unref (user_data);
}

JsonNode *
conformance_call (Conformance *c,
                  const char  *operation,
                  const char  *vars,
                  guint       *status,
                  GError     **error)
{
  g_autoptr(GHashTable) table = parse_vars (vars);
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TwHttpResponse) response = NULL;
  JsonNode *body;

  tw_client_call_async (c->client, operation, table, NULL, on_called, g_object_ref (task));
  tw_test_wait_until (g_task_get_completed (task), WAIT_MS);
  result = g_task_propagate_pointer (task, NULL);
  body = tw_client_call_finish (c->client, result, &response, error);
  if (status != NULL)
    *status = response != NULL ? tw_http_response_get_status (response) : 0;
  return body;
}

/* A member of the fixture file itself (not part of TwFixture), or NULL. */
static JsonNode *
fixture_member (const char      *system,
                const TwFixture *fixture,
                const char      *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "runbooks", system,
                                                 fixture->file, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (object, name))
    return NULL;
  return json_node_copy (json_object_get_member (object, name));
}

JsonNode *
conformance_fixture_request (const char      *system,
                             const TwFixture *fixture)
{
  return fixture_member (system, fixture, "request");
}

/* @fixture's request to the simulator, with the flavor's credentials and those the
 * fixture's "credentials" names (header → the simulator's credential, e.g.
 * "X-Live-Trading-Key": "live_trading_key"). */
static JsonNode *
sim_request (TwSimThread     *sim,
             const char      *system,
             const char      *flavor,
             const TwFixture *fixture,
             guint           *status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strconcat (tw_sim_thread_get_url (sim, flavor), fixture->path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (fixture->method, uri);
  g_autoptr(JsonNode) request = conformance_fixture_request (system, fixture);
  g_autoptr(JsonNode) credentials = fixture_member (system, fixture, "credentials");
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  const char *api_key = tw_sim_thread_get_credential (sim, "api_key");

  if (g_str_equal (flavor, "alpaca"))
    {
      soup_message_headers_replace (headers, "APCA-API-KEY-ID",
                                    tw_sim_thread_get_credential (sim, "alpaca_key_id"));
      soup_message_headers_replace (headers, "APCA-API-SECRET-KEY",
                                    tw_sim_thread_get_credential (sim, "alpaca_secret"));
    }
  else if (g_str_equal (flavor, "ai-trading"))
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", api_key, NULL);

      soup_message_headers_replace (headers, "Authorization", bearer);
    }
  else
    soup_message_headers_replace (headers, "X-API-Key", api_key);

  if (credentials != NULL)
    {
      JsonObject *object = json_node_get_object (credentials);
      g_autoptr(GList) names = json_object_get_members (object);

      for (GList *l = names; l != NULL; l = l->next)
        soup_message_headers_replace (headers, l->data,
                                      tw_sim_thread_get_credential (sim, json_object_get_string_member (object, l->data)));
    }
  if (request != NULL)
    {
      g_autofree char *text = json_to_string (request, FALSE);
      g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  if (g_bytes_get_size (answer) == 0)
    return json_node_new (JSON_NODE_NULL);
  {
    g_autofree char *text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
    JsonNode *node = json_from_string (text, &error);

    g_assert_no_error (error);
    return node;
  }
}

void
conformance_check_sim (const char  *system,
                       const char  *flavor,
                       void       (*prepare) (TwSimThread *sim))
{
  g_autoptr(TwFixtureServer) server = tw_fixture_server_new (system);
  GPtrArray *fixtures = tw_fixture_server_get_fixtures (server);
  TwSimThread *sim = tw_test_sim_start ();

  if (prepare != NULL)
    prepare (sim);
  for (guint i = 0; i < fixtures->len; i++)
    {
      const TwFixture *fixture = g_ptr_array_index (fixtures, i);
      g_autofree char *where = g_strdup_printf ("%s %s %s (%s)", flavor, fixture->method,
                                                fixture->path, fixture->file);
      g_autoptr(JsonNode) answer = NULL;
      guint status = 0;

      g_test_message ("%s", where);
      answer = sim_request (sim, system, flavor, fixture, &status);
      if (status != fixture->status)
        g_error ("%s: the runbook has status %u, the simulator %u", where, fixture->status, status);
      if (fixture->body != NULL)
        tw_fixture_assert_same_shape (fixture->body, answer, where);
    }
  tw_sim_thread_stop (sim);
}

const TwFixture *
conformance_fixture (Conformance *c,
                     const char  *method,
                     const char  *path)
{
  const TwFixture *fixture = tw_fixture_server_lookup (c->server, method, path);

  if (fixture == NULL)
    g_error ("no fixture for %s %s", method, path);
  return fixture;
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} ReadBackData;

static void
read_back_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ReadBackData *data = user_data;

  data->ok = tw_risk_monitor_read_back_finish (TW_RISK_MONITOR (source), result, &data->error);
  data->done = TRUE;
}

TwTradingState *
conformance_read_back (Conformance *c)
{
  const char *id = tw_service_get_id (tw_client_get_service (c->client));
  ReadBackData data = { FALSE, FALSE, NULL };

  tw_risk_monitor_read_back_async (c->monitor, id, NULL, read_back_cb, &data);
  g_assert_true (tw_test_run_until (&data.done, WAIT_MS));
  g_assert_no_error (data.error);
  g_assert_true (data.ok);
  return tw_risk_monitor_lookup (c->monitor, id);
}
