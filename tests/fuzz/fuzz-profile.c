/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-profile.h"
#include "tw-fuzz.h"

/* A profile file, as the console reads it from the profiles folder: the loader, then
 * the round trip the console relies on — what it saves of a profile it accepted, it
 * reads back as the same profile. */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  tw_fuzz_init ();
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
  g_autofree char *saved_again = NULL;

  profile = tw_profile_load_from_data (text, "fuzz.conf", &error);
  if (profile == NULL)
    {
      g_assert_nonnull (error);
      tw_fuzz_assert_utf8 (error->message);
      return 0;
    }
  g_assert_no_error (error);
  g_assert_true (tw_profile_name_is_valid (tw_profile_get_name (profile)));

  saved = tw_profile_to_data (profile);
  again = tw_profile_load_from_data (saved, "fuzz.conf", &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  saved_again = tw_profile_to_data (again);
  g_assert_cmpstr (saved, ==, saved_again);

  return 0;
}
