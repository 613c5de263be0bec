/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "tw-session.h"
#include "tw-sim.h"

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
int   _tw_cli_status_main  (int           argc,
                            char        **argv);
int   _tw_cli_halt_main    (int           argc,
                            char        **argv);

/* tw-cli-open.c: the profile a verb works on, opened as the console opens it. */
typedef struct
{
  TwSession   *session;
  TwSimThread *sim;       /* --demo: the simulator started in this process */
} TwCliOpen;

/* @name NULL: the profile the console last had open; @demo: the built-in simulator and
 * its demo profile. Returns TW_CLI_EXIT_OK with @open filled, or the exit status after
 * the error was printed (usage: a bad or missing name; failure: not found, unreadable). */
int   _tw_cli_open         (TwCliOpen    *open,
                            const char   *name,
                            gboolean      demo,
                            gboolean      json);
/* Closes the session (waiting for the close) and stops the demo's simulator. */
void  _tw_cli_close        (TwCliOpen    *open);
/* One round of polls of every service (tw_session_poll_once_async), waited for. */
void  _tw_cli_poll_once    (TwSession    *session);

/* tw-cli-report.c: one service as `status` shows it. */
gboolean        _tw_cli_use_color        (void);
/* (nullable) the service's trading state; NULL when it does not trade */
TwTradingState *_tw_cli_trading_state    (TwSession   *session,
                                          TwService   *service);
/* TRUE when the service reads back its trading mode ("trading.status") */
gboolean        _tw_cli_reports_mode     (TwSession   *session,
                                          TwService   *service);
const char     *_tw_cli_mode_word        (TwTradingState *state);
/* (transfer full) (element-type utf8) why it is not OK and trading; empty when it is */
GPtrArray      *_tw_cli_service_problems (TwSession   *session,
                                          TwService   *service);
void            _tw_cli_print_service    (TwSession   *session,
                                          TwService   *service,
                                          gboolean     color);
void            _tw_cli_add_service_json (JsonBuilder *builder,
                                          TwSession   *session,
                                          TwService   *service);

G_END_DECLS
