/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What lives in a folder the sandbox must reach: each has its own message. */
typedef enum
{
  TW_SANDBOX_DATABASE,
  TW_SANDBOX_BACKUPS,
} TwSandboxUse;

gboolean tw_sandbox_is_flatpak   (void);
gboolean tw_sandbox_check_folder (const char    *folder,
                                  TwSandboxUse   use,
                                  GError       **error);

G_END_DECLS
