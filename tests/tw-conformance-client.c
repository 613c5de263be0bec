/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-conformance-client.h"

#include "tw-profile.h"
#include "tw-test-util.h"

#define CONFORMANCE_PROFILE "conformance"
#define WAIT_MS 10000

void
conformance_setup (Conformance *c,
                   const char  *system,
                   const char  *connector_id,
                   const char  *api_key)
{
  g_autoptr(TwService) service = NULL;

  c->server = tw_fixture_server_new (system);
  c->registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (c->registry);
  g_assert_cmpuint (tw_connector_registry_get_problems (c->registry)->len, ==, 0);
  c->secrets = tw_secrets_new_memory ();
  c->http = tw_http_new ();
  c->profile = tw_profile_new (CONFORMANCE_PROFILE, TW_MODE_PAPER);

  service = tw_service_new (connector_id, connector_id, tw_fixture_server_get_url (c->server));
  tw_profile_add_service (c->profile, service);
  if (api_key != NULL)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (tw_secrets_store_sync (c->secrets, CONFORMANCE_PROFILE, connector_id,
                                            "api_key", api_key, NULL, &error));
      g_assert_no_error (error);
    }

  c->workspace = tw_workspace_new (c->profile, c->registry, c->http, c->secrets);
  c->monitor = tw_risk_monitor_new (c->workspace);
  c->client = tw_workspace_get_client (c->workspace, connector_id);
  g_assert_nonnull (c->client);
}

void
conformance_teardown (Conformance *c)
{
  tw_risk_monitor_stop (c->monitor);
  tw_workspace_stop (c->workspace);
  g_clear_object (&c->monitor);
  g_clear_object (&c->workspace);
  g_clear_object (&c->profile);
  g_clear_object (&c->http);
  g_clear_object (&c->secrets);
  g_clear_object (&c->registry);
  g_clear_pointer (&c->server, tw_fixture_server_free);
}

typedef struct
{
  gboolean        done;
  JsonNode       *body;
  TwHttpResponse *response;
  GError         *error;
} CallData;

static void
call_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  CallData *data = user_data;

  data->body = tw_client_call_finish (TW_CLIENT (source), result, &data->response, &data->error);
  data->done = TRUE;
}

JsonNode *
conformance_call (Conformance  *c,
                  const char   *operation,
                  const char   *vars,
                  guint        *status,
                  GError      **error)
{
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) pairs = vars != NULL ? g_strsplit (vars, "|", -1) : NULL;
  CallData data = { FALSE, NULL, NULL, NULL };

  for (guint i = 0; pairs != NULL && pairs[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (pairs[i], "=", 2);

      g_assert_nonnull (kv[1]);
      g_hash_table_insert (table, g_strdup (kv[0]), g_strdup (kv[1]));
    }

  tw_client_call_async (c->client, operation, table, NULL, call_cb, &data);
  g_assert_true (tw_test_run_until (&data.done, WAIT_MS));

  if (status != NULL)
    *status = data.response != NULL ? tw_http_response_get_status (data.response) : 0;
  g_clear_pointer (&data.response, tw_http_response_unref);
  if (data.error != NULL)
    g_propagate_error (error, data.error);
  return data.body;
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
