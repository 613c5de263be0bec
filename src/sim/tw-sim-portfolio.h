/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tw-sim-firm.h"

G_BEGIN_DECLS

/* The firm's book for the trading routes (trading-wire.md): positions whose prices walk
 * (±0.3 % a second on the simulator's own main context), Alpaca orders, the IBKR
 * assistant's pending orders and approvals, the details of trades closed here, and the
 * Alpaca rate limiter. One per firm, made on first use (tw_sim_firm_get_portfolio()),
 * on the simulator's thread; not thread-safe, like the rest of the firm. */

typedef struct
{
  char   *asset_id;
  char   *symbol;
  char   *exchange;
  double  qty;               /* negative: short */
  double  avg_entry_price;
  double  current_price;
  double  lastday_price;
  gint64  opened_at_us;      /* real time */
} TwSimPosition;

/* An Alpaca order. Times are real time in µs, 0 for null; prices < 0 for null. */
typedef struct
{
  char    *id;
  char    *client_order_id;
  char    *symbol;
  char    *type;             /* market, limit, stop… */
  char    *side;             /* buy, sell */
  char    *time_in_force;
  char    *status;
  double   qty;
  double   filled_qty;
  double   filled_avg_price;
  double   limit_price;
  double   stop_price;
  gint64   created_at_us;
  gint64   updated_at_us;
  gint64   submitted_at_us;
  gint64   filled_at_us;
  gint64   canceled_at_us;
  gboolean holds_position;   /* reserves its symbol's qty while open (a closing order) */
  gboolean uncancelable;     /* the hold-for-orders scenario: cancel answers 422 */
} TwSimOrder;

/* One record of the IBKR assistant's audit store, as 003's Stuck Order Resolution
 * appends it: AuditEvent(type, correlation_id, timestamp, data). */
typedef struct
{
  char   *type;              /* ProposalCreated, RiskEvaluated, ApprovalRequested… */
  gint64  time_us;
  char   *data;              /* a JSON object's text */
} TwSimAuditEvent;

/* The IBKR assistant's orders and their approvals. */
typedef struct
{
  char   *id;
  char   *symbol;
  char   *side;
  double  quantity;
  char   *order_type;
  double  limit_price;
  char   *status;            /* PENDING, CANCELLED */
  gint64  created_at_us;
  char   *approval_id;       /* NULL: none */
  GPtrArray *audit;          /* TwSimAuditEvent, oldest first: its correlation id is the id */
} TwSimIbkrOrder;

typedef struct
{
  char   *id;
  char   *order_id;
  char   *status;            /* PENDING_APPROVAL, APPROVED, INVALIDATED */
  gint64  expires_at_us;
} TwSimApproval;

/* A trade closed through the trading routes, kept beside the firm's trade outcome. */
typedef struct
{
  char   *symbol;
  char   *side;              /* of the position: long, short */
  double  qty;               /* closed, positive */
  double  entry_price;
  double  exit_price;
  double  pnl;
  double  pnl_percent;
  gint64  opened_at_us;
  gint64  closed_at_us;
} TwSimTradeDetail;

TwSimPortfolio   *tw_sim_portfolio_new              (TwSimFirm      *firm);
void              tw_sim_portfolio_free             (TwSimPortfolio *self);

/* Positions in book order (transfer none). */
GPtrArray        *tw_sim_portfolio_get_positions    (TwSimPortfolio *self);
TwSimPosition    *tw_sim_portfolio_find_position    (TwSimPortfolio *self,
                                                     const char     *symbol);
/* |qty| less what open closing orders hold. */
double            tw_sim_portfolio_get_available    (TwSimPortfolio *self,
                                                     TwSimPosition  *position);
/* One random-walk step for every price (the 1 s timer calls it; tests may too). */
void              tw_sim_portfolio_step_prices      (TwSimPortfolio *self);
/* Whether the 1 s timer moves prices (on by default; tests that check exact values
 * turn it off through /_sim/config {"price_walk": false}). */
void              tw_sim_portfolio_set_price_walk   (TwSimPortfolio *self,
                                                     gboolean        enabled);
gboolean          tw_sim_portfolio_get_price_walk   (TwSimPortfolio *self);

/* Closes |@qty| of @symbol (@qty <= 0: all of it) at the current price: books the P/L
 * as a trade outcome, moves cash, and returns the closing order (status "accepted",
 * transfer none). NULL with @status 404 (no position) or 403 (@requested more than
 * @available). */
TwSimOrder       *tw_sim_portfolio_close            (TwSimPortfolio *self,
                                                     const char     *symbol,
                                                     double          qty,
                                                     guint          *status,
                                                     double         *requested,
                                                     double         *available,
                                                     double         *realized_pnl);

/* Alpaca orders, newest first (transfer none). */
GPtrArray        *tw_sim_portfolio_get_orders       (TwSimPortfolio *self);
TwSimOrder       *tw_sim_portfolio_find_order       (TwSimPortfolio *self,
                                                     const char     *id);
gboolean          tw_sim_order_is_open              (const TwSimOrder *order);
/* 204 canceled, 422 not cancelable, 404 unknown. */
guint             tw_sim_portfolio_cancel_order     (TwSimPortfolio *self,
                                                     const char     *id);

/* The hold-for-orders scenario: an open closing order that will not cancel holds all of
 * @symbol's qty. FALSE if there is no such position. */
gboolean          tw_sim_portfolio_hold_for_orders  (TwSimPortfolio *self,
                                                     const char     *symbol);

/* IBKR assistant (transfer none). */
GPtrArray        *tw_sim_portfolio_get_ibkr_orders  (TwSimPortfolio *self);
TwSimIbkrOrder   *tw_sim_portfolio_find_ibkr_order  (TwSimPortfolio *self,
                                                     const char     *id);
TwSimApproval    *tw_sim_portfolio_find_approval    (TwSimPortfolio *self,
                                                     const char     *id);
/* Appends an audit record to @order's trail; @data_json a JSON object's text. */
void              tw_sim_ibkr_order_audit           (TwSimIbkrOrder *order,
                                                     const char     *type,
                                                     gint64          time_us,
                                                     const char     *data_json);

/* The details of a trade closed here, by the firm's trade id; NULL for outcomes booked
 * otherwise (scenarios). */
TwSimTradeDetail *tw_sim_portfolio_get_trade_detail (TwSimPortfolio *self,
                                                     const char     *trade_id);

/* Alpaca's rate limit, per key ID over a rolling window. Counts the request when it is
 * allowed; always fills @limit, @remaining (after this request) and @reset (epoch
 * seconds when the window frees a slot); @retry_after (seconds) when refused. */
gboolean          tw_sim_portfolio_rate_check       (TwSimPortfolio *self,
                                                     const char     *key_id,
                                                     guint          *limit,
                                                     guint          *remaining,
                                                     gint64         *reset,
                                                     guint          *retry_after);
void              tw_sim_portfolio_set_rate_limit   (TwSimPortfolio *self,
                                                     guint           limit,
                                                     guint           window_seconds);
void              tw_sim_portfolio_get_rate_limit   (TwSimPortfolio *self,
                                                     guint          *limit,
                                                     guint          *window_seconds);

G_END_DECLS
