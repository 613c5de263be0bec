/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "tw-client.h"

G_BEGIN_DECLS

/* One risk parameter of a service ("daily_loss_limit_percent" = 5 %). Read-only
 * properties: "key", "label" (untranslated English: "Max daily loss"; the UI
 * translates with g_dgettext), "value" (double), "unit" ("%" for keys ending in
 * _percent, else ""), "is-integer" (the service sent a whole number without a
 * fraction part, as for counts: send it back the same way). */
#define TW_TYPE_RISK_PARAMETER (tw_risk_parameter_get_type ())
G_DECLARE_FINAL_TYPE (TwRiskParameter, tw_risk_parameter, TW, RISK_PARAMETER, GObject)

TwRiskParameter *tw_risk_parameter_new            (const char      *key,
                                                   double           value,
                                                   gboolean         is_integer);
const char      *tw_risk_parameter_get_key        (TwRiskParameter *self);
const char      *tw_risk_parameter_get_label      (TwRiskParameter *self);
double           tw_risk_parameter_get_value      (TwRiskParameter *self);
const char      *tw_risk_parameter_get_unit       (TwRiskParameter *self);
gboolean         tw_risk_parameter_get_is_integer (TwRiskParameter *self);
/* The value as the service takes it in a ${name:raw} template: "5", "4.5"; a count
 * rounded to a whole number. (transfer full) */
char            *tw_risk_parameter_format_value   (TwRiskParameter *self,
                                                   double           value);
/* The value as the operator reads it, in the locale's decimal mark ("4,5" in German);
 * a count rounded to a whole number. For the screen only: what is sent or compared is
 * tw_risk_parameter_format_value(). (transfer full) */
char            *tw_risk_parameter_format_display (TwRiskParameter *self,
                                                   double           value);
/* "Max daily loss" for the known keys; otherwise the key made readable
 * ("max_order_value_usd" → "Max order value usd"). (transfer full) */
char            *tw_risk_parameter_label_for_key  (const char      *key);

/* The risk parameters of one service whose connector has "risk.parameters.get", as a
 * GListModel of TwRiskParameter in the service's order. A refresh updates the items in
 * place (notify only on a real change) and splices only when keys come or go.
 * Properties: "client" (construct-only), "loaded" (bool: read at least once),
 * "last-error" (string, nullable: why the last refresh failed). */
#define TW_TYPE_RISK_PARAMETERS (tw_risk_parameters_get_type ())
G_DECLARE_FINAL_TYPE (TwRiskParameters, tw_risk_parameters, TW, RISK_PARAMETERS, GObject)

/* NULL (with a critical) when @client's connector lacks "risk.parameters.get": check
 * tw_client_has_operation() first. */
TwRiskParameters *tw_risk_parameters_new             (TwClient          *client);
TwClient         *tw_risk_parameters_get_client      (TwRiskParameters  *self);
gboolean          tw_risk_parameters_get_loaded      (TwRiskParameters  *self);
/* (nullable) */
const char       *tw_risk_parameters_get_last_error  (TwRiskParameters  *self);
/* (transfer none) (nullable) */
TwRiskParameter  *tw_risk_parameters_lookup          (TwRiskParameters  *self,
                                                      const char        *key);
/* GET the parameters and update the model. */
void              tw_risk_parameters_refresh_async   (TwRiskParameters  *self,
                                                      GCancellable      *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer           user_data);
gboolean          tw_risk_parameters_refresh_finish  (TwRiskParameters  *self,
                                                      GAsyncResult      *result,
                                                      GError           **error);
/* Updates the model from an answer of the service (the GET, or the PUT's answer, which
 * is the whole new set): every numeric member of the object. FALSE with
 * TW_ERROR_BAD_RESPONSE when @node is not an object with at least one number. */
gboolean          tw_risk_parameters_apply_json      (TwRiskParameters  *self,
                                                      JsonNode          *node,
                                                      GError           **error);
/* The variables of "risk.parameters.set": every listed parameter's current value,
 * formatted with tw_risk_parameter_format_value(), those in @changes replaced.
 * @changes: (nullable) (element-type utf8 utf8) key → number as text ("4.5"); keys the
 * service did not list are passed on as they are.
 * Returns: (transfer full) (element-type utf8 utf8) */
GHashTable       *tw_risk_parameters_build_vars      (TwRiskParameters  *self,
                                                      GHashTable        *changes);

G_END_DECLS
