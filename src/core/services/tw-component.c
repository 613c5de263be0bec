/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-component.h"

#include "tw-enum-types.h"
#include "tw-util.h"

struct _TwComponent
{
  GObject   parent_instance;

  char     *name;
  TwHealth  health;
  char     *status;
  char     *detail;
  double    latency_ms;
};

G_DEFINE_FINAL_TYPE (TwComponent, tw_component, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_HEALTH,
  PROP_STATUS,
  PROP_DETAIL,
  PROP_LATENCY_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* GLib 2.74 has no g_set_str. */
static void
tw_component_finalize (GObject *object)
{
  TwComponent *self = TW_COMPONENT (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->detail, g_free);

  G_OBJECT_CLASS (tw_component_parent_class)->finalize (object);
}

static void
tw_component_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TwComponent *self = TW_COMPONENT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_HEALTH:
      g_value_set_enum (value, self->health);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_DETAIL:
      g_value_set_string (value, self->detail);
      break;
    case PROP_LATENCY_MS:
      g_value_set_double (value, self->latency_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_component_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  TwComponent *self = TW_COMPONENT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      tw_component_set_name (self, g_value_get_string (value));
      break;
    case PROP_HEALTH:
      tw_component_set_health (self, g_value_get_enum (value));
      break;
    case PROP_STATUS:
      tw_component_set_status (self, g_value_get_string (value));
      break;
    case PROP_DETAIL:
      tw_component_set_detail (self, g_value_get_string (value));
      break;
    case PROP_LATENCY_MS:
      tw_component_set_latency_ms (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_component_class_init (TwComponentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tw_component_finalize;
  object_class->get_property = tw_component_get_property;
  object_class->set_property = tw_component_set_property;

  /* Writable after construction: the connector mapper may set it by name. */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HEALTH] =
    g_param_spec_enum ("health", NULL, NULL,
                       TW_TYPE_HEALTH, TW_HEALTH_UNKNOWN,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DETAIL] =
    g_param_spec_string ("detail", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LATENCY_MS] =
    g_param_spec_double ("latency-ms", NULL, NULL,
                         -1.0, G_MAXDOUBLE, -1.0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_component_init (TwComponent *self)
{
  self->health = TW_HEALTH_UNKNOWN;
  self->latency_ms = -1.0;
}

/**
 * tw_component_new:
 * @name: (nullable): the component's name ("database", "broker", …)
 *
 * Returns: (transfer full): a new component of unknown health
 */
TwComponent *
tw_component_new (const char *name)
{
  return g_object_new (TW_TYPE_COMPONENT, "name", name, NULL);
}

const char *
tw_component_get_name (TwComponent *self)
{
  g_return_val_if_fail (TW_IS_COMPONENT (self), NULL);

  return self->name;
}

void
tw_component_set_name (TwComponent *self,
                       const char  *name)
{
  g_return_if_fail (TW_IS_COMPONENT (self));

  if (tw_set_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

TwHealth
tw_component_get_health (TwComponent *self)
{
  g_return_val_if_fail (TW_IS_COMPONENT (self), TW_HEALTH_UNKNOWN);

  return self->health;
}

void
tw_component_set_health (TwComponent *self,
                         TwHealth     health)
{
  g_return_if_fail (TW_IS_COMPONENT (self));

  if (self->health == health)
    return;
  self->health = health;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEALTH]);
}

const char *
tw_component_get_status (TwComponent *self)
{
  g_return_val_if_fail (TW_IS_COMPONENT (self), NULL);

  return self->status;
}

void
tw_component_set_status (TwComponent *self,
                         const char  *status)
{
  g_return_if_fail (TW_IS_COMPONENT (self));

  if (tw_set_str (&self->status, status))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

const char *
tw_component_get_detail (TwComponent *self)
{
  g_return_val_if_fail (TW_IS_COMPONENT (self), NULL);

  return self->detail;
}

void
tw_component_set_detail (TwComponent *self,
                         const char  *detail)
{
  g_return_if_fail (TW_IS_COMPONENT (self));

  if (tw_set_str (&self->detail, detail))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DETAIL]);
}

double
tw_component_get_latency_ms (TwComponent *self)
{
  g_return_val_if_fail (TW_IS_COMPONENT (self), -1.0);

  return self->latency_ms;
}

void
tw_component_set_latency_ms (TwComponent *self,
                             double       latency_ms)
{
  g_return_if_fail (TW_IS_COMPONENT (self));

  if (latency_ms < 0)
    latency_ms = -1.0;
  if (self->latency_ms == latency_ms)
    return;
  self->latency_ms = latency_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATENCY_MS]);
}

/**
 * tw_component_update_from:
 * @self: the component kept in a model
 * @from: a freshly mapped component
 *
 * Copies @from's health, status, detail and latency into @self, notifying only
 * the properties whose value changed.
 */
void
tw_component_update_from (TwComponent *self,
                          TwComponent *from)
{
  g_return_if_fail (TW_IS_COMPONENT (self));
  g_return_if_fail (TW_IS_COMPONENT (from));

  if (self == from)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  tw_component_set_health (self, from->health);
  tw_component_set_status (self, from->status);
  tw_component_set_detail (self, from->detail);
  tw_component_set_latency_ms (self, from->latency_ms);
  g_object_thaw_notify (G_OBJECT (self));
}
