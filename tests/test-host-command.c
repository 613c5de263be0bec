/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tw-error.h"
#include "tw-host-command.h"

/* A /.flatpak-info in a temporary folder: the sandbox's own description of
 * itself, with @policy as its [Session Bus Policy] group (NULL: none). */
static char *
write_flatpak_info (const char *policy)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tw-host-command-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, ".flatpak-info", NULL);
  text = g_strdup_printf ("[Application]\nname=%s\nruntime=runtime/org.gnome.Platform/x86_64/47\n\n"
                          "[Context]\nshared=network;ipc;\n%s\n",
                          APP_ID, policy != NULL ? policy : "");
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
remove_flatpak_info (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static const char * const restart[] = { "systemctl", "--user", "restart", "ibkr-assistant", NULL };

/* Outside a sandbox the command runs as it is, allowed or not. */
static void
test_not_sandboxed (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;

  argv = tw_host_command_argv (restart, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char * const *) argv, restart));

  g_clear_pointer (&argv, g_strfreev);
  argv = tw_host_command_argv (restart, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char * const *) argv, restart));
}

/* The test itself runs outside a sandbox: spawned directly, arguments intact. */
static void
test_spawn_directly (void)
{
  const char * const argv[] = { "/bin/sh", "-c", "printf '%s|%s' \"$1\" \"$2\"", "sh",
                                "two words", "$HOME;", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;

  g_assert_false (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS));
  process = tw_host_command_spawn (argv, FALSE, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (process);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_cmpstr (out, ==, "two words|$HOME;");
}

/* Sandboxed, and the profile does not allow it: a refusal that names the
 * command and the profile key, and no command line at all. */
static void
test_sandboxed_not_allowed (void)
{
  g_autofree char *info = write_flatpak_info ("[Session Bus Policy]\norg.freedesktop.Flatpak=talk\n");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;

  argv = tw_host_command_argv (restart, FALSE, info, &error);
  g_assert_null (argv);
  g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
  g_assert_true (g_str_has_prefix (error->message, "This profile does not allow host commands: "));
  g_assert_nonnull (strstr (error->message, "“systemctl”"));
  g_assert_nonnull (strstr (error->message, TW_PROFILE_KEY_HOST_COMMANDS "=true"));
  remove_flatpak_info (info);
}

/* Allowed by the profile, but the sandbox cannot reach flatpak-spawn's
 * service: a refusal that says what to grant. */
static void
test_sandboxed_not_granted (void)
{
  const char *policies[] = { NULL, "[Session Bus Policy]\norg.freedesktop.Notifications=talk\n",
                             "[Session Bus Policy]\norg.freedesktop.Flatpak=see\n" };

  for (guint i = 0; i < G_N_ELEMENTS (policies); i++)
    {
      g_autofree char *info = write_flatpak_info (policies[i]);
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) argv = NULL;

      argv = tw_host_command_argv (restart, TRUE, info, &error);
      g_assert_null (argv);
      g_assert_error (error, TW_ERROR, TW_ERROR_REFUSED);
      g_assert_nonnull (strstr (error->message,
                                "flatpak override --user --talk-name=org.freedesktop.Flatpak " APP_ID));
      remove_flatpak_info (info);
    }
}

/* Allowed and granted: through flatpak-spawn --host, the command unchanged after "--". */
static void
test_sandboxed_allowed (void)
{
  const char * const expected[] = { "flatpak-spawn", "--host", "--watch-bus", "--",
                                    "systemctl", "--user", "restart", "ibkr-assistant", NULL };
  const char * const dashed[] = { "--help", NULL };
  const char * const expected_dashed[] = { "flatpak-spawn", "--host", "--watch-bus", "--", "--help", NULL };
  g_autofree char *info = write_flatpak_info ("[Session Bus Policy]\norg.freedesktop.Flatpak=talk\n");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;

  argv = tw_host_command_argv (restart, TRUE, info, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char * const *) argv, expected));

  /* A command that looks like an option is not taken for one of flatpak-spawn's. */
  g_clear_pointer (&argv, g_strfreev);
  argv = tw_host_command_argv (dashed, TRUE, info, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char * const *) argv, expected_dashed));
  remove_flatpak_info (info);
}

static void
test_empty (void)
{
  const char * const empty[] = { NULL };
  const char * const blank[] = { "", "x", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_null (tw_host_command_argv (empty, TRUE, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (tw_host_command_argv (blank, TRUE, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (tw_host_command_spawn (NULL, TRUE, G_SUBPROCESS_FLAGS_NONE, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/tw/core/host-command/not-sandboxed", test_not_sandboxed);
  g_test_add_func ("/tw/core/host-command/spawn-directly", test_spawn_directly);
  g_test_add_func ("/tw/core/host-command/sandboxed-not-allowed", test_sandboxed_not_allowed);
  g_test_add_func ("/tw/core/host-command/sandboxed-not-granted", test_sandboxed_not_granted);
  g_test_add_func ("/tw/core/host-command/sandboxed-allowed", test_sandboxed_allowed);
  g_test_add_func ("/tw/core/host-command/empty", test_empty);
  return g_test_run ();
}
