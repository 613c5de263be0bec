/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the trading-action suites share: a risk fixture with a running portfolio, and
 * helpers to wait for rows, run actions and read the simulator's and the audit's logs. */

#include <string.h>

#include "tw-error.h"
#include "tw-flatten.h"
#include "tw-http.h"
#include "tw-portfolio.h"
#include "tw-risk-fixture.h"

#define INTERVAL_MS 300
#define REASON "Incident 42: flattening before the feed outage"

typedef struct
{
  RiskFixture  risk;
  TwPortfolio *portfolio;
} Fixture;

static inline void
fixture_setup (Fixture *f,
               TwMode   mode)
{
  risk_fixture_setup (&f->risk, mode, INTERVAL_MS);
  f->portfolio = tw_portfolio_new (f->risk.workspace);
  tw_portfolio_set_stuck_threshold (f->portfolio, 60);
  tw_portfolio_start (f->portfolio);
}

static inline void
fixture_teardown (Fixture *f)
{
  tw_portfolio_stop (f->portfolio);
  /* A mapping still running in the worker thread holds the portfolio until it is home. */
  tw_test_wait_until (g_atomic_int_get (&G_OBJECT (f->portfolio)->ref_count) == 1, 5000);
  g_assert_finalize_object (g_steal_pointer (&f->portfolio));
  risk_fixture_teardown (&f->risk);
}

static inline gboolean
result_arrived (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static inline void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

typedef struct
{
  TwPortfolio *portfolio;
  const char  *service_id;
  const char  *symbol;
  const char  *order_id;
  guint        n_orders;
} Lookup;

static inline gboolean
check_position (gpointer data)
{
  Lookup *l = data;

  return tw_portfolio_lookup_position (l->portfolio, l->service_id, l->symbol) != NULL;
}

static inline TwPosition *
wait_position (Fixture    *f,
               const char *service_id,
               const char *symbol)
{
  Lookup l = { f->portfolio, service_id, symbol, NULL, 0 };

  if (!risk_wait (check_position, &l, 10000))
    g_error ("No %s position on %s: %s", symbol, service_id,
             tw_portfolio_get_error (f->portfolio, service_id));
  return tw_portfolio_lookup_position (f->portfolio, service_id, symbol);
}

static inline guint
orders_of (TwPortfolio *portfolio,
           const char  *service_id)
{
  GListModel *orders = tw_portfolio_get_orders (portfolio);
  guint n = g_list_model_get_n_items (orders), count = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwOrder) order = g_list_model_get_item (orders, i);

      count += g_strcmp0 (tw_order_get_service_id (order), service_id) == 0;
    }
  return count;
}

static inline gboolean
check_orders (gpointer data)
{
  Lookup *l = data;

  return orders_of (l->portfolio, l->service_id) >= l->n_orders;
}

/* The first order of @service_id matching @pred. */
static inline TwOrder *
find_order (Fixture    *f,
            const char *service_id,
            guint       n_orders,
            gboolean  (*pred) (TwOrder *order))
{
  Lookup l = { f->portfolio, service_id, NULL, NULL, n_orders };
  GListModel *orders = tw_portfolio_get_orders (f->portfolio);
  guint n;

  g_assert_true (risk_wait (check_orders, &l, 10000));
  n = g_list_model_get_n_items (orders);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwOrder) order = g_list_model_get_item (orders, i);

      if (g_strcmp0 (tw_order_get_service_id (order), service_id) == 0 && pred (order))
        return order;   /* the store keeps it */
    }
  g_error ("No matching order on %s", service_id);
  return NULL;
}

static inline TwGuardRequest *
request_for (Fixture    *f,
             const char *action,
             const char *target)
{
  TwGuardRequest *request = tw_action_runner_new_request (f->risk.runner, action, target);

  tw_guard_request_set_reason (request, REASON);
  return request;
}

static inline gboolean
close_position (Fixture     *f,
                TwPosition  *position,
                double       qty,
                double       percentage,
                char       **message,
                GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *target = g_strdup (tw_position_get_key (position));
  g_autoptr(TwGuardRequest) request = request_for (f, "positions.close", target);

  tw_portfolio_close_position_async (f->portfolio, f->risk.runner, request, position, qty,
                                     percentage, NULL, on_result, &result);
  g_assert_true (risk_wait (result_arrived, &result, 10000));
  return tw_portfolio_close_position_finish (f->portfolio, result, message, error);
}

/* The quantity the simulator holds for @symbol, 0 when it has no position. */
static inline double
sim_qty (Fixture    *f,
         const char *symbol)
{
  g_autofree char *path = g_strdup_printf ("/v2/positions/%s", symbol);
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = tw_test_sim_request_full (f->risk.sim, "alpaca", "GET", path, NULL, &status);
  if (status == 404)
    return 0;
  g_assert_cmpuint (status, ==, 200);
  return g_ascii_strtod (json_object_get_string_member (json_node_get_object (answer), "qty"), NULL);
}

/* The audit rows of @action: outcomes in order, e.g. "requested,ok". */
static inline char *
audit_outcomes (Fixture    *f,
                const char *action)
{
  g_autoptr(GPtrArray) rows = risk_audit_rows (&f->risk, action);
  GString *text = g_string_new (NULL);
  static const char * const names[] = { "requested", "ok", "failed", "refused" };

  for (guint i = 0; i < rows->len; i++)
    g_string_append_printf (text, "%s%s", i ? "," : "",
                            names[tw_audit_record_get_outcome (g_ptr_array_index (rows, i))]);
  return g_string_free (text, FALSE);
}

/* "METHOD path" of the changing requests to @flavor, joined by "; ". */
static inline char *
changing_requests (Fixture    *f,
                   const char *flavor)
{
  g_autoptr(GPtrArray) requests = risk_changing_requests (&f->risk, flavor);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < requests->len; i++)
    {
      JsonObject *entry = g_ptr_array_index (requests, i);

      g_string_append_printf (text, "%s%s %s", i ? "; " : "",
                              json_object_get_string_member (entry, "method"),
                              json_object_get_string_member (entry, "path"));
    }
  return g_string_free (text, FALSE);
}

static inline gboolean
flatten (Fixture    *f,
         TwFlatten  *flatten,
         GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tw_flatten_run_async (flatten, NULL, on_result, &result);
  g_assert_true (risk_wait (result_arrived, &result, 15000));
  return tw_flatten_run_finish (flatten, result, error);
}

static inline TwFlattenStep *
step_at (TwFlatten *flatten,
         guint      i)
{
  g_autoptr(TwFlattenStep) step = g_list_model_get_item (tw_flatten_get_steps (flatten), i);

  return step;
}
