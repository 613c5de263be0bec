/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The test session's notification recorder (tests/notification-recorder.py, its control
 * interface in README.md), seen from this process's session-bus connection: only the
 * notifications this process sent. */
gboolean    tw_test_recorder_available (void);
void        tw_test_recorder_clear     (void);
/* The Notify calls of this process, as a JSON array (transfer full). */
JsonArray  *tw_test_recorder_get       (void);
/* The first notification whose summary contains @summary_part (NULL: any) and whose
 * urgency is @urgency (-1: any), or NULL (transfer full). */
JsonObject *tw_test_recorder_find      (const char *summary_part,
                                        int         urgency);
/* Iterates the main context until tw_test_recorder_find() finds one, or @timeout_ms. */
JsonObject *tw_test_recorder_wait      (const char *summary_part,
                                        int         urgency,
                                        guint       timeout_ms);
guint       tw_test_recorder_count     (const char *summary_part,
                                        int         urgency);
gboolean    tw_test_recorder_has_action (JsonObject *call,
                                         const char *key);
/* As if the operator clicked @key on notification @call. */
void        tw_test_recorder_invoke    (JsonObject *call,
                                        const char *key);

G_END_DECLS
