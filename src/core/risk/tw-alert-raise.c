/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Alerts the other subsystems raise through the engine: a service page's conditions, a
 * failed halt, a feature flag changed elsewhere, a log line. The engine's rate limit and
 * active set apply to them as to its own. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tw-alert-engine.h"
#include "tw-alert-private.h"

/**
 * tw_alert_engine_raise_condition:
 * @key: the condition, e.g. "security:SERVICE:CHECK"
 * @page: (nullable): the page the alert opens
 *
 * Raises an alert for a condition a service page found (a failing security check, a
 * model not loaded): once while the condition lasts, again only after
 * tw_alert_engine_clear_condition() said it cleared.
 */
void
tw_alert_engine_raise_condition (TwAlertEngine   *self,
                                 const char      *key,
                                 TwAlertSeverity  severity,
                                 const char      *title,
                                 const char      *body,
                                 const char      *service_id,
                                 const char      *page)
{
  g_return_if_fail (TW_IS_ALERT_ENGINE (self));
  g_return_if_fail (key != NULL && title != NULL);

  if (severity != TW_ALERT_CRITICAL && g_hash_table_contains (_tw_alert_engine_get_active (self), key))
    return;
  _tw_alert_engine_raise (self, _tw_alert_new (key, severity, title, body, service_id, page, FALSE, CATEGORY_SERVICE));
  g_hash_table_add (_tw_alert_engine_get_active (self), g_strdup (key));
}

void
tw_alert_engine_clear_condition (TwAlertEngine *self,
                                 const char    *key)
{
  g_return_if_fail (TW_IS_ALERT_ENGINE (self));
  g_hash_table_remove (_tw_alert_engine_get_active (self), key);
}

void
tw_alert_engine_raise_halt_failure (TwAlertEngine *self,
                                    const char    *failure)
{
  g_return_if_fail (TW_IS_ALERT_ENGINE (self));

  /* Halted everything since: the next failure is a new one. */
  if (failure == NULL)
    {
      g_hash_table_remove (_tw_alert_engine_get_active (self), "halt-failed");
      return;
    }
  /* Critical: trading may still run where the operator believes it stopped. */
  _tw_alert_engine_raise (self, _tw_alert_new ("halt-failed", TW_ALERT_CRITICAL, _("Halt All did not halt everything"),
                                    failure, NULL, "breakers", TRUE, CATEGORY_SERVICE));
}

static gboolean
has_prefix (gpointer key,
            gpointer value,
            gpointer user_data)
{
  return g_str_has_prefix (key, user_data);
}

/* Feature flags (the flags issue): a flag changed between two polls without this console
 * changing it. Key "flag:SERVICE:FLAG:VALUE". Critical (away from safety: offers halt) stays
 * active until the flag is back (tw_alert_engine_clear_flag_change); others are rate
 * limited like any warning. */
void
tw_alert_engine_raise_flag_change (TwAlertEngine   *self,
                                   const char      *service_id,
                                   const char      *flag,
                                   const char      *value,
                                   TwAlertSeverity  severity,
                                   const char      *title,
                                   const char      *body)
{
  g_autofree char *key = NULL;

  g_return_if_fail (TW_IS_ALERT_ENGINE (self));
  g_return_if_fail (service_id != NULL && flag != NULL && title != NULL);

  key = g_strdup_printf ("flag:%s:%s:%s", service_id, flag, value);
  _tw_alert_engine_raise (self, _tw_alert_new (key, severity, title, body, service_id, "flags",
                                    severity == TW_ALERT_CRITICAL, "x-tradewarden.flag"));
}

void
tw_alert_engine_clear_flag_change (TwAlertEngine *self,
                                   const char    *service_id,
                                   const char    *flag)
{
  g_autofree char *key = NULL;

  g_return_if_fail (TW_IS_ALERT_ENGINE (self));

  key = g_strdup_printf ("flag:%s:%s:", service_id, flag);
  g_hash_table_foreach_remove (_tw_alert_engine_get_active (self), has_prefix, key);
}

void
tw_alert_engine_raise_log_alert (TwAlertEngine   *self,
                                 const char      *key,
                                 TwAlertSeverity  severity,
                                 const char      *title,
                                 const char      *body)
{
  g_return_if_fail (TW_IS_ALERT_ENGINE (self));
  g_return_if_fail (key != NULL);

  /* A log line has no condition that clears: a critical one is never held as active. */
  if (severity == TW_ALERT_CRITICAL)
    g_hash_table_remove (_tw_alert_engine_get_active (self), key);
  _tw_alert_engine_raise (self, _tw_alert_new (key, severity, title, body, NULL, "logs",
                                    severity == TW_ALERT_CRITICAL, "x-tradewarden.log"));
}

void
tw_alert_engine_raise_key_alert (TwAlertEngine   *self,
                                 const char      *key,
                                 TwAlertSeverity  severity,
                                 const char      *service_id,
                                 const char      *title,
                                 const char      *body)
{
  g_return_if_fail (TW_IS_ALERT_ENGINE (self));
  g_return_if_fail (key != NULL);

  if (severity == TW_ALERT_CRITICAL)
    g_hash_table_remove (_tw_alert_engine_get_active (self), key);
  _tw_alert_engine_raise (self, _tw_alert_new (key, severity, title, body, service_id, "keys",
                                               FALSE, "x-tradewarden.keys"));
}

/**
 * tw_alert_engine_raise_alert:
 * @alert: (transfer none): an alert made elsewhere (the backup scheduler's)
 *
 * Shows @alert like the engine's own: deduplicated and rate-limited per key, on the
 * Alerts page and through the alerts service's notifications. Like a log line, it has no
 * condition that clears: a critical one is never held as active.
 */
void
tw_alert_engine_raise_alert (TwAlertEngine *self,
                             TwAlert       *alert)
{
  g_return_if_fail (TW_IS_ALERT_ENGINE (self));
  g_return_if_fail (TW_IS_ALERT (alert));

  if (tw_alert_get_severity (alert) == TW_ALERT_CRITICAL)
    g_hash_table_remove (_tw_alert_engine_get_active (self), tw_alert_get_key (alert));
  _tw_alert_engine_raise (self, g_object_ref (alert));
}
