/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <dlfcn.h>
#include <gdk/x11/gdkx.h>
#include <X11/keysym.h>
#include <string.h>

#include "tw-preferences-window.h"
#include "tw-shortcuts-window.h"
#include "tw-test-app.h"

/* Everything the operator does is an action: here driven from outside (D-Bus, another
 * connection) and from the keyboard (real key presses through the X server). */

#define INTERVAL_MS 60000   /* no poll of its own during a test: requests come from actions */

static TwApplication *app;

static guint
health_requests (AppFixture *f)
{
  g_autoptr(JsonNode) log = tw_test_sim_requests (f->sim);
  JsonArray *array = json_node_get_array (log);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);

      n += g_strcmp0 (json_object_get_string_member (entry, "flavor"), "investiq") == 0
           && g_strcmp0 (json_object_get_string_member (entry, "method"), "GET") == 0
           && g_strcmp0 (json_object_get_string_member (entry, "path"), "/health") == 0;
    }
  return n;
}

typedef struct
{
  AppFixture *f;
  guint       more_than;
} RequestWait;

static gboolean
no_health_poll_in_flight (AppFixture *f)
{
  GListModel *services = tw_profile_get_services (f->profile);

  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      TwPoller *poller = tw_workspace_get_health_poller (tw_application_get_workspace (f->app),
                                                         tw_service_get_id (service));

      if (poller != NULL && tw_poller_get_in_flight (poller))
        return FALSE;
    }
  return TRUE;
}

static gboolean
health_requests_grew (gpointer user_data)
{
  RequestWait *wait = user_data;

  return health_requests (wait->f) > wait->more_than;
}

static gboolean
on_page (gpointer user_data)
{
  return g_strcmp0 (tw_window_get_visible_page (tw_application_get_window (app)), user_data) == 0;
}

static void
halt_finished_cb (TwApplication  *application,
                  GPtrArray      *results,
                  GPtrArray     **out)
{
  g_clear_pointer (out, g_ptr_array_unref);
  *out = g_ptr_array_ref (results);
}

static gboolean
is_set (gpointer user_data)
{
  return *(gpointer *) user_data != NULL;
}

static void
assert_all_halted (GPtrArray *results)
{
  /* Every service of the fixture (the demo without its cron bot) named: four halted,
   * Autotrader cannot be halted from here. */
  g_assert_cmpuint (results->len, ==, 5);
  for (guint i = 0; i < results->len; i++)
    {
      TwActionResult *result = g_ptr_array_index (results, i);

      if (g_str_equal (tw_action_result_get_service_id (result), "autotrader"))
        g_assert_cmpint (tw_action_result_get_outcome (result), ==, TW_ACTION_OUTCOME_UNSUPPORTED);
      else
        g_assert_true (tw_action_result_get_ok (result));
    }
}

typedef struct
{
  GActionGroup *group;
  const char   *action;
} ActionWait;

static gboolean
action_enabled (gpointer user_data)
{
  ActionWait *wait = user_data;

  g_strfreev (g_action_group_list_actions (wait->group));
  return g_action_group_has_action (wait->group, wait->action)
         && g_action_group_get_action_enabled (wait->group, wait->action);
}

/* From a second connection to the session bus, as a script would: the exported app.*
 * actions, each with the effect it has from the window. */
static void
test_dbus_actions (void)
{
  AppFixture f = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GDBusActionGroup) remote = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autofree char *address = NULL;
  GDBusConnection *own = g_application_get_dbus_connection (G_APPLICATION (app));
  ActionWait action_wait;
  RequestWait request_wait;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  g_assert_true (app_wait_states_known (&f, 15000));

  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  bus = g_dbus_connection_new_for_address_sync (address,
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (own);
  g_assert_cmpstr (g_dbus_connection_get_unique_name (bus), !=, g_dbus_connection_get_unique_name (own));
  remote = g_dbus_action_group_get (bus, g_dbus_connection_get_unique_name (own),
                                    g_application_get_dbus_object_path (G_APPLICATION (app)));
  action_wait = (ActionWait) { G_ACTION_GROUP (remote), "halt" };
  g_assert_true (tw_test_ui_wait_for (action_enabled, &action_wait, 10000));

  /* A page switch. */
  g_assert_true (tw_test_ui_wait_for (on_page, (gpointer) "overview", 5000));
  g_action_group_activate_action (G_ACTION_GROUP (remote), "show-page", g_variant_new_string ("breakers"));
  g_assert_true (tw_test_ui_wait_for (on_page, (gpointer) "breakers", 10000));
  g_action_group_activate_action (G_ACTION_GROUP (remote), "show-page", g_variant_new_string ("audit"));
  g_assert_true (tw_test_ui_wait_for (on_page, (gpointer) "audit", 10000));

  /* A refresh: the next poll is a minute away. A refresh is skipped for a poll still in
   * flight (as it should be): none is. */
  tw_test_wait_until (no_health_poll_in_flight (&f), 5000);
  request_wait = (RequestWait) { &f, health_requests (&f) };
  g_action_group_activate_action (G_ACTION_GROUP (remote), "refresh", NULL);
  g_assert_true (tw_test_ui_wait_for (health_requests_grew, &request_wait, 10000));

  /* Halt All, and each halting service halted. */
  g_signal_connect (app, "halt-finished", G_CALLBACK (halt_finished_cb), &results);
  g_action_group_activate_action (G_ACTION_GROUP (remote), "halt", NULL);
  g_assert_true (tw_test_ui_wait_for (is_set, &results, 20000));
  g_signal_handlers_disconnect_by_func (app, halt_finished_cb, &results);
  assert_all_halted (results);
  g_assert_true (app_wait_halted (&f, "investiq", TRUE, 10000));
  g_assert_true (app_wait_halted (&f, "ai-trading", TRUE, 10000));

  app_fixture_close (&f);
}

/* A loopback listener that only counts who connects: where a hostile profile would
 * send the console's keys. */
static gboolean
count_connection_cb (GSocketService    *service,
                     GSocketConnection *connection,
                     GObject           *source,
                     gpointer           user_data)
{
  (*(guint *) user_data)++;
  return FALSE;
}

static GtkWindow *
find_message_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_mapped (l->data))
      return l->data;
  return NULL;
}

static gboolean
message_dialog_shown (gpointer user_data)
{
  return find_message_dialog () != NULL;
}

/* D-Bus app.open-profile with a path out of the profiles folder: refused, said so, the
 * open profile kept, and nothing sent to where the outside file points. */
static void
test_dbus_open_profile_refused (void)
{
  AppFixture f = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GDBusActionGroup) remote = NULL;
  g_autoptr(GSocketService) listener = g_socket_service_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) bind_address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *address = NULL;
  g_autofree char *outside = g_build_filename (g_get_user_config_dir (), "tmp", NULL);
  g_autofree char *evil = g_build_filename (outside, "evil.conf", NULL);
  g_autofree char *contents = NULL;
  GDBusConnection *own = g_application_get_dbus_connection (G_APPLICATION (app));
  TwWorkspace *workspace;
  GtkWindow *dialog;
  guint connections = 0;
  guint16 port;
  RequestWait request_wait;
  ActionWait action_wait;

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  g_assert_true (app_wait_states_known (&f, 15000));
  workspace = tw_application_get_workspace (app);

  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (listener), bind_address,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, &bound, &error));
  g_assert_no_error (error);
  g_signal_connect (listener, "incoming", G_CALLBACK (count_connection_cb), &connections);
  g_socket_service_start (listener);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  /* $XDG_CONFIG_HOME/tmp/evil.conf, 0644: "../../tmp/evil" from the profiles folder. It
   * claims the open profile's name and points every service at the listener. */
  contents = g_strdup_printf ("[Profile]\nName=%s\nMode=paper\n"
                              "[Service investiq]\nConnector=investiq\nBaseUrl=http://127.0.0.1:%u\n"
                              "[Service alpaca]\nConnector=alpaca\nBaseUrl=http://127.0.0.1:%u\n",
                              tw_profile_get_name (f.profile), port, port);
  g_assert_cmpint (g_mkdir_with_parents (outside, 0700), ==, 0);
  g_assert_true (g_file_set_contents_full (evil, contents, -1, G_FILE_SET_CONTENTS_NONE, 0644, &error));
  g_assert_no_error (error);

  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  bus = g_dbus_connection_new_for_address_sync (address,
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, &error);
  g_assert_no_error (error);
  remote = g_dbus_action_group_get (bus, g_dbus_connection_get_unique_name (own),
                                    g_application_get_dbus_object_path (G_APPLICATION (app)));
  action_wait = (ActionWait) { G_ACTION_GROUP (remote), "open-profile" };
  g_assert_true (tw_test_ui_wait_for (action_enabled, &action_wait, 10000));

  g_action_group_activate_action (G_ACTION_GROUP (remote), "open-profile",
                                  g_variant_new_string ("../../tmp/evil"));
  g_assert_true (tw_test_ui_wait_for (message_dialog_shown, NULL, 10000));
  dialog = find_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Could Not Open the Profile");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "not a profile name"));

  /* A refresh after it, over the same connection: once it reached the services, the
   * open-profile call before it was handled. The open profile is still the fixture's. */
  request_wait = (RequestWait) { &f, health_requests (&f) };
  g_action_group_activate_action (G_ACTION_GROUP (remote), "refresh", NULL);
  g_assert_true (tw_test_ui_wait_for (health_requests_grew, &request_wait, 10000));
  g_assert_true (tw_application_get_workspace (app) == workspace);
  g_assert_cmpuint (connections, ==, 0);

  gtk_window_destroy (dialog);
  g_socket_service_stop (listener);
  app_fixture_close (&f);
}

/* Real key presses: XTest (libXtst, loaded at run time) on the test session's X server. */

typedef int (*FakeKeyFunc) (Display *, unsigned int, Bool, unsigned long);

static FakeKeyFunc fake_key;

static gboolean
xtest_available (void)
{
  static void *handle;

  if (!GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    return FALSE;
  if (handle == NULL)
    handle = dlopen ("libXtst.so.6", RTLD_NOW);
  if (handle != NULL && fake_key == NULL)
    fake_key = (FakeKeyFunc) dlsym (handle, "XTestFakeKeyEvent");
  return fake_key != NULL;
}

static void
focus (GtkWindow *window)
{
  Display *xdisplay = gdk_x11_display_get_xdisplay (gdk_display_get_default ());
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  gtk_window_present (window);
  g_assert_true (tw_test_ui_wait_frame (GTK_WIDGET (window), 5000));
  /* No window manager in the test session: give the window the keyboard ourselves. */
  XSetInputFocus (xdisplay, gdk_x11_surface_get_xid (surface), RevertToParent, CurrentTime);
  XSync (xdisplay, False);
  tw_test_wait_until (gtk_window_is_active (window), 5000);
}

/* Presses the accelerator @accel (GTK syntax) as a person would. */
static void
press (const char *accel)
{
  Display *xdisplay = gdk_x11_display_get_xdisplay (gdk_display_get_default ());
  guint keyval = 0;
  GdkModifierType mods = 0;
  unsigned int keycodes[4];
  guint n = 0;
  KeySym keysym;

  g_assert_true (gtk_accelerator_parse (accel, &keyval, &mods));
  if (mods & GDK_CONTROL_MASK)
    keycodes[n++] = XKeysymToKeycode (xdisplay, XK_Control_L);
  if (mods & GDK_SHIFT_MASK)
    keycodes[n++] = XKeysymToKeycode (xdisplay, XK_Shift_L);
  keysym = gdk_keyval_to_upper (keyval) == keyval && (mods & GDK_SHIFT_MASK)
           ? gdk_keyval_to_lower (keyval) : keyval;
  /* "question" is Shift+slash on the server's (US) layout. */
  if (keyval == GDK_KEY_question)
    {
      keycodes[n++] = XKeysymToKeycode (xdisplay, XK_Shift_L);
      keysym = XK_slash;
    }
  keycodes[n++] = XKeysymToKeycode (xdisplay, keysym);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (keycodes[i], !=, 0);
      fake_key (xdisplay, keycodes[i], True, CurrentTime);
    }
  for (guint i = n; i > 0; i--)
    fake_key (xdisplay, keycodes[i - 1], False, CurrentTime);
  XSync (xdisplay, False);
}

static gboolean
has_accel (const char *action,
           const char *accel)
{
  g_auto(GStrv) actions = gtk_application_get_actions_for_accel (GTK_APPLICATION (app), accel);

  return actions != NULL && g_strv_contains ((const char * const *) actions, action);
}

static TwPreferencesWindow *
find_preferences (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (TW_IS_PREFERENCES_WINDOW (l->data) && gtk_widget_get_mapped (l->data))
      return l->data;
  return NULL;
}

static gboolean
preferences_shown (gpointer user_data)
{
  return find_preferences () != NULL;
}

static gboolean
widget_mapped (gpointer user_data)
{
  return *(GtkWidget **) user_data != NULL && gtk_widget_get_mapped (*(GtkWidget **) user_data);
}

/* @user_data: a weak pointer's location */
static gboolean
shortcuts_built (gpointer user_data)
{
  return tw_shortcuts_window_get (GTK_WINDOW (user_data)) != NULL;
}

static gboolean
widget_gone (gpointer user_data)
{
  GtkWidget *widget = *(GtkWidget **) user_data;

  return widget == NULL || !gtk_widget_get_mapped (widget);
}

static gboolean
no_windows (gpointer user_data)
{
  return gtk_application_get_windows (GTK_APPLICATION (app)) == NULL;
}

static void
test_shortcuts (void)
{
  static const char * const pages[] = { "overview", "breakers", "audit", "backups", "positions", "orders" };
  AppFixture f = { 0, };
  g_autoptr(GPtrArray) results = NULL;
  GtkWidget *help = NULL;
  RequestWait request_wait;

  /* The accelerators, as the shortcuts window lists them. */
  g_assert_true (has_accel ("app.quit", "<Control>q"));
  g_assert_true (has_accel ("app.refresh", "<Control>r"));
  g_assert_true (has_accel ("app.halt", "<Control><Shift>h"));
  g_assert_true (has_accel ("app.preferences", "<Control>comma"));
  g_assert_true (has_accel ("app.shortcuts", "<Control>question"));
  for (int i = 1; i <= 9; i++)
    {
      g_autofree char *accel = g_strdup_printf ("<Control>%d", i);
      g_autofree char *detailed = g_strdup_printf ("win.page(%d)", i);

      g_assert_true (has_accel (detailed, accel));
    }

  if (!xtest_available ())
    {
      /* In the test session (build-aux/run test) both are there: missing, it is a failure. */
      g_assert_null (g_getenv ("TW_TEST_SESSION"));
      g_test_skip ("needs the X server of tests/session.sh and libXtst");
      return;
    }

  app_fixture_open (&f, app, TW_MODE_PAPER, INTERVAL_MS);
  g_assert_true (app_wait_states_known (&f, 15000));
  focus (GTK_WINDOW (f.window));

  /* Ctrl+1…6: each page, in sidebar order (the later pages have Ctrl+7 and on). */
  for (guint i = G_N_ELEMENTS (pages); i > 0; i--)
    {
      g_autofree char *accel = g_strdup_printf ("<Control>%u", i);

      press (accel);
      g_assert_true (tw_test_ui_wait_for (on_page, (gpointer) pages[i - 1], 5000));
    }

  /* Ctrl+R: a refresh, the next poll being a minute away (none in flight, which would
   * skip it). */
  tw_test_wait_until (no_health_poll_in_flight (&f), 5000);
  request_wait = (RequestWait) { &f, health_requests (&f) };
  press ("<Control>r");
  g_assert_true (tw_test_ui_wait_for (health_requests_grew, &request_wait, 10000));
  /* Key presses are handled in order: Ctrl+R's refresh shows Ctrl+1 was handled. */
  g_assert_cmpstr (tw_window_get_visible_page (f.window), ==, "overview");

  /* Ctrl+Shift+H: Halt All. */
  g_signal_connect (app, "halt-finished", G_CALLBACK (halt_finished_cb), &results);
  press ("<Control><Shift>h");
  g_assert_true (tw_test_ui_wait_for (is_set, &results, 20000));
  g_signal_handlers_disconnect_by_func (app, halt_finished_cb, &results);
  assert_all_halted (results);

  /* Ctrl+comma: the preferences; Escape closes them. */
  press ("<Control>comma");
  g_assert_true (tw_test_ui_wait_for (preferences_shown, NULL, 5000));
  {
    GtkWidget *preferences = GTK_WIDGET (find_preferences ());

    focus (GTK_WINDOW (preferences));
    g_object_add_weak_pointer (G_OBJECT (preferences), (gpointer *) &preferences);
    press ("Escape");
    g_assert_true (tw_test_ui_wait_for (widget_gone, &preferences, 5000));
    if (preferences != NULL)
      g_object_remove_weak_pointer (G_OBJECT (preferences), (gpointer *) &preferences);
  }
  focus (GTK_WINDOW (f.window));

  /* Ctrl+?: the shortcuts window, which lists them all. */
  press ("<Control>question");
  /* Built when asked for, destroyed on Escape: never a hidden toplevel left behind
   * (tw-shortcuts-window.c says why). */
  g_assert_true (tw_test_ui_wait_for (shortcuts_built, f.window, 5000));
  help = GTK_WIDGET (tw_shortcuts_window_get (GTK_WINDOW (f.window)));
  g_assert_true (tw_test_ui_wait_for (widget_mapped, &help, 5000));
  app_save_png_light_dark (help, "shortcuts");
  focus (GTK_WINDOW (help));
  g_object_add_weak_pointer (G_OBJECT (help), (gpointer *) &help);
  press ("Escape");
  g_assert_true (tw_test_ui_wait_for (widget_gone, &help, 5000));
  if (help != NULL)
    g_object_remove_weak_pointer (G_OBJECT (help), (gpointer *) &help);
  focus (GTK_WINDOW (f.window));

  /* Ctrl+Q last: every window closes (and the app quits when it runs); destroying the
   * main window disposes every page, and any critical doing so fails the test. */
  press ("<Control>q");
  g_assert_true (tw_test_ui_wait_for (no_windows, NULL, 10000));

  app_fixture_close (&f);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  app = app_fixture_init (&argc, &argv);
  g_test_add_func ("/tw/app/actions/over-dbus", test_dbus_actions);
  g_test_add_func ("/tw/app/actions/open-profile-refused", test_dbus_open_profile_refused);
  g_test_add_func ("/tw/app/actions/shortcuts", test_shortcuts);
  status = g_test_run ();
  tw_application_close_profile (app);
  g_clear_object (&app);
  return status;
}
