/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tw-env-import.h"
#include "tw-profile.h"
#include "tw-secrets.h"
#include "tw-test-util.h"

/* Import .env end to end, as the menu's Import .env… does: the real file, the real
 * keyring of the test session, the profile saved to disk. The secrets must be in the
 * keyring (as `secret-tool` sees it) and nowhere in the configuration. */

static void
import_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static TwProfile *
import (GFile      *file,
        TwSecrets  *keyring,
        GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  tw_env_import_async (file, keyring, NULL, import_cb, &result);
  while (result == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (result);
  return tw_env_import_finish (result, error);
}

static gboolean
contains_bytes (const char *haystack,
                gsize       length,
                const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; n <= length && i <= length - n; i++)
    if (memcmp (haystack + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* Files under @dir (recursively) whose bytes contain @needle. */
static guint
files_containing (const char *dir,
                  const char *needle,
                  guint      *n_files)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  guint hits = 0;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          hits += files_containing (path, needle, n_files);
          continue;
        }
      (*n_files)++;
      if (g_file_get_contents (path, &contents, &length, NULL)
          && contains_bytes (contents, length, needle))
        {
          g_test_message ("secret found in %s", path);
          hits++;
        }
    }
  return hits;
}

static char *
secret_tool_lookup (const char *profile,
                    const char *service,
                    const char *name)
{
  const char *argv[] = { "secret-tool", "lookup", "profile", profile, "service", service,
                         "name", name, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    return NULL;
  return g_strchomp (g_steal_pointer (&out));
}

static void
test_import_to_keyring (void)
{
  g_autoptr(TwSecrets) keyring = NULL;
  g_autoptr(TwProfile) profile = NULL;
  g_autoptr(TwProfile) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *root = NULL;
  g_autofree char *desk = NULL;
  g_autofree char *env_path = NULL;
  g_autofree char *env_text = NULL;
  g_autofree char *conf_path = NULL;
  g_autofree char *conf_text = NULL;
  g_autofree char *profile_dir = NULL;
  /* Unique per run: a keyring left from an earlier run cannot make this pass. */
  g_auto(GStrv) uuid_parts = g_strsplit (uuid, "-", -1);
  g_autofree char *uuid_hex = g_strjoinv ("", uuid_parts);
  /* An Alpaca key ID's shape (the connector's "format"): PK and 18 letters and digits. */
  g_autofree char *key_id = g_strdup_printf ("PK%.18s", uuid_hex);
  g_autofree char *secret_key = g_strdup_printf ("alpaca-secret-%s", uuid);
  g_autofree char *api_key = g_strdup_printf ("iq-key-%s", uuid);
  g_autofree char *api_key_2 = g_strdup_printf ("iq-old-%s", uuid);
  g_autofree char *live_key = g_strdup_printf ("live-%s", uuid);
  const char *values[5];
  guint n_files = 0;
  guint hits = 0;

  if (g_getenv ("TW_TEST_SESSION") == NULL)
    {
      g_test_skip ("needs the test session's gnome-keyring: run it with `build-aux/run test`");
      return;
    }
  values[0] = key_id;
  values[1] = secret_key;
  values[2] = api_key;
  values[3] = api_key_2;
  values[4] = live_key;

  /* A runbook's .env, in a folder named after the desk. */
  root = g_dir_make_tmp ("tw-env-import-XXXXXX", &error);
  g_assert_no_error (error);
  desk = g_build_filename (root, "Night Desk", NULL);
  g_assert_cmpint (g_mkdir (desk, 0700), ==, 0);
  env_path = g_build_filename (desk, ".env", NULL);
  env_text = g_strdup_printf ("# the runbook's environment\n"
                              "ALPACA_API_KEY=%s\n"
                              "ALPACA_SECRET_KEY=\"%s\"\n"
                              "ALPACA_BASE_URL=https://paper-api.alpaca.markets/v2\n"
                              "API_KEYS=%s,%s\n"
                              "export LIVE_TRADING_KEY='%s'\n"
                              "INVESTIQ_URL=http://127.0.0.1:3000\n"
                              "LOG_LEVEL=debug\n",
                              key_id, secret_key, api_key, api_key_2, live_key);
  g_assert_true (g_file_set_contents (env_path, env_text, -1, &error));
  g_assert_no_error (error);
  file = g_file_new_for_path (env_path);

  keyring = tw_secrets_new_keyring ();
  profile = import (file, keyring, &error);
  g_assert_no_error (error);
  g_assert_nonnull (profile);
  g_assert_cmpstr (tw_profile_get_name (profile), ==, "night-desk");
  g_assert_cmpint (tw_profile_get_mode (profile), ==, TW_MODE_PAPER);
  g_assert_nonnull (tw_profile_lookup_service (profile, "alpaca"));
  g_assert_nonnull (tw_profile_lookup_service (profile, "investiq"));
  g_assert_cmpstr (tw_service_get_base_url (tw_profile_lookup_service (profile, "alpaca")), ==,
                   "https://paper-api.alpaca.markets");

  /* Saved: the profile file, with the services and none of the secrets. */
  profile_dir = tw_profile_get_dir ();
  conf_path = g_build_filename (profile_dir, "night-desk.conf", NULL);
  g_assert_true (g_file_get_contents (conf_path, &conf_text, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("%s:\n%s", conf_path, conf_text);
  g_assert_nonnull (strstr (conf_text, "https://paper-api.alpaca.markets"));
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *tail = g_strdup (values[i] + strlen (values[i]) - 12);

      g_assert_null (strstr (conf_text, values[i]));
      /* Not even a part of one (the uuid is what makes each unique). */
      g_assert_null (strstr (conf_text, tail));
    }

  /* Nowhere in the whole configuration, nor in the data directory. */
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      hits += files_containing (g_get_user_config_dir (), values[i], &n_files);
      hits += files_containing (g_get_user_data_dir (), values[i], &n_files);
    }
  g_assert_cmpuint (hits, ==, 0);
  g_assert_cmpuint (n_files, >=, 1);

  /* In the keyring, as any Secret Service client sees them. */
  {
    g_autofree char *got_key_id = secret_tool_lookup ("night-desk", "alpaca", "key_id");
    g_autofree char *got_secret = secret_tool_lookup ("night-desk", "alpaca", "secret_key");
    g_autofree char *got_api_key = secret_tool_lookup ("night-desk", "investiq", "api_key");
    g_autofree char *got_live = secret_tool_lookup ("night-desk", "investiq", "live_trading_key");

    g_assert_cmpstr (got_key_id, ==, key_id);
    g_assert_cmpstr (got_secret, ==, secret_key);
    /* The first key of API_KEYS. */
    g_assert_cmpstr (got_api_key, ==, api_key);
    g_assert_cmpstr (got_live, ==, live_key);
  }

  /* The same folder again: a second profile beside the first, nothing overwritten. */
  again = import (file, keyring, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tw_profile_get_name (again), ==, "night-desk-2");
  {
    g_autofree char *first = NULL;

    g_assert_true (g_file_get_contents (conf_path, &first, NULL, &error));
    g_assert_cmpstr (first, ==, conf_text);
  }

  g_assert_true (tw_secrets_clear_profile_sync (keyring, "night-desk", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tw_secrets_clear_profile_sync (keyring, "night-desk-2", NULL, &error));
  g_assert_no_error (error);
  {
    g_autofree char *gone = secret_tool_lookup ("night-desk", "alpaca", "key_id");

    g_assert_null (gone);
  }
  g_assert_cmpint (g_unlink (env_path), ==, 0);
  g_assert_cmpint (g_rmdir (desk), ==, 0);
  g_assert_cmpint (g_rmdir (root), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/tw/app/env-import/keyring-only", test_import_to_keyring);
  return g_test_run ();
}
