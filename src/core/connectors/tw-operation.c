/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-component.h"
#include "tw-connector-private.h"
#include "tw-json.h"
#include "tw-error.h"
#include "tw-json-pointer.h"
#include "tw-util.h"

/* The operations of a connector at call time: templates expanded into a request, and
 * the answer mapped onto model objects. Everything here was validated by the loader,
 * so the only errors left are about the call's variables, secrets and the answer. */

/* Templates */

static void
template_part_free (TwTemplatePart *part)
{
  g_free (part->text);
  g_free (part->name);
  g_free (part);
}

static gboolean
is_variable_name (const char *name)
{
  if (*name == '\0')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && strchr ("_.-", *p) == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
flush_literal (GPtrArray *parts,
               GString   *literal)
{
  TwTemplatePart *part;

  if (literal->len == 0)
    return;
  part = g_new0 (TwTemplatePart, 1);
  part->text = g_strndup (literal->str, literal->len);
  g_ptr_array_add (parts, part);
  g_string_truncate (literal, 0);
}

/**
 * _tw_template_parse:
 * @template: text with `${name}`, `${name:raw}` or `${secret:name}` placeholders
 *
 * Returns: (transfer full) (element-type TwTemplatePart) (nullable): the pieces
 */
GPtrArray *
_tw_template_parse (const char  *template,
                    GError     **error)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) template_part_free);
  g_autoptr(GString) literal = g_string_new (NULL);
  const char *p = template;

  while (*p != '\0')
    {
      const char *close;
      g_autofree char *inner = NULL;
      const char *name;
      TwTemplatePart *part;
      gboolean secret = FALSE, raw = FALSE;

      if (p[0] != '$' || p[1] != '{')
        {
          g_string_append_c (literal, *p++);
          continue;
        }

      close = strchr (p + 2, '}');
      if (close == NULL)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("\"${\" is not closed by \"}\" (write \"${name}\")"));
          return NULL;
        }

      inner = g_strndup (p + 2, close - (p + 2));
      name = inner;
      if (g_str_has_prefix (name, "secret:"))
        {
          secret = TRUE;
          name += strlen ("secret:");
        }
      if (g_str_has_suffix (name, ":raw"))
        {
          raw = TRUE;
          inner[strlen (inner) - strlen (":raw")] = '\0';
        }
      if (!is_variable_name (name) || (secret && raw))
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("\"%.*s\" is not a placeholder (write \"${name}\", \"${name:raw}\" or "
                         "\"${secret:name}\"; names use letters, digits, \"_\", \".\" and \"-\")"),
                       (int) (close + 1 - p), p);
          return NULL;
        }

      flush_literal (parts, literal);
      part = g_new0 (TwTemplatePart, 1);
      part->name = g_strdup (name);
      part->secret = secret;
      part->raw = raw;
      g_ptr_array_add (parts, part);
      p = close + 1;
    }

  flush_literal (parts, literal);
  return g_steal_pointer (&parts);
}

static const char *
lookup_var (GHashTable *vars,
            const char *name)
{
  return vars != NULL ? g_hash_table_lookup (vars, name) : NULL;
}

static void
append_json_escaped (GString    *out,
                     const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, c);
        }
    }
}

/* Path and query */

/**
 * tw_operation_expand_path:
 * @op: an operation
 * @vars: (nullable) (element-type utf8 utf8): the call's variables
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the path and query, e.g. `/v2/positions/AAPL?qty=5`
 */
char *
tw_operation_expand_path (const TwOperation  *op,
                          GHashTable         *vars,
                          GError            **error)
{
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean have_query;

  g_return_val_if_fail (op != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parts = _tw_template_parse (op->path, error);
  if (parts == NULL)
    return NULL;

  for (guint i = 0; i < parts->len; i++)
    {
      TwTemplatePart *part = g_ptr_array_index (parts, i);
      const char *value;

      if (part->name == NULL)
        {
          g_string_append (out, part->text);
          continue;
        }

      value = lookup_var (vars, part->name);
      if (value == NULL)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("%s: operation \"%s\" needs a value for \"%s\" in its path \"%s\""),
                       op->connector->name, op->name, part->name, op->path);
          return NULL;
        }
      /* Escapes "/" too: a value is one path segment, never a way to another endpoint. */
      g_string_append_uri_escaped (out, value, NULL, TRUE);
    }

  have_query = strchr (out->str, '?') != NULL;
  for (guint i = 0; i < op->query->len; i++)
    {
      TwTemplatePair *pair = g_ptr_array_index (op->query, i);
      g_autoptr(GPtrArray) value_parts = _tw_template_parse (pair->value, error);
      g_autoptr(GString) value = g_string_new (NULL);
      gboolean complete = TRUE;

      if (value_parts == NULL)
        return NULL;

      for (guint j = 0; j < value_parts->len && complete; j++)
        {
          TwTemplatePart *part = g_ptr_array_index (value_parts, j);

          if (part->name == NULL)
            g_string_append (value, part->text);
          else if (lookup_var (vars, part->name) != NULL)
            g_string_append (value, lookup_var (vars, part->name));
          else
            complete = FALSE;
        }

      /* An entry with an unset variable is left out: "?qty=" and "?percentage=" can be
       * alternatives of one operation. */
      if (!complete)
        continue;

      g_string_append_c (out, have_query ? '&' : '?');
      have_query = TRUE;
      g_string_append_uri_escaped (out, pair->name, NULL, TRUE);
      g_string_append_c (out, '=');
      g_string_append_uri_escaped (out, value->str, NULL, TRUE);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * tw_operation_dup_request_key:
 * @op: an operation
 *
 * What identifies the request @op sends when called without variables: its method,
 * expanded path and query, the templates of its headers and whether its answer is
 * text. Two operations of one connector with the same key send the same request and
 * get the same answer, so a poller may send it once for both.
 *
 * Returns: (transfer full) (nullable): the key; %NULL when the operation cannot be
 *   shared: it has a body, needs variables, or runs local commands
 */
char *
tw_operation_dup_request_key (const TwOperation *op)
{
  g_autofree char *path = NULL;
  GString *key;

  g_return_val_if_fail (op != NULL, NULL);

  if (op->body != NULL || op->steps != NULL || op->method == NULL)
    return NULL;
  path = tw_operation_expand_path (op, NULL, NULL);
  if (path == NULL)
    return NULL;

  key = g_string_new (op->method);
  g_string_append_c (key, ' ');
  g_string_append (key, path);
  if (op->text)
    g_string_append (key, " text");
  for (guint i = 0; op->headers != NULL && i < op->headers->len; i++)
    {
      TwTemplatePair *pair = g_ptr_array_index (op->headers, i);

      g_string_append_printf (key, "\n%s: %s", pair->name, pair->value);
    }
  return g_string_free (key, FALSE);
}

/* Body */

static gboolean
is_json_value (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  return tw_json_parser_load (parser, text, -1, NULL) &&
         json_parser_get_root (parser) != NULL;
}

/**
 * tw_operation_expand_body:
 * @op: an operation
 * @vars: (nullable) (element-type utf8 utf8): the call's variables
 * @error: return location for a #GError
 *
 * `${var}` becomes the JSON-escaped value (it sits inside a JSON string); `"${var:raw}"`
 * (quotes included) or a bare `${var:raw}` becomes the value itself, which must be a
 * JSON value (a number, true, false, null…).
 *
 * Returns: (transfer full) (nullable): the body, or %NULL (no error) when there is none
 */
char *
tw_operation_expand_body (const TwOperation  *op,
                          GHashTable         *vars,
                          GError            **error)
{
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean skip_quote = FALSE;

  g_return_val_if_fail (op != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (op->body == NULL)
    return NULL;

  parts = _tw_template_parse (op->body, error);
  if (parts == NULL)
    return NULL;

  for (guint i = 0; i < parts->len; i++)
    {
      TwTemplatePart *part = g_ptr_array_index (parts, i);
      TwTemplatePart *next = i + 1 < parts->len ? g_ptr_array_index (parts, i + 1) : NULL;
      const char *value;

      if (part->name == NULL)
        {
          g_string_append (out, part->text + (skip_quote && part->text[0] == '"' ? 1 : 0));
          skip_quote = FALSE;
          continue;
        }

      value = lookup_var (vars, part->name);
      if (value == NULL)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("%s: operation \"%s\" needs a value for \"%s\" in its body"),
                       op->connector->name, op->name, part->name);
          return NULL;
        }

      if (!part->raw)
        {
          append_json_escaped (out, value);
          continue;
        }

      if (!is_json_value (value))
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("%s: operation \"%s\": \"%s\" must be a number, true, false or another "
                         "JSON value, not \"%s\""),
                       op->connector->name, op->name, part->name, value);
          return NULL;
        }

      /* "${var:raw}" inside a JSON string literal: drop the literal's quotes. */
      if (out->len > 0 && out->str[out->len - 1] == '"' &&
          next != NULL && next->name == NULL && next->text[0] == '"')
        {
          g_string_truncate (out, out->len - 1);
          skip_quote = TRUE;
        }
      g_string_append (out, value);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Headers */

static guint
ascii_case_hash (gconstpointer key)
{
  g_autofree char *down = g_ascii_strdown (key, -1);

  return g_str_hash (down);
}

static gboolean
ascii_case_equal (gconstpointer a,
                  gconstpointer b)
{
  return g_ascii_strcasecmp (a, b) == 0;
}

static gboolean
has_line_break (const char *text)
{
  return strchr (text, '\r') != NULL || strchr (text, '\n') != NULL;
}

/* Expands one header value. *@value NULL without error: the header is left out (an
 * optional secret that is not set, or a variable that is not set). */
static gboolean
expand_header (const TwOperation   *op,
               TwTemplatePair      *pair,
               GHashTable          *vars,
               TwSecretLookupFunc   lookup_secret,
               gpointer             user_data,
               char               **value,
               GError             **error)
{
  g_autoptr(GPtrArray) parts = _tw_template_parse (pair->value, error);
  g_autoptr(GString) out = g_string_new (NULL);

  *value = NULL;
  if (parts == NULL)
    return FALSE;

  for (guint i = 0; i < parts->len; i++)
    {
      TwTemplatePart *part = g_ptr_array_index (parts, i);

      if (part->name == NULL)
        g_string_append (out, part->text);
      else if (part->secret)
        {
          const TwSecretSpec *spec = _tw_connector_find_secret (op->connector, part->name);
          g_autoptr(GError) local_error = NULL;
          char *secret = NULL;

          if (lookup_secret != NULL)
            secret = lookup_secret (part->name, user_data, &local_error);

          if (secret == NULL)
            {
              if (spec != NULL && !spec->required)
                return TRUE;
              if (local_error != NULL)
                g_propagate_error (error, g_steal_pointer (&local_error));
              else
                g_set_error (error, TW_ERROR, TW_ERROR_SECRET,
                             _("%s needs the secret \"%s\", which is not set: enter it in the "
                               "service's settings"), op->connector->name,
                             spec != NULL ? spec->label : part->name);
              return FALSE;
            }

          if (has_line_break (secret))
            {
              g_set_error (error, TW_ERROR, TW_ERROR_SECRET,
                           _("The secret \"%s\" of %s contains a line break: enter it again"),
                           spec != NULL ? spec->label : part->name, op->connector->name);
              g_free (secret);
              return FALSE;
            }

          g_string_append (out, secret);
          memset (secret, 0, strlen (secret));
          g_free (secret);
        }
      else
        {
          const char *var = lookup_var (vars, part->name);

          if (var == NULL)
            return TRUE;
          if (has_line_break (var))
            {
              g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                           _("%s: operation \"%s\": the value of \"%s\" for header \"%s\" "
                             "contains a line break"), op->connector->name, op->name,
                           part->name, pair->name);
              return FALSE;
            }
          g_string_append (out, var);
        }
    }

  *value = g_string_free (g_steal_pointer (&out), FALSE);
  return TRUE;
}

static gboolean
expand_headers_into (const TwOperation   *op,
                     GPtrArray           *pairs,
                     GHashTable          *headers,
                     GHashTable          *vars,
                     TwSecretLookupFunc   lookup_secret,
                     gpointer             user_data,
                     GError             **error)
{
  for (guint i = 0; i < pairs->len; i++)
    {
      TwTemplatePair *pair = g_ptr_array_index (pairs, i);
      char *value = NULL;

      if (!expand_header (op, pair, vars, lookup_secret, user_data, &value, error))
        return FALSE;
      if (value != NULL)
        {
          /* The operation's own header replaces the connector's, whatever its case. */
          g_hash_table_remove (headers, pair->name);
          g_hash_table_insert (headers, g_strdup (pair->name), value);
        }
    }

  return TRUE;
}

/**
 * tw_operation_expand_headers:
 * @op: an operation
 * @vars: (nullable) (element-type utf8 utf8): the call's variables
 * @lookup_secret: (scope call) (nullable): gives the value of a secret
 * @user_data: for @lookup_secret
 * @error: return location for a #GError
 *
 * A header whose optional secret (`"required": false`) is not set, or whose variable is
 * not set, is left out. A required secret that is missing is an error (the lookup's own,
 * or TW_ERROR_SECRET). Secret values never appear in messages.
 *
 * Returns: (transfer full) (element-type utf8 utf8) (nullable): header name → value;
 *   lookups ignore the case of names
 */
GHashTable *
tw_operation_expand_headers (const TwOperation   *op,
                             GHashTable          *vars,
                             TwSecretLookupFunc   lookup_secret,
                             gpointer             user_data,
                             GError             **error)
{
  g_autoptr(GHashTable) headers = NULL;

  g_return_val_if_fail (op != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Values carry keys: wiped when freed. */
  headers = g_hash_table_new_full (ascii_case_hash, ascii_case_equal, g_free, tw_str_wipe_free);
  if ((op->endpoint == NULL &&
       !expand_headers_into (op, op->connector->headers, headers, vars, lookup_secret, user_data, error)) ||
      !expand_headers_into (op, op->headers, headers, vars, lookup_secret, user_data, error))
    return NULL;

  return g_steal_pointer (&headers);
}

static void
collect_secret_names (const TwOperation *op,
                      GPtrArray         *pairs,
                      GPtrArray         *names)
{
  for (guint i = 0; i < pairs->len; i++)
    {
      TwTemplatePair *pair = g_ptr_array_index (pairs, i);
      g_autoptr(GPtrArray) parts = _tw_template_parse (pair->value, NULL);

      for (guint j = 0; parts != NULL && j < parts->len; j++)
        {
          TwTemplatePart *part = g_ptr_array_index (parts, j);
          const TwSecretSpec *spec;

          if (!part->secret)
            continue;
          spec = _tw_connector_find_secret (op->connector, part->name);
          if (spec != NULL && !g_ptr_array_find_with_equal_func (names, spec->name, g_str_equal, NULL))
            g_ptr_array_add (names, spec->name);
        }
    }
}

/**
 * tw_operation_list_secret_names:
 *
 * Returns: (transfer container) (element-type utf8): the secrets the headers use, each once
 */
GPtrArray *
tw_operation_list_secret_names (const TwOperation *op)
{
  GPtrArray *names;

  g_return_val_if_fail (op != NULL, NULL);

  names = g_ptr_array_new ();
  /* An endpoint is another address: the connector's secrets are not sent there. */
  if (op->endpoint == NULL)
    collect_secret_names (op, op->connector->headers, names);
  collect_secret_names (op, op->headers, names);
  return names;
}

/* Accessors */

const char *
tw_operation_get_name (const TwOperation *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  return op->name;
}

const char *
tw_operation_get_method (const TwOperation *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  return op->method;
}

const char *
tw_operation_get_path_template (const TwOperation *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  return op->path;
}

gboolean
tw_operation_is_list (const TwOperation *op)
{
  g_return_val_if_fail (op != NULL, FALSE);
  return op->list;
}

/**
 * tw_operation_get_key_pointer:
 *
 * Returns: (nullable): the "key" pointer of a list operation
 */
const char *
tw_operation_get_key_pointer (const TwOperation *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  return op->key;
}

/**
 * tw_operation_get_unchanged:
 *
 * Returns: (nullable): the connector's own words (not translated) on why a successful
 *   call may leave the state it changes as it was, e.g. a kill switch that the service's
 *   environment keeps on; NULL when the connector says nothing
 */
const char *
tw_operation_get_unchanged (const TwOperation *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  return op->unchanged;
}

/**
 * tw_operation_is_text:
 *
 * Returns: TRUE when the answer is text (`"format": "prometheus"`), not JSON: the
 *   client hands it on as a JSON string node, unparsed
 */
gboolean
tw_operation_is_text (const TwOperation *op)
{
  g_return_val_if_fail (op != NULL, FALSE);
  return op->text;
}

/* Life cycle */

TwTemplatePair *
_tw_template_pair_new (const char *name,
                       const char *value)
{
  TwTemplatePair *pair = g_new0 (TwTemplatePair, 1);

  pair->name = g_strdup (name);
  pair->value = g_strdup (value);
  return pair;
}

void
_tw_template_pair_free (TwTemplatePair *pair)
{
  if (pair == NULL)
    return;
  g_free (pair->name);
  g_free (pair->value);
  g_free (pair);
}

void
_tw_mapping_free (TwMapping *mapping)
{
  if (mapping == NULL)
    return;
  g_free (mapping->property);
  g_free (mapping->pointer);
  g_clear_pointer (&mapping->compiled, tw_json_pointer_free);
  g_free (mapping);
}

void
_tw_health_rule_free (TwHealthRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->pointer);
  g_clear_pointer (&rule->compiled, tw_json_pointer_free);
  g_clear_pointer (&rule->ok, g_ptr_array_unref);
  g_clear_pointer (&rule->degraded, g_ptr_array_unref);
  g_clear_pointer (&rule->down, g_ptr_array_unref);
  g_free (rule);
}

void
_tw_components_rule_free (TwComponentsRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->pointer);
  g_free (rule->name);
  g_free (rule->broker);
  g_clear_pointer (&rule->map, g_ptr_array_unref);
  g_clear_pointer (&rule->health, _tw_health_rule_free);
  g_free (rule);
}

TwOperation *
_tw_operation_new (TwConnector *connector,
                   const char  *name)
{
  TwOperation *op = g_new0 (TwOperation, 1);

  op->connector = connector;
  op->name = g_strdup (name);
  op->query = g_ptr_array_new_with_free_func ((GDestroyNotify) _tw_template_pair_free);
  op->headers = g_ptr_array_new_with_free_func ((GDestroyNotify) _tw_template_pair_free);
  op->map = g_ptr_array_new_with_free_func ((GDestroyNotify) _tw_mapping_free);
  _tw_operation_set_result (op, "");
  return op;
}

/* The "result" pointer, and the same split once for every answer. */
void
_tw_operation_set_result (TwOperation *op,
                          const char  *result)
{
  g_free (op->result);
  op->result = g_strdup (result);
  g_clear_pointer (&op->result_pointer, tw_json_pointer_free);
  op->result_pointer = tw_json_pointer_new (result);
}

void
_tw_operation_free (TwOperation *op)
{
  if (op == NULL)
    return;
  g_free (op->name);
  g_free (op->method);
  g_free (op->path);
  g_clear_pointer (&op->query, g_ptr_array_unref);
  g_clear_pointer (&op->headers, g_ptr_array_unref);
  g_free (op->body);
  g_free (op->result);
  g_clear_pointer (&op->result_pointer, tw_json_pointer_free);
  g_free (op->key);
  g_free (op->unchanged);
  g_clear_pointer (&op->map, g_ptr_array_unref);
  g_clear_pointer (&op->health, _tw_health_rule_free);
  g_clear_pointer (&op->components, _tw_components_rule_free);
  g_clear_pointer (&op->trading, _tw_trading_rule_free);
  g_clear_pointer (&op->breakers, _tw_breakers_rule_free);
  g_clear_pointer (&op->steps, g_ptr_array_unref);
  g_free (op->endpoint);
  g_free (op->summary_name);
  g_clear_pointer (&op->summary_map, g_ptr_array_unref);
  g_clear_pointer (&op->summary_health, _tw_health_rule_free);
  g_free (op);
}
