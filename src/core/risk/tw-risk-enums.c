/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-risk-enums.h"

const char *
tw_trading_mode_to_string (TwTradingMode mode)
{
  switch (mode)
    {
    case TW_TRADING_ACTIVE:   return "active";
    case TW_TRADING_REDUCING: return "reducing";
    case TW_TRADING_HALTED:   return "halted";
    case TW_TRADING_UNKNOWN:
    default:                  return "unknown";
    }
}

const char *
tw_breaker_state_to_string (TwBreakerState state)
{
  switch (state)
    {
    case TW_BREAKER_CLOSED:    return "closed";
    case TW_BREAKER_OPEN:      return "open";
    case TW_BREAKER_HALF_OPEN: return "half-open";
    case TW_BREAKER_UNKNOWN:
    default:                   return "unknown";
    }
}
