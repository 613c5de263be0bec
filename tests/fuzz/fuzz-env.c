/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-connector-registry.h"
#include "tw-profile.h"
#include "tw-secrets.h"
#include "tw-fuzz.h"

/* A runbook's .env file, as the console imports it into a new profile with the shipped
 * connectors (secrets into an in-memory store); the profile it makes must save and read
 * back. */

static TwConnectorRegistry *registry;
static TwSecrets *secrets;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  tw_fuzz_init ();
  registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (registry);
  secrets = tw_secrets_new_memory ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(TwProfile) profile = NULL;
  g_autoptr(TwProfile) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;

  profile = tw_profile_import_env (text, "fuzz", registry, secrets, &error);
  if (profile != NULL)
    {
      g_assert_no_error (error);
      saved = tw_profile_to_data (profile);
      again = tw_profile_load_from_data (saved, "fuzz.conf", &error);
      g_assert_no_error (error);
      g_assert_nonnull (again);
    }
  else
    {
      g_assert_nonnull (error);
      tw_fuzz_assert_utf8 (error->message);
    }

  g_assert_true (tw_secrets_clear_profile_sync (secrets, "fuzz", NULL, NULL));
  return 0;
}
