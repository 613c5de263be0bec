/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tw-action-runner.h"
#include "tw-multistatus.h"
#include "tw-portfolio.h"

G_BEGIN_DECLS

typedef enum
{
  TW_FLATTEN_STEP_PENDING,
  TW_FLATTEN_STEP_RUNNING,
  TW_FLATTEN_STEP_OK,
  TW_FLATTEN_STEP_PARTIAL,
  TW_FLATTEN_STEP_FAILED,
  /* not run: the connector cannot do it (the summary says what that leaves) */
  TW_FLATTEN_STEP_SKIPPED,
} TwFlattenStepState;

#define TW_TYPE_FLATTEN_STEP_STATE (tw_flatten_step_state_get_type ())
GType tw_flatten_step_state_get_type (void) G_GNUC_CONST;

/* One step of a flatten, for the dialog to bind to. Properties (read-only):
 *   "operation" ("trading.halt", "orders.cancel_all", "positions.close_all"),
 *   "title" (untranslated English: "Suspend new orders", …; the UI translates it),
 *   "state" (TwFlattenStepState), "summary" (string: the result, or why it did not run),
 *   "result" (TwMultiStatus, nullable: per symbol / per order, for 207 answers). */
#define TW_TYPE_FLATTEN_STEP (tw_flatten_step_get_type ())
G_DECLARE_FINAL_TYPE (TwFlattenStep, tw_flatten_step, TW, FLATTEN_STEP, GObject)

const char         *tw_flatten_step_get_operation (TwFlattenStep *self);
const char         *tw_flatten_step_get_title     (TwFlattenStep *self);
TwFlattenStepState  tw_flatten_step_get_state     (TwFlattenStep *self);
const char         *tw_flatten_step_get_summary   (TwFlattenStep *self);
/* (transfer none) (nullable) */
TwMultiStatus      *tw_flatten_step_get_result    (TwFlattenStep *self);

/* Flattens one broker account in the safe order: suspend new orders ("trading.halt",
 * Alpaca's suspend_trade) → cancel all orders ("orders.cancel_all") → close all
 * positions ("positions.close_all", or one "positions.close" per position for a
 * connector without it). Each step goes through the action runner (guarded, audited),
 * under the flatten request's reason and typed confirmation; the flatten itself is
 * checked first ("account.flatten": refused → audited, nothing sent) and audited as a
 * whole. A step that fails stops the sequence: later steps stay pending and say why.
 * A partial step (207 with refusals) is "partial", and the flatten goes on.
 * Properties: "service-id", "steps" (GListModel of TwFlattenStep), "running" (bool),
 *   "result" (string: the final word, naming exactly what is left open). */
#define TW_TYPE_FLATTEN (tw_flatten_get_type ())
G_DECLARE_FINAL_TYPE (TwFlatten, tw_flatten, TW, FLATTEN, GObject)

/* @request: an "account.flatten" request (tw_action_runner_new_request), filled by the
 * operator. */
TwFlatten  *tw_flatten_new          (TwActionRunner      *runner,
                                     TwPortfolio         *portfolio,
                                     const char          *service_id,
                                     TwGuardRequest      *request);
/* (transfer none) GListModel of TwFlattenStep, three steps in order */
GListModel *tw_flatten_get_steps    (TwFlatten           *self);
gboolean    tw_flatten_get_running  (TwFlatten           *self);
/* (nullable) the final result, once finished */
const char *tw_flatten_get_result   (TwFlatten           *self);
/* Runs once. */
void        tw_flatten_run_async    (TwFlatten           *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
/* TRUE when every step succeeded and nothing is left open — as read back from the broker
 * after the last step (positions, and orders when the connector lists them; a skipped
 * cancel with no order list is never "flat": orders may still be open). Otherwise FALSE with @error:
 * TW_ERROR_REFUSED (the guard), TW_ERROR_CONFLICT (partial: something left open) or the
 * failed step's error; its message is the final result. */
gboolean    tw_flatten_run_finish   (TwFlatten           *self,
                                     GAsyncResult        *result,
                                     GError             **error);

G_END_DECLS
