/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

/* Frees a string that held a secret (a key, a header carrying one), zeroing it first.
 * explicit_bzero, not memset: a store just before free() is removed by the compiler. */
static inline void
tw_str_wipe_free (gpointer data)
{
  char *text = data;

  if (text == NULL)
    return;
  explicit_bzero (text, strlen (text));
  g_free (text);
}

/* GLib 2.74 has no g_set_str(): replaces *@field with a copy of @value.
 * Returns TRUE when the value changed, so callers notify only on a real change. */
static inline gboolean
tw_set_str (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/* The same for a GDateTime (compared by instant). */
static inline gboolean
tw_set_date_time (GDateTime **field,
                  GDateTime  *value)
{
  if (*field == value || (*field != NULL && value != NULL && g_date_time_equal (*field, value)))
    return FALSE;
  g_clear_pointer (field, g_date_time_unref);
  *field = value != NULL ? g_date_time_ref (value) : NULL;
  return TRUE;
}

G_END_DECLS
