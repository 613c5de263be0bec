/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "tw-alerts-page-private.h"
#include "tw-alertmanager-test.h"
#include "tw-test-app.h"
#include "tw-test-recorder.h"
#include "tw-test-timing.h"

/* Issue 14 in the application: a real Alertmanager's webhook reaches the notification
 * recorder; the Alerts page shows firing, acknowledged and silenced alerts (PNGs, light
 * and dark); a silence made in the page's dialog silences the alert in Alertmanager;
 * grouping; the benchmark of webhook POST → Notify on the bus. */

static TwApplication *app;

typedef struct
{
  AppFixture          f;
  TwTestAlertmanager *am;
  TwAlertsService    *alerts;
  TwAlertsPage       *page;
  char               *receiver_url;
} Fixture;

static void
fixture_open (Fixture *x,
              gboolean with_alertmanager)
{
  AppFixture *f = &x->f;
  g_autoptr(GError) error = NULL;
  guint am_port = tw_test_free_port ();

  f->app = app;
  f->sim = tw_test_sim_start ();
  f->secrets = tw_secrets_new_memory ();
  f->profile = tw_demo_profile_new (f->sim, f->secrets, &error);
  g_assert_no_error (error);
  if (with_alertmanager)
    {
      g_autofree char *am_url = g_strdup_printf ("http://127.0.0.1:%u", am_port);
      g_autoptr(TwService) service = tw_service_new ("alertmanager", "prometheus-alertmanager", am_url);

      tw_service_set_name (service, "Alertmanager");
      tw_profile_add_service (f->profile, service);
    }
  tw_profile_set_alerts_config (f->profile, NULL, tw_test_free_port (), FALSE);
  tw_application_open_profile (app, f->profile, f->secrets);
  tw_workspace_set_poll_interval (tw_application_get_workspace (app), 500);
  f->window = tw_application_get_window (app);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1180, 720);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f->window), 5000));
  x->alerts = tw_session_get_alerts_service (tw_window_get_session (f->window));
  g_assert_nonnull (x->alerts);
  tw_test_wait_until (tw_alert_receiver_get_port (tw_alerts_service_get_receiver (x->alerts)) != 0, 5000);
  x->receiver_url = tw_alert_receiver_get_url (tw_alerts_service_get_receiver (x->alerts));
  if (with_alertmanager)
    x->am = tw_test_alertmanager_start (am_port, x->receiver_url);
  x->page = TW_ALERTS_PAGE (tw_window_get_page (f->window, "alerts"));
  g_assert_nonnull (x->page);
  g_assert_true (tw_window_show_page (f->window, "alerts"));
}

static void
fixture_close (Fixture *x)
{
  g_clear_pointer (&x->am, tw_test_alertmanager_stop);
  app_fixture_close (&x->f);
  g_free (x->receiver_url);
}

static gboolean
am_silenced (TwTestAlertmanager *am,
             const char         *alertname)
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
      JsonObject *status = json_object_get_object_member (alert, "status");

      if (g_strcmp0 (json_object_get_string_member (labels, "alertname"), alertname) == 0)
        return json_array_get_length (json_object_get_array_member (status, "silencedBy")) > 0;
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

static TwAlertItem *
find_console (TwAlertsService *alerts)
{
  GListModel *model = tw_alerts_service_get_model (alerts);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TwAlertItem) item = g_list_model_get_item (model, i);

      if (tw_alert_item_get_source_kind (item) == TW_ALERT_SOURCE_CONSOLE)
        return item;   /* the service holds it */
    }
  return NULL;
}

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
halt_finished_cb (TwApplication  *application,
                  GPtrArray      *results,
                  GPtrArray     **out)
{
  g_clear_pointer (out, g_ptr_array_unref);
  *out = g_ptr_array_ref (results);
}

static void
test_page (void)
{
  Fixture x = { 0 };
  g_autoptr(JsonObject) call = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  TwAlertItem *ack, *silence, *console = NULL;
  const char *badge;

  if (tw_test_alertmanager_binary () == NULL)
    {
      g_test_skip ("prometheus-alertmanager is not installed (build-aux/run deps)");
      return;
    }
  if (!tw_test_recorder_available ())
    {
      g_test_skip ("needs the notification recorder: run under build-aux/run test");
      return;
    }
  fixture_open (&x, TRUE);
  tw_test_recorder_clear ();

  /* The runbooks' four alerts, fired in Alertmanager */
  tw_test_alertmanager_post_alert (x.am, "{\"alertname\": \"HighErrorRate\", \"severity\": \"critical\", \"service\": \"investiq\"}",
                                   "{\"summary\": \"5xx above 5% for 5 minutes\", \"runbook_url\": \"https://runbooks.invalid/investiq#higherrorrate\"}", 0);
  tw_test_alertmanager_post_alert (x.am, "{\"alertname\": \"HighLatency\", \"severity\": \"warning\", \"service\": \"investiq\"}",
                                   "{\"summary\": \"p95 latency above 2 s\"}", 0);
  tw_test_alertmanager_post_alert (x.am, "{\"alertname\": \"ServiceDown\", \"severity\": \"critical\", \"service\": \"ai-trading\"}",
                                   "{\"summary\": \"ai-trading is down\"}", 0);
  tw_test_alertmanager_post_alert (x.am, "{\"alertname\": \"MLServiceDown\", \"severity\": \"warning\", \"service\": \"investiq\"}",
                                   "{\"summary\": \"the ML service does not answer\"}", 0);

  /* Webhook → notification on the bus, critical urgency for a critical alert */
  call = tw_test_recorder_wait ("HighErrorRate", 2, 15000);
  g_assert_nonnull (call);
  g_assert_true (tw_test_recorder_has_action (call, "ack"));
  g_assert_true (tw_test_recorder_has_action (call, "halt"));
  tw_test_wait_until (find_by_name (x.alerts, "MLServiceDown") != NULL, 15000);
  tw_test_wait_until (_tw_alerts_page_get_n_rows (x.page) == 4, 5000);
  tw_test_wait_until (g_strcmp0 (tw_window_get_page_badge (x.f.window, "alerts"), "4") == 0, 5000);

  /* Acknowledge ServiceDown from its notification's button */
  {
    g_autoptr(JsonObject) down = tw_test_recorder_wait ("ServiceDown", 2, 15000);

    g_assert_nonnull (down);
    tw_test_recorder_invoke (down, "ack");
  }
  ack = find_by_name (x.alerts, "ServiceDown");
  tw_test_wait_until (tw_alert_item_is_acknowledged (ack), 10000);
  tw_test_wait_until (am_silenced (x.am, "ServiceDown"), 10000);
  /* Its details say who acknowledged it, when, and until when */
  g_assert_true (_tw_alerts_page_select (x.page, tw_alert_item_get_key (ack)));
  g_assert_nonnull (_tw_alerts_page_get_details_ack (x.page));
  g_assert_true (g_str_has_prefix (_tw_alerts_page_get_details_ack (x.page), "Acknowledged by "));
  g_assert_nonnull (strstr (_tw_alerts_page_get_details_ack (x.page), ", until "));

  /* Silence MLServiceDown from the page's dialog */
  silence = find_by_name (x.alerts, "MLServiceDown");
  g_assert_true (_tw_alerts_page_select (x.page, tw_alert_item_get_key (silence)));
  g_assert_cmpstr (_tw_alerts_page_get_details_title (x.page), ==, "MLServiceDown");
  dialog = _tw_alerts_page_open_silence_dialog (x.page);
  g_assert_nonnull (dialog);
  _tw_alerts_page_fill_silence (dialog, "", 2, NULL);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "silence"));
  _tw_alerts_page_fill_silence (dialog, "ML retraining until noon", 2, NULL);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "silence"));
  adw_message_dialog_response (dialog, "silence");
  gtk_window_destroy (GTK_WINDOW (dialog));
  tw_test_wait_until (!_tw_alerts_page_is_busy (x.page), 10000);
  g_assert_null (_tw_alerts_page_get_last_error (x.page));
  tw_test_wait_until (am_silenced (x.am, "MLServiceDown"), 10000);
  tw_test_wait_until (tw_alert_item_get_state (silence) == TW_ALERT_STATE_SILENCED, 10000);

  /* A critical alert silenced past 4 h needs its name typed */
  g_assert_true (_tw_alerts_page_select (x.page, tw_alert_item_get_key (find_by_name (x.alerts, "HighErrorRate"))));
  dialog = _tw_alerts_page_open_silence_dialog (x.page);
  _tw_alerts_page_fill_silence (dialog, "deploy", 8, NULL);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "silence"));
  _tw_alerts_page_fill_silence (dialog, "deploy", 8, "HighErrorRate");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "silence"));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The console's own alert in the same list: a breaker trips in the simulator */
  g_assert_true (app_wait_states_known (&x.f, 10000));
  app_scenario (&x.f, "{\"name\":\"losing-streak\"}");
  tw_test_wait_until ((console = find_console (x.alerts)) != NULL, 10000);
  g_assert_cmpint (tw_alert_item_get_severity (console), ==, TW_ALERT_CRITICAL);
  g_assert_cmpstr (g_ptr_array_index (tw_alert_item_get_sources (console), 0), ==, "Trade Warden");

  /* Three firing (two of Alertmanager, the console's), one acknowledged, one silenced */
  tw_test_wait_until (tw_alerts_service_get_n_unacknowledged (x.alerts) == 3, 5000);
  tw_test_wait_until (g_strcmp0 (tw_window_get_page_badge (x.f.window, "alerts"), "3") == 0, 5000);
  badge = tw_window_get_page_badge (x.f.window, "alerts");
  g_assert_cmpstr (badge, ==, "3");
  g_assert_cmpstr (_tw_alerts_page_get_details_title (x.page), ==, "HighErrorRate");
  g_assert_cmpstr (_tw_alerts_page_get_details_state (x.page), ==, "Firing");
  g_assert_nonnull (strstr (_tw_alerts_page_get_receiver_text (x.page), x.receiver_url));
  app_save_png_light_dark (GTK_WIDGET (x.f.window), "alerts-page");

  /* The Silences window: the ack's and the page's silences; one expired with a reason */
  {
    GtkWindow *window = _tw_alerts_page_open_silences (x.page);
    AdwMessageDialog *expire;

    tw_test_wait_until (_tw_alerts_page_get_n_silence_loads (x.page) >= 1, 10000);
    g_assert_cmpuint (_tw_alerts_page_get_n_silences (x.page), ==, 2);
    app_save_png_light_dark (GTK_WIDGET (window), "alerts-silences");
    /* Soonest end first: MLServiceDown's 2 h before the acknowledgement's 24 h */
    expire = _tw_alerts_page_open_expire_dialog (x.page, 0);
    g_assert_false (adw_message_dialog_get_response_enabled (expire, "expire"));
    gtk_editable_set_text (g_object_get_data (G_OBJECT (expire), "tw-reason"), "retraining done");
    g_assert_true (adw_message_dialog_get_response_enabled (expire, "expire"));
    adw_message_dialog_response (expire, "expire");
    gtk_window_destroy (GTK_WINDOW (expire));
    tw_test_wait_until (_tw_alerts_page_get_n_silence_loads (x.page) >= 2, 10000);
    g_assert_cmpuint (_tw_alerts_page_get_n_silences (x.page), ==, 1);
    tw_test_wait_until (!am_silenced (x.am, "MLServiceDown"), 10000);
    tw_test_wait_until (tw_alert_item_get_state (silence) == TW_ALERT_STATE_FIRING, 10000);
    /* The acknowledgement's silence expired here ends the acknowledgement too */
    expire = _tw_alerts_page_open_expire_dialog (x.page, 0);
    gtk_editable_set_text (g_object_get_data (G_OBJECT (expire), "tw-reason"), "handled");
    adw_message_dialog_response (expire, "expire");
    gtk_window_destroy (GTK_WINDOW (expire));
    tw_test_wait_until (_tw_alerts_page_get_n_silence_loads (x.page) >= 3, 10000);
    g_assert_cmpuint (_tw_alerts_page_get_n_silences (x.page), ==, 0);
    tw_test_wait_until (!tw_alert_item_is_acknowledged (ack), 10000);
    tw_test_wait_until (tw_alert_item_get_state (ack) == TW_ALERT_STATE_FIRING, 10000);
    gtk_window_destroy (window);
  }

  /* Filters */
  _tw_alerts_page_set_filter (x.page, "ai-trading", -1);
  g_assert_cmpuint (_tw_alerts_page_get_n_rows (x.page), ==, 1);
  _tw_alerts_page_set_filter (x.page, NULL, TW_ALERT_WARNING);
  g_assert_cmpuint (_tw_alerts_page_get_n_rows (x.page), ==, 2);
  _tw_alerts_page_set_filter (x.page, NULL, TW_ALERT_CRITICAL);
  g_assert_cmpuint (_tw_alerts_page_get_n_rows (x.page), ==, 3);
  _tw_alerts_page_set_filter (x.page, NULL, -1);
  g_assert_cmpuint (_tw_alerts_page_get_n_rows (x.page), ==, 5);

  /* A console alert is acknowledged locally, audited */
  tw_alerts_service_acknowledge_async (x.alerts, tw_alert_item_get_key (console), "halting by hand", 3600,
                                       NULL, result_cb, &result);
  tw_test_wait_until (result != NULL, 5000);
  g_assert_true (tw_alerts_service_acknowledge_finish (x.alerts, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tw_alert_item_get_state (console), ==, TW_ALERT_STATE_ACKNOWLEDGED);
  g_assert_null (tw_alert_item_get_ack_silence_id (console));
  g_assert_nonnull (tw_alert_item_get_ack_until (console));
  tw_test_wait_until (g_strcmp0 (tw_window_get_page_badge (x.f.window, "alerts"), "4") == 0, 5000);

  /* Halt trading from the critical alert's details: one click toward safety, every
   * service halted and read back so from the simulator. */
  {
    GtkWidget *halt;
    g_autoptr(GPtrArray) results = NULL;
    guint n_ok = 0;

    g_assert_true (tw_alert_item_get_offers_halt (console));
    g_assert_true (_tw_alerts_page_select (x.page, tw_alert_item_get_key (console)));
    g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (x.f.window), 5000));
    halt = find_button (GTK_WIDGET (x.page), "_Halt Trading");
    g_assert_nonnull (halt);
    g_assert_true (gtk_widget_is_sensitive (halt));
    g_signal_connect (app, "halt-finished", G_CALLBACK (halt_finished_cb), &results);
    g_signal_emit_by_name (halt, "clicked");
    tw_test_wait_until (results != NULL, 20000);
    g_signal_handlers_disconnect_by_func (app, halt_finished_cb, &results);
    /* Halt All's results: the halting services say they halted */
    for (guint i = 0; i < results->len; i++)
      {
        TwActionResult *r = g_ptr_array_index (results, i);

        if (g_str_equal (tw_action_result_get_service_id (r), "investiq")
            || g_str_equal (tw_action_result_get_service_id (r), "ai-trading"))
          {
            g_assert_true (tw_action_result_get_ok (r));
            n_ok++;
          }
      }
    g_assert_cmpuint (n_ok, ==, 2);
    g_assert_true (app_wait_halted (&x.f, "investiq", TRUE, 10000));
    g_assert_true (app_wait_halted (&x.f, "ai-trading", TRUE, 10000));
    app_save_png_light_dark (GTK_WIDGET (x.f.window), "alerts-page-halted");
  }

  fixture_close (&x);
}

/* Many alerts: grouped by name */
static char *
webhook_of (const char *prefix,
            guint       n,
            guint       n_names,
            const char *severity)
{
  GString *out = g_string_new ("{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (out, "%s{\"status\":\"firing\",\"fingerprint\":\"%s%u\","
                            "\"labels\":{\"alertname\":\"%s%u\",\"severity\":\"%s\",\"instance\":\"host-%u\"},"
                            "\"annotations\":{\"summary\":\"%s %u\"}}",
                            i > 0 ? "," : "", prefix, i, prefix, n_names > 0 ? i % n_names : i, severity, i,
                            prefix, i);
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

typedef struct
{
  gboolean done;
  guint    status;
} Post;

static void
posted_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Post *post = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);

  post->status = soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (object), result));
  post->done = TRUE;
}

static void
post_async (SoupSession *session,
            const char  *url,
            const char  *body,
            Post        *post)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, posted_cb, post);
}

static void
count_on_map_cb (GtkWidget *page,
                 guint     *rebuilds_on_map)
{
  *rebuilds_on_map = _tw_alerts_page_get_n_rebuilds (TW_ALERTS_PAGE (page));
}

/* A page not shown does not build its rows with every alert (a large profile raises
 * one every second): its sidebar badge follows the alerts, and the rows are built when
 * the page is shown, before the frame that shows it. */
static void
test_hidden (void)
{
  Fixture x = { 0 };
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *three = webhook_of ("Hidden", 3, 3, "warning");
  g_autofree char *fourth = webhook_of ("Later", 1, 1, "critical");
  guint rebuilds, rebuilds_on_map = 0;
  Post post = { 0 };

  fixture_open (&x, FALSE);
  g_assert_true (tw_window_show_page (x.f.window, "overview"));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (x.f.window), 5000));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (x.page)));
  rebuilds = _tw_alerts_page_get_n_rebuilds (x.page);

  post_async (session, x.receiver_url, three, &post);
  tw_test_wait_until (post.done && g_strcmp0 (tw_window_get_page_badge (x.f.window, "alerts"), "3") == 0, 10000);
  g_assert_cmpuint (post.status, ==, 200);
  post = (Post) { 0 };
  post_async (session, x.receiver_url, fourth, &post);
  tw_test_wait_until (post.done && g_strcmp0 (tw_window_get_page_badge (x.f.window, "alerts"), "4") == 0, 10000);
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (x.f.window), 5000));
  g_assert_cmpuint (_tw_alerts_page_get_n_rebuilds (x.page), ==, rebuilds);

  /* Shown: built once, in its map, so its first frame has the four alerts. */
  g_signal_connect_after (x.page, "map", G_CALLBACK (count_on_map_cb), &rebuilds_on_map);
  g_assert_true (tw_window_show_page (x.f.window, "alerts"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (x.page)));
  g_assert_cmpuint (rebuilds_on_map, ==, rebuilds + 1);
  g_assert_cmpuint (x.page->n_rows, ==, 4);
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (x.f.window), 5000));
  g_signal_handlers_disconnect_by_func (x.page, count_on_map_cb, &rebuilds_on_map);

  fixture_close (&x);
}

/* Outgoing Notify calls, seen by a filter on the bus connection libnotify uses. */
static GMutex notify_lock;
static GHashTable *notify_times;   /* summary → gint64 monotonic µs */
static guint n_notify_calls;

static GDBusMessage *
bus_filter (GDBusConnection *connection,
            GDBusMessage    *message,
            gboolean         incoming,
            gpointer         user_data)
{
  GVariant *body;
  const char *summary = NULL;

  if (incoming || g_dbus_message_get_message_type (message) != G_DBUS_MESSAGE_TYPE_METHOD_CALL
      || g_strcmp0 (g_dbus_message_get_member (message), "Notify") != 0)
    return message;
  body = g_dbus_message_get_body (message);
  if (body != NULL && g_variant_n_children (body) >= 4)
    g_variant_get_child (body, 3, "&s", &summary);
  g_mutex_lock (&notify_lock);
  n_notify_calls++;
  if (summary != NULL)
    g_hash_table_insert (notify_times, g_strdup (summary), g_memdup2 (&(gint64) { g_get_monotonic_time () }, sizeof (gint64)));
  g_mutex_unlock (&notify_lock);
  return message;
}

static gint64
notify_time (const char *summary)
{
  gint64 *time;
  gint64 value = 0;

  g_mutex_lock (&notify_lock);
  time = g_hash_table_lookup (notify_times, summary);
  if (time != NULL)
    value = *time;
  g_mutex_unlock (&notify_lock);
  return value;
}

static guint
notify_calls (void)
{
  guint n;

  g_mutex_lock (&notify_lock);
  n = n_notify_calls;
  g_mutex_unlock (&notify_lock);
  return n;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
test_bench (void)
{
  Fixture x = { 0 };
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(TwStallMeter) meter = NULL;
  g_autofree char *thousand = NULL;
  guint filter_id, calls_before;
  gint64 p50, p99, stall;
  Post post = { 0 };

  if (!tw_test_recorder_available ())
    {
      g_test_skip ("needs the notification recorder: run under build-aux/run test");
      return;
    }
  notify_times = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  filter_id = g_dbus_connection_add_filter (bus, bus_filter, NULL, NULL);
  fixture_open (&x, FALSE);

  /* 200 alerts, one POST each: the path webhook → parse → merge → Notify. The storm
   * limit is lifted to time single notifications. */
  tw_alerts_service_set_storm_limit (x.alerts, 100000);
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"version\":\"4\",\"status\":\"firing\",\"alerts\":["
                                               "{\"status\":\"firing\",\"fingerprint\":\"bench%u\","
                                               "\"labels\":{\"alertname\":\"Bench%03u\",\"severity\":\"warning\"}}]}",
                                               i, i);
      g_autofree char *summary = g_strdup_printf ("Bench%03u (warning)", i);
      gint64 start = g_get_monotonic_time (), latency;

      post = (Post) { 0 };
      post_async (session, x.receiver_url, body, &post);
      tw_test_wait_until (post.done && notify_time (summary) != 0, 5000);
      g_assert_cmpuint (post.status, ==, 200);
      latency = notify_time (summary) - start;
      g_array_append_val (latencies, latency);
    }
  g_array_sort (latencies, compare_gint64);
  p50 = g_array_index (latencies, gint64, 99);
  p99 = g_array_index (latencies, gint64, 197);
  g_test_message ("BENCH webhook POST -> Notify on the bus over 200 alerts: p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                  p50 / 1000.0, p99 / 1000.0, g_array_index (latencies, gint64, 199) / 1000.0);
  /* The goal is 50 ms, a figure for the benchmark table, not for a test: two tests at
   * once on a loaded 2-core machine have put p99 at 268 ms. The test catches what
   * would be structural — a notification waiting for the next poll (1 s and more)
   * rather than sent by the webhook: the median within 250 ms, the slowest within 1 s.
   * A sanitizer build measures itself (TW_TEST_TIMEOUT_SCALE): not checked there. */
  if (tw_test_timing_is_checked ())
    {
      g_assert_cmpint (p50, <=, 250 * 1000);
      g_assert_cmpint (p99, <=, 1000 * 1000);
    }

  /* 1,000 at once, the page shown: a handful of notifications, no long stall */
  tw_alerts_service_set_storm_limit (x.alerts, 0);
  thousand = webhook_of ("Storm", 1000, 40, "critical");
  g_assert_cmpstr (tw_window_get_visible_page (x.f.window), ==, "alerts");
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (x.f.window), 5000));
  calls_before = notify_calls ();
  meter = tw_test_stall_meter_start ();
  post = (Post) { 0 };
  post_async (session, x.receiver_url, thousand, &post);
  tw_test_wait_until (post.done, 10000);
  g_assert_cmpuint (post.status, ==, 200);
  tw_test_wait_until (_tw_alerts_page_get_n_groups (x.page) == 40, 10000);
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (x.f.window), 5000));
  stall = tw_test_stall_meter_get_max (meter);
  g_test_message ("BENCH 1,000 alerts at once: longest main-loop stall %.1f ms (wall %.1f ms), "
                  "%u notifications on the bus",
                  stall / 1000.0, tw_test_stall_meter_get_max_raw (meter) / 1000.0,
                  notify_calls () - calls_before);
  g_assert_cmpuint (notify_calls () - calls_before, <=, 3);
  /* The goal is 16 ms (CPU time of the main thread); twice that for slower machines.
   * Not in a sanitizer build, where it measured 75 ms. */
  if (tw_test_timing_is_checked ())
    g_assert_cmpint (stall, <=, 2 * 16 * 1000);
  g_free (app_save_png (GTK_WIDGET (x.f.window), "alerts-page-storm.png"));

  g_dbus_connection_remove_filter (bus, filter_id);
  fixture_close (&x);
  g_clear_pointer (&notify_times, g_hash_table_unref);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  app = app_fixture_init (&argc, &argv);
  g_test_add_func ("/tw/ui/alerts/page", test_page);
  g_test_add_func ("/tw/ui/alerts/bench", test_bench);
  g_test_add_func ("/tw/ui/alerts/hidden", test_hidden);
  status = g_test_run ();
  g_object_unref (app);
  return status;
}
