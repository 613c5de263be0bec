/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* RFC 6901. "" is the whole document; "~1" is "/", "~0" is "~". (transfer none) NULL if absent. */
JsonNode *tw_json_pointer_get      (JsonNode   *root,
                                    const char *pointer);
gboolean  tw_json_pointer_is_valid (const char *pointer);

G_END_DECLS
