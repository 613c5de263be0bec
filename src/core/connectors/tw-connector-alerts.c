/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tw-connector-private.h"

/* "alerts": what the system's runbook says of its health going down, so the alert the
 * console raises names the runbook's section and is as loud as the runbook says:
 *
 *   "alerts": {
 *     "runbook": "IBKR AI Broker",
 *     "service": { "down": "critical", "section": "…" },
 *     "components": {
 *       "broker": { "down": "critical", "degraded": "warning",
 *                   "section": "Alert Scenarios: 1. Broker Disconnect" }
 *     },
 *     "breakers": { "section": "Circuit Breaker Trips" }
 *   }
 *
 * Severities are "info", "warning" or "critical"; "degraded" defaults to "warning", never
 * louder than "down". A component the runbook does not name still raises an alert (a
 * warning), without a section. */

static const char * const severities[] = { "info", "warning", "critical", NULL };

static void
component_alert_free (TwComponentAlert *alert)
{
  if (alert == NULL)
    return;
  g_free (alert->name);
  g_free (alert->down);
  g_free (alert->degraded);
  g_free (alert->section);
  g_free (alert);
}

void
_tw_connector_init_alerts (TwConnector *self)
{
  self->component_alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) component_alert_free);
}

void
_tw_connector_clear_alerts (TwConnector *self)
{
  g_clear_pointer (&self->runbook, g_free);
  g_clear_pointer (&self->component_alerts, g_ptr_array_unref);
  g_clear_pointer (&self->service_alert, component_alert_free);
  g_clear_pointer (&self->breaker_alert, component_alert_free);
}

static guint
severity_index (const char *severity)
{
  for (guint i = 0; severities[i] != NULL; i++)
    if (g_strcmp0 (severities[i], severity) == 0)
      return i;
  return G_MAXUINT;
}

static gboolean
check_severity (TwLoadContext *ctx,
                const char    *where,
                const char    *key,
                const char    *value)
{
  g_autofree char *list = NULL;

  if (value == NULL || severity_index (value) != G_MAXUINT)
    return TRUE;
  list = g_strjoinv (", ", (char **) severities);
  return _tw_load_fail (ctx, _("%s: \"%s\" is \"%s\" (expected one of %s)"), where, key, value, list);
}

/* One entry: { "down", "degraded", "section" }; a "breakers" entry has a section only. */
static TwComponentAlert *
load_entry (TwLoadContext *ctx,
            JsonNode      *node,
            const char    *name,
            const char    *where,
            gboolean       severities_allowed)
{
  static const char * const keys[] = { "down", "degraded", "section", NULL };
  static const char * const breaker_keys[] = { "section", NULL };
  JsonObject *object;
  const char *down = NULL, *degraded = NULL, *section = NULL;
  TwComponentAlert *alert;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      _tw_load_fail (ctx, _("%s must be an object, not %s"), where, _tw_load_json_kind (node));
      return NULL;
    }
  object = json_node_get_object (node);
  if (!_tw_load_check_keys (ctx, object, where, severities_allowed ? keys : breaker_keys) ||
      !_tw_load_get_string (ctx, object, "down", where, &down) ||
      !_tw_load_get_string (ctx, object, "degraded", where, &degraded) ||
      !_tw_load_get_string (ctx, object, "section", where, &section) ||
      !check_severity (ctx, where, "down", down) ||
      !check_severity (ctx, where, "degraded", degraded))
    return NULL;
  if (section == NULL || *section == '\0')
    {
      _tw_load_fail (ctx, _("%s: \"section\" is missing (the runbook's section that says what to do)"), where);
      return NULL;
    }

  alert = g_new0 (TwComponentAlert, 1);
  alert->name = g_strdup (name);
  alert->down = g_strdup (down != NULL ? down : "warning");
  if (degraded == NULL)
    degraded = severity_index (alert->down) < severity_index ("warning") ? alert->down : "warning";
  else if (severity_index (degraded) > severity_index (alert->down))
    degraded = alert->down;
  alert->degraded = g_strdup (degraded);
  alert->section = g_strdup (section);
  return alert;
}

gboolean
_tw_connector_load_alerts (TwConnector   *self,
                           TwLoadContext *ctx,
                           JsonNode      *node)
{
  static const char * const keys[] = { "runbook", "service", "components", "breakers", NULL };
  JsonObject *object;
  const char *runbook = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _tw_load_fail (ctx, _("\"alerts\" must be an object, not %s"), _tw_load_json_kind (node));
  object = json_node_get_object (node);
  if (!_tw_load_check_keys (ctx, object, "\"alerts\"", keys) ||
      !_tw_load_get_string (ctx, object, "runbook", "\"alerts\"", &runbook))
    return FALSE;
  if (runbook == NULL || *runbook == '\0')
    return _tw_load_fail (ctx, _("\"alerts\": \"runbook\" is missing (the runbook its sections are in)"));
  self->runbook = g_strdup (runbook);

  if (json_object_has_member (object, "service") &&
      (self->service_alert = load_entry (ctx, json_object_get_member (object, "service"), NULL,
                                         "\"alerts\".\"service\"", TRUE)) == NULL)
    return FALSE;
  if (json_object_has_member (object, "breakers") &&
      (self->breaker_alert = load_entry (ctx, json_object_get_member (object, "breakers"), NULL,
                                         "\"alerts\".\"breakers\"", FALSE)) == NULL)
    return FALSE;

  if (json_object_has_member (object, "components"))
    {
      JsonNode *components = json_object_get_member (object, "components");
      g_autoptr(GList) members = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (components))
        return _tw_load_fail (ctx, _("\"alerts\".\"components\" must be an object, not %s"),
                              _tw_load_json_kind (components));
      members = json_object_get_members (json_node_get_object (components));
      for (const GList *l = members; l != NULL; l = l->next)
        {
          const char *name = l->data;
          g_autofree char *where = NULL;
          TwComponentAlert *alert;

          if (name[0] == '_')
            continue;
          where = g_strdup_printf ("\"alerts\".\"components\".\"%s\"", name);
          alert = load_entry (ctx, json_object_get_member (json_node_get_object (components), name),
                              name, where, TRUE);
          if (alert == NULL)
            return FALSE;
          g_ptr_array_add (self->component_alerts, alert);
        }
    }
  return TRUE;
}

const char *
tw_connector_get_runbook (TwConnector *self)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);

  return self->runbook;
}

const TwComponentAlert *
tw_connector_lookup_component_alert (TwConnector *self,
                                     const char  *name)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->component_alerts->len; i++)
    {
      const TwComponentAlert *alert = g_ptr_array_index (self->component_alerts, i);

      if (g_strcmp0 (alert->name, name) == 0)
        return alert;
    }
  return NULL;
}

const TwComponentAlert *
tw_connector_get_service_alert (TwConnector *self)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);

  return self->service_alert;
}

const TwComponentAlert *
tw_connector_get_breaker_alert (TwConnector *self)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);

  return self->breaker_alert;
}
