/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tw-detail-item.h"
#include "tw-enum-types.h"
#include "tw-util.h"

static const char * const string_names[] = {
  "name", "status", "message", "version", "reset-at", "symbol", "side", "time", "kind", "labels",
  "next-open", "next-close", "id", "type", "created-at", "approval-id", "approval-status",
};
static const char * const number_names[] = {
  "used", "limit", "remaining", "qty", "price", "pnl", "value", "accuracy", "limit-price",
  "daily-pnl", "total-pnl", "win-rate", "sharpe-ratio", "max-drawdown", "risk-rejections",
  "broker-errors", "latency-p50", "latency-p95", "latency-p99", "total-trades",
};
static const char * const key_figures[] = {
  "daily-pnl", "total-pnl", "win-rate", "sharpe-ratio", "max-drawdown", "risk-rejections",
  "broker-errors", "latency-p50", "latency-p95", "latency-p99", "total-trades", NULL
};

#define N_STRINGS G_N_ELEMENTS (string_names)
#define N_NUMBERS G_N_ELEMENTS (number_names)

struct _TwDetailItem
{
  GObject   parent_instance;

  char     *strings[N_STRINGS];
  double    numbers[N_NUMBERS];
  TwHealth  health;
};

G_DEFINE_FINAL_TYPE (TwDetailItem, tw_detail_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_HEALTH,
  PROP_FIRST_STRING,
  PROP_FIRST_NUMBER = PROP_FIRST_STRING + N_STRINGS,
  N_PROPS = PROP_FIRST_NUMBER + N_NUMBERS,
};

static GParamSpec *properties[N_PROPS];

static int
string_index (const char *property)
{
  for (guint i = 0; i < N_STRINGS; i++)
    if (g_str_equal (string_names[i], property))
      return i;
  return -1;
}

static int
number_index (const char *property)
{
  for (guint i = 0; i < N_NUMBERS; i++)
    if (g_str_equal (number_names[i], property))
      return i;
  return -1;
}

static void
tw_detail_item_finalize (GObject *object)
{
  TwDetailItem *self = TW_DETAIL_ITEM (object);

  for (guint i = 0; i < N_STRINGS; i++)
    g_free (self->strings[i]);

  G_OBJECT_CLASS (tw_detail_item_parent_class)->finalize (object);
}

static void
tw_detail_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TwDetailItem *self = TW_DETAIL_ITEM (object);

  if (prop_id == PROP_HEALTH)
    g_value_set_enum (value, self->health);
  else if (prop_id >= PROP_FIRST_STRING && prop_id < PROP_FIRST_NUMBER)
    g_value_set_string (value, self->strings[prop_id - PROP_FIRST_STRING]);
  else if (prop_id >= PROP_FIRST_NUMBER && prop_id < N_PROPS)
    g_value_set_double (value, self->numbers[prop_id - PROP_FIRST_NUMBER]);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
tw_detail_item_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TwDetailItem *self = TW_DETAIL_ITEM (object);

  if (prop_id == PROP_HEALTH)
    tw_detail_item_set_health (self, g_value_get_enum (value));
  else if (prop_id >= PROP_FIRST_STRING && prop_id < PROP_FIRST_NUMBER)
    tw_detail_item_set_string (self, string_names[prop_id - PROP_FIRST_STRING], g_value_get_string (value));
  else if (prop_id >= PROP_FIRST_NUMBER && prop_id < N_PROPS)
    tw_detail_item_set_number (self, number_names[prop_id - PROP_FIRST_NUMBER], g_value_get_double (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
tw_detail_item_class_init (TwDetailItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tw_detail_item_finalize;
  object_class->get_property = tw_detail_item_get_property;
  object_class->set_property = tw_detail_item_set_property;

  properties[PROP_HEALTH] =
    g_param_spec_enum ("health", NULL, NULL, TW_TYPE_HEALTH, TW_HEALTH_UNKNOWN,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  for (guint i = 0; i < N_STRINGS; i++)
    properties[PROP_FIRST_STRING + i] =
      g_param_spec_string (string_names[i], NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  for (guint i = 0; i < N_NUMBERS; i++)
    properties[PROP_FIRST_NUMBER + i] =
      g_param_spec_double (number_names[i], NULL, NULL, -INFINITY, INFINITY, 0, /* NaN until set: init */
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_detail_item_init (TwDetailItem *self)
{
  for (guint i = 0; i < N_NUMBERS; i++)
    self->numbers[i] = NAN;
}

TwDetailItem *
tw_detail_item_new (const char *name)
{
  TwDetailItem *self = g_object_new (TW_TYPE_DETAIL_ITEM, NULL);

  self->strings[0] = g_strdup (name);
  return self;
}

const char *
tw_detail_item_get_string (TwDetailItem *self,
                           const char   *property)
{
  int i;

  g_return_val_if_fail (TW_IS_DETAIL_ITEM (self), NULL);
  i = string_index (property);
  g_return_val_if_fail (i >= 0, NULL);
  return self->strings[i];
}

double
tw_detail_item_get_number (TwDetailItem *self,
                           const char   *property)
{
  int i;

  g_return_val_if_fail (TW_IS_DETAIL_ITEM (self), NAN);
  i = number_index (property);
  g_return_val_if_fail (i >= 0, NAN);
  return self->numbers[i];
}

void
tw_detail_item_set_string (TwDetailItem *self,
                           const char   *property,
                           const char   *value)
{
  int i;

  g_return_if_fail (TW_IS_DETAIL_ITEM (self));
  i = string_index (property);
  g_return_if_fail (i >= 0);
  if (tw_set_str (&self->strings[i], value))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIRST_STRING + i]);
}

void
tw_detail_item_set_number (TwDetailItem *self,
                           const char   *property,
                           double        value)
{
  int i;

  g_return_if_fail (TW_IS_DETAIL_ITEM (self));
  i = number_index (property);
  g_return_if_fail (i >= 0);
  if (self->numbers[i] == value || (isnan (self->numbers[i]) && isnan (value)))
    return;
  self->numbers[i] = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIRST_NUMBER + i]);
}

const char *
tw_detail_item_get_name (TwDetailItem *self)
{
  return tw_detail_item_get_string (self, "name");
}

TwHealth
tw_detail_item_get_health (TwDetailItem *self)
{
  g_return_val_if_fail (TW_IS_DETAIL_ITEM (self), TW_HEALTH_UNKNOWN);
  return self->health;
}

void
tw_detail_item_set_health (TwDetailItem *self,
                           TwHealth      health)
{
  g_return_if_fail (TW_IS_DETAIL_ITEM (self));
  if (self->health == health)
    return;
  self->health = health;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEALTH]);
}

double
tw_detail_item_get_fraction (TwDetailItem *self)
{
  double used = tw_detail_item_get_number (self, "used");
  double limit = tw_detail_item_get_number (self, "limit");
  double remaining = tw_detail_item_get_number (self, "remaining");

  if (isnan (limit) || limit <= 0)
    return NAN;
  if (!isnan (used))
    return used / limit;
  if (!isnan (remaining))
    return (limit - remaining) / limit;
  return NAN;
}

gboolean
tw_detail_item_matches (TwDetailItem *self,
                        const char   *folded_text)
{
  static const char * const searched[] = { "name", "status", "message", "symbol", "kind", "labels", "side", "version", "id" };

  g_return_val_if_fail (TW_IS_DETAIL_ITEM (self), FALSE);

  if (folded_text == NULL || *folded_text == '\0')
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (searched); i++)
    {
      const char *value = self->strings[string_index (searched[i])];
      g_autofree char *folded = NULL;

      if (value == NULL)
        continue;
      folded = g_utf8_casefold (value, -1);
      if (strstr (folded, folded_text) != NULL)
        return TRUE;
    }
  return FALSE;
}

const char * const *
tw_detail_item_key_figures (void)
{
  return key_figures;
}
