/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-flag.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>

#include "tw-flags-private.h"
#include "tw-util.h"

struct _TwFlag
{
  GObject      parent_instance;

  char        *service_id;
  char        *service_name;
  char        *name;
  char        *label;
  char        *description;
  TwFlagType   type;
  TwFlagRisk   risk;
  TwFlagSafe   safe;
  char        *env_variable;
  char        *unit;
  gboolean     has_bounds;
  double       min;
  double       max;

  char        *value;
  TwFlagLayer  layer;
  char        *layer_detail;
  gboolean     locked;
  char        *env_value;
  char        *default_value;   /* the connector's "default", as a value text */
  gboolean     busy;
  char        *last_change;
  GDateTime   *revert_at;
};

G_DEFINE_FINAL_TYPE (TwFlag, tw_flag, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVICE_ID,
  PROP_SERVICE_NAME,
  PROP_NAME,
  PROP_LABEL,
  PROP_DESCRIPTION,
  PROP_TYPE,
  PROP_RISK,
  PROP_SAFE,
  PROP_ENV_VARIABLE,
  PROP_UNIT,
  PROP_KNOWN,
  PROP_VALUE,
  PROP_LAYER,
  PROP_LAYER_DETAIL,
  PROP_LOCKED,
  PROP_BUSY,
  PROP_LAST_CHANGE,
  PROP_REVERT_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tw_flag_finalize (GObject *object)
{
  TwFlag *self = TW_FLAG (object);

  g_free (self->service_id);
  g_free (self->service_name);
  g_free (self->name);
  g_free (self->label);
  g_free (self->description);
  g_free (self->env_variable);
  g_free (self->unit);
  g_free (self->value);
  g_free (self->layer_detail);
  g_free (self->env_value);
  g_free (self->default_value);
  g_free (self->last_change);
  g_clear_pointer (&self->revert_at, g_date_time_unref);

  G_OBJECT_CLASS (tw_flag_parent_class)->finalize (object);
}

static void
tw_flag_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  TwFlag *self = TW_FLAG (object);

  switch (prop_id)
    {
    case PROP_SERVICE_ID: g_value_set_string (value, self->service_id); break;
    case PROP_SERVICE_NAME: g_value_set_string (value, self->service_name); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_LABEL: g_value_set_string (value, self->label); break;
    case PROP_DESCRIPTION: g_value_set_string (value, self->description); break;
    case PROP_TYPE: g_value_set_uint (value, self->type); break;
    case PROP_RISK: g_value_set_uint (value, self->risk); break;
    case PROP_SAFE: g_value_set_uint (value, self->safe); break;
    case PROP_ENV_VARIABLE: g_value_set_string (value, self->env_variable); break;
    case PROP_UNIT: g_value_set_string (value, self->unit); break;
    case PROP_KNOWN: g_value_set_boolean (value, self->value != NULL); break;
    case PROP_VALUE: g_value_set_string (value, self->value); break;
    case PROP_LAYER: g_value_set_uint (value, self->layer); break;
    case PROP_LAYER_DETAIL: g_value_set_string (value, self->layer_detail); break;
    case PROP_LOCKED: g_value_set_boolean (value, self->locked); break;
    case PROP_BUSY: g_value_set_boolean (value, self->busy); break;
    case PROP_LAST_CHANGE: g_value_set_string (value, self->last_change); break;
    case PROP_REVERT_AT: g_value_set_boxed (value, self->revert_at); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
ro_string (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
}

static GParamSpec *
ro_boolean (const char *name)
{
  return g_param_spec_boolean (name, NULL, NULL, FALSE,
                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
}

static GParamSpec *
ro_uint (const char *name)
{
  return g_param_spec_uint (name, NULL, NULL, 0, G_MAXUINT, 0,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
}

static void
tw_flag_class_init (TwFlagClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tw_flag_finalize;
  object_class->get_property = tw_flag_get_property;

  properties[PROP_SERVICE_ID] = ro_string ("service-id");
  properties[PROP_SERVICE_NAME] = ro_string ("service-name");
  properties[PROP_NAME] = ro_string ("name");
  properties[PROP_LABEL] = ro_string ("label");
  properties[PROP_DESCRIPTION] = ro_string ("description");
  properties[PROP_TYPE] = ro_uint ("type");
  properties[PROP_RISK] = ro_uint ("risk");
  properties[PROP_SAFE] = ro_uint ("safe");
  properties[PROP_ENV_VARIABLE] = ro_string ("env-variable");
  properties[PROP_UNIT] = ro_string ("unit");
  properties[PROP_KNOWN] = ro_boolean ("known");
  properties[PROP_VALUE] = ro_string ("value");
  properties[PROP_LAYER] = ro_uint ("layer");
  properties[PROP_LAYER_DETAIL] = ro_string ("layer-detail");
  properties[PROP_LOCKED] = ro_boolean ("locked");
  properties[PROP_BUSY] = ro_boolean ("busy");
  properties[PROP_LAST_CHANGE] = ro_string ("last-change");
  properties[PROP_REVERT_AT] =
    g_param_spec_boxed ("revert-at", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_flag_init (TwFlag *self)
{
}

TwFlag *
_tw_flag_new (const char       *service_id,
              const char       *service_name,
              const char       *name,
              const TwFlagSpec *spec)
{
  TwFlag *self = g_object_new (TW_TYPE_FLAG, NULL);

  self->service_id = g_strdup (service_id);
  self->service_name = g_strdup (service_name != NULL ? service_name : service_id);
  self->name = g_strdup (name);
  if (spec != NULL)
    {
      self->label = g_strdup (spec->label);
      self->description = g_strdup (spec->description);
      self->type = spec->type;
      self->risk = spec->risk;
      self->safe = spec->safe;
      self->env_variable = g_strdup (spec->env);
      self->unit = g_strdup (spec->unit);
      self->has_bounds = spec->has_min && spec->has_max;
      if (spec->has_default && spec->type == TW_FLAG_TYPE_BOOLEAN)
        self->default_value = g_strdup (spec->default_number != 0 ? "true" : "false");
      else if (spec->has_default)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          self->default_value = g_strdup (g_ascii_dtostr (buf, sizeof buf, spec->default_number));
        }
      self->min = spec->min;
      self->max = spec->max;
    }
  else
    self->label = g_strdup (name);
  return self;
}

/* A flag the connector does not list takes its type from its first value. */
static void
guess_type (TwFlag     *self,
            const char *value)
{
  char *end = NULL;

  if (self->value != NULL || self->description != NULL || value == NULL)
    return;
  if (g_str_equal (value, "true") || g_str_equal (value, "false"))
    self->type = TW_FLAG_TYPE_BOOLEAN;
  else if (g_ascii_strtod (value, &end), end != NULL && end != value && *end == '\0')
    self->type = TW_FLAG_TYPE_NUMBER;
  else
    self->type = TW_FLAG_TYPE_STRING;
}

gboolean
_tw_flag_values_equal (const char *a,
                       const char *b)
{
  char *end_a = NULL, *end_b = NULL;
  double x, y;

  if (g_strcmp0 (a, b) == 0)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  x = g_ascii_strtod (a, &end_a);
  y = g_ascii_strtod (b, &end_b);
  return end_a != a && *end_a == '\0' && end_b != b && *end_b == '\0' && x == y;
}

gboolean
_tw_flag_set_value (TwFlag     *self,
                    const char *value)
{
  gboolean was_known = self->value != NULL;

  if (_tw_flag_values_equal (self->value, value))
    return FALSE;
  guess_type (self, value);
  g_free (self->value);
  self->value = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
  if (!was_known)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KNOWN]);
  return TRUE;
}

void
_tw_flag_set_layer (TwFlag      *self,
                    TwFlagLayer  layer,
                    const char  *detail,
                    gboolean     locked)
{
  if (self->layer != layer)
    {
      self->layer = layer;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYER]);
    }
  if (tw_set_str (&self->layer_detail, detail))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYER_DETAIL]);
  if (self->locked != !!locked)
    {
      self->locked = !!locked;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCKED]);
    }
}

const char *
_tw_flag_get_env_value (TwFlag *self)
{
  return self->env_value;
}

void
_tw_flag_set_env_value (TwFlag     *self,
                        const char *value)
{
  tw_set_str (&self->env_value, value);
}

void
_tw_flag_set_busy (TwFlag   *self,
                   gboolean  busy)
{
  if (self->busy == !!busy)
    return;
  self->busy = !!busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
_tw_flag_set_last_change (TwFlag     *self,
                          const char *text)
{
  if (tw_set_str (&self->last_change, text))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_CHANGE]);
}

void
_tw_flag_set_revert_at (TwFlag    *self,
                        GDateTime *when)
{
  if (tw_set_date_time (&self->revert_at, when))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVERT_AT]);
}

const char *
tw_flag_get_service_id (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), NULL);

  return self->service_id;
}

const char *
tw_flag_get_service_name (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), NULL);

  return self->service_name;
}

const char *
tw_flag_get_name (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), NULL);

  return self->name;
}

const char *
tw_flag_get_label (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), NULL);

  return self->label;
}

const char *
tw_flag_get_description (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), NULL);

  return self->description;
}

TwFlagType
tw_flag_get_flag_type (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), 0);

  return self->type;
}

TwFlagRisk
tw_flag_get_risk (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), 0);

  return self->risk;
}

TwFlagSafe
tw_flag_get_safe (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), 0);

  return self->safe;
}

const char *
tw_flag_get_env_variable (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), NULL);

  return self->env_variable;
}

const char *
tw_flag_get_unit (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), NULL);

  return self->unit;
}

gboolean
tw_flag_get_known (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), FALSE);

  return self->value != NULL;
}

const char *
tw_flag_get_value (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), NULL);

  return self->value;
}

TwFlagLayer
tw_flag_get_layer (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), 0);

  return self->layer;
}

const char *
tw_flag_get_layer_detail (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), NULL);

  return self->layer_detail;
}

gboolean
tw_flag_get_locked (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), FALSE);

  return self->locked;
}

gboolean
tw_flag_get_busy (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), FALSE);

  return self->busy;
}

const char *
tw_flag_get_last_change (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), NULL);

  return self->last_change;
}

GDateTime *
tw_flag_get_revert_at (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), NULL);

  return self->revert_at;
}


const char *
tw_flag_get_default (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), NULL);

  return self->default_value;
}

gboolean
tw_flag_get_bounds (TwFlag *self,
                    double *min,
                    double *max)
{
  g_return_val_if_fail (TW_IS_FLAG (self), FALSE);

  if (min != NULL)
    *min = self->min;
  if (max != NULL)
    *max = self->max;
  return self->has_bounds;
}

gboolean
tw_flag_get_boolean (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), FALSE);
  return g_strcmp0 (self->value, "true") == 0;
}

double
tw_flag_get_number (TwFlag *self)
{
  g_return_val_if_fail (TW_IS_FLAG (self), 0);
  return self->value != NULL ? g_ascii_strtod (self->value, NULL) : 0;
}

gboolean
tw_flag_is_toward_safety (TwFlag     *self,
                          const char *new_value)
{
  g_return_val_if_fail (TW_IS_FLAG (self), FALSE);
  g_return_val_if_fail (new_value != NULL, FALSE);

  switch (self->safe)
    {
    case TW_FLAG_SAFE_OFF:
      return g_str_equal (new_value, "false");
    case TW_FLAG_SAFE_ON:
      return g_str_equal (new_value, "true");
    case TW_FLAG_SAFE_LOWER:
      return self->value != NULL && g_ascii_strtod (new_value, NULL) < tw_flag_get_number (self);
    case TW_FLAG_SAFE_HIGHER:
      return self->value != NULL && g_ascii_strtod (new_value, NULL) > tw_flag_get_number (self);
    case TW_FLAG_SAFE_UNKNOWN:
    default:
      return FALSE;
    }
}

char *
tw_flag_format_value (TwFlag     *self,
                      const char *value)
{
  g_return_val_if_fail (TW_IS_FLAG (self), NULL);

  if (value == NULL)
    return g_strdup (_("unknown"));
  if (self->type == TW_FLAG_TYPE_BOOLEAN && g_str_equal (value, "true"))
    return g_strdup (_("on"));
  if (self->type == TW_FLAG_TYPE_BOOLEAN && g_str_equal (value, "false"))
    return g_strdup (_("off"));
  if (self->type == TW_FLAG_TYPE_NUMBER && self->unit != NULL)
    {
      g_autofree char *number = g_strdup_printf ("%g", g_ascii_strtod (value, NULL));

      /* Translators: a number and its unit, e.g. “1000 USD” */
      return g_strdup_printf (_("%s %s"), number, self->unit);
    }
  return g_strdup (value);
}

const char *
tw_flag_layer_to_string (TwFlagLayer layer)
{
  switch (layer)
    {
    case TW_FLAG_LAYER_ENV: return "env";
    case TW_FLAG_LAYER_FILE: return "file";
    case TW_FLAG_LAYER_DEFAULT: return "default";
    case TW_FLAG_LAYER_UNKNOWN:
    default: return "unknown";
    }
}
