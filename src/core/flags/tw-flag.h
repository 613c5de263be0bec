/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-flag-spec.h"

G_BEGIN_DECLS

/* Which layer decided a flag's value, where the console can know it (the runbook's
 * priority: environment > feature_flags.json > code default). */
typedef enum
{
  TW_FLAG_LAYER_UNKNOWN,
  TW_FLAG_LAYER_ENV,
  TW_FLAG_LAYER_FILE,
  TW_FLAG_LAYER_DEFAULT,
} TwFlagLayer;

/* One runtime flag of one service, as last read. Read-only properties:
 * "service-id", "service-name", "name", "label", "description" (the connector's words,
 * untranslated), "type" (TwFlagType as uint), "risk" (TwFlagRisk as uint), "safe"
 * (TwFlagSafe as uint), "env-variable" (nullable), "unit" (nullable), "known" (a value was
 * read), "value" (string: "true"/"false" or the number as the service sent it; NULL
 * before the first read), "layer" (TwFlagLayer as uint), "layer-detail" (nullable: the
 * file and line that decided it), "locked" (an environment variable pins it: a runtime
 * toggle will not hold), "busy" (a change by this console is under way), "last-change"
 * (nullable: who changed it last through this console, when, why, from the audit log),
 * "revert-at" (GDateTime, nullable: a pending revert). */
#define TW_TYPE_FLAG (tw_flag_get_type ())
G_DECLARE_FINAL_TYPE (TwFlag, tw_flag, TW, FLAG, GObject)

const char *tw_flag_get_service_id   (TwFlag *self);
const char *tw_flag_get_service_name (TwFlag *self);
const char *tw_flag_get_name         (TwFlag *self);
const char *tw_flag_get_label        (TwFlag *self);
const char *tw_flag_get_description  (TwFlag *self);
TwFlagType  tw_flag_get_flag_type    (TwFlag *self);
TwFlagRisk  tw_flag_get_risk         (TwFlag *self);
TwFlagSafe  tw_flag_get_safe         (TwFlag *self);
const char *tw_flag_get_env_variable (TwFlag *self);
const char *tw_flag_get_unit         (TwFlag *self);
/* (nullable) the connector's default: "true"/"false" or the number */
const char *tw_flag_get_default      (TwFlag *self);
/* Bounds of a number: FALSE when the connector gives none. */
gboolean    tw_flag_get_bounds       (TwFlag *self,
                                      double *min,
                                      double *max);
gboolean    tw_flag_get_known        (TwFlag *self);
const char *tw_flag_get_value        (TwFlag *self);
/* The value as a boolean ("true") or a number (0 when not a number). */
gboolean    tw_flag_get_boolean      (TwFlag *self);
double      tw_flag_get_number       (TwFlag *self);
TwFlagLayer tw_flag_get_layer        (TwFlag *self);
const char *tw_flag_get_layer_detail (TwFlag *self);
gboolean    tw_flag_get_locked       (TwFlag *self);
gboolean    tw_flag_get_busy         (TwFlag *self);
const char *tw_flag_get_last_change  (TwFlag *self);
/* (nullable) (transfer none) */
GDateTime  *tw_flag_get_revert_at    (TwFlag *self);

/* Whether going from the current value to @new_value ("true", "false", a number) is
 * toward safety, by the connector's "safe". Unknown direction: FALSE. */
gboolean    tw_flag_is_toward_safety (TwFlag     *self,
                                      const char *new_value);
/* "on"/"off" for booleans, the number with its unit otherwise; translated. (transfer full) */
char       *tw_flag_format_value     (TwFlag     *self,
                                      const char *value);
const char *tw_flag_layer_to_string  (TwFlagLayer layer);

G_END_DECLS
