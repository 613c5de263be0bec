/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim-trading.h"
#include "tw-error.h"
#include "tw-sim-risk.h"

#include <math.h>
#include <string.h>

/* What the trading routes share: number and time formatting, and their part of the
 * control API (/_sim/config, the trading scenarios). */

char *
tw_sim_trading_format_number (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char *text;
  gsize len;

  /* Six decimals at most, trailing zeros trimmed: "50", "182.3", "0.011654". */
  text = g_strdup (g_ascii_formatd (buf, sizeof buf, "%.6f", value));
  len = strlen (text);
  while (len > 0 && text[len - 1] == '0')
    text[--len] = '\0';
  if (len > 0 && text[len - 1] == '.')
    text[--len] = '\0';
  if (g_str_equal (text, "-0"))
    {
      g_free (text);
      text = g_strdup ("0");
    }
  return text;
}

void
tw_sim_trading_add_time (JsonBuilder *b,
                         const char  *name,
                         gint64       real_time_us)
{
  g_autofree char *text = NULL;

  json_builder_set_member_name (b, name);
  if (real_time_us == 0)
    {
      json_builder_add_null_value (b);
      return;
    }
  text = tw_sim_format_time (real_time_us, TRUE);
  json_builder_add_string_value (b, text);
}

void
tw_sim_trading_add_double (JsonBuilder *b,
                           const char  *name,
                           double       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

/* Shortest text that reads back as @value, whole numbers with ".0": how Rust's serde_json
 * and Python's json write floats (json-glib writes 17 digits: 180.19999999999999). */
static void
append_double (GString *out,
               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  /* Never fewer digits than the integer part has, so 50 stays "50", not "5e+01". */
  for (int precision = fabs (value) >= 1 ? MIN (17, (int) log10 (fabs (value)) + 1) : 1;
       precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  g_string_append (out, buf);
  if (strpbrk (buf, ".e") == NULL)
    g_string_append (out, ".0");
}

static void
append_string (GString    *out,
               const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = *p;

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

static void
append_node (GString  *out,
             JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            append_string (out, name);
            g_string_append_c (out, ':');
            append_node (out, member);
          }
        g_string_append_c (out, '}');
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
    case JSON_NODE_VALUE:
    default:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          append_string (out, json_node_get_string (node));
          break;
        default:
          g_string_append (out, "null");
          break;
        }
      break;
    }
}

void
tw_sim_trading_reply (SoupServerMessage *msg,
                      guint              status,
                      JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autoptr(GString) out = g_string_new (NULL);

  append_node (out, root);
  tw_sim_reply_bytes (msg, status, "application/json", out->str, out->len);
}

static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const char        *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  tw_sim_reply_builder (msg, status, b);
}

/* A whole number member within [min, max]: FALSE if present and not one. */
static gboolean
get_uint (JsonObject *obj,
          const char *name,
          guint       min,
          guint       max,
          guint      *value)
{
  JsonNode *node = json_object_get_member (obj, name);
  gint64 n;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  n = json_node_get_int (node);
  if (n < min || n > max)
    return FALSE;
  *value = n;
  return TRUE;
}

void
tw_sim_trading_control_config (TwSim             *sim,
                               SoupServerMessage *msg)
{
  TwSimPortfolio *portfolio = tw_sim_firm_get_portfolio (_tw_sim_get_firm (sim));
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(JsonBuilder) b = NULL;
  guint limit, window;

  tw_sim_portfolio_get_rate_limit (portfolio, &limit, &window);

  if (g_str_equal (method, "POST"))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = tw_sim_message_get_json (msg, &error);
      JsonObject *obj;
      JsonNode *walk;

      if (node == NULL)
        {
          reply_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
          return;
        }
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          reply_error (msg, SOUP_STATUS_BAD_REQUEST,
                       "Send an object, e.g. {\"alpaca_rate_limit\": 20, \"alpaca_rate_window\": 2}");
          return;
        }
      obj = json_node_get_object (node);
      if (!get_uint (obj, "alpaca_rate_limit", 1, 1000000, &limit))
        {
          reply_error (msg, SOUP_STATUS_BAD_REQUEST,
                       "“alpaca_rate_limit” is the number of requests allowed per window: "
                       "a whole number of at least 1");
          return;
        }
      if (!get_uint (obj, "alpaca_rate_window", 1, 86400, &window))
        {
          reply_error (msg, SOUP_STATUS_BAD_REQUEST,
                       "“alpaca_rate_window” is the window in seconds: a whole number "
                       "from 1 to 86400");
          return;
        }
      walk = json_object_get_member (obj, "price_walk");
      if (walk != NULL && (!JSON_NODE_HOLDS_VALUE (walk) ||
                           json_node_get_value_type (walk) != G_TYPE_BOOLEAN))
        {
          reply_error (msg, SOUP_STATUS_BAD_REQUEST,
                       "“price_walk” is true (prices move every second) or false");
          return;
        }
      tw_sim_portfolio_set_rate_limit (portfolio, limit, window);
      if (walk != NULL)
        tw_sim_portfolio_set_price_walk (portfolio, json_node_get_boolean (walk));
    }
  else if (!g_str_equal (method, "GET"))
    {
      reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "/_sim/config takes GET or POST");
      return;
    }

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "alpaca_rate_limit");
  json_builder_add_int_value (b, limit);
  json_builder_set_member_name (b, "alpaca_rate_window");
  json_builder_add_int_value (b, window);
  json_builder_set_member_name (b, "price_walk");
  json_builder_add_boolean_value (b, tw_sim_portfolio_get_price_walk (portfolio));
  json_builder_end_object (b);
  tw_sim_reply_builder (msg, SOUP_STATUS_OK, b);
}

/* {"name": "hold-for-orders", "symbol": "TSLA"}: an open closing order that will not
 * cancel holds the position, so closing it is refused even after cancel_orders. */
static gboolean
hold_for_orders (TwSim       *sim,
                 JsonObject  *args,
                 GError     **error)
{
  TwSimFirm *firm = _tw_sim_get_firm (sim);
  JsonNode *node = json_object_get_member (args, "symbol");
  const char *symbol = NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    symbol = json_node_get_string (node);
  if (symbol == NULL || *symbol == '\0')
    {
      g_set_error_literal (error, TW_ERROR, TW_ERROR_INVALID,
                           "The hold-for-orders scenario needs the “symbol” of a position, "
                           "e.g. {\"name\": \"hold-for-orders\", \"symbol\": \"TSLA\"}");
      return FALSE;
    }
  if (!tw_sim_portfolio_hold_for_orders (tw_sim_firm_get_portfolio (firm), symbol))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_NOT_FOUND,
                   "The hold-for-orders scenario needs an open position, and there is none "
                   "for “%s”: see GET /v2/positions", symbol);
      return FALSE;
    }
  return TRUE;
}

/* {"name": "account-blocks", "trading_blocked": true, "account_blocked": true,
 *  "trade_suspended_by_user": true}: sets the blocks Alpaca reports on GET /v2/account
 * (each one named is set to its value, the others are left as they are; false lifts a
 * block). trade_suspended_by_user is the account's view of suspend_trade, so the two
 * move together. */
static gboolean
account_blocks (TwSim       *sim,
                JsonObject  *args,
                GError     **error)
{
  static const char * const names[] = { "trading_blocked", "account_blocked", "trade_suspended_by_user" };
  TwSimFirm *firm = _tw_sim_get_firm (sim);
  TwSimAccount *account = tw_sim_firm_get_account (firm);
  guint named = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonNode *node = json_object_get_member (args, names[i]);

      if (node == NULL)
        continue;
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       "The account-blocks scenario needs “%s” as true or false", names[i]);
          return FALSE;
        }
      named++;
    }
  if (named == 0)
    {
      g_set_error_literal (error, TW_ERROR, TW_ERROR_INVALID,
                           "The account-blocks scenario needs at least one of “trading_blocked”, "
                           "“account_blocked”, “trade_suspended_by_user” (true or false)");
      return FALSE;
    }

  if (json_object_has_member (args, "trading_blocked"))
    account->trading_blocked = json_object_get_boolean_member (args, "trading_blocked");
  if (json_object_has_member (args, "account_blocked"))
    account->account_blocked = json_object_get_boolean_member (args, "account_blocked");
  if (json_object_has_member (args, "trade_suspended_by_user"))
    tw_sim_risk_alpaca_set_suspend (tw_sim_firm_get_risk (firm), firm,
                                    json_object_get_boolean_member (args, "trade_suspended_by_user"));
  return TRUE;
}

const TwSimScenario tw_sim_trading_scenarios[] = {
  { "hold-for-orders", hold_for_orders },
  { "account-blocks", account_blocks },
  { NULL }
};
