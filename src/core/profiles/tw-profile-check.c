/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-profile-private.h"

#include <math.h>
#include <string.h>

/* What a profile file may hold, and what gives a secret away. A profile is a plain
 * file that people copy, mail and commit: a secret in it is refused outright, so the
 * checks below err on the side of refusing. */

static const char * const secret_words[] = {
  "key", "secret", "token", "password", "passphrase", "credential", NULL
};

/* Query parameters also give themselves away with these. */
static const char * const secret_param_words[] = {
  "auth", "pass", "pwd", "sig", NULL
};

gboolean
_tw_profile_id_is_valid (const char *id)
{
  if (id == NULL || *id == '\0')
    return FALSE;

  for (const char *p = id; *p; p++)
    {
      if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-' || *p == '_'))
        return FALSE;
    }
  return TRUE;
}

gboolean
_tw_profile_url_is_valid (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (url == NULL || *url == '\0')
    return FALSE;

  /* GLib's parser lets spaces and control characters through ("http://a\r:pw@host"): no
   * address holds them, and the secret checks, which end a URL at a space, would read
   * another URL than the one used. */
  for (const char *p = url; *p; p++)
    {
      if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
        return FALSE;
    }

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  return (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0)
         && host != NULL && *host != '\0';
}

static gboolean
contains_word (const char         *text,
               const char * const *words)
{
  g_autofree char *lower = g_ascii_strdown (text, -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (strstr (lower, words[i]) != NULL)
        return TRUE;
    }
  return FALSE;
}

gboolean
_tw_profile_key_is_secret_name (const char *key)
{
  return key != NULL && contains_word (key, secret_words);
}

/* A token: at least 16 characters of the base64/URL alphabet mixing letters and
 * digits, with the character spread of random data rather than of a word. */
static gboolean
looks_random (const char *text)
{
  guint counts[256] = { 0 };
  gboolean has_digit = FALSE;
  gboolean has_alpha = FALSE;
  gsize len = strlen (text);
  double entropy = 0.0;

  if (len < 16)
    return FALSE;

  for (const char *p = text; *p; p++)
    {
      guchar c = (guchar)*p;

      if (!(g_ascii_isalnum (c) || strchr ("-_.~+/=", c) != NULL))
        return FALSE;
      has_digit |= g_ascii_isdigit (c);
      has_alpha |= g_ascii_isalpha (c);
      counts[c]++;
    }

  if (!has_digit || !has_alpha)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      double p;

      if (counts[i] == 0)
        continue;
      p = (double)counts[i] / (double)len;
      entropy -= p * log2 (p);
    }

  return entropy >= 3.0;
}

static gboolean
query_looks_secret (const char *query)
{
  g_autoptr(GHashTable) params = NULL;
  GHashTableIter iter;
  const char *name;
  const char *value;

  params = g_uri_parse_params (query, -1, "&;", G_URI_PARAMS_NONE, NULL);
  if (params == NULL)
    {
      /* Not even well-formed: look at every piece of it. */
      g_auto(GStrv) pieces = g_strsplit_set (query, "&;=", -1);

      for (guint i = 0; pieces[i] != NULL; i++)
        {
          if (looks_random (pieces[i]))
            return TRUE;
        }
      return FALSE;
    }

  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, (gpointer *)&name, (gpointer *)&value))
    {
      if (value == NULL || *value == '\0')
        continue;
      if (contains_word (name, secret_words) || contains_word (name, secret_param_words))
        return TRUE;
      if (looks_random (value))
        return TRUE;
    }
  return FALSE;
}

static gboolean
url_looks_secret (const char *value)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *user;
  const char *password;
  const char *query;

  uri = g_uri_parse (value, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL)
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  if (scheme == NULL
      || (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    return FALSE;

  user = g_uri_get_user (uri);
  password = g_uri_get_password (uri);
  if (password != NULL && *password != '\0')
    return TRUE;
  if (user != NULL && looks_random (user))
    return TRUE;

  query = g_uri_get_query (uri);
  if (query != NULL && query_looks_secret (query))
    return TRUE;

  return FALSE;
}

/* A word (a run of letters and digits) that looks like a token: a key ID pasted into a
 * name ("AKZ9Y8X7W6V5U4T3S2R1"), whatever system it is for. */
static gboolean
contains_random_word (const char *value)
{
  for (const char *p = value; *p != '\0';)
    {
      const char *start = p;

      while (g_ascii_isalnum (*p))
        p++;
      if (p - start >= 16)
        {
          g_autofree char *word = g_strndup (start, p - start);

          if (looks_random (word))
            return TRUE;
        }
      while (*p != '\0' && !g_ascii_isalnum (*p))
        p++;
    }
  return FALSE;
}

gboolean
_tw_profile_value_looks_secret (const char *value)
{
  if (value == NULL || *value == '\0')
    return FALSE;

  if (contains_random_word (value))
    return TRUE;

  /* Any URL in the value, not only a whole-value one ("see http://…"). */
  for (const char *p = value; (p = strstr (p, "://")) != NULL; p += 3)
    {
      const char *start = p;

      while (start > value && g_ascii_isalpha (start[-1]))
        start--;
      if (start < p)
        {
          g_autofree char *url = NULL;
          const char *end = start;

          while (*end && !g_ascii_isspace (*end) && *end != '"' && *end != '\'')
            end++;
          url = g_strndup (start, end - start);
          if (url_looks_secret (url))
            return TRUE;
        }
    }

  return FALSE;
}

/* The rule for any value under any key, known or not: a run of 20 or more ASCII letters
 * and digits holding both is taken for a key. API keys, key ids, secret keys and tokens
 * have that shape; names, paths, hosts and dates break into shorter runs at “-”, “_”,
 * “.” or “/”. A rare false alarm (a long file name such as tradingbot2024backups) is
 * cheaper than a key in a file people copy and commit: the error names the group and
 * key to change. */
#define KEY_RUN_MIN 20

static gboolean
holds_key_like_run (const char *text)
{
  const char *p = text;

  while (*p != '\0')
    {
      gsize run = 0;
      gboolean letter = FALSE;
      gboolean digit = FALSE;

      for (; g_ascii_isalnum (p[run]); run++)
        {
          letter |= g_ascii_isalpha (p[run]);
          digit |= g_ascii_isdigit (p[run]);
        }
      if (run >= KEY_RUN_MIN && letter && digit)
        return TRUE;
      p += run > 0 ? run : 1;
    }
  return FALSE;
}

/* What a profile file refuses in any value, and the .env import in an address it would
 * write there: a secret by its words (_tw_profile_value_looks_secret) or by its shape. */
gboolean
_tw_profile_text_holds_secret (const char *text)
{
  return _tw_profile_value_looks_secret (text) || holds_key_like_run (text);
}
