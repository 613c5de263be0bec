/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TW_LOG_LEVEL_UNKNOWN,
  TW_LOG_LEVEL_DEBUG,
  TW_LOG_LEVEL_INFO,
  TW_LOG_LEVEL_WARNING,
  TW_LOG_LEVEL_ERROR,
  TW_LOG_LEVEL_CRITICAL,
} TwLogLevel;

typedef enum
{
  TW_LOG_KIND_TEXT,
  TW_LOG_KIND_JSON,
  TW_LOG_KIND_AUDIT_CHAIN,  /* JSON lines, each carrying the SHA-256 of the previous */
  TW_LOG_KIND_LOKI,         /* Loki entries as tw-log-loki.h spools them: time, labels, line */
} TwLogKind;

/* How the lines of one source are read: a GRegex with named groups "time", "level",
 * "message" and "id" for text; field names (first present wins) for JSON. Immutable once
 * made, shared by threads (refcounted). */
typedef struct _TwLogFormat TwLogFormat;

/* What one line says. */
typedef struct
{
  TwLogLevel  level;
  gint64      time_us;         /* Unix µs; 0 when the line has none */
  char       *message;         /* the whole line when no message was found */
  char       *correlation_id;  /* NULL when none */
  gboolean    malformed;       /* a JSON source's line that is not a JSON object */
} TwLogFields;

/* The defaults read the runbooks' formats: Python logging's "%(asctime)s - %(name)s -
 * %(levelname)s - %(message)s" and "LEVEL:name:message", "[LEVEL]" and "LEVEL" words after
 * a timestamp; JSON keys level/levelname/severity, message/msg, timestamp/time/asctime/ts,
 * correlation_id/request_id/correlationId; a correlation id in text as
 * correlation_id=…, request_id=… or "correlation_id": "…".
 * @options: a log group's keys (utf8 → utf8, nullable): Kind= text|json|audit-chain,
 * Pattern= (text), LevelField=, MessageField=, TimeField=, IdField= (JSON, comma lists),
 * PrevHashField=, HashField= (audit chain), LineKind= auto|text|json (loki: how its lines
 * are read; auto: JSON when a line starts with "{"). Fails on a bad Kind or Pattern. */
TwLogFormat *tw_log_format_new         (GHashTable   *options,
                                        GError      **error);
TwLogFormat *tw_log_format_ref         (TwLogFormat  *self);
void         tw_log_format_unref       (TwLogFormat  *self);
TwLogKind    tw_log_format_get_kind    (TwLogFormat  *self);
const char  *tw_log_format_get_prev_hash_field (TwLogFormat *self);
const char  *tw_log_format_get_hash_field      (TwLogFormat *self);

/* Thread-safe. @line is @len bytes, not NUL-terminated, no newline. */
void         tw_log_format_parse       (TwLogFormat  *self,
                                        const char   *line,
                                        gsize         len,
                                        TwLogFields  *fields);
/* Only the level (cheaper: no message copy). */
TwLogLevel   tw_log_format_parse_level (TwLogFormat  *self,
                                        const char   *line,
                                        gsize         len);
void         tw_log_fields_clear       (TwLogFields  *fields);

TwLogLevel   tw_log_level_from_string  (const char   *text,
                                        gssize        len);
const char  *tw_log_level_to_string    (TwLogLevel    level);
/* ISO 8601 with a space or "T", "," or "." before the fraction, a zone or local time;
 * or a number of Unix seconds (or ms when > 1e12). 0 when not a time. */
gint64       tw_log_parse_time         (const char   *text,
                                        gssize        len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TwLogFormat, tw_log_format_unref)

G_END_DECLS
