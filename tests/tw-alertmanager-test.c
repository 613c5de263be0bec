/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-alertmanager-test.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "tw-test-util.h"

const char *
tw_test_alertmanager_binary (void)
{
  static const char * const candidates[] = {
    "/usr/bin/prometheus-alertmanager", "/usr/bin/alertmanager", NULL
  };

  for (guint i = 0; candidates[i] != NULL; i++)
    if (g_file_test (candidates[i], G_FILE_TEST_IS_EXECUTABLE))
      return candidates[i];
  return NULL;
}

guint
tw_test_free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (socket);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static SoupSession *
session (void)
{
  static SoupSession *session;

  if (session == NULL)
    session = soup_session_new_with_options ("timeout", 5, NULL);
  return session;
}

JsonNode *
tw_test_alertmanager_request (TwTestAlertmanager *am,
                              const char         *method,
                              const char         *path,
                              const char         *json_body,
                              guint              *status)
{
  g_autofree char *url = g_strconcat (am->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  g_assert_nonnull (msg);
  if (json_body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (json_body, strlen (json_body));

      soup_message_set_request_body_from_bytes (msg, "application/json", request);
    }
  body = soup_session_send_and_read (session (), msg, NULL, &error);
  if (status != NULL)
    *status = error == NULL ? soup_message_get_status (msg) : 0;
  if (body == NULL || g_bytes_get_size (body) == 0)
    return json_node_new (JSON_NODE_NULL);
  node = json_from_string (g_bytes_get_data (body, NULL), NULL);
  return node != NULL ? node : json_node_new (JSON_NODE_NULL);
}

static gboolean
ready (gpointer user_data)
{
  TwTestAlertmanager *am = user_data;
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;

  node = tw_test_alertmanager_request (am, "GET", "/-/ready", NULL, &status);
  return status == 200;
}

TwTestAlertmanager *
tw_test_alertmanager_start (guint       port,
                            const char *webhook_url)
{
  TwTestAlertmanager *am = g_new0 (TwTestAlertmanager, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *storage = NULL;
  g_autofree char *log = NULL;
  g_autofree char *arg_config = NULL, *arg_storage = NULL, *arg_listen = NULL, *arg_external = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);

  am->dir = g_dir_make_tmp ("tw-alertmanager-XXXXXX", &error);
  g_assert_no_error (error);
  am->port = port;
  am->url = g_strdup_printf ("http://127.0.0.1:%u", port);
  /* group_wait 0s: the webhook goes out at once; group_interval 1s: a resolved alert
   * (send_resolved) follows within about a second. */
  config = g_strdup_printf ("route:\n"
                            "  receiver: console\n"
                            "  group_by: ['alertname']\n"
                            "  group_wait: 0s\n"
                            "  group_interval: 1s\n"
                            "  repeat_interval: 1h\n"
                            "receivers:\n"
                            "  - name: console\n"
                            "    webhook_configs:\n"
                            "      - url: %s\n"
                            "        send_resolved: true\n", webhook_url);
  config_path = g_build_filename (am->dir, "alertmanager.yml", NULL);
  g_file_set_contents (config_path, config, -1, &error);
  g_assert_no_error (error);
  storage = g_build_filename (am->dir, "data", NULL);
  log = g_build_filename (am->dir, "alertmanager.log", NULL);
  arg_config = g_strconcat ("--config.file=", config_path, NULL);
  arg_storage = g_strconcat ("--storage.path=", storage, NULL);
  arg_listen = g_strdup_printf ("--web.listen-address=127.0.0.1:%u", port);
  arg_external = g_strconcat ("--web.external-url=", am->url, NULL);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  /* --cluster.listen-address= (empty): no gossip cluster on 0.0.0.0:9094 */
  am->process = g_subprocess_launcher_spawn (launcher, &error, tw_test_alertmanager_binary (),
                                             arg_config, arg_storage, arg_listen, arg_external,
                                             "--cluster.listen-address=", "--log.level=warn", NULL);
  g_assert_no_error (error);
  if (!tw_test_wait_for (ready, am, 20000))
    {
      g_autofree char *text = NULL;

      g_file_get_contents (log, &text, NULL, NULL);
      g_error ("Alertmanager did not get ready on port %u: %s", port, text != NULL ? text : "");
    }
  return am;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
tw_test_alertmanager_stop (TwTestAlertmanager *am)
{
  if (am == NULL)
    return;
  g_subprocess_send_signal (am->process, SIGTERM);
  g_subprocess_wait (am->process, NULL, NULL);
  g_object_unref (am->process);
  remove_tree (am->dir);
  g_free (am->dir);
  g_free (am->url);
  g_free (am);
}

void
tw_test_alertmanager_post_alert (TwTestAlertmanager *am,
                                 const char         *labels_json,
                                 const char         *annotations_json,
                                 int                 ends_in_s)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) start = g_date_time_add_seconds (now, ends_in_s < 0 ? -60 : 0);
  g_autofree char *starts = g_date_time_format_iso8601 (start);
  g_autofree char *ends = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  if (ends_in_s != 0)
    {
      g_autoptr(GDateTime) end = g_date_time_add_seconds (now, ends_in_s < 0 ? -1 : ends_in_s);

      ends = g_date_time_format_iso8601 (end);
    }
  body = g_strdup_printf ("[{\"labels\": %s, \"annotations\": %s, \"startsAt\": \"%s\"%s%s%s,"
                          " \"generatorURL\": \"http://127.0.0.1/graph\"}]",
                          labels_json, annotations_json != NULL ? annotations_json : "{}", starts,
                          ends != NULL ? ", \"endsAt\": \"" : "", ends != NULL ? ends : "",
                          ends != NULL ? "\"" : "");
  answer = tw_test_alertmanager_request (am, "POST", "/api/v2/alerts", body, &status);
  g_assert_cmpuint (status, ==, 200);
}

const char *
tw_test_prometheus_binary (void)
{
  return g_file_test ("/usr/bin/prometheus", G_FILE_TEST_IS_EXECUTABLE) ? "/usr/bin/prometheus" : NULL;
}

static gboolean
prometheus_ready (gpointer user_data)
{
  TwTestPrometheus *prometheus = user_data;
  TwTestAlertmanager probe = { NULL, NULL, prometheus->port, NULL };
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;

  probe.url = g_strdup_printf ("http://127.0.0.1:%u", prometheus->port);
  node = tw_test_alertmanager_request (&probe, "GET", "/-/ready", NULL, &status);
  g_free (probe.url);
  return status == 200;
}

TwTestPrometheus *
tw_test_prometheus_start (guint       port,
                          guint       am_port,
                          const char *target,
                          const char *rules)
{
  TwTestPrometheus *prometheus = g_new0 (TwTestPrometheus, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *config = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *rules_path = NULL;
  g_autofree char *log = NULL;
  g_autofree char *arg_config = NULL, *arg_storage = NULL, *arg_listen = NULL;

  prometheus->dir = g_dir_make_tmp ("tw-prometheus-XXXXXX", &error);
  g_assert_no_error (error);
  prometheus->port = port;
  rules_path = g_build_filename (prometheus->dir, "rules.yml", NULL);
  g_file_set_contents (rules_path, rules, -1, &error);
  g_assert_no_error (error);
  config = g_strdup_printf ("global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                            "rule_files: ['%s']\n"
                            "alerting:\n"
                            "  alertmanagers: [{static_configs: [{targets: ['127.0.0.1:%u']}]}]\n"
                            "scrape_configs:\n"
                            "  - job_name: investiq\n"
                            "    static_configs: [{targets: ['%s']}]\n", rules_path, am_port, target);
  config_path = g_build_filename (prometheus->dir, "prometheus.yml", NULL);
  g_file_set_contents (config_path, config, -1, &error);
  g_assert_no_error (error);
  log = g_build_filename (prometheus->dir, "prometheus.log", NULL);
  arg_config = g_strconcat ("--config.file=", config_path, NULL);
  arg_storage = g_strconcat ("--storage.tsdb.path=", prometheus->dir, "/data", NULL);
  arg_listen = g_strdup_printf ("--web.listen-address=127.0.0.1:%u", port);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  prometheus->process = g_subprocess_launcher_spawn (launcher, &error, tw_test_prometheus_binary (),
                                                     arg_config, arg_storage, arg_listen,
                                                     "--log.level=warn", NULL);
  g_assert_no_error (error);
  if (!tw_test_wait_for (prometheus_ready, prometheus, 30000))
    {
      g_autofree char *text = NULL;

      g_file_get_contents (log, &text, NULL, NULL);
      g_error ("Prometheus did not get ready on port %u: %s", port, text != NULL ? text : "");
    }
  return prometheus;
}

void
tw_test_prometheus_stop (TwTestPrometheus *prometheus)
{
  if (prometheus == NULL)
    return;
  g_subprocess_send_signal (prometheus->process, SIGTERM);
  g_subprocess_wait (prometheus->process, NULL, NULL);
  g_object_unref (prometheus->process);
  remove_tree (prometheus->dir);
  g_free (prometheus->dir);
  g_free (prometheus);
}
