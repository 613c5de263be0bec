/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "tw-error.h"
#include "tw-json.h"
#include "tw-log-format.h"
#include "tw-log-loki.h"
#include "tw-log-loki-private.h"

#define NS_PER_US 1000

void
_tw_loki_entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->labels);
  g_free (entry->line);
  g_free (entry);
}

/* Parsing answers (worker threads) */

static gboolean
parse_ts (JsonNode *node,
          gint64   *ts)
{
  const char *text;
  char *end = NULL;
  gint64 value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  text = json_node_get_string (node);
  if (text == NULL || !g_ascii_isdigit (*text))
    return FALSE;
  errno = 0;
  value = g_ascii_strtoll (text, &end, 10);
  if (errno != 0 || *end != '\0' || value <= 0)
    return FALSE;
  *ts = value;
  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* {a="b", c="d"}: sorted by name, values escaped as LogQL writes them. NULL when a value
 * is not a string. */
static char *
format_labels (JsonObject *stream)
{
  g_autoptr(GList) members = json_object_get_members (stream);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GString *out = g_string_new ("{");

  for (GList *l = members; l != NULL; l = l->next)
    g_ptr_array_add (names, l->data);
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      JsonNode *node = json_object_get_member (stream, name);
      const char *value;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      value = json_node_get_string (node);
      if (i > 0)
        g_string_append (out, ", ");
      for (const char *p = name; *p != '\0'; p++)
        g_string_append_c (out, g_ascii_isalnum (*p) || *p == '_' ? *p : '_');
      g_string_append (out, "=\"");
      for (const char *p = value; *p != '\0'; p++)
        switch (*p)
          {
          case '"': g_string_append (out, "\\\""); break;
          case '\\': g_string_append (out, "\\\\"); break;
          case '\n': g_string_append (out, "\\n"); break;
          case '\r': g_string_append (out, "\\r"); break;
          case '\t': g_string_append (out, "\\t"); break;
          default: g_string_append_c (out, *p); break;
          }
      g_string_append_c (out, '"');
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static gboolean
shape_error (GError     **error,
             const char  *what)
{
  g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
               _("Loki's answer is not in the documented form: %s."), what);
  return FALSE;
}

/* Adds the entries of a "streams" array ([{stream:{…}, values:[[ts, line], …]}, …]). */
static gboolean
read_streams (JsonArray  *streams,
              GPtrArray  *entries,
              GError    **error)
{
  for (guint i = 0; i < json_array_get_length (streams); i++)
    {
      JsonNode *item = json_array_get_element (streams, i);
      JsonObject *object;
      JsonNode *stream, *values;
      g_autofree char *labels = NULL;
      JsonArray *array;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        return shape_error (error, _("a stream is not an object"));
      object = json_node_get_object (item);
      stream = json_object_get_member (object, "stream");
      values = json_object_get_member (object, "values");
      if (stream == NULL || !JSON_NODE_HOLDS_OBJECT (stream))
        return shape_error (error, _("a stream has no “stream” labels"));
      if (values == NULL || !JSON_NODE_HOLDS_ARRAY (values))
        return shape_error (error, _("a stream has no “values”"));
      labels = format_labels (json_node_get_object (stream));
      if (labels == NULL)
        return shape_error (error, _("a label's value is not a string"));
      array = json_node_get_array (values);
      for (guint j = 0; j < json_array_get_length (array); j++)
        {
          JsonNode *pair = json_array_get_element (array, j);
          JsonArray *value;
          JsonNode *line;
          Entry *entry;
          gint64 ts;

          /* [ts, line] (newer Loki may add a third element: structured metadata) */
          if (!JSON_NODE_HOLDS_ARRAY (pair) || json_array_get_length (value = json_node_get_array (pair)) < 2)
            return shape_error (error, _("a value is not a [time, line] pair"));
          if (!parse_ts (json_array_get_element (value, 0), &ts))
            return shape_error (error, _("a time is not a string of nanoseconds"));
          line = json_array_get_element (value, 1);
          if (!JSON_NODE_HOLDS_VALUE (line) || json_node_get_value_type (line) != G_TYPE_STRING)
            return shape_error (error, _("a line is not a string"));
          entry = g_new0 (Entry, 1);
          entry->ts = ts;
          entry->labels = g_strdup (labels);
          entry->line = g_strdup (json_node_get_string (line));
          g_ptr_array_add (entries, entry);
        }
    }
  return TRUE;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *x = *(Entry * const *) a;
  const Entry *y = *(Entry * const *) b;

  return x->ts < y->ts ? -1 : x->ts > y->ts ? 1 : 0;
}

/* A query_range answer: {"status":"success","data":{"resultType":"streams","result":[…]}}. */
static gboolean
parse_range (GBytes     *body,
             GPtrArray  *entries,
             GError    **error)
{
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  g_autoptr(JsonNode) root = tw_json_parse (data, size, error);
  JsonObject *object, *answer;
  JsonNode *node;
  const char *type;

  if (root == NULL)
    {
      g_prefix_error (error, _("Loki's answer is not valid JSON: "));
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return shape_error (error, _("not a JSON object"));
  object = json_node_get_object (root);
  if (g_strcmp0 (json_object_get_string_member_with_default (object, "status", ""), "success") != 0)
    return shape_error (error, _("its status is not “success”"));
  node = json_object_get_member (object, "data");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return shape_error (error, _("it has no “data”"));
  answer = json_node_get_object (node);
  type = json_object_get_string_member_with_default (answer, "resultType", "");
  if (!g_str_equal (type, "streams"))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("Loki answered a “%s”, not log lines: the Query must be a log query "
                     "(a selector and filters, no metric function)."), type);
      return FALSE;
    }
  node = json_object_get_member (answer, "result");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return shape_error (error, _("it has no “result” list"));
  if (!read_streams (json_node_get_array (node), entries, error))
    return FALSE;
  g_ptr_array_sort (entries, compare_entries);
  return TRUE;
}

/* A tail message: {"streams":[…],"dropped_entries":[…]}. */
static gboolean
parse_tail (GBytes     *body,
            GPtrArray  *entries,
            guint64    *dropped,
            GError    **error)
{
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  g_autoptr(JsonNode) root = tw_json_parse (data, size, error);
  JsonObject *object;
  JsonNode *node;

  if (root == NULL)
    {
      g_prefix_error (error, _("Loki's answer is not valid JSON: "));
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return shape_error (error, _("a tail message is not a JSON object"));
  object = json_node_get_object (root);
  node = json_object_get_member (object, "streams");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_ARRAY (node))
        return shape_error (error, _("a tail message's “streams” is not a list"));
      if (!read_streams (json_node_get_array (node), entries, error))
        return FALSE;
    }
  node = json_object_get_member (object, "dropped_entries");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    *dropped += json_array_get_length (json_node_get_array (node));
  return TRUE;
}

static void
append_spool_line (GString     *out,
                   const Entry *entry)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (entry->ts / 1000000000);
  g_autofree char *stamp = time != NULL ? g_date_time_format (time, "%Y-%m-%dT%H:%M:%S") : g_strdup ("1970-01-01T00:00:00");

  g_string_append_printf (out, "%s.%06uZ %s ", stamp, (guint) ((entry->ts % 1000000000) / NS_PER_US),
                          entry->labels);
  for (const char *p = entry->line; *p != '\0'; p++)
    g_string_append_c (out, *p == '\n' || *p == '\r' ? ' ' : *p);
  g_string_append_c (out, '\n');
}

static void
dedup_prune (Dedup *dedup)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, dedup->seen);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (*(gint64 *) value < dedup->max_ts - TW_LOKI_DEDUP_WINDOW_NS)
      g_hash_table_iter_remove (&iter);
}

/* FALSE when @entry was written already. */
static gboolean
dedup_take (Dedup *dedup,
            Entry *entry)
{
  char *key;

  /* A reconnection or a poll asks from the newest entry written on, so what comes again
   * is within the window; an older entry is a late one (a stream that lagged): kept. */
  key = g_strdup_printf ("%" G_GINT64_FORMAT " %u %u", entry->ts, g_str_hash (entry->labels),
                         g_str_hash (entry->line));
  if (g_hash_table_contains (dedup->seen, key))
    {
      g_free (key);
      return FALSE;
    }
  g_hash_table_insert (dedup->seen, key, g_memdup2 (&entry->ts, sizeof entry->ts));
  if (entry->ts > dedup->max_ts)
    dedup->max_ts = entry->ts;
  if (g_hash_table_size (dedup->seen) > 50000)
    dedup_prune (dedup);
  return TRUE;
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        len,
           GError     **error)
{
  gsize done = 0;

  while (done < len)
    {
      gssize wrote = write (fd, data + done, len - done);

      if (wrote < 0 && errno == EINTR)
        continue;
      if (wrote <= 0)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_FAILED, _("Could not keep Loki's lines: %s"),
                       g_strerror (errno));
          return FALSE;
        }
      done += wrote;
    }
  return TRUE;
}

void
_tw_loki_job_free (gpointer data)
{
  Job *job = data;

  g_clear_pointer (&job->bodies, g_ptr_array_unref);
  g_clear_pointer (&job->entries, g_ptr_array_unref);
  g_free (job);
}

static gboolean
write_entries (Job      *job,
               GError  **error)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < job->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (job->entries, i);

      if (!dedup_take (job->dedup, entry))
        continue;
      append_spool_line (out, entry);
      job->written++;
      if (out->len > 1024 * 1024)
        {
          if (!write_all (job->fd, out->str, out->len, error))
            return FALSE;
          g_string_truncate (out, 0);
        }
    }
  return write_all (job->fd, out->str, out->len, error);
}

void
_tw_loki_job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  gboolean ok = TRUE;

  switch (job->kind)
    {
    case JOB_PAGE:
      ok = parse_range (g_ptr_array_index (job->bodies, 0), job->entries, &error);
      job->n_parsed = job->entries->len;
      break;
    case JOB_POLL:
      ok = parse_range (g_ptr_array_index (job->bodies, 0), job->entries, &error)
           && write_entries (job, &error);
      job->n_parsed = job->entries->len;
      break;
    case JOB_WRITE:
      g_ptr_array_sort (job->entries, compare_entries);
      /* the newest MaxLines */
      if (job->limit > 0 && job->entries->len > job->limit)
        g_ptr_array_remove_range (job->entries, 0, job->entries->len - job->limit);
      ok = write_entries (job, &error);
      break;
    case JOB_TAIL:
      for (guint i = 0; ok && i < job->bodies->len; i++)
        {
          g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (_tw_loki_entry_free);

          ok = parse_tail (g_ptr_array_index (job->bodies, i), entries, &job->dropped, &error);
          if (ok)
            {
              /* the entries of a message, in time order across its streams */
              g_ptr_array_sort (entries, compare_entries);
              g_ptr_array_extend_and_steal (job->entries, g_steal_pointer (&entries));
            }
        }
      /* What was read before a bad message is kept. */
      {
        GError *write_error = NULL;

        if (!write_entries (job, &write_error))
          {
            g_clear_error (&error);
            error = write_error;
            ok = FALSE;
          }
      }
      break;
    default:
      g_assert_not_reached ();
    }
  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Spool lines */

gboolean
_tw_log_loki_split_line (const char *line,
                         gsize       len,
                         gint64     *time_us,
                         gsize      *labels_start,
                         gsize      *labels_len,
                         gsize      *rest_start)
{
  const char *space = memchr (line, ' ', MIN (len, 40));
  gsize i;
  gboolean quoted = FALSE;

  if (space == NULL || space - line < 20 || (gsize) (space - line) + 1 >= len || space[1] != '{')
    return FALSE;
  *time_us = tw_log_parse_time (line, space - line);
  *labels_start = space - line + 1;
  for (i = *labels_start + 1; i < len; i++)
    {
      if (quoted && line[i] == '\\')
        i++;
      else if (line[i] == '"')
        quoted = !quoted;
      else if (!quoted && line[i] == '}')
        break;
    }
  if (i >= len)
    return FALSE;
  *labels_len = i + 1 - *labels_start;
  *rest_start = MIN (i + 2, len);
  return TRUE;
}
