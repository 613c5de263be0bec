/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-connector-private.h"
#include "tw-error.h"
#include "tw-json-pointer.h"

/* Loading the risk-controls rules of an operation: "trading" (how to read a value as
 * active / reducing / halted) and "breakers" (a fixed list of limit-type breakers, or a
 * collection of per-source breakers). Like the rest of the loader, everything is checked
 * when the file is read; the rules are applied in tw-operation-map.c. */

typedef TwLoadContext Ctx;

static const char * const breaker_kinds[] = { "loss", "source", "count", NULL };
static const char * const breaker_units[] = { "count", "percent", NULL };

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

static gboolean
is_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

/* A word of a list: strings folded to lower case, booleans as "true" / "false". */
static gboolean
word_in_lists (GPtrArray  **lists,
               const char  *word)
{
  for (guint i = 0; lists[i] != NULL; i++)
    {
      if (g_ptr_array_find_with_equal_func (lists[i], word, g_str_equal, NULL))
        return TRUE;
    }
  return FALSE;
}

/* Reads the array at @key into @out; @lists (NULL-terminated, @out among them) are all
 * the rule's lists, so a word may appear in only one. */
static gboolean
load_words (Ctx         *ctx,
            JsonObject  *object,
            const char  *key,
            const char  *where,
            GPtrArray  **lists,
            GPtrArray   *out)
{
  JsonNode *node = json_object_get_member (object, key);
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return _tw_load_fail (ctx, _("%s: \"%s\" must be an array of words, not %s"),
                          where, key, _tw_load_json_kind (node));

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
        return _tw_load_fail (ctx, _("%s: \"%s\" may only hold strings and booleans, not %s"),
                              where, key, _tw_load_json_kind (element));

      if (word_in_lists (lists, word))
        return _tw_load_fail (ctx, _("%s: \"%s\" is listed twice"), where, word);

      g_ptr_array_add (out, g_steal_pointer (&word));
    }

  return TRUE;
}

static GPtrArray *
words_new (void)
{
  return g_ptr_array_new_with_free_func (g_free);
}

static JsonObject *
get_object (Ctx        *ctx,
            JsonNode   *node,
            const char *where)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      _tw_load_fail (ctx, _("%s must be an object, not %s"), where, _tw_load_json_kind (node));
      return NULL;
    }
  return json_node_get_object (node);
}

/* "trading" */

TwTradingRule *
_tw_trading_rule_load (TwLoadContext *ctx,
                       JsonNode      *node)
{
  static const char * const keys[] = { "pointer", "active", "reducing", "halted", "invert", NULL };
  const char *where = "\"trading\"";
  g_autoptr(GPtrArray) active = words_new ();
  g_autoptr(GPtrArray) reducing = words_new ();
  g_autoptr(GPtrArray) halted = words_new ();
  GPtrArray *lists[] = { active, reducing, halted, NULL };
  TwTradingRule *rule;
  JsonObject *object;
  const char *pointer;
  gboolean invert;

  object = get_object (ctx, node, where);
  if (object == NULL)
    return NULL;

  if (!_tw_load_check_keys (ctx, object, where, keys) ||
      !_tw_load_get_pointer (ctx, object, "pointer", where, &pointer) ||
      !_tw_load_get_boolean (ctx, object, "invert", where, FALSE, &invert))
    return NULL;
  if (pointer == NULL)
    {
      _tw_load_fail (ctx, _("%s: \"pointer\" is missing (where the answer says whether it trades, "
                       "e.g. \"/trading_halted\")"), where);
      return NULL;
    }

  if (!load_words (ctx, object, "halted", where, lists, halted) ||
      !load_words (ctx, object, "active", where, lists, active) ||
      !load_words (ctx, object, "reducing", where, lists, reducing))
    return NULL;

  if (halted->len == 0)
    {
      _tw_load_fail (ctx, _("%s: \"halted\" must list at least one value (e.g. [true])"), where);
      return NULL;
    }

  rule = g_new0 (TwTradingRule, 1);
  rule->pointer = g_strdup (pointer);
  rule->active = g_steal_pointer (&active);
  rule->reducing = g_steal_pointer (&reducing);
  rule->halted = g_steal_pointer (&halted);
  rule->invert = invert;
  return rule;
}

void
_tw_trading_rule_free (TwTradingRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->pointer);
  g_clear_pointer (&rule->active, g_ptr_array_unref);
  g_clear_pointer (&rule->reducing, g_ptr_array_unref);
  g_clear_pointer (&rule->halted, g_ptr_array_unref);
  g_free (rule);
}

/* "breakers" */

static void
breaker_item_free (TwBreakerItem *item)
{
  if (item == NULL)
    return;
  g_free (item->id);
  g_free (item->label);
  g_free (item->kind);
  g_free (item->unit);
  g_free (item->value);
  g_free (item->limit);
  g_free (item);
}

static void
breaker_state_rule_free (TwBreakerStateRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->pointer);
  g_clear_pointer (&rule->closed, g_ptr_array_unref);
  g_clear_pointer (&rule->open, g_ptr_array_unref);
  g_clear_pointer (&rule->half_open, g_ptr_array_unref);
  g_free (rule);
}

void
_tw_breakers_rule_free (TwBreakersRule *rule)
{
  if (rule == NULL)
    return;
  g_clear_pointer (&rule->items, g_ptr_array_unref);
  g_free (rule->pointer);
  g_free (rule->id);
  g_free (rule->label);
  g_free (rule->kind);
  g_free (rule->unit);
  g_clear_pointer (&rule->map, g_ptr_array_unref);
  g_clear_pointer (&rule->state, breaker_state_rule_free);
  g_free (rule->reset);
  g_free (rule->reset_instruction);
  g_free (rule);
}

/* "kind" and "unit": optional, one of a few words. */
static gboolean
get_word (Ctx                *ctx,
          JsonObject         *object,
          const char         *key,
          const char         *where,
          const char * const *allowed,
          const char        **out)
{
  if (!_tw_load_get_string (ctx, object, key, where, out))
    return FALSE;
  if (*out != NULL && !g_strv_contains (allowed, *out))
    {
      g_autofree char *list = g_strjoinv ("\", \"", (char **) allowed);

      return _tw_load_fail (ctx, _("%s: \"%s\" must be one of \"%s\", not \"%s\""),
                            where, key, list, *out);
    }
  return TRUE;
}

/* "@key" or a JSON Pointer inside each breaker. */
static gboolean
get_key_or_pointer (Ctx         *ctx,
                    JsonObject  *object,
                    const char  *key,
                    const char  *where,
                    const char **out)
{
  if (!_tw_load_get_string (ctx, object, key, where, out))
    return FALSE;
  if (*out != NULL && g_strcmp0 (*out, "@key") != 0 && !tw_json_pointer_is_valid (*out))
    return _tw_load_fail (ctx, _("%s: \"%s\" must be \"@key\" or a JSON Pointer, not \"%s\""),
                          where, key, *out);
  return TRUE;
}

static TwBreakerItem *
load_item (Ctx        *ctx,
           JsonNode   *node,
           guint       index,
           GPtrArray  *items)
{
  static const char * const keys[] = { "id", "label", "kind", "unit", "value", "limit", NULL };
  g_autofree char *where = g_strdup_printf ("\"breakers\": \"items\"[%u]", index);
  JsonObject *object;
  JsonNode *limit;
  const char *id, *label, *kind, *unit, *value;
  TwBreakerItem *item;

  object = get_object (ctx, node, where);
  if (object == NULL)
    return NULL;

  if (!_tw_load_check_keys (ctx, object, where, keys) ||
      !_tw_load_get_string (ctx, object, "id", where, &id) ||
      !_tw_load_get_string (ctx, object, "label", where, &label) ||
      !get_word (ctx, object, "kind", where, breaker_kinds, &kind) ||
      !get_word (ctx, object, "unit", where, breaker_units, &unit) ||
      !_tw_load_get_pointer (ctx, object, "value", where, &value))
    return NULL;

  if (id == NULL || *id == '\0')
    {
      _tw_load_fail (ctx, _("%s: \"id\" is missing"), where);
      return NULL;
    }
  for (guint i = 0; i < items->len; i++)
    {
      if (g_strcmp0 (((TwBreakerItem *) g_ptr_array_index (items, i))->id, id) == 0)
        {
          _tw_load_fail (ctx, _("%s: breaker \"%s\" is listed twice"), where, id);
          return NULL;
        }
    }
  if (value == NULL)
    {
      _tw_load_fail (ctx, _("%s: \"value\" is missing (a JSON Pointer to the breaker's current "
                       "value, e.g. \"/consecutive_losses\")"), where);
      return NULL;
    }

  item = g_new0 (TwBreakerItem, 1);
  item->id = g_strdup (id);
  item->label = g_strdup (label);
  item->kind = g_strdup (kind);
  item->unit = g_strdup (unit);
  item->value = g_strdup (value);

  /* The limit: where the answer says it, or a number when the service does not. */
  limit = json_object_get_member (object, "limit");
  if (limit != NULL && is_number (limit))
    item->limit_number = json_node_get_double (limit);
  else if (limit != NULL && is_string (limit) && tw_json_pointer_is_valid (json_node_get_string (limit)))
    item->limit = g_strdup (json_node_get_string (limit));
  else if (limit != NULL)
    {
      if (is_string (limit))
        _tw_load_fail (ctx, _("%s: \"limit\": \"%s\" is not a JSON Pointer (write \"/name\", or "
                         "a number)"), where, json_node_get_string (limit));
      else
        _tw_load_fail (ctx, _("%s: \"limit\" must be a JSON Pointer or a number, not %s"),
                       where, _tw_load_json_kind (limit));
      breaker_item_free (item);
      return NULL;
    }

  return item;
}

static TwBreakerStateRule *
load_state (Ctx      *ctx,
            JsonNode *node)
{
  static const char * const keys[] = { "pointer", "closed", "open", "half_open", NULL };
  const char *where = "\"breakers\": \"state\"";
  g_autoptr(GPtrArray) closed = words_new ();
  g_autoptr(GPtrArray) open = words_new ();
  g_autoptr(GPtrArray) half_open = words_new ();
  GPtrArray *lists[] = { closed, open, half_open, NULL };
  TwBreakerStateRule *rule;
  JsonObject *object;
  const char *pointer;

  object = get_object (ctx, node, where);
  if (object == NULL)
    return NULL;

  if (!_tw_load_check_keys (ctx, object, where, keys) ||
      !_tw_load_get_pointer (ctx, object, "pointer", where, &pointer) ||
      !load_words (ctx, object, "open", where, lists, open) ||
      !load_words (ctx, object, "closed", where, lists, closed) ||
      !load_words (ctx, object, "half_open", where, lists, half_open))
    return NULL;

  if (open->len == 0)
    {
      _tw_load_fail (ctx, _("%s: \"open\" must list at least one word (e.g. [\"OPEN\"])"), where);
      return NULL;
    }

  rule = g_new0 (TwBreakerStateRule, 1);
  rule->pointer = g_strdup (pointer != NULL ? pointer : "");
  rule->closed = g_steal_pointer (&closed);
  rule->open = g_steal_pointer (&open);
  rule->half_open = g_steal_pointer (&half_open);
  return rule;
}

static gboolean
load_items (Ctx            *ctx,
            JsonNode       *node,
            TwBreakersRule *rule)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return _tw_load_fail (ctx, _("\"breakers\": \"items\" must be an array, not %s"),
                          _tw_load_json_kind (node));

  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0)
    return _tw_load_fail (ctx, _("\"breakers\": \"items\" must list at least one breaker"));

  rule->items = g_ptr_array_new_with_free_func ((GDestroyNotify) breaker_item_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      TwBreakerItem *item = load_item (ctx, json_array_get_element (array, i), i, rule->items);

      if (item == NULL)
        return FALSE;
      g_ptr_array_add (rule->items, item);
    }

  return TRUE;
}

TwBreakersRule *
_tw_breakers_rule_load (TwLoadContext *ctx,
                        JsonNode      *node)
{
  static const char * const keys[] = {
    "items", "pointer", "id", "label", "kind", "unit", "map", "state", "reset",
    "reset_instruction", NULL
  };
  static const char * const collection_keys[] = {
    "pointer", "id", "label", "kind", "unit", "map", "state", NULL
  };
  const char *where = "\"breakers\"";
  TwBreakersRule *rule;
  JsonObject *object;
  JsonNode *items;
  const char *pointer, *id, *label, *kind, *unit, *reset, *instruction;

  object = get_object (ctx, node, where);
  if (object == NULL)
    return NULL;

  if (!_tw_load_check_keys (ctx, object, where, keys) ||
      !_tw_load_get_pointer (ctx, object, "pointer", where, &pointer) ||
      !get_key_or_pointer (ctx, object, "id", where, &id) ||
      !get_key_or_pointer (ctx, object, "label", where, &label) ||
      !get_word (ctx, object, "kind", where, breaker_kinds, &kind) ||
      !get_word (ctx, object, "unit", where, breaker_units, &unit) ||
      !_tw_load_get_string (ctx, object, "reset", where, &reset) ||
      !_tw_load_get_string (ctx, object, "reset_instruction", where, &instruction))
    return NULL;

  items = json_object_get_member (object, "items");
  if (items != NULL && pointer != NULL)
    {
      _tw_load_fail (ctx, _("%s: give either \"items\" (a fixed list of limit breakers) or "
                       "\"pointer\" (a collection of breakers), not both"), where);
      return NULL;
    }
  if (items == NULL && pointer == NULL)
    {
      _tw_load_fail (ctx, _("%s: \"items\" or \"pointer\" is missing (a fixed list of limit "
                       "breakers, or where the collection of breakers is)"), where);
      return NULL;
    }
  if (items != NULL)
    {
      /* The collection's keys mean nothing for a fixed list: say so rather than ignore. */
      for (guint i = 0; collection_keys[i] != NULL; i++)
        {
          if (json_object_has_member (object, collection_keys[i]))
            {
              _tw_load_fail (ctx, _("%s: \"%s\" belongs to a collection (\"pointer\"); with "
                               "\"items\", give it in each item"), where, collection_keys[i]);
              return NULL;
            }
        }
    }
  if (reset != NULL && (*reset == '\0' || strchr (reset, '$') != NULL))
    {
      _tw_load_fail (ctx, _("%s: \"reset\" must name an operation (e.g. \"breakers.reset\"), "
                       "not \"%s\""), where, reset);
      return NULL;
    }

  if (instruction != NULL && *instruction == '\0')
    {
      _tw_load_fail (ctx, _("%s: \"reset_instruction\" must say how to reset a breaker by hand "
                       "(or be left out)"), where);
      return NULL;
    }

  rule = g_new0 (TwBreakersRule, 1);
  rule->map = g_ptr_array_new_with_free_func ((GDestroyNotify) _tw_mapping_free);
  rule->reset = g_strdup (reset);
  rule->reset_instruction = g_strdup (instruction);

  if (items != NULL)
    {
      if (!load_items (ctx, items, rule))
        {
          _tw_breakers_rule_free (rule);
          return NULL;
        }
      return rule;
    }

  rule->pointer = g_strdup (pointer);
  rule->id = g_strdup (id != NULL ? id : "@key");
  rule->label = g_strdup (label);
  rule->kind = g_strdup (kind);
  rule->unit = g_strdup (unit);

  if (!_tw_load_map (ctx, json_object_get_member (object, "map"), "\"breakers\": \"map\"", rule->map))
    {
      _tw_breakers_rule_free (rule);
      return NULL;
    }

  if (json_object_has_member (object, "state"))
    {
      rule->state = load_state (ctx, json_object_get_member (object, "state"));
      if (rule->state == NULL)
        {
          _tw_breakers_rule_free (rule);
          return NULL;
        }
    }

  return rule;
}

/* Cross-operation checks */

static gboolean
template_uses (const char *template,
               const char *variable)
{
  g_autoptr(GPtrArray) parts = NULL;

  if (template == NULL)
    return FALSE;
  parts = _tw_template_parse (template, NULL);
  for (guint i = 0; parts != NULL && i < parts->len; i++)
    {
      TwTemplatePart *part = g_ptr_array_index (parts, i);

      if (part->name != NULL && !part->secret && g_strcmp0 (part->name, variable) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
operation_uses (const TwOperation *op,
                const char        *variable)
{
  if (template_uses (op->path, variable) || template_uses (op->body, variable))
    return TRUE;
  for (guint i = 0; i < op->query->len; i++)
    {
      if (template_uses (((TwTemplatePair *) g_ptr_array_index (op->query, i))->value, variable))
        return TRUE;
    }
  return FALSE;
}

gboolean
_tw_connector_check_rules (TwConnector   *self,
                           TwLoadContext *ctx)
{
  g_autoptr(GList) names = g_hash_table_get_keys (self->operations);

  /* In name order, so the first fault reported is always the same one. */
  names = g_list_sort (names, (GCompareFunc) strcmp);

  for (const GList *l = names; l != NULL; l = l->next)
    {
      const TwOperation *op = g_hash_table_lookup (self->operations, l->data);
      const TwOperation *reset;

      if (op->breakers == NULL || op->breakers->reset == NULL)
        continue;

      ctx->operation = op->name;
      reset = g_hash_table_lookup (self->operations, op->breakers->reset);
      if (reset == NULL)
        return _tw_load_fail (ctx, _("\"breakers\": \"reset\" names operation \"%s\", which this "
                                "connector does not have"), op->breakers->reset);
      if (!operation_uses (reset, "breaker"))
        return _tw_load_fail (ctx, _("\"breakers\": \"reset\" names operation \"%s\", which does "
                                "not use \"${breaker}\" (its path, query or body must name the "
                                "breaker to reset)"), op->breakers->reset);
    }

  ctx->operation = NULL;
  return TRUE;
}
