/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once



G_BEGIN_DECLS

#include "tw-connector.h"

/* What a flag holds ("type"). */
typedef enum
{
  TW_FLAG_TYPE_BOOLEAN,
  TW_FLAG_TYPE_NUMBER,
  TW_FLAG_TYPE_STRING,
} TwFlagType;

/* How much harm a wrong value can do ("risk"), from the runbook's own marks
 * (CRITICAL, HIGH RISK). */
typedef enum
{
  TW_FLAG_RISK_NORMAL,
  TW_FLAG_RISK_HIGH,
  TW_FLAG_RISK_CRITICAL,
} TwFlagRisk;

/* Which way is toward safety ("safe"): "off" (turning it off is safer), "on", "lower",
 * "higher"; unknown when the connector does not say (every change is then treated as
 * away from safety). */
typedef enum
{
  TW_FLAG_SAFE_UNKNOWN,
  TW_FLAG_SAFE_OFF,
  TW_FLAG_SAFE_ON,
  TW_FLAG_SAFE_LOWER,
  TW_FLAG_SAFE_HIGHER,
} TwFlagSafe;

/* One flag a connector documents (its "flags" section). */
typedef struct
{
  char       *name;          /* the service's own name: "live_trading_mode" */
  char       *label;         /* untranslated English; the UI translates with g_dgettext */
  char       *description;   /* untranslated English, nullable */
  TwFlagType  type;
  TwFlagRisk  risk;
  TwFlagSafe  safe;
  char       *env;           /* the environment variable that sets it, nullable */
  char       *unit;          /* a number's unit ("USD"), nullable */
  gboolean    has_min;
  double      min;
  gboolean    has_max;
  double      max;
  gboolean    has_default;
  double      default_number; /* booleans: 0 or 1 */
  char       *note;          /* the runbook's mark, e.g. "EXPERIMENTAL", nullable */
} TwFlagSpec;

/* (transfer none) (element-type TwFlagSpec) in the connector's order; empty when it has
 * no "flags". */
GPtrArray        *tw_connector_get_flag_specs   (TwConnector *self);
/* (nullable) (transfer none) */
const TwFlagSpec *tw_connector_lookup_flag_spec (TwConnector *self,
                                                 const char  *name);

const char       *tw_flag_risk_to_string        (TwFlagRisk   risk);
const char       *tw_flag_type_to_string        (TwFlagType   type);

G_END_DECLS
