/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim-portfolio.h"
#include "tw-util.h"

#include <math.h>

#define WALK_INTERVAL_MS   1000
#define WALK_MAX_MOVE      0.003
#define DEFAULT_RATE_LIMIT 200
#define DEFAULT_RATE_WINDOW 60

struct _TwSimPortfolio
{
  TwSimFirm  *firm;            /* unowned: the firm owns us */
  GPtrArray  *positions;       /* TwSimPosition, book order */
  GPtrArray  *orders;          /* TwSimOrder, newest first */
  GPtrArray  *ibkr_orders;     /* TwSimIbkrOrder */
  GPtrArray  *approvals;       /* TwSimApproval */
  GHashTable *trade_details;   /* firm trade id → TwSimTradeDetail */
  GRand      *rand;
  GSource    *walk;
  gboolean    walk_paused;     /* /_sim/config "price_walk": false */

  guint       rate_limit;
  guint       rate_window_s;
  GHashTable *rate_hits;       /* key id → GQueue of monotonic µs, oldest first */
};

static void
position_free (gpointer data)
{
  TwSimPosition *p = data;

  g_free (p->asset_id);
  g_free (p->symbol);
  g_free (p->exchange);
  g_free (p);
}

static void
order_free (gpointer data)
{
  TwSimOrder *o = data;

  g_free (o->id);
  g_free (o->client_order_id);
  g_free (o->symbol);
  g_free (o->type);
  g_free (o->side);
  g_free (o->time_in_force);
  g_free (o->status);
  g_free (o);
}

static void
ibkr_order_free (gpointer data)
{
  TwSimIbkrOrder *o = data;

  g_free (o->id);
  g_free (o->symbol);
  g_free (o->side);
  g_free (o->order_type);
  g_free (o->status);
  g_free (o->approval_id);
  g_ptr_array_unref (o->audit);
  g_free (o);
}

static void
audit_event_free (gpointer data)
{
  TwSimAuditEvent *e = data;

  g_free (e->type);
  g_free (e->data);
  g_free (e);
}

void
tw_sim_ibkr_order_audit (TwSimIbkrOrder *order,
                         const char     *type,
                         gint64          time_us,
                         const char     *data_json)
{
  TwSimAuditEvent *e = g_new0 (TwSimAuditEvent, 1);

  e->type = g_strdup (type);
  e->time_us = time_us;
  e->data = g_strdup (data_json != NULL ? data_json : "{}");
  g_ptr_array_add (order->audit, e);
}

static void
approval_free (gpointer data)
{
  TwSimApproval *a = data;

  g_free (a->id);
  g_free (a->order_id);
  g_free (a->status);
  g_free (a);
}

static void
trade_detail_free (gpointer data)
{
  TwSimTradeDetail *d = data;

  g_free (d->symbol);
  g_free (d->side);
  g_free (d);
}

static void
hits_free (gpointer data)
{
  g_queue_free_full (data, g_free);
}

/* The account's market values follow the book, so equity tells the same story. */
static void
update_account (TwSimPortfolio *self)
{
  TwSimAccount *a = tw_sim_firm_get_account (self->firm);
  double longs = 0, shorts = 0;

  for (guint i = 0; i < self->positions->len; i++)
    {
      TwSimPosition *p = g_ptr_array_index (self->positions, i);
      double value = p->qty * p->current_price;

      if (value >= 0)
        longs += value;
      else
        shorts += value;
    }
  a->long_market_value = longs;
  a->short_market_value = shorts;
}

static void
add_position (TwSimPortfolio *self,
              const char     *symbol,
              const char     *exchange,
              double          qty,
              double          avg_entry,
              double          current,
              double          lastday,
              gint64          now)
{
  TwSimPosition *p = g_new0 (TwSimPosition, 1);

  p->asset_id = g_uuid_string_random ();
  p->symbol = g_strdup (symbol);
  p->exchange = g_strdup (exchange);
  p->qty = qty;
  p->avg_entry_price = avg_entry;
  p->current_price = current;
  p->lastday_price = lastday;
  p->opened_at_us = now - (gint64) 3 * 86400 * G_USEC_PER_SEC;
  g_ptr_array_add (self->positions, p);
}

static TwSimOrder *
order_new (const char *symbol,
           const char *type,
           const char *side,
           double      qty,
           double      limit_price,
           const char *status,
           gint64      created_at_us)
{
  TwSimOrder *o = g_new0 (TwSimOrder, 1);

  o->id = g_uuid_string_random ();
  o->client_order_id = g_uuid_string_random ();
  o->symbol = g_strdup (symbol);
  o->type = g_strdup (type);
  o->side = g_strdup (side);
  o->time_in_force = g_strdup ("day");
  o->status = g_strdup (status);
  o->qty = qty;
  o->filled_avg_price = -1;
  o->limit_price = limit_price;
  o->stop_price = -1;
  o->created_at_us = created_at_us;
  o->updated_at_us = created_at_us;
  o->submitted_at_us = created_at_us;
  return o;
}

static void
add_ibkr_order (TwSimPortfolio *self,
                const char     *id,
                const char     *symbol,
                const char     *side,
                double          quantity,
                double          limit_price,
                gint64          created_at_us,
                const char     *approval_status)
{
  TwSimIbkrOrder *o = g_new0 (TwSimIbkrOrder, 1);
  TwSimApproval *a;

  o->id = g_strdup (id);
  o->symbol = g_strdup (symbol);
  o->side = g_strdup (side);
  o->quantity = quantity;
  o->order_type = g_strdup ("LMT");
  o->limit_price = limit_price;
  o->status = g_strdup ("PENDING");
  o->created_at_us = created_at_us;
  /* 003 keys an order's approval by the order's id ("Stuck Order Resolution"). */
  o->approval_id = g_strdup (id);
  o->audit = g_ptr_array_new_with_free_func (audit_event_free);
  g_ptr_array_add (self->ibkr_orders, o);

  /* Its trail so far, as the runbook lists a proposal's (Log Analysis with Correlation
   * IDs): created, risk evaluated, approval requested, and granted when it was. */
  {
    char qty_text[G_ASCII_DTOSTR_BUF_SIZE], price_text[G_ASCII_DTOSTR_BUF_SIZE];
    g_autofree char *created = NULL;

    /* Not printf's %g: the numbers of a JSON text are the same in every locale. */
    g_ascii_formatd (qty_text, sizeof qty_text, "%g", quantity);
    g_ascii_formatd (price_text, sizeof price_text, "%.2f", limit_price);
    created = g_strdup_printf ("{\"symbol\": \"%s\", \"side\": \"%s\", \"quantity\": %s, "
                               "\"order_type\": \"LMT\", \"limit_price\": %s}",
                               symbol, side, qty_text, price_text);

    tw_sim_ibkr_order_audit (o, "ProposalCreated", created_at_us, created);
    tw_sim_ibkr_order_audit (o, "RiskEvaluated", created_at_us + 1200 * 1000,
                             "{\"decision\": \"APPROVE\", \"rules_checked\": 6}");
    tw_sim_ibkr_order_audit (o, "ApprovalRequested", created_at_us + 2500 * 1000,
                             "{\"approver\": \"desk\", \"expires_in_s\": 1800}");
    if (g_str_equal (approval_status, "APPROVED"))
      tw_sim_ibkr_order_audit (o, "ApprovalGranted", created_at_us + 48 * G_USEC_PER_SEC,
                               "{\"approved_by\": \"operator@example.com\"}");
  }

  a = g_new0 (TwSimApproval, 1);
  a->id = g_strdup (id);
  a->order_id = g_strdup (id);
  a->status = g_strdup (approval_status);
  a->expires_at_us = created_at_us + (gint64) 30 * 60 * G_USEC_PER_SEC;
  g_ptr_array_add (self->approvals, a);
}

static gboolean
on_walk (gpointer data)
{
  TwSimPortfolio *self = data;

  if (!self->walk_paused)
    tw_sim_portfolio_step_prices (self);
  return G_SOURCE_CONTINUE;
}

TwSimPortfolio *
tw_sim_portfolio_new (TwSimFirm *firm)
{
  TwSimPortfolio *self = g_new0 (TwSimPortfolio, 1);
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  gint64 now = g_get_real_time ();
  gint64 minute = 60 * G_USEC_PER_SEC;
  TwSimOrder *o;

  self->firm = firm;
  self->positions = g_ptr_array_new_with_free_func (position_free);
  self->orders = g_ptr_array_new_with_free_func (order_free);
  self->ibkr_orders = g_ptr_array_new_with_free_func (ibkr_order_free);
  self->approvals = g_ptr_array_new_with_free_func (approval_free);
  self->trade_details = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, trade_detail_free);
  self->rand = g_rand_new ();
  self->rate_limit = DEFAULT_RATE_LIMIT;
  self->rate_window_s = DEFAULT_RATE_WINDOW;
  /* The test suites poll every few hundred milliseconds, far past Alpaca's real budget;
   * they raise it here and the rate-limit tests set their own through /_sim/config. */
  {
    const char *env = g_getenv ("TW_SIM_ALPACA_RATE_LIMIT");
    guint64 limit = env != NULL ? g_ascii_strtoull (env, NULL, 10) : 0;

    if (limit > 0 && limit <= G_MAXUINT)
      self->rate_limit = (guint) limit;
  }
  self->rate_hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, hits_free);

  /* Long 78,850.37 and short −3,600.00: with 25,000 cash, the account's starting
   * equity of 100,250.37. */
  add_position (self, "AAPL", "NASDAQ", 50, 180.20, 182.30, 181.10, now);
  add_position (self, "MSFT", "NASDAQ", 30, 402.15, 415.50, 417.80, now);
  add_position (self, "NVDA", "NASDAQ", 40, 842.00, 880.40, 871.25, now);
  add_position (self, "TSLA", "NASDAQ", -15, 248.60, 240.00, 238.20, now);
  add_position (self, "SPY", "ARCA", 40, 447.90, 451.35, 450.05, now);
  add_position (self, "AMD", "NASDAQ", 25, 165.30, 160.0148, 161.75, now);
  update_account (self);

  /* Three open orders, newest first; the accepted one has hung for 12 minutes. */
  g_ptr_array_add (self->orders, order_new ("AAPL", "limit", "buy", 10, 175.00, "new",
                                            now - 2 * minute));
  o = order_new ("NVDA", "limit", "buy", 10, 870.00, "partially_filled", now - 3 * minute);
  o->filled_qty = 4;
  o->filled_avg_price = 869.80;
  o->updated_at_us = now - minute;
  g_ptr_array_add (self->orders, o);
  g_ptr_array_add (self->orders, order_new ("AMD", "limit", "buy", 50, 150.00, "accepted",
                                            now - 12 * minute));

  /* The IBKR assistant: one order stuck awaiting approval for 9 minutes. */
  add_ibkr_order (self, "ord-1001", "ES", "BUY", 2, 5012.25, now - 9 * minute,
                  "PENDING_APPROVAL");
  add_ibkr_order (self, "ord-1002", "NQ", "SELL", 1, 17890.50, now - 2 * minute,
                  "APPROVED");

  /* TW_SIM_PRICE_WALK=0: prices start still (tests of the exact starting values, which
   * a slow start under a sanitizer would otherwise see after the first step);
   * /_sim/config "price_walk" turns the walk on and off later. */
  self->walk_paused = g_strcmp0 (g_getenv ("TW_SIM_PRICE_WALK"), "0") == 0;
  self->walk = g_timeout_source_new (WALK_INTERVAL_MS);
  g_source_set_callback (self->walk, on_walk, self, NULL);
  g_source_set_static_name (self->walk, "[tw-sim] price walk");
  g_source_attach (self->walk, context);

  return self;
}

void
tw_sim_portfolio_free (TwSimPortfolio *self)
{
  if (self == NULL)
    return;

  if (self->walk != NULL)
    {
      g_source_destroy (self->walk);
      g_source_unref (self->walk);
    }
  g_ptr_array_unref (self->positions);
  g_ptr_array_unref (self->orders);
  g_ptr_array_unref (self->ibkr_orders);
  g_ptr_array_unref (self->approvals);
  g_hash_table_unref (self->trade_details);
  g_hash_table_unref (self->rate_hits);
  g_rand_free (self->rand);
  g_free (self);
}

GPtrArray *
tw_sim_portfolio_get_positions (TwSimPortfolio *self)
{
  return self->positions;
}

TwSimPosition *
tw_sim_portfolio_find_position (TwSimPortfolio *self,
                                const char     *symbol)
{
  for (guint i = 0; i < self->positions->len; i++)
    {
      TwSimPosition *p = g_ptr_array_index (self->positions, i);

      if (g_ascii_strcasecmp (p->symbol, symbol) == 0)
        return p;
    }
  return NULL;
}

gboolean
tw_sim_order_is_open (const TwSimOrder *order)
{
  static const char * const open[] = {
    "new", "partially_filled", "accepted", "pending_new", "held", "accepted_for_bidding",
    "pending_cancel", "pending_replace", "done_for_day", "calculated", NULL
  };

  return g_strv_contains (open, order->status);
}

double
tw_sim_portfolio_get_available (TwSimPortfolio *self,
                                TwSimPosition  *position)
{
  double held = 0;

  for (guint i = 0; i < self->orders->len; i++)
    {
      TwSimOrder *o = g_ptr_array_index (self->orders, i);

      if (o->holds_position && tw_sim_order_is_open (o) && g_str_equal (o->symbol, position->symbol))
        held += o->qty - o->filled_qty;
    }
  return MAX (0, fabs (position->qty) - held);
}

void
tw_sim_portfolio_step_prices (TwSimPortfolio *self)
{
  for (guint i = 0; i < self->positions->len; i++)
    {
      TwSimPosition *p = g_ptr_array_index (self->positions, i);
      double move = g_rand_double_range (self->rand, -WALK_MAX_MOVE, WALK_MAX_MOVE);

      /* Four decimals, as quotes have; never below a cent. */
      p->current_price = MAX (0.01, round (p->current_price * (1 + move) * 10000) / 10000);
    }
  update_account (self);
}

static void
book_trade (TwSimPortfolio *self,
            TwSimPosition  *p,
            double          closed,
            double          price,
            double          pnl,
            gint64          now)
{
  g_autoptr(GPtrArray) trades = NULL;
  TwSimTradeDetail *d;
  TwSimTrade *t;

  tw_sim_firm_book_trade (self->firm, p->symbol, pnl);

  trades = tw_sim_firm_list_trades (self->firm);
  g_return_if_fail (trades->len > 0);
  t = g_ptr_array_index (trades, 0);

  d = g_new0 (TwSimTradeDetail, 1);
  d->symbol = g_strdup (p->symbol);
  d->side = g_strdup (closed > 0 ? "long" : "short");
  d->qty = fabs (closed);
  d->entry_price = p->avg_entry_price;
  d->exit_price = price;
  d->pnl = pnl;
  d->pnl_percent = p->avg_entry_price > 0
    ? 100.0 * pnl / (fabs (closed) * p->avg_entry_price) : 0;
  d->opened_at_us = p->opened_at_us;
  d->closed_at_us = now;
  g_hash_table_replace (self->trade_details, g_strdup (t->id), d);
}

TwSimOrder *
tw_sim_portfolio_close (TwSimPortfolio *self,
                        const char     *symbol,
                        double          qty,
                        guint          *status,
                        double         *requested,
                        double         *available,
                        double         *realized_pnl)
{
  TwSimPosition *p = tw_sim_portfolio_find_position (self, symbol);
  TwSimAccount *a = tw_sim_firm_get_account (self->firm);
  gint64 now = g_get_real_time ();
  double want, avail, closed, price, pnl;
  TwSimOrder *o;

  *requested = *available = *realized_pnl = 0;
  if (p == NULL)
    {
      *status = 404;
      return NULL;
    }

  avail = tw_sim_portfolio_get_available (self, p);
  want = qty > 0 ? qty : fabs (p->qty);
  *requested = want;
  *available = avail;
  if (want > avail + 1e-9)
    {
      *status = 403;
      return NULL;
    }

  closed = p->qty > 0 ? want : -want;
  price = p->current_price;
  pnl = round (closed * (price - p->avg_entry_price) * 100) / 100;
  *realized_pnl = pnl;

  /* Filled at once at the current price; Alpaca answers with the order as accepted. */
  o = order_new (p->symbol, "market", closed > 0 ? "sell" : "buy", want, -1, "filled", now);
  o->filled_qty = want;
  o->filled_avg_price = price;
  o->filled_at_us = now;
  g_ptr_array_insert (self->orders, 0, o);

  a->cash += closed * price;
  book_trade (self, p, closed, price, pnl, now);

  p->qty -= closed;
  if (fabs (p->qty) < 1e-9)
    g_ptr_array_remove (self->positions, p);
  update_account (self);

  *status = 200;
  return o;
}

GPtrArray *
tw_sim_portfolio_get_orders (TwSimPortfolio *self)
{
  return self->orders;
}

TwSimOrder *
tw_sim_portfolio_find_order (TwSimPortfolio *self,
                             const char     *id)
{
  for (guint i = 0; i < self->orders->len; i++)
    {
      TwSimOrder *o = g_ptr_array_index (self->orders, i);

      if (g_str_equal (o->id, id))
        return o;
    }
  return NULL;
}

guint
tw_sim_portfolio_cancel_order (TwSimPortfolio *self,
                               const char     *id)
{
  TwSimOrder *o = tw_sim_portfolio_find_order (self, id);
  gint64 now = g_get_real_time ();

  if (o == NULL)
    return 404;
  if (!tw_sim_order_is_open (o) || o->uncancelable)
    return 422;

  tw_set_str (&o->status, "canceled");
  o->canceled_at_us = now;
  o->updated_at_us = now;
  return 204;
}

gboolean
tw_sim_portfolio_hold_for_orders (TwSimPortfolio *self,
                                  const char     *symbol)
{
  TwSimPosition *p = tw_sim_portfolio_find_position (self, symbol);
  TwSimOrder *o;
  double avail;

  if (p == NULL)
    return FALSE;

  /* A stop order closing the whole position, stuck at the venue: it holds the qty and
   * refuses to cancel. */
  avail = tw_sim_portfolio_get_available (self, p);
  if (avail <= 0)
    return TRUE;
  o = order_new (p->symbol, "stop", p->qty > 0 ? "sell" : "buy", avail, -1, "held",
                 g_get_real_time ());
  o->stop_price = round (p->current_price * (p->qty > 0 ? 0.95 : 1.05) * 100) / 100;
  o->holds_position = TRUE;
  o->uncancelable = TRUE;
  g_ptr_array_insert (self->orders, 0, o);
  return TRUE;
}

GPtrArray *
tw_sim_portfolio_get_ibkr_orders (TwSimPortfolio *self)
{
  return self->ibkr_orders;
}

TwSimIbkrOrder *
tw_sim_portfolio_find_ibkr_order (TwSimPortfolio *self,
                                  const char     *id)
{
  for (guint i = 0; i < self->ibkr_orders->len; i++)
    {
      TwSimIbkrOrder *o = g_ptr_array_index (self->ibkr_orders, i);

      if (g_str_equal (o->id, id))
        return o;
    }
  return NULL;
}

TwSimApproval *
tw_sim_portfolio_find_approval (TwSimPortfolio *self,
                                const char     *id)
{
  for (guint i = 0; i < self->approvals->len; i++)
    {
      TwSimApproval *a = g_ptr_array_index (self->approvals, i);

      if (g_str_equal (a->id, id))
        return a;
    }
  return NULL;
}

TwSimTradeDetail *
tw_sim_portfolio_get_trade_detail (TwSimPortfolio *self,
                                   const char     *trade_id)
{
  return g_hash_table_lookup (self->trade_details, trade_id);
}

gboolean
tw_sim_portfolio_rate_check (TwSimPortfolio *self,
                             const char     *key_id,
                             guint          *limit,
                             guint          *remaining,
                             gint64         *reset,
                             guint          *retry_after)
{
  gint64 now = g_get_monotonic_time ();
  gint64 window_us = (gint64) self->rate_window_s * G_USEC_PER_SEC;
  gint64 frees_in_us;
  GQueue *hits = g_hash_table_lookup (self->rate_hits, key_id);
  gboolean allowed;

  if (hits == NULL)
    {
      hits = g_queue_new ();
      g_hash_table_insert (self->rate_hits, g_strdup (key_id), hits);
    }
  while (!g_queue_is_empty (hits) &&
         *(gint64 *) g_queue_peek_head (hits) + window_us <= now)
    g_free (g_queue_pop_head (hits));

  allowed = g_queue_get_length (hits) < self->rate_limit;
  if (allowed)
    g_queue_push_tail (hits, g_memdup2 (&now, sizeof now));

  /* The oldest hit in the window is the next slot to free. */
  frees_in_us = window_us;
  if (!g_queue_is_empty (hits))
    frees_in_us = *(gint64 *) g_queue_peek_head (hits) + window_us - now;

  *limit = self->rate_limit;
  *remaining = self->rate_limit - MIN (self->rate_limit, g_queue_get_length (hits));
  *reset = (g_get_real_time () + frees_in_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
  *retry_after = MAX (1, (frees_in_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  return allowed;
}

void
tw_sim_portfolio_set_rate_limit (TwSimPortfolio *self,
                                 guint           limit,
                                 guint           window_seconds)
{
  self->rate_limit = limit;
  self->rate_window_s = window_seconds;
  g_hash_table_remove_all (self->rate_hits);
}

void
tw_sim_portfolio_get_rate_limit (TwSimPortfolio *self,
                                 guint          *limit,
                                 guint          *window_seconds)
{
  *limit = self->rate_limit;
  *window_seconds = self->rate_window_s;
}

void
tw_sim_portfolio_set_price_walk (TwSimPortfolio *self,
                                 gboolean        enabled)
{
  self->walk_paused = !enabled;
}

gboolean
tw_sim_portfolio_get_price_walk (TwSimPortfolio *self)
{
  return !self->walk_paused;
}
