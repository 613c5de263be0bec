/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-session-private.h"

/* The service pages' data: one TwServiceDetails per service, built when the session
 * starts (before its first poll, so each service's health history starts with it; not
 * with the session, whose building blocks the call that opens a profile) or when a page
 * asks for it before that, read every
 * TW_SESSION_DETAILS_INTERVAL_S seconds once started, the first time at most one interval
 * after the start (security checks and models raise their alerts without a page open),
 * and whenever a page asks. The services' reads are spread over the interval (service i
 * of n first after i/n of it): all in the same second, 200 services' reads and answers
 * blocked the main loop once a minute. */

#define TW_SESSION_DETAILS_INTERVAL_S 60

static TwServiceDetails *
build_one (TwSession  *self,
           const char *service_id)
{
  TwClient *client = tw_workspace_get_client (self->workspace, service_id);
  TwServiceDetails *details;

  if (client == NULL)
    return NULL;
  details = tw_service_details_new (client, self->alerts);
  g_hash_table_insert (self->details, g_strdup (service_id), details);
  return details;
}

void
_tw_session_build_details (TwSession *self)
{
  self->details = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

void
_tw_session_start_details (TwSession *self)
{
  GListModel *services = tw_workspace_get_services (self->workspace);
  GHashTableIter iter;
  gpointer details;
  guint n;
  guint i = 0;

  for (guint j = 0; j < g_list_model_get_n_items (services); j++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (services, j);
      const char *id = tw_service_get_id (service);

      if (!g_hash_table_contains (self->details, id))
        build_one (self, id);
    }
  n = g_hash_table_size (self->details);

  g_hash_table_iter_init (&iter, self->details);
  while (g_hash_table_iter_next (&iter, NULL, &details))
    {
      /* Each service its own phase, the last one interval after the start. */
      guint64 first_ms = (guint64) TW_SESSION_DETAILS_INTERVAL_S * 1000 * ++i / n;

      tw_service_details_start_after (details, TW_SESSION_DETAILS_INTERVAL_S, (guint) first_ms);
    }
}

void
_tw_session_stop_details (TwSession *self)
{
  GHashTableIter iter;
  gpointer details;

  if (self->details == NULL)
    return;
  g_hash_table_iter_init (&iter, self->details);
  while (g_hash_table_iter_next (&iter, NULL, &details))
    tw_service_details_stop (details);
}

void
_tw_session_release_details (TwSession *self)
{
  g_clear_pointer (&self->details, g_hash_table_unref);
}

/**
 * tw_session_get_service_details:
 *
 * Returns: (transfer none) (nullable): what the page of the service @service_id shows,
 *   NULL when the session is closed or the service has no connector
 */
TwServiceDetails *
tw_session_get_service_details (TwSession  *self,
                                const char *service_id)
{
  TwServiceDetails *details;

  g_return_val_if_fail (TW_IS_SESSION (self), NULL);
  g_return_val_if_fail (service_id != NULL, NULL);

  if (self->details == NULL || self->closed)
    return NULL;
  details = g_hash_table_lookup (self->details, service_id);
  if (details == NULL)
    details = build_one (self, service_id);
  return details;
}
