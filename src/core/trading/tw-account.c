/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-account.h"

#include "tw-trading-model-private.h"

struct _TwAccount
{
  GObject    parent_instance;

  char      *service_id;
  char      *service_name;
  char      *account_number;
  char      *account_id;
  char      *status;
  char      *currency;
  double     equity;
  double     last_equity;
  double     cash;
  double     buying_power;
  double     portfolio_value;
  gboolean   trading_blocked;
  gboolean   account_blocked;
  gboolean   trade_suspended_by_user;
  gboolean   paper;
  gboolean   paper_known;
  gboolean   stale;
  GDateTime *updated_at;
};

G_DEFINE_FINAL_TYPE (TwAccount, tw_account, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVICE_ID,
  PROP_SERVICE_NAME,
  PROP_ACCOUNT_NUMBER,
  PROP_ACCOUNT_ID,
  PROP_STATUS,
  PROP_CURRENCY,
  PROP_EQUITY,
  PROP_LAST_EQUITY,
  PROP_CASH,
  PROP_BUYING_POWER,
  PROP_PORTFOLIO_VALUE,
  PROP_TRADING_BLOCKED,
  PROP_ACCOUNT_BLOCKED,
  PROP_TRADE_SUSPENDED_BY_USER,
  PROP_PAPER,
  PROP_DAY_PL,
  PROP_DAY_PL_PERCENT,
  PROP_UPDATED_AT,
  PROP_STALE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const TwFieldSpec string_fields[] = {
  { PROP_SERVICE_ID,     "service-id",     G_STRUCT_OFFSET (TwAccount, service_id) },
  { PROP_SERVICE_NAME,   "service-name",   G_STRUCT_OFFSET (TwAccount, service_name) },
  { PROP_ACCOUNT_NUMBER, "account-number", G_STRUCT_OFFSET (TwAccount, account_number) },
  { PROP_ACCOUNT_ID,     "account-id",     G_STRUCT_OFFSET (TwAccount, account_id) },
  { PROP_STATUS,         "status",         G_STRUCT_OFFSET (TwAccount, status) },
  { PROP_CURRENCY,       "currency",       G_STRUCT_OFFSET (TwAccount, currency) },
};

static const TwFieldSpec double_fields[] = {
  { PROP_EQUITY,          "equity",          G_STRUCT_OFFSET (TwAccount, equity) },
  { PROP_LAST_EQUITY,     "last-equity",     G_STRUCT_OFFSET (TwAccount, last_equity) },
  { PROP_CASH,            "cash",            G_STRUCT_OFFSET (TwAccount, cash) },
  { PROP_BUYING_POWER,    "buying-power",    G_STRUCT_OFFSET (TwAccount, buying_power) },
  { PROP_PORTFOLIO_VALUE, "portfolio-value", G_STRUCT_OFFSET (TwAccount, portfolio_value) },
};

static const TwFieldSpec bool_fields[] = {
  { PROP_TRADING_BLOCKED,         "trading-blocked",         G_STRUCT_OFFSET (TwAccount, trading_blocked) },
  { PROP_ACCOUNT_BLOCKED,         "account-blocked",         G_STRUCT_OFFSET (TwAccount, account_blocked) },
  { PROP_TRADE_SUSPENDED_BY_USER, "trade-suspended-by-user", G_STRUCT_OFFSET (TwAccount, trade_suspended_by_user) },
  { PROP_STALE,                   "stale",                   G_STRUCT_OFFSET (TwAccount, stale) },
};

#define FIND(table, prop) _tw_field_spec_find (table, G_N_ELEMENTS (table), prop)

static void
set_string (TwAccount  *self,
            guint       prop_id,
            const char *value)
{
  if (tw_set_str (G_STRUCT_MEMBER_P (self, FIND (string_fields, prop_id)->offset), value))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_double (TwAccount *self,
            guint      prop_id,
            double     value)
{
  double *slot = G_STRUCT_MEMBER_P (self, FIND (double_fields, prop_id)->offset);
  double old_pl = tw_account_get_day_pl (self);
  double old_percent = tw_account_get_day_pl_percent (self);

  if (*slot == value)
    return;
  *slot = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
  if (tw_account_get_day_pl (self) != old_pl)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DAY_PL]);
  if (tw_account_get_day_pl_percent (self) != old_percent)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DAY_PL_PERCENT]);
}

static void
set_bool (TwAccount *self,
          guint      prop_id,
          gboolean   value)
{
  gboolean *slot = G_STRUCT_MEMBER_P (self, FIND (bool_fields, prop_id)->offset);

  value = !!value;
  if (*slot == value)
    return;
  *slot = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
tw_account_finalize (GObject *object)
{
  TwAccount *self = (TwAccount *) object;

  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    g_free (G_STRUCT_MEMBER (char *, self, string_fields[i].offset));
  g_clear_pointer (&self->updated_at, g_date_time_unref);

  G_OBJECT_CLASS (tw_account_parent_class)->finalize (object);
}

static void
tw_account_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  TwAccount *self = TW_ACCOUNT (object);
  const TwFieldSpec *field;

  if ((field = FIND (string_fields, prop_id)))
    g_value_set_string (value, G_STRUCT_MEMBER (char *, self, field->offset));
  else if ((field = FIND (double_fields, prop_id)))
    g_value_set_double (value, G_STRUCT_MEMBER (double, self, field->offset));
  else if ((field = FIND (bool_fields, prop_id)))
    g_value_set_boolean (value, G_STRUCT_MEMBER (gboolean, self, field->offset));
  else if (prop_id == PROP_PAPER)
    g_value_set_boolean (value, self->paper);
  else if (prop_id == PROP_DAY_PL)
    g_value_set_double (value, tw_account_get_day_pl (self));
  else if (prop_id == PROP_DAY_PL_PERCENT)
    g_value_set_double (value, tw_account_get_day_pl_percent (self));
  else if (prop_id == PROP_UPDATED_AT)
    g_value_set_boxed (value, self->updated_at);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
tw_account_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  TwAccount *self = TW_ACCOUNT (object);

  if (FIND (string_fields, prop_id))
    set_string (self, prop_id, g_value_get_string (value));
  else if (FIND (double_fields, prop_id))
    set_double (self, prop_id, g_value_get_double (value));
  else if (FIND (bool_fields, prop_id))
    set_bool (self, prop_id, g_value_get_boolean (value));
  else if (prop_id == PROP_PAPER)
    tw_account_set_paper (self, g_value_get_boolean (value));
  else if (prop_id == PROP_UPDATED_AT)
    tw_account_set_updated_at (self, g_value_get_boxed (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
tw_account_class_init (TwAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tw_account_finalize;
  object_class->get_property = tw_account_get_property;
  object_class->set_property = tw_account_set_property;

  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    properties[string_fields[i].prop] =
      g_param_spec_string (string_fields[i].name, NULL, NULL, NULL, rw);
  for (guint i = 0; i < G_N_ELEMENTS (double_fields); i++)
    properties[double_fields[i].prop] =
      g_param_spec_double (double_fields[i].name, NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, rw);
  for (guint i = 0; i < G_N_ELEMENTS (bool_fields); i++)
    properties[bool_fields[i].prop] =
      g_param_spec_boolean (bool_fields[i].name, NULL, NULL, FALSE, rw);
  properties[PROP_PAPER] =
    g_param_spec_boolean ("paper", NULL, NULL, FALSE, rw);
  properties[PROP_DAY_PL] =
    g_param_spec_double ("day-pl", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, ro);
  properties[PROP_DAY_PL_PERCENT] =
    g_param_spec_double ("day-pl-percent", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, ro);
  properties[PROP_UPDATED_AT] =
    g_param_spec_boxed ("updated-at", NULL, NULL, G_TYPE_DATE_TIME, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_account_init (TwAccount *self)
{
}

TwAccount *
tw_account_new (const char *service_id)
{
  return g_object_new (TW_TYPE_ACCOUNT, "service-id", service_id, NULL);
}

#define STRING_GETTER(name)                                 \
  const char *                                              \
  tw_account_get_##name (TwAccount *self)                   \
  {                                                         \
    g_return_val_if_fail (TW_IS_ACCOUNT (self), NULL);      \
    return self->name;                                      \
  }
#define VALUE_GETTER(type, name)                            \
  type                                                      \
  tw_account_get_##name (TwAccount *self)                   \
  {                                                         \
    g_return_val_if_fail (TW_IS_ACCOUNT (self), 0);         \
    return self->name;                                      \
  }

STRING_GETTER (service_id)
STRING_GETTER (service_name)
STRING_GETTER (account_number)
STRING_GETTER (account_id)
STRING_GETTER (status)
STRING_GETTER (currency)
VALUE_GETTER (double, equity)
VALUE_GETTER (double, last_equity)
VALUE_GETTER (double, cash)
VALUE_GETTER (double, buying_power)
VALUE_GETTER (double, portfolio_value)
VALUE_GETTER (gboolean, trading_blocked)
VALUE_GETTER (gboolean, account_blocked)
VALUE_GETTER (gboolean, trade_suspended_by_user)
VALUE_GETTER (gboolean, paper)
VALUE_GETTER (gboolean, paper_known)

gboolean
tw_account_is_blocked (TwAccount *self)
{
  g_return_val_if_fail (TW_IS_ACCOUNT (self), FALSE);

  return self->trading_blocked || self->account_blocked || self->trade_suspended_by_user;
}

double
tw_account_get_day_pl (TwAccount *self)
{
  g_return_val_if_fail (TW_IS_ACCOUNT (self), 0);

  return self->equity - self->last_equity;
}

double
tw_account_get_day_pl_percent (TwAccount *self)
{
  g_return_val_if_fail (TW_IS_ACCOUNT (self), 0);

  if (self->last_equity == 0)
    return 0;
  return (self->equity - self->last_equity) / self->last_equity * 100.0;
}

/** tw_account_get_updated_at: Returns: (transfer none) (nullable) */
GDateTime *
tw_account_get_updated_at (TwAccount *self)
{
  g_return_val_if_fail (TW_IS_ACCOUNT (self), NULL);

  return self->updated_at;
}

void
tw_account_set_updated_at (TwAccount *self,
                           GDateTime *updated_at)
{
  g_return_if_fail (TW_IS_ACCOUNT (self));

  if (tw_set_date_time (&self->updated_at, updated_at))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
}

void
tw_account_set_paper (TwAccount *self,
                      gboolean   paper)
{
  g_return_if_fail (TW_IS_ACCOUNT (self));

  self->paper_known = TRUE;
  paper = !!paper;
  if (self->paper == paper)
    return;
  self->paper = paper;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAPER]);
}

void
tw_account_set_stale (TwAccount *self,
                      gboolean   stale)
{
  g_return_if_fail (TW_IS_ACCOUNT (self));

  set_bool (self, PROP_STALE, stale);
}

void
tw_account_update_from (TwAccount *self,
                        TwAccount *other)
{
  g_return_if_fail (TW_IS_ACCOUNT (self));
  g_return_if_fail (TW_IS_ACCOUNT (other));

  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    if (string_fields[i].prop != PROP_SERVICE_ID)
      set_string (self, string_fields[i].prop,
                  G_STRUCT_MEMBER (char *, other, string_fields[i].offset));
  for (guint i = 0; i < G_N_ELEMENTS (double_fields); i++)
    set_double (self, double_fields[i].prop,
                G_STRUCT_MEMBER (double, other, double_fields[i].offset));
  for (guint i = 0; i < G_N_ELEMENTS (bool_fields); i++)
    if (bool_fields[i].prop != PROP_STALE)
      set_bool (self, bool_fields[i].prop,
                G_STRUCT_MEMBER (gboolean, other, bool_fields[i].offset));
  if (other->paper_known)
    tw_account_set_paper (self, other->paper);
  g_object_thaw_notify (G_OBJECT (self));
}
