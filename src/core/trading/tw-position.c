/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-position.h"

#include "tw-trading-model-private.h"

struct _TwPosition
{
  GObject   parent_instance;

  char     *service_id;
  char     *service_name;
  char     *symbol;
  char     *side;
  char     *key;
  double    qty;
  double    qty_available;
  double    avg_entry_price;
  double    current_price;
  double    market_value;
  double    cost_basis;
  double    unrealized_pl;
  double    unrealized_plpc;
  double    unrealized_intraday_pl;
  double    change_today;
  gboolean  busy;
};

G_DEFINE_FINAL_TYPE (TwPosition, tw_position, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVICE_ID,
  PROP_SERVICE_NAME,
  PROP_SYMBOL,
  PROP_SIDE,
  PROP_KEY,
  PROP_QTY,
  PROP_QTY_AVAILABLE,
  PROP_AVG_ENTRY_PRICE,
  PROP_CURRENT_PRICE,
  PROP_MARKET_VALUE,
  PROP_COST_BASIS,
  PROP_UNREALIZED_PL,
  PROP_UNREALIZED_PLPC,
  PROP_UNREALIZED_INTRADAY_PL,
  PROP_CHANGE_TODAY,
  PROP_UNREALIZED_PL_PERCENT,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The number properties, by offset: one table serves get, set and update_from. */
static const TwFieldSpec double_fields[] = {
  { PROP_QTY,                    "qty",                    G_STRUCT_OFFSET (TwPosition, qty) },
  { PROP_QTY_AVAILABLE,          "qty-available",          G_STRUCT_OFFSET (TwPosition, qty_available) },
  { PROP_AVG_ENTRY_PRICE,        "avg-entry-price",        G_STRUCT_OFFSET (TwPosition, avg_entry_price) },
  { PROP_CURRENT_PRICE,          "current-price",          G_STRUCT_OFFSET (TwPosition, current_price) },
  { PROP_MARKET_VALUE,           "market-value",           G_STRUCT_OFFSET (TwPosition, market_value) },
  { PROP_COST_BASIS,             "cost-basis",             G_STRUCT_OFFSET (TwPosition, cost_basis) },
  { PROP_UNREALIZED_PL,          "unrealized-pl",          G_STRUCT_OFFSET (TwPosition, unrealized_pl) },
  { PROP_UNREALIZED_PLPC,        "unrealized-plpc",        G_STRUCT_OFFSET (TwPosition, unrealized_plpc) },
  { PROP_UNREALIZED_INTRADAY_PL, "unrealized-intraday-pl", G_STRUCT_OFFSET (TwPosition, unrealized_intraday_pl) },
  { PROP_CHANGE_TODAY,           "change-today",           G_STRUCT_OFFSET (TwPosition, change_today) },
};

static const TwFieldSpec string_fields[] = {
  { PROP_SERVICE_ID,   "service-id",   G_STRUCT_OFFSET (TwPosition, service_id) },
  { PROP_SERVICE_NAME, "service-name", G_STRUCT_OFFSET (TwPosition, service_name) },
  { PROP_SYMBOL,       "symbol",       G_STRUCT_OFFSET (TwPosition, symbol) },
  { PROP_SIDE,         "side",         G_STRUCT_OFFSET (TwPosition, side) },
};

static void
update_key (TwPosition *self)
{
  g_autofree char *key = g_strconcat (self->service_id ? self->service_id : "", ":",
                                      self->symbol ? self->symbol : "", NULL);

  if (tw_set_str (&self->key, key))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEY]);
}

static void
set_string (TwPosition *self,
            guint       prop_id,
            const char *value)
{
  const TwFieldSpec *field = _tw_field_spec_find (string_fields, G_N_ELEMENTS (string_fields), prop_id);

  if (!tw_set_str (G_STRUCT_MEMBER_P (self, field->offset), value))
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
  if (prop_id == PROP_SERVICE_ID || prop_id == PROP_SYMBOL)
    update_key (self);
}

static void
set_double (TwPosition *self,
            guint       prop_id,
            double      value)
{
  const TwFieldSpec *field = _tw_field_spec_find (double_fields, G_N_ELEMENTS (double_fields), prop_id);
  double *slot = G_STRUCT_MEMBER_P (self, field->offset);

  if (*slot == value)
    return;
  *slot = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
  if (prop_id == PROP_UNREALIZED_PLPC)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREALIZED_PL_PERCENT]);
}

static void
tw_position_finalize (GObject *object)
{
  TwPosition *self = (TwPosition *) object;

  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    g_free (G_STRUCT_MEMBER (char *, self, string_fields[i].offset));
  g_free (self->key);

  G_OBJECT_CLASS (tw_position_parent_class)->finalize (object);
}

static void
tw_position_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TwPosition *self = TW_POSITION (object);
  const TwFieldSpec *field;

  if ((field = _tw_field_spec_find (double_fields, G_N_ELEMENTS (double_fields), prop_id)))
    g_value_set_double (value, G_STRUCT_MEMBER (double, self, field->offset));
  else if ((field = _tw_field_spec_find (string_fields, G_N_ELEMENTS (string_fields), prop_id)))
    g_value_set_string (value, G_STRUCT_MEMBER (char *, self, field->offset));
  else if (prop_id == PROP_KEY)
    g_value_set_string (value, self->key);
  else if (prop_id == PROP_UNREALIZED_PL_PERCENT)
    g_value_set_double (value, tw_position_get_unrealized_pl_percent (self));
  else if (prop_id == PROP_BUSY)
    g_value_set_boolean (value, self->busy);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
tw_position_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  TwPosition *self = TW_POSITION (object);

  if (_tw_field_spec_find (double_fields, G_N_ELEMENTS (double_fields), prop_id))
    set_double (self, prop_id, g_value_get_double (value));
  else if (_tw_field_spec_find (string_fields, G_N_ELEMENTS (string_fields), prop_id))
    set_string (self, prop_id, g_value_get_string (value));
  else if (prop_id == PROP_BUSY)
    tw_position_set_busy (self, g_value_get_boolean (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
tw_position_class_init (TwPositionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tw_position_finalize;
  object_class->get_property = tw_position_get_property;
  object_class->set_property = tw_position_set_property;

  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    properties[string_fields[i].prop] =
      g_param_spec_string (string_fields[i].name, NULL, NULL, NULL, rw);
  for (guint i = 0; i < G_N_ELEMENTS (double_fields); i++)
    properties[double_fields[i].prop] =
      g_param_spec_double (double_fields[i].name, NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, rw);
  properties[PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, NULL, ro);
  properties[PROP_UNREALIZED_PL_PERCENT] =
    g_param_spec_double ("unrealized-pl-percent", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, ro);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_position_init (TwPosition *self)
{
  self->key = g_strdup (":");
}

TwPosition *
tw_position_new (const char *service_id,
                 const char *symbol)
{
  return g_object_new (TW_TYPE_POSITION,
                       "service-id", service_id,
                       "symbol", symbol,
                       NULL);
}

#define GETTER(type, name, field)                         \
  type                                                    \
  tw_position_get_##name (TwPosition *self)               \
  {                                                       \
    g_return_val_if_fail (TW_IS_POSITION (self), 0);      \
    return self->field;                                   \
  }

const char *
tw_position_get_service_id (TwPosition *self)
{
  g_return_val_if_fail (TW_IS_POSITION (self), NULL);
  return self->service_id;
}

const char *
tw_position_get_service_name (TwPosition *self)
{
  g_return_val_if_fail (TW_IS_POSITION (self), NULL);
  return self->service_name;
}

const char *
tw_position_get_key (TwPosition *self)
{
  g_return_val_if_fail (TW_IS_POSITION (self), NULL);
  return self->key;
}

const char *
tw_position_get_symbol (TwPosition *self)
{
  g_return_val_if_fail (TW_IS_POSITION (self), NULL);
  return self->symbol;
}

const char *
tw_position_get_side (TwPosition *self)
{
  g_return_val_if_fail (TW_IS_POSITION (self), NULL);
  return self->side;
}

GETTER (double, qty, qty)
GETTER (double, qty_available, qty_available)
GETTER (double, avg_entry_price, avg_entry_price)
GETTER (double, current_price, current_price)
GETTER (double, market_value, market_value)
GETTER (double, cost_basis, cost_basis)
GETTER (double, unrealized_pl, unrealized_pl)
GETTER (double, unrealized_plpc, unrealized_plpc)
GETTER (double, unrealized_intraday_pl, unrealized_intraday_pl)
GETTER (double, change_today, change_today)
GETTER (gboolean, busy, busy)

double
tw_position_get_unrealized_pl_percent (TwPosition *self)
{
  g_return_val_if_fail (TW_IS_POSITION (self), 0);
  return self->unrealized_plpc * 100.0;
}

void
tw_position_set_busy (TwPosition *self,
                      gboolean    busy)
{
  g_return_if_fail (TW_IS_POSITION (self));

  busy = !!busy;
  if (self->busy == busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
tw_position_update_from (TwPosition *self,
                         TwPosition *other)
{
  g_return_if_fail (TW_IS_POSITION (self));
  g_return_if_fail (TW_IS_POSITION (other));

  /* Direct field comparison: a refresh of thousands of rows touches only what moved. */
  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    set_string (self, string_fields[i].prop,
                G_STRUCT_MEMBER (char *, other, string_fields[i].offset));
  for (guint i = 0; i < G_N_ELEMENTS (double_fields); i++)
    set_double (self, double_fields[i].prop,
                G_STRUCT_MEMBER (double, other, double_fields[i].offset));
}
