/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* What every libFuzzer target of Trade Warden shares: the two entry points, and the
 * set-up done once per process. */

int LLVMFuzzerInitialize   (int            *argc,
                            char         ***argv);
int LLVMFuzzerTestOneInput (const uint8_t  *data,
                            size_t          size);

/* Hostile input is expected to produce warnings and debug messages: they stay quiet. A
 * critical or an error aborts here, with SIGABRT: GLib would raise SIGTRAP, which
 * libFuzzer does not catch, and the input would be lost. */
static inline GLogWriterOutput
tw_fuzz_log_writer (GLogLevelFlags   log_level,
                    const GLogField *fields,
                    gsize            n_fields,
                    gpointer         user_data)
{
  if ((log_level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR)) == 0)
    return G_LOG_WRITER_HANDLED;
  g_log_writer_default (log_level, fields, n_fields, user_data);
  abort ();
}

/* A critical is a broken precondition inside the core: a crash for the fuzzer, as it is
 * for the tests (G_DEBUG=fatal-criticals). */
static inline void
tw_fuzz_init (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR);
  g_log_set_writer_func (tw_fuzz_log_writer, NULL, NULL);
}

/* Every text the console shows or records must be UTF-8: GTK, D-Bus and the audit log
 * refuse or mangle anything else. Fails naming the text, escaped. */
#define tw_fuzz_assert_utf8(text) \
  G_STMT_START { \
    const char *tw_fuzz_text_ = (text); \
    if (!g_utf8_validate (tw_fuzz_text_, -1, NULL)) \
      { \
        g_autofree char *tw_fuzz_escaped_ = g_strescape (tw_fuzz_text_, NULL); \
        g_error ("%s is not UTF-8: \"%s\"", #text, tw_fuzz_escaped_); \
      } \
  } G_STMT_END
