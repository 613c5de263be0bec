/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-sim-private.h"
#include "tw-sim-keys.h"
#include "tw-sim-risk.h"
#include "tw-sim-trading.h"

/* The control API under /_sim/ on every flavor's port: no auth, never logged. Errors
 * are {"error": "…"} with a sentence saying what to send instead. */

static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const char        *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  tw_sim_reply_builder (msg, status, b);
}

/* A string member, or NULL when absent or of another type. */
static const char *
get_str (JsonObject *obj,
         const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
get_true (JsonObject *obj,
          const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

static void
reply_empty (SoupServerMessage *msg)
{
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

/* ?flavor=X, checked; NULL (all) when absent. Returns FALSE after answering 400. */
static gboolean
get_flavor_filter (SoupServerMessage  *msg,
                   GHashTable         *query,
                   const char        **flavor)
{
  *flavor = query != NULL ? g_hash_table_lookup (query, "flavor") : NULL;
  if (*flavor != NULL && tw_sim_flavor_lookup (*flavor) == NULL)
    {
      g_autofree char *message =
        g_strdup_printf ("Unknown flavor “%s”: use investiq, ibkr-assistant, ai-trading, "
                         "autotrader or alpaca", *flavor);

      reply_error (msg, SOUP_STATUS_BAD_REQUEST, message);
      return FALSE;
    }
  return TRUE;
}

static void
post_fault (TwSim             *self,
            const TwSimFlavor *flavor,
            SoupServerMessage *msg)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  TwSimFault *fault = NULL;

  node = tw_sim_message_get_json (msg, &error);
  if (node != NULL)
    fault = tw_sim_faults_add_json (_tw_sim_get_faults (self), node, flavor->name, &error);
  if (fault == NULL)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST,
                   error != NULL ? error->message : "the fault was not added");
      return;
    }

  g_debug ("fault %u: %s on %s %s", fault->id, tw_sim_fault_kind_to_string (fault->kind),
           fault->flavor, fault->path);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, fault->id);
  json_builder_end_object (b);
  tw_sim_reply_builder (msg, SOUP_STATUS_CREATED, b);
}

static void
handle_faults (TwSim             *self,
               const TwSimFlavor *flavor,
               SoupServerMessage *msg,
               const char        *method,
               const char        *rest,
               GHashTable        *query)
{
  TwSimFaults *faults = _tw_sim_get_faults (self);
  const char *filter;

  if (*rest == '\0')
    {
      if (g_str_equal (method, "POST"))
        post_fault (self, flavor, msg);
      else if (g_str_equal (method, "GET"))
        {
          g_autoptr(JsonNode) list = NULL;

          if (!get_flavor_filter (msg, query, &filter))
            return;
          list = tw_sim_faults_to_json (faults, filter);
          tw_sim_reply_json (msg, SOUP_STATUS_OK, list);
        }
      else if (g_str_equal (method, "DELETE"))
        {
          if (!get_flavor_filter (msg, query, &filter))
            return;
          tw_sim_faults_clear (faults, filter);
          reply_empty (msg);
        }
      else
        reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
                     "/_sim/faults takes GET, POST or DELETE");
      return;
    }

  if (*rest == '/' && g_str_equal (method, "DELETE"))
    {
      guint64 id = 0;

      if (!g_ascii_string_to_unsigned (rest + 1, 10, 1, G_MAXUINT, &id, NULL))
        reply_error (msg, SOUP_STATUS_BAD_REQUEST,
                     "A fault id is a whole number, as returned by POST /_sim/faults");
      else if (!tw_sim_faults_remove (faults, id))
        reply_error (msg, SOUP_STATUS_NOT_FOUND,
                     "No such fault: it was never added, already cleared, or its count ran out");
      else
        reply_empty (msg);
      return;
    }

  reply_error (msg, *rest == '/' ? SOUP_STATUS_METHOD_NOT_ALLOWED : SOUP_STATUS_NOT_FOUND,
               "Use DELETE /_sim/faults/{id} to remove one fault");
}

static void
reply_health_state (TwSim             *self,
                    SoupServerMessage *msg,
                    const TwSimFlavor *flavor)
{
  g_autoptr(GPtrArray) components = tw_sim_firm_list_components (_tw_sim_get_firm (self),
                                                                 flavor->name);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "flavor");
  json_builder_add_string_value (b, flavor->name);
  json_builder_set_member_name (b, "components");
  json_builder_begin_array (b);
  for (guint i = 0; i < components->len; i++)
    {
      TwSimComponent *c = g_ptr_array_index (components, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, c->name);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, c->status);
      json_builder_set_member_name (b, "message");
      if (c->message != NULL)
        json_builder_add_string_value (b, c->message);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  tw_sim_reply_builder (msg, SOUP_STATUS_OK, b);
}

/* Accepts the flavor's own words and the generic ones (healthy/ok, degraded,
 * unhealthy/down/failing), so a test can say "unhealthy" to any flavor. */
static gboolean
resolve_status (const TwSimFlavor  *flavor,
                const char         *word,
                const char        **status,
                TwSimLevel         *level)
{
  static const char * const generic[][5] = {
    { "healthy", "ok", "up", NULL },
    { "degraded", "warning", NULL },
    { "unhealthy", "down", "failing", "failed", "error" },
  };

  for (guint i = 0; i < 3; i++)
    if (g_str_equal (word, flavor->levels[i]))
      {
        *status = flavor->levels[i];
        *level = i;
        return TRUE;
      }
  for (guint i = 0; flavor->extra_statuses != NULL && flavor->extra_statuses[i] != NULL; i++)
    if (g_str_equal (word, flavor->extra_statuses[i]))
      {
        *status = flavor->extra_statuses[i];
        *level = TW_SIM_LEVEL_BAD;
        return TRUE;
      }
  for (guint i = 0; i < 3; i++)
    for (guint j = 0; j < G_N_ELEMENTS (generic[i]) && generic[i][j] != NULL; j++)
      if (g_ascii_strcasecmp (word, generic[i][j]) == 0)
        {
          *status = flavor->levels[i];
          *level = i;
          return TRUE;
        }
  return FALSE;
}

static void
post_health (TwSim             *self,
             const TwSimFlavor *port_flavor,
             SoupServerMessage *msg)
{
  TwSimFirm *firm = _tw_sim_get_firm (self);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  const TwSimFlavor *flavor = port_flavor;
  TwSimComponent *component;
  JsonObject *obj;
  const char *name, *word, *message, *status;
  TwSimLevel level;

  node = tw_sim_message_get_json (msg, &error);
  if (node == NULL)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST,
                   "Send an object, e.g. {\"component\": \"broker\", \"status\": \"unhealthy\"}");
      return;
    }
  obj = json_node_get_object (node);

  name = get_str (obj, "flavor");
  if (name != NULL && (flavor = tw_sim_flavor_lookup (name)) == NULL)
    {
      g_autofree char *text =
        g_strdup_printf ("Unknown flavor “%s”: use investiq, ibkr-assistant, ai-trading, "
                         "autotrader or alpaca", name);

      reply_error (msg, SOUP_STATUS_BAD_REQUEST, text);
      return;
    }

  if (get_true (obj, "reset"))
    {
      tw_sim_firm_reset_components (firm, flavor->name);
      reply_health_state (self, msg, flavor);
      return;
    }

  name = get_str (obj, "component");
  word = get_str (obj, "status");
  message = get_str (obj, "message");
  component = name != NULL ? tw_sim_firm_get_component (firm, flavor->name, name) : NULL;
  if (component == NULL)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      g_string_append_printf (text, "%s “%s” component: it has",
                              name != NULL ? "Unknown" : "Name the", flavor->name);
      for (const TwSimComponentSpec *c = flavor->components; c->name != NULL; c++)
        g_string_append_printf (text, "%s %s", c == flavor->components ? "" : ",", c->name);
      reply_error (msg, name != NULL ? SOUP_STATUS_NOT_FOUND : SOUP_STATUS_BAD_REQUEST, text->str);
      return;
    }
  if (word == NULL || !resolve_status (flavor, word, &status, &level))
    {
      g_autofree char *text =
        g_strdup_printf ("Give a “status” for %s: %s, %s or %s (or healthy, degraded, unhealthy)",
                         flavor->name, flavor->levels[0], flavor->levels[1], flavor->levels[2]);

      reply_error (msg, SOUP_STATUS_BAD_REQUEST, text);
      return;
    }

  tw_sim_firm_set_component (firm, component, status, level, message);
  reply_health_state (self, msg, flavor);
}

static void
handle_health (TwSim             *self,
               const TwSimFlavor *flavor,
               SoupServerMessage *msg,
               const char        *method,
               GHashTable        *query)
{
  const char *filter;

  if (g_str_equal (method, "POST"))
    post_health (self, flavor, msg);
  else if (g_str_equal (method, "GET"))
    {
      if (get_flavor_filter (msg, query, &filter))
        reply_health_state (self, msg, filter != NULL ? tw_sim_flavor_lookup (filter) : flavor);
    }
  else
    reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "/_sim/health takes GET or POST");
}

static void
handle_requests (TwSim             *self,
                 SoupServerMessage *msg,
                 const char        *method,
                 GHashTable        *query)
{
  const char *filter;

  if (g_str_equal (method, "GET"))
    {
      g_autoptr(JsonNode) list = NULL;
      const char *since_text = query != NULL ? g_hash_table_lookup (query, "since") : NULL;
      const char *limit_text = query != NULL ? g_hash_table_lookup (query, "limit") : NULL;
      guint64 since = 0, limit = 0;

      if (!get_flavor_filter (msg, query, &filter))
        return;
      /* ?since=SEQ: only the entries after that sequence number (a reader that keeps
       * its place need not read the whole log again); ?limit=N: at most N of them
       * (the reader asks again from the last one's seq). */
      if (since_text != NULL &&
          !g_ascii_string_to_unsigned (since_text, 10, 0, G_MAXUINT64, &since, NULL))
        {
          reply_error (msg, SOUP_STATUS_BAD_REQUEST,
                       "since must be a sequence number (a non-negative integer)");
          return;
        }
      if (limit_text != NULL &&
          !g_ascii_string_to_unsigned (limit_text, 10, 1, G_MAXUINT, &limit, NULL))
        {
          reply_error (msg, SOUP_STATUS_BAD_REQUEST, "limit must be a positive integer");
          return;
        }
      list = tw_sim_log_to_json (_tw_sim_get_log (self), filter, since, (guint) limit);
      tw_sim_reply_json (msg, SOUP_STATUS_OK, list);
    }
  else if (g_str_equal (method, "DELETE"))
    {
      tw_sim_log_clear (_tw_sim_get_log (self));
      reply_empty (msg);
    }
  else
    reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "/_sim/requests takes GET or DELETE");
}

void
tw_sim_control_handle (TwSim             *self,
                       const TwSimFlavor *flavor,
                       SoupServerMessage *msg,
                       const char        *path,
                       GHashTable        *query)
{
  const char *method = soup_server_message_get_method (msg);

  if (g_str_has_prefix (path, "/_sim/faults") &&
      (path[12] == '\0' || path[12] == '/'))
    handle_faults (self, flavor, msg, method, path + 12, query);
  else if (g_str_equal (path, "/_sim/health"))
    handle_health (self, flavor, msg, method, query);
  else if (g_str_equal (path, "/_sim/requests"))
    handle_requests (self, msg, method, query);
  else if (g_str_equal (path, "/_sim/scenario"))
    tw_sim_scenario_handle (self, msg);
  else if (g_str_equal (path, "/_sim/config"))      /* positions and orders: the rate limit */
    tw_sim_trading_control_config (self, msg);
  else if (g_str_equal (path, "/_sim/state"))       /* what no runbook reads back */
    tw_sim_risk_control_state (self, msg);
  else if (g_str_has_prefix (path, "/_sim/keys") &&  /* key sets: rotation (issue 13) */
           (path[10] == '\0' || path[10] == '/'))
    tw_sim_keys_handle (self, flavor, msg, method, path + 10, query);
  else
    reply_error (msg, SOUP_STATUS_NOT_FOUND,
                 "Unknown simulator control path: use /_sim/faults, /_sim/health, "
                 "/_sim/requests or /_sim/scenario");
}
