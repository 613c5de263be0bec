/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-profile-fixture.h"

static TwService *
service_at (TwProfile *profile,
            guint      position)
{
  g_autoptr(TwService) service = g_list_model_get_item (tw_profile_get_services (profile), position);

  g_assert_nonnull (service);
  return service; /* the profile keeps it alive */
}

void
tw_profile_fixture_assert_service (TwProfile  *profile,
                                   guint       position,
                                   const char *id,
                                   const char *name,
                                   const char *connector_id,
                                   const char *base_url)
{
  TwService *service = service_at (profile, position);

  g_assert_cmpstr (tw_service_get_id (service), ==, id);
  if (name != NULL)
    g_assert_cmpstr (tw_service_get_name (service), ==, name);
  g_assert_cmpstr (tw_service_get_connector_id (service), ==, connector_id);
  g_assert_cmpstr (tw_service_get_base_url (service), ==, base_url);
  g_assert_true (tw_profile_lookup_service (profile, id) == service);
}

TwProfile *
tw_profile_fixture_new_full (void)
{
  TwProfile *profile = tw_profile_new ("ops_live-1", TW_MODE_LIVE);
  g_autoptr(TwService) investiq = tw_service_new ("investiq", "investiq", "http://127.0.0.1:3000");
  g_autoptr(TwService) alpaca = tw_service_new ("alpaca", "alpaca", "https://api.alpaca.markets");

  tw_service_set_name (investiq, "InvestIQ — main, “prod”");
  tw_service_set_name (alpaca, "Alpaca (live)");
  tw_profile_add_service (profile, investiq);
  tw_profile_add_service (profile, alpaca);
  tw_profile_add_database (profile, "audit", "/srv/ibkr/audit.db", "/srv/backups/audit", 14, 24);
  tw_profile_add_database (profile, "trades", "/srv/bot/trades db.sqlite", NULL, 0, 0);
  tw_profile_add_log (profile, "trading", "/srv/bot/logs/trading.log");
  tw_profile_add_log (profile, "audit-chain", "/srv/bot/logs/audit/audit_log.jsonl");
  return profile;
}
