/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-log-chain.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw-error.h"
#include "tw-json.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

void
tw_chain_result_clear (TwChainResult *result)
{
  g_clear_pointer (&result->message, g_free);
  memset (result, 0, sizeof *result);
}

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
          if (c < 0x20 || (c >= 0x7f && c < 0x10000 && c != 0x7f))
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

static void
append_object (GString    *out,
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
      append_object (out, json_node_get_object (node), skip);
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

static JsonObject *
parse_object (JsonParser  *parser,
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
tw_chain_canonical (const char  *json_line,
                    gsize        len,
                    const char  *hash_field,
                    GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *object = parse_object (parser, json_line, len);
  GString *out;

  if (object == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID, _("Not a JSON object."));
      return NULL;
    }
  out = g_string_new (NULL);
  append_object (out, object, hash_field);
  return g_string_free (out, FALSE);
}

static char *
sha256_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

/* Verification */

typedef struct
{
  char *prev;   /* NULL when missing or null */
  char *hash;   /* as stored */
  gboolean ok;  /* parsed, hash present and matching the content */
  gboolean json;
} Entry;

static void
entry_clear (gpointer data)
{
  Entry *entry = data;

  g_free (entry->prev);
  g_free (entry->hash);
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

static gboolean
is_genesis (const char *prev)
{
  return prev == NULL || *prev == '\0' || strcmp (prev, GENESIS) == 0;
}

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

gboolean
tw_chain_verify_file (const char     *path,
                      const char     *prev_hash_field,
                      const char     *hash_field,
                      TwChainResult  *result,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GArray) entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_autoptr(GHashTable) positions = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;
  const char *p, *end;
  gboolean cut_last = FALSE;

  memset (result, 0, sizeof *result);
  if (prev_hash_field == NULL)
    prev_hash_field = "prev_hash";
  if (hash_field == NULL)
    hash_field = "hash";
  g_array_set_clear_func (entries, entry_clear);
  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_NOT_FOUND, _("Could not read the audit chain %s: %s"),
                   path, local_error->message);
      return FALSE;
    }

  p = contents;
  end = contents + length;
  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl != NULL ? nl : end;
      gsize len = line_end - p;
      Entry entry = { 0, };
      JsonObject *object;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (len > 0 && p[len - 1] == '\r')
        len--;
      if (len == 0 && nl == NULL)
        break;
      cut_last = nl == NULL;
      object = parse_object (parser, p, len);
      if (object != NULL)
        {
          g_autofree char *canonical = NULL;
          g_autofree char *computed = NULL;
          GString *out = g_string_new (NULL);

          entry.json = TRUE;
          entry.prev = member_string (object, prev_hash_field);
          entry.hash = member_string (object, hash_field);
          append_object (out, object, hash_field);
          canonical = g_string_free (out, FALSE);
          computed = sha256_hex (canonical);
          entry.ok = entry.hash != NULL && strcmp (computed, entry.hash) == 0;
        }
      g_array_append_val (entries, entry);
      if (entry.hash != NULL && !g_hash_table_contains (positions, entry.hash))
        g_hash_table_insert (positions, entry.hash, GUINT_TO_POINTER (entries->len));
      p = line_end + (nl != NULL ? 1 : 0);
    }

  result->n_lines = entries->len;
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = &g_array_index (entries, Entry, i);
      guint line = i + 1;
      const char *expected = i > 0 ? g_array_index (entries, Entry, i - 1).hash : NULL;

      if (!entry->json)
        {
          if (i + 1 == entries->len && cut_last)
            set_broken (result, TW_CHAIN_TRUNCATED, line,
                        g_strdup_printf (_("Line %u is cut mid-entry: the file was truncated (a rotation or a crash while writing)."), line));
          else
            set_broken (result, TW_CHAIN_MALFORMED, line,
                        g_strdup_printf (_("Line %u is not a JSON object: it was edited or damaged."), line));
          return TRUE;
        }
      if (entry->hash == NULL)
        {
          set_broken (result, TW_CHAIN_MALFORMED, line,
                      g_strdup_printf (_("Line %u has no “%s”: it was not written by the chain, or was edited."),
                                       line, hash_field));
          return TRUE;
        }
      if (!entry->ok)
        {
          set_broken (result, TW_CHAIN_EDITED, line,
                      g_strdup_printf (_("Line %u was edited: its content no longer matches its hash."), line));
          return TRUE;
        }
      if (i == 0 ? !is_genesis (entry->prev) : g_strcmp0 (entry->prev, expected) != 0)
        {
          guint target = entry->prev != NULL
                         ? GPOINTER_TO_UINT (g_hash_table_lookup (positions, entry->prev)) : 0;

          if (target != 0 && target < line)
            set_broken (result, TW_CHAIN_REMOVED, line,
                        g_strdup_printf (_("Lines were removed before line %u: it follows line %u, not line %u."),
                                         line, target, line - 1));
          else if (target > line)
            set_broken (result, TW_CHAIN_REORDERED, line,
                        g_strdup_printf (_("Line %u is out of order: it follows line %u, which comes after it."),
                                         line, target));
          else if (i == 0)
            set_broken (result, TW_CHAIN_TRUNCATED, line,
                        g_strdup (_("The chain's beginning is missing: line 1 follows a line that is not in the file.")));
          else if (is_genesis (entry->prev))
            set_broken (result, TW_CHAIN_REMOVED, line,
                        g_strdup_printf (_("Line %u starts a new chain: the lines before it were replaced."), line));
          else
            set_broken (result, TW_CHAIN_REMOVED, line,
                        g_strdup_printf (_("Lines were removed before line %u: the line it follows is not in the file."), line));
          return TRUE;
        }
    }
  result->verdict = TW_CHAIN_INTACT;
  result->intact_through = entries->len;
  result->message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Chain intact through line %u.",
                                                  "Chain intact through line %u.", entries->len),
                                     entries->len);
  return TRUE;
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
      previous = parse_object (last_parser, start, contents + length - start);
      prev = previous != NULL ? member_string (previous, "hash") : NULL;
    }
  json_object_set_string_member (object, "prev_hash", prev != NULL ? prev : GENESIS);
  out = g_string_new (NULL);
  append_object (out, object, "hash");
  canonical = g_string_free (out, FALSE);
  hash = sha256_hex (canonical);
  json_object_set_string_member (object, "hash", hash);
  out = g_string_new (NULL);
  append_object (out, object, NULL);
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
