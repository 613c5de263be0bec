/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "tw-enums.h"
#include "tw-risk-enums.h"

G_BEGIN_DECLS

/* One environment variable of a runbook's .env file that a connector reads ("env"). */
typedef struct
{
  char     *name;       /* e.g. "API_KEYS" */
  char     *separator;  /* nullable: the value is a list; its first non-blank item counts */
  gboolean  shared;     /* other systems read it too: it does not bring the service in alone */
} TwEnvVariable;

/* A .env variable that says whether the system trades live ("env": "mode"). Words are
 * folded to lower case. */
typedef struct
{
  char      *variable;
  GPtrArray *live;      /* (element-type utf8) */
  GPtrArray *paper;     /* (element-type utf8) */
} TwEnvModeRule;

/* One secret a connector needs, e.g. { "api_key", "API key", "API_KEYS" }. */
typedef struct
{
  char      *name;      /* key in the keyring (attribute "name") */
  char      *label;     /* for people, translatable in the UI */
  char      *env;       /* the first of env_variables' names, or NULL */
  gboolean   required;
  GPtrArray *env_variables;   /* (element-type TwEnvVariable) first set wins; may be empty */
  GRegex    *format;          /* nullable: what a valid value looks like */
  char      *format_message;  /* why a value that does not match is wrong; with format */
  /* "rotation" (tw-connector-rotation.c): how a new value is made and proven. */
  guint      rotate_bytes;    /* random bytes of a generated key; 0: pasted only (vendor-issued) */
  char      *rotate_encoding; /* "hex" or "base64url"; with rotate_bytes */
  char      *prove_operation; /* nullable: the read operation that proves a key works */
  gboolean   rotate_overlap;  /* the server accepts old and new at once (its env is a list) */
  gboolean   prove_gate;      /* "proof": "gate": 403 without the secret, not 401/403 with it */
  char     **revoke_followup; /* nullable: the runbook's follow-up of a revocation, ${tail}
                               * standing for the key's last four characters */
} TwSecretSpec;

/* Another address of a service ("endpoints"): 001's rate gate, 000's ML service. Its
 * address is the profile's key @setting of the service's group, else @default_base_url.
 * The connector's "headers" (its secrets) are never sent there. */
typedef struct
{
  char *id;                /* "rate_gate": what operations name in their "endpoint" */
  char *name;              /* for people: "Rate gate" */
  char *setting;           /* the profile key: "RateGateUrl" */
  char *default_base_url;  /* nullable */
  char **env;              /* nullable: the .env variables of its address, first set wins */
} TwEndpoint;

/* What a multi-status refusal means ("refusals": "means"). */
typedef enum
{
  TW_REFUSAL_UNKNOWN,          /* no rule matched */
  TW_REFUSAL_HELD_FOR_ORDERS,  /* the quantity is held by open orders */
  TW_REFUSAL_NOT_CANCELABLE,   /* the order cannot be canceled in its current state */
  TW_REFUSAL_OTHER,            /* the connector explains it in its own words ("text") */
} TwRefusal;

/* The roles a connector's service can play ("roles"). */
#define TW_CONNECTOR_ROLE_BROKER "broker"
/* An Alertmanager (API v2: "alerts.list", "silences.list", "silence.create",
 * "silence.expire"), read by the alerts service. */
#define TW_CONNECTOR_ROLE_ALERTMANAGER "alertmanager"

/* One console operation ("health", "positions.list", …) of a connector. Owned by its TwConnector. */
typedef struct _TwOperation TwOperation;

const char *tw_operation_get_name          (const TwOperation *op);
const char *tw_operation_get_method        (const TwOperation *op);
const char *tw_operation_get_path_template (const TwOperation *op);
gboolean    tw_operation_is_list           (const TwOperation *op);
/* Path with ${var} replaced by the URL-escaped value, plus the "query" entries whose
 * variables are all set. A variable used in the path but missing is an error. */
char       *tw_operation_expand_path       (const TwOperation *op,
                                            GHashTable        *vars,
                                            GError           **error);
/* The body template with ${var} replaced by the JSON-escaped value; NULL (no error) when
 * the operation has no body. */
char       *tw_operation_expand_body       (const TwOperation *op,
                                            GHashTable        *vars,
                                            GError           **error);
/* Connector-wide headers (not for an operation sent to an "endpoint") then the
 * operation's own, values expanded: ${secret:NAME} by
 * @lookup_secret, ${var} from @vars. Returns name → value. */
typedef char *(*TwSecretLookupFunc) (const char *name, gpointer user_data, GError **error);
GHashTable *tw_operation_expand_headers    (const TwOperation  *op,
                                            GHashTable         *vars,
                                            TwSecretLookupFunc  lookup_secret,
                                            gpointer            user_data,
                                            GError            **error);
/* The identity of the request @op sends without variables (method, path and query,
 * header templates, text or JSON): operations with equal keys may share one request.
 * NULL when @op has a body, needs variables or runs commands. (transfer full) */
char       *tw_operation_dup_request_key   (const TwOperation *op);
/* Names of the secrets the headers of @op refer to (${secret:NAME}), (transfer container). */
GPtrArray  *tw_operation_list_secret_names (const TwOperation *op);

/* The part of @root the operation maps ("result" pointer, default the root). (transfer none) */
JsonNode   *tw_operation_select            (const TwOperation *op,
                                            JsonNode          *root,
                                            GError           **error);
/* Sets @target's properties from the "map" of @op, pointers taken relative to @node. */
gboolean    tw_operation_map_object        (const TwOperation *op,
                                            JsonNode          *node,
                                            GObject           *target,
                                            GError           **error);
/* For list operations: one new @item_type object per element of the selected array.
 * (transfer full) (element-type GObject) */
GPtrArray  *tw_operation_map_list          (const TwOperation *op,
                                            JsonNode          *root,
                                            GType              item_type,
                                            GError           **error);
/* The value at the "key" pointer of a list operation (identity of an item, e.g. "/symbol"),
 * used to update list items in place. NULL when the operation has no key. */
const char *tw_operation_get_key_pointer   (const TwOperation *op);

/* The "health" rule: classifies the value at its pointer. TW_HEALTH_UNKNOWN if the
 * operation has no rule. @detail receives the raw value as text. */
TwHealth    tw_operation_eval_health       (const TwOperation *op,
                                            JsonNode          *root,
                                            char             **detail);
/* A hash (never 0) of all that a health answer's mapping reads: the selected result,
 * each "map" value, the "components" container (whole) and the "health" rule's value.
 * Answers of one hash map alike (the rest of them, a timestamp, is not read). */
guint64     tw_operation_hash_health_input (const TwOperation *op,
                                            JsonNode          *root);
/* As tw_operation_eval_health(), the pointer taken inside @item, one element of the
 * selected answer. */
TwHealth    tw_operation_eval_item_health  (const TwOperation *op,
                                            JsonNode          *item,
                                            char             **detail);
/* (nullable) the id of the endpoint the operation is sent to ("endpoint"); NULL: the
 * service's own base URL. */
const char *tw_operation_get_endpoint      (const TwOperation *op);
/* The "summary" of a list operation: one more row made from the whole answer (its "map"
 * and "health" taken at the root), listed first, named @name. FALSE when none. */
gboolean    tw_operation_map_summary       (const TwOperation *op,
                                            JsonNode          *root,
                                            GObject           *target,
                                            TwHealth          *health,
                                            const char       **name,
                                            GError           **error);
gboolean    tw_operation_has_summary       (const TwOperation *op);
/* The "components" rule: fills @store with new TwComponent objects. FALSE with no
 * error when the operation has no such rule. */
gboolean    tw_operation_map_components    (const TwOperation *op,
                                            JsonNode          *root,
                                            GListStore        *store,
                                            GError           **error);

/* The "trading" rule: classifies the value at its pointer (relative to the "result") as
 * active / reducing / halted. TW_TRADING_UNKNOWN when the operation has no rule, or the
 * value is in none of the rule's lists (or absent). */
TwTradingMode tw_operation_eval_trading    (const TwOperation *op,
                                            JsonNode          *root);
/* The "breakers" rule: appends one new TwBreaker per breaker to @out (element-type
 * TwBreaker, owning). FALSE with no error when the operation has no such rule. */
gboolean    tw_operation_map_breakers      (const TwOperation *op,
                                            JsonNode          *root,
                                            GPtrArray         *out,
                                            GError           **error);
/* The operation that resets one breaker of this operation's "breakers" rule (its
 * ${breaker} variable takes the breaker's id), or NULL. */
const char *tw_operation_get_breaker_reset (const TwOperation *op);
const char *tw_operation_get_unchanged     (const TwOperation *op);
/* "format": "prometheus": the answer is the text exposition, handed on unparsed (as a
 * JSON string node) by TwClient. */
gboolean    tw_operation_is_text           (const TwOperation *op);

/* A connector file is refused past this size (the shipped ones are a few kB). */
#define TW_CONNECTOR_MAX_SIZE (1024 * 1024)

#define TW_TYPE_CONNECTOR (tw_connector_get_type ())
G_DECLARE_FINAL_TYPE (TwConnector, tw_connector, TW, CONNECTOR, GObject)

/* Errors name @filename, the operation and the fault. */
TwConnector       *tw_connector_new_from_data       (const char  *data,
                                                     gssize       length,
                                                     const char  *filename,
                                                     GError     **error);
TwConnector       *tw_connector_new_from_file       (GFile       *file,
                                                     GError     **error);
const char        *tw_connector_get_id              (TwConnector *self);
const char        *tw_connector_get_name            (TwConnector *self);
const char        *tw_connector_get_description     (TwConnector *self);
const char        *tw_connector_get_default_base_url (TwConnector *self);
/* Where it came from (resource or file URI), for messages. */
const char        *tw_connector_get_origin          (TwConnector *self);
/* NULL when the connector lacks it: the UI hides that action. */
const TwOperation *tw_connector_get_operation       (TwConnector *self,
                                                     const char  *name);
gboolean           tw_connector_has_operation       (TwConnector *self,
                                                     const char  *name);
/* The name of the health component that is the service's connection to its broker
 * (the "health" operation's "components": "broker"; default "broker"). */
const char        *tw_connector_get_broker_component (TwConnector *self);
/* (transfer none) (element-type TwEndpoint) the service's other addresses */
GPtrArray         *tw_connector_get_endpoints       (TwConnector *self);
/* (nullable) the endpoint @id */
const TwEndpoint  *tw_connector_get_endpoint        (TwConnector *self,
                                                     const char  *id);
/* (transfer container) (element-type utf8) sorted operation names */
GPtrArray         *tw_connector_list_operations     (TwConnector *self);
/* (transfer none) (element-type TwSecretSpec) */
GPtrArray         *tw_connector_get_secrets         (TwConnector *self);
/* (nullable) the secret named @name */
const TwSecretSpec *tw_connector_get_secret         (TwConnector *self,
                                                     const char  *name);
/* Whether @value has the secret's "format"; FALSE with @error carrying the connector's
 * message (never the value) when not. TRUE when the secret declares no format. */
gboolean           tw_connector_check_secret        (TwConnector *self,
                                                     const char  *name,
                                                     const char  *value,
                                                     GError     **error);
/* Whether the connector declares @role, e.g. TW_CONNECTOR_ROLE_BROKER. */
gboolean           tw_connector_has_role            (TwConnector *self,
                                                     const char  *role);
/* Paper or live from the host of @url ("hosts"): TRUE and @mode set when the host is one
 * the connector names; FALSE when it names none or @url has no host. */
gboolean           tw_connector_mode_for_url        (TwConnector *self,
                                                     const char  *url,
                                                     TwMode      *mode);
/* Whether the connector names hosts for paper or live at all. */
gboolean           tw_connector_has_hosts           (TwConnector *self);
/* The .env import: the variables of the base URL (first set wins), the suffix removed
 * from an imported URL (nullable) and the mode variables.
 * (transfer none) (element-type TwEnvVariable) */
GPtrArray         *tw_connector_get_env_base_url    (TwConnector *self);
const char        *tw_connector_get_env_base_url_strip (TwConnector *self);
/* (transfer none) (element-type TwEnvModeRule) */
GPtrArray         *tw_connector_get_env_mode        (TwConnector *self);
/* What the broker's refusal of one entry of a multi-status answer (HTTP @status, the
 * server's @message) means, by the connector's "refusals". @text receives the
 * connector's own words for TW_REFUSAL_OTHER (transfer none), NULL otherwise. */
TwRefusal          tw_connector_match_refusal       (TwConnector *self,
                                                     guint        status,
                                                     const char  *message,
                                                     const char **text);

/* What a runbook says of a health component going down ("alerts", tw-connector-alerts.c):
 * how loud the alert is when it is down and when it is degraded ("info", "warning",
 * "critical"), and the runbook's section that tells what to do. */
typedef struct
{
  char *name;        /* the component's name; NULL for the service's own health or its breakers */
  char *down;        /* severity when down */
  char *degraded;    /* severity when degraded */
  char *section;     /* the runbook's section, e.g. "Alert Scenarios: Broker Disconnect" */
} TwComponentAlert;

/* (nullable) the runbook the "alerts" sections are in, e.g. "IBKR AI Broker" */
const char             *tw_connector_get_runbook          (TwConnector *self);
/* (nullable) the runbook's entry for the component @name */
const TwComponentAlert *tw_connector_lookup_component_alert (TwConnector *self,
                                                           const char  *name);
/* (nullable) the runbook's entry for the service's own health (down or degraded with no
 * component to blame) */
const TwComponentAlert *tw_connector_get_service_alert    (TwConnector *self);
/* (nullable) the runbook's section for a tripped breaker of this connector */
const TwComponentAlert *tw_connector_get_breaker_alert    (TwConnector *self);

G_END_DECLS
