/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tw-heap.c: populating pages changes none of their bytes and makes every one resident
 * (read back with mincore ()); tw_heap_warm () leaves the next block of its size
 * resident before the main thread writes to it. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tw-heap.h"

#define LENGTH (4 << 20)

static gsize
count_resident (gpointer start,
                gsize    length)
{
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  gsize n_pages = (length + page - 1) / page, n = 0;
  g_autofree unsigned char *vec = g_malloc (n_pages);

  g_assert_cmpint (mincore ((gpointer) ((guintptr) start & ~(guintptr) (page - 1)), length, vec), ==, 0);
  for (gsize i = 0; i < n_pages; i++)
    n += vec[i] & 1;
  return n;
}

static gboolean
kernel_populates (void)
{
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  gpointer probe = mmap (NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  gboolean done;

  g_assert_true (probe != MAP_FAILED);
  done = tw_heap_populate (probe, page);
  munmap (probe, page);
  return done;
}

static void
test_populate (void)
{
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  guchar *region;

  if (!kernel_populates ())
    {
      g_test_skip ("This kernel has no MADV_POPULATE_WRITE (Linux 5.14)");
      return;
    }
  region = mmap (NULL, LENGTH, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  g_assert_true (region != MAP_FAILED);
  region[3 * page + 7] = 0xab;
  g_assert_cmpuint (count_resident (region, LENGTH), ==, 1);

  g_assert_true (tw_heap_populate (region, LENGTH));
  g_assert_cmpuint (count_resident (region, LENGTH), ==, LENGTH / page);
  for (gsize i = 0; i < LENGTH; i++)
    {
      if (i == 3 * page + 7)
        g_assert_cmpuint (region[i], ==, 0xab);
      else if (region[i] != 0)
        g_error ("Byte %zu is %u after populating", i, region[i]);
    }

  /* A range no longer mapped is refused, not touched. */
  g_assert_cmpint (munmap (region + LENGTH / 2, LENGTH / 2), ==, 0);
  g_assert_false (tw_heap_populate (region + LENGTH / 2, LENGTH / 2));
  g_assert_cmpint (munmap (region, LENGTH / 2), ==, 0);
}

static void
test_warm (void)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  gsize n_pages = LENGTH / page;
  gpointer block;

#if defined(__SANITIZE_ADDRESS__)
  g_test_skip ("A sanitizer's allocator places blocks its own way");
  return;
#endif
  if (!kernel_populates ())
    {
      g_test_skip ("This kernel has no MADV_POPULATE_WRITE (Linux 5.14)");
      return;
    }
  tw_heap_init ();
  tw_heap_warm (LENGTH);
  /* Where the warmed block was: the next one of its size comes from there. Its pages
   * become resident with nothing written to them (the worker's, not a fault's). */
  block = malloc (LENGTH);
  g_assert_nonnull (block);
  while (count_resident (block, LENGTH) + 2 < n_pages)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%zu of %zu pages resident after 10 s", count_resident (block, LENGTH), n_pages);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  free (block);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tw/heap/populate", test_populate);
  g_test_add_func ("/tw/heap/warm", test_warm);

  return g_test_run ();
}
