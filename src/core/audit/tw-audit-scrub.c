/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the audit log keeps of free text: keys, tokens and passwords redacted. */
#include "config.h"

#include "tw-audit-log.h"

#include <string.h>

static gboolean
redact_keyword_value (const GMatchInfo *info,
                      GString          *result,
                      gpointer          user_data)
{
  g_autofree char *prefix = g_match_info_fetch (info, 1);

  g_string_append (result, prefix);
  g_string_append (result, "[redacted]");
  return FALSE;
}

static gboolean
redact_long_token (const GMatchInfo *info,
                   GString          *result,
                   gpointer          user_data)
{
  g_autofree char *token = g_match_info_fetch (info, 0);
  gboolean letter = FALSE, digit = FALSE;
  gsize len = strlen (token);

  for (const char *p = token; *p != '\0'; p++)
    {
      letter |= g_ascii_isalpha (*p);
      digit |= g_ascii_isdigit (*p);
    }

  if (letter && digit)
    g_string_append_printf (result, "[redacted …%s]", token + len - 4);
  else
    g_string_append (result, token);

  return FALSE;
}

char *
tw_audit_scrub (const char *text)
{
  static GRegex *keyword_re, *bearer_re, *token_re;
  g_autofree char *step1 = NULL;
  g_autofree char *step2 = NULL;

  if (text == NULL)
    return NULL;

  if (g_once_init_enter (&token_re))
    {
      keyword_re = g_regex_new ("((?:key|token|secret|password|passwd|authorization)[\"']?\\s*[:=]\\s*"
                                "[\"']?(?:bearer\\s+|basic\\s+)?)([^\\s\"',;&]+)",
                                G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
      bearer_re = g_regex_new ("(bearer\\s+)([^\\s\"',;&]+)",
                               G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&token_re,
                         g_regex_new ("(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])",
                                      G_REGEX_OPTIMIZE, 0, NULL));
    }

  step1 = g_regex_replace_eval (keyword_re, text, -1, 0, 0, redact_keyword_value, NULL, NULL);
  if (step1 == NULL)
    return g_strdup ("[redacted: text could not be scrubbed]");
  step2 = g_regex_replace_eval (bearer_re, step1, -1, 0, 0, redact_keyword_value, NULL, NULL);
  if (step2 == NULL)
    return g_strdup ("[redacted: text could not be scrubbed]");

  return g_regex_replace_eval (token_re, step2, -1, 0, 0, redact_long_token, NULL, NULL);
}
