/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-connector-private.h"
#include "tw-error.h"
#include "tw-json-pointer.h"

/* Validates a whole connector file at load time, so a typo is reported when the file is
 * read, naming the file, the operation and the fault, and never half-way through an
 * incident. Keys that begin with "_" are comments and ignored. */

typedef TwLoadContext Ctx;

static void
set_failure (Ctx        *ctx,
             const char *what)
{
  if (ctx->operation != NULL)
    g_set_error (ctx->error, TW_ERROR, TW_ERROR_INVALID, _("%s: operation \"%s\": %s"),
                 ctx->filename, ctx->operation, what);
  else
    g_set_error (ctx->error, TW_ERROR, TW_ERROR_INVALID, "%s: %s", ctx->filename, what);
}

static gboolean fail (Ctx        *ctx,
                      const char *format,
                      ...) G_GNUC_PRINTF (2, 3);

/* Always returns FALSE, so callers can `return fail (…)`. */
static gboolean
fail (Ctx        *ctx,
      const char *format,
      ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  set_failure (ctx, what);
  return FALSE;
}

gboolean
_tw_load_fail (TwLoadContext *ctx,
               const char    *format,
               ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  set_failure (ctx, what);
  return FALSE;
}

/* Continues "… must be a string, not %s". */
static const char *
json_kind (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT: return _("an object");
    case JSON_NODE_ARRAY:  return _("an array");
    case JSON_NODE_NULL:   return "null";
    case JSON_NODE_VALUE:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_STRING)
          return _("a string");
        if (type == G_TYPE_BOOLEAN)
          return _("a boolean");
        return _("a number");
      }
    default:
      return _("something else");
    }
}

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_boolean (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
}

/* Fails on the first member that is not in @allowed and not a "_comment". */
static gboolean
check_keys (Ctx                *ctx,
            JsonObject         *object,
            const char         *where,
            const char * const *allowed)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;

      if (key[0] == '_' || g_strv_contains (allowed, key))
        continue;

      {
        g_autofree char *list = g_strjoinv (", ", (char **) allowed);

        if (where != NULL)
          return fail (ctx, _("%s: unknown key \"%s\" (expected one of %s)"), where, key, list);
        return fail (ctx, _("unknown key \"%s\" (expected one of %s)"), key, list);
      }
    }

  return TRUE;
}

/* @name must be a non-empty string of [a-z0-9] and @extra characters. */
static gboolean
is_identifier (const char *name,
               const char *extra)
{
  if (name == NULL || *name == '\0')
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    {
      if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || strchr (extra, *p) != NULL))
        return FALSE;
    }

  return TRUE;
}

/* RFC 9110 token. */
static gboolean
is_header_name (const char *name)
{
  if (name == NULL || *name == '\0')
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && strchr ("!#$%&'*+-.^_`|~", *p) == NULL)
        return FALSE;
    }

  return TRUE;
}

/* An optional string member: FALSE only on a wrong type. */
static gboolean
get_string (Ctx         *ctx,
            JsonObject  *object,
            const char  *key,
            const char  *where,
            const char **out)
{
  JsonNode *node = json_object_get_member (object, key);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!is_string (node))
    {
      if (where != NULL)
        return fail (ctx, _("%s: \"%s\" must be a string, not %s"), where, key, json_kind (node));
      return fail (ctx, _("\"%s\" must be a string, not %s"), key, json_kind (node));
    }

  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_required_string (Ctx         *ctx,
                     JsonObject  *object,
                     const char  *key,
                     const char  *where,
                     const char **out)
{
  if (!get_string (ctx, object, key, where, out))
    return FALSE;
  if (*out == NULL || **out == '\0')
    {
      if (where != NULL)
        return fail (ctx, _("%s: \"%s\" is missing"), where, key);
      return fail (ctx, _("\"%s\" is missing"), key);
    }

  return TRUE;
}

static gboolean
get_boolean (Ctx        *ctx,
             JsonObject *object,
             const char *key,
             const char *where,
             gboolean    default_value,
             gboolean   *out)
{
  JsonNode *node = json_object_get_member (object, key);

  *out = default_value;
  if (node == NULL)
    return TRUE;
  if (!is_boolean (node))
    {
      if (where != NULL)
        return fail (ctx, _("%s: \"%s\" must be true or false, not %s"),
                     where, key, json_kind (node));
      return fail (ctx, _("\"%s\" must be true or false, not %s"), key, json_kind (node));
    }

  *out = json_node_get_boolean (node);
  return TRUE;
}

/* An optional JSON Pointer member. */
static gboolean
get_pointer (Ctx         *ctx,
             JsonObject  *object,
             const char  *key,
             const char  *where,
             const char **out)
{
  if (!get_string (ctx, object, key, where, out))
    return FALSE;
  if (*out != NULL && !tw_json_pointer_is_valid (*out))
    {
      if (where != NULL)
        return fail (ctx, _("%s: \"%s\": \"%s\" is not a JSON Pointer (write \"\" or \"/name\", "
                       "with \"~1\" for \"/\" and \"~0\" for \"~\")"), where, key, *out);
      return fail (ctx, _("\"%s\": \"%s\" is not a JSON Pointer (write \"\" or \"/name\", "
                     "with \"~1\" for \"/\" and \"~0\" for \"~\")"), key, *out);
    }

  return TRUE;
}

typedef enum
{
  ALLOW_SECRETS = 1 << 0,
  ALLOW_RAW     = 1 << 1,
} TemplateFlags;

/* Checks a template's syntax and what its placeholders may refer to. @what names it in
 * messages (e.g. `header "X-API-Key"`). */
static gboolean
check_template (Ctx           *ctx,
                TwConnector   *connector,
                const char    *template,
                const char    *what,
                TemplateFlags  flags)
{
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(GError) local_error = NULL;

  parts = _tw_template_parse (template, &local_error);
  if (parts == NULL)
    return fail (ctx, "%s: %s", what, local_error->message);

  for (guint i = 0; i < parts->len; i++)
    {
      TwTemplatePart *part = g_ptr_array_index (parts, i);

      if (part->name == NULL)
        {
          if (strchr (part->text, '\r') != NULL || strchr (part->text, '\n') != NULL)
            {
              if ((flags & ALLOW_SECRETS) != 0)
                return fail (ctx, _("%s contains a line break"), what);
            }
          continue;
        }

      if (part->secret && (flags & ALLOW_SECRETS) == 0)
        return fail (ctx, _("%s uses secret \"%s\": secrets may only be used in \"headers\" "
                       "(anything else could end up in a log)"), what, part->name);
      if (part->secret && _tw_connector_find_secret (connector, part->name) == NULL)
        return fail (ctx, _("%s uses secret \"%s\" that is not declared in \"secrets\""),
                     what, part->name);
      if (part->raw && (flags & ALLOW_RAW) == 0)
        return fail (ctx, _("%s: \"${%s:raw}\" may only be used in \"body\""), what, part->name);
    }

  return TRUE;
}

/* "headers" or "query": an object of name → string template, kept in file order. */
static gboolean
load_pairs (Ctx          *ctx,
            TwConnector  *connector,
            JsonNode     *node,
            const char   *key,
            gboolean      headers,
            GPtrArray    *out)
{
  g_autoptr(GList) members = NULL;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (ctx, _("\"%s\" must be an object of name → text, not %s"), key, json_kind (node));

  members = json_object_get_members (json_node_get_object (node));
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *value = json_object_get_member (json_node_get_object (node), name);
      g_autofree char *what = NULL;

      if (headers && !is_header_name (name))
        return fail (ctx, _("\"headers\": \"%s\" is not a valid header name"), name);
      if (!headers && *name == '\0')
        return fail (ctx, _("\"query\": a parameter name is empty"));
      if (!is_string (value))
        return fail (ctx, _("%s \"%s\" must be a string, not %s"),
                     headers ? _("header") : _("query parameter"), name, json_kind (value));

      what = g_strdup_printf ("%s \"%s\"", headers ? _("header") : _("query parameter"), name);
      if (!check_template (ctx, connector, json_node_get_string (value), what,
                           headers ? ALLOW_SECRETS : 0))
        return FALSE;

      g_ptr_array_add (out, _tw_template_pair_new (name, json_node_get_string (value)));
    }

  return TRUE;
}

static gboolean
load_secrets (Ctx         *ctx,
              TwConnector *connector,
              JsonNode    *node)
{
  static const char * const keys[] = { "name", "label", "env", "required", "format", "rotation",
                                       NULL };
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (ctx, _("\"secrets\" must be an array, not %s"), json_kind (node));

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *where = g_strdup_printf ("\"secrets\"[%u]", i);
      JsonObject *object;
      const char *name, *label;
      gboolean required;
      TwSecretSpec *spec;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return fail (ctx, _("%s must be an object, not %s"), where, json_kind (element));
      object = json_node_get_object (element);

      if (!check_keys (ctx, object, where, keys) ||
          !get_required_string (ctx, object, "name", where, &name) ||
          !get_string (ctx, object, "label", where, &label) ||
          !get_boolean (ctx, object, "required", where, TRUE, &required))
        return FALSE;

      if (!is_identifier (name, "_"))
        return fail (ctx, _("%s: secret name \"%s\" may only use a-z, 0-9 and \"_\""), where, name);
      if (_tw_connector_find_secret (connector, name) != NULL)
        return fail (ctx, _("secret \"%s\" is declared twice"), name);

      spec = g_new0 (TwSecretSpec, 1);
      spec->name = g_strdup (name);
      spec->label = g_strdup (label != NULL ? label : name);
      spec->required = required;
      spec->env_variables = g_ptr_array_new_with_free_func ((GDestroyNotify) _tw_env_variable_free);
      g_ptr_array_add (connector->secrets, spec);

      if (json_object_has_member (object, "env"))
        {
          g_autofree char *where_env = g_strdup_printf ("%s: \"env\"", where);

          if (!_tw_env_variables_load (ctx, json_object_get_member (object, "env"), where_env,
                                       spec->env_variables))
            return FALSE;
          spec->env = g_strdup (((TwEnvVariable *) g_ptr_array_index (spec->env_variables, 0))->name);
        }
      if (json_object_has_member (object, "format") &&
          !_tw_secret_format_load (ctx, json_object_get_member (object, "format"), where, spec))
        return FALSE;
      if (json_object_has_member (object, "rotation") &&
          !_tw_secret_rotation_load (ctx, json_object_get_member (object, "rotation"), where, spec))
        return FALSE;
    }

  return TRUE;
}

/* "map": property → "pointer" or { "pointer": …, "required": bool } */
static gboolean
load_map (Ctx        *ctx,
          JsonNode   *node,
          const char *where,
          GPtrArray  *out)
{
  static const char * const keys[] = { "pointer", "required", "clear", NULL };
  g_autoptr(GList) members = NULL;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (ctx, _("%s must be an object of property → pointer, not %s"),
                 where, json_kind (node));

  members = json_object_get_members (json_node_get_object (node));
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *property = l->data;
      JsonNode *value = json_object_get_member (json_node_get_object (node), property);
      g_autofree char *where2 = g_strdup_printf ("%s: \"%s\"", where, property);
      const char *pointer = NULL;
      gboolean required = FALSE, clear = FALSE;
      TwMapping *mapping;

      if (property[0] == '_')
        continue;
      if (!g_param_spec_is_valid_name (property))
        return fail (ctx, _("%s: \"%s\" is not a property name (letters, digits and \"-\", "
                       "starting with a letter)"), where, property);

      if (is_string (value))
        pointer = json_node_get_string (value);
      else if (JSON_NODE_HOLDS_OBJECT (value))
        {
          JsonObject *object = json_node_get_object (value);

          if (!check_keys (ctx, object, where2, keys) ||
              !get_string (ctx, object, "pointer", where2, &pointer) ||
              !get_boolean (ctx, object, "required", where2, FALSE, &required) ||
              !get_boolean (ctx, object, "clear", where2, FALSE, &clear))
            return FALSE;
          if (required && clear)
            return fail (ctx, _("%s: \"required\" and \"clear\" exclude each other (a required "
                           "field is never missing)"), where2);
          if (pointer == NULL)
            return fail (ctx, _("%s: \"pointer\" is missing"), where2);
        }
      else
        return fail (ctx, _("%s must be a JSON Pointer or an object with \"pointer\", not %s"),
                     where2, json_kind (value));

      if (!tw_json_pointer_is_valid (pointer))
        return fail (ctx, _("%s: \"%s\" is not a JSON Pointer"), where2, pointer);

      mapping = g_new0 (TwMapping, 1);
      mapping->property = g_strdelimit (g_strdup (property), "_", '-');
      mapping->pointer = g_strdup (pointer);
      mapping->compiled = tw_json_pointer_new (pointer);
      mapping->required = required;
      mapping->clear = clear;
      g_ptr_array_add (out, mapping);
    }

  return TRUE;
}

static gboolean
load_health_words (Ctx          *ctx,
                   JsonObject   *object,
                   const char   *key,
                   const char   *where,
                   TwHealthRule *rule,
                   GPtrArray    *out)
{
  JsonNode *node = json_object_get_member (object, key);
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (ctx, _("%s: \"%s\" must be an array of words, not %s"),
                 where, key, json_kind (node));

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *word = NULL;

      if (is_string (element))
        word = g_utf8_casefold (json_node_get_string (element), -1);
      else if (is_boolean (element))
        word = g_strdup (json_node_get_boolean (element) ? "true" : "false");
      else
        return fail (ctx, _("%s: \"%s\" may only hold strings and booleans, not %s"),
                     where, key, json_kind (element));

      if (g_ptr_array_find_with_equal_func (rule->ok, word, g_str_equal, NULL) ||
          g_ptr_array_find_with_equal_func (rule->degraded, word, g_str_equal, NULL) ||
          g_ptr_array_find_with_equal_func (rule->down, word, g_str_equal, NULL))
        return fail (ctx, _("%s: \"%s\" is listed twice"), where, word);

      g_ptr_array_add (out, g_steal_pointer (&word));
    }

  return TRUE;
}

static TwHealthRule *
load_health (Ctx        *ctx,
             JsonNode   *node,
             const char *where,
             gboolean    need_pointer)
{
  static const char * const keys[] = { "pointer", "ok", "degraded", "down", NULL };
  TwHealthRule *rule;
  JsonObject *object;
  const char *pointer;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (ctx, _("%s must be an object, not %s"), where, json_kind (node));
      return NULL;
    }
  object = json_node_get_object (node);

  if (!check_keys (ctx, object, where, keys) ||
      !get_pointer (ctx, object, "pointer", where, &pointer))
    return NULL;
  if (pointer == NULL && need_pointer)
    {
      fail (ctx, _("%s: \"pointer\" is missing"), where);
      return NULL;
    }

  rule = g_new0 (TwHealthRule, 1);
  rule->pointer = g_strdup (pointer != NULL ? pointer : "");
  rule->compiled = tw_json_pointer_new (rule->pointer);
  rule->ok = g_ptr_array_new_with_free_func (g_free);
  rule->degraded = g_ptr_array_new_with_free_func (g_free);
  rule->down = g_ptr_array_new_with_free_func (g_free);

  if (!load_health_words (ctx, object, "ok", where, rule, rule->ok) ||
      !load_health_words (ctx, object, "degraded", where, rule, rule->degraded) ||
      !load_health_words (ctx, object, "down", where, rule, rule->down))
    {
      _tw_health_rule_free (rule);
      return NULL;
    }

  if (rule->ok->len == 0)
    {
      fail (ctx, _("%s: \"ok\" must list at least one word"), where);
      _tw_health_rule_free (rule);
      return NULL;
    }

  return rule;
}

static TwComponentsRule *
load_components (Ctx      *ctx,
                 JsonNode *node)
{
  static const char * const keys[] = { "pointer", "name", "broker", "map", "health", NULL };
  const char *where = "\"components\"";
  TwComponentsRule *rule;
  JsonObject *object;
  const char *pointer, *name, *broker;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (ctx, _("%s must be an object, not %s"), where, json_kind (node));
      return NULL;
    }
  object = json_node_get_object (node);

  if (!check_keys (ctx, object, where, keys) ||
      !get_pointer (ctx, object, "pointer", where, &pointer) ||
      !get_string (ctx, object, "name", where, &name) ||
      !get_string (ctx, object, "broker", where, &broker))
    return NULL;
  if (pointer == NULL)
    {
      fail (ctx, _("%s: \"pointer\" is missing"), where);
      return NULL;
    }
  if (name != NULL && g_strcmp0 (name, "@key") != 0 && !tw_json_pointer_is_valid (name))
    {
      fail (ctx, _("%s: \"name\" must be \"@key\" or a JSON Pointer, not \"%s\""), where, name);
      return NULL;
    }

  rule = g_new0 (TwComponentsRule, 1);
  rule->pointer = g_strdup (pointer);
  rule->name = g_strdup (name != NULL ? name : "@key");
  rule->broker = g_strdup (broker != NULL ? broker : "broker");
  rule->map = g_ptr_array_new_with_free_func ((GDestroyNotify) _tw_mapping_free);

  if (!load_map (ctx, json_object_get_member (object, "map"), "\"components\": \"map\"", rule->map))
    {
      _tw_components_rule_free (rule);
      return NULL;
    }

  if (json_object_has_member (object, "health"))
    {
      rule->health = load_health (ctx, json_object_get_member (object, "health"),
                                  "\"components\": \"health\"", FALSE);
      if (rule->health == NULL)
        {
          _tw_components_rule_free (rule);
          return NULL;
        }
    }

  return rule;
}

/* An operation of a "commands" connector: local commands and files ("steps",
 * src/core/commands/tw-command-load.c) instead of a request; what they find is a JSON
 * document mapped by the same rules as an answer. */
static gboolean
load_command_operation (Ctx          *ctx,
                        TwConnector  *connector,
                        const char   *name,
                        JsonObject   *object)
{
  static const char * const keys[] = {
    "steps", "result", "map", "health", "components", "trading", "unchanged", NULL
  };
  TwOperation *op;
  const char *result, *unchanged;

  if (!check_keys (ctx, object, NULL, keys) ||
      !get_pointer (ctx, object, "result", NULL, &result) ||
      !get_string (ctx, object, "unchanged", NULL, &unchanged))
    return FALSE;
  if (!json_object_has_member (object, "steps"))
    return fail (ctx, _("\"steps\" is missing (a connector of \"kind\": \"commands\" runs "
                   "commands, not requests)"));

  op = _tw_operation_new (connector, name);
  g_hash_table_insert (connector->operations, op->name, op);
  /* No request: "RUN" and the operation's name stand for them in messages. */
  op->method = g_strdup ("RUN");
  op->path = g_strdup (name);
  _tw_operation_set_result (op, result != NULL ? result : "");
  op->unchanged = g_strdup (unchanged);

  if (!_tw_command_load_steps (connector, ctx, json_object_get_member (object, "steps"),
                               &op->steps) ||
      !load_map (ctx, json_object_get_member (object, "map"), "\"map\"", op->map))
    return FALSE;

  if (json_object_has_member (object, "health"))
    {
      op->health = load_health (ctx, json_object_get_member (object, "health"), "\"health\"", TRUE);
      if (op->health == NULL)
        return FALSE;
    }
  if (json_object_has_member (object, "components"))
    {
      op->components = load_components (ctx, json_object_get_member (object, "components"));
      if (op->components == NULL)
        return FALSE;
    }
  if (json_object_has_member (object, "trading"))
    {
      op->trading = _tw_trading_rule_load (ctx, json_object_get_member (object, "trading"));
      if (op->trading == NULL)
        return FALSE;
    }

  ctx->operation = NULL;
  return TRUE;
}

/* "summary": { "name": "ML service", "map": {…}, "health": {…} }: one more row of a
 * list, made from the whole answer. */
static gboolean
load_summary (Ctx         *ctx,
              TwOperation *op,
              JsonNode    *node)
{
  static const char * const keys[] = { "name", "map", "health", NULL };
  JsonObject *object;
  const char *name = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (ctx, _("\"summary\" must be an object, not %s"), json_kind (node));
  object = json_node_get_object (node);
  if (!check_keys (ctx, object, "\"summary\"", keys) ||
      !get_required_string (ctx, object, "name", "\"summary\"", &name))
    return FALSE;
  op->summary_name = g_strdup (name);
  op->summary_map = g_ptr_array_new_with_free_func ((GDestroyNotify) _tw_mapping_free);
  if (!load_map (ctx, json_object_get_member (object, "map"), "\"summary\": \"map\"", op->summary_map))
    return FALSE;
  if (json_object_has_member (object, "health"))
    {
      op->summary_health = load_health (ctx, json_object_get_member (object, "health"),
                                        "\"summary\": \"health\"", TRUE);
      if (op->summary_health == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
load_operation (Ctx          *ctx,
                TwConnector  *connector,
                const char   *name,
                JsonNode     *node)
{
  static const char * const keys[] = {
    "method", "path", "query", "headers", "body", "result", "list", "key", "map",
    "health", "components", "trading", "breakers", "unchanged", "format", "endpoint",
    "summary", NULL
  };
  static const char * const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE", NULL };
  TwOperation *op;
  JsonObject *object;
  JsonNode *body;
  const char *method, *path, *result, *key, *unchanged, *format, *endpoint;

  if (!is_identifier (name, "_.-"))
    return fail (ctx, _("operation name \"%s\" may only use a-z, 0-9, \"_\", \".\" and \"-\""),
                 name);

  ctx->operation = name;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (ctx, _("must be an object, not %s"), json_kind (node));
  object = json_node_get_object (node);

  if (connector->commands)
    return load_command_operation (ctx, connector, name, object);

  if (!check_keys (ctx, object, NULL, keys) ||
      !get_required_string (ctx, object, "method", NULL, &method) ||
      !get_required_string (ctx, object, "path", NULL, &path) ||
      !get_pointer (ctx, object, "result", NULL, &result) ||
      !get_pointer (ctx, object, "key", NULL, &key) ||
      !get_string (ctx, object, "unchanged", NULL, &unchanged) ||
      !get_string (ctx, object, "format", NULL, &format) ||
      !get_string (ctx, object, "endpoint", NULL, &endpoint))
    return FALSE;
  if (endpoint != NULL && tw_connector_get_endpoint (connector, endpoint) == NULL)
    return fail (ctx, _("\"endpoint\" \"%s\" is not one of the connector's \"endpoints\""),
                 endpoint);
  if (format != NULL && !g_str_equal (format, "json") && !g_str_equal (format, "prometheus"))
    return fail (ctx, _("\"format\" must be \"json\" or \"prometheus\", not \"%s\""), format);
  if (unchanged != NULL && *unchanged == '\0')
    return fail (ctx, _("\"unchanged\" must say why the state may not change (or be left out)"));

  if (!g_strv_contains (methods, method))
    return fail (ctx, _("\"method\" must be one of GET, POST, PUT, PATCH, DELETE, not \"%s\""),
                 method);
  if (path[0] != '/')
    return fail (ctx, _("\"path\" must start with \"/\""));
  if (path[1] == '/')
    return fail (ctx, _("\"path\" must not start with \"//\" (it would name another host)"));
  if (!check_template (ctx, connector, path, "\"path\"", 0))
    return FALSE;

  op = _tw_operation_new (connector, name);
  g_hash_table_insert (connector->operations, op->name, op);
  op->method = g_strdup (method);
  op->path = g_strdup (path);
  _tw_operation_set_result (op, result != NULL ? result : "");
  op->key = g_strdup (key);
  op->unchanged = g_strdup (unchanged);
  op->text = format != NULL && g_str_equal (format, "prometheus");
  op->endpoint = g_strdup (endpoint);

  if (!get_boolean (ctx, object, "list", NULL, FALSE, &op->list))
    return FALSE;
  if (op->key != NULL && !op->list)
    return fail (ctx, _("\"key\" needs \"list\": true (it names the identity of each element)"));

  if (!load_pairs (ctx, connector, json_object_get_member (object, "query"), "query", FALSE, op->query) ||
      !load_pairs (ctx, connector, json_object_get_member (object, "headers"), "headers", TRUE, op->headers))
    return FALSE;

  body = json_object_get_member (object, "body");
  if (body != NULL)
    {
      if (JSON_NODE_HOLDS_OBJECT (body) || JSON_NODE_HOLDS_ARRAY (body))
        op->body = json_to_string (body, FALSE);
      else if (is_string (body))
        op->body = g_strdup (json_node_get_string (body));
      else
        return fail (ctx, _("\"body\" must be an object, an array or a string, not %s"),
                     json_kind (body));

      if (!check_template (ctx, connector, op->body, "\"body\"", ALLOW_RAW))
        return FALSE;
    }

  if (!load_map (ctx, json_object_get_member (object, "map"), "\"map\"", op->map))
    return FALSE;

  if (json_object_has_member (object, "health"))
    {
      op->health = load_health (ctx, json_object_get_member (object, "health"), "\"health\"", TRUE);
      if (op->health == NULL)
        return FALSE;
    }

  if (json_object_has_member (object, "components"))
    {
      op->components = load_components (ctx, json_object_get_member (object, "components"));
      if (op->components == NULL)
        return FALSE;
    }

  if (json_object_has_member (object, "trading"))
    {
      op->trading = _tw_trading_rule_load (ctx, json_object_get_member (object, "trading"));
      if (op->trading == NULL)
        return FALSE;
    }

  if (json_object_has_member (object, "breakers"))
    {
      op->breakers = _tw_breakers_rule_load (ctx, json_object_get_member (object, "breakers"));
      if (op->breakers == NULL)
        return FALSE;
    }

  if (json_object_has_member (object, "summary") &&
      !load_summary (ctx, op, json_object_get_member (object, "summary")))
    return FALSE;

  ctx->operation = NULL;
  return TRUE;
}

gboolean
_tw_connector_load (TwConnector  *self,
                    JsonNode     *root,
                    GError      **error)
{
  static const char * const keys[] = {
    "format", "id", "name", "description", "default_base_url", "roles", "hosts", "env",
    "secrets", "headers", "operations", "refusals", "alerts", "kind", "settings", "flags",
    "endpoints", NULL
  };
  Ctx ctx = { self->filename, NULL, error };
  JsonObject *object;
  JsonNode *format, *operations;
  const char *id, *name, *description, *base_url;
  g_autoptr(GList) members = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return fail (&ctx, _("a connector is a JSON object, not %s"), json_kind (root));
  object = json_node_get_object (root);

  /* The version first: a file for another version may well have other keys. */
  format = json_object_get_member (object, "format");
  if (format == NULL)
    return fail (&ctx, _("\"format\" is missing (this version reads \"format\": 1)"));
  if (!JSON_NODE_HOLDS_VALUE (format) || json_node_get_value_type (format) != G_TYPE_INT64 ||
      json_node_get_int (format) != 1)
    {
      g_autofree char *text = json_to_string (format, FALSE);

      return fail (&ctx,
                   _("\"format\" is %s, but this version of Trade Warden reads format 1 only"),
                   text);
    }

  if (!check_keys (&ctx, object, NULL, keys) ||
      !get_required_string (&ctx, object, "id", NULL, &id) ||
      !get_required_string (&ctx, object, "name", NULL, &name) ||
      !get_string (&ctx, object, "description", NULL, &description) ||
      !get_string (&ctx, object, "default_base_url", NULL, &base_url))
    return FALSE;

  if (!is_identifier (id, "-"))
    return fail (&ctx, _("\"id\" \"%s\" may only use a-z, 0-9 and \"-\""), id);

  if (base_url != NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
                          g_strcmp0 (g_uri_get_scheme (uri), "https") != 0) ||
          g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
        return fail (&ctx, _("\"default_base_url\" \"%s\" is not an http:// or https:// URL"),
                     base_url);
    }

  self->id = g_strdup (id);
  self->name = g_strdup (name);
  g_free (self->description);
  self->description = g_strdup (description != NULL ? description : "");
  self->default_base_url = g_strdup (base_url);

  if (!_tw_command_load_kind (self, &ctx, object) ||
      !_tw_connector_load_traits (self, &ctx, object) ||
      !load_secrets (&ctx, self, json_object_get_member (object, "secrets")) ||
      !load_pairs (&ctx, self, json_object_get_member (object, "headers"), "headers", TRUE, self->headers) ||
      !_tw_connector_load_endpoints (self, &ctx, json_object_get_member (object, "endpoints")))
    return FALSE;

  operations = json_object_get_member (object, "operations");
  if (operations == NULL)
    return fail (&ctx, _("\"operations\" is missing"));
  if (!JSON_NODE_HOLDS_OBJECT (operations))
    return fail (&ctx, _("\"operations\" must be an object, not %s"), json_kind (operations));

  members = json_object_get_members (json_node_get_object (operations));
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *op_name = l->data;

      if (op_name[0] == '_')
        continue;
      if (!load_operation (&ctx, self, op_name,
                           json_object_get_member (json_node_get_object (operations), op_name)))
        return FALSE;
    }

  if (g_hash_table_size (self->operations) == 0)
    return fail (&ctx,
                 _("\"operations\" is empty: a connector needs at least one (e.g. \"health\")"));

  return _tw_connector_check_rules (self, &ctx);
}

/* Shared with tw-connector-rules.c */

const char *
_tw_load_json_kind (JsonNode *node)
{
  return json_kind (node);
}

gboolean
_tw_load_check_keys (TwLoadContext      *ctx,
                     JsonObject         *object,
                     const char         *where,
                     const char * const *allowed)
{
  return check_keys (ctx, object, where, allowed);
}

gboolean
_tw_load_get_string (TwLoadContext  *ctx,
                     JsonObject     *object,
                     const char     *key,
                     const char     *where,
                     const char    **out)
{
  return get_string (ctx, object, key, where, out);
}

gboolean
_tw_load_get_pointer (TwLoadContext  *ctx,
                      JsonObject     *object,
                      const char     *key,
                      const char     *where,
                      const char    **out)
{
  return get_pointer (ctx, object, key, where, out);
}

gboolean
_tw_load_get_boolean (TwLoadContext *ctx,
                      JsonObject    *object,
                      const char    *key,
                      const char    *where,
                      gboolean       default_value,
                      gboolean      *out)
{
  return get_boolean (ctx, object, key, where, default_value, out);
}

gboolean
_tw_load_map (TwLoadContext *ctx,
              JsonNode      *node,
              const char    *where,
              GPtrArray     *out)
{
  return load_map (ctx, node, where, out);
}
