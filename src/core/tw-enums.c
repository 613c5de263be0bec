/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-enums.h"

/* Machine-readable names (profiles, --json, tests). Words for people live in the UI. */
const char *
tw_service_state_to_string (TwServiceState state)
{
  switch (state)
    {
    case TW_SERVICE_STATE_UNKNOWN:     return "unknown";
    case TW_SERVICE_STATE_OK:          return "ok";
    case TW_SERVICE_STATE_DEGRADED:    return "degraded";
    case TW_SERVICE_STATE_UNREACHABLE: return "unreachable";
    case TW_SERVICE_STATE_AUTH_FAILED: return "auth-failed";
    case TW_SERVICE_STATE_ERROR:       return "error";
    default:                           return "unknown";
    }
}

const char *
tw_health_to_string (TwHealth health)
{
  switch (health)
    {
    case TW_HEALTH_OK:       return "ok";
    case TW_HEALTH_DEGRADED: return "degraded";
    case TW_HEALTH_DOWN:     return "down";
    case TW_HEALTH_UNKNOWN:
    default:                 return "unknown";
    }
}

const char *
tw_mode_to_string (TwMode mode)
{
  return mode == TW_MODE_LIVE ? "live" : "paper";
}

gboolean
tw_mode_from_string (const char *str,
                     TwMode     *mode)
{
  if (g_strcmp0 (str, "paper") == 0)
    *mode = TW_MODE_PAPER;
  else if (g_strcmp0 (str, "live") == 0)
    *mode = TW_MODE_LIVE;
  else
    return FALSE;
  return TRUE;
}
