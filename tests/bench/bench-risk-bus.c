/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bench-risk-bus.h"

#include <json-glib/json-glib.h>

#define NOTIFY_IFACE   "org.freedesktop.Notifications"
#define RECORDER_PATH  "/io/github/tradewarden/Test/Recorder"
#define RECORDER_IFACE "io.github.tradewarden.Test.Recorder"

/* One Notify call as the monitor saw it. */
typedef struct
{
  gint64  time_us;
  char   *sender;
  char   *summary;
  guint8  urgency;
} NotifyCall;

struct _BenchBusMonitor
{
  GDBusConnection *connection;
  GMutex           lock;
  GArray          *calls;     /* NotifyCall, guarded by lock */
};

static void
notify_call_clear (gpointer data)
{
  NotifyCall *call = data;

  g_free (call->sender);
  g_free (call->summary);
}

/* Runs in GDBus's worker thread. Every incoming method call and signal is dropped: a
 * monitor must never answer anything (the bus would disconnect it), and GDBus would
 * answer an unknown method call. Replies pass, for BecomeMonitor's own. */
static GDBusMessage *
filter_cb (GDBusConnection *connection,
           GDBusMessage    *message,
           gboolean         incoming,
           gpointer         user_data)
{
  BenchBusMonitor *monitor = user_data;
  gint64 now = g_get_monotonic_time ();
  GDBusMessageType type;

  if (!incoming)
    return message;
  type = g_dbus_message_get_message_type (message);
  if (type == G_DBUS_MESSAGE_TYPE_METHOD_RETURN || type == G_DBUS_MESSAGE_TYPE_ERROR)
    return message;

  if (type == G_DBUS_MESSAGE_TYPE_METHOD_CALL
      && g_strcmp0 (g_dbus_message_get_interface (message), NOTIFY_IFACE) == 0
      && g_strcmp0 (g_dbus_message_get_member (message), "Notify") == 0)
    {
      GVariant *body = g_dbus_message_get_body (message);
      NotifyCall call = { now, g_strdup (g_dbus_message_get_sender (message)), NULL, 1 };

      if (body != NULL && g_variant_is_of_type (body, G_VARIANT_TYPE ("(susssasa{sv}i)")))
        {
          g_autoptr(GVariant) hints = g_variant_get_child_value (body, 6);

          g_variant_get_child (body, 3, "s", &call.summary);
          g_variant_lookup (hints, "urgency", "y", &call.urgency);
        }
      g_mutex_lock (&monitor->lock);
      g_array_append_val (monitor->calls, call);
      g_mutex_unlock (&monitor->lock);
      /* The main loop may be waiting for this call. */
      g_main_context_wakeup (NULL);
    }
  g_object_unref (message);
  return NULL;
}

BenchBusMonitor *
bench_bus_monitor_start (GError **error)
{
  BenchBusMonitor *monitor = g_new0 (BenchBusMonitor, 1);
  g_autofree char *address = NULL;
  g_autoptr(GVariant) reply = NULL;
  const char *rules[] = {
    "type='method_call',interface='" NOTIFY_IFACE "',member='Notify'",
    NULL
  };

  g_mutex_init (&monitor->lock);
  monitor->calls = g_array_new (FALSE, TRUE, sizeof (NotifyCall));
  g_array_set_clear_func (monitor->calls, notify_call_clear);

  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, error);
  if (address != NULL)
    monitor->connection =
      g_dbus_connection_new_for_address_sync (address,
                                              G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                              | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                              NULL, NULL, error);
  if (monitor->connection != NULL)
    {
      g_dbus_connection_add_filter (monitor->connection, filter_cb, monitor, NULL);
      reply = g_dbus_connection_call_sync (monitor->connection, "org.freedesktop.DBus",
                                           "/org/freedesktop/DBus",
                                           "org.freedesktop.DBus.Monitoring", "BecomeMonitor",
                                           g_variant_new ("(^asu)", rules, 0), NULL,
                                           G_DBUS_CALL_FLAGS_NONE, 5000, NULL, error);
    }
  if (reply == NULL)
    {
      bench_bus_monitor_free (monitor);
      return NULL;
    }
  return monitor;
}

void
bench_bus_monitor_free (BenchBusMonitor *monitor)
{
  if (monitor == NULL)
    return;
  /* Closed first: the filter never runs again once this returns. */
  if (monitor->connection != NULL)
    g_dbus_connection_close_sync (monitor->connection, NULL, NULL);
  g_clear_object (&monitor->connection);
  g_clear_pointer (&monitor->calls, g_array_unref);
  g_mutex_clear (&monitor->lock);
  g_free (monitor);
}

guint
bench_bus_monitor_count (BenchBusMonitor *monitor)
{
  guint n;

  g_mutex_lock (&monitor->lock);
  n = monitor->calls->len;
  g_mutex_unlock (&monitor->lock);
  return n;
}

gint64
bench_bus_monitor_find (BenchBusMonitor  *monitor,
                        guint             from,
                        gint64            since_us,
                        guint8            urgency,
                        const char       *prefix,
                        char            **sender)
{
  gint64 found = 0;

  g_mutex_lock (&monitor->lock);
  for (guint i = from; i < monitor->calls->len && found == 0; i++)
    {
      NotifyCall *call = &g_array_index (monitor->calls, NotifyCall, i);

      if (call->time_us >= since_us && call->urgency == urgency
          && call->summary != NULL && g_str_has_prefix (call->summary, prefix))
        {
          found = call->time_us;
          if (sender != NULL && *sender == NULL)
            *sender = g_strdup (call->sender);
        }
    }
  g_mutex_unlock (&monitor->lock);
  return found;
}

int
bench_recorder_count (const char *sender,
                      guint8      urgency,
                      const char *prefix)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *json;
  JsonArray *array;
  int n = 0;

  if (bus == NULL || sender == NULL)
    return -1;
  reply = g_dbus_connection_call_sync (bus, NOTIFY_IFACE, RECORDER_PATH, RECORDER_IFACE,
                                       "GetNotificationsFrom", g_variant_new ("(s)", sender),
                                       G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, 5000,
                                       NULL, NULL);
  if (reply == NULL)
    return -1;
  g_variant_get (reply, "(&s)", &json);
  if (!json_parser_load_from_data (parser, json, -1, NULL)
      || !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    return -1;
  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *record = json_array_get_object_element (array, i);
      const char *summary = json_object_get_string_member_with_default (record, "summary", "");

      if (json_object_get_int_member_with_default (record, "urgency", 1) == urgency
          && g_str_has_prefix (summary, prefix))
        n++;
    }
  return n;
}
