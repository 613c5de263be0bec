/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "tw-log-chain.h"

G_BEGIN_DECLS

/* Between tw-log-chain.c (verification) and tw-log-chain-json.c (canonical forms). */

#define FAST_MAX_DEPTH 64

typedef struct
{
  const char *key;
  guint key_len;
  gsize value_start;  /* in out */
  gsize value_end;
} Member;

typedef struct
{
  const char *p;
  const char *end;
  GString    *out;      /* the canonical form */
  GString    *scratch;  /* an object's members, sorted, before they go back to out */
  GArray     *members;  /* Member, a stack: each object's from its base up */
  const char *hash_field;
  const char *prev_field;
  gsize       hash_field_len;
  gsize       prev_field_len;
  int         depth;
  /* the top level's string members, raw between their quotes (no escapes) */
  const char *prev;
  gsize       prev_len;
  const char *hash;
  gsize       hash_len;
} Fast;

/* The reference: json-glib's tree printed as Python's json.dumps(sort_keys=True,
 * separators=(",", ":")) prints it, @skip left out of the top level. */
void        tw_chain_append_object  (GString     *out,
                                     JsonObject  *object,
                                     const char  *skip);
JsonObject *tw_chain_parse_object   (JsonParser  *parser,
                                     const char  *line,
                                     gsize        len);

/* -1, or a hex digit's value (asked 64 times a line: inline). */
static inline int
tw_chain_hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  c |= 0x20;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/* The fast path: @f's buffers are reused line after line. */
void        tw_chain_fast_init      (Fast        *f,
                                     const char  *prev_field,
                                     const char  *hash_field);
void        tw_chain_fast_clear     (Fast        *f);
gboolean    tw_chain_fast_canonical (Fast        *f,
                                     const char  *line,
                                     gsize        len);

G_END_DECLS
