/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "tw-application.h"
#include "tw-demo.h"
#include "tw-overview-page-private.h"
#include "tw-profile-editor.h"
#include "tw-profile-editor-private.h"
#include "tw-service-editor-row-private.h"
#include "tw-service-row-private.h"
#include "tw-test-ui.h"
#include "tw-test-util.h"
#include "tw-test-timing.h"

#define INTERVAL_MS 1000
/* A guard against a frozen window, not the goal (16 ms, issue 17's bench-poll): with the
 * demo's logs followed, its cron bot probed and the service pages' reads, this test's
 * longest stall is 50-130 ms on a 2-core VM (30-48 ms before them), its cause not yet
 * isolated. */
#define MAX_STALL_US (250 * 1000)

static const char * const flavors[] = TW_SIM_FLAVORS;

/* One application for the whole program, as in real life; each test opens its profile. */
static TwApplication *app;

typedef struct
{
  TwSimThread  *sim;
  TwSecrets    *secrets;
  TwProfile    *profile;
  TwWindow     *window;
} Demo;

static void
demo_open (Demo   *demo,
           TwMode  mode)
{
  g_autoptr(GError) error = NULL;

  demo->sim = tw_test_sim_start ();
  demo->secrets = tw_secrets_new_memory ();
  demo->profile = tw_demo_profile_new (demo->sim, demo->secrets, &error);
  g_assert_no_error (error);
  g_assert_nonnull (demo->profile);
  tw_profile_set_mode (demo->profile, mode);

  tw_application_open_profile (app, demo->profile, demo->secrets);
  tw_workspace_set_poll_interval (tw_application_get_workspace (app), INTERVAL_MS);
  demo->window = tw_application_get_window (app);
  gtk_window_present (GTK_WINDOW (demo->window));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (demo->window), 5000));
}

static void
demo_close (Demo *demo)
{
  tw_application_close_profile (app);
  g_assert_null (tw_application_get_workspace (app));
  g_clear_object (&demo->profile);
  g_clear_object (&demo->secrets);
  g_clear_pointer (&demo->sim, tw_sim_thread_stop);
}

static TwServiceRow *
row_of (TwWindow   *window,
        const char *id)
{
  TwServiceRow *row = tw_overview_page_get_row (tw_window_get_overview_page (window), id);

  g_assert_nonnull (row);
  return row;
}

static gboolean
all_rows_ok (gpointer user_data)
{
  TwWindow *window = user_data;

  for (guint i = 0; flavors[i] != NULL; i++)
    {
      TwServiceRow *row = tw_overview_page_get_row (tw_window_get_overview_page (window), flavors[i]);

      if (row == NULL || g_strcmp0 (tw_service_row_get_state_text (row), "OK") != 0)
        return FALSE;
    }
  /* The demo's cron bot too, when there is one: it answers through its commands. */
  {
    TwServiceRow *cron = tw_overview_page_get_row (tw_window_get_overview_page (window), "cron-bot");

    if (cron != NULL && g_strcmp0 (tw_service_row_get_state_text (cron), "OK") != 0)
      return FALSE;
  }
  return TRUE;
}

static void
save_png (GtkWidget    *widget,
          TwStallMeter *meter,
          const char   *name)
{
  g_autofree char *path = NULL;

  /* Rendering the screenshot is the test's work, not the app's. */
  if (meter != NULL)
    tw_test_stall_meter_pause (meter);
  g_assert_true (tw_test_ui_wait_frame (widget, 5000));
  path = tw_test_ui_save_png (widget, name);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  if (meter != NULL)
    tw_test_stall_meter_resume (meter);
}

static guint
count_requests (TwSimThread *sim,
                const char  *flavor)
{
  g_autoptr(JsonNode) log = tw_test_sim_requests (sim);
  JsonArray *array = json_node_get_array (log);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (array, i), "flavor"),
                   flavor) == 0)
      n++;
  return n;
}

typedef struct
{
  TwSimThread  *sim;
  guint         before;
  TwStallMeter *meter;   /* paused while this thread waits for the simulator's answer */
} RequestWait;

static gboolean
more_requests (gpointer user_data)
{
  RequestWait *wait = user_data;
  guint n;

  tw_test_stall_meter_pause (wait->meter);
  n = count_requests (wait->sim, "investiq");
  tw_test_stall_meter_resume (wait->meter);
  return n > wait->before;
}

typedef struct
{
  TwServiceRow *row;
} RowWait;

/* The label of @root's own rows (not its components') that @match accepts and the
 * operator can see, or NULL. */
/* No health poll of the workspace in flight. */
static gboolean
no_poll_in_flight (TwWorkspace *workspace)
{
  for (guint i = 0; flavors[i] != NULL; i++)
    {
      TwPoller *poller = tw_workspace_get_health_poller (workspace, flavors[i]);

      if (poller != NULL && tw_poller_get_in_flight (poller))
        return FALSE;
    }
  return TRUE;
}

/* Waits until @service answered @n more polls. */
static void
wait_polled (TwService *service,
             guint      n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GDateTime) last = NULL;

      if (tw_service_get_last_success (service) != NULL)
        last = g_date_time_ref (tw_service_get_last_success (service));
      tw_test_wait_until (tw_service_get_last_success (service) != NULL
                          && (last == NULL || !g_date_time_equal (tw_service_get_last_success (service), last)),
                          10000);
    }
}

/* A label or an inscription (the rows' latency) shown under @root whose text matches. */
static GtkWidget *
find_shown_label (GtkWidget   *root,
                  gboolean   (*match) (const char *text, gpointer data),
                  gpointer     data)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (!gtk_widget_get_visible (child) || GTK_IS_REVEALER (child))
        continue;
      if (GTK_IS_LABEL (child) && match (gtk_label_get_label (GTK_LABEL (child)), data))
        return child;
      if (GTK_IS_INSCRIPTION (child) && match (gtk_inscription_get_text (GTK_INSCRIPTION (child)), data))
        return child;
      if ((found = find_shown_label (child, match, data)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_latency (const char *text,
            gpointer    data)
{
  return text != NULL && g_str_has_suffix (text, " ms");
}

static gboolean
is_text (const char *text,
         gpointer    data)
{
  return g_strcmp0 (text, data) == 0;
}

static gboolean
row_age_stale (gpointer user_data)
{
  RowWait *wait = user_data;

  return g_str_has_prefix (tw_service_row_get_age_text (wait->row), "stale — last good data ");
}

static gboolean
row_failed (gpointer user_data)
{
  RowWait *wait = user_data;
  const char *state = tw_service_row_get_state_text (wait->row);

  return g_strcmp0 (state, "Error") == 0 || g_strcmp0 (state, "Unreachable") == 0;
}

static gboolean
row_is_ok (gpointer user_data)
{
  RowWait *wait = user_data;

  return g_strcmp0 (tw_service_row_get_state_text (wait->row), "OK") == 0;
}

static void
test_overview (void)
{
  Demo demo = { 0, };
  g_autoptr(TwStallMeter) meter = NULL;
  TwServiceRow *investiq;
  RowWait wait;
  RequestWait requests;
  gint64 t0, elapsed_ms;
  guint n_components;

  demo_open (&demo, TW_MODE_PAPER);
  meter = tw_test_stall_meter_start ();

  g_assert_false (tw_window_is_empty (demo.window));
  g_assert_cmpstr (tw_window_get_badge_text (demo.window), ==, "PAPER");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (demo.window)), ==, "demo — Trade Warden");

  /* Every row shows OK, in words, with its data age. */
  g_assert_true (tw_test_ui_wait_for (all_rows_ok, demo.window, 10 * INTERVAL_MS));
  for (guint i = 0; flavors[i] != NULL; i++)
    {
      TwServiceRow *row = row_of (demo.window, flavors[i]);

      g_assert_cmpstr (tw_service_row_get_state_text (row), ==, "OK");
      g_assert_null (tw_service_row_get_message_text (row));
      g_assert_true (g_str_has_prefix (tw_service_row_get_age_text (row), "updated "));
    }
  g_assert_cmpstr (tw_overview_page_get_summary (tw_window_get_overview_page (demo.window)), ==,
                   "6 of 6 services OK");
  /* The cron bot, which has no API, too: by its commands and files. */
  g_assert_cmpstr (tw_service_row_get_state_text (row_of (demo.window, "cron-bot")), ==, "OK");

  /* Pages through their actions. */
  gtk_widget_activate_action (GTK_WIDGET (demo.window), "win.page", "i", 1);
  g_assert_cmpstr (tw_window_get_visible_page (demo.window), ==, "overview");
  gtk_widget_activate_action (GTK_WIDGET (demo.window), "win.page", "i", 42);   /* no such page */
  g_assert_cmpstr (tw_window_get_visible_page (demo.window), ==, "overview");
  gtk_widget_activate_action (GTK_WIDGET (demo.window), "win.show-page", "s", "overview");
  g_assert_cmpstr (tw_window_get_visible_page (demo.window), ==, "overview");
  g_action_group_activate_action (G_ACTION_GROUP (app), "show-page", g_variant_new_string ("overview"));
  g_assert_cmpstr (tw_window_get_visible_page (demo.window), ==, "overview");

  /* app.refresh polls now, without waiting for the timer. */
  tw_workspace_set_poll_interval (tw_application_get_workspace (app), 60 * 1000);
  /* What was in flight is home: the next request is the refresh's. */
  tw_test_wait_until (no_poll_in_flight (tw_application_get_workspace (app)), 5000);
  requests.sim = demo.sim;
  requests.meter = meter;
  tw_test_stall_meter_pause (meter);
  requests.before = count_requests (demo.sim, "investiq");
  tw_test_stall_meter_resume (meter);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "refresh"));
  g_action_group_activate_action (G_ACTION_GROUP (app), "refresh", NULL);
  g_assert_true (tw_test_ui_wait_for (more_requests, &requests, 3000));
  tw_workspace_set_poll_interval (tw_application_get_workspace (app), INTERVAL_MS);

  /* Expansion shows the components and survives polls: rows are updated in place. */
  investiq = row_of (demo.window, "investiq");
  tw_service_row_set_expanded (investiq, TRUE);
  wait_polled (tw_profile_lookup_service (tw_workspace_get_profile (tw_application_get_workspace (app)),
                                          "investiq"), 2);
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (demo.window), 5000));
  g_assert_true (investiq == row_of (demo.window, "investiq"));
  g_assert_true (tw_service_row_get_expanded (investiq));
  n_components = tw_service_row_get_n_component_rows (investiq);
  g_assert_cmpuint (n_components, ==, 3);

  g_assert_cmpuint (tw_test_ui_assert_icon_buttons_labelled (GTK_WIDGET (demo.window)), >=, 5 + 3);
  save_png (GTK_WIDGET (demo.window), meter, "overview-light.png");

  /* A 503 on one service: that row says so with its message, the others stay OK. */
  tw_test_stall_meter_pause (meter);
  tw_test_sim_fault (demo.sim, "ibkr-assistant", "{\"kind\":\"status\",\"status\":503}");
  tw_test_stall_meter_resume (meter);
  wait.row = row_of (demo.window, "ibkr-assistant");
  t0 = g_get_monotonic_time ();
  g_assert_true (tw_test_ui_wait_for (row_failed, &wait, 2 * INTERVAL_MS + 2000));
  elapsed_ms = (g_get_monotonic_time () - t0) / 1000;
  g_test_message ("the 503 showed after %" G_GINT64_FORMAT " ms", elapsed_ms);
  /* Two intervals, and a little for the retries of the failing request. */
  g_assert_cmpint (elapsed_ms, <=, 2 * INTERVAL_MS + 500);
  g_assert_nonnull (tw_service_row_get_message_text (wait.row));
  g_assert_nonnull (strstr (tw_service_row_get_message_text (wait.row), "503"));
  g_assert_null (find_shown_label (GTK_WIDGET (wait.row), is_latency, NULL));
  g_assert_null (strstr (tw_service_row_get_age_text (wait.row), "just now"));
  for (guint i = 0; flavors[i] != NULL; i++)
    if (!g_str_equal (flavors[i], "ibkr-assistant"))
      g_assert_cmpstr (tw_service_row_get_state_text (row_of (demo.window, flavors[i])), ==, "OK");
  g_assert_true (g_str_has_suffix (tw_overview_page_get_summary (tw_window_get_overview_page (demo.window)),
                                   "5 of 6 OK"));
  g_assert_true (tw_service_row_get_expanded (investiq));

  save_png (GTK_WIDGET (demo.window), meter, "overview-fault-light.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  save_png (GTK_WIDGET (demo.window), meter, "overview-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* Cleared, and refreshed (which resets the backoff): OK again. */
  tw_test_stall_meter_pause (meter);
  tw_test_sim_clear_faults (demo.sim);
  tw_test_stall_meter_resume (meter);
  g_action_group_activate_action (G_ACTION_GROUP (app), "refresh", NULL);
  g_assert_true (tw_test_ui_wait_for (row_is_ok, &wait, 3 * INTERVAL_MS));
  g_assert_null (tw_service_row_get_message_text (wait.row));

  g_test_message ("largest main-loop stall: %" G_GINT64_FORMAT " µs (%" G_GINT64_FORMAT
                  " µs of wall clock, waits included)",
                  tw_test_stall_meter_get_max (meter), tw_test_stall_meter_get_max_raw (meter));
  if (tw_test_timing_is_checked ())
    g_assert_cmpint (tw_test_stall_meter_get_max (meter), <, MAX_STALL_US);

  demo_close (&demo);
  g_assert_true (tw_window_is_empty (demo.window));
}

typedef struct
{
  GtkWidget *row;
  int        height;
} HeightWait;

static gboolean
row_height_is (gpointer user_data)
{
  HeightWait *wait = user_data;

  return gtk_widget_get_height (wait->row) == wait->height;
}

static gboolean
row_taller_than (gpointer user_data)
{
  HeightWait *wait = user_data;

  return gtk_widget_get_height (wait->row) > wait->height;
}

/* A collapsed row is as tall as its line and no more: its closed components took their
 * height as an empty band under every row. */
static void
test_rows_compact (void)
{
  Demo demo = { 0, };
  GtkWidget *row;
  GtkWidget *line;
  HeightWait wait;
  int collapsed;

  demo_open (&demo, TW_MODE_PAPER);
  gtk_window_set_default_size (GTK_WINDOW (demo.window), 1100, 700);
  g_assert_true (tw_test_ui_wait_for (all_rows_ok, demo.window, 10 * INTERVAL_MS));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (demo.window), 5000));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (demo.window), 5000));
  for (guint i = 0; flavors[i] != NULL; i++)
    {
      int line_height;

      row = GTK_WIDGET (row_of (demo.window, flavors[i]));
      g_assert_false (tw_service_row_get_expanded (TW_SERVICE_ROW (row)));
      /* The row's box, then its first line: the icon, the name, the state. */
      line = gtk_widget_get_first_child (gtk_widget_get_first_child (row));
      line_height = gtk_widget_get_height (line) + gtk_widget_get_margin_top (line)
                    + gtk_widget_get_margin_bottom (line);
      g_test_message ("%s: row %d px, its line %d px", flavors[i], gtk_widget_get_height (row), line_height);
      g_assert_cmpint (gtk_widget_get_height (row), ==, line_height);
    }
  save_png (GTK_WIDGET (demo.window), NULL, "overview-compact-light.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  save_png (GTK_WIDGET (demo.window), NULL, "overview-compact-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* Opened, the components take their room; closed again, the row is as it was. */
  row = GTK_WIDGET (row_of (demo.window, "investiq"));
  collapsed = gtk_widget_get_height (row);
  tw_service_row_set_expanded (TW_SERVICE_ROW (row), TRUE);
  wait = (HeightWait) { row, collapsed };
  g_assert_true (tw_test_ui_wait_for (row_taller_than, &wait, 5000));
  tw_service_row_set_expanded (TW_SERVICE_ROW (row), FALSE);
  g_assert_true (tw_test_ui_wait_for (row_height_is, &wait, 5000));

  demo_close (&demo);
}

static gboolean
row_unreachable (gpointer user_data)
{
  RowWait *wait = user_data;

  return g_strcmp0 (tw_service_row_get_state_text (wait->row), "Unreachable") == 0;
}

/* A dropped connection (no answer at all) on one service: its row says Unreachable, with
 * what to check, within two intervals; the others stay OK. */
static void
test_unreachable (void)
{
  Demo demo = { 0, };
  RowWait wait;
  gint64 t0, elapsed_ms;
  const char *message;
  const char *age;
  GtkWidget *age_label;

  demo_open (&demo, TW_MODE_PAPER);
  g_assert_true (tw_test_ui_wait_for (all_rows_ok, demo.window, 10 * INTERVAL_MS));

  tw_test_sim_fault (demo.sim, "ai-trading", "{\"path\":\"*\",\"kind\":\"drop\"}");
  wait.row = row_of (demo.window, "ai-trading");
  t0 = g_get_monotonic_time ();
  g_assert_true (tw_test_ui_wait_for (row_unreachable, &wait, 2 * INTERVAL_MS + 3000));
  elapsed_ms = (g_get_monotonic_time () - t0) / 1000;
  message = tw_service_row_get_message_text (wait.row);
  g_test_message ("Unreachable after %" G_GINT64_FORMAT " ms: %s", elapsed_ms, message);
  /* Two intervals, and a little for the retries of a GET that got no answer. */
  g_assert_cmpint (elapsed_ms, <=, 2 * INTERVAL_MS + 1500);
  g_assert_cmpstr (tw_service_row_get_state_text (wait.row), ==, "Unreachable");
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "Cannot reach AI trading at http://127.0.0.1:"));
  g_assert_nonnull (strstr (message, "the connection was closed before any answer"));
  g_assert_nonnull (strstr (message, "Is the service running and the base URL right?"));
  for (guint i = 0; flavors[i] != NULL; i++)
    if (!g_str_equal (flavors[i], "ai-trading"))
      g_assert_cmpstr (tw_service_row_get_state_text (row_of (demo.window, flavors[i])), ==, "OK");
  g_assert_true (g_str_has_suffix (tw_overview_page_get_summary (tw_window_get_overview_page (demo.window)),
                                   "5 of 6 OK"));

  /* No latency (the last good answer's "< 1 ms" is not this one's), and the age is that
   * of the last good data, never "updated just now". */
  g_assert_null (find_shown_label (GTK_WIDGET (wait.row), is_latency, NULL));
  age = tw_service_row_get_age_text (wait.row);
  g_test_message ("age of the unreachable row: %s", age);
  g_assert_null (strstr (age, "just now"));
  g_assert_true (g_str_has_prefix (age, "last good data ") ||
                 g_str_has_prefix (age, "stale — last good data "));
  g_assert_nonnull (find_shown_label (GTK_WIDGET (row_of (demo.window, "investiq")),
                                      is_latency, NULL));
  save_png (GTK_WIDGET (demo.window), NULL, "overview-unreachable-light.png");

  /* Older than three intervals: stale, in words and in the warning colour. */
  g_assert_true (tw_test_ui_wait_for (row_age_stale, &wait, 6 * INTERVAL_MS + 5000));
  age_label = find_shown_label (GTK_WIDGET (wait.row), is_text,
                                (gpointer) tw_service_row_get_age_text (wait.row));
  g_assert_nonnull (age_label);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (age_label), "warning"));
  g_assert_null (find_shown_label (GTK_WIDGET (wait.row), is_latency, NULL));
  g_assert_cmpstr (tw_service_row_get_state_text (wait.row), ==, "Unreachable");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  save_png (GTK_WIDGET (demo.window), NULL, "overview-unreachable-stale-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* Back: OK again after a refresh, with its latency and a fresh age. */
  tw_test_sim_clear_faults (demo.sim);
  g_action_group_activate_action (G_ACTION_GROUP (app), "refresh", NULL);
  g_assert_true (tw_test_ui_wait_for (row_is_ok, &wait, 3 * INTERVAL_MS));
  g_assert_null (tw_service_row_get_message_text (wait.row));
  g_assert_nonnull (find_shown_label (GTK_WIDGET (wait.row), is_latency, NULL));
  g_assert_cmpstr (tw_service_row_get_age_text (wait.row), ==, "updated just now");

  demo_close (&demo);
}

static gboolean
row_in_error (gpointer user_data)
{
  RowWait *wait = user_data;

  return g_strcmp0 (tw_service_row_get_state_text (wait->row), "Error") == 0;
}

/* A 200 whose health body cannot be mapped: the poller has its answer (it is not
 * stale for the poller), but the service has no good data since. Its row says
 * Error with the mapper's reason, shows no latency, gives the age of the last
 * good data, and marks it stale after three intervals all the same. */
static void
test_unusable_answer (void)
{
  Demo demo = { 0, };
  RowWait wait;
  const char *age;
  GtkWidget *age_label;

  demo_open (&demo, TW_MODE_PAPER);
  g_assert_true (tw_test_ui_wait_for (all_rows_ok, demo.window, 10 * INTERVAL_MS));

  /* {"status": "healthy", "dependencies": "none"}: a word where a list belongs. */
  tw_test_sim_fault (demo.sim, "investiq",
                     "{\"path\":\"/health\",\"kind\":\"status\",\"status\":200,\"body\":"
                     "\"{\\\"status\\\":\\\"healthy\\\",\\\"dependencies\\\":\\\"none\\\"}\"}");
  wait.row = row_of (demo.window, "investiq");
  g_assert_true (tw_test_ui_wait_for (row_in_error, &wait, 2 * INTERVAL_MS + 3000));
  g_test_message ("unusable answer: %s", tw_service_row_get_message_text (wait.row));
  g_assert_nonnull (tw_service_row_get_message_text (wait.row));
  g_assert_nonnull (strstr (tw_service_row_get_message_text (wait.row), "components"));
  g_assert_null (find_shown_label (GTK_WIDGET (wait.row), is_latency, NULL));
  age = tw_service_row_get_age_text (wait.row);
  g_assert_null (strstr (age, "just now"));
  g_assert_true (g_str_has_prefix (age, "last good data ") ||
                 g_str_has_prefix (age, "stale — last good data "));

  /* The poller keeps getting answers, so only the row's own reckoning marks it stale. */
  g_assert_true (tw_test_ui_wait_for (row_age_stale, &wait, 6 * INTERVAL_MS + 5000));
  g_assert_false (tw_service_get_stale (tw_service_row_get_service (wait.row)));
  age_label = find_shown_label (GTK_WIDGET (wait.row), is_text,
                                (gpointer) tw_service_row_get_age_text (wait.row));
  g_assert_nonnull (age_label);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (age_label), "warning"));

  tw_test_sim_clear_faults (demo.sim);
  g_action_group_activate_action (G_ACTION_GROUP (app), "refresh", NULL);
  g_assert_true (tw_test_ui_wait_for (row_is_ok, &wait, 3 * INTERVAL_MS));
  g_assert_cmpstr (tw_service_row_get_age_text (wait.row), ==, "updated just now");
  g_assert_nonnull (find_shown_label (GTK_WIDGET (wait.row), is_latency, NULL));

  demo_close (&demo);
}

static gboolean
row_degraded (gpointer user_data)
{
  RowWait *wait = user_data;

  return g_strcmp0 (tw_service_row_get_state_text (wait->row), "Degraded") == 0;
}

/* A health check that answers "ok" after longer than the service's threshold is
 * degraded, in the warning colour, with why — never a green "OK 900 ms". */
static void
test_slow_health (void)
{
  Demo demo = { 0, };
  RowWait wait;
  TwService *service;
  GtkWidget *latency;

  demo_open (&demo, TW_MODE_PAPER);
  g_assert_true (tw_test_ui_wait_for (all_rows_ok, demo.window, 10 * INTERVAL_MS));
  service = tw_profile_lookup_service (tw_workspace_get_profile (tw_application_get_workspace (app)),
                                       "investiq");
  g_assert_cmpuint (tw_service_get_slow_ms (service), ==, 2000);
  tw_service_set_slow_ms (service, 400);

  tw_test_sim_fault (demo.sim, "investiq", "{\"path\":\"/health\",\"kind\":\"latency\",\"latency_ms\":900}");
  wait.row = row_of (demo.window, "investiq");
  g_assert_true (tw_test_ui_wait_for (row_degraded, &wait, 4 * INTERVAL_MS + 3000));
  g_test_message ("slow: %s", tw_service_row_get_message_text (wait.row));
  g_assert_true (tw_service_is_slow (service));
  g_assert_cmpfloat (tw_service_get_latency_ms (service), >, 400);
  g_assert_nonnull (tw_service_row_get_message_text (wait.row));
  g_assert_nonnull (strstr (tw_service_row_get_message_text (wait.row), "more than the 400 ms"));
  latency = find_shown_label (GTK_WIDGET (wait.row), is_latency, NULL);
  g_assert_nonnull (latency);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (latency), "warning"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (latency), "success"));
  g_assert_nonnull (strstr (tw_overview_page_get_summary (tw_window_get_overview_page (demo.window)),
                            "1 service degraded"));
  save_png (GTK_WIDGET (demo.window), NULL, "overview-slow-light.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  save_png (GTK_WIDGET (demo.window), NULL, "overview-slow-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* Fast again: OK. */
  tw_test_sim_clear_faults (demo.sim);
  g_assert_true (tw_test_ui_wait_for (row_is_ok, &wait, 4 * INTERVAL_MS));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (find_shown_label (GTK_WIDGET (wait.row), is_latency, NULL)),
                                            "warning"));
  demo_close (&demo);
}

static void
test_live (void)
{
  Demo demo = { 0, };

  demo_open (&demo, TW_MODE_LIVE);

  g_assert_cmpstr (tw_window_get_badge_text (demo.window), ==, "LIVE");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (demo.window)), ==, "LIVE — demo — Trade Warden");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (demo.window), "tw-live"));
  g_assert_true (tw_test_ui_wait_for (all_rows_ok, demo.window, 10 * INTERVAL_MS));
  save_png (GTK_WIDGET (demo.window), NULL, "overview-live.png");

  /* Back to paper: the badge follows the profile. */
  tw_profile_set_mode (demo.profile, TW_MODE_PAPER);
  g_assert_cmpstr (tw_window_get_badge_text (demo.window), ==, "PAPER");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (demo.window), "tw-live"));

  demo_close (&demo);
}

static void
test_no_profile (void)
{
  TwWindow *window;

  tw_application_close_profile (app);
  window = tw_application_get_window (app);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (window), 5000));

  g_assert_true (tw_window_is_empty (window));
  g_assert_null (tw_window_get_badge_text (window));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Trade Warden");
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "refresh"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "edit-profile"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "demo"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "import-env"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "new-profile"));
  tw_test_ui_assert_icon_buttons_labelled (GTK_WIDGET (window));

  save_png (GTK_WIDGET (window), NULL, "no-profile.png");
}

static void
saved_cb (TwProfileEditor  *editor,
          TwProfile        *profile,
          TwProfile       **out)
{
  *out = g_object_ref (profile);
}

static gboolean
is_set (gpointer user_data)
{
  return *(gpointer *) user_data != NULL;
}

static void
collect_editor_rows (GtkWidget *widget,
                     GPtrArray *rows)
{
  if (TW_IS_SERVICE_EDITOR_ROW (widget))
    {
      g_ptr_array_add (rows, widget);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_editor_rows (child, rows);
}

/* The editor's row titled @title (an AdwActionRow), or NULL. */
static GtkWidget *
find_action_row (GtkWidget  *root,
                 const char *title)
{
  if (ADW_IS_ACTION_ROW (root) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
host_commands_on (GtkWidget *editor)
{
  GtkWidget *row = find_action_row (editor, "Run Commands on the Host");

  g_assert_nonnull (row);
  return gtk_switch_get_active (GTK_SWITCH (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row))));
}

static void
test_profile_editor (void)
{
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwProfile) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *stored = NULL;
  TwProfileEditor *editor;
  TwServiceEditorRow *row;
  TwWindow *window = tw_application_get_window (app);

  editor = tw_profile_editor_new (GTK_WINDOW (window), tw_application_get_registry (app), secrets, NULL);
  g_signal_connect (editor, "saved", G_CALLBACK (saved_cb), &saved);
  gtk_window_present (GTK_WINDOW (editor));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (editor), 5000));

  /* Nothing filled in: Save explains what is missing, inline. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  g_assert_nonnull (tw_profile_editor_get_problems (editor));
  g_assert_nonnull (strstr (tw_profile_editor_get_problems (editor), "name"));

  tw_profile_editor_set_profile_name (editor, "desk-paper");
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-service", NULL);
  row = tw_profile_editor_add_service (editor);
  g_assert_true (tw_service_editor_row_set_connector_id (row, "investiq"));
  /* Prefilled from the connector. */
  g_assert_cmpstr (tw_service_editor_row_get_service_id (row), ==, "investiq");
  g_assert_cmpstr (tw_service_editor_row_get_base_url (row), !=, "");
  tw_service_editor_row_set_base_url (row, "http://127.0.0.1:3000");

  /* Still invalid: the first service row has no connector, this one no API key. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  g_assert_nonnull (tw_profile_editor_get_problems (editor));
  g_assert_cmpuint (tw_test_ui_assert_icon_buttons_labelled (GTK_WIDGET (editor)), >=, 2);
  save_png (GTK_WIDGET (editor), NULL, "profile-editor.png");

  /* Fix it: remove the empty row (as its trash button does), give the key. */
  {
    g_autoptr(GPtrArray) rows = g_ptr_array_new ();

    collect_editor_rows (GTK_WIDGET (editor), rows);
    g_assert_cmpuint (rows->len, ==, 2);
    for (guint i = 0; i < rows->len; i++)
      if (g_ptr_array_index (rows, i) != (gpointer) row)
        g_signal_emit_by_name (g_ptr_array_index (rows, i), "remove");
    g_ptr_array_set_size (rows, 0);
    collect_editor_rows (GTK_WIDGET (editor), rows);
    g_assert_cmpuint (rows->len, ==, 1);
  }
  g_assert_true (tw_service_editor_row_set_secret (row, "api_key", "k-secret-123"));
  /* The ML service's own address (MlServiceUrl=), a field of its own: refused when it
   * is no address, like the base URL */
  g_assert_true (tw_service_editor_row_set_endpoint_url (row, "MlServiceUrl", "ml-host:8004"));
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  g_assert_nonnull (tw_profile_editor_get_problems (editor));
  g_assert_nonnull (strstr (tw_profile_editor_get_problems (editor), "ML service address"));
  g_assert_true (tw_service_editor_row_set_endpoint_url (row, "MlServiceUrl", "http://10.0.0.7:8004"));
  /* Host commands: off until the operator turns them on, as activating the row does. */
  g_assert_false (host_commands_on (GTK_WIDGET (editor)));
  adw_action_row_activate (ADW_ACTION_ROW (find_action_row (GTK_WIDGET (editor), "Run Commands on the Host")));
  g_assert_true (host_commands_on (GTK_WIDGET (editor)));

  g_object_ref (editor);
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  g_assert_null (tw_profile_editor_get_problems (editor));
  g_assert_true (tw_test_ui_wait_for (is_set, &saved, 5000));
  g_object_unref (editor);
  g_assert_cmpstr (tw_profile_get_name (saved), ==, "desk-paper");
  g_assert_cmpuint (g_list_model_get_n_items (tw_profile_get_services (saved)), ==, 1);

  /* Written where profiles live, without the secret; the secret in TwSecrets. */
  dir = tw_profile_get_dir ();
  path = g_build_filename (dir, "desk-paper.conf", NULL);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (strstr (contents, "k-secret-123"));
  g_assert_nonnull (strstr (contents, "\nHostCommands=true\n"));
  g_assert_nonnull (strstr (contents, "\nMlServiceUrl=http://10.0.0.7:8004\n"));
  g_assert_cmpstr (tw_service_get_setting (tw_profile_lookup_service (saved, "investiq"), "MlServiceUrl"), ==,
                   "http://10.0.0.7:8004");
  g_assert_true (tw_profile_get_host_commands (saved));
  /* Editing it again shows the switch on. */
  editor = tw_profile_editor_new (GTK_WINDOW (window), tw_application_get_registry (app), secrets, saved);
  g_assert_true (host_commands_on (GTK_WIDGET (editor)));
  /* ... and the ML service's address as saved */
  {
    g_autoptr(GPtrArray) rows = g_ptr_array_new ();

    collect_editor_rows (GTK_WIDGET (editor), rows);
    g_assert_cmpuint (rows->len, ==, 1);
    g_assert_cmpstr (tw_service_editor_row_get_endpoint_url (g_ptr_array_index (rows, 0), "MlServiceUrl"), ==,
                     "http://10.0.0.7:8004");
  }
  gtk_window_destroy (GTK_WINDOW (editor));
  stored = tw_secrets_lookup_sync (secrets, "desk-paper", "investiq", "api_key", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, "k-secret-123");
}

/* A sidebar badge's changes show with the next whole second, the one the Overview's
 * tick draws in (each change is a frame of the whole window); one that turns up or
 * turns critical shows at once. */
static void
test_page_badge (void)
{
  TwWindow *window = tw_application_get_window (app);
  gint64 shown;

  tw_window_set_page_badge (window, "logs", "1", "warning", "1 thing");
  g_assert_cmpstr (tw_window_get_page_badge (window, "logs"), ==, "1");

  tw_window_set_page_badge (window, "logs", "2", "warning", "2 things");
  tw_window_set_page_badge (window, "logs", "3", "warning", "3 things");
  g_assert_cmpstr (tw_window_get_page_badge (window, "logs"), ==, "1");
  tw_test_wait_until (g_strcmp0 (tw_window_get_page_badge (window, "logs"), "3") == 0, 5000);

  /* Critical: at once. */
  tw_window_set_page_badge (window, "logs", "4", "error", "4 things");
  g_assert_cmpstr (tw_window_get_page_badge (window, "logs"), ==, "4");
  shown = g_get_monotonic_time ();

  /* Even after a quiet second: with the next whole second, not in a frame of its own. */
  tw_test_wait_until (g_get_monotonic_time () - shown > G_USEC_PER_SEC, 5000);
  tw_window_set_page_badge (window, "logs", "5", "warning", "5 things");
  g_assert_cmpstr (tw_window_get_page_badge (window, "logs"), ==, "4");
  tw_test_wait_until (g_strcmp0 (tw_window_get_page_badge (window, "logs"), "5") == 0, 5000);

  /* Gone: with the next whole second. */
  tw_window_set_page_badge (window, "logs", NULL, NULL, NULL);
  g_assert_cmpstr (tw_window_get_page_badge (window, "logs"), ==, "5");
  tw_test_wait_until (tw_window_get_page_badge (window, "logs") == NULL, 5000);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dirs = g_strdup (g_getenv ("XDG_DATA_DIRS"));
  GtkIconTheme *icon_theme;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* The isolated XDG_DATA_DIRS has neither the icon theme nor the system's schemas:
   * the window is drawn with the system's (read-only) ones. User dirs stay isolated. */
  g_setenv ("XDG_DATA_DIRS", data_dirs != NULL ? data_dirs : "/usr/local/share:/usr/share", TRUE);

  app = tw_application_new ();
  /* Never talk to a console the person running the tests has open. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  /* Load the icon theme now, while the system data dirs are visible. */
  icon_theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  g_assert_true (gtk_icon_theme_has_icon (icon_theme, "emblem-ok-symbolic"));
  /* Screenshots show settled widgets, not a frame of an animation. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/tw/ui/window/overview", test_overview);
  g_test_add_func ("/tw/ui/window/rows-compact", test_rows_compact);
  g_test_add_func ("/tw/ui/window/unreachable", test_unreachable);
  g_test_add_func ("/tw/ui/window/unusable-answer", test_unusable_answer);
  g_test_add_func ("/tw/ui/window/slow-health", test_slow_health);
  g_test_add_func ("/tw/ui/window/live", test_live);
  g_test_add_func ("/tw/ui/window/no-profile", test_no_profile);
  g_test_add_func ("/tw/ui/window/profile-editor", test_profile_editor);
  g_test_add_func ("/tw/ui/window/page-badge", test_page_badge);

  status = g_test_run ();

  tw_application_close_profile (app);
  g_clear_object (&app);
  return status;
}
