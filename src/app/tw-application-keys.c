/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "tw-application-private.h"
#include "tw-keys.h"
#include "tw-notifier.h"

/* Key rotation's reminder: when a grace period is over the operator is told, by a
 * notification (the window may be closed, the console running in the background), that
 * the old key can now be retired. Its button opens the Keys page. A session with an
 * alert engine raises these as the console's own alerts (tw-session-keys.c); these
 * handlers cover a session without one (no audit log). */

static void
grace_over_cb (TwKeys        *keys,
               const char    *service_id,
               const char    *secret,
               TwApplication *self)
{
  g_autofree char *key = g_strdup_printf ("keys-grace-%s-%s", service_id, secret);
  g_autofree char *body = NULL;
  g_autoptr(GError) error = NULL;
  const char *name = self->session != NULL
                       ? tw_profile_get_service_name (tw_session_get_profile (self->session), service_id)
                       : service_id;

  /* With an alert engine the session raises it there (the Alerts page, storms). */
  if (self->session != NULL && tw_session_get_alert_engine (self->session) != NULL)
    return;
  body = g_strdup_printf (_("The grace period of the new key of %s is over: retire the old key "
                            "(remove it on the server, then prove it is refused)."), name);
  if (self->notifier == NULL ||
      !tw_notifier_notify (self->notifier, key, TW_ALERT_WARNING, "x-tradewarden.keys",
                           _("Retire the old key"), body, "keys", FALSE, &error))
    {
      if (error != NULL)
        g_debug ("Key reminder not shown as a notification: %s", error->message);
      _tw_application_toast (self, body);
    }
}

/* A revoked key: critical, so it reaches an operator away from the window too. */
static void
revoked_cb (TwKeys        *keys,
            const char    *service_id,
            const char    *secret,
            const char    *followup,
            TwApplication *self)
{
  g_autofree char *key = g_strdup_printf ("keys-revoked-%s-%s", service_id, secret);
  g_autofree char *body = NULL;
  g_autoptr(GError) error = NULL;
  const char *name = self->session != NULL
                       ? tw_profile_get_service_name (tw_session_get_profile (self->session), service_id)
                       : service_id;

  if (self->session != NULL && tw_session_get_alert_engine (self->session) != NULL)
    return;
  body = g_strdup_printf (_("A key of %s was revoked: trading was halted, the service refuses "
                            "the key and it is deleted. Store a new key before resuming."), name);
  if (self->notifier == NULL ||
      !tw_notifier_notify (self->notifier, key, TW_ALERT_CRITICAL, "x-tradewarden.keys",
                           _("Key revoked"), body, "keys", FALSE, &error))
    _tw_application_toast (self, body);
}

void
_tw_application_watch_keys (TwApplication *self,
                            TwSession     *session)
{
  TwKeys *keys = tw_session_get_keys (session);

  if (keys != NULL)
    {
      g_signal_connect_object (keys, "grace-over", G_CALLBACK (grace_over_cb), self, 0);
      g_signal_connect_object (keys, "revoked", G_CALLBACK (revoked_cb), self, 0);
    }
}

void
_tw_application_unwatch_keys (TwApplication *self,
                              TwSession     *session)
{
  TwKeys *keys = tw_session_get_keys (session);

  if (keys != NULL)
    g_signal_handlers_disconnect_by_data (keys, self);
}
