/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A sanitizer build (`build-aux/run test --sanitize`) runs the same tests 3 to 10 times
 * slower; it sets TW_TEST_TIMEOUT_SCALE. Waits for a condition then allow that many times
 * longer, and timing goals (stalls, latencies) are not checked: they measure the
 * sanitizer. Normal builds: 1, every goal checked. */
static inline guint
tw_test_timeout_scale (void)
{
  const char *text = g_getenv ("TW_TEST_TIMEOUT_SCALE");
  guint64 scale = text != NULL ? g_ascii_strtoull (text, NULL, 10) : 1;

  return scale >= 1 && scale <= 100 ? (guint) scale : 1;
}

static inline guint
tw_test_scale_timeout (guint timeout_ms)
{
  return timeout_ms * tw_test_timeout_scale ();
}

static inline gboolean
tw_test_timing_is_checked (void)
{
  return tw_test_timeout_scale () == 1;
}

G_END_DECLS
