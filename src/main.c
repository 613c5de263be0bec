/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "tw-application.h"
#include "tw-bench.h"
#include "tw-cli.h"
#include "tw-crypto.h"
#include "tw-process.h"

int
main (int   argc,
      char *argv[])
{
  gint64 start_time_us = g_get_monotonic_time ();
  g_autoptr(TwApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  /* Before any key is read: no core dump of a heap that holds them. */
  if (!tw_process_harden (&error))
    g_printerr ("tradewarden: %s\n", error->message);
  /* Before any thread: libgcrypt's initialization is not thread-safe. */
  tw_crypto_init ();

  /* Verbs such as `tradewarden backup …` need no display. */
  if (tw_cli_handles (argc, argv))
    return tw_cli_main (argc, argv);

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = tw_application_new ();
  /* `tradewarden --help` names the verbs handled above. */
  g_application_set_option_context_summary (G_APPLICATION (app), tw_cli_get_verbs_help ());
  if (g_getenv ("TW_BENCH_FIRST_FRAME") != NULL)
    tw_bench_report_first_frame (GTK_APPLICATION (app), start_time_us);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
