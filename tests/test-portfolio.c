/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-error.h"
#include "tw-multistatus.h"
#include "tw-portfolio.h"
#include "tw-portfolio-private.h"
#include "tw-risk-fixture.h"

/* The positions-and-orders monitor over real HTTP against the simulator. */

#define INTERVAL_MS 300

typedef struct
{
  RiskFixture  risk;
  TwPortfolio *portfolio;
  /* items-changed seen on the positions list since counting started */
  guint        changes;
  guint        removed;
  guint        added;
} Fixture;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  f->changes++;
  f->removed += removed;
  f->added += added;
}

static void
fixture_setup (Fixture *f)
{
  risk_fixture_setup (&f->risk, TW_MODE_PAPER, INTERVAL_MS);
  f->portfolio = tw_portfolio_new (f->risk.workspace);
  g_signal_connect (tw_portfolio_get_positions (f->portfolio), "items-changed",
                    G_CALLBACK (on_items_changed), f);
  tw_portfolio_start (f->portfolio);
}

static void
fixture_teardown (Fixture *f)
{
  tw_portfolio_stop (f->portfolio);
  /* Let a mapping still running in the worker thread come home: its task holds the
   * portfolio. */
  tw_test_wait_until (g_atomic_int_get (&G_OBJECT (f->portfolio)->ref_count) == 1, 5000);
  g_signal_handlers_disconnect_by_data (tw_portfolio_get_positions (f->portfolio), f);
  g_assert_finalize_object (g_steal_pointer (&f->portfolio));
  risk_fixture_teardown (&f->risk);
}

static guint
count_of (GListModel *model,
          const char *service_id)
{
  guint n = g_list_model_get_n_items (model), count = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      g_autofree char *id = NULL;

      g_object_get (item, "service-id", &id, NULL);
      count += g_strcmp0 (id, service_id) == 0;
    }
  return count;
}

typedef struct
{
  Fixture    *f;
  const char *service_id;
  guint       positions;
  guint       orders;
  gboolean    account;
} Loaded;

static gboolean
check_loaded (gpointer data)
{
  Loaded *l = data;

  return count_of (tw_portfolio_get_positions (l->f->portfolio), l->service_id) >= l->positions &&
         count_of (tw_portfolio_get_orders (l->f->portfolio), l->service_id) >= l->orders &&
         (!l->account || tw_portfolio_lookup_account (l->f->portfolio, l->service_id) != NULL);
}

typedef struct
{
  const char *service_id;
  GDateTime  *last;
  guint       n;
} Answers;

static void
on_service_changed (TwPortfolio *portfolio,
                    const char  *service_id,
                    Answers     *answers)
{
  GDateTime *updated_at = tw_portfolio_get_updated_at (portfolio, service_id);

  if (g_strcmp0 (service_id, answers->service_id) != 0 || updated_at == NULL)
    return;
  if (answers->last != NULL && g_date_time_equal (updated_at, answers->last))
    return;
  g_clear_pointer (&answers->last, g_date_time_unref);
  answers->last = g_date_time_ref (updated_at);
  answers->n++;
}

/* Waits until every poller of @service_id answered @n more times and the answers were
 * merged (its updated-at moved @n times): the proof that a quiet period passed. */
static void
wait_answers (Fixture    *f,
              const char *service_id,
              guint       n)
{
  GDateTime *updated_at = tw_portfolio_get_updated_at (f->portfolio, service_id);
  Answers answers = { service_id, updated_at != NULL ? g_date_time_ref (updated_at) : NULL, 0 };

  g_signal_connect (f->portfolio, "service-changed", G_CALLBACK (on_service_changed), &answers);
  tw_test_wait_until (answers.n >= n, 10000);
  g_signal_handlers_disconnect_by_data (f->portfolio, &answers);
  g_clear_pointer (&answers.last, g_date_time_unref);
}

static void
wait_loaded (Fixture    *f,
             const char *service_id,
             guint       positions,
             guint       orders,
             gboolean    account)
{
  Loaded l = { f, service_id, positions, orders, account };

  if (!risk_wait (check_loaded, &l, 10000))
    g_error ("%s did not load: %u positions, %u orders, account %p; error: %s", service_id,
             count_of (tw_portfolio_get_positions (f->portfolio), service_id),
             count_of (tw_portfolio_get_orders (f->portfolio), service_id),
             tw_portfolio_lookup_account (f->portfolio, service_id),
             tw_portfolio_get_error (f->portfolio, service_id));
}

static void
test_alpaca (void)
{
  Fixture f = { 0 };
  TwAccount *account;
  TwPosition *aapl, *tsla;

  fixture_setup (&f);
  wait_loaded (&f, "alpaca", 6, 3, TRUE);

  account = tw_portfolio_lookup_account (f.portfolio, "alpaca");
  g_assert_cmpstr (tw_account_get_service_name (account), ==, "Alpaca");
  g_assert_cmpstr (tw_account_get_status (account), ==, "ACTIVE");
  g_assert_cmpfloat (tw_account_get_equity (account), >, 0);
  g_assert_cmpfloat (tw_account_get_last_equity (account), >, 0);
  g_assert_cmpfloat_with_epsilon (tw_account_get_day_pl (account),
                                  tw_account_get_equity (account) - tw_account_get_last_equity (account),
                                  1e-6);
  g_assert_cmpfloat_with_epsilon (tw_account_get_day_pl_percent (account),
                                  tw_account_get_day_pl (account) / tw_account_get_last_equity (account) * 100,
                                  1e-6);
  /* Not in Alpaca's answer: a paper profile on a non-live host is paper. */
  g_assert_true (tw_account_get_paper_known (account));
  g_assert_true (tw_account_get_paper (account));
  g_assert_false (tw_account_is_blocked (account));
  g_assert_nonnull (tw_account_get_updated_at (account));

  /* Decimals arrive as strings; shorts with a negative quantity. */
  aapl = tw_portfolio_lookup_position (f.portfolio, "alpaca", "AAPL");
  g_assert_nonnull (aapl);
  g_assert_cmpstr (tw_position_get_key (aapl), ==, "alpaca:AAPL");
  g_assert_cmpstr (tw_position_get_side (aapl), ==, "long");
  g_assert_cmpfloat (tw_position_get_qty (aapl), ==, 50);
  g_assert_cmpfloat (tw_position_get_current_price (aapl), >, 0);
  g_assert_cmpfloat (tw_position_get_avg_entry_price (aapl), >, 0);
  g_assert_cmpfloat_with_epsilon (tw_position_get_unrealized_pl_percent (aapl),
                                  tw_position_get_unrealized_plpc (aapl) * 100, 1e-9);
  tsla = tw_portfolio_lookup_position (f.portfolio, "alpaca", "TSLA");
  g_assert_nonnull (tsla);
  g_assert_cmpstr (tw_position_get_side (tsla), ==, "short");
  g_assert_cmpfloat (tw_position_get_qty (tsla), ==, -15);
  g_assert_cmpfloat (tw_position_get_market_value (tsla), <, 0);

  g_assert_null (tw_portfolio_get_error (f.portfolio, "alpaca"));
  g_assert_false (tw_portfolio_get_stale (f.portfolio, "alpaca"));
  g_assert_true (tw_portfolio_has_service (f.portfolio, "alpaca"));
  g_assert_false (tw_portfolio_has_service (f.portfolio, "autotrader"));
  g_assert_cmpint (tw_portfolio_get_age_seconds (f.portfolio, "alpaca"), >=, 0);

  fixture_teardown (&f);
}

static void
test_investiq (void)
{
  Fixture f = { 0 };
  TwAccount *account;
  TwPosition *aapl;

  fixture_setup (&f);
  wait_loaded (&f, "investiq", 1, 0, TRUE);

  account = tw_portfolio_lookup_account (f.portfolio, "investiq");
  g_assert_cmpstr (tw_account_get_currency (account), ==, "USD");
  g_assert_cmpfloat (tw_account_get_equity (account), >, 0);
  g_assert_true (tw_account_get_paper (account));   /* mapped from the answer */

  /* Numbers are JSON numbers here; the same model either way. */
  aapl = tw_portfolio_lookup_position (f.portfolio, "investiq", "AAPL");
  g_assert_nonnull (aapl);
  g_assert_cmpfloat (tw_position_get_qty (aapl), >, 0);
  g_assert_cmpstr (tw_position_get_side (aapl), ==, "long");
  g_assert_cmpstr (tw_position_get_service_name (aapl), ==, "InvestIQ");
  /* One list across services: Alpaca's AAPL is another row. */
  wait_loaded (&f, "alpaca", 6, 0, FALSE);
  g_assert_true (tw_portfolio_lookup_position (f.portfolio, "alpaca", "AAPL") != aapl);

  fixture_teardown (&f);
}

static void
test_ibkr_stuck (void)
{
  Fixture f = { 0 };
  guint n, stuck = 0, waiting = 0;

  fixture_setup (&f);
  tw_portfolio_set_stuck_threshold (f.portfolio, 60);
  wait_loaded (&f, "ibkr-assistant", 0, 2, FALSE);
  wait_loaded (&f, "alpaca", 0, 3, FALSE);

  n = g_list_model_get_n_items (tw_portfolio_get_orders (f.portfolio));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwOrder) order = g_list_model_get_item (tw_portfolio_get_orders (f.portfolio), i);

      g_assert_true (tw_order_status_is_pending (tw_order_get_status (order)));
      g_assert_cmpint (tw_order_get_age_seconds (order), >=, 0);
      g_assert_cmpuint (tw_order_get_stuck_threshold (order), ==, 60);
      if (tw_order_get_stuck (order))
        {
          stuck++;
          g_assert_cmpint (tw_order_get_age_seconds (order), >=, 60);
        }
      if (g_strcmp0 (tw_order_get_approval_status (order), "PENDING_APPROVAL") == 0)
        {
          waiting++;
          g_assert_nonnull (tw_order_get_approval_id (order));
          g_assert_cmpstr (tw_order_get_service_id (order), ==, "ibkr-assistant");
        }
    }
  /* Every starting order is at least 2 minutes old: all past 60 s. */
  g_assert_cmpuint (stuck, ==, n);
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpuint (waiting, ==, 1);

  /* The default 5 minutes: Alpaca's accepted order (12 min) and the IBKR one awaiting
   * approval (9 min) only. */
  tw_portfolio_set_stuck_threshold (f.portfolio, 300);
  stuck = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwOrder) order = g_list_model_get_item (tw_portfolio_get_orders (f.portfolio), i);

      if (tw_order_get_stuck (order))
        {
          stuck++;
          g_assert_true (g_strcmp0 (tw_order_get_status (order), "accepted") == 0 ||
                         g_strcmp0 (tw_order_get_approval_status (order), "PENDING_APPROVAL") == 0);
        }
    }
  g_assert_cmpuint (stuck, ==, 2);

  /* A longer threshold: nothing is stuck any more, at once. */
  tw_portfolio_set_stuck_threshold (f.portfolio, 3600);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwOrder) order = g_list_model_get_item (tw_portfolio_get_orders (f.portfolio), i);

      g_assert_false (tw_order_get_stuck (order));
    }

  fixture_teardown (&f);
}

typedef struct
{
  TwPosition *position;
  double      price;
} PriceMoved;

static gboolean
check_price_moved (gpointer data)
{
  PriceMoved *p = data;

  return tw_position_get_current_price (p->position) != p->price;
}

typedef struct
{
  Fixture *f;
  guint    removed;
} Removed;

static gboolean
check_removed (gpointer data)
{
  Removed *r = data;

  return r->f->removed >= r->removed;
}

static void
test_in_place (void)
{
  Fixture f = { 0 };
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonNode) closed = NULL;
  PriceMoved moved;
  Removed removed;
  guint n, status = 0, with_nvda = 0;

  fixture_setup (&f);
  wait_loaded (&f, "alpaca", 6, 0, FALSE);
  wait_loaded (&f, "investiq", 1, 0, FALSE);
  /* Both lists arrived (each one splice) and were answered again, then count from here. */
  wait_answers (&f, "alpaca", 1);
  wait_answers (&f, "investiq", 1);
  n = g_list_model_get_n_items (tw_portfolio_get_positions (f.portfolio));
  for (guint i = 0; i < n; i++)
    {
      TwPosition *position = g_list_model_get_item (tw_portfolio_get_positions (f.portfolio), i);

      /* One firm behind every flavor: InvestIQ may list NVDA too. */
      with_nvda += g_strcmp0 (tw_position_get_symbol (position), "NVDA") == 0;
      g_ptr_array_add (before, position);
    }
  g_assert_cmpuint (with_nvda, >=, 1);
  f.changes = f.removed = f.added = 0;

  /* Prices move every second: the rows see it through notify, not through the list. */
  moved.position = tw_portfolio_lookup_position (f.portfolio, "alpaca", "AAPL");
  moved.price = tw_position_get_current_price (moved.position);
  g_assert_true (risk_wait (check_price_moved, &moved, 10000));
  /* Three more answers of both: still no change to the list. */
  wait_answers (&f, "alpaca", 3);
  wait_answers (&f, "investiq", 3);

  g_assert_cmpuint (f.changes, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (tw_portfolio_get_positions (f.portfolio)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (tw_portfolio_get_positions (f.portfolio), i);

      g_assert_true (item == g_ptr_array_index (before, i));
    }

  /* A position closed elsewhere: exactly its rows go (one splice each), the others stay
   * where they are. */
  closed = tw_test_sim_request_full (f.risk.sim, "alpaca", "DELETE", "/v2/positions/NVDA", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  removed.f = &f;
  removed.removed = with_nvda;
  g_assert_true (risk_wait (check_removed, &removed, 10000));
  /* Two more answers of both: nothing else changed. */
  wait_answers (&f, "alpaca", 2);
  wait_answers (&f, "investiq", 2);
  g_assert_cmpuint (f.changes, ==, with_nvda);
  g_assert_cmpuint (f.removed, ==, with_nvda);
  g_assert_cmpuint (f.added, ==, 0);
  g_assert_null (tw_portfolio_lookup_position (f.portfolio, "alpaca", "NVDA"));
  for (guint i = 0, j = 0; i < n; i++)
    {
      TwPosition *old = g_ptr_array_index (before, i);
      g_autoptr(GObject) item = NULL;

      if (g_strcmp0 (tw_position_get_symbol (old), "NVDA") == 0)
        continue;
      item = g_list_model_get_item (tw_portfolio_get_positions (f.portfolio), j++);
      g_assert_true (item == (GObject *) old);
    }

  fixture_teardown (&f);
}

static void
test_errors (void)
{
  Fixture f = { 0 };
  const char *error;

  fixture_setup (&f);
  wait_loaded (&f, "alpaca", 6, 0, FALSE);
  wait_loaded (&f, "investiq", 1, 0, FALSE);

  tw_test_sim_fault (f.risk.sim, "investiq",
                     "{\"path\":\"/api/broker/positions\",\"kind\":\"status\",\"status\":503}");
  tw_portfolio_refresh (f.portfolio, "investiq");
  for (gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
       tw_portfolio_get_error (f.portfolio, "investiq") == NULL && g_get_monotonic_time () < deadline;)
    g_main_context_iteration (NULL, TRUE);

  error = tw_portfolio_get_error (f.portfolio, "investiq");
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error, "InvestIQ"));
  /* Kept per service; the rows stay (marked stale later), nothing is emptied. */
  g_assert_null (tw_portfolio_get_error (f.portfolio, "alpaca"));
  g_assert_nonnull (tw_portfolio_lookup_position (f.portfolio, "investiq", "AAPL"));

  tw_test_sim_clear_faults (f.risk.sim);
  tw_portfolio_refresh (f.portfolio, "investiq");
  for (gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
       tw_portfolio_get_error (f.portfolio, "investiq") != NULL && g_get_monotonic_time () < deadline;)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (tw_portfolio_get_error (f.portfolio, "investiq"));

  fixture_teardown (&f);
}

static void
test_multistatus (void)
{
  g_autoptr(JsonNode) body = json_from_string (
    "[{\"symbol\":\"AAPL\",\"status\":200,\"body\":{\"id\":\"o-1\",\"status\":\"accepted\"}},"
    " {\"symbol\":\"MSFT\",\"status\":200,\"body\":{\"id\":\"o-2\"}},"
    " {\"symbol\":\"NVDA\",\"status\":200,\"body\":{\"id\":\"o-3\"}},"
    " {\"symbol\":\"SPY\",\"status\":200,\"body\":{\"id\":\"o-4\"}},"
    " {\"symbol\":\"TSLA\",\"status\":403,\"body\":{\"code\":40310000,"
    "   \"message\":\"insufficient qty available for order (requested: 15, available: 0)\"}}]", NULL);
  g_autoptr(JsonNode) orders = json_from_string (
    "[{\"id\":\"a\",\"status\":200,\"body\":null},"
    " {\"id\":\"b\",\"status\":422,\"body\":{\"code\":42210000,\"message\":\"order is not cancelable\"}}]", NULL);
  g_autoptr(JsonNode) bad = json_from_string ("{\"symbol\":\"AAPL\"}", NULL);
  g_autoptr(JsonNode) null_node = json_node_new (JSON_NODE_NULL);
  g_autoptr(TwMultiStatus) status = NULL;
  g_autoptr(TwMultiStatus) cancels = NULL;
  g_autoptr(TwMultiStatus) empty = NULL;
  g_autoptr(TwMultiStatusItem) item = NULL;
  g_autoptr(GPtrArray) failed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *cancel_summary = NULL;
  g_autofree char *known_summary = NULL;
  g_autoptr(TwMultiStatus) known = NULL;
  g_autoptr(TwConnectorRegistry) registry = tw_connector_registry_new ();
  TwConnector *alpaca;

  /* The refusals are explained by the broker's connector ("refusals"). */
  tw_connector_registry_load_default (registry);
  alpaca = tw_connector_registry_lookup (registry, "alpaca");
  g_assert_nonnull (alpaca);

  /* Without a connector, a refusal is the server's own words. */
  status = tw_multi_status_new_from_json (body, "closed", &error);
  g_assert_no_error (error);
  summary = tw_multi_status_dup_summary (status);
  g_assert_cmpstr (summary, ==,
                   "4 of 5 closed; TSLA refused: insufficient qty available for order "
                   "(requested: 15, available: 0)");
  g_clear_pointer (&summary, g_free);
  g_clear_object (&status);

  status = tw_multi_status_new ("closed");
  tw_multi_status_set_connector (status, alpaca);
  g_assert_true (tw_multi_status_parse (status, body, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tw_multi_status_get_n_ok (status), ==, 4);
  g_assert_cmpuint (tw_multi_status_get_n_failed (status), ==, 1);
  summary = tw_multi_status_dup_summary (status);
  g_assert_cmpstr (summary, ==,
                   "4 of 5 closed; TSLA refused: held for orders — open orders hold its quantity; "
                   "cancel them first (insufficient qty available for order (requested: 15, "
                   "available: 0))");
  item = g_list_model_get_item (tw_multi_status_get_items (status), 0);
  g_assert_cmpstr (tw_multi_status_item_get_order_id (item), ==, "o-1");
  g_assert_true (tw_multi_status_item_get_ok (item));
  g_clear_object (&item);
  item = g_list_model_get_item (tw_multi_status_get_items (status), 4);
  g_assert_cmpstr (tw_multi_status_item_get_id (item), ==, "TSLA");
  g_assert_cmpuint (tw_multi_status_item_get_status (item), ==, 403);
  g_assert_nonnull (strstr (tw_multi_status_item_get_message (item), "requested: 15"));
  failed = tw_multi_status_dup_failed_ids (status);
  g_assert_cmpuint (failed->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (failed, 0), ==, "TSLA");

  cancels = tw_multi_status_new ("canceled");
  tw_multi_status_set_connector (cancels, alpaca);
  g_assert_true (tw_multi_status_parse (cancels, orders, &error));
  g_assert_no_error (error);
  cancel_summary = tw_multi_status_dup_summary (cancels);
  /* Not knowing the order, the console does not claim it was filled or canceled. */
  g_assert_cmpstr (cancel_summary, ==,
                   "1 of 2 canceled; b refused: the broker will not cancel it in its current "
                   "state — it may have been filled or canceled, or have a cancel pending "
                   "already (order is not cancelable)");

  /* Knowing it (the portfolio had it): named as a person reads it, and its state explains
   * the refusal; "a" was not known, so it keeps its id. */
  known = tw_multi_status_new ("canceled");
  tw_multi_status_set_connector (known, alpaca);
  tw_multi_status_know (known, "b", "sell 5 TSLA stop (order b)", "held");
  g_assert_true (tw_multi_status_parse (known, orders, &error));
  g_assert_no_error (error);
  known_summary = tw_multi_status_dup_summary (known);
  g_assert_cmpstr (known_summary, ==,
                   "1 of 2 canceled; sell 5 TSLA stop (order b) refused: the broker is holding "
                   "this order (status “held”) and will not cancel it now — check it in the "
                   "broker's own dashboard (order is not cancelable)");
  g_clear_object (&item);
  item = g_list_model_get_item (tw_multi_status_get_items (known), 0);
  g_assert_cmpstr (tw_multi_status_item_get_label (item), ==, "a");
  g_clear_object (&item);
  item = g_list_model_get_item (tw_multi_status_get_items (known), 1);
  g_assert_cmpstr (tw_multi_status_item_get_id (item), ==, "b");
  g_assert_cmpstr (tw_multi_status_item_get_label (item), ==, "sell 5 TSLA stop (order b)");
  g_assert_cmpstr (tw_multi_status_item_get_state (item), ==, "held");

  /* An order the console had not seen yet: by its short id, not the whole UUID. */
  {
    g_autoptr(JsonNode) one = json_from_string (
      "[{\"id\":\"1370f5c9-927b-4770-96c7-3367f2e6f122\",\"status\":422,"
      "  \"body\":{\"code\":42210000,\"message\":\"order is not cancelable\"}}]", NULL);
    g_autoptr(TwMultiStatus) unseen = tw_multi_status_new ("canceled");
    g_auto(GStrv) lines = NULL;

    tw_multi_status_set_entry_noun (unseen, "order");
    tw_multi_status_set_connector (unseen, alpaca);
    g_assert_true (tw_multi_status_parse (unseen, one, &error));
    lines = tw_multi_status_dup_lines (unseen);
    g_assert_cmpuint (g_strv_length (lines), ==, 2);
    g_assert_cmpstr (lines[0], ==, "Not all canceled: 0 of 1 canceled");
    g_assert_true (g_str_has_prefix (lines[1], "order 1370f5c9 refused: the broker will not cancel it"));
  }

  /* A long id is cut to 8 bytes without cutting a character in two (found by
   * fuzz-multistatus: an emoji cut in half made a label that is not UTF-8). */
  {
    g_autofree char *cut = tw_multi_status_dup_short_id ("d7524\U0001F600bb3ce0cd0f-a1a8-6221c16b31f");
    g_autofree char *whole = tw_multi_status_dup_short_id ("d7524\U0001F600");

    g_assert_cmpstr (cut, ==, "d7524");
    g_assert_cmpstr (whole, ==, "d7524\U0001F600");
  }

  /* Alpaca's other reasons for a 422 on cancel, each said as what it is. */
  {
    static const struct { const char *state; const char *reason; } reasons[] = {
      { "pending_cancel", "a cancel is already pending at the broker — wait for it (order is not cancelable)" },
      { "pending_replace", "the order is being replaced and the broker refuses cancels until the "
                           "replacement is done — try again in a moment (order is not cancelable)" },
      { "filled", "already filled (order is not cancelable)" },
      { "canceled", "already canceled (order is not cancelable)" },
      { "new", "the broker will not cancel it in its current state (it was “new” at the last "
               "refresh: it may have been filled or canceled since) (order is not cancelable)" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
      {
        g_autofree char *reason = tw_multi_status_explain (alpaca, 422, "order is not cancelable",
                                                           reasons[i].state);

        g_assert_cmpstr (reason, ==, reasons[i].reason);
      }
  }

  empty = tw_multi_status_new_from_json (null_node, "closed", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tw_multi_status_get_n_ok (empty), ==, 0);

  g_assert_null (tw_multi_status_new_from_json (bad, "closed", &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* GET requests of @flavor on @path that reached the simulator since the last clear. */
static guint
count_gets (Fixture    *f,
            const char *flavor,
            const char *path)
{
  g_autoptr(JsonNode) log = tw_test_sim_requests (f->risk.sim);
  JsonArray *array = json_node_get_array (log);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);

      n += g_strcmp0 (json_object_get_string_member (entry, "flavor"), flavor) == 0
           && g_strcmp0 (json_object_get_string_member (entry, "method"), "GET") == 0
           && g_strcmp0 (json_object_get_string_member (entry, "path"), path) == 0;
    }
  return n;
}

/* No view: the background interval; a view held: the workspace's, at once. */
static void
test_background (void)
{
  Fixture f = { 0 };
  guint n;

  fixture_setup (&f);
  g_assert_cmpuint (tw_portfolio_get_poll_interval (f.portfolio), ==, INTERVAL_MS);
  wait_loaded (&f, "alpaca", 6, 0, FALSE);

  tw_portfolio_set_background_interval (f.portfolio, 60000);
  g_assert_cmpuint (tw_portfolio_get_background_interval (f.portfolio), ==, 60000);
  g_assert_cmpuint (tw_portfolio_get_poll_interval (f.portfolio), ==, 60000);
  /* The risk monitor polls Alpaca's account (not its positions) every INTERVAL_MS: its
   * answers are the clock that shows the positions are not polled. */
  tw_risk_monitor_start (f.risk.monitor);
  /* What was in flight comes home, then nothing is polled for five intervals. */
  g_assert_true (risk_wait_answers (&f.risk, "alpaca", 2, 10000));
  risk_clear_requests (&f.risk);
  g_assert_true (risk_wait_answers (&f.risk, "alpaca", 5, 10000));
  g_assert_cmpuint (count_gets (&f, "alpaca", "/v2/positions"), ==, 0);

  tw_portfolio_hold_view (f.portfolio);
  tw_portfolio_hold_view (f.portfolio);
  g_assert_cmpuint (tw_portfolio_get_poll_interval (f.portfolio), ==, INTERVAL_MS);
  /* Two polls within 10 s: at the background interval the second would be a minute off. */
  tw_test_wait_until (count_gets (&f, "alpaca", "/v2/positions") >= 2, 10000);
  n = count_gets (&f, "alpaca", "/v2/positions");
  g_test_message ("%u polls of the positions with a view", n);

  /* Held twice, released once: still in view. */
  tw_portfolio_release_view (f.portfolio);
  g_assert_cmpuint (tw_portfolio_get_poll_interval (f.portfolio), ==, INTERVAL_MS);
  tw_portfolio_release_view (f.portfolio);
  g_assert_cmpuint (tw_portfolio_get_poll_interval (f.portfolio), ==, 60000);
  g_assert_true (risk_wait_answers (&f.risk, "alpaca", 2, 10000));
  risk_clear_requests (&f.risk);
  g_assert_true (risk_wait_answers (&f.risk, "alpaca", 5, 10000));
  g_assert_cmpuint (count_gets (&f, "alpaca", "/v2/positions"), ==, 0);

  fixture_teardown (&f);
}

static void
test_models (void)
{
  g_autoptr(TwPosition) a = tw_position_new ("alpaca", "AAPL");
  g_autoptr(TwPosition) b = tw_position_new ("alpaca", "AAPL");
  g_autoptr(TwOrder) order = tw_order_new ("alpaca", "o-1");
  g_autoptr(GDateTime) created = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (created, 400);
  guint notifies = 0;
  gulong id;

  g_object_set (a, "qty", 10.0, "current-price", 100.0, "unrealized-plpc", 0.05, NULL);
  g_object_set (b, "qty", 10.0, "current-price", 101.0, "unrealized-plpc", 0.05, NULL);
  id = g_signal_connect (a, "notify::current-price", G_CALLBACK (count_notify), &notifies);
  tw_position_update_from (a, b);
  g_assert_cmpuint (notifies, ==, 1);
  tw_position_update_from (a, b);
  g_assert_cmpuint (notifies, ==, 1);   /* no change, no notify */
  g_signal_handler_disconnect (a, id);
  g_assert_cmpfloat (tw_position_get_unrealized_pl_percent (a), ==, 5.0);

  g_object_set (order, "status", "accepted", "created-at", created, NULL);
  tw_order_update_age (order, later);
  g_assert_cmpint (tw_order_get_age_seconds (order), ==, 400);
  g_assert_true (tw_order_get_stuck (order));   /* default threshold 300 s */
  g_object_set (order, "status", "filled", NULL);
  g_assert_false (tw_order_get_stuck (order));
  g_assert_cmpstr (tw_order_get_key (order), ==, "alpaca:o-1");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/portfolio/models", test_models);
  g_test_add_func ("/tw/core/portfolio/multistatus", test_multistatus);
  g_test_add_func ("/tw/core/portfolio/alpaca", test_alpaca);
  g_test_add_func ("/tw/core/portfolio/investiq", test_investiq);
  g_test_add_func ("/tw/core/portfolio/stuck", test_ibkr_stuck);
  g_test_add_func ("/tw/core/portfolio/in-place", test_in_place);
  g_test_add_func ("/tw/core/portfolio/errors", test_errors);
  g_test_add_func ("/tw/core/portfolio/background", test_background);

  return g_test_run ();
}
