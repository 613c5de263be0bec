/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tradewarden audit verify|export [--db PATH]; audit verify-chain FILE */
#include "config.h"

#include <stdio.h>
#include <gio/gunixoutputstream.h>

#include "tw-audit-log.h"
#include "tw-cli-private.h"
#include "tw-error.h"
#include "tw-log-chain.h"

#define AUDIT_USAGE \
  "usage: tradewarden audit verify [--db PATH] [--json] | export [--db PATH] [--profile NAME] " \
  "[--action ACTION]  (export writes JSON lines to stdout) | verify-chain FILE [--json] " \
  "[--prev-field NAME] [--hash-field NAME]"

static int
cmd_verify (TwAuditLog *log,
            gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *unkeyed = NULL;
  TwAuditVerdict verdict;
  gboolean ok;

  ok = tw_audit_log_verify_full (log, &verdict, NULL, &error);
  if (ok)
    unkeyed = tw_audit_verdict_describe_unkeyed (&verdict);
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, ok);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, tw_audit_log_get_path (log));
      json_builder_set_member_name (builder, "rows");
      json_builder_add_int_value (builder, verdict.n_rows);
      /* 0: a log from before keyed chains (or an empty one), never keyed */
      json_builder_set_member_name (builder, "keyed_from");
      json_builder_add_int_value (builder, verdict.keyed_from);
      /* Rows written without the keyring: chained, not keyed (a warning, not a failure) */
      json_builder_set_member_name (builder, "unkeyed");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "rows");
      json_builder_add_int_value (builder, verdict.n_unkeyed);
      json_builder_set_member_name (builder, "first");
      json_builder_add_int_value (builder, verdict.unkeyed_first);
      json_builder_set_member_name (builder, "last");
      json_builder_add_int_value (builder, verdict.unkeyed_last);
      json_builder_set_member_name (builder, "runs");
      json_builder_add_int_value (builder, verdict.n_unkeyed_runs);
      /* the first of them that no keyed row follows yet (0: none) */
      json_builder_set_member_name (builder, "open_from");
      json_builder_add_int_value (builder, verdict.unkeyed_open_from);
      json_builder_end_object (builder);
      if (unkeyed != NULL)
        {
          json_builder_set_member_name (builder, "warning");
          json_builder_add_string_value (builder, unkeyed);
        }
      if (!ok)
        {
          json_builder_set_member_name (builder, "bad_row");
          json_builder_add_int_value (builder, verdict.bad_row);
          json_builder_set_member_name (builder, "error");
          json_builder_add_string_value (builder, error->message);
        }
      json_builder_end_object (builder);
      _tw_cli_print_json (builder);
    }
  else if (ok && verdict.n_rows == 0)
    printf ("Audit log %s: no rows written yet\n", tw_audit_log_get_path (log));
  else if (ok && unkeyed != NULL)
    printf ("Audit log %s: %" G_GUINT64_FORMAT " rows, intact, with a warning: %s\n",
            tw_audit_log_get_path (log), verdict.n_rows, unkeyed);
  else if (ok && verdict.keyed_from == 0)
    printf ("Audit log %s: %" G_GUINT64_FORMAT " rows, the unkeyed hash chain of an earlier "
            "version is intact (it proves only that the rows fit together: anyone could have "
            "rewritten them); the log is keyed from its next row on\n",
            tw_audit_log_get_path (log), verdict.n_rows);
  else if (ok && verdict.keyed_from > 1)
    printf ("Audit log %s: %" G_GUINT64_FORMAT " rows, the keyed chain is intact (rows 1 to %"
            G_GINT64_FORMAT " from an earlier version, chained to the keyed rows)\n",
            tw_audit_log_get_path (log), verdict.n_rows, verdict.keyed_from - 1);
  else if (ok)
    printf ("Audit log %s: %" G_GUINT64_FORMAT " rows, the keyed chain is intact\n",
            tw_audit_log_get_path (log), verdict.n_rows);

  if (!ok)
    {
      fprintf (stderr, "tradewarden: %s\n", error->message);
      return TW_CLI_EXIT_FAILURE;
    }
  return TW_CLI_EXIT_OK;
}

static int
cmd_export (TwAuditLog *log,
            const char *profile,
            const char *action)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) out = g_unix_output_stream_new (1, FALSE);
  TwAuditFilter filter = TW_AUDIT_FILTER_INIT;

  filter.profile = profile;
  filter.action = action;
  fflush (stdout);
  if (!tw_audit_log_export (log, &filter, out, NULL, NULL, &error))
    return _tw_cli_fail (FALSE, error);

  return TW_CLI_EXIT_OK;
}

/* A hash-chained JSON-lines file (tw-log-chain.h has the default canonical form):
 * "Chain intact through line N." or the first broken line and why; exit 1 when broken. */
static int
cmd_verify_chain (const char *path,
                  const char *prev_field,
                  const char *hash_field,
                  gboolean    json)
{
  static const char * const verdicts[] = { "intact", "edited", "removed", "reordered", "truncated", "malformed" };
  g_autoptr(GError) error = NULL;
  TwChainResult result;

  if (!tw_chain_verify_file (path, prev_field, hash_field, &result, NULL, &error))
    return _tw_cli_fail (json, error);
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, result.verdict == TW_CHAIN_INTACT);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, path);
      json_builder_set_member_name (builder, "lines");
      json_builder_add_int_value (builder, result.n_lines);
      json_builder_set_member_name (builder, "intact_through");
      json_builder_add_int_value (builder, result.intact_through);
      json_builder_set_member_name (builder, "verdict");
      json_builder_add_string_value (builder, verdicts[result.verdict]);
      json_builder_set_member_name (builder, "broken_line");
      json_builder_add_int_value (builder, result.broken_line);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, result.message);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
    }
  else if (result.verdict == TW_CHAIN_INTACT)
    g_print ("%s: %s\n", path, result.message);
  else
    g_printerr ("%s: chain broken at line %u (%s): %s\n", path, result.broken_line,
                verdicts[result.verdict], result.message);
  {
    gboolean ok = result.verdict == TW_CHAIN_INTACT;
    tw_chain_result_clear (&result);
    return ok ? TW_CLI_EXIT_OK : TW_CLI_EXIT_FAILURE;
  }
}

int
_tw_cli_audit_main (int    argc,
                    char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *action = NULL;
  g_autofree char *prev_field = NULL;
  g_autofree char *hash_field = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Audit log (default: $XDG_DATA_HOME/tradewarden/audit.db)", "PATH" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Machine-readable output on stdout", NULL },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile, "export: only this profile's rows", "NAME" },
    { "action", 0, 0, G_OPTION_ARG_STRING, &action, "export: only this action's rows", "ACTION" },
    { "prev-field", 0, 0, G_OPTION_ARG_STRING, &prev_field, "verify-chain: the previous hash's field (prev_hash)", "NAME" },
    { "hash-field", 0, 0, G_OPTION_ARG_STRING, &hash_field, "verify-chain: the line's hash field (hash)", "NAME" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("verify|export|verify-chain FILE");
  g_autoptr(GError) error = NULL;
  g_autoptr(TwAuditLog) log = NULL;
  g_auto(GStrv) args = g_new0 (char *, argc + 1);

  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, AUDIT_USAGE);
  if (g_get_prgname () == NULL)
    g_set_prgname ("tradewarden audit");
  if (!g_option_context_parse_strv (context, &args, &error))
    return _tw_cli_usage ("%s. %s", error->message, AUDIT_USAGE);
  if (g_strv_length (args) == 4 && g_strcmp0 (args[2], "verify-chain") == 0)
    return cmd_verify_chain (args[3], prev_field, hash_field, json);
  if (g_strv_length (args) != 3
      || (g_strcmp0 (args[2], "verify") != 0 && g_strcmp0 (args[2], "export") != 0))
    return _tw_cli_usage (AUDIT_USAGE);

  if (db != NULL && !g_file_test (db, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (&error, TW_ERROR, TW_ERROR_NOT_FOUND, "The audit log “%s” does not exist", db);
      return _tw_cli_fail (json, error);
    }
  log = tw_audit_log_open (db, &error);
  if (log == NULL)
    return _tw_cli_fail (json, error);

  if (g_strcmp0 (args[2], "verify") == 0)
    return cmd_verify (log, json);

  return cmd_export (log, profile, action);
}
