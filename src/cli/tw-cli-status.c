/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tradewarden status: every service of a profile polled once, at the same time. */
#include "config.h"

#include <stdio.h>

#include "tw-cli-private.h"

#define STATUS_USAGE \
  "usage: tradewarden status [--profile NAME | --demo] [--json]  (polls every service of the " \
  "profile once; exit 0 when every service is OK and trading, 1 when any is not, 2 on a " \
  "usage error)"

int
_tw_cli_status_main (int    argc,
                     char **argv)
{
  g_autofree char *profile = NULL;
  gboolean demo = FALSE;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile,
      "Saved profile to poll (default: the one the console last had open)", "NAME" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, "Poll the built-in simulator (the demo profile)", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object per service, in an array, on stdout", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = g_new0 (char *, argc + 1);
  TwCliOpen open;
  GListModel *services;
  guint n, n_bad = 0;
  int status;

  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);
  if (g_get_prgname () == NULL)
    g_set_prgname ("tradewarden status");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, STATUS_USAGE);
  if (!g_option_context_parse_strv (context, &args, &error))
    return _tw_cli_usage ("%s. %s", error->message, STATUS_USAGE);
  /* args: PROGRAM status */
  if (g_strv_length (args) > 2)
    return _tw_cli_usage ("status takes no argument “%s”. %s", args[2], STATUS_USAGE);

  status = _tw_cli_open (&open, profile, demo, json);
  if (status != TW_CLI_EXIT_OK)
    return status;

  _tw_cli_poll_once (open.session);

  services = tw_workspace_get_services (tw_session_get_workspace (open.session));
  n = g_list_model_get_n_items (services);
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(TwService) service = g_list_model_get_item (services, i);
          g_autoptr(GPtrArray) problems = _tw_cli_service_problems (open.session, service);

          n_bad += problems->len > 0;
          json_builder_begin_object (builder);
          _tw_cli_add_service_json (builder, open.session, service);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      _tw_cli_print_json (builder);
    }
  else
    {
      gboolean color = _tw_cli_use_color ();

      printf ("Profile %s: %u service(s)\n", tw_profile_get_name (tw_session_get_profile (open.session)), n);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(TwService) service = g_list_model_get_item (services, i);
          g_autoptr(GPtrArray) problems = _tw_cli_service_problems (open.session, service);

          n_bad += problems->len > 0;
          printf ("\n");
          _tw_cli_print_service (open.session, service, color);
        }
      printf ("\n%s\n", n_bad == 0 ? "Every service is OK and trading."
                                   : "NOT every service is OK and trading (see “Problems” above).");
    }
  fflush (stdout);

  _tw_cli_close (&open);
  return n_bad == 0 ? TW_CLI_EXIT_OK : TW_CLI_EXIT_FAILURE;
}
