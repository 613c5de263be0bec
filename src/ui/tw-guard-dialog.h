/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-guard.h"
#include "tw-workspace.h"

G_BEGIN_DECLS

/* The guard's dialog for one TwGuardRequest (away from safety, or destructive): the
 * action and its target; a reason entry when needed; the runbook's checklist, whose
 * automatic items (services healthy, broker connected) follow the workspace's live
 * state and cannot be ticked by hand; the profile's name typed in a live profile.
 * Cancel is the default; "confirm" stays disabled until tw_guard_request_check()
 * passes. Responses: "cancel", "confirm" (AdwMessageDialog::response). */
#define TW_TYPE_GUARD_DIALOG (tw_guard_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TwGuardDialog, tw_guard_dialog, TW, GUARD_DIALOG, AdwMessageDialog)

/* @service_id: (nullable) the service acted on (its "broker" component counts as the
 * broker); @workspace: (nullable) where the automatic items are read. */
GtkWidget      *tw_guard_dialog_new              (GtkWindow      *parent,
                                                  TwGuardRequest *request,
                                                  TwWorkspace    *workspace,
                                                  const char     *service_id);
TwGuardRequest *tw_guard_dialog_get_request      (TwGuardDialog  *self);

/* Asks for what @request needs. Toward safety: no dialog, finishes TRUE at once.
 * Otherwise presents a TwGuardDialog (returned, transfer none) and finishes TRUE on
 * Confirm (with the check passing), FALSE with TW_ERROR_DISMISSED when the person
 * cancels it. Cancelling @cancellable closes the dialog and finishes FALSE with
 * G_IO_ERROR_CANCELLED (at once, without a dialog, if it was cancelled already). */
GtkWidget      *tw_guard_confirm_async           (GtkWindow           *parent,
                                                  TwGuardRequest      *request,
                                                  TwWorkspace         *workspace,
                                                  const char          *service_id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean        tw_guard_confirm_finish          (GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
