/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `tradewarden backup|audit|status|halt …`: the same core as the window, for cron and SSH. */
#include "config.h"

#include "tw-cli.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "tw-cli-private.h"
#include "tw-error.h"

gboolean
tw_cli_handles (int    argc,
                char **argv)
{
  static const char * const verbs[] = { "backup", "audit", "status", "halt" };

  if (argc < 2)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (g_strcmp0 (argv[1], verbs[i]) == 0)
      return TRUE;
  return FALSE;
}

int
tw_cli_main (int    argc,
             char **argv)
{
  g_return_val_if_fail (tw_cli_handles (argc, argv), TW_CLI_EXIT_USAGE);

  if (g_strcmp0 (argv[1], "backup") == 0)
    return _tw_cli_backup_main (argc, argv);
  if (g_strcmp0 (argv[1], "status") == 0)
    return _tw_cli_status_main (argc, argv);
  if (g_strcmp0 (argv[1], "halt") == 0)
    return _tw_cli_halt_main (argc, argv);

  return _tw_cli_audit_main (argc, argv);
}

const char *
tw_cli_get_verbs_help (void)
{
  return _("Without a command, opens the console. Commands that need no display:\n"
           "  backup   Create, verify, list, clean up or restore SQLite backups\n"
           "           (see “tradewarden backup --help”)\n"
           "  audit    Verify or export the audit log (see “tradewarden audit --help”)\n"
           "  status   Poll every service of a profile once: health, trading state,\n"
           "           breakers, kill switch (see “tradewarden status --help”)\n"
           "  halt     Halt every service of a profile that can halt, audited\n"
           "           (see “tradewarden halt --help”)");
}

static char *
one_line (const char *text)
{
  char *line = g_strdup (text != NULL ? text : "");

  for (char *p = line; *p != '\0'; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';

  return line;
}

int
_tw_cli_fail (gboolean      json,
              const GError *error)
{
  g_autofree char *line = one_line (error->message);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, FALSE);
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, line);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, error->domain == TW_ERROR
                                              ? tw_error_nick (error->code) : "failed");
      json_builder_end_object (builder);
      _tw_cli_print_json (builder);
    }

  fprintf (stderr, "tradewarden: %s\n", line);
  return TW_CLI_EXIT_FAILURE;
}

int
_tw_cli_usage (const char *format,
               ...)
{
  g_autofree char *message = NULL;
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  line = one_line (message);

  fprintf (stderr, "tradewarden: %s\n", line);
  return TW_CLI_EXIT_USAGE;
}

void
_tw_cli_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = json_to_string (root, TRUE);

  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}
