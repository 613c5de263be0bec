/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-profile.h"
#include "tw-secrets.h"
#include "tw-sim.h"

G_BEGIN_DECLS

#define TW_DEMO_PROFILE_NAME "demo"

/* The throw-away "demo" profile (paper): one service per simulator flavor (id and
 * connector = the flavor), and the simulator's credentials stored in @secrets, which
 * must be a memory TwSecrets (nothing of the demo reaches the keyring or the disk).
 * The app's --demo and the UI tests share it. (transfer full) */
TwProfile *tw_demo_profile_new (TwSimThread *sim,
                                TwSecrets   *secrets,
                                GError     **error);

G_END_DECLS
