/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-notifier.h"

#include <glib/gi18n.h>
#include <libnotify/notify.h>

#include "tw-error.h"

struct _TwNotifier
{
  GObject        parent_instance;

  GActionGroup  *actions;     /* weak: the application owns the notifier */
  TwAlertEngine *engine;
  GPtrArray     *open;        /* NotifyNotification, alive until closed */
  guint          n_shown;
};

G_DEFINE_FINAL_TYPE (TwNotifier, tw_notifier, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ACTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
closed_cb (NotifyNotification *notification,
           TwNotifier         *self)
{
  g_signal_handlers_disconnect_by_data (notification, self);
  g_ptr_array_remove (self->open, notification);
}

static void
open_action_cb (NotifyNotification *notification,
                char               *action,
                gpointer            user_data)
{
  TwNotifier *self = user_data;
  const char *page = g_object_get_data (G_OBJECT (notification), "tw-page");

  if (self->actions == NULL)
    return;
  g_action_group_activate_action (self->actions, "show-page",
                                  g_variant_new_string (page != NULL ? page : "overview"));
}

static void
halt_action_cb (NotifyNotification *notification,
                char               *action,
                gpointer            user_data)
{
  TwNotifier *self = user_data;

  if (self->actions == NULL)
    return;
  /* Toward safety: one click, no dialog. */
  g_action_group_activate_action (self->actions, "halt", NULL);
}

static NotifyUrgency
urgency_of (TwAlertSeverity severity)
{
  switch (severity)
    {
    case TW_ALERT_CRITICAL:
      return NOTIFY_URGENCY_CRITICAL;
    case TW_ALERT_INFO:
      return NOTIFY_URGENCY_LOW;
    case TW_ALERT_WARNING:
    default:
      return NOTIFY_URGENCY_NORMAL;
    }
}

gboolean
tw_notifier_notify (TwNotifier       *self,
                    const char       *key,
                    TwAlertSeverity   severity,
                    const char       *category,
                    const char       *title,
                    const char       *body,
                    const char       *page,
                    gboolean          offers_halt,
                    GError          **error)
{
  NotifyNotification *notification;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (TW_IS_NOTIFIER (self), FALSE);
  g_return_val_if_fail (title != NULL, FALSE);

  notification = notify_notification_new (title, body, APP_ID);
  notify_notification_set_urgency (notification, urgency_of (severity));
  notify_notification_set_category (notification,
                                    category != NULL ? category : "x-tradewarden.alert");
  notify_notification_set_hint (notification, "desktop-entry", g_variant_new_string (APP_ID));
  /* A critical alert stays until the operator deals with it. */
  notify_notification_set_timeout (notification,
                                   severity == TW_ALERT_CRITICAL ? NOTIFY_EXPIRES_NEVER
                                                                 : NOTIFY_EXPIRES_DEFAULT);
  g_object_set_data_full (G_OBJECT (notification), "tw-page", g_strdup (page), g_free);
  g_object_set_data_full (G_OBJECT (notification), "tw-key", g_strdup (key), g_free);

  notify_notification_add_action (notification, "default", _("Open"),
                                  open_action_cb, self, NULL);
  notify_notification_add_action (notification, "open", _("Open"),
                                  open_action_cb, self, NULL);
  if (offers_halt)
    notify_notification_add_action (notification, "halt", _("Halt trading"),
                                    halt_action_cb, self, NULL);

  if (!notify_notification_show (notification, &local_error))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                   _("Could not show the notification “%s”: %s. Check that a notification service runs in your session."),
                   title, local_error->message);
      g_object_unref (notification);
      return FALSE;
    }

  self->n_shown++;
  g_signal_connect (notification, "closed", G_CALLBACK (closed_cb), self);
  g_ptr_array_add (self->open, notification);
  return TRUE;
}

gboolean
tw_notifier_show (TwNotifier  *self,
                  TwAlert     *alert,
                  GError     **error)
{
  g_return_val_if_fail (TW_IS_NOTIFIER (self), FALSE);
  g_return_val_if_fail (TW_IS_ALERT (alert), FALSE);

  return tw_notifier_notify (self, tw_alert_get_key (alert), tw_alert_get_severity (alert),
                             tw_alert_get_category (alert), tw_alert_get_title (alert),
                             tw_alert_get_body (alert), tw_alert_get_page (alert),
                             tw_alert_get_offers_halt (alert), error);
}

static void
alert_cb (TwAlertEngine *engine,
          TwAlert       *alert,
          TwNotifier    *self)
{
  g_autoptr(GError) error = NULL;

  if (!tw_notifier_show (self, alert, &error))
    g_warning ("%s", error->message);
}

void
tw_notifier_set_engine (TwNotifier    *self,
                        TwAlertEngine *engine)
{
  g_return_if_fail (TW_IS_NOTIFIER (self));
  g_return_if_fail (engine == NULL || TW_IS_ALERT_ENGINE (engine));

  if (self->engine == engine)
    return;
  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_set_object (&self->engine, engine);
  if (engine != NULL)
    g_signal_connect (engine, "alert", G_CALLBACK (alert_cb), self);
}

guint
tw_notifier_get_n_open (TwNotifier *self)
{
  g_return_val_if_fail (TW_IS_NOTIFIER (self), 0);

  return self->open->len;
}

guint
tw_notifier_get_n_shown (TwNotifier *self)
{
  g_return_val_if_fail (TW_IS_NOTIFIER (self), 0);

  return self->n_shown;
}

static void
tw_notifier_dispose (GObject *object)
{
  TwNotifier *self = TW_NOTIFIER (object);

  tw_notifier_set_engine (self, NULL);
  for (guint i = 0; i < self->open->len; i++)
    {
      NotifyNotification *notification = g_ptr_array_index (self->open, i);

      /* Their callbacks point at us: after this, buttons do nothing. */
      g_signal_handlers_disconnect_by_data (notification, self);
      notify_notification_clear_actions (notification);
    }
  g_ptr_array_set_size (self->open, 0);
  if (self->actions != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->actions), (gpointer *) &self->actions);
  self->actions = NULL;

  G_OBJECT_CLASS (tw_notifier_parent_class)->dispose (object);
}

static void
tw_notifier_finalize (GObject *object)
{
  TwNotifier *self = TW_NOTIFIER (object);

  g_ptr_array_unref (self->open);

  G_OBJECT_CLASS (tw_notifier_parent_class)->finalize (object);
}

static void
tw_notifier_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TwNotifier *self = TW_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_ACTIONS:
      g_value_set_object (value, self->actions);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_notifier_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  TwNotifier *self = TW_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_ACTIONS:
      self->actions = g_value_get_object (value);
      if (self->actions != NULL)
        g_object_add_weak_pointer (G_OBJECT (self->actions), (gpointer *) &self->actions);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_notifier_class_init (TwNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tw_notifier_dispose;
  object_class->finalize = tw_notifier_finalize;
  object_class->get_property = tw_notifier_get_property;
  object_class->set_property = tw_notifier_set_property;

  properties[PROP_ACTIONS] =
    g_param_spec_object ("actions", NULL, NULL, G_TYPE_ACTION_GROUP,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_notifier_init (TwNotifier *self)
{
  self->open = g_ptr_array_new_with_free_func (g_object_unref);
  /* Once per process; the name is what notification servers show. */
  if (!notify_is_initted ())
    notify_init (_("Trade Warden"));
}

TwNotifier *
tw_notifier_new (GActionGroup *actions)
{
  g_return_val_if_fail (actions == NULL || G_IS_ACTION_GROUP (actions), NULL);

  return g_object_new (TW_TYPE_NOTIFIER, "actions", actions, NULL);
}
