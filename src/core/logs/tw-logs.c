/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-logs.h"

#include <glib/gi18n-lib.h>

struct _TwLogs
{
  GObject     parent_instance;
  GListStore *sources;
  GPtrArray  *problems;
  gboolean    started;
};

G_DEFINE_FINAL_TYPE (TwLogs, tw_logs, G_TYPE_OBJECT)

static void
tw_logs_dispose (GObject *object)
{
  TwLogs *self = TW_LOGS (object);

  if (self->sources != NULL)
    tw_logs_stop (self);
  g_clear_object (&self->sources);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  G_OBJECT_CLASS (tw_logs_parent_class)->dispose (object);
}

static void
tw_logs_class_init (TwLogsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tw_logs_dispose;
}

static void
tw_logs_init (TwLogs *self)
{
  self->sources = g_list_store_new (TW_TYPE_LOG_SOURCE);
  self->problems = g_ptr_array_new_with_free_func (g_free);
}

TwLogs *
tw_logs_new (TwProfile *profile)
{
  TwLogs *self = g_object_new (TW_TYPE_LOGS, NULL);
  GPtrArray *logs = tw_profile_get_logs (profile);

  for (guint i = 0; i < logs->len; i++)
    {
      TwLogConfig *config = g_ptr_array_index (logs, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(TwLogSource) source = tw_log_source_new (config->id, config->path, config->options, &error);

      if (source == NULL)
        {
          g_message ("Log “%s” is not shown: %s", config->id, error->message);
          g_ptr_array_add (self->problems, g_strdup_printf (_("Log “%s” is not shown: %s"),
                                                            config->id, error->message));
          continue;
        }
      g_list_store_append (self->sources, source);
    }
  return self;
}

GListModel *
tw_logs_get_sources (TwLogs *self)
{
  g_return_val_if_fail (TW_IS_LOGS (self), NULL);
  return G_LIST_MODEL (self->sources);
}

TwLogSource *
tw_logs_lookup (TwLogs     *self,
                const char *id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwLogSource) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);

      if (g_strcmp0 (tw_log_source_get_id (source), id) == 0)
        return source;  /* the store holds it */
    }
  return NULL;
}

GPtrArray *
tw_logs_get_problems (TwLogs *self)
{
  return self->problems;
}

void
tw_logs_start (TwLogs *self)
{
  guint n;

  g_return_if_fail (TW_IS_LOGS (self));
  if (self->started)
    return;
  self->started = TRUE;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwLogSource) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);
      tw_log_source_start (source);
    }
}

void
tw_logs_stop (TwLogs *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwLogSource) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);
      tw_log_source_stop (source);
    }
}

gboolean
tw_logs_is_started (TwLogs *self)
{
  return self->started;
}
