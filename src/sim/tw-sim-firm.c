/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim-firm.h"
#include "tw-sim-risk.h"
#include "tw-sim-portfolio.h"
#include "tw-sim-flags.h"
#include "tw-util.h"

struct _TwSimFirm
{
  gint64        started_us;
  TwSimAccount  account;
  GPtrArray    *components;   /* TwSimComponent, registration order */

  /* risk controls */
  GPtrArray    *trades;       /* TwSimTrade, oldest first */
  TwSimRisk    *risk;

  /* positions and orders: made on first use */
  TwSimPortfolio *portfolio;

  /* feature flags: made on first use */
  TwSimFlags     *flags;
};

static void
trade_free (gpointer data)
{
  TwSimTrade *t = data;

  g_free (t->id);
  g_free (t->symbol);
  g_free (t);
}

static void
component_free (gpointer data)
{
  TwSimComponent *c = data;

  g_free (c->flavor);
  g_free (c->name);
  g_free (c->status);
  g_free (c->message);
  g_free (c->default_status);
  g_free (c->default_message);
  g_free (c);
}

TwSimFirm *
tw_sim_firm_new (void)
{
  TwSimFirm *firm = g_new0 (TwSimFirm, 1);
  TwSimAccount *a = &firm->account;

  firm->started_us = g_get_monotonic_time ();
  firm->components = g_ptr_array_new_with_free_func (component_free);
  firm->trades = g_ptr_array_new_with_free_func (trade_free);

  /* A paper account worth a little more than yesterday: equity = cash + long + short. */
  a->id = g_uuid_string_random ();
  a->account_number = g_strdup ("PA3DEMO0001");
  a->currency = g_strdup ("USD");
  a->cash = 25000.00;
  a->long_market_value = 75250.37;
  a->short_market_value = 0.0;
  a->last_equity = 100000.00;
  a->multiplier = 4;
  a->buying_power = 100000.00;
  a->regt_buying_power = 50000.00;
  a->non_marginable_buying_power = 25000.00;
  a->initial_margin = 37625.19;
  a->maintenance_margin = 22575.11;
  a->shorting_enabled = TRUE;
  /* Opened a year and a bit ago, on a whole second like Alpaca's timestamps. */
  a->created_at_us = (g_get_real_time () / G_USEC_PER_SEC - 400 * 86400) * G_USEC_PER_SEC;

  /* risk controls: InvestIQ's equity starts as the account's, its day at yesterday's */
  firm->risk = tw_sim_risk_new (tw_sim_firm_get_equity (firm), a->last_equity);

  return firm;
}

void
tw_sim_firm_free (TwSimFirm *firm)
{
  if (firm == NULL)
    return;

  g_free (firm->account.id);
  g_free (firm->account.account_number);
  g_free (firm->account.currency);
  g_ptr_array_unref (firm->components);
  g_ptr_array_unref (firm->trades);
  tw_sim_risk_free (firm->risk);
  g_clear_pointer (&firm->portfolio, tw_sim_portfolio_free);  /* positions and orders */
  g_clear_pointer (&firm->flags, tw_sim_flags_free);          /* feature flags */
  g_free (firm);
}

gint64
tw_sim_firm_get_uptime_us (TwSimFirm *firm)
{
  return g_get_monotonic_time () - firm->started_us;
}

TwSimAccount *
tw_sim_firm_get_account (TwSimFirm *firm)
{
  return &firm->account;
}

double
tw_sim_firm_get_equity (TwSimFirm *firm)
{
  return firm->account.cash + firm->account.long_market_value + firm->account.short_market_value;
}

void
tw_sim_firm_add_component (TwSimFirm  *firm,
                           const char *flavor,
                           const char *name,
                           const char *status,
                           const char *message,
                           double      latency_ms)
{
  TwSimComponent *c;

  g_return_if_fail (tw_sim_firm_get_component (firm, flavor, name) == NULL);

  c = g_new0 (TwSimComponent, 1);
  c->flavor = g_strdup (flavor);
  c->name = g_strdup (name);
  c->status = g_strdup (status);
  c->level = TW_SIM_LEVEL_OK;
  c->message = g_strdup (message);
  c->latency_ms = latency_ms;
  c->default_status = g_strdup (status);
  c->default_message = g_strdup (message);
  g_ptr_array_add (firm->components, c);
}

TwSimComponent *
tw_sim_firm_get_component (TwSimFirm  *firm,
                           const char *flavor,
                           const char *name)
{
  for (guint i = 0; i < firm->components->len; i++)
    {
      TwSimComponent *c = g_ptr_array_index (firm->components, i);

      if (g_str_equal (c->flavor, flavor) && g_str_equal (c->name, name))
        return c;
    }

  return NULL;
}

GPtrArray *
tw_sim_firm_list_components (TwSimFirm  *firm,
                             const char *flavor)
{
  GPtrArray *list = g_ptr_array_new ();

  for (guint i = 0; i < firm->components->len; i++)
    {
      TwSimComponent *c = g_ptr_array_index (firm->components, i);

      if (g_str_equal (c->flavor, flavor))
        g_ptr_array_add (list, c);
    }

  return list;
}

void
tw_sim_firm_set_component (TwSimFirm      *firm,
                           TwSimComponent *component,
                           const char     *status,
                           TwSimLevel      level,
                           const char     *message)
{
  tw_set_str (&component->status, status);
  component->level = level;

  if (message != NULL)
    tw_set_str (&component->message, message);
  else if (level == TW_SIM_LEVEL_OK)
    tw_set_str (&component->message, component->default_message);
  else
    tw_set_str (&component->message, NULL);
}

void
tw_sim_firm_reset_components (TwSimFirm  *firm,
                              const char *flavor)
{
  for (guint i = 0; i < firm->components->len; i++)
    {
      TwSimComponent *c = g_ptr_array_index (firm->components, i);

      if (flavor != NULL && !g_str_equal (c->flavor, flavor))
        continue;
      tw_set_str (&c->status, c->default_status);
      tw_set_str (&c->message, c->default_message);
      c->level = TW_SIM_LEVEL_OK;
    }
}

TwSimLevel
tw_sim_firm_get_worst_level (TwSimFirm  *firm,
                             const char *flavor)
{
  TwSimLevel worst = TW_SIM_LEVEL_OK;

  for (guint i = 0; i < firm->components->len; i++)
    {
      TwSimComponent *c = g_ptr_array_index (firm->components, i);

      if (g_str_equal (c->flavor, flavor))
        worst = MAX (worst, c->level);
    }

  return worst;
}

/* ---- Risk controls: trade outcomes (risk-controls simulator) ---- */

void
tw_sim_firm_book_trade (TwSimFirm  *firm,
                        const char *symbol,
                        double      pnl)
{
  TwSimTrade *t;

  g_return_if_fail (firm != NULL);
  g_return_if_fail (symbol != NULL);

  t = g_new0 (TwSimTrade, 1);
  t->id = g_uuid_string_random ();
  t->symbol = g_strdup (symbol);
  t->pnl = pnl;
  t->time_us = g_get_real_time ();
  g_ptr_array_add (firm->trades, t);

  tw_sim_risk_on_trade (firm->risk, t);
}

GPtrArray *
tw_sim_firm_list_trades (TwSimFirm *firm)
{
  GPtrArray *list = g_ptr_array_sized_new (firm->trades->len);

  for (guint i = firm->trades->len; i > 0; i--)
    g_ptr_array_add (list, g_ptr_array_index (firm->trades, i - 1));
  return list;
}

void
tw_sim_firm_clear_trades (TwSimFirm *firm)
{
  g_ptr_array_set_size (firm->trades, 0);
}

TwSimRisk *
tw_sim_firm_get_risk (TwSimFirm *firm)
{
  return firm->risk;
}

/* ---- end of risk controls ---- */

/* ---- Positions and orders (trading simulator) ---- */

TwSimPortfolio *
tw_sim_firm_get_portfolio (TwSimFirm *firm)
{
  if (firm->portfolio == NULL)
    firm->portfolio = tw_sim_portfolio_new (firm);
  return firm->portfolio;
}

/* ---- end of positions and orders ---- */

TwSimFlags *
tw_sim_firm_get_flags (TwSimFirm *firm)
{
  if (firm->flags == NULL)
    firm->flags = tw_sim_flags_new ();
  return firm->flags;
}
