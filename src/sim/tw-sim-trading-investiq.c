/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim-trading.h"
#include "tw-sim-keys.h"

#include <math.h>
#include <string.h>

/* InvestIQ's broker and portfolio routes (trading-wire.md): numbers are JSON numbers
 * (Rust f64), errors {"error": "…"}. Its broker is the firm's Alpaca account. */

static double
cents (double value)
{
  return round (value * 100) / 100;
}

static void
add_bool (JsonBuilder *b,
          const char  *name,
          gboolean     value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

static void
get_account (TwSimRequest *req)
{
  TwSimAccount *a = tw_sim_firm_get_account (req->firm);
  TwSimComponent *state = tw_sim_firm_get_component (req->firm, "alpaca", "account");
  g_autoptr(JsonBuilder) b = json_builder_new ();

  /* The positions first, so the equity reflects the book. */
  tw_sim_firm_get_portfolio (req->firm);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "account_id");
  json_builder_add_string_value (b, a->id);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, state != NULL ? state->status : "ACTIVE");
  json_builder_set_member_name (b, "currency");
  json_builder_add_string_value (b, a->currency);
  tw_sim_trading_add_double (b, "equity", cents (tw_sim_firm_get_equity (req->firm)));
  tw_sim_trading_add_double (b, "last_equity", cents (a->last_equity));
  tw_sim_trading_add_double (b, "cash", cents (a->cash));
  tw_sim_trading_add_double (b, "buying_power", cents (a->buying_power));
  add_bool (b, "trading_blocked", a->trading_blocked);
  /* 000, Alpaca: "Look for: buying_power, pattern_day_trader, account_blocked" */
  add_bool (b, "pattern_day_trader", FALSE);
  add_bool (b, "account_blocked", a->account_blocked);
  add_bool (b, "paper", TRUE);
  json_builder_end_object (b);
  tw_sim_trading_reply (req->msg, SOUP_STATUS_OK, b);
}

static void
get_positions (TwSimRequest *req)
{
  GPtrArray *positions = tw_sim_portfolio_get_positions (tw_sim_firm_get_portfolio (req->firm));
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; i < positions->len; i++)
    {
      TwSimPosition *p = g_ptr_array_index (positions, i);
      double market_value = p->qty * p->current_price;
      double cost = p->qty * p->avg_entry_price;
      double pl = market_value - cost;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "symbol");
      json_builder_add_string_value (b, p->symbol);
      tw_sim_trading_add_double (b, "qty", p->qty);
      json_builder_set_member_name (b, "side");
      json_builder_add_string_value (b, p->qty >= 0 ? "long" : "short");
      tw_sim_trading_add_double (b, "avg_entry_price", p->avg_entry_price);
      tw_sim_trading_add_double (b, "current_price", p->current_price);
      tw_sim_trading_add_double (b, "market_value", cents (market_value));
      tw_sim_trading_add_double (b, "unrealized_pl", cents (pl));
      tw_sim_trading_add_double (b, "unrealized_plpc",
                                 cost != 0 ? round (pl / fabs (cost) * 1e4) / 1e4 : 0);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  tw_sim_trading_reply (req->msg, SOUP_STATUS_OK, b);
}

/* Constant time in the length of @given. */
static gboolean
key_equal (const char *expected,
           const char *given)
{
  gsize le = strlen (expected), lg = strlen (given);
  guchar diff = le != lg;

  if (le == 0)
    return FALSE;
  for (gsize i = 0; i < lg; i++)
    diff |= (guchar) given[i] ^ (guchar) expected[i % le];
  return diff == 0;
}

/* 000: the live-trading actions need X-Live-Trading-Key, 403 without it ("Rotate live
 * trading key": "Should return 403"). The key is the flavor's own when /_sim/keys set one
 * (a rotation), else the process-wide LIVE_TRADING_KEY. */
static gboolean
live_key_ok (TwSimRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *given = soup_message_headers_get_one (headers, "X-Live-Trading-Key");
  const char *expected = tw_sim_get_credential (req->sim, "live_trading_key");
  gboolean ok = FALSE;

  if (tw_sim_keys_check_live_key (_tw_sim_get_keys (req->sim), req->flavor->name, given, &ok))
    return ok;
  return given != NULL && expected != NULL && key_equal (expected, given);
}

static void
delete_close (TwSimRequest *req)
{
  const char *symbol = tw_sim_request_get_param (req, "symbol");
  g_autoptr(JsonBuilder) b = NULL;
  double requested, available, pnl;
  TwSimOrder *order;
  guint status;

  if (!live_key_ok (req))
    {
      tw_sim_reply_flavor_error (req, SOUP_STATUS_FORBIDDEN,
                                 "Live trading key required for this operation");
      return;
    }

  order = tw_sim_portfolio_close (tw_sim_firm_get_portfolio (req->firm), symbol, 0, &status,
                                  &requested, &available, &pnl);
  if (status == 404)
    {
      g_autofree char *message = g_strdup_printf ("No open position for %s", symbol);

      tw_sim_reply_flavor_error (req, SOUP_STATUS_NOT_FOUND, message);
      return;
    }
  if (order == NULL)
    {
      g_autofree char *r = tw_sim_trading_format_number (requested);
      g_autofree char *a = tw_sim_trading_format_number (available);
      g_autofree char *message =
        g_strdup_printf ("Broker refused to close %s: insufficient qty available for order "
                         "(requested: %s, available: %s)", symbol, r, a);

      tw_sim_reply_flavor_error (req, SOUP_STATUS_CONFLICT, message);
      return;
    }

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "symbol");
  json_builder_add_string_value (b, order->symbol);
  tw_sim_trading_add_double (b, "closed_qty", order->qty);
  json_builder_set_member_name (b, "order_id");
  json_builder_add_string_value (b, order->id);
  tw_sim_trading_add_double (b, "realized_pnl", pnl);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, "Position closed");
  json_builder_end_object (b);
  tw_sim_trading_reply (req->msg, SOUP_STATUS_OK, b);
}

static void
add_null (JsonBuilder *b,
          const char  *name)
{
  json_builder_set_member_name (b, name);
  json_builder_add_null_value (b);
}

static void
get_trades (TwSimRequest *req)
{
  const char *days_text = tw_sim_request_get_query (req, "days");
  TwSimPortfolio *portfolio = tw_sim_firm_get_portfolio (req->firm);
  g_autoptr(GPtrArray) trades = tw_sim_firm_list_trades (req->firm);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  guint64 days = 30;
  gint64 since;

  if (days_text != NULL &&
      !g_ascii_string_to_unsigned (days_text, 10, 1, 3650, &days, NULL))
    {
      tw_sim_reply_flavor_error (req, SOUP_STATUS_BAD_REQUEST,
                                 "Failed to deserialize query string: days must be a whole "
                                 "number of days from 1 to 3650");
      return;
    }
  since = g_get_real_time () - (gint64) days * 86400 * G_USEC_PER_SEC;

  json_builder_begin_array (b);
  for (guint i = 0; i < trades->len; i++)
    {
      TwSimTrade *t = g_ptr_array_index (trades, i);
      TwSimTradeDetail *d = tw_sim_portfolio_get_trade_detail (portfolio, t->id);

      if (t->time_us < since)
        continue;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, t->id);
      json_builder_set_member_name (b, "symbol");
      json_builder_add_string_value (b, t->symbol);
      /* Outcomes booked by scenarios carry only their P/L. */
      if (d != NULL)
        {
          json_builder_set_member_name (b, "side");
          json_builder_add_string_value (b, d->side);
          tw_sim_trading_add_double (b, "qty", d->qty);
          tw_sim_trading_add_double (b, "entry_price", d->entry_price);
          tw_sim_trading_add_double (b, "exit_price", d->exit_price);
        }
      else
        {
          add_null (b, "side");
          add_null (b, "qty");
          add_null (b, "entry_price");
          add_null (b, "exit_price");
        }
      tw_sim_trading_add_double (b, "pnl", cents (t->pnl));
      if (d != NULL)
        {
          tw_sim_trading_add_double (b, "pnl_percent", round (d->pnl_percent * 100) / 100);
          tw_sim_trading_add_time (b, "opened_at", d->opened_at_us);
        }
      else
        {
          add_null (b, "pnl_percent");
          add_null (b, "opened_at");
        }
      tw_sim_trading_add_time (b, "closed_at", t->time_us);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  tw_sim_trading_reply (req->msg, SOUP_STATUS_OK, b);
}

const TwSimRoute tw_sim_investiq_trading_routes[] = {
  { "GET", "/api/broker/account", get_account },
  { "GET", "/api/broker/positions", get_positions },
  { "DELETE", "/api/broker/close/{symbol}", delete_close },
  { "GET", "/api/portfolio/trades", get_trades },
  { NULL }
};
