/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* RFC 6901. "" is the whole document; "~1" is "/", "~0" is "~". (transfer none) NULL if absent. */
JsonNode *tw_json_pointer_get      (JsonNode   *root,
                                    const char *pointer);
gboolean  tw_json_pointer_is_valid (const char *pointer);

/* A pointer split into its tokens once (a connector's, at load), so that each answer
 * is walked without parsing the pointer again. */
typedef struct _TwJsonPointer TwJsonPointer;

TwJsonPointer *tw_json_pointer_new     (const char          *pointer);
void           tw_json_pointer_free    (TwJsonPointer       *pointer);
JsonNode      *tw_json_pointer_resolve (const TwJsonPointer *pointer,
                                        JsonNode            *root);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TwJsonPointer, tw_json_pointer_free)

G_END_DECLS
