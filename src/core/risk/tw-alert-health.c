/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tw-alert-private.h"
#include "tw-component.h"

/* The alerts a health answer calls for: a component the answer says is down or degraded
 * (the IBKR assistant's broker disconnected, InvestIQ's ml_service down), or the service
 * itself when no component explains it. How loud, and which runbook section tells what
 * to do, is the connector's "alerts" (tw-connector-alerts.c), never decided here. */

#define CATEGORY_SERVICE "x-tradewarden.service"

TwAlertSeverity
_tw_alert_severity_from_string (const char *severity)
{
  if (g_strcmp0 (severity, "critical") == 0)
    return TW_ALERT_CRITICAL;
  if (g_strcmp0 (severity, "info") == 0)
    return TW_ALERT_INFO;
  return TW_ALERT_WARNING;
}

char *
_tw_alert_runbook_line (TwConnector            *connector,
                        const TwComponentAlert *entry)
{
  if (connector == NULL || entry == NULL || tw_connector_get_runbook (connector) == NULL)
    return NULL;
  /* Translators: the runbook's title, then its section: "Runbook: IBKR AI Broker — Broker Disconnect" */
  return g_strdup_printf (_("Runbook: %s — %s"), tw_connector_get_runbook (connector), entry->section);
}

static TwAlert *
new_health_alert (TwService              *service,
                  TwConnector            *connector,
                  const TwComponentAlert *entry,
                  const char             *what,
                  TwHealth                health,
                  const char             *said)
{
  const char *service_id = tw_service_get_id (service);
  const char *name = tw_service_get_name (service) != NULL ? tw_service_get_name (service) : service_id;
  gboolean down = health == TW_HEALTH_DOWN;
  TwAlertSeverity severity = TW_ALERT_WARNING;
  g_autofree char *key = NULL;
  g_autofree char *title = NULL;
  g_autofree char *runbook = _tw_alert_runbook_line (connector, entry);
  g_autoptr(GString) body = g_string_new (NULL);

  if (entry != NULL)
    severity = _tw_alert_severity_from_string (down ? entry->down : entry->degraded);
  else if (!down)
    severity = TW_ALERT_INFO;

  key = g_strdup_printf ("health-%s:%s:%s", down ? "down" : "degraded", service_id,
                         what != NULL ? what : "");
  if (what != NULL)
    /* Translators: the service, then its component ("broker") */
    title = g_strdup_printf (down ? _("%s: %s is down") : _("%s: %s is degraded"), name, what);
  else
    title = g_strdup_printf (down ? _("%s reports itself down") : _("%s reports itself degraded"), name);

  if (said != NULL && *said != '\0')
    /* Translators: what the health answer said of it, e.g. "disconnected" */
    g_string_append_printf (body, _("Its health answer says: %s."), said);
  else
    g_string_append (body, down ? _("Its health answer says it is down.")
                                : _("Its health answer says it is degraded."));
  if (runbook != NULL)
    g_string_append_printf (body, "\n%s", runbook);
  else
    g_string_append (body, _("\nNo runbook section is known for it: check it before trusting "
                             "this service's trades."));

  return _tw_alert_new (key, severity, title, body->str, service_id, "overview",
                        severity == TW_ALERT_CRITICAL, CATEGORY_SERVICE);
}

/**
 * _tw_alert_health_conditions:
 * @connector: (nullable): the service's connector
 *
 * Returns: (transfer full) (element-type TwAlert) (nullable): the alerts @service's
 *   latest health answer calls for now (possibly none), or NULL when there is no answer
 *   to judge (never answered, or not answering now: what was last known stands)
 */
GPtrArray *
_tw_alert_health_conditions (TwService   *service,
                             TwConnector *connector)
{
  TwServiceState state = tw_service_get_state (service);
  GListModel *components = tw_service_get_components (service);
  GPtrArray *alerts;
  guint n = g_list_model_get_n_items (components);

  /* An answer that said so: OK, degraded, or down (an error state with no error of its
   * own: the body said "unhealthy"). */
  if (tw_service_get_last_success (service) == NULL || tw_service_get_last_error (service) != NULL ||
      (state != TW_SERVICE_STATE_OK && state != TW_SERVICE_STATE_DEGRADED && state != TW_SERVICE_STATE_ERROR))
    return NULL;

  alerts = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwComponent) component = g_list_model_get_item (components, i);
      TwHealth health = tw_component_get_health (component);
      const char *name = tw_component_get_name (component);
      const char *said = tw_component_get_detail (component) != NULL ? tw_component_get_detail (component)
                                                                     : tw_component_get_status (component);

      if (health != TW_HEALTH_DOWN && health != TW_HEALTH_DEGRADED)
        continue;
      g_ptr_array_add (alerts, new_health_alert (service, connector,
                                                 connector != NULL ? tw_connector_lookup_component_alert (connector, name) : NULL,
                                                 name, health, said));
    }

  if (alerts->len == 0 && state != TW_SERVICE_STATE_OK)
    g_ptr_array_add (alerts, new_health_alert (service, connector,
                                               connector != NULL ? tw_connector_get_service_alert (connector) : NULL,
                                               NULL,
                                               state == TW_SERVICE_STATE_ERROR ? TW_HEALTH_DOWN : TW_HEALTH_DEGRADED,
                                               tw_service_get_status_text (service)));
  return alerts;
}
