/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A service's .env file, as the runbooks keep it (NAME=VALUE lines). */

/* The value of @variable ("export " and one level of quotes removed; the last line that
 * sets it wins). NULL with no error when the file does not set it. */
char     *tw_key_env_get (const char  *path,
                          const char  *variable,
                          GError     **error);
/* Sets @variable to @value in @path: every line that sets it gets the new value (its
 * "export " and quotes kept), or a line is added at the end; every other byte stays as
 * it was. The old file is first copied beside it ("PATH.tw-backup-TIME", mode 0600,
 * @backup_path); the new one replaces it atomically with the same mode and owner. A
 * symbolic link, a file not the user's, or one over 1 MiB is refused. */
gboolean  tw_key_env_set (const char  *path,
                          const char  *variable,
                          const char  *value,
                          char       **backup_path,
                          GError     **error);

G_END_DECLS
