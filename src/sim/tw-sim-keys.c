/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "tw-sim-keys.h"

typedef struct
{
  char     **api_keys;   /* nullable */
  char      *key_id;     /* Alpaca, nullable */
  char      *secret;
  char      *live_key;   /* LIVE_TRADING_KEY, nullable: the process-wide one */
  char      *env_file;   /* managed mode: where the set is read from */
  guint      reloads;
} FlavorKeys;

struct _TwSimKeys
{
  GHashTable *flavors;   /* flavor name → FlavorKeys */
};

static void
flavor_keys_free (gpointer data)
{
  FlavorKeys *fk = data;

  g_strfreev (fk->api_keys);
  g_free (fk->key_id);
  g_free (fk->secret);
  g_free (fk->live_key);
  g_free (fk->env_file);
  g_free (fk);
}

TwSimKeys *
tw_sim_keys_new (void)
{
  TwSimKeys *keys = g_new0 (TwSimKeys, 1);

  keys->flavors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, flavor_keys_free);
  return keys;
}

void
tw_sim_keys_free (TwSimKeys *keys)
{
  if (keys == NULL)
    return;
  g_hash_table_unref (keys->flavors);
  g_free (keys);
}

/* Constant time in the length of @given. */
static gboolean
secret_equal (const char *expected,
              const char *given)
{
  gsize le = strlen (expected), lg = strlen (given);
  guchar diff = le != lg;

  if (le == 0)
    return FALSE;
  for (gsize i = 0; i < lg; i++)
    diff |= (guchar) given[i] ^ (guchar) expected[i % le];
  return diff == 0;
}

gboolean
tw_sim_keys_check_api_key (TwSimKeys  *keys,
                           const char *flavor,
                           const char *key,
                           gboolean   *ok)
{
  FlavorKeys *fk = g_hash_table_lookup (keys->flavors, flavor);
  gboolean any = FALSE;

  if (fk == NULL || fk->api_keys == NULL)
    return FALSE;
  for (guint i = 0; fk->api_keys[i] != NULL; i++)
    any |= secret_equal (fk->api_keys[i], key);
  *ok = any;
  return TRUE;
}

gboolean
tw_sim_keys_check_alpaca (TwSimKeys  *keys,
                          const char *flavor,
                          const char *key_id,
                          const char *secret,
                          gboolean   *ok)
{
  FlavorKeys *fk = g_hash_table_lookup (keys->flavors, flavor);
  gboolean id_ok, secret_ok;

  if (fk == NULL || fk->key_id == NULL)
    return FALSE;
  id_ok = secret_equal (fk->key_id, key_id);
  secret_ok = secret_equal (fk->secret, secret);
  *ok = id_ok && secret_ok;
  return TRUE;
}

gboolean
tw_sim_keys_check_live_key (TwSimKeys  *keys,
                            const char *flavor,
                            const char *key,
                            gboolean   *ok)
{
  FlavorKeys *fk = g_hash_table_lookup (keys->flavors, flavor);

  if (fk == NULL || fk->live_key == NULL)
    return FALSE;
  *ok = key != NULL && secret_equal (fk->live_key, key);
  return TRUE;
}

static FlavorKeys *
ensure_flavor (TwSimKeys  *keys,
               const char *flavor)
{
  FlavorKeys *fk = g_hash_table_lookup (keys->flavors, flavor);

  if (fk == NULL)
    {
      fk = g_new0 (FlavorKeys, 1);
      g_hash_table_insert (keys->flavors, g_strdup (flavor), fk);
    }
  return fk;
}

static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const char        *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  tw_sim_reply_builder (msg, status, b);
}

static char **
split_list (const char *value)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = g_strsplit (value, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (parts[i][0] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }
  return g_strv_builder_end (builder);
}

/* The value of NAME=VALUE in a .env file: comments and "export " skipped, one level of
 * quotes removed. NULL when absent. */
static char *
env_lookup (const char *contents,
            const char *name)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  char *found = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      gsize n = strlen (name);
      char *value;
      gsize len;

      if (g_str_has_prefix (line, "export "))
        line = g_strchug (line + 7);
      if (strncmp (line, name, n) != 0 || line[n] != '=')
        continue;
      value = g_strstrip (line + n + 1);
      len = strlen (value);
      if (len >= 2 && (value[0] == '"' || value[0] == '\'') && value[len - 1] == value[0])
        {
          value[len - 1] = '\0';
          value++;
        }
      g_free (found);
      found = g_strdup (value);
    }
  return found;
}

static gboolean
reload (FlavorKeys        *fk,
        const TwSimFlavor *flavor,
        GError           **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *live = NULL;

  if (fk->env_file == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "No env_file set for %s: PUT /_sim/keys {\"env_file\": PATH} first",
                   flavor->name);
      return FALSE;
    }
  if (!g_file_get_contents (fk->env_file, &contents, NULL, error))
    return FALSE;

  if (flavor->auth == TW_SIM_AUTH_ALPACA)
    {
      g_autofree char *id = env_lookup (contents, "ALPACA_API_KEY");
      g_autofree char *secret = env_lookup (contents, "ALPACA_SECRET_KEY");

      if (id == NULL || secret == NULL || *id == '\0' || *secret == '\0')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s has no ALPACA_API_KEY and ALPACA_SECRET_KEY", fk->env_file);
          return FALSE;
        }
      g_free (fk->key_id);
      fk->key_id = g_steal_pointer (&id);
      g_free (fk->secret);
      fk->secret = g_steal_pointer (&secret);
    }
  else
    {
      g_autofree char *value = env_lookup (contents, "API_KEYS");
      g_auto(GStrv) list = value != NULL ? split_list (value) : NULL;

      if (list == NULL || list[0] == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s has no API_KEYS", fk->env_file);
          return FALSE;
        }
      g_strfreev (fk->api_keys);
      fk->api_keys = g_steal_pointer (&list);
      /* 000, Rotate live trading key: one LIVE_TRADING_KEY, replaced, read on restart */
      live = env_lookup (contents, "LIVE_TRADING_KEY");
      if (live != NULL && *live != '\0')
        {
          g_free (fk->live_key);
          fk->live_key = g_steal_pointer (&live);
        }
    }
  fk->reloads++;
  return TRUE;
}

static char *
mask (const char *key)
{
  gsize n = strlen (key);

  return g_strdup_printf ("…%s", n >= 8 ? key + n - 4 : "");
}

static void
reply_state (SoupServerMessage *msg,
             const TwSimFlavor *flavor,
             FlavorKeys        *fk)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "flavor");
  json_builder_add_string_value (b, flavor->name);
  json_builder_set_member_name (b, "own");
  json_builder_add_boolean_value (b, fk != NULL && (fk->api_keys != NULL || fk->key_id != NULL));
  json_builder_set_member_name (b, "keys");
  json_builder_begin_array (b);
  if (fk != NULL && fk->api_keys != NULL)
    for (guint i = 0; fk->api_keys[i] != NULL; i++)
      {
        g_autofree char *m = mask (fk->api_keys[i]);

        json_builder_add_string_value (b, m);
      }
  if (fk != NULL && fk->key_id != NULL)
    {
      g_autofree char *m = mask (fk->key_id);

      json_builder_add_string_value (b, m);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "live_trading_key");
  if (fk != NULL && fk->live_key != NULL)
    {
      g_autofree char *m = mask (fk->live_key);

      json_builder_add_string_value (b, m);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "env_file");
  if (fk != NULL && fk->env_file != NULL)
    json_builder_add_string_value (b, fk->env_file);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "reloads");
  json_builder_add_int_value (b, fk != NULL ? fk->reloads : 0);
  json_builder_end_object (b);
  tw_sim_reply_builder (msg, SOUP_STATUS_OK, b);
}

static void
put_keys (TwSimKeys         *keys,
          const TwSimFlavor *flavor,
          SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = tw_sim_message_get_json (msg, &error);
  FlavorKeys *fk;
  JsonObject *obj;
  JsonNode *member;

  if (node == NULL)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST,
                   "Send an object: {\"api_keys\": [KEY, …]}, {\"key_id\": ID, \"secret\": S} "
                   "or {\"env_file\": PATH}");
      return;
    }
  obj = json_node_get_object (node);
  fk = ensure_flavor (keys, flavor->name);

  if ((member = json_object_get_member (obj, "env_file")) != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
        {
          reply_error (msg, SOUP_STATUS_BAD_REQUEST, "\"env_file\" must be a path");
          return;
        }
      g_free (fk->env_file);
      fk->env_file = g_strdup (json_node_get_string (member));
      if (!reload (fk, flavor, &error))
        {
          reply_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
          return;
        }
    }
  else if ((member = json_object_get_member (obj, "live_trading_key")) != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING ||
          *json_node_get_string (member) == '\0')
        {
          reply_error (msg, SOUP_STATUS_BAD_REQUEST, "\"live_trading_key\" must be a non-empty string");
          return;
        }
      g_free (fk->live_key);
      fk->live_key = g_strdup (json_node_get_string (member));
    }
  else if ((member = json_object_get_member (obj, "api_keys")) != NULL)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) list = NULL;
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (member))
        {
          reply_error (msg, SOUP_STATUS_BAD_REQUEST, "\"api_keys\" must be an array of strings");
          return;
        }
      array = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *e = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING ||
              *json_node_get_string (e) == '\0')
            {
              reply_error (msg, SOUP_STATUS_BAD_REQUEST,
                           "\"api_keys\" must be an array of non-empty strings");
              return;
            }
          g_strv_builder_add (builder, json_node_get_string (e));
        }
      list = g_strv_builder_end (builder);
      g_strfreev (fk->api_keys);
      fk->api_keys = g_steal_pointer (&list);
    }
  else if (json_object_has_member (obj, "key_id") && json_object_has_member (obj, "secret"))
    {
      const char *id = json_object_get_string_member_with_default (obj, "key_id", "");
      const char *secret = json_object_get_string_member_with_default (obj, "secret", "");

      if (*id == '\0' || *secret == '\0')
        {
          reply_error (msg, SOUP_STATUS_BAD_REQUEST, "\"key_id\" and \"secret\" must be strings");
          return;
        }
      g_free (fk->key_id);
      fk->key_id = g_strdup (id);
      g_free (fk->secret);
      fk->secret = g_strdup (secret);
    }
  else
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST,
                   "Send {\"api_keys\": [KEY, …]}, {\"key_id\": ID, \"secret\": S}, "
                   "{\"live_trading_key\": KEY} or {\"env_file\": PATH}");
      return;
    }
  reply_state (msg, flavor, fk);
}

/* Alpaca's "Regenerate": a new pair, the old one refused at once. */
static void
regenerate (TwSimKeys         *keys,
            const TwSimFlavor *flavor,
            SoupServerMessage *msg)
{
  FlavorKeys *fk = ensure_flavor (keys, flavor->name);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GString *id = g_string_new ("PK");
  GString *secret = g_string_new (NULL);
  static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  for (guint i = 0; i < 18; i++)
    g_string_append_c (id, alnum[g_random_int_range (0, sizeof alnum - 1)]);
  for (guint i = 0; i < 40; i++)
    g_string_append_c (secret, alnum[g_random_int_range (0, sizeof alnum - 1)]);
  g_free (fk->key_id);
  fk->key_id = g_string_free (id, FALSE);
  g_free (fk->secret);
  fk->secret = g_string_free (secret, FALSE);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key_id");
  json_builder_add_string_value (b, fk->key_id);
  json_builder_set_member_name (b, "secret");
  json_builder_add_string_value (b, fk->secret);
  json_builder_end_object (b);
  tw_sim_reply_builder (msg, SOUP_STATUS_OK, b);
}

void
tw_sim_keys_handle (TwSim             *sim,
                    const TwSimFlavor *flavor,
                    SoupServerMessage *msg,
                    const char        *method,
                    const char        *rest,
                    GHashTable        *query)
{
  TwSimKeys *keys = _tw_sim_get_keys (sim);
  const char *name = query != NULL ? g_hash_table_lookup (query, "flavor") : NULL;

  if (name != NULL)
    {
      flavor = tw_sim_flavor_lookup (name);
      if (flavor == NULL)
        {
          reply_error (msg, SOUP_STATUS_BAD_REQUEST, "Unknown flavor");
          return;
        }
    }

  if (*rest == '\0')
    {
      if (g_str_equal (method, "GET"))
        reply_state (msg, flavor, g_hash_table_lookup (keys->flavors, flavor->name));
      else if (g_str_equal (method, "PUT") || g_str_equal (method, "POST"))
        put_keys (keys, flavor, msg);
      else if (g_str_equal (method, "DELETE"))
        {
          g_hash_table_remove (keys->flavors, flavor->name);
          soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
        }
      else
        reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "/_sim/keys takes GET, PUT or DELETE");
    }
  else if (g_str_equal (rest, "/reload") && g_str_equal (method, "POST"))
    {
      g_autoptr(GError) error = NULL;
      FlavorKeys *fk = ensure_flavor (keys, flavor->name);

      if (!reload (fk, flavor, &error))
        reply_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
      else
        reply_state (msg, flavor, fk);
    }
  else if (g_str_equal (rest, "/regenerate") && g_str_equal (method, "POST") &&
           flavor->auth == TW_SIM_AUTH_ALPACA)
    regenerate (keys, flavor, msg);
  else
    reply_error (msg, SOUP_STATUS_NOT_FOUND,
                 "Use /_sim/keys, POST /_sim/keys/reload or (Alpaca) POST /_sim/keys/regenerate");
}
