/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Audit chains: the canonical form against Python's json.dumps, a chain written by
 * Python verified, then edited / removed / reordered / truncated lines each named, and
 * `tradewarden audit verify-chain FILE` (exit 1 when broken). */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "tw-cli.h"
#include "tw-error.h"
#include "tw-log-chain.h"
#include "tw-test-util.h"

static char *self_exe;

/* Written by Python: json.dumps(entry, sort_keys=True, separators=(",", ":")) hashed. */
static const char python_chain[] =
  "{\"timestamp\": \"2026-12-06T09:30:00\", \"action\": \"BUY\", \"status\": \"filled\", \"details\": {\"symbol\": \"AAPL\", \"qty\": 10, \"price\": 189.25}, \"prev_hash\": \"0000000000000000000000000000000000000000000000000000000000000000\", \"hash\": \"24b957f2cca394d9d8f40778c11f762f213c4b229a6f9e361a9c2de6121d618d\"}\n"
  "{\"timestamp\": \"2026-12-06T09:31:00\", \"action\": \"SELL\", \"status\": \"filled\", \"details\": {\"symbol\": \"AAPL\", \"qty\": 11, \"price\": 190.25}, \"prev_hash\": \"24b957f2cca394d9d8f40778c11f762f213c4b229a6f9e361a9c2de6121d618d\", \"hash\": \"dfe4c36324350b0f8570fc9402ca05160ee1728ed63ae1b0556588dc95fc7e4e\"}\n"
  "{\"timestamp\": \"2026-12-06T09:32:00\", \"action\": \"BUY\", \"status\": \"rejected\", \"details\": {\"symbol\": \"AAPL\", \"qty\": 12, \"price\": 191.25}, \"prev_hash\": \"dfe4c36324350b0f8570fc9402ca05160ee1728ed63ae1b0556588dc95fc7e4e\", \"hash\": \"a3cbdac30439f62b88cd05768c51bda76bbc1e57a8c42aa2f94d9028bd36102a\"}\n";

static void
test_canonical (void)
{
  const char *line = "{\"z\": 1, \"a\": \"caf\\u00e9 \\\"q\\\" \\\\ \\n\\t\\u0001 \\ud83d\\ude00\", "
                     "\"m\": [1.5, 100.0, 1e16, 1.5e-05, 0.1, -2, true, null], \"n\": {\"b\": 2, \"a\": 1}, "
                     "\"prev_hash\": \"0000000000000000000000000000000000000000000000000000000000000000\", \"hash\": \"x\"}";
  g_autofree char *canonical = tw_chain_canonical (line, strlen (line), "hash", NULL);
  g_autofree char *sum = NULL;

  /* Python 3: json.dumps(o, sort_keys=True, separators=(",", ":")) */
  g_assert_cmpstr (canonical, ==,
                   "{\"a\":\"caf\\u00e9 \\\"q\\\" \\\\ \\n\\t\\u0001 \\ud83d\\ude00\","
                   "\"m\":[1.5,100.0,1e+16,1.5e-05,0.1,-2,true,null],\"n\":{\"a\":1,\"b\":2},"
                   "\"prev_hash\":\"0000000000000000000000000000000000000000000000000000000000000000\",\"z\":1}");
  sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, canonical, -1);
  g_assert_cmpstr (sum, ==, "065714e2830cd3af097f8d2a879e798e3e536bfb9f654191ee56c332baf2c14d");
}


/* The fast path against the reference: each line either declined (NULL) or printed
 * byte for byte as the reference prints it; the lines a writer makes are taken. */
static const struct { const char *line; gboolean fast; } canonical_cases[] = {
  { "{\"b\": 1, \"a\": \"x\", \"hash\": \"h\", \"prev_hash\": \"p\"}", TRUE },
  { "{\"details\": {\"symbol\": \"AAPL\", \"qty\": 20, \"price\": 119.74}, \"action\": \"SELL\"}", TRUE },
  { "{}", TRUE },
  { "  {\"a\" : [ ] , \"b\" : { } }  ", TRUE },
  { "{\"a\": [1, [2, {\"z\": null, \"y\": true}], false]}", TRUE },
  { "{\"a\": \"caf\\u00e9\", \"b\": \"\\ud83d\\ude00\", \"c\": \"\\/\\n\\t\\\"\\\\\"}", TRUE },
  { "{\"a\": \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}", TRUE },
  { "{\"a\": \"del\x7f\"}", TRUE },
  { "{\"a\": 0.1, \"b\": 100.0, \"c\": -0.5, \"d\": 0.0001, \"e\": 123456789012.5}", TRUE },
  { "{\"a\": 0, \"b\": -17, \"c\": 123456789012345678}", TRUE },
  { "{\"ab\": 1, \"a\": 2, \"a b\": 3, \"B\": 4}", TRUE },
  /* declined: the reference decides */
  { "{\"a\": 1.50}", FALSE },
  { "{\"a\": 1e16}", FALSE },
  { "{\"a\": 1.5e-05}", FALSE },
  { "{\"a\": 0.00001}", FALSE },
  { "{\"a\": -0}", FALSE },
  { "{\"a\": -0.0}", FALSE },
  { "{\"a\": 1234567890123456789}", FALSE },
  { "{\"a\": 0.30000000000000004}", FALSE },
  { "{\"a\": 1, \"a\": 2}", FALSE },
  { "{\"caf\\u00e9\": 1}", FALSE },
  { "{\"a\": \"\\ud83d\"}", FALSE },
  { "{\"a\": \"\\u0000\"}", FALSE },
  { "{\"a\": \"tab\there\"}", FALSE },
  { "{\"a\": \"\xff\"}", FALSE },
  { "{\"a\": 1,}", FALSE },
  { "{\"a\": 01}", FALSE },
  { "{\"a\": 1} x", FALSE },
  { "[1, 2]", FALSE },
  { "", FALSE },
  { "{\"a\": tru}", FALSE },
};

static void
test_canonical_fast (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (canonical_cases); i++)
    {
      const char *line = canonical_cases[i].line;
      g_autofree char *fast = tw_chain_canonical_fast (line, strlen (line), "hash");
      g_autofree char *reference = tw_chain_canonical_reference (line, strlen (line), "hash", NULL);
      g_autofree char *shown = g_strescape (line, NULL);

      g_test_message ("%s: %s", shown, fast != NULL ? "fast" : "declined");
      g_assert_cmpint (fast != NULL, ==, canonical_cases[i].fast);
      if (fast != NULL)
        g_assert_cmpstr (fast, ==, reference);
    }
  /* Python: json.dumps("del\x7f") is "del\u007f" (ensure_ascii escapes all but ' '..'~'). */
  {
    const char *line = "{\"a\": \"del\x7f\"}";
    g_autofree char *reference = tw_chain_canonical_reference (line, strlen (line), "hash", NULL);

    g_assert_cmpstr (reference, ==, "{\"a\":\"del\\u007f\"}");
  }
}

/* Random edits of valid lines: wherever the fast path takes the result, it is the
 * reference's, byte for byte (or both refuse it). */
static void
test_canonical_mutations (void)
{
  static const char *seeds[] = {
    "{\"timestamp\": \"2026-12-06T10:00:00\", \"action\": \"SELL\", \"status\": \"filled\", \"details\": {\"symbol\": \"AAPL\", \"qty\": 20, \"price\": 119.74}, \"prev_hash\": \"0000000000000000000000000000000000000000000000000000000000000000\", \"hash\": \"a72f6d54172e5df1886514a968736d03f8a82d5441691bd65f44b453c7c6cc92\"}",
    "{\"a\": [1, -2.5, \"\\u00e9\\n\", {\"k\": null, \"j\": [true, false]}], \"n\": 0.001, \"s\": \"caf\xc3\xa9\"}",
  };
  static const char alphabet[] = "{}[]\",:\\ 0123456789.-+eEtrufalsn\x7f\xc3\xa9u";
  GRand *rand = g_rand_new_with_seed (12);
  guint taken = 0;

  for (guint round = 0; round < 20000; round++)
    {
      const char *seed = seeds[round % G_N_ELEMENTS (seeds)];
      g_autofree char *line = g_strdup (seed);
      gsize len = strlen (line);
      guint edits = g_rand_int_range (rand, 1, 3);
      g_autofree char *fast = NULL;
      g_autofree char *reference = NULL;

      for (guint e = 0; e < edits; e++)
        line[g_rand_int_range (rand, 0, len)] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
      fast = tw_chain_canonical_fast (line, len, "hash");
      reference = tw_chain_canonical_reference (line, len, "hash", NULL);
      if (fast != NULL)
        {
          if (g_strcmp0 (fast, reference) != 0)
            g_error ("fast and reference differ on %s: %s / %s", line, fast, reference);
          taken++;
        }
    }
  g_test_message ("%u of 20000 edited lines taken by the fast path", taken);
  g_assert_cmpuint (taken, >, 1000);
  g_rand_free (rand);
}

static char *
write_tmp (const char *contents, gssize len)
{
  g_autofree char *dir = g_dir_make_tmp ("tw-chain-XXXXXX", NULL);
  char *path = g_build_filename (dir, "audit_log.jsonl", NULL);

  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  return path;
}

static void
verify (const char *path, TwChainBreak verdict, guint broken_line, guint intact_through)
{
  TwChainResult result;
  g_autoptr(GError) error = NULL;

  g_assert_true (tw_chain_verify_file (path, NULL, NULL, &result, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("%s", result.message);
  g_assert_cmpint (result.verdict, ==, verdict);
  g_assert_cmpuint (result.broken_line, ==, broken_line);
  g_assert_cmpuint (result.intact_through, ==, intact_through);
  tw_chain_result_clear (&result);
}

static void
test_python_chain (void)
{
  g_autofree char *path = write_tmp (python_chain, -1);

  verify (path, TW_CHAIN_INTACT, 0, 3);
}

/* A chain of six lines by tw_chain_append, as lines. */
static GPtrArray *
make_lines (char **path_out)
{
  g_autofree char *path = write_tmp ("", 0);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *lines;
  g_auto(GStrv) split = NULL;

  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *entry = g_strdup_printf ("{\"timestamp\":\"2026-12-06T10:0%u:00\",\"action\":\"order\",\"status\":\"ok\",\"details\":{\"n\":%u,\"note\":\"überprüft\"}}", i, i);
      g_assert_true (tw_chain_append (path, entry, &error));
      g_assert_no_error (error);
    }
  verify (path, TW_CHAIN_INTACT, 0, 6);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  split = g_strsplit (contents, "\n", -1);
  lines = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; split[i] != NULL && *split[i] != '\0'; i++)
    g_ptr_array_add (lines, g_strdup (split[i]));
  g_assert_cmpuint (lines->len, ==, 6);
  *path_out = g_steal_pointer (&path);
  return lines;
}

static void
write_lines (const char *path, GPtrArray *lines, gboolean final_newline)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (text, "%s%s", (char *) g_ptr_array_index (lines, i),
                            i + 1 < lines->len || final_newline ? "\n" : "");
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));
}

/* Issue 18: an audit chain's lines go through the guarded parse: a line nested a
 * million deep is a malformed line of the chain, not a crash of the verifier. */
static void
test_deep (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) lines = make_lines (&path);
  g_autoptr(GString) deep = g_string_new ("{\"x\": ");
  g_autoptr(GError) error = NULL;
  g_autofree char *canonical = NULL;

  for (guint i = 0; i < 1000000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 1000000; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');

  canonical = tw_chain_canonical (deep->str, deep->len, "hash", &error);
  g_assert_null (canonical);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (tw_chain_append (path, deep->str, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_ptr_array_insert (lines, 3, g_string_free (g_steal_pointer (&deep), FALSE));
  write_lines (path, lines, TRUE);
  verify (path, TW_CHAIN_MALFORMED, 4, 3);
}

static void
test_breaks (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) lines = make_lines (&path);
  g_autoptr(GPtrArray) work = NULL;
  char *line;

#define RESET() G_STMT_START { \
    g_clear_pointer (&work, g_ptr_array_unref); \
    work = g_ptr_array_new_with_free_func (g_free); \
    for (guint i = 0; i < lines->len; i++) \
      g_ptr_array_add (work, g_strdup (g_ptr_array_index (lines, i))); \
  } G_STMT_END

  /* Edited: line 3's status changed. */
  RESET ();
  line = g_ptr_array_index (work, 2);
  memcpy (strstr (line, "\"ok\""), "\"no\"", 4);
  write_lines (path, work, TRUE);
  verify (path, TW_CHAIN_EDITED, 3, 2);

  /* Removed: line 3 gone. */
  RESET ();
  g_ptr_array_remove_index (work, 2);
  write_lines (path, work, TRUE);
  verify (path, TW_CHAIN_REMOVED, 3, 2);

  /* Reordered: lines 3 and 4 swapped. */
  RESET ();
  line = work->pdata[2];
  work->pdata[2] = work->pdata[3];
  work->pdata[3] = line;
  write_lines (path, work, TRUE);
  verify (path, TW_CHAIN_REORDERED, 3, 2);

  /* Truncated: the last line cut mid-entry. */
  RESET ();
  line = g_ptr_array_index (work, 5);
  line[strlen (line) / 2] = '\0';
  write_lines (path, work, FALSE);
  verify (path, TW_CHAIN_TRUNCATED, 6, 5);

  /* The beginning gone. */
  RESET ();
  g_ptr_array_remove_index (work, 0);
  write_lines (path, work, TRUE);
  verify (path, TW_CHAIN_TRUNCATED, 1, 0);

  /* Not JSON in the middle. */
  RESET ();
  g_free (work->pdata[1]);
  work->pdata[1] = g_strdup ("garbage");
  write_lines (path, work, TRUE);
  verify (path, TW_CHAIN_MALFORMED, 2, 1);

  /* Appended after a verification: still intact, one more line. */
  RESET ();
  write_lines (path, work, TRUE);
  g_assert_true (tw_chain_append (path, "{\"action\":\"halt\"}", NULL));
  verify (path, TW_CHAIN_INTACT, 0, 7);
}


/* Lines the fast path declines (an exponent, a duplicate key) and takes, a 3 MB line
 * (beyond the read block), CRLF endings: intact; an edit on a declined line is named. */
static void
test_mixed (void)
{
  g_autofree char *path = write_tmp ("", 0);
  g_autofree char *big = g_strnfill (3 << 20, 'x');
  g_autofree char *entry = g_strdup_printf ("{\"action\":\"note\",\"text\":\"%s\"}", big);
  g_autofree char *contents = NULL;
  g_autoptr(GString) crlf = NULL;
  char *at;

  g_assert_true (tw_chain_append (path, "{\"action\":\"BUY\",\"x\":1.5e-05}", NULL));
  g_assert_true (tw_chain_append (path, "{\"action\":\"SELL\",\"qty\":10}", NULL));
  g_assert_true (tw_chain_append (path, entry, NULL));
  g_assert_true (tw_chain_append (path, "{\"action\":\"BUY\",\"y\":1e+16,\"z\":\"\\u00e9\"}", NULL));
  g_assert_true (tw_chain_append (path, "{\"action\":\"HALT\"}", NULL));
  verify (path, TW_CHAIN_INTACT, 0, 5);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  crlf = g_string_new (contents);
  g_string_replace (crlf, "\n", "\r\n", 0);
  g_assert_true (g_file_set_contents (path, crlf->str, crlf->len, NULL));
  verify (path, TW_CHAIN_INTACT, 0, 5);

  /* 1e+16 → 2e+16 on line 4, which the reference reads. */
  at = strstr (crlf->str, "1e+16");
  g_assert_nonnull (at);
  *at = '2';
  g_assert_true (g_file_set_contents (path, crlf->str, crlf->len, NULL));
  verify (path, TW_CHAIN_EDITED, 4, 3);
}

typedef struct { int status; char *out; char *err; } Run;

static void
run_cli (Run *r, const char *path, gboolean json)
{
  const char *argv[] = { self_exe, "--run-cli", "audit", "verify-chain", path, json ? "--json" : NULL, NULL };
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
  g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &r->out, &r->err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  r->status = WEXITSTATUS (wait_status);
}

static void
test_cli (void)
{
  g_autofree char *path = write_tmp (python_chain, -1);
  g_autofree char *broken = NULL;
  g_autofree char *missing = NULL;
  Run r = { 0, };

  run_cli (&r, path, FALSE);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Chain intact through line 3."));

  broken = g_strdup (python_chain);
  memcpy (strstr (broken, "\"rejected\""), "\"accepted\"", 10);
  g_assert_true (g_file_set_contents (path, broken, -1, NULL));
  run_cli (&r, path, FALSE);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "line 3 (edited)"));
  run_cli (&r, path, TRUE);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "\"verdict\":\"edited\""));
  g_assert_nonnull (strstr (r.out, "\"intact_through\":2"));

  missing = g_strconcat (path, ".nope", NULL);
  run_cli (&r, missing, FALSE);
  g_assert_cmpint (r.status, ==, 1);
  g_free (r.out);
  g_free (r.err);
}

int
main (int argc, char **argv)
{
  if (argc > 1 && g_strcmp0 (argv[1], "--run-cli") == 0)
    {
      argv[1] = (char *) "tradewarden";
      return tw_cli_main (argc - 1, argv + 1);
    }
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_test_add_func ("/tw/core/logs/chain/canonical", test_canonical);
  g_test_add_func ("/tw/core/logs/chain/canonical-fast", test_canonical_fast);
  g_test_add_func ("/tw/core/logs/chain/canonical-mutations", test_canonical_mutations);
  g_test_add_func ("/tw/core/logs/chain/python", test_python_chain);
  g_test_add_func ("/tw/core/logs/chain/breaks", test_breaks);
  g_test_add_func ("/tw/core/logs/chain/mixed", test_mixed);
  g_test_add_func ("/tw/core/logs/chain/deep", test_deep);
  g_test_add_func ("/tw/core/logs/chain/cli", test_cli);
  return g_test_run ();
}
