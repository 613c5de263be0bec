/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-enums.h"

G_BEGIN_DECLS

/* A service of a profile: its configuration (id, name, connector, base URL) and its
 * live health. The UI binds to its properties:
 *   "id", "name", "connector-id", "base-url"       configuration (strings)
 *   "state" (TwServiceState), "latency-ms" (double, -1 unknown),
 *   "latency-median-ms" (double: of the last TW_SERVICE_LATENCY_WINDOW good answers, -1 none),
 *   "last-success" (GDateTime, NULL never), "last-error" (string, NULL none),
 *   "stale" (bool), "version" (string), "status-text" (string: the body's own word),
 *   "components" (GListModel of TwComponent, read-only; updated in place),
 *   "slow-ms" (uint, configuration: a health answer slower than this is degraded, 0 never;
 *   the profile's "SlowMs", default TW_SERVICE_DEFAULT_SLOW_MS). */
#define TW_SERVICE_DEFAULT_SLOW_MS 2000
#define TW_SERVICE_LATENCY_WINDOW  5
#define TW_TYPE_SERVICE (tw_service_get_type ())
G_DECLARE_FINAL_TYPE (TwService, tw_service, TW, SERVICE, GObject)

TwService      *tw_service_new              (const char     *id,
                                             const char     *connector_id,
                                             const char     *base_url);
const char     *tw_service_get_id           (TwService      *self);
const char     *tw_service_get_name         (TwService      *self);
void            tw_service_set_name         (TwService      *self,
                                             const char     *name);
const char     *tw_service_get_connector_id (TwService      *self);
void            tw_service_set_connector_id (TwService      *self,
                                             const char     *connector_id);
const char     *tw_service_get_base_url     (TwService      *self);
void            tw_service_set_base_url     (TwService      *self,
                                             const char     *base_url);

TwServiceState  tw_service_get_state        (TwService      *self);
double          tw_service_get_latency_ms   (TwService      *self);
double          tw_service_get_latency_median_ms (TwService *self);
GDateTime      *tw_service_get_last_success (TwService      *self);
const char     *tw_service_get_last_error   (TwService      *self);
gboolean        tw_service_get_stale        (TwService      *self);
void            tw_service_set_stale        (TwService      *self,
                                             gboolean        stale);
const char     *tw_service_get_version      (TwService      *self);
void            tw_service_set_version      (TwService      *self,
                                             const char     *version);
const char     *tw_service_get_status_text  (TwService      *self);
void            tw_service_set_status_text  (TwService      *self,
                                             const char     *status_text);
GListModel     *tw_service_get_components   (TwService      *self);
/* The TwError code of the last failed poll (TW_ERROR_SERVER for a 5xx), -1 after a good one. */
int             tw_service_get_last_error_code (TwService   *self);
guint           tw_service_get_slow_ms      (TwService      *self);
void            tw_service_set_slow_ms      (TwService      *self,
                                             guint           slow_ms);
/* The flags issue: optional paths to the service's .env and feature_flags.json (profile
 * keys EnvFile=, FlagsFile=), read (never written) to tell which layer decided a flag.
 * (nullable) */
const char     *tw_service_get_env_file     (TwService      *self);
void            tw_service_set_env_file     (TwService      *self,
                                             const char     *path);
const char     *tw_service_get_flags_file   (TwService      *self);
void            tw_service_set_flags_file   (TwService      *self,
                                             const char     *path);
/* TRUE when the last health answer took longer than "slow-ms". */
gboolean        tw_service_is_slow          (TwService      *self);

/* A good health answer: state from @health (and the components), latency, last-success = now,
 * last-error cleared, stale cleared. @components: (element-type TwComponent) (nullable) the new
 * list, merged into the existing one by name so rows update in place (NULL: no components).
 * @status_text: (nullable) the body's own word; NULL leaves "status-text" as it is.
 * @health UNKNOWN (no health rule; the service answered) counts as ok; an ok answer slower
 * than "slow-ms" is degraded. */
void            tw_service_apply_health     (TwService      *self,
                                             TwHealth        health,
                                             const char     *status_text,
                                             double          latency_ms,
                                             GPtrArray      *components);
/* A failed poll: state from the TW_ERROR code (auth/forbidden → auth-failed,
 * unreachable/timeout → unreachable, others → error), message kept, latency unknown (-1)
 * until the next good answer; last-success and the components stay as they were. */
void            tw_service_apply_health_unchanged (TwService *self,
                                                   double     latency_ms);
void            tw_service_apply_error      (TwService      *self,
                                             const GError   *error);
/* Its profile's HostCommands (set by the profile): commands may run on the host. */
gboolean        tw_service_get_host_commands (TwService     *self);
void            tw_service_set_host_commands (TwService     *self,
                                              gboolean       allowed);
/* The keys of the service's profile group its connector reads ("settings"), as text. */
const char     *tw_service_get_setting      (TwService      *self,
                                             const char     *key);
void            tw_service_set_setting      (TwService      *self,
                                             const char     *key,
                                             const char     *value);
GPtrArray      *tw_service_list_settings    (TwService      *self);
/* Seconds since the last success, -1 if never. */
gint64          tw_service_get_age_seconds  (TwService      *self);

G_END_DECLS
