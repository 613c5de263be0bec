/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-order.h"

#include "tw-trading-model-private.h"

struct _TwOrder
{
  GObject    parent_instance;

  char      *service_id;
  char      *service_name;
  char      *id;
  char      *client_order_id;
  char      *symbol;
  char      *side;
  char      *type;
  char      *status;
  char      *approval_id;
  char      *approval_status;
  char      *key;
  double     qty;
  double     filled_qty;
  double     limit_price;
  GDateTime *created_at;
  GDateTime *submitted_at;
  guint      stuck_threshold;
  gint64     age_seconds;
  gboolean   stuck;
  gboolean   busy;
};

G_DEFINE_FINAL_TYPE (TwOrder, tw_order, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVICE_ID,
  PROP_SERVICE_NAME,
  PROP_ID,
  PROP_CLIENT_ORDER_ID,
  PROP_SYMBOL,
  PROP_SIDE,
  PROP_TYPE,
  PROP_STATUS,
  PROP_APPROVAL_ID,
  PROP_APPROVAL_STATUS,
  PROP_KEY,
  PROP_QTY,
  PROP_FILLED_QTY,
  PROP_LIMIT_PRICE,
  PROP_CREATED_AT,
  PROP_SUBMITTED_AT,
  PROP_STUCK_THRESHOLD,
  PROP_AGE_SECONDS,
  PROP_STUCK,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const TwFieldSpec string_fields[] = {
  { PROP_SERVICE_ID,      "service-id",      G_STRUCT_OFFSET (TwOrder, service_id) },
  { PROP_SERVICE_NAME,    "service-name",    G_STRUCT_OFFSET (TwOrder, service_name) },
  { PROP_ID,              "id",              G_STRUCT_OFFSET (TwOrder, id) },
  { PROP_CLIENT_ORDER_ID, "client-order-id", G_STRUCT_OFFSET (TwOrder, client_order_id) },
  { PROP_SYMBOL,          "symbol",          G_STRUCT_OFFSET (TwOrder, symbol) },
  { PROP_SIDE,            "side",            G_STRUCT_OFFSET (TwOrder, side) },
  { PROP_TYPE,            "type",            G_STRUCT_OFFSET (TwOrder, type) },
  { PROP_STATUS,          "status",          G_STRUCT_OFFSET (TwOrder, status) },
  { PROP_APPROVAL_ID,     "approval-id",     G_STRUCT_OFFSET (TwOrder, approval_id) },
  { PROP_APPROVAL_STATUS, "approval-status", G_STRUCT_OFFSET (TwOrder, approval_status) },
};

static const TwFieldSpec double_fields[] = {
  { PROP_QTY,         "qty",         G_STRUCT_OFFSET (TwOrder, qty) },
  { PROP_FILLED_QTY,  "filled-qty",  G_STRUCT_OFFSET (TwOrder, filled_qty) },
  { PROP_LIMIT_PRICE, "limit-price", G_STRUCT_OFFSET (TwOrder, limit_price) },
};

static const TwFieldSpec date_fields[] = {
  { PROP_CREATED_AT,   "created-at",   G_STRUCT_OFFSET (TwOrder, created_at) },
  { PROP_SUBMITTED_AT, "submitted-at", G_STRUCT_OFFSET (TwOrder, submitted_at) },
};

#define FIND(table, prop) _tw_field_spec_find (table, G_N_ELEMENTS (table), prop)

static const char * const pending_statuses[] = {
  "new", "accepted", "pending_new", "partially_filled", "held", "pending", "pending_approval",
};

gboolean
tw_order_status_is_pending (const char *status)
{
  if (status == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (pending_statuses); i++)
    if (g_ascii_strcasecmp (status, pending_statuses[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
update_stuck (TwOrder *self)
{
  gboolean stuck = tw_order_status_is_pending (self->status) &&
                   self->age_seconds >= 0 &&
                   self->age_seconds >= (gint64) self->stuck_threshold;

  if (self->stuck == stuck)
    return;
  self->stuck = stuck;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STUCK]);
}

static void
update_key (TwOrder *self)
{
  g_autofree char *key = g_strconcat (self->service_id ? self->service_id : "", ":",
                                      self->id ? self->id : "", NULL);

  if (tw_set_str (&self->key, key))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEY]);
}

static void
set_string (TwOrder    *self,
            guint       prop_id,
            const char *value)
{
  if (!tw_set_str (G_STRUCT_MEMBER_P (self, FIND (string_fields, prop_id)->offset), value))
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
  if (prop_id == PROP_SERVICE_ID || prop_id == PROP_ID)
    update_key (self);
  else if (prop_id == PROP_STATUS)
    update_stuck (self);
}

static void
set_double (TwOrder *self,
            guint    prop_id,
            double   value)
{
  double *slot = G_STRUCT_MEMBER_P (self, FIND (double_fields, prop_id)->offset);

  if (*slot == value)
    return;
  *slot = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_date (TwOrder   *self,
          guint      prop_id,
          GDateTime *value)
{
  if (tw_set_date_time (G_STRUCT_MEMBER_P (self, FIND (date_fields, prop_id)->offset), value))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
tw_order_finalize (GObject *object)
{
  TwOrder *self = (TwOrder *) object;

  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    g_free (G_STRUCT_MEMBER (char *, self, string_fields[i].offset));
  g_free (self->key);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->submitted_at, g_date_time_unref);

  G_OBJECT_CLASS (tw_order_parent_class)->finalize (object);
}

static void
tw_order_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  TwOrder *self = TW_ORDER (object);
  const TwFieldSpec *field;

  if ((field = FIND (string_fields, prop_id)))
    g_value_set_string (value, G_STRUCT_MEMBER (char *, self, field->offset));
  else if ((field = FIND (double_fields, prop_id)))
    g_value_set_double (value, G_STRUCT_MEMBER (double, self, field->offset));
  else if ((field = FIND (date_fields, prop_id)))
    g_value_set_boxed (value, G_STRUCT_MEMBER (GDateTime *, self, field->offset));
  else
    switch (prop_id)
      {
      case PROP_KEY:             g_value_set_string (value, self->key); break;
      case PROP_STUCK_THRESHOLD: g_value_set_uint (value, self->stuck_threshold); break;
      case PROP_AGE_SECONDS:     g_value_set_int64 (value, self->age_seconds); break;
      case PROP_STUCK:           g_value_set_boolean (value, self->stuck); break;
      case PROP_BUSY:            g_value_set_boolean (value, self->busy); break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      }
}

static void
tw_order_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  TwOrder *self = TW_ORDER (object);

  if (FIND (string_fields, prop_id))
    set_string (self, prop_id, g_value_get_string (value));
  else if (FIND (double_fields, prop_id))
    set_double (self, prop_id, g_value_get_double (value));
  else if (FIND (date_fields, prop_id))
    set_date (self, prop_id, g_value_get_boxed (value));
  else if (prop_id == PROP_STUCK_THRESHOLD)
    tw_order_set_stuck_threshold (self, g_value_get_uint (value));
  else if (prop_id == PROP_BUSY)
    tw_order_set_busy (self, g_value_get_boolean (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
tw_order_class_init (TwOrderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tw_order_finalize;
  object_class->get_property = tw_order_get_property;
  object_class->set_property = tw_order_set_property;

  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    properties[string_fields[i].prop] =
      g_param_spec_string (string_fields[i].name, NULL, NULL, NULL, rw);
  for (guint i = 0; i < G_N_ELEMENTS (double_fields); i++)
    properties[double_fields[i].prop] =
      g_param_spec_double (double_fields[i].name, NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, rw);
  for (guint i = 0; i < G_N_ELEMENTS (date_fields); i++)
    properties[date_fields[i].prop] =
      g_param_spec_boxed (date_fields[i].name, NULL, NULL, G_TYPE_DATE_TIME, rw);
  properties[PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, NULL, ro);
  properties[PROP_STUCK_THRESHOLD] =
    g_param_spec_uint ("stuck-threshold", NULL, NULL, 1, G_MAXUINT,
                       TW_ORDER_DEFAULT_STUCK_THRESHOLD, rw);
  properties[PROP_AGE_SECONDS] =
    g_param_spec_int64 ("age-seconds", NULL, NULL, -1, G_MAXINT64, -1, ro);
  properties[PROP_STUCK] =
    g_param_spec_boolean ("stuck", NULL, NULL, FALSE, ro);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_order_init (TwOrder *self)
{
  self->key = g_strdup (":");
  self->stuck_threshold = TW_ORDER_DEFAULT_STUCK_THRESHOLD;
  self->age_seconds = -1;
}

TwOrder *
tw_order_new (const char *service_id,
              const char *id)
{
  return g_object_new (TW_TYPE_ORDER, "service-id", service_id, "id", id, NULL);
}

#define GETTER(type, name, field)                      \
  type                                                 \
  tw_order_get_##name (TwOrder *self)                  \
  {                                                    \
    g_return_val_if_fail (TW_IS_ORDER (self), 0);      \
    return self->field;                                \
  }

GETTER (const char *, service_id, service_id)
GETTER (const char *, service_name, service_name)
GETTER (const char *, key, key)
GETTER (const char *, id, id)
GETTER (const char *, client_order_id, client_order_id)
GETTER (const char *, symbol, symbol)
GETTER (const char *, side, side)
GETTER (const char *, order_type, type)
GETTER (const char *, status, status)
GETTER (double, qty, qty)
GETTER (double, filled_qty, filled_qty)
GETTER (double, limit_price, limit_price)
GETTER (GDateTime *, created_at, created_at)
GETTER (GDateTime *, submitted_at, submitted_at)
GETTER (const char *, approval_id, approval_id)
GETTER (const char *, approval_status, approval_status)
GETTER (guint, stuck_threshold, stuck_threshold)
GETTER (gint64, age_seconds, age_seconds)
GETTER (gboolean, stuck, stuck)
GETTER (gboolean, busy, busy)

void
tw_order_set_stuck_threshold (TwOrder *self,
                              guint    seconds)
{
  g_return_if_fail (TW_IS_ORDER (self));
  g_return_if_fail (seconds > 0);

  if (self->stuck_threshold == seconds)
    return;
  self->stuck_threshold = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STUCK_THRESHOLD]);
  update_stuck (self);
}

void
tw_order_set_busy (TwOrder  *self,
                   gboolean  busy)
{
  g_return_if_fail (TW_IS_ORDER (self));

  busy = !!busy;
  if (self->busy == busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
tw_order_update_age (TwOrder   *self,
                     GDateTime *now)
{
  GDateTime *since;
  gint64 age = -1;

  g_return_if_fail (TW_IS_ORDER (self));
  g_return_if_fail (now != NULL);

  since = self->created_at != NULL ? self->created_at : self->submitted_at;
  if (since != NULL)
    age = MAX (0, g_date_time_difference (now, since) / G_USEC_PER_SEC);

  if (self->age_seconds != age)
    {
      self->age_seconds = age;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AGE_SECONDS]);
    }
  update_stuck (self);
}

void
tw_order_update_from (TwOrder *self,
                      TwOrder *other)
{
  g_return_if_fail (TW_IS_ORDER (self));
  g_return_if_fail (TW_IS_ORDER (other));

  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    set_string (self, string_fields[i].prop,
                G_STRUCT_MEMBER (char *, other, string_fields[i].offset));
  for (guint i = 0; i < G_N_ELEMENTS (double_fields); i++)
    set_double (self, double_fields[i].prop,
                G_STRUCT_MEMBER (double, other, double_fields[i].offset));
  for (guint i = 0; i < G_N_ELEMENTS (date_fields); i++)
    set_date (self, date_fields[i].prop,
              G_STRUCT_MEMBER (GDateTime *, other, date_fields[i].offset));
}
