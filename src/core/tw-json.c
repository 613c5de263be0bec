/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-json.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-error.h"

/**
 * tw_json_check_limits:
 * @data: the JSON text
 * @length: its length in bytes
 * @error: return location for a #TW_ERROR_TOO_LARGE error
 *
 * Checks, in one pass over the raw text and before any parser sees it, that @data is no
 * longer than %TW_JSON_MAX_BYTES, nests arrays and objects no deeper than
 * %TW_JSON_MAX_DEPTH and holds no more than %TW_JSON_MAX_VALUES values. Strings are
 * skipped with their escapes, so brackets inside them do not count. Whether the text is
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
          if (c == '\\')
            i++;
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
  g_return_val_if_fail (JSON_IS_PARSER (parser), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  if (length < 0)
    length = strlen (data);
  if (!tw_json_check_limits (data, length, error))
    return FALSE;
  return json_parser_load_from_data (parser, data, length, error);
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
