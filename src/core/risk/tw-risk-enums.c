/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-risk-enums.h"

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
