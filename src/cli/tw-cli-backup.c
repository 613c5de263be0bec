/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tradewarden backup create|verify|list|cleanup|restore */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tw-backup-manager.h"
#include "tw-cli-private.h"
#include "tw-error.h"
#include "tw-profile.h"
#include "tw-session.h"

#define BACKUP_USAGE \
  "usage: tradewarden backup create DB [--dir DIR] | verify BACKUP [--quick] | list DB [--dir DIR] | " \
  "cleanup DB --keep-days N [--dir DIR] | restore DB BACKUP --reason TEXT --yes-i-halted-trading " \
  "[--profile NAME] [--dir DIR]  (all take --json; restores and cleanups are audited under " \
  "--profile NAME with that profile's mode, paper or live; without it under the profile " \
  "\"cli\", recorded as live)"

typedef struct
{
  char     *dir;
  gboolean  json;
  gboolean  quick;
  int       keep_days;
  char     *reason;
  gboolean  halted;
  char     *profile;
} Options;

static void
add_backup_json (JsonBuilder *builder,
                 TwBackup    *backup)
{
  g_autofree char *created = g_date_time_format_iso8601 (tw_backup_get_created (backup));
  const char * const *tables = tw_backup_get_tables (backup);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, tw_backup_get_path (backup));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, tw_backup_get_name (backup));
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, tw_backup_get_size (backup));
  json_builder_set_member_name (builder, "created");
  json_builder_add_string_value (builder, created);
  json_builder_set_member_name (builder, "pre_restore");
  json_builder_add_boolean_value (builder, tw_backup_get_pre_restore (backup));
  json_builder_set_member_name (builder, "valid");
  json_builder_add_string_value (builder, tw_backup_validity_to_string (tw_backup_get_valid (backup)));
  if (tw_backup_get_manifest (backup) != TW_BACKUP_MANIFEST_UNCHECKED)
    {
      g_autoptr(GEnumClass) manifests = g_type_class_ref (TW_TYPE_BACKUP_MANIFEST);

      /* "missing", "matched", "mismatched" */
      json_builder_set_member_name (builder, "manifest");
      json_builder_add_string_value (builder,
                                     g_enum_get_value (manifests, tw_backup_get_manifest (backup))->value_nick);
    }
  if (tw_backup_get_problem (backup) != NULL)
    {
      json_builder_set_member_name (builder, "problem");
      json_builder_add_string_value (builder, tw_backup_get_problem (backup));
    }
  if (tw_backup_get_valid (backup) == TW_BACKUP_VALIDITY_VALID && tables != NULL)
    {
      json_builder_set_member_name (builder, "tables");
      json_builder_begin_object (builder);
      for (guint i = 0; tables[i] != NULL; i++)
        {
          json_builder_set_member_name (builder, tables[i]);
          json_builder_add_int_value (builder, tw_backup_get_row_count (backup, tables[i]));
        }
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "fingerprint");
      json_builder_add_string_value (builder, tw_backup_get_fingerprint (backup));
    }
  json_builder_end_object (builder);
}

static void
print_backup_json (TwBackup *backup)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  add_backup_json (builder, backup);
  _tw_cli_print_json (builder);
}

static void
describe_backup (TwBackup *backup)
{
  const char * const *tables = tw_backup_get_tables (backup);

  printf ("%s: %s, %" G_GUINT64_FORMAT " bytes", tw_backup_get_path (backup),
          tw_backup_validity_to_string (tw_backup_get_valid (backup)), tw_backup_get_size (backup));
  if (tw_backup_get_valid (backup) == TW_BACKUP_VALIDITY_VALID && tables != NULL)
    {
      printf (", %u tables, %" G_GINT64_FORMAT " rows\n", g_strv_length ((GStrv) tables),
              tw_backup_get_total_rows (backup));
      for (guint i = 0; tables[i] != NULL; i++)
        printf ("  %-32s %" G_GINT64_FORMAT "\n", tables[i], tw_backup_get_row_count (backup, tables[i]));
    }
  else
    printf ("\n");
  if (tw_backup_get_manifest (backup) == TW_BACKUP_MANIFEST_MISSING)
    printf ("  no manifest beside it: its content could not be checked against a manifest\n");
  else if (tw_backup_get_manifest (backup) == TW_BACKUP_MANIFEST_MATCHED)
    printf ("  size and SHA-256 match its manifest\n");
}

static int
cmd_create (TwBackupManager *manager,
            Options         *o,
            char           **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) backup = NULL;

  if (g_strv_length (args) != 1)
    return _tw_cli_usage ("backup create takes one database path. " BACKUP_USAGE);

  backup = tw_backup_manager_create (manager, args[0], o->dir, NULL, NULL, NULL, &error);
  if (backup == NULL)
    return _tw_cli_fail (o->json, error);

  if (o->json)
    print_backup_json (backup);
  else
    {
      printf ("Created ");
      describe_backup (backup);
    }
  return TW_CLI_EXIT_OK;
}

static int
cmd_verify (TwBackupManager *manager,
            Options         *o,
            char           **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) backup = NULL;

  if (g_strv_length (args) != 1)
    return _tw_cli_usage ("backup verify takes one backup path. " BACKUP_USAGE);

  backup = tw_backup_manager_verify (manager, args[0], o->quick, NULL, &error);
  if (backup == NULL)
    return _tw_cli_fail (o->json, error);

  if (o->json)
    print_backup_json (backup);
  else
    describe_backup (backup);

  if (tw_backup_get_valid (backup) != TW_BACKUP_VALIDITY_VALID)
    {
      g_autofree char *problem = g_strdelimit (g_strdup (tw_backup_get_problem (backup)), "\n", ' ');

      fprintf (stderr, "tradewarden: the backup “%s” is corrupt: %s\n", args[0], problem);
      return TW_CLI_EXIT_FAILURE;
    }
  return TW_CLI_EXIT_OK;
}

static int
cmd_list (TwBackupManager *manager,
          Options         *o,
          char           **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) list = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint n;

  if (g_strv_length (args) != 1)
    return _tw_cli_usage ("backup list takes one database path. " BACKUP_USAGE);

  list = tw_backup_manager_list (manager, args[0], o->dir, &error);
  if (list == NULL)
    return _tw_cli_fail (o->json, error);
  n = g_list_model_get_n_items (list);

  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwBackup) backup = g_list_model_get_item (list, i);
      g_autofree char *created = g_date_time_format (tw_backup_get_created (backup), "%Y-%m-%d %H:%M:%S UTC");

      if (o->json)
        add_backup_json (builder, backup);
      else
        printf ("%-48s %12" G_GUINT64_FORMAT "  %s%s\n", tw_backup_get_name (backup),
                tw_backup_get_size (backup), created,
                tw_backup_get_pre_restore (backup) ? "  (pre-restore)" : "");
    }
  json_builder_end_array (builder);

  if (o->json)
    _tw_cli_print_json (builder);
  else if (n == 0)
    printf ("No backups of %s\n", args[0]);

  return TW_CLI_EXIT_OK;
}

static int
cmd_cleanup (TwBackupManager *manager,
             Options         *o,
             char           **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) deleted = NULL;

  if (g_strv_length (args) != 1)
    return _tw_cli_usage ("backup cleanup takes one database path. " BACKUP_USAGE);
  if (o->keep_days < 1)
    return _tw_cli_usage ("backup cleanup needs --keep-days N with N at least 1");

  if (!tw_backup_manager_cleanup (manager, args[0], o->dir, o->keep_days, &deleted, NULL, &error))
    return _tw_cli_fail (o->json, error);

  if (o->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "deleted");
      json_builder_begin_array (builder);
      for (guint i = 0; i < deleted->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (deleted, i));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      _tw_cli_print_json (builder);
    }
  else
    {
      printf ("Deleted %u backup(s) older than %d day(s)\n", deleted->len, o->keep_days);
      for (guint i = 0; i < deleted->len; i++)
        printf ("  %s\n", (const char *) g_ptr_array_index (deleted, i));
    }
  return TW_CLI_EXIT_OK;
}

static int
cmd_restore (TwBackupManager *manager,
             Options         *o,
             char           **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TwBackup) pre = NULL;

  if (g_strv_length (args) != 2)
    return _tw_cli_usage ("backup restore takes a database path and a backup path. " BACKUP_USAGE);
  if (o->reason == NULL || *o->reason == '\0')
    return _tw_cli_usage ("backup restore needs --reason TEXT (it goes to the audit log)");

  /* Without --yes-i-halted-trading the core refuses, and the refusal is audited. */
  if (!tw_backup_manager_restore (manager, args[0], args[1], o->dir, o->reason,
                                  o->halted ? TW_RESTORE_TRADING_HALTED : TW_RESTORE_NONE,
                                  &pre, NULL, NULL, NULL, NULL, &error))
    {
      if (g_error_matches (error, TW_ERROR, TW_ERROR_REFUSED) && !o->halted)
        {
          g_autoptr(GError) hint = g_error_new (TW_ERROR, TW_ERROR_REFUSED, "%s (pass "
                                                "--yes-i-halted-trading once trading is halted)",
                                                error->message);
          return _tw_cli_fail (o->json, hint);
        }
      return _tw_cli_fail (o->json, error);
    }

  if (o->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "database");
      json_builder_add_string_value (builder, args[0]);
      json_builder_set_member_name (builder, "backup");
      json_builder_add_string_value (builder, args[1]);
      json_builder_set_member_name (builder, "pre_restore");
      if (pre != NULL)
        json_builder_add_string_value (builder, tw_backup_get_path (pre));
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
      _tw_cli_print_json (builder);
    }
  else
    {
      printf ("Restored %s from %s\n", args[0], args[1]);
      if (pre != NULL)
        printf ("The previous database is kept in %s\n", tw_backup_get_path (pre));
    }
  return TW_CLI_EXIT_OK;
}

/* The saved profile NAME (NAME.conf in the profiles folder). */
static TwProfile *
load_profile (const char  *name,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  TwProfile *profile;

  profile = tw_profile_load_by_name (name, &local_error);
  if (profile == NULL && g_error_matches (local_error, TW_ERROR, TW_ERROR_NOT_FOUND))
    g_set_error (error, TW_ERROR, TW_ERROR_NOT_FOUND,
                 "no saved profile “%s” (%s); name a saved profile, or leave --profile out "
                 "to record the action under “cli” as live", name, local_error->message);
  else if (profile == NULL)
    g_set_error (error, TW_ERROR, TW_ERROR_INVALID, "the profile given with --profile could "
                 "not be read: %s", local_error->message);

  return profile;
}

/* The profile NAME opened as the console opens it (TwSession), not started: nothing is
 * polled or sent; its backup manager records the profile's name and mode. */
static TwSession *
open_session (const char  *name,
              GError     **error)
{
  g_autoptr(TwProfile) profile = load_profile (name, error);
  g_autoptr(TwConnectorRegistry) registry = NULL;
  g_autoptr(TwHttp) http = NULL;
  g_autoptr(TwSecrets) keyring = NULL;

  if (profile == NULL)
    return NULL;
  registry = tw_connector_registry_new ();
  tw_connector_registry_load_default (registry);
  http = tw_http_new ();
  /* Looked up only when a request is sent: never here. */
  keyring = tw_secrets_new_keyring ();
  return tw_session_new (profile, registry, http, keyring, FALSE);
}

static void
session_closed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  gboolean *closed = user_data;

  tw_session_close_finish (TW_SESSION (object), result, NULL);
  *closed = TRUE;
}

static void
close_session (TwSession *session)
{
  gboolean closed = FALSE;

  tw_session_close_async (session, NULL, session_closed_cb, &closed);
  while (!closed)
    g_main_context_iteration (NULL, TRUE);
}

int
_tw_cli_backup_main (int    argc,
                     char **argv)
{
  Options o = { NULL, FALSE, FALSE, -1, NULL, FALSE, NULL };
  GOptionEntry entries[] = {
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &o.dir, "Backup directory (default: DIR_OF_DB/backups)", "DIR" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "Machine-readable output on stdout", NULL },
    { "quick", 0, 0, G_OPTION_ARG_NONE, &o.quick, "verify: quick_check instead of integrity_check", NULL },
    { "keep-days", 0, 0, G_OPTION_ARG_INT, &o.keep_days, "cleanup: delete backups older than N days", "N" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &o.reason, "restore: why (audited)", "TEXT" },
    { "yes-i-halted-trading", 0, 0, G_OPTION_ARG_NONE, &o.halted, "restore: trading is halted", NULL },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &o.profile,
      "Saved profile whose name and mode (paper or live) the audit log records "
      "(default: \"cli\", recorded as live)", "NAME" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("create|verify|list|cleanup|restore …");
  g_autoptr(GError) error = NULL;
  g_autoptr(TwAuditLog) audit = NULL;
  g_autoptr(TwBackupManager) manager = NULL;
  g_autoptr(TwSession) session = NULL;
  g_auto(GStrv) args = g_new0 (char *, argc + 1);
  const char *verb;
  int status;

  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);

  /* "Usage: tradewarden backup [OPTION…] create|…" in --help (nothing set it before). */
  if (g_get_prgname () == NULL)
    g_set_prgname ("tradewarden backup");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, BACKUP_USAGE);
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      status = _tw_cli_usage ("%s. %s", error->message, BACKUP_USAGE);
      goto out;
    }

  /* args: PROGRAM backup VERB ARGS… */
  if (g_strv_length (args) < 3)
    {
      status = _tw_cli_usage (BACKUP_USAGE);
      goto out;
    }
  verb = args[2];

  /* The mode the audit log records is the profile's; without a profile it is unknown,
   * and recorded as live, the careful assumption. */
  if (o.profile != NULL)
    {
      session = open_session (o.profile, &error);
      if (session == NULL)
        {
          status = _tw_cli_fail (o.json, error);
          goto out;
        }
      manager = g_object_ref (tw_session_get_backup_manager (session));
      audit = tw_session_get_audit_log (session) != NULL ? g_object_ref (tw_session_get_audit_log (session)) : NULL;
      if (audit == NULL)
        error = g_error_copy (tw_session_get_audit_log_error (session));
    }
  else if (g_strcmp0 (verb, "restore") == 0 || g_strcmp0 (verb, "cleanup") == 0)
    audit = tw_audit_log_open (NULL, &error);

  if (audit == NULL && (g_strcmp0 (verb, "restore") == 0 || g_strcmp0 (verb, "cleanup") == 0))
    {
      if (g_strcmp0 (verb, "restore") == 0)
        {
          status = _tw_cli_fail (o.json, error);
          goto out;
        }
      fprintf (stderr, "tradewarden: warning: %s; the cleanup is not audited\n", error->message);
    }
  g_clear_error (&error);
  if (manager == NULL)
    manager = tw_backup_manager_new (audit, "cli", TW_MODE_LIVE);

  if (g_strcmp0 (verb, "create") == 0)
    status = cmd_create (manager, &o, args + 3);
  else if (g_strcmp0 (verb, "verify") == 0)
    status = cmd_verify (manager, &o, args + 3);
  else if (g_strcmp0 (verb, "list") == 0)
    status = cmd_list (manager, &o, args + 3);
  else if (g_strcmp0 (verb, "cleanup") == 0)
    status = cmd_cleanup (manager, &o, args + 3);
  else if (g_strcmp0 (verb, "restore") == 0)
    status = cmd_restore (manager, &o, args + 3);
  else
    status = _tw_cli_usage ("unknown command “backup %s”. %s", verb, BACKUP_USAGE);

out:
  g_clear_object (&manager);
  g_clear_object (&audit);
  if (session != NULL)
    close_session (session);
  g_free (o.dir);
  g_free (o.reason);
  g_free (o.profile);
  return status;
}
