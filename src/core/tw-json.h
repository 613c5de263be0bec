/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* json-glib parses recursively, with no limit on nesting: a 200 kB body of 100,000 '['
 * overflows a thread's stack. Every JSON the console and the simulator read goes through
 * tw_json_parser_load(), which checks these limits on the raw text first. */
#define TW_JSON_MAX_DEPTH 512
#define TW_JSON_MAX_VALUES (4u * 1024 * 1024)
#define TW_JSON_MAX_BYTES (64u * 1024 * 1024)

gboolean  tw_json_check_limits (const char  *data,
                                gsize        length,
                                GError     **error);
/* tw_json_check_limits() then json_parser_load_from_data(). @length: -1 for a
 * nul-terminated @data. Errors: TW_ERROR_TOO_LARGE for a text past the limits,
 * TW_ERROR_INVALID for a "\u" escape that names no character, json-glib's own for
 * malformed JSON. */
gboolean  tw_json_parser_load  (JsonParser  *parser,
                                const char  *data,
                                gssize       length,
                                GError     **error);
/* The same, returning the root (a JSON null node for an empty text). */
JsonNode *tw_json_parse        (const char  *data,
                                gssize       length,
                                GError     **error);

G_END_DECLS
