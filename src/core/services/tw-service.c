/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-service.h"

#include "tw-clock.h"
#include "tw-component.h"
#include "tw-enum-types.h"
#include "tw-error.h"
#include "tw-util.h"

struct _TwService
{
  GObject         parent_instance;

  /* configuration */
  char           *id;
  char           *name;         /* NULL: the id stands for it */
  char           *connector_id;
  char           *base_url;

  /* live health */
  TwServiceState  state;
  double          latency_ms;
  /* The latencies of the last answers in a row (a failed poll empties it), oldest
   * overwritten first, and their median. */
  double          recent_ms[TW_SERVICE_LATENCY_WINDOW];
  guint           n_recent;
  guint           next_recent;
  double          median_ms;
  GDateTime      *last_success;
  char           *last_error;
  gboolean        stale;
  char           *version;
  char           *status_text;
  GListStore     *components;
  guint           slow_ms;
  char           *env_file;     /* the flags issue: the service's .env, read-only */
  char           *flags_file;   /* its feature_flags.json, read-only */
  int             last_error_code;  /* TW_ERROR code of the last failed poll, -1 none */
  TwHealth        last_health;      /* of the last tw_service_apply_health() */
  gboolean        parts_unhealthy;  /* a component of that answer down or degraded */
  GHashTable     *settings;         /* profile key → value, the connector's own keys */
  gboolean        host_commands;    /* its profile's HostCommands */
};

G_DEFINE_FINAL_TYPE (TwService, tw_service, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_CONNECTOR_ID,
  PROP_BASE_URL,
  PROP_STATE,
  PROP_LATENCY_MS,
  PROP_LATENCY_MEDIAN_MS,
  PROP_LAST_SUCCESS,
  PROP_LAST_ERROR,
  PROP_STALE,
  PROP_VERSION,
  PROP_STATUS_TEXT,
  PROP_COMPONENTS,
  PROP_SLOW_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* GLib 2.74 has no g_set_str. */
static void
tw_service_finalize (GObject *object)
{
  TwService *self = TW_SERVICE (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->connector_id, g_free);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->env_file, g_free);
  g_clear_pointer (&self->flags_file, g_free);
  g_clear_pointer (&self->last_success, g_date_time_unref);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->version, g_free);
  g_clear_pointer (&self->status_text, g_free);
  g_clear_object (&self->components);
  g_clear_pointer (&self->settings, g_hash_table_unref);

  G_OBJECT_CLASS (tw_service_parent_class)->finalize (object);
}

static void
tw_service_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  TwService *self = TW_SERVICE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, tw_service_get_name (self));
      break;
    case PROP_CONNECTOR_ID:
      g_value_set_string (value, self->connector_id);
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_LATENCY_MS:
      g_value_set_double (value, self->latency_ms);
      break;
    case PROP_LATENCY_MEDIAN_MS:
      g_value_set_double (value, self->median_ms);
      break;
    case PROP_LAST_SUCCESS:
      g_value_set_boxed (value, self->last_success);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_STALE:
      g_value_set_boolean (value, self->stale);
      break;
    case PROP_VERSION:
      g_value_set_string (value, self->version);
      break;
    case PROP_STATUS_TEXT:
      g_value_set_string (value, self->status_text);
      break;
    case PROP_COMPONENTS:
      g_value_set_object (value, self->components);
      break;
    case PROP_SLOW_MS:
      g_value_set_uint (value, self->slow_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_service_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  TwService *self = TW_SERVICE (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_NAME:
      tw_service_set_name (self, g_value_get_string (value));
      break;
    case PROP_CONNECTOR_ID:
      tw_service_set_connector_id (self, g_value_get_string (value));
      break;
    case PROP_BASE_URL:
      tw_service_set_base_url (self, g_value_get_string (value));
      break;
    case PROP_STALE:
      tw_service_set_stale (self, g_value_get_boolean (value));
      break;
    case PROP_VERSION:
      tw_service_set_version (self, g_value_get_string (value));
      break;
    case PROP_STATUS_TEXT:
      tw_service_set_status_text (self, g_value_get_string (value));
      break;
    case PROP_SLOW_MS:
      tw_service_set_slow_ms (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_service_class_init (TwServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tw_service_finalize;
  object_class->get_property = tw_service_get_property;
  object_class->set_property = tw_service_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, rw);
  properties[PROP_CONNECTOR_ID] =
    g_param_spec_string ("connector-id", NULL, NULL, NULL, rw);
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL, rw);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       TW_TYPE_SERVICE_STATE, TW_SERVICE_STATE_UNKNOWN, ro);
  properties[PROP_LATENCY_MS] =
    g_param_spec_double ("latency-ms", NULL, NULL, -1.0, G_MAXDOUBLE, -1.0, ro);
  properties[PROP_LATENCY_MEDIAN_MS] =
    g_param_spec_double ("latency-median-ms", NULL, NULL, -1.0, G_MAXDOUBLE, -1.0, ro);
  properties[PROP_LAST_SUCCESS] =
    g_param_spec_boxed ("last-success", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL, ro);
  properties[PROP_STALE] =
    g_param_spec_boolean ("stale", NULL, NULL, FALSE, rw);
  /* version and status-text are writable: connectors map them by name. */
  properties[PROP_VERSION] =
    g_param_spec_string ("version", NULL, NULL, NULL, rw);
  properties[PROP_STATUS_TEXT] =
    g_param_spec_string ("status-text", NULL, NULL, NULL, rw);
  properties[PROP_COMPONENTS] =
    g_param_spec_object ("components", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  properties[PROP_SLOW_MS] =
    g_param_spec_uint ("slow-ms", NULL, NULL, 0, G_MAXUINT, TW_SERVICE_DEFAULT_SLOW_MS, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_service_init (TwService *self)
{
  self->state = TW_SERVICE_STATE_UNKNOWN;
  self->latency_ms = -1.0;
  self->median_ms = -1.0;
  self->slow_ms = TW_SERVICE_DEFAULT_SLOW_MS;
  self->last_error_code = -1;
  self->components = g_list_store_new (TW_TYPE_COMPONENT);
}

/**
 * tw_service_new:
 * @id: the service's id within its profile
 * @connector_id: (nullable): the id of the connector that speaks to it
 * @base_url: (nullable): e.g. "http://127.0.0.1:3000"
 *
 * Returns: (transfer full): a new service, named after its id, state unknown
 */
TwService *
tw_service_new (const char *id,
                const char *connector_id,
                const char *base_url)
{
  g_return_val_if_fail (id != NULL, NULL);

  return g_object_new (TW_TYPE_SERVICE,
                       "id", id,
                       "connector-id", connector_id,
                       "base-url", base_url,
                       NULL);
}

const char *
tw_service_get_id (TwService *self)
{
  g_return_val_if_fail (TW_IS_SERVICE (self), NULL);

  return self->id;
}

const char *
tw_service_get_name (TwService *self)
{
  g_return_val_if_fail (TW_IS_SERVICE (self), NULL);

  return self->name != NULL ? self->name : self->id;
}

/* @name NULL or empty: the service is named after its id again. */
void
tw_service_set_name (TwService  *self,
                     const char *name)
{
  g_autofree char *before = NULL;

  g_return_if_fail (TW_IS_SERVICE (self));

  if (name != NULL && *name == '\0')
    name = NULL;
  before = g_strdup (tw_service_get_name (self));
  tw_set_str (&self->name, name);
  if (g_strcmp0 (before, tw_service_get_name (self)) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
tw_service_get_connector_id (TwService *self)
{
  g_return_val_if_fail (TW_IS_SERVICE (self), NULL);

  return self->connector_id;
}

void
tw_service_set_connector_id (TwService  *self,
                             const char *connector_id)
{
  g_return_if_fail (TW_IS_SERVICE (self));

  if (tw_set_str (&self->connector_id, connector_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTOR_ID]);
}

const char *
tw_service_get_base_url (TwService *self)
{
  g_return_val_if_fail (TW_IS_SERVICE (self), NULL);

  return self->base_url;
}

void
tw_service_set_base_url (TwService  *self,
                         const char *base_url)
{
  g_return_if_fail (TW_IS_SERVICE (self));

  if (tw_set_str (&self->base_url, base_url))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);
}

TwServiceState
tw_service_get_state (TwService *self)
{
  g_return_val_if_fail (TW_IS_SERVICE (self), TW_SERVICE_STATE_UNKNOWN);

  return self->state;
}

static void
set_state (TwService      *self,
           TwServiceState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

double
tw_service_get_latency_ms (TwService *self)
{
  g_return_val_if_fail (TW_IS_SERVICE (self), -1.0);

  return self->latency_ms;
}

/**
 * tw_service_get_latency_median_ms:
 *
 * The median latency of the last %TW_SERVICE_LATENCY_WINDOW good answers in a row (of
 * fewer since the service last failed or the console started): what the service
 * list shows, steadier than one answer's. A failed poll empties the window.
 *
 * Returns: milliseconds, -1 with no good answer since the last failure
 */
double
tw_service_get_latency_median_ms (TwService *self)
{
  g_return_val_if_fail (TW_IS_SERVICE (self), -1.0);

  return self->median_ms;
}

static double
recent_median (TwService *self)
{
  double sorted[TW_SERVICE_LATENCY_WINDOW];
  guint n = self->n_recent;

  if (n == 0)
    return -1.0;
  /* At most five values: an insertion sort. */
  for (guint i = 0; i < n; i++)
    {
      double v = self->recent_ms[i];
      guint j = i;

      for (; j > 0 && sorted[j - 1] > v; j--)
        sorted[j] = sorted[j - 1];
      sorted[j] = v;
    }
  return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
}

/* Every answer's latency (-1: none, after a failure), the last one and the window's. */
static void
set_latency_ms (TwService *self,
                double     latency_ms)
{
  double median;

  if (latency_ms < 0)
    {
      latency_ms = -1.0;
      self->n_recent = self->next_recent = 0;
    }
  else
    {
      self->recent_ms[self->next_recent] = latency_ms;
      self->next_recent = (self->next_recent + 1) % TW_SERVICE_LATENCY_WINDOW;
      self->n_recent = MIN (self->n_recent + 1, TW_SERVICE_LATENCY_WINDOW);
    }

  median = recent_median (self);
  if (self->latency_ms != latency_ms)
    {
      self->latency_ms = latency_ms;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATENCY_MS]);
    }
  if (self->median_ms != median)
    {
      self->median_ms = median;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATENCY_MEDIAN_MS]);
    }
}

/**
 * tw_service_get_last_success:
 *
 * Returns: (transfer none) (nullable): when the last good answer arrived
 */
GDateTime *
tw_service_get_last_success (TwService *self)
{
  g_return_val_if_fail (TW_IS_SERVICE (self), NULL);

  return self->last_success;
}

const char *
tw_service_get_last_error (TwService *self)
{
  g_return_val_if_fail (TW_IS_SERVICE (self), NULL);

  return self->last_error;
}

static void
set_last_error (TwService  *self,
                const char *message)
{
  if (tw_set_str (&self->last_error, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

gboolean
tw_service_get_stale (TwService *self)
{
  g_return_val_if_fail (TW_IS_SERVICE (self), FALSE);

  return self->stale;
}

void
tw_service_set_stale (TwService *self,
                      gboolean   stale)
{
  g_return_if_fail (TW_IS_SERVICE (self));

  stale = !!stale;
  if (self->stale == stale)
    return;
  self->stale = stale;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STALE]);
}

const char *
tw_service_get_version (TwService *self)
{
  g_return_val_if_fail (TW_IS_SERVICE (self), NULL);

  return self->version;
}

void
tw_service_set_version (TwService  *self,
                        const char *version)
{
  g_return_if_fail (TW_IS_SERVICE (self));

  if (tw_set_str (&self->version, version))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION]);
}

const char *
tw_service_get_status_text (TwService *self)
{
  g_return_val_if_fail (TW_IS_SERVICE (self), NULL);

  return self->status_text;
}

void
tw_service_set_status_text (TwService  *self,
                            const char *status_text)
{
  g_return_if_fail (TW_IS_SERVICE (self));

  if (tw_set_str (&self->status_text, status_text))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_TEXT]);
}

/**
 * tw_service_get_components:
 *
 * Returns: (transfer none): a #GListModel of #TwComponent, updated in place by each poll
 */
GListModel *
tw_service_get_components (TwService *self)
{
  g_return_val_if_fail (TW_IS_SERVICE (self), NULL);

  return G_LIST_MODEL (self->components);
}

static const char *
component_key (TwComponent *component)
{
  const char *name = tw_component_get_name (component);

  return name != NULL ? name : "";
}

/* Updates the kept components from @fresh by name: existing objects keep their
 * identity (rows and their expansion survive), gone ones are removed, new ones
 * appended in the order they came. */
static void
merge_components (TwService *self,
                  GPtrArray *fresh)
{
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) kept = g_hash_table_new (g_str_hash, g_str_equal);
  guint n;

  for (guint i = 0; fresh != NULL && i < fresh->len; i++)
    {
      TwComponent *component = g_ptr_array_index (fresh, i);

      g_return_if_fail (TW_IS_COMPONENT (component));
      /* A duplicate name: the first one wins. */
      if (!g_hash_table_contains (by_name, component_key (component)))
        g_hash_table_insert (by_name, (gpointer) component_key (component), component);
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (self->components));
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(TwComponent) old = g_list_model_get_item (G_LIST_MODEL (self->components), i - 1);
      TwComponent *update = g_hash_table_lookup (by_name, component_key (old));

      if (update == NULL || g_hash_table_contains (kept, component_key (old)))
        g_list_store_remove (self->components, i - 1);
      else
        {
          tw_component_update_from (old, update);
          g_hash_table_add (kept, (gpointer) component_key (update));
        }
    }

  for (guint i = 0; fresh != NULL && i < fresh->len; i++)
    {
      TwComponent *component = g_ptr_array_index (fresh, i);
      const char *key = component_key (component);

      if (g_hash_table_contains (kept, key))
        continue;
      g_hash_table_add (kept, (gpointer) key);
      g_list_store_append (self->components, component);
    }
}

static gboolean
slower_than_threshold (TwService *self,
                       double     latency_ms)
{
  return self->slow_ms > 0 && latency_ms > self->slow_ms;
}

/* Whether a component is down or degraded: read when an answer's components are
 * merged, not at each unchanged answer after it. */
static gboolean
components_unhealthy (TwService *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->components));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwComponent) component = g_list_model_get_item (G_LIST_MODEL (self->components), i);
      TwHealth h = tw_component_get_health (component);

      if (h == TW_HEALTH_DOWN || h == TW_HEALTH_DEGRADED)
        return TRUE;
    }
  return FALSE;
}

static TwServiceState
state_from_health (TwService *self,
                   TwHealth   health,
                   double     latency_ms)
{
  switch (health)
    {
    case TW_HEALTH_DOWN:
      return TW_SERVICE_STATE_ERROR;
    case TW_HEALTH_DEGRADED:
      return TW_SERVICE_STATE_DEGRADED;
    case TW_HEALTH_OK:
    case TW_HEALTH_UNKNOWN:
    default:
      break;
    }

  /* The body says ok, but a part of it is not. */
  if (self->parts_unhealthy)
    return TW_SERVICE_STATE_DEGRADED;

  /* An answer after 8 s is no sign of health. */
  if (slower_than_threshold (self, latency_ms))
    return TW_SERVICE_STATE_DEGRADED;

  return TW_SERVICE_STATE_OK;
}

void
tw_service_apply_health (TwService  *self,
                         TwHealth    health,
                         const char *status_text,
                         double      latency_ms,
                         GPtrArray  *components)
{
  g_return_if_fail (TW_IS_SERVICE (self));

  g_object_freeze_notify (G_OBJECT (self));

  merge_components (self, components);
  self->parts_unhealthy = components_unhealthy (self);
  self->last_health = health;
  set_state (self, state_from_health (self, health, latency_ms));
  if (status_text != NULL)
    tw_service_set_status_text (self, status_text);
  set_latency_ms (self, latency_ms);

  g_clear_pointer (&self->last_success, g_date_time_unref);
  self->last_success = tw_date_time_new_now_local ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SUCCESS]);

  set_last_error (self, NULL);
  self->last_error_code = -1;
  tw_service_set_stale (self, FALSE);

  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * tw_service_apply_health_unchanged:
 * @latency_ms: how long this answer took
 *
 * An answer that maps as the one the last tw_service_apply_health() mapped (the same
 * values wherever the mapping reads: tw_operation_hash_health_input()), with no failure
 * since: as that call again with the same health, status text and components, without
 * mapping them again. Only the latency and the time of the success are new.
 */
void
tw_service_apply_health_unchanged (TwService *self,
                                   double     latency_ms)
{
  g_return_if_fail (TW_IS_SERVICE (self));

  g_object_freeze_notify (G_OBJECT (self));

  set_state (self, state_from_health (self, self->last_health, latency_ms));
  set_latency_ms (self, latency_ms);

  g_clear_pointer (&self->last_success, g_date_time_unref);
  self->last_success = tw_date_time_new_now_local ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SUCCESS]);

  set_last_error (self, NULL);
  self->last_error_code = -1;
  tw_service_set_stale (self, FALSE);

  g_object_thaw_notify (G_OBJECT (self));
}

static TwServiceState
state_from_error (const GError *error)
{
  if (error->domain != TW_ERROR)
    return TW_SERVICE_STATE_ERROR;

  switch (error->code)
    {
    case TW_ERROR_AUTH:
    case TW_ERROR_FORBIDDEN:
      return TW_SERVICE_STATE_AUTH_FAILED;
    case TW_ERROR_UNREACHABLE:
    case TW_ERROR_TIMEOUT:
      return TW_SERVICE_STATE_UNREACHABLE;
    default:
      return TW_SERVICE_STATE_ERROR;
    }
}

/* Last-success and the components stay as they were: the UI shows them as of
 * the last success, with their age. The latency does not: it measured an answer
 * that is no longer current, and a failed attempt has none to show (an
 * unreachable service showed the last good "< 1 ms" next to "Unreachable"). */
void
tw_service_apply_error (TwService    *self,
                        const GError *error)
{
  g_return_if_fail (TW_IS_SERVICE (self));
  g_return_if_fail (error != NULL);

  g_object_freeze_notify (G_OBJECT (self));
  self->last_error_code = error->domain == TW_ERROR ? error->code : TW_ERROR_FAILED;
  set_state (self, state_from_error (error));
  set_last_error (self, error->message);
  set_latency_ms (self, -1.0);
  g_object_thaw_notify (G_OBJECT (self));
}

gint64
tw_service_get_age_seconds (TwService *self)
{
  g_autoptr(GDateTime) now = NULL;

  g_return_val_if_fail (TW_IS_SERVICE (self), -1);

  if (self->last_success == NULL)
    return -1;

  now = tw_date_time_new_now_local ();
  return MAX (0, g_date_time_difference (now, self->last_success) / G_TIME_SPAN_SECOND);
}

guint
tw_service_get_slow_ms (TwService *self)
{
  g_return_val_if_fail (TW_IS_SERVICE (self), TW_SERVICE_DEFAULT_SLOW_MS);
  return self->slow_ms;
}

void
tw_service_set_slow_ms (TwService *self,
                        guint      slow_ms)
{
  g_return_if_fail (TW_IS_SERVICE (self));

  if (self->slow_ms == slow_ms)
    return;
  self->slow_ms = slow_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SLOW_MS]);
}

/* Whether its profile lets its commands (a commands connector's operations, the
 * restart command of a key rotation) run on the host from the Flatpak sandbox:
 * the profile's HostCommands, which the profile sets on each of its services. */
gboolean
tw_service_get_host_commands (TwService *self)
{
  g_return_val_if_fail (TW_IS_SERVICE (self), FALSE);
  return self->host_commands;
}

void
tw_service_set_host_commands (TwService *self,
                              gboolean   allowed)
{
  g_return_if_fail (TW_IS_SERVICE (self));
  self->host_commands = !!allowed;
}

gboolean
tw_service_is_slow (TwService *self)
{
  g_return_val_if_fail (TW_IS_SERVICE (self), FALSE);
  return self->latency_ms >= 0 && slower_than_threshold (self, self->latency_ms);
}

int
tw_service_get_last_error_code (TwService *self)
{
  g_return_val_if_fail (TW_IS_SERVICE (self), -1);
  return self->last_error_code;
}

/* Settings: the keys of the service's profile group that its connector reads (a commands
 * connector's "settings": its directory's files, a process pattern…), kept as text. */

/**
 * tw_service_get_setting:
 *
 * Returns: (nullable): the value of profile key @key of this service
 */
const char *
tw_service_get_setting (TwService  *self,
                        const char *key)
{
  g_return_val_if_fail (TW_IS_SERVICE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return self->settings != NULL ? g_hash_table_lookup (self->settings, key) : NULL;
}

/* @value NULL removes the setting. */
void
tw_service_set_setting (TwService  *self,
                        const char *key,
                        const char *value)
{
  g_return_if_fail (TW_IS_SERVICE (self));
  g_return_if_fail (key != NULL);

  if (self->settings == NULL)
    self->settings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (value == NULL)
    g_hash_table_remove (self->settings, key);
  else
    g_hash_table_replace (self->settings, g_strdup (key), g_strdup (value));
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/**
 * tw_service_list_settings:
 *
 * Returns: (transfer full) (element-type utf8): the keys set, sorted
 */
GPtrArray *
tw_service_list_settings (TwService *self)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (TW_IS_SERVICE (self), keys);

  if (self->settings != NULL)
    {
      g_hash_table_iter_init (&iter, self->settings);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (keys, g_strdup (key));
    }
  g_ptr_array_sort (keys, compare_keys);
  return keys;
}

const char *
tw_service_get_env_file (TwService *self)
{
  g_return_val_if_fail (TW_IS_SERVICE (self), NULL);

  return self->env_file;
}

void
tw_service_set_env_file (TwService  *self,
                         const char *path)
{
  g_return_if_fail (TW_IS_SERVICE (self));

  g_free (self->env_file);
  self->env_file = path != NULL && *path != '\0' ? g_strdup (path) : NULL;
}

const char *
tw_service_get_flags_file (TwService *self)
{
  g_return_val_if_fail (TW_IS_SERVICE (self), NULL);

  return self->flags_file;
}

void
tw_service_set_flags_file (TwService  *self,
                           const char *path)
{
  g_return_if_fail (TW_IS_SERVICE (self));

  g_free (self->flags_file);
  self->flags_file = path != NULL && *path != '\0' ? g_strdup (path) : NULL;
}
