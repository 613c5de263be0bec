/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include "tw-sim.h"
#include "tw-test-util.h"

/* The real `tradewarden --demo`, as a newcomer runs it: its own process, XDG directories
 * of its own, driven from here over D-Bus (a second connection, another process) and
 * over HTTP, quit with SIGTERM. It must leave nothing behind. */

static const char * const flavors[] = TW_SIM_FLAVORS;

/* A poll interval long enough that any request after the first poll comes from app.refresh. */
static const char keyfile_text[] =
  "[io/github/tradewarden/TradeWarden]\n"
  "poll-interval=uint32 300\n";

typedef struct
{
  char        *root;
  char        *dirs[6];   /* data config cache state home tmp */
  char        *keyfile;
  GSubprocess *process;
  char        *urls[G_N_ELEMENTS (flavors)];
  SoupSession *session;
} Demo;

static const char * const dir_names[] = { "data", "config", "cache", "state", "home", "tmp" };

typedef gboolean (*Condition) (gpointer user_data);

/* Iterates the main context until @condition holds or @timeout_ms passes. */
static gboolean
wait_for (Condition condition,
          gpointer  user_data,
          guint     timeout_ms)
{
  return tw_test_wait_for (condition, user_data, timeout_ms);
}

static gboolean
is_set (gpointer user_data)
{
  return *(gpointer *) user_data != NULL;
}

static void
lines_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Reads the flavor=URL lines from the demo's stdout. */
static void
read_urls (Demo *demo)
{
  g_autoptr(GDataInputStream) stdout_stream =
    g_data_input_stream_new (g_subprocess_get_stdout_pipe (demo->process));
  guint n = 0;

  while (n < G_N_ELEMENTS (flavors) - 1)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *line = NULL;
      char *eq;

      g_data_input_stream_read_line_async (stdout_stream, G_PRIORITY_DEFAULT, NULL, lines_cb, &result);
      g_assert_true (wait_for (is_set, &result, 60000));
      line = g_data_input_stream_read_line_finish (stdout_stream, result, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (line);   /* EOF before every flavor was announced */
      g_test_message ("demo says: %s", line);
      eq = strchr (line, '=');
      if (eq == NULL)
        continue;
      *eq = '\0';
      for (guint i = 0; flavors[i] != NULL; i++)
        if (g_str_equal (line, flavors[i]))
          {
            g_assert_null (demo->urls[i]);
            g_assert_true (g_str_has_prefix (eq + 1, "http://127.0.0.1:"));
            demo->urls[i] = g_strdup (eq + 1);
            n++;
          }
    }
}

static guint
http_get (Demo        *demo,
          const char  *base,
          const char  *path,
          JsonNode   **json)
{
  g_autofree char *uri = g_strconcat (base, path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read (demo->session, message, NULL, &error);

  g_assert_no_error (error);
  if (json != NULL)
    {
      gsize size;
      const char *data = g_bytes_get_data (body, &size);
      g_autofree char *text = g_strndup (data, size);

      *json = json_from_string (text, &error);
      g_assert_no_error (error);
    }
  return soup_message_get_status (message);
}

/* Requests the simulator saw with @method on a path that starts with @path_prefix
 * (NULL: any) for @flavor. */
static guint
count_requests (Demo       *demo,
                const char *flavor,
                const char *method,
                const char *path_prefix)
{
  g_autoptr(JsonNode) log = NULL;
  JsonArray *array;
  guint n = 0;

  g_assert_cmpuint (http_get (demo, demo->urls[0], "/_sim/requests", &log), ==, 200);
  array = json_node_get_array (log);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (entry, "flavor"), flavor) != 0
          || g_strcmp0 (json_object_get_string_member (entry, "method"), method) != 0)
        continue;
      if (path_prefix == NULL
          || g_str_has_prefix (json_object_get_string_member (entry, "path"), path_prefix))
        n++;
    }
  return n;
}

/* Every regular file under @path, relative to it. */
static void
list_files (const char *path,
            const char *prefix,
            GPtrArray  *out)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_autofree char *rel = prefix != NULL ? g_build_filename (prefix, name, NULL) : g_strdup (name);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          g_ptr_array_add (out, g_strconcat (rel, "/", NULL));
          list_files (child, rel, out);
        }
      else
        g_ptr_array_add (out, g_steal_pointer (&rel));
    }
}

static char *
files_under (const char *path)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  list_files (path, NULL, files);
  g_ptr_array_add (files, NULL);
  return g_strjoinv (" ", (char **) files->pdata);
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

  /* Asking is what makes GDBusActionGroup fetch the list. */
  g_strfreev (g_action_group_list_actions (wait->group));
  return g_action_group_has_action (wait->group, wait->action)
         && g_action_group_get_action_enabled (wait->group, wait->action);
}

typedef struct
{
  Demo       *demo;
  const char *flavor;
  const char *method;
  const char *path;
  guint       more_than;
} RequestWait;

static gboolean
requests_grew (gpointer user_data)
{
  RequestWait *wait = user_data;

  return count_requests (wait->demo, wait->flavor, wait->method, wait->path) > wait->more_than;
}

typedef struct
{
  RequestWait   request;
  GActionGroup *actions;
  gint64        next_refresh;
} RefreshWait;

/* app.refresh polled: a refresh while the first poll is still in flight is skipped (as
 * it should be), and this process cannot see when the console has its answer, so it asks
 * again now and then; the next poll on the timer is minutes away. */
static gboolean
refreshed (gpointer user_data)
{
  RefreshWait *wait = user_data;

  if (requests_grew (&wait->request))
    return TRUE;
  if (g_get_monotonic_time () >= wait->next_refresh)
    {
      g_action_group_activate_action (wait->actions, "refresh", NULL);
      wait->next_refresh = g_get_monotonic_time () + G_USEC_PER_SEC;
    }
  return FALSE;
}

static gboolean
exited (gpointer user_data)
{
  Demo *demo = user_data;

  return g_subprocess_get_identifier (demo->process) == NULL;
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
splice_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_splice_finish (G_OUTPUT_STREAM (object), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* The demo runs with criticals not fatal, as a person runs it: any critical on its stderr
 * (closing the window disposes every page) fails the test. */
static void
assert_no_criticals (const char *text)
{
  /* NULL when the demo wrote nothing on stderr. */
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "CRITICAL") != NULL)
      g_error ("The demo logged a critical: %s", lines[i]);
}

static void
allow_core_dumps (gpointer user_data)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_CORE, &limit) == 0)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_CORE, &limit);
    }
}

static void
test_demo_process (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GDBusActionGroup) actions = NULL;
  g_autofree char *binary = g_test_build_filename (G_TEST_BUILT, "..", "src", "tradewarden", NULL);
  g_autofree char *audit_dir = NULL;
  g_autofree char *address = NULL;
  g_autoptr(GOutputStream) stderr_text = NULL;
  gboolean stderr_done = FALSE;
  Demo demo = { 0, };
  ActionWait action_wait;
  RequestWait request_wait;
  RefreshWait refresh_wait;
  gboolean done = FALSE;
  guint n;

  demo.root = g_dir_make_tmp ("tw-demo-process-XXXXXX", &error);
  g_assert_no_error (error);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  for (guint i = 0; i < G_N_ELEMENTS (dir_names); i++)
    {
      demo.dirs[i] = g_build_filename (demo.root, dir_names[i], NULL);
      g_assert_cmpint (g_mkdir (demo.dirs[i], 0700), ==, 0);
    }
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", demo.dirs[0], TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", demo.dirs[1], TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", demo.dirs[2], TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", demo.dirs[3], TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", demo.dirs[4], TRUE);
  g_subprocess_launcher_setenv (launcher, "TMPDIR", demo.dirs[5], TRUE);
  /* As a person runs it: criticals are not fatal there; its stderr is checked below. */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  /* The isolated XDG_DATA_DIRS of this test has no icon theme (GSETTINGS_SCHEMA_DIR
   * names the build's schemas). */
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_DIRS", "/usr/local/share:/usr/share", TRUE);
  /* Settings in a file under XDG_CONFIG_HOME, so that anything saved would show. */
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);
  {
    g_autofree char *keyfile_dir = g_build_filename (demo.dirs[1], "glib-2.0", "settings", NULL);

    g_assert_cmpint (g_mkdir_with_parents (keyfile_dir, 0700), ==, 0);
    demo.keyfile = g_build_filename (keyfile_dir, "keyfile", NULL);
    g_assert_true (g_file_set_contents (demo.keyfile, keyfile_text, -1, &error));
    g_assert_no_error (error);
  }

  /* Started allowing core dumps, as a developer's shell may. */
  g_subprocess_launcher_set_child_setup (launcher, allow_core_dumps, NULL, NULL);
  demo.process = g_subprocess_launcher_spawn (launcher, &error, binary, "--demo", NULL);
  g_assert_no_error (error);
  stderr_text = g_memory_output_stream_new_resizable ();
  g_output_stream_splice_async (stderr_text, g_subprocess_get_stderr_pipe (demo.process),
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, NULL, splice_cb, &stderr_done);
  read_urls (&demo);

  /* Each simulated service answers over HTTP. */
  demo.session = soup_session_new ();
  for (guint i = 0; flavors[i] != NULL; i++)
    {
      g_assert_nonnull (demo.urls[i]);
      g_assert_cmpuint (http_get (&demo, demo.urls[i], "/_sim/requests", NULL), ==, 200);
    }

  /* The running console, from this process's own connection to the session bus. */
  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  bus = g_dbus_connection_new_for_address_sync (address,
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, &error);
  g_assert_no_error (error);
  actions = g_dbus_action_group_get (bus, APP_ID, "/io/github/tradewarden/TradeWarden");
  /* app.halt is enabled once the demo profile is open. */
  action_wait = (ActionWait) { G_ACTION_GROUP (actions), "halt" };
  g_assert_true (wait_for (action_enabled, &action_wait, 30000));

  /* The first poll came; the next is minutes away (poll-interval 300): app.refresh. */
  request_wait = (RequestWait) { &demo, "investiq", "GET", "/health", 0 };
  g_assert_true (wait_for (requests_grew, &request_wait, 30000));
  /* The health poller is the only one asking /health: one request until the refresh. */
  n = count_requests (&demo, "investiq", "GET", "/health");
  g_assert_cmpuint (n, ==, 1);
  refresh_wait = (RefreshWait) { { &demo, "investiq", "GET", "/health", n }, G_ACTION_GROUP (actions), 0 };
  g_assert_true (wait_for (refreshed, &refresh_wait, 20000));

  /* app.halt: every halting service gets its halt request. */
  g_action_group_activate_action (G_ACTION_GROUP (actions), "halt", NULL);
  request_wait = (RequestWait) { &demo, "investiq", "POST", "/api/risk/trading-halt", 0 };
  g_assert_true (wait_for (requests_grew, &request_wait, 20000));
  request_wait = (RequestWait) { &demo, "ibkr-assistant", "POST", "/api/v1/kill-switch/activate", 0 };
  g_assert_true (wait_for (requests_grew, &request_wait, 20000));
  request_wait = (RequestWait) { &demo, "ai-trading", "POST", "/api/trading/disable", 0 };
  g_assert_true (wait_for (requests_grew, &request_wait, 20000));
  request_wait = (RequestWait) { &demo, "alpaca", "PATCH", "/v2/account/configurations", 0 };
  g_assert_true (wait_for (requests_grew, &request_wait, 20000));

  /* The halt was audited, in a throw-away log under TMPDIR, not in XDG_DATA_HOME. */
  {
    g_autofree char *tmp_files = files_under (demo.dirs[5]);
    g_autofree char *data_files = files_under (demo.dirs[0]);

    g_test_message ("TMPDIR while running: %s", tmp_files);
    g_assert_nonnull (strstr (tmp_files, "tradewarden-demo-audit-"));
    g_assert_nonnull (strstr (tmp_files, "/audit.db"));
    g_assert_cmpstr (data_files, ==, "");
  }

  /* The running console leaves no core dump of its heap (which holds the keys): its
   * core size limit is 0, soft and hard, though it was started allowing one. */
  {
    g_autofree char *limits_path = g_strdup_printf ("/proc/%s/limits",
                                                    g_subprocess_get_identifier (demo.process));
    g_autofree char *limits = NULL;
    g_auto(GStrv) lines = NULL;
    gboolean seen = FALSE;

    g_assert_true (g_file_get_contents (limits_path, &limits, NULL, &error));
    g_assert_no_error (error);
    lines = g_strsplit (limits, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
      if (g_str_has_prefix (lines[i], "Max core file size"))
        {
          g_auto(GStrv) fields = g_strsplit_set (lines[i] + strlen ("Max core file size"), " ", -1);
          g_autoptr(GStrvBuilder) values = g_strv_builder_new ();
          g_auto(GStrv) words = NULL;

          for (guint j = 0; fields[j] != NULL; j++)
            if (*fields[j] != '\0')
              g_strv_builder_add (values, fields[j]);
          words = g_strv_builder_end (values);
          g_test_message ("%s", lines[i]);
          g_assert_cmpstr (words[0], ==, "0");
          g_assert_cmpstr (words[1], ==, "0");
          seen = TRUE;
        }
    g_assert_true (seen);
  }

  /* SIGTERM: a clean quit, exit status 0. */
  g_subprocess_send_signal (demo.process, SIGTERM);
  g_subprocess_wait_async (demo.process, NULL, wait_cb, &done);
  g_assert_true (tw_test_run_until (&done, 30000));
  g_assert_true (exited (&demo));
  g_assert_true (g_subprocess_get_if_exited (demo.process));
  g_assert_cmpint (g_subprocess_get_exit_status (demo.process), ==, 0);
  g_assert_true (tw_test_run_until (&stderr_done, 10000));
  {
    g_autofree char *text = g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (stderr_text)),
                                       g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stderr_text)));

    assert_no_criticals (text);
  }

  /* The simulator went with it. */
  for (guint i = 0; flavors[i] != NULL; i++)
    {
      g_autoptr(GUri) uri = g_uri_parse (demo.urls[i], G_URI_FLAGS_NONE, &error);
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      g_autoptr(GSocketConnection) connection = NULL;
      g_autoptr(GError) connect_error = NULL;

      g_assert_no_error (error);
      connection = g_socket_client_connect_to_host (client, "127.0.0.1", g_uri_get_port (uri), NULL,
                                                    &connect_error);
      g_assert_null (connection);
      g_assert_error (connect_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
    }

  /* Nothing written: the XDG directories and HOME hold only what the test put there
   * (its settings file, unchanged: no window size), TMPDIR is empty again. */
  for (guint i = 0; i < G_N_ELEMENTS (dir_names); i++)
    {
      g_autofree char *files = files_under (demo.dirs[i]);

      g_test_message ("%s after quitting: “%s”", dir_names[i], files);
      if (i == 1)
        g_assert_cmpstr (files, ==, "glib-2.0/ glib-2.0/settings/ glib-2.0/settings/keyfile");
      else
        g_assert_cmpstr (files, ==, "");
    }
  {
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (demo.keyfile, &contents, NULL, &error));
    g_assert_cmpstr (contents, ==, keyfile_text);
  }

  for (guint i = 0; flavors[i] != NULL; i++)
    g_free (demo.urls[i]);
  g_clear_object (&demo.session);
  g_clear_object (&demo.process);
  g_free (demo.keyfile);
  for (guint i = 0; i < G_N_ELEMENTS (dir_names); i++)
    g_free (demo.dirs[i]);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", demo.root);

    g_assert_cmpint (system (cmd), ==, 0);
  }
  g_free (demo.root);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/tw/app/demo/process-leaves-nothing", test_demo_process);
  return g_test_run ();
}
