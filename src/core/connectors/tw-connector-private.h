/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-connector.h"
#include "tw-json-pointer.h"

G_BEGIN_DECLS

/* A "name": "template" entry of "headers" or "query", in file order. */
typedef struct
{
  char *name;
  char *value;
} TwTemplatePair;

/* A "map" entry: model property ← pointer. */
typedef struct
{
  char     *property;
  char          *pointer;
  TwJsonPointer *compiled;  /* pointer, split at load */
  gboolean  required;
  gboolean  clear;     /* null or missing resets the property to its default */
} TwMapping;

/* A "health" rule; the words are stored folded to lower case. */
typedef struct
{
  char          *pointer;
  TwJsonPointer *compiled;  /* pointer, split at load */
  GPtrArray *ok;
  GPtrArray *degraded;
  GPtrArray *down;
} TwHealthRule;

typedef struct
{
  char         *pointer;
  char         *name;      /* "@key" or a pointer inside each component */
  char         *broker;    /* the component that is the connection to the broker */
  GPtrArray    *map;       /* TwMapping */
  TwHealthRule *health;    /* nullable */
} TwComponentsRule;

/* A "trading" rule: classifies a value as a TwTradingMode; words folded like health's. */
typedef struct
{
  char      *pointer;
  GPtrArray *active;
  GPtrArray *reducing;
  GPtrArray *halted;
  gboolean   invert;    /* swap active and halted */
} TwTradingRule;

/* The "state" of a collection breaker. */
typedef struct
{
  char      *pointer;   /* "" when the breaker's value is the state itself */
  GPtrArray *closed;
  GPtrArray *open;
  GPtrArray *half_open;
} TwBreakerStateRule;

/* One limit-type breaker of a fixed "breakers" list. */
typedef struct
{
  char     *id;
  char     *label;      /* nullable: the id */
  char     *kind;       /* nullable */
  char     *unit;       /* nullable: the breaker's default */
  char     *value;      /* pointer */
  char     *limit;      /* pointer, nullable */
  double    limit_number;  /* when "limit" is a number */
} TwBreakerItem;

typedef struct
{
  GPtrArray          *items;    /* TwBreakerItem, or NULL for a collection */
  char               *pointer;  /* collection */
  char               *id;       /* "@key" or a pointer inside each breaker */
  char               *label;    /* "@key", a pointer, or NULL: the id */
  char               *kind;     /* nullable */
  char               *unit;     /* nullable */
  GPtrArray          *map;      /* TwMapping */
  TwBreakerStateRule *state;    /* nullable */
  char               *reset;    /* name of the operation that resets one, nullable */
  char               *reset_instruction; /* how to reset one by hand (${breaker}), nullable */
} TwBreakersRule;

struct _TwOperation
{
  TwConnector      *connector;  /* unowned: the connector owns its operations */
  char             *name;
  char             *method;
  char             *path;
  GPtrArray        *query;      /* TwTemplatePair */
  GPtrArray        *headers;    /* TwTemplatePair */
  char             *body;       /* serialized JSON (or the literal string) template, nullable */
  char             *result;     /* set with _tw_operation_set_result() */
  TwJsonPointer    *result_pointer;  /* result, split */
  gboolean          list;
  char             *key;        /* nullable */
  GPtrArray        *map;        /* TwMapping */
  TwHealthRule     *health;     /* nullable */
  TwComponentsRule *components; /* nullable */
  TwTradingRule    *trading;    /* nullable */
  TwBreakersRule   *breakers;   /* nullable */
  char             *unchanged;  /* nullable: why a success may leave the state unchanged */
  gboolean          text;       /* "format": "prometheus": the answer is text, not JSON */
  GPtrArray        *steps;      /* TwCommandStep: the operation of a "commands" connector */
  char             *endpoint;   /* nullable: the id of the endpoint it is sent to */
  char             *summary_name;    /* nullable: "summary": the row made from the whole answer */
  GPtrArray        *summary_map;     /* TwMapping, with summary_name */
  TwHealthRule     *summary_health;  /* nullable */
};

/* One of "refusals": what a refused entry of a multi-status answer means. */
typedef struct
{
  guint      status;    /* 0: any status */
  char      *contains;  /* folded to lower case; matched inside the server's message */
  TwRefusal  means;
  char      *text;      /* TW_REFUSAL_OTHER: the connector's own words */
} TwRefusalRule;

struct _TwConnector
{
  GObject     parent_instance;

  char       *id;
  char       *name;
  char       *description;
  char       *default_base_url;
  char       *origin;
  char       *filename;         /* as named in messages */
  GPtrArray  *secrets;          /* TwSecretSpec */
  GPtrArray  *headers;          /* TwTemplatePair */
  GHashTable *operations;       /* name → TwOperation */
  /* tw-connector-traits.c */
  GPtrArray  *roles;            /* utf8 */
  GPtrArray  *live_hosts;       /* utf8, lower case */
  GPtrArray  *paper_hosts;      /* utf8, lower case */
  GPtrArray  *env_base_url;     /* TwEnvVariable */
  char       *env_base_url_strip;
  GPtrArray  *env_mode;         /* TwEnvModeRule */
  GPtrArray  *refusals;         /* TwRefusalRule */
  /* tw-connector-alerts.c */
  char       *runbook;
  GPtrArray  *component_alerts; /* TwComponentAlert */
  TwComponentAlert *service_alert;
  TwComponentAlert *breaker_alert;
  /* tw-command-load.c: a connector of "kind": "commands" */
  gboolean    commands;
  GPtrArray  *settings;         /* TwCommandSetting */
  /* tw-connector-flags.c */
  GPtrArray  *flag_specs;       /* TwFlagSpec */
  /* tw-connector-endpoints.c */
  GPtrArray  *endpoints;        /* TwEndpoint */
};

/* One piece of a template: literal text (name == NULL) or a ${…} placeholder. */
typedef struct
{
  char     *text;     /* literal text */
  char     *name;     /* variable or secret name */
  gboolean  secret;   /* ${secret:NAME} */
  gboolean  raw;      /* ${NAME:raw} */
} TwTemplatePart;

/* (element-type TwTemplatePart) The error message is bare (no file/operation prefix). */
GPtrArray      *_tw_template_parse          (const char     *template,
                                             GError        **error);

TwTemplatePair *_tw_template_pair_new       (const char     *name,
                                             const char     *value);
void            _tw_template_pair_free      (TwTemplatePair *pair);
void            _tw_mapping_free            (TwMapping      *mapping);
void            _tw_health_rule_free        (TwHealthRule   *rule);
void            _tw_components_rule_free    (TwComponentsRule *rule);
TwOperation    *_tw_operation_new           (TwConnector    *connector,
                                             const char     *name);
void            _tw_operation_free          (TwOperation    *op);
void            _tw_operation_set_result    (TwOperation    *op,
                                             const char     *result);
void            _tw_secret_spec_free        (TwSecretSpec   *spec);

/* Where the loader is, for messages: "<filename>: operation \"<operation>\": …". */
typedef struct
{
  const char *filename;
  const char *operation;  /* nullable: where the fault is */
  GError    **error;
} TwLoadContext;

/* Loader helpers shared by tw-connector-loader.c and tw-connector-rules.c. Each returns
 * FALSE (or NULL) after setting a TW_ERROR_INVALID error naming the file and operation;
 * @where (nullable) names the part of the operation, e.g. "\"trading\"". */
gboolean        _tw_load_fail               (TwLoadContext  *ctx,
                                             const char     *format,
                                             ...) G_GNUC_PRINTF (2, 3);
const char     *_tw_load_json_kind          (JsonNode       *node);
gboolean        _tw_load_check_keys         (TwLoadContext  *ctx,
                                             JsonObject     *object,
                                             const char     *where,
                                             const char * const *allowed);
gboolean        _tw_load_get_string         (TwLoadContext  *ctx,
                                             JsonObject     *object,
                                             const char     *key,
                                             const char     *where,
                                             const char    **out);
gboolean        _tw_load_get_pointer        (TwLoadContext  *ctx,
                                             JsonObject     *object,
                                             const char     *key,
                                             const char     *where,
                                             const char    **out);
gboolean        _tw_load_get_boolean        (TwLoadContext  *ctx,
                                             JsonObject     *object,
                                             const char     *key,
                                             const char     *where,
                                             gboolean        default_value,
                                             gboolean       *out);
gboolean        _tw_load_map                (TwLoadContext  *ctx,
                                             JsonNode       *node,
                                             const char     *where,
                                             GPtrArray      *out);

/* The risk-controls rules (tw-connector-rules.c). */
TwTradingRule  *_tw_trading_rule_load       (TwLoadContext  *ctx,
                                             JsonNode       *node);
TwBreakersRule *_tw_breakers_rule_load      (TwLoadContext  *ctx,
                                             JsonNode       *node);
/* Once every operation is loaded: a "breakers" rule's "reset" names an operation of the
 * connector that uses ${breaker}. */
gboolean        _tw_connector_check_rules   (TwConnector    *self,
                                             TwLoadContext  *ctx);
void            _tw_trading_rule_free       (TwTradingRule  *rule);
void            _tw_breakers_rule_free      (TwBreakersRule *rule);

/* tw-connector-traits.c: what the console knows of a system beyond its operations —
 * "roles", "hosts", "env", "refusals", and each secret's "env" and "format". */
void            _tw_connector_init_traits   (TwConnector    *self);
void            _tw_connector_clear_traits  (TwConnector    *self);
gboolean        _tw_connector_load_traits   (TwConnector    *self,
                                             TwLoadContext  *ctx,
                                             JsonObject     *object);
/* A secret's "env": a name, a { "name", "list", "shared" } object or an array of them. */
gboolean        _tw_env_variables_load      (TwLoadContext  *ctx,
                                             JsonNode       *node,
                                             const char     *where,
                                             GPtrArray      *out);
/* A secret's "format": { "pattern": regex, "message": text }. */
gboolean        _tw_secret_format_load      (TwLoadContext  *ctx,
                                             JsonNode       *node,
                                             const char     *where,
                                             TwSecretSpec   *spec);
void            _tw_env_variable_free       (TwEnvVariable  *variable);
/* A secret's "rotation": { "generate": { "bytes": N, "encoding": "hex" }, "prove": OP }
 * (tw-connector-rotation.c). */
gboolean        _tw_secret_rotation_load    (TwLoadContext  *ctx,
                                             JsonNode       *node,
                                             const char     *where,
                                             TwSecretSpec   *spec);

/* tw-connector-alerts.c: "alerts", the runbook's severities and sections (loaded with
 * the traits). */
void            _tw_connector_init_alerts   (TwConnector    *self);
void            _tw_connector_clear_alerts  (TwConnector    *self);
gboolean        _tw_connector_load_alerts   (TwConnector    *self,
                                             TwLoadContext  *ctx,
                                             JsonNode       *node);

/* tw-connector-flags.c: "flags", each runtime flag as the runbook documents it (loaded
 * with the traits). */
void            _tw_connector_init_flags    (TwConnector    *self);
void            _tw_connector_clear_flags   (TwConnector    *self);
gboolean        _tw_connector_load_flags    (TwConnector    *self,
                                             TwLoadContext  *ctx,
                                             JsonNode       *node);

/* tw-connector-endpoints.c: "endpoints", the service's other addresses (loaded before
 * the operations, which name them). */
gboolean        _tw_connector_load_endpoints (TwConnector   *self,
                                             TwLoadContext  *ctx,
                                             JsonNode       *node);
void            _tw_endpoint_free           (TwEndpoint     *endpoint);
gboolean        _tw_endpoint_url_is_valid   (const char     *url);

/* Fills @self from the parsed document; errors name @self->filename. tw-connector-loader.c */
gboolean        _tw_connector_load          (TwConnector    *self,
                                             JsonNode       *root,
                                             GError        **error);
const TwSecretSpec *_tw_connector_find_secret (TwConnector  *self,
                                             const char     *name);

/* tw-command-load.c (src/core/commands): "kind", "settings" and an operation's "steps". */
gboolean        _tw_command_load_kind       (TwConnector    *self,
                                             TwLoadContext  *ctx,
                                             JsonObject     *object);
gboolean        _tw_command_load_steps      (TwConnector    *self,
                                             TwLoadContext  *ctx,
                                             JsonNode       *node,
                                             GPtrArray     **out);
void            _tw_command_clear           (TwConnector    *self);

G_END_DECLS
