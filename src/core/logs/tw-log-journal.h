/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A systemd journal read through sd-journal (private to TwLogSource): the system journal
 * (path "system"), or journal files or a directory of them named in the profile; an
 * optional unit (_SYSTEMD_UNIT) or identifier (SYSLOG_IDENTIFIER) filter. Its entries are
 * written as text lines in Python logging's form ("2026-12-06 10:00:00,000 - IDENTIFIER -
 * LEVEL - MESSAGE", PRIORITY as the level), so the source indexes, filters and follows
 * them like a file. Used by one thread at a time. */
typedef struct _TwLogJournal TwLogJournal;

/* The journal's newest @max_history entries are read first (0: all). */
TwLogJournal *_tw_log_journal_open   (const char    *path,
                                      const char    *unit,
                                      const char    *identifier,
                                      guint          max_history,
                                      GError       **error);
/* Appends the entries not written yet to @fd, at most @max; returns how many, -1 with
 * @error. */
gssize        _tw_log_journal_export (TwLogJournal  *self,
                                      int            fd,
                                      guint          max,
                                      GError       **error);
void          _tw_log_journal_free   (TwLogJournal  *self);

G_END_DECLS
