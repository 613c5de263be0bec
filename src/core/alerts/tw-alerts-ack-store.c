/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-alerts-service-private.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "tw-error.h"

/* Acknowledgements that outlive the console: a JSON file in the console's state directory
 * (one per profile, mode 0600), one entry per acknowledged alert, keyed by its identity
 * ("am:FINGERPRINT" or "console:ENGINE-KEY"). Read when the service is given its path;
 * an entry waits ("pending") until its alert is seen again, then the alert is
 * acknowledged as before, for what is left of its time. An entry goes when its alert
 * resolves (an Alertmanager that no longer lists it: its ack silence expired too), when
 * it is unacknowledged, or when its time is over. Nothing secret is in it: who, a note,
 * when, the silence's id. */

#define FORMAT 1

struct _TwPendingAck
{
  char      *key;
  char      *by;
  char      *note;
  GDateTime *at;
  GDateTime *until;            /* NULL: until resolved */
  char      *silence_id;
  char      *silence_service;
};

void
_tw_pending_ack_free (TwPendingAck *ack)
{
  g_free (ack->key);
  g_free (ack->by);
  g_free (ack->note);
  g_clear_pointer (&ack->at, g_date_time_unref);
  g_clear_pointer (&ack->until, g_date_time_unref);
  g_free (ack->silence_id);
  g_free (ack->silence_service);
  g_free (ack);
}

/* When the ack ends at the latest: its own end, or TW_ALERTS_MAX_ACK_S after it began. */
static GDateTime *
pending_end (TwPendingAck *ack)
{
  return ack->until != NULL ? g_date_time_ref (ack->until)
                            : g_date_time_add_seconds (ack->at, TW_ALERTS_MAX_ACK_S);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static TwPendingAck *
parse_entry (JsonNode *node)
{
  g_autoptr(GDateTime) at = NULL;
  JsonObject *object;
  TwPendingAck *ack;
  const char *key, *by, *until;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  key = member_string (object, "key");
  by = member_string (object, "by");
  at = _tw_am_parse_time (member_string (object, "at"));
  if (key == NULL || (!g_str_has_prefix (key, "am:") && !g_str_has_prefix (key, "console:"))
      || by == NULL || at == NULL)
    return NULL;
  ack = g_new0 (TwPendingAck, 1);
  ack->key = g_strdup (key);
  ack->by = g_strdup (by);
  ack->note = g_strdup (member_string (object, "note"));
  ack->at = g_steal_pointer (&at);
  until = member_string (object, "until");
  ack->until = until != NULL ? _tw_am_parse_time (until) : NULL;
  ack->silence_id = g_strdup (member_string (object, "silence_id"));
  ack->silence_service = g_strdup (member_string (object, "silence_service"));
  return ack;
}

gboolean
_tw_alerts_ack_load (TwAlertsService  *self,
                     GError          **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  JsonNode *root, *acks;
  guint n;

  g_hash_table_remove_all (self->pending_acks);
  if (self->state_path == NULL)
    return TRUE;
  if (!json_parser_load_from_mapped_file (parser, self->state_path, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID, _("The acknowledgements in “%s” could not be read: %s"),
                   self->state_path, local_error->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || (acks = json_object_get_member (json_node_get_object (root), "acknowledgements")) == NULL
      || !JSON_NODE_HOLDS_ARRAY (acks))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("The acknowledgements in “%s” could not be read: no “acknowledgements” list"),
                   self->state_path);
      return FALSE;
    }
  n = json_array_get_length (json_node_get_array (acks));
  for (guint i = 0; i < n; i++)
    {
      TwPendingAck *ack = parse_entry (json_array_get_element (json_node_get_array (acks), i));
      g_autoptr(GDateTime) end = NULL;

      if (ack == NULL)
        {
          g_message ("%s: acknowledgement %u left out: not one the console wrote", self->state_path, i);
          continue;
        }
      end = pending_end (ack);
      if (g_date_time_compare (end, now) <= 0)
        {
          /* Over while the console was away: its silence ended with it. */
          _tw_pending_ack_free (ack);
          continue;
        }
      g_hash_table_replace (self->pending_acks, ack->key, ack);
    }
  return TRUE;
}

static void
add_entry (JsonBuilder *b,
           const char  *key,
           const char  *by,
           const char  *note,
           GDateTime   *at,
           GDateTime   *until,
           const char  *silence_id,
           const char  *silence_service)
{
  g_autofree char *at_text = _tw_am_format_time (at);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, key);
  json_builder_set_member_name (b, "by");
  json_builder_add_string_value (b, by);
  if (note != NULL)
    {
      json_builder_set_member_name (b, "note");
      json_builder_add_string_value (b, note);
    }
  json_builder_set_member_name (b, "at");
  json_builder_add_string_value (b, at_text);
  if (until != NULL)
    {
      g_autofree char *until_text = _tw_am_format_time (until);

      json_builder_set_member_name (b, "until");
      json_builder_add_string_value (b, until_text);
    }
  if (silence_id != NULL)
    {
      json_builder_set_member_name (b, "silence_id");
      json_builder_add_string_value (b, silence_id);
    }
  if (silence_service != NULL)
    {
      json_builder_set_member_name (b, "silence_service");
      json_builder_add_string_value (b, silence_service);
    }
  json_builder_end_object (b);
}

/* Writes every acknowledged alert and every entry still waiting for its alert. A failure
 * is a warning: the acks hold in memory until the console quits. */
void
_tw_alerts_ack_save (TwAlertsService *self)
{
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;
  GHashTableIter iter;
  gpointer value;

  if (self->state_path == NULL)
    return;
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_int_value (b, FORMAT);
  json_builder_set_member_name (b, "acknowledgements");
  json_builder_begin_array (b);
  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TwAlertItem *item = value;

      if (!tw_alert_item_is_acknowledged (item) || tw_alert_item_is_resolved (item))
        continue;
      add_entry (b, tw_alert_item_get_key (item), tw_alert_item_get_acked_by (item),
                 tw_alert_item_get_ack_note (item), tw_alert_item_get_acked_at (item),
                 tw_alert_item_get_ack_until (item), tw_alert_item_get_ack_silence_id (item),
                 _tw_alert_item_get_ack_silence_service (item));
    }
  g_hash_table_iter_init (&iter, self->pending_acks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TwPendingAck *ack = value;

      add_entry (b, ack->key, ack->by, ack->note, ack->at, ack->until, ack->silence_id,
                 ack->silence_service);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);

  dir = g_path_get_dirname (self->state_path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_warning ("The acknowledgements were not saved: %s: %s", dir, g_strerror (saved_errno));
      return;
    }
  if (!g_file_set_contents_full (self->state_path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600, &error))
    g_warning ("The acknowledgements were not saved: %s", error->message);
}

/* @item is seen for the first time since the console started: acknowledged again when an
 * entry waits for it. */
void
_tw_alerts_ack_restore (TwAlertsService *self,
                        TwAlertItem     *item)
{
  TwPendingAck *ack = g_hash_table_lookup (self->pending_acks, tw_alert_item_get_key (item));
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) end = NULL;
  GTimeSpan left;

  if (ack == NULL || tw_alert_item_is_resolved (item))
    return;
  end = pending_end (ack);
  left = g_date_time_difference (end, now);
  if (left > 0)
    {
      _tw_alert_item_set_ack (item, ack->by, ack->note, ack->at, ack->until, ack->silence_id,
                              ack->silence_service);
      _tw_alerts_ack_start_timer (self, item, (guint) MAX (1, left / G_TIME_SPAN_SECOND));
    }
  g_hash_table_remove (self->pending_acks, tw_alert_item_get_key (item));
}

/* An Alertmanager's complete list came (@listed: the keys of its firing alerts): an entry
 * waiting for one of its alerts that it no longer lists has resolved while the console
 * was away. Its silence is expired (Alertmanager would keep silencing a recurrence). */
void
_tw_alerts_ack_prune_pending (TwAlertsService *self,
                              const char      *am_id,
                              GHashTable      *listed)
{
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func ((GDestroyNotify) _tw_pending_ack_free);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->pending_acks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TwPendingAck *ack = value;
      g_autoptr(GDateTime) end = pending_end (ack);
      gboolean over = g_date_time_compare (end, now) <= 0;

      if (!over && (!g_str_has_prefix (ack->key, "am:") || g_strcmp0 (ack->silence_service, am_id) != 0
                    || (listed != NULL && g_hash_table_contains (listed, ack->key))))
        continue;
      g_hash_table_iter_steal (&iter);
      g_ptr_array_add (gone, ack);
    }
  for (guint i = 0; i < gone->len; i++)
    {
      TwPendingAck *ack = g_ptr_array_index (gone, i);
      if (ack->silence_id != NULL && g_str_has_prefix (ack->key, "am:"))
        _tw_alerts_ack_expire_by_id (self, ack->key, ack->silence_service, ack->silence_id,
                                     "the alert resolved while the console was not running");
      else
        _tw_alerts_service_audit_target (self, "alert.ack-expire", ack->key, "the acknowledgement ended",
                                         TRUE, NULL);
    }
  if (gone->len > 0)
    _tw_alerts_ack_save (self);
}

void
tw_alerts_service_set_state_path (TwAlertsService *self,
                                  const char      *path)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TW_IS_ALERTS_SERVICE (self));

  g_free (self->state_path);
  self->state_path = g_strdup (path);
  if (!_tw_alerts_ack_load (self, &error))
    g_warning ("%s", error->message);
}

char *
tw_alerts_service_default_state_path (const char *profile)
{
  g_autofree char *file = g_strconcat (profile, ".json", NULL);

  g_return_val_if_fail (profile != NULL, NULL);
  return g_build_filename (g_get_user_state_dir (), "tradewarden", "alerts", file, NULL);
}

guint
tw_alerts_service_get_n_pending_acks (TwAlertsService *self)
{
  g_return_val_if_fail (TW_IS_ALERTS_SERVICE (self), 0);
  return g_hash_table_size (self->pending_acks);
}
