/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * TwServiceState:
 * @TW_SERVICE_STATE_UNKNOWN: not polled yet
 * @TW_SERVICE_STATE_OK: healthy
 * @TW_SERVICE_STATE_DEGRADED: answers, but reports a problem (or a component is down)
 * @TW_SERVICE_STATE_UNREACHABLE: no answer (refused, dropped, timed out)
 * @TW_SERVICE_STATE_AUTH_FAILED: 401/403: the credentials were rejected
 * @TW_SERVICE_STATE_ERROR: answered with an error or something that could not be understood
 */
typedef enum
{
  TW_SERVICE_STATE_UNKNOWN,
  TW_SERVICE_STATE_OK,
  TW_SERVICE_STATE_DEGRADED,
  TW_SERVICE_STATE_UNREACHABLE,
  TW_SERVICE_STATE_AUTH_FAILED,
  TW_SERVICE_STATE_ERROR,
} TwServiceState;

/**
 * TwHealth:
 * The health of one component, or what a status value in a body means.
 */
typedef enum
{
  TW_HEALTH_UNKNOWN,
  TW_HEALTH_OK,
  TW_HEALTH_DEGRADED,
  TW_HEALTH_DOWN,
} TwHealth;

/**
 * TwMode:
 * @TW_MODE_PAPER: paper trading (simulated money)
 * @TW_MODE_LIVE: real money
 */
typedef enum
{
  TW_MODE_PAPER,
  TW_MODE_LIVE,
} TwMode;

const char *tw_service_state_to_string (TwServiceState state);
const char *tw_health_to_string        (TwHealth       health);
const char *tw_mode_to_string          (TwMode         mode);
gboolean    tw_mode_from_string        (const char    *str,
                                        TwMode        *mode);

G_END_DECLS
