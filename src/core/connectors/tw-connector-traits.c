/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-connector-private.h"
#include "tw-error.h"

/* What the console knows of a trading system beyond its operations, so that no C code
 * names a particular system: the roles its services play ("roles"), the hosts that mean
 * paper or live ("hosts"), how a runbook's .env file names its base URL, mode and secrets
 * ("env", and each secret's "env"), what its secrets look like (each secret's "format")
 * and what its refusals in a multi-status answer mean ("refusals"). Loaded and checked
 * with the rest of the file (tw-connector-loader.c). */

static const char * const known_roles[] = { TW_CONNECTOR_ROLE_BROKER, TW_CONNECTOR_ROLE_ALERTMANAGER, NULL };

static const struct
{
  const char *word;
  TwRefusal   means;
} refusal_words[] = {
  { "held-for-orders", TW_REFUSAL_HELD_FOR_ORDERS },
  { "not-cancelable",  TW_REFUSAL_NOT_CANCELABLE },
};

void
_tw_env_variable_free (TwEnvVariable *variable)
{
  if (variable == NULL)
    return;
  g_free (variable->name);
  g_free (variable->separator);
  g_free (variable);
}

static void
env_mode_rule_free (TwEnvModeRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->variable);
  g_clear_pointer (&rule->live, g_ptr_array_unref);
  g_clear_pointer (&rule->paper, g_ptr_array_unref);
  g_free (rule);
}

static void
refusal_rule_free (TwRefusalRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->contains);
  g_free (rule->text);
  g_free (rule);
}

void
_tw_connector_init_traits (TwConnector *self)
{
  self->roles = g_ptr_array_new_with_free_func (g_free);
  self->live_hosts = g_ptr_array_new_with_free_func (g_free);
  self->paper_hosts = g_ptr_array_new_with_free_func (g_free);
  self->env_base_url = g_ptr_array_new_with_free_func ((GDestroyNotify) _tw_env_variable_free);
  self->env_mode = g_ptr_array_new_with_free_func ((GDestroyNotify) env_mode_rule_free);
  self->refusals = g_ptr_array_new_with_free_func ((GDestroyNotify) refusal_rule_free);
  _tw_connector_init_alerts (self);
  _tw_connector_init_flags (self);
}

void
_tw_connector_clear_traits (TwConnector *self)
{
  g_clear_pointer (&self->roles, g_ptr_array_unref);
  g_clear_pointer (&self->live_hosts, g_ptr_array_unref);
  g_clear_pointer (&self->paper_hosts, g_ptr_array_unref);
  g_clear_pointer (&self->env_base_url, g_ptr_array_unref);
  g_clear_pointer (&self->env_base_url_strip, g_free);
  g_clear_pointer (&self->env_mode, g_ptr_array_unref);
  g_clear_pointer (&self->refusals, g_ptr_array_unref);
  _tw_connector_clear_alerts (self);
  _tw_connector_clear_flags (self);
}

static gboolean
is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
str_in (GPtrArray  *array,
        const char *str)
{
  return g_ptr_array_find_with_equal_func (array, str, g_str_equal, NULL);
}

/* A .env variable name: letters, digits and "_", not starting with a digit. */
static gboolean
is_variable_name (const char *name)
{
  if (name == NULL || !(g_ascii_isalpha (*name) || *name == '_'))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_'))
      return FALSE;
  return TRUE;
}

/* A host name as a URL carries it: no scheme, port, path or blanks. */
static gboolean
is_host_name (const char *host)
{
  if (host == NULL || *host == '\0')
    return FALSE;
  for (const char *p = host; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '-' || *p == '.'))
      return FALSE;
  return TRUE;
}

/* An array of strings, each passing @valid; folded to lower case into @out when @fold.
 * @what continues "must be …" (e.g. "an array of host names"). */
static gboolean
load_words (TwLoadContext *ctx,
            JsonNode      *node,
            const char    *where,
            const char    *what,
            gboolean     (*valid) (const char *),
            gboolean       fold,
            GPtrArray     *out)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return _tw_load_fail (ctx, _("%s must be %s, not %s"), where, what, _tw_load_json_kind (node));

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *word = NULL;

      if (!is_string (element))
        return _tw_load_fail (ctx, _("%s must be %s, not an array holding %s"), where, what,
                              _tw_load_json_kind (element));
      if (valid != NULL && !valid (json_node_get_string (element)))
        return _tw_load_fail (ctx, _("%s: \"%s\" is not allowed here (it must be %s)"), where,
                              json_node_get_string (element), what);

      word = fold ? g_utf8_casefold (json_node_get_string (element), -1)
                  : g_strdup (json_node_get_string (element));
      if (str_in (out, word))
        return _tw_load_fail (ctx, _("%s: \"%s\" is listed twice"), where, word);
      g_ptr_array_add (out, g_steal_pointer (&word));
    }

  return TRUE;
}

static gboolean
is_known_role (const char *role)
{
  return g_strv_contains (known_roles, role);
}

static gboolean
load_roles (TwConnector   *self,
            TwLoadContext *ctx,
            JsonNode      *node)
{
  g_autofree char *list = g_strjoinv (", ", (char **) known_roles);
  g_autofree char *what = g_strdup_printf (_("an array of roles (known: %s)"), list);

  return load_words (ctx, node, "\"roles\"", what, is_known_role, FALSE, self->roles);
}

static gboolean
load_hosts (TwConnector   *self,
            TwLoadContext *ctx,
            JsonNode      *node)
{
  static const char * const keys[] = { "live", "paper", NULL };
  const char *what = _("an array of host names (e.g. [\"api.example.com\"], no scheme or port)");
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _tw_load_fail (ctx, _("\"hosts\" must be an object with \"live\" and \"paper\", not %s"),
                          _tw_load_json_kind (node));
  object = json_node_get_object (node);
  if (!_tw_load_check_keys (ctx, object, "\"hosts\"", keys))
    return FALSE;

  if (json_object_has_member (object, "live") &&
      !load_words (ctx, json_object_get_member (object, "live"), "\"hosts\": \"live\"", what,
                   is_host_name, TRUE, self->live_hosts))
    return FALSE;
  if (json_object_has_member (object, "paper") &&
      !load_words (ctx, json_object_get_member (object, "paper"), "\"hosts\": \"paper\"", what,
                   is_host_name, TRUE, self->paper_hosts))
    return FALSE;

  for (guint i = 0; i < self->live_hosts->len; i++)
    if (str_in (self->paper_hosts, g_ptr_array_index (self->live_hosts, i)))
      return _tw_load_fail (ctx, _("\"hosts\": \"%s\" is listed as both live and paper"),
                            (const char *) g_ptr_array_index (self->live_hosts, i));
  if (self->live_hosts->len == 0 && self->paper_hosts->len == 0)
    return _tw_load_fail (ctx, _("\"hosts\" must name at least one live or paper host"));

  return TRUE;
}

static gboolean
load_env_variable (TwLoadContext *ctx,
                   JsonNode      *node,
                   const char    *where,
                   gboolean       secret,
                   GPtrArray     *out)
{
  static const char * const keys[] = { "name", "list", "shared", NULL };
  g_autoptr(GPtrArray) unused = NULL;
  const char *name = NULL;
  const char *separator = NULL;
  gboolean shared = FALSE;
  TwEnvVariable *variable;

  if (is_string (node))
    name = json_node_get_string (node);
  else if (JSON_NODE_HOLDS_OBJECT (node) && secret)
    {
      JsonObject *object = json_node_get_object (node);

      if (!_tw_load_check_keys (ctx, object, where, keys) ||
          !_tw_load_get_string (ctx, object, "name", where, &name) ||
          !_tw_load_get_string (ctx, object, "list", where, &separator) ||
          !_tw_load_get_boolean (ctx, object, "shared", where, FALSE, &shared))
        return FALSE;
      if (name == NULL)
        return _tw_load_fail (ctx, _("%s: \"name\" is missing"), where);
      if (separator != NULL && *separator == '\0')
        return _tw_load_fail (ctx, _("%s: \"list\" must be the separator, e.g. \",\""), where);
    }
  else if (secret)
    return _tw_load_fail (ctx, _("%s must be a variable name or an object with \"name\", not %s"),
                          where, _tw_load_json_kind (node));
  else
    return _tw_load_fail (ctx, _("%s must be a variable name, not %s"),
                          where, _tw_load_json_kind (node));

  if (!is_variable_name (name))
    return _tw_load_fail (ctx, _("%s: \"%s\" is not an environment variable name (letters, "
                                 "digits and \"_\", not starting with a digit)"), where, name);
  for (guint i = 0; i < out->len; i++)
    if (g_str_equal (((TwEnvVariable *) g_ptr_array_index (out, i))->name, name))
      return _tw_load_fail (ctx, _("%s: \"%s\" is listed twice"), where, name);

  variable = g_new0 (TwEnvVariable, 1);
  variable->name = g_strdup (name);
  variable->separator = g_strdup (separator);
  variable->shared = shared;
  g_ptr_array_add (out, variable);
  return TRUE;
}

/* One variable, or an array of them (the first that is set wins). */
static gboolean
load_env_variables (TwLoadContext *ctx,
                    JsonNode      *node,
                    const char    *where,
                    gboolean       secret,
                    GPtrArray     *out)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return load_env_variable (ctx, node, where, secret, out);

  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0)
    return _tw_load_fail (ctx, _("%s must name at least one variable"), where);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *element_where = g_strdup_printf ("%s[%u]", where, i);

      if (!load_env_variable (ctx, json_array_get_element (array, i), element_where, secret, out))
        return FALSE;
    }
  return TRUE;
}

gboolean
_tw_env_variables_load (TwLoadContext *ctx,
                        JsonNode      *node,
                        const char    *where,
                        GPtrArray     *out)
{
  return load_env_variables (ctx, node, where, TRUE, out);
}

static gboolean
load_env_mode (TwConnector   *self,
               TwLoadContext *ctx,
               JsonNode      *node)
{
  static const char * const keys[] = { "variable", "live", "paper", NULL };
  const char *what = _("an array of words");
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return _tw_load_fail (ctx, _("\"env\": \"mode\" must be an array of "
                                 "{ \"variable\", \"live\", \"paper\" }, not %s"),
                          _tw_load_json_kind (node));

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *where = g_strdup_printf ("\"env\": \"mode\"[%u]", i);
      g_autofree char *where_live = g_strdup_printf ("%s: \"live\"", where);
      g_autofree char *where_paper = g_strdup_printf ("%s: \"paper\"", where);
      TwEnvModeRule *rule;
      JsonObject *object;
      const char *variable;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return _tw_load_fail (ctx, _("%s must be an object, not %s"), where,
                              _tw_load_json_kind (element));
      object = json_node_get_object (element);
      if (!_tw_load_check_keys (ctx, object, where, keys) ||
          !_tw_load_get_string (ctx, object, "variable", where, &variable))
        return FALSE;
      if (variable == NULL)
        return _tw_load_fail (ctx, _("%s: \"variable\" is missing"), where);
      if (!is_variable_name (variable))
        return _tw_load_fail (ctx, _("%s: \"%s\" is not an environment variable name (letters, "
                                     "digits and \"_\", not starting with a digit)"),
                              where, variable);

      rule = g_new0 (TwEnvModeRule, 1);
      rule->variable = g_strdup (variable);
      rule->live = g_ptr_array_new_with_free_func (g_free);
      rule->paper = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (self->env_mode, rule);

      if (json_object_has_member (object, "live") &&
          !load_words (ctx, json_object_get_member (object, "live"), where_live, what, NULL,
                       TRUE, rule->live))
        return FALSE;
      if (json_object_has_member (object, "paper") &&
          !load_words (ctx, json_object_get_member (object, "paper"), where_paper, what, NULL,
                       TRUE, rule->paper))
        return FALSE;
      if (rule->live->len == 0)
        return _tw_load_fail (ctx, _("%s: \"live\" must list at least one word (e.g. [\"live\"])"),
                              where);
      for (guint j = 0; j < rule->live->len; j++)
        if (str_in (rule->paper, g_ptr_array_index (rule->live, j)))
          return _tw_load_fail (ctx, _("%s: \"%s\" is listed as both live and paper"), where,
                                (const char *) g_ptr_array_index (rule->live, j));
    }

  return TRUE;
}

static gboolean
load_env (TwConnector   *self,
          TwLoadContext *ctx,
          JsonNode      *node)
{
  static const char * const keys[] = { "base_url", "base_url_strip", "mode", NULL };
  JsonObject *object;
  const char *strip;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _tw_load_fail (ctx, _("\"env\" must be an object, not %s"), _tw_load_json_kind (node));
  object = json_node_get_object (node);
  if (!_tw_load_check_keys (ctx, object, "\"env\"", keys) ||
      !_tw_load_get_string (ctx, object, "base_url_strip", "\"env\"", &strip))
    return FALSE;

  if (json_object_has_member (object, "base_url") &&
      !load_env_variables (ctx, json_object_get_member (object, "base_url"),
                           "\"env\": \"base_url\"", FALSE, self->env_base_url))
    return FALSE;
  if (strip != NULL && (strip[0] != '/' || strip[1] == '\0'))
    return _tw_load_fail (ctx, _("\"env\": \"base_url_strip\" must be a path such as \"/v2\""));
  if (strip != NULL && self->env_base_url->len == 0)
    return _tw_load_fail (ctx, _("\"env\": \"base_url_strip\" needs \"base_url\""));
  self->env_base_url_strip = g_strdup (strip);

  if (json_object_has_member (object, "mode") &&
      !load_env_mode (self, ctx, json_object_get_member (object, "mode")))
    return FALSE;

  return TRUE;
}

gboolean
_tw_secret_format_load (TwLoadContext *ctx,
                        JsonNode      *node,
                        const char    *where,
                        TwSecretSpec  *spec)
{
  static const char * const keys[] = { "pattern", "message", NULL };
  g_autofree char *where2 = g_strdup_printf ("%s: \"format\"", where);
  g_autoptr(GError) regex_error = NULL;
  g_autofree char *anchored = NULL;
  JsonObject *object;
  const char *pattern, *message;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _tw_load_fail (ctx, _("%s must be an object with \"pattern\" and \"message\", not %s"),
                          where2, _tw_load_json_kind (node));
  object = json_node_get_object (node);
  if (!_tw_load_check_keys (ctx, object, where2, keys) ||
      !_tw_load_get_string (ctx, object, "pattern", where2, &pattern) ||
      !_tw_load_get_string (ctx, object, "message", where2, &message))
    return FALSE;
  if (pattern == NULL || *pattern == '\0')
    return _tw_load_fail (ctx, _("%s: \"pattern\" is missing"), where2);
  if (message == NULL || *message == '\0')
    return _tw_load_fail (ctx, _("%s: \"message\" is missing (it tells people what a valid "
                                 "value looks like)"), where2);

  /* The whole value must match, not a part of it. */
  anchored = g_strdup_printf ("^(?:%s)$", pattern);
  spec->format = g_regex_new (anchored, G_REGEX_DOLLAR_ENDONLY, 0, &regex_error);
  if (spec->format == NULL)
    return _tw_load_fail (ctx, _("%s: \"pattern\" is not a regular expression: %s"), where2,
                          regex_error->message);
  spec->format_message = g_strdup (message);
  return TRUE;
}

static TwRefusal
refusal_from_word (const char *word)
{
  for (guint i = 0; i < G_N_ELEMENTS (refusal_words); i++)
    if (g_strcmp0 (refusal_words[i].word, word) == 0)
      return refusal_words[i].means;
  return TW_REFUSAL_UNKNOWN;
}

static gboolean
load_refusals (TwConnector   *self,
               TwLoadContext *ctx,
               JsonNode      *node)
{
  static const char * const keys[] = { "status", "contains", "means", "text", NULL };
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return _tw_load_fail (ctx, _("\"refusals\" must be an array, not %s"), _tw_load_json_kind (node));

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *where = g_strdup_printf ("\"refusals\"[%u]", i);
      JsonObject *object;
      JsonNode *status;
      const char *contains, *means, *text;
      TwRefusalRule *rule;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return _tw_load_fail (ctx, _("%s must be an object, not %s"), where,
                              _tw_load_json_kind (element));
      object = json_node_get_object (element);
      if (!_tw_load_check_keys (ctx, object, where, keys) ||
          !_tw_load_get_string (ctx, object, "contains", where, &contains) ||
          !_tw_load_get_string (ctx, object, "means", where, &means) ||
          !_tw_load_get_string (ctx, object, "text", where, &text))
        return FALSE;

      if (contains == NULL || *contains == '\0')
        return _tw_load_fail (ctx, _("%s: \"contains\" is missing (the words of the server's "
                                     "message that identify this refusal)"), where);
      status = json_object_get_member (object, "status");
      if (status != NULL &&
          (!JSON_NODE_HOLDS_VALUE (status) || json_node_get_value_type (status) != G_TYPE_INT64 ||
           json_node_get_int (status) < 400 || json_node_get_int (status) > 599))
        return _tw_load_fail (ctx, _("%s: \"status\" must be an HTTP error status (400 to 599)"),
                              where);
      if ((means == NULL) == (text == NULL))
        return _tw_load_fail (ctx, _("%s: give either \"means\" (held-for-orders, "
                                     "not-cancelable) or \"text\", not both or neither"), where);
      if (means != NULL && refusal_from_word (means) == TW_REFUSAL_UNKNOWN)
        return _tw_load_fail (ctx, _("%s: \"means\" must be held-for-orders or not-cancelable, "
                                     "not \"%s\" (write your own words in \"text\")"),
                              where, means);

      rule = g_new0 (TwRefusalRule, 1);
      rule->status = status != NULL ? (guint) json_node_get_int (status) : 0;
      rule->contains = g_utf8_casefold (contains, -1);
      rule->means = means != NULL ? refusal_from_word (means) : TW_REFUSAL_OTHER;
      rule->text = g_strdup (text);
      g_ptr_array_add (self->refusals, rule);
    }

  return TRUE;
}

gboolean
_tw_connector_load_traits (TwConnector   *self,
                           TwLoadContext *ctx,
                           JsonObject    *object)
{
  if (json_object_has_member (object, "roles") &&
      !load_roles (self, ctx, json_object_get_member (object, "roles")))
    return FALSE;
  if (json_object_has_member (object, "hosts") &&
      !load_hosts (self, ctx, json_object_get_member (object, "hosts")))
    return FALSE;
  if (json_object_has_member (object, "env") &&
      !load_env (self, ctx, json_object_get_member (object, "env")))
    return FALSE;
  if (json_object_has_member (object, "refusals") &&
      !load_refusals (self, ctx, json_object_get_member (object, "refusals")))
    return FALSE;
  if (json_object_has_member (object, "alerts") &&
      !_tw_connector_load_alerts (self, ctx, json_object_get_member (object, "alerts")))
    return FALSE;
  if (!_tw_connector_load_flags (self, ctx, json_object_get_member (object, "flags")))
    return FALSE;
  return TRUE;
}

const TwSecretSpec *
tw_connector_get_secret (TwConnector *self,
                         const char  *name)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return _tw_connector_find_secret (self, name);
}

gboolean
tw_connector_check_secret (TwConnector  *self,
                           const char   *name,
                           const char   *value,
                           GError      **error)
{
  const TwSecretSpec *spec;

  g_return_val_if_fail (TW_IS_CONNECTOR (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  spec = _tw_connector_find_secret (self, name);
  if (spec == NULL || spec->format == NULL)
    return TRUE;
  if (g_regex_match (spec->format, value, 0, NULL))
    return TRUE;

  g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
               /* Translators: "API key ID: Alpaca key IDs start with PK (paper) or AK (live)…" */
               _("%s: %s"), spec->label, spec->format_message);
  return FALSE;
}

gboolean
tw_connector_has_role (TwConnector *self,
                       const char  *role)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), FALSE);
  g_return_val_if_fail (role != NULL, FALSE);

  return str_in (self->roles, role);
}

gboolean
tw_connector_has_hosts (TwConnector *self)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), FALSE);

  return self->live_hosts->len > 0 || self->paper_hosts->len > 0;
}

gboolean
tw_connector_mode_for_url (TwConnector *self,
                           const char  *url,
                           TwMode      *mode)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *host = NULL;

  g_return_val_if_fail (TW_IS_CONNECTOR (self), FALSE);

  if (url == NULL)
    return FALSE;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return FALSE;
  host = g_ascii_strdown (g_uri_get_host (uri), -1);

  if (str_in (self->live_hosts, host))
    {
      if (mode != NULL)
        *mode = TW_MODE_LIVE;
      return TRUE;
    }
  if (str_in (self->paper_hosts, host))
    {
      if (mode != NULL)
        *mode = TW_MODE_PAPER;
      return TRUE;
    }
  return FALSE;
}

GPtrArray *
tw_connector_get_env_base_url (TwConnector *self)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);
  return self->env_base_url;
}

const char *
tw_connector_get_env_base_url_strip (TwConnector *self)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);
  return self->env_base_url_strip;
}

GPtrArray *
tw_connector_get_env_mode (TwConnector *self)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);
  return self->env_mode;
}

TwRefusal
tw_connector_match_refusal (TwConnector  *self,
                            guint         status,
                            const char   *message,
                            const char  **text)
{
  g_autofree char *folded = NULL;

  g_return_val_if_fail (TW_IS_CONNECTOR (self), TW_REFUSAL_UNKNOWN);

  if (text != NULL)
    *text = NULL;
  if (message == NULL || *message == '\0')
    return TW_REFUSAL_UNKNOWN;

  folded = g_utf8_casefold (message, -1);
  for (guint i = 0; i < self->refusals->len; i++)
    {
      const TwRefusalRule *rule = g_ptr_array_index (self->refusals, i);

      if (rule->status != 0 && rule->status != status)
        continue;
      if (strstr (folded, rule->contains) == NULL)
        continue;
      if (text != NULL)
        *text = rule->text;
      return rule->means;
    }
  return TW_REFUSAL_UNKNOWN;
}
