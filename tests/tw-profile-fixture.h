/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the profile tests. */
#pragma once

#include "tw-profile.h"

/* Service @position of @profile has these id, name (unless NULL), connector and address,
 * and the profile finds it by its id. */
void       tw_profile_fixture_assert_service (TwProfile  *profile,
                                              guint       position,
                                              const char *id,
                                              const char *name,
                                              const char *connector_id,
                                              const char *base_url);
/* A live profile with two services, two databases and two logs. (transfer full) */
TwProfile *tw_profile_fixture_new_full       (void);
