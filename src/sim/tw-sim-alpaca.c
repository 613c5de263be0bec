/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim-private.h"
#include "tw-sim-risk.h"
#include "tw-sim-trading.h"

/* Alpaca Trading API v2: decimals are JSON strings, errors {"code": SSS10000, "message"}.
 * Its "health" is the account: ok while its status is ACTIVE. */

static void
add_decimal (JsonBuilder *b,
             const char  *name,
             double       value)
{
  g_autofree char *text = tw_sim_format_decimal (value);

  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, text);
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
account (TwSimRequest *req)
{
  TwSimAccount *a = tw_sim_firm_get_account (req->firm);
  TwSimComponent *state = tw_sim_firm_get_component (req->firm, "alpaca", "account");
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *created_at = tw_sim_format_time (a->created_at_us, FALSE);
  g_autofree char *multiplier = g_strdup_printf ("%d", a->multiplier);
  double equity = tw_sim_firm_get_equity (req->firm);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, a->id);
  json_builder_set_member_name (b, "account_number");
  json_builder_add_string_value (b, a->account_number);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, state->status);
  json_builder_set_member_name (b, "currency");
  json_builder_add_string_value (b, a->currency);
  add_decimal (b, "cash", a->cash);
  add_decimal (b, "buying_power", a->buying_power);
  add_decimal (b, "regt_buying_power", a->regt_buying_power);
  add_decimal (b, "non_marginable_buying_power", a->non_marginable_buying_power);
  add_decimal (b, "equity", equity);
  add_decimal (b, "last_equity", a->last_equity);
  add_decimal (b, "portfolio_value", equity);
  add_decimal (b, "long_market_value", a->long_market_value);
  add_decimal (b, "short_market_value", a->short_market_value);
  add_decimal (b, "initial_margin", a->initial_margin);
  add_decimal (b, "maintenance_margin", a->maintenance_margin);
  json_builder_set_member_name (b, "multiplier");
  json_builder_add_string_value (b, multiplier);
  add_bool (b, "trading_blocked", a->trading_blocked);
  add_bool (b, "transfers_blocked", a->transfers_blocked);
  add_bool (b, "account_blocked", a->account_blocked);
  add_bool (b, "trade_suspended_by_user", a->trade_suspended_by_user);
  add_bool (b, "shorting_enabled", a->shorting_enabled);
  json_builder_set_member_name (b, "created_at");
  json_builder_add_string_value (b, created_at);
  json_builder_end_object (b);

  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static const TwSimRoute routes[] = {
  { "GET", "/v2/account", account },
  { NULL }
};

/* The routes kept in other files: one line per table. */
static const TwSimRoute * const extra_routes[] = {
  tw_sim_alpaca_risk_routes,        /* risk controls: tw-sim-risk-*.c */
  tw_sim_alpaca_trading_routes,     /* positions and orders: tw-sim-trading-*.c */
  NULL
};

static const TwSimComponentSpec components[] = {
  { "account", NULL, -1 },
  { NULL }
};

static const char * const account_statuses[] = {
  "ONBOARDING", "SUBMISSION_FAILED", "SUBMITTED", "ACCOUNT_UPDATED", "APPROVAL_PENDING",
  "REJECTED", "DISABLED", "ACCOUNT_CLOSED", NULL
};

const TwSimFlavor tw_sim_flavor_alpaca = {
  .name = "alpaca",
  .server_header = NULL,
  .errors = TW_SIM_ERRORS_ALPACA,
  .auth = TW_SIM_AUTH_ALPACA,
  .missing_status = 401,
  .missing_body = "{\"code\":40110000,\"message\":\"request is not authorized\"}",
  .wrong_status = 401,
  .wrong_body = "{\"code\":40110000,\"message\":\"request is not authorized\"}",
  .routes = routes,
  .extra_routes = extra_routes,
  .components = components,
  .levels = { "ACTIVE", "ACCOUNT_UPDATED", "DISABLED" },
  .extra_statuses = account_statuses,
};
