/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-risk-parameters.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "tw-risk-parameters-private.h"

struct _TwRiskParameter
{
  GObject   parent_instance;

  char     *key;
  char     *label;
  char     *unit;
  double    value;
  gboolean  is_integer;
};

G_DEFINE_FINAL_TYPE (TwRiskParameter, tw_risk_parameter, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KEY,
  PROP_LABEL,
  PROP_VALUE,
  PROP_UNIT,
  PROP_IS_INTEGER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define PERCENT_SUFFIX "_percent"

/* The labels of InvestIQ's five parameters. Its runbook (000) names max_position_size
 * (a fraction: 0.05 is 5 %) and, as the circuit breakers' limits, the loss limits; the
 * stop loss is assumed. Marked only: the label stays in English here, and the UI
 * translates it where it shows it (a label made from an unknown key has no translation). */
static const struct { const char *key, *label; } known_labels[] = {
  { "max_position_size",              N_("Max position size") },
  { "max_consecutive_losses",         N_("Max consecutive losses") },
  { "daily_loss_limit_percent",       N_("Max daily loss") },
  { "account_drawdown_limit_percent", N_("Max drawdown") },
  { "stop_loss_percent",              N_("Stop loss") },
};

char *
tw_risk_parameter_label_for_key (const char *key)
{
  g_autoptr(GString) label = NULL;

  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (known_labels); i++)
    if (g_str_equal (key, known_labels[i].key))
      return g_strdup (known_labels[i].label);

  label = g_string_new (key);
  if (g_str_has_suffix (key, PERCENT_SUFFIX) && strlen (key) > strlen (PERCENT_SUFFIX))
    g_string_truncate (label, label->len - strlen (PERCENT_SUFFIX));
  for (gsize i = 0; i < label->len; i++)
    if (label->str[i] == '_' || label->str[i] == '-')
      label->str[i] = ' ';
  g_strstrip (label->str);
  label->len = strlen (label->str);
  if (label->len == 0)
    return g_strdup (key);
  label->str[0] = g_ascii_toupper (label->str[0]);
  return g_string_free (g_steal_pointer (&label), FALSE);
}

static void
tw_risk_parameter_finalize (GObject *object)
{
  TwRiskParameter *self = TW_RISK_PARAMETER (object);

  g_free (self->key);
  g_free (self->label);
  g_free (self->unit);

  G_OBJECT_CLASS (tw_risk_parameter_parent_class)->finalize (object);
}

static void
tw_risk_parameter_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TwRiskParameter *self = TW_RISK_PARAMETER (object);

  switch (prop_id)
    {
    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_VALUE:
      g_value_set_double (value, self->value);
      break;
    case PROP_UNIT:
      g_value_set_string (value, self->unit);
      break;
    case PROP_IS_INTEGER:
      g_value_set_boolean (value, self->is_integer);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_risk_parameter_class_init (TwRiskParameterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tw_risk_parameter_finalize;
  object_class->get_property = tw_risk_parameter_get_property;

  properties[PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_VALUE] =
    g_param_spec_double ("value", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_UNIT] =
    g_param_spec_string ("unit", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_IS_INTEGER] =
    g_param_spec_boolean ("is-integer", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_risk_parameter_init (TwRiskParameter *self)
{
}

TwRiskParameter *
tw_risk_parameter_new (const char *key,
                       double      value,
                       gboolean    is_integer)
{
  TwRiskParameter *self;

  g_return_val_if_fail (key != NULL, NULL);

  self = g_object_new (TW_TYPE_RISK_PARAMETER, NULL);
  self->key = g_strdup (key);
  self->label = tw_risk_parameter_label_for_key (key);
  self->unit = g_strdup (g_str_has_suffix (key, PERCENT_SUFFIX) ? "%" : "");
  self->value = value;
  self->is_integer = is_integer;
  return self;
}

void
_tw_risk_parameter_update (TwRiskParameter *self,
                           double           value,
                           gboolean         is_integer)
{
  g_return_if_fail (TW_IS_RISK_PARAMETER (self));

  if (self->value != value)
    {
      self->value = value;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
    }
  if (self->is_integer != is_integer)
    {
      self->is_integer = is_integer;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_INTEGER]);
    }
}

const char *
tw_risk_parameter_get_key (TwRiskParameter *self)
{
  g_return_val_if_fail (TW_IS_RISK_PARAMETER (self), NULL);

  return self->key;
}

const char *
tw_risk_parameter_get_label (TwRiskParameter *self)
{
  g_return_val_if_fail (TW_IS_RISK_PARAMETER (self), NULL);

  return self->label;
}

double
tw_risk_parameter_get_value (TwRiskParameter *self)
{
  g_return_val_if_fail (TW_IS_RISK_PARAMETER (self), 0);

  return self->value;
}

const char *
tw_risk_parameter_get_unit (TwRiskParameter *self)
{
  g_return_val_if_fail (TW_IS_RISK_PARAMETER (self), NULL);

  return self->unit;
}

gboolean
tw_risk_parameter_get_is_integer (TwRiskParameter *self)
{
  g_return_val_if_fail (TW_IS_RISK_PARAMETER (self), FALSE);

  return self->is_integer;
}

char *
tw_risk_parameter_format_value (TwRiskParameter *self,
                                double           value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (TW_IS_RISK_PARAMETER (self), NULL);
  g_return_val_if_fail (isfinite (value), NULL);

  if (self->is_integer)
    return g_strdup_printf ("%.0f", round (value));
  /* 15 significant digits: 0.1 stays "0.1", not 0.1000000000000000055; 4.0 is "4". */
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.15g", value));
}

char *
tw_risk_parameter_format_display (TwRiskParameter *self,
                                  double           value)
{
  g_return_val_if_fail (TW_IS_RISK_PARAMETER (self), NULL);
  g_return_val_if_fail (isfinite (value), NULL);

  if (self->is_integer)
    return g_strdup_printf ("%.0f", round (value));
  /* printf's %g follows LC_NUMERIC, as the spin buttons the value is typed into do. */
  return g_strdup_printf ("%.15g", value);
}
