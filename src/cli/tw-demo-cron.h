/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-profile.h"

G_BEGIN_DECLS

/* Adds the demo's cron bot (002) to @profile: a folder of its own under @data_dir (the
 * demo's throw-away directory) with a stand-in crontab and a stand-in bot process,
 * started here, that ends with the console. Never the user's crontab. */
gboolean tw_demo_cron_bot_add (TwProfile   *profile,
                               const char  *data_dir,
                               GError     **error);

G_END_DECLS
