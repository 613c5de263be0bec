/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-portfolio.h"

#include <string.h>

#include "tw-portfolio-private.h"

/* The merge half of TwPortfolio: freshly mapped objects into the lists, in place by key,
 * with minimal "items-changed" (selection and scroll survive a poll). */

/* Removes every item of @store for which @remove says so, one splice per contiguous
 * run, walking from the end so positions stay valid. */
void
_tw_portfolio_remove_matching (GListStore *store,
                 GHashTable *index,
                 gboolean  (*remove) (gpointer item, gpointer data),
                 const char *(*get_key) (gpointer item),
                 gpointer    data)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));
  guint run_end = 0, run_len = 0;

  for (guint i = n; i-- > 0;)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (remove (item, data))
        {
          if (run_len == 0)
            run_end = i;
          run_len++;
          g_hash_table_remove (index, get_key (item));
          continue;
        }
      if (run_len > 0)
        {
          g_list_store_splice (store, run_end - run_len + 1, run_len, NULL, 0);
          run_len = 0;
        }
    }
  if (run_len > 0)
    g_list_store_splice (store, run_end - run_len + 1, run_len, NULL, 0);
}

typedef struct
{
  const char *service_id;
  GHashTable *seen;   /* NULL: remove all of the service */
} RemoveData;

static gboolean
position_gone (gpointer item,
               gpointer data)
{
  RemoveData *rd = data;

  return g_strcmp0 (tw_position_get_service_id (item), rd->service_id) == 0 &&
         (rd->seen == NULL || !g_hash_table_contains (rd->seen, tw_position_get_key (item)));
}

static gboolean
order_gone (gpointer item,
            gpointer data)
{
  RemoveData *rd = data;

  return g_strcmp0 (tw_order_get_service_id (item), rd->service_id) == 0 &&
         (rd->seen == NULL || !g_hash_table_contains (rd->seen, tw_order_get_key (item)));
}

static gboolean
account_gone (gpointer item,
              gpointer data)
{
  RemoveData *rd = data;

  return g_strcmp0 (tw_account_get_service_id (item), rd->service_id) == 0;
}

static const char *
position_key (gpointer item)
{
  return tw_position_get_key (item);
}

static const char *
order_key (gpointer item)
{
  return tw_order_get_key (item);
}

static const char *
account_key (gpointer item)
{
  return tw_account_get_service_id (item);
}

static const char *
service_name_of (TwPortfolio *self,
                 const char  *service_id)
{
  TwService *service = tw_profile_lookup_service (tw_workspace_get_profile (self->workspace),
                                                  service_id);

  return service != NULL ? tw_service_get_name (service) : service_id;
}

void
_tw_portfolio_merge_positions (TwPortfolio *self,
                               const char  *service_id,
                               GPtrArray   *items)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) added = g_ptr_array_new ();
  const char *service_name = service_name_of (self, service_id);
  gint64 start = g_get_monotonic_time ();
  RemoveData rd = { service_id, seen };

  for (guint i = 0; i < items->len; i++)
    {
      TwPosition *item = g_ptr_array_index (items, i);
      TwPosition *existing;

      /* Set in the worker thread already: only the benchmark's objects come here bare. */
      if (tw_position_get_side (item) == NULL)
        g_object_set (item, "side", tw_position_get_qty (item) < 0 ? "short" : "long", NULL);
      if (g_strcmp0 (tw_position_get_service_name (item), service_name) != 0)
        g_object_set (item, "service-name", service_name, NULL);

      existing = g_hash_table_lookup (self->position_index, tw_position_get_key (item));
      if (existing != NULL)
        {
          tw_position_update_from (existing, item);
          g_hash_table_add (seen, (gpointer) tw_position_get_key (existing));
        }
      else if (!g_hash_table_contains (seen, tw_position_get_key (item)))
        {
          g_hash_table_insert (self->position_index, g_strdup (tw_position_get_key (item)), item);
          g_hash_table_add (seen, (gpointer) tw_position_get_key (item));
          g_ptr_array_add (added, item);
        }
    }

  _tw_portfolio_remove_matching (self->positions, self->position_index, position_gone, position_key, &rd);
  if (added->len > 0)
    g_list_store_splice (self->positions,
                         g_list_model_get_n_items (G_LIST_MODEL (self->positions)), 0,
                         added->pdata, added->len);

  self->last_merge_us = g_get_monotonic_time () - start;
}

void
_tw_portfolio_update_order_ages (TwPortfolio *self,
                   const char  *service_id)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->orders));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwOrder) order = g_list_model_get_item (G_LIST_MODEL (self->orders), i);

      if (service_id != NULL && g_strcmp0 (tw_order_get_service_id (order), service_id) != 0)
        continue;
      tw_order_set_stuck_threshold (order, self->stuck_threshold);
      tw_order_update_age (order, now);
    }
}

void
_tw_portfolio_merge_orders (TwPortfolio *self,
                            const char  *service_id,
                            GPtrArray   *items)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) added = g_ptr_array_new ();
  const char *service_name = service_name_of (self, service_id);
  gint64 start = g_get_monotonic_time ();
  RemoveData rd = { service_id, seen };

  for (guint i = 0; i < items->len; i++)
    {
      TwOrder *item = g_ptr_array_index (items, i);
      TwOrder *existing;

      if (g_strcmp0 (tw_order_get_service_name (item), service_name) != 0)
        g_object_set (item, "service-name", service_name, NULL);
      existing = g_hash_table_lookup (self->order_index, tw_order_get_key (item));
      if (existing != NULL)
        {
          tw_order_update_from (existing, item);
          g_hash_table_add (seen, (gpointer) tw_order_get_key (existing));
        }
      else if (!g_hash_table_contains (seen, tw_order_get_key (item)))
        {
          g_hash_table_insert (self->order_index, g_strdup (tw_order_get_key (item)), item);
          g_hash_table_add (seen, (gpointer) tw_order_get_key (item));
          g_ptr_array_add (added, item);
        }
    }

  _tw_portfolio_remove_matching (self->orders, self->order_index, order_gone, order_key, &rd);
  if (added->len > 0)
    g_list_store_splice (self->orders,
                         g_list_model_get_n_items (G_LIST_MODEL (self->orders)), 0,
                         added->pdata, added->len);
  _tw_portfolio_update_order_ages (self, service_id);

  self->last_merge_us = g_get_monotonic_time () - start;
}

/* Paper or live, when the connector's answer does not say: the host of the base URL when
 * the connector names it ("hosts"), then the profile's mode. */
static gboolean
guess_paper (TwPortfolio *self,
             TwService   *service)
{
  TwClient *client = tw_workspace_get_client (self->workspace, tw_service_get_id (service));
  TwMode mode;

  if (client != NULL &&
      tw_connector_mode_for_url (tw_client_get_connector (client),
                                 tw_service_get_base_url (service), &mode))
    return mode == TW_MODE_PAPER;
  return tw_profile_get_mode (tw_workspace_get_profile (self->workspace)) == TW_MODE_PAPER;
}

void
_tw_portfolio_merge_account (TwPortfolio *self,
                             TwService   *service,
                             TwAccount   *fresh)
{
  const char *service_id = tw_service_get_id (service);
  TwAccount *existing = g_hash_table_lookup (self->account_index, service_id);

  g_object_set (fresh, "service-name", tw_service_get_name (service), NULL);
  if (!tw_account_get_paper_known (fresh))
    tw_account_set_paper (fresh, guess_paper (self, service));

  if (existing != NULL)
    {
      tw_account_update_from (existing, fresh);
      return;
    }
  g_hash_table_insert (self->account_index, g_strdup (service_id), fresh);
  g_list_store_append (self->accounts, fresh);
}

void
_tw_portfolio_remove_service_items (TwPortfolio *self,
                      const char  *service_id)
{
  RemoveData rd = { service_id, NULL };

  _tw_portfolio_remove_matching (self->positions, self->position_index, position_gone, position_key, &rd);
  _tw_portfolio_remove_matching (self->orders, self->order_index, order_gone, order_key, &rd);
  _tw_portfolio_remove_matching (self->accounts, self->account_index, account_gone, account_key, &rd);
}

