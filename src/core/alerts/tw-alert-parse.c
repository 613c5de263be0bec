/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-alerts-private.h"

#include <glib/gi18n-lib.h>

#include "tw-error.h"
#include "tw-json.h"

/* The one parser of Alertmanager's alerts: webhook version 4 (as Alertmanager's
 * notify/webhook documents it) and GET /api/v2/alerts (its OpenAPI "gettableAlerts").
 * Every field is checked for its type; a payload that is wrong anywhere is refused
 * whole, with the place named, so nothing half-read reaches the page. */

void
_tw_am_alert_data_free (TwAmAlertData *data)
{
  if (data == NULL)
    return;
  g_free (data->fingerprint);
  g_clear_pointer (&data->labels, g_hash_table_unref);
  g_clear_pointer (&data->annotations, g_hash_table_unref);
  g_clear_pointer (&data->starts_at, g_date_time_unref);
  g_clear_pointer (&data->ends_at, g_date_time_unref);
  g_free (data->generator_url);
  g_clear_pointer (&data->silenced_by, g_ptr_array_unref);
  g_free (data);
}

GDateTime *
_tw_am_parse_time (const char *text)
{
  GDateTime *time;

  if (text == NULL || *text == '\0')
    return NULL;
  time = g_date_time_new_from_iso8601 (text, NULL);
  if (time == NULL)
    return NULL;
  /* Go's zero time, "0001-01-01T00:00:00Z": no end */
  if (g_date_time_get_year (time) <= 1)
    {
      g_date_time_unref (time);
      return NULL;
    }
  return time;
}

char *
_tw_am_format_time (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);
  g_autofree char *base = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (utc) / 1000);
}

static gboolean
fail (GError    **error,
      guint       index,
      const char *what)
{
  g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
               _("Alert %u of the payload: %s"), index + 1, what);
  return FALSE;
}

/* An object of strings (labels, annotations) */
static GHashTable *
read_string_map (JsonObject  *object,
                 const char  *member,
                 gboolean     required,
                 guint        index,
                 GError     **error)
{
  g_autoptr(GHashTable) map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JsonNode *node = json_object_get_member (object, member);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          g_autofree char *what = g_strdup_printf (_("“%s” is missing"), member);
          fail (error, index, what);
          return NULL;
        }
      return g_steal_pointer (&map);
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *what = g_strdup_printf (_("“%s” must be an object of strings"), member);
      fail (error, index, what);
      return NULL;
    }
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &name, &value))
    {
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        {
          g_autofree char *what = g_strdup_printf (_("“%s.%s” must be a string"), member, name);
          fail (error, index, what);
          return NULL;
        }
      g_hash_table_insert (map, g_strdup (name), g_strdup (json_node_get_string (value)));
    }
  return g_steal_pointer (&map);
}

/* NULL with no error when absent; an error when of another type. */
static gboolean
read_string (JsonObject  *object,
             const char  *member,
             const char **out,
             guint        index,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_autofree char *what = g_strdup_printf (_("“%s” must be a string"), member);
      return fail (error, index, what);
    }
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
read_time (JsonObject  *object,
           const char  *member,
           GDateTime  **out,
           guint        index,
           GError     **error)
{
  const char *text;

  *out = NULL;
  if (!read_string (object, member, &text, index, error))
    return FALSE;
  if (text == NULL || *text == '\0')
    return TRUE;
  {
    g_autoptr(GDateTime) check = g_date_time_new_from_iso8601 (text, NULL);

    if (check == NULL)
      {
        g_autofree char *what = g_strdup_printf (_("“%s” is not a time (RFC 3339)"), member);
        return fail (error, index, what);
      }
  }
  *out = _tw_am_parse_time (text);
  return TRUE;
}

static TwAmAlertData *
read_alert (JsonNode  *node,
            gboolean   webhook,
            guint      index,
            GError   **error)
{
  g_autoptr(TwAmAlertData) data = g_new0 (TwAmAlertData, 1);
  JsonObject *object;
  const char *fingerprint, *status = NULL, *generator;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (error, index, _("not an object"));
      return NULL;
    }
  object = json_node_get_object (node);

  if (!read_string (object, "fingerprint", &fingerprint, index, error))
    return NULL;
  if (fingerprint == NULL || *fingerprint == '\0')
    {
      fail (error, index, _("“fingerprint” is missing"));
      return NULL;
    }
  data->fingerprint = g_strdup (fingerprint);

  data->labels = read_string_map (object, "labels", TRUE, index, error);
  if (data->labels == NULL)
    return NULL;
  data->annotations = read_string_map (object, "annotations", FALSE, index, error);
  if (data->annotations == NULL)
    return NULL;
  if (!read_time (object, "startsAt", &data->starts_at, index, error)
      || !read_time (object, "endsAt", &data->ends_at, index, error)
      || !read_string (object, "generatorURL", &generator, index, error))
    return NULL;
  data->generator_url = g_strdup (generator);
  data->silenced_by = g_ptr_array_new_with_free_func (g_free);

  if (webhook)
    {
      if (!read_string (object, "status", &status, index, error))
        return NULL;
      if (g_strcmp0 (status, "firing") != 0 && g_strcmp0 (status, "resolved") != 0)
        {
          fail (error, index, _("“status” must be “firing” or “resolved”"));
          return NULL;
        }
      data->resolved = g_str_equal (status, "resolved");
    }
  else
    {
      JsonNode *status_node = json_object_get_member (object, "status");
      JsonNode *silenced;

      if (status_node == NULL || !JSON_NODE_HOLDS_OBJECT (status_node))
        {
          fail (error, index, _("“status” must be an object"));
          return NULL;
        }
      silenced = json_object_get_member (json_node_get_object (status_node), "silencedBy");
      if (silenced != NULL && JSON_NODE_HOLDS_ARRAY (silenced))
        {
          JsonArray *ids = json_node_get_array (silenced);

          for (guint i = 0; i < json_array_get_length (ids); i++)
            {
              JsonNode *id = json_array_get_element (ids, i);

              if (JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_STRING)
                g_ptr_array_add (data->silenced_by, g_strdup (json_node_get_string (id)));
            }
        }
    }

  return g_steal_pointer (&data);
}

static GPtrArray *
read_alerts (JsonArray  *array,
             gboolean    webhook,
             GError    **error)
{
  g_autoptr(GPtrArray) alerts =
    g_ptr_array_new_with_free_func ((GDestroyNotify) _tw_am_alert_data_free);
  guint n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      TwAmAlertData *data = read_alert (json_array_get_element (array, i), webhook, i, error);

      if (data == NULL)
        return NULL;
      g_ptr_array_add (alerts, data);
    }
  return g_steal_pointer (&alerts);
}

GPtrArray *
_tw_am_parse_webhook (const char  *body,
                      gsize        length,
                      char       **external_url,
                      GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) parsed = NULL;
  JsonObject *object;
  JsonNode *version, *alerts, *url;

  root = tw_json_parse (body, length, &local_error);
  if (root == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID, _("The payload is not JSON: %s"),
                   local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, TW_ERROR, TW_ERROR_INVALID,
                           _("The payload is not an Alertmanager webhook: it is not an object"));
      return NULL;
    }
  object = json_node_get_object (root);
  version = json_object_get_member (object, "version");
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version)
      || json_node_get_value_type (version) != G_TYPE_STRING
      || g_strcmp0 (json_node_get_string (version), "4") != 0)
    {
      g_set_error_literal (error, TW_ERROR, TW_ERROR_INVALID,
                           _("The payload is not an Alertmanager webhook of version 4 (“version”: “4”)"));
      return NULL;
    }
  alerts = json_object_get_member (object, "alerts");
  if (alerts == NULL || !JSON_NODE_HOLDS_ARRAY (alerts))
    {
      g_set_error_literal (error, TW_ERROR, TW_ERROR_INVALID,
                           _("The payload has no “alerts” array"));
      return NULL;
    }
  parsed = read_alerts (json_node_get_array (alerts), TRUE, error);
  if (parsed == NULL)
    return NULL;
  /* Set only with the alerts: a refused payload leaves nothing to free or to trust. */
  url = json_object_get_member (object, "externalURL");
  if (external_url != NULL)
    *external_url = url != NULL && JSON_NODE_HOLDS_VALUE (url) && json_node_get_value_type (url) == G_TYPE_STRING
                    ? g_strdup (json_node_get_string (url)) : NULL;

  return g_steal_pointer (&parsed);
}

GPtrArray *
_tw_am_parse_alerts (JsonNode  *root,
                     GError   **error)
{
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error_literal (error, TW_ERROR, TW_ERROR_INVALID,
                           _("Alertmanager's answer is not a list of alerts"));
      return NULL;
    }
  return read_alerts (json_node_get_array (root), FALSE, error);
}
