/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-json-property.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "tw-error.h"

/* How the connector mapper fills a model object's property from a JSON value: by the
 * property's type, refusing what does not fit rather than guessing. */

/* A short rendering of a JSON value for error messages. */
static char *
describe_node (JsonNode *node)
{
  g_autofree char *text = NULL;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    text = g_strdup_printf ("\"%s\"", json_node_get_string (node));
  else
    text = json_to_string (node, FALSE);

  if (g_utf8_strlen (text, -1) > 60)
    {
      char *cut = g_utf8_offset_to_pointer (text, 57);

      *cut = '\0';
      return g_strconcat (text, "…", NULL);
    }

  return g_steal_pointer (&text);
}

static gboolean
node_is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
node_is_boolean (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
}

static gboolean
node_is_int (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
node_is_double (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE;
}

/* Strict decimal syntax: [+-]digits[.digits][(e|E)[+-]digits], or NaN / Infinity (as
 * Prometheus writes them). Rejects what g_ascii_strtod would also take: hex, spaces. */
static gboolean
is_decimal_text (const char *text)
{
  const char *p = text;
  gboolean digits = FALSE;

  if (*p == '+' || *p == '-')
    p++;

  if (g_ascii_strcasecmp (p, "nan") == 0 || g_ascii_strcasecmp (p, "inf") == 0 ||
      g_ascii_strcasecmp (p, "infinity") == 0)
    return TRUE;

  while (g_ascii_isdigit (*p))
    p++, digits = TRUE;
  if (*p == '.')
    {
      p++;
      while (g_ascii_isdigit (*p))
        p++, digits = TRUE;
    }
  if (!digits)
    return FALSE;
  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '+' || *p == '-')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }

  return *p == '\0';
}

/* The number in @node (a JSON number or a string holding one). */
static gboolean
node_to_double (JsonNode  *node,
                double    *out,
                GError   **error)
{
  if (node_is_int (node))
    *out = (double) json_node_get_int (node);
  else if (node_is_double (node))
    *out = json_node_get_double (node);
  else if (node_is_string (node))
    {
      const char *text = json_node_get_string (node);
      char *end = NULL;

      if (!is_decimal_text (text))
        {
          g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                       _("\"%s\" is not a number"), text);
          return FALSE;
        }
      errno = 0;
      *out = g_ascii_strtod (text, &end);
      if (end == NULL || *end != '\0' || errno == ERANGE)
        {
          g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                       _("\"%s\" is not a number that fits in a double"), text);
          return FALSE;
        }
    }
  else
    {
      g_autofree char *desc = describe_node (node);

      g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE, _("%s is not a number"), desc);
      return FALSE;
    }

  return TRUE;
}

/* Integers: exact for JSON integers and plain integer strings (no double rounding of
 * large values); a decimal must be whole ("10.0" is 10, "12.5" is refused). */
static gboolean
node_to_int64 (JsonNode  *node,
               gint64    *out,
               GError   **error)
{
  double value;

  if (node_is_int (node))
    {
      *out = json_node_get_int (node);
      return TRUE;
    }
  if (node_is_string (node) &&
      g_ascii_string_to_signed (json_node_get_string (node), 10, G_MININT64, G_MAXINT64, out, NULL))
    return TRUE;
  if (node_is_boolean (node))
    {
      *out = json_node_get_boolean (node) ? 1 : 0;
      return TRUE;
    }

  if (!node_to_double (node, &value, error))
    return FALSE;
  if (!isfinite (value) || value != floor (value) ||
      value < (double) G_MININT64 || value >= 9223372036854775808.0)
    {
      g_autofree char *desc = describe_node (node);

      g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE, _("%s is not a whole number"), desc);
      return FALSE;
    }

  *out = (gint64) value;
  return TRUE;
}

static gboolean
node_to_uint64 (JsonNode  *node,
                guint64   *out,
                GError   **error)
{
  gint64 value;

  if (node_is_string (node) &&
      g_ascii_string_to_unsigned (json_node_get_string (node), 10, 0, G_MAXUINT64, out, NULL))
    return TRUE;
  if (!node_to_int64 (node, &value, error))
    return FALSE;
  if (value < 0)
    {
      g_autofree char *desc = describe_node (node);

      g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE, _("%s is negative"), desc);
      return FALSE;
    }

  *out = (guint64) value;
  return TRUE;
}

static gboolean
node_to_boolean (JsonNode  *node,
                 gboolean  *out,
                 GError   **error)
{
  if (node_is_boolean (node))
    {
      *out = json_node_get_boolean (node);
      return TRUE;
    }
  if (node_is_string (node))
    {
      const char *text = json_node_get_string (node);

      if (g_ascii_strcasecmp (text, "true") == 0)
        {
          *out = TRUE;
          return TRUE;
        }
      if (g_ascii_strcasecmp (text, "false") == 0)
        {
          *out = FALSE;
          return TRUE;
        }
    }
  if (node_is_int (node) && (json_node_get_int (node) == 0 || json_node_get_int (node) == 1))
    {
      *out = json_node_get_int (node) == 1;
      return TRUE;
    }

  {
    g_autofree char *desc = describe_node (node);

    g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                 _("%s is not a boolean (true or false)"), desc);
  }
  return FALSE;
}

/* Numbers as people write them: integers without ".0", others in the shortest form
 * that reads back to the same double. */
static char *
double_to_text (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (value == floor (value) && fabs (value) < 1e15)
    return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) value);

  g_ascii_formatd (buf, sizeof buf, "%.15g", value);
  if (g_ascii_strtod (buf, NULL) != value)
    g_ascii_formatd (buf, sizeof buf, "%.17g", value);

  return g_strdup (buf);
}

static char *
node_to_text (JsonNode *node)
{
  if (node_is_string (node))
    return g_strdup (json_node_get_string (node));
  if (node_is_int (node))
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (node_is_double (node))
    return double_to_text (json_node_get_double (node));
  if (node_is_boolean (node))
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");

  /* An object or array mapped to a string: its compact JSON text. */
  return json_to_string (node, FALSE);
}

/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, in seconds since the epoch. */
#define MIN_UNIX_SECONDS (-62135596800.0)
#define MAX_UNIX_SECONDS 253402300799.0

static gboolean
node_to_date_time (JsonNode   *node,
                   GDateTime **out,
                   GError    **error)
{
  if (node_is_string (node))
    {
      g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

      *out = g_date_time_new_from_iso8601 (json_node_get_string (node), utc);
      if (*out != NULL)
        return TRUE;
    }
  else if (node_is_int (node) || node_is_double (node))
    {
      /* Seconds since the epoch (Prometheus sample times, some bots). */
      double seconds = node_is_int (node) ? (double) json_node_get_int (node)
                                          : json_node_get_double (node);
      double whole = floor (seconds);
      g_autoptr(GDateTime) base = NULL;

      /* Within what GDateTime holds (years 1 to 9999): a number past a gint64, or
       * infinite ("1e400"), is no time, and casting it is undefined. */
      if (isfinite (seconds) && whole >= MIN_UNIX_SECONDS && whole <= MAX_UNIX_SECONDS)
        base = g_date_time_new_from_unix_utc ((gint64) whole);
      if (base != NULL)
        {
          *out = g_date_time_add (base, (GTimeSpan) ((seconds - whole) * G_TIME_SPAN_SECOND));
          if (*out != NULL)
            return TRUE;
        }
    }

  {
    g_autofree char *desc = describe_node (node);

    g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                 _("%s is not an ISO 8601 date and time (e.g. \"2024-05-01T14:30:00Z\")"), desc);
  }
  return FALSE;
}

static gboolean
node_to_enum (JsonNode    *node,
              GType        enum_type,
              int         *out,
              GError     **error)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  g_autoptr(GString) nicks = g_string_new (NULL);
  g_autofree char *desc = NULL;

  if (node_is_string (node))
    {
      const char *text = json_node_get_string (node);
      GEnumValue *value = g_enum_get_value_by_nick (klass, text);

      /* Servers shout ("ACTIVE") or use underscores ("partially_filled"): compare
       * case-insensitively with '_' and '-' alike. */
      for (guint i = 0; value == NULL && i < klass->n_values; i++)
        {
          const char *nick = klass->values[i].value_nick;
          gsize len = strlen (nick);

          if (strlen (text) != len)
            continue;
          value = &klass->values[i];
          for (gsize j = 0; j < len; j++)
            {
              char a = g_ascii_tolower (text[j] == '_' ? '-' : text[j]);
              char b = g_ascii_tolower (nick[j] == '_' ? '-' : nick[j]);

              if (a != b)
                {
                  value = NULL;
                  break;
                }
            }
        }

      if (value != NULL)
        {
          *out = value->value;
          return TRUE;
        }
    }
  else if (node_is_int (node))
    {
      GEnumValue *value = g_enum_get_value (klass, (int) json_node_get_int (node));

      if (value != NULL)
        {
          *out = value->value;
          return TRUE;
        }
    }

  for (guint i = 0; i < klass->n_values; i++)
    g_string_append_printf (nicks, "%s%s", i > 0 ? ", " : "", klass->values[i].value_nick);
  desc = describe_node (node);
  g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
               _("%s is not one of %s"), desc, nicks->str);
  return FALSE;
}

static gboolean
node_to_value (JsonNode    *node,
               GParamSpec  *pspec,
               GValue      *value,
               GError     **error)
{
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);

  if (type == G_TYPE_STRING)
    {
      g_value_take_string (value, node_to_text (node));
      return TRUE;
    }
  if (type == G_TYPE_BOOLEAN)
    {
      gboolean b;

      if (!node_to_boolean (node, &b, error))
        return FALSE;
      g_value_set_boolean (value, b);
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE || type == G_TYPE_FLOAT)
    {
      double d;

      if (!node_to_double (node, &d, error))
        return FALSE;
      if (type == G_TYPE_DOUBLE)
        g_value_set_double (value, d);
      else
        g_value_set_float (value, (float) d);
      return TRUE;
    }
  if (type == G_TYPE_INT || type == G_TYPE_INT64 || type == G_TYPE_LONG)
    {
      gint64 i;

      if (!node_to_int64 (node, &i, error))
        return FALSE;
      if ((type == G_TYPE_INT && (i < G_MININT || i > G_MAXINT)) ||
          (type == G_TYPE_LONG && (i < G_MINLONG || i > G_MAXLONG)))
        {
          g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                       _("%lld is too large"), (long long) i);
          return FALSE;
        }
      if (type == G_TYPE_INT)
        g_value_set_int (value, (int) i);
      else if (type == G_TYPE_LONG)
        g_value_set_long (value, (long) i);
      else
        g_value_set_int64 (value, i);
      return TRUE;
    }
  if (type == G_TYPE_UINT || type == G_TYPE_UINT64 || type == G_TYPE_ULONG)
    {
      guint64 u;

      if (!node_to_uint64 (node, &u, error))
        return FALSE;
      if ((type == G_TYPE_UINT && u > G_MAXUINT) || (type == G_TYPE_ULONG && u > G_MAXULONG))
        {
          g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                       _("%llu is too large"), (unsigned long long) u);
          return FALSE;
        }
      if (type == G_TYPE_UINT)
        g_value_set_uint (value, (guint) u);
      else if (type == G_TYPE_ULONG)
        g_value_set_ulong (value, (gulong) u);
      else
        g_value_set_uint64 (value, u);
      return TRUE;
    }
  if (G_TYPE_IS_ENUM (type))
    {
      int e;

      if (!node_to_enum (node, type, &e, error))
        return FALSE;
      g_value_set_enum (value, e);
      return TRUE;
    }
  if (type == G_TYPE_DATE_TIME)
    {
      GDateTime *dt;

      if (!node_to_date_time (node, &dt, error))
        return FALSE;
      g_value_take_boxed (value, dt);
      return TRUE;
    }
  if (type == G_TYPE_STRV)
    {
      GPtrArray *strv = g_ptr_array_new ();

      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *element = json_array_get_element (array, i);

              if (!JSON_NODE_HOLDS_NULL (element))
                g_ptr_array_add (strv, node_to_text (element));
            }
        }
      else
        g_ptr_array_add (strv, node_to_text (node));
      g_ptr_array_add (strv, NULL);
      g_value_take_boxed (value, g_ptr_array_free (strv, FALSE));
      return TRUE;
    }
  if (type == JSON_TYPE_NODE)
    {
      g_value_set_boxed (value, node);
      return TRUE;
    }

  g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
               _("properties of type %s cannot be filled from JSON"), g_type_name (type));
  return FALSE;
}

/**
 * tw_json_set_property:
 * @target: the object
 * @pspec: one of @target's writable properties
 * @node: (nullable): the value
 * @error: return location for a #GError
 *
 * Sets @pspec on @target from @node, converting by the property's type. A %NULL node or a
 * JSON null leaves the property alone. Errors (TW_ERROR_BAD_RESPONSE) name the property
 * and the value; values outside the property's range are refused rather than clamped.
 *
 * Returns: %TRUE on success
 */
gboolean
tw_json_set_property (GObject     *target,
                      GParamSpec  *pspec,
                      JsonNode    *node,
                      GError     **error)
{
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (G_IS_OBJECT (target), FALSE);
  g_return_val_if_fail (G_IS_PARAM_SPEC (pspec), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if ((pspec->flags & G_PARAM_WRITABLE) == 0 || (pspec->flags & G_PARAM_CONSTRUCT_ONLY) != 0)
    {
      g_set_error (error, TW_ERROR, TW_ERROR_INVALID,
                   _("property \"%s\" of %s cannot be set"), pspec->name,
                   G_OBJECT_TYPE_NAME (target));
      return FALSE;
    }

  g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (pspec));
  if (!node_to_value (node, pspec, &value, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("property \"%s\": %s"), pspec->name, local_error->message);
      return FALSE;
    }

  /* g_object_set_property() would warn and clamp an out-of-range value. */
  if (g_param_value_validate (pspec, &value))
    {
      g_autofree char *desc = describe_node (node);

      g_set_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE,
                   _("property \"%s\": %s is out of its range"), pspec->name, desc);
      return FALSE;
    }

  g_object_set_property (target, pspec->name, &value);
  return TRUE;
}
