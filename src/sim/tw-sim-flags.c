/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-sim-flags.h"

#include <string.h>

#include "tw-error.h"
#include "tw-json.h"

typedef struct
{
  const char *name;
  const char *env;
  gboolean    number;
  double      default_value;   /* booleans: 0 or 1 */
} FlagDef;

/* The runbook's seven flags, in its order, with their defaults and variables. */
static const FlagDef defs[] = {
  { "live_trading_mode",          "LIVE_TRADING_MODE",          FALSE, 0 },
  { "auto_approval",              "AUTO_APPROVAL",              FALSE, 0 },
  { "auto_approval_max_notional", "AUTO_APPROVAL_MAX_NOTIONAL", TRUE,  1000.0 },
  { "new_risk_rules",             "NEW_RISK_RULES",             FALSE, 0 },
  { "strict_validation",          "STRICT_VALIDATION",          FALSE, 1 },
  { "enable_dashboard",           "ENABLE_DASHBOARD",           FALSE, 1 },
  { "enable_mcp_server",          "ENABLE_MCP_SERVER",          FALSE, 1 },
};

typedef struct
{
  gboolean set;
  double   value;
} Layer;

/* The OFREP flavor's flags: a handful of a flag service's own, one failing to evaluate. */
typedef struct
{
  const char *key;
  const char *reason;
  const char *variant;
  char       *value;      /* JSON text; NULL: the evaluation fails (errorCode) */
} OfrepFlag;

struct _TwSimFlags
{
  Layer     env[G_N_ELEMENTS (defs)];
  Layer     file[G_N_ELEMENTS (defs)];
  Layer     runtime[G_N_ELEMENTS (defs)];
  OfrepFlag ofrep[5];
  guint     ofrep_version;   /* the ETag: "\"sim-N\"", bumped by every change */
};

static gboolean
parse_env_value (const FlagDef *def,
                 const char    *text,
                 double        *out)
{
  g_autofree char *lower = NULL;
  char *end = NULL;

  if (text == NULL)
    return FALSE;
  if (def->number)
    {
      *out = g_ascii_strtod (text, &end);
      return end != text;
    }
  lower = g_ascii_strdown (text, -1);
  *out = g_str_equal (lower, "true") || g_str_equal (lower, "1") || g_str_equal (lower, "yes");
  return TRUE;
}

static void
read_file (TwSimFlags *flags)
{
  const char *dir = g_getenv ("TW_SIM_DATA_DIR");
  g_autofree char *path = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  JsonObject *object;

  if (dir == NULL || *dir == '\0')
    return;
  path = g_build_filename (dir, "feature_flags.json", NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return;
  parser = json_parser_new ();
  if (!g_file_get_contents (path, &contents, &length, NULL) ||
      !tw_json_parser_load (parser, contents, length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_warning ("%s is not a JSON object: ignored", path);
      return;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  for (guint i = 0; i < G_N_ELEMENTS (defs); i++)
    {
      JsonNode *node = json_object_get_member (object, defs[i].name);

      if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
        continue;
      flags->file[i].set = TRUE;
      if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
        flags->file[i].value = json_node_get_boolean (node);
      else
        flags->file[i].value = json_node_get_double (node);
    }
}

static const OfrepFlag ofrep_defaults[] = {
  { "new-checkout",     "STATIC",          "on",      "true" },
  { "risk-model",       "TARGETING_MATCH", "v2",      "\"v2\"" },
  { "max-position-usd", "DEFAULT",         "default", "50000" },
  { "dark-launch",      "DISABLED",        "off",     "false" },
  { "broken-rule",      NULL,              NULL,      NULL },
};

TwSimFlags *
tw_sim_flags_new (void)
{
  TwSimFlags *flags = g_new0 (TwSimFlags, 1);

  G_STATIC_ASSERT (G_N_ELEMENTS (ofrep_defaults) == G_N_ELEMENTS (flags->ofrep));
  for (guint i = 0; i < G_N_ELEMENTS (ofrep_defaults); i++)
    {
      flags->ofrep[i] = ofrep_defaults[i];
      flags->ofrep[i].value = g_strdup (ofrep_defaults[i].value);
    }
  flags->ofrep_version = 1;

  for (guint i = 0; i < G_N_ELEMENTS (defs); i++)
    flags->env[i].set = parse_env_value (&defs[i], g_getenv (defs[i].env), &flags->env[i].value);
  read_file (flags);
  return flags;
}

void
tw_sim_flags_free (TwSimFlags *flags)
{
  if (flags == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (flags->ofrep); i++)
    g_free (flags->ofrep[i].value);
  g_free (flags);
}

/* Environment > runtime change > feature_flags.json > default. */
static double
effective (TwSimFlags *flags,
           guint       i)
{
  if (flags->env[i].set)
    return flags->env[i].value;
  if (flags->runtime[i].set)
    return flags->runtime[i].value;
  if (flags->file[i].set)
    return flags->file[i].value;
  return defs[i].default_value;
}

static int
lookup (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (defs); i++)
    if (g_strcmp0 (defs[i].name, name) == 0)
      return i;
  return -1;
}

static void
list (TwSimRequest *req)
{
  TwSimFlags *flags = tw_sim_firm_get_flags (req->firm);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (defs); i++)
    {
      json_builder_set_member_name (b, defs[i].name);
      if (defs[i].number)
        json_builder_add_double_value (b, effective (flags, i));
      else
        json_builder_add_boolean_value (b, effective (flags, i) != 0);
    }
  json_builder_end_object (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static void
toggle (TwSimRequest *req,
        gboolean      enable)
{
  TwSimFlags *flags = tw_sim_firm_get_flags (req->firm);
  const char *name = tw_sim_request_get_param (req, "flag");
  int i = lookup (name);
  g_autoptr(JsonBuilder) b = NULL;
  g_autofree char *timestamp = tw_sim_format_time (g_get_real_time (), FALSE);

  /* assumed: the runbook shows only the success; FastAPI's 404 for an unknown flag and
   * 400 for the number */
  if (i < 0)
    {
      g_autofree char *message = g_strdup_printf ("Unknown feature flag: %s", name);

      tw_sim_reply_flavor_error (req, SOUP_STATUS_NOT_FOUND, message);
      return;
    }
  if (defs[i].number)
    {
      tw_sim_reply_flavor_error (req, SOUP_STATUS_BAD_REQUEST,
                                 "auto_approval_max_notional is not a boolean flag");
      return;
    }

  flags->runtime[i].set = TRUE;
  flags->runtime[i].value = enable;

  /* {"flag", "enabled", "timestamp"}: what was asked, even when the environment keeps
   * the flag where it was. */
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "flag");
  json_builder_add_string_value (b, defs[i].name);
  json_builder_set_member_name (b, "enabled");
  json_builder_add_boolean_value (b, enable);
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_string_value (b, timestamp);
  json_builder_end_object (b);
  tw_sim_reply_builder (req->msg, SOUP_STATUS_OK, b);
}

static void
enable (TwSimRequest *req)
{
  toggle (req, TRUE);
}

static void
disable (TwSimRequest *req)
{
  toggle (req, FALSE);
}

const TwSimRoute tw_sim_ibkr_assistant_flag_routes[] = {
  { "GET", "/api/v1/feature-flags", list },
  { "POST", "/api/v1/feature-flags/{flag}/enable", enable },
  { "POST", "/api/v1/feature-flags/{flag}/disable", disable },
  { NULL }
};

/* ---- scenarios ---- */

static gboolean
flag_change (TwSim       *sim,
             JsonObject  *args,
             GError     **error)
{
  TwSimFlags *flags = tw_sim_firm_get_flags (_tw_sim_get_firm (sim));
  const char *name = json_object_get_string_member_with_default (args, "flag", NULL);
  JsonNode *value = json_object_get_member (args, "value");
  int i = lookup (name);

  if (i < 0 || value == NULL || !JSON_NODE_HOLDS_VALUE (value))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   "flag-change needs “flag” (one of the seven) and “value”");
      return FALSE;
    }
  flags->runtime[i].set = TRUE;
  flags->runtime[i].value = json_node_get_value_type (value) == G_TYPE_BOOLEAN
                            ? json_node_get_boolean (value) : json_node_get_double (value);
  return TRUE;
}

static gboolean
flag_env (TwSim       *sim,
          JsonObject  *args,
          GError     **error)
{
  TwSimFlags *flags = tw_sim_firm_get_flags (_tw_sim_get_firm (sim));
  const char *variable = json_object_get_string_member_with_default (args, "variable", NULL);
  JsonNode *value = json_object_get_member (args, "value");

  for (guint i = 0; i < G_N_ELEMENTS (defs); i++)
    {
      if (g_strcmp0 (defs[i].env, variable) != 0)
        continue;
      if (value == NULL || JSON_NODE_HOLDS_NULL (value))
        flags->env[i].set = FALSE;
      else if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING ||
               !parse_env_value (&defs[i], json_node_get_string (value), &flags->env[i].value))
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       "flag-env needs “value” as the variable's text, or null to unset it");
          return FALSE;
        }
      else
        flags->env[i].set = TRUE;
      /* A restart: runtime changes are gone. */
      flags->runtime[i].set = FALSE;
      return TRUE;
    }
  g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
               "flag-env needs “variable”: LIVE_TRADING_MODE, AUTO_APPROVAL, …");
  return FALSE;
}

/* ---- the OFREP flavor (OpenFeature Remote Evaluation Protocol, service/openapi.yaml) ---- */

static char *
ofrep_etag (TwSimFlags *flags)
{
  return g_strdup_printf ("\"sim-%u\"", flags->ofrep_version);
}

static void
ofrep_configuration (TwSimRequest *req)
{
  static const char body[] =
    "{\"name\": \"tradewarden-sim\", \"capabilities\": {"
    "\"cacheInvalidation\": {\"polling\": {\"enabled\": true, \"minPollingIntervalMs\": 1000}},"
    "\"flagEvaluation\": {\"supportedTypes\": [\"boolean\", \"int\", \"float\", \"string\"]}}}";

  tw_sim_reply_bytes (req->msg, SOUP_STATUS_OK, "application/json", body, strlen (body));
}

/* POST /ofrep/v1/evaluate/flags {context}: 200 {flags: [...]} with an ETag, or 304 when
 * If-None-Match holds the current one. */
static void
ofrep_evaluate (TwSimRequest *req)
{
  TwSimFlags *flags = tw_sim_firm_get_flags (req->firm);
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (req->msg);
  const char *if_none_match = soup_message_headers_get_one (request_headers, "If-None-Match");
  g_autofree char *etag = ofrep_etag (flags);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = tw_sim_message_get_json (req->msg, &error);
  g_autoptr(GString) out = NULL;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      /* bulkEvaluationFailure */
      static const char failure[] = "{\"errorCode\": \"INVALID_CONTEXT\", "
                                    "\"errorDetails\": \"the body must be a JSON object with a context\"}";

      tw_sim_reply_bytes (req->msg, SOUP_STATUS_BAD_REQUEST, "application/json", failure,
                          strlen (failure));
      return;
    }
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "ETag", etag);
  if (if_none_match != NULL && g_str_equal (if_none_match, etag))
    {
      soup_server_message_set_status (req->msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }

  out = g_string_new ("{\"flags\": [");
  for (guint i = 0; i < G_N_ELEMENTS (flags->ofrep); i++)
    {
      OfrepFlag *f = &flags->ofrep[i];

      if (i > 0)
        g_string_append_c (out, ',');
      if (f->value == NULL)
        g_string_append_printf (out, "{\"key\": \"%s\", \"errorCode\": \"PARSE_ERROR\", "
                                "\"errorDetails\": \"the targeting rule does not parse\"}", f->key);
      else
        g_string_append_printf (out, "{\"key\": \"%s\", \"value\": %s, \"reason\": \"%s\", "
                                "\"variant\": \"%s\", \"metadata\": {}}",
                                f->key, f->value, f->reason, f->variant);
    }
  g_string_append (out, "]}");
  tw_sim_reply_bytes (req->msg, SOUP_STATUS_OK, "application/json", out->str, out->len);
}

static const TwSimRoute ofrep_routes[] = {
  { "GET", "/ofrep/v1/configuration", ofrep_configuration },
  { "POST", "/ofrep/v1/evaluate/flags", ofrep_evaluate },
  { NULL }
};

static const TwSimComponentSpec ofrep_components[] = {
  { NULL }
};

const TwSimFlavor tw_sim_flavor_ofrep = {
  .name = "ofrep",
  .server_header = NULL,
  .errors = TW_SIM_ERRORS_OFREP,
  .auth = TW_SIM_AUTH_NONE,
  .routes = ofrep_routes,
  .components = ofrep_components,
  .levels = { "ok", "degraded", "error" },
};

/* {"name": "ofrep-flag-change", "flag": KEY, "value": any JSON}: changed on the flag
 * service; a new ETag. */
static gboolean
ofrep_flag_change (TwSim       *sim,
                   JsonObject  *args,
                   GError     **error)
{
  TwSimFlags *flags = tw_sim_firm_get_flags (_tw_sim_get_firm (sim));
  const char *key = json_object_get_string_member_with_default (args, "flag", NULL);
  JsonNode *value = json_object_get_member (args, "value");

  for (guint i = 0; i < G_N_ELEMENTS (flags->ofrep); i++)
    {
      if (g_strcmp0 (flags->ofrep[i].key, key) != 0 || flags->ofrep[i].value == NULL)
        continue;
      if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
        break;
      g_free (flags->ofrep[i].value);
      flags->ofrep[i].value = json_to_string (value, FALSE);
      flags->ofrep_version++;
      return TRUE;
    }
  g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
               "ofrep-flag-change needs “flag” (new-checkout, risk-model, max-position-usd, "
               "dark-launch) and a “value”");
  return FALSE;
}

const TwSimScenario tw_sim_flag_scenarios[] = {
  { "flag-change", flag_change },
  { "flag-env", flag_env },
  { "ofrep-flag-change", ofrep_flag_change },
  { NULL }
};
