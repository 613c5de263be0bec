/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-session-private.h"

/* The keys service: rotations kept in the profile's state file (the demo: in memory). */
void
_tw_session_build_keys (TwSession *self)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (!self->demo)
    path = tw_keys_default_state_path (tw_profile_get_name (self->profile));
  self->keys = tw_keys_new (self->workspace, self->audit_log, path);
  if (!tw_keys_load (self->keys, &error))
    g_warning ("Key rotations are disabled: %s", error->message);
}
