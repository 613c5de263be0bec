/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The restart command of a managed service (an argv, no shell), run with a timeout:
 * killed with its whole process group when it takes longer. Its output (stdout and
 * stderr, at most 64 KiB) is for the operator to read. */
#define TW_KEY_COMMAND_MAX_OUTPUT (64 * 1024)

void      tw_key_command_run_async  (const char * const  *argv,
                                     guint                timeout_s,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
/* TRUE when it exited 0. @output (optional) gets what it wrote, also on failure. */
gboolean  tw_key_command_run_finish (GAsyncResult        *result,
                                     char               **output,
                                     GError             **error);

G_END_DECLS
