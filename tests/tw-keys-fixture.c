/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "tw-keys-fixture.h"

gboolean
in_session (void)
{
  if (g_getenv ("TW_TEST_SESSION") == NULL)
    {
      g_test_skip ("Needs the test session's keyring: run it with `build-aux/run test`.");
      return FALSE;
    }
  return TRUE;
}

char *
random_key (const char *prefix)
{
  GString *s = g_string_new (prefix);

  for (guint i = 0; i < 24; i++)
    g_string_append_printf (s, "%02x", g_random_int_range (0, 256));
  return g_string_free (s, FALSE);
}

void
put_sim_keys (Fixture    *f,
              const char *json)
{
  guint status = 0;
  g_autoptr(JsonNode) answer = tw_test_sim_request_full (f->sim, SERVICE, "PUT", "/_sim/keys", json, &status);

  g_assert_cmpuint (status, ==, 200);
}

void
set_sim_api_keys (Fixture    *f,
                  const char *a,
                  const char *b)
{
  g_autofree char *json = b != NULL ? g_strdup_printf ("{\"api_keys\":[\"%s\",\"%s\"]}", a, b)
                                    : g_strdup_printf ("{\"api_keys\":[\"%s\"]}", a);

  put_sim_keys (f, json);
}

/* GET /health on the simulator with @key: the status. */
guint
status_with_key (Fixture    *f,
                 const char *key)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (tw_sim_thread_get_url (f->sim, SERVICE), "/health", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "X-API-Key", key);
  body = soup_session_send_and_read (session, msg, NULL, NULL);
  return soup_message_get_status (msg);
}

char *
keyring (Fixture    *f,
         const char *name)
{
  g_autoptr(GError) error = NULL;
  char *value = tw_secrets_lookup_sync (f->secrets, f->profile_name, SERVICE, name, NULL, &error);

  g_assert_no_error (error);
  return value;
}

void
open_keys (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->keys = tw_keys_new (f->workspace, f->audit, f->state_path);
  g_assert_true (tw_keys_load (f->keys, &error));
  g_assert_no_error (error);
}

/* The console quits and starts again: a new keys service from the state file alone. */
void
restart_console (Fixture *f)
{
  tw_test_wait_until (G_OBJECT (f->keys)->ref_count == 1, 5000);
  g_clear_object (&f->keys);
  open_keys (f);
}

void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(TwService) service = NULL;
  g_autoptr(GError) error = NULL;

  if (g_getenv ("TW_TEST_SESSION") == NULL)
    return;
  f->sim = tw_test_sim_start ();
  f->registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (f->registry);
  f->secrets = tw_secrets_new_keyring ();
  f->http = tw_http_new ();
  f->profile_name = g_strdup_printf ("keys-%u", g_random_int ());
  f->profile = tw_profile_new (f->profile_name, TW_MODE_PAPER);
  service = tw_service_new (SERVICE, SERVICE, tw_sim_thread_get_url (f->sim, SERVICE));
  tw_profile_add_service (f->profile, service);

  f->old_key = random_key ("old");
  g_assert_true (tw_secrets_store_sync (f->secrets, f->profile_name, SERVICE, "api_key", f->old_key,
                                        NULL, &error));
  g_assert_no_error (error);
  set_sim_api_keys (f, f->old_key, NULL);

  f->workspace = tw_workspace_new (f->profile, f->registry, f->http, f->secrets);
  f->audit = tw_audit_log_open (NULL, &error);
  g_assert_no_error (error);
  f->state_path = tw_keys_default_state_path (f->profile_name);
  open_keys (f);

  f->server_dir = g_dir_make_tmp ("tw-keys-server-XXXXXX", &error);
  g_assert_no_error (error);
  f->env_path = g_build_filename (f->server_dir, ".env", NULL);
  /* Comments, blank lines, quotes, another service's variables, no newline at the end. */
  f->env_original = g_strdup_printf ("# InvestIQ\r\nAPI_BASE_URL=http://localhost:3000\n\n"
                                     "export API_KEYS=\"%s,client-b-key-0000000000\"  \n"
                                     "POLYGON_API_KEY=pg-123 # data\nLOG_LEVEL=info",
                                     f->old_key);
  g_assert_true (g_file_set_contents_full (f->env_path, f->env_original, -1,
                                           G_FILE_SET_CONTENTS_NONE, 0640, &error));
  g_assert_no_error (error);
  g_chmod (f->env_path, 0640);
}

void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->sim == NULL)
    return;
  if (f->keys != NULL)
    tw_test_wait_until (G_OBJECT (f->keys)->ref_count == 1, 5000);
  g_clear_object (&f->keys);
  g_clear_object (&f->workspace);
  g_clear_object (&f->audit);
  tw_secrets_clear_profile_sync (f->secrets, f->profile_name, NULL, NULL);
  g_clear_object (&f->secrets);
  g_clear_object (&f->http);
  g_clear_object (&f->profile);
  g_clear_object (&f->registry);
  tw_sim_thread_stop (f->sim);
  if (f->server_dir != NULL)
    {
      g_autoptr(GDir) dir = g_dir_open (f->server_dir, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *p = g_build_filename (f->server_dir, name, NULL);

          g_unlink (p);
        }
      g_rmdir (f->server_dir);
    }
  g_free (f->server_dir);
  g_free (f->env_path);
  g_free (f->env_original);
  g_free (f->profile_name);
  g_free (f->state_path);
  g_free (f->old_key);
  g_free (f->output);
}

char *
read_file (const char *path)
{
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

guint
file_mode (const char *path)
{
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

/* The original .env with only the value of API_KEYS changed. */
char *
env_with (Fixture    *f,
          const char *api_keys)
{
  return g_strdup_printf ("# InvestIQ\r\nAPI_BASE_URL=http://localhost:3000\n\n"
                          "export API_KEYS=\"%s\"  \n"
                          "POLYGON_API_KEY=pg-123 # data\nLOG_LEVEL=info", api_keys);
}

guint
count_files_containing (const char *dir,
                        const char *needle)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint hits = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        hits += count_files_containing (path, needle);
      else if (g_file_get_contents (path, &contents, &len, NULL) &&
               g_strstr_len (contents, len, needle) != NULL)
        {
          g_test_message ("%s holds a key", path);
          hits++;
        }
    }
  return hits;
}

void
assert_no_key_on_disk (const char *key)
{
  g_assert_cmpuint (count_files_containing (g_get_home_dir (), key), ==, 0);
  g_assert_cmpuint (count_files_containing (g_get_user_data_dir (), key), ==, 0);
  g_assert_cmpuint (count_files_containing (g_get_user_state_dir (), key), ==, 0);
  g_assert_cmpuint (count_files_containing (g_get_user_config_dir (), key), ==, 0);
  g_assert_cmpuint (count_files_containing (g_get_user_cache_dir (), key), ==, 0);
}

/* The rows the rotation wrote: keys.rotate only, no key in any of them. */
guint
audit_rows_checked (Fixture    *f,
                    const char *key1,
                    const char *key2)
{
  g_autoptr(GError) error = NULL;
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  g_autoptr(GListModel) rows = NULL;
  guint n;

  filter.profile = f->profile_name;
  rows = tw_audit_log_query (f->audit, &filter, NULL, &error);
  g_assert_no_error (error);
  n = g_list_model_get_n_items (rows);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwAuditRecord) r = g_list_model_get_item (rows, i);
      g_autofree char *all = g_strjoin ("|", tw_audit_record_get_action (r),
                                        tw_audit_record_get_target (r),
                                        tw_audit_record_get_reason (r) ? tw_audit_record_get_reason (r) : "",
                                        tw_audit_record_get_message (r) ? tw_audit_record_get_message (r) : "",
                                        NULL);

      g_assert_cmpstr (tw_audit_record_get_action (r), ==, "keys.rotate");
      g_assert_null (strstr (all, key1));
      g_assert_null (strstr (all, key2));
    }
  return n;
}

void
set_managed (Fixture            *f,
             const char * const *argv,
             guint               timeout_s)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tw_keys_set_server (f->keys, SERVICE, TW_KEY_SERVER_MANAGED, f->env_path, argv,
                                     timeout_s, &error));
  g_assert_no_error (error);
}

void
start_managed_sim (Fixture *f)
{
  g_autofree char *json = g_strdup_printf ("{\"env_file\":\"%s\"}", f->env_path);

  put_sim_keys (f, json);
  g_assert_cmpuint (status_with_key (f, f->old_key), ==, 200);
}

