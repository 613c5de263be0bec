/* SPDX-License-Identifier: GPL-3.0-or-later */
/* (being written) */
#include "tw-cli.h"
gboolean tw_cli_handles (int argc, char **argv) { (void) argc; (void) argv; return FALSE; }
int tw_cli_main (int argc, char **argv) { (void) argc; (void) argv; return 2; }
