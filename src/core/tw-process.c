/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-process.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "tw-error.h"

gboolean
tw_process_harden (GError **error)
{
  struct rlimit none = { 0, 0 };
  int saved;

  if (setrlimit (RLIMIT_CORE, &none) != 0)
    {
      saved = errno;
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                   _("Could not turn off core dumps (%s): a crash could leave the keys in "
                     "memory on disk"), g_strerror (saved));
      return FALSE;
    }
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    {
      saved = errno;
      g_set_error (error, TW_ERROR, TW_ERROR_FAILED,
                   _("Could not make the process non-dumpable (%s): a crash could leave the "
                     "keys in memory on disk"), g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
