/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-backup-scheduler.h"

G_BEGIN_DECLS

/* For tests: how many seconds one "hour" of the schedule and of the stale check lasts
 * (default 3600). Takes effect at the next start. */
void               tw_backup_scheduler_set_hour_seconds (TwBackupScheduler *self,
                                                         guint              seconds);

G_END_DECLS
