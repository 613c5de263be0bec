/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tw-heap.c — pages made resident before a burst needs them, off the main thread
 *
 * Opening a profile makes the session's objects and then draws the whole window: both
 * take fresh memory from the top of glibc's heap (the frame's image is 3 MB at
 * 1000×720), and every fresh page faults on first touch, in the main thread. On the
 * 2-core VM of docs/performance.md a fault costs 10 µs: 1,300 of them, 13 ms of the
 * opening's two main-loop rounds. Populating the same pages ahead with
 * madvise (MADV_POPULATE_WRITE) costs 0.2 ms a MB, in a worker thread, and changes no
 * byte (Linux 5.14; older kernels refuse it and nothing changes).
 *
 * tw_heap_init () makes the heap keep what that needs: blocks up to 16 MB come from the
 * heap rather than mmap () (a full-window image, 8 MB at 1920×1080, is then reused from
 * frame to frame rather than mapped afresh), and up to 32 MB free at its top stay
 * mapped rather than being given back to the kernel at every free ().
 */
#include "config.h"

#include "tw-heap.h"

#include <gio/gio.h>
#include <malloc.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define MMAP_THRESHOLD (16 << 20)
#define TRIM_THRESHOLD (32 << 20)

static gboolean initialized;

/**
 * tw_heap_init:
 *
 * Sets glibc's heap thresholds (see above). Call once, from the main thread, before
 * tw_heap_warm (). A sanitizer's allocator ignores them.
 */
void
tw_heap_init (void)
{
  if (initialized)
    return;
  initialized = TRUE;
  if (mallopt (M_MMAP_THRESHOLD, MMAP_THRESHOLD) != 1 ||
      mallopt (M_TRIM_THRESHOLD, TRIM_THRESHOLD) != 1)
    g_debug ("The allocator refused its heap thresholds");
}

typedef struct
{
  guintptr start;
  gsize    length;
} Range;

/**
 * tw_heap_populate:
 * @start: a page-aligned address
 * @length: bytes from @start
 *
 * Makes the pages of [@start, @start + @length) resident and writable, as the first
 * write to each would, without changing a byte of them. Pages already resident are
 * skipped; a range not mapped (the heap gave it back since) is refused, never touched.
 *
 * Returns: %FALSE if the kernel refused (before Linux 5.14, or the range is not
 *   mapped): nothing changed
 */
gboolean
tw_heap_populate (gpointer start,
                  gsize    length)
{
#ifdef MADV_POPULATE_WRITE
  return madvise (start, length, MADV_POPULATE_WRITE) == 0;
#else
  return FALSE;
#endif
}

static void
populate_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Range *range = task_data;
  gint64 start = g_get_monotonic_time ();
  gboolean done;

  done = tw_heap_populate ((gpointer) range->start, range->length);
  g_debug ("Populated %zu kB of the heap's top in %.2f ms%s", range->length / 1024,
           (g_get_monotonic_time () - start) / 1000.0, done ? "" : " (refused)");
  g_task_return_boolean (task, done);
}

/**
 * tw_heap_warm:
 * @reserve: bytes the main thread is about to need
 *
 * Makes sure the heap's top holds @reserve free bytes, and has a worker thread make
 * them resident. Returns at once: the main thread goes on while the worker populates
 * ahead of it (16 MB in about 3 ms). Main thread only, after tw_heap_init ().
 */
void
tw_heap_warm (gsize reserve)
{
  g_autoptr(GTask) task = NULL;
  guintptr page = (guintptr) sysconf (_SC_PAGESIZE);
  guintptr address, end, start, brk_end;
  Range *range;
  void *block;

  g_return_if_fail (reserve > 0 && reserve < MMAP_THRESHOLD);

  if (!initialized)
    return;
  /* Where the next blocks will come from: a free chunk that fits, or the top (the heap
   * grows, untouched). Freed, it goes back where it was, not to the kernel (under
   * TRIM_THRESHOLD). */
  block = malloc (reserve);
  if (block == NULL)
    return;
  address = (guintptr) block;
  free (block);
  start = address & ~(page - 1);
  end = (address + reserve + page - 1) & ~(page - 1);
  /* At the top, what the heap grew past the block too. */
  brk_end = ((guintptr) sbrk (0)) & ~(page - 1);
  if (brk_end > end && brk_end - end < reserve)
    end = brk_end;

  range = g_new (Range, 1);
  range->start = start;
  range->length = end - start;
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, tw_heap_warm);
  g_task_set_name (task, "[tw] warm heap");
  g_task_set_task_data (task, range, g_free);
  g_task_run_in_thread (task, populate_thread);
}
