/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "tw-process.h"

/* What main() does first: no core dump of a heap holding keys. (test-demo-process checks
 * the running console's limit from outside.) */
static void
test_harden (void)
{
  g_autoptr(GError) error = NULL;
  struct rlimit limit;

  /* Start from a process that would dump core, as a developer's shell often allows. */
  g_assert_cmpint (getrlimit (RLIMIT_CORE, &limit), ==, 0);
  limit.rlim_cur = limit.rlim_max;
  g_assert_cmpint (setrlimit (RLIMIT_CORE, &limit), ==, 0);
  g_assert_cmpint (prctl (PR_SET_DUMPABLE, 1, 0, 0, 0), ==, 0);
  g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 1);

  g_assert_true (tw_process_harden (&error));
  g_assert_no_error (error);

  g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 0);
  g_assert_cmpint (getrlimit (RLIMIT_CORE, &limit), ==, 0);
  g_assert_cmpuint (limit.rlim_cur, ==, 0);
  g_assert_cmpuint (limit.rlim_max, ==, 0);
  /* And it stays so: the hard limit cannot be raised again by the process. */
  limit.rlim_cur = limit.rlim_max = 1024 * 1024;
  if (geteuid () != 0)
    g_assert_cmpint (setrlimit (RLIMIT_CORE, &limit), !=, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/tw/core/process/harden", test_harden);
  return g_test_run ();
}
