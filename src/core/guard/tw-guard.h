/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tw-enums.h"

G_BEGIN_DECLS

/**
 * TwGuardDirection:
 * @TW_GUARD_TOWARD_SAFETY: halt, activate the kill switch, disable a risky flag: one click
 * @TW_GUARD_AWAY_FROM_SAFETY: resume, reset a breaker, deactivate the kill switch: a reason
 *   and the runbook's checklist
 * @TW_GUARD_DESTRUCTIVE: close, cancel all, restore, revoke: a reason, and in a live
 *   profile the profile's name typed
 */
typedef enum
{
  TW_GUARD_TOWARD_SAFETY,
  TW_GUARD_AWAY_FROM_SAFETY,
  TW_GUARD_DESTRUCTIVE,
} TwGuardDirection;

#define TW_GUARD_MIN_REASON_LENGTH 10

/* Checklist items of the runbooks, by id. */
#define TW_GUARD_CHECK_ROOT_CAUSE        "root-cause"
#define TW_GUARD_CHECK_HEALTH_GREEN      "health-green"
#define TW_GUARD_CHECK_BROKER_CONNECTED  "broker-connected"
#define TW_GUARD_CHECK_TRADES_REVIEWED   "trades-reviewed"
#define TW_GUARD_CHECK_EXCHANGE_BLOCKING "exchange-blocking"

/* What an action is, for the guard. */
typedef struct
{
  const char       *action;       /* "trading.resume" */
  TwGuardDirection  direction;
  const char       *title;        /* untranslated English; the UI translates with g_dgettext */
} TwGuardActionInfo;

/* (transfer none) NULL for an action the guard does not know: such an action is refused. */
const TwGuardActionInfo *tw_guard_lookup_action (const char *action);

/* One request to carry out a guarded action, filled by a front end (dialog, CLI, test)
 * and checked by tw_guard_check(). Properties: "action", "target", "profile-name",
 * "mode", "reason", "typed-confirmation", "breaker-kind" ("loss" for a loss breaker). */
#define TW_TYPE_GUARD_REQUEST (tw_guard_request_get_type ())
G_DECLARE_FINAL_TYPE (TwGuardRequest, tw_guard_request, TW, GUARD_REQUEST, GObject)

TwGuardRequest   *tw_guard_request_new                  (const char     *action,
                                                         const char     *target,
                                                         const char     *profile_name,
                                                         TwMode          mode);
const char       *tw_guard_request_get_action           (TwGuardRequest *self);
const char       *tw_guard_request_get_target           (TwGuardRequest *self);
const char       *tw_guard_request_get_profile_name     (TwGuardRequest *self);
TwMode            tw_guard_request_get_mode             (TwGuardRequest *self);
TwGuardDirection  tw_guard_request_get_direction        (TwGuardRequest *self);
const char       *tw_guard_request_get_reason           (TwGuardRequest *self);
void              tw_guard_request_set_reason           (TwGuardRequest *self,
                                                         const char     *reason);
const char       *tw_guard_request_get_typed_confirmation (TwGuardRequest *self);
void              tw_guard_request_set_typed_confirmation (TwGuardRequest *self,
                                                         const char     *text);
/* "loss" makes TW_GUARD_CHECK_TRADES_REVIEWED part of the checklist. */
void              tw_guard_request_set_breaker_kind     (TwGuardRequest *self,
                                                         const char     *kind);
/* The checklist this request needs, in order: (transfer none) (element-type utf8) ids. */
GPtrArray        *tw_guard_request_get_checklist        (TwGuardRequest *self);
/* Ticks (or unticks) an item. Automatic items (health, broker) are set by whoever
 * watches the services; the operator ticks the manual ones. Emits "changed". */
void              tw_guard_request_set_checked          (TwGuardRequest *self,
                                                         const char     *check_id,
                                                         gboolean        checked);
gboolean          tw_guard_request_get_checked          (TwGuardRequest *self,
                                                         const char     *check_id);
/* TRUE for checklist items filled from the live state of the services, not by hand. */
gboolean          tw_guard_check_is_automatic           (const char     *check_id);
/* Untranslated English label of a checklist item. */
const char       *tw_guard_check_get_label              (const char     *check_id);
/* Requirements, for the dialog: */
gboolean          tw_guard_request_needs_reason         (TwGuardRequest *self);
gboolean          tw_guard_request_needs_typed_name     (TwGuardRequest *self);
/* What is still needed, in plain English; NULL when nothing (the dialog shows it while the
 * operator fills the form). (transfer full) */
char             *tw_guard_request_dup_missing          (TwGuardRequest *self);
/* TRUE when every requirement is met; otherwise FALSE with TW_ERROR_REFUSED whose message
 * lists what is missing ("A reason of at least 10 characters is required; tick: Root cause
 * identified"). The one policy every front end obeys. */
gboolean          tw_guard_request_check                (TwGuardRequest *self,
                                                         GError        **error);

/* Feature flags: a change of one flag is toward or away from safety by the flag, not by
 * the operation (disabling strict validation is away from it). Once set, the request
 * needs: toward safety nothing; away from safety a reason, and for a "high" or
 * "critical" flag (@risk) also the flag's name typed (tw_guard_request_set_typed_flag),
 * and in a live profile the profile's name typed too. No checklist. */
void              tw_guard_request_set_flag             (TwGuardRequest *self,
                                                         const char     *flag_name,
                                                         const char     *risk,
                                                         gboolean        toward_safety);
/* (nullable) the flag set by tw_guard_request_set_flag() */
const char       *tw_guard_request_get_flag_name        (TwGuardRequest *self);
gboolean          tw_guard_request_needs_typed_flag     (TwGuardRequest *self);
const char       *tw_guard_request_get_typed_flag       (TwGuardRequest *self);
void              tw_guard_request_set_typed_flag       (TwGuardRequest *self,
                                                         const char     *text);

G_END_DECLS
