/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sys/wait.h>
#include <glib/gstdio.h>
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
  envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
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

  /* --help names the verb in its usage line, and says how restores are audited. */
  run_cli (&r, "backup", "--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "tradewarden backup [OPTION"));
  g_assert_nonnull (strstr (r.out, "recorded as live"));
  run_cli (&r, "audit", "--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "tradewarden audit [OPTION"));
  run_clear (&r);

  g_assert_true (tw_cli_handles (3, (char *[]) { "tradewarden", "backup", "list", NULL }));
  g_assert_true (tw_cli_handles (2, (char *[]) { "tradewarden", "audit", NULL }));
  g_assert_false (tw_cli_handles (2, (char *[]) { "tradewarden", "--demo", NULL }));
  g_assert_false (tw_cli_handles (1, (char *[]) { "tradewarden", NULL }));
}

/* `tradewarden --help`, from the real executable, with no display: the window's options
 * and the command-line verbs, a line each, pointing to their own --help. */
static void
test_top_level_help (void)
{
  g_autofree char *binary = g_test_build_filename (G_TEST_BUILT, "..", "src", "tradewarden", NULL);
  const char *argv[] = { binary, "--help", NULL };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *backup;
  const char *audit;
  int wait_status = 0;

  g_assert_true (g_file_test (binary, G_FILE_TEST_IS_EXECUTABLE));
  envp = g_environ_unsetenv (envp, "DISPLAY");
  envp = g_environ_unsetenv (envp, "WAYLAND_DISPLAY");
  g_spawn_sync (NULL, (char **) argv, envp, 0, NULL, NULL, &out, &err, &wait_status, &error);
  g_assert_no_error (error);
  g_test_message ("%s", out);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 0);
  g_assert_cmpstr (err, ==, "");

  /* The window's own options are still there. */
  g_assert_nonnull (strstr (out, "--demo"));
  g_assert_nonnull (strstr (out, "--profile"));
  /* Each verb on a line of its own, with what it does, then where to read more. */
  backup = strstr (out, "\n  backup ");
  audit = strstr (out, "\n  audit ");
  g_assert_nonnull (backup);
  g_assert_nonnull (audit);
  g_assert_nonnull (strstr (backup, "backups"));
  g_assert_nonnull (strstr (audit, "audit log"));
  g_assert_nonnull (strstr (out, "tradewarden backup --help"));
  g_assert_nonnull (strstr (out, "tradewarden audit --help"));
  /* Before the option lists, where a reader starts. */
  g_assert_true (backup < strstr (out, "--demo"));

  /* And what they point to answers, from the same executable. */
  {
    const char *backup_argv[] = { binary, "backup", "--help", NULL };

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_spawn_sync (NULL, (char **) backup_argv, envp, 0, NULL, NULL, &out, &err, &wait_status, &error);
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (wait_status));
    g_assert_cmpint (WEXITSTATUS (wait_status), ==, 0);
    g_assert_nonnull (strstr (out, "tradewarden backup [OPTION"));
  }
}

/* A saved profile NAME.conf with @mode, in the (isolated) profiles folder. */
static void
write_profile (const char *name,
               const char *mode)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "tradewarden", "profiles", NULL);
  g_autofree char *file = g_strconcat (name, ".conf", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autofree char *data = g_strdup_printf ("[Profile]\nName=%s\nMode=%s\n", name, mode);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, data, -1, NULL));
}

/* Copies @src into @dir as a backup of "ledger" made @days_ago, optionally corrupt. */
static char *
put_backup (const char *src,
            const char *dir,
            int         days_ago,
            gboolean    corrupt)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_days (now, -days_ago);
  g_autofree char *stamp = g_date_time_format (then, "%Y%m%d_%H%M%S");
  g_autofree char *name = g_strdup_printf ("ledger_%s.db", stamp);
  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (src, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 3 * 4096);
  if (corrupt)
    memset (contents + 4096, 0x5a, 2 * 4096);
  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  return path;
}

/* cleanup deletes what is older than --keep-days, except the newest valid backup, even
 * when a newer one is corrupt; the sqlite3 tool still opens what is kept. */
static void
test_cleanup (void)
{
  g_autofree char *dir = tw_test_temp_dir ();
  g_autofree char *db = g_build_filename (dir, "ledger.db", NULL);
  g_autofree char *backups = g_build_filename (dir, "backups", NULL);
  g_autofree char *oldest = NULL;
  g_autofree char *newest_valid = NULL;
  g_autofree char *corrupt = NULL;
  g_autofree char *fresh = NULL;
  g_autofree char *check = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *deleted;
  Run r = { 0, };
  int status = -1;

  tw_test_make_db (db, 300, 50, FALSE, 1);
  g_assert_cmpint (g_mkdir_with_parents (backups, 0700), ==, 0);
  oldest = put_backup (db, backups, 40, FALSE);
  newest_valid = put_backup (db, backups, 30, FALSE);
  corrupt = put_backup (db, backups, 20, TRUE);

  run_cli (&r, "backup", "cleanup", db, "--keep-days", "7", "--dir", backups, "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  node = parse_json (r.out);
  deleted = json_object_get_array_member (json_node_get_object (node), "deleted");
  g_assert_cmpuint (json_array_get_length (deleted), ==, 2);
  g_assert_false (g_file_test (oldest, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (corrupt, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (newest_valid, G_FILE_TEST_IS_REGULAR));
  check = tw_test_sqlite3 (newest_valid, "PRAGMA integrity_check", &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (check, ==, "ok");
  g_clear_pointer (&node, json_node_unref);

  /* A fresh backup: the 30-day-old one goes too, the fresh one stays. */
  fresh = put_backup (db, backups, 0, FALSE);
  run_cli (&r, "backup", "cleanup", db, "--keep-days", "7", "--dir", backups, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "Deleted 1 backup(s) older than 7 day(s)"));
  g_assert_nonnull (strstr (r.out, newest_valid));
  g_assert_false (g_file_test (newest_valid, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fresh, G_FILE_TEST_IS_REGULAR));

  /* Audited (under "cli", as live). */
  run_cli (&r, "audit", "export", "--action", "backup.cleanup", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "\"profile\":\"cli\""));
  g_assert_nonnull (strstr (r.out, "deleted 2 backup(s)"));

  run_clear (&r);
  tw_test_remove_tree (dir);
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

  /* --profile names a saved profile: an unknown one is refused, nothing restored */
  run_cli (&r, "backup", "restore", db, backup_path, "--reason", "bad delete",
           "--yes-i-halted-trading", "--profile", "ops", NULL);
  g_assert_cmpint (r.status, ==, 1);
  assert_one_line_error (&r);
  g_assert_nonnull (strstr (r.err, "no saved profile “ops”"));
  write_profile ("ops", "paper");

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
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "keyed_from"), ==, 1);
  g_clear_pointer (&node, json_node_unref);
  run_cli (&r, "audit", "verify", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "the keyed chain is intact"));

  run_cli (&r, "audit", "export", "--profile", "ops", NULL);
  g_assert_cmpint (r.status, ==, 0);
  {
    g_auto(GStrv) lines = g_strsplit (r.out, "\n", -1);
    guint n = 0;

    for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++, n++)
      {
        g_autoptr(JsonNode) line = parse_json (lines[i]);

        g_assert_cmpstr (json_object_get_string_member (json_node_get_object (line), "profile"), ==, "ops");
        /* the profile's own mode, not "live" whatever the profile */
        g_assert_cmpstr (json_object_get_string_member (json_node_get_object (line), "mode"), ==, "paper");
      }
    g_assert_cmpuint (n, ==, 7);
  }

  /* Without --profile: "cli", recorded as live (the refused restore of the corrupt backup). */
  run_cli (&r, "audit", "export", "--profile", "cli", "--action", "backup.restore", NULL);
  g_assert_cmpint (r.status, ==, 0);
  {
    g_auto(GStrv) lines = g_strsplit (r.out, "\n", -1);

    g_assert_nonnull (lines[0]);
    g_assert_cmpstr (lines[0], !=, "");
    for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
      {
        g_autoptr(JsonNode) line = parse_json (lines[i]);

        g_assert_cmpstr (json_object_get_string_member (json_node_get_object (line), "mode"), ==, "live");
      }
  }

  /* A live profile is recorded as live. */
  write_profile ("desk", "live");
  run_cli (&r, "backup", "restore", db, backup_path, "--reason", "again", "--yes-i-halted-trading",
           "--profile", "desk", NULL);
  g_assert_cmpint (r.status, ==, 0);
  run_cli (&r, "audit", "export", "--profile", "desk", "--action", "backup.restore", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "\"mode\":\"live\""));
  g_assert_null (strstr (r.out, "\"mode\":\"paper\""));

  run_cli (&r, "audit", "verify", "--db", "/nonexistent/audit.db", NULL);
  g_assert_cmpint (r.status, ==, 1);
  assert_one_line_error (&r);

  /* The default log deleted with its anchor: reported missing, never "0 rows, intact". */
  {
    g_autofree char *audit = g_build_filename (g_get_user_data_dir (), "tradewarden", "audit.db", NULL);
    const char *suffixes[] = { "", "-wal", "-shm", ".anchor" };

    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *path = g_strconcat (audit, suffixes[i], NULL);

        g_unlink (path);
      }
    g_assert_false (g_file_test (audit, G_FILE_TEST_EXISTS));
    run_cli (&r, "audit", "verify", NULL);
    g_assert_cmpint (r.status, ==, 1);
    assert_one_line_error (&r);
    g_assert_nonnull (strstr (r.err, "is missing"));
  }

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
  g_test_add_func ("/tw/cli/top-level-help", test_top_level_help);
  g_test_add_func ("/tw/cli/backup-verbs", test_backup_verbs);
  g_test_add_func ("/tw/cli/cleanup", test_cleanup);

  return g_test_run ();
}
