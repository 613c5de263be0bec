/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-test-app.h"

static const char * const flavors[] = TW_SIM_FLAVORS;

/* GTK 4.8 warns when a list view's adjustment moves and no row lies where it points:
 * while its model is empty (the trading tables detach theirs while hidden) or before
 * the rows are laid out for a new size (a resize clamps the scroll first). GTK 4.10
 * returns quietly in the first case ("somebody cleared the list but GC hasn't run",
 * gtklistbase.c), and the next layout puts the rows right in the second; nothing is
 * wrong on screen. Seen in test-positions-page on a loaded machine. That one message,
 * from GTK, is not fatal to the UI tests; every other warning still is. */

static GLogWriterOutput
log_writer_cb (GLogLevelFlags   log_level,
               const GLogField *fields,
               gsize            n_fields,
               gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN") && fields[i].length < 0)
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
        message = fields[i].value;
    }
  /* GTK logs through the structured API, whose default writer aborts on a warning in a
   * test: this one is written out and the test goes on. */
  if ((log_level & G_LOG_LEVEL_WARNING) && g_strcmp0 (domain, "Gtk") == 0 && message != NULL
      && g_str_has_suffix (message, "failed to scroll to given position. Ignoring..."))
    return g_log_writer_standard_streams (log_level & ~G_LOG_FLAG_FATAL, fields, n_fields, user_data);
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

TwApplication *
app_fixture_init (int    *argc,
                  char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dirs = g_strdup (g_getenv ("XDG_DATA_DIRS"));
  TwApplication *app;

  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_log_set_writer_func (log_writer_cb, NULL, NULL);
  /* The isolated XDG_DATA_DIRS has neither the icon theme nor the system's schemas. */
  g_setenv ("XDG_DATA_DIRS", data_dirs != NULL ? data_dirs : "/usr/local/share:/usr/share", TRUE);

  app = tw_application_new ();
  /* Never talk to a console the person running the tests has open. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (gtk_icon_theme_has_icon (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                          "emblem-ok-symbolic"));
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  return app;
}

void
app_fixture_open (AppFixture    *f,
                  TwApplication *app,
                  TwMode         mode,
                  guint          interval_ms)
{
  g_autoptr(GError) error = NULL;

  f->app = app;
  f->sim = tw_test_sim_start ();
  f->secrets = tw_secrets_new_memory ();
  f->profile = tw_demo_profile_new (f->sim, f->secrets, &error);
  g_assert_no_error (error);
  if (!f->with_cron_bot)
    g_assert_true (tw_profile_remove_service (f->profile, "cron-bot"));
  tw_profile_set_mode (f->profile, mode);
  tw_application_open_profile (app, f->profile, f->secrets);
  tw_workspace_set_poll_interval (tw_application_get_workspace (app), interval_ms);
  g_assert_nonnull (tw_application_get_action_runner (app));
  g_assert_nonnull (tw_application_get_risk_monitor (app));
  f->window = tw_application_get_window (app);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f->window), 5000));
}

void
app_fixture_close (AppFixture *f)
{
  tw_application_close_profile (f->app);
  g_clear_object (&f->profile);
  g_clear_object (&f->secrets);
  g_clear_pointer (&f->sim, tw_sim_thread_stop);
}

void
app_scenario (AppFixture *f,
              const char *json)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = tw_test_sim_request_full (f->sim, "investiq", "POST", "/_sim/scenario", json, &status);
  if (status != 200)
    g_error ("Scenario %s answered %u", json, status);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (answer), "ok"));
}

guint
app_changing_requests (AppFixture *f,
                       const char *flavor)
{
  g_autoptr(JsonNode) log = tw_test_sim_requests (f->sim);
  JsonArray *array = json_node_get_array (log);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);
      const char *method = json_object_get_string_member (entry, "method");
      const char *path = json_object_get_string_member (entry, "path");

      if (g_str_equal (method, "GET") || g_str_has_prefix (path, "/_sim"))
        continue;
      if (flavor != NULL && g_strcmp0 (json_object_get_string_member (entry, "flavor"), flavor) != 0)
        continue;
      n++;
    }
  return n;
}

void
app_clear_requests (AppFixture *f)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = tw_test_sim_request_full (f->sim, "investiq", "DELETE", "/_sim/requests", NULL, &status);
  g_assert_cmpuint (status / 100, ==, 2);
}

typedef struct
{
  AppFixture *f;
  const char *service_id;
  gboolean    halted;
  gint64      next_refresh;
} HaltWait;

static gboolean
halted_is (gpointer user_data)
{
  HaltWait *wait = user_data;
  TwRiskMonitor *monitor = tw_application_get_risk_monitor (wait->f->app);
  TwTradingState *state = tw_risk_monitor_lookup (monitor, wait->service_id);

  if (state != NULL && tw_trading_state_get_mode (state) != TW_TRADING_UNKNOWN
      && tw_trading_state_is_halted (state) == wait->halted)
    return TRUE;
  /* A service that cannot say its state (AI trading, 001): halted is what this console
   * last did to it successfully. */
  if (state != NULL && !tw_trading_state_get_reported (state))
    {
      const char *last = tw_trading_state_get_last_action (state);
      gboolean halted = g_strcmp0 (last, "trading.halt") == 0 ||
                        g_strcmp0 (last, "trading.emergency_stop") == 0;

      return halted == wait->halted;
    }
  if (g_get_monotonic_time () > wait->next_refresh)
    {
      tw_risk_monitor_refresh (monitor);
      wait->next_refresh = g_get_monotonic_time () + 300 * 1000;
    }
  return FALSE;
}

gboolean
app_wait_halted (AppFixture *f,
                 const char *service_id,
                 gboolean    halted,
                 guint       timeout_ms)
{
  HaltWait wait = { f, service_id, halted, 0 };

  return tw_test_ui_wait_for (halted_is, &wait, timeout_ms);
}

typedef struct
{
  GPtrArray *states;    /* TwTradingState */
  GArray    *answers;   /* guint per state */
  guint      n;
} AnswerWait;

static void
on_state_answered (TwTradingState *state,
                   GParamSpec     *pspec,
                   AnswerWait     *wait)
{
  guint i;

  if (g_ptr_array_find (wait->states, state, &i))
    g_array_index (wait->answers, guint, i)++;
}

static gboolean
all_answered (gpointer user_data)
{
  AnswerWait *wait = user_data;

  for (guint i = 0; i < wait->answers->len; i++)
    if (g_array_index (wait->answers, guint, i) < wait->n)
      return FALSE;
  return TRUE;
}

gboolean
app_wait_answers (AppFixture *f,
                  const char *service_id,
                  guint       n,
                  guint       timeout_ms)
{
  TwRiskMonitor *monitor = tw_application_get_risk_monitor (f->app);
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) answers = g_array_new (FALSE, TRUE, sizeof (guint));
  AnswerWait wait = { states, answers, n };
  gboolean ok;

  if (service_id != NULL)
    {
      TwTradingState *state = tw_risk_monitor_lookup (monitor, service_id);

      g_assert_nonnull (state);
      g_ptr_array_add (states, g_object_ref (state));
    }
  else
    {
      GListModel *all = tw_risk_monitor_get_states (monitor);

      /* A service with nothing to poll for its trading state never answers. */
      for (guint i = 0; i < g_list_model_get_n_items (all); i++)
        {
          g_autoptr(TwTradingState) state = g_list_model_get_item (all, i);

          if (tw_trading_state_get_polled (state))
            g_ptr_array_add (states, g_steal_pointer (&state));
        }
    }
  g_array_set_size (answers, states->len);
  for (guint i = 0; i < states->len; i++)
    g_signal_connect (g_ptr_array_index (states, i), "notify::updated-at",
                      G_CALLBACK (on_state_answered), &wait);
  tw_risk_monitor_refresh (monitor);
  ok = tw_test_ui_wait_for (all_answered, &wait, timeout_ms);
  for (guint i = 0; i < states->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (states, i), &wait);
  return ok;
}

static gboolean
states_known (gpointer user_data)
{
  AppFixture *f = user_data;
  GListModel *states = tw_risk_monitor_get_states (tw_application_get_risk_monitor (f->app));
  guint n = g_list_model_get_n_items (states);

  /* Every flavor of the simulator can trade or has breakers. */
  if (n < G_N_ELEMENTS (flavors) - 1)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwTradingState) state = g_list_model_get_item (states, i);
      g_autoptr(GDateTime) updated = NULL;

      /* AI trading (001) has no call that reads its state back: nothing to poll. */
      if (!tw_trading_state_get_polled (state))
        continue;
      g_object_get (state, "updated-at", &updated, NULL);
      if (updated == NULL)
        return FALSE;
    }
  return TRUE;
}

gboolean
app_wait_states_known (AppFixture *f,
                       guint       timeout_ms)
{
  return tw_test_ui_wait_for (states_known, f, timeout_ms);
}

char *
app_save_png (GtkWidget  *widget,
              const char *name)
{
  g_autofree char *path = NULL;

  g_assert_true (tw_test_ui_wait_frame (widget, 5000));
  path = tw_test_ui_save_png (widget, name);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  return g_steal_pointer (&path);
}

void
app_save_png_light_dark (GtkWidget  *widget,
                         const char *name)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  g_autofree char *light = g_strdup_printf ("%s-light.png", name);
  g_autofree char *dark = g_strdup_printf ("%s-dark.png", name);
  g_autofree char *p1 = NULL;
  g_autofree char *p2 = NULL;

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  p1 = app_save_png (widget, light);
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  p2 = app_save_png (widget, dark);
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
}
