/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim.h"
#include "tw-sim-demo-db.h"
#include "tw-sim-demo-logs.h"

struct _TwSimThread
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  guint         base_port;

  GMutex        lock;
  GCond         cond;
  gboolean      ready;
  GError       *error;

  /* Copied once listening, read-only afterwards: safe from any thread. */
  GHashTable   *urls;
  GHashTable   *credentials;
};

static const char * const credential_names[] = {
  "api_key", "live_trading_key", "alpaca_key_id", "alpaca_secret", NULL
};

static gpointer
sim_thread_main (gpointer data)
{
  TwSimThread *self = data;
  g_autoptr(TwSim) sim = NULL;
  static const char * const flavors[] = TW_SIM_FLAVORS;
  GError *error = NULL;
  gboolean ok;

  g_main_context_push_thread_default (self->context);

  sim = tw_sim_new ();
  ok = tw_sim_start (sim, self->base_port, &error);
  /* The firm's SQLite databases, for backups and restores in the demo. */
  if (ok)
    {
      g_autoptr(GError) db_error = NULL;

      if (!tw_sim_demo_db_attach (sim, &db_error))
        g_warning ("%s", db_error->message);
      /* and its log files */
      else if (!tw_sim_demo_logs_attach (sim, &db_error))
        g_warning ("%s", db_error->message);
    }
  if (ok)
    {
      for (guint i = 0; flavors[i] != NULL; i++)
        g_hash_table_insert (self->urls, g_strdup (flavors[i]),
                             g_strdup (tw_sim_get_url (sim, flavors[i])));
      g_hash_table_insert (self->urls, g_strdup (TW_SIM_FLAVOR_OFREP),
                           g_strdup (tw_sim_get_url (sim, TW_SIM_FLAVOR_OFREP)));
      g_hash_table_insert (self->urls, g_strdup (TW_SIM_FLAVOR_RATE_GATE),
                           g_strdup (tw_sim_get_url (sim, TW_SIM_FLAVOR_RATE_GATE)));
      g_hash_table_insert (self->urls, g_strdup (TW_SIM_FLAVOR_ML_SERVICE),
                           g_strdup (tw_sim_get_url (sim, TW_SIM_FLAVOR_ML_SERVICE)));
      /* the demo's Loki, when its logs run */
      if (tw_sim_get_url (sim, "loki") != NULL)
        g_hash_table_insert (self->urls, g_strdup ("loki"), g_strdup (tw_sim_get_url (sim, "loki")));
      for (guint i = 0; credential_names[i] != NULL; i++)
        g_hash_table_insert (self->credentials, g_strdup (credential_names[i]),
                             g_strdup (tw_sim_get_credential (sim, credential_names[i])));
    }

  g_mutex_lock (&self->lock);
  self->ready = TRUE;
  self->error = error;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);

  if (ok)
    g_main_loop_run (self->loop);

  tw_sim_stop (sim);
  g_clear_object (&sim);
  /* Let sources torn down by the stop run their destroy notifies here, not later. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static void
sim_thread_free (TwSimThread *self)
{
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->urls, g_hash_table_unref);
  g_clear_pointer (&self->credentials, g_hash_table_unref);
  g_clear_error (&self->error);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}

/**
 * tw_sim_thread_start:
 * @base_port: 0 for free ports, else the first of five consecutive ports
 * @error: return location for an error
 *
 * Starts a simulator on a new thread and returns once every flavor listens.
 *
 * Returns: (transfer full) (nullable): the running simulator, to stop with
 *   tw_sim_thread_stop(), or %NULL with @error set
 */
TwSimThread *
tw_sim_thread_start (guint    base_port,
                     GError **error)
{
  TwSimThread *self = g_new0 (TwSimThread, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->base_port = base_port;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->urls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->credentials = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->thread = g_thread_new ("tw-sim", sim_thread_main, self);

  g_mutex_lock (&self->lock);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);

  if (self->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->error));
      g_thread_join (self->thread);
      sim_thread_free (self);
      return NULL;
    }

  return self;
}

const char *
tw_sim_thread_get_url (TwSimThread *thread,
                       const char  *flavor)
{
  g_return_val_if_fail (thread != NULL, NULL);
  g_return_val_if_fail (flavor != NULL, NULL);

  return g_hash_table_lookup (thread->urls, flavor);
}

const char *
tw_sim_thread_get_credential (TwSimThread *thread,
                              const char  *name)
{
  g_return_val_if_fail (thread != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (thread->credentials, name);
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/**
 * tw_sim_thread_stop:
 * @thread: (transfer full): a simulator thread
 *
 * Stops the simulator, joins its thread and frees @thread.
 */
void
tw_sim_thread_stop (TwSimThread *thread)
{
  if (thread == NULL)
    return;

  /* An idle on the sim's own context: the quit cannot race the loop starting. */
  g_main_context_invoke (thread->context, quit_loop, thread->loop);
  g_thread_join (thread->thread);
  sim_thread_free (thread);
}
