/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tw-error.h"
#include "tw-json-property.h"

/* The conversions of tw_json_set_property() onto a test object with one property of
 * each supported type. */

typedef enum
{
  TEST_SIDE_LONG,
  TEST_SIDE_SHORT,
  TEST_SIDE_PARTIALLY_FILLED,
} TestSide;

static GType
test_side_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { TEST_SIDE_LONG, "TEST_SIDE_LONG", "long" },
        { TEST_SIDE_SHORT, "TEST_SIDE_SHORT", "short" },
        { TEST_SIDE_PARTIALLY_FILLED, "TEST_SIDE_PARTIALLY_FILLED", "partially-filled" },
        { 0, NULL, NULL }
      };

      g_once_init_leave (&type, g_enum_register_static ("TestSide", values));
    }

  return type;
}

#define TEST_TYPE_THING (test_thing_get_type ())
G_DECLARE_FINAL_TYPE (TestThing, test_thing, TEST, THING, GObject)

struct _TestThing
{
  GObject    parent_instance;
  char      *text;
  gboolean   flag;
  int        count;
  guint      ucount;
  gint64     big;
  guint64    ubig;
  double     amount;
  float      ratio;
  TestSide   side;
  GDateTime *when;
};

G_DEFINE_FINAL_TYPE (TestThing, test_thing, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TEXT,
  PROP_FLAG,
  PROP_COUNT,
  PROP_UCOUNT,
  PROP_BIG,
  PROP_UBIG,
  PROP_AMOUNT,
  PROP_RATIO,
  PROP_SIDE,
  PROP_WHEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
test_thing_finalize (GObject *object)
{
  TestThing *self = TEST_THING (object);

  g_free (self->text);
  g_clear_pointer (&self->when, g_date_time_unref);
  G_OBJECT_CLASS (test_thing_parent_class)->finalize (object);
}

static void
test_thing_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  TestThing *self = TEST_THING (object);

  switch (prop_id)
    {
    case PROP_TEXT: g_value_set_string (value, self->text); break;
    case PROP_FLAG: g_value_set_boolean (value, self->flag); break;
    case PROP_COUNT: g_value_set_int (value, self->count); break;
    case PROP_UCOUNT: g_value_set_uint (value, self->ucount); break;
    case PROP_BIG: g_value_set_int64 (value, self->big); break;
    case PROP_UBIG: g_value_set_uint64 (value, self->ubig); break;
    case PROP_AMOUNT: g_value_set_double (value, self->amount); break;
    case PROP_RATIO: g_value_set_float (value, self->ratio); break;
    case PROP_SIDE: g_value_set_enum (value, self->side); break;
    case PROP_WHEN: g_value_set_boxed (value, self->when); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_thing_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  TestThing *self = TEST_THING (object);

  switch (prop_id)
    {
    case PROP_TEXT: g_free (self->text); self->text = g_value_dup_string (value); break;
    case PROP_FLAG: self->flag = g_value_get_boolean (value); break;
    case PROP_COUNT: self->count = g_value_get_int (value); break;
    case PROP_UCOUNT: self->ucount = g_value_get_uint (value); break;
    case PROP_BIG: self->big = g_value_get_int64 (value); break;
    case PROP_UBIG: self->ubig = g_value_get_uint64 (value); break;
    case PROP_AMOUNT: self->amount = g_value_get_double (value); break;
    case PROP_RATIO: self->ratio = g_value_get_float (value); break;
    case PROP_SIDE: self->side = g_value_get_enum (value); break;
    case PROP_WHEN:
      g_clear_pointer (&self->when, g_date_time_unref);
      self->when = g_value_dup_boxed (value);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_thing_class_init (TestThingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = test_thing_finalize;
  object_class->get_property = test_thing_get_property;
  object_class->set_property = test_thing_set_property;

  properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, "unset", flags | G_PARAM_CONSTRUCT);
  properties[PROP_FLAG] = g_param_spec_boolean ("flag", NULL, NULL, FALSE, flags);
  properties[PROP_COUNT] = g_param_spec_int ("count", NULL, NULL, -1000, 1000, 0, flags);
  properties[PROP_UCOUNT] = g_param_spec_uint ("ucount", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_BIG] = g_param_spec_int64 ("big", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_UBIG] = g_param_spec_uint64 ("ubig", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_AMOUNT] = g_param_spec_double ("amount", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 7.0,
                                                 flags | G_PARAM_CONSTRUCT);
  properties[PROP_RATIO] = g_param_spec_float ("ratio", NULL, NULL, -G_MAXFLOAT, G_MAXFLOAT, 0, flags);
  properties[PROP_SIDE] = g_param_spec_enum ("side", NULL, NULL, test_side_get_type (), TEST_SIDE_LONG, flags);
  properties[PROP_WHEN] = g_param_spec_boxed ("when", NULL, NULL, G_TYPE_DATE_TIME, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
test_thing_init (TestThing *self)
{
}

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

/* Sets @property of @thing from the JSON text @json. */
static gboolean
set_from (TestThing   *thing,
          const char  *property,
          const char  *json,
          GError     **error)
{
  g_autoptr(JsonNode) node = parse (json);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (thing), property);

  g_assert_nonnull (pspec);
  return tw_json_set_property (G_OBJECT (thing), pspec, node, error);
}

static void
test_string_decimal (void)
{
  g_autoptr(TestThing) thing = g_object_new (TEST_TYPE_THING, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (set_from (thing, "amount", "\"12.50\"", &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (thing->amount, ==, 12.5);

  g_assert_true (set_from (thing, "amount", "\"-3\"", &error));
  g_assert_cmpfloat (thing->amount, ==, -3.0);

  g_assert_true (set_from (thing, "amount", "\"1e3\"", &error));
  g_assert_cmpfloat (thing->amount, ==, 1000.0);

  g_assert_true (set_from (thing, "amount", "100250.37", &error));
  g_assert_cmpfloat_with_epsilon (thing->amount, 100250.37, 1e-9);

  g_assert_true (set_from (thing, "count", "\"-3\"", &error));
  g_assert_cmpint (thing->count, ==, -3);

  g_assert_true (set_from (thing, "count", "\"10.0\"", &error));
  g_assert_cmpint (thing->count, ==, 10);

  g_assert_true (set_from (thing, "ratio", "\"0.25\"", &error));
  g_assert_cmpfloat (thing->ratio, ==, 0.25f);

  /* Exact beyond 2^53: no trip through a double. */
  g_assert_true (set_from (thing, "big", "\"9007199254740993\"", &error));
  g_assert_cmpint (thing->big, ==, G_GINT64_CONSTANT (9007199254740993));
  g_assert_true (set_from (thing, "ubig", "\"18446744073709551615\"", &error));
  g_assert_cmpuint (thing->ubig, ==, G_MAXUINT64);
  g_assert_true (set_from (thing, "ucount", "7", &error));
  g_assert_cmpuint (thing->ucount, ==, 7);
}

static void
test_not_a_number (void)
{
  static const char * const bad[] = { "\"abc\"", "\"\"", "\"12abc\"", "\" 12\"", "\"0x10\"", "\"1,5\"", "[1]" };
  g_autoptr(TestThing) thing = g_object_new (TEST_TYPE_THING, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (set_from (thing, "amount", bad[i], &error));
      g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
      g_assert_nonnull (strstr (error->message, "\"amount\""));
      g_assert_nonnull (strstr (error->message, "not a number"));
      g_assert_cmpfloat (thing->amount, ==, 7.0);
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_false (set_from (thing, "amount", "\"abc\"", &error));
    g_assert_cmpstr (error->message, ==, "property \"amount\": \"abc\" is not a number");
  }
}

static void
test_integer_errors (void)
{
  g_autoptr(TestThing) thing = g_object_new (TEST_TYPE_THING, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (set_from (thing, "count", "\"12.5\"", &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "not a whole number"));
  g_clear_error (&error);

  /* Outside the property's range: refused, not clamped (and no warning). */
  g_assert_false (set_from (thing, "count", "5000", &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "out of its range"));
  g_clear_error (&error);
  g_assert_cmpint (thing->count, ==, 0);

  g_assert_false (set_from (thing, "ucount", "-1", &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_clear_error (&error);

  g_assert_false (set_from (thing, "ucount", "\"99999999999\"", &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
}

static void
test_to_string (void)
{
  g_autoptr(TestThing) thing = g_object_new (TEST_TYPE_THING, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (set_from (thing, "text", "42", &error));
  g_assert_cmpstr (thing->text, ==, "42");
  g_assert_true (set_from (thing, "text", "-1.5", &error));
  g_assert_cmpstr (thing->text, ==, "-1.5");
  g_assert_true (set_from (thing, "text", "0.1", &error));
  g_assert_cmpstr (thing->text, ==, "0.1");
  g_assert_true (set_from (thing, "text", "35.0", &error));
  g_assert_cmpstr (thing->text, ==, "35");
  g_assert_true (set_from (thing, "text", "true", &error));
  g_assert_cmpstr (thing->text, ==, "true");
  g_assert_true (set_from (thing, "text", "\"healthy\"", &error));
  g_assert_cmpstr (thing->text, ==, "healthy");
  g_assert_true (set_from (thing, "text", "{\"a\": [1, 2]}", &error));
  g_assert_cmpstr (thing->text, ==, "{\"a\":[1,2]}");
  g_assert_no_error (error);
}

static void
test_boolean (void)
{
  g_autoptr(TestThing) thing = g_object_new (TEST_TYPE_THING, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (set_from (thing, "flag", "\"true\"", &error));
  g_assert_true (thing->flag);
  g_assert_true (set_from (thing, "flag", "\"false\"", &error));
  g_assert_false (thing->flag);
  g_assert_true (set_from (thing, "flag", "true", &error));
  g_assert_true (thing->flag);
  g_assert_true (set_from (thing, "flag", "false", &error));
  g_assert_false (thing->flag);
  g_assert_true (set_from (thing, "flag", "\"TRUE\"", &error));
  g_assert_true (thing->flag);
  g_assert_no_error (error);

  g_assert_false (set_from (thing, "flag", "\"yes\"", &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "\"yes\""));
  g_assert_true (thing->flag);
}

static void
test_date_time (void)
{
  g_autoptr(TestThing) thing = g_object_new (TEST_TYPE_THING, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (set_from (thing, "when", "\"2024-05-01T14:30:00+02:00\"", &error));
  g_assert_no_error (error);
  g_assert_nonnull (thing->when);
  g_assert_cmpint (g_date_time_to_unix (thing->when), ==, 1714566600);

  g_assert_true (set_from (thing, "when", "\"2024-05-01T12:30:00Z\"", &error));
  g_assert_cmpint (g_date_time_to_unix (thing->when), ==, 1714566600);

  g_assert_true (set_from (thing, "when", "\"2024-05-01T12:30:00.123456Z\"", &error));
  g_assert_cmpint (g_date_time_to_unix (thing->when), ==, 1714566600);
  g_assert_cmpint (g_date_time_get_microsecond (thing->when), ==, 123456);

  /* No offset: read as UTC. */
  g_assert_true (set_from (thing, "when", "\"2024-05-01T12:30:00\"", &error));
  g_assert_cmpint (g_date_time_to_unix (thing->when), ==, 1714566600);

  /* Epoch seconds (Prometheus). */
  g_assert_true (set_from (thing, "when", "1714566600.5", &error));
  g_assert_cmpint (g_date_time_to_unix (thing->when), ==, 1714566600);
  g_assert_cmpint (g_date_time_get_microsecond (thing->when), ==, 500000);
  g_assert_no_error (error);

  /* Past what a date holds, or infinite as a double: no time (a fuzzer's find). */
  g_assert_false (set_from (thing, "when", "1021e4007", &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_clear_error (&error);
  g_assert_false (set_from (thing, "when", "1e300", &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_clear_error (&error);
  g_assert_false (set_from (thing, "when", "-1e19", &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_clear_error (&error);
  g_assert_cmpint (g_date_time_to_unix (thing->when), ==, 1714566600);

  g_assert_false (set_from (thing, "when", "\"yesterday\"", &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "\"yesterday\" is not an ISO 8601"));
  g_assert_cmpint (g_date_time_to_unix (thing->when), ==, 1714566600);
}

static void
test_enum (void)
{
  g_autoptr(TestThing) thing = g_object_new (TEST_TYPE_THING, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (set_from (thing, "side", "\"short\"", &error));
  g_assert_cmpint (thing->side, ==, TEST_SIDE_SHORT);
  g_assert_true (set_from (thing, "side", "\"LONG\"", &error));
  g_assert_cmpint (thing->side, ==, TEST_SIDE_LONG);
  g_assert_true (set_from (thing, "side", "\"partially_filled\"", &error));
  g_assert_cmpint (thing->side, ==, TEST_SIDE_PARTIALLY_FILLED);
  g_assert_no_error (error);

  g_assert_false (set_from (thing, "side", "\"sideways\"", &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_BAD_RESPONSE);
  g_assert_cmpstr (error->message, ==,
                   "property \"side\": \"sideways\" is not one of long, short, partially-filled");
  g_assert_cmpint (thing->side, ==, TEST_SIDE_PARTIALLY_FILLED);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_null_leaves_default (void)
{
  g_autoptr(TestThing) thing = g_object_new (TEST_TYPE_THING, NULL);
  g_autoptr(GError) error = NULL;
  guint notified = 0;

  g_signal_connect (thing, "notify", G_CALLBACK (count_notify), &notified);

  g_assert_true (set_from (thing, "text", "null", &error));
  g_assert_cmpstr (thing->text, ==, "unset");
  g_assert_true (set_from (thing, "amount", "null", &error));
  g_assert_cmpfloat (thing->amount, ==, 7.0);
  g_assert_true (set_from (thing, "when", "null", &error));
  g_assert_null (thing->when);
  g_assert_true (set_from (thing, "side", "null", &error));
  g_assert_cmpint (thing->side, ==, TEST_SIDE_LONG);
  g_assert_true (tw_json_set_property (G_OBJECT (thing), properties[PROP_TEXT], NULL, &error));
  g_assert_cmpstr (thing->text, ==, "unset");
  g_assert_no_error (error);
  g_assert_cmpuint (notified, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/json-property/string-decimal", test_string_decimal);
  g_test_add_func ("/tw/core/json-property/not-a-number", test_not_a_number);
  g_test_add_func ("/tw/core/json-property/integer-errors", test_integer_errors);
  g_test_add_func ("/tw/core/json-property/to-string", test_to_string);
  g_test_add_func ("/tw/core/json-property/boolean", test_boolean);
  g_test_add_func ("/tw/core/json-property/date-time", test_date_time);
  g_test_add_func ("/tw/core/json-property/enum", test_enum);
  g_test_add_func ("/tw/core/json-property/null-leaves-default", test_null_leaves_default);

  return g_test_run ();
}
