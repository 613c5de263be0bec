/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The console holds keys in its heap: it leaves no core dump and cannot be read by
 * ptrace from other processes of the user (PR_SET_DUMPABLE 0, RLIMIT_CORE 0, soft and
 * hard). Called first thing in main(), for the window and the command line alike.
 * FALSE with @error if the system refused (the process goes on). */
gboolean tw_process_harden (GError **error);

G_END_DECLS
