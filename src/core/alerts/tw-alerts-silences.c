/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-alerts-service-private.h"

#include <glib/gi18n-lib.h>

#include "tw-error.h"

/* The silences of the profile's Alertmanagers: listed (GET /api/v2/silences) and expired
 * (DELETE /api/v2/silence/{id}) from the Alerts page. */

void
tw_alert_silence_free (TwAlertSilence *silence)
{
  if (silence == NULL)
    return;
  g_free (silence->id);
  g_free (silence->service_id);
  g_free (silence->source);
  g_free (silence->state);
  g_free (silence->created_by);
  g_free (silence->comment);
  g_free (silence->matchers);
  g_clear_pointer (&silence->ends_at, g_date_time_unref);
  g_free (silence);
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static char *
format_matchers (JsonArray *matchers)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; matchers != NULL && i < json_array_get_length (matchers); i++)
    {
      JsonNode *node = json_array_get_element (matchers, i);
      JsonObject *matcher;
      gboolean regex, equal = TRUE;
      JsonNode *is_equal;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      matcher = json_node_get_object (node);
      regex = json_object_get_boolean_member_with_default (matcher, "isRegex", FALSE);
      is_equal = json_object_get_member (matcher, "isEqual");
      if (is_equal != NULL && JSON_NODE_HOLDS_VALUE (is_equal)
          && json_node_get_value_type (is_equal) == G_TYPE_BOOLEAN)
        equal = json_node_get_boolean (is_equal);
      g_string_append_printf (out, "%s%s%s%s", out->len > 0 ? ", " : "",
                              string_member (matcher, "name") ?: "?",
                              regex ? (equal ? "=~" : "!~") : (equal ? "=" : "!="),
                              string_member (matcher, "value") ?: "");
    }
  return g_string_free (out, FALSE);
}

/* List */

typedef struct
{
  GPtrArray *silences;
  guint      pending;
} ListData;

static void
list_data_free (ListData *data)
{
  g_ptr_array_unref (data->silences);
  g_free (data);
}

static int
compare_ends (gconstpointer a,
              gconstpointer b)
{
  const TwAlertSilence *x = *(TwAlertSilence **) a;
  const TwAlertSilence *y = *(TwAlertSilence **) b;

  if (x->ends_at == NULL || y->ends_at == NULL)
    return (x->ends_at == NULL) - (y->ends_at == NULL);
  return g_date_time_compare (x->ends_at, y->ends_at);
}

static void
read_silences (ListData   *data,
               TwAmSource *am,
               JsonNode   *root)
{
  JsonArray *array;

  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_message ("%s: the silences are not a list", am->name);
      return;
    }
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object, *status;
      JsonNode *status_node, *matchers;
      const char *state;
      TwAlertSilence *silence;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      status_node = json_object_get_member (object, "status");
      if (status_node == NULL || !JSON_NODE_HOLDS_OBJECT (status_node))
        continue;
      status = json_node_get_object (status_node);
      state = string_member (status, "state");
      if (g_strcmp0 (state, "active") != 0 && g_strcmp0 (state, "pending") != 0)
        continue;
      if (string_member (object, "id") == NULL)
        continue;
      silence = g_new0 (TwAlertSilence, 1);
      silence->id = g_strdup (string_member (object, "id"));
      silence->service_id = g_strdup (am->id);
      silence->source = g_strdup (am->name);
      silence->state = g_strdup (state);
      silence->created_by = g_strdup (string_member (object, "createdBy"));
      silence->comment = g_strdup (string_member (object, "comment"));
      matchers = json_object_get_member (object, "matchers");
      silence->matchers = format_matchers (matchers != NULL && JSON_NODE_HOLDS_ARRAY (matchers)
                                           ? json_node_get_array (matchers) : NULL);
      silence->ends_at = _tw_am_parse_time (string_member (object, "endsAt"));
      g_ptr_array_add (data->silences, silence);
    }
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwAlertsService *self = g_task_get_source_object (task);
  ListData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = tw_client_call_finish (TW_CLIENT (object), result, NULL, &error);
  TwAmSource *am = NULL;

  for (guint i = 0; i < self->ams->len; i++)
    if (((TwAmSource *) g_ptr_array_index (self->ams, i))->client == TW_CLIENT (object))
      am = g_ptr_array_index (self->ams, i);
  if (root == NULL)
    g_message ("%s: silences not read: %s", am != NULL ? am->name : "?", error->message);
  else if (am != NULL)
    read_silences (data, am, root);

  if (--data->pending > 0)
    return;
  g_ptr_array_sort (data->silences, compare_ends);
  g_task_return_pointer (task, g_ptr_array_ref (data->silences), (GDestroyNotify) g_ptr_array_unref);
}

void
tw_alerts_service_list_silences_async (TwAlertsService     *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ListData *data;

  g_return_if_fail (TW_IS_ALERTS_SERVICE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_alerts_service_list_silences_async);
  data = g_new0 (ListData, 1);
  data->silences = g_ptr_array_new_with_free_func ((GDestroyNotify) tw_alert_silence_free);
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);
  if (self->ams->len == 0)
    {
      g_task_return_pointer (task, g_ptr_array_ref (data->silences), (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  data->pending = self->ams->len;
  for (guint i = 0; i < self->ams->len; i++)
    tw_client_call_async (((TwAmSource *) g_ptr_array_index (self->ams, i))->client, "silences.list",
                          NULL, cancellable ?: self->cancellable, listed_cb, g_object_ref (task));
}

GPtrArray *
tw_alerts_service_list_silences_finish (TwAlertsService  *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Expire */

typedef struct
{
  char *target;
  char *reason;
  char *am_name;
  char *silence_id;
} ExpireData;

static void
expire_data_free (ExpireData *data)
{
  g_free (data->target);
  g_free (data->reason);
  g_free (data->am_name);
  g_free (data->silence_id);
  g_free (data);
}

static void
expired_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwAlertsService *self = g_task_get_source_object (task);
  ExpireData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = tw_client_call_finish (TW_CLIENT (object), result, NULL, &error);
  g_autofree char *message = NULL;

  if (root == NULL)
    {
      message = g_strdup_printf ("in %s, not expired: %s", data->am_name, error->message);
      _tw_alerts_service_audit_target (self, "alert.silence-expire", data->target, data->reason, FALSE, message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  message = g_strdup_printf ("expired in %s by %s", data->am_name, g_get_user_name ());
  _tw_alerts_service_audit_target (self, "alert.silence-expire", data->target, data->reason, TRUE, message);
  /* The silence of an acknowledgement: the acknowledgement ends with it. */
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, self->items);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      if (g_strcmp0 (tw_alert_item_get_ack_silence_id (value), data->silence_id) == 0)
        {
          _tw_alert_item_clear_ack (value);
          _tw_alert_item_set_silenced_by (value, NULL);
          _tw_alerts_service_item_changed (self, value);
          break;
        }
  }
  tw_alerts_service_refresh (self);
  g_task_return_boolean (task, TRUE);
}

void
tw_alerts_service_expire_silence_async (TwAlertsService     *self,
                                        const char          *service_id,
                                        const char          *silence_id,
                                        const char          *reason,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) vars = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (reason != NULL ? reason : ""));
  TwAmSource *am;
  ExpireData *data;

  g_return_if_fail (TW_IS_ALERTS_SERVICE (self));
  g_return_if_fail (silence_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_alerts_service_expire_silence_async);
  am = _tw_alerts_service_am_by_id (self, service_id);
  if (am == NULL)
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_NOT_FOUND,
                               _("No Alertmanager of this profile has that silence"));
      return;
    }
  data = g_new0 (ExpireData, 1);
  data->target = g_strdup_printf ("silence %s", silence_id);
  data->reason = g_strdup (stripped);
  data->am_name = g_strdup (am->name);
  data->silence_id = g_strdup (silence_id);
  g_task_set_task_data (task, data, (GDestroyNotify) expire_data_free);
  if (*stripped == '\0')
    {
      _tw_alerts_service_audit_target (self, "alert.silence-expire", data->target, NULL, FALSE,
                                       "refused: no reason given");
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_REFUSED,
                               _("Expiring a silence needs a reason: say why the alerts may notify again."));
      return;
    }
  vars = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (vars, "id", (gpointer) silence_id);
  tw_client_call_async (am->client, "silence.expire", vars, cancellable ?: self->cancellable, expired_cb, g_steal_pointer (&task));
}

gboolean
tw_alerts_service_expire_silence_finish (TwAlertsService  *self,
                                         GAsyncResult     *result,
                                         GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
