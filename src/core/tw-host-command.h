/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The [Profile] key that lets the console run commands on the host from its
 * Flatpak sandbox: HostCommands=true (default false). See the README. */
#define TW_PROFILE_KEY_HOST_COMMANDS "HostCommands"

const char   *tw_host_command_get_flatpak_info (void);
char        **tw_host_command_argv  (const char * const  *argv,
                                     gboolean             allowed,
                                     const char          *flatpak_info,
                                     GError             **error);
GSubprocess  *tw_host_command_spawn (const char * const  *argv,
                                     gboolean             allowed,
                                     GSubprocessFlags     flags,
                                     GError             **error);

G_END_DECLS
