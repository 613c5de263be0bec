/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tw-flatten.h"

G_BEGIN_DECLS

/* For TwFlatten (tw-flatten.c): @operation and @title are static strings. */
TwFlattenStep *_tw_flatten_step_new (const char         *operation,
                                     const char         *title,
                                     const char         *summary);
void           _tw_flatten_step_set (TwFlattenStep      *self,
                                     TwFlattenStepState  state,
                                     const char         *summary,
                                     TwMultiStatus      *result);

G_END_DECLS
