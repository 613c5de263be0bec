/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sys/wait.h>
#include <json-glib/json-glib.h>

#include "tw-cli.h"
#include "tw-backup-test-helpers.h"

static char *self_exe;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

/* Runs `tradewarden ARGS…` (this binary re-executed into tw_cli_main). */
static void
run_cli (Run *r,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = NULL;
  const char *arg;
  int wait_status = 0;
  va_list args;

  run_clear (r);
  g_ptr_array_add (argv, self_exe);
  g_ptr_array_add (argv, (char *) "--run-cli");
  va_start (args, r);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  /* The isolated data dir of this test, for the default audit log. */
  envp = g_environ_setenv (g_get_environ (), "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_spawn_sync (NULL, (char **) argv->pdata, envp, 0, NULL, NULL, &r->out, &r->err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  r->status = WEXITSTATUS (wait_status);
}

static void
assert_one_line_error (Run *r)
{
  g_assert_true (g_str_has_prefix (r->err, "tradewarden: "));
  g_assert_true (g_str_has_suffix (r->err, "\n"));
  g_assert_null (strchr (r->err, '\n') == r->err + strlen (r->err) - 1 ? NULL : "more than one line");
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
test_usage (void)
{
  Run r = { 0, };

  run_cli (&r, "backup", NULL);
  g_assert_cmpint (r.status, ==, 2);
  assert_one_line_error (&r);
  g_assert_nonnull (strstr (r.err, "usage"));

  run_cli (&r, "backup", "frobnicate", "x", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "frobnicate"));

  run_cli (&r, "backup", "create", NULL);
  g_assert_cmpint (r.status, ==, 2);
  assert_one_line_error (&r);

  run_cli (&r, "backup", "list", "a.db", "--no-such-option", NULL);
  g_assert_cmpint (r.status, ==, 2);
  assert_one_line_error (&r);

  run_cli (&r, "backup", "cleanup", "a.db", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "--keep-days"));

  run_cli (&r, "backup", "restore", "a.db", "b.db", "--yes-i-halted-trading", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "--reason"));

  run_cli (&r, "audit", "frobnicate", NULL);
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);

  g_assert_true (tw_cli_handles (3, (char *[]) { "tradewarden", "backup", "list", NULL }));
  g_assert_true (tw_cli_handles (2, (char *[]) { "tradewarden", "audit", NULL }));
  g_assert_false (tw_cli_handles (2, (char *[]) { "tradewarden", "--demo", NULL }));
  g_assert_false (tw_cli_handles (1, (char *[]) { "tradewarden", NULL }));
}

static void
test_backup_verbs (void)
{
  g_autofree char *dir = tw_test_temp_dir ();
  g_autofree char *db = g_build_filename (dir, "investiq.db", NULL);
  g_autofree char *other_dir = g_build_filename (dir, "elsewhere", NULL);
  g_autofree char *backup_path = NULL;
  g_autofree char *before = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *obj;
  Run r = { 0, };

  tw_test_make_db (db, 300, 50, TRUE, 1);
  before = tw_test_content_checksum (db);

  /* create */
  run_cli (&r, "backup", "create", db, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "Created "));
  g_assert_cmpstr (r.err, ==, "");

  run_cli (&r, "backup", "create", db, "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  node = parse_json (r.out);
  obj = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (obj, "valid"), ==, "valid");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (obj, "tables"), "items"), ==, 300);
  backup_path = g_strdup (json_object_get_string_member (obj, "path"));
  g_clear_pointer (&node, json_node_unref);

  run_cli (&r, "backup", "create", db, "--dir", other_dir, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, other_dir));

  run_cli (&r, "backup", "create", "/nonexistent/x.db", NULL);
  g_assert_cmpint (r.status, ==, 1);
  assert_one_line_error (&r);
  g_assert_nonnull (strstr (r.err, "does not exist"));

  run_cli (&r, "backup", "create", "/nonexistent/x.db", "--json", NULL);
  g_assert_cmpint (r.status, ==, 1);
  node = parse_json (r.out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "code"), ==, "not-found");
  g_clear_pointer (&node, json_node_unref);

  /* verify */
  run_cli (&r, "backup", "verify", backup_path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "valid"));
  run_cli (&r, "backup", "verify", backup_path, "--quick", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  node = parse_json (r.out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "valid"), ==, "valid");
  g_clear_pointer (&node, json_node_unref);

  /* list */
  run_cli (&r, "backup", "list", db, "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  node = parse_json (r.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 2);
  g_clear_pointer (&node, json_node_unref);
  run_cli (&r, "backup", "list", db, "--dir", other_dir, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "investiq_"));

  /* cleanup: nothing old yet */
  run_cli (&r, "backup", "cleanup", db, "--keep-days", "7", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  node = parse_json (r.out);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (node),
                                                                          "deleted")), ==, 0);
  g_clear_pointer (&node, json_node_unref);

  /* restore: refused without the confirmation, then done */
  g_free (tw_test_sqlite3 (db, "DELETE FROM items WHERE id > 100", NULL));
  run_cli (&r, "backup", "restore", db, backup_path, "--reason", "bad delete", NULL);
  g_assert_cmpint (r.status, ==, 1);
  assert_one_line_error (&r);
  g_assert_nonnull (strstr (r.err, "halted"));

  run_cli (&r, "backup", "restore", db, backup_path, "--reason", "bad delete",
           "--yes-i-halted-trading", "--profile", "ops", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  node = parse_json (r.out);
  obj = json_node_get_object (node);
  g_assert_true (json_object_get_boolean_member (obj, "ok"));
  g_assert_true (g_file_test (json_object_get_string_member (obj, "pre_restore"), G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&node, json_node_unref);
  {
    g_autofree char *after = tw_test_content_checksum (db);

    g_assert_cmpstr (after, ==, before);
  }

  /* a corrupt backup */
  {
    g_autofree char *bad = g_build_filename (dir, "investiq_20200101_000000.db", NULL);

    g_assert_true (g_file_set_contents (bad, "SQLite format 3 — no, just text", -1, NULL));
    run_cli (&r, "backup", "verify", bad, NULL);
    g_assert_cmpint (r.status, ==, 1);
    assert_one_line_error (&r);
    g_assert_nonnull (strstr (r.err, "corrupt"));
    run_cli (&r, "backup", "restore", db, bad, "--reason", "test", "--yes-i-halted-trading", NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "not touched"));
  }

  /* audit: the restores above are in the (isolated) default audit log */
  run_cli (&r, "audit", "verify", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  node = parse_json (r.out);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (node), "ok"));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "rows"), >, 4);
  g_clear_pointer (&node, json_node_unref);

  run_cli (&r, "audit", "export", "--profile", "ops", NULL);
  g_assert_cmpint (r.status, ==, 0);
  {
    g_auto(GStrv) lines = g_strsplit (r.out, "\n", -1);
    guint n = 0;

    for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++, n++)
      {
        g_autoptr(JsonNode) line = parse_json (lines[i]);

        g_assert_cmpstr (json_object_get_string_member (json_node_get_object (line), "profile"), ==, "ops");
      }
    g_assert_cmpuint (n, ==, 7);
  }

  run_cli (&r, "audit", "verify", "--db", "/nonexistent/audit.db", NULL);
  g_assert_cmpint (r.status, ==, 1);
  assert_one_line_error (&r);

  run_clear (&r);
  tw_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  if (argc > 1 && g_strcmp0 (argv[1], "--run-cli") == 0)
    {
      argv[1] = (char *) "tradewarden";
      return tw_cli_main (argc - 1, argv + 1);
    }

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  self_exe = g_file_read_link ("/proc/self/exe", NULL);

  g_test_add_func ("/tw/cli/usage", test_usage);
  g_test_add_func ("/tw/cli/backup-verbs", test_backup_verbs);

  return g_test_run ();
}
