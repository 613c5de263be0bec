/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-demo.h"
#include "tw-demo-cron.h"

#include <glib/gi18n.h>

#include "tw-error.h"
#include "tw-sim-demo-db.h"
#include "tw-sim-demo-logs.h"

typedef struct
{
  const char *flavor;
  const char *name;
  /* connector secret name → simulator credential name, up to two */
  const char *secrets[2][2];
} DemoService;

static const DemoService demo_services[] = {
  { "investiq", "InvestIQ",
    { { "api_key", "api_key" }, { "live_trading_key", "live_trading_key" } } },
  { "ibkr-assistant", "IBKR assistant", { { "api_key", "api_key" }, { NULL, NULL } } },
  { "ai-trading", "AI trading", { { "api_key", "api_key" }, { NULL, NULL } } },
  { "autotrader", "Autotrader", { { "api_key", "api_key" }, { NULL, NULL } } },
  { "alpaca", "Alpaca (paper)",
    { { "key_id", "alpaca_key_id" }, { "secret_key", "alpaca_secret" } } },
};

/* Logs: the firm's log files (tw-sim-demo-logs.h), appended to as the demo runs. */
static void
tw_demo_add_logs (TwProfile   *profile,
                  TwSimThread *sim,
                  const char  *data_dir)
{
  const char *loki = tw_sim_thread_get_url (sim, "loki");

  g_autofree char *trading = g_build_filename (data_dir, TW_SIM_DEMO_LOG_TRADING, NULL);
  g_autofree char *api = g_build_filename (data_dir, TW_SIM_DEMO_LOG_API, NULL);
  g_autofree char *audit = g_build_filename (data_dir, TW_SIM_DEMO_LOG_AUDIT, NULL);

  tw_profile_add_log (profile, "trading", trading);
  tw_profile_add_log (profile, "api", api);
  tw_profile_set_log_option (profile, "api", "Kind", "json");
  tw_profile_add_log (profile, "audit", audit);
  tw_profile_set_log_option (profile, "audit", "Kind", "audit-chain");
  /* The AI trading system (001) ships its logs to Loki. */
  if (loki != NULL)
    {
      tw_profile_add_log (profile, "ai-trading", loki);
      tw_profile_set_log_option (profile, "ai-trading", "Kind", "loki");
      tw_profile_set_log_option (profile, "ai-trading", "Query", "{app=\"ai-trading\"}");
      tw_profile_set_log_option (profile, "ai-trading", "Tenant", "trading");
    }
}

TwProfile *
tw_demo_profile_new (TwSimThread *sim,
                     TwSecrets   *secrets,
                     GError     **error)
{
  g_autoptr(TwProfile) profile = NULL;

  g_return_val_if_fail (sim != NULL, NULL);
  g_return_val_if_fail (TW_IS_SECRETS (secrets), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!tw_secrets_is_memory (secrets))
    {
      g_set_error_literal (error, TW_ERROR, TW_ERROR_INVALID,
                           _("The demo keeps its credentials in memory only, but it was given the keyring"));
      return NULL;
    }

  profile = tw_profile_new (TW_DEMO_PROFILE_NAME, TW_MODE_PAPER);

  for (guint i = 0; i < G_N_ELEMENTS (demo_services); i++)
    {
      const DemoService *demo = &demo_services[i];
      const char *url = tw_sim_thread_get_url (sim, demo->flavor);
      g_autoptr(TwService) service = NULL;

      if (url == NULL)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                       _("The simulator does not serve “%s”: restart the demo"), demo->flavor);
          return NULL;
        }
      service = tw_service_new (demo->flavor, demo->flavor, url);
      tw_service_set_name (service, demo->name);
      /* The second addresses the simulator serves (issue 15): 001's rate gate, 000's
       * ML service. */
      if (g_str_equal (demo->flavor, "ai-trading"))
        tw_service_set_setting (service, "RateGateUrl", tw_sim_thread_get_url (sim, TW_SIM_FLAVOR_RATE_GATE));
      else if (g_str_equal (demo->flavor, "investiq"))
        tw_service_set_setting (service, "MlServiceUrl", tw_sim_thread_get_url (sim, TW_SIM_FLAVOR_ML_SERVICE));
      tw_profile_add_service (profile, service);

      for (guint j = 0; j < G_N_ELEMENTS (demo->secrets); j++)
        {
          const char *value;

          if (demo->secrets[j][0] == NULL)
            continue;
          value = tw_sim_thread_get_credential (sim, demo->secrets[j][1]);
          /* Memory secrets: storing does not block. */
          if (value != NULL
              && !tw_secrets_store_sync (secrets, TW_DEMO_PROFILE_NAME, demo->flavor,
                                         demo->secrets[j][0], value, NULL, error))
            return NULL;
        }
    }

  /* The cron bot (002), which has no API: stand-ins in the demo's folder. */
  if (!tw_demo_cron_bot_add (profile, tw_sim_get_data_dir (), error))
    return NULL;

  /* Backups: the simulated firm's own SQLite databases (tw-sim-demo-db.h), backed up
   * next to them, kept 7 days, every hour. */
  {
    const char *data_dir = tw_sim_get_data_dir ();
    g_autofree char *backup_dir = g_build_filename (data_dir, "backups", NULL);
    g_autofree char *investiq = g_build_filename (data_dir, TW_SIM_DEMO_DB_INVESTIQ, NULL);
    g_autofree char *audit = g_build_filename (data_dir, TW_SIM_DEMO_DB_AUDIT, NULL);

    tw_profile_add_database (profile, "investiq", investiq, backup_dir, 7, 1);
    tw_profile_add_database (profile, "ibkr-audit", audit, backup_dir, 7, 1);
  }
  tw_demo_add_logs (profile, sim, tw_sim_get_data_dir ());

  return g_steal_pointer (&profile);
}
