/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-breaker.h"
#include "tw-component.h"
#include "tw-connector-private.h"
#include "tw-error.h"
#include "tw-json-pointer.h"
#include "tw-json-property.h"

/* The answer side of an operation: selecting the result, mapping it onto model objects
 * by property name, the "health" rule, the "components" rule, and the risk-controls
 * rules "trading" and "breakers" (loaded by tw-connector-rules.c). */

/* @pointer split at load when it was valid, else the text (which then finds nothing). */
static inline JsonNode *
resolve (JsonNode            *root,
         const TwJsonPointer *compiled,
         const char          *pointer)
{
  if (compiled != NULL)
    return root != NULL ? tw_json_pointer_resolve (compiled, root) : NULL;
  return tw_json_pointer_get (root, pointer);
}

/* The selected result, or the whole body when the "result" pointer finds nothing (the
 * rules of a health answer are read from there). */
static JsonNode *
result_or_root (const TwOperation *op,
                JsonNode          *root)
{
  JsonNode *node = resolve (root, op->result_pointer, op->result);

  return node != NULL ? node : root;
}

/**
 * tw_operation_select:
 * @op: an operation
 * @root: the parsed answer
 * @error: return location for a #GError
 *
 * Returns: (transfer none) (nullable): the node at the "result" pointer
 */
JsonNode *
tw_operation_select (const TwOperation  *op,
                     JsonNode           *root,
                     GError            **error)
{
  JsonNode *node;

  g_return_val_if_fail (op != NULL, NULL);
  g_return_val_if_fail (root != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  node = resolve (root, op->result_pointer, op->result);
  if (node == NULL)
    g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                 _("%s: operation \"%s\": the answer has no \"%s\"; the service may not be "
                   "the kind this connector expects (check its base URL and version)"),
                 op->connector->name, op->name, op->result);

  return node;
}

static gboolean
apply_map (const TwOperation  *op,
           GPtrArray          *map,
           JsonNode           *node,
           GObject            *target,
           GError            **error)
{
  GObjectClass *klass = G_OBJECT_GET_CLASS (target);
  gboolean ret = TRUE;

  g_object_freeze_notify (target);

  for (guint i = 0; i < map->len && ret; i++)
    {
      TwMapping *mapping = g_ptr_array_index (map, i);
      GParamSpec *pspec = g_object_class_find_property (klass, mapping->property);
      JsonNode *value;
      g_autoptr(GError) local_error = NULL;

      if (pspec == NULL)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("%s: operation \"%s\": \"map\" names \"%s\", which %s does not have; "
                         "fix the connector file (%s)"),
                       op->connector->name, op->name, mapping->property,
                       G_OBJECT_TYPE_NAME (target), op->connector->filename);
          ret = FALSE;
          break;
        }

      value = resolve (node, mapping->compiled, mapping->pointer);
      if (value == NULL || JSON_NODE_HOLDS_NULL (value))
        {
          if (mapping->required)
            {
              g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                           _("%s: operation \"%s\": the answer has no \"%s\", which is required"),
                           op->connector->name, op->name, mapping->pointer);
              ret = FALSE;
            }
          else if (mapping->clear && (pspec->flags & G_PARAM_WRITABLE) != 0 &&
                   (pspec->flags & G_PARAM_CONSTRUCT_ONLY) == 0)
            {
              /* "Halted: no reason" after a resume, not the last halt's reason. */
              g_auto(GValue) reset = G_VALUE_INIT;

              g_value_init (&reset, G_PARAM_SPEC_VALUE_TYPE (pspec));
              g_param_value_set_default (pspec, &reset);
              g_object_set_property (target, mapping->property, &reset);
            }
          continue;
        }

      if (!tw_json_set_property (target, pspec, value, &local_error))
        {
          g_set_error (error, local_error->domain, local_error->code,
                       _("%s: operation \"%s\": \"%s\": %s"),
                       op->connector->name, op->name, mapping->pointer, local_error->message);
          ret = FALSE;
        }
    }

  g_object_thaw_notify (target);
  return ret;
}

/**
 * tw_operation_map_object:
 * @op: an operation
 * @node: the selected result (or one element of it)
 * @target: the model object
 * @error: return location for a #GError
 *
 * Notifications are held until every property is set.
 *
 * Returns: %TRUE on success
 */
gboolean
tw_operation_map_object (const TwOperation  *op,
                         JsonNode           *node,
                         GObject            *target,
                         GError            **error)
{
  g_return_val_if_fail (op != NULL, FALSE);
  g_return_val_if_fail (node != NULL, FALSE);
  g_return_val_if_fail (G_IS_OBJECT (target), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return apply_map (op, op->map, node, target, error);
}

gboolean
tw_operation_has_summary (const TwOperation *op)
{
  g_return_val_if_fail (op != NULL, FALSE);
  return op->summary_name != NULL;
}

static TwHealth classify (const TwHealthRule *rule, JsonNode *value, char **detail);

/**
 * tw_operation_map_summary:
 * @health: (out): the summary's "health" at the root (TW_HEALTH_UNKNOWN without a rule)
 * @name: (out) (transfer none): the summary row's name
 *
 * Maps the whole answer @root onto @target by the "summary" rule. FALSE without error
 * when the operation has none.
 */
gboolean
tw_operation_map_summary (const TwOperation  *op,
                          JsonNode           *root,
                          GObject            *target,
                          TwHealth           *health,
                          const char        **name,
                          GError            **error)
{
  g_return_val_if_fail (op != NULL, FALSE);
  g_return_val_if_fail (root != NULL, FALSE);

  *health = TW_HEALTH_UNKNOWN;
  *name = op->summary_name;
  if (op->summary_name == NULL)
    return FALSE;
  if (!apply_map (op, op->summary_map, root, target, error))
    return FALSE;
  if (op->summary_health != NULL)
    *health = classify (op->summary_health,
                        resolve (root, op->summary_health->compiled, op->summary_health->pointer),
                        NULL);
  return TRUE;
}

/* Continues "… but the answer has %s there". */
static const char *
json_kind (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    return _("an object");
  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  return _("a single value");
}

/**
 * tw_operation_map_list:
 * @op: a list operation
 * @root: the parsed answer
 * @item_type: a #GObject type with the properties of the "map"
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type GObject) (nullable): one new object per element
 */
GPtrArray *
tw_operation_map_list (const TwOperation  *op,
                       JsonNode           *root,
                       GType               item_type,
                       GError            **error)
{
  g_autoptr(GPtrArray) items = NULL;
  JsonNode *selected;
  JsonArray *array;

  g_return_val_if_fail (op != NULL, NULL);
  g_return_val_if_fail (root != NULL, NULL);
  g_return_val_if_fail (g_type_is_a (item_type, G_TYPE_OBJECT), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  selected = tw_operation_select (op, root, error);
  if (selected == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_ARRAY (selected))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                   _("%s: operation \"%s\": expected a list at \"%s\" but the answer has %s there"),
                   op->connector->name, op->name, op->result, json_kind (selected));
      return NULL;
    }

  array = json_node_get_array (selected);
  items = g_ptr_array_new_full (json_array_get_length (array), g_object_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(GObject) item = g_object_new (item_type, NULL);

      if (!apply_map (op, op->map, json_array_get_element (array, i), item, error))
        return NULL;
      g_ptr_array_add (items, g_steal_pointer (&item));
    }

  return g_steal_pointer (&items);
}

static char *
scalar_to_text (JsonNode *node)
{
  GType type = json_node_get_value_type (node);

  if (type == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (type == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");
  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));

  {
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    return g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", json_node_get_double (node)));
  }
}

static gboolean
word_in (GPtrArray  *words,
         const char *folded)
{
  return g_ptr_array_find_with_equal_func (words, folded, g_str_equal, NULL);
}

/* Classifies @value itself. A word in no list is degraded; no value at all is too: a
 * health answer without its status is not one to trust. */
static TwHealth
classify (const TwHealthRule  *rule,
          JsonNode            *value,
          char               **detail)
{
  g_autofree char *text = NULL;
  g_autofree char *folded = NULL;
  TwHealth health;

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return TW_HEALTH_DEGRADED;

  text = JSON_NODE_HOLDS_VALUE (value) ? scalar_to_text (value) : json_to_string (value, FALSE);
  folded = g_utf8_casefold (text, -1);

  if (word_in (rule->ok, folded))
    health = TW_HEALTH_OK;
  else if (word_in (rule->down, folded))
    health = TW_HEALTH_DOWN;
  else
    health = TW_HEALTH_DEGRADED;

  if (detail != NULL)
    *detail = g_steal_pointer (&text);
  return health;
}

/**
 * tw_operation_eval_health:
 * @op: an operation
 * @root: the parsed answer
 * @detail: (out) (optional) (transfer full) (nullable): the value as text, %NULL if absent
 *
 * The rule's pointer is read relative to the "result". A value in no list, or no value,
 * is %TW_HEALTH_DEGRADED.
 *
 * Returns: the health, %TW_HEALTH_UNKNOWN when the operation has no rule
 */
TwHealth
tw_operation_eval_health (const TwOperation  *op,
                          JsonNode           *root,
                          char              **detail)
{
  g_return_val_if_fail (op != NULL, TW_HEALTH_UNKNOWN);

  if (detail != NULL)
    *detail = NULL;
  if (op->health == NULL)
    return TW_HEALTH_UNKNOWN;
  if (root == NULL)
    return TW_HEALTH_DEGRADED;

  return classify (op->health,
                   resolve (result_or_root (op, root), op->health->compiled, op->health->pointer),
                   detail);
}

#define FNV_PRIME G_GUINT64_CONSTANT (1099511628211)

static guint64
hash_bytes (guint64       hash,
            gconstpointer data,
            gsize         size)
{
  const guchar *bytes = data;

  for (gsize i = 0; i < size; i++)
    {
      hash ^= bytes[i];
      hash *= FNV_PRIME;
    }
  return hash;
}

static guint64
hash_tag (guint64 hash,
          guint64 tag)
{
  return hash_bytes (hash, &tag, sizeof tag);
}

static guint64
hash_string (guint64     hash,
             const char *text)
{
  gsize length = text != NULL ? strlen (text) : G_MAXSIZE;

  hash = hash_tag (hash, length);
  return text != NULL ? hash_bytes (hash, text, length) : hash;
}

/* FNV-1a over a JSON tree: each node's kind, then its value, members (names and
 * values, in order) or elements; lengths first, so no two trees read alike. */
static guint64
hash_node (guint64   hash,
           JsonNode *node)
{
  if (node == NULL)
    return hash_tag (hash, 0);

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        hash = hash_tag (hash, 1);
        hash = hash_tag (hash, json_object_get_size (object));
        json_object_iter_init_ordered (&iter, object);
        while (json_object_iter_next_ordered (&iter, &name, &member))
          hash = hash_node (hash_string (hash, name), member);
        return hash;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        hash = hash_tag (hash_tag (hash, 2), n);
        for (guint i = 0; i < n; i++)
          hash = hash_node (hash, json_array_get_element (array, i));
        return hash;
      }
    case JSON_NODE_NULL:
      return hash_tag (hash, 3);
    case JSON_NODE_VALUE:
    default:
      break;
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return hash_string (hash_tag (hash, 4), json_node_get_string (node));
    case G_TYPE_INT64:
      return hash_tag (hash_tag (hash, 5), (guint64) json_node_get_int (node));
    case G_TYPE_DOUBLE:
      {
        double value = json_node_get_double (node);

        return hash_bytes (hash_tag (hash, 6), &value, sizeof value);
      }
    case G_TYPE_BOOLEAN:
      return hash_tag (hash_tag (hash, 7), json_node_get_boolean (node) ? 1 : 0);
    default:
      /* A kind the parser never makes: never alike. */
      return hash_tag (hash_tag (hash, 8), (guint64) g_get_monotonic_time ());
    }
}

guint64
tw_operation_hash_health_input (const TwOperation *op,
                                JsonNode          *root)
{
  guint64 hash = G_GUINT64_CONSTANT (14695981039346656037);
  JsonNode *selected;
  JsonNode *base;

  g_return_val_if_fail (op != NULL, 0);
  g_return_val_if_fail (root != NULL, 0);

  /* What tw_operation_select(), _map_object(), _map_components() and _eval_health()
   * read, in their order. */
  selected = resolve (root, op->result_pointer, op->result);
  base = selected != NULL ? selected : root;
  hash = hash_tag (hash, selected != NULL);
  for (guint i = 0; selected != NULL && op->map != NULL && i < op->map->len; i++)
    {
      const TwMapping *mapping = g_ptr_array_index (op->map, i);

      hash = hash_node (hash, resolve (selected, mapping->compiled, mapping->pointer));
    }
  if (op->components != NULL)
    hash = hash_node (hash_tag (hash, 9), tw_json_pointer_get (base, op->components->pointer));
  if (op->health != NULL)
    hash = hash_node (hash_tag (hash, 10), resolve (base, op->health->compiled, op->health->pointer));
  return hash != 0 ? hash : 1;
}

/**
 * tw_operation_eval_item_health:
 *
 * As tw_operation_eval_health(), the rule's pointer taken inside @item (one element
 * of the selected answer, a security check or a model, say), not from the answer's root.
 */
TwHealth
tw_operation_eval_item_health (const TwOperation  *op,
                               JsonNode           *item,
                               char              **detail)
{
  g_return_val_if_fail (op != NULL, TW_HEALTH_UNKNOWN);

  if (detail != NULL)
    *detail = NULL;
  if (op->health == NULL)
    return TW_HEALTH_UNKNOWN;
  if (item == NULL)
    return TW_HEALTH_DEGRADED;

  return classify (op->health, resolve (item, op->health->compiled, op->health->pointer), detail);
}

static TwComponent *
map_component (const TwOperation  *op,
               const char         *name,
               JsonNode           *value,
               GError            **error)
{
  const TwComponentsRule *rule = op->components;
  g_autoptr(TwComponent) component = tw_component_new (name);

  if (JSON_NODE_HOLDS_VALUE (value))
    {
      /* "database": "ok" — the value is the status, and what the rule classifies. */
      g_autofree char *status = scalar_to_text (value);

      tw_component_set_status (component, status);
      if (rule->health != NULL)
        tw_component_set_health (component, classify (rule->health, value, NULL));
      return g_steal_pointer (&component);
    }

  if (JSON_NODE_HOLDS_OBJECT (value) &&
      !apply_map (op, rule->map, value, G_OBJECT (component), error))
    return NULL;

  if (rule->health != NULL)
    tw_component_set_health (component,
                             classify (rule->health,
                                       resolve (value, rule->health->compiled, rule->health->pointer),
                                       NULL));

  return g_steal_pointer (&component);
}

static char *
component_name (const TwComponentsRule *rule,
                const char             *member,
                guint                   index,
                JsonNode               *value)
{
  if (g_strcmp0 (rule->name, "@key") != 0)
    {
      JsonNode *node = tw_json_pointer_get (value, rule->name);

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
        return scalar_to_text (node);
    }

  /* "@key", or an element without its name: the member name, else the position. */
  if (member != NULL)
    return g_strdup (member);
  return g_strdup_printf ("%u", index);
}

/**
 * tw_operation_map_components:
 * @op: an operation
 * @root: the parsed answer
 * @store: a #GListStore of #TwComponent; its contents are replaced in one splice
 * @error: return location for a #GError
 *
 * The rule's pointer (relative to the "result") is an object (one component per member)
 * or an array (one per element). When it is absent from the answer the store is emptied.
 *
 * Returns: %TRUE on success; %FALSE without error when the operation has no rule
 */
gboolean
tw_operation_map_components (const TwOperation  *op,
                             JsonNode           *root,
                             GListStore         *store,
                             GError            **error)
{
  g_autoptr(GPtrArray) items = NULL;
  const TwComponentsRule *rule;
  JsonNode *container;

  g_return_val_if_fail (op != NULL, FALSE);
  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (G_IS_LIST_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  rule = op->components;
  if (rule == NULL)
    return FALSE;

  items = g_ptr_array_new_with_free_func (g_object_unref);
  container = tw_json_pointer_get (result_or_root (op, root), rule->pointer);

  if (container == NULL || JSON_NODE_HOLDS_NULL (container))
    ;
  else if (JSON_NODE_HOLDS_OBJECT (container))
    {
      JsonObject *object = json_node_get_object (container);
      g_autoptr(GList) members = json_object_get_members (object);
      guint index = 0;

      for (const GList *l = members; l != NULL; l = l->next, index++)
        {
          JsonNode *value = json_object_get_member (object, l->data);
          g_autofree char *name = component_name (rule, l->data, index, value);
          TwComponent *component = map_component (op, name, value, error);

          if (component == NULL)
            return FALSE;
          g_ptr_array_add (items, component);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (container))
    {
      JsonArray *array = json_node_get_array (container);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *value = json_array_get_element (array, i);
          g_autofree char *name = component_name (rule, NULL, i, value);
          TwComponent *component = map_component (op, name, value, error);

          if (component == NULL)
            return FALSE;
          g_ptr_array_add (items, component);
        }
    }
  else
    {
      g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                   _("%s: operation \"%s\": \"components\": expected an object or a list at "
                     "\"%s\" but the answer has a single value there"),
                   op->connector->name, op->name, rule->pointer);
      return FALSE;
    }

  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                       items->pdata, items->len);
  return TRUE;
}

/* Risk controls */

/* @value as a folded word, or NULL when it is absent, null, an object or an array. */
static char *
folded_word (JsonNode *value)
{
  g_autofree char *text = NULL;

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
    return NULL;
  text = scalar_to_text (value);
  return g_utf8_casefold (text, -1);
}

/**
 * tw_operation_eval_trading:
 * @op: an operation
 * @root: (nullable): the parsed answer
 *
 * The rule's pointer is read relative to the "result". Strings are compared ignoring
 * case; booleans and numbers by their text ("true", "0"). With "invert", active and
 * halted are swapped.
 *
 * Returns: the mode, %TW_TRADING_UNKNOWN when the operation has no rule or the value is
 *   in none of its lists
 */
TwTradingMode
tw_operation_eval_trading (const TwOperation *op,
                           JsonNode          *root)
{
  const TwTradingRule *rule;
  g_autofree char *word = NULL;
  TwTradingMode mode;

  g_return_val_if_fail (op != NULL, TW_TRADING_UNKNOWN);

  rule = op->trading;
  if (rule == NULL || root == NULL)
    return TW_TRADING_UNKNOWN;

  word = folded_word (tw_json_pointer_get (result_or_root (op, root), rule->pointer));
  if (word == NULL)
    return TW_TRADING_UNKNOWN;

  if (word_in (rule->halted, word))
    mode = TW_TRADING_HALTED;
  else if (word_in (rule->reducing, word))
    mode = TW_TRADING_REDUCING;
  else if (word_in (rule->active, word))
    mode = TW_TRADING_ACTIVE;
  else
    return TW_TRADING_UNKNOWN;

  if (rule->invert && mode == TW_TRADING_HALTED)
    mode = TW_TRADING_ACTIVE;
  else if (rule->invert && mode == TW_TRADING_ACTIVE)
    mode = TW_TRADING_HALTED;

  return mode;
}

static TwBreakerState
classify_breaker (const TwBreakerStateRule *rule,
                  JsonNode                 *value)
{
  g_autofree char *word = NULL;

  if (rule == NULL)
    return TW_BREAKER_UNKNOWN;
  word = folded_word (value);
  if (word == NULL)
    return TW_BREAKER_UNKNOWN;

  if (word_in (rule->open, word))
    return TW_BREAKER_OPEN;
  if (word_in (rule->half_open, word))
    return TW_BREAKER_HALF_OPEN;
  if (word_in (rule->closed, word))
    return TW_BREAKER_CLOSED;
  return TW_BREAKER_UNKNOWN;
}

/* Sets one number of a limit breaker from the answer; FALSE (with an error naming the
 * connector, operation and pointer) when the answer holds no number there. */
static gboolean
set_breaker_number (const TwOperation  *op,
                    TwBreaker          *breaker,
                    const char         *property,
                    JsonNode           *value,
                    const char         *pointer,
                    GError            **error)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (breaker), property);
  g_autoptr(GError) local_error = NULL;

  if (tw_json_set_property (G_OBJECT (breaker), pspec, value, &local_error))
    return TRUE;

  g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
               _("%s: operation \"%s\": breaker \"%s\": \"%s\": %s"),
               op->connector->name, op->name, tw_breaker_get_id (breaker), pointer,
               local_error->message);
  return FALSE;
}

/* The rule's reset instruction for breaker @id: ${breaker} replaced by the id. */
static char *
reset_instruction (const TwBreakersRule *rule,
                   const char           *id)
{
  g_auto(GStrv) parts = NULL;

  if (rule->reset_instruction == NULL)
    return NULL;
  parts = g_strsplit (rule->reset_instruction, "${breaker}", -1);
  return g_strjoinv (id != NULL ? id : "", parts);
}

static TwBreaker *
map_limit_breaker (const TwOperation    *op,
                   const TwBreakerItem  *item,
                   JsonNode             *result,
                   GError              **error)
{
  g_autoptr(TwBreaker) breaker = tw_breaker_new (item->id);
  JsonNode *value = tw_json_pointer_get (result, item->value);
  gboolean have_value = value != NULL && !JSON_NODE_HOLDS_NULL (value);
  g_autofree char *instruction = reset_instruction (op->breakers, item->id);
  double limit;

  g_object_set (breaker,
                "label", item->label,
                "kind", item->kind,
                "can-reset", op->breakers->reset != NULL,
                "reset-instruction", instruction,
                NULL);
  if (item->unit != NULL)
    g_object_set (breaker, "unit", item->unit, NULL);

  if (have_value && !set_breaker_number (op, breaker, "value", value, item->value, error))
    return NULL;

  if (item->limit != NULL)
    {
      JsonNode *node = tw_json_pointer_get (result, item->limit);

      if (node != NULL && !JSON_NODE_HOLDS_NULL (node) &&
          !set_breaker_number (op, breaker, "limit", node, item->limit, error))
        return NULL;
    }
  else
    g_object_set (breaker, "limit", item->limit_number, NULL);

  /* A limit breaker trips when its value reaches a (positive) limit. */
  limit = tw_breaker_get_limit (breaker);
  if (!have_value)
    g_object_set (breaker, "state", TW_BREAKER_UNKNOWN, NULL);
  else if (limit > 0 && tw_breaker_get_value (breaker) >= limit)
    g_object_set (breaker, "state", TW_BREAKER_OPEN, NULL);
  else
    g_object_set (breaker, "state", TW_BREAKER_CLOSED, NULL);

  return g_steal_pointer (&breaker);
}

/* "@key": the member name (or the position in an array); else a pointer inside @value,
 * falling back to the same when the element lacks it. */
static char *
element_name (const char *spec,
              const char *member,
              guint       index,
              JsonNode   *value)
{
  if (g_strcmp0 (spec, "@key") != 0)
    {
      JsonNode *node = tw_json_pointer_get (value, spec);

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
        return scalar_to_text (node);
    }

  if (member != NULL)
    return g_strdup (member);
  return g_strdup_printf ("%u", index);
}

/* NULL (the breaker then shows its id) when there is no "label" or the element lacks it. */
static char *
breaker_label (const TwBreakersRule *rule,
               const char           *member,
               guint                 index,
               JsonNode             *value)
{
  JsonNode *node;

  if (rule->label == NULL)
    return NULL;
  if (g_strcmp0 (rule->label, "@key") == 0)
    return element_name (rule->label, member, index, value);

  node = tw_json_pointer_get (value, rule->label);
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? scalar_to_text (node) : NULL;
}

static TwBreaker *
map_source_breaker (const TwOperation  *op,
                    const char         *member,
                    guint               index,
                    JsonNode           *value,
                    GError            **error)
{
  const TwBreakersRule *rule = op->breakers;
  g_autofree char *id = element_name (rule->id, member, index, value);
  g_autofree char *label = breaker_label (rule, member, index, value);
  g_autoptr(TwBreaker) breaker = tw_breaker_new (id);
  g_autofree char *instruction = reset_instruction (rule, id);
  JsonNode *state;

  g_object_set (breaker,
                "label", label,
                "kind", rule->kind,
                "can-reset", rule->reset != NULL,
                "reset-instruction", instruction,
                NULL);
  if (rule->unit != NULL)
    g_object_set (breaker, "unit", rule->unit, NULL);

  if (JSON_NODE_HOLDS_OBJECT (value) && !apply_map (op, rule->map, value, G_OBJECT (breaker), error))
    return NULL;

  /* "polygon": "OPEN" — the value is the state itself. */
  if (JSON_NODE_HOLDS_VALUE (value))
    state = value;
  else
    state = rule->state != NULL ? tw_json_pointer_get (value, rule->state->pointer) : NULL;
  g_object_set (breaker, "state", classify_breaker (rule->state, state), NULL);

  return g_steal_pointer (&breaker);
}

static gboolean
map_collection (const TwOperation  *op,
                JsonNode           *container,
                GPtrArray          *items,
                GError            **error)
{
  if (container == NULL || JSON_NODE_HOLDS_NULL (container))
    return TRUE;

  if (JSON_NODE_HOLDS_OBJECT (container))
    {
      JsonObject *object = json_node_get_object (container);
      g_autoptr(GList) members = json_object_get_members (object);
      guint index = 0;

      for (const GList *l = members; l != NULL; l = l->next, index++)
        {
          TwBreaker *breaker = map_source_breaker (op, l->data, index,
                                                   json_object_get_member (object, l->data), error);

          if (breaker == NULL)
            return FALSE;
          g_ptr_array_add (items, breaker);
        }
      return TRUE;
    }

  if (JSON_NODE_HOLDS_ARRAY (container))
    {
      JsonArray *array = json_node_get_array (container);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          TwBreaker *breaker = map_source_breaker (op, NULL, i, json_array_get_element (array, i), error);

          if (breaker == NULL)
            return FALSE;
          g_ptr_array_add (items, breaker);
        }
      return TRUE;
    }

  g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
               _("%s: operation \"%s\": \"breakers\": expected an object or a list at \"%s\" "
                 "but the answer has a single value there"),
               op->connector->name, op->name, op->breakers->pointer);
  return FALSE;
}

/**
 * tw_operation_map_breakers:
 * @op: an operation
 * @root: the parsed answer
 * @out: (element-type TwBreaker): where the new breakers are appended; it must free
 *   its elements with g_object_unref()
 * @error: return location for a #GError
 *
 * A fixed list gives one breaker per item (value and limit read relative to the
 * "result"; OPEN when the value reaches a positive limit, CLOSED below it, UNKNOWN when
 * the answer lacks the value). A collection gives one breaker per member or element at
 * its pointer (none when it is absent). Nothing is appended on error.
 *
 * Returns: %TRUE on success; %FALSE without error when the operation has no rule
 */
gboolean
tw_operation_map_breakers (const TwOperation  *op,
                           JsonNode           *root,
                           GPtrArray          *out,
                           GError            **error)
{
  g_autoptr(GPtrArray) items = NULL;
  const TwBreakersRule *rule;
  JsonNode *result;

  g_return_val_if_fail (op != NULL, FALSE);
  g_return_val_if_fail (root != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  rule = op->breakers;
  if (rule == NULL)
    return FALSE;

  items = g_ptr_array_new_with_free_func (g_object_unref);
  result = result_or_root (op, root);

  if (rule->items != NULL)
    {
      for (guint i = 0; i < rule->items->len; i++)
        {
          TwBreaker *breaker = map_limit_breaker (op, g_ptr_array_index (rule->items, i), result, error);

          if (breaker == NULL)
            return FALSE;
          g_ptr_array_add (items, breaker);
        }
    }
  else if (!map_collection (op, tw_json_pointer_get (result, rule->pointer), items, error))
    return FALSE;

  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (out, g_object_ref (g_ptr_array_index (items, i)));

  return TRUE;
}

/**
 * tw_operation_get_breaker_reset:
 * @op: an operation
 *
 * Returns: (nullable): the name of the operation that resets one of @op's breakers
 */
const char *
tw_operation_get_breaker_reset (const TwOperation *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  return op->breakers != NULL ? op->breakers->reset : NULL;
}
