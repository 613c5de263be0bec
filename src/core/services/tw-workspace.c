/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-workspace.h"

#include <glib/gi18n-lib.h>

#include "tw-component.h"
#include "tw-error.h"

#define HEALTH_OPERATION "health"
/* The first polls of a workspace are spread over at most this. */
#define STAGGER_MAX_MS   1000

struct _TwWorkspace
{
  GObject              parent_instance;

  TwProfile           *profile;
  TwConnectorRegistry *registry;
  TwHttp              *http;
  TwSecrets           *secrets;
  guint                poll_interval_ms;
  gboolean             running;

  /* TwService* → Entry*, for every service of the profile */
  GHashTable          *entries;
  /* service id (the service's own string) → Entry*: the lookups by id, which the
   * alert engine makes for every service every second */
  GHashTable          *by_id;
  gulong               items_changed_id;
};

/* One service at work. */
typedef struct
{
  TwWorkspace *workspace;   /* unowned: the workspace owns the entry */
  TwService   *service;
  TwConnector *connector;   /* NULL when not installed */
  TwClient    *client;
  TwPoller    *poller;
  gulong       connector_changed_id;
  guint64      mapped_hash;  /* body hash of the last health answer mapped, 0 when none */
} Entry;

G_DEFINE_FINAL_TYPE (TwWorkspace, tw_workspace, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PROFILE,
  PROP_HTTP,
  PROP_SECRETS,
  PROP_REGISTRY,
  PROP_POLL_INTERVAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void sync_services (TwWorkspace *self);

static void
entry_free (gpointer data)
{
  Entry *entry = data;
  GHashTable *by_id = entry->workspace->by_id;
  const char *id = tw_service_get_id (entry->service);

  if (id != NULL && g_hash_table_lookup (by_id, id) == entry)
    g_hash_table_remove (by_id, id);
  if (entry->poller != NULL)
    {
      g_signal_handlers_disconnect_by_data (entry->poller, entry);
      tw_poller_stop (entry->poller);
    }
  g_clear_signal_handler (&entry->connector_changed_id, entry->service);
  g_clear_object (&entry->poller);
  g_clear_object (&entry->client);
  g_clear_object (&entry->connector);
  g_clear_object (&entry->service);
  g_free (entry);
}

static void
on_health_succeeded (TwPoller       *poller,
                     JsonNode       *body,
                     TwHttpResponse *response,
                     Entry          *entry)
{
  const TwOperation *op = tw_connector_get_operation (entry->connector, HEALTH_OPERATION);
  g_autoptr(GListStore) store = NULL;
  g_autoptr(GPtrArray) components = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  JsonNode *selected;
  TwHealth health;
  guint n;
  guint64 hash = 0;

  /* What the mapping reads, not the whole body: a health answer's timestamp or uptime
   * changes every second, what it says of the service seldom. No body hash (the
   * steps of a commands connector): always mapped. */
  if (tw_poller_get_body_hash (poller) != 0)
    hash = tw_operation_hash_health_input (op, body);

  /* An answer that maps as the one mapped last time, and no failure since: nothing
   * to map again. */
  if (hash != 0 && hash == entry->mapped_hash && tw_service_get_last_error (entry->service) == NULL)
    {
      tw_service_apply_health_unchanged (entry->service,
                                         tw_http_response_get_latency_us (response) / 1000.0);
      return;
    }
  entry->mapped_hash = 0;

  store = g_list_store_new (TW_TYPE_COMPONENT);
  selected = tw_operation_select (op, body, &error);
  if (selected == NULL ||
      !tw_operation_map_object (op, selected, G_OBJECT (entry->service), &error) ||
      (!tw_operation_map_components (op, body, store, &error) && error != NULL))
    {
      tw_service_apply_error (entry->service, error);
      return;
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (store));
  components = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (components, g_list_model_get_item (G_LIST_MODEL (store), i));

  health = tw_operation_eval_health (op, body, &detail);
  tw_service_apply_health (entry->service, health,
                           detail,
                           tw_http_response_get_latency_us (response) / 1000.0,
                           components);
  entry->mapped_hash = hash;
}

static void
on_health_failed (TwPoller *poller,
                  GError   *error,
                  Entry    *entry)
{
  entry->mapped_hash = 0;
  tw_service_apply_error (entry->service, error);
}

static void
on_poller_stale (TwPoller   *poller,
                 GParamSpec *pspec,
                 Entry      *entry)
{
  tw_service_set_stale (entry->service, tw_poller_get_stale (poller));
}

/* Makes the client and the health poller of @entry from its connector, or puts
 * the service in error when that cannot be done. */
static void
entry_setup (Entry *entry)
{
  TwWorkspace *self = entry->workspace;
  const char *connector_id = tw_service_get_connector_id (entry->service);
  g_autoptr(GError) error = NULL;
  TwConnector *connector = NULL;

  if (connector_id != NULL)
    connector = tw_connector_registry_lookup (self->registry, connector_id);

  if (connector == NULL)
    {
      g_set_error (&error, TW_ERROR, TW_ERROR_UNSUPPORTED,
                   _("The connector “%s” of %s is not installed. Put its file in "
                     "~/.config/tradewarden/connectors/ or choose another connector "
                     "in the profile editor."),
                   connector_id != NULL ? connector_id : "",
                   tw_service_get_name (entry->service));
      tw_service_apply_error (entry->service, error);
      return;
    }

  entry->connector = g_object_ref (connector);
  entry->client = tw_client_new (self->http, self->secrets, connector,
                                 tw_profile_get_name (self->profile), entry->service);

  if (!tw_connector_has_operation (connector, HEALTH_OPERATION))
    {
      g_set_error (&error, TW_ERROR, TW_ERROR_UNSUPPORTED,
                   _("The connector “%s” has no “health” operation, so the state of %s "
                     "cannot be checked. Add one to the connector."),
                   connector_id, tw_service_get_name (entry->service));
      tw_service_apply_error (entry->service, error);
      return;
    }

  entry->poller = tw_poller_new (entry->client, HEALTH_OPERATION, self->poll_interval_ms);
  g_signal_connect (entry->poller, "succeeded", G_CALLBACK (on_health_succeeded), entry);
  g_signal_connect (entry->poller, "failed", G_CALLBACK (on_health_failed), entry);
  g_signal_connect (entry->poller, "notify::stale", G_CALLBACK (on_poller_stale), entry);

  if (self->running)
    tw_poller_start (entry->poller);
}

static void
entry_teardown (Entry *entry)
{
  if (entry->poller != NULL)
    {
      g_signal_handlers_disconnect_by_data (entry->poller, entry);
      tw_poller_stop (entry->poller);
    }
  g_clear_object (&entry->poller);
  g_clear_object (&entry->client);
  g_clear_object (&entry->connector);
}

static void
on_connector_id_changed (TwService  *service,
                         GParamSpec *pspec,
                         Entry      *entry)
{
  entry_teardown (entry);
  entry_setup (entry);
}

static void
add_entry (TwWorkspace *self,
           TwService   *service)
{
  Entry *entry = g_new0 (Entry, 1);
  const char *id = tw_service_get_id (service);

  entry->workspace = self;
  entry->service = g_object_ref (service);
  g_hash_table_insert (self->entries, service, entry);
  /* Ids are construct-only; with two services of one id, the first one is found. */
  if (id != NULL && !g_hash_table_contains (self->by_id, id))
    g_hash_table_insert (self->by_id, (gpointer) id, entry);
  entry->connector_changed_id =
    g_signal_connect (service, "notify::connector-id", G_CALLBACK (on_connector_id_changed), entry);
  entry_setup (entry);
}

/* Brings the entries in line with the profile's services: new ones get a client
 * and a poller (started if the workspace runs), removed ones are stopped. */
static void
sync_services (TwWorkspace *self)
{
  GListModel *services = tw_profile_get_services (self->profile);
  g_autoptr(GHashTable) present = g_hash_table_new (NULL, NULL);
  guint n = g_list_model_get_n_items (services);
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);

      g_hash_table_add (present, service);
      if (!g_hash_table_contains (self->entries, service))
        add_entry (self, service);
    }

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (present, key))
      g_hash_table_iter_remove (&iter);
}

static void
on_services_changed (GListModel  *model,
                     guint        position,
                     guint        removed,
                     guint        added,
                     TwWorkspace *self)
{
  sync_services (self);
}

static void
tw_workspace_constructed (GObject *object)
{
  TwWorkspace *self = TW_WORKSPACE (object);

  G_OBJECT_CLASS (tw_workspace_parent_class)->constructed (object);

  g_return_if_fail (TW_IS_PROFILE (self->profile));
  g_return_if_fail (TW_IS_CONNECTOR_REGISTRY (self->registry));
  g_return_if_fail (TW_IS_HTTP (self->http));
  g_return_if_fail (TW_IS_SECRETS (self->secrets));

  self->items_changed_id =
    g_signal_connect (tw_profile_get_services (self->profile), "items-changed",
                      G_CALLBACK (on_services_changed), self);
  sync_services (self);
}

static void
tw_workspace_dispose (GObject *object)
{
  TwWorkspace *self = TW_WORKSPACE (object);

  self->running = FALSE;
  if (self->profile != NULL)
    g_clear_signal_handler (&self->items_changed_id, tw_profile_get_services (self->profile));
  if (self->entries != NULL)
    g_hash_table_remove_all (self->entries);

  g_clear_object (&self->profile);
  g_clear_object (&self->registry);
  g_clear_object (&self->http);
  g_clear_object (&self->secrets);

  G_OBJECT_CLASS (tw_workspace_parent_class)->dispose (object);
}

static void
tw_workspace_finalize (GObject *object)
{
  TwWorkspace *self = TW_WORKSPACE (object);

  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);

  G_OBJECT_CLASS (tw_workspace_parent_class)->finalize (object);
}

static void
tw_workspace_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TwWorkspace *self = TW_WORKSPACE (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;
    case PROP_HTTP:
      g_value_set_object (value, self->http);
      break;
    case PROP_SECRETS:
      g_value_set_object (value, self->secrets);
      break;
    case PROP_REGISTRY:
      g_value_set_object (value, self->registry);
      break;
    case PROP_POLL_INTERVAL:
      g_value_set_uint (value, self->poll_interval_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_workspace_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  TwWorkspace *self = TW_WORKSPACE (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      self->profile = g_value_dup_object (value);
      break;
    case PROP_HTTP:
      self->http = g_value_dup_object (value);
      break;
    case PROP_SECRETS:
      self->secrets = g_value_dup_object (value);
      break;
    case PROP_REGISTRY:
      self->registry = g_value_dup_object (value);
      break;
    case PROP_POLL_INTERVAL:
      tw_workspace_set_poll_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_workspace_class_init (TwWorkspaceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = tw_workspace_constructed;
  object_class->dispose = tw_workspace_dispose;
  object_class->finalize = tw_workspace_finalize;
  object_class->get_property = tw_workspace_get_property;
  object_class->set_property = tw_workspace_set_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, TW_TYPE_PROFILE, construct);
  properties[PROP_HTTP] =
    g_param_spec_object ("http", NULL, NULL, TW_TYPE_HTTP, construct);
  properties[PROP_SECRETS] =
    g_param_spec_object ("secrets", NULL, NULL, TW_TYPE_SECRETS, construct);
  properties[PROP_REGISTRY] =
    g_param_spec_object ("registry", NULL, NULL, TW_TYPE_CONNECTOR_REGISTRY, construct);
  properties[PROP_POLL_INTERVAL] =
    g_param_spec_uint ("poll-interval", NULL, NULL, 1, G_MAXUINT, TW_POLLER_DEFAULT_INTERVAL_MS,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_workspace_init (TwWorkspace *self)
{
  self->poll_interval_ms = TW_POLLER_DEFAULT_INTERVAL_MS;
  self->entries = g_hash_table_new_full (NULL, NULL, NULL, entry_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

/**
 * tw_workspace_new:
 *
 * Returns: (transfer full): a stopped workspace for @profile
 */
TwWorkspace *
tw_workspace_new (TwProfile           *profile,
                  TwConnectorRegistry *registry,
                  TwHttp              *http,
                  TwSecrets           *secrets)
{
  g_return_val_if_fail (TW_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (TW_IS_CONNECTOR_REGISTRY (registry), NULL);
  g_return_val_if_fail (TW_IS_HTTP (http), NULL);
  g_return_val_if_fail (TW_IS_SECRETS (secrets), NULL);

  return g_object_new (TW_TYPE_WORKSPACE,
                       "profile", profile,
                       "registry", registry,
                       "http", http,
                       "secrets", secrets,
                       NULL);
}

/** tw_workspace_get_profile: Returns: (transfer none) */
TwProfile *
tw_workspace_get_profile (TwWorkspace *self)
{
  g_return_val_if_fail (TW_IS_WORKSPACE (self), NULL);

  return self->profile;
}

/** tw_workspace_get_http: Returns: (transfer none) */
TwHttp *
tw_workspace_get_http (TwWorkspace *self)
{
  g_return_val_if_fail (TW_IS_WORKSPACE (self), NULL);

  return self->http;
}

/** tw_workspace_get_secrets: Returns: (transfer none) */
TwSecrets *
tw_workspace_get_secrets (TwWorkspace *self)
{
  g_return_val_if_fail (TW_IS_WORKSPACE (self), NULL);

  return self->secrets;
}

GListModel *
tw_workspace_get_services (TwWorkspace *self)
{
  g_return_val_if_fail (TW_IS_WORKSPACE (self), NULL);

  return tw_profile_get_services (self->profile);
}

static Entry *
lookup_entry (TwWorkspace *self,
              const char  *service_id)
{
  Entry *entry = g_hash_table_lookup (self->by_id, service_id);
  GHashTableIter iter;
  gpointer value;

  if (entry != NULL)
    return entry;
  /* Not indexed: none, or the second service of an id whose first one left. */
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      entry = value;
      if (g_strcmp0 (tw_service_get_id (entry->service), service_id) == 0)
        {
          g_hash_table_insert (self->by_id, (gpointer) tw_service_get_id (entry->service), entry);
          return entry;
        }
    }
  return NULL;
}

/**
 * tw_workspace_get_client:
 *
 * Returns: (transfer none) (nullable): the client of @service_id
 */
TwClient *
tw_workspace_get_client (TwWorkspace *self,
                         const char  *service_id)
{
  Entry *entry;

  g_return_val_if_fail (TW_IS_WORKSPACE (self), NULL);
  g_return_val_if_fail (service_id != NULL, NULL);

  entry = lookup_entry (self, service_id);
  return entry != NULL ? entry->client : NULL;
}

/**
 * tw_workspace_get_health_poller:
 *
 * Returns: (transfer none) (nullable): the health poller of @service_id, NULL when
 *   its connector is missing or has no health operation
 */
TwPoller *
tw_workspace_get_health_poller (TwWorkspace *self,
                                const char  *service_id)
{
  Entry *entry;

  g_return_val_if_fail (TW_IS_WORKSPACE (self), NULL);
  g_return_val_if_fail (service_id != NULL, NULL);

  entry = lookup_entry (self, service_id);
  return entry != NULL ? entry->poller : NULL;
}

void
tw_workspace_start (TwWorkspace *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0, i = 0;
  guint spread_ms;

  g_return_if_fail (TW_IS_WORKSPACE (self));

  if (self->running)
    return;
  self->running = TRUE;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Entry *) value)->poller != NULL)
      n++;

  /* The first polls are spread over the interval (at most STAGGER_MAX_MS, so a
   * long interval does not keep services waiting for a first answer): the polls,
   * which keep their cadence, then stay spread instead of coming in one burst. */
  spread_ms = MIN (self->poll_interval_ms, STAGGER_MAX_MS);
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;

      if (entry->poller == NULL)
        continue;
      tw_poller_start_delayed (entry->poller, (guint) ((guint64) spread_ms * i / n));
      i++;
    }
}

void
tw_workspace_stop (TwWorkspace *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (TW_IS_WORKSPACE (self));

  self->running = FALSE;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;

      if (entry->poller != NULL)
        tw_poller_stop (entry->poller);
    }
}

void
tw_workspace_refresh (TwWorkspace *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (TW_IS_WORKSPACE (self));

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;

      if (entry->poller != NULL)
        tw_poller_poll_now (entry->poller);
    }
}

/* After the profile editor stored new secrets: every client looks them up again. */
void
tw_workspace_reset_secrets (TwWorkspace *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (TW_IS_WORKSPACE (self));

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;

      if (entry->client != NULL)
        tw_client_reset_secrets (entry->client);
    }
}

guint
tw_workspace_get_poll_interval (TwWorkspace *self)
{
  g_return_val_if_fail (TW_IS_WORKSPACE (self), 0);

  return self->poll_interval_ms;
}

void
tw_workspace_set_poll_interval (TwWorkspace *self,
                                guint        interval_ms)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (TW_IS_WORKSPACE (self));
  g_return_if_fail (interval_ms > 0);

  if (self->poll_interval_ms == interval_ms)
    return;
  self->poll_interval_ms = interval_ms;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;

      if (entry->poller != NULL)
        tw_poller_set_interval (entry->poller, interval_ms);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLL_INTERVAL]);
}
