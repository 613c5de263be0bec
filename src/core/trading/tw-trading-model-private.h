/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Helpers shared by the trading models (TwAccount, TwPosition, TwOrder): a property
 * described by its id, name and struct offset, so one table serves get, set and
 * update_from, and a refresh of thousands of rows compares fields directly. */
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

/* GLib 2.74 has no g_set_str. TRUE when the value changed. */
static inline gboolean
_tw_replace_str (char       **field,
                 const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static inline gboolean
_tw_replace_date_time (GDateTime **field,
                       GDateTime  *value)
{
  if (*field == value || (*field != NULL && value != NULL && g_date_time_equal (*field, value)))
    return FALSE;
  g_clear_pointer (field, g_date_time_unref);
  *field = value != NULL ? g_date_time_ref (value) : NULL;
  return TRUE;
}

G_END_DECLS
