/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "tw-application.h"
#include "tw-session-page.h"
#include "tw-test-app.h"
#include "tw-test-ui.h"
#include "tw-test-util.h"

/* The window's opening of a profile in steps (tw-window-session.c): the page shown gets
 * the session in the call that sets it, the pages not shown after it, one a main-loop
 * round, or at once when shown or asked for; the session starts after the call. */

static TwApplication *app;

/* A page that says which session it holds and how often it was given one. */
#define TEST_TYPE_PAGE (test_page_get_type ())
G_DECLARE_FINAL_TYPE (TestPage, test_page, TEST, PAGE, GtkWidget)

struct _TestPage
{
  GtkWidget  parent_instance;

  TwSession *session;
  guint      n_sessions;   /* times given a session (not NULL) */
};

static void
test_page_set_session (TwSessionPage *page,
                       TwSession     *session)
{
  TestPage *self = TEST_PAGE (page);

  if (session != NULL)
    self->n_sessions++;
  g_set_object (&self->session, session);
}

static void
test_page_iface_init (TwSessionPageInterface *iface)
{
  iface->set_session = test_page_set_session;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestPage, test_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (TW_TYPE_SESSION_PAGE, test_page_iface_init))

static void
test_page_dispose (GObject *object)
{
  g_clear_object (&TEST_PAGE (object)->session);

  G_OBJECT_CLASS (test_page_parent_class)->dispose (object);
}

static void
test_page_class_init (TestPageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = test_page_dispose;
}

static void
test_page_init (TestPage *self)
{
}

typedef struct
{
  TwWindow            *window;
  TestPage            *a;
  TestPage            *b;
  TwConnectorRegistry *registry;
  TwHttp              *http;
  TwSecrets           *secrets;
  TwProfile           *profile;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->registry = tw_connector_registry_new ();
  f->http = tw_http_new ();
  f->secrets = tw_secrets_new_memory ();
  f->profile = tw_profile_new ("window-session", TW_MODE_PAPER);

  /* A window of its own, on screen, no profile yet: as when the operator picks one. */
  f->window = g_object_ref_sink (tw_window_new (GTK_APPLICATION (app)));
  f->a = g_object_new (TEST_TYPE_PAGE, NULL);
  f->b = g_object_new (TEST_TYPE_PAGE, NULL);
  tw_window_add_page (f->window, "test-a", "A", "dialog-warning-symbolic", GTK_WIDGET (f->a));
  tw_window_add_page (f->window, "test-b", "B", "dialog-warning-symbolic", GTK_WIDGET (f->b));
  gtk_window_present (GTK_WINDOW (f->window));
  tw_test_wait_until (tw_window_has_painted (f->window), 5000);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->window != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (f->window));
      g_clear_object (&f->window);
    }
  g_clear_object (&f->profile);
  g_clear_object (&f->secrets);
  g_clear_object (&f->http);
  g_clear_object (&f->registry);
}

/* The demo's kind of session: its audit log a throw-away file. */
static TwSession *
new_session (Fixture *f)
{
  return tw_session_new (f->profile, f->registry, f->http, f->secrets, TRUE);
}

static gboolean
set_true (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until it has nothing left to do above G_PRIORITY_LOW: every step
 * waiting in an idle has run (or been cancelled) by then. */
static void
run_idles (void)
{
  gboolean done = FALSE;

  g_idle_add_full (G_PRIORITY_LOW, set_true, &done, NULL);
  g_assert_true (tw_test_run_until (&done, 5000));
}

static void
closed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tw_session_close_finish (TW_SESSION (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* Closed as the application closes a profile, then nothing holds it. */
static void
close_session (TwSession *session)
{
  gboolean done = FALSE;

  tw_session_close_async (session, NULL, closed_cb, &done);
  g_assert_true (tw_test_run_until (&done, 5000));
  g_assert_finalize_object (session);
}

/* Hidden pages get the session after the call, without being shown; the session starts
 * after the call too. */
static void
test_hidden_after (Fixture       *f,
                   gconstpointer  data)
{
  TwSession *session = new_session (f);

  tw_window_set_session (f->window, session);
  g_assert_true (tw_window_get_session (f->window) == session);
  g_assert_cmpstr (tw_window_get_visible_page (f->window), ==, "overview");
  g_assert_null (f->a->session);
  g_assert_null (f->b->session);
  g_assert_false (tw_session_is_started (session));

  tw_test_wait_until (f->a->session == session && f->b->session == session, 5000);
  tw_test_wait_until (tw_session_is_started (session), 5000);
  run_idles ();
  g_assert_cmpuint (f->a->n_sessions, ==, 1);
  g_assert_cmpuint (f->b->n_sessions, ==, 1);
  g_assert_cmpstr (tw_window_get_visible_page (f->window), ==, "overview");

  tw_window_set_session (f->window, NULL);
  g_assert_null (f->a->session);
  g_assert_null (f->b->session);
  close_session (session);
}

/* A page shown, or asked for, before its turn gets the session at once, and once. */
static void
test_shown_at_once (Fixture       *f,
                    gconstpointer  data)
{
  TwSession *session = new_session (f);

  tw_window_set_session (f->window, session);
  g_assert_null (f->b->session);
  g_assert_true (tw_window_show_page (f->window, "test-b"));
  g_assert_true (f->b->session == session);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->b)));
  g_assert_null (f->a->session);
  g_assert_true (tw_window_get_page (f->window, "test-a") == GTK_WIDGET (f->a));
  g_assert_true (f->a->session == session);

  run_idles ();
  g_assert_true (tw_session_is_started (session));
  g_assert_cmpuint (f->a->n_sessions, ==, 1);
  g_assert_cmpuint (f->b->n_sessions, ==, 1);

  /* Another session while B is shown: B gets it in the call, A lets go of the old one
   * in the call and gets the new one after it. */
  {
    TwSession *next = new_session (f);

    tw_window_set_session (f->window, next);
    g_assert_true (f->b->session == next);
    g_assert_null (f->a->session);
    close_session (session);
    tw_test_wait_until (f->a->session == next, 5000);
    tw_window_set_session (f->window, NULL);
    run_idles ();
    close_session (next);
  }
}

/* Closed before the steps ran: none of them runs, no page holds the session, it never
 * started. */
static void
test_closed_before (Fixture       *f,
                    gconstpointer  data)
{
  TwSession *session = new_session (f);

  tw_window_set_session (f->window, session);
  tw_window_set_session (f->window, NULL);
  run_idles ();
  g_assert_null (f->a->session);
  g_assert_null (f->b->session);
  g_assert_cmpuint (f->a->n_sessions, ==, 0);
  g_assert_cmpuint (f->b->n_sessions, ==, 0);
  g_assert_false (tw_session_is_started (session));
  g_assert_finalize_object (session);
}

/* One profile then another at once, twice: the pages end with the last, the others are
 * let go (and never started). */
static void
test_switch_quickly (Fixture       *f,
                     gconstpointer  data)
{
  TwSession *first = new_session (f);
  TwSession *second = new_session (f);
  TwSession *third = new_session (f);

  tw_window_set_session (f->window, first);
  tw_window_set_session (f->window, second);
  tw_window_set_session (f->window, third);
  g_assert_false (tw_session_is_started (first));
  g_assert_false (tw_session_is_started (second));
  g_assert_finalize_object (first);
  g_assert_finalize_object (second);

  run_idles ();
  g_assert_true (f->a->session == third);
  g_assert_true (f->b->session == third);
  g_assert_cmpuint (f->a->n_sessions, ==, 1);
  g_assert_cmpuint (f->b->n_sessions, ==, 1);
  g_assert_true (tw_session_is_started (third));

  tw_window_set_session (f->window, NULL);
  close_session (third);
}

/* The window goes away before its steps ran: they die with it. */
static void
test_window_destroyed (Fixture       *f,
                       gconstpointer  data)
{
  TwSession *session = new_session (f);

  tw_window_set_session (f->window, session);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
  run_idles ();
  g_assert_false (tw_session_is_started (session));
  g_assert_finalize_object (session);
}

/* The application's window, on screen with a profile, when another opens: it gets the
 * new session in a main-loop round after the call (tw-application.c), before any frame
 * is drawn without it; whoever asks for the window first gets it with the session. */
typedef struct
{
  TwWindow *window;
  guint     frames_behind;
} Behind;

static void
behind_after_paint_cb (GdkFrameClock *clock,
                       Behind        *behind)
{
  if (tw_window_get_workspace (behind->window) != tw_application_get_workspace (app))
    behind->frames_behind++;
}

static gboolean
window_caught_up (gpointer user_data)
{
  Behind *behind = user_data;

  return tw_window_get_workspace (behind->window) == tw_application_get_workspace (app);
}

static void
test_app_hands_after_call (void)
{
  AppFixture af = { 0 };
  Behind behind = { 0 };
  GdkFrameClock *clock;
  gulong handler;

  app_fixture_open (&af, app, TW_MODE_PAPER, 1000);
  behind.window = af.window;
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (af.window));
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (behind_after_paint_cb), &behind);

  tw_application_open_profile (app, af.profile, af.secrets);
  g_assert_nonnull (tw_application_get_workspace (app));
  g_assert_false (window_caught_up (&behind));
  g_assert_true (tw_test_ui_wait_for (window_caught_up, &behind, 5000));
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (af.window), 5000));
  g_assert_cmpuint (behind.frames_behind, ==, 0);

  /* Asked for at once: handed with it. */
  tw_application_open_profile (app, af.profile, af.secrets);
  g_assert_true (tw_application_get_window (app) == af.window);
  g_assert_true (window_caught_up (&behind));

  g_signal_handler_disconnect (clock, handler);
  app_fixture_close (&af);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  app = app_fixture_init (&argc, &argv);

  g_test_add ("/tw/ui/window-session/hidden-after", Fixture, NULL,
              fixture_setup, test_hidden_after, fixture_teardown);
  g_test_add ("/tw/ui/window-session/shown-at-once", Fixture, NULL,
              fixture_setup, test_shown_at_once, fixture_teardown);
  g_test_add ("/tw/ui/window-session/closed-before", Fixture, NULL,
              fixture_setup, test_closed_before, fixture_teardown);
  g_test_add ("/tw/ui/window-session/switch-quickly", Fixture, NULL,
              fixture_setup, test_switch_quickly, fixture_teardown);
  g_test_add ("/tw/ui/window-session/window-destroyed", Fixture, NULL,
              fixture_setup, test_window_destroyed, fixture_teardown);
  g_test_add_func ("/tw/ui/window-session/app-hands-after-call", test_app_hands_after_call);

  status = g_test_run ();

  g_clear_object (&app);
  return status;
}
