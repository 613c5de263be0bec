/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-logs.h"

#include <glib/gi18n-lib.h>

#include "tw-log-alerts.h"

struct _TwLogs
{
  GObject     parent_instance;
  GListStore *sources;
  GPtrArray  *problems;
  GPtrArray  *options;     /* GHashTable of each source, in order */
  TwLogAlerts *alerts;
  char       *focus_source;
  guint       focus_row;
  guint       focus_serial;
  gboolean    started;
};

G_DEFINE_FINAL_TYPE (TwLogs, tw_logs, G_TYPE_OBJECT)

static void
tw_logs_dispose (GObject *object)
{
  TwLogs *self = TW_LOGS (object);

  if (self->sources != NULL)
    tw_logs_stop (self);
  g_clear_pointer (&self->alerts, _tw_log_alerts_free);
  g_clear_object (&self->sources);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->options, g_ptr_array_unref);
  g_clear_pointer (&self->focus_source, g_free);
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
  self->options = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
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
      g_ptr_array_add (self->options, g_hash_table_ref (config->options));
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

static void
focus_cb (const char *source_id,
          guint       row,
          gpointer    user_data)
{
  TwLogs *self = user_data;

  g_free (self->focus_source);
  self->focus_source = g_strdup (source_id);
  self->focus_row = row;
  self->focus_serial++;
}

void
tw_logs_set_alert_engine (TwLogs        *self,
                          TwAlertEngine *engine)
{
  guint n;

  g_return_if_fail (TW_IS_LOGS (self));
  g_return_if_fail (TW_IS_ALERT_ENGINE (engine));
  g_return_if_fail (self->alerts == NULL);

  self->alerts = _tw_log_alerts_new (engine, focus_cb, self);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwLogSource) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);
      _tw_log_alerts_watch (self->alerts, source, g_ptr_array_index (self->options, i));
    }
}

guint
tw_logs_get_focus (TwLogs      *self,
                   const char **source_id,
                   guint       *row)
{
  g_return_val_if_fail (TW_IS_LOGS (self), 0);

  if (source_id != NULL)
    *source_id = self->focus_source;
  if (row != NULL)
    *row = self->focus_row;
  return self->focus_serial;
}

void
tw_logs_set_secrets (TwLogs     *self,
                     TwSecrets  *secrets,
                     const char *profile)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sources));

  g_return_if_fail (TW_IS_LOGS (self));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwLogSource) source = g_list_model_get_item (G_LIST_MODEL (self->sources), i);
      tw_log_source_set_secrets (source, secrets, profile);
    }
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

  g_clear_pointer (&self->alerts, _tw_log_alerts_free);
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
