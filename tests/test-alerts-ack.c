/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "tw-alerts-service.h"
#include "tw-audit-record.h"
#include "tw-connector-registry.h"
#include "tw-error.h"
#include "tw-session.h"
#include "tw-alertmanager-test.h"
#include "tw-test-util.h"

/* Issue 14: acknowledgements survive a restart (the session closed and opened again over
 * the same state file, a real Alertmanager); the console's own alerts count toward a
 * storm like Alertmanager's. */

typedef struct
{
  guint  n_notified;
  guint  n_summaries;
  char  *last_summary;
  GPtrArray *notified_keys;
} Counts;

static void
notified_cb (TwAlertsService *alerts,
             TwAlertItem     *item,
             Counts          *c)
{
  c->n_notified++;
  if (c->notified_keys != NULL)
    g_ptr_array_add (c->notified_keys, g_strdup (tw_alert_item_get_key (item)));
}

static void
summary_cb (TwAlertsService *alerts,
            const char      *key,
            int              severity,
            const char      *title,
            const char      *body,
            Counts          *c)
{
  c->n_summaries++;
  g_free (c->last_summary);
  c->last_summary = g_strdup (title);
}

static void
async_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
closed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;

  tw_session_close_finish (TW_SESSION (object), result, NULL);
  *done = TRUE;
}

static void
close_session (TwSession *session)
{
  gboolean closed = FALSE;

  tw_session_close_async (session, NULL, closed_cb, &closed);
  tw_test_wait_until (closed, 10000);
}

static TwAlertItem *
find_by_name (TwAlertsService *alerts,
              const char      *name)
{
  GListModel *model = tw_alerts_service_get_model (alerts);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TwAlertItem) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (tw_alert_item_get_name (item), name) == 0)
        return item;   /* the service holds it */
    }
  return NULL;
}

static gboolean
silence_is (TwTestAlertmanager *am,
            const char         *id,
            const char         *state)
{
  g_autofree char *path = g_strconcat ("/api/v2/silence/", id, NULL);
  g_autoptr(JsonNode) node = tw_test_alertmanager_request (am, "GET", path, NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  return g_strcmp0 (json_object_get_string_member (json_object_get_object_member (json_node_get_object (node),
                                                                                    "status"), "state"),
                    state) == 0;
}

static gboolean
has_audit (TwAuditLog *log,
           const char *action,
           const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) rows = tw_audit_log_query (log, NULL, NULL, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(TwAuditRecord) record = g_list_model_get_item (rows, i);

      if (g_strcmp0 (tw_audit_record_get_action (record), action) == 0
          && (text == NULL || strstr (tw_audit_record_get_message (record) ?: "", text) != NULL
              || strstr (tw_audit_record_get_target (record) ?: "", text) != NULL))
        return TRUE;
    }
  return FALSE;
}

static void
acknowledge (TwAlertsService *alerts,
             TwAlertItem     *item,
             const char      *note)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tw_alerts_service_acknowledge_async (alerts, tw_alert_item_get_key (item), note, 0, NULL,
                                       async_result_cb, &result);
  tw_test_wait_until (result != NULL, 10000);
  g_assert_true (tw_alerts_service_acknowledge_finish (alerts, result, &error));
  g_assert_no_error (error);
}

static char *
read_state (const char *path)
{
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

#define LATENCY "{\"alertname\": \"HighLatency\", \"severity\": \"warning\", \"service\": \"investiq\"}"
#define DOWN "{\"alertname\": \"ServiceDown\", \"severity\": \"critical\", \"service\": \"ai-trading\"}"

static TwSession *
open_session (TwProfile           *profile,
              TwConnectorRegistry *registry,
              TwHttp              *http,
              TwSecrets           *secrets,
              const char          *state_path,
              Counts              *counts)
{
  TwSession *session = tw_session_new (profile, registry, http, secrets, TRUE);
  TwAlertsService *alerts = tw_session_get_alerts_service (session);

  tw_session_set_poll_interval (session, 300);
  tw_alerts_service_set_state_path (alerts, state_path);
  g_signal_connect (alerts, "notify-alert", G_CALLBACK (notified_cb), counts);
  g_signal_connect (alerts, "notify-summary", G_CALLBACK (summary_cb), counts);
  return session;
}

static void
test_ack_restart (void)
{
  g_autoptr(TwProfile) profile = tw_profile_new ("alerts-ack", TW_MODE_PAPER);
  g_autoptr(TwService) service = NULL;
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwSession) session = NULL;
  /* G_TEST_OPTION_ISOLATE_DIRS: a state directory of this test's own */
  g_autofree char *state_path = tw_alerts_service_default_state_path ("alerts-ack");
  g_autofree char *am_url = NULL;
  g_autofree char *receiver_url = NULL;
  g_autofree char *latency_key = NULL;
  g_autofree char *latency_silence = NULL;
  g_autofree char *down_silence = NULL;
  g_autofree char *text = NULL;
  TwTestAlertmanager *am;
  TwAlertsService *alerts;
  TwAlertItem *item;
  GStatBuf st;
  guint am_port;
  Counts counts = { 0 };

  if (tw_test_alertmanager_binary () == NULL)
    {
      g_test_skip ("prometheus-alertmanager is not installed (build-aux/run deps)");
      return;
    }

  am_port = tw_test_free_port ();
  am_url = g_strdup_printf ("http://127.0.0.1:%u", am_port);
  tw_connector_registry_load_default (registry);
  service = tw_service_new ("am", "prometheus-alertmanager", am_url);
  tw_service_set_name (service, "Alertmanager A");
  tw_profile_add_service (profile, service);
  tw_profile_set_alerts_config (profile, NULL, tw_test_free_port (), FALSE);

  /* First run: two Alertmanager alerts and a console alert, all acknowledged */
  session = open_session (profile, registry, http, secrets, state_path, &counts);
  alerts = tw_session_get_alerts_service (session);
  g_assert_nonnull (tw_session_get_alert_engine (session));
  tw_session_start (session);
  receiver_url = tw_alert_receiver_get_url (tw_alerts_service_get_receiver (alerts));
  am = tw_test_alertmanager_start (am_port, receiver_url);
  tw_test_alertmanager_post_alert (am, LATENCY, "{\"summary\": \"p99 above 2 s\"}", 0);
  tw_test_alertmanager_post_alert (am, DOWN, NULL, 0);
  tw_test_wait_until (find_by_name (alerts, "HighLatency") != NULL && find_by_name (alerts, "ServiceDown") != NULL,
                      15000);

  item = find_by_name (alerts, "HighLatency");
  latency_key = g_strdup (tw_alert_item_get_key (item));
  acknowledge (alerts, item, "looking into the latency");
  latency_silence = g_strdup (tw_alert_item_get_ack_silence_id (item));
  g_assert_nonnull (latency_silence);
  acknowledge (alerts, find_by_name (alerts, "ServiceDown"), "restarting it");
  down_silence = g_strdup (tw_alert_item_get_ack_silence_id (find_by_name (alerts, "ServiceDown")));

  tw_alert_engine_raise_condition (tw_session_get_alert_engine (session), "security:investiq:tls",
                                   TW_ALERT_WARNING, "TLS check failing", "The certificate expires", "investiq",
                                   NULL);
  item = find_by_name (alerts, "TLS check failing");
  g_assert_nonnull (item);
  acknowledge (alerts, item, "renewal under way");
  g_assert_cmpint (tw_alert_item_get_state (item), ==, TW_ALERT_STATE_ACKNOWLEDGED);

  /* Kept in the state file, mode 0600, by identity; no secret in it */
  g_assert_cmpint (g_stat (state_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  text = read_state (state_path);
  g_assert_nonnull (strstr (text, latency_key));
  g_assert_nonnull (strstr (text, "console:security:investiq:tls"));
  g_assert_nonnull (strstr (text, latency_silence));
  g_assert_nonnull (strstr (text, "renewal under way"));
  g_clear_pointer (&text, g_free);
  close_session (session);
  g_clear_object (&session);

  /* While the console is away, ServiceDown resolves (its ack silence stays in
   * Alertmanager until the console expires it). */
  tw_test_alertmanager_post_alert (am, DOWN, NULL, -1);

  /* Second run over the same state file */
  counts.n_notified = 0;
  session = open_session (profile, registry, http, secrets, state_path, &counts);
  alerts = tw_session_get_alerts_service (session);
  g_assert_cmpuint (tw_alerts_service_get_n_pending_acks (alerts), ==, 3);
  tw_session_start (session);

  /* HighLatency comes back acknowledged as before: by whom, the note, the silence */
  tw_test_wait_until (find_by_name (alerts, "HighLatency") != NULL, 15000);
  item = find_by_name (alerts, "HighLatency");
  g_assert_cmpstr (tw_alert_item_get_key (item), ==, latency_key);
  g_assert_cmpint (tw_alert_item_get_state (item), ==, TW_ALERT_STATE_ACKNOWLEDGED);
  g_assert_cmpstr (tw_alert_item_get_acked_by (item), ==, g_get_user_name ());
  g_assert_cmpstr (tw_alert_item_get_ack_note (item), ==, "looking into the latency");
  g_assert_cmpstr (tw_alert_item_get_ack_silence_id (item), ==, latency_silence);
  g_assert_true (silence_is (am, latency_silence, "active"));

  /* ServiceDown resolved meanwhile: its entry goes, its silence is expired */
  tw_test_wait_until (silence_is (am, down_silence, "expired"), 15000);
  tw_test_wait_until (has_audit (tw_session_get_audit_log (session), "alert.silence-expire", down_silence), 5000);
  g_assert_null (find_by_name (alerts, "ServiceDown"));

  /* The console alert, raised again by the new engine: acknowledged, not notified */
  tw_alert_engine_raise_condition (tw_session_get_alert_engine (session), "security:investiq:tls",
                                   TW_ALERT_WARNING, "TLS check failing", "The certificate expires", "investiq",
                                   NULL);
  item = find_by_name (alerts, "TLS check failing");
  g_assert_nonnull (item);
  g_assert_cmpint (tw_alert_item_get_state (item), ==, TW_ALERT_STATE_ACKNOWLEDGED);
  g_assert_cmpstr (tw_alert_item_get_ack_note (item), ==, "renewal under way");
  g_assert_cmpuint (counts.n_notified, ==, 0);
  g_assert_cmpuint (tw_alerts_service_get_n_pending_acks (alerts), ==, 0);
  g_assert_cmpuint (tw_alerts_service_get_n_unacknowledged (alerts), ==, 0);

  /* HighLatency resolves: the ack expires with it, in the file too */
  item = find_by_name (alerts, "HighLatency");
  tw_test_alertmanager_post_alert (am, LATENCY, NULL, -1);
  tw_test_wait_until (tw_alert_item_is_resolved (item), 15000);
  tw_test_wait_until (silence_is (am, latency_silence, "expired"), 10000);
  text = read_state (state_path);
  g_assert_null (strstr (text, latency_key));
  g_assert_null (strstr (text, down_silence));
  g_assert_nonnull (strstr (text, "console:security:investiq:tls"));
  g_clear_pointer (&text, g_free);
  close_session (session);
  g_clear_object (&session);

  /* Third run: only the console alert's ack waits */
  session = open_session (profile, registry, http, secrets, state_path, &counts);
  g_assert_cmpuint (tw_alerts_service_get_n_pending_acks (tw_session_get_alerts_service (session)), ==, 1);
  close_session (session);
  g_clear_object (&session);

  tw_test_alertmanager_stop (am);
  g_free (counts.last_summary);
}

/* A storm of the console's own alerts (a backup's too): one summary, not one notification
 * each. */
static void
test_console_storm (void)
{
  g_autoptr(TwProfile) profile = tw_profile_new ("alerts-storm", TW_MODE_PAPER);
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwSession) session = NULL;
  g_autofree char *state_path = tw_alerts_service_default_state_path ("alerts-storm");
  TwAlertsService *alerts;
  TwAlertEngine *engine;
  Counts counts = { 0 };

  tw_connector_registry_load_default (registry);
  counts.notified_keys = g_ptr_array_new_with_free_func (g_free);
  session = open_session (profile, registry, http, secrets, state_path, &counts);
  alerts = tw_session_get_alerts_service (session);
  engine = tw_session_get_alert_engine (session);
  g_assert_nonnull (engine);
  g_assert_true (tw_alerts_service_get_engine (alerts) == engine);

  /* Three alone: one notification each, through the alerts service */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *key = g_strdup_printf ("security:svc%u:tls", i);
      g_autofree char *title = g_strdup_printf ("TLS check failing on svc%u", i);

      tw_alert_engine_raise_condition (engine, key, TW_ALERT_WARNING, title, "expired", NULL, NULL);
    }
  g_assert_cmpuint (counts.n_notified, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (counts.notified_keys, 0), ==, "console:security:svc0:tls");
  g_assert_cmpuint (counts.n_summaries, ==, 0);

  /* A backup alert is one of the console's own too: on the page, notified by the service */
  g_signal_emit_by_name (tw_session_get_backup_scheduler (session), "alert", "backup-failed:nightly",
                         "warning", "Backup failed", "The nightly backup failed: disk full");
  {
    TwAlertItem *item = tw_alerts_service_lookup (alerts, "console:backup-failed:nightly");

    g_assert_nonnull (item);
    g_assert_cmpstr (tw_alert_item_get_page (item), ==, "backups");
    g_assert_cmpstr (tw_alert_item_get_category (item), ==, "x-tradewarden.backup");
  }
  g_assert_cmpuint (counts.n_notified, ==, 4);

  /* A thousand: the storm limit reached, one summary counting them all */
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *key = g_strdup_printf ("health-down:svc%u:", i);

      tw_alert_engine_raise_condition (engine, key, i < 10 ? TW_ALERT_CRITICAL : TW_ALERT_WARNING,
                                       "Service down", "unreachable", NULL, NULL);
    }
  g_assert_cmpuint (counts.n_notified, <=, TW_ALERTS_STORM_LIMIT);
  g_assert_cmpuint (counts.n_summaries, ==, 1);
  tw_test_wait_until (counts.n_summaries >= 2, 10000);
  g_assert_cmpstr (counts.last_summary, ==, "1004 alerts firing: 10 critical, 994 warning");
  g_assert_cmpuint (tw_alerts_service_get_n_notified (alerts), <=, TW_ALERTS_STORM_LIMIT + 3);
  g_assert_cmpuint (tw_alerts_service_get_n_unacknowledged (alerts), ==, 1004);

  close_session (session);
  g_ptr_array_unref (counts.notified_keys);
  g_free (counts.last_summary);
}

/* Two Alertmanagers in a profile (two real processes): the same alert merged into one
 * row by its fingerprint, naming both; it leaves one, still fires in the other; resolved
 * when neither lists it. */
static void
test_two_alertmanagers (void)
{
  g_autoptr(TwProfile) profile = tw_profile_new ("alerts-two", TW_MODE_PAPER);
  g_autoptr(TwService) service_a = NULL;
  g_autoptr(TwService) service_b = NULL;
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwSession) session = NULL;
  g_autofree char *state_path = tw_alerts_service_default_state_path ("alerts-two");
  g_autofree char *url_a = NULL;
  g_autofree char *url_b = NULL;
  g_autofree char *receiver_url = NULL;
  TwTestAlertmanager *am_a, *am_b;
  TwAlertsService *alerts;
  TwAlertItem *item;
  guint port_a, port_b, n_accepted;
  Counts counts = { 0 };

  if (tw_test_alertmanager_binary () == NULL)
    {
      g_test_skip ("prometheus-alertmanager is not installed (build-aux/run deps)");
      return;
    }
  port_a = tw_test_free_port ();
  port_b = tw_test_free_port ();
  url_a = g_strdup_printf ("http://127.0.0.1:%u", port_a);
  url_b = g_strdup_printf ("http://127.0.0.1:%u", port_b);
  tw_connector_registry_load_default (registry);
  service_a = tw_service_new ("am-a", "prometheus-alertmanager", url_a);
  tw_service_set_name (service_a, "Alertmanager A");
  tw_profile_add_service (profile, service_a);
  service_b = tw_service_new ("am-b", "prometheus-alertmanager", url_b);
  tw_service_set_name (service_b, "Alertmanager B");
  tw_profile_add_service (profile, service_b);
  tw_profile_set_alerts_config (profile, NULL, tw_test_free_port (), FALSE);

  session = open_session (profile, registry, http, secrets, state_path, &counts);
  alerts = tw_session_get_alerts_service (session);
  tw_session_start (session);
  receiver_url = tw_alert_receiver_get_url (tw_alerts_service_get_receiver (alerts));
  am_a = tw_test_alertmanager_start (port_a, receiver_url);
  am_b = tw_test_alertmanager_start (port_b, receiver_url);

  tw_test_alertmanager_post_alert (am_a, LATENCY, NULL, 0);
  tw_test_alertmanager_post_alert (am_b, LATENCY, NULL, 0);
  tw_test_wait_until ((item = find_by_name (alerts, "HighLatency")) != NULL
                      && tw_alert_item_get_sources (item)->len == 2, 15000);
  g_assert_cmpuint (g_list_model_get_n_items (tw_alerts_service_get_model (alerts)), ==, 1);
  {
    g_autofree char *sources = tw_alert_item_format_sources (item);

    g_assert_nonnull (strstr (sources, "Alertmanager A"));
    g_assert_nonnull (strstr (sources, "Alertmanager B"));
  }
  /* Notified once, not once per Alertmanager */
  g_assert_cmpuint (counts.n_notified, ==, 1);

  /* It leaves A: still firing, from B alone, also once A's webhook said "resolved" */
  n_accepted = tw_alert_receiver_get_n_accepted (tw_alerts_service_get_receiver (alerts));
  tw_test_alertmanager_post_alert (am_a, LATENCY, NULL, -1);
  tw_test_wait_until (tw_alert_item_get_sources (item)->len == 1
                      && tw_alert_receiver_get_n_accepted (tw_alerts_service_get_receiver (alerts)) > n_accepted,
                      15000);
  g_assert_cmpstr (g_ptr_array_index (tw_alert_item_get_sources (item), 0), ==, "Alertmanager B");
  g_assert_false (tw_alert_item_is_resolved (item));
  g_assert_cmpuint (counts.n_notified, ==, 1);

  /* And B: resolved */
  tw_test_alertmanager_post_alert (am_b, LATENCY, NULL, -1);
  tw_test_wait_until (tw_alert_item_is_resolved (item), 15000);

  close_session (session);
  tw_test_alertmanager_stop (am_a);
  tw_test_alertmanager_stop (am_b);
  g_free (counts.last_summary);
}

static guint
count_key (GPtrArray  *keys,
           const char *key)
{
  guint n = 0;

  for (guint i = 0; i < keys->len; i++)
    if (g_str_equal (g_ptr_array_index (keys, i), key))
      n++;
  return n;
}

/* An unacknowledged critical console alert repeats every repeat interval; acknowledged,
 * it stops. */
static void
test_console_repeat (void)
{
  g_autoptr(TwProfile) profile = tw_profile_new ("alerts-repeat", TW_MODE_PAPER);
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwSession) session = NULL;
  g_autofree char *state_path = tw_alerts_service_default_state_path ("alerts-repeat");
  TwAlertsService *alerts;
  TwAlertItem *item;
  Counts counts = { 0 };
  guint n;

  tw_connector_registry_load_default (registry);
  counts.notified_keys = g_ptr_array_new_with_free_func (g_free);
  session = open_session (profile, registry, http, secrets, state_path, &counts);
  alerts = tw_session_get_alerts_service (session);
  tw_session_start (session);
  tw_alerts_service_set_rate_limit (alerts, 1);
  tw_alert_engine_raise_condition (tw_session_get_alert_engine (session), "security:investiq:auth",
                                   TW_ALERT_CRITICAL, "Authentication disabled", "AUTH_ENABLED=false",
                                   "investiq", NULL);
  g_assert_cmpuint (counts.n_notified, ==, 1);
  tw_test_wait_until (counts.n_notified >= 3, 10000);

  item = tw_alerts_service_lookup (alerts, "console:security:investiq:auth");
  g_assert_nonnull (item);
  {
    g_autoptr(GAsyncResult) result = NULL;

    tw_alerts_service_acknowledge_async (alerts, tw_alert_item_get_key (item), "fixing it", 0, NULL,
                                         async_result_cb, &result);
    tw_test_wait_until (result != NULL, 5000);
    g_assert_true (tw_alerts_service_acknowledge_finish (alerts, result, NULL));
  }
  /* Acknowledged: repeat rounds pass without it; a second critical alert, not
   * acknowledged, repeating twice proves they ran. */
  n = count_key (counts.notified_keys, "console:security:investiq:auth");
  tw_alert_engine_raise_condition (tw_session_get_alert_engine (session), "security:investiq:tls",
                                   TW_ALERT_CRITICAL, "TLS disabled", "no certificate", "investiq", NULL);
  tw_test_wait_until (count_key (counts.notified_keys, "console:security:investiq:tls") >= 3, 10000);
  g_assert_cmpuint (count_key (counts.notified_keys, "console:security:investiq:auth"), ==, n);
  close_session (session);
  g_ptr_array_unref (counts.notified_keys);
  g_free (counts.last_summary);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/alerts/ack/restart", test_ack_restart);
  g_test_add_func ("/tw/core/alerts/console-storm", test_console_storm);
  g_test_add_func ("/tw/core/alerts/console-repeat", test_console_repeat);
  g_test_add_func ("/tw/core/alerts/two-alertmanagers", test_two_alertmanagers);
  return g_test_run ();
}
