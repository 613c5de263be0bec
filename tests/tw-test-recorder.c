/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-test-recorder.h"

#include <string.h>

#include "tw-test-util.h"

static GVariant *
recorder_call (const char *method,
               GVariant   *parameters)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  g_assert_nonnull (bus);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.Notifications",
                                       "/io/github/tradewarden/Test/Recorder",
                                       "io.github.tradewarden.Test.Recorder", method, parameters,
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  g_assert_no_error (error);
  return reply;
}

gboolean
tw_test_recorder_available (void)
{
  return g_getenv ("TW_NOTIFY_LOG") != NULL;
}

void
tw_test_recorder_clear (void)
{
  g_autoptr(GVariant) reply = recorder_call ("Clear", NULL);
}

JsonArray *
tw_test_recorder_get (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *json;

  g_assert_nonnull (bus);
  reply = recorder_call ("GetNotificationsFrom",
                         g_variant_new ("(s)", g_dbus_connection_get_unique_name (bus)));
  g_variant_get (reply, "(&s)", &json);
  node = json_from_string (json, NULL);
  g_assert_nonnull (node);
  return json_array_ref (json_node_get_array (node));
}

static gboolean
matches (JsonObject *call,
         const char *summary_part,
         int         urgency)
{
  if (summary_part != NULL && strstr (json_object_get_string_member (call, "summary"), summary_part) == NULL)
    return FALSE;
  return urgency < 0 || json_object_get_int_member (call, "urgency") == urgency;
}

JsonObject *
tw_test_recorder_find (const char *summary_part,
                       int         urgency)
{
  g_autoptr(JsonArray) calls = tw_test_recorder_get ();

  for (guint i = 0; i < json_array_get_length (calls); i++)
    {
      JsonObject *call = json_array_get_object_element (calls, i);

      if (matches (call, summary_part, urgency))
        return json_object_ref (call);
    }
  return NULL;
}

guint
tw_test_recorder_count (const char *summary_part,
                        int         urgency)
{
  g_autoptr(JsonArray) calls = tw_test_recorder_get ();
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (calls); i++)
    n += matches (json_array_get_object_element (calls, i), summary_part, urgency);
  return n;
}

typedef struct
{
  const char *summary_part;
  int         urgency;
  JsonObject *call;
} Find;

static gboolean
found (gpointer data)
{
  Find *find = data;

  find->call = tw_test_recorder_find (find->summary_part, find->urgency);
  return find->call != NULL;
}

JsonObject *
tw_test_recorder_wait (const char *summary_part,
                       int         urgency,
                       guint       timeout_ms)
{
  Find find = { summary_part, urgency, NULL };

  tw_test_wait_for (found, &find, timeout_ms);
  return find.call;
}

gboolean
tw_test_recorder_has_action (JsonObject *call,
                             const char *key)
{
  JsonArray *actions = json_object_get_array_member (call, "actions");

  for (guint i = 0; i + 1 < json_array_get_length (actions); i += 2)
    if (g_strcmp0 (json_array_get_string_element (actions, i), key) == 0)
      return TRUE;
  return FALSE;
}

void
tw_test_recorder_invoke (JsonObject *call,
                         const char *key)
{
  g_autoptr(GVariant) reply = NULL;

  reply = recorder_call ("InvokeAction",
                         g_variant_new ("(us)", (guint32) json_object_get_int_member (call, "id"), key));
}
