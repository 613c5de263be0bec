/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Overview's rows out of view hold their changes (issue 17): a row scrolled into
 * view shows what it held in the first frame that shows it. Its fonts warmed before a
 * profile opens: in idle steps, and the first frame after draws the current values. */
#include "config.h"

#include <adwaita.h>

#include "tw-application.h"
#include "tw-connector-registry.h"
#include "tw-error.h"
#include "tw-http.h"
#include "tw-overview-page.h"
#include "tw-overview-page-private.h"
#include "tw-profile.h"
#include "tw-secrets.h"
#include "tw-service-row-private.h"
#include "tw-test-app.h"
#include "tw-test-ui.h"
#include "tw-workspace.h"

#define N_SERVICES 60

static TwApplication *app;

typedef struct {
  TwOverviewPage *page;
  GtkWidget      *viewport;
  const char     *id;
  gboolean        seen;        /* a frame was painted with the row in view */
  char           *seen_state;  /* the state word that frame drew */
  gboolean        seen_held;
} Watch;

static gboolean
row_shown (TwServiceRow *row,
           GtkWidget    *viewport)
{
  graphene_rect_t bounds;

  if (row == NULL || !gtk_widget_get_mapped (GTK_WIDGET (row)) ||
      !gtk_widget_compute_bounds (GTK_WIDGET (row), viewport, &bounds) ||
      bounds.size.height <= 0)
    return FALSE;
  return bounds.origin.y + bounds.size.height > 0 &&
         bounds.origin.y < gtk_widget_get_height (viewport);
}

/* After each painted frame: the first one with the row in view, and what it drew. */
static void
after_paint_cb (GdkFrameClock *clock,
                Watch         *watch)
{
  TwServiceRow *row = tw_overview_page_get_row (watch->page, watch->id);

  if (watch->seen || !row_shown (row, watch->viewport))
    return;
  watch->seen = TRUE;
  watch->seen_state = g_strdup (_tw_service_row_peek_state_text (row));
  watch->seen_held = _tw_service_row_get_held (row);
}

static gboolean
seen (gpointer user_data)
{
  return ((Watch *) user_data)->seen;
}

static gboolean
all_rows_bound (gpointer user_data)
{
  TwOverviewPage *page = user_data;
  g_autofree char *id = g_strdup_printf ("svc-%02u", N_SERVICES - 1);

  return tw_overview_page_get_row (page, id) != NULL;
}

static gboolean
row_held (gpointer user_data)
{
  Watch *watch = user_data;
  TwServiceRow *row = tw_overview_page_get_row (watch->page, watch->id);

  return row != NULL && _tw_service_row_get_held (row);
}

/* N_SERVICES services that are never polled: the tests set their answers. */
static void
add_services (TwProfile *profile)
{
  for (guint i = 0; i < N_SERVICES; i++)
    {
      g_autofree char *sid = g_strdup_printf ("svc-%02u", i);
      g_autofree char *name = g_strdup_printf ("Service %u", i);
      g_autoptr(TwService) s = tw_service_new (sid, "generic", "http://127.0.0.1:9");

      tw_service_set_name (s, name);
      tw_profile_add_service (profile, s);
    }
}

static void
test_scrolled_into_view (void)
{
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwProfile) profile = tw_profile_new ("rows", TW_MODE_PAPER);
  g_autoptr(TwWorkspace) workspace = NULL;
  g_autoptr(GError) unreachable = g_error_new_literal (TW_ERROR, TW_ERROR_UNREACHABLE,
                                                       "connection refused");
  g_autofree char *id = g_strdup_printf ("svc-%02u", N_SERVICES - 1);
  g_autofree char *before = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = tw_overview_page_new ();
  GtkAdjustment *adjustment;
  TwServiceRow *row;
  TwService *service = NULL;
  GdkFrameClock *clock;
  gulong handler;
  Watch watch = { 0, };

  /* Never polled (the workspace is not started): the test sets the answers itself. */
  add_services (profile);
  workspace = tw_workspace_new (profile, registry, http, secrets);
  for (guint i = 0; i < N_SERVICES; i++)
    {
      g_autoptr(TwService) s = g_list_model_get_item (tw_workspace_get_services (workspace), i);

      tw_service_apply_health (s, TW_HEALTH_OK, NULL, 12.0, NULL);
      if (i == N_SERVICES - 1)
        service = s;
    }

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_set_child (GTK_WINDOW (window), page);
  tw_overview_page_set_workspace (TW_OVERVIEW_PAGE (page), workspace);
  gtk_window_present (GTK_WINDOW (window));

  watch.page = TW_OVERVIEW_PAGE (page);
  watch.id = id;
  g_assert_true (tw_test_ui_wait_for (all_rows_bound, page, 10000));
  /* The last service's row is built but far below the view: it holds its changes. */
  g_assert_true (tw_test_ui_wait_for (row_held, &watch, 10000));
  row = tw_overview_page_get_row (watch.page, id);
  watch.viewport = gtk_widget_get_ancestor (GTK_WIDGET (row), GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (watch.viewport);
  g_assert_false (row_shown (row, watch.viewport));
  before = g_strdup (_tw_service_row_peek_state_text (row));
  g_assert_cmpstr (before, ==, "OK");

  tw_service_apply_error (service, unreachable);
  g_assert_true (tw_test_ui_wait_frame (window, 5000));
  /* Held: the row still draws what it showed, the page's getters see the news. */
  g_assert_true (_tw_service_row_get_held (row));
  g_assert_cmpstr (_tw_service_row_peek_state_text (row), ==, "OK");

  clock = gtk_widget_get_frame_clock (window);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &watch);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (watch.viewport));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  g_assert_true (tw_test_ui_wait_for (seen, &watch, 10000));
  g_signal_handler_disconnect (clock, handler);

  /* The first frame that shows it draws its current state, released. */
  g_assert_cmpstr (watch.seen_state, ==, "Unreachable");
  g_assert_false (watch.seen_held);
  row = tw_overview_page_get_row (watch.page, id);
  g_assert_cmpstr (tw_service_row_get_state_text (row), ==, "Unreachable");
  g_free (tw_test_ui_save_png (window, "overview-rows-scrolled.png"));

  g_free (watch.seen_state);
  tw_overview_page_set_workspace (TW_OVERVIEW_PAGE (page), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
page_warm (gpointer user_data)
{
  return tw_overview_page_is_warm (user_data);
}

typedef struct {
  TwOverviewPage *page;
  GList          *services;    /* (element-type TwService) the profile's, in order */
  guint           frames;      /* painted frames with the page mapped */
  guint           empty;       /* of those, before the first with rows */
  guint           rows;        /* rows bound in the first frame with rows */
  guint           rows_ok;     /* of those, showing "OK" and the latest answers' latency */
} FirstFrame;

static void
first_frame_cb (GdkFrameClock *clock,
                FirstFrame    *first)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (first->page)) || first->rows > 0)
    return;
  first->frames++;
  for (guint i = 0; i < N_SERVICES; i++)
    {
      g_autofree char *id = g_strdup_printf ("svc-%02u", i);
      TwServiceRow *row = tw_overview_page_get_row (first->page, id);

      if (row == NULL || !gtk_widget_get_mapped (GTK_WIDGET (row)))
        continue;
      first->rows++;
      if (g_strcmp0 (_tw_service_row_peek_state_text (row), "OK") == 0 &&
          /* The median of the two answers, 12 and 34 ms: the second one counted. */
          g_strcmp0 (_tw_service_row_peek_latency_text (row), "23 ms") == 0)
        first->rows_ok++;
    }
  if (first->rows > 0)
    return;
  /* A frame of the page without its rows: the services answer again meanwhile. */
  first->empty++;
  for (GList *l = first->services; l != NULL; l = l->next)
    tw_service_apply_health (l->data, TW_HEALTH_OK, NULL, 34.0, NULL);
}

static gboolean
rows_shown (gpointer user_data)
{
  return ((FirstFrame *) user_data)->rows > 0;
}

static void
test_warm_before_open (void)
{
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwProfile) profile = tw_profile_new ("warm", TW_MODE_PAPER);
  g_autoptr(TwWorkspace) workspace = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *stack = gtk_stack_new ();
  GtkWidget *empty = gtk_label_new ("No profile");
  GtkWidget *page = tw_overview_page_new ();
  GdkFrameClock *clock;
  FirstFrame first = { TW_OVERVIEW_PAGE (page), 0, };
  gulong handler;

  add_services (profile);
  workspace = tw_workspace_new (profile, registry, http, secrets);

  /* As the window before a profile opens: the page built, not shown. */
  gtk_stack_add_named (GTK_STACK (stack), empty, "empty");
  gtk_stack_add_named (GTK_STACK (stack), page, "profile");
  gtk_stack_set_visible_child (GTK_STACK (stack), empty);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_set_child (GTK_WINDOW (window), stack);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (tw_test_ui_wait_frame (window, 5000));
  g_assert_false (gtk_widget_get_mapped (page));

  /* A style an idle, never all in one dispatch. */
  tw_overview_page_warm_up (TW_OVERVIEW_PAGE (page));
  g_assert_false (tw_overview_page_is_warm (TW_OVERVIEW_PAGE (page)));
  g_main_context_iteration (NULL, FALSE);
  g_assert_false (tw_overview_page_is_warm (TW_OVERVIEW_PAGE (page)));
  g_assert_true (tw_test_ui_wait_for (page_warm, page, 10000));
  /* Nothing of it was added to the window. */
  g_assert_true (gtk_widget_get_first_child (page) == gtk_widget_get_last_child (page));

  /* The profile opens in the window on screen, with answers already in. Its rows show
   * one frame after the page (the page's first frame lays out the rest), and the first
   * frame that shows them shows their services' latest answers. */
  for (guint i = 0; i < N_SERVICES; i++)
    {
      g_autoptr(TwService) s = g_list_model_get_item (tw_workspace_get_services (workspace), i);

      tw_service_apply_health (s, TW_HEALTH_OK, NULL, 12.0, NULL);
      first.services = g_list_append (first.services, g_steal_pointer (&s));
    }
  clock = gtk_widget_get_frame_clock (window);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (first_frame_cb), &first);
  tw_overview_page_set_workspace (TW_OVERVIEW_PAGE (page), workspace);
  gtk_stack_set_visible_child (GTK_STACK (stack), page);
  g_assert_true (tw_test_ui_wait_for (rows_shown, &first, 5000));
  g_signal_handler_disconnect (clock, handler);
  g_assert_cmpuint (first.empty, ==, 1);
  g_assert_cmpuint (first.frames, ==, 2);
  g_assert_cmpuint (first.rows, >, 0);
  g_assert_cmpuint (first.rows_ok, ==, first.rows);
  /* Then the others, one a main-loop round, as in any large profile. */
  g_assert_true (tw_test_ui_wait_for (all_rows_bound, page, 10000));
  g_list_free_full (first.services, g_object_unref);
  g_free (tw_test_ui_save_png (window, "overview-warm.png"));

  tw_overview_page_set_workspace (TW_OVERVIEW_PAGE (page), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The rows past the first are built one a main-loop round while the list is on screen,
 * not while the page is hidden; each shows its own service, its tooltips set as the
 * template's were (set off screen without asking the display where the pointer is). */
static guint
count_rows (TwOverviewPage *page)
{
  guint n = 0;

  for (guint i = 0; i < N_SERVICES; i++)
    {
      g_autofree char *sid = g_strdup_printf ("svc-%02u", i);

      if (tw_overview_page_get_row (page, sid) != NULL)
        n++;
    }
  return n;
}

/* The rows built when each frame lays out: never more than a few new ones a frame. */
typedef struct
{
  TwOverviewPage *page;
  guint           last;
  guint           frames;
  guint           max_new;
} Growth;

static void
growth_layout_cb (GdkFrameClock *clock,
                  Growth        *growth)
{
  guint n = count_rows (growth->page);

  if (growth->frames++ > 0 && n > growth->last)
    growth->max_new = MAX (growth->max_new, n - growth->last);
  growth->last = n;
}

static void
test_grow_on_screen (void)
{
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwProfile) profile = tw_profile_new ("grow", TW_MODE_PAPER);
  g_autoptr(TwWorkspace) workspace = NULL;
  g_autoptr(GError) unreachable = g_error_new_literal (TW_ERROR, TW_ERROR_UNREACHABLE,
                                                       "connection refused");
  GtkWidget *window = gtk_window_new ();
  GtkWidget *stack = gtk_stack_new ();
  GtkWidget *empty = gtk_label_new ("No profile");
  GtkWidget *page = tw_overview_page_new ();
  guint rounds = 0;
  Growth growth = { TW_OVERVIEW_PAGE (page), 0, 0, 0 };
  gulong layout_id;

  add_services (profile);
  workspace = tw_workspace_new (profile, registry, http, secrets);
  /* Every third service unreachable: each row must show its own. */
  for (guint i = 0; i < N_SERVICES; i++)
    {
      g_autoptr(TwService) s = g_list_model_get_item (tw_workspace_get_services (workspace), i);

      if (i % 3 == 0)
        tw_service_apply_error (s, unreachable);
      else
        tw_service_apply_health (s, TW_HEALTH_OK, NULL, 12.0, NULL);
    }

  gtk_stack_add_named (GTK_STACK (stack), empty, "empty");
  gtk_stack_add_named (GTK_STACK (stack), page, "profile");
  gtk_stack_set_visible_child (GTK_STACK (stack), empty);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_set_child (GTK_WINDOW (window), stack);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (tw_test_ui_wait_frame (window, 5000));

  /* The page not shown: its first rows only, however long the main loop runs idle. */
  tw_overview_page_set_workspace (TW_OVERVIEW_PAGE (page), workspace);
  while (g_main_context_pending (NULL) && rounds++ < 10000)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (g_main_context_pending (NULL));
  g_assert_cmpuint (count_rows (TW_OVERVIEW_PAGE (page)), >, 0);
  g_assert_cmpuint (count_rows (TW_OVERVIEW_PAGE (page)), <, N_SERVICES);

  /* Shown: every row, each with its service's state and its tooltips; a few new rows a
   * frame at most, however many main-loop rounds come between two frames. */
  growth.last = count_rows (TW_OVERVIEW_PAGE (page));
  layout_id = g_signal_connect (gtk_widget_get_frame_clock (window), "layout",
                                G_CALLBACK (growth_layout_cb), &growth);
  gtk_stack_set_visible_child (GTK_STACK (stack), page);
  g_assert_true (tw_test_ui_wait_for (all_rows_bound, page, 10000));
  g_signal_handler_disconnect (gtk_widget_get_frame_clock (window), layout_id);
  g_assert_cmpuint (count_rows (TW_OVERVIEW_PAGE (page)), ==, N_SERVICES);
  g_assert_cmpuint (growth.frames, >, 1);
  g_assert_cmpuint (growth.max_new, >, 0);
  g_assert_cmpuint (growth.max_new, <=, TW_OVERVIEW_ROWS_PER_FRAME);
  for (guint i = 0; i < N_SERVICES; i++)
    {
      g_autofree char *sid = g_strdup_printf ("svc-%02u", i);
      TwServiceRow *row = tw_overview_page_get_row (TW_OVERVIEW_PAGE (page), sid);
      GtkWidget *keys = tw_service_row_get_keys_button (row);

      g_assert_cmpstr (tw_service_get_id (tw_service_row_get_service (row)), ==, sid);
      g_assert_cmpstr (tw_service_row_get_state_text (row), ==, i % 3 == 0 ? "Unreachable" : "OK");
      g_assert_cmpstr (gtk_widget_get_tooltip_text (keys), ==, "Rotate or revoke keys");
      g_assert_true (gtk_widget_get_visible (keys));
    }

  tw_overview_page_set_workspace (TW_OVERVIEW_PAGE (page), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A row shows the median latency of the last answers, and a slow answer's own. */
static void
test_latency_median (void)
{
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autoptr(TwProfile) profile = tw_profile_new ("latency", TW_MODE_PAPER);
  g_autoptr(TwWorkspace) workspace = NULL;
  g_autoptr(TwService) service = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = tw_overview_page_new ();
  TwServiceRow *row;
  GtkWidget *label;

  add_services (profile);
  workspace = tw_workspace_new (profile, registry, http, secrets);
  service = g_list_model_get_item (tw_workspace_get_services (workspace), 0);
  tw_service_apply_health (service, TW_HEALTH_OK, NULL, 12.0, NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_set_child (GTK_WINDOW (window), page);
  tw_overview_page_set_workspace (TW_OVERVIEW_PAGE (page), workspace);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (tw_test_ui_wait_for (all_rows_bound, page, 10000));
  row = tw_overview_page_get_row (TW_OVERVIEW_PAGE (page), "svc-00");
  g_assert_true (tw_test_ui_wait_frame (window, 5000));
  g_assert_false (_tw_service_row_get_held (row));
  label = _tw_service_row_get_latency_widget (row);
  g_assert_cmpstr (_tw_service_row_peek_latency_text (row), ==, "12 ms");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (label), ==, "Median latency of the last five answers");

  /* 12, 10, 40: the median, not the last. */
  tw_service_apply_health_unchanged (service, 10.0);
  tw_service_apply_health_unchanged (service, 40.0);
  tw_service_row_update_age (row);
  g_assert_cmpstr (_tw_service_row_peek_latency_text (row), ==, "12 ms");
  g_assert_false (gtk_widget_has_css_class (label, "warning"));

  /* Slower than the service's 2000 ms: that answer's own, in the warning colour. */
  tw_service_apply_health_unchanged (service, 5000.0);
  tw_service_row_update_age (row);
  g_assert_cmpstr (_tw_service_row_peek_latency_text (row), ==, "5000 ms");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (label), ==, "The last answer's latency");
  g_assert_true (gtk_widget_has_css_class (label, "warning"));
  g_assert_cmpstr (tw_service_row_get_state_text (row), ==, "Degraded");

  /* Fast again: 12, 10, 40, 5000, 11 → 12. */
  tw_service_apply_health_unchanged (service, 11.0);
  tw_service_row_update_age (row);
  g_assert_cmpstr (_tw_service_row_peek_latency_text (row), ==, "12 ms");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (label), ==, "Median latency of the last five answers");
  g_assert_false (gtk_widget_has_css_class (label, "warning"));
  g_assert_cmpstr (tw_service_row_get_state_text (row), ==, "OK");

  tw_overview_page_set_workspace (TW_OVERVIEW_PAGE (page), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* The application's start-up loads libadwaita, the styles and resources. */
  app = app_fixture_init (&argc, &argv);

  g_test_add_func ("/tw/ui/overview-rows/scrolled-into-view", test_scrolled_into_view);
  g_test_add_func ("/tw/ui/overview-rows/warm-before-open", test_warm_before_open);
  g_test_add_func ("/tw/ui/overview-rows/grow-on-screen", test_grow_on_screen);
  g_test_add_func ("/tw/ui/overview-rows/latency-median", test_latency_median);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
