/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TW_CLI_EXIT_OK      0
#define TW_CLI_EXIT_FAILURE 1
#define TW_CLI_EXIT_USAGE   2

/* One line on stderr ("tradewarden: …"); with @json, {"ok":false,"error":…,"code":…} on stdout. */
int   _tw_cli_fail         (gboolean      json,
                            const GError *error);
int   _tw_cli_usage        (const char   *format,
                            ...) G_GNUC_PRINTF (1, 2);
void  _tw_cli_print_json   (JsonBuilder  *builder);
int   _tw_cli_backup_main  (int           argc,
                            char        **argv);
int   _tw_cli_audit_main   (int           argc,
                            char        **argv);

G_END_DECLS
