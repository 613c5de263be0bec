/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-trading-summary.h"

#include <glib/gi18n-lib.h>

#include "tw-action-runner.h"

guint
tw_trading_summary_n_tripped (TwTradingState *state)
{
  GListModel *breakers;
  guint n_tripped = 0;
  guint n;

  g_return_val_if_fail (TW_IS_TRADING_STATE (state), 0);

  breakers = tw_trading_state_get_breakers (state);
  n = g_list_model_get_n_items (breakers);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwBreaker) breaker = g_list_model_get_item (breakers, i);

      if (tw_breaker_is_tripped (breaker))
        n_tripped++;
    }
  return n_tripped;
}

static gboolean
has_last_error (TwTradingState *state)
{
  g_autofree char *last_error = NULL;

  g_object_get (state, "last-error", &last_error, NULL);
  return last_error != NULL;
}

/* A service with breakers only (Autotrader): nothing to halt or resume, no mode. */
static gboolean
has_no_switch (TwTradingState *state)
{
  return tw_trading_state_get_mode (state) == TW_TRADING_UNKNOWN
         && !tw_trading_state_is_halted (state)
         && !tw_trading_state_get_can_halt (state)
         && !tw_trading_state_get_kill_switch_supported (state);
}

const char *
tw_trading_summary_mode_word (TwTradingState *state,
                              gboolean       *last_known)
{
  g_return_val_if_fail (TW_IS_TRADING_STATE (state), NULL);

  if (last_known != NULL)
    *last_known = has_last_error (state);
  if (tw_trading_state_is_halted (state))
    return _("HALTED");
  /* No read-back in its runbook (the AI Trading System): what this console did, or
   * nothing — never a guessed state. */
  if (!tw_trading_state_get_reported (state) && !has_no_switch (state))
    return tw_trading_state_is_halted_by_console (state)
           /* Translators: halted by this console; the service cannot say it is */
           ? _("halted from here")
           /* Translators: the service does not report its trading state */
           : _("not reported");
  if (has_no_switch (state) && !has_last_error (state))
    /* Translators: a service whose trading the console can neither read nor halt */
    return _("no halt switch");
  switch (tw_trading_state_get_mode (state))
    {
    case TW_TRADING_ACTIVE:
      return _("ACTIVE");
    case TW_TRADING_REDUCING:
      return _("REDUCING");
    case TW_TRADING_HALTED:
    case TW_TRADING_UNKNOWN:
    default:
      /* Translators: the trading state of a service not read (yet) */
      return _("unknown");
    }
}

static void
append_part (GString    *str,
             const char *part)
{
  if (str->len > 0)
    /* Translators: between the parts of the Overview's trading summary */
    g_string_append (str, _(" · "));
  g_string_append (str, part);
}

char *
tw_trading_summary_describe (GListModel       *states,
                             GPtrArray        *last_halt,
                             TwTradingUrgency *urgency)
{
  guint n;
  guint n_halted = 0;
  guint n_active = 0;
  guint n_reducing = 0;
  guint n_unknown = 0;
  guint n_switchless = 0;
  guint n_unreported = 0;
  guint n_tripped = 0;
  g_autoptr(GString) failed = g_string_new (NULL);
  g_autoptr(GString) str = g_string_new (NULL);
  TwTradingUrgency level;

  g_return_val_if_fail (G_IS_LIST_MODEL (states), NULL);

  n = g_list_model_get_n_items (states);
  if (n == 0)
    {
      if (urgency != NULL)
        *urgency = TW_TRADING_URGENCY_NONE;
      return NULL;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwTradingState) state = g_list_model_get_item (states, i);

      n_tripped += tw_trading_summary_n_tripped (state);
      /* Not read now: the last word known is no answer to "is it trading?". */
      if (has_last_error (state))
        n_unknown++;
      else if (!tw_trading_state_get_reported (state) && !tw_trading_state_is_halted (state))
        {
          /* Halted from here is as much as anyone knows of it; else not reported. */
          if (has_no_switch (state))
            n_switchless++;
          else if (tw_trading_state_is_halted_by_console (state))
            n_halted++;
          else
            n_unreported++;
        }
      else if (tw_trading_state_is_halted (state))
        n_halted++;
      else if (tw_trading_state_get_mode (state) == TW_TRADING_ACTIVE)
        n_active++;
      else if (tw_trading_state_get_mode (state) == TW_TRADING_REDUCING)
        n_reducing++;
      else if (has_no_switch (state))
        n_switchless++;
      else
        n_unknown++;
    }

  if (last_halt != NULL)
    for (guint i = 0; i < last_halt->len; i++)
      {
        TwActionResult *result = g_ptr_array_index (last_halt, i);

        /* Halted, or one this console cannot halt (said elsewhere): not a failure. */
        if (tw_action_result_get_ok (result)
            || tw_action_result_get_outcome (result) == TW_ACTION_OUTCOME_UNSUPPORTED)
          continue;
        if (failed->len > 0)
          /* Translators: between service names */
          g_string_append (failed, _(", "));
        g_string_append (failed, tw_action_result_get_service_name (result));
      }

  if (n_halted > 0)
    {
      g_autofree char *part = g_strdup_printf (ngettext ("Trading halted on %u of %u service",
                                                         "Trading halted on %u of %u services", n),
                                               n_halted, n);
      append_part (str, part);
      if (n_active > 0)
        {
          g_autofree char *still = g_strdup_printf (ngettext ("still trading on %u",
                                                              "still trading on %u", n_active),
                                                    n_active);
          append_part (str, still);
        }
    }
  else if (n_active > 0)
    {
      g_autofree char *part = g_strdup_printf (ngettext ("Trading on %u of %u service",
                                                         "Trading on %u of %u services", n),
                                               n_active, n);
      append_part (str, part);
    }
  if (n_reducing > 0)
    {
      g_autofree char *part = g_strdup_printf (ngettext ("reducing only on %u",
                                                         "reducing only on %u", n_reducing),
                                               n_reducing);
      append_part (str, part);
    }
  if (n_unknown > 0)
    {
      g_autofree char *part = g_strdup_printf (ngettext ("trading state unknown on %u",
                                                         "trading state unknown on %u", n_unknown),
                                               n_unknown);
      append_part (str, part);
    }
  if (n_unreported > 0)
    {
      g_autofree char *part = g_strdup_printf (ngettext ("trading state not reported by %u",
                                                         "trading state not reported by %u",
                                                         n_unreported),
                                               n_unreported);
      append_part (str, part);
    }
  if (n_switchless > 0)
    {
      g_autofree char *part = g_strdup_printf (ngettext ("no halt switch on %u",
                                                         "no halt switch on %u", n_switchless),
                                               n_switchless);
      append_part (str, part);
    }
  if (n_tripped > 0)
    {
      g_autofree char *part = g_strdup_printf (ngettext ("%u breaker tripped",
                                                         "%u breakers tripped", n_tripped),
                                               n_tripped);
      append_part (str, part);
    }
  if (failed->len > 0)
    {
      /* Translators: %s lists the services a Halt All did not halt */
      g_autofree char *part = g_strdup_printf (_("halt failed on %s"), failed->str);
      append_part (str, part);
    }

  if (failed->len > 0 || n_tripped > 0)
    level = TW_TRADING_URGENCY_CRITICAL;
  /* A service that cannot report its state (and was not halted from here) is said, not
   * coloured: it would keep the line orange for good. */
  else if (n_active + n_switchless + n_unreported == n)
    level = TW_TRADING_URGENCY_OK;
  else
    level = TW_TRADING_URGENCY_WARNING;
  if (urgency != NULL)
    *urgency = level;
  return g_string_free (g_steal_pointer (&str), FALSE);
}

static char *
format_breaker_number (TwBreaker *breaker,
                       double     number)
{
  if (g_strcmp0 (tw_breaker_get_unit (breaker), "percent") == 0)
    /* Translators: a percentage, e.g. "3.1 %" */
    return g_strdup_printf (_("%.1f %%"), number);
  return g_strdup_printf ("%.0f", number);
}

char *
tw_trading_summary_describe_holds (TwTradingState *state)
{
  GListModel *breakers;
  g_autoptr(GString) str = g_string_new (NULL);
  guint n;

  g_return_val_if_fail (TW_IS_TRADING_STATE (state), NULL);

  breakers = tw_trading_state_get_breakers (state);
  n = g_list_model_get_n_items (breakers);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwBreaker) breaker = g_list_model_get_item (breakers, i);
      const char *label = tw_breaker_get_label (breaker);
      g_autofree char *part = NULL;

      if (!tw_breaker_is_tripped (breaker))
        continue;
      if (label == NULL)
        label = tw_breaker_get_id (breaker);
      if (tw_breaker_get_limit (breaker) > 0 && g_strcmp0 (tw_breaker_get_kind (breaker), "source") != 0)
        {
          g_autofree char *value = format_breaker_number (breaker, tw_breaker_get_value (breaker));
          g_autofree char *limit = format_breaker_number (breaker, tw_breaker_get_limit (breaker));

          /* Translators: a tripped breaker, e.g. "the Consecutive losses breaker, still at 3 of 3" */
          part = g_strdup_printf (_("the %s breaker, still at %s of %s"), label, value, limit);
        }
      else
        /* Translators: a tripped source breaker, e.g. "the polygon breaker, still OPEN" */
        part = g_strdup_printf (_("the %s breaker, still %s"), label,
                                tw_breaker_state_to_string (tw_breaker_get_state (breaker)));
      if (str->len > 0)
        g_string_append (str, _("; "));
      g_string_append (str, part);
    }
  if (tw_trading_state_get_kill_switch_active (state))
    {
      if (str->len > 0)
        g_string_append (str, _("; "));
      g_string_append (str, _("the kill switch"));
    }
  if (tw_trading_state_get_trading_blocked (state) || tw_trading_state_get_account_blocked (state))
    {
      if (str->len > 0)
        g_string_append (str, _("; "));
      g_string_append (str, _("the broker's block, which only the broker lifts"));
    }
  if (str->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&str), FALSE);
}
