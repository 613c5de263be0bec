/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-log-format.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#include "tw-error.h"
#include "tw-json.h"
#include "tw-log-loki.h"

/* Python logging's formats as the runbooks' bots write them:
 *   2026-12-06 02:30:00,123 - trading - INFO - Prediction: …
 *   2026-12-06 02:30:00,123 [ERROR] message      2026-12-06T02:30:00Z ERROR message
 *   ERROR:trading:message                         (logging.basicConfig's default) */
#define DEFAULT_PATTERN \
  "^(?:(?<time>\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})?)" \
  "\\s*(?:-\\s*[\\w.\\-]+\\s*-\\s*)?\\[?(?<level>DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)\\]?" \
  "\\s*(?:-\\s*|:\\s*)?(?<message>.*)" \
  "|(?<level2>DEBUG|INFO|WARNING|ERROR|CRITICAL):[\\w.\\-]*:(?<message2>.*))$"

#define DEFAULT_ID_PATTERN \
  "\\b(?:correlation_id|correlationId|correlation-id|request_id|requestId)\"?\\s*[=:]\\s*\"?(?<id>[\\w.:\\-]+)"

struct _TwLogFormat
{
  gint       ref_count;
  TwLogKind  kind;
  GRegex    *pattern;
  GRegex    *id_pattern;
  char     **level_fields;
  char     **message_fields;
  char     **time_fields;
  char     **id_fields;
  char      *prev_hash_field;
  char      *hash_field;
  int        line_kind;  /* loki: TW_LOG_KIND_TEXT, TW_LOG_KIND_JSON, or -1 (auto) */
};

static GRegex *
default_regex (gsize      *once,
               const char *pattern)
{
  if (g_once_init_enter (once))
    {
      GRegex *regex = g_regex_new (pattern, G_REGEX_OPTIMIZE | G_REGEX_RAW, 0, NULL);

      g_assert (regex != NULL);
      g_once_init_leave (once, (gsize) regex);
    }
  return (GRegex *) *once;
}

static gsize default_pattern;
static gsize default_id_pattern;

static char **
fields_option (GHashTable *options,
               const char *key,
               const char *fallback)
{
  const char *value = options != NULL ? g_hash_table_lookup (options, key) : NULL;
  char **fields = g_strsplit (value != NULL ? value : fallback, ",", -1);

  for (guint i = 0; fields[i] != NULL; i++)
    g_strstrip (fields[i]);
  return fields;
}

TwLogFormat *
tw_log_format_new (GHashTable  *options,
                   GError     **error)
{
  g_autoptr(TwLogFormat) self = g_new0 (TwLogFormat, 1);
  const char *kind = options != NULL ? g_hash_table_lookup (options, "Kind") : NULL;
  const char *pattern = options != NULL ? g_hash_table_lookup (options, "Pattern") : NULL;
  const char *value;
  g_autoptr(GError) local_error = NULL;

  self->ref_count = 1;
  /* A journal's entries are written as text lines (tw-log-journal.h). */
  if (kind == NULL || g_str_equal (kind, "text") || g_str_equal (kind, "journal"))
    self->kind = TW_LOG_KIND_TEXT;
  else if (g_str_equal (kind, "json"))
    self->kind = TW_LOG_KIND_JSON;
  else if (g_str_equal (kind, "audit-chain"))
    self->kind = TW_LOG_KIND_AUDIT_CHAIN;
  else if (g_str_equal (kind, "loki"))
    self->kind = TW_LOG_KIND_LOKI;
  else
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("Unknown log kind “%s”: use text, json, audit-chain, journal or loki."), kind);
      return NULL;
    }
  value = options != NULL ? g_hash_table_lookup (options, "LineKind") : NULL;
  if (value == NULL || g_str_equal (value, "auto"))
    self->line_kind = -1;
  else if (g_str_equal (value, "text"))
    self->line_kind = TW_LOG_KIND_TEXT;
  else if (g_str_equal (value, "json"))
    self->line_kind = TW_LOG_KIND_JSON;
  else
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("Unknown LineKind “%s”: use auto, text or json."), value);
      return NULL;
    }

  /* The defaults are compiled (and JIT-compiled) once for the process. */
  if (pattern == NULL)
    self->pattern = g_regex_ref (default_regex (&default_pattern, DEFAULT_PATTERN));
  else
    self->pattern = g_regex_new (pattern, G_REGEX_OPTIMIZE | G_REGEX_RAW, 0, &local_error);
  if (self->pattern == NULL)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("The log pattern “%s” is not a valid regular expression: %s"),
                   pattern, local_error->message);
      return NULL;
    }
  self->id_pattern = g_regex_ref (default_regex (&default_id_pattern, DEFAULT_ID_PATTERN));

  self->level_fields = fields_option (options, "LevelField", "level,levelname,severity,lvl");
  self->message_fields = fields_option (options, "MessageField", "message,msg,event,details");
  self->time_fields = fields_option (options, "TimeField", "timestamp,time,asctime,ts,@timestamp");
  self->id_fields = fields_option (options, "IdField",
                                   "correlation_id,request_id,correlationId,requestId,trace_id");
  value = options != NULL ? g_hash_table_lookup (options, "PrevHashField") : NULL;
  self->prev_hash_field = g_strdup (value != NULL ? value : "prev_hash");
  value = options != NULL ? g_hash_table_lookup (options, "HashField") : NULL;
  self->hash_field = g_strdup (value != NULL ? value : "hash");

  return g_steal_pointer (&self);
}

TwLogFormat *
tw_log_format_ref (TwLogFormat *self)
{
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
tw_log_format_unref (TwLogFormat *self)
{
  if (self == NULL || !g_atomic_int_dec_and_test (&self->ref_count))
    return;
  g_clear_pointer (&self->pattern, g_regex_unref);
  g_clear_pointer (&self->id_pattern, g_regex_unref);
  g_strfreev (self->level_fields);
  g_strfreev (self->message_fields);
  g_strfreev (self->time_fields);
  g_strfreev (self->id_fields);
  g_free (self->prev_hash_field);
  g_free (self->hash_field);
  g_free (self);
}

TwLogKind
tw_log_format_get_kind (TwLogFormat *self)
{
  return self->kind;
}

const char *
tw_log_format_get_prev_hash_field (TwLogFormat *self)
{
  return self->prev_hash_field;
}

const char *
tw_log_format_get_hash_field (TwLogFormat *self)
{
  return self->hash_field;
}

TwLogLevel
tw_log_level_from_string (const char *text,
                          gssize      len)
{
  static const struct { const char *name; TwLogLevel level; } names[] = {
    { "trace", TW_LOG_LEVEL_DEBUG }, { "debug", TW_LOG_LEVEL_DEBUG },
    { "info", TW_LOG_LEVEL_INFO }, { "notice", TW_LOG_LEVEL_INFO },
    { "warn", TW_LOG_LEVEL_WARNING }, { "warning", TW_LOG_LEVEL_WARNING },
    { "error", TW_LOG_LEVEL_ERROR }, { "err", TW_LOG_LEVEL_ERROR },
    { "critical", TW_LOG_LEVEL_CRITICAL }, { "crit", TW_LOG_LEVEL_CRITICAL },
    { "fatal", TW_LOG_LEVEL_CRITICAL }, { "alert", TW_LOG_LEVEL_CRITICAL },
    { "emerg", TW_LOG_LEVEL_CRITICAL },
  };

  if (text == NULL)
    return TW_LOG_LEVEL_UNKNOWN;
  if (len < 0)
    len = strlen (text);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if ((gsize) len == strlen (names[i].name) && g_ascii_strncasecmp (text, names[i].name, len) == 0)
      return names[i].level;
  return TW_LOG_LEVEL_UNKNOWN;
}

const char *
tw_log_level_to_string (TwLogLevel level)
{
  switch (level)
    {
    case TW_LOG_LEVEL_DEBUG: return "DEBUG";
    case TW_LOG_LEVEL_INFO: return "INFO";
    case TW_LOG_LEVEL_WARNING: return "WARNING";
    case TW_LOG_LEVEL_ERROR: return "ERROR";
    case TW_LOG_LEVEL_CRITICAL: return "CRITICAL";
    case TW_LOG_LEVEL_UNKNOWN:
    default: return "";
    }
}

gint64
tw_log_parse_time (const char *text,
                   gssize      len)
{
  char buf[64];
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GTimeZone) local = NULL;
  char *end = NULL;
  double number;

  if (text == NULL)
    return 0;
  if (len < 0)
    len = strlen (text);
  if (len == 0 || (gsize) len >= sizeof buf)
    return 0;
  memcpy (buf, text, len);
  buf[len] = '\0';

  number = g_ascii_strtod (buf, &end);
  if (end != NULL && *end == '\0' && end != buf)
    {
      if (number > 1e12)
        return (gint64) (number * 1000);
      if (number > 1e8)
        return (gint64) (number * G_USEC_PER_SEC);
      return 0;
    }

  if (len >= 11 && buf[10] == ' ')
    buf[10] = 'T';
  for (char *p = buf + 10; *p != '\0'; p++)
    if (*p == ',')
      *p = '.';
  local = g_time_zone_new_local ();
  dt = g_date_time_new_from_iso8601 (buf, local);
  if (dt == NULL)
    return 0;
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
}

void
tw_log_fields_clear (TwLogFields *fields)
{
  g_clear_pointer (&fields->message, g_free);
  g_clear_pointer (&fields->correlation_id, g_free);
  memset (fields, 0, sizeof *fields);
}

static char *
fetch_group (GMatchInfo *info,
             const char *name)
{
  char *value = g_match_info_fetch_named (info, name);

  if (value != NULL && *value == '\0')
    g_clear_pointer (&value, g_free);
  return value;
}

static char *
json_member_string (JsonObject  *object,
                    char       **names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (object, names[i]);

      if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
        continue;
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          return g_strdup (json_node_get_string (node));
        case G_TYPE_INT64:
          return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
        case G_TYPE_DOUBLE:
          {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
          }
        default:
          break;
        }
    }
  return NULL;
}

static void
parse_json (TwLogFormat *self,
            const char  *line,
            gsize        len,
            TwLogFields *fields)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  JsonObject *object;
  g_autofree char *level = NULL;
  g_autofree char *time = NULL;

  /* The guarded parse: a line nested 100,000 deep would overflow json-glib's
   * recursion; such a line, like any other that is not JSON, is shown as it is. */
  if (!tw_json_parser_load (parser, line, len, NULL)
      || (root = json_parser_get_root (parser)) == NULL
      || !JSON_NODE_HOLDS_OBJECT (root))
    {
      fields->malformed = TRUE;
      fields->message = g_utf8_make_valid (line, len);
      return;
    }
  object = json_node_get_object (root);
  level = json_member_string (object, self->level_fields);
  fields->level = tw_log_level_from_string (level, -1);
  time = json_member_string (object, self->time_fields);
  fields->time_us = tw_log_parse_time (time, -1);
  fields->message = json_member_string (object, self->message_fields);
  if (fields->message == NULL)
    fields->message = g_utf8_make_valid (line, len);
  fields->correlation_id = json_member_string (object, self->id_fields);
}

static void
parse_text (TwLogFormat *self,
            const char  *line,
            gsize        len,
            TwLogFields *fields,
            gboolean     level_only)
{
  g_autoptr(GMatchInfo) info = NULL;

  if (g_regex_match_full (self->pattern, line, len, 0, 0, &info, NULL))
    {
      g_autofree char *level = fetch_group (info, "level");
      g_autofree char *time = NULL;

      if (level == NULL)
        level = fetch_group (info, "level2");
      fields->level = tw_log_level_from_string (level, -1);
      if (level_only)
        return;
      time = fetch_group (info, "time");
      fields->time_us = tw_log_parse_time (time, -1);
      fields->message = fetch_group (info, "message");
      if (fields->message == NULL)
        fields->message = fetch_group (info, "message2");
      fields->correlation_id = fetch_group (info, "id");
    }
  if (level_only)
    return;
  if (fields->message == NULL)
    fields->message = g_strndup (line, len);
  if (fields->correlation_id == NULL)
    {
      g_autoptr(GMatchInfo) id_info = NULL;

      if (g_regex_match_full (self->id_pattern, line, len, 0, 0, &id_info, NULL))
        fields->correlation_id = fetch_group (id_info, "id");
    }
}

static void parse_kind (TwLogFormat *self, TwLogKind kind, const char *line, gsize len,
                        TwLogFields *fields);

/* A level="…" (or detected_level, severity) label. */
static TwLogLevel
level_from_labels (const char *labels,
                   gsize       len)
{
  static const char * const names[] = { "level=\"", "severity=\"", "lvl=\"", NULL };

  for (guint i = 0; names[i] != NULL; i++)
    {
      gsize n = strlen (names[i]);

      for (gsize at = 0; at + n < len; at++)
        if (memcmp (labels + at, names[i], n) == 0)
          {
            const char *value = labels + at + n;
            const char *end = memchr (value, '"', len - (value - labels));

            if (end != NULL)
              return tw_log_level_from_string (value, end - value);
          }
    }
  return TW_LOG_LEVEL_UNKNOWN;
}

static void
parse_loki (TwLogFormat *self,
            const char  *line,
            gsize        len,
            TwLogFields *fields)
{
  gint64 time_us = 0;
  gsize labels_start, labels_len, rest;
  const char *text;
  gsize text_len;

  if (!_tw_log_loki_split_line (line, len, &time_us, &labels_start, &labels_len, &rest))
    {
      parse_kind (self, TW_LOG_KIND_TEXT, line, len, fields);
      return;
    }
  text = line + rest;
  text_len = len - rest;
  if (self->line_kind == TW_LOG_KIND_JSON
      || (self->line_kind < 0 && text_len > 0 && text[0] == '{'))
    {
      parse_kind (self, TW_LOG_KIND_JSON, text, text_len, fields);
      if (fields->malformed && self->line_kind < 0)
        {
          tw_log_fields_clear (fields);
          parse_kind (self, TW_LOG_KIND_TEXT, text, text_len, fields);
        }
    }
  else
    parse_kind (self, TW_LOG_KIND_TEXT, text, text_len, fields);
  /* Loki's time orders the lines; the level from a label when the line has none. */
  if (time_us != 0)
    fields->time_us = time_us;
  if (fields->level == TW_LOG_LEVEL_UNKNOWN)
    fields->level = level_from_labels (line + labels_start, labels_len);
}

void
tw_log_format_parse (TwLogFormat *self,
                     const char  *line,
                     gsize        len,
                     TwLogFields *fields)
{
  memset (fields, 0, sizeof *fields);
  if (self->kind == TW_LOG_KIND_LOKI)
    parse_loki (self, line, len, fields);
  else
    parse_kind (self, self->kind, line, len, fields);
}

static void
parse_kind (TwLogFormat *self,
            TwLogKind    kind,
            const char  *line,
            gsize        len,
            TwLogFields *fields)
{
  if (kind == TW_LOG_KIND_TEXT)
    {
      /* G_REGEX_RAW: any bytes; the message is made valid UTF-8 after. */
      parse_text (self, line, len, fields, FALSE);
      if (!g_utf8_validate (fields->message, -1, NULL))
        {
          char *valid = g_utf8_make_valid (fields->message, -1);
          g_free (fields->message);
          fields->message = valid;
        }
    }
  else
    {
      parse_json (self, line, len, fields);
      if (fields->correlation_id == NULL && !fields->malformed)
        {
          g_autoptr(GMatchInfo) id_info = NULL;

          if (g_regex_match_full (self->id_pattern, line, len, 0, 0, &id_info, NULL))
            fields->correlation_id = fetch_group (id_info, "id");
        }
    }
}

TwLogLevel
tw_log_format_parse_level (TwLogFormat *self,
                           const char  *line,
                           gsize        len)
{
  TwLogFields fields = { 0, };
  TwLogLevel level;

  if (self->kind == TW_LOG_KIND_TEXT)
    {
      parse_text (self, line, len, &fields, TRUE);
      return fields.level;
    }
  tw_log_format_parse (self, line, len, &fields);
  level = fields.level;
  tw_log_fields_clear (&fields);
  return level;
}
