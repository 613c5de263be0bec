/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* German with the catalog the build makes (po/de.po → _build/po/de/LC_MESSAGES), for the
 * tests that read what a German operator reads (header-only: each test is one .c file in
 * tests/meson.build). Call g_unsetenv ("LANGUAGE") in main() before any thread: it would
 * take precedence over the locale. */

#include <glib.h>
#include <glib/gi18n.h>
#include <locale.h>

/* Switches to German; FALSE (the test skipped) without a de_DE.UTF-8 locale. Returns the
 * locale to go back to (tw_test_leave_german) in @saved. */
static inline gboolean
tw_test_enter_german (char **saved)
{
  g_autofree char *localedir = g_test_build_filename (G_TEST_BUILT, "..", "po", NULL);
  g_autofree char *mo = g_build_filename (localedir, "de", "LC_MESSAGES", GETTEXT_PACKAGE ".mo",
                                          NULL);

  /* The build makes the catalog; a build without it is a broken build. */
  g_assert_true (g_file_test (mo, G_FILE_TEST_IS_REGULAR));
  *saved = g_strdup (setlocale (LC_ALL, NULL));
  if (setlocale (LC_ALL, "de_DE.UTF-8") == NULL && setlocale (LC_ALL, "de_DE.utf8") == NULL)
    {
      g_test_skip ("no de_DE.UTF-8 locale on this machine (locale-gen de_DE.UTF-8)");
      return FALSE;
    }
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  /* As main.c does: the UI's _() (gi18n.h) looks in the default domain. */
  textdomain (GETTEXT_PACKAGE);
  return TRUE;
}

/* Back to @saved (from tw_test_enter_german), or to C: the msgids. */
static inline void
tw_test_leave_german (const char *saved)
{
  setlocale (LC_ALL, saved != NULL ? saved : "C");
}
