/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * TwTradingMode:
 * @TW_TRADING_UNKNOWN: not read yet, or the service does not say
 * @TW_TRADING_ACTIVE: trading
 * @TW_TRADING_REDUCING: no new entries, exits allowed (where the API has it)
 * @TW_TRADING_HALTED: halted (halt, kill switch, suspend_trade, disabled, emergency stop)
 */
typedef enum
{
  TW_TRADING_UNKNOWN,
  TW_TRADING_ACTIVE,
  TW_TRADING_REDUCING,
  TW_TRADING_HALTED,
} TwTradingMode;

/**
 * TwBreakerState:
 * @TW_BREAKER_UNKNOWN: not read yet
 * @TW_BREAKER_CLOSED: normal: requests flow / trading allowed
 * @TW_BREAKER_OPEN: tripped
 * @TW_BREAKER_HALF_OPEN: probing after its timeout
 */
typedef enum
{
  TW_BREAKER_UNKNOWN,
  TW_BREAKER_CLOSED,
  TW_BREAKER_OPEN,
  TW_BREAKER_HALF_OPEN,
} TwBreakerState;

const char *tw_breaker_state_to_string (TwBreakerState state);

G_END_DECLS
