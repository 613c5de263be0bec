/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tw-connector-private.h"

/* A secret's "rotation": how the console makes a new value of it and proves one works.
 *   "generate": { "bytes": 32, "encoding": "hex" }  (absent: the vendor issues keys,
 *               the operator pastes them)
 *   "prove":    "health"   (a read operation sent with the candidate key alone)
 *   "proof":    "read" (the default: 2xx with the key is proof) or "gate": the operation
 *               is gated by this secret alone (an optional header) and cannot act: it must
 *               answer 403 without the secret, 401/403 with a refused key, anything else
 *               below 500 with an accepted one (000's live-trading key: a close of a
 *               symbol nobody holds)
 * Whether old and new keys can be valid at once follows from the secret's "env": a list
 * variable (API_KEYS=OLD,NEW) can hold both. */

#define MAX_GENERATED_BYTES 256

gboolean
_tw_secret_rotation_load (TwLoadContext *ctx,
                          JsonNode      *node,
                          const char    *where,
                          TwSecretSpec  *spec)
{
  static const char * const keys[] = { "generate", "prove", "proof", "followup", NULL };
  static const char * const generate_keys[] = { "bytes", "encoding", NULL };
  g_autofree char *where2 = g_strdup_printf ("%s: \"rotation\"", where);
  JsonObject *object;
  const char *prove = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _tw_load_fail (ctx, _("%s must be an object with \"generate\" and \"prove\", not %s"),
                          where2, _tw_load_json_kind (node));
  object = json_node_get_object (node);
  if (!_tw_load_check_keys (ctx, object, where2, keys) ||
      !_tw_load_get_string (ctx, object, "prove", where2, &prove))
    return FALSE;

  if (json_object_has_member (object, "generate"))
    {
      JsonNode *gen = json_object_get_member (object, "generate");
      g_autofree char *where3 = g_strdup_printf ("%s: \"generate\"", where2);
      const char *encoding = NULL;
      JsonNode *bytes;
      JsonObject *gobj;
      gint64 n;

      if (!JSON_NODE_HOLDS_OBJECT (gen))
        return _tw_load_fail (ctx, _("%s must be an object with \"bytes\" and \"encoding\", not %s"),
                              where3, _tw_load_json_kind (gen));
      gobj = json_node_get_object (gen);
      if (!_tw_load_check_keys (ctx, gobj, where3, generate_keys) ||
          !_tw_load_get_string (ctx, gobj, "encoding", where3, &encoding))
        return FALSE;
      bytes = json_object_get_member (gobj, "bytes");
      if (bytes == NULL || !JSON_NODE_HOLDS_VALUE (bytes) ||
          json_node_get_value_type (bytes) != G_TYPE_INT64)
        return _tw_load_fail (ctx, _("%s: \"bytes\" must be a whole number"), where3);
      n = json_node_get_int (bytes);
      if (n < 16 || n > MAX_GENERATED_BYTES)
        return _tw_load_fail (ctx, _("%s: \"bytes\" must be between 16 and %d"), where3,
                              MAX_GENERATED_BYTES);
      if (encoding == NULL)
        encoding = "hex";
      if (!g_str_equal (encoding, "hex") && !g_str_equal (encoding, "base64url"))
        return _tw_load_fail (ctx, _("%s: \"encoding\" must be \"hex\" or \"base64url\""), where3);
      spec->rotate_bytes = (guint) n;
      spec->rotate_encoding = g_strdup (encoding);
    }

  if (json_object_has_member (object, "followup"))
    {
      JsonNode *fn = json_object_get_member (object, "followup");
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      if (!JSON_NODE_HOLDS_ARRAY (fn))
        return _tw_load_fail (ctx, _("%s: \"followup\" must be an array of strings"), where2);
      for (guint i = 0; i < json_array_get_length (json_node_get_array (fn)); i++)
        {
          JsonNode *e = json_array_get_element (json_node_get_array (fn), i);

          if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
            return _tw_load_fail (ctx, _("%s: \"followup\" must be an array of strings"), where2);
          g_strv_builder_add (builder, json_node_get_string (e));
        }
      spec->revoke_followup = g_strv_builder_end (builder);
    }

  if (json_object_has_member (object, "proof"))
    {
      const char *proof = NULL;

      if (!_tw_load_get_string (ctx, object, "proof", where2, &proof))
        return FALSE;
      if (g_strcmp0 (proof, "gate") == 0)
        spec->prove_gate = TRUE;
      else if (g_strcmp0 (proof, "read") != 0)
        return _tw_load_fail (ctx, _("%s: \"proof\" must be \"read\" or \"gate\""), where2);
    }

  spec->prove_operation = g_strdup (prove);
  for (guint i = 0; spec->env_variables != NULL && i < spec->env_variables->len; i++)
    {
      TwEnvVariable *var = g_ptr_array_index (spec->env_variables, i);

      if (var->separator != NULL)
        spec->rotate_overlap = TRUE;
    }
  return TRUE;
}
