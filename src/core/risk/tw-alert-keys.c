/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tw-alert-private.h"
#include "tw-error.h"

/* Key hygiene: the key the console uses is refused (401/403) where it was accepted
 * before — rotated elsewhere, or revoked. Critical: the console no longer sees the
 * service. The alert's key is "key-refused:SERVICE". */
TwAlert *
_tw_alert_key_refused (TwService *service)
{
  int code = tw_service_get_last_error_code (service);
  const char *id = tw_service_get_id (service);
  const char *name = tw_service_get_name (service) != NULL ? tw_service_get_name (service) : id;
  g_autofree char *key = NULL;
  g_autofree char *title = NULL;

  if (tw_service_get_last_success (service) == NULL || tw_service_get_last_error (service) == NULL ||
      (code != TW_ERROR_AUTH && code != TW_ERROR_FORBIDDEN))
    return NULL;
  key = g_strdup_printf ("key-refused:%s", id);
  /* Translators: the service's name */
  title = g_strdup_printf (_("%s refuses the console’s key"), name);
  return _tw_alert_new (key, TW_ALERT_CRITICAL, title,
                        _("It was accepted before: rotated elsewhere, or revoked? The console "
                          "no longer sees this service. Check its keys on the Keys page."),
                        id, "keys", FALSE, "x-tradewarden.keys");
}
