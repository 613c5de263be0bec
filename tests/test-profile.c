/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "tw-client.h"
#include "tw-http-private.h"
#include "tw-connector-registry.h"
#include "tw-error.h"
#include "tw-profile-fixture.h"
#include "tw-test-util.h"

static void
on_client_result (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
assert_file_mode (const char *path,
                  guint       mode)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, mode);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
assert_full_profile (TwProfile *profile)
{
  GPtrArray *databases = tw_profile_get_databases (profile);
  GPtrArray *logs = tw_profile_get_logs (profile);
  TwDatabaseConfig *db;
  TwLogConfig *log;

  g_assert_cmpstr (tw_profile_get_name (profile), ==, "ops_live-1");
  g_assert_cmpint (tw_profile_get_mode (profile), ==, TW_MODE_LIVE);

  g_assert_cmpuint (g_list_model_get_n_items (tw_profile_get_services (profile)), ==, 2);
  tw_profile_fixture_assert_service (profile, 0, "investiq", "InvestIQ — main, “prod”", "investiq", "http://127.0.0.1:3000");
  tw_profile_fixture_assert_service (profile, 1, "alpaca", "Alpaca (live)", "alpaca", "https://api.alpaca.markets");

  g_assert_cmpuint (databases->len, ==, 2);
  db = g_ptr_array_index (databases, 0);
  g_assert_cmpstr (db->id, ==, "audit");
  g_assert_cmpstr (db->path, ==, "/srv/ibkr/audit.db");
  g_assert_cmpstr (db->backup_dir, ==, "/srv/backups/audit");
  g_assert_cmpuint (db->retention_days, ==, 14);
  g_assert_cmpuint (db->schedule_hours, ==, 24);
  db = g_ptr_array_index (databases, 1);
  g_assert_cmpstr (db->id, ==, "trades");
  g_assert_cmpstr (db->path, ==, "/srv/bot/trades db.sqlite");
  g_assert_null (db->backup_dir);
  g_assert_cmpuint (db->retention_days, ==, 0);
  g_assert_cmpuint (db->schedule_hours, ==, 0);

  g_assert_cmpuint (logs->len, ==, 2);
  log = g_ptr_array_index (logs, 0);
  g_assert_cmpstr (log->id, ==, "trading");
  g_assert_cmpstr (log->path, ==, "/srv/bot/logs/trading.log");
  log = g_ptr_array_index (logs, 1);
  g_assert_cmpstr (log->id, ==, "audit-chain");
  g_assert_cmpstr (log->path, ==, "/srv/bot/logs/audit/audit_log.jsonl");
}

/* [Profile] HostCommands: off unless written; saved only when on; a load sets it on
 * every service, and so does a service added later; a value not a boolean is refused. */
static void
test_host_commands (void)
{
  static const char base[] =
    "[Profile]\nName=hc\nMode=paper\n%s\n"
    "[Service bot]\nConnector=cron-bot\nBaseUrl=file:///srv/bot\n";
  g_autoptr(GError) error = NULL;
  g_autofree char *off_text = g_strdup_printf (base, "");
  g_autofree char *on_text = g_strdup_printf (base, "HostCommands=true\n");
  g_autofree char *bad_text = g_strdup_printf (base, "HostCommands=sometimes\n");
  g_autoptr(TwProfile) off = tw_profile_load_from_data (off_text, "hc.conf", &error);
  g_autoptr(TwProfile) on = NULL;
  g_autoptr(TwProfile) bad = NULL;
  g_autoptr(TwProfile) again = NULL;
  g_autoptr(TwService) added = tw_service_new ("later", "cron-bot", "file:///srv/later");
  g_autofree char *saved_off = NULL;
  g_autofree char *saved_on = NULL;

  g_assert_no_error (error);
  g_assert_false (tw_profile_get_host_commands (off));
  g_assert_false (tw_service_get_host_commands (tw_profile_lookup_service (off, "bot")));
  saved_off = tw_profile_to_data (off);
  g_assert_null (strstr (saved_off, "HostCommands"));

  on = tw_profile_load_from_data (on_text, "hc.conf", &error);
  g_assert_no_error (error);
  g_assert_true (tw_profile_get_host_commands (on));
  g_assert_true (tw_service_get_host_commands (tw_profile_lookup_service (on, "bot")));
  tw_profile_add_service (on, added);
  g_assert_true (tw_service_get_host_commands (added));
  saved_on = tw_profile_to_data (on);
  g_assert_nonnull (strstr (saved_on, "HostCommands=true\n"));
  again = tw_profile_load_from_data (saved_on, "hc.conf", &error);
  g_assert_no_error (error);
  g_assert_true (tw_profile_get_host_commands (again));

  tw_profile_set_host_commands (on, FALSE);
  g_assert_false (tw_service_get_host_commands (added));
  g_assert_false (tw_service_get_host_commands (tw_profile_lookup_service (on, "bot")));

  bad = tw_profile_load_from_data (bad_text, "hc.conf", &error);
  g_assert_null (bad);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“HostCommands” must be “true” or “false”"));
}

static void
test_round_trip (void)
{
  g_autoptr(TwProfile) profile = tw_profile_fixture_new_full ();
  g_autoptr(TwProfile) loaded = NULL;
  g_autoptr(TwProfile) from_data = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = tw_profile_get_dir ();
  g_autofree char *expected_path = g_build_filename (dir, "ops_live-1.conf", NULL);
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;

  g_assert_true (g_str_has_prefix (dir, g_get_user_config_dir ()));
  g_assert_true (g_str_has_suffix (dir, "/tradewarden/profiles"));
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  g_assert_true (tw_profile_save (profile, NULL, &error));
  g_assert_no_error (error);

  file = tw_profile_default_file (profile);
  path = g_file_get_path (file);
  g_assert_cmpstr (path, ==, expected_path);
  assert_file_mode (path, 0600);
  assert_file_mode (dir, 0700);

  loaded = tw_profile_load (file, &error);
  g_assert_no_error (error);
  assert_full_profile (loaded);

  /* Saving over an existing, looser file gives 0600 again (atomic replace). */
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  tw_profile_set_mode (loaded, TW_MODE_PAPER);
  g_assert_true (tw_profile_save (loaded, file, &error));
  g_assert_no_error (error);
  assert_file_mode (path, 0600);
  g_clear_object (&loaded);
  loaded = tw_profile_load (file, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tw_profile_get_mode (loaded), ==, TW_MODE_PAPER);

  data = tw_profile_to_data (profile);
  from_data = tw_profile_load_from_data (data, "whatever.conf", &error);
  g_assert_no_error (error);
  assert_full_profile (from_data);

  g_assert_finalize_object (g_steal_pointer (&from_data));
  g_assert_finalize_object (g_steal_pointer (&profile));
}

static void
test_properties (void)
{
  g_autoptr(TwProfile) profile = tw_profile_new ("a", TW_MODE_PAPER);
  g_autoptr(TwService) first = tw_service_new ("svc", "investiq", "http://127.0.0.1:1");
  g_autoptr(TwService) second = tw_service_new ("svc", "autotrader", "http://127.0.0.1:2");
  g_autoptr(GListModel) services = NULL;
  guint name_notifies = 0;
  guint mode_notifies = 0;
  TwMode mode;

  g_signal_connect (profile, "notify::name", G_CALLBACK (count_notify), &name_notifies);
  g_signal_connect (profile, "notify::mode", G_CALLBACK (count_notify), &mode_notifies);

  tw_profile_set_name (profile, "a");
  tw_profile_set_mode (profile, TW_MODE_PAPER);
  g_assert_cmpuint (name_notifies, ==, 0);
  g_assert_cmpuint (mode_notifies, ==, 0);
  g_object_set (profile, "name", "b", "mode", TW_MODE_LIVE, NULL);
  g_assert_cmpuint (name_notifies, ==, 1);
  g_assert_cmpuint (mode_notifies, ==, 1);
  g_object_get (profile, "mode", &mode, "services", &services, NULL);
  g_assert_cmpint (mode, ==, TW_MODE_LIVE);
  g_assert_true (services == tw_profile_get_services (profile));

  /* Same id: replaced in place. */
  tw_profile_add_service (profile, first);
  tw_profile_add_service (profile, second);
  g_assert_cmpuint (g_list_model_get_n_items (services), ==, 1);
  g_assert_true (tw_profile_lookup_service (profile, "svc") == second);
  g_assert_null (tw_profile_lookup_service (profile, "other"));
  /* Messages name a service by its display name, or by its id when it is unknown. */
  g_object_set (second, "name", "Second Service", NULL);
  g_assert_cmpstr (tw_profile_get_service_name (profile, "svc"), ==, "Second Service");
  g_assert_cmpstr (tw_profile_get_service_name (profile, "other"), ==, "other");
  g_assert_false (tw_profile_remove_service (profile, "other"));
  g_assert_true (tw_profile_remove_service (profile, "svc"));
  g_assert_cmpuint (g_list_model_get_n_items (services), ==, 0);

  g_assert_true (tw_profile_name_is_valid ("Paper_1-x"));
  g_assert_false (tw_profile_name_is_valid (""));
  g_assert_false (tw_profile_name_is_valid ("has space"));
  g_assert_false (tw_profile_name_is_valid ("../etc"));
  g_assert_false (tw_profile_name_is_valid ("é"));
  {
    g_autofree char *longest = g_strnfill (64, 'a');
    g_autofree char *too_long = g_strnfill (65, 'a');

    g_assert_true (tw_profile_name_is_valid (longest));
    g_assert_false (tw_profile_name_is_valid (too_long));
  }
}

#define BASE "[Profile]\nName=alpaca\nMode=paper\n"
#define SVC  "[Service alpaca]\nConnector=alpaca\n"

static void
assert_refused (const char *data,
                const char *filename,
                const char *expected_message,
                const char *secret)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwProfile) profile = tw_profile_load_from_data (data, filename, &error);

  g_assert_null (profile);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_test_message ("%s", error->message);
  if (expected_message != NULL)
    g_assert_cmpstr (error->message, ==, expected_message);
  if (secret != NULL)
    g_assert_null (strstr (error->message, secret));
}

static void
test_secret_refused (void)
{
  struct {
    const char *data;
    const char *message;
    const char *secret;
  } cases[] = {
    /* A key named like a secret. */
    { BASE SVC "BaseUrl=https://paper-api.alpaca.markets\nApiKey=PKABCDEFGHIJ12345678\n",
      "alpaca.conf: [Service alpaca] key “ApiKey” holds a secret. Secrets are kept only in the "
      "keyring: remove the line and enter the key in the profile editor.",
      "PKABCDEFGHIJ12345678" },
    { BASE SVC "BaseUrl=https://paper-api.alpaca.markets\nsecret_key=hunter2\n",
      "alpaca.conf: [Service alpaca] key “secret_key” holds a secret. Secrets are kept only in "
      "the keyring: remove the line and enter the key in the profile editor.",
      "hunter2" },
    { "[Profile]\nName=alpaca\nMode=paper\nAuthToken=abc\n",
      "alpaca.conf: [Profile] key “AuthToken” holds a secret. Secrets are kept only in the "
      "keyring: remove the line and enter the key in the profile editor.",
      "abc" },
    { BASE "[Database audit]\nPath=/x.db\nDB_PASSWORD=opensesame\n", NULL, "opensesame" },
    { BASE "[Log trading]\nPath=/x.log\nPassphrase=correct horse\n", NULL, "correct horse" },
    { BASE "[Whatever]\nX-Credential=zzz-top\n", NULL, "zzz-top" },
    /* A value that is a known secret, under an innocent key. */
    { BASE SVC "BaseUrl=https://paper-api.alpaca.markets\nName=AKZ9Y8X7W6V5U4T3S2R1\n",
      "alpaca.conf: [Service alpaca] key “Name” holds a secret. Secrets are kept only in the "
      "keyring: remove it from the value and enter the key in the profile editor.",
      "AKZ9Y8X7W6V5U4T3S2R1" },
    /* Secrets inside the base URL. */
    { BASE SVC "BaseUrl=https://user:pass@paper-api.alpaca.markets\n",
      "alpaca.conf: [Service alpaca] key “BaseUrl” holds a secret. Secrets are kept only in the "
      "keyring: remove it from the value and enter the key in the profile editor.",
      "user:pass" },
    { BASE SVC "BaseUrl=https://h.example/api?apikey=s3cr3t\n", NULL, "s3cr3t" },
    { BASE SVC "BaseUrl=https://h.example/api?x=9f8e7d6c5b4a39281716aBcDzQ\n", NULL,
      "9f8e7d6c5b4a39281716aBcDzQ" },
    { BASE SVC "BaseUrl=https://ghp9f8e7d6c5b4a39281716aBcD@h.example\n", NULL,
      "ghp9f8e7d6c5b4a39281716aBcD" },
    /* A secret pasted where it breaks the syntax is not quoted by the error either. */
    { BASE SVC "BaseUrl=https://h.example\nPKABCDEFGHIJ12345678\n",
      "alpaca.conf: line 7 is neither a [Group], a Key=Value line nor a # comment. "
      "Fix or remove that line.",
      "PKABCDEFGHIJ12345678" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_refused (cases[i].data, "/some/dir/alpaca.conf", cases[i].message, cases[i].secret);

  /* Not secrets: an empty key, plain URLs with harmless queries, ordinary words. */
  {
    const char *fine[] = {
      BASE SVC "BaseUrl=https://paper-api.alpaca.markets\nApiKey=\n",
      BASE SVC "BaseUrl=http://127.0.0.1:3000/api?limit=50&status=PENDING\n",
      BASE SVC "BaseUrl=https://h.example\nName=PKG builder PK short\n",
      BASE "[Database audit]\nPath=/srv/ibkr/audit-2026-11-23.db\n",
    };

    for (guint i = 0; i < G_N_ELEMENTS (fine); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(TwProfile) profile = tw_profile_load_from_data (fine[i], "alpaca.conf", &error);

        g_assert_no_error (error);
        g_assert_nonnull (profile);
      }
  }

  /* Save refuses to write a secret too. */
  {
    g_autoptr(TwProfile) profile = tw_profile_new ("leaky", TW_MODE_PAPER);
    g_autoptr(TwService) service = tw_service_new ("x", "investiq", "https://u:topsecret@h.example");
    g_autoptr(GError) error = NULL;
    g_autoptr(GFile) file = NULL;

    tw_profile_add_service (profile, service);
    g_assert_false (tw_profile_save (profile, NULL, &error));
    g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
    g_assert_null (strstr (error->message, "topsecret"));
    file = tw_profile_default_file (profile);
    g_assert_false (g_file_query_exists (file, NULL));
  }
}

static void
test_invalid (void)
{
  struct {
    const char *data;
    const char *message;
  } cases[] = {
    { "[Profile]\nName=alpaca\nMode=real\n",
      "alpaca.conf: [Profile] “Mode” must be “paper” or “live”. Set Mode=paper or Mode=live." },
    { "[Profile]\nName=alpaca\n",
      "alpaca.conf: [Profile] “Mode” must be “paper” or “live”. Set Mode=paper or Mode=live." },
    { "[Service a]\nConnector=x\nBaseUrl=http://h\n",
      "alpaca.conf has no [Profile] group. Add one with Name= and Mode=paper or Mode=live." },
    { "[Profile]\nName=has space\nMode=paper\n",
      "alpaca.conf: [Profile] “Name” must be 1 to 64 letters, digits, “-” or “_”. Rename the profile." },
    { BASE SVC "BaseUrl=ftp://h.example\n",
      "alpaca.conf: [Service alpaca] “BaseUrl” “ftp://h.example” is not an http:// or https:// "
      "address with a host. Fix it, e.g. http://127.0.0.1:3000." },
    { BASE SVC "BaseUrl=http://\n", NULL },
    { BASE SVC "BaseUrl=paper-api.alpaca.markets\n", NULL },
    { BASE SVC "\n",
      "alpaca.conf: [Service alpaca] has no “BaseUrl”. Add the service's address, "
      "e.g. BaseUrl=http://127.0.0.1:3000." },
    { BASE "[Service alpaca]\nBaseUrl=https://paper-api.alpaca.markets\n",
      "alpaca.conf: [Service alpaca] has no “Connector”. Add the connector's id (the “id” in its "
      "connector file)." },
    { BASE "[Service alpaca]\nConnector=\nBaseUrl=https://paper-api.alpaca.markets\n", NULL },
    { BASE "[Service Alpaca Main]\nConnector=alpaca\nBaseUrl=https://paper-api.alpaca.markets\n",
      "alpaca.conf: [Service Alpaca Main] the id after the group's kind must use only lower-case "
      "letters, digits, “-” and “_” (e.g. [Service trading-api]). Rename the group." },
    { BASE "[Service ]\nConnector=alpaca\nBaseUrl=https://paper-api.alpaca.markets\n", NULL },
    { BASE "[Database audit]\nBackupDir=/b\n",
      "alpaca.conf: [Database audit] has no “Path”. Add the database file's path." },
    { BASE "[Database audit]\nPath=/a.db\nRetentionDays=-1\n",
      "alpaca.conf: [Database audit] “RetentionDays” must be a whole number of 0 or more. Fix the line." },
    { BASE "[Log x]\n", "alpaca.conf: [Log x] has no “Path”. Add the log file's path." },
    { BASE "[Profile\n", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_refused (cases[i].data, "alpaca.conf", cases[i].message, NULL);

  /* Unknown groups and keys are ignored; a missing Name comes from the file name. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TwProfile) profile =
      tw_profile_load_from_data ("[Profile]\nMode=live\nColour=red\n[Alertmanager]\nUrl=http://h\n"
                                 SVC "BaseUrl=https://api.alpaca.markets/\nFoo=bar\n",
                                 "from-file.conf", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (tw_profile_get_name (profile), ==, "from-file");
    g_assert_cmpint (tw_profile_get_mode (profile), ==, TW_MODE_LIVE);
    tw_profile_fixture_assert_service (profile, 0, "alpaca", NULL, "alpaca", "https://api.alpaca.markets/");
  }
}

static void
write_profile_file (const char *filename,
                    const char *contents)
{
  g_autofree char *dir = tw_profile_get_dir ();
  g_autofree char *path = g_build_filename (dir, filename, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
}

static void
test_list_all (void)
{
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(TwProfile) zulu = tw_profile_new ("zulu", TW_MODE_PAPER);
  g_autoptr(GError) error = NULL;

  /* No folder yet: no profiles, no problems. */
  profiles = tw_profile_list_all (&problems);
  g_assert_cmpuint (profiles->len, ==, 0);
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&profiles, g_ptr_array_unref);
  g_clear_pointer (&problems, g_ptr_array_unref);

  g_assert_true (tw_profile_save (zulu, NULL, &error));
  g_assert_no_error (error);
  write_profile_file ("alpha.conf", "[Profile]\nName=Alpha\nMode=live\n");
  write_profile_file ("bad.conf", BASE SVC "BaseUrl=https://h.example\nApiKey=PKABCDEFGHIJ12345678\n");
  write_profile_file ("notes.txt", "not a profile");

  profiles = tw_profile_list_all (&problems);
  g_assert_cmpuint (profiles->len, ==, 2);
  /* Named after its file, whatever its Name= says; the difference is reported. */
  g_assert_cmpstr (tw_profile_get_name (g_ptr_array_index (profiles, 0)), ==, "alpha");
  g_assert_cmpint (tw_profile_get_mode (g_ptr_array_index (profiles, 0)), ==, TW_MODE_LIVE);
  g_assert_cmpstr (tw_profile_get_name (g_ptr_array_index (profiles, 1)), ==, "zulu");
  g_assert_cmpuint (problems->len, ==, 2);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (problems, 0), "alpha.conf says Name=Alpha"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (problems, 1), "bad.conf: [Service alpaca] key “ApiKey”"));
  g_assert_null (strstr (g_ptr_array_index (problems, 1), "PKABCDEFGHIJ12345678"));
  g_clear_pointer (&profiles, g_ptr_array_unref);

  /* problems is optional. */
  profiles = tw_profile_list_all (NULL);
  g_assert_cmpuint (profiles->len, ==, 2);
}

static void
test_name_checked (void)
{
  static const char * const refused[] = {
    "../../tmp/evil", "..", ".", ".hidden", "a/b", "/etc/passwd", "evil.conf", "a b", "",
    "é", "a\nb", "../profiles/ok",
  };
  g_autofree char *dir = tw_profile_get_dir ();
  g_autofree char *outside = g_build_filename (dir, "..", "..", "tmp", NULL);
  g_autofree char *evil = g_build_filename (outside, "evil.conf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TwProfile) profile = NULL;

  /* The file the name points at exists and is a fine profile: it must not be read. */
  g_assert_cmpint (g_mkdir_with_parents (outside, 0700), ==, 0);
  g_assert_true (g_file_set_contents_full (evil, "[Profile]\nName=paper-desk\nMode=paper\n", -1,
                                           G_FILE_SET_CONTENTS_NONE, 0644, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_assert_false (tw_profile_check_name (refused[i], &error));
      g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
      g_clear_error (&error);
      profile = tw_profile_load_by_name (refused[i], &error);
      g_assert_null (profile);
      g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
      g_assert_null (strstr (error->message, "evil"));
      g_clear_error (&error);
    }
  {
    g_autofree char *too_long = g_strnfill (65, 'a');

    g_assert_false (tw_profile_check_name (too_long, NULL));
  }

  g_assert_true (tw_profile_check_name ("paper-desk_2", &error));
  g_assert_no_error (error);
  profile = tw_profile_load_by_name ("paper-desk_2", &error);
  g_assert_null (profile);
  g_assert_error (error, TW_ERROR, TW_ERROR_NOT_FOUND);
}

/* Only a regular file of the user's, writable by nobody else, of a sane size. */
static void
test_file_refused (void)
{
  g_autofree char *dir = tw_profile_get_dir ();
  g_autofree char *path = g_build_filename (dir, "desk.conf", NULL);
  g_autofree char *link = g_build_filename (dir, "linked.conf", NULL);
  g_autofree char *big = g_build_filename (dir, "big.conf", NULL);
  g_autofree char *folder = g_build_filename (dir, "folder.conf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TwProfile) profile = NULL;
  g_autoptr(GString) huge = g_string_new ("[Profile]\nName=big\nMode=paper\n");

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents_full (path, "[Profile]\nMode=paper\n", -1,
                                           G_FILE_SET_CONTENTS_NONE, 0644, &error));
  g_assert_no_error (error);
  profile = tw_profile_load_by_name ("desk", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tw_profile_get_name (profile), ==, "desk");
  g_clear_object (&profile);

  /* Writable by the group, or by anyone. */
  for (guint mode = 0; mode < 2; mode++)
    {
      g_assert_cmpint (g_chmod (path, mode == 0 ? 0664 : 0646), ==, 0);
      profile = tw_profile_load_by_name ("desk", &error);
      g_assert_null (profile);
      g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "chmod 600"));
      g_clear_error (&error);
    }
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);

  /* A symbolic link, even to a good profile in the same folder. */
  g_assert_cmpint (symlink (path, link), ==, 0);
  profile = tw_profile_load_by_name ("linked", &error);
  g_assert_null (profile);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "symbolic link"));
  g_clear_error (&error);

  /* A folder. */
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  profile = tw_profile_load_by_name ("folder", &error);
  g_assert_null (profile);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_clear_error (&error);

  /* 2 MB of comments: refused before it is read whole, from a file or as data. */
  while (huge->len < 2 * TW_PROFILE_MAX_SIZE)
    g_string_append (huge, "# padding padding padding padding padding padding padding\n");
  g_assert_true (g_file_set_contents_full (big, huge->str, huge->len, G_FILE_SET_CONTENTS_NONE,
                                           0600, &error));
  g_assert_no_error (error);
  profile = tw_profile_load_by_name ("big", &error);
  g_assert_null (profile);
  g_assert_error (error, TW_ERROR, TW_ERROR_TOO_LARGE);
  g_clear_error (&error);
  profile = tw_profile_load_from_data (huge->str, "big.conf", &error);
  g_assert_null (profile);
  g_assert_error (error, TW_ERROR, TW_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* What tw_profile_list_all() makes of them: each refusal reported, the good one listed. */
  {
    g_autoptr(GPtrArray) problems = NULL;
    g_autoptr(GPtrArray) profiles = tw_profile_list_all (&problems);

    g_assert_cmpuint (profiles->len, ==, 1);
    g_assert_cmpstr (tw_profile_get_name (g_ptr_array_index (profiles, 0)), ==, "desk");
    g_assert_cmpuint (problems->len, ==, 3);
  }
}

/* Calls "health" of @profile's InvestIQ service through a client keyed as the workspace
 * keys it (by the profile's name); returns the error, NULL when it was answered. */
static GError *
call_health (TwProfile           *profile,
             TwSecrets           *secrets,
             TwConnectorRegistry *registry,
             TwHttp              *http)
{
  TwService *service = tw_profile_lookup_service (profile, "investiq");
  g_autoptr(TwClient) client = tw_client_new (http, secrets,
                                              tw_connector_registry_lookup (registry, "investiq"),
                                              tw_profile_get_name (profile), service);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) body = NULL;
  GError *error = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  tw_client_call_async (client, "health", NULL, NULL, on_client_result, &result);
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (result);
  body = tw_client_call_finish (client, result, NULL, &error);
  return error;
}

/* A copied profile file whose Name= names another profile is that file's profile, with
 * that file's keys: never the named profile's. */
static void
test_name_from_file (void)
{
  TwSimThread *sim = tw_test_sim_start ();
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  g_autoptr(TwSecrets) secrets = tw_secrets_new_memory ();
  g_autoptr(TwHttp) http = tw_http_new ();
  g_autofree char *contents = NULL;
  g_autofree char *dir = tw_profile_get_dir ();
  g_autofree char *desk = g_build_filename (dir, "paper-desk.conf", NULL);
  g_autofree char *evil = g_build_filename (dir, "evil.conf", NULL);
  g_autoptr(TwProfile) real = NULL;
  g_autoptr(TwProfile) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) call_error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  guint64 requests;

  tw_connector_registry_load_default (registry);
  contents = g_strdup_printf ("[Profile]\nName=paper-desk\nMode=paper\n"
                              "[Service investiq]\nConnector=investiq\nBaseUrl=%s\n",
                              tw_sim_thread_get_url (sim, "investiq"));
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents_full (desk, contents, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error));
  g_assert_true (g_file_set_contents_full (evil, contents, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error));
  g_assert_no_error (error);
  g_assert_true (tw_secrets_store_sync (secrets, "paper-desk", "investiq", "api_key",
                                        tw_sim_thread_get_credential (sim, "api_key"), NULL, &error));
  g_assert_no_error (error);

  /* The real one sends its key and is answered. */
  real = tw_profile_load_by_name ("paper-desk", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tw_profile_get_name (real), ==, "paper-desk");
  call_error = call_health (real, secrets, registry, http);
  g_assert_no_error (call_error);
  requests = tw_http_get_n_requests (http);
  g_assert_cmpuint (requests, ==, 1);

  /* The copy is "evil": shown as such, and it has no key of its own, so nothing is sent. */
  copy = tw_profile_load_by_name ("evil", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tw_profile_get_name (copy), ==, "evil");
  call_error = call_health (copy, secrets, registry, http);
  g_assert_error (call_error, TW_ERROR, TW_ERROR_SECRET);
  g_assert_nonnull (strstr (call_error->message, "“evil”"));
  g_assert_cmpuint (tw_http_get_n_requests (http), ==, requests);
  g_clear_error (&call_error);

  /* Its own key, stored under its own name, is the one it sends. */
  g_assert_true (tw_secrets_store_sync (secrets, "evil", "investiq", "api_key", "evil-own-key-0000",
                                        NULL, &error));
  call_error = call_health (copy, secrets, registry, http);
  g_assert_error (call_error, TW_ERROR, TW_ERROR_AUTH);
  g_clear_error (&call_error);

  /* The list shows both under their files' names, and says what evil.conf claims. */
  profiles = tw_profile_list_all (&problems);
  g_assert_cmpuint (profiles->len, ==, 2);
  g_assert_cmpstr (tw_profile_get_name (g_ptr_array_index (profiles, 0)), ==, "evil");
  g_assert_cmpstr (tw_profile_get_name (g_ptr_array_index (profiles, 1)), ==, "paper-desk");
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (problems, 0), "evil.conf says Name=paper-desk"));

  g_clear_object (&http);
  tw_sim_thread_stop (sim);
}

/* Any key of any group, known or not: a value shaped like a key is refused. */
static void
test_secret_any_key (void)
{
  static const char * const refused[] = {
    BASE "[Whatever]\nNote=9f8e7d6c5b4a39281716aBcDzQ\n",
    BASE "[Service x]\nConnector=investiq\nBaseUrl=http://h.example\nHeader=X-Id sk-live-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c\n",
    BASE "[Log trading]\nPath=/srv/bot/logs/trading.log\nComment=was 0123456789abcdefghij\n",
    "[Profile]\nName=desk\nMode=paper\nX=AbCdEfGhIj0123456789\n",
    BASE "[Q4e5r6t7y8u9i0o1p2a3s4d]\nX=y\n",
  };
  static const char * const fine[] = {
    BASE "[Whatever]\nNote=alpaca-paper-account-2024\n",
    BASE "[Database audit]\nPath=/srv/ibkr-assistant/data/audit_2024-11-23.db\n",
    BASE "[Whatever]\nNote=abcdefghijklmnopqrstuvwxyz\nId=1234567890123456789012345\n",
    BASE "[Whatever]\nId=1370f5c9-2b1a-4c8e-9f00-0a1b2c3d4e5f\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    assert_refused (refused[i], "desk.conf", NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (fine); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TwProfile) profile = tw_profile_load_from_data (fine[i], "desk.conf", &error);

      g_assert_no_error (error);
      g_assert_nonnull (profile);
    }
}

/* A service's slow-health threshold: 2000 ms unless its SlowMs says otherwise, kept by a
 * save (and not written when it is the default). */
static void
test_slow_threshold (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwProfile) profile = NULL;
  g_autoptr(TwProfile) again = NULL;
  g_autofree char *data = NULL;

  profile = tw_profile_load_from_data ("[Profile]\nMode=paper\n"
                                       "[Service investiq]\nConnector=investiq\nBaseUrl=http://localhost:8000\nSlowMs=500\n"
                                       "[Service alpaca]\nConnector=alpaca\nBaseUrl=https://paper-api.alpaca.markets\n",
                                       "slow.conf", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tw_service_get_slow_ms (tw_profile_lookup_service (profile, "investiq")), ==, 500);
  g_assert_cmpuint (tw_service_get_slow_ms (tw_profile_lookup_service (profile, "alpaca")), ==, 2000);

  data = tw_profile_to_data (profile);
  g_assert_nonnull (strstr (data, "SlowMs=500"));
  g_assert_null (strstr (strstr (data, "SlowMs=500") + 1, "SlowMs"));
  again = tw_profile_load_from_data (data, "slow.conf", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tw_service_get_slow_ms (tw_profile_lookup_service (again, "investiq")), ==, 500);

  g_clear_object (&again);
  again = tw_profile_load_from_data ("[Profile]\nMode=paper\n"
                                     "[Service investiq]\nConnector=investiq\nBaseUrl=http://localhost:8000\nSlowMs=fast\n",
                                     "slow.conf", &error);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_assert_null (again);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/profile/round-trip", test_round_trip);
  g_test_add_func ("/tw/core/profile/host-commands", test_host_commands);
  g_test_add_func ("/tw/core/profile/slow-threshold", test_slow_threshold);
  g_test_add_func ("/tw/core/profile/properties", test_properties);
  g_test_add_func ("/tw/core/profile/secret-refused", test_secret_refused);
  g_test_add_func ("/tw/core/profile/invalid", test_invalid);
  g_test_add_func ("/tw/core/profile/list-all", test_list_all);
  g_test_add_func ("/tw/core/profile/name-checked", test_name_checked);
  g_test_add_func ("/tw/core/profile/file-refused", test_file_refused);
  g_test_add_func ("/tw/core/profile/name-from-file", test_name_from_file);
  g_test_add_func ("/tw/core/profile/secret-any-key", test_secret_any_key);

  return g_test_run ();
}
