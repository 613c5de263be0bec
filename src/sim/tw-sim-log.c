/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim-log.h"
#include "tw-sim-private.h"

struct _TwSimLog
{
  GMutex   lock;
  GQueue   entries;   /* TwSimLogEntry, oldest first */
  guint64  next_seq;
  guint    total;
};

static void
entry_clear (gpointer data)
{
  TwSimLogEntry *entry = data;

  g_free (entry->flavor);
  g_free (entry->method);
  g_free (entry->path);
  g_free (entry->query);
}

TwSimLogEntry *
tw_sim_log_entry_ref (TwSimLogEntry *entry)
{
  return g_atomic_rc_box_acquire (entry);
}

void
tw_sim_log_entry_unref (TwSimLogEntry *entry)
{
  g_atomic_rc_box_release_full (entry, entry_clear);
}

TwSimLog *
tw_sim_log_new (void)
{
  TwSimLog *log = g_new0 (TwSimLog, 1);

  g_mutex_init (&log->lock);
  g_queue_init (&log->entries);
  log->next_seq = 1;
  return log;
}

void
tw_sim_log_free (TwSimLog *log)
{
  if (log == NULL)
    return;
  g_queue_clear_full (&log->entries, (GDestroyNotify) tw_sim_log_entry_unref);
  g_mutex_clear (&log->lock);
  g_free (log);
}

TwSimLogEntry *
tw_sim_log_append (TwSimLog   *log,
                   const char *flavor,
                   const char *method,
                   const char *path,
                   const char *query)
{
  TwSimLogEntry *entry = g_atomic_rc_box_new0 (TwSimLogEntry);

  entry->flavor = g_strdup (flavor);
  entry->method = g_strdup (method);
  entry->path = g_strdup (path);
  entry->query = g_strdup (query != NULL ? query : "");
  entry->time_us = g_get_real_time ();

  g_mutex_lock (&log->lock);
  entry->seq = log->next_seq++;
  log->total++;
  g_queue_push_tail (&log->entries, tw_sim_log_entry_ref (entry));
  while (log->entries.length > TW_SIM_LOG_CAPACITY)
    tw_sim_log_entry_unref (g_queue_pop_head (&log->entries));
  g_mutex_unlock (&log->lock);

  return entry;
}

void
tw_sim_log_set_status (TwSimLog      *log,
                       TwSimLogEntry *entry,
                       guint          status)
{
  g_mutex_lock (&log->lock);
  entry->status = status;
  g_mutex_unlock (&log->lock);
}

void
tw_sim_log_clear (TwSimLog *log)
{
  g_mutex_lock (&log->lock);
  g_queue_clear_full (&log->entries, (GDestroyNotify) tw_sim_log_entry_unref);
  g_queue_init (&log->entries);
  g_mutex_unlock (&log->lock);
}

guint
tw_sim_log_get_total (TwSimLog *log)
{
  guint total;

  g_mutex_lock (&log->lock);
  total = log->total;
  g_mutex_unlock (&log->lock);
  return total;
}

JsonNode *
tw_sim_log_to_json (TwSimLog   *log,
                    const char *flavor,
                    guint64     since,
                    guint       limit)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint n = 0;

  json_builder_begin_array (builder);
  g_mutex_lock (&log->lock);
  for (GList *l = log->entries.head; l != NULL; l = l->next)
    {
      TwSimLogEntry *entry = l->data;
      g_autofree char *time = NULL;

      if (entry->seq <= since || (flavor != NULL && !g_str_equal (flavor, entry->flavor)))
        continue;
      if (limit != 0 && n++ == limit)
        break;

      time = tw_sim_format_time (entry->time_us, TRUE);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "seq");
      json_builder_add_int_value (builder, (gint64) entry->seq);
      json_builder_set_member_name (builder, "flavor");
      json_builder_add_string_value (builder, entry->flavor);
      json_builder_set_member_name (builder, "method");
      json_builder_add_string_value (builder, entry->method);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, entry->path);
      json_builder_set_member_name (builder, "query");
      json_builder_add_string_value (builder, entry->query);
      json_builder_set_member_name (builder, "status");
      json_builder_add_int_value (builder, entry->status);
      json_builder_set_member_name (builder, "time");
      json_builder_add_string_value (builder, time);
      json_builder_set_member_name (builder, "time_us");
      json_builder_add_int_value (builder, entry->time_us);
      json_builder_end_object (builder);
    }
  g_mutex_unlock (&log->lock);
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}
