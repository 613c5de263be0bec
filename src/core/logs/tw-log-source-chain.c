/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-log-chain.h"
#include "tw-log-source-private.h"
#include "tw-util.h"

/* A source of kind "audit chain": verified after lines arrive, one verification at a
 * time, in a thread (tw-log-chain.c); its verdict in the chain-* properties. */

static void
chain_result_free (gpointer data)
{
  tw_chain_result_clear (data);
  g_free (data);
}

static void
chain_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  TwLogSource *self = source_object;
  g_autofree char *path = tw_log_source_dup_current_path (self);
  TwChainResult *result = g_new0 (TwChainResult, 1);
  GError *error = NULL;

  if (!tw_chain_verify_file (path, tw_log_format_get_prev_hash_field (self->format),
                             tw_log_format_get_hash_field (self->format), result, cancellable, &error))
    {
      g_free (result);
      g_task_return_error (task, error);
      return;
    }
  /* Freed by the task when no one takes it (a cancelled check: LeakSanitizer). */
  g_task_return_pointer (task, result, chain_result_free);
}

static void
chain_done_cb (GObject      *object,
               GAsyncResult *res,
               gpointer      user_data)
{
  TwLogSource *self = TW_LOG_SOURCE (object);
  g_autoptr(GError) error = NULL;
  TwChainResult *result = g_task_propagate_pointer (G_TASK (res), &error);
  gboolean broken;

  self->chain_running = FALSE;
  if (result == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (tw_set_str (&self->chain_status, error->message))
        g_object_notify (G_OBJECT (self), "chain-status");
    }
  else
    {
      broken = result->verdict != TW_CHAIN_INTACT;
      self->chain_broken_line = result->broken_line;
      if (tw_set_str (&self->chain_status, result->message))
        g_object_notify (G_OBJECT (self), "chain-status");
      if (broken != self->chain_broken)
        {
          self->chain_broken = broken;
          g_object_notify (G_OBJECT (self), "chain-broken");
        }
      chain_result_free (result);
    }
  if (self->chain_again && !g_cancellable_is_cancelled (self->cancellable))
    _tw_log_source_run_chain (self);
}

void
_tw_log_source_run_chain (TwLogSource *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->chain_running)
    {
      self->chain_again = TRUE;
      return;
    }
  self->chain_again = FALSE;
  self->chain_running = TRUE;
  self->chain_verified_lines = self->n_lines;
  task = g_task_new (self, self->cancellable, chain_done_cb, NULL);
  g_task_set_source_tag (task, _tw_log_source_run_chain);
  g_task_run_in_thread (task, chain_thread);
}

const char *
tw_log_source_get_chain_status (TwLogSource *self)
{
  return self->chain_status;
}

gboolean
tw_log_source_get_chain_broken (TwLogSource *self)
{
  return self->chain_broken;
}

guint
tw_log_source_get_chain_broken_line (TwLogSource *self)
{
  return self->chain_broken_line;
}
