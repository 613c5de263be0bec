/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tw-util.h"

G_BEGIN_DECLS

/* Helpers shared by the trading models (TwAccount, TwPosition, TwOrder): a property
 * described by its id, name and struct offset, so one table serves get, set and
 * update_from, and a refresh of thousands of rows compares fields directly. Fields
 * are replaced with tw_set_str() and tw_set_date_time() of tw-util.h. */
typedef struct
{
  guint       prop;
  const char *name;
  gsize       offset;
} TwFieldSpec;

static inline const TwFieldSpec *
_tw_field_spec_find (const TwFieldSpec *specs,
                     gsize              n_specs,
                     guint              prop)
{
  for (gsize i = 0; i < n_specs; i++)
    if (specs[i].prop == prop)
      return &specs[i];
  return NULL;
}

G_END_DECLS
