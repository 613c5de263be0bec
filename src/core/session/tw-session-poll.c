/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-session.h"

#include <glib/gi18n-lib.h>

#include "tw-error.h"
#include "tw-session-private.h"

/* One round of polls: every health poller of the workspace and every status poller of the
 * risk monitor asked once, all at the same time, with no timer (the command line's
 * `tradewarden status`, and the read-back after its halt). */

static void
poll_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  guint *pending = g_task_get_task_data (task);

  /* A failed poll is no failure of the round: the service or its trading state now
   * says what went wrong (unreachable, error, last-error). */
  tw_poller_poll_once_finish (TW_POLLER (object), result, NULL);

  g_assert (*pending > 0);
  if (--*pending == 0)
    g_task_return_boolean (task, TRUE);
}

void
tw_session_poll_once_async (TwSession           *self,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) pollers = NULL;
  GListModel *services;
  guint *pending;
  guint n;

  g_return_if_fail (TW_IS_SESSION (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, tw_session_poll_once_async);

  if (self->workspace == NULL || self->close_tasks != NULL)
    {
      g_task_return_new_error (task, TW_ERROR, TW_ERROR_REFUSED,
                               _("The services were not polled: the profile is closing."));
      return;
    }

  pollers = tw_risk_monitor_dup_pollers (self->monitor);
  services = tw_workspace_get_services (self->workspace);
  n = g_list_model_get_n_items (services);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, i);
      TwPoller *poller = tw_workspace_get_health_poller (self->workspace, tw_service_get_id (service));

      if (poller != NULL)
        g_ptr_array_insert (pollers, i, g_object_ref (poller));
    }

  pending = g_new0 (guint, 1);
  /* One for the loop itself, so no answer finishes the round early. */
  *pending = 1;
  g_task_set_task_data (task, pending, g_free);
  for (guint i = 0; i < pollers->len; i++)
    {
      (*pending)++;
      tw_poller_poll_once_async (g_ptr_array_index (pollers, i), poll_done_cb, g_object_ref (task));
    }

  if (--*pending == 0)
    g_task_return_boolean (task, TRUE);
}

gboolean
tw_session_poll_once_finish (TwSession     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (TW_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tw_session_poll_once_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
