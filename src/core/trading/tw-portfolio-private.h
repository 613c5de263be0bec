/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-portfolio.h"

G_BEGIN_DECLS

/* Shared by tw-portfolio.c (pollers, API) and tw-portfolio-merge.c. */
struct _TwPortfolio
{
  GObject       parent_instance;

  TwWorkspace  *workspace;
  guint         stuck_threshold;
  gboolean      running;
  GCancellable *cancellable;
  gint64        last_merge_us;
  guint         background_interval_ms;  /* 0: none */
  guint         views;                   /* tw_portfolio_hold_view() minus releases */

  GListStore   *accounts;
  GListStore   *positions;
  GListStore   *orders;
  /* key → borrowed object of the stores (the stores hold the references) */
  GHashTable   *account_index;
  GHashTable   *position_index;
  GHashTable   *order_index;

  /* service id → Entry */
  GHashTable   *entries;
  gulong        services_changed_id;
  gulong        interval_changed_id;
};

void        _tw_portfolio_merge_account   (TwPortfolio *self,
                                           TwService   *service,
                                           TwAccount   *fresh);
void        _tw_portfolio_update_order_ages (TwPortfolio *self,
                                           const char  *service_id);
/* Removes every row (positions, orders, account) of @service_id. */
void        _tw_portfolio_remove_service_items (TwPortfolio *self,
                                           const char  *service_id);
/* Removes the items @remove selects, one splice per contiguous run, keeping @index in step. */
void        _tw_portfolio_remove_matching (GListStore  *store,
                                           GHashTable  *index,
                                           gboolean   (*remove) (gpointer item, gpointer data),
                                           const char *(*get_key) (gpointer item),
                                           gpointer     data);

/* Merges freshly mapped objects (element-type TwPosition / TwOrder, their "service-id" set)
 * into the lists: the main-thread part of a refresh. Used by the pollers, the flatten and
 * the benchmark. */
void        _tw_portfolio_merge_positions (TwPortfolio *self,
                                           const char  *service_id,
                                           GPtrArray   *items);
void        _tw_portfolio_merge_orders    (TwPortfolio *self,
                                           const char  *service_id,
                                           GPtrArray   *items);
/* An answer mapped to objects not shared yet (tw-portfolio-map.c; any thread). (transfer full) */
TwAccount  *_tw_portfolio_map_account     (const TwOperation *op,
                                           JsonNode    *body,
                                           const char  *service_id,
                                           GError     **error);
/* (element-type TwPosition or TwOrder, by @type) their service set, a position's side
 * from its quantity when the answer has none, identities from the "key" pointer. */
GPtrArray  *_tw_portfolio_map_items       (const TwOperation *op,
                                           JsonNode    *body,
                                           GType        type,
                                           const char  *service_id,
                                           const char  *service_name,
                                           GError     **error);
/* Microseconds the last merge took on the main thread. */
gint64      _tw_portfolio_get_last_merge_us (TwPortfolio *self);
/* (transfer full) (element-type TwPosition) the positions of one service. */
GPtrArray  *_tw_portfolio_list_positions  (TwPortfolio *self,
                                           const char  *service_id);
/* An empty "canceled" multi-status that knows the orders of @service_id the portfolio
 * holds (tw_multi_status_know: label and status), for a cancel all. (transfer full) */
TwMultiStatus *_tw_portfolio_new_cancel_results (TwPortfolio *self,
                                           const char  *service_id);
/* Tells @results of @orders (element-type TwOrder), e.g. as just read from the broker. */
void        _tw_portfolio_know_orders     (TwMultiStatus *results,
                                           GPtrArray   *orders);
/* Explains an action's error for people (live-trading key, not cancelable, …). */
GError     *_tw_portfolio_explain_error   (TwPortfolio *self,
                                           const char  *service_id,
                                           const char  *operation,
                                           const GError *error,
                                           guint        http_status);

/* For tests. */

/* (transfer none) (nullable) */
TwAccount   *tw_portfolio_lookup_account       (TwPortfolio  *self,
                                                const char   *service_id);
/* The interval the pollers run at now. */
guint        tw_portfolio_get_poll_interval    (TwPortfolio  *self);
guint        tw_portfolio_get_stuck_threshold  (TwPortfolio  *self);

G_END_DECLS
