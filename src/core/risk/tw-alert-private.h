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

G_END_DECLS
