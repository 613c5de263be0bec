/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tw-error.h"
#include "tw-json.h"
#include "tw-flags-private.h"

/* A .env or feature_flags.json larger than this is not read. */
#define MAX_FILE_SIZE (1024 * 1024)

/* ---- layers: the service's .env and feature_flags.json ---- */

/* NAME=VALUE lines; "export " prefixes, quotes and comments as a shell's .env has them. */
static GHashTable *
parse_env (const char *contents)
{
  GHashTable *vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *eq, *value;
      gsize len;

      if (*line == '#' || *line == '\0')
        continue;
      if (g_str_has_prefix (line, "export "))
        line = g_strchug (line + strlen ("export "));
      eq = strchr (line, '=');
      if (eq == NULL)
        continue;
      *eq = '\0';
      value = g_strstrip (eq + 1);
      len = strlen (value);
      if (len >= 2 && (value[0] == '"' || value[0] == '\'') && value[len - 1] == value[0])
        {
          value[len - 1] = '\0';
          value++;
        }
      else
        {
          char *hash = strstr (value, " #");

          if (hash != NULL)
            *hash = '\0';
          g_strchomp (value);
        }
      g_hash_table_replace (vars, g_strdup (g_strchomp (line)), g_strdup (value));
    }
  return vars;
}

/* "true"/"false" or the number, as the service would read the variable. */
static char *
env_value_as_flag (const char *text)
{
  g_autofree char *lower = g_ascii_strdown (text, -1);

  if (g_str_equal (lower, "true") || g_str_equal (lower, "1") || g_str_equal (lower, "yes"))
    return g_strdup ("true");
  if (g_str_equal (lower, "false") || g_str_equal (lower, "0") || g_str_equal (lower, "no"))
    return g_strdup ("false");
  return g_strdup (text);
}

static char *
read_small_file (const char  *path,
                 GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  if (length > MAX_FILE_SIZE)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_TOO_LARGE, _("%s is larger than 1 MiB"), path);
      return NULL;
    }
  return g_steal_pointer (&contents);
}

void
_tw_flags_layer_files_free (LayerFiles *files)
{
  g_free (files->env_path);
  g_free (files->flags_path);
  g_clear_pointer (&files->env, g_hash_table_unref);
  g_clear_pointer (&files->file, json_object_unref);
  g_free (files);
}

void
_tw_flags_layer_files_read (LayerFiles *files)
{
  g_autoptr(GError) error = NULL;

  if (files->env_path != NULL)
    {
      g_autofree char *contents = read_small_file (files->env_path, &error);

      if (contents != NULL)
        files->env = parse_env (contents);
      else
        g_debug ("Flags: %s not read: %s", files->env_path, error->message);
      g_clear_error (&error);
    }
  if (files->flags_path != NULL)
    {
      g_autofree char *contents = read_small_file (files->flags_path, &error);
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (contents != NULL && tw_json_parser_load (parser, contents, -1, &error) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        files->file = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
      else
        g_debug ("Flags: %s not read: %s", files->flags_path,
                 error != NULL ? error->message : "not a JSON object");
    }
}

char *
_tw_flags_value_text (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");
  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (type == G_TYPE_DOUBLE)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
    }
  if (type == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return NULL;
}

/* A layer is claimed only when the value the service reports is the one that layer
 * holds: otherwise something changed it since (a runtime toggle, an edited file), and
 * the page says "unknown" with both values rather than guess. */
static gboolean
layer_holds (TwFlag     *flag,
             const char *layer_value)
{
  return !tw_flag_get_known (flag) || _tw_flag_values_equal (tw_flag_get_value (flag), layer_value);
}

static void
set_mismatch (TwFlag     *flag,
              const char *where,
              const char *layer_value)
{
  g_autofree char *said = tw_flag_format_value (flag, layer_value);
  g_autofree char *now = tw_flag_format_value (flag, tw_flag_get_value (flag));
  /* Translators: where a value was read (“/srv/ibkr/.env”), the value there, the value
   * the service reports */
  g_autofree char *detail = g_strdup_printf (_("%s says %s, but the service reports %s: "
                                               "changed at runtime or since it started"),
                                             where, said, now);

  _tw_flag_set_env_value (flag, NULL);
  _tw_flag_set_layer (flag, TW_FLAG_LAYER_UNKNOWN, detail, FALSE);
}

void
_tw_flags_apply_layers (GPtrArray  *items,
                        const char *service_id,
                        LayerFiles *files)
{
  for (guint i = 0; i < items->len; i++)
    {
      TwFlag *flag = g_ptr_array_index (items, i);
      const char *variable = tw_flag_get_env_variable (flag);
      const char *env_text = NULL;
      const char *fallback = tw_flag_get_default (flag);
      gboolean env_known = variable == NULL || files->env != NULL;
      g_autofree char *env_value = NULL;
      g_autofree char *file_value = NULL;
      JsonNode *member;

      if (!g_str_equal (tw_flag_get_service_id (flag), service_id))
        continue;

      if (variable != NULL && files->env != NULL)
        env_text = g_hash_table_lookup (files->env, variable);
      member = files->file != NULL ? json_object_get_member (files->file, tw_flag_get_name (flag))
                                   : NULL;
      if (env_text != NULL)
        env_value = env_value_as_flag (env_text);
      if (member != NULL)
        file_value = _tw_flags_value_text (member);

      if (env_value != NULL && !layer_holds (flag, env_value))
        set_mismatch (flag, files->env_path, env_value);
      else if (env_value != NULL)
        {
          /* Translators: where a flag's value comes from, e.g. “LIVE_TRADING_MODE=true in /srv/ibkr/.env” */
          g_autofree char *detail = g_strdup_printf (_("%s=%s in %s"), variable, env_text,
                                                     files->env_path);

          _tw_flag_set_env_value (flag, env_value);
          _tw_flag_set_layer (flag, TW_FLAG_LAYER_ENV, detail, TRUE);
        }
      else if (file_value != NULL && env_known && !layer_holds (flag, file_value))
        set_mismatch (flag, files->flags_path, file_value);
      else if (file_value != NULL && env_known)
        {
          /* Translators: a flag's value in a file, e.g. “true in /srv/ibkr/feature_flags.json” */
          g_autofree char *detail = g_strdup_printf (_("%s in %s"), file_value, files->flags_path);

          _tw_flag_set_env_value (flag, NULL);
          _tw_flag_set_layer (flag, TW_FLAG_LAYER_FILE, detail, FALSE);
        }
      else if (env_known && files->file != NULL && fallback != NULL && !layer_holds (flag, fallback))
        set_mismatch (flag, _("The code default"), fallback);
      else if (env_known && files->file != NULL)
        {
          _tw_flag_set_env_value (flag, NULL);
          _tw_flag_set_layer (flag, TW_FLAG_LAYER_DEFAULT, _("the service's code default"), FALSE);
        }
      else
        {
          _tw_flag_set_env_value (flag, NULL);
          _tw_flag_set_layer (flag, TW_FLAG_LAYER_UNKNOWN, NULL, FALSE);
        }
    }
}
