/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A runbook's .env imported as a profile (paper and live, and what it refuses), and no
 * secret on disk after an import or an edit. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "tw-http-private.h"
#include "tw-connector-registry.h"
#include "tw-error.h"
#include "tw-profile-fixture.h"
#include "tw-test-util.h"

/* The shipped connectors, whose "env" keys drive the import. */
static TwConnectorRegistry *shipped;

static TwConnectorRegistry *
registry (void)
{
  GPtrArray *problems;

  /* Made in the first test that needs it: outside a test the isolated dirs are /dev/null. */
  if (shipped == NULL)
    {
      shipped = tw_connector_registry_new ();
      tw_connector_registry_load_default (shipped);
    }
  problems = tw_connector_registry_get_problems (shipped);
  if (problems->len > 0)
    g_error ("A shipped connector was refused: %s", (const char *) g_ptr_array_index (problems, 0));
  return shipped;
}

/* A runbook's .env, as people write them. */
static const char paper_env[] =
  "# InvestIQ + Alpaca paper\n"
  "export ALPACA_API_KEY=PKTEST1234567890ABCD\n"
  "ALPACA_SECRET_KEY=\"paper-secret-with-#hash-and \\\"quote\\\"\"\n"
  "ALPACA_BASE_URL=https://paper-api.alpaca.markets/v2 # paper!\n"
  "\n"
  "API_KEYS = 'first-key-aaaaaaaa, second-key-bbbbbbbb'\n"
  "LIVE_TRADING_KEY=live-key-cccccccc\n"
  "API_BASE_URL=http://127.0.0.1:3100/\n"
  "ML_SERVICE_URL=http://127.0.0.1:8104/\n"   /* 000's ML service: an endpoint's address */
  "IBKR_ASSISTANT_URL=http://10.0.0.5:8001\r\n"
  "IBKR_HOST=10.0.0.5\n"   /* the IBKR gateway's, not the assistant's: not read */
  "IBKR_PORT=7497\n"
  "AI_TRADING_URL=http://127.0.0.1:8002\n"
  "AUTOTRADER_URL=http://localhost:8003/\n"
  "DATABASE_URL=postgres://x\n"
  "TRADING_MODE=live\n";   /* the Alpaca URL decides: paper */

static char *
lookup (TwSecrets  *secrets,
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
assert_secret (TwSecrets  *secrets,
               const char *profile,
               const char *service,
               const char *name,
               const char *expected)
{
  g_autofree char *value = lookup (secrets, profile, service, name);

  g_assert_cmpstr (value, ==, expected);
}

static void
test_import_env_paper (void)
{
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TwProfile) profile = tw_profile_import_env (paper_env, "runbook", registry (), secrets, &error);
  g_autofree char *data = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (tw_profile_get_name (profile), ==, "runbook");
  g_assert_cmpint (tw_profile_get_mode (profile), ==, TW_MODE_PAPER);

  g_assert_cmpuint (g_list_model_get_n_items (tw_profile_get_services (profile)), ==, 5);
  /* In the registry's order (by connector name), named as the connectors are. */
  tw_profile_fixture_assert_service (profile, 0, "ai-trading", "AI Trading", "ai-trading", "http://127.0.0.1:8002");
  tw_profile_fixture_assert_service (profile, 1, "alpaca", "Alpaca (paper)", "alpaca", "https://paper-api.alpaca.markets");
  tw_profile_fixture_assert_service (profile, 2, "autotrader", "Autotrader", "autotrader", "http://localhost:8003");
  tw_profile_fixture_assert_service (profile, 3, "ibkr-assistant", "IBKR Assistant", "ibkr-assistant", "http://10.0.0.5:8001");
  tw_profile_fixture_assert_service (profile, 4, "investiq", "InvestIQ", "investiq", "http://127.0.0.1:3100");
  /* 000's ML_SERVICE_URL: the investiq connector's endpoint "ml_service", its setting */
  {
    TwService *investiq = tw_profile_lookup_service (profile, "investiq");
    TwService *ai = tw_profile_lookup_service (profile, "ai-trading");

    g_assert_cmpstr (tw_service_get_setting (investiq, "MlServiceUrl"), ==, "http://127.0.0.1:8104");
    /* none given: the connector's default is used, nothing is written */
    g_assert_null (tw_service_get_setting (ai, "RateGateUrl"));
  }

  assert_secret (secrets, "runbook", "alpaca", "key_id", "PKTEST1234567890ABCD");
  assert_secret (secrets, "runbook", "alpaca", "secret_key", "paper-secret-with-#hash-and \"quote\"");
  assert_secret (secrets, "runbook", "investiq", "api_key", "first-key-aaaaaaaa");
  assert_secret (secrets, "runbook", "investiq", "live_trading_key", "live-key-cccccccc");
  assert_secret (secrets, "runbook", "ibkr-assistant", "api_key", "first-key-aaaaaaaa");
  assert_secret (secrets, "runbook", "ai-trading", "api_key", "first-key-aaaaaaaa");
  assert_secret (secrets, "runbook", "autotrader", "api_key", "first-key-aaaaaaaa");
  assert_secret (secrets, "runbook", "investiq", "second_key", NULL);

  /* The profile itself holds none of it, and saves cleanly. */
  data = tw_profile_to_data (profile);
  g_assert_null (strstr (data, "PKTEST"));
  g_assert_null (strstr (data, "paper-secret"));
  g_assert_null (strstr (data, "key-"));
  g_assert_nonnull (strstr (data, "MlServiceUrl=http://127.0.0.1:8104"));
  g_assert_true (tw_profile_save (profile, NULL, &error));
  g_assert_no_error (error);

  /* an endpoint's address that is not one: refused, naming the variable */
  g_clear_object (&profile);
  profile = tw_profile_import_env ("API_KEYS=k1\nINVESTIQ_URL=http://127.0.0.1:3000\n"
                                   "ML_SERVICE_URL=localhost:8004\n",
                                   "bad", registry (), secrets, &error);
  g_assert_null (profile);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "ML_SERVICE_URL"));
}

static void
test_import_env_live (void)
{
  struct {
    const char *env;
    TwMode      mode;
    const char *alpaca_url;  /* NULL: no alpaca service */
  } cases[] = {
    { "ALPACA_API_KEY=AKLIVE1234567890ABCD\nALPACA_SECRET_KEY=live-secret\n"
      "ALPACA_BASE_URL=https://api.alpaca.markets/v2/\nTRADING_MODE=paper\n",
      TW_MODE_LIVE, "https://api.alpaca.markets" },
    { "ALPACA_API_KEY=AKLIVE1234567890ABCD\nALPACA_BASE_URL=https://api.alpaca.markets\n",
      TW_MODE_LIVE, "https://api.alpaca.markets" },
    { "ALPACA_API_KEY=PKTEST1234567890ABCD\n", TW_MODE_PAPER, "https://paper-api.alpaca.markets" },
    { "APCA_API_KEY_ID=PKTEST1234567890ABCD\nALPACA_BASE_URL=http://127.0.0.1:9000\n",
      TW_MODE_PAPER, "http://127.0.0.1:9000" },
    { "ALPACA_API_KEY=PKTEST1234567890ABCD\nALPACA_BASE_URL=http://127.0.0.1:9000\nTRADING_MODE=LIVE\n",
      TW_MODE_LIVE, "http://127.0.0.1:9000" },
    { "ALPACA_API_KEY=PKTEST1234567890ABCD\nAPCA_API_BASE_URL=http://127.0.0.1:9000/v2\nLIVE_TRADING=true\n",
      TW_MODE_LIVE, "http://127.0.0.1:9000" },
    { "API_KEYS=k\nLIVE_TRADING=true\n", TW_MODE_LIVE, NULL },
    { "API_KEYS=k\nLIVE_TRADING=false\n", TW_MODE_PAPER, NULL },
    /* The IBKR assistant's own switches (its runbook's ENV and LIVE_TRADING_MODE). */
    { "IBKR_ASSISTANT_URL=http://127.0.0.1:8000\nENV=live\n", TW_MODE_LIVE, NULL },
    { "IBKR_ASSISTANT_URL=http://127.0.0.1:8000\nENV=dev\nTRADING_MODE=live\n", TW_MODE_PAPER, NULL },
    { "IBKR_ASSISTANT_URL=http://127.0.0.1:8000\nLIVE_TRADING_MODE=true\n", TW_MODE_LIVE, NULL },
    /* Live anywhere is live: a paper broker does not hide a live assistant. */
    { "ALPACA_API_KEY=PKTEST1234567890ABCD\nIBKR_ASSISTANT_URL=http://127.0.0.1:8000\nENV=live\n",
      TW_MODE_LIVE, "https://paper-api.alpaca.markets" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
      g_autoptr(GError) error = NULL;
      g_autoptr(TwProfile) profile = tw_profile_import_env (cases[i].env, "live", registry (), secrets, &error);
      TwService *alpaca;

      g_assert_no_error (error);
      g_assert_cmpint (tw_profile_get_mode (profile), ==, cases[i].mode);
      alpaca = tw_profile_lookup_service (profile, "alpaca");
      if (cases[i].alpaca_url == NULL)
        {
          g_assert_null (alpaca);
          continue;
        }
      g_assert_nonnull (alpaca);
      g_assert_cmpstr (tw_service_get_base_url (alpaca), ==, cases[i].alpaca_url);
      g_assert_cmpstr (tw_service_get_connector_id (alpaca), ==, "alpaca");
    }

  /* The first case in full: live secrets, under the new profile's name. */
  {
    g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
    g_autoptr(GError) error = NULL;
    g_autoptr(TwProfile) profile = tw_profile_import_env (cases[0].env, "prod", registry (), secrets, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (tw_profile_get_services (profile)), ==, 1);
    tw_profile_fixture_assert_service (profile, 0, "alpaca", "Alpaca (live)", "alpaca", "https://api.alpaca.markets");
    assert_secret (secrets, "prod", "alpaca", "key_id", "AKLIVE1234567890ABCD");
    assert_secret (secrets, "prod", "alpaca", "secret_key", "live-secret");
    assert_secret (secrets, "live", "alpaca", "key_id", NULL);
  }

  /* IBKR: the assistant URL wins over host/port; its own key over API_KEYS. */
  {
    g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
    g_autoptr(GError) error = NULL;
    g_autoptr(TwProfile) profile =
      tw_profile_import_env ("IBKR_ASSISTANT_URL=http://ibkr.lan:8000/\nIBKR_HOST=x\nIBKR_PORT=1\n"
                             "IBKR_API_KEY=ibkr-own\nAPI_KEYS=shared\n",
                             "ib", registry (), secrets, &error);

    g_assert_no_error (error);
    tw_profile_fixture_assert_service (profile, 0, "ibkr-assistant", NULL, "ibkr-assistant", "http://ibkr.lan:8000");
    assert_secret (secrets, "ib", "ibkr-assistant", "api_key", "ibkr-own");
    assert_secret (secrets, "ib", "investiq", "api_key", "shared");
    tw_profile_fixture_assert_service (profile, 1, "investiq", NULL, "investiq", "http://127.0.0.1:3000");
    g_assert_cmpuint (g_list_model_get_n_items (tw_profile_get_services (profile)), ==, 2);
  }
}

static void
test_import_env_errors (void)
{
  struct {
    const char *env;
    const char *name;
    const char *message;
    const char *secret;
  } cases[] = {
    { "# ok\nAPI_KEYS=a\nsecret-value-without-equals\n", "x",
      "Line 3 of the .env file is not a KEY=VALUE line: the variable name is not followed by “=”. "
      "Fix that line and import the file again.", "secret-value" },
    { "API_KEYS=a\n\nALPACA_SECRET_KEY=\"unterminated-secret\nX=1\n", "x",
      "Line 3 of the .env file is not a KEY=VALUE line: a quoted value is not closed. "
      "Fix that line and import the file again.", "unterminated-secret" },
    { "API_KEYS='closed'trailing-secret\n", "x",
      "Line 1 of the .env file is not a KEY=VALUE line: there is text after the closing quote. "
      "Fix that line and import the file again.", "trailing-secret" },
    { "1API_KEYS=a\n", "x", NULL, NULL },
    { "=orphan-secret\n", "x", NULL, "orphan-secret" },
    { "# nothing for us\nDATABASE_URL=postgres://u:p@h/db\nFOO=bar\n", "x",
      "The .env file names no service Trade Warden can import (AI_TRADING_URL, ALPACA_API_KEY, "
      "APCA_API_KEY_ID, ALPACA_SECRET_KEY, APCA_API_SECRET_KEY, ALPACA_BASE_URL, "
      "APCA_API_BASE_URL, AUTOTRADER_URL, IBKR_API_KEY, IBKR_ASSISTANT_URL, API_KEYS, "
      "LIVE_TRADING_KEY, INVESTIQ_URL, API_BASE_URL). Choose the runbook's .env file, or "
      "create the profile by hand.", NULL },
    { "", "x", NULL, NULL },
    { "API_KEYS=a\n", "bad name", NULL, NULL },
    { "API_KEYS=a\nINVESTIQ_URL=not-a-url\n", "x",
      "INVESTIQ_URL in the .env file is not an http:// or https:// address with a host. "
      "Fix it and import the file again.", NULL },
    { "AUTOTRADER_URL=https://u:hidden-pass@h.example\n", "x", NULL, "hidden-pass" },
    /* A control character hid the password from the check (found by fuzz-env). */
    { "API_KEYS=a\nINVESTIQ_URL=http://desk\r{x}:hidden-pass@h.example\n", "x",
      "INVESTIQ_URL in the .env file is not an http:// or https:// address with a host. "
      "Fix it and import the file again.", "hidden-pass" },
    /* The IBKR gateway's address is not the assistant's: nothing to import. */
    { "IBKR_HOST=h\nIBKR_PORT=7497\n", "x", NULL, NULL },
    /* A key that cannot be one (the connector's "format"), named by its variable only. */
    { "ALPACA_API_KEY=secret-looking-wrong-key\n", "x",
      "ALPACA_API_KEY in the .env file does not look right: API key ID: an Alpaca key ID starts "
      "with PK (paper) or AK (live) followed by 16 to 20 letters and digits. Fix it and import "
      "the file again.", "secret-looking" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
      g_autoptr(GError) error = NULL;
      g_autoptr(TwProfile) profile = tw_profile_import_env (cases[i].env, cases[i].name, registry (), secrets, &error);

      g_assert_null (profile);
      g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
      g_test_message ("%s", error->message);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
      if (cases[i].secret != NULL)
        g_assert_null (strstr (error->message, cases[i].secret));
      /* Nothing stored when the import fails. */
      assert_secret (secrets, cases[i].name, "investiq", "api_key", NULL);
    }
}

static guint
count_hits (const char  *dir,
            const char  *needle,
            guint       *n_files)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *entry;
  guint hits = 0;

  g_assert_nonnull (handle);
  while ((entry = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, entry, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          hits += count_hits (path, needle, n_files);
          continue;
        }
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      (*n_files)++;
      if (g_strstr_len (contents, length, needle) != NULL)
        hits++;
    }
  return hits;
}

static void
test_no_secrets_on_disk (void)
{
  const char *values[] = {
    "PKTEST1234567890ABCD", "paper-secret-with-#hash-and", "first-key-aaaaaaaa",
    "second-key-bbbbbbbb", "live-key-cccccccc", "editor-entered-secret-42",
  };
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TwProfile) profile = tw_profile_import_env (paper_env, "runbook", registry (), secrets, &error);
  g_autoptr(TwProfile) other = tw_profile_fixture_new_full ();
  guint total_hits = 0;

  g_assert_no_error (error);
  g_assert_true (tw_secrets_store_sync (secrets, "ops_live-1", "investiq", "api_key",
                                       "editor-entered-secret-42", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tw_profile_save (profile, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tw_profile_save (other, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      guint n_files = 0;

      total_hits += count_hits (g_get_user_config_dir (), values[i], &n_files);
      g_assert_cmpuint (n_files, >=, 2);
    }
  g_assert_cmpuint (total_hits, ==, 0);

  /* The needle search works: the saved files do hold the non-secret parts. */
  {
    guint n_files = 0;

    g_assert_cmpuint (count_hits (g_get_user_config_dir (), "https://paper-api.alpaca.markets", &n_files), ==, 1);
  }
}

/* Hostile names: every entry point (menu, --profile, D-Bus, command line) goes through
 * tw_profile_check_name() and tw_profile_load_by_name(). */

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/profile/import-env/paper", test_import_env_paper);
  g_test_add_func ("/tw/core/profile/import-env/live", test_import_env_live);
  g_test_add_func ("/tw/core/profile/import-env/errors", test_import_env_errors);
  g_test_add_func ("/tw/core/profile/no-secrets-on-disk", test_no_secrets_on_disk);

  ret = g_test_run ();
  if (shipped != NULL)
    g_assert_finalize_object (shipped);
  return ret;
}
