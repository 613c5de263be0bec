/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-alert-engine.h"

#include "tw-alert-private.h"

/* One alert: a read-only model object (construct-only properties). */
struct _TwAlert
{
  GObject          parent_instance;

  char            *key;
  TwAlertSeverity  severity;
  char            *title;
  char            *body;
  char            *service_id;
  char            *page;
  gboolean         offers_halt;
  char            *category;
  GDateTime       *raised_at;
};

G_DEFINE_FINAL_TYPE (TwAlert, tw_alert, G_TYPE_OBJECT)

GType
tw_alert_severity_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { TW_ALERT_INFO, "TW_ALERT_INFO", "info" },
        { TW_ALERT_WARNING, "TW_ALERT_WARNING", "warning" },
        { TW_ALERT_CRITICAL, "TW_ALERT_CRITICAL", "critical" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static (g_intern_static_string ("TwAlertSeverity"), values);

      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

enum {
  PROP_0,
  PROP_KEY,
  PROP_SEVERITY,
  PROP_TITLE,
  PROP_BODY,
  PROP_SERVICE_ID,
  PROP_PAGE,
  PROP_OFFERS_HALT,
  PROP_CATEGORY,
  PROP_RAISED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tw_alert_finalize (GObject *object)
{
  TwAlert *self = TW_ALERT (object);

  g_free (self->key);
  g_free (self->title);
  g_free (self->body);
  g_free (self->service_id);
  g_free (self->page);
  g_free (self->category);
  g_clear_pointer (&self->raised_at, g_date_time_unref);

  G_OBJECT_CLASS (tw_alert_parent_class)->finalize (object);
}

static void
tw_alert_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  TwAlert *self = TW_ALERT (object);

  switch (prop_id)
    {
    case PROP_KEY:         g_value_set_string (value, self->key); break;
    case PROP_SEVERITY:    g_value_set_enum (value, self->severity); break;
    case PROP_TITLE:       g_value_set_string (value, self->title); break;
    case PROP_BODY:        g_value_set_string (value, self->body); break;
    case PROP_SERVICE_ID:  g_value_set_string (value, self->service_id); break;
    case PROP_PAGE:        g_value_set_string (value, self->page); break;
    case PROP_OFFERS_HALT: g_value_set_boolean (value, self->offers_halt); break;
    case PROP_CATEGORY:    g_value_set_string (value, self->category); break;
    case PROP_RAISED_AT:   g_value_set_boxed (value, self->raised_at); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_alert_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  TwAlert *self = TW_ALERT (object);

  switch (prop_id)
    {
    case PROP_KEY:         self->key = g_value_dup_string (value); break;
    case PROP_SEVERITY:    self->severity = g_value_get_enum (value); break;
    case PROP_TITLE:       self->title = g_value_dup_string (value); break;
    case PROP_BODY:        self->body = g_value_dup_string (value); break;
    case PROP_SERVICE_ID:  self->service_id = g_value_dup_string (value); break;
    case PROP_PAGE:        self->page = g_value_dup_string (value); break;
    case PROP_OFFERS_HALT: self->offers_halt = g_value_get_boolean (value); break;
    case PROP_CATEGORY:    self->category = g_value_dup_string (value); break;
    case PROP_RAISED_AT:   self->raised_at = g_value_dup_boxed (value); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_alert_constructed (GObject *object)
{
  TwAlert *self = TW_ALERT (object);

  G_OBJECT_CLASS (tw_alert_parent_class)->constructed (object);

  if (self->raised_at == NULL)
    self->raised_at = g_date_time_new_now_local ();
}

static void
tw_alert_class_init (TwAlertClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = tw_alert_constructed;
  object_class->finalize = tw_alert_finalize;
  object_class->get_property = tw_alert_get_property;
  object_class->set_property = tw_alert_set_property;

  properties[PROP_KEY] = g_param_spec_string ("key", NULL, NULL, NULL, flags);
  properties[PROP_SEVERITY] =
    g_param_spec_enum ("severity", NULL, NULL, TW_TYPE_ALERT_SEVERITY, TW_ALERT_INFO, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_BODY] = g_param_spec_string ("body", NULL, NULL, NULL, flags);
  properties[PROP_SERVICE_ID] = g_param_spec_string ("service-id", NULL, NULL, NULL, flags);
  properties[PROP_PAGE] = g_param_spec_string ("page", NULL, NULL, NULL, flags);
  properties[PROP_OFFERS_HALT] = g_param_spec_boolean ("offers-halt", NULL, NULL, FALSE, flags);
  properties[PROP_CATEGORY] = g_param_spec_string ("category", NULL, NULL, NULL, flags);
  properties[PROP_RAISED_AT] =
    g_param_spec_boxed ("raised-at", NULL, NULL, G_TYPE_DATE_TIME, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_alert_init (TwAlert *self)
{
}

TwAlert *
_tw_alert_new (const char      *key,
               TwAlertSeverity  severity,
               const char      *title,
               const char      *body,
               const char      *service_id,
               const char      *page,
               gboolean         offers_halt,
               const char      *category)
{
  return g_object_new (TW_TYPE_ALERT,
                       "key", key,
                       "severity", severity,
                       "title", title,
                       "body", body,
                       "service-id", service_id,
                       "page", page,
                       "offers-halt", offers_halt,
                       "category", category,
                       NULL);
}

const char *
tw_alert_get_key (TwAlert *self)
{
  g_return_val_if_fail (TW_IS_ALERT (self), NULL);

  return self->key;
}

TwAlertSeverity
tw_alert_get_severity (TwAlert *self)
{
  g_return_val_if_fail (TW_IS_ALERT (self), TW_ALERT_INFO);

  return self->severity;
}

const char *
tw_alert_get_title (TwAlert *self)
{
  g_return_val_if_fail (TW_IS_ALERT (self), NULL);

  return self->title;
}

const char *
tw_alert_get_body (TwAlert *self)
{
  g_return_val_if_fail (TW_IS_ALERT (self), NULL);

  return self->body;
}

const char *
tw_alert_get_service_id (TwAlert *self)
{
  g_return_val_if_fail (TW_IS_ALERT (self), NULL);

  return self->service_id;
}

const char *
tw_alert_get_page (TwAlert *self)
{
  g_return_val_if_fail (TW_IS_ALERT (self), NULL);

  return self->page;
}

gboolean
tw_alert_get_offers_halt (TwAlert *self)
{
  g_return_val_if_fail (TW_IS_ALERT (self), FALSE);

  return self->offers_halt;
}

const char *
tw_alert_get_category (TwAlert *self)
{
  g_return_val_if_fail (TW_IS_ALERT (self), NULL);

  return self->category;
}

/**
 * tw_alert_get_raised_at:
 *
 * Returns: (transfer none): when the alert was raised
 */
GDateTime *
tw_alert_get_raised_at (TwAlert *self)
{
  g_return_val_if_fail (TW_IS_ALERT (self), NULL);

  return self->raised_at;
}
