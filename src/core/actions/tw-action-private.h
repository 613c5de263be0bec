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

TwActionResult *_tw_action_result_new_full (const char      *service_id,
                                            const char      *service_name,
                                            TwActionOutcome  outcome,
                                            gboolean         read_back,
                                            guint            http_status,
                                            const char      *message,
                                            double           latency_ms);

/* The server's message of a success body, or a plain statement of it (English, for the
 * audit log). */
char           *_tw_action_describe_success (JsonNode *body,
                                             guint     status);
void            _tw_action_runner_emit_halt_result (TwActionRunner *self,
                                                    TwActionResult *result);

G_END_DECLS
