/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-log-chain-private.h"
#include "tw-crypto.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <fcntl.h>
#include <gcrypt.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tw-error.h"
#include "tw-json.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

void
tw_chain_result_clear (TwChainResult *result)
{
  g_clear_pointer (&result->message, g_free);
  memset (result, 0, sizeof *result);
}

/* Verification */

typedef enum
{
  VALUE_NONE,    /* missing, or not a string */
  VALUE_DIGEST,  /* 64 hex digits, as bytes */
  VALUE_TEXT,    /* any other string, lowercased */
} ValueKind;

typedef struct
{
  ValueKind kind;
  guint8    digest[32];
  char     *text;
} Value;

static void
value_clear (Value *value)
{
  g_clear_pointer (&value->text, g_free);
  value->kind = VALUE_NONE;
}

/* A hex digit's value plus one, 0 for any other byte: two lookups a byte pair, 64 a
 * hash (minus one as a guint8, any other byte is 0xff). */
static const guint8 hex_digit1[256] = {
  ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
  ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
  ['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static void
value_set (Value      *value,
           const char *text,
           gsize       len)
{
  value_clear (value);
  if (text == NULL)
    return;
  if (len == 64)
    {
      gsize i;

      for (i = 0; i < 32; i++)
        {
          guint8 hi = hex_digit1[(guchar) text[2 * i]] - 1, lo = hex_digit1[(guchar) text[2 * i + 1]] - 1;

          if ((hi | lo) & 0xf0)
            break;
          value->digest[i] = (hi << 4) | lo;
        }
      if (i == 32)
        {
          value->kind = VALUE_DIGEST;
          return;
        }
    }
  value->kind = VALUE_TEXT;
  value->text = g_ascii_strdown (text, len);
}

static void
value_move (Value *to,
            Value *from)
{
  value_clear (to);
  *to = *from;
  from->text = NULL;
  from->kind = VALUE_NONE;
}

static gboolean
value_equal (const Value *a,
             const Value *b)
{
  if (a->kind != b->kind)
    return FALSE;
  switch (a->kind)
    {
    case VALUE_DIGEST: return memcmp (a->digest, b->digest, 32) == 0;
    case VALUE_TEXT: return strcmp (a->text, b->text) == 0;
    case VALUE_NONE:
    default: return TRUE;
    }
}

static gboolean
is_genesis (const Value *prev)
{
  static const guint8 zeros[32] = { 0, };

  return prev->kind == VALUE_NONE
         || (prev->kind == VALUE_TEXT && *prev->text == '\0')
         || (prev->kind == VALUE_DIGEST && memcmp (prev->digest, zeros, 32) == 0);
}

typedef struct
{
  Fast        fast;
  JsonParser *parser;     /* the reference, for the lines the fast path leaves */
  GString    *reference;
  const char *prev_field;
  const char *hash_field;
} Verifier;

typedef struct
{
  gboolean json;  /* a JSON object */
  gboolean ok;    /* its hash is present and matches its content */
  Value    prev;
  Value    hash;
} Line;

static void
sha256 (const char *data,
        gsize       len,
        guint8      digest[32])
{
  /* GLib's SHA-256 is plain C; libgcrypt's uses the CPU's SHA instructions. */
  tw_crypto_init ();
  gcry_md_hash_buffer (GCRY_MD_SHA256, digest, data, len);
}

static void
member_value (JsonObject *object,
              const char *name,
              Value      *value)
{
  JsonNode *node = json_object_get_member (object, name);
  const char *text;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      value_clear (value);
      return;
    }
  text = json_node_get_string (node);
  value_set (value, text, strlen (text));
}

/* Reads one line: JSON or not, its two hashes, and with @check whether its hash holds. */
static void
read_line (Verifier   *v,
           const char *p,
           gsize       len,
           gboolean    check,
           Line       *line)
{
  const char *canonical;
  gsize canonical_len;
  guint8 digest[32];

  line->json = line->ok = FALSE;
  if (tw_chain_fast_canonical (&v->fast, p, len))
    {
      value_set (&line->prev, v->fast.prev, v->fast.prev_len);
      value_set (&line->hash, v->fast.hash, v->fast.hash_len);
      canonical = v->fast.out->str;
      canonical_len = v->fast.out->len;
    }
  else
    {
      JsonObject *object = tw_chain_parse_object (v->parser, p, len);

      if (object == NULL)
        {
          value_clear (&line->prev);
          value_clear (&line->hash);
          return;
        }
      member_value (object, v->prev_field, &line->prev);
      member_value (object, v->hash_field, &line->hash);
      g_string_truncate (v->reference, 0);
      tw_chain_append_object (v->reference, object, v->hash_field);
      canonical = v->reference->str;
      canonical_len = v->reference->len;
    }
  line->json = TRUE;
  if (check && line->hash.kind == VALUE_DIGEST)
    {
      sha256 (canonical, canonical_len, digest);
      line->ok = memcmp (digest, line->hash.digest, 32) == 0;
    }
}

/* Calls @func on each line of @path (its bytes without "\n" or a final "\r", and whether
 * it is a last line without "\n") until it answers FALSE or @max_lines lines. Reads in
 * big blocks; FALSE with @error when the file cannot be read or on cancellation. */
typedef gboolean (*LineFunc) (const char *line, gsize len, gboolean cut, gpointer data);

static gboolean
for_each_line (const char    *path,
               guint          max_lines,
               LineFunc       func,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  gsize size = 1 << 20, fill = 0, pos = 0;
  g_autofree char *buffer = g_malloc (size);
  gboolean eof = FALSE;
  guint n = 0;
  int fd, saved;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, TW_ERROR, TW_ERROR_NOT_FOUND, _("Could not read the audit chain %s: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  for (;;)
    {
      ssize_t r;

      while (pos < fill)
        {
          char *start = buffer + pos;
          char *nl = memchr (start, '\n', fill - pos);
          gsize len;

          if (nl == NULL && !eof)
            break;
          len = (nl != NULL ? nl : buffer + fill) - start;
          pos += len + (nl != NULL ? 1 : 0);
          if (len > 0 && start[len - 1] == '\r')
            len--;
          if (len == 0 && nl == NULL)
            break;
          if ((++n & 4095) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
            {
              close (fd);
              return FALSE;
            }
          if (!func (start, len, nl == NULL, data) || n == max_lines)
            {
              close (fd);
              return TRUE;
            }
        }
      if (eof)
        break;
      memmove (buffer, buffer + pos, fill - pos);
      fill -= pos;
      pos = 0;
      if (fill == size)
        {
          size *= 2;
          buffer = g_realloc (buffer, size);
        }
      do
        r = read (fd, buffer + fill, size - fill);
      while (r < 0 && errno == EINTR);
      if (r < 0)
        {
          saved = errno;
          close (fd);
          g_set_error (error, TW_ERROR, TW_ERROR_NOT_FOUND, _("Could not read the audit chain %s: %s"),
                       path, g_strerror (saved));
          return FALSE;
        }
      if (r == 0)
        eof = TRUE;
      fill += r;
    }
  close (fd);
  return TRUE;
}

typedef struct
{
  Verifier      *v;
  TwChainResult *result;
  Line           line;
  Value          expected;  /* the previous line's hash */
  guint          n;
  gboolean       broken;
  gboolean       find_prev;  /* the broken line's prev points elsewhere: where? */
  Value          wanted;
  guint          target;     /* the first line whose hash is @wanted */
} Pass;

static void
set_broken (TwChainResult *result,
            TwChainBreak   verdict,
            guint          line,
            char          *message)
{
  result->verdict = verdict;
  result->broken_line = line;
  result->intact_through = line - 1;
  result->message = message;
}

static gboolean
check_line (const char *text,
            gsize       len,
            gboolean    cut,
            gpointer    data)
{
  Pass *pass = data;
  Line *line = &pass->line;
  guint number = ++pass->n;

  if (pass->broken)
    return TRUE;  /* only counting the lines */
  read_line (pass->v, text, len, TRUE, line);
  if (!line->json)
    {
      if (cut)
        set_broken (pass->result, TW_CHAIN_TRUNCATED, number,
                    g_strdup_printf (_("Line %u is cut mid-entry: the file was truncated (a rotation or a crash while writing)."), number));
      else
        set_broken (pass->result, TW_CHAIN_MALFORMED, number,
                    g_strdup_printf (_("Line %u is not a JSON object: it was edited or damaged."), number));
    }
  else if (line->hash.kind == VALUE_NONE)
    set_broken (pass->result, TW_CHAIN_MALFORMED, number,
                g_strdup_printf (_("Line %u has no “%s”: it was not written by the chain, or was edited."),
                                 number, pass->v->hash_field));
  else if (!line->ok)
    set_broken (pass->result, TW_CHAIN_EDITED, number,
                g_strdup_printf (_("Line %u was edited: its content no longer matches its hash."), number));
  else if (number == 1 ? !is_genesis (&line->prev) : !value_equal (&line->prev, &pass->expected))
    {
      /* Decided once every line is read: where does its prev point? */
      pass->result->broken_line = number;
      pass->find_prev = TRUE;
      value_move (&pass->wanted, &line->prev);
    }
  else
    {
      value_move (&pass->expected, &line->hash);
      return TRUE;
    }
  pass->broken = TRUE;
  return TRUE;
}

static gboolean
find_hash (const char *text,
           gsize       len,
           gboolean    cut,
           gpointer    data)
{
  Pass *pass = data;

  pass->n++;
  read_line (pass->v, text, len, FALSE, &pass->line);
  if (pass->line.hash.kind != VALUE_NONE && value_equal (&pass->line.hash, &pass->wanted))
    {
      pass->target = pass->n;
      return FALSE;
    }
  return TRUE;
}

gboolean
tw_chain_verify_file (const char     *path,
                      const char     *prev_hash_field,
                      const char     *hash_field,
                      TwChainResult  *result,
                      GCancellable   *cancellable,
                      GError        **error)
{
  Verifier v;
  Pass pass = { 0, };
  gboolean done;

  memset (result, 0, sizeof *result);
  if (prev_hash_field == NULL)
    prev_hash_field = "prev_hash";
  if (hash_field == NULL)
    hash_field = "hash";
  tw_chain_fast_init (&v.fast, prev_hash_field, hash_field);
  v.parser = json_parser_new_immutable ();
  v.reference = g_string_sized_new (4096);
  v.prev_field = prev_hash_field;
  v.hash_field = hash_field;
  pass.v = &v;
  pass.result = result;

  done = for_each_line (path, 0, check_line, &pass, cancellable, error);
  if (done && pass.find_prev)
    {
      guint line = result->broken_line, n_lines = pass.n;

      pass.n = 0;
      if (pass.wanted.kind != VALUE_NONE)
        done = for_each_line (path, n_lines, find_hash, &pass, cancellable, error);
      pass.n = n_lines;
      if (!done)
        ;
      else if (pass.target != 0 && pass.target < line)
        set_broken (result, TW_CHAIN_REMOVED, line,
                    g_strdup_printf (_("Lines were removed before line %u: it follows line %u, not line %u."),
                                     line, pass.target, line - 1));
      else if (pass.target > line)
        set_broken (result, TW_CHAIN_REORDERED, line,
                    g_strdup_printf (_("Line %u is out of order: it follows line %u, which comes after it."),
                                     line, pass.target));
      else if (line == 1)
        set_broken (result, TW_CHAIN_TRUNCATED, line,
                    g_strdup (_("The chain's beginning is missing: line 1 follows a line that is not in the file.")));
      else if (is_genesis (&pass.wanted))
        set_broken (result, TW_CHAIN_REMOVED, line,
                    g_strdup_printf (_("Line %u starts a new chain: the lines before it were replaced."), line));
      else
        set_broken (result, TW_CHAIN_REMOVED, line,
                    g_strdup_printf (_("Lines were removed before line %u: the line it follows is not in the file."), line));
    }
  if (done)
    {
      result->n_lines = pass.n;
      if (!pass.broken)
        {
          result->verdict = TW_CHAIN_INTACT;
          result->intact_through = pass.n;
          result->message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Chain intact through line %u.",
                                                          "Chain intact through line %u.", pass.n),
                                             pass.n);
        }
    }
  else
    tw_chain_result_clear (result);

  value_clear (&pass.line.prev);
  value_clear (&pass.line.hash);
  value_clear (&pass.expected);
  value_clear (&pass.wanted);
  tw_chain_fast_clear (&v.fast);
  g_object_unref (v.parser);
  g_string_free (v.reference, TRUE);
  return done;
}

static char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_ascii_strdown (json_node_get_string (node), -1);
}

static char *
sha256_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

gboolean
tw_chain_append (const char  *path,
                 const char  *json_object,
                 GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) last_parser = json_parser_new_immutable ();
  g_autofree char *contents = NULL;
  g_autofree char *prev = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *line = NULL;
  JsonObject *object;
  GString *out;
  gsize length = 0;
  FILE *file;

  if (!tw_json_parser_load (parser, json_object, -1, error))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID, _("Not a JSON object."));
      return FALSE;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  if (g_file_get_contents (path, &contents, &length, NULL) && length > 0)
    {
      /* The last line's hash. */
      const char *start = contents + length;
      JsonObject *previous;

      if (start[-1] == '\n')
        start--;
      while (start > contents && start[-1] != '\n')
        start--;
      previous = tw_chain_parse_object (last_parser, start, contents + length - start);
      prev = previous != NULL ? member_string (previous, "hash") : NULL;
    }
  json_object_set_string_member (object, "prev_hash", prev != NULL ? prev : GENESIS);
  out = g_string_new (NULL);
  tw_chain_append_object (out, object, "hash");
  canonical = g_string_free (out, FALSE);
  hash = sha256_hex (canonical);
  json_object_set_string_member (object, "hash", hash);
  out = g_string_new (NULL);
  tw_chain_append_object (out, object, NULL);
  g_string_append_c (out, '\n');
  line = g_string_free (out, FALSE);
  file = fopen (path, "a");
  if (file == NULL || fputs (line, file) < 0)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Could not append to %s."), path);
      if (file != NULL)
        fclose (file);
      return FALSE;
    }
  fclose (file);
  return TRUE;
}
