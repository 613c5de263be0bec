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
  TwAlertsService *alerts;
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

static NotifyNotification *
find_open (TwNotifier *self,
           const char *key)
{
  for (guint i = 0; key != NULL && i < self->open->len; i++)
    {
      NotifyNotification *notification = g_ptr_array_index (self->open, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (notification), "tw-key"), key) == 0)
        return notification;
    }
  return NULL;
}

static void ack_action_cb (NotifyNotification *notification,
                           char               *action,
                           gpointer            user_data);

static gboolean
notify_full (TwNotifier       *self,
             const char       *key,
             TwAlertSeverity   severity,
             const char       *category,
             const char       *title,
             const char       *body,
             const char       *page,
             gboolean          offers_halt,
             gboolean          offers_ack,
             GError          **error)
{
  NotifyNotification *notification;
  g_autoptr(GError) local_error = NULL;

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
  if (offers_ack)
    notify_notification_add_action (notification, "ack", _("Acknowledge"),
                                    ack_action_cb, self, NULL);

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
  g_return_val_if_fail (TW_IS_NOTIFIER (self), FALSE);
  g_return_val_if_fail (title != NULL, FALSE);

  return notify_full (self, key, severity, category, title, body, page, offers_halt, FALSE, error);
}

/* The alerts service's notifications (issue 14) */

static void
withdraw (TwNotifier *self,
          const char *key)
{
  NotifyNotification *notification = find_open (self, key);

  if (notification == NULL)
    return;
  g_signal_handlers_disconnect_by_data (notification, self);
  notify_notification_clear_actions (notification);
  /* The server may be gone: the notification goes from our list either way. */
  notify_notification_close (notification, NULL);
  g_ptr_array_remove (self->open, notification);
}

static void
acked_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!tw_alerts_service_acknowledge_finish (TW_ALERTS_SERVICE (object), result, &error))
    g_message ("Acknowledge from the notification: %s", error->message);
}

static void
ack_action_cb (NotifyNotification *notification,
               char               *action,
               gpointer            user_data)
{
  TwNotifier *self = user_data;
  const char *key = g_object_get_data (G_OBJECT (notification), "tw-key");

  if (self->alerts == NULL || key == NULL)
    return;
  /* Until resolved: the page offers a note and a duration. */
  tw_alerts_service_acknowledge_async (self->alerts, key, _("Acknowledged from the notification"), 0,
                                       NULL, acked_cb, NULL);
}

static void
alerts_notify_cb (TwAlertsService *alerts,
                  TwAlertItem     *item,
                  TwNotifier      *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *labels = NULL;
  g_autofree char *sources = NULL;
  const char *summary = tw_alert_item_get_summary (item);
  const char *severity = tw_alert_item_get_severity_label (item);
  g_autofree char *title = NULL;

  if (tw_alert_item_get_source_kind (item) == TW_ALERT_SOURCE_CONSOLE)
    {
      /* The engine's alert, as it would have shown it, with an Acknowledge button. */
      withdraw (self, tw_alert_item_get_key (item));
      if (!notify_full (self, tw_alert_item_get_key (item), tw_alert_item_get_severity (item),
                        tw_alert_item_get_category (item), tw_alert_item_get_name (item),
                        tw_alert_item_get_body (item), tw_alert_item_get_page (item),
                        tw_alert_item_get_offers_halt (item), TRUE, &error))
        g_warning ("%s", error->message);
      return;
    }

  labels = tw_alert_item_format_labels (item);
  sources = tw_alert_item_format_sources (item);
  title = severity != NULL ? g_strdup_printf ("%s (%s)", tw_alert_item_get_name (item), severity)
                           : g_strdup (tw_alert_item_get_name (item));
  if (summary != NULL)
    g_string_append (body, summary);
  if (*labels != '\0')
    g_string_append_printf (body, "%s%s", body->len > 0 ? "\n" : "", labels);
  g_string_append_printf (body, "%s%s", body->len > 0 ? "\n" : "", sources);

  withdraw (self, tw_alert_item_get_key (item));
  if (!notify_full (self, tw_alert_item_get_key (item), tw_alert_item_get_severity (item),
                    "x-tradewarden.alertmanager", title, body->str, "alerts",
                    tw_alert_item_get_offers_halt (item), TRUE, &error))
    g_warning ("%s", error->message);
}

static void
alerts_withdraw_cb (TwAlertsService *alerts,
                    TwAlertItem     *item,
                    TwNotifier      *self)
{
  withdraw (self, tw_alert_item_get_key (item));
}

static void
alerts_summary_cb (TwAlertsService *alerts,
                   const char      *key,
                   int              severity,
                   const char      *title,
                   const char      *body,
                   TwNotifier      *self)
{
  g_autoptr(GError) error = NULL;

  withdraw (self, key);
  if (!notify_full (self, key, severity, "x-tradewarden.alertmanager", title, body, "alerts",
                    severity == TW_ALERT_CRITICAL, FALSE, &error))
    g_warning ("%s", error->message);
}

void
tw_notifier_set_alerts (TwNotifier      *self,
                        TwAlertsService *alerts)
{
  g_return_if_fail (TW_IS_NOTIFIER (self));
  g_return_if_fail (alerts == NULL || TW_IS_ALERTS_SERVICE (alerts));

  if (self->alerts == alerts)
    return;
  if (self->alerts != NULL)
    g_signal_handlers_disconnect_by_data (self->alerts, self);
  g_set_object (&self->alerts, alerts);
  if (alerts != NULL)
    {
      g_signal_connect (alerts, "notify-alert", G_CALLBACK (alerts_notify_cb), self);
      g_signal_connect (alerts, "withdraw-alert", G_CALLBACK (alerts_withdraw_cb), self);
      g_signal_connect (alerts, "notify-summary", G_CALLBACK (alerts_summary_cb), self);
    }
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

  /* The alerts service notifies the engine's alerts itself (acknowledgement, storms). */
  if (self->alerts != NULL && tw_alerts_service_get_engine (self->alerts) == engine)
    return;
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
  tw_notifier_set_alerts (self, NULL);
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
