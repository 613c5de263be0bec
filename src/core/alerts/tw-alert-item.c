/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-alerts-private.h"

#include <glib/gi18n-lib.h>

#include "tw-util.h"

struct _TwAlertItem
{
  GObject            parent_instance;

  char              *key;
  TwAlertSourceKind  kind;
  char              *fingerprint;
  char              *name;
  TwAlertSeverity    severity;
  GHashTable        *labels;
  GHashTable        *annotations;
  GDateTime         *starts_at;
  GDateTime         *resolved_at;
  char              *generator_url;
  GPtrArray         *sources;
  GPtrArray         *silenced_by;
  gboolean           resolved;

  /* acknowledgement */
  char              *acked_by;
  char              *ack_note;
  GDateTime         *acked_at;
  GDateTime         *ack_until;
  char              *ack_silence_id;
  char              *ack_silence_service;

  /* console alerts */
  char              *page;
  char              *category;
  char              *body;
  char              *runbook_line;
  gboolean           offers_halt;

  gint64             last_notified;
};

G_DEFINE_FINAL_TYPE (TwAlertItem, tw_alert_item, G_TYPE_OBJECT)

static void
tw_alert_item_finalize (GObject *object)
{
  TwAlertItem *self = TW_ALERT_ITEM (object);

  g_free (self->key);
  g_free (self->fingerprint);
  g_free (self->name);
  g_hash_table_unref (self->labels);
  g_hash_table_unref (self->annotations);
  g_clear_pointer (&self->starts_at, g_date_time_unref);
  g_clear_pointer (&self->resolved_at, g_date_time_unref);
  g_free (self->generator_url);
  g_ptr_array_unref (self->sources);
  g_ptr_array_unref (self->silenced_by);
  _tw_alert_item_clear_ack (self);
  g_free (self->page);
  g_free (self->category);
  g_free (self->body);
  g_free (self->runbook_line);

  G_OBJECT_CLASS (tw_alert_item_parent_class)->finalize (object);
}

static void
tw_alert_item_class_init (TwAlertItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tw_alert_item_finalize;
}

static void
tw_alert_item_init (TwAlertItem *self)
{
  self->labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->annotations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->sources = g_ptr_array_new_with_free_func (g_free);
  self->silenced_by = g_ptr_array_new_with_free_func (g_free);
  self->severity = TW_ALERT_WARNING;
}

TwAlertSeverity
tw_alert_severity_from_label (const char *label)
{
  if (label == NULL)
    return TW_ALERT_WARNING;
  if (g_ascii_strcasecmp (label, "critical") == 0 || g_ascii_strcasecmp (label, "page") == 0)
    return TW_ALERT_CRITICAL;
  if (g_ascii_strcasecmp (label, "info") == 0 || g_ascii_strcasecmp (label, "low") == 0
      || g_ascii_strcasecmp (label, "none") == 0)
    return TW_ALERT_INFO;
  /* warning, high, medium, error and anything unknown: loud enough to be seen */
  return TW_ALERT_WARNING;
}

const char *
tw_alert_state_to_string (TwAlertState state)
{
  switch (state)
    {
    case TW_ALERT_STATE_FIRING:
      return "firing";
    case TW_ALERT_STATE_ACKNOWLEDGED:
      return "acknowledged";
    case TW_ALERT_STATE_SILENCED:
      return "silenced";
    case TW_ALERT_STATE_RESOLVED:
      return "resolved";
    default:
      return "unknown";
    }
}

TwAlertItem *
_tw_alert_item_new_am (const char *fingerprint)
{
  TwAlertItem *self = g_object_new (TW_TYPE_ALERT_ITEM, NULL);

  self->kind = TW_ALERT_SOURCE_ALERTMANAGER;
  self->fingerprint = g_strdup (fingerprint);
  self->key = g_strconcat ("am:", fingerprint, NULL);
  self->name = g_strdup (fingerprint);
  return self;
}

TwAlertItem *
_tw_alert_item_new_console (TwAlert *alert)
{
  TwAlertItem *self = g_object_new (TW_TYPE_ALERT_ITEM, NULL);
  const char *body = tw_alert_get_body (alert);
  const char *runbook;

  self->kind = TW_ALERT_SOURCE_CONSOLE;
  self->key = g_strconcat ("console:", tw_alert_get_key (alert), NULL);
  self->name = g_strdup (tw_alert_get_title (alert));
  self->severity = tw_alert_get_severity (alert);
  self->body = g_strdup (body);
  self->page = g_strdup (tw_alert_get_page (alert));
  self->category = g_strdup (tw_alert_get_category (alert));
  self->offers_halt = tw_alert_get_offers_halt (alert);
  if (tw_alert_get_raised_at (alert) != NULL)
    self->starts_at = g_date_time_ref (tw_alert_get_raised_at (alert));
  else
    self->starts_at = g_date_time_new_now_utc ();
  if (tw_alert_get_service_id (alert) != NULL)
    g_hash_table_insert (self->labels, g_strdup ("service"), g_strdup (tw_alert_get_service_id (alert)));
  /* The engine ends a body with "Runbook: TITLE — SECTION" when the connector names one. */
  runbook = body != NULL ? strstr (body, "Runbook: ") : NULL;
  if (runbook != NULL)
    self->runbook_line = g_strdup (runbook);
  g_ptr_array_add (self->sources, g_strdup (_("Trade Warden")));
  return self;
}

static gboolean
hash_equal (GHashTable *a,
            GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (value, g_hash_table_lookup (b, key)) != 0)
      return FALSE;
  return TRUE;
}

static void
hash_copy (GHashTable *to,
           GHashTable *from)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_remove_all (to);
  g_hash_table_iter_init (&iter, from);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (to, g_strdup (key), g_strdup (value));
}

static gboolean
strv_array_equal (GPtrArray *a,
                  GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (g_strcmp0 (g_ptr_array_index (a, i), g_ptr_array_index (b, i)) != 0)
      return FALSE;
  return TRUE;
}

void
_tw_alert_item_set_silenced_by (TwAlertItem *self,
                                GPtrArray   *ids)
{
  g_ptr_array_set_size (self->silenced_by, 0);
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    g_ptr_array_add (self->silenced_by, g_strdup (g_ptr_array_index (ids, i)));
}

gboolean
_tw_alert_item_update_am (TwAlertItem   *self,
                          TwAmAlertData *data,
                          gboolean       with_silences)
{
  gboolean changed = FALSE;
  const char *alertname;

  if (!hash_equal (self->labels, data->labels))
    {
      hash_copy (self->labels, data->labels);
      changed = TRUE;
    }
  if (!hash_equal (self->annotations, data->annotations))
    {
      hash_copy (self->annotations, data->annotations);
      changed = TRUE;
    }
  alertname = g_hash_table_lookup (self->labels, "alertname");
  changed |= tw_set_str (&self->name, alertname != NULL ? alertname : self->fingerprint);
  if (self->severity != tw_alert_severity_from_label (g_hash_table_lookup (self->labels, "severity")))
    {
      self->severity = tw_alert_severity_from_label (g_hash_table_lookup (self->labels, "severity"));
      changed = TRUE;
    }
  if (data->starts_at != NULL)
    changed |= tw_set_date_time (&self->starts_at, data->starts_at);
  else if (self->starts_at == NULL)
    self->starts_at = g_date_time_new_now_utc ();
  changed |= tw_set_str (&self->generator_url, data->generator_url);
  if (with_silences && !strv_array_equal (self->silenced_by, data->silenced_by))
    {
      _tw_alert_item_set_silenced_by (self, data->silenced_by);
      changed = TRUE;
    }
  return changed;
}

gboolean
_tw_alert_item_has_source (TwAlertItem *self,
                           const char  *source)
{
  for (guint i = 0; i < self->sources->len; i++)
    if (g_str_equal (g_ptr_array_index (self->sources, i), source))
      return TRUE;
  return FALSE;
}

gboolean
_tw_alert_item_add_source (TwAlertItem *self,
                           const char  *source)
{
  if (_tw_alert_item_has_source (self, source))
    return FALSE;
  g_ptr_array_add (self->sources, g_strdup (source));
  return TRUE;
}

gboolean
_tw_alert_item_remove_source (TwAlertItem *self,
                              const char  *source)
{
  for (guint i = 0; i < self->sources->len; i++)
    if (g_str_equal (g_ptr_array_index (self->sources, i), source))
      {
        g_ptr_array_remove_index (self->sources, i);
        return TRUE;
      }
  return FALSE;
}

void
_tw_alert_item_set_resolved (TwAlertItem *self,
                             GDateTime   *resolved_at)
{
  self->resolved = TRUE;
  g_clear_pointer (&self->resolved_at, g_date_time_unref);
  self->resolved_at = resolved_at != NULL ? g_date_time_ref (resolved_at) : g_date_time_new_now_utc ();
}

void
_tw_alert_item_set_firing (TwAlertItem *self)
{
  self->resolved = FALSE;
  g_clear_pointer (&self->resolved_at, g_date_time_unref);
}

void
_tw_alert_item_set_ack (TwAlertItem *self,
                        const char  *by,
                        const char  *note,
                        GDateTime   *at,
                        GDateTime   *until,
                        const char  *silence_id,
                        const char  *silence_service)
{
  _tw_alert_item_clear_ack (self);
  self->acked_by = g_strdup (by);
  self->ack_note = g_strdup (note);
  self->acked_at = g_date_time_ref (at);
  self->ack_until = until != NULL ? g_date_time_ref (until) : NULL;
  self->ack_silence_id = g_strdup (silence_id);
  self->ack_silence_service = g_strdup (silence_service);
}

void
_tw_alert_item_clear_ack (TwAlertItem *self)
{
  g_clear_pointer (&self->acked_by, g_free);
  g_clear_pointer (&self->ack_note, g_free);
  g_clear_pointer (&self->acked_at, g_date_time_unref);
  g_clear_pointer (&self->ack_until, g_date_time_unref);
  g_clear_pointer (&self->ack_silence_id, g_free);
  g_clear_pointer (&self->ack_silence_service, g_free);
}

const char *
_tw_alert_item_get_ack_silence_service (TwAlertItem *self)
{
  return self->ack_silence_service;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

char *
_tw_alert_item_matchers_json (TwAlertItem *self)
{
  g_autoptr(GPtrArray) names = tw_alert_item_list_label_names (self);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, g_hash_table_lookup (self->labels, name));
      json_builder_set_member_name (builder, "isRegex");
      json_builder_add_boolean_value (builder, FALSE);
      json_builder_set_member_name (builder, "isEqual");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

gint64
_tw_alert_item_get_last_notified (TwAlertItem *self)
{
  return self->last_notified;
}

void
_tw_alert_item_set_last_notified (TwAlertItem *self,
                                  gint64       when)
{
  self->last_notified = when;
}

/* Getters */

const char *
tw_alert_item_get_key (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return self->key;
}

TwAlertSourceKind
tw_alert_item_get_source_kind (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), 0);
  return self->kind;
}

const char *
tw_alert_item_get_fingerprint (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return self->fingerprint;
}

const char *
tw_alert_item_get_name (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return self->name;
}

TwAlertSeverity
tw_alert_item_get_severity (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), TW_ALERT_WARNING);
  return self->severity;
}

const char *
tw_alert_item_get_severity_label (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return g_hash_table_lookup (self->labels, "severity");
}

TwAlertState
tw_alert_item_get_state (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), TW_ALERT_STATE_FIRING);

  if (self->resolved)
    return TW_ALERT_STATE_RESOLVED;
  if (self->acked_by != NULL)
    return TW_ALERT_STATE_ACKNOWLEDGED;
  if (self->silenced_by->len > 0)
    return TW_ALERT_STATE_SILENCED;
  return TW_ALERT_STATE_FIRING;
}

gboolean
tw_alert_item_is_resolved (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), FALSE);
  return self->resolved;
}

GHashTable *
tw_alert_item_get_labels (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return self->labels;
}

GHashTable *
tw_alert_item_get_annotations (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return self->annotations;
}

GPtrArray *
tw_alert_item_list_label_names (TwAlertItem *self)
{
  GPtrArray *names;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);

  names = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->labels);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (names, key);
  g_ptr_array_sort (names, compare_names);
  return names;
}

char *
tw_alert_item_format_labels (TwAlertItem *self)
{
  g_autoptr(GPtrArray) names = tw_alert_item_list_label_names (self);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);

      if (g_str_equal (name, "alertname") || g_str_equal (name, "severity"))
        continue;
      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append_printf (out, "%s=%s", name, (const char *) g_hash_table_lookup (self->labels, name));
    }
  return g_string_free (out, FALSE);
}

const char *
tw_alert_item_get_summary (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  if (self->kind == TW_ALERT_SOURCE_CONSOLE)
    return self->body;
  return g_hash_table_lookup (self->annotations, "summary");
}

const char *
tw_alert_item_get_description (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return g_hash_table_lookup (self->annotations, "description");
}

const char *
tw_alert_item_get_runbook_url (TwAlertItem *self)
{
  const char *url;

  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);

  url = g_hash_table_lookup (self->annotations, "runbook_url");
  /* Only a web page: a file: or custom-scheme link from a payload is not launched. */
  if (url != NULL && (g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://")))
    return url;
  return NULL;
}

const char *
tw_alert_item_get_runbook_line (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return self->runbook_line;
}

const char *
tw_alert_item_get_generator_url (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return self->generator_url;
}

GDateTime *
tw_alert_item_get_starts_at (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return self->starts_at;
}

GDateTime *
tw_alert_item_get_resolved_at (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return self->resolved_at;
}

GPtrArray *
tw_alert_item_get_sources (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return self->sources;
}

char *
tw_alert_item_format_sources (TwAlertItem *self)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);

  for (guint i = 0; i < self->sources->len; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      g_string_append (out, g_ptr_array_index (self->sources, i));
    }
  return g_string_free (out, FALSE);
}

GPtrArray *
tw_alert_item_get_silenced_by (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return self->silenced_by;
}

gboolean
tw_alert_item_is_acknowledged (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), FALSE);
  return self->acked_by != NULL;
}

const char *
tw_alert_item_get_acked_by (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return self->acked_by;
}

const char *
tw_alert_item_get_ack_note (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return self->ack_note;
}

GDateTime *
tw_alert_item_get_acked_at (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return self->acked_at;
}

GDateTime *
tw_alert_item_get_ack_until (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return self->ack_until;
}

const char *
tw_alert_item_get_ack_silence_id (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return self->ack_silence_id;
}

const char *
tw_alert_item_get_page (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return self->page;
}

gboolean
tw_alert_item_get_offers_halt (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), FALSE);
  /* Every critical alert offers the way out. */
  return self->offers_halt || self->severity == TW_ALERT_CRITICAL;
}

const char *
tw_alert_item_get_body (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return self->body;
}

const char *
tw_alert_item_get_category (TwAlertItem *self)
{
  g_return_val_if_fail (TW_IS_ALERT_ITEM (self), NULL);
  return self->category;
}

gboolean
_tw_alert_item_update_console (TwAlertItem *self,
                               TwAlert     *alert)
{
  const char *body = tw_alert_get_body (alert);
  const char *runbook = body != NULL ? strstr (body, "Runbook: ") : NULL;
  gboolean changed = FALSE;

  g_return_val_if_fail (self->kind == TW_ALERT_SOURCE_CONSOLE, FALSE);

  if (g_strcmp0 (self->body, body) != 0)
    {
      g_free (self->body);
      self->body = g_strdup (body);
      g_free (self->runbook_line);
      self->runbook_line = g_strdup (runbook);
      changed = TRUE;
    }
  if (self->severity != tw_alert_get_severity (alert))
    {
      self->severity = tw_alert_get_severity (alert);
      changed = TRUE;
    }
  if (self->offers_halt != tw_alert_get_offers_halt (alert))
    {
      self->offers_halt = tw_alert_get_offers_halt (alert);
      changed = TRUE;
    }
  return changed;
}
