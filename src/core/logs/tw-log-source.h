/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-log-format.h"
#include "tw-secrets.h"

G_BEGIN_DECLS

/* One log source of a profile: a file (plain text, JSON lines or an audit chain), whose
 * path may hold a date pattern (logs/trading_%Y%m%d.log: today's file after the earlier
 * ones, up to TW_LOG_SOURCE_MAX_EARLIER of them). Indexed in a worker thread (the end of
 * the file first, so the newest lines show at once, then the rest), followed while
 * started: appended lines, a rename rotation (the old file is read to its end, then the
 * new one followed), a copy-truncate rotation (the lines already shown are read from the
 * copy when one is found beside the file with the same beginning, else marked as no longer
 * readable), a line cut mid-way by a rotation (shown, marked cut), a file that vanishes
 * (the "problem" says so; what was read stays).
 * Rows are numbered from the oldest. Signals: "lines-inserted" (guint position, guint
 * n_added): rows inserted (at the end when new lines were written; above when older
 * lines were indexed). Properties: "id", "path" (as configured), "n-lines", "indexing"
 * (bool), "problem" (nullable string for people), "chain-status", "chain-broken". */
#define TW_TYPE_LOG_SOURCE (tw_log_source_get_type ())
G_DECLARE_FINAL_TYPE (TwLogSource, tw_log_source, TW, LOG_SOURCE, GObject)

#define TW_LOG_SOURCE_MAX_EARLIER 7

TwLogSource *tw_log_source_new                (const char   *id,
                                               const char   *path,
                                               GHashTable   *options,
                                               GError      **error);
const char  *tw_log_source_get_id             (TwLogSource  *self);
const char  *tw_log_source_get_path           (TwLogSource  *self);
/* The file followed now (the date pattern expanded). (transfer full) */
char        *tw_log_source_dup_current_path   (TwLogSource  *self);
TwLogFormat *tw_log_source_get_format         (TwLogSource  *self);
TwLogKind    tw_log_source_get_kind           (TwLogSource  *self);
guint        tw_log_source_get_n_lines        (TwLogSource  *self);
gboolean     tw_log_source_get_indexing       (TwLogSource  *self);
const char  *tw_log_source_get_problem        (TwLogSource  *self);
/* Bytes the index holds (offset arrays). */
gsize        tw_log_source_get_index_memory   (TwLogSource  *self);
/* Follow interval (default 200 ms). */
void         tw_log_source_set_interval       (TwLogSource  *self,
                                               guint         interval_ms);

/* Opens and indexes, then follows. Once. */
void         tw_log_source_start              (TwLogSource  *self);
void         tw_log_source_stop               (TwLogSource  *self);
/* Where a Loki source (Kind=loki, tw-log-loki.h) finds its token or password: the
 * keyring entry (@profile, "log:ID", "token" or "password"). Before start. */
void         tw_log_source_set_secrets        (TwLogSource  *self,
                                               TwSecrets    *secrets,
                                               const char   *profile);
/* Checks the file now (tests; a tick runs it too). */
void         tw_log_source_check              (TwLogSource  *self);

/* An audit-chain source: "Chain intact through line N." or the first broken line and why
 * (tw-log-chain.h), verified again whenever lines arrive; NULL before the first result
 * and for other kinds. Properties "chain-status", "chain-broken". */
const char  *tw_log_source_get_chain_status      (TwLogSource *self);
gboolean     tw_log_source_get_chain_broken      (TwLogSource *self);
guint        tw_log_source_get_chain_broken_line (TwLogSource *self);

/* (transfer full) the text of @row for display (valid UTF-8, at most 64 KiB) and its
 * TwLogLineFlags (tw-log-line.h). */
char        *tw_log_source_read_line          (TwLogSource  *self,
                                               guint         row,
                                               guint        *flags);

G_END_DECLS
