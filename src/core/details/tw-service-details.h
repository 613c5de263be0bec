/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-action-runner.h"
#include "tw-alert-engine.h"
#include "tw-client.h"
#include "tw-detail-item.h"
#include "tw-service-history.h"

G_BEGIN_DECLS

/* The sections of a service page beyond its health, each present only when the
 * connector declares its operation. */
typedef enum
{
  TW_DETAIL_METRICS,      /* "metrics": JSON mapped, or Prometheus text ("format") */
  TW_DETAIL_RATE_LIMITS,  /* "rate_limits.list" */
  TW_DETAIL_SECURITY,     /* "security.checks": a check whose health is down raises an alert */
  TW_DETAIL_TRADES,       /* "trades.list" (${days}, ${limit}) */
  TW_DETAIL_MODELS,       /* "models.list": a model whose health is down raises an alert */
  TW_DETAIL_CLOCK,        /* "clock.get" */
  TW_DETAIL_ORDERS,       /* "orders.list", with "approvals.status": pending orders and
                           * their approvals (003) */
  TW_DETAIL_LIMIT_METRICS, /* "rate_limits.metrics": the rate limiter's own metrics (001's
                            * rate gate /metrics), a table like the metrics' */
  TW_DETAIL_N_SECTIONS
} TwDetailSection;

/* One reading of a key figure. */
typedef struct
{
  gint64 time_us;   /* g_get_real_time () */
  double value;
} TwFigureSample;

/* Rate limits above this share used are a warning (004: "Rate limit usage > 80%"). */
#define TW_RATE_LIMIT_WARNING 0.8

const char *tw_detail_section_get_operation (TwDetailSection section);

/* What one service reports beyond its health, read on demand and every "interval"
 * seconds once started: per section a list of TwDetailItem (rate limits, security
 * checks, trades, models; the metrics' table), the metrics' key figures, the clock,
 * the last error. Emits "updated" (section) after each answer or failure. Holds a
 * TwServiceHistory of the service's health. Alerts go to the alert engine when given. */
#define TW_TYPE_SERVICE_DETAILS (tw_service_details_get_type ())
G_DECLARE_FINAL_TYPE (TwServiceDetails, tw_service_details, TW, SERVICE_DETAILS, GObject)

TwServiceDetails *tw_service_details_new          (TwClient         *client,
                                                   TwAlertEngine    *alerts);
TwService        *tw_service_details_get_service  (TwServiceDetails *self);
TwConnector      *tw_service_details_get_connector (TwServiceDetails *self);
TwServiceHistory *tw_service_details_get_history  (TwServiceDetails *self);
gboolean          tw_service_details_has_section  (TwServiceDetails *self,
                                                   TwDetailSection   section);
/* (transfer none) GListModel of TwDetailItem */
GListModel       *tw_service_details_get_items    (TwServiceDetails *self,
                                                   TwDetailSection   section);
/* (transfer none) the key figures of "metrics" (a TwDetailItem whose numbers are NaN
 * until given) */
TwDetailItem     *tw_service_details_get_figures  (TwServiceDetails *self);
/* (transfer none) (nullable) the last hour's readings of the key figure @name, oldest
 * first; @n_samples their number (0 and NULL when none) */
const TwFigureSample *tw_service_details_get_figure_history (TwServiceDetails *self,
                                                             const char       *name,
                                                             guint            *n_samples);
/* (transfer none) the market clock: "health" ok when open, down when closed,
 * "next-open", "next-close" as strings ("time" the clock's own) */
TwDetailItem     *tw_service_details_get_clock    (TwServiceDetails *self);
/* (nullable) why the last read of @section failed */
const char       *tw_service_details_get_error    (TwServiceDetails *self,
                                                   TwDetailSection   section);
/* Whether @section has been read (answer or failure) at least once. */
gboolean          tw_service_details_is_loaded    (TwServiceDetails *self,
                                                   TwDetailSection   section);
/* Reads one order's detail ("orders.get", when declared) and its approval
 * ("approvals.status"), then emits "updated" (TW_DETAIL_ORDERS). */
void              tw_service_details_read_order   (TwServiceDetails *self,
                                                   const char       *order_id);
/* (transfer none) (nullable) the order last read, NULL before */
TwDetailItem     *tw_service_details_get_order    (TwServiceDetails *self);
/* (nullable) why reading it failed */
const char       *tw_service_details_get_order_error (TwServiceDetails *self);
/* An order's audit trail (tw-order-audit.c): "audit.trail" with ${id} the order's
 * correlation id (003: GET /api/v1/audit/correlation_id/ID). */
#define TW_AUDIT_TRAIL_MAX_ENTRIES 1000  /* the newest kept */
#define TW_AUDIT_TRAIL_MAX_DETAIL  500   /* characters of one entry's details */
gboolean          tw_service_details_can_read_audit    (TwServiceDetails    *self);
/* Reads the trail of @correlation_id. Finish: (transfer full) a GListModel of
 * TwDetailItem in time order, each with "time" (as the service wrote it), "type" (the
 * event), "message" (the details on one line: an object's members "key: value, …"),
 * "id"; @n_left_out: entries not shown (not objects, another correlation id's, beyond
 * the newest TW_AUDIT_TRAIL_MAX_ENTRIES). Errors: TW_ERROR_NOT_FOUND when the service
 * has no trail for it (404), TW_ERROR_BAD_RESPONSE for an answer that is not a list,
 * the call's own (TW_ERROR_TIMEOUT, TW_ERROR_UNREACHABLE…). */
void              tw_service_details_read_audit_async  (TwServiceDetails    *self,
                                                        const char          *correlation_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GListModel       *tw_service_details_read_audit_finish (TwServiceDetails    *self,
                                                        GAsyncResult        *result,
                                                        guint               *n_left_out,
                                                        GError             **error);
/* (transfer full) (nullable) where @section is read when its operation goes to one of
 * the connector's "endpoints": "Rate gate · http://127.0.0.1:3001"; NULL for the
 * service's own address */
char             *tw_service_details_dup_section_address (TwServiceDetails *self,
                                                          TwDetailSection   section);
/* Whether the connector can reset rate-limit quotas: all at once ("rate_limits.reset",
 * @one_provider FALSE) or one provider's ("rate_limits.reset_provider" with ${provider}). */
gboolean          tw_service_details_can_reset_rate_limits (TwServiceDetails *self,
                                                            gboolean          one_provider);
/* Resets the quotas (@provider NULL: all) as the guarded action "ratelimit.reset" through
 * @runner (the checklist: the exchange already blocks; audited: requested, then its
 * outcome), then reads the rate limits back and records what they show as an audit row
 * of its own ("failed" when the read-back fails, or a quota reset still shows above
 * TW_RATE_LIMIT_WARNING). Emits "updated" (TW_DETAIL_RATE_LIMITS) with the new rows. */
void              tw_service_details_reset_rate_limits_async (TwServiceDetails    *self,
                                                              TwActionRunner      *runner,
                                                              TwGuardRequest      *request,
                                                              const char          *provider,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
/* (transfer full) what the service answered and what the read-back shows, for people;
 * NULL with @error when the reset was refused or failed (the read-back then is not made). */
char             *tw_service_details_reset_rate_limits_finish (TwServiceDetails  *self,
                                                               GAsyncResult      *result,
                                                               GError           **error);
/* Reads every section not already on its way. */
void              tw_service_details_refresh      (TwServiceDetails *self);
/* The ${days} of trades.list (default 7) and ${limit} (default 50). */
void              tw_service_details_set_trades_range (TwServiceDetails *self,
                                                       guint             days,
                                                       guint             limit);
/* Reads every @interval_s seconds until stopped, the first time after @interval_s: a
 * profile that opens sends its health polls first (a page shown reads at once). */
void              tw_service_details_start        (TwServiceDetails *self,
                                                   guint             interval_s);
/* The same, the first time after @first_ms: a session of many services spreads them
 * over the interval instead of reading every one in the same second. */
void              tw_service_details_start_after  (TwServiceDetails *self,
                                                   guint             interval_s,
                                                   guint             first_ms);
/* Stops the timer and cancels what is on its way. */
void              tw_service_details_stop         (TwServiceDetails *self);

G_END_DECLS
