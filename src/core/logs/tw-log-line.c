/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-log-line.h"

#include "tw-log-loki.h"
#include "tw-log-private.h"

struct _TwLogLine
{
  GObject      parent_instance;
  char        *source_id;
  guint        row;
  char        *text;
  guint        flags;
  TwLogFields  fields;
};

G_DEFINE_FINAL_TYPE (TwLogLine, tw_log_line, G_TYPE_OBJECT)

enum { PROP_0, PROP_SOURCE_ID, PROP_ROW, PROP_TEXT, PROP_LEVEL, PROP_TIME, PROP_MESSAGE,
       PROP_CORRELATION_ID, PROP_FLAGS, PROP_MALFORMED, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
tw_log_line_finalize (GObject *object)
{
  TwLogLine *self = TW_LOG_LINE (object);

  g_free (self->source_id);
  g_free (self->text);
  tw_log_fields_clear (&self->fields);
  G_OBJECT_CLASS (tw_log_line_parent_class)->finalize (object);
}

static void
tw_log_line_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TwLogLine *self = TW_LOG_LINE (object);

  switch (prop_id)
    {
    case PROP_SOURCE_ID: g_value_set_string (value, self->source_id); break;
    case PROP_ROW: g_value_set_uint (value, self->row); break;
    case PROP_TEXT: g_value_set_string (value, self->text); break;
    case PROP_LEVEL: g_value_set_int (value, self->fields.level); break;
    case PROP_TIME: g_value_set_int64 (value, self->fields.time_us); break;
    case PROP_MESSAGE: g_value_set_string (value, self->fields.message); break;
    case PROP_CORRELATION_ID: g_value_set_string (value, self->fields.correlation_id); break;
    case PROP_FLAGS: g_value_set_uint (value, self->flags); break;
    case PROP_MALFORMED: g_value_set_boolean (value, self->fields.malformed); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_log_line_class_init (TwLogLineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = tw_log_line_finalize;
  object_class->get_property = tw_log_line_get_property;

  properties[PROP_SOURCE_ID] = g_param_spec_string ("source-id", NULL, NULL, NULL, flags);
  properties[PROP_ROW] = g_param_spec_uint ("row", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL, flags);
  properties[PROP_LEVEL] = g_param_spec_int ("level", NULL, NULL, 0, TW_LOG_LEVEL_CRITICAL, 0, flags);
  properties[PROP_TIME] = g_param_spec_int64 ("time", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, flags);
  properties[PROP_CORRELATION_ID] = g_param_spec_string ("correlation-id", NULL, NULL, NULL, flags);
  properties[PROP_FLAGS] = g_param_spec_uint ("flags", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_MALFORMED] = g_param_spec_boolean ("malformed", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tw_log_line_init (TwLogLine *self)
{
}

/* @text: (transfer full) */
TwLogLine *
tw_log_line_new (const char  *source_id,
                 guint        row,
                 char        *text,
                 guint        flags,
                 TwLogFormat *format)
{
  TwLogLine *self = g_object_new (TW_TYPE_LOG_LINE, NULL);

  self->source_id = g_strdup (source_id);
  self->row = row;
  self->text = text;
  /* A Loki entry is shown as its labels then its line: the time has its own column. */
  if (tw_log_format_get_kind (format) == TW_LOG_KIND_LOKI && !(flags & (TW_LOG_LINE_LOST | TW_LOG_LINE_BINARY)))
    {
      gint64 time_us;
      gsize labels_start, labels_len, rest;
      gsize len = strlen (text);

      if (_tw_log_loki_split_line (text, len, &time_us, &labels_start, &labels_len, &rest))
        {
          self->text = g_strdup_printf ("%.*s %.*s", (int) labels_len, text + labels_start,
                                        (int) (len - rest), text + rest);
          tw_log_format_parse (format, text, len, &self->fields);
          g_free (text);
          return self;
        }
    }
  self->flags = flags;
  if (!(flags & (TW_LOG_LINE_LOST | TW_LOG_LINE_BINARY)))
    tw_log_format_parse (format, text, strlen (text), &self->fields);
  else
    self->fields.message = g_strdup (text);
  return self;
}

const char *tw_log_line_get_source_id (TwLogLine *self) { return self->source_id; }
guint       tw_log_line_get_row (TwLogLine *self) { return self->row; }
const char *tw_log_line_get_text (TwLogLine *self) { return self->text; }
TwLogLevel  tw_log_line_get_level (TwLogLine *self) { return self->fields.level; }
gint64      tw_log_line_get_time (TwLogLine *self) { return self->fields.time_us; }
const char *tw_log_line_get_message (TwLogLine *self) { return self->fields.message; }
const char *tw_log_line_get_correlation_id (TwLogLine *self) { return self->fields.correlation_id; }
guint       tw_log_line_get_flags (TwLogLine *self) { return self->flags; }
gboolean    tw_log_line_get_malformed (TwLogLine *self) { return self->fields.malformed; }
