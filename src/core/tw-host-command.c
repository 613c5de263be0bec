/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-host-command.h"

#include <glib/gi18n-lib.h>

#include "tw-error.h"
#include "tw-sandbox.h"

/* Commands a profile names (a connector's command operations, the restart
 * command of a key rotation) are meant for the host: the services they manage
 * run there. Outside a sandbox they run as they are. Inside the Flatpak
 * sandbox they run through `flatpak-spawn --host`, which escapes the sandbox
 * entirely, so only when the profile says so (HostCommands=true) and the
 * sandbox was granted the Flatpak portal's bus name, which the manifest does
 * not ask for. Otherwise the caller gets an error that says what to change,
 * never a command that fails obscurely in the sandbox. */

#define FLATPAK_BUS_NAME "org.freedesktop.Flatpak"

/* Whether the sandbox described by @flatpak_info (a /.flatpak-info file) may
 * talk to org.freedesktop.Flatpak: a manifest's --talk-name or a
 * `flatpak override --talk-name` puts it in [Session Bus Policy]. */
static gboolean
may_talk_to_flatpak (const char *flatpak_info)
{
  g_autoptr(GKeyFile) info = g_key_file_new ();
  g_autofree char *policy = NULL;

  if (!g_key_file_load_from_file (info, flatpak_info, G_KEY_FILE_NONE, NULL))
    return FALSE;
  policy = g_key_file_get_string (info, "Session Bus Policy", FLATPAK_BUS_NAME, NULL);
  return policy != NULL && (g_str_equal (policy, "talk") || g_str_equal (policy, "own"));
}

/**
 * tw_host_command_get_flatpak_info:
 *
 * The sandbox's description of itself, /.flatpak-info, when the console runs
 * in the Flatpak sandbox. The tests name another file in
 * TW_TEST_FLATPAK_INFO to run the callers as if sandboxed (it only ever
 * makes a command harder to run, never easier: outside a sandbox, commands
 * run as they are anyway).
 *
 * Returns: (nullable): its path, or %NULL when not sandboxed
 */
const char *
tw_host_command_get_flatpak_info (void)
{
  const char *test_info = g_getenv ("TW_TEST_FLATPAK_INFO");

  if (test_info != NULL && *test_info != '\0')
    return test_info;
  return tw_sandbox_is_flatpak () ? "/.flatpak-info" : NULL;
}

/**
 * tw_host_command_argv:
 * @argv: the command, %NULL-terminated, not empty
 * @allowed: whether the profile allows host commands (%TW_PROFILE_KEY_HOST_COMMANDS)
 * @flatpak_info: the sandbox's /.flatpak-info, or %NULL when not in a sandbox
 * @error: %TW_ERROR_REFUSED when sandboxed and not allowed (or not granted),
 *   %TW_ERROR_INVALID for an empty @argv
 *
 * The command line that runs @argv on the host: @argv itself outside a
 * sandbox, `flatpak-spawn --host --watch-bus -- @argv` inside one (the host
 * process ends when the console leaves the bus). For callers that spawn
 * themselves (asynchronously, with a #GSubprocessLauncher).
 *
 * Returns: (transfer full): the argv to spawn, or %NULL with @error
 */
char **
tw_host_command_argv (const char * const  *argv,
                      gboolean             allowed,
                      const char          *flatpak_info,
                      GError             **error)
{
  g_autoptr(GStrvBuilder) builder = NULL;

  if (argv == NULL || argv[0] == NULL || *argv[0] == '\0')
    {
      g_set_error_literal (error, TW_ERROR, TW_ERROR_INVALID, _("No command to run"));
      return NULL;
    }
  if (flatpak_info == NULL)
    return g_strdupv ((char **) argv);

  if (!allowed)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_REFUSED,
                   /* Translators: the second placeholder is a profile key, in English */
                   _("This profile does not allow host commands: “%s” would have to run "
                     "outside Trade Warden’s Flatpak sandbox. To allow it, turn on “Run "
                     "Commands on the Host” in the profile editor (%s=true in the "
                     "profile’s [Profile] group)."),
                   argv[0], TW_PROFILE_KEY_HOST_COMMANDS);
      return NULL;
    }
  if (!may_talk_to_flatpak (flatpak_info))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_REFUSED,
                   _("This profile allows host commands, but Trade Warden’s Flatpak sandbox "
                     "may not start them, so “%s” cannot run. Grant it, then start Trade "
                     "Warden again: flatpak override --user --talk-name=%s %s"),
                   argv[0], FLATPAK_BUS_NAME, APP_ID);
      return NULL;
    }

  builder = g_strv_builder_new ();
  g_strv_builder_add_many (builder, "flatpak-spawn", "--host", "--watch-bus", "--", NULL);
  g_strv_builder_addv (builder, (const char **) argv);
  return g_strv_builder_end (builder);
}

/**
 * tw_host_command_spawn:
 * @argv: the command, %NULL-terminated, not empty
 * @allowed: whether the profile allows host commands (%TW_PROFILE_KEY_HOST_COMMANDS)
 * @flags: as for g_subprocess_newv()
 * @error: as tw_host_command_argv(), or the spawn's error
 *
 * Starts @argv on the host: directly when the console is not sandboxed,
 * through `flatpak-spawn --host` when it is and @allowed (and granted).
 *
 * Returns: (transfer full): the started process, or %NULL with @error
 */
GSubprocess *
tw_host_command_spawn (const char * const  *argv,
                       gboolean             allowed,
                       GSubprocessFlags     flags,
                       GError             **error)
{
  g_auto(GStrv) host_argv = NULL;

  host_argv = tw_host_command_argv (argv, allowed, tw_host_command_get_flatpak_info (), error);
  if (host_argv == NULL)
    return NULL;
  return g_subprocess_newv ((const char * const *) host_argv, flags, error);
}
