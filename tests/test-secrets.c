/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <libsecret/secret.h>

#include "tw-error.h"
#include "tw-secrets.h"

/* The data dir of the session (where gnome-keyring keeps its keyring files), taken
 * before G_TEST_OPTION_ISOLATE_DIRS points the XDG dirs into per-test folders. */
static char *session_data_dir;

typedef struct
{
  gboolean  done;
  gboolean  ok;
  char     *value;
  GError   *error;
} AsyncResult;

static void
async_result_clear (AsyncResult *result)
{
  g_clear_pointer (&result->value, g_free);
  g_clear_error (&result->error);
  result->done = FALSE;
  result->ok = FALSE;
}

static void
wait_for (AsyncResult *result)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!result->done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (result->done);
}

static void
store_done (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  AsyncResult *result = user_data;

  result->ok = tw_secrets_store_finish (TW_SECRETS (source), res, &result->error);
  result->done = TRUE;
}

static void
lookup_done (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  AsyncResult *result = user_data;

  result->value = tw_secrets_lookup_finish (TW_SECRETS (source), res, &result->error);
  result->done = TRUE;
}

static void
store_async_and_wait (TwSecrets  *secrets,
                      const char *profile,
                      const char *service,
                      const char *name,
                      const char *value)
{
  AsyncResult result = { 0 };

  tw_secrets_store_async (secrets, profile, service, name, value, NULL, store_done, &result);
  g_assert_false (result.done); /* never completes before returning to the loop */
  wait_for (&result);
  g_assert_no_error (result.error);
  g_assert_true (result.ok);
  async_result_clear (&result);
}

static char *
lookup_async_and_wait (TwSecrets  *secrets,
                       const char *profile,
                       const char *service,
                       const char *name)
{
  AsyncResult result = { 0 };
  char *value;

  tw_secrets_lookup_async (secrets, profile, service, name, NULL, lookup_done, &result);
  wait_for (&result);
  g_assert_no_error (result.error);
  value = g_steal_pointer (&result.value);
  async_result_clear (&result);
  return value;
}

static char *
lookup_sync (TwSecrets  *secrets,
             const char *profile,
             const char *service,
             const char *name)
{
  g_autoptr(GError) error = NULL;
  char *value = tw_secrets_lookup_sync (secrets, profile, service, name, NULL, &error);

  g_assert_no_error (error);
  return value;
}

static void
test_memory_store_lookup (void)
{
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  g_autofree char *other = NULL;
  g_autofree char *absent = NULL;

  g_assert_true (tw_secrets_is_memory (secrets));

  store_async_and_wait (secrets, "paper", "investiq", "api_key", "first-value");
  value = lookup_async_and_wait (secrets, "paper", "investiq", "api_key");
  g_assert_cmpstr (value, ==, "first-value");
  g_clear_pointer (&value, g_free);

  /* Storing again replaces. */
  g_assert_true (tw_secrets_store_sync (secrets, "paper", "investiq", "api_key", "second-value",
                                        NULL, &error));
  g_assert_no_error (error);
  value = lookup_sync (secrets, "paper", "investiq", "api_key");
  g_assert_cmpstr (value, ==, "second-value");

  /* Keyed by all three attributes. */
  other = lookup_sync (secrets, "live", "investiq", "api_key");
  g_assert_null (other);
  absent = lookup_async_and_wait (secrets, "paper", "investiq", "live_trading_key");
  g_assert_null (absent);
  g_assert_null (lookup_sync (secrets, "paper", "alpaca", "api_key"));

  g_assert_finalize_object (g_steal_pointer (&secrets));
}

static void
test_memory_clear (void)
{
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *other_profile = NULL;

  g_assert_true (tw_secrets_store_sync (secrets, "paper", "investiq", "api_key", "a", NULL, &error));
  g_assert_true (tw_secrets_store_sync (secrets, "paper", "investiq", "live_trading_key", "b", NULL, &error));
  g_assert_true (tw_secrets_store_sync (secrets, "paper", "alpaca", "key_id", "c", NULL, &error));
  g_assert_true (tw_secrets_store_sync (secrets, "paper-2", "alpaca", "key_id", "d", NULL, &error));
  g_assert_no_error (error);

  g_assert_true (tw_secrets_clear_sync (secrets, "paper", "investiq", "api_key", NULL, &error));
  g_assert_no_error (error);
  g_assert_null (lookup_sync (secrets, "paper", "investiq", "api_key"));
  kept = lookup_sync (secrets, "paper", "investiq", "live_trading_key");
  g_assert_cmpstr (kept, ==, "b");

  /* Clearing what is not there is fine. */
  g_assert_true (tw_secrets_clear_sync (secrets, "paper", "investiq", "api_key", NULL, &error));
  g_assert_no_error (error);

  /* clear_profile removes that profile's secrets only (not those of "paper-2", whose
   * name starts the same). */
  g_assert_true (tw_secrets_clear_profile_sync (secrets, "paper", NULL, &error));
  g_assert_no_error (error);
  g_assert_null (lookup_sync (secrets, "paper", "investiq", "live_trading_key"));
  g_assert_null (lookup_sync (secrets, "paper", "alpaca", "key_id"));
  other_profile = lookup_sync (secrets, "paper-2", "alpaca", "key_id");
  g_assert_cmpstr (other_profile, ==, "d");
}

static void
test_mask (void)
{
  struct {
    const char *value;
    const char *masked;
  } cases[] = {
    { NULL, "" },
    { "", "" },
    { "a", "••••••••" },
    { "1234567", "••••••••" },
    { "12345678", "••••5678" },
    { "sk-live-0123456789abcd", "••••abcd" },
    { "PKDEMO0000000000000", "••••0000" },
    { "clé-secrète-éèàü", "••••éèàü" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *masked = tw_secrets_mask (cases[i].value);

      g_assert_cmpstr (masked, ==, cases[i].masked);
      /* Never more than four characters of the secret; the length does not show. */
      if (*masked != '\0')
        g_assert_cmpint (g_utf8_strlen (masked, -1), ==, 8);
    }
}

/* Counts the files under @dir (recursively) that contain @needle; adds to *n_keyrings
 * the gnome-keyring files seen. */
static guint
count_files_containing (const char *dir,
                        const char *needle,
                        guint      *n_keyrings)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *entry;
  guint hits = 0;

  if (handle == NULL)
    return 0;

  while ((entry = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, entry, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          hits += count_files_containing (path, needle, n_keyrings);
          continue;
        }
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;

      if (g_str_has_suffix (entry, ".keyring"))
        (*n_keyrings)++;

      if (g_file_get_contents (path, &contents, &length, NULL)
          && g_strstr_len (contents, length, needle) != NULL)
        {
          g_test_message ("the secret is in plain text in %s", path);
          hits++;
        }
    }
  return hits;
}

static void
assert_item_label (const char *profile,
                   const char *expected_label)
{
  static const SecretSchema schema = {
    TW_SECRET_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    { { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
  };
  g_autoptr(GError) error = NULL;
  GList *items;

  items = secret_password_search_sync (&schema, SECRET_SEARCH_ALL, NULL, &error,
                                       "profile", profile, NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  {
    g_autofree char *label = secret_retrievable_get_label (items->data);
    g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (items->data);

    g_assert_cmpstr (label, ==, expected_label);
    g_assert_cmpstr (g_hash_table_lookup (attributes, "xdg:schema"), ==, TW_SECRET_SCHEMA_NAME);
    g_assert_cmpstr (g_hash_table_lookup (attributes, "service"), ==, "investiq");
    g_assert_cmpstr (g_hash_table_lookup (attributes, "name"), ==, "api_key");
  }
  g_list_free_full (items, g_object_unref);
}

static void
test_keyring (void)
{
  g_autoptr(TwSecrets) secrets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *other_profile = NULL;
  g_autofree char *label = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *value = NULL;
  g_autofree char *value_sync = NULL;
  g_autofree char *kept = NULL;
  guint hits = 0;
  guint n_keyrings = 0;

  if (g_getenv ("TW_TEST_SESSION") == NULL)
    {
      g_test_skip ("The keyring test needs the test session's gnome-keyring: "
                   "run it with `build-aux/run test`.");
      return;
    }

  /* Unique per run, so a keyring left from an earlier run cannot make this pass. */
  uuid = g_uuid_string_random ();
  secret = g_strdup_printf ("tw-secret-%s", uuid);
  profile = g_strdup_printf ("test-%u", g_random_int ());
  other_profile = g_strconcat (profile, "-other", NULL);
  label = g_strdup_printf ("Trade Warden: %s / investiq / api_key", profile);

  secrets = tw_secrets_new_keyring ();
  g_assert_false (tw_secrets_is_memory (secrets));

  store_async_and_wait (secrets, profile, "investiq", "api_key", secret);

  value = lookup_async_and_wait (secrets, profile, "investiq", "api_key");
  g_assert_cmpstr (value, ==, secret);
  value_sync = lookup_sync (secrets, profile, "investiq", "api_key");
  g_assert_cmpstr (value_sync, ==, secret);
  assert_item_label (profile, label);

  /* Another profile, service or name does not see it. */
  g_assert_null (lookup_sync (secrets, other_profile, "investiq", "api_key"));
  g_assert_null (lookup_sync (secrets, profile, "alpaca", "api_key"));
  g_assert_null (lookup_sync (secrets, profile, "investiq", "live_trading_key"));

  /* On disk: nowhere in plain text, not even in gnome-keyring's own file. */
  hits += count_files_containing (g_get_user_config_dir (), secret, &n_keyrings);
  hits += count_files_containing (g_get_user_data_dir (), secret, &n_keyrings);
  hits += count_files_containing (session_data_dir, secret, &n_keyrings);
  g_assert_cmpuint (hits, ==, 0);
  g_assert_cmpuint (n_keyrings, >=, 1);

  /* clear removes it; clear_profile removes only that profile's. */
  g_assert_true (tw_secrets_clear_sync (secrets, profile, "investiq", "api_key", NULL, &error));
  g_assert_no_error (error);
  g_assert_null (lookup_sync (secrets, profile, "investiq", "api_key"));

  g_assert_true (tw_secrets_store_sync (secrets, profile, "investiq", "api_key", "one", NULL, &error));
  g_assert_true (tw_secrets_store_sync (secrets, profile, "alpaca", "key_id", "two", NULL, &error));
  g_assert_true (tw_secrets_store_sync (secrets, other_profile, "alpaca", "key_id", "three", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tw_secrets_clear_profile_sync (secrets, profile, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (lookup_sync (secrets, profile, "investiq", "api_key"));
  g_assert_null (lookup_sync (secrets, profile, "alpaca", "key_id"));
  kept = lookup_sync (secrets, other_profile, "alpaca", "key_id");
  g_assert_cmpstr (kept, ==, "three");
  g_assert_true (tw_secrets_clear_profile_sync (secrets, other_profile, NULL, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  const char *data_home = g_getenv ("XDG_DATA_HOME");

  session_data_dir = data_home != NULL && *data_home != '\0'
                     ? g_strdup (data_home)
                     : g_build_filename (g_get_home_dir (), ".local", "share", NULL);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/secrets/memory/store-lookup", test_memory_store_lookup);
  g_test_add_func ("/tw/core/secrets/memory/clear", test_memory_clear);
  g_test_add_func ("/tw/core/secrets/mask", test_mask);
  g_test_add_func ("/tw/core/secrets/keyring", test_keyring);

  return g_test_run ();
}
