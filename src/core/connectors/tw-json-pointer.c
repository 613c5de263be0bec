/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-json-pointer.h"

#include <string.h>

/* RFC 6901: a pointer is "" or a sequence of "/token"; in a token "~" must be followed by
 * "0" (a "~") or "1" (a "/"). */
gboolean
tw_json_pointer_is_valid (const char *pointer)
{
  const char *p;

  if (pointer == NULL)
    return FALSE;
  if (*pointer == '\0')
    return TRUE;
  if (*pointer != '/')
    return FALSE;

  for (p = pointer; *p != '\0'; p++)
    {
      if (*p == '~' && p[1] != '0' && p[1] != '1')
        return FALSE;
    }

  return g_utf8_validate (pointer, -1, NULL);
}

/* Decodes one reference token [start, end) ("~1" → "/", "~0" → "~", in that order). */
static char *
unescape_token (const char *start,
                const char *end)
{
  GString *token = g_string_sized_new (end - start);
  const char *p;

  for (p = start; p < end; p++)
    {
      if (*p == '~' && p + 1 < end && p[1] == '1')
        {
          g_string_append_c (token, '/');
          p++;
        }
      else if (*p == '~' && p + 1 < end && p[1] == '0')
        {
          g_string_append_c (token, '~');
          p++;
        }
      else
        g_string_append_c (token, *p);
    }

  return g_string_free (token, FALSE);
}

/* An array index: "0" or digits without a leading zero. "-" (past the end) never exists. */
static gboolean
parse_index (const char *token,
             guint      *index)
{
  guint64 value;

  if (token[0] == '\0' || (token[0] == '0' && token[1] != '\0'))
    return FALSE;
  if (!g_ascii_string_to_unsigned (token, 10, 0, G_MAXUINT, &value, NULL))
    return FALSE;

  *index = (guint) value;
  return TRUE;
}

/**
 * tw_json_pointer_get:
 * @root: (nullable): a JSON document
 * @pointer: an RFC 6901 JSON Pointer
 *
 * Returns: (transfer none) (nullable): the node @pointer refers to, or %NULL when it
 *   does not exist or @pointer is not a valid pointer.
 */
JsonNode *
tw_json_pointer_get (JsonNode   *root,
                     const char *pointer)
{
  JsonNode *node = root;
  const char *p;

  if (root == NULL || !tw_json_pointer_is_valid (pointer))
    return NULL;

  p = pointer;
  while (*p == '/')
    {
      const char *start = p + 1;
      const char *end = strchr (start, '/');
      g_autofree char *escaped = NULL;
      char buffer[64];
      const char *token;

      if (end == NULL)
        end = start + strlen (start);
      /* The usual token ("status", "0") is short and has no escape: no allocation. */
      if ((gsize) (end - start) < sizeof buffer && memchr (start, '~', end - start) == NULL)
        {
          memcpy (buffer, start, end - start);
          buffer[end - start] = '\0';
          token = buffer;
        }
      else
        token = escaped = unescape_token (start, end);
      p = end;

      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *object = json_node_get_object (node);

          if (!json_object_has_member (object, token))
            return NULL;
          node = json_object_get_member (object, token);
        }
      else if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);
          guint index;

          if (!parse_index (token, &index) || index >= json_array_get_length (array))
            return NULL;
          node = json_array_get_element (array, index);
        }
      else
        return NULL;
    }

  return node;
}


/* One reference token, unescaped, and its array index when it is one. */
typedef struct
{
  char    *name;
  gboolean is_index;
  guint    index;
} Token;

struct _TwJsonPointer
{
  guint n_tokens;
  Token tokens[];
};

/**
 * tw_json_pointer_new:
 * @pointer: an RFC 6901 JSON Pointer
 *
 * Splits @pointer into its tokens, unescaped, once.
 *
 * Returns: (transfer full) (nullable): the pointer, or %NULL when @pointer is not valid
 */
TwJsonPointer *
tw_json_pointer_new (const char *pointer)
{
  TwJsonPointer *self;
  guint n = 0;
  const char *p;

  if (!tw_json_pointer_is_valid (pointer))
    return NULL;

  for (p = pointer; *p != '\0'; p++)
    n += *p == '/';

  self = g_malloc0 (sizeof (TwJsonPointer) + n * sizeof (Token));
  self->n_tokens = n;

  p = pointer;
  for (guint i = 0; i < n; i++)
    {
      const char *start = p + 1;
      const char *end = strchr (start, '/');
      Token *token = &self->tokens[i];

      if (end == NULL)
        end = start + strlen (start);
      token->name = unescape_token (start, end);
      token->is_index = parse_index (token->name, &token->index);
      p = end;
    }

  return self;
}

void
tw_json_pointer_free (TwJsonPointer *pointer)
{
  if (pointer == NULL)
    return;
  for (guint i = 0; i < pointer->n_tokens; i++)
    g_free (pointer->tokens[i].name);
  g_free (pointer);
}

/**
 * tw_json_pointer_resolve:
 * @pointer: a pointer made by tw_json_pointer_new()
 * @root: (nullable): a JSON document
 *
 * Walks @root as tw_json_pointer_get() does, with the tokens split before.
 *
 * Returns: (transfer none) (nullable): the node @pointer refers to, or %NULL when it
 *   does not exist
 */
JsonNode *
tw_json_pointer_resolve (const TwJsonPointer *pointer,
                         JsonNode            *root)
{
  JsonNode *node = root;

  g_return_val_if_fail (pointer != NULL, NULL);

  for (guint i = 0; i < pointer->n_tokens && node != NULL; i++)
    {
      const Token *token = &pointer->tokens[i];

      if (JSON_NODE_HOLDS_OBJECT (node))
        /* NULL when the member is absent: one lookup instead of two. */
        node = json_object_get_member (json_node_get_object (node), token->name);
      else if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          if (!token->is_index || token->index >= json_array_get_length (array))
            return NULL;
          node = json_array_get_element (array, token->index);
        }
      else
        return NULL;
    }

  return node;
}
