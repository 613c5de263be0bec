/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Logs page in the application: two sources of the profile merged by time, follow
 * and "N new lines", the filters and their error, the correlation-id click across both
 * sources, next match, copy; PNGs light and dark, following and filtered. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tw-log-chain.h"
#include "tw-sim-loki.h"
#include "tw-logs-page-private.h"
#include "tw-log-row.h"
#include "tw-test-app.h"
#include "tw-test-recorder.h"

static TwApplication *app;

static GtkWidget *
find_widget (GtkWidget *root, GType type)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
append (const char *path, const char *text)
{
  FILE *file = fopen (path, "a");
  g_assert_nonnull (file);
  fputs (text, file);
  fclose (file);
}

static GtkWidget *
find_actionable (GtkWidget *root, const char *action)
{
  if (GTK_IS_ACTIONABLE (root) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_actionable (child, action);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static guint
n_rows (TwLogsPage *page)
{
  return g_list_model_get_n_items (G_LIST_MODEL (_tw_logs_page_get_view (page)));
}

static gboolean
at_bottom (TwLogsPage *page)
{
  GtkListView *list = _tw_logs_page_get_list_view (page);
  GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));

  /* Many rows: the list is taller than its view (an adjustment not laid out yet is "at
   * the bottom" too). */
  return gtk_adjustment_get_upper (adj) > 2 * gtk_adjustment_get_page_size (adj)
         && gtk_adjustment_get_value (adj) >= gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 2;
}

static gboolean
filtered (TwLogsPage *page)
{
  return !tw_log_view_get_filtering (_tw_logs_page_get_view (page));
}

static void
test_logs_page (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tw-logs-page-XXXXXX", NULL);
  g_autofree char *trading = g_build_filename (dir, "trading.log", NULL);
  g_autofree char *api = g_build_filename (dir, "api.log", NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) json = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  AppFixture f = { 0, };
  TwLogsPage *page;
  g_autofree char *copied = NULL;
  g_autofree char *expected = NULL;
  TwStallMeter *meter;
  guint total;
  double upper;

  for (guint i = 0; i < 200; i++)
    {
      const char *level = i % 50 == 7 ? "ERROR" : i % 40 == 3 ? "WARNING" : "INFO";
      g_string_append_printf (text, "2026-12-06 09:%02u:%02u,000 - trading - %s - %s correlation_id=order-%u\n",
                              i / 60, i % 60, level,
                              i % 40 == 3 ? "DRIFT ALERT: directional accuracy 0.48" : "Prediction: AAPL 189.20 -> 190.05 signal BUY",
                              100 + i % 25);
      if (i % 4 == 0)
        g_string_append_printf (json, "{\"timestamp\":\"2026-12-06T09:%02u:%02u.500\",\"level\":\"%s\",\"message\":\"POST /api/v1/orders 201\",\"correlation_id\":\"order-%u\"}\n",
                                i / 60, i % 60, i == 120 ? "ERROR" : "INFO", 100 + i % 25);
    }
  g_string_append (json, "{\"timestamp\": \"2026-12-06T09:03:20\", \"level\": \"INFO\", \"message\": trunc\n");
  g_assert_true (g_file_set_contents (trading, text->str, text->len, NULL));
  g_assert_true (g_file_set_contents (api, json->str, json->len, NULL));

  f.app = app;
  f.sim = tw_test_sim_start ();
  f.secrets = tw_secrets_new_memory ();
  f.profile = tw_demo_profile_new (f.sim, f.secrets, &error);
  g_assert_no_error (error);
  /* These logs only, not the demo's. */
  g_ptr_array_set_size (tw_profile_get_logs (f.profile), 0);
  tw_profile_add_log (f.profile, "trading", trading);
  tw_profile_add_log (f.profile, "api", api);
  tw_profile_set_log_option (f.profile, "api", "Kind", "json");
  tw_application_open_profile (app, f.profile, f.secrets);
  f.window = tw_application_get_window (app);
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1200, 760);
  gtk_window_present (GTK_WINDOW (f.window));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  meter = tw_test_stall_meter_start ();
  g_assert_true (tw_window_show_page (f.window, "logs"));
  page = TW_LOGS_PAGE (find_widget (GTK_WIDGET (f.window), TW_TYPE_LOGS_PAGE));
  g_assert_nonnull (page);
  tw_test_ui_assert_icon_buttons_labelled (GTK_WIDGET (page));

  /* Both sources merged: 200 + 50 + the malformed line. */
  total = 251;
  tw_test_wait_until (n_rows (page) == total && filtered (page), 10000);
  g_assert_true (_tw_logs_page_get_follow (page));
  tw_test_wait_until (at_bottom (page), 5000);
  {
    g_autoptr(TwLogLine) last = g_list_model_get_item (G_LIST_MODEL (_tw_logs_page_get_view (page)), total - 1);
    g_autoptr(TwLogLine) malformed = NULL;
    /* The malformed line has no time of its own: it sorts after api's last line. */
    g_assert_cmpstr (tw_log_line_get_source_id (last), ==, "trading");
    for (guint i = 0; i < total && malformed == NULL; i++)
      {
        g_autoptr(TwLogLine) line = g_list_model_get_item (G_LIST_MODEL (_tw_logs_page_get_view (page)), i);
        if (tw_log_line_get_malformed (line))
          malformed = g_steal_pointer (&line);
      }
    g_assert_nonnull (malformed);
  }

  /* Following: new lines come into view (once the list was laid out with the new row:
   * until then the adjustment is at the bottom of the rows before). */
  upper = gtk_adjustment_get_upper (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (_tw_logs_page_get_list_view (page))));
  append (trading, "2026-12-06 09:59:00,000 - trading - CRITICAL - MAX DRAWDOWN REACHED correlation_id=order-999\n");
  tw_test_wait_until (n_rows (page) == total + 1, 5000);
  tw_test_wait_until (gtk_adjustment_get_upper (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (_tw_logs_page_get_list_view (page)))) > upper
                      && at_bottom (page), 5000);
  g_assert_true (_tw_logs_page_get_follow (page));
  g_assert_null (_tw_logs_page_get_new_lines (page));
  {
    /* A row drawn by itself names its list item for screen readers: time, level, log,
     * text and id. */
    GtkWidget *list = GTK_WIDGET (_tw_logs_page_get_list_view (page));
    gboolean seen = FALSE;

    for (GtkWidget *item = gtk_widget_get_first_child (list); item != NULL; item = gtk_widget_get_next_sibling (item))
      {
        GtkWidget *row = gtk_widget_get_first_child (item);
        TwLogLine *line = row != NULL && TW_IS_LOG_ROW (row) ? tw_log_row_get_line (TW_LOG_ROW (row)) : NULL;
        g_autofree char *said = NULL;
        g_autofree char *wrong = NULL;

        if (line == NULL || strstr (tw_log_line_get_text (line), "MAX DRAWDOWN") == NULL)
          continue;
        said = tw_log_row_describe_line (line);
        g_assert_nonnull (strstr (said, "2026-12-06 09:59:00"));
        g_assert_nonnull (strstr (said, "CRITICAL"));
        g_assert_nonnull (strstr (said, "trading: 2026-12-06 09:59:00,000 - trading - CRITICAL - MAX DRAWDOWN"));
        g_assert_nonnull (strstr (said, "order-999"));
        wrong = gtk_test_accessible_check_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL, said);
        g_assert_null (wrong);
        seen = TRUE;
      }
    g_assert_true (seen);
  }
  tw_test_stall_meter_pause (meter);
  app_save_png_light_dark (GTK_WIDGET (f.window), "logs-following");
  tw_test_stall_meter_resume (meter);

  /* Scrolling up stops following; lines written meanwhile are counted. */
  _tw_logs_page_scroll_up (page);
  tw_test_wait_until (!_tw_logs_page_get_follow (page), 5000);
  append (trading, "2026-12-06 09:59:01,000 - trading - INFO - a\n"
                   "2026-12-06 09:59:02,000 - trading - INFO - b\n"
                   "2026-12-06 09:59:03,000 - trading - INFO - c\n");
  tw_test_wait_until (g_strcmp0 (_tw_logs_page_get_new_lines (page), "3 new lines") == 0, 5000);
  g_assert_false (at_bottom (page));
  gtk_widget_activate_action (GTK_WIDGET (page), "logs.show-new", NULL);
  g_assert_true (_tw_logs_page_get_follow (page));
  g_assert_null (_tw_logs_page_get_new_lines (page));
  tw_test_wait_until (at_bottom (page), 5000);
  total += 4;

  /* Filters: errors and above with "order" in them. */
  _tw_logs_page_set_filter_text (page, TW_LOG_LEVEL_ERROR, "ORDER", NULL, NULL);
  tw_test_wait_until (filtered (page) && n_rows (page) == 6, 10000);
  g_assert_cmpstr (_tw_logs_page_get_count_text (page), ==, "6 matches");
  tw_test_stall_meter_pause (meter);
  app_save_png_light_dark (GTK_WIDGET (f.window), "logs-filtered");
  tw_test_stall_meter_resume (meter);

  /* A regex that does not compile: an error beside the entries, the filter kept. */
  _tw_logs_page_set_filter_text (page, 0, NULL, "signal (BUY", NULL);
  g_assert_nonnull (_tw_logs_page_get_filter_error (page));
  g_assert_nonnull (strstr (_tw_logs_page_get_filter_error (page), "regular expression"));
  g_assert_cmpuint (n_rows (page), ==, 6);
  _tw_logs_page_set_filter_text (page, 0, NULL, "DRIFT ALERT: \\w+ accuracy 0\\.4[0-9]", NULL);
  g_assert_null (_tw_logs_page_get_filter_error (page));
  tw_test_wait_until (filtered (page) && n_rows (page) == 5, 10000);

  /* A click on an id: every source, merged, to that id. */
  _tw_logs_page_set_filter_text (page, 0, NULL, NULL, NULL);
  _tw_logs_page_select_source (page, 2);  /* api alone */
  tw_test_wait_until (filtered (page) && n_rows (page) == 51, 10000);
  gtk_widget_activate_action (GTK_WIDGET (page), "logs.filter-id", "s", "order-104");
  /* trading: i % 25 == 4 → 8 lines; api: i % 4 == 0 and i % 25 == 4 → i = 4, 104 → 2. */
  tw_test_wait_until (filtered (page) && n_rows (page) == 10, 10000);
  gtk_widget_activate_action (GTK_WIDGET (page), "logs.next-match", NULL);
  gtk_widget_activate_action (GTK_WIDGET (page), "logs.next-match", NULL);
  gtk_selection_model_select_range (GTK_SELECTION_MODEL (gtk_list_view_get_model (_tw_logs_page_get_list_view (page))),
                                    0, 3, TRUE);
  copied = _tw_logs_page_dup_selected_text (page);
  expected = g_strdup_printf ("trading: 2026-12-06 09:00:04,000 - trading - INFO - Prediction: AAPL 189.20 -> 190.05 signal BUY correlation_id=order-104\n"
                              "api: {\"timestamp\":\"2026-12-06T09:00:04.500\",\"level\":\"INFO\",\"message\":\"POST /api/v1/orders 201\",\"correlation_id\":\"order-104\"}\n"
                              "trading: 2026-12-06 09:00:29,000 - trading - INFO - Prediction: AAPL 189.20 -> 190.05 signal BUY correlation_id=order-104\n");
  g_assert_cmpstr (copied, ==, expected);
  tw_test_stall_meter_pause (meter);
  app_save_png_light_dark (GTK_WIDGET (f.window), "logs-correlation");
  tw_test_stall_meter_resume (meter);

  /* The MAX DRAWDOWN line written earlier raised exactly one notification; its Open shows
   * the line (the page was not on screen). */
  {
    g_autoptr(JsonObject) call = tw_test_recorder_wait ("MAX DRAWDOWN", -1, 5000);
    g_autoptr(GtkBitset) selected = NULL;
    g_autoptr(TwLogLine) line = NULL;
    GtkSelectionModel *model = GTK_SELECTION_MODEL (gtk_list_view_get_model (_tw_logs_page_get_list_view (page)));

    g_assert_nonnull (call);
    g_assert_cmpuint (tw_test_recorder_count ("MAX DRAWDOWN", -1), ==, 1);
    g_assert_cmpuint (tw_test_recorder_count ("in the trading log", -1), ==, 1);
    g_assert_true (tw_window_show_page (f.window, "overview"));
    tw_test_recorder_invoke (call, "open");
    tw_test_wait_until (gtk_widget_get_mapped (GTK_WIDGET (page)), 5000);
    selected = gtk_selection_model_get_selection (model);
    g_assert_cmpuint (gtk_bitset_get_size (selected), ==, 1);
    line = g_list_model_get_item (G_LIST_MODEL (model), gtk_bitset_get_minimum (selected));
    g_assert_cmpstr (tw_log_line_get_source_id (line), ==, "trading");
    g_assert_nonnull (strstr (tw_log_line_get_text (line), "MAX DRAWDOWN REACHED"));
  }

  g_test_message ("longest main-loop stall: %" G_GINT64_FORMAT " µs", tw_test_stall_meter_get_max (meter));
  g_assert_cmpint (tw_test_stall_meter_get_max (meter), <, 250000);
  tw_test_stall_meter_free (meter);

  app_fixture_close (&f);
  g_unlink (trading);
  g_unlink (api);
  g_rmdir (dir);
}

/* An audit chain: intact through line N, updated as lines are appended, then the first
 * broken line named (error-styled, in words). */
static void
test_logs_page_chain (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tw-logs-chain-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "audit_log.jsonl", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  AppFixture f = { 0, };
  TwLogsPage *page;
  char *edit;

  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *entry = g_strdup_printf ("{\"timestamp\":\"2026-12-06T10:0%u:00\",\"level\":\"INFO\","
                                                "\"action\":\"trade\",\"status\":\"ok\",\"details\":{\"symbol\":\"MSFT\",\"qty\":%u}}",
                                                i, 5 + i);
      g_assert_true (tw_chain_append (path, entry, &error));
    }

  f.app = app;
  f.sim = tw_test_sim_start ();
  f.secrets = tw_secrets_new_memory ();
  f.profile = tw_demo_profile_new (f.sim, f.secrets, &error);
  g_assert_no_error (error);
  g_ptr_array_set_size (tw_profile_get_logs (f.profile), 0);
  tw_profile_add_log (f.profile, "audit", path);
  tw_profile_set_log_option (f.profile, "audit", "Kind", "audit-chain");
  tw_application_open_profile (app, f.profile, f.secrets);
  f.window = tw_application_get_window (app);
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1200, 500);
  gtk_window_present (GTK_WINDOW (f.window));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  g_assert_true (tw_window_show_page (f.window, "logs"));
  page = TW_LOGS_PAGE (find_widget (GTK_WIDGET (f.window), TW_TYPE_LOGS_PAGE));

  tw_test_wait_until (g_strcmp0 (_tw_logs_page_get_chain_text (page),
                                 "audit — Audit chain: Chain intact through line 6.") == 0, 10000);
  g_assert_true (tw_chain_append (path, "{\"level\":\"WARNING\",\"action\":\"halt\",\"status\":\"ok\"}", NULL));
  tw_test_wait_until (g_strcmp0 (_tw_logs_page_get_chain_text (page),
                                 "audit — Audit chain: Chain intact through line 7.") == 0, 10000);

  /* Someone edits line 3 in place and the bot writes on. */
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  edit = strstr (contents, "\"qty\":7");
  g_assert_nonnull (edit);
  {
    /* In place (an editor that renames would be a rotation: a new file). */
    FILE *file = fopen (path, "r+");
    g_assert_nonnull (file);
    g_assert_cmpint (fseek (file, edit - contents + 6, SEEK_SET), ==, 0);
    fputc ('9', file);
    fclose (file);
  }
  g_assert_true (tw_chain_append (path, "{\"level\":\"INFO\",\"action\":\"resume\",\"status\":\"ok\"}", NULL));
  tw_test_wait_until (g_strcmp0 (_tw_logs_page_get_chain_text (page),
                                 "audit — Audit chain BROKEN: Line 3 was edited: its content no longer matches its hash.") == 0,
                      10000);
  tw_test_wait_until (n_rows (page) == 8, 5000);
  app_save_png_light_dark (GTK_WIDGET (f.window), "logs-chain-broken");

  /* The incident snapshot from the page: the broken chain in it, no secret of the demo. */
  {
    g_autofree char *out_path = g_build_filename (dir, "incident.txt", NULL);
    g_autoptr(GFile) out = g_file_new_for_path (out_path);
    g_autofree char *written = NULL;
    static const char *names[][2] = { { "investiq", "api_key" }, { "investiq", "live_trading_key" },
                                      { "ibkr-assistant", "api_key" }, { "alpaca", "key_id" },
                                      { "alpaca", "secret_key" } };
    guint n_checked = 0;

    _tw_logs_page_write_snapshot (page, out);
    tw_test_wait_until (_tw_logs_page_get_snapshot_result (page) != NULL, 10000);
    g_assert_true (g_str_has_prefix (_tw_logs_page_get_snapshot_result (page), "Incident snapshot written to "));
    g_assert_true (g_file_get_contents (out_path, &written, NULL, NULL));
    g_assert_nonnull (strstr (written, "BROKEN: Line 3 was edited"));
    g_assert_nonnull (strstr (written, "== Services =="));
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *secret = tw_secrets_lookup_sync (f.secrets, tw_profile_get_name (f.profile), names[i][0],
                                                          names[i][1], NULL, NULL);
        if (secret == NULL)
          continue;
        n_checked++;
        g_assert_null (strstr (written, secret));
      }
    g_assert_cmpuint (n_checked, >=, 4);
    g_unlink (out_path);
  }

  app_fixture_close (&f);
  g_unlink (path);
  g_rmdir (dir);
}

/* A Loki source (001's stack) beside a file: merged by time, its labels on each line,
 * live lines through the tail, a dropped tail said in the page's status. */
static void
test_logs_page_loki (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tw-logs-loki-XXXXXX", NULL);
  g_autofree char *trading = g_build_filename (dir, "trading.log", NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TwSimLoki) loki = tw_sim_loki_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  gint64 now_ns = g_date_time_to_unix (now) * G_GINT64_CONSTANT (1000000000);
  AppFixture f = { 0, };
  TwLogsPage *page;
  TwLogSource *source;

  g_assert_true (tw_sim_loki_start (loki, 0, &error));
  for (guint i = 0; i < 40; i++)
    {
      gint64 ts = now_ns - (gint64) (40 - i) * 30 * G_GINT64_CONSTANT (1000000000);
      g_autofree char *line = NULL;

      if (i % 13 == 7)
        line = g_strdup_printf ("{\"level\":\"error\",\"msg\":\"database pool: timeout acquiring a connection (20/20 in use)\",\"request_id\":\"req-%04u\"}", i);
      else
        line = g_strdup_printf ("{\"level\":\"%s\",\"msg\":\"GET /api/trades 200 %u ms\",\"request_id\":\"req-%04u\"}",
                                i % 9 == 4 ? "warn" : "info", 20 + i * 3, i);
      tw_sim_loki_push (loki, ts, i % 3 == 0 ? "app=ai-trading,service=rate-gate" : "app=ai-trading,service=api", line);
      if (i % 4 == 0)
        {
          g_autoptr(GDateTime) time = g_date_time_add_seconds (now, -(double) (40 - i) * 30 + 1);
          g_autofree char *stamp = g_date_time_format (time, "%Y-%m-%d %H:%M:%S");
          g_string_append_printf (text, "%s,000 - trading - INFO - Prediction: AAPL 189.20 -> 190.05 signal BUY\n", stamp);
        }
    }
  g_assert_true (g_file_set_contents (trading, text->str, text->len, NULL));

  f.app = app;
  f.sim = tw_test_sim_start ();
  f.secrets = tw_secrets_new_memory ();
  f.profile = tw_demo_profile_new (f.sim, f.secrets, &error);
  g_assert_no_error (error);
  g_ptr_array_set_size (tw_profile_get_logs (f.profile), 0);
  tw_profile_add_log (f.profile, "ai-trading", tw_sim_loki_get_url (loki));
  tw_profile_set_log_option (f.profile, "ai-trading", "Kind", "loki");
  tw_profile_set_log_option (f.profile, "ai-trading", "Query", "{app=\"ai-trading\"}");
  tw_profile_set_log_option (f.profile, "ai-trading", "Tenant", "trading");
  tw_profile_add_log (f.profile, "trading", trading);
  tw_application_open_profile (app, f.profile, f.secrets);
  f.window = tw_application_get_window (app);
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1200, 620);
  gtk_window_present (GTK_WINDOW (f.window));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  g_assert_true (tw_window_show_page (f.window, "logs"));
  page = TW_LOGS_PAGE (find_widget (GTK_WIDGET (f.window), TW_TYPE_LOGS_PAGE));
  g_assert_nonnull (page);

  tw_test_wait_until (n_rows (page) == 50 && filtered (page), 10000);
  g_assert_cmpuint (n_rows (page), ==, 50);
  source = tw_logs_lookup (tw_session_get_logs (tw_window_get_session (f.window)), "ai-trading");
  g_assert_nonnull (source);
  tw_test_wait_until (tw_sim_loki_get_n_tails (loki) == 1, 10000);
  /* live, through the tail */
  tw_sim_loki_push (loki, 0, "app=ai-trading,service=api",
                    "{\"level\":\"error\",\"msg\":\"rate gate: backoff 2 s (quota 95% used)\",\"request_id\":\"req-live\"}");
  tw_test_wait_until (n_rows (page) == 51 && filtered (page), 10000);
  g_assert_cmpuint (n_rows (page), ==, 51);
  {
    g_autoptr(TwLogLine) last = g_list_model_get_item (G_LIST_MODEL (_tw_logs_page_get_view (page)), 50);

    g_assert_cmpstr (tw_log_line_get_source_id (last), ==, "ai-trading");
    g_assert_nonnull (strstr (tw_log_line_get_text (last), "{app=\"ai-trading\", service=\"api\"}"));
    g_assert_cmpint (tw_log_line_get_level (last), ==, TW_LOG_LEVEL_ERROR);
    g_assert_cmpstr (tw_log_line_get_correlation_id (last), ==, "req-live");
    g_assert_cmpstr (tw_log_line_get_message (last), ==, "rate gate: backoff 2 s (quota 95% used)");
  }
  app_save_png_light_dark (GTK_WIDGET (f.window), "logs-loki");

  /* Loki alone: no folder to open; with the file, its folder. */
  {
    GtkWidget *open = find_actionable (GTK_WIDGET (page), "logs.open-folder");

    g_assert_nonnull (open);
    g_assert_true (gtk_widget_get_sensitive (open));
    _tw_logs_page_select_source (page, 1);
    tw_test_wait_until (n_rows (page) == 41 && filtered (page), 10000);
    g_assert_cmpuint (n_rows (page), ==, 41);
    g_assert_false (gtk_widget_get_sensitive (open));
    _tw_logs_page_select_source (page, 0);
    tw_test_wait_until (n_rows (page) == 51 && filtered (page), 10000);
    g_assert_true (gtk_widget_get_sensitive (open));
  }

  /* Loki restarts: the page says the tail is reconnecting. */
  tw_sim_loki_set_fault (loki, TW_SIM_LOKI_FAULT_NO_WEBSOCKET);
  tw_sim_loki_close_tails (loki);
  tw_test_wait_until (tw_log_source_get_problem (source) != NULL, 10000);
  g_assert_nonnull (strstr (tw_log_source_get_problem (source), "reconnecting"));
  app_save_png_light_dark (GTK_WIDGET (f.window), "logs-loki-reconnecting");
  /* and polls when the WebSocket is refused; lines go on arriving */
  tw_sim_loki_push (loki, 0, "app=ai-trading,service=api", "{\"level\":\"info\",\"msg\":\"polled\"}");
  tw_test_wait_until (n_rows (page) == 52, 15000);
  g_assert_cmpuint (n_rows (page), ==, 52);

  app_fixture_close (&f);
  g_unlink (trading);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  int status;

  app = app_fixture_init (&argc, &argv);
  g_test_add_func ("/tw/ui/logs-page/follow-filter-correlate", test_logs_page);
  g_test_add_func ("/tw/ui/logs-page/chain", test_logs_page_chain);
  g_test_add_func ("/tw/ui/logs-page/loki", test_logs_page_loki);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
