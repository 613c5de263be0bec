/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

/* What every libFuzzer target of Trade Warden shares: the two entry points, and the
 * set-up done once per process. */

int LLVMFuzzerInitialize   (int            *argc,
                            char         ***argv);
int LLVMFuzzerTestOneInput (const uint8_t  *data,
                            size_t          size);

/* Hostile input is expected to produce warnings and debug messages: they stay quiet. */
static inline GLogWriterOutput
tw_fuzz_log_writer (GLogLevelFlags   log_level,
                    const GLogField *fields,
                    gsize            n_fields,
                    gpointer         user_data)
{
  if ((log_level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR)) == 0)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* A critical is a broken precondition inside the core: a crash for the fuzzer, as it is
 * for the tests (G_DEBUG=fatal-criticals). */
static inline void
tw_fuzz_init (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR);
  g_log_set_writer_func (tw_fuzz_log_writer, NULL, NULL);
}
