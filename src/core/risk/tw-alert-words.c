/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The words of the breaker alerts: a breaker described with its value and limit, the
 * service's name, what to do about a trip. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tw-alert-private.h"

char *
_tw_alert_breaker_label (TwBreaker *breaker)
{
  const char *label = tw_breaker_get_label (breaker);

  return g_utf8_strdown (label != NULL ? label : tw_breaker_get_id (breaker), -1);
}

gboolean
_tw_alert_breaker_is_percent (TwBreaker *breaker)
{
  return g_strcmp0 (tw_breaker_get_unit (breaker), "percent") == 0;
}

/* "3 consecutive losses", "daily loss 5.2 % (limit 5.0 %)", "polygon OPEN after 5 failures" */
char *
_tw_alert_describe_breaker (TwBreaker *breaker)
{
  g_autofree char *label = _tw_alert_breaker_label (breaker);
  double value = tw_breaker_get_value (breaker);
  double limit = tw_breaker_get_limit (breaker);

  if (limit > 0 && _tw_alert_breaker_is_percent (breaker))
    /* Translators: a breaker's label, its value and its limit: "daily loss 5.2 % (limit 5.0 %)" */
    return g_strdup_printf (_("%s %.1f %% (limit %.1f %%)"), label, value, limit);
  if (limit > 0)
    /* Translators: a count and a breaker's label: "3 consecutive losses" */
    return g_strdup_printf (_("%.0f %s"), value, label);
  /* Translators: a data source, its breaker state (OPEN, HALF_OPEN) and a count */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s %s after %u failure",
                                       "%s %s after %u failures",
                                       tw_breaker_get_failure_count (breaker)),
                          tw_breaker_get_label (breaker) != NULL ? tw_breaker_get_label (breaker)
                                                                 : tw_breaker_get_id (breaker),
                          tw_breaker_state_to_string (tw_breaker_get_state (breaker)),
                          tw_breaker_get_failure_count (breaker));
}

const char *
_tw_alert_service_name (TwTradingState *state)
{
  const char *name = tw_trading_state_get_service_name (state);

  return name != NULL ? name : tw_trading_state_get_service_id (state);
}

char *
_tw_alert_trip_advice (TwTradingState *state,
                       TwBreaker      *breaker)
{
  if (g_strcmp0 (tw_breaker_get_kind (breaker), "source") == 0)
    return g_strdup_printf (_("%s stops using %s until the breaker closes. Check that data "
                              "source's status; reset the breaker only once it answers again."),
                            _tw_alert_service_name (state), tw_breaker_get_id (breaker));
  if (tw_trading_state_is_halted (state) && tw_trading_state_get_reason (state) != NULL)
    /* Translators: the service, then the reason it was halted for */
    return g_strdup_printf (_("Trading on %s is halted: %s. Review the recent trades and find "
                              "the root cause before resuming; halt the other services if "
                              "they share it."),
                            _tw_alert_service_name (state), tw_trading_state_get_reason (state));
  if (tw_trading_state_is_halted (state))
    return g_strdup_printf (_("Trading on %s is halted. Review the recent trades and find "
                              "the root cause before resuming; halt the other services if "
                              "they share it."),
                            _tw_alert_service_name (state));
  return g_strdup_printf (_("%s is still trading. Halt it now, review the recent trades and "
                            "find the root cause before resuming."), _tw_alert_service_name (state));
}
