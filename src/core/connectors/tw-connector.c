/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-connector.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-connector-private.h"
#include "tw-json.h"
#include "tw-error.h"

/* A connector: what a JSON file of data/connectors/ says about one kind of trading
 * system. Immutable once loaded; the loader is in tw-connector-loader.c and the
 * operations (templates, mapping) in tw-operation.c. */

G_DEFINE_FINAL_TYPE (TwConnector, tw_connector, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_DEFAULT_BASE_URL,
  PROP_ORIGIN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tw_connector_finalize (GObject *object)
{
  TwConnector *self = TW_CONNECTOR (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->default_base_url, g_free);
  g_clear_pointer (&self->origin, g_free);
  g_clear_pointer (&self->filename, g_free);
  g_clear_pointer (&self->secrets, g_ptr_array_unref);
  g_clear_pointer (&self->headers, g_ptr_array_unref);
  g_clear_pointer (&self->operations, g_hash_table_unref);
  _tw_connector_clear_traits (self);
  _tw_command_clear (self);
  g_clear_pointer (&self->endpoints, g_ptr_array_unref);

  G_OBJECT_CLASS (tw_connector_parent_class)->finalize (object);
}

static void
tw_connector_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TwConnector *self = TW_CONNECTOR (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_DEFAULT_BASE_URL:
      g_value_set_string (value, self->default_base_url);
      break;
    case PROP_ORIGIN:
      g_value_set_string (value, self->origin);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_connector_class_init (TwConnectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tw_connector_finalize;
  object_class->get_property = tw_connector_get_property;

  /* Read-only: a connector does not change once loaded (a picker binds to these). */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DEFAULT_BASE_URL] =
    g_param_spec_string ("default-base-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ORIGIN] =
    g_param_spec_string ("origin", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_connector_init (TwConnector *self)
{
  self->description = g_strdup ("");
  self->secrets = g_ptr_array_new_with_free_func ((GDestroyNotify) _tw_secret_spec_free);
  self->headers = g_ptr_array_new_with_free_func ((GDestroyNotify) _tw_template_pair_free);
  self->operations = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                            (GDestroyNotify) _tw_operation_free);
  _tw_connector_init_traits (self);
  self->endpoints = g_ptr_array_new_with_free_func ((GDestroyNotify) _tw_endpoint_free);
}

/* "<data>:3:7: Parse error: unexpected identifier `x', expected value" →
 * "line 3: unexpected identifier `x', expected value" */
static char *
describe_parse_error (const GError *error)
{
  const char *msg = error->message;
  const char *rest;
  guint64 line;
  char *end = NULL;

  if (!g_str_has_prefix (msg, "<data>:"))
    return g_strdup (msg);

  line = g_ascii_strtoull (msg + strlen ("<data>:"), &end, 10);
  if (end == NULL || *end != ':')
    return g_strdup (msg);

  rest = strstr (end, ": ");
  rest = rest != NULL ? rest + 2 : end + 1;
  if (g_str_has_prefix (rest, "Parse error: "))
    rest += strlen ("Parse error: ");

  /* Translators: where a connector file is not valid JSON, e.g. "line 3: unexpected character" */
  return g_strdup_printf (_("line %u: %s"), (guint) MIN (line, G_MAXUINT), rest);
}

static TwConnector *
connector_new_from_data (const char  *data,
                         gssize       length,
                         const char  *filename,
                         const char  *origin,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(TwConnector) self = NULL;
  g_autoptr(GError) local_error = NULL;

  if (length < 0)
    length = strlen (data);

  if (!g_utf8_validate (data, length, NULL))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("%s: the file is not UTF-8 text"), filename);
      return NULL;
    }

  if (!tw_json_parser_load (parser, data, length, &local_error))
    {
      g_autofree char *what = describe_parse_error (local_error);

      g_set_error (error, TW_ERROR, TW_ERROR_INVALID, "%s: %s", filename, what);
      return NULL;
    }

  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("%s: the file is empty; a connector is a JSON object"), filename);
      return NULL;
    }

  self = g_object_new (TW_TYPE_CONNECTOR, NULL);
  self->filename = g_strdup (filename);
  self->origin = g_strdup (origin);

  if (!_tw_connector_load (self, json_parser_get_root (parser), error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * tw_connector_new_from_data:
 * @data: the JSON text of a connector file
 * @length: length of @data, or -1 if nul-terminated
 * @filename: the name used in error messages (e.g. "alpaca.json")
 * @error: return location for a #GError
 *
 * Parses and validates a whole connector file. Errors are %TW_ERROR_INVALID and read
 * like `alpaca.json: operation "health": "path" must start with "/"`.
 *
 * Returns: (transfer full) (nullable): the connector, or %NULL with @error set
 */
TwConnector *
tw_connector_new_from_data (const char  *data,
                            gssize       length,
                            const char  *filename,
                            GError     **error)
{
  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (filename != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return connector_new_from_data (data, length, filename, filename, error);
}

/**
 * tw_connector_new_from_file:
 * @file: a connector file (a local file or a `resource://` URI)
 * @error: return location for a #GError
 *
 * Like tw_connector_new_from_data(). Messages name a local file by its path and a
 * resource by its base name.
 *
 * Returns: (transfer full) (nullable): the connector, or %NULL with @error set
 */
TwConnector *
tw_connector_new_from_file (GFile   *file,
                            GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *filename = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  filename = g_file_is_native (file) ? g_file_get_path (file) : g_file_get_basename (file);
  uri = g_file_get_uri (file);

  /* Read at most one byte past the cap, never a whole huge file. */
  stream = g_file_read (file, NULL, &local_error);
  if (stream != NULL)
    {
      contents = g_malloc (TW_CONNECTOR_MAX_SIZE + 2);
      if (!g_input_stream_read_all (G_INPUT_STREAM (stream), contents, TW_CONNECTOR_MAX_SIZE + 1,
                                    &length, NULL, &local_error))
        g_clear_pointer (&contents, g_free);
    }
  if (contents == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("%s: could not be read: %s"), filename, local_error->message);
      return NULL;
    }
  if (length > TW_CONNECTOR_MAX_SIZE)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_TOO_LARGE,
                   _("%s: larger than %u kB, it is not a connector file. Remove it from the "
                     "connectors folder."),
                   filename, TW_CONNECTOR_MAX_SIZE / 1024);
      return NULL;
    }
  contents[length] = '\0';

  return connector_new_from_data (contents, length, filename, uri, error);
}

const char *
tw_connector_get_id (TwConnector *self)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);
  return self->id;
}

const char *
tw_connector_get_name (TwConnector *self)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);
  return self->name;
}

const char *
tw_connector_get_description (TwConnector *self)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);
  return self->description;
}

/**
 * tw_connector_get_default_base_url:
 *
 * Returns: (nullable): the base URL a new service of this kind starts with
 */
const char *
tw_connector_get_default_base_url (TwConnector *self)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);
  return self->default_base_url;
}

const char *
tw_connector_get_origin (TwConnector *self)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);
  return self->origin;
}

/**
 * tw_connector_get_operation:
 *
 * Returns: (transfer none) (nullable): the operation, or %NULL when the connector
 *   does not have it
 */
const TwOperation *
tw_connector_get_operation (TwConnector *self,
                            const char  *name)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->operations, name);
}

gboolean
tw_connector_has_operation (TwConnector *self,
                            const char  *name)
{
  return tw_connector_get_operation (self, name) != NULL;
}

const char *
tw_connector_get_broker_component (TwConnector *self)
{
  const TwOperation *health;

  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);

  health = tw_connector_get_operation (self, "health");
  if (health != NULL && health->components != NULL)
    return health->components->broker;
  return "broker";
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/**
 * tw_connector_list_operations:
 *
 * Returns: (transfer container) (element-type utf8): the operation names, sorted
 */
GPtrArray *
tw_connector_list_operations (TwConnector *self)
{
  GPtrArray *names;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);

  names = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->operations);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (names, key);
  g_ptr_array_sort (names, compare_strings);

  return names;
}

/**
 * tw_connector_get_secrets:
 *
 * Returns: (transfer none) (element-type TwSecretSpec): the secrets, in file order
 */
GPtrArray *
tw_connector_get_secrets (TwConnector *self)
{
  g_return_val_if_fail (TW_IS_CONNECTOR (self), NULL);
  return self->secrets;
}

const TwSecretSpec *
_tw_connector_find_secret (TwConnector *self,
                           const char  *name)
{
  for (guint i = 0; i < self->secrets->len; i++)
    {
      const TwSecretSpec *spec = g_ptr_array_index (self->secrets, i);

      if (g_strcmp0 (spec->name, name) == 0)
        return spec;
    }

  return NULL;
}

void
_tw_secret_spec_free (TwSecretSpec *spec)
{
  if (spec == NULL)
    return;
  g_free (spec->name);
  g_free (spec->label);
  g_free (spec->env);
  g_clear_pointer (&spec->env_variables, g_ptr_array_unref);
  g_clear_pointer (&spec->format, g_regex_unref);
  g_free (spec->format_message);
  g_free (spec->rotate_encoding);
  g_free (spec->prove_operation);
  g_strfreev (spec->revoke_followup);
  g_free (spec);
}
