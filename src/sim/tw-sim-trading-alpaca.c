/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim-trading.h"

#include <math.h>
#include <string.h>

/* Alpaca's positions, orders and clock (trading-wire.md): decimals as JSON strings,
 * errors {"code": SSS10000, "message"}, the rate limit on every answer. */

static TwSimPortfolio *
get_portfolio (TwSimRequest *req)
{
  return tw_sim_firm_get_portfolio (req->firm);
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* Money: two decimals. */
static void
add_money (JsonBuilder *b,
           const char  *name,
           double       value)
{
  g_autofree char *text = tw_sim_format_decimal (value);

  add_string (b, name, text);
}

/* Quantities, prices, ratios: as many decimals as they need; < 0 with @nullable: null. */
static void
add_number (JsonBuilder *b,
            const char  *name,
            double       value,
            gboolean     nullable)
{
  g_autofree char *text = NULL;

  if (nullable && value < 0)
    {
      add_string (b, name, NULL);
      return;
    }
  text = tw_sim_trading_format_number (value);
  add_string (b, name, text);
}

static JsonNode *
error_node (guint       status,
            const char *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_int_value (b, (gint64) status * 100000 + 10000);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static char *
insufficient_message (double requested,
                      double available)
{
  g_autofree char *r = tw_sim_trading_format_number (requested);
  g_autofree char *a = tw_sim_trading_format_number (available);

  return g_strdup_printf ("insufficient qty available for order (requested: %s, available: %s)",
                          r, a);
}

static void
add_position (JsonBuilder    *b,
              TwSimPortfolio *portfolio,
              TwSimPosition  *p)
{
  double abs_qty = fabs (p->qty);
  double market_value = p->qty * p->current_price;
  double cost_basis = p->qty * p->avg_entry_price;
  double pl = market_value - cost_basis;
  double intraday_pl = p->qty * (p->current_price - p->lastday_price);
  double lastday_value = abs_qty * p->lastday_price;

  json_builder_begin_object (b);
  add_string (b, "asset_id", p->asset_id);
  add_string (b, "symbol", p->symbol);
  add_string (b, "exchange", p->exchange);
  add_string (b, "asset_class", "us_equity");
  json_builder_set_member_name (b, "asset_marginable");
  json_builder_add_boolean_value (b, TRUE);
  add_number (b, "qty", p->qty, FALSE);
  add_number (b, "qty_available", p->qty >= 0 ? tw_sim_portfolio_get_available (portfolio, p)
                                              : -tw_sim_portfolio_get_available (portfolio, p),
              FALSE);
  add_string (b, "side", p->qty >= 0 ? "long" : "short");
  add_number (b, "avg_entry_price", p->avg_entry_price, FALSE);
  add_money (b, "market_value", market_value);
  add_money (b, "cost_basis", cost_basis);
  add_money (b, "unrealized_pl", pl);
  add_number (b, "unrealized_plpc", cost_basis != 0 ? pl / fabs (cost_basis) : 0, FALSE);
  add_money (b, "unrealized_intraday_pl", intraday_pl);
  add_number (b, "unrealized_intraday_plpc", lastday_value != 0 ? intraday_pl / lastday_value : 0,
              FALSE);
  add_number (b, "current_price", p->current_price, FALSE);
  add_number (b, "lastday_price", p->lastday_price, FALSE);
  add_number (b, "change_today",
              p->lastday_price != 0 ? (p->current_price - p->lastday_price) / p->lastday_price : 0,
              FALSE);
  json_builder_end_object (b);
}

/* @as_submitted: the order as the answer to its submission shows it (accepted, unfilled). */
static void
add_order (JsonBuilder *b,
           TwSimOrder  *o,
           gboolean     as_submitted)
{
  json_builder_begin_object (b);
  add_string (b, "id", o->id);
  add_string (b, "client_order_id", o->client_order_id);
  tw_sim_trading_add_time (b, "created_at", o->created_at_us);
  tw_sim_trading_add_time (b, "updated_at", o->updated_at_us);
  tw_sim_trading_add_time (b, "submitted_at", o->submitted_at_us);
  tw_sim_trading_add_time (b, "filled_at", as_submitted ? 0 : o->filled_at_us);
  tw_sim_trading_add_time (b, "expired_at", 0);
  tw_sim_trading_add_time (b, "canceled_at", o->canceled_at_us);
  tw_sim_trading_add_time (b, "failed_at", 0);
  add_string (b, "symbol", o->symbol);
  add_string (b, "asset_class", "us_equity");
  add_number (b, "qty", o->qty, FALSE);
  add_string (b, "notional", NULL);
  add_number (b, "filled_qty", as_submitted ? 0 : o->filled_qty, FALSE);
  add_number (b, "filled_avg_price", as_submitted ? -1 : o->filled_avg_price, TRUE);
  add_string (b, "order_class", "");
  add_string (b, "order_type", o->type);
  add_string (b, "type", o->type);
  add_string (b, "side", o->side);
  add_string (b, "time_in_force", o->time_in_force);
  add_number (b, "limit_price", o->limit_price, TRUE);
  add_number (b, "stop_price", o->stop_price, TRUE);
  add_string (b, "status", as_submitted ? "accepted" : o->status);
  json_builder_set_member_name (b, "extended_hours");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_end_object (b);
}

gboolean
tw_sim_trading_alpaca_rate_limit (TwSimRequest *req)
{
  SoupMessageHeaders *in = soup_server_message_get_request_headers (req->msg);
  SoupMessageHeaders *out = soup_server_message_get_response_headers (req->msg);
  const char *key_id = soup_message_headers_get_one (in, "APCA-API-KEY-ID");
  guint limit, remaining, retry_after;
  gint64 reset;
  gboolean allowed;
  char text[32];

  /* Once per request, whoever asks first (a handler, or a dispatcher-wide hook). */
  if (g_object_get_data (G_OBJECT (req->msg), "tw-sim-rate-limited") != NULL)
    return TRUE;
  g_object_set_data (G_OBJECT (req->msg), "tw-sim-rate-limited", GINT_TO_POINTER (1));

  allowed = tw_sim_portfolio_rate_check (get_portfolio (req), key_id != NULL ? key_id : "",
                                         &limit, &remaining, &reset, &retry_after);
  g_snprintf (text, sizeof text, "%u", limit);
  soup_message_headers_replace (out, "X-Ratelimit-Limit", text);
  g_snprintf (text, sizeof text, "%u", remaining);
  soup_message_headers_replace (out, "X-Ratelimit-Remaining", text);
  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, reset);
  soup_message_headers_replace (out, "X-Ratelimit-Reset", text);
  if (allowed)
    return TRUE;

  g_snprintf (text, sizeof text, "%u", retry_after);
  soup_message_headers_replace (out, "Retry-After", text);
  tw_sim_reply_flavor_error (req, 429, "rate limit exceeded");
  return FALSE;
}

static void
get_positions (TwSimRequest *req)
{
  TwSimPortfolio *portfolio;
  GPtrArray *positions;
  g_autoptr(JsonBuilder) b = NULL;

  if (!tw_sim_trading_alpaca_rate_limit (req))
    return;

  portfolio = get_portfolio (req);
  positions = tw_sim_portfolio_get_positions (portfolio);
  b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; i < positions->len; i++)
    add_position (b, portfolio, g_ptr_array_index (positions, i));
  json_builder_end_array (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static void
get_position (TwSimRequest *req)
{
  TwSimPortfolio *portfolio;
  TwSimPosition *p;
  g_autoptr(JsonBuilder) b = NULL;

  if (!tw_sim_trading_alpaca_rate_limit (req))
    return;

  portfolio = get_portfolio (req);
  p = tw_sim_portfolio_find_position (portfolio, tw_sim_request_get_param (req, "symbol"));
  if (p == NULL)
    {
      tw_sim_reply_flavor_error (req, SOUP_STATUS_NOT_FOUND, "position does not exist");
      return;
    }
  b = json_builder_new ();
  add_position (b, portfolio, p);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

/* A positive decimal; FALSE if absent (or empty, as Alpaca's query parsing has it);
 * @bad set when present but not one. */
static gboolean
parse_positive (const char *text,
                double     *value,
                gboolean   *bad)
{
  char *end = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (*value) || *value <= 0)
    *bad = TRUE;
  return TRUE;
}

static void
delete_position (TwSimRequest *req)
{
  TwSimPortfolio *portfolio;
  TwSimPosition *p;
  TwSimOrder *order;
  const char *symbol = tw_sim_request_get_param (req, "symbol");
  double qty = 0, percentage = 0, requested, available, pnl;
  gboolean has_qty, has_percentage, bad_qty = FALSE, bad_percentage = FALSE;
  guint status;
  g_autoptr(JsonBuilder) b = NULL;

  if (!tw_sim_trading_alpaca_rate_limit (req))
    return;

  has_qty = parse_positive (tw_sim_request_get_query (req, "qty"), &qty, &bad_qty);
  has_percentage = parse_positive (tw_sim_request_get_query (req, "percentage"), &percentage,
                                   &bad_percentage);
  if (has_qty && has_percentage)
    {
      tw_sim_reply_flavor_error (req, 422, "only one of qty or percentage may be specified");
      return;
    }
  if (bad_qty)
    {
      tw_sim_reply_flavor_error (req, 422, "qty must be a positive number");
      return;
    }
  if (bad_percentage || percentage > 100)
    {
      tw_sim_reply_flavor_error (req, 422, "percentage must be between 0 and 100");
      return;
    }

  portfolio = get_portfolio (req);
  p = tw_sim_portfolio_find_position (portfolio, symbol);
  if (p == NULL)
    {
      tw_sim_reply_flavor_error (req, SOUP_STATUS_NOT_FOUND, "position does not exist");
      return;
    }
  if (has_percentage)
    qty = round (fabs (p->qty) * percentage / 100 * 1e9) / 1e9;

  order = tw_sim_portfolio_close (portfolio, p->symbol, qty, &status, &requested, &available,
                                  &pnl);
  if (order == NULL)
    {
      g_autofree char *message = insufficient_message (requested, available);

      tw_sim_reply_flavor_error (req, status, message);
      return;
    }

  b = json_builder_new ();
  add_order (b, order, TRUE);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

/* Cancels every open order that will cancel; @b, if not NULL, gets the 207 entries. */
static void
cancel_all (TwSimPortfolio *portfolio,
            JsonBuilder    *b)
{
  GPtrArray *orders = tw_sim_portfolio_get_orders (portfolio);
  g_autoptr(GPtrArray) open = g_ptr_array_new ();

  for (guint i = 0; i < orders->len; i++)
    if (tw_sim_order_is_open (g_ptr_array_index (orders, i)))
      g_ptr_array_add (open, g_ptr_array_index (orders, i));

  for (guint i = 0; i < open->len; i++)
    {
      TwSimOrder *o = g_ptr_array_index (open, i);
      guint status = tw_sim_portfolio_cancel_order (portfolio, o->id);

      if (b == NULL)
        continue;
      json_builder_begin_object (b);
      add_string (b, "id", o->id);
      json_builder_set_member_name (b, "status");
      json_builder_add_int_value (b, status == 204 ? 200 : status);
      json_builder_set_member_name (b, "body");
      if (status == 204)
        json_builder_add_null_value (b);
      else
        json_builder_add_value (b, error_node (status, "order is not cancelable"));
      json_builder_end_object (b);
    }
}

static void
delete_positions (TwSimRequest *req)
{
  TwSimPortfolio *portfolio;
  const char *cancel = tw_sim_request_get_query (req, "cancel_orders");
  g_auto(GStrv) symbols = NULL;
  g_autoptr(GStrvBuilder) names = NULL;
  GPtrArray *positions;
  g_autoptr(JsonBuilder) b = NULL;

  if (!tw_sim_trading_alpaca_rate_limit (req))
    return;
  if (cancel != NULL && !g_str_equal (cancel, "true") && !g_str_equal (cancel, "false"))
    {
      tw_sim_reply_flavor_error (req, 422, "cancel_orders must be true or false");
      return;
    }

  portfolio = get_portfolio (req);
  if (g_strcmp0 (cancel, "true") == 0)
    cancel_all (portfolio, NULL);

  /* Closing removes positions: walk a copy of the symbols. */
  positions = tw_sim_portfolio_get_positions (portfolio);
  names = g_strv_builder_new ();
  for (guint i = 0; i < positions->len; i++)
    g_strv_builder_add (names, ((TwSimPosition *) g_ptr_array_index (positions, i))->symbol);
  symbols = g_strv_builder_end (names);

  b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; symbols[i] != NULL; i++)
    {
      double requested, available, pnl;
      guint status;
      TwSimOrder *order = tw_sim_portfolio_close (portfolio, symbols[i], 0, &status, &requested,
                                                  &available, &pnl);

      json_builder_begin_object (b);
      add_string (b, "symbol", symbols[i]);
      json_builder_set_member_name (b, "status");
      json_builder_add_int_value (b, status);
      json_builder_set_member_name (b, "body");
      if (order != NULL)
        add_order (b, order, TRUE);
      else
        {
          g_autofree char *message = insufficient_message (requested, available);

          json_builder_add_value (b, error_node (status, message));
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  tw_sim_reply_builder (req->msg, 207, b);
}

static gint
compare_created_asc (gconstpointer a,
                     gconstpointer b)
{
  const TwSimOrder *oa = *(TwSimOrder **) a, *ob = *(TwSimOrder **) b;

  return (oa->created_at_us > ob->created_at_us) - (oa->created_at_us < ob->created_at_us);
}

static void
get_orders (TwSimRequest *req)
{
  const char *status = tw_sim_request_get_query (req, "status");
  const char *limit_text = tw_sim_request_get_query (req, "limit");
  const char *direction = tw_sim_request_get_query (req, "direction");
  const char *symbols_text = tw_sim_request_get_query (req, "symbols");
  g_auto(GStrv) symbols = NULL;
  g_autoptr(GPtrArray) selected = g_ptr_array_new ();
  g_autoptr(JsonBuilder) b = NULL;
  GPtrArray *orders;
  guint64 limit = 50;

  if (!tw_sim_trading_alpaca_rate_limit (req))
    return;

  if (status == NULL)
    status = "open";
  if (!g_str_equal (status, "open") && !g_str_equal (status, "closed") &&
      !g_str_equal (status, "all"))
    {
      tw_sim_reply_flavor_error (req, 422, "status must be one of open, closed or all");
      return;
    }
  if (limit_text != NULL &&
      !g_ascii_string_to_unsigned (limit_text, 10, 1, 500, &limit, NULL))
    {
      tw_sim_reply_flavor_error (req, 422, "limit must be between 1 and 500");
      return;
    }
  if (direction != NULL && !g_str_equal (direction, "asc") && !g_str_equal (direction, "desc"))
    {
      tw_sim_reply_flavor_error (req, 422, "direction must be asc or desc");
      return;
    }
  if (symbols_text != NULL && *symbols_text != '\0')
    symbols = g_strsplit (symbols_text, ",", -1);

  /* The book is newest first: take the newest @limit, then order as asked. */
  orders = tw_sim_portfolio_get_orders (tw_sim_firm_get_portfolio (req->firm));
  for (guint i = 0; i < orders->len && selected->len < limit; i++)
    {
      TwSimOrder *o = g_ptr_array_index (orders, i);
      gboolean open = tw_sim_order_is_open (o);

      if ((g_str_equal (status, "open") && !open) || (g_str_equal (status, "closed") && open))
        continue;
      if (symbols != NULL && !g_strv_contains ((const char * const *) symbols, o->symbol))
        continue;
      g_ptr_array_add (selected, o);
    }
  if (g_strcmp0 (direction, "asc") == 0)
    g_ptr_array_sort (selected, compare_created_asc);

  b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; i < selected->len; i++)
    add_order (b, g_ptr_array_index (selected, i), FALSE);
  json_builder_end_array (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static void
get_order (TwSimRequest *req)
{
  TwSimOrder *o;
  g_autoptr(JsonBuilder) b = NULL;

  if (!tw_sim_trading_alpaca_rate_limit (req))
    return;

  o = tw_sim_portfolio_find_order (get_portfolio (req), tw_sim_request_get_param (req, "id"));
  if (o == NULL)
    {
      tw_sim_reply_flavor_error (req, SOUP_STATUS_NOT_FOUND, "order not found");
      return;
    }
  b = json_builder_new ();
  add_order (b, o, FALSE);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static void
delete_order (TwSimRequest *req)
{
  guint status;

  if (!tw_sim_trading_alpaca_rate_limit (req))
    return;

  status = tw_sim_portfolio_cancel_order (get_portfolio (req), tw_sim_request_get_param (req, "id"));
  if (status == 204)
    tw_sim_reply_bytes (req->msg, SOUP_STATUS_NO_CONTENT, NULL, NULL, 0);
  else if (status == 422)
    tw_sim_reply_flavor_error (req, 422, "order is not cancelable");
  else
    tw_sim_reply_flavor_error (req, SOUP_STATUS_NOT_FOUND, "order not found");
}

static void
delete_orders (TwSimRequest *req)
{
  g_autoptr(JsonBuilder) b = NULL;

  if (!tw_sim_trading_alpaca_rate_limit (req))
    return;

  b = json_builder_new ();
  json_builder_begin_array (b);
  cancel_all (get_portfolio (req), b);
  json_builder_end_array (b);
  tw_sim_reply_builder (req->msg, 207, b);
}

/* The regular session of US equities: 9:30–16:00 New York time, Monday to Friday
 * (holidays aside). */
static GDateTime *
session_edge (GDateTime *day,
              int        hour,
              int        minute)
{
  return g_date_time_new (g_date_time_get_timezone (day), g_date_time_get_year (day),
                          g_date_time_get_month (day), g_date_time_get_day_of_month (day),
                          hour, minute, 0);
}

static gboolean
is_weekday (GDateTime *day)
{
  return g_date_time_get_day_of_week (day) <= 5;
}

static void
get_clock (TwSimRequest *req)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("America/New_York");
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) day = NULL;
  g_autoptr(GDateTime) next_open = NULL;
  g_autoptr(GDateTime) next_close = NULL;
  g_autofree char *ts = NULL, *open_text = NULL, *close_text = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  gboolean is_open;

  if (!tw_sim_trading_alpaca_rate_limit (req))
    return;

  if (tz == NULL)
    tz = g_time_zone_new_offset (-5 * 3600);
  now = g_date_time_new_now (tz);

  /* The first weekday session whose close is still ahead. */
  day = g_date_time_ref (now);
  for (;;)
    {
      g_autoptr(GDateTime) close = session_edge (day, 16, 0);

      if (is_weekday (day) && g_date_time_compare (close, now) > 0)
        break;
      g_date_time_unref (day);
      day = g_date_time_add_days (close, 1);
    }
  next_close = session_edge (day, 16, 0);
  next_open = session_edge (day, 9, 30);
  is_open = g_date_time_compare (next_open, now) <= 0;
  if (is_open)
    {
      /* Open now: the next open is the following weekday's. */
      g_autoptr(GDateTime) following = g_date_time_add_days (next_open, 1);

      while (!is_weekday (following))
        {
          GDateTime *tmp = g_date_time_add_days (following, 1);

          g_date_time_unref (following);
          following = tmp;
        }
      g_date_time_unref (next_open);
      next_open = g_steal_pointer (&following);
    }

  ts = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%f%:z");
  open_text = g_date_time_format (next_open, "%Y-%m-%dT%H:%M:%S%:z");
  close_text = g_date_time_format (next_close, "%Y-%m-%dT%H:%M:%S%:z");

  b = json_builder_new ();
  json_builder_begin_object (b);
  add_string (b, "timestamp", ts);
  json_builder_set_member_name (b, "is_open");
  json_builder_add_boolean_value (b, is_open);
  add_string (b, "next_open", open_text);
  add_string (b, "next_close", close_text);
  json_builder_end_object (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

const TwSimRoute tw_sim_alpaca_trading_routes[] = {
  { "GET", "/v2/positions", get_positions },
  { "DELETE", "/v2/positions", delete_positions },
  { "GET", "/v2/positions/{symbol}", get_position },
  { "DELETE", "/v2/positions/{symbol}", delete_position },
  { "GET", "/v2/orders", get_orders },
  { "DELETE", "/v2/orders", delete_orders },
  { "GET", "/v2/orders/{id}", get_order },
  { "DELETE", "/v2/orders/{id}", delete_order },
  { "GET", "/v2/clock", get_clock },
  { NULL }
};
