/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `tradewarden backup …` and other verbs that run without a display.
 * Returns TRUE and sets @exit_status when argv[1] is a command-line verb this handles. */
gboolean tw_cli_handles   (int    argc,
                           char **argv);
int      tw_cli_main      (int    argc,
                           char **argv);
/* For `tradewarden --help`: the verbs, a line each, pointing to their own --help. */
const char *tw_cli_get_verbs_help (void);

G_END_DECLS
