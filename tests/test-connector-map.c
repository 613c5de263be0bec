/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "tw-component.h"
#include "tw-connector-registry.h"
#include "tw-connector.h"
#include "tw-error.h"
#include "tw-json.h"
#include "tw-test-util.h"

/* The answer side of connectors: the mapper onto model objects, the health and
 * components rules of each shipped connector on the wire contract's sample bodies,
 * lists, and each shipped connector against the simulator over real HTTP. */

/* A model object for the mapper: a position and a service's health fields. */
typedef enum
{
  TEST_SIDE_LONG,
  TEST_SIDE_SHORT,
} TestSide;

static GType
test_side_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { TEST_SIDE_LONG, "TEST_SIDE_LONG", "long" },
        { TEST_SIDE_SHORT, "TEST_SIDE_SHORT", "short" },
        { 0, NULL, NULL }
      };

      g_once_init_leave (&type, g_enum_register_static ("TestConnectorSide", values));
    }

  return type;
}

#define TEST_TYPE_ITEM (test_item_get_type ())
G_DECLARE_FINAL_TYPE (TestItem, test_item, TEST, ITEM, GObject)

struct _TestItem
{
  GObject   parent_instance;
  char     *symbol;
  double    qty;
  TestSide  side;
  double    market_value;
  double    unrealized_pl;
  char     *version;
  char     *status_text;
};

G_DEFINE_FINAL_TYPE (TestItem, test_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SYMBOL,
  PROP_QTY,
  PROP_SIDE,
  PROP_MARKET_VALUE,
  PROP_UNREALIZED_PL,
  PROP_VERSION,
  PROP_STATUS_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
test_item_finalize (GObject *object)
{
  TestItem *self = TEST_ITEM (object);

  g_free (self->symbol);
  g_free (self->version);
  g_free (self->status_text);
  G_OBJECT_CLASS (test_item_parent_class)->finalize (object);
}

static void
test_item_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TestItem *self = TEST_ITEM (object);

  switch (prop_id)
    {
    case PROP_SYMBOL: g_value_set_string (value, self->symbol); break;
    case PROP_QTY: g_value_set_double (value, self->qty); break;
    case PROP_SIDE: g_value_set_enum (value, self->side); break;
    case PROP_MARKET_VALUE: g_value_set_double (value, self->market_value); break;
    case PROP_UNREALIZED_PL: g_value_set_double (value, self->unrealized_pl); break;
    case PROP_VERSION: g_value_set_string (value, self->version); break;
    case PROP_STATUS_TEXT: g_value_set_string (value, self->status_text); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_item_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TestItem *self = TEST_ITEM (object);

  switch (prop_id)
    {
    case PROP_SYMBOL: g_free (self->symbol); self->symbol = g_value_dup_string (value); break;
    case PROP_QTY: self->qty = g_value_get_double (value); break;
    case PROP_SIDE: self->side = g_value_get_enum (value); break;
    case PROP_MARKET_VALUE: self->market_value = g_value_get_double (value); break;
    case PROP_UNREALIZED_PL: self->unrealized_pl = g_value_get_double (value); break;
    case PROP_VERSION: g_free (self->version); self->version = g_value_dup_string (value); break;
    case PROP_STATUS_TEXT:
      g_free (self->status_text);
      self->status_text = g_value_dup_string (value);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_item_class_init (TestItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = test_item_finalize;
  object_class->get_property = test_item_get_property;
  object_class->set_property = test_item_set_property;

  properties[PROP_SYMBOL] = g_param_spec_string ("symbol", NULL, NULL, NULL, flags);
  properties[PROP_QTY] = g_param_spec_double ("qty", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_SIDE] = g_param_spec_enum ("side", NULL, NULL, test_side_get_type (), TEST_SIDE_LONG, flags);
  properties[PROP_MARKET_VALUE] = g_param_spec_double ("market-value", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_UNREALIZED_PL] = g_param_spec_double ("unrealized-pl", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_VERSION] = g_param_spec_string ("version", NULL, NULL, NULL, flags);
  properties[PROP_STATUS_TEXT] = g_param_spec_string ("status-text", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
test_item_init (TestItem *self)
{
}

/* Helpers */

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static TwConnector *
load (const char *json)
{
  g_autoptr(GError) error = NULL;
  TwConnector *connector = tw_connector_new_from_data (json, -1, "test.json", &error);

  g_assert_no_error (error);
  g_assert_nonnull (connector);
  return connector;
}

static TwConnectorRegistry *
load_registry (void)
{
  TwConnectorRegistry *registry = tw_connector_registry_new ();

  tw_connector_registry_load_default (registry);
  return registry;
}

/* The sample bodies of the wire contract. */
#define INVESTIQ_BODY(broker) \
  "{\"status\":\"" broker "\",\"version\":\"2.4.1\",\"uptime_seconds\":12345," \
  "\"timestamp\":\"2024-05-01T12:30:00Z\",\"dependencies\":{" \
  "\"polygon\":{\"status\":\"healthy\",\"latency_ms\":48.0}," \
  "\"alpaca\":{\"status\":\"healthy\",\"latency_ms\":35.0,\"message\":\"connected to Alpaca (paper)\"}," \
  "\"ml_service\":{\"status\":\"healthy\",\"latency_ms\":3.1}}}"
/* 003's "Verify Services" shape; a broker in "error" (Troubleshooting 1); the detail and
 * "degraded" are assumed. */
#define IBKR_BODY(status) \
  "{\"status\":\"" status "\",\"timestamp\":\"2025-12-25T08:30:00.123456Z\",\"components\":{" \
  "\"kill_switch\":{\"status\":\"ok\",\"enabled\":false}," \
  "\"broker\":{\"status\":\"error\",\"connected\":false,\"detail\":\"connection refused\"}," \
  "\"audit_store\":{\"status\":\"ok\"}," \
  "\"risk_engine\":{\"status\":\"degraded\"}}}"
#define AI_BODY(status) \
  "{\"status\":\"" status "\",\"trading_enabled\":true,\"mode\":\"paper\",\"services\":[" \
  "{\"name\":\"exchange\",\"status\":\"ok\",\"latency_ms\":42.0}," \
  "{\"name\":\"model\",\"status\":\"down\"},{\"name\":\"rate_gate\",\"status\":\"degraded\"}]," \
  "\"timestamp\":\"2024-05-01T12:30:00Z\"}"
#define AUTOTRADER_BODY(status) \
  "{\"status\":\"" status "\",\"checks\":{\"database\":\"ok\",\"market_data\":\"failing\"," \
  "\"broker\":\"degraded\"},\"uptime\":1234.5}"
#define ALPACA_BODY(status) \
  "{\"id\":\"3f1c6a9e-0d5b-4b8e-9a53-2d0f4b1c7e21\",\"account_number\":\"PA3DEMO0001\"," \
  "\"status\":\"" status "\",\"currency\":\"USD\",\"cash\":\"25000.00\"," \
  "\"buying_power\":\"100000.00\",\"equity\":\"100250.37\",\"last_equity\":\"100000.00\"," \
  "\"multiplier\":\"4\",\"trading_blocked\":false,\"shorting_enabled\":true," \
  "\"created_at\":\"2024-01-02T15:04:05.123456Z\"}"

typedef struct
{
  const char *id;
  const char *body;
  TwHealth    expected;
  const char *detail;
} HealthCase;

static void
test_eval_health (void)
{
  static const HealthCase cases[] = {
    { "investiq", INVESTIQ_BODY ("healthy"), TW_HEALTH_OK, "healthy" },
    { "investiq", INVESTIQ_BODY ("degraded"), TW_HEALTH_DEGRADED, "degraded" },
    { "investiq", INVESTIQ_BODY ("unhealthy"), TW_HEALTH_DOWN, "unhealthy" },
    { "investiq", "{\"version\":\"2.4.1\"}", TW_HEALTH_DEGRADED, NULL },
    { "investiq", INVESTIQ_BODY ("rebooting"), TW_HEALTH_DEGRADED, "rebooting" },
    { "ibkr-assistant", IBKR_BODY ("healthy"), TW_HEALTH_OK, "healthy" },
    { "ibkr-assistant", IBKR_BODY ("degraded"), TW_HEALTH_DEGRADED, "degraded" },
    { "ibkr-assistant", IBKR_BODY ("unhealthy"), TW_HEALTH_DOWN, "unhealthy" },
    { "ai-trading", AI_BODY ("ok"), TW_HEALTH_OK, "ok" },
    { "ai-trading", AI_BODY ("degraded"), TW_HEALTH_DEGRADED, "degraded" },
    { "ai-trading", AI_BODY ("down"), TW_HEALTH_DOWN, "down" },
    { "autotrader", AUTOTRADER_BODY ("healthy"), TW_HEALTH_OK, "healthy" },
    { "autotrader", AUTOTRADER_BODY ("degraded"), TW_HEALTH_DEGRADED, "degraded" },
    { "autotrader", AUTOTRADER_BODY ("Healthy"), TW_HEALTH_OK, "Healthy" },
    { "alpaca", ALPACA_BODY ("ACTIVE"), TW_HEALTH_OK, "ACTIVE" },
    { "alpaca", ALPACA_BODY ("ACCOUNT_UPDATED"), TW_HEALTH_DEGRADED, "ACCOUNT_UPDATED" },
    { "alpaca", ALPACA_BODY ("APPROVAL_PENDING"), TW_HEALTH_DEGRADED, "APPROVAL_PENDING" },
    { "alpaca", ALPACA_BODY ("REJECTED"), TW_HEALTH_DOWN, "REJECTED" },
    { "alpaca", ALPACA_BODY ("DISABLED"), TW_HEALTH_DOWN, "DISABLED" },
    { "alpaca", ALPACA_BODY ("ACCOUNT_CLOSED"), TW_HEALTH_DOWN, "ACCOUNT_CLOSED" },
    { "alpaca", ALPACA_BODY ("ONBOARDING"), TW_HEALTH_DEGRADED, "ONBOARDING" },
  };
  g_autoptr(TwConnectorRegistry) registry = load_registry ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      TwConnector *connector = tw_connector_registry_lookup (registry, cases[i].id);
      const TwOperation *op = tw_connector_get_operation (connector, "health");
      g_autoptr(JsonNode) body = parse (cases[i].body);
      g_autofree char *detail = NULL;
      TwHealth health = tw_operation_eval_health (op, body, &detail);

      g_test_message ("%s: %s", cases[i].id, cases[i].body);
      g_assert_cmpstr (tw_health_to_string (health), ==, tw_health_to_string (cases[i].expected));
      g_assert_cmpstr (detail, ==, cases[i].detail);
    }
}

static void
test_health_map (void)
{
  g_autoptr(TwConnectorRegistry) registry = load_registry ();
  static const struct { const char *id; const char *body; const char *version; const char *status; } cases[] = {
    { "investiq", INVESTIQ_BODY ("healthy"), "2.4.1", "healthy" },
    { "ibkr-assistant", IBKR_BODY ("degraded"), NULL, "degraded" },
    { "ai-trading", AI_BODY ("ok"), NULL, "ok" },
    { "autotrader", AUTOTRADER_BODY ("healthy"), NULL, "healthy" },
    { "alpaca", ALPACA_BODY ("ACTIVE"), NULL, "ACTIVE" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const TwOperation *op = tw_connector_get_operation (tw_connector_registry_lookup (registry, cases[i].id),
                                                          "health");
      g_autoptr(JsonNode) body = parse (cases[i].body);
      g_autoptr(TestItem) item = g_object_new (TEST_TYPE_ITEM, NULL);
      g_autoptr(GError) error = NULL;
      JsonNode *selected = tw_operation_select (op, body, &error);

      g_assert_no_error (error);
      g_assert_true (selected == body);
      g_assert_true (tw_operation_map_object (op, selected, G_OBJECT (item), &error));
      g_assert_no_error (error);
      g_assert_cmpstr (item->version, ==, cases[i].version);
      g_assert_cmpstr (item->status_text, ==, cases[i].status);
    }
}

typedef struct
{
  const char *name;
  const char *status;
  TwHealth    health;
  const char *detail;
  double      latency_ms;
} ExpectedComponent;

static void
assert_components (TwConnectorRegistry     *registry,
                   const char              *id,
                   const char              *body_text,
                   const ExpectedComponent *expected,
                   guint                    n_expected)
{
  const TwOperation *op = tw_connector_get_operation (tw_connector_registry_lookup (registry, id), "health");
  g_autoptr(GListStore) store = g_list_store_new (TW_TYPE_COMPONENT);
  g_autoptr(JsonNode) body = parse (body_text);
  g_autoptr(GError) error = NULL;
  g_autoptr(TwComponent) stale = tw_component_new ("stale");

  /* Whatever was there is replaced. */
  g_list_store_append (store, stale);

  g_assert_true (tw_operation_map_components (op, body, store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, n_expected);

  for (guint i = 0; i < n_expected; i++)
    {
      g_autoptr(TwComponent) component = g_list_model_get_item (G_LIST_MODEL (store), i);

      g_test_message ("%s: component %u", id, i);
      g_assert_cmpstr (tw_component_get_name (component), ==, expected[i].name);
      g_assert_cmpstr (tw_component_get_status (component), ==, expected[i].status);
      g_assert_cmpstr (tw_health_to_string (tw_component_get_health (component)), ==,
                       tw_health_to_string (expected[i].health));
      g_assert_cmpstr (tw_component_get_detail (component), ==, expected[i].detail);
      g_assert_cmpfloat_with_epsilon (tw_component_get_latency_ms (component), expected[i].latency_ms, 1e-9);
    }
}

static void
test_components (void)
{
  g_autoptr(TwConnectorRegistry) registry = load_registry ();
  /* Object of objects, "@key" names, "message" as detail, latency. */
  static const ExpectedComponent investiq[] = {
    { "polygon", "healthy", TW_HEALTH_OK, NULL, 48.0 },
    { "alpaca", "healthy", TW_HEALTH_OK, "connected to Alpaca (paper)", 35.0 },
    { "ml_service", "healthy", TW_HEALTH_OK, NULL, 3.1 },
  };
  /* Object of objects with "detail". */
  static const ExpectedComponent ibkr[] = {
    { "kill_switch", "ok", TW_HEALTH_OK, NULL, -1 },
    { "broker", "error", TW_HEALTH_DOWN, "connection refused", -1 },
    { "audit_store", "ok", TW_HEALTH_OK, NULL, -1 },
    { "risk_engine", "degraded", TW_HEALTH_DEGRADED, NULL, -1 },
  };
  /* An array, each element with its "name". */
  static const ExpectedComponent ai[] = {
    { "exchange", "ok", TW_HEALTH_OK, NULL, 42.0 },
    { "model", "down", TW_HEALTH_DOWN, NULL, -1 },
    { "rate_gate", "degraded", TW_HEALTH_DEGRADED, NULL, -1 },
  };
  /* An object of plain strings: each value is the status. */
  static const ExpectedComponent autotrader[] = {
    { "database", "ok", TW_HEALTH_OK, NULL, -1 },
    { "market_data", "failing", TW_HEALTH_DOWN, NULL, -1 },
    { "broker", "degraded", TW_HEALTH_DEGRADED, NULL, -1 },
  };
  g_autoptr(GListStore) store = g_list_store_new (TW_TYPE_COMPONENT);
  g_autoptr(JsonNode) alpaca_body = parse (ALPACA_BODY ("ACTIVE"));
  g_autoptr(JsonNode) no_components = parse ("{\"status\":\"healthy\"}");
  g_autoptr(JsonNode) scalar_components = parse ("{\"status\":\"healthy\",\"dependencies\":3}");
  g_autoptr(GError) error = NULL;
  g_autoptr(TwComponent) old = tw_component_new ("old");
  const TwOperation *op;

  assert_components (registry, "investiq", INVESTIQ_BODY ("healthy"), investiq, G_N_ELEMENTS (investiq));
  assert_components (registry, "ibkr-assistant", IBKR_BODY ("degraded"), ibkr, G_N_ELEMENTS (ibkr));
  assert_components (registry, "ai-trading", AI_BODY ("degraded"), ai, G_N_ELEMENTS (ai));
  assert_components (registry, "autotrader", AUTOTRADER_BODY ("degraded"), autotrader, G_N_ELEMENTS (autotrader));

  /* Alpaca has no components rule: FALSE without an error, store untouched. */
  op = tw_connector_get_operation (tw_connector_registry_lookup (registry, "alpaca"), "health");
  g_assert_false (tw_operation_map_components (op, alpaca_body, store, &error));
  g_assert_no_error (error);

  /* Absent from the body: no components. Not an object or array: an error. */
  op = tw_connector_get_operation (tw_connector_registry_lookup (registry, "investiq"), "health");
  g_list_store_append (store, old);
  g_assert_true (tw_operation_map_components (op, no_components, store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_false (tw_operation_map_components (op, scalar_components, store, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "/dependencies"));
}

/* The hash of what a health answer's mapping reads: the parts no rule reads (a
 * timestamp, an uptime) change nothing, every part a rule reads changes it. */
static guint64
health_input_hash (TwConnectorRegistry *registry,
                   const char          *connector_id,
                   const char          *body)
{
  TwConnector *connector = tw_connector_registry_lookup (registry, connector_id);
  g_autoptr(JsonNode) root = parse (body);
  guint64 hash;

  g_assert_nonnull (connector);
  hash = tw_operation_hash_health_input (tw_connector_get_operation (connector, "health"), root);
  g_assert_cmpuint (hash, !=, 0);
  return hash;
}

static void
test_health_input_hash (void)
{
  g_autoptr(TwConnectorRegistry) registry = load_registry ();
  static const struct { const char *connector; const char *a; const char *b; gboolean alike; } cases[] = {
    /* Only a timestamp or the uptime differs. */
    { "ibkr-assistant", IBKR_BODY ("degraded"),
      "{\"status\":\"degraded\",\"timestamp\":\"2025-12-25T08:30:01.5Z\",\"components\":{"
      "\"kill_switch\":{\"status\":\"ok\",\"enabled\":false},"
      "\"broker\":{\"status\":\"error\",\"connected\":false,\"detail\":\"connection refused\"},"
      "\"audit_store\":{\"status\":\"ok\"},"
      "\"risk_engine\":{\"status\":\"degraded\"}}}", TRUE },
    { "investiq", INVESTIQ_BODY ("healthy"),
      "{\"status\":\"healthy\",\"version\":\"2.4.1\",\"uptime_seconds\":12399,"
      "\"timestamp\":\"2024-05-01T12:31:00Z\",\"dependencies\":{"
      "\"polygon\":{\"status\":\"healthy\",\"latency_ms\":48.0},"
      "\"alpaca\":{\"status\":\"healthy\",\"latency_ms\":35.0,\"message\":\"connected to Alpaca (paper)\"},"
      "\"ml_service\":{\"status\":\"healthy\",\"latency_ms\":3.1}}}", TRUE },
    { "autotrader", AUTOTRADER_BODY ("degraded"),
      "{\"status\":\"degraded\",\"checks\":{\"database\":\"ok\",\"market_data\":\"failing\","
      "\"broker\":\"degraded\"},\"uptime\":1299.0}", TRUE },
    /* The overall status, a mapped value, a component's status, detail or latency,
     * a component more. */
    { "ibkr-assistant", IBKR_BODY ("degraded"), IBKR_BODY ("healthy"), FALSE },
    { "investiq", INVESTIQ_BODY ("healthy"),
      "{\"status\":\"healthy\",\"version\":\"2.4.2\",\"uptime_seconds\":12345,"
      "\"timestamp\":\"2024-05-01T12:30:00Z\",\"dependencies\":{"
      "\"polygon\":{\"status\":\"healthy\",\"latency_ms\":48.0},"
      "\"alpaca\":{\"status\":\"healthy\",\"latency_ms\":35.0,\"message\":\"connected to Alpaca (paper)\"},"
      "\"ml_service\":{\"status\":\"healthy\",\"latency_ms\":3.1}}}", FALSE },
    { "investiq", INVESTIQ_BODY ("healthy"),
      "{\"status\":\"healthy\",\"version\":\"2.4.1\",\"uptime_seconds\":12345,"
      "\"timestamp\":\"2024-05-01T12:30:00Z\",\"dependencies\":{"
      "\"polygon\":{\"status\":\"healthy\",\"latency_ms\":48.5},"
      "\"alpaca\":{\"status\":\"healthy\",\"latency_ms\":35.0,\"message\":\"connected to Alpaca (paper)\"},"
      "\"ml_service\":{\"status\":\"healthy\",\"latency_ms\":3.1}}}", FALSE },
    { "investiq", INVESTIQ_BODY ("healthy"),
      "{\"status\":\"healthy\",\"version\":\"2.4.1\",\"uptime_seconds\":12345,"
      "\"timestamp\":\"2024-05-01T12:30:00Z\",\"dependencies\":{"
      "\"polygon\":{\"status\":\"healthy\",\"latency_ms\":48.0},"
      "\"alpaca\":{\"status\":\"healthy\",\"latency_ms\":35.0,\"message\":\"reconnecting\"},"
      "\"ml_service\":{\"status\":\"healthy\",\"latency_ms\":3.1}}}", FALSE },
    { "autotrader", AUTOTRADER_BODY ("degraded"),
      "{\"status\":\"degraded\",\"checks\":{\"database\":\"ok\",\"market_data\":\"ok\","
      "\"broker\":\"degraded\"},\"uptime\":1234.5}", FALSE },
    { "autotrader", AUTOTRADER_BODY ("degraded"),
      "{\"status\":\"degraded\",\"checks\":{\"database\":\"ok\",\"market_data\":\"failing\","
      "\"broker\":\"degraded\",\"cache\":\"ok\"},\"uptime\":1234.5}", FALSE },
    { "ai-trading", AI_BODY ("degraded"), AI_BODY ("healthy"), FALSE },
    { "alpaca", ALPACA_BODY ("ACTIVE"), ALPACA_BODY ("ACCOUNT_UPDATED"), FALSE },
    /* A string is not the number it spells, nor a missing member null. */
    { "autotrader", "{\"status\":\"1\"}", "{\"status\":1}", FALSE },
    { "autotrader", "{\"status\":null}", "{}", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint64 a = health_input_hash (registry, cases[i].connector, cases[i].a);
      guint64 b = health_input_hash (registry, cases[i].connector, cases[i].b);

      g_test_message ("case %u (%s)", i, cases[i].connector);
      if (cases[i].alike)
        g_assert_cmpuint (a, ==, b);
      else
        g_assert_cmpuint (a, !=, b);
    }
}

/* Lists */

#define LIST_CONNECTOR \
  "{\"format\": 1, \"id\": \"alpaca-like\", \"name\": \"Alpaca-like\", \"operations\": {" \
  " \"positions.list\": {\"method\": \"GET\", \"path\": \"/v2/positions\", \"list\": true, \"key\": \"/symbol\"," \
  "   \"map\": {\"symbol\": {\"pointer\": \"/symbol\", \"required\": true}, \"qty\": \"/qty\", \"side\": \"/side\"," \
  "             \"market-value\": \"/market_value\", \"unrealized_pl\": \"/unrealized_pl\"}}," \
  " \"wrapped.list\": {\"method\": \"GET\", \"path\": \"/w\", \"list\": true, \"result\": \"/data/positions\"," \
  "   \"map\": {\"symbol\": \"/symbol\"}}," \
  " \"bad.map\": {\"method\": \"GET\", \"path\": \"/b\", \"list\": true, \"map\": {\"no-such-prop\": \"/x\"}}" \
  "}}"

#define POSITIONS \
  "[{\"asset_id\": \"b0b6dd9d-8b9b-48a9-ba46-b9d54906e415\", \"symbol\": \"AAPL\", \"exchange\": \"NASDAQ\"," \
  "  \"asset_class\": \"us_equity\", \"qty\": \"10\", \"qty_available\": \"10\", \"side\": \"long\"," \
  "  \"avg_entry_price\": \"190.80\", \"market_value\": \"1895.50\", \"cost_basis\": \"1908.00\"," \
  "  \"unrealized_pl\": \"-12.5\", \"unrealized_plpc\": \"-0.0065\", \"current_price\": \"189.55\"}," \
  " {\"asset_id\": \"8ccae427-5dd0-45b3-b5fe-7ba5e422c766\", \"symbol\": \"TSLA\", \"qty\": \"-5\"," \
  "  \"side\": \"short\", \"market_value\": \"-880.25\", \"unrealized_pl\": \"40.1\"}]"

static void
test_map_list (void)
{
  g_autoptr(TwConnector) connector = load (LIST_CONNECTOR);
  const TwOperation *op = tw_connector_get_operation (connector, "positions.list");
  const TwOperation *wrapped = tw_connector_get_operation (connector, "wrapped.list");
  g_autoptr(JsonNode) positions = parse (POSITIONS);
  g_autoptr(JsonNode) not_a_list = parse ("{\"symbol\": \"AAPL\"}");
  g_autoptr(JsonNode) nameless = parse ("[{\"symbol\": \"AAPL\"}, {\"qty\": \"1\"}]");
  g_autoptr(JsonNode) bad_qty = parse ("[{\"symbol\": \"AAPL\", \"qty\": \"abc\"}]");
  g_autoptr(JsonNode) wrapped_body = parse ("{\"data\": {\"positions\": [{\"symbol\": \"X\"}, {\"symbol\": \"Y\"}]}}");
  g_autoptr(JsonNode) empty = parse ("{}");
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  TestItem *aapl, *tsla;

  g_assert_true (tw_operation_is_list (op));
  g_assert_cmpstr (tw_operation_get_key_pointer (op), ==, "/symbol");
  g_assert_null (tw_operation_get_key_pointer (wrapped));

  items = tw_operation_map_list (op, positions, TEST_TYPE_ITEM, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 2);
  aapl = g_ptr_array_index (items, 0);
  tsla = g_ptr_array_index (items, 1);
  g_assert_cmpstr (aapl->symbol, ==, "AAPL");
  g_assert_cmpfloat (aapl->qty, ==, 10.0);
  g_assert_cmpint (aapl->side, ==, TEST_SIDE_LONG);
  g_assert_cmpfloat (aapl->market_value, ==, 1895.5);
  g_assert_cmpfloat (aapl->unrealized_pl, ==, -12.5);
  g_assert_cmpstr (tsla->symbol, ==, "TSLA");
  g_assert_cmpfloat (tsla->qty, ==, -5.0);
  g_assert_cmpint (tsla->side, ==, TEST_SIDE_SHORT);
  g_assert_cmpfloat (tsla->market_value, ==, -880.25);
  g_assert_cmpfloat (tsla->unrealized_pl, ==, 40.1);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* A list operation whose result is not an array. */
  items = tw_operation_map_list (op, not_a_list, TEST_TYPE_ITEM, &error);
  g_assert_null (items);
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_assert_cmpstr (error->message, ==,
                   "Alpaca-like: operation \"positions.list\": expected a list at \"\" but the answer has an object there");
  g_clear_error (&error);

  /* A required field missing names the connector, the operation and the pointer. */
  items = tw_operation_map_list (op, nameless, TEST_TYPE_ITEM, &error);
  g_assert_null (items);
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_assert_cmpstr (error->message, ==,
                   "Alpaca-like: operation \"positions.list\": the answer has no \"/symbol\", which is required");
  g_clear_error (&error);

  items = tw_operation_map_list (op, bad_qty, TEST_TYPE_ITEM, &error);
  g_assert_null (items);
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_assert_cmpstr (error->message, ==,
                   "Alpaca-like: operation \"positions.list\": \"/qty\": property \"qty\": \"abc\" is not a number");
  g_clear_error (&error);

  items = tw_operation_map_list (wrapped, wrapped_body, TEST_TYPE_ITEM, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpstr (((TestItem *) g_ptr_array_index (items, 1))->symbol, ==, "Y");
  g_clear_pointer (&items, g_ptr_array_unref);

  items = tw_operation_map_list (wrapped, empty, TEST_TYPE_ITEM, &error);
  g_assert_null (items);
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "has no \"/data/positions\""));
  g_clear_error (&error);

  items = tw_operation_map_list (tw_connector_get_operation (connector, "bad.map"), positions,
                                 TEST_TYPE_ITEM, &error);
  g_assert_null (items);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "\"no-such-prop\", which TestItem does not have"));
}

/* Against the simulator */

typedef struct
{
  const char *id;
  const char *component;   /* made unhealthy through /_sim/health; NULL: none */
} SimCase;

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

/* GET the health operation of @id with the connector's own path and headers. */
static JsonNode *
call_health (TwSimThread       *sim,
             SoupSession       *session,
             const TwOperation *op,
             const char        *id)
{
  g_autoptr(GHashTable) headers = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = tw_operation_expand_path (op, NULL, &error);
  g_autofree char *url = NULL;
  GHashTableIter iter;
  gpointer name, value;

  g_assert_no_error (error);
  url = g_strconcat (tw_sim_thread_get_url (sim, id), path, NULL);
  msg = soup_message_new (tw_operation_get_method (op), url);
  headers = tw_operation_expand_headers (op, NULL, sim_secret, sim, &error);
  g_assert_no_error (error);
  g_hash_table_iter_init (&iter, headers);
  while (g_hash_table_iter_next (&iter, &name, &value))
    soup_message_headers_replace (soup_message_get_request_headers (msg), name, value);

  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    g_error ("%s %s answered %u: %.*s", id, path, soup_message_get_status (msg),
             (int) g_bytes_get_size (bytes), (const char *) g_bytes_get_data (bytes, NULL));
  g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL),
                   ==, "application/json");

  /* The body is not nul-terminated: parsed by its length. */
  return tw_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
}

static TwComponent *
find_component (GListModel *model,
                const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TwComponent) component = g_list_model_get_item (model, i);

      if (g_strcmp0 (tw_component_get_name (component), name) == 0)
        return component;
    }
  return NULL;
}

static void
test_against_sim (void)
{
  static const SimCase cases[] = {
    { "investiq", "alpaca" },
    { "ibkr-assistant", "broker" },
    { "ai-trading", "exchange" },
    { "autotrader", "broker" },
    { "alpaca", NULL },
  };
  g_autoptr(TwConnectorRegistry) registry = load_registry ();
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  TwSimThread *sim = tw_test_sim_start ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const TwOperation *op = tw_connector_get_operation (tw_connector_registry_lookup (registry, cases[i].id),
                                                          "health");
      g_autoptr(GListStore) store = g_list_store_new (TW_TYPE_COMPONENT);
      g_autoptr(TestItem) item = g_object_new (TEST_TYPE_ITEM, NULL);
      g_autoptr(JsonNode) body = NULL;
      g_autoptr(JsonNode) after = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *detail = NULL;
      g_autofree char *fault = NULL;
      TwComponent *component;

      g_test_message ("flavor %s", cases[i].id);
      body = call_health (sim, session, op, cases[i].id);
      g_assert_nonnull (body);
      g_assert_cmpint (tw_operation_eval_health (op, body, &detail), ==, TW_HEALTH_OK);
      g_assert_true (tw_operation_map_object (op, tw_operation_select (op, body, NULL), G_OBJECT (item), &error));
      g_assert_no_error (error);
      g_assert_cmpstr (item->status_text, ==, detail);

      if (cases[i].component == NULL)
        {
          g_assert_false (tw_operation_map_components (op, body, store, &error));
          continue;
        }

      g_assert_true (tw_operation_map_components (op, body, store, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), >=, 3);
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (store)); j++)
        {
          g_autoptr(TwComponent) c = g_list_model_get_item (G_LIST_MODEL (store), j);

          g_assert_cmpint (tw_component_get_health (c), ==, TW_HEALTH_OK);
        }

      /* One component made unhealthy: it is down, the whole service is not ok. */
      fault = g_strdup_printf ("{\"flavor\": \"%s\", \"component\": \"%s\", \"status\": \"unhealthy\","
                               " \"message\": \"connection lost\"}", cases[i].id, cases[i].component);
      json_node_unref (tw_test_sim_request (sim, cases[i].id, "POST", "/_sim/health", fault));
      after = call_health (sim, session, op, cases[i].id);
      g_assert_cmpint (tw_operation_eval_health (op, after, NULL), !=, TW_HEALTH_OK);
      g_assert_true (tw_operation_map_components (op, after, store, &error));
      component = find_component (G_LIST_MODEL (store), cases[i].component);
      g_assert_nonnull (component);
      g_assert_cmpint (tw_component_get_health (component), ==, TW_HEALTH_DOWN);
    }

  tw_sim_thread_stop (sim);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* The isolated XDG dirs hide the system GSettings schemas that GNOME's proxy
   * resolver aborts without; loopback needs no proxy anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  g_test_add_func ("/tw/core/connector/map/eval-health", test_eval_health);
  g_test_add_func ("/tw/core/connector/map/health-map", test_health_map);
  g_test_add_func ("/tw/core/connector/map/components", test_components);
  g_test_add_func ("/tw/core/connector/map/health-input-hash", test_health_input_hash);
  g_test_add_func ("/tw/core/connector/map/list", test_map_list);
  g_test_add_func ("/tw/core/connector/map/against-sim", test_against_sim);

  return g_test_run ();
}
