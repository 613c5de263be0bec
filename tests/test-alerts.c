/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "tw-alerts-private.h"
#include "tw-alerts-service.h"
#include "tw-audit-record.h"
#include "tw-connector-registry.h"
#include "tw-error.h"
#include "tw-session.h"
#include "tw-alertmanager-test.h"
#include "tw-test-timing.h"
#include "tw-test-util.h"

/* Issue 14: the webhook receiver, the parser, the alerts service; a real Alertmanager. */

#define WEBHOOK(alerts) \
  "{\"version\": \"4\", \"groupKey\": \"{}:{alertname=\\\"X\\\"}\", \"status\": \"firing\"," \
  " \"receiver\": \"console\", \"externalURL\": \"http://127.0.0.1:9093\", \"alerts\": [" alerts "]}"

#define ALERT(fp, name, severity, status) \
  "{\"status\": \"" status "\", \"fingerprint\": \"" fp "\"," \
  " \"labels\": {\"alertname\": \"" name "\", \"severity\": \"" severity "\", \"service\": \"investiq\"}," \
  " \"annotations\": {\"summary\": \"" name " on investiq\", \"runbook_url\": \"https://runbooks.invalid/" name "\"}," \
  " \"startsAt\": \"2026-12-06T01:00:00.000Z\", \"endsAt\": \"0001-01-01T00:00:00Z\"," \
  " \"generatorURL\": \"http://127.0.0.1:9090/graph\"}"

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

/* Parser */

static void
test_parse (void)
{
  static const char *bad[] = {
    "not json",
    "[]",
    "{\"version\": \"3\", \"alerts\": []}",
    "{\"version\": 4, \"alerts\": []}",
    "{\"version\": \"4\"}",
    "{\"version\": \"4\", \"alerts\": {}}",
    "{\"version\": \"4\", \"alerts\": [42]}",
    "{\"version\": \"4\", \"alerts\": [{\"status\": \"firing\", \"labels\": {}}]}",
    "{\"version\": \"4\", \"alerts\": [{\"status\": \"firing\", \"fingerprint\": 7, \"labels\": {}}]}",
    "{\"version\": \"4\", \"alerts\": [{\"status\": \"firing\", \"fingerprint\": \"a\"}]}",
    "{\"version\": \"4\", \"alerts\": [{\"status\": \"firing\", \"fingerprint\": \"a\", \"labels\": []}]}",
    "{\"version\": \"4\", \"alerts\": [{\"status\": \"firing\", \"fingerprint\": \"a\", \"labels\": {\"x\": 1}}]}",
    "{\"version\": \"4\", \"alerts\": [{\"status\": \"burning\", \"fingerprint\": \"a\", \"labels\": {}}]}",
    "{\"version\": \"4\", \"alerts\": [{\"status\": \"firing\", \"fingerprint\": \"a\", \"labels\": {},"
    " \"startsAt\": \"yesterday\"}]}",
    "{\"version\": \"4\", \"alerts\": [{\"status\": \"firing\", \"fingerprint\": \"a\", \"labels\": {},"
    " \"annotations\": {\"summary\": null}}]}",
    /* refused after its externalURL was read: no URL is handed out (fuzz-webhook) */
    "{\"version\": \"4\", \"externalURL\": \"http://127.0.0.1:9093\", \"alerts\": [{\"status\": true}]}",
  };
  const char *good = WEBHOOK (ALERT ("f1", "HighErrorRate", "critical", "firing") ","
                              ALERT ("f2", "ServiceDown", "warning", "resolved"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  g_autofree char *url = NULL;
  TwAmAlertData *first, *second;

  alerts = _tw_am_parse_webhook (good, strlen (good), &url, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, ==, 2);
  g_assert_cmpstr (url, ==, "http://127.0.0.1:9093");
  first = g_ptr_array_index (alerts, 0);
  second = g_ptr_array_index (alerts, 1);
  g_assert_cmpstr (first->fingerprint, ==, "f1");
  g_assert_cmpstr (g_hash_table_lookup (first->labels, "alertname"), ==, "HighErrorRate");
  g_assert_cmpstr (g_hash_table_lookup (first->annotations, "summary"), ==, "HighErrorRate on investiq");
  g_assert_false (first->resolved);
  g_assert_nonnull (first->starts_at);
  g_assert_null (first->ends_at);   /* Go's zero time: no end */
  g_assert_true (second->resolved);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *bad_url = NULL;
      g_autoptr(GPtrArray) none = _tw_am_parse_webhook (bad[i], strlen (bad[i]), &bad_url, &error);

      g_test_message ("bad payload %u: %s", i, error != NULL ? error->message : "(accepted)");
      g_assert_null (none);
      g_assert_null (bad_url);
      g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
      g_clear_error (&error);
    }
}

static void
test_severity (void)
{
  g_assert_cmpint (tw_alert_severity_from_label ("critical"), ==, TW_ALERT_CRITICAL);
  g_assert_cmpint (tw_alert_severity_from_label ("warning"), ==, TW_ALERT_WARNING);
  g_assert_cmpint (tw_alert_severity_from_label ("high"), ==, TW_ALERT_WARNING);
  g_assert_cmpint (tw_alert_severity_from_label ("info"), ==, TW_ALERT_INFO);
  g_assert_cmpint (tw_alert_severity_from_label (NULL), ==, TW_ALERT_WARNING);
}

/* HTTP to the receiver, on this thread's main loop */

typedef struct
{
  guint    status;
  gboolean done;
} Post;

static void
posted_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Post *post = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);

  post->status = soup_message_get_status (msg);
  post->done = TRUE;
}

/* POSTs @body (@length -1: a string; @chunked: no Content-Length) and waits for the status. */
static guint
post_full (const char *url,
           const char *method,
           const char *body,
           gssize      length,
           gboolean    chunked,
           const char *token)
{
  /* 10,000 alerts take longer than 20 s in a sanitizer build */
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", tw_test_scale_timeout (20), NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  Post post = { 0, FALSE };

  if (body != NULL)
    {
      gsize n = length < 0 ? strlen (body) : (gsize) length;
      g_autoptr(GBytes) bytes = g_bytes_new (body, n);

      if (chunked)
        {
          g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);

          soup_message_set_request_body (msg, "application/json", stream, -1);
        }
      else
        soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", value);
    }
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, posted_cb, &post);
  tw_test_wait_until (post.done, 30000);
  return post.status;
}

static guint
post (const char *url,
      const char *body)
{
  return post_full (url, "POST", body, -1, FALSE, NULL);
}

static void
count_payload_cb (TwAlertReceiver *receiver,
                  GPtrArray       *alerts,
                  const char      *external_url,
                  guint           *n_alerts)
{
  *n_alerts += alerts->len;
}

/* @n alerts, fingerprints PREFIX-0…, alertname by @names_mod groups. */
static char *
many_alerts (const char *prefix,
             guint       n,
             guint       names_mod,
             const char *severity)
{
  GString *out = g_string_new ("{\"version\": \"4\", \"status\": \"firing\", \"alerts\": [");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (out, "%s{\"status\":\"firing\",\"fingerprint\":\"%s-%u\","
                            "\"labels\":{\"alertname\":\"Storm%u\",\"severity\":\"%s\",\"i\":\"%u\"}}",
                            i > 0 ? "," : "", prefix, i, i % names_mod, severity, i);
  if (severity == NULL)
    {
      /* as short as an alert gets: 10,000 of them fit in 1 MB */
      g_string_truncate (out, 0);
      g_string_append (out, "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[");
      for (guint i = 0; i < n; i++)
        g_string_append_printf (out, "%s{\"status\":\"firing\",\"fingerprint\":\"%s%u\","
                                "\"labels\":{\"alertname\":\"S%u\"}}",
                                i > 0 ? "," : "", prefix, i, i % names_mod);
    }
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

static void
test_receiver_hostile (void)
{
  g_autoptr(TwAlertReceiver) receiver = tw_alert_receiver_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *five_mb = NULL;
  g_autofree char *ten_thousand = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) slow = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  const char *slow_start = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                           "Content-Length: 1000\r\n\r\n{\"version\": \"4\", ";
  guint n_alerts = 0;
  char buffer[256];
  gssize n;

  g_assert_true (tw_alert_receiver_listen (receiver, NULL, 0, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_signal_connect (receiver, "payload", G_CALLBACK (count_payload_cb), &n_alerts);
  url = tw_alert_receiver_get_url (receiver);
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));

  /* A good payload */
  g_assert_cmpuint (post (url, WEBHOOK (ALERT ("f1", "HighErrorRate", "critical", "firing"))), ==, 200);
  g_assert_cmpuint (n_alerts, ==, 1);

  /* Missing fields, wrong types, not JSON: 400, nothing taken */
  g_assert_cmpuint (post (url, "{\"version\": \"4\", \"alerts\": [{\"status\": \"firing\"}]}"), ==, 400);
  g_assert_cmpuint (post (url, "{\"version\": \"4\", \"alerts\": [{\"status\": \"firing\", \"fingerprint\": \"a\","
                               " \"labels\": {\"alertname\": [1, 2]}}]}"), ==, 400);
  g_assert_cmpuint (post (url, "{\"version\": \"4\", \"alerts\": \"all of them\"}"), ==, 400);
  g_assert_cmpuint (post (url, "{{{{"), ==, 400);
  g_assert_cmpuint (post (url, ""), ==, 400);
  g_assert_cmpuint (post_full (url, "GET", NULL, 0, FALSE, NULL), ==, 405);
  g_assert_cmpuint (n_alerts, ==, 1);

  /* 5 MB, with a Content-Length and chunked: refused, never kept */
  five_mb = g_malloc (5 * 1024 * 1024);
  memset (five_mb, ' ', 5 * 1024 * 1024);
  five_mb[0] = '{';
  g_assert_cmpuint (post_full (url, "POST", five_mb, 5 * 1024 * 1024, FALSE, NULL), ==, 413);
  g_assert_cmpuint (post_full (url, "POST", five_mb, 5 * 1024 * 1024, TRUE, NULL), ==, 413);

  /* 10,000 alerts under 1 MB: taken */
  ten_thousand = many_alerts ("t", 10000, 7, NULL);
  g_test_message ("10,000 alerts: %zu bytes", strlen (ten_thousand));
  g_assert_cmpuint (strlen (ten_thousand), <, TW_ALERT_RECEIVER_MAX_BODY);
  g_assert_cmpuint (post (url, ten_thousand), ==, 200);
  g_assert_cmpuint (n_alerts, ==, 10001);

  /* A client that never finishes its body: others are served meanwhile, it is dropped. */
  tw_alert_receiver_set_timeout (receiver, 1500);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, tw_alert_receiver_get_port (receiver));
  slow = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (slow)), slow_start,
                             strlen (slow_start), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (post (url, WEBHOOK (ALERT ("f2", "ServiceDown", "critical", "firing"))), ==, 200);
  g_assert_cmpuint (n_alerts, ==, 10002);
  tw_test_wait_until (tw_alert_receiver_get_n_dropped (receiver) == 1, 10000);
  /* Its connection is closed: reading gives the end (or an error), not a hang. */
  n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (slow)), buffer, sizeof buffer, NULL, NULL);
  g_assert_cmpint (n, <=, 0);
  g_assert_cmpuint (tw_alert_receiver_get_n_refused (receiver), ==, 8);
}

static void
test_receiver_remote (void)
{
  g_autoptr(TwAlertReceiver) receiver = tw_alert_receiver_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  const char *body = WEBHOOK (ALERT ("f1", "HighErrorRate", "critical", "firing"));

  /* Off loopback only with the profile's consent and a token */
  g_assert_false (tw_alert_receiver_listen (receiver, "0.0.0.0", 0, FALSE, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (tw_alert_receiver_listen (receiver, "0.0.0.0", 0, TRUE, "", &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (tw_alert_receiver_listen (receiver, "not-an-address", 0, FALSE, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (tw_alert_receiver_listen (receiver, "0.0.0.0", 0, TRUE, "s3cret-t0ken", &error));
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u/alertmanager", tw_alert_receiver_get_port (receiver));
  g_assert_cmpuint (post_full (url, "POST", body, -1, FALSE, NULL), ==, 401);
  g_assert_cmpuint (post_full (url, "POST", body, -1, FALSE, "s3cret-t0keN"), ==, 401);
  g_assert_cmpuint (post_full (url, "POST", body, -1, FALSE, "s3cret-t0ken"), ==, 200);
}

/* The service without an Alertmanager: webhooks alone */

typedef struct
{
  TwConnectorRegistry *registry;
  TwHttp              *http;
  TwSecrets           *secrets;
  TwProfile           *profile;
  TwWorkspace         *workspace;
  TwAlertsService     *alerts;
  char                *url;
  guint                n_notified;
  guint                n_withdrawn;
  guint                n_summaries;
  char                *last_summary;
} Fixture;

static void
notified_cb (TwAlertsService *alerts,
             TwAlertItem     *item,
             Fixture         *f)
{
  f->n_notified++;
}

static void
withdrawn_cb (TwAlertsService *alerts,
              TwAlertItem     *item,
              Fixture         *f)
{
  f->n_withdrawn++;
}

static void
summary_cb (TwAlertsService *alerts,
            const char      *key,
            int              severity,
            const char      *title,
            const char      *body,
            Fixture         *f)
{
  f->n_summaries++;
  g_free (f->last_summary);
  f->last_summary = g_strdup (title);
}

static void
fixture_init (Fixture    *f,
              TwProfile  *profile)
{
  g_autoptr(GError) error = NULL;

  f->registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (f->registry);
  f->http = tw_http_new ();
  f->secrets = tw_secrets_new_memory ();
  f->profile = g_object_ref (profile);
  f->workspace = tw_workspace_new (f->profile, f->registry, f->http, f->secrets);
  f->alerts = tw_alerts_service_new (f->profile, f->workspace, f->secrets, NULL, NULL);
  g_signal_connect (f->alerts, "notify-alert", G_CALLBACK (notified_cb), f);
  g_signal_connect (f->alerts, "withdraw-alert", G_CALLBACK (withdrawn_cb), f);
  g_signal_connect (f->alerts, "notify-summary", G_CALLBACK (summary_cb), f);
  tw_alerts_service_start (f->alerts);
  g_assert_true (tw_alert_receiver_listen (tw_alerts_service_get_receiver (f->alerts), NULL, 0,
                                           FALSE, NULL, &error));
  g_assert_no_error (error);
  f->url = tw_alert_receiver_get_url (tw_alerts_service_get_receiver (f->alerts));
}

static void
fixture_clear (Fixture *f)
{
  tw_alerts_service_stop (f->alerts);
  g_clear_object (&f->alerts);
  g_clear_object (&f->workspace);
  g_clear_object (&f->profile);
  g_clear_object (&f->secrets);
  g_clear_object (&f->http);
  g_clear_object (&f->registry);
  g_free (f->url);
  g_free (f->last_summary);
}

static void
test_service_webhook (void)
{
  g_autoptr(TwProfile) profile = tw_profile_new ("alerts", TW_MODE_PAPER);
  Fixture f = { 0 };
  TwAlertItem *item;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;
  GAsyncResult *result = NULL;

  fixture_init (&f, profile);

  g_assert_cmpuint (post (f.url, WEBHOOK (ALERT ("f1", "HighErrorRate", "critical", "firing") ","
                                          ALERT ("f2", "HighLatency", "warning", "firing"))), ==, 200);
  g_assert_cmpuint (f.n_notified, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (tw_alerts_service_get_model (f.alerts)), ==, 2);
  g_assert_cmpuint (tw_alerts_service_get_n_unacknowledged (f.alerts), ==, 2);
  item = tw_alerts_service_lookup (f.alerts, "am:f1");
  g_assert_nonnull (item);
  g_assert_cmpstr (tw_alert_item_get_name (item), ==, "HighErrorRate");
  g_assert_cmpint (tw_alert_item_get_severity (item), ==, TW_ALERT_CRITICAL);
  g_assert_cmpint (tw_alert_item_get_state (item), ==, TW_ALERT_STATE_FIRING);
  g_assert_cmpstr (tw_alert_item_get_runbook_url (item), ==, "https://runbooks.invalid/HighErrorRate");
  /* No Alertmanager of the profile has that address: the webhook's own */
  g_assert_cmpstr (g_ptr_array_index (tw_alert_item_get_sources (item), 0), ==, "http://127.0.0.1:9093");

  /* The same again: already firing, not notified again (the payload was merged when
   * the POST was answered). */
  g_assert_cmpuint (post (f.url, WEBHOOK (ALERT ("f1", "HighErrorRate", "critical", "firing"))), ==, 200);
  g_assert_cmpuint (f.n_notified, ==, 2);

  /* Resolved: withdrawn, shown as resolved */
  g_assert_cmpuint (post (f.url, WEBHOOK (ALERT ("f2", "HighLatency", "warning", "resolved"))), ==, 200);
  g_assert_cmpuint (f.n_withdrawn, ==, 1);
  g_assert_cmpint (tw_alert_item_get_state (tw_alerts_service_lookup (f.alerts, "am:f2")), ==,
                   TW_ALERT_STATE_RESOLVED);
  g_assert_cmpuint (tw_alerts_service_get_n_unacknowledged (f.alerts), ==, 1);

  /* Firing again within the repeat limit: a warning waits, a critical one does not */
  g_assert_cmpuint (post (f.url, WEBHOOK (ALERT ("f2", "HighLatency", "warning", "firing"))), ==, 200);
  g_assert_cmpuint (f.n_notified, ==, 2);
  g_assert_cmpint (tw_alert_item_get_state (tw_alerts_service_lookup (f.alerts, "am:f2")), ==,
                   TW_ALERT_STATE_FIRING);
  g_assert_cmpuint (post (f.url, WEBHOOK (ALERT ("f1", "HighErrorRate", "critical", "resolved"))), ==, 200);
  g_assert_cmpuint (post (f.url, WEBHOOK (ALERT ("f1", "HighErrorRate", "critical", "firing"))), ==, 200);
  g_assert_cmpuint (f.n_notified, ==, 3);

  /* No Alertmanager in the profile: acknowledging an Alertmanager alert says why not */
  tw_alerts_service_acknowledge_async (f.alerts, "am:f1", "on it", 0, NULL, async_result_cb, &result);
  tw_test_wait_until (result != NULL, 5000);
  done = tw_alerts_service_acknowledge_finish (f.alerts, result, &error);
  g_assert_false (done);
  g_assert_error (error, TW_ERROR, TW_ERROR_UNSUPPORTED);
  g_clear_object (&result);

  fixture_clear (&f);
}

static void
test_service_storm (void)
{
  g_autoptr(TwProfile) profile = tw_profile_new ("alerts", TW_MODE_PAPER);
  g_autofree char *thousand = many_alerts ("s", 1000, 12, "critical");
  g_autofree char *more = many_alerts ("m", 5, 5, "warning");
  Fixture f = { 0 };

  fixture_init (&f, profile);

  /* 1,000 at once: one summary, no individual notification */
  g_assert_cmpuint (post (f.url, thousand), ==, 200);
  g_assert_cmpuint (g_list_model_get_n_items (tw_alerts_service_get_model (f.alerts)), ==, 1000);
  g_assert_cmpuint (f.n_notified, ==, 0);
  g_assert_cmpuint (f.n_summaries, ==, 1);
  g_assert_cmpstr (f.last_summary, ==, "1000 alerts firing: 1000 critical");

  /* More during the storm: folded into an updated summary */
  g_assert_cmpuint (post (f.url, more), ==, 200);
  g_assert_cmpuint (f.n_notified, ==, 0);
  tw_test_wait_until (f.n_summaries == 2, 10000);
  g_assert_cmpstr (f.last_summary, ==, "1005 alerts firing: 1000 critical, 5 warning");
  g_assert_cmpuint (tw_alerts_service_get_n_unacknowledged (f.alerts), ==, 1005);

  fixture_clear (&f);
}

/* An unacknowledged critical alert repeats every repeat interval. */
static void
test_service_repeat (void)
{
  g_autoptr(TwProfile) profile = tw_profile_new ("alerts", TW_MODE_PAPER);
  Fixture f = { 0 };

  fixture_init (&f, profile);
  tw_alerts_service_set_rate_limit (f.alerts, 1);
  g_assert_cmpuint (post (f.url, WEBHOOK (ALERT ("f1", "ServiceDown", "critical", "firing"))), ==, 200);
  g_assert_cmpuint (f.n_notified, ==, 1);
  tw_test_wait_until (f.n_notified >= 3, 10000);
  /* Resolved: no more */
  g_assert_cmpuint (post (f.url, WEBHOOK (ALERT ("f1", "ServiceDown", "critical", "resolved"))), ==, 200);
  g_assert_cmpuint (f.n_withdrawn, ==, 1);

  fixture_clear (&f);
}

static void
test_silence_guard (void)
{
  g_autoptr(TwProfile) profile = tw_profile_new ("alerts", TW_MODE_PAPER);
  Fixture f = { 0 };
  TwAlertItem *item;
  char *refusal;

  fixture_init (&f, profile);
  g_assert_cmpuint (post (f.url, WEBHOOK (ALERT ("f1", "ServiceDown", "critical", "firing"))), ==, 200);
  item = tw_alerts_service_lookup (f.alerts, "am:f1");
  g_assert_nonnull (item);

  refusal = tw_alerts_service_check_silence (item, 3600, "  ", NULL);
  g_assert_nonnull (refusal);
  g_free (refusal);
  g_assert_null (tw_alerts_service_check_silence (item, 3600, "deploy", NULL));
  refusal = tw_alerts_service_check_silence (item, 5 * 3600, "deploy", "servicedown");
  g_assert_nonnull (refusal);
  g_assert_nonnull (strstr (refusal, "ServiceDown"));
  g_free (refusal);
  g_assert_null (tw_alerts_service_check_silence (item, 5 * 3600, "deploy", "ServiceDown"));
  refusal = tw_alerts_service_check_silence (item, 0, "deploy", NULL);
  g_assert_nonnull (refusal);
  g_free (refusal);

  fixture_clear (&f);
}

/* A real Alertmanager */

static TwAuditRecord *
find_audit (TwAuditLog *log,
            const char *action,
            const char *outcome_text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) rows = tw_audit_log_query (log, NULL, NULL, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(TwAuditRecord) record = g_list_model_get_item (rows, i);

      if (g_strcmp0 (tw_audit_record_get_action (record), action) == 0
          && (outcome_text == NULL
              || strstr (tw_audit_record_get_message (record) ?: "", outcome_text) != NULL
              || strstr (tw_audit_record_get_target (record) ?: "", outcome_text) != NULL))
        return g_steal_pointer (&record);
    }
  return NULL;
}

static gboolean
has_audit (TwAuditLog *log,
           const char *action,
           const char *text)
{
  g_autoptr(TwAuditRecord) record = find_audit (log, action, text);

  return record != NULL;
}

/* The state of silence @id in Alertmanager ("active", "expired", …), or NULL. */
static char *
silence_state (TwTestAlertmanager *am,
               const char         *id,
               char              **created_by,
               char              **comment,
               guint              *n_matchers)
{
  g_autofree char *path = g_strconcat ("/api/v2/silence/", id, NULL);
  g_autoptr(JsonNode) node = tw_test_alertmanager_request (am, "GET", path, NULL, NULL);
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  if (created_by != NULL)
    *created_by = g_strdup (json_object_get_string_member (object, "createdBy"));
  if (comment != NULL)
    *comment = g_strdup (json_object_get_string_member (object, "comment"));
  if (n_matchers != NULL)
    *n_matchers = json_array_get_length (json_object_get_array_member (object, "matchers"));
  return g_strdup (json_object_get_string_member (json_object_get_object_member (object, "status"), "state"));
}

static gboolean
silence_is (TwTestAlertmanager *am,
            const char         *id,
            const char         *state)
{
  g_autofree char *now = silence_state (am, id, NULL, NULL, NULL);

  return g_strcmp0 (now, state) == 0;
}

/* Whether Alertmanager lists @alertname as silenced by @id. */
static gboolean
am_silenced_by (TwTestAlertmanager *am,
                const char         *alertname,
                const char         *id)
{
  g_autoptr(JsonNode) node = tw_test_alertmanager_request (am, "GET", "/api/v2/alerts", NULL, NULL);
  JsonArray *alerts;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  alerts = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (alerts); i++)
    {
      JsonObject *alert = json_array_get_object_element (alerts, i);
      JsonObject *labels = json_object_get_object_member (alert, "labels");
      JsonArray *silenced = json_object_get_array_member (json_object_get_object_member (alert, "status"),
                                                          "silencedBy");

      if (g_strcmp0 (json_object_get_string_member (labels, "alertname"), alertname) != 0)
        continue;
      for (guint j = 0; j < json_array_get_length (silenced); j++)
        if (g_strcmp0 (json_array_get_string_element (silenced, j), id) == 0)
          return TRUE;
    }
  return FALSE;
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

static void
test_alertmanager (void)
{
  g_autoptr(TwProfile) profile = tw_profile_new ("alerts-am", TW_MODE_PAPER);
  g_autoptr(TwService) service = NULL;
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *am_url = NULL;
  g_autofree char *receiver_url = NULL;
  g_autofree char *created_by = NULL;
  g_autofree char *comment = NULL;
  g_autofree char *state = NULL;
  g_autofree char *silence_id = NULL;
  TwTestAlertmanager *am;
  TwAlertsService *alerts;
  TwAuditLog *log;
  TwAlertItem *item;
  guint am_port, n_matchers = 0;
  Fixture counts = { 0 };
  g_autoptr(GPtrArray) silences = NULL;
  TwAlertSilence *listed;
  char *refused_id;

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

  session = tw_session_new (profile, registry, http, secrets, TRUE);
  tw_session_set_poll_interval (session, 400);
  alerts = tw_session_get_alerts_service (session);
  log = tw_session_get_audit_log (session);
  g_assert_nonnull (log);
  g_signal_connect (alerts, "notify-alert", G_CALLBACK (notified_cb), &counts);
  tw_session_start (session);
  g_assert_null (tw_alerts_service_get_receiver_error (alerts));
  g_assert_cmpuint (tw_alert_receiver_get_port (tw_alerts_service_get_receiver (alerts)), ==,
                    tw_profile_get_alerts_config (profile)->webhook_port);
  receiver_url = tw_alert_receiver_get_url (tw_alerts_service_get_receiver (alerts));
  am = tw_test_alertmanager_start (am_port, receiver_url);

  /* An alert posted to Alertmanager reaches the console through the webhook */
  tw_test_alertmanager_post_alert (am, "{\"alertname\": \"HighErrorRate\", \"severity\": \"critical\","
                                       " \"service\": \"investiq\"}",
                                   "{\"summary\": \"Error rate above 5%\","
                                   " \"runbook_url\": \"https://runbooks.invalid/HighErrorRate\"}", 0);
  tw_test_wait_until (tw_alert_receiver_get_n_accepted (tw_alerts_service_get_receiver (alerts)) >= 1, 15000);
  tw_test_wait_until (find_by_name (alerts, "HighErrorRate") != NULL, 5000);
  item = find_by_name (alerts, "HighErrorRate");
  g_assert_cmpuint (counts.n_notified, ==, 1);
  /* Its externalURL names the profile's Alertmanager */
  tw_test_wait_until (tw_alert_item_get_sources (item)->len == 1, 5000);
  g_assert_cmpstr (g_ptr_array_index (tw_alert_item_get_sources (item), 0), ==, "Alertmanager A");
  /* Its health, from GET /api/v2/status: a single Alertmanager's cluster is "disabled" */
  tw_test_wait_until (tw_service_get_state (service) == TW_SERVICE_STATE_OK, 10000);

  /* Acknowledge: a silence of exactly its labels, createdBy the user, the note */
  tw_alerts_service_acknowledge_async (alerts, tw_alert_item_get_key (item), "looking into it", 0,
                                       NULL, async_result_cb, &result);
  tw_test_wait_until (result != NULL, 10000);
  g_assert_true (tw_alerts_service_acknowledge_finish (alerts, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpint (tw_alert_item_get_state (item), ==, TW_ALERT_STATE_ACKNOWLEDGED);
  g_assert_cmpstr (tw_alert_item_get_acked_by (item), ==, g_get_user_name ());
  g_assert_nonnull (tw_alert_item_get_ack_silence_id (item));
  silence_id = g_strdup (tw_alert_item_get_ack_silence_id (item));
  state = silence_state (am, silence_id, &created_by, &comment, &n_matchers);
  g_assert_cmpstr (state, ==, "active");
  g_assert_cmpstr (created_by, ==, g_get_user_name ());
  g_assert_cmpstr (comment, ==, "looking into it");
  g_assert_cmpuint (n_matchers, ==, 3);
  tw_test_wait_until (am_silenced_by (am, "HighErrorRate", silence_id), 5000);
  g_assert_true (has_audit (log, "alert.acknowledge", silence_id));
  g_assert_cmpuint (tw_alerts_service_get_n_unacknowledged (alerts), ==, 0);

  /* It resolves: the console expires the silence itself */
  tw_test_alertmanager_post_alert (am, "{\"alertname\": \"HighErrorRate\", \"severity\": \"critical\","
                                       " \"service\": \"investiq\"}", NULL, -1);
  tw_test_wait_until (tw_alert_item_is_resolved (item), 15000);
  tw_test_wait_until (silence_is (am, silence_id, "expired"), 10000);
  tw_test_wait_until (has_audit (log, "alert.silence-expire", silence_id), 5000);
  g_assert_false (tw_alert_item_is_acknowledged (item));

  /* It fires again; acknowledged for 1 s: at the end of the ack, still firing, the
   * console expires the silence and notifies again. */
  tw_test_alertmanager_post_alert (am, "{\"alertname\": \"HighErrorRate\", \"severity\": \"critical\","
                                       " \"service\": \"investiq\"}", NULL, 0);
  tw_test_wait_until (!tw_alert_item_is_resolved (item), 15000);
  counts.n_notified = 0;
  tw_alerts_service_acknowledge_async (alerts, tw_alert_item_get_key (item), "a second", 1,
                                       NULL, async_result_cb, &result);
  tw_test_wait_until (result != NULL, 10000);
  g_assert_true (tw_alerts_service_acknowledge_finish (alerts, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_free (silence_id);
  silence_id = g_strdup (tw_alert_item_get_ack_silence_id (item));
  g_assert_nonnull (tw_alert_item_get_ack_until (item));
  tw_test_wait_until (!tw_alert_item_is_acknowledged (item), 5000);
  g_assert_cmpuint (counts.n_notified, ==, 1);
  tw_test_wait_until (silence_is (am, silence_id, "expired"), 10000);
  tw_test_wait_until (has_audit (log, "alert.ack-expire", silence_id), 5000);

  /* A silence from the page: guarded, then in Alertmanager */
  tw_test_alertmanager_post_alert (am, "{\"alertname\": \"ServiceDown\", \"severity\": \"critical\","
                                       " \"service\": \"ai-trading\"}", NULL, 0);
  tw_test_wait_until (find_by_name (alerts, "ServiceDown") != NULL, 15000);
  item = find_by_name (alerts, "ServiceDown");
  tw_alerts_service_silence_async (alerts, tw_alert_item_get_key (item), NULL, 6 * 3600, "maintenance",
                                   NULL, NULL, async_result_cb, &result);
  tw_test_wait_until (result != NULL, 10000);
  refused_id = tw_alerts_service_silence_finish (alerts, result, &error);
  g_assert_null (refused_id);
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_true (has_audit (log, "alert.silence", "4 hours"));

  tw_alerts_service_silence_async (alerts, tw_alert_item_get_key (item), NULL, 3600, "maintenance",
                                   NULL, NULL, async_result_cb, &result);
  tw_test_wait_until (result != NULL, 10000);
  g_free (silence_id);
  silence_id = tw_alerts_service_silence_finish (alerts, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (silence_id);
  g_clear_object (&result);
  tw_test_wait_until (am_silenced_by (am, "ServiceDown", silence_id), 5000);
  tw_test_wait_until (tw_alert_item_get_state (item) == TW_ALERT_STATE_SILENCED, 5000);
  g_assert_true (has_audit (log, "alert.silence", silence_id));

  /* The silences listed; one expired, with a reason */
  tw_alerts_service_list_silences_async (alerts, NULL, async_result_cb, &result);
  tw_test_wait_until (result != NULL, 10000);
  silences = tw_alerts_service_list_silences_finish (alerts, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (silences->len, ==, 1);   /* the acks' silences were expired */
  listed = g_ptr_array_index (silences, 0);
  g_assert_cmpstr (listed->id, ==, silence_id);
  g_assert_cmpstr (listed->source, ==, "Alertmanager A");
  g_assert_cmpstr (listed->comment, ==, "maintenance");
  g_assert_cmpstr (listed->created_by, ==, g_get_user_name ());
  g_assert_nonnull (strstr (listed->matchers, "alertname=ServiceDown"));
  tw_alerts_service_expire_silence_async (alerts, listed->service_id, listed->id, " ", NULL,
                                          async_result_cb, &result);
  tw_test_wait_until (result != NULL, 10000);
  g_assert_false (tw_alerts_service_expire_silence_finish (alerts, result, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_clear_error (&error);
  g_clear_object (&result);
  tw_alerts_service_expire_silence_async (alerts, listed->service_id, listed->id, "maintenance over",
                                          NULL, async_result_cb, &result);
  tw_test_wait_until (result != NULL, 10000);
  g_assert_true (tw_alerts_service_expire_silence_finish (alerts, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  tw_test_wait_until (silence_is (am, silence_id, "expired"), 5000);
  g_assert_true (has_audit (log, "alert.silence-expire", silence_id));
  tw_test_wait_until (tw_alert_item_get_state (item) == TW_ALERT_STATE_FIRING, 5000);

  tw_test_alertmanager_stop (am);
  {
    gboolean closed = FALSE;

    tw_session_close_async (session, NULL, closed_cb, &closed);
    tw_test_wait_until (closed, 10000);
  }
}

/* A Prometheus rule over the simulator's investiq_errors_total fires end to end:
 * simulator → Prometheus → Alertmanager → the console's webhook receiver. */
static void
test_prometheus (void)
{
  g_autoptr(TwProfile) profile = tw_profile_new ("alerts-prometheus", TW_MODE_PAPER);
  g_autoptr(JsonNode) answer = NULL;
  TwSimThread *sim;
  TwTestAlertmanager *am;
  TwTestPrometheus *prometheus;
  TwAlertItem *item;
  Fixture f = { 0 };
  const char *sim_url;
  const char *rules = "groups:\n"
                      "  - name: investiq\n"
                      "    rules:\n"
                      "      - alert: HighErrorRate\n"
                      "        expr: investiq_errors_total > 0\n"
                      "        labels: {severity: high, service: investiq}\n"
                      "        annotations: {summary: 'InvestIQ answers with errors'}\n";
  guint status = 0;

  if (tw_test_alertmanager_binary () == NULL || tw_test_prometheus_binary () == NULL)
    {
      g_test_skip ("prometheus or prometheus-alertmanager is not installed (build-aux/run deps)");
      return;
    }
  sim = tw_test_sim_start ();
  sim_url = tw_sim_thread_get_url (sim, "investiq");
  fixture_init (&f, profile);
  am = tw_test_alertmanager_start (tw_test_free_port (), f.url);

  /* The simulator answers a server error: its counter is 1. */
  tw_test_sim_fault (sim, "investiq", "{\"path\":\"/health\",\"kind\":\"status\",\"status\":500}");
  answer = tw_test_sim_request_full (sim, "investiq", "GET", "/health", NULL, &status);
  g_assert_cmpuint (status, ==, 500);

  prometheus = tw_test_prometheus_start (tw_test_free_port (), am->port, sim_url + strlen ("http://"), rules);
  /* Prometheus scrapes its new target some 5 s after start, then evaluates each second. */
  tw_test_wait_until (find_by_name (f.alerts, "HighErrorRate") != NULL, 40000);
  item = find_by_name (f.alerts, "HighErrorRate");
  g_assert_cmpstr (g_hash_table_lookup (tw_alert_item_get_labels (item), "job"), ==, "investiq");
  g_assert_cmpint (tw_alert_item_get_severity (item), ==, TW_ALERT_WARNING);
  g_assert_cmpstr (tw_alert_item_get_summary (item), ==, "InvestIQ answers with errors");
  g_assert_cmpuint (f.n_notified, ==, 1);

  tw_test_prometheus_stop (prometheus);
  tw_test_alertmanager_stop (am);
  fixture_clear (&f);
  tw_sim_thread_stop (sim);
}

/* The profile's [Alerts] group: read, refused when wrong, written back. */
static void
test_profile_config (void)
{
  static const char *bad[] = {
    "[Profile]\nName=p\nMode=paper\n[Alerts]\nWebhookPort=70000\n",
    "[Profile]\nName=p\nMode=paper\n[Alerts]\nWebhookPort=nine\n",
    "[Profile]\nName=p\nMode=paper\n[Alerts]\nWebhookAddress=localhost\n",
    "[Profile]\nName=p\nMode=paper\n[Alerts]\nWebhookAllowRemote=maybe\n",
  };
  const char *good = "[Profile]\nName=p\nMode=paper\n[Alerts]\nWebhookPort=9097\n"
                     "WebhookAddress=0.0.0.0\nWebhookAllowRemote=true\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(TwProfile) profile = tw_profile_load_from_data (good, "p.conf", &error);
  g_autoptr(TwProfile) again = NULL;
  g_autoptr(TwProfile) plain = NULL;
  g_autofree char *data = NULL;
  g_autofree char *plain_data = NULL;
  const TwAlertsConfig *config;

  g_assert_no_error (error);
  config = tw_profile_get_alerts_config (profile);
  g_assert_cmpuint (config->webhook_port, ==, 9097);
  g_assert_cmpstr (config->webhook_address, ==, "0.0.0.0");
  g_assert_true (config->allow_remote);
  data = tw_profile_to_data (profile);
  again = tw_profile_load_from_data (data, "p.conf", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tw_profile_get_alerts_config (again)->webhook_port, ==, 9097);
  g_assert_true (tw_profile_get_alerts_config (again)->allow_remote);

  /* No [Alerts]: no receiver, nothing written */
  plain = tw_profile_load_from_data ("[Profile]\nName=p\nMode=paper\n", "p.conf", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tw_profile_get_alerts_config (plain)->webhook_port, ==, 0);
  plain_data = tw_profile_to_data (plain);
  g_assert_null (strstr (plain_data, "[Alerts]"));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(TwProfile) refused = tw_profile_load_from_data (bad[i], "p.conf", &error);

      g_assert_null (refused);
      g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "[Alerts]"));
      g_clear_error (&error);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/alerts/parse", test_parse);
  g_test_add_func ("/tw/core/alerts/severity", test_severity);
  g_test_add_func ("/tw/core/alerts/profile-config", test_profile_config);
  g_test_add_func ("/tw/core/alerts/receiver/hostile", test_receiver_hostile);
  g_test_add_func ("/tw/core/alerts/receiver/remote", test_receiver_remote);
  g_test_add_func ("/tw/core/alerts/service/webhook", test_service_webhook);
  g_test_add_func ("/tw/core/alerts/service/storm", test_service_storm);
  g_test_add_func ("/tw/core/alerts/service/repeat", test_service_repeat);
  g_test_add_func ("/tw/core/alerts/service/silence-guard", test_silence_guard);
  g_test_add_func ("/tw/core/alerts/alertmanager", test_alertmanager);
  g_test_add_func ("/tw/core/alerts/prometheus", test_prometheus);

  return g_test_run ();
}
