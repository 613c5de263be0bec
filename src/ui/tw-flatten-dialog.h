/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "tw-flatten.h"

G_BEGIN_DECLS

/* The progress and result of one TwFlatten: its three steps (suspend new orders →
 * cancel all orders → close all positions), each with an icon and a word for its state
 * and its result; under a partial step, each refused symbol or order and why. The
 * result at the bottom; never a success wording when something is left open. The
 * dialog cannot be closed while the flatten runs ("close" response disabled, close
 * requests refused). Signal "finished" (ok, result). */
#define TW_TYPE_FLATTEN_DIALOG (tw_flatten_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TwFlattenDialog, tw_flatten_dialog, TW, FLATTEN_DIALOG, AdwMessageDialog)

/* @service_name: for the heading. */
GtkWidget  *tw_flatten_dialog_new              (GtkWindow       *parent,
                                                TwFlatten       *flatten,
                                                const char      *service_name);
/* Runs the flatten (once). */
void        tw_flatten_dialog_run              (TwFlattenDialog *self);
gboolean    tw_flatten_dialog_get_running      (TwFlattenDialog *self);

G_END_DECLS
