/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-alert-engine.h"

G_BEGIN_DECLS

TwAlert *_tw_alert_new (const char      *key,
                        TwAlertSeverity  severity,
                        const char      *title,
                        const char      *body,
                        const char      *service_id,
                        const char      *page,
                        gboolean         offers_halt,
                        const char      *category);

/* For tests. */

/* (transfer none) GListModel of TwAlert raised so far, newest first. */
GListModel    *tw_alert_engine_get_history    (TwAlertEngine  *self);
/* How many alerts were held back (rate limit or still active) so far. */
guint          tw_alert_engine_get_n_suppressed      (TwAlertEngine *self);

G_END_DECLS
