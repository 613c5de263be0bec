/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-profile-private.h"

#include <glib/gi18n-lib.h>

#include "tw-error.h"

/* The profile's [Alerts] group: the webhook receiver's address and port.
 *   [Alerts]
 *   WebhookPort=9097             (0 or absent: no receiver)
 *   WebhookAddress=127.0.0.1     (another address needs WebhookAllowRemote=true and a
 *   WebhookAllowRemote=false      bearer token in the keyring: service "alerts",
 *                                 name "webhook_token")
 * Kept on the profile object beside its other settings, written back by save. */

#define GROUP_ALERTS "Alerts"

static GQuark
config_quark (void)
{
  return g_quark_from_static_string ("tw-profile-alerts-config");
}

static void
config_free (TwAlertsConfig *config)
{
  g_free (config->webhook_address);
  g_free (config);
}

static const TwAlertsConfig default_config = { NULL, 0, FALSE };

const TwAlertsConfig *
tw_profile_get_alerts_config (TwProfile *self)
{
  TwAlertsConfig *config;

  g_return_val_if_fail (TW_IS_PROFILE (self), &default_config);

  config = g_object_get_qdata (G_OBJECT (self), config_quark ());
  return config != NULL ? config : &default_config;
}

void
tw_profile_set_alerts_config (TwProfile  *self,
                              const char *webhook_address,
                              guint       webhook_port,
                              gboolean    allow_remote)
{
  TwAlertsConfig *config;

  g_return_if_fail (TW_IS_PROFILE (self));

  config = g_new0 (TwAlertsConfig, 1);
  config->webhook_address = webhook_address != NULL && *webhook_address != '\0'
                            ? g_strdup (webhook_address) : NULL;
  config->webhook_port = webhook_port;
  config->allow_remote = allow_remote;
  g_object_set_qdata_full (G_OBJECT (self), config_quark (), config, (GDestroyNotify) config_free);
}

gboolean
_tw_profile_load_alerts (TwProfile   *self,
                         GKeyFile    *keyfile,
                         const char  *filename,
                         GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *address = NULL;
  guint64 port = 0;
  gboolean allow_remote = FALSE;

  if (!g_key_file_has_group (keyfile, GROUP_ALERTS))
    return TRUE;

  if (g_key_file_has_key (keyfile, GROUP_ALERTS, "WebhookPort", NULL))
    {
      port = g_key_file_get_uint64 (keyfile, GROUP_ALERTS, "WebhookPort", &local_error);
      if (local_error != NULL || port > 65535)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("%s: [Alerts] WebhookPort must be a port number (1–65535), or 0 for no "
                         "webhook receiver."), filename);
          return FALSE;
        }
    }
  address = g_key_file_get_string (keyfile, GROUP_ALERTS, "WebhookAddress", NULL);
  if (address != NULL)
    {
      g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (g_strstrip (address));

      if (*address != '\0' && inet == NULL)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("%s: [Alerts] WebhookAddress “%s” is not an IP address (e.g. 127.0.0.1)."),
                       filename, address);
          return FALSE;
        }
    }
  if (g_key_file_has_key (keyfile, GROUP_ALERTS, "WebhookAllowRemote", NULL))
    {
      allow_remote = g_key_file_get_boolean (keyfile, GROUP_ALERTS, "WebhookAllowRemote", &local_error);
      if (local_error != NULL)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("%s: [Alerts] WebhookAllowRemote must be true or false."), filename);
          return FALSE;
        }
    }
  tw_profile_set_alerts_config (self, address, (guint) port, allow_remote);
  return TRUE;
}

void
_tw_profile_save_alerts (TwProfile *self,
                         GKeyFile  *keyfile)
{
  const TwAlertsConfig *config = tw_profile_get_alerts_config (self);

  if (config->webhook_port == 0 && config->webhook_address == NULL && !config->allow_remote)
    return;
  g_key_file_set_uint64 (keyfile, GROUP_ALERTS, "WebhookPort", config->webhook_port);
  if (config->webhook_address != NULL)
    g_key_file_set_string (keyfile, GROUP_ALERTS, "WebhookAddress", config->webhook_address);
  if (config->allow_remote)
    g_key_file_set_boolean (keyfile, GROUP_ALERTS, "WebhookAllowRemote", TRUE);
}
