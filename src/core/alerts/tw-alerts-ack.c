/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-alerts-service-private.h"

#include <glib/gi18n-lib.h>

#include "tw-error.h"

/* Acknowledgement, which Alertmanager has not (its issue #1860): for an Alertmanager
 * alert a silence matching exactly its labels, made by the console and expired by it as
 * soon as the alert resolves (Alertmanager would keep silencing a recurrence); for the
 * console's own alerts a local mark. Every ack, unack, silence and expiry is audited. */

#define DEFAULT_ACK_COMMENT "Acknowledged in Trade Warden"

typedef struct
{
  TwAlertsService *self;   /* weak: the timer dies with the service */
  char            *key;
} AckTimer;

static void
ack_timer_free (AckTimer *timer)
{
  g_free (timer->key);
  g_free (timer);
}

void
_tw_alerts_ack_clear_timers (TwAlertsService *self)
{
  GHashTableIter iter;
  gpointer id;

  g_hash_table_iter_init (&iter, self->ack_timers);
  while (g_hash_table_iter_next (&iter, NULL, &id))
    g_source_remove (GPOINTER_TO_UINT (id));
  g_hash_table_remove_all (self->ack_timers);
}

static void
clear_timer (TwAlertsService *self,
             const char      *key)
{
  gpointer id;

  if (g_hash_table_lookup_extended (self->ack_timers, key, NULL, &id))
    {
      g_source_remove (GPOINTER_TO_UINT (id));
      g_hash_table_remove (self->ack_timers, key);
    }
}

/* Expiring a silence, fire and forget: the audit row says how it went. */

typedef struct
{
  TwAlertsService *self;
  TwAlertItem     *item;
  char            *action;
  char            *reason;
  char            *silence_id;
  char            *am_name;
} ExpireData;

static void
expire_data_free (ExpireData *data)
{
  g_object_unref (data->self);
  g_object_unref (data->item);
  g_free (data->action);
  g_free (data->reason);
  g_free (data->silence_id);
  g_free (data->am_name);
  g_free (data);
}

static void
expired_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ExpireData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = tw_client_call_finish (TW_CLIENT (object), result, NULL, &error);
  g_autofree char *message = NULL;

  if (root == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      message = g_strdup_printf ("in %s, not expired: %s", data->am_name, error->message);
      _tw_alerts_service_audit (data->self, data->action, data->item, data->silence_id, data->reason,
                                FALSE, message);
    }
  else if (root != NULL)
    {
      message = g_strdup_printf ("expired in %s", data->am_name);
      _tw_alerts_service_audit (data->self, data->action, data->item, data->silence_id, data->reason,
                                TRUE, message);
      tw_alerts_service_refresh (data->self);
    }
  expire_data_free (data);
}

static void
expire_silence (TwAlertsService *self,
                TwAlertItem     *item,
                const char      *am_id,
                const char      *silence_id,
                const char      *action,
                const char      *reason)
{
  TwAmSource *am = _tw_alerts_service_am_by_id (self, am_id);
  g_autoptr(GHashTable) vars = NULL;
  ExpireData *data;

  if (am == NULL || silence_id == NULL)
    return;
  data = g_new0 (ExpireData, 1);
  data->self = g_object_ref (self);
  data->item = g_object_ref (item);
  data->action = g_strdup (action);
  data->reason = g_strdup (reason);
  data->silence_id = g_strdup (silence_id);
  data->am_name = g_strdup (am->name);
  vars = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (vars, "id", (gpointer) silence_id);
  tw_client_call_async (am->client, "silence.expire", vars, self->cancellable, expired_cb, data);
}

/* An ack silence of an alert no longer listed (an entry of the state file): expired, the
 * audit row naming the alert by its key. */
typedef struct
{
  TwAlertsService *self;
  char            *target;
  char            *reason;
  char            *am_name;
} ExpireIdData;

static void
expired_id_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  ExpireIdData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = tw_client_call_finish (TW_CLIENT (object), result, NULL, &error);
  g_autofree char *message = NULL;

  if (root != NULL || g_error_matches (error, TW_ERROR, TW_ERROR_NOT_FOUND))
    {
      message = g_strdup_printf ("expired in %s", data->am_name);
      _tw_alerts_service_audit_target (data->self, "alert.silence-expire", data->target, data->reason,
                                       TRUE, message);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      message = g_strdup_printf ("in %s, not expired: %s", data->am_name, error->message);
      _tw_alerts_service_audit_target (data->self, "alert.silence-expire", data->target, data->reason,
                                       FALSE, message);
    }
  g_object_unref (data->self);
  g_free (data->target);
  g_free (data->reason);
  g_free (data->am_name);
  g_free (data);
}

void
_tw_alerts_ack_expire_by_id (TwAlertsService *self,
                             const char      *key,
                             const char      *am_id,
                             const char      *silence_id,
                             const char      *reason)
{
  TwAmSource *am = _tw_alerts_service_am_by_id (self, am_id);
  g_autoptr(GHashTable) vars = NULL;
  ExpireIdData *data;

  if (am == NULL || silence_id == NULL)
    return;
  data = g_new0 (ExpireIdData, 1);
  data->self = g_object_ref (self);
  data->target = g_strdup_printf ("%s silence %s", key, silence_id);
  data->reason = g_strdup (reason);
  data->am_name = g_strdup (am->name);
  vars = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (vars, "id", (gpointer) silence_id);
  tw_client_call_async (am->client, "silence.expire", vars, self->cancellable, expired_id_cb, data);
}

void
_tw_alerts_ack_item_resolved (TwAlertsService *self,
                              TwAlertItem     *item)
{
  g_autofree char *am_id = NULL;
  g_autofree char *silence_id = NULL;

  if (!tw_alert_item_is_acknowledged (item))
    return;
  clear_timer (self, tw_alert_item_get_key (item));
  am_id = g_strdup (_tw_alert_item_get_ack_silence_service (item));
  silence_id = g_strdup (tw_alert_item_get_ack_silence_id (item));
  _tw_alert_item_clear_ack (item);
  _tw_alerts_ack_save (self);
  if (silence_id != NULL)
    expire_silence (self, item, am_id, silence_id, "alert.silence-expire",
                    "the alert resolved");
}

static gboolean
ack_end_cb (gpointer user_data)
{
  AckTimer *timer = user_data;
  TwAlertsService *self = timer->self;
  TwAlertItem *item = g_hash_table_lookup (self->items, timer->key);
  g_autofree char *am_id = NULL;
  g_autofree char *silence_id = NULL;

  g_hash_table_remove (self->ack_timers, timer->key);
  if (item == NULL || !tw_alert_item_is_acknowledged (item) || tw_alert_item_is_resolved (item))
    return G_SOURCE_REMOVE;

  am_id = g_strdup (_tw_alert_item_get_ack_silence_service (item));
  silence_id = g_strdup (tw_alert_item_get_ack_silence_id (item));
  _tw_alert_item_clear_ack (item);
  _tw_alerts_ack_save (self);
  if (silence_id != NULL)
    expire_silence (self, item, am_id, silence_id, "alert.ack-expire", "the acknowledgement ended");
  else
    _tw_alerts_service_audit (self, "alert.ack-expire", item, NULL, "the acknowledgement ended", TRUE, NULL);
  /* Silence ids from Alertmanager's answers go too: the next poll tells. */
  _tw_alert_item_set_silenced_by (item, NULL);
  _tw_alerts_service_item_changed (self, item);
  /* Still firing at the end of its ack time: the operator hears of it again. */
  _tw_alerts_service_notify_now (self, item);
  return G_SOURCE_REMOVE;
}

void
_tw_alerts_ack_start_timer (TwAlertsService *self,
                            TwAlertItem     *item,
                            guint            duration_s)
{
  AckTimer *timer = g_new0 (AckTimer, 1);
  guint id;

  clear_timer (self, tw_alert_item_get_key (item));
  timer->self = self;
  timer->key = g_strdup (tw_alert_item_get_key (item));
  id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, duration_s, ack_end_cb, timer,
                                   (GDestroyNotify) ack_timer_free);
  g_hash_table_insert (self->ack_timers, g_strdup (tw_alert_item_get_key (item)), GUINT_TO_POINTER (id));
}

/* Acknowledge */

typedef struct
{
  char       *key;
  char       *note;
  guint       duration_s;
  char       *am_id;
  GDateTime  *at;
  GDateTime  *until;    /* NULL: until resolved */
  char       *reason;   /* silences */
} AckData;

static void
ack_data_free (AckData *data)
{
  g_free (data->key);
  g_free (data->note);
  g_free (data->am_id);
  g_clear_pointer (&data->at, g_date_time_unref);
  g_clear_pointer (&data->until, g_date_time_unref);
  g_free (data->reason);
  g_free (data);
}

static char *
format_until (GDateTime *until)
{
  g_autoptr(GDateTime) local = NULL;

  if (until == NULL)
    return g_strdup ("until resolved");
  local = g_date_time_to_local (until);
  return g_date_time_format (local, "until %Y-%m-%d %H:%M");
}

static void
apply_ack (TwAlertsService *self,
           TwAlertItem     *item,
           AckData         *data,
           const char      *silence_id)
{
  g_autofree char *until = format_until (data->until);
  g_autofree char *message = NULL;
  TwAmSource *am = _tw_alerts_service_am_by_id (self, data->am_id);

  _tw_alert_item_set_ack (item, g_get_user_name (), data->note, data->at, data->until,
                          silence_id, data->am_id);
  if (silence_id != NULL)
    message = g_strdup_printf ("by %s, %s; a silence in %s", g_get_user_name (), until,
                               am != NULL ? am->name : "?");
  else
    message = g_strdup_printf ("by %s, %s", g_get_user_name (), until);
  _tw_alerts_service_audit (self, "alert.acknowledge", item, silence_id, data->note, TRUE, message);
  /* "Until resolved" ends after TW_ALERTS_MAX_ACK_S too, with its silence. */
  _tw_alerts_ack_start_timer (self, item, data->until != NULL ? data->duration_s : TW_ALERTS_MAX_ACK_S);
  _tw_alerts_service_withdraw (self, item);
  _tw_alerts_service_item_changed (self, item);
  _tw_alerts_ack_save (self);
}

static char *
silence_id_of (JsonNode  *root,
               GError   **error)
{
  JsonNode *id;

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root)
      && (id = json_object_get_member (json_node_get_object (root), "silenceID")) != NULL
      && JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (id));
  g_set_error_literal (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                       _("Alertmanager did not say which silence it made (no “silenceID”)"));
  return NULL;
}

static void
ack_silenced_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwAlertsService *self = g_task_get_source_object (task);
  AckData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = tw_client_call_finish (TW_CLIENT (object), result, NULL, &error);
  g_autofree char *silence_id = root != NULL ? silence_id_of (root, &error) : NULL;
  TwAlertItem *item = g_hash_table_lookup (self->items, data->key);

  if (silence_id == NULL)
    {
      if (item != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _tw_alerts_service_audit (self, "alert.acknowledge", item, NULL, data->note, FALSE, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (item == NULL)
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_NOT_FOUND,
                               _("The alert left the list while it was acknowledged"));
      return;
    }
  apply_ack (self, item, data, silence_id);
  tw_alerts_service_refresh (self);
  g_task_return_boolean (task, TRUE);
}

static GHashTable *
silence_vars (TwAlertItem *item,
              const char  *matchers,
              GDateTime   *starts,
              GDateTime   *ends,
              const char  *comment)
{
  GHashTable *vars = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (vars, "matchers", matchers != NULL ? g_strdup (matchers)
                                                          : _tw_alert_item_matchers_json (item));
  g_hash_table_insert (vars, "starts_at", _tw_am_format_time (starts));
  g_hash_table_insert (vars, "ends_at", _tw_am_format_time (ends));
  g_hash_table_insert (vars, "created_by", g_strdup (g_get_user_name ()));
  g_hash_table_insert (vars, "comment", g_strdup (comment));
  return vars;
}

void
tw_alerts_service_acknowledge_async (TwAlertsService     *self,
                                     const char          *key,
                                     const char          *note,
                                     guint                duration_s,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) vars = NULL;
  g_autoptr(GDateTime) silence_end = NULL;
  TwAlertItem *item;
  AckData *data;
  TwAmSource *am;

  g_return_if_fail (TW_IS_ALERTS_SERVICE (self));
  g_return_if_fail (key != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_alerts_service_acknowledge_async);
  item = g_hash_table_lookup (self->items, key);
  if (item == NULL || tw_alert_item_is_resolved (item))
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_NOT_FOUND,
                               _("This alert is no longer firing: there is nothing to acknowledge"));
      return;
    }

  data = g_new0 (AckData, 1);
  data->key = g_strdup (key);
  data->note = g_strdup (note != NULL && *note != '\0' ? note : NULL);
  data->duration_s = MIN (duration_s, TW_ALERTS_MAX_ACK_S);
  data->at = g_date_time_new_now_utc ();
  data->until = duration_s > 0 ? g_date_time_add_seconds (data->at, data->duration_s) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) ack_data_free);

  if (tw_alert_item_get_source_kind (item) == TW_ALERT_SOURCE_CONSOLE)
    {
      apply_ack (self, item, data, NULL);
      g_task_return_boolean (task, TRUE);
      return;
    }

  am = _tw_alerts_service_am_for_item (self, item);
  if (am == NULL)
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_UNSUPPORTED,
                               _("No Alertmanager of this profile reports “%s”: add it to the "
                                 "profile to acknowledge its alerts"), tw_alert_item_get_name (item));
      return;
    }
  data->am_id = g_strdup (am->id);
  /* "Until resolved" is a silence of the longest ack; the console expires it sooner. */
  silence_end = g_date_time_add_seconds (data->at, data->until != NULL ? data->duration_s : TW_ALERTS_MAX_ACK_S);
  vars = silence_vars (item, NULL, data->at, silence_end,
                       data->note != NULL ? data->note : DEFAULT_ACK_COMMENT);
  /* A POST is not retried: a lost answer must not make two silences. */
  tw_client_call_full_async (am->client, "silence.create", vars, 0, cancellable ?: self->cancellable,
                             ack_silenced_cb, g_steal_pointer (&task));
}

gboolean
tw_alerts_service_acknowledge_finish (TwAlertsService  *self,
                                      GAsyncResult     *result,
                                      GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Unacknowledge */

static void
unack_expired_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwAlertsService *self = g_task_get_source_object (task);
  AckData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = tw_client_call_finish (TW_CLIENT (object), result, NULL, &error);
  TwAlertItem *item = g_hash_table_lookup (self->items, data->key);

  if (root == NULL && !g_error_matches (error, TW_ERROR, TW_ERROR_NOT_FOUND))
    {
      if (item != NULL)
        _tw_alerts_service_audit (self, "alert.unacknowledge", item, tw_alert_item_get_ack_silence_id (item),
                                  NULL, FALSE, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (item != NULL && tw_alert_item_is_acknowledged (item))
    {
      _tw_alerts_service_audit (self, "alert.unacknowledge", item, tw_alert_item_get_ack_silence_id (item),
                                NULL, TRUE, "its silence expired");
      clear_timer (self, data->key);
      _tw_alert_item_clear_ack (item);
      _tw_alert_item_set_silenced_by (item, NULL);
      _tw_alerts_service_item_changed (self, item);
      _tw_alerts_ack_save (self);
    }
  tw_alerts_service_refresh (self);
  g_task_return_boolean (task, TRUE);
}

void
tw_alerts_service_unacknowledge_async (TwAlertsService     *self,
                                       const char          *key,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) vars = NULL;
  TwAlertItem *item;
  TwAmSource *am;
  AckData *data;

  g_return_if_fail (TW_IS_ALERTS_SERVICE (self));
  g_return_if_fail (key != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_alerts_service_unacknowledge_async);
  item = g_hash_table_lookup (self->items, key);
  if (item == NULL || !tw_alert_item_is_acknowledged (item))
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_NOT_FOUND,
                               _("This alert is not acknowledged"));
      return;
    }
  data = g_new0 (AckData, 1);
  data->key = g_strdup (key);
  g_task_set_task_data (task, data, (GDestroyNotify) ack_data_free);

  am = _tw_alerts_service_am_by_id (self, _tw_alert_item_get_ack_silence_service (item));
  if (tw_alert_item_get_ack_silence_id (item) == NULL || am == NULL)
    {
      _tw_alerts_service_audit (self, "alert.unacknowledge", item, NULL, NULL, TRUE, NULL);
      clear_timer (self, key);
      _tw_alert_item_clear_ack (item);
      _tw_alerts_service_item_changed (self, item);
      _tw_alerts_ack_save (self);
      g_task_return_boolean (task, TRUE);
      return;
    }
  vars = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (vars, "id", (gpointer) tw_alert_item_get_ack_silence_id (item));
  tw_client_call_async (am->client, "silence.expire", vars, cancellable ?: self->cancellable, unack_expired_cb,
                        g_steal_pointer (&task));
}

gboolean
tw_alerts_service_unacknowledge_finish (TwAlertsService  *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Silences */

char *
tw_alerts_service_check_silence (TwAlertItem *item,
                                 guint        duration_s,
                                 const char  *reason,
                                 const char  *typed_name)
{
  g_autofree char *stripped = g_strstrip (g_strdup (reason != NULL ? reason : ""));

  g_return_val_if_fail (TW_IS_ALERT_ITEM (item), NULL);

  if (duration_s == 0)
    return g_strdup (_("A silence needs a duration."));
  if (*stripped == '\0')
    return g_strdup (_("A silence needs a reason: say why this alert may be quiet."));
  if (tw_alert_item_get_severity (item) == TW_ALERT_CRITICAL && duration_s > TW_ALERTS_LONG_SILENCE_S
      && g_strcmp0 (typed_name, tw_alert_item_get_name (item)) != 0)
    return g_strdup_printf (_("Silencing a critical alert for more than 4 hours needs its name: type “%s”."),
                            tw_alert_item_get_name (item));
  return NULL;
}

static void
silenced_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwAlertsService *self = g_task_get_source_object (task);
  AckData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = tw_client_call_finish (TW_CLIENT (object), result, NULL, &error);
  g_autofree char *silence_id = root != NULL ? silence_id_of (root, &error) : NULL;
  TwAlertItem *item = g_hash_table_lookup (self->items, data->key);
  TwAmSource *am = _tw_alerts_service_am_by_id (self, data->am_id);

  if (silence_id == NULL)
    {
      if (item != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _tw_alerts_service_audit (self, "alert.silence", item, NULL, data->reason, FALSE, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (item != NULL)
    {
      g_autofree char *until = format_until (data->until);
      g_autofree char *message = g_strdup_printf ("in %s by %s, %s", am != NULL ? am->name : "?",
                                                  g_get_user_name (), until);

      _tw_alerts_service_audit (self, "alert.silence", item, silence_id, data->reason, TRUE, message);
      _tw_alerts_service_withdraw (self, item);
    }
  tw_alerts_service_refresh (self);
  g_task_return_pointer (task, g_steal_pointer (&silence_id), g_free);
}

void
tw_alerts_service_silence_async (TwAlertsService     *self,
                                 const char          *key,
                                 const char          *matchers_json,
                                 guint                duration_s,
                                 const char          *reason,
                                 const char          *typed_name,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) vars = NULL;
  g_autofree char *refusal = NULL;
  TwAlertItem *item;
  TwAmSource *am;
  AckData *data;

  g_return_if_fail (TW_IS_ALERTS_SERVICE (self));
  g_return_if_fail (key != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_alerts_service_silence_async);
  item = g_hash_table_lookup (self->items, key);
  if (item == NULL || tw_alert_item_get_source_kind (item) != TW_ALERT_SOURCE_ALERTMANAGER)
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_UNSUPPORTED,
                               _("Only Alertmanager's alerts can be silenced; acknowledge the console's own"));
      return;
    }
  refusal = tw_alerts_service_check_silence (item, duration_s, reason, typed_name);
  if (refusal != NULL)
    {
      _tw_alerts_service_audit (self, "alert.silence", item, NULL, reason, FALSE, refusal);
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_REFUSED, "%s", refusal);
      return;
    }
  am = _tw_alerts_service_am_for_item (self, item);
  if (am == NULL)
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_UNSUPPORTED,
                               _("No Alertmanager of this profile reports “%s”: add it to the "
                                 "profile to silence its alerts"), tw_alert_item_get_name (item));
      return;
    }
  data = g_new0 (AckData, 1);
  data->key = g_strdup (key);
  data->am_id = g_strdup (am->id);
  data->reason = g_strdup (reason);
  data->at = g_date_time_new_now_utc ();
  data->until = g_date_time_add_seconds (data->at, duration_s);
  g_task_set_task_data (task, data, (GDestroyNotify) ack_data_free);
  vars = silence_vars (item, matchers_json, data->at, data->until, reason);
  tw_client_call_full_async (am->client, "silence.create", vars, 0, cancellable ?: self->cancellable, silenced_cb,
                             g_steal_pointer (&task));
}

char *
tw_alerts_service_silence_finish (TwAlertsService  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
