/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-command.h"
#include "tw-connector-registry.h"
#include "tw-connector.h"
#include "tw-error.h"

/* Connectors as data: the shipped files (from the resource, through the registry), the
 * loader's refusals, the request templates and user overrides. The answer side (mapper,
 * health and components rules, the simulator) is in test-connector-map.c. */

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

static GHashTable *
vars_new (const char *first_name,
          ...)
{
  GHashTable *vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *name = first_name;
  va_list args;

  va_start (args, first_name);
  while (name != NULL)
    {
      g_hash_table_insert (vars, g_strdup (name), g_strdup (va_arg (args, const char *)));
      name = va_arg (args, const char *);
    }
  va_end (args);

  return vars;
}

/* Secrets for the lookup function: name → value; a missing one is an error. */
static char *
lookup_secret (const char  *name,
               gpointer     user_data,
               GError     **error)
{
  GHashTable *secrets = user_data;
  const char *value = g_hash_table_lookup (secrets, name);

  if (value == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_SECRET, "no secret \"%s\" in the keyring", name);
      return NULL;
    }
  return g_strdup (value);
}

/* The shipped connectors */

typedef struct
{
  const char *id;
  const char *name;
  const char *path;
  const char *base_url;
  const char *secrets;      /* space-separated secret names */
  const char *header_names; /* space-separated auth headers */
} Shipped;

static const Shipped shipped[] = {
  { "ai-trading", "AI Trading", "/api/health", "http://127.0.0.1:8000", "api_key", "Authorization" },
  /* issue 14: no secret (an Alertmanager on the desk's own network) */
  { "prometheus-alertmanager", "Alertmanager", "/api/v2/status", "http://127.0.0.1:9093", "", "" },
  { "alpaca", "Alpaca", "/v2/account", "https://paper-api.alpaca.markets", "key_id secret_key",
    "APCA-API-KEY-ID APCA-API-SECRET-KEY" },
  { "autotrader", "Autotrader", "/api/health", "http://127.0.0.1:8000", "api_key", "X-API-Key" },
  { "ibkr-assistant", "IBKR Assistant", "/api/v1/health", "http://127.0.0.1:8000", "api_key", "X-API-Key" },
  { "investiq", "InvestIQ", "/health", "http://127.0.0.1:3000", "api_key live_trading_key", "X-API-Key" },
  { "ofrep", "OpenFeature flags (OFREP)", "/ofrep/v1/configuration", "http://127.0.0.1:8016", "api_key",
    "X-API-Key" },
};

static void
test_shipped (void)
{
  g_autoptr(TwConnectorRegistry) registry = load_registry ();
  g_autoptr(GHashTable) secrets = vars_new ("api_key", "k-1", "key_id", "PK1",
                                            "secret_key", "s-1", NULL);
  GListModel *model = tw_connector_registry_get_model (registry);

  g_autoptr(GPtrArray) http = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_cmpuint (tw_connector_registry_get_problems (registry)->len, ==, 0);
  /* The connectors that speak HTTP; the commands ones (cron-bot) are test-cron-bot's. */
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TwConnector) item = g_list_model_get_item (model, i);

      if (!tw_connector_is_commands (item))
        g_ptr_array_add (http, g_steal_pointer (&item));
    }
  g_assert_cmpuint (http->len, ==, G_N_ELEMENTS (shipped));

  for (guint i = 0; i < G_N_ELEMENTS (shipped); i++)
    {
      TwConnector *item = g_ptr_array_index (http, i);
      TwConnector *connector = tw_connector_registry_lookup (registry, shipped[i].id);
      g_auto(GStrv) secret_names = g_strsplit (shipped[i].secrets, " ", -1);
      g_auto(GStrv) header_names = g_strsplit (shipped[i].header_names, " ", -1);
      g_autoptr(GHashTable) headers = NULL;
      g_autoptr(GPtrArray) used = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      g_autofree char *expected_origin = NULL;
      const TwOperation *health;
      GPtrArray *specs;

      /* Sorted by name. */
      g_assert_true (item == connector);
      g_assert_cmpstr (tw_connector_get_id (connector), ==, shipped[i].id);
      g_assert_cmpstr (tw_connector_get_name (connector), ==, shipped[i].name);
      g_assert_cmpstr (tw_connector_get_default_base_url (connector), ==, shipped[i].base_url);
      g_assert_cmpstr (tw_connector_get_description (connector), !=, "");
      expected_origin = g_strdup_printf ("resource:///io/github/tradewarden/TradeWarden/connectors/%s.json",
                                         shipped[i].id);
      g_assert_cmpstr (tw_connector_get_origin (connector), ==, expected_origin);

      specs = tw_connector_get_secrets (connector);
      g_assert_cmpuint (specs->len, ==, g_strv_length (secret_names));
      for (guint j = 0; j < specs->len; j++)
        {
          TwSecretSpec *spec = g_ptr_array_index (specs, j);

          g_assert_cmpstr (spec->name, ==, secret_names[j]);
          g_assert_nonnull (spec->label);
          /* The runbooks' .env files name every trading system's keys; no runbook names
           * a flag service's. */
          if (g_str_equal (shipped[i].id, "ofrep"))
            g_assert_null (spec->env);
          else
            g_assert_nonnull (spec->env);
        }

      health = tw_connector_get_operation (connector, "health");
      g_assert_nonnull (health);
      g_assert_true (tw_connector_has_operation (connector, "health"));
      g_assert_false (tw_connector_has_operation (connector, "no.such-op"));
      g_assert_cmpstr (tw_operation_get_name (health), ==, "health");
      g_assert_cmpstr (tw_operation_get_method (health), ==, "GET");
      g_assert_false (tw_operation_is_list (health));
      path = tw_operation_expand_path (health, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (path, ==, shipped[i].path);
      g_assert_null (tw_operation_expand_body (health, NULL, &error));
      g_assert_no_error (error);

      headers = tw_operation_expand_headers (health, NULL, lookup_secret, secrets, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_hash_table_size (headers), ==, g_strv_length (header_names));
      for (guint j = 0; header_names[j] != NULL; j++)
        g_assert_nonnull (g_hash_table_lookup (headers, header_names[j]));

      used = tw_operation_list_secret_names (health);
      g_assert_cmpuint (used->len, >=, secret_names[0] != NULL ? 1 : 0);
    }

  {
    TwConnector *alpaca = tw_connector_registry_lookup (registry, "alpaca");
    TwSecretSpec *key_id = g_ptr_array_index (tw_connector_get_secrets (alpaca), 0);
    TwSecretSpec *secret_key = g_ptr_array_index (tw_connector_get_secrets (alpaca), 1);
    g_autoptr(GHashTable) headers = NULL;

    g_assert_cmpstr (key_id->label, ==, "API key ID");
    g_assert_cmpstr (key_id->env, ==, "ALPACA_API_KEY");
    g_assert_cmpstr (secret_key->env, ==, "ALPACA_SECRET_KEY");
    headers = tw_operation_expand_headers (tw_connector_get_operation (alpaca, "health"), NULL,
                                           lookup_secret, secrets, NULL);
    g_assert_cmpstr (g_hash_table_lookup (headers, "apca-api-key-id"), ==, "PK1");
    g_assert_cmpstr (g_hash_table_lookup (headers, "APCA-API-SECRET-KEY"), ==, "s-1");
  }

  g_assert_null (tw_connector_registry_lookup (registry, "nope"));
}

/* Templates */

#define TEMPLATES_CONNECTOR \
  "{\"format\": 1, \"id\": \"t\", \"name\": \"T\"," \
  " \"secrets\": [{\"name\": \"api_key\", \"label\": \"API key\"}," \
  "               {\"name\": \"live\", \"label\": \"Live key\", \"required\": false}]," \
  " \"headers\": {\"X-API-Key\": \"${secret:api_key}\", \"X-Client\": \"tradewarden\"}," \
  " \"operations\": {" \
  "  \"positions.close\": {\"method\": \"DELETE\", \"path\": \"/v2/positions/${symbol}\"," \
  "    \"query\": {\"qty\": \"${qty}\", \"percentage\": \"${percentage}\", \"cancel_orders\": \"true\"}," \
  "    \"headers\": {\"X-Live-Trading-Key\": \"${secret:live}\", \"x-client\": \"tw-${who}\"}}," \
  "  \"trading.halt\": {\"method\": \"POST\", \"path\": \"/api/risk/trading-halt\"," \
  "    \"body\": {\"halt\": true, \"reason\": \"${reason}\", \"qty\": \"${qty:raw}\", \"tags\": [\"${tag}\"]}}," \
  "  \"text.body\": {\"method\": \"PUT\", \"path\": \"/x\", \"body\": \"{\\\"n\\\": ${n:raw}, \\\"s\\\": \\\"${s}\\\"}\"}" \
  " }}"

static void
test_path (void)
{
  g_autoptr(TwConnector) connector = load (TEMPLATES_CONNECTOR);
  const TwOperation *op = tw_connector_get_operation (connector, "positions.close");
  g_autoptr(GHashTable) vars = vars_new ("symbol", "a b/c", NULL);
  g_autoptr(GHashTable) no_symbol = vars_new ("qty", "5", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *missing = NULL;

  g_assert_cmpstr (tw_operation_get_path_template (op), ==, "/v2/positions/${symbol}");
  g_assert_cmpstr (tw_operation_get_method (op), ==, "DELETE");

  /* Unset "qty" and "percentage": both left out. */
  path = tw_operation_expand_path (op, vars, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, "/v2/positions/a%20b%2Fc?cancel_orders=true");
  g_clear_pointer (&path, g_free);

  g_hash_table_insert (vars, g_strdup ("qty"), g_strdup ("5"));
  path = tw_operation_expand_path (op, vars, &error);
  g_assert_cmpstr (path, ==, "/v2/positions/a%20b%2Fc?qty=5&cancel_orders=true");
  g_clear_pointer (&path, g_free);

  g_hash_table_remove (vars, "qty");
  g_hash_table_insert (vars, g_strdup ("percentage"), g_strdup ("50"));
  path = tw_operation_expand_path (op, vars, &error);
  g_assert_cmpstr (path, ==, "/v2/positions/a%20b%2Fc?percentage=50&cancel_orders=true");
  g_clear_pointer (&path, g_free);

  /* A value cannot add parameters of its own. */
  g_hash_table_insert (vars, g_strdup ("percentage"), g_strdup ("1&qty=2"));
  g_hash_table_insert (vars, g_strdup ("symbol"), g_strdup ("../orders"));
  path = tw_operation_expand_path (op, vars, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, "/v2/positions/..%2Forders?percentage=1%26qty%3D2&cancel_orders=true");

  missing = tw_operation_expand_path (op, no_symbol, &error);
  g_assert_null (missing);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "T: operation \"positions.close\" needs a value for \"symbol\" in its path "
                   "\"/v2/positions/${symbol}\"");
  g_clear_error (&error);

  missing = tw_operation_expand_path (op, NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
}

static void
test_body (void)
{
  g_autoptr(TwConnector) connector = load (TEMPLATES_CONNECTOR);
  const TwOperation *halt = tw_connector_get_operation (connector, "trading.halt");
  const TwOperation *text = tw_connector_get_operation (connector, "text.body");
  g_autoptr(GHashTable) vars = vars_new ("reason", "he said \"hi\"\n", "qty", "12.5",
                                         "tag", "a\\b", NULL);
  g_autoptr(GHashTable) text_vars = vars_new ("n", "3", "s", "x\ty", NULL);
  g_autoptr(GHashTable) partial = vars_new ("qty", "1", "tag", "t", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) parsed = NULL;
  g_autofree char *body = NULL;
  g_autofree char *text_body = NULL;
  JsonObject *object;

  body = tw_operation_expand_body (halt, vars, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (body, ==,
                   "{\"halt\":true,\"reason\":\"he said \\\"hi\\\"\\n\",\"qty\":12.5,\"tags\":[\"a\\\\b\"]}");
  parsed = parse (body);
  object = json_node_get_object (parsed);
  g_assert_cmpstr (json_object_get_string_member (object, "reason"), ==, "he said \"hi\"\n");
  g_assert_cmpfloat (json_object_get_double_member (object, "qty"), ==, 12.5);
  g_assert_true (json_object_get_boolean_member (object, "halt"));
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (object, "tags"), 0), ==, "a\\b");

  /* A string body: placeholders written bare. */
  text_body = tw_operation_expand_body (text, text_vars, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text_body, ==, "{\"n\": 3, \"s\": \"x\\ty\"}");

  /* ":raw" takes JSON values only: no injection of members. */
  g_hash_table_insert (vars, g_strdup ("qty"), g_strdup ("1, \"admin\": true"));
  g_clear_pointer (&body, g_free);
  body = tw_operation_expand_body (halt, vars, &error);
  g_assert_null (body);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "\"qty\" must be a number, true, false"));
  g_clear_error (&error);

  body = tw_operation_expand_body (halt, partial, &error);
  g_assert_null (body);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "T: operation \"trading.halt\" needs a value for \"reason\" in its body");
  g_clear_error (&error);

  /* No body at all: NULL without an error. */
  g_assert_null (tw_operation_expand_body (tw_connector_get_operation (connector, "positions.close"),
                                           vars, &error));
  g_assert_no_error (error);
}

static void
test_headers (void)
{
  g_autoptr(TwConnector) connector = load (TEMPLATES_CONNECTOR);
  const TwOperation *close = tw_connector_get_operation (connector, "positions.close");
  const TwOperation *halt = tw_connector_get_operation (connector, "trading.halt");
  g_autoptr(GHashTable) secrets = vars_new ("api_key", "k-123", "live", "L-9", NULL);
  g_autoptr(GHashTable) only_live = vars_new ("live", "L-9", NULL);
  g_autoptr(GHashTable) only_key = vars_new ("api_key", "k-123", NULL);
  g_autoptr(GHashTable) vars = vars_new ("who", "ops", NULL);
  g_autoptr(GHashTable) bad_vars = vars_new ("who", "ops\r\nX-Evil: 1", NULL);
  g_autoptr(GHashTable) headers = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) error = NULL;

  headers = tw_operation_expand_headers (close, vars, lookup_secret, secrets, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (headers), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (headers, "X-API-Key"), ==, "k-123");
  g_assert_cmpstr (g_hash_table_lookup (headers, "X-Live-Trading-Key"), ==, "L-9");
  /* The operation's header replaces the connector's, whatever the case of its name. */
  g_assert_cmpstr (g_hash_table_lookup (headers, "X-Client"), ==, "tw-ops");
  g_clear_pointer (&headers, g_hash_table_unref);

  /* Without its variable the operation's header is left out: the connector's stays. */
  headers = tw_operation_expand_headers (close, NULL, lookup_secret, secrets, &error);
  g_assert_cmpstr (g_hash_table_lookup (headers, "X-Client"), ==, "tradewarden");
  g_clear_pointer (&headers, g_hash_table_unref);

  /* An optional secret that is not set: header left out. */
  headers = tw_operation_expand_headers (close, vars, lookup_secret, only_key, &error);
  g_assert_no_error (error);
  g_assert_null (g_hash_table_lookup (headers, "X-Live-Trading-Key"));
  g_assert_cmpuint (g_hash_table_size (headers), ==, 2);
  g_clear_pointer (&headers, g_hash_table_unref);

  /* A required one: the lookup's error, with no secret in it. */
  headers = tw_operation_expand_headers (close, vars, lookup_secret, only_live, &error);
  g_assert_null (headers);
  g_assert_error (error, TW_ERROR, TW_ERROR_SECRET);
  g_assert_null (strstr (error->message, "L-9"));
  g_clear_error (&error);

  headers = tw_operation_expand_headers (halt, NULL, NULL, NULL, &error);
  g_assert_null (headers);
  g_assert_error (error, TW_ERROR, TW_ERROR_SECRET);
  g_assert_cmpstr (error->message, ==, "T needs the secret \"API key\", which is not set: enter it in the service's settings");
  g_clear_error (&error);

  /* No header injection through a variable. */
  headers = tw_operation_expand_headers (close, bad_vars, lookup_secret, secrets, &error);
  g_assert_null (headers);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_clear_error (&error);

  names = tw_operation_list_secret_names (close);
  g_assert_cmpuint (names->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "api_key");
  g_assert_cmpstr (g_ptr_array_index (names, 1), ==, "live");
  g_clear_pointer (&names, g_ptr_array_unref);
  names = tw_operation_list_secret_names (halt);
  g_assert_cmpuint (names->len, ==, 1);
}

static void
test_operations (void)
{
  g_autoptr(TwConnector) connector = load (TEMPLATES_CONNECTOR);
  g_autoptr(GPtrArray) names = tw_connector_list_operations (connector);

  g_assert_cmpuint (names->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "positions.close");
  g_assert_cmpstr (g_ptr_array_index (names, 1), ==, "text.body");
  g_assert_cmpstr (g_ptr_array_index (names, 2), ==, "trading.halt");
  g_assert_null (tw_connector_get_operation (connector, "health"));
  g_assert_cmpstr (tw_connector_get_origin (connector), ==, "test.json");
  g_assert_null (tw_connector_get_default_base_url (connector));
  g_assert_cmpstr (tw_connector_get_description (connector), ==, "");
  g_assert_finalize_object (g_steal_pointer (&connector));
}

/* The loader's refusals */

#define HEAD "\"format\": 1, \"id\": \"x\", \"name\": \"X\""
#define OPS(op) "\"operations\": {\"health\": " op "}"
#define GET_HEALTH "\"method\": \"GET\", \"path\": \"/health\""

typedef struct
{
  const char *json;
  const char *message;  /* the exact message, or its start when it ends with "…" */
} BadFile;

static const BadFile bad_files[] = {
  { "not json at all", "x.json: line 1: unexpected identifier `not', expected value" },
  { "{\n  " HEAD ",\n  \"description\": nope\n}", "x.json: line 3: …" },
  { "", "x.json: the file is empty; a connector is a JSON object" },
  { "[1, 2]", "x.json: a connector is a JSON object, not an array" },
  { "{\"id\": \"x\"}", "x.json: \"format\" is missing (this version reads \"format\": 1)" },
  { "{\"format\": 2, \"id\": \"x\"}", "x.json: \"format\" is 2, but this version of Trade Warden reads format 1 only" },
  { "{\"format\": \"1\"}", "x.json: \"format\" is \"1\", but this version of Trade Warden reads format 1 only" },
  { "{\"format\": 1, \"name\": \"X\", " OPS ("{" GET_HEALTH "}") "}", "x.json: \"id\" is missing" },
  { "{\"format\": 1, \"id\": \"X Y\", \"name\": \"X\", " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"id\" \"X Y\" may only use a-z, 0-9 and \"-\"" },
  { "{\"format\": 1, \"id\": \"x\", " OPS ("{" GET_HEALTH "}") "}", "x.json: \"name\" is missing" },
  { "{" HEAD ", \"nmae\": \"X\", " OPS ("{" GET_HEALTH "}") "}", "x.json: unknown key \"nmae\" (expected one of …" },
  { "{" HEAD "}", "x.json: \"operations\" is missing" },
  { "{" HEAD ", \"operations\": {}}", "x.json: \"operations\" is empty: a connector needs at least one (e.g. \"health\")" },
  { "{" HEAD ", \"operations\": []}", "x.json: \"operations\" must be an object, not an array" },
  { "{" HEAD ", \"operations\": {\"Health!\": {" GET_HEALTH "}}}",
    "x.json: operation name \"Health!\" may only use a-z, 0-9, \"_\", \".\" and \"-\"" },
  { "{" HEAD ", " OPS ("{\"method\": \"FETCH\", \"path\": \"/health\"}") "}",
    "x.json: operation \"health\": \"method\" must be one of GET, POST, PUT, PATCH, DELETE, not \"FETCH\"" },
  { "{" HEAD ", " OPS ("{\"path\": \"/health\"}") "}", "x.json: operation \"health\": \"method\" is missing" },
  { "{" HEAD ", " OPS ("{\"method\": \"GET\", \"path\": \"health\"}") "}",
    "x.json: operation \"health\": \"path\" must start with \"/\"" },
  { "{" HEAD ", " OPS ("{\"method\": \"GET\", \"path\": \"//evil.example/x\"}") "}",
    "x.json: operation \"health\": \"path\" must not start with \"//\" (it would name another host)" },
  { "{" HEAD ", " OPS ("{\"method\": \"GET\", \"path\": \"/x/${sym\"}") "}",
    "x.json: operation \"health\": \"path\": \"${\" is not closed by \"}\" (write \"${name}\")" },
  { "{" HEAD ", " OPS ("{\"method\": \"GET\", \"path\": \"/x/${a b}\"}") "}",
    "x.json: operation \"health\": \"path\": \"${a b}\" is not a placeholder …" },
  { "{" HEAD ", " OPS ("{" GET_HEALTH ", \"pathh\": \"/x\"}") "}",
    "x.json: operation \"health\": unknown key \"pathh\" (expected one of …" },
  { "{" HEAD ", " OPS ("{" GET_HEALTH ", \"map\": {\"equity\": \"abc\"}}") "}",
    "x.json: operation \"health\": \"map\": \"equity\": \"abc\" is not a JSON Pointer" },
  { "{" HEAD ", " OPS ("{" GET_HEALTH ", \"map\": {\"equity\": {\"pointer\": \"/e\", \"requird\": true}}}") "}",
    "x.json: operation \"health\": \"map\": \"equity\": unknown key \"requird\" …" },
  { "{" HEAD ", " OPS ("{" GET_HEALTH ", \"map\": {\"9lives\": \"/x\"}}") "}",
    "x.json: operation \"health\": \"map\": \"9lives\" is not a property name …" },
  { "{" HEAD ", " OPS ("{" GET_HEALTH ", \"result\": \"data\"}") "}",
    "x.json: operation \"health\": \"result\": \"data\" is not a JSON Pointer …" },
  { "{" HEAD ", " OPS ("{" GET_HEALTH ", \"key\": \"/symbol\"}") "}",
    "x.json: operation \"health\": \"key\" needs \"list\": true (it names the identity of each element)" },
  { "{" HEAD ", " OPS ("{" GET_HEALTH ", \"list\": \"yes\"}") "}",
    "x.json: operation \"health\": \"list\" must be true or false, not a string" },
  { "{" HEAD ", " OPS ("{" GET_HEALTH ", \"body\": 42}") "}",
    "x.json: operation \"health\": \"body\" must be an object, an array or a string, not a number" },
  { "{" HEAD ", \"headers\": {\"X-API-Key\": \"${secret:api}\"}, " OPS ("{" GET_HEALTH "}") "}",
    "x.json: header \"X-API-Key\" uses secret \"api\" that is not declared in \"secrets\"" },
  { "{" HEAD ", " OPS ("{" GET_HEALTH ", \"headers\": {\"X-Live\": \"${secret:live}\"}}") "}",
    "x.json: operation \"health\": header \"X-Live\" uses secret \"live\" that is not declared in \"secrets\"" },
  { "{" HEAD ", \"secrets\": [{\"name\": \"k\"}], " OPS ("{\"method\": \"GET\", \"path\": \"/h/${secret:k}\"}") "}",
    "x.json: operation \"health\": \"path\" uses secret \"k\": secrets may only be used in \"headers\" …" },
  { "{" HEAD ", \"secrets\": [{\"name\": \"k\"}], " OPS ("{" GET_HEALTH ", \"query\": {\"key\": \"${secret:k}\"}}") "}",
    "x.json: operation \"health\": query parameter \"key\" uses secret \"k\": secrets may only be used in \"headers\" …" },
  { "{" HEAD ", " OPS ("{\"method\": \"GET\", \"path\": \"/h/${n:raw}\"}") "}",
    "x.json: operation \"health\": \"path\": \"${n:raw}\" may only be used in \"body\"" },
  { "{" HEAD ", \"headers\": {\"Bad Header\": \"v\"}, " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"headers\": \"Bad Header\" is not a valid header name" },
  { "{" HEAD ", \"secrets\": [{\"name\": \"Api-Key\"}], " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"secrets\"[0]: secret name \"Api-Key\" may only use a-z, 0-9 and \"_\"" },
  { "{" HEAD ", \"secrets\": [{\"name\": \"k\"}, {\"name\": \"k\"}], " OPS ("{" GET_HEALTH "}") "}",
    "x.json: secret \"k\" is declared twice" },
  { "{" HEAD ", \"secrets\": [{\"label\": \"K\"}], " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"secrets\"[0]: \"name\" is missing" },
  { "{" HEAD ", \"default_base_url\": \"ftp://x\", " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"default_base_url\" \"ftp://x\" is not an http:// or https:// URL" },
  { "{" HEAD ", " OPS ("{" GET_HEALTH ", \"health\": {\"ok\": [\"up\"]}}") "}",
    "x.json: operation \"health\": \"health\": \"pointer\" is missing" },
  { "{" HEAD ", " OPS ("{" GET_HEALTH ", \"health\": {\"pointer\": \"/s\", \"down\": [\"x\"]}}") "}",
    "x.json: operation \"health\": \"health\": \"ok\" must list at least one word" },
  { "{" HEAD ", " OPS ("{" GET_HEALTH ", \"health\": {\"pointer\": \"/s\", \"ok\": [\"up\"], \"down\": [\"UP\"]}}") "}",
    "x.json: operation \"health\": \"health\": \"up\" is listed twice" },
  { "{" HEAD ", " OPS ("{" GET_HEALTH ", \"health\": {\"pointer\": \"/s\", \"ok\": [1]}}") "}",
    "x.json: operation \"health\": \"health\": \"ok\" may only hold strings and booleans, not a number" },
  { "{" HEAD ", " OPS ("{" GET_HEALTH ", \"components\": {\"pointer\": \"/c\", \"name\": \"name\"}}") "}",
    "x.json: operation \"health\": \"components\": \"name\" must be \"@key\" or a JSON Pointer, not \"name\"" },
  { "{" HEAD ", " OPS ("{" GET_HEALTH ", \"components\": {\"name\": \"@key\"}}") "}",
    "x.json: operation \"health\": \"components\": \"pointer\" is missing" },
  { "{" HEAD ", " OPS ("{" GET_HEALTH ", \"components\": {\"pointer\": \"/c\", \"map\": {\"detail\": \"msg\"}}}") "}",
    "x.json: operation \"health\": \"components\": \"map\": \"detail\": \"msg\" is not a JSON Pointer" },
  /* What the console knows of a system beyond its operations. */
  { "{" HEAD ", \"roles\": [\"borker\"], " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"roles\": \"borker\" is not allowed here (it must be an array of roles (known: broker, alertmanager))" },
  { "{" HEAD ", \"roles\": \"broker\", " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"roles\" must be an array of roles (known: broker, alertmanager), not a string" },
  { "{" HEAD ", \"hosts\": {\"live\": [\"https://api.x.com\"]}, " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"hosts\": \"live\": \"https://api.x.com\" is not allowed here (it must be an array of host names …" },
  { "{" HEAD ", \"hosts\": {\"live\": [\"a.x.com\"], \"paper\": [\"A.x.com\"]}, " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"hosts\": \"a.x.com\" is listed as both live and paper" },
  { "{" HEAD ", \"hosts\": {\"demo\": [\"a.x.com\"]}, " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"hosts\": unknown key \"demo\" (expected one of live, paper)" },
  { "{" HEAD ", \"hosts\": {}, " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"hosts\" must name at least one live or paper host" },
  { "{" HEAD ", \"env\": {\"base_url\": [\"X URL\"]}, " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"env\": \"base_url\"[0]: \"X URL\" is not an environment variable name …" },
  { "{" HEAD ", \"env\": {\"base_url\": []}, " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"env\": \"base_url\" must name at least one variable" },
  { "{" HEAD ", \"env\": {\"base_url_strip\": \"/v2\"}, " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"env\": \"base_url_strip\" needs \"base_url\"" },
  { "{" HEAD ", \"env\": {\"base_url\": \"X_URL\", \"base_url_strip\": \"v2\"}, " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"env\": \"base_url_strip\" must be a path such as \"/v2\"" },
  { "{" HEAD ", \"env\": {\"mode\": [{\"variable\": \"ENV\", \"paper\": [\"paper\"]}]}, " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"env\": \"mode\"[0]: \"live\" must list at least one word (e.g. [\"live\"])" },
  { "{" HEAD ", \"env\": {\"mode\": [{\"variable\": \"ENV\", \"live\": [\"on\"], \"paper\": [\"ON\"]}]}, " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"env\": \"mode\"[0]: \"on\" is listed as both live and paper" },
  { "{" HEAD ", \"secrets\": [{\"name\": \"k\", \"env\": [\"K\", \"K\"]}], " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"secrets\"[0]: \"env\"[1]: \"K\" is listed twice" },
  { "{" HEAD ", \"secrets\": [{\"name\": \"k\", \"env\": {\"name\": \"K\", \"list\": \"\"}}], " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"secrets\"[0]: \"env\": \"list\" must be the separator, e.g. \",\"" },
  { "{" HEAD ", \"secrets\": [{\"name\": \"k\", \"format\": {\"pattern\": \"[a-\", \"message\": \"m\"}}], " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"secrets\"[0]: \"format\": \"pattern\" is not a regular expression: …" },
  { "{" HEAD ", \"secrets\": [{\"name\": \"k\", \"format\": {\"pattern\": \"k[0-9]+\"}}], " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"secrets\"[0]: \"format\": \"message\" is missing (it tells people what a valid value looks like)" },
  { "{" HEAD ", \"refusals\": [{\"contains\": \"held\", \"means\": \"held\"}], " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"refusals\"[0]: \"means\" must be held-for-orders or not-cancelable, not \"held\" (write your own words in \"text\")" },
  { "{" HEAD ", \"refusals\": [{\"contains\": \"x\", \"means\": \"not-cancelable\", \"text\": \"t\"}], " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"refusals\"[0]: give either \"means\" (held-for-orders, not-cancelable) or \"text\", not both or neither" },
  { "{" HEAD ", \"refusals\": [{\"status\": 207, \"contains\": \"x\", \"text\": \"t\"}], " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"refusals\"[0]: \"status\" must be an HTTP error status (400 to 599)" },
  { "{" HEAD ", \"refusals\": [{\"status\": 409, \"text\": \"t\"}], " OPS ("{" GET_HEALTH "}") "}",
    "x.json: \"refusals\"[0]: \"contains\" is missing …" },
};

static void
test_bad_files (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_files); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TwConnector) connector = NULL;
      const char *expected = bad_files[i].message;

      g_test_message ("bad file %u: %s", i, bad_files[i].json);
      connector = tw_connector_new_from_data (bad_files[i].json, -1, "x.json", &error);
      g_assert_null (connector);
      g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);

      if (g_str_has_suffix (expected, "…"))
        {
          g_autofree char *prefix = g_strndup (expected, strlen (expected) - strlen ("…"));

          if (!g_str_has_prefix (error->message, prefix))
            g_error ("bad file %u: got \"%s\", expected it to start with \"%s\"", i, error->message, prefix);
        }
      else
        g_assert_cmpstr (error->message, ==, expected);
    }
}

/* The shipped connectors' traits, as the runbooks give them. */
static void
test_shipped_traits (void)
{
  g_autoptr(TwConnectorRegistry) registry = load_registry ();
  TwConnector *alpaca = tw_connector_registry_lookup (registry, "alpaca");
  TwConnector *investiq = tw_connector_registry_lookup (registry, "investiq");
  TwConnector *ibkr = tw_connector_registry_lookup (registry, "ibkr-assistant");
  const TwSecretSpec *key_id = tw_connector_get_secret (alpaca, "key_id");
  g_autoptr(GError) error = NULL;
  const char *text = NULL;
  TwMode mode = TW_MODE_PAPER;

  /* The broker is Alpaca alone. */
  g_assert_true (tw_connector_has_role (alpaca, TW_CONNECTOR_ROLE_BROKER));
  g_assert_false (tw_connector_has_role (investiq, TW_CONNECTOR_ROLE_BROKER));
  g_assert_false (tw_connector_has_role (ibkr, TW_CONNECTOR_ROLE_BROKER));

  /* The InvestIQ runbook's PRODUCTION CHECK: paper-api is paper, api is live. */
  g_assert_true (tw_connector_mode_for_url (alpaca, "https://API.alpaca.markets/v2", &mode));
  g_assert_cmpint (mode, ==, TW_MODE_LIVE);
  g_assert_true (tw_connector_mode_for_url (alpaca, "https://paper-api.alpaca.markets", &mode));
  g_assert_cmpint (mode, ==, TW_MODE_PAPER);
  g_assert_false (tw_connector_mode_for_url (alpaca, "http://127.0.0.1:9000", &mode));
  g_assert_false (tw_connector_mode_for_url (alpaca, "not a url", &mode));
  g_assert_false (tw_connector_has_hosts (investiq));

  /* Key IDs: PK or AK and 16 to 20 letters and digits, the whole value. */
  g_assert_nonnull (key_id);
  g_assert_cmpuint (key_id->env_variables->len, ==, 2);
  g_assert_cmpstr (key_id->env, ==, "ALPACA_API_KEY");
  g_assert_true (tw_connector_check_secret (alpaca, "key_id", "PKTEST1234567890ABCD", &error));
  g_assert_no_error (error);
  g_assert_true (tw_connector_check_secret (alpaca, "secret_key", "anything", &error));
  g_assert_no_error (error);
  g_assert_false (tw_connector_check_secret (alpaca, "key_id", "xPKTEST1234567890ABCD", &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_assert_null (strstr (error->message, "xPKTEST"));
  g_clear_error (&error);
  g_assert_false (tw_connector_check_secret (alpaca, "key_id", "PKTEST1234567890ABCD ", &error));
  g_clear_error (&error);

  /* API_KEYS: a list, the first key counts; shared with the bots that use it too. */
  {
    const TwSecretSpec *api_key = tw_connector_get_secret (investiq, "api_key");
    const TwSecretSpec *ibkr_key = tw_connector_get_secret (ibkr, "api_key");
    const TwEnvVariable *own = g_ptr_array_index (api_key->env_variables, 0);
    const TwEnvVariable *shared = g_ptr_array_index (ibkr_key->env_variables, 1);

    g_assert_cmpstr (own->name, ==, "API_KEYS");
    g_assert_cmpstr (own->separator, ==, ",");
    g_assert_false (own->shared);
    g_assert_cmpstr (shared->name, ==, "API_KEYS");
    g_assert_true (shared->shared);
  }

  /* The IBKR runbook's switches. */
  g_assert_cmpuint (tw_connector_get_env_mode (ibkr)->len, ==, 2);
  g_assert_cmpstr (tw_connector_get_env_base_url_strip (alpaca), ==, "/v2");

  /* Refusals: words and status must both match. */
  g_assert_cmpint (tw_connector_match_refusal (alpaca, 403, "Insufficient qty available for order", &text),
                   ==, TW_REFUSAL_HELD_FOR_ORDERS);
  g_assert_null (text);
  g_assert_cmpint (tw_connector_match_refusal (alpaca, 422, "insufficient qty available", NULL),
                   ==, TW_REFUSAL_UNKNOWN);
  g_assert_cmpint (tw_connector_match_refusal (alpaca, 422, "order is not cancelable", NULL),
                   ==, TW_REFUSAL_NOT_CANCELABLE);
  g_assert_cmpint (tw_connector_match_refusal (investiq, 422, "order is not cancelable", NULL),
                   ==, TW_REFUSAL_UNKNOWN);
}

static void
test_good_file_variants (void)
{
  /* Things that must load: comments, future operations, booleans in health lists. */
  static const char * const good[] = {
    "{" HEAD ", \"_comment\": \"hi\", " OPS ("{" GET_HEALTH ", \"_note\": 1}") "}",
    "{" HEAD ", \"operations\": {\"flags.enable\": {\"method\": \"POST\", \"path\": \"/f/${flag}/enable\"}}}",
    "{" HEAD ", " OPS ("{" GET_HEALTH ", \"health\": {\"pointer\": \"/connected\", \"ok\": [true], \"down\": [false]}}") "}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(TwConnector) connector = load (good[i]);

      g_assert_cmpstr (tw_connector_get_id (connector), ==, "x");
    }

  {
    g_autoptr(TwConnector) connector = load (good[2]);
    const TwOperation *op = tw_connector_get_operation (connector, "health");
    g_autoptr(JsonNode) up = parse ("{\"connected\": true}");
    g_autoptr(JsonNode) down = parse ("{\"connected\": false}");

    g_assert_cmpint (tw_operation_eval_health (op, up, NULL), ==, TW_HEALTH_OK);
    g_assert_cmpint (tw_operation_eval_health (op, down, NULL), ==, TW_HEALTH_DOWN);
  }
}

/* User connectors */

static void
write_user_file (const char *name,
                 const char *contents)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "tradewarden", "connectors", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
test_user_override (void)
{
  static const char * const expected_names[] = {
    "AI Trading", "Alertmanager", "Alpaca (live)", "Autotrader", "Cron bot", "Freqtrade", "IBKR Assistant",
    "InvestIQ", "OpenFeature flags (OFREP)"
  };
  TwConnectorRegistry *registry;
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "tradewarden", "connectors", NULL);
  g_autofree char *broken = g_build_filename (dir, "broken.json", NULL);
  g_autofree char *expected_problem = NULL;
  g_autoptr(GFile) dir_file = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  TwConnector *alpaca;
  GListModel *model;
  GPtrArray *problems;

  write_user_file ("my-alpaca.json",
                   "{\"format\": 1, \"id\": \"alpaca\", \"name\": \"Alpaca (live)\","
                   " \"default_base_url\": \"https://api.alpaca.markets\","
                   " \"secrets\": [{\"name\": \"key_id\"}, {\"name\": \"secret_key\"}],"
                   " \"headers\": {\"APCA-API-KEY-ID\": \"${secret:key_id}\", \"APCA-API-SECRET-KEY\": \"${secret:secret_key}\"},"
                   " \"operations\": {\"health\": {\"method\": \"GET\", \"path\": \"/v2/clock\"}}}");
  write_user_file ("broken.json",
                   "{\"format\": 1, \"id\": \"broken\", \"name\": \"Broken\","
                   " \"operations\": {\"health\": {\"method\": \"GET\", \"path\": \"health\"}}}");
  write_user_file ("freqtrade.json",
                   "{\"format\": 1, \"id\": \"freqtrade\", \"name\": \"Freqtrade\","
                   " \"operations\": {\"health\": {\"method\": \"GET\", \"path\": \"/api/v1/ping\","
                   " \"health\": {\"pointer\": \"/status\", \"ok\": [\"pong\"]}}}}");
  write_user_file ("README.txt", "not a connector");

  registry = load_registry ();
  problems = tw_connector_registry_get_problems (registry);
  g_assert_cmpuint (problems->len, ==, 1);
  expected_problem = g_strdup_printf ("%s: operation \"health\": \"path\" must start with \"/\"", broken);
  g_assert_cmpstr (g_ptr_array_index (problems, 0), ==, expected_problem);

  alpaca = tw_connector_registry_lookup (registry, "alpaca");
  g_assert_cmpstr (tw_connector_get_name (alpaca), ==, "Alpaca (live)");
  g_assert_cmpstr (tw_connector_get_default_base_url (alpaca), ==, "https://api.alpaca.markets");
  g_assert_true (g_str_has_prefix (tw_connector_get_origin (alpaca), "file:///"));
  g_assert_true (g_str_has_suffix (tw_connector_get_origin (alpaca), "/my-alpaca.json"));
  g_assert_null (tw_connector_registry_lookup (registry, "broken"));
  g_assert_nonnull (tw_connector_registry_lookup (registry, "freqtrade"));
  g_assert_cmpstr (tw_connector_get_origin (tw_connector_registry_lookup (registry, "investiq")), ==,
                   "resource:///io/github/tradewarden/TradeWarden/connectors/investiq.json");

  model = tw_connector_registry_get_model (registry);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, G_N_ELEMENTS (expected_names));
  for (guint i = 0; i < G_N_ELEMENTS (expected_names); i++)
    {
      g_autoptr(TwConnector) connector = g_list_model_get_item (model, i);

      g_assert_cmpstr (tw_connector_get_name (connector), ==, expected_names[i]);
    }

  /* Loading the folder again: the same refusal, reported as an error too. */
  g_assert_false (tw_connector_registry_load_dir (registry, dir_file, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, expected_problem);
  g_assert_cmpuint (problems->len, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, G_N_ELEMENTS (expected_names));

  /* A fresh default load forgets the old problems. */
  tw_connector_registry_load_default (registry);
  g_assert_cmpuint (tw_connector_registry_get_problems (registry)->len, ==, 1);

  g_assert_finalize_object (registry);
}

/* A folder named like a connector file is reported, and a huge file refused before it
 * is read whole; the other files still load. */
static void
test_folder_and_size (void)
{
  g_autoptr(TwConnectorRegistry) registry = NULL;
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "tradewarden", "connectors", NULL);
  g_autofree char *folder = g_build_filename (dir, "stale.json", NULL);
  g_autoptr(GString) huge = g_string_new ("{\"format\": 1, \"id\": \"huge\", \"name\": \"");
  g_autoptr(GFile) dir_file = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  GPtrArray *problems;

  write_user_file ("freqtrade.json",
                   "{\"format\": 1, \"id\": \"freqtrade\", \"name\": \"Freqtrade\","
                   " \"operations\": {\"health\": {\"method\": \"GET\", \"path\": \"/api/v1/ping\"}}}");
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  while (huge->len < 2 * TW_CONNECTOR_MAX_SIZE)
    g_string_append (huge, "padding padding padding padding padding padding padding padding ");
  g_string_append (huge, "\", \"operations\": {\"health\": {\"method\": \"GET\", \"path\": \"/h\"}}}");
  write_user_file ("huge.json", huge->str);

  registry = load_registry ();
  problems = tw_connector_registry_get_problems (registry);
  g_assert_cmpuint (problems->len, ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (problems, 1), "huge.json: larger than 1024 kB"));
  g_assert_nonnull (strstr (g_ptr_array_index (problems, 0), "stale.json is a folder"));
  g_assert_nonnull (tw_connector_registry_lookup (registry, "freqtrade"));
  g_assert_null (tw_connector_registry_lookup (registry, "huge"));

  g_assert_false (tw_connector_registry_load_dir (registry, dir_file, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "2 connector files were refused"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/connector/shipped", test_shipped);
  g_test_add_func ("/tw/core/connector/shipped-traits", test_shipped_traits);
  g_test_add_func ("/tw/core/connector/path", test_path);
  g_test_add_func ("/tw/core/connector/body", test_body);
  g_test_add_func ("/tw/core/connector/headers", test_headers);
  g_test_add_func ("/tw/core/connector/operations", test_operations);
  g_test_add_func ("/tw/core/connector/bad-files", test_bad_files);
  g_test_add_func ("/tw/core/connector/good-file-variants", test_good_file_variants);
  g_test_add_func ("/tw/core/connector/user-override", test_user_override);
  g_test_add_func ("/tw/core/connector/folder-and-size", test_folder_and_size);

  return g_test_run ();
}
