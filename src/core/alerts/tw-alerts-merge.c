/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-alerts-service-private.h"

#include <glib/gi18n-lib.h>

#include "tw-alert-private.h"

/* What the alerts service learns: Alertmanager's alerts from webhooks and polls, merged
 * by fingerprint across Alertmanagers; the alert engine's; their resolution. */

/* Merging Alertmanager alerts */

static void
add_item (TwAlertsService *self,
          TwAlertItem     *item,
          GPtrArray       *added)
{
  g_hash_table_insert (self->items, g_strdup (tw_alert_item_get_key (item)), g_object_ref (item));
  g_ptr_array_add (added, g_object_ref (item));
}

static void
resolve_item (TwAlertsService *self,
              TwAlertItem     *item,
              GDateTime       *at,
              GPtrArray       *changed)
{
  if (tw_alert_item_is_resolved (item))
    return;
  _tw_alert_item_set_resolved (item, at);
  _tw_alerts_ack_item_resolved (self, item);
  _tw_alerts_service_withdraw (self, item);
  g_ptr_array_add (changed, item);
}

/* @source: the name the page shows; @complete: the answer lists every alert of @source
 * (a poll), so those it no longer lists have left it. */
/* Whether @source is the only Alertmanager @item is listed in. */
static gboolean
last_source (TwAlertItem *item,
             const char  *source)
{
  return tw_alert_item_get_sources (item)->len == 1 && _tw_alert_item_has_source (item, source);
}

static void
merge (TwAlertsService *self,
       GPtrArray       *alerts,
       const char      *source,
       gboolean         with_silences,
       gboolean         complete)
{
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) changed = g_ptr_array_new ();
  g_autoptr(GPtrArray) to_notify = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = complete ? g_hash_table_new (g_str_hash, g_str_equal) : NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  for (guint i = 0; i < alerts->len; i++)
    {
      TwAmAlertData *data = g_ptr_array_index (alerts, i);
      g_autofree char *key = g_strconcat ("am:", data->fingerprint, NULL);
      TwAlertItem *item = g_hash_table_lookup (self->items, key);
      gboolean resolved = data->resolved
                          || (data->ends_at != NULL && g_date_time_compare (data->ends_at, now) <= 0);
      TwAlertState before;

      if (resolved)
        {
          if (item == NULL)
            continue;
          /* Resolved in @source: it has left that one; another Alertmanager may still
           * report it firing (its own poll or webhook resolves it there). The last
           * source stays: where the alert was resolved (found by fuzz-webhook: a
           * resolved alert that named no Alertmanager). */
          if (!last_source (item, source))
            {
              if (_tw_alert_item_remove_source (item, source))
                g_ptr_array_add (changed, item);
              if (tw_alert_item_get_sources (item)->len > 0 && !tw_alert_item_is_resolved (item))
                continue;
            }
          _tw_alert_item_update_am (item, data, with_silences);
          resolve_item (self, item, data->ends_at, changed);
          continue;
        }

      if (item == NULL)
        {
          g_autoptr(TwAlertItem) fresh = _tw_alert_item_new_am (data->fingerprint);

          _tw_alert_item_update_am (fresh, data, with_silences);
          _tw_alert_item_add_source (fresh, source);
          _tw_alerts_ack_restore (self, fresh);
          add_item (self, fresh, added);
          if (seen != NULL)
            g_hash_table_add (seen, (gpointer) tw_alert_item_get_key (fresh));
          g_ptr_array_add (to_notify, fresh);
          continue;
        }

      before = tw_alert_item_get_state (item);
      if (seen != NULL)
        g_hash_table_add (seen, (gpointer) tw_alert_item_get_key (item));
      if (_tw_alert_item_update_am (item, data, with_silences) | _tw_alert_item_add_source (item, source)
          || before == TW_ALERT_STATE_RESOLVED)
        g_ptr_array_add (changed, item);
      if (before == TW_ALERT_STATE_RESOLVED)
        {
          _tw_alert_item_set_firing (item);
          g_ptr_array_add (to_notify, item);
        }
      else if (before == TW_ALERT_STATE_FIRING && tw_alert_item_get_state (item) == TW_ALERT_STATE_SILENCED)
        _tw_alerts_service_withdraw (self, item);
    }

  if (complete)
    {
      GHashTableIter iter;
      gpointer value;

      /* What this Alertmanager no longer lists has left it; what no Alertmanager lists
       * any more has resolved (a webhook may have said so already). */
      g_hash_table_iter_init (&iter, self->items);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          TwAlertItem *item = value;

          if (tw_alert_item_get_source_kind (item) != TW_ALERT_SOURCE_ALERTMANAGER
              || g_hash_table_contains (seen, tw_alert_item_get_key (item))
              || !_tw_alert_item_has_source (item, source))
            continue;
          if (last_source (item, source))
            {
              if (!tw_alert_item_is_resolved (item))
                resolve_item (self, item, NULL, changed);
            }
          else
            {
              _tw_alert_item_remove_source (item, source);
              g_ptr_array_add (changed, item);
            }
        }
    }

  _tw_alerts_service_items_changed (self, changed);
  if (added->len > 0)
    g_list_store_splice (self->store, 0, 0, added->pdata, added->len);
  _tw_alerts_service_recount (self);
  _tw_alerts_service_notify_items (self, to_notify, FALSE);
}

/* The Alertmanager a webhook came from, by its externalURL; else the URL itself. */
static char *
webhook_source (TwAlertsService *self,
                const char      *external_url)
{
  if (external_url != NULL)
    {
      for (guint i = 0; i < self->ams->len; i++)
        {
          TwAmSource *am = g_ptr_array_index (self->ams, i);
          g_autofree char *a = g_strdup (am->base_url);
          g_autofree char *b = g_strdup (external_url);

          while (*a != '\0' && a[strlen (a) - 1] == '/')
            a[strlen (a) - 1] = '\0';
          while (*b != '\0' && b[strlen (b) - 1] == '/')
            b[strlen (b) - 1] = '\0';
          if (g_ascii_strcasecmp (a, b) == 0)
            return g_strdup (am->name);
        }
      return g_strdup (external_url);
    }
  return g_strdup (_("Webhook"));
}

void
_tw_alerts_service_payload_cb (TwAlertReceiver *receiver,
                               GPtrArray       *alerts,
                               const char      *external_url,
                               TwAlertsService *self)
{
  g_autofree char *source = webhook_source (self, external_url);

  /* A webhook says nothing of silences: those come with the next poll. */
  merge (self, alerts, source, FALSE, FALSE);
}

/* Polling */

static void
poll_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  TwClient *client = TW_CLIENT (object);
  TwAlertsService *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = tw_client_call_finish (client, result, NULL, &error);
  g_autoptr(GPtrArray) alerts = NULL;
  TwAmSource *am = NULL;

  if (root == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  for (guint i = 0; i < self->ams->len; i++)
    if (((TwAmSource *) g_ptr_array_index (self->ams, i))->client == client)
      am = g_ptr_array_index (self->ams, i);
  if (am == NULL)
    return;
  am->polling = FALSE;
  if (root == NULL)
    {
      /* Its health poller says it is unreachable; the alerts stay as they were. */
      g_debug ("%s: alerts not read: %s", am->name, error->message);
      return;
    }
  alerts = _tw_am_parse_alerts (root, &error);
  if (alerts == NULL)
    {
      g_message ("%s: alerts not read: %s", am->name, error->message);
      return;
    }
  merge (self, alerts, am->name, TRUE, TRUE);
  if (g_hash_table_size (self->pending_acks) > 0)
    {
      g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      for (guint i = 0; i < alerts->len; i++)
        {
          TwAmAlertData *data = g_ptr_array_index (alerts, i);

          if (!data->resolved)
            g_hash_table_add (listed, g_strconcat ("am:", data->fingerprint, NULL));
        }
      _tw_alerts_ack_prune_pending (self, am->id, listed);
    }
}

void
tw_alerts_service_refresh (TwAlertsService *self)
{
  g_return_if_fail (TW_IS_ALERTS_SERVICE (self));

  for (guint i = 0; i < self->ams->len; i++)
    {
      TwAmSource *am = g_ptr_array_index (self->ams, i);

      if (am->polling || am->client == NULL)
        continue;
      am->polling = TRUE;
      tw_client_call_async (am->client, "alerts.list", NULL, self->cancellable, poll_cb, self);
    }
}

/* The console's own alerts */

/* The engine has deduplicated and rate-limited @alert already: what it emits is shown,
 * unless acknowledged, and counts toward a storm like Alertmanager's alerts (one summary
 * instead of a notification each). */
void
_tw_alerts_service_engine_alert_cb (TwAlertEngine   *engine,
                                    TwAlert         *alert,
                                    TwAlertsService *self)
{
  g_autoptr(TwAlertItem) fresh = _tw_alert_item_new_console (alert);
  TwAlertItem *item = g_hash_table_lookup (self->items, tw_alert_item_get_key (fresh));

  if (item != NULL)
    {
      gboolean changed = _tw_alert_item_update_console (item, alert);

      if (tw_alert_item_is_resolved (item))
        {
          _tw_alert_item_set_firing (item);
          changed = TRUE;
        }
      if (changed)
        _tw_alerts_service_item_changed (self, item);
    }
  else
    {
      item = fresh;
      g_hash_table_insert (self->items, g_strdup (tw_alert_item_get_key (fresh)), g_object_ref (fresh));
      _tw_alerts_ack_restore (self, item);
      g_list_store_insert (self->store, 0, fresh);
      _tw_alerts_service_recount (self);
    }
  _tw_alerts_service_notify_now (self, item);
}

/* Console alerts resolve when the engine says their condition cleared; resolved alerts
 * leave the page after an hour. */
void
_tw_alerts_service_tick (TwAlertsService *self)
{
  g_autoptr(GPtrArray) changed = g_ptr_array_new ();
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TwAlertItem *item = value;
      GDateTime *resolved_at = tw_alert_item_get_resolved_at (item);

      if (resolved_at != NULL)
        {
          if (g_date_time_difference (now, resolved_at) > (GTimeSpan) TW_ALERTS_KEEP_RESOLVED_S * G_TIME_SPAN_SECOND)
            g_ptr_array_add (gone, g_object_ref (item));
          continue;
        }
      if (tw_alert_item_get_source_kind (item) == TW_ALERT_SOURCE_CONSOLE && self->engine != NULL)
        {
          const char *key = tw_alert_item_get_key (item) + strlen ("console:");
          gboolean active = tw_alert_engine_is_active (self->engine, key);

          if (active)
            g_hash_table_add (self->console_active, g_strdup (key));
          else if (g_hash_table_contains (self->console_active, key)
                   || g_date_time_difference (now, tw_alert_item_get_starts_at (item))
                      > (GTimeSpan) TW_ALERTS_KEEP_RESOLVED_S * G_TIME_SPAN_SECOND)
            {
              g_hash_table_remove (self->console_active, key);
              _tw_alert_item_set_resolved (item, now);
              _tw_alerts_ack_item_resolved (self, item);
              g_ptr_array_add (changed, item);
            }
        }
    }
  _tw_alerts_service_items_changed (self, changed);
  /* Kept acknowledgements whose time ran out before their alert came back. */
  if (g_hash_table_size (self->pending_acks) > 0)
    _tw_alerts_ack_prune_pending (self, NULL, NULL);
  for (guint i = 0; i < gone->len; i++)
    {
      TwAlertItem *item = g_ptr_array_index (gone, i);
      guint position;

      if (g_list_store_find (self->store, item, &position))
        g_list_store_remove (self->store, position);
      g_hash_table_remove (self->items, tw_alert_item_get_key (item));
    }
  _tw_alerts_service_recount (self);
}
