/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-profile.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-error.h"
#include "tw-profile-private.h"
#include "tw-util.h"

/* Importing a runbook's .env file.
 *
 * The file: KEY=VALUE lines; blank lines and `# comments` are skipped; `export KEY=VALUE`
 * is accepted; values may be 'single-quoted' (taken as is), "double-quoted" (\n, \t,
 * \", \\ and \$ escapes) — both may span lines — or bare (up to a ` #` comment,
 * trailing blanks removed). A line that is none of these is an error naming its
 * number, never its text. When a variable appears twice, the last one wins.
 *
 * What becomes what is the connectors' business (their "env" and each secret's "env",
 * see docs/connectors.md): a service is made for each connector of the registry whose
 * base-URL variable or one of whose own (not "shared") secret variables is set, with the
 * connector's id as its id, its default base URL when the file gives none, and its
 * secrets from the first of their variables that is set (the first item of a "list").
 *
 * Mode: a base URL whose host the connector names ("hosts") decides that service's mode;
 * otherwise the connector's mode variables ("env": "mode") do. The profile is live when
 * any service is; paper when any service's mode is known; otherwise TRADING_MODE=live or
 * LIVE_TRADING=true (or 1, yes), the runbooks' own switches, make it live.
 *
 * Secrets go to the TwSecrets given, under the new profile's name; the profile holds
 * none. Other variables are ignored (their names, never their values, in a debug
 * message). A file naming none of the connectors' variables is an error.
 */

static void
wipe_string (char *str)
{
  tw_str_wipe_free (str);
}

static void
wipe_gstring (GString *str)
{
  explicit_bzero (str->str, str->allocated_len);
  g_string_free (str, TRUE);
}

/* A GString whose buffer is zeroed when freed: it holds secrets while parsing. */
typedef GString GStringWiped;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GStringWiped, wipe_gstring)

static gboolean
env_error (GError     **error,
           guint        line,
           const char  *reason)
{
  g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
               _("Line %u of the .env file is not a KEY=VALUE line: %s. "
                 "Fix that line and import the file again."),
               line, reason);
  return FALSE;
}

static void
skip_blanks (const char **p)
{
  while (**p == ' ' || **p == '\t' || **p == '\r')
    (*p)++;
}

/* Reads a quoted value starting at the opening quote; advances past the closing one. */
static gboolean
read_quoted (const char **p,
             guint       *line,
             GString     *value,
             GError     **error)
{
  char quote = **p;
  guint start_line = *line;

  (*p)++;
  for (;;)
    {
      char c = **p;

      if (c == '\0')
        return env_error (error, start_line, _("a quoted value is not closed"));
      (*p)++;

      if (c == quote)
        return TRUE;
      if (c == '\n')
        (*line)++;

      if (quote == '"' && c == '\\' && **p != '\0')
        {
          char next = *(*p)++;

          switch (next)
            {
            case 'n':  g_string_append_c (value, '\n'); break;
            case 't':  g_string_append_c (value, '\t'); break;
            case '"':
            case '\\':
            case '$':  g_string_append_c (value, next); break;
            case '\n': (*line)++; g_string_append_c (value, '\n'); break;
            default:   g_string_append_c (value, '\\'); g_string_append_c (value, next); break;
            }
          continue;
        }
      g_string_append_c (value, c);
    }
}

/* Bare value: up to the end of the line or a " #" comment, trailing blanks removed. */
static void
read_bare (const char **p,
           GString     *value)
{
  while (**p != '\0' && **p != '\n')
    {
      if (**p == '#' && value->len > 0
          && (value->str[value->len - 1] == ' ' || value->str[value->len - 1] == '\t'))
        break;
      g_string_append_c (value, **p);
      (*p)++;
    }
  while (value->len > 0 && g_ascii_isspace (value->str[value->len - 1]))
    g_string_truncate (value, value->len - 1);
}

static void
skip_to_line_end (const char **p)
{
  while (**p != '\0' && **p != '\n')
    (*p)++;
}

/* Returns name → value (values wiped when the table is freed). */
static GHashTable *
parse_env (const char  *contents,
           GError     **error)
{
  g_autoptr(GHashTable) vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                      (GDestroyNotify)wipe_string);
  const char *p = contents;
  guint line = 1;

  while (*p != '\0')
    {
      g_autoptr(GStringWiped) value = NULL;
      const char *key_start;
      g_autofree char *key = NULL;
      guint key_line;

      skip_blanks (&p);
      if (*p == '\n')
        {
          p++;
          line++;
          continue;
        }
      if (*p == '\0')
        break;
      if (*p == '#')
        {
          skip_to_line_end (&p);
          continue;
        }

      if (g_str_has_prefix (p, "export") && (p[6] == ' ' || p[6] == '\t'))
        {
          p += 6;
          skip_blanks (&p);
        }

      key_line = line;
      if (!(g_ascii_isalpha (*p) || *p == '_'))
        {
          env_error (error, line, _("a variable name must start with a letter or “_”"));
          return NULL;
        }
      key_start = p;
      while (g_ascii_isalnum (*p) || *p == '_')
        p++;
      key = g_strndup (key_start, p - key_start);

      skip_blanks (&p);
      if (*p != '=')
        {
          env_error (error, line, _("the variable name is not followed by “=”"));
          return NULL;
        }
      p++;
      skip_blanks (&p);

      value = g_string_new (NULL);
      if (*p == '"' || *p == '\'')
        {
          if (!read_quoted (&p, &line, value, error))
            return NULL;
          skip_blanks (&p);
          if (*p == '#')
            skip_to_line_end (&p);
          if (*p != '\0' && *p != '\n')
            {
              env_error (error, line, _("there is text after the closing quote"));
              return NULL;
            }
        }
      else
        {
          read_bare (&p, value);
        }

      if (g_hash_table_contains (vars, key))
        g_debug (".env: line %u sets %s again; the last one wins", key_line, key);
      g_hash_table_insert (vars, g_steal_pointer (&key), g_strndup (value->str, value->len));
    }

  return g_steal_pointer (&vars);
}

typedef struct
{
  GHashTable *vars;
  GHashTable *used;    /* names read by the mapping */
} Env;

/* The value of @name, or NULL when unset or blank; marks it used. */
static const char *
env_get (Env        *env,
         const char *name)
{
  const char *value = g_hash_table_lookup (env->vars, name);

  if (value == NULL)
    return NULL;
  g_hash_table_add (env->used, (gpointer) name);
  while (g_ascii_isspace (*value))
    value++;
  return *value != '\0' ? value : NULL;
}

/* The value of @variable: the first non-blank item when it is a list. (transfer full) */
static char *
env_dup_value (Env                 *env,
               const TwEnvVariable *variable)
{
  const char *value = env_get (env, variable->name);
  g_auto(GStrv) items = NULL;
  char *first = NULL;

  if (value == NULL)
    return NULL;
  if (variable->separator == NULL)
    return g_strdup (value);

  items = g_strsplit (value, variable->separator, -1);
  for (guint i = 0; items[i] != NULL && first == NULL; i++)
    {
      g_strstrip (items[i]);
      if (*items[i] != '\0')
        first = g_strdup (items[i]);
    }
  for (guint i = 0; items[i] != NULL; i++)
    explicit_bzero (items[i], strlen (items[i]));
  return first;
}

static gboolean
is_true (const char *value)
{
  return value != NULL
         && (g_ascii_strcasecmp (value, "true") == 0
             || g_ascii_strcasecmp (value, "1") == 0
             || g_ascii_strcasecmp (value, "yes") == 0);
}

static char *
strip_trailing_slashes (const char *url)
{
  char *copy = g_strdup (url);
  gsize len = strlen (copy);

  while (len > 0 && copy[len - 1] == '/')
    copy[--len] = '\0';
  g_strstrip (copy);
  return copy;
}

/* Checks a base URL taken from @variable; the message names the variable only. */
static char *
base_url_from (const char  *variable,
               const char  *value,
               const char  *strip,
               GError     **error)
{
  g_autofree char *url = strip_trailing_slashes (value);

  /* The runbooks write Alpaca's address both with and without /v2. */
  if (strip != NULL && g_str_has_suffix (url, strip))
    url[strlen (url) - strlen (strip)] = '\0';

  /* The same rule as the profile file's, which would refuse it on load. */
  if (_tw_profile_text_holds_secret (url))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("%s in the .env file holds a secret (a password or token in the address). "
                     "Trade Warden keeps secrets only in the keyring: remove it from the address, "
                     "import again and enter the key in the profile editor."),
                   variable);
      return NULL;
    }
  if (!_tw_profile_url_is_valid (url))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("%s in the .env file is not an http:// or https:// address with a host. "
                     "Fix it and import the file again."),
                   variable);
      return NULL;
    }
  return g_steal_pointer (&url);
}

typedef struct
{
  char       *service;
  char       *name;
  const char *variable;  /* where it came from, for messages; owned by the connector */
  char       *value;
} PendingSecret;

static void
pending_secret_free (PendingSecret *secret)
{
  g_free (secret->service);
  g_free (secret->name);
  wipe_string (secret->value);
  g_free (secret);
}

/* A service the file brings in, and what it says of its mode. */
typedef struct
{
  TwConnector *connector;
  TwService   *service;
  gboolean     mode_known;
  TwMode       mode;
} Imported;

static void
imported_free (Imported *imported)
{
  g_clear_object (&imported->connector);
  g_clear_object (&imported->service);
  g_free (imported);
}

/* The mode the connector's "env": "mode" variables give, if any. */
static gboolean
mode_from_variables (Env         *env,
                     TwConnector *connector,
                     TwMode      *mode)
{
  GPtrArray *rules = tw_connector_get_env_mode (connector);
  gboolean known = FALSE;

  for (guint i = 0; i < rules->len; i++)
    {
      const TwEnvModeRule *rule = g_ptr_array_index (rules, i);
      const char *value = env_get (env, rule->variable);
      g_autofree char *folded = NULL;

      if (value == NULL)
        continue;
      folded = g_utf8_casefold (value, -1);
      g_strstrip (folded);
      if (g_ptr_array_find_with_equal_func (rule->live, folded, g_str_equal, NULL))
        {
          /* Live anywhere is live. */
          *mode = TW_MODE_LIVE;
          return TRUE;
        }
      if (g_ptr_array_find_with_equal_func (rule->paper, folded, g_str_equal, NULL))
        {
          *mode = TW_MODE_PAPER;
          known = TRUE;
        }
      else
        g_debug (".env import: %s has a value %s does not read as paper or live", rule->variable,
                 tw_connector_get_id (connector));
    }
  return known;
}

/* One connector's service, if the file names it; FALSE only on an error. */
static gboolean
map_connector (Env          *env,
               TwConnector  *connector,
               GPtrArray    *imported,
               GPtrArray    *pending,
               GError      **error)
{
  GPtrArray *base_variables = tw_connector_get_env_base_url (connector);
  GPtrArray *specs = tw_connector_get_secrets (connector);
  const char *id = tw_connector_get_id (connector);
  const char *base = NULL;
  const char *base_variable = NULL;
  g_autofree char *base_url = NULL;
  g_autoptr(GPtrArray) secrets = NULL;
  g_autoptr(TwService) service = NULL;
  gboolean named = FALSE;
  Imported *entry;

  for (guint i = 0; i < base_variables->len && base == NULL; i++)
    {
      const TwEnvVariable *variable = g_ptr_array_index (base_variables, i);

      base = env_get (env, variable->name);
      base_variable = variable->name;
    }
  named = base != NULL;

  secrets = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_secret_free);
  for (guint i = 0; i < specs->len; i++)
    {
      const TwSecretSpec *spec = g_ptr_array_index (specs, i);

      for (guint j = 0; j < spec->env_variables->len; j++)
        {
          const TwEnvVariable *variable = g_ptr_array_index (spec->env_variables, j);
          char *value = env_dup_value (env, variable);
          PendingSecret *secret;

          if (value == NULL)
            continue;

          named |= !variable->shared;
          secret = g_new0 (PendingSecret, 1);
          secret->service = g_strdup (id);
          secret->name = g_strdup (spec->name);
          secret->variable = variable->name;
          secret->value = value;
          g_ptr_array_add (secrets, secret);
          break;
        }
    }

  if (!named)
    return TRUE;

  /* Only for a service the file brings in: a shared variable answers to its own system. */
  for (guint i = 0; i < secrets->len; i++)
    {
      PendingSecret *secret = g_ptr_array_index (secrets, i);
      g_autoptr(GError) format_error = NULL;

      if (!tw_connector_check_secret (connector, secret->name, secret->value, &format_error))
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       /* Translators: the variable, then what a valid value looks like */
                       _("%s in the .env file does not look right: %s. Fix it and import "
                         "the file again."),
                       secret->variable, format_error->message);
          return FALSE;
        }
    }

  if (base != NULL)
    base_url = base_url_from (base_variable, base,
                              tw_connector_get_env_base_url_strip (connector), error);
  else if (tw_connector_get_default_base_url (connector) != NULL)
    base_url = g_strdup (tw_connector_get_default_base_url (connector));
  else if (base_variables->len > 0)
    g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                 _("The .env file names %s but not its address: set %s and import the file "
                   "again."),
                 tw_connector_get_name (connector),
                 ((TwEnvVariable *) g_ptr_array_index (base_variables, 0))->name);
  else
    g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                 _("The .env file names %s, whose connector has no default address: create "
                   "the profile by hand."),
                 tw_connector_get_name (connector));
  if (base_url == NULL)
    return FALSE;

  service = tw_service_new (id, id, base_url);
  tw_service_set_name (service, tw_connector_get_name (connector));
  /* The service's other addresses ("endpoints"), by their own variables: 000's
   * ML_SERVICE_URL becomes MlServiceUrl=. */
  {
    GPtrArray *endpoints = tw_connector_get_endpoints (connector);

    for (guint i = 0; i < endpoints->len; i++)
      {
        const TwEndpoint *endpoint = g_ptr_array_index (endpoints, i);

        for (guint j = 0; endpoint->env != NULL && endpoint->env[j] != NULL; j++)
          {
            const char *value = env_get (env, endpoint->env[j]);
            g_autofree char *url = NULL;

            if (value == NULL)
              continue;
            url = base_url_from (endpoint->env[j], value, NULL, error);
            if (url == NULL)
              return FALSE;
            tw_service_set_setting (service, endpoint->setting, url);
            break;
          }
      }
  }

  entry = g_new0 (Imported, 1);
  entry->connector = g_object_ref (connector);
  entry->service = g_steal_pointer (&service);
  entry->mode_known = tw_connector_mode_for_url (connector, base_url, &entry->mode)
                      || mode_from_variables (env, connector, &entry->mode);
  g_ptr_array_add (imported, entry);

  while (secrets->len > 0)
    g_ptr_array_add (pending, g_ptr_array_steal_index (secrets, 0));
  return TRUE;
}

/* Every variable that brings a service in, for the message of a file that names none. */
static char *
dup_importing_variables (TwConnectorRegistry *registry)
{
  GListModel *connectors = tw_connector_registry_get_model (registry);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (connectors); i++)
    {
      g_autoptr(TwConnector) connector = g_list_model_get_item (connectors, i);
      GPtrArray *base = tw_connector_get_env_base_url (connector);
      GPtrArray *specs = tw_connector_get_secrets (connector);

      for (guint j = 0; j < specs->len; j++)
        {
          const TwSecretSpec *spec = g_ptr_array_index (specs, j);

          for (guint k = 0; k < spec->env_variables->len; k++)
            {
              const TwEnvVariable *variable = g_ptr_array_index (spec->env_variables, k);

              if (!variable->shared &&
                  !g_ptr_array_find_with_equal_func (names, variable->name, g_str_equal, NULL))
                g_ptr_array_add (names, variable->name);
            }
        }
      for (guint j = 0; j < base->len; j++)
        {
          const TwEnvVariable *variable = g_ptr_array_index (base, j);

          if (!g_ptr_array_find_with_equal_func (names, variable->name, g_str_equal, NULL))
            g_ptr_array_add (names, variable->name);
        }
    }

  g_ptr_array_add (names, NULL);
  return g_strjoinv (", ", (char **) names->pdata);
}

static void
debug_ignored (Env *env)
{
  GHashTableIter iter;
  const char *name;

  g_hash_table_iter_init (&iter, env->vars);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    {
      if (!g_hash_table_contains (env->used, name))
        g_debug (".env import: ignoring %s", name);
    }
}

/**
 * tw_profile_import_env:
 * @env_contents: the .env file's text
 * @name: the new profile's name
 * @registry: the connectors, whose "env" keys say what each variable is
 * @secrets: where the secrets go (blocking calls: call this from a worker thread
 *   when @secrets is the keyring)
 * @error: return location for a #GError
 *
 * See the comment at the top of tw-profile-env.c.
 *
 * Returns: (transfer full) (nullable): the new profile, unsaved
 */
TwProfile *
tw_profile_import_env (const char           *env_contents,
                       const char           *name,
                       TwConnectorRegistry  *registry,
                       TwSecrets            *secrets,
                       GError              **error)
{
  g_autoptr(GHashTable) vars = NULL;
  g_autoptr(GHashTable) used = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(TwProfile) profile = NULL;
  GListModel *connectors;
  gboolean any_known = FALSE;
  gboolean any_live = FALSE;
  TwMode mode;
  Env env;

  g_return_val_if_fail (env_contents != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (TW_IS_CONNECTOR_REGISTRY (registry), NULL);
  g_return_val_if_fail (TW_IS_SECRETS (secrets), NULL);

  if (!tw_profile_name_is_valid (name))
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("“%s” cannot be a profile name: use 1 to 64 letters, digits, “-” or “_”."),
                   name);
      return NULL;
    }

  vars = parse_env (env_contents, error);
  if (vars == NULL)
    return NULL;

  used = g_hash_table_new (g_str_hash, g_str_equal);
  env.vars = vars;
  env.used = used;
  pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_secret_free);
  imported = g_ptr_array_new_with_free_func ((GDestroyNotify) imported_free);

  connectors = tw_connector_registry_get_model (registry);
  for (guint i = 0; i < g_list_model_get_n_items (connectors); i++)
    {
      g_autoptr(TwConnector) connector = g_list_model_get_item (connectors, i);

      if (!map_connector (&env, connector, imported, pending, error))
        return NULL;
    }

  debug_ignored (&env);

  if (imported->len == 0)
    {
      g_autofree char *variables = dup_importing_variables (registry);

      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("The .env file names no service Trade Warden can import (%s). "
                     "Choose the runbook's .env file, or create the profile by hand."),
                   variables);
      return NULL;
    }

  for (guint i = 0; i < imported->len; i++)
    {
      Imported *entry = g_ptr_array_index (imported, i);

      any_known |= entry->mode_known;
      any_live |= entry->mode_known && entry->mode == TW_MODE_LIVE;
    }
  if (any_known)
    mode = any_live ? TW_MODE_LIVE : TW_MODE_PAPER;
  else
    mode = g_ascii_strcasecmp (env_get (&env, "TRADING_MODE") ?: "", "live") == 0
           || is_true (env_get (&env, "LIVE_TRADING")) ? TW_MODE_LIVE : TW_MODE_PAPER;

  profile = tw_profile_new (name, mode);
  for (guint i = 0; i < imported->len; i++)
    {
      Imported *entry = g_ptr_array_index (imported, i);

      /* Where paper and live are two hosts of one system, the name says which. */
      if (tw_connector_has_hosts (entry->connector))
        {
          TwMode service_mode = entry->mode_known ? entry->mode : mode;
          g_autofree char *display =
            g_strdup_printf (service_mode == TW_MODE_LIVE ? _("%s (live)") : _("%s (paper)"),
                             tw_connector_get_name (entry->connector));

          tw_service_set_name (entry->service, display);
        }
      tw_profile_add_service (profile, entry->service);
    }

  for (guint i = 0; i < pending->len; i++)
    {
      PendingSecret *secret = g_ptr_array_index (pending, i);

      if (!tw_secrets_store_sync (secrets, name, secret->service, secret->name, secret->value,
                                  NULL, error))
        {
          /* Leave nothing half-imported behind. */
          for (guint j = 0; j < i; j++)
            {
              PendingSecret *stored = g_ptr_array_index (pending, j);

              tw_secrets_clear_sync (secrets, name, stored->service, stored->name, NULL, NULL);
            }
          return NULL;
        }
    }

  return g_steal_pointer (&profile);
}
