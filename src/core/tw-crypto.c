/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libgcrypt, initialized once for the whole process: its SHA-256 uses the CPU's SHA
 * instructions (~550 MB/s here, GLib's plain C ~80 MB/s), which backups' manifests
 * and audit chains of log files notice. */
#include "config.h"

#include <gcrypt.h>

#include "tw-crypto.h"

/**
 * tw_crypto_init:
 *
 * Initializes libgcrypt, once, from whichever thread comes first: its
 * initialization is not thread-safe, so every user in Trade Warden goes through
 * here before its first call (the others wait in g_once_init_enter()) and the
 * application calls it at startup, on the main thread, before any worker. So does
 * tw_secrets_new_keyring(): libsecret starts libgcrypt itself, from a pool thread,
 * past this once.
 */
void
tw_crypto_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      /* Not finished here (GCRYCTL_INITIALIZATION_FINISHED): libsecret, in the same
       * process, sets its secure memory handlers only when nobody has. */
      if (!gcry_control (GCRYCTL_INITIALIZATION_FINISHED_P))
        gcry_check_version (NULL);
      g_once_init_leave (&initialized, 1);
    }
}
