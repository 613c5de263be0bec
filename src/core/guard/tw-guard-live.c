/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-guard-live.h"

#include <glib/gi18n-lib.h>

/* A service vouches for its health only with an OK state from current data. */
static gboolean
service_green (TwService *service)
{
  return tw_service_get_state (service) == TW_SERVICE_STATE_OK && !tw_service_get_stale (service);
}

static const char *
service_word (TwService *service)
{
  if (tw_service_get_state (service) == TW_SERVICE_STATE_OK && tw_service_get_stale (service))
    return _("stale (no answer lately)");
  switch (tw_service_get_state (service))
    {
    case TW_SERVICE_STATE_UNKNOWN:     return _("not polled yet");
    case TW_SERVICE_STATE_OK:          return _("OK");
    case TW_SERVICE_STATE_DEGRADED:    return _("degraded");
    case TW_SERVICE_STATE_UNREACHABLE: return _("unreachable");
    case TW_SERVICE_STATE_AUTH_FAILED: return _("refusing our credentials");
    case TW_SERVICE_STATE_ERROR:       return _("answering with errors");
    default:                           return _("in an unknown state");
    }
}

/**
 * tw_guard_live_health_green:
 * @not_ok: (out) (optional) (transfer container) (element-type TwService)
 */
gboolean
tw_guard_live_health_green (TwWorkspace  *workspace,
                            GPtrArray   **not_ok)
{
  GListModel *services;
  g_autoptr(GPtrArray) bad = NULL;
  guint n;

  g_return_val_if_fail (TW_IS_WORKSPACE (workspace), FALSE);

  services = tw_workspace_get_services (workspace);
  n = g_list_model_get_n_items (services);
  bad = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);

      if (!service_green (service))
        g_ptr_array_add (bad, g_steal_pointer (&service));
    }

  if (not_ok != NULL)
    *not_ok = g_ptr_array_ref (bad);
  return n > 0 && bad->len == 0;
}

/* The component the connector names as the broker connection ("broker" by default;
 * InvestIQ's "alpaca"). */
static TwComponent *
find_broker_component (TwWorkspace *workspace,
                       TwService   *service)
{
  GListModel *components = tw_service_get_components (service);
  TwClient *client = tw_workspace_get_client (workspace, tw_service_get_id (service));
  const char *name = client != NULL
                     ? tw_connector_get_broker_component (tw_client_get_connector (client))
                     : "broker";
  guint n = g_list_model_get_n_items (components);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwComponent) component = g_list_model_get_item (components, i);

      if (g_ascii_strcasecmp (tw_component_get_name (component), name) == 0)
        return component;   /* the service's model keeps it alive */
    }
  return NULL;
}

static TwService *
find_service (TwWorkspace *workspace,
              const char  *id)
{
  GListModel *services = tw_workspace_get_services (workspace);
  guint n = g_list_model_get_n_items (services);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);

      if (g_strcmp0 (tw_service_get_id (service), id) == 0)
        return service;   /* the model keeps it alive */
    }
  return NULL;
}

/* The first service whose connector plays the broker ("roles": ["broker"]). */
static TwService *
find_broker_service (TwWorkspace *workspace)
{
  GListModel *services = tw_workspace_get_services (workspace);
  guint n = g_list_model_get_n_items (services);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      TwClient *client = tw_workspace_get_client (workspace, tw_service_get_id (service));

      if (client != NULL &&
          tw_connector_has_role (tw_client_get_connector (client), TW_CONNECTOR_ROLE_BROKER))
        return service;   /* the model keeps it alive */
    }
  return NULL;
}

/**
 * tw_guard_live_broker_connected:
 * @service_id: (nullable)
 * @source: (out) (optional) (transfer none) (nullable)
 * @component: (out) (optional) (transfer none) (nullable)
 */
gboolean
tw_guard_live_broker_connected (TwWorkspace  *workspace,
                                const char   *service_id,
                                TwService   **source,
                                TwComponent **component)
{
  TwService *service;
  TwComponent *broker_component = NULL;
  TwService *broker;

  g_return_val_if_fail (TW_IS_WORKSPACE (workspace), FALSE);

  if (source != NULL)
    *source = NULL;
  if (component != NULL)
    *component = NULL;

  /* The service's own view of its broker first: it is the connection that trades. */
  service = service_id != NULL ? find_service (workspace, service_id) : NULL;
  if (service != NULL)
    broker_component = find_broker_component (workspace, service);
  if (broker_component != NULL)
    {
      if (source != NULL)
        *source = service;
      if (component != NULL)
        *component = broker_component;
      return tw_component_get_health (broker_component) == TW_HEALTH_OK
             && tw_service_get_state (service) != TW_SERVICE_STATE_UNREACHABLE
             && !tw_service_get_stale (service);
    }

  broker = find_broker_service (workspace);
  if (source != NULL)
    *source = broker;
  return broker != NULL && service_green (broker);
}

static void
append_sentence (GString    *str,
                 const char *text)
{
  if (str->len > 0)
    g_string_append (str, "; ");
  g_string_append (str, text);
}

char *
tw_guard_live_apply (TwGuardRequest *request,
                     TwWorkspace    *workspace,
                     const char     *service_id)
{
  GPtrArray *checklist;
  g_autoptr(GString) unmet = NULL;

  g_return_val_if_fail (TW_IS_GUARD_REQUEST (request), NULL);
  g_return_val_if_fail (workspace == NULL || TW_IS_WORKSPACE (workspace), NULL);

  unmet = g_string_new (NULL);
  checklist = tw_guard_request_get_checklist (request);
  for (guint i = 0; i < checklist->len; i++)
    {
      const char *id = g_ptr_array_index (checklist, i);
      gboolean ok = FALSE;

      if (!tw_guard_check_is_automatic (id))
        continue;

      if (workspace == NULL)
        append_sentence (unmet, _("no profile is open to check the services"));
      else if (g_str_equal (id, TW_GUARD_CHECK_HEALTH_GREEN))
        {
          g_autoptr(GPtrArray) bad = NULL;

          ok = tw_guard_live_health_green (workspace, &bad);
          if (!ok && bad->len == 0)
            append_sentence (unmet, _("the profile has no services to check"));
          for (guint j = 0; !ok && j < bad->len; j++)
            {
              TwService *service = g_ptr_array_index (bad, j);
              g_autofree char *text = g_strdup_printf (_("%s is %s"), tw_service_get_name (service),
                                                       service_word (service));

              append_sentence (unmet, text);
            }
        }
      else if (g_str_equal (id, TW_GUARD_CHECK_BROKER_CONNECTED))
        {
          TwService *source = NULL;
          TwComponent *component = NULL;

          ok = tw_guard_live_broker_connected (workspace, service_id, &source, &component);
          if (!ok)
            {
              g_autofree char *text = NULL;

              if (component != NULL && tw_component_get_health (component) == TW_HEALTH_OK)
                text = g_strdup_printf (_("%s is %s, so its broker cannot be confirmed"),
                                        tw_service_get_name (source), service_word (source));
              else if (component != NULL)
                text = g_strdup_printf (_("%s reports its broker %s"), tw_service_get_name (source),
                                        tw_health_to_string (tw_component_get_health (component)));
              else if (source != NULL)
                text = g_strdup_printf (_("the broker %s is %s"), tw_service_get_name (source),
                                        service_word (source));
              else
                text = g_strdup (_("no broker is known: the service reports none and the "
                                   "profile has no broker service"));
              append_sentence (unmet, text);
            }
        }
      else
        append_sentence (unmet, _("an automatic check this console does not know is not met"));

      tw_guard_request_set_checked (request, id, ok);
    }

  if (unmet->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&unmet), FALSE);
}
