/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Emergency revoke over real HTTP and the real keyring (trading halted first, nothing sent
 * without the guard), and the alert when the key in use starts being refused. */
#include "config.h"

#include <string.h>

#include "tw-alert-private.h"
#include "tw-keys-fixture.h"
#include "tw-session.h"

typedef struct
{
  gboolean   done;
  TwKeyStep  step;
  GError    *error;
  char      *output;
} RevokeWait;

static void
revoke_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  RevokeWait *w = user_data;

  w->step = tw_session_revoke_key_finish (TW_SESSION (source), result, &w->output, &w->error);
  w->done = TRUE;
}

static void
closed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  tw_session_close_finish (TW_SESSION (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* Emergency revoke: nothing is sent without the guard and the service's name typed; then
 * every service halted first (the simulator's request log), the key removed from the .env
 * file, proven refused, deleted; the follow-up names the key by its last four characters. */
static void
test_revoke (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "keys-restart.sh", NULL);
  const char *argv[] = { "/bin/sh", script, tw_sim_thread_get_url (f->sim, SERVICE), NULL };
  g_autoptr(TwSession) session = NULL;
  g_autoptr(TwGuardRequest) request = NULL;
  g_autoptr(JsonNode) log = NULL;
  g_autoptr(JsonNode) cleared = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  g_autofree char *sql = NULL;
  RevokeWait w = { 0 };
  gboolean closed = FALSE;
  gint halt_at = -1, proof_at = -1;
  JsonArray *array;

  if (!in_session ())
    return;
  tw_test_wait_until (G_OBJECT (f->keys)->ref_count == 1, 5000);
  g_clear_object (&f->keys);
  session = tw_session_new (f->profile, f->registry, f->http, f->secrets, FALSE);
  g_assert_true (tw_keys_set_server (tw_session_get_keys (session), SERVICE, TW_KEY_SERVER_MANAGED,
                                     f->env_path, argv, 30, &error));
  start_managed_sim (f);
  cleared = tw_test_sim_request (f->sim, SERVICE, "DELETE", "/_sim/requests", NULL);

  /* A reason but not the service's name: refused, nothing sent. */
  request = tw_guard_request_new ("keys.revoke", SERVICE "/api_key", f->profile_name, TW_MODE_PAPER);
  tw_guard_request_set_reason (request, "Key leaked in a public gist");
  tw_session_revoke_key_async (session, SERVICE, "api_key", request, FALSE, NULL, revoke_cb, &w);
  tw_test_wait_until (w.done, 10000);
  g_assert_error (w.error, TW_ERROR, TW_ERROR_REFUSED);
  g_clear_error (&w.error);
  log = tw_test_sim_requests (f->sim);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (log)), ==, 0);
  g_clear_pointer (&log, json_node_unref);

  tw_guard_request_set_typed_confirmation (request, SERVICE);
  memset (&w, 0, sizeof w);
  tw_session_revoke_key_async (session, SERVICE, "api_key", request, FALSE, NULL, revoke_cb, &w);
  tw_test_wait_until (w.done, 30000);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.step, ==, TW_KEY_STEP_DONE);
  sql = g_strdup_printf ("LIKE '%%%s%%'", f->old_key + strlen (f->old_key) - 4);
  g_assert_nonnull (strstr (w.output, sql));
  g_assert_null (strstr (w.output, f->old_key));
  g_assert_null (keyring (f, "api_key"));
  g_assert_cmpuint (status_with_key (f, f->old_key), ==, 401);
  expected = env_with (f, "client-b-key-0000000000");
  got = read_file (f->env_path);
  g_assert_cmpstr (got, ==, expected);

  /* The halt went out before the proof that the key is refused. */
  log = tw_test_sim_requests (f->sim);
  array = json_node_get_array (log);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *e = json_array_get_object_element (array, i);

      if (halt_at < 0 && !g_str_equal (json_object_get_string_member (e, "method"), "GET"))
        halt_at = i;
      if (proof_at < 0 && json_object_get_int_member (e, "status") == 401)
        proof_at = i;
    }
  g_assert_cmpint (halt_at, >=, 0);
  g_assert_cmpint (proof_at, >, halt_at);
  g_free (w.output);
  assert_no_key_on_disk (f->old_key);

  tw_session_close_async (session, NULL, closed_cb, &closed);
  tw_test_wait_until (closed, 10000);
}

static void
alert_cb (TwAlertEngine *engine,
          TwAlert       *alert,
          GPtrArray     *keys)
{
  g_ptr_array_add (keys, g_strdup (tw_alert_get_key (alert)));
}

static gboolean
has_key (GPtrArray  *keys,
         const char *key)
{
  for (guint i = 0; i < keys->len; i++)
    if (g_str_equal (g_ptr_array_index (keys, i), key))
      return TRUE;
  return FALSE;
}

/* Key hygiene: the key in use refused where it was accepted before is a critical alert. */
static void
test_refused_alert (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(TwRiskMonitor) monitor = NULL;
  g_autoptr(TwActionRunner) runner = NULL;
  g_autoptr(TwAlertEngine) engine = NULL;
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  TwService *service = tw_profile_lookup_service (f->profile, SERVICE);

  if (!in_session ())
    return;
  monitor = tw_risk_monitor_new (f->workspace);
  runner = tw_action_runner_new (f->workspace, f->audit);
  engine = tw_alert_engine_new (f->workspace, monitor, runner);
  g_signal_connect (engine, "alert", G_CALLBACK (alert_cb), keys);
  tw_workspace_set_poll_interval (f->workspace, 200);
  tw_workspace_start (f->workspace);
  tw_test_wait_until (tw_service_get_last_success (service) != NULL, 10000);
  g_assert_false (has_key (keys, "key-refused:" SERVICE));

  /* Rotated elsewhere: the server no longer knows the console's key. */
  set_sim_api_keys (f, "rotated-elsewhere-key-0000000000", NULL);
  tw_test_wait_until (has_key (keys, "key-refused:" SERVICE), 15000);

  /* Accepted again: the condition ends. */
  set_sim_api_keys (f, f->old_key, NULL);
  tw_test_wait_until (tw_service_get_last_error (service) == NULL, 10000);
  tw_test_wait_until (!tw_alert_engine_is_active (engine, "key-refused:" SERVICE), 10000);
  tw_workspace_stop (f->workspace);
  tw_action_runner_close (runner);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/tw/core/keys/revoke", Fixture, NULL, fixture_setup, test_revoke, fixture_teardown);
  g_test_add ("/tw/core/keys/refused-alert", Fixture, NULL, fixture_setup, test_refused_alert,
              fixture_teardown);

  return g_test_run ();
}
