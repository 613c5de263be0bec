/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tw-connector-private.h"
#include "tw-flag-spec.h"

/* "flags": what the runbook says of each runtime flag of the system, keyed by the
 * service's own name:
 *
 *   "flags": {
 *     "live_trading_mode": {
 *       "label": "Live trading mode", "description": "…",
 *       "type": "boolean", "risk": "critical", "safe": "off",
 *       "env": "LIVE_TRADING_MODE", "default": false, "note": "CRITICAL"
 *     },
 *     "auto_approval_max_notional": {
 *       "type": "number", "unit": "USD", "min": 0, "max": 1000000, "safe": "lower", …
 *     }
 *   }
 *
 * "type": boolean (default), number or string; "risk": normal (default), high or
 * critical; "safe": off, on, lower or higher. A flag the service reports that is not
 * listed is still shown, as a normal-risk flag with no known safe direction. */

static const char * const types[] = { "boolean", "number", "string", NULL };
static const char * const risks[] = { "normal", "high", "critical", NULL };
static const char * const safes[] = { "", "off", "on", "lower", "higher", NULL };

static void
flag_spec_free (TwFlagSpec *spec)
{
  if (spec == NULL)
    return;
  g_free (spec->name);
  g_free (spec->label);
  g_free (spec->description);
  g_free (spec->env);
  g_free (spec->unit);
  g_free (spec->note);
  g_free (spec);
}

void
_tw_connector_init_flags (TwConnector *self)
{
  self->flag_specs = g_ptr_array_new_with_free_func ((GDestroyNotify) flag_spec_free);
}

void
_tw_connector_clear_flags (TwConnector *self)
{
  g_clear_pointer (&self->flag_specs, g_ptr_array_unref);
}

static gboolean
get_word (TwLoadContext      *ctx,
          JsonObject         *object,
          const char         *key,
          const char         *where,
          const char * const *words,
          guint               default_index,
          guint              *out)
{
  const char *value = NULL;

  if (!_tw_load_get_string (ctx, object, key, where, &value))
    return FALSE;
  *out = default_index;
  if (value == NULL)
    return TRUE;
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0' && g_str_equal (words[i], value))
      {
        *out = i;
        return TRUE;
      }
  return _tw_load_fail (ctx, _("%s: \"%s\" may not be \"%s\""), where, key, value);
}

static gboolean
get_number (TwLoadContext *ctx,
            JsonObject    *object,
            const char    *key,
            const char    *where,
            gboolean      *has,
            double        *out)
{
  JsonNode *node = json_object_get_member (object, key);
  GType type;

  *has = FALSE;
  if (node == NULL)
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else if (type == G_TYPE_BOOLEAN)
    *out = json_node_get_boolean (node) ? 1 : 0;
  else
    return _tw_load_fail (ctx, _("%s: \"%s\" must be a number, not %s"), where, key,
                          _tw_load_json_kind (node));
  *has = TRUE;
  return TRUE;
}

static gboolean
load_flag (TwConnector   *self,
           TwLoadContext *ctx,
           const char    *name,
           JsonNode      *node)
{
  static const char * const keys[] = {
    "label", "description", "type", "risk", "safe", "env", "unit", "min", "max", "default",
    "note", NULL
  };
  g_autofree char *where = g_strdup_printf ("\"flags\": \"%s\"", name);
  const char *label = NULL, *description = NULL, *env = NULL, *unit = NULL, *note = NULL;
  TwFlagSpec *spec;
  JsonObject *object;
  guint type, risk, safe;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _tw_load_fail (ctx, _("%s must be an object, not %s"), where, _tw_load_json_kind (node));
  object = json_node_get_object (node);
  if (!_tw_load_check_keys (ctx, object, where, keys) ||
      !_tw_load_get_string (ctx, object, "label", where, &label) ||
      !_tw_load_get_string (ctx, object, "description", where, &description) ||
      !_tw_load_get_string (ctx, object, "env", where, &env) ||
      !_tw_load_get_string (ctx, object, "unit", where, &unit) ||
      !_tw_load_get_string (ctx, object, "note", where, &note) ||
      !get_word (ctx, object, "type", where, types, TW_FLAG_TYPE_BOOLEAN, &type) ||
      !get_word (ctx, object, "risk", where, risks, TW_FLAG_RISK_NORMAL, &risk) ||
      !get_word (ctx, object, "safe", where, safes, TW_FLAG_SAFE_UNKNOWN, &safe))
    return FALSE;

  if (type == TW_FLAG_TYPE_BOOLEAN && (safe == TW_FLAG_SAFE_LOWER || safe == TW_FLAG_SAFE_HIGHER))
    return _tw_load_fail (ctx, _("%s: a boolean flag's \"safe\" is \"off\" or \"on\""), where);
  if (type == TW_FLAG_TYPE_NUMBER && (safe == TW_FLAG_SAFE_OFF || safe == TW_FLAG_SAFE_ON))
    return _tw_load_fail (ctx, _("%s: a number's \"safe\" is \"lower\" or \"higher\""), where);

  spec = g_new0 (TwFlagSpec, 1);
  g_ptr_array_add (self->flag_specs, spec);
  spec->name = g_strdup (name);
  spec->label = g_strdup (label != NULL ? label : name);
  spec->description = g_strdup (description);
  spec->env = g_strdup (env);
  spec->unit = g_strdup (unit);
  spec->note = g_strdup (note);
  spec->type = type;
  spec->risk = risk;
  spec->safe = safe;

  if (!get_number (ctx, object, "min", where, &spec->has_min, &spec->min) ||
      !get_number (ctx, object, "max", where, &spec->has_max, &spec->max) ||
      !get_number (ctx, object, "default", where, &spec->has_default, &spec->default_number))
    return FALSE;
  if (spec->has_min && spec->has_max && spec->min > spec->max)
    return _tw_load_fail (ctx, _("%s: \"min\" is above \"max\""), where);
  return TRUE;
}

gboolean
_tw_connector_load_flags (TwConnector   *self,
                          TwLoadContext *ctx,
                          JsonNode      *node)
{
  g_autoptr(GList) members = NULL;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _tw_load_fail (ctx, _("\"flags\" must be an object, not %s"), _tw_load_json_kind (node));

  members = json_object_get_members (json_node_get_object (node));
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (name[0] == '_')
        continue;
      if (!load_flag (self, ctx, name, json_object_get_member (json_node_get_object (node), name)))
        return FALSE;
    }
  return TRUE;
}

GPtrArray *
tw_connector_get_flag_specs (TwConnector *self)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);

  return self->flag_specs;
}

const TwFlagSpec *
tw_connector_lookup_flag_spec (TwConnector *self,
                               const char  *name)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);

  for (guint i = 0; i < self->flag_specs->len; i++)
    {
      const TwFlagSpec *spec = g_ptr_array_index (self->flag_specs, i);

      if (g_strcmp0 (spec->name, name) == 0)
        return spec;
    }
  return NULL;
}

const char *
tw_flag_risk_to_string (TwFlagRisk risk)
{
  return risk < G_N_ELEMENTS (risks) - 1 ? risks[risk] : "normal";
}

const char *
tw_flag_type_to_string (TwFlagType type)
{
  return type < G_N_ELEMENTS (types) - 1 ? types[type] : "boolean";
}
