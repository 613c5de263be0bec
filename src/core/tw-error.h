/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TW_ERROR (tw_error_quark ())

/**
 * TwError:
 * @TW_ERROR_FAILED: anything else
 * @TW_ERROR_UNREACHABLE: the service could not be reached (refused, DNS, dropped connection)
 * @TW_ERROR_TIMEOUT: no answer within the request's timeout
 * @TW_ERROR_AUTH: 401, the credentials were rejected
 * @TW_ERROR_FORBIDDEN: 403, the credentials lack a permission
 * @TW_ERROR_NOT_FOUND: 404
 * @TW_ERROR_RATE_LIMITED: 429 after the retries were spent
 * @TW_ERROR_SERVER: 5xx
 * @TW_ERROR_BAD_RESPONSE: an answer that could not be understood (malformed, truncated, HTML, 4xx)
 * @TW_ERROR_TOO_LARGE: the body is larger than the size cap
 * @TW_ERROR_TLS: the certificate was not trusted
 * @TW_ERROR_INVALID: bad input (a connector file, a profile, an argument)
 * @TW_ERROR_UNSUPPORTED: the connector has no such operation
 * @TW_ERROR_SECRET: a secret is missing or the keyring refused
 * @TW_ERROR_REFUSED: the guard refused the action
 * @TW_ERROR_CONFLICT: the server refused the request in the state it is in (409, 422, 207 partial)
 * @TW_ERROR_DATABASE: an SQLite error
 * @TW_ERROR_DISMISSED: a person dismissed the confirmation (Cancel in a guard dialog):
 *   nothing was sent. A cancellation by a program (a #GCancellable: a closed page, a
 *   stopped poller) is %G_IO_ERROR_CANCELLED, never a #TwError.
 */
typedef enum
{
  TW_ERROR_FAILED,
  TW_ERROR_UNREACHABLE,
  TW_ERROR_TIMEOUT,
  TW_ERROR_AUTH,
  TW_ERROR_FORBIDDEN,
  TW_ERROR_NOT_FOUND,
  TW_ERROR_RATE_LIMITED,
  TW_ERROR_SERVER,
  TW_ERROR_BAD_RESPONSE,
  TW_ERROR_TOO_LARGE,
  TW_ERROR_TLS,
  TW_ERROR_INVALID,
  TW_ERROR_UNSUPPORTED,
  TW_ERROR_SECRET,
  TW_ERROR_REFUSED,
  TW_ERROR_CONFLICT,
  TW_ERROR_DATABASE,
  TW_ERROR_DISMISSED,
} TwError;

GQuark      tw_error_quark   (void);
const char *tw_error_nick    (TwError code);

G_END_DECLS
