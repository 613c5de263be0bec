/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <sys/wait.h>
#include <json-glib/json-glib.h>

#include "tw-audit-log.h"
#include "tw-error.h"

#define SECRET_TOKEN "sk-live-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c"
#define SECRET_PASSWORD "hunter2hunter2"

static char *self_exe;

static char *
temp_db_path (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tw-audit-XXXXXX", NULL);

  g_assert_nonnull (dir);
  return g_build_filename (dir, "audit.db", NULL);
}

/* Runs the sqlite3 tool on @db with @sql; returns its exit status, stderr in @err. */
static int
run_sqlite3 (const char  *db,
             const char  *sql,
             char       **out,
             char       **err)
{
  const char *argv[] = { "sqlite3", "-batch", db, sql, NULL };
  GError *error = NULL;
  int status = -1;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                out, err, &status, &error);
  g_assert_no_error (error);
  return g_spawn_check_wait_status (status, NULL) ? 0 : 1;
}

static void
test_request_complete (void)
{
  g_autofree char *path = temp_db_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TwAuditLog) log = tw_audit_log_open (path, &error);
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(TwAuditRecord) outcome = NULL;
  g_autoptr(TwAuditRecord) request = NULL;
  g_autoptr(GDateTime) time = NULL;
  gint64 req_id, out_id;
  TwAuditOutcome value;
  guint status;

  g_assert_no_error (error);
  req_id = tw_audit_log_request (log, "prod", TW_MODE_LIVE, "trading.halt", "investiq",
                                 "drawdown above 8 %", &error);
  g_assert_no_error (error);
  g_assert_cmpint (req_id, ==, 1);
  out_id = tw_audit_log_complete (log, req_id, TW_AUDIT_OUTCOME_OK, 200, "halted", &error);
  g_assert_no_error (error);
  g_assert_cmpint (out_id, ==, 2);

  /* An outcome for a row that is not a request is refused. */
  g_assert_cmpint (tw_audit_log_complete (log, out_id, TW_AUDIT_OUTCOME_OK, 0, NULL, &error), ==, 0);
  g_assert_error (error, TW_ERROR, TW_ERROR_INVALID);
  g_clear_error (&error);

  rows = tw_audit_log_query (log, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 2);
  outcome = g_list_model_get_item (rows, 0);
  request = g_list_model_get_item (rows, 1);

  g_assert_cmpint (tw_audit_record_get_id (outcome), ==, 2);
  g_assert_cmpint (tw_audit_record_get_request_id (outcome), ==, 1);
  g_assert_cmpstr (tw_audit_record_get_action (outcome), ==, "trading.halt");
  g_assert_cmpstr (tw_audit_record_get_target (outcome), ==, "investiq");
  g_assert_cmpstr (tw_audit_record_get_profile (outcome), ==, "prod");
  g_assert_cmpstr (tw_audit_record_get_mode (outcome), ==, "live");
  g_assert_cmpstr (tw_audit_record_get_message (outcome), ==, "halted");
  g_assert_cmpstr (tw_audit_record_get_actor (request), ==, g_get_user_name ());
  g_assert_cmpstr (tw_audit_record_get_reason (request), ==, "drawdown above 8 %");
  g_assert_cmpint (tw_audit_record_get_outcome (request), ==, TW_AUDIT_OUTCOME_REQUESTED);
  g_assert_cmpstr (tw_audit_record_get_prev_hash (outcome), ==, tw_audit_record_get_hash (request));
  g_assert_cmpuint (strlen (tw_audit_record_get_hash (outcome)), ==, 64);

  /* Properties, as the UI binds them. */
  g_object_get (outcome, "outcome", &value, "http-status", &status, "time", &time, NULL);
  g_assert_cmpint (value, ==, TW_AUDIT_OUTCOME_OK);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (time);
  g_assert_cmpint (ABS (g_date_time_to_unix (time) - g_get_real_time () / G_USEC_PER_SEC), <, 60);

  g_assert_true (tw_audit_log_verify (log, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  g_clear_object (&rows);
  g_assert_finalize_object (g_steal_pointer (&outcome));
  g_assert_finalize_object (g_steal_pointer (&request));
  g_assert_finalize_object (g_steal_pointer (&log));
}

static void
test_filter (void)
{
  g_autofree char *path = temp_db_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TwAuditLog) log = tw_audit_log_open (path, &error);
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;
  g_autoptr(GListModel) rows = NULL;
  gint64 id;

  id = tw_audit_log_request (log, "paper1", TW_MODE_PAPER, "trading.halt", "svc-a", "r1", &error);
  tw_audit_log_complete (log, id, TW_AUDIT_OUTCOME_FAILED, 503, "Service Unavailable", &error);
  tw_audit_log_record (log, "live1", TW_MODE_LIVE, "positions.close", "AAPL", "too risky",
                       TW_AUDIT_OUTCOME_REFUSED, 0, "guard refused", &error);
  g_assert_no_error (error);

  filter.profile = "paper1";
  rows = tw_audit_log_query (log, &filter, NULL, &error);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 2);
  g_clear_object (&rows);

  filter.profile = NULL;
  filter.outcome = TW_AUDIT_OUTCOME_REFUSED;
  rows = tw_audit_log_query (log, &filter, NULL, &error);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 1);
  g_clear_object (&rows);

  filter.outcome = -1;
  filter.text = "UNAVAIL";
  rows = tw_audit_log_query (log, &filter, NULL, &error);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 1);
  g_clear_object (&rows);

  filter.text = NULL;
  filter.action = "positions.close";
  rows = tw_audit_log_query (log, &filter, NULL, &error);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 1);
  g_clear_object (&rows);

  filter.action = NULL;
  filter.limit = 2;
  rows = tw_audit_log_query (log, &filter, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 2);
}

static const char trigger_sql[] =
  "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN"
  "  SELECT RAISE(ABORT, 'the audit log is append-only: its rows cannot be changed');"
  "END;";

static void
test_tamper (void)
{
  g_autofree char *path = temp_db_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TwAuditLog) log = tw_audit_log_open (path, &error);
  g_autofree char *sql = NULL;
  g_autofree char *out = NULL, *err = NULL;
  guint64 n_rows = 0;
  gint64 bad = -1;

  for (int i = 0; i < 5; i++)
    {
      g_autofree char *target = g_strdup_printf ("svc-%d", i);

      tw_audit_log_record (log, "p", TW_MODE_PAPER, "trading.halt", target, "reason",
                           TW_AUDIT_OUTCOME_OK, 200, "ok", &error);
      g_assert_no_error (error);
    }

  g_assert_true (tw_audit_log_verify (log, &n_rows, &bad, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_rows, ==, 5);
  g_assert_cmpint (bad, ==, 0);

  /* An attacker with the sqlite3 tool: drop the trigger, edit, put the trigger back. */
  sql = g_strdup_printf ("DROP TRIGGER audit_no_update; UPDATE audit SET reason = 'nothing to see' "
                         "WHERE id = 3; %s", trigger_sql);
  g_assert_cmpint (run_sqlite3 (path, sql, &out, &err), ==, 0);

  g_assert_false (tw_audit_log_verify (log, &n_rows, &bad, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_CONFLICT);
  g_assert_cmpint (bad, ==, 3);
  g_assert_nonnull (strstr (error->message, "row 3"));
  g_assert_nonnull (strstr (error->message, "does not match its MAC"));
  g_clear_error (&error);

  /* Recomputing the row's hash too moves the break to the next row. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_free (sql);
  sql = g_strdup_printf ("DROP TRIGGER audit_no_update; UPDATE audit SET hash = "
                         "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', "
                         "reason = 'reason' WHERE id = 3; %s", trigger_sql);
  g_assert_cmpint (run_sqlite3 (path, sql, &out, &err), ==, 0);
  g_assert_false (tw_audit_log_verify (log, &n_rows, &bad, NULL, &error));
  g_assert_cmpint (bad, ==, 3);
  g_clear_error (&error);
}

/* Deleting the newest rows leaves a valid chain: the anchor kept next to the log tells. */
static void
test_truncate (void)
{
  g_autofree char *path = temp_db_path ();
  g_autofree char *anchor = g_strconcat (path, ".anchor", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TwAuditLog) log = tw_audit_log_open (path, &error);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *contents = NULL;
  guint64 n_rows = 0;
  gint64 bad = -1;
  GStatBuf st;

  g_assert_no_error (error);
  /* A fresh log verifies, anchor or not. */
  g_assert_true (tw_audit_log_verify (log, &n_rows, &bad, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (anchor, G_FILE_TEST_EXISTS));

  for (int i = 0; i < 5; i++)
    {
      g_autofree char *target = g_strdup_printf ("svc-%d", i);

      tw_audit_log_record (log, "p", TW_MODE_PAPER, "trading.halt", target, "reason " SECRET_TOKEN,
                           TW_AUDIT_OUTCOME_OK, 200, "ok", &error);
      g_assert_no_error (error);
    }
  g_assert_true (tw_audit_log_verify (log, &n_rows, &bad, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_rows, ==, 5);

  /* The anchor: the newest row's id and hash, private, and nothing else. */
  g_assert_true (g_file_get_contents (anchor, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "tw-audit-anchor-1 5 "));
  g_assert_null (strstr (contents, SECRET_TOKEN));
  g_assert_cmpint (g_stat (anchor, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* An attacker with the sqlite3 tool removes the two newest rows: the chain that is
   * left is valid, but Verify names the first row missing. */
  g_assert_cmpint (run_sqlite3 (path, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id > 3;",
                                &out, &err), ==, 0);
  g_assert_false (tw_audit_log_verify (log, &n_rows, &bad, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_CONFLICT);
  g_test_message ("%s", error->message);
  g_assert_cmpint (bad, ==, 4);
  g_assert_nonnull (strstr (error->message, "truncated"));
  g_assert_nonnull (strstr (error->message, "rows 4 to 5"));
  g_clear_error (&error);

  /* New rows written over the gap do not hide it: the console found the log shorter
   * than it had written it when it appended row 4, and the keyring keeps that. */
  for (int i = 0; i < 2; i++)
    {
      tw_audit_log_record (log, "p", TW_MODE_PAPER, "trading.halt", "svc", "later",
                           TW_AUDIT_OUTCOME_OK, 200, "ok", &error);
      g_assert_no_error (error);
    }
  g_assert_false (tw_audit_log_verify (log, &n_rows, &bad, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_CONFLICT);
  g_test_message ("%s", error->message);
  g_assert_cmpint (bad, ==, 4);
  g_assert_nonnull (strstr (error->message, "lost rows before row 4"));
  g_assert_nonnull (strstr (error->message, "row 5 had been written"));
  g_clear_error (&error);

  /* An anchor edited by hand is not trusted either. */
  g_assert_true (g_file_set_contents (anchor, "tw-audit-anchor-1 two cows\n", -1, &error));
  g_assert_false (tw_audit_log_verify (log, &n_rows, &bad, NULL, &error));
  g_assert_error (error, TW_ERROR, TW_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "anchor"));
}

static void
test_append_only (void)
{
  g_autofree char *path = temp_db_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TwAuditLog) log = tw_audit_log_open (path, &error);
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
  guint64 n_rows = 0;

  tw_audit_log_record (log, "p", TW_MODE_PAPER, "flags.disable", "auto_approval", "",
                       TW_AUDIT_OUTCOME_OK, 200, "", &error);
  g_assert_no_error (error);

  g_assert_cmpint (run_sqlite3 (path, "UPDATE audit SET reason = 'x'", &out, &err), !=, 0);
  g_assert_nonnull (strstr (err, "append-only"));
  g_assert_cmpint (run_sqlite3 (path, "DELETE FROM audit", &out2, &err2), !=, 0);
  g_assert_nonnull (strstr (err2, "append-only"));

  g_assert_true (tw_audit_log_verify (log, &n_rows, NULL, NULL, &error));
  g_assert_cmpuint (n_rows, ==, 1);
}

static void
test_export (void)
{
  g_autofree char *path = temp_db_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TwAuditLog) log = tw_audit_log_open (path, &error);
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_auto(GStrv) lines = NULL;
  g_autofree char *text = NULL;
  guint64 n = 0;
  gint64 id;

  id = tw_audit_log_request (log, "p", TW_MODE_LIVE, "backup.restore", "/data/investiq.db",
                             "restore \"after\" crash\nline two", &error);
  tw_audit_log_complete (log, id, TW_AUDIT_OUTCOME_OK, 0, "restored", &error);
  g_assert_no_error (error);

  g_assert_true (tw_audit_log_export (log, NULL, stream, &n, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  g_output_stream_write_all (stream, "", 1, NULL, NULL, NULL);
  g_output_stream_close (stream, NULL, NULL);
  text = g_strdup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (stream)));
  g_assert_true (g_str_has_suffix (text, "\n"));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);   /* two lines and the empty tail */

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *obj;

      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, &error));
      g_assert_no_error (error);
      obj = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpint (json_object_get_int_member (obj, "id"), ==, i + 1);
      g_assert_cmpstr (json_object_get_string_member (obj, "action"), ==, "backup.restore");
      g_assert_cmpstr (json_object_get_string_member (obj, "reason"), ==,
                       "restore \"after\" crash\nline two");
      g_assert_cmpstr (json_object_get_string_member (obj, "outcome"), ==,
                       i == 0 ? "requested" : "ok");
      g_assert_cmpuint (strlen (json_object_get_string_member (obj, "hash")), ==, 64);
      g_assert_true (g_str_has_suffix (json_object_get_string_member (obj, "time"), "Z"));
    }
}

static void
assert_file_lacks (const char *path,
                   const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  gsize n = strlen (needle);

  if (!g_file_get_contents (path, &data, &len, NULL))
    return;
  for (gsize i = 0; i + n <= len; i++)
    g_assert_false (memcmp (data + i, needle, n) == 0);
}

static void
test_no_secret (void)
{
  g_autofree char *path = temp_db_path ();
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TwAuditLog) log = tw_audit_log_open (path, &error);
  g_autofree char *scrubbed = NULL;
  gint64 id;

  scrubbed = tw_audit_scrub ("key " SECRET_TOKEN " rotated; password=" SECRET_PASSWORD
                             " Authorization: Bearer abc.def; internationalization_is_long");
  g_assert_null (strstr (scrubbed, SECRET_TOKEN));
  g_assert_null (strstr (scrubbed, SECRET_PASSWORD));
  g_assert_null (strstr (scrubbed, "abc.def"));
  g_assert_nonnull (strstr (scrubbed, "…6b5c"));
  g_assert_nonnull (strstr (scrubbed, "internationalization_is_long"));   /* no digit: a word */

  id = tw_audit_log_request (log, "p", TW_MODE_LIVE, "keys.rotate", "investiq",
                             "new key " SECRET_TOKEN, &error);
  tw_audit_log_complete (log, id, TW_AUDIT_OUTCOME_FAILED, 400,
                         "{\"error\":\"bad api_key=" SECRET_PASSWORD "\"}", &error);
  g_assert_no_error (error);
  g_assert_true (tw_audit_log_verify (log, NULL, NULL, NULL, &error));

  assert_file_lacks (path, SECRET_TOKEN);
  assert_file_lacks (wal, SECRET_TOKEN);
  assert_file_lacks (path, SECRET_PASSWORD);
  assert_file_lacks (wal, SECRET_PASSWORD);
  g_assert_finalize_object (g_steal_pointer (&log));
  assert_file_lacks (path, SECRET_TOKEN);
  assert_file_lacks (path, SECRET_PASSWORD);
}

/* Child: appends @n rows to @path. */
static int
writer_main (const char *path,
             int         n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwAuditLog) log = tw_audit_log_open (path, &error);

  if (log == NULL)
    return 3;
  for (int i = 0; i < n; i++)
    {
      gint64 id = tw_audit_log_request (log, "child", TW_MODE_PAPER, "trading.halt", "svc", "", &error);

      if (id == 0 || tw_audit_log_complete (log, id, TW_AUDIT_OUTCOME_OK, 200, "", &error) == 0)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }
  return 0;
}

static void
test_two_processes (void)
{
  g_autofree char *path = temp_db_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TwAuditLog) log = tw_audit_log_open (path, &error);
  const char *argv[] = { self_exe, "--audit-writer", path, NULL };
  GPid pids[2];
  guint64 n_rows = 0;

  for (guint i = 0; i < G_N_ELEMENTS (pids); i++)
    {
      g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                     &pids[i], &error);
      g_assert_no_error (error);
    }
  for (int i = 0; i < 40; i++)
    {
      tw_audit_log_record (log, "parent", TW_MODE_PAPER, "trading.resume", "svc", "",
                           TW_AUDIT_OUTCOME_OK, 200, "", &error);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (pids); i++)
    {
      int status = 0;

      g_assert_cmpint (waitpid (pids[i], &status, 0), ==, pids[i]);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_spawn_close_pid (pids[i]);
    }

  g_assert_true (tw_audit_log_verify (log, &n_rows, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_rows, ==, 40 + 2 * 2 * 40);
}

static void
on_request (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  gint64 *id = user_data;
  g_autoptr(GError) error = NULL;

  *id = tw_audit_log_request_finish (TW_AUDIT_LOG (source), result, &error);
  g_assert_no_error (error);
}

static void
on_complete (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  gint64 *id = user_data;
  g_autoptr(GError) error = NULL;

  *id = tw_audit_log_complete_finish (TW_AUDIT_LOG (source), result, &error);
  g_assert_no_error (error);
}

static void
on_query (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GListModel **model = user_data;
  g_autoptr(GError) error = NULL;

  *model = tw_audit_log_query_finish (TW_AUDIT_LOG (source), result, &error);
  g_assert_no_error (error);
}

static void
on_verify (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  guint64 *n_rows = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (tw_audit_log_verify_finish (TW_AUDIT_LOG (source), result, n_rows, NULL, &error));
  g_assert_no_error (error);
}

static void
test_async (void)
{
  g_autofree char *path = temp_db_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TwAuditLog) log = tw_audit_log_open (path, &error);
  g_autoptr(GListModel) model = NULL;
  gint64 req = 0, done_id = 0;
  guint64 n_rows = 0;

  tw_audit_log_request_async (log, "p", TW_MODE_PAPER, "killswitch.activate", "ibkr", "test",
                              NULL, on_request, &req);
  while (req == 0)
    g_main_context_iteration (NULL, TRUE);
  tw_audit_log_complete_async (log, req, TW_AUDIT_OUTCOME_OK, 200, "active", NULL,
                               on_complete, &done_id);
  while (done_id == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (done_id, ==, req + 1);

  tw_audit_log_query_async (log, NULL, NULL, on_query, &model);
  while (model == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);

  tw_audit_log_verify_async (log, NULL, on_verify, &n_rows);
  while (n_rows == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (n_rows, ==, 2);
}

int
main (int    argc,
      char **argv)
{
  if (argc == 3 && g_strcmp0 (argv[1], "--audit-writer") == 0)
    return writer_main (argv[2], 40);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  self_exe = g_file_read_link ("/proc/self/exe", NULL);

  g_test_add_func ("/tw/core/audit-log/request-complete", test_request_complete);
  g_test_add_func ("/tw/core/audit-log/filter", test_filter);
  g_test_add_func ("/tw/core/audit-log/tamper", test_tamper);
  g_test_add_func ("/tw/core/audit-log/truncate", test_truncate);
  g_test_add_func ("/tw/core/audit-log/append-only", test_append_only);
  g_test_add_func ("/tw/core/audit-log/export", test_export);
  g_test_add_func ("/tw/core/audit-log/no-secret", test_no_secret);
  g_test_add_func ("/tw/core/audit-log/two-processes", test_two_processes);
  g_test_add_func ("/tw/core/audit-log/async", test_async);

  return g_test_run ();
}
