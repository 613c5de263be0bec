/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The logs core above the sources: views and their filters, the merge of several sources,
 * the session's logs service, log alerts, the incident snapshot, the demo's logs and the
 * journal. */
#include "config.h"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tw-error.h"
#include "tw-demo.h"
#include "tw-incident-snapshot.h"
#include "tw-log-chain.h"
#include "tw-alert-private.h"
#include "tw-test-util.h"
#include "tw-logs-fixture.h"

static void
wait_view (TwLogView *view)
{
  tw_test_wait_until (!tw_log_view_get_filtering (view), 10000);
}

static TwLogLine *
view_line (TwLogView *view, guint i)
{
  return g_list_model_get_item (G_LIST_MODEL (view), i);
}

static void
test_view_filters (TwLogsFixture *f, gconstpointer data)
{
  g_autofree char *path = tw_logs_fixture_write (f, "t.log",
    "2026-12-06 10:00:00,000 - bot - INFO - Prediction: AAPL up\n"
    "2026-12-06 10:00:01,000 - bot - ERROR - order failed request_id=r-7\n"
    "2026-12-06 10:00:02,000 - bot - WARNING - DRIFT ALERT mse=0.4\n"
    "2026-12-06 10:00:03,000 - bot - CRITICAL - MAX DRAWDOWN REACHED\n"
    "2026-12-06 10:00:04,000 - bot - INFO - signal BUY MSFT request_id=r-8\n", -1);
  g_autoptr(TwLogSource) source = tw_logs_start_source ("t", path, NULL);
  g_autoptr(TwLogView) view = tw_log_view_new ();
  g_autoptr(GPtrArray) sources = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TwLogLine) line = NULL;
  TwLogFilter filter = { 0, };

  tw_test_wait_until (tw_log_source_get_n_lines (source) == 5, 5000);
  g_ptr_array_add (sources, source);
  tw_log_view_set_sources (view, sources);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (view)), ==, 5);

  filter.min_level = TW_LOG_LEVEL_WARNING;
  g_assert_true (tw_log_view_set_filter (view, &filter, NULL));
  wait_view (view);
  g_assert_cmpuint (tw_log_view_get_n_matches (view), ==, 3);

  filter.min_level = 0;
  filter.text = g_strdup ("drift alert");
  tw_log_view_set_filter (view, &filter, NULL);
  wait_view (view);
  g_assert_cmpuint (tw_log_view_get_n_matches (view), ==, 1);
  line = view_line (view, 0);
  g_assert_cmpuint (tw_log_line_get_row (line), ==, 2);
  g_clear_object (&line);
  g_clear_pointer (&filter.text, g_free);

  /* Needles with a run of case-less bytes ("-7", "3,000 - ") are found through it,
   * still ignoring case around it. */
  filter.text = g_strdup ("ID=R-7");
  tw_log_view_set_filter (view, &filter, NULL);
  wait_view (view);
  g_assert_cmpuint (tw_log_view_get_n_matches (view), ==, 1);
  line = view_line (view, 0);
  g_assert_cmpuint (tw_log_line_get_row (line), ==, 1);
  g_clear_object (&line);
  g_free (filter.text);
  filter.text = g_strdup ("3,000 - BOT - critical");
  tw_log_view_set_filter (view, &filter, NULL);
  wait_view (view);
  g_assert_cmpuint (tw_log_view_get_n_matches (view), ==, 1);
  line = view_line (view, 0);
  g_assert_cmpuint (tw_log_line_get_row (line), ==, 3);
  g_clear_object (&line);
  g_free (filter.text);
  filter.text = g_strdup ("id=r-9");
  tw_log_view_set_filter (view, &filter, NULL);
  wait_view (view);
  g_assert_cmpuint (tw_log_view_get_n_matches (view), ==, 0);
  g_clear_pointer (&filter.text, g_free);

  filter.regex = g_strdup ("(BUY|SELL) [A-Z]+");
  tw_log_view_set_filter (view, &filter, NULL);
  wait_view (view);
  g_assert_cmpuint (tw_log_view_get_n_matches (view), ==, 1);

  /* An invalid regex: an error, the filter in force kept. */
  g_free (filter.regex);
  filter.regex = g_strdup ("([unclosed");
  g_assert_false (tw_log_view_set_filter (view, &filter, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_assert_cmpuint (tw_log_view_get_n_matches (view), ==, 1);
  g_clear_pointer (&filter.regex, g_free);

  filter.correlation_id = g_strdup ("r-7");
  tw_log_view_set_filter (view, &filter, NULL);
  wait_view (view);
  g_assert_cmpuint (tw_log_view_get_n_matches (view), ==, 1);
  g_clear_pointer (&filter.correlation_id, g_free);

  filter.time_from = tw_log_parse_time ("2026-12-06 10:00:01", -1);
  filter.time_to = tw_log_parse_time ("2026-12-06 10:00:03", -1);
  tw_log_view_set_filter (view, &filter, NULL);
  wait_view (view);
  g_assert_cmpuint (tw_log_view_get_n_matches (view), ==, 3);

  /* Combined: a level and a time range. */
  filter.min_level = TW_LOG_LEVEL_ERROR;
  tw_log_view_set_filter (view, &filter, NULL);
  wait_view (view);
  g_assert_cmpuint (tw_log_view_get_n_matches (view), ==, 2);

  /* Lines written later are filtered as they come. */
  tw_logs_append (path, "2026-12-06 10:00:02,500 - bot - ERROR - late error\n");
  tw_test_wait_until (tw_log_view_get_n_matches (view) == 3, 5000);

  tw_log_filter_clear (&filter);
  tw_log_view_set_filter (view, &filter, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (view)), ==, 6);
  tw_logs_append (path, "2026-12-06 10:00:05,000 - bot - INFO - more\n");
  tw_test_wait_until (g_list_model_get_n_items (G_LIST_MODEL (view)) == 7, 5000);
}

static void
test_view_merge_correlation (TwLogsFixture *f, gconstpointer data)
{
  g_autofree char *trading = tw_logs_fixture_write (f, "trading.log",
    "2026-12-06 10:00:00,000 - bot - INFO - submit correlation_id=order-123\n"
    "2026-12-06 10:00:02,000 - bot - INFO - other\n"
    "2026-12-06 10:00:04,000 - bot - INFO - filled correlation_id=order-123\n", -1);
  g_autofree char *api = tw_logs_fixture_write (f, "api.log",
    "{\"timestamp\":\"2026-12-06T10:00:01\",\"level\":\"INFO\",\"message\":\"approved\",\"correlation_id\":\"order-123\"}\n"
    "{\"timestamp\":\"2026-12-06T10:00:03\",\"level\":\"ERROR\",\"message\":\"slow\",\"correlation_id\":\"order-999\"}\n"
    "not json at all\n", -1);
  g_autoptr(TwLogSource) a = tw_logs_start_source ("trading", trading, NULL);
  g_autoptr(TwLogSource) b = tw_logs_start_source ("api", api, "json");
  g_autoptr(TwLogView) view = tw_log_view_new ();
  g_autoptr(GPtrArray) sources = g_ptr_array_new ();
  TwLogFilter filter = { 0, };
  const char *want[] = { "trading", "api", "trading" };

  tw_test_wait_until (tw_log_source_get_n_lines (a) == 3 && tw_log_source_get_n_lines (b) == 3, 5000);
  g_ptr_array_add (sources, a);
  g_ptr_array_add (sources, b);
  tw_log_view_set_sources (view, sources);
  wait_view (view);
  /* All six, merged by time; the malformed line takes the time of the one before it. */
  g_assert_cmpuint (tw_log_view_get_n_matches (view), ==, 6);
  {
    g_autoptr(TwLogLine) last = view_line (view, 5);
    g_autoptr(TwLogLine) malformed = view_line (view, 4);
    g_assert_cmpstr (tw_log_line_get_source_id (last), ==, "trading");
    g_assert_cmpstr (tw_log_line_get_source_id (malformed), ==, "api");
    g_assert_true (tw_log_line_get_malformed (malformed));
  }

  filter.correlation_id = g_strdup ("order-123");
  tw_log_view_set_filter (view, &filter, NULL);
  wait_view (view);
  g_assert_cmpuint (tw_log_view_get_n_matches (view), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(TwLogLine) line = view_line (view, i);
      g_assert_cmpstr (tw_log_line_get_source_id (line), ==, want[i]);
      g_assert_cmpstr (tw_log_line_get_correlation_id (line), ==, "order-123");
    }
  tw_log_filter_clear (&filter);
}

static void
close_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_assert_true (tw_session_close_finish (TW_SESSION (object), result, NULL));
  *(gboolean *) user_data = TRUE;
}

static void
test_session_logs (TwLogsFixture *f, gconstpointer data)
{
  g_autofree char *path = tw_logs_fixture_write (f, "s.log", "hello\n", -1);
  g_autofree char *conf = g_strdup_printf ("[Profile]\nName=logs\nMode=paper\n\n"
                                           "[Log trading]\nPath=%s\nKind=text\n\n"
                                           "[Log broken]\nPath=%s\nKind=yaml\n", path, path);
  g_autoptr(GError) error = NULL;
  g_autoptr(TwProfile) profile = tw_profile_load_from_data (conf, "logs.conf", &error);
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwSession) session = NULL;
  g_autofree char *saved = NULL;
  TwLogs *logs;
  TwLogSource *source;
  gboolean closed = FALSE;

  g_assert_no_error (error);
  saved = tw_profile_to_data (profile);
  g_assert_nonnull (strstr (saved, "Kind=text"));
  session = tw_session_new (profile, registry, http, secrets, FALSE);
  logs = tw_session_get_logs (session);
  g_assert_cmpuint (g_list_model_get_n_items (tw_logs_get_sources (logs)), ==, 1);
  g_assert_cmpuint (tw_logs_get_problems (logs)->len, ==, 1);
  source = tw_logs_lookup (logs, "trading");
  g_assert_nonnull (source);
  g_assert_cmpuint (tw_log_source_get_n_lines (source), ==, 0);
  tw_session_start (session);
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 1, 5000);
  tw_session_close_async (session, NULL, close_done_cb, &closed);
  tw_test_wait_until (closed, 10000);
  g_assert_null (tw_session_get_logs (session));
}

static void
alert_cb (TwAlertEngine *engine, TwAlert *alert, GPtrArray *alerts)
{
  g_ptr_array_add (alerts, g_object_ref (alert));
}

static void
test_log_alerts (TwLogsFixture *f, gconstpointer data)
{
  g_autofree char *path = tw_logs_fixture_write (f, "bot.log",
    "2026-12-06 09:00:00,000 - bot - CRITICAL - MAX DRAWDOWN REACHED yesterday\n", -1);
  g_autofree char *conf = g_strdup_printf ("[Profile]\nName=alerts\nMode=paper\n\n"
                                           "[Log bot]\nPath=%s\nErrorRate=3\n", path);
  g_autoptr(GError) error = NULL;
  g_autoptr(TwProfile) profile = tw_profile_load_from_data (conf, "alerts.conf", &error);
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwSession) session = NULL;
  g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func (g_object_unref);
  TwAlertEngine *engine;
  TwLogSource *source;
  const char *focus_source = NULL;
  guint focus_row = 0;
  gboolean closed = FALSE;
  TwAlert *alert;

  g_assert_no_error (error);
  session = tw_session_new (profile, registry, http, secrets, FALSE);
  engine = tw_session_get_alert_engine (session);
  g_assert_nonnull (engine);
  g_signal_connect (engine, "alert", G_CALLBACK (alert_cb), alerts);
  source = tw_logs_lookup (tw_session_get_logs (session), "bot");
  tw_session_start (session);
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 1 && !tw_log_source_get_indexing (source), 5000);
  g_assert_cmpuint (tw_logs_get_focus (tw_session_get_logs (session), NULL, NULL), ==, 0);

  /* A line written now: one alert, naming the source and the line. */
  tw_logs_append (path, "2026-12-06 10:00:00,000 - bot - WARNING - DRIFT ALERT: MSE 0.031 above threshold\n");
  tw_test_wait_until (alerts->len == 1, 5000);
  alert = g_ptr_array_index (alerts, 0);
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_WARNING);
  g_assert_cmpstr (tw_alert_get_title (alert), ==, "“DRIFT ALERT” in the bot log");
  g_assert_cmpstr (tw_alert_get_body (alert), ==, "2026-12-06 10:00:00,000 - bot - WARNING - DRIFT ALERT: MSE 0.031 above threshold");
  g_assert_cmpstr (tw_alert_get_page (alert), ==, "logs");
  g_assert_cmpuint (tw_logs_get_focus (tw_session_get_logs (session), &focus_source, &focus_row), ==, 1);
  g_assert_cmpstr (focus_source, ==, "bot");
  g_assert_cmpuint (focus_row, ==, 1);

  /* Again within the rate limit: held back; a critical one in the same write is shown. */
  tw_logs_append (path, "2026-12-06 10:00:01,000 - bot - WARNING - DRIFT ALERT again\n"
                "2026-12-06 10:00:02,000 - bot - ERROR - MAX DRAWDOWN REACHED: -10.2%\n");
  tw_test_wait_until (alerts->len == 2, 5000);
  alert = g_ptr_array_index (alerts, 1);
  g_assert_cmpint (tw_alert_get_severity (alert), ==, TW_ALERT_CRITICAL);
  g_assert_cmpstr (tw_alert_get_title (alert), ==, "“MAX DRAWDOWN” in the bot log");
  g_assert_true (tw_alert_get_offers_halt (alert));
  g_assert_cmpuint (tw_alert_engine_get_n_suppressed (engine), ==, 1);

  /* More than three errors within a minute (the MAX DRAWDOWN line was one). */
  tw_logs_append (path, "2026-12-06 10:00:03,000 - bot - ERROR - order rejected\n"
                "2026-12-06 10:00:04,000 - bot - ERROR - order rejected\n"
                "2026-12-06 10:00:05,000 - bot - ERROR - broker timeout\n");
  tw_test_wait_until (alerts->len == 3, 5000);
  alert = g_ptr_array_index (alerts, 2);
  g_assert_cmpstr (tw_alert_get_key (alert), ==, "log-error-rate:bot");
  g_assert_nonnull (strstr (tw_alert_get_body (alert), "broker timeout"));

  tw_session_close_async (session, NULL, close_done_cb, &closed);
  tw_test_wait_until (closed, 10000);
  g_assert_cmpuint (alerts->len, ==, 3);
}

static void
snapshot_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tw_incident_snapshot_write_finish (TW_SESSION (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
test_incident_snapshot (TwLogsFixture *f, gconstpointer data)
{
  static const char *secrets_used[] = { "PKA1B2C3D4E5F6G7H8J9", "sk9Zq3Xw7Yt5Vu1Ss8Rr6Pp4Oo2Nn0Mm", "hunter2-0a1b2c3d4e5f" };
  g_autoptr(GString) lines = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autofree char *chain = g_build_filename (f->dir, "audit_log.jsonl", NULL);
  g_autofree char *out_path = g_build_filename (f->dir, "incident.txt", NULL);
  g_autofree char *conf = NULL;
  g_autofree char *written = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TwProfile) profile = NULL;
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwSession) session = NULL;
  g_autoptr(GFile) out = g_file_new_for_path (out_path);
  TwLogSource *source;
  gboolean done = FALSE, closed = FALSE;

  for (guint i = 0; i < 250; i++)
    g_string_append_printf (lines, "2026-12-06 10:00:00,000 - bot - INFO - tick %u\n", i);
  g_string_append_printf (lines, "2026-12-06 10:00:01,000 - bot - ERROR - broker said 401 for key %s\n", secrets_used[0]);
  g_string_append_printf (lines, "2026-12-06 10:00:02,000 - bot - DEBUG - headers: Authorization: Bearer %s\n", secrets_used[1]);
  g_string_append_printf (lines, "2026-12-06 10:00:03,000 - bot - DEBUG - reconnect password=%s\n", secrets_used[2]);
  path = tw_logs_fixture_write (f, "bot.log", lines->str, lines->len);
  g_assert_true (tw_chain_append (chain, "{\"action\":\"BUY\",\"status\":\"filled\"}", NULL));
  conf = g_strdup_printf ("[Profile]\nName=snap\nMode=live\n\n"
                          "[Service alpaca]\nConnector=alpaca\nBaseUrl=http://127.0.0.1:9/\n\n"
                          "[Log bot]\nPath=%s\n\n[Log audit]\nPath=%s\nKind=audit-chain\n", path, chain);
  profile = tw_profile_load_from_data (conf, "snap.conf", &error);
  g_assert_no_error (error);
  tw_connector_registry_load_default (registry);
  for (guint i = 0; i < G_N_ELEMENTS (secrets_used); i++)
    {
      g_autofree char *name = g_strdup_printf ("secret%u", i);
      g_assert_true (tw_secrets_store_sync (secrets, "snap", "alpaca", name, secrets_used[i], NULL, NULL));
    }
  session = tw_session_new (profile, registry, http, secrets, FALSE);
  tw_logs_start (tw_session_get_logs (session));
  source = tw_logs_lookup (tw_session_get_logs (session), "bot");
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 253, 5000);

  tw_incident_snapshot_write_async (session, out, NULL, snapshot_done_cb, &done);
  tw_test_wait_until (done, 10000);
  g_assert_true (g_file_get_contents (out_path, &written, NULL, NULL));
  g_test_message ("%s", written);
  g_assert_true (g_str_has_prefix (written, "Trade Warden incident snapshot\nTime: "));
  g_assert_nonnull (strstr (written, "Profile: snap (LIVE)"));
  g_assert_nonnull (strstr (written, "alpaca (alpaca, connector alpaca, http://127.0.0.1:9/): unknown"));
  g_assert_nonnull (strstr (written, "audit ("));
  g_assert_nonnull (strstr (written, "Chain intact through line 1."));
  g_assert_nonnull (strstr (written, "lines 54–253 of 253"));
  g_assert_null (strstr (written, "tick 52\n"));
  g_assert_nonnull (strstr (written, "tick 53\n"));
  g_assert_nonnull (strstr (written, "broker said 401 for key [redacted"));
  for (guint i = 0; i < G_N_ELEMENTS (secrets_used); i++)
    g_assert_null (strstr (written, secrets_used[i]));

  tw_session_close_async (session, NULL, close_done_cb, &closed);
  tw_test_wait_until (closed, 10000);
}

/* The demo's logs: its profile shows them, the simulator appends to them, the chain
 * holds until the break-chain scenario, the max-drawdown scenario alerts. */
static void
test_demo_logs (void)
{
  g_autoptr(GError) error = NULL;
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwProfile) profile = tw_demo_profile_new (sim, secrets, &error);
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwSession) session = NULL;
  g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonNode) answer = NULL;
  TwLogs *logs;
  TwLogSource *trading, *api, *audit, *loki;
  guint n_trading, n_loki, status = 0;
  gboolean closed = FALSE;

  g_assert_no_error (error);
  tw_connector_registry_load_default (registry);
  session = tw_session_new (profile, registry, http, secrets, TRUE);
  g_signal_connect (tw_session_get_alert_engine (session), "alert", G_CALLBACK (alert_cb), alerts);
  logs = tw_session_get_logs (session);
  /* the three files, and the AI trading system's Loki */
  g_assert_cmpuint (g_list_model_get_n_items (tw_logs_get_sources (logs)), ==, 4);
  loki = tw_logs_lookup (logs, "ai-trading");
  g_assert_nonnull (loki);
  g_assert_cmpint (tw_log_source_get_kind (loki), ==, TW_LOG_KIND_LOKI);
  trading = tw_logs_lookup (logs, "trading");
  api = tw_logs_lookup (logs, "api");
  audit = tw_logs_lookup (logs, "audit");
  tw_logs_start (logs);
  tw_test_wait_until (tw_log_source_get_n_lines (trading) > 600 && !tw_log_source_get_indexing (trading), 10000);
  tw_test_wait_until (tw_log_source_get_n_lines (api) >= 600, 10000);
  tw_test_wait_until (g_strcmp0 (tw_log_source_get_chain_status (audit), NULL) != 0, 10000);
  g_assert_false (tw_log_source_get_chain_broken (audit));
  g_assert_true (g_str_has_prefix (tw_log_source_get_chain_status (audit), "Chain intact through line "));

  /* Appended while it runs. */
  n_trading = tw_log_source_get_n_lines (trading);
  tw_test_wait_until (tw_log_source_get_n_lines (trading) > n_trading, 10000);
  /* Loki's lines: the history (when this simulator wrote it), then live by the tail. */
  tw_test_wait_until (tw_log_source_get_n_lines (loki) > 0, 10000);
  n_loki = tw_log_source_get_n_lines (loki);
  tw_test_wait_until (tw_log_source_get_n_lines (loki) > n_loki, 10000);
  g_assert_null (tw_log_source_get_problem (loki));

  answer = tw_test_sim_request_full (sim, "investiq", "POST", "/_sim/scenario", "{\"name\":\"log-max-drawdown\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  tw_test_wait_until (alerts->len >= 1, 10000);
  g_assert_cmpstr (tw_alert_get_title (g_ptr_array_index (alerts, 0)), ==, "“MAX DRAWDOWN” in the trading log");

  g_clear_pointer (&answer, json_node_unref);
  answer = tw_test_sim_request_full (sim, "investiq", "POST", "/_sim/scenario", "{\"name\":\"log-break-chain\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  /* Seen once the next fill is appended (every five seconds). */
  tw_test_wait_until (tw_log_source_get_chain_broken (audit), 20000);
  g_assert_nonnull (strstr (tw_log_source_get_chain_status (audit), "was edited"));

  tw_session_close_async (session, NULL, close_done_cb, &closed);
  tw_test_wait_until (closed, 10000);
  tw_sim_thread_stop (sim);
}

/* A journal file written by systemd-journal-remote from the export format. */
static void
write_journal (const char *path, const char *const *entries, guint64 first_us)
{
  g_autoptr(GString) export = g_string_new (NULL);
  g_autofree char *export_path = g_strconcat (path, ".export", NULL);
  g_autofree char *output = g_strconcat ("--output=", path, NULL);
  const char *argv[] = { "/lib/systemd/systemd-journal-remote", output, export_path, NULL };
  int status = 0;

  for (guint i = 0; entries[i] != NULL; i += 3)
    g_string_append_printf (export, "__REALTIME_TIMESTAMP=%" G_GUINT64_FORMAT "\n__MONOTONIC_TIMESTAMP=%u\n"
                            "_BOOT_ID=0123456789abcdef0123456789abcdef\n_HOSTNAME=desk\n"
                            "_SYSTEMD_UNIT=%s.service\nSYSLOG_IDENTIFIER=%s\nPRIORITY=%s\nMESSAGE=%s\n\n",
                            first_us + i * G_USEC_PER_SEC, 1000 + i, entries[i], entries[i], entries[i + 1],
                            entries[i + 2]);
  g_assert_true (g_file_set_contents (export_path, export->str, export->len, NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_unlink (export_path);
}

static void
test_journal (TwLogsFixture *f, gconstpointer data)
{
  static const char *first[] = { "investiq", "3", "Health check failed: database timeout",
                                 "cron", "6", "(root) CMD (run_trading.sh)",
                                 "investiq", "4", "Circuit breaker OPEN for market data", NULL };
  static const char *later[] = { "investiq", "2", "MAX DRAWDOWN REACHED", NULL };
  g_autofree char *dir = g_build_filename (f->dir, "journal", NULL);
  g_autofree char *a = g_build_filename (dir, "a.journal", NULL);
  g_autofree char *b = g_build_filename (dir, "b.journal", NULL);
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autoptr(TwLogSource) source = NULL;
  g_autoptr(TwLogSource) missing = NULL;
  g_autoptr(TwLogView) view = tw_log_view_new ();
  g_autoptr(GPtrArray) sources = g_ptr_array_new ();
  g_autoptr(TwLogLine) line = NULL;
  g_autofree char *text = NULL;
  guint flags;

  if (!g_file_test ("/lib/systemd/systemd-journal-remote", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("systemd-journal-remote is not installed (build-aux/run deps)");
      return;
    }
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  write_journal (a, first, G_GUINT64_CONSTANT (1796544000000000));
  g_hash_table_insert (options, (char *) "Kind", (char *) "journal");
  g_hash_table_insert (options, (char *) "Unit", (char *) "investiq.service");
  source = tw_log_source_new ("journal", dir, options, &error);
  g_assert_no_error (error);
  tw_log_source_set_interval (source, 50);
  tw_log_source_start (source);
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 2
                      || (tw_log_source_get_problem (source) != NULL
                          && (g_test_message ("%s", tw_log_source_get_problem (source)), FALSE)), 5000);
  text = tw_log_source_read_line (source, 0, &flags);
  g_assert_nonnull (strstr (text, " - investiq - ERROR - Health check failed: database timeout"));
  g_ptr_array_add (sources, source);
  tw_log_view_set_sources (view, sources);
  line = g_list_model_get_item (G_LIST_MODEL (view), 1);
  g_assert_cmpint (tw_log_line_get_level (line), ==, TW_LOG_LEVEL_WARNING);
  g_assert_cmpstr (tw_log_line_get_message (line), ==, "Circuit breaker OPEN for market data");
  g_assert_cmpint (tw_log_line_get_time (line), ==, (G_GINT64_CONSTANT (1796544000) + 6) * G_USEC_PER_SEC);

  /* Followed: a new journal file in the folder. */
  write_journal (b, later, G_GUINT64_CONSTANT (1796544100000000));
  tw_test_wait_until (tw_log_source_get_n_lines (source) == 3, 10000);
  g_clear_object (&line);
  line = g_list_model_get_item (G_LIST_MODEL (view), 2);
  g_assert_cmpint (tw_log_line_get_level (line), ==, TW_LOG_LEVEL_CRITICAL);

  /* A journal that is not there: said so. */
  missing = tw_log_source_new ("nope", "/nonexistent/x.journal", options, NULL);
  tw_log_source_start (missing);
  tw_test_wait_until (tw_log_source_get_problem (missing) != NULL, 5000);
  g_unlink (a);
  g_unlink (b);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, TwLogsFixture, NULL, tw_logs_fixture_setup, func, tw_logs_fixture_teardown)
  ADD ("/tw/core/logs/view/filters", test_view_filters);
  ADD ("/tw/core/logs/view/merge-correlation", test_view_merge_correlation);
  ADD ("/tw/core/logs/session", test_session_logs);
  ADD ("/tw/core/logs/alerts", test_log_alerts);
  ADD ("/tw/core/logs/incident-snapshot", test_incident_snapshot);
  g_test_add_func ("/tw/core/logs/demo", test_demo_logs);
  ADD ("/tw/core/logs/journal", test_journal);
  return g_test_run ();
}
