/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-command-private.h"
#include "tw-error.h"

/* A connector of "kind": "commands", checked when its file is read:
 *
 *   "kind": "commands",
 *   "settings": { "Pattern": { "default": "live_trading.py" },
 *                 "DataFile": { "default": "${dir}/processed_stock_data.csv" } },
 *   "operations": { "trading.halt": { "steps": [ … ] }, … }
 *
 * Each step is an object with one of these keys, and "when" (a variable that must be
 * set), "fail" (the failure message), "set" (a document member), "out" (a variable):
 *
 *   { "run": ["prog", "arg", "${var}"], "input": "${text}", "ok": [0, 1],
 *     "timeout_ms": 10000, "retry_ms": 5000,      a command; "out" is its output;
 *     "empty_when": "REGEX" }                      a failure whose message REGEX finds
 *                                                   is an empty output; with "set",
 *     "true": [0] and "false": [1] make its exit status a boolean
 *   { "save": "name", "text": "${var}" }           to SAVEDIR/name-YYYYMMDD-HHMMSS.txt
 *                                                   (mode 600); "set"/"out": its path
 *   { "load_saved": "name" }                        the newest such file: "out" its text,
 *                                                   "set" its path; none is a failure
 *   { "filter": "${text}", "drop": "REGEX", "count": "removed" }   "out": the lines
 *                                                   REGEX finds nothing in
 *   { "expect": "${text}", "line": "REGEX", "present": false }     fails unless so;
 *                                                   with "set" records the boolean instead
 *   { "file": "${dir}/GLOB", "component": "credentials", "mode": "600",
 *     "max_age_s": 86400 }                         a file (the newest, or with "mode"
 *                                                   every one, of a glob): "set" gets
 *                                                   { path, exists, modified, age_s, mode },
 *                                                   "component" a health component,
 *                                                   "out" says when it changed
 *   { "any": ["a", "b"], "set": "c" }              whether member a or b is true
 *
 * An "expect" or a "run" with "set" may tell its boolean as a health component too:
 * "component": "name", "words": ["present", "absent"] (its status when true, when false;
 * such a component passes whatever it says).
 *   { "message": "template" }                      the document's "message"
 */

static const char * const reserved_settings[] = {
  "Name", "Connector", "BaseUrl", "SlowMs", "AllowHost", "CommandPath", "SaveDir", NULL
};

static void
setting_free (TwCommandSetting *setting)
{
  g_free (setting->name);
  g_free (setting->fallback);
  g_free (setting);
}

void
_tw_command_step_free (TwCommandStep *step)
{
  if (step == NULL)
    return;
  g_free (step->when);
  g_free (step->fail);
  g_free (step->set);
  g_free (step->out);
  g_clear_pointer (&step->argv, g_ptr_array_unref);
  g_free (step->input);
  g_free (step->empty_when);
  g_clear_pointer (&step->ok, g_array_unref);
  g_clear_pointer (&step->yes, g_array_unref);
  g_clear_pointer (&step->no, g_array_unref);
  g_free (step->name);
  g_free (step->text);
  g_free (step->pattern);
  g_free (step->count);
  g_free (step->path);
  g_free (step->component);
  g_clear_pointer (&step->words, g_ptr_array_unref);
  g_clear_pointer (&step->members, g_ptr_array_unref);
  g_free (step);
}

void
_tw_command_clear (TwConnector *self)
{
  g_clear_pointer (&self->settings, g_ptr_array_unref);
}

gboolean
tw_connector_is_commands (TwConnector *self)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), FALSE);

  return self->commands;
}

/**
 * tw_connector_get_settings:
 *
 * Returns: (transfer none) (element-type TwCommandSetting): the profile keys it reads
 */
GPtrArray *
tw_connector_get_settings (TwConnector *self)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);

  if (self->settings == NULL)
    self->settings = g_ptr_array_new_with_free_func ((GDestroyNotify) setting_free);
  return self->settings;
}

static gboolean
is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

/* A template of a step: no secret (a command line and its output are no place for one). */
static gboolean
check_template (TwLoadContext *ctx,
                const char    *where,
                const char    *template)
{
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(GError) error = NULL;

  parts = _tw_template_parse (template, &error);
  if (parts == NULL)
    return _tw_load_fail (ctx, "%s: %s", where, error->message);
  for (guint i = 0; i < parts->len; i++)
    {
      TwTemplatePart *part = g_ptr_array_index (parts, i);

      if (part->secret)
        return _tw_load_fail (ctx, _("%s uses secret “%s”: a command line or a file is no "
                                     "place for a secret"), where, part->name);
      if (part->raw)
        return _tw_load_fail (ctx, _("%s: “${%s:raw}” may only be used in “body”"),
                              where, part->name);
    }
  return TRUE;
}

static gboolean
get_template (TwLoadContext  *ctx,
              JsonObject     *object,
              const char     *key,
              const char     *where,
              gboolean        required,
              char          **out)
{
  const char *value = NULL;

  if (!_tw_load_get_string (ctx, object, key, where, &value))
    return FALSE;
  if (value == NULL)
    {
      if (required)
        return _tw_load_fail (ctx, _("%s: “%s” is missing"), where, key);
      return TRUE;
    }
  if (!check_template (ctx, where, value))
    return FALSE;
  *out = g_strdup (value);
  return TRUE;
}

static gboolean
is_name (const char *name)
{
  if (name == NULL || *name == '\0')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

static gboolean
get_name (TwLoadContext  *ctx,
          JsonObject     *object,
          const char     *key,
          const char     *where,
          char          **out)
{
  const char *value = NULL;

  if (!_tw_load_get_string (ctx, object, key, where, &value))
    return FALSE;
  if (value == NULL)
    return TRUE;
  if (!is_name (value))
    return _tw_load_fail (ctx, _("%s: “%s” must be a name of letters, digits, “_” and “-”, "
                                 "not “%s”"), where, key, value);
  *out = g_strdup (value);
  return TRUE;
}

static gboolean
get_statuses (TwLoadContext  *ctx,
              JsonObject     *object,
              const char     *key,
              const char     *where,
              GArray        **out)
{
  JsonNode *node = json_object_get_member (object, key);
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return _tw_load_fail (ctx, _("%s: “%s” must be an array of exit statuses, not %s"),
                          where, key, _tw_load_json_kind (node));
  array = json_node_get_array (node);
  *out = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gint64 status;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_INT64 ||
          (status = json_node_get_int (element)) < 0 || status > 255)
        return _tw_load_fail (ctx, _("%s: “%s” may only hold exit statuses (0 to 255)"),
                              where, key);
      g_array_append_val (*out, (int) { (int) status });
    }
  return TRUE;
}

static gboolean
get_count (TwLoadContext *ctx,
           JsonObject    *object,
           const char    *key,
           const char    *where,
           gint64         max,
           gint64        *out)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 0 || json_node_get_int (node) > max)
    return _tw_load_fail (ctx, _("%s: “%s” must be a whole number from 0 to %" G_GINT64_FORMAT),
                          where, key, max);
  *out = json_node_get_int (node);
  return TRUE;
}

/* "component" and "words": a step that finds a boolean told as a health component. */
static gboolean
load_words (TwLoadContext *ctx,
            JsonObject    *object,
            const char    *where,
            TwCommandStep *step)
{
  JsonNode *words = json_object_get_member (object, "words");

  if (!get_name (ctx, object, "component", where, &step->component))
    return FALSE;
  if (step->component == NULL && words == NULL)
    return TRUE;
  if (step->component == NULL || words == NULL || step->set == NULL)
    return _tw_load_fail (ctx, _("%s: “component” and “words” go together, with “set”"), where);
  if (!JSON_NODE_HOLDS_ARRAY (words) || json_array_get_length (json_node_get_array (words)) != 2 ||
      !is_string (json_array_get_element (json_node_get_array (words), 0)) ||
      !is_string (json_array_get_element (json_node_get_array (words), 1)))
    return _tw_load_fail (ctx, _("%s: “words” must be two words, for true and for false"), where);
  step->words = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < 2; i++)
    g_ptr_array_add (step->words,
                     g_strdup (json_array_get_string_element (json_node_get_array (words), i)));
  return TRUE;
}

static gboolean
load_run (TwLoadContext *ctx,
          JsonObject    *object,
          const char    *where,
          TwCommandStep *step)
{
  static const char * const keys[] = {
    "run", "input", "ok", "true", "false", "timeout_ms", "retry_ms", "empty_when",
    "component", "words", "when", "fail", "set", "out", NULL
  };
  JsonNode *node = json_object_get_member (object, "run");
  JsonArray *array;
  gint64 timeout_ms = TW_COMMAND_DEFAULT_TIMEOUT_MS, retry_ms = 0;

  if (!_tw_load_check_keys (ctx, object, where, keys))
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    return _tw_load_fail (ctx, _("%s: “run” must be a non-empty array of arguments (the "
                                 "program first; never a shell line)"), where);
  array = json_node_get_array (node);
  step->argv = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!is_string (element))
        return _tw_load_fail (ctx, _("%s: “run” may only hold strings, not %s"),
                              where, _tw_load_json_kind (element));
      if (!check_template (ctx, where, json_node_get_string (element)))
        return FALSE;
      g_ptr_array_add (step->argv, g_strdup (json_node_get_string (element)));
    }
  if (*(const char *) g_ptr_array_index (step->argv, 0) == '\0')
    return _tw_load_fail (ctx, _("%s: the program of “run” is empty"), where);

  if (!get_template (ctx, object, "input", where, FALSE, &step->input) ||
      !get_template (ctx, object, "empty_when", where, FALSE, &step->empty_when) ||
      !get_statuses (ctx, object, "ok", where, &step->ok) ||
      !get_statuses (ctx, object, "true", where, &step->yes) ||
      !get_statuses (ctx, object, "false", where, &step->no) ||
      !get_count (ctx, object, "timeout_ms", where, 600000, &timeout_ms) ||
      !get_count (ctx, object, "retry_ms", where, 600000, &retry_ms) ||
      !load_words (ctx, object, where, step))
    return FALSE;
  if (timeout_ms == 0)
    return _tw_load_fail (ctx, _("%s: “timeout_ms” must be more than 0"), where);
  if ((step->yes != NULL || step->no != NULL) && (step->yes == NULL || step->no == NULL))
    return _tw_load_fail (ctx, _("%s: “true” and “false” go together"), where);
  if (step->yes != NULL && step->set == NULL)
    return _tw_load_fail (ctx, _("%s: “true” and “false” need “set” (the member they "
                                 "answer)"), where);
  if (step->ok == NULL)
    {
      step->ok = g_array_new (FALSE, FALSE, sizeof (int));
      g_array_append_val (step->ok, (int) { 0 });
    }
  step->timeout_ms = timeout_ms;
  step->retry_ms = retry_ms;
  return TRUE;
}

static gboolean
load_mode (TwLoadContext *ctx,
           JsonObject    *object,
           const char    *where,
           TwCommandStep *step)
{
  const char *mode = NULL;
  char *end = NULL;
  guint64 value;

  step->mode = -1;
  if (!_tw_load_get_string (ctx, object, "mode", where, &mode))
    return FALSE;
  if (mode == NULL)
    return TRUE;
  value = g_ascii_strtoull (mode, &end, 8);
  if (*mode == '\0' || end == NULL || *end != '\0' || value > 0777)
    return _tw_load_fail (ctx, _("%s: “mode” must be octal permissions such as “600”, not "
                                 "“%s”"), where, mode);
  step->mode = (int) value;
  return TRUE;
}

static gboolean
load_step (TwLoadContext *ctx,
           JsonNode      *node,
           const char    *where,
           TwCommandStep *step)
{
  static const char * const kinds[] = {
    "run", "save", "load_saved", "filter", "expect", "file", "any", "message", NULL
  };
  JsonObject *object;
  const char *kind = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _tw_load_fail (ctx, _("%s must be an object, not %s"), where, _tw_load_json_kind (node));
  object = json_node_get_object (node);

  for (guint i = 0; kinds[i] != NULL; i++)
    {
      if (!json_object_has_member (object, kinds[i]))
        continue;
      if (kind != NULL)
        return _tw_load_fail (ctx, _("%s has both “%s” and “%s”: one step does one thing"),
                              where, kind, kinds[i]);
      kind = kinds[i];
      step->kind = (TwStepKind) i;
    }
  if (kind == NULL)
    {
      g_autofree char *list = g_strjoinv (", ", (char **) kinds);

      return _tw_load_fail (ctx, _("%s says what to do with one of %s"), where, list);
    }

  if (!get_name (ctx, object, "when", where, &step->when) ||
      !get_template (ctx, object, "fail", where, FALSE, &step->fail) ||
      !get_name (ctx, object, "set", where, &step->set) ||
      !get_name (ctx, object, "out", where, &step->out))
    return FALSE;

  switch (step->kind)
    {
    case TW_STEP_RUN:
      return load_run (ctx, object, where, step);

    case TW_STEP_SAVE:
    case TW_STEP_LOAD_SAVED:
      {
        static const char * const save_keys[] = { "save", "text", "when", "fail", "set", "out", NULL };
        static const char * const load_keys[] = { "load_saved", "when", "fail", "set", "out", NULL };

        if (!_tw_load_check_keys (ctx, object, where,
                                  step->kind == TW_STEP_SAVE ? save_keys : load_keys) ||
            !get_name (ctx, object, kind, where, &step->name))
          return FALSE;
        if (step->name == NULL)
          return _tw_load_fail (ctx, _("%s: “%s” must name the saved file"), where, kind);
        if (step->kind == TW_STEP_SAVE)
          return get_template (ctx, object, "text", where, TRUE, &step->text);
        return TRUE;
      }

    case TW_STEP_FILTER:
      {
        static const char * const keys[] = { "filter", "drop", "count", "when", "fail", "set", "out", NULL };

        if (!_tw_load_check_keys (ctx, object, where, keys) ||
            !get_template (ctx, object, "filter", where, TRUE, &step->text) ||
            !get_template (ctx, object, "drop", where, TRUE, &step->pattern) ||
            !get_name (ctx, object, "count", where, &step->count))
          return FALSE;
        if (step->out == NULL)
          return _tw_load_fail (ctx, _("%s: “filter” needs “out” (the variable for what is "
                                       "kept)"), where);
        return TRUE;
      }

    case TW_STEP_EXPECT:
      {
        static const char * const keys[] = {
          "expect", "line", "present", "component", "words", "when", "fail", "set", "out", NULL
        };

        return _tw_load_check_keys (ctx, object, where, keys) &&
               get_template (ctx, object, "expect", where, TRUE, &step->text) &&
               get_template (ctx, object, "line", where, TRUE, &step->pattern) &&
               _tw_load_get_boolean (ctx, object, "present", where, TRUE, &step->present) &&
               load_words (ctx, object, where, step);
      }

    case TW_STEP_FILE:
      {
        static const char * const keys[] = {
          "file", "component", "mode", "max_age_s", "when", "fail", "set", "out", NULL
        };

        step->max_age_s = -1;
        return _tw_load_check_keys (ctx, object, where, keys) &&
               get_template (ctx, object, "file", where, TRUE, &step->path) &&
               get_name (ctx, object, "component", where, &step->component) &&
               load_mode (ctx, object, where, step) &&
               get_count (ctx, object, "max_age_s", where, G_MAXINT32, &step->max_age_s);
      }

    case TW_STEP_ANY:
      {
        static const char * const keys[] = { "any", "when", "set", "out", NULL };
        JsonNode *members = json_object_get_member (object, "any");

        if (!_tw_load_check_keys (ctx, object, where, keys))
          return FALSE;
        if (!JSON_NODE_HOLDS_ARRAY (members) || json_array_get_length (json_node_get_array (members)) == 0)
          return _tw_load_fail (ctx, _("%s: “any” must be a non-empty array of member names"), where);
        if (step->set == NULL)
          return _tw_load_fail (ctx, _("%s: “any” needs “set”"), where);
        step->members = g_ptr_array_new_with_free_func (g_free);
        for (guint i = 0; i < json_array_get_length (json_node_get_array (members)); i++)
          {
            JsonNode *element = json_array_get_element (json_node_get_array (members), i);

            if (!is_string (element) || !is_name (json_node_get_string (element)))
              return _tw_load_fail (ctx, _("%s: “any” may only hold member names"), where);
            g_ptr_array_add (step->members, g_strdup (json_node_get_string (element)));
          }
        return TRUE;
      }

    case TW_STEP_MESSAGE:
    default:
      {
        static const char * const keys[] = { "message", "when", NULL };

        return _tw_load_check_keys (ctx, object, where, keys) &&
               get_template (ctx, object, "message", where, TRUE, &step->text);
      }
    }
}

gboolean
_tw_command_load_steps (TwConnector    *self,
                        TwLoadContext  *ctx,
                        JsonNode       *node,
                        GPtrArray     **out)
{
  g_autoptr(GPtrArray) steps = NULL;
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    return _tw_load_fail (ctx, _("“steps” must be a non-empty array of steps"));

  array = json_node_get_array (node);
  steps = g_ptr_array_new_with_free_func ((GDestroyNotify) _tw_command_step_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *where = g_strdup_printf ("\"steps\"[%u]", i);
      TwCommandStep *step = g_new0 (TwCommandStep, 1);

      g_ptr_array_add (steps, step);
      if (!load_step (ctx, json_array_get_element (array, i), where, step))
        return FALSE;
    }
  *out = g_steal_pointer (&steps);
  return TRUE;
}

/* "kind" and "settings": read before the operations, which depend on the kind. */
gboolean
_tw_command_load_kind (TwConnector   *self,
                       TwLoadContext *ctx,
                       JsonObject    *object)
{
  const char *kind = NULL;
  JsonNode *settings;
  g_autoptr(GList) members = NULL;

  if (!_tw_load_get_string (ctx, object, "kind", NULL, &kind))
    return FALSE;
  if (kind != NULL && !g_str_equal (kind, "http") && !g_str_equal (kind, "commands"))
    return _tw_load_fail (ctx, _("“kind” must be “http” or “commands”, not “%s”"), kind);
  self->commands = g_strcmp0 (kind, "commands") == 0;

  settings = json_object_get_member (object, "settings");
  if (settings == NULL)
    return TRUE;
  if (!self->commands)
    return _tw_load_fail (ctx, _("“settings” are for a connector of “kind”: “commands”"));
  if (!JSON_NODE_HOLDS_OBJECT (settings))
    return _tw_load_fail (ctx, _("“settings” must be an object, not %s"),
                          _tw_load_json_kind (settings));

  members = json_object_get_members (json_node_get_object (settings));
  for (const GList *l = members; l != NULL; l = l->next)
    {
      static const char * const keys[] = { "default", NULL };
      const char *name = l->data;
      JsonNode *node = json_object_get_member (json_node_get_object (settings), name);
      g_autofree char *where = g_strdup_printf ("\"settings\": \"%s\"", name);
      TwCommandSetting *setting;
      const char *fallback = NULL;

      if (name[0] == '_')
        continue;
      if (!g_ascii_isupper (name[0]) || !is_name (name) || strchr (name, '-') != NULL)
        return _tw_load_fail (ctx, _("“settings”: “%s” is not a profile key (letters and "
                                     "digits, starting with a capital, e.g. “DataFile”)"), name);
      if (g_strv_contains (reserved_settings, name))
        return _tw_load_fail (ctx, _("“settings”: “%s” is a key of the console itself"), name);
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return _tw_load_fail (ctx, _("%s must be an object, not %s"), where,
                              _tw_load_json_kind (node));
      if (!_tw_load_check_keys (ctx, json_node_get_object (node), where, keys) ||
          !_tw_load_get_string (ctx, json_node_get_object (node), "default", where, &fallback))
        return FALSE;
      if (fallback != NULL && !check_template (ctx, where, fallback))
        return FALSE;

      setting = g_new0 (TwCommandSetting, 1);
      setting->name = g_strdup (name);
      setting->fallback = g_strdup (fallback);
      g_ptr_array_add (tw_connector_get_settings (self), setting);
    }
  return TRUE;
}
