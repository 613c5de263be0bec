/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-alerts-service-private.h"

#include <glib/gi18n-lib.h>

#include "tw-alert-private.h"
#include "tw-connector.h"
#include "tw-error.h"
#include "tw-util.h"

#define DEFAULT_POLL_INTERVAL_MS 5000
#define DEFAULT_RATE_LIMIT_S 300
/* During a storm the summary is brought up to date at most this often. */
#define STORM_UPDATE_MS 2000
#define SUMMARY_KEY "alerts-storm-summary"

G_DEFINE_FINAL_TYPE (TwAlertsService, tw_alerts_service, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_UNACKNOWLEDGED,
  PROP_RATE_LIMIT,
  PROP_POLL_INTERVAL,
  N_PROPS
};

enum {
  SIGNAL_NOTIFY_ALERT,
  SIGNAL_WITHDRAW_ALERT,
  SIGNAL_NOTIFY_SUMMARY,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
am_source_free (TwAmSource *source)
{
  g_free (source->id);
  g_free (source->name);
  g_free (source->base_url);
  g_clear_object (&source->client);
  g_free (source);
}

/* Counting and the model */

void
_tw_alerts_service_recount (TwAlertsService *self)
{
  GHashTableIter iter;
  gpointer item;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, NULL, &item))
    if (tw_alert_item_get_state (item) == TW_ALERT_STATE_FIRING)
      n++;
  if (n != self->n_unacked)
    {
      self->n_unacked = n;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_UNACKNOWLEDGED]);
    }
}

void
_tw_alerts_service_item_changed (TwAlertsService *self,
                                 TwAlertItem     *item)
{
  guint position;

  if (g_list_store_find (self->store, item, &position))
    g_list_store_splice (self->store, position, 1, (gpointer *) &item, 1);
  _tw_alerts_service_recount (self);
}

/* Changes of many items at once: one items-changed over the range they span. */
void
_tw_alerts_service_items_changed (TwAlertsService *self,
                                  GPtrArray       *changed)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  guint first = G_MAXUINT, last = 0;
  g_autoptr(GPtrArray) range = NULL;
  g_autoptr(GHashTable) wanted = NULL;

  if (changed->len == 0)
    return;
  if (changed->len == 1)
    {
      _tw_alerts_service_item_changed (self, g_ptr_array_index (changed, 0));
      return;
    }
  wanted = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < changed->len; i++)
    g_hash_table_add (wanted, g_ptr_array_index (changed, i));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (g_hash_table_contains (wanted, item))
        {
          first = MIN (first, i);
          last = i;
        }
    }
  if (first == G_MAXUINT)
    return;
  range = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = first; i <= last; i++)
    g_ptr_array_add (range, g_list_model_get_item (G_LIST_MODEL (self->store), i));
  g_list_store_splice (self->store, first, range->len, range->pdata, range->len);
}

/* Notifications: repeat limit and storms */

static void
prune_recent (TwAlertsService *self,
              gint64           now)
{
  while (!g_queue_is_empty (self->recent))
    {
      gint64 *oldest = g_queue_peek_head (self->recent);

      if (now - *oldest < TW_ALERTS_STORM_WINDOW_S * G_USEC_PER_SEC)
        break;
      g_free (g_queue_pop_head (self->recent));
    }
}

static void
remember_notification (TwAlertsService *self,
                       gint64           now)
{
  gint64 *stamp = g_new (gint64, 1);

  *stamp = now;
  g_queue_push_tail (self->recent, stamp);
}

static int
compare_counts (gconstpointer a,
                gconstpointer b,
                gpointer      counts)
{
  guint na = GPOINTER_TO_UINT (g_hash_table_lookup (counts, a));
  guint nb = GPOINTER_TO_UINT (g_hash_table_lookup (counts, b));

  if (na != nb)
    return na > nb ? -1 : 1;
  return g_strcmp0 (a, b);
}

/* "27 alerts firing: 3 critical, 24 warning" and a body naming the loudest. */
static void
emit_summary (TwAlertsService *self)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) title = g_string_new (NULL);
  g_autoptr(GString) body = g_string_new (NULL);
  GList *names = NULL;
  GHashTableIter iter;
  gpointer value;
  guint n = 0, n_critical = 0, n_warning = 0, n_info = 0, shown = 0;

  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TwAlertItem *item = value;
      const char *name = tw_alert_item_get_name (item);

      if (tw_alert_item_get_state (item) != TW_ALERT_STATE_FIRING)
        continue;
      n++;
      switch (tw_alert_item_get_severity (item))
        {
        case TW_ALERT_CRITICAL: n_critical++; break;
        case TW_ALERT_WARNING: n_warning++; break;
        default: n_info++; break;
        }
      g_hash_table_insert (counts, (gpointer) name,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, name)) + 1));
    }
  if (n == 0)
    return;

  g_string_printf (title, g_dngettext (GETTEXT_PACKAGE, "%u alert firing", "%u alerts firing", n), n);
  g_string_append (title, ": ");
  {
    gboolean first = TRUE;

    if (n_critical > 0)
      {
        g_string_append_printf (title, _("%u critical"), n_critical);
        first = FALSE;
      }
    if (n_warning > 0)
      {
        g_string_append_printf (title, first ? _("%u warning") : _(", %u warning"), n_warning);
        first = FALSE;
      }
    if (n_info > 0)
      g_string_append_printf (title, first ? _("%u info") : _(", %u info"), n_info);
  }

  names = g_hash_table_get_keys (counts);
  names = g_list_sort_with_data (names, compare_counts, counts);
  for (GList *l = names; l != NULL && shown < 5; l = l->next, shown++)
    g_string_append_printf (body, "%s%s × %u", body->len > 0 ? "\n" : "", (const char *) l->data,
                            GPOINTER_TO_UINT (g_hash_table_lookup (counts, l->data)));
  if (g_hash_table_size (counts) > shown)
    g_string_append_printf (body, "\n%s", _("… and more on the Alerts page"));
  g_list_free (names);

  self->n_summaries++;
  self->n_notified++;
  remember_notification (self, g_get_monotonic_time ());
  g_signal_emit (self, signals[SIGNAL_NOTIFY_SUMMARY], 0, SUMMARY_KEY,
                 (int) (n_critical > 0 ? TW_ALERT_CRITICAL : TW_ALERT_WARNING), title->str, body->str);
}

static gboolean
storm_timer_cb (gpointer user_data)
{
  TwAlertsService *self = user_data;

  self->storm_timer_id = 0;
  emit_summary (self);
  self->storm_until = g_get_monotonic_time () + TW_ALERTS_STORM_WINDOW_S * G_USEC_PER_SEC;
  return G_SOURCE_REMOVE;
}

/* @candidates: items that start (or again) firing. Applies the repeat limit (critical
 * bypasses it), then either notifies each or, in a storm, folds them into the summary. */
void
_tw_alerts_service_notify_items (TwAlertsService *self,
                                 GPtrArray       *candidates,
                                 gboolean         force)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new ();
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; i < candidates->len; i++)
    {
      TwAlertItem *item = g_ptr_array_index (candidates, i);
      gint64 last = _tw_alert_item_get_last_notified (item);

      if (tw_alert_item_get_state (item) != TW_ALERT_STATE_FIRING)
        continue;
      if (!force && last != 0 && tw_alert_item_get_severity (item) != TW_ALERT_CRITICAL
          && now - last < (gint64) self->rate_limit_s * G_USEC_PER_SEC)
        continue;
      _tw_alert_item_set_last_notified (item, now);
      g_ptr_array_add (out, item);
    }
  if (out->len == 0)
    return;

  prune_recent (self, now);
  if (now < self->storm_until || g_queue_get_length (self->recent) + out->len > self->storm_limit)
    {
      /* A storm: the first summary at once, then at most one per STORM_UPDATE_MS. */
      if (now >= self->storm_until)
        {
          emit_summary (self);
          self->storm_until = now + TW_ALERTS_STORM_WINDOW_S * G_USEC_PER_SEC;
        }
      else if (self->storm_timer_id == 0)
        self->storm_timer_id = g_timeout_add (STORM_UPDATE_MS, storm_timer_cb, self);
      return;
    }

  for (guint i = 0; i < out->len; i++)
    {
      self->n_notified++;
      remember_notification (self, now);
      g_signal_emit (self, signals[SIGNAL_NOTIFY_ALERT], 0, g_ptr_array_index (out, i));
    }
}

void
_tw_alerts_service_notify_now (TwAlertsService *self,
                               TwAlertItem     *item)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new ();

  g_ptr_array_add (one, item);
  _tw_alerts_service_notify_items (self, one, TRUE);
}

void
_tw_alerts_service_withdraw (TwAlertsService *self,
                             TwAlertItem     *item)
{
  g_signal_emit (self, signals[SIGNAL_WITHDRAW_ALERT], 0, item);
}

/* Critical alerts nobody acknowledged come back every repeat interval, the console's own
 * too (the engine shows a critical condition once while it lasts). */
static gboolean
repeat_cb (gpointer user_data)
{
  TwAlertsService *self = user_data;
  g_autoptr(GPtrArray) again = g_ptr_array_new ();
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, NULL, &item))
    if (tw_alert_item_get_severity (item) == TW_ALERT_CRITICAL
        && tw_alert_item_get_state (item) == TW_ALERT_STATE_FIRING
        && now - _tw_alert_item_get_last_notified (item) >= (gint64) self->rate_limit_s * G_USEC_PER_SEC)
      g_ptr_array_add (again, item);
  _tw_alerts_service_notify_items (self, again, TRUE);
  return G_SOURCE_CONTINUE;
}

static gboolean
poll_timer_cb (gpointer user_data)
{
  TwAlertsService *self = user_data;

  tw_alerts_service_refresh (self);
  _tw_alerts_service_tick (self);
  return G_SOURCE_CONTINUE;
}

static void
schedule_poll (TwAlertsService *self)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
  if (self->started)
    self->poll_id = g_timeout_add (self->poll_interval_ms, poll_timer_cb, self);
}

static void
schedule_repeat (TwAlertsService *self)
{
  g_clear_handle_id (&self->repeat_id, g_source_remove);
  if (self->started && self->rate_limit_s > 0)
    self->repeat_id = g_timeout_add_seconds (MIN (self->rate_limit_s, 60), repeat_cb, self);
}

/* Start and stop */

static void
start_listening (TwAlertsService *self,
        const char      *token)
{
  const TwAlertsConfig *config = tw_profile_get_alerts_config (self->profile);
  g_autoptr(GError) error = NULL;

  if (!tw_alert_receiver_listen (self->receiver, config->webhook_address, config->webhook_port,
                                 config->allow_remote, token, &error))
    {
      g_warning ("%s", error->message);
      g_clear_error (&self->receiver_error);
      self->receiver_error = g_steal_pointer (&error);
    }
}

static void
token_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  TwAlertsService *self = user_data;
  g_autoptr(GError) error = NULL;
  char *token = tw_secrets_lookup_finish (TW_SECRETS (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->started)
    start_listening (self, token);
  tw_str_wipe_free (token);
}

void
tw_alerts_service_start (TwAlertsService *self)
{
  const TwAlertsConfig *config;

  g_return_if_fail (TW_IS_ALERTS_SERVICE (self));

  if (self->started)
    return;
  self->started = TRUE;
  config = tw_profile_get_alerts_config (self->profile);
  if (config->webhook_port != 0)
    {
      /* The bearer token matters only off loopback; it is in the keyring. */
      if (config->allow_remote)
        tw_secrets_lookup_async (self->secrets, tw_profile_get_name (self->profile), "alerts",
                                 "webhook_token", self->cancellable, token_cb, self);
      else
        start_listening (self, NULL);
    }
  tw_alerts_service_refresh (self);
  schedule_poll (self);
  schedule_repeat (self);
}

void
tw_alerts_service_stop (TwAlertsService *self)
{
  g_return_if_fail (TW_IS_ALERTS_SERVICE (self));

  self->started = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->repeat_id, g_source_remove);
  g_clear_handle_id (&self->storm_timer_id, g_source_remove);
  _tw_alerts_ack_clear_timers (self);
  tw_alert_receiver_stop (self->receiver);
  for (guint i = 0; i < self->ams->len; i++)
    ((TwAmSource *) g_ptr_array_index (self->ams, i))->polling = FALSE;
}

/* Helpers of tw-alerts-ack.c */

TwAmSource *
_tw_alerts_service_am_by_id (TwAlertsService *self,
                             const char      *id)
{
  for (guint i = 0; id != NULL && i < self->ams->len; i++)
    {
      TwAmSource *am = g_ptr_array_index (self->ams, i);

      if (g_str_equal (am->id, id))
        return am;
    }
  return NULL;
}

TwAmSource *
_tw_alerts_service_am_for_item (TwAlertsService *self,
                                TwAlertItem     *item)
{
  GPtrArray *sources = tw_alert_item_get_sources (item);

  for (guint i = 0; i < sources->len; i++)
    for (guint j = 0; j < self->ams->len; j++)
      {
        TwAmSource *am = g_ptr_array_index (self->ams, j);

        if (g_str_equal (am->name, g_ptr_array_index (sources, i)))
          return am;
      }
  /* A webhook from an Alertmanager of unknown address: the only one of the profile. */
  return self->ams->len == 1 ? g_ptr_array_index (self->ams, 0) : NULL;
}

void
_tw_alerts_service_audit (TwAlertsService *self,
                          const char      *action,
                          TwAlertItem     *item,
                          const char      *silence_id,
                          const char      *reason,
                          gboolean         ok,
                          const char      *message)
{
  g_autoptr(GString) target = g_string_new (tw_alert_item_get_name (item));

  if (self->audit_log == NULL)
    return;
  /* The target names the alert and the silence: the message is scrubbed of long
   * tokens, and a silence id (a UUID) looks like one. */
  if (tw_alert_item_get_fingerprint (item) != NULL)
    g_string_append_printf (target, " [%s]", tw_alert_item_get_fingerprint (item));
  if (silence_id != NULL)
    g_string_append_printf (target, " silence %s", silence_id);
  _tw_alerts_service_audit_target (self, action, target->str, reason, ok, message);
}

void
_tw_alerts_service_audit_target (TwAlertsService *self,
                                 const char      *action,
                                 const char      *target,
                                 const char      *reason,
                                 gboolean         ok,
                                 const char      *message)
{
  g_autoptr(GError) error = NULL;

  if (self->audit_log == NULL)
    return;
  if (tw_audit_log_record (self->audit_log, tw_profile_get_name (self->profile),
                           tw_profile_get_mode (self->profile), action, target, reason,
                           ok ? TW_AUDIT_OUTCOME_OK : TW_AUDIT_OUTCOME_FAILED, 0, message,
                           &error) == 0)
    g_warning ("The audit row of %s was not written: %s", action, error->message);
}

/* Getters and setters */

GListModel *
tw_alerts_service_get_model (TwAlertsService *self)
{
  g_return_val_if_fail (TW_IS_ALERTS_SERVICE (self), NULL);
  return G_LIST_MODEL (self->store);
}

TwAlertItem *
tw_alerts_service_lookup (TwAlertsService *self,
                          const char      *key)
{
  g_return_val_if_fail (TW_IS_ALERTS_SERVICE (self), NULL);
  return key != NULL ? g_hash_table_lookup (self->items, key) : NULL;
}

TwAlertEngine *
tw_alerts_service_get_engine (TwAlertsService *self)
{
  g_return_val_if_fail (TW_IS_ALERTS_SERVICE (self), NULL);
  return self->engine;
}

guint
tw_alerts_service_get_n_unacknowledged (TwAlertsService *self)
{
  g_return_val_if_fail (TW_IS_ALERTS_SERVICE (self), 0);
  return self->n_unacked;
}

TwAlertReceiver *
tw_alerts_service_get_receiver (TwAlertsService *self)
{
  g_return_val_if_fail (TW_IS_ALERTS_SERVICE (self), NULL);
  return self->receiver;
}

const GError *
tw_alerts_service_get_receiver_error (TwAlertsService *self)
{
  g_return_val_if_fail (TW_IS_ALERTS_SERVICE (self), NULL);
  return self->receiver_error;
}

GPtrArray *
tw_alerts_service_list_alertmanagers (TwAlertsService *self)
{
  GPtrArray *names = g_ptr_array_new ();

  g_return_val_if_fail (TW_IS_ALERTS_SERVICE (self), names);

  for (guint i = 0; i < self->ams->len; i++)
    g_ptr_array_add (names, ((TwAmSource *) g_ptr_array_index (self->ams, i))->name);
  return names;
}

void
tw_alerts_service_set_rate_limit (TwAlertsService *self,
                                  guint            seconds)
{
  g_return_if_fail (TW_IS_ALERTS_SERVICE (self));

  if (self->rate_limit_s == seconds)
    return;
  self->rate_limit_s = seconds;
  schedule_repeat (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE_LIMIT]);
}

guint
tw_alerts_service_get_rate_limit (TwAlertsService *self)
{
  g_return_val_if_fail (TW_IS_ALERTS_SERVICE (self), 0);
  return self->rate_limit_s;
}

void
tw_alerts_service_set_poll_interval (TwAlertsService *self,
                                     guint            interval_ms)
{
  g_return_if_fail (TW_IS_ALERTS_SERVICE (self));

  interval_ms = MAX (interval_ms, 100);
  if (self->poll_interval_ms == interval_ms)
    return;
  self->poll_interval_ms = interval_ms;
  schedule_poll (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLL_INTERVAL]);
}

void
tw_alerts_service_set_storm_limit (TwAlertsService *self,
                                   guint            limit)
{
  g_return_if_fail (TW_IS_ALERTS_SERVICE (self));
  self->storm_limit = limit > 0 ? limit : TW_ALERTS_STORM_LIMIT;
}

guint
tw_alerts_service_get_n_notified (TwAlertsService *self)
{
  g_return_val_if_fail (TW_IS_ALERTS_SERVICE (self), 0);
  return self->n_notified;
}

guint
tw_alerts_service_get_n_summaries (TwAlertsService *self)
{
  g_return_val_if_fail (TW_IS_ALERTS_SERVICE (self), 0);
  return self->n_summaries;
}

/* GObject */

static void
tw_alerts_service_dispose (GObject *object)
{
  TwAlertsService *self = TW_ALERTS_SERVICE (object);

  tw_alerts_service_stop (self);
  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  if (self->receiver != NULL)
    g_signal_handlers_disconnect_by_data (self->receiver, self);
  g_clear_object (&self->receiver);
  g_clear_object (&self->engine);
  g_clear_object (&self->audit_log);
  g_clear_object (&self->workspace);
  g_clear_object (&self->secrets);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (tw_alerts_service_parent_class)->dispose (object);
}

static void
tw_alerts_service_finalize (GObject *object)
{
  TwAlertsService *self = TW_ALERTS_SERVICE (object);

  g_clear_error (&self->receiver_error);
  g_ptr_array_unref (self->ams);
  g_object_unref (self->store);
  g_hash_table_unref (self->items);
  g_hash_table_unref (self->ack_timers);
  g_hash_table_unref (self->console_active);
  g_hash_table_unref (self->pending_acks);
  g_free (self->state_path);
  g_object_unref (self->cancellable);
  g_queue_free_full (self->recent, g_free);

  G_OBJECT_CLASS (tw_alerts_service_parent_class)->finalize (object);
}

static void
tw_alerts_service_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TwAlertsService *self = TW_ALERTS_SERVICE (object);

  switch (prop_id)
    {
    case PROP_N_UNACKNOWLEDGED:
      g_value_set_uint (value, self->n_unacked);
      break;
    case PROP_RATE_LIMIT:
      g_value_set_uint (value, self->rate_limit_s);
      break;
    case PROP_POLL_INTERVAL:
      g_value_set_uint (value, self->poll_interval_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_alerts_service_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TwAlertsService *self = TW_ALERTS_SERVICE (object);

  switch (prop_id)
    {
    case PROP_RATE_LIMIT:
      tw_alerts_service_set_rate_limit (self, g_value_get_uint (value));
      break;
    case PROP_POLL_INTERVAL:
      tw_alerts_service_set_poll_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_alerts_service_class_init (TwAlertsServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tw_alerts_service_dispose;
  object_class->finalize = tw_alerts_service_finalize;
  object_class->get_property = tw_alerts_service_get_property;
  object_class->set_property = tw_alerts_service_set_property;

  properties[PROP_N_UNACKNOWLEDGED] =
    g_param_spec_uint ("n-unacknowledged", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RATE_LIMIT] =
    g_param_spec_uint ("rate-limit", NULL, NULL, 0, G_MAXUINT, DEFAULT_RATE_LIMIT_S,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POLL_INTERVAL] =
    g_param_spec_uint ("poll-interval", NULL, NULL, 100, G_MAXUINT, DEFAULT_POLL_INTERVAL_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_NOTIFY_ALERT] =
    g_signal_new ("notify-alert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, TW_TYPE_ALERT_ITEM);
  signals[SIGNAL_WITHDRAW_ALERT] =
    g_signal_new ("withdraw-alert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, TW_TYPE_ALERT_ITEM);
  signals[SIGNAL_NOTIFY_SUMMARY] =
    g_signal_new ("notify-summary", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_INT, G_TYPE_STRING, G_TYPE_STRING);
}

static void
tw_alerts_service_init (TwAlertsService *self)
{
  self->ams = g_ptr_array_new_with_free_func ((GDestroyNotify) am_source_free);
  self->store = g_list_store_new (TW_TYPE_ALERT_ITEM);
  self->items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->ack_timers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->console_active = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending_acks = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                              (GDestroyNotify) _tw_pending_ack_free);
  self->cancellable = g_cancellable_new ();
  self->recent = g_queue_new ();
  self->poll_interval_ms = DEFAULT_POLL_INTERVAL_MS;
  self->rate_limit_s = DEFAULT_RATE_LIMIT_S;
  self->storm_limit = TW_ALERTS_STORM_LIMIT;
  self->receiver = tw_alert_receiver_new ();
}

TwAlertsService *
tw_alerts_service_new (TwProfile     *profile,
                       TwWorkspace   *workspace,
                       TwSecrets     *secrets,
                       TwAlertEngine *engine,
                       TwAuditLog    *audit_log)
{
  TwAlertsService *self;
  GListModel *services;
  guint n;

  g_return_val_if_fail (TW_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (TW_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (TW_IS_SECRETS (secrets), NULL);

  self = g_object_new (TW_TYPE_ALERTS_SERVICE, NULL);
  self->profile = g_object_ref (profile);
  self->workspace = g_object_ref (workspace);
  self->secrets = g_object_ref (secrets);
  self->engine = engine != NULL ? g_object_ref (engine) : NULL;
  self->audit_log = audit_log != NULL ? g_object_ref (audit_log) : NULL;

  services = tw_workspace_get_services (workspace);
  n = g_list_model_get_n_items (services);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      TwClient *client = tw_workspace_get_client (workspace, tw_service_get_id (service));
      TwAmSource *am;

      if (client == NULL
          || !tw_connector_has_role (tw_client_get_connector (client), TW_CONNECTOR_ROLE_ALERTMANAGER))
        continue;
      am = g_new0 (TwAmSource, 1);
      am->id = g_strdup (tw_service_get_id (service));
      am->name = g_strdup (tw_service_get_name (service) != NULL && *tw_service_get_name (service) != '\0'
                           ? tw_service_get_name (service) : tw_service_get_id (service));
      am->base_url = g_strdup (tw_service_get_base_url (service));
      am->client = g_object_ref (client);
      g_ptr_array_add (self->ams, am);
    }

  if (engine != NULL)
    g_signal_connect (engine, "alert", G_CALLBACK (_tw_alerts_service_engine_alert_cb), self);
  g_signal_connect (self->receiver, "payload", G_CALLBACK (_tw_alerts_service_payload_cb), self);
  return self;
}
