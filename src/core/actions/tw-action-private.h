/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-action-runner.h"

G_BEGIN_DECLS

TwActionResult *_tw_action_result_new (const char *service_id,
                                       const char *service_name,
                                       gboolean    ok,
                                       guint       http_status,
                                       const char *message,
                                       double      latency_ms);

G_END_DECLS
