/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-connector-private.h"

/* "endpoints": a service's other addresses, each with its own port and no share of the
 * service's credentials (001's rate gate on :3001 beside its API on :8000; 000's ML
 * service on :8004 beside its API on :3000):
 *
 *   "endpoints": {
 *     "rate_gate": { "name": "Rate gate", "setting": "RateGateUrl",
 *                    "default_base_url": "http://127.0.0.1:3001" }
 *   }
 *
 * The profile's service group gives the address by the "setting" key
 * (RateGateUrl=http://10.0.0.5:3001), else the "default_base_url" is used. An operation
 * says "endpoint": "rate_gate" to be sent there; the connector's "headers" (its secrets)
 * are never sent to an endpoint, only the operation's own. */

static const char * const reserved_keys[] = {
  "Name", "Connector", "BaseUrl", "SlowMs", "EnvFile", "FlagsFile", NULL
};

void
_tw_endpoint_free (TwEndpoint *endpoint)
{
  if (endpoint == NULL)
    return;
  g_free (endpoint->id);
  g_free (endpoint->name);
  g_free (endpoint->setting);
  g_free (endpoint->default_base_url);
  g_strfreev (endpoint->env);
  g_free (endpoint);
}

static gboolean
is_setting_name (const char *name)
{
  if (!g_ascii_isupper (name[0]))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

static gboolean
is_endpoint_id (const char *id)
{
  if (*id == '\0' || !g_ascii_islower (id[0]))
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

gboolean
_tw_endpoint_url_is_valid (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  return uri != NULL &&
         (g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 ||
          g_strcmp0 (g_uri_get_scheme (uri), "https") == 0) &&
         g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

/* "env": "ML_SERVICE_URL" or ["A", "B"]: the .env import's variables of its address. */
static gboolean
load_env (TwLoadContext  *ctx,
          JsonNode       *node,
          const char     *where,
          char         ***out)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    g_strv_builder_add (names, json_node_get_string (node));
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
            return _tw_load_fail (ctx, _("%s: “env” must list variable names"), where);
          g_strv_builder_add (names, json_node_get_string (element));
        }
    }
  else
    return _tw_load_fail (ctx, _("%s: “env” must be a variable name or a list of them"), where);
  *out = g_strv_builder_end (names);
  for (guint i = 0; (*out)[i] != NULL; i++)
    {
      const char *p = (*out)[i];

      if (*p == '\0' || g_ascii_isdigit (*p))
        return _tw_load_fail (ctx, _("%s: “%s” is not a variable name"), where, p);
      for (; *p != '\0'; p++)
        if (!g_ascii_isalnum (*p) && *p != '_')
          return _tw_load_fail (ctx, _("%s: “%s” is not a variable name"), where, (*out)[i]);
    }
  return TRUE;
}

gboolean
_tw_connector_load_endpoints (TwConnector   *self,
                              TwLoadContext *ctx,
                              JsonNode      *node)
{
  static const char * const keys[] = { "name", "setting", "default_base_url", "env", NULL };
  g_autoptr(GList) members = NULL;
  JsonObject *object;

  if (node == NULL)
    return TRUE;
  if (self->commands)
    return _tw_load_fail (ctx, _("“endpoints” are addresses for HTTP: a connector of "
                                 "“kind”: “commands” has none"));
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _tw_load_fail (ctx, _("“endpoints” must be an object, not %s"), _tw_load_json_kind (node));

  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *id = l->data;
      JsonNode *member = json_object_get_member (object, id);
      g_autofree char *where = g_strdup_printf ("\"endpoints\": \"%s\"", id);
      const char *name = NULL, *setting = NULL, *url = NULL;
      TwEndpoint *endpoint;

      if (id[0] == '_')
        continue;
      if (!is_endpoint_id (id))
        return _tw_load_fail (ctx, _("“endpoints”: “%s” may only use a-z, 0-9 and “_”, "
                                     "starting with a letter"), id);
      if (!JSON_NODE_HOLDS_OBJECT (member))
        return _tw_load_fail (ctx, _("%s must be an object, not %s"), where,
                              _tw_load_json_kind (member));
      if (!_tw_load_check_keys (ctx, json_node_get_object (member), where, keys) ||
          !_tw_load_get_string (ctx, json_node_get_object (member), "name", where, &name) ||
          !_tw_load_get_string (ctx, json_node_get_object (member), "setting", where, &setting) ||
          !_tw_load_get_string (ctx, json_node_get_object (member), "default_base_url", where, &url))
        return FALSE;
      if (name == NULL || *name == '\0')
        return _tw_load_fail (ctx, _("%s needs a “name” (what people call it, e.g. “Rate gate”)"),
                              where);
      if (setting == NULL || !is_setting_name (setting))
        return _tw_load_fail (ctx, _("%s needs a “setting”: the profile key of its address "
                                     "(letters and digits, starting with a capital, e.g. "
                                     "“RateGateUrl”)"), where);
      if (g_strv_contains (reserved_keys, setting))
        return _tw_load_fail (ctx, _("%s: “%s” is a key of the console itself"), where, setting);
      if (url != NULL && !_tw_endpoint_url_is_valid (url))
        return _tw_load_fail (ctx, _("%s: “default_base_url” “%s” is not an http:// or https:// URL"),
                              where, url);
      for (guint i = 0; i < self->endpoints->len; i++)
        if (g_str_equal (((TwEndpoint *) g_ptr_array_index (self->endpoints, i))->setting, setting))
          return _tw_load_fail (ctx, _("%s: another endpoint already has the setting “%s”"),
                                where, setting);

      endpoint = g_new0 (TwEndpoint, 1);
      if (!load_env (ctx, json_object_get_member (json_node_get_object (member), "env"), where,
                     &endpoint->env))
        {
          _tw_endpoint_free (endpoint);
          return FALSE;
        }
      endpoint->id = g_strdup (id);
      endpoint->name = g_strdup (name);
      endpoint->setting = g_strdup (setting);
      endpoint->default_base_url = g_strdup (url);
      g_ptr_array_add (self->endpoints, endpoint);
    }
  return TRUE;
}

/**
 * tw_connector_get_endpoints:
 *
 * Returns: (transfer none) (element-type TwEndpoint): the endpoints, in file order
 */
GPtrArray *
tw_connector_get_endpoints (TwConnector *self)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);
  return self->endpoints;
}

const TwEndpoint *
tw_connector_get_endpoint (TwConnector *self,
                           const char  *id)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);

  for (guint i = 0; id != NULL && i < self->endpoints->len; i++)
    {
      const TwEndpoint *endpoint = g_ptr_array_index (self->endpoints, i);

      if (g_str_equal (endpoint->id, id))
        return endpoint;
    }
  return NULL;
}

const char *
tw_operation_get_endpoint (const TwOperation *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  return op->endpoint;
}
