/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-error.h"
#include "tw-service-details-private.h"

/* An order's audit trail (003, Stuck Order Resolution, "Verify Resolution": GET
 * /api/v1/audit/correlation_id/order-123), the connector's "audit.trail" with ${id}.
 * The answer is the audit store's records, each mapped onto a TwDetailItem ("time",
 * "type", "message", "id"); this file makes them safe to show: the records of another
 * correlation id are left out, at most TW_AUDIT_TRAIL_MAX_ENTRIES are kept (the newest),
 * details are flattened to one line of at most TW_AUDIT_TRAIL_MAX_DETAIL characters
 * without control characters, and the entries are put in time order. */

#define AUDIT_OPERATION "audit.trail"

typedef struct
{
  char  *correlation_id;
  guint  n_left_out;
} AuditRead;

static void
audit_read_free (AuditRead *read)
{
  g_free (read->correlation_id);
  g_free (read);
}

gboolean
tw_service_details_can_read_audit (TwServiceDetails *self)
{
  TwClient *client;

  g_return_val_if_fail (TW_IS_SERVICE_DETAILS (self), FALSE);
  client = _tw_service_details_get_client (self);
  return client != NULL && tw_client_has_operation (client, AUDIT_OPERATION);
}

/* Control characters (a newline, an escape sequence) become spaces: one line, shown as
 * it is. */
static void
append_clean (GString    *out,
              const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
}

static void
append_value (GString  *out,
              JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    append_clean (out, json_node_get_string (node));
  else
    {
      g_autofree char *text = json_to_string (node, FALSE);

      append_clean (out, text);
    }
}

/* The details as one line: an object's members as "key: value, key: value", anything
 * else as its text. (transfer full) NULL for NULL. */
static char *
format_details (const char *text)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GString) out = NULL;

  if (text == NULL)
    return NULL;
  out = g_string_new (NULL);
  if (*text == '{')
    node = json_from_string (text, NULL);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        {
          if (out->len > 0)
            g_string_append (out, ", ");
          append_clean (out, l->data);
          g_string_append (out, ": ");
          append_value (out, json_object_get_member (object, l->data));
          if (out->len > TW_AUDIT_TRAIL_MAX_DETAIL * 4)
            break;
        }
    }
  else
    append_clean (out, text);

  if (g_utf8_strlen (out->str, -1) > TW_AUDIT_TRAIL_MAX_DETAIL)
    {
      g_autofree char *cut = g_utf8_substring (out->str, 0, TW_AUDIT_TRAIL_MAX_DETAIL - 1);

      return g_strconcat (cut, "…", NULL);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

typedef struct
{
  TwDetailItem *item;
  gint64        time_us;   /* G_MININT64: no time that parses */
  guint         index;
} Entry;

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *ea = a;
  const Entry *eb = b;

  /* Entries without a time keep their place relative to each other, after the rest. */
  if (ea->time_us != eb->time_us)
    {
      if (ea->time_us == G_MININT64)
        return 1;
      if (eb->time_us == G_MININT64)
        return -1;
      return ea->time_us < eb->time_us ? -1 : 1;
    }
  return ea->index < eb->index ? -1 : ea->index > eb->index;
}

static gint64
parse_time (const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) when = text != NULL ? g_date_time_new_from_iso8601 (text, utc) : NULL;

  return when != NULL ? (g_date_time_to_unix (when) * G_USEC_PER_SEC + g_date_time_get_microsecond (when)) : G_MININT64;
}

static GListModel *
map_entries (TwServiceDetails  *self,
             AuditRead         *read,
             JsonNode          *root,
             GError           **error)
{
  TwClient *client = _tw_service_details_get_client (self);
  const TwOperation *op = tw_connector_get_operation (tw_client_get_connector (client), AUDIT_OPERATION);
  g_autoptr(GArray) entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  GListStore *store;
  JsonNode *selected;
  JsonArray *array;
  guint first;

  selected = tw_operation_select (op, root, error);
  if (selected == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (selected))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                   _("%s answered the audit trail of %s with something other than a list "
                     "of entries; the service may not be the kind this connector expects"),
                   tw_service_get_name (tw_client_get_service (client)), read->correlation_id);
      return NULL;
    }

  array = json_node_get_array (selected);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *name = g_strdup_printf ("%u", i + 1);
      g_autoptr(TwDetailItem) item = tw_detail_item_new (name);
      g_autoptr(GError) local_error = NULL;
      const char *id;
      Entry entry = { 0 };

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !tw_operation_map_object (op, element, G_OBJECT (item), &local_error))
        {
          g_debug ("audit trail of %s: entry %u left out: %s", read->correlation_id, i + 1,
                   local_error != NULL ? local_error->message : "not an object");
          read->n_left_out++;
          continue;
        }
      /* An entry that says it is another order's is not this order's trail. */
      id = tw_detail_item_get_string (item, "id");
      if (id != NULL && !g_str_equal (id, read->correlation_id))
        {
          read->n_left_out++;
          continue;
        }
      {
        g_autofree char *details = format_details (tw_detail_item_get_string (item, "message"));
        g_autoptr(GString) type = g_string_new (NULL);

        tw_detail_item_set_string (item, "message", details);
        if (tw_detail_item_get_string (item, "type") != NULL)
          {
            append_clean (type, tw_detail_item_get_string (item, "type"));
            tw_detail_item_set_string (item, "type", type->str);
          }
      }
      entry.item = g_steal_pointer (&item);
      entry.time_us = parse_time (tw_detail_item_get_string (entry.item, "time"));
      entry.index = i;
      g_array_append_val (entries, entry);
    }

  g_array_sort (entries, compare_entries);
  store = g_list_store_new (TW_TYPE_DETAIL_ITEM);
  first = entries->len > TW_AUDIT_TRAIL_MAX_ENTRIES ? entries->len - TW_AUDIT_TRAIL_MAX_ENTRIES : 0;
  read->n_left_out += first;
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = &g_array_index (entries, Entry, i);

      if (i >= first)
        g_list_store_append (store, entry->item);
      g_object_unref (entry->item);
    }
  return G_LIST_MODEL (store);
}

static void
on_audit_answer (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TwServiceDetails *self = g_task_get_source_object (task);
  AuditRead *read = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = tw_client_call_finish (TW_CLIENT (source), result, NULL, &error);
  GListModel *entries;

  if (root == NULL)
    {
      if (g_error_matches (error, TW_ERROR, TW_ERROR_NOT_FOUND))
        {
          /* Its own words: the service's are in the log. */
          g_debug ("audit trail of %s: %s", read->correlation_id, error->message);
          g_task_return_new_error (task, TW_ERROR, TW_ERROR_NOT_FOUND,
                                   _("%s has no audit trail for correlation ID %s (it answered "
                                     "404 Not Found): the order may be older than the audit "
                                     "store keeps, or never reached it"),
                                   tw_service_get_name (tw_service_details_get_service (self)),
                                   read->correlation_id);
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  entries = map_entries (self, read, root, &error);
  if (entries == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, entries, g_object_unref);
}

void
tw_service_details_read_audit_async (TwServiceDetails    *self,
                                     const char          *correlation_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) vars = NULL;
  AuditRead *read;

  g_return_if_fail (TW_IS_SERVICE_DETAILS (self));
  g_return_if_fail (correlation_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tw_service_details_read_audit_async);
  read = g_new0 (AuditRead, 1);
  read->correlation_id = g_strdup (correlation_id);
  g_task_set_task_data (task, read, (GDestroyNotify) audit_read_free);

  if (!tw_service_details_can_read_audit (self))
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_UNSUPPORTED,
                               _("This service's connector has no audit trail operation "
                                 "(\"%s\")"), AUDIT_OPERATION);
      return;
    }

  vars = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (vars, "id", read->correlation_id);
  tw_client_call_full_async (_tw_service_details_get_client (self), AUDIT_OPERATION, vars, 1,
                             cancellable, on_audit_answer, g_steal_pointer (&task));
}

GListModel *
tw_service_details_read_audit_finish (TwServiceDetails  *self,
                                      GAsyncResult      *result,
                                      guint             *n_left_out,
                                      GError           **error)
{
  AuditRead *read;

  g_return_val_if_fail (TW_IS_SERVICE_DETAILS (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  read = g_task_get_task_data (G_TASK (result));
  if (n_left_out != NULL)
    *n_left_out = read->n_left_out;
  return g_task_propagate_pointer (G_TASK (result), error);
}
