/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The logs tests' fixture: a private directory of log files, and sources over them. */
#pragma once

#include "tw-log-source.h"

typedef struct
{
  char *dir;
} TwLogsFixture;

void         tw_logs_fixture_setup    (TwLogsFixture *f,
                                       gconstpointer  data);
void         tw_logs_fixture_teardown (TwLogsFixture *f,
                                       gconstpointer  data);
/* (transfer full) the file's path */
char        *tw_logs_fixture_write    (TwLogsFixture *f,
                                       const char    *name,
                                       const char    *contents,
                                       gssize         len);
void         tw_logs_append           (const char    *path,
                                       const char    *text);
/* A source over @path polled every 20 ms, started. (transfer full) */
TwLogSource *tw_logs_start_source     (const char    *id,
                                       const char    *path,
                                       const char    *kind);
