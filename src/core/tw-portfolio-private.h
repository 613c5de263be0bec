/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-portfolio.h"

G_BEGIN_DECLS

/* Merges freshly mapped objects (element-type TwPosition / TwOrder, their "service-id" set)
 * into the lists: the main-thread part of a refresh. Used by the pollers, the flatten and
 * the benchmark. */
void        _tw_portfolio_merge_positions (TwPortfolio *self,
                                           const char  *service_id,
                                           GPtrArray   *items);
void        _tw_portfolio_merge_orders    (TwPortfolio *self,
                                           const char  *service_id,
                                           GPtrArray   *items);
/* Microseconds the last merge took on the main thread. */
gint64      _tw_portfolio_get_last_merge_us (TwPortfolio *self);
/* (transfer full) (element-type TwPosition) the positions of one service. */
GPtrArray  *_tw_portfolio_list_positions  (TwPortfolio *self,
                                           const char  *service_id);
/* Explains an action's error for people (live-trading key, not cancelable, …). */
GError     *_tw_portfolio_explain_error   (TwPortfolio *self,
                                           const char  *service_id,
                                           const char  *operation,
                                           const GError *error,
                                           guint        http_status);

G_END_DECLS
