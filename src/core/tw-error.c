/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-error.h"

G_DEFINE_QUARK (tw-error-quark, tw_error)

/**
 * tw_error_nick:
 * @code: a #TwError
 *
 * Returns: (transfer none): a short, stable, machine-readable name for @code
 *   ("unreachable", "timeout", …), as used in `--json` output and the audit log.
 */
const char *
tw_error_nick (TwError code)
{
  switch (code)
    {
    case TW_ERROR_FAILED:        return "failed";
    case TW_ERROR_UNREACHABLE:   return "unreachable";
    case TW_ERROR_TIMEOUT:       return "timeout";
    case TW_ERROR_AUTH:          return "auth";
    case TW_ERROR_FORBIDDEN:     return "forbidden";
    case TW_ERROR_NOT_FOUND:     return "not-found";
    case TW_ERROR_RATE_LIMITED:  return "rate-limited";
    case TW_ERROR_SERVER:        return "server";
    case TW_ERROR_BAD_RESPONSE:  return "bad-response";
    case TW_ERROR_TOO_LARGE:     return "too-large";
    case TW_ERROR_TLS:           return "tls";
    case TW_ERROR_INVALID:       return "invalid";
    case TW_ERROR_UNSUPPORTED:   return "unsupported";
    case TW_ERROR_SECRET:        return "secret";
    case TW_ERROR_REFUSED:       return "refused";
    case TW_ERROR_CONFLICT:      return "conflict";
    case TW_ERROR_DATABASE:      return "database";
    case TW_ERROR_DISMISSED:     return "dismissed";
    default:                     return "failed";
    }
}
