/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-json.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-error.h"

/* The value of the four hex digits at @p, or -1. */
static int
hex4 (const char *p)
{
  int value = 0;

  for (guint i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  return value;
}

/* The length of the \u escape at @data[@i] (6, or 12 for a surrogate pair), or 0 when
 * it does not name a character: json-glib turns a malformed escape ("\uDat") or a lone
 * surrogate ("\uDC00") into a string that is not UTF-8, which GTK, D-Bus and SQLite
 * then refuse or mangle. */
static gsize
unicode_escape_length (const char *data,
                       gsize       length,
                       gsize       i)
{
  int high, low;

  if (length - i < 6 || (high = hex4 (data + i + 2)) < 0)
    return 0;
  if (high >= 0xDC00 && high <= 0xDFFF)
    return 0;
  if (high < 0xD800 || high > 0xDBFF)
    return 6;
  if (length - i < 12 || data[i + 6] != '\\' || data[i + 7] != 'u' ||
      (low = hex4 (data + i + 8)) < 0 || low < 0xDC00 || low > 0xDFFF)
    return 0;
  return 12;
}

/**
 * tw_json_check_limits:
 * @data: the JSON text
 * @length: its length in bytes
 * @error: return location for a #TW_ERROR_TOO_LARGE or #TW_ERROR_INVALID error
 *
 * Checks, in one pass over the raw text and before any parser sees it, that @data is no
 * longer than %TW_JSON_MAX_BYTES, nests arrays and objects no deeper than
 * %TW_JSON_MAX_DEPTH and holds no more than %TW_JSON_MAX_VALUES values. Strings are
 * skipped with their escapes, so brackets inside them do not count; a "\u" escape must
 * name a character (four hex digits, surrogates in pairs) and any other escape be one
 * of JSON's, or json-glib would make a string that is not UTF-8 of it
 * (%TW_ERROR_INVALID). Whether the text is otherwise
 * well-formed JSON is the parser's business.
 *
 * Returns: %TRUE when the text is within the limits
 */
gboolean
tw_json_check_limits (const char  *data,
                      gsize        length,
                      GError     **error)
{
  gboolean in_string = FALSE;
  guint depth = 0;
  guint values = 1;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  if (length > TW_JSON_MAX_BYTES)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_TOO_LARGE,
                   _("the JSON text is larger than %u MB"), TW_JSON_MAX_BYTES / (1024 * 1024));
      return FALSE;
    }

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\' && i + 1 < length && data[i + 1] == 'u')
            {
              gsize escape = unicode_escape_length (data, length, i);

              if (escape == 0)
                {
                  g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                               /* Not G_GSIZE_FORMAT: xgettext cannot see through a macro. */
                               _("a string holds a \\u escape that is not a character (byte "
                                 "%zu)"), i + 1);
                  return FALSE;
                }
              i += escape - 1;
            }
          else if (c == '\\')
            {
              /* JSON's escapes only: json-glib reads others as GScanner does ("\631" an
               * octal byte), which makes a string that is not UTF-8 of them. */
              if (i + 1 >= length || data[i + 1] == '\0' || strchr ("\"\\/bfnrt", data[i + 1]) == NULL)
                {
                  g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                               /* Not G_GSIZE_FORMAT: xgettext cannot see through a macro. */
                               _("a string holds an escape JSON does not have (byte %zu)"), i + 1);
                  return FALSE;
                }
              i++;
            }
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[':
        case '{':
          if (++depth > TW_JSON_MAX_DEPTH)
            {
              g_set_error (error, TW_ERROR, TW_ERROR_TOO_LARGE,
                           _("the JSON is nested deeper than %u levels"), TW_JSON_MAX_DEPTH);
              return FALSE;
            }
          break;
        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;
        case ',':
          if (++values > TW_JSON_MAX_VALUES)
            {
              g_set_error (error, TW_ERROR, TW_ERROR_TOO_LARGE,
                           _("the JSON holds more than %u values"), TW_JSON_MAX_VALUES);
              return FALSE;
            }
          break;
        default:
          break;
        }
    }

  return TRUE;
}

gboolean
tw_json_parser_load (JsonParser  *parser,
                     const char  *data,
                     gssize       length,
                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (JSON_IS_PARSER (parser), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  if (length < 0)
    length = strlen (data);
  if (!tw_json_check_limits (data, length, error))
    return FALSE;
  if (json_parser_load_from_data (parser, data, length, &local_error))
    return TRUE;

  /* json-glib quotes the text around the fault, cut at a byte: "invalid string constant
   * "…stat\360"" splits a character in two. Its messages reach people and D-Bus. */
  if (!g_utf8_validate (local_error->message, -1, NULL))
    {
      char *valid = g_utf8_make_valid (local_error->message, -1);

      g_free (local_error->message);
      local_error->message = valid;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

JsonNode *
tw_json_parse (const char  *data,
               gssize       length,
               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (!tw_json_parser_load (parser, data, length, error))
    return NULL;
  root = json_parser_steal_root (parser);
  return root != NULL ? root : json_node_new (JSON_NODE_NULL);
}
