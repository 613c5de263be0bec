/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The canonical form of an audit chain's line: the reference (json-glib's tree) and the
 * fast path the verification takes for nearly every line. */
#include "config.h"

#include "tw-log-chain-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw-error.h"
#include "tw-json.h"

/* Canonical JSON */

static void
append_string (GString    *out,
               const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (c < 0x20 || (c >= 0x7f && c < 0x10000))
            g_string_append_printf (out, "\\u%04x", c);
          else if (c >= 0x10000)
            {
              gunichar v = c - 0x10000;
              g_string_append_printf (out, "\\u%04x\\u%04x", 0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
            }
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

/* Python's repr() of a float: the shortest digits that read back, fixed notation for
 * exponents -4 to 15, "1e+16" style otherwise, ".0" on whole numbers. */
static void
append_double (GString *out,
               double   value)
{
  char buf[64];
  char digits[32];
  int exponent, n = 0, precision;
  char *e;
  gboolean negative = value < 0;

  if (isnan (value) || isinf (value))
    {
      g_string_append (out, isnan (value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
      return;
    }
  if (value == 0)
    {
      g_string_append (out, signbit (value) ? "-0.0" : "0.0");
      return;
    }
  for (precision = 1; precision <= 17; precision++)
    {
      g_snprintf (buf, sizeof buf, "%.*e", precision - 1, fabs (value));
      if (g_ascii_strtod (buf, NULL) == fabs (value))
        break;
    }
  e = strchr (buf, 'e');
  exponent = atoi (e + 1);
  for (char *p = buf; p < e; p++)
    if (g_ascii_isdigit (*p))
      digits[n++] = *p;
  while (n > 1 && digits[n - 1] == '0')
    n--;
  digits[n] = '\0';
  if (negative)
    g_string_append_c (out, '-');
  if (exponent >= -4 && exponent < 16)
    {
      if (exponent < 0)
        {
          g_string_append (out, "0.");
          for (int i = 0; i < -exponent - 1; i++)
            g_string_append_c (out, '0');
          g_string_append (out, digits);
        }
      else
        {
          for (int i = 0; i <= exponent; i++)
            g_string_append_c (out, i < n ? digits[i] : '0');
          g_string_append_c (out, '.');
          if (n > exponent + 1)
            g_string_append (out, digits + exponent + 1);
          else
            g_string_append_c (out, '0');
        }
    }
  else
    {
      g_string_append_c (out, digits[0]);
      if (n > 1)
        {
          g_string_append_c (out, '.');
          g_string_append (out, digits + 1);
        }
      g_string_append_printf (out, "e%c%02d", exponent < 0 ? '-' : '+', abs (exponent));
    }
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void append_node (GString *out, JsonNode *node, const char *skip);

void
tw_chain_append_object (GString    *out,
               JsonObject *object,
               const char *skip)
{
  g_autoptr(GList) members = json_object_get_members (object);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  gboolean first = TRUE;

  for (GList *l = members; l != NULL; l = l->next)
    if (skip == NULL || strcmp (l->data, skip) != 0)
      g_ptr_array_add (keys, l->data);
  g_ptr_array_sort (keys, compare_keys);
  g_string_append_c (out, '{');
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);

      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      append_string (out, key);
      g_string_append_c (out, ':');
      append_node (out, json_object_get_member (object, key), NULL);
    }
  g_string_append_c (out, '}');
}

static void
append_node (GString    *out,
             JsonNode   *node,
             const char *skip)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      tw_chain_append_object (out, json_node_get_object (node), skip);
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_node (out, json_array_get_element (array, i), NULL);
          }
        g_string_append_c (out, ']');
      }
      break;
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
    case JSON_NODE_VALUE:
    default:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_STRING:
        default:
          append_string (out, json_node_get_string (node) != NULL ? json_node_get_string (node) : "");
          break;
        }
    }
}

JsonObject *
tw_chain_parse_object (JsonParser  *parser,
              const char  *line,
              gsize        len)
{
  JsonNode *root;

  if (!tw_json_parser_load (parser, line, len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
}

char *
tw_chain_canonical_reference (const char  *json_line,
                              gsize        len,
                              const char  *hash_field,
                              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *object = tw_chain_parse_object (parser, json_line, len);
  GString *out;

  if (object == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID, _("Not a JSON object."));
      return NULL;
    }
  out = g_string_new (NULL);
  tw_chain_append_object (out, object, hash_field);
  return g_string_free (out, FALSE);
}

/* The fast canonical form: one pass over the line's bytes, no tree, no allocation once
 * the buffers have grown. It takes only what it can prove gives the reference's bytes
 * (json-glib's tree, above): strict JSON, keys of printable ASCII without escapes, no
 * duplicate keys, integers of at most 18 digits, decimals already in Python's repr()
 * form. Anything else — an exponent, "1.50", a lone surrogate, a control character, a
 * key with an escape — answers FALSE and the line takes the reference path, so both
 * give the same verdict on every line. */

/* g_string_append_len() without its function call and overlap checks: the fast path
 * appends a few bytes at a time, millions of times. */
static inline void
out_append (GString    *out,
            const char *bytes,
            gsize       len)
{
  if (G_UNLIKELY (out->len + len >= out->allocated_len))
    {
      g_string_append_len (out, bytes, len);
      return;
    }
  memcpy (out->str + out->len, bytes, len);
  out->len += len;
  out->str[out->len] = '\0';
}

static inline void
fast_skip_space (Fast *f)
{
  while (f->p < f->end && (*f->p == ' ' || *f->p == '\t' || *f->p == '\r' || *f->p == '\n'))
    f->p++;
}

static gboolean
read_u4 (const char *p,
         const char *end,
         gunichar   *out)
{
  gunichar v = 0;

  if (end - p < 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int h = tw_chain_hex_value (p[i]);

      if (h < 0)
        return FALSE;
      v = (v << 4) | h;
    }
  *out = v;
  return TRUE;
}

static void
append_escaped_char (GString  *out,
                     gunichar  c)
{
  static const char hex[] = "0123456789abcdef";
  char buf[6] = { '\\', 'u', 0, 0, 0, 0 };

  switch (c)
    {
    case '"': out_append (out, "\\\"", 2); return;
    case '\\': out_append (out, "\\\\", 2); return;
    case '\n': out_append (out, "\\n", 2); return;
    case '\r': out_append (out, "\\r", 2); return;
    case '\t': out_append (out, "\\t", 2); return;
    case '\b': out_append (out, "\\b", 2); return;
    case '\f': out_append (out, "\\f", 2); return;
    default:
      break;
    }
  if (c >= 0x20 && c < 0x7f)
    {
      g_string_append_c (out, (char) c);
      return;
    }
  if (c >= 0x10000)
    {
      gunichar v = c - 0x10000;

      append_escaped_char (out, 0xd800 + (v >> 10));
      append_escaped_char (out, 0xdc00 + (v & 0x3ff));
      return;
    }
  buf[2] = hex[(c >> 12) & 0xf];
  buf[3] = hex[(c >> 8) & 0xf];
  buf[4] = hex[(c >> 4) & 0xf];
  buf[5] = hex[c & 0xf];
  out_append (out, buf, 6);
}

/* A string at f->p (on its opening quote). *plain: it needed no re-encoding. */
static gboolean
fast_string (Fast     *f,
             gboolean *plain)
{
  const char *start = ++f->p;
  const char *q = start;

  while (q < f->end && (guchar) *q >= 0x20 && (guchar) *q < 0x7f && *q != '"' && *q != '\\')
    q++;
  if (q < f->end && *q == '"')
    {
      out_append (f->out, start - 1, q - start + 2);
      f->p = q + 1;
      *plain = TRUE;
      return TRUE;
    }
  *plain = FALSE;
  g_string_append_c (f->out, '"');
  out_append (f->out, start, q - start);
  while (q < f->end && *q != '"')
    {
      guchar b = *q;
      gunichar c;

      if (b == '\\')
        {
          if (q + 1 >= f->end)
            return FALSE;
          switch (q[1])
            {
            case '"': c = '"'; break;
            case '\\': c = '\\'; break;
            case '/': c = '/'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'u':
              if (!read_u4 (q + 2, f->end, &c) || c == 0 || (c >= 0xdc00 && c < 0xe000))
                return FALSE;
              if (c >= 0xd800 && c < 0xdc00)
                {
                  gunichar low;

                  if (q + 12 > f->end || q[6] != '\\' || q[7] != 'u'
                      || !read_u4 (q + 8, f->end, &low) || low < 0xdc00 || low >= 0xe000)
                    return FALSE;
                  c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
                  q += 6;
                }
              q += 4;
              break;
            default:
              return FALSE;
            }
          q += 2;
        }
      else if (b < 0x20)
        return FALSE;
      else if (b < 0x80)
        {
          c = b;
          q++;
        }
      else
        {
          c = g_utf8_get_char_validated (q, f->end - q);
          if (c == (gunichar) -1 || c == (gunichar) -2)
            return FALSE;
          q = g_utf8_next_char (q);
        }
      append_escaped_char (f->out, c);
    }
  if (q >= f->end)
    return FALSE;
  g_string_append_c (f->out, '"');
  f->p = q + 1;
  return TRUE;
}

/* A number already in the form the reference prints: an integer of at most 18 digits
 * (not "-0"), or a decimal without exponent that is its own shortest repr(): at most 15
 * significant digits (so no shorter decimal reads back to the same double), no trailing
 * zero but in "N.0", and for 0.x no more than three leading zeros (repr's fixed range). */
static gboolean
fast_number (Fast *f)
{
  const char *start = f->p;
  const char *q = f->p;
  const char *int_start, *frac_start;
  gsize int_len, frac_len;

  if (q < f->end && *q == '-')
    q++;
  int_start = q;
  while (q < f->end && g_ascii_isdigit (*q))
    q++;
  int_len = q - int_start;
  if (int_len == 0 || (int_len > 1 && *int_start == '0'))
    return FALSE;
  if (q < f->end && (*q == 'e' || *q == 'E'))
    return FALSE;
  if (q >= f->end || *q != '.')
    {
      if (int_len > 18 || (int_len == 1 && *int_start == '0' && start != int_start))
        return FALSE;
      out_append (f->out, start, q - start);
      f->p = q;
      return TRUE;
    }
  frac_start = ++q;
  while (q < f->end && g_ascii_isdigit (*q))
    q++;
  frac_len = q - frac_start;
  if (frac_len == 0 || (q < f->end && (*q == 'e' || *q == 'E')))
    return FALSE;
  if (*int_start != '0')
    {
      if (int_len + frac_len > 15)
        return FALSE;
      if (frac_len > 1 && frac_start[frac_len - 1] == '0')
        return FALSE;
    }
  else
    {
      gsize zeros = 0;

      while (zeros < frac_len && frac_start[zeros] == '0')
        zeros++;
      if (zeros == frac_len || zeros > 3 || frac_len - zeros > 15 || frac_start[frac_len - 1] == '0')
        return FALSE;
    }
  out_append (f->out, start, q - start);
  f->p = q;
  return TRUE;
}

static int
compare_members (gconstpointer a,
                 gconstpointer b)
{
  const Member *x = a, *y = b;
  int c = memcmp (x->key, y->key, MIN (x->key_len, y->key_len));

  return c != 0 ? c : (int) x->key_len - (int) y->key_len;
}

static gboolean fast_value (Fast *f);

static gboolean
fast_object (Fast *f)
{
  gsize start = f->out->len;
  guint base = f->members->len;
  gboolean top = f->depth == 0;
  Member *members;
  guint n;

  if (++f->depth > FAST_MAX_DEPTH)
    return FALSE;
  f->p++;
  fast_skip_space (f);
  if (f->p < f->end && *f->p == '}')
    f->p++;
  else
    for (;;)
      {
        Member m;
        const char *q;
        gboolean plain;

        if (f->p >= f->end || *f->p != '"')
          return FALSE;
        m.key = ++f->p;
        for (q = f->p; q < f->end && (guchar) *q >= 0x20 && (guchar) *q < 0x7f && *q != '"' && *q != '\\'; q++)
          ;
        if (q >= f->end || *q != '"')
          return FALSE;
        m.key_len = q - m.key;
        f->p = q + 1;
        fast_skip_space (f);
        if (f->p >= f->end || *f->p != ':')
          return FALSE;
        f->p++;
        fast_skip_space (f);
        m.value_start = f->out->len;
        if (f->p >= f->end)
          return FALSE;
        if (*f->p == '"')
          {
            const char *value = f->p + 1;

            if (!fast_string (f, &plain))
              return FALSE;
            if (top && m.key_len == f->prev_field_len && memcmp (m.key, f->prev_field, m.key_len) == 0)
              {
                if (!plain)
                  return FALSE;
                f->prev = value;
                f->prev_len = f->p - value - 1;
              }
            if (top && m.key_len == f->hash_field_len && memcmp (m.key, f->hash_field, m.key_len) == 0)
              {
                if (!plain)
                  return FALSE;
                f->hash = value;
                f->hash_len = f->p - value - 1;
              }
          }
        else if (!fast_value (f))
          return FALSE;
        m.value_end = f->out->len;
        g_array_append_val (f->members, m);
        fast_skip_space (f);
        if (f->p < f->end && *f->p == ',')
          {
            f->p++;
            fast_skip_space (f);
            continue;
          }
        if (f->p < f->end && *f->p == '}')
          {
            f->p++;
            break;
          }
        return FALSE;
      }

  members = &g_array_index (f->members, Member, base);
  n = f->members->len - base;
  if (n > 1)
    {
      /* Insertion sort: a handful of keys, often nearly in order. */
      for (guint i = 1; i < n; i++)
        for (guint j = i; j > 0 && compare_members (&members[j - 1], &members[j]) > 0; j--)
          {
            Member t = members[j];

            members[j] = members[j - 1];
            members[j - 1] = t;
          }
      for (guint i = 1; i < n; i++)
        if (compare_members (&members[i - 1], &members[i]) == 0)
          return FALSE;  /* a duplicate key: the reference's rule decides */
    }
  g_string_truncate (f->scratch, 0);
  g_string_append_c (f->scratch, '{');
  for (guint i = 0, written = 0; i < n; i++)
    {
      Member *m = &members[i];

      if (top && m->key_len == f->hash_field_len && memcmp (m->key, f->hash_field, m->key_len) == 0)
        continue;
      if (written++ > 0)
        g_string_append_c (f->scratch, ',');
      g_string_append_c (f->scratch, '"');
      out_append (f->scratch, m->key, m->key_len);
      out_append (f->scratch, "\":", 2);
      out_append (f->scratch, f->out->str + m->value_start, m->value_end - m->value_start);
    }
  g_string_append_c (f->scratch, '}');
  g_string_truncate (f->out, start);
  out_append (f->out, f->scratch->str, f->scratch->len);
  g_array_set_size (f->members, base);
  f->depth--;
  return TRUE;
}

static gboolean
fast_array (Fast *f)
{
  if (++f->depth > FAST_MAX_DEPTH)
    return FALSE;
  f->p++;
  g_string_append_c (f->out, '[');
  fast_skip_space (f);
  if (f->p < f->end && *f->p == ']')
    f->p++;
  else
    for (;;)
      {
        if (!fast_value (f))
          return FALSE;
        fast_skip_space (f);
        if (f->p < f->end && *f->p == ',')
          {
            f->p++;
            g_string_append_c (f->out, ',');
            fast_skip_space (f);
            continue;
          }
        if (f->p < f->end && *f->p == ']')
          {
            f->p++;
            break;
          }
        return FALSE;
      }
  g_string_append_c (f->out, ']');
  f->depth--;
  return TRUE;
}

static gboolean
fast_literal (Fast       *f,
              const char *word,
              gsize       len)
{
  if ((gsize) (f->end - f->p) < len || memcmp (f->p, word, len) != 0)
    return FALSE;
  out_append (f->out, word, len);
  f->p += len;
  return TRUE;
}

static gboolean
fast_value (Fast *f)
{
  gboolean plain;

  if (f->p >= f->end)
    return FALSE;
  switch (*f->p)
    {
    case '{': return fast_object (f);
    case '[': return fast_array (f);
    case '"': return fast_string (f, &plain);
    case 't': return fast_literal (f, "true", 4);
    case 'f': return fast_literal (f, "false", 5);
    case 'n': return fast_literal (f, "null", 4);
    default: return fast_number (f);
    }
}

/* The canonical form of a line into f->out, or FALSE: the reference decides. */
gboolean
tw_chain_fast_canonical (Fast       *f,
                const char *line,
                gsize       len)
{
  f->p = line;
  f->end = line + len;
  f->depth = 0;
  f->prev = f->hash = NULL;
  f->prev_len = f->hash_len = 0;
  g_string_truncate (f->out, 0);
  g_array_set_size (f->members, 0);
  fast_skip_space (f);
  if (f->p >= f->end || *f->p != '{' || !fast_object (f))
    return FALSE;
  fast_skip_space (f);
  return f->p == f->end;
}

void
tw_chain_fast_init (Fast       *f,
           const char *prev_field,
           const char *hash_field)
{
  memset (f, 0, sizeof *f);
  f->out = g_string_sized_new (4096);
  f->scratch = g_string_sized_new (4096);
  f->members = g_array_sized_new (FALSE, FALSE, sizeof (Member), 64);
  f->prev_field = prev_field;
  f->prev_field_len = strlen (prev_field);
  f->hash_field = hash_field;
  f->hash_field_len = strlen (hash_field);
}

void
tw_chain_fast_clear (Fast *f)
{
  g_string_free (f->out, TRUE);
  g_string_free (f->scratch, TRUE);
  g_array_unref (f->members);
}

char *
tw_chain_canonical_fast (const char *json_line,
                         gsize       len,
                         const char *hash_field)
{
  Fast f;
  char *canonical = NULL;

  tw_chain_fast_init (&f, "prev_hash", hash_field);
  if (tw_chain_fast_canonical (&f, json_line, len))
    canonical = g_strndup (f.out->str, f.out->len);
  tw_chain_fast_clear (&f);
  return canonical;
}

char *
tw_chain_canonical (const char  *json_line,
                    gsize        len,
                    const char  *hash_field,
                    GError     **error)
{
  char *canonical = tw_chain_canonical_fast (json_line, len, hash_field);

  return canonical != NULL ? canonical : tw_chain_canonical_reference (json_line, len, hash_field, error);
}
