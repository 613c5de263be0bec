/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "tw-account.h"
#include "tw-breaker.h"
#include "tw-connector-registry.h"
#include "tw-connector.h"
#include "tw-error.h"
#include "tw-json.h"
#include "tw-order.h"
#include "tw-position.h"
#include "tw-trading-state.h"
#include "tw-test-util.h"

/* The shipped connectors' risk and trading operations against the simulator over real
 * HTTP: each request built by the connector alone (path, query, body, auth headers),
 * each answer read by its rules. This is what proves the connector files match the
 * wire contracts; the rules themselves are tested in test-connector-risk.c. */

typedef struct
{
  TwSimThread         *sim;
  SoupSession         *session;
  TwConnectorRegistry *registry;
} Fixture;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fx->sim = tw_test_sim_start ();
  fx->session = soup_session_new ();
  fx->registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (fx->registry);
  g_assert_cmpuint (tw_connector_registry_get_problems (fx->registry)->len, ==, 0);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_object (&fx->registry);
  g_clear_object (&fx->session);
  tw_sim_thread_stop (fx->sim);
}

static char *
sim_secret (const char  *name,
            gpointer     user_data,
            GError     **error)
{
  TwSimThread *sim = user_data;
  const char *credential = NULL;

  if (g_str_equal (name, "api_key"))
    credential = "api_key";
  else if (g_str_equal (name, "live_trading_key"))
    credential = "live_trading_key";
  else if (g_str_equal (name, "key_id"))
    credential = "alpaca_key_id";
  else if (g_str_equal (name, "secret_key"))
    credential = "alpaca_secret";

  if (credential == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_SECRET, "no test credential for \"%s\"", name);
      return NULL;
    }
  return g_strdup (tw_sim_thread_get_credential (sim, credential));
}

/* Calls @operation of connector @id (the sim's flavor of the same name) with @vars
 * ("a=1|b=2"); returns the parsed answer (NULL when empty) and its status. */
static JsonNode *
call (Fixture    *fx,
      const char *id,
      const char *operation,
      const char *var_spec,
      guint      *status)
{
  TwConnector *connector = tw_connector_registry_lookup (fx->registry, id);
  const TwOperation *op = tw_connector_get_operation (connector, operation);
  g_autoptr(GHashTable) vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) headers = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  GHashTableIter iter;
  gpointer name, value;

  if (op == NULL)
    g_error ("%s has no operation %s", id, operation);

  if (var_spec != NULL)
    {
      g_auto(GStrv) pairs = g_strsplit (var_spec, "|", -1);

      for (guint i = 0; pairs[i] != NULL; i++)
        {
          const char *eq = strchr (pairs[i], '=');

          g_hash_table_insert (vars, g_strndup (pairs[i], eq - pairs[i]), g_strdup (eq + 1));
        }
    }

  path = tw_operation_expand_path (op, vars, &error);
  g_assert_no_error (error);
  body = tw_operation_expand_body (op, vars, &error);
  g_assert_no_error (error);
  headers = tw_operation_expand_headers (op, vars, sim_secret, fx->sim, &error);
  g_assert_no_error (error);

  url = g_strconcat (tw_sim_thread_get_url (fx->sim, id), path, NULL);
  msg = soup_message_new (tw_operation_get_method (op), url);
  g_hash_table_iter_init (&iter, headers);
  while (g_hash_table_iter_next (&iter, &name, &value))
    soup_message_headers_replace (soup_message_get_request_headers (msg), name, value);
  if (body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", request);
    }

  bytes = soup_session_send_and_read (fx->session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  g_test_message ("%s %s -> %u %.*s", tw_operation_get_method (op), path, *status,
                  (int) MIN (g_bytes_get_size (bytes), 300), (const char *) g_bytes_get_data (bytes, NULL));
  if (g_bytes_get_size (bytes) == 0)
    return NULL;

  {
    /* The body is not nul-terminated: parsed by its length. */
    JsonNode *node = tw_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);

    g_assert_no_error (error);
    return node;
  }
}

static JsonNode *
call_ok (Fixture    *fx,
         const char *id,
         const char *operation,
         const char *vars)
{
  guint status = 0;
  JsonNode *node = call (fx, id, operation, vars, &status);

  if (status < 200 || status > 299)
    g_error ("%s %s answered %u", id, operation, status);
  return node;
}

/* Requests the simulator's @flavor got for METHOD PATH (and QUERY when not NULL). */
static guint
count_sim_requests (Fixture    *fx,
                    const char *flavor,
                    const char *method,
                    const char *path,
                    const char *query)
{
  g_autoptr(JsonNode) log = tw_test_sim_requests (fx->sim);
  JsonArray *array = json_node_get_array (log);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (entry, "flavor"), flavor) == 0
          && g_strcmp0 (json_object_get_string_member (entry, "method"), method) == 0
          && g_strcmp0 (json_object_get_string_member (entry, "path"), path) == 0
          && (query == NULL || g_strcmp0 (json_object_get_string_member (entry, "query"), query) == 0))
        n++;
    }
  return n;
}

/* Polls "trading.status" onto @state as the risk monitor would. */
static TwTradingMode
read_state (Fixture        *fx,
            const char     *id,
            TwTradingState *state)
{
  const TwOperation *op = tw_connector_get_operation (tw_connector_registry_lookup (fx->registry, id),
                                                      "trading.status");
  g_autoptr(JsonNode) root = call_ok (fx, id, "trading.status", NULL);
  g_autoptr(GError) error = NULL;
  TwTradingMode mode;

  g_assert_true (tw_operation_map_object (op, tw_operation_select (op, root, NULL), G_OBJECT (state), &error));
  g_assert_no_error (error);
  mode = tw_operation_eval_trading (op, root);
  g_object_set (state, "mode", mode, NULL);
  return mode;
}

/* Halt and resume, every halting flavor */

static void
test_halt_resume (Fixture       *fx,
                  gconstpointer  data)
{
  /* Not ai-trading: its runbook (001) has no way to read its state back, nor to resume. */
  static const char * const ids[] = { "investiq", "ibkr-assistant", "alpaca" };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(TwTradingState) state = tw_trading_state_new (ids[i], ids[i]);
      g_autoptr(JsonNode) halted = NULL;
      g_autoptr(JsonNode) resumed = NULL;
      const TwOperation *halt = tw_connector_get_operation (tw_connector_registry_lookup (fx->registry, ids[i]),
                                                            "trading.halt");

      g_test_message ("flavor %s", ids[i]);
      g_assert_cmpint (read_state (fx, ids[i], state), ==, TW_TRADING_ACTIVE);
      g_assert_false (tw_trading_state_is_halted (state));

      halted = call_ok (fx, ids[i], "trading.halt", "reason=Halted from Trade Warden by tester|actor=tester");
      /* The halt's own answer says halted. */
      g_assert_cmpint (tw_operation_eval_trading (halt, halted), ==, TW_TRADING_HALTED);
      g_assert_cmpint (read_state (fx, ids[i], state), ==, TW_TRADING_HALTED);
      g_assert_true (tw_trading_state_is_halted (state));
      if (!g_str_equal (ids[i], "alpaca"))
        {
          g_assert_cmpstr (tw_trading_state_get_reason (state), ==, "Halted from Trade Warden by tester");
          /* InvestIQ's halt takes only {halt, reason} (000): the reason names the operator. */
          g_assert_cmpstr (tw_trading_state_get_by (state), ==,
                           g_str_equal (ids[i], "investiq") ? NULL : "tester");
          g_assert_nonnull (tw_trading_state_get_since (state));
        }
      if (g_str_equal (ids[i], "ibkr-assistant"))
        g_assert_true (tw_trading_state_get_kill_switch_active (state));

      resumed = call_ok (fx, ids[i], "trading.resume", "reason=Root cause fixed and verified|actor=tester");
      g_assert_cmpint (read_state (fx, ids[i], state), ==, TW_TRADING_ACTIVE);
      g_assert_false (tw_trading_state_is_halted (state));
      if (g_str_equal (ids[i], "investiq") || g_str_equal (ids[i], "ibkr-assistant"))
        g_assert_null (tw_trading_state_get_reason (state));
    }

  /* The IBKR assistant's own names for the same switch. */
  {
    g_autoptr(TwTradingState) state = tw_trading_state_new ("ib", "IBKR");
    g_autoptr(JsonNode) on = call_ok (fx, "ibkr-assistant", "killswitch.activate", "reason=Runaway orders|actor=alice");
    g_autoptr(JsonNode) off = NULL;

    g_assert_cmpint (read_state (fx, "ibkr-assistant", state), ==, TW_TRADING_HALTED);
    g_assert_cmpstr (tw_trading_state_get_by (state), ==, "alice");
    off = call_ok (fx, "ibkr-assistant", "killswitch.deactivate", "reason=Orders reconciled|actor=alice");
    g_assert_cmpint (read_state (fx, "ibkr-assistant", state), ==, TW_TRADING_ACTIVE);
  }

  /* AI trading: disable and emergency stop answer, and nothing reads the state back. */
  {
    TwConnector *ai = tw_connector_registry_lookup (fx->registry, "ai-trading");
    g_autoptr(JsonNode) halted = call_ok (fx, "ai-trading", "trading.halt", "reason=x|actor=y");
    g_autoptr(JsonNode) stop = call_ok (fx, "ai-trading", "trading.emergency_stop", "reason=x|actor=y");

    g_assert_false (tw_connector_has_operation (ai, "trading.status"));
    g_assert_false (tw_connector_has_operation (ai, "trading.resume"));
    g_assert_cmpint (tw_operation_eval_trading (tw_connector_get_operation (ai, "trading.halt"), halted),
                     ==, TW_TRADING_UNKNOWN);
  }
}

/* InvestIQ: the losing streak trips the breaker and halts; parameters */

static void
test_investiq_breakers (Fixture       *fx,
                        gconstpointer  data)
{
  const TwOperation *op = tw_connector_get_operation (tw_connector_registry_lookup (fx->registry, "investiq"),
                                                      "trading.status");
  g_autoptr(TwTradingState) state = tw_trading_state_new ("iq", "InvestIQ");
  g_autoptr(GPtrArray) breakers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) params = NULL;
  g_autoptr(JsonNode) set = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  tw_test_sim_scenario (fx->sim, "{\"name\":\"losing-streak\"}");
  g_assert_cmpint (read_state (fx, "investiq", state), ==, TW_TRADING_HALTED);
  g_assert_cmpstr (tw_trading_state_get_reason (state), ==, "3 consecutive losses");
  g_assert_cmpstr (tw_trading_state_get_by (state), ==, "circuit_breaker");

  root = call_ok (fx, "investiq", "trading.status", NULL);
  g_assert_true (tw_operation_map_breakers (op, root, breakers, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (breakers->len, ==, 3);
  g_assert_cmpstr (tw_breaker_get_id (g_ptr_array_index (breakers, 0)), ==, "consecutive_losses");
  g_assert_cmpint (tw_breaker_get_state (g_ptr_array_index (breakers, 0)), ==, TW_BREAKER_OPEN);
  g_assert_cmpfloat (tw_breaker_get_limit (g_ptr_array_index (breakers, 0)), ==, 3);
  g_assert_cmpfloat (tw_breaker_get_limit (g_ptr_array_index (breakers, 1)), ==, 5);
  g_assert_cmpfloat (tw_breaker_get_limit (g_ptr_array_index (breakers, 2)), ==, 10);

  params = call_ok (fx, "investiq", "risk.parameters.get", NULL);
  g_assert_cmpfloat (json_object_get_double_member (json_node_get_object (params), "daily_loss_limit_percent"), ==, 5.0);
  set = call_ok (fx, "investiq", "risk.parameters.set",
                 "max_position_size=0.05|max_consecutive_losses=4|daily_loss_limit_percent=4.5|"
                 "account_drawdown_limit_percent=10|stop_loss_percent=2");
  g_assert_cmpfloat (json_object_get_double_member (json_node_get_object (set), "daily_loss_limit_percent"), ==, 4.5);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (set), "max_consecutive_losses"), ==, 4);

  /* Out of range: the service's own refusal. */
  json_node_unref (call (fx, "investiq", "risk.parameters.set",
                         "max_position_size=0.1|max_consecutive_losses=3|daily_loss_limit_percent=150|"
                         "account_drawdown_limit_percent=10|stop_loss_percent=2", &status));
  g_assert_cmpuint (status, ==, 400);
}

/* Autotrader: a source outage opens its breaker; reset closes it */

static gboolean
find_state (GPtrArray      *breakers,
            const char     *id,
            TwBreakerState *state)
{
  for (guint i = 0; i < breakers->len; i++)
    {
      TwBreaker *b = g_ptr_array_index (breakers, i);

      if (g_strcmp0 (tw_breaker_get_id (b), id) == 0)
        {
          *state = tw_breaker_get_state (b);
          return TRUE;
        }
    }
  return FALSE;
}

static TwBreakerState
coingecko_state (Fixture *fx)
{
  const TwOperation *op = tw_connector_get_operation (tw_connector_registry_lookup (fx->registry, "autotrader"),
                                                      "breakers.list");
  g_autoptr(JsonNode) root = call_ok (fx, "autotrader", "breakers.list", NULL);
  g_autoptr(GPtrArray) breakers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  TwBreakerState state = TW_BREAKER_UNKNOWN;

  g_assert_true (tw_operation_map_breakers (op, root, breakers, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (breakers->len, ==, 4);
  /* reset by hand, as 004 does: the call to copy, no reset over HTTP */
  for (guint i = 0; i < breakers->len; i++)
    {
      g_assert_false (tw_breaker_get_can_reset (g_ptr_array_index (breakers, i)));
      g_assert_nonnull (tw_breaker_get_reset_instruction (g_ptr_array_index (breakers, i)));
    }
  g_assert_true (find_state (breakers, "coingecko_api", &state));
  return state;
}

static void
test_autotrader_breakers (Fixture       *fx,
                          gconstpointer  data)
{
  gint64 deadline;

  g_assert_cmpint (coingecko_state (fx), ==, TW_BREAKER_CLOSED);
  tw_test_sim_scenario (fx->sim, "{\"name\":\"source-outage\",\"source\":\"coingecko_api\",\"recovery_timeout\":30}");

  deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (coingecko_state (fx) != TW_BREAKER_OPEN)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (200 * 1000);
    }

  /* the operator runs the runbook's CIRCUIT_REGISTRY…reset() on the service's host */
  tw_test_sim_scenario (fx->sim, "{\"name\":\"source-recover\",\"source\":\"coingecko_api\"}");
  tw_test_sim_scenario (fx->sim, "{\"name\":\"source-reset\",\"source\":\"coingecko_api\"}");
  g_assert_cmpint (coingecko_state (fx), ==, TW_BREAKER_CLOSED);
}

/* Positions and orders: the sim's own bodies through the maps */

static void
test_trading_lists (Fixture       *fx,
                    gconstpointer  data)
{
  static const struct
  {
    const char *id;
    const char *operation;
    const char *type_name;
  } lists[] = {
    { "alpaca", "positions.list", "TwPosition" },
    { "alpaca", "orders.list", "TwOrder" },
    { "investiq", "positions.list", "TwPosition" },
    { "ibkr-assistant", "orders.list", "TwOrder" },
  };
  static const char * const accounts[] = { "alpaca", "investiq" };

  g_type_ensure (TW_TYPE_POSITION);
  g_type_ensure (TW_TYPE_ORDER);

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      const TwOperation *op = tw_connector_get_operation (tw_connector_registry_lookup (fx->registry, lists[i].id),
                                                          lists[i].operation);
      g_autoptr(JsonNode) root = call_ok (fx, lists[i].id, lists[i].operation, NULL);
      g_autoptr(GPtrArray) items = NULL;
      g_autoptr(GError) error = NULL;

      items = tw_operation_map_list (op, root, g_type_from_name (lists[i].type_name), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (items->len, >=, 1);
      for (guint j = 0; j < items->len; j++)
        {
          GObject *item = g_ptr_array_index (items, j);

          if (TW_IS_POSITION (item))
            {
              g_assert_nonnull (tw_position_get_symbol (TW_POSITION (item)));
              g_assert_cmpfloat (tw_position_get_qty (TW_POSITION (item)), !=, 0);
              g_assert_cmpfloat (tw_position_get_current_price (TW_POSITION (item)), >, 0);
            }
          else
            {
              g_assert_nonnull (tw_order_get_id (TW_ORDER (item)));
              g_assert_nonnull (tw_order_get_symbol (TW_ORDER (item)));
              g_assert_cmpfloat (tw_order_get_qty (TW_ORDER (item)), >, 0);
              g_assert_nonnull (tw_order_get_created_at (TW_ORDER (item)));
            }
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      const TwOperation *op = tw_connector_get_operation (tw_connector_registry_lookup (fx->registry, accounts[i]),
                                                          "account.get");
      g_autoptr(JsonNode) root = call_ok (fx, accounts[i], "account.get", NULL);
      g_autoptr(TwAccount) account = tw_account_new (accounts[i]);
      g_autoptr(GError) error = NULL;

      g_assert_true (tw_operation_map_object (op, tw_operation_select (op, root, NULL), G_OBJECT (account), &error));
      g_assert_no_error (error);
      g_assert_cmpfloat (tw_account_get_equity (account), >, 0);
      g_assert_cmpstr (tw_account_get_status (account), ==, "ACTIVE");
    }

  /* Alpaca's halt shows in the account too. */
  {
    g_autoptr(JsonNode) halted = call_ok (fx, "alpaca", "trading.halt", "reason=x|actor=y");
    g_autoptr(JsonNode) root = call_ok (fx, "alpaca", "account.get", NULL);
    const TwOperation *op = tw_connector_get_operation (tw_connector_registry_lookup (fx->registry, "alpaca"),
                                                        "account.get");
    g_autoptr(TwAccount) account = tw_account_new ("alpaca");

    g_assert_true (tw_operation_map_object (op, root, G_OBJECT (account), NULL));
    g_assert_true (tw_account_get_trade_suspended_by_user (account));
  }
}

/* The operations nothing in the console polls yet (clock.get, config.get, trades.list,
 * orders.get, approvals.status), each sent over HTTP and read by its rules. */

static GDateTime *
parse_time (JsonObject *obj,
            const char *member)
{
  const char *text = json_object_get_string_member (obj, member);
  GDateTime *time;

  g_assert_nonnull (text);
  time = g_date_time_new_from_iso8601 (text, NULL);
  if (time == NULL)
    g_error ("%s “%s” is not RFC 3339", member, text);
  return time;
}

static void
test_alpaca_clock_config (Fixture       *fx,
                          gconstpointer  data)
{
  const TwOperation *config_op = tw_connector_get_operation (tw_connector_registry_lookup (fx->registry, "alpaca"),
                                                             "config.get");
  g_autoptr(JsonNode) clock = call_ok (fx, "alpaca", "clock.get", NULL);
  g_autoptr(JsonNode) config = NULL;
  g_autoptr(JsonNode) halted = NULL;
  g_autoptr(JsonNode) config_halted = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) next_open = NULL;
  g_autoptr(GDateTime) next_close = NULL;
  g_autoptr(GDateTime) wall = g_date_time_new_now_utc ();
  JsonObject *obj;

  /* GET /v2/clock: {timestamp, is_open, next_open, next_close} */
  obj = json_node_get_object (clock);
  now = parse_time (obj, "timestamp");
  next_open = parse_time (obj, "next_open");
  next_close = parse_time (obj, "next_close");
  g_assert_true (JSON_NODE_HOLDS_VALUE (json_object_get_member (obj, "is_open")));
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (obj, "is_open")), ==, G_TYPE_BOOLEAN);
  g_assert_cmpint (ABS (g_date_time_difference (now, wall)), <, 120 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (g_date_time_compare (next_close, now), >, 0);
  g_assert_cmpint (g_date_time_compare (next_open, now), >, 0);
  /* Open now: the close comes before the next open; closed: the open comes first. */
  g_assert_cmpint (g_date_time_compare (next_close, next_open), ==,
                   json_object_get_boolean_member (obj, "is_open") ? -1 : 1);

  /* GET /v2/account/configurations: the documented settings, margin multiplier a string;
   * its "trading" rule reads suspend_trade. */
  config = call_ok (fx, "alpaca", "config.get", NULL);
  obj = json_node_get_object (config);
  g_assert_false (json_object_get_boolean_member (obj, "suspend_trade"));
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (obj, "no_shorting")), ==, G_TYPE_BOOLEAN);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (obj, "fractional_trading")), ==, G_TYPE_BOOLEAN);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (obj, "max_margin_multiplier")), ==, G_TYPE_STRING);
  g_assert_nonnull (json_object_get_string_member (obj, "trade_confirm_email"));
  g_assert_cmpint (tw_operation_eval_trading (config_op, config), ==, TW_TRADING_ACTIVE);

  halted = call_ok (fx, "alpaca", "trading.halt", "reason=clock test|actor=tester");
  config_halted = call_ok (fx, "alpaca", "config.get", NULL);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (config_halted), "suspend_trade"));
  g_assert_cmpint (tw_operation_eval_trading (config_op, config_halted), ==, TW_TRADING_HALTED);

  /* Each went out as the connector says, with Alpaca's key headers (or it would be 401). */
  g_assert_cmpuint (count_sim_requests (fx, "alpaca", "GET", "/v2/clock", NULL), ==, 1);
  g_assert_cmpuint (count_sim_requests (fx, "alpaca", "GET", "/v2/account/configurations", NULL), ==, 2);
}

static void
test_investiq_trades (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(JsonNode) before = call_ok (fx, "investiq", "trades.list", "days=7");
  g_autoptr(JsonNode) after = NULL;
  g_autoptr(JsonNode) bad = NULL;
  JsonArray *trades;
  JsonObject *newest = NULL;
  guint status = 0;
  guint n_before = json_array_get_length (json_node_get_array (before));

  tw_test_sim_scenario (fx->sim, "{\"name\":\"trade\",\"pnl\":-250.0,\"symbol\":\"SPY\"}");
  after = call_ok (fx, "investiq", "trades.list", "days=7");
  trades = json_node_get_array (after);
  g_assert_cmpuint (json_array_get_length (trades), ==, n_before + 1);
  for (guint i = 0; i < json_array_get_length (trades); i++)
    {
      JsonObject *t = json_array_get_object_element (trades, i);

      g_assert_nonnull (json_object_get_string_member (t, "id"));   /* the list's key */
      if (g_strcmp0 (json_object_get_string_member (t, "symbol"), "SPY") == 0)
        newest = t;
    }
  g_assert_nonnull (newest);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (newest, "pnl"), -250.0, 0.001);

  /* ?days= went on the wire from the connector's "query"; a bad value is InvestIQ's 400. */
  g_assert_cmpuint (count_sim_requests (fx, "investiq", "GET", "/api/portfolio/trades", "days=7"), ==, 2);
  bad = call (fx, "investiq", "trades.list", "days=0", &status);
  g_assert_cmpuint (status, ==, 400);
}

static void
test_ibkr_order_approval (Fixture       *fx,
                          gconstpointer  data)
{
  TwConnector *connector = tw_connector_registry_lookup (fx->registry, "ibkr-assistant");
  const TwOperation *list_op = tw_connector_get_operation (connector, "orders.list");
  const TwOperation *get_op = tw_connector_get_operation (connector, "orders.get");
  const TwOperation *approval_op = tw_connector_get_operation (connector, "approvals.status");
  g_autoptr(JsonNode) root = call_ok (fx, "ibkr-assistant", "orders.list", NULL);
  g_autoptr(GPtrArray) orders = NULL;
  g_autoptr(GError) error = NULL;
  TwOrder *with_approval = NULL;
  guint status = 0;

  g_type_ensure (TW_TYPE_ORDER);
  orders = tw_operation_map_list (list_op, root, TW_TYPE_ORDER, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < orders->len && with_approval == NULL; i++)
    if (tw_order_get_approval_id (g_ptr_array_index (orders, i)) != NULL)
      with_approval = g_ptr_array_index (orders, i);
  g_assert_nonnull (with_approval);

  /* GET /api/v1/orders/{id}: the same order, mapped by orders.get */
  {
    g_autofree char *vars = g_strdup_printf ("id=%s", tw_order_get_id (with_approval));
    g_autoptr(JsonNode) one = call_ok (fx, "ibkr-assistant", "orders.get", vars);
    g_autoptr(TwOrder) order = g_object_new (TW_TYPE_ORDER, NULL);
    g_autoptr(JsonNode) missing = NULL;

    g_assert_true (tw_operation_map_object (get_op, tw_operation_select (get_op, one, NULL),
                                            G_OBJECT (order), &error));
    g_assert_no_error (error);
    g_assert_cmpstr (tw_order_get_id (order), ==, tw_order_get_id (with_approval));
    g_assert_cmpstr (tw_order_get_symbol (order), ==, tw_order_get_symbol (with_approval));
    g_assert_cmpstr (tw_order_get_status (order), ==, "PENDING");
    g_assert_cmpfloat (tw_order_get_qty (order), ==, tw_order_get_qty (with_approval));
    g_assert_cmpstr (tw_order_get_approval_id (order), ==, tw_order_get_approval_id (with_approval));
    g_assert_cmpstr (tw_order_get_approval_status (order), ==, "PENDING_APPROVAL");

    missing = call (fx, "ibkr-assistant", "orders.get", "id=no-such-order", &status);
    g_assert_cmpuint (status, ==, 404);
    g_assert_nonnull (json_object_get_string_member (json_node_get_object (missing), "detail"));
  }

  /* GET /api/v1/approvals/{id}/status, keyed by the order's id (003): mapped onto the
   * order's approval fields */
  g_assert_cmpstr (tw_order_get_approval_id (with_approval), ==, tw_order_get_id (with_approval));
  {
    g_autofree char *vars = g_strdup_printf ("id=%s", tw_order_get_approval_id (with_approval));
    g_autoptr(JsonNode) answer = call_ok (fx, "ibkr-assistant", "approvals.status", vars);
    g_autoptr(TwOrder) order = g_object_new (TW_TYPE_ORDER, NULL);
    g_autoptr(JsonNode) invalidated = NULL;
    g_autoptr(JsonNode) after = NULL;
    g_autoptr(JsonNode) missing = NULL;

    g_assert_true (tw_operation_map_object (approval_op, tw_operation_select (approval_op, answer, NULL),
                                            G_OBJECT (order), &error));
    g_assert_no_error (error);
    g_assert_cmpstr (tw_order_get_approval_status (order), ==, "PENDING_APPROVAL");

    invalidated = call_ok (fx, "ibkr-assistant", "approvals.invalidate", vars);
    after = call_ok (fx, "ibkr-assistant", "approvals.status", vars);
    g_assert_true (tw_operation_map_object (approval_op, after, G_OBJECT (order), &error));
    g_assert_cmpstr (tw_order_get_approval_status (order), ==, "INVALIDATED");

    missing = call (fx, "ibkr-assistant", "approvals.status", "id=no-such-approval", &status);
    g_assert_cmpuint (status, ==, 404);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  g_test_add ("/tw/core/connector/risk-sim/halt-resume", Fixture, NULL,
              fixture_set_up, test_halt_resume, fixture_tear_down);
  g_test_add ("/tw/core/connector/risk-sim/investiq-breakers", Fixture, NULL,
              fixture_set_up, test_investiq_breakers, fixture_tear_down);
  g_test_add ("/tw/core/connector/risk-sim/autotrader-breakers", Fixture, NULL,
              fixture_set_up, test_autotrader_breakers, fixture_tear_down);
  g_test_add ("/tw/core/connector/risk-sim/trading-lists", Fixture, NULL,
              fixture_set_up, test_trading_lists, fixture_tear_down);
  g_test_add ("/tw/core/connector/risk-sim/alpaca-clock-config", Fixture, NULL,
              fixture_set_up, test_alpaca_clock_config, fixture_tear_down);
  g_test_add ("/tw/core/connector/risk-sim/investiq-trades", Fixture, NULL,
              fixture_set_up, test_investiq_trades, fixture_tear_down);
  g_test_add ("/tw/core/connector/risk-sim/ibkr-order-approval", Fixture, NULL,
              fixture_set_up, test_ibkr_order_approval, fixture_tear_down);

  return g_test_run ();
}
