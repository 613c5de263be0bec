/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Sets @pspec's property on @target from @node, converting by the property's type:
 * strings holding numbers ("12.5") to double/int, "true"/"false" to gboolean,
 * ISO 8601 strings to GDateTime, strings to enums by nick, numbers to strings.
 * A JSON null leaves the property at its current value. */
gboolean tw_json_set_property (GObject     *target,
                               GParamSpec  *pspec,
                               JsonNode    *node,
                               GError     **error);

G_END_DECLS
