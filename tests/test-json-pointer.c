/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-json-pointer.h"

/* RFC 6901 pointers: section 5's examples, the order of unescaping, missing members
 * and invalid pointers. */

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

#define RFC_DOC "{\"foo\": [\"bar\", \"baz\"], \"\": 0, \"a/b\": 1, \"c%d\": 2, \"e^f\": 3, " \
                "\"g|h\": 4, \"i\\\\j\": 5, \"k\\\"l\": 6, \" \": 7, \"m~n\": 8}"

/* tw_json_pointer_get(), checked against the same pointer split once and resolved. */
static JsonNode *
get (JsonNode   *root,
     const char *pointer)
{
  g_autoptr(TwJsonPointer) compiled = tw_json_pointer_new (pointer);
  JsonNode *node = tw_json_pointer_get (root, pointer);

  if (!tw_json_pointer_is_valid (pointer))
    g_assert_null (compiled);
  else
    g_assert_true (tw_json_pointer_resolve (compiled, root) == node);
  return node;
}

static void
assert_int_at (JsonNode   *root,
               const char *pointer,
               gint64      expected)
{
  JsonNode *node = get (root, pointer);

  if (node == NULL)
    g_error ("pointer %s found nothing", pointer);
  g_assert_cmpint (json_node_get_int (node), ==, expected);
}

static void
test_rfc6901 (void)
{
  g_autoptr(JsonNode) root = parse (RFC_DOC);
  JsonNode *foo;

  /* Section 5 of RFC 6901, one by one. */
  g_assert_true (get (root, "") == root);
  foo = get (root, "/foo");
  g_assert_nonnull (foo);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (foo));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (foo)), ==, 2);
  g_assert_cmpstr (json_node_get_string (get (root, "/foo/0")), ==, "bar");
  g_assert_cmpstr (json_node_get_string (get (root, "/foo/1")), ==, "baz");
  assert_int_at (root, "/", 0);
  assert_int_at (root, "/a~1b", 1);
  assert_int_at (root, "/c%d", 2);
  assert_int_at (root, "/e^f", 3);
  assert_int_at (root, "/g|h", 4);
  assert_int_at (root, "/i\\j", 5);
  assert_int_at (root, "/k\"l", 6);
  assert_int_at (root, "/ ", 7);
  assert_int_at (root, "/m~0n", 8);
}

static void
test_escape_order (void)
{
  g_autoptr(JsonNode) root = parse ("{\"~1\": 10, \"/\": 11, \"~\": 12, \"a\": {\"b~c/d\": [0, {\"e\": 13}]}}");

  /* "~01" is "~1", not "/": "~1" is decoded first, then "~0". */
  assert_int_at (root, "/~01", 10);
  assert_int_at (root, "/~1", 11);
  assert_int_at (root, "/~0", 12);
  assert_int_at (root, "/a/b~0c~1d/1/e", 13);
}

/* A token that reads as an index names a member of an object. */
static void
test_index_names_member (void)
{
  g_autoptr(JsonNode) root = parse ("{\"0\": 5, \"01\": 6, \"a\": [[7, 8], {\"1\": 9}]}");

  assert_int_at (root, "/0", 5);
  assert_int_at (root, "/01", 6);
  assert_int_at (root, "/a/0/1", 8);
  assert_int_at (root, "/a/1/1", 9);
  g_assert_null (get (root, "/a/01"));
  g_assert_null (get (root, "/a/0/2"));
}

static void
test_missing (void)
{
  g_autoptr(JsonNode) root = parse (RFC_DOC);

  g_assert_null (get (root, "/nope"));
  g_assert_null (get (root, "/foo/2"));
  g_assert_null (get (root, "/foo/-"));
  g_assert_null (get (root, "/foo/01"));
  g_assert_null (get (root, "/foo/-1"));
  g_assert_null (get (root, "/foo/bar"));
  g_assert_null (get (root, "/foo/0/x"));
  g_assert_null (get (root, "/a~1b/c"));
  g_assert_null (get (NULL, ""));
}

static void
test_invalid (void)
{
  g_autoptr(JsonNode) root = parse (RFC_DOC);

  g_assert_true (tw_json_pointer_is_valid (""));
  g_assert_true (tw_json_pointer_is_valid ("/"));
  g_assert_true (tw_json_pointer_is_valid ("/a~0~1/0"));
  g_assert_false (tw_json_pointer_is_valid (NULL));
  g_assert_false (tw_json_pointer_is_valid ("foo"));
  g_assert_false (tw_json_pointer_is_valid ("#/foo"));
  g_assert_false (tw_json_pointer_is_valid ("/a~2"));
  g_assert_false (tw_json_pointer_is_valid ("/a~"));

  g_assert_null (get (root, "foo"));
  g_assert_null (get (root, "/m~n"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/tw/core/json-pointer/rfc6901", test_rfc6901);
  g_test_add_func ("/tw/core/json-pointer/escape-order", test_escape_order);
  g_test_add_func ("/tw/core/json-pointer/index-names-member", test_index_names_member);
  g_test_add_func ("/tw/core/json-pointer/missing", test_missing);
  g_test_add_func ("/tw/core/json-pointer/invalid", test_invalid);

  return g_test_run ();
}
