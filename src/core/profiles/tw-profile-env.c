/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-profile.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tw-error.h"
#include "tw-profile-private.h"

/* Importing a runbook's .env file.
 *
 * The file: KEY=VALUE lines; blank lines and `# comments` are skipped; `export KEY=VALUE`
 * is accepted; values may be 'single-quoted' (taken as is), "double-quoted" (\n, \t,
 * \", \\ and \$ escapes) — both may span lines — or bare (up to a ` #` comment,
 * trailing blanks removed). A line that is none of these is an error naming its
 * number, never its text. When a variable appears twice, the last one wins.
 *
 * What becomes what (service ids and connectors are the shipped ones):
 *
 * | variable                                  | service id (connector)          | becomes                                              |
 * |-------------------------------------------|---------------------------------|------------------------------------------------------|
 * | ALPACA_API_KEY (or APCA_API_KEY_ID)       | alpaca (alpaca)                 | secret key_id                                        |
 * | ALPACA_SECRET_KEY (or APCA_API_SECRET_KEY)| alpaca (alpaca)                 | secret secret_key                                    |
 * | ALPACA_BASE_URL (or APCA_API_BASE_URL)    | alpaca (alpaca)                 | base URL, `/v2` and trailing `/` removed; default https://paper-api.alpaca.markets; the mode (below) |
 * | API_KEYS (comma-separated)                | investiq (investiq)             | secret api_key: the first key of the list            |
 * | LIVE_TRADING_KEY                          | investiq (investiq)             | secret live_trading_key                              |
 * | INVESTIQ_URL, else API_BASE_URL           | investiq (investiq)             | base URL; default http://127.0.0.1:3000              |
 * | IBKR_ASSISTANT_URL                        | ibkr-assistant (ibkr-assistant) | base URL                                             |
 * | IBKR_HOST, IBKR_PORT                      | ibkr-assistant (ibkr-assistant) | base URL http://HOST:PORT when IBKR_ASSISTANT_URL is absent (defaults 127.0.0.1 and 8000) |
 * | IBKR_API_KEY, else the first of API_KEYS  | ibkr-assistant (ibkr-assistant) | secret api_key                                       |
 * | AI_TRADING_URL                            | ai-trading (ai-trading)         | base URL; secret api_key: the first of API_KEYS      |
 * | AUTOTRADER_URL                            | autotrader (autotrader)         | base URL; secret api_key: the first of API_KEYS      |
 * | TRADING_MODE=live, LIVE_TRADING=true      | —                               | the profile's mode (below)                           |
 *
 * The investiq service is made when API_KEYS, LIVE_TRADING_KEY or INVESTIQ_URL is set;
 * the alpaca service when any of its three variables is.
 *
 * Mode: with Alpaca, its base URL decides: host api.alpaca.markets → live,
 * paper-api.alpaca.markets → paper; any other host (a proxy, a simulator) → paper unless
 * TRADING_MODE=live or LIVE_TRADING=true (or 1, yes). Without Alpaca, the same two
 * variables decide; paper otherwise.
 *
 * Secrets go to the TwSecrets given, under the new profile's name; the profile holds
 * none. Other variables are ignored (their names, never their values, in a debug
 * message). A file naming none of the variables above is an error.
 */

#define ALPACA_PAPER_URL   "https://paper-api.alpaca.markets"
#define ALPACA_LIVE_HOST   "api.alpaca.markets"
#define ALPACA_PAPER_HOST  "paper-api.alpaca.markets"
#define INVESTIQ_URL       "http://127.0.0.1:3000"
#define IBKR_DEFAULT_HOST  "127.0.0.1"
#define IBKR_DEFAULT_PORT  "8000"

static const char * const known_variables[] = {
  "ALPACA_API_KEY", "APCA_API_KEY_ID", "ALPACA_SECRET_KEY", "APCA_API_SECRET_KEY",
  "ALPACA_BASE_URL", "APCA_API_BASE_URL", "API_KEYS", "LIVE_TRADING_KEY", "INVESTIQ_URL",
  "API_BASE_URL", "IBKR_ASSISTANT_URL", "IBKR_HOST", "IBKR_PORT", "IBKR_API_KEY",
  "AI_TRADING_URL", "AUTOTRADER_URL", "TRADING_MODE", "LIVE_TRADING", NULL
};

static void
wipe_string (char *str)
{
  if (str == NULL)
    return;
  memset (str, 0, strlen (str));
  g_free (str);
}

static void
wipe_gstring (GString *str)
{
  memset (str->str, 0, str->allocated_len);
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
  g_hash_table_add (env->used, (gpointer)name);
  while (g_ascii_isspace (*value))
    value++;
  return *value != '\0' ? value : NULL;
}

static const char *
env_get_either (Env        *env,
                const char *name,
                const char *alias)
{
  const char *value = env_get (env, name);

  return value != NULL ? value : env_get (env, alias);
}

/* The first non-blank key of API_KEYS (the others are grace-period keys). */
static char *
first_api_key (Env *env)
{
  const char *list = env_get (env, "API_KEYS");
  g_auto(GStrv) keys = NULL;
  char *first = NULL;

  if (list == NULL)
    return NULL;

  keys = g_strsplit (list, ",", -1);
  for (guint i = 0; keys[i] != NULL && first == NULL; i++)
    {
      g_strstrip (keys[i]);
      if (*keys[i] != '\0')
        first = g_strdup (keys[i]);
    }
  for (guint i = 0; keys[i] != NULL; i++)
    memset (keys[i], 0, strlen (keys[i]));
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
               GError     **error)
{
  g_autofree char *url = strip_trailing_slashes (value);

  if (_tw_profile_value_looks_secret (url))
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
  char *service;
  char *name;
  char *value;
} PendingSecret;

static void
pending_secret_free (PendingSecret *secret)
{
  g_free (secret->service);
  g_free (secret->name);
  wipe_string (secret->value);
  g_free (secret);
}

static void
add_secret (GPtrArray  *secrets,
            const char *service,
            const char *name,
            const char *value)
{
  PendingSecret *secret;

  if (value == NULL || *value == '\0')
    return;

  secret = g_new0 (PendingSecret, 1);
  secret->service = g_strdup (service);
  secret->name = g_strdup (name);
  secret->value = g_strdup (value);
  g_ptr_array_add (secrets, secret);
}

static void
add_service (TwProfile  *profile,
             const char *id,
             const char *display_name,
             const char *base_url)
{
  g_autoptr(TwService) service = tw_service_new (id, id, base_url);

  tw_service_set_name (service, display_name);
  tw_profile_add_service (profile, service);
}

static gboolean
map_alpaca (Env        *env,
            TwProfile  *profile,
            GPtrArray  *secrets,
            gboolean    live_flag,
            GError    **error)
{
  const char *key_id = env_get_either (env, "ALPACA_API_KEY", "APCA_API_KEY_ID");
  const char *secret_key = env_get_either (env, "ALPACA_SECRET_KEY", "APCA_API_SECRET_KEY");
  const char *base = env_get (env, "ALPACA_BASE_URL");
  const char *base_variable = "ALPACA_BASE_URL";
  g_autofree char *base_url = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *host;
  TwMode mode;

  if (base == NULL)
    {
      base = env_get (env, "APCA_API_BASE_URL");
      base_variable = "APCA_API_BASE_URL";
    }
  if (key_id == NULL && secret_key == NULL && base == NULL)
    return TRUE;

  /* The runbooks write both https://api.alpaca.markets and …/v2: paths carry /v2. */
  if (base != NULL)
    {
      g_autofree char *trimmed = strip_trailing_slashes (base);

      if (g_str_has_suffix (trimmed, "/v2"))
        trimmed[strlen (trimmed) - 3] = '\0';
      base_url = base_url_from (base_variable, trimmed, error);
      if (base_url == NULL)
        return FALSE;
    }
  else
    base_url = g_strdup (ALPACA_PAPER_URL);

  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (host != NULL && g_ascii_strcasecmp (host, ALPACA_LIVE_HOST) == 0)
    mode = TW_MODE_LIVE;
  else if (host != NULL && g_ascii_strcasecmp (host, ALPACA_PAPER_HOST) == 0)
    mode = TW_MODE_PAPER;
  else
    mode = live_flag ? TW_MODE_LIVE : TW_MODE_PAPER;

  tw_profile_set_mode (profile, mode);
  add_service (profile, "alpaca", mode == TW_MODE_LIVE ? "Alpaca (live)" : "Alpaca (paper)", base_url);
  add_secret (secrets, "alpaca", "key_id", key_id);
  add_secret (secrets, "alpaca", "secret_key", secret_key);
  return TRUE;
}

static gboolean
map_investiq (Env        *env,
              TwProfile  *profile,
              GPtrArray  *secrets,
              const char *api_key,
              GError    **error)
{
  const char *live_key = env_get (env, "LIVE_TRADING_KEY");
  const char *url = env_get (env, "INVESTIQ_URL");
  const char *variable = "INVESTIQ_URL";
  gboolean has_keys = env_get (env, "API_KEYS") != NULL;
  g_autofree char *base_url = NULL;

  if (!has_keys && live_key == NULL && url == NULL)
    return TRUE;

  if (url == NULL)
    {
      url = env_get (env, "API_BASE_URL");
      variable = "API_BASE_URL";
    }
  base_url = url != NULL ? base_url_from (variable, url, error) : g_strdup (INVESTIQ_URL);
  if (base_url == NULL)
    return FALSE;

  add_service (profile, "investiq", "InvestIQ", base_url);
  add_secret (secrets, "investiq", "api_key", api_key);
  add_secret (secrets, "investiq", "live_trading_key", live_key);
  return TRUE;
}

static gboolean
map_ibkr (Env        *env,
          TwProfile  *profile,
          GPtrArray  *secrets,
          const char *api_key,
          GError    **error)
{
  const char *url = env_get (env, "IBKR_ASSISTANT_URL");
  const char *host = NULL;
  const char *port = NULL;
  const char *own_key;
  g_autofree char *base_url = NULL;

  /* Host and port only count without the assistant's URL (then they are unused). */
  if (url == NULL)
    {
      host = env_get (env, "IBKR_HOST");
      port = env_get (env, "IBKR_PORT");
    }

  if (url != NULL)
    {
      base_url = base_url_from ("IBKR_ASSISTANT_URL", url, error);
    }
  else if (host != NULL || port != NULL)
    {
      g_autofree char *bare_host = NULL;
      g_autofree char *built = NULL;
      const char *scheme = "http";
      const char *variable = host != NULL ? "IBKR_HOST" : "IBKR_PORT";
      guint64 port_number;

      if (port != NULL && !g_ascii_string_to_unsigned (port, 10, 1, 65535, &port_number, NULL))
        {
          g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                       _("IBKR_PORT in the .env file must be a port number (1 to 65535). "
                         "Fix it and import the file again."));
          return FALSE;
        }

      if (host == NULL)
        host = IBKR_DEFAULT_HOST;
      if (g_str_has_prefix (host, "https://"))
        scheme = "https";
      if (strstr (host, "://") != NULL)
        host = strstr (host, "://") + 3;
      bare_host = strip_trailing_slashes (host);

      if (strchr (bare_host, ':') != NULL && bare_host[0] != '[')
        built = g_strdup_printf ("%s://[%s]:%s", scheme, bare_host, port ?: IBKR_DEFAULT_PORT);
      else
        built = g_strdup_printf ("%s://%s:%s", scheme, bare_host, port ?: IBKR_DEFAULT_PORT);
      base_url = base_url_from (variable, built, error);
    }
  else
    {
      return TRUE;
    }

  if (base_url == NULL)
    return FALSE;

  own_key = env_get (env, "IBKR_API_KEY");
  add_service (profile, "ibkr-assistant", "IBKR assistant", base_url);
  add_secret (secrets, "ibkr-assistant", "api_key", own_key != NULL ? own_key : api_key);
  return TRUE;
}

static gboolean
map_simple (Env        *env,
            TwProfile  *profile,
            GPtrArray  *secrets,
            const char *variable,
            const char *id,
            const char *display_name,
            const char *api_key,
            GError    **error)
{
  const char *url = env_get (env, variable);
  g_autofree char *base_url = NULL;

  if (url == NULL)
    return TRUE;

  base_url = base_url_from (variable, url, error);
  if (base_url == NULL)
    return FALSE;

  add_service (profile, id, display_name, base_url);
  add_secret (secrets, id, "api_key", api_key);
  return TRUE;
}

static void
debug_ignored (Env *env)
{
  GHashTableIter iter;
  const char *name;

  g_hash_table_iter_init (&iter, env->vars);
  while (g_hash_table_iter_next (&iter, (gpointer *)&name, NULL))
    {
      if (g_hash_table_contains (env->used, name))
        continue;
      if (g_strv_contains (known_variables, name))
        g_debug (".env import: %s is recognised but not used here", name);
      else
        g_debug (".env import: ignoring %s", name);
    }
}

/**
 * tw_profile_import_env:
 * @env_contents: the .env file's text
 * @name: the new profile's name
 * @secrets: where the secrets go (blocking calls: call this from a worker thread
 *   when @secrets is the keyring)
 * @error: return location for a #GError
 *
 * See the table at the top of tw-profile-env.c.
 *
 * Returns: (transfer full) (nullable): the new profile, unsaved
 */
TwProfile *
tw_profile_import_env (const char  *env_contents,
                       const char  *name,
                       TwSecrets   *secrets,
                       GError     **error)
{
  g_autoptr(GHashTable) vars = NULL;
  g_autoptr(GHashTable) used = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(TwProfile) profile = NULL;
  g_autofree char *api_key = NULL;
  gboolean live_flag;
  Env env;

  g_return_val_if_fail (env_contents != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
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
  pending = g_ptr_array_new_with_free_func ((GDestroyNotify)pending_secret_free);
  profile = tw_profile_new (name, TW_MODE_PAPER);

  live_flag = g_ascii_strcasecmp (env_get (&env, "TRADING_MODE") ?: "", "live") == 0
              || is_true (env_get (&env, "LIVE_TRADING"));
  tw_profile_set_mode (profile, live_flag ? TW_MODE_LIVE : TW_MODE_PAPER);

  api_key = first_api_key (&env);

  if (!map_alpaca (&env, profile, pending, live_flag, error)
      || !map_investiq (&env, profile, pending, api_key, error)
      || !map_ibkr (&env, profile, pending, api_key, error)
      || !map_simple (&env, profile, pending, "AI_TRADING_URL", "ai-trading", "AI trading",
                      api_key, error)
      || !map_simple (&env, profile, pending, "AUTOTRADER_URL", "autotrader", "Autotrader",
                      api_key, error))
    {
      wipe_string (g_steal_pointer (&api_key));
      return NULL;
    }
  wipe_string (g_steal_pointer (&api_key));

  debug_ignored (&env);

  if (g_list_model_get_n_items (tw_profile_get_services (profile)) == 0)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("The .env file names no service Trade Warden can import (ALPACA_API_KEY, "
                     "ALPACA_BASE_URL, API_KEYS, LIVE_TRADING_KEY, INVESTIQ_URL, "
                     "IBKR_ASSISTANT_URL, IBKR_HOST, AI_TRADING_URL, AUTOTRADER_URL). "
                     "Choose the runbook's .env file, or create the profile by hand."));
      return NULL;
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
