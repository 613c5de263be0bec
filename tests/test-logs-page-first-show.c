/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Logs page's first showing in the console (a program of its own: its window must
 * not have shown the page yet): built hidden after the window's first frame, the logs
 * read, then shown — its first frame paints the newest line. */
#include "config.h"

#include "tw-logs-page-private.h"
#include "tw-log-row.h"
#include "tw-test-app.h"

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

static gboolean
at_bottom (TwLogsPage *page)
{
  GtkListView *list = _tw_logs_page_get_list_view (page);
  GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));

  /* Many rows: the list is taller than its view. */
  return gtk_adjustment_get_upper (adj) > 2 * gtk_adjustment_get_page_size (adj)
         && gtk_adjustment_get_value (adj) >= gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 2;
}

/* The first frame painted after the page was mapped: whether the rows in view include
 * the view's last line (the newest), and which rows were in view. */
typedef struct
{
  TwLogsPage *page;
  gboolean    painted;
  gboolean    newest_in_view;
  guint       n_in_view;
  guint       n_rows;
  char       *first_in_view;
  char       *last_in_view;
  char       *newest;
} FirstFrame;

static void
first_frame_cb (GdkFrameClock *clock,
                FirstFrame    *ff)
{
  GtkWidget *list = GTK_WIDGET (_tw_logs_page_get_list_view (ff->page));
  GListModel *model = G_LIST_MODEL (_tw_logs_page_get_view (ff->page));
  guint n = g_list_model_get_n_items (model);
  g_autoptr(TwLogLine) last = n > 0 ? g_list_model_get_item (model, n - 1) : NULL;

  if (ff->painted || !gtk_widget_get_mapped (GTK_WIDGET (ff->page)))
    return;
  ff->painted = TRUE;
  ff->n_rows = n;
  ff->newest = last != NULL ? g_strdup_printf ("%s: %s", tw_log_line_get_source_id (last), tw_log_line_get_text (last)) : NULL;
  for (GtkWidget *item = gtk_widget_get_first_child (list); item != NULL; item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = gtk_widget_get_first_child (item);
      TwLogLine *line = row != NULL && TW_IS_LOG_ROW (row) ? tw_log_row_get_line (TW_LOG_ROW (row)) : NULL;
      graphene_rect_t bounds;

      if (line == NULL || !gtk_widget_get_mapped (item) || !gtk_widget_compute_bounds (item, list, &bounds)
          || bounds.origin.y < -0.5 || bounds.origin.y + bounds.size.height > gtk_widget_get_height (list) + 0.5)
        continue;
      ff->n_in_view++;
      if (ff->first_in_view == NULL)
        ff->first_in_view = g_strdup (tw_log_line_get_text (line));
      g_free (ff->last_in_view);
      ff->last_in_view = g_strdup_printf ("%s: %s", tw_log_line_get_source_id (line), tw_log_line_get_text (line));
      if (last != NULL && g_strcmp0 (tw_log_line_get_text (line), tw_log_line_get_text (last)) == 0
          && g_strcmp0 (tw_log_line_get_source_id (line), tw_log_line_get_source_id (last)) == 0)
        ff->newest_in_view = TRUE;
    }
}

static gboolean
logs_read (TwLogs *logs)
{
  GListModel *sources = tw_logs_get_sources (logs);

  for (guint i = 0; i < g_list_model_get_n_items (sources); i++)
    {
      g_autoptr(TwLogSource) source = g_list_model_get_item (sources, i);

      if (tw_log_source_get_n_lines (source) == 0 || tw_log_source_get_indexing (source))
        return FALSE;
    }
  return g_list_model_get_n_items (sources) > 0;
}

/* The console's first showing of the page: pages are built hidden right after the
 * window's first frame and read the demo's log files (thousands of lines) before the
 * operator opens them; the first frame painted then already shows the newest line. */
static void
test_logs_page_first_show (void)
{
  g_autoptr(GError) error = NULL;
  AppFixture f = { 0, };
  FirstFrame ff = { 0, };
  TwLogsPage *page = NULL;
  TwLogView *view;
  GdkFrameClock *clock;
  gulong handler;

  f.app = app;
  f.sim = tw_test_sim_start ();
  f.secrets = tw_secrets_new_memory ();
  f.profile = tw_demo_profile_new (f.sim, f.secrets, &error);
  g_assert_no_error (error);
  /* The demo's log files (Loki's history comes in pages, each merged as it comes, and
   * may still be coming when the page is shown: not what is checked here). */
  {
    GPtrArray *logs = tw_profile_get_logs (f.profile);

    for (guint i = logs->len; i > 0; i--)
      if (g_strcmp0 (((TwLogConfig *) g_ptr_array_index (logs, i - 1))->id, "ai-trading") == 0)
        g_ptr_array_remove_index (logs, i - 1);
    g_assert_cmpuint (logs->len, ==, 3);
  }
  tw_application_open_profile (app, f.profile, f.secrets);
  f.window = tw_application_get_window (app);
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1200, 760);
  gtk_window_present (GTK_WINDOW (f.window));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (f.window), 5000));
  tw_test_wait_until ((page = TW_LOGS_PAGE (find_widget (GTK_WIDGET (f.window), TW_TYPE_LOGS_PAGE))) != NULL, 5000);
  g_assert_nonnull (page);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (page)));
  view = _tw_logs_page_get_view (page);
  /* Every log read and merged. */
  tw_test_wait_until (logs_read (tw_session_get_logs (tw_window_get_session (f.window))), 10000);
  tw_test_wait_until (!tw_log_view_get_filtering (view) && tw_log_view_get_n_matches (view) > 1000, 10000);
  g_assert_cmpuint (tw_log_view_get_n_matches (view), >, 1000);

  ff.page = page;
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (f.window));
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (first_frame_cb), &ff);
  g_assert_true (tw_window_show_page (f.window, "logs"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (page)));
  tw_test_wait_until (ff.painted, 5000);
  g_signal_handler_disconnect (clock, handler);
  g_test_message ("first frame: %u rows in view of %u, the first: %s; the last: %s; the newest: %s",
                  ff.n_in_view, ff.n_rows, ff.first_in_view, ff.last_in_view, ff.newest);
  g_assert_true (ff.painted);
  g_assert_cmpuint (ff.n_in_view, >, 10);
  g_assert_true (ff.newest_in_view);
  g_free (ff.first_in_view);
  g_free (ff.last_in_view);
  g_free (ff.newest);

  /* Then every row, still following at the bottom. */
  tw_test_wait_until (tw_log_view_get_n_held (view) == 0 && at_bottom (page), 10000);
  g_assert_cmpuint (tw_log_view_get_n_held (view), ==, 0);
  g_assert_true (_tw_logs_page_get_follow (page));
  g_assert_true (at_bottom (page));

  app_fixture_close (&f);
}

int
main (int argc, char **argv)
{
  int status;

  app = app_fixture_init (&argc, &argv);
  g_test_add_func ("/tw/ui/logs-page/first-show", test_logs_page_first_show);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
