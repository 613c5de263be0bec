/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Key rotation (src/core/keys) end to end over real HTTP against the simulator and the
 * test session's real keyring: guided and managed server sides, the proofs, the grace
 * period, the old key proven refused before it is deleted, "still accepted", a restart
 * command that fails or hangs, cancel, resuming after the console quit at every step,
 * the .env file kept byte for byte, and no key in any file of the test's home. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "tw-connector-registry.h"
#include "tw-error.h"
#include "tw-key-env.h"
#include "tw-keys.h"
#include "tw-test-util.h"
#include "tw-keys-fixture.h"


typedef struct
{
  gboolean   done;
  TwKeyStep  step;
  GError    *error;
  char      *output;
} StepWait;

static void
step_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  StepWait *w = user_data;

  w->step = tw_keys_step_finish (TW_KEYS (source), result, &w->output, &w->error);
  w->done = TRUE;
}

/* Runs one step (prepare when @prepare, else advance or @cancel) and waits for it. */
static TwKeyStep
run_step (Fixture    *f,
          gboolean    prepare,
          gboolean    cancel,
          const char *pasted,
          GError    **error)
{
  StepWait w = { 0 };

  if (prepare)
    {
      g_autoptr(TwGuardRequest) request = tw_guard_request_new ("keys.rotate", SERVICE "/api_key",
                                                                f->profile_name, TW_MODE_PAPER);

      tw_guard_request_set_reason (request, "Quarterly rotation (runbook 000)");
      tw_keys_prepare_async (f->keys, SERVICE, "api_key", pasted, request, NULL, step_cb, &w);
    }
  else if (cancel)
    tw_keys_cancel_async (f->keys, SERVICE, "api_key", NULL, step_cb, &w);
  else
    tw_keys_advance_async (f->keys, SERVICE, "api_key", NULL, step_cb, &w);
  tw_test_wait_until (w.done, 30000);
  g_free (f->output);
  f->output = w.output;
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.step;
}

static GHashTable *ages_result;

static void
ages_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  StepWait *w = user_data;
  g_autoptr(GError) error = NULL;

  ages_result = tw_keys_list_ages_finish (TW_KEYS (source), result, &error);
  g_assert_no_error (error);
  w->done = TRUE;
}

static TwKeyStep
current_step (Fixture *f)
{
  g_autoptr(TwKeyRotationInfo) info = tw_keys_get_rotation (f->keys, SERVICE, "api_key");

  return info != NULL ? info->step : TW_KEY_STEP_NONE;
}

static void
test_connector_rotation (void)
{
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  TwConnector *investiq;
  const TwSecretSpec *spec;
  g_autoptr(GError) error = NULL;
  g_autoptr(TwConnector) bad = NULL;

  tw_connector_registry_load_default (registry);
  investiq = tw_connector_registry_lookup (registry, "investiq");
  spec = tw_connector_get_secret (investiq, "api_key");
  g_assert_cmpuint (spec->rotate_bytes, ==, 32);
  g_assert_cmpstr (spec->rotate_encoding, ==, "hex");
  g_assert_cmpstr (spec->prove_operation, ==, "health");
  g_assert_true (spec->rotate_overlap);
  g_assert_false (spec->prove_gate);
  /* One LIVE_TRADING_KEY: no overlap; proven by its gate (403 without it) */
  spec = tw_connector_get_secret (investiq, "live_trading_key");
  g_assert_cmpstr (spec->prove_operation, ==, "live_key.prove");
  g_assert_true (spec->prove_gate);
  g_assert_cmpuint (spec->rotate_bytes, ==, 32);
  g_assert_false (spec->rotate_overlap);

  bad = tw_connector_new_from_data ("{\"format\":1,\"id\":\"x\",\"name\":\"X\",\"secrets\":[{\"name\":\"k\","
                                    "\"rotation\":{\"prove\":\"health\",\"proof\":\"maybe\"}}],"
                                    "\"operations\":{}}", -1, "x.json", &error);
  g_assert_null (bad);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "\"proof\" must be"));
  g_clear_error (&error);

  bad = tw_connector_new_from_data ("{\"format\":1,\"id\":\"x\",\"name\":\"X\",\"secrets\":[{\"name\":\"k\","
                                    "\"rotation\":{\"generate\":{\"bytes\":4}}}],"
                                    "\"operations\":{}}", -1, "x.json", &error);
  g_assert_null (bad);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "\"bytes\" must be between 16"));
}

static void
test_env_edit (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tw-env-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "e.env", NULL);
  g_autofree char *backup = NULL;
  g_autofree char *got = NULL;
  g_autofree char *value = NULL;
  g_autofree char *link = g_build_filename (dir, "link.env", NULL);
  const char *original = "A=1\r\n  export  B = 'x,y'\t\n# B=not this\nC=3";

  g_assert_true (g_file_set_contents_full (path, original, -1, G_FILE_SET_CONTENTS_NONE, 0604, &error));
  g_chmod (path, 0604);
  value = tw_key_env_get (path, "B", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "x,y");
  g_assert_true (tw_key_env_set (path, "B", "x,y,z", &backup, &error));
  g_assert_no_error (error);
  got = read_file (path);
  g_assert_cmpstr (got, ==, "A=1\r\n  export  B = 'x,y,z'\t\n# B=not this\nC=3");
  g_assert_cmpuint (file_mode (path), ==, 0604);
  g_clear_pointer (&got, g_free);
  got = read_file (backup);
  g_assert_cmpstr (got, ==, original);
  g_assert_cmpuint (file_mode (backup), ==, 0600);
  g_unlink (backup);
  g_clear_pointer (&backup, g_free);

  /* absent: appended on a line of its own */
  g_assert_true (tw_key_env_set (path, "D", "4", &backup, &error));
  g_clear_pointer (&got, g_free);
  got = read_file (path);
  g_assert_cmpstr (got, ==, "A=1\r\n  export  B = 'x,y,z'\t\n# B=not this\nC=3\nD=4\n");
  g_unlink (backup);
  g_clear_pointer (&backup, g_free);

  /* a symbolic link is refused, nothing written */
  g_assert_cmpint (symlink (path, link), ==, 0);
  g_assert_false (tw_key_env_set (link, "A", "2", &backup, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_assert_null (backup);
  g_unlink (link);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_guided (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *new_key = NULL;
  g_autofree char *masked = NULL;
  g_autofree char *real = NULL;
  g_autofree char *current = NULL;
  g_autofree char *previous = NULL;
  g_autoptr(TwKeyRotationInfo) info = NULL;

  if (!in_session ())
    return;

  /* 1. Prepare: 32 random bytes as hex, pending in the keyring; the server unchanged. */
  g_assert_cmpint (run_step (f, TRUE, FALSE, NULL, &error), ==, TW_KEY_STEP_PREPARED);
  g_assert_no_error (error);
  new_key = keyring (f, "api_key.pending");
  g_assert_nonnull (new_key);
  g_assert_cmpuint (strlen (new_key), ==, 64);
  g_assert_true (strspn (new_key, "0123456789abcdef") == 64);
  current = keyring (f, "api_key");
  g_assert_cmpstr (current, ==, f->old_key);
  g_clear_pointer (&current, g_free);
  g_assert_cmpuint (status_with_key (f, new_key), ==, 401);

  /* A second rotation of the same key is refused while one is open. */
  g_assert_cmpint (run_step (f, TRUE, FALSE, NULL, &error), ==, TW_KEY_STEP_PREPARED);
  g_assert_error (error, TW_ERROR, TW_ERROR_CONFLICT);
  g_clear_error (&error);

  /* 2. The guided step: masked on screen, the real text for Copy. */
  masked = tw_keys_dup_server_step (f->keys, SERVICE, "api_key", FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (masked, "API_KEYS=••••"));
  g_assert_null (strstr (masked, new_key));
  g_assert_null (strstr (masked, f->old_key));
  real = tw_keys_dup_server_step (f->keys, SERVICE, "api_key", TRUE, &error);
  g_assert_no_error (error);
  {
    g_autofree char *line = g_strdup_printf ("API_KEYS=%s,%s\n", f->old_key, new_key);

    g_assert_nonnull (strstr (real, line));
  }

  /* The operator says it is done but did not do it: the proof says so, nothing moves. */
  g_assert_cmpint (run_step (f, FALSE, FALSE, NULL, &error), ==, TW_KEY_STEP_ADDED);
  g_assert_no_error (error);
  g_assert_cmpint (run_step (f, FALSE, FALSE, NULL, &error), ==, TW_KEY_STEP_ADDED);
  g_assert_error (error, TW_ERROR, TW_ERROR_AUTH);
  g_clear_error (&error);
  info = tw_keys_get_rotation (f->keys, SERVICE, "api_key");
  g_assert_nonnull (info->problem);
  g_clear_pointer (&info, tw_key_rotation_info_free);

  /* 3. Now done on the server: the proof passes. */
  set_sim_api_keys (f, f->old_key, new_key);
  g_assert_cmpint (run_step (f, FALSE, FALSE, NULL, &error), ==, TW_KEY_STEP_PROVEN);
  g_assert_no_error (error);

  /* 4. Promote: the console uses the new key; the old is kept as previous. Both valid. */
  g_assert_cmpint (run_step (f, FALSE, FALSE, NULL, &error), ==, TW_KEY_STEP_GRACE);
  g_assert_no_error (error);
  current = keyring (f, "api_key");
  previous = keyring (f, "api_key.previous");
  g_assert_cmpstr (current, ==, new_key);
  g_assert_cmpstr (previous, ==, f->old_key);
  g_assert_null (keyring (f, "api_key.pending"));
  g_assert_cmpuint (status_with_key (f, new_key), ==, 200);
  g_assert_cmpuint (status_with_key (f, f->old_key), ==, 200);
  info = tw_keys_get_rotation (f->keys, SERVICE, "api_key");
  g_assert_cmpint (info->grace_until_us - g_get_real_time (), >, (gint64) 23 * 3600 * G_USEC_PER_SEC);
  g_clear_pointer (&info, tw_key_rotation_info_free);

  /* 5-6. The operator "removes" the old key but does not: still accepted, loudly. */
  g_assert_cmpint (run_step (f, FALSE, FALSE, NULL, &error), ==, TW_KEY_STEP_REMOVED);
  g_assert_no_error (error);
  g_assert_cmpint (run_step (f, FALSE, FALSE, NULL, &error), ==, TW_KEY_STEP_REMOVED);
  g_assert_error (error, TW_ERROR, TW_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "STILL ACCEPTED"));
  g_clear_error (&error);
  info = tw_keys_get_rotation (f->keys, SERVICE, "api_key");
  g_assert_true (info->still_accepted);
  g_clear_pointer (&info, tw_key_rotation_info_free);
  g_clear_pointer (&previous, g_free);
  previous = keyring (f, "api_key.previous");
  g_assert_cmpstr (previous, ==, f->old_key);

  /* Removed for real: proven refused, then deleted. */
  set_sim_api_keys (f, new_key, NULL);
  g_assert_cmpint (run_step (f, FALSE, FALSE, NULL, &error), ==, TW_KEY_STEP_DONE);
  g_assert_no_error (error);
  g_assert_null (keyring (f, "api_key.previous"));
  g_assert_cmpuint (status_with_key (f, f->old_key), ==, 401);
  g_assert_cmpuint (status_with_key (f, new_key), ==, 200);

  g_assert_cmpuint (audit_rows_checked (f, f->old_key, new_key), >=, 16);

  /* Key hygiene: the age of the key in use, from the keyring's own time. */
  {
    StepWait a = { 0 };
    g_autoptr(GHashTable) ages = NULL;
    gint64 *stored;

    tw_keys_list_ages_async (f->keys, NULL, ages_cb, &a);
    tw_test_wait_until (a.done, 10000);
    ages = a.output != NULL ? NULL : g_steal_pointer (&ages_result);
    stored = g_hash_table_lookup (ages, SERVICE "/api_key");
    g_assert_nonnull (stored);
    g_assert_cmpint (ABS (g_get_real_time () / G_USEC_PER_SEC - *stored), <, 600);
    stored = g_hash_table_lookup (ages, SERVICE "/live_trading_key");
    g_assert_nonnull (stored);
    g_assert_cmpint (*stored, ==, 0);
  }
  assert_no_key_on_disk (f->old_key);
  assert_no_key_on_disk (new_key);
}

static void
test_managed (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "keys-restart.sh", NULL);
  g_autofree char *ps_path = g_build_filename (f->server_dir, "ps.txt", NULL);
  g_autofree char *stderr_path = g_build_filename (f->server_dir, "stderr.txt", NULL);
  /* The restart command also writes down every process's command line and its own
   * environment, while the console runs: no key may be in them. */
  g_autofree char *shell = g_strdup_printf ("{ ps -eo args; env; } >> '%s'; exec /bin/sh '%s' '%s'",
                                            ps_path, script, tw_sim_thread_get_url (f->sim, SERVICE));
  const char *argv[] = { "/bin/sh", "-c", shell, NULL };
  int saved_stderr = dup (2);
  int stderr_fd = open (stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_autofree char *new_key = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  g_autofree char *current = NULL;
  g_autofree char *both = NULL;

  if (!in_session ())
    return;
  /* Everything written on stderr during the rotation goes to a file, searched at the end. */
  g_assert_cmpint (stderr_fd, >=, 0);
  g_assert_cmpint (dup2 (stderr_fd, 2), ==, 2);
  set_managed (f, argv, 30);
  start_managed_sim (f);

  /* Every step is followed by the console quitting and starting again. */
  g_assert_cmpint (run_step (f, TRUE, FALSE, NULL, &error), ==, TW_KEY_STEP_PREPARED);
  g_assert_no_error (error);
  restart_console (f);
  g_assert_cmpint (current_step (f), ==, TW_KEY_STEP_PREPARED);
  g_assert_cmpint (tw_keys_get_server_mode (f->keys, SERVICE), ==, TW_KEY_SERVER_MANAGED);
  new_key = keyring (f, "api_key.pending");

  /* The .env edit: the new key added, every other byte and the mode kept. */
  g_assert_cmpint (run_step (f, FALSE, FALSE, NULL, &error), ==, TW_KEY_STEP_ADDED);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (f->output, "reloaded"));
  both = g_strdup_printf ("%s,client-b-key-0000000000,%s", f->old_key, new_key);
  expected = env_with (f, both);
  got = read_file (f->env_path);
  g_assert_cmpstr (got, ==, expected);
  g_assert_cmpuint (file_mode (f->env_path), ==, 0640);
  g_assert_cmpuint (status_with_key (f, new_key), ==, 200);
  g_assert_cmpuint (status_with_key (f, f->old_key), ==, 200);
  restart_console (f);
  g_assert_cmpint (current_step (f), ==, TW_KEY_STEP_ADDED);

  g_assert_cmpint (run_step (f, FALSE, FALSE, NULL, &error), ==, TW_KEY_STEP_PROVEN);
  g_assert_no_error (error);
  restart_console (f);
  g_assert_cmpint (run_step (f, FALSE, FALSE, NULL, &error), ==, TW_KEY_STEP_GRACE);
  g_assert_no_error (error);
  restart_console (f);
  g_assert_cmpint (current_step (f), ==, TW_KEY_STEP_GRACE);
  current = keyring (f, "api_key");
  g_assert_cmpstr (current, ==, new_key);

  /* Retire: the old key removed from the file (the other client's kept), refused, deleted. */
  g_assert_cmpint (run_step (f, FALSE, FALSE, NULL, &error), ==, TW_KEY_STEP_REMOVED);
  g_assert_no_error (error);
  g_clear_pointer (&expected, g_free);
  g_clear_pointer (&both, g_free);
  both = g_strdup_printf ("client-b-key-0000000000,%s", new_key);
  expected = env_with (f, both);
  g_clear_pointer (&got, g_free);
  got = read_file (f->env_path);
  g_assert_cmpstr (got, ==, expected);
  g_assert_cmpuint (file_mode (f->env_path), ==, 0640);
  restart_console (f);
  g_assert_cmpint (current_step (f), ==, TW_KEY_STEP_REMOVED);
  {
    g_autofree char *previous = keyring (f, "api_key.previous");

    g_assert_nonnull (previous);
  }
  g_assert_cmpint (run_step (f, FALSE, FALSE, NULL, &error), ==, TW_KEY_STEP_DONE);
  g_assert_no_error (error);
  g_assert_null (keyring (f, "api_key.previous"));
  g_assert_cmpuint (status_with_key (f, f->old_key), ==, 401);
  g_assert_cmpuint (status_with_key (f, new_key), ==, 200);

  /* The backups (they hold the retired key) are gone: only .env is left. */
  {
    g_autoptr(GDir) dir = g_dir_open (f->server_dir, 0, NULL);
    const char *name;
    guint n = 0;

    while ((name = g_dir_read_name (dir)) != NULL)
      if (g_str_has_prefix (name, ".env"))
        n++;
    g_assert_cmpuint (n, ==, 1);
  }
  audit_rows_checked (f, f->old_key, new_key);
  assert_no_key_on_disk (f->old_key);
  assert_no_key_on_disk (new_key);

  fflush (stderr);
  dup2 (saved_stderr, 2);
  close (saved_stderr);
  close (stderr_fd);
  {
    g_autofree char *ps = read_file (ps_path);
    g_autofree char *err = read_file (stderr_path);

    /* four restarts: add, then remove (twice a command line of the console's processes) */
    g_assert_nonnull (strstr (ps, "keys-restart.sh"));
    g_assert_null (strstr (ps, f->old_key));
    g_assert_null (strstr (ps, new_key));
    g_assert_null (strstr (err, f->old_key));
    g_assert_null (strstr (err, new_key));
  }
}

/* A restart command that fails, then one that hangs: the rotation stays open, the file
 * as it was, the old key in use. */
static void
test_restart_fails (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *failing[] = { "/bin/sh", "-c", "echo cannot restart >&2; exit 3", NULL };
  const char *hanging[] = { "/bin/sh", "-c", "echo starting; sleep 60", NULL };
  g_autofree char *got = NULL;
  g_autofree char *current = NULL;
  gint64 start;

  if (!in_session ())
    return;
  start_managed_sim (f);
  set_managed (f, failing, 30);
  g_assert_cmpint (run_step (f, TRUE, FALSE, NULL, &error), ==, TW_KEY_STEP_PREPARED);
  g_assert_no_error (error);

  g_assert_cmpint (run_step (f, FALSE, FALSE, NULL, &error), ==, TW_KEY_STEP_PREPARED);
  g_assert_error (error, TW_ERROR, TW_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "exit status 3"));
  g_assert_nonnull (strstr (f->output, "cannot restart"));
  g_clear_error (&error);
  got = read_file (f->env_path);
  g_assert_cmpstr (got, ==, f->env_original);
  g_assert_cmpuint (file_mode (f->env_path), ==, 0640);
  g_assert_cmpint (current_step (f), ==, TW_KEY_STEP_PREPARED);
  current = keyring (f, "api_key");
  g_assert_cmpstr (current, ==, f->old_key);

  set_managed (f, hanging, 1);
  start = g_get_monotonic_time ();
  g_assert_cmpint (run_step (f, FALSE, FALSE, NULL, &error), ==, TW_KEY_STEP_PREPARED);
  g_assert_error (error, TW_ERROR, TW_ERROR_TIMEOUT);
  g_clear_error (&error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (f->output, "starting"));
  g_clear_pointer (&got, g_free);
  got = read_file (f->env_path);
  g_assert_cmpstr (got, ==, f->env_original);
  g_assert_cmpint (current_step (f), ==, TW_KEY_STEP_PREPARED);
  g_assert_cmpuint (status_with_key (f, f->old_key), ==, 200);

  /* Cancel: the pending key deleted, nothing left of the rotation. */
  g_assert_cmpint (run_step (f, FALSE, TRUE, NULL, &error), ==, TW_KEY_STEP_NONE);
  g_assert_no_error (error);
  g_assert_null (keyring (f, "api_key.pending"));
  g_assert_cmpint (current_step (f), ==, TW_KEY_STEP_NONE);
}

/* As if inside the Flatpak sandbox (a /.flatpak-info of the test's own, granting
 * org.freedesktop.Flatpak): a profile without HostCommands refuses the restart before
 * the .env file is touched, saying what to change; with it, the restart command runs
 * through flatpak-spawn --host (a fake that notes its command line and runs the rest). */
static void
test_restart_sandboxed (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *failing[] = { "/bin/sh", "-c", "echo cannot restart >&2; exit 3", NULL };
  g_autofree char *dir = g_dir_make_tmp ("tw-keys-flatpak-XXXXXX", &error);
  g_autofree char *info = g_build_filename (dir, "flatpak-info", NULL);
  g_autofree char *spawn = g_build_filename (dir, "flatpak-spawn", NULL);
  g_autofree char *log_path = g_build_filename (dir, "flatpak-spawn.log", NULL);
  g_autofree char *old_path = g_strdup (g_getenv ("PATH"));
  g_autofree char *path = g_strconcat (dir, ":", old_path, NULL);
  g_autofree char *script = g_strdup_printf ("#!/bin/sh\n"
                                             "echo \"$*\" >> '%s'\n"
                                             "while [ $# -gt 0 ]; do\n"
                                             "  case \"$1\" in --) shift; break ;; --*) shift ;; *) break ;; esac\n"
                                             "done\n"
                                             "exec \"$@\"\n", log_path);
  g_autofree char *got = NULL;
  g_autofree char *log = NULL;

  if (!in_session ())
    return;
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (info, "[Application]\nname=" APP_ID "\n\n"
                                      "[Session Bus Policy]\norg.freedesktop.Flatpak=talk\n",
                                      -1, &error));
  g_assert_true (g_file_set_contents (spawn, script, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (spawn, 0755), ==, 0);
  g_setenv ("TW_TEST_FLATPAK_INFO", info, TRUE);
  g_setenv ("PATH", path, TRUE);

  start_managed_sim (f);
  set_managed (f, failing, 30);
  g_assert_cmpint (run_step (f, TRUE, FALSE, NULL, &error), ==, TW_KEY_STEP_PREPARED);
  g_assert_no_error (error);

  g_assert_false (tw_profile_get_host_commands (f->profile));
  g_assert_cmpint (run_step (f, FALSE, FALSE, NULL, &error), ==, TW_KEY_STEP_PREPARED);
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_assert_true (g_str_has_prefix (error->message, "This profile does not allow host commands: “/bin/sh”"));
  g_clear_error (&error);
  g_assert_false (g_file_test (log_path, G_FILE_TEST_EXISTS));
  got = read_file (f->env_path);
  g_assert_cmpstr (got, ==, f->env_original);

  tw_profile_set_host_commands (f->profile, TRUE);
  g_assert_cmpint (run_step (f, FALSE, FALSE, NULL, &error), ==, TW_KEY_STEP_PREPARED);
  g_assert_error (error, TW_ERROR, TW_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "exit status 3"));
  g_assert_nonnull (strstr (f->output, "cannot restart"));
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (log_path, &log, NULL, NULL));
  g_assert_cmpstr (log, ==, "--host --watch-bus -- /bin/sh -c echo cannot restart >&2; exit 3\n");
  g_clear_pointer (&got, g_free);
  got = read_file (f->env_path);
  g_assert_cmpstr (got, ==, f->env_original);

  g_assert_cmpint (run_step (f, FALSE, TRUE, NULL, &error), ==, TW_KEY_STEP_NONE);
  g_assert_no_error (error);
  g_setenv ("PATH", old_path, TRUE);
  g_unsetenv ("TW_TEST_FLATPAK_INFO");
  g_unlink (log_path);
  g_unlink (spawn);
  g_unlink (info);
  g_rmdir (dir);
}

/* Cancel after promotion: the old key current again, the file as it was. */
static void
test_cancel_after_promote (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "keys-restart.sh", NULL);
  const char *argv[] = { "/bin/sh", script, tw_sim_thread_get_url (f->sim, SERVICE), NULL };
  g_autofree char *new_key = NULL;
  g_autofree char *got = NULL;
  g_autofree char *current = NULL;

  if (!in_session ())
    return;
  set_managed (f, argv, 30);
  start_managed_sim (f);
  g_assert_cmpint (run_step (f, TRUE, FALSE, NULL, &error), ==, TW_KEY_STEP_PREPARED);
  new_key = keyring (f, "api_key.pending");
  g_assert_cmpint (run_step (f, FALSE, FALSE, NULL, &error), ==, TW_KEY_STEP_ADDED);
  g_assert_cmpint (run_step (f, FALSE, FALSE, NULL, &error), ==, TW_KEY_STEP_PROVEN);
  g_assert_cmpint (run_step (f, FALSE, FALSE, NULL, &error), ==, TW_KEY_STEP_GRACE);
  g_assert_no_error (error);
  restart_console (f);

  g_assert_cmpint (run_step (f, FALSE, TRUE, NULL, &error), ==, TW_KEY_STEP_NONE);
  g_assert_no_error (error);
  current = keyring (f, "api_key");
  g_assert_cmpstr (current, ==, f->old_key);
  g_assert_null (keyring (f, "api_key.previous"));
  g_assert_null (keyring (f, "api_key.pending"));
  got = read_file (f->env_path);
  g_assert_cmpstr (got, ==, f->env_original);
  g_assert_cmpuint (file_mode (f->env_path), ==, 0640);
  g_assert_cmpuint (status_with_key (f, new_key), ==, 401);
  g_assert_cmpuint (status_with_key (f, f->old_key), ==, 200);
  restart_console (f);
  g_assert_cmpint (current_step (f), ==, TW_KEY_STEP_NONE);
}

/* A pasted key that does not look like one is refused; a pasted one is used as given. */
static void
test_pasted (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pending = NULL;
  g_autofree char *pasted = random_key ("pasted");

  if (!in_session ())
    return;
  g_assert_cmpint (run_step (f, TRUE, FALSE, f->old_key, &error), ==, TW_KEY_STEP_NONE);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (run_step (f, TRUE, FALSE, pasted, &error), ==, TW_KEY_STEP_PREPARED);
  g_assert_no_error (error);
  pending = keyring (f, "api_key.pending");
  g_assert_cmpstr (pending, ==, pasted);
}

static void
refused_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  StepWait *w = user_data;

  w->step = tw_keys_step_finish (TW_KEYS (source), result, NULL, &w->error);
  w->done = TRUE;
}

/* Without the guard's confirmation nothing is stored; the refusal is audited. */
static void
test_guard_refuses (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(TwGuardRequest) no_reason = NULL;
  g_autoptr(TwGuardRequest) other_key = NULL;
  TwGuardRequest *requests[3];
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  g_autoptr(GListModel) rows = NULL;

  if (!in_session ())
    return;
  no_reason = tw_guard_request_new ("keys.rotate", SERVICE "/api_key", f->profile_name, TW_MODE_PAPER);
  other_key = tw_guard_request_new ("keys.rotate", SERVICE "/live_trading_key", f->profile_name,
                                    TW_MODE_PAPER);
  tw_guard_request_set_reason (other_key, "Quarterly rotation (runbook 000)");
  requests[0] = NULL;
  requests[1] = no_reason;
  requests[2] = other_key;
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      StepWait w = { 0 };

      tw_keys_prepare_async (f->keys, SERVICE, "api_key", NULL, requests[i], NULL, refused_cb, &w);
      tw_test_wait_until (w.done, 10000);
      g_assert_error (w.error, TW_ERROR, TW_ERROR_REFUSED);
      g_clear_error (&w.error);
    }
  g_assert_null (keyring (f, "api_key.pending"));
  g_assert_cmpint (current_step (f), ==, TW_KEY_STEP_NONE);
  filter.profile = f->profile_name;
  filter.outcome = TW_AUDIT_OUTCOME_REFUSED;
  rows = tw_audit_log_query (f->audit, &filter, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 3);
}

/* Issue 18: the key rotations file goes through the guarded parse. Nested half a
 * million deep (1 MB, within its size limit) it overflowed json-glib's recursion and
 * crashed the console at start; it is a damaged file now, left as it is. */
static void
test_state_deep (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(TwKeys) keys = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) deep = g_string_new ("{\"grace_s\": ");
  g_autofree char *left = NULL;

  for (guint i = 0; i < 500000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 500000; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  {
    g_autofree char *dir = g_path_get_dirname (f->state_path);

    g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  }
  g_assert_true (g_file_set_contents (f->state_path, deep->str, deep->len, NULL));

  keys = tw_keys_new (f->workspace, f->audit, f->state_path);
  g_assert_false (tw_keys_load (keys, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  left = read_file (f->state_path);
  g_assert_cmpstr (left, ==, deep->str);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/keys/connector", test_connector_rotation);
  g_test_add_func ("/tw/core/keys/env-edit", test_env_edit);
  g_test_add ("/tw/core/keys/guided", Fixture, NULL, fixture_setup, test_guided, fixture_teardown);
  g_test_add ("/tw/core/keys/managed", Fixture, NULL, fixture_setup, test_managed, fixture_teardown);
  g_test_add ("/tw/core/keys/restart-sandboxed", Fixture, NULL, fixture_setup,
              test_restart_sandboxed, fixture_teardown);
  g_test_add ("/tw/core/keys/restart-fails", Fixture, NULL, fixture_setup, test_restart_fails,
              fixture_teardown);
  g_test_add ("/tw/core/keys/cancel-after-promote", Fixture, NULL, fixture_setup,
              test_cancel_after_promote, fixture_teardown);
  g_test_add ("/tw/core/keys/guard-refuses", Fixture, NULL, fixture_setup, test_guard_refuses,
              fixture_teardown);
  g_test_add ("/tw/core/keys/pasted", Fixture, NULL, fixture_setup, test_pasted, fixture_teardown);
  g_test_add ("/tw/core/keys/state-deep", Fixture, NULL, fixture_setup, test_state_deep,
              fixture_teardown);

  return g_test_run ();
}
