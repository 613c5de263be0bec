/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Hash-chained JSON lines (002's logs/audit/audit_log.jsonl). The runbook does not spell
 * the chain out; the default, configurable per source (PrevHashField=, HashField=):
 *   - each line is a JSON object with "prev_hash" and "hash" (hex SHA-256, lowercase);
 *   - "hash" is the SHA-256 of the line's canonical form: the object without its "hash"
 *     member, keys sorted, no spaces, non-ASCII as \uXXXX — Python's
 *     json.dumps(entry, sort_keys=True, separators=(",", ":")) —, as UTF-8;
 *   - "prev_hash" is the previous line's "hash"; the first line's is 64 zeros, "" or null.
 * Verification names the first broken line and why. */

typedef enum
{
  TW_CHAIN_INTACT,
  TW_CHAIN_EDITED,     /* a line's content no longer matches its hash */
  TW_CHAIN_REMOVED,    /* a line points to one further back: the lines between are gone */
  TW_CHAIN_REORDERED,  /* a line points to one that comes after it */
  TW_CHAIN_TRUNCATED,  /* the last line is cut mid-entry, or the chain's start is gone */
  TW_CHAIN_MALFORMED,  /* a line that is not a JSON object with the two hashes */
} TwChainBreak;

typedef struct
{
  TwChainBreak  verdict;
  guint         n_lines;      /* lines read */
  guint         intact_through; /* the chain holds from line 1 through this one */
  guint         broken_line;  /* 1-based; 0 when intact */
  char         *message;      /* for people: "Chain intact through line N" or what broke */
} TwChainResult;

void      tw_chain_result_clear   (TwChainResult *result);

/* The canonical form of @object without @hash_field (exposed for tests). It takes a
 * fast path (one pass over the bytes, no tree) for the lines it can prove it prints as
 * the reference does (json-glib's tree) and the reference for the others;
 * tw_chain_canonical_fast() answers NULL where the fast path declines. */
char     *tw_chain_canonical      (const char    *json_line,
                                   gsize          len,
                                   const char    *hash_field,
                                   GError       **error);
char     *tw_chain_canonical_fast (const char    *json_line,
                                   gsize          len,
                                   const char    *hash_field);
char     *tw_chain_canonical_reference (const char *json_line,
                                        gsize       len,
                                        const char *hash_field,
                                        GError    **error);

/* Reads @path and verifies it (blocking: a thread, or the command line). FALSE with
 * @error only when the file cannot be read; a broken chain is a result. */
gboolean  tw_chain_verify_file    (const char    *path,
                                   const char    *prev_hash_field,
                                   const char    *hash_field,
                                   TwChainResult *result,
                                   GCancellable  *cancellable,
                                   GError       **error);

/* Appends a line to @path that continues its chain (the demo, tests): @json_object's
 * members plus the two hashes. */
gboolean  tw_chain_append         (const char    *path,
                                   const char    *json_object,
                                   GError       **error);

G_END_DECLS
