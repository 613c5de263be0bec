/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-breaker.h"

#include "tw-enum-types.h"
#include "tw-util.h"

struct _TwBreaker
{
  GObject         parent_instance;

  char           *id;
  char           *label;
  char           *kind;
  char           *unit;
  double          value;
  double          limit;
  TwBreakerState  state;
  guint           failure_count;
  GDateTime      *opened_at;
  gboolean        can_reset;
  char           *reset_instruction;
};

G_DEFINE_FINAL_TYPE (TwBreaker, tw_breaker, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_LABEL,
  PROP_KIND,
  PROP_VALUE,
  PROP_LIMIT,
  PROP_UNIT,
  PROP_STATE,
  PROP_FAILURE_COUNT,
  PROP_OPENED_AT,
  PROP_CAN_RESET,
  PROP_RESET_INSTRUCTION,
  PROP_FRACTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_number (TwBreaker *self,
            double    *field,
            double     value,
            guint      prop)
{
  double old_fraction = tw_breaker_get_fraction (self);

  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  if (tw_breaker_get_fraction (self) != old_fraction)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

static void
set_state (TwBreaker      *self,
           TwBreakerState  state)
{
  double old_fraction = tw_breaker_get_fraction (self);

  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (tw_breaker_get_fraction (self) != old_fraction)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

static void
tw_breaker_finalize (GObject *object)
{
  TwBreaker *self = (TwBreaker *) object;

  g_free (self->id);
  g_free (self->label);
  g_free (self->kind);
  g_free (self->unit);
  g_free (self->reset_instruction);
  g_clear_pointer (&self->opened_at, g_date_time_unref);

  G_OBJECT_CLASS (tw_breaker_parent_class)->finalize (object);
}

static void
tw_breaker_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  TwBreaker *self = TW_BREAKER (object);

  switch (prop_id)
    {
    case PROP_ID:            g_value_set_string (value, self->id); break;
    case PROP_LABEL:         g_value_set_string (value, tw_breaker_get_label (self)); break;
    case PROP_KIND:          g_value_set_string (value, self->kind); break;
    case PROP_VALUE:         g_value_set_double (value, self->value); break;
    case PROP_LIMIT:         g_value_set_double (value, self->limit); break;
    case PROP_UNIT:          g_value_set_string (value, self->unit); break;
    case PROP_STATE:         g_value_set_enum (value, self->state); break;
    case PROP_FAILURE_COUNT: g_value_set_uint (value, self->failure_count); break;
    case PROP_OPENED_AT:     g_value_set_boxed (value, self->opened_at); break;
    case PROP_CAN_RESET:     g_value_set_boolean (value, self->can_reset); break;
    case PROP_RESET_INSTRUCTION: g_value_set_string (value, self->reset_instruction); break;
    case PROP_FRACTION:      g_value_set_double (value, tw_breaker_get_fraction (self)); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_breaker_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  TwBreaker *self = TW_BREAKER (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_LABEL:
      if (tw_set_str (&self->label, g_value_get_string (value)))
        g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_KIND:
      if (tw_set_str (&self->kind, g_value_get_string (value)))
        g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_UNIT:
      if (tw_set_str (&self->unit, g_value_get_string (value)))
        g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_RESET_INSTRUCTION:
      if (tw_set_str (&self->reset_instruction, g_value_get_string (value)))
        g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_VALUE:
      set_number (self, &self->value, g_value_get_double (value), PROP_VALUE);
      break;
    case PROP_LIMIT:
      set_number (self, &self->limit, g_value_get_double (value), PROP_LIMIT);
      break;
    case PROP_STATE:
      set_state (self, g_value_get_enum (value));
      break;
    case PROP_FAILURE_COUNT:
      if (self->failure_count != g_value_get_uint (value))
        {
          self->failure_count = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_OPENED_AT:
      if (tw_set_date_time (&self->opened_at, g_value_get_boxed (value)))
        g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_CAN_RESET:
      if (self->can_reset != g_value_get_boolean (value))
        {
          self->can_reset = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_breaker_class_init (TwBreakerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = tw_breaker_finalize;
  object_class->get_property = tw_breaker_get_property;
  object_class->set_property = tw_breaker_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, rw);
  properties[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL, rw);
  properties[PROP_UNIT] = g_param_spec_string ("unit", NULL, NULL, "count", rw);
  properties[PROP_VALUE] = g_param_spec_double ("value", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, rw);
  properties[PROP_LIMIT] = g_param_spec_double ("limit", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, rw);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TW_TYPE_BREAKER_STATE, TW_BREAKER_UNKNOWN, rw);
  properties[PROP_FAILURE_COUNT] = g_param_spec_uint ("failure-count", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_OPENED_AT] = g_param_spec_boxed ("opened-at", NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_CAN_RESET] = g_param_spec_boolean ("can-reset", NULL, NULL, FALSE, rw);
  properties[PROP_RESET_INSTRUCTION] =
    g_param_spec_string ("reset-instruction", NULL, NULL, NULL, rw);
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_breaker_init (TwBreaker *self)
{
  self->unit = g_strdup ("count");
}

TwBreaker *
tw_breaker_new (const char *id)
{
  g_return_val_if_fail (id != NULL, NULL);
  return g_object_new (TW_TYPE_BREAKER, "id", id, NULL);
}

const char *
tw_breaker_get_id (TwBreaker *self)
{
  g_return_val_if_fail (TW_IS_BREAKER (self), NULL);
  return self->id;
}

const char *
tw_breaker_get_label (TwBreaker *self)
{
  g_return_val_if_fail (TW_IS_BREAKER (self), NULL);
  return self->label ? self->label : self->id;
}

const char *
tw_breaker_get_kind (TwBreaker *self)
{
  g_return_val_if_fail (TW_IS_BREAKER (self), NULL);
  return self->kind;
}

double
tw_breaker_get_value (TwBreaker *self)
{
  g_return_val_if_fail (TW_IS_BREAKER (self), 0);
  return self->value;
}

double
tw_breaker_get_limit (TwBreaker *self)
{
  g_return_val_if_fail (TW_IS_BREAKER (self), 0);
  return self->limit;
}

const char *
tw_breaker_get_unit (TwBreaker *self)
{
  g_return_val_if_fail (TW_IS_BREAKER (self), NULL);
  return self->unit;
}

TwBreakerState
tw_breaker_get_state (TwBreaker *self)
{
  g_return_val_if_fail (TW_IS_BREAKER (self), TW_BREAKER_UNKNOWN);
  return self->state;
}

guint
tw_breaker_get_failure_count (TwBreaker *self)
{
  g_return_val_if_fail (TW_IS_BREAKER (self), 0);
  return self->failure_count;
}

GDateTime *
tw_breaker_get_opened_at (TwBreaker *self)
{
  g_return_val_if_fail (TW_IS_BREAKER (self), NULL);
  return self->opened_at;
}

gboolean
tw_breaker_get_can_reset (TwBreaker *self)
{
  g_return_val_if_fail (TW_IS_BREAKER (self), FALSE);
  return self->can_reset;
}

/**
 * tw_breaker_get_reset_instruction:
 *
 * Returns: (nullable): how the service's runbook resets this breaker by hand (the
 *   connector's own words, with the breaker's id in them), for a service that offers no
 *   reset over HTTP
 */
const char *
tw_breaker_get_reset_instruction (TwBreaker *self)
{
  g_return_val_if_fail (TW_IS_BREAKER (self), NULL);
  return self->reset_instruction;
}

double
tw_breaker_get_fraction (TwBreaker *self)
{
  g_return_val_if_fail (TW_IS_BREAKER (self), 0);

  if (self->state == TW_BREAKER_OPEN)
    return 1.0;
  if (self->limit <= 0)
    return self->state == TW_BREAKER_HALF_OPEN ? 0.5 : 0.0;
  return CLAMP (self->value / self->limit, 0.0, 1.0);
}

gboolean
tw_breaker_is_tripped (TwBreaker *self)
{
  g_return_val_if_fail (TW_IS_BREAKER (self), FALSE);

  if (self->state == TW_BREAKER_OPEN)
    return TRUE;
  return self->limit > 0 && self->value >= self->limit;
}

void
tw_breaker_update_from (TwBreaker *self,
                        TwBreaker *other)
{
  g_return_if_fail (TW_IS_BREAKER (self));
  g_return_if_fail (TW_IS_BREAKER (other));

  g_object_freeze_notify (G_OBJECT (self));
  g_object_set (self,
                "label", other->label,
                "kind", other->kind,
                "unit", other->unit,
                "value", other->value,
                "limit", other->limit,
                "state", other->state,
                "failure-count", other->failure_count,
                "opened-at", other->opened_at,
                "can-reset", other->can_reset,
                "reset-instruction", other->reset_instruction,
                NULL);
  g_object_thaw_notify (G_OBJECT (self));
}
